/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TLB-miss row's layout (user/bench/tlb_miss.c), exposed for its unit
 * test: one cache line per 4 KiB page, each at its own colour, chained in
 * one random cycle.
 */
#ifndef VMPROBE_BENCH_TLB_MISS_H
#define VMPROBE_BENCH_TLB_MISS_H

#include <stddef.h>
#include <stdint.h>

#define TLB_PAGE	4096u
#define TLB_LINE	64u
#define TLB_COLOURS	(TLB_PAGE / TLB_LINE)	/* line offsets a page has: lines spread over the cache sets */
#define TLB_HUGE	(2u << 20)
/* 64 MiB of 4 KiB pages: far beyond any x86 second-level TLB (at most 3072 entries), and 32 huge pages. */
#define TLB_LINES	16384u

/* Where line I lives in the region: page I, at colour I mod TLB_COLOURS. */
static inline size_t tlb_line_offset(size_t i)
{
	return i * TLB_PAGE + (i % TLB_COLOURS) * TLB_LINE;
}

/*
 * Chains LINES lines of the region at BASE (tlb_line_offset) into one cycle
 * in a random order from SEED (Sattolo's shuffle: every line once, no
 * shorter cycle), each line's first word pointing to the next line.
 * Returns the first line.
 */
void **tlb_chase_build(char *base, size_t lines, uint64_t seed);

/* Follows N links from P; returns where it stopped. */
void **tlb_chase(void **p, uint64_t n);

#endif /* VMPROBE_BENCH_TLB_MISS_H */
