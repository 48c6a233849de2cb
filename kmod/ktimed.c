// SPDX-License-Identifier: GPL-2.0
/*
 * VMPROBE_IOC_KTIMED: time, inside the kernel, the instructions a VMM traps
 * or emulates (rdtsc, cpuid, rdmsr, port I/O, control registers, invlpg).
 *
 * A batch runs one op `iterations` times with preemption and interrupts
 * off, between two rdtsc_ordered() reads. Every op batch is preceded by an
 * empty-loop batch of the same length (the overhead), so both see the same
 * conditions. Between batch pairs the task reschedules if needed and stops
 * with -EINTR when a signal is pending. Medians are computed here.
 *
 * Ops go through the kernel's own paravirt-aware accessors where the kernel
 * has one (cpuid(), read_cr0(), __read_cr3(), rdmsrl_safe(): under Xen PV
 * these are the pv_ops the kernel really runs), and raw instructions where
 * the kernel itself uses the raw instruction (rdtsc, rdtscp, inb).
 * invlpg is the exception: a Xen PV kernel runs in ring 3 and must not issue
 * it, so under Xen PV the op is the kernel's __flush_tlb_one_user() pv_op
 * (a MMUEXT_INVLPG_LOCAL hypercall); elsewhere it is the raw instruction.
 * Raw invlpg and inb are first tried once under an exception-table fixup:
 * if either faults here the op answers -EOPNOTSUPP instead of oopsing.
 *
 * Interrupts-off bound: before the first batch, short probe batches (the
 * best of three of 1 op, then of min(iterations, 8) ops) estimate a full
 * batch; an estimate above VMPROBE_IRQOFF_CAP_US refuses the call with
 * -ERANGE (batch_ticks_max = the estimate) before any long section runs.
 * A batch that still exceeds the cap (a host preempting the vCPU looks the
 * same from inside) is re-run up to VMPROBE_CAP_RETRIES times; if it keeps
 * exceeding, the call stops with -ERANGE.
 *
 * Checked under Xen 4.17 PV dom0 (nested in QEMU TCG) with the same kind
 * of fixup: a raw invlpg takes #GP there, while raw inb, mov from cr0/cr3
 * and rdmsr are emulated by Xen. Ops that exit to Xen cost tens of
 * microseconds there, so they get -ERANGE at 1024 iterations.
 *
 * Worst case of the largest accepted request (iterations 1024, batches
 * 100000): each batch pair holds interrupts off for at most 2 x 1 ms, so
 * 100000 pairs take at most 200 s of spinning, plus rescheduling; a
 * signal ends it between any two pairs. A batch re-run after an overrun
 * adds at most two more sections per batch before the call stops.
 * Memory: two kvmalloc'ed arrays of `batches` u64s (1.6 MB at most), freed
 * on every path.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/asm.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/tsc.h>
#include <xen/xen.h>

#include "vmprobe_kmod.h"

#define VMPROBE_CAP_RETRIES	2
#define VMPROBE_PIO_PORT	0x80

/* invlpg target: a page of the module that the timed loop never touches. */
static const u64 vmprobe_invlpg_target __aligned(64);

typedef u64 (*vmprobe_batch_fn)(u32 iterations);

/*
 * One timed batch per op. The compiler barrier in every loop body keeps the
 * loop shape identical for all ops (EMPTY included) and stops the compiler
 * from merging or hoisting iterations; every op is an asm volatile or a
 * pv_op call, neither of which the compiler may drop.
 */
#define VMPROBE_DEFINE_BATCH(name, op_stmt)				\
static noinline u64 vmprobe_batch_##name(u32 iterations)		\
{									\
	u64 t0, t1;							\
	u32 i;								\
									\
	t0 = rdtsc_ordered();						\
	for (i = 0; i < iterations; i++) {				\
		op_stmt;						\
		barrier();						\
	}								\
	t1 = rdtsc_ordered();						\
	return t1 - t0;							\
}

static __always_inline void vmprobe_op_rdtscp(void)
{
	asm volatile("rdtscp" ::: "eax", "ecx", "edx");
}

static __always_inline void vmprobe_op_cpuid(unsigned int leaf)
{
	unsigned int eax, ebx, ecx, edx;

	cpuid(leaf, &eax, &ebx, &ecx, &edx);	/* pv_ops cpu.cpuid */
}

static __always_inline void vmprobe_op_rdmsr(void)
{
	unsigned long long val;

	(void)rdmsrl_safe(MSR_IA32_TSC, &val);	/* pv_ops cpu.read_msr_safe */
}

static __always_inline void vmprobe_op_invlpg(const void *addr)
{
	asm volatile("invlpg (%0)" : : "r" (addr) : "memory");
}

