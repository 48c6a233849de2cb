// SPDX-License-Identifier: GPL-2.0
/* JSON (json-c), CSV and the aligned table. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "result.h"
#include "util.h"

void result_timestamp(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* JSON has no NaN or infinity: such a figure is written as null. */
static json_object *num(double v)
{
	return isfinite(v) ? json_object_new_double(v) : json_object_new_null();
}

static void add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static const char *cycles_source(enum clock_kind k)
{
	return k == CLOCK_KIND_INSTRUCTIONS ? "icount" : k == CLOCK_KIND_BOCHS_IPS ? "bochs-ips" : "tsc";
}

static json_object *summary_json(const struct summary *s, double scale, size_t outliers)
{
	json_object *o = json_object_new_object();

	add(o, RK_MIN, num(s->min * scale));
	add(o, RK_MEDIAN, num(s->median * scale));
	add(o, RK_MEAN, num(s->mean * scale));
	add(o, RK_STDDEV, num(s->stddev * scale));
	add(o, RK_CI_LOW, num(s->ci_low * scale));
	add(o, RK_CI_HIGH, num(s->ci_high * scale));
	add(o, RK_CI_LEVEL, num(s->ci_level));
	add(o, RK_CI_COVERAGE, num(s->ci_coverage));
	add(o, RK_MAX, num(s->max * scale));
	add(o, RK_OUTLIERS, json_object_new_int64((int64_t)outliers));
	return o;
}

