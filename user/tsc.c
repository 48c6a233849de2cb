// SPDX-License-Identifier: GPL-2.0
/* TSC frequency: module, sysfs, cpuid, or a calibration here (in that order). */
#include <cpuid.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kmodif.h"
#include "tsc.h"

bool tsc_have_rdtscp;

void tsc_init(void)
{
	unsigned a, b, c, d;

	if (__get_cpuid(0x80000001, &a, &b, &c, &d))
		tsc_have_rdtscp = d & (1u << 27);
}

const char *tsc_hz_source_name(enum tsc_hz_source s)
{
	switch (s) {
	case TSC_HZ_MODULE:	return "module";
	case TSC_HZ_SYSFS:	return "sysfs";
	case TSC_HZ_CPUID:	return "cpuid";
	case TSC_HZ_CALIBRATED:	return "calibrated";
	default:		return "none";
	}
}

static uint64_t raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * A (tsc, ns) pair read as close together as we can: of a few tries, the
 * one whose TSC bracket around the clock read was shortest (an interrupt
 * or a VM exit in between would blur it).
 */
static void paired_read(uint64_t *tsc, uint64_t *ns)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 5; i++) {
		uint64_t t0 = tsc_begin();
		uint64_t n = raw_ns();
		uint64_t t1 = tsc_end();

		if (t1 - t0 < best) {
			best = t1 - t0;
			*tsc = t0 + (t1 - t0) / 2;
			*ns = n;
		}
	}
}

double tsc_hz_between(uint64_t tsc0, uint64_t ns0, uint64_t tsc1, uint64_t ns1)
{
	if (ns1 <= ns0 || tsc1 <= tsc0)
		return 0;
	return (double)(tsc1 - tsc0) * 1e9 / (double)(ns1 - ns0);
}

double tsc_calibrate(unsigned ms)
{
	uint64_t t0, n0, t1, n1;
	struct timespec nap = { ms / 1000, (long)(ms % 1000) * 1000000L };

	paired_read(&t0, &n0);
	nanosleep(&nap, NULL);
	paired_read(&t1, &n1);
	return tsc_hz_between(t0, n0, t1, n1);
}

int tsc_from_module(struct tsc_clock *clk, const struct vmprobe_info *info)
{
	if (!info)
		return -1;
	if (info->calib_tsc_khz) {
		clk->hz = (double)info->calib_tsc_khz * 1e3;
		snprintf(clk->detail, sizeof(clk->detail),
			 "module calib_tsc_khz %llu (kernel tsc_khz %llu, %lld ppm)",
			 (unsigned long long)info->calib_tsc_khz,
			 (unsigned long long)info->tsc_khz, (long long)info->calib_error_ppm);
	} else if (info->tsc_khz) {
		clk->hz = (double)info->tsc_khz * 1e3;
		snprintf(clk->detail, sizeof(clk->detail), "module: kernel tsc_khz %llu",
			 (unsigned long long)info->tsc_khz);
	} else {
		return -1;
	}
	clk->source = TSC_HZ_MODULE;
	return 0;
}

int tsc_from_sysfs(struct tsc_clock *clk, const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned long long khz = 0;
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%llu", &khz) == 1 && khz > 0;
	fclose(f);
	if (!ok)
		return -1;
	clk->hz = (double)khz * 1e3;
	clk->source = TSC_HZ_SYSFS;
	snprintf(clk->detail, sizeof(clk->detail), "tsc_freq_khz %llu", khz);
	return 0;
}

void tsc_cpuid_native(unsigned leaf, unsigned regs[4])
{
	__cpuid_count(leaf, 0, regs[0], regs[1], regs[2], regs[3]);
}

