// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 19, where the time goes seen from the VMM: reading a row's exit
 * time by reason and the host's view of a user-space VMM (resultio_where.c),
 * files without them reading as before, bad figures refused with a reason,
 * and compare's views showing them (compare_where.c).
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

static const struct rio_bench *bench(const struct rio_result *r, const char *name)
{
	const struct rio_bench *b = rio_find_bench(r, name);

	assert_non_null(b);
	return b;
}

static void exit_time_read(void **state)
{
	struct rio_result r;
	char err[RIO_ERR_LEN] = "";
	const struct rio_exit_time *t;

	assert_int_equal(rio_load(fixture("kvm-where.json"), &r, err, sizeof(err)), 0);
	t = &bench(&r, "cpuid")->exit_time;
	assert_true(t->present);
	assert_int_equal(t->reason_count, 3);
	/* Most time first, as ns per op (time_ns / exits.ops). */
	assert_string_equal(t->reasons[0].name, "cpuid");
	assert_double_equal(t->reasons[0].per_op, 3.8e8 / 10000, 1e-9);
	assert_string_equal(t->reasons[2].name, "interrupt");
	assert_double_equal(t->ns_per_op, 4.0e8 / 10000, 1e-9);
	assert_double_equal(t->guest_share, 0.6, 1e-12);
	assert_double_equal(bench(&r, "cpuid")->exits.time_share, 0.4, 1e-12);
	/* Counts alone: no exit time. */
	assert_false(bench(&r, "getpid")->exit_time.present);
	assert_false(bench(&r, "getpid")->vmm_host.present);
	rio_free(&r);
}

static void vmm_host_read(void **state)
{
	struct rio_result r;
	char err[RIO_ERR_LEN] = "";
	const struct rio_vmm_host *h;

	assert_int_equal(rio_load(fixture("qemu-where.json"), &r, err, sizeof(err)), 0);
	h = &bench(&r, "matmul-10")->vmm_host;
	assert_true(h->present);
	assert_double_equal(h->cpu_ns_per_op, 4100, 1e-9);
	assert_double_equal(h->sys_share, 0.25, 1e-12);
	assert_double_equal(h->sys_ns_per_op, 1025, 1e-9);
	assert_double_equal(h->cpu_per_wall, 1.2, 1e-12);
	assert_double_equal(h->faults_per_op, 0.5, 1e-12);
	assert_double_equal(h->switches_per_op, 0.02, 1e-12);
	assert_false(bench(&r, "getpid")->vmm_host.present);
	assert_false(bench(&r, "cpuid")->exit_time.present);
	rio_free(&r);
}

/* Every file made before issue 19 reads as before: no exit time, no host view. */
static void older_files_read_as_before(void **state)
{
	static const char *const names[] = { "host.json", "qemu.json", "kvm.json", "qemu-3boots.json" };

	for (size_t f = 0; f < sizeof(names) / sizeof(names[0]); f++) {
		struct rio_result r;
		char err[RIO_ERR_LEN] = "";

		assert_int_equal(rio_load(fixture(names[f]), &r, err, sizeof(err)), 0);
		for (size_t i = 0; i < r.bench_count; i++) {
			assert_false(r.benches[i].exit_time.present);
			assert_false(r.benches[i].vmm_host.present);
		}
		rio_free(&r);
	}
}

static void bad_figures_refused(void **state)
{
	static const struct {
		const char *file, *says;
	} bad[] = {
		{ "bad-where-exit-time.json", "(cpuid).exits.time_ns.cpuid: -5 is outside [0, inf]" },
		{ "bad-where-host-share.json", "(matmul-10).vmm_host.sys_share: 1.5 is outside [0, 1]" },
		{ "bad-where-host-type.json", "(cpuid).vmm_host must be an object" },
	};

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct rio_result r;
		char err[RIO_ERR_LEN] = "";

		assert_int_equal(rio_load(fixture(bad[k].file), &r, err, sizeof(err)), -1);
		if (!strstr(err, bad[k].says)) {
			print_error("%s: \"%s\" does not say \"%s\"\n", bad[k].file, err, bad[k].says);
			fail();
		}
		rio_free(&r);
	}
}

struct loaded {
	struct rio_result files[3];
	struct compare_table table;
};

static void load(struct loaded *l)
{
	static const char *const names[] = { "host.json", "kvm-where.json", "qemu-where.json" };
	char err[RIO_ERR_LEN];

	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(rio_load(fixture(names[i]), &l->files[i], err, sizeof(err)), 0);
	assert_int_equal(compare_build(l->files, 3, 0.05, &l->table, err, sizeof(err)), 0);
}

