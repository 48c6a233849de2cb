#!/usr/bin/env bash
# scripts/run-vmm hardening: usage errors, the channel framing (truncated and
# corrupt transfers are caught), the host-side stamper, the exit helper, the
# VMMs that cannot run here (77), and real QEMU guests that panic, hang past
# the time limit, fail insmod or send a corrupt result: each gets its status,
# its reason on stderr, its console log kept, and no VMM process left.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
repo=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
diag() { sed "s/^/# /" "$@"; }

# A status and stderr from a command: run_capture NAME CMD...
run_capture() {
	local name=$1
	shift
	"$@" > "$tmp/$name.stdout" 2> "$tmp/$name.stderr"
	echo $? > "$tmp/$name.rc"
}
rc_of() { cat "$tmp/$1.rc"; }

# --- usage ---
run_capture bad-vmm scripts/run-vmm nosuchvmm
ok "$([ "$(rc_of bad-vmm)" = 2 ] && grep -q "unknown VMM 'nosuchvmm'" "$tmp/bad-vmm.stderr"; echo $?)" \
	"unknown VMM: status 2 and says so"
run_capture bad-timeout scripts/run-vmm qemu --timeout 1.5
ok "$([ "$(rc_of bad-timeout)" = 2 ] && grep -q "timeout wants a whole number" "$tmp/bad-timeout.stderr"; echo $?)" \
	"bad --timeout: status 2 and says so"
run_capture bad-script scripts/run-vmm qemu --guest-script "$tmp/absent.sh"
ok "$([ "$(rc_of bad-script)" = 2 ] && grep -q "not found" "$tmp/bad-script.stderr"; echo $?)" \
	"missing --guest-script: status 2"

# --- the channel: framing of a file, checked on arrival ---
stamp=build/vmprobe-stamp
if [ -x "$stamp" ]; then
	printf 'one\r\ntwo\nthree' | "$stamp" > "$tmp/stamped"
	ok "$(awk 'NF < 2 || $1 !~ /^[0-9]+$/ { bad = 1 } $1 < prev { bad = 1 } { prev = $1 } END { exit bad || NR != 3 }' "$tmp/stamped"; echo $?)" \
		"vmprobe-stamp: 3 lines, nanosecond stamps, non-decreasing"
	ok "$(cut -d' ' -f2- "$tmp/stamped" | tr '\n' ' ' | grep -qx 'one two three '; echo $?)" \
		"vmprobe-stamp: carriage returns dropped, last partial line kept"

	head -c 5000 /dev/urandom > "$tmp/payload"
	frame() { # NAME FILE -> the init's protocol
		echo "@@vmprobe begin getpid 1"
		echo "@@vmprobe end getpid 1"
		echo "@@vmprobe-file begin $1 $(wc -c < "$2") $(sha256sum "$2" | cut -d' ' -f1)"
		base64 "$2"
		echo "@@vmprobe-file end $1"
		echo "@@vmprobe-done 0 "
	}
	frame result.json "$tmp/payload" | "$stamp" > "$tmp/good"
	run_capture c1 scripts/lib/collect-channel "$tmp/good" "$tmp/c1"
	ok "$([ "$(rc_of c1)" = 0 ] && cmp -s "$tmp/payload" "$tmp/c1/files/result.json" && [ "$(wc -l < "$tmp/c1/marks")" = 2 ]; echo $?)" \
		"collect-channel: an intact frame comes back byte for byte, marks split off"

	# One base64 character changed: same length, wrong content.
	awk '/@@vmprobe-file begin/ { f = 1; print; next } f == 1 { f = 2; c = substr($2, 1, 1); $2 = (c == "A" ? "B" : "A") substr($2, 2) } { print }' \
		"$tmp/good" > "$tmp/corrupt"
	run_capture c2 scripts/lib/collect-channel "$tmp/corrupt" "$tmp/c2"
	ok "$([ "$(rc_of c2)" = 1 ] && grep -q 'corrupt transfer' "$tmp/c2.stderr" && [ ! -e "$tmp/c2/files/result.json" ]; echo $?)" \
		"collect-channel: a corrupted frame is reported and not taken"
	head -n 20 "$tmp/good" > "$tmp/truncated"
	run_capture c3 scripts/lib/collect-channel "$tmp/truncated" "$tmp/c3"
	ok "$([ "$(rc_of c3)" = 1 ] && grep -q 'truncated' "$tmp/c3.stderr" && [ ! -e "$tmp/c3/files/result.json" ]; echo $?)" \
		"collect-channel: a truncated frame is reported and not taken"
	# Bytes lost in the middle: the length no longer matches.
	sed '5d' "$tmp/good" > "$tmp/short"
	run_capture c4 scripts/lib/collect-channel "$tmp/short" "$tmp/c4"
	ok "$([ "$(rc_of c4)" = 1 ] && grep -q 'corrupt transfer' "$tmp/c4.stderr"; echo $?)" \
		"collect-channel: a frame with a lost line is reported"
