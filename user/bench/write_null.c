// SPDX-License-Identifier: GPL-2.0
/*
 * write-null: write one byte to /dev/null, the cheapest write through the
 * VFS (fd lookup, permission and size checks, a driver that drops it).
 * One op = one call.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"

struct write_null_priv {
	int fd;
	char byte;
};

static int write_null_setup(struct bench_state *st)
{
	struct write_null_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return bench_fail(st, "out of memory");
	p->fd = open("/dev/null", O_WRONLY);
	if (p->fd < 0) {
		free(p);
		return bench_fail_errno(st, "open /dev/null");
	}
	st->priv = p;
	return 0;
}

static void write_null_teardown(struct bench_state *st)
{
	struct write_null_priv *p = st->priv;

	if (!p)
		return;
	close(p->fd);
	free(p);
	st->priv = NULL;
}

static int write_null_run(struct bench_state *st, uint64_t n)
{
	struct write_null_priv *p = st->priv;

	for (uint64_t i = 0; i < n; i++)
		if (write(p->fd, &p->byte, 1) != 1)
			return bench_fail_errno(st, "write /dev/null");
	return 0;
}

const struct bench bench_write_null = {
	.name = "write-null",
	.group = "micro",
	.panel = "io",
	.summary = "write of 1 byte to /dev/null",
	.unit = "call",
	.setup = write_null_setup,
	.run = write_null_run,
	.teardown = write_null_teardown,
};
