// SPDX-License-Identifier: GPL-2.0
/* Significance tests of the cells (compare_test.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare_samples.h"
#include "compare_test.h"

/* Logs of x[0..n) into out; false when a value is not > 0 (then no ratio scale). */
static bool logs(const double *x, size_t n, double *out)
{
	for (size_t i = 0; i < n; i++) {
		if (!(x[i] > 0))
			return false;
		out[i] = log(x[i]);
	}
	return true;
}

/* Every sample of S, boots one after the other. */
static void pooled(const struct row_samples *s, double *out)
{
	for (size_t k = 0, at = 0; k < s->count; at += s->n[k], k++)
		memcpy(out + at, s->v[k], s->n[k] * sizeof(double));
}

/* Hodges-Lehmann on logs, as a ratio; false when a value is not > 0. */
static bool shift_ratio(const double *a, size_t na, const double *b, size_t nb, double level,
			struct hl_result *out)
{
	double *la = malloc((na + nb + 1) * sizeof(double));
	bool ok;

	if (!la)
		return false;
	ok = logs(a, na, la) && logs(b, nb, la + na) &&
	     !signif_hodges_lehmann(la, na, la + na, nb, level, out);
	free(la);
	if (ok) {
		out->shift = exp(out->shift);
		out->ci_low = exp(out->ci_low);
		out->ci_high = exp(out->ci_high);
	}
	return ok;
}

/* Whether every boot of one side is beyond COMPARE_SEPARATED_FACTOR every boot of the other. */
static bool separated(const double *a, size_t na, const double *b, size_t nb)
{
	double amin = INFINITY, amax = -INFINITY, bmin = INFINITY, bmax = -INFINITY;

	for (size_t i = 0; i < na; i++) {
		amin = fmin(amin, a[i]);
		amax = fmax(amax, a[i]);
	}
	for (size_t j = 0; j < nb; j++) {
		bmin = fmin(bmin, b[j]);
		bmax = fmax(bmax, b[j]);
	}
	return amin > 0 && bmin > 0 &&
	       (bmin > COMPARE_SEPARATED_FACTOR * amax || COMPARE_SEPARATED_FACTOR * bmax < amin);
}

/* Both files with >= 2 boots: Welch on the log per-boot medians, the shift on them. */
static void test_boots(struct compare_cell *base, struct compare_cell *c)
{
	double a[base->boots], b[c->boots], la[base->boots], lb[c->boots];

	for (size_t k = 0; k < base->boots; k++)
		a[k] = base->boot[k].ns;
	for (size_t k = 0; k < c->boots; k++)
		b[k] = c->boot[k].ns;
	if (!logs(a, base->boots, la) || !logs(b, c->boots, lb) ||
	    signif_welch(la, base->boots, lb, c->boots, &c->welch) ||
	    !(c->welch.p >= 0 && c->welch.p <= 1)) {
		c->signif_note = "n/a (no p from the test)";
		return;
	}
	c->p = c->welch.p;
	c->test = TEST_BOOTS;
	c->tested = true;
	c->signif_note = NULL;
	c->separated = separated(a, base->boots, b, c->boots);
	c->has_shift = shift_ratio(a, base->boots, b, c->boots, COMPARE_CI_LEVEL, &c->shift);
}

/* A side with 1 boot: Mann-Whitney U over the pooled samples. 0 or -1 (memory). */
static int test_pooled(const struct compare_table *t, const char *name, size_t file,
		       struct compare_cell *c)
{
	struct row_samples xs, ys;
	double *x = NULL, *y = NULL;
	int rc = -1;

	if (compare_gather_pair(t, name, file, &xs, &ys))
		return -1;
	if (xs.unknown || ys.unknown) {
		c->signif_note = "a boot has no real time";
		rc = 0;
		goto out;
	}
	if (xs.total < t->min_reps || ys.total < t->min_reps) {
		c->signif_note = "n/a (too few repetitions)";
		rc = 0;
		goto out;
	}
	x = malloc((xs.total + 1) * sizeof(double));
	y = malloc((ys.total + 1) * sizeof(double));
	if (!x || !y)
		goto out;
	pooled(&xs, x);
	pooled(&ys, y);
	rc = 0;
	if (signif_mann_whitney(x, xs.total, y, ys.total, &c->mwu) ||
	    !(c->mwu.p >= 0 && c->mwu.p <= 1)) {
		c->signif_note = "n/a (no p from the test)";
		goto out;
	}
	c->p = c->mwu.p;
	c->test = TEST_SAMPLES;
	c->tested = true;
	c->signif_note = NULL;
	c->has_shift = shift_ratio(x, xs.total, y, ys.total, COMPARE_CI_LEVEL, &c->shift);
out:
	free(x);
	free(y);
	compare_samples_free(&xs);
	compare_samples_free(&ys);
	return rc;
}

