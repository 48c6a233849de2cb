// SPDX-License-Identifier: GPL-2.0
/*
 * clock-gettime: clock_gettime(CLOCK_MONOTONIC), which libc answers from
 * the vDSO without entering the kernel while the clocksource allows it
 * (tsc, kvm-clock); a clocksource the vDSO cannot read (hpet, acpi_pm, some
 * VMMs) turns it into a real syscall, which is what this row shows.
 * One op = one call.
 */
#include <time.h>

#include "common.h"

struct clock_priv {
	struct timespec first, last;
	int backwards;
};

static struct clock_priv clock_state;

static int clock_gettime_setup(struct bench_state *st)
{
	clock_state = (struct clock_priv){ 0 };
	if (clock_gettime(CLOCK_MONOTONIC, &clock_state.first) != 0)
		return bench_fail_errno(st, "clock_gettime(CLOCK_MONOTONIC)");
	clock_state.last = clock_state.first;
	st->priv = &clock_state;
	return 0;
}

static int clock_gettime_run(struct bench_state *st, uint64_t n)
{
	struct clock_priv *p = st->priv;
	struct timespec now;

	for (uint64_t i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* Consumes the result, and checks what a VMM's clock owes us. */
		if (now.tv_sec < p->last.tv_sec ||
		    (now.tv_sec == p->last.tv_sec && now.tv_nsec < p->last.tv_nsec))
			p->backwards++;
		p->last = now;
	}
	return 0;
}

static int clock_gettime_verify(struct bench_state *st)
{
	struct clock_priv *p = st->priv;

	if (p->backwards)
		return bench_fail(st, "CLOCK_MONOTONIC went backwards %d times", p->backwards);
	return 0;
}

const struct bench bench_clock_gettime = {
	.name = "clock-gettime",
	.group = "micro",
	.panel = "syscall",
	.summary = "clock_gettime(CLOCK_MONOTONIC), normally served by the vDSO",
	.unit = "call",
	.setup = clock_gettime_setup,
	.run = clock_gettime_run,
	.verify = clock_gettime_verify,
};
