#!/usr/bin/env bash
# `vmprobe compare` and `vmprobe annotate` end to end on the fixture result
# files (tests/fixtures/, hand-written, answers known): every --format,
# --output, --plot (real gnuplot output checked), every bad input with its
# documented exit status and a message naming the file, and annotate
# rewriting a copy in place or refusing and leaving it untouched.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
fx=$PWD/tests/fixtures
. tests/lib/tap.sh

# expect NAME STATUS PATTERN-IN-STDERR DESCRIPTION
expect_fail() {
	local r
	r=$([ "$(rc "$1")" = "$2" ] && grep -qF -- "$3" "$tmp/$1.err"; echo $?)
	[ "$r" = 0 ] || { echo "# status $(rc "$1"), stderr:"; sed 's/^/#   /' "$tmp/$1.err"; }
	ok "$r" "$4"
}
# The set recorded on the KVM machine (November 2026): frozen real data, so the checks on it hold.
kvm_set=results/kvm-2026-11
three=("$fx/host.json" "$fx/qemu.json" "$fx/qemu-icount.json")
# The widest line of a file, in characters ("—" is one).
maxw() { perl -CSD -lne '$m = length if length > ($m // 0); END { print $m // 0 }' "$1"; }

# --- formats ---
run table compare "${three[@]}" --wide
# p: exact U 0.007937 (5 against 5, separated); qemu's column holds 3 pooled tests, BH: 3 x 0.007937 = 0.02381,
# one discovery, so every interval of the column is at 1 - 0.05/3 (Moses': 98.41% the nearest it reaches).
ok "$([ "$(rc table)" = 0 ] &&
	grep -q '^getpid .* 1\.510x  *yes \[1\.[0-9]*, 1\.[0-9]*\] 98\.41% (pooled) q=0\.02381; HL 1\.510x ' "$tmp/table.out" &&
	grep -q '^stat .* no \[0\.9[0-9]*, 1\.[0-9]*\] [0-9.]*% (pooled) q=1\.000' "$tmp/table.out" &&
	grep -q '^geomean micro .*1\.424x \[1\.[0-9]*, 1\.[0-9]*\] (3 rows)' "$tmp/table.out" &&
	grep -q '("pooled", 3 of 3 cells)' "$tmp/table.out" &&
	grep -q '^host: 1 boot; figures are its medians, and its cells are tested on pooled samples' "$tmp/table.out" &&
	grep -q 'n/a (too few repetitions)' "$tmp/table.out" &&
	grep -q '^\[[0-9]*\] host: needs the vmprobe module' "$tmp/table.out"; echo $?)" \
	"table: ratio, Holm p and shift, geomean with CI, too-few note, 1 boot said, skip reason"
ok "$(grep -q 'qemu-icount instr' "$tmp/table.out" && ! grep -q 'qemu-icount cycles' "$tmp/table.out" &&
	grep -q 'qemu cycles/guest instr' "$tmp/table.out" &&
	grep -q '^getpid .* 3\.080$' "$tmp/table.out"; echo $?)" \
	"table: icount ticks labelled instr, emulation cost column (154/50)"
ok "$(awk '/^(read-1024|bubble-1000|ctx-switch-2|open) /' "$tmp/table.out" | grep -qE '[0-9]x|p=' ; [ $? = 1 ]; echo $?)" \
	"table: rows the base lacks show no ratio or p"

# --- the default view: one column per file, fitted to COLUMNS ---
four=("$fx/host.json" "$fx/qemu.json" "$fx/qemu-icount.json" "$fx/kvm.json")
COLUMNS=120 run screen compare "${four[@]}"
ok "$([ "$(rc screen)" = 0 ] && [ "$(maxw "$tmp/screen.out")" -le 120 ] &&
	grep -q '^benchmark  *host time  *qemu ratio  *qemu-icount ratio  *kvm ratio  *kvm exits/op  *kvm exit time$' "$tmp/screen.out" &&
	grep -q '^getpid  *102\.0ns  *1\.510x\*~  *—\[1\]  *1\.049x\*~  *2\.000e-04 MSR  *—$' "$tmp/screen.out" &&
	grep -q '^\[1\] qemu-icount: no real time (instruction clock)$' "$tmp/screen.out" &&
	grep -q '^null-syscall  *55\.00ns  *1\.909x?  *—\[1\]  *19\.09x?  *1\.000 CPUID' "$tmp/screen.out" &&
	grep -q '^matmul-10 .* 0\.01000 NPF  *5\.000%$' "$tmp/screen.out" &&
	grep -q '^read-1024  *skip\[3\]  *3\.100us ' "$tmp/screen.out" &&
	grep -q '^geomean micro  *1\.424x ' "$tmp/screen.out" &&
	! grep -q $'\033' "$tmp/screen.out"; echo $?)" \
	"default view: base time, ratios with marks, absolute figure with unit where the base has none, exits, no colour off a tty"
ok "$(grep -q 'kvm: VM exits counted by the host (fixture: kvm stats + kvm_exit hist), per op;' "$tmp/screen.out" &&
	tr '\n' ' ' < "$tmp/screen.out" | tr -s ' ' | grep -q '"exit time" is the share of the row.s time spent in exits, where measured'; echo $?)" \
	"default view: exit counts and exit time labelled apart, their source named"
# Narrow: columns go to further blocks; every figure whole, names repeated, nothing past the width.
COLUMNS=40 run narrow compare "${four[@]}"
ok "$([ "$(rc narrow)" = 0 ] && [ "$(maxw "$tmp/narrow.out")" -le 40 ] &&
	[ "$(grep -c '^getpid ' "$tmp/narrow.out")" -ge 3 ] &&
	grep -q '^getpid  *102\.0ns  *1\.510x\*~$' "$tmp/narrow.out" &&
	grep -q '^matmul-10  *5\.000%$' "$tmp/narrow.out"; echo $?)" \
	"COLUMNS=40: wrapped into blocks, no line longer than 40, numbers whole"
