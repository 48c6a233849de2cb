// SPDX-License-Identifier: GPL-2.0
/* Formatting shared by the compare renderers (text, CSV, JSON, plots). */
#include <math.h>
#include <stdio.h>

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
		int decimals = mag == 0 ? 0 : 3 - (int)floor(log10(mag));

		snprintf(buf, len, "%.*f", decimals < 0 ? 0 : decimals, v);
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
