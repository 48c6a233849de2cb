// SPDX-License-Identifier: GPL-2.0
/* The time-budget rules of a run (see plan.h): pure functions of numbers. */
#include <math.h>

#include "plan.h"

struct plan_share plan_row_share(double budget_s, double used_s, size_t nrows, size_t i)
{
	struct plan_share p = { 0, 0 };
	double left = fmax(budget_s - used_s, 0);
	double reserve;

	if (nrows == 0 || i >= nrows)
		return p;
	reserve = budget_s / (4.0 * (double)nrows);
	p.share_s = left / (double)(nrows - i);
	p.stretch_s = fmax(p.share_s, left - (double)(nrows - i - 1) * reserve);
	return p;
}

double plan_stretch(double share_s, double stretch_s, double op_s)
{
	return fmax(share_s, fmin(stretch_s, 4.0 * op_s));
}

double plan_slow_limit(double share_s, double stretch_s, int parts)
{
	return fmax(share_s, stretch_s) / (3.0 * (parts > 0 ? parts : 1));
}

double plan_goal(double goal_cap_s, double share_s, size_t reps, int parts)
{
	return fmin(goal_cap_s, share_s / (((double)reps + 3.0) * (parts > 0 ? parts : 1)));
}

enum plan_ramp plan_ramp_step(uint64_t n, uint64_t max_ops, double sample_s, double goal_s,
			      bool confirmed)
{
	if (sample_s >= goal_s) {
		if (confirmed || sample_s > 4 * goal_s)
			return RAMP_DONE;
		return RAMP_CONFIRM;
	}
	return n >= max_ops ? RAMP_DONE : RAMP_DOUBLE;
}

struct plan_reps plan_repetitions(size_t want, double left_s, double sample_s, int parts,
				  uint64_t n, bool slow)
{
	struct plan_reps p = { want, false, false };
	double per = sample_s * (parts > 0 ? parts : 1);
	size_t fit = left_s > 0 && per > 0 ? (size_t)fmin(left_s / per, 1e12) : 0;

	if (per <= 0 && left_s > 0)
		fit = want + 1;
	if (!slow && fit > want) {
		p.warmup = true;
		fit--;
	}
	if (fit < want) {
		size_t floor_reps = want < 3 ? want : 3;

		p.reps = fit > floor_reps ? fit : (n > 1 ? floor_reps : (fit ? fit : 1));
		p.cut = true;
	}
	return p;
}

double plan_linearity(double ticks_n, double ticks_2n, double overhead_ticks)
{
	double a = ticks_n - overhead_ticks, b = ticks_2n - overhead_ticks;

	if (!(a > 0) || !(b > 0) || !isfinite(a) || !isfinite(b))
		return NAN;
	return b / (2.0 * a);
}