else
	for _ in 1 2 3 4 5 6; do skip "skipped: build/vmprobe-stamp not built (run make)"; done
fi

if [ -x build/vmprobe-exit ]; then
	run_capture exit-bad build/vmprobe-exit 300
	ok "$([ "$(rc_of exit-bad)" = 2 ] && grep -q 'bad exit code' "$tmp/exit-bad.stderr"; echo $?)" \
		"vmprobe-exit: an out-of-range code is refused (status 2)"
else
	skip "skipped: build/vmprobe-exit not built (run make)"
fi

# --- VMMs that cannot run here say why (77); where they can, that is fine too ---
run_capture vmware scripts/run-vmm vmware --out "$tmp/out"
if grep -q VMware /sys/class/dmi/id/sys_vendor 2>/dev/null; then
	skip "skipped: this is a VMware guest, the vmware VMM can run"
else
	ok "$([ "$(rc_of vmware)" = 77 ] && grep -q 'not a VMware guest' "$tmp/vmware.stderr"; echo $?)" \
		"vmware outside VMware: status 77 with the reason"
fi
echo "echo hello" > "$tmp/noop.sh"
TMPDIR=$tmp run_capture kvm scripts/run-vmm kvm --out "$tmp/out" --timeout 120 --no-module --guest-script "$tmp/noop.sh"
case "$(rc_of kvm)" in
77) ok "$(grep -q 'cannot run here: ' "$tmp/kvm.stderr"; echo $?)" "kvm unusable here: status 77 with the reason ($(sed -n 's/.*cannot run here: //p' "$tmp/kvm.stderr" | cut -c1-80))" ;;
0) ok 0 "kvm usable here: a guest ran" ;;
*) ok 1 "kvm: unexpected status $(rc_of kvm)"; diag "$tmp/kvm.stderr" ;;
esac
run_capture kvm-help scripts/run-vmm kvm --help
ok "$([ "$(rc_of kvm-help)" = 0 ] && grep -q -- '-accel kvm' "$tmp/kvm-help.stdout"; echo $?)" "kvm --help documents the KVM command line"

# --- real QEMU guests that fail ---
qemu_ready() {
	command -v qemu-system-x86_64 > /dev/null || { echo "qemu-system-x86_64 not installed"; return 1; }
	ls /boot/vmlinuz-*-amd64 > /dev/null 2>&1 || { echo "no /boot/vmlinuz-*-amd64"; return 1; }
	if [ ! -x build/vmprobe-exit ] || [ ! -x build/vmprobe-stamp ]; then echo "tools not built (run make)"; return 1; fi
}
# The run's work directory is under $tmp, so its VMM processes can be found by that path.
vmm_left() { pgrep -f "$tmp/work" > /dev/null; }
mkdir -p "$tmp/work"
guest_run() { # NAME [run-vmm args...]
	local name=$1
	shift
	TMPDIR=$tmp/work run_capture "$name" nice scripts/run-vmm qemu --out "$tmp/$name" "$@"
}
if ! why=$(qemu_ready); then
	for _ in 1 2 3 4 5 6; do skip "skipped: $why"; done
