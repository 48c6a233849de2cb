// SPDX-License-Identifier: GPL-2.0
/*
 * The comparison itself: a table of cells (one per benchmark and file) from
 * validated result files, ratios to the base, significance, geometric means.
 * Rendering is in compare_{render,text,csv,json,plot}.c, the command in
 * compare_cmd.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "compare.h"

const char *const compare_group_names[COMPARE_GROUPS] = { "micro", "macro" };

int compare_group_index(const char *group)
{
	for (int g = 0; g < COMPARE_GROUPS; g++)
		if (!strcmp(group, compare_group_names[g]))
			return g;
	return -1;
}

const char *compare_ticks_unit(const struct rio_result *r)
{
	return rio_ticks_are_instructions(r) ? "instr" : "cycles";
}

const char *compare_time_source(const struct rio_result *r)
{
	if (r->host_clock.present && r->host_clock.virtual_time)
		return "host-clock";
	if (r->clock == RIO_CLOCK_TSC)
		return "tsc";
	return r->host_clock.present && !isnan(r->host_clock.guest_ns) ? "guest-clock" : NULL;
}

const char *compare_test_name(enum compare_test t)
{
	return t == TEST_BOOTS ? "boots" : t == TEST_SAMPLES ? "pooled" : NULL;
}

const char *compare_basis_label(const struct compare_cell *c)
{
	return c->tested && c->test == TEST_SAMPLES ? "pooled" : NULL;
}

const char *compare_test_legend(const struct compare_table *t, char *buf, size_t len)
{
	snprintf(buf, len, "the ratio is that of the geometric means of the per-boot medians, and "
		 "a cell differs from the base when the ratio's CI excludes 1, or when every boot of "
		 "one file is beyond %gx every boot of the other in the same direction. The CI is "
		 "Welch's t interval on the log per-boot medians (boots are the replicates) at level "
		 "1 - R alpha/m, alpha %g: m the column's cells on boots, R those Benjamini-Hochberg "
		 "finds at false-discovery rate alpha (Benjamini-Yekutieli's false-coverage "
		 "interval), so a verdict depends on its own column only. Where a file has 1 boot "
		 "(\"pooled\", %zu of %zu cells) the samples of every boot are pooled, boot-to-boot "
		 "spread unmeasured: the interval is Moses' for the Hodges-Lehmann shift, corrected in "
		 "a family of its own, and needs %zu samples per side (fewer: too few repetitions)",
		 COMPARE_SEPARATED_FACTOR, t->alpha, t->pooled, t->tests, t->min_reps);
	return buf;
}

const char *compare_boots_note(const struct compare_table *t, size_t file, char *buf, size_t len)
{
	const struct rio_result *f = &t->files[file];
	size_t n = rio_boot_count(f);

	if (n > 1)
		snprintf(buf, len, "%s: %zu boots; figures are geometric means of the per-boot "
			 "medians, with a %g%% t interval over boots", f->label, n,
			 100 * COMPARE_CI_LEVEL);
	else
		snprintf(buf, len, "%s: 1 boot; figures are its medians, and its cells are tested on "
			 "pooled samples", f->label);
	return buf;
}

const char *compare_base_traps(const struct rio_result *base, const char *name)
{
	/* Instructions VT-x and SVM hosts (KVM) always intercept. */
	static const char *const always_exit[] = { "cpuid", "ktimed-cpuid0", "ktimed-cpuid1",
						   "ktimed-pio" };
	const struct rio_bench *b;

	if (!base->host_vmm || !strcmp(base->host_vmm, "none"))
		return NULL;
	for (size_t i = 0; i < sizeof(always_exit) / sizeof(always_exit[0]); i++)
		if (!strcmp(name, always_exit[i]))
			return "the base runs under a hypervisor, which intercepts this instruction";
	b = rio_find_bench(base, name);
	if (b && b->status == RIO_OK && b->exits.present && b->exits.per_op >= 1)
		return "the base's own row counted a VM exit per op or more";
	return NULL;
}

/* ---- one row's samples, grouped by boot ------------------------------------ */

struct row_samples {
	double **v;		/* per boot with the row ok: its samples */
	size_t *n;
	size_t count, total;
	bool unknown;		/* a boot's real time is unknown (ns only) */
};

static void row_samples_free(struct row_samples *s)
{
	for (size_t k = 0; k < s->count; k++)
		free(s->v[k]);
	free(s->v);
	free(s->n);
	memset(s, 0, sizeof(*s));
}

