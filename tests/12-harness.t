#!/usr/bin/env bash
# The harness through the command line: the time budget holds for `vmprobe
# all` (rows too slow for their share are skipped with the reason, as a
# note, exit 0), --repetitions and --sizes reach the rows, the measured
# overhead and TSC step are recorded, and per-op counters agree with the
# TSC figures. (The empty region 0 +- 1 tick, known costs, baseline and
# verify rules are unit-tested in tests/unit/test_harness.c.)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
now() { date +%s.%N; }
# is EXPR: 0 (true) when the awk expression holds
is() { awk "BEGIN { exit !($1) }"; }

# --- the whole table within a small budget ---------------------------------------
budget=6
t0=$(now)
nice "$vmprobe" all --quick --time-budget $budget --json "$tmp/all.json" > "$tmp/all.out" 2> "$tmp/all.err"
status=$?
t1=$(now)
took=$(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }")
[ $status = 0 ] || sed 's/^/#   /' "$tmp/all.err" | tail -20
ok "$([ $status = 0 ]; echo $?)" "all --quick --time-budget $budget: exit 0 (skips are notes)"
# calibration, GAPS and the JSON come on top of the rows: 2 s of slack
ok "$(is "$took <= $budget + 2"; echo $?)" "all finished in $took s, within the budget"
ok "$([ "$(json "$tmp/all.json" 'scalar(grep { $_->{status} eq "failed" } @{$d->{benchmarks}})')" = 0 ]; echo $?)" \
	"no row failed"
ok "$([ "$(json "$tmp/all.json" 'scalar(grep { $_->{status} eq "skipped" && !length($_->{reason} // "") } @{$d->{benchmarks}})')" = 0 ]; echo $?)" \
	"every skipped row says why"
ok "$([ "$(json "$tmp/all.json" 'scalar(grep { $_->{name} eq "getpid" && $_->{status} eq "ok" } @{$d->{benchmarks}})')" = 1 ]; echo $?)" \
	"cheap rows still ran (getpid ok)"
ok "$([ "$(json "$tmp/all.json" '($d->{harness}{overhead_ticks} > 0 && $d->{harness}{tsc_step_ticks} >= 1) ? 1 : 0')" = 1 ]; echo $?)" \
	"the timing overhead ($(printf %.1f "$(json "$tmp/all.json" '$d->{harness}{overhead_ticks}')") ticks) and TSC step ($(json "$tmp/all.json" '$d->{harness}{tsc_step_ticks}')) are recorded"

# --- a row too slow for its share: skipped, with the op's time -------------------
nice "$vmprobe" run bubblesort-100000 getpid --quick --time-budget 1 --json "$tmp/slow.json" > "$tmp/slow.out" 2> "$tmp/slow.err"
status=$?
ok "$([ $status = 0 ] &&
	json "$tmp/slow.json" '$d->{benchmarks}[0]{status} . ": " . $d->{benchmarks}[0]{reason}' |
	grep -q '^skipped: too slow for the time budget: one op took'; echo $?)" \
	"bubblesort-100000 in 1 s: skipped as too slow, exit 0"
ok "$(grep -q '^# bubblesort-100000: too slow for the time budget' "$tmp/slow.out"; echo $?)" \
	"the table notes the reason"

# --- repetitions and sizes reach the rows ----------------------------------------
nice "$vmprobe" run getpid matmul --quick --repetitions 7 --sizes matmul=12:20 --json "$tmp/rs.json" > /dev/null 2> "$tmp/rs.err"
status=$?
ok "$([ $status = 0 ] && [ "$(json "$tmp/rs.json" 'join ",", map { "$_->{name}/$_->{size}" } @{$d->{benchmarks}}')" = "getpid/0,matmul-12/12,matmul-20/20" ]; echo $?)" \
	"--sizes matmul=12:20 gives rows matmul-12 and matmul-20"
ok "$([ "$(json "$tmp/rs.json" 'join ",", map { $_->{repetitions} . "/" . scalar(@{$_->{samples_ticks}}) } @{$d->{benchmarks}}')" = "7/7,7/7,7/7" ]; echo $?)" \
	"--repetitions 7: 7 samples per row"
# matmul-N is N^3 multiply-adds plus N^2 loop set-ups and stores: the work
# grows by (20/12)^3 = 4.63, a little less for the N^2 terms (about 8
# instructions per multiply-add against about 10 per set-up: 4.46). The
# time per multiply-add is not quite constant: an out-of-order core overlaps
# more of the short dependency chains of N=12 (4.83 measured on a loaded
# 2-core KVM guest). 20% either way of 4.63 covers that and the TSC not
# following the core clock; a row that times the wrong N, or a part of its
# op, falls outside.
# This machine's vCPUs are not always as fast: one may run 1.4-1.8x slower
# for seconds at a time (its host core shared; seen with the plainest loop
# pinned to each vCPU), and the scheduler may put the two rows on different
# vCPUs (unpinned, ratios of 2.6-8.3 were seen). So the pair runs pinned to
# CPU 0, 5 times, always 5, and the figure is the median of the 5 per-run
# ratios: a run whose rows straddle a change of state is outvoted.
for k in 1 2 3 4 5; do
	nice "$vmprobe" run matmul --cpu 0 --quick --repetitions 7 --sizes matmul=12:20 \
		--json "$tmp/mm$k.json" > /dev/null 2> "$tmp/mm$k.err" || sed 's/^/#   /' "$tmp/mm$k.err"
done
# A run without both rows counts as a ratio of 0 (so it votes "outside").
ratios=$(for k in 1 2 3 4 5; do
	json "$tmp/mm$k.json" 'my %min = map { $_->{name} => $_->{ticks}{min} } @{$d->{benchmarks}};
		sprintf "%.2f", $min{"matmul-12"} && $min{"matmul-20"} ? $min{"matmul-20"} / $min{"matmul-12"} : 0' ||
		printf 0
	echo
done | sort -g | tr '\n' ' ')
read -r _ _ ratio _ <<< "$ratios"
ratio=${ratio:-0}
ok "$(is "$ratio > 4.63 * 0.8 && $ratio < 4.63 * 1.25"; echo $?)" \
	"matmul-20 / matmul-12 = $ratio, the median of 5 runs ($ratios) (N^3 predicts 4.63, allowed 3.70..5.79)"

# --- counters per op agree with the TSC --------------------------------------------
# task-clock counts the time the thread ran while the counters were on: the
# TSC-timed samples plus the enable/disable calls around each (a few
# microseconds over 2048 or more ops: under 1%). Per op it is the mean over
# the kept samples, so it cannot be below the fastest sample's time, except
# by the TSC frequency's error (a nominal cpuid figure may be a few % off:
# 5%), nor above the mean sample's time by more than the calls and that
# error: 10%. (Every sample is kept: a preempted one lowers task-clock
# against the TSC, never raises it.)
tc=$(json "$tmp/rs.json" '$d->{benchmarks}[0]{counters}{"perf::TASK-CLOCK"}{per_op}')
if [ -n "$tc" ]; then
	min=$(json "$tmp/rs.json" '$d->{benchmarks}[0]{ns}{min}')
	mean=$(json "$tmp/rs.json" '$d->{benchmarks}[0]{ns}{mean}')
	ok "$(is "$tc >= $min * 0.95 && $tc <= $mean * 1.1"; echo $?)" \
		"getpid: task-clock $(printf %.1f "$tc") ns/op within the TSC's fastest $(printf %.1f "$min") -5% and mean $(printf %.1f "$mean") +10%"
else
	ok 1 "getpid: perf::TASK-CLOCK per op missing from the JSON"
fi
echo "1..$n"
