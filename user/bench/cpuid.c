// SPDX-License-Identifier: GPL-2.0
/*
 * cpuid: user-mode CPUID leaf 0. VT-x and SVM always exit on CPUID, so
 * under hardware virtualisation this is one VM exit and entry: the
 * smallest round trip into the VMM a user process can cause.
 * One op = one instruction.
 */
#include <string.h>

#include "common.h"

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static struct cpuid_regs cpuid_last;

static inline void cpuid_leaf(uint32_t leaf, struct cpuid_regs *r)
{
	__asm__ __volatile__("cpuid"
			     : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
			     : "a"(leaf), "c"(0));
}

static int cpuid_run(struct bench_state *st, uint64_t n)
{
	struct cpuid_regs r = { 0 };

	for (uint64_t i = 0; i < n; i++)
		cpuid_leaf(0, &r);
	cpuid_last = r;
	return 0;
}

/* Leaf 0 names the vendor in EBX, EDX, ECX: twelve printable characters. */
static int cpuid_verify(struct bench_state *st)
{
	char vendor[13];

	memcpy(vendor, &cpuid_last.ebx, 4);
	memcpy(vendor + 4, &cpuid_last.edx, 4);
	memcpy(vendor + 8, &cpuid_last.ecx, 4);
	vendor[12] = '\0';
	for (int i = 0; i < 12; i++)
		if (vendor[i] < 0x20 || vendor[i] > 0x7e)
			return bench_fail(st, "cpuid leaf 0 vendor is not printable");
	if (cpuid_last.eax == 0)
		return bench_fail(st, "cpuid leaf 0 reports no standard leaves");
	return 0;
}

const struct bench bench_cpuid = {
	.name = "cpuid",
	.group = "micro",
	.panel = "kernel",
	.summary = "user-mode CPUID leaf 0 (always a VM exit under VT-x/SVM)",
	.unit = "instruction",
	.run = cpuid_run,
	.verify = cpuid_verify,
};
