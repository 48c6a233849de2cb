// SPDX-License-Identifier: GPL-2.0
/*
 * Every micro benchmark, one test each: setup, run with a small n, the
 * baseline, verify and teardown all succeed, and nothing is left behind
 * (same open fds as before, no child process). Rows that need the module
 * run on /dev/vmprobe where it is loaded; where it is not, they must refuse
 * with the insmod hint, and the test is skipped saying so (it has not run
 * the row). They fail with a message (not crash) when the fd is not
 * /dev/vmprobe.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "bench.h"
#include "kmodif.h"
#include "leak_checks.h"
#include "skip_because.h"

/* /dev/vmprobe opened once in main(), or -1 and why not. */
static int module_fd = -1;
static char module_why[128];


/* n per bench: enough to cross internal chunking (page-fault maps 256 pages at a time). */
static uint64_t small_n(const struct bench *b)
{
	if (strcmp(b->name, "page-fault") == 0)
		return 300;
	return 50;
}

static void one_row(const struct bench *b, long size)
{
	struct bench_state st = { .bench = b, .size = size, .devfd = module_fd, .cpu = -1 };
	uint64_t n = small_n(b);
	char why[BENCH_MSG_LEN] = "";
	int fds = count_fds();

	if (b->valid && !b->valid(&st, why, sizeof(why))) {
		/*
		 * Only the module's rows may skip here: without the module with
		 * the insmod hint; with it, for the reason the row gives (an op
		 * this CPU or kernel cannot run).
		 */
		assert_true(b->flags & BENCH_NEEDS_MODULE);
		if (module_fd >= 0)
			skip_because("%s", why);
		assert_non_null(strstr(why, "insmod vmprobe.ko"));
		skip_because("%s: %s", module_why, why);
	}
	if (b->measure) {	/* self-timed (the module's ktimed and gaps rows) */
		double ticks[2];
		struct bench_samples out = { .ticks = ticks, .cap = 2 };

		if (b->measure(&st, &out, 0.001) != 0)
			fail_msg("%s measure: %s", b->name, st.msg);
		assert_int_equal(out.count, out.cap);
		assert_true(out.ops_per_sample >= 1);
		assert_int_equal(count_fds(), fds);
		assert_no_children();
		return;
	}
	assert_non_null(b->run);
	if (b->setup && b->setup(&st) != 0)
		fail_msg("%s-%ld setup: %s", b->name, size, st.msg);
	if (b->run(&st, n) != 0)
		fail_msg("%s-%ld run: %s", b->name, size, st.msg);
	if (b->run_baseline && b->run_baseline(&st, n) != 0)
		fail_msg("%s-%ld baseline: %s", b->name, size, st.msg);
	/* A second run, as the harness repeats: state carries over correctly. */
	if (b->run(&st, n) != 0)
		fail_msg("%s-%ld second run: %s", b->name, size, st.msg);
	if (b->verify && b->verify(&st) != 0)
		fail_msg("%s-%ld verify: %s", b->name, size, st.msg);
	if (b->teardown) {
		b->teardown(&st);
		assert_null(st.priv);
	}
	assert_int_equal(count_fds(), fds);
	assert_no_children();
	if (size > 0 && strncmp(b->name, "read-", 5) == 0)
		assert_true(st.bytes_per_op == (double)size);
}

static void micro_lifecycle(void **state)
{
	const struct bench *b = *state;

	if (b->sizes[0] == 0) {
		one_row(b, 0);
		return;
	}
	for (size_t k = 0; k < BENCH_MAX_SIZES && b->sizes[k]; k++)
		one_row(b, b->sizes[k]);
}

/* With an fd that is not /dev/vmprobe, module rows fail cleanly with a message. */
static void module_rows_fail_on_a_wrong_device(void **state)
{
	int fd = open("/dev/null", O_RDWR);

	assert_true(fd >= 0);
	for (size_t i = 0; i < bench_table_len; i++) {
		const struct bench *b = bench_table[i];
		struct bench_state st = { .bench = b, .devfd = fd, .cpu = -1 };
		double ticks[4];
		struct bench_samples out = { .ticks = ticks, .cap = 4 };
		char why[BENCH_MSG_LEN];
		int rc;

		if (!(b->flags & BENCH_NEEDS_MODULE))
			continue;
		assert_true(b->valid(&st, why, sizeof(why)));	/* not EOPNOTSUPP: try it */
		if (b->measure) {
			rc = b->measure(&st, &out, 0.001);
		} else {
			rc = b->setup ? b->setup(&st) : 0;
			if (rc == 0)
				rc = b->run(&st, 1);
		}
		if (rc != -1)
			fail_msg("%s did not fail on /dev/null", b->name);
		if (strlen(st.msg) == 0)
			fail_msg("%s failed without a message", b->name);
	}
	close(fd);
}

static void null_syscall_is_enosys(void **state)
{
	const struct bench *b = bench_find("null-syscall");
	struct bench_state st = { .bench = b, .devfd = -1, .cpu = -1 };

	assert_int_equal(b->setup(&st), 0);
}

int main(void)
{
	struct CMUnitTest *tests = calloc(bench_table_len + 2, sizeof(*tests));
	size_t n = 0;

	assert_non_null(tests);
	module_fd = kmod_open(module_why, sizeof(module_why), NULL);
	for (size_t i = 0; i < bench_table_len; i++) {
		if (strcmp(bench_table[i]->group, "micro") != 0)
			continue;
		tests[n].name = bench_table[i]->name;
		tests[n].test_func = micro_lifecycle;
		tests[n].initial_state = (void *)bench_table[i];
		n++;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(module_rows_fail_on_a_wrong_device);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(null_syscall_is_enosys);
	return _cmocka_run_group_tests("bench_micro", tests, n, NULL, NULL);
}
