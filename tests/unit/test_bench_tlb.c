// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the TLB-miss row's layout (user/bench/tlb_miss.c): one line
 * per 4 KiB page, each at its colour, chained into one cycle through every
 * line, so the 4 KiB and 2 MiB chases make the same accesses in the same
 * order and differ only in the pages under them. (The difference itself is
 * the harness's baseline subtraction: test_harness.c.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bench.h"
#include "bench/tlb_miss.h"

#define LINES 1000u	/* small: the same code as the row's 16384 */

static void one_line_per_page_each_coloured(void **state)
{
	for (size_t i = 0; i < 3 * TLB_COLOURS; i++) {
		size_t off = tlb_line_offset(i);

		assert_int_equal(off / TLB_PAGE, i);			/* its own page */
		assert_int_equal(off % TLB_PAGE, (i % TLB_COLOURS) * TLB_LINE);	/* its colour */
		assert_int_equal(off % TLB_LINE, 0);			/* a whole line */
	}
}

static void one_cycle_through_every_line(void **state)
{
	char *base = calloc(LINES, TLB_PAGE);
	unsigned char *seen = calloc(LINES, 1);
	void **start, **p;

	assert_non_null(base);
	assert_non_null(seen);
	start = tlb_chase_build(base, LINES, 42);
	assert_ptr_equal(start, base + tlb_line_offset(0));
	p = start;
	for (size_t k = 0; k < LINES; k++) {
		size_t off = (size_t)((char *)p - base), i = off / TLB_PAGE;

		assert_int_equal(off, tlb_line_offset(i));	/* only ever a line of the layout */
		assert_int_equal(seen[i], 0);			/* each once */
		seen[i] = 1;
		p = tlb_chase(p, 1);
	}
	assert_ptr_equal(p, start);				/* back after exactly LINES steps */
	assert_ptr_equal(tlb_chase(start, 3 * LINES), start);
	/* random, not the layout's order: the next line is rarely the neighbour */
	{
		size_t neighbours = 0;

		p = start;
		for (size_t k = 0; k < LINES; k++, p = tlb_chase(p, 1))
			neighbours += (size_t)((char *)*p - (char *)p) < 2 * TLB_PAGE;
		assert_true(neighbours < LINES / 20);
	}
	free(seen);
	free(base);
}

/* The same seed, the same order: the 4 KiB and 2 MiB sides chase alike. */
static void same_seed_same_order(void **state)
{
	char *a = calloc(LINES, TLB_PAGE), *b = calloc(LINES, TLB_PAGE);
	void **pa, **pb;

	assert_non_null(a);
	assert_non_null(b);
	pa = tlb_chase_build(a, LINES, 7);
	pb = tlb_chase_build(b, LINES, 7);
	for (size_t k = 0; k < LINES; k++, pa = tlb_chase(pa, 1), pb = tlb_chase(pb, 1))
		assert_int_equal((char *)pa - a, (char *)pb - b);
	assert_null(tlb_chase_build(a, 0, 7));
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_line_per_page_each_coloured),
		cmocka_unit_test(one_cycle_through_every_line),
		cmocka_unit_test(same_seed_same_order),
	};

	return cmocka_run_group_tests_name("bench_tlb", tests, NULL, NULL);
}
