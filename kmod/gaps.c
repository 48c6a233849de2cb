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
 * It also ends after window_us x VMPROBE_GAPS_MAX_READS_PER_US reads, in
 * case the TSC stops advancing: no TSC read takes under 1 ns, so that bound
 * never cuts a window of a working TSC short.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math64.h>
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

static void vmprobe_gaps_count(struct vmprobe_gaps *g, u64 gap, u64 threshold)
{
	u64 ratio = div64_u64(gap, threshold);	/* >= 1: gap > threshold */
	unsigned int bucket = min_t(unsigned int, ilog2(ratio),
				    VMPROBE_GAPS_HIST_BUCKETS - 1);

	g->gap_count++;
	g->gap_ticks_total += gap;
	g->gap_ticks_max = max(g->gap_ticks_max, gap);
	g->hist[bucket]++;
}

/* One window with interrupts off; adds what it saw to @g. */
static notrace void vmprobe_gaps_window(struct vmprobe_gaps *g, u64 window,
				u64 threshold)
{
	u64 max_reads = (u64)g->window_us * VMPROBE_GAPS_MAX_READS_PER_US;
	unsigned long flags;
	u64 start, last, now, reads = 0;

	/* interrupts off keep the task here: no preempt_disable() needed */
	local_irq_save(flags);
	start = last = rdtsc_ordered();
	do {
		now = rdtsc_ordered();
		reads++;
		if (now - last > threshold)
			vmprobe_gaps_count(g, now - last, threshold);
		last = now;
	} while (now - start < window && reads < max_reads);
	local_irq_restore(flags);

	g->spin_ticks += now - start;
	g->spin_reads += reads;
}

int vmprobe_do_gaps(struct vmprobe_gaps *g)
{
	u32 threshold_ns;
	u64 window, threshold;
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
	g->spin_ticks = g->spin_reads = 0;
	g->gap_count = g->gap_ticks_total = g->gap_ticks_max = 0;
	memset(g->hist, 0, sizeof(g->hist));

	while (g->windows_done < g->windows) {
		vmprobe_gaps_window(g, window, threshold);
		g->windows_done++;
		if (signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}
