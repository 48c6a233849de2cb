/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line of info/list/run/all (getopt_long). Every value is
 * checked here and only here: options_parse() either fills struct options
 * with values the rest of vmprobe can trust, or says what is wrong.
 */
#ifndef VMPROBE_OPTIONS_H
#define VMPROBE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bench.h"
#include "counters.h"
#include "util.h"

enum vmprobe_cmd { CMD_NONE, CMD_INFO, CMD_LIST, CMD_RUN, CMD_ALL };

enum clock_kind { CLOCK_KIND_TSC, CLOCK_KIND_INSTRUCTIONS, CLOCK_KIND_BOCHS_IPS };

#define OPTIONS_MAX_ROWS	256
#define ROW_NAME_LEN		64

#define DEFAULT_TIME_BUDGET_S	60.0
#define MAX_TIME_BUDGET_S	604800.0	/* a week */
#define DEFAULT_REPETITIONS	15
#define QUICK_REPETITIONS	5
#define MAX_REPETITIONS		100000
#define MAX_BENCH_SIZE		1000000000L

/* One row of a run: a benchmark at one size ("matmul-100"), or unsized ("getpid"). */
struct bench_row {
	const struct bench *bench;
	long size;			/* 0 for unsized benchmarks */
	char name[ROW_NAME_LEN];
};

/* --sizes NAME=A:B: replaces the default sizes of one benchmark. */
struct size_override {
	const struct bench *bench;
	long sizes[BENCH_MAX_SIZES];	/* 0-terminated */
};

struct options {
	enum vmprobe_cmd cmd;
	double time_budget_s;
	int repetitions;
	bool repetitions_given;
	int cpu;			/* -1: not pinned */
	bool quick;
	const char *events;		/* the list as given, or COUNTERS_DEFAULT_LIST */
	bool events_given;
	struct counter_set counters;	/* events parsed (not opened) */
	struct size_override sizes[OPTIONS_MAX_ROWS / 4];
	size_t nsizes;
	const char *json, *csv, *markers, *label, *clock_note;
	enum clock_kind clock;
	/* run: the rows named; all: every row of the table (with --sizes applied). */
	struct bench_row rows[OPTIONS_MAX_ROWS];
	size_t nrows;
};

/* What options_parse() returns besides 0. */
#define OPTIONS_HELP	1	/* --help was given: usage printed, exit 0 */
#define OPTIONS_USAGE	2	/* bad command line: err[] says why, exit 2 */

/*
 * Parses argv (argv[1] is the subcommand). Returns 0, OPTIONS_HELP or
 * OPTIONS_USAGE (with err[] set). Resets getopt itself, so it may be
 * called more than once (the unit tests do).
 */
int options_parse(int argc, char **argv, struct options *o, char *err, size_t errlen);

void options_usage(FILE *f);

/* The options of run/all (info: --json, --help), NULL-ended. */
extern const struct cli_opt run_options[];

const char *clock_kind_name(enum clock_kind k);

/* The sizes a benchmark runs at under o (its defaults, or --sizes). */
const long *options_bench_sizes(const struct options *o, const struct bench *b);

/* Splits "matmul-100" into bench and size; "getpid" gives size 0. -1 if no such row. */
int options_find_row(const char *name, const struct bench **b, long *size);

#endif /* VMPROBE_OPTIONS_H */
