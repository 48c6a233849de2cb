/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Significance of a difference between two sets of timing samples:
 * the Mann-Whitney U test (no assumption of normality, which timings
 * lack), and the geometric mean used to summarise ratios. For results
 * replicated across boots: Welch's t test (on per-boot figures), Holm's
 * correction for many tests, the Hodges-Lehmann shift with Moses'
 * interval, and a hierarchical (boots, then samples) bootstrap.
 */
#ifndef VMPROBE_SIGNIF_H
#define VMPROBE_SIGNIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Up to this size per sample, with no ties, p comes from the exact distribution of U. */
#define SIGNIF_EXACT_MAX 30

enum mwu_method { MWU_EXACT, MWU_NORMAL };

struct mwu_result {
	size_t n1, n2;
	double u1;		/* R1 - n1(n1+1)/2 with mid-ranks: pairs a > b, ties counting half */
	double u2;		/* n1 n2 - u1 */
	double z;		/* normal approximation only (continuity corrected), else 0 */
	double p;		/* two-sided */
	bool ties;		/* some value occurs in both or twice */
	enum mwu_method method;
};

/*
 * Two-sided Mann-Whitney U test of a[0..n1) against b[0..n2). Exact
 * distribution when both sizes are <= SIGNIF_EXACT_MAX and there are no
 * ties; otherwise the normal approximation with tie correction and
 * continuity correction. Returns 0, or -1 when a sample is empty or holds
 * a value that is not finite.
 */
int signif_mann_whitney(const double *a, size_t n1, const double *b, size_t n2,
			struct mwu_result *out);

/* The smallest two-sided p the test can give for these sizes: 2 / C(n1+n2, n1), at most 1. */
double signif_min_p(size_t n1, size_t n2);

/* Geometric mean of x[0..n). Returns 0, or -1 when n is 0 or a value is not finite and > 0. */
int signif_geomean(const double *x, size_t n, double *out);

const char *signif_method_name(enum mwu_method m);

/*
 * Holm's step-down adjustment of p[0..m) (a family of m tests): the k-th
 * smallest p (k from 0) is scaled by m - k, capped at 1, and made no
 * smaller than the one before. Controls the family-wise error rate under
 * any dependence. Returns 0, or -1 when a p is outside [0, 1].
 */
int signif_holm(const double *p, size_t m, double *adjusted);

/*
 * The fewest repetitions per side (n against n) with which the exact U test
 * can give p < alpha at all: 4 at alpha 0.05 (2/C(8,4) = 0.029, while 3
 * against 3 cannot go below 0.1). 0 for an alpha outside (0, 1].
 */
size_t signif_min_reps(double alpha);

/* Two-sided p of Student's t with df degrees of freedom (df > 0, not an integer necessarily). */
double signif_t_two_sided(double t, double df);

struct welch_result {
	size_t n1, n2;
	double difference;	/* mean(b) - mean(a) */
	double t, df, p;	/* p two-sided; with no spread on either side p is 0 or 1 */
	double se;		/* standard error of the difference; 0 with no spread */
};

/*
 * The t with two-sided p P for df degrees of freedom: signif_t_two_sided's
 * inverse (bisection), so a t interval at level L is mean +- t(1 - L) se.
 * NAN for p outside (0, 1] or df <= 0.
 */
double signif_t_quantile(double p, double df);

/*
 * Benjamini-Hochberg step-up adjustment of p[0..m): the k-th smallest (k
 * from 1) becomes min over j >= k of m p(j) / j, capped at 1. A test with an
 * adjusted p below q is among the discoveries at false-discovery rate q
 * (independent or positively dependent tests). 0, or -1 for a p outside [0, 1].
 */
int signif_bh(const double *p, size_t m, double *adjusted);

/* Welch's unequal-variance t test of b against a; each needs >= 2 finite values. 0 or -1. */
int signif_welch(const double *a, size_t n1, const double *b, size_t n2, struct welch_result *out);

/*
 * Welch's interval for the difference at LEVEL: difference +- t(1 - LEVEL,
 * df) se; the point itself with no spread. What compare's ratios and
 * geomeans show (on logs, exp'd).
 */
void signif_welch_ci(const struct welch_result *w, double level, double *low, double *high);

struct hl_result {
	double shift;		/* Hodges-Lehmann: the median of all b[j] - a[i] */
	double ci_low, ci_high;	/* Moses' distribution-free interval for the shift */
	double coverage;	/* its real coverage (exact, or normal approximation) */
	enum mwu_method method;
};

/*
 * Hodges-Lehmann shift of b against a and Moses' interval at LEVEL: the
 * order statistics d(k), d(n1 n2 + 1 - k) of the pairwise differences, k
 * from the null distribution of U (exact up to SIGNIF_EXACT_MAX, ties not
 * corrected). With too few values for LEVEL the interval is [min, max]
 * and coverage says what it covers (3 against 3: 0.9). 0, or -1.
 */
int signif_hodges_lehmann(const double *a, size_t n1, const double *b, size_t n2, double level,
			  struct hl_result *out);

/* A seeded generator (splitmix64), so that resampled figures are reproducible. */
struct signif_rng {
	uint64_t state;
};
uint64_t signif_rng_next(struct signif_rng *r);
size_t signif_rng_below(struct signif_rng *r, size_t n);	/* uniform in [0, n), n > 0 */

/* Median of x[0..n) (sorts x in place); NAN when n is 0. */
double signif_median(double *x, size_t n);

/* Samples grouped by boot: values[k][0..sizes[k]) for k < count. */
struct signif_clusters {
	const double *const *values;
	const size_t *sizes;
	size_t count;
};

/* The median of the per-boot medians (the plain median with one boot). 0, or -1 if empty. */
int signif_cluster_median(const struct signif_clusters *c, double *out);

/*
 * One hierarchical bootstrap replicate of signif_cluster_median: COUNT
 * boots drawn with replacement, then each drawn boot's samples drawn with
 * replacement. 0, or -1.
 */
int signif_cluster_resample(const struct signif_clusters *c, struct signif_rng *rng, double *out);

/* Percentile interval at LEVEL of replicates[0..n) (sorted in place); conservative order statistics. */
void signif_percentile_ci(double *replicates, size_t n, double level, double *low, double *high);

#endif /* VMPROBE_SIGNIF_H */
