// SPDX-License-Identifier: GPL-2.0
/*
 * Process creation, beyond the study (lmbench lat_proc):
 *   fork-exit-wait  fork a child that _exits at once, wait for it
 *   fork-exec       fork a child that execs vmprobe-noop (static, returns 0),
 *                   wait for it: adds loading an ELF image to the above
 * fork copies the parent's page tables, so the parent's size is part of
 * the figure (vmprobe, dynamic with json-c and libpfm4, made fork-exit-wait
 * about twice a plain loop's). The forks are therefore done and timed by
 * vmprobe-forker, a small static parent started with fork + execve (see
 * user/tools/vmprobe-forker.c); its size (VmRSS, VmSize, VmPTE) is the
 * row's note. Without it (unit tests from build/tests/) vmprobe forks
 * itself and the note says so. One op = one child created and reaped; a
 * child that does not exit 0 fails the run.
 *
 *   fork-parent-N   fork-exit-wait from the same static parent holding N MiB
 *                   of touched anonymous memory (16, 64, 256): page tables,
 *                   copy-on-write setup and the mm teardown grow with N, and
 *                   that is where shadow, nested and PV paging differ; with
 *                   fork-exit-wait as N = 0, the slope is the cost per MiB
 *   fork-dynamic    fork-exit-wait from vmprobe itself, a dynamically linked
 *                   parent (libc, json-c, libpfm4), as most programs are;
 *                   pinned to one CPU for the row, as the forker pins itself
 * vmprobe-noop and vmprobe-forker are found by util_find_helper(): next to
 * the running vmprobe, or in ../lib/vmprobe once installed, or taken from
 * VMPROBE_NOOP and VMPROBE_FORKER.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "util.h"
#include "forker.h"

extern char **environ;

static char noop_path[PATH_MAX];

/* The running forker of the current row. */
struct forker {
	pid_t pid;
	int to, from;		/* its stdin, its stdout */
};
static struct forker forker = { -1, -1, -1 };

/* Finds vmprobe-noop; 0 and noop_path set, or -1 and why[] set. */
static int find_noop(char *why, size_t whylen)
{
	return util_find_helper("vmprobe-noop", "VMPROBE_NOOP", noop_path, sizeof(noop_path),
				why, whylen);
}

static int fork_exec_valid(const struct bench_state *st, char *why, size_t whylen)
{
	return find_noop(why, whylen) == 0;
}

static int forker_start(struct bench_state *st, int exec, long touch_mib);

static int fork_exec_setup(struct bench_state *st)
{
	if (find_noop(st->msg, sizeof(st->msg)) != 0)
		return -1;
	return forker_start(st, 1, 0) < 0 ? -1 : 0;
}

/* Waits for `child`; 0 if it exited with status 0. */
static int reap(struct bench_state *st, pid_t child)
{
	int status;
	pid_t r;

	r = util_waitpid(child, &status, 0);
	if (r != child)
		return bench_fail_errno(st, "waitpid %d", (int)child);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return bench_fail(st, "child exited with status %d%s", WEXITSTATUS(status),
				  WEXITSTATUS(status) == 127 ? " (exec failed)" : "");
	return bench_fail(st, "child killed by signal %d", WTERMSIG(status));
}


/* Finds vmprobe-forker; 0 and path set, or -1. */
static int find_forker(char *path, size_t len)
{
	char why[256];

	return util_find_helper("vmprobe-forker", "VMPROBE_FORKER", path, len, why, sizeof(why));
}

/* One whole message to or from the forker; 0, or -1 on error or end of file. */
static int io_full(int fd, void *buf, size_t len, int writing)
{
	if (writing)
		return util_write_all(fd, buf, len);
	return util_read_full(fd, buf, len) == (ssize_t)len ? 0 : -1;
}