/* The row's samples in every boot of F that has it ok: real ns per op (NS) or ticks. 0 or -1 (memory). */
static int gather(const struct rio_result *f, const char *name, bool ns, struct row_samples *s)
{
	size_t boots = rio_boot_count(f);

	memset(s, 0, sizeof(*s));
	s->v = calloc(boots, sizeof(*s->v));
	s->n = calloc(boots, sizeof(*s->n));
	if (!s->v || !s->n)
		goto oom;
	for (size_t k = 0; k < boots; k++) {
		const struct rio_result *boot = rio_boot(f, k);
		const struct rio_bench *b = rio_find_bench(boot, name);
		double *v;

		if (!b || b->status != RIO_OK || !b->sample_count)
			continue;
		v = malloc(b->sample_count * sizeof(double));
		if (!v)
			goto oom;
		for (size_t i = 0; i < b->sample_count; i++) {
			/* Each boot with its own clock: its TSC rate, its host-clock scale. */
			v[i] = ns ? rio_ticks_to_ns(boot, b, b->samples_ticks[i]) : b->samples_ticks[i];
			s->unknown |= !isfinite(v[i]);
		}
		s->v[s->count] = v;
		s->n[s->count++] = b->sample_count;
		s->total += b->sample_count;
	}
	return 0;
oom:
	row_samples_free(s);
	return -1;
}

static struct signif_clusters clusters_of(const struct row_samples *s)
{
	return (struct signif_clusters){ (const double *const *)s->v, s->n, s->count };
}

/* Seeds differ per row and file, and stay the same from run to run. */
static uint64_t seed_for(size_t row, size_t file, size_t what)
{
	return 0x766d70726f6265ULL ^ ((uint64_t)row << 20) ^ ((uint64_t)file << 8) ^ what;
}

/* ---- building the table --------------------------------------------------- */

/*
 * Every boot of F with row NAME ok: its median (of the samples), in ticks
 * and ns, its linearity and undisturbed median. 0, or -1 (memory).
 */
static int boot_figures(const struct rio_result *f, const char *name, struct compare_cell *c)
{
	size_t boots = rio_boot_count(f), most = 0;
	double *scratch;

	for (size_t k = 0; k < boots; k++) {
		const struct rio_bench *b = rio_find_bench(rio_boot(f, k), name);

		if (b && b->status == RIO_OK && b->sample_count > most)
			most = b->sample_count;
	}
	c->boot = calloc(boots, sizeof(*c->boot));
	scratch = malloc((most + 1) * sizeof(double));
	if (!c->boot || !scratch) {
		free(scratch);
		return -1;
	}
	c->boots = 0;
	for (size_t k = 0; k < boots; k++) {
		const struct rio_result *boot = rio_boot(f, k);
		const struct rio_bench *b = rio_find_bench(boot, name);
		struct compare_boot *bf = &c->boot[c->boots];

		if (!b || b->status != RIO_OK || !b->sample_count)
			continue;
		memcpy(scratch, b->samples_ticks, b->sample_count * sizeof(double));
		bf->index = k;
		bf->ticks = signif_median(scratch, b->sample_count);
		bf->ns = rio_ticks_to_ns(boot, b, bf->ticks);
		bf->linearity = b->linearity;
		bf->undisturbed = bf->ticks > 0 ? b->undisturbed_median_ticks / bf->ticks : NAN;
		/* From the samples, so that files written before "modes" was recorded show them too. */
		if (stats_modes(b->samples_ticks, b->sample_count, &bf->modes)) {
			free(scratch);
			return -1;
		}
		for (size_t m = 0; m < bf->modes.count; m++)
			bf->mode_ns[m] = rio_ticks_to_ns(boot, b, bf->modes.median[m]);
		c->modes_boots += bf->modes.count > 0;
		c->boots++;
	}
	free(scratch);
	return 0;
}

/*
 * Geometric mean of x[0..n) (n >= 2, all > 0) and its t interval at LEVEL
 * (n - 1 degrees of freedom): the figure a row's boots agree on.
 */
static void log_mean_ci(const double *x, size_t n, double level, double *mean, double *low,
			double *high)
{
	double sum = 0, ss = 0, m, half;

	for (size_t k = 0; k < n; k++)
		sum += log(x[k]);
	m = sum / (double)n;
	for (size_t k = 0; k < n; k++)
		ss += (log(x[k]) - m) * (log(x[k]) - m);
	half = signif_t_quantile(1 - level, (double)(n - 1)) * sqrt(ss / (double)(n - 1) / (double)n);
	*mean = exp(m);
	*low = exp(m - half);
	*high = exp(m + half);
}

