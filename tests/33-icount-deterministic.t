#!/usr/bin/env bash
# QEMU with -icount shift=0 advances guest time by one nanosecond per guest
# instruction, so a TSC delta there is an instruction count, and two runs of
# the same rows must count the same. A regression test for the harness that
# no noisy machine can give: the guest is booted twice and the rows'
# fastest samples (interrupts cannot shorten a sample, only lengthen it)
# must agree to the instruction; the in-kernel rows, timed with interrupts
# off, must agree in every sample.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib/guest.sh
guest_require --command qemu-system-x86_64 "qemu-system-x86_64 not installed" --kernel --module \
	build/vmprobe-static build/vmprobe-stamp build/vmprobe-exit

for run in a b; do
	mkdir -p "$tmp/$run/work"
	TMPDIR=$tmp/$run/work nice scripts/run-vmm qemu-icount --out "$tmp/$run" --timeout 300 \
		--guest-script tests/guest/icount-rows.sh > "$tmp/$run.stdout" 2> "$tmp/$run.stderr"
	status=$?
	ok "$status" "run $run: run-vmm qemu-icount exits 0 (got $status)"
	[ "$status" -eq 0 ] || sed 's/^/#   /' "$tmp/$run.stderr" | tail -15
done

# One line per row: name, status, the minimum, and (for ktimed rows) every sample.
digest() {
	perl -MJSON::PP -e '
		local $/; open my $f, "<", $ARGV[0] or exit 1;
		my $d = eval { decode_json(<$f>) } or exit 1;
		$d->{clock}{kind} eq "instructions" or exit 1;
		for my $b (@{$d->{benchmarks}}) {
			my @s = @{$b->{samples_ticks} // []};
			my $min = @s ? (sort { $a <=> $b } @s)[0] : "none";
			my $all = $b->{name} =~ /^ktimed-/ ? " @s" : "";
			printf "%s %s min=%.6g%s\n", $b->{name}, $b->{status}, $min, $all;
		}' "$1"
}
digest "$tmp/a/qemu-icount.guest.out" > "$tmp/a.digest"; da=$?
digest "$tmp/b/qemu-icount.guest.out" > "$tmp/b.digest"; db=$?
ok "$((da + db))" "both runs wrote a result with clock kind 'instructions'"
rows=$(grep -c ' ok ' "$tmp/a.digest")
ok "$([ "$rows" -eq 6 ]; echo $?)" "all 6 rows ran in run a ($rows ok)"
sed 's/^/# a: /' "$tmp/a.digest" | cut -c1-150
if diff "$tmp/a.digest" "$tmp/b.digest" > "$tmp/diff"; then
	ok 0 "the two runs count the same guest instructions, row for row"
else
	ok 1 "the two runs count the same guest instructions, row for row"
	sed 's/^/#   /' "$tmp/diff" | cut -c1-200
fi
echo "1..$n"
exit "$failed"
