// SPDX-License-Identifier: GPL-2.0
/*
 * mmap-munmap: map one anonymous page and unmap it without touching it:
 * VMA creation and removal, no fault. One op = one mmap plus one munmap.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "common.h"

static size_t mmap_page;

static int mmap_munmap_setup(struct bench_state *st)
{
	long page = sysconf(_SC_PAGESIZE);

	if (page <= 0)
		return bench_fail_errno(st, "sysconf(_SC_PAGESIZE)");
	mmap_page = (size_t)page;
	return 0;
}

static int mmap_munmap_run(struct bench_state *st, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		void *mem = mmap(NULL, mmap_page, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (mem == MAP_FAILED)
			return bench_fail_errno(st, "mmap");
		if (munmap(mem, mmap_page) != 0)
			return bench_fail_errno(st, "munmap");
	}
	return 0;
}

const struct bench bench_mmap_munmap = {
	.name = "mmap-munmap",
	.group = "micro",
	.panel = "io",
	.summary = "mmap of one anonymous page and its munmap, untouched",
	.unit = "mmap+munmap",
	.setup = mmap_munmap_setup,
	.run = mmap_munmap_run,
};
