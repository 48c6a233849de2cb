/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/**
 * DOC: vmprobe ABI
 *
 * The one header shared by kmod/vmprobe.ko and the user tools.
 *
 * The module registers the misc device /dev/vmprobe (mode 0600). Every
 * command below is an ioctl on an open file descriptor of that device.
 *
 * Privilege: open() fails with EPERM unless the caller has CAP_SYS_RAWIO,
 * whatever the node's mode (a udev rule or a bind mount into a container
 * can open the node up): timing rdmsr, port reads and control-register
 * reads in the kernel is the power the kernel gates on CAP_SYS_RAWIO for
 * the msr driver, ioperm and iopl. The node's mode (0600) still applies
 * first: EACCES for a caller it excludes.
 *
 * ioctl type: 0xD6, numbers 0x00-0x1F. Documentation/userspace-api/ioctl/
 * ioctl-number.rst (as of Linux 6.12) lists no user of 0xD6 (its table
 * goes from 0xCF to 0xDB) and no 6.12 uapi header uses it; 'v', used up to
 * ABI version 1, is listed there as conflicting ('v' 00-1F).
 *
 * Extensible structs: every argument struct starts with a __u32 `size`
 * that the caller sets to sizeof(its struct). The module reads exactly
 * that many bytes (copy_struct_from_user semantics):
 *   - size smaller than the first published version (the *_SIZE_VER0
 *     constants)                                      -> EINVAL
 *   - size above the page size (4096 on x86)          -> E2BIG (as clone3
 *     and openat2: no version of a struct will be that large)
 *   - size larger than the module knows, tail all zero -> accepted
 *   - size larger than the module knows, tail not zero -> E2BIG
 * and writes back min(size, its own sizeof) bytes, with `size` set to
 * the number of bytes it filled. Input fields not named "in" are ignored
 * on input; reserved fields must be zero on input.
 *
 * The ioctl numbers carry the struct size of the current version in their
 * size bits; the module matches a command on type, number and direction
 * only and takes the struct size from the `size` field, so a caller built
 * against a newer header still talks to an older module and vice versa.
 *
 * Errors common to every command (errno in user space): ENOTTY unknown
 * command (other type, number or direction), EFAULT bad struct pointer.
 * Each command lists all of its own errors.
 */
#ifndef _UAPI_VMPROBE_H
#define _UAPI_VMPROBE_H

#include <linux/types.h>
#include <linux/ioctl.h>

/*
 * 2: ioctl type 0xD6 (was 'v'); KTIMED pairs, DOUBLE mode and diff_*.
 * 3: ktimed_paravirt in INFO. 4: the IRQ command. 5: IRQ kind PAUSE_HANDOFF.
 */
#define VMPROBE_ABI_VERSION	5
#define VMPROBE_DEVICE		"/dev/vmprobe"
#define VMPROBE_IOC_MAGIC	0xD6

/* ---- VMPROBE_IOC_INFO -------------------------------------------------- */

/* tsc_flags: what the kernel believes about its TSC. */
#define VMPROBE_TSC_CONSTANT	(1u << 0) /* X86_FEATURE_CONSTANT_TSC */
#define VMPROBE_TSC_NONSTOP	(1u << 1) /* X86_FEATURE_NONSTOP_TSC */
#define VMPROBE_TSC_RELIABLE	(1u << 2) /* X86_FEATURE_TSC_RELIABLE */
#define VMPROBE_TSC_UNSTABLE	(1u << 3) /* marked unstable by the kernel */
#define VMPROBE_TSC_KNOWN_FREQ	(1u << 4) /* X86_FEATURE_TSC_KNOWN_FREQ */
#define VMPROBE_TSC_RDTSCP	(1u << 5) /* X86_FEATURE_RDTSCP */

/* hypervisor: the kernel's own detection (x86_hyper_type). */
#define VMPROBE_HYPER_NONE	0
#define VMPROBE_HYPER_VMWARE	1
#define VMPROBE_HYPER_HYPERV	2
#define VMPROBE_HYPER_XEN_PV	3
#define VMPROBE_HYPER_XEN_HVM	4
#define VMPROBE_HYPER_KVM	5
#define VMPROBE_HYPER_JAILHOUSE	6
#define VMPROBE_HYPER_ACRN	7
#define VMPROBE_HYPER_OTHER	255

#define VMPROBE_CALIB_DEFAULT_MS	100
#define VMPROBE_CALIB_MAX_MS		1000

