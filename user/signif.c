// SPDX-License-Identifier: GPL-2.0
/* Mann-Whitney U (exact and normal approximation) and the geometric mean. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "signif.h"

struct tagged {
	double value;
	int sample;	/* 0: a, 1: b */
};

/* Whether every value of both samples is finite (the tests take no NaN or infinity). */
static bool all_finite(const double *a, size_t n1, const double *b, size_t n2)
{
	for (size_t i = 0; i < n1; i++)
		if (!isfinite(a[i]))
			return false;
	for (size_t j = 0; j < n2; j++)
		if (!isfinite(b[j]))
			return false;
	return true;
}

static int by_value(const void *l, const void *r)
{
	double x = ((const struct tagged *)l)->value, y = ((const struct tagged *)r)->value;

	return (x > y) - (x < y);
}

/*
 * The exact null distribution of U for sizes n1, n2, by counting
 * arrangements: count(i, j, u) = count(i-1, j, u-j) + count(i, j-1, u)
 * (the largest element is either from a, beating all j of b, or from b).
 * Counts are kept in doubles: only additions of positive numbers, so
 * relative error stays at rounding level even past 2^53. Returns a
 * malloc'd array of n1 n2 + 1 probabilities P(U = k), or NULL.
 */
static double *exact_distribution(size_t n1, size_t n2)
{
	size_t width = n1 * n2 + 1;
	/* prev[i] / cur[i]: the distribution for (i, j-1) / (i, j), each width long. */
	double *prev = calloc((n1 + 1) * width, sizeof(double));
	double *cur = calloc((n1 + 1) * width, sizeof(double));
	double *dist = malloc(width * sizeof(double)), total = 0;

	if (!prev || !cur || !dist) {
		free(prev);
		free(cur);
		free(dist);
		return NULL;
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
	for (size_t k = 0; k < width; k++)
		total += prev[n1 * width + k];
	for (size_t k = 0; k < width; k++)
		dist[k] = prev[n1 * width + k] / total;
	free(prev);
	free(cur);
	return dist;
}

/* Exact P(U <= u) and P(U >= u) under H0. */
static int exact_tails(size_t n1, size_t n2, double u, double *lower, double *upper)
{
	double *dist = exact_distribution(n1, n2), below = 0, above = 0;

	if (!dist)
		return -1;
	for (size_t k = 0; k <= n1 * n2; k++) {
		if ((double)k <= u)
			below += dist[k];
		if ((double)k >= u)
			above += dist[k];
	}
	free(dist);
	*lower = below;
	*upper = above;
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
	if (!all_finite(a, n1, b, n2))
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

/* ---- corrections, shifts and replication ---------------------------------- */

struct indexed_p {
	double p;
	size_t index;
};

static int by_p(const void *l, const void *r)
{
	const struct indexed_p *x = l, *y = r;

	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

/*
 * The p values in ascending order with their indices, for the step-down and
 * step-up corrections: 0 and *out set (NULL for m 0), or -1 when a p is
 * outside [0, 1] or memory runs out.
 */
static int sort_p_values(const double *p, size_t m, struct indexed_p **out)
{
	struct indexed_p *sorted;

	*out = NULL;
	for (size_t i = 0; i < m; i++)
		if (!(p[i] >= 0 && p[i] <= 1))
			return -1;
	if (m == 0)
		return 0;
	sorted = malloc(m * sizeof(*sorted));
	if (!sorted)
		return -1;
	for (size_t i = 0; i < m; i++)
		sorted[i] = (struct indexed_p){ p[i], i };
	qsort(sorted, m, sizeof(*sorted), by_p);
	*out = sorted;
	return 0;
}

int signif_holm(const double *p, size_t m, double *adjusted)
{
	struct indexed_p *sorted;
	double running = 0;

	if (sort_p_values(p, m, &sorted))
		return -1;
	if (m == 0)
		return 0;
	/* Step-down: the k-th smallest is scaled by (m - k); a running max keeps the order. */
	for (size_t k = 0; k < m; k++) {
		running = fmax(running, fmin(1.0, (double)(m - k) * sorted[k].p));
		adjusted[sorted[k].index] = running;
	}
	free(sorted);
	return 0;
}

size_t signif_min_reps(double alpha)
{
	size_t n = 1;

	if (!(alpha > 0 && alpha <= 1))
		return 0;
	while (signif_min_p(n, n) >= alpha)
		n++;
	return n;
}

/*
 * Regularised incomplete beta I_x(a, b) by its continued fraction
 * (modified Lentz), using the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where
 * the fraction converges slowly.
 */
static double beta_fraction(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	d = 1 / (fabs(d) < tiny ? tiny : d);
	h = d;
	for (int m = 1; m <= 10000; m++) {
		double m2 = 2.0 * m, step;
		double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));

		d = 1 + num * d;
		d = 1 / (fabs(d) < tiny ? tiny : d);
		c = 1 + num / c;
		c = fabs(c) < tiny ? tiny : c;
		h *= d * c;
		num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + num * d;
		d = 1 / (fabs(d) < tiny ? tiny : d);
		c = 1 + num / c;
		c = fabs(c) < tiny ? tiny : c;
		step = d * c;
		h *= step;
		if (fabs(step - 1) < 1e-15)
			break;
	}
	return h;
}

static double incomplete_beta(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return front * beta_fraction(a, b, x) / a;
	return 1 - front * beta_fraction(b, a, 1 - x) / b;
}

double signif_t_two_sided(double t, double df)
{
	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return 0;
	return incomplete_beta(df / 2, 0.5, df / (df + t * t));
}

double signif_t_quantile(double p, double df)
{
	double lo = 0, hi = 1;

	if (!(p > 0 && p <= 1) || !(df > 0))
		return NAN;
	while (signif_t_two_sided(hi, df) > p && hi < 1e300)
		hi *= 2;
	for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
		double mid = (lo + hi) / 2;

		if (signif_t_two_sided(mid, df) > p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

int signif_bh(const double *p, size_t m, double *adjusted)
{
	struct indexed_p *sorted;
	double running = 1;

	if (sort_p_values(p, m, &sorted))
		return -1;
	if (m == 0)
		return 0;
	/* Step-up: from the largest down, m p(k) / k with a running minimum. */
	for (size_t k = m; k-- > 0;) {
		running = fmin(running, fmin(1.0, (double)m * sorted[k].p / (double)(k + 1)));
		adjusted[sorted[k].index] = running;
	}
	free(sorted);
	return 0;
}

static void mean_var(const double *x, size_t n, double *mean, double *var)
{
	double sum = 0, ss = 0;

	for (size_t i = 0; i < n; i++)
		sum += x[i];
	*mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - *mean) * (x[i] - *mean);
	*var = ss / (double)(n - 1);
}

int signif_welch(const double *a, size_t n1, const double *b, size_t n2, struct welch_result *out)
{
	double m1, v1, m2, v2, s1, s2, se2;

	memset(out, 0, sizeof(*out));
	if (n1 < 2 || n2 < 2)
		return -1;
	if (!all_finite(a, n1, b, n2))
		return -1;
	mean_var(a, n1, &m1, &v1);
	mean_var(b, n2, &m2, &v2);
	s1 = v1 / (double)n1;
	s2 = v2 / (double)n2;
	se2 = s1 + s2;
	out->n1 = n1;
	out->n2 = n2;
	out->difference = m2 - m1;
	if (se2 <= 0) {
		/* No spread on either side (a deterministic measure): equal or certainly not. */
		out->t = m1 == m2 ? 0 : (m2 > m1 ? INFINITY : -INFINITY);
		out->df = (double)(n1 + n2 - 2);
		out->p = m1 == m2 ? 1.0 : 0.0;
		return 0;
	}
	out->se = sqrt(se2);
	out->t = (m2 - m1) / out->se;
	/* Welch-Satterthwaite degrees of freedom. */
	out->df = se2 * se2 / (s1 * s1 / (double)(n1 - 1) + s2 * s2 / (double)(n2 - 1));
	out->p = fmin(1.0, signif_t_two_sided(out->t, out->df));
	return 0;
}

void signif_welch_ci(const struct welch_result *w, double level, double *low, double *high)
{
	double half = w->se > 0 ? signif_t_quantile(1 - level, w->df) * w->se : 0;

	*low = w->difference - half;
	*high = w->difference + half;
}

static int by_double(const void *l, const void *r)
{
	double x = *(const double *)l, y = *(const double *)r;

	return (x > y) - (x < y);
}

int signif_hodges_lehmann(const double *a, size_t n1, const double *b, size_t n2, double level,
			  struct hl_result *out)
{
	size_t m = n1 * n2, k;
	double *d, tail = (1 - level) / 2;

	memset(out, 0, sizeof(*out));
	if (n1 == 0 || n2 == 0 || !(level > 0 && level < 1))
		return -1;
	if (!all_finite(a, n1, b, n2))
		return -1;
	d = malloc(m * sizeof(double));
	if (!d)
		return -1;
	for (size_t i = 0; i < n1; i++)
		for (size_t j = 0; j < n2; j++)
			d[i * n2 + j] = b[j] - a[i];
	qsort(d, m, sizeof(double), by_double);
	out->shift = m % 2 ? d[m / 2] : (d[m / 2 - 1] + d[m / 2]) / 2;
	/*
	 * Moses' interval [d(k), d(m+1-k)] (1-based) covers the shift with
	 * probability 1 - 2 P(U <= k-1); k is the largest with that at least
	 * LEVEL, else 1 (the widest, whose real coverage is then reported).
	 */
	if (n1 <= SIGNIF_EXACT_MAX && n2 <= SIGNIF_EXACT_MAX) {
		double *dist = exact_distribution(n1, n2), cdf = 0;

		if (!dist) {
			free(d);
			return -1;
		}
		k = 1;
		cdf = dist[0];	/* P(U <= k-1) */
		out->coverage = 1 - 2 * cdf;
		while (k < m / 2 + 1 && cdf + dist[k] <= tail) {
			cdf += dist[k];
			k++;
			out->coverage = 1 - 2 * cdf;
		}
		free(dist);
		out->method = MWU_EXACT;
	} else {
		double mean = (double)m / 2;
		double sd = sqrt((double)m * (double)(n1 + n2 + 1) / 12.0);
		/* z for the two-sided level, by bisection on erfc (no quantile function in C11). */
		double lo = 0, hi = 40;

		for (int i = 0; i < 200; i++) {
			double mid = (lo + hi) / 2;

			if (erfc(mid / sqrt(2.0)) > 1 - level)
				lo = mid;
			else
				hi = mid;
		}
		double kk = floor(mean - hi * sd - 0.5) + 1;	/* continuity corrected */

		k = kk < 1 ? 1 : (size_t)kk;
		out->coverage = 1 - erfc(((mean - ((double)k - 1) - 0.5) / sd) / sqrt(2.0));
		out->method = MWU_NORMAL;
	}
	if (k > (m + 1) / 2)
		k = (m + 1) / 2;
	out->ci_low = d[k - 1];
	out->ci_high = d[m - k];
	free(d);
	return 0;
}

/* ---- resampling ------------------------------------------------------------- */

uint64_t signif_rng_next(struct signif_rng *r)
{
	/* splitmix64: small, fast, and the same sequence on every machine. */
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

size_t signif_rng_below(struct signif_rng *r, size_t n)
{
	/* Rejection keeps every index equally likely. */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n, x;

	do
		x = signif_rng_next(r);
	while (x >= limit);
	return (size_t)(x % n);
}

double signif_median(double *x, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(x, n, sizeof(double), by_double);
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

/*
 * The median of the per-cluster medians: of the clusters as they are
 * (rng NULL), or of one hierarchical resample of them (boots with
 * replacement, then samples with replacement within each drawn boot).
 */
static int cluster_median(const struct signif_clusters *c, struct signif_rng *rng, double *out)
{
	double *scratch, *medians;
	size_t most = 0;

	if (c->count == 0)
		return -1;
	for (size_t k = 0; k < c->count; k++) {
		if (c->sizes[k] == 0)
			return -1;
		most = c->sizes[k] > most ? c->sizes[k] : most;
	}
	scratch = malloc(most * sizeof(double));
	medians = malloc(c->count * sizeof(double));
	if (!scratch || !medians) {
		free(scratch);
		free(medians);
		return -1;
	}
	for (size_t k = 0; k < c->count; k++) {
		size_t boot = rng && c->count > 1 ? signif_rng_below(rng, c->count) : k;
		size_t n = c->sizes[boot];

		if (rng) {
			for (size_t i = 0; i < n; i++)
				scratch[i] = c->values[boot][signif_rng_below(rng, n)];
		} else {
			memcpy(scratch, c->values[boot], n * sizeof(double));
		}
		medians[k] = signif_median(scratch, n);
	}
	*out = signif_median(medians, c->count);
	free(scratch);
	free(medians);
	return 0;
}

int signif_cluster_median(const struct signif_clusters *c, double *out)
{
	return cluster_median(c, NULL, out);
}

int signif_cluster_resample(const struct signif_clusters *c, struct signif_rng *rng, double *out)
{
	return cluster_median(c, rng, out);
}

void signif_percentile_ci(double *replicates, size_t n, double level, double *low, double *high)
{
	double tail = (1 - level) / 2;
	size_t lo, hi;

	if (n == 0) {
		*low = *high = NAN;
		return;
	}
	qsort(replicates, n, sizeof(double), by_double);
	/* Order statistics just outside each tail: conservative, no interpolation. */
	/* The 1e-9 keeps 0.05 x 100 at 5 where (1 - 0.9) / 2 rounds below 0.05. */
	lo = (size_t)floor(tail * (double)n + 1e-9);
	hi = (size_t)ceil((1 - tail) * (double)n - 1e-9) - 1;
	if (hi >= n)
		hi = n - 1;
	if (lo > hi)
		lo = hi;
	*low = replicates[lo];
	*high = replicates[hi];
}
