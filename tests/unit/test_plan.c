// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the time-budget rules (user/plan.c) and the separation
 * arithmetic (user/separation.c): numbers in, numbers out, no clock.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "annotate.h"
#include "assert_near.h"
#include "plan.h"
#include "separation.h"

static void row_share_is_even_with_a_reserve(void **state)
{
	struct plan_share p = plan_row_share(60, 0, 30, 0);

	assert_double_equal(p.share_s, 2.0, 1e-12);
	/* 29 later rows keep 60 / 120 = 0.5 s each: 60 - 14.5. */
	assert_double_equal(p.stretch_s, 45.5, 1e-12);
	/* What earlier rows left unused goes to the rest. */
	p = plan_row_share(60, 10, 30, 20);
	assert_double_equal(p.share_s, 5.0, 1e-12);
	assert_double_equal(p.stretch_s, 50 - 9 * 0.5, 1e-12);
	/* The last row may take all that is left. */
	p = plan_row_share(60, 59, 30, 29);
	assert_double_equal(p.share_s, 1.0, 1e-12);
	assert_double_equal(p.stretch_s, 1.0, 1e-12);
	/* Over budget: nothing, never negative. */
	p = plan_row_share(60, 70, 30, 5);
	assert_double_equal(p.share_s, 0, 0);
	assert_double_equal(p.stretch_s, 0, 0);
	p = plan_row_share(60, 0, 0, 0);
	assert_double_equal(p.share_s, 0, 0);
	/* The stretch is never below the share, even when the reserves exceed what is left. */
	p = plan_row_share(60, 50, 30, 2);
	assert_true(p.stretch_s >= p.share_s);
}

static void stretch_and_slow_limit(void **state)
{
	assert_double_equal(plan_stretch(2, 40, 0.1), 2, 0);	/* fits: the share */
	assert_double_equal(plan_stretch(2, 40, 3), 12, 0);	/* 4 ops */
	assert_double_equal(plan_stretch(2, 40, 30), 40, 0);	/* capped at the stretch */
	assert_double_equal(plan_stretch(2, 0, 30), 2, 0);	/* no stretch: the share */
	assert_double_equal(plan_slow_limit(2, 30, 1), 10, 1e-12);
	assert_double_equal(plan_slow_limit(2, 30, 2), 5, 1e-12);
	assert_double_equal(plan_slow_limit(6, 0, 1), 2, 1e-12);
}

static void goal_fits_the_share(void **state)
{
	assert_double_equal(plan_goal(0.002, 10, 15, 1), 0.002, 0);
	assert_double_equal(plan_goal(0.002, 0.018, 15, 1), 0.001, 1e-15);
	assert_double_equal(plan_goal(0.002, 0.018, 15, 2), 0.0005, 1e-15);
}

static void ramp_doubles_confirms_and_stops(void **state)
{
	assert_int_equal(plan_ramp_step(1, 1ull << 32, 1e-6, 0.002, false), RAMP_DOUBLE);
	assert_int_equal(plan_ramp_step(1ull << 32, 1ull << 32, 1e-6, 0.002, false), RAMP_DONE);
	/* At the goal: confirm once, then done. */
	assert_int_equal(plan_ramp_step(64, 1ull << 32, 0.0025, 0.002, false), RAMP_CONFIRM);
	assert_int_equal(plan_ramp_step(64, 1ull << 32, 0.0025, 0.002, true), RAMP_DONE);
	/* The confirmation came in lower: keep doubling. */
	assert_int_equal(plan_ramp_step(64, 1ull << 32, 0.0015, 0.002, true), RAMP_DOUBLE);
	/* One op at the goal is confirmed too (a cold first op); far over it: done. */
	assert_int_equal(plan_ramp_step(1, 1ull << 32, 0.003, 0.002, false), RAMP_CONFIRM);
	assert_int_equal(plan_ramp_step(1, 1ull << 32, 0.009, 0.002, false), RAMP_DONE);
	assert_int_equal(plan_ramp_step(64, 1ull << 32, 0.009, 0.002, false), RAMP_DONE);
}