int compare_to_base(const struct compare_table *t, const char *name, size_t file,
		    struct compare_cell *base, struct compare_cell *c)
{
	c->signif_note = "—";
	c->p = c->p_adj = NAN;
	if (c->state != CELL_OK)
		return 0;
	if (base->state != CELL_OK) {
		c->ratio_note = c->signif_note = "base has no figure";
		return 0;
	}
	if (isnan(c->time_ns) || isnan(base->time_ns)) {
		c->ratio_note = c->signif_note =
			isnan(c->time_ns) && c->ratio_note ? c->ratio_note :
			isnan(base->time_ns) && base->ratio_note ? "a boot of the base has no real time" :
			"no real time (instruction clock)";
		return 0;
	}
	if (!(base->time_ns > 0)) {
		c->ratio_note = c->signif_note = "base time is not positive";
		return 0;
	}
	if (!(c->time_ns > 0)) {	/* a row whose baseline costs as much as the op */
		c->ratio_note = c->signif_note = "no ratio: its figure, the op less its baseline, is not "
			"positive here (the result's \"baseline\" gives the op, the baseline and their "
			"difference with its interval)";
		return 0;
	}
	c->ratio = c->time_ns / base->time_ns;
	if (base->boots >= 2 && c->boots >= 2 && rio_boot_count(&t->files[0]) >= 2 &&
	    rio_boot_count(&t->files[file]) >= 2) {
		/* Boots are the replicates: one median each. */
		test_boots(base, c);
		return 0;
	}
	return test_pooled(t, name, file, c);
}

/*
 * The ratio's interval at c->ci_level: Welch's t on the log boot medians,
 * or Moses' for the shift on pooled samples (recomputed at that level).
 */
static int cell_interval(const struct compare_table *t, const char *name, size_t file,
			 struct compare_cell *c)
{
	if (c->test == TEST_BOOTS) {
		signif_welch_ci(&c->welch, c->ci_level, &c->ratio_ci_low, &c->ratio_ci_high);
		c->ratio_ci_low = exp(c->ratio_ci_low);
		c->ratio_ci_high = exp(c->ratio_ci_high);
		return 0;
	}
	struct row_samples xs, ys;
	struct hl_result h;
	double *x, *y;
	int rc = -1;

	if (compare_gather_pair(t, name, file, &xs, &ys))
		return -1;
	x = malloc((xs.total + 1) * sizeof(double));
	y = malloc((ys.total + 1) * sizeof(double));
	if (x && y) {
		pooled(&xs, x);
		pooled(&ys, y);
		if (shift_ratio(x, xs.total, y, ys.total, c->ci_level, &h)) {
			c->ratio_ci_low = h.ci_low;
			c->ratio_ci_high = h.ci_high;
			c->ci_level = h.coverage;
		}
		rc = 0;
	}
	free(x);
	free(y);
	compare_samples_free(&xs);
	compare_samples_free(&ys);
	return rc;
}

/*
 * One column's family (cells of one basis): Benjamini-Hochberg at alpha
 * gives R discoveries among m; every cell's interval is at 1 - max(R, 1)
 * alpha / m (Benjamini and Yekutieli's false-coverage-statement intervals),
 * which excludes 1 exactly where BH rejects, for the t interval. 0 or -1.
 */
static int column_family(struct compare_table *t, size_t file, enum compare_test basis)
{
	size_t m = 0, found = 0;
	double *p = calloc(t->row_count + 1, sizeof(double));

	if (!p)
		return -1;
	for (size_t r = 0; r < t->row_count; r++) {
		struct compare_cell *c = &t->rows[r].cells[file];

		if (c->tested && c->test == basis)
			p[m++] = c->p;
	}
	if (signif_bh(p, m, p)) {
		free(p);
		return -1;
	}
	for (size_t k = 0; k < m; k++)
		found += p[k] < t->alpha;
	for (size_t r = 0, k = 0; r < t->row_count; r++) {
		struct compare_cell *c = &t->rows[r].cells[file];

		if (!c->tested || c->test != basis)
			continue;
		c->p_adj = p[k++];
		c->family = m;
		c->ci_level = 1 - (double)(found ? found : 1) * t->alpha / (double)m;
		if (cell_interval(t, t->rows[r].name, file, c)) {
			free(p);
			return -1;
		}
		c->significant = c->ratio_ci_low > 1 || c->ratio_ci_high < 1 || c->separated;
	}
	free(p);
	return 0;
}

int compare_correct_columns(struct compare_table *t)
{
	t->tests = t->pooled = 0;
	for (size_t i = 1; i < t->file_count; i++) {
		if (column_family(t, i, TEST_BOOTS) || column_family(t, i, TEST_SAMPLES))
			return -1;
		for (size_t r = 0; r < t->row_count; r++) {
			t->tests += t->rows[r].cells[i].tested;
			t->pooled += t->rows[r].cells[i].tested &&
				     t->rows[r].cells[i].test == TEST_SAMPLES;
		}
	}
	return 0;
}
