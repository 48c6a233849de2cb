// SPDX-License-Identifier: GPL-2.0
/*
 * annotate: the marks parser on good and malformed input, and the whole
 * command on a copy of a fixture: host_wall_ns per row, the host_clock
 * verdict worked out by hand, and the file left byte-for-byte untouched
 * whenever annotate refuses.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "annotate.h"
#include "compare.h"
#include "fixture_path.h"

static char workdir[] = "/tmp/vmprobe-test-annotate.XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", workdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return path;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;

	assert_non_null(f);
	assert_true(getdelim(&buf, &cap, '\0', f) >= 0);
	fclose(f);
	return buf;
}

static void good_marks(void **state)
{
	struct host_marks m;
	char err[512] = "";
	const char *p = write_file("good.marks",
				   "100 @@vmprobe begin getpid 1\r\n"
				   "350 @@vmprobe end getpid 1\r\n"
				   "\n"
				   "400\t@@vmprobe begin stat 2\n"
				   "400 @@vmprobe end stat 2\n"
				   "1000 @@vmprobe begin matmul-10 5\n");

	assert_int_equal(annotate_parse_marks(p, &m, err, sizeof(err)), 0);
	assert_int_equal(m.count, 2);
	assert_string_equal(m.rows[0].name, "getpid");
	assert_true(m.rows[0].begin_ns == 100 && m.rows[0].end_ns == 350);
	assert_true(m.rows[1].seq == 2 && m.rows[1].end_ns == 400);
	assert_true(m.open_at_end);	/* matmul-10 began, never ended */
	annotate_free_marks(&m);
}

struct bad_marks {
	const char *text, *why;
};

static const struct bad_marks bad_marks[] = {
	{ "12x @@vmprobe begin a 1\n", ":1: stamp \"12x\" is not a count of ns" },
	{ "-5 @@vmprobe begin a 1\n", ":1: stamp \"-5\" is not a count of ns" },
	{ "99999999999999999999 @@vmprobe begin a 1\n", "is not a count of ns" },
	{ "1 @@vmprobe start a 1\n", ":1: not a marker" },
	{ "1 vmprobe begin a 1\n", ":1: not a marker" },
	{ "1 @@vmprobe begin a 1 extra\n", ":1: not a marker" },
	{ "1 @@vmprobe begin a\n", ":1: not a marker" },
	{ "1 @@vmprobe begin a one\n", ":1: sequence \"one\" is not a number" },
	{ "1 @@vmprobe end a 1\n", ":1: end of a 1 without its begin" },
	{ "1 @@vmprobe begin a 1\n2 @@vmprobe end b 1\n", ":2: end of b 1 without its begin" },
	{ "1 @@vmprobe begin a 1\n2 @@vmprobe end a 2\n", ":2: end of a 2 without its begin" },
	{ "1 @@vmprobe begin a 1\n2 @@vmprobe begin b 2\n", ":2: begin of b while a (line 1)" },
	{ "5 @@vmprobe begin a 1\n4 @@vmprobe end a 1\n", ":2: end stamp 4 is before its begin" },
	{ "1 @@vmprobe begin a 1\n2 @@vmprobe end a 1\n3 @@vmprobe begin a 2\n",
	  ":3: a was already marked (line 1)" },
	{ "1 @@vmprobe begin a 3\n2 @@vmprobe end a 3\n3 @@vmprobe begin b 3\n",
	  ":3: sequence 3 does not follow 3 (line 1)" },
};

static void malformed_marks_refused(void **state)
{
	struct host_marks m;
	char err[512];

	for (size_t i = 0; i < sizeof(bad_marks) / sizeof(bad_marks[0]); i++) {
		const char *p = write_file("bad.marks", bad_marks[i].text);

		err[0] = 0;
		if (annotate_parse_marks(p, &m, err, sizeof(err)) == 0) {
			print_error("accepted: %s", bad_marks[i].text);
			fail();
		}
		if (!strstr(err, p) || !strstr(err, bad_marks[i].why)) {
			print_error("message \"%s\" lacks the path or \"%s\"\n", err, bad_marks[i].why);
			fail();
		}
	}
	assert_int_equal(annotate_parse_marks("/nonexistent/x.marks", &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.marks: cannot open"));
}

/* Run `vmprobe annotate` on a fresh copy of qemu-icount.json (rows have no elapsed time). */
static int annotate(const char *result, const char *marks, const char *tolerance)
{
	char *argv[] = { "annotate", (char *)result, "--host-marks", (char *)marks,
			 tolerance ? "--tolerance" : NULL, (char *)tolerance, NULL };

	return cmd_annotate(tolerance ? 6 : 4, argv);
}

static char *copy_fixture(const char *name, const char *as)
{
	char *text = read_all(fixture(name));
	char *path = strdup(write_file(as, text));

	free(text);
	return path;
}

/* elapsed_s per row added to the fixture: getpid 0.1 s, null-syscall 0.2 s. */
static char *fixture_with_elapsed(void)
{
	char *path = copy_fixture("qemu-icount.json", "r.json");
	struct json_object *root = json_object_from_file(path), *benches;

	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "benchmarks", &benches));
	json_object_object_add(json_object_array_get_idx(benches, 0), "elapsed_s",
			       json_object_new_double(0.1));
	json_object_object_add(json_object_array_get_idx(benches, 1), "elapsed_s",
			       json_object_new_double(0.2));
	assert_int_equal(json_object_to_file(path, root), 0);
	json_object_put(root);
	return path;
}

static double get_num(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return NAN;
	return json_object_get_double(v);
}

