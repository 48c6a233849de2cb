// SPDX-License-Identifier: GPL-2.0
/* `vmprobe compare --format json`: the table as a "vmprobe-compare" document. */
#include <math.h>
#include <stdio.h>
#include <stdint.h>

#include <json-c/json.h>

#include "compare_fork.h"
#include "compare_machine.h"
#include "compare_render.h"

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

/* The per-boot medians and the cell's flags (null members when not raised). */
static struct json_object *flags_json(const struct compare_cell *c)
{
	struct json_object *o = json_object_new_object(), *boots = json_object_new_array();
	char text[512];

	for (size_t k = 0; k < c->boots && c->boot; k++) {
		struct json_object *b = json_object_new_object();

		json_object_object_add(b, "boot", json_object_new_int64((int64_t)c->boot[k].index + 1));
		json_object_object_add(b, "median_ns", num_or_null(c->boot[k].ns));
		json_object_object_add(b, "median_ticks", num_or_null(c->boot[k].ticks));
		json_object_object_add(b, "linearity", num_or_null(c->boot[k].linearity));
		json_object_object_add(b, "undisturbed_ratio", num_or_null(c->boot[k].undisturbed));
		if (c->boot[k].modes.count) {
			struct json_object *ms = json_object_new_array();

			for (size_t m = 0; m < c->boot[k].modes.count; m++) {
				struct json_object *mo = json_object_new_object();

				json_object_object_add(mo, "median_ns", num_or_null(c->boot[k].mode_ns[m]));
				json_object_object_add(mo, "median_ticks",
						       json_object_new_double(c->boot[k].modes.median[m]));
				json_object_object_add(mo, "share", json_object_new_double(c->boot[k].modes.share[m]));
				json_object_array_add(ms, mo);
			}
			json_object_object_add(b, "modes", ms);
		}
		json_object_array_add(boots, b);
	}
	json_object_object_add(o, "boots", boots);
	json_object_object_add(o, "text", json_object_new_string(compare_cell_flags(c, text, sizeof(text))));
	json_object_object_add(o, "odd_boot", c->odd_boot ? json_object_new_int64((int64_t)c->odd_boot) : NULL);
	json_object_object_add(o, "boot_spread", num_or_null(c->boot_spread));
	json_object_object_add(o, "linearity", num_or_null(c->linearity));
	json_object_object_add(o, "linearity_boot", isnan(c->linearity) ? NULL :
			       json_object_new_int64((int64_t)c->linearity_boot));
	json_object_object_add(o, "undisturbed_ratio", num_or_null(c->undisturbed));
	json_object_object_add(o, "undisturbed_boot", isnan(c->undisturbed) ? NULL :
			       json_object_new_int64((int64_t)c->undisturbed_boot));
	return o;
}