static json_object *row_json(const struct run_report *rep, const struct row_result *r)
{
	const struct bench *b = r->bench;
	json_object *o = json_object_new_object(), *samples, *src;
	double ns_per_tick = 1e9 / rep->clock->hz;

	add(o, RK_NAME, json_object_new_string(r->name));
	add(o, RK_BENCH, json_object_new_string(b->name));
	add(o, RK_SIZE, json_object_new_int64(r->size));
	add(o, RK_GROUP, json_object_new_string(b->group ? b->group : ""));
	add(o, RK_PANEL, json_object_new_string(b->panel ? b->panel : "other"));
	add(o, RK_UNIT, json_object_new_string(b->unit ? b->unit : "op"));
	add(o, RK_STATUS, json_object_new_string(row_status_name(r->status)));
	if (r->reason[0])
		add(o, RK_REASON, json_object_new_string(r->reason));
	if (r->clocksource_after[0])
		add(o, RK_CLOCKSOURCE_AFTER, json_object_new_string(r->clocksource_after));
	if (r->status != ROW_OK)
		return o;
	add(o, RK_OPS_PER_SAMPLE, json_object_new_int64((int64_t)r->ops_per_sample));
	add(o, RK_REPETITIONS, json_object_new_int64((int64_t)r->nsamples));
	if (r->ops_run)
		add(o, RK_OPS_RUN, json_object_new_int64((int64_t)r->ops_run));
	add(o, RK_OVERHEAD_TICKS, num(r->overhead_ticks));
	add(o, RK_BASELINE_TICKS_PER_OP, num(r->baseline_ticks_per_op));
	if (r->difference.present) {
		json_object *d = json_object_new_object();

		add(d, RK_WITH_BASELINE_MEDIAN_TICKS, num(r->difference.with_median));
		add(d, RK_BASELINE_MEDIAN_TICKS, num(r->difference.baseline_median));
		add(d, RK_DIFFERENCE_TICKS, num(r->difference.shift));
		add(d, RK_DIFFERENCE_CI_LOW_TICKS, num(r->difference.ci_low));
		add(d, RK_DIFFERENCE_CI_HIGH_TICKS, num(r->difference.ci_high));
		add(d, RK_CI_COVERAGE, num(r->difference.coverage));
		add(d, RK_WITHIN_NOISE, json_object_new_boolean(r->difference.within_noise));
		add(d, RK_BELOW_BASELINE, json_object_new_boolean(r->difference.below));
		add(d, RK_METHOD, json_object_new_string("Hodges-Lehmann shift of the op's samples against"
							" the baseline's, Moses' interval"));
		add(o, RK_BASELINE, d);
	}
	samples = json_object_new_array();
	for (size_t i = 0; i < r->nsamples; i++)
		json_object_array_add(samples, num(r->samples[i]));
	add(o, RK_SAMPLES_TICKS, samples);
	if (r->meta) {
		json_object *iv = json_object_new_array(), *rd = json_object_new_array();
		json_object *mg = json_object_new_array(), *u = json_object_new_object();

		for (size_t i = 0; i < r->nsamples; i++) {
			json_object_array_add(iv, json_object_new_int64(r->meta[i].nivcsw));
			json_object_array_add(rd, num(r->meta[i].run_delay_ns));
			json_object_array_add(mg, json_object_new_boolean(r->meta[i].migrated));
		}
		add(o, RK_SAMPLES_NIVCSW, iv);
		add(o, RK_SAMPLES_RUN_DELAY_NS, rd);
		add(o, RK_SAMPLES_MIGRATED, mg);
		add(o, RK_DISTURBED_SAMPLES, json_object_new_int64((int64_t)r->disturbed));
		add(o, RK_MIGRATED_SAMPLES, json_object_new_int64((int64_t)r->migrated));
		add(u, RK_LABEL, json_object_new_string(
			"median of the samples without an involuntary context switch, run_delay or"
			" migration; the headline is the median of all samples"));
		add(u, RK_COUNT, json_object_new_int64((int64_t)r->undisturbed.n));
		add(u, RK_MEDIAN_TICKS, num(r->undisturbed.n ? r->undisturbed.median : NAN));
		add(u, RK_MEDIAN_NS, num(r->undisturbed.n ? r->undisturbed.median * ns_per_tick : NAN));
		add(o, RK_UNDISTURBED, u);
	}
	if (r->modes.count) {
		json_object *ms = json_object_new_array();

		for (size_t k = 0; k < r->modes.count; k++) {
			json_object *m = json_object_new_object();

			add(m, RK_MEDIAN_TICKS, num(r->modes.median[k]));
			add(m, RK_MEDIAN_NS, num(r->modes.median[k] * ns_per_tick));
			add(m, RK_SHARE, num(r->modes.share[k]));
			json_object_array_add(ms, m);
		}
		add(o, RK_MODES, ms);	/* stats_modes: parts apart by > 1.5x, each >= 10% */
	}
	if (isfinite(r->linearity)) {
		json_object *l = json_object_new_object();

		add(l, RK_N, json_object_new_int64((int64_t)r->linearity_n));
		add(l, RK_RATIO, num(r->linearity));
		add(l, RK_NOTE, json_object_new_string(
			"T(2n) / (2 T(n)), n given: the median of the row's samples against the median"
			" of 3 samples of n ops (the ramp's last doubling when the budget held none),"
			" bracket overhead subtracted: 1 when the cost per op does not depend on n"
			" (lmbench's check)"));
		add(o, RK_LINEARITY, l);
	}
	add(o, RK_TICKS, summary_json(&r->ticks, 1, r->ticks.outliers));
	add(o, RK_NS, summary_json(&r->ticks, ns_per_tick, r->ticks.outliers));
	if (r->bytes_per_op > 0 && r->ticks.median > 0) {
		json_object *t = json_object_new_object();

		add(t, RK_UNIT, json_object_new_string("MB/s"));
		add(t, RK_VALUE, num(r->bytes_per_op / (r->ticks.median / rep->clock->hz) / 1e6));
		add(t, RK_BYTES_PER_OP, num(r->bytes_per_op));
		add(o, RK_THROUGHPUT, t);
	}
	if (rep->counters) {
		json_object *c = json_object_new_object();

		for (size_t e = 0; e < rep->counters->n; e++) {
			json_object *ev;

			if (!r->counter_valid[e])
				continue;
			ev = json_object_new_object();
			add(ev, RK_PER_OP, num(r->counter_per_op[e]));
			add(ev, RK_SCALING, num(r->counter_scaling[e]));
			add(c, rep->counters->ev[e].name, ev);
		}
		add(o, RK_COUNTERS, c);
	}
	{
		json_object *s = json_object_new_object();

		add(s, RK_METHOD, json_object_new_string(separation_method_name(r->sep.method)));
		add(s, RK_OUTSIDE_SHARE, num(r->sep.outside_share));
		if (r->sep.method == SEP_PMU)
			add(s, RK_CYCLES_PER_TICK, num(r->sep.cycles_per_tick));
		add(s, RK_NOTE, json_object_new_string(r->sep.note));
		add(o, RK_SEPARATION, s);
	}
	src = json_object_new_object();
	add(src, RK_CYCLES, json_object_new_string(cycles_source(rep->opts->clock)));
	add(src, RK_TIME, json_object_new_string(cycles_source(rep->opts->clock)));
	if (rep->opts->clock != CLOCK_KIND_TSC)
		add(src, RK_NOTE, json_object_new_string(
			"the guest TSC follows the emulated instruction count: ns figures are "
			"derived from instruction counts (virtual time), not wall-clock time"));
	add(o, RK_SOURCES, src);
	add(o, RK_ELAPSED_S, num(r->elapsed_s));
	add(o, RK_ELAPSED_NS, json_object_new_int64((int64_t)(r->elapsed_s * 1e9)));
	return o;
}

