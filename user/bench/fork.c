// SPDX-License-Identifier: GPL-2.0
/*
 * Process creation, beyond the study (lmbench lat_proc):
 *   fork-exit-wait  fork a child that _exits at once, wait for it
 *   fork-exec       fork a child that execs vmprobe-noop (static, returns 0),
 *                   wait for it: adds loading an ELF image to the above
 * Both copy this process's page tables, so the figure depends on vmprobe's
 * own size; under shadow paging that copy is what costs. One op = one
 * child created and reaped; a child that does not exit 0 fails the run.
 *
 * vmprobe-noop is looked up next to /proc/self/exe, or taken from the
 * VMPROBE_NOOP environment variable (the unit tests run from build/tests/).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "util.h"

extern char **environ;

static char noop_path[PATH_MAX];

/* Finds vmprobe-noop; 0 and noop_path set, or -1 and why[] set. */
static int find_noop(char *why, size_t whylen)
{
	const char *env = getenv("VMPROBE_NOOP");
	char self[PATH_MAX];
	ssize_t len;
	char *slash;

	if (env && *env) {
		if (access(env, X_OK) != 0) {
			snprintf(why, whylen, "VMPROBE_NOOP=%s is not executable: %s", env,
				 strerror(errno));
			return -1;
		}
		snprintf(noop_path, sizeof(noop_path), "%s", env);
		return 0;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0) {
		snprintf(why, whylen, "cannot read /proc/self/exe: %s", strerror(errno));
		return -1;
	}
	self[len] = '\0';
	slash = strrchr(self, '/');
	if (slash)
		slash[1] = '\0';
	else
		self[0] = '\0';
	if ((size_t)snprintf(noop_path, sizeof(noop_path), "%svmprobe-noop", self) >= sizeof(noop_path) ||
	    access(noop_path, X_OK) != 0) {
		snprintf(why, whylen, "vmprobe-noop not found next to vmprobe (%.180s)", noop_path);
		return -1;
	}
	return 0;
}

static int fork_exec_valid(const struct bench_state *st, char *why, size_t whylen)
{
	return find_noop(why, whylen) == 0;
}

static int fork_exec_setup(struct bench_state *st)
{
	return find_noop(st->msg, sizeof(st->msg)) == 0 ? 0 : -1;
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

static int fork_exit_wait_run(struct bench_state *st, uint64_t n)
{
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
	.summary = "fork a child that exits at once, and wait for it",
	.unit = "process",
	.flags = BENCH_FORKS,
	.run = fork_exit_wait_run,
};

const struct bench bench_fork_exec = {
	.name = "fork-exec",
	.group = "macro",
	.summary = "fork a child that execs the static vmprobe-noop, and wait for it",
	.unit = "process",
	.flags = BENCH_FORKS,
	.valid = fork_exec_valid,
	.setup = fork_exec_setup,
	.run = fork_exec_run,
};
