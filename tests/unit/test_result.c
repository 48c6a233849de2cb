// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/result.c: the JSON parses back, values round-trip, writes are atomic. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <signal.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "assert_near.h"
#include "skip_because.h"

#include <json-c/json.h>

#include "result.h"

static const struct bench fake_bench = {
	.name = "fake", .group = "macro", .unit = "thing", .summary = "a fake row",
};

static char tmpdir[] = "/tmp/vmprobe-test-result.XXXXXX";

struct fixture {
	struct options opts;
	struct tsc_clock clock;
	struct row_result rows[2];
	double samples[5];
	struct run_report rep;
	char *argv[3];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char err[256];

	assert_non_null(fx);
	fx->opts.time_budget_s = 12.5;
	fx->opts.repetitions = 5;
	fx->opts.cpu = 1;
	fx->opts.clock = CLOCK_KIND_TSC;
	assert_int_equal(counters_parse(&fx->opts.counters, "perf::TASK-CLOCK,cycles", err,
					sizeof(err)), 0);
	/* cycles unsupported, TASK-CLOCK counted */
	fx->opts.counters.ev[1].fd = -1;
	snprintf(fx->opts.counters.ev[1].reason, COUNTERS_REASON_LEN, "no PMU here");
	fx->clock.hz = 2e9;
	fx->clock.source = TSC_HZ_CALIBRATED;

	for (int i = 0; i < 5; i++)
		fx->samples[i] = 100 + i * 10;	/* 100 110 120 130 140 */
	fx->rows[0].bench = &fake_bench;
	fx->rows[0].size = 100;
	snprintf(fx->rows[0].name, sizeof(fx->rows[0].name), "fake-100");
	fx->rows[0].status = ROW_OK;
	fx->rows[0].samples = fx->samples;
	fx->rows[0].nsamples = 5;
	fx->rows[0].ops_per_sample = 64;
	fx->rows[0].overhead_ticks = 23;
	fx->rows[0].bytes_per_op = 1e6;
	fx->rows[0].counter_valid[0] = true;
	fx->rows[0].counter_per_op[0] = 61.5;
	fx->rows[0].counter_scaling[0] = 1;
	fx->rows[0].sep.method = SEP_STEAL;
	fx->rows[0].sep.outside_share = 0.25;
	stats_summarize(fx->samples, 5, 0.95, &fx->rows[0].ticks);
	fx->rows[1].bench = &fake_bench;
	fx->rows[1].size = 1000;
	snprintf(fx->rows[1].name, sizeof(fx->rows[1].name), "fake-1000");
	fx->rows[1].status = ROW_SKIPPED;
	snprintf(fx->rows[1].reason, sizeof(fx->rows[1].reason),
		 "too slow for the time budget: one op took 9 s");

	fx->argv[0] = "vmprobe";
	fx->argv[1] = "all";
	fx->argv[2] = "--label=\"odd\"";
	fx->rep.argc = 3;
	fx->rep.argv = fx->argv;
	fx->rep.opts = &fx->opts;
	fx->rep.label = "unit";
	fx->rep.clock = &fx->clock;
	fx->rep.counters = &fx->opts.counters;
	fx->rep.rows = fx->rows;
	fx->rep.nrows = 2;
	snprintf(fx->rep.started, sizeof(fx->rep.started), "2026-11-25T08:00:00Z");
	snprintf(fx->rep.finished, sizeof(fx->rep.finished), "2026-11-25T08:01:00Z");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static json_object *get(json_object *o, const char *path)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, atoi(k));
		else if (!json_object_object_get_ex(o, k, &o))
			return NULL;
	}
	return o;
}

/* Serialise and parse back: what a reader of the file sees. */
static json_object *round_trip(const struct run_report *rep)
{
	json_object *obj = result_json(rep), *back;

	back = json_tokener_parse(json_object_to_json_string(obj));
	json_object_put(obj);
	assert_non_null(back);
	return back;
}

static void json_top_level(void **state)
{
	struct fixture *fx = *state;
	json_object *o = round_trip(&fx->rep);

	assert_string_equal(json_object_get_string(get(o, "format")), "vmprobe-result");
	assert_int_equal(json_object_get_int(get(o, "format_version")), 1);
	assert_string_equal(json_object_get_string(get(o, "label")), "unit");
	assert_false(json_object_get_boolean(get(o, "partial")));
	assert_string_equal(json_object_get_string(get(o, "command_line.2")), "--label=\"odd\"");
	assert_double_equal(json_object_get_double(get(o, "clock.tsc_hz")), 2e9, 1e-3);
	assert_string_equal(json_object_get_string(get(o, "clock.tsc_hz_source")), "calibrated");
	assert_string_equal(json_object_get_string(get(o, "clock.kind")), "tsc");
	assert_double_equal(json_object_get_double(get(o, "options.time_budget_s")), 12.5, 1e-12);
	assert_int_equal(json_object_get_int(get(o, "options.cpu")), 1);
	assert_string_equal(json_object_get_string(get(o, "counters.requested.1")), "cycles");
	assert_string_equal(json_object_get_string(get(o, "counters.unsupported.0.name")), "cycles");
	assert_string_equal(json_object_get_string(get(o, "counters.unsupported.0.reason")),
			    "no PMU here");
	assert_int_equal(json_object_array_length(get(o, "counters.unsupported")), 1);
	assert_int_equal(json_object_array_length(get(o, "benchmarks")), 2);
	json_object_put(o);
}

