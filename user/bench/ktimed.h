/* SPDX-License-Identifier: GPL-2.0 */
/* The ktimed-* rows (user/bench/ktimed.c): one per op of VMPROBE_KTIMED_OPS. */
#ifndef VMPROBE_BENCH_KTIMED_H
#define VMPROBE_BENCH_KTIMED_H

#include <uapi/vmprobe.h>

#include "bench.h"

#define KTIMED_DECLARE_(NAME, ident, row, what, refused)	extern const struct bench bench_ktimed_##ident;
VMPROBE_KTIMED_OPS(KTIMED_DECLARE_)
#undef KTIMED_DECLARE_

/*
 * One sample's figures from a VMPROBE_KTIMED_DOUBLE call of @iterations
 * passes: *per_op = the median per-pair difference (2N batch - N batch) /
 * iterations, the cost of one op; *overhead = what the differencing
 * cancelled, (median N batch - median difference) / iterations (loop, TSC
 * reads, cap checks). 0, or -1 when the call ran no pair (nothing set).
 */
int ktimed_per_op(const struct vmprobe_ktimed *kt, unsigned iterations, double *per_op,
		  double *overhead);

#endif /* VMPROBE_BENCH_KTIMED_H */
