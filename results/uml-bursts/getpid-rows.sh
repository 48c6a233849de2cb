# shellcheck shell=sh
# getpid with many samples, to see UML's bursts (runs of samples at 2-3x) against the host's own
# ptrace stop-and-go, which ptrace-stops.c times on the host.
vmprobe run getpid null-syscall --label "${JOB_LABEL:?}" --repetitions 400 --time-budget 120 \
	--json /tmp/rows.json --markers "${JOB_CHANNEL:?}" "$@" >&2
status=$?
cat /tmp/rows.json
exit "$status"
