// SPDX-License-Identifier: GPL-2.0
/* Formatting shared by the compare renderers (text, CSV, JSON, plots). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_fork.h"
#include "compare_render.h"

/* Four significant digits, no exponent in the range timings live in. */
const char *compare_fmt_num(double v, char *buf, size_t len)
{
	double mag = fabs(v);

	if (isnan(v))
		snprintf(buf, len, "—");
	else if (mag != 0 && (mag < 1e-3 || mag >= 1e12))
		snprintf(buf, len, "%.3e", v);
	else {
		int exponent = mag == 0 ? 0 : (int)floor(log10(mag));
		int decimals;

		/* 0.99996 rounds up to 1.000, not to 1.0000: five digits. */
		if (mag != 0 && round(mag * pow(10, 3 - exponent)) >= 1e4)
			exponent++;
		decimals = 3 - exponent;
		snprintf(buf, len, "%.*f", decimals < 0 ? 0 : decimals, v);
	}
	return buf;
}

const char *compare_fmt_time(double ns, char *buf, size_t len)
{
	static const struct { double scale; const char *unit; } units[] = {
		{ 1e9, "s" }, { 1e6, "ms" }, { 1e3, "us" }, { 1, "ns" },
	};
	const size_t n = sizeof(units) / sizeof(units[0]);
	char num[48];

	if (isnan(ns)) {
		snprintf(buf, len, "—");
		return buf;
	}
	for (size_t k = 0; k < n; k++)
		if (fabs(ns) >= units[k].scale || k == n - 1) {
			snprintf(buf, len, "%s%s", compare_fmt_num(ns / units[k].scale, num, sizeof(num)),
				 units[k].unit);
			break;
		}
	return buf;
}

const char *compare_state_name(enum compare_state s)
{
	static const char *const names[] = { "ok", "skipped", "failed", "missing" };

	return names[s];
}

bool compare_file_has(const struct compare_table *t, size_t file, size_t offset)
{
	for (size_t r = 0; r < t->row_count; r++) {
		const double *v = (const double *)((const char *)&t->rows[r].cells[file] + offset);

		if (!isnan(*v))
			return true;
	}
	return false;
}

bool compare_file_has_separation(const struct compare_table *t, size_t file)
{
	for (size_t r = 0; r < t->row_count; r++)
		if (t->rows[r].cells[file].separation_method)
			return true;
	return false;
}

bool compare_cell_flagged(const struct compare_cell *c)
{
	return c->state == CELL_OK && (c->odd_boot || !isnan(c->linearity) || !isnan(c->undisturbed) ||
				       c->modes_boots);
}

bool compare_file_has_flags(const struct compare_table *t, size_t file)
{
	for (size_t r = 0; r < t->row_count; r++)
		if (compare_cell_flagged(&t->rows[r].cells[file]))
			return true;
	return false;
}

bool compare_file_has_exits(const struct compare_table *t, size_t file)
{
	for (size_t r = 0; r < t->row_count; r++)
		if (t->rows[r].cells[file].exits)
			return true;
	return false;
}

bool compare_file_has_exit_share(const struct compare_table *t, size_t file)
{
	for (size_t r = 0; r < t->row_count; r++) {
		const struct rio_exits *e = t->rows[r].cells[file].exits;

		if (e && !isnan(e->time_share))
			return true;
	}
	return false;
}

const char *compare_exit_reasons(const struct rio_exits *e, size_t max, char *buf, size_t len)
{
	size_t used = 0;
	char num[48];

	buf[0] = '\0';
	for (size_t k = 0; e && k < e->reason_count && k < max && used < len; k++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s %s", k ? ", " : "",
					 e->reasons[k].name,
					 compare_fmt_num(e->reasons[k].per_op, num, sizeof(num)));
	if (!buf[0])
		snprintf(buf, len, "—");
	return buf;
}

const char *compare_exits_note(const struct compare_table *t, size_t file, char *buf, size_t len)
{
	const char *source = NULL;

	buf[0] = '\0';
	for (size_t r = 0; r < t->row_count && !source; r++)
		if (t->rows[r].cells[file].exits)
			source = t->rows[r].cells[file].exits->source;
	if (!source)
		return buf;
	/* Counts and time are different quantities: say which one each figure is. */
	snprintf(buf, len, "%s: VM exits counted by the host (%s), per op; %s", t->files[file].label,
		 source, compare_file_has_exit_share(t, file)
		 ? "\"exit time\" is the share of the row's time spent in exits, where measured (— where not)"
		 : "the time spent in exits was not measured: exit figures are counts only");
	return buf;
}

