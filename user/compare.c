// SPDX-License-Identifier: GPL-2.0
/*
 * The comparison's lowest room: the names and facts of a table's files and
 * cells that the builder and the renderers share. The table is built in
 * compare_build.c (on compare_samples.c, compare_test.c, compare_geomean.c);
 * rendering is in compare_{render,text,csv,json,plot,screen}.c, the command in
 * compare_cmd.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"

const char *const compare_group_names[COMPARE_GROUPS] = { "micro", "macro" };

int compare_group_index(const char *group)
{
	for (int g = 0; g < COMPARE_GROUPS; g++)
		if (!strcmp(group, compare_group_names[g]))
			return g;
	return -1;
}

const char *compare_ticks_unit(const struct rio_result *r)
{
	return rio_ticks_are_instructions(r) ? "instr" : "cycles";
}

const char *compare_time_source(const struct rio_result *r)
{
	if (r->host_clock.present && r->host_clock.virtual_time)
		return "host-clock";
	if (r->clock == RIO_CLOCK_TSC)
		return "tsc";
	return r->host_clock.present && !isnan(r->host_clock.guest_ns) ? "guest-clock" : NULL;
}

const char *compare_test_name(enum compare_test t)
{
	return t == TEST_BOOTS ? "boots" : t == TEST_SAMPLES ? "pooled" : NULL;
}

const char *compare_basis_label(const struct compare_cell *c)
{
	return c->tested && c->test == TEST_SAMPLES ? "pooled" : NULL;
}

const char *compare_test_legend(const struct compare_table *t, char *buf, size_t len)
{
	snprintf(buf, len, "the ratio is that of the geometric means of the per-boot medians, and "
		 "a cell differs from the base when the ratio's CI excludes 1, or when every boot of "
		 "one file is beyond %gx every boot of the other in the same direction. The CI is "
		 "Welch's t interval on the log per-boot medians (boots are the replicates) at level "
		 "1 - R alpha/m, alpha %g: m the column's cells on boots, R those Benjamini-Hochberg "
		 "finds at false-discovery rate alpha (Benjamini-Yekutieli's false-coverage "
		 "interval), so a verdict depends on its own column only. Where a file has 1 boot "
		 "(\"pooled\", %zu of %zu cells) the samples of every boot are pooled, boot-to-boot "
		 "spread unmeasured: the interval is Moses' for the Hodges-Lehmann shift, corrected in "
		 "a family of its own, and needs %zu samples per side (fewer: too few repetitions)",
		 COMPARE_SEPARATED_FACTOR, t->alpha, t->pooled, t->tests, t->min_reps);
	return buf;
}

const char *compare_boots_note(const struct compare_table *t, size_t file, char *buf, size_t len)
{
	const struct rio_result *f = &t->files[file];
	size_t n = rio_boot_count(f);

	if (n > 1)
		snprintf(buf, len, "%s: %zu boots; figures are geometric means of the per-boot "
			 "medians, with a %g%% t interval over boots", f->label, n,
			 100 * COMPARE_CI_LEVEL);
	else
		snprintf(buf, len, "%s: 1 boot; figures are its medians, and its cells are tested on "
			 "pooled samples", f->label);
	return buf;
}

const char *compare_base_traps(const struct rio_result *base, const char *name)
{
	/* Instructions VT-x and SVM hosts (KVM) always intercept. */
	static const char *const always_exit[] = { "cpuid", "ktimed-cpuid0", "ktimed-cpuid1",
						   "ktimed-pio" };
	const struct rio_bench *b;

	if (!base->host_vmm || !strcmp(base->host_vmm, "none"))
		return NULL;
	for (size_t i = 0; i < sizeof(always_exit) / sizeof(always_exit[0]); i++)
		if (!strcmp(name, always_exit[i]))
			return "the base runs under a hypervisor, which intercepts this instruction";
	b = rio_find_bench(base, name);
	if (b && b->status == RIO_OK && b->exits.present && b->exits.per_op >= 1)
		return "the base's own row counted a VM exit per op or more";
	return NULL;
}
