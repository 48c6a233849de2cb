// SPDX-License-Identifier: GPL-2.0
/* Separation methods (see separation.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kmodif.h"
#include "separation.h"
#include "tsc.h"

#define GAPS_WINDOW_US		1000	/* the module's cap: one window = 1 ms irq-off */
#define GAPS_WINDOWS		25

const char *separation_method_name(enum separation_method m)
{
	switch (m) {
	case SEP_PMU:	return "pmu";
	case SEP_GAPS:	return "gaps";
	case SEP_STEAL:	return "steal";
	default:	return "none";
	}
}

double separation_pmu_share(double cycles, double ticks, double cycles_per_tick)
{
	double share;

	if (!(ticks > 0) || !(cycles_per_tick > 0) || !(cycles >= 0))
		return NAN;
	share = 1 - cycles / (ticks * cycles_per_tick);
	/* Counts above the ticks (a ratio taken at another clock speed): nothing outside then. */
	return share < 0 ? 0 : share > 1 ? 1 : share;
}

void separation_compute(struct separation *s, const struct separation_inputs *in)
{
	s->outside_share = NAN;
	s->cycles_per_tick = NAN;
	if (in->cycles >= 0 && in->cycles_per_tick > 0 && (in->task_clock_ns > 0 || in->ticks > 0)) {
		bool task = in->task_clock_ns > 0 && in->hz > 0;
		double denom = task ? in->task_clock_ns * 1e-9 * in->hz : in->ticks;

		s->method = SEP_PMU;
		s->cycles_per_tick = in->cycles_per_tick;
		s->outside_share = separation_pmu_share(in->cycles, denom, in->cycles_per_tick);
		snprintf(s->note, sizeof(s->note),
			 "1 - unhalted cycles / (%s x %.3f cycles per TSC tick in a busy spin before"
			 " this row)%s", task ? "task-clock time in TSC ticks" : "TSC ticks",
			 in->cycles_per_tick,
			 task ? "" : "; no task clock: time the task slept counts as outside");
	} else if (in->gaps && in->gaps->valid) {
		s->method = SEP_GAPS;
		s->outside_share = in->gaps->stolen_share;
		snprintf(s->note, sizeof(s->note),
			 "background stolen time, one figure per run (not this row's own exits): %s",
			 in->gaps->note);
	} else if (in->steal_s >= 0 && in->elapsed_s > 0) {
		s->method = SEP_STEAL;
		s->outside_share = in->steal_s / in->elapsed_s;
		snprintf(s->note, sizeof(s->note),
			 "/proc/stat steal over the row (%ld Hz ticks; 0 where the VMM reports none)",
			 in->clk_tck);
	} else {
		s->method = SEP_NONE;
		snprintf(s->note, sizeof(s->note), "no PMU, no module, no /proc/stat steal");
	}
}

double separation_cycle_ratio(struct counter_set *set, double hz, double seconds)
{
	int idx = set ? counters_find(set, "cycles") : -1;
	struct counter_values cv;
	uint64_t t0, t1, goal;

	if (idx < 0 || set->ev[idx].fd < 0 || !(hz > 0))
		return 0;
	goal = (uint64_t)(hz * seconds);
	counters_reset(set);
	counters_enable();
	t0 = tsc_begin();
	do
		t1 = tsc_end();
	while (t1 - t0 < goal);
	counters_disable();
	counters_read(set, &cv);
	return cv.valid[idx] && cv.value[idx] > 0 ? cv.value[idx] / (double)(t1 - t0) : 0;
}

void separation_gaps(struct gaps_estimate *g, int devfd, double hz, bool average)
{
	struct vmprobe_gaps k;
	double share;

	if (devfd < 0 || kmod_gaps(devfd, &k, GAPS_WINDOW_US, GAPS_WINDOWS, 0) || !k.spin_ticks)
		return;
	share = (double)k.gap_ticks_total / (double)k.spin_ticks;
	if (average && g->valid) {
		g->stolen_share = (g->stolen_share + share) / 2;
		g->gap_count += k.gap_count;
		g->gap_max_ns = fmax(g->gap_max_ns, k.gap_ticks_max / hz * 1e9);
	} else {
		g->stolen_share = share;
		g->gap_count = k.gap_count;
		g->gap_max_ns = k.gap_ticks_max / hz * 1e9;
	}
	g->valid = true;
	snprintf(g->note, sizeof(g->note),
		 "module GAPS (%d x %d us spins) %s the run: %llu gaps > 1 us, longest %.1f us",
		 GAPS_WINDOWS, GAPS_WINDOW_US, average ? "before and after" : "before",
		 (unsigned long long)g->gap_count, g->gap_max_ns / 1e3);
}

double separation_steal_seconds(int cpu)
{
	FILE *f = fopen("/proc/stat", "r");
	char line[512], want[32];
	double total = -1;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), hz = sysconf(_SC_CLK_TCK);

	if (!f)
		return -1;
	if (cpu >= 0)
		snprintf(want, sizeof(want), "cpu%d ", cpu);
	else
		snprintf(want, sizeof(want), "cpu ");
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[8];

		if (strncmp(line, want, strlen(want)))
			continue;
		if (sscanf(line + strlen(want), "%llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8)
			total = (double)v[7] / hz / (cpu >= 0 ? 1 : (ncpu > 0 ? ncpu : 1));
		break;
	}
	fclose(f);
	return total;
}