# Too narrow for the names: shortened in the middle, a size at the end kept whole.
sed 's/"bubble-1000"/"bubblesort-with-a-long-name-1000"/' "$fx/host.json" > "$tmp/long.json"
COLUMNS=24 run tiny compare "$tmp/long.json"
ok "$([ "$(rc tiny)" = 0 ] && [ "$(maxw "$tmp/tiny.out")" -le 24 ] &&
	grep -q '^bubbleso…1000  *46\.00us$' "$tmp/tiny.out"; echo $?)" \
	"a name too long for the width: abbreviated in the middle, its size kept"
COLUMNS=x run notty compare "${four[@]}"
ok "$([ "$(rc notty)" = 0 ] && [ "$(maxw "$tmp/notty.out")" -le 80 ]; echo $?)" \
	"COLUMNS not a number and not a terminal: 80 columns"
# The real four result files of the README fit 120 columns.
if [ -f $kvm_set/bochs.json ] && [ -f $kvm_set/xen.json ]; then
	COLUMNS=120 run real4 compare $kvm_set/host.json $kvm_set/qemu.json $kvm_set/xen.json $kvm_set/bochs.json
	ok "$([ "$(rc real4)" = 0 ] && [ "$(maxw "$tmp/real4.out")" -le 120 ] &&
		[ "$(grep -c '^getpid ' "$tmp/real4.out")" = 1 ]; echo $?)" \
		"$kvm_set/ host, qemu, xen, bochs: one block within 120 columns"
else
	skip "$kvm_set/xen.json or bochs.json absent"
fi
run mexits compare "$fx/host.json" "$fx/kvm.json" --metric exits
ok "$([ "$(rc mexits)" = 0 ] && grep -q '^benchmark  *host exits/op  *kvm exits/op  *kvm exit time$' "$tmp/mexits.out" &&
	grep -q '^null-syscall  *—  *1\.000 CPUID  *—$' "$tmp/mexits.out"; echo $?)" \
	"--metric exits: exits per op and top reason per file"
run mexits0 compare "$fx/host.json" "$fx/qemu.json" --metric exits
ok "$([ "$(rc mexits0)" = 0 ] && grep -q 'no file has VM exit counts' "$tmp/mexits0.err"; echo $?)" \
	"--metric exits without exit counts: said on stderr"
run mcyc compare "$fx/host.json" "$fx/qemu.json" "$fx/qemu-icount.json" --metric cycles
ok "$([ "$(rc mcyc)" = 0 ] && grep -q '^getpid  *204\.0 cyc  *0\.7549x  *—$' "$tmp/mcyc.out"; echo $?)" \
	"--metric cycles: TSC cycles of the base, ratios; none for an instruction clock"
run minstr compare "$fx/host.json" "$fx/qemu.json" "$fx/qemu-icount.json" --metric instructions
ok "$([ "$(rc minstr)" = 0 ] && grep -q '^getpid  *400\.0 instr  *1\.250x  *0\.1250x$' "$tmp/minstr.out"; echo $?)" \
	"--metric instructions: PMU count, else the instruction clock's ticks"
run mbad compare "$fx/host.json" --metric watts
expect_fail mbad 2 "--metric watts" "unknown --metric: status 2"
if command -v script > /dev/null; then
	# A pseudo-terminal: colour on significant ratios, and NO_COLOR turns it off.
	script -qec "env COLUMNS=100 $vmprobe compare ${four[*]}" /dev/null > "$tmp/tty.out" 2>&1
	script -qec "env COLUMNS=100 NO_COLOR=1 $vmprobe compare ${four[*]}" /dev/null > "$tmp/ttync.out" 2>&1
	ok "$(grep -q $'\033\[31m1\.510x\*~\033\[0m' "$tmp/tty.out" && ! grep -q $'\033\[3' "$tmp/ttync.out" &&
		grep -q '1\.510x\*' "$tmp/ttync.out"; echo $?)" \
		"colour on a terminal only, NO_COLOR respected"
else
	skip "script(1) not installed: colour on a terminal not checked"
fi
run wide compare "${four[@]}" --wide
ok "$([ "$(rc wide)" = 0 ] && grep -q 'kvm exit reasons/op' "$tmp/wide.out" &&
	grep -q '^matmul-10 .* NPF 0\.006000, IOIO 0\.003000, INTR 0\.001000  *5\.000%  ' "$tmp/wide.out" &&
	grep -q 'qemu signif\.' "$tmp/wide.out"; echo $?)" \
	"--wide: every column, exits with the top three reasons and the time share"

run md compare "${three[@]}" --format markdown
ok "$([ "$(rc md)" = 0 ] && head -1 "$tmp/md.out" | grep -q '^| benchmark ' &&
	sed -n 2p "$tmp/md.out" | grep -q '^| --- | ---: |' &&
	[ "$(awk -F' \\| ' 'NR <= 12 && /^\|/ { print NF }' "$tmp/md.out" | sort -u | wc -l)" = 1 ]; echo $?)" \
	"markdown: pipe table, same number of cells on every row"

run csv compare "${three[@]}" --format csv
ok "$([ "$(rc csv)" = 0 ] && head -1 "$tmp/csv.out" | grep -q '^benchmark,group,host.status,' &&
	grep -q '^getpid,micro,ok,,102,100,104,tsc,204,cycles,' "$tmp/csv.out" &&
	grep -q '^geomean-micro,micro,base,' "$tmp/csv.out" &&
	[ "$(awk -F, '{ print NF }' "$tmp/csv.out" | sort -u | wc -l)" = 1 ]; echo $?)" \
	"csv: header, exact figures, geomean rows, same field count on every line"

