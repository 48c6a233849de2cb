// SPDX-License-Identifier: GPL-2.0
/*
 * `vmprobe compare BASE.json OTHER.json...`: build a table of cells (one
 * per benchmark and file) from validated result files, then render it as
 * text, Markdown, CSV or JSON, and optionally plot it with gnuplot.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "compare.h"

extern char **environ;

const char *const compare_group_names[COMPARE_GROUPS] = { "micro", "macro" };

static int group_index(const char *group)
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

static const char *time_source(const struct rio_result *r)
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
	c->time_source = isnan(c->time_ns) ? NULL : time_source(f);
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
				if (group_index(t->rows[r].group) == g &&
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

/* ---- formatting helpers --------------------------------------------------- */

/* Four significant digits, no exponent in the range timings live in. */
static const char *fmt_num(double v, char *buf, size_t len)
{
	double mag = fabs(v);

	if (isnan(v))
		snprintf(buf, len, "—");
	else if (mag != 0 && (mag < 1e-3 || mag >= 1e12))
		snprintf(buf, len, "%.3e", v);
	else {
		int decimals = mag == 0 ? 0 : 3 - (int)floor(log10(mag));

		snprintf(buf, len, "%.*f", decimals < 0 ? 0 : decimals, v);
	}
	return buf;
}

static const char *state_name(enum compare_state s)
{
	static const char *const names[] = { "ok", "skipped", "failed", "missing" };

	return names[s];
}

static bool file_has(const struct compare_table *t, size_t file, size_t offset)
{
	for (size_t r = 0; r < t->row_count; r++) {
		const double *v = (const double *)((const char *)&t->rows[r].cells[file] + offset);

		if (!isnan(*v))
			return true;
	}
	return false;
}

static bool file_has_separation(const struct compare_table *t, size_t file)
{
	for (size_t r = 0; r < t->row_count; r++)
		if (t->rows[r].cells[file].separation_method)
			return true;
	return false;
}

/* ---- text and Markdown ---------------------------------------------------- */

/* A grid of owned strings, rendered aligned (text) or as a pipe table (Markdown). */
struct grid {
	char **cell;
	size_t rows, cols, cap_rows;
};

static int grid_add_row(struct grid *g)
{
	if (g->rows == g->cap_rows) {
		size_t cap = g->cap_rows ? 2 * g->cap_rows : 16;
		char **grown = realloc(g->cell, cap * g->cols * sizeof(char *));

		if (!grown)
			return -1;
		g->cell = grown;
		g->cap_rows = cap;
	}
	for (size_t c = 0; c < g->cols; c++)
		g->cell[g->rows * g->cols + c] = NULL;
	g->rows++;
	return 0;
}

static void grid_set(struct grid *g, size_t col, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(g->cell[(g->rows - 1) * g->cols + col]);
	g->cell[(g->rows - 1) * g->cols + col] = s;
}

static void grid_free(struct grid *g)
{
	for (size_t i = 0; i < g->rows * g->cols; i++)
		free(g->cell[i]);
	free(g->cell);
}

/* Display width: count UTF-8 lead bytes only, so "—" is one column. */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; s && *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void grid_print(const struct grid *g, FILE *out, bool markdown)
{
	size_t *width = calloc(g->cols, sizeof(size_t));

	for (size_t r = 0; width && r < g->rows; r++)
		for (size_t c = 0; c < g->cols; c++) {
			size_t w = text_width(g->cell[r * g->cols + c]);

			if (w > width[c])
				width[c] = w;
		}
	for (size_t r = 0; r < g->rows; r++) {
		for (size_t c = 0; c < g->cols; c++) {
			const char *s = g->cell[r * g->cols + c] ? g->cell[r * g->cols + c] : "";
			size_t pad = width ? width[c] - text_width(s) : 0;

			if (markdown) {
				fputs(c ? " " : "| ", out);
				for (; *s; s++)	/* a pipe would end the cell */
					fputs(*s == '|' ? "\\|" : (char[]){ *s, 0 }, out);
				fprintf(out, "%*s |", (int)pad, "");
			} else {
				/* Names left, figures right. */
				if (c == 0)
					fprintf(out, "%s%*s", s, (int)pad, "");
				else
					fprintf(out, "  %*s%s", (int)pad, "", s);
			}
		}
		fputc('\n', out);
		if (markdown && r == 0) {
			for (size_t c = 0; c < g->cols; c++)
				fputs(c ? " ---: |" : "| --- |", out);
			fputc('\n', out);
		}
	}
	free(width);
}

