// SPDX-License-Identifier: GPL-2.0
/* Fork against the parent's size: the cost per MiB of parent, per file. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare_fork.h"
#include "signif.h"

#define FORK_MAX_POINTS 8	/* fork-exit-wait and the fork-parent sizes */

double compare_fork_parent_mib(const char *name)
{
	static const char prefix[] = "fork-parent-";
	char *end;
	double mib;

	if (!strcmp(name, "fork-exit-wait"))
		return 0;
	if (strncmp(name, prefix, sizeof(prefix) - 1))
		return -1;
	mib = strtod(name + sizeof(prefix) - 1, &end);
	return *end || !(mib > 0) ? -1 : mib;
}

int compare_fit_line(const double *x, const double *y, size_t n, double *slope, double *intercept,
		     double *slope_se)
{
	double mx = 0, my = 0, sxx = 0, sxy = 0, sse = 0;

	if (n < 2)
		return -1;
	for (size_t i = 0; i < n; i++) {
		mx += x[i] / (double)n;
		my += y[i] / (double)n;
	}
	for (size_t i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		sxy += (x[i] - mx) * (y[i] - my);
	}
	if (!(sxx > 0))
		return -1;
	*slope = sxy / sxx;
	*intercept = my - *slope * mx;
	for (size_t i = 0; i < n; i++) {
		double e = y[i] - (*intercept + *slope * x[i]);

		sse += e * e;
	}
	*slope_se = n > 2 ? sqrt(sse / (double)(n - 2) / sxx) : NAN;
	return 0;
}

/* The row's figure in boot INDEX of the file (0: the file itself), NAN when that boot lacks it. */
static double boot_ns(const struct compare_cell *c, size_t index)
{
	if (c->state != CELL_OK)
		return NAN;
	if (!c->boot)
		return index == 0 ? c->time_ns : NAN;
	for (size_t k = 0; k < c->boots; k++)
		if (c->boot[k].index == index)
			return c->boot[k].ns;
	return NAN;
}

int compare_fork_slope(const struct compare_table *t, size_t file, struct compare_slope *out)
{
	const struct compare_cell *cells[FORK_MAX_POINTS];
	double x[FORK_MAX_POINTS], y[FORK_MAX_POINTS], slopes[64], zeros[64];
	size_t n = 0, boots = rio_boot_count(&t->files[file]);
	double se = NAN, ms = 0, mz = 0, ss = 0;

	memset(out, 0, sizeof(*out));
	out->ns_per_mib = out->ci_low = out->ci_high = out->ns_at_zero = NAN;
	for (size_t r = 0; r < t->row_count && n < FORK_MAX_POINTS; r++) {
		double mib = compare_fork_parent_mib(t->rows[r].name);

		if (mib >= 0 && t->rows[r].cells[file].state == CELL_OK) {
			x[n] = mib;
			cells[n++] = &t->rows[r].cells[file];
		}
	}
	if (n < 2)
		return -1;
	out->points = n;
	for (size_t b = 0; b < boots && out->boots < sizeof(slopes) / sizeof(slopes[0]); b++) {
		bool whole = true;

		for (size_t i = 0; i < n; i++)
			whole &= isfinite(y[i] = boot_ns(cells[i], b));
		if (whole && !compare_fit_line(x, y, n, &slopes[out->boots], &zeros[out->boots], &se))
			out->boots++;
	}
	if (!out->boots)
		return -1;
	for (size_t b = 0; b < out->boots; b++) {
		ms += slopes[b] / (double)out->boots;
		mz += zeros[b] / (double)out->boots;
	}
	out->ns_per_mib = ms;
	out->ns_at_zero = mz;
	if (out->boots >= 2) {	/* boots are the replicates */
		double q;

		for (size_t b = 0; b < out->boots; b++)
			ss += (slopes[b] - ms) * (slopes[b] - ms);
		q = signif_t_quantile(1 - COMPARE_CI_LEVEL, (double)(out->boots - 1));
		se = sqrt(ss / (double)(out->boots - 1) / (double)out->boots);
		out->ci_low = ms - q * se;
		out->ci_high = ms + q * se;
	} else if (isfinite(se)) {	/* one boot: the fit's own residuals */
		double q = signif_t_quantile(1 - COMPARE_CI_LEVEL, (double)(n - 2));

		out->ci_low = ms - q * se;
		out->ci_high = ms + q * se;
	}
	return 0;
}