static void forker_stop(void)
{
	if (forker.to >= 0)
		close(forker.to);	/* EOF: it exits */
	if (forker.from >= 0)
		close(forker.from);
	forker.to = forker.from = -1;
	if (forker.pid > 0) {
		int status;
		pid_t r;

		while ((r = waitpid(forker.pid, &status, 0)) < 0 && errno == EINTR)
			;
		if (r != forker.pid)
			bench_kill_child(&forker.pid);
	}
	forker.pid = -1;
}

/*
 * Starts vmprobe-forker (exec: with noop_path to exec; touch_mib: MiB of
 * memory it touches first). 1 when there is none (the row forks in
 * process), 0 started (note in st->msg), -1 failed.
 */
static int forker_start(struct bench_state *st, int exec, long touch_mib)
{
	char path[PATH_MAX], mib[24];
	int in[2], out[2];
	struct forker_hello hello;

	if (find_forker(path, sizeof(path)) != 0) {
		snprintf(st->msg, sizeof(st->msg),
			 "vmprobe-forker not found: forks done by vmprobe itself, so its size"
			 " is in the figure");
		return 1;
	}
	if (pipe2(in, O_CLOEXEC))
		return bench_fail_errno(st, "pipe");
	if (pipe2(out, O_CLOEXEC)) {
		close(in[0]);
		close(in[1]);
		return bench_fail_errno(st, "pipe");
	}
	fflush(NULL);
	forker.pid = fork();
	if (forker.pid < 0) {
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		return bench_fail_errno(st, "fork");
	}
	if (forker.pid == 0) {
		char *argv[5] = { path }, **a = argv + 1;

		if (touch_mib) {
			snprintf(mib, sizeof(mib), "%ld", touch_mib);
			*a++ = "--touch-mib";
			*a++ = mib;
		}
		*a = exec ? noop_path : NULL;
		char *const envp[] = { NULL };

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0)
			_exit(126);
		execve(path, argv, envp);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	forker.to = in[1];
	forker.from = out[0];
	if (io_full(forker.from, &hello, sizeof(hello), 0) || hello.magic != FORKER_MAGIC) {
		forker_stop();
		return bench_fail(st, "%s did not start%s", path,
				  touch_mib ? " (its memory could not be had?)" : "");
	}
	snprintf(st->msg, sizeof(st->msg),
		 "forks done and timed by vmprobe-forker, a static parent of VmRSS %llu kB,"
		 " VmSize %llu kB, VmPTE %llu kB (what fork copies)",
		 (unsigned long long)hello.rss_kb, (unsigned long long)hello.vmsize_kb,
		 (unsigned long long)hello.pte_kb);
	return 0;
}

/* n forks in the forker; st->own_ticks gets its timing. 0 or -1. */
static int forker_run(struct bench_state *st, uint64_t n, int exec)
{
	struct forker_request q = { .n = n, .exec = (uint32_t)exec };
	struct forker_reply rep;
	struct sigaction old;
	int bad;

	if (bench_ignore_sigpipe(&old) != 0)
		return bench_fail_errno(st, "ignore SIGPIPE");
	bad = io_full(forker.to, &q, sizeof(q), 1) || io_full(forker.from, &rep, sizeof(rep), 0);
	bench_restore_sigpipe(&old);
	if (bad)
		return bench_fail(st, "vmprobe-forker stopped answering");
	if (rep.status) {
		rep.msg[sizeof(rep.msg) - 1] = '\0';
		return bench_fail(st, "%s", rep.msg);
	}
	st->own_ticks = rep.ticks ? rep.ticks : 1;
	return 0;
}

static int fork_exit_wait_setup(struct bench_state *st)
{
	return forker_start(st, 0, 0) < 0 ? -1 : 0;
}

/* fork-parent-N: needs the forker, since without it the parent would be vmprobe. */
static int fork_parent_valid(const struct bench_state *st, char *why, size_t whylen)
{
	char path[PATH_MAX];

	if (find_forker(path, sizeof(path)) == 0)
		return 1;
	snprintf(why, whylen, "vmprobe-forker not found: the parent would be vmprobe, not one of %ld MiB",
		 st->size);
	return 0;
}

