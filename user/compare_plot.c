// SPDX-License-Identifier: GPL-2.0
/*
 * `vmprobe compare --plot DIR`: gnuplot scripts, their data and their SVG
 * and PNG output. A heatmap of every row against every VMM (colour: the
 * log of the ratio to the base, the ratio printed in each cell), and bar
 * charts of time per op (median; over boots, the geometric mean of the
 * per-boot medians) in panels of related rows, each small
 * enough to read without zooming. The scripts stay in DIR: rerun gnuplot
 * on one to restyle it.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "compare_render.h"

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


/* ---- which panel a row belongs to --------------------------------------------- */

/*
 * A benchmark's panel is a field of its table entry (bench.h); result files
 * carry it per row, and compare_row.panel says how older files get one.
 */
#define PANELS bench_panels_len

static size_t panel_of(const struct compare_row *row)
{
	return bench_panel_index(row->panel);
}

static FILE *open_in(const char *dir, const char *name, char *err, size_t errlen)
{
	char *path = NULL;
	FILE *f = NULL;

	if (asprintf(&path, "%s/%s", dir, name) >= 0)
		f = fopen(path, "w");
	if (!f)
		snprintf(err, errlen, "%s/%s: cannot write: %s", dir, name, strerror(errno));
	free(path);
	return f;
}

static int close_in(FILE *f, const char *dir, const char *name, char *err, size_t errlen)
{
	if (ferror(f) | fclose(f)) {
		snprintf(err, errlen, "%s/%s: write failed: %s", dir, name, strerror(errno));
		return -1;
	}
	return 0;
}

/* SVG first (before the plot command), then the same plot again as PNG (pngcairo where gnuplot has it). */
static void gp_svg(FILE *f, const char *base, int width, int height)
{
	fprintf(f, "set terminal svg size %d,%d dynamic background '#ffffff' font 'sans,12'\n"
		"set output '%s.svg'\n", width, height, base);
}

static void gp_png(FILE *f, const char *base, int width, int height)
{
	fprintf(f, "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
		"  set terminal pngcairo size %d,%d background '#ffffff' font 'sans,12'\n"
		"} else {\n  set terminal png size %d,%d\n}\n"
		"set output '%s.png'\nreplot\nset output\n", width, height, width, height, base);
}

/* ---- bar charts, one per panel ------------------------------------------------ */

static int plot_panel(const struct compare_table *t, size_t pn, const char *dir,
		      char *err, size_t errlen)
{
	const struct bench_panel *pl = &bench_panels[pn];
	bool *shown = calloc(t->file_count, sizeof(bool));
	char data_name[96], script_name[96], base[64];
	size_t rows = 0, files = 0;
	FILE *f;
	int rc = -1;

	if (!shown) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t r = 0; r < t->row_count; r++) {
		if (panel_of(&t->rows[r]) != pn)
			continue;
		rows++;
		for (size_t i = 0; i < t->file_count; i++)
			shown[i] |= plottable(&t->rows[r].cells[i]);
	}
	for (size_t i = 0; i < t->file_count; i++)
		files += shown[i];
	if (!files) {
		/* Nothing to draw; say so only where the panel has rows at all. */
		if (rows)
			fprintf(stderr, "vmprobe compare: no %s row has a real time in any file; "
				"no compare-%s plot\n", pl->title, pl->id);
		free(shown);
		return 0;
	}
	snprintf(base, sizeof(base), "compare-%s", pl->id);
	snprintf(data_name, sizeof(data_name), "%s.dat", base);
	snprintf(script_name, sizeof(script_name), "%s.gp", base);

	/* Data: name, then median, CI low, CI high per shown file; '?' where there is none. */
	if (!(f = open_in(dir, data_name, err, errlen)))
		goto out;
	for (size_t r = 0; r < t->row_count; r++) {
		if (panel_of(&t->rows[r]) != pn)
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
	if (close_in(f, dir, data_name, err, errlen))
		goto out;

	if (!(f = open_in(dir, script_name, err, errlen)))
		goto out;
	/* Wide enough for every bar to be seen, never wider than a screen. */
	int width = (int)(240 + rows * (24 + 16 * files));

	width = width < 900 ? 900 : width > 1600 ? 1600 : width;
	fprintf(f, "# Generated by vmprobe compare; rerun with: gnuplot %s\n", script_name);
	fprintf(f, "set datafile separator \"\\t\"\nset datafile missing '?'\n"
		"set style data histograms\nset style histogram errorbars gap 1 lw 1\n"
		"set style fill solid 0.8 border -1\nset boxwidth 0.9\nset logscale y\n"
		"set format y '%%.0s%%cs'\nset grid ytics mytics\n"
		"set xtics rotate by 30 right noenhanced nomirror\n"
		"set key outside right top noenhanced\nset bmargin 7\n"
		"set ylabel 'time per op (log scale)'\n");
	fprintf(f, "set title 'vmprobe compare: %s (error bars: 95%% CI, t over boots; 1 boot: of the median)' noenhanced\n",
		pl->title);
	if (files < t->file_count) {
		/* Say who is missing, rather than let a reader think they were forgotten. */
		fprintf(f, "set label 1 at screen 0.01,0.03 noenhanced font ',10' 'not shown (no real-time figure in this panel):");
		for (size_t i = 0; i < t->file_count; i++)
			if (!shown[i]) {
				fputc(' ', f);
				gp_escaped(f, t->files[i].label);
			}
		fprintf(f, "'\n");
	}
	gp_svg(f, base, width, 600);
	fprintf(f, "plot ");
	for (size_t i = 0, col = 2; i < t->file_count; i++) {
		if (!shown[i])
			continue;
		/* lt by file, not by position: a VMM keeps its colour in every panel. */
		fprintf(f, "%s'%s' using ($%zu*1e-9):($%zu*1e-9):($%zu*1e-9)%s lt %zu title ",
			col > 2 ? ", " : "", data_name, col, col + 1, col + 2,
			col == 2 ? ":xtic(1)" : "", i + 1);
		gp_quoted(f, t->files[i].label);
		col += 3;
	}
	fprintf(f, "\n");
	gp_png(f, base, width, 600);
	if (close_in(f, dir, script_name, err, errlen))
		goto out;
	rc = run_gnuplot(dir, script_name, err, errlen);
out:
	free(shown);
	return rc;
}

