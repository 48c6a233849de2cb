// SPDX-License-Identifier: GPL-2.0
/*
 * The timing loop. Every figure is a TSC bracket around one call of the
 * benchmark's run(st, n): the bracket's own cost is measured the same way
 * (an empty run through the same call path) and subtracted, then the
 * result is divided by n.
 *
 * This file is the top of the harness: start-up (the empty call's cost, the
 * TSC's flags and step), a row from valid() to teardown, and the run of rows.
 * The parts below it: harness_state (the shared state), harness_sample (the
 * samples and the ramp), harness_probe (the slow probe), harness_timed (the
 * run() path and its baseline), harness_self (the measure() path),
 * harness_marker (the markers).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "harness_marker.h"
#include "harness_sample.h"
#include "harness_self.h"
#include "harness_timed.h"
#include "hostinfo.h"
#include "progress.h"
#include "kmodif.h"
#include "plan.h"

#define OVERHEAD_SAMPLES	4001
#define CYCLE_RATIO_START_S	0.01	/* the busy spin at start-up */
#define CYCLE_RATIO_ROW_S	0.001	/* and before each row: the core clock may have moved */
#define TSC_DRIFT_CALIB_MS	200	/* the TSC frequency again at the end */
#define QUIET_PERF_S		1.1	/* the kernel drops its perf switch hooks HZ after the last event */

static void measure_overhead(struct harness *h)
{
	struct bench_state st = { .devfd = -1, .cpu = -1 };
	struct counter_set *set = h->cfg.counters;
	double *ticks = calloc(OVERHEAD_SAMPLES, sizeof(*ticks));
	double *counts = calloc(OVERHEAD_SAMPLES, sizeof(*counts) * COUNTERS_MAX);
	struct counter_values cv;
	int ret;

	if (!ticks || !counts) {
		free(ticks);
		free(counts);
		return;
	}
	for (int i = 0; i < 100; i++)	/* warm the path up */
		harness_take_sample(h, harness_null_run, &st, 1, &ret, &cv);
	for (size_t i = 0; i < OVERHEAD_SAMPLES; i++) {
		ticks[i] = (double)harness_take_sample(h, harness_null_run, &st, 1, &ret, &cv);
		for (size_t e = 0; set && e < set->n; e++)
			counts[e * OVERHEAD_SAMPLES + i] = cv.valid[e] ? cv.value[e] : 0;
	}
	h->tsc_step_ticks = tsc_granularity();
	h->overhead_ticks = harness_fenced_mean(ticks, OVERHEAD_SAMPLES, h->tsc_step_ticks);
	for (size_t e = 0; set && e < set->n; e++)
		h->overhead_counts[e] = harness_median(counts + e * OVERHEAD_SAMPLES, OVERHEAD_SAMPLES);
	free(ticks);
	free(counts);
}

const char *harness_tsc_warning(const struct harness *h)
{
	if (!h->tsc_flags_known)
		return NULL;
	/* Emulators (QEMU TCG) set neither yet tick at a steady rate: the drift check tells. */
	if (!h->tsc_constant && !h->tsc_nonstop)
		return "the CPU claims neither constant_tsc nor nonstop_tsc: TSC ticks may follow"
		       " the core clock and stop in idle states (tsc_hz_drift shows whether the rate"
		       " held over this run)";
	if (!h->tsc_constant)
		return "the CPU lacks constant_tsc: TSC ticks may follow the core clock, not time"
		       " (tsc_hz_drift shows whether the rate held over this run)";
	if (!h->tsc_nonstop)
		return "the CPU lacks nonstop_tsc: the TSC may stop in deep idle states"
		       " (figures of rows that sleep may be short)";
	return NULL;
}

