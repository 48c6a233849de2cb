// SPDX-License-Identifier: GPL-2.0
/*
 * Mann-Whitney U and geometric mean against reference values computed
 * independently (pair counting, enumeration of every split for exact p,
 * textbook tie-corrected normal formula) in Python. Welch's p: Simpson
 * integration of Student's t density; Hodges-Lehmann and Moses' interval:
 * all pairwise differences and the U distribution by enumerating every
 * split (the script is quoted in the commit that added these tests).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "signif.h"

#include "assert_near.h"

#define N(x) (sizeof(x) / sizeof((x)[0]))

static void exact_fully_separated(void **state)
{
	double a[] = { 1, 2, 3, 4, 5 }, b[] = { 6, 7, 8, 9, 10 };
	struct mwu_result r;

	assert_int_equal(signif_mann_whitney(a, N(a), b, N(b), &r), 0);
	assert_int_equal(r.method, MWU_EXACT);
	assert_false(r.ties);
	assert_double_equal(r.u1, 0.0, 1e-12);
	assert_double_equal(r.u2, 25.0, 1e-12);
	assert_double_equal(r.p, 2.0 / 252.0, 1e-12);
	/* Swapping the samples mirrors U and keeps p. */
	assert_int_equal(signif_mann_whitney(b, N(b), a, N(a), &r), 0);
	assert_double_equal(r.u1, 25.0, 1e-12);
	assert_double_equal(r.p, 2.0 / 252.0, 1e-12);
}

static void exact_mixed_unequal_sizes(void **state)
{
	double a[] = { 1.1, 2.2, 3.3, 4.4, 10.0 }, b[] = { 5, 6, 7, 8, 9, 0.5 };
	double c[] = { 10, 11, 12, 13, 14, 15, 16, 17 };
	double d[] = { 12.5, 13.5, 18, 19, 20, 21, 22, 23, 24 };
	struct mwu_result r;

	assert_int_equal(signif_mann_whitney(a, N(a), b, N(b), &r), 0);
	assert_int_equal(r.method, MWU_EXACT);
	assert_double_equal(r.u1, 10.0, 1e-12);
	assert_double_equal(r.p, 0.42857142857142855, 1e-12);

	assert_int_equal(signif_mann_whitney(c, N(c), d, N(d), &r), 0);
	assert_int_equal(r.method, MWU_EXACT);
	assert_double_equal(r.u1, 9.0, 1e-12);
	assert_double_equal(r.p, 0.007897984368572603, 1e-12);
}

static void normal_with_ties(void **state)
{
	double a[] = { 1, 2, 2, 3, 3, 3, 4, 5 }, b[] = { 3, 4, 4, 5, 5, 6, 7 };
	struct mwu_result r;

	assert_int_equal(signif_mann_whitney(a, N(a), b, N(b), &r), 0);
	assert_true(r.ties);
	assert_int_equal(r.method, MWU_NORMAL);
	assert_double_equal(r.u1, 7.5, 1e-12);
	assert_double_equal(fabs(r.z), 2.3548432020984964, 1e-9);
	assert_true(r.z < 0);
	assert_double_equal(r.p, 0.01853052299101758, 1e-9);
}

static void normal_for_large_samples(void **state)
{
	double a[40], b[40];
	struct mwu_result r;

	for (int i = 0; i < 40; i++) {
		a[i] = 100 + (i * 37) % 41;
		b[i] = 105.5 + (i * 29) % 43;
	}
	assert_int_equal(signif_mann_whitney(a, 40, b, 40, &r), 0);
	assert_false(r.ties);
	assert_int_equal(r.method, MWU_NORMAL);
	assert_double_equal(r.u1, 602.0, 1e-9);
	assert_double_equal(r.p, 0.05737479395674427, 1e-9);
}

