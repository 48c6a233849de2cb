/* SPDX-License-Identifier: GPL-2.0 */
/* The run() path: probe, ramp, samples, linearity, and the baseline taken off. */
#ifndef VMPROBE_HARNESS_TIMED_H
#define VMPROBE_HARNESS_TIMED_H

#include "harness_state.h"

/* The run() path; returns 1 when stopped by a signal. */
int harness_run_timed(struct harness *h, struct bench_state *st, double share_s,
		      struct row_result *r, struct run_totals *tot);

#endif /* VMPROBE_HARNESS_TIMED_H */
