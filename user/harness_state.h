/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The timing loop's shared state, the lowest room of the harness: the
 * harness and row types (harness.h says what they are for), the stop flag,
 * the row-failure helper and the timed call every part uses. The parts
 * (harness_sample.c, harness_probe.c, harness_timed.c, harness_self.c,
 * harness_marker.c) include this, never harness.h; harness.c, the top,
 * includes them all.
 */
#ifndef VMPROBE_HARNESS_STATE_H
#define VMPROBE_HARNESS_STATE_H

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
	char clocksource[32];		/* the kernel's at harness_init; "" unreadable */
	char clocksource_last[32];	/* the last one seen after a row */
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
	char clocksource_after[32];	/* the kernel's clocksource after the row, when it changed during it */
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

struct run_totals {
	double ticks;				/* raw ticks of the counted samples */
	double ops;				/* ops in the counted samples */
	double counts[COUNTERS_MAX];		/* counts, empty-call counts subtracted */
};

typedef int (*run_fn)(struct bench_state *st, uint64_t n);

void row_result_free(struct row_result *r);

const char *row_status_name(enum row_status s);

double monotonic_s(void);

/* Internal to the harness parts. */
/* The empty region: what timing a call costs when the call does nothing. */
int harness_null_run(struct bench_state *st, uint64_t n);
/*
 * noipa: the compiler must neither inline this nor specialise it for one
 * fn, so the empty call and a benchmark's call pay the same bracket.
 */
__attribute__((noipa)) uint64_t harness_timed_call(run_fn fn, struct bench_state *st,
						 uint64_t n, int *ret);
/* One sample: counters (if any) enabled just outside the TSC bracket. */
uint64_t harness_take_sample(struct harness *h, run_fn fn, struct bench_state *st, uint64_t n,
			     int *ret, struct counter_values *cv);
/* The median of x (0 when it has none). */
double harness_median(double *x, size_t n);
/*
 * The mean of the samples inside Tukey's fences, widened to at least one
 * TSC step (step ticks) past the quartiles so that a quantized mix keeps
 * all its values (see harness_state.c).
 */
double harness_fenced_mean(const double *x, size_t n, double step);
/* Whether SIGINT/SIGTERM asked the run to stop. */
bool harness_stopping(const struct harness *h);
/* The row failed at WHAT (st->msg says why); returns 0, the row is done. */
int harness_row_fail(struct row_result *r, const char *what, const struct bench_state *st);
/* Counters of one sample, less the empty call's counts, added into the row. */
void harness_add_counts(struct harness *h, struct row_result *r, const struct counter_values *cv,
			double *sum);

#endif /* VMPROBE_HARNESS_STATE_H */
