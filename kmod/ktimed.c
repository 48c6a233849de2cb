// SPDX-License-Identifier: GPL-2.0
/*
 * VMPROBE_IOC_KTIMED: time, inside the kernel, the instructions a VMM traps
 * or emulates (rdtsc, cpuid, rdmsr, port I/O, control registers, invlpg).
 *
 * A call runs `batches` pairs of batches, each batch with interrupts off
 * between two rdtsc_ordered() reads: a reference batch, then the measured
 * one (flags 0: the empty loop, then the op, `iterations` loop passes each;
 * VMPROBE_KTIMED_DOUBLE: the op once per pass, then twice per pass), so
 * both see the same conditions and user space can pair them. After every
 * probe batch and every pair, rerun or not, the task reschedules if needed
 * and stops with -EINTR when a signal is pending. Medians of both and of
 * the per-pair differences are computed here.
 *
 * Ops are the bare instruction with the register setup it needs (each
 * row's summary in the uapi list states the count, which tests/33 checks
 * under an instruction clock), except under Xen PV: there the kernel runs
 * deprivileged, its cpuid(), rdmsr_safe(), read_cr0() and __read_cr3() are
 * pv_ops, and invlpg is the __flush_tlb_one_user() pv_op (a
 * MMUEXT_INVLPG_LOCAL hypercall), so those rows time the kernel's own
 * accessors, as the kernel runs them (vmprobe_ktimed_paravirt_ops(),
 * reported by VMPROBE_IOC_INFO). rdtsc, rdtscp and inb are raw everywhere,
 * as the kernel itself runs them.
 * Raw invlpg and inb are first tried once under an exception-table fixup:
 * if either faults here the op answers -EOPNOTSUPP instead of oopsing.
 *
 * Interrupts-off bound (include/uapi/vmprobe.h, "the interrupts-off bound",
 * states it; the README and tests/guest/modtest.c state the same: a section
 * lasts at most the cap + C loop passes + one TSC read, C = 8, or 1 for
 * probes and slow ops): before the first pair,
 * short probe batches (the best of three of 1 op, then of
 * min(iterations, 8) ops) estimate a full batch of each kind; an estimate
 * above the cap refuses the call with -ERANGE before any long section
 * runs. The probes check the cap on every loop pass. The pairs then check
 * it every VMPROBE_KTIMED_CHECK_EVERY passes, or on every pass when the
 * probes put one pass above cap / VMPROBE_KTIMED_SLOW_PASS_DIV (a slow op:
 * there the extra TSC read costs nothing next to the op); both batches of
 * a pair check alike, so the checks cancel in the difference. A batch
 * stops at the first check past the cap. A stopped (or over-cap) pair is
 * rerun, within a retry budget per call; if a batch of it had run under
 * half its ops or past twice the cap (a large overrun), the probes run
 * again first and an estimate above the cap ends the call with -ERANGE at
 * once (the op got slow; a host stall does not show in short probes).
 *
 * Checked under Xen 4.17 PV dom0 (nested in QEMU TCG) with the same kind
 * of fixup: a raw invlpg takes #GP there, while raw inb, mov from cr0/cr3
 * and rdmsr are emulated by Xen. Ops that exit to Xen cost tens of
 * microseconds there, so they get -ERANGE at 1024 iterations.
 *
 * Port I/O is also refused (-EOPNOTSUPP) under a hypervisor that may stop
 * a CPU reading a port it was not given rather than raise #GP (Jailhouse,
 * ACRN, and any hypervisor this module cannot name: see
 * vmprobe_pio_cleared()), unless the module parameter pio_any_hypervisor
 * was set at load time.
 *
 * Worst case of the largest accepted request (iterations 1024, batches
 * 100000): 2 x (100000 + R) + 12 x (1 + R) sections, R = 4 + 100000/64
 * retries, of at most the cap plus 8 fast passes (an eighth of the cap at
 * the probed cost) or 1 slow pass each: about 250 s of spinning at worst,
 * plus rescheduling. A pending signal (or the freezer) ends the call with
 * -EINTR after the probe batch, pair or rerun pair it interrupted: within
 * two sections and one round of probes.
 * Memory: two kvmalloc'ed arrays of `batches` u64s (1.6 MB at most), freed
 * on every path.
 */
#include <linux/acpi.h>
#include <linux/kernel.h>
#include <linux/kvm_para.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/asm.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/hypervisor.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/tsc.h>
#include <xen/xen.h>

#include "vmprobe_kmod.h"
#ifdef VMPROBE_SELFTEST
#include "vmprobe_selftest.h"
#endif

#define VMPROBE_PIO_PORT	0x80

/* Set at load time only (0444): no state that changes while calls run. */
static bool pio_any_hypervisor;
module_param(pio_any_hypervisor, bool, 0444);
MODULE_PARM_DESC(pio_any_hypervisor,
		 "time port I/O under any hypervisor, also those that may stop a CPU reading a port it was not given (Jailhouse, ACRN, unknown ones); default: refused there");

/* invlpg target: a page of the module that the timed loop never touches. */
static const u64 vmprobe_invlpg_target __aligned(64);

/*
 * One timed batch: @passes loop passes with interrupts off (the caller's),
 * stopped early once the TSC is past @cap, checked after every pass whose
 * index i has (i & @mask) == @mask. Returns the ticks between the two
 * ordered TSC reads; *@done = passes run.
 */
typedef u64 (*vmprobe_batch_fn)(u32 passes, u64 cap, u32 mask, u32 *done);

/* The cap check: after every pass with @mask 0, every 8th with mask 7. */
static __always_inline bool vmprobe_cap_check(u32 i, u64 t0, u64 cap, u32 mask)
{
	return (i & mask) == mask && rdtsc() - t0 > cap;
}