static void all_equal_gives_p_one(void **state)
{
	double a[] = { 7, 7, 7 }, b[] = { 7, 7, 7, 7 };
	struct mwu_result r;

	assert_int_equal(signif_mann_whitney(a, N(a), b, N(b), &r), 0);
	assert_double_equal(r.p, 1.0, 0);
	assert_double_equal(r.u1, 6.0, 1e-12);
}

static void bad_input_is_refused(void **state)
{
	double a[] = { 1, 2 }, b[] = { 3, NAN }, c[] = { INFINITY };
	struct mwu_result r;

	assert_int_equal(signif_mann_whitney(a, 0, a, 2, &r), -1);
	assert_int_equal(signif_mann_whitney(a, 2, a, 0, &r), -1);
	assert_int_equal(signif_mann_whitney(a, 2, b, 2, &r), -1);
	assert_int_equal(signif_mann_whitney(c, 1, a, 2, &r), -1);
}

static void min_p_for_small_sizes(void **state)
{
	assert_double_equal(signif_min_p(3, 3), 0.1, 1e-12);
	assert_double_equal(signif_min_p(4, 4), 2.0 / 70.0, 1e-12);
	assert_double_equal(signif_min_p(1, 1), 1.0, 1e-12);
	assert_double_equal(signif_min_p(0, 5), 1.0, 0);
	assert_true(signif_min_p(15, 15) < 1e-7);
}

static void geomean_known_and_refused(void **state)
{
	double x[] = { 1.5, 2.0, 4.0, 0.5 }, zero[] = { 1.0, 0.0 }, neg[] = { -2.0 };
	double g = 0;

	assert_int_equal(signif_geomean(x, N(x), &g), 0);
	assert_double_equal(g, 1.565084580073287, 1e-12);
	assert_int_equal(signif_geomean(x, 0, &g), -1);
	assert_int_equal(signif_geomean(zero, N(zero), &g), -1);
	assert_int_equal(signif_geomean(neg, N(neg), &g), -1);
}

static void holm_by_hand(void **state)
{
	/* Sorted 0.005, 0.01, 0.03, 0.04 scaled by 4, 3, 2, 1: 0.02, 0.03, 0.06, 0.04 -> max so far. */
	double p[] = { 0.01, 0.04, 0.03, 0.005 }, adj[4];
	double tied[] = { 0.02, 0.02 }, adj2[2];
	double big[] = { 0.6, 0.7 }, adj3[2];

	assert_int_equal(signif_holm(p, N(p), adj), 0);
	assert_double_equal(adj[0], 0.03, 1e-15);
	assert_double_equal(adj[1], 0.06, 1e-15);
	assert_double_equal(adj[2], 0.06, 1e-15);
	assert_double_equal(adj[3], 0.02, 1e-15);
	assert_int_equal(signif_holm(tied, 2, adj2), 0);
	assert_double_equal(adj2[0], 0.04, 1e-15);
	assert_double_equal(adj2[1], 0.04, 1e-15);
	assert_int_equal(signif_holm(big, 2, adj3), 0);	/* capped at 1 */
	assert_double_equal(adj3[0], 1.0, 0);
	assert_double_equal(adj3[1], 1.0, 0);
	assert_int_equal(signif_holm(p, 0, adj), 0);
	p[0] = 1.5;
	assert_int_equal(signif_holm(p, N(p), adj), -1);
	p[0] = NAN;
	assert_int_equal(signif_holm(p, N(p), adj), -1);
}

static void min_reps_reach_alpha(void **state)
{
	assert_int_equal(signif_min_reps(0.05), 4);	/* 3 v 3: 0.1; 4 v 4: 0.029 */
	assert_int_equal(signif_min_reps(0.09), 4);
	assert_int_equal(signif_min_reps(0.11), 3);
	assert_int_equal(signif_min_reps(0.01), 5);	/* 2/C(10,5) = 0.0079 */
	assert_int_equal(signif_min_reps(0), 0);
	assert_true(signif_min_p(signif_min_reps(0.001), signif_min_reps(0.001)) < 0.001);
	assert_true(signif_min_p(signif_min_reps(0.001) - 1, signif_min_reps(0.001) - 1) >= 0.001);
}

