// SPDX-License-Identifier: GPL-2.0
/* The self-timed path (harness_self.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness_self.h"

/* The measure() path: the benchmark produces per-op samples itself. */
int harness_run_self_timed(struct harness *h, struct bench_state *st, double share_s,
			   struct row_result *r, struct run_totals *tot)
{
	const struct bench *b = st->bench;
	size_t reps = (size_t)h->cfg.repetitions;
	struct bench_samples out = { 0 };
	struct counter_set *set = h->cfg.counters;
	struct counter_values cv;
	bool counting = set && counters_any_open(set);
	int ret;

	out.cap = reps;
	out.ticks = calloc(reps, sizeof(double));
	if (!out.ticks) {
		snprintf(st->msg, sizeof(st->msg), "out of memory");
		return harness_row_fail(r, "harness", st);
	}
	r->samples = out.ticks;
	if (counting) {
		counters_reset(set);
		counters_enable();
	}
	ret = b->measure(st, &out, fmin(h->cfg.goal_s, share_s / (reps + 2.0)));
	h->ops_run += out.ops_run;
	if (counting) {
		counters_disable();
		counters_read(set, &cv);
		harness_add_counts(h, r, &cv, tot->counts);
	}
	if (harness_stopping(h))
		return 1;
	if (ret)
		return harness_row_fail(r, "measure", st);
	if (out.count == 0 || out.count > out.cap) {
		snprintf(st->msg, sizeof(st->msg), "%zu samples for a capacity of %zu",
			 out.count, out.cap);
		return harness_row_fail(r, "measure", st);
	}
	r->nsamples = out.count;
	r->ops_per_sample = out.ops_per_sample ? out.ops_per_sample : 1;
	r->overhead_ticks = out.overhead_ticks;
	for (size_t i = 0; i < out.count; i++)
		tot->ticks += out.ticks[i] * r->ops_per_sample;
	tot->ops = (double)r->ops_per_sample * (double)out.count;
	return 0;
}
