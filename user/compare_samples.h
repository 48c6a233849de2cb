/* SPDX-License-Identifier: GPL-2.0 */
/* One row's samples in one file, grouped by boot: what the tests and the geometric means read. */
#ifndef VMPROBE_COMPARE_SAMPLES_H
#define VMPROBE_COMPARE_SAMPLES_H

#include "compare.h"

/* ---- one row's samples, grouped by boot ------------------------------------ */

struct row_samples {
	double **v;		/* per boot with the row ok: its samples */
	size_t *n;
	size_t count, total;
	bool unknown;		/* a boot's real time is unknown (ns only) */
};

void compare_samples_free(struct row_samples *s);
/* The row's samples in every boot of F that has it ok: real ns per op (NS) or ticks. 0 or -1 (memory). */
int compare_gather(const struct rio_result *f, const char *name, bool ns, struct row_samples *s);
/* Row NAME's real-time samples in the base (xs) and in FILE (ys); 0, or -1 (memory, none kept). */
int compare_gather_pair(const struct compare_table *t, const char *name, size_t file,
			struct row_samples *xs, struct row_samples *ys);
/* The samples as signif's clusters (one per boot). */
struct signif_clusters compare_clusters_of(const struct row_samples *s);
/* Seeds differ per row and file, and stay the same from run to run. */
uint64_t compare_seed_for(size_t row, size_t file, size_t what);

#endif /* VMPROBE_COMPARE_SAMPLES_H */