/* ---- the heatmap -------------------------------------------------------------- */

/* Gnuplot's text for a ratio: four significant digits, as in the table. */
static void gp_ratio(FILE *f, double r)
{
	char num[48];

	fprintf(f, "%sx", compare_fmt_num(r, num, sizeof(num)));
}

/* A cell with a time but no ratio (the base has no figure for its row). */
static bool absolute_cell(const struct compare_cell *c)
{
	return c->state == CELL_OK && !(c->ratio > 0 && isfinite(c->ratio)) && c->time_ns > 0 &&
	       isfinite(c->time_ns);
}

/* The purple scale of absolute figures: S 0 (fastest) light to 1 (slowest) dark, as 0xRRGGBB. */
static int purple(double s)
{
	static const int light[3] = { 0xef, 0xed, 0xf5 }, dark[3] = { 0x54, 0x27, 0x8f };
	int rgb = 0;

	s = s < 0 ? 0 : s > 1 ? 1 : s;
	for (int k = 0; k < 3; k++)
		rgb = rgb << 8 | (int)lround(light[k] + s * (dark[k] - light[k]));
	return rgb;
}

/* The heatmap's rows and what its data files hold. */
struct heatmap {
	size_t *order;		/* row indexes: micro rows first, then macro */
	size_t macro_from;	/* the place of the first macro row; row_count: none */
	double most;		/* the largest |log10 ratio| */
	double abs_lo, abs_hi;	/* log10 range of the absolute (purple) figures */
	size_t cells, na, absolute;	/* cells with a ratio, without a figure, absolute */
};

/* The cells into the three data files: ratios (F), no figure (G), absolute times (A). */
static void heatmap_data(const struct compare_table *t, struct heatmap *h, FILE *f, FILE *g,
			 FILE *a)
{
	char num[48];

	/* The absolute figures' range, for their own colour scale. */
	for (size_t r = 0; r < t->row_count; r++)
		for (size_t i = 1; i < t->file_count; i++)
			if (absolute_cell(&t->rows[r].cells[i])) {
				h->abs_lo = fmin(h->abs_lo, log10(t->rows[r].cells[i].time_ns));
				h->abs_hi = fmax(h->abs_hi, log10(t->rows[r].cells[i].time_ns));
			}
	/* x = file (from 0, the base left out), y = the row's place; the value is log10 of
	   the ratio, the label the ratio itself. */
	for (size_t y = 0; y < t->row_count; y++) {
		size_t r = h->order[y];

		for (size_t i = 1; i < t->file_count; i++) {
			const struct compare_cell *c = &t->rows[r].cells[i];

			if (c->ratio > 0 && isfinite(c->ratio)) {
				double lr = log10(c->ratio);

				fprintf(f, "%zu\t%zu\t%.9g\t", i - 1, y, lr);
				gp_ratio(f, c->ratio);
				fprintf(f, "%s\n", c->tested && !c->significant ? " (ns)" : "");
				h->most = fabs(lr) > h->most ? fabs(lr) : h->most;
				h->cells++;
			} else if (absolute_cell(c)) {
				/* The base has no figure: the VMM's own time, on its own (purple) scale. */
				double s = h->abs_hi > h->abs_lo ? (log10(c->time_ns) - h->abs_lo) / (h->abs_hi - h->abs_lo) : 0.5;

				fprintf(a, "%zu\t%zu\t%s\t%d\t%d\n", i - 1, y,
					compare_fmt_time(c->time_ns, num, sizeof(num)), purple(s), s > 0.55);
				h->absolute++;
			} else {
				fprintf(g, "%zu\t%zu\t%s\n", i - 1, y,
					c->state == CELL_OK ? "no ratio" : compare_state_name(c->state));
				h->na++;
			}
		}
	}
}

