#!/usr/bin/env perl
# Runs every cmocka unit test binary build/tests/test_* (everyone's) with
# CMOCKA_MESSAGE_OUTPUT=TAP and relays their results as one TAP stream:
# each inner test becomes "ok N - <binary>: <test>", comments pass through,
# and a binary fails when it crashes, exits non-zero without saying why, or
# runs fewer (or more) tests than its own plan announced: one that exits 0
# after a few tests must not pass.
#
# cmocka 1.1 prints a skipped test as "not ok N # SKIP <test name>" with no
# reason; tests/unit/skip_because.h prints "skipped: REASON" just before it.
# Such a test is relayed as "ok N - <binary>: <test> # SKIP REASON"; a skip
# that gave no reason fails.
use strict;
use warnings;
use File::Basename qw(dirname basename);
use Cwd qw(abs_path);

my $root = abs_path(dirname(__FILE__) . '/..');
my @bins = grep { -x $_ && -f $_ } sort glob("$root/build/tests/test_*");
unless (@bins) {
	print "1..0 # SKIP skipped: no unit tests built (run make tests)\n";
	exit 0;
}
$ENV{CMOCKA_MESSAGE_OUTPUT} = 'TAP';
my $n = 0;
sub result {
	my ($res, $desc) = @_;
	$n++;
	print "$res $n - $desc\n";
}
for my $bin (@bins) {
	my $name = basename($bin);
	my $out = `cd "$root" && timeout 300 "$bin" 2>&1`;
	my $status = $? >> 8;
	my $signal = $? & 127;
	my ($seen, $failed, $planned, $whole_skip) = (0, 0, undef, 0);
	my $skip_why;
	for my $line (split /\n/, $out) {
		if ($line =~ /^1\.\.0\s*#\s*SKIP\s*(.*)/i) {
			result('ok', "$name # SKIP $1");
			$whole_skip = 1;
		} elsif ($line =~ /^skipped: (.*)$/) {
			$skip_why = $1;
			print "# $name: $line\n";
		} elsif ($line =~ /^(?:not )?ok\s+\d+\s*#\s*SKIP\s*(.*)$/i) {
			my $test = $1;
			$seen++;
			if (defined $skip_why) {
				result('ok', "$name: $test # SKIP $skip_why");
			} else {
				$failed++;
				result('not ok', "$name: $test skipped without saying why (use skip_because)");
			}
			undef $skip_why;
		} elsif ($line =~ /^(not ok|ok)\s+\d+\s*-?\s*(.*)$/) {
			my ($res, $desc) = ($1, $2);
			$seen++;
			$failed++ if $res eq 'not ok';
			result($res, "$name: $desc");
			undef $skip_why;
		} elsif ($line =~ /^1\.\.(\d+)/) {
			$planned += $1;	# the inner plan: checked below, ours is the total
		} else {
			$line =~ s/^#\s?//;
			print "# $name: $line\n";
		}
	}
	next if $whole_skip && !$status && !$signal;
	if ($signal || $status == 124 || (!$seen) || ($status && !$failed)) {
		my $why = $signal ? "killed by signal $signal" : $status == 124 ? "timed out"
			: !$seen ? "printed no TAP (exit status $status)" : "exit status $status";
		result('not ok', "$name: $why");
	}
	if (!defined $planned) {
		result('not ok', "$name: printed no plan (1..N)");
	} elsif ($seen != $planned) {
		result('not ok', "$name: ran $seen of the $planned tests it planned");
	} else {
		result('ok', "$name: ran the $planned tests it planned");
	}
}

# cmocka's assert_float_equal compares in single precision, whatever the
# tolerance written: every double goes through assert_double_equal.
my @float = grep {
	open my $f, '<', $_ or die "$_: $!";
	local $/;
	<$f> =~ /\bassert_float_equal\s*\(/;
} glob("$root/tests/unit/*.c");
result(@float ? 'not ok' : 'ok', "no unit test uses the single-precision assert_float_equal"
	. (@float ? ': ' . join(' ', map { basename($_) } @float) : ''));
print "1..$n\n";
