#!/usr/bin/env bash
# scripts/run-vmm --boots N on the host (no guest to boot, so it is quick):
# N fresh runs, each annotated with its own marks, merged into one result
# file (boot 1, then "more_boots"), per-boot logs kept, nothing left behind;
# a single run clears the boot logs of an earlier --boots run; compare takes
# the boots as replicates. Bad --boots: status 2. Last, two real QEMU boots
# of a one-line guest script: two kernels, each one's output kept.
# Perl expressions for json() are single-quoted on purpose.
# shellcheck disable=SC2016
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
echo "1..11"

scripts/run-vmm host --boots 0 > /dev/null 2> "$tmp/zero.err"; status=$?
ok "$([ "$status" = 2 ] && grep -q "boots wants a whole number of boots > 0, not '0'" "$tmp/zero.err"; echo $?)" \
	"--boots 0: status 2 and says why"
scripts/run-vmm host --boots > /dev/null 2> "$tmp/none.err"; status=$?
ok "$([ "$status" = 2 ] && grep -q "boots needs a number" "$tmp/none.err"; echo $?)" \
	"--boots without a number: status 2"

if [ ! -x build/vmprobe-static ] || [ ! -x build/vmprobe-stamp ]; then
	for _ in 3 4 5 6 7 8 9 10 11; do skip "build/vmprobe-static or vmprobe-stamp not built (make user)"; done
	exit 0
fi
out=$tmp/out
# The shortest real run: the whole budget is 3 s, so each boot takes a few seconds.
nice scripts/run-vmm host --boots 2 --out "$out" -- --quick --time-budget 3 > "$tmp/two.log" 2>&1; status=$?
[ "$status" = 0 ] || sed 's/^/# /' "$tmp/two.log"
ok "$([ "$status" = 0 ] && grep -q "result: $out/host.json (2 boots)" "$tmp/two.log"; echo $?)" \
	"host --boots 2: status 0, one result file for both boots"
ok "$([ -s "$out/host.marks" ] && [ -s "$out/host.console.log" ] && [ -s "$out/host.boot2.marks" ] &&
	[ -s "$out/host.boot2.console.log" ] && [ ! -e "$out/host.boot1.marks" ] &&
	[ -z "$(find "$out" -mindepth 1 -name '.*')" ]; echo $?)" \
	"boot 1's marks and log under the usual names, boot 2's as host.boot2.*, no scratch left"
ok "$([ "$(json "$out/host.json" 'scalar @{$d->{more_boots}}')" = 1 ] &&
	[ "$(json "$out/host.json" '$d->{more_boots}[0]{label}')" = host ] &&
	[ "$(json "$out/host.json" '$d->{host_clock} && $d->{more_boots}[0]{host_clock} ? 1 : 0')" = 1 ] &&
	[ "$(json "$out/host.json" '$d->{started} ne $d->{more_boots}[0]{started} || $d->{command_line}[5] ne $d->{more_boots}[0]{command_line}[5] ? 1 : 0')" = 1 ]; echo $?)" \
	"more_boots holds boot 2 as a whole result, each boot annotated with its own host clock, each its own run"

# Compared with itself under another label, both files have 2 boots: the boots are the replicates.
perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>); $d->{label} = "again";
	$_->{label} = "again" for @{$d->{more_boots}}; print encode_json($d)' < "$out/host.json" > "$tmp/again.json"
run cmp compare "$out/host.json" "$tmp/again.json" --format json
ok "$([ "$(rc cmp)" = 0 ] &&
	[ "$(json "$tmp/cmp.out" '(grep { $_->{name} eq "getpid" } @{$d->{rows}})[0]{cells}{again}{test}')" = boots ] &&
	[ "$(json "$tmp/cmp.out" '(grep { $_->{name} eq "getpid" } @{$d->{rows}})[0]{cells}{again}{boots}')" = 2 ] &&
	[ "$(json "$tmp/cmp.out" '$d->{vmms}[0]{boots}')" = 2 ]; echo $?)" \
	"compare: a 2-boot file against another tests on the boots"