run json compare "${three[@]}" --format json
if command -v jq > /dev/null; then
	ok "$([ "$(rc json)" = 0 ] &&
		[ "$(jq -r '.rows[0].cells.qemu.ratio' "$tmp/json.out")" = 1.5098039215686274 ] &&
		[ "$(jq -r '.rows[0].cells.qemu.mann_whitney.p' "$tmp/json.out")" = 0.007936507936507936 ] &&
		[ "$(jq -r '.rows[] | select(.name == "read-1024") | .cells.host.reason' "$tmp/json.out")" = "needs the vmprobe module" ] &&
		[ "$(jq -r '.rows[] | select(.name == "getpid") | .cells["qemu-icount"].time_ns' "$tmp/json.out")" = null ] &&
		[ "$(jq -r '.geomeans[] | select(.group == "micro" and .label == "qemu") | .rows' "$tmp/json.out")" = 3 ]; echo $?)" \
		"json: ratio, p, reason, no time for icount, geomean rows"
else
	skip "jq not installed: JSON output not checked"
fi

run outfile compare "${three[@]}" --format csv --output "$tmp/out.csv"
ok "$([ "$(rc outfile)" = 0 ] && [ ! -s "$tmp/outfile.out" ] && cmp -s "$tmp/out.csv" "$tmp/csv.out" &&
	! ls "$tmp"/out.csv.tmp.* > /dev/null 2>&1; echo $?)" \
	"--output: same bytes as stdout, nothing left behind"
run outbad compare "${three[@]}" --output "$tmp/no/such/dir/x"
expect_fail outbad 4 "$tmp/no/such/dir/x: cannot write" "--output into a missing directory: status 4"

run alpha compare "$fx/host.json" "$fx/qemu.json" --alpha 0.001 --wide
ok "$([ "$(rc alpha)" = 0 ] && grep -q '^getpid .* 1\.510x  *n/a (too few repetitions)' "$tmp/alpha.out" &&
	! grep -q 'p=' "$tmp/alpha.out"; echo $?)" \
	"--alpha 0.001: 5 against 5 (least p 0.0079) and 6 against 6 (0.0022) cannot reach it"

run csvx compare "$fx/host.json" "$fx/kvm.json" --format csv
ok "$([ "$(rc csvx)" = 0 ] && head -1 "$tmp/csvx.out" | grep -q ',kvm.exits_per_op,kvm.exit_reasons,kvm.exits_time_share,kvm.exits_source' &&
	grep -q ',0.01,NPF=0.0060000000000000001;IOIO=0.0030000000000000001;INTR=0.001,0.050000000000000003,fixture: kvm stats + kvm_exit hist' "$tmp/csvx.out" &&
	[ "$(awk -F, '{ print NF }' "$tmp/csvx.out" | sort -u | wc -l)" = 1 ]; echo $?)" \
	"csv: exits per op, every reason, time share and source"
if command -v jq > /dev/null; then
	run jsonx compare "$fx/host.json" "$fx/kvm.json" --format json
	ok "$([ "$(rc jsonx)" = 0 ] &&
		[ "$(jq -r '.rows[] | select(.name == "null-syscall") | .cells.kvm.exits.reasons.CPUID' "$tmp/jsonx.out")" = 1 ] &&
		[ "$(jq -r '.rows[] | select(.name == "getpid") | .cells.kvm.exits.time_share' "$tmp/jsonx.out")" = null ] &&
		[ "$(jq -r '.rows[] | select(.name == "matmul-10") | .cells.kvm.exits.time_share' "$tmp/jsonx.out")" = 0.05 ]; echo $?)" \
		"json: exits with reasons; time_share null where not measured"
else
	skip "jq not installed: JSON exits not checked"
fi

# --- plots ---
if command -v gnuplot > /dev/null; then
	run plot compare "${four[@]}" --plot "$tmp/plots"
	r=0
	# The fixtures' rows: getpid, null-syscall (syscall), stat, read-1024, open (io), macro rows.
	# Only read-1024 carries its "panel" (io, a name this build does not know); the others are
	# older files' rows, placed by this build's table, and "open", which it does not know, in other.
	for g in heatmap syscall io macro; do
		[ "$(head -c 8 "$tmp/plots/compare-$g.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || { echo "# no PNG for $g"; r=1; }
		grep -q '<svg' "$tmp/plots/compare-$g.svg" || { echo "# no SVG for $g"; r=1; }
	done
	for g in syscall io macro; do grep -q "logscale y" "$tmp/plots/compare-$g.gp" || r=1; done
	# "open" is no panel's: it goes to "other"; no fixture row is in-kernel.
	[ ! -e "$tmp/plots/compare-kernel.png" ] && [ -s "$tmp/plots/compare-other.png" ] || r=1
	ok "$([ "$(rc plot)" = 0 ] && [ $r = 0 ]; echo $?)" "--plot: heatmap and one bar chart per panel with rows (PNG, SVG, log scale)"
	ok "$(grep -q "^getpid	102	100	104	154	150	158	107	105	109$" "$tmp/plots/compare-syscall.dat" &&
		grep -q "^read-1024	?	?	?	3100	" "$tmp/plots/compare-io.dat" &&
		grep -q "^matmul-10	" "$tmp/plots/compare-macro.dat" && ! grep -q "^getpid" "$tmp/plots/compare-io.dat" &&
		grep -q "not shown (no real-time figure in this panel): qemu-icount" "$tmp/plots/compare-syscall.gp"; echo $?)" \
		"--plot: panels hold their rows, medians with CI, skipped rows missing, icount named as not shown"
	# Heatmap data: x file, y row, log10 ratio, the ratio as printed; grey cells apart.
	# (1.002x is not significant: its interval holds 1.)
	ok "$(grep -q "^0	0	0.1789.*	1.510x$" "$tmp/plots/compare-heatmap.dat" &&
		grep -q "^0	2	0.000854.*	1.002x (ns)$" "$tmp/plots/compare-heatmap.dat" &&
		grep -q "^2	3	missing$" "$tmp/plots/compare-heatmap-na.dat" &&
		grep -q "^0	7	skipped$" "$tmp/plots/compare-heatmap-na.dat" &&
		grep -q "^0	5	0	1.000x (ns)$" "$tmp/plots/compare-heatmap.dat" &&
		grep -q "^1	0	no ratio$" "$tmp/plots/compare-heatmap-na.dat" &&
		grep -q "^0	3	3.100us	[0-9]*	[01]$" "$tmp/plots/compare-heatmap-abs.dat" &&
		! grep -q "^0	3	" "$tmp/plots/compare-heatmap-na.dat" &&
		grep -q "compare-heatmap-abs.dat' using 1:2:(0.5):(0.5):4 with boxxyerror fc rgb variable" "$tmp/plots/compare-heatmap.gp" &&
		grep -q "set ytics .*'getpid  102.0ns' 0" "$tmp/plots/compare-heatmap.gp" &&
		grep -q "terminal pngcairo size 1600," "$tmp/plots/compare-heatmap.gp"; echo $?)" \
		"--plot heatmap: log ratios, ratios printed, a VMM's own time where the base has none, missing cells named, base time in the row labels, 1600 px wide"
	touch "$tmp/afile"
	run plotbad compare "${three[@]}" --plot "$tmp/afile"
	expect_fail plotbad 4 "not a directory" "--plot onto a file: status 4"
