// SPDX-License-Identifier: GPL-2.0
/* The fork-based slow probe (harness_probe.h). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness_probe.h"
#include "plan.h"

struct probe_report {
	uint64_t ticks;
	int ret;
	char msg[BENCH_MSG_LEN];
};

/*
 * One op of a BENCH_SLOW row in a child process (copy-on-write of the
 * set-up state), killed at limit_s: a row too slow for its share costs
 * the share, not the op. Returns 0 (*one_op_s set), 1 too slow, 2 stopped
 * by a signal, -1 failed (st->msg set).
 */
static int probe_in_child(struct harness *h, struct bench_state *st, double limit_s,
			  double *one_op_s)
{
	struct probe_report rep = { 0 };
	double deadline = monotonic_s() + limit_s;
	int pfd[2], status, result = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC)) {
		snprintf(st->msg, sizeof(st->msg), "probe pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(st->msg, sizeof(st->msg), "probe fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		close(pfd[0]);
		st->own_ticks = 0;
		rep.ticks = harness_timed_call(st->bench->run, st, 1, &rep.ret);
		if (st->own_ticks)
			rep.ticks = st->own_ticks;
		memcpy(rep.msg, st->msg, sizeof(rep.msg));
		_exit(write(pfd[1], &rep, sizeof(rep)) == sizeof(rep) ? 0 : 1);
	}
	close(pfd[1]);
	h->ops_run++;	/* the child's op runs in this VM too (a VMM counting exits sees it) */
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		double left = deadline - monotonic_s();
		int r;

		if (harness_stopping(h)) {
			result = 2;
			break;
		}
		if (left <= 0) {
			result = 1;
			break;
		}
		r = poll(&p, 1, (int)fmin(left * 1e3 + 1, 100));
		if (r > 0)
			break;
	}
	if (result == 0 && harness_stopping(h))	/* a terminal's ^C reaches the child too */
		result = 2;
	if (result == 0) {
		if (read(pfd[0], &rep, sizeof(rep)) != sizeof(rep)) {
			snprintf(st->msg, sizeof(st->msg), "probe child died without a result");
			result = -1;
		} else if (rep.ret) {
			memcpy(st->msg, rep.msg, sizeof(st->msg));
			st->msg[sizeof(st->msg) - 1] = '\0';
			result = -1;
		} else {
			*one_op_s = rep.ticks / h->cfg.clock->hz;
		}
	}
	if (result)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (result == -1 && !rep.ret && WIFSIGNALED(status))
		snprintf(st->msg, sizeof(st->msg), "probe child killed by %s",
			 strsignal(WTERMSIG(status)));
	close(pfd[0]);
	return result;
}

/*
 * A BENCH_SLOW row's probe of one op in a child. Returns 0 (ok, *one_op_s
 * set), 1 stopped by a signal, 2 the row is done (skipped or failed).
 */
int harness_probe_slow(struct harness *h, struct bench_state *st, struct row_result *r,
		       double share_s, int parts, double *one_op_s)
{
	double most_s = fmax(share_s, h->stretch_s);
	double limit = plan_slow_limit(share_s, h->stretch_s, parts);

	switch (probe_in_child(h, st, limit, one_op_s)) {
	case 1:
		r->status = ROW_SKIPPED;
		snprintf(r->reason, sizeof(r->reason),
			 "too slow for the time budget: one op took more than %.3g s"
			 " (stopped; a third of the row's most of %.3g s)", limit, most_s);
		return 2;
	case 2:
		return 1;
	case -1:
		harness_row_fail(r, "run", st);
		return 2;
	}
	if (*one_op_s > limit) {
		r->status = ROW_SKIPPED;
		snprintf(r->reason, sizeof(r->reason),
			 "too slow for the time budget: one op took %.3g s"
			 " (a third of the row's most of %.3g s)", *one_op_s, most_s);
		return 2;
	}
	return 0;
}