/* Footnotes: each distinct "label: reason" gets one number. */
struct notes {
	char **text;
	size_t count;
};

static size_t note_number(struct notes *n, const char *label, const char *reason)
{
	char *s = NULL;

	if (asprintf(&s, "%s: %s", label, reason) < 0)
		return 0;
	for (size_t i = 0; i < n->count; i++)
		if (!strcmp(n->text[i], s)) {
			free(s);
			return i + 1;
		}
	char **grown = realloc(n->text, (n->count + 1) * sizeof(char *));

	if (!grown) {
		free(s);
		return 0;
	}
	n->text = grown;
	n->text[n->count++] = s;
	return n->count;
}

/* Which optional columns a file gets: only those with at least one figure. */
struct file_cols {
	bool instructions, ipc, separation, compared;
	size_t first, count;
};

static void plan_columns(const struct compare_table *t, struct file_cols *fc, size_t *cols)
{
	size_t next = 1;	/* column 0: the benchmark */

	for (size_t i = 0; i < t->file_count; i++) {
		fc[i].instructions = file_has(t, i, offsetof(struct compare_cell, instructions));
		fc[i].ipc = file_has(t, i, offsetof(struct compare_cell, ipc));
		fc[i].separation = file_has_separation(t, i);
		fc[i].compared = i > 0;
		fc[i].first = next;
		fc[i].count = 2 + fc[i].instructions + fc[i].ipc + 2 * fc[i].compared +
			      fc[i].separation;
		next += fc[i].count;
	}
	*cols = next + (t->qemu_file >= 0);
}

static void header_row(const struct compare_table *t, const struct file_cols *fc, struct grid *g)
{
	grid_set(g, 0, "benchmark");
	for (size_t i = 0; i < t->file_count; i++) {
		const char *label = t->files[i].label;
		size_t c = fc[i].first;

		grid_set(g, c++, "%s ns", label);
		grid_set(g, c++, "%s %s", label, compare_ticks_unit(&t->files[i]));
		if (fc[i].instructions)
			grid_set(g, c++, "%s instr/op", label);
		if (fc[i].ipc)
			grid_set(g, c++, "%s IPC", label);
		if (fc[i].compared) {
			grid_set(g, c++, "%s ratio", label);
			grid_set(g, c++, "%s signif.", label);
		}
		if (fc[i].separation)
			grid_set(g, c++, "%s outside", label);
	}
	if (t->qemu_file >= 0)
		grid_set(g, g->cols - 1, "qemu cycles/guest instr");
}

static void cell_columns(const struct compare_table *t, const struct file_cols *fc, size_t i,
			 const struct compare_cell *cell, struct grid *g, struct notes *notes)
{
	size_t c = fc[i].first;
	char a[48], b[48];

	if (cell->state != CELL_OK) {
		grid_set(g, c, "%s [%zu]", state_name(cell->state),
			 note_number(notes, t->files[i].label, cell->reason));
		return;
	}
	grid_set(g, c++, "%s", fmt_num(cell->time_ns, a, sizeof(a)));
	grid_set(g, c++, "%s", fmt_num(cell->ticks, a, sizeof(a)));
	if (fc[i].instructions)
		grid_set(g, c++, "%s", fmt_num(cell->instructions, a, sizeof(a)));
	if (fc[i].ipc)
		grid_set(g, c++, "%s", fmt_num(cell->ipc, a, sizeof(a)));
	if (fc[i].compared) {
		if (isnan(cell->ratio))
			grid_set(g, c++, "— [%zu]", note_number(notes, t->files[i].label,
								   cell->ratio_note));
		else
			grid_set(g, c++, "%sx", fmt_num(cell->ratio, a, sizeof(a)));
		if (cell->tested)
			grid_set(g, c++, "%s p=%s", cell->significant ? "yes" : "no",
				 fmt_num(cell->mwu.p, b, sizeof(b)));
		else
			grid_set(g, c++, "%s", isnan(cell->ratio) ? "—" : cell->signif_note);
	}
	if (fc[i].separation) {
		if (cell->separation_method && !isnan(cell->outside_share))
			grid_set(g, c++, "%s%% %s", fmt_num(100 * cell->outside_share, a, sizeof(a)),
				 cell->separation_method);
		else
			grid_set(g, c++, "%s", cell->separation_method ? cell->separation_method : "—");
	}
}

