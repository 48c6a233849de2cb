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

/* ---- building the table --------------------------------------------------- */

static void fill_cell(const struct rio_result *f, const char *name, struct compare_cell *c)
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
		return;
	}
	if (b->status != RIO_OK) {
		c->state = b->status == RIO_SKIPPED ? CELL_SKIPPED : CELL_FAILED;
		c->reason = b->reason;
		return;
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
}

/* The row's samples in real ns per op (ranks only care within a file, but files differ in clock). */
static double *samples_ns(const struct rio_result *f, const struct rio_bench *b)
{
	double *ns = malloc(b->sample_count * sizeof(double));

	if (!ns)
		return NULL;
	for (size_t i = 0; i < b->sample_count; i++)
		ns[i] = rio_ticks_to_ns(f, b, b->samples_ticks[i]);
	return ns;
}

static int compare_to_base(const struct compare_table *t, const char *name, size_t file,
			   struct compare_cell *base, struct compare_cell *c)
{
	const struct rio_result *bf = &t->files[0], *of = &t->files[file];
	const struct rio_bench *bb, *ob;
	double *x, *y;
	int rc;

	c->signif_note = "—";
	if (c->state != CELL_OK)
		return 0;
	if (base->state != CELL_OK) {
		c->ratio_note = c->signif_note = "base has no figure";
		return 0;
	}
	if (isnan(c->time_ns) || isnan(base->time_ns)) {
		c->ratio_note = c->signif_note = "no real time (instruction clock)";
		return 0;
	}
	if (!(base->time_ns > 0)) {
		c->ratio_note = c->signif_note = "base time is not positive";
		return 0;
	}
	c->ratio = c->time_ns / base->time_ns;
	bb = rio_find_bench(bf, name);
	ob = rio_find_bench(of, name);
	if (signif_min_p(bb->sample_count, ob->sample_count) >= t->alpha) {
		c->signif_note = "n/a (too few repetitions)";
		return 0;
	}
	x = samples_ns(bf, bb);
	y = samples_ns(of, ob);
	rc = x && y ? signif_mann_whitney(x, bb->sample_count, y, ob->sample_count, &c->mwu) : -1;
	free(x);
	free(y);
	if (rc)
		return -1;
	c->tested = true;
	c->significant = c->mwu.p < t->alpha;
	c->signif_note = NULL;
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

int compare_build(struct rio_result *files, size_t n, double alpha, struct compare_table *t,
		  char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	t->files = files;
	t->file_count = n;
	t->alpha = alpha;
	t->qemu_file = t->icount_file = -1;
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
			fill_cell(&files[i], row->name, &row->cells[i]);
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

	t->geomeans = calloc(COMPARE_GROUPS * n, sizeof(*t->geomeans));
	double *ratios = malloc((t->row_count ? t->row_count : 1) * sizeof(double));

	if (!t->geomeans || !ratios) {
		free(ratios);
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (int g = 0; g < COMPARE_GROUPS; g++)
		for (size_t i = 0; i < n; i++) {
			struct compare_geomean *gm = &t->geomeans[g * n + i];
			size_t count = 0;

			for (size_t r = 0; r < t->row_count; r++)
				if (compare_group_index(t->rows[r].group) == g &&
				    t->rows[r].cells[i].ratio > 0 && isfinite(t->rows[r].cells[i].ratio))
					ratios[count++] = t->rows[r].cells[i].ratio;
			gm->rows = count;
			if (signif_geomean(ratios, count, &gm->ratio))
				gm->ratio = NAN;
		}
	free(ratios);
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
