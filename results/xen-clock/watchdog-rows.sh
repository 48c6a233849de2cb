# shellcheck shell=sh
# clock-gettime 8 times over in one boot, with the clocksource in use and the kernel's clocksource
# messages after each run: does the vDSO's clock go, and when, and why.
i=1
while [ "$i" -le 8 ]; do
	vmprobe run clock-gettime --label "${JOB_LABEL:?}" --quick --json "/tmp/cg$i.json" >&2
	echo "run $i: clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)" >&2
	dmesg | grep -i 'clocksource\|tsc' | tail -n 4 >&2
	i=$((i + 1))
done
vmprobe run clock-gettime getpid --label "${JOB_LABEL:?}" --quick --json /tmp/rows.json \
	--markers "${JOB_CHANNEL:?}" "$@" >&2
status=$?
cat /tmp/rows.json
exit "$status"
