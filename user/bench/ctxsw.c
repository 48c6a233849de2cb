// SPDX-License-Identifier: GPL-2.0
/*
 * ctxsw-1cpu, ctxsw-2cpu: context switch latency of 2 tasks, lmbench
 * lat_ctx style: this process and a child pass a 4-byte token back and
 * forth through two pipes. One op = one round trip = 2 context switches
 * (lat_ctx prints half of it, per switch).
 *
 *   ctxsw-1cpu  both pinned to one CPU: each hop is a real switch.
 *   ctxsw-2cpu  pinned to two CPUs: each hop is a cross-CPU wakeup
 *               (an IPI, which a VMM must virtualise); skipped on 1 CPU.
 *
 * run_baseline does the same two pipe writes and two reads in one task, so
 * the figure left is the switching, not the pipe code. The child adds one
 * to the token it echoes; verify() checks the count of round trips.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "util.h"

struct ctxsw_priv {
	pid_t child;
	int to_child[2], to_parent[2];	/* the token's two pipes */
	int self_a[2], self_b[2];	/* the baseline's pipes, one task */
	cpu_set_t saved_affinity;
	int restore_affinity;
	struct sigaction saved_sigpipe;
	int restore_sigpipe;
	int cpu_parent, cpu_child;
	uint32_t token;			/* == round trips done, the child adds 1 each */
	uint64_t round_trips;
};

static int ctxsw_valid_2cpu(const struct bench_state *st, char *why, size_t whylen)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (cpus < 2) {
		snprintf(why, whylen, "needs 2 online CPUs, this system has %ld", cpus);
		return 0;
	}
	return 1;
}

static int pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* All LEN bytes or -1 (end of file counts as failure). */
static int read_full(int fd, void *buf, size_t len)
{
	return util_read_full(fd, buf, len) == (ssize_t)len ? 0 : -1;
}

/* The child: pin, report its CPU, then echo token + 1 until EOF. */
static void __attribute__((noreturn)) ctxsw_child(struct ctxsw_priv *p, pid_t parent)
{
	int cpu;
	uint32_t token;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	close(p->to_child[1]);
	close(p->to_parent[0]);
	cpu = pin_to(p->cpu_child) == 0 ? p->cpu_child : -1;
	if (write(p->to_parent[1], &cpu, sizeof(cpu)) != sizeof(cpu) || cpu < 0)
		_exit(1);
	while (read_full(p->to_child[0], &token, sizeof(token)) == 0) {
		token++;
		if (write(p->to_parent[1], &token, sizeof(token)) != sizeof(token))
			_exit(1);
	}
	_exit(0);
}

