// SPDX-License-Identifier: GPL-2.0
/*
 * getpid through libc, and getpid-raw through syscall(SYS_getpid).
 *
 * glibc stopped caching the pid in 2.25, so both enter the kernel; the raw
 * row makes sure of it whatever libc is linked (musl, old glibc in a guest).
 * One op = one call.
 */
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

/* Keeps the result live so the call cannot be dropped. */
static volatile pid_t getpid_sink;

static int getpid_run(struct bench_state *st, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		getpid_sink = getpid();
	return 0;
}

static int getpid_raw_run(struct bench_state *st, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		getpid_sink = (pid_t)syscall(SYS_getpid);
	return 0;
}

const struct bench bench_getpid = {
	.name = "getpid",
	.group = "micro",
	.panel = "syscall",
	.summary = "getpid() through libc",
	.unit = "call",
	.run = getpid_run,
};

const struct bench bench_getpid_raw = {
	.name = "getpid-raw",
	.group = "micro",
	.panel = "syscall",
	.summary = "getpid as a raw syscall(SYS_getpid), never cached",
	.unit = "call",
	.run = getpid_raw_run,
};
