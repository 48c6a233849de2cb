# shellcheck shell=sh
# Guest script of tests/35-kvm-nested.t: only the rows whose VM exits per op
# are known (a CPUID or port I/O exit per op, or none), small budgets. The
# result JSON is this script's stdout. JOB_LABEL, JOB_CHANNEL: from the init.
# 101 repetitions: at least that many ops per row even when a preempted
# first op ends the ramp at n = 1, so the timer's few exits per row stay
# well under one per op. The irq rows: interrupts through KVM (irq-ipi and
# pause-handoff-2cpu need a second vCPU, so with L2's one they are skipped
# with their reason).
vmprobe run cpuid getpid ktimed-cpuid0 ktimed-pio matmul-10 irq-self-ipi irq-timer irq-ipi pause-handoff-2cpu --label "${JOB_LABEL:?}" --quick \
	--repetitions 101 --time-budget 30 --json /tmp/rows.json --markers "${JOB_CHANNEL:?}" "$@" >&2
status=$?
cat /tmp/rows.json
exit "$status"
