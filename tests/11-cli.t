#!/usr/bin/env bash
# build/vmprobe driven as a user would: info, list, run with --quick, JSON
# and CSV to a temporary directory, to /dev/full and to a missing
# directory, usage errors (exit 2), markers, the derived-clock labelling,
# and SIGINT/SIGTERM mid-run (exit 130, a complete file marked partial,
# never a half-written one). The static binary is run too.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
bgpid=
on_exit() { [ -n "$bgpid" ] && kill -KILL "$bgpid" 2>/dev/null; }

show() { echo "# status $(rc "$1"); stderr:"; sed 's/^/#   /' "$tmp/$1.err" | head -20; }
# expect_usage NAME PATTERN DESCRIPTION: exit 2 and the message on stderr
expect_usage() {
	local r
	r=$([ "$(rc "$1")" = 2 ] && grep -qF -- "$2" "$tmp/$1.err"; echo $?)
	[ "$r" = 0 ] || show "$1"
	ok "$r" "$3"
}
# jq-like: json FILE PERL-EXPR (on $d, the decoded document)

# --- info -------------------------------------------------------------------------
run info info --json "$tmp/info.json"
ok "$([ "$(rc info)" = 0 ] && grep -q '^vmm: ' "$tmp/info.out" &&
	grep -q '^tsc frequency: ' "$tmp/info.out"; echo $?)" "info prints the VMM guess and the TSC"
vmm=$(json "$tmp/info.json" '$d->{vmm}')
ok "$(echo "$vmm" | grep -qE '^(host|kvm|pvm|qemu-tcg|xen-pv|xen-hvm|bochs|uml|vmware|hyperv|bhyve|acrn|jailhouse|unknown)$'; echo $?)" \
	"info --json names the VMM ($vmm) and parses"
ok "$([ "$(json "$tmp/info.json" '$d->{tsc}{hz} > 1e6 ? 1 : 0')" = 1 ] &&
	json "$tmp/info.json" '$d->{tsc}{hz_source}' | grep -qE '^(module|sysfs|cpuid|calibrated)$'; echo $?)" \
	"info --json has the TSC frequency and where it came from"
ok "$(json "$tmp/info.json" '$d->{module}{open} ? "open" : $d->{module}{reason}' |
	grep -qE '^(open|/dev/vmprobe( absent \(module not loaded\)|: .+))$'; echo $?)" \
	"info --json says whether the module is there, or why not"
if [ ! -e /dev/vmprobe ]; then
	ok "$(grep -q '^module: .*absent' "$tmp/info.out"; echo $?)" "info says the module is absent"
else
	skip "/dev/vmprobe exists here"
fi
run info_dir info --json /nonexistent-dir/info.json
expect_usage info_dir "cannot create a file in /nonexistent-dir" "info --json into a missing directory: exit 2"

# --- list ------------------------------------------------------------------------
run list list
ok "$([ "$(rc list)" = 0 ] && grep -qE '^getpid +micro .*runnable' "$tmp/list.out" &&
	grep -qE '^matmul +macro +10,100,1000' "$tmp/list.out"; echo $?)" "list shows benchmarks, groups, sizes, runnability"

# --- usage errors ----------------------------------------------------------------
run noargs
expect_usage noargs "no subcommand" "no subcommand: exit 2"
run badsub frobnicate
expect_usage badsub "unknown subcommand 'frobnicate'" "unknown subcommand: exit 2"
run badbench run no-such-bench
expect_usage badbench "unknown benchmark 'no-such-bench'" "unknown benchmark: exit 2"
run badrep run getpid --repetitions -4
expect_usage badrep "--repetitions '-4'" "negative --repetitions: exit 2"
run badbudget run getpid --time-budget soon
expect_usage badbudget "--time-budget 'soon'" "non-numeric --time-budget: exit 2"
run badevent run getpid --events cycles,no-such-event
expect_usage badevent "event 'no-such-event': event not found" "unknown event: exit 2 with libpfm4's message"
run badcpu run getpid --cpu 100000
expect_usage badcpu "--cpu '100000'" "huge --cpu: exit 2"
run missing run getpid --json
expect_usage missing "needs a value" "--json without a value: exit 2"
run help --help
ok "$([ "$(rc help)" = 0 ] && grep -q '^usage: vmprobe' "$tmp/help.out"; echo $?)" "--help: usage on stdout, exit 0"