size_t compare_text_width(const char *s)
{
	size_t w = 0;

	for (; s && *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

size_t compare_note_number(struct compare_notes *n, const char *label, const char *reason)
{
	char *s = NULL, **grown;

	if (asprintf(&s, "%s: %s", label, reason ? reason : "no reason given") < 0)
		return 0;
	for (size_t i = 0; i < n->count; i++)
		if (!strcmp(n->text[i], s)) {
			free(s);
			return i + 1;
		}
	grown = realloc(n->text, (n->count + 1) * sizeof(char *));
	if (!grown) {
		free(s);
		return 0;
	}
	n->text = grown;
	n->text[n->count++] = s;
	return n->count;
}

void compare_notes_free(struct compare_notes *n)
{
	for (size_t k = 0; k < n->count; k++)
		free(n->text[k]);
	free(n->text);
	n->text = NULL;
	n->count = 0;
}

const char *compare_fork_note(const struct compare_table *t, char *buf, size_t len)
{
	size_t used;
	bool any = false;

	used = (size_t)snprintf(buf, len, "fork per MiB of parent (least-squares slope of fork-exit-wait"
				" and fork-parent-N on the parent's touched MiB, %g%% CI):",
				100 * COMPARE_CI_LEVEL);
	for (size_t i = 0; i < t->file_count && used < len; i++) {
		struct compare_slope s;
		char a[48], lo[48], hi[48];

		if (compare_fork_slope(t, i, &s))
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s %s %s/MiB [%s, %s] (%zu boot%s, %zu rows)",
					 any ? ";" : "", t->files[i].label,
					 compare_fmt_time(s.ns_per_mib, a, sizeof(a)),
					 compare_fmt_time(s.ci_low, lo, sizeof(lo)),
					 compare_fmt_time(s.ci_high, hi, sizeof(hi)), s.boots,
					 s.boots == 1 ? "" : "s", s.points);
		any = true;
	}
	return any ? buf : NULL;
}

const char *compare_cell_flags(const struct compare_cell *c, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = 0;
	if (c->odd_boot && c->boot) {
		char odd[48], lo[48], hi[48];
		double min = INFINITY, max = -INFINITY;
		bool ns = !isnan(c->boot[0].ns);

		for (size_t k = 0; k < c->boots; k++) {
			double v = ns ? c->boot[k].ns : c->boot[k].ticks;

			if (c->boot[k].index + 1 == c->odd_boot) {
				if (ns)
					compare_fmt_time(v, odd, sizeof(odd));
				else
					compare_fmt_num(v, odd, sizeof(odd));
				continue;
			}
			min = fmin(min, v);
			max = fmax(max, v);
		}
		if (ns) {
			compare_fmt_time(min, lo, sizeof(lo));
			compare_fmt_time(max, hi, sizeof(hi));
		} else {
			compare_fmt_num(min, lo, sizeof(lo));
			compare_fmt_num(max, hi, sizeof(hi));
		}
		at += (size_t)snprintf(buf + at, len - at, "boot %zu at %s, boots %.3gx apart (others %s%s%s)",
				       c->odd_boot, odd, c->boot_spread, lo,
				       min == max ? "" : " to ", min == max ? "" : hi);
	}
	if (!isnan(c->linearity) && at < len)
		at += (size_t)snprintf(buf + at, len - at, "%slinearity %.3g in boot %zu",
				       at ? "; " : "", c->linearity, c->linearity_boot);
	if (!isnan(c->undisturbed) && at < len)
		at += (size_t)snprintf(buf + at, len - at, "%sundisturbed median %.3gx the median in boot %zu",
				       at ? "; " : "", c->undisturbed, c->undisturbed_boot);
	for (size_t k = 0; c->modes_boots && k < c->boots && at < len; k++) {
		const struct compare_boot *b = &c->boot[k];

		if (!b->modes.count)
			continue;
		at += (size_t)snprintf(buf + at, len - at, "%s%zu modes in boot %zu:", at ? "; " : "",
				       b->modes.count, b->index + 1);
		for (size_t m = 0; m < b->modes.count && at < len; m++) {
			char v[48];

			if (isnan(b->mode_ns[m]))
				compare_fmt_num(b->modes.median[m], v, sizeof(v));
			else
				compare_fmt_time(b->mode_ns[m], v, sizeof(v));
			at += (size_t)snprintf(buf + at, len - at, "%s %s %.0f%%", m ? "," : "", v,
					       100 * b->modes.share[m]);
		}
	}
	return buf;
}
