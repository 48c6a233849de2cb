// SPDX-License-Identifier: GPL-2.0
/*
 * tlb-miss: what one 4 KiB TLB miss costs: a pointer chase with one cache
 * line per 4 KiB page over 16384 pages (64 MiB, far more pages than any
 * TLB holds), less the same chase over the same lines on 2 MiB pages
 * (transparent huge pages: 32 pages, all in the TLB). The lines, their
 * order and their cache colours are the same on both sides, so the
 * difference is the page walk a miss costs. Under nested paging a walk is
 * two-dimensional (each guest page-table level translated through the
 * host's), under shadow paging the guest's own walk is short but its
 * page-table updates trap: this is the row where those differ most.
 * One op = one access. The chase is random (Sattolo's cycle), so neither
 * the prefetchers nor the page walker's caches can follow it.
 *
 * The 2 MiB side needs transparent huge pages ("always" or "madvise");
 * setup checks /proc/self/smaps that the kernel really backed the region
 * with them and fails the row, saying how much it got, when it did not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common.h"
#include "tlb_miss.h"

struct tlb_region {
	char *map;		/* the mapping, for munmap */
	size_t map_len;
	void **start;		/* the chase's first line */
};

struct tlb_priv {
	struct tlb_region small, huge;
	void **at_small, **at_huge;	/* where each chase stopped: the next run goes on from there */
	long huge_kb;			/* AnonHugePages of the 2 MiB side (-1: smaps unreadable) */
};

static struct tlb_priv tlb_state;
static void *volatile tlb_sink;

/* splitmix64: the shuffle's numbers, reproducible from the seed. */
static uint64_t next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void **tlb_chase_build(char *base, size_t lines, uint64_t seed)
{
	size_t *order = malloc(lines * sizeof(*order));

	if (!order || !lines) {
		free(order);
		return NULL;
	}
	for (size_t i = 0; i < lines; i++)
		order[i] = i;
	/* Sattolo: j < i, so the permutation is a single cycle through every line. */
	for (size_t i = lines - 1; i > 0; i--) {
		size_t j = (size_t)(next_random(&seed) % i), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (size_t i = 0; i < lines; i++)
		*(void **)(base + tlb_line_offset(order[i])) = base + tlb_line_offset(order[(i + 1) % lines]);
	free(order);
	return (void **)(base + tlb_line_offset(0));
}

void **tlb_chase(void **p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		p = (void **)*p;
	return p;
}

/* Whether transparent huge pages can back an madvise()d region here; why not in why[]. */
static int thp_valid(const struct bench_state *st, char *why, size_t whylen)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	char mode[128] = "";

	if (f) {
		if (!fgets(mode, sizeof(mode), f))
			mode[0] = '\0';
		fclose(f);
	}
	if (strstr(mode, "[always]") || strstr(mode, "[madvise]"))
		return 1;
	snprintf(why, whylen, "transparent huge pages are not available here (%s): no 2 MiB side to"
		 " take off", mode[0] ? "enabled: [never]" : "no /sys/kernel/mm/transparent_hugepage");
	return 0;
}

/* kB of AnonHugePages /proc/self/smaps gives the mapping at ADDR; -1 unknown. */
static long huge_kb(const void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[256];
	int inside = 0;
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, ' ')) {
			inside = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
			continue;
		}
		if (inside && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/* A region for the chase: small pages (huge 0) or 2 MiB ones; 0, or -1 with st->msg. */
static int region_make(struct bench_state *st, struct tlb_region *r, int huge)
{
	size_t len = (size_t)TLB_LINES * TLB_PAGE;
	char *base;

	r->map_len = len + (huge ? TLB_HUGE : 0);	/* room to align to 2 MiB */
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		return bench_fail_errno(st, "mmap %zu bytes", r->map_len);
	}
	base = huge ? (char *)(((uintptr_t)r->map + TLB_HUGE - 1) & ~(uintptr_t)(TLB_HUGE - 1)) : r->map;
	if (madvise(base, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) && huge)
		return bench_fail_errno(st, "madvise(MADV_HUGEPAGE)");
	/* every page written first, so that a huge page is faulted whole */
	for (size_t off = 0; off < len; off += TLB_PAGE)
		base[off] = 1;
	r->start = tlb_chase_build(base, TLB_LINES, 0x766d70726f6265ull);
	if (!r->start)
		return bench_fail(st, "out of memory for the chase's order");
	if (huge) {
		long kb = tlb_state.huge_kb = huge_kb(base);

		if (kb >= 0 && (size_t)kb * 1024 < len - len / 8)
			return bench_fail(st, "the kernel backed %ld of %zu MiB with huge pages (fragmented"
					  " memory, or khugepaged off?): no clean 2 MiB side", kb / 1024,
					  len >> 20);
	}
	return 0;
}

static void tlb_teardown(struct bench_state *st)
{
	struct tlb_priv *p = &tlb_state;

	if (p->small.map)
		munmap(p->small.map, p->small.map_len);
	if (p->huge.map)
		munmap(p->huge.map, p->huge.map_len);
	memset(p, 0, sizeof(*p));
	st->priv = NULL;
}

static int tlb_setup(struct bench_state *st)
{
	struct tlb_priv *p = &tlb_state;

	memset(p, 0, sizeof(*p));
	st->priv = p;
	if (region_make(st, &p->small, 0) || region_make(st, &p->huge, 1)) {
		tlb_teardown(st);
		return -1;
	}
	p->at_small = p->small.start;
	p->at_huge = p->huge.start;
	snprintf(st->msg, sizeof(st->msg), "%u lines, one per 4 KiB page (%u MiB), against the same"
		 " on 2 MiB pages (AnonHugePages %ld kB): the difference is a 4 KiB TLB miss's page walk",
		 TLB_LINES, TLB_LINES * TLB_PAGE >> 20, p->huge_kb);
	return 0;
}

static int tlb_run(struct bench_state *st, uint64_t n)
{
	struct tlb_priv *p = st->priv;

	p->at_small = tlb_chase(p->at_small, n);
	tlb_sink = p->at_small;
	return 0;
}

static int tlb_baseline(struct bench_state *st, uint64_t n)
{
	struct tlb_priv *p = st->priv;

	p->at_huge = tlb_chase(p->at_huge, n);
	tlb_sink = p->at_huge;
	return 0;
}

const struct bench bench_tlb_miss = {
	.name = "tlb-miss",
	.group = "micro",
	.panel = "io",
	.summary = "pointer chase, one line per 4 KiB page over 64 MiB, less the same on 2 MiB pages",
	.unit = "access",
	.valid = thp_valid,
	.setup = tlb_setup,
	.run = tlb_run,
	.run_baseline = tlb_baseline,
	.teardown = tlb_teardown,
};
