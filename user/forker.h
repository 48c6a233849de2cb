/* SPDX-License-Identifier: GPL-2.0 */
/* The protocol between vmprobe's fork rows and vmprobe-forker (user/tools/vmprobe-forker.c). */
#ifndef VMPROBE_FORKER_H
#define VMPROBE_FORKER_H

#include <stdint.h>

#define FORKER_MAGIC 0x766d666bu	/* "vmfk" */

struct forker_hello {
	uint32_t magic;
	uint64_t rss_kb, vmsize_kb, pte_kb;	/* the forker's own size: what fork copies */
};

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