else
	skip "gnuplot not installed: --plot not checked"
	skip "gnuplot not installed"
	skip "gnuplot not installed"
	skip "gnuplot not installed"
fi

# --- bad input: status 3 and the file named, or usage status 2 ---
for f in bad-version bad-format bad-no-benchmarks bad-no-label bad-empty-samples bad-sample-string \
	bad-status bad-skip-no-reason bad-dup-bench bad-no-median bad-group bad-truncated \
	bad-trailing bad-empty bad-array bad-exits-negative bad-exits-no-source bad-exits-reason \
	bad-exits-share; do
	run "$f" compare "$fx/host.json" "$fx/$f.json"
	expect_fail "$f" 3 "vmprobe compare: $fx/$f.json: " "$f.json: status 3, message names the file"
done
run absent compare "$fx/host.json" "$tmp/absent.json"
expect_fail absent 3 "$tmp/absent.json: cannot open" "unreadable file: status 3"
run twice compare "$fx/host.json" "$fx/qemu.json" "$fx/host.json"
expect_fail twice 2 "given twice" "a file given twice: status 2"
ln -s "$fx/qemu.json" "$tmp/link.json"
run twice2 compare "$fx/qemu.json" "$tmp/link.json"
expect_fail twice2 2 "given twice" "the same file under two names: status 2"
run samelabel compare "$fx/host.json" "$fx/relabelled-host.json"
expect_fail samelabel 3 "label \"host\" is also the label of" "two files with one label: status 3"
run noargs compare
expect_fail noargs 2 "no result files given" "no files: status 2"
run badfmt compare "$fx/host.json" --format xml
expect_fail badfmt 2 "--format xml" "unknown --format: status 2"
for a in 0 1 -0.1 abc 0.05x; do
	run "alpha$a" compare "$fx/host.json" "$fx/qemu.json" --alpha "$a"
	expect_fail "alpha$a" 2 "--alpha $a" "--alpha $a: status 2"
done
run badopt compare "$fx/host.json" --bogus
expect_fail badopt 2 "unknown option --bogus" "unknown option: status 2"

# --- annotate, then compare uses the host clock ---
cp "$fx/qemu-icount.json" "$tmp/icount.json"
jq_elapsed() { # add elapsed_s to getpid (0.1 s) and null-syscall (0.2 s) without jq
	sed -e '0,/"name": "getpid"/s//"name": "getpid", "elapsed_s": 0.1/' \
	    -e '0,/"name": "null-syscall"/s//"name": "null-syscall", "elapsed_s": 0.2/' "$1"
}
jq_elapsed "$fx/qemu-icount.json" > "$tmp/icount.json"
printf '%s\n' '1000000000 @@vmprobe begin getpid 1' '1150000000 @@vmprobe end getpid 1' \
	'1200000000 @@vmprobe begin null-syscall 2' '1500000000 @@vmprobe end null-syscall 2' > "$tmp/icount.marks"
cp "$tmp/icount.json" "$tmp/icount.orig"
printf '1 @@vmprobe begin getpid 1\n2 @@vmprobe finish getpid 1\n' > "$tmp/broken.marks"
run annbad annotate "$tmp/icount.json" --host-marks "$tmp/broken.marks"
ok "$([ "$(rc annbad)" = 3 ] && grep -qF "$tmp/broken.marks:2: not a marker" "$tmp/annbad.err" &&
	cmp -s "$tmp/icount.json" "$tmp/icount.orig"; echo $?)" \
	"annotate: malformed marks: status 3, line named, file untouched"
run ann annotate "$tmp/icount.json" --host-marks "$tmp/icount.marks"
ok "$([ "$(rc ann)" = 0 ] && grep -q '"host_wall_ns":150000000' "$tmp/icount.json" &&
	grep -q '"virtual_time":true' "$tmp/icount.json" && grep -q 'host/guest 1.5000: virtual time' "$tmp/ann.err"; echo $?)" \
	"annotate: host_wall_ns per row, ratio 1.5 judged virtual time"
run annc compare "$fx/host.json" "$tmp/icount.json" --wide
ok "$([ "$(rc annc)" = 0 ] && grep -q '^getpid .* 75\.00 .* 50\.00 .* 0\.7353x' "$tmp/annc.out" &&
	grep -q 'qemu-icount: clock instructions, ticks count guest instructions, time from host-clock' "$tmp/annc.out"; echo $?)" \
	"compare after annotate: icount time from the host clock (50 instr x 1.5 = 75 ns)"