# --- a quick run with every output -----------------------------------------------
run quick run getpid matmul-10 --quick --cpu 0 --label unit-test \
	--json "$tmp/q.json" --csv "$tmp/q.csv" --markers "$tmp/q.marks"
[ "$(rc quick)" = 0 ] || show quick
ok "$([ "$(rc quick)" = 0 ]; echo $?)" "run getpid matmul-10 --quick: exit 0"
ok "$(grep -qE '^getpid +micro +[0-9.]+ [mun]?s +[0-9.]+ ' "$tmp/quick.out" &&
	grep -qE '^matmul-10 +macro' "$tmp/quick.out" && head -2 "$tmp/quick.out" | grep -q 'median '; echo $?)" \
	"the table on stdout has both rows with figures"
ok "$(grep -q '^\[1/2\] getpid' "$tmp/quick.err"; echo $?)" "progress goes to stderr"
ok "$([ "$(json "$tmp/q.json" '$d->{format}." ".$d->{format_version}." ".($d->{partial}?1:0)')" = "vmprobe-result 1 0" ]; echo $?)" \
	"JSON: format, version, not partial"
ok "$([ "$(json "$tmp/q.json" '$d->{label}')" = unit-test ] && [ "$(json "$tmp/q.json" '$d->{options}{cpu}')" = 0 ]; echo $?)" \
	"JSON: --label and --cpu recorded"
ok "$([ "$(json "$tmp/q.json" 'join ",", map { "$_->{name}:$_->{status}" } @{$d->{benchmarks}}')" = "getpid:ok,matmul-10:ok" ]; echo $?)" \
	"JSON: both rows ok"
ok "$([ "$(json "$tmp/q.json" 'my $b = $d->{benchmarks}[0]; ($b->{ticks}{median} > 0 && $b->{ns}{median} > 0 && $b->{ticks}{ci_low} <= $b->{ticks}{median} && $b->{ticks}{median} <= $b->{ticks}{ci_high} && @{$b->{samples_ticks}} == $b->{repetitions} && $b->{ops_per_sample} >= 1) ? 1 : 0')" = 1 ]; echo $?)" \
	"JSON: getpid median, CI around it, one sample per repetition"
ok "$([ "$(json "$tmp/q.json" 'my $b = $d->{benchmarks}[0]; abs($b->{ns}{median} - $b->{ticks}{median} / $d->{clock}{tsc_hz} * 1e9) < 1e-6 * $b->{ns}{median} ? 1 : 0')" = 1 ]; echo $?)" \
	"JSON: ns = ticks / clock.tsc_hz"
ok "$(json "$tmp/q.json" '$d->{benchmarks}[0]{separation}{method}' | grep -qE '^(pmu|gaps|steal|none)$'; echo $?)" \
	"JSON: separation has a method"
ok "$([ "$(head -1 "$tmp/q.csv" | cut -d, -f1-3)" = "label,name,bench" ] && [ "$(wc -l < "$tmp/q.csv")" = 3 ] &&
	grep -q '^unit-test,getpid,getpid,0,micro,call,ok,' "$tmp/q.csv"; echo $?)" "CSV: header and one line per row"
ok "$(printf '@@vmprobe begin getpid 1\n@@vmprobe end getpid 1\n@@vmprobe begin matmul-10 2\n@@vmprobe end matmul-10 2\n' |
	cmp -s - "$tmp/q.marks"; echo $?)" "markers: begin/end NAME SEQ per row"
ok "$(ls "$tmp" | grep -q '\.tmp$'; [ $? = 1 ]; echo $?)" "no .tmp file left behind"

# Unsupported counters: said once on stderr, listed in the JSON. Whether the
# machine has a hardware PMU is read from sysfs (a core PMU is an event source
# named cpu, cpu_core or cpu_atom with events/ or format/), never from what
# vmprobe prints: a regression that stops reporting must fail, not skip.
has_pmu=0
for d in /sys/bus/event_source/devices/cpu*; do
	if [ -d "$d/events" ] || [ -d "$d/format" ]; then has_pmu=1; fi
done
unsupported=$(json "$tmp/q.json" 'join ",", map { $_->{name} } @{$d->{counters}{unsupported}}')
if [ "$has_pmu" = 0 ]; then
	ok "$([ "$(grep -c '^vmprobe: cycles: not supported (' "$tmp/quick.err")" = 1 ] &&
		case ",$unsupported," in *,cycles,*) true ;; *) false ;; esac; echo $?)" \
		"no hardware PMU here: cycles is said unsupported once on stderr and listed in counters.unsupported"