static void json_row_values_round_trip(void **state)
{
	struct fixture *fx = *state;
	json_object *o = round_trip(&fx->rep);
	json_object *b = get(o, "benchmarks.0");

	assert_string_equal(json_object_get_string(get(b, "name")), "fake-100");
	assert_string_equal(json_object_get_string(get(b, "bench")), "fake");
	assert_int_equal(json_object_get_int(get(b, "size")), 100);
	assert_string_equal(json_object_get_string(get(b, "status")), "ok");
	assert_int_equal(json_object_get_int(get(b, "ops_per_sample")), 64);
	assert_int_equal(json_object_get_int(get(b, "repetitions")), 5);
	assert_double_equal(json_object_get_double(get(b, "overhead_ticks")), 23, 1e-12);
	assert_int_equal(json_object_array_length(get(b, "samples_ticks")), 5);
	assert_double_equal(json_object_get_double(get(b, "samples_ticks.3")), 130, 1e-12);
	assert_double_equal(json_object_get_double(get(b, "ticks.median")), 120, 1e-12);
	assert_double_equal(json_object_get_double(get(b, "ticks.min")), 100, 1e-12);
	/* 120 ticks at 2 GHz = 60 ns */
	assert_double_equal(json_object_get_double(get(b, "ns.median")), 60, 1e-9);
	assert_double_equal(json_object_get_double(get(b, "ticks.ci_level")), 0.95, 1e-12);
	/* 1e6 bytes in 60 ns = 16666.67 MB/s */
	assert_double_equal(json_object_get_double(get(b, "throughput.value")), 1e6 / 60e-9 / 1e6,
			   1e-6);
	assert_double_equal(json_object_get_double(get(b, "counters.perf::TASK-CLOCK.per_op")),
			   61.5, 1e-12);
	assert_null(get(b, "counters.cycles"));
	assert_string_equal(json_object_get_string(get(b, "separation.method")), "steal");
	assert_double_equal(json_object_get_double(get(b, "separation.outside_share")), 0.25, 1e-12);
	assert_string_equal(json_object_get_string(get(b, "sources.time")), "tsc");

	b = get(o, "benchmarks.1");
	assert_string_equal(json_object_get_string(get(b, "status")), "skipped");
	assert_string_equal(json_object_get_string(get(b, "reason")),
			    "too slow for the time budget: one op took 9 s");
	assert_null(get(b, "ticks"));
	json_object_put(o);
}

static void json_partial_and_derived_clock(void **state)
{
	struct fixture *fx = *state;
	json_object *o;

	fx->rep.partial = true;
	fx->opts.clock = CLOCK_KIND_INSTRUCTIONS;
	o = round_trip(&fx->rep);
	assert_true(json_object_get_boolean(get(o, "partial")));
	assert_string_equal(json_object_get_string(get(o, "clock.kind")), "instructions");
	assert_string_equal(json_object_get_string(get(o, "benchmarks.0.sources.time")), "icount");
	assert_non_null(strstr(json_object_get_string(get(o, "benchmarks.0.sources.note")),
			       "instruction counts"));
	json_object_put(o);
}

/* NaN is not JSON: a figure that is not finite becomes null, and the text still parses. */
static void json_nan_becomes_null(void **state)
{
	struct fixture *fx = *state;
	json_object *o;

	fx->rows[0].sep.outside_share = NAN;
	fx->rows[0].sep.method = SEP_NONE;
	o = round_trip(&fx->rep);
	assert_true(json_object_is_type(get(o, "benchmarks.0.separation.outside_share"),
					json_type_null) ||
		    get(o, "benchmarks.0.separation.outside_share") == NULL);
	json_object_put(o);
}

/* Separate modes: written with each mode's median (ticks, ns) and share; absent when none. */
static void json_modes(void **state)
{
	struct fixture *fx = *state;
	json_object *o;

	o = round_trip(&fx->rep);
	assert_null(get(o, "benchmarks.0.modes"));
	json_object_put(o);
	fx->rows[0].modes = (struct modes){ 2, { 100, 300 }, { 0.4, 0.6 } };
	o = round_trip(&fx->rep);
	assert_int_equal(json_object_array_length(get(o, "benchmarks.0.modes")), 2);
	assert_double_equal(json_object_get_double(get(o, "benchmarks.0.modes.1.median_ticks")), 300, 0);
	assert_double_equal(json_object_get_double(get(o, "benchmarks.0.modes.1.median_ns")), 150, 1e-9);
	assert_double_equal(json_object_get_double(get(o, "benchmarks.0.modes.0.share")), 0.4, 0);
	json_object_put(o);
}

