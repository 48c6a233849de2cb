// SPDX-License-Identifier: GPL-2.0
/*
 * read of 1 B, 1 KB and 1 MB (the study's sizes) from two sources:
 *   read-file-SIZE  pread at offset 0 of a temporary file in the page cache
 *                   (the copy out of cached pages; no disk I/O)
 *   read-zero-SIZE  read from /dev/zero (the kernel fills, no page cache)
 * One op = one call moving `size` bytes; bytes_per_op makes the harness
 * report MB/s too.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

struct read_priv {
	int fd;
	char path[PATH_MAX];	/* empty for /dev/zero */
	unsigned char *buf;
	size_t len;
};

static void read_teardown(struct bench_state *st)
{
	struct read_priv *p = st->priv;

	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	if (p->path[0])
		unlink(p->path);
	free(p->buf);
	free(p);
	st->priv = NULL;
}

static int read_setup_common(struct bench_state *st, int from_file)
{
	struct read_priv *p;

	if (st->size <= 0 || st->size > (1L << 30))
		return bench_fail(st, "size %ld out of range 1..%ld", st->size, 1L << 30);
	p = calloc(1, sizeof(*p));
	if (!p)
		return bench_fail(st, "out of memory");
	p->fd = -1;
	p->len = (size_t)st->size;
	st->priv = p;
	/* Page-aligned like a real I/O buffer, and touched so no fault is timed. */
	if (posix_memalign((void **)&p->buf, 4096, p->len) != 0) {
		read_teardown(st);
		return bench_fail(st, "out of memory for a %zu-byte buffer", p->len);
	}
	memset(p->buf, 0xa5, p->len);
	if (from_file)
		p->fd = bench_make_file(st, p->len, p->path, sizeof(p->path));
	else if ((p->fd = open("/dev/zero", O_RDONLY)) < 0)
		bench_fail_errno(st, "open /dev/zero");
	if (p->fd < 0) {
		read_teardown(st);
		return -1;
	}
	st->bytes_per_op = (double)p->len;
	return 0;
}

static int read_file_setup(struct bench_state *st)
{
	return read_setup_common(st, 1);
}

static int read_zero_setup(struct bench_state *st)
{
	return read_setup_common(st, 0);
}

static int read_file_run(struct bench_state *st, uint64_t n)
{
	struct read_priv *p = st->priv;

	for (uint64_t i = 0; i < n; i++) {
		ssize_t got = pread(p->fd, p->buf, p->len, 0);

		if (got != (ssize_t)p->len)
			return got < 0 ? bench_fail_errno(st, "pread %s", p->path)
				       : bench_fail(st, "pread %s: %zd of %zu bytes", p->path, got, p->len);
	}
	return 0;
}

static int read_zero_run(struct bench_state *st, uint64_t n)
{
	struct read_priv *p = st->priv;

	for (uint64_t i = 0; i < n; i++) {
		ssize_t got = read(p->fd, p->buf, p->len);

		if (got != (ssize_t)p->len)
			return got < 0 ? bench_fail_errno(st, "read /dev/zero")
				       : bench_fail(st, "read /dev/zero: %zd of %zu bytes", got, p->len);
	}
	return 0;
}

static int read_file_verify(struct bench_state *st)
{
	struct read_priv *p = st->priv;

	for (size_t i = 0; i < p->len; i++)
		if (p->buf[i] != bench_file_byte(i))
			return bench_fail(st, "byte %zu read 0x%02x, file holds 0x%02x",
					  i, p->buf[i], bench_file_byte(i));
	return 0;
}

static int read_zero_verify(struct bench_state *st)
{
	struct read_priv *p = st->priv;

	for (size_t i = 0; i < p->len; i++)
		if (p->buf[i] != 0)
			return bench_fail(st, "byte %zu from /dev/zero is 0x%02x", i, p->buf[i]);
	return 0;
}

const struct bench bench_read_file = {
	.name = "read-file",
	.group = "micro",
	.panel = "io",
	.summary = "pread at offset 0 of a temporary file in the page cache",
	.unit = "call",
	.sizes = { 1, 1024, 1048576, 0 },
	.setup = read_file_setup,
	.run = read_file_run,
	.verify = read_file_verify,
	.teardown = read_teardown,
};

const struct bench bench_read_zero = {
	.name = "read-zero",
	.group = "micro",
	.panel = "io",
	.summary = "read from /dev/zero",
	.unit = "call",
	.sizes = { 1, 1024, 1048576, 0 },
	.setup = read_zero_setup,
	.run = read_zero_run,
	.verify = read_zero_verify,
	.teardown = read_teardown,
};
