// SPDX-License-Identifier: GPL-2.0
/*
 * compare on the fixture files, against answers computed independently
 * (by hand and in Python from the fixture samples): ratios of median
 * times across different TSC rates, U and p, geometric means, emulation
 * cost, the states and reasons of rows without figures, and the renderers.
 * Replication: three boots per file (Welch on log per-boot medians, its
 * interval at the Benjamini-Hochberg level of the column, Hodges-Lehmann
 * with Moses' interval, values from tests/unit/test_signif.c's reference
 * script), one boot against three (U on pooled samples), the rows the base
 * traps, geometric means over the rows every file has. Rows copied from the
 * committed results (tests/fixtures/boots-*.json: host, uml and xen's
 * getpid, read-file-1024, clock-gettime, matmul-10, all three boots): every
 * cell whose boots all agree on a ratio beyond 2x differs, a verdict does
 * not depend on the other columns, odd boots are flagged.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "compare.h"
#include "compare_render.h"
#include "fixture_path.h"
#include "assert_near.h"

struct loaded {
	struct rio_result files[4];
	size_t count;
	struct compare_table table;
};

static void load(struct loaded *l, const char *const *names, size_t n)
{
	char err[RIO_ERR_LEN];

	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < n; i++) {
		if (rio_load(fixture(names[i]), &l->files[i], err, sizeof(err))) {
			print_error("%s\n", err);
			fail();
		}
		l->count++;
	}
}

static void unload(struct loaded *l)
{
	compare_free(&l->table);
	for (size_t i = 0; i < l->count; i++)
		rio_free(&l->files[i]);
}

static int setup_three(void **state)
{
	static const char *const names[] = { "host.json", "qemu.json", "qemu-icount.json" };
	struct loaded *l = calloc(1, sizeof(*l));
	char err[RIO_ERR_LEN];

	load(l, names, 3);
	if (compare_build(l->files, 3, 0.05, &l->table, err, sizeof(err))) {
		print_error("%s\n", err);
		return -1;
	}
	*state = l;
	return 0;
}

static int teardown(void **state)
{
	unload(*state);
	free(*state);
	return 0;
}

static const struct compare_row *row(const struct compare_table *t, const char *name)
{
	for (size_t r = 0; r < t->row_count; r++)
		if (!strcmp(t->rows[r].name, name))
			return &t->rows[r];
	fail_msg("no row %s", name);
	return NULL;
}

static void rows_are_the_union_in_base_order(void **state)
{
	const struct compare_table *t = &((struct loaded *)*state)->table;
	static const char *const order[] = { "getpid", "null-syscall", "stat", "read-1024",
					      "matmul-10", "bubble-1000", "ctx-switch-2", "open" };

	assert_int_equal(t->row_count, 8);
	for (size_t r = 0; r < 8; r++)
		assert_string_equal(t->rows[r].name, order[r]);
}

static void ratios_across_tsc_rates(void **state)
{
	const struct compare_table *t = &((struct loaded *)*state)->table;
	const struct compare_cell *h = row(t, "getpid")->cells, *q = h + 1;

	/* host 204 ticks at 2 GHz = 102 ns; qemu 154 ticks at 1 GHz = 154 ns. */
	assert_double_equal(h->time_ns, 102.0, 1e-9);
	assert_double_equal(h->ratio, 1.0, 0);
	assert_double_equal(q->time_ns, 154.0, 1e-9);
	assert_double_equal(q->ticks, 154.0, 0);
	assert_double_equal(q->ratio, 1.5098039215686274, 1e-12);
	assert_double_equal(q->time_ci_low, 150.0, 1e-9);
	assert_double_equal(q->time_ci_high, 158.0, 1e-9);
	assert_string_equal(q->time_source, "tsc");
	assert_double_equal(row(t, "null-syscall")->cells[1].ratio, 1.9090909090909092, 1e-12);
	assert_double_equal(row(t, "stat")->cells[1].ratio, 1.0019704433497536, 1e-12);
	assert_double_equal(row(t, "matmul-10")->cells[1].ratio, 1.0, 1e-12);
}

