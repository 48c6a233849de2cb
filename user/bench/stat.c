// SPDX-License-Identifier: GPL-2.0
/*
 * stat and fstat of a small temporary file: stat walks the path every time
 * (dcache hits), fstat starts from the fd. One op = one call.
 */
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

#define STAT_FILE_LEN 4096

struct stat_priv {
	struct bench_file file;	/* first: bench_file_setup's layout */
	struct stat sb;		/* last result, checked by verify */
};

static int stat_setup(struct bench_state *st)
{
	return bench_file_setup(st, sizeof(struct stat_priv), STAT_FILE_LEN);
}

static int stat_run(struct bench_state *st, uint64_t n)
{
	struct stat_priv *p = st->priv;

	for (uint64_t i = 0; i < n; i++)
		if (stat(p->file.path, &p->sb) != 0)
			return bench_fail_errno(st, "stat %s", p->file.path);
	return 0;
}

static int fstat_run(struct bench_state *st, uint64_t n)
{
	struct stat_priv *p = st->priv;

	for (uint64_t i = 0; i < n; i++)
		if (fstat(p->file.fd, &p->sb) != 0)
			return bench_fail_errno(st, "fstat %s", p->file.path);
	return 0;
}

static int stat_verify(struct bench_state *st)
{
	struct stat_priv *p = st->priv;

	if (p->sb.st_size != STAT_FILE_LEN || !S_ISREG(p->sb.st_mode))
		return bench_fail(st, "stat gave size %lld mode %o, expected a %d-byte regular file",
				  (long long)p->sb.st_size, (unsigned)p->sb.st_mode, STAT_FILE_LEN);
	return 0;
}

const struct bench bench_stat = {
	.name = "stat",
	.group = "micro",
	.panel = "io",
	.summary = "stat() of a temporary file by path",
	.unit = "call",
	.setup = stat_setup,
	.run = stat_run,
	.verify = stat_verify,
	.teardown = bench_file_teardown,
};

const struct bench bench_fstat = {
	.name = "fstat",
	.group = "micro",
	.panel = "io",
	.summary = "fstat() of an open temporary file",
	.unit = "call",
	.setup = stat_setup,
	.run = fstat_run,
	.verify = stat_verify,
	.teardown = bench_file_teardown,
};
