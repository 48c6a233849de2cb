// SPDX-License-Identifier: GPL-2.0
/* Progress of `vmprobe run/all` on stderr (see progress.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

static struct {
	bool started, fancy;
	double t0, budget_s;
	size_t index, total;
	char name[96];
} run;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

bool progress_fancy(int fd)
{
	const char *term = getenv("TERM"), *tty;

	if (!isatty(fd) || !term || !*term || !strcmp(term, "dumb"))
		return false;
	/* A guest's console is a terminal too, but a log: keep it plain. */
	tty = ttyname(fd);
	return tty && strcmp(tty, "/dev/console") && strncmp(tty, "/dev/ttyS", 9) &&
	       strncmp(tty, "/dev/hvc", 8) && strncmp(tty, "/dev/ttyAMA", 11) &&
	       strncmp(tty, "/dev/xvc", 8);
}

void progress_start(double budget_s)
{
	run.started = true;
	run.fancy = progress_fancy(STDERR_FILENO);
	run.t0 = now_s();
	run.budget_s = budget_s;
}

double progress_estimate_left(double elapsed_s, size_t done, size_t total, double budget_s)
{
	double est = NAN;

	if (done > 0 && total >= done)
		est = elapsed_s / (double)done * (double)(total - done);
	if (budget_s > 0) {
		double rest = fmax(budget_s - elapsed_s, 0);

		est = isnan(est) ? rest : fmin(est, rest);
	}
	return est;
}

static const char *fmt_duration(double s, char *buf, size_t len)
{
	long t = lround(s);

	if (t >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
	return buf;
}

void progress_row_begin(size_t index, size_t total, const char *name)
{
	run.index = index;
	run.total = total;
	snprintf(run.name, sizeof(run.name), "%s", name);
	if (run.started && run.fancy) {
		double elapsed = now_s() - run.t0;
		double left = progress_estimate_left(elapsed, index, total, run.budget_s);
		char a[32], b[32];

		/* Rewritten by the row's end: the status part never reaches the scrollback. */
		fprintf(stderr, "\r\033[K[%zu/%zu] %s ... (%s elapsed%s%s%s)", index + 1, total, name,
			fmt_duration(elapsed, a, sizeof(a)), isnan(left) ? "" : ", about ",
			isnan(left) ? "" : fmt_duration(left, b, sizeof(b)), isnan(left) ? "" : " left");
	} else {
		fprintf(stderr, "[%zu/%zu] %s ...", index + 1, total, name);
	}
	fflush(stderr);
}

void progress_row_end(const char *fmt, ...)
{
	va_list ap;

	if (run.started && run.fancy)
		fprintf(stderr, "\r\033[K[%zu/%zu] %s ...", run.index + 1, run.total, run.name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
