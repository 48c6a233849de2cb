#!/bin/sh
# Guest script for tests/33-icount-deterministic.t: a few rows whose
# instruction counts QEMU's -icount makes deterministic, as JSON on stdout.
# In-kernel ops run with interrupts off; the user rows are short loops.
# Arguments: vmprobe options (run-vmm passes --clock instructions ...).
# Its messages go to a file until the rows are done: a line written to the
# serial console raises UART interrupts whenever the host drains it, which
# would land in the next row's samples at a point set by host timing.
vmprobe run ktimed-rdtsc ktimed-rdtscp ktimed-cpuid0 ktimed-cpuid1 ktimed-rdmsr ktimed-pio ktimed-cr0 ktimed-cr3 \
	ktimed-invlpg getpid-raw null-syscall matmul-10 \
	--label "${JOB_LABEL:?}" --repetitions 5 --quick --json /tmp/icount.json "$@" \
	> /tmp/icount.log 2>&1
status=$?
cat /tmp/icount.log >&2
cat /tmp/icount.json
exit "$status"
