// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark table: every row is well formed, names are unique,
 * bench_find finds each by name and nothing else, and the flags the
 * harness relies on (forks, needs the module, slow) are where they belong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "bench.h"
#include <uapi/vmprobe.h>

/* The ops of the uapi list, counted from the list itself. */
#define KTIMED_COUNT_(NAME, ident, row, what, refused)	+ 1
#define KTIMED_OPS	(0 VMPROBE_KTIMED_OPS(KTIMED_COUNT_))

static void names_are_unique(void **state)
{
	for (size_t i = 0; i < bench_table_len; i++)
		for (size_t j = i + 1; j < bench_table_len; j++)
			if (strcmp(bench_table[i]->name, bench_table[j]->name) == 0)
				fail_msg("duplicate benchmark name %s", bench_table[i]->name);
}

static void rows_are_well_formed(void **state)
{
	assert_true(bench_table_len > 30);
	for (size_t i = 0; i < bench_table_len; i++) {
		const struct bench *b = bench_table[i];

		assert_non_null(b);
		assert_non_null(b->name);
		assert_true(strlen(b->name) > 0);
		assert_null(strchr(b->name, ' '));
		assert_true(strcmp(b->group, "micro") == 0 || strcmp(b->group, "macro") == 0);
		assert_non_null(b->summary);
		assert_non_null(b->unit);
		/* Exactly one way to be timed. */
		assert_true((b->run != NULL) != (b->measure != NULL));
		assert_true(b->run_baseline == NULL || b->run != NULL);
		/* Sizes: positive, then a 0 inside the array. */
		size_t k = 0;

		while (k < BENCH_MAX_SIZES && b->sizes[k] != 0) {
			assert_true(b->sizes[k] > 0);
			k++;
		}
		assert_true(k < BENCH_MAX_SIZES);
		if (b->flags & BENCH_NEEDS_MODULE)
			assert_non_null(b->valid);
	}
}

static void micro_rows_come_before_macro(void **state)
{
	int seen_macro = 0;

	for (size_t i = 0; i < bench_table_len; i++) {
		if (strcmp(bench_table[i]->group, "macro") == 0)
			seen_macro = 1;
		else if (seen_macro)
			fail_msg("micro bench %s after a macro one", bench_table[i]->name);
	}
}

static void find_by_name(void **state)
{
	for (size_t i = 0; i < bench_table_len; i++)
		assert_ptr_equal(bench_find(bench_table[i]->name), bench_table[i]);
	assert_null(bench_find("no-such-bench"));
	assert_null(bench_find(""));
	assert_null(bench_find(NULL));
	assert_null(bench_find("matmul-100"));	/* a row, not a bench name */
	assert_null(bench_find("MATMUL"));
	assert_null(bench_find("matmu"));
}

/* Every study benchmark is there, with the study's sizes as defaults. */
static void study_set_is_complete(void **state)
{
	static const char *const names[] = {
		"getpid", "getpid-raw", "null-syscall", "stat", "open-close", "read-file",
		"read-zero", "matmul", "bubblesort", "ctxsw-1cpu", "ctxsw-2cpu", "pipe-bandwidth",
	};
	const struct bench *b;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!bench_find(names[i]))
			fail_msg("missing benchmark %s", names[i]);
	b = bench_find("matmul");
	assert_int_equal(b->sizes[0], 10);
	assert_int_equal(b->sizes[1], 100);
	assert_int_equal(b->sizes[2], 1000);
	assert_true(b->flags & BENCH_SLOW);
	b = bench_find("bubblesort");
	assert_int_equal(b->sizes[0], 1000);
	assert_int_equal(b->sizes[1], 10000);
	assert_int_equal(b->sizes[2], 100000);
	assert_true(b->flags & BENCH_SLOW);
	b = bench_find("read-file");
	assert_int_equal(b->sizes[0], 1);
	assert_int_equal(b->sizes[1], 1024);
	assert_int_equal(b->sizes[2], 1048576);
}