int compare_write_table(const struct compare_table *t, FILE *out, bool markdown)
{
	struct file_cols *fc = calloc(t->file_count, sizeof(*fc));
	struct grid g = { 0 };
	struct notes notes = { 0 };
	char a[48];

	if (!fc)
		return -1;
	plan_columns(t, fc, &g.cols);
	if (grid_add_row(&g))
		goto oom;
	header_row(t, fc, &g);
	for (size_t r = 0; r < t->row_count; r++) {
		const struct compare_row *row = &t->rows[r];

		if (grid_add_row(&g))
			goto oom;
		grid_set(&g, 0, "%s", row->name);
		for (size_t i = 0; i < t->file_count; i++)
			cell_columns(t, fc, i, &row->cells[i], &g, &notes);
		if (t->qemu_file >= 0)
			grid_set(&g, g.cols - 1, "%s", fmt_num(row->cycles_per_guest_instr, a, sizeof(a)));
	}
	for (int grp = 0; grp < COMPARE_GROUPS && t->file_count > 1; grp++) {
		if (grid_add_row(&g))
			goto oom;
		grid_set(&g, 0, "geomean %s", compare_group_names[grp]);
		for (size_t i = 1; i < t->file_count; i++) {
			const struct compare_geomean *gm = &t->geomeans[grp * t->file_count + i];

			if (gm->rows)
				grid_set(&g, fc[i].first + fc[i].count - 2 - fc[i].separation,
					 "%sx (%zu row%s)", fmt_num(gm->ratio, a, sizeof(a)), gm->rows,
					 gm->rows == 1 ? "" : "s");
			else
				grid_set(&g, fc[i].first + fc[i].count - 2 - fc[i].separation,
					 "— (no rows)");
		}
	}
	grid_print(&g, out, markdown);

	fprintf(out, "\n%sbase: %s (%s); ratio = median time / base median time; signif.: "
		"two-sided Mann-Whitney U over the samples, alpha %g\n",
		markdown ? "- " : "", t->files[0].label, t->files[0].path, t->alpha);
	for (size_t i = 0; i < t->file_count; i++) {
		const struct rio_result *f = &t->files[i];
		const char *src = time_source(f);

		fprintf(out, "%s%s: clock %s, ticks count %s, time from %s\n", markdown ? "- " : "",
			f->label, f->clock_kind,
			rio_ticks_are_instructions(f) ? "guest instructions" : "TSC cycles",
			src && !isnan(f->tsc_hz) ? src : "nowhere (no real clock: not annotated or no tsc_hz)");
	}
	if (notes.count)
		fprintf(out, "\n");
	for (size_t k = 0; k < notes.count; k++)
		fprintf(out, "%s[%zu] %s\n", markdown ? "- " : "", k + 1, notes.text[k]);
	for (size_t k = 0; k < notes.count; k++)
		free(notes.text[k]);
	free(notes.text);
	grid_free(&g);
	free(fc);
	return ferror(out) ? -1 : 0;
oom:
	grid_free(&g);
	free(fc);
	return -1;
}

/* ---- CSV -------------------------------------------------------------------- */

