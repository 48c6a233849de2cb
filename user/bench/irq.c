// SPDX-License-Identifier: GPL-2.0
/*
 * irq-* and pause-handoff-2cpu: round trips timed in the kernel with
 * interrupts on (VMPROBE_IOC_IRQ), one row per kind of the uapi header's
 * VMPROBE_IRQ_KINDS list: a self-IPI, an IPI to a busy CPU, one that wakes
 * an idle CPU, a one-shot timer, and two CPUs handing a flag back and forth
 * in pause loops. The exits KTIMED cannot reach: its batches run with
 * interrupts off.
 *
 * One sample = one IRQ call; its figure is the mean of the call's round
 * trips (every one, the slow ones included: another interrupt landing in a
 * round trip is part of what a guest pays). A probe call of a few round
 * trips sizes the calls to the time goal. The row pins vmprobe to the CPU it
 * is on (the kinds with cpus 2 go from it to another; a task that moved onto
 * the target would make the module answer EAGAIN) and restores its CPUs after.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "kmodif.h"
#include "bench/irq.h"

#define IRQ_PROBE_ROUND_TRIPS	8
/*
 * A call whose round trip passed the module's bound (VMPROBE_IRQ_TIMEOUT_US:
 * ETIMEDOUT) is run again this many times before the row fails: a host that
 * deschedules a vCPU thread for 10 ms now and then (a loaded host; both of
 * pause-handoff-2cpu's vCPUs must run at once) is not a failure, one where
 * the other side never runs in time is. Abandoned round trips have no
 * figure; the row's note counts the calls run again.
 */
#define IRQ_TIMEOUT_RETRIES	3

