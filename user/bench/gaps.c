// SPDX-License-Identifier: GPL-2.0
/*
 * gaps: stolen time seen from inside the guest (VMPROBE_IOC_GAPS, after the
 * kernel's hwlat tracer): the module spins with interrupts off reading the
 * TSC back to back, and every step longer than the threshold (default
 * 1000 ns) is time this vCPU did not run.
 *
 * Unit: one op is one millisecond spun; the figure is the TSC ticks lost
 * in gaps during it, so the harness's ns column reads "ns stolen per ms"
 * and 1e6 ns/ms would mean the vCPU never ran (stolen share = figure in ns
 * / 1e6). One sample = one GAPS call whose windows add up to the time goal.
 * st->msg carries a note: gap count, longest gap, share of the last call.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "kmodif.h"

/* Half the interrupts-off cap: long windows catch long gaps, and stay legal. */
#define GAPS_WINDOW_US	(VMPROBE_GAPS_MAX_WINDOW_US / 2)

static int gaps_measure(struct bench_state *st, struct bench_samples *out, double time_goal_s)
{
	double w = time_goal_s * 1e6 / GAPS_WINDOW_US;
	unsigned windows = w < 1 ? 1 : w > VMPROBE_GAPS_MAX_WINDOWS ? VMPROBE_GAPS_MAX_WINDOWS
								    : (unsigned)w;
	uint64_t gaps = 0, max_gap = 0, gap_ticks = 0, spin_ticks = 0;
	double ms_spun = 0;

	out->count = 0;
	while (out->count < out->cap) {
		struct vmprobe_gaps g;
		int err = kmod_gaps(st->devfd, &g, GAPS_WINDOW_US, windows, 0);
		double ms;

		if (err == -EINTR)
			return bench_fail(st, "interrupted by a signal after %u of %u windows",
					  g.windows_done, windows);
		if (err)
			return bench_fail(st, "VMPROBE_IOC_GAPS: %s", strerror(-err));
		if (g.windows_done == 0)
			return bench_fail(st, "VMPROBE_IOC_GAPS ran no window");
		ms = (double)g.windows_done * GAPS_WINDOW_US / 1000.0;
		out->ticks[out->count++] = (double)g.gap_ticks_total / ms;
		gaps += g.gap_count;
		gap_ticks += g.gap_ticks_total;
		spin_ticks += g.spin_ticks;
		ms_spun += ms;
		if (g.gap_ticks_max > max_gap)
			max_gap = g.gap_ticks_max;
	}
	out->ops_per_sample = (uint64_t)(ms_spun / (out->count ? out->count : 1) + 0.5);
	if (out->ops_per_sample == 0)
		out->ops_per_sample = 1;
	out->overhead_ticks = 0;
	snprintf(st->msg, sizeof(st->msg),
		 "%llu gaps over %.0f ms spun, longest %llu ticks, stolen share %.4f%%",
		 (unsigned long long)gaps, ms_spun, (unsigned long long)max_gap,
		 spin_ticks ? 100.0 * (double)gap_ticks / (double)spin_ticks : 0.0);
	return 0;
}

const struct bench bench_gaps = {
	.name = "gaps",
	.group = "micro",
	.panel = "kernel",
	.summary = "stolen time: TSC gaps while spinning with interrupts off (ticks per ms spun)",
	.unit = "ms-spun",
	.flags = BENCH_NEEDS_MODULE,
	.valid = bench_needs_module,
	.measure = gaps_measure,
};
