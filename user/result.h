/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Results out: the JSON result file (docs/design.md, written with json-c),
 * CSV, and the aligned table on stdout. Files are written to FILE.tmp and
 * renamed, so a reader never sees half a file at the final name.
 */
#ifndef VMPROBE_RESULT_H
#define VMPROBE_RESULT_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "harness.h"
#include "hostinfo.h"
#include "options.h"
#include "result_keys.h"

#ifndef VMPROBE_VERSION			/* the Makefile passes the VERSION file's */
#define VMPROBE_VERSION		"unknown"
#endif
#define RESULT_FORMAT		RK_FORMAT_NAME
#define RESULT_FORMAT_VERSION	RK_FORMAT_VERSION_NUMBER

struct run_report {
	int argc;
	char **argv;
	const struct options *opts;
	const char *label;
	const struct hostinfo *host;		/* NULL: "host" left out */
	const struct tsc_clock *clock;
	const struct counter_set *counters;	/* NULL: none requested */
	const struct harness *harness;		/* NULL: no overhead figures */
	const struct row_result *rows;
	size_t nrows;
	bool partial;
	char started[32], finished[32];		/* ISO 8601 UTC */
};

/* "2026-11-25T08:00:00Z" for now. */
void result_timestamp(char *buf, size_t len);

/* The result object of docs/design.md. */
json_object *result_json(const struct run_report *rep);

/*
 * Writes data to path: through path.tmp and rename(2) for a regular file
 * (or a new one), straight into it for a device or FIFO (/dev/full,
 * /dev/ttyS1). Returns 0, or -1 with err[] saying what failed; on failure
 * no file is left at path that was not there before, nor path.tmp.
 */
int result_write_file(const char *path, const char *data, size_t len, char *err, size_t errlen);

int result_write_json(const char *path, json_object *obj, char *err, size_t errlen);
int result_write_csv(const char *path, const struct run_report *rep, char *err, size_t errlen);
void result_print_table(FILE *f, const struct run_report *rep);

#endif /* VMPROBE_RESULT_H */
