#!/usr/bin/env bash
# QEMU with -icount shift=0 advances guest time by one nanosecond per guest
# instruction, so a TSC delta there is an instruction count, and two runs of
# the same rows must count the same. A regression test for the harness that
# no noisy machine can give: the guest is booted twice and the rows' samples
# are compared as whole instruction counts (samples_ticks x ops_per_sample,
# not per-op figures rounded to a few digits, which hide a few instructions
# per sample). The in-kernel rows, timed with interrupts off, must agree in
# every sample; the user rows in their fastest sample (an interrupt cannot
# shorten a sample, only lengthen it). Two runs that agree can still both be
# wrong, so a few counts are also held to tests/fixtures/icount-expected.txt.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib/guest.sh
guest_require --command qemu-system-x86_64 "qemu-system-x86_64 not installed" --kernel --module \
	build/vmprobe-static build/vmprobe-stamp build/vmprobe-exit
expected=tests/fixtures/icount-expected.txt

for run in a b; do
	mkdir -p "$tmp/$run/work"
	TMPDIR=$tmp/$run/work nice scripts/run-vmm qemu-icount --out "$tmp/$run" --timeout 300 \
		--guest-script tests/guest/icount-rows.sh > "$tmp/$run.stdout" 2> "$tmp/$run.stderr"
	status=$?
	ok "$status" "run $run: run-vmm qemu-icount exits 0 (got $status)"
	[ "$status" -eq 0 ] || sed 's/^/#   /' "$tmp/$run.stderr" | tail -15
done

