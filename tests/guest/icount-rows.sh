#!/bin/sh
# Guest script for tests/33-icount-deterministic.t: a few rows whose
# instruction counts QEMU's -icount makes deterministic, as JSON on stdout.
# In-kernel ops run with interrupts off; the user rows are short loops.
# Arguments: vmprobe options (run-vmm passes --clock instructions ...).
# Its messages go to a file until the rows are done: a line written to the
# serial console raises UART interrupts whenever the host drains it, which
# would land in the next row's samples at a point set by host timing.
# The first six in the order they always ran (the user rows' fastest samples stay as they were);
# then every other ktimed row, whose counts do not depend on what ran before (interrupts off).
vmprobe run ktimed-cpuid0 ktimed-rdmsr ktimed-cr0 getpid-raw null-syscall matmul-10 \
	ktimed-rdtsc ktimed-rdtscp ktimed-cpuid1 ktimed-pio ktimed-cr3 ktimed-invlpg ktimed-sgdt \
	ktimed-sidt ktimed-sldt ktimed-str ktimed-smsw ktimed-pushf-popf ktimed-cr8-write \
	ktimed-dr7-write ktimed-cr3-write ktimed-lgdt ktimed-wrmsr ktimed-pio-elcr ktimed-pause \
	ktimed-pio-pmtimer ktimed-mmio-hpet ktimed-pio-out ktimed-cr8-read \
	--label "${JOB_LABEL:?}" --repetitions 5 --quick --json /tmp/icount.json "$@" \
	> /tmp/icount.log 2>&1
status=$?
cat /tmp/icount.log >&2
cat /tmp/icount.json
exit "$status"
