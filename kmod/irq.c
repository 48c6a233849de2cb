// SPDX-License-Identifier: GPL-2.0
/*
 * VMPROBE_IOC_IRQ: interrupt round trips, the exits that KTIMED's
 * interrupts-off batches cannot reach: a self-IPI (irq_work), an IPI to a
 * busy CPU and one to an idle, halted CPU (smp_call_function_single()),
 * and a one-shot timer due at once (a hard hrtimer: the clockevent
 * programmed for its minimum delta, then its interrupt). Under a VMM each
 * is an APIC (or x2APIC MSR) write, an injection and, for the wake, a HLT
 * exit and a vCPU wake-up: what kvm-unit-tests' ipi, ipi_halt and
 * tscdeadline tests time. PAUSE_HANDOFF is their pause-loop round robin:
 * no interrupt, a flag handed to the spinning thread and back, each side
 * waiting in a pause loop, which a VMM's pause-loop exiting watches.
 *
 * Each round trip runs with preemption off and interrupts on: a TSC read,
 * the trigger, a spin until the handler has run, a TSC read (see the
 * bound in include/uapi/vmprobe.h). Nothing is left behind: the irq_work
 * is synced, the hrtimer cancelled and the spinning thread stopped before
 * the call returns, whatever ended it.
 */
#include <linux/cpumask.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/irq_work.h>
#include <asm/tsc.h>

#include "vmprobe_kmod.h"

struct vmprobe_irq_ctx {
	struct irq_work work;
	struct hrtimer timer;
	struct task_struct *spinner;
	int handled;		/* set by the handler of the round trip in flight */
	int target_idle;	/* cpus-2 kinds: the other side ran in the idle task */
	int spinning;		/* the spinning thread has started */
	int token;		/* PAUSE_HANDOFF: set here, taken by the spinning thread */
};

/* The CPUs each kind needs: 2 for one that goes to another CPU and back. */
static const u8 vmprobe_irq_cpus[] = {
#define VMPROBE_IRQ_CPUS_(NAME, row, cpus, what, refused)	cpus,
	VMPROBE_IRQ_KINDS(VMPROBE_IRQ_CPUS_)
#undef VMPROBE_IRQ_CPUS_
};

static void vmprobe_irq_work_fn(struct irq_work *work)
{
	struct vmprobe_irq_ctx *c = container_of(work, struct vmprobe_irq_ctx, work);

	WRITE_ONCE(c->handled, 1);
}

static enum hrtimer_restart vmprobe_irq_timer_fn(struct hrtimer *timer)
{
	struct vmprobe_irq_ctx *c = container_of(timer, struct vmprobe_irq_ctx, timer);

	WRITE_ONCE(c->handled, 1);
	return HRTIMER_NORESTART;
}

/* Runs on the target CPU in the IPI's handler. */
static void vmprobe_irq_ipi_fn(void *info)
{
	struct vmprobe_irq_ctx *c = info;

	WRITE_ONCE(c->target_idle, is_idle_task(current));
	WRITE_ONCE(c->handled, 1);
}

/*
 * IPI and PAUSE_HANDOFF: keeps the target CPU out of idle for the call's
 * length, in a pause loop (cpu_relax()); takes PAUSE_HANDOFF's token.
 */
static int vmprobe_irq_spin_fn(void *data)
{
	struct vmprobe_irq_ctx *c = data;

	WRITE_ONCE(c->spinning, 1);
	while (!kthread_should_stop()) {
		if (READ_ONCE(c->token)) {
			WRITE_ONCE(c->token, 0);
			WRITE_ONCE(c->target_idle, is_idle_task(current));
			WRITE_ONCE(c->handled, 1);
			continue;
		}
		cpu_relax();
		cond_resched();
	}
	return 0;
}

