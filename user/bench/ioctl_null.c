// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl-null: VMPROBE_IOC_NULL on /dev/vmprobe, which returns 0 at once;
 * the round trip through the ioctl path of a real driver. One op = one call.
 */
#include <sys/ioctl.h>

#include "common.h"
#include "uapi/vmprobe.h"

static int ioctl_null_setup(struct bench_state *st)
{
	if (ioctl(st->devfd, VMPROBE_IOC_NULL, 0) != 0)
		return bench_fail_errno(st, "VMPROBE_IOC_NULL");
	return 0;
}

static int ioctl_null_run(struct bench_state *st, uint64_t n)
{
	int failed = 0;

	/* Sum the results rather than branch on each: keeps the loop tight. */
	for (uint64_t i = 0; i < n; i++)
		failed |= ioctl(st->devfd, VMPROBE_IOC_NULL, 0);
	if (failed)
		return bench_fail_errno(st, "VMPROBE_IOC_NULL");
	return 0;
}

const struct bench bench_ioctl_null = {
	.name = "ioctl-null",
	.group = "micro",
	.panel = "syscall",
	.summary = "VMPROBE_IOC_NULL on /dev/vmprobe: a driver ioctl that does nothing",
	.unit = "call",
	.flags = BENCH_NEEDS_MODULE,
	.valid = bench_needs_module,
	.setup = ioctl_null_setup,
	.run = ioctl_null_run,
};
