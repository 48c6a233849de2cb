// SPDX-License-Identifier: GPL-2.0
/*
 * page-fault: the first write to an anonymous page: the fault, a zeroed
 * page allocated and mapped, and later its unmap and free. Under shadow
 * paging or EPT/NPT misses this is where a VMM's MMU virtualisation costs.
 *
 * One op = one fixed amount of work: map 1 MiB (256 pages of 4 KiB),
 * write one byte per page, unmap it (the freeing and the TLB flush of the
 * 256 pages included); run_baseline maps and unmaps the same 1 MiB without
 * the writes, so the figure is what touching 256 pages adds, whatever n
 * the harness picks. (Before, an op was one page in chunks of min(n, 256)
 * pages, so each page carried 1/n of an munmap and a TLB flush, and n
 * differed per VMM: host 2048, Xen 1.) Divide by 256 for one page.
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
	for (uint64_t i = 0; i < n; i++)
		if (map_touch_unmap(st, PAGE_FAULT_CHUNK_PAGES, touch) != 0)
			return -1;
	return 0;
}

static int page_fault_run(struct bench_state *st, uint64_t n)
{
	struct page_fault_priv *p = st->priv;

	p->wanted += n * PAGE_FAULT_CHUNK_PAGES;
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
	.panel = "io",
	.summary = "first write to 256 anonymous pages of a 1 MiB mapping, and their unmap"
		   " (mmap/munmap taken off by the baseline)",
	.unit = "256 pages",
	.setup = page_fault_setup,
	.run = page_fault_run,
	.run_baseline = page_fault_baseline,
	.verify = page_fault_verify,
};
