// SPDX-License-Identifier: GPL-2.0
/* `vmprobe compare --format csv`: every column of every file (RFC 4180). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_render.h"

/* A field after the first. */
static void csv_text(FILE *out, const char *s)
{
	fputc(',', out);
	util_csv_field(out, s);
}

/* A number field after the first, in the one CSV number format (util.c). */
static void csv_num(FILE *out, double v)
{
	fputc(',', out);
	util_csv_num(out, v);
}

static const char *const csv_fields[] = {
	"status", "reason", "time_ns", "time_ns_ci_low", "time_ns_ci_high", "time_source",
	"ticks", "ticks_unit", "instructions_per_op", "ipc", "ratio", "ratio_note", "u", "p",
	"p_method", "significant", "signif_note", "outside_share", "separation_method",
	"exits_per_op", "exit_reasons", "exits_time_share", "exits_source",
	"boots", "test", "p_bh", "shift", "shift_ci_low", "shift_ci_high", "shift_coverage",
	"base_traps", "ratio_ci_low", "ratio_ci_high", "ci_level", "separated", "flags",
};

/* Every reason, "NAME=PER_OP;..." most frequent first, numbers in the CSV number format. */
static void csv_reasons(FILE *out, const struct rio_exits *e)
{
	char *s = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&s, &len);

	for (size_t k = 0; m && e && k < e->reason_count; k++) {
		fprintf(m, "%s%s=", k ? ";" : "", e->reasons[k].name);
		util_csv_num(m, e->reasons[k].per_op);
	}
	if (m && !fclose(m))
		csv_text(out, s);	/* quoted if a reason name holds a comma or quote */
	else
		fputc(',', out);
	free(s);
}

/* The header line: every file's fields, then issue 19's, then the icount column. 0 or -1. */
static int csv_header(const struct compare_table *t, FILE *out)
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
	for (size_t i = 0; i < t->file_count; i++)	/* issue 19's fields after the others */
		for (const char *const *f = compare_where_csv_fields; *f; f++) {
			char *h = NULL;

			if (asprintf(&h, "%s.%s", t->files[i].label, *f) < 0)
				return -1;
			csv_text(out, h);
			free(h);
		}
	fputs(t->qemu_file >= 0 ? ",cycles_per_guest_instruction\n" : "\n", out);
	return 0;
}

/* File I's fields of ROW, each after a comma. */
static void csv_cell(const struct compare_table *t, const struct compare_row *row, size_t i,
		     FILE *out)
{
	const struct compare_cell *c = &row->cells[i];
	bool ok = c->state == CELL_OK;
	char flags[512];

	csv_text(out, compare_state_name(c->state));
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
	csv_num(out, c->test == TEST_SAMPLES ? c->mwu.u1 : NAN);
	csv_num(out, c->tested ? c->p : NAN);
	csv_text(out, c->test == TEST_SAMPLES ? signif_method_name(c->mwu.method)
					       : c->test == TEST_BOOTS ? "welch" : NULL);
	csv_text(out, c->tested ? (c->significant ? "yes" : "no") : NULL);
	csv_text(out, i && ok && !c->tested ? c->signif_note : NULL);
	csv_num(out, c->outside_share);
	csv_text(out, c->separation_method);
	csv_num(out, c->exits ? c->exits->per_op : NAN);
	csv_reasons(out, c->exits);
	csv_num(out, c->exits ? c->exits->time_share : NAN);
	csv_text(out, c->exits ? c->exits->source : NULL);
	if (ok)
		fprintf(out, ",%zu", c->boots);
	else
		fputc(',', out);
	csv_text(out, compare_test_name(c->test));
	csv_num(out, c->tested ? c->p_adj : NAN);
	csv_num(out, c->has_shift ? c->shift.shift : NAN);
	csv_num(out, c->has_shift ? c->shift.ci_low : NAN);
	csv_num(out, c->has_shift ? c->shift.ci_high : NAN);
	csv_num(out, c->has_shift ? c->shift.coverage : NAN);
	csv_text(out, i ? NULL : row->base_traps);
	csv_num(out, c->tested ? c->ratio_ci_low : NAN);
	csv_num(out, c->tested ? c->ratio_ci_high : NAN);
	csv_num(out, c->tested ? c->ci_level : NAN);
	csv_text(out, c->tested ? (c->separated ? "yes" : "no") : NULL);
	csv_text(out, ok ? compare_cell_flags(c, flags, sizeof(flags)) : NULL);
}

/* Geomean rows: status "geomean", the ratio in each file's ratio column. */
static void csv_geomeans(const struct compare_table *t, FILE *out)
{
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
					csv_text(out, gm->rows ? NULL : "no rows ok in every file");
				else if (!strcmp(csv_fields[k], "time_ns_ci_low") && i)
					csv_num(out, gm->ci_low);	/* the ratio's CI */
				else if (!strcmp(csv_fields[k], "time_ns_ci_high") && i)
					csv_num(out, gm->ci_high);
				else
					fputc(',', out);
			}
		}
		for (size_t i = 0; i < t->file_count; i++)
			for (const char *const *f = compare_where_csv_fields; *f; f++)
				fputc(',', out);
		if (t->qemu_file >= 0)
			fputc(',', out);
		fputc('\n', out);
	}
}

int compare_write_csv(const struct compare_table *t, FILE *out)
{
	if (csv_header(t, out))
		return -1;
	for (size_t r = 0; r < t->row_count; r++) {
		const struct compare_row *row = &t->rows[r];

		util_csv_field(out, row->name);
		csv_text(out, row->group);
		for (size_t i = 0; i < t->file_count; i++)
			csv_cell(t, row, i, out);
		for (size_t i = 0; i < t->file_count; i++)
			compare_where_csv_cells(out, &row->cells[i]);
		if (t->qemu_file >= 0)
			csv_num(out, row->cycles_per_guest_instr);
		fputc('\n', out);
	}
	csv_geomeans(t, out);
	return ferror(out) ? -1 : 0;
}
