// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/stats.c: known samples, known answers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assert_near.h"

#include "stats.h"

#define EPS 1e-9

static void median_odd_count(void **state)
{
	double x[] = { 5, 1, 3 };
	struct summary s;

	assert_int_equal(stats_summarize(x, 3, 0.95, &s), 0);
	assert_double_equal(s.median, 3, EPS);
	assert_double_equal(s.min, 1, EPS);
	assert_double_equal(s.max, 5, EPS);
	/* the input is left alone */
	assert_double_equal(x[0], 5, EPS);
}

static void median_even_count(void **state)
{
	double x[] = { 4, 1, 3, 2 };
	struct summary s;

	assert_int_equal(stats_summarize(x, 4, 0.95, &s), 0);
	assert_double_equal(s.median, 2.5, EPS);
}

static void mean_and_sample_stddev(void **state)
{
	double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	struct summary s;

	assert_int_equal(stats_summarize(x, 8, 0.95, &s), 0);
	assert_double_equal(s.mean, 5, EPS);
	/* sum of squares 32, n - 1 = 7 */
	assert_double_equal(s.stddev, sqrt(32.0 / 7.0), EPS);
}

static void single_sample(void **state)
{
	double x[] = { 42 };
	struct summary s;

	assert_int_equal(stats_summarize(x, 1, 0.95, &s), 0);
	assert_double_equal(s.median, 42, EPS);
	assert_double_equal(s.stddev, 0, EPS);
	assert_double_equal(s.ci_low, 42, EPS);
	assert_double_equal(s.ci_high, 42, EPS);
	assert_int_equal(s.outliers, 0);
}

static void quantiles_type7(void **state)
{
	double sorted[] = { 1, 2, 3, 4 };

	/* R: quantile(1:4, c(.25, .5, .9)) = 1.75 2.5 3.7 */
	assert_double_equal(stats_quantile_sorted(sorted, 4, 0.25), 1.75, EPS);
	assert_double_equal(stats_quantile_sorted(sorted, 4, 0.5), 2.5, EPS);
	assert_double_equal(stats_quantile_sorted(sorted, 4, 0.9), 3.7, EPS);
	assert_double_equal(stats_quantile_sorted(sorted, 4, 0), 1, EPS);
	assert_double_equal(stats_quantile_sorted(sorted, 4, 1), 4, EPS);
}

/* 1..15 in scrambled order: the 95% CI of the median is [x(4), x(12)]. */
static void median_ci_n15(void **state)
{
	double x[15];
	struct summary s;

	for (int i = 0; i < 15; i++)
		x[i] = (double)((i * 7) % 15 + 1);
	assert_int_equal(stats_summarize(x, 15, 0.95, &s), 0);
	assert_double_equal(s.median, 8, EPS);
	assert_double_equal(s.ci_low, 4, EPS);
	assert_double_equal(s.ci_high, 12, EPS);
	/* 1 - 2 * P(Bin(15, 1/2) <= 3) = 1 - 2 * 576 / 32768 */
	assert_double_equal(s.ci_coverage, 1 - 2 * 576.0 / 32768.0, 1e-12);
	assert_double_equal(s.ci_level, 0.95, EPS);
}

/* The textbook ranks: n = 100 gives x(40)..x(61); n = 6 is the first with 95%. */
static void median_ci_ranks(void **state)
{
	double cov;

	assert_int_equal(stats_median_ci_rank(100, 0.95, &cov), 40);
	assert_true(cov >= 0.95 && cov < 0.97);
	assert_int_equal(stats_median_ci_rank(6, 0.95, &cov), 1);
	assert_double_equal(cov, 1 - 2.0 / 64.0, 1e-12);
	/* n = 5 cannot reach 95%: [min, max], and the coverage says so */
	assert_int_equal(stats_median_ci_rank(5, 0.95, &cov), 1);
	assert_double_equal(cov, 1 - 2.0 / 32.0, 1e-12);
	assert_true(cov < 0.95);
	/* a lower level narrows the interval */
	assert_true(stats_median_ci_rank(100, 0.80, NULL) > 40);
	/* large n stays finite (log-space binomial) */
	assert_true(stats_median_ci_rank(100000, 0.95, &cov) > 49000);
	assert_true(cov >= 0.95 && cov < 1);
}