run cmpt compare "$out/host.json" "$tmp/again.json" --wide
self_ok=$([ "$(rc cmpt)" = 0 ] && grep -q '^host: 2 boots; figures are geometric means of the per-boot medians' "$tmp/cmpt.out" &&
	grep -q '^getpid .*1\.000x  *no \[0\.[0-9]*, [1-9][0-9.]*\] [0-9.]*% (boots) q=[0-9.e-]*; HL 1\.000x \[.*\] 67%' "$tmp/cmpt.out"; echo $?)
ok "$self_ok" \
	"compare --wide: boots named; a file against itself: ratio 1, its interval holds 1, shift 1, Moses' interval of 2 boots against 2 covering 1 - 2/6"
# The interval is Welch's over 2 boots a side at the column's level: wide ([0.12, 8.1] seen), but around 1.
[ "$self_ok" = 0 ] || grep '^getpid ' "$tmp/cmpt.out" | sed 's/^/#   /' >&2

# A single run afterwards leaves no stale boot logs beside its own result.
nice scripts/run-vmm host --out "$out" -- --quick --time-budget 3 > "$tmp/one.log" 2>&1; status=$?
ok "$([ "$status" = 0 ] && [ ! -e "$out/host.boot2.marks" ] && [ ! -e "$out/host.boot2.console.log" ] &&
	[ "$(json "$out/host.json" 'exists $d->{more_boots} ? 1 : 0')" = 0 ]; echo $?)" \
	"a single run clears an earlier run's boot logs and writes no more_boots"
run one compare "$out/host.json" "$tmp/again.json" --format json
ok "$([ "$(rc one)" = 0 ] &&
	[ "$(json "$tmp/one.out" '(grep { $_->{name} eq "getpid" } @{$d->{rows}})[0]{cells}{again}{test}')" = pooled ]; echo $?)" \
	"compare: 1 boot against 2 is labelled pooled"

# Stopped during boot 2 (SIGTERM, as a cancelled job): status 130, the running boot stopped, no scratch left.
TMPDIR=$tmp nice scripts/run-vmm host --boots 3 --out "$tmp/stop" -- --quick --time-budget 6 > "$tmp/stop.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -e "$tmp/stop/host.marks" ] && break; sleep 0.2; done	# boot 1 is in
sleep 1
kill -TERM "$pid"
wait "$pid"; status=$?
sleep 1
ok "$([ "$status" = 130 ] && grep -q 'interrupted' "$tmp/stop.log" && [ ! -e "$tmp/stop/host.json" ] &&
	[ -z "$(find "$tmp/stop" -mindepth 1 -name '.*')" ] && ! pgrep -f "$tmp/vmprobe-host" > /dev/null; echo $?)" \
	"SIGTERM during boot 2: status 130, no result file, no scratch, no vmprobe left running"

# Real guests: two QEMU boots of a one-line guest script (about 10 s each under TCG) are two kernels.
printf '#!/bin/sh\necho "boot_id $(cat /proc/sys/kernel/random/boot_id)"\n' > "$tmp/bootid.sh"
TMPDIR=$tmp nice scripts/run-vmm qemu --boots 2 --no-module --timeout 300 --out "$tmp/q" \
	--guest-script "$tmp/bootid.sh" > "$tmp/q.log" 2>&1; status=$?
if [ "$status" = 77 ]; then
	skip "qemu cannot run here: $(tail -n 1 "$tmp/q.log")"
else
	[ "$status" = 0 ] || sed 's/^/# /' "$tmp/q.log"
	one=$(sed -n 's/^boot_id //p' "$tmp/q/qemu.guest.out" 2> /dev/null)
	two=$(sed -n 's/^boot_id //p' "$tmp/q/qemu.boot2.guest.out" 2> /dev/null)
	ok "$([ "$status" = 0 ] && [ -n "$one" ] && [ -n "$two" ] && [ "$one" != "$two" ] &&
		[ -s "$tmp/q/qemu.boot2.console.log" ] && [ ! -e "$tmp/q/qemu.json" ]; echo $?)" \
		"qemu --boots 2 with a guest script: two kernels (different boot ids), each one's output and log kept"
fi