run annusage annotate "$tmp/icount.json"
expect_fail annusage 2 "--host-marks FILE is required" "annotate without --host-marks: status 2"

# --- boots: three per file (run-vmm --boots 3) ---
boots3=("$fx/host-3boots.json" "$fx/qemu-3boots.json")
run b3 compare "${boots3[@]}" --wide
# getpid: boot medians 100, 102, 101 against 300, 310, 305; Welch on their logs p = 7.692e-07
# (independent: Simpson over Student's t density).
# BH over the column's 4 boots tests: getpid second smallest, 4/2 x 7.692e-07 = 1.538e-06; 3 discoveries,
# so the intervals are at 1 - 3 x 0.05/4 = 96.25%.
ok "$([ "$(rc b3)" = 0 ] &&
	grep -q '^getpid .* 101\.0 .* 305\.0 .* 3\.020x  *yes \[2\.9[0-9]*, 3\.1[0-9]*\] 96\.25% (boots) q=1\.538e-06; HL 3\.020x \[2\.941, 3\.100\] 90%' "$tmp/b3.out" &&
	grep -q '^null-syscall .* no \[0\.[0-9]*, 1\.[0-9]*\] 96\.25% (boots) q=0\.5728' "$tmp/b3.out" &&
	grep -q '^host: 3 boots; figures are geometric means of the per-boot medians' "$tmp/b3.out"; echo $?)" \
	"3 boots each: geometric means of boot medians, Welch interval on the boots at the BH level, Hodges-Lehmann shift with its 90% interval"
ok "$(grep -q '^cpuid † ' "$tmp/b3.out" && grep -q '^geomean micro .* 1\.777x \[[0-9.]*, [0-9.]*\] (2 rows)' "$tmp/b3.out" &&
	grep -q 'without the rows the base traps (†)' "$tmp/b3.out"; echo $?)" \
	"the base under KVM traps cpuid: marked, left out of the geomean (getpid and null-syscall: sqrt(305/101 x 115/110))"
run b3json compare "${boots3[@]}" --format json
# shellcheck disable=SC2016 # Perl expressions, single-quoted on purpose
ok "$([ "$(rc b3json)" = 0 ] &&
	[ "$(json "$tmp/b3json.out" '$d->{tests}')" = 4 ] && [ "$(json "$tmp/b3json.out" '$d->{min_repetitions}')" = 4 ] &&
	[ "$(json "$tmp/b3json.out" '$d->{rows}[0]{cells}{qemu}{ratio_ci}{level}')" = 0.9625 ] &&
	[ "$(json "$tmp/b3json.out" '$d->{rows}[0]{cells}{qemu}{ratio_ci}{family}')" = 4 ] &&
	[ "$(json "$tmp/b3json.out" '$d->{geomeans}[0]{ci_method}')" = "t over boots" ] &&
	[ "$(json "$tmp/b3json.out" '$d->{rows}[0]{cells}{qemu}{test}')" = boots ] &&
	[ "$(json "$tmp/b3json.out" '$d->{rows}[0]{cells}{qemu}{hodges_lehmann}{coverage}')" = 0.9 ] &&
	[ "$(json "$tmp/b3json.out" '(grep { $_->{name} eq "matmul-10" } @{$d->{rows}})[0]{cells}{qemu}{boots}')" = 2 ] &&
	[ "$(json "$tmp/b3json.out" '$d->{geomeans}[0]{base_trapped_rows_left_out}')" = 1 ] &&
	json "$tmp/b3json.out" '$d->{geomeans}[0]{ci_low} < 1.777 && $d->{geomeans}[0]{ci_high} > 1.777 ? 1 : undef' > /dev/null; echo $?)" \
	"json: tests, BH level and family, the minimum repetitions, test, shift coverage, boots per row, geomean CI and trapped rows"
run b3csv compare "${boots3[@]}" --format csv
ok "$([ "$(rc b3csv)" = 0 ] && head -1 "$tmp/b3csv.out" | grep -q ',qemu\.boots,qemu\.test,qemu\.p_bh,qemu\.shift,' &&
	head -1 "$tmp/b3csv.out" | grep -Eq ',qemu\.ratio_ci_low,qemu\.ratio_ci_high,qemu\.ci_level,qemu\.separated,qemu\.flags(,|$)' &&
	grep -q '^getpid,micro,.*,3,boots,1\.53840' "$tmp/b3csv.out" &&
	grep -q '^cpuid,micro,.*,"the base runs under a hypervisor, which intercepts this instruction",' "$tmp/b3csv.out"; echo $?)" \
	"csv: boots, test, BH p, shift, CI and flag columns; the trap reason on the base"
run mixed compare "$fx/host-3boots.json" "$fx/qemu.json" --wide
ok "$([ "$(rc mixed)" = 0 ] && grep -q '^getpid .*(pooled)' "$tmp/mixed.out" &&
	grep -q '^qemu: 1 boot; figures are its medians, and its cells are tested on pooled samples' "$tmp/mixed.out" &&
	grep -q '^null-syscall .*n/a (too few repetitions)' "$tmp/mixed.out"; echo $?)" \
	"3 boots against 1: U on pooled samples, labelled; 3 samples is below the stated 4"
COLUMNS=100 run b3screen compare "${boots3[@]}"
ok "$([ "$(rc b3screen)" = 0 ] && grep -q '^getpid  *101\.0ns  *3\.020x\*$' "$tmp/b3screen.out" &&
	grep -q '^null-syscall  *109\.7ns  *1\.046x$' "$tmp/b3screen.out" && grep -q '^cpuid †' "$tmp/b3screen.out"; echo $?)" \
	"default view: * from the boots interval, † on the trapped row"
