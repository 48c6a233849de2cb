# shellcheck shell=sh
# clock-gettime on each clocksource in turn, set by hand (tsc, xen, tsc again), with vmprobe info's
# word on how clock_gettime is served after each switch: the cause, not a correlation.
cs=/sys/devices/system/clocksource/clocksource0
echo "available: $(cat $cs/available_clocksource)" >&2
n=0
for want in tsc xen tsc xen; do
	n=$((n + 1))
	echo "$want" > "$cs/current_clocksource" 2> /dev/null
	echo "switch $n: asked for $want, in use: $(cat $cs/current_clocksource)" >&2
	vmprobe info 2> /dev/null | grep '^kernel:' >&2
	vmprobe run clock-gettime getpid --label "${JOB_LABEL:?}" --quick --json "/tmp/s$n.json" >&2
done
dmesg | grep -i 'clocksource\|tsc' | tail -n 8 >&2
vmprobe run clock-gettime --label "${JOB_LABEL:?}" --quick --json /tmp/rows.json \
	--markers "${JOB_CHANNEL:?}" "$@" >&2
status=$?
cat /tmp/rows.json
exit "$status"