/* One field, quoted when it must be (RFC 4180). */
static void csv_quoted(FILE *out, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* A field after the first. */
static void csv_text(FILE *out, const char *s)
{
	fputc(',', out);
	csv_quoted(out, s);
}

static void csv_num(FILE *out, double v)
{
	fputc(',', out);
	if (!isnan(v))
		fprintf(out, "%.17g", v);
}

static const char *const csv_fields[] = {
	"status", "reason", "time_ns", "time_ns_ci_low", "time_ns_ci_high", "time_source",
	"ticks", "ticks_unit", "instructions_per_op", "ipc", "ratio", "ratio_note", "u", "p",
	"p_method", "significant", "signif_note", "outside_share", "separation_method",
};

int compare_write_csv(const struct compare_table *t, FILE *out)
{
	fputs("benchmark,group", out);
	for (size_t i = 0; i < t->file_count; i++)
		for (size_t k = 0; k < sizeof(csv_fields) / sizeof(csv_fields[0]); k++) {
			char *h = NULL;

			if (asprintf(&h, "%s.%s", t->files[i].label, csv_fields[k]) < 0)
				return -1;
			csv_text(out, h);
			free(h);
		}
	fputs(t->qemu_file >= 0 ? ",cycles_per_guest_instruction\n" : "\n", out);
	for (size_t r = 0; r < t->row_count; r++) {
		const struct compare_row *row = &t->rows[r];

		csv_quoted(out, row->name);
		csv_text(out, row->group);
		for (size_t i = 0; i < t->file_count; i++) {
			const struct compare_cell *c = &row->cells[i];
			bool ok = c->state == CELL_OK;

			csv_text(out, state_name(c->state));
			csv_text(out, c->reason);
			csv_num(out, c->time_ns);
			csv_num(out, c->time_ci_low);
			csv_num(out, c->time_ci_high);
			csv_text(out, c->time_source);
			csv_num(out, c->ticks);
			csv_text(out, ok ? compare_ticks_unit(&t->files[i]) : NULL);
			csv_num(out, c->instructions);
			csv_num(out, c->ipc);
			csv_num(out, c->ratio);
			csv_text(out, c->ratio_note);
			csv_num(out, c->tested ? c->mwu.u1 : NAN);
			csv_num(out, c->tested ? c->mwu.p : NAN);
			csv_text(out, c->tested ? signif_method_name(c->mwu.method) : NULL);
			csv_text(out, c->tested ? (c->significant ? "yes" : "no") : NULL);
			csv_text(out, i && ok && !c->tested ? c->signif_note : NULL);
			csv_num(out, c->outside_share);
			csv_text(out, c->separation_method);
		}
		if (t->qemu_file >= 0)
			csv_num(out, row->cycles_per_guest_instr);
		fputc('\n', out);
	}
	/* Geomean rows: status "geomean", the ratio in each file's ratio column. */
	for (int grp = 0; grp < COMPARE_GROUPS && t->file_count > 1; grp++) {
		fprintf(out, "geomean-%s,%s", compare_group_names[grp], compare_group_names[grp]);
		for (size_t i = 0; i < t->file_count; i++) {
			const struct compare_geomean *gm = &t->geomeans[grp * t->file_count + i];
			size_t nf = sizeof(csv_fields) / sizeof(csv_fields[0]);

			for (size_t k = 0; k < nf; k++) {
				if (!strcmp(csv_fields[k], "status"))
					csv_text(out, i ? "geomean" : "base");
				else if (!strcmp(csv_fields[k], "ratio"))
					csv_num(out, i ? gm->ratio : NAN);
				else if (!strcmp(csv_fields[k], "ratio_note") && i)
					csv_text(out, gm->rows ? NULL : "no rows ok in both");
				else
					fputc(',', out);
			}
		}
		if (t->qemu_file >= 0)
			fputc(',', out);
		fputc('\n', out);
	}
	return ferror(out) ? -1 : 0;
}

/* ---- JSON ------------------------------------------------------------------- */

static struct json_object *num_or_null(double v)
{
	return isnan(v) ? NULL : json_object_new_double(v);
}

static struct json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *median_ci(double median, double low, double high)
{
	struct json_object *o;

	if (isnan(median))
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "median", json_object_new_double(median));
	json_object_object_add(o, "ci_low", num_or_null(low));
	json_object_object_add(o, "ci_high", num_or_null(high));
	return o;
}

