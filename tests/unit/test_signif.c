// SPDX-License-Identifier: GPL-2.0
/*
 * Mann-Whitney U and geometric mean against reference values computed
 * independently (pair counting, enumeration of every split for exact p,
 * textbook tie-corrected normal formula) in Python.
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