json_object *result_json(const struct run_report *rep)
{
	const struct options *opts = rep->opts;
	json_object *o = json_object_new_object(), *argv = json_object_new_array();
	json_object *clock = json_object_new_object(), *op = json_object_new_object();
	json_object *rows = json_object_new_array();

	add(o, RK_FORMAT, json_object_new_string(RESULT_FORMAT));
	add(o, RK_FORMAT_VERSION, json_object_new_int(RESULT_FORMAT_VERSION));
	add(o, RK_VMPROBE_VERSION, json_object_new_string(VMPROBE_VERSION));
	for (int i = 0; i < rep->argc; i++)
		json_object_array_add(argv, json_object_new_string(rep->argv[i]));
	add(o, RK_COMMAND_LINE, argv);
	add(o, RK_LABEL, json_object_new_string(rep->label ? rep->label : ""));
	add(o, RK_STARTED, json_object_new_string(rep->started));
	add(o, RK_FINISHED, json_object_new_string(rep->finished));
	add(o, RK_PARTIAL, json_object_new_boolean(rep->partial));
	if (rep->host)
		add(o, RK_HOST, hostinfo_json(rep->host));

	add(clock, RK_KIND, json_object_new_string(clock_kind_name(opts->clock)));
	add(clock, RK_NOTE, json_object_new_string(opts->clock_note ? opts->clock_note : ""));
	add(clock, RK_TSC_HZ, num(rep->clock->hz));
	add(clock, RK_TSC_HZ_SOURCE, json_object_new_string(tsc_hz_source_name(rep->clock->source)));
	add(clock, RK_TSC_HZ_DETAIL, json_object_new_string(rep->clock->detail));
	if (rep->harness) {
		const struct harness *h = rep->harness;
		const char *warn = harness_tsc_warning(h);

		if (h->tsc_flags_known) {
			add(clock, RK_CONSTANT_TSC, json_object_new_boolean(h->tsc_constant));
			add(clock, RK_NONSTOP_TSC, json_object_new_boolean(h->tsc_nonstop));
		}
		if (warn)
			add(clock, RK_TSC_WARNING, json_object_new_string(warn));
		add(clock, RK_TSC_HZ_END, num(h->tsc_hz_end > 0 ? h->tsc_hz_end : NAN));
		add(clock, RK_TSC_HZ_DRIFT, num(h->tsc_hz_drift));
	}
	add(o, RK_CLOCK, clock);

	add(op, RK_TIME_BUDGET_S, num(opts->time_budget_s));
	add(op, RK_REPETITIONS, json_object_new_int(opts->repetitions));
	add(op, RK_CPU, json_object_new_int(opts->cpu));
	add(op, RK_QUICK, json_object_new_boolean(opts->quick));
	add(op, RK_EVENTS, json_object_new_string(opts->events ? opts->events : ""));
	add(o, RK_OPTIONS, op);

	if (rep->counters) {
		json_object *c = json_object_new_object(), *req = json_object_new_array();
		json_object *unsup = json_object_new_array();

		for (size_t e = 0; e < rep->counters->n; e++) {
			const struct counter *ev = &rep->counters->ev[e];

			json_object_array_add(req, json_object_new_string(ev->name));
			if (ev->fd < 0 && ev->reason[0]) {
				json_object *u = json_object_new_object();

				add(u, RK_NAME, json_object_new_string(ev->name));
				add(u, RK_REASON, json_object_new_string(ev->reason));
				json_object_array_add(unsup, u);
			}
		}
		add(c, RK_REQUESTED, req);
		add(c, RK_UNSUPPORTED, unsup);
		add(o, RK_COUNTERS, c);
	}
	if (rep->harness) {
		json_object *m = json_object_new_object();

		add(m, RK_OVERHEAD_TICKS, num(rep->harness->overhead_ticks));
		add(m, RK_SAMPLE_GOAL_S, num(rep->harness->cfg.goal_s));
		add(m, RK_TSC_STEP_TICKS, num(rep->harness->tsc_step_ticks));
		add(m, RK_RDTSCP, json_object_new_boolean(tsc_have_rdtscp));
		add(m, RK_PMU_CYCLES_PER_TICK, num(rep->harness->pmu_cycles_per_tick));
		add(m, RK_MIGRATED_SAMPLES, json_object_new_int64(
			(int64_t)rep->harness->migrated_samples));
		if (rep->harness->gaps.valid) {
			add(m, RK_GAPS_STOLEN_SHARE, num(rep->harness->gaps.stolen_share));
			add(m, RK_GAPS_NOTE, json_object_new_string(rep->harness->gaps.note));
		}
		add(o, RK_HARNESS, m);
	}
	for (size_t i = 0; i < rep->nrows; i++)
		json_object_array_add(rows, row_json(rep, &rep->rows[i]));
	add(o, RK_BENCHMARKS, rows);
	return o;
}

