// SPDX-License-Identifier: GPL-2.0
/*
 * The ktimed-* rows' arithmetic (user/bench/ktimed.c ktimed_per_op()) on
 * made-up KTIMED answers: a sample is the median per-pair difference per
 * op, never a difference of two medians; the overhead recorded is what the
 * differencing cancelled; signed differences stay signed. Also that the
 * rows are the uapi header's op list, in its order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "assert_near.h"
#include "bench.h"
#include "bench/ktimed.h"

static struct vmprobe_ktimed answer(int64_t diff_median, uint64_t ref_median,
				    uint64_t meas_median)
{
	struct vmprobe_ktimed kt;

	memset(&kt, 0, sizeof(kt));
	kt.batches_done = 5;
	kt.diff_ticks_median = diff_median;
	kt.ref_ticks_median = ref_median;
	kt.batch_ticks_median = meas_median;
	return kt;
}

/* Pairs (ref, meas) = (100,140) (300,310) (100,150) (120,160) (500,530):
 * per-pair differences 40 10 50 40 30, median 40; medians of the batches
 * 140 and 120 would give 20 instead. */
static void test_per_pair_not_medians(void **state)
{
	struct vmprobe_ktimed kt = answer(40, 120, 160);
	double per_op = -1, overhead = -1;

	(void)state;
	assert_int_equal(ktimed_per_op(&kt, 4, &per_op, &overhead), 0);
	assert_double_equal(per_op, 10.0, 1e-12);
	assert_double_equal(overhead, 20.0, 1e-12);	/* (120 - 40) / 4 */
}

static void test_negative_difference(void **state)
{
	struct vmprobe_ktimed kt = answer(-6, 1000, 994);
	double per_op = 0, overhead = 0;

	(void)state;
	assert_int_equal(ktimed_per_op(&kt, 3, &per_op, &overhead), 0);
	assert_double_equal(per_op, -2.0, 1e-12);
	assert_double_equal(overhead, 1006.0 / 3, 1e-9);
}

static void test_nothing_run(void **state)
{
	struct vmprobe_ktimed kt = answer(40, 120, 160);
	double per_op = 7, overhead = 7;

	(void)state;
	kt.batches_done = 0;
	assert_int_equal(ktimed_per_op(&kt, 4, &per_op, &overhead), -1);
	kt.batches_done = 5;
	assert_int_equal(ktimed_per_op(&kt, 0, &per_op, &overhead), -1);
	assert_double_equal(per_op, 7, 0);
	assert_double_equal(overhead, 7, 0);
}

/* Every op of the header's list has its row, in the list's order. */
static void test_rows_follow_the_list(void **state)
{
#define ROW_(NAME, ident, row, what, refused)	"ktimed-" row,
	static const char *const rows[] = { VMPROBE_KTIMED_OPS(ROW_) };
#undef ROW_
	size_t i, j, found = 0;

	(void)state;
	assert_int_equal(sizeof(rows) / sizeof(rows[0]), VMPROBE_OP_COUNT - 1);
	for (i = 0, j = 0; i < bench_table_len; i++) {
		if (strncmp(bench_table[i]->name, "ktimed-", 7) != 0)
			continue;
		assert_true(j < sizeof(rows) / sizeof(rows[0]));
		assert_string_equal(bench_table[i]->name, rows[j]);
		j++;
		found++;
	}
	assert_int_equal(found, VMPROBE_OP_COUNT - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_per_pair_not_medians),
		cmocka_unit_test(test_negative_difference),
		cmocka_unit_test(test_nothing_run),
		cmocka_unit_test(test_rows_follow_the_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
