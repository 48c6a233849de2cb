# shellcheck shell=sh
vmprobe run irq-self-ipi irq-ipi irq-ipi-wake irq-timer ktimed-pio-out ktimed-cpuid0 \
	--label "${JOB_LABEL:?}" --quick --repetitions 21 --time-budget 90 --json /tmp/rows.json \
	--markers "${JOB_CHANNEL:?}" "$@" >&2
status=$?
cat /tmp/rows.json
exit "$status"
