// SPDX-License-Identifier: GPL-2.0
/*
 * rdtsc: one user-mode RDTSC. Native and under hardware virtualisation
 * with TSC offsetting it does not exit; a VMM that traps it (TSC scaling
 * off, Xen's emulated TSC mode, Bochs, TCG) shows here. One op = one rdtsc.
 */
#include "common.h"

static volatile uint64_t rdtsc_sink;

static inline uint64_t read_tsc(void)
{
	uint32_t lo, hi;

	/* volatile: each read is a separate instruction, never merged or hoisted. */
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static int rdtsc_run(struct bench_state *st, uint64_t n)
{
	uint64_t acc = 0;

	for (uint64_t i = 0; i < n; i++)
		acc += read_tsc();
	rdtsc_sink = acc;
	return 0;
}

const struct bench bench_rdtsc = {
	.name = "rdtsc",
	.group = "micro",
	.panel = "kernel",
	.summary = "user-mode RDTSC (exits only where the VMM traps it)",
	.unit = "instruction",
	.run = rdtsc_run,
};
