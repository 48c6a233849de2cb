// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the benchmarks; see common.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "util.h"

int bench_fail(struct bench_state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->msg, sizeof(st->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int bench_fail_errno(struct bench_state *st, const char *fmt, ...)
{
	int err = errno;
	size_t used;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->msg, sizeof(st->msg), fmt, ap);
	va_end(ap);
	used = strlen(st->msg);
	snprintf(st->msg + used, sizeof(st->msg) - used, ": %s", strerror(err));
	return -1;
}

int bench_needs_module(const struct bench_state *st, char *why, size_t whylen)
{
	if (st->devfd >= 0)
		return 1;
	snprintf(why, whylen, "needs the vmprobe module (insmod vmprobe.ko)");
	return 0;
}

int bench_make_file(struct bench_state *st, size_t len, char *path, size_t pathlen)
{
	const char *dir = getenv("TMPDIR");
	unsigned char block[4096];
	size_t done = 0;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	if ((size_t)snprintf(path, pathlen, "%s/vmprobe-bench-XXXXXX", dir) >= pathlen)
		return bench_fail(st, "temporary file path too long under %s", dir);
	fd = mkstemp(path);
	if (fd < 0)
		return bench_fail_errno(st, "mkstemp %s", path);

	while (done < len) {
		size_t chunk = len - done < sizeof(block) ? len - done : sizeof(block);
		ssize_t w;

		for (size_t i = 0; i < chunk; i++)
			block[i] = bench_file_byte(done + i);
		w = write(fd, block, chunk);
		if (w <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			bench_fail_errno(st, "write %s", path);
			goto fail;
		}
		done += (size_t)w;
	}
	/* One read pass so the timed reads hit the page cache from the first one. */
	for (off_t off = 0; off < (off_t)len; off += sizeof(block)) {
		if (pread(fd, block, sizeof(block), off) < 0) {
			bench_fail_errno(st, "pread %s", path);
			goto fail;
		}
	}
	return fd;
fail:
	close(fd);
	unlink(path);
	return -1;
}

int bench_ignore_sigpipe(struct sigaction *old)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };

	sigemptyset(&ign.sa_mask);
	return sigaction(SIGPIPE, &ign, old);
}

void bench_restore_sigpipe(const struct sigaction *old)
{
	sigaction(SIGPIPE, old, NULL);
}

void bench_kill_child(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGKILL);
	util_waitpid(*pid, NULL, 0);
	*pid = -1;
}

int bench_file_setup(struct bench_state *st, size_t priv_size, size_t len)
{
	struct bench_file *f = calloc(1, priv_size);

	if (!f)
		return bench_fail(st, "out of memory");
	f->fd = bench_make_file(st, len, f->path, sizeof(f->path));
	if (f->fd < 0) {
		free(f);
		return -1;
	}
	st->priv = f;
	return 0;
}

void bench_file_teardown(struct bench_state *st)
{
	struct bench_file *f = st->priv;

	if (!f)
		return;
	close(f->fd);
	unlink(f->path);
	free(f);
	st->priv = NULL;
}

int bench_other_cpu(const cpu_set_t *allowed, int not)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (cpu != not && CPU_ISSET(cpu, allowed))
			return cpu;
	for (int cpu = 0; cpu < online && cpu < CPU_SETSIZE; cpu++)
		if (cpu != not)
			return cpu;
	return -1;
}

int bench_pin_here(cpu_set_t *saved, int *cpu)
{
	cpu_set_t one;

	*cpu = sched_getcpu();
	if (sched_getaffinity(0, sizeof(*saved), saved))
		return -1;
	if (*cpu < 0)
		return 0;
	CPU_ZERO(&one);
	CPU_SET(*cpu, &one);
	return sched_setaffinity(0, sizeof(one), &one) ? 1 : 0;
}
