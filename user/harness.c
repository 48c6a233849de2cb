// SPDX-License-Identifier: GPL-2.0
/*
 * The timing loop. Every figure is a TSC bracket around one call of the
 * benchmark's run(st, n): the bracket's own cost is measured the same way
 * (an empty run through the same call path) and subtracted, then the
 * result is divided by n.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "progress.h"
#include "kmodif.h"

#define OVERHEAD_SAMPLES	4001
#define GAPS_WINDOW_US		1000	/* the module's cap: one window = 1 ms irq-off */
#define GAPS_WINDOWS		25

typedef int (*run_fn)(struct bench_state *st, uint64_t n);

double monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

const char *separation_method_name(enum separation_method m)
{
	switch (m) {
	case SEP_PMU:	return "pmu";
	case SEP_GAPS:	return "gaps";
	case SEP_STEAL:	return "steal";
	default:	return "none";
	}
}

const char *row_status_name(enum row_status s)
{
	switch (s) {
	case ROW_OK:		return "ok";
	case ROW_SKIPPED:	return "skipped";
	default:		return "failed";
	}
}

/* The empty region: what timing a call costs when the call does nothing. */
static int null_run(struct bench_state *st, uint64_t n)
{
	return 0;
}

/*
 * noipa: the compiler must neither inline this nor specialise it for one
 * fn, so the empty call and a benchmark's call pay the same bracket.
 */
static __attribute__((noipa)) uint64_t timed_call(run_fn fn, struct bench_state *st,
						 uint64_t n, int *ret)
{
	uint64_t t0, t1;

	t0 = tsc_begin();
	*ret = fn(st, n);
	t1 = tsc_end();
	return t1 - t0;
}

/* One sample: counters (if any) enabled just outside the TSC bracket. */
static uint64_t take_sample(struct harness *h, run_fn fn, struct bench_state *st, uint64_t n,
			    int *ret, struct counter_values *cv)
{
	struct counter_set *set = h->cfg.counters;
	bool counting = cv && set && counters_any_open(set);
	uint64_t ticks;

	if (counting) {
		counters_reset(set);
		counters_enable();
	}
	ticks = timed_call(fn, st, n, ret);
	if (st->bench && fn == st->bench->run)
		h->ops_run += n;
	if (counting) {
		counters_disable();
		counters_read(set, cv);
	} else if (cv) {
		memset(cv, 0, sizeof(*cv));
	}
	return ticks;
}

static double median_of(double *x, size_t n)
{
	struct summary s;

	return stats_summarize(x, n, HARNESS_CI_LEVEL, &s) ? 0 : s.median;
}

/*
 * The mean of the samples inside Tukey's fences. The TSC may advance in
 * steps of many ticks (26 on some AMD hosts), so an empty bracket reads
 * as a mix of two values and its median jumps a whole step with the mix;
 * the mean over random phases is the expected cost, and the fences keep
 * an interrupt or a preemption out of it.
 */
static double fenced_mean(const double *x, size_t n)
{
	struct summary s;
	double sum = 0;
	size_t k = 0;

	if (stats_summarize(x, n, HARNESS_CI_LEVEL, &s))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!stats_is_outlier(&s, x[i])) {
			sum += x[i];
			k++;
		}
	return k ? sum / k : s.median;
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * The TSC's granularity: the greatest common divisor of the steps seen
 * between back-to-back reads (1 on most hosts; a read costs more than one
 * step, so the smallest step alone would overstate it).
 */
static double tsc_granularity(void)
{
	uint64_t prev = tsc_begin(), g = 0;

	for (int i = 0; i < 20000 && g != 1; i++) {
		uint64_t t = tsc_begin();

		if (t != prev)
			g = gcd_u64(g, t - prev);
		prev = t;
	}
	return (double)g;
}

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
		take_sample(h, null_run, &st, 1, &ret, &cv);
	for (size_t i = 0; i < OVERHEAD_SAMPLES; i++) {
		ticks[i] = (double)take_sample(h, null_run, &st, 1, &ret, &cv);
		for (size_t e = 0; set && e < set->n; e++)
			counts[e * OVERHEAD_SAMPLES + i] = cv.valid[e] ? cv.value[e] : 0;
	}
	h->overhead_ticks = fenced_mean(ticks, OVERHEAD_SAMPLES);
	h->tsc_step_ticks = tsc_granularity();
	for (size_t e = 0; set && e < set->n; e++)
		h->overhead_counts[e] = median_of(counts + e * OVERHEAD_SAMPLES, OVERHEAD_SAMPLES);
	free(ticks);
	free(counts);
}