static struct json_object *cell_json(const struct compare_table *t, size_t i,
				     const struct compare_cell *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "status", json_object_new_string(state_name(c->state)));
	if (c->state != CELL_OK) {
		json_object_object_add(o, "reason", str_or_null(c->reason));
		return o;
	}
	json_object_object_add(o, "time_ns", median_ci(c->time_ns, c->time_ci_low, c->time_ci_high));
	json_object_object_add(o, "time_source", str_or_null(c->time_source));
	json_object_object_add(o, "ticks", median_ci(c->ticks, c->ticks_ci_low, c->ticks_ci_high));
	json_object_object_add(o, "ticks_unit", json_object_new_string(compare_ticks_unit(&t->files[i])));
	json_object_object_add(o, "instructions_per_op", num_or_null(c->instructions));
	json_object_object_add(o, "ipc", num_or_null(c->ipc));
	json_object_object_add(o, "ratio", num_or_null(c->ratio));
	if (i > 0) {
		if (c->ratio_note)
			json_object_object_add(o, "ratio_note", json_object_new_string(c->ratio_note));
		if (c->tested) {
			struct json_object *m = json_object_new_object();

			json_object_object_add(m, "u", json_object_new_double(c->mwu.u1));
			json_object_object_add(m, "p", json_object_new_double(c->mwu.p));
			json_object_object_add(m, "method",
					       json_object_new_string(signif_method_name(c->mwu.method)));
			json_object_object_add(m, "n_base", json_object_new_int64((int64_t)c->mwu.n1));
			json_object_object_add(m, "n", json_object_new_int64((int64_t)c->mwu.n2));
			json_object_object_add(m, "ties", json_object_new_boolean(c->mwu.ties));
			json_object_object_add(m, "significant", json_object_new_boolean(c->significant));
			json_object_object_add(o, "mann_whitney", m);
		} else {
			json_object_object_add(o, "mann_whitney", NULL);
			json_object_object_add(o, "signif_note", str_or_null(c->signif_note));
		}
	}
	if (c->separation_method) {
		struct json_object *s = json_object_new_object();

		json_object_object_add(s, "method", json_object_new_string(c->separation_method));
		json_object_object_add(s, "outside_share", num_or_null(c->outside_share));
		json_object_object_add(o, "separation", s);
	}
	return o;
}

int compare_write_json(const struct compare_table *t, FILE *out)
{
	struct json_object *root = json_object_new_object(), *vmms = json_object_new_array();
	struct json_object *rows = json_object_new_array(), *geo = json_object_new_array();
	int rc;

	json_object_object_add(root, "format", json_object_new_string("vmprobe-compare"));
	json_object_object_add(root, "format_version", json_object_new_int(1));
	json_object_object_add(root, "alpha", json_object_new_double(t->alpha));
	json_object_object_add(root, "base", json_object_new_string(t->files[0].label));
	for (size_t i = 0; i < t->file_count; i++) {
		const struct rio_result *f = &t->files[i];
		struct json_object *v = json_object_new_object();

		json_object_object_add(v, "label", json_object_new_string(f->label));
		json_object_object_add(v, "path", json_object_new_string(f->path));
		json_object_object_add(v, "clock_kind", json_object_new_string(f->clock_kind));
		json_object_object_add(v, "ticks_unit", json_object_new_string(compare_ticks_unit(f)));
		json_object_object_add(v, "partial", json_object_new_boolean(f->partial));
		json_object_object_add(v, "virtual_time",
				       json_object_new_boolean(f->host_clock.present &&
							       f->host_clock.virtual_time));
		json_object_array_add(vmms, v);
	}
	json_object_object_add(root, "vmms", vmms);
	for (size_t r = 0; r < t->row_count; r++) {
		struct json_object *row = json_object_new_object(), *cells = json_object_new_object();

		json_object_object_add(row, "name", json_object_new_string(t->rows[r].name));
		json_object_object_add(row, "group", json_object_new_string(t->rows[r].group));
		for (size_t i = 0; i < t->file_count; i++)
			json_object_object_add(cells, t->files[i].label,
					       cell_json(t, i, &t->rows[r].cells[i]));
		json_object_object_add(row, "cells", cells);
		if (t->qemu_file >= 0)
			json_object_object_add(row, "cycles_per_guest_instruction",
					       num_or_null(t->rows[r].cycles_per_guest_instr));
		json_object_array_add(rows, row);
	}
	json_object_object_add(root, "rows", rows);
	for (int grp = 0; grp < COMPARE_GROUPS; grp++)
		for (size_t i = 1; i < t->file_count; i++) {
			const struct compare_geomean *gm = &t->geomeans[grp * t->file_count + i];
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "group", json_object_new_string(compare_group_names[grp]));
			json_object_object_add(o, "label", json_object_new_string(t->files[i].label));
			json_object_object_add(o, "ratio", num_or_null(gm->ratio));
			json_object_object_add(o, "rows", json_object_new_int64((int64_t)gm->rows));
			json_object_array_add(geo, o);
		}
	json_object_object_add(root, "geomeans", geo);
	rc = fprintf(out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE)) < 0;
	json_object_put(root);
	return rc || ferror(out) ? -1 : 0;
}

