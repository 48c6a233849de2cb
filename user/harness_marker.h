/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Markers: "@@vmprobe begin|end ROW SEQ" lines on cfg.markers_fd around each
 * row, which a VMM's log or `vmprobe annotate` lines up with the rows.
 */
#ifndef VMPROBE_HARNESS_MARKER_H
#define VMPROBE_HARNESS_MARKER_H

#include "harness_state.h"

void harness_marker(struct harness *h, const char *what, const char *name);

#endif /* VMPROBE_HARNESS_MARKER_H */
