/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to the compare renderers (compare_{render,text,csv,json,plot}.c). */
#ifndef VMPROBE_COMPARE_RENDER_H
#define VMPROBE_COMPARE_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "compare.h"

/* Display width: UTF-8 lead bytes only, so "—" and "…" count one column. */
size_t compare_text_width(const char *s);

/* Four significant digits, no exponent in the range timings live in; "—" for NAN. */
const char *compare_fmt_num(double v, char *buf, size_t len);
/* "179.4ns", "1.292us", "57.62ms", "4.131s": four significant digits and a unit; "—" for NAN. */
const char *compare_fmt_time(double ns, char *buf, size_t len);
/* "ok", "skipped", "failed", "missing". */
const char *compare_state_name(enum compare_state s);
/* Whether any row of FILE has a figure in the double at OFFSET of struct compare_cell. */
bool compare_file_has(const struct compare_table *t, size_t file, size_t offset);
bool compare_file_has_separation(const struct compare_table *t, size_t file);

/*
 * The cell's flags in words, "" when none: "boot 2 at 58.6us, 704x the
 * others (83.0ns to 83.3ns); linearity 0.38 in boot 1; undisturbed median
 * 0.66x the median in boot 3". Into buf; returns buf.
 */
const char *compare_cell_flags(const struct compare_cell *c, char *buf, size_t len);
/* Whether the cell has a flag (compare_cell_flags); whether any row of FILE has one. */
bool compare_cell_flagged(const struct compare_cell *c);
bool compare_file_has_flags(const struct compare_table *t, size_t file);
/* Whether any row of FILE has VM exit counts; whether any has the time share of its exits. */
bool compare_file_has_exits(const struct compare_table *t, size_t file);
bool compare_file_has_exit_share(const struct compare_table *t, size_t file);
/* The MAX most frequent exit reasons, "CPUID 1.000, HLT 0.0100"; "—" when none. */
const char *compare_exit_reasons(const struct rio_exits *e, size_t max, char *buf, size_t len);
/*
 * The sentence that says what FILE's exit figures are: counts per op from
 * SOURCE, and whether the time spent in exits was measured. Empty when the
 * file has no exits.
 */
const char *compare_exits_note(const struct compare_table *t, size_t file, char *buf, size_t len);

/*
 * "fork per MiB of parent: host 20.1us [18.0us, 22.3us] (3 boots, 4 rows); ...": each file's
 * compare_fork_slope, into buf; NULL when no file has the fork-by-size rows.
 */
const char *compare_fork_note(const struct compare_table *t, char *buf, size_t len);

/* Footnotes: each distinct "label: reason" gets one number, from 1. */
struct compare_notes {
	char **text;
	size_t count;
};

/* The number of "LABEL: REASON" (added when new); 0 when out of memory. */
size_t compare_note_number(struct compare_notes *n, const char *label, const char *reason);
void compare_notes_free(struct compare_notes *n);

/* compare_where.c (issue 19): where the time goes, seen from the VMM. */
bool compare_file_has_host(const struct compare_table *t, size_t file);
/* "31.2% (cpuid 28.1%, msr 2.0%)": exit time share and the TOP reasons by time; "—" when none. */
const char *compare_exit_time_text(const struct compare_cell *c, size_t top, char *buf, size_t len);
/* "12.3us, 4.1% sys": the VMM's host CPU per op and its system share; "—" when none. */
const char *compare_host_cpu_text(const struct compare_cell *c, char *buf, size_t len);
/* CSV: the field names (NULL-terminated) and one cell's fields, each after a comma. */
extern const char *const compare_where_csv_fields[];
void compare_where_csv_cells(FILE *out, const struct compare_cell *c);
/* JSON: "exit_time" and "vmm_host" added to the cell object O where the cell has them. */
struct json_object;
void compare_where_json(struct json_object *o, const struct compare_cell *c);
/* --plot: compare-where-LABEL-{exits,host}.{svg,png} for each file that has the figures. */
int compare_plot_where(const struct compare_table *t, const char *dir, char *err, size_t errlen);

#endif /* VMPROBE_COMPARE_RENDER_H */