/**
 * struct vmprobe_info - argument of VMPROBE_IOC_INFO
 * @size: in/out: sizeof the caller's struct; on return the bytes filled
 * @calib_ms: in: calibration window in ms; 0 = default (100), max 1000
 * @abi_version: out: VMPROBE_ABI_VERSION
 * @tsc_flags: out: VMPROBE_TSC_* flags
 * @tsc_khz: out: the kernel's tsc_khz
 * @calib_tsc_ticks: out: TSC ticks over the calibration window
 * @calib_ref_ns: out: ktime_get_raw_ns() nanoseconds over the window
 * @calib_tsc_khz: out: ticks / ns, in kHz; 0 when no figure could be made
 * @calib_error_ppm: out: (calib_tsc_khz - tsc_khz) / tsc_khz x 10^6, from
 *	-10^6 (a rate of 0) up to +10^9, where it saturates (a stalled or
 *	racing clocksource); 0 when calib_tsc_khz is 0
 * @hypervisor: out: VMPROBE_HYPER_*
 * @cpu_family: out: boot_cpu_data.x86
 * @cpu_model: out: boot_cpu_data.x86_model
 * @cpu_stepping: out: boot_cpu_data.x86_stepping
 * @cpu_vendor: out: NUL-terminated, e.g. "GenuineIntel"
 * @cpu_model_name: out: NUL-terminated
 * @clocksource: out: the current clocksource, e.g. "tsc"; empty where the
 *	kernel exports no way to read it (6.1: see kmod/info.c)
 * @ktimed_paravirt: out (ABI 3; ignored on input): bit VMPROBE_OP_x set when
 *	KTIMED op x runs through the kernel's paravirt accessor here (Xen PV:
 *	cpuid, rdmsr, CR0 and CR3 reads, invlpg) instead of the bare
 *	instruction its summary in VMPROBE_KTIMED_OPS states
 * @reserved: must be zero on input
 *
 * What the kernel knows about time and the CPU, plus the module's own TSC
 * calibration: TSC ticks counted against ktime_get_raw_ns() over calib_ms
 * milliseconds (the task sleeps meanwhile, kept on one CPU so that
 * unsynchronised TSCs cannot put their offset into the figure). Each end of
 * the window reads the TSC, the clock and the TSC again with interrupts off
 * and retries while that bracket is wide (as the kernel's tsc_read_refs()
 * does), so preemption cannot skew it. When the clocksource is the TSC
 * itself, ktime_get_raw_ns() is derived from the TSC and the comparison is
 * circular: it checks the arithmetic, not the rate.
 */
struct vmprobe_info {
	__u32 size;
	__u32 calib_ms;
	__u32 abi_version;
	__u32 tsc_flags;
	__u64 tsc_khz;
	__u64 calib_tsc_ticks;
	__u64 calib_ref_ns;
	__u64 calib_tsc_khz;
	__s64 calib_error_ppm;
	__u32 hypervisor;
	__u32 cpu_family;
	__u32 cpu_model;
	__u32 cpu_stepping;
	__u8  cpu_vendor[16];
	__u8  cpu_model_name[64];
	__u8  clocksource[32];
	__u64 ktimed_paravirt;
	__u64 reserved[7];
};

#define VMPROBE_INFO_SIZE_VER0	248

/**
 * define VMPROBE_IOC_INFO - the TSC and CPU facts and a TSC calibration
 *
 * Description:
 * Argument: struct vmprobe_info.
 *
 * Return: 0; or -1 with errno EINVAL (size below VER0, calib_ms above the
 * maximum, reserved not zero), E2BIG (size above PAGE_SIZE or unknown
 * non-zero tail), EFAULT, EINTR (a signal arrived during the window: the
 * module returns -EINTR, not -ERESTARTSYS, so user space sees EINTR and the
 * call is never restarted, SA_RESTART or not).
 */
#define VMPROBE_IOC_INFO	_IOWR(VMPROBE_IOC_MAGIC, 0x00, struct vmprobe_info)

/* ---- VMPROBE_IOC_NULL -------------------------------------------------- */

/**
 * define VMPROBE_IOC_NULL - the null ioctl
 *
 * Description:
 * Returns 0 at once and touches no memory; the argument is ignored. What a
 * caller times around it is the user->kernel->user round trip through the
 * ioctl path (a "null system call" that cannot be optimised away like
 * getpid's caching once was).
 *
 * Return: 0. No errors of its own (with a direction set it is another,
 * unknown command: ENOTTY).
 */
#define VMPROBE_IOC_NULL	_IO(VMPROBE_IOC_MAGIC, 0x01)

/* ---- VMPROBE_IOC_KTIMED ------------------------------------------------ */