/* Spin with interrupts on until *@flag is set; -ETIMEDOUT after @limit ticks. */
static int vmprobe_irq_wait(const int *flag, u64 t0, u64 limit)
{
	while (!READ_ONCE(*flag)) {
		if (rdtsc() - t0 > limit)
			return -ETIMEDOUT;
		cpu_relax();
	}
	return 0;
}

static int vmprobe_irq_check(const struct vmprobe_irq *irq)
{
	if (irq->flags || memchr_inv(irq->reserved, 0, sizeof(irq->reserved)))
		return -EINVAL;
	if (irq->kind >= VMPROBE_IRQ_COUNT)
		return -EINVAL;
	if (!irq->round_trips || irq->round_trips > VMPROBE_IRQ_MAX_ROUND_TRIPS)
		return -EINVAL;
	return 0;
}

static bool vmprobe_irq_other_cpu(u32 kind)
{
	return vmprobe_irq_cpus[kind] > 1;
}

/* Whether the kind can run here; the refusals are the uapi list's. */
static int vmprobe_irq_avail(struct vmprobe_irq_ctx *c, u32 kind)
{
	int ret = 0;

	switch (kind) {
	case VMPROBE_IRQ_SELF_IPI:
		if (!arch_irq_work_has_interrupt())
			ret = -EOPNOTSUPP;
		break;
	case VMPROBE_IRQ_TIMER:
		/* the timer's base is this CPU's until it is started */
		preempt_disable();
		if (!hrtimer_is_hres_active(&c->timer))
			ret = -EOPNOTSUPP;
		preempt_enable();
		break;
	default:
		if (num_online_cpus() < 2)
			ret = -EOPNOTSUPP;
	}
	return ret;
}

/* IPI, PAUSE_HANDOFF: a thread spinning on @target, started and seen running. */
static int vmprobe_irq_start_spinner(struct vmprobe_irq_ctx *c, unsigned int target,
				     u64 limit)
{
	struct task_struct *t;
	u64 t0;
	int ret;

	t = kthread_create_on_cpu(vmprobe_irq_spin_fn, c, target, "vmprobe-spin/%u");
	if (IS_ERR(t))
		return PTR_ERR(t);
	c->spinner = t;
	wake_up_process(t);
	t0 = rdtsc();
	do {
		ret = vmprobe_irq_wait(&c->spinning, t0, limit);
		if (ret != -ETIMEDOUT)
			return ret;
		/* the thread may wait for this CPU's time: give it some */
		cond_resched();
	} while (rdtsc() - t0 < 10 * limit);
	return -ETIMEDOUT;
}

/* Spin with interrupts and preemption on for @ticks (IPI_WAKE's settling). */
static void vmprobe_irq_settle(u64 ticks)
{
	u64 t0 = rdtsc();

	while (rdtsc() - t0 < ticks)
		cpu_relax();
}

/* One round trip from this CPU; its ticks in *@ticks. Preemption is off. */
static int vmprobe_irq_round(struct vmprobe_irq_ctx *c, u32 kind, unsigned int target,
			     u64 limit, u64 *ticks)
{
	u64 t0;
	int ret = 0;

	WRITE_ONCE(c->handled, 0);
	t0 = rdtsc_ordered();
	switch (kind) {
	case VMPROBE_IRQ_SELF_IPI:
		irq_work_queue(&c->work);
		ret = vmprobe_irq_wait(&c->handled, t0, limit);
		break;
	case VMPROBE_IRQ_TIMER:
		hrtimer_start(&c->timer, 0, HRTIMER_MODE_REL_PINNED_HARD);
		ret = vmprobe_irq_wait(&c->handled, t0, limit);
		if (ret)
			hrtimer_cancel(&c->timer);
		break;
	case VMPROBE_IRQ_PAUSE_HANDOFF:
		WRITE_ONCE(c->token, 1);
		ret = vmprobe_irq_wait(&c->handled, t0, limit);
		break;
	default:
		/* waits until the handler has run on the target */
		ret = smp_call_function_single(target, vmprobe_irq_ipi_fn, c, 1);
	}
	*ticks = rdtsc_ordered() - t0;
	return ret;
}

