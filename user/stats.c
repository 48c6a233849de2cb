// SPDX-License-Identifier: GPL-2.0
/* Descriptive statistics: order statistics, moments, Tukey fences. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double stats_quantile_sorted(const double *sorted, size_t n, double p)
{
	double h, frac;
	size_t i;

	if (n == 0)
		return NAN;
	if (p <= 0)
		return sorted[0];
	if (p >= 1)
		return sorted[n - 1];
	h = (n - 1) * p;
	i = (size_t)floor(h);
	frac = h - i;
	if (i + 1 >= n)
		return sorted[n - 1];
	return sorted[i] + frac * (sorted[i + 1] - sorted[i]);
}

/* P(Bin(n, 1/2) = k), in log space so large n does not overflow. */
static double binom_half_pmf(size_t n, size_t k)
{
	return exp(lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) + n * log(0.5));
}

size_t stats_median_ci_rank(size_t n, double level, double *coverage)
{
	size_t lo = 1;
	double cdf, cov;

	/* Interval [x(r), x(n+1-r)] misses the median with 2 P(B <= r-1). */
	cdf = n ? binom_half_pmf(n, 0) : 0.5;
	cov = 1 - 2 * cdf;
	for (size_t r = 2; r <= (n + 1) / 2; r++) {
		double c;

		cdf += binom_half_pmf(n, r - 1);
		c = 1 - 2 * cdf;
		if (c < level)
			break;
		lo = r;
		cov = c;
	}
	if (coverage)
		*coverage = cov;
	return lo;
}

int stats_summarize(const double *x, size_t n, double level, struct summary *s)
{
	double *sorted, sum = 0, sq = 0, iqr;
	size_t lo;

	memset(s, 0, sizeof(*s));
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return -1;
	sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		return -1;
	memcpy(sorted, x, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_double);

	s->n = n;
	s->min = sorted[0];
	s->max = sorted[n - 1];
	s->median = stats_quantile_sorted(sorted, n, 0.5);
	s->q1 = stats_quantile_sorted(sorted, n, 0.25);
	s->q3 = stats_quantile_sorted(sorted, n, 0.75);
	for (size_t i = 0; i < n; i++)
		sum += sorted[i];
	s->mean = sum / n;
	for (size_t i = 0; i < n; i++)
		sq += (sorted[i] - s->mean) * (sorted[i] - s->mean);
	s->stddev = n > 1 ? sqrt(sq / (n - 1)) : 0;

	s->ci_level = level;
	lo = stats_median_ci_rank(n, level, &s->ci_coverage);
	s->ci_low = sorted[lo - 1];
	s->ci_high = sorted[n - lo];

	iqr = s->q3 - s->q1;
	s->fence_low = s->q1 - 1.5 * iqr;
	s->fence_high = s->q3 + 1.5 * iqr;
	for (size_t i = 0; i < n; i++)
		s->outliers += stats_is_outlier(s, sorted[i]);
	free(sorted);
	return 0;
}

int stats_is_outlier(const struct summary *s, double x)
{
	return x < s->fence_low || x > s->fence_high;
}

int stats_modes(const double *x, size_t n, struct modes *m)
{
	double *sorted;
	size_t least = (size_t)ceil(0.1 * (double)n), start = 0;

	memset(m, 0, sizeof(*m));
	if (n < 4)
		return 0;
	sorted = malloc(n * sizeof(double));
	if (!sorted)
		return -1;
	memcpy(sorted, x, n * sizeof(double));
	qsort(sorted, n, sizeof(double), cmp_double);
	least = least < 2 ? 2 : least;
	for (size_t i = 1; i <= n; i++) {
		if (i < n && !(sorted[i - 1] > 0 && sorted[i] > STATS_MODE_GAP * sorted[i - 1]))
			continue;
		/* sorted[start..i) is one part. */
		if (i - start >= least && m->count < STATS_MODES_MAX) {
			size_t len = i - start;

			m->median[m->count] = len % 2 ? sorted[start + len / 2]
						      : (sorted[start + len / 2 - 1] + sorted[start + len / 2]) / 2;
			m->share[m->count++] = (double)len / (double)n;
		}
		start = i;
	}
	free(sorted);
	if (m->count < 2)
		m->count = 0;
	return 0;
}