/* Core cycles per TSC tick in a busy spin (no halt, no syscall): the clock ratio. */
static void measure_cycle_ratio(struct harness *h)
{
	struct counter_set *set = h->cfg.counters;
	int idx = set ? counters_find(set, "cycles") : -1;
	struct counter_values cv;
	uint64_t t0, t1, goal;

	if (idx < 0 || set->ev[idx].fd < 0)
		return;
	goal = (uint64_t)(h->cfg.clock->hz * 0.01);
	counters_reset(set);
	counters_enable();
	t0 = tsc_begin();
	do
		t1 = tsc_end();
	while (t1 - t0 < goal);
	counters_disable();
	counters_read(set, &cv);
	if (cv.valid[idx] && cv.value[idx] > 0)
		h->pmu_cycles_per_tick = cv.value[idx] / (double)(t1 - t0);
}

static void measure_gaps(struct harness *h, bool average)
{
	struct vmprobe_gaps g;
	double share, hz = h->cfg.clock->hz;

	if (h->cfg.devfd < 0 || kmod_gaps(h->cfg.devfd, &g, GAPS_WINDOW_US, GAPS_WINDOWS, 0) ||
	    !g.spin_ticks)
		return;
	share = (double)g.gap_ticks_total / (double)g.spin_ticks;
	if (average && h->gaps.valid) {
		h->gaps.stolen_share = (h->gaps.stolen_share + share) / 2;
		h->gaps.gap_count += g.gap_count;
		h->gaps.gap_max_ns = fmax(h->gaps.gap_max_ns, g.gap_ticks_max / hz * 1e9);
	} else {
		h->gaps.stolen_share = share;
		h->gaps.gap_count = g.gap_count;
		h->gaps.gap_max_ns = g.gap_ticks_max / hz * 1e9;
	}
	h->gaps.valid = true;
	snprintf(h->gaps.note, sizeof(h->gaps.note),
		 "module GAPS (%d x %d us spins) %s the run: %llu gaps > 1 us, longest %.1f us",
		 GAPS_WINDOWS, GAPS_WINDOW_US, average ? "before and after" : "before",
		 (unsigned long long)h->gaps.gap_count, h->gaps.gap_max_ns / 1e3);
}

int harness_init(struct harness *h, const struct harness_config *cfg)
{
	memset(h, 0, sizeof(*h));
	h->cfg = *cfg;
	h->started_s = monotonic_s();
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
	if (cfg->counters)
		counters_open(cfg->counters, false);
	measure_overhead(h);
	measure_cycle_ratio(h);
	measure_gaps(h, false);
	return 0;
}

void harness_finish(struct harness *h, struct row_result *rows, size_t n)
{
	measure_gaps(h, true);
	/* Rows that took the GAPS figure get the one measured around the whole run. */
	for (size_t i = 0; h->gaps.valid && i < n; i++)
		if (rows[i].status == ROW_OK && rows[i].sep.method == SEP_GAPS) {
			rows[i].sep.outside_share = h->gaps.stolen_share;
			snprintf(rows[i].sep.note, sizeof(rows[i].sep.note), "%s", h->gaps.note);
		}
}

/* Stolen seconds in /proc/stat: the pinned CPU's line, else the average over CPUs. */
static double steal_seconds(int cpu)
{
	FILE *f = fopen("/proc/stat", "r");
	char line[512], want[32];
	double total = -1;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), hz = sysconf(_SC_CLK_TCK);

	if (!f)
		return -1;
	if (cpu >= 0)
		snprintf(want, sizeof(want), "cpu%d ", cpu);
	else
		snprintf(want, sizeof(want), "cpu ");
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[8];

		if (strncmp(line, want, strlen(want)))
			continue;
		if (sscanf(line + strlen(want), "%llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8)
			total = (double)v[7] / hz / (cpu >= 0 ? 1 : (ncpu > 0 ? ncpu : 1));
		break;
	}
	fclose(f);
	return total;
}

static void marker(struct harness *h, const char *what, const char *name)
{
	char line[160];
	int len;

	if (h->cfg.markers_fd < 0)
		return;
	len = snprintf(line, sizeof(line), "@@vmprobe %s %s %u\n", what, name, h->marker_seq);
	if (write(h->cfg.markers_fd, line, len) != len)
		fprintf(stderr, "vmprobe: writing a marker: %s\n", strerror(errno));
}