elif [ "$(id -u)" != 0 ] && [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -ge 2 ]; then
	# A PMU, but cycles counts the kernel too (libpfm4 PLM0|PLM3), which
	# perf_event_paranoid >= 2 refuses to users (3, Debian's, refuses all).
	ok "$(grep -q '^vmprobe: cycles: not supported (permission denied' "$tmp/quick.err" &&
		case ",$unsupported," in *,cycles,*) true ;; *) false ;; esac; echo $?)" \
		"a PMU but perf_event_paranoid >= 2: cycles is said refused for permission and listed as unsupported"
else
	ok "$(! grep -q '^vmprobe: cycles: not supported' "$tmp/quick.err" &&
		case ",$unsupported," in *,cycles,*) false ;; *) true ;; esac &&
		json "$tmp/q.json" '$d->{benchmarks}[0]{counters}{cycles}{per_op}' | grep -qE '^[0-9.e+]+$'; echo $?)" \
		"a hardware PMU here: cycles opens and has a per-op count"
fi

# A kernel without perf_events (UML): libpfm4 knows no PMU and refuses every name as
# "not supported"; the run must go on with the events listed as unsupported. Hiding
# /proc/sys/kernel in a private mount namespace makes libpfm4 see exactly that.
if unshare -m true 2>/dev/null; then
	unshare -m sh -c 'mount -t tmpfs none /proc/sys/kernel && exec "$0" run getpid --quick --json "$1"' \
		"$vmprobe" "$tmp/noperf.json" > "$tmp/noperf.out" 2> "$tmp/noperf.err"
	echo $? > "$tmp/noperf.rc"
	[ "$(rc noperf)" = 0 ] || show noperf
	ok "$([ "$(rc noperf)" = 0 ] &&
		json "$tmp/noperf.json" '$d->{counters}{unsupported}[0]{reason}' | grep -q 'no perf_events in this kernel' &&
		[ "$(json "$tmp/noperf.json" '$d->{benchmarks}[0]{status}')" = ok ]; echo $?)" \
		"without perf_events (as in UML): events unsupported, the run goes on"
else
	skip "unshare -m not permitted here"
fi

# --- outputs that cannot be written ----------------------------------------------
if [ -w /dev/full ]; then
	run full run getpid --quick --json /dev/full
	ok "$([ "$(rc full)" = 1 ] && grep -q 'No space left on device' "$tmp/full.err" &&
		grep -q '^getpid ' "$tmp/full.out"; echo $?)" "--json /dev/full: the write error, exit 1 (table still printed)"
else
	skip "/dev/full not writable here"
fi
run nodir run getpid --quick --json "$tmp/no/such/dir/r.json"
expect_usage nodir "cannot create a file in $tmp/no/such/dir" "--json into a missing directory: exit 2 before running"
ok "$([ ! -e "$tmp/no" ]; echo $?)" "and nothing created"

# --- derived clock ---------------------------------------------------------------
run icount run getpid --quick --clock instructions --clock-note "icount shift=0" --json "$tmp/ic.json"
ok "$([ "$(rc icount)" = 0 ] && grep -q 'derived from instruction counts' "$tmp/icount.out" &&
	grep -q 'median\*' "$tmp/icount.out"; echo $?)" "--clock instructions: the table header says ns are derived"
ok "$([ "$(json "$tmp/ic.json" '$d->{clock}{kind}." ".$d->{benchmarks}[0]{sources}{time}')" = "instructions icount" ] &&
	[ "$(json "$tmp/ic.json" '$d->{clock}{note}')" = "icount shift=0" ]; echo $?)" \
	"--clock instructions: JSON clock.kind, sources.time and the note say so"

