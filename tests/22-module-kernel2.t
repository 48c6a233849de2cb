#!/usr/bin/env bash
# vmprobe.ko on the second kernel line: tests/20 and 21 run the full module
# tests on run-vmm's default guest kernel (Debian's default, 6.1 on Debian
# 12); this boots the newest installed plain kernel of another line (6.12)
# once under QEMU TCG and runs the smoke set there (tests/lib/module-smoke.sh:
# loaded, every ioctl, 20,000 fuzz calls, rmmod, kernel log clean). The
# guest's points, each naming its kernel, become this test's.
set -u
cd "$(dirname "$0")/.." || exit 1

skip() {
	echo "skipped: $*" >&2
	echo "1..0 # SKIP $*"
	exit 0
}
bail() {
	echo "1..1"
	echo "not ok 1 - $*"
	exit 1
}

command -v qemu-system-x86_64 > /dev/null || skip "qemu-system-x86_64 not installed (qemu-system-x86)"
for program in modtest fuzz; do
	[ -x "build/guest/$program" ] || bail "build/guest/$program is not built (make)"
done
. tests/lib/guest.sh
guest_pick '' || skip "no default guest kernel with its module: $guest_why"
default=$guest_release
# The other line: the newest plain kernel whose major.minor is not the default's.
line=$(cut -d. -f1-2 <<< "$default")
other=$(find /boot -maxdepth 1 -name 'vmlinuz-*-amd64' ! -name '*-cloud-amd64' ! -name '*-rt-amd64' -printf '%f\n' |
	sed 's/^vmlinuz-//' | grep -v "^$line\." | sort -V | tail -n1)
[ -n "$other" ] || skip "only the $line kernel line is installed (make deps installs 6.12 too)"
if ! guest_pick "$other"; then
	case $guest_why in
	*"headers are not installed"*) skip "$guest_why" ;;
	*) bail "$guest_why" ;;
	esac
fi
echo "# default kernel $default (tests/20, 21); this file: $other, module $guest_module"

out=$(mktemp -d "${TMPDIR:-/tmp}/vmprobe-t22.XXXXXX")
trap 'rm -rf "$out"' EXIT
started=$SECONDS
status=0
TMPDIR=$out nice scripts/run-vmm qemu --kernel "$other" --out "$out" --timeout 300 \
	--guest-script tests/lib/module-smoke.sh -- 20000 > "$out/run-vmm.log" 2>&1 || status=$?
echo "# run-vmm qemu --kernel $other took $((SECONDS - started)) s"
[ "$status" -eq 77 ] && skip "$(tail -n 1 "$out/run-vmm.log")"

points=0
if [ -f "$out/qemu.guest.out" ]; then
	while IFS= read -r line; do
		case $line in
		"ok "* | "not ok "*) points=$((points + 1)); echo "$line" ;;
		1..*) ;;
		*) echo "$line" ;;
		esac
	done < "$out/qemu.guest.out"
fi
points=$((points + 1))
if [ "$status" -eq 0 ] && [ "$points" -gt 1 ]; then
	echo "ok $points - [$other] guest run finished with status 0"
else
	echo "not ok $points - [$other] guest run finished with status $status"
	sed 's/^/# run-vmm: /' "$out/run-vmm.log"
	[ -f "$out/qemu.console.log" ] && tail -n 40 "$out/qemu.console.log" | sed 's/^/# console: /'
fi
points=$((points + 1))
if pgrep -f "$out" > /dev/null; then
	echo "not ok $points - no VMM process left"
else
	echo "ok $points - no VMM process left"
fi
echo "1..$points"
[ "$status" -eq 0 ]
