/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `vmprobe compare`: result files side by side, one row per benchmark, one
 * column group per VMM, ratios to the first file (the base). A cell's
 * headline is its ratio with a confidence interval, and its verdict is
 * whether that interval excludes 1. Where both files hold >= 2 boots the
 * ratio is that of the geometric means of the per-boot medians and the
 * interval Welch's t interval on their logs (boots are the replicates);
 * else the samples of every boot are pooled (basis "pooled", Mann-Whitney U
 * and Moses' interval). The level is corrected within each column and
 * basis (Benjamini-Hochberg), never across columns, so that a verdict does
 * not depend on which other files are in the table. Geometric means over
 * the rows every file has carry a t interval over boots (a boot's effect is
 * shared by every row) and a bootstrap one where a file has 1 boot.
 */
#ifndef VMPROBE_COMPARE_H
#define VMPROBE_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "resultio.h"
#include "signif.h"
#include "stats.h"
#include "util.h"

/* Exit status of compare and annotate besides 0 (ok). */
#define COMPARE_EXIT_USAGE	2	/* bad options or arguments */
#define COMPARE_EXIT_INPUT	3	/* a result or marks file is unreadable or invalid */
#define COMPARE_EXIT_OUTPUT	4	/* writing the output, the plots or the file failed */

#define COMPARE_DEFAULT_ALPHA	0.05

enum compare_state { CELL_OK, CELL_SKIPPED, CELL_FAILED, CELL_MISSING };

/*
 * What a cell's difference from the base was tested with (its basis).
 * BOOTS: Welch's t on the log of the per-boot medians (boots are the
 * replicates; samples of one boot share its process, its page layout, its
 * host load). SAMPLES: Mann-Whitney U over the samples, boots pooled, when
 * a side has 1 boot: the samples are not independent replicates and the
 * boot-to-boot spread is not measured, so it is labelled "pooled" and
 * corrected in a family of its own.
 */
enum compare_test { TEST_NONE, TEST_SAMPLES, TEST_BOOTS };

/* Bootstrap replicates for the geomean CI of a 1-boot file (fixed seed: same output every run). */
#define COMPARE_BOOTSTRAP 2000
#define COMPARE_CI_LEVEL 0.95
/*
 * A cell differs from the base whatever its interval when every boot of one
 * file is beyond this factor of every boot of the other, in the same
 * direction (both files with >= 2 boots): a decision margin, stated.
 */
#define COMPARE_SEPARATED_FACTOR 2.0
/* Flags: per-boot medians further apart than this factor; linearity and undisturbed median off by more than this share. */
#define COMPARE_ODD_BOOT_FACTOR 2.0
#define COMPARE_LINEARITY_TOL 0.10
#define COMPARE_UNDISTURBED_TOL 0.10

/* One boot's figures for a row (boots where the row is ok). */
struct compare_boot {
	size_t index;			/* 0: the file itself, 1..: more_boots */
	double ticks, ns;		/* median of the boot's samples; ns NAN when unknown */
	double linearity;		/* the boot's T(2n) / 2 T(n); NAN when not recorded */
	double undisturbed;		/* undisturbed median / median; NAN when not recorded */
	struct modes modes;		/* separate modes of the boot's samples (stats_modes), in ticks */
	double mode_ns[STATS_MODES_MAX];	/* their medians in ns (NAN unknown) */
};

/* One benchmark in one file. Unknown figures are NAN; *_note says why a figure is absent. */
struct compare_cell {
	enum compare_state state;
	const char *reason;		/* skipped/failed: the file's reason; missing: ours */
	double time_ns, time_ci_low, time_ci_high;	/* real time per op, median and its CI */
	const char *time_source;	/* "tsc", "host-clock", "guest-clock" (checked), NULL */
	double ticks, ticks_ci_low, ticks_ci_high;	/* median ticks per op */
	double instructions;		/* counters.instructions.per_op */
	double ipc;			/* instructions / counters.cycles */
	double ratio;			/* time_ns / base time_ns */
	const char *ratio_note;
	size_t boots;			/* boots of this file with the row ok (>= 1 when ok) */
	struct compare_boot *boot;	/* [boots] when the file has >= 2 boots, else NULL */
	bool tested;			/* test is not TEST_NONE */
	enum compare_test test;
	struct mwu_result mwu;		/* TEST_SAMPLES */
	struct welch_result welch;	/* TEST_BOOTS (on log times) */
	double p;			/* the test's two-sided p */
	double p_adj;			/* p, Benjamini-Hochberg-adjusted in its column and basis */
	size_t family;			/* tests in that family (the column's cells of this basis) */
	double ci_level;		/* level of the ratio's CI: 1 - R alpha / family (R: discoveries) */
	double ratio_ci_low, ratio_ci_high;	/* the ratio's CI (SAMPLES: of the shift); NAN */
	bool separated;			/* every boot beyond COMPARE_SEPARATED_FACTOR, one way */
	bool significant;		/* tested, and the CI excludes 1 or separated */
	const char *signif_note;	/* why not tested */
	/* Flags (compare_cell_flags says them): 0 / NAN when not raised. */
	size_t odd_boot;		/* 1-based boot whose median is furthest out */
	double boot_spread;		/* max / min of the per-boot medians, when > COMPARE_ODD_BOOT_FACTOR */
	double linearity;		/* the boot's linearity furthest from 1, beyond the tolerance */
	size_t linearity_boot;
	double undisturbed;		/* undisturbed median / median furthest from 1, beyond it */
	size_t undisturbed_boot;
	size_t modes_boots;		/* boots whose samples form separate modes */
	bool has_shift;
	struct hl_result shift;		/* Hodges-Lehmann shift as a ratio to the base (exp of
					   the log shift) on the tested values, Moses' interval */
	double outside_share;
	const char *separation_method;	/* NULL when the file gives none */
	const struct rio_exits *exits;	/* VM exits the host counted; NULL when none */
	const struct rio_exit_time *exit_time;	/* their time by reason; NULL when none */
	const struct rio_vmm_host *vmm_host;	/* the VMM's processes seen by the host; NULL */
};

struct compare_row {
	const char *name, *group;	/* borrowed from the files */
	/*
	 * Its plot panel (bench.h): a file's "panel", else, for files written
	 * before rows carried one, this build's table by the row's name ("other"
	 * for a row it does not know).
	 */
	const char *panel;
	struct compare_cell *cells;	/* one per file */
	double cycles_per_guest_instr;	/* qemu ticks / qemu-icount ticks; NAN */
	/*
	 * The base itself traps this row (compare_base_traps): its ratios say
	 * more about the base's hypervisor than about the others; left out of
	 * the geometric means. NULL when not.
	 */
	const char *base_traps;
};

/* Geometric mean of the ratios of one file to the base over one group. */
struct compare_geomean {
	double ratio;			/* NAN when no row is ok in every file */
	size_t rows;			/* rows used: ok with a ratio in every file, not base-trapped */
	size_t trapped;			/* rows left out because the base traps them */
	double ci_low, ci_high;		/* COMPARE_CI_LEVEL CI: t over boots, else bootstrap */
	bool ci_bootstrap;		/* the CI is the pooled-sample bootstrap (a file has 1 boot) */
};

#define COMPARE_GROUPS 2		/* micro, macro */
extern const char *const compare_group_names[COMPARE_GROUPS];

struct compare_table {
	struct rio_result *files;	/* borrowed; files[0] is the base */
	size_t file_count;
	double alpha;
	struct compare_row *rows;
	size_t row_count;
	int qemu_file, icount_file;	/* indices for the emulation cost, or -1 */
	struct compare_geomean *geomeans;	/* [group * file_count + file] */
	size_t tests;			/* cells tested, all columns */
	size_t pooled;			/* of which on pooled samples */
	size_t min_reps;		/* samples per side the U test needs to reach alpha at all */
};

/*
 * Why the base traps row NAME, or NULL. The stated rule: the base ran under
 * a hypervisor (its host.vmm is there and not "none") and either the row
 * is an instruction that always exits under hardware virtualisation
 * (CPUID, port I/O: cpuid, ktimed-cpuid0/1, ktimed-pio) or the base's own
 * row counted at least one VM exit per op.
 */
const char *compare_base_traps(const struct rio_result *base, const char *name);
/* "boots" / "pooled" / NULL: what the cell's test stands on, for labels. */
const char *compare_test_name(enum compare_test t);
/* The one sentence every renderer prints on how cells were tested (into buf; returns buf). */
const char *compare_test_legend(const struct compare_table *t, char *buf, size_t len);
/* "LABEL: N boots", or that a 1-boot file is tested within its boot only (into buf). */
const char *compare_boots_note(const struct compare_table *t, size_t file, char *buf, size_t len);
/* "pooled" for a cell on pooled samples, else NULL: the mark of a basis that is not the normal one. */
const char *compare_basis_label(const struct compare_cell *c);

/* "cycles" or "instr": what a file's ticks count. */
const char *compare_ticks_unit(const struct rio_result *r);
/* Where a file's real time comes from: "host-clock", "tsc", "guest-clock", or NULL. */
const char *compare_time_source(const struct rio_result *r);
/* Index of GROUP in compare_group_names, or -1. */
int compare_group_index(const char *group);

/*
 * Builds the comparison of files[0..n) (files[0] the base). Returns 0, or
 * -1 with err set when the files cannot be compared (same label twice, a
 * benchmark in different groups).
 */
int compare_build(struct rio_result *files, size_t n, double alpha, struct compare_table *out,
		  char *err, size_t errlen);
void compare_free(struct compare_table *t);

/* What the cells of the screen view show (--metric). */
enum compare_metric { METRIC_TIME, METRIC_CYCLES, METRIC_INSTRUCTIONS, METRIC_EXITS };

struct compare_view {
	enum compare_metric metric;
	int width;			/* columns to fit (COLUMNS, else the terminal's, else 80) */
	bool colour;			/* ANSI colour: a terminal and NO_COLOR unset */
};

/* The default view, fitted to v->width (compare_screen.c); 0 ok, -1 on a write error. */
int compare_write_screen(const struct compare_table *t, FILE *out, const struct compare_view *v);

/* Renderers (compare_text.c, compare_csv.c, compare_json.c); 0 ok, -1 on a write error. */
int compare_write_table(const struct compare_table *t, FILE *out, bool markdown);
int compare_write_csv(const struct compare_table *t, FILE *out);
int compare_write_json(const struct compare_table *t, FILE *out);

/* gnuplot charts (SVG and PNG) into DIR (compare_plot.c). 0 ok, -1 with err. */
int compare_plot(const struct compare_table *t, const char *dir, char *err, size_t errlen);

/* compare's options (the usage, `vmprobe help compare` and the man page's list come from it). */
extern const struct cli_opt compare_options[];
void compare_usage(FILE *out);

/* argv[0] is "compare" (compare_cmd.c). Returns the process exit status. */
int cmd_compare(int argc, char **argv);

#endif /* VMPROBE_COMPARE_H */
