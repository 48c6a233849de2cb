// SPDX-License-Identifier: GPL-2.0
/* Reading result files: the good fixtures field by field, every bad one refused with a reason. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "resultio.h"
#include "fixture_path.h"

static void host_fixture_read_whole(void **state)
{
	struct rio_result r;
	char err[RIO_ERR_LEN] = "";
	const struct rio_bench *b;

	assert_int_equal(rio_load(fixture("host.json"), &r, err, sizeof(err)), 0);
	assert_string_equal(r.label, "host");
	assert_int_equal(r.clock, RIO_CLOCK_TSC);
	assert_true(r.tsc_hz == 2e9);
	assert_false(r.partial);
	assert_false(r.host_clock.present);
	assert_int_equal(r.bench_count, 7);

	b = rio_find_bench(&r, "getpid");
	assert_non_null(b);
	assert_string_equal(b->group, "micro");
	assert_int_equal(b->status, RIO_OK);
	assert_int_equal(b->sample_count, 5);
	assert_true(b->samples_ticks[0] == 200 && b->samples_ticks[4] == 208);
	assert_true(b->ticks.median == 204);
	assert_true(b->ticks.ci_low == 200 && b->ticks.ci_high == 208);
	assert_non_null(rio_find_counter(b, "instructions"));
	assert_true(rio_find_counter(b, "instructions")->per_op == 400);
	assert_null(rio_find_counter(b, "cycles"));
	assert_true(b->has_separation);
	assert_string_equal(b->separation_method, "pmu");
	assert_true(b->outside_share == 0);
	assert_true(isnan(b->host_wall_ns));

	b = rio_find_bench(&r, "read-1024");
	assert_int_equal(b->status, RIO_SKIPPED);
	assert_string_equal(b->reason, "needs the vmprobe module");
	assert_int_equal(b->sample_count, 0);
	b = rio_find_bench(&r, "ctx-switch-2");
	assert_int_equal(b->status, RIO_FAILED);
	assert_null(rio_find_bench(&r, "open"));

	/* Real TSC clock: ns = ticks / 2 GHz, no scaling. */
	assert_true(rio_time_scale(&r, rio_find_bench(&r, "getpid")) == 1.0);
	assert_true(rio_ticks_to_ns(&r, rio_find_bench(&r, "getpid"), 204) == 102.0);
	rio_free(&r);
}

static void instruction_clocks(void **state)
{
	struct rio_result r;
	char err[RIO_ERR_LEN] = "";

	/* Never annotated: instructions, not time. */
	assert_int_equal(rio_load(fixture("qemu-icount.json"), &r, err, sizeof(err)), 0);
	assert_true(rio_ticks_are_instructions(&r));
	assert_true(isnan(rio_time_scale(&r, &r.benches[0])));
	assert_true(isnan(rio_ticks_to_ns(&r, &r.benches[0], 50)));
	rio_free(&r);

	/* Annotated as virtual time: host wall / guest elapsed per row (2 in the fixture). */
	assert_int_equal(rio_load(fixture("qemu-icount-vt.json"), &r, err, sizeof(err)), 0);
	assert_true(r.host_clock.present && r.host_clock.virtual_time);
	assert_true(r.host_clock.ratio == 2.0);
	assert_true(rio_time_scale(&r, &r.benches[0]) == 2.0);
	assert_true(rio_ticks_to_ns(&r, &r.benches[0], 50) == 100.0);
	/* Without the row's own figures the run-wide ratio applies. */
	r.benches[0].elapsed_ns = NAN;
	r.host_clock.ratio = 3.0;
	assert_true(rio_time_scale(&r, &r.benches[0]) == 3.0);
	rio_free(&r);
}

struct bad_case {
	const char *file, *why;
};

static const struct bad_case bad_cases[] = {
	{ "bad-version.json", "format_version 2 is not supported" },
	{ "bad-format.json", "format is \"something-else\"" },
	{ "bad-no-benchmarks.json", "\"benchmarks\" missing" },
	{ "bad-no-label.json", "missing key \"label\"" },
	{ "bad-empty-samples.json", "\"samples_ticks\" is empty" },
	{ "bad-sample-string.json", "samples_ticks[1] is not a finite number" },
	{ "bad-status.json", "status \"great\" is not ok|skipped|failed" },
	{ "bad-skip-no-reason.json", "(read-1024): missing key \"reason\"" },
	{ "bad-dup-bench.json", "benchmark \"getpid\" appears twice" },
	{ "bad-no-median.json", "ticks: missing key \"median\"" },
	{ "bad-group.json", "group \"mezzo\" is neither micro nor macro" },
	{ "bad-truncated.json", "truncated" },
	{ "bad-trailing.json", "extra data after the top-level object" },
	{ "bad-empty.json", "empty file" },
	{ "bad-array.json", "top level is not a JSON object" },
	{ "bad-exits-negative.json", "(getpid).exits: per_op -1 is negative" },
	{ "bad-exits-no-source.json", "(null-syscall).exits: missing key \"source\"" },
	{ "bad-exits-reason.json", "exits.reasons.HLT must be a number >= 0" },
	{ "bad-exits-share.json", "exits: time_share 1.5 is outside [0, 1]" },
	{ "does-not-exist.json", "cannot open: No such file or directory" },
};