# Boot 1 annotated (host clock), boot 2 not: no time for the file rather than boot 1's alone.
jq -s '.[0] + {more_boots: [.[1] | .label = "qemu-icount-vt"]}' "$fx/qemu-icount-vt.json" "$fx/qemu-icount.json" > "$tmp/halfvt.json"
run halfvt compare "$fx/host.json" "$tmp/halfvt.json" --wide
ok "$([ "$(rc halfvt)" = 0 ] && grep -q '^getpid .* — \[1\] ' "$tmp/halfvt.out" &&
	grep -q '^\[1\] qemu-icount-vt: a boot of this file has no real time (not annotated?)$' "$tmp/halfvt.out"; echo $?)" \
	"a boot without real time: the file has no time for the row, and says why"
for bad in label nested not-array; do
	run "bb-$bad" compare "$fx/bad-boots-$bad.json" "$fx/qemu.json"
done
expect_fail bb-label 3 'more_boots[1] (boot 3): label "other" differs' "a boot labelled otherwise: status 3, names the boot"
expect_fail bb-nested 3 'more_boots[0] (boot 2): a boot holds more boots' "boots inside a boot: status 3"
expect_fail bb-not-array 3 '"more_boots" must be an array' "more_boots not an array: status 3"

# --- the committed results: verdicts a reader can take at face value ---
if command -v jq > /dev/null && [ -s $kvm_set/xen.json ]; then
	committed=($kvm_set/host.json $kvm_set/qemu.json $kvm_set/kvm-nested.json $kvm_set/uml.json $kvm_set/xen.json
		   $kvm_set/bochs.json $kvm_set/qemu-icount.json)
	run res7 compare "${committed[@]}" --format json
	run res4 compare $kvm_set/host.json $kvm_set/qemu.json $kvm_set/uml.json $kvm_set/xen.json --format json
	verdicts() { # the qemu, uml and xen cells: verdict and interval
		jq -r '.rows[] | .name as $n | .cells | to_entries[] | select(.key | IN("qemu", "uml", "xen"))
			| "\($n) \(.key) \(.value.significant) \(.value.ratio_ci.low) \(.value.ratio_ci.high)"' "$1" | sort
	}
	verdicts "$tmp/res4.out" > "$tmp/v4"
	verdicts "$tmp/res7.out" > "$tmp/v7"
	ok "$([ "$(rc res4)" = 0 ] && [ "$(rc res7)" = 0 ] && [ "$(grep -c true "$tmp/v4")" -ge 50 ] &&
		cmp -s "$tmp/v4" "$tmp/v7"; echo $?)" \
		"committed results: a cell's verdict and interval are the same in a 4-file and a 7-file table"
	# Every cell whose boots all put the ratio beyond 2x (or below 0.5x), against every boot of the base.
	jq -r '.rows[] | .name as $n | .cells.host.flags.boots as $b | .cells | to_entries[]
		| select(.key != "host" and .value.status == "ok" and (.value.flags.boots | length) >= 2 and ($b | length) >= 2)
		| [.value.flags.boots[].median_ns] as $o | ([$b[].median_ns] | min) as $lo | ([$b[].median_ns] | max) as $hi
		| select(($o | min) > 2 * $hi or ($o | max) * 2 < $lo) | "\($n) \(.key) \(.value.significant)"' \
		"$tmp/res7.out" > "$tmp/sep"
	ok "$([ "$(wc -l < "$tmp/sep")" -ge 100 ] && ! grep -q ' false$' "$tmp/sep"; echo $?)" \
		"committed results: every cell whose boots all agree on a ratio beyond 2x differs ($(wc -l < "$tmp/sep") cells)"
	# uml getpid's boot 1 (55.8 us against 15.2-15.5) and xen clock-gettime's boot 2 are named in every view.
	COLUMNS=200 run res7s compare "${committed[@]}"
	run res7w compare "${committed[@]}" --wide
	run res7c compare "${committed[@]}" --format csv
	ok "$(grep -q '^\[[0-9]*\] uml: boot 1 at 55\.82us, boots 3\.67x apart' "$tmp/res7s.out" &&
		grep -q '^getpid .*boot 1 at 55\.82us' "$tmp/res7w.out" && grep -q 'boot 2 at 58\.57us' "$tmp/res7c.out" &&
		[ "$(jq -r '.rows[] | select(.name == "clock-gettime") | .cells.xen.flags.odd_boot' "$tmp/res7.out")" = 2 ] &&
		[ "$(jq -r '.rows[] | select(.name == "stat") | .cells.uml.flags.linearity * 100 | round' "$tmp/res7.out")" = 203 ]; echo $?)" \
		"committed results: odd boots and linearity flagged on the screen, --wide, csv and json"
else
	for _ in 1 2 3; do skip "jq or the committed results absent: committed verdicts not checked"; done
fi