static void tukey_outliers(void **state)
{
	double x[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 100 };
	struct summary s;

	assert_int_equal(stats_summarize(x, 10, 0.95, &s), 0);
	assert_double_equal(s.q1, 3.25, EPS);
	assert_double_equal(s.q3, 7.75, EPS);
	assert_double_equal(s.fence_low, 3.25 - 1.5 * 4.5, EPS);
	assert_double_equal(s.fence_high, 7.75 + 1.5 * 4.5, EPS);
	assert_int_equal(s.outliers, 1);
	assert_true(stats_is_outlier(&s, 100));
	assert_false(stats_is_outlier(&s, 14));
}

static void outliers_on_both_sides(void **state)
{
	double x[] = { -50, 10, 10, 11, 11, 12, 12, 13, 13, 90 };
	struct summary s;

	assert_int_equal(stats_summarize(x, 10, 0.95, &s), 0);
	assert_int_equal(s.outliers, 2);
}

static void constant_sample_has_no_outliers(void **state)
{
	double x[] = { 7, 7, 7, 7, 7, 7, 7 };
	struct summary s;

	assert_int_equal(stats_summarize(x, 7, 0.95, &s), 0);
	assert_int_equal(s.outliers, 0);
	assert_double_equal(s.stddev, 0, EPS);
	assert_double_equal(s.ci_low, 7, EPS);
	assert_double_equal(s.ci_high, 7, EPS);
}

static void bad_input_is_refused(void **state)
{
	double x[] = { 1, NAN, 3 }, y[] = { 1, INFINITY };
	struct summary s;

	assert_int_equal(stats_summarize(x, 0, 0.95, &s), -1);
	assert_int_equal(stats_summarize(x, 3, 0.95, &s), -1);
	assert_int_equal(stats_summarize(y, 2, 0.95, &s), -1);
}

static void modes_by_gap(void **state)
{
	/* uml getpid boot 1's shape: 6 near 17 us, 1 between, 8 near 56 us (ns). */
	double two[] = { 56000, 17100, 55800, 17300, 57000, 30000, 17500, 55100, 17800, 58000,
			 17000, 56200, 17600, 54900, 55500 };
	double one[] = { 100, 101, 99, 102, 98, 100, 103, 97, 140, 101 };	/* 1.37x: no gap */
	double outlier[] = { 100, 101, 99, 102, 98, 100, 103, 97, 400, 101 };	/* one far: not a mode */
	struct modes m;

	assert_int_equal(stats_modes(two, 15, &m), 0);
	assert_int_equal(m.count, 2);
	assert_double_equal(m.median[0], (17300 + 17500) / 2.0, 1e-9);	/* 6 samples */
	assert_double_equal(m.share[0], 6.0 / 15, 1e-12);
	assert_double_equal(m.median[1], 55900, 1e-9);			/* 8 samples */
	assert_double_equal(m.share[1], 8.0 / 15, 1e-12);		/* 30000 alone: left out */
	assert_int_equal(stats_modes(one, 10, &m), 0);
	assert_int_equal(m.count, 0);
	assert_int_equal(stats_modes(outlier, 10, &m), 0);
	assert_int_equal(m.count, 0);
	assert_int_equal(stats_modes(two, 3, &m), 0);	/* too few to say */
	assert_int_equal(m.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(median_odd_count),
		cmocka_unit_test(median_even_count),
		cmocka_unit_test(mean_and_sample_stddev),
		cmocka_unit_test(single_sample),
		cmocka_unit_test(quantiles_type7),
		cmocka_unit_test(median_ci_n15),
		cmocka_unit_test(median_ci_ranks),
		cmocka_unit_test(tukey_outliers),
		cmocka_unit_test(outliers_on_both_sides),
		cmocka_unit_test(constant_sample_has_no_outliers),
		cmocka_unit_test(bad_input_is_refused),
		cmocka_unit_test(modes_by_gap),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
