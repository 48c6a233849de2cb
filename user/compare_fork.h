/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fork against the parent's size: the least-squares slope of a file's fork
 * time per op on the parent's touched memory (fork-exit-wait as 0 MiB,
 * fork-parent-N as N MiB), the cost per MiB of parent that page tables,
 * copy-on-write setup and the mm teardown add under each VMM.
 */
#ifndef VMPROBE_COMPARE_FORK_H
#define VMPROBE_COMPARE_FORK_H

#include <stddef.h>

#include "compare.h"

struct compare_slope {
	size_t points;			/* rows in the fit */
	size_t boots;			/* boots fitted (>= 2: the interval is over boots) */
	double ns_per_mib, ci_low, ci_high;	/* the slope and its COMPARE_CI_LEVEL interval (NAN: none) */
	double ns_at_zero;		/* the fit's intercept: a parent of no touched memory */
};

/* The parent's touched MiB that row NAME stands for, or -1 when it is not a fork-by-size row. */
double compare_fork_parent_mib(const char *name);

/*
 * Least-squares slope and intercept of y on x over n points (n >= 2, x not all equal): 0, and the
 * slope's standard error (NAN for n = 2); -1 otherwise.
 */
int compare_fit_line(const double *x, const double *y, size_t n, double *slope, double *intercept,
		     double *slope_se);

/*
 * FILE's slope: one fit per boot that has every fork-by-size row, then the mean
 * of the boots' slopes with a t interval over boots; with one boot, the fit's
 * own t interval (n - 2 degrees of freedom). 0, or -1 when fewer than 2 rows.
 */
int compare_fork_slope(const struct compare_table *t, size_t file, struct compare_slope *out);

#endif /* VMPROBE_COMPARE_FORK_H */
