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
#include "plan.h"
#include "signif.h"

#define OVERHEAD_SAMPLES	4001
#define CYCLE_RATIO_START_S	0.01	/* the busy spin at start-up */
#define CYCLE_RATIO_ROW_S	0.001	/* and before each row: the core clock may have moved */
#define TSC_DRIFT_CALIB_MS	200	/* the TSC frequency again at the end */
#define QUIET_PERF_S		1.1	/* the kernel drops its perf switch hooks HZ after the last event */

typedef int (*run_fn)(struct bench_state *st, uint64_t n);

double monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
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

/* The constant_tsc and nonstop_tsc flags of the first CPU in /proc/cpuinfo. */
static void tsc_flags(struct harness *h)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[8192];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		h->tsc_flags_known = true;
		h->tsc_constant = strstr(line, " constant_tsc") != NULL;
		h->tsc_nonstop = strstr(line, " nonstop_tsc") != NULL;
		break;
	}
	fclose(f);
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
	tsc_flags(h);
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
	double ticks;				/* raw ticks of the counted samples */
	double ops;				/* ops in the counted samples */
	double counts[COUNTERS_MAX];		/* counts, empty-call counts subtracted */
};

/* Involuntary context switches of this thread so far: another task took the CPU. */
static long preemptions(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_THREAD, &ru) ? -1 : ru.ru_nivcsw;
}

/*
 * The scheduler's run_delay of this thread so far (ns runnable but not
 * running), the second field of /proc/thread-self/schedstat; NAN unknown.
 */
static double run_delay_ns(const struct harness *h)
{
	char buf[128];
	unsigned long long exec_ns, delay_ns;
	ssize_t len;

	if (h->schedstat_fd < 0)
		return NAN;
	len = pread(h->schedstat_fd, buf, sizeof(buf) - 1, 0);
	if (len <= 0)
		return NAN;
	buf[len] = '\0';
	if (sscanf(buf, "%llu %llu", &exec_ns, &delay_ns) != 2)
		return NAN;
	return (double)delay_ns;
}

/* What one sample_loop() call does, and what it gives back. */
struct sampling {
	run_fn fn;
	uint64_t n;			/* ops per sample */
	size_t reps;			/* samples to take */
	double *per_op;			/* out: reps per-op ticks, overhead subtracted */
	struct sample_meta *meta;	/* out: reps, or NULL */
	struct run_totals *tot;		/* NULL: not counted, nor added to the row's totals */
	double overhead;		/* out: the empty call's ticks subtracted per sample */
};

static int row_fail(struct row_result *r, const char *what, const struct bench_state *st);

/*
 * Times s->fn: s->reps samples of s->n ops. Returns how many were taken
 * (fewer when stopped) or -1 when fn failed. An empty call is timed right
 * before each sample, so the overhead subtracted is measured under the same
 * conditions as the row. Every sample is kept, with what disturbed it: a
 * preempted sample holds real cost of the row as often as another task's
 * (its own deferred kernel work, a wakeup it caused), and dropping it would
 * bias the median down without a record. A run() that a helper times
 * itself (st->own_ticks) gives its ticks instead of the bracket's, with
 * no overhead to subtract.
 */
static long sample_loop(struct harness *h, struct bench_state *st, struct row_result *r,
			struct sampling *s)
{
	struct counter_values cv;
	double *empty = calloc(s->reps ? s->reps : 1, sizeof(*empty));
	bool own = false;
	size_t k;
	int ret;