int harness_init(struct harness *h, const struct harness_config *cfg)
{
	memset(h, 0, sizeof(*h));
	h->cfg = *cfg;
	h->started_s = monotonic_s();
	h->tsc_hz_drift = NAN;
	h->schedstat_fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
	hostinfo_clocksource(h->clocksource, sizeof(h->clocksource));
	memcpy(h->clocksource_last, h->clocksource, sizeof(h->clocksource));
	if (cfg->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cfg->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, "vmprobe: cannot pin to CPU %d: %s\n", cfg->cpu,
				strerror(errno));
			return -1;
		}
	}
	tsc_cpu_flags(&h->tsc_flags_known, &h->tsc_constant, &h->tsc_nonstop);
	if (harness_tsc_warning(h))	/* labelled in the result's clock too */
		fprintf(stderr, "vmprobe: warning: %s\n", harness_tsc_warning(h));
	if (cfg->counters)
		counters_open(cfg->counters, false);
	measure_overhead(h);
	h->pmu_cycles_per_tick = separation_cycle_ratio(cfg->counters, cfg->clock->hz,
							CYCLE_RATIO_START_S);
	separation_gaps(&h->gaps, cfg->devfd, cfg->clock->hz, false);
	return 0;
}

void harness_finish(struct harness *h, struct row_result *rows, size_t n)
{
	double hz_end;

	separation_gaps(&h->gaps, h->cfg.devfd, h->cfg.clock->hz, true);
	/* Rows that took the GAPS figure get the one measured around the whole run. */
	for (size_t i = 0; h->gaps.valid && i < n; i++)
		if (rows[i].status == ROW_OK && rows[i].sep.method == SEP_GAPS) {
			rows[i].sep.outside_share = h->gaps.stolen_share;
			snprintf(rows[i].sep.note, sizeof(rows[i].sep.note),
				 "background stolen time, one figure per run (not this row's own"
				 " exits): %s", h->gaps.note);
		}
	/* The frequency again, the same way as a calibration: a drifting TSC is seen. */
	hz_end = tsc_calibrate(TSC_DRIFT_CALIB_MS);
	if (hz_end > 0 && h->cfg.clock->hz > 0) {
		h->tsc_hz_end = hz_end;
		h->tsc_hz_drift = hz_end / h->cfg.clock->hz - 1;
	}
	if (h->schedstat_fd >= 0)
		close(h->schedstat_fd);
	h->schedstat_fd = -1;
}

/* The row's separation from its totals (see separation.h). */
static void separate(struct harness *h, struct row_result *r, const struct run_totals *tot,
		     double steal_s)
{
	struct counter_set *set = h->cfg.counters;
	int cyc = set ? counters_find(set, "cycles") : -1;
	int task = set ? counters_find(set, "perf::TASK-CLOCK") : -1;
	double all = tot->ops;
	struct separation_inputs in = {
		.cycles = -1, .task_clock_ns = -1, .ticks = tot->ticks, .hz = h->cfg.clock->hz,
		.cycles_per_tick = r->cycles_per_tick, .gaps = &h->gaps, .steal_s = steal_s,
		.elapsed_s = r->elapsed_s, .clk_tck = sysconf(_SC_CLK_TCK),
	};

	if (cyc >= 0 && r->counter_valid[cyc])
		in.cycles = r->counter_per_op[cyc] * all;
	if (task >= 0 && r->counter_valid[task])
		in.task_clock_ns = r->counter_per_op[task] * all;
	separation_compute(&r->sep, &in);
}

/*
 * A row that switches tasks (BENCH_FORKS) runs with no perf event open: a
 * per-task event anywhere turns on the kernel's perf hooks at every context
 * switch of every task, and the kernel turns them off only about a second
 * (HZ) after the last such event is closed. Here ctxsw-1cpu took 5.5 us with
 * the counters open (even disabled, even closed less than a second before)
 * against 4.4 us in a plain loop and in the harness without counters. So
 * such a row has no counter figures, and it waits until QUIET_PERF_S after
 * the counters were closed (once for a run of such rows in a row, as the
 * table orders them). Children never inherit counters either: a child
 * holding copies pays for them at every fork, exit and switch (fork-exit-wait
 * in QEMU TCG: 80-98 ms with the 3 default software events inherited,
 * 8-10 ms in a plain loop).
 */
static void quiet_perf(struct harness *h)
{
	double left;

	if (counters_any_open(h->cfg.counters)) {
		counters_close(h->cfg.counters);
		h->counters_closed_s = monotonic_s();
	}
	left = h->counters_closed_s + QUIET_PERF_S - monotonic_s();
	if (left > 0 && !harness_stopping(h)) {
		struct timespec ts = { (time_t)left, (long)((left - (time_t)left) * 1e9) };

		while (nanosleep(&ts, &ts) && errno == EINTR && !harness_stopping(h))
			;
	}
}

