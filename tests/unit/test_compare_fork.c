// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/compare_fork.c: which rows stand for which parent size,
 * the least-squares line, and a file's slope over boots (t interval) or
 * within its one boot (the fit's own interval).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "compare_fork.h"

static void parent_sizes_by_name(void **state)
{
	assert_true(compare_fork_parent_mib("fork-exit-wait") == 0);
	assert_true(compare_fork_parent_mib("fork-parent-16") == 16);
	assert_true(compare_fork_parent_mib("fork-parent-256") == 256);
	assert_true(compare_fork_parent_mib("fork-parent-") < 0);
	assert_true(compare_fork_parent_mib("fork-parent-16x") < 0);
	assert_true(compare_fork_parent_mib("fork-parent-0") < 0);
	assert_true(compare_fork_parent_mib("fork-exec") < 0);
	assert_true(compare_fork_parent_mib("fork-dynamic") < 0);
}

static void line_fit(void **state)
{
	const double x[] = { 0, 16, 64, 256 }, exact[] = { 100, 420, 1380, 5220 };	/* 100 + 20x */
	const double noisy[] = { 110, 400, 1400, 5210 };
	double slope, zero, se;

	assert_int_equal(compare_fit_line(x, exact, 4, &slope, &zero, &se), 0);
	assert_true(fabs(slope - 20) < 1e-9 && fabs(zero - 100) < 1e-9 && se < 1e-9);
	assert_int_equal(compare_fit_line(x, noisy, 4, &slope, &zero, &se), 0);
	assert_true(fabs(slope - 20) < 0.2 && se > 0);
	assert_int_equal(compare_fit_line(x, exact, 2, &slope, &zero, &se), 0);
	assert_true(isnan(se));
	assert_int_equal(compare_fit_line(x, exact, 1, &slope, &zero, &se), -1);
	assert_int_equal(compare_fit_line((const double[]){ 5, 5 }, exact, 2, &slope, &zero, &se), -1);
}

/* A result of the four fork-by-size rows, each of NS ns per op at 0..256 MiB (samples: the figure 5 times). */
static void load(struct rio_result *r, const char *label, const double ns[4], const char *more)
{
	static const char *const names[] = { "fork-exit-wait", "fork-parent-16", "fork-parent-64",
					     "fork-parent-256" };
	char text[8192], err[256];
	size_t used = 0;
	struct json_object *root;

	used += (size_t)snprintf(text + used, sizeof(text) - used,
		"{\"format\":\"vmprobe-result\",\"format_version\":1,\"label\":\"%s\","
		"\"clock\":{\"kind\":\"tsc\",\"tsc_hz\":1e9},\"benchmarks\":[", label);
	for (int i = 0; i < 4; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
			"%s{\"name\":\"%s\",\"group\":\"macro\",\"status\":\"ok\",\"repetitions\":5,"
			"\"samples_ticks\":[%g,%g,%g,%g,%g],\"ticks\":{\"median\":%g},\"ns\":{\"median\":%g}}",
			i ? "," : "", names[i], ns[i], ns[i], ns[i], ns[i], ns[i], ns[i], ns[i]);
	snprintf(text + used, sizeof(text) - used, "]%s}", more ? more : "");
	root = json_tokener_parse(text);
	assert_non_null(root);
	if (rio_from_json(root, label, r, err, sizeof(err)))
		fail_msg("%s", err);
	json_object_put(root);
}

static void slope_of_a_file(void **state)
{
	const double a[4] = { 1000, 1320, 2280, 6120 };		/* 1000 + 20 x */
	struct rio_result files[2];
	struct compare_table t;
	struct compare_slope s;

	load(&files[0], "base", a, NULL);
	load(&files[1], "other", (const double[4]){ 1000, 1500, 3100, 9000 }, NULL);
	assert_int_equal(compare_build(files, 2, 0.05, &t, NULL, 0), 0);
	assert_int_equal(compare_fork_slope(&t, 0, &s), 0);
	assert_int_equal(s.points, 4);
	assert_int_equal(s.boots, 1);
	assert_true(fabs(s.ns_per_mib - 20) < 1e-6 && fabs(s.ns_at_zero - 1000) < 1e-6);
	assert_true(s.ci_low <= s.ns_per_mib && s.ns_per_mib <= s.ci_high);
	assert_int_equal(compare_fork_slope(&t, 1, &s), 0);
	assert_true(s.ns_per_mib > 25 && s.ci_high > s.ci_low);
	compare_free(&t);
	rio_free(&files[0]);
	rio_free(&files[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parent_sizes_by_name),
		cmocka_unit_test(line_fit),
		cmocka_unit_test(slope_of_a_file),
	};

	return cmocka_run_group_tests_name("compare_fork", tests, NULL, NULL);
}