static void bh_by_hand(void **state)
{
	/* m = 4: sorted 0.01, 0.02, 0.03, 0.5 -> 4 x 0.01/1 = 0.04, 4 x 0.02/2 = 0.04, 4 x 0.03/3 = 0.04, 0.5. */
	double p[] = { 0.03, 0.5, 0.01, 0.02 }, adj[4];

	assert_int_equal(signif_bh(p, N(p), adj), 0);
	assert_double_equal(adj[0], 0.04, 1e-15);
	assert_double_equal(adj[1], 0.5, 1e-15);
	assert_double_equal(adj[2], 0.04, 1e-15);
	assert_double_equal(adj[3], 0.04, 1e-15);
	/* Step-up: a larger p lowers a smaller one's figure (0.04 x 2/1 = 0.08 -> min with 0.045 x 2/2). */
	double q[] = { 0.04, 0.045 }, adj2[2];

	assert_int_equal(signif_bh(q, 2, adj2), 0);
	assert_double_equal(adj2[0], 0.045, 1e-15);
	assert_double_equal(adj2[1], 0.045, 1e-15);
	double big[] = { 0.9, 0.8 }, adj3[2];

	assert_int_equal(signif_bh(big, 2, adj3), 0);
	assert_double_equal(adj3[0], 0.9, 1e-15);
	assert_double_equal(adj3[1], 0.9, 1e-15);	/* min(1.6, 0.9) */
	p[1] = 1.5;
	assert_int_equal(signif_bh(p, N(p), adj), -1);
}

static void t_quantile_and_welch_interval(void **state)
{
	struct welch_result w = { 0 };
	double lo, hi;

	/* Table values of Student's t (two-sided 5% and 1%). */
	assert_double_equal(signif_t_quantile(0.05, 2), 4.302652729911275, 1e-9);
	assert_double_equal(signif_t_quantile(0.05, 10), 2.228138851986274, 1e-9);
	assert_double_equal(signif_t_quantile(0.01, 4), 4.604094871415897, 1e-9);
	assert_double_equal(signif_t_quantile(1, 3), 0, 1e-9);
	assert_true(isnan(signif_t_quantile(0, 3)) && isnan(signif_t_quantile(0.05, 0)));
	/* Inverse of the tail, at a df that is not an integer. */
	assert_double_equal(signif_t_two_sided(signif_t_quantile(0.0375, 3.2876), 3.2876), 0.0375, 1e-12);
	w.difference = 1;
	w.se = 0.5;
	w.df = 2;
	signif_welch_ci(&w, 0.95, &lo, &hi);
	assert_double_equal(lo, 1 - 0.5 * 4.302652729911275, 1e-9);
	assert_double_equal(hi, 1 + 0.5 * 4.302652729911275, 1e-9);
	w.se = 0;	/* no spread: the point */
	signif_welch_ci(&w, 0.95, &lo, &hi);
	assert_double_equal(lo, 1, 0);
	assert_double_equal(hi, 1, 0);
}

static void student_t_tail(void **state)
{
	assert_double_equal(signif_t_two_sided(2.0, 5), 0.10193947882985903, 1e-9);
	assert_double_equal(signif_t_two_sided(-2.0, 5), 0.10193947882985903, 1e-9);
	/* df 1 is Cauchy: 1 - 2 atan(t) / pi. */
	assert_double_equal(signif_t_two_sided(0.3, 1), 1 - 2 * atan(0.3) / M_PI, 1e-12);
	assert_double_equal(signif_t_two_sided(12, 30.5), 4.3989708151528219e-13, 1e-18);
	assert_double_equal(signif_t_two_sided(0, 4), 1.0, 1e-15);
	assert_true(isnan(signif_t_two_sided(1, 0)));
}