static void close_pair(int fds[2])
{
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

static void ctxsw_teardown(struct bench_state *st)
{
	struct ctxsw_priv *p = st->priv;

	if (!p)
		return;
	/* EOF on its pipe makes the child exit; reap it (SIGKILL if it lingers). */
	close_pair(p->to_child);
	close_pair(p->to_parent);
	close_pair(p->self_a);
	close_pair(p->self_b);
	if (p->child > 0) {
		int status;
		pid_t r;

		r = util_waitpid(p->child, &status, 0);
		if (r != p->child)
			bench_kill_child(&p->child);
		p->child = -1;
	}
	if (p->restore_affinity)
		sched_setaffinity(0, sizeof(p->saved_affinity), &p->saved_affinity);
	if (p->restore_sigpipe)
		bench_restore_sigpipe(&p->saved_sigpipe);
	free(p);
	st->priv = NULL;
}

static int ctxsw_setup(struct bench_state *st, int two_cpus)
{
	struct ctxsw_priv *p = calloc(1, sizeof(*p));
	pid_t parent = getpid();
	int cpu = -1;

	if (!p)
		return bench_fail(st, "out of memory");
	p->child = -1;
	p->to_child[0] = p->to_child[1] = p->to_parent[0] = p->to_parent[1] = -1;
	p->self_a[0] = p->self_a[1] = p->self_b[0] = p->self_b[1] = -1;
	st->priv = p;

	if (sched_getaffinity(0, sizeof(p->saved_affinity), &p->saved_affinity) != 0) {
		bench_fail_errno(st, "sched_getaffinity");
		ctxsw_teardown(st);
		return -1;
	}
	p->cpu_parent = st->cpu >= 0 ? st->cpu : sched_getcpu();
	if (p->cpu_parent < 0)
		p->cpu_parent = 0;
	p->cpu_child = two_cpus ? bench_other_cpu(&p->saved_affinity, p->cpu_parent) : p->cpu_parent;
	if (p->cpu_child < 0) {
		bench_fail(st, "no second CPU to put the child on");
		ctxsw_teardown(st);
		return -1;
	}
	if (pin_to(p->cpu_parent) != 0) {
		bench_fail_errno(st, "pin to CPU %d", p->cpu_parent);
		ctxsw_teardown(st);
		return -1;
	}
	p->restore_affinity = 1;
	if (bench_ignore_sigpipe(&p->saved_sigpipe) != 0) {
		bench_fail_errno(st, "ignore SIGPIPE");
		ctxsw_teardown(st);
		return -1;
	}
	p->restore_sigpipe = 1;

	if (pipe2(p->to_child, O_CLOEXEC) || pipe2(p->to_parent, O_CLOEXEC) ||
	    pipe2(p->self_a, O_CLOEXEC) || pipe2(p->self_b, O_CLOEXEC)) {
		bench_fail_errno(st, "pipe");
		ctxsw_teardown(st);
		return -1;
	}
	p->child = fork();
	if (p->child < 0) {
		bench_fail_errno(st, "fork");
		ctxsw_teardown(st);
		return -1;
	}
	if (p->child == 0)
		ctxsw_child(p, parent);
	close(p->to_child[0]);
	p->to_child[0] = -1;
	close(p->to_parent[1]);
	p->to_parent[1] = -1;
	if (read_full(p->to_parent[0], &cpu, sizeof(cpu)) != 0 || cpu != p->cpu_child) {
		bench_fail(st, "the child could not pin itself to CPU %d", p->cpu_child);
		ctxsw_teardown(st);
		return -1;
	}
	return 0;
}

static int ctxsw_setup_1cpu(struct bench_state *st)
{
	return ctxsw_setup(st, 0);
}

static int ctxsw_setup_2cpu(struct bench_state *st)
{
	return ctxsw_setup(st, 1);
}

static int ctxsw_run(struct bench_state *st, uint64_t n)
{
	struct ctxsw_priv *p = st->priv;
	uint32_t reply;

	for (uint64_t i = 0; i < n; i++) {
		if (write(p->to_child[1], &p->token, sizeof(p->token)) != sizeof(p->token))
			return bench_fail_errno(st, "write to the child");
		if (read_full(p->to_parent[0], &reply, sizeof(reply)) != 0)
			return bench_fail(st, "the child stopped answering");
		p->token = reply;
	}
	p->round_trips += n;
	return 0;
}

static int ctxsw_baseline(struct bench_state *st, uint64_t n)
{
	struct ctxsw_priv *p = st->priv;
	uint32_t token = 0;

	for (uint64_t i = 0; i < n; i++) {
		if (write(p->self_a[1], &token, sizeof(token)) != sizeof(token) ||
		    read_full(p->self_a[0], &token, sizeof(token)) != 0)
			return bench_fail_errno(st, "baseline pipe a");
		token++;
		if (write(p->self_b[1], &token, sizeof(token)) != sizeof(token) ||
		    read_full(p->self_b[0], &token, sizeof(token)) != 0)
			return bench_fail_errno(st, "baseline pipe b");
	}
	return 0;
}

static int ctxsw_verify(struct bench_state *st)
{
	struct ctxsw_priv *p = st->priv;

	if (p->token != (uint32_t)p->round_trips)
		return bench_fail(st, "token is %u after %llu round trips", p->token,
				  (unsigned long long)p->round_trips);
	return 0;
}

const struct bench bench_ctxsw_1cpu = {
	.name = "ctxsw-1cpu",
	.group = "macro",
	.panel = "macro",
	.summary = "token round trip between 2 processes on one CPU via 2 pipes (= 2 switches)",
	.unit = "round-trip",
	.flags = BENCH_FORKS,
	.setup = ctxsw_setup_1cpu,
	.run = ctxsw_run,
	.run_baseline = ctxsw_baseline,
	.verify = ctxsw_verify,
	.teardown = ctxsw_teardown,
};

const struct bench bench_ctxsw_2cpu = {
	.name = "ctxsw-2cpu",
	.group = "macro",
	.panel = "macro",
	.summary = "token round trip between 2 processes on two CPUs via 2 pipes (2 wakeups)",
	.unit = "round-trip",
	.flags = BENCH_FORKS,
	.valid = ctxsw_valid_2cpu,
	.setup = ctxsw_setup_2cpu,
	.run = ctxsw_run,
	.run_baseline = ctxsw_baseline,
	.verify = ctxsw_verify,
	.teardown = ctxsw_teardown,
};