static bool stopping(const struct harness *h)
{
	return h->cfg.stop && *h->cfg.stop;
}

/* Counters of one sample, less the empty call's counts, added into the row. */
static void add_counts(struct harness *h, struct row_result *r, const struct counter_values *cv,
		       double *sum)
{
	struct counter_set *set = h->cfg.counters;

	for (size_t e = 0; set && e < set->n; e++) {
		if (!cv->valid[e])
			continue;
		sum[e] += fmax(0, cv->value[e] - h->overhead_counts[e]);
		r->counter_scaling[e] = r->counter_valid[e]
			? fmin(r->counter_scaling[e], cv->scaling[e]) : cv->scaling[e];
		r->counter_valid[e] = true;
	}
}

struct run_totals {
	double ticks;				/* raw ticks of the timed samples */
	double counts[COUNTERS_MAX];		/* counts, empty-call counts subtracted */
};

/* Involuntary context switches of this thread so far: another task took the CPU. */
static long preemptions(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_THREAD, &ru) ? -1 : ru.ru_nivcsw;
}

/*
 * Times fn: `reps` samples of n ops into per_op[]; returns how many were
 * taken (fewer when stopped) or -1 when fn failed. An empty call is timed
 * right before each sample, so the overhead subtracted is measured under
 * the same conditions as the row (*overhead gets it, per sample).
 *
 * With retake, a sample during which another task of this kernel
 * preempted us (an involuntary context switch) is taken again, up to 8 reps
 * times and until the deadline: on a shared machine that time belongs to
 * the other task, not to the op. (A VMM's own stolen time is invisible to
 * the guest's scheduler and stays in.) *retaken counts them.
 */
static long sample_loop(struct harness *h, run_fn fn, struct bench_state *st, uint64_t n,
			size_t reps, double *per_op, struct row_result *r, struct run_totals *tot,
			double *overhead, bool retake, double deadline, size_t *retaken)
{
	struct counter_values cv;
	double *empty = calloc(reps ? reps : 1, sizeof(*empty));
	size_t kept = 0;
	int ret;

	*retaken = 0;
	if (!empty) {
		snprintf(st->msg, sizeof(st->msg), "out of memory");
		return -1;
	}
	while (kept < reps) {
		long before = retake ? preemptions() : 0;
		uint64_t ticks;
		double e;

		if (stopping(h))
			break;
		e = (double)take_sample(h, null_run, st, 1, &ret, NULL);
		ticks = take_sample(h, fn, st, n, &ret, tot ? &cv : NULL);
		if (ret) {
			free(empty);
			return -1;
		}
		/* Retake only while the samples still owed fit before the deadline. */
		if (retake && preemptions() != before && *retaken < 8 * reps &&
		    monotonic_s() + (reps - kept) * (ticks / h->cfg.clock->hz) < deadline) {
			(*retaken)++;
			continue;
		}
		empty[kept] = e;
		per_op[kept] = (double)ticks;
		if (tot) {
			tot->ticks += (double)ticks;
			add_counts(h, r, &cv, tot->counts);
		}
		kept++;
	}
	*overhead = kept ? fenced_mean(empty, kept) : h->overhead_ticks;
	for (size_t k = 0; k < kept; k++)
		per_op[k] = (per_op[k] - *overhead) / (double)n;
	free(empty);
	return (long)kept;
}

static int row_fail(struct row_result *r, const char *what, const struct bench_state *st)
{
	r->status = ROW_FAILED;
	snprintf(r->reason, sizeof(r->reason), "%s failed%s%s", what, st->msg[0] ? ": " : "",
		 st->msg);
	return 0;
}

struct probe_report {
	uint64_t ticks;
	int ret;
	char msg[BENCH_MSG_LEN];
};

/*
 * One op of a BENCH_SLOW row in a child process (copy-on-write of the
 * set-up state), killed at limit_s: a row too slow for its share costs
 * the share, not the op. Returns 0 (*one_op_s set), 1 too slow, 2 stopped
 * by a signal, -1 failed (st->msg set).
 */