static void process_rows_say_they_fork(void **state)
{
	static const char *const forking[] = {
		"ctxsw-1cpu", "ctxsw-2cpu", "pipe-bandwidth", "fork-exit-wait", "fork-exec",
	};

	for (size_t i = 0; i < sizeof(forking) / sizeof(forking[0]); i++) {
		const struct bench *b = bench_find(forking[i]);

		assert_non_null(b);
		if (!(b->flags & BENCH_FORKS))
			fail_msg("%s creates processes but lacks BENCH_FORKS", forking[i]);
	}
	assert_false(bench_find("getpid")->flags & BENCH_FORKS);
}

static void module_rows_are_marked(void **state)
{
	size_t ktimed = 0;

	for (size_t i = 0; i < bench_table_len; i++) {
		const struct bench *b = bench_table[i];

		if (strncmp(b->name, "ktimed-", 7) == 0) {
			ktimed++;
			assert_non_null(b->measure);
			assert_true(b->flags & BENCH_NEEDS_MODULE);
		}
	}
	/* One row per op of the uapi header's list, each named "ktimed-" and the op's row name. */
	assert_int_equal(ktimed, KTIMED_OPS);
#define KTIMED_FOUND_(NAME, ident, row, what, refused)	assert_non_null(bench_find("ktimed-" row));
	VMPROBE_KTIMED_OPS(KTIMED_FOUND_)
#undef KTIMED_FOUND_
	assert_true(bench_find("gaps")->flags & BENCH_NEEDS_MODULE);
	assert_true(bench_find("ioctl-null")->flags & BENCH_NEEDS_MODULE);
}

/* Every row names a panel the registry has; macro rows and only they are in "macro". */
static void panels_from_the_table(void **state)
{
	size_t other = bench_panel_index("other");

	for (size_t i = 0; i < bench_table_len; i++) {
		const struct bench *b = bench_table[i];

		assert_non_null(b->panel);
		if (bench_panel_index(b->panel) == other)
			fail_msg("%s: panel \"%s\" is not in bench_panels", b->name, b->panel);
		assert_int_equal(!strcmp(b->panel, "macro"), !strcmp(b->group, "macro"));
	}
	/* Files from before rows carried a panel: by the row's name, sized rows included. */
	assert_string_equal(bench_panel_by_row("getpid"), "syscall");
	assert_string_equal(bench_panel_by_row("matmul-100"), "macro");
	assert_string_equal(bench_panel_by_row("ktimed-cpuid0"), "kernel");
	assert_string_equal(bench_panel_by_row("getppid"), "other");
	assert_string_equal(bench_panel_by_row("getpid-"), "other");
	assert_int_equal(bench_panel_index("a-panel-of-a-later-build"), other);
}

/* Every KVM note names a row of the table, once; a row without one gets NULL. */
static void kvm_notes_name_real_rows(void **state)
{
	for (size_t i = 0; i < bench_kvm_seen_len; i++) {
		const struct bench_kvm_seen *k = &bench_kvm_seen_table[i];

		if (!bench_find(k->row))
			fail_msg("KVM note for \"%s\": no such row", k->row);
		assert_true(strlen(k->seen) > 0);
		assert_ptr_equal(bench_kvm_seen(k->row), k->seen);
		for (size_t j = i + 1; j < bench_kvm_seen_len; j++)
			assert_string_not_equal(k->row, bench_kvm_seen_table[j].row);
	}
	assert_non_null(bench_kvm_seen("irq-self-ipi"));
	assert_null(bench_kvm_seen("getpid"));
	assert_null(bench_kvm_seen("irq-self"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_are_unique),
		cmocka_unit_test(rows_are_well_formed),
		cmocka_unit_test(micro_rows_come_before_macro),
		cmocka_unit_test(find_by_name),
		cmocka_unit_test(study_set_is_complete),
		cmocka_unit_test(process_rows_say_they_fork),
		cmocka_unit_test(module_rows_are_marked),
		cmocka_unit_test(panels_from_the_table),
		cmocka_unit_test(kvm_notes_name_real_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