/*
 * The operations KTIMED times in the kernel: the instructions a VMM traps or
 * emulates. THE one list of them: the op numbers, VMPROBE_OP_COUNT, the
 * module's dispatch (kmod/ktimed.c does not build without a batch for every
 * entry), the ktimed-* rows of user/bench/ktimed.c and user/bench/table.c
 * and the guest tests are all generated from it. Adding an op = one line
 * here (append only: an op's number is its position) plus its batch in
 * kmod/ktimed.c.
 *   X(NAME, ident, "row", "what it times", "when it is refused")
 * NAME gives VMPROBE_OP_NAME, ident the C identifier, "row" the row name
 * (ktimed-<row>), "what" its one-line summary in user space and "refused"
 * when the op answers -EOPNOTSUPP (what its availability check in
 * kmod/ktimed.c tests; "" for never), the reason user space gives.
 * VMPROBE_OP_EMPTY (0), the bare loop, is the reference, not in the list.
 * RDTSCP answers -EOPNOTSUPP without the CPU feature; RDMSR reads
 * MSR_IA32_TSC (0x10), a safe read; PIO_READ reads port 0x80, the POST /
 * delay port; INVLPG flushes an address in the module (under Xen PV the
 * kernel's pv_op, a hypercall).
 */
/* The refusals several ops share (see kmod/ktimed.c). */
#define VMPROBE_REFUSED_PV						\
	"a privileged instruction run bare, refused under Xen PV (the kernel runs deprivileged)"
#define VMPROBE_REFUSED_PIO						\
	"port I/O refused under this hypervisor (Jailhouse, ACRN, unnamed: "	\
	"pio_any_hypervisor=1 allows it) or the port faulted"

/*
 * Each op's summary states what one op executes where the op is the bare
 * instruction (not under Xen PV: see ktimed_paravirt in struct
 * vmprobe_info); tests/33 checks those counts under an instruction clock.
 */
