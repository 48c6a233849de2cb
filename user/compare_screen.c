// SPDX-License-Identifier: GPL-2.0
/*
 * `vmprobe compare`'s default view: one column per VMM, sized to the
 * terminal. The base column holds its absolute figure, the others their
 * ratio to it with a one-character significance mark. Columns that do not
 * fit the width go to a further block (the benchmark names repeated), so a
 * number is never cut; long names are abbreviated with "…".
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_machine.h"
#include "compare_render.h"

enum tint { TINT_NONE, TINT_SLOWER, TINT_FASTER };

struct scell {
	char *text;
	enum tint tint;
};

struct sgrid {
	struct scell *cell;
	size_t rows, cols, cap;
};

static int srow(struct sgrid *g)
{
	if (g->rows == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 32;
		struct scell *grown = realloc(g->cell, cap * g->cols * sizeof(*grown));

		if (!grown)
			return -1;
		g->cell = grown;
		g->cap = cap;
	}
	memset(&g->cell[g->rows * g->cols], 0, g->cols * sizeof(*g->cell));
	g->rows++;
	return 0;
}

static void sset(struct sgrid *g, size_t col, enum tint tint, const char *fmt, ...)
{
	struct scell *c = &g->cell[(g->rows - 1) * g->cols + col];
	va_list ap;

	free(c->text);
	va_start(ap, fmt);
	if (vasprintf(&c->text, fmt, ap) < 0)
		c->text = NULL;
	va_end(ap);
	c->tint = tint;
}

static void sfree(struct sgrid *g)
{
	for (size_t i = 0; i < g->rows * g->cols; i++)
		free(g->cell[i].text);
	free(g->cell);
}

/* The figure of METRIC for a cell, NAN when it has none. */
static double metric_value(const struct compare_table *t, size_t file, const struct compare_cell *c,
			   enum compare_metric m)
{
	if (c->state != CELL_OK)
		return NAN;
	switch (m) {
	case METRIC_TIME:
		return c->time_ns;
	case METRIC_CYCLES:
		return rio_ticks_are_instructions(&t->files[file]) ? NAN : c->ticks;
	case METRIC_INSTRUCTIONS:
		/* The PMU's count, else an instruction clock's ticks (icount, Bochs), which are one. */
		if (!isnan(c->instructions))
			return c->instructions;
		return rio_ticks_are_instructions(&t->files[file]) ? c->ticks : NAN;
	case METRIC_EXITS:
		return c->exits ? c->exits->per_op : NAN;
	}
	return NAN;
}

static const char *metric_unit(enum compare_metric m)
{
	static const char *const units[] = { "", "cyc", "instr", "exits" };

	return units[m];
}

static const char *fmt_abs(double v, enum compare_metric m, char *buf, size_t len)
{
	char num[48];

	if (m == METRIC_TIME)
		return compare_fmt_time(v, buf, len);
	snprintf(buf, len, "%s %s", compare_fmt_num(v, num, sizeof(num)), metric_unit(m));
	return buf;
}

/* Columns: 0 the benchmark, 1..files one per file, then exit columns of files that have exits. */
struct splan {
	size_t *exit_col, *share_col;	/* per file; 0 when the file has none */
	size_t *host_col;		/* per file: host CPU per op (issue 19); 0 when none */
	size_t cols;
};

static int plan(const struct compare_table *t, const struct compare_view *v, struct splan *p)
{
	size_t next = 1 + t->file_count;

	p->exit_col = calloc(t->file_count, sizeof(size_t));
	p->share_col = calloc(t->file_count, sizeof(size_t));
	p->host_col = calloc(t->file_count, sizeof(size_t));
	if (!p->exit_col || !p->share_col || !p->host_col)
		return -1;
	for (size_t i = 0; i < t->file_count; i++) {
		/* With --metric exits the file's own column already holds its exits. */
		if (v->metric != METRIC_EXITS && compare_file_has_exits(t, i))
			p->exit_col[i] = next++;
		if (compare_file_has_exit_share(t, i))
			p->share_col[i] = next++;
		if (compare_file_has_host(t, i))
			p->host_col[i] = next++;
	}
	p->cols = next;
	return 0;
}