static int probe_in_child(struct harness *h, struct bench_state *st, double limit_s,
			  double *one_op_s)
{
	struct probe_report rep = { 0 };
	double deadline = monotonic_s() + limit_s;
	int pfd[2], status, result = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC)) {
		snprintf(st->msg, sizeof(st->msg), "probe pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(st->msg, sizeof(st->msg), "probe fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		close(pfd[0]);
		rep.ticks = timed_call(st->bench->run, st, 1, &rep.ret);
		memcpy(rep.msg, st->msg, sizeof(rep.msg));
		_exit(write(pfd[1], &rep, sizeof(rep)) == sizeof(rep) ? 0 : 1);
	}
	close(pfd[1]);
	h->ops_run++;	/* the child's op runs in this VM too (a VMM counting exits sees it) */
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		double left = deadline - monotonic_s();
		int r;

		if (stopping(h)) {
			result = 2;
			break;
		}
		if (left <= 0) {
			result = 1;
			break;
		}
		r = poll(&p, 1, (int)fmin(left * 1e3 + 1, 100));
		if (r > 0)
			break;
	}
	if (result == 0 && stopping(h))	/* a terminal's ^C reaches the child too */
		result = 2;
	if (result == 0) {
		if (read(pfd[0], &rep, sizeof(rep)) != sizeof(rep)) {
			snprintf(st->msg, sizeof(st->msg), "probe child died without a result");
			result = -1;
		} else if (rep.ret) {
			memcpy(st->msg, rep.msg, sizeof(st->msg));
			st->msg[sizeof(st->msg) - 1] = '\0';
			result = -1;
		} else {
			*one_op_s = rep.ticks / h->cfg.clock->hz;
		}
	}
	if (result)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (result == -1 && !rep.ret && WIFSIGNALED(status))
		snprintf(st->msg, sizeof(st->msg), "probe child killed by %s",
			 strsignal(WTERMSIG(status)));
	close(pfd[0]);
	return result;
}

/*
 * A row whose one op (with its baseline) does not fit the share several
 * times over may take up to h->stretch_s: room for the probe and three
 * repetitions, no more.
 */
static double stretch_share(const struct harness *h, double share_s, double op_s)
{
	return fmax(share_s, fmin(h->stretch_s, 4.0 * op_s));
}

/* The run() path; returns 1 when stopped by a signal. */
static int run_timed(struct harness *h, struct bench_state *st, double share_s,
		     struct row_result *r, struct run_totals *tot)
{
	const struct bench *b = st->bench;
	double hz = h->cfg.clock->hz, t_start = monotonic_s();
	int parts = b->run_baseline ? 2 : 1, ret;
	size_t reps = (size_t)h->cfg.repetitions, fit;
	double goal_s, one_op_s = 0, sample_s, left_s, deadline;
	bool retake;
	uint64_t n = 1, ticks;
	long got;

	/*
	 * A slow row probes one op in a child, stopped at a third of the most
	 * the row may take (room for the probe and two repetitions), so no
	 * row costs more than that most.
	 */
	if (b->flags & BENCH_SLOW) {
		double most_s = fmax(share_s, h->stretch_s);
		double limit = most_s / (3.0 * parts);

		switch (probe_in_child(h, st, limit, &one_op_s)) {
		case 1:
			r->status = ROW_SKIPPED;
			snprintf(r->reason, sizeof(r->reason),
				 "too slow for the time budget: one op took more than %.3g s"
				 " (stopped; a third of the row's most of %.3g s)", limit, most_s);
			return 0;
		case 2:
			return 1;
		case -1:
			return row_fail(r, "run", st);
		}
		if (one_op_s > limit) {
			r->status = ROW_SKIPPED;
			snprintf(r->reason, sizeof(r->reason),
				 "too slow for the time budget: one op took %.3g s"
				 " (a third of the row's most of %.3g s)", one_op_s, most_s);
			return 0;
		}
		share_s = stretch_share(h, share_s, one_op_s * parts);
	}

	goal_s = fmin(h->cfg.goal_s, share_s / ((reps + 3.0) * parts));
	if ((b->flags & BENCH_SLOW) && one_op_s >= goal_s) {
		/* One op already fills a sample: no probe or ramp here, n stays 1. */
		sample_s = one_op_s;
		goto repetitions;
	}