#define VMPROBE_KTIMED_OPS(X)							\
	X(RDTSC,    rdtsc,  "rdtsc",  "RDTSC (1 instruction)", "")		\
	X(RDTSCP,   rdtscp, "rdtscp", "RDTSCP (1 instruction)",			\
	  "the CPU has no RDTSCP")						\
	X(CPUID0,   cpuid0, "cpuid0", "CPUID leaf 0 (3: set EAX, clear ECX, cpuid)", "") \
	X(CPUID1,   cpuid1, "cpuid1", "CPUID leaf 1 (3: set EAX, clear ECX, cpuid)", "") \
	X(RDMSR,    rdmsr,  "rdmsr",  "RDMSR of IA32_TSC (1: ECX stays set)",	\
	  "IA32_TSC does not read here")					\
	X(PIO_READ, pio,    "pio",    "inb from port 0x80 (1 instruction)",	\
	  VMPROBE_REFUSED_PIO)							\
	X(READ_CR0, cr0,    "cr0",    "mov from CR0 (1 instruction)", "")	\
	X(READ_CR3, cr3,    "cr3",    "mov from CR3 (1 instruction)", "")	\
	X(INVLPG,   invlpg, "invlpg", "INVLPG of a module address (1 instruction)", \
	  "INVLPG faulted here")						\
	X(SGDT,     sgdt,   "sgdt",   "SGDT (1 instruction)", VMPROBE_REFUSED_PV) \
	X(SIDT,     sidt,   "sidt",   "SIDT (1 instruction)", VMPROBE_REFUSED_PV) \
	X(SLDT,     sldt,   "sldt",   "SLDT (1 instruction)", VMPROBE_REFUSED_PV) \
	X(STR,      str,    "str",    "STR (1 instruction)", VMPROBE_REFUSED_PV)	\
	X(SMSW,     smsw,   "smsw",   "SMSW (1 instruction)", VMPROBE_REFUSED_PV) \
	X(PUSHF_POPF, pushf_popf, "pushf-popf", "PUSHF and POPF (2 instructions)", \
	  VMPROBE_REFUSED_PV)							\
	X(WRITE_CR8, cr8_write, "cr8-write",					\
	  "mov to CR8 (the TPR) of its own value (1 instruction)",		\
	  VMPROBE_REFUSED_PV							\
	  ", or under KVM on QEMU TCG's CPU (QEMU aborts on a nested CR8 write)") \
	X(WRITE_DR7, dr7_write, "dr7-write",					\
	  "mov to DR7 of its own value (1 instruction)", VMPROBE_REFUSED_PV)	\
	X(WRITE_CR3, cr3_write, "cr3-write",					\
	  "mov to CR3 of its own value, a TLB flush (1 instruction)",		\
	  VMPROBE_REFUSED_PV)							\
	X(LGDT,     lgdt,   "lgdt",   "LGDT of the current GDT (1 instruction)",	\
	  VMPROBE_REFUSED_PV)							\
	X(WRMSR,    wrmsr,  "wrmsr",						\
	  "WRMSR of KERNEL_GS_BASE, its own value (1: ECX, EDX:EAX stay set)",	\
	  VMPROBE_REFUSED_PV)							\
	X(PIO_ELCR, pio_elcr, "pio-elcr",					\
	  "inb from the ELCR, port 0x4d0, served in a VMM's kernel (1 instruction)", \
	  VMPROBE_REFUSED_PIO)							\
	X(HYPERCALL, hypercall, "hypercall",					\
	  "KVM hypercall of an unknown number (2: set EAX, vmcall or vmmcall)",	\
	  "KVM only, and KVM did not answer the unknown number with -KVM_ENOSYS") \
	X(PAUSE,    pause,  "pause",						\
	  "PAUSE, a spin-wait hint that pause-loop exiting counts (1 instruction)", "") \
	X(PIO_PMTIMER, pio_pmtimer, "pio-pmtimer",				\
	  "inl from the ACPI PM timer, a port a VMM's device model serves (1 instruction)", \
	  "no ACPI PM timer port in the FADT, or " VMPROBE_REFUSED_PIO)	\
	X(MMIO_HPET, mmio_hpet, "mmio-hpet",					\
	  "32-bit read of the HPET main counter, MMIO (1 instruction)",		\
	  "no HPET in the ACPI tables, or under Xen PV")			\
	X(WRMSR_TSC_ADJUST, wrmsr_tsc_adjust, "wrmsr-tsc-adjust",		\
	  "WRMSR of IA32_TSC_ADJUST, its own value (1: ECX, EDX:EAX stay set)",	\
	  "the CPU has no IA32_TSC_ADJUST (or it did not write back), or under Xen PV") \
	X(WRMSR_SPEC_CTRL, wrmsr_spec_ctrl, "wrmsr-spec-ctrl",			\
	  "WRMSR of IA32_SPEC_CTRL, its own value (1: ECX, EDX:EAX stay set)",	\
	  "the CPU has no IA32_SPEC_CTRL (or it did not write back), or under Xen PV") \
	X(WRMSR_PRED_CMD, wrmsr_pred_cmd, "wrmsr-pred-cmd",			\
	  "WRMSR of IA32_PRED_CMD, an IBPB (1: ECX, EDX:EAX stay set)",		\
	  "the CPU has no IBPB (or the write faulted), or under Xen PV")	\
	X(PIO_OUT,  pio_out, "pio-out",						\
	  "outb to port 0x80, the POST code port (1 instruction)",		\
	  VMPROBE_REFUSED_PIO)							\
	X(READ_CR8, cr8_read, "cr8-read",					\
	  "mov from CR8 (the TPR) (1 instruction)", VMPROBE_REFUSED_PV)

#define VMPROBE_OP_ENUM_(NAME, ident, row, what, refused)	VMPROBE_OP_##NAME,
enum {
	VMPROBE_OP_EMPTY,	/* 0: the bare loop, the reference */
	VMPROBE_KTIMED_OPS(VMPROBE_OP_ENUM_)
	VMPROBE_OP_COUNT	/* ops are 0..VMPROBE_OP_COUNT-1 */
};

#undef VMPROBE_OP_ENUM_

#define VMPROBE_KTIMED_MAX_ITERS	1024	/* per batch */
#define VMPROBE_KTIMED_MAX_BATCHES	100000