static void header(const struct compare_table *t, const struct compare_view *v,
		   const struct splan *p, struct sgrid *g)
{
	static const char *const what[] = { "time", "cycles", "instr", "exits/op" };

	sset(g, 0, TINT_NONE, "benchmark");
	for (size_t i = 0; i < t->file_count; i++) {
		const char *label = t->files[i].label;

		if (i == 0 || v->metric == METRIC_EXITS)
			sset(g, 1 + i, TINT_NONE, "%s %s", label, what[v->metric]);
		else
			sset(g, 1 + i, TINT_NONE, "%s ratio", label);
		if (p->exit_col[i])
			sset(g, p->exit_col[i], TINT_NONE, "%s exits/op", label);
		if (p->share_col[i])
			sset(g, p->share_col[i], TINT_NONE, "%s exit time", label);
		if (p->host_col[i])
			sset(g, p->host_col[i], TINT_NONE, "%s host CPU/op", label);
	}
}

/* "1.000 CPUID": exits per op and the most frequent reason. */
static void exits_cell(struct sgrid *g, size_t col, const struct rio_exits *e)
{
	char num[48];

	if (!e)
		sset(g, col, TINT_NONE, "—");
	else if (e->reason_count && e->reasons[0].per_op > 0)
		sset(g, col, TINT_NONE, "%s %s", compare_fmt_num(e->per_op, num, sizeof(num)),
		     e->reasons[0].name);
	else
		sset(g, col, TINT_NONE, "%s", compare_fmt_num(e->per_op, num, sizeof(num)));
}

/* The footnote that says a cell's flags. */
static size_t flag_note(const struct compare_table *t, size_t i, const struct compare_cell *c,
			struct compare_notes *notes)
{
	char text[512];

	return compare_note_number(notes, t->files[i].label, compare_cell_flags(c, text, sizeof(text)));
}

static void file_cell(const struct compare_table *t, const struct compare_view *v, size_t r,
		      size_t i, struct sgrid *g, struct compare_notes *notes, bool *absolute_shown)
{
	const struct compare_cell *c = &t->rows[r].cells[i], *base = &t->rows[r].cells[0];
	double val = metric_value(t, i, c, v->metric), bval = metric_value(t, 0, base, v->metric);
	char a[64], num[48];

	if (c->state != CELL_OK) {
		static const char *const shown[] = { "ok", "skip", "fail", "—" };

		sset(g, 1 + i, TINT_NONE, "%s[%zu]", shown[c->state],
		     compare_note_number(notes, t->files[i].label, c->reason));
		return;
	}
	if (v->metric == METRIC_EXITS) {
		exits_cell(g, 1 + i, c->exits);
		return;
	}
	if (i == 0) {
		char flag[32] = "";

		if (compare_cell_flagged(c) && v->metric == METRIC_TIME)
			snprintf(flag, sizeof(flag), "[%zu]", flag_note(t, i, c, notes));
		sset(g, 1, TINT_NONE, "%s%s", isnan(val) ? "—" : fmt_abs(val, v->metric, a, sizeof(a)),
		     flag);
		return;
	}
	if (v->metric == METRIC_TIME && !isnan(c->ratio)) {
		enum tint tint = !c->significant ? TINT_NONE :
				 c->ratio > 1 ? TINT_SLOWER : c->ratio < 1 ? TINT_FASTER : TINT_NONE;

		char flag[32] = "";

		if (compare_cell_flagged(c))
			snprintf(flag, sizeof(flag), "[%zu]", flag_note(t, i, c, notes));
		sset(g, 1 + i, tint, "%sx%s%s%s", compare_fmt_num(c->ratio, num, sizeof(num)),
		     c->tested ? (c->significant ? "*" : " ") : "?",
		     compare_basis_label(c) ? "~" : "", flag);
		return;
	}
	if (v->metric != METRIC_TIME && val >= 0 && bval > 0) {
		sset(g, 1 + i, TINT_NONE, "%sx ", compare_fmt_num(val / bval, num, sizeof(num)));
		return;
	}
	if (!isnan(val)) {
		/* No ratio (the base has no figure): the absolute figure, with its unit. */
		sset(g, 1 + i, TINT_NONE, "%s ", fmt_abs(val, v->metric, a, sizeof(a)));
		*absolute_shown = true;
		return;
	}
	if (v->metric == METRIC_TIME && c->ratio_note)
		sset(g, 1 + i, TINT_NONE, "—[%zu]", compare_note_number(notes, t->files[i].label, c->ratio_note));
	else
		sset(g, 1 + i, TINT_NONE, "— ");
}