/* The cell's figure over its boots, from c->boot: ticks, and ns when every boot has it. */
static void boots_figure(struct compare_cell *c)
{
	double ticks[c->boots], ns[c->boots];
	bool positive = true, known = true;

	for (size_t k = 0; k < c->boots; k++) {
		ticks[k] = c->boot[k].ticks;
		ns[k] = c->boot[k].ns;
		positive &= ticks[k] > 0;
		known &= isfinite(ns[k]) && ns[k] > 0;
	}
	if (!positive)
		return;		/* no log scale: keep boot 1's figures */
	log_mean_ci(ticks, c->boots, COMPARE_CI_LEVEL, &c->ticks, &c->ticks_ci_low, &c->ticks_ci_high);
	if (known)
		log_mean_ci(ns, c->boots, COMPARE_CI_LEVEL, &c->time_ns, &c->time_ci_low,
			    &c->time_ci_high);
}

/* The flags: an odd boot, linearity and an undisturbed median off. */
static void flag_cell(struct compare_cell *c)
{
	double lo = INFINITY, hi = -INFINITY, worst_lin = 0, worst_und = 0;
	bool ns = c->boots && !isnan(c->boot[0].ns);

	c->linearity = c->undisturbed = c->boot_spread = NAN;
	for (size_t k = 0; k < c->boots; k++) {
		const struct compare_boot *b = &c->boot[k];
		double v = ns ? b->ns : b->ticks;

		lo = fmin(lo, v);
		hi = fmax(hi, v);
		if (fabs(b->linearity - 1) > COMPARE_LINEARITY_TOL && fabs(b->linearity - 1) > worst_lin) {
			worst_lin = fabs(b->linearity - 1);
			c->linearity = b->linearity;
			c->linearity_boot = b->index + 1;
		}
		if (fabs(b->undisturbed - 1) > COMPARE_UNDISTURBED_TOL &&
		    fabs(b->undisturbed - 1) > worst_und) {
			worst_und = fabs(b->undisturbed - 1);
			c->undisturbed = b->undisturbed;
			c->undisturbed_boot = b->index + 1;
		}
	}
	if (c->boots >= 2 && lo > 0 && hi / lo > COMPARE_ODD_BOOT_FACTOR) {
		double logs[c->boots], mid, far = -1;

		for (size_t k = 0; k < c->boots; k++)
			logs[k] = log(ns ? c->boot[k].ns : c->boot[k].ticks);
		double sorted[c->boots];

		memcpy(sorted, logs, sizeof(sorted));
		mid = signif_median(sorted, c->boots);
		c->boot_spread = hi / lo;
		for (size_t k = 0; k < c->boots; k++)
			if (fabs(logs[k] - mid) > far) {
				far = fabs(logs[k] - mid);
				c->odd_boot = c->boot[k].index + 1;
			}
	}
}

static int fill_cell(const struct rio_result *f, const char *name, struct compare_cell *c)
{
	const struct rio_bench *b = rio_find_bench(f, name);
	const struct rio_counter *instr, *cycles;

	memset(c, 0, sizeof(*c));
	c->time_ns = c->time_ci_low = c->time_ci_high = NAN;
	c->ticks = c->ticks_ci_low = c->ticks_ci_high = NAN;
	c->instructions = c->ipc = c->ratio = c->outside_share = NAN;
	c->ratio_ci_low = c->ratio_ci_high = c->ci_level = NAN;
	c->linearity = c->undisturbed = c->boot_spread = NAN;
	if (!b) {
		c->state = CELL_MISSING;
		c->reason = f->partial ? "not in this file (the run was interrupted)"
				       : "not in this file";
		return 0;
	}
	if (b->status != RIO_OK) {
		c->state = b->status == RIO_SKIPPED ? CELL_SKIPPED : CELL_FAILED;
		c->reason = b->reason;
		return 0;
	}
	c->state = CELL_OK;
	c->ticks = b->ticks.median;
	c->ticks_ci_low = b->ticks.ci_low;
	c->ticks_ci_high = b->ticks.ci_high;
	c->time_ns = rio_ticks_to_ns(f, b, c->ticks);
	c->time_ci_low = rio_ticks_to_ns(f, b, c->ticks_ci_low);
	c->time_ci_high = rio_ticks_to_ns(f, b, c->ticks_ci_high);
	c->time_source = isnan(c->time_ns) ? NULL : compare_time_source(f);
	instr = rio_find_counter(b, "instructions");
	cycles = rio_find_counter(b, "cycles");
	if (instr) {
		c->instructions = instr->per_op;
		if (cycles && cycles->per_op > 0)
			c->ipc = instr->per_op / cycles->per_op;
	}
	if (b->has_separation) {
		c->separation_method = b->separation_method;
		c->outside_share = b->outside_share;
	}
	if (b->exits.present)
		c->exits = &b->exits;
	if (b->exit_time.present)
		c->exit_time = &b->exit_time;
	if (b->vmm_host.present)
		c->vmm_host = &b->vmm_host;
	if (boot_figures(f, name, c))
		return -1;
	if (c->boots >= 2) {
		bool unknown = false;

		for (size_t k = 0; k < c->boots; k++)
			unknown |= !isfinite(c->boot[k].ns);
		/* Several boots: the geometric mean of their medians, a t interval over boots. */
		boots_figure(c);
		if (unknown) {
			/* Boot 1's time alone would pass for all boots' figure. */
			c->time_ns = c->time_ci_low = c->time_ci_high = NAN;
			c->time_source = NULL;
			c->ratio_note = "a boot of this file has no real time (not annotated?)";
		}
	}
	flag_cell(c);
	return 0;
}

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

	if (gather(&t->files[0], name, true, &xs))
		return -1;
	if (gather(&t->files[file], name, true, &ys)) {
		row_samples_free(&xs);
		return -1;
	}
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
	row_samples_free(&xs);
	row_samples_free(&ys);
	return rc;
}

