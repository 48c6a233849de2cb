// SPDX-License-Identifier: GPL-2.0
/* `vmprobe compare` as an aligned text table or a Markdown pipe table. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_machine.h"
#include "compare_render.h"

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

static void grid_print(const struct grid *g, FILE *out, bool markdown)
{
	size_t *width = calloc(g->cols, sizeof(size_t));

	for (size_t r = 0; width && r < g->rows; r++)
		for (size_t c = 0; c < g->cols; c++) {
			size_t w = compare_text_width(g->cell[r * g->cols + c]);

			if (w > width[c])
				width[c] = w;
		}
	for (size_t r = 0; r < g->rows; r++) {
		for (size_t c = 0; c < g->cols; c++) {
			const char *s = g->cell[r * g->cols + c] ? g->cell[r * g->cols + c] : "";
			size_t pad = width ? width[c] - compare_text_width(s) : 0;

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

/* Which optional columns a file gets: only those with at least one figure. */
struct file_cols {
	bool instructions, ipc, separation, compared, exits, exit_share, flags, host;
	size_t first, count;
};

static void plan_columns(const struct compare_table *t, struct file_cols *fc, size_t *cols)
{
	size_t next = 1;	/* column 0: the benchmark */

	for (size_t i = 0; i < t->file_count; i++) {
		fc[i].instructions = compare_file_has(t, i, offsetof(struct compare_cell, instructions));
		fc[i].ipc = compare_file_has(t, i, offsetof(struct compare_cell, ipc));
		fc[i].separation = compare_file_has_separation(t, i);
		fc[i].compared = i > 0;
		fc[i].exits = compare_file_has_exits(t, i);
		fc[i].exit_share = compare_file_has_exit_share(t, i);
		fc[i].flags = compare_file_has_flags(t, i);
		fc[i].host = compare_file_has_host(t, i);
		fc[i].first = next;
		fc[i].count = 2 + fc[i].instructions + fc[i].ipc + 2 * fc[i].compared +
			      fc[i].separation + 2 * fc[i].exits + fc[i].exit_share + 2 * fc[i].host +
			      fc[i].flags;
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
		if (fc[i].exits) {
			grid_set(g, c++, "%s exits/op", label);
			grid_set(g, c++, "%s exit reasons/op", label);
		}
		if (fc[i].exit_share)
			grid_set(g, c++, "%s exit time", label);
		if (fc[i].host) {
			grid_set(g, c++, "%s host CPU/op", label);
			grid_set(g, c++, "%s host CPU/wall", label);
		}
		if (fc[i].flags)
			grid_set(g, c++, "%s flags", label);
	}
	if (t->qemu_file >= 0)
		grid_set(g, g->cols - 1, "qemu cycles/guest instr");
}

/* A tested cell's verdict for a table column: "yes [3.38, 3.45] 99.2% (boots)". */
static const char *fmt_verdict(const struct compare_cell *c, char *buf, size_t len)
{
	char lo[48], hi[48], p[48];

	if (!c->tested) {
		snprintf(buf, len, "%s", c->signif_note ? c->signif_note : "—");
		return buf;
	}
	compare_fmt_num(c->ratio_ci_low, lo, sizeof(lo));
	compare_fmt_num(c->ratio_ci_high, hi, sizeof(hi));
	compare_fmt_num(c->p_adj, p, sizeof(p));
	int at = snprintf(buf, len, "%s [%s, %s] %.4g%% (%s%s) q=%s", c->significant ? "yes" : "no",
			  lo, hi, 100 * c->ci_level, compare_test_name(c->test),
			  c->separated && !(c->ratio_ci_low > 1 || c->ratio_ci_high < 1) ?
			  ", every boot beyond 2x" : "", p);
	if (c->has_shift && at > 0 && (size_t)at < len) {
		/* Hodges-Lehmann's shift as a ratio, with Moses' interval (its own coverage). */
		compare_fmt_num(c->shift.shift, p, sizeof(p));
		compare_fmt_num(c->shift.ci_low, lo, sizeof(lo));
		compare_fmt_num(c->shift.ci_high, hi, sizeof(hi));
		snprintf(buf + at, len - (size_t)at, "; HL %sx [%s, %s] %.0f%%", p, lo, hi,
			 100 * c->shift.coverage);
	}
	return buf;
}