static void significance(void **state)
{
	const struct compare_table *t = &((struct loaded *)*state)->table;
	const struct compare_cell *c;

	c = &row(t, "getpid")->cells[1];
	assert_true(c->tested);
	assert_int_equal(c->mwu.method, MWU_EXACT);
	assert_double_equal(c->mwu.u1, 0.0, 0);
	assert_double_equal(c->mwu.p, 0.007936507936507936, 1e-12);
	assert_true(c->significant);

	/* 3 against 3 can never reach p < 0.05 (the least p is 0.1). */
	c = &row(t, "null-syscall")->cells[1];
	assert_false(c->tested);
	assert_false(c->significant);
	assert_string_equal(c->signif_note, "n/a (too few repetitions)");

	c = &row(t, "stat")->cells[1];	/* a tie across the samples: normal approximation */
	assert_true(c->tested);
	assert_int_equal(c->mwu.method, MWU_NORMAL);
	assert_double_equal(c->mwu.u1, 7.5, 1e-12);
	assert_double_equal(c->mwu.p, 1.0, 1e-12);
	assert_false(c->significant);

	c = &row(t, "matmul-10")->cells[1];
	assert_int_equal(c->mwu.method, MWU_NORMAL);
	assert_double_equal(c->mwu.u1, 16.5, 1e-12);
	assert_double_equal(c->mwu.p, 0.8683712522932042, 1e-9);
	assert_false(c->significant);
}

static void rows_without_figures_keep_their_reason(void **state)
{
	const struct compare_table *t = &((struct loaded *)*state)->table;
	const struct compare_cell *c;

	c = &row(t, "read-1024")->cells[0];
	assert_int_equal(c->state, CELL_SKIPPED);
	assert_string_equal(c->reason, "needs the vmprobe module");
	assert_true(isnan(c->time_ns) && isnan(c->ratio));
	c = &row(t, "read-1024")->cells[1];	/* ok, but nothing to compare with */
	assert_int_equal(c->state, CELL_OK);
	assert_true(isnan(c->ratio));
	assert_string_equal(c->ratio_note, "base has no figure");
	assert_false(c->tested);

	c = &row(t, "bubble-1000")->cells[1];
	assert_int_equal(c->state, CELL_FAILED);
	assert_string_equal(c->reason, "verify failed: not sorted");
	assert_true(isnan(c->ratio));
	assert_int_equal(row(t, "ctx-switch-2")->cells[0].state, CELL_FAILED);
	assert_int_equal(row(t, "ctx-switch-2")->cells[1].state, CELL_SKIPPED);
	c = &row(t, "open")->cells[0];
	assert_int_equal(c->state, CELL_MISSING);
	assert_string_equal(c->reason, "not in this file");
	assert_true(isnan(c->time_ns));
}

static void counters_and_separation(void **state)
{
	const struct compare_table *t = &((struct loaded *)*state)->table;
	const struct compare_cell *h = row(t, "getpid")->cells, *q = h + 1;

	assert_double_equal(q->instructions, 500.0, 0);
	assert_double_equal(q->ipc, 2.0, 1e-12);
	assert_double_equal(h->instructions, 400.0, 0);
	assert_true(isnan(h->ipc));	/* no cycles counter on the host fixture */
	assert_string_equal(q->separation_method, "gaps");
	assert_double_equal(q->outside_share, 0.25, 0);
	assert_null(row(t, "stat")->cells[1].separation_method);
}