# digest RESULT: one line per row: name, status, ops per sample, the empty
# region, and the instructions of the fastest sample (ktimed rows: of every
# sample), the empty region taken off, as the harness stored them. A
# harness row's sample is (ticks - empty) / n, so n x sample + empty is the
# TSC delta read: whole instructions. A ktimed sample is (op batch - empty
# batch) / iterations with n = iterations x batches, so n x sample is whole.
# A count that is not whole is printed with its fraction, and the line
# "fraction ROW" goes to stderr. Exit 1 when the file is not a result with
# clock kind "instructions".
digest() {
	perl -MJSON::PP -e '
		local $/; open my $f, "<", $ARGV[0] or exit 1;
		my $d = eval { decode_json(<$f>) } or exit 1;
		$d->{clock}{kind} eq "instructions" or exit 1;
		sub count {
			my ($b, $s) = @_;
			my $c = $s * $b->{ops_per_sample};
			my $raw = $b->{name} =~ /^ktimed-/ ? $c : $c + $b->{overhead_ticks};
			my $whole = abs($raw - sprintf("%.0f", $raw)) < 1e-6;
			print STDERR "fraction $b->{name}\n" unless $whole;
			return $whole ? sprintf("%.0f", $c) : sprintf("%.6f", $c);
		}
		for my $b (@{$d->{benchmarks}}) {
			my @s = @{$b->{samples_ticks} // []};
			unless (@s) { print "$b->{name} $b->{status}\n"; next }
			my @c = map { count($b, $_) } $b->{name} =~ /^ktimed-/ ? @s : (sort { $a <=> $b } @s)[0];
			printf "%s %s n=%s empty=%.17g %s\n", $b->{name}, $b->{status},
				$b->{ops_per_sample}, $b->{overhead_ticks}, join(" ", @c);
		}' "$1"
}
digest "$tmp/a/qemu-icount.guest.out" > "$tmp/a.digest" 2> "$tmp/a.frac"; da=$?
digest "$tmp/b/qemu-icount.guest.out" > "$tmp/b.digest" 2> "$tmp/b.frac"; db=$?
ok "$((da + db))" "both runs wrote a result with clock kind 'instructions'"
rows=$(grep -c '^[^ ]* ok ' "$tmp/a.digest")
# The rows the guest script asks for: the words after its "vmprobe run", up to the first option.
want=$(sed -n '/^vmprobe run /,/--label/p' tests/guest/icount-rows.sh | tr -s ' \t\\' '\n' |
	sed -n '3,$p' | sed '/^--/,$d' | grep -c .)
ok "$([ "$rows" -eq "$want" ]; echo $?)" "all $want rows ran in run a ($rows ok)"
sed 's/^/# a: /' "$tmp/a.digest" | cut -c1-150
ok "$([ "$da$db" = 00 ] && [ ! -s "$tmp/a.frac" ] && [ ! -s "$tmp/b.frac" ]; echo $?)" \
	"every sample is a whole number of instructions$(sort -u "$tmp/a.frac" "$tmp/b.frac" | tr '\n' ' ' | sed 's/^./: &/')"
# ktimed rows run with interrupts off: their counts must agree exactly. A user row's fastest
# sample can still take one interrupt whose point host timing set (a serial port drained, a
# marker written): seen as 932 more instructions in null-syscall, in runs that put 18 ktimed rows
# before the user rows (they now run first, as they always did). So
# where only user rows differ, a third run decides: each such row must match a or b in c (a
# false failure then needs two of three runs hit, about 1 in 16 by that rate, at a 15 s cost
# only when the first two differ).
if [ "$da$db" = 00 ] && diff "$tmp/a.digest" "$tmp/b.digest" > "$tmp/diff"; then
	ok 0 "the two runs count the same guest instructions, sample for sample"
else
	moved=$(diff "$tmp/a.digest" "$tmp/b.digest" | sed -n 's/^[<>] \([^ ]*\) .*/\1/p' | sort -u)
	agree=1
	if [ "$da$db" = 00 ] && ! printf '%s\n' "$moved" | grep -q '^ktimed-'; then
		mkdir -p "$tmp/c/work"
		TMPDIR=$tmp/c/work nice scripts/run-vmm qemu-icount --out "$tmp/c" --timeout 300 \
			--guest-script tests/guest/icount-rows.sh > "$tmp/c.stdout" 2> "$tmp/c.stderr" &&
			digest "$tmp/c/qemu-icount.guest.out" > "$tmp/c.digest" 2> /dev/null && agree=0
		for row in $moved; do
			c=$(grep "^$row " "$tmp/c.digest" 2> /dev/null)
			grep -qxF -- "$c" "$tmp/a.digest" || grep -qxF -- "$c" "$tmp/b.digest" || agree=1
		done
	fi
	ok "$agree" "the two runs count the same guest instructions, sample for sample (rows that moved: $(echo $moved); a third run breaks a tie of user rows)"
	# On stderr, which prove shows without -v: CI's log then says which row moved.
	sed 's/^/#   /' "$tmp/diff" 2> /dev/null | cut -c1-200 >&2
fi

# The committed expectation, checked on run a: one test per line of it.
while read -r row quantity want tolerance; do
	case $row in '#'* | '') continue ;; esac
	got=$(perl -MJSON::PP -e '
		local $/; open my $f, "<", $ARGV[0] or exit 1;
		my $d = eval { decode_json(<$f>) } or exit 1;
		my ($b) = grep { $_->{name} eq $ARGV[1] && $_->{status} eq "ok" } @{$d->{benchmarks}} or exit 1;
		my @s = sort { $a <=> $b } @{$b->{samples_ticks}};
		print $ARGV[2] eq "empty" ? $b->{overhead_ticks} : $ARGV[2] eq "per_op" ? $s[0] : exit 2' \
		"$tmp/a/qemu-icount.guest.out" "$row" "$quantity")
	ok "$(perl -e 'exit !(defined $ARGV[0] && $ARGV[0] ne "" && abs($ARGV[0] - $ARGV[1]) <= $ARGV[2])' \
		"$got" "$want" "$tolerance"; echo $?)" \
		"$row $quantity: ${got:-none} instructions, expected $want +- $tolerance ($expected)"
done < "$expected"
echo "1..$n"
exit "$failed"