/**
 * DOC: the interrupts-off bound
 *
 * Every KTIMED batch and GAPS window runs with interrupts off. A GAPS window
 * is at most the cap long and checks the time at every read. A KTIMED
 * batch reads the TSC after a loop pass (a pass runs one op, two in a
 * DOUBLE measured batch) and stops once it is past the cap: after every
 * pass in the probe batches, and in the pairs' batches after every pass
 * when the probes put one pass above cap / VMPROBE_KTIMED_SLOW_PASS_DIV (a
 * slow op), else after every VMPROBE_KTIMED_CHECK_EVERY-th pass. Both
 * batches of a pair check alike, so the checks cancel in the difference.
 * So one interrupts-off section lasts at most
 *
 *   the cap (VMPROBE_IRQOFF_CAP_US, 1 ms) + C loop passes + the final
 *   ordered TSC read, C = 1 for probes and slow ops, else
 *   VMPROBE_KTIMED_CHECK_EVERY (8),
 *
 * whatever the op costs: one op or host stall longer than the cap cannot be
 * cut short, the section ends at the first check after it. A pass that
 * costs what the probes measured keeps that under 1.125 ms (8 passes of at
 * most cap / 64 each; one slow pass is at most cap / iterations).
 *
 * A KTIMED pair with a batch stopped this way (or ending past the cap) is
 * run again, at most R = VMPROBE_IRQOFF_MAX_RETRIES + batches /
 * VMPROBE_IRQOFF_RETRY_EVERY times in the whole call (a loaded host
 * preempts the vCPU now and then), then the call fails with -ERANGE. A
 * large overrun (a batch stopped before half its ops, or past twice the
 * cap) first reruns the probes: if they now put a batch over the cap the
 * call fails with -ERANGE at once. So a KTIMED call has at most
 * 2 x (batches + R) + 12 x (1 + R) interrupts-off sections (12: one round
 * of probe batches), each bounded as above, interrupts on between any two.
 * A pending signal ends the call with EINTR after the probe batch or pair
 * it arrived during, rerun pairs included.
 */
#define VMPROBE_IRQOFF_CAP_US		1000
#define VMPROBE_KTIMED_CHECK_EVERY	8
#define VMPROBE_IRQOFF_MAX_RETRIES	4
#define VMPROBE_IRQOFF_RETRY_EVERY	64
#define VMPROBE_KTIMED_SLOW_PASS_DIV	64

/*
 * flags: VMPROBE_KTIMED_DOUBLE selects how each pair of batches is formed:
 *   0      reference = the empty loop run `iterations` times, measured =
 *          the op run `iterations` times (one op per loop pass)
 *   DOUBLE reference = the op run `iterations` times (one per loop pass),
 *          measured = the same loop with the op twice per pass
 * Either way measured - reference is the cost of `iterations` ops. DOUBLE
 * is N-vs-2N differencing (as nanoBench does): both batches run the same
 * loop passes, TSC reads and cap checks, so all of those cancel, including
 * for fast ops that overlap the loop (rdtsc, CR reads), where subtracting
 * an empty loop does not. In DOUBLE mode the measured batch runs
 * 2 x iterations ops.
 */
#define VMPROBE_KTIMED_DOUBLE		(1u << 0)
#define VMPROBE_KTIMED_FLAGS		VMPROBE_KTIMED_DOUBLE

/*
 * Before its pairs, each call estimates both batches of a pair (reference and
 * measured) with VMPROBE_KTIMED_PROBE_RUNS batches of 1 loop pass each and,
 * when iterations > 1, as many of min(iterations, VMPROBE_KTIMED_PROBE_ITERS)
 * passes: ops that run (and may trap to a VMM) outside batches_done. A pass
 * runs the op once in the reference batch of DOUBLE mode and in the measured
 * batch without it, twice in DOUBLE mode's measured batch.
 */
#define VMPROBE_KTIMED_PROBE_ITERS	8
#define VMPROBE_KTIMED_PROBE_RUNS	3

/**
 * struct vmprobe_ktimed - argument of VMPROBE_IOC_KTIMED
 * @size: in/out: sizeof the caller's struct; on return the bytes filled
 * @op: in: VMPROBE_OP_*
 * @iterations: in: loop passes per batch, 1..VMPROBE_KTIMED_MAX_ITERS
 * @batches: in: pairs of batches, 1..VMPROBE_KTIMED_MAX_BATCHES
 * @flags: in: 0 or VMPROBE_KTIMED_DOUBLE
 * @batches_done: out: pairs done
 * @samples_ptr: in: user pointer to __u64[batches] for the measured
 *	batches, or 0
 * @ref_samples_ptr: in: user pointer to __u64[batches] for the reference
 *	batches, or 0
 * @batch_ticks_min: out: the measured batches' minimum
 * @batch_ticks_median: out: the measured batches' median
 * @batch_ticks_max: out: the measured batches' maximum
 * @ref_ticks_min: out: the reference batches' minimum
 * @ref_ticks_median: out: the reference batches' median
 * @ref_ticks_max: out: the reference batches' maximum
 * @diff_ticks_min: out: per pair, measured - reference: minimum
 * @diff_ticks_median: out: per pair, measured - reference: median
 * @diff_ticks_max: out: per pair, measured - reference: maximum
 * @pairs_rerun: out: pairs run again after an overrun (their batches are
 *	in no figure)
 * @reserved32: must be zero on input
 * @reserved: must be zero on input
 *
 * `batches` pairs of batches (reference, then measured; see
 * VMPROBE_KTIMED_DOUBLE); each batch runs with interrupts off between two
 * ordered rdtsc reads, and the task may reschedule between pairs. Figures
 * are TSC ticks for a whole batch. diff_ticks_* summarise, per pair,
 * measured - reference (signed: noise can make it negative): divide by
 * iterations for one op. If samples_ptr / ref_samples_ptr are not zero each
 * receives each pair's measured / reference batch, in order, so a caller
 * can keep every sample and pair them itself.
 *
 * Before the first pair the module times short probe batches (the best of
 * three of 1 op, then of min(iterations, 8) ops, of the measured and of the
 * reference loop) and refuses with -ERANGE (batches_done 0, batch_ticks_max
 * the estimate) a request whose batches would exceed the cap. See "the
 * interrupts-off bound" for the bound while running. On EINTR and ERANGE
 * the out fields cover the pairs done.
 */