/* A row that cannot run here: skipped (no module, not valid) or failed (no run()). 1 when so. */
static int row_cannot_run(struct harness *h, struct bench_state *st, struct row_result *r)
{
	const struct bench *b = st->bench;
	char why[BENCH_MSG_LEN] = "";

	if ((b->flags & BENCH_NEEDS_MODULE) && h->cfg.devfd < 0) {
		r->status = ROW_SKIPPED;
		snprintf(r->reason, sizeof(r->reason), "needs the vmprobe module (%s absent)",
			 VMPROBE_DEVICE);
		return 1;
	}
	if (b->valid && !b->valid(st, why, sizeof(why))) {
		r->status = ROW_SKIPPED;
		snprintf(r->reason, sizeof(r->reason), "%s", why[0] ? why : "not valid here");
		return 1;
	}
	if (!b->run && !b->measure) {
		r->status = ROW_FAILED;
		snprintf(r->reason, sizeof(r->reason), "benchmark has neither run nor measure");
		return 1;
	}
	return 0;
}

/* The row's own note first, then what the harness found (a baseline's). */
static void note_first(struct row_result *r, const struct bench_state *st)
{
	if (st->msg[0]) {	/* the row's own note first, then what the harness found (a baseline's) */
		size_t note = strnlen(st->msg, sizeof(st->msg) - 1), found = strlen(r->reason);
		size_t shift = note + (found ? 2 : 0);

		if (found)	/* what fits of it, moved behind the note */
			memmove(r->reason + shift, r->reason,
				found + shift < sizeof(r->reason) ? found + 1 : sizeof(r->reason) - shift);
		memcpy(r->reason, st->msg, note);
		if (found)
			memcpy(r->reason + note, "; ", 2);
		r->reason[sizeof(r->reason) - 1] = '\0';
	}
}

/* After the samples: verify, the statistics, modes, disturbance and counters per op. */
static void row_summarize(struct harness *h, struct bench_state *st, struct row_result *r,
			  const struct run_totals *tot)
{
	const struct bench *b = st->bench;
	struct counter_set *set = h->cfg.counters;

	if (b->verify && b->verify(st)) {
		harness_row_fail(r, "verify", st);
		return;
	}
	if (stats_summarize(r->samples, r->nsamples, HARNESS_CI_LEVEL, &r->ticks)) {
		snprintf(st->msg, sizeof(st->msg), "non-finite sample");
		harness_row_fail(r, "statistics", st);
		return;
	}
	r->repetitions = r->nsamples;
	/*
	 * Modes only where a sample spans >= 1000 ticks: below, the clock's step
	 * alone makes gaps (an empty region reads 0, 1 or 2 ticks).
	 */
	if (r->ticks.median * (double)r->ops_per_sample < 1000 ||
	    stats_modes(r->samples, r->nsamples, &r->modes))
		memset(&r->modes, 0, sizeof(r->modes));
	harness_summarize_disturbance(h, r);
	r->bytes_per_op = st->bytes_per_op;
	for (size_t e = 0; set && e < set->n; e++)
		if (r->counter_valid[e])
			r->counter_per_op[e] = tot->counts[e] / tot->ops;
	note_first(r, st);
}

/*
 * The kernel can change its clocksource mid-run: its watchdog gives up a
 * TSC it finds skewed (seen under Xen in TCG), and a clocksource without a
 * vDSO mode makes every clock_gettime a system call from then on. The row
 * after which a change is first seen says so, and how clock_gettime goes now.
 */
static void note_clocksource(struct harness *h, struct row_result *r)
{
	char now[sizeof(h->clocksource)];
	size_t used = strlen(r->reason);
	int vdso;

	hostinfo_clocksource(now, sizeof(now));
	if (!now[0] || !strcmp(now, h->clocksource_last))
		return;
	memcpy(h->clocksource_last, now, sizeof(now));
	memcpy(r->clocksource_after, now, sizeof(now));
	vdso = hostinfo_vdso_clock_gettime(CLOCK_MONOTONIC);
	snprintf(r->reason + used, sizeof(r->reason) - used, "%sthe kernel's clocksource changed to"
		 " \"%s\" during this row (\"%s\" at the run's start); clock_gettime is %s from here on",
		 used ? "; " : "", now, h->clocksource[0] ? h->clocksource : "unknown",
		 vdso > 0 ? "still served by the vDSO" : vdso == 0 ?
		 "a system call (no vDSO for this clocksource)" : "served by an unknown path");
}

