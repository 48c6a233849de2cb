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

#include "compare.h"
#include "compare_render.h"

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
	return t == TEST_BOOTS ? "boots" : t == TEST_SAMPLES ? "within-boot" : NULL;
}

const char *compare_test_legend(const struct compare_table *t, char *buf, size_t len)
{
	snprintf(buf, len, "a cell differs from the base when its Holm-adjusted p (over the %zu "
		 "tests of this table) is below alpha %g; the test is Welch's t on the log per-boot "
		 "medians where both files hold 2 or more boots, else the two-sided Mann-Whitney U over "
		 "the samples (within-boot: samples of one boot are not independent replicates), which "
		 "needs %zu samples per side to reach alpha at all (fewer: too few repetitions); the "
		 "shift is Hodges-Lehmann's as a ratio, with Moses' interval (%g%% or the coverage "
		 "given)", t->tests, t->alpha, t->min_reps, 100 * COMPARE_CI_LEVEL);
	return buf;
}

const char *compare_boots_note(const struct compare_table *t, size_t file, char *buf, size_t len)
{
	const struct rio_result *f = &t->files[file];
	size_t n = rio_boot_count(f);

	if (n > 1)
		snprintf(buf, len, "%s: %zu boots; figures are medians of the per-boot medians, CI "
			 "by hierarchical bootstrap (boots, then samples)", f->label, n);
	else
		snprintf(buf, len, "%s: 1 boot; its tests are within-boot only", f->label);
	return buf;
}