struct vmprobe_ktimed {
	__u32 size;
	__u32 op;
	__u32 iterations;
	__u32 batches;
	__u32 flags;
	__u32 batches_done;
	__u64 samples_ptr;
	__u64 ref_samples_ptr;
	__u64 batch_ticks_min;
	__u64 batch_ticks_median;
	__u64 batch_ticks_max;
	__u64 ref_ticks_min;
	__u64 ref_ticks_median;
	__u64 ref_ticks_max;
	__s64 diff_ticks_min;
	__s64 diff_ticks_median;
	__s64 diff_ticks_max;
	__u32 pairs_rerun;
	__u32 reserved32;
	__u64 reserved[3];
};

#define VMPROBE_KTIMED_SIZE_VER0	144

/**
 * define VMPROBE_IOC_KTIMED - time an op in the kernel, interrupts off
 *
 * Description:
 * Argument: struct vmprobe_ktimed.
 *
 * Return: 0; or -1 with errno
 * EINVAL (size below the VER0 size, op >= VMPROBE_OP_COUNT, iterations or
 * batches 0 or above the maxima, unknown flags, reserved not zero),
 * E2BIG (size above PAGE_SIZE, or a non-zero tail the module does not
 * know),
 * EFAULT (bad struct pointer, samples_ptr or ref_samples_ptr),
 * ENOMEM (no memory for the per-pair arrays),
 * EOPNOTSUPP (op not available on this CPU/kernel, or no TSC rate known;
 * PIO_READ also under a hypervisor that may stop a CPU on a port read,
 * Jailhouse, ACRN or one the module cannot name, unless the module was
 * loaded with pio_any_hypervisor=1),
 * ERANGE (a batch would pass, or passed, the cap: batch_ticks_max is then
 * how long a batch takes: the first probes' estimate when they refused the
 * call, else the ticks of the last pair's longer section, the one that
 * ended the call),
 * EINTR (a signal arrived: batches_done says how far it got; not
 * restarted, the caller decides).
 */
#define VMPROBE_IOC_KTIMED	_IOWR(VMPROBE_IOC_MAGIC, 0x02, struct vmprobe_ktimed)

/* ---- VMPROBE_IOC_GAPS -------------------------------------------------- */

#define VMPROBE_GAPS_MAX_WINDOW_US	VMPROBE_IRQOFF_CAP_US
#define VMPROBE_GAPS_MAX_WINDOWS	10000
#define VMPROBE_GAPS_DEFAULT_THRESHOLD_NS	1000
#define VMPROBE_GAPS_HIST_BUCKETS	16
/*
 * A window's TSC reads at most: window_us x the reads per us measured before
 * the first window (best of VMPROBE_GAPS_RATE_PROBES runs of
 * VMPROBE_GAPS_RATE_READS reads) x VMPROBE_GAPS_READS_MARGIN, and never more
 * than window_us x VMPROBE_GAPS_MAX_READS_PER_US. A working TSC ends the
 * window long before; this only bounds a TSC that stopped advancing, to
 * VMPROBE_GAPS_READS_MARGIN windows' worth of reads.
 */
#define VMPROBE_GAPS_MAX_READS_PER_US	1000
#define VMPROBE_GAPS_READS_MARGIN	4
#define VMPROBE_GAPS_RATE_PROBES	3
#define VMPROBE_GAPS_RATE_READS		64