/* The round trips themselves, with @c ready for @irq->kind. */
static int vmprobe_irq_run(struct vmprobe_irq_ctx *c, struct vmprobe_irq *irq,
			   unsigned int target, u64 *ticks)
{
	u64 limit = vmprobe_us_to_ticks(VMPROBE_IRQ_TIMEOUT_US);
	u64 settle = vmprobe_us_to_ticks(VMPROBE_IRQ_SETTLE_US);
	int want_idle = irq->kind == VMPROBE_IRQ_IPI_WAKE;
	u32 i;
	int ret = 0;

	for (i = 0; i < irq->round_trips; i++) {
		unsigned int cpu;

		if (irq->kind == VMPROBE_IRQ_IPI_WAKE)
			vmprobe_irq_settle(settle);
		cpu = get_cpu();
		if (vmprobe_irq_other_cpu(irq->kind) && cpu == target)
			ret = -EAGAIN;
		else
			ret = vmprobe_irq_round(c, irq->kind, target, limit, &ticks[i]);
		put_cpu();
		irq->cpu = cpu;
		if (ret)
			break;
		if (vmprobe_irq_other_cpu(irq->kind) && READ_ONCE(c->target_idle) != want_idle)
			irq->target_off++;
		irq->round_trips_done = i + 1;
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	return ret;
}

int vmprobe_do_irq(struct vmprobe_irq *irq)
{
	u64 __user *usamples = u64_to_user_ptr(irq->samples_ptr);
	struct vmprobe_irq_ctx *c;
	unsigned int target;
	u64 *ticks;
	int ret;

	ret = vmprobe_irq_check(irq);
	if (ret)
		return ret;
	if (!tsc_khz)
		return -EOPNOTSUPP;
	irq->round_trips_done = 0;
	irq->target_off = 0;
	irq->ticks_min = 0;
	irq->ticks_median = 0;
	irq->ticks_max = 0;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	ticks = kcalloc(irq->round_trips, sizeof(*ticks), GFP_KERNEL);
	if (!c || !ticks) {
		ret = -ENOMEM;
		goto out_free;
	}
	c->work = IRQ_WORK_INIT_HARD(vmprobe_irq_work_fn);
	hrtimer_init(&c->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	c->timer.function = vmprobe_irq_timer_fn;
	ret = vmprobe_irq_avail(c, irq->kind);
	if (ret)
		goto out_free;

	/* the other CPU: any online one but this (checked again per round trip) */
	target = raw_smp_processor_id();
	if (vmprobe_irq_other_cpu(irq->kind)) {
		target = cpumask_any_but(cpu_online_mask, target);
		if (target >= nr_cpu_ids) {
			ret = -EOPNOTSUPP;
			goto out_free;
		}
	}
	irq->target_cpu = target;
	if (irq->kind == VMPROBE_IRQ_IPI || irq->kind == VMPROBE_IRQ_PAUSE_HANDOFF)
		ret = vmprobe_irq_start_spinner(c, target,
						vmprobe_us_to_ticks(VMPROBE_IRQ_TIMEOUT_US));
	if (!ret)
		ret = vmprobe_irq_run(c, irq, target, ticks);

	if (c->spinner)
		kthread_stop(c->spinner);
	irq_work_sync(&c->work);
	hrtimer_cancel(&c->timer);
	if (!vmprobe_irq_other_cpu(irq->kind))
		irq->target_cpu = irq->cpu;
	if (irq->round_trips_done) {
		if (usamples && copy_to_user(usamples, ticks,
					     irq->round_trips_done * sizeof(*ticks)))
			ret = -EFAULT;
		vmprobe_summarise(ticks, irq->round_trips_done, &irq->ticks_min,
				  &irq->ticks_median, &irq->ticks_max);
	}
out_free:
	kfree(ticks);
	kfree(c);
	return ret;
}