static void unload(struct loaded *l)
{
	compare_free(&l->table);
	for (size_t i = 0; i < 3; i++)
		rio_free(&l->files[i]);
}

static const struct compare_row *row(const struct compare_table *t, const char *name)
{
	for (size_t r = 0; r < t->row_count; r++)
		if (!strcmp(t->rows[r].name, name))
			return &t->rows[r];
	fail_msg("no row %s", name);
	return NULL;
}

static char *render(const struct compare_table *t, int how)
{
	struct compare_view v = { .metric = METRIC_TIME, .width = 200, .colour = false };
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	assert_int_equal(how == 0 ? compare_write_table(t, m, false) : how == 1 ? compare_write_csv(t, m)
			 : how == 2 ? compare_write_json(t, m) : compare_write_screen(t, m, &v), 0);
	fclose(m);
	return buf;
}

static void cells_and_their_text(void **state)
{
	struct loaded l;
	char buf[256];
	const struct compare_cell *kvm, *qemu, *host;

	load(&l);
	kvm = &row(&l.table, "cpuid")->cells[1];
	qemu = &row(&l.table, "matmul-10")->cells[2];
	host = &row(&l.table, "getpid")->cells[0];
	assert_non_null(kvm->exit_time);
	assert_null(kvm->vmm_host);
	assert_non_null(qemu->vmm_host);
	assert_null(host->vmm_host);
	assert_null(host->exit_time);
	/* 40% in exits, split by the reasons' times: cpuid 38/40 of it. */
	assert_string_equal(compare_exit_time_text(kvm, 2, buf, sizeof(buf)), "40.00% (cpuid 38%, msr 1.5%)");
	assert_string_equal(compare_exit_time_text(host, 2, buf, sizeof(buf)), "—");
	assert_string_equal(compare_host_cpu_text(qemu, buf, sizeof(buf)), "4.100us, 25% sys");
	assert_string_equal(compare_host_cpu_text(host, buf, sizeof(buf)), "—");
	assert_true(compare_file_has_host(&l.table, 2));
	assert_false(compare_file_has_host(&l.table, 1));
	assert_false(compare_file_has_host(&l.table, 0));
	unload(&l);
}

static void views_show_them(void **state)
{
	struct loaded l;
	char *out;

	load(&l);
	out = render(&l.table, 0);	/* --wide */
	assert_non_null(strstr(out, "kvm-where exit time"));
	assert_non_null(strstr(out, "40.00% (cpuid 38%, msr 1.5%, interrupt 0.5%)"));
	assert_non_null(strstr(out, "qemu-where host CPU/op"));
	assert_non_null(strstr(out, "4.100us, 25% sys"));
	assert_null(strstr(out, "host host CPU/op"));	/* no column for a file without it */
	free(out);
	out = render(&l.table, 3);	/* the default view */
	assert_non_null(strstr(out, "qemu-where host CPU/op"));
	assert_non_null(strstr(out, "50.00ns, 0% sys"));
	free(out);
	out = render(&l.table, 1);	/* CSV: the fields, and a row's figures */
	assert_non_null(strstr(out, "qemu-where.host_cpu_ns_per_op,qemu-where.host_user_ns_per_op"));
	assert_non_null(strstr(out, "kvm-where.exit_time_reasons"));
	assert_non_null(strstr(out, "cpuid=38000;msr=1500;interrupt=500"));
	free(out);
	out = render(&l.table, 2);	/* JSON */
	assert_non_null(strstr(out, "\"exit_time\""));
	assert_non_null(strstr(out, "\"reasons_by_time\""));
	assert_non_null(strstr(out, "\"vmm_host\""));
	assert_non_null(strstr(out, "\"sys_share\""));
	free(out);
	unload(&l);
}

/* Every CSV line has as many fields as the header, with the new fields or without. */
static void csv_lines_line_up(void **state)
{
	struct loaded l;
	char *out, *line, *save = NULL;
	long header = -1;

	load(&l);
	out = render(&l.table, 1);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		long commas = 0;
		bool quoted = false;

		for (const char *c = line; *c; c++) {
			quoted ^= *c == '"';
			commas += !quoted && *c == ',';
		}
		if (header < 0)
			header = commas;
		else if (commas != header)
			fail_msg("\"%.60s...\" has %ld fields, the header %ld", line, commas + 1, header + 1);
	}
	free(out);
	unload(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exit_time_read),
		cmocka_unit_test(vmm_host_read),
		cmocka_unit_test(older_files_read_as_before),
		cmocka_unit_test(bad_figures_refused),
		cmocka_unit_test(cells_and_their_text),
		cmocka_unit_test(views_show_them),
		cmocka_unit_test(csv_lines_line_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