VMPROBE_DEFINE_BATCH(empty, )
VMPROBE_DEFINE_BATCH(rdtsc, (void)rdtsc())
VMPROBE_DEFINE_BATCH(rdtscp, vmprobe_op_rdtscp())
VMPROBE_DEFINE_BATCH(cpuid0, vmprobe_op_cpuid(0))
VMPROBE_DEFINE_BATCH(cpuid1, vmprobe_op_cpuid(1))
VMPROBE_DEFINE_BATCH(rdmsr, vmprobe_op_rdmsr())
VMPROBE_DEFINE_BATCH(pio_read, (void)inb(VMPROBE_PIO_PORT))
VMPROBE_DEFINE_BATCH(read_cr0, (void)read_cr0())
VMPROBE_DEFINE_BATCH(read_cr3, (void)__read_cr3())
VMPROBE_DEFINE_BATCH(invlpg, vmprobe_op_invlpg(&vmprobe_invlpg_target))
VMPROBE_DEFINE_BATCH(invlpg_pv,
		     __flush_tlb_one_user((unsigned long)&vmprobe_invlpg_target))

/* Try a raw instruction once; 0 if it ran, -EOPNOTSUPP if it faulted. */
static int vmprobe_try_invlpg(void)
{
	int ret = -EOPNOTSUPP;

	asm volatile("1:	invlpg (%[addr])\n"
		     "	xorl %[ret], %[ret]\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : [ret] "+r" (ret)
		     : [addr] "r" (&vmprobe_invlpg_target)
		     : "memory");
	return ret;
}

static int vmprobe_try_inb(void)
{
	int ret = -EOPNOTSUPP;

	asm volatile("1:	inb %w[port], %%al\n"
		     "	xorl %[ret], %[ret]\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : [ret] "+r" (ret)
		     : [port] "Nd" ((u16)VMPROBE_PIO_PORT)
		     : "eax", "memory");
	return ret;
}

/* The batch function for @op on this CPU and kernel, or an errno. */
static int vmprobe_select_op(u32 op, vmprobe_batch_fn *fn)
{
	unsigned long long val;
	int ret = 0;

	switch (op) {
	case VMPROBE_OP_EMPTY:
		*fn = vmprobe_batch_empty;
		break;
	case VMPROBE_OP_RDTSC:
		*fn = vmprobe_batch_rdtsc;
		break;
	case VMPROBE_OP_RDTSCP:
		if (!boot_cpu_has(X86_FEATURE_RDTSCP))
			return -EOPNOTSUPP;
		*fn = vmprobe_batch_rdtscp;
		break;
	case VMPROBE_OP_CPUID0:
		*fn = vmprobe_batch_cpuid0;
		break;
	case VMPROBE_OP_CPUID1:
		*fn = vmprobe_batch_cpuid1;
		break;
	case VMPROBE_OP_RDMSR:
		if (rdmsrl_safe(MSR_IA32_TSC, &val))
			return -EOPNOTSUPP;
		*fn = vmprobe_batch_rdmsr;
		break;
	case VMPROBE_OP_PIO_READ:
		ret = vmprobe_try_inb();
		*fn = vmprobe_batch_pio_read;
		break;
	case VMPROBE_OP_READ_CR0:
		*fn = vmprobe_batch_read_cr0;
		break;
	case VMPROBE_OP_READ_CR3:
		*fn = vmprobe_batch_read_cr3;
		break;
	case VMPROBE_OP_INVLPG:
		if (xen_pv_domain()) {
			*fn = vmprobe_batch_invlpg_pv;
		} else {
			ret = vmprobe_try_invlpg();
			*fn = vmprobe_batch_invlpg;
		}
		break;
	default:
		return -EINVAL;
	}
	return ret;
}

/* One batch with preemption and interrupts off. */
static u64 vmprobe_run_batch(vmprobe_batch_fn fn, u32 iterations)
{
	unsigned long flags;
	u64 ticks;

	preempt_disable();
	local_irq_save(flags);
	ticks = fn(iterations);
	local_irq_restore(flags);
	preempt_enable();
	return ticks;
}

/* The best of a few batches of @iterations: a low-noise figure. */
static u64 vmprobe_best_batch(vmprobe_batch_fn fn, u32 iterations)
{
	u64 best = U64_MAX;
	int run;

	for (run = 0; run < VMPROBE_KTIMED_PROBE_RUNS; run++) {
		best = min(best, vmprobe_run_batch(fn, iterations));
		cond_resched();
	}
	return best;
}

/*
 * What a full batch will take. One op first: if even that extrapolates
 * past the cap we stop there, so no probe holds interrupts off for long
 * (a probe of n ops takes n/iterations of an estimate under the cap).
 */
