# shellcheck shell=sh
vmprobe run ktimed-cr8-read ktimed-cpuid0 --label "${JOB_LABEL:?}" --quick --repetitions 21 --time-budget 60 \
	--json /tmp/rows.json --markers "${JOB_CHANNEL:?}" "$@" >&2
status=$?
cat /tmp/rows.json
exit "$status"
