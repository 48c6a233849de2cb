// SPDX-License-Identifier: GPL-2.0
/* progress: the time-left estimate, and plain lines off a terminal. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "progress.h"

static void estimate_from_rows_done_capped_by_budget(void **state)
{
	/* Nothing done, no budget: unknown. Nothing done, a budget: what it leaves. */
	assert_true(isnan(progress_estimate_left(0, 0, 10, 0)));
	assert_true(progress_estimate_left(5, 0, 10, 60) == 55);
	/* 4 rows in 20 s: 5 s a row, 6 rows to go: 30 s, under the 40 s the budget leaves. */
	assert_true(progress_estimate_left(20, 4, 10, 60) == 30);
	/* Slow rows: the harness stops at the budget, so the estimate does too. */
	assert_true(progress_estimate_left(50, 2, 10, 60) == 10);
	/* Past the budget: nothing left, never negative. */
	assert_true(progress_estimate_left(70, 9, 10, 60) == 0);
	/* All done. */
	assert_true(progress_estimate_left(30, 10, 10, 0) == 0);
}

static void not_fancy_off_a_terminal(void **state)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_false(progress_fancy(fileno(f)));
	fclose(f);
	assert_false(progress_fancy(-1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(estimate_from_rows_done_capped_by_budget),
		cmocka_unit_test(not_fancy_off_a_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
