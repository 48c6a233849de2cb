/* SPDX-License-Identifier: GPL-2.0 */
/* The slow probe: one op of a BENCH_SLOW row in a child, killed at a limit. */
#ifndef VMPROBE_HARNESS_PROBE_H
#define VMPROBE_HARNESS_PROBE_H

#include "harness_state.h"

/*
 * A BENCH_SLOW row's probe of one op in a child. Returns 0 (ok, *one_op_s
 * set), 1 stopped by a signal, 2 the row is done (skipped or failed).
 */
int harness_probe_slow(struct harness *h, struct bench_state *st, struct row_result *r,
		       double share_s, int parts, double *one_op_s);

#endif /* VMPROBE_HARNESS_PROBE_H */
