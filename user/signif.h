/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Significance of a difference between two sets of timing samples:
 * the Mann-Whitney U test (no assumption of normality, which timings
 * lack), and the geometric mean used to summarise ratios.
 */
#ifndef VMPROBE_SIGNIF_H
#define VMPROBE_SIGNIF_H

#include <stdbool.h>
#include <stddef.h>

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

#endif /* VMPROBE_SIGNIF_H */
