// SPDX-License-Identifier: GPL-2.0
/*
 * util: the write/read loops across a pipe, waitpid, the atomic file write
 * (mode kept on rewrite, nothing left on failure), the CSV number format
 * (round trip) and usage lines made from an option table.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "util.h"

static void write_all_read_full_through_a_pipe(void **state)
{
	static char big[200000], back[200000];
	int fds[2];
	pid_t pid;
	int status;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* More than a pipe holds: the writer blocks and writes in pieces. */
		close(fds[0]);
		_exit(util_write_all(fds[1], big, sizeof(big)) ? 1 : 0);
	}
	close(fds[1]);
	assert_int_equal(util_read_full(fds[0], back, sizeof(back)), (ssize_t)sizeof(back));
	assert_memory_equal(big, back, sizeof(big));
	/* At end of file it returns what it got: 0 here. */
	assert_int_equal(util_read_full(fds[0], back, 10), 0);
	close(fds[0]);
	assert_int_equal(util_waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(util_write_all(-1, "x", 1), -1);
	assert_int_equal(errno, EBADF);
}

static void atomic_write_keeps_mode_and_leaves_nothing(void **state)
{
	char dir[] = "/tmp/vmprobe-test-util.XXXXXX", path[128], err[256] = "", buf[16] = "";
	struct stat st;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	assert_int_equal(util_write_file_atomic(path, "one", 3, 0600, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);	/* no group/other bits for a umask to take */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(util_write_file_atomic(path, "two!", 4, 0600, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);	/* a rewrite keeps the mode */
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "two!");
	/* No directory: an error naming the file, nothing created. */
	snprintf(path, sizeof(path), "%s/none/f", dir);
	assert_int_equal(util_write_file_atomic(path, "x", 1, 0644, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	snprintf(path, sizeof(path), "%s/f", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);	/* empty: no temporary file left */
}

static void csv_number_round_trips(void **state)
{
	const double values[] = { 0.1, 1.0 / 3, 123456789.123456789, 1e-300, -2.5, 0 };
	char *buf = NULL;
	size_t len = 0;

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		FILE *m = open_memstream(&buf, &len);

		util_csv_num(m, values[i]);
		fclose(m);
		assert_true(strtod(buf, NULL) == values[i]);
		free(buf);
	}
	FILE *m = open_memstream(&buf, &len);

	util_csv_num(m, NAN);
	fclose(m);
	assert_string_equal(buf, "");	/* unknown: an empty field */
	free(buf);
}

/* The one CSV quoting rule (RFC 4180): a comma, quote, \n or \r quotes the field. */
static void csv_field_quotes_what_it_must(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "plain", "plain" }, { "a,b", "\"a,b\"" }, { "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" }, { "cr\rhere", "\"cr\rhere\"" }, { "", "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);

		util_csv_field(m, cases[i].in);
		fclose(m);
		assert_string_equal(buf, cases[i].out);
		free(buf);
	}
}

static void usage_from_the_table(void **state)
{
	static const struct cli_opt opts[] = {
		{ "alpha", required_argument, 'a', "A", "level (default %g)", { 0.05 } },
		{ "wide", no_argument, 'w', NULL, "all of it", { 0 } },
		{ NULL, 0, 0, NULL, NULL, { 0 } },
	};
	struct option lo[3];
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	cli_print_options(m, opts);
	fclose(m);
	assert_string_equal(buf, "  --alpha A  level (default 0.05)\n  --wide     all of it\n");
	free(buf);
	cli_longopts(opts, lo);
	assert_int_equal(cli_count(opts), 2);
	assert_string_equal(lo[0].name, "alpha");
	assert_int_equal(lo[0].has_arg, required_argument);
	assert_int_equal(lo[1].val, 'w');
	assert_null(lo[2].name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(write_all_read_full_through_a_pipe),
		cmocka_unit_test(atomic_write_keeps_mode_and_leaves_nothing),
		cmocka_unit_test(csv_number_round_trips),
		cmocka_unit_test(csv_field_quotes_what_it_must),
		cmocka_unit_test(usage_from_the_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
