// SPDX-License-Identifier: GPL-2.0
/*
 * The macro benchmarks' correctness checks: verify() passes on the real
 * result and fails once the result is corrupted after the run (matmul,
 * bubblesort, pipe-bandwidth); the process benchmarks work, fail when a
 * child dies or an exec fails, and leave no fd or child behind either way.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "bench.h"
#include "leak_checks.h"
#include "bench/bubblesort.h"
#include "bench/matmul.h"
#include "bench/pipe_bandwidth.h"


/* The one child this thread has (the benchmark's), from /proc; -1 if none or several. */
static pid_t only_child(void)
{
	char path[64];
	FILE *f;
	int pid = -1, second = -1;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/children", (long)syscall(SYS_gettid));
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d %d", &pid, &second) != 1)
		pid = -1;
	fclose(f);
	return pid;
}

static void must(int rc, struct bench_state *st, const char *what)
{
	if (rc != 0)
		fail_msg("%s %s: %s", st->bench->name, what, st->msg);
}

static void start(struct bench_state *st, const char *name, long size)
{
	*st = (struct bench_state){ .bench = bench_find(name), .size = size, .devfd = -1, .cpu = -1 };
	assert_non_null(st->bench);
	if (st->bench->setup)
		must(st->bench->setup(st), st, "setup");
}

/* ---- matmul ------------------------------------------------------------ */

static void matmul_right_result_verifies(void **state)
{
	static const long sizes[] = { 1, 10, 37, 100 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct bench_state st;

		start(&st, "matmul", sizes[i]);
		must(st.bench->run(&st, 2), &st, "run");
		must(st.bench->verify(&st), &st, "verify");
		st.bench->teardown(&st);
	}
}

static void matmul_wrong_result_fails(void **state)
{
	struct bench_state st;
	struct matmul_priv *p;
	size_t n = 37;

	start(&st, "matmul", (long)n);
	p = st.priv;
	/* Nothing computed yet: C is all zero. */
	assert_int_equal(st.bench->verify(&st), -1);
	must(st.bench->run(&st, 1), &st, "run");
	must(st.bench->verify(&st), &st, "verify");

	/* One element off by one, anywhere. */
	p->c[n * n - 1] += 1;
	assert_int_equal(st.bench->verify(&st), -1);
	assert_non_null(strstr(st.msg, "row 36"));
	p->c[n * n - 1] -= 1;
	p->c[5 * n + 7] -= 0.5;
	assert_int_equal(st.bench->verify(&st), -1);
	p->c[5 * n + 7] += 0.5;
	must(st.bench->verify(&st), &st, "verify restored");

	/* The transpose (a classic indexing bug): A B is not symmetric here. */
	int symmetric = 1;

	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			double t = p->c[i * n + j];

			symmetric &= t == p->c[j * n + i];
			p->c[i * n + j] = p->c[j * n + i];
			p->c[j * n + i] = t;
		}
	assert_false(symmetric);
	assert_int_equal(st.bench->verify(&st), -1);
	st.bench->teardown(&st);
}

static void matmul_rejects_bad_sizes(void **state)
{
	const struct bench *b = bench_find("matmul");
	struct bench_state st = { .bench = b, .size = 0, .devfd = -1, .cpu = -1 };

	assert_int_equal(b->setup(&st), -1);
	assert_non_null(strstr(st.msg, "out of range"));
	st.size = -5;
	assert_int_equal(b->setup(&st), -1);
	st.size = 1000000;
	assert_int_equal(b->setup(&st), -1);
	assert_null(st.priv);
}

/* ---- bubblesort -------------------------------------------------------- */

static void bubblesort_right_result_verifies(void **state)
{
	static const long sizes[] = { 1, 2, 1000, 3001 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct bench_state st;

		start(&st, "bubblesort", sizes[i]);
		must(st.bench->run(&st, 2), &st, "run");
		must(st.bench->verify(&st), &st, "verify");
		st.bench->teardown(&st);
	}
}

static void bubblesort_rejects_bad_sizes(void **state)
{
	const struct bench *b = bench_find("bubblesort");
	struct bench_state st = { .bench = b, .size = 0, .devfd = -1, .cpu = -1 };

	assert_int_equal(b->setup(&st), -1);
	assert_non_null(strstr(st.msg, "out of range"));
	st.size = 100000000;
	assert_int_equal(b->setup(&st), -1);
	assert_null(st.priv);
}

static void bubblesort_wrong_result_fails(void **state)
{
	struct bench_state st;
	struct bubblesort_priv *p;
	int32_t t;

	start(&st, "bubblesort", 1000);
	p = st.priv;
	/* The input itself is not sorted. */
	assert_int_equal(st.bench->verify(&st), -1);
	must(st.bench->run(&st, 1), &st, "run");
	must(st.bench->verify(&st), &st, "verify");

	/* Two neighbours swapped: out of order. */
	assert_true(p->work[10] < p->work[11]);
	t = p->work[10];
	p->work[10] = p->work[11];
	p->work[11] = t;
	assert_int_equal(st.bench->verify(&st), -1);
	assert_non_null(strstr(st.msg, "not sorted"));
	p->work[11] = p->work[10];
	p->work[10] = t;
	must(st.bench->verify(&st), &st, "verify restored");

	/* Still in order but not the input: one element duplicated over its neighbour. */
	p->work[501] = p->work[500];
	assert_int_equal(st.bench->verify(&st), -1);
	assert_non_null(strstr(st.msg, "permutation"));
	st.bench->teardown(&st);
}

