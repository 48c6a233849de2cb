// SPDX-License-Identifier: GPL-2.0
/*
 * ktimed-*: the instructions a VMM traps or emulates (rdtsc, rdtscp, cpuid,
 * rdmsr, port I/O, control-register reads, invlpg), timed inside the kernel
 * by VMPROBE_IOC_KTIMED with interrupts off, so no syscall or scheduling
 * noise is in the figure. One row per op, all sharing this code.
 *
 * The rows are generated from the uapi header's VMPROBE_KTIMED_OPS list:
 * adding an op there adds its row here (and in table.c).
 *
 * Self-timed (`measure`): one sample = one KTIMED call of `batches` pairs
 * in VMPROBE_KTIMED_DOUBLE mode (the op once, then twice per loop pass,
 * `iterations` passes); its figure is the median over the pairs of
 * (2N batch - N batch), / iterations, in TSC ticks per op
 * (ktimed_per_op()). Differencing within each pair, not two medians, keeps
 * the pairing; N vs 2N cancels the loop, the TSC reads and the cap checks
 * even for fast ops that overlap the loop (rdtsc, CR reads), where an empty
 * loop subtracted would not. The cancelled overhead per op is recorded.
 * `time_goal_s` is taken as the goal for one sample, as for a run() call;
 * out->cap samples are taken.
 *
 * Iterations grow by doubling from 1 while the longer (2N) batch stays
 * under KTIMED_TARGET_BATCH_NS, a tenth of VMPROBE_IRQOFF_CAP_US, so jitter
 * cannot push a batch over the cap; -ERANGE anyway halves them and retries.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "kmodif.h"
#include "bench/ktimed.h"

#define KTIMED_TARGET_BATCH_NS	(VMPROBE_IRQOFF_CAP_US * 1000ull / 10)
#define KTIMED_PROBE_BATCHES	8
#define KTIMED_PROBE_TRIES	3
#define KTIMED_MAX_RETRIES	8

static const struct {
	const struct bench *bench;
	unsigned op;
	const char *refused;	/* when the module answers EOPNOTSUPP (the uapi list) */
} ktimed_ops[] = {
#define KTIMED_ENTRY_(NAME, ident, row, what, refused)			\
	{ &bench_ktimed_##ident, VMPROBE_OP_##NAME, refused },
	VMPROBE_KTIMED_OPS(KTIMED_ENTRY_)
#undef KTIMED_ENTRY_
};

static int ktimed_index_of(const struct bench *b)
{
	for (size_t i = 0; i < sizeof(ktimed_ops) / sizeof(ktimed_ops[0]); i++)
		if (ktimed_ops[i].bench == b)
			return (int)i;
	return -1;
}

static int ktimed_op_of(const struct bench *b)
{
	int i = ktimed_index_of(b);

	return i < 0 ? -1 : (int)ktimed_ops[i].op;
}

int ktimed_per_op(const struct vmprobe_ktimed *kt, unsigned iterations, double *per_op,
		  double *overhead)
{
	if (iterations == 0 || kt->batches_done == 0)
		return -1;
	*per_op = (double)kt->diff_ticks_median / iterations;
	/* ref = fixed + loop + N ops, diff = N ops: what cancelled, per op */
	*overhead = ((double)kt->ref_ticks_median - (double)kt->diff_ticks_median) / iterations;
	return 0;
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
	err = kmod_ktimed(st->devfd, &kt, (unsigned)op, 1, 1, VMPROBE_KTIMED_DOUBLE, NULL);
	if (err == -EOPNOTSUPP) {
		const char *refused = ktimed_ops[ktimed_index_of(st->bench)].refused;

		snprintf(why, whylen, "the module refuses this op here (EOPNOTSUPP)%s%s",
			 refused[0] ? ": " : "", refused);
		return 0;
	}
	return 1;	/* other errors surface, with their message, in measure */
}

/*
 * kmod_ktimed, adding to *ops every op the call ran, for a VMM counting exits
 * per op: the pairs done and rerun (include/uapi/vmprobe.h) and the module's
 * estimate probes of both batches of a pair. Probes rerun after a large
 * overrun are not reported by the module, so a call that overran counts low.
 */
static int ktimed_call(struct bench_state *st, struct vmprobe_ktimed *kt, unsigned op,
		       unsigned iters, unsigned batches, unsigned flags, uint64_t *ops)
{
	int err = kmod_ktimed(st->devfd, kt, op, iters, batches, flags, NULL);
	/* ops per loop pass of a pair: DOUBLE 1 + 2, else 0 (empty loop) + 1 */
	uint64_t per_pass = flags & VMPROBE_KTIMED_DOUBLE ? 3 : 1;
	uint64_t probe_passes = 1 + (iters > 1 ? (iters < VMPROBE_KTIMED_PROBE_ITERS ? iters
								: VMPROBE_KTIMED_PROBE_ITERS) : 0);

	if (ops)
		*ops += per_pass * ((uint64_t)iters * ((uint64_t)kt->batches_done + kt->pairs_rerun) +
				    VMPROBE_KTIMED_PROBE_RUNS * probe_passes);
	return err;
}

static int ktimed_fail(struct bench_state *st, const char *what, int err)
{
	return bench_fail(st, "VMPROBE_IOC_KTIMED %s: %s", what, strerror(-err));
}

/*
 * Finds the iterations per batch: doubles from 1 while the estimated 2N
 * batch (from the wall time of a call over its pairs) stays under the
 * target. The estimate includes the ioctl itself, so it errs long.
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

			err = ktimed_call(st, &kt, op, iters, KTIMED_PROBE_BATCHES,
					  VMPROBE_KTIMED_DOUBLE, ops);
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
		/* a pair runs 3N ops, the longer batch 2N of them */
		batch_ns = (double)best * 2.0 / (3.0 * KTIMED_PROBE_BATCHES);
		if (iters >= VMPROBE_KTIMED_MAX_ITERS || 2 * batch_ns > KTIMED_TARGET_BATCH_NS)
			break;
		iters *= 2;
	}
	*iters_out = iters;
	*batch_ns_out = batch_ns > 0 ? batch_ns : KTIMED_TARGET_BATCH_NS;
	return 0;
}