static void instruction_clock_has_no_time(void **state)
{
	const struct compare_table *t = &((struct loaded *)*state)->table;
	const struct compare_cell *c = &row(t, "getpid")->cells[2];

	assert_string_equal(compare_ticks_unit(&t->files[2]), "instr");
	assert_string_equal(compare_ticks_unit(&t->files[0]), "cycles");
	assert_int_equal(c->state, CELL_OK);
	assert_double_equal(c->ticks, 50.0, 0);
	assert_true(isnan(c->time_ns) && isnan(c->ratio));
	assert_null(c->time_source);
	assert_string_equal(c->ratio_note, "no real time (instruction clock)");
	assert_false(c->tested);
}

static void emulation_cost(void **state)
{
	const struct compare_table *t = &((struct loaded *)*state)->table;

	assert_int_equal(t->qemu_file, 1);
	assert_int_equal(t->icount_file, 2);
	assert_double_equal(row(t, "getpid")->cycles_per_guest_instr, 154.0 / 50.0, 1e-12);
	assert_double_equal(row(t, "null-syscall")->cycles_per_guest_instr, 105.0 / 31.0, 1e-12);
	assert_double_equal(row(t, "matmul-10")->cycles_per_guest_instr, 2075.0 / 700.5, 1e-12);
	assert_true(isnan(row(t, "stat")->cycles_per_guest_instr));	/* skipped under icount */
	assert_true(isnan(row(t, "open")->cycles_per_guest_instr));
}

static void geometric_means(void **state)
{
	const struct compare_table *t = &((struct loaded *)*state)->table;
	size_t n = t->file_count;

	/* micro: getpid, null-syscall, stat (read-1024 and open lack the base). */
	assert_int_equal(t->geomeans[0 * n + 1].rows, 3);
	assert_double_equal(t->geomeans[0 * n + 1].ratio, 1.4240788061780785, 1e-12);
	assert_int_equal(t->geomeans[1 * n + 1].rows, 1);
	assert_double_equal(t->geomeans[1 * n + 1].ratio, 1.0, 1e-12);
	assert_int_equal(t->geomeans[0 * n + 2].rows, 0);
	assert_true(isnan(t->geomeans[0 * n + 2].ratio));
}

static void host_clock_gives_virtual_time_a_time(void **state)
{
	static const char *const names[] = { "host.json", "qemu-icount-vt.json" };
	struct loaded l;
	char err[RIO_ERR_LEN];
	const struct compare_cell *c;

	load(&l, names, 2);
	assert_int_equal(compare_build(l.files, 2, 0.05, &l.table, err, sizeof(err)), 0);
	c = &row(&l.table, "getpid")->cells[1];
	/* 50 instructions at a nominal 1 GHz = 50 guest ns; host wall is twice the guest's. */
	assert_double_equal(c->time_ns, 100.0, 1e-9);
	assert_string_equal(c->time_source, "host-clock");
	assert_double_equal(c->ratio, 100.0 / 102.0, 1e-12);
	assert_true(c->tested);
	assert_int_equal(l.table.qemu_file, -1);	/* no real-time qemu: no emulation cost */
	unload(&l);
}

static void incomparable_sets_refused(void **state)
{
	static const char *const same_label[] = { "host.json", "relabelled-host.json" };
	static const char *const pair[] = { "host.json", "qemu.json" };
	struct loaded l;
	char err[RIO_ERR_LEN] = "";

	load(&l, same_label, 2);
	assert_int_equal(compare_build(l.files, 2, 0.05, &l.table, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "label \"host\" is also the label of"));
	unload(&l);

	load(&l, pair, 2);
	free(l.files[1].benches[0].group);	/* getpid */
	l.files[1].benches[0].group = strdup("macro");
	assert_int_equal(compare_build(l.files, 2, 0.05, &l.table, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "benchmark \"getpid\" is in group macro here but micro"));
	unload(&l);
}

static char *render(const struct compare_table *t, int (*fn)(const struct compare_table *, FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fn(t, f), 0);
	fclose(f);
	return buf;
}

static int write_markdown(const struct compare_table *t, FILE *f)
{
	return compare_write_table(t, f, true);
}

static int write_text(const struct compare_table *t, FILE *f)
{
	return compare_write_table(t, f, false);
}