static void welch_against_reference(void **state)
{
	double a[] = { 1, 2, 3 }, b[] = { 4, 5.5, 7 };
	double c[] = { 10.1, 10.3, 9.9, 10.2 }, d[] = { 10.6, 11.4, 10.9 };
	double e[] = { 0.5, 0.7 }, f[] = { 0.4, 0.9, 1.3, 0.2, 0.6 };
	double same[] = { 2, 2, 2 }, other[] = { 3, 3 };
	struct welch_result w;

	assert_int_equal(signif_welch(a, 3, b, 3, &w), 0);
	assert_double_equal(w.t, 3.3626912299068299, 1e-12);
	assert_double_equal(w.df, 3.484536082474226, 1e-12);
	assert_double_equal(w.p, 0.034842917461085358, 1e-9);
	assert_int_equal(signif_welch(c, 4, d, 3, &w), 0);
	assert_double_equal(w.t, 3.3874312780729632, 1e-12);
	assert_double_equal(w.df, 2.5412005671971003, 1e-12);
	assert_double_equal(w.p, 0.054843252720978557, 1e-9);
	assert_int_equal(signif_welch(e, 2, f, 5, &w), 0);
	assert_double_equal(w.t, 0.36745216973970063, 1e-12);
	assert_double_equal(w.p, 0.72833325070035737, 1e-9);
	/* No spread: a deterministic measure is certainly different, or equal. */
	assert_int_equal(signif_welch(same, 3, other, 2, &w), 0);
	assert_double_equal(w.p, 0.0, 0);
	assert_int_equal(signif_welch(same, 3, same, 2, &w), 0);
	assert_double_equal(w.p, 1.0, 0);
	assert_int_equal(signif_welch(a, 1, b, 3, &w), -1);
}

static void hodges_lehmann_and_moses(void **state)
{
	double a[] = { 1, 2, 3 }, b[] = { 4, 5.5, 7 };
	double c[] = { 1.1, 2.2, 3.3, 4.4, 10.0 }, d[] = { 5, 6, 7, 8, 9, 0.5 };
	double e[] = { 3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.6 };
	double f[] = { 6.0, 5.3, 5.8, 9.7, 9.3, 2.3, 8.4, 6.2 };
	struct hl_result h;

	/* 3 against 3 cannot reach 95%: the widest interval, covering 90%. */
	assert_int_equal(signif_hodges_lehmann(a, 3, b, 3, 0.95, &h), 0);
	assert_double_equal(h.shift, 3.5, 1e-12);
	assert_double_equal(h.ci_low, 1, 1e-12);
	assert_double_equal(h.ci_high, 6, 1e-12);
	assert_double_equal(h.coverage, 0.9, 1e-12);
	assert_int_equal(signif_hodges_lehmann(c, 5, d, 6, 0.95, &h), 0);
	assert_double_equal(h.shift, 2.75, 1e-12);
	assert_double_equal(h.ci_low, -3.9, 1e-12);
	assert_double_equal(h.ci_high, 5.9, 1e-12);
	assert_double_equal(h.coverage, 0.96969696969696972, 1e-12);
	assert_int_equal(signif_hodges_lehmann(e, 7, f, 8, 0.9, &h), 0);
	assert_double_equal(h.shift, 3.3, 1e-12);
	assert_double_equal(h.ci_low, 0.8, 1e-12);
	assert_double_equal(h.ci_high, 5.3, 1e-12);
	assert_double_equal(h.coverage, 0.90613830613830615, 1e-12);
	assert_int_equal(h.method, MWU_EXACT);
	assert_int_equal(signif_hodges_lehmann(a, 0, b, 3, 0.95, &h), -1);
	assert_int_equal(signif_hodges_lehmann(a, 3, b, 3, 1.0, &h), -1);
}