static int compare_to_base(const struct compare_table *t, const char *name, size_t file,
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

	if (gather(&t->files[0], name, true, &xs))
		return -1;
	if (gather(&t->files[file], name, true, &ys)) {
		row_samples_free(&xs);
		return -1;
	}
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
	row_samples_free(&xs);
	row_samples_free(&ys);
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

static int correct_columns(struct compare_table *t)
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

static int add_row_name(struct compare_table *t, const struct rio_bench *b,
			const struct rio_result *f, char *err, size_t errlen)
{
	for (size_t r = 0; r < t->row_count; r++) {
		if (strcmp(t->rows[r].name, b->name))
			continue;
		if (strcmp(t->rows[r].group, b->group)) {
			snprintf(err, errlen, "%s: benchmark \"%s\" is in group %s here but %s in %s",
				 f->path, b->name, b->group, t->rows[r].group, t->files[0].path);
			return -1;
		}
		if (b->panel)
			t->rows[r].panel = b->panel;
		return 0;
	}
	struct compare_row *grown = realloc(t->rows, (t->row_count + 1) * sizeof(*grown));

	if (!grown) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->rows = grown;
	memset(&t->rows[t->row_count], 0, sizeof(t->rows[0]));
	t->rows[t->row_count].name = b->name;
	t->rows[t->row_count].group = b->group;
	t->rows[t->row_count].panel = b->panel ? b->panel
				      : !strcmp(b->group, "macro") ? "macro" : bench_panel_by_row(b->name);
	t->row_count++;
	return 0;
}

static bool has_ratio(const struct compare_cell *c)
{
	return c->ratio > 0 && isfinite(c->ratio);
}

/* Whether file I has a ratio in any row of group G (a file with no real time has none). */
static bool file_has_ratios(const struct compare_table *t, size_t i, int g)
{
	for (size_t r = 0; r < t->row_count; r++)
		if (compare_group_index(t->rows[r].group) == g && has_ratio(&t->rows[r].cells[i]))
			return true;
	return false;
}

/*
 * Whether row R counts in group G's geometric means: a ratio in every file
 * that has ratios in G at all, so that every mean is over the same rows. A
 * file with none (an instruction clock never annotated) gets no mean and
 * does not empty everyone else's.
 */
static bool geomean_row(const struct compare_table *t, size_t r, int g, const bool *counts)
{
	const struct compare_row *row = &t->rows[r];

	if (compare_group_index(row->group) != g)
		return false;
	for (size_t i = 0; i < t->file_count; i++)
		if (counts[i] && !has_ratio(&row->cells[i]))
			return false;
	return true;
}

/*
 * File F's per-boot mean of log ns over ROWS[0..count) into g[0..boots): the
 * boot effect a boot shares with every row is in it. A row missing from a
 * boot counts with its mean over the boots that have it (which keeps the
 * mean over boots the mean of the rows' log figures). False when a figure
 * is not > 0.
 */
static bool boot_log_means(const struct compare_table *t, size_t f, const size_t *rows,
			   size_t count, double *g)
{
	size_t boots = rio_boot_count(&t->files[f]);

	for (size_t k = 0; k < boots; k++)
		g[k] = 0;
	for (size_t j = 0; j < count; j++) {
		const struct compare_cell *c = &t->rows[rows[j]].cells[f];
		double sum = 0, mean;
		bool have[boots];

		memset(have, 0, sizeof(have));
		for (size_t k = 0; k < c->boots; k++) {
			if (!(c->boot[k].ns > 0))
				return false;
			sum += log(c->boot[k].ns);
		}
		if (!c->boots)
			return false;
		mean = sum / (double)c->boots;
		for (size_t k = 0; k < c->boots; k++) {
			g[c->boot[k].index] += log(c->boot[k].ns) / (double)count;
			have[c->boot[k].index] = true;
		}
		for (size_t k = 0; k < boots; k++)
			if (!have[k])
				g[k] += mean / (double)count;
	}
	return true;
}

/*
 * The geomean's CI over boots: Welch's t interval on the per-boot mean log
 * figures of base and file I (one draw of a boot serves every row). 0 with
 * the CI set, 1 when a file has fewer than 2 boots, -1 (memory).
 */
static int geomean_boots_ci(const struct compare_table *t, size_t i, const size_t *rows,
			    size_t count, struct compare_geomean *gm)
{
	size_t na = rio_boot_count(&t->files[0]), nb = rio_boot_count(&t->files[i]);
	struct welch_result w;

	if (na < 2 || nb < 2)
		return 1;
	double ga[na], gb[nb];

	if (!boot_log_means(t, 0, rows, count, ga) || !boot_log_means(t, i, rows, count, gb) ||
	    signif_welch(ga, na, gb, nb, &w))
		return 1;
	signif_welch_ci(&w, COMPARE_CI_LEVEL, &gm->ci_low, &gm->ci_high);
	gm->ci_low = exp(gm->ci_low);
	gm->ci_high = exp(gm->ci_high);
	return 0;
}

/*
 * The old CI for a file with 1 boot: every row's figure redrawn (boots,
 * then samples) in base and file I, the geomean recomputed. 0 or -1 (memory).
 */
static int geomean_bootstrap_ci(const struct compare_table *t, size_t i, int g, const size_t *rows,
				size_t count, struct compare_geomean *gm)
{
	struct row_samples *s = calloc(2 * count + 1, sizeof(*s));
	double *col = malloc(COMPARE_BOOTSTRAP * sizeof(double));
	struct signif_rng rng = { seed_for(i, 0, 0x100 + (size_t)g) };
	size_t finite = 0;
	int rc = -1;

	if (!s || !col)
		goto out;
	for (size_t k = 0; k < count; k++)
		if (gather(&t->files[0], t->rows[rows[k]].name, true, &s[2 * k]) ||
		    gather(&t->files[i], t->rows[rows[k]].name, true, &s[2 * k + 1]))
			goto out;
	for (size_t b = 0; b < COMPARE_BOOTSTRAP; b++) {
		double log_sum = 0, base, other, v;

		for (size_t k = 0; k < count; k++) {
			struct signif_clusters cb = clusters_of(&s[2 * k]), co = clusters_of(&s[2 * k + 1]);

			if (signif_cluster_resample(&cb, &rng, &base) ||
			    signif_cluster_resample(&co, &rng, &other))
				goto out;
			log_sum += log(other / base);
		}
		v = exp(log_sum / (double)count);
		if (isfinite(v) && v > 0)
			col[finite++] = v;
	}
	/* A replicate with a non-positive figure has no ratio: no CI rather than a biased one. */
	if (finite == COMPARE_BOOTSTRAP)
		signif_percentile_ci(col, finite, COMPARE_CI_LEVEL, &gm->ci_low, &gm->ci_high);
	gm->ci_bootstrap = true;
	rc = 0;
out:
	for (size_t k = 0; s && k < 2 * count; k++)
		row_samples_free(&s[k]);
	free(s);
	free(col);
	return rc;
}

/*
 * Geometric means of the ratios over the rows every file has, without the
 * rows the base traps. A group with no such row has no mean (rows 0).
 */
static int geomeans(struct compare_table *t)
{
	size_t n = t->file_count, rows = t->row_count ? t->row_count : 1;
	double *ratios = malloc(rows * sizeof(double));
	size_t *used = malloc(rows * sizeof(size_t));
	bool *counts = calloc(n, sizeof(bool));
	int rc = -1;

	t->geomeans = calloc(COMPARE_GROUPS * n, sizeof(*t->geomeans));
	if (!t->geomeans || !ratios || !used || !counts)
		goto out;
	for (int g = 0; g < COMPARE_GROUPS; g++) {
		size_t count = 0, trapped = 0;

		for (size_t i = 0; i < n; i++)
			counts[i] = file_has_ratios(t, i, g);
		for (size_t r = 0; r < t->row_count; r++) {
			if (!geomean_row(t, r, g, counts))
				continue;
			if (t->rows[r].base_traps)
				trapped++;
			else
				used[count++] = r;
		}
		for (size_t i = 0; i < n; i++) {
			struct compare_geomean *gm = &t->geomeans[g * n + i];
			int ci;

			gm->ratio = gm->ci_low = gm->ci_high = NAN;
			if (!counts[i] || !count)
				continue;
			for (size_t k = 0; k < count; k++)
				ratios[k] = t->rows[used[k]].cells[i].ratio;
			gm->rows = count;
			gm->trapped = trapped;
			if (signif_geomean(ratios, count, &gm->ratio))
				gm->ratio = NAN;
			if (i == 0)
				continue;
			ci = geomean_boots_ci(t, i, used, count, gm);
			if (ci < 0 || (ci > 0 && geomean_bootstrap_ci(t, i, g, used, count, gm)))
				goto out;
		}
	}
	rc = 0;
out:
	free(ratios);
	free(used);
	free(counts);
	return rc;
}

int compare_build(struct rio_result *files, size_t n, double alpha, struct compare_table *t,
		  char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	t->files = files;
	t->file_count = n;
	t->alpha = alpha;
	t->qemu_file = t->icount_file = -1;
	t->min_reps = signif_min_reps(alpha);
	if (n == 0) {
		snprintf(err, errlen, "no result files");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++)
			if (!strcmp(files[i].label, files[j].label)) {
				snprintf(err, errlen, "%s: label \"%s\" is also the label of %s; "
					 "columns need distinct labels", files[i].path,
					 files[i].label, files[j].path);
				return -1;
			}
		for (size_t b = 0; b < files[i].bench_count; b++)
			if (add_row_name(t, &files[i].benches[b], &files[i], err, errlen))
				goto fail;
		if (!strcmp(files[i].label, "qemu") && files[i].clock == RIO_CLOCK_TSC)
			t->qemu_file = (int)i;
		if (files[i].clock == RIO_CLOCK_INSTRUCTIONS && !strncmp(files[i].label, "qemu", 4) &&
		    t->icount_file < 0)
			t->icount_file = (int)i;
	}
	if (t->qemu_file < 0 || t->icount_file < 0)
		t->qemu_file = t->icount_file = -1;

	for (size_t r = 0; r < t->row_count; r++) {
		struct compare_row *row = &t->rows[r];

		row->cycles_per_guest_instr = NAN;
		row->cells = calloc(n, sizeof(*row->cells));
		if (!row->cells) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		for (size_t i = 0; i < n; i++)
			if (fill_cell(&files[i], row->name, &row->cells[i])) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
		row->base_traps = compare_base_traps(&files[0], row->name);
		if (row->cells[0].state == CELL_OK && !isnan(row->cells[0].time_ns))
			row->cells[0].ratio = 1.0;
		for (size_t i = 1; i < n; i++)
			if (compare_to_base(t, row->name, i, &row->cells[0], &row->cells[i])) {
				snprintf(err, errlen, "%s: cannot test %s against the base", files[i].path,
					 row->name);
				goto fail;
			}
		if (t->qemu_file >= 0) {
			struct compare_cell *q = &row->cells[t->qemu_file];
			struct compare_cell *ic = &row->cells[t->icount_file];

			if (q->state == CELL_OK && ic->state == CELL_OK && ic->ticks > 0)
				row->cycles_per_guest_instr = q->ticks / ic->ticks;
		}
	}

	if (correct_columns(t) || geomeans(t)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	return 0;
fail:
	compare_free(t);
	return -1;
}

void compare_free(struct compare_table *t)
{
	for (size_t r = 0; r < t->row_count; r++) {
		for (size_t i = 0; t->rows[r].cells && i < t->file_count; i++)
			free(t->rows[r].cells[i].boot);
		free(t->rows[r].cells);
	}
	free(t->rows);
	free(t->geomeans);
	t->rows = NULL;
	t->geomeans = NULL;
	t->row_count = 0;
}