static void cell_columns(const struct compare_table *t, const struct file_cols *fc, size_t i,
			 const struct compare_cell *cell, struct grid *g, struct compare_notes *notes)
{
	size_t c = fc[i].first;
	char a[48], b[512];

	if (cell->state != CELL_OK) {
		grid_set(g, c, "%s [%zu]", compare_state_name(cell->state),
			 compare_note_number(notes, t->files[i].label, cell->reason));
		return;
	}
	grid_set(g, c++, "%s", compare_fmt_num(cell->time_ns, a, sizeof(a)));
	grid_set(g, c++, "%s", compare_fmt_num(cell->ticks, a, sizeof(a)));
	if (fc[i].instructions)
		grid_set(g, c++, "%s", compare_fmt_num(cell->instructions, a, sizeof(a)));
	if (fc[i].ipc)
		grid_set(g, c++, "%s", compare_fmt_num(cell->ipc, a, sizeof(a)));
	if (fc[i].compared) {
		if (isnan(cell->ratio))
			grid_set(g, c++, "— [%zu]", compare_note_number(notes, t->files[i].label,
								   cell->ratio_note));
		else
			grid_set(g, c++, "%sx", compare_fmt_num(cell->ratio, a, sizeof(a)));
		if (cell->tested)
			grid_set(g, c++, "%s", fmt_verdict(cell, b, sizeof(b)));
		else
			grid_set(g, c++, "%s", isnan(cell->ratio) ? "—" : cell->signif_note);
	}
	if (fc[i].separation) {
		if (cell->separation_method && !isnan(cell->outside_share))
			grid_set(g, c++, "%s%% %s", compare_fmt_num(100 * cell->outside_share, a, sizeof(a)),
				 cell->separation_method);
		else
			grid_set(g, c++, "%s", cell->separation_method ? cell->separation_method : "—");
	}
	if (fc[i].exits) {
		grid_set(g, c++, "%s", cell->exits ? compare_fmt_num(cell->exits->per_op, a, sizeof(a))
					       : "—");
		grid_set(g, c++, "%s", compare_exit_reasons(cell->exits, 3, b, sizeof(b)));
	}
	if (fc[i].exit_share)
		grid_set(g, c++, "%s", compare_exit_time_text(cell, 3, b, sizeof(b)));
	if (fc[i].host) {
		grid_set(g, c++, "%s", compare_host_cpu_text(cell, b, sizeof(b)));
		grid_set(g, c++, "%s", cell->vmm_host ? compare_fmt_num(cell->vmm_host->cpu_per_wall, a,
									sizeof(a)) : "—");
	}
	if (fc[i].flags)
		grid_set(g, c++, "%s", compare_cell_flagged(cell) ? compare_cell_flags(cell, b, sizeof(b)) : "");
}