static void renderers(void **state)
{
	const struct compare_table *t = &((struct loaded *)*state)->table;
	char *s;
	struct json_object *root, *rows, *getpid, *cell, *v;

	s = render(t, write_markdown);
	assert_memory_equal(s, "| benchmark ", 12);
	assert_non_null(strstr(s, "\n| --- | ---: |"));
	assert_non_null(strstr(s, "| getpid "));
	assert_non_null(strstr(s, "1.510x"));
	assert_non_null(strstr(s, "needs the vmprobe module"));
	assert_non_null(strstr(s, "n/a (too few repetitions)"));
	free(s);

	s = render(t, write_text);
	assert_non_null(strstr(s, "geomean micro"));
	assert_non_null(strstr(s, "1.424x ["));
	assert_non_null(strstr(s, "] (3 rows)"));
	assert_non_null(strstr(s, "qemu cycles/guest instr"));
	free(s);

	s = render(t, compare_write_csv);
	assert_memory_equal(s, "benchmark,group,host.status,host.reason,host.time_ns,", 52);
	assert_non_null(strstr(s, "\ngetpid,micro,ok,,102,"));
	assert_non_null(strstr(s, ",1.5098039215686274,"));
	assert_non_null(strstr(s, "\ngeomean-micro,micro,base,"));
	free(s);

	s = render(t, compare_write_json);
	root = json_tokener_parse(s);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "rows", &rows));
	getpid = json_object_array_get_idx(rows, 0);
	assert_true(json_object_object_get_ex(getpid, "cells", &cell));
	assert_true(json_object_object_get_ex(cell, "qemu", &cell));
	assert_true(json_object_object_get_ex(cell, "ratio", &v));
	assert_double_equal(json_object_get_double(v), 1.5098039215686274, 1e-12);
	assert_true(json_object_object_get_ex(cell, "mann_whitney", &cell));
	assert_true(json_object_object_get_ex(cell, "p", &v));
	assert_double_equal(json_object_get_double(v), 0.007936507936507936, 1e-12);
	assert_true(json_object_object_get_ex(getpid, "cycles_per_guest_instruction", &v));
	assert_double_equal(json_object_get_double(v), 3.08, 1e-12);
	json_object_put(root);
	free(s);
}

/* VM exits ride along with their cell; the screen view fits the width it is given. */
static void exits_and_the_screen_view(void **state)
{
	static const char *const names[] = { "host.json", "qemu.json", "qemu-icount.json", "kvm.json" };
	struct loaded l;
	char err[RIO_ERR_LEN], *buf = NULL, *line, *save = NULL;
	size_t len = 0, r;
	FILE *m;

	load(&l, names, 4);
	assert_int_equal(compare_build(l.files, 4, 0.05, &l.table, err, sizeof(err)), 0);
	for (r = 0; r < l.table.row_count && strcmp(l.table.rows[r].name, "null-syscall"); r++)
		;
	assert_true(r < l.table.row_count);
	assert_non_null(l.table.rows[r].cells[3].exits);
	assert_true(l.table.rows[r].cells[3].exits->per_op == 1.0);
	assert_null(l.table.rows[r].cells[1].exits);	/* qemu counts none */

	for (int width = 30; width <= 130; width += 50) {
		struct compare_view v = { .metric = METRIC_TIME, .width = width, .colour = false };

		m = open_memstream(&buf, &len);
		assert_int_equal(compare_write_screen(&l.table, m, &v), 0);
		fclose(m);
		assert_non_null(strstr(buf, "1.000 CPUID"));
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			size_t w = 0;

			for (const char *c = line; *c; c++)
				w += ((unsigned char)*c & 0xc0) != 0x80;
			if (w > (size_t)width) {
				print_error("width %d: \"%s\" is %zu wide\n", width, line, w);
				fail();
			}
		}
		free(buf);
		buf = NULL;
	}
	unload(&l);
}

