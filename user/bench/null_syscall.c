// SPDX-License-Identifier: GPL-2.0
/*
 * null-syscall: a system call number the kernel does not have, which it
 * answers with -ENOSYS after the entry path and the table bounds check:
 * the cheapest possible user->kernel->user round trip. One op = one call.
 */
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"

/* Far above any x86-64 or i386 syscall number, and below the x32 bit. */
#define NULL_SYSCALL_NR 4000L

static volatile long null_syscall_sink;

static int null_syscall_setup(struct bench_state *st)
{
	errno = 0;
	if (syscall(NULL_SYSCALL_NR) != -1 || errno != ENOSYS)
		return bench_fail(st, "syscall %ld did not fail with ENOSYS (errno %d)",
				  NULL_SYSCALL_NR, errno);
	return 0;
}

static int null_syscall_run(struct bench_state *st, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		null_syscall_sink = syscall(NULL_SYSCALL_NR);
	return 0;
}

const struct bench bench_null_syscall = {
	.name = "null-syscall",
	.group = "micro",
	.panel = "syscall",
	.summary = "invalid syscall number, answered -ENOSYS: the bare kernel round trip",
	.unit = "call",
	.setup = null_syscall_setup,
	.run = null_syscall_run,
};
