// SPDX-License-Identifier: GPL-2.0
/* One row's samples, grouped by boot (compare_samples.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare_samples.h"

void compare_samples_free(struct row_samples *s)
{
	for (size_t k = 0; k < s->count; k++)
		free(s->v[k]);
	free(s->v);
	free(s->n);
	memset(s, 0, sizeof(*s));
}

/* The row's samples in every boot of F that has it ok: real ns per op (NS) or ticks. 0 or -1 (memory). */
int compare_gather(const struct rio_result *f, const char *name, bool ns, struct row_samples *s)
{
	size_t boots = rio_boot_count(f);

	memset(s, 0, sizeof(*s));
	s->v = calloc(boots, sizeof(*s->v));
	s->n = calloc(boots, sizeof(*s->n));
	if (!s->v || !s->n)
		goto oom;
	for (size_t k = 0; k < boots; k++) {
		const struct rio_result *boot = rio_boot(f, k);
		const struct rio_bench *b = rio_find_bench(boot, name);
		double *v;

		if (!b || b->status != RIO_OK || !b->sample_count)
			continue;
		v = malloc(b->sample_count * sizeof(double));
		if (!v)
			goto oom;
		for (size_t i = 0; i < b->sample_count; i++) {
			/* Each boot with its own clock: its TSC rate, its host-clock scale. */
			v[i] = ns ? rio_ticks_to_ns(boot, b, b->samples_ticks[i]) : b->samples_ticks[i];
			s->unknown |= !isfinite(v[i]);
		}
		s->v[s->count] = v;
		s->n[s->count++] = b->sample_count;
		s->total += b->sample_count;
	}
	return 0;
oom:
	compare_samples_free(s);
	return -1;
}

int compare_gather_pair(const struct compare_table *t, const char *name, size_t file,
			struct row_samples *xs, struct row_samples *ys)
{
	if (compare_gather(&t->files[0], name, true, xs))
		return -1;
	if (compare_gather(&t->files[file], name, true, ys)) {
		compare_samples_free(xs);
		return -1;
	}
	return 0;
}

struct signif_clusters compare_clusters_of(const struct row_samples *s)
{
	return (struct signif_clusters){ (const double *const *)s->v, s->n, s->count };
}

/* Seeds differ per row and file, and stay the same from run to run. */
uint64_t compare_seed_for(size_t row, size_t file, size_t what)
{
	return 0x766d70726f6265ULL ^ ((uint64_t)row << 20) ^ ((uint64_t)file << 8) ^ what;
}
