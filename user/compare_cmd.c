// SPDX-License-Identifier: GPL-2.0
/* The `vmprobe compare` command: options, loading the files, output, plots. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compare_render.h"
#include "util.h"

enum { OPT_FORMAT = 256, OPT_PLOT, OPT_ALPHA, OPT_OUTPUT, OPT_WIDE, OPT_METRIC, OPT_HELP };

/* The one list of compare's options: getopt_long's array, the usage and `vmprobe help compare` come from it. */
const struct cli_opt compare_options[] = {
	{ "format", required_argument, OPT_FORMAT, "F",
	  "table (default), markdown, csv or json; markdown, csv and json keep every column", { 0 } },
	{ "metric", required_argument, OPT_METRIC, "M",
	  "what the table's cells show: time (default), cycles, instructions or exits", { 0 } },
	{ "wide", no_argument, OPT_WIDE, NULL,
	  "every column of every file (time, ticks, IPC, ratio CI and verdict, flags, outside share, exits)", { 0 } },
	{ "plot", required_argument, OPT_PLOT, "DIR",
	  "a heatmap and bar charts into DIR (SVG and PNG, through gnuplot)", { 0 } },
	{ "alpha", required_argument, OPT_ALPHA, "A", "false-discovery rate within a column, 0 < A < 1 (default %g)", { COMPARE_DEFAULT_ALPHA } },
	{ "output", required_argument, OPT_OUTPUT, "FILE", "write there instead of standard output", { 0 } },
	{ "help", no_argument, OPT_HELP, NULL, "this text", { 0 } },
	{ NULL, 0, 0, NULL, NULL, { 0 } },
};

void compare_usage(FILE *out)
{
	fprintf(out,
		"usage: vmprobe compare BASE.json [OTHER.json...] [options]\n"
		"  One row per benchmark, one column per file (VMM): the base's figure, the\n"
		"  others' ratio to it with its interval (over boots), geometric means per group.\n"
		"  The table fits COLUMNS (80 when not a terminal); colour on a terminal\n"
		"  unless NO_COLOR is set.\n");
	cli_print_options(out, compare_options);
	fprintf(out, "exit status: 0 ok, %d usage, %d a result file is unreadable or invalid,\n"
		"             %d writing the output or the plots failed\n",
		COMPARE_EXIT_USAGE, COMPARE_EXIT_INPUT, COMPARE_EXIT_OUTPUT);
}

/* COLUMNS when set to a number, else the terminal's width, else 80. */
static int screen_width(FILE *out)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	char *end;
	long v;

	if (env && *env) {
		errno = 0;
		v = strtol(env, &end, 10);
		if (!errno && !*end && v > 0 && v < 100000)
			return (int)v;
	}
	if (isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* https://no-color.org: NO_COLOR set and not empty turns colour off. */
static bool want_colour(FILE *out)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	return isatty(fileno(out)) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
}

enum out_format { OUT_TABLE, OUT_MARKDOWN, OUT_CSV, OUT_JSON };

static int write_output(const struct compare_table *t, enum out_format fmt, bool wide,
			const struct compare_view *view, FILE *out)
{
	switch (fmt) {
	case OUT_TABLE:
		return wide ? compare_write_table(t, out, false) : compare_write_screen(t, out, view);
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
				util_error("compare", "%s: given twice (also as %s)",
					paths[i], paths[j]);
				return -1;
			}
		}
	return 0;
}

/* What compare's options asked for. */
struct compare_args {
	struct compare_view view;
	bool wide;
	enum out_format fmt;
	const char *plot_dir, *output;
	double alpha;
};

/* The options into a; -1 to go on, else the exit status (0 after --help). */
static int parse_args(int argc, char **argv, struct compare_args *a)
{
	struct option longopts[sizeof(compare_options) / sizeof(compare_options[0])];
	char *end;
	int opt;

	cli_longopts(compare_options, longopts);
	optind = 0;	/* glibc: start afresh, whatever parsed argv before us */
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_FORMAT:
			if (!strcmp(optarg, "table"))
				a->fmt = OUT_TABLE;
			else if (!strcmp(optarg, "markdown"))
				a->fmt = OUT_MARKDOWN;
			else if (!strcmp(optarg, "csv"))
				a->fmt = OUT_CSV;
			else if (!strcmp(optarg, "json"))
				a->fmt = OUT_JSON;
			else {
				util_error("compare", "--format %s: not one of table, markdown, "
					"csv, json", optarg);
				return COMPARE_EXIT_USAGE;
			}
			break;
		case OPT_METRIC: {
			static const char *const names[] = { "time", "cycles", "instructions", "exits" };
			size_t k = 0;

			while (k < 4 && strcmp(optarg, names[k]))
				k++;
			if (k == 4) {
				util_error("compare", "--metric %s: not one of time, cycles, "
					"instructions, exits", optarg);
				return COMPARE_EXIT_USAGE;
			}
			a->view.metric = (enum compare_metric)k;
			break;
		}
		case OPT_WIDE:
			a->wide = true;
			break;
		case OPT_PLOT:
			a->plot_dir = optarg;
			break;
		case OPT_ALPHA:
			errno = 0;
			a->alpha = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(a->alpha > 0 && a->alpha < 1)) {
				util_error("compare", "--alpha %s: not a number between 0 and 1 "
					"(exclusive)", optarg);
				return COMPARE_EXIT_USAGE;
			}
			break;
		case OPT_OUTPUT:
			a->output = optarg;
			break;
		case OPT_HELP:
		case 'h':
			compare_usage(stdout);
			return 0;
		case ':':
			util_error("compare", "%s needs a value", argv[optind - 1]);
			compare_usage(stderr);
			return COMPARE_EXIT_USAGE;
		default:
			util_error("compare", "unknown option %s", argv[optind - 1]);
			compare_usage(stderr);
			return COMPARE_EXIT_USAGE;
		}
	}
	return -1;
}

