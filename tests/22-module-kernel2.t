#!/usr/bin/env bash
# vmprobe.ko on the second kernel line: tests/20 and 21 run the full module
# tests on run-vmm's default guest kernel (Debian's default, 6.1 on Debian
# 12); this boots the newest installed plain kernel of another line (6.12)
# once under QEMU TCG and runs the smoke set there (tests/lib/module-smoke.sh:
# loaded, every ioctl, 20,000 fuzz calls, rmmod, kernel log clean). The
# guest's points, each naming its kernel, become this test's.
set -u
cd "$(dirname "$0")/.." || exit 1

# shellcheck source=tests/lib/guest.sh
. tests/lib/guest.sh

command -v qemu-system-x86_64 > /dev/null || skip_file "qemu-system-x86_64 not installed (qemu-system-x86)"
for program in modtest fuzz; do
	[ -x "build/guest/$program" ] || bail_file "build/guest/$program is not built (make)"
done
guest_pick '' || skip_file "no default guest kernel with its module: $guest_why"
default=$guest_release
# The other line: the newest plain kernel whose major.minor is not the default's.
line=$(cut -d. -f1-2 <<< "$default")
other=$(find /boot -maxdepth 1 -name 'vmlinuz-*-amd64' ! -name '*-cloud-amd64' ! -name '*-rt-amd64' -printf '%f\n' |
	sed 's/^vmlinuz-//' | grep -v "^$line\." | sort -V | tail -n1)
[ -n "$other" ] || skip_file "only the $line kernel line is installed (make deps installs 6.12 too)"
if ! guest_pick "$other"; then
	case $guest_why in
	*"headers are not installed"*) skip_file "$guest_why" ;;
	*) bail_file "$guest_why" ;;
	esac
fi
echo "# default kernel $default (tests/20, 21); this file: $other, module $guest_module"

out=$(mktemp -d "${TMPDIR:-/tmp}/vmprobe-t22.XXXXXX")
trap 'rm -rf "$out"' EXIT

# How a kernel that cannot be used is reported, before anything boots.
points=0
failed=0
point() { points=$((points + 1)); if [ "$1" -eq 0 ]; then echo "ok $points - $2"; else echo "not ok $points - $2"; failed=1; fi; }
scripts/run-vmm qemu --kernel 0.0.0-vmprobe-none-amd64 --out "$out" > "$out/none.log" 2>&1
status=$?
point "$([ "$status" -eq 2 ] && grep -q "install linux-image-0.0.0-vmprobe-none-amd64; installed: .*$other" "$out/none.log"; echo $?)" \
	"run-vmm --kernel with no such image: usage error (got $status), names linux-image-RELEASE and the installed kernels"
# shellcheck disable=SC2034 # REPO, BUILD, ...: read by scripts/lib/guest.sh
why=$(REPO=$PWD BUILD=$PWD/build USE_MODULE=1 GUEST_KERNEL_RELEASE=0.0.0-vmprobe-none-amd64
	. scripts/lib/guest.sh; guest_module 2>&1)
point "$(grep -q 'apt-get install linux-headers-0.0.0-vmprobe-none-amd64' <<< "$why"; echo $?)" \
	"a kernel without headers: the message names the package ($why)"

started=$SECONDS
status=0
TMPDIR=$out nice scripts/run-vmm qemu --kernel "$other" --out "$out" --timeout 300 \
	--guest-script tests/lib/module-smoke.sh -- 20000 > "$out/run-vmm.log" 2>&1 || status=$?
echo "# run-vmm qemu --kernel $other took $((SECONDS - started)) s"

if [ -f "$out/qemu.guest.out" ]; then
	while IFS= read -r line; do
		case $line in
		"ok "*) point 0 "${line#* - }" ;;
		"not ok "*) point 1 "${line#* - }" ;;
		1..*) ;;
		*) echo "$line" ;;
		esac
	done < "$out/qemu.guest.out"
fi
point "$([ "$status" -eq 0 ] && [ "$points" -gt 2 ]; echo $?)" "[$other] guest run finished with status $status"
if [ "$status" -ne 0 ] || [ "$points" -le 3 ]; then
	sed 's/^/# run-vmm: /' "$out/run-vmm.log"
	[ -f "$out/qemu.console.log" ] && tail -n 40 "$out/qemu.console.log" | sed 's/^/# console: /'
fi
point "$(! pgrep -f "$out" > /dev/null; echo $?)" "no VMM process left"
echo "1..$points"
exit "$failed"
