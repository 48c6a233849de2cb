// SPDX-License-Identifier: GPL-2.0
/*
 * page-fault: the first write to an anonymous page: the fault, a zeroed
 * page allocated and mapped, and later its unmap and free. Under shadow
 * paging or EPT/NPT misses this is where a VMM's MMU virtualisation costs.
 *
 * run maps a region, writes one byte per page, unmaps it, in chunks;
 * run_baseline does the same mmap/munmap without the writes, so the per-op
 * figure the harness reports is what touching one page adds.
 * One op = one page touched for the first time.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "common.h"

/* 1 MiB per mapping: below 2 MiB so no transparent huge page can back it. */
#define PAGE_FAULT_CHUNK_PAGES 256

struct page_fault_priv {
	size_t page;
	uint64_t touched;	/* pages written, for verify */
	uint64_t wanted;
};

static struct page_fault_priv page_fault_state;

static int page_fault_setup(struct bench_state *st)
{
	long page = sysconf(_SC_PAGESIZE);

	if (page <= 0)
		return bench_fail_errno(st, "sysconf(_SC_PAGESIZE)");
	page_fault_state = (struct page_fault_priv){ .page = (size_t)page };
	st->priv = &page_fault_state;
	return 0;
}

/* Maps `pages` anonymous pages, optionally writes each, unmaps them. */
static int map_touch_unmap(struct bench_state *st, size_t pages, int touch)
{
	struct page_fault_priv *p = st->priv;
	size_t len = pages * p->page;
	volatile unsigned char *mem;

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return bench_fail_errno(st, "mmap %zu bytes", len);
	/* A neighbouring mapping could merge into a huge-page-able range. */
	madvise((void *)mem, len, MADV_NOHUGEPAGE);
	if (touch) {
		for (size_t i = 0; i < pages; i++)
			mem[i * p->page] = 1;
		p->touched += pages;
	}
	if (munmap((void *)mem, len) != 0)
		return bench_fail_errno(st, "munmap");
	return 0;
}

static int page_fault_loop(struct bench_state *st, uint64_t n, int touch)
{
	while (n > 0) {
		size_t pages = n < PAGE_FAULT_CHUNK_PAGES ? (size_t)n : PAGE_FAULT_CHUNK_PAGES;

		if (map_touch_unmap(st, pages, touch) != 0)
			return -1;
		n -= pages;
	}
	return 0;
}

static int page_fault_run(struct bench_state *st, uint64_t n)
{
	struct page_fault_priv *p = st->priv;

	p->wanted += n;
	return page_fault_loop(st, n, 1);
}

static int page_fault_baseline(struct bench_state *st, uint64_t n)
{
	return page_fault_loop(st, n, 0);
}

static int page_fault_verify(struct bench_state *st)
{
	struct page_fault_priv *p = st->priv;

	if (p->touched != p->wanted)
		return bench_fail(st, "touched %llu pages, asked for %llu",
				  (unsigned long long)p->touched, (unsigned long long)p->wanted);
	return 0;
}

const struct bench bench_page_fault = {
	.name = "page-fault",
	.group = "micro",
	.summary = "first write to an anonymous page (mmap/munmap taken off by the baseline)",
	.unit = "page",
	.setup = page_fault_setup,
	.run = page_fault_run,
	.run_baseline = page_fault_baseline,
	.verify = page_fault_verify,
};
