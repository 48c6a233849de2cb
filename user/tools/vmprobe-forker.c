// SPDX-License-Identifier: GPL-2.0
/*
 * vmprobe-forker: the small static parent of the fork-exit-wait and
 * fork-exec rows. fork copies the parent's page tables and mappings, so a
 * fork figure taken from vmprobe itself (dynamic, json-c, libpfm4's event
 * tables) measured vmprobe's size; this parent is a few pages of static
 * code. vmprobe starts it with fork + execve (so nothing of vmprobe's
 * image is left) and talks to it over stdin/stdout:
 *
 *   at start it writes a struct forker_hello (its own size, from
 *   /proc/self/status), then for each struct forker_request it does n
 *   forks (the child _exits 0, or execs argv[1] when exec is set), waits
 *   for each, and writes a struct forker_reply with the TSC ticks of the
 *   n ops, timed here (lfence; rdtsc at both ends) less an empty bracket.
 *
 * It pins itself (and so its children) to the CPU it starts on: whether the
 * child runs beside the waiting parent or on another CPU moved fork-exit-wait
 * by 30-40% on a 2-vCPU guest, so the row is defined on one CPU, as
 * ctxsw-1cpu and pipe-bandwidth are (vmprobe-ref's fork rows do the same).
 *
 * With --touch-mib N it first maps N MiB of private anonymous memory and
 * writes every page of it, so that each fork copies the page tables of a
 * parent that large and each exit tears the child's copy down: the
 * fork-parent-N rows, whose slope over N is the cost per MiB of parent.
 *
 * It exits 0 on EOF on stdin, 1 when the memory cannot be had, 2 on a usage error.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "forker.h"

static inline uint64_t rdtsc_fenced(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

static int full_read(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, (char *)buf + got, len - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static int full_write(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t w = write(fd, (const char *)buf + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

/* The smallest of a few empty brackets: what the two reads cost. */
static uint64_t empty_bracket(void)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 101; i++) {
		uint64_t t0 = rdtsc_fenced(), t1 = rdtsc_fenced();

		if (t1 - t0 < best)
			best = t1 - t0;
	}
	return best;
}

static int forks(const struct forker_request *q, const char *prog, struct forker_reply *rep)
{
	char *const argv[] = { (char *)prog, NULL };
	char *const envp[] = { NULL };

	for (uint64_t i = 0; i < q->n; i++) {
		int status;
		pid_t child = fork(), r;

		if (child < 0) {
			snprintf(rep->msg, sizeof(rep->msg), "fork: %s", strerror(errno));
			return -1;
		}
		if (child == 0) {
			if (q->exec)
				execve(prog, argv, envp);
			_exit(q->exec ? 127 : 0);
		}
		while ((r = waitpid(child, &status, 0)) < 0 && errno == EINTR)
			;
		if (r != child) {
			snprintf(rep->msg, sizeof(rep->msg), "waitpid %d: %s", (int)child,
				 strerror(errno));
			return -1;
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			continue;
		if (WIFEXITED(status))
			snprintf(rep->msg, sizeof(rep->msg), "child exited with status %d%s",
				 WEXITSTATUS(status),
				 WEXITSTATUS(status) == 127 ? " (exec failed)" : "");
		else
			snprintf(rep->msg, sizeof(rep->msg), "child killed by signal %d",
				 WTERMSIG(status));
		return -1;
	}
	return 0;
}

/* N MiB of private anonymous memory, every page written: 0, or -1 when it cannot be had. */
static int touch_mib(unsigned long mib)
{
	size_t len = (size_t)mib << 20;
	long page = sysconf(_SC_PAGESIZE);
	char *p;

	if (!mib)
		return 0;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "vmprobe-forker: mmap %lu MiB: %s\n", mib, strerror(errno));
		return -1;
	}
	/* small pages, as a typical heap has them: a huge page would copy as one entry */
	(void)madvise(p, len, MADV_NOHUGEPAGE);
	for (size_t off = 0; off < len; off += (size_t)(page > 0 ? page : 4096))
		p[off] = 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct forker_hello hello = { .magic = FORKER_MAGIC };
	struct forker_request q;
	const char *prog = NULL;
	unsigned long mib = 0;
	uint64_t empty;
	int arg = 1;

	if (arg + 1 < argc && !strcmp(argv[arg], "--touch-mib")) {
		char *end;

		mib = strtoul(argv[arg + 1], &end, 10);
		if (*end || !argv[arg + 1][0] || mib > FORKER_MAX_TOUCH_MIB)
			arg = argc + 1;	/* a usage error */
		else
			arg += 2;
	}
	if (arg < argc)
		prog = argv[arg++];
	if (arg != argc) {
		fprintf(stderr, "usage: vmprobe-forker [--touch-mib N (0..%u)] [PROGRAM-TO-EXEC]"
			" (driven by vmprobe)\n", FORKER_MAX_TOUCH_MIB);
		return 2;
	}
	if (touch_mib(mib))
		return 1;
	{
		cpu_set_t one;
		int cpu = sched_getcpu();

		CPU_ZERO(&one);
		if (cpu >= 0) {
			CPU_SET(cpu, &one);
			(void)sched_setaffinity(0, sizeof(one), &one);	/* best effort */
		}
	}
	empty = empty_bracket();
	forker_own_size(&hello);
	if (full_write(1, &hello, sizeof(hello)))
		return 1;
	while (full_read(0, &q, sizeof(q)) == 0) {
		struct forker_reply rep = { .status = 0 };
		uint64_t t0, t1;

		if (q.exec && !prog) {
			rep.status = -1;
			snprintf(rep.msg, sizeof(rep.msg), "no program to exec given");
		} else {
			t0 = rdtsc_fenced();
			rep.status = forks(&q, prog, &rep);
			t1 = rdtsc_fenced();
			rep.ticks = t1 - t0 > empty ? t1 - t0 - empty : 1;
		}
		if (full_write(1, &rep, sizeof(rep)))
			return 1;
	}
	return 0;
}