/**
 * struct vmprobe_gaps - argument of VMPROBE_IOC_GAPS
 * @size: in/out: sizeof the caller's struct; on return the bytes filled
 * @window_us: in: 1..VMPROBE_GAPS_MAX_WINDOW_US
 * @windows: in: 1..VMPROBE_GAPS_MAX_WINDOWS
 * @threshold_ns: in: 0 = default (1000)
 * @flags: in: must be 0
 * @windows_done: out: windows done
 * @spin_ticks: out: total TSC ticks spun: the forward steps (saturates)
 * @spin_reads: out: TSC reads made
 * @gap_count: out: steps longer than the threshold
 * @gap_ticks_total: out: their ticks (saturates)
 * @gap_ticks_max: out: the longest
 * @hist: out: hist[i] counts gaps g with floor(log2(g / threshold)) == i,
 *	the last bucket taking everything longer
 * @backward_steps: out: steps where the TSC read went backwards; in no
 *	other figure
 * @reserved: must be zero on input
 *
 * A stolen-time detector in the spirit of the kernel's hwlat tracer. For
 * each of `windows` windows, spin for window_us with interrupts off,
 * reading the TSC back to back; a step between two consecutive reads
 * longer than threshold_ns is a gap: time this CPU did not run the guest
 * (the VMM, or firmware, took it). Between windows interrupts are on and
 * the task may reschedule. A window lasts window_us of forward TSC steps,
 * (div_u64(window_us x tsc_khz, 1000) ticks, truncated: at least that,
 * plus the one step that crosses its end), or ends after the reads bound
 * above (so a TSC that stops advancing cannot hold interrupts off for
 * ever; spin_ticks then falls short of windows x window).
 */
struct vmprobe_gaps {
	__u32 size;
	__u32 window_us;
	__u32 windows;
	__u32 threshold_ns;
	__u32 flags;
	__u32 windows_done;
	__u64 spin_ticks;
	__u64 spin_reads;
	__u64 gap_count;
	__u64 gap_ticks_total;
	__u64 gap_ticks_max;
	__u64 hist[VMPROBE_GAPS_HIST_BUCKETS];
	__u64 backward_steps;
	__u64 reserved[3];
};

#define VMPROBE_GAPS_SIZE_VER0		224

/**
 * define VMPROBE_IOC_GAPS - detect stolen time with interrupts off
 *
 * Description:
 * Argument: struct vmprobe_gaps.
 *
 * Return: 0; or -1 with errno EINVAL (size below VER0, window_us or
 * windows 0 or above the maxima, threshold above window, flags or reserved
 * not zero), E2BIG (size above PAGE_SIZE or unknown non-zero tail), EFAULT,
 * EOPNOTSUPP (no TSC rate known), EINTR (a signal arrived between windows:
 * windows_done says how far it got; not restarted).
 */
#define VMPROBE_IOC_GAPS	_IOWR(VMPROBE_IOC_MAGIC, 0x03, struct vmprobe_gaps)

/* ---- VMPROBE_IOC_IRQ --------------------------------------------------- */

#define VMPROBE_IRQ_MAX_ROUND_TRIPS	1024
/* A round trip not back within this is abandoned: the call fails with ETIMEDOUT. */
#define VMPROBE_IRQ_TIMEOUT_US		10000
/* IPI_WAKE: the other CPU is left idle this long before each round trip. */
#define VMPROBE_IRQ_SETTLE_US		200
#define VMPROBE_STR_(x)			#x
#define VMPROBE_STR(x)			VMPROBE_STR_(x)

/*
 * The round trips IRQ times, the one command that runs with interrupts on:
 *   X(NAME, "row", cpus, "what one round trip is", "when it is refused")
 * cpus: 2 for a kind that goes to another CPU and back (the task must not
 * be on that CPU: EAGAIN), else 1. As VMPROBE_KTIMED_OPS, the user rows
 * come from this list; append only: a kind's number is its position.
 * PAUSE_HANDOFF is no interrupt: it is kvm-unit-tests' pause-loop round
 * robin, two CPUs each waiting for the other in a pause loop (what a VMM's
 * pause-loop exiting watches), answered by IPI's spinning thread.
 */
#define VMPROBE_IRQ_KINDS(X)							\
	X(SELF_IPI, "irq-self-ipi", 1,						\
	  "self-IPI round trip: irq_work_queue() on this CPU to its handler",	\
	  "no self-IPI here (no local APIC: irq_work waits for the tick)")	\
	X(IPI, "irq-ipi", 2,							\
	  "IPI to a busy CPU and back: smp_call_function_single() to "		\
	  "another CPU kept running a spinning kernel thread",			\
	  "needs 2 online CPUs")						\
	X(IPI_WAKE, "irq-ipi-wake", 2,						\
	  "IPI that wakes an idle CPU and back: smp_call_function_single() to " \
	  "another CPU left idle (halted) for "					\
	  VMPROBE_STR(VMPROBE_IRQ_SETTLE_US) " us before each",		\
	  "needs 2 online CPUs")						\
	X(TIMER, "irq-timer", 1,						\
	  "one-shot timer interrupt: hrtimer_start() of a pinned hard hrtimer " \
	  "due now, to its handler",						\
	  "no high-resolution timers on this CPU (a timer would wait for the tick)") \
	X(PAUSE_HANDOFF, "pause-handoff-2cpu", 2,				\
	  "a flag handed to a kernel thread on another CPU and back, each "	\
	  "side waiting in a pause loop (no interrupt: the pause-loop round "	\
	  "robin)",								\
	  "needs 2 online CPUs")