static void annotates_and_judges_the_clock(void **state)
{
	char *path = fixture_with_elapsed();
	/* Host: getpid 0.15 s, null-syscall 0.30 s: 0.45 s against the guest's 0.3 s. */
	const char *marks = write_file("r.marks",
				       "1000000000 @@vmprobe begin getpid 1\n"
				       "1150000000 @@vmprobe end getpid 1\n"
				       "1200000000 @@vmprobe begin null-syscall 2\n"
				       "1500000000 @@vmprobe end null-syscall 2\n");
	struct json_object *root, *hc, *benches, *v;
	struct rio_result r;
	char err[RIO_ERR_LEN];

	assert_int_equal(annotate(path, marks, NULL), 0);
	root = json_object_from_file(path);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "host_clock", &hc));
	assert_true(get_num(hc, "wall_ns") == 4.5e8);
	assert_true(fabs(get_num(hc, "guest_ns") - 3e8) < 1e-3);
	assert_true(fabs(get_num(hc, "ratio") - 1.5) < 1e-9);
	assert_true(json_object_object_get_ex(hc, "virtual_time", &v));
	assert_true(json_object_get_boolean(v));
	assert_true(get_num(hc, "tolerance_pct") == ANNOTATE_DEFAULT_TOLERANCE_PCT);
	assert_true(json_object_object_get_ex(root, "benchmarks", &benches));
	assert_true(get_num(json_object_array_get_idx(benches, 0), "host_wall_ns") == 1.5e8);
	assert_true(get_num(json_object_array_get_idx(benches, 1), "host_wall_ns") == 3e8);
	assert_true(isnan(get_num(json_object_array_get_idx(benches, 3), "host_wall_ns")));
	/* Keys annotate does not know survive. */
	assert_true(json_object_object_get_ex(root, "unknown_future_key", &v));
	json_object_put(root);

	/* What compare then reads: getpid 50 instr at 1 GHz = 50 guest ns, x 1.5 host/guest. */
	assert_int_equal(rio_load(path, &r, err, sizeof(err)), 0);
	assert_true(fabs(rio_ticks_to_ns(&r, &r.benches[0], 50) - 75.0) < 1e-9);
	rio_free(&r);

	/* A 60% tolerance accepts a 50% difference: real time. */
	assert_int_equal(annotate(path, marks, "60"), 0);
	root = json_object_from_file(path);
	json_object_object_get_ex(root, "host_clock", &hc);
	json_object_object_get_ex(hc, "virtual_time", &v);
	assert_false(json_object_get_boolean(v));
	json_object_put(root);
	free(path);
}

static void no_guest_figures_decides_nothing(void **state)
{
	char *path = copy_fixture("qemu-icount.json", "plain.json");
	const char *marks = write_file("p.marks", "10 @@vmprobe begin getpid 1\n"
						  "30 @@vmprobe end getpid 1\n");
	struct rio_result r;
	char err[RIO_ERR_LEN];

	assert_int_equal(annotate(path, marks, NULL), 0);
	assert_int_equal(rio_load(path, &r, err, sizeof(err)), 0);
	assert_true(r.host_clock.present);
	assert_false(r.host_clock.virtual_time);
	assert_true(isnan(r.host_clock.guest_ns));
	assert_true(r.host_clock.wall_ns == 20);
	assert_true(r.benches[0].host_wall_ns == 20);
	/* Unverified instruction clock: still no real time. */
	assert_true(isnan(rio_ticks_to_ns(&r, &r.benches[0], 50)));
	rio_free(&r);
	free(path);
}

static void refusals_leave_the_file_untouched(void **state)
{
	char *path = fixture_with_elapsed();
	char *before = read_all(path);
	static const char *const marks_texts[] = {
		"1 @@vmprobe begin getpid 1\nbroken line\n",			/* malformed */
		"1 @@vmprobe begin nosuch 1\n2 @@vmprobe end nosuch 1\n",	/* not in the result */
		"1 @@vmprobe begin getpid 1\n",					/* lost end, not partial */
		"",								/* nothing marked */
	};

	for (size_t i = 0; i < sizeof(marks_texts) / sizeof(marks_texts[0]); i++) {
		const char *marks = write_file("x.marks", marks_texts[i]);
		char *after;

		assert_int_equal(annotate(path, marks, NULL), COMPARE_EXIT_INPUT);
		after = read_all(path);
		assert_string_equal(before, after);
		free(after);
	}
	/* Usage errors. */
	assert_int_equal(annotate(path, write_file("y.marks", ""), "-3"), COMPARE_EXIT_USAGE);
	{
		char *argv[] = { "annotate", path, NULL };

		assert_int_equal(cmd_annotate(2, argv), COMPARE_EXIT_USAGE);
	}
	/* An invalid result file is refused before the marks are read. */
	{
		char *bad = copy_fixture("bad-version.json", "bad.json");
		char *bad_before = read_all(bad), *bad_after;

		assert_int_equal(annotate(bad, write_file("z.marks", "1 @@vmprobe begin getpid 1\n"
								       "2 @@vmprobe end getpid 1\n"),
					  NULL), COMPARE_EXIT_INPUT);
		bad_after = read_all(bad);
		assert_string_equal(bad_before, bad_after);
		free(bad_before);
		free(bad_after);
		free(bad);
	}
	free(before);
	free(path);
}

static int make_workdir(void **state)
{
	return mkdtemp(workdir) ? 0 : -1;
}

static int remove_workdir(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", workdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_marks),
		cmocka_unit_test(malformed_marks_refused),
		cmocka_unit_test(annotates_and_judges_the_clock),
		cmocka_unit_test(no_guest_figures_decides_nothing),
		cmocka_unit_test(refusals_leave_the_file_untouched),
	};

	return cmocka_run_group_tests(tests, make_workdir, remove_workdir);
}