/* ---- pipe-bandwidth ---------------------------------------------------- */

static void pipe_bandwidth_right_and_wrong(void **state)
{
	int fds = count_fds();
	struct bench_state st;
	struct pipe_bw_priv *p;

	start(&st, "pipe-bandwidth", 0);
	p = st.priv;
	assert_true(st.bytes_per_op == 50.0 * 1024 * 1024);
	must(st.bench->run(&st, 2), &st, "run");
	must(st.bench->verify(&st), &st, "verify");
	assert_int_equal(p->stamps, PIPE_BW_CHUNKS);

	p->bytes -= 1;
	assert_int_equal(st.bench->verify(&st), -1);
	assert_non_null(strstr(st.msg, "received"));
	p->bytes += 1;
	p->stamps -= 1;		/* a chunk lost */
	assert_int_equal(st.bench->verify(&st), -1);
	p->stamps += 1;
	p->stamp_sum += 1;	/* a chunk from the wrong place */
	assert_int_equal(st.bench->verify(&st), -1);
	p->stamp_sum -= 1;
	p->bad_stamps = 1;
	assert_int_equal(st.bench->verify(&st), -1);
	p->bad_stamps = 0;
	p->bad_samples = 3;	/* payload bytes changed */
	assert_int_equal(st.bench->verify(&st), -1);
	p->bad_samples = 0;
	must(st.bench->verify(&st), &st, "verify restored");

	st.bench->teardown(&st);
	assert_int_equal(count_fds(), fds);
	assert_no_children();
}

/*
 * Reads of odd lengths: stamps split across reads are put together. With
 * 32770-byte reads the second read ends 4 bytes into the second chunk's
 * stamp, as long as the pipe hands over full reads (it is kept full).
 */
static void pipe_bandwidth_odd_reads_verify(void **state)
{
	static const size_t lens[] = { 32770, 4099, 1021 };
	uint32_t splits = 0;

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct bench_state st;
		struct pipe_bw_priv *p;

		start(&st, "pipe-bandwidth", 0);
		p = st.priv;
		p->read_len = lens[i];
		must(st.bench->run(&st, 1), &st, "run");
		must(st.bench->verify(&st), &st, "verify");
		assert_int_equal(p->stamps, PIPE_BW_CHUNKS);
		splits += p->split_stamps;
		st.bench->teardown(&st);
	}
	assert_true(splits > 0);
}

static void pipe_bandwidth_writer_death_fails_cleanly(void **state)
{
	int fds = count_fds();
	struct bench_state st;
	struct pipe_bw_priv *p;

	start(&st, "pipe-bandwidth", 0);
	p = st.priv;
	assert_int_equal(kill(p->child, SIGKILL), 0);
	assert_int_equal(st.bench->run(&st, 1), -1);
	assert_true(strlen(st.msg) > 0);
	st.bench->teardown(&st);
	assert_int_equal(count_fds(), fds);
	assert_no_children();
}

/* ---- ctxsw ------------------------------------------------------------- */

static void ctxsw_runs_and_cleans_up(void **state)
{
	static const char *const names[] = { "ctxsw-1cpu", "ctxsw-2cpu" };

	for (size_t i = 0; i < 2; i++) {
		const struct bench *b = bench_find(names[i]);
		struct bench_state st = { .bench = b, .devfd = -1, .cpu = -1 };
		cpu_set_t before, after;
		char why[BENCH_MSG_LEN];
		int fds = count_fds();

		if (b->valid && !b->valid(&st, why, sizeof(why))) {
			/* Only 2cpu may skip, only on a machine with one CPU. */
			assert_true(sysconf(_SC_NPROCESSORS_ONLN) < 2);
			continue;
		}
		assert_int_equal(sched_getaffinity(0, sizeof(before), &before), 0);
		must(b->setup(&st), &st, "setup");
		must(b->run(&st, 500), &st, "run");
		must(b->run_baseline(&st, 500), &st, "baseline");
		must(b->run(&st, 500), &st, "run again");
		must(b->verify(&st), &st, "verify");
		b->teardown(&st);
		assert_int_equal(sched_getaffinity(0, sizeof(after), &after), 0);
		assert_true(CPU_EQUAL(&before, &after));
		assert_int_equal(count_fds(), fds);
		assert_no_children();
	}
}

/*
 * One op is a round trip: this task switches out once per op, either
 * blocked in read (voluntary) or preempted by the child it just woke
 * (involuntary, the reply then waits in the pipe); the child likewise.
 */
