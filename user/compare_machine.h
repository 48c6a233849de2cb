/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which machine each result file's figures come from, and what sets two
 * apart: figures from different machines (another CPU, another hypervisor
 * under the VMM) are not the VMM's doing, and a reader must be told.
 */
#ifndef VMPROBE_COMPARE_MACHINE_H
#define VMPROBE_COMPARE_MACHINE_H

#include <stdbool.h>
#include <stddef.h>

#include "resultio.h"

/* Relative TSC rates closer than this are one machine's (calibration error is ~1e-5). */
#define COMPARE_MACHINE_TSC_TOLERANCE	0.002

/*
 * What differs between the machines of BASE and OTHER ("cpu X vs Y; TSC
 * 2.096 vs 2.596 GHz; ..."), into buf; false with buf "" when none does,
 * or when either file does not record its machine (see compare_machine_unknown).
 */
bool compare_machine_differs(const struct rio_result *base, const struct rio_result *other,
			     char *buf, size_t len);

/* What a table says of file R (after its label) when it does not record the machine its VMM ran on, or NULL. */
const char *compare_machine_unknown(const struct rio_result *r, char *buf, size_t len);

/*
 * The one note (after FILE's label) a table prints for FILE: another machine
 * than the base's, or none recorded; NULL when neither.
 */
const char *compare_machine_note(const struct rio_result *base, const struct rio_result *file,
				 char *buf, size_t len);

/*
 * A boot whose host's load average (1, 5 or 15 min, at its start or end) was
 * above the machine's CPUs + this waited for a CPU: the VMM's own threads
 * count in the load (1 for an emulator, 2 for QEMU's two vCPUs).
 */
#define COMPARE_MACHINE_LOAD_MARGIN	1

/*
 * The note a table prints for R (after its label) when one of its boots ran
 * on a loaded host (see COMPARE_MACHINE_LOAD_MARGIN), or NULL; *load_max
 * (may be NULL) gets the highest load of its boots, NAN when none recorded.
 */
const char *compare_machine_load_note(const struct rio_result *r, double *load_max,
				      char *buf, size_t len);

#endif /* VMPROBE_COMPARE_MACHINE_H */