else
	printf 'echo about to panic\necho c > /proc/sysrq-trigger\nsleep 600\n' > "$tmp/panic.sh"
	guest_run panic --no-module --timeout 120 --guest-script "$tmp/panic.sh"
	ok "$([ "$(rc_of panic)" = 1 ] && grep -q 'guest kernel panic: Kernel panic' "$tmp/panic.stderr" &&
		grep -q 'Kernel panic' "$tmp/panic/qemu.console.log" && ! vmm_left; echo $?)" \
		"a panicking guest: status 1, 'guest kernel panic' on stderr, console log kept, no VMM left"

	printf 'echo hanging\nsleep 100000\n' > "$tmp/hang.sh"
	guest_run hang --no-module --timeout 12 --guest-script "$tmp/hang.sh"
	ok "$([ "$(rc_of hang)" = 124 ] && grep -q 'wall-clock limit of 12 s reached' "$tmp/hang.stderr" &&
		[ -s "$tmp/hang/qemu.console.log" ] && ! vmm_left; echo $?)" \
		"a hanging guest past --timeout 12: status 124, console log kept, no VMM left"

	head -c 4096 /dev/urandom > "$tmp/bogus.ko"
	printf 'echo never runs\n' > "$tmp/ok.sh"
	VMPROBE_GUEST_MODULE=$tmp/bogus.ko guest_run insmod --timeout 120 --guest-script "$tmp/ok.sh"
	ok "$([ "$(rc_of insmod)" = 1 ] && grep -q 'insmod failed: .*invalid module format' "$tmp/insmod.stderr" &&
		[ -s "$tmp/insmod/qemu.console.log" ] && ! vmm_left; echo $?)" \
		"a failing insmod: status 1, 'insmod failed: ...' with the error, no VMM left"

	# The guest sends a result frame whose checksum is wrong.
	cat > "$tmp/badframe.sh" <<'GUEST'
printf '{"x":1}\n' > /tmp/fake
echo "@@vmprobe-file begin result.json 8 0000000000000000000000000000000000000000000000000000000000000000" > /dev/ttyS1
base64 /tmp/fake > /dev/ttyS1
echo "@@vmprobe-file end result.json" > /dev/ttyS1
echo sent
GUEST
	guest_run badframe --no-module --timeout 120 --guest-script "$tmp/badframe.sh"
	ok "$([ "$(rc_of badframe)" = 1 ] && grep -q 'corrupt transfer (SHA-256 mismatch)' "$tmp/badframe.stderr" &&
		[ ! -e "$tmp/badframe/qemu.json" ] && ! vmm_left; echo $?)" \
		"a corrupt result transfer: status 1, reported, not taken as a result"

	printf 'echo hello; exit 3\n' > "$tmp/status.sh"
	guest_run status --no-module --timeout 120 --guest-script "$tmp/status.sh"
	ok "$([ "$(rc_of status)" = 3 ] && grep -qx hello "$tmp/status/qemu.guest.out" && ! vmm_left; echo $?)" \
		"a guest script's stdout comes back and its status 3 becomes run-vmm's"
	# run-vmm itself interrupted (Ctrl-C, a CI job cancelled): the VMM goes too.
	TMPDIR=$tmp/work nice scripts/run-vmm qemu --out "$tmp/interrupted" --no-module --timeout 300 \
		--guest-script "$tmp/hang.sh" > /dev/null 2> "$tmp/interrupted.stderr" &
	runner=$!
	for _ in $(seq 100); do pgrep -f "qemu-system.*$tmp/work" > /dev/null && break; sleep 0.2; done
	vmm_started=$(pgrep -f "qemu-system.*$tmp/work" > /dev/null && echo yes || echo no)
	kill -TERM "$runner"
	wait "$runner"
	echo $? > "$tmp/interrupted.rc"
	ok "$([ "$vmm_started" = yes ] && [ "$(rc_of interrupted)" = 130 ] && grep -q interrupted "$tmp/interrupted.stderr" && ! vmm_left; echo $?)" \
		"run-vmm sent SIGTERM mid-run: status 130, and its VMM is gone too"
	for name in panic hang insmod badframe status interrupted; do
		[ "$failed" -eq 0 ] || { echo "# --- $name: status $(rc_of $name)"; diag "$tmp/$name.stderr"; }
	done
fi
: "$repo"
echo "1..$n"
exit "$failed"
