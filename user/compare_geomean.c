// SPDX-License-Identifier: GPL-2.0
/* Geometric means (compare_geomean.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare_geomean.h"
#include "compare_samples.h"

static bool has_ratio(const struct compare_cell *c)
{
	return c->ratio > 0 && isfinite(c->ratio);
}

/* Whether file I has a ratio in any row of group G (a file with no real time has none). */
static bool file_has_ratios(const struct compare_table *t, size_t i, int g)
{
	for (size_t r = 0; r < t->row_count; r++)
		if (compare_group_index(t->rows[r].group) == g && has_ratio(&t->rows[r].cells[i]))
			return true;
	return false;
}

/*
 * Whether row R counts in group G's geometric means: a ratio in every file
 * that has ratios in G at all, so that every mean is over the same rows. A
 * file with none (an instruction clock never annotated) gets no mean and
 * does not empty everyone else's.
 */
static bool geomean_row(const struct compare_table *t, size_t r, int g, const bool *counts)
{
	const struct compare_row *row = &t->rows[r];

	if (compare_group_index(row->group) != g)
		return false;
	for (size_t i = 0; i < t->file_count; i++)
		if (counts[i] && !has_ratio(&row->cells[i]))
			return false;
	return true;
}

/*
 * File F's per-boot mean of log ns over ROWS[0..count) into g[0..boots): the
 * boot effect a boot shares with every row is in it. A row missing from a
 * boot counts with its mean over the boots that have it (which keeps the
 * mean over boots the mean of the rows' log figures). False when a figure
 * is not > 0.
 */
static bool boot_log_means(const struct compare_table *t, size_t f, const size_t *rows,
			   size_t count, double *g)
{
	size_t boots = rio_boot_count(&t->files[f]);

	for (size_t k = 0; k < boots; k++)
		g[k] = 0;
	for (size_t j = 0; j < count; j++) {
		const struct compare_cell *c = &t->rows[rows[j]].cells[f];
		double sum = 0, mean;
		bool have[boots];

		memset(have, 0, sizeof(have));
		for (size_t k = 0; k < c->boots; k++) {
			if (!(c->boot[k].ns > 0))
				return false;
			sum += log(c->boot[k].ns);
		}
		if (!c->boots)
			return false;
		mean = sum / (double)c->boots;
		for (size_t k = 0; k < c->boots; k++) {
			g[c->boot[k].index] += log(c->boot[k].ns) / (double)count;
			have[c->boot[k].index] = true;
		}
		for (size_t k = 0; k < boots; k++)
			if (!have[k])
				g[k] += mean / (double)count;
	}
	return true;
}

/*
 * The geomean's CI over boots: Welch's t interval on the per-boot mean log
 * figures of base and file I (one draw of a boot serves every row). 0 with
 * the CI set, 1 when a file has fewer than 2 boots, -1 (memory).
 */
static int geomean_boots_ci(const struct compare_table *t, size_t i, const size_t *rows,
			    size_t count, struct compare_geomean *gm)
{
	size_t na = rio_boot_count(&t->files[0]), nb = rio_boot_count(&t->files[i]);
	struct welch_result w;

	if (na < 2 || nb < 2)
		return 1;
	double ga[na], gb[nb];

	if (!boot_log_means(t, 0, rows, count, ga) || !boot_log_means(t, i, rows, count, gb) ||
	    signif_welch(ga, na, gb, nb, &w))
		return 1;
	signif_welch_ci(&w, COMPARE_CI_LEVEL, &gm->ci_low, &gm->ci_high);
	gm->ci_low = exp(gm->ci_low);
	gm->ci_high = exp(gm->ci_high);
	return 0;
}

/*
 * The old CI for a file with 1 boot: every row's figure redrawn (boots,
 * then samples) in base and file I, the geomean recomputed. 0 or -1 (memory).
 */
static int geomean_bootstrap_ci(const struct compare_table *t, size_t i, int g, const size_t *rows,
				size_t count, struct compare_geomean *gm)
{
	struct row_samples *s = calloc(2 * count + 1, sizeof(*s));
	double *col = malloc(COMPARE_BOOTSTRAP * sizeof(double));
	struct signif_rng rng = { compare_seed_for(i, 0, 0x100 + (size_t)g) };
	size_t finite = 0;
	int rc = -1;

	if (!s || !col)
		goto out;
	for (size_t k = 0; k < count; k++)
		if (compare_gather(&t->files[0], t->rows[rows[k]].name, true, &s[2 * k]) ||
		    compare_gather(&t->files[i], t->rows[rows[k]].name, true, &s[2 * k + 1]))
			goto out;
	for (size_t b = 0; b < COMPARE_BOOTSTRAP; b++) {
		double log_sum = 0, base, other, v;

		for (size_t k = 0; k < count; k++) {
			struct signif_clusters cb = compare_clusters_of(&s[2 * k]), co = compare_clusters_of(&s[2 * k + 1]);

			if (signif_cluster_resample(&cb, &rng, &base) ||
			    signif_cluster_resample(&co, &rng, &other))
				goto out;
			log_sum += log(other / base);
		}
		v = exp(log_sum / (double)count);
		if (isfinite(v) && v > 0)
			col[finite++] = v;
	}
	/* A replicate with a non-positive figure has no ratio: no CI rather than a biased one. */
	if (finite == COMPARE_BOOTSTRAP)
		signif_percentile_ci(col, finite, COMPARE_CI_LEVEL, &gm->ci_low, &gm->ci_high);
	gm->ci_bootstrap = true;
	rc = 0;
out:
	for (size_t k = 0; s && k < 2 * count; k++)
		compare_samples_free(&s[k]);
	free(s);
	free(col);
	return rc;
}

/*
 * Geometric means of the ratios over the rows every file has, without the
 * rows the base traps. A group with no such row has no mean (rows 0).
 */
int compare_geomeans(struct compare_table *t)
{
	size_t n = t->file_count, rows = t->row_count ? t->row_count : 1;
	double *ratios = malloc(rows * sizeof(double));
	size_t *used = malloc(rows * sizeof(size_t));
	bool *counts = calloc(n, sizeof(bool));
	int rc = -1;

	t->geomeans = calloc(COMPARE_GROUPS * n, sizeof(*t->geomeans));
	if (!t->geomeans || !ratios || !used || !counts)
		goto out;
	for (int g = 0; g < COMPARE_GROUPS; g++) {
		size_t count = 0, trapped = 0;

		for (size_t i = 0; i < n; i++)
			counts[i] = file_has_ratios(t, i, g);
		for (size_t r = 0; r < t->row_count; r++) {
			if (!geomean_row(t, r, g, counts))
				continue;
			if (t->rows[r].base_traps)
				trapped++;
			else
				used[count++] = r;
		}
		for (size_t i = 0; i < n; i++) {
			struct compare_geomean *gm = &t->geomeans[g * n + i];
			int ci;

			gm->ratio = gm->ci_low = gm->ci_high = NAN;
			if (!counts[i] || !count)
				continue;
			for (size_t k = 0; k < count; k++)
				ratios[k] = t->rows[used[k]].cells[i].ratio;
			gm->rows = count;
			gm->trapped = trapped;
			if (signif_geomean(ratios, count, &gm->ratio))
				gm->ratio = NAN;
			if (i == 0)
				continue;
			ci = geomean_boots_ci(t, i, used, count, gm);
			if (ci < 0 || (ci > 0 && geomean_bootstrap_ci(t, i, g, used, count, gm)))
				goto out;
		}
	}
	rc = 0;
out:
	free(ratios);
	free(used);
	free(counts);
	return rc;
}
