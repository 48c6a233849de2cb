/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One benchmark = one file in user/bench/, one `const struct bench` there,
 * one row in the table in user/bench/table.c (perf bench style).
 *
 * The harness (user/harness.c) does the timing: it calls setup once, then
 * warms up, then calls run(st, n) with n grown by doubling until one call
 * takes at least the time goal, then repeats that call `repetitions` times,
 * reading the TSC (fenced) and the perf_event counters around each call.
 * A figure "per op" is the call's ticks minus the measured timing overhead,
 * divided by n. If the bench has run_baseline, that is timed the same way
 * and its per-op median is subtracted too (e.g. the pipe round trip of one
 * task, taken off the context-switch latency of two).
 *
 * Self-timed benchmarks (in-kernel KTIMED, GAPS) set `measure` instead of
 * `run`: they produce their own per-op samples and the harness only does
 * statistics and output.
 */
#ifndef VMPROBE_BENCH_H
#define VMPROBE_BENCH_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_MSG_LEN 256
#define BENCH_MAX_SIZES 8

/* bench.flags */
#define BENCH_NEEDS_MODULE	(1u << 0) /* skipped when /dev/vmprobe is absent */
#define BENCH_FORKS		(1u << 1) /* creates processes, switches tasks: no perf event open */
#define BENCH_SLOW		(1u << 2) /* one op can take seconds under emulation */

struct bench;

/* What the harness hands a benchmark; one per (bench, size) row. */
struct bench_state {
	const struct bench *bench;
	long size;		/* this row's size, 0 for unsized benchmarks */
	int devfd;		/* open /dev/vmprobe, or -1 */
	int cpu;		/* CPU the harness pinned to, or -1 */
	void *priv;		/* the benchmark's own data, set by setup */
	char msg[BENCH_MSG_LEN];	/* why setup/run/verify failed, or a note */
	double bytes_per_op;	/* set by a throughput benchmark: bytes one op moves */
	/*
	 * Set by a run() whose ops a helper process times itself (fork rows:
	 * a small static parent, so the figure does not depend on vmprobe's
	 * size): the TSC ticks of the n ops, less the helper's own bracket.
	 * The harness takes it instead of its bracket around run(); 0: not set.
	 */
	uint64_t own_ticks;
};

/* Samples a self-timed benchmark produces (per-op TSC ticks, overhead already subtracted). */
struct bench_samples {
	double *ticks;		/* caller-allocated, capacity `cap` */
	size_t count;
	size_t cap;
	uint64_t ops_per_sample;	/* iterations behind each sample */
	double overhead_ticks;		/* per op, as subtracted (for the record) */
	uint64_t ops_run;		/* every op measure() ran, probes included; 0 unknown */
};

struct bench {
	const char *name;	/* "getpid", "matmul" (rows become "matmul-100") */
	const char *group;	/* "micro" or "macro" */
	const char *panel;	/* an id of bench_panels: what the row exercises (plots) */
	const char *summary;	/* one line for `vmprobe list` */
	const char *unit;	/* what one op is: "call", "multiply", "sort", "switch", ... */
	unsigned flags;		/* BENCH_* */
	/* Sized benchmarks: default sizes, 0-terminated; `--sizes NAME=A:B` overrides. */
	long sizes[BENCH_MAX_SIZES];
	/* Optional: return 0 and fill why[] (e.g. "needs the vmprobe module") to skip. */
	int (*valid)(const struct bench_state *st, char *why, size_t whylen);
	/* Optional: allocate, prepare input; 0 ok, -1 failure with st->msg set. */
	int (*setup)(struct bench_state *st);
	/* Do the op n times. 0 ok, -1 failure with st->msg set. */
	int (*run)(struct bench_state *st, uint64_t n);
	/* Optional: the part of run that is not the thing measured, n times. */
	int (*run_baseline)(struct bench_state *st, uint64_t n);
	/* Optional, instead of run: produce per-op samples itself. */
	int (*measure)(struct bench_state *st, struct bench_samples *out,
		       double time_goal_s);
	/* Optional: check the work was right (sorted, checksum); 0 ok, -1 wrong. */
	int (*verify)(struct bench_state *st);
	/* Optional: free what setup made. */
	void (*teardown)(struct bench_state *st);
};

/* The table (user/bench/table.c). */
extern const struct bench *const bench_table[];
extern const size_t bench_table_len;

const struct bench *bench_find(const char *name);

/*
 * The panels rows are drawn in (compare --plot, and so the results README),
 * in order; a benchmark's .panel names one. "other" holds the rows whose
 * panel a build does not know.
 */
struct bench_panel {
	const char *id, *title;
};
extern const struct bench_panel bench_panels[];
extern const size_t bench_panels_len;

/* The index in bench_panels of panel ID; that of "other" for NULL or an unknown id. */
size_t bench_panel_index(const char *id);
/*
 * The panel of the row NAME ("getpid", "matmul-100") by this build's table, for
 * result files written before rows carried their panel; "other" when it knows none.
 */
const char *bench_panel_by_row(const char *name);

/*
 * What KVM's exit counts showed where they are not what a row's name
 * promises (user/bench/kvm_seen.c); bench_kvm_seen(ROW): that text or NULL.
 */
struct bench_kvm_seen {
	const char *row, *seen;
};
extern const struct bench_kvm_seen bench_kvm_seen_table[];
extern const size_t bench_kvm_seen_len;
const char *bench_kvm_seen(const char *row);

#endif /* VMPROBE_BENCH_H */
