#!/usr/bin/env bash
# vmprobe's rows against the plainest implementation of each (build/guest/
# vmprobe-ref: a loop of n calls with clock_gettime around it, the median of
# 15 loops of about 2 ms, vmprobe's own sample length and count), measured
# by scripts/reference-table: on the host, interleaved per row (vmprobe,
# then the reference, 5 rounds); then inside one QEMU TCG guest, batched.
#
# Bounds and why:
#   host  5%: what issue 13 asks of a figure that measures the defined op.
#         The verdict is on the median of the per-round ratios (each
#         round's two figures are taken seconds apart, so load that comes
#         and goes between rounds cancels); rows without an "ok" after 5
#         rounds get 6 more. On a loaded machine (2 cores shared with other
#         jobs) the ratio's CI can be too wide to tell: such a row is
#         skipped, saying so; a row whose CI lies outside the band fails
#         (the rule: scripts/reference-table, --tap).
#   qemu 20%: under TCG the guest's clock and its TSC both run on host
#         threads that the host deschedules at will, a round's two figures
#         are taken tens of seconds apart (batched: one vmprobe run, then
#         one vmprobe-ref run), and one boot gives 6 rounds only.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tests/lib/tap.sh
. tests/lib/tap.sh

rows="getpid null-syscall read-zero-1 write-null stat fstat open-close signal fork-exit-wait ctxsw-1cpu"
for need in build/guest/vmprobe-ref build/vmprobe-forker; do
	if [ ! -x "$need" ]; then
		echo "1..0 # SKIP skipped: $need not built (make user)"
		exit 0
	fi
done
status=0

# VMPROBE_REFERENCE_FIFO=1: the host part under SCHED_FIFO (see scripts/reference-table --fifo).
fifo=''
[ "${VMPROBE_REFERENCE_FIFO:-0}" = 1 ] && fifo=--fifo
# shellcheck disable=SC2086 # rows are plain words; $fifo is empty or one word
TMPDIR=$tmp nice scripts/reference-table --rounds 5 --more 6 --budget 2 --tap 5 --start 1 \
	--label host $fifo $rows > "$tmp/host.tap" 2> "$tmp/host.err"
host_status=$?
cat "$tmp/host.tap"
n=$(grep -c '^\(not \)\?ok ' "$tmp/host.tap")
[ "$host_status" -eq 0 ] || { sed 's/^/# /' "$tmp/host.err" | tail -20; status=1; }

guest_why=''
command -v qemu-system-x86_64 > /dev/null || guest_why="qemu-system-x86_64 not installed"
ls /boot/vmlinuz-*-amd64 > /dev/null 2>&1 || guest_why=${guest_why:-"no guest kernel"}
[ -x build/vmprobe-static ] || guest_why=${guest_why:-"build/vmprobe-static not built"}
if [ -n "$guest_why" ]; then
	for _ in $rows; do skip "skipped: $guest_why"; done
	skip "skipped: $guest_why"
	echo "1..$n"
	exit "$status"
fi

mkdir -p "$tmp/work"
started=$SECONDS
# shellcheck disable=SC2086
TMPDIR=$tmp/work nice scripts/run-vmm qemu --no-module --out "$tmp/out" --timeout 500 \
	--guest-script scripts/guest/jobs/reference.sh -- rounds=6 batch budget=20 $rows \
	> "$tmp/vmm.out" 2> "$tmp/vmm.err"
vmm_status=$?
echo "# run-vmm qemu with the reference job took $((SECONDS - started)) s"
# shellcheck disable=SC2086
scripts/reference-table --from "$tmp/out/qemu.guest.out" --rounds 6 --batch --tap 20 \
	--start $((n + 1)) --label qemu $rows > "$tmp/guest.tap" 2> "$tmp/guest.err"
guest_status=$?
cat "$tmp/guest.tap"
n=$((n + $(grep -c '^\(not \)\?ok ' "$tmp/guest.tap")))
[ "$guest_status" -eq 0 ] || status=1
if [ "$vmm_status" -ne 0 ]; then
	sed 's/^/# /' "$tmp/vmm.err" | tail -20
	grep -v '^\[' "$tmp/out/qemu.console.log" 2> /dev/null | tail -20 | sed 's/^/# console: /'
fi
ok "$vmm_status" "qemu: run-vmm with the reference job exits 0 (got $vmm_status)"
ok "$(! pgrep -f "$tmp/work" > /dev/null; echo $?)" "no VMM process left"
[ "$vmm_status" -eq 0 ] || status=1
echo "1..$n"
exit "$status"
