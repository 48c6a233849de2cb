// SPDX-License-Identifier: GPL-2.0
/*
 * open-close: open() a temporary file read-only and close() it again (the
 * study timed open(); a benchmark that only opened would run out of fds).
 * One op = one open plus one close.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"

static int open_close_setup(struct bench_state *st)
{
	return bench_file_setup(st, sizeof(struct bench_file), 4096);
}

static int open_close_run(struct bench_state *st, uint64_t n)
{
	struct bench_file *p = st->priv;

	for (uint64_t i = 0; i < n; i++) {
		int fd = open(p->path, O_RDONLY);

		if (fd < 0)
			return bench_fail_errno(st, "open %s", p->path);
		if (close(fd) != 0)
			return bench_fail_errno(st, "close %s", p->path);
	}
	return 0;
}

const struct bench bench_open_close = {
	.name = "open-close",
	.group = "micro",
	.panel = "io",
	.summary = "open() then close() of a temporary file",
	.unit = "open+close",
	.setup = open_close_setup,
	.run = open_close_run,
	.teardown = bench_file_teardown,
};
