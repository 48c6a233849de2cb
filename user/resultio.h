/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading result files (docs/design.md, "vmprobe-result" format_version 1)
 * into plain structs, validating as we go: a reader never has to check a
 * key again. Unknown keys are tolerated, as the format asks.
 */
#ifndef VMPROBE_RESULTIO_H
#define VMPROBE_RESULTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "result_keys.h"

#define RIO_FORMAT		RK_FORMAT_NAME
#define RIO_FORMAT_VERSION	RK_FORMAT_VERSION_NUMBER
#define RIO_ERR_LEN		512

enum rio_status { RIO_OK, RIO_SKIPPED, RIO_FAILED };

/* What a file's tick counts measure (clock.kind). */
enum rio_clock { RIO_CLOCK_TSC, RIO_CLOCK_INSTRUCTIONS, RIO_CLOCK_BOCHS_IPS };

struct rio_summary {
	bool present;
	double min, median, mean, stddev, ci_low, ci_high, ci_level;
};

struct rio_counter {
	char *name;
	double per_op;
	double scaling;
};

/* One VM exit reason and how often it happened per op. */
struct rio_exit_reason {
	char *name;
	double per_op;
};

/*
 * "exits": VM exits counted by the host (KVM) between the row's markers,
 * divided by the row's ops. Optional; present = true when the file has it.
 */
struct rio_exits {
	bool present;
	double per_op;			/* all exits per op, >= 0 */
	char *source;			/* how they were counted, as the file says */
	struct rio_exit_reason *reasons;	/* sorted by per_op, most first */
	size_t reason_count;
	double time_share;		/* share of the row's time spent in exits, [0, 1];
					   NAN when not measured (then counts only) */
};

/*
 * Issue 19, where the time goes seen from the VMM (resultio_where.c). From
 * "exits" (time_ns by reason, time_ns_per_op, vcpu.guest_share): the exit
 * time a KVM host measured; from "vmm_host": a user-space VMM's processes
 * as the host saw them. present = false and NANs where the file has none.
 */
struct rio_exit_time {
	bool present;			/* exits.time_ns given */
	double ns_per_op;		/* exits.time_ns_per_op */
	struct rio_exit_reason *reasons;	/* exits.time_ns by reason as ns per op, most first */
	size_t reason_count;
	double guest_share;		/* exits.vcpu.guest_share: guest_time / CPU time */
};

struct rio_vmm_host {
	bool present;
	double cpu_ns_per_op, user_ns_per_op, sys_ns_per_op, sys_share, cpu_per_wall;
	double faults_per_op, switches_per_op;
};

struct rio_bench {
	char *name, *group, *status_text, *reason, *unit;
	char *panel;			/* "syscall", "io", ... (bench.h); NULL in older files */
	enum rio_status status;
	double *samples_ticks;		/* per op; only for status ok, count >= 1 */
	size_t sample_count;
	struct rio_summary ticks, ns;
	struct rio_counter *counters;
	size_t counter_count;
	bool has_separation;
	char *separation_method;
	double outside_share;		/* NAN when the file gives none */
	double host_wall_ns;		/* NAN unless annotated */
	double elapsed_ns;		/* the guest's own elapsed time for the row ("elapsed_ns",
					   else "elapsed_s" x 1e9); NAN if absent */
	struct rio_exits exits;
	/* Format additions of issue 13; NAN when the file is older or gives none. */
	double disturbed_samples;	/* samples with nivcsw, run_delay or a migration */
	double undisturbed_median_ticks;	/* "undisturbed.median_ticks" */
	double linearity;		/* "linearity.ratio": T(2n) / 2 T(n) */
	struct rio_exit_time exit_time;	/* issue 19 (resultio_where.c) */
	struct rio_vmm_host vmm_host;
};

struct rio_host_clock {
	bool present;
	double wall_ns, guest_ns, ratio, tolerance_pct;
	bool virtual_time;
};

/*
 * The machine a file's figures were taken on: its "machine" (run-vmm: the
 * VMM's host) where recorded, else its "host" (where vmprobe itself ran,
 * which for a guest is the guest: recorded false then).
 */
struct rio_machine {
	bool present, recorded;
	char *vmm_stack;		/* "pvm under firecracker"; host.vmm in older files */
	char *cpu_model, *cpu_signature, *kernel_release;
	double tsc_hz;			/* NAN when absent */
	double online_cpus;		/* NAN when absent */
};

struct rio_result {
	char *path, *label;
	bool partial;
	enum rio_clock clock;
	char *clock_kind;
	double tsc_hz;			/* NAN when absent (then no ns can be derived) */
	struct rio_host_clock host_clock;
	struct rio_bench *benches;
	size_t bench_count;
	char *host_vmm;			/* host.vmm: "none" on bare metal; NULL when absent */
	struct rio_machine machine;
	/* The VMM host's highest load average (1, 5 or 15 min) at this boot's start or end; NAN absent. */
	double host_load_max;
	/*
	 * "more_boots": boots 2..N of a run-vmm --boots N run, each a whole
	 * result of its own (the file itself is boot 1). None in older files.
	 */
	struct rio_result *more_boots;
	size_t more_boot_count;
};

/* Parse PATH as JSON. NULL with err filled ("PATH: why") on failure. */
struct json_object *rio_parse_file(const char *path, char *err, size_t errlen);

/* Validate ROOT and fill OUT (zeroed first). 0 ok; -1 with err ("PATH: why"). Either way rio_free(OUT) after. */
int rio_from_json(struct json_object *root, const char *path, struct rio_result *out,
		  char *err, size_t errlen);

/* rio_parse_file + rio_from_json. */
int rio_load(const char *path, struct rio_result *out, char *err, size_t errlen);

void rio_free(struct rio_result *r);

/* resultio_where.c: a row's exit time and host view (B->name set). 0 ok; -1 with err. */
int rio_read_where(struct json_object *row, const char *where, struct rio_bench *b,
		   const char *path, char *err, size_t errlen);
void rio_free_where(struct rio_bench *b);

const struct rio_bench *rio_find_bench(const struct rio_result *r, const char *name);
const struct rio_counter *rio_find_counter(const struct rio_bench *b, const char *name);

/* Boots in the file (1 + more_boot_count), and boot K (0: the file itself). */
size_t rio_boot_count(const struct rio_result *r);
const struct rio_result *rio_boot(const struct rio_result *r, size_t k);

/* True when the file's ticks count instructions (icount, Bochs ips), not time. */
bool rio_ticks_are_instructions(const struct rio_result *r);

/*
 * Nanoseconds per guest-clock nanosecond for a row: 1 for a TSC clock or
 * a guest clock annotate found in step with the host's; host_wall_ns /
 * elapsed_ns when annotate flagged virtual time (the run-wide ratio when
 * the row lacks its own figures). NAN when the row's time is unknown (an
 * instruction clock never compared with the host's).
 */
double rio_time_scale(const struct rio_result *r, const struct rio_bench *b);

/* Real-time ns per op for a tick value of row B; NAN when unknown. */
double rio_ticks_to_ns(const struct rio_result *r, const struct rio_bench *b, double ticks);

#endif /* VMPROBE_RESULTIO_H */
