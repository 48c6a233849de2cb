// SPDX-License-Identifier: GPL-2.0
/*
 * Building the comparison table (compare_build, compare_free in compare.h):
 * the cells from validated result files, then significance (compare_test.c)
 * and geometric means (compare_geomean.c). The top of the compare rooms
 * below the renderers.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "compare_geomean.h"
#include "compare_test.h"

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

	if (compare_correct_columns(t) || compare_geomeans(t)) {
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