static void boots_are_the_replicates(void **state)
{
	static const char *const names[] = { "host-3boots.json", "qemu-3boots.json" };
	struct loaded l;
	char err[RIO_ERR_LEN];
	const struct compare_cell *c;
	const struct compare_geomean *gm;

	load(&l, names, 2);
	assert_int_equal(rio_boot_count(&l.files[0]), 3);
	assert_string_equal(l.files[0].host_vmm, "kvm");
	assert_int_equal(compare_build(l.files, 2, 0.05, &l.table, err, sizeof(err)), 0);
	assert_int_equal(l.table.min_reps, 4);
	assert_int_equal(l.table.tests, 4);	/* getpid, null-syscall, cpuid, matmul-10 */

	/* The figure is the geometric mean of the per-boot medians: host 100, 102, 101; qemu 300, 310, 305. */
	c = &row(&l.table, "getpid")->cells[1];
	assert_int_equal(c->boots, 3);
	assert_double_equal(row(&l.table, "getpid")->cells[0].time_ns, cbrt(100.0 * 102 * 101), 1e-9);
	assert_double_equal(c->time_ns, cbrt(300.0 * 310 * 305), 1e-9);
	/* Its 95% t interval over 3 boots: exp(mean log +- 4.3027 sd / sqrt 3). */
	{
		double l3[] = { log(300), log(310), log(305) }, m = (l3[0] + l3[1] + l3[2]) / 3, ss = 0;

		for (int k = 0; k < 3; k++)
			ss += (l3[k] - m) * (l3[k] - m);
		assert_double_equal(c->time_ci_low, exp(m - 4.302652729911275 * sqrt(ss / 2 / 3)), 1e-6);
		assert_double_equal(c->time_ci_high, exp(m + 4.302652729911275 * sqrt(ss / 2 / 3)), 1e-6);
	}
	assert_double_equal(c->ratio, c->time_ns / row(&l.table, "getpid")->cells[0].time_ns, 1e-12);
	assert_int_equal(c->test, TEST_BOOTS);
	/* Welch on the logs of the boot medians (Python: Simpson over Student's t density). */
	assert_double_equal(c->welch.t, 99.94009456653063, 1e-8);
	assert_double_equal(c->welch.df, 3.287606195176515, 1e-10);
	assert_double_equal(c->p, 7.692013297007958e-07, 1e-13);
	/* BH in qemu's column (4 tests on boots): second smallest, x 4/2; 3 found, so every interval is at 1 - 3 x 0.05/4. */
	assert_double_equal(c->p_adj, 2 * 7.692013297007958e-07, 1e-12);
	assert_int_equal(c->family, 4);
	assert_double_equal(c->ci_level, 0.9625, 1e-12);
	assert_double_equal(c->ratio_ci_low, exp(c->welch.difference - signif_t_quantile(0.0375, c->welch.df) *
						  c->welch.difference / c->welch.t), 1e-9);
	assert_true(c->ratio_ci_low > 1 && c->ratio_ci_low < c->ratio && c->ratio < c->ratio_ci_high);
	assert_true(c->significant);
	assert_true(c->separated);	/* 300..310 against 100..102 */
	assert_true(c->has_shift);
	assert_double_equal(c->shift.shift, 3.01980198019802, 1e-12);
	assert_double_equal(c->shift.ci_low, 2.941176470588236, 1e-12);
	assert_double_equal(c->shift.ci_high, 3.1, 1e-12);
	assert_double_equal(c->shift.coverage, 0.9, 1e-12);	/* 3 against 3 can do no better */

	c = &row(&l.table, "null-syscall")->cells[1];	/* boots overlap: not significant */
	assert_double_equal(c->p, 0.5728154855192086, 1e-9);
	assert_double_equal(c->p_adj, c->p, 0);	/* the largest: scaled by 4/4 */
	assert_true(c->ratio_ci_low < 1 && c->ratio_ci_high > 1);
	assert_false(c->significant);
	assert_false(c->separated);

	/* matmul-10 failed in qemu's boot 2: two boots left, still a boots test. */
	c = &row(&l.table, "matmul-10")->cells[1];
	assert_int_equal(c->boots, 2);
	assert_int_equal(c->test, TEST_BOOTS);
	assert_double_equal(c->time_ns, sqrt(8000.0 * 8100), 1e-9);	/* boots 1 and 3 */

	/* The base (under KVM) traps cpuid: flagged, and kept out of the geomean. */
	assert_non_null(row(&l.table, "cpuid")->base_traps);
	assert_null(row(&l.table, "getpid")->base_traps);
	gm = &l.table.geomeans[0 * 2 + 1];
	assert_int_equal(gm->rows, 2);	/* getpid, null-syscall; stat is not in qemu */
	assert_int_equal(gm->trapped, 1);
	assert_double_equal(gm->ratio, sqrt(row(&l.table, "getpid")->cells[1].ratio *
					    row(&l.table, "null-syscall")->cells[1].ratio), 1e-12);
	assert_true(gm->ci_low < gm->ratio && gm->ci_high > gm->ratio);
	assert_true(gm->ci_low > 1.5 && gm->ci_high < 2.1);
	assert_false(gm->ci_bootstrap);	/* t over boots */
	unload(&l);
}

