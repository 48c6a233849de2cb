# shellcheck shell=sh
vmprobe run irq-self-ipi irq-ipi irq-ipi-wake irq-timer pause-handoff-2cpu ktimed-pio ktimed-pio-out \
	--label "${JOB_LABEL:?}" --repetitions 15 --time-budget 120 --json /tmp/rows.json \
	--markers "${JOB_CHANNEL:?}" "$@" >&2
status=$?
cat /tmp/rows.json
exit "$status"
