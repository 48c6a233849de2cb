// SPDX-License-Identifier: GPL-2.0
/*
 * VMPROBE_IOC_INFO: what the kernel believes about the TSC and the CPU, and
 * the module's own check of the TSC rate against the raw monotonic clock.
 *
 * Sources (all exported to modules in 6.1):
 *   tsc_khz, boot_cpu_data, boot_cpu_has()   the kernel's own view
 *   check_tsc_unstable()  (EXPORT_SYMBOL_GPL) VMPROBE_TSC_UNSTABLE
 *   x86_hyper_type        (EXPORT_SYMBOL)     hypervisor
 * The current clocksource's name has no exported accessor in 6.1
 * (curr_clocksource and tk_core are static to kernel/time/, and
 * ktime_get_snapshot()'s cs_id only knows GENERIC and ARM_ARCH_COUNTER), so
 * `clocksource` is left empty; user space reads
 * /sys/devices/system/clocksource/clocksource0/current_clocksource.
 */
#include <linux/delay.h>
#include <linux/math64.h>
#include <linux/preempt.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <asm/hypervisor.h>
#include <asm/processor.h>
#include <asm/tsc.h>

#include "vmprobe_kmod.h"

#define VMPROBE_CALIB_MAX_NAPS	16

static u32 vmprobe_tsc_flags(void)
{
	u32 flags = 0;

	if (boot_cpu_has(X86_FEATURE_CONSTANT_TSC))
		flags |= VMPROBE_TSC_CONSTANT;
	if (boot_cpu_has(X86_FEATURE_NONSTOP_TSC))
		flags |= VMPROBE_TSC_NONSTOP;
	if (boot_cpu_has(X86_FEATURE_TSC_RELIABLE))
		flags |= VMPROBE_TSC_RELIABLE;
	if (check_tsc_unstable())
		flags |= VMPROBE_TSC_UNSTABLE;
	if (boot_cpu_has(X86_FEATURE_TSC_KNOWN_FREQ))
		flags |= VMPROBE_TSC_KNOWN_FREQ;
	if (boot_cpu_has(X86_FEATURE_RDTSCP))
		flags |= VMPROBE_TSC_RDTSCP;
	return flags;
}

/*
 * The kernel has no detector for every VMM (QEMU TCG, Bochs): when the CPU
 * says "hypervisor present" but x86_hyper_type is native, report OTHER.
 */
static u32 vmprobe_hypervisor(void)
{
	switch (x86_hyper_type) {
	case X86_HYPER_NATIVE:
		return boot_cpu_has(X86_FEATURE_HYPERVISOR) ?
		       VMPROBE_HYPER_OTHER : VMPROBE_HYPER_NONE;
	case X86_HYPER_VMWARE:
		return VMPROBE_HYPER_VMWARE;
	case X86_HYPER_MS_HYPERV:
		return VMPROBE_HYPER_HYPERV;
	case X86_HYPER_XEN_PV:
		return VMPROBE_HYPER_XEN_PV;
	case X86_HYPER_XEN_HVM:
		return VMPROBE_HYPER_XEN_HVM;
	case X86_HYPER_KVM:
		return VMPROBE_HYPER_KVM;
	case X86_HYPER_JAILHOUSE:
		return VMPROBE_HYPER_JAILHOUSE;
	case X86_HYPER_ACRN:
		return VMPROBE_HYPER_ACRN;
	default:
		return VMPROBE_HYPER_OTHER;
	}
}

/*
 * Read the TSC and the reference clock together: TSC, clock, TSC with
 * interrupts off (so nothing on this CPU runs in between), keeping the
 * narrowest of up to VMPROBE_REFS_TRIES brackets and stopping at the first
 * under VMPROBE_REFS_MAX_US (the clock read's cost, a VM exit under some
 * VMMs, is far below it; a wider bracket means an SMI or the host took the
 * vCPU), as the kernel's tsc_read_refs() does. *@tsc is the bracket's
 * midpoint; returns the bracket's width in ticks.
 */
#define VMPROBE_REFS_TRIES	5
#define VMPROBE_REFS_MAX_US	20

static u64 vmprobe_read_refs(u64 *tsc, u64 *ns)
{
	u64 wide = vmprobe_us_to_ticks(VMPROBE_REFS_MAX_US);
	u64 best = U64_MAX;
	int try;

	for (try = 0; try < VMPROBE_REFS_TRIES && best > wide; try++) {
		unsigned long flags;
		u64 t0, t1, n;

		local_irq_save(flags);
		t0 = rdtsc_ordered();
		n = ktime_get_raw_ns();
		t1 = rdtsc_ordered();
		local_irq_restore(flags);
		if (t1 - t0 < best) {
			best = t1 - t0;
			*tsc = t0 + best / 2;
			*ns = n;
		}
	}
	return best;
}

