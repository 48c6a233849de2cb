/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks that a benchmark left nothing behind: the unit tests of the
 * benchmarks count open fds before and after, and require no child left.
 * Include after <cmocka.h>.
 */
#ifndef VMPROBE_TEST_LEAK_CHECKS_H
#define VMPROBE_TEST_LEAK_CHECKS_H

#include <dirent.h>
#include <errno.h>
#include <sys/wait.h>

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void assert_no_children(void)
{
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

#endif