static void hodges_lehmann_normal_interval(void **state)
{
	/* 40 against 40, b = a + 10 exactly: every CI is a band around 10 of known ranks. */
	double a[40], b[40];
	struct hl_result h;

	for (int i = 0; i < 40; i++) {
		a[i] = i;
		b[i] = i + 10;
	}
	assert_int_equal(signif_hodges_lehmann(a, 40, b, 40, 0.95, &h), 0);
	assert_int_equal(h.method, MWU_NORMAL);
	assert_double_equal(h.shift, 10, 1e-12);
	/* k - 1 = floor(800 - 1.959964 * sqrt(1600 * 81 / 12) - 0.5) = 595; d(596) and d(1005). */
	assert_double_equal(h.ci_low, 5, 1e-12);
	assert_double_equal(h.ci_high, 15, 1e-12);
	assert_true(h.coverage >= 0.95 && h.coverage < 0.952);
}

static void clusters_and_bootstrap(void **state)
{
	const double b1[] = { 3, 1, 2 }, b2[] = { 10 }, b3[] = { 5, 4 };
	const double *values[] = { b1, b2, b3 };
	const size_t sizes[] = { 3, 1, 2 };
	struct signif_clusters c = { values, sizes, 3 };
	const double k1[] = { 7, 7, 7 }, k2[] = { 7, 7 };
	const double *kv[] = { k1, k2 };
	const size_t ks[] = { 3, 2 };
	struct signif_clusters constant = { kv, ks, 2 };
	struct signif_rng rng = { 42 }, again = { 42 }, other = { 7 };
	double m, r, s, reps[100];
	size_t hits[3] = { 0 };

	assert_int_equal(signif_cluster_median(&c, &m), 0);
	assert_double_equal(m, 4.5, 0);	/* medians 2, 10, 4.5 */
	for (int i = 0; i < 200; i++) {
		/* Every replicate is the median of three medians drawn from these boots. */
		assert_int_equal(signif_cluster_resample(&c, &rng, &r), 0);
		assert_int_equal(signif_cluster_resample(&c, &again, &s), 0);
		assert_double_equal(r, s, 0);	/* same seed, same replicate */
		assert_true(r >= 1 && r <= 10);
		assert_int_equal(signif_cluster_resample(&constant, &other, &r), 0);
		assert_double_equal(r, 7, 0);
	}
	for (int i = 0; i < 30000; i++)
		hits[signif_rng_below(&rng, 3)]++;
	for (int i = 0; i < 3; i++)	/* 10000 each; 5 sd of Bin(30000, 1/3) is about 408 */
		assert_true(hits[i] > 9592 && hits[i] < 10408);
	for (int i = 0; i < 100; i++)
		reps[i] = 100 - i;
	signif_percentile_ci(reps, 100, 0.9, &r, &s);
	assert_double_equal(r, 6, 0);
	assert_double_equal(s, 95, 0);
	c.count = 0;
	assert_int_equal(signif_cluster_median(&c, &m), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exact_fully_separated),
		cmocka_unit_test(exact_mixed_unequal_sizes),
		cmocka_unit_test(normal_with_ties),
		cmocka_unit_test(normal_for_large_samples),
		cmocka_unit_test(all_equal_gives_p_one),
		cmocka_unit_test(bad_input_is_refused),
		cmocka_unit_test(min_p_for_small_sizes),
		cmocka_unit_test(geomean_known_and_refused),
		cmocka_unit_test(holm_by_hand),
		cmocka_unit_test(bh_by_hand),
		cmocka_unit_test(t_quantile_and_welch_interval),
		cmocka_unit_test(min_reps_reach_alpha),
		cmocka_unit_test(student_t_tail),
		cmocka_unit_test(welch_against_reference),
		cmocka_unit_test(hodges_lehmann_and_moses),
		cmocka_unit_test(hodges_lehmann_normal_interval),
		cmocka_unit_test(clusters_and_bootstrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