int result_write_file(const char *path, const char *data, size_t len, char *err, size_t errlen)
{
	return util_write_file_atomic(path, data, len, 0666, err, errlen);
}

int result_write_json(const char *path, json_object *obj, char *err, size_t errlen)
{
	size_t len;
	const char *text = json_object_to_json_string_length(obj,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	char *buf;
	int ret;

	if (!text) {
		snprintf(err, errlen, "json-c could not serialise the result");
		return -1;
	}
	buf = malloc(len + 1);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(buf, text, len);
	buf[len] = '\n';
	ret = result_write_file(path, buf, len + 1, err, errlen);
	free(buf);
	return ret;
}

/* A CSV field (util.c's one quoting rule), then the separator. */
static void csv_field(FILE *f, const char *s, bool last)
{
	util_csv_field(f, s);
	fputc(last ? '\n' : ',', f);
}

static void csv_num(FILE *f, double v, bool ok)
{
	util_csv_num(f, ok && isfinite(v) ? v : NAN);
	fputc(',', f);
}

int result_write_csv(const char *path, const struct run_report *rep, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	double ns = 1e9 / rep->clock->hz;
	int ret;

	if (!f) {
		snprintf(err, errlen, "open_memstream: %s", strerror(errno));
		return -1;
	}
	fputs("label,name,bench,size,group,unit,status,ops_per_sample,repetitions,"
	      "median_ticks,min_ticks,mean_ticks,stddev_ticks,ci_low_ticks,ci_high_ticks,outliers,"
	      "median_ns,ci_low_ns,ci_high_ns,throughput_mb_s,separation_method,outside_share,"
	      "time_source,reason\n", f);
	for (size_t i = 0; i < rep->nrows; i++) {
		const struct row_result *r = &rep->rows[i];
		bool ok = r->status == ROW_OK;
		char size[32];

		snprintf(size, sizeof(size), "%ld", r->size);
		csv_field(f, rep->label ? rep->label : "", false);
		csv_field(f, r->name, false);
		csv_field(f, r->bench->name, false);
		csv_field(f, size, false);
		csv_field(f, r->bench->group ? r->bench->group : "", false);
		csv_field(f, r->bench->unit ? r->bench->unit : "op", false);
		csv_field(f, row_status_name(r->status), false);
		csv_num(f, (double)r->ops_per_sample, ok);
		csv_num(f, (double)r->nsamples, ok);
		csv_num(f, r->ticks.median, ok);
		csv_num(f, r->ticks.min, ok);
		csv_num(f, r->ticks.mean, ok);
		csv_num(f, r->ticks.stddev, ok);
		csv_num(f, r->ticks.ci_low, ok);
		csv_num(f, r->ticks.ci_high, ok);
		csv_num(f, (double)r->ticks.outliers, ok);
		csv_num(f, r->ticks.median * ns, ok);
		csv_num(f, r->ticks.ci_low * ns, ok);
		csv_num(f, r->ticks.ci_high * ns, ok);
		csv_num(f, r->bytes_per_op / (r->ticks.median / rep->clock->hz) / 1e6,
			ok && r->bytes_per_op > 0 && r->ticks.median > 0);
		csv_field(f, ok ? separation_method_name(r->sep.method) : "", false);
		csv_num(f, r->sep.outside_share, ok);
		csv_field(f, cycles_source(rep->opts->clock), false);
		csv_field(f, r->reason, true);
	}
	if (fclose(f)) {
		snprintf(err, errlen, "building the CSV: %s", strerror(errno));
		free(buf);
		return -1;
	}
	ret = result_write_file(path, buf, len, err, errlen);
	free(buf);
	return ret;
}

/* ---- the table ---------------------------------------------------------- */

#define TABLE_MAX_COLS	24
#define CELL_LEN	72

struct table {
	size_t ncols, nrows;
	char (*cells)[TABLE_MAX_COLS][CELL_LEN];	/* row 0 is the header */
	bool left[TABLE_MAX_COLS];
};

/* Short column names for the usual events. */
static const char *counter_column(const char *name)
{
	static const struct { const char *event, *col; } cols[] = {
		{ "cycles", "cyc/op" }, { "instructions", "ins/op" },
		{ "cycles:u", "cyc:u/op" }, { "cycles:k", "cyc:k/op" },
		{ "instructions:u", "ins:u/op" }, { "instructions:k", "ins:k/op" },
		{ "perf::TASK-CLOCK", "task-ns/op" }, { "perf::CONTEXT-SWITCHES", "cs/op" },
		{ "perf::PAGE-FAULTS", "pf/op" },
	};

	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if (!strcmp(cols[i].event, name))
			return cols[i].col;
	return name;
}

static void fmt_sig(char *buf, double v)
{
	if (!isfinite(v))
		snprintf(buf, CELL_LEN, "-");
	else if (fabs(v) >= 1e7)
		snprintf(buf, CELL_LEN, "%.3e", v);
	else if (fabs(v) >= 100)
		snprintf(buf, CELL_LEN, "%.0f", v);
	else if (fabs(v) >= 1)
		snprintf(buf, CELL_LEN, "%.2f", v);
	else
		snprintf(buf, CELL_LEN, "%.3f", v);
}

/* A duration for people: three significant digits in ns, us, ms or s. */
static void fmt_time(char *buf, double ns)
{
	static const struct { double scale; const char *unit; } units[] = {
		{ 1e9, "s" }, { 1e6, "ms" }, { 1e3, "us" }, { 1, "ns" },
	};
	size_t i = 0;

	if (!isfinite(ns)) {
		snprintf(buf, CELL_LEN, "-");
		return;
	}
	while (i + 1 < sizeof(units) / sizeof(units[0]) && fabs(ns) < units[i].scale)
		i++;
	snprintf(buf, CELL_LEN, "%.3g %s", ns / units[i].scale, units[i].unit);
}

void result_print_table(FILE *f, const struct run_report *rep)
{
	const struct counter_set *cs = rep->counters;
	double ns = 1e9 / rep->clock->hz;
	bool counter_col[COUNTERS_MAX] = { false }, derived = rep->opts->clock != CLOCK_KIND_TSC;
	struct table t = { 0 };
	size_t width[TABLE_MAX_COLS] = { 0 }, c = 0;
	const char *nsname = derived ? "median*" : "median";

	t.cells = calloc(rep->nrows + 1, sizeof(*t.cells));
	if (!t.cells)
		return;
#define HDR(text, isleft) do { if (c < TABLE_MAX_COLS) { \
	snprintf(t.cells[0][c], CELL_LEN, "%s", text); t.left[c++] = isleft; } } while (0)
	HDR("name", true);
	HDR("group", true);
	HDR(nsname, false);
	HDR("median ticks", false);
	HDR(derived ? "95% CI*" : "95% CI", false);
	HDR(derived ? "min*" : "min", false);
	HDR("sd%", false);
	for (size_t e = 0; cs && e < cs->n; e++)
		for (size_t i = 0; i < rep->nrows; i++)
			if (rep->rows[i].status == ROW_OK && rep->rows[i].counter_valid[e] &&
			    !counter_col[e] && c < TABLE_MAX_COLS - 2) {
				counter_col[e] = true;
				HDR(counter_column(cs->ev[e].name), false);
			}
	HDR("MB/s", false);
	HDR("outside (method)", true);
	t.ncols = c;

	for (size_t i = 0; i < rep->nrows; i++) {
		const struct row_result *r = &rep->rows[i];
		char (*row)[CELL_LEN] = t.cells[i + 1];
		char a[CELL_LEN], b[CELL_LEN];

		c = 0;
		snprintf(row[c++], CELL_LEN, "%s", r->name);
		snprintf(row[c++], CELL_LEN, "%s", r->bench->group ? r->bench->group : "");
		if (r->status != ROW_OK) {
			snprintf(row[c++], CELL_LEN, "%s", row_status_name(r->status));
			while (c < t.ncols)
				snprintf(row[c++], CELL_LEN, "-");
			continue;
		}
		fmt_time(row[c++], r->ticks.median * ns);
		fmt_sig(row[c++], r->ticks.median);
		fmt_time(a, r->ticks.ci_low * ns);
		fmt_time(b, r->ticks.ci_high * ns);
		/* Too few samples for the level: [min, max], with what it really covers. */
		if (r->ticks.ci_coverage < r->ticks.ci_level - 1e-9)
			snprintf(row[c++], CELL_LEN, "%.24s..%.24s (%.0f%%)", a, b,
				 100 * r->ticks.ci_coverage);
		else
			snprintf(row[c++], CELL_LEN, "%.32s..%.32s", a, b);
		fmt_time(row[c++], r->ticks.min * ns);
		if (r->ticks.median != 0)
			snprintf(row[c++], CELL_LEN, "%.1f",
				 100 * r->ticks.stddev / fabs(r->ticks.median));
		else
			snprintf(row[c++], CELL_LEN, "-");
		for (size_t e = 0; cs && e < cs->n; e++)
			if (counter_col[e]) {
				if (r->counter_valid[e])
					fmt_sig(row[c++], r->counter_per_op[e]);
				else
					snprintf(row[c++], CELL_LEN, "-");
			}
		if (r->bytes_per_op > 0 && r->ticks.median > 0)
			fmt_sig(row[c++], r->bytes_per_op / (r->ticks.median / rep->clock->hz) / 1e6);
		else
			snprintf(row[c++], CELL_LEN, "-");
		if (isfinite(r->sep.outside_share))
			snprintf(row[c++], CELL_LEN, "%.2f%% (%s)", 100 * r->sep.outside_share,
				 separation_method_name(r->sep.method));
		else
			snprintf(row[c++], CELL_LEN, "- (%s)", separation_method_name(r->sep.method));
	}
	for (size_t i = 0; i <= rep->nrows; i++)
		for (c = 0; c < t.ncols; c++)
			if (strlen(t.cells[i][c]) > width[c])
				width[c] = strlen(t.cells[i][c]);

	fprintf(f, "# %s: %s, TSC %.4f GHz (%s)%s\n", rep->label ? rep->label : "run",
		rep->host ? rep->host->vmm : "", rep->clock->hz / 1e9,
		tsc_hz_source_name(rep->clock->source), rep->partial ? ", PARTIAL (interrupted)" : "");
	if (derived)
		fprintf(f, "# * times derived from instruction counts (--clock %s), not wall-clock time\n",
			clock_kind_name(rep->opts->clock));
	for (size_t i = 0; i <= rep->nrows; i++) {
		for (c = 0; c < t.ncols; c++) {
			bool last = c + 1 == t.ncols;

			if (last && t.left[c])	/* no trailing blanks */
				fprintf(f, "  %s", t.cells[i][c]);
			else
				fprintf(f, "%s%*s", c ? "  " : "",
					t.left[c] ? -(int)width[c] : (int)width[c], t.cells[i][c]);
		}
		fputc('\n', f);
	}
	for (size_t i = 0; i < rep->nrows; i++)
		if (rep->rows[i].status != ROW_OK || rep->rows[i].reason[0])
			fprintf(f, "# %s: %s\n", rep->rows[i].name, rep->rows[i].reason);
	free(t.cells);
#undef HDR
}