# --- scripts/gen-results-readme: the reading follows the data ---
if command -v jq > /dev/null && command -v gnuplot > /dev/null; then
	# VMM results made from the host fixture: micro rows x K, macro rows x M.
	scaled() { # LABEL K M
		jq --arg l "$1" --argjson k "$2" --argjson m "$3" '.label = $l | .benchmarks |= map(
			if .status == "ok" then (if .group == "micro" then $k else $m end) as $f
			| .samples_ticks |= map(. * $f)
			| .ticks |= with_entries(if (.key | IN("min", "median", "mean", "stddev", "ci_low", "ci_high"))
						 then .value *= $f else . end)
			else . end)' "$fx/host.json"
	}
	mkdir -p "$tmp/res" "$tmp/res2"
	cp "$fx/host.json" "$fx/qemu.json" "$fx/qemu-icount.json" "$tmp/res/"
	scaled bochs 40 90 > "$tmp/res/bochs.json"
	scaled kvm 1.3 1.02 > "$tmp/res/kvm.json"
	echo "not a result" > "$tmp/res/notes.json"
	mkdir -p "$tmp/res/plots" && touch "$tmp/res/plots/compare-stale.png"
	scripts/gen-results-readme --results "$tmp/res" --vmprobe "$vmprobe" 2> "$tmp/gen.err"
	r=$?
	md=$tmp/res/README.md
	ok "$([ $r = 0 ] && grep -qF '| getpid | micro | 102 | 1.3x* | 1.51x* | n/a | 40x* |' "$md" &&
		grep -q '^| read-1024 | micro | skipped | skipped | n/a | missing | skipped |$' "$md" &&
		grep -q '^| geomean | micro |  | 1.3x (3) | 1.42x (3) | n/a | 40x (3) |$' "$md" &&
		grep -q '(plots/compare-heatmap.png)' "$md" && grep -q '(plots/compare-syscall.png)' "$md" &&
		[ -s "$tmp/res/plots/compare-macro.png" ] && [ ! -e "$tmp/res/plots/compare-stale.png" ] &&
		! grep -q "$tmp" "$md"; echo $?)" \
		"gen-results-readme: summary from the data, plots, no absolute paths"
	ok "$(sed -n '/### 1\./,/### 2\./p' "$md" | grep -q 'Verdict: \*\*supported\*\* (5 of 5 rows)' &&
		sed -n '/### 1\./,/### 2\./p' "$md" | grep -qF 'Rows for: getpid (bochs 40x*, next 1.51x)' &&
		sed -n '/### 3\./,/### 4\./p' "$md" | grep -q 'not judged, no vmware result' &&
		sed -n '/#### kvm .* against qemu/,/^####/p' "$md" | grep -q 'Rows against: stat (kvm 1.3x, qemu 1x)' &&
		grep -q '^median 3.08 over 3 rows' "$md"; echo $?)" \
		"gen-results-readme: verdicts and the rows for and against each claim"
	cp "$md" "$tmp/README.first"
	scripts/gen-results-readme --results "$tmp/res" --vmprobe "$vmprobe" 2> /dev/null
	ok "$(cmp -s "$md" "$tmp/README.first"; echo $?)" "gen-results-readme: same data, same README"
	# Bochs faster than qemu and kvm: the same rules now contradict claim 1.
	cp "$fx/host.json" "$fx/qemu.json" "$tmp/res2/"
	scaled bochs 1.2 0.9 > "$tmp/res2/bochs.json"
	scripts/gen-results-readme --results "$tmp/res2" --vmprobe "$vmprobe" 2> /dev/null
	ok "$(sed -n '/### 1\./,/### 2\./p' "$tmp/res2/README.md" | grep -q 'Verdict: \*\*contradicted\*\*' &&
		sed -n '/### 1\./,/### 2\./p' "$tmp/res2/README.md" | grep -q 'Rows against: getpid (bochs 1.2x\*, next 1.51x)'; echo $?)" \
		"gen-results-readme: other data, other verdict (bochs fast: claim 1 contradicted)"
	scripts/gen-results-readme --results "$tmp/empty-none" --vmprobe "$vmprobe" 2> "$tmp/gen3.err"
	ok "$([ $? = 1 ] && grep -q 'no such directory' "$tmp/gen3.err"; echo $?)" "gen-results-readme: missing directory: status 1"
	# A set kept from another machine in a subdirectory: the host rows side by side, the machines named.
	mkdir -p "$tmp/res3/older"
	machine='{vmm_stack: "pvm under firecracker", cpu_model: "AMD EPYC", online_cpus: 2, tsc: {hz: 2096e6}, kernel_release: "6.18"}'
	jq ".machine = $machine" "$fx/host.json" > "$tmp/res3/host.json"
	jq ".machine = ($machine | .vmm_stack = \"kvm\" | .tsc.hz = 2596e6)" "$fx/host.json" > "$tmp/res3/older/host.json"
	scripts/gen-results-readme --results "$tmp/res3" --vmprobe "$vmprobe" 2> /dev/null
	ok "$(grep -q '^## Host rows: this machine against the set in \[older/\](older/README.md)$' "$tmp/res3/README.md" &&
		grep -q '^- older: kvm on AMD EPYC, 2 CPUs, TSC 2596 MHz' "$tmp/res3/README.md" &&
		grep -q '^- this set: pvm under firecracker on AMD EPYC' "$tmp/res3/README.md" &&
		grep -q 'this machine against older: matmul-10 1x\.$' "$tmp/res3/README.md"; echo $?)" \
		"gen-results-readme: a set kept from another machine: its host rows beside this set's, both machines named"
else
	for _ in 1 2 3 4 5 6; do skip "jq or gnuplot not installed: gen-results-readme not checked"; done
fi

# Two files whose VMMs ran on different machines (issue 23): the notes say so, naming what differs, and
# the geomean carries the mark; files that record no machine say that instead.
if command -v jq > /dev/null; then
	m=($kvm_set/host.json $kvm_set/qemu.json)
	jq '.machine.vmm_stack = "pvm under firecracker" | .machine.tsc.hz = 2096e6 | .label = "other" |
		.more_boots |= map(.label = "other")' "${m[1]}" > "$tmp/other-machine.json"
	jq 'del(.machine) | .label = "nomachine" | .more_boots |= map(.label = "nomachine")' "${m[1]}" > "$tmp/no-machine.json"
	COLUMNS=200 run machines compare "${m[0]}" "${m[1]}" "$tmp/other-machine.json" "$tmp/no-machine.json"
	run machinesjson compare "${m[0]}" "$tmp/other-machine.json" --format json
	ok "$([ "$(rc machines)" = 0 ] &&
		grep -q '^‡ other: ran on another machine than host (hypervisor "kvm" vs "pvm under firecracker"; TSC 2.596 vs 2.096 GHz)' "$tmp/machines.out" &&
		grep -q '^geomean micro .*x‡' "$tmp/machines.out" &&
		! grep -q '^‡ qemu' "$tmp/machines.out" &&
		grep -q '^nomachine: does not record the machine its VMM ran on' "$tmp/machines.out" &&
		[ "$(json "$tmp/machinesjson.out" '$d->{geomeans}[0]{other_machine} ? 1 : 0')" = 1 ] &&
		[ "$(json "$tmp/machinesjson.out" '$d->{machine_notes}[0]{label}')" = other ]; echo $?)" \
		"compare: files from another machine are named with what differs, their geomean marked; a file with no machine says so"