static void print_cell(FILE *out, const struct scell *c, size_t w, bool left, bool colour)
{
	const char *s = c->text ? c->text : "";
	size_t pad = w > compare_text_width(s) ? w - compare_text_width(s) : 0;
	const char *on = c->tint == TINT_SLOWER ? "\033[31m" : c->tint == TINT_FASTER ? "\033[32m" : NULL;

	if (!left)
		fprintf(out, "%*s", (int)pad, "");
	if (colour && on)
		fprintf(out, "%s%s\033[0m", on, s);
	else
		fputs(s, out);
	if (left)
		fprintf(out, "%*s", (int)pad, "");
}

/*
 * NAME shortened to W columns with "…" (names are ASCII; the ellipsis is one
 * column). A size at the end ("read-file-1048576") is kept whole and the
 * middle goes instead: "read-f…1048576", never a cut number.
 */
static void print_name(FILE *out, const char *name, size_t w)
{
	size_t len = compare_text_width(name);
	const char *dash = strrchr(name, '-');
	size_t tail = dash && dash[1] && strspn(dash + 1, "0123456789") == strlen(dash + 1)
		      ? strlen(dash + 1) : 0;

	if (len <= w) {
		fprintf(out, "%s%*s", name, (int)(w - len), "");
		return;
	}
	if (tail && tail + 4 <= w)
		fprintf(out, "%.*s…%s", (int)(w - 1 - tail), name, name + len - tail);
	else
		fprintf(out, "%.*s…", (int)(w - 1), name);
}

/* Words of TEXT on lines of at most WIDTH columns, continuation lines indented by INDENT. */
static void print_wrapped(FILE *out, const char *text, size_t width, size_t indent)
{
	size_t col = 0;

	while (*text) {
		size_t len = strcspn(text, " "), w = 0;

		for (size_t k = 0; k < len; k++)
			w += ((unsigned char)text[k] & 0xc0) != 0x80;
		if (col && col + 1 + w > width) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col) {
			fputc(' ', out);
			col++;
		}
		/* A word longer than a line (a path) is split at the width: words hold no figures. */
		while (col + w > width && width > col + 1) {
			size_t room = width - col, k = 0, cols = 0;

			while (k < len && (cols < room || ((unsigned char)text[k] & 0xc0) == 0x80))
				cols += ((unsigned char)text[k++] & 0xc0) != 0x80;
			fwrite(text, 1, k, out);
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
			text += k;
			len -= k;
			w -= cols;
		}
		fwrite(text, 1, len, out);
		col += w;
		text += len;
		while (*text == ' ')
			text++;
	}
	fputc('\n', out);
}

/* One grid line per row: its name, then each file's cell and side columns. */
static int fill_rows(const struct compare_table *t, const struct compare_view *v,
		     const struct splan *pp, struct sgrid *gp, struct compare_notes *notesp,
		     bool *absolute_shown)
{
	for (size_t r = 0; r < t->row_count; r++) {
		if (srow(gp))
			return -1;
		sset(gp, 0, TINT_NONE, "%s%s", t->rows[r].name, t->rows[r].base_traps ? " †" : "");
		for (size_t i = 0; i < t->file_count; i++) {
			const struct compare_cell *c = &t->rows[r].cells[i];
			char num[48];

			file_cell(t, v, r, i, gp, notesp, absolute_shown);
			if (pp->exit_col[i])
				exits_cell(gp, pp->exit_col[i], c->state == CELL_OK ? c->exits : NULL);
			if (pp->host_col[i])
				sset(gp, pp->host_col[i], TINT_NONE, "%s",
				     compare_host_cpu_text(c, num, sizeof(num)));
			/* The share and its top reason by time where measured: "35.1% (cpuid 33.4%)". */
			if (pp->share_col[i])
				sset(gp, pp->share_col[i], TINT_NONE, "%s",
				     compare_exit_time_text(c, 1, num, sizeof(num)));
		}
	}
	return 0;
}

/* The geometric means, one line per group (time ratios only); *any set when there is one. */
static int fill_geomeans(const struct compare_table *t, const struct compare_view *v,
			 struct sgrid *gp, struct compare_notes *notes_p, bool *any_geomean)
{
	char buf[4096];