	/* Probe one op: a row that cannot fit once is not run at all. */
	ticks = take_sample(h, b->run, st, 1, &ret, NULL);
	if (ret)
		return row_fail(r, "run", st);
	one_op_s = ticks / hz;
	share_s = stretch_share(h, share_s, one_op_s * parts);
	if (one_op_s * parts > share_s) {
		r->status = ROW_SKIPPED;
		snprintf(r->reason, sizeof(r->reason),
			 "too slow for the time budget: one op took %.3g s (share %.3g s)",
			 one_op_s, share_s);
		return 0;
	}

	/* Ramp: double n until one sample takes the goal (it warms up, too). */
	while (n < h->cfg.max_ops && !stopping(h)) {
		if (ticks / hz >= goal_s) {
			/* Confirm with a second sample: one preemption must not end the ramp. */
			uint64_t again;

			if (n == 1 || ticks / hz > 4 * goal_s)
				break;
			again = take_sample(h, b->run, st, n, &ret, NULL);
			if (ret)
				return row_fail(r, "run", st);
			ticks = again < ticks ? again : ticks;
			if (ticks / hz >= goal_s)
				break;
		}
		n *= 2;
		ticks = take_sample(h, b->run, st, n, &ret, NULL);
		if (ret)
			return row_fail(r, "run", st);
	}
	if (stopping(h))
		return 1;
	sample_s = ticks / hz;

repetitions:
	/* As many repetitions as the share still holds: 3 at least where one op allows. */
	left_s = share_s - (monotonic_s() - t_start);
	fit = left_s > 0 ? (size_t)(left_s / (sample_s * parts)) : 0;
	if (!(b->flags & BENCH_SLOW) && fit > reps) {
		/* One warm-up sample at the final n when there is room for it. */
		take_sample(h, b->run, st, n, &ret, NULL);
		if (ret)
			return row_fail(r, "run", st);
		fit--;
	}
	if (fit < reps) {
		size_t floor_reps = reps < 3 ? reps : 3;
		size_t cut = fit > floor_reps ? fit : (n > 1 ? floor_reps : (fit ? fit : 1));

		snprintf(r->reason, sizeof(r->reason),
			 "repetitions cut from %zu to %zu by the time budget", reps, cut);
		reps = cut;
	}

	/* Rows that switch tasks by design (BENCH_FORKS) are preempted by their partner. */
	retake = !(b->flags & BENCH_FORKS);
	/* Retakes of the row's samples leave the baseline its half of what is left. */
	deadline = monotonic_s() + fmax(0, share_s - (monotonic_s() - t_start)) / parts;
	r->samples = calloc(reps, sizeof(double));
	if (!r->samples) {
		snprintf(st->msg, sizeof(st->msg), "out of memory");
		return row_fail(r, "harness", st);
	}
	r->ops_per_sample = n;
	got = sample_loop(h, b->run, st, n, reps, r->samples, r, tot, &r->overhead_ticks, retake,
			  deadline, &r->preempted_retaken);
	if (got < 0)
		return row_fail(r, "run", st);
	if ((size_t)got < reps)
		return 1;
	r->nsamples = reps;

	if (b->run_baseline) {
		double *base = calloc(reps, sizeof(double)), base_overhead;
		size_t base_retaken;

		if (!base) {
			snprintf(st->msg, sizeof(st->msg), "out of memory");
			return row_fail(r, "harness", st);
		}
		got = sample_loop(h, b->run_baseline, st, n, reps, base, r, NULL, &base_overhead,
				  retake, t_start + share_s, &base_retaken);
		if (got < 0) {
			free(base);
			return row_fail(r, "run_baseline", st);
		}
		if ((size_t)got < reps) {
			free(base);
			return 1;
		}
		r->baseline_ticks_per_op = median_of(base, reps);
		free(base);
		/*
		 * A baseline that costs as much as the whole op leaves no figure
		 * to report: what is left is noise, and a negative "cost" would
		 * read as a measurement. No figure, and the two medians as why.
		 */
		double op_median = median_of(r->samples, reps);

		if (op_median <= r->baseline_ticks_per_op) {
			r->status = ROW_SKIPPED;
			snprintf(r->reason, sizeof(r->reason),
				 "no figure: the baseline (%.4g ns/op) costs as much as the op with it"
				 " (%.4g ns/op), so the difference is noise here",
				 r->baseline_ticks_per_op / hz * 1e9, op_median / hz * 1e9);
			return 0;
		}
		for (size_t i = 0; i < reps; i++)
			r->samples[i] -= r->baseline_ticks_per_op;
	}
	return 0;
}