static void bad_files_refused_with_reason(void **state)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct rio_result r;
		char err[RIO_ERR_LEN] = "";
		const char *path = fixture(bad_cases[i].file);
		char expect_path[4200];

		snprintf(expect_path, sizeof(expect_path), "%s: ", path);
		if (rio_load(path, &r, err, sizeof(err)) == 0) {
			print_error("%s was accepted\n", bad_cases[i].file);
			fail();
		}
		if (strncmp(err, expect_path, strlen(expect_path)) || !strstr(err, bad_cases[i].why)) {
			print_error("%s: message \"%s\" lacks the path or \"%s\"\n", bad_cases[i].file,
				    err, bad_cases[i].why);
			fail();
		}
		/* A failed load leaves nothing to free, and freeing twice is harmless. */
		rio_free(&r);
	}
}

static void tolerates_unknown_keys_but_not_wrong_types(void **state)
{
	struct rio_result r;
	char err[RIO_ERR_LEN] = "";
	struct json_object *root = json_tokener_parse(
		"{\"format\":\"vmprobe-result\",\"format_version\":1,\"label\":\"x\","
		"\"clock\":{\"kind\":\"bochs-ips\",\"new\":1},\"benchmarks\":[],\"extra\":[1,2]}");

	assert_non_null(root);
	assert_int_equal(rio_from_json(root, "mem", &r, err, sizeof(err)), 0);
	assert_int_equal(r.clock, RIO_CLOCK_BOCHS_IPS);
	assert_true(isnan(r.tsc_hz));
	assert_int_equal(r.bench_count, 0);
	rio_free(&r);
	json_object_put(root);

	root = json_tokener_parse("{\"format\":\"vmprobe-result\",\"format_version\":\"1\"}");
	assert_int_equal(rio_from_json(root, "mem", &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "format_version"));
	rio_free(&r);
	json_object_put(root);

	root = json_tokener_parse("{\"format\":\"vmprobe-result\",\"format_version\":1,\"label\":\"x\","
				  "\"clock\":{\"kind\":\"tsc\",\"tsc_hz\":-5},\"benchmarks\":[]}");
	assert_int_equal(rio_from_json(root, "mem", &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "tsc_hz -5 is not positive"));
	rio_free(&r);
	json_object_put(root);

	root = json_tokener_parse("{\"format\":\"vmprobe-result\",\"format_version\":1,\"label\":\"x\","
				  "\"clock\":{\"kind\":\"tsc\"},\"benchmarks\":[],"
				  "\"host_clock\":{\"wall_ns\":5,\"virtual_time\":\"yes\"}}");
	assert_int_equal(rio_from_json(root, "mem", &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "virtual_time"));
	rio_free(&r);
	json_object_put(root);
}

/* VM exits counted by the host: optional, reasons sorted most first, share only where measured. */
static void exits_read(void **state)
{
	struct rio_result r;
	char err[RIO_ERR_LEN] = "";
	const struct rio_exits *e;

	assert_int_equal(rio_load(fixture("kvm.json"), &r, err, sizeof(err)), 0);
	e = &rio_find_bench(&r, "getpid")->exits;
	assert_true(e->present);
	assert_true(e->per_op == 0.0002);
	assert_string_equal(e->source, "fixture: kvm stats + kvm_exit hist");
	assert_int_equal(e->reason_count, 2);
	assert_string_equal(e->reasons[0].name, "MSR");
	assert_true(e->reasons[0].per_op == 0.00015);
	assert_true(isnan(e->time_share));
	e = &rio_find_bench(&r, "matmul-10")->exits;
	assert_int_equal(e->reason_count, 3);
	assert_string_equal(e->reasons[0].name, "NPF");
	assert_string_equal(e->reasons[2].name, "INTR");
	assert_true(e->time_share == 0.05);
	assert_false(rio_find_bench(&r, "stat")->exits.present);
	rio_free(&r);

	/* Files without exits (every file before KVM) read as before. */
	assert_int_equal(rio_load(fixture("host.json"), &r, err, sizeof(err)), 0);
	for (size_t i = 0; i < r.bench_count; i++)
		assert_false(r.benches[i].exits.present);
	rio_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(host_fixture_read_whole),
		cmocka_unit_test(instruction_clocks),
		cmocka_unit_test(bad_files_refused_with_reason),
		cmocka_unit_test(tolerates_unknown_keys_but_not_wrong_types),
		cmocka_unit_test(exits_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
