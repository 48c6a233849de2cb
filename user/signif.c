// SPDX-License-Identifier: GPL-2.0
/* Mann-Whitney U (exact and normal approximation) and the geometric mean. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "signif.h"

struct tagged {
	double value;
	int sample;	/* 0: a, 1: b */
};

static int by_value(const void *l, const void *r)
{
	double x = ((const struct tagged *)l)->value, y = ((const struct tagged *)r)->value;

	return (x > y) - (x < y);
}

/*
 * Exact P(U <= u) and P(U >= u) under H0 by counting arrangements:
 * count(i, j, u) = count(i-1, j, u-j) + count(i, j-1, u) (the largest
 * element is either from a, beating all j of b, or from b). Counts are
 * kept in doubles: only additions of positive numbers, so relative error
 * stays at rounding level even past 2^53.
 */
static int exact_tails(size_t n1, size_t n2, double u, double *lower, double *upper)
{
	size_t width = n1 * n2 + 1;
	/* prev[i] / cur[i]: the distribution for (i, j-1) / (i, j), each width long. */
	double *prev = calloc((n1 + 1) * width, sizeof(double));
	double *cur = calloc((n1 + 1) * width, sizeof(double));
	double total = 0, below = 0, above = 0;

	if (!prev || !cur) {
		free(prev);
		free(cur);
		return -1;
	}
	for (size_t i = 0; i <= n1; i++)
		prev[i * width] = 1;	/* j = 0: U is 0 */
	for (size_t j = 1; j <= n2; j++) {
		memset(cur, 0, (n1 + 1) * width * sizeof(double));
		cur[0] = 1;		/* i = 0: U is 0 */
		for (size_t i = 1; i <= n1; i++)
			for (size_t k = 0; k <= i * j; k++)
				cur[i * width + k] = (k >= j ? cur[(i - 1) * width + k - j] : 0) +
						     prev[i * width + k];
		double *swap = prev;
		prev = cur;
		cur = swap;
	}
	for (size_t k = 0; k < width; k++) {
		double c = prev[n1 * width + k];

		total += c;
		if ((double)k <= u)
			below += c;
		if ((double)k >= u)
			above += c;
	}
	free(prev);
	free(cur);
	*lower = below / total;
	*upper = above / total;
	return 0;
}

int signif_mann_whitney(const double *a, size_t n1, const double *b, size_t n2,
			struct mwu_result *out)
{
	size_t n = n1 + n2;
	struct tagged *all;
	double rank_sum_a = 0, tie_term = 0;

	memset(out, 0, sizeof(*out));
	if (n1 == 0 || n2 == 0)
		return -1;
	for (size_t i = 0; i < n1; i++)
		if (!isfinite(a[i]))
			return -1;
	for (size_t i = 0; i < n2; i++)
		if (!isfinite(b[i]))
			return -1;
	all = malloc(n * sizeof(*all));
	if (!all)
		return -1;
	for (size_t i = 0; i < n1; i++)
		all[i] = (struct tagged){ a[i], 0 };
	for (size_t i = 0; i < n2; i++)
		all[n1 + i] = (struct tagged){ b[i], 1 };
	qsort(all, n, sizeof(*all), by_value);

	/* Mid-ranks over each run of equal values; t^3 - t per run for the variance. */
	for (size_t start = 0; start < n;) {
		size_t end = start + 1;

		while (end < n && all[end].value == all[start].value)
			end++;
		double t = (double)(end - start);
		double mid_rank = (double)(start + 1 + end) / 2.0;

		for (size_t k = start; k < end; k++)
			if (all[k].sample == 0)
				rank_sum_a += mid_rank;
		tie_term += t * t * t - t;
		start = end;
	}
	free(all);

	out->n1 = n1;
	out->n2 = n2;
	out->u1 = rank_sum_a - (double)n1 * (double)(n1 + 1) / 2.0;
	out->u2 = (double)n1 * (double)n2 - out->u1;
	out->ties = tie_term > 0;

	if (!out->ties && n1 <= SIGNIF_EXACT_MAX && n2 <= SIGNIF_EXACT_MAX) {
		double lower, upper;

		if (exact_tails(n1, n2, out->u1, &lower, &upper))
			return -1;
		out->method = MWU_EXACT;
		out->p = fmin(1.0, 2.0 * fmin(lower, upper));
		return 0;
	}

	double mean = (double)n1 * (double)n2 / 2.0;
	double nn = (double)n;
	double variance = (double)n1 * (double)n2 / 12.0 * ((nn + 1) - tie_term / (nn * (nn - 1)));

	out->method = MWU_NORMAL;
	if (variance <= 0) {	/* every value equal: no evidence of a difference */
		out->p = 1.0;
		return 0;
	}
	double distance = fmax(0.0, fabs(out->u1 - mean) - 0.5);

	out->z = (out->u1 > mean ? distance : -distance) / sqrt(variance);
	out->p = fmin(1.0, erfc(fabs(out->z) / sqrt(2.0)));
	return 0;
}

double signif_min_p(size_t n1, size_t n2)
{
	/* C(n1+n2, n1) built as a product, in log space to stay finite. */
	double log_choose = lgamma((double)(n1 + n2 + 1)) - lgamma((double)(n1 + 1)) -
			    lgamma((double)(n2 + 1));

	if (n1 == 0 || n2 == 0)
		return 1.0;
	return fmin(1.0, 2.0 * exp(-log_choose));
}

int signif_geomean(const double *x, size_t n, double *out)
{
	double log_sum = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]) || x[i] <= 0)
			return -1;
		log_sum += log(x[i]);
	}
	*out = exp(log_sum / (double)n);
	return 0;
}

const char *signif_method_name(enum mwu_method m)
{
	return m == MWU_EXACT ? "exact" : "normal";
}