const char *compare_fmt_verdict(const struct compare_cell *c, char *buf, size_t len)
{
	char p[48], s[48], lo[48], hi[48];

	if (!c->tested) {
		snprintf(buf, len, "%s", c->signif_note ? c->signif_note : "—");
		return buf;
	}
	compare_fmt_num(c->p_holm, p, sizeof(p));
	if (!c->has_shift) {
		snprintf(buf, len, "%s p=%s (%s)", c->significant ? "yes" : "no", p,
			 compare_test_name(c->test));
		return buf;
	}
	compare_fmt_num(c->shift.shift, s, sizeof(s));
	compare_fmt_num(c->shift.ci_low, lo, sizeof(lo));
	compare_fmt_num(c->shift.ci_high, hi, sizeof(hi));
	if (fabs(c->shift.coverage - COMPARE_CI_LEVEL) < 0.005 || c->shift.coverage > COMPARE_CI_LEVEL)
		snprintf(buf, len, "%s p=%s (%s) %sx [%s, %s]", c->significant ? "yes" : "no", p,
			 compare_test_name(c->test), s, lo, hi);
	else
		snprintf(buf, len, "%s p=%s (%s) %sx [%s, %s] %.0f%%", c->significant ? "yes" : "no",
			 p, compare_test_name(c->test), s, lo, hi, 100 * c->shift.coverage);
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

/* Median of per-boot medians and its hierarchical bootstrap CI. 0 or -1 (memory). */
static int cluster_figure(const struct row_samples *s, uint64_t seed, double *median, double *low,
			  double *high)
{
	struct signif_clusters c = clusters_of(s);
	struct signif_rng rng = { seed };
	double *reps = malloc(COMPARE_BOOTSTRAP * sizeof(double));

	if (!reps || signif_cluster_median(&c, median)) {
		free(reps);
		return -1;
	}
	for (size_t r = 0; r < COMPARE_BOOTSTRAP; r++)
		if (signif_cluster_resample(&c, &rng, &reps[r])) {
			free(reps);
			return -1;
		}
	signif_percentile_ci(reps, COMPARE_BOOTSTRAP, COMPARE_CI_LEVEL, low, high);
	free(reps);
	return 0;
}

/* Seeds differ per row and file, and stay the same from run to run. */
static uint64_t seed_for(size_t row, size_t file, size_t what)
{
	return 0x766d70726f6265ULL ^ ((uint64_t)row << 20) ^ ((uint64_t)file << 8) ^ what;
}

/* ---- building the table --------------------------------------------------- */

static int fill_cell(const struct rio_result *f, const char *name, size_t row, size_t file,
		     struct compare_cell *c)
{
	const struct rio_bench *b = rio_find_bench(f, name);
	const struct rio_counter *instr, *cycles;

	memset(c, 0, sizeof(*c));
	c->time_ns = c->time_ci_low = c->time_ci_high = NAN;
	c->ticks = c->ticks_ci_low = c->ticks_ci_high = NAN;
	c->instructions = c->ipc = c->ratio = c->outside_share = NAN;
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
	c->boots = 1;
	if (rio_boot_count(f) > 1) {
		/* Several boots: the median of their medians, CI from resampling boots then samples. */
		struct row_samples ticks, ns;

		if (gather(f, name, false, &ticks))
			return -1;
		if (gather(f, name, true, &ns)) {
			row_samples_free(&ticks);
			return -1;
		}
		c->boots = ticks.count;
		if (ticks.count >= 2 && ns.unknown) {
			/* Boot 1's time alone would pass for all boots' figure. */
			c->time_ns = c->time_ci_low = c->time_ci_high = NAN;
			c->time_source = NULL;
			c->ratio_note = "a boot of this file has no real time (not annotated?)";
		}
		if (ticks.count >= 2 &&
		    (cluster_figure(&ticks, seed_for(row, file, 1), &c->ticks, &c->ticks_ci_low,
				    &c->ticks_ci_high) ||
		     (!ns.unknown && cluster_figure(&ns, seed_for(row, file, 2), &c->time_ns,
						    &c->time_ci_low, &c->time_ci_high)))) {
			row_samples_free(&ticks);
			row_samples_free(&ns);
			return -1;
		}
		row_samples_free(&ticks);
		row_samples_free(&ns);
	}
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

/* Per-boot medians of S into out[0..count). */
static void boot_medians(const struct row_samples *s, double *scratch, double *out)
{
	for (size_t k = 0; k < s->count; k++) {
		memcpy(scratch, s->v[k], s->n[k] * sizeof(double));
		out[k] = signif_median(scratch, s->n[k]);
	}
}

/* Every sample of S, boots one after the other. */
static void pooled(const struct row_samples *s, double *out)
{
	for (size_t k = 0, at = 0; k < s->count; at += s->n[k], k++)
		memcpy(out + at, s->v[k], s->n[k] * sizeof(double));
}

/* The test on values a (base) and b: Welch on logs (boots) or U (samples), and the shift. */
static int test_values(struct compare_cell *c, enum compare_test test, const double *a, size_t na,
		       const double *b, size_t nb)
{
	double *la = malloc((na + nb) * sizeof(double)), *lb;
	bool positive;
	int rc = -1;

	if (!la)
		return -1;
	lb = la + na;
	positive = logs(a, na, la) && logs(b, nb, lb);
	if (test == TEST_BOOTS) {
		/* Welch on log medians: a ratio is what differs between VMMs, and logs make it a shift. */
		if (positive ? signif_welch(la, na, lb, nb, &c->welch)
			     : signif_welch(a, na, b, nb, &c->welch))
			goto out;
		c->p = c->welch.p;
	} else {
		if (signif_mann_whitney(a, na, b, nb, &c->mwu))
			goto out;
		c->p = c->mwu.p;
	}
	if (!(c->p >= 0 && c->p <= 1)) {	/* not a probability: say so rather than test */
		c->signif_note = "n/a (no p from the test)";
		rc = 0;
		goto out;
	}
	c->test = test;
	c->tested = true;
	c->signif_note = NULL;
	if (positive && !signif_hodges_lehmann(la, na, lb, nb, COMPARE_CI_LEVEL, &c->shift)) {
		c->shift.shift = exp(c->shift.shift);
		c->shift.ci_low = exp(c->shift.ci_low);
		c->shift.ci_high = exp(c->shift.ci_high);
		c->has_shift = true;
	}
	rc = 0;
out:
	free(la);
	return rc;
}

static int compare_to_base(const struct compare_table *t, const char *name, size_t file,
			   struct compare_cell *base, struct compare_cell *c)
{
	const struct rio_result *bf = &t->files[0], *of = &t->files[file];
	struct row_samples xs, ys;
	double *x = NULL, *y = NULL, *scratch = NULL;
	size_t most = 0;
	int rc = -1;

	c->signif_note = "—";
	c->p = c->p_holm = NAN;
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
	c->ratio = c->time_ns / base->time_ns;
	if (gather(bf, name, true, &xs))
		return -1;
	if (gather(of, name, true, &ys)) {
		row_samples_free(&xs);
		return -1;
	}
	if (xs.unknown || ys.unknown) {
		c->signif_note = "a boot has no real time";
		rc = 0;
		goto out;
	}
	for (size_t k = 0; k < xs.count; k++)
		most = xs.n[k] > most ? xs.n[k] : most;
	for (size_t k = 0; k < ys.count; k++)
		most = ys.n[k] > most ? ys.n[k] : most;
	x = malloc((xs.total + 1) * sizeof(double));
	y = malloc((ys.total + 1) * sizeof(double));
	scratch = malloc((most + 1) * sizeof(double));
	if (!x || !y || !scratch)
		goto out;
	if (xs.count >= 2 && ys.count >= 2) {
		/* Boots are the replicates: one median each. */
		boot_medians(&xs, scratch, x);
		boot_medians(&ys, scratch, y);
		rc = test_values(c, TEST_BOOTS, x, xs.count, y, ys.count);
		goto out;
	}
	if (xs.total < t->min_reps || ys.total < t->min_reps) {
		c->signif_note = "n/a (too few repetitions)";
		rc = 0;
		goto out;
	}
	pooled(&xs, x);
	pooled(&ys, y);
	rc = test_values(c, TEST_SAMPLES, x, xs.total, y, ys.total);
out:
	free(x);
	free(y);
	free(scratch);
	row_samples_free(&xs);
	row_samples_free(&ys);
	return rc;
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
	t->row_count++;
	return 0;
}

/* Holm over every tested cell of the table: about 30 rows times the other files are one family. */
static int holm_over_table(struct compare_table *t)
{
	double *p = malloc((t->row_count * t->file_count + 1) * sizeof(double));
	size_t m = 0;

	if (!p)
		return -1;
	for (size_t r = 0; r < t->row_count; r++)
		for (size_t i = 1; i < t->file_count; i++)
			if (t->rows[r].cells[i].tested)
				p[m++] = t->rows[r].cells[i].p;
	if (signif_holm(p, m, p)) {
		free(p);
		return -1;
	}
	t->tests = m;
	m = 0;
	for (size_t r = 0; r < t->row_count; r++)
		for (size_t i = 1; i < t->file_count; i++) {
			struct compare_cell *c = &t->rows[r].cells[i];

			if (!c->tested)
				continue;
			c->p_holm = p[m++];
			c->significant = c->p_holm < t->alpha;
		}
	free(p);
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
 * Geometric means of the ratios over the rows every file has, without the
 * rows the base traps; the CI resamples each row's boots and samples in
 * every file (hierarchical bootstrap) and recomputes the means.
 */
static int geomeans(struct compare_table *t)
{
	size_t n = t->file_count, rows = t->row_count ? t->row_count : 1;
	double *ratios = malloc(rows * sizeof(double));
	size_t *used = malloc(rows * sizeof(size_t));
	struct row_samples *samples = calloc(rows * n, sizeof(*samples));
	double *reps = malloc(COMPARE_BOOTSTRAP * n * sizeof(double));
	bool *counts = calloc(n, sizeof(bool));
	int rc = -1;

	t->geomeans = calloc(COMPARE_GROUPS * n, sizeof(*t->geomeans));
	if (!t->geomeans || !ratios || !used || !samples || !reps || !counts)
		goto out;
	for (int g = 0; g < COMPARE_GROUPS; g++) {
		size_t count = 0, trapped = 0;
		struct signif_rng rng = { seed_for(0, 0, 0x100 + (size_t)g) };

		for (size_t i = 0; i < n; i++)
			counts[i] = file_has_ratios(t, i, g);
		for (size_t r = 0; r < t->row_count; r++) {
			if (!geomean_row(t, r, g, counts))
				continue;
			if (t->rows[r].base_traps) {
				trapped++;
				continue;
			}
			used[count++] = r;
			for (size_t i = 0; i < n; i++)
				if (counts[i] &&
				    gather(&t->files[i], t->rows[r].name, true, &samples[r * n + i]))
					goto out;
		}
		for (size_t i = 0; i < n; i++) {
			struct compare_geomean *gm = &t->geomeans[g * n + i];

			gm->ratio = gm->ci_low = gm->ci_high = NAN;
			if (!counts[i])
				continue;
			for (size_t k = 0; k < count; k++)
				ratios[k] = t->rows[used[k]].cells[i].ratio;
			gm->rows = count;
			gm->trapped = trapped;
			if (signif_geomean(ratios, count, &gm->ratio))
				gm->ratio = NAN;
		}
		if (!count)
			continue;
		/* One replicate: every row's figure redrawn in every file, the base once per row. */
		for (size_t b = 0; b < COMPARE_BOOTSTRAP; b++) {
			double *log_sum = &reps[b * n];

			memset(log_sum, 0, n * sizeof(double));
			for (size_t k = 0; k < count; k++) {
				double base, other;
				struct signif_clusters c = clusters_of(&samples[used[k] * n]);

				if (signif_cluster_resample(&c, &rng, &base))
					goto out;
				for (size_t i = 1; i < n; i++) {
					if (!counts[i])
						continue;
					c = clusters_of(&samples[used[k] * n + i]);
					if (signif_cluster_resample(&c, &rng, &other))
						goto out;
					log_sum[i] += log(other / base);
				}
			}
		}
		for (size_t i = 1; i < n; i++) {
			struct compare_geomean *gm = &t->geomeans[g * n + i];
			double *col;

			if (!counts[i])
				continue;
			col = malloc(COMPARE_BOOTSTRAP * sizeof(double));
			size_t finite = 0;

			if (!col)
				goto out;
			for (size_t b = 0; b < COMPARE_BOOTSTRAP; b++) {
				double v = exp(reps[b * n + i] / (double)count);

				if (isfinite(v) && v > 0)
					col[finite++] = v;
			}
			/* A replicate with a non-positive figure has no ratio: no CI rather than a biased one. */
			if (finite == COMPARE_BOOTSTRAP)
				signif_percentile_ci(col, finite, COMPARE_CI_LEVEL, &gm->ci_low, &gm->ci_high);
			free(col);
		}
		for (size_t r = 0; r < t->row_count * n; r++)
			row_samples_free(&samples[r]);
	}
	rc = 0;
out:
	if (samples)
		for (size_t r = 0; r < t->row_count * n; r++)
			row_samples_free(&samples[r]);
	free(samples);
	free(ratios);
	free(used);
	free(reps);
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
			if (fill_cell(&files[i], row->name, r, i, &row->cells[i])) {
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

	if (holm_over_table(t) || geomeans(t)) {
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
	for (size_t r = 0; r < t->row_count; r++)
		free(t->rows[r].cells);
	free(t->rows);
	free(t->geomeans);
	t->rows = NULL;
	t->geomeans = NULL;
	t->row_count = 0;
}