static struct json_object *cell_json(const struct compare_table *t, size_t i,
				     const struct compare_cell *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "status", json_object_new_string(compare_state_name(c->state)));
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
		json_object_object_add(o, "boots", json_object_new_int64((int64_t)c->boots));
		json_object_object_add(o, "test", str_or_null(compare_test_name(c->test)));
		json_object_object_add(o, "p", c->tested ? json_object_new_double(c->p) : NULL);
		json_object_object_add(o, "p_bh", c->tested ? json_object_new_double(c->p_adj) : NULL);
		json_object_object_add(o, "significant", json_object_new_boolean(c->significant));
		if (c->tested) {
			struct json_object *ci = json_object_new_object();

			json_object_object_add(ci, "low", num_or_null(c->ratio_ci_low));
			json_object_object_add(ci, "high", num_or_null(c->ratio_ci_high));
			json_object_object_add(ci, "level", num_or_null(c->ci_level));
			json_object_object_add(ci, "family", json_object_new_int64((int64_t)c->family));
			json_object_object_add(ci, "of", json_object_new_string(
				c->test == TEST_BOOTS ? "ratio of geometric means of per-boot medians"
						      : "Hodges-Lehmann shift of pooled samples"));
			json_object_object_add(o, "ratio_ci", ci);
			json_object_object_add(o, "separated", json_object_new_boolean(c->separated));
		}
		if (c->has_shift) {
			struct json_object *h = json_object_new_object();

			json_object_object_add(h, "ratio", json_object_new_double(c->shift.shift));
			json_object_object_add(h, "ci_low", json_object_new_double(c->shift.ci_low));
			json_object_object_add(h, "ci_high", json_object_new_double(c->shift.ci_high));
			json_object_object_add(h, "coverage", json_object_new_double(c->shift.coverage));
			json_object_object_add(o, "hodges_lehmann", h);
		}
		if (c->test == TEST_BOOTS) {
			struct json_object *w = json_object_new_object();

			json_object_object_add(w, "t", isfinite(c->welch.t) ? json_object_new_double(c->welch.t) : NULL);
			json_object_object_add(w, "df", json_object_new_double(c->welch.df));
			json_object_object_add(w, "p", json_object_new_double(c->welch.p));
			json_object_object_add(w, "boots_base", json_object_new_int64((int64_t)c->welch.n1));
			json_object_object_add(w, "boots", json_object_new_int64((int64_t)c->welch.n2));
			json_object_object_add(o, "welch_log_boot_medians", w);
		}
		if (c->test == TEST_SAMPLES) {
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
	json_object_object_add(o, "flags", flags_json(c));
	if (c->separation_method) {
		struct json_object *s = json_object_new_object();

		json_object_object_add(s, "method", json_object_new_string(c->separation_method));
		json_object_object_add(s, "outside_share", num_or_null(c->outside_share));
		json_object_object_add(o, "separation", s);
	}
	if (c->exits) {
		struct json_object *e = json_object_new_object(), *reasons = json_object_new_object();

		json_object_object_add(e, "per_op", json_object_new_double(c->exits->per_op));
		for (size_t k = 0; k < c->exits->reason_count; k++)
			json_object_object_add(reasons, c->exits->reasons[k].name,
					       json_object_new_double(c->exits->reasons[k].per_op));
		json_object_object_add(e, "reasons", reasons);
		json_object_object_add(e, "time_share", num_or_null(c->exits->time_share));
		json_object_object_add(e, "source", json_object_new_string(c->exits->source));
		json_object_object_add(o, "exits", e);
	}
	compare_where_json(o, c);
	return o;
}

/* Each file's fork cost per MiB of parent (compare_fork_slope), where it has the rows. */
static struct json_object *fork_slopes_json(const struct compare_table *t)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < t->file_count; i++) {
		struct compare_slope sl;
		struct json_object *o;

		if (compare_fork_slope(t, i, &sl))
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "label", json_object_new_string(t->files[i].label));
		json_object_object_add(o, "ns_per_mib", num_or_null(sl.ns_per_mib));
		json_object_object_add(o, "ci_low", num_or_null(sl.ci_low));
		json_object_object_add(o, "ci_high", num_or_null(sl.ci_high));
		json_object_object_add(o, "ns_at_zero_mib", num_or_null(sl.ns_at_zero));
		json_object_object_add(o, "boots", json_object_new_int64((int64_t)sl.boots));
		json_object_object_add(o, "rows", json_object_new_int64((int64_t)sl.points));
		json_object_array_add(a, o);
	}
	return a;
}

/* One entry per file that ran on a loaded host: its label, note, highest load and CPUs. */
static struct json_object *load_notes_json(const struct compare_table *t)
{
	struct json_object *notes = json_object_new_array();

	for (size_t i = 0; i < t->file_count; i++) {
		char note[512];
		double top;
		struct json_object *m;

		if (!compare_machine_load_note(&t->files[i], &top, note, sizeof(note)))
			continue;
		m = json_object_new_object();
		json_object_object_add(m, "label", json_object_new_string(t->files[i].label));
		json_object_object_add(m, "note", json_object_new_string(note));
		json_object_object_add(m, "load_max", num_or_null(top));
		json_object_object_add(m, "cpus", num_or_null(t->files[i].machine.online_cpus));
		json_object_array_add(notes, m);
	}
	return notes;
}

