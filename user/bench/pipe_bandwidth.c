// SPDX-License-Identifier: GPL-2.0
/*
 * pipe-bandwidth: the study's (lmbench bw_pipe) 50 MB through a pipe from
 * a child process to this one, written in 64 KB chunks. One op = one 50 MiB
 * transfer; bytes_per_op makes the harness report MB/s.
 *
 *   pipe-bandwidth       reader and writer pinned to one CPU (every VMM has
 *                        one, so every result file has this row)
 *   pipe-bandwidth-2cpu  writer pinned to a second CPU: cross-CPU wakeups
 *                        and cache-line transfers; skipped on 1 CPU
 *
 * Unpinned, the scheduler put the two on one CPU or two from run to run,
 * which gave a CV of 10-17%: each placement is now its own row.
 *
 * Checking every byte would cost as much as the copy being measured, so
 * the check is cheap but end to end: the child stamps the first 8 bytes of
 * each chunk with (op << 32 | chunk index), the reader sums the stamps it
 * finds at each 64 KB boundary of the stream (sum compared with the closed
 * form, order checked per stamp), counts the bytes, and compares the last
 * 8 payload bytes of every read with the fixed pattern.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "pipe_bandwidth.h"
#include "util.h"

#define STAMP_LEN 8

static inline uint64_t chunk_stamp(uint32_t op, uint32_t chunk)
{
	return ((uint64_t)op << 32) | chunk;
}

static void fill_pattern(unsigned char *buf)
{
	for (size_t i = 0; i < PIPE_BW_CHUNK; i++)
		buf[i] = bench_file_byte(i);
}

static int write_full(int fd, const void *buf, size_t len)
{
	return util_write_all(fd, buf, len);
}

/* The child: for each op number read from ctl, write PIPE_BW_CHUNKS stamped chunks. */
static void __attribute__((noreturn)) pipe_bw_child(struct pipe_bw_priv *p, pid_t parent)
{
	uint32_t op;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	close(p->ctl[1]);
	close(p->data[0]);
	{
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(p->cpu_writer, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			_exit(1);
	}
	for (;;) {
		ssize_t r = read(p->ctl[0], &op, sizeof(op));

		if (r < 0 && errno == EINTR)
			continue;
		if (r != sizeof(op))
			_exit(r == 0 ? 0 : 1);
		for (uint32_t c = 0; c < PIPE_BW_CHUNKS; c++) {
			uint64_t stamp = chunk_stamp(op, c);

			memcpy(p->buf, &stamp, STAMP_LEN);
			if (write_full(p->data[1], p->buf, PIPE_BW_CHUNK) != 0)
				_exit(1);
		}
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static void pipe_bw_teardown(struct bench_state *st)
{
	struct pipe_bw_priv *p = st->priv;

	if (!p)
		return;
	/* EOF on ctl ends the child; a child stuck writing dies of EPIPE. */
	close_fd(&p->ctl[0]);
	close_fd(&p->ctl[1]);
	close_fd(&p->data[0]);
	close_fd(&p->data[1]);
	if (p->child > 0) {
		pid_t r;

		r = util_waitpid(p->child, NULL, 0);
		if (r != p->child)
			bench_kill_child(&p->child);
	}
	if (p->restore_sigpipe)
		bench_restore_sigpipe(&p->saved_sigpipe);
	if (p->restore_affinity)
		sched_setaffinity(0, sizeof(p->saved_affinity), &p->saved_affinity);
	free(p->buf);
	free(p);
	st->priv = NULL;
}

static int pipe_bw_valid_2cpu(const struct bench_state *st, char *why, size_t whylen)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (cpus < 2) {
		snprintf(why, whylen, "needs 2 online CPUs, this system has %ld", cpus);
		return 0;
	}
	return 1;
}

static int pipe_bw_setup(struct bench_state *st, int two_cpus)
{
	struct pipe_bw_priv *p = calloc(1, sizeof(*p));
	pid_t parent = getpid();
	cpu_set_t set;

	if (!p)
		return bench_fail(st, "out of memory");
	p->child = -1;
	p->ctl[0] = p->ctl[1] = p->data[0] = p->data[1] = -1;
	st->priv = p;
	p->buf = malloc(PIPE_BW_CHUNK);
	if (!p->buf) {
		bench_fail(st, "out of memory");
		goto fail;
	}
	fill_pattern(p->buf);
	p->read_len = PIPE_BW_CHUNK;
	if (sched_getaffinity(0, sizeof(p->saved_affinity), &p->saved_affinity)) {
		bench_fail_errno(st, "sched_getaffinity");
		goto fail;
	}
	p->cpu_reader = st->cpu >= 0 ? st->cpu : sched_getcpu();
	if (p->cpu_reader < 0)
		p->cpu_reader = 0;
	p->cpu_writer = two_cpus ? bench_other_cpu(&p->saved_affinity, p->cpu_reader)
				 : p->cpu_reader;
	if (p->cpu_writer < 0) {
		bench_fail(st, "no second CPU for the writer");
		goto fail;
	}
	CPU_ZERO(&set);
	CPU_SET(p->cpu_reader, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		bench_fail_errno(st, "pin to CPU %d", p->cpu_reader);
		goto fail;
	}
	p->restore_affinity = 1;
	if (bench_ignore_sigpipe(&p->saved_sigpipe) != 0) {
		bench_fail_errno(st, "ignore SIGPIPE");
		goto fail;
	}
	p->restore_sigpipe = 1;
	if (pipe2(p->ctl, O_CLOEXEC) || pipe2(p->data, O_CLOEXEC)) {
		bench_fail_errno(st, "pipe");
		goto fail;
	}
	p->child = fork();
	if (p->child < 0) {
		bench_fail_errno(st, "fork");
		goto fail;
	}
	if (p->child == 0)
		pipe_bw_child(p, parent);
	close_fd(&p->ctl[0]);
	close_fd(&p->data[1]);
	st->bytes_per_op = PIPE_BW_TOTAL;
	snprintf(st->msg, sizeof(st->msg), "reader on CPU %d, writer on CPU %d", p->cpu_reader,
		 p->cpu_writer);
	return 0;
fail:
	pipe_bw_teardown(st);
	return -1;
}

/*
 * Takes in one read of `len` bytes at stream offset `off`: counts stamps at
 * 64 KB boundaries (a stamp split across two reads is put together in
 * `split`), and samples the last payload word of the read.
 */
static void pipe_bw_tally(struct pipe_bw_priv *p, uint32_t op, const unsigned char *buf,
			  size_t len, uint64_t off, unsigned char *split, size_t *split_have)
{
	uint64_t end = off + len;
	uint64_t first = (off + PIPE_BW_CHUNK - 1) / PIPE_BW_CHUNK * PIPE_BW_CHUNK;

	/* The rest of a stamp that began in the previous read. */
	if (*split_have) {
		size_t take = STAMP_LEN - *split_have < len ? STAMP_LEN - *split_have : len;

		memcpy(split + *split_have, buf, take);
		*split_have += take;
		if (*split_have == STAMP_LEN) {
			uint64_t stamp;
			uint32_t chunk = (uint32_t)((off - (STAMP_LEN - take)) / PIPE_BW_CHUNK);

			memcpy(&stamp, split, STAMP_LEN);
			p->stamps++;
			p->stamp_sum += stamp;
			p->bad_stamps += stamp != chunk_stamp(op, chunk);
			p->split_stamps++;
			*split_have = 0;
		}
	}
	for (uint64_t at = first; at < end; at += PIPE_BW_CHUNK) {
		size_t in_buf = (size_t)(at - off);

		if (at + STAMP_LEN <= end) {
			uint64_t stamp;

			memcpy(&stamp, buf + in_buf, STAMP_LEN);
			p->stamps++;
			p->stamp_sum += stamp;
			p->bad_stamps += stamp != chunk_stamp(op, (uint32_t)(at / PIPE_BW_CHUNK));
		} else {
			*split_have = (size_t)(end - at);
			memcpy(split, buf + in_buf, *split_have);
		}
	}
	/* The last 8 bytes of the read, when all are payload (no stamp byte). */
	size_t q = (size_t)((end - STAMP_LEN) % PIPE_BW_CHUNK);

	if (len >= STAMP_LEN && q >= STAMP_LEN && q + STAMP_LEN <= PIPE_BW_CHUNK) {
		for (size_t i = 0; i < STAMP_LEN; i++)
			p->bad_samples += buf[len - STAMP_LEN + i] != bench_file_byte(q + i);
	}
}

static int pipe_bw_once(struct bench_state *st)
{
	struct pipe_bw_priv *p = st->priv;
	uint32_t op = ++p->ops;
	unsigned char split[STAMP_LEN];
	size_t split_have = 0;

	p->bytes = p->stamp_sum = 0;
	p->stamps = p->bad_stamps = p->split_stamps = p->bad_samples = 0;
	if (write_full(p->ctl[1], &op, sizeof(op)) != 0)
		return bench_fail_errno(st, "start the writer");
	while (p->bytes < PIPE_BW_TOTAL) {
		ssize_t r = read(p->data[0], p->buf, p->read_len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? bench_fail_errno(st, "read the pipe")
				     : bench_fail(st, "the writer died after %llu bytes",
						  (unsigned long long)p->bytes);
		pipe_bw_tally(p, op, p->buf, (size_t)r, p->bytes, split, &split_have);
		p->bytes += (uint64_t)r;
	}
	return 0;
}

static int pipe_bw_setup_1cpu(struct bench_state *st)
{
	return pipe_bw_setup(st, 0);
}

static int pipe_bw_setup_2cpu(struct bench_state *st)
{
	return pipe_bw_setup(st, 1);
}

static int pipe_bw_run(struct bench_state *st, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (pipe_bw_once(st) != 0)
			return -1;
	return 0;
}

static int pipe_bw_verify(struct bench_state *st)
{
	struct pipe_bw_priv *p = st->priv;
	/* sum over c < C of (op << 32 | c) = C (op << 32) + C (C - 1) / 2 */
	uint64_t want_sum = (uint64_t)PIPE_BW_CHUNKS * ((uint64_t)p->ops << 32) +
			    (uint64_t)PIPE_BW_CHUNKS * (PIPE_BW_CHUNKS - 1) / 2;

	if (p->bytes != PIPE_BW_TOTAL)
		return bench_fail(st, "received %llu bytes, sent %u", (unsigned long long)p->bytes,
				  PIPE_BW_TOTAL);
	if (p->stamps != PIPE_BW_CHUNKS || p->bad_stamps || p->stamp_sum != want_sum)
		return bench_fail(st, "chunk stamps wrong: %u of %u seen, %u out of place, sum %llx want %llx",
				  p->stamps, PIPE_BW_CHUNKS, p->bad_stamps,
				  (unsigned long long)p->stamp_sum, (unsigned long long)want_sum);
	if (p->bad_samples)
		return bench_fail(st, "%u sampled payload bytes differ from the pattern",
				  p->bad_samples);
	return 0;
}

const struct bench bench_pipe_bandwidth = {
	.name = "pipe-bandwidth",
	.group = "macro",
	.panel = "macro",
	.summary = "50 MiB from a child through a pipe in 64 KiB writes, both on one CPU (MB/s)",
	.unit = "transfer",
	/* One op took 5.5 s under QEMU TCG on the dev box: slow under emulation. */
	.flags = BENCH_FORKS | BENCH_SLOW,
	.setup = pipe_bw_setup_1cpu,
	.run = pipe_bw_run,
	.verify = pipe_bw_verify,
	.teardown = pipe_bw_teardown,
};

const struct bench bench_pipe_bandwidth_2cpu = {
	.name = "pipe-bandwidth-2cpu",
	.group = "macro",
	.panel = "macro",
	.summary = "50 MiB from a child on another CPU through a pipe in 64 KiB writes (MB/s)",
	.unit = "transfer",
	.flags = BENCH_FORKS | BENCH_SLOW,
	.valid = pipe_bw_valid_2cpu,
	.setup = pipe_bw_setup_2cpu,
	.run = pipe_bw_run,
	.verify = pipe_bw_verify,
	.teardown = pipe_bw_teardown,
};
