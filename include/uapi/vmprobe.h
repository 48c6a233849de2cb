/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmprobe ABI: the one header shared by kmod/vmprobe.ko and the user tools.
 *
 * The module registers the misc device /dev/vmprobe (mode 0600). Every
 * command below is an ioctl on an open file descriptor of that device.
 *
 * Extensible structs: every argument struct starts with a __u32 `size`
 * that the caller sets to sizeof(its struct). The module reads exactly
 * that many bytes (copy_struct_from_user semantics):
 *   - size smaller than the first published version (the *_SIZE_VER0
 *     constants)                                      -> -EINVAL
 *   - size larger than the module knows, tail all zero -> accepted
 *   - size larger than the module knows, tail not zero -> -E2BIG
 * and writes back min(size, its own sizeof) bytes, with `size` set to
 * the number of bytes it filled. Input fields not named "in" are ignored
 * on input; reserved fields must be zero on input.
 *
 * The ioctl numbers carry the struct size of version 0 in their size
 * bits; the module matches a command on type, number and direction only
 * and takes the struct size from the `size` field, so a caller built
 * against a newer header still talks to an older module and vice versa.
 *
 * Errors common to every command: -ENOTTY unknown command, -EFAULT bad
 * user pointer, -EINVAL size/field out of range or reserved field not
 * zero, -E2BIG unknown non-zero tail.
 */
#ifndef _UAPI_VMPROBE_H
#define _UAPI_VMPROBE_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define VMPROBE_ABI_VERSION	1
#define VMPROBE_DEVICE		"/dev/vmprobe"
#define VMPROBE_IOC_MAGIC	'v'

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

/*
 * INFO: what the kernel knows about time and the CPU, plus the module's
 * own TSC calibration: TSC ticks counted against ktime_get_raw_ns() over
 * calib_ms milliseconds (the task sleeps meanwhile; interrupts stay on).
 */
struct vmprobe_info {
	__u32 size;			/* in/out */
	__u32 calib_ms;			/* in: 0 = default (100), max 1000 */
	__u32 abi_version;		/* out: VMPROBE_ABI_VERSION */
	__u32 tsc_flags;		/* out: VMPROBE_TSC_* */
	__u64 tsc_khz;			/* out: the kernel's tsc_khz */
	__u64 calib_tsc_ticks;		/* out: TSC ticks over the window */
	__u64 calib_ref_ns;		/* out: ktime raw ns over the window */
	__u64 calib_tsc_khz;		/* out: ticks / ns, in kHz */
	__s64 calib_error_ppm;		/* out: (calib_tsc_khz - tsc_khz) / tsc_khz * 1e6 */
	__u32 hypervisor;		/* out: VMPROBE_HYPER_* */
	__u32 cpu_family;		/* out: boot_cpu_data.x86 */
	__u32 cpu_model;		/* out */
	__u32 cpu_stepping;		/* out */
	__u8  cpu_vendor[16];		/* out: NUL-terminated, e.g. "GenuineIntel" */
	__u8  cpu_model_name[64];	/* out: NUL-terminated */
	__u8  clocksource[32];		/* out: current clocksource, e.g. "tsc";
					 * empty where the kernel exports no
					 * way to read it (6.1: see kmod/info.c) */
	__u64 reserved[8];		/* must be zero on input */
};
#define VMPROBE_INFO_SIZE_VER0	248

#define VMPROBE_IOC_INFO	_IOWR(VMPROBE_IOC_MAGIC, 0x00, struct vmprobe_info)

/* ---- VMPROBE_IOC_NULL -------------------------------------------------- */

/*
 * NULL: returns 0 at once and touches no memory; the argument is ignored.
 * What a caller times around it is the user->kernel->user round trip
 * through the ioctl path (a "null system call" that cannot be optimised
 * away like getpid's caching once was).
 */
#define VMPROBE_IOC_NULL	_IO(VMPROBE_IOC_MAGIC, 0x01)

/* ---- VMPROBE_IOC_KTIMED ------------------------------------------------ */

/* Operations timed in the kernel: the instructions a VMM traps or emulates. */
#define VMPROBE_OP_EMPTY	0	/* the bare loop: the overhead */
#define VMPROBE_OP_RDTSC	1
#define VMPROBE_OP_RDTSCP	2	/* -EOPNOTSUPP without RDTSCP */
#define VMPROBE_OP_CPUID0	3	/* cpuid leaf 0 */
#define VMPROBE_OP_CPUID1	4	/* cpuid leaf 1 */
#define VMPROBE_OP_RDMSR	5	/* rdmsr of MSR_IA32_TSC (0x10), a safe read */
#define VMPROBE_OP_PIO_READ	6	/* inb from port 0x80 (the POST/delay port) */
#define VMPROBE_OP_READ_CR0	7
#define VMPROBE_OP_READ_CR3	8
#define VMPROBE_OP_INVLPG	9	/* invlpg of an address in the module */
#define VMPROBE_OP_COUNT	10

#define VMPROBE_KTIMED_MAX_ITERS	1024	/* per batch */
#define VMPROBE_KTIMED_MAX_BATCHES	100000
/* A batch runs with interrupts off; one that takes longer than this makes
 * the whole call fail with -ERANGE (batch_ticks_max says by how much), so
 * a caller grows iterations from small values and stays under it. */