static u64 vmprobe_estimate_batch(vmprobe_batch_fn fn, u32 iterations, u64 cap)
{
	u32 probe_iters = min_t(u32, iterations, VMPROBE_KTIMED_PROBE_ITERS);
	u64 estimate = vmprobe_best_batch(fn, 1) * iterations;

	if (estimate > cap || probe_iters == 1)
		return estimate;
	return div_u64(vmprobe_best_batch(fn, probe_iters) * iterations,
		       probe_iters);
}

static int vmprobe_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Sort @v (n > 0) in place and report its min, median and max. */
static void vmprobe_summarise(u64 *v, u32 n, u64 *min, u64 *median, u64 *max)
{
	sort(v, n, sizeof(*v), vmprobe_cmp_u64, NULL);
	*min = v[0];
	*max = v[n - 1];
	*median = n & 1 ? v[n / 2] : v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
}

static int vmprobe_ktimed_check(const struct vmprobe_ktimed *kt)
{
	if (kt->flags || memchr_inv(kt->reserved, 0, sizeof(kt->reserved)))
		return -EINVAL;
	if (kt->op >= VMPROBE_OP_COUNT)
		return -EINVAL;
	if (!kt->iterations || kt->iterations > VMPROBE_KTIMED_MAX_ITERS)
		return -EINVAL;
	if (!kt->batches || kt->batches > VMPROBE_KTIMED_MAX_BATCHES)
		return -EINVAL;
	return 0;
}

int vmprobe_do_ktimed(struct vmprobe_ktimed *kt)
{
	u64 __user *samples = u64_to_user_ptr(kt->samples_ptr);
	u64 cap = vmprobe_us_to_ticks(VMPROBE_IRQOFF_CAP_US);
	u64 *op_ticks = NULL, *ovh_ticks = NULL;
	u64 worst = 0, estimate;
	vmprobe_batch_fn fn;
	u32 done = 0;
	int ret;

	ret = vmprobe_ktimed_check(kt);
	if (ret)
		return ret;
	kt->batches_done = 0;
	kt->batch_ticks_min = kt->batch_ticks_median = kt->batch_ticks_max = 0;
	kt->overhead_ticks_min = kt->overhead_ticks_median = 0;
	kt->overhead_ticks_max = 0;

	/* Without a known TSC rate nothing here can be timed or capped. */
	if (!boot_cpu_has(X86_FEATURE_TSC) || !cap)
		return -EOPNOTSUPP;
	ret = vmprobe_select_op(kt->op, &fn);
	if (ret)
		return ret;

	/* Fail on a bad samples buffer now, not after the whole run. */
	if (samples && clear_user(samples, (size_t)kt->batches * sizeof(u64)))
		return -EFAULT;

	op_ticks = kvmalloc_array(kt->batches, sizeof(u64), GFP_KERNEL_ACCOUNT);
	ovh_ticks = kvmalloc_array(kt->batches, sizeof(u64), GFP_KERNEL_ACCOUNT);
	if (!op_ticks || !ovh_ticks) {
		ret = -ENOMEM;
		goto out_free;
	}

	estimate = max(vmprobe_estimate_batch(fn, kt->iterations, cap),
		       vmprobe_estimate_batch(vmprobe_batch_empty, kt->iterations, cap));
	if (estimate > cap) {
		worst = estimate;
		ret = -ERANGE;
		goto out_report;
	}

	for (done = 0; done < kt->batches; done++) {
		u64 ovh, tick;
		int attempt;

		for (attempt = 0; ; attempt++) {
			ovh = vmprobe_run_batch(vmprobe_batch_empty, kt->iterations);
			tick = vmprobe_run_batch(fn, kt->iterations);
			if (ovh <= cap && tick <= cap)
				break;
			if (attempt == VMPROBE_CAP_RETRIES) {
				worst = max(ovh, tick);
				ret = -ERANGE;
				goto out_report;
			}
			cond_resched();
		}
		op_ticks[done] = tick;
		ovh_ticks[done] = ovh;

		if (signal_pending(current)) {
			done++;
			ret = -EINTR;
			goto out_report;
		}
		cond_resched();
	}

out_report:
	kt->batches_done = done;
	if (samples && done &&
	    copy_to_user(samples, op_ticks, (size_t)done * sizeof(u64))) {
		ret = -EFAULT;
		goto out_free;
	}
	if (done) {
		vmprobe_summarise(op_ticks, done, &kt->batch_ticks_min,
				  &kt->batch_ticks_median, &kt->batch_ticks_max);
		vmprobe_summarise(ovh_ticks, done, &kt->overhead_ticks_min,
				  &kt->overhead_ticks_median,
				  &kt->overhead_ticks_max);
	}
	/* On -ERANGE, batch_ticks_max is the batch (or estimate) that overran. */
	kt->batch_ticks_max = max(kt->batch_ticks_max, worst);
out_free:
	kvfree(ovh_ticks);
	kvfree(op_ticks);
	return ret;
}
