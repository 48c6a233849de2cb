/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The time-budget planning of a run: numbers in, numbers out, no clock, so
 * each rule is unit-tested on its own (tests/unit/test_plan.c). The harness
 * (user/harness.c) reads the clock and calls these.
 *
 *   share      each row gets an even share of what is left of the budget
 *   stretch    a row whose one op outgrows its share may take more, as long
 *              as every later row keeps a reserve of a quarter of an even
 *              share (the time fast rows before it left unused)
 *   slow limit a BENCH_SLOW row probes one op in a child, stopped at a third
 *              of the most the row may take (room for the probe and two
 *              repetitions)
 *   goal       one sample's time goal: the configured cap, or less so that
 *              the repetitions, a warm-up and the ramp fit the share
 *   ramp       n doubles until one sample takes the goal; a sample at the
 *              goal is confirmed once (one preemption or a cold first op
 *              must not end the ramp)
 *   reps       as many repetitions as the share still holds, 3 at least
 *              where one op allows
 */
#ifndef VMPROBE_PLAN_H
#define VMPROBE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct plan_share {
	double share_s;		/* this row's even share */
	double stretch_s;	/* the most a row whose one op outgrows the share may take */
};

/*
 * Row `i` of `nrows` (0-based) when `used_s` of `budget_s` is gone:
 * share = left / rows left; stretch = left less a reserve of
 * budget / (4 nrows) per later row, never below the share.
 */
struct plan_share plan_row_share(double budget_s, double used_s, size_t nrows, size_t i);

/* What a row whose one op (op and baseline) takes op_s may take: up to 4 ops within stretch. */
double plan_stretch(double share_s, double stretch_s, double op_s);

/* The time limit of a BENCH_SLOW row's probe of one op (parts: 2 with a baseline). */
double plan_slow_limit(double share_s, double stretch_s, int parts);

/* One sample's time goal: the cap, or share / ((reps + 3) parts) when less. */
double plan_goal(double goal_cap_s, double share_s, size_t reps, int parts);

enum plan_ramp { RAMP_DOUBLE, RAMP_CONFIRM, RAMP_DONE };

/*
 * The ramp's next step after a sample of n ops took sample_s: double n
 * below the goal (or at max_ops: done); at the goal, confirm once with a
 * second sample unless the sample was over 4 goals (then done). n = 1 is
 * confirmed too: a cold first op (a fork row's first fork) must not fix n.
 * `confirmed` says the sample given is already the lesser of two.
 */
enum plan_ramp plan_ramp_step(uint64_t n, uint64_t max_ops, double sample_s, double goal_s,
			      bool confirmed);

struct plan_reps {
	size_t reps;		/* repetitions to take */
	bool warmup;		/* take one warm-up sample at the final n first */
	bool cut;		/* fewer than asked: the budget did not hold them */
};

/*
 * Repetitions that fit left_s when one sample (with its baseline: parts 2)
 * takes sample_s. Asked `want`; a warm-up sample first when more than want
 * fit and the row is not slow; when fewer fit, at least min(want, 3) if n
 * > 1 (a sample of many ops can be cut short no further), else what fits,
 * at least 1.
 */
struct plan_reps plan_repetitions(size_t want, double left_s, double sample_s, int parts,
				  uint64_t n, bool slow);

/*
 * Linearity as lmbench checks it: T(2n) / (2 T(n)), both less the
 * bracket's overhead. 1 is linear; NAN when the inputs cannot give one.
 */
double plan_linearity(double ticks_n, double ticks_2n, double overhead_ticks);

#endif /* VMPROBE_PLAN_H */
