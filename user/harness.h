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

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "bench.h"
#include "counters.h"
#include "options.h"
#include "separation.h"
#include "stats.h"
#include "tsc.h"

#define HARNESS_GOAL_S		0.002	/* time goal of one sample, at most (short: fewer preemptions) */
#define HARNESS_QUICK_GOAL_S	0.0005
#define HARNESS_MAX_OPS		(1ull << 32)
#define HARNESS_CI_LEVEL	0.95
#define HARNESS_REASON_LEN	640	/* a row's note (BENCH_MSG_LEN) and the harness's own */

enum row_status { ROW_OK, ROW_SKIPPED, ROW_FAILED };

struct harness_config {
	double time_budget_s;
	int repetitions;
	double goal_s;			/* per-sample time goal (cap) */
	uint64_t max_ops;		/* cap on n; 1 fixes n (the empty-region test) */
	int cpu;			/* pinned CPU or -1 */
	int devfd;			/* /dev/vmprobe or -1 */
	const struct tsc_clock *clock;
	struct counter_set *counters;	/* NULL: none */
	volatile sig_atomic_t *stop;	/* set by SIGINT/SIGTERM: stop after the current op */
	int markers_fd;			/* -1: no markers */
	bool progress;			/* lines on stderr */
};

struct harness {
	struct harness_config cfg;
	double overhead_ticks;		/* mean of an empty timed call (inside Tukey's fences) */
	double tsc_step_ticks;		/* the TSC's granularity as read here */
	double overhead_counts[COUNTERS_MAX];	/* counter counts of an empty call */
	double pmu_cycles_per_tick;	/* core cycles per TSC tick in a busy spin at start; 0 unknown */
	int schedstat_fd;		/* /proc/thread-self/schedstat or -1 */
	struct gaps_estimate gaps;
	double started_s;		/* CLOCK_MONOTONIC at harness_init */
	double stretch_s;		/* what a row whose one op outgrows its share may take; 0 none */
	unsigned marker_seq;
	uint64_t ops_run;		/* ops of the current row's run(), every call counted */
	/* Clock honesty: the TSC must be a steady clock for ticks to be time. */
	bool tsc_flags_known;		/* /proc/cpuinfo had a flags line (x86) */
	bool tsc_constant, tsc_nonstop;	/* its constant_tsc, nonstop_tsc */
	double tsc_hz_end;		/* calibrated again at the end of the run; 0 not done */
	double tsc_hz_drift;		/* tsc_hz_end / clock hz - 1; NAN not done */
	size_t migrated_samples;	/* over the run */
	double counters_closed_s;	/* CLOCK_MONOTONIC when the counters were last closed */
};

/* One sample's disturbances, kept beside its time. */
struct sample_meta {
	long nivcsw;			/* involuntary context switches; -1 unknown */
	double run_delay_ns;		/* time runnable but waiting for the CPU; NAN unknown */
	bool migrated;			/* on another CPU at the end than at the start */
};

struct row_result {
	char name[ROW_NAME_LEN];
	const struct bench *bench;
	long size;
	enum row_status status;
	char reason[HARNESS_REASON_LEN];	/* why skipped/failed, or a note */
	uint64_t ops_per_sample;
	size_t repetitions;
	double overhead_ticks;		/* per sample */
	double baseline_ticks_per_op;
	/*
	 * Rows with a baseline: the op with it, the baseline, and their
	 * difference (Hodges-Lehmann, Moses' interval), per op in ticks; kept
	 * when the interval holds 0 (within_noise) or lies below it (below:
	 * the baseline alone costs more), never turned into "no figure".
	 */
	struct baseline_difference {
		bool present, within_noise, below;
		double with_median, baseline_median, shift, ci_low, ci_high, coverage;
	} difference;
	double *samples;		/* per op, overhead (and baseline) subtracted: all of them */
	struct sample_meta *meta;	/* per sample, NULL for self-timed rows */
	size_t nsamples;
	struct summary ticks;		/* of all samples: the headline */
	size_t disturbed;		/* samples with nivcsw, run_delay or a migration */
	size_t migrated;		/* samples that ended on another CPU */
	struct summary undisturbed;	/* of the other samples; n 0 when none */
	struct modes modes;		/* separate modes of the samples (stats_modes); count 0 none */
	double linearity;		/* T(2n) / 2 T(n) at the last ramp step; NAN none */
	uint64_t linearity_n;		/* the n of T(n) there */
	double cycles_per_tick;		/* the clock ratio before this row (PMU); 0 unknown */
	double bytes_per_op;
	double counter_per_op[COUNTERS_MAX];
	double counter_scaling[COUNTERS_MAX];
	bool counter_valid[COUNTERS_MAX];
	struct separation sep;
	double elapsed_s;		/* wall time the row took */
	uint64_t ops_run;		/* ops of run() between the row's markers (probe, ramp,
					   warm-up, samples; not the baseline's); 0 for measure() rows */
};

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

void row_result_free(struct row_result *r);

const char *row_status_name(enum row_status s);

double monotonic_s(void);

#endif /* VMPROBE_HARNESS_H */
