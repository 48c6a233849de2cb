#!/usr/bin/env perl
# Runs every cmocka unit test binary build/tests/test_* (everyone's) with
# CMOCKA_MESSAGE_OUTPUT=TAP and relays their results as one TAP stream:
# each inner test becomes "ok N - <binary>: <test>", comments pass through,
# and a binary that crashes or exits non-zero without saying why fails.
use strict;
use warnings;
use File::Basename qw(dirname basename);
use Cwd qw(abs_path);

my $root = abs_path(dirname(__FILE__) . '/..');
my @bins = grep { -x $_ && -f $_ } sort glob("$root/build/tests/test_*");
unless (@bins) {
	print "1..0 # SKIP no unit tests built (run make tests)\n";
	exit 0;
}
$ENV{CMOCKA_MESSAGE_OUTPUT} = 'TAP';
my $n = 0;
for my $bin (@bins) {
	my $name = basename($bin);
	my $out = `cd "$root" && timeout 300 "$bin" 2>&1`;
	my $status = $? >> 8;
	my $signal = $? & 127;
	my ($seen, $failed) = (0, 0);
	for my $line (split /\n/, $out) {
		if ($line =~ /^1\.\.0\s*#\s*SKIP\s*(.*)/i) {
			$n++;
			print "ok $n - $name # SKIP $1\n";
			$seen++;
		} elsif ($line =~ /^(not ok|ok)\s+\d+\s*-?\s*(.*)$/) {
			my ($res, $desc) = ($1, $2);
			$n++;
			$seen++;
			$failed++ if $res eq 'not ok';
			print "$res $n - $name: $desc\n";
		} elsif ($line =~ /^1\.\.\d+/) {
			next;	# the inner plan: ours is the total
		} else {
			$line =~ s/^#\s?//;
			print "# $name: $line\n";
		}
	}
	if ($signal || $status == 124 || (!$seen) || ($status && !$failed)) {
		$n++;
		my $why = $signal ? "killed by signal $signal" : $status == 124 ? "timed out"
			: !$seen ? "printed no TAP (exit status $status)" : "exit status $status";
		print "not ok $n - $name: $why\n";
	}
}
print "1..$n\n";
