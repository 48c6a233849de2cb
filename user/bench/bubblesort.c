// SPDX-License-Identifier: GPL-2.0
/*
 * bubblesort-N: the study's bubble sort of N integers (adjacent compare and
 * swap, passes shrinking by one, stop after a pass without swaps), on an
 * array from a fixed-seed xorshift PRNG. One op = one sort of a fresh copy.
 * The copy stays in the op: N ints copied against N^2/2 compares is under
 * 0.05% of the op at N = 1000 and far less above, and a separate baseline
 * would double what the time budget must reserve for the slowest op of all
 * (bubblesort-100000).
 *
 * verify() checks the result is in order and is a permutation of the input
 * (same sum and same xor of all elements).
 */
#include <stdlib.h>
#include <string.h>

#include "bubblesort.h"
#include "common.h"

#define BUBBLESORT_SEED 0x2005cafef00dbeefull

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void bubblesort_teardown(struct bench_state *st)
{
	struct bubblesort_priv *p = st->priv;

	if (!p)
		return;
	free(p->input);
	free(p->work);
	free(p);
	st->priv = NULL;
}

static int bubblesort_setup(struct bench_state *st)
{
	struct bubblesort_priv *p;
	uint64_t seed = BUBBLESORT_SEED;

	/* Quadratic: 10^7 elements would take days natively. */
	if (st->size < 1 || st->size > 10000000)
		return bench_fail(st, "array size %ld out of range 1..10000000", st->size);
	p = calloc(1, sizeof(*p));
	if (!p)
		return bench_fail(st, "out of memory");
	st->priv = p;
	p->len = (size_t)st->size;
	p->input = malloc(p->len * sizeof(int32_t));
	p->work = malloc(p->len * sizeof(int32_t));
	if (!p->input || !p->work) {
		bubblesort_teardown(st);
		return bench_fail(st, "out of memory for %zu elements", p->len);
	}
	for (size_t i = 0; i < p->len; i++) {
		p->input[i] = (int32_t)(uint32_t)(xorshift64(&seed) >> 32);
		p->input_sum += p->input[i];
		p->input_xor ^= (uint32_t)p->input[i];
	}
	memcpy(p->work, p->input, p->len * sizeof(int32_t));
	return 0;
}

/*
 * Textbook bubble sort. The element being bubbled is kept in a register
 * instead of re-read from a[j] (same compares, same swaps, same result):
 * re-reading it right after storing it made GCC load both neighbours as
 * one 8-byte word overlapping the previous store, a store-forwarding stall
 * per step that has nothing to do with the algorithm.
 */
static void bubble_sort(int32_t *a, size_t len)
{
	for (size_t end = len - 1; end > 0; end--) {
		int32_t carried = a[0];	/* the largest seen so far in this pass */
		int swapped = 0;

		for (size_t j = 0; j < end; j++) {
			int32_t next = a[j + 1];

			if (carried > next) {
				a[j] = next;	/* swap: carried moves on to j + 1 */
				swapped = 1;
			} else {
				a[j] = carried;
				carried = next;
			}
		}
		a[end] = carried;
		if (!swapped)
			break;
	}
}

static int bubblesort_run(struct bench_state *st, uint64_t n)
{
	struct bubblesort_priv *p = st->priv;

	for (uint64_t r = 0; r < n; r++) {
		memcpy(p->work, p->input, p->len * sizeof(int32_t));
		bubble_sort(p->work, p->len);
		__asm__ __volatile__("" : : "r"(p->work) : "memory");
	}
	return 0;
}

static int bubblesort_verify(struct bench_state *st)
{
	struct bubblesort_priv *p = st->priv;
	int64_t sum = 0;
	uint32_t x = 0;

	for (size_t i = 0; i < p->len; i++) {
		if (i > 0 && p->work[i - 1] > p->work[i])
			return bench_fail(st, "not sorted at %zu: %d > %d", i,
					  p->work[i - 1], p->work[i]);
		sum += p->work[i];
		x ^= (uint32_t)p->work[i];
	}
	if (sum != p->input_sum || x != p->input_xor)
		return bench_fail(st, "not a permutation of the input (sum %lld vs %lld, xor %08x vs %08x)",
				  (long long)sum, (long long)p->input_sum, x, p->input_xor);
	return 0;
}

const struct bench bench_bubblesort = {
	.name = "bubblesort",
	.group = "macro",
	.panel = "macro",
	.summary = "bubble sort of N pseudo-random 32-bit integers (study sizes)",
	.unit = "sort",
	.flags = BENCH_SLOW,
	.sizes = { 1000, 10000, 100000, 0 },
	.setup = bubblesort_setup,
	.run = bubblesort_run,
	.verify = bubblesort_verify,
	.teardown = bubblesort_teardown,
};
