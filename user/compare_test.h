/* SPDX-License-Identifier: GPL-2.0 */
/* Significance: each cell against the base, and the multiple-test correction per column. */
#ifndef VMPROBE_COMPARE_TEST_H
#define VMPROBE_COMPARE_TEST_H

#include "compare.h"

/*
 * Cell C of row NAME in FILE against the base cell: its ratio, the test
 * (over boots, or on pooled samples) and its interval. 0, or -1 (memory).
 */
int compare_to_base(const struct compare_table *t, const char *name, size_t file,
		    struct compare_cell *base, struct compare_cell *c);
/* Each column's family of tests corrected (Benjamini-Hochberg), and the counts of tests. 0 or -1. */
int compare_correct_columns(struct compare_table *t);

#endif /* VMPROBE_COMPARE_TEST_H */