static void one_boot_against_three_is_within_boot(void **state)
{
	static const char *const names[] = { "host-3boots.json", "qemu.json" };
	struct loaded l;
	char err[RIO_ERR_LEN];
	const struct compare_cell *c;

	load(&l, names, 2);
	assert_int_equal(compare_build(l.files, 2, 0.05, &l.table, err, sizeof(err)), 0);
	c = &row(&l.table, "getpid")->cells[1];
	assert_int_equal(c->boots, 1);
	assert_int_equal(c->test, TEST_SAMPLES);
	assert_string_equal(compare_test_name(c->test), "pooled");
	assert_string_equal(compare_basis_label(c), "pooled");
	/* 15 host samples (3 boots pooled, 98..104) all below qemu's 5 (150..158 at 1 GHz). */
	assert_int_equal(c->mwu.n1, 15);
	assert_int_equal(c->mwu.n2, 5);
	assert_double_equal(c->mwu.u1, 0, 0);
	/* null-syscall has 3 samples in qemu.json: below the 4 the U test needs at alpha 0.05. */
	c = &row(&l.table, "null-syscall")->cells[1];
	assert_false(c->tested);
	assert_string_equal(c->signif_note, "n/a (too few repetitions)");
	unload(&l);
}

/* Built from the committed rows: host, then OTHERS. */
static void load_boots(struct loaded *l, const char *const *names, size_t n)
{
	char err[RIO_ERR_LEN];

	load(l, names, n);
	if (compare_build(l->files, n, 0.05, &l->table, err, sizeof(err)))
		fail_msg("%s", err);
}

/* Whether every boot of C is beyond 2x every boot of BASE, in one direction (computed here). */
static bool all_boots_beyond_2x(const struct compare_cell *base, const struct compare_cell *c)
{
	bool up = true, down = true;

	for (size_t i = 0; i < base->boots; i++)
		for (size_t j = 0; j < c->boots; j++) {
			up &= c->boot[j].ns > 2 * base->boot[i].ns;
			down &= 2 * c->boot[j].ns < base->boot[i].ns;
		}
	return up || down;
}

