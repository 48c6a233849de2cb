// SPDX-License-Identifier: GPL-2.0
// What UML's system call path costs the host, without UML: a tracer stops a
// tracee at each getpid with PTRACE_SYSEMU (as UML's kernel does its
// processes) and lets it go on. Samples of OPS stops, timed with
// CLOCK_MONOTONIC; prints each sample's ns per op and its start time.
//   ptrace-stops SAMPLES OPS [same|split|free]
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PTRACE_SYSEMU
#define PTRACE_SYSEMU 31
#endif

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	sched_setaffinity(0, sizeof(s), &s);
}

int main(int argc, char **argv)
{
	int samples = argc > 1 ? atoi(argv[1]) : 400, ops = argc > 2 ? atoi(argv[2]) : 64;
	const char *mode = argc > 3 ? argv[3] : "free";
	pid_t child;
	int st;
	double start;

	child = fork();
	if (child == 0) {
		if (!strcmp(mode, "same"))
			pin(0);
		else if (!strcmp(mode, "split"))
			pin(1);
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		for (;;)
			syscall(SYS_getpid);
	}
	if (strcmp(mode, "free"))
		pin(0);
	waitpid(child, &st, 0);
	ptrace(PTRACE_SETOPTIONS, child, 0, PTRACE_O_EXITKILL);
	start = now();
	for (int s = 0; s < samples; s++) {
		double t0 = now(), t1;

		for (int i = 0; i < ops; i++) {
			ptrace(PTRACE_SYSEMU, child, 0, 0);
			waitpid(child, &st, 0);
		}
		t1 = now();
		printf("%.3f %.1f\n", (t0 - start) / 1e6, (t1 - t0) / ops);
	}
	kill(child, SIGKILL);
	return 0;
}
