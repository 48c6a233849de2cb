// SPDX-License-Identifier: GPL-2.0
/*
 * permcheck: /dev/vmprobe is root's only (mode 0600) and, whatever its
 * mode, needs CAP_SYS_RAWIO. As root: the node is a 0600 character device
 * and the module answers; as an unprivileged user (setuid 1000 in a
 * child): open fails with EACCES; with the node chmod'ed 0666, it fails
 * with EPERM, as it does for root without CAP_SYS_RAWIO, while root still
 * opens it. The mode is put back to 0600 at the end. Prints TAP.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uapi/vmprobe.h"
#include "tap.h"

#define UNPRIVILEGED_ID	1000

/* In the child: 0 when both opens were refused with @want. */
static int open_as_user(int want)
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
	return rw < 0 && rw_err == want && ro < 0 && ro_err == want ? 0 : 1;
}

/* In the child: root without CAP_SYS_RAWIO; 0 when open fails with EPERM. */
static int open_without_rawio(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	int rw, err;

	if (syscall(SYS_capget, &hdr, data)) {
		perror("permcheck: capget");
		return 2;
	}
	data[CAP_SYS_RAWIO / 32].effective &= ~(1u << (CAP_SYS_RAWIO % 32));
	data[CAP_SYS_RAWIO / 32].permitted &= ~(1u << (CAP_SYS_RAWIO % 32));
	if (syscall(SYS_capset, &hdr, data)) {
		perror("permcheck: capset");
		return 2;
	}
	rw = open(VMPROBE_DEVICE, O_RDWR);
	err = errno;
	printf("# uid %d without CAP_SYS_RAWIO: open O_RDWR %s\n", (int)getuid(),
	       rw < 0 ? strerror(err) : "succeeded");
	return rw < 0 && err == EPERM ? 0 : 1;
}

/* Runs @fn(@arg) in a child; 1 when it exited 0. */
static int in_child(int (*fn)(int), int arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(fn(arg));
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

static int no_rawio(int unused)
{
	return open_without_rawio();
}

int main(void)
{
	struct vmprobe_info info = { .size = sizeof(info), .calib_ms = 1 };
	struct stat st;
	int fd;

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

	tap_ok(in_child(open_as_user, EACCES), "uid %d cannot open %s (EACCES: mode 0600)",
	       UNPRIVILEGED_ID, VMPROBE_DEVICE);
	tap_ok(in_child(no_rawio, 0), "root without CAP_SYS_RAWIO cannot open %s (EPERM)",
	       VMPROBE_DEVICE);

	/* What a udev rule or a bind mount could do: the capability still rules. */
	if (tap_ok(chmod(VMPROBE_DEVICE, 0666) == 0, "chmod 0666 %s", VMPROBE_DEVICE)) {
		tap_ok(in_child(open_as_user, EPERM),
		       "uid %d cannot open the 0666 node either (EPERM: no CAP_SYS_RAWIO)",
		       UNPRIVILEGED_ID);
		fd = open(VMPROBE_DEVICE, O_RDWR);
		tap_ok(fd >= 0 && ioctl(fd, VMPROBE_IOC_NULL, 0) == 0,
		       "root still opens the 0666 node and the module answers");
		if (fd >= 0)
			close(fd);
		tap_ok(chmod(VMPROBE_DEVICE, 0600) == 0, "mode back to 0600");
	}
	return tap_done();
}