static int fork_parent_setup(struct bench_state *st)
{
	int r = forker_start(st, 0, st->size);

	return r ? -1 : 0;
}

/* fork-dynamic: vmprobe's CPUs while the row pins it to one. */
static cpu_set_t dynamic_saved_cpus;

static int fork_dynamic_setup(struct bench_state *st)
{
	struct forker_hello size = { 0 };
	int cpu;

	/* pinning is best effort, as the forker's (1 is let pass) */
	if (bench_pin_here(&dynamic_saved_cpus, &cpu) < 0)
		return bench_fail_errno(st, "sched_getaffinity");
	forker_own_size(&size);
	snprintf(st->msg, sizeof(st->msg),
		 "forks done by vmprobe itself, a dynamically linked parent of VmRSS %llu kB,"
		 " VmSize %llu kB, VmPTE %llu kB, pinned to CPU %d", (unsigned long long)size.rss_kb,
		 (unsigned long long)size.vmsize_kb, (unsigned long long)size.pte_kb, cpu);
	return 0;
}

static void fork_dynamic_teardown(struct bench_state *st)
{
	(void)sched_setaffinity(0, sizeof(dynamic_saved_cpus), &dynamic_saved_cpus);
}

static void fork_teardown(struct bench_state *st)
{
	forker_stop();
}

static int fork_exit_wait_run(struct bench_state *st, uint64_t n)
{
	if (forker.pid > 0)
		return forker_run(st, n, 0);
	for (uint64_t i = 0; i < n; i++) {
		pid_t child = fork();

		if (child < 0)
			return bench_fail_errno(st, "fork");
		if (child == 0)
			_exit(0);
		if (reap(st, child) != 0)
			return -1;
	}
	return 0;
}

static int fork_exec_run(struct bench_state *st, uint64_t n)
{
	char *const argv[] = { noop_path, NULL };

	if (forker.pid > 0)
		return forker_run(st, n, 1);
	for (uint64_t i = 0; i < n; i++) {
		pid_t child = fork();

		if (child < 0)
			return bench_fail_errno(st, "fork");
		if (child == 0) {
			execve(noop_path, argv, environ);
			_exit(127);
		}
		if (reap(st, child) != 0)
			return -1;
	}
	return 0;
}

const struct bench bench_fork_exit_wait = {
	.name = "fork-exit-wait",
	.group = "macro",
	.panel = "macro",
	.summary = "fork a child that exits at once, and wait for it",
	.unit = "process",
	.flags = BENCH_FORKS,
	.setup = fork_exit_wait_setup,
	.run = fork_exit_wait_run,
	.teardown = fork_teardown,
};

const struct bench bench_fork_parent = {
	.name = "fork-parent",
	.group = "macro",
	.panel = "macro",
	.summary = "fork-exit-wait from a static parent with N MiB of touched memory (fork-exit-wait: N = 0)",
	.unit = "process",
	.flags = BENCH_FORKS,
	.sizes = { 16, 64, 256, 0 },
	.valid = fork_parent_valid,
	.setup = fork_parent_setup,
	.run = fork_exit_wait_run,
	.teardown = fork_teardown,
};

const struct bench bench_fork_dynamic = {
	.name = "fork-dynamic",
	.group = "macro",
	.panel = "macro",
	.summary = "fork-exit-wait from vmprobe itself: a dynamically linked parent (libc, json-c, libpfm4)",
	.unit = "process",
	.flags = BENCH_FORKS,
	.setup = fork_dynamic_setup,
	.run = fork_exit_wait_run,
	.teardown = fork_dynamic_teardown,
};

const struct bench bench_fork_exec = {
	.name = "fork-exec",
	.group = "macro",
	.panel = "macro",
	.summary = "fork a child that execs the static vmprobe-noop, and wait for it",
	.unit = "process",
	.flags = BENCH_FORKS,
	.valid = fork_exec_valid,
	.setup = fork_exec_setup,
	.run = fork_exec_run,
	.teardown = fork_teardown,
};