	if (!empty) {
		snprintf(st->msg, sizeof(st->msg), "out of memory");
		return -1;
	}
	for (k = 0; k < s->reps && !stopping(h); k++) {
		long ivcsw0 = preemptions();
		double delay0 = run_delay_ns(h);
		int cpu0 = sched_getcpu();
		uint64_t ticks;

		empty[k] = (double)take_sample(h, null_run, st, 1, &ret, NULL);
		st->own_ticks = 0;
		ticks = take_sample(h, s->fn, st, s->n, &ret, s->tot ? &cv : NULL);
		if (ret) {
			free(empty);
			return -1;
		}
		if (st->own_ticks) {
			ticks = st->own_ticks;
			own = true;
		}
		if (s->meta) {
			long ivcsw1 = preemptions();
			int cpu1 = sched_getcpu();

			s->meta[k].nivcsw = ivcsw0 >= 0 && ivcsw1 >= 0 ? ivcsw1 - ivcsw0 : -1;
			s->meta[k].run_delay_ns = run_delay_ns(h) - delay0;
			s->meta[k].migrated = cpu0 >= 0 && cpu1 >= 0 && cpu0 != cpu1;
		}
		s->per_op[k] = (double)ticks;
		if (s->tot) {
			s->tot->ticks += (double)ticks;
			s->tot->ops += (double)s->n;
			add_counts(h, r, &cv, s->tot->counts);
		}
	}
	s->overhead = own ? 0 : k ? fenced_mean(empty, k) : h->overhead_ticks;
	for (size_t i = 0; i < k; i++)
		s->per_op[i] = (s->per_op[i] - s->overhead) / (double)s->n;
	free(empty);
	return (long)k;
}

