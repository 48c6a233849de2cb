/* SPDX-License-Identifier: GPL-2.0 */
/* Sampling: the sample loop, the ramp, the linearity check and the disturbed samples. */
#ifndef VMPROBE_HARNESS_SAMPLE_H
#define VMPROBE_HARNESS_SAMPLE_H

#include "harness_state.h"

/* What one sample_loop() call does, and what it gives back. */
struct sampling {
	run_fn fn;
	uint64_t n;			/* ops per sample */
	size_t reps;			/* samples to take */
	double *per_op;			/* out: reps per-op ticks, overhead subtracted */
	struct sample_meta *meta;	/* out: reps, or NULL */
	struct run_totals *tot;		/* NULL: not counted, nor added to the row's totals */
	double overhead;		/* out: the empty call's ticks subtracted per sample */
};

/*
 * Times s->fn: s->reps samples of s->n ops. Returns how many were taken
 * (fewer when stopped) or -1 when fn failed. An empty call is timed right
 * before each sample, so the overhead subtracted is measured under the same
 * conditions as the row. Every sample is kept, with what disturbed it: a
 * preempted sample holds real cost of the row as often as another task's
 * (its own deferred kernel work, a wakeup it caused), and dropping it would
 * bias the median down without a record. A run() that a helper times
 * itself (st->own_ticks) gives its ticks instead of the bracket's, with
 * no overhead to subtract.
 */
long harness_sample_loop(struct harness *h, struct bench_state *st, struct row_result *r,
			 struct sampling *s);
/* One sample of n ops for the ramp: its ticks (a helper's own if it timed them), 0 on failure. */
uint64_t harness_ramp_sample(struct harness *h, struct bench_state *st, uint64_t n, int *ret);
/*
 * Ramp: double n until one sample takes the goal (it warms up, too); the
 * last doubling gives the linearity T(2n) / 2 T(n). *ticks gets the last
 * sample's ticks. Returns 0, 1 stopped, -1 failed.
 */
int harness_ramp(struct harness *h, struct bench_state *st, struct row_result *r, double goal_s,
		 uint64_t *n, uint64_t *ticks);
/*
 * lmbench's check, from medians: T(n) is the median of the row's samples
 * (overhead off, baseline still in: the whole run() call), T(n/2) the median
 * of a few samples of n/2 ops taken now, when the share still holds them.
 * One preempted ramp sample would otherwise decide the figure.
 */
void harness_linearity(struct harness *h, struct bench_state *st, struct row_result *r,
		       double left_s, double sample_s);
/* Disturbed samples and the undisturbed median, after the samples are final. */
void harness_summarize_disturbance(struct harness *h, struct row_result *r);

#endif /* VMPROBE_HARNESS_SAMPLE_H */
