// SPDX-License-Identifier: GPL-2.0
/*
 * Coverage of compare's intervals, by simulation (fixed seed: the same
 * figures on every machine, so no false failure from chance or load).
 *
 * Model, on log time per op: a file's boot k draws a boot effect
 * b_k ~ N(0, tau^2); its samples are N(mu + b_k, sigma^2), 15 per boot
 * (as a row records). compare takes each boot's median and shows
 * exp(mean log medians) ratios with Welch's t interval on the log boot
 * medians (signif_welch, signif_welch_ci). The true ratio is exp(mu_b -
 * mu_a). For 3 and 5 boots a side and tau = 0, 1 and 3 sigma, the 95%
 * interval must cover it in 95% of TRIALS trials, within TOLERANCE: with
 * 4000 trials the standard error of a coverage near 0.95 is 0.0034, so
 * 0.015 is 4.4 of them (a method whose real coverage is 95% misses it
 * with probability about 1e-5; seeded, the figures never move).
 *
 * The geomean: ROWS rows share each boot's effect (tau_s) on top of their
 * own (tau_r); compare's interval is Welch's t on the per-boot mean of
 * the rows' log medians. Same target, same tolerance.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "signif.h"

#define TRIALS 4000
#define SAMPLES 15
#define TOLERANCE 0.025
#define LEVEL 0.95
#define ROWS 12

static double uniform(struct signif_rng *r)
{
	return ((double)(signif_rng_next(r) >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(struct signif_rng *r)
{
	/* Box-Muller; one of the pair is enough here. */
	return sqrt(-2 * log(uniform(r))) * cos(2 * M_PI * uniform(r));
}

/* One boot's median of SAMPLES log samples around CENTRE. */
static double boot_median(struct signif_rng *r, double centre, double sigma)
{
	double x[SAMPLES];

	for (size_t i = 0; i < SAMPLES; i++)
		x[i] = centre + sigma * normal(r);
	return signif_median(x, SAMPLES);
}

/* Share of trials whose interval covers the true log ratio, for one cell. */
static double cell_coverage(size_t boots, double tau, double sigma_a, double sigma_b, uint64_t seed)
{
	struct signif_rng r = { seed };
	const double truth = log(3.0);
	size_t covered = 0;

	for (size_t t = 0; t < TRIALS; t++) {
		double a[boots], b[boots], lo, hi;
		struct welch_result w;

		for (size_t k = 0; k < boots; k++) {
			a[k] = boot_median(&r, tau * sigma_a * normal(&r), sigma_a);
			b[k] = boot_median(&r, truth + tau * sigma_b * normal(&r), sigma_b);
		}
		assert_int_equal(signif_welch(a, boots, b, boots, &w), 0);
		signif_welch_ci(&w, LEVEL, &lo, &hi);
		covered += lo <= truth && truth <= hi;
	}
	return (double)covered / TRIALS;
}

static void check(const char *what, size_t boots, double tau, double coverage)
{
	print_message("# %s, %zu boots, boot effect %g x the within-boot spread: coverage %.4f\n", what,
		      boots, tau, coverage);
	if (fabs(coverage - LEVEL) > TOLERANCE)
		fail_msg("%s, %zu boots, tau %g: coverage %.4f, not within %.3f of %.2f", what, boots,
			 tau, coverage, TOLERANCE, LEVEL);
}

static void cell_interval_covers(void **state)
{
	static const size_t boots[] = { 3, 5 };
	static const double taus[] = { 0, 1, 3 };

	for (size_t i = 0; i < 2; i++)
		for (size_t j = 0; j < 3; j++) {
			uint64_t seed = 0x5eed0000 + 16 * i + j;

			check("cell, equal spreads", boots[i], taus[j],
			      cell_coverage(boots[i], taus[j], 0.05, 0.05, seed));
			/* A VMM's boots spread more than the host's (the committed data's case). */
			check("cell, spread 5x the base's", boots[i], taus[j],
			      cell_coverage(boots[i], taus[j], 0.01, 0.05, seed + 8));
		}
}

/* Share of trials whose geomean interval covers the true log ratio (every row: log 2). */
static double geomean_coverage(size_t boots, double tau_shared, double tau_row, uint64_t seed)
{
	struct signif_rng r = { seed };
	const double truth = log(2.0), sigma = 0.05;
	size_t covered = 0;

	for (size_t t = 0; t < TRIALS; t++) {
		double ga[boots], gb[boots], lo, hi;
		struct welch_result w;

		for (size_t k = 0; k < boots; k++) {
			double sa = tau_shared * sigma * normal(&r), sb = tau_shared * sigma * normal(&r);

			ga[k] = gb[k] = 0;
			for (size_t row = 0; row < ROWS; row++) {
				double base = 0.3 * (double)row;	/* rows of different cost */

				ga[k] += boot_median(&r, base + sa + tau_row * sigma * normal(&r), sigma) / ROWS;
				gb[k] += boot_median(&r, base + truth + sb + tau_row * sigma * normal(&r),
						     sigma) / ROWS;
			}
		}
		assert_int_equal(signif_welch(ga, boots, gb, boots, &w), 0);
		signif_welch_ci(&w, LEVEL, &lo, &hi);
		covered += lo <= truth && truth <= hi;
	}
	return (double)covered / TRIALS;
}

static void geomean_interval_covers(void **state)
{
	static const size_t boots[] = { 3, 5 };
	static const double taus[] = { 0, 1, 3 };

	for (size_t i = 0; i < 2; i++)
		for (size_t j = 0; j < 3; j++)
			/* Shared boot effect tau, and a row's own boot effect as large again. */
			check("geomean, shared boot effect", boots[i], taus[j],
			      geomean_coverage(boots[i], taus[j], taus[j], 0x6e0000 + 16 * i + j));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cell_interval_covers),
		cmocka_unit_test(geomean_interval_covers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
