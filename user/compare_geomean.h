/* SPDX-License-Identifier: GPL-2.0 */
/* The geometric means of the ratios per group and file, with their intervals. */
#ifndef VMPROBE_COMPARE_GEOMEAN_H
#define VMPROBE_COMPARE_GEOMEAN_H

#include "compare.h"

/*
 * Geometric means of the ratios over the rows every file has, without the
 * rows the base traps. A group with no such row has no mean (rows 0).
 */
int compare_geomeans(struct compare_table *t);

#endif /* VMPROBE_COMPARE_GEOMEAN_H */
