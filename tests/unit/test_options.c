// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/options.c: every option with a missing, negative,
 * huge and non-numeric value is refused with a message (exit status 2).
 * Uses the real benchmark table (getpid: unsized; matmul: sized).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "assert_near.h"

#include "options.h"

static struct options opts;
static char err[512];

/* Parses a NULL-terminated list of words after "vmprobe". */
static int parse_words(const char *first, ...)
{
	char *argv[64] = { "vmprobe" };
	int argc = 1;
	va_list ap;

	va_start(ap, first);
	for (const char *w = first; w && argc < 63; w = va_arg(ap, const char *))
		argv[argc++] = (char *)w;
	va_end(ap);
	argv[argc] = NULL;
	return options_parse(argc, argv, &opts, err, sizeof(err));
}

#define parse(...) parse_words(__VA_ARGS__, (const char *)NULL)

/* Refused with status 2 and a message naming what is wrong. */
#define assert_usage(needle, ...) do { \
	assert_int_equal(parse(__VA_ARGS__), OPTIONS_USAGE); \
	if (!strstr(err, needle)) \
		fail_msg("message '%s' lacks '%s'", err, needle); \
} while (0)

static void defaults(void **state)
{
	assert_int_equal(parse("run", "getpid"), 0);
	assert_int_equal(opts.cmd, CMD_RUN);
	assert_double_equal(opts.time_budget_s, DEFAULT_TIME_BUDGET_S, 1e-12);
	assert_int_equal(opts.repetitions, DEFAULT_REPETITIONS);
	assert_int_equal(opts.cpu, -1);
	assert_int_equal(opts.clock, CLOCK_KIND_TSC);
	assert_int_equal(opts.nrows, 1);
	assert_string_equal(opts.rows[0].name, "getpid");
	assert_int_equal(opts.counters.n, 9);
	assert_int_equal(parse("run", "getpid", "--quick"), 0);
	assert_int_equal(opts.repetitions, QUICK_REPETITIONS);
}

static void every_value_accepted(void **state)
{
	assert_int_equal(parse("run", "--time-budget", "2.5", "--repetitions", "7", "--cpu", "0",
			       "--events", "perf::TASK-CLOCK,cycles:u", "--sizes", "matmul=3:5",
			       "--json", "/tmp/x.json", "--csv", "/tmp/x.csv", "--label", "qemu-tcg",
			       "--clock", "bochs-ips", "--clock-note", "ips=200000000 sync=none",
			       "--markers", "/tmp/x.marks", "matmul", "getpid"), 0);
	assert_double_equal(opts.time_budget_s, 2.5, 1e-12);
	assert_int_equal(opts.repetitions, 7);
	assert_int_equal(opts.cpu, 0);
	assert_int_equal(opts.counters.n, 2);
	assert_string_equal(opts.json, "/tmp/x.json");
	assert_string_equal(opts.label, "qemu-tcg");
	assert_int_equal(opts.clock, CLOCK_KIND_BOCHS_IPS);
	assert_string_equal(opts.clock_note, "ips=200000000 sync=none");
	assert_int_equal(opts.nrows, 3);
	assert_string_equal(opts.rows[0].name, "matmul-3");
	assert_string_equal(opts.rows[1].name, "matmul-5");
	assert_string_equal(opts.rows[2].name, "getpid");
	/* --opt=value spelling too */
	assert_int_equal(parse("all", "--repetitions=3", "--time-budget=1"), 0);
	assert_int_equal(opts.repetitions, 3);
}

static void rows_by_bench_and_by_row(void **state)
{
	const struct bench *b;
	long size;

	assert_int_equal(parse("run", "matmul-100", "getpid-raw", "matmul-100"), 0);
	assert_int_equal(opts.nrows, 2);	/* duplicates dropped */
	assert_int_equal(opts.rows[0].size, 100);
	assert_string_equal(opts.rows[1].name, "getpid-raw");
	assert_int_equal(options_find_row("matmul-77", &b, &size), 0);
	assert_string_equal(b->name, "matmul");
	assert_int_equal(size, 77);
	assert_int_equal(options_find_row("getpid-5", &b, &size), -1);	/* unsized */
	assert_int_equal(options_find_row("matmul-0", &b, &size), -1);
	assert_int_equal(options_find_row("matmul--5", &b, &size), -1);
	assert_int_equal(options_find_row("matmul-+5", &b, &size), -1);
	assert_int_equal(parse("all"), 0);
	assert_true(opts.nrows >= bench_table_len);
}

static void time_budget_bad_values(void **state)
{
	assert_usage("needs a value", "run", "getpid", "--time-budget");
	assert_usage("--time-budget '-1'", "run", "getpid", "--time-budget", "-1");
	assert_usage("--time-budget '0'", "run", "getpid", "--time-budget", "0");
	assert_usage("--time-budget '1e300'", "run", "getpid", "--time-budget", "1e300");
	assert_usage("--time-budget 'abc'", "run", "getpid", "--time-budget", "abc");
	assert_usage("--time-budget '5s'", "run", "getpid", "--time-budget", "5s");
	assert_usage("--time-budget 'nan'", "run", "getpid", "--time-budget", "nan");
	assert_usage("--time-budget ''", "run", "getpid", "--time-budget", "");
}

static void repetitions_bad_values(void **state)
{
	assert_usage("needs a value", "run", "getpid", "--repetitions");
	assert_usage("--repetitions '-3'", "run", "getpid", "--repetitions", "-3");
	assert_usage("--repetitions '0'", "run", "getpid", "--repetitions", "0");
	assert_usage("--repetitions '100001'", "run", "getpid", "--repetitions", "100001");
	assert_usage("--repetitions '99999999999999999999'", "run", "getpid", "--repetitions",
		     "99999999999999999999");
	assert_usage("--repetitions 'ten'", "run", "getpid", "--repetitions", "ten");
	assert_usage("--repetitions '1.5'", "run", "getpid", "--repetitions", "1.5");
}

