/* SPDX-License-Identifier: GPL-2.0 */
/* One small /proc or tracefs file read whole, for the static helpers in user/tools/. */
#ifndef VMPROBE_TOOLS_READ_SMALL_H
#define VMPROBE_TOOLS_READ_SMALL_H

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

/* Up to cap - 1 bytes of PATH into buf, NUL-terminated: the length, or -1 when it cannot be opened. */
static inline ssize_t read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, total = 0;

	if (fd < 0)
		return -1;
	while ((size_t)total + 1 < cap && (n = read(fd, buf + total, cap - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = '\0';
	return total;
}

#endif /* VMPROBE_TOOLS_READ_SMALL_H */