else
	skip "jq not installed: the machine notes not checked"
fi
# Where the time goes, seen from the VMM (issue 19): a KVM host's exit time by reason and a
# user-space VMM's host CPU in --wide, and --plot's stacked bars per VMM.
run where compare "$fx/host.json" "$fx/kvm-where.json" "$fx/qemu-where.json" --wide
ok "$([ "$(rc where)" = 0 ] && grep -q '^cpuid .* 40\.00% (cpuid 38%, msr 1\.5%, interrupt 0\.5%)' "$tmp/where.out" &&
	grep -q '^matmul-10 .* 4\.100us, 25% sys  *1\.200' "$tmp/where.out" &&
	grep -q 'qemu-where host CPU/wall' "$tmp/where.out"; echo $?)" \
	"--wide: exit time share with its top reasons by time, host CPU per op with its system share"
if command -v gnuplot > /dev/null; then
	run wplot compare "$fx/host.json" "$fx/kvm-where.json" "$fx/qemu-where.json" --plot "$tmp/wplots"
	r=0
	for g in kvm-where-exits qemu-where-host; do
		[ "$(head -c 8 "$tmp/wplots/compare-where-$g.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
			{ echo "# no PNG for $g"; r=1; }
	done
	# Stacks: kvm: not in an exit 60, then the reasons by their time over all rows (cpuid 38, interrupt
	# 0.5 + matmul-10's 2, msr 1.5), other 0; qemu: user 90, system 30, unsplit 0, rest 0.
	grep -q '^"cpuid" 60 38 0\.5 1\.5 0$' "$tmp/wplots/compare-where-kvm-where-exits.dat" || r=1
	grep -q '^"matmul-10" 90 30 0 0$' "$tmp/wplots/compare-where-qemu-where-host.dat" || r=1
	[ ! -e "$tmp/wplots/compare-where-host-host.dat" ] || r=1	# the host file has neither
	ok "$([ "$(rc wplot)" = 0 ] && [ $r = 0 ]; echo $?)" "--plot: where the time goes, one stacked chart per VMM that has the figures"
else
	skip "gnuplot not installed: the where-the-time-goes chart not checked"
fi
# scripts/exit-agreement: the host's exit time per op against what the exit adds in the guest, and
# time_share beside the guest's separation figure; a file without exit times: status 1.
if command -v jq > /dev/null; then
	jq '.benchmarks += [.benchmarks[0] | .name = "rdtsc" | .ns.median = 10 | del(.exits)] |
		.benchmarks[0].ns.median = 50010' "$fx/kvm-where.json" > "$tmp/agree.json"
	scripts/exit-agreement "$tmp/agree.json" > "$tmp/agree.out" 2> "$tmp/agree.err"
	r=$?
	scripts/exit-agreement "$fx/host.json" > /dev/null 2> "$tmp/agree-none.err"
	r_none=$?
	ok "$([ $r = 0 ] && [ $r_none = 1 ] &&
		grep -q '^| cpuid | 1.02 | cpuid | 40000 | 50000 | rdtsc | 80% |$' "$tmp/agree.out" &&
		grep -q '^| matmul-10 | 0.01 | 2% | 60% | ' "$tmp/agree.out" &&
		grep -q 'no exit times' "$tmp/agree-none.err"; echo $?)" \
		"exit-agreement: exit time 40 us of a 50 us difference is 80%; time_share per row; no times: status 1"
else
	skip "jq not installed: exit-agreement not checked"
fi

# A boot on a loaded host (load above the machine's CPUs + 1) is named in every view and the
# JSON; one at CPUs + 1 is not, nor is a file that records no load.
if command -v jq > /dev/null; then
	jq '.machine = {vmm_stack: "fixture", online_cpus: 2} |
		.vmm_host = {loadavg_start: {"1m": 0.5, "5m": 0.4, "15m": 0.3}, loadavg_end: {"1m": 3, "5m": 2, "15m": 1}} |
		.more_boots[0].vmm_host = {loadavg_start: null, loadavg_end: {"1m": 9.5, "5m": 3, "15m": 1}} |
		.more_boots[0].machine = .machine | .more_boots[1].machine = .machine' \
		"$fx/qemu-3boots.json" > "$tmp/loaded.json"
	jq '.more_boots[0].vmm_host.loadavg_end."1m" = 3' "$tmp/loaded.json" > "$tmp/unloaded.json"
	run lj compare "$fx/host.json" "$tmp/loaded.json" --format json
	run lt compare "$fx/host.json" "$tmp/loaded.json"
	run lm compare "$fx/host.json" "$tmp/loaded.json" --format markdown
	run ln compare "$fx/host.json" "$tmp/unloaded.json" --format json
	ok "$([ "$(rc lj)" = 0 ] && [ "$(rc lt)" = 0 ] && [ "$(rc lm)" = 0 ] && [ "$(rc ln)" = 0 ] &&
		jq -e '.load_notes | length == 1 and .[0].load_max == 9.5 and .[0].cpus == 2 and
			(.[0].note | test("load average up to 9.5 on its 2 CPUs in 1 of 3 boots"))' "$tmp/lj.out" > /dev/null &&
		grep -q 'ran on a loaded host' "$tmp/lt.out" && grep -q 'ran on a loaded host' "$tmp/lm.out" &&
		jq -e '.load_notes == []' "$tmp/ln.out" > /dev/null; echo $?)" \
		"a boot whose host load exceeded CPUs + 1 is named in the table, markdown and JSON; load 3 on 2 CPUs is not"
else
	skip "jq not installed: the loaded-host note not checked"
fi

echo "1..$n"