static void cpu_bad_values(void **state)
{
	char beyond[32];

	assert_usage("needs a value", "run", "getpid", "--cpu");
	assert_usage("--cpu '-1'", "run", "getpid", "--cpu", "-1");
	assert_usage("--cpu '4096'", "run", "getpid", "--cpu", "4096");
	assert_usage("--cpu 'x'", "run", "getpid", "--cpu", "x");
	/* a CPU number that exists in the mask's range but not for this process */
	snprintf(beyond, sizeof(beyond), "%ld", sysconf(_SC_NPROCESSORS_CONF) + 1);
	assert_usage("not available", "run", "getpid", "--cpu", beyond);
}

static void sizes_bad_values(void **state)
{
	assert_usage("needs a value", "run", "getpid", "--sizes");
	assert_usage("not NAME=A:B", "run", "getpid", "--sizes", "matmul");
	assert_usage("not NAME=A:B", "run", "getpid", "--sizes", "matmul=");
	assert_usage("unknown benchmark 'nosuch'", "run", "getpid", "--sizes", "nosuch=1");
	assert_usage("takes no size", "run", "getpid", "--sizes", "getpid=5");
	assert_usage("size '-5'", "run", "getpid", "--sizes", "matmul=-5");
	assert_usage("size '0'", "run", "getpid", "--sizes", "matmul=10:0");
	assert_usage("size '99999999999'", "run", "getpid", "--sizes", "matmul=99999999999");
	assert_usage("size 'big'", "run", "getpid", "--sizes", "matmul=big");
	assert_usage("at most", "run", "getpid", "--sizes", "matmul=1:2:3:4:5:6:7:8");
	assert_usage("given twice", "run", "getpid", "--sizes", "matmul=1,matmul=2");
}

static void events_bad_values(void **state)
{
	assert_usage("needs a value", "run", "getpid", "--events");
	assert_usage("empty", "run", "getpid", "--events", "");
	/* libpfm4's own message */
	assert_usage("event 'no-such-event': event not found", "run", "getpid", "--events",
		     "no-such-event");
	assert_usage("event not found", "run", "getpid", "--events", "perf::TASK-CLOCK,bogus");
	assert_usage("--events", "run", "getpid", "--events", "cycles:nosuchmod");
}

static void strings_bad_values(void **state)
{
	assert_usage("needs a value", "run", "getpid", "--label");
	assert_usage("--label ''", "run", "getpid", "--label", "");
	assert_usage("--label 'a b'", "run", "getpid", "--label", "a b");
	assert_usage("--label '../x'", "run", "getpid", "--label", "../x");
	assert_usage("--clock 'wall'", "run", "getpid", "--clock", "wall");
	assert_usage("needs a value", "run", "getpid", "--clock");
	assert_usage("--clock-note", "run", "getpid", "--clock-note", "");
	assert_usage("--clock-note", "run", "getpid", "--clock-note", "bad\nnewline");
	assert_usage("needs a value", "run", "getpid", "--json");
	assert_usage("--json: empty", "run", "getpid", "--json", "");
	assert_usage("cannot create", "run", "getpid", "--json", "/nonexistent-dir/x.json");
	assert_usage("cannot create", "run", "getpid", "--csv", "/nonexistent-dir/x.csv");
	assert_usage("cannot create", "run", "getpid", "--markers", "/nonexistent-dir/m");
	assert_usage("is a directory", "run", "getpid", "--json", "/tmp");
	assert_usage("is a directory", "info", "--json", "/");
	assert_usage("same file", "run", "getpid", "--json", "/tmp/a", "--csv", "/tmp/a");
	assert_usage("same file", "run", "getpid", "--json", "/tmp/a", "--markers", "/tmp/a");
}

static void names_and_subcommands(void **state)
{
	assert_usage("no subcommand", NULL);
	assert_usage("unknown subcommand 'bogus'", "bogus");
	assert_usage("name at least one benchmark", "run");
	assert_usage("unknown benchmark 'nosuch'", "run", "nosuch");
	assert_usage("unknown benchmark 'getpid-3'", "run", "getpid-3");
	assert_usage("unknown benchmark 'matmul-x'", "run", "matmul-x");
	assert_usage("unknown option '--frobnicate'", "run", "getpid", "--frobnicate");
	assert_usage("unknown option", "run", "getpid", "-z");
	assert_usage("takes no arguments", "all", "getpid");
	assert_usage("takes no arguments", "list", "extra");
	assert_usage("--csv is not an option of 'info'", "info", "--csv", "/tmp/x.csv");
	assert_usage("--quick is not an option of 'list'", "list", "--quick");
	assert_int_equal(parse("info", "--json", "/tmp/x.json"), 0);
	assert_int_equal(parse("--help"), OPTIONS_HELP);
	assert_int_equal(parse("run", "--help"), OPTIONS_HELP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(every_value_accepted),
		cmocka_unit_test(rows_by_bench_and_by_row),
		cmocka_unit_test(time_budget_bad_values),
		cmocka_unit_test(repetitions_bad_values),
		cmocka_unit_test(cpu_bad_values),
		cmocka_unit_test(sizes_bad_values),
		cmocka_unit_test(events_bad_values),
		cmocka_unit_test(strings_bad_values),
		cmocka_unit_test(names_and_subcommands),
	};

	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