/* One sample of n ops for the ramp: its ticks (a helper's own if it timed them), 0 on failure. */
static uint64_t ramp_sample(struct harness *h, struct bench_state *st, uint64_t n, int *ret)
{
	uint64_t ticks;

	st->own_ticks = 0;
	ticks = take_sample(h, st->bench->run, st, n, ret, NULL);
	return st->own_ticks ? st->own_ticks : ticks;
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
		st->own_ticks = 0;
		rep.ticks = timed_call(st->bench->run, st, 1, &rep.ret);
		if (st->own_ticks)
			rep.ticks = st->own_ticks;
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

/* Disturbed samples and the undisturbed median, after the samples are final. */
static void summarize_disturbance(struct harness *h, struct row_result *r)
{
	double *calm;
	size_t c = 0;

	r->disturbed = r->migrated = 0;
	memset(&r->undisturbed, 0, sizeof(r->undisturbed));
	if (!r->meta)
		return;
	calm = calloc(r->nsamples ? r->nsamples : 1, sizeof(*calm));
	for (size_t i = 0; i < r->nsamples; i++) {
		const struct sample_meta *m = &r->meta[i];
		bool hit = m->nivcsw > 0 || m->run_delay_ns > 0 || m->migrated;

		r->migrated += m->migrated;
		if (hit)
			r->disturbed++;
		else if (calm)
			calm[c++] = r->samples[i];
	}
	h->migrated_samples += r->migrated;
	if (calm && c)
		stats_summarize(calm, c, HARNESS_CI_LEVEL, &r->undisturbed);
	free(calm);
}

/*
 * Ramp: double n until one sample takes the goal (it warms up, too); the
 * last doubling gives the linearity T(2n) / 2 T(n). *ticks gets the last
 * sample's ticks. Returns 0, 1 stopped, -1 failed.
 */
static int ramp(struct harness *h, struct bench_state *st, struct row_result *r, double goal_s,
		uint64_t *n, uint64_t *ticks)
{
	double hz = h->cfg.clock->hz;
	uint64_t prev = 0;
	bool confirmed = false;
	int ret;

	for (;;) {
		enum plan_ramp step;

		if (stopping(h))
			return 1;
		step = plan_ramp_step(*n, h->cfg.max_ops, *ticks / hz, goal_s, confirmed);
		if (step == RAMP_DONE)
			break;
		if (step == RAMP_CONFIRM) {
			uint64_t again = ramp_sample(h, st, *n, &ret);

			if (ret)
				return -1;
			*ticks = again < *ticks ? again : *ticks;
			confirmed = true;
			continue;
		}
		prev = *ticks;
		*n *= 2;
		confirmed = false;
		*ticks = ramp_sample(h, st, *n, &ret);
		if (ret)
			return -1;
	}
	if (prev) {	/* a first figure; linearity() takes it again from medians */
		r->linearity = plan_linearity((double)prev, (double)*ticks,
					      st->own_ticks ? 0 : h->overhead_ticks);
		r->linearity_n = *n / 2;
	}
	return 0;
}

#define LINEARITY_HALF_SAMPLES 3

/*
 * lmbench's check, from medians: T(n) is the median of the row's samples
 * (overhead off, baseline still in: the whole run() call), T(n/2) the median
 * of a few samples of n/2 ops taken now, when the share still holds them.
 * One preempted ramp sample would otherwise decide the figure.
 */
static void linearity(struct harness *h, struct bench_state *st, struct row_result *r,
		      double left_s, double sample_s)
{
	uint64_t half = r->ops_per_sample / 2;
	double t[LINEARITY_HALF_SAMPLES], overhead;
	int ret;

	if (half < 1 || left_s < LINEARITY_HALF_SAMPLES * sample_s / 2 || !r->nsamples)
		return;
	for (int i = 0; i < LINEARITY_HALF_SAMPLES; i++) {
		uint64_t raw = ramp_sample(h, st, half, &ret);

		if (ret)
			return;
		overhead = st->own_ticks ? 0 : r->overhead_ticks;
		t[i] = (double)raw - overhead;
	}
	r->linearity = plan_linearity(median_of(t, LINEARITY_HALF_SAMPLES),
				      median_of(r->samples, r->nsamples) * (double)r->ops_per_sample,
				      0);
	r->linearity_n = half;
}

/* The op with its baseline against the baseline alone: the difference, with its interval. */
static void describe_difference(struct row_result *r, const double *base, double op_median)
{
	struct hl_result hl;

	r->difference.present = true;
	r->difference.with_median = op_median;
	r->difference.baseline_median = r->baseline_ticks_per_op;
	r->difference.shift = op_median - r->baseline_ticks_per_op;
	r->difference.ci_low = r->difference.ci_high = r->difference.coverage = NAN;
	if (signif_hodges_lehmann(base, r->nsamples, r->samples, r->nsamples, HARNESS_CI_LEVEL, &hl))
		return;
	r->difference.shift = hl.shift;
	r->difference.ci_low = hl.ci_low;
	r->difference.ci_high = hl.ci_high;
	r->difference.coverage = hl.coverage;
	r->difference.below = hl.ci_high < 0;
	r->difference.within_noise = !(hl.ci_low > 0) && !r->difference.below;
}

/* The baseline's samples; its median per op is taken off every sample. Returns 0, 1, -1. */
static int subtract_baseline(struct harness *h, struct bench_state *st, struct row_result *r)
{
	const struct bench *b = st->bench;
	double hz = h->cfg.clock->hz, op_median;
	double *base = calloc(r->nsamples, sizeof(double));
	struct sampling s = { .fn = b->run_baseline, .n = r->ops_per_sample, .reps = r->nsamples,
			      .per_op = base };
	long got;

	if (!base) {
		snprintf(st->msg, sizeof(st->msg), "out of memory");
		return -1;
	}
	got = sample_loop(h, st, r, &s);
	if (got < 0 || (size_t)got < r->nsamples) {
		free(base);
		return got < 0 ? -1 : 1;
	}
	r->baseline_ticks_per_op = median_of(base, r->nsamples);
	op_median = median_of(r->samples, r->nsamples);
	describe_difference(r, base, op_median);
	free(base);
	/*
	 * A baseline that costs as much as the whole op still gives the
	 * figure, the difference, with its interval beside it: a study row
	 * never reads "no figure". Where the interval holds 0 the row says so.
	 */
	for (size_t i = 0; i < r->nsamples; i++)
		r->samples[i] -= r->baseline_ticks_per_op;
	if (r->difference.within_noise || r->difference.below) {
		snprintf(r->reason, sizeof(r->reason),
			 "%s: the op with its baseline (%.4g ns/op) against the baseline alone"
			 " (%.4g ns/op) differs by %.4g ns/op, %.0f%% interval [%.4g, %.4g] %s",
			 r->difference.below ? "below its baseline" : "within noise",
			 op_median / hz * 1e9, r->baseline_ticks_per_op / hz * 1e9,
			 r->difference.shift / hz * 1e9, 100 * r->difference.coverage,
			 r->difference.ci_low / hz * 1e9, r->difference.ci_high / hz * 1e9,
			 r->difference.below ? "below 0: the baseline alone costs more here" : "holding 0");
	}
	return 0;
}

/*
 * A BENCH_SLOW row's probe of one op in a child. Returns 0 (ok, *one_op_s
 * set), 1 stopped by a signal, 2 the row is done (skipped or failed).
 */
static int probe_slow(struct harness *h, struct bench_state *st, struct row_result *r,
		      double share_s, int parts, double *one_op_s)
{
	double most_s = fmax(share_s, h->stretch_s);
	double limit = plan_slow_limit(share_s, h->stretch_s, parts);

	switch (probe_in_child(h, st, limit, one_op_s)) {
	case 1:
		r->status = ROW_SKIPPED;
		snprintf(r->reason, sizeof(r->reason),
			 "too slow for the time budget: one op took more than %.3g s"
			 " (stopped; a third of the row's most of %.3g s)", limit, most_s);
		return 2;
	case 2:
		return 1;
	case -1:
		row_fail(r, "run", st);
		return 2;
	}
	if (*one_op_s > limit) {
		r->status = ROW_SKIPPED;
		snprintf(r->reason, sizeof(r->reason),
			 "too slow for the time budget: one op took %.3g s"
			 " (a third of the row's most of %.3g s)", *one_op_s, most_s);
		return 2;
	}
	return 0;
}

/* The run() path; returns 1 when stopped by a signal. */
static int run_timed(struct harness *h, struct bench_state *st, double share_s,
		     struct row_result *r, struct run_totals *tot)
{
	const struct bench *b = st->bench;
	double hz = h->cfg.clock->hz, t_start = monotonic_s();
	int parts = b->run_baseline ? 2 : 1, ret;
	bool slow = b->flags & BENCH_SLOW;
	size_t reps = (size_t)h->cfg.repetitions;
	double goal_s, one_op_s = 0, sample_s;
	struct plan_reps plan;
	struct sampling s;
	uint64_t n = 1, ticks;
	long got;

	r->linearity = NAN;
	if (slow) {
		switch (probe_slow(h, st, r, share_s, parts, &one_op_s)) {
		case 1:
			return 1;
		case 2:
			return 0;
		}
		share_s = plan_stretch(share_s, h->stretch_s, one_op_s * parts);
	}
	goal_s = plan_goal(h->cfg.goal_s, share_s, reps, parts);
	if (slow && one_op_s >= goal_s) {
		/* One op already fills a sample: no probe or ramp here, n stays 1. */
		sample_s = one_op_s;
	} else {
		/* Probe one op: a row that cannot fit once is not run at all. */
		ticks = ramp_sample(h, st, 1, &ret);
		if (ret)
			return row_fail(r, "run", st);
		one_op_s = ticks / hz;
		share_s = plan_stretch(share_s, h->stretch_s, one_op_s * parts);
		if (one_op_s * parts > share_s) {
			r->status = ROW_SKIPPED;
			snprintf(r->reason, sizeof(r->reason),
				 "too slow for the time budget: one op took %.3g s (share %.3g s)",
				 one_op_s, share_s);
			return 0;
		}
		switch (ramp(h, st, r, goal_s, &n, &ticks)) {
		case 1:
			return 1;
		case -1:
			return row_fail(r, "run", st);
		}
		sample_s = ticks / hz;
	}

	plan = plan_repetitions(reps, share_s - (monotonic_s() - t_start), sample_s, parts, n, slow);
	if (plan.warmup) {
		ramp_sample(h, st, n, &ret);
		if (ret)
			return row_fail(r, "run", st);
	}
	if (plan.cut)
		snprintf(r->reason, sizeof(r->reason),
			 "repetitions cut from %zu to %zu by the time budget", reps, plan.reps);
	reps = plan.reps;

	r->samples = calloc(reps, sizeof(double));
	r->meta = calloc(reps, sizeof(*r->meta));
	if (!r->samples || !r->meta) {
		snprintf(st->msg, sizeof(st->msg), "out of memory");
		return row_fail(r, "harness", st);
	}
	r->ops_per_sample = n;
	s = (struct sampling){ .fn = b->run, .n = n, .reps = reps, .per_op = r->samples,
			       .meta = r->meta, .tot = tot };
	got = sample_loop(h, st, r, &s);
	r->overhead_ticks = s.overhead;
	if (got < 0)
		return row_fail(r, "run", st);
	if ((size_t)got < reps)
		return 1;
	r->nsamples = reps;
	linearity(h, st, r, share_s - (monotonic_s() - t_start) - (parts - 1) * reps * sample_s,
		  sample_s);
	if (b->run_baseline) {
		switch (subtract_baseline(h, st, r)) {
		case 1:
			return 1;
		case -1:
			return row_fail(r, "run_baseline", st);
		}
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
	tot->ops = (double)r->ops_per_sample * (double)out.count;
	return 0;
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
	if (left > 0 && !stopping(h)) {
		struct timespec ts = { (time_t)left, (long)((left - (time_t)left) * 1e9) };

		while (nanosleep(&ts, &ts) && errno == EINTR && !stopping(h))
			;
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
	double t0 = monotonic_s(), steal0 = separation_steal_seconds(h->cfg.cpu), steal1;
	char why[BENCH_MSG_LEN] = "";
	int stopped = 0;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", row->name);
	r->bench = b;
	r->size = row->size;
	r->overhead_ticks = h->overhead_ticks;
	h->ops_run = 0;
	r->linearity = NAN;

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
	if (set && (b->flags & BENCH_FORKS)) {
		quiet_perf(h);
	} else if (set) {
		counters_open(set, false);
		r->cycles_per_tick = separation_cycle_ratio(set, h->cfg.clock->hz, CYCLE_RATIO_ROW_S);
	}
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
	/*
	 * Modes only where a sample spans >= 1000 ticks: below, the clock's step
	 * alone makes gaps (an empty region reads 0, 1 or 2 ticks).
	 */
	if (r->ticks.median * (double)r->ops_per_sample < 1000 ||
	    stats_modes(r->samples, r->nsamples, &r->modes))
		memset(&r->modes, 0, sizeof(r->modes));
	summarize_disturbance(h, r);
	r->bytes_per_op = st.bytes_per_op;
	for (size_t e = 0; set && e < set->n; e++)
		if (r->counter_valid[e])
			r->counter_per_op[e] = tot.counts[e] / tot.ops;
	if (st.msg[0]) {	/* the row's own note first, then what the harness found (a baseline's) */
		size_t note = strnlen(st.msg, sizeof(st.msg) - 1), found = strlen(r->reason);
		size_t shift = note + (found ? 2 : 0);

		if (found)	/* what fits of it, moved behind the note */
			memmove(r->reason + shift, r->reason,
				found + shift < sizeof(r->reason) ? found + 1 : sizeof(r->reason) - shift);
		memcpy(r->reason, st.msg, note);
		if (found)
			memcpy(r->reason + note, "; ", 2);
		r->reason[sizeof(r->reason) - 1] = '\0';
	}
teardown:
	if (b->teardown)
		b->teardown(&st);
out:
	r->elapsed_s = monotonic_s() - t0;
	r->ops_run = h->ops_run;
	steal1 = separation_steal_seconds(h->cfg.cpu);
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
		struct plan_share p = plan_row_share(h->cfg.time_budget_s,
						     monotonic_s() - h->started_s, n, i);
		struct row_result *r = &results[i];
		int stopped;

		if (stopping(h))
			return 1;
		h->marker_seq++;
		marker(h, "begin", rows[i].name);
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
		marker(h, "end", rows[i].name);
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

void row_result_free(struct row_result *r)
{
	free(r->samples);
	free(r->meta);
	r->samples = NULL;
	r->meta = NULL;
	r->nsamples = 0;
}