/* ---- plots (gnuplot) ---------------------------------------------------------- */

/* Text inside a gnuplot single-quoted string: '' stands for a quote; no line breaks. */
static void gp_escaped(FILE *out, const char *s)
{
	for (; *s; s++)
		fputs(*s == '\'' ? "''" : (*s == '\n' || *s == '\r') ? " " : (char[]){ *s, 0 }, out);
}

static void gp_quoted(FILE *out, const char *s)
{
	fputc('\'', out);
	gp_escaped(out, s);
	fputc('\'', out);
}

/* Plottable: a positive real time (log scale). */
static bool plottable(const struct compare_cell *c)
{
	return c->state == CELL_OK && c->time_ns > 0;
}

static int run_gnuplot(const char *dir, const char *script, char *err, size_t errlen)
{
	pid_t pid = fork();
	int status;

	if (pid < 0) {
		snprintf(err, errlen, "cannot start gnuplot: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (chdir(dir) == 0)
			execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		snprintf(err, errlen, "waiting for gnuplot: %s", strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		snprintf(err, errlen, "gnuplot not found (install gnuplot-nox; scripts/deps does)");
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(err, errlen, "gnuplot failed on %s/%s (its message is above)", dir, script);
		return -1;
	}
	return 0;
}

static int plot_group(const struct compare_table *t, int grp, const char *dir,
		      char *err, size_t errlen)
{
	const char *gname = compare_group_names[grp];
	bool *shown = calloc(t->file_count, sizeof(bool));
	char data_name[64], script_name[64], *path = NULL;
	size_t rows = 0, files = 0;
	FILE *f;
	int rc = -1;

	if (!shown) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t r = 0; r < t->row_count; r++) {
		if (group_index(t->rows[r].group) != grp)
			continue;
		rows++;
		for (size_t i = 0; i < t->file_count; i++)
			shown[i] |= plottable(&t->rows[r].cells[i]);
	}
	for (size_t i = 0; i < t->file_count; i++)
		files += shown[i];
	if (!files) {
		fprintf(stderr, "vmprobe compare: no %s benchmark has a real time in any file; "
			"no %s plot\n", gname, gname);
		free(shown);
		return 0;
	}
	snprintf(data_name, sizeof(data_name), "compare-%s.dat", gname);
	snprintf(script_name, sizeof(script_name), "compare-%s.gp", gname);

	/* Data: name, then median, CI low, CI high per shown file; '?' where there is none. */
	if (asprintf(&path, "%s/%s", dir, data_name) < 0 || !(f = fopen(path, "w"))) {
		snprintf(err, errlen, "%s/%s: cannot write: %s", dir, data_name, strerror(errno));
		goto out;
	}
	for (size_t r = 0; r < t->row_count; r++) {
		if (group_index(t->rows[r].group) != grp)
			continue;
		fputs(t->rows[r].name, f);
		for (size_t i = 0; i < t->file_count; i++) {
			const struct compare_cell *c = &t->rows[r].cells[i];

			if (!shown[i])
				continue;
			if (!plottable(c)) {
				fputs("\t?\t?\t?", f);
				continue;
			}
			fprintf(f, "\t%.9g\t%.9g\t%.9g", c->time_ns,
				c->time_ci_low > 0 ? c->time_ci_low : c->time_ns,
				c->time_ci_high > 0 ? c->time_ci_high : c->time_ns);
		}
		fputc('\n', f);
	}
	if (fclose(f)) {
		snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno));
		goto out;
	}
	free(path);
	path = NULL;

	if (asprintf(&path, "%s/%s", dir, script_name) < 0 || !(f = fopen(path, "w"))) {
		snprintf(err, errlen, "%s/%s: cannot write: %s", dir, script_name, strerror(errno));
		goto out;
	}
	int width = (int)(320 + rows * (36 + 22 * files));

	width = width < 800 ? 800 : width > 3000 ? 3000 : width;
	fprintf(f, "# Generated by vmprobe compare; rerun with: gnuplot %s\n", script_name);
	fprintf(f, "set datafile separator \"\\t\"\nset datafile missing '?'\n"
		"set style data histograms\nset style histogram errorbars gap 1 lw 1\n"
		"set style fill solid 0.75 border -1\nset boxwidth 0.9\nset logscale y\n"
		"set grid ytics mytics\nset xtics rotate by 30 right noenhanced nomirror\n"
		"set key outside right top noenhanced\nset bmargin 7\n"
		"set ylabel 'median time per op, ns (log scale)'\n");
	fprintf(f, "set title 'vmprobe compare: %s benchmarks (error bars: CI of the median)' "
		"noenhanced\n", gname);
	if (files < t->file_count) {
		/* Say who is missing, rather than let a reader think they were forgotten. */
		fprintf(f, "set label 1 at screen 0.01,0.03 noenhanced font ',9' 'not shown (no real-time figure in this group):");
		for (size_t i = 0; i < t->file_count; i++)
			if (!shown[i]) {
				fputc(' ', f);
				gp_escaped(f, t->files[i].label);
			}
		fprintf(f, "'\n");
	}
	fprintf(f, "set terminal svg size %d,560 dynamic background '#ffffff' font 'sans,12'\n"
		"set output 'compare-%s.svg'\n", width, gname);
	fprintf(f, "plot ");
	for (size_t i = 0, col = 2; i < t->file_count; i++) {
		if (!shown[i])
			continue;
		fprintf(f, "%s'%s' using %zu:%zu:%zu%s title ", col > 2 ? ", " : "", data_name, col,
			col + 1, col + 2, col == 2 ? ":xtic(1)" : "");
		gp_quoted(f, t->files[i].label);
		col += 3;
	}
	fprintf(f, "\n");
	/* The same plot again as PNG. */
	fprintf(f, "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
		"  set terminal pngcairo size %d,560 background '#ffffff' font 'sans,10'\n"
		"} else {\n  set terminal png size %d,560\n}\n"
		"set output 'compare-%s.png'\nreplot\nset output\n", width, width, gname);
	if (fclose(f)) {
		snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno));
		goto out;
	}
	rc = run_gnuplot(dir, script_name, err, errlen);