static const struct irq_kind {
	const struct bench *bench;
	unsigned kind;
	unsigned cpus;		/* 2: to another CPU and back */
	const char *refused;
} irq_kinds[] = {
#define IRQ_ENTRY_(NAME, row, cpus, what, refused)	\
	{ &bench_irq_##NAME, VMPROBE_IRQ_##NAME, cpus, refused },
	VMPROBE_IRQ_KINDS(IRQ_ENTRY_)
#undef IRQ_ENTRY_
};

static const struct irq_kind *irq_kind_of(const struct bench *b)
{
	for (size_t i = 0; i < sizeof(irq_kinds) / sizeof(irq_kinds[0]); i++)
		if (irq_kinds[i].bench == b)
			return &irq_kinds[i];
	return NULL;
}

static int irq_fail(struct bench_state *st, const char *what, int err)
{
	return bench_fail(st, "VMPROBE_IOC_IRQ %s: %s%s", what, strerror(-err),
			  err == -ENOTTY ? " (a module older than ABI 4 lacks this command)" :
			  err == -EINVAL ? " (a module older than ABI 5 lacks pause-handoff-2cpu)" :
			  err == -ETIMEDOUT ? " (a round trip not back within " VMPROBE_STR(VMPROBE_IRQ_TIMEOUT_US)
			  " us: the other side did not run in that time, as when two vCPUs share one host CPU)" : "");
}

/* Skips a row whose kind the module refuses here (one CPU, no APIC, ...). */
static int irq_valid(const struct bench_state *st, char *why, size_t whylen)
{
	const struct irq_kind *k = irq_kind_of(st->bench);
	struct vmprobe_irq irq;
	int err;

	if (!bench_needs_module(st, why, whylen))
		return 0;
	if (!k) {
		snprintf(why, whylen, "no IRQ kind for bench %s", st->bench->name);
		return 0;
	}
	err = kmod_irq(st->devfd, &irq, k->kind, 1, NULL);
	if (err == -EOPNOTSUPP) {
		snprintf(why, whylen, "the module refuses this kind here (EOPNOTSUPP): %s", k->refused);
		return 0;
	}
	return 1;	/* other errors surface, with their message, in measure */
}

/*
 * The mean of a call's round trips in *mean; its state after, in the row's
 * note; *timeouts counts the row's calls run again after ETIMEDOUT.
 */
static int irq_call(struct bench_state *st, const struct irq_kind *k, unsigned round_trips,
		    uint64_t *ticks, double *mean, uint64_t *ops, unsigned *timeouts)
{
	struct vmprobe_irq irq;
	double sum = 0;
	int err;
	char again[80] = "";

	for (int tries = 0;; tries++) {
		err = kmod_irq(st->devfd, &irq, k->kind, round_trips, ticks);
		*ops += irq.round_trips_done;
		if (err != -ETIMEDOUT || tries == IRQ_TIMEOUT_RETRIES)
			break;
		(*timeouts)++;
	}
	if (*timeouts)
		snprintf(again, sizeof(again), "; %u calls run again after a round trip passed %d us",
			 *timeouts, VMPROBE_IRQ_TIMEOUT_US);
	if (err == -EINTR)
		return bench_fail(st, "interrupted by a signal after %u of %u round trips",
				  irq.round_trips_done, round_trips);
	if (err)
		return irq_fail(st, "call", err);
	for (unsigned i = 0; i < irq.round_trips_done; i++)
		sum += (double)ticks[i];
	*mean = irq.round_trips_done ? sum / irq.round_trips_done : 0;
	if (k->cpus > 1)
		snprintf(st->msg, sizeof(st->msg), "from CPU %u to CPU %u; last call: %u of %u "
			 "round trips found the target %s%s", irq.cpu, irq.target_cpu, irq.target_off,
			 irq.round_trips_done, k->kind == VMPROBE_IRQ_IPI_WAKE ? "not idle" : "idle",
			 again);
	else
		snprintf(st->msg, sizeof(st->msg), "on CPU %u%s", irq.cpu, again);
	return 0;
}

/* Pins to this CPU; st->priv keeps the CPUs to restore. */
static int irq_setup(struct bench_state *st)
{
	cpu_set_t *saved = calloc(1, sizeof(*saved));
	int cpu, r;

	if (!saved)
		return bench_fail(st, "out of memory");
	r = bench_pin_here(saved, &cpu);
	if (r < 0) {
		free(saved);
		return bench_fail_errno(st, "sched_getaffinity");
	}
	st->priv = saved;
	return r ? bench_fail_errno(st, "pinning to CPU %d", cpu) : 0;
}

static void irq_teardown(struct bench_state *st)
{
	if (st->priv)
		(void)sched_setaffinity(0, sizeof(cpu_set_t), st->priv);
	free(st->priv);
	st->priv = NULL;
}

static int irq_measure(struct bench_state *st, struct bench_samples *out, double time_goal_s)
{
	const struct irq_kind *k = irq_kind_of(st->bench);
	uint64_t *ticks;
	unsigned round_trips, timeouts = 0;
	struct timespec t0, t1;
	double probe_ticks, probe_s, r;
	int ret = -1;

	if (!k)
		return bench_fail(st, "no IRQ kind for bench %s", st->bench->name);
	ticks = calloc(VMPROBE_IRQ_MAX_ROUND_TRIPS, sizeof(*ticks));
	if (!ticks)
		return bench_fail(st, "out of memory");
	out->ops_run = 0;
	/* The call's wall time sizes the next ones (ioctl and settling included: it errs long). */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (irq_call(st, k, IRQ_PROBE_ROUND_TRIPS, ticks, &probe_ticks, &out->ops_run, &timeouts))
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	probe_s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	r = probe_s > 0 ? time_goal_s * IRQ_PROBE_ROUND_TRIPS / probe_s : 1;
	round_trips = r < 1 ? 1 : r > VMPROBE_IRQ_MAX_ROUND_TRIPS ? VMPROBE_IRQ_MAX_ROUND_TRIPS
								  : (unsigned)r;
	out->count = 0;
	while (out->count < out->cap) {
		double mean;

		if (irq_call(st, k, round_trips, ticks, &mean, &out->ops_run, &timeouts))
			goto out;
		out->ticks[out->count++] = mean;
	}
	out->ops_per_sample = round_trips;
	out->overhead_ticks = 0;
	ret = 0;
out:
	free(ticks);
	return ret;
}

#define IRQ_BENCH(NAME, row, what)					\
	const struct bench bench_irq_##NAME = {				\
		.name = row,						\
		.group = "micro",					\
		.panel = "kernel",					\
		.summary = what ", timed in the kernel with interrupts on", \
		.unit = "round-trip",					\
		.flags = BENCH_NEEDS_MODULE,				\
		.valid = irq_valid,					\
		.setup = irq_setup,					\
		.measure = irq_measure,					\
		.teardown = irq_teardown,				\
	}

#define IRQ_ROW_(NAME, row, cpus, what, refused)	IRQ_BENCH(NAME, row, what);
VMPROBE_IRQ_KINDS(IRQ_ROW_)
#undef IRQ_ROW_