# --- SIGINT / SIGTERM mid-run ----------------------------------------------------
# interrupt SIGNAL NAME: starts `vmprobe all`, signals it during row 3, waits.
interrupt() {
	local sig=$1 name=$2 i
	"$vmprobe" all --quick --repetitions 3 --json "$tmp/$name.json" --csv "$tmp/$name.csv" \
		--markers "$tmp/$name.marks" > "$tmp/$name.out" 2> "$tmp/$name.err" &
	bgpid=$!
	for i in $(seq 600); do
		grep -q '^\[3/' "$tmp/$name.err" 2>/dev/null && break
		sleep 0.05
	done
	kill -s "$sig" "$bgpid"
	local t0=$SECONDS
	wait "$bgpid"
	echo $? > "$tmp/$name.rc"
	echo $((SECONDS - t0)) > "$tmp/$name.secs"
	bgpid=
}
# `all` runs at least one row per benchmark that `list` shows
rows=$("$vmprobe" list | tail -n +2 | wc -l)
for sig in INT TERM; do
	name=sig$sig
	interrupt "$sig" "$name"
	[ "$(rc "$name")" = 130 ] || show "$name"
	ok "$([ "$(rc "$name")" = 130 ]; echo $?)" "SIG$sig mid-run: exit 130"
	ok "$([ "$(cat "$tmp/$name.secs")" -le 5 ]; echo $?)" "SIG$sig: stops soon after the current op ($(cat "$tmp/$name.secs") s)"
	ok "$([ "$(json "$tmp/$name.json" '$d->{partial} ? 1 : 0')" = 1 ]; echo $?)" \
		"SIG$sig: the JSON is complete and marked partial"
	done_rows=$(json "$tmp/$name.json" 'scalar @{$d->{benchmarks}}')
	ok "$([ "${done_rows:-0}" -ge 2 ] && [ "$done_rows" -lt "$rows" ]; echo $?)" \
		"SIG$sig: holds the rows that finished ($done_rows of more)"
	ok "$([ ! -e "$tmp/$name.json.tmp" ] && [ ! -e "$tmp/$name.csv.tmp" ] &&
		[ "$(($(wc -l < "$tmp/$name.csv") - 1))" = "$done_rows" ]; echo $?)" \
		"SIG$sig: no .tmp left, the CSV has the same rows"
	ok "$(grep -q 'PARTIAL' "$tmp/$name.out" && grep -q 'interrupted' "$tmp/$name.err"; echo $?)" \
		"SIG$sig: the table and stderr say it was interrupted"
	# The host clock for qemu-icount and Bochs comes only from annotate: an
	# interrupted run's marks must still annotate its partial JSON. The row
	# the signal stopped is left open (begun, never ended), and only the rows
	# the JSON holds have a begin/end pair.
	# (A signal that lands between two rows leaves none open: then no note.)
	pairs=$(grep -c '^@@vmprobe end ' "$tmp/$name.marks")
	open_row=0
	case $(tail -1 "$tmp/$name.marks") in "@@vmprobe begin "*) open_row=1 ;; esac
	ok "$([ "$pairs" = "$done_rows" ]; echo $?)" \
		"SIG$sig --markers: one begin/end pair per row kept ($pairs of $done_rows), open row: $open_row"
	"$PWD/build/vmprobe-stamp" < "$tmp/$name.marks" > "$tmp/$name.stamped"
	run "$name-ann" annotate "$tmp/$name.json" --host-marks "$tmp/$name.stamped"
	[ "$(rc "$name-ann")" = 0 ] || show "$name-ann"
	ok "$([ "$(rc "$name-ann")" = 0 ] &&
		[ "$(json "$tmp/$name.json" '$d->{host_clock}{marked_rows}')" = "$done_rows" ] &&
		[ "$(json "$tmp/$name.json" 'scalar grep { defined $_->{host_wall_ns} } @{$d->{benchmarks}}')" = "$done_rows" ] &&
		[ "$(json "$tmp/$name.json" '$d->{host_clock}{note_interrupted} ? 1 : 0')" = "$open_row" ]; echo $?)" \
		"SIG$sig --markers: annotate accepts the interrupted run, host_wall_ns on every kept row"
done

# --- the static binary -----------------------------------------------------------
static=$PWD/build/vmprobe-static
if [ -x "$static" ]; then
	ok "$(file "$static" 2>/dev/null | grep -q 'statically linked' || ! ldd "$static" >/dev/null 2>&1; echo $?)" \
		"vmprobe-static is statically linked"
	"$static" run getpid --quick --events cycles,perf::TASK-CLOCK --json "$tmp/s.json" > "$tmp/s.out" 2> "$tmp/s.err"
	ok "$([ $? = 0 ] && [ "$(json "$tmp/s.json" '$d->{benchmarks}[0]{status}')" = ok ]; echo $?)" \
		"vmprobe-static runs getpid with libpfm4 event names"
else
	skip "build/vmprobe-static not built"
fi

echo "1..$n"
