/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to the compare renderers (compare_{render,text,csv,json,plot}.c). */
#ifndef VMPROBE_COMPARE_RENDER_H
#define VMPROBE_COMPARE_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "compare.h"

/* Four significant digits, no exponent in the range timings live in; "—" for NAN. */
const char *compare_fmt_num(double v, char *buf, size_t len);
/* "ok", "skipped", "failed", "missing". */
const char *compare_state_name(enum compare_state s);
/* Whether any row of FILE has a figure in the double at OFFSET of struct compare_cell. */
bool compare_file_has(const struct compare_table *t, size_t file, size_t offset);
bool compare_file_has_separation(const struct compare_table *t, size_t file);

#endif /* VMPROBE_COMPARE_RENDER_H */
