#!/usr/bin/env bash
# vmprobe.ko in a real guest: boots QEMU TCG with the module loaded (through
# scripts/run-vmm) and runs tests/guest/module-tests.sh there; the guest's
# TAP points become this test's, so a failure inside the guest fails here.
#
#   tests/20-module-qemu.t [basic|hardening]
#
# basic (the default): every ioctl with good and bad arguments, permissions.
# tests/21-module-hardening.t runs the hardening part (fuzz, concurrency,
# rmmod/insmod) through this same file.
set -u
cd "$(dirname "$0")/.." || exit 1

part=${1:-basic}
case $part in
basic) limit=300 ;;
hardening) limit=420 ;;
*) echo "usage: $0 [basic|hardening]" >&2; exit 2 ;;
esac

# shellcheck source=tests/lib/guest.sh
. tests/lib/guest.sh

command -v qemu-system-x86_64 > /dev/null || skip_file "qemu-system-x86_64 not installed (qemu-system-x86)"
compgen -G '/boot/vmlinuz-*' > /dev/null || skip_file "no guest kernel in /boot (linux-image-amd64)"
[ -x scripts/run-vmm ] || bail_file "scripts/run-vmm is missing"
# run-vmm's default guest kernel and the module built for it.
if ! guest_pick ''; then
	case $guest_why in
	*"headers are not installed"*) skip_file "$guest_why" ;;
	*) bail_file "$guest_why" ;;
	esac
fi
# The selftest build of that module (make tests), with the test op the cap
# and signal checks need; the plain one is tests/22's.
guest_module=$(dirname "$guest_module")/selftest/vmprobe.ko
[ -f "$guest_module" ] || bail_file "$guest_module is not built (make tests)"
echo "# guest kernel $guest_release, module $guest_module (the selftest build)"
for program in modtest fuzz concurrency permcheck; do
	[ -x "build/guest/$program" ] || bail_file "build/guest/$program is not built (make)"
done

out=$(mktemp -d "${TMPDIR:-/tmp}/vmprobe-t20.XXXXXX")
trap 'rm -rf "$out"' EXIT

status=0
VMPROBE_GUEST_MODULE=$guest_module nice scripts/run-vmm qemu --out "$out" --timeout "$limit" \
	--guest-script tests/guest/module-tests.sh -- "$part" --selftest > "$out/run-vmm.log" 2>&1 || status=$?
[ "$status" -eq 77 ] && skip_file "$(tail -n 1 "$out/run-vmm.log")"

# Relay the guest's points (its plan dropped), then one for the run itself.
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
	echo "ok $points - guest run ($part) finished with status 0"
else
	echo "not ok $points - guest run ($part) finished with status $status"
	sed 's/^/# run-vmm: /' "$out/run-vmm.log"
	[ -f "$out/qemu.console.log" ] && tail -n 40 "$out/qemu.console.log" | sed 's/^/# console: /'
fi
echo "1..$points"
[ "$status" -eq 0 ]