int tsc_from_cpuid(struct tsc_clock *clk, tsc_cpuid_fn *cpuid)
{
	unsigned r[4], max;

	cpuid(0, r);
	max = r[0];
	/* Leaf 0x15: TSC = crystal (ecx) * ebx / eax, when the crystal is given. */
	if (max >= 0x15) {
		cpuid(0x15, r);
		if (r[0] && r[1] && r[2]) {
			clk->hz = (double)r[2] * r[1] / r[0];
			clk->source = TSC_HZ_CPUID;
			snprintf(clk->detail, sizeof(clk->detail),
				 "cpuid 0x15: crystal %u Hz * %u / %u", r[2], r[1], r[0]);
			return 0;
		}
	}
	/* The VMware/KVM timing leaf, under a hypervisor (leaf 1 ecx bit 31): eax = TSC kHz. */
	if (max >= 1) {
		cpuid(1, r);
		if (r[2] & (1u << 31)) {
			cpuid(0x40000000, r);
			if (r[0] >= 0x40000010) {
				cpuid(0x40000010, r);
				if (r[0]) {
					clk->hz = r[0] * 1e3;
					clk->source = TSC_HZ_CPUID;
					snprintf(clk->detail, sizeof(clk->detail),
						 "cpuid 0x40000010: %u kHz", r[0]);
					return 0;
				}
			}
		}
	}
	/* Leaf 0x16 base MHz: nominal, a guide at best on older parts. */
	if (max >= 0x16) {
		cpuid(0x16, r);
		if (r[0] & 0xffff) {
			clk->hz = (r[0] & 0xffff) * 1e6;
			clk->source = TSC_HZ_CPUID;
			snprintf(clk->detail, sizeof(clk->detail),
				 "cpuid 0x16 base frequency %u MHz", r[0] & 0xffff);
			return 0;
		}
	}
	return -1;
}

int tsc_frequency_from(struct tsc_clock *clk, const struct tsc_inputs *in)
{
	memset(clk, 0, sizeof(*clk));
	if (tsc_from_module(clk, in->module) == 0 || tsc_from_sysfs(clk, in->sysfs_path) == 0 ||
	    tsc_from_cpuid(clk, in->cpuid) == 0)
		return 0;
	memset(clk, 0, sizeof(*clk));
	clk->hz = in->calibrate(in->calib_ms);
	if (!(clk->hz > 0)) {
		clk->hz = 0;
		snprintf(clk->detail, sizeof(clk->detail),
			 "calibration against CLOCK_MONOTONIC_RAW failed");
		return -1;
	}
	clk->source = TSC_HZ_CALIBRATED;
	snprintf(clk->detail, sizeof(clk->detail),
		 "counted against CLOCK_MONOTONIC_RAW over %u ms", in->calib_ms);
	return 0;
}

int tsc_frequency(struct tsc_clock *clk, int devfd, unsigned calib_ms)
{
	struct vmprobe_info info;
	struct tsc_inputs in = {
		.module = devfd >= 0 && kmod_info(devfd, &info, 0) == 0 ? &info : NULL,
		.sysfs_path = TSC_SYSFS_PATH,
		.cpuid = tsc_cpuid_native,
		.calibrate = tsc_calibrate,
		.calib_ms = calib_ms,
	};

	return tsc_frequency_from(clk, &in);
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * The TSC's granularity: the greatest common divisor of the steps seen
 * between back-to-back reads (1 on most hosts; a read costs more than one
 * step, so the smallest step alone would overstate it).
 */
double tsc_granularity(void)
{
	uint64_t prev = tsc_begin(), g = 0;

	for (int i = 0; i < 20000 && g != 1; i++) {
		uint64_t t = tsc_begin();

		if (t != prev)
			g = gcd_u64(g, t - prev);
		prev = t;
	}
	return (double)g;
}

void tsc_cpu_flags(bool *known, bool *constant, bool *nonstop)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[8192];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		*known = true;
		*constant = strstr(line, " constant_tsc") != NULL;
		*nonstop = strstr(line, " nonstop_tsc") != NULL;
		break;
	}
	fclose(f);
}