static void ctxsw_op_is_a_round_trip(void **state)
{
	struct bench_state st;
	struct rusage before, after;
	const uint64_t n = 400;
	long switches;

	start(&st, "ctxsw-1cpu", 0);
	assert_int_equal(getrusage(RUSAGE_SELF, &before), 0);
	must(st.bench->run(&st, n), &st, "run");
	assert_int_equal(getrusage(RUSAGE_SELF, &after), 0);
	must(st.bench->verify(&st), &st, "verify");
	st.bench->teardown(&st);
	switches = (after.ru_nvcsw - before.ru_nvcsw) + (after.ru_nivcsw - before.ru_nivcsw);
	/* Exactly n when nothing else runs; never far below, never far above. */
	if (switches < (long)n * 9 / 10 || switches > (long)n * 3)
		fail_msg("%ld switches for %llu round trips", switches,
			 (unsigned long long)n);
}

static void ctxsw_partner_death_fails_cleanly(void **state)
{
	int fds = count_fds();
	struct bench_state st;
	pid_t child;

	start(&st, "ctxsw-1cpu", 0);
	child = only_child();
	if (child <= 0)
		fail_msg("no child found in /proc/self/task/TID/children");
	assert_int_equal(kill(child, SIGKILL), 0);
	assert_int_equal(st.bench->run(&st, 10), -1);
	assert_non_null(strstr(st.msg, "child"));
	st.bench->teardown(&st);
	assert_int_equal(count_fds(), fds);
	assert_no_children();
}

/* ---- fork-exit-wait, fork-exec ----------------------------------------- */

static void fork_exit_wait_runs(void **state)
{
	struct bench_state st;

	start(&st, "fork-exit-wait", 0);
	must(st.bench->run(&st, 20), &st, "run");
	assert_no_children();
}

/* build/tests/test_bench_macro -> build/vmprobe-noop */
static int noop_next_to_build(char *path, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n < 0)
		return -1;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	snprintf(path, len, "%s/../vmprobe-noop", self);
	return access(path, X_OK);
}

static void fork_exec_runs_noop(void **state)
{
	const struct bench *b = bench_find("fork-exec");
	struct bench_state st = { .bench = b, .devfd = -1, .cpu = -1 };
	char noop[PATH_MAX + 32], why[BENCH_MSG_LEN];

	if (noop_next_to_build(noop, sizeof(noop)) != 0)
		fail_msg("build/vmprobe-noop is missing: make build/vmprobe-noop");
	setenv("VMPROBE_NOOP", noop, 1);
	assert_true(b->valid(&st, why, sizeof(why)));
	must(b->setup(&st), &st, "setup");
	must(b->run(&st, 10), &st, "run");
	assert_no_children();
	unsetenv("VMPROBE_NOOP");
}

static void fork_exec_failures_are_reported(void **state)
{
	const struct bench *b = bench_find("fork-exec");
	struct bench_state st = { .bench = b, .devfd = -1, .cpu = -1 };
	char why[BENCH_MSG_LEN] = "";

	/* Absent: skipped, with the reason. */
	setenv("VMPROBE_NOOP", "/nonexistent/vmprobe-noop", 1);
	assert_false(b->valid(&st, why, sizeof(why)));
	assert_non_null(strstr(why, "VMPROBE_NOOP"));

	/* Exits non-zero: the run fails and says so. */
	setenv("VMPROBE_NOOP", "/bin/false", 1);
	must(b->setup(&st), &st, "setup");
	assert_int_equal(b->run(&st, 3), -1);
	assert_non_null(strstr(st.msg, "status 1"));
	assert_no_children();

	/* Executable but not a program: exec fails in the child, status 127. */
	char junk[] = "/tmp/vmprobe-test-junk-XXXXXX";
	int fd = mkstemp(junk);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\x01\x02junk", 6), 6);
	close(fd);
	assert_int_equal(chmod(junk, 0755), 0);
	setenv("VMPROBE_NOOP", junk, 1);
	must(b->setup(&st), &st, "setup");
	assert_int_equal(b->run(&st, 1), -1);
	assert_non_null(strstr(st.msg, "exec failed"));
	assert_no_children();
	unlink(junk);
	unsetenv("VMPROBE_NOOP");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matmul_right_result_verifies),
		cmocka_unit_test(matmul_wrong_result_fails),
		cmocka_unit_test(matmul_rejects_bad_sizes),
		cmocka_unit_test(bubblesort_right_result_verifies),
		cmocka_unit_test(bubblesort_rejects_bad_sizes),
		cmocka_unit_test(bubblesort_wrong_result_fails),
		cmocka_unit_test(pipe_bandwidth_right_and_wrong),
		cmocka_unit_test(pipe_bandwidth_odd_reads_verify),
		cmocka_unit_test(pipe_bandwidth_writer_death_fails_cleanly),
		cmocka_unit_test(ctxsw_runs_and_cleans_up),
		cmocka_unit_test(ctxsw_op_is_a_round_trip),
		cmocka_unit_test(ctxsw_partner_death_fails_cleanly),
		cmocka_unit_test(fork_exit_wait_runs),
		cmocka_unit_test(fork_exec_runs_noop),
		cmocka_unit_test(fork_exec_failures_are_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
