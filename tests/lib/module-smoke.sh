#!/bin/sh
# vmprobe.ko's smoke test, run INSIDE a guest (busybox sh) by
# tests/22-module-kernel2.t through scripts/run-vmm --guest-script, on the
# kernel line that tests/20 and 21 do not cover: the module loaded (by the
# guest's /init), every ioctl (modtest --quick), FUZZ_COUNT fuzz calls, rmmod,
# and a clean kernel log. Every point names the kernel, so the two kernels'
# results read apart. Prints TAP; exit status 0 when every point passed.
#
#   module-smoke.sh [FUZZ_COUNT]     (default 20000)

fuzz_count=${1:-20000}
kernel=$(uname -r)
n=0 failed=0
point() { # PASSED(0|1) DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - [$kernel] $2"; else echo "not ok $n - [$kernel] $2"; failed=1; fi
}
# run NAME COMMAND...: the program's TAP points become ours, then its status.
run() {
	name=$1
	shift
	echo "# running: $*"
	"$@" > /tmp/run.out 2> /tmp/run.err
	status=$?
	while IFS= read -r line; do
		case "$line" in
		"not ok "*) point 1 "$name: ${line#* - }" ;;
		"ok "*) point 0 "$name: ${line#* - }" ;;
		1..*) ;;
		*) echo "$line" ;;
		esac
	done < /tmp/run.out
	sed 's/^/# stderr: /' /tmp/run.err
	point "$([ "$status" -eq 0 ] && echo 0 || echo 1)" "$name exited with status $status"
}

if [ -c /dev/vmprobe ] && grep -q '^vmprobe ' /proc/modules; then
	point 0 "loaded: $(grep '^vmprobe ' /proc/modules | cut -d' ' -f1-2), /dev/vmprobe present"
else
	point 1 "loaded: /dev/vmprobe present"
	echo "1..$n"
	exit 1
fi
dmesg -c > /dev/null	# from here on the log holds what the tests caused

run modtest modtest --quick
run fuzz fuzz --count "$fuzz_count"
rmmod vmprobe > /tmp/rmmod.out 2>&1
point $? "rmmod vmprobe$([ -s /tmp/rmmod.out ] && echo ": $(cat /tmp/rmmod.out)")"
point "$([ ! -e /dev/vmprobe ] && ! grep -q '^vmprobe ' /proc/modules && echo 0 || echo 1)" \
	"unloaded: /dev/vmprobe and the module are gone"
if dmesg | grep -E 'Oops|BUG|WARNING|soft lockup|hard LOCKUP|KASAN|general protection|Call Trace|rcu.*stall|UBSAN' \
	> /tmp/dmesg.bad; then
	point 1 "kernel log clean (no Oops/BUG/WARNING/lockup/stall/KASAN)"
	sed 's/^/#   /' /tmp/dmesg.bad | head -40
else
	point 0 "kernel log clean (no Oops/BUG/WARNING/lockup/stall/KASAN)"
fi
echo "1..$n"
[ "$failed" -eq 0 ]
