// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark table: `vmprobe list` and `vmprobe all` walk it in order,
 * micro benchmarks first, then macro, each in the order of the 2005 study
 * with what goes beyond it after.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "bench/irq.h"
#include "bench/ktimed.h"

extern const struct bench
	/* micro: the study's */
	bench_getpid, bench_getpid_raw, bench_null_syscall, bench_stat, bench_fstat,
	bench_open_close, bench_read_file, bench_read_zero,
	/* micro: beyond the study */
	bench_write_null, bench_ioctl_null, bench_clock_gettime, bench_rdtsc, bench_cpuid,
	bench_sgdt, bench_sidt, bench_sldt, bench_str, bench_smsw, bench_pushf_popf,
	bench_page_fault, bench_mmap_munmap, bench_tlb_miss, bench_signal,
	bench_gaps,
	/* macro: the study's */
	bench_matmul, bench_bubblesort, bench_ctxsw_1cpu, bench_ctxsw_2cpu, bench_pipe_bandwidth,
	/* macro: beyond the study */
	bench_pipe_bandwidth_2cpu, bench_fork_exit_wait, bench_fork_parent, bench_fork_dynamic, bench_fork_exec;

const struct bench *const bench_table[] = {
	&bench_getpid,
	&bench_getpid_raw,
	&bench_null_syscall,
	&bench_stat,
	&bench_fstat,
	&bench_open_close,
	&bench_read_file,
	&bench_read_zero,
	&bench_write_null,
	&bench_ioctl_null,
	&bench_clock_gettime,
	&bench_rdtsc,
	&bench_cpuid,
	&bench_sgdt,
	&bench_sidt,
	&bench_sldt,
	&bench_str,
	&bench_smsw,
	&bench_pushf_popf,
	&bench_page_fault,
	&bench_mmap_munmap,
	&bench_tlb_miss,
	&bench_signal,
	/* ktimed-*: one row per op of the uapi header's list (user/bench/ktimed.c) */
#define KTIMED_ROW_(NAME, ident, row, what, refused)	&bench_ktimed_##ident,
	VMPROBE_KTIMED_OPS(KTIMED_ROW_)
#undef KTIMED_ROW_
	/* irq-* and pause-handoff-2cpu: one row per kind of the uapi header's list (user/bench/irq.c) */
#define IRQ_ROW_(NAME, row, cpus, what, refused)	&bench_irq_##NAME,
	VMPROBE_IRQ_KINDS(IRQ_ROW_)
#undef IRQ_ROW_
	&bench_gaps,
	&bench_matmul,
	&bench_bubblesort,
	&bench_ctxsw_1cpu,
	&bench_ctxsw_2cpu,
	&bench_pipe_bandwidth,
	&bench_pipe_bandwidth_2cpu,
	&bench_fork_exit_wait,
	&bench_fork_parent,
	&bench_fork_dynamic,
	&bench_fork_exec,
};

const size_t bench_table_len = sizeof(bench_table) / sizeof(bench_table[0]);

/*
 * Finds a benchmark by its exact name ("matmul", not the row "matmul-100":
 * splitting a row into bench and size is the harness's job); NULL if none.
 */
const struct bench *bench_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < bench_table_len; i++)
		if (strcmp(bench_table[i]->name, name) == 0)
			return bench_table[i];
	return NULL;
}

const struct bench_panel bench_panels[] = {
	{ "syscall", "system calls" },
	{ "io", "files, I/O and memory" },
	{ "kernel", "instructions and in-kernel operations (module)" },
	{ "macro", "macro benchmarks" },
	{ "other", "other micro benchmarks" },
};
const size_t bench_panels_len = sizeof(bench_panels) / sizeof(bench_panels[0]);

size_t bench_panel_index(const char *id)
{
	for (size_t i = 0; id && i < bench_panels_len; i++)
		if (!strcmp(bench_panels[i].id, id))
			return i;
	return bench_panels_len - 1;
}

const char *bench_panel_by_row(const char *name)
{
	const struct bench *b = bench_find(name);
	const char *dash = name ? strrchr(name, '-') : NULL;

	if (!b && dash && dash[1] && strspn(dash + 1, "0123456789") == strlen(dash + 1)) {
		char base[64];

		snprintf(base, sizeof(base), "%.*s", (int)(dash - name), name);
		b = bench_find(base);
	}
	return b && b->panel ? b->panel : "other";
}
