/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers every part of vmprobe needs, kept in one place: loops that
 * finish a write or a read, waitpid across EINTR, writing a file whole or
 * not at all, the CSV number format, error messages, and option tables that
 * give both getopt_long's array and the usage text.
 */
#ifndef VMPROBE_UTIL_H
#define VMPROBE_UTIL_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Writes all LEN bytes (retrying short writes and EINTR). 0, or -1 with errno. */
int util_write_all(int fd, const void *buf, size_t len);

/* Reads until LEN bytes or end of file (retrying EINTR). Bytes read, or -1 with errno. */
ssize_t util_read_full(int fd, void *buf, size_t len);

/* waitpid() that retries on EINTR. */
pid_t util_waitpid(pid_t pid, int *status, int options);

/*
 * Replaces PATH with DATA: written to a temporary file beside it, synced,
 * then renamed over PATH, so a reader sees the old file or the new one,
 * never half of one. A device or FIFO (which cannot be renamed over) is
 * written directly. An existing file keeps its mode; a new one gets MODE
 * less the umask. 0, or -1 with err ("PATH: why").
 */
int util_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			   char *err, size_t errlen);

/*
 * Finds the helper program NAME (vmprobe-noop, vmprobe-forker): the path in
 * environment variable ENV when set, else next to the running program (the
 * build tree, a guest's /bin), else in ../lib/vmprobe/ beside it (the layout
 * of `make install` and the Debian package). 0 and PATH set, or -1 and WHY.
 */
int util_find_helper(const char *name, const char *env, char *path, size_t len,
		     char *why, size_t whylen);

/* The CSV number format: round-trips a double exactly; NAN gives an empty field. */
void util_csv_num(FILE *out, double v);

/* The one CSV text field (RFC 4180): quoted when it holds a comma, quote, \n or \r; NULL
 * gives an empty field. */
void util_csv_field(FILE *out, const char *s);

/* "vmprobe[ SUBCOMMAND]: MESSAGE\n" on stderr. */
void util_error(const char *subcommand, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One option of a subcommand: getopt_long's fields and its line of usage. */
struct cli_opt {
	const char *name;	/* long name, without "--" */
	int has_arg;		/* no_argument or required_argument */
	int val;		/* what getopt_long returns */
	const char *arg;	/* the value's name in the usage ("SEC"), NULL without */
	const char *help;	/* one line; up to two "%g", filled from dflt (the defaults' one place) */
	double dflt[2];
};

/* Fills OUT (room for the table's entries + 1) with getopt_long's array for OPTS (NULL-ended). */
void cli_longopts(const struct cli_opt *opts, struct option *out);
size_t cli_count(const struct cli_opt *opts);
/* "  --name ARG   help" lines, aligned. */
void cli_print_options(FILE *f, const struct cli_opt *opts);

#endif /* VMPROBE_UTIL_H */