static void write_json_file_and_parse(void **state)
{
	struct fixture *fx = *state;
	char path[512], tmp[520], err[256];
	json_object *obj = result_json(&fx->rep), *back;

	snprintf(path, sizeof(path), "%s/r.json", tmpdir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(result_write_json(path, obj, err, sizeof(err)), 0);
	json_object_put(obj);
	back = json_object_from_file(path);
	assert_non_null(back);
	assert_double_equal(json_object_get_double(get(back, "benchmarks.0.ticks.median")), 120, 1e-12);
	json_object_put(back);
	assert_int_equal(access(tmp, F_OK), -1);	/* renamed away */
	unlink(path);
}

static void write_to_dev_full_fails(void **state)
{
	char err[256] = "";
	const char *data = "{\"a\": 1}\n";

	if (access("/dev/full", W_OK))
		skip_because("/dev/full not writable here");
	assert_int_equal(result_write_file("/dev/full", data, strlen(data), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No space left on device"));
}

static void write_to_missing_dir_leaves_nothing(void **state)
{
	char path[512], err[256] = "";

	snprintf(path, sizeof(path), "%s/no-such-dir/r.json", tmpdir);
	assert_int_equal(result_write_file(path, "x", 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file or directory"));
	assert_int_equal(access(path, F_OK), -1);
}

/*
 * A failed write must not replace an older file at the final name, nor
 * leave its temporary file behind: a file size limit makes the write fail
 * half-way (root ignores permissions, not RLIMIT_FSIZE).
 */
static void failed_write_keeps_old_file(void **state)
{
	char path[512], err[256] = "", buf[32] = "";
	struct rlimit old_lim, lim;
	void (*old_handler)(int);
	FILE *f;
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof(path), "%s/keep.json", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("old", f);
	fclose(f);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old_lim), 0);
	lim = old_lim;
	lim.rlim_cur = 2;
	old_handler = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(result_write_file(path, "new and longer", 14, err, sizeof(err)), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old_lim), 0);
	signal(SIGXFSZ, old_handler);
	assert_non_null(strstr(err, "keep.json"));
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "old");
	d = opendir(tmpdir);
	assert_non_null(d);
	while ((de = readdir(d)))
		assert_null(strstr(de->d_name, ".tmp"));
	closedir(d);
	unlink(path);
}

static void csv_quotes_and_columns(void **state)
{
	struct fixture *fx = *state;
	char path[512], err[256], line[2048];
	FILE *f;
	int lines = 0;

	snprintf(fx->rows[1].reason, sizeof(fx->rows[1].reason), "has, comma and \"quote\"");
	snprintf(path, sizeof(path), "%s/r.csv", tmpdir);
	assert_int_equal(result_write_csv(path, &fx->rep, err, sizeof(err)), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		lines++;
		if (lines == 1)
			assert_non_null(strstr(line, "label,name,bench,size"));
		if (lines == 2)
			assert_non_null(strstr(line, "unit,fake-100,fake,100,macro,thing,ok,64,5,120,"));
		if (lines == 3)
			assert_non_null(strstr(line, "\"has, comma and \"\"quote\"\"\""));
	}
	fclose(f);
	assert_int_equal(lines, 3);
	unlink(path);
}

static void table_has_rows_and_methods(void **state)
{
	struct fixture *fx = *state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fx->opts.clock = CLOCK_KIND_BOCHS_IPS;
	result_print_table(f, &fx->rep);
	fclose(f);
	assert_non_null(strstr(buf, "fake-100"));
	assert_non_null(strstr(buf, "skipped"));
	assert_non_null(strstr(buf, "25.00% (steal)"));
	/* 5 samples cannot give 95%: [min, max] = 50..70 ns, covering 93.75% */
	assert_non_null(strstr(buf, "50 ns..70 ns (94%)"));
	assert_non_null(strstr(buf, "median*"));
	assert_non_null(strstr(buf, "derived from instruction counts"));
	assert_non_null(strstr(buf, "too slow for the time budget"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(json_top_level, setup, teardown),
		cmocka_unit_test_setup_teardown(json_row_values_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(json_partial_and_derived_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(json_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(json_nan_becomes_null, setup, teardown),
		cmocka_unit_test_setup_teardown(write_json_file_and_parse, setup, teardown),
		cmocka_unit_test(write_to_dev_full_fails),
		cmocka_unit_test(write_to_missing_dir_leaves_nothing),
		cmocka_unit_test(failed_write_keeps_old_file),
		cmocka_unit_test_setup_teardown(csv_quotes_and_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(table_has_rows_and_methods, setup, teardown),
	};
	int ret;

	if (!mkdtemp(tmpdir))
		return 1;
	ret = cmocka_run_group_tests_name("result", tests, NULL, NULL);
	rmdir(tmpdir);
	return ret;
}
