/* SPDX-License-Identifier: GPL-2.0 */
/* The measure() path: a benchmark that produces per-op samples itself. */
#ifndef VMPROBE_HARNESS_SELF_H
#define VMPROBE_HARNESS_SELF_H

#include "harness_state.h"

int harness_run_self_timed(struct harness *h, struct bench_state *st, double share_s,
			   struct row_result *r, struct run_totals *tot);

#endif /* VMPROBE_HARNESS_SELF_H */