#define VMPROBE_IRQOFF_CAP_US		1000

/*
 * KTIMED: run `op` `iterations` times per batch, `batches` batches; each
 * batch runs with preemption and interrupts off and is timed with an
 * ordered rdtsc on each side; the task may reschedule between batches.
 * The empty loop (VMPROBE_OP_EMPTY) is measured the same way, in batches
 * interleaved with the op's, and reported as overhead_*.
 * Figures are TSC ticks for a whole batch (divide by iterations for one
 * op; subtract the overhead batch first).
 * If samples_ptr is not zero it points to `batches` __u64s that receive
 * each op batch's ticks (overhead not subtracted), in order.
 * Errors: -EINVAL op >= VMPROBE_OP_COUNT, iterations or batches 0 or above
 * the maxima, flags or reserved not zero; -EOPNOTSUPP op not available on
 * this CPU/kernel; -ERANGE a batch held interrupts off longer than
 * VMPROBE_IRQOFF_CAP_US; -EFAULT bad pointer; -EINTR a signal arrived
 * (batches_done says how far it got).
 * The module first times a few short batches and refuses with -ERANGE
 * (batches_done 0, batch_ticks_max the estimate) a request whose batches
 * would exceed the cap, before running any; a batch that exceeds it anyway
 * (say the host preempted the vCPU) is run again, up to twice, before the
 * call fails. On -EINTR and -ERANGE the out fields cover the batches done.
 */
/*
 * Before its batches, each call estimates one batch with
 * VMPROBE_KTIMED_PROBE_RUNS batches of 1 op and, when iterations > 1, as many
 * of min(iterations, VMPROBE_KTIMED_PROBE_ITERS) ops: ops that run (and may
 * trap to a VMM) outside batches_done.
 */
#define VMPROBE_KTIMED_PROBE_ITERS	8
#define VMPROBE_KTIMED_PROBE_RUNS	3

struct vmprobe_ktimed {
	__u32 size;			/* in/out */
	__u32 op;			/* in: VMPROBE_OP_* */
	__u32 iterations;		/* in: 1..VMPROBE_KTIMED_MAX_ITERS */
	__u32 batches;			/* in: 1..VMPROBE_KTIMED_MAX_BATCHES */
	__u32 flags;			/* in: must be 0 */
	__u32 batches_done;		/* out */
	__u64 samples_ptr;		/* in: user pointer to __u64[batches], or 0 */
	__u64 batch_ticks_min;		/* out */
	__u64 batch_ticks_median;	/* out */
	__u64 batch_ticks_max;		/* out */
	__u64 overhead_ticks_min;	/* out */
	__u64 overhead_ticks_median;	/* out */
	__u64 overhead_ticks_max;	/* out */
	__u64 reserved[4];		/* must be zero on input */
};
#define VMPROBE_KTIMED_SIZE_VER0	112

#define VMPROBE_IOC_KTIMED	_IOWR(VMPROBE_IOC_MAGIC, 0x02, struct vmprobe_ktimed)

/* ---- VMPROBE_IOC_GAPS -------------------------------------------------- */

#define VMPROBE_GAPS_MAX_WINDOW_US	VMPROBE_IRQOFF_CAP_US
#define VMPROBE_GAPS_MAX_WINDOWS	10000
#define VMPROBE_GAPS_DEFAULT_THRESHOLD_NS	1000
#define VMPROBE_GAPS_HIST_BUCKETS	16

/*
 * GAPS: a stolen-time detector in the spirit of the kernel's hwlat tracer.
 * For each of `windows` windows, spin for window_us with interrupts off,
 * reading the TSC back to back; a step between two consecutive reads
 * longer than threshold_ns is a gap: time this CPU did not run the guest
 * (the VMM, or firmware, took it). Between windows interrupts are on and
 * the task may reschedule.
 * hist[i] counts gaps g with floor(log2(g / threshold)) == i, the last
 * bucket taking everything longer.
 * Errors: -EINVAL window_us or windows 0 or above the maxima, threshold
 * above window, flags or reserved not zero; -EINTR a signal arrived.
 */
struct vmprobe_gaps {
	__u32 size;			/* in/out */
	__u32 window_us;		/* in: 1..VMPROBE_GAPS_MAX_WINDOW_US */
	__u32 windows;			/* in: 1..VMPROBE_GAPS_MAX_WINDOWS */
	__u32 threshold_ns;		/* in: 0 = default (1000) */
	__u32 flags;			/* in: must be 0 */
	__u32 windows_done;		/* out */
	__u64 spin_ticks;		/* out: total TSC ticks spun */
	__u64 spin_reads;		/* out: TSC reads made */
	__u64 gap_count;		/* out */
	__u64 gap_ticks_total;		/* out */
	__u64 gap_ticks_max;		/* out */
	__u64 hist[VMPROBE_GAPS_HIST_BUCKETS];	/* out */
	__u64 reserved[4];		/* must be zero on input */
};
#define VMPROBE_GAPS_SIZE_VER0		224

#define VMPROBE_IOC_GAPS	_IOWR(VMPROBE_IOC_MAGIC, 0x03, struct vmprobe_gaps)

#endif /* _UAPI_VMPROBE_H */
