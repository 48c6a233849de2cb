#!/bin/sh
# vmprobe.ko's tests, run inside a guest (busybox sh) with the module loaded
# and the guest test programs in /bin; scripts/run-vmm --guest-script runs it.
#
#   module-tests.sh [basic|hardening|all] [--fuzz-count N] [--virtual-time] [--selftest]
#   module-tests.sh --print-required VMM     (on the host: see required_ops)
#
# basic:     modtest (every ioctl, good and bad arguments), permcheck
# hardening: fuzz, concurrency with rmmod refused meanwhile, rmmod and
#            insmod again, permcheck and modtest --quick on the new instance
# --selftest: the module is the selftest build (modtest --selftest: the cap
#            and signal checks with the test op); without it, the plain
#            build, whose refusal of the test op modtest checks instead
# Both end by checking that the kernel log holds no oops, BUG, WARNING,
# lockup, stall or KASAN report and that the module still answers.
# Prints one TAP stream (the programs' points renumbered); exit status 0
# when every point passed.

# THE table of which KTIMED ops (row names of include/uapi/vmprobe.h's
# VMPROBE_KTIMED_OPS) must work on each VMM, by the VMM's run-vmm name (the
# guest's JOB_LABEL): modtest --require fails when one of them answers
# EOPNOTSUPP, and tests/30-e2e-qemu.t requires their ktimed-* rows. Every
# op ran on each of these in the committed results (results/*.json);
# rdtscp only where the CPU has RDTSCP (modtest checks that itself).
# "-OP" takes one back: the KVM hypercall runs under KVM only; a Xen PV
# kernel runs deprivileged, so the bare-instruction ops of issue 22 are
# refused there (only the first nine, which have paravirt paths, run).
# QEMU TCG's CPU has none of the MSRs of the wrmsr-* ops but KERNEL_GS_BASE.
# Bochs (results/bochs.json) ran every op but those and the CPU's absent
# SPEC_CTRL and IBPB, and pio-out in results/bochs-irq/; cr8-read, added
# after every committed run, has run under QEMU only.
# A VMM not listed requires none (host and uml run without the module).
required_ops() { # VMM
	case "$1" in
	qemu|qemu-icount) echo all,-hypercall,-wrmsr-tsc-adjust,-wrmsr-spec-ctrl,-wrmsr-pred-cmd ;;
	bochs) echo all,-hypercall,-wrmsr-spec-ctrl,-wrmsr-pred-cmd,-cr8-read ;;
	xen) echo rdtsc,rdtscp,cpuid0,cpuid1,rdmsr,pio,cr0,cr3,invlpg ;;
	*) echo '' ;;
	esac
}

part=all fuzz_count='' modtest_args=''
while [ $# -gt 0 ]; do
	case "$1" in
	--print-required) required_ops "$2"; exit 0 ;;
	basic|hardening|all) part=$1 ;;
	--fuzz-count) fuzz_count=$2; shift ;;
	--virtual-time) modtest_args="$modtest_args --virtual-time" ;;
	--selftest) modtest_args="$modtest_args --selftest" ;;
	*) echo "module-tests.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done

module=/lib/vmprobe.ko
# shellcheck disable=SC1091
[ -r /etc/vmprobe/job ] && . /etc/vmprobe/job && module=${JOB_MODULE:-$module}
required=$(required_ops "${JOB_LABEL:-}")
[ -n "$required" ] && modtest_args="$modtest_args --require $required"

n=0 failed=0
point() { # PASSED(0|1) DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}
check() { # DESCRIPTION COMMAND...
	what=$1; shift
	"$@" > /tmp/check.out 2>&1
	point $? "$what"
	[ -s /tmp/check.out ] && sed 's/^/#   /' /tmp/check.out
}
# Fold a program's TAP output (file) and exit status into our stream.
relay() { # NAME OUTPUT_FILE STATUS
	while IFS= read -r line; do
		case "$line" in
		"not ok "*) point 1 "$1: ${line#* - }" ;;
		"ok "*) point 0 "$1: ${line#* - }" ;;
		1..*) ;;
		*) echo "$line" ;;
		esac
	done < "$2"
	point "$([ "$3" -eq 0 ] && echo 0 || echo 1)" "$1 exited with status $3"
}
run() { # NAME COMMAND...
	name=$1; shift
	echo "# running: $*"
	"$@" > /tmp/run.out 2> /tmp/run.err
	status=$?
	relay "$name" /tmp/run.out "$status"
	[ -s /tmp/run.err ] && sed 's/^/# stderr: /' /tmp/run.err
	return 0
}

module_answers() {
	permcheck > /tmp/perm.out 2>&1 && grep -q "^ok .* module answers" /tmp/perm.out
}

# Rmmod is refused while a process holds the device; once it is closed
# rmmod works, and a fresh insmod gives a working device again.
concurrency_and_reload() {
	echo "# running: concurrency --procs 4 --threads 4 --seconds 6 (rmmod tried meanwhile)"
	concurrency --procs 4 --threads 4 --seconds 6 > /tmp/conc.out 2> /tmp/conc.err &
	pid=$!
	sleep 2
	if rmmod vmprobe > /tmp/rmmod.out 2>&1; then
		point 1 "rmmod refused while the device is in use (it was unloaded!)"
		wait "$pid"
		relay concurrency /tmp/conc.out $?
		insmod "$module"
		return
	fi
	point 0 "rmmod refused while the device is in use: $(cat /tmp/rmmod.out)"
	wait "$pid"
	relay concurrency /tmp/conc.out $?
	check "rmmod succeeds once nobody holds the device" rmmod vmprobe
	check "/dev/vmprobe is gone after rmmod" sh -c '! [ -e /dev/vmprobe ] && ! grep -q "^vmprobe " /proc/modules'
	check "insmod again" insmod "$module"
	check "/dev/vmprobe is back" test -c /dev/vmprobe
}

# The kernel log since the start: nothing that means the kernel got hurt.
check_kernel_log() {
	dmesg > /tmp/dmesg.after
	if grep -E 'Oops|BUG|WARNING|soft lockup|hard LOCKUP|KASAN|general protection|Call Trace|rcu.*stall|UBSAN' \
		/tmp/dmesg.after > /tmp/dmesg.bad; then
		point 1 "kernel log clean (no Oops/BUG/WARNING/lockup/stall/KASAN)"
		sed 's/^/#   /' /tmp/dmesg.bad | head -40
	else
		point 0 "kernel log clean (no Oops/BUG/WARNING/lockup/stall/KASAN): $(wc -l < /tmp/dmesg.after) new lines"
	fi
}

if ! [ -c /dev/vmprobe ]; then
	echo "1..0 # SKIP /dev/vmprobe missing: the module is not loaded"
	exit 1
fi
echo "# $(uname -r), $(nproc) CPU(s); module: $(grep '^vmprobe ' /proc/modules); VMM '${JOB_LABEL:-?}' requires ops: ${required:-none}"
dmesg -c > /tmp/dmesg.boot	# from here on, the log holds only what the tests caused

case $part in basic|all)
	# shellcheck disable=SC2086
	run modtest modtest $modtest_args
	run permcheck permcheck
	;;
esac
case $part in hardening|all)
	run fuzz fuzz ${fuzz_count:+--count "$fuzz_count"}
	concurrency_and_reload
	run permcheck permcheck
	# shellcheck disable=SC2086
	run "modtest --quick (after reload)" modtest --quick $modtest_args
	;;
esac

check_kernel_log
check "the module still answers" module_answers
echo "1..$n"
[ "$failed" -eq 0 ]