int compare_write_json(const struct compare_table *t, FILE *out)
{
	struct json_object *root = json_object_new_object(), *vmms = json_object_new_array();
	struct json_object *rows = json_object_new_array(), *geo = json_object_new_array();
	struct json_object *machine_notes = json_object_new_array();
	char note[640];
	int rc;

	json_object_object_add(root, "format", json_object_new_string("vmprobe-compare"));
	json_object_object_add(root, "format_version", json_object_new_int(1));
	json_object_object_add(root, "alpha", json_object_new_double(t->alpha));
	json_object_object_add(root, "tests", json_object_new_int64((int64_t)t->tests));
	json_object_object_add(root, "pooled_tests", json_object_new_int64((int64_t)t->pooled));
	json_object_object_add(root, "correction", json_object_new_string(
		"Benjamini-Hochberg within each column and basis; CI level 1 - R alpha / m"));
	json_object_object_add(root, "separated_factor", json_object_new_double(COMPARE_SEPARATED_FACTOR));
	json_object_object_add(root, "min_repetitions", json_object_new_int64((int64_t)t->min_reps));
	json_object_object_add(root, "base", json_object_new_string(t->files[0].label));
	for (size_t i = 0; i < t->file_count; i++) {
		const struct rio_result *f = &t->files[i];
		struct json_object *v = json_object_new_object();

		json_object_object_add(v, "label", json_object_new_string(f->label));
		json_object_object_add(v, "path", json_object_new_string(f->path));
		json_object_object_add(v, "clock_kind", json_object_new_string(f->clock_kind));
		json_object_object_add(v, "ticks_unit", json_object_new_string(compare_ticks_unit(f)));
		json_object_object_add(v, "partial", json_object_new_boolean(f->partial));
		json_object_object_add(v, "boots", json_object_new_int64((int64_t)rio_boot_count(f)));
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
		json_object_object_add(row, "panel", json_object_new_string(t->rows[r].panel));
		json_object_object_add(row, "base_traps", str_or_null(t->rows[r].base_traps));
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
			json_object_object_add(o, "ci_low", num_or_null(gm->ci_low));
			json_object_object_add(o, "ci_high", num_or_null(gm->ci_high));
			if (!gm->rows)
				json_object_object_add(o, "note", json_object_new_string(
					"no geomean: no row of this group that every file has"));
			json_object_object_add(o, "ci_method", gm->rows ? json_object_new_string(
				gm->ci_bootstrap ? "bootstrap (a file has 1 boot)" : "t over boots") : NULL);
			json_object_object_add(o, "base_trapped_rows_left_out",
					       json_object_new_int64((int64_t)gm->trapped));
			json_object_object_add(o, "other_machine", json_object_new_boolean(
				compare_machine_differs(&t->files[0], &t->files[i], note, sizeof(note))));
			json_object_array_add(geo, o);
		}
	json_object_object_add(root, "geomeans", geo);
	for (size_t i = 0; i < t->file_count; i++)
		if (compare_machine_note(&t->files[0], &t->files[i], note, sizeof(note))) {
			struct json_object *m = json_object_new_object();

			json_object_object_add(m, "label", json_object_new_string(t->files[i].label));
			json_object_object_add(m, "note", json_object_new_string(note));
			json_object_array_add(machine_notes, m);
		}
	json_object_object_add(root, "machine_notes", machine_notes);
	json_object_object_add(root, "load_notes", load_notes_json(t));
	json_object_object_add(root, "fork_per_mib", fork_slopes_json(t));
	rc = fprintf(out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE)) < 0;
	json_object_put(root);
	return rc || ferror(out) ? -1 : 0;
}