static void boots_beyond_2x_always_differ(void **state)
{
	static const char *const names[] = { "boots-host.json", "boots-uml.json", "boots-xen.json" };
	static const char *const two[] = { "boots-host.json", "boots-xen.json" };
	struct loaded l, m;
	size_t checked = 0;

	load_boots(&l, names, 3);
	for (size_t r = 0; r < l.table.row_count; r++)
		for (size_t i = 1; i < 3; i++) {
			const struct compare_cell *c = &l.table.rows[r].cells[i];

			if (c->boots < 2 || !all_boots_beyond_2x(&l.table.rows[r].cells[0], c))
				continue;
			checked++;
			if (!c->significant)
				fail_msg("%s %s: every boot beyond 2x, yet no difference", l.files[i].label,
					 l.table.rows[r].name);
		}
	/* The cases: uml getpid 109x, xen read-file-1024 98x, matmul-10 38x (and clock-gettime). */
	assert_true(checked >= 6);
	assert_true(row(&l.table, "getpid")->cells[1].significant);
	assert_true(row(&l.table, "read-file-1024")->cells[2].significant);
	assert_true(row(&l.table, "matmul-10")->cells[2].significant);
	/* xen clock-gettime: boot 2 at 58.6 us against 83 ns; the t interval holds 1, the boots decide. */
	const struct compare_cell *cg = &row(&l.table, "clock-gettime")->cells[2];

	assert_true(cg->separated && cg->significant && cg->ratio_ci_low < 1);
	/* uml matmul-10 (1.01x to 1.6x over the boots): no difference. */
	assert_false(row(&l.table, "matmul-10")->cells[1].significant);

	/* xen's verdicts and intervals do not depend on whether uml is in the table. */
	load_boots(&m, two, 2);
	for (size_t r = 0; r < l.table.row_count; r++) {
		const struct compare_cell *a = &l.table.rows[r].cells[2];
		const struct compare_cell *b = &row(&m.table, l.table.rows[r].name)->cells[1];

		assert_int_equal(a->significant, b->significant);
		assert_double_equal(a->ratio_ci_low, b->ratio_ci_low, 0);
		assert_double_equal(a->ratio_ci_high, b->ratio_ci_high, 0);
	}
	unload(&m);
	unload(&l);
}

static void odd_boots_are_flagged(void **state)
{
	static const char *const names[] = { "boots-host.json", "boots-uml.json", "boots-xen.json" };
	struct loaded l;
	char text[512];
	const struct compare_cell *c;

	load_boots(&l, names, 3);
	/* uml getpid: boot medians 55.8, 15.5, 15.2 us: boot 1 is the odd one. */
	c = &row(&l.table, "getpid")->cells[1];
	assert_int_equal(c->odd_boot, 1);
	assert_true(c->boot_spread > 3.5 && c->boot_spread < 3.8);
	compare_cell_flags(c, text, sizeof(text));
	assert_non_null(strstr(text, "boot 1 at 55.82us"));
	assert_non_null(strstr(text, "linearity 0.379 in boot 3"));
	/* Its samples form two modes in every boot (about 15-17 us and 42-57 us, near half each). */
	assert_int_equal(c->modes_boots, 3);
	assert_int_equal(c->boot[0].modes.count, 2);
	assert_true(c->boot[0].mode_ns[0] > 16000 && c->boot[0].mode_ns[0] < 19000);
	assert_true(c->boot[0].mode_ns[1] > 50000 && c->boot[0].mode_ns[1] < 60000);
	assert_double_equal(c->boot[0].modes.share[0], 6.0 / 15, 1e-12);
	assert_non_null(strstr(text, "2 modes in boot 1: 17.43us 40%, 57.21us 53%"));
	/* xen clock-gettime: boot 2 at 58.6 us against 83 ns. */
	c = &row(&l.table, "clock-gettime")->cells[2];
	assert_int_equal(c->odd_boot, 2);
	assert_true(c->boot_spread > 700);
	compare_cell_flags(c, text, sizeof(text));
	assert_non_null(strstr(text, "boot 2 at 58.57us"));
	/* host getpid: boots agree, linearity within 10%: no flag. */
	c = &row(&l.table, "getpid")->cells[0];
	assert_int_equal(c->odd_boot, 0);
	assert_true(isnan(c->linearity) && isnan(c->undisturbed));
	assert_string_equal(compare_cell_flags(c, text, sizeof(text)), "");
	unload(&l);
}

