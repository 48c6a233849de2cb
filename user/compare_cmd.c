// SPDX-License-Identifier: GPL-2.0
/* The `vmprobe compare` command: options, loading the files, output, plots. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compare.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vmprobe compare BASE.json [OTHER.json...] [--format table|markdown|csv|json]\n"
		"                       [--plot DIR] [--alpha A] [--output FILE]\n"
		"  One row per benchmark, one column group per file (VMM); ratios and the\n"
		"  Mann-Whitney U test against BASE; geometric means of the ratios per group.\n"
		"  --format F    output format (default table)\n"
		"  --plot DIR    bar charts per group into DIR (SVG and PNG, through gnuplot)\n"
		"  --alpha A     significance level, 0 < A < 1 (default %g)\n"
		"  --output FILE write there instead of standard output\n"
		"exit status: 0 ok, %d usage, %d a result file is unreadable or invalid,\n"
		"             %d writing the output or the plots failed\n",
		COMPARE_DEFAULT_ALPHA, COMPARE_EXIT_USAGE, COMPARE_EXIT_INPUT, COMPARE_EXIT_OUTPUT);
}

enum out_format { OUT_TABLE, OUT_MARKDOWN, OUT_CSV, OUT_JSON };

static int write_output(const struct compare_table *t, enum out_format fmt, FILE *out)
{
	switch (fmt) {
	case OUT_TABLE:
		return compare_write_table(t, out, false);
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
				fprintf(stderr, "vmprobe compare: %s: given twice (also as %s)\n",
					paths[i], paths[j]);
				return -1;
			}
		}
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "plot", required_argument, NULL, 'p' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum out_format fmt = OUT_TABLE;
	const char *plot_dir = NULL, *output = NULL;
	double alpha = COMPARE_DEFAULT_ALPHA;
	struct rio_result *files = NULL;
	struct compare_table table;
	char err[RIO_ERR_LEN], *end;
	int opt, nfiles, loaded = 0, rc = 0;

	optind = 0;	/* glibc: start afresh, whatever parsed argv before us */
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (!strcmp(optarg, "table"))
				fmt = OUT_TABLE;
			else if (!strcmp(optarg, "markdown"))
				fmt = OUT_MARKDOWN;
			else if (!strcmp(optarg, "csv"))
				fmt = OUT_CSV;
			else if (!strcmp(optarg, "json"))
				fmt = OUT_JSON;
			else {
				fprintf(stderr, "vmprobe compare: --format %s: not one of table, markdown, "
					"csv, json\n", optarg);
				return COMPARE_EXIT_USAGE;
			}
			break;
		case 'p':
			plot_dir = optarg;
			break;
		case 'a':
			errno = 0;
			alpha = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(alpha > 0 && alpha < 1)) {
				fprintf(stderr, "vmprobe compare: --alpha %s: not a number between 0 and 1 "
					"(exclusive)\n", optarg);
				return COMPARE_EXIT_USAGE;
			}
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "vmprobe compare: %s needs a value\n", argv[optind - 1]);
			usage(stderr);
			return COMPARE_EXIT_USAGE;
		default:
			fprintf(stderr, "vmprobe compare: unknown option %s\n", argv[optind - 1]);
			usage(stderr);
			return COMPARE_EXIT_USAGE;
		}
	}
	nfiles = argc - optind;
	if (nfiles < 1) {
		fprintf(stderr, "vmprobe compare: no result files given\n");
		usage(stderr);
		return COMPARE_EXIT_USAGE;
	}
	if (check_distinct(argv + optind, nfiles))
		return COMPARE_EXIT_USAGE;

	files = calloc((size_t)nfiles, sizeof(*files));
	if (!files) {
		fprintf(stderr, "vmprobe compare: out of memory\n");
		return COMPARE_EXIT_INPUT;
	}
	for (; loaded < nfiles; loaded++)
		if (rio_load(argv[optind + loaded], &files[loaded], err, sizeof(err))) {
			fprintf(stderr, "vmprobe compare: %s\n", err);
			rc = COMPARE_EXIT_INPUT;
			goto out;
		}
	if (compare_build(files, (size_t)nfiles, alpha, &table, err, sizeof(err))) {
		fprintf(stderr, "vmprobe compare: %s\n", err);
		rc = COMPARE_EXIT_INPUT;
		goto out;
	}

	FILE *out = stdout;
	char *tmp = NULL;

	/* --output: write beside the target, then rename, so a failure leaves no half file. */
	if (output && (asprintf(&tmp, "%s.tmp.%d", output, (int)getpid()) < 0 ||
		       !(out = fopen(tmp, "w")))) {
		fprintf(stderr, "vmprobe compare: %s: cannot write: %s\n", output, strerror(errno));
		free(tmp);
		rc = COMPARE_EXIT_OUTPUT;
		goto out_table;
	}
	int wrc = write_output(&table, fmt, out);

	if (output) {
		wrc |= fclose(out);
		if (!wrc && rename(tmp, output))
			wrc = -1;
		if (wrc)
			unlink(tmp);
		free(tmp);
	} else {
		wrc |= fflush(out);
	}
	if (wrc) {
		fprintf(stderr, "vmprobe compare: writing %s failed: %s\n",
			output ? output : "standard output", strerror(errno));
		rc = COMPARE_EXIT_OUTPUT;
	}
	if (plot_dir && compare_plot(&table, plot_dir, err, sizeof(err))) {
		fprintf(stderr, "vmprobe compare: --plot: %s\n", err);
		rc = COMPARE_EXIT_OUTPUT;
	}
out_table:
	compare_free(&table);
out:
	for (int i = 0; i < loaded; i++)
		rio_free(&files[i]);
	free(files);
	return rc;
}