/* The table in the format asked for, to stdout or --output, and the plots; the exit status. */
static int write_all(const struct compare_table *t, struct compare_args *a, int nfiles)
{
	FILE *out = stdout;
	char *text = NULL, err[RIO_ERR_LEN];
	size_t text_len = 0;
	int rc = 0;

	/* --output: the whole text first, then written atomically (no half file on failure). */
	if (a->output && !(out = open_memstream(&text, &text_len))) {
		util_error("compare", "%s: cannot write: %s", a->output, strerror(errno));
		rc = COMPARE_EXIT_OUTPUT;
		return rc;
	}
	a->view.width = screen_width(out);
	a->view.colour = !a->output && want_colour(out);
	if (a->view.metric == METRIC_EXITS && a->fmt == OUT_TABLE && !a->wide) {
		bool any = false;

		for (int i = 0; i < nfiles; i++)
			any |= compare_file_has_exits(t, (size_t)i);
		if (!any)
			util_error("compare", "--metric exits: no file has VM exit counts "
				   "(a KVM host counts them: run-vmm kvm, kvm-nested)");
	}
	int wrc = write_output(t, a->fmt, a->wide, &a->view, out);

	if (a->output) {
		wrc |= fclose(out);
		if (!wrc && util_write_file_atomic(a->output, text, text_len, 0666, err, sizeof(err))) {
			util_error("compare", "%s", err);
			rc = COMPARE_EXIT_OUTPUT;
		} else if (wrc) {
			util_error("compare", "%s: out of memory", a->output);
			rc = COMPARE_EXIT_OUTPUT;
		}
		free(text);
	} else if (wrc | fflush(out)) {
		util_error("compare", "writing standard output failed: %s", strerror(errno));
		rc = COMPARE_EXIT_OUTPUT;
	}
	if (a->plot_dir && compare_plot(t, a->plot_dir, err, sizeof(err))) {
		util_error("compare", "--plot: %s", err);
		rc = COMPARE_EXIT_OUTPUT;
	}
	return rc;
}

int cmd_compare(int argc, char **argv)
{
	struct compare_args args = { .view = { .metric = METRIC_TIME }, .fmt = OUT_TABLE,
				     .alpha = COMPARE_DEFAULT_ALPHA };
	struct rio_result *files = NULL;
	struct compare_table table;
	char err[RIO_ERR_LEN];
	int nfiles, loaded = 0, rc;

	if ((rc = parse_args(argc, argv, &args)) >= 0)
		return rc;
	rc = 0;
	nfiles = argc - optind;
	if (nfiles < 1) {
		util_error("compare", "no result files given");
		compare_usage(stderr);
		return COMPARE_EXIT_USAGE;
	}
	if (check_distinct(argv + optind, nfiles))
		return COMPARE_EXIT_USAGE;

	files = calloc((size_t)nfiles, sizeof(*files));
	if (!files) {
		util_error("compare", "out of memory");
		return COMPARE_EXIT_INPUT;
	}
	for (; loaded < nfiles; loaded++)
		if (rio_load(argv[optind + loaded], &files[loaded], err, sizeof(err))) {
			util_error("compare", "%s", err);
			rc = COMPARE_EXIT_INPUT;
			goto out;
		}
	if (compare_build(files, (size_t)nfiles, args.alpha, &table, err, sizeof(err))) {
		util_error("compare", "%s", err);
		rc = COMPARE_EXIT_INPUT;
		goto out;
	}

	rc = write_all(&table, &args, nfiles);
	compare_free(&table);
out:
	for (int i = 0; i < loaded; i++)
		rio_free(&files[i]);
	free(files);
	return rc;
}