#define VMPROBE_IRQ_ENUM_(NAME, row, cpus, what, refused)	VMPROBE_IRQ_##NAME,
enum {
	VMPROBE_IRQ_KINDS(VMPROBE_IRQ_ENUM_)
	VMPROBE_IRQ_COUNT	/* kinds are 0..VMPROBE_IRQ_COUNT-1 */
};

#undef VMPROBE_IRQ_ENUM_

/**
 * struct vmprobe_irq - argument of VMPROBE_IOC_IRQ
 * @size: in/out: sizeof the caller's struct; on return the bytes filled
 * @kind: in: VMPROBE_IRQ_*
 * @round_trips: in: 1..VMPROBE_IRQ_MAX_ROUND_TRIPS
 * @flags: in: must be 0
 * @samples_ptr: in: user pointer to __u64[round_trips] for each round
 *	trip's ticks, or 0
 * @round_trips_done: out: round trips timed
 * @cpu: out: the CPU the last round trip was sent from
 * @target_cpu: out: the other CPU (kinds with cpus 2), else @cpu
 * @target_off: out: kinds with cpus 2: round trips whose other side found
 *	its CPU not in the state the kind promises (IPI, PAUSE_HANDOFF:
 *	running the idle task; IPI_WAKE: not running it); in every figure,
 *	counted so a reader knows
 * @ticks_min: out: the round trips' minimum, TSC ticks
 * @ticks_median: out: their median
 * @ticks_max: out: their maximum
 * @reserved: must be zero on input
 *
 * Each round trip runs with preemption off and interrupts on, on the
 * calling task's CPU: a TSC read, the trigger, a spin until the handler
 * (PAUSE_HANDOFF: the other CPU's thread) has answered
 * (smp_call_function_single() waits itself), a TSC read. The
 * figure is that bracket: two ordered TSC reads and the spin's last check
 * beside the interrupt's delivery and handler, and any other interrupt
 * that lands in it (kept, not filtered). Between round trips preemption is
 * on, the task may reschedule and a signal ends the call with EINTR.
 * Bound: round_trips x (VMPROBE_IRQ_TIMEOUT_US + VMPROBE_IRQ_SETTLE_US),
 * interrupts on throughout; IPI and PAUSE_HANDOFF keep a kernel thread
 * spinning (calling cond_resched()) on the target CPU for the call's length.
 */
struct vmprobe_irq {
	__u32 size;
	__u32 kind;
	__u32 round_trips;
	__u32 flags;
	__u64 samples_ptr;
	__u32 round_trips_done;
	__u32 cpu;
	__u32 target_cpu;
	__u32 target_off;
	__u64 ticks_min;
	__u64 ticks_median;
	__u64 ticks_max;
	__u64 reserved[4];
};

#define VMPROBE_IRQ_SIZE_VER0		96

/**
 * define VMPROBE_IOC_IRQ - time interrupt round trips, interrupts on
 *
 * Description:
 * Argument: struct vmprobe_irq.
 *
 * Return: 0; or -1 with errno EINVAL (size below VER0, kind unknown,
 * round_trips 0 or above the maximum, flags or reserved not zero), E2BIG
 * (size above PAGE_SIZE or unknown non-zero tail), EFAULT (bad struct
 * pointer or samples_ptr), ENOMEM, EOPNOTSUPP (the kind's refusal above,
 * or no TSC rate known), EAGAIN (kinds with cpus 2: the task moved onto
 * the target CPU; pin it elsewhere), ETIMEDOUT (a round trip, or the
 * spinning thread, did not come within VMPROBE_IRQ_TIMEOUT_US),
 * EINTR (a signal arrived: round_trips_done says how far it got).
 */
#define VMPROBE_IOC_IRQ		_IOWR(VMPROBE_IOC_MAGIC, 0x04, struct vmprobe_irq)

/* Command numbers in use are 0..VMPROBE_IOC_NR_COUNT-1; the rest: ENOTTY. */
#define VMPROBE_IOC_NR_COUNT	5

#endif /* _UAPI_VMPROBE_H */
