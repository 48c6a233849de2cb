/* SPDX-License-Identifier: GPL-2.0 */
/* The protocol between vmprobe's fork rows and vmprobe-forker (user/tools/vmprobe-forker.c). */
#ifndef VMPROBE_FORKER_H
#define VMPROBE_FORKER_H

#include <stdint.h>
#include <stdio.h>

#define FORKER_MAGIC 0x766d666bu	/* "vmfk" */
#define FORKER_MAX_TOUCH_MIB 4096	/* --touch-mib: the largest parent it will make */

struct forker_hello {
	uint32_t magic;
	uint64_t rss_kb, vmsize_kb, pte_kb;	/* the forker's own size: what fork copies */
};

/* VmRSS, VmSize and VmPTE of this process, kB (what fork copies); left as they are where unreadable. */
static inline void forker_own_size(struct forker_hello *h)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (sscanf(line, "VmRSS: %llu", &v) == 1)
			h->rss_kb = v;
		else if (sscanf(line, "VmSize: %llu", &v) == 1)
			h->vmsize_kb = v;
		else if (sscanf(line, "VmPTE: %llu", &v) == 1)
			h->pte_kb = v;
	}
	fclose(f);
}

struct forker_request {
	uint64_t n;		/* forks to do */
	uint32_t exec;		/* 1: the child execs the forker's argv[1] */
};

struct forker_reply {
	uint64_t ticks;		/* TSC ticks of the n forks, the empty bracket subtracted */
	int32_t status;		/* 0, or -1 with msg */
	char msg[200];
};

#endif /* VMPROBE_FORKER_H */