out:
	free(path);
	free(shown);
	return rc;
}

int compare_plot(const struct compare_table *t, const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(dir, 0777) && errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot create: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		return -1;
	}
	for (int grp = 0; grp < COMPARE_GROUPS; grp++)
		if (plot_group(t, grp, dir, err, errlen))
			return -1;
	return 0;
}

/* ---- the command ------------------------------------------------------------- */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vmprobe compare BASE.json [OTHER.json...] [--format table|markdown|csv|json]\n"
		"                       [--plot DIR] [--alpha A] [--output FILE]\n"
		"  One row per benchmark, one column group per file (VMM); ratios and the\n"
		"  Mann-Whitney U test against BASE; geometric means of the ratios per group.\n"
		"  --format F    output format (default table)\n"
		"  --plot DIR    bar charts per group into DIR (SVG and PNG, through gnuplot)\n"
		"  --alpha A     significance level, 0 < A < 1 (default %g)\n"
		"  --output FILE write there instead of standard output\n"
		"exit status: 0 ok, %d usage, %d a result file is unreadable or invalid,\n"
		"             %d writing the output or the plots failed\n",
		COMPARE_DEFAULT_ALPHA, COMPARE_EXIT_USAGE, COMPARE_EXIT_INPUT, COMPARE_EXIT_OUTPUT);
}

enum out_format { OUT_TABLE, OUT_MARKDOWN, OUT_CSV, OUT_JSON };

static int write_output(const struct compare_table *t, enum out_format fmt, FILE *out)
{
	switch (fmt) {
	case OUT_TABLE:
		return compare_write_table(t, out, false);
	case OUT_MARKDOWN:
		return compare_write_table(t, out, true);
	case OUT_CSV:
		return compare_write_csv(t, out);
	case OUT_JSON:
		return compare_write_json(t, out);
	}
	return -1;
}