/* The gnuplot script: colour scale, labels, the macro line, the three layers. */
static void heatmap_script(FILE *f, const struct compare_table *t, const struct heatmap *h,
			   const char *const names[4])
{
	const char *data_name = names[0], *na_name = names[1], *abs_name = names[2],
		   *script_name = names[3];
	size_t cols = t->file_count - 1;
	char num[48], num2[48];

	/* A symmetric colour range (white: the base's time), to the next half decade of the
	   largest ratio so that the colours use the whole scale; tics at whole decades. */
	double range = ceil(2 * h->most) / 2;
	int decades;

	range = range < 1 ? 1 : range;
	decades = (int)floor(range);
	int height = (int)(170 + 26 * t->row_count);

	fprintf(f, "# Generated by vmprobe compare; rerun with: gnuplot %s\n", script_name);
	fprintf(f, "set datafile separator \"\\t\"\n"
		"set title 'vmprobe compare: time per op relative to %s (%s = 1x)' noenhanced\n",
		t->files[0].label, t->files[0].label);
	fprintf(f, "set label 1 at screen 0.01,0.012 noenhanced font ',10' "
		"'number: the ratio; (ns): its interval holds 1 (alpha %g); purple: time per op where "
		"%s has no figure (its own scale, light %s to dark %s); grey: not run or skipped'\n",
		t->alpha, t->files[0].label,
		h->absolute ? compare_fmt_time(pow(10, h->abs_lo), num, sizeof(num)) : "-",
		h->absolute ? compare_fmt_time(pow(10, h->abs_hi), num2, sizeof(num2)) : "-");
	fprintf(f, "set xrange [-0.5:%zu.5]\nset yrange [%zu.5:-0.5]\n", cols - 1, t->row_count - 1);
	fprintf(f, "set x2tics scale 0 noenhanced font ',13' (");
	for (size_t i = 1; i < t->file_count; i++) {
		fprintf(f, "%s", i > 1 ? ", " : "");
		gp_quoted(f, t->files[i].label);
		fprintf(f, " %zu", i - 1);
	}
	fprintf(f, ")\nunset xtics\nset x2range [-0.5:%zu.5]\n", cols - 1);
	/* Row labels carry the base's own figure, so a ratio can be read back into time. */
	fprintf(f, "set ytics scale 0 noenhanced font ',12' (");
	for (size_t y = 0; y < t->row_count; y++) {
		const struct compare_cell *b = &t->rows[h->order[y]].cells[0];
		char label[160];

		snprintf(label, sizeof(label), "%s  %s", t->rows[h->order[y]].name,
			 b->state == CELL_OK && !isnan(b->time_ns) ?
			 compare_fmt_time(b->time_ns, num, sizeof(num)) : "(no base)");
		fprintf(f, "%s", y ? ", " : "");
		gp_quoted(f, label);
		fprintf(f, " %zu", y);
	}
	fprintf(f, ")\n");
	fprintf(f, "set cbrange [-%g:%g]\nset cbtics (", range, range);
	for (int d = -decades; d <= decades; d++)
		fprintf(f, "%s'%gx' %d", d > -decades ? ", " : "", pow(10, d), d);
	fprintf(f, ")\nset cblabel 'ratio to %s (log scale): blue faster, red slower' noenhanced\n",
		t->files[0].label);
	fprintf(f, "set palette defined (0 '#2166ac', 0.25 '#92c5de', 0.5 '#f7f7f7', "
		"0.75 '#f4a582', 1 '#b2182b')\n");
	fprintf(f, "set lmargin 30\nset bmargin 3\nset tmargin 5\nset border 0\nunset key\n");
	if (h->macro_from > 0 && h->macro_from < t->row_count)
		fprintf(f, "set arrow 1 from -0.5,%zu.5 to %zu.5,%zu.5 nohead front lw 3 lc rgb '#000000'\n",
			h->macro_from - 1, cols - 1, h->macro_from - 1);
	/* Dark cells get white numbers. */
	fprintf(f, "dark(v) = abs(v) > %g\n", 0.55 * range);
	gp_svg(f, "compare-heatmap", 1600, height);
	fprintf(f, "plot '%s' using 1:2:(0.5):(0.5):3 with boxxyerror fc palette fs solid 1.0 "
		"border lc rgb '#ffffff', \\\n"
		"     '' using 1:2:(dark($3) ? '' : stringcolumn(4)) with labels font ',12' tc rgb '#000000', \\\n"
		"     '' using 1:2:(dark($3) ? stringcolumn(4) : '') with labels font ',12' tc rgb '#ffffff'",
		data_name);
	if (h->absolute)
		fprintf(f, ", \\\n     '%s' using 1:2:(0.5):(0.5):4 with boxxyerror fc rgb variable "
			"fs solid 1.0 border lc rgb '#ffffff', \\\n"
			"     '' using 1:2:($5 > 0 ? '' : stringcolumn(3)) with labels font ',12' tc rgb '#000000', \\\n"
			"     '' using 1:2:($5 > 0 ? stringcolumn(3) : '') with labels font ',12' tc rgb '#ffffff'",
			abs_name);
	if (h->na)
		fprintf(f, ", \\\n     '%s' using 1:2:(0.5):(0.5) with boxxyerror fc rgb '#e0e0e0' "
			"fs solid 1.0 border lc rgb '#ffffff', \\\n"
			"     '' using 1:2:3 with labels font ',11' tc rgb '#707070'", na_name);
	fprintf(f, "\n");
	gp_png(f, "compare-heatmap", 1600, height);
}