/*
 * The row's note: which path the module times, from VMPROBE_IOC_INFO's
 * ktimed_paravirt (a 1 ms calibration: the figure is not used). Every
 * row's JSON then says "path: bare ..." or "path: paravirt ...".
 */
static int ktimed_setup(struct bench_state *st)
{
	struct vmprobe_info info;
	int op = ktimed_op_of(st->bench), err = kmod_info(st->devfd, &info, 1);

	if (err)
		return bench_fail(st, "VMPROBE_IOC_INFO: %s", strerror(-err));
	if (op >= 0 && (info.ktimed_paravirt >> op) & 1)
		snprintf(st->msg, sizeof(st->msg), "path: paravirt, the kernel's own accessor (its"
			 " pv_ops here), not the bare instruction: more than the summary's count");
	else
		snprintf(st->msg, sizeof(st->msg), "path: bare, the instruction with its register"
			 " setup only (%s)", strrchr(st->bench->summary, '(') ?
			 strrchr(st->bench->summary, '(') : st->bench->summary);
	return 0;
}

/*
 * A median below 0 says the loop with the op twice ran faster than with it
 * once: under a translator (QEMU TCG) the two loops translate differently,
 * and an op that costs next to nothing there (a CR0 read: -9 to +0.8 ns
 * between builds whose code merely moved) is below what the method resolves.
 * The figure is kept; the note says so, for every reader and for the checks.
 */
static void ktimed_note_below_zero(struct bench_state *st, const struct bench_samples *out)
{
	size_t below = 0, len = strlen(st->msg);

	for (size_t i = 0; i < out->count; i++)
		below += out->ticks[i] < 0;
	if (2 * below > out->count && len < sizeof(st->msg))
		snprintf(st->msg + len, sizeof(st->msg) - len, "%sbelow 0: twice per pass ran faster than"
			 " once (%zu of %zu samples): below what N-vs-2N resolves here",
			 len ? "; " : "", below, out->count);
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

	/* A pair is an N and a 2N batch: 1.5 times the 2N batch. */
	b = time_goal_s * 1e9 / (1.5 * batch_ns);
	batches = b < 1 ? 1 : b > VMPROBE_KTIMED_MAX_BATCHES ? VMPROBE_KTIMED_MAX_BATCHES : (unsigned)b;

	out->count = 0;
	while (out->count < out->cap) {
		struct vmprobe_ktimed kt;
		int err = ktimed_call(st, &kt, (unsigned)op, iters, batches,
				      VMPROBE_KTIMED_DOUBLE, &out->ops_run);
		double per_op, overhead;

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
		if (ktimed_per_op(&kt, iters, &per_op, &overhead) != 0)
			return bench_fail(st, "VMPROBE_IOC_KTIMED ran no batch");
		out->ticks[out->count++] = per_op;
		overhead_sum += overhead;
	}
	out->ops_per_sample = (uint64_t)iters * batches;
	out->overhead_ticks = out->count ? overhead_sum / (double)out->count : 0;
	ktimed_note_below_zero(st, out);
	return 0;
}

#define KTIMED_BENCH(ident, row, what)					\
	const struct bench bench_ktimed_##ident = {			\
		.name = "ktimed-" row,					\
		.group = "micro",					\
		.panel = "kernel",					\
		.summary = what ", timed in the kernel with interrupts off", \
		.unit = "instruction",					\
		.flags = BENCH_NEEDS_MODULE,				\
		.valid = ktimed_valid,					\
		.setup = ktimed_setup,					\
		.measure = ktimed_measure,				\
	}

#define KTIMED_ROW_(NAME, ident, row, what, refused)	KTIMED_BENCH(ident, row, what);
VMPROBE_KTIMED_OPS(KTIMED_ROW_)
#undef KTIMED_ROW_
