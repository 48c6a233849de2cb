/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fenced TSC reads and the TSC frequency.
 *
 * tsc_begin()/tsc_end() bracket a timed region the way Intel's "How to
 * Benchmark Code Execution Times" white paper does: lfence;rdtsc before
 * (earlier instructions retire first), rdtscp;lfence after (the region
 * retires before the read, later code waits for it). Without RDTSCP the
 * end is lfence;rdtsc;lfence.
 */
#ifndef VMPROBE_TSC_H
#define VMPROBE_TSC_H

#include <stdbool.h>
#include <stdint.h>

extern bool tsc_have_rdtscp;

static inline uint64_t tsc_begin(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t tsc_end(void)
{
	uint32_t lo, hi, aux;

	if (tsc_have_rdtscp)
		__asm__ __volatile__("rdtscp\n\tlfence"
				     : "=a"(lo), "=d"(hi), "=c"(aux) :: "memory");
	else
		__asm__ __volatile__("lfence\n\trdtsc\n\tlfence"
				     : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* Where clock.tsc_hz came from. */
enum tsc_hz_source {
	TSC_HZ_NONE = 0,
	TSC_HZ_MODULE,		/* the module's INFO calibration (or the kernel's tsc_khz) */
	TSC_HZ_SYSFS,		/* /sys/devices/system/cpu/cpu0/tsc_freq_khz */
	TSC_HZ_CPUID,		/* cpuid leaf 0x15 (or 0x16 base MHz) */
	TSC_HZ_CALIBRATED,	/* counted against CLOCK_MONOTONIC_RAW here */
};

struct tsc_clock {
	double hz;
	enum tsc_hz_source source;
	char detail[128];	/* e.g. "calib_tsc_khz 2994373, kernel tsc_khz 2994370" */
};

/* Sets tsc_have_rdtscp from cpuid; call once before timing anything. */
void tsc_init(void);

/*
 * Finds the TSC frequency: the module (devfd >= 0) first, then sysfs, then
 * cpuid, then a calibration of calib_ms against CLOCK_MONOTONIC_RAW.
 * Returns 0, or -1 when nothing worked (clk->detail says why).
 */
int tsc_frequency(struct tsc_clock *clk, int devfd, unsigned calib_ms);

/* Calibration against CLOCK_MONOTONIC_RAW over about ms milliseconds; Hz or 0. */
double tsc_calibrate(unsigned ms);

/*
 * The pieces of tsc_frequency(), each on inputs given to it, so that each
 * source and the choice between them can be tested against known values.
 */
#define TSC_SYSFS_PATH "/sys/devices/system/cpu/cpu0/tsc_freq_khz"

/* Fills regs[] = eax, ebx, ecx, edx of cpuid leaf (subleaf 0). */
typedef void tsc_cpuid_fn(unsigned leaf, unsigned regs[4]);
tsc_cpuid_fn tsc_cpuid_native;

struct vmprobe_info;

struct tsc_inputs {
	const struct vmprobe_info *module;	/* the module's INFO answer; NULL: none */
	const char *sysfs_path;			/* a tsc_freq_khz file (kHz) */
	tsc_cpuid_fn *cpuid;
	double (*calibrate)(unsigned ms);	/* Hz, or 0 when it failed */
	unsigned calib_ms;
};

/* tsc_frequency() on these inputs: the first source that answers wins. */
int tsc_frequency_from(struct tsc_clock *clk, const struct tsc_inputs *in);

/* Each: 0 with clk->hz, source and detail set, or -1 (clk untouched) when it has no answer. */
int tsc_from_module(struct tsc_clock *clk, const struct vmprobe_info *info);
int tsc_from_sysfs(struct tsc_clock *clk, const char *path);
int tsc_from_cpuid(struct tsc_clock *clk, tsc_cpuid_fn *cpuid);

/* The rate of two (TSC, ns) readings: Hz, or 0 unless both went forward. */
double tsc_hz_between(uint64_t tsc0, uint64_t ns0, uint64_t tsc1, uint64_t ns1);

const char *tsc_hz_source_name(enum tsc_hz_source s);

/*
 * The TSC's granularity: the greatest common divisor of the steps seen
 * between back-to-back reads (1 on most hosts).
 */
double tsc_granularity(void);
/*
 * The constant_tsc and nonstop_tsc flags of the first CPU in /proc/cpuinfo;
 * *known false (the others untouched) where it has no flags line (not x86).
 */
void tsc_cpu_flags(bool *known, bool *constant, bool *nonstop);

#endif /* VMPROBE_TSC_H */