static int plot_heatmap(const struct compare_table *t, const char *dir, char *err, size_t errlen)
{
	static const char *const names[4] = { "compare-heatmap.dat", "compare-heatmap-na.dat",
					       "compare-heatmap-abs.dat", "compare-heatmap.gp" };
	const char *data_name = names[0], *na_name = names[1], *abs_name = names[2],
		   *script_name = names[3];
	struct heatmap hm = { .macro_from = t->row_count, .abs_lo = INFINITY, .abs_hi = -INFINITY };
	size_t cols = t->file_count - 1;
	FILE *f, *g, *a;

	if (cols == 0)
		return 0;	/* only the base: no ratio to show */
	if (!(f = open_in(dir, data_name, err, errlen)))
		return -1;
	if (!(g = open_in(dir, na_name, err, errlen))) {
		fclose(f);
		return -1;
	}
	if (!(a = open_in(dir, abs_name, err, errlen))) {
		fclose(f);
		fclose(g);
		return -1;
	}
	/* Micro rows first, then macro (a file may add a micro row after the base's macro rows). */
	size_t k = 0;

	hm.order = malloc((t->row_count ? t->row_count : 1) * sizeof(size_t));
	if (!hm.order) {
		fclose(f);
		fclose(g);
		fclose(a);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int macro = 0; macro < 2; macro++)
		for (size_t r = 0; r < t->row_count; r++)
			if ((strcmp(t->rows[r].group, "macro") == 0) == macro) {
				if (macro && hm.macro_from == t->row_count)
					hm.macro_from = k;
				hm.order[k++] = r;
			}
	heatmap_data(t, &hm, f, g, a);
	if (close_in(f, dir, data_name, err, errlen) | close_in(g, dir, na_name, err, errlen) |
	    close_in(a, dir, abs_name, err, errlen))
		goto fail;
	if (!hm.cells) {
		fprintf(stderr, "vmprobe compare: no row has a ratio to the base; no heatmap\n");
		free(hm.order);
		return 0;
	}

	if (!(f = open_in(dir, script_name, err, errlen)))
		goto fail;
	heatmap_script(f, t, &hm, names);
	free(hm.order);
	if (close_in(f, dir, script_name, err, errlen))
		return -1;
	return run_gnuplot(dir, script_name, err, errlen);
fail:
	free(hm.order);
	return -1;
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
	if (plot_heatmap(t, dir, err, errlen))
		return -1;
	for (size_t p = 0; p < PANELS; p++)
		if (plot_panel(t, p, dir, err, errlen))
			return -1;
	return compare_plot_where(t, dir, err, errlen);
}