static void repetitions_that_fit(void **state)
{
	struct plan_reps p;

	/* Room for all and more: a warm-up first. */
	p = plan_repetitions(15, 1.0, 0.002, 1, 1024, false);
	assert_int_equal(p.reps, 15);
	assert_true(p.warmup);
	assert_false(p.cut);
	/* A slow row takes no warm-up. */
	p = plan_repetitions(15, 1.0, 0.002, 1, 1, true);
	assert_false(p.warmup);
	assert_int_equal(p.reps, 15);
	/* Room for 8 (with the baseline: 4): cut, said so. */
	p = plan_repetitions(15, 0.016, 0.002, 1, 1024, false);
	assert_int_equal(p.reps, 8);
	assert_true(p.cut);
	p = plan_repetitions(15, 0.016, 0.002, 2, 1024, false);
	assert_int_equal(p.reps, 4);
	/* Room for 1 of many ops: still 3 (a sample of many ops is cut no further). */
	p = plan_repetitions(15, 0.002, 0.002, 1, 1024, false);
	assert_int_equal(p.reps, 3);
	/* Room for 1 of one op: 1; room for none: still 1. */
	p = plan_repetitions(15, 0.002, 0.002, 1, 1, true);
	assert_int_equal(p.reps, 1);
	p = plan_repetitions(15, -1, 0.002, 1, 1, true);
	assert_int_equal(p.reps, 1);
	assert_true(p.cut);
	/* Fewer asked than 3: the floor is what was asked. */
	p = plan_repetitions(2, 0.001, 0.002, 1, 1024, false);
	assert_int_equal(p.reps, 2);
}

static void linearity_ratio(void **state)
{
	/* 100 ticks of bracket: 1100 for n, 2100 for 2n is linear. */
	assert_double_equal(plan_linearity(1100, 2100, 100), 1.0, 1e-12);
	/* A fixed 1000-tick cost per call (an munmap per call): 2n costs less than twice. */
	assert_double_equal(plan_linearity(2100, 3100, 100), 0.75, 1e-12);
	assert_true(isnan(plan_linearity(100, 2100, 100)));
	assert_true(isnan(plan_linearity(NAN, 2100, 100)));
}

static void separation_pmu_uses_task_clock(void **state)
{
	struct gaps_estimate g = { .valid = true, .stolen_share = 0.25, .note = "module GAPS" };
	struct separation_inputs in = {
		.cycles = 1.5e9, .task_clock_ns = 1e9, .ticks = 4e9, .hz = 2e9,
		.cycles_per_tick = 1.0, .gaps = &g, .steal_s = -1, .elapsed_s = 2,
	};
	struct separation s;

	/* 1 s on the CPU = 2e9 ticks x 1 cycle per tick; 1.5e9 counted: 25% outside. */
	separation_compute(&s, &in);
	assert_int_equal(s.method, SEP_PMU);
	assert_double_equal(s.outside_share, 0.25, 1e-12);
	assert_double_equal(s.cycles_per_tick, 1.0, 0);
	/* No task clock: the wall ticks (4e9) are the denominator, sleep counts as outside. */
	in.task_clock_ns = -1;
	separation_compute(&s, &in);
	assert_double_equal(s.outside_share, 1 - 1.5e9 / 4e9, 1e-12);
	/* No cycles: the run's GAPS figure, labelled as background. */
	in.cycles = -1;
	separation_compute(&s, &in);
	assert_int_equal(s.method, SEP_GAPS);
	assert_double_equal(s.outside_share, 0.25, 0);
	assert_non_null(strstr(s.note, "background stolen time, one figure per run"));
	/* Then steal, then none. */
	g.valid = false;
	in.steal_s = 0.5;
	separation_compute(&s, &in);
	assert_int_equal(s.method, SEP_STEAL);
	assert_double_equal(s.outside_share, 0.25, 1e-12);
	in.steal_s = -1;
	separation_compute(&s, &in);
	assert_int_equal(s.method, SEP_NONE);
	assert_true(isnan(s.outside_share));
}

/* The virtual-time tolerance catches a guest clock 5% off (annotate.c compares |ratio - 1|). */
static void clock_tolerance_catches_five_percent(void **state)
{
	assert_true(fabs(1.05 - 1.0) * 100.0 > ANNOTATE_DEFAULT_TOLERANCE_PCT);
	assert_true(fabs(0.95 - 1.0) * 100.0 > ANNOTATE_DEFAULT_TOLERANCE_PCT);
	/* and leaves a real-time guest (0.1% seen in results/) alone */
	assert_false(fabs(1.001 - 1.0) * 100.0 > ANNOTATE_DEFAULT_TOLERANCE_PCT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(row_share_is_even_with_a_reserve),
		cmocka_unit_test(stretch_and_slow_limit),
		cmocka_unit_test(goal_fits_the_share),
		cmocka_unit_test(ramp_doubles_confirms_and_stops),
		cmocka_unit_test(repetitions_that_fit),
		cmocka_unit_test(linearity_ratio),
		cmocka_unit_test(separation_pmu_uses_task_clock),
		cmocka_unit_test(clock_tolerance_catches_five_percent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
