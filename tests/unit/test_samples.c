// SPDX-License-Identifier: GPL-2.0
/*
 * No survivor bias (issue 13): a sample another task preempted is kept,
 * not taken again, and carries what disturbed it. A busy child pinned to
 * the same CPU as the harness takes the CPU from a TSC spin row; every
 * sample asked for must come back, the preempted ones marked, and the
 * headline must be the median of all of them.
 */
#include <math.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "assert_near.h"
#include "harness.h"

static struct tsc_clock clk;

#define SPIN_TICKS 4000
static int spin_run(struct bench_state *st, uint64_t n)
{
	uint64_t t0 = tsc_begin();

	while (tsc_begin() - t0 < n * SPIN_TICKS)
		;
	return 0;
}

static const struct bench b_spin = { .name = "spin", .group = "micro", .unit = "op",
				     .run = spin_run };

static void preempted_samples_are_kept(void **state)
{
	struct harness_config cfg = {
		.time_budget_s = 20, .repetitions = 41, .goal_s = 0.01, .max_ops = HARNESS_MAX_OPS,
		.cpu = sched_getcpu(), .devfd = -1, .clock = &clk, .markers_fd = -1,
	};
	struct bench_row row = { .bench = &b_spin };
	struct harness h;
	struct row_result r;
	struct summary all;
	size_t preempted = 0;
	pid_t hog;

	snprintf(row.name, sizeof(row.name), "spin");
	assert_int_equal(harness_init(&h, &cfg), 0);
	/* The hog: busy on the same CPU (it inherits the pinning), so the scheduler takes turns. */
	hog = fork();
	assert_true(hog >= 0);
	if (hog == 0) {
		for (;;)
			;
	}
	assert_int_equal(harness_run_row(&h, &row, 5.0, &r), 0);
	kill(hog, SIGKILL);
	waitpid(hog, NULL, 0);

	assert_int_equal(r.status, ROW_OK);
	/* Every sample asked for, none dropped or retaken. */
	assert_int_equal(r.nsamples, 41);
	assert_non_null(r.meta);
	for (size_t i = 0; i < r.nsamples; i++)
		preempted += r.meta[i].nivcsw > 0;
	print_message("# %zu of %zu samples preempted, %zu disturbed, undisturbed median %s\n",
		      preempted, r.nsamples, r.disturbed, r.undisturbed.n ? "present" : "none");
	/* 10 ms samples sharing a CPU with a hog: CFS takes turns within a few ms. */
	assert_true(preempted > 0);
	assert_true(r.disturbed >= preempted);
	assert_true(r.undisturbed.n + r.disturbed == r.nsamples);
	/* The headline is the median of all samples. */
	assert_int_equal(stats_summarize(r.samples, r.nsamples, HARNESS_CI_LEVEL, &all), 0);
	assert_double_equal(r.ticks.median, all.median, 0);
	row_result_free(&r);
	harness_finish(&h, NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(preempted_samples_are_kept),
	};

	tsc_init();
	if (tsc_frequency(&clk, -1, 50)) {
		fprintf(stderr, "no TSC frequency: %s\n", clk.detail);
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