int compare_write_table(const struct compare_table *t, FILE *out, bool markdown)
{
	struct file_cols *fc = calloc(t->file_count, sizeof(*fc));
	struct grid g = { 0 };
	struct compare_notes notes = { 0 };
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
		grid_set(&g, 0, "%s%s", row->name, row->base_traps ? " †" : "");
		for (size_t i = 0; i < t->file_count; i++)
			cell_columns(t, fc, i, &row->cells[i], &g, &notes);
		if (t->qemu_file >= 0)
			grid_set(&g, g.cols - 1, "%s", compare_fmt_num(row->cycles_per_guest_instr, a, sizeof(a)));
	}
	for (int grp = 0; grp < COMPARE_GROUPS && t->file_count > 1; grp++) {
		if (grid_add_row(&g))
			goto oom;
		grid_set(&g, 0, "geomean %s", compare_group_names[grp]);
		for (size_t i = 1; i < t->file_count; i++) {
			const struct compare_geomean *gm = &t->geomeans[grp * t->file_count + i];

			size_t ratio_col = fc[i].first + 2 + fc[i].instructions + fc[i].ipc;

			char lo[48], hi[48];

			if (gm->rows)
				grid_set(&g, ratio_col, "%sx [%s, %s] (%zu row%s)%s",
					 compare_fmt_num(gm->ratio, a, sizeof(a)),
					 compare_fmt_num(gm->ci_low, lo, sizeof(lo)),
					 compare_fmt_num(gm->ci_high, hi, sizeof(hi)), gm->rows,
					 gm->rows == 1 ? "" : "s",
					 compare_machine_differs(&t->files[0], &t->files[i], lo, sizeof(lo))
					 ? " ‡ another machine" : "");
			else
				grid_set(&g, ratio_col, "— (no rows)");
		}
	}
	grid_print(&g, out, markdown);

	{
		char legend[2048];

		fprintf(out, "\n%sbase: %s (%s); signif.: verdict, the ratio's CI at its level, the "
			"basis, and q (the Benjamini-Hochberg p); %s\n", markdown ? "- " : "",
			t->files[0].label, t->files[0].path, compare_test_legend(t, legend, sizeof(legend)));
		fprintf(out, "%sgeomean: over the rows every file has, without the rows the base "
			"traps (†), with a %g%% CI: Welch's t over the boots' mean log figures (a boot's "
			"effect is shared by every row), a bootstrap where a file has 1 boot\n",
			markdown ? "- " : "", 100 * COMPARE_CI_LEVEL);
		fprintf(out, "%sflags: per-boot medians more than %gx apart (the boot furthest out, "
			"with its figure), linearity T(2n)/2T(n) or the undisturbed median off by more "
			"than %g%% in a boot, a boot's samples in separate modes (sorted, a gap wider than "
			"%gx, each part >= 10%% of them: each mode's median and share)\n",
			markdown ? "- " : "", COMPARE_ODD_BOOT_FACTOR, 100 * COMPARE_LINEARITY_TOL,
			STATS_MODE_GAP);
		for (size_t i = 0; i < t->file_count; i++)
			fprintf(out, "%s%s\n", markdown ? "- " : "",
				compare_boots_note(t, i, legend, sizeof(legend)));
		if (compare_fork_note(t, legend, sizeof(legend)))
			fprintf(out, "%s%s\n", markdown ? "- " : "", legend);
		for (size_t i = 0; i < t->file_count; i++) {
			if (compare_machine_note(&t->files[0], &t->files[i], legend, sizeof(legend)))
				fprintf(out, "%s%s: %s\n", markdown ? "- " : "", t->files[i].label, legend);
			if (compare_machine_load_note(&t->files[i], NULL, legend, sizeof(legend)))
				fprintf(out, "%s%s: %s\n", markdown ? "- " : "", t->files[i].label, legend);
		}
	}
	for (size_t i = 0; i < t->file_count; i++) {
		const struct rio_result *f = &t->files[i];
		const char *src = compare_time_source(f);

		fprintf(out, "%s%s: clock %s, ticks count %s, time from %s\n", markdown ? "- " : "",
			f->label, f->clock_kind,
			rio_ticks_are_instructions(f) ? "guest instructions" : "TSC cycles",
			src && !isnan(f->tsc_hz) ? src : "nowhere (no real clock: not annotated or no tsc_hz)");
	}
	for (size_t i = 0; i < t->file_count; i++) {
		char note[512];

		if (compare_exits_note(t, i, note, sizeof(note))[0])
			fprintf(out, "%s%s\n", markdown ? "- " : "", note);
	}
	if (notes.count)
		fprintf(out, "\n");
	for (size_t k = 0; k < notes.count; k++)
		fprintf(out, "%s[%zu] %s\n", markdown ? "- " : "", k + 1, notes.text[k]);
	compare_notes_free(&notes);
	grid_free(&g);
	free(fc);
	return ferror(out) ? -1 : 0;
oom:
	grid_free(&g);
	free(fc);
	return -1;
}
