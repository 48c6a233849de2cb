// SPDX-License-Identifier: GPL-2.0
/* The harness's shared state and the timed call (harness_state.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness_state.h"

double monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

const char *row_status_name(enum row_status s)
{
	switch (s) {
	case ROW_OK:		return "ok";
	case ROW_SKIPPED:	return "skipped";
	default:		return "failed";
	}
}

/* The empty region: what timing a call costs when the call does nothing. */
int harness_null_run(struct bench_state *st, uint64_t n)
{
	return 0;
}

/*
 * noipa: the compiler must neither inline this nor specialise it for one
 * fn, so the empty call and a benchmark's call pay the same bracket.
 */
__attribute__((noipa)) uint64_t harness_timed_call(run_fn fn, struct bench_state *st,
						 uint64_t n, int *ret)
{
	uint64_t t0, t1;

	t0 = tsc_begin();
	*ret = fn(st, n);
	t1 = tsc_end();
	return t1 - t0;
}

/* One sample: counters (if any) enabled just outside the TSC bracket. */
uint64_t harness_take_sample(struct harness *h, run_fn fn, struct bench_state *st, uint64_t n,
			     int *ret, struct counter_values *cv)
{
	struct counter_set *set = h->cfg.counters;
	bool counting = cv && set && counters_any_open(set);
	uint64_t ticks;

	if (counting) {
		counters_reset(set);
		counters_enable();
	}
	ticks = harness_timed_call(fn, st, n, ret);
	if (st->bench && fn == st->bench->run)
		h->ops_run += n;
	if (counting) {
		counters_disable();
		counters_read(set, cv);
	} else if (cv) {
		memset(cv, 0, sizeof(*cv));
	}
	return ticks;
}

double harness_median(double *x, size_t n)
{
	struct summary s;

	return stats_summarize(x, n, HARNESS_CI_LEVEL, &s) ? 0 : s.median;
}

/*
 * The mean of the samples inside Tukey's fences, widened to at least one
 * TSC step (step ticks) past the quartiles. The TSC may advance in steps
 * of many ticks (21 here, 26 on some AMD hosts), so an empty bracket reads
 * as a mix of two or three values and its median jumps a whole step with
 * the mix; the mean over random phases is the expected cost, and the
 * fences keep an interrupt or a preemption out of it. Unwidened, a mix
 * with over three quarters at one value has IQR 0 and fences that keep
 * only that value: the mean became the mode, a whole step off (seen under
 * load: 42 ticks against 35.6).
 */
double harness_fenced_mean(const double *x, size_t n, double step)
{
	struct summary s;
	double sum = 0, low, high, reach;
	size_t k = 0;

	if (stats_summarize(x, n, HARNESS_CI_LEVEL, &s))
		return 0;
	reach = fmax(1.5 * (s.q3 - s.q1), step);
	low = s.q1 - reach;
	high = s.q3 + reach;
	for (size_t i = 0; i < n; i++)
		if (x[i] >= low && x[i] <= high) {
			sum += x[i];
			k++;
		}
	return k ? sum / k : s.median;
}

bool harness_stopping(const struct harness *h)
{
	return h->cfg.stop && *h->cfg.stop;
}

int harness_row_fail(struct row_result *r, const char *what, const struct bench_state *st)
{
	r->status = ROW_FAILED;
	snprintf(r->reason, sizeof(r->reason), "%s failed%s%s", what, st->msg[0] ? ": " : "",
		 st->msg);
	return 0;
}

/* Counters of one sample, less the empty call's counts, added into the row. */
void harness_add_counts(struct harness *h, struct row_result *r, const struct counter_values *cv,
			double *sum)
{
	struct counter_set *set = h->cfg.counters;

	for (size_t e = 0; set && e < set->n; e++) {
		if (!cv->valid[e])
			continue;
		sum[e] += fmax(0, cv->value[e] - h->overhead_counts[e]);
		r->counter_scaling[e] = r->counter_valid[e]
			? fmin(r->counter_scaling[e], cv->scaling[e]) : cv->scaling[e];
		r->counter_valid[e] = true;
	}
}

void row_result_free(struct row_result *r)
{
	free(r->samples);
	free(r->meta);
	r->samples = NULL;
	r->meta = NULL;
	r->nsamples = 0;
}
