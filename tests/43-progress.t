#!/usr/bin/env bash
# Progress of a run: on a terminal (a pseudo-terminal from script(1)) the
# row's line also says where the run is and about how long is left, and is
# rewritten in place; through a pipe, with TERM=dumb, the plain lines only.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh

args=(run getpid null-syscall --quick --repetitions 3 --time-budget 4)
run plain "${args[@]}"
ok "$([ "$(rc plain)" = 0 ] && grep -Eq "^\[1/2\] getpid \.\.\. $duration_re median" "$tmp/plain.err" &&
	grep -Eq "^\[2/2\] null-syscall \.\.\. $duration_re median" "$tmp/plain.err" &&
	! grep -q $'\033' "$tmp/plain.err" && ! grep -q 'left)' "$tmp/plain.err"; echo $?)" \
	"through a pipe: plain lines, no escape sequence, no estimate"
if command -v script > /dev/null; then
	TERM=xterm script -qec "$vmprobe ${args[*]} > /dev/null" /dev/null > "$tmp/tty.out" 2>&1
	ok "$(grep -q $'\r\033\[K\[2/2\] null-syscall \.\.\. ([0-9]*:[0-9][0-9] elapsed, about [0-9]*:[0-9][0-9] left)' "$tmp/tty.out" &&
		grep -Eq $'\r\033\\[K\\[2/2\\] null-syscall \\.\\.\\. '"$duration_re median" "$tmp/tty.out"; echo $?)" \
		"on a terminal: row, position, elapsed and time left, then the plain line in its place"
	TERM=dumb script -qec "$vmprobe ${args[*]} > /dev/null" /dev/null > "$tmp/dumb.out" 2>&1
	ok "$(grep -Eq "\[2/2\] null-syscall \.\.\. $duration_re median" "$tmp/dumb.out" && ! grep -q $'\033' "$tmp/dumb.out"; echo $?)" \
		"TERM=dumb: plain lines"
else
	skip "script(1) not installed: terminal progress not checked"
	skip "script(1) not installed"
fi
echo "1..$n"