	for (int grp = 0; v->metric == METRIC_TIME && grp < COMPARE_GROUPS && t->file_count > 1;
	     grp++) {
		if (srow(gp))
			return -1;
		sset(gp, 0, TINT_NONE, "geomean %s", compare_group_names[grp]);
		for (size_t i = 1; i < t->file_count; i++) {
			const struct compare_geomean *gm = &t->geomeans[grp * t->file_count + i];
			char num[48];

			if (gm->rows)	/* ‡: mixes two machines, said below */
				sset(gp, 1 + i, TINT_NONE, "%sx%s", compare_fmt_num(gm->ratio, num, sizeof(num)),
				     compare_machine_differs(&t->files[0], &t->files[i], buf, sizeof(buf))
				     ? "‡" : " ");
			else
				sset(gp, 1 + i, TINT_NONE, "—[%zu]", compare_note_number(notes_p,
					t->files[i].label, "no geomean: no row of this group that every file has"));
			*any_geomean = true;
		}
	}
	return 0;
}

/*
 * Each column's width into w (g->cols of them); *name_w the names' width,
 * shrunk to leave room for the widest figure column.
 */
static void column_widths(const struct sgrid *gp, size_t width, size_t *w, size_t *name_w)
{
	for (size_t r = 0; r < gp->rows; r++)
		for (size_t c = 0; c < gp->cols; c++)
			if (compare_text_width(gp->cell[r * gp->cols + c].text) > w[c])
				w[c] = compare_text_width(gp->cell[r * gp->cols + c].text);

	/* Names shrink to leave room for the widest figure column, never below 4 columns
	   (below that the line may pass the width: a figure is never cut). */
	*name_w = w[0];
	{
		size_t widest = 0;

		for (size_t c = 1; c < gp->cols; c++)
			widest = w[c] > widest ? w[c] : widest;
		if (*name_w + 2 + widest > width)
			*name_w = width > widest + 2 + 4 ? width - widest - 2 : 4;
		if (*name_w > w[0])
			*name_w = w[0];
	}
}

/* The grid in blocks of figure columns that fit the width, each led by the names. */
static int print_blocks(FILE *out, const struct sgrid *gp, const size_t *w, size_t name_w,
			size_t width, bool colour)
{
	for (size_t first = 1; first < gp->cols;) {
		size_t last = first, used = name_w + 2 + w[first];

		while (last + 1 < gp->cols && used + 2 + w[last + 1] <= width)
			used += 2 + w[++last];
		if (first > 1)
			fputc('\n', out);
		for (size_t r = 0; r < gp->rows; r++) {
			char *line = NULL;
			size_t len = 0;
			FILE *m = open_memstream(&line, &len);

			if (!m)
				return -1;
			print_name(m, gp->cell[r * gp->cols].text ? gp->cell[r * gp->cols].text : "", name_w);
			for (size_t c = first; c <= last; c++) {
				fputs("  ", m);
				print_cell(m, &gp->cell[r * gp->cols + c], w[c], false, colour && r > 0);
			}
			if (fclose(m)) {
				free(line);
				return -1;
			}
			while (len && line[len - 1] == ' ')	/* no trailing blanks */
				len--;
			fprintf(out, "%.*s\n", (int)len, line);
			free(line);
		}
		first = last + 1;
	}
	return 0;
}

/* What the cells are, and the marks in them. */
static void print_legend(FILE *out, const struct compare_table *t, const struct compare_view *v,
			 size_t width, bool absolute_shown, bool any_geomean)
{
	char buf[4096];

	if (v->metric == METRIC_EXITS) {
		snprintf(buf, sizeof(buf), "Cells: VM exits per op counted by the host, with the most "
			 "frequent reason; — where the file has no exit counts.");
	} else {
		static const char *const what[] = {
			"time per op (the median; over boots, the geometric mean of the per-boot medians)",
			"TSC cycles per op (likewise)", "instructions per op", "" };

		snprintf(buf, sizeof(buf), "Cells: %s of the base (%s, %s); for the others, their "
			 "ratio to it%s", what[v->metric], t->files[0].label, t->files[0].path,
			 v->metric == METRIC_TIME ? "; * differs from the base, ? not tested, ~ tested on "
			 "pooled samples (a file has 1 boot), [n] a footnote (flags: boots more than 2x "
			 "apart, linearity or undisturbed median off by more than 10%, samples in separate "
			 "modes)" : ".");
		if (v->metric == METRIC_TIME) {
			char legend[2048];

			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s: %s.",
				 v->colour ? "; red slower, green faster" : "",
				 compare_test_legend(t, legend, sizeof(legend)));
		}
	}
	print_wrapped(out, buf, width, 2);
	if (absolute_shown)
		print_wrapped(out, "A figure with a unit after it is absolute: the base has none for "
			      "that row.", width, 2);
	for (size_t i = 0; i < t->file_count; i++)
		if (compare_file_has_exits(t, i)) {
			print_wrapped(out, "exits/op: VM exits per op with the most frequent reason "
				      "(--wide: the top three, --format csv or json: all).", width, 2);
			break;
		}
	if (any_geomean)
		print_wrapped(out, "geomean: geometric mean of the ratios over the rows every file "
			      "has, without the rows the base traps (†) (--wide gives their number "
			      "and a CI over boots).", width, 2);
}