static void empty_group_has_no_geomean(void **state)
{
	static const char *const names[] = { "boots-host.json", "boots-xen.json" };
	struct loaded l;
	char err[RIO_ERR_LEN];

	load(&l, names, 2);
	/* The base loses its one macro row in every boot: no macro row is common. */
	for (size_t k = 0; k < rio_boot_count(&l.files[0]); k++) {
		struct rio_result *boot = (struct rio_result *)rio_boot(&l.files[0], k);

		for (size_t b = 0; b < boot->bench_count; b++)
			if (!strcmp(boot->benches[b].group, "macro")) {
				boot->benches[b].status = RIO_SKIPPED;
				free(boot->benches[b].reason);
				boot->benches[b].reason = strdup("fixture: taken out");
			}
	}
	assert_int_equal(compare_build(l.files, 2, 0.05, &l.table, err, sizeof(err)), 0);
	assert_int_equal(l.table.geomeans[1 * 2 + 1].rows, 0);
	assert_true(isnan(l.table.geomeans[1 * 2 + 1].ratio));
	assert_int_equal(l.table.geomeans[0 * 2 + 1].rows, 3);
	unload(&l);
}

static void base_on_bare_metal_traps_nothing(void **state)
{
	struct rio_result r = { 0 };

	assert_null(compare_base_traps(&r, "cpuid"));	/* no host.vmm: old files */
	r.host_vmm = "none";
	assert_null(compare_base_traps(&r, "cpuid"));
	r.host_vmm = "kvm";
	assert_non_null(compare_base_traps(&r, "cpuid"));
	assert_non_null(compare_base_traps(&r, "ktimed-pio"));
	assert_null(compare_base_traps(&r, "getpid"));
}

/* Four significant digits, also where rounding carries into a new digit. */
static void numbers_have_four_significant_digits(void **state)
{
	static const struct { double v; const char *text; } cases[] = {
		{ 1.0, "1.000" }, { 0.99996, "1.000" }, { 0.999949, "0.9999" },
		{ 1.0 - 1e-15, "1.000" }, { 9.99951, "10.00" }, { 144.66, "144.7" },
		{ 999.96, "1000" }, { 123456.7, "123457" }, { 0.012345, "0.01235" },
		{ -0.99996, "-1.000" }, { 0, "0.000" },
	};
	char buf[48];

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		assert_string_equal(compare_fmt_num(cases[k].v, buf, sizeof(buf)), cases[k].text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(rows_are_the_union_in_base_order, setup_three, teardown),
		cmocka_unit_test_setup_teardown(ratios_across_tsc_rates, setup_three, teardown),
		cmocka_unit_test_setup_teardown(significance, setup_three, teardown),
		cmocka_unit_test_setup_teardown(rows_without_figures_keep_their_reason, setup_three,
						teardown),
		cmocka_unit_test_setup_teardown(counters_and_separation, setup_three, teardown),
		cmocka_unit_test_setup_teardown(instruction_clock_has_no_time, setup_three, teardown),
		cmocka_unit_test_setup_teardown(emulation_cost, setup_three, teardown),
		cmocka_unit_test_setup_teardown(geometric_means, setup_three, teardown),
		cmocka_unit_test_setup_teardown(renderers, setup_three, teardown),
		cmocka_unit_test(host_clock_gives_virtual_time_a_time),
		cmocka_unit_test(incomparable_sets_refused),
		cmocka_unit_test(exits_and_the_screen_view),
		cmocka_unit_test(boots_are_the_replicates),
		cmocka_unit_test(one_boot_against_three_is_within_boot),
		cmocka_unit_test(base_on_bare_metal_traps_nothing),
		cmocka_unit_test(boots_beyond_2x_always_differ),
		cmocka_unit_test(odd_boots_are_flagged),
		cmocka_unit_test(empty_group_has_no_geomean),
		cmocka_unit_test(numbers_have_four_significant_digits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
