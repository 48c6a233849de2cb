/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The timing loop (see bench.h): warm-up, n doubled until one run(n) takes
 * the time goal, repetitions, the bracket's own overhead subtracted, the
 * run_baseline subtracted, verify; counters and stolen time alongside.
 * The time budget of the whole run is shared out over the rows (the rules:
 * plan.h); the separation methods are in separation.h.
 *
 * Every sample is kept (no retakes): each carries the involuntary context
 * switches (nivcsw) and the scheduler's run_delay
 * (/proc/thread-self/schedstat) it saw, and whether the thread was on
 * another CPU at its end than at its start. The headline is the median of
 * all samples; the "undisturbed" median (samples with none of the three)
 * sits beside it, labelled.
 */
#ifndef VMPROBE_HARNESS_H
#define VMPROBE_HARNESS_H

#include "harness_state.h"	/* the types */

/*
 * Measures the timing overhead (and the counters' own counts) and, with a
 * module, a short GAPS run. cfg is copied.
 */
int harness_init(struct harness *h, const struct harness_config *cfg);

/*
 * Runs one row within share_s seconds. Always fills r (status says how it
 * went). Returns 0, or 1 when interrupted (r is then not a finished row).
 */
int harness_run_row(struct harness *h, const struct bench_row *row, double share_s,
		    struct row_result *r);

/*
 * Runs rows in order, sharing what is left of the budget out over the rows
 * still to run. results must hold n. *done gets the rows that finished.
 * Returns 0, or 1 when interrupted.
 */
int harness_run_rows(struct harness *h, const struct bench_row *rows, size_t n,
		     struct row_result *results, size_t *done);

/*
 * GAPS again at the end of a run, averaged into h->gaps and given to the
 * rows using it; the TSC frequency calibrated again (drift recorded).
 */
void harness_finish(struct harness *h, struct row_result *rows, size_t n);

/* harness_init's clock-honesty check: a TSC without constant_tsc or nonstop_tsc is no clock. */
const char *harness_tsc_warning(const struct harness *h);

#endif /* VMPROBE_HARNESS_H */
