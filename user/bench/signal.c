// SPDX-License-Identifier: GPL-2.0
/*
 * signal: send SIGUSR1 to this thread (tgkill) and have it delivered to a
 * handler: the kernel builds a signal frame on the user stack, runs the
 * handler, and rt_sigreturn restores the context. One op = one signal
 * sent, handled and returned from.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"

struct signal_priv {
	struct sigaction old_action;
	sigset_t old_mask;
	pid_t pid, tid;
	uint64_t sent;
};

static volatile uint64_t signal_handled;

static void signal_count(int sig)
{
	(void)sig;
	signal_handled++;
}

static int signal_setup(struct bench_state *st)
{
	struct signal_priv *p = calloc(1, sizeof(*p));
	struct sigaction sa;
	sigset_t usr1;

	if (!p)
		return bench_fail(st, "out of memory");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = signal_count;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, &p->old_action) != 0) {
		free(p);
		return bench_fail_errno(st, "sigaction SIGUSR1");
	}
	/* A blocked SIGUSR1 would never reach the handler: unblock it. */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &usr1, &p->old_mask);
	/* raise() would add two sigprocmask calls around tgkill: call it directly. */
	p->pid = getpid();
	p->tid = (pid_t)syscall(SYS_gettid);
	signal_handled = 0;
	st->priv = p;
	return 0;
}

static void signal_teardown(struct bench_state *st)
{
	struct signal_priv *p = st->priv;

	if (!p)
		return;
	sigprocmask(SIG_SETMASK, &p->old_mask, NULL);
	sigaction(SIGUSR1, &p->old_action, NULL);
	free(p);
	st->priv = NULL;
}

static int signal_run(struct bench_state *st, uint64_t n)
{
	struct signal_priv *p = st->priv;

	for (uint64_t i = 0; i < n; i++)
		if (syscall(SYS_tgkill, p->pid, p->tid, SIGUSR1) != 0)
			return bench_fail_errno(st, "tgkill SIGUSR1");
	p->sent += n;
	return 0;
}

static int signal_verify(struct bench_state *st)
{
	struct signal_priv *p = st->priv;

	if (signal_handled != p->sent)
		return bench_fail(st, "sent %llu signals, handler ran %llu times",
				  (unsigned long long)p->sent, (unsigned long long)signal_handled);
	return 0;
}

const struct bench bench_signal = {
	.name = "signal",
	.group = "micro",
	.panel = "syscall",
	.summary = "SIGUSR1 to self (tgkill) delivered to a handler and returned from",
	.unit = "signal",
	.setup = signal_setup,
	.run = signal_run,
	.verify = signal_verify,
	.teardown = signal_teardown,
};