/* Each file's boots, machine and clock, then the footnotes. */
static void print_file_notes(FILE *out, const struct compare_table *t, const struct compare_view *v,
			     size_t width, const struct compare_notes *notesp)
{
	char buf[4096];

	for (size_t i = 0; i < t->file_count && v->metric == METRIC_TIME; i++)
		print_wrapped(out, compare_boots_note(t, i, buf, sizeof(buf)), width, 2);
	if (compare_fork_note(t, buf, sizeof(buf)))
		print_wrapped(out, buf, width, 2);
	for (size_t i = 0; i < t->file_count; i++) {
		char note[640];

		if (compare_machine_note(&t->files[0], &t->files[i], note, sizeof(note))) {
			snprintf(buf, sizeof(buf), "%s%s: %s", i && compare_machine_differs(&t->files[0],
				 &t->files[i], buf, sizeof(buf)) ? "‡ " : "", t->files[i].label, note);
			print_wrapped(out, buf, width, 2);
		}
		if (compare_machine_load_note(&t->files[i], NULL, note, sizeof(note))) {
			snprintf(buf, sizeof(buf), "%s: %s", t->files[i].label, note);
			print_wrapped(out, buf, width, 2);
		}
	}
	for (size_t i = 0; i < t->file_count; i++) {
		const struct rio_result *f = &t->files[i];
		const char *src = compare_time_source(f);

		snprintf(buf, sizeof(buf), "%s: clock %s, ticks count %s, time from %s", f->label,
			 f->clock_kind, rio_ticks_are_instructions(f) ? "guest instructions" : "TSC cycles",
			 src && !isnan(f->tsc_hz) ? src : "nowhere (no real clock)");
		print_wrapped(out, buf, width, 2);
		if (compare_exits_note(t, i, buf, sizeof(buf))[0])
			print_wrapped(out, buf, width, 2);
	}
	if (notesp->count)
		fputc('\n', out);
	for (size_t k = 0; k < notesp->count; k++) {
		snprintf(buf, sizeof(buf), "[%zu] %s", k + 1, notesp->text[k]);
		print_wrapped(out, buf, width, 4);
	}
}

int compare_write_screen(const struct compare_table *t, FILE *out, const struct compare_view *v)
{
	struct splan p = { 0 };
	struct sgrid g = { 0 };
	struct compare_notes notes = { 0 };
	size_t *w = NULL, name_w, width = v->width > 20 ? (size_t)v->width : 20;
	bool absolute_shown = false, any_geomean = false;
	int rc = -1;

	if (plan(t, v, &p))
		goto out;
	g.cols = p.cols;
	if (srow(&g))
		goto out;
	header(t, v, &p, &g);
	if (fill_rows(t, v, &p, &g, &notes, &absolute_shown) ||
	    fill_geomeans(t, v, &g, &notes, &any_geomean))
		goto out;
	w = calloc(g.cols, sizeof(size_t));
	if (!w)
		goto out;
	column_widths(&g, width, w, &name_w);
	if (print_blocks(out, &g, w, name_w, width, v->colour))
		goto out;
	fputc('\n', out);
	print_legend(out, t, v, width, absolute_shown, any_geomean);
	print_file_notes(out, t, v, width, &notes);
	rc = ferror(out) ? -1 : 0;
out:
	compare_notes_free(&notes);
	free(w);
	sfree(&g);
	free(p.exit_col);
	free(p.share_col);
	free(p.host_col);
	return rc;
}