int harness_run_row(struct harness *h, const struct bench_row *row, double share_s,
		    struct row_result *r)
{
	const struct bench *b = row->bench;
	struct bench_state st = { .bench = b, .size = row->size, .devfd = h->cfg.devfd,
				  .cpu = h->cfg.cpu };
	struct run_totals tot = { 0 };
	struct counter_set *set = h->cfg.counters;
	double t0 = monotonic_s(), steal0 = separation_steal_seconds(h->cfg.cpu), steal1;
	int stopped = 0;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", row->name);
	r->bench = b;
	r->size = row->size;
	r->overhead_ticks = h->overhead_ticks;
	h->ops_run = 0;
	r->linearity = NAN;

	if (row_cannot_run(h, &st, r))
		return 0;
	if (set && (b->flags & BENCH_FORKS)) {
		quiet_perf(h);
	} else if (set) {
		counters_open(set, false);
		r->cycles_per_tick = separation_cycle_ratio(set, h->cfg.clock->hz, CYCLE_RATIO_ROW_S);
	}
	if (b->setup && b->setup(&st)) {
		harness_row_fail(r, "setup", &st);
		goto out;
	}

	stopped = b->measure ? harness_run_self_timed(h, &st, share_s, r, &tot)
			     : harness_run_timed(h, &st, share_s, r, &tot);
	if (stopped || r->status != ROW_OK)
		goto teardown;

	row_summarize(h, &st, r, &tot);
teardown:
	if (b->teardown)
		b->teardown(&st);
out:
	r->elapsed_s = monotonic_s() - t0;
	r->ops_run = h->ops_run;
	steal1 = separation_steal_seconds(h->cfg.cpu);
	if (r->status == ROW_OK && !stopped)
		separate(h, r, &tot, steal0 >= 0 && steal1 >= 0 ? steal1 - steal0 : -1);
	if (!stopped)
		note_clocksource(h, r);
	return stopped ? 1 : 0;
}

int harness_run_rows(struct harness *h, const struct bench_row *rows, size_t n,
		     struct row_result *results, size_t *done)
{
	double hz = h->cfg.clock->hz;

	*done = 0;
	for (size_t i = 0; i < n; i++) {
		struct plan_share p = plan_row_share(h->cfg.time_budget_s,
						     monotonic_s() - h->started_s, n, i);
		struct row_result *r = &results[i];
		int stopped;

		if (harness_stopping(h))
			return 1;
		h->marker_seq++;
		harness_marker(h, "begin", rows[i].name);
		if (h->cfg.progress)
			progress_row_begin(i, n, rows[i].name);
		h->stretch_s = p.stretch_s;
		stopped = harness_run_row(h, &rows[i], p.share_s, r);
		h->stretch_s = 0;
		if (stopped) {
			/*
			 * No end marker: the partial result leaves this row out,
			 * and annotate takes an open last row for the interrupted
			 * one; a complete pair would name a row it cannot find.
			 */
			if (h->cfg.progress)
				progress_row_end(" interrupted");
			row_result_free(r);
			return 1;
		}
		harness_marker(h, "end", rows[i].name);
		(*done)++;
		if (!h->cfg.progress)
			continue;
		if (r->status == ROW_OK) {
			char modes[160] = "";

			for (size_t k = 0, at = 0; k < r->modes.count && at < sizeof(modes); k++)
				at += (size_t)snprintf(modes + at, sizeof(modes) - at, "%s%.1f ns %.0f%%",
						       k ? ", " : "; modes: ", r->modes.median[k] / hz * 1e9,
						       100 * r->modes.share[k]);
			progress_row_end(" %.1f ns median (%zu x %llu ops, %.2f s)%s%s%s",
					 r->ticks.median / hz * 1e9, r->nsamples,
					 (unsigned long long)r->ops_per_sample, r->elapsed_s,
					 r->reason[0] ? "; " : "", r->reason, modes);
		}
		else
			progress_row_end(" %s: %s", row_status_name(r->status), r->reason);
	}
	return 0;
}