/*
 * (khz - ref) / ref in ppm: from -10^6 (khz 0) up to +10^9, where it
 * saturates: a clocksource that stalled or raced can make khz anything, and
 * (khz - ref) * 10^6 must not overflow. Below the saturation
 * |khz - ref| <= 1000 ref, and ref (tsc_khz, an unsigned int) < 2^32, so
 * the product stays under 2^62.
 */
static s64 vmprobe_error_ppm(u64 khz, u64 ref)
{
	const s64 sat = 1000000000;

	if (khz >= ref * 1001)
		return sat;
	if (khz >= ref)
		return (s64)div64_u64((khz - ref) * 1000000, ref);
	return -(s64)div64_u64((ref - khz) * 1000000, ref);
}

/*
 * Count TSC ticks against ktime_get_raw_ns() (the clocksource's rate, not
 * NTP-steered) over a sleep of at least @ms by that clock, each end read
 * by vmprobe_read_refs(). The caller keeps the task on one CPU: with TSCs
 * that are not synchronised, two CPUs' offset would land in the figure.
 */
static int vmprobe_calibrate(struct vmprobe_info *info, u32 ms)
{
	u64 tsc0 = 0, tsc1 = 0, ns0 = 0, ns1 = 0, ticks, ns;
	int naps;

	vmprobe_read_refs(&tsc0, &ns0);

	/*
	 * Sleep until the reference clock says @ms passed: the timer wheel's
	 * jiffies can run ahead of the clocksource under emulation (seen
	 * under QEMU TCG: msleep(20) over 15.8 ms of raw time). Bounded, in
	 * case the clocksource itself stalls.
	 */
	for (naps = 0; naps < VMPROBE_CALIB_MAX_NAPS; naps++) {
		u64 elapsed = ktime_get_raw_ns() - ns0;

		if (elapsed >= (u64)ms * NSEC_PER_MSEC)
			break;
		msleep_interruptible(DIV_ROUND_UP((u64)ms * NSEC_PER_MSEC - elapsed,
						  NSEC_PER_MSEC));
		if (signal_pending(current))
			return -EINTR;
	}

	vmprobe_read_refs(&tsc1, &ns1);

	ticks = tsc1 - tsc0;
	ns = ns1 - ns0;
	info->calib_tsc_ticks = ticks;
	info->calib_ref_ns = ns;
	/*
	 * kHz = ticks per ms. A sleep of at most 1 s cannot reach 2^44 ticks
	 * (over an hour at 4 GHz), which keeps ticks * 1e6 inside a u64; a
	 * window that did anyway (or a clock that went backwards) leaves
	 * calib_tsc_khz 0: no figure.
	 */
	if (!ns || (s64)ns < 0 || ticks >= (1ULL << 44))
		return 0;
	info->calib_tsc_khz = div64_u64(ticks * NSEC_PER_MSEC, ns);
	if (tsc_khz)
		info->calib_error_ppm = vmprobe_error_ppm(info->calib_tsc_khz,
							  tsc_khz);
	return 0;
}

int vmprobe_do_info(struct vmprobe_info *info)
{
	u32 ms = info->calib_ms ?: VMPROBE_CALIB_DEFAULT_MS;
	int ret;

	if (info->calib_ms > VMPROBE_CALIB_MAX_MS ||
	    memchr_inv(info->reserved, 0, sizeof(info->reserved)))
		return -EINVAL;

	info->abi_version = VMPROBE_ABI_VERSION;
	info->ktimed_paravirt = vmprobe_ktimed_paravirt_ops();
	info->tsc_flags = vmprobe_tsc_flags();
	info->tsc_khz = tsc_khz;
	info->hypervisor = vmprobe_hypervisor();
	info->cpu_family = boot_cpu_data.x86;
	info->cpu_model = boot_cpu_data.x86_model;
	info->cpu_stepping = boot_cpu_data.x86_stepping;
	strscpy_pad((char *)info->cpu_vendor, boot_cpu_data.x86_vendor_id,
		    sizeof(info->cpu_vendor));
	strscpy_pad((char *)info->cpu_model_name, boot_cpu_data.x86_model_id,
		    sizeof(info->cpu_model_name));
	memset(info->clocksource, 0, sizeof(info->clocksource));
	info->calib_tsc_ticks = 0;
	info->calib_ref_ns = 0;
	info->calib_tsc_khz = 0;
	info->calib_error_ppm = 0;

	if (!boot_cpu_has(X86_FEATURE_TSC))
		return 0;	/* nothing to calibrate; calib_* stay 0 */
	/* Both ends on one CPU; the task may still sleep and be preempted. */
	migrate_disable();
	ret = vmprobe_calibrate(info, ms);
	migrate_enable();
	return ret;
}
