// SPDX-License-Identifier: GPL-2.0
/* Sampling (harness_sample.h). */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <math.h>

#include "harness_sample.h"
#include "plan.h"

/* Involuntary context switches of this thread so far: another task took the CPU. */
static long harness_preemptions(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_THREAD, &ru) ? -1 : ru.ru_nivcsw;
}

/*
 * The scheduler's run_delay of this thread so far (ns runnable but not
 * running), the second field of /proc/thread-self/schedstat; NAN unknown.
 */
static double harness_run_delay_ns(const struct harness *h)
{
	char buf[128];
	unsigned long long exec_ns, delay_ns;
	ssize_t len;

	if (h->schedstat_fd < 0)
		return NAN;
	len = pread(h->schedstat_fd, buf, sizeof(buf) - 1, 0);
	if (len <= 0)
		return NAN;
	buf[len] = '\0';
	if (sscanf(buf, "%llu %llu", &exec_ns, &delay_ns) != 2)
		return NAN;
	return (double)delay_ns;
}

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
			 struct sampling *s)
{
	struct counter_values cv;
	double *empty = calloc(s->reps ? s->reps : 1, sizeof(*empty));
	bool own = false;
	size_t k;
	int ret;

	if (!empty) {
		snprintf(st->msg, sizeof(st->msg), "out of memory");
		return -1;
	}
	for (k = 0; k < s->reps && !harness_stopping(h); k++) {
		long ivcsw0 = harness_preemptions();
		double delay0 = harness_run_delay_ns(h);
		int cpu0 = sched_getcpu();
		uint64_t ticks;

		/* the first bracket after the reads above runs cold; the row runs warm */
		harness_take_sample(h, harness_null_run, st, 1, &ret, NULL);
		empty[k] = (double)harness_take_sample(h, harness_null_run, st, 1, &ret, NULL);
		st->own_ticks = 0;
		ticks = harness_take_sample(h, s->fn, st, s->n, &ret, s->tot ? &cv : NULL);
		if (ret) {
			free(empty);
			return -1;
		}
		if (st->own_ticks) {
			ticks = st->own_ticks;
			own = true;
		}
		if (s->meta) {
			long ivcsw1 = harness_preemptions();
			int cpu1 = sched_getcpu();

			s->meta[k].nivcsw = ivcsw0 >= 0 && ivcsw1 >= 0 ? ivcsw1 - ivcsw0 : -1;
			s->meta[k].run_delay_ns = harness_run_delay_ns(h) - delay0;
			s->meta[k].migrated = cpu0 >= 0 && cpu1 >= 0 && cpu0 != cpu1;
		}
		s->per_op[k] = (double)ticks;
		if (s->tot) {
			s->tot->ticks += (double)ticks;
			s->tot->ops += (double)s->n;
			harness_add_counts(h, r, &cv, s->tot->counts);
		}
	}
	s->overhead = own ? 0 : k ? harness_fenced_mean(empty, k, h->tsc_step_ticks) : h->overhead_ticks;
	for (size_t i = 0; i < k; i++)
		s->per_op[i] = (s->per_op[i] - s->overhead) / (double)s->n;
	free(empty);
	return (long)k;
}

/* One sample of n ops for the ramp: its ticks (a helper's own if it timed them), 0 on failure. */
uint64_t harness_ramp_sample(struct harness *h, struct bench_state *st, uint64_t n, int *ret)
{
	uint64_t ticks;

	st->own_ticks = 0;
	ticks = harness_take_sample(h, st->bench->run, st, n, ret, NULL);
	return st->own_ticks ? st->own_ticks : ticks;
}

/* Disturbed samples and the undisturbed median, after the samples are final. */
void harness_summarize_disturbance(struct harness *h, struct row_result *r)
{
	double *calm;
	size_t c = 0;

	r->disturbed = r->migrated = 0;
	memset(&r->undisturbed, 0, sizeof(r->undisturbed));
	if (!r->meta)
		return;
	calm = calloc(r->nsamples ? r->nsamples : 1, sizeof(*calm));
	for (size_t i = 0; i < r->nsamples; i++) {
		const struct sample_meta *m = &r->meta[i];
		bool hit = m->nivcsw > 0 || m->run_delay_ns > 0 || m->migrated;

		r->migrated += m->migrated;
		if (hit)
			r->disturbed++;
		else if (calm)
			calm[c++] = r->samples[i];
	}
	h->migrated_samples += r->migrated;
	if (calm && c)
		stats_summarize(calm, c, HARNESS_CI_LEVEL, &r->undisturbed);
	free(calm);
}

/*
 * Ramp: double n until one sample takes the goal (it warms up, too); the
 * last doubling gives the linearity T(2n) / 2 T(n). *ticks gets the last
 * sample's ticks. Returns 0, 1 stopped, -1 failed.
 */
int harness_ramp(struct harness *h, struct bench_state *st, struct row_result *r, double goal_s,
		 uint64_t *n, uint64_t *ticks)
{
	double hz = h->cfg.clock->hz;
	uint64_t prev = 0;
	bool confirmed = false;
	int ret;

	for (;;) {
		enum plan_ramp step;

		if (harness_stopping(h))
			return 1;
		step = plan_ramp_step(*n, h->cfg.max_ops, *ticks / hz, goal_s, confirmed);
		if (step == RAMP_DONE)
			break;
		if (step == RAMP_CONFIRM) {
			uint64_t again = harness_ramp_sample(h, st, *n, &ret);

			if (ret)
				return -1;
			*ticks = again < *ticks ? again : *ticks;
			confirmed = true;
			continue;
		}
		prev = *ticks;
		*n *= 2;
		confirmed = false;
		*ticks = harness_ramp_sample(h, st, *n, &ret);
		if (ret)
			return -1;
	}
	if (prev) {	/* a first figure; harness_linearity() takes it again from medians */
		r->linearity = plan_linearity((double)prev, (double)*ticks,
					      st->own_ticks ? 0 : h->overhead_ticks);
		r->linearity_n = *n / 2;
	}
	return 0;
}

#define LINEARITY_HALF_SAMPLES 3

/*
 * lmbench's check, from medians: T(n) is the median of the row's samples
 * (overhead off, baseline still in: the whole run() call), T(n/2) the median
 * of a few samples of n/2 ops taken now, when the share still holds them.
 * One preempted ramp sample would otherwise decide the figure.
 */
void harness_linearity(struct harness *h, struct bench_state *st, struct row_result *r,
		       double left_s, double sample_s)
{
	uint64_t half = r->ops_per_sample / 2;
	double t[LINEARITY_HALF_SAMPLES], overhead;
	int ret;

	if (half < 1 || left_s < LINEARITY_HALF_SAMPLES * sample_s / 2 || !r->nsamples)
		return;
	for (int i = 0; i < LINEARITY_HALF_SAMPLES; i++) {
		uint64_t raw = harness_ramp_sample(h, st, half, &ret);

		if (ret)
			return;
		overhead = st->own_ticks ? 0 : r->overhead_ticks;
		t[i] = (double)raw - overhead;
	}
	r->linearity = plan_linearity(harness_median(t, LINEARITY_HALF_SAMPLES),
				      harness_median(r->samples, r->nsamples) * (double)r->ops_per_sample,
				      0);
	r->linearity_n = half;
}
