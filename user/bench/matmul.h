/* SPDX-License-Identifier: GPL-2.0 */
/* matmul's private state, shared with its unit test (which corrupts c[]). */
#ifndef VMPROBE_BENCH_MATMUL_H
#define VMPROBE_BENCH_MATMUL_H

#include <stddef.h>

struct matmul_priv {
	size_t n;		/* matrices are n x n, row-major */
	double *a, *b, *c;	/* c = a * b after each run */
};

#endif /* VMPROBE_BENCH_MATMUL_H */
