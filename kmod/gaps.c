// SPDX-License-Identifier: GPL-2.0
/*
 * VMPROBE_IOC_GAPS: a stolen-time detector in the spirit of the hwlat
 * tracer. In each window the CPU spins with interrupts off reading the TSC
 * back to back; nothing in the guest can run meanwhile, so a step between
 * two reads longer than the threshold is time the guest did not get (the
 * VMM, another vCPU's host thread, firmware). Between windows interrupts
 * are on, the task reschedules if needed and a pending signal ends the call
 * with -EINTR.
 *
 * Worst case of the largest accepted request (window_us 1000, windows
 * 10000): 10000 windows of 1 ms with interrupts off, 10 s of spinning plus
 * rescheduling; a signal ends it between any two windows. A window ends at
 * the first TSC read past its end, so it is longer than window_us only by
 * the one gap that straddles the end (which the VMM, not the guest, took).
 *
 * A TSC that stops advancing: a window also ends after a number of reads
 * set by the reads per microsecond measured before the first window (the
 * best of VMPROBE_GAPS_RATE_PROBES runs of VMPROBE_GAPS_RATE_READS reads),
 * times window_us, times VMPROBE_GAPS_READS_MARGIN, and never more than
 * window_us x VMPROBE_GAPS_MAX_READS_PER_US. Such a window lasts at most
 * VMPROBE_GAPS_READS_MARGIN windows of reads at the measured rate (4 ms at
 * the largest window), wherever RDTSC traps or not.
 * A TSC that steps backwards: such a step is counted in backward_steps and
 * adds nothing to any total; totals saturate at U64_MAX.
 */
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <asm/tsc.h>

#include "vmprobe_kmod.h"

static int vmprobe_gaps_check(const struct vmprobe_gaps *g)
{
	if (g->flags || memchr_inv(g->reserved, 0, sizeof(g->reserved)))
		return -EINVAL;
	if (!g->window_us || g->window_us > VMPROBE_GAPS_MAX_WINDOW_US)
		return -EINVAL;
	if (!g->windows || g->windows > VMPROBE_GAPS_MAX_WINDOWS)
		return -EINVAL;
	if ((u64)g->threshold_ns > (u64)g->window_us * NSEC_PER_USEC)
		return -EINVAL;
	return 0;
}

/* @*a += @b, saturated at U64_MAX. */
static void vmprobe_add_sat(u64 *a, u64 b)
{
	if (check_add_overflow(*a, b, a))
		*a = U64_MAX;
}

static void vmprobe_gaps_count(struct vmprobe_gaps *g, u64 gap, u64 threshold)
{
	u64 ratio = div64_u64(gap, threshold);	/* >= 1: gap > threshold */
	unsigned int bucket = min_t(unsigned int, ilog2(ratio),
				    VMPROBE_GAPS_HIST_BUCKETS - 1);

	g->gap_count++;
	vmprobe_add_sat(&g->gap_ticks_total, gap);
	g->gap_ticks_max = max(g->gap_ticks_max, gap);
	g->hist[bucket]++;
}

/*
 * The most reads a window of @window_us may make: the reads per us this CPU
 * manages (best of a few short runs with interrupts off), times the margin,
 * capped by VMPROBE_GAPS_MAX_READS_PER_US (also the answer when the TSC did
 * not move during the runs).
 */
static notrace u64 vmprobe_gaps_max_reads(u32 window_us)
{
	u64 cap = (u64)window_us * VMPROBE_GAPS_MAX_READS_PER_US;
	u64 best = U64_MAX, max_reads;
	unsigned long flags;
	int run, i;

	for (run = 0; run < VMPROBE_GAPS_RATE_PROBES; run++) {
		u64 t0, t1;

		local_irq_save(flags);
		t0 = rdtsc_ordered();
		for (i = 0; i < VMPROBE_GAPS_RATE_READS; i++)
			t1 = rdtsc_ordered();
		local_irq_restore(flags);
		if ((s64)(t1 - t0) > 0)
			best = min(best, t1 - t0);
	}
	if (best == U64_MAX)
		return cap;
	/*
	 * reads/us = READS x (ticks per us) / best; tsc_khz < 2^32 keeps the
	 * numerator under 2^51, and a best past U64_MAX / 1000 (a TSC that
	 * jumped) leaves the floor of 1 read.
	 */
	if (best > div_u64(U64_MAX, USEC_PER_MSEC))
		return 1;
	max_reads = div64_u64((u64)window_us * VMPROBE_GAPS_READS_MARGIN *
			      VMPROBE_GAPS_RATE_READS * tsc_khz,
			      best * USEC_PER_MSEC);
	return clamp_t(u64, max_reads, 1, cap);
}

/*
 * One window with interrupts off; adds what it saw to @g. Its length is
 * the sum of the forward steps: a backward step is counted apart.
 */
static notrace void vmprobe_gaps_window(struct vmprobe_gaps *g, u64 window,
					u64 threshold, u64 max_reads)
{
	unsigned long flags;
	u64 last, now, step, spun = 0, reads = 0;

	/* interrupts off keep the task here: no preempt_disable() needed */
	local_irq_save(flags);
	last = rdtsc_ordered();
	do {
		now = rdtsc_ordered();
		reads++;
		step = now - last;
		last = now;
		if ((s64)step < 0) {
			g->backward_steps++;
			continue;
		}
		if (step > threshold)
			vmprobe_gaps_count(g, step, threshold);
		vmprobe_add_sat(&spun, step);
	} while (spun < window && reads < max_reads);
	local_irq_restore(flags);

	vmprobe_add_sat(&g->spin_ticks, spun);
	g->spin_reads += reads;
}

int vmprobe_do_gaps(struct vmprobe_gaps *g)
{
	u32 threshold_ns;
	u64 window, threshold, max_reads;
	int ret;

	ret = vmprobe_gaps_check(g);
	if (ret)
		return ret;
	/* The default (1 us) never exceeds the shortest window (1 us). */
	threshold_ns = g->threshold_ns ?: VMPROBE_GAPS_DEFAULT_THRESHOLD_NS;

	window = vmprobe_us_to_ticks(g->window_us);
	threshold = div_u64((u64)threshold_ns * tsc_khz, NSEC_PER_MSEC);
	if (!boot_cpu_has(X86_FEATURE_TSC) || !window)
		return -EOPNOTSUPP;
	threshold = max_t(u64, threshold, 1);	/* sub-tick thresholds: any step */

	g->windows_done = 0;
	g->spin_ticks = 0;
	g->spin_reads = 0;
	g->gap_count = 0;
	g->gap_ticks_total = 0;
	g->gap_ticks_max = 0;
	g->backward_steps = 0;
	memset(g->hist, 0, sizeof(g->hist));
	max_reads = vmprobe_gaps_max_reads(g->window_us);

	while (g->windows_done < g->windows) {
		vmprobe_gaps_window(g, window, threshold, max_reads);
		g->windows_done++;
		if (signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}
