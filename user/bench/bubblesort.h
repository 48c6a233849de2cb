/* SPDX-License-Identifier: GPL-2.0 */
/* bubblesort's private state, shared with its unit test (which corrupts work[]). */
#ifndef VMPROBE_BENCH_BUBBLESORT_H
#define VMPROBE_BENCH_BUBBLESORT_H

#include <stddef.h>
#include <stdint.h>

struct bubblesort_priv {
	size_t len;
	int32_t *input;		/* the unsorted array, fixed-seed PRNG */
	int32_t *work;		/* sorted copy after each run */
	int64_t input_sum;	/* permutation check: sum and xor of the input */
	uint32_t input_xor;
};

#endif /* VMPROBE_BENCH_BUBBLESORT_H */