/* The measure() path: the benchmark produces per-op samples itself. */
static int run_self_timed(struct harness *h, struct bench_state *st, double share_s,
			  struct row_result *r, struct run_totals *tot)
{
	const struct bench *b = st->bench;
	size_t reps = (size_t)h->cfg.repetitions;
	struct bench_samples out = { 0 };
	struct counter_set *set = h->cfg.counters;
	struct counter_values cv;
	bool counting = set && counters_any_open(set);
	int ret;

	out.cap = reps;
	out.ticks = calloc(reps, sizeof(double));
	if (!out.ticks) {
		snprintf(st->msg, sizeof(st->msg), "out of memory");
		return row_fail(r, "harness", st);
	}
	r->samples = out.ticks;
	if (counting) {
		counters_reset(set);
		counters_enable();
	}
	ret = b->measure(st, &out, fmin(h->cfg.goal_s, share_s / (reps + 2.0)));
	h->ops_run += out.ops_run;
	if (counting) {
		counters_disable();
		counters_read(set, &cv);
		add_counts(h, r, &cv, tot->counts);
	}
	if (stopping(h))
		return 1;
	if (ret)
		return row_fail(r, "measure", st);
	if (out.count == 0 || out.count > out.cap) {
		snprintf(st->msg, sizeof(st->msg), "%zu samples for a capacity of %zu",
			 out.count, out.cap);
		return row_fail(r, "measure", st);
	}
	r->nsamples = out.count;
	r->ops_per_sample = out.ops_per_sample ? out.ops_per_sample : 1;
	r->overhead_ticks = out.overhead_ticks;
	for (size_t i = 0; i < out.count; i++)
		tot->ticks += out.ticks[i] * r->ops_per_sample;
	return 0;
}

double separation_pmu_share(double cycles, double ticks, double cycles_per_tick)
{
	double share;

	if (!(ticks > 0) || !(cycles_per_tick > 0) || !(cycles >= 0))
		return NAN;
	share = 1 - cycles / (ticks * cycles_per_tick);
	/* Inherited counts of helper tasks can exceed one CPU's ticks: nothing outside then. */
	return share < 0 ? 0 : share > 1 ? 1 : share;
}

static void separate(struct harness *h, struct row_result *r, const struct run_totals *tot,
		     double steal_s)
{
	struct counter_set *set = h->cfg.counters;
	int cyc = set ? counters_find(set, "cycles") : -1;
	struct separation *s = &r->sep;

	s->outside_share = NAN;
	if (cyc >= 0 && r->counter_valid[cyc] && h->pmu_cycles_per_tick > 0 && tot->ticks > 0) {
		double cycles = r->counter_per_op[cyc] * r->ops_per_sample * r->nsamples;

		s->method = SEP_PMU;
		s->outside_share = separation_pmu_share(cycles, tot->ticks, h->pmu_cycles_per_tick);
		snprintf(s->note, sizeof(s->note),
			 "1 - unhalted cycles / (TSC ticks x %.3f cycles per tick in a busy spin);"
			 " a task that sleeps counts as outside", h->pmu_cycles_per_tick);
	} else if (h->gaps.valid) {
		s->method = SEP_GAPS;
		s->outside_share = h->gaps.stolen_share;
		snprintf(s->note, sizeof(s->note), "%s", h->gaps.note);
	} else if (steal_s >= 0 && r->elapsed_s > 0) {
		s->method = SEP_STEAL;
		s->outside_share = steal_s / r->elapsed_s;
		snprintf(s->note, sizeof(s->note),
			 "/proc/stat steal over the row (%ld Hz ticks; 0 where the VMM reports none)",
			 sysconf(_SC_CLK_TCK));
	} else {
		s->method = SEP_NONE;
		snprintf(s->note, sizeof(s->note), "no PMU, no module, no /proc/stat steal");
	}
}

int harness_run_row(struct harness *h, const struct bench_row *row, double share_s,
		    struct row_result *r)
{
	const struct bench *b = row->bench;
	struct bench_state st = { .bench = b, .size = row->size, .devfd = h->cfg.devfd,
				  .cpu = h->cfg.cpu };
	struct run_totals tot = { 0 };
	struct counter_set *set = h->cfg.counters;
	double t0 = monotonic_s(), steal0 = steal_seconds(h->cfg.cpu), steal1;
	char why[BENCH_MSG_LEN] = "";
	int stopped = 0;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", row->name);
	r->bench = b;
	r->size = row->size;
	r->overhead_ticks = h->overhead_ticks;
	h->ops_run = 0;

