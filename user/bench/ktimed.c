// SPDX-License-Identifier: GPL-2.0
/*
 * ktimed-*: the instructions a VMM traps or emulates (rdtsc, rdtscp, cpuid,
 * rdmsr, port I/O, control-register reads, invlpg), timed inside the kernel
 * by VMPROBE_IOC_KTIMED with interrupts off, so no syscall or scheduling
 * noise is in the figure. One row per op, all sharing this code.
 *
 * Self-timed (`measure`): one sample = one KTIMED call of `batches` batches
 * of `iterations` ops; its figure is (median op batch - median empty-loop
 * batch) / iterations, in TSC ticks per op. `time_goal_s` is taken as the
 * goal for one sample, as for a run() call; out->cap samples are taken.
 *
 * Iterations grow by doubling from 1 while a batch stays under
 * KTIMED_TARGET_BATCH_NS, a tenth of VMPROBE_IRQOFF_CAP_US, so jitter
 * cannot push a batch over the cap; -ERANGE anyway halves them and retries.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "kmodif.h"

#define KTIMED_TARGET_BATCH_NS	(VMPROBE_IRQOFF_CAP_US * 1000ull / 10)
#define KTIMED_PROBE_BATCHES	8
#define KTIMED_PROBE_TRIES	3
#define KTIMED_MAX_RETRIES	8

extern const struct bench bench_ktimed_rdtsc, bench_ktimed_rdtscp, bench_ktimed_cpuid0,
	bench_ktimed_cpuid1, bench_ktimed_rdmsr, bench_ktimed_pio, bench_ktimed_cr0,
	bench_ktimed_cr3, bench_ktimed_invlpg;

static const struct {
	const struct bench *bench;
	unsigned op;
} ktimed_ops[] = {
	{ &bench_ktimed_rdtsc, VMPROBE_OP_RDTSC },
	{ &bench_ktimed_rdtscp, VMPROBE_OP_RDTSCP },
	{ &bench_ktimed_cpuid0, VMPROBE_OP_CPUID0 },
	{ &bench_ktimed_cpuid1, VMPROBE_OP_CPUID1 },
	{ &bench_ktimed_rdmsr, VMPROBE_OP_RDMSR },
	{ &bench_ktimed_pio, VMPROBE_OP_PIO_READ },
	{ &bench_ktimed_cr0, VMPROBE_OP_READ_CR0 },
	{ &bench_ktimed_cr3, VMPROBE_OP_READ_CR3 },
	{ &bench_ktimed_invlpg, VMPROBE_OP_INVLPG },
};

static int ktimed_op_of(const struct bench *b)
{
	for (size_t i = 0; i < sizeof(ktimed_ops) / sizeof(ktimed_ops[0]); i++)
		if (ktimed_ops[i].bench == b)
			return (int)ktimed_ops[i].op;
	return -1;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Skips a row whose op the module refuses here (no RDTSCP, ...). */
static int ktimed_valid(const struct bench_state *st, char *why, size_t whylen)
{
	struct vmprobe_ktimed kt;
	int op = ktimed_op_of(st->bench);
	int err;

	if (!bench_needs_module(st, why, whylen))
		return 0;
	if (op < 0) {
		snprintf(why, whylen, "no KTIMED op for bench %s", st->bench->name);
		return 0;
	}
	err = kmod_ktimed(st->devfd, &kt, (unsigned)op, 1, 1, NULL);
	if (err == -EOPNOTSUPP) {
		snprintf(why, whylen, "the module cannot run this op on this CPU/kernel (EOPNOTSUPP)");
		return 0;
	}
	return 1;	/* other errors surface, with their message, in measure */
}

/*
 * kmod_ktimed, adding to *ops every op the call ran: its batches and the
 * module's estimate probes (include/uapi/vmprobe.h), for a VMM counting
 * exits per op.
 */
static int ktimed_call(struct bench_state *st, struct vmprobe_ktimed *kt, unsigned op,
		       unsigned iters, unsigned batches, uint64_t *ops)
{
	int err = kmod_ktimed(st->devfd, kt, op, iters, batches, NULL);

	*ops += (uint64_t)iters * kt->batches_done + VMPROBE_KTIMED_PROBE_RUNS *
		(1 + (iters > 1 ? (iters < VMPROBE_KTIMED_PROBE_ITERS ? iters
						      : VMPROBE_KTIMED_PROBE_ITERS) : 0));
	return err;
}

static int ktimed_fail(struct bench_state *st, const char *what, int err)
{
	return bench_fail(st, "VMPROBE_IOC_KTIMED %s: %s", what, strerror(-err));
}

/*
 * Finds the iterations per batch: doubles from 1 while the estimated batch
 * (wall time of a call over its op and overhead batches) stays under the
 * target. The estimate includes the ioctl itself, so it errs short.
 */
