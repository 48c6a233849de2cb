// SPDX-License-Identifier: GPL-2.0
/* Markers (harness_marker.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness_marker.h"

void harness_marker(struct harness *h, const char *what, const char *name)
{
	char line[160];
	int len;

	if (h->cfg.markers_fd < 0)
		return;
	len = snprintf(line, sizeof(line), "@@vmprobe %s %s %u\n", what, name, h->marker_seq);
	if (write(h->cfg.markers_fd, line, len) != len)
		fprintf(stderr, "vmprobe: writing a marker: %s\n", strerror(errno));
}