/* Same file under two names counts as given twice. */
static int check_distinct(char **paths, int n)
{
	struct stat si, sj;

	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++) {
			bool same = !strcmp(paths[i], paths[j]) ||
				    (!stat(paths[i], &si) && !stat(paths[j], &sj) &&
				     si.st_dev == sj.st_dev && si.st_ino == sj.st_ino);

			if (same) {
				fprintf(stderr, "vmprobe compare: %s: given twice (also as %s)\n",
					paths[i], paths[j]);
				return -1;
			}
		}
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "plot", required_argument, NULL, 'p' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum out_format fmt = OUT_TABLE;
	const char *plot_dir = NULL, *output = NULL;
	double alpha = COMPARE_DEFAULT_ALPHA;
	struct rio_result *files = NULL;
	struct compare_table table;
	char err[RIO_ERR_LEN], *end;
	int opt, nfiles, loaded = 0, rc = 0;

	optind = 0;	/* glibc: start afresh, whatever parsed argv before us */
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (!strcmp(optarg, "table"))
				fmt = OUT_TABLE;
			else if (!strcmp(optarg, "markdown"))
				fmt = OUT_MARKDOWN;
			else if (!strcmp(optarg, "csv"))
				fmt = OUT_CSV;
			else if (!strcmp(optarg, "json"))
				fmt = OUT_JSON;
			else {
				fprintf(stderr, "vmprobe compare: --format %s: not one of table, markdown, "
					"csv, json\n", optarg);
				return COMPARE_EXIT_USAGE;
			}
			break;
		case 'p':
			plot_dir = optarg;
			break;
		case 'a':
			errno = 0;
			alpha = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(alpha > 0 && alpha < 1)) {
				fprintf(stderr, "vmprobe compare: --alpha %s: not a number between 0 and 1 "
					"(exclusive)\n", optarg);
				return COMPARE_EXIT_USAGE;
			}
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "vmprobe compare: %s needs a value\n", argv[optind - 1]);
			usage(stderr);
			return COMPARE_EXIT_USAGE;
		default:
			fprintf(stderr, "vmprobe compare: unknown option %s\n", argv[optind - 1]);
			usage(stderr);
			return COMPARE_EXIT_USAGE;
		}
	}
	nfiles = argc - optind;
	if (nfiles < 1) {
		fprintf(stderr, "vmprobe compare: no result files given\n");
		usage(stderr);
		return COMPARE_EXIT_USAGE;
	}
	if (check_distinct(argv + optind, nfiles))
		return COMPARE_EXIT_USAGE;

	files = calloc((size_t)nfiles, sizeof(*files));
	if (!files) {
		fprintf(stderr, "vmprobe compare: out of memory\n");
		return COMPARE_EXIT_INPUT;
	}
	for (; loaded < nfiles; loaded++)
		if (rio_load(argv[optind + loaded], &files[loaded], err, sizeof(err))) {
			fprintf(stderr, "vmprobe compare: %s\n", err);
			rc = COMPARE_EXIT_INPUT;
			goto out;
		}
	if (compare_build(files, (size_t)nfiles, alpha, &table, err, sizeof(err))) {
		fprintf(stderr, "vmprobe compare: %s\n", err);
		rc = COMPARE_EXIT_INPUT;
		goto out;
	}

	FILE *out = stdout;
	char *tmp = NULL;

	/* --output: write beside the target, then rename, so a failure leaves no half file. */
	if (output && (asprintf(&tmp, "%s.tmp.%d", output, (int)getpid()) < 0 ||
		       !(out = fopen(tmp, "w")))) {
		fprintf(stderr, "vmprobe compare: %s: cannot write: %s\n", output, strerror(errno));
		free(tmp);
		rc = COMPARE_EXIT_OUTPUT;
		goto out_table;
	}
	int wrc = write_output(&table, fmt, out);

	if (output) {
		wrc |= fclose(out);
		if (!wrc && rename(tmp, output))
			wrc = -1;
		if (wrc)
			unlink(tmp);
		free(tmp);
	} else {
		wrc |= fflush(out);
	}
	if (wrc) {
		fprintf(stderr, "vmprobe compare: writing %s failed: %s\n",
			output ? output : "standard output", strerror(errno));
		rc = COMPARE_EXIT_OUTPUT;
	}
	if (plot_dir && compare_plot(&table, plot_dir, err, sizeof(err))) {
		fprintf(stderr, "vmprobe compare: --plot: %s\n", err);
		rc = COMPARE_EXIT_OUTPUT;
	}
out_table:
	compare_free(&table);
out:
	for (int i = 0; i < loaded; i++)
		rio_free(&files[i]);
	free(files);
	return rc;
}