/*
 * The batches of one op: _x1 runs it once per loop pass, _x2 twice (the
 * DOUBLE mode's measured batch); everything else is the same, so
 * _x2 - _x1 is the ops alone. The compiler barrier in every loop body keeps
 * the loop shape identical for all ops (EMPTY included) and stops the
 * compiler from merging or hoisting iterations; every op is an asm
 * volatile or a pv_op call, neither of which the compiler may drop.
 * notrace: no ftrace hook may run inside the timed region.
 */
#define VMPROBE_DEFINE_BATCH_N(name, suffix, prologue, body)		\
static noinline notrace u64 vmprobe_batch_##name##suffix(u32 passes,	\
						u64 cap, u32 mask,	\
						u32 *done)		\
{									\
	u64 t0, t1;							\
	u32 i;								\
	prologue;							\
									\
	t0 = rdtsc_ordered();						\
	for (i = 0; i < passes; i++) {					\
		body;							\
		barrier();						\
		if (vmprobe_cap_check(i, t0, cap, mask)) {		\
			i++;						\
			break;						\
		}							\
	}								\
	t1 = rdtsc_ordered();						\
	*done = i;							\
	return t1 - t0;							\
}

/* Both batches of an op, declared first. */
#define VMPROBE_DEFINE_BATCH(name, op)					\
	VMPROBE_DEFINE_BATCH_SAVED(name, (void)0, op)

/*
 * The same, with a prologue run before the first TSC read, in the
 * interrupts-off section and on the CPU of the batch: the ops that write a
 * per-CPU register back with its own value (CR8, DR7, CR3, the GDT,
 * KERNEL_GS_BASE) read it there, untimed, so no other CPU's value or a
 * value from before a migration can ever be written.
 */
#define VMPROBE_DEFINE_BATCH_SAVED(name, prologue, op)			\
static u64 vmprobe_batch_##name##_x1(u32, u64, u32, u32 *),		\
	   vmprobe_batch_##name##_x2(u32, u64, u32, u32 *);		\
VMPROBE_DEFINE_BATCH_N(name, _x1, prologue, op)				\
VMPROBE_DEFINE_BATCH_N(name, _x2, prologue, op; barrier(); op)

static __always_inline void vmprobe_op_rdtscp(void)
{
	asm volatile("rdtscp" ::: "eax", "ecx", "edx");
}

/*
 * CPUID, RDMSR and the CR0/CR3 reads are timed as the bare instruction
 * (with the register setup it needs, no more: under an instruction clock
 * each row counts what its summary in the uapi list says) wherever the
 * kernel's paravirt accessor for it is the native one. Under Xen PV it is
 * not (the kernel runs deprivileged and these are pv_ops that may trap or
 * hypercall), so there the rows time the kernel's accessors, as the kernel
 * itself runs them: vmprobe_ktimed_paravirt_ops() says which, per op.
 */
static __always_inline void vmprobe_op_cpuid(unsigned int leaf)
{
	unsigned int eax = leaf, ebx, ecx = 0, edx;

	asm volatile("cpuid" : "+a" (eax), "=b" (ebx), "+c" (ecx), "=d" (edx));
}

static __always_inline void vmprobe_op_cpuid_pv(unsigned int leaf)
{
	unsigned int eax, ebx, ecx, edx;

	cpuid(leaf, &eax, &ebx, &ecx, &edx);	/* pv_ops cpu.cpuid */
}