	if ((b->flags & BENCH_NEEDS_MODULE) && h->cfg.devfd < 0) {
		r->status = ROW_SKIPPED;
		snprintf(r->reason, sizeof(r->reason), "needs the vmprobe module (%s absent)",
			 VMPROBE_DEVICE);
		return 0;
	}
	if (b->valid && !b->valid(&st, why, sizeof(why))) {
		r->status = ROW_SKIPPED;
		snprintf(r->reason, sizeof(r->reason), "%s", why[0] ? why : "not valid here");
		return 0;
	}
	if (!b->run && !b->measure) {
		r->status = ROW_FAILED;
		snprintf(r->reason, sizeof(r->reason), "benchmark has neither run nor measure");
		return 0;
	}
	if (set)
		counters_open(set, b->flags & BENCH_FORKS);
	if (b->setup && b->setup(&st)) {
		row_fail(r, "setup", &st);
		goto out;
	}

	stopped = b->measure ? run_self_timed(h, &st, share_s, r, &tot)
			     : run_timed(h, &st, share_s, r, &tot);
	if (stopped || r->status != ROW_OK)
		goto teardown;

	if (b->verify && b->verify(&st)) {
		row_fail(r, "verify", &st);
		goto teardown;
	}
	if (stats_summarize(r->samples, r->nsamples, HARNESS_CI_LEVEL, &r->ticks)) {
		snprintf(st.msg, sizeof(st.msg), "non-finite sample");
		row_fail(r, "statistics", &st);
		goto teardown;
	}
	r->repetitions = r->nsamples;
	r->bytes_per_op = st.bytes_per_op;
	for (size_t e = 0; set && e < set->n; e++)
		if (r->counter_valid[e])
			r->counter_per_op[e] = tot.counts[e] /
				((double)r->ops_per_sample * (double)r->nsamples);
	if (st.msg[0] && !r->reason[0])
		snprintf(r->reason, sizeof(r->reason), "%s", st.msg);
teardown:
	if (b->teardown)
		b->teardown(&st);
out:
	r->elapsed_s = monotonic_s() - t0;
	r->ops_run = h->ops_run;
	steal1 = steal_seconds(h->cfg.cpu);
	if (r->status == ROW_OK && !stopped)
		separate(h, r, &tot, steal0 >= 0 && steal1 >= 0 ? steal1 - steal0 : -1);
	return stopped ? 1 : 0;
}

int harness_run_rows(struct harness *h, const struct bench_row *rows, size_t n,
		     struct row_result *results, size_t *done)
{
	double hz = h->cfg.clock->hz;

	*done = 0;
	for (size_t i = 0; i < n; i++) {
		double left = fmax(h->cfg.time_budget_s - (monotonic_s() - h->started_s), 0);
		/*
		 * Each row gets an even share of what is left. One whose single op
		 * outgrows it (bubblesort of 100000) may stretch to a few ops'
		 * worth, as long as every later row keeps a reserve of a quarter of
		 * an even share: the time fast rows before it left unused.
		 */
		double reserve = h->cfg.time_budget_s / (4.0 * (double)n);
		double share = left / (double)(n - i);
		struct row_result *r = &results[i];
		int stopped;

		if (stopping(h))
			return 1;
		h->marker_seq++;
		marker(h, "begin", rows[i].name);
		if (h->cfg.progress)
			progress_row_begin(i, n, rows[i].name);
		h->stretch_s = fmax(share, left - (double)(n - i - 1) * reserve);
		stopped = harness_run_row(h, &rows[i], share, r);
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
		marker(h, "end", rows[i].name);
		(*done)++;
		if (!h->cfg.progress)
			continue;
		if (r->status == ROW_OK)
			progress_row_end(" %.1f ns median (%zu x %llu ops, %.2f s)%s%s",
					 r->ticks.median / hz * 1e9, r->nsamples,
					 (unsigned long long)r->ops_per_sample, r->elapsed_s,
					 r->reason[0] ? "; " : "", r->reason);
		else
			progress_row_end(" %s: %s", row_status_name(r->status), r->reason);
	}
	return 0;
}

void row_result_free(struct row_result *r)
{
	free(r->samples);
	r->samples = NULL;
	r->nsamples = 0;
}
