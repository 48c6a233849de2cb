// SPDX-License-Identifier: GPL-2.0
/* The run() path and baseline subtraction (harness_timed.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness_probe.h"
#include "harness_sample.h"
#include "harness_timed.h"
#include "plan.h"
#include "signif.h"

/* The op with its baseline against the baseline alone: the difference, with its interval. */
static void describe_difference(struct row_result *r, const double *base, double op_median)
{
	struct hl_result hl;

	r->difference.present = true;
	r->difference.with_median = op_median;
	r->difference.baseline_median = r->baseline_ticks_per_op;
	r->difference.shift = op_median - r->baseline_ticks_per_op;
	r->difference.ci_low = r->difference.ci_high = r->difference.coverage = NAN;
	if (signif_hodges_lehmann(base, r->nsamples, r->samples, r->nsamples, HARNESS_CI_LEVEL, &hl))
		return;
	r->difference.shift = hl.shift;
	r->difference.ci_low = hl.ci_low;
	r->difference.ci_high = hl.ci_high;
	r->difference.coverage = hl.coverage;
	r->difference.below = hl.ci_high < 0;
	r->difference.within_noise = !(hl.ci_low > 0) && !r->difference.below;
}

/* The baseline's samples; its median per op is taken off every sample. Returns 0, 1, -1. */
static int subtract_baseline(struct harness *h, struct bench_state *st, struct row_result *r)
{
	const struct bench *b = st->bench;
	double hz = h->cfg.clock->hz, op_median;
	double *base = calloc(r->nsamples, sizeof(double));
	struct sampling s = { .fn = b->run_baseline, .n = r->ops_per_sample, .reps = r->nsamples,
			      .per_op = base };
	long got;

	if (!base) {
		snprintf(st->msg, sizeof(st->msg), "out of memory");
		return -1;
	}
	got = harness_sample_loop(h, st, r, &s);
	if (got < 0 || (size_t)got < r->nsamples) {
		free(base);
		return got < 0 ? -1 : 1;
	}
	r->baseline_ticks_per_op = harness_median(base, r->nsamples);
	op_median = harness_median(r->samples, r->nsamples);
	describe_difference(r, base, op_median);
	free(base);
	/*
	 * A baseline that costs as much as the whole op still gives the
	 * figure, the difference, with its interval beside it: a study row
	 * never reads "no figure". Where the interval holds 0 the row says so.
	 */
	for (size_t i = 0; i < r->nsamples; i++)
		r->samples[i] -= r->baseline_ticks_per_op;
	if (r->difference.within_noise || r->difference.below) {
		snprintf(r->reason, sizeof(r->reason),
			 "%s: the op with its baseline (%.4g ns/op) against the baseline alone"
			 " (%.4g ns/op) differs by %.4g ns/op, %.0f%% interval [%.4g, %.4g] %s",
			 r->difference.below ? "below its baseline" : "within noise",
			 op_median / hz * 1e9, r->baseline_ticks_per_op / hz * 1e9,
			 r->difference.shift / hz * 1e9, 100 * r->difference.coverage,
			 r->difference.ci_low / hz * 1e9, r->difference.ci_high / hz * 1e9,
			 r->difference.below ? "below 0: the baseline alone costs more here" : "holding 0");
	}
	return 0;
}

/*
 * Probe one op (a row that cannot fit once is not run at all), then the
 * ramp: *n and *sample_s set, *share_s stretched. Returns 0, 1 stopped by a
 * signal, 2 the row is done (skipped or failed).
 */
static int probe_and_ramp(struct harness *h, struct bench_state *st, struct row_result *r,
			  int parts, double goal_s, double *share_s, uint64_t *n, double *sample_s)
{
	double hz = h->cfg.clock->hz, one_op_s;
	uint64_t ticks;
	int ret;

	ticks = harness_ramp_sample(h, st, 1, &ret);
	if (ret)
		return 2 + harness_row_fail(r, "run", st);
	one_op_s = ticks / hz;
	*share_s = plan_stretch(*share_s, h->stretch_s, one_op_s * parts);
	if (one_op_s * parts > *share_s) {
		r->status = ROW_SKIPPED;
		snprintf(r->reason, sizeof(r->reason),
			 "too slow for the time budget: one op took %.3g s (share %.3g s)",
			 one_op_s, *share_s);
		return 2;
	}
	switch (harness_ramp(h, st, r, goal_s, n, &ticks)) {
	case 1:
		return 1;
	case -1:
		return 2 + harness_row_fail(r, "run", st);
	}
	*sample_s = ticks / hz;
	return 0;
}

/* The run() path; returns 1 when stopped by a signal. */
int harness_run_timed(struct harness *h, struct bench_state *st, double share_s,
		      struct row_result *r, struct run_totals *tot)
{
	const struct bench *b = st->bench;
	double t_start = monotonic_s();
	int parts = b->run_baseline ? 2 : 1, ret;
	bool slow = b->flags & BENCH_SLOW;
	size_t reps = (size_t)h->cfg.repetitions;
	double goal_s, one_op_s = 0, sample_s = 0;
	struct plan_reps plan;
	struct sampling s;
	uint64_t n = 1;
	long got;

	r->linearity = NAN;
	if (slow) {
		switch (harness_probe_slow(h, st, r, share_s, parts, &one_op_s)) {
		case 1:
			return 1;
		case 2:
			return 0;
		}
		share_s = plan_stretch(share_s, h->stretch_s, one_op_s * parts);
	}
	goal_s = plan_goal(h->cfg.goal_s, share_s, reps, parts);
	if (slow && one_op_s >= goal_s) {
		/* One op already fills a sample: no probe or ramp here, n stays 1. */
		sample_s = one_op_s;
	} else {
		switch (probe_and_ramp(h, st, r, parts, goal_s, &share_s, &n, &sample_s)) {
		case 1:
			return 1;
		case 2:
			return 0;
		}
	}

	plan = plan_repetitions(reps, share_s - (monotonic_s() - t_start), sample_s, parts, n, slow);
	if (plan.warmup) {
		harness_ramp_sample(h, st, n, &ret);
		if (ret)
			return harness_row_fail(r, "run", st);
	}
	if (plan.cut)
		snprintf(r->reason, sizeof(r->reason),
			 "repetitions cut from %zu to %zu by the time budget", reps, plan.reps);
	reps = plan.reps;

	r->samples = calloc(reps, sizeof(double));
	r->meta = calloc(reps, sizeof(*r->meta));
	if (!r->samples || !r->meta) {
		snprintf(st->msg, sizeof(st->msg), "out of memory");
		return harness_row_fail(r, "harness", st);
	}
	r->ops_per_sample = n;
	s = (struct sampling){ .fn = b->run, .n = n, .reps = reps, .per_op = r->samples,
			       .meta = r->meta, .tot = tot };
	got = harness_sample_loop(h, st, r, &s);
	r->overhead_ticks = s.overhead;
	if (got < 0)
		return harness_row_fail(r, "run", st);
	if ((size_t)got < reps)
		return 1;
	r->nsamples = reps;
	harness_linearity(h, st, r, share_s - (monotonic_s() - t_start) - (parts - 1) * reps * sample_s,
		  sample_s);
	if (b->run_baseline) {
		switch (subtract_baseline(h, st, r)) {
		case 1:
			return 1;
		case -1:
			return harness_row_fail(r, "run_baseline", st);
		}
	}
	return 0;
}