/* RDMSR of IA32_TSC under an exception fixup (avail() first checks that it reads). */
static __always_inline void vmprobe_op_rdmsr(void)
{
	u32 lo, hi;

	asm volatile("1:	rdmsr\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : "=a" (lo), "=d" (hi) : "c" (MSR_IA32_TSC) : "memory");
}

/*
 * rdmsr_safe(): the same name and meaning from 6.1 on (rdmsrl_safe() was
 * renamed later); pv_ops cpu.read_msr_safe.
 */
static __always_inline void vmprobe_op_rdmsr_pv(void)
{
	u32 lo, hi;

	(void)rdmsr_safe(MSR_IA32_TSC, &lo, &hi);
}

static __always_inline void vmprobe_op_read_cr0(void)
{
	unsigned long v;

	asm volatile("mov %%cr0, %0" : "=r" (v) : : "memory");
}

static __always_inline void vmprobe_op_read_cr3(void)
{
	unsigned long v;

	asm volatile("mov %%cr3, %0" : "=r" (v) : : "memory");
}

static __always_inline void vmprobe_op_invlpg(const void *addr)
{
	asm volatile("invlpg (%0)" : : "r" (addr) : "memory");
}

VMPROBE_DEFINE_BATCH(empty, (void)0)
VMPROBE_DEFINE_BATCH(rdtsc, (void)rdtsc())
VMPROBE_DEFINE_BATCH(rdtscp, vmprobe_op_rdtscp())
VMPROBE_DEFINE_BATCH(cpuid0, vmprobe_op_cpuid(0))
VMPROBE_DEFINE_BATCH(cpuid1, vmprobe_op_cpuid(1))
VMPROBE_DEFINE_BATCH(rdmsr, vmprobe_op_rdmsr())
VMPROBE_DEFINE_BATCH(pio, (void)inb(VMPROBE_PIO_PORT))
/* the kernel's own io delay writes this port: nothing listens to it */
VMPROBE_DEFINE_BATCH(pio_out, outb(0, VMPROBE_PIO_PORT))
VMPROBE_DEFINE_BATCH(cr0, vmprobe_op_read_cr0())
VMPROBE_DEFINE_BATCH(cr3, vmprobe_op_read_cr3())
VMPROBE_DEFINE_BATCH(cpuid0_pv, vmprobe_op_cpuid_pv(0))
VMPROBE_DEFINE_BATCH(cpuid1_pv, vmprobe_op_cpuid_pv(1))
VMPROBE_DEFINE_BATCH(rdmsr_pv, vmprobe_op_rdmsr_pv())
VMPROBE_DEFINE_BATCH(cr0_pv, (void)read_cr0())
VMPROBE_DEFINE_BATCH(cr3_pv, (void)__read_cr3())
VMPROBE_DEFINE_BATCH(invlpg, vmprobe_op_invlpg(&vmprobe_invlpg_target))
VMPROBE_DEFINE_BATCH(invlpg_pv,
		     __flush_tlb_one_user((unsigned long)&vmprobe_invlpg_target))

/*
 * The sensitive instructions that need no privilege, here in ring 0. The
 * store's target is declared in the prologue, once: a local in the loop
 * would be zeroed before every store where the kernel builds with
 * CONFIG_INIT_STACK_ALL_ZERO (Debian's do: 3 more instructions per op).
 */
#define VMPROBE_DEFINE_BATCH_STORE(name, insn, type)			\
	VMPROBE_DEFINE_BATCH_SAVED(name, type stored,			\
				   asm volatile(insn " %0" : "=m" (stored)))

static __always_inline void vmprobe_op_pushf_popf(void)
{
	asm volatile("pushf\n\tpopf" : : : "memory", "cc");
}

static __always_inline unsigned long vmprobe_read_cr8(void)
{
	unsigned long v;

	asm volatile("mov %%cr8, %0" : "=r" (v));
	return v;
}

/* The PIC's ELCR (edge/level control): KVM serves it in its kernel, QEMU TCG in user space. */
#define VMPROBE_ELCR_PORT	0x4d0
/* A hypercall number KVM does not know: it answers -KVM_ENOSYS. */
#define VMPROBE_UNKNOWN_HYPERCALL	0x7fff

VMPROBE_DEFINE_BATCH_STORE(sgdt, "sgdt", struct desc_ptr)
VMPROBE_DEFINE_BATCH_STORE(sidt, "sidt", struct desc_ptr)
VMPROBE_DEFINE_BATCH_STORE(sldt, "sldt", u16)
VMPROBE_DEFINE_BATCH_STORE(str, "str", u16)
VMPROBE_DEFINE_BATCH_STORE(smsw, "smsw", u16)
VMPROBE_DEFINE_BATCH(pushf_popf, vmprobe_op_pushf_popf())
VMPROBE_DEFINE_BATCH_SAVED(cr8_write, unsigned long saved = vmprobe_read_cr8(),
			   asm volatile("mov %0, %%cr8" : : "r" (saved) : "memory"))
VMPROBE_DEFINE_BATCH(cr8_read, (void)vmprobe_read_cr8())
VMPROBE_DEFINE_BATCH_SAVED(dr7_write, unsigned long saved = native_get_debugreg(7),
			   asm volatile("mov %0, %%db7" : : "r" (saved)))
VMPROBE_DEFINE_BATCH_SAVED(cr3_write, unsigned long saved = __native_read_cr3(),
			   asm volatile("mov %0, %%cr3" : : "r" (saved) : "memory"))
VMPROBE_DEFINE_BATCH_SAVED(lgdt, struct desc_ptr saved; native_store_gdt(&saved),
			   asm volatile("lgdt %0" : : "m" (saved)))
/* WRMSR of @msr with the value it holds, read in the prologue (EDX:EAX stay set). */
#define VMPROBE_DEFINE_BATCH_WRMSR(name, msr, prologue)		\
	VMPROBE_DEFINE_BATCH_SAVED(name, u32 lo; u32 hi; prologue,	\
				   asm volatile("wrmsr" : : "c" (msr), "a" (lo), "d" (hi) \
						: "memory"))

VMPROBE_DEFINE_BATCH_WRMSR(wrmsr, MSR_KERNEL_GS_BASE, native_rdmsr(MSR_KERNEL_GS_BASE, lo, hi))
VMPROBE_DEFINE_BATCH(pio_elcr, (void)inb(VMPROBE_ELCR_PORT))
VMPROBE_DEFINE_BATCH(hypercall, (void)kvm_hypercall0(VMPROBE_UNKNOWN_HYPERCALL))
VMPROBE_DEFINE_BATCH(pause, asm volatile("pause" : : : "memory"))

/*
 * The ACPI PM timer's port and the HPET's main counter, found (and the
 * HPET mapped) once at load by vmprobe_ktimed_init(): 0 / NULL where there
 * is none. The batches copy them into a register in the prologue.
 */
static u16 vmprobe_pmtmr_port;
static void __iomem *vmprobe_hpet_base;
#define VMPROBE_HPET_MMIO_SIZE	1024	/* the HPET's register block */
#define VMPROBE_HPET_COUNTER	0xf0	/* main counter value, low 32 bits */

VMPROBE_DEFINE_BATCH_SAVED(pio_pmtimer, u16 port = vmprobe_pmtmr_port, (void)inl(port))
#define VMPROBE_HPET_COUNTER_REG	(vmprobe_hpet_base + VMPROBE_HPET_COUNTER)

VMPROBE_DEFINE_BATCH_SAVED(mmio_hpet, const void __iomem *counter = VMPROBE_HPET_COUNTER_REG,
			   readl(counter))
VMPROBE_DEFINE_BATCH_WRMSR(wrmsr_tsc_adjust, MSR_IA32_TSC_ADJUST,
			   native_rdmsr(MSR_IA32_TSC_ADJUST, lo, hi))
VMPROBE_DEFINE_BATCH_WRMSR(wrmsr_spec_ctrl, MSR_IA32_SPEC_CTRL,
			   native_rdmsr(MSR_IA32_SPEC_CTRL, lo, hi))
/* PRED_CMD is write-only: the op is an IBPB, the same command every time. */
VMPROBE_DEFINE_BATCH_WRMSR(wrmsr_pred_cmd, MSR_IA32_PRED_CMD, lo = PRED_CMD_IBPB; hi = 0)

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

/*
 * Read @port once under the fixup, a byte (inb) or 32 bits (inl: the PM
 * timer is a 32-bit register); 0 if it read, -EOPNOTSUPP if it faulted.
 */
#define VMPROBE_DEFINE_TRY_IN(name, insn, reg)				\
static int vmprobe_try_##name(u16 port)				\
{									\
	int ret = -EOPNOTSUPP;						\
									\
	asm volatile("1:	" insn " %w[port], " reg "\n"		\
		     "	xorl %[ret], %[ret]\n"				\
		     "2:\n"							\
		     _ASM_EXTABLE(1b, 2b)					\
		     : [ret] "+r" (ret)					\
		     : [port] "Nd" (port)					\
		     : "eax", "memory");					\
	return ret;							\
}

VMPROBE_DEFINE_TRY_IN(inb, "inb", "%%al")
VMPROBE_DEFINE_TRY_IN(inl, "inl", "%%eax")

struct vmprobe_op_impl {
	vmprobe_batch_fn x1, x2;
	/* 0 if the op can run here (may switch x1/x2), else an errno */
	int (*avail)(struct vmprobe_op_impl *impl);
};

static int vmprobe_avail_always(struct vmprobe_op_impl *impl)
{
	return 0;
}

static int vmprobe_avail_rdtscp(struct vmprobe_op_impl *impl)
{
	return boot_cpu_has(X86_FEATURE_RDTSCP) ? 0 : -EOPNOTSUPP;
}

/* Under Xen PV these ops are the kernel's pv_ops accessors; elsewhere the bare instruction. */
static bool vmprobe_use_pv(void)
{
	return xen_pv_domain();
}

#define VMPROBE_PV_SWITCH(impl, ident)					\
	do {								\
		if (vmprobe_use_pv()) {					\
			(impl)->x1 = vmprobe_batch_##ident##_pv_x1;	\
			(impl)->x2 = vmprobe_batch_##ident##_pv_x2;	\
		}							\
	} while (0)

static int vmprobe_avail_rdmsr(struct vmprobe_op_impl *impl)
{
	u32 lo, hi;

	VMPROBE_PV_SWITCH(impl, rdmsr);
	return rdmsr_safe(MSR_IA32_TSC, &lo, &hi) ? -EOPNOTSUPP : 0;
}

/* Ops that always run, the bare way or (Xen PV) through the kernel's accessor. */
#define VMPROBE_DEFINE_AVAIL_PV(ident)					\
static int vmprobe_avail_##ident(struct vmprobe_op_impl *impl)		\
{									\
	VMPROBE_PV_SWITCH(impl, ident);					\
	return 0;							\
}

VMPROBE_DEFINE_AVAIL_PV(cpuid0)
VMPROBE_DEFINE_AVAIL_PV(cpuid1)
VMPROBE_DEFINE_AVAIL_PV(cr0)
VMPROBE_DEFINE_AVAIL_PV(cr3)

u64 vmprobe_ktimed_paravirt_ops(void)
{
	u64 mask = BIT_ULL(VMPROBE_OP_CPUID0) | BIT_ULL(VMPROBE_OP_CPUID1) |
		   BIT_ULL(VMPROBE_OP_RDMSR) | BIT_ULL(VMPROBE_OP_READ_CR0) |
		   BIT_ULL(VMPROBE_OP_READ_CR3) | BIT_ULL(VMPROBE_OP_INVLPG);

	return vmprobe_use_pv() ? mask : 0;
}

/*
 * Whether a port read that the hypervisor did not give us fails safely
 * (#GP, caught by the fixup, or emulation) rather than stopping the CPU.
 * The exception fixup catches #GP only; Jailhouse parks a CPU that touches
 * a port outside its cell, and ACRN's partitioned mode may do the same.
 * Cleared: no hypervisor, and the hypervisors the kernel names that
 * emulate or refuse with #GP (VMware, Hyper-V, Xen PV and HVM, KVM), plus
 * QEMU TCG by its CPUID signature (the kernel names it native). Anything
 * else (Jailhouse, ACRN, a signature the module does not know) is not.
 */
static bool vmprobe_pio_cleared(void)
{
	u32 eax, sig[3];

	switch (x86_hyper_type) {
	case X86_HYPER_VMWARE:
	case X86_HYPER_MS_HYPERV:
	case X86_HYPER_XEN_PV:
	case X86_HYPER_XEN_HVM:
	case X86_HYPER_KVM:
		return true;
	case X86_HYPER_NATIVE:
		if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
			return true;
		cpuid(0x40000000, &eax, &sig[0], &sig[1], &sig[2]);
		return !memcmp(sig, "TCGTCGTCGTCG", sizeof(sig));
	default:
		return false;
	}
}

/*
 * A port read: cleared here (or by the parameter), then tried once under
 * the fixup with @try_in, the width the op reads.
 */
static int vmprobe_avail_port(u16 port, int (*try_in)(u16 port))
{
	if (!pio_any_hypervisor && !vmprobe_pio_cleared())
		return -EOPNOTSUPP;
	return try_in(port);
}

static int vmprobe_avail_pio(struct vmprobe_op_impl *impl)
{
	return vmprobe_avail_port(VMPROBE_PIO_PORT, vmprobe_try_inb);
}

/* The write to the same port: the same clearance, the port tried with a read. */
#define vmprobe_avail_pio_out	vmprobe_avail_pio

/*
 * The ops below run privileged instructions the bare way. A Xen PV kernel
 * runs deprivileged (ring 3): there they fault or are emulated by Xen
 * unlike anywhere else, so they are refused rather than timed.
 */
static int vmprobe_avail_not_pv(struct vmprobe_op_impl *impl)
{
	return xen_pv_domain() ? -EOPNOTSUPP : 0;
}

#define vmprobe_avail_sgdt	vmprobe_avail_not_pv
#define vmprobe_avail_sidt	vmprobe_avail_not_pv
#define vmprobe_avail_sldt	vmprobe_avail_not_pv
#define vmprobe_avail_str	vmprobe_avail_not_pv
#define vmprobe_avail_smsw	vmprobe_avail_not_pv
#define vmprobe_avail_pushf_popf	vmprobe_avail_not_pv

/*
 * A CR8 write also refused in a KVM guest on QEMU TCG's emulated CPU (KVM
 * nested in TCG, whose CPU names itself "QEMU TCG CPU"): QEMU's TCG
 * (7.2 here) handles a nested guest's CR8 write with a virtual interrupt
 * pending by raising it without its global lock, and aborts on an
 * assertion (tcg_handle_interrupt), killing the whole VMM.
 */
static int vmprobe_avail_cr8_write(struct vmprobe_op_impl *impl)
{
	if (x86_hyper_type == X86_HYPER_KVM && strstr(boot_cpu_data.x86_model_id, "QEMU TCG CPU"))
		return -EOPNOTSUPP;
	return vmprobe_avail_not_pv(impl);
}

/* The read, unlike the write, runs under KVM on QEMU TCG too (results/kvm-nested-cr8/). */
#define vmprobe_avail_cr8_read	vmprobe_avail_not_pv
#define vmprobe_avail_dr7_write	vmprobe_avail_not_pv
#define vmprobe_avail_cr3_write	vmprobe_avail_not_pv
#define vmprobe_avail_lgdt	vmprobe_avail_not_pv
#define vmprobe_avail_wrmsr	vmprobe_avail_not_pv

/* The ELCR read: port I/O, so the same clearance as pio. */
static int vmprobe_avail_pio_elcr(struct vmprobe_op_impl *impl)
{
	return vmprobe_avail_port(VMPROBE_ELCR_PORT, vmprobe_try_inb);
}

/* Only under KVM, whose hypercall ABI answers an unknown number with -KVM_ENOSYS; nowhere else. */
static int vmprobe_avail_hypercall(struct vmprobe_op_impl *impl)
{
	if (x86_hyper_type != X86_HYPER_KVM)
		return -EOPNOTSUPP;
	return kvm_hypercall0(VMPROBE_UNKNOWN_HYPERCALL) == -KVM_ENOSYS ? 0 : -EOPNOTSUPP;
}

#define vmprobe_avail_pause	vmprobe_avail_always

static int vmprobe_avail_pio_pmtimer(struct vmprobe_op_impl *impl)
{
	if (!vmprobe_pmtmr_port)
		return -EOPNOTSUPP;
	return vmprobe_avail_port(vmprobe_pmtmr_port, vmprobe_try_inl);
}

static int vmprobe_avail_mmio_hpet(struct vmprobe_op_impl *impl)
{
	return vmprobe_hpet_base ? 0 : -EOPNOTSUPP;
}

/*
 * An MSR written back with its own value: the CPU has it, and a read and
 * a write back on this CPU, interrupts off (no other CPU's value), both
 * went through without a fault.
 */
static int vmprobe_avail_msr_own(u32 msr, u16 feature)
{
	unsigned long flags;
	u32 lo, hi;
	int err;

	if (xen_pv_domain() || !boot_cpu_has(feature))
		return -EOPNOTSUPP;
	local_irq_save(flags);
	err = rdmsr_safe(msr, &lo, &hi);
	if (!err)
		err = wrmsr_safe(msr, lo, hi);
	local_irq_restore(flags);
	return err ? -EOPNOTSUPP : 0;
}

static int vmprobe_avail_wrmsr_tsc_adjust(struct vmprobe_op_impl *impl)
{
	return vmprobe_avail_msr_own(MSR_IA32_TSC_ADJUST, X86_FEATURE_TSC_ADJUST);
}

static int vmprobe_avail_wrmsr_spec_ctrl(struct vmprobe_op_impl *impl)
{
	return vmprobe_avail_msr_own(MSR_IA32_SPEC_CTRL, X86_FEATURE_MSR_SPEC_CTRL);
}

static int vmprobe_avail_wrmsr_pred_cmd(struct vmprobe_op_impl *impl)
{
	if (xen_pv_domain() || !boot_cpu_has(X86_FEATURE_IBPB))
		return -EOPNOTSUPP;
	return wrmsr_safe(MSR_IA32_PRED_CMD, PRED_CMD_IBPB, 0) ? -EOPNOTSUPP : 0;
}

/* The ACPI PM timer's port from the FADT, as the kernel finds it; 0 if none. */
static u16 vmprobe_find_pmtmr_port(void)
{
	u64 port = acpi_gbl_FADT.pm_timer_block;

	if (acpi_disabled)
		return 0;
	if (acpi_gbl_FADT.xpm_timer_block.space_id == ACPI_ADR_SPACE_SYSTEM_IO &&
	    acpi_gbl_FADT.xpm_timer_block.address)
		port = acpi_gbl_FADT.xpm_timer_block.address;
	return port <= 0xfffc ? port : 0;
}

/* The HPET's register block from the ACPI HPET table, mapped; NULL if none. */
static void __iomem *vmprobe_map_hpet(void)
{
	struct acpi_table_header *table;
	u64 addr = 0;

	if (acpi_disabled || xen_pv_domain() ||
	    ACPI_FAILURE(acpi_get_table(ACPI_SIG_HPET, 0, &table)))
		return NULL;
	if (((struct acpi_table_hpet *)table)->address.space_id == ACPI_ADR_SPACE_SYSTEM_MEMORY)
		addr = ((struct acpi_table_hpet *)table)->address.address;
	acpi_put_table(table);
	return addr ? ioremap(addr, VMPROBE_HPET_MMIO_SIZE) : NULL;
}

void vmprobe_ktimed_init(void)
{
	vmprobe_pmtmr_port = vmprobe_find_pmtmr_port();
	vmprobe_hpet_base = vmprobe_map_hpet();
}

void vmprobe_ktimed_exit(void)
{
	if (vmprobe_hpet_base)
		iounmap(vmprobe_hpet_base);
}

static int vmprobe_avail_invlpg(struct vmprobe_op_impl *impl)
{
	if (vmprobe_use_pv()) {
		VMPROBE_PV_SWITCH(impl, invlpg);
		return 0;
	}
	return vmprobe_try_invlpg();
}

#define vmprobe_avail_rdtsc	vmprobe_avail_always

/*
 * Generated from the uapi list: an op added there without a batch and an
 * availability check here does not build.
 */
#define VMPROBE_OP_IMPL_(NAME, ident, row, what, refused)			\
	[VMPROBE_OP_##NAME] = { vmprobe_batch_##ident##_x1,		\
				vmprobe_batch_##ident##_x2,		\
				vmprobe_avail_##ident },
static const struct vmprobe_op_impl vmprobe_ops[VMPROBE_OP_COUNT] = {
	[VMPROBE_OP_EMPTY] = { vmprobe_batch_empty_x1, vmprobe_batch_empty_x2,
			       vmprobe_avail_always },
	VMPROBE_KTIMED_OPS(VMPROBE_OP_IMPL_)
};

#undef VMPROBE_OP_IMPL_

#ifdef VMPROBE_SELFTEST
/* The selftest build only: see vmprobe_selftest.h. */
static unsigned int test_delay_us;
module_param(test_delay_us, uint, 0600);
MODULE_PARM_DESC(test_delay_us,
		 "selftest: cost of VMPROBE_OP_TEST_SLOW outside probe-sized batches (us, max 5000; 0 = op refused)");
static unsigned int test_probe_delay_us;
module_param(test_probe_delay_us, uint, 0600);
MODULE_PARM_DESC(test_probe_delay_us,
		 "selftest: cost of VMPROBE_OP_TEST_SLOW in probe-sized batches before it is armed (us, max 5000)");
static bool test_slow_after_probes;
module_param(test_slow_after_probes, bool, 0600);
MODULE_PARM_DESC(test_slow_after_probes,
		 "selftest: VMPROBE_OP_TEST_SLOW slow in every batch after a call's first probes");
/* Set by vmprobe_do_ktimed() once a TEST_SLOW call's first probes are done. */
static bool vmprobe_test_armed;

/*
 * Spin @us on the TSC, not udelay(): in a guest whose TSCs are not
 * synchronised the kernel delays with a loop calibrated per CPU; under
 * QEMU TCG a secondary vCPU's calibration failed at boot and udelay(10)
 * took from nearly 0 to 0.9 of 10 us depending on the CPU the call ran on.
 */
static __always_inline void vmprobe_op_test_slow(u32 passes)
{
	unsigned int us = READ_ONCE(test_probe_delay_us);
	u64 t0, ticks;

	if (passes > VMPROBE_KTIMED_PROBE_ITERS || READ_ONCE(vmprobe_test_armed))
		us = READ_ONCE(test_delay_us);
	ticks = vmprobe_us_to_ticks(min(us, VMPROBE_TEST_DELAY_MAX_US));
	t0 = rdtsc_ordered();
	while (rdtsc_ordered() - t0 < ticks)
		cpu_relax();
}

VMPROBE_DEFINE_BATCH(test_slow, vmprobe_op_test_slow(passes))

static int vmprobe_avail_test_slow(struct vmprobe_op_impl *impl)
{
	return READ_ONCE(test_delay_us) ? 0 : -EINVAL;
}

static const struct vmprobe_op_impl vmprobe_op_test = {
	vmprobe_batch_test_slow_x1, vmprobe_batch_test_slow_x2,
	vmprobe_avail_test_slow,
};

/* Arm the test op if asked; true if this call did (it disarms it then). */
static bool vmprobe_test_arm(u32 op)
{
	if (op != VMPROBE_OP_TEST_SLOW || !READ_ONCE(test_slow_after_probes))
		return false;
	WRITE_ONCE(vmprobe_test_armed, true);
	return true;
}

static void vmprobe_test_disarm(bool armed)
{
	if (armed)
		WRITE_ONCE(vmprobe_test_armed, false);
}
#else
static inline bool vmprobe_test_arm(u32 op)
{
	return false;
}

static inline void vmprobe_test_disarm(bool armed)
{
}
#endif /* VMPROBE_SELFTEST */

/* @op's batches on this CPU and kernel in *@impl, or an errno. */
static int vmprobe_select_op(u32 op, struct vmprobe_op_impl *impl)
{
#ifdef VMPROBE_SELFTEST
	if (op == VMPROBE_OP_TEST_SLOW) {
		*impl = vmprobe_op_test;
		return impl->avail(impl);
	}
#endif
	if (op >= VMPROBE_OP_COUNT)
		return -EINVAL;
	*impl = vmprobe_ops[op];
	return impl->avail(impl);
}

/* @a x @b, saturated at U64_MAX (a stalled probe can be huge). */
static u64 vmprobe_mul_sat(u64 a, u64 b)
{
	u64 r;

	return check_mul_overflow(a, b, &r) ? U64_MAX : r;
}

struct vmprobe_batch {
	u64 ticks;	/* between the batch's two TSC reads */
	u32 done;	/* passes run: fewer than asked if the cap stopped it */
};

/*
 * One batch with interrupts off. No preempt_disable(): interrupts off
 * already keep the task here (and on PREEMPT_RT local_irq_save() still
 * masks the CPU's interrupts; only spinlock_t stops doing so there).
 */
static struct vmprobe_batch vmprobe_run_batch(vmprobe_batch_fn fn, u32 passes,
					      u64 cap, u32 mask)
{
	struct vmprobe_batch b;
	unsigned long flags;

	local_irq_save(flags);
	b.ticks = fn(passes, cap, mask, &b.done);
	local_irq_restore(flags);
	return b;
}

/*
 * The best of a few batches of @passes, each checking the cap on every
 * pass: a low-noise figure in *@best. -EINTR if a signal is pending.
 */
static int vmprobe_best_batch(vmprobe_batch_fn fn, u32 passes, u64 cap,
			      u64 *best)
{
	int run;

	*best = U64_MAX;
	for (run = 0; run < VMPROBE_KTIMED_PROBE_RUNS; run++) {
		struct vmprobe_batch b = vmprobe_run_batch(fn, passes, cap, 0);

		/* a probe stopped by the cap: scale it to all its passes */
		if (b.done < passes)
			b.ticks = div_u64(vmprobe_mul_sat(b.ticks, passes), b.done);
		*best = min(*best, b.ticks);
		if (signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/*
 * What a full batch will take, in *@estimate. One pass first: if even that
 * extrapolates past the cap we stop there, so no probe holds interrupts
 * off for long (a probe of n passes takes n/passes of an estimate under
 * the cap).
 */
static int vmprobe_estimate_batch(vmprobe_batch_fn fn, u32 passes, u64 cap,
				  u64 *estimate)
{
	u32 probe_passes = min_t(u32, passes, VMPROBE_KTIMED_PROBE_ITERS);
	u64 best;
	int ret;

	ret = vmprobe_best_batch(fn, 1, cap, &best);
	if (ret)
		return ret;
	*estimate = vmprobe_mul_sat(best, passes);
	if (*estimate > cap || probe_passes == 1)
		return 0;
	ret = vmprobe_best_batch(fn, probe_passes, cap, &best);
	if (ret)
		return ret;
	*estimate = div_u64(vmprobe_mul_sat(best, passes), probe_passes);
	return 0;
}

/* The longer of a pair's two batches, estimated; -EINTR on a signal. */
static int vmprobe_estimate_pair(vmprobe_batch_fn ref_fn,
				 vmprobe_batch_fn meas_fn, u32 passes, u64 cap,
				 u64 *estimate)
{
	u64 meas, ref;
	int ret;

	ret = vmprobe_estimate_batch(meas_fn, passes, cap, &meas);
	if (!ret)
		ret = vmprobe_estimate_batch(ref_fn, passes, cap, &ref);
	*estimate = ret ? 0 : max(meas, ref);
	return ret;
}

static int vmprobe_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Sort @v (n > 0) in place and report its min, median and max. */
void vmprobe_summarise(u64 *v, u32 n, u64 *min, u64 *median, u64 *max)
{
	sort(v, n, sizeof(*v), vmprobe_cmp_u64, NULL);
	*min = v[0];
	*max = v[n - 1];
	*median = n & 1 ? v[n / 2] : v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
}

/* The signed differences' summary, from the two arrays (n > 0). */
static void vmprobe_summarise_diff(struct vmprobe_ktimed *kt, const u64 *meas,
				   const u64 *ref, u64 *scratch, u32 n)
{
	u32 i;

	/* offset by 2^63 so that the unsigned sort orders signed values */
	for (i = 0; i < n; i++)
		scratch[i] = (meas[i] - ref[i]) ^ (1ULL << 63);
	sort(scratch, n, sizeof(*scratch), vmprobe_cmp_u64, NULL);
	kt->diff_ticks_min = (s64)(scratch[0] ^ (1ULL << 63));
	kt->diff_ticks_max = (s64)(scratch[n - 1] ^ (1ULL << 63));
	if (n & 1) {
		kt->diff_ticks_median = (s64)(scratch[n / 2] ^ (1ULL << 63));
	} else {
		s64 lo = (s64)(scratch[n / 2 - 1] ^ (1ULL << 63));
		s64 hi = (s64)(scratch[n / 2] ^ (1ULL << 63));

		kt->diff_ticks_median = lo + (hi - lo) / 2;
	}
}

static int vmprobe_ktimed_check(const struct vmprobe_ktimed *kt)
{
	if ((kt->flags & ~VMPROBE_KTIMED_FLAGS) || kt->reserved32 ||
	    memchr_inv(kt->reserved, 0, sizeof(kt->reserved)))
		return -EINVAL;
	if (!kt->iterations || kt->iterations > VMPROBE_KTIMED_MAX_ITERS)
		return -EINVAL;
	if (!kt->batches || kt->batches > VMPROBE_KTIMED_MAX_BATCHES)
		return -EINVAL;
	return 0;
}

static void vmprobe_ktimed_clear_out(struct vmprobe_ktimed *kt)
{
	kt->batches_done = 0;
	kt->batch_ticks_min = 0;
	kt->batch_ticks_median = 0;
	kt->batch_ticks_max = 0;
	kt->ref_ticks_min = 0;
	kt->ref_ticks_median = 0;
	kt->ref_ticks_max = 0;
	kt->diff_ticks_min = 0;
	kt->diff_ticks_median = 0;
	kt->diff_ticks_max = 0;
	kt->pairs_rerun = 0;
}

/* A batch the cap stopped, or that ended past it anyway. */
static bool vmprobe_overran(struct vmprobe_batch b, u32 passes, u64 cap)
{
	return b.done < passes || b.ticks > cap;
}

/* Past twice the cap had it run to the end: no point in retrying. */
static bool vmprobe_overran_large(struct vmprobe_batch b, u32 passes, u64 cap)
{
	return b.done < passes / 2 || b.ticks > 2 * cap;
}

/*
 * The pairs' cap-check mask: every pass (0) for an op whose probed pass
 * costs more than cap / VMPROBE_KTIMED_SLOW_PASS_DIV, else every
 * VMPROBE_KTIMED_CHECK_EVERY passes (8 passes at the probed cost then stay
 * under an eighth of the cap).
 */
static u32 vmprobe_check_mask(u64 estimate, u32 passes, u64 cap)
{
	if (div_u64(estimate, passes) > div_u64(cap, VMPROBE_KTIMED_SLOW_PASS_DIV))
		return 0;
	return VMPROBE_KTIMED_CHECK_EVERY - 1;
}

int vmprobe_do_ktimed(struct vmprobe_ktimed *kt)
{
	u64 __user *samples = u64_to_user_ptr(kt->samples_ptr);
	u64 __user *ref_samples = u64_to_user_ptr(kt->ref_samples_ptr);
	u64 cap = vmprobe_us_to_ticks(VMPROBE_IRQOFF_CAP_US);
	u64 *meas_ticks = NULL, *ref_ticks = NULL;
	bool dbl = kt->flags & VMPROBE_KTIMED_DOUBLE, armed = false;
	struct vmprobe_op_impl impl, empty;
	vmprobe_batch_fn ref_fn, meas_fn;
	size_t bytes;
	u64 worst = 0, estimate;
	u32 done = 0, retries = 0, max_retries, passes = kt->iterations, mask;
	int ret;

	BUILD_BUG_ON_NOT_POWER_OF_2(VMPROBE_KTIMED_CHECK_EVERY);

	ret = vmprobe_ktimed_check(kt);
	if (ret)
		return ret;
	vmprobe_ktimed_clear_out(kt);
	ret = vmprobe_select_op(kt->op, &impl);
	if (ret)
		return ret;
	/* Without a known TSC rate nothing here can be timed or capped. */
	if (!boot_cpu_has(X86_FEATURE_TSC) || !cap)
		return -EOPNOTSUPP;
	empty = vmprobe_ops[VMPROBE_OP_EMPTY];
	max_retries = VMPROBE_IRQOFF_MAX_RETRIES +
		      kt->batches / VMPROBE_IRQOFF_RETRY_EVERY;
	ref_fn = dbl ? impl.x1 : empty.x1;
	meas_fn = dbl ? impl.x2 : impl.x1;

	/* Fail on a bad samples buffer now, not after the whole run. */
	bytes = (size_t)kt->batches * sizeof(u64);
	if ((samples && clear_user(samples, bytes)) ||
	    (ref_samples && clear_user(ref_samples, bytes)))
		return -EFAULT;

	meas_ticks = kvmalloc_array(kt->batches, sizeof(u64), GFP_KERNEL_ACCOUNT);
	ref_ticks = kvmalloc_array(kt->batches, sizeof(u64), GFP_KERNEL_ACCOUNT);
	if (!meas_ticks || !ref_ticks) {
		ret = -ENOMEM;
		goto out_free;
	}

	ret = vmprobe_estimate_pair(ref_fn, meas_fn, passes, cap, &estimate);
	if (ret)
		goto out_report;
	if (estimate > cap) {
		worst = estimate;
		ret = -ERANGE;
		goto out_report;
	}
	mask = vmprobe_check_mask(estimate, passes, cap);
	armed = vmprobe_test_arm(kt->op);

	while (done < kt->batches) {
		struct vmprobe_batch ref, meas;

		ref = vmprobe_run_batch(ref_fn, passes, cap, mask);
		meas = vmprobe_run_batch(meas_fn, passes, cap, mask);
		if (vmprobe_overran(ref, passes, cap) ||
		    vmprobe_overran(meas, passes, cap)) {
			worst = max(ref.ticks, meas.ticks);	/* the last pair's */
			if (retries == max_retries) {
				ret = -ERANGE;
				goto out_report;
			}
			/*
			 * Past twice the cap: the op itself, or a host stall?
			 * Probe again (short sections); an op that now costs
			 * more than the cap ends the call at once.
			 */
			if (vmprobe_overran_large(ref, passes, cap) ||
			    vmprobe_overran_large(meas, passes, cap)) {
				ret = vmprobe_estimate_pair(ref_fn, meas_fn,
							    passes, cap,
							    &estimate);
				if (!ret && estimate > cap)
					ret = -ERANGE;
				if (ret)
					goto out_report;
			}
			retries++;
		} else {
			meas_ticks[done] = meas.ticks;
			ref_ticks[done] = ref.ticks;
			done++;
		}
		if (signal_pending(current)) {
			ret = -EINTR;
			goto out_report;
		}
		cond_resched();
	}

out_report:
	vmprobe_test_disarm(armed);
	kt->batches_done = done;
	kt->pairs_rerun = retries;
	bytes = (size_t)done * sizeof(u64);
	if (done && ((samples && copy_to_user(samples, meas_ticks, bytes)) ||
		     (ref_samples && copy_to_user(ref_samples, ref_ticks, bytes)))) {
		ret = -EFAULT;
		goto out_free;
	}
	if (done) {
		u64 *scratch = kvmalloc_array(done, sizeof(u64), GFP_KERNEL_ACCOUNT);

		if (!scratch) {
			ret = -ENOMEM;
			goto out_free;
		}
		vmprobe_summarise_diff(kt, meas_ticks, ref_ticks, scratch, done);
		kvfree(scratch);
		vmprobe_summarise(meas_ticks, done, &kt->batch_ticks_min,
				  &kt->batch_ticks_median, &kt->batch_ticks_max);
		vmprobe_summarise(ref_ticks, done, &kt->ref_ticks_min,
				  &kt->ref_ticks_median, &kt->ref_ticks_max);
	}
	/* On -ERANGE: the last section that overran, or the refusing estimate. */
	if (ret == -ERANGE)
		kt->batch_ticks_max = max(kt->batch_ticks_max, worst);
out_free:
	kvfree(ref_ticks);
	kvfree(meas_ticks);
	return ret;
}
