# shellcheck shell=bash
# Shared by the tests/*.t scripts that drive build/vmprobe: source it after
# `cd` to the repository root. It skips the whole file when the binary is not
# built, makes $tmp (removed on exit, after the caller's own on_exit hook),
# and gives TAP helpers: ok STATUS DESCRIPTION, skip REASON, and
# run NAME ARGS... (vmprobe's status in $tmp/NAME.rc, streams in .out/.err),
# json FILE PERL-EXPR (the expression over the decoded file $d, printed),
# and $duration_re: a figure as vmprobe prints a duration (grep -E), in
# whatever unit the machine's speed gives it: never grep for one unit.
vmprobe=$PWD/build/vmprobe
duration_re='[0-9][0-9.e+]* (ns|us|ms|s)'
if [ ! -x "$vmprobe" ]; then
	echo "1..0 # SKIP build/vmprobe not built (make user)"
	exit 0
fi
tmp=$(mktemp -d)
on_exit() { :; }
trap 'on_exit; rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
run() {
	local name=$1
	shift
	"$vmprobe" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err"
	echo $? > "$tmp/$name.rc"
}
rc() { cat "$tmp/$1.rc"; }
json() {
	perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0] or exit 3;
		my $d = eval { decode_json(<$f>) } or exit 4; my $v = eval $ARGV[1];
		exit 5 unless defined $v; print ref $v ? encode_json($v) : $v' "$1" "$2"
}
