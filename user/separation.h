/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Separation: what share of a row's time the guest did not run (the VMM,
 * the host, other guests). Three methods, best first:
 *
 *   pmu    per row: 1 - unhalted cycles / (task-clock time x TSC Hz x
 *          cycles per TSC tick). The ratio cycles per tick is taken in a
 *          busy spin right before the row (not once at start-up: the core
 *          clock may change between rows); task clock, not wall TSC, is
 *          the denominator, so time the task slept (ctxsw, fork) is not
 *          counted as outside. Wall TSC ticks when task clock is absent.
 *   gaps   the module's GAPS spins before and after the run: background
 *          stolen time, one figure per run, the same for every row (it is
 *          not the row's own exits, which sit inside its samples).
 *   steal  /proc/stat steal over the row (0 where the VMM reports none).
 */
#ifndef VMPROBE_SEPARATION_H
#define VMPROBE_SEPARATION_H

#include <stdbool.h>
#include <stdint.h>

#include "counters.h"

enum separation_method { SEP_NONE, SEP_PMU, SEP_GAPS, SEP_STEAL };

struct separation {
	enum separation_method method;
	double outside_share;		/* share of the time the guest did not run; NAN if none */
	double cycles_per_tick;		/* pmu: the row's own clock ratio; NAN otherwise */
	char note[320];
};

/* Stolen time seen by the module's GAPS detector, measured around the run. */
struct gaps_estimate {
	bool valid;
	double stolen_share;		/* gap ticks / spun ticks */
	uint64_t gap_count;
	double gap_max_ns;
	char note[200];
};

/* What one row gives the separation. Negative/NAN: not known. */
struct separation_inputs {
	double cycles;			/* the row's unhalted cycles, all samples */
	double task_clock_ns;		/* the row's task clock, all samples */
	double ticks;			/* the row's TSC ticks, all samples */
	double hz;			/* TSC ticks per second */
	double cycles_per_tick;		/* busy-spin clock ratio before the row; 0 unknown */
	const struct gaps_estimate *gaps;
	double steal_s;			/* /proc/stat steal over the row, -1 unknown */
	double elapsed_s;		/* wall time of the row */
	long clk_tck;			/* /proc/stat's tick rate, for the note */
};

/*
 * 1 - cycles / (ticks x cycles_per_tick), clamped to [0, 1]; NAN when the
 * inputs cannot give one. (ticks: the denominator in TSC ticks.)
 */
double separation_pmu_share(double cycles, double ticks, double cycles_per_tick);

/* Picks the best method the inputs allow and fills *s. */
void separation_compute(struct separation *s, const struct separation_inputs *in);

/* Core cycles per TSC tick in a busy spin of about `seconds`; 0 when no cycles counter. */
double separation_cycle_ratio(struct counter_set *set, double hz, double seconds);

/*
 * The module's GAPS over `windows` spins of window_us: into *g, or averaged
 * with what *g holds (the run's end). Leaves *g alone when devfd < 0 or
 * the module fails.
 */
void separation_gaps(struct gaps_estimate *g, int devfd, double hz, bool average);

/* Stolen seconds in /proc/stat: the CPU's line (cpu >= 0), else the average; -1 unknown. */
double separation_steal_seconds(int cpu);

const char *separation_method_name(enum separation_method m);

#endif /* VMPROBE_SEPARATION_H */
