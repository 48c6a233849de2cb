/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Descriptive statistics of one benchmark row's samples: no assumption
 * about their distribution (timings are skewed and heavy-tailed).
 */
#ifndef VMPROBE_STATS_H
#define VMPROBE_STATS_H

#include <stddef.h>

struct summary {
	size_t n;
	double min, max, median, mean, stddev;	/* stddev: sample (n - 1) */
	double q1, q3;				/* quartiles, linear interpolation */
	/* Distribution-free CI of the median: order statistics x(lo), x(hi). */
	double ci_low, ci_high;
	double ci_level;	/* asked for, e.g. 0.95 */
	double ci_coverage;	/* exact binomial coverage of [x(lo), x(hi)] */
	size_t outliers;	/* outside Tukey's fences q1 - 1.5 IQR, q3 + 1.5 IQR */
	double fence_low, fence_high;
};

/*
 * Fills *s from x[0..n) (not modified). Returns 0, or -1 when n is 0 or a
 * value is not finite. With too few samples for the level (n < 6 at 0.95)
 * the CI is [min, max] and ci_coverage says what it really covers.
 */
int stats_summarize(const double *x, size_t n, double level, struct summary *s);

/* Quantile p in [0,1] of sorted[0..n), R type 7 (linear interpolation). */
double stats_quantile_sorted(const double *sorted, size_t n, double p);

/*
 * The 1-based rank lo of the lower order statistic of the median's CI:
 * [x(lo), x(n+1-lo)] covers the median with probability
 * 1 - 2 P(Bin(n, 1/2) < lo) >= level, lo as large as possible; 1 if none.
 * *coverage gets that probability.
 */
size_t stats_median_ci_rank(size_t n, double level, double *coverage);

/*
 * Separate modes: sorted samples split where one is more than STATS_MODE_GAP
 * times the one before (a wide gap in the log samples); a part with at least
 * max(2, 10% of n) samples is a mode, a smaller one is left out (outliers).
 * Two or more modes mean the row ran in two states (uml getpid: 6 samples
 * near 17 us, 8 near 56 us in one boot), and the median is in whichever
 * holds the majority.
 */
#define STATS_MODE_GAP 1.5
#define STATS_MODES_MAX 4
struct modes {
	size_t count;				/* modes found; < 2: none to report */
	double median[STATS_MODES_MAX];		/* each mode's median, ascending */
	double share[STATS_MODES_MAX];		/* its samples / n */
};
/* Fills *m from x[0..n) (positive values; not modified). 0, or -1 (memory). */
int stats_modes(const double *x, size_t n, struct modes *m);

/* Whether x lies outside s's Tukey fences. */
int stats_is_outlier(const struct summary *s, double x);

#endif /* VMPROBE_STATS_H */
