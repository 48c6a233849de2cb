// SPDX-License-Identifier: GPL-2.0
/*
 * permcheck: /dev/vmprobe is root's only (mode 0600). As root: the node is
 * a 0600 character device and the module answers; as an unprivileged user
 * (setuid 1000 in a child): open fails with EACCES. Prints TAP.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uapi/vmprobe.h"
#include "tap.h"

#define UNPRIVILEGED_ID	1000

/* In the child: 0 when both opens were refused with EACCES. */
static int open_as_user(void)
{
	int rw, ro, rw_err, ro_err;

	if (setgroups(0, NULL) || setgid(UNPRIVILEGED_ID) || setuid(UNPRIVILEGED_ID)) {
		perror("permcheck: dropping root");
		return 2;
	}
	rw = open(VMPROBE_DEVICE, O_RDWR);
	rw_err = errno;
	ro = open(VMPROBE_DEVICE, O_RDONLY);
	ro_err = errno;
	printf("# uid %d: open O_RDWR %s, O_RDONLY %s\n", (int)getuid(),
	       rw < 0 ? strerror(rw_err) : "succeeded", ro < 0 ? strerror(ro_err) : "succeeded");
	return rw < 0 && rw_err == EACCES && ro < 0 && ro_err == EACCES ? 0 : 1;
}

int main(void)
{
	struct vmprobe_info info = { .size = sizeof(info), .calib_ms = 1 };
	struct stat st;
	int fd, status;
	pid_t pid;

	if (!tap_ok(getuid() == 0, "running as root (uid %d)", (int)getuid()))
		return tap_done();
	memset(&st, 0, sizeof(st));
	if (stat(VMPROBE_DEVICE, &st))
		perror("permcheck: stat " VMPROBE_DEVICE);
	tap_ok(S_ISCHR(st.st_mode) &&
	       (st.st_mode & 07777) == 0600 && st.st_uid == 0,
	       "%s is a character device, mode 0600, owned by root (mode %o)",
	       VMPROBE_DEVICE, (unsigned int)(st.st_mode & 07777));
	fd = open(VMPROBE_DEVICE, O_RDWR);
	tap_ok(fd >= 0 && ioctl(fd, VMPROBE_IOC_NULL, 0) == 0 &&
	       ioctl(fd, VMPROBE_IOC_INFO, &info) == 0 && info.abi_version == VMPROBE_ABI_VERSION,
	       "root opens it and the module answers NULL and INFO");
	if (fd >= 0)
		close(fd);

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(open_as_user());
	tap_ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0,
	       "uid %d cannot open %s (EACCES)", UNPRIVILEGED_ID, VMPROBE_DEVICE);
	return tap_done();
}