static int ktimed_pick_iterations(struct bench_state *st, unsigned op, unsigned *iters_out,
				  double *batch_ns_out, uint64_t *ops)
{
	struct vmprobe_ktimed kt;
	unsigned iters = 1;
	double batch_ns = 0;

	for (;;) {
		uint64_t best = UINT64_MAX;
		int err = 0;

		/* The fastest of a few calls: one preempted call must not stop the growth. */
		for (int t = 0; t < KTIMED_PROBE_TRIES && !err; t++) {
			uint64_t t0 = monotonic_ns(), dt;

			err = ktimed_call(st, &kt, op, iters, KTIMED_PROBE_BATCHES, ops);
			dt = monotonic_ns() - t0;
			if (dt < best)
				best = dt;
		}
		if (err == -ERANGE) {
			if (iters == 1)
				return bench_fail(st, "one op holds interrupts off beyond %d us "
						  "(batch max %llu ticks)", VMPROBE_IRQOFF_CAP_US,
						  (unsigned long long)kt.batch_ticks_max);
			iters /= 2;
			break;
		}
		if (err)
			return ktimed_fail(st, "probe", err);
		batch_ns = (double)best / (2.0 * KTIMED_PROBE_BATCHES);
		if (iters >= VMPROBE_KTIMED_MAX_ITERS || 2 * batch_ns > KTIMED_TARGET_BATCH_NS)
			break;
		iters *= 2;
	}
	*iters_out = iters;
	*batch_ns_out = batch_ns > 0 ? batch_ns : KTIMED_TARGET_BATCH_NS;
	return 0;
}

static int ktimed_measure(struct bench_state *st, struct bench_samples *out, double time_goal_s)
{
	int op = ktimed_op_of(st->bench);
	unsigned iters = 1, batches, retries = 0;
	double batch_ns = KTIMED_TARGET_BATCH_NS, overhead_sum = 0, b;

	if (op < 0)
		return bench_fail(st, "no KTIMED op for bench %s", st->bench->name);
	out->ops_run = 0;
	if (ktimed_pick_iterations(st, (unsigned)op, &iters, &batch_ns, &out->ops_run) != 0)
		return -1;

	/* Each batch of the op comes with one of the empty loop: two per batch. */
	b = time_goal_s * 1e9 / (2.0 * batch_ns);
	batches = b < 1 ? 1 : b > VMPROBE_KTIMED_MAX_BATCHES ? VMPROBE_KTIMED_MAX_BATCHES : (unsigned)b;

	out->count = 0;
	while (out->count < out->cap) {
		struct vmprobe_ktimed kt;
		int err = ktimed_call(st, &kt, (unsigned)op, iters, batches, &out->ops_run);

		if (err == -ERANGE && iters > 1 && retries < KTIMED_MAX_RETRIES) {
			iters /= 2;	/* a slow batch: interrupts were held too long */
			retries++;
			continue;
		}
		if (err == -EINTR)
			return bench_fail(st, "interrupted by a signal after %u of %u batches",
					  kt.batches_done, batches);
		if (err)
			return ktimed_fail(st, "sample", err);
		out->ticks[out->count++] =
			((double)kt.batch_ticks_median - (double)kt.overhead_ticks_median) / iters;
		overhead_sum += (double)kt.overhead_ticks_median / iters;
	}
	out->ops_per_sample = (uint64_t)iters * batches;
	out->overhead_ticks = out->count ? overhead_sum / (double)out->count : 0;
	return 0;
}

#define KTIMED_BENCH(ident, row, what)					\
	const struct bench bench_ktimed_##ident = {			\
		.name = "ktimed-" row,					\
		.group = "micro",					\
		.summary = what ", timed in the kernel with interrupts off", \
		.unit = "instruction",					\
		.flags = BENCH_NEEDS_MODULE,				\
		.valid = ktimed_valid,					\
		.measure = ktimed_measure,				\
	}

KTIMED_BENCH(rdtsc, "rdtsc", "RDTSC");
KTIMED_BENCH(rdtscp, "rdtscp", "RDTSCP");
KTIMED_BENCH(cpuid0, "cpuid0", "CPUID leaf 0");
KTIMED_BENCH(cpuid1, "cpuid1", "CPUID leaf 1");
KTIMED_BENCH(rdmsr, "rdmsr", "RDMSR of IA32_TSC");
KTIMED_BENCH(pio, "pio", "inb from port 0x80");
KTIMED_BENCH(cr0, "cr0", "mov from CR0");
KTIMED_BENCH(cr3, "cr3", "mov from CR3");
KTIMED_BENCH(invlpg, "invlpg", "INVLPG of a module address");
