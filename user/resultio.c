// SPDX-License-Identifier: GPL-2.0
/* Reading and validating vmprobe result files (json-c) into structs. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resultio.h"

/* Everything that can go wrong names the file first. */
static int fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
	va_list ap;
	int used = snprintf(err, errlen, "%s: ", path);

	if (used < 0 || (size_t)used >= errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err + used, errlen - used, fmt, ap);
	va_end(ap);
	return -1;
}

struct json_object *rio_parse_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct json_tokener *tok;
	struct json_object *root = NULL;
	enum json_tokener_error jerr = json_tokener_continue;
	char buf[65536];
	size_t got, line = 1;
	bool any = false;

	if (!f) {
		fail(err, errlen, path, "cannot open: %s", strerror(errno));
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		fclose(f);
		fail(err, errlen, path, "out of memory");
		return NULL;
	}
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		any = true;
		root = json_tokener_parse_ex(tok, buf, (int)got);
		jerr = json_tokener_get_error(tok);
		if (jerr != json_tokener_continue)
			break;
		for (size_t i = 0; i < got; i++)
			line += buf[i] == '\n';
	}
	if (ferror(f)) {
		fail(err, errlen, path, "read error: %s", strerror(errno));
		goto bad;
	}
	if (!any) {
		fail(err, errlen, path, "empty file, not JSON");
		goto bad;
	}
	if (jerr == json_tokener_continue) {
		fail(err, errlen, path, "not valid JSON: truncated (ends inside a value)");
		goto bad;
	}
	if (jerr != json_tokener_success) {
		size_t off = json_tokener_get_parse_end(tok);

		for (size_t i = 0; i < off && i < got; i++)
			line += buf[i] == '\n';
		fail(err, errlen, path, "not valid JSON near line %zu: %s", line,
		     json_tokener_error_desc(jerr));
		goto bad;
	}
	/* Anything but whitespace after the value is a second value or garbage. */
	{
		size_t end = json_tokener_get_parse_end(tok);
		bool trailing = false;

		for (size_t i = end; i < got && !trailing; i++)
			trailing = !strchr(" \t\r\n", buf[i]);
		while (!trailing && (got = fread(buf, 1, sizeof(buf), f)) > 0)
			for (size_t i = 0; i < got && !trailing; i++)
				trailing = !strchr(" \t\r\n", buf[i]);
		if (trailing) {
			fail(err, errlen, path, "not valid JSON: extra data after the top-level object");
			goto bad;
		}
	}
	json_tokener_free(tok);
	fclose(f);
	return root;
bad:
	json_object_put(root);
	json_tokener_free(tok);
	fclose(f);
	return NULL;
}

/* Typed key look-ups; `where` names the object for the message. */
static struct json_object *get_key(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v;
}

static int need_string(struct json_object *obj, const char *key, const char *where,
		       char **out, const char *path, char *err, size_t errlen)
{
	struct json_object *v = get_key(obj, key);

	if (!v)
		return fail(err, errlen, path, "%s: missing key \"%s\"", where, key);
	if (!json_object_is_type(v, json_type_string))
		return fail(err, errlen, path, "%s: \"%s\" must be a string", where, key);
	*out = strdup(json_object_get_string(v));
	return *out ? 0 : fail(err, errlen, path, "out of memory");
}

static bool is_number(struct json_object *v)
{
	return json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int);
}

/* Optional finite number: absent or null gives NAN; present but not a finite number is an error. */
static int opt_number(struct json_object *obj, const char *key, const char *where,
		      double *out, const char *path, char *err, size_t errlen)
{
	struct json_object *v = get_key(obj, key);

	*out = NAN;
	if (!v)
		return 0;
	if (!is_number(v) || !isfinite(json_object_get_double(v)))
		return fail(err, errlen, path, "%s: \"%s\" must be a finite number", where, key);
	*out = json_object_get_double(v);
	return 0;
}

static int need_number(struct json_object *obj, const char *key, const char *where,
		       double *out, const char *path, char *err, size_t errlen)
{
	if (opt_number(obj, key, where, out, path, err, errlen))
		return -1;
	if (isnan(*out))
		return fail(err, errlen, path, "%s: missing key \"%s\"", where, key);
	return 0;
}

static int read_summary(struct json_object *obj, const char *key, const char *where,
			struct rio_summary *s, bool required, const char *path,
			char *err, size_t errlen)
{
	struct json_object *v = get_key(obj, key);
	char inner[160];

	memset(s, 0, sizeof(*s));
	if (!v) {
		if (required)
			return fail(err, errlen, path, "%s: missing key \"%s\"", where, key);
		return 0;
	}
	if (!json_object_is_type(v, json_type_object))
		return fail(err, errlen, path, "%s: \"%s\" must be an object", where, key);
	snprintf(inner, sizeof(inner), "%s.%s", where, key);
	if (need_number(v, RK_MEDIAN, inner, &s->median, path, err, errlen) ||
	    opt_number(v, RK_MIN, inner, &s->min, path, err, errlen) ||
	    opt_number(v, RK_MEAN, inner, &s->mean, path, err, errlen) ||
	    opt_number(v, RK_STDDEV, inner, &s->stddev, path, err, errlen) ||
	    opt_number(v, RK_CI_LOW, inner, &s->ci_low, path, err, errlen) ||
	    opt_number(v, RK_CI_HIGH, inner, &s->ci_high, path, err, errlen) ||
	    opt_number(v, RK_CI_LEVEL, inner, &s->ci_level, path, err, errlen))
		return -1;
	if (!isnan(s->ci_low) && !isnan(s->ci_high) && s->ci_low > s->ci_high)
		return fail(err, errlen, path, "%s: ci_low %g is above ci_high %g", inner,
			    s->ci_low, s->ci_high);
	s->present = true;
	return 0;
}

static int read_samples(struct json_object *obj, const char *where, struct rio_bench *b,
			const char *path, char *err, size_t errlen)
{
	struct json_object *arr = get_key(obj, RK_SAMPLES_TICKS);
	size_t n;

	if (!arr)
		return fail(err, errlen, path, "%s: missing key \"" RK_SAMPLES_TICKS "\"", where);
	if (!json_object_is_type(arr, json_type_array))
		return fail(err, errlen, path, "%s: \"" RK_SAMPLES_TICKS "\" must be an array", where);
	n = json_object_array_length(arr);
	if (n == 0)
		return fail(err, errlen, path, "%s: \"" RK_SAMPLES_TICKS "\" is empty (status ok needs samples)",
			    where);
	b->samples_ticks = calloc(n, sizeof(double));
	if (!b->samples_ticks)
		return fail(err, errlen, path, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);

		if (!v || !is_number(v) || !isfinite(json_object_get_double(v)))
			return fail(err, errlen, path, "%s: samples_ticks[%zu] is not a finite number",
				    where, i);
		b->samples_ticks[i] = json_object_get_double(v);
	}
	b->sample_count = n;
	return 0;
}

static int read_counters(struct json_object *obj, const char *where, struct rio_bench *b,
			 const char *path, char *err, size_t errlen)
{
	struct json_object *ctrs = get_key(obj, RK_COUNTERS);
	size_t n, i = 0;

	if (!ctrs)
		return 0;
	if (!json_object_is_type(ctrs, json_type_object))
		return fail(err, errlen, path, "%s: \"" RK_COUNTERS "\" must be an object", where);
	n = (size_t)json_object_object_length(ctrs);
	b->counters = calloc(n ? n : 1, sizeof(*b->counters));
	if (!b->counters)
		return fail(err, errlen, path, "out of memory");
	json_object_object_foreach(ctrs, cname, cval) {
		struct rio_counter *c = &b->counters[i];
		char inner[200];

		snprintf(inner, sizeof(inner), "%s.counters.%s", where, cname);
		if (!json_object_is_type(cval, json_type_object))
			return fail(err, errlen, path, "%s must be an object", inner);
		c->name = strdup(cname);
		if (!c->name)
			return fail(err, errlen, path, "out of memory");
		b->counter_count = ++i;
		if (need_number(cval, RK_PER_OP, inner, &c->per_op, path, err, errlen) ||
		    opt_number(cval, RK_SCALING, inner, &c->scaling, path, err, errlen))
			return -1;
	}
	return 0;
}

static int reason_cmp(const void *a, const void *b)
{
	const struct rio_exit_reason *x = a, *y = b;

	if (x->per_op != y->per_op)
		return x->per_op < y->per_op ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* "exits": {"per_op": N, "reasons": {"NAME": N, ...}, "source": "...", "time_share": S}. */
static int read_exits(struct json_object *obj, const char *where, struct rio_exits *e,
		      const char *path, char *err, size_t errlen)
{
	struct json_object *ex = get_key(obj, RK_EXITS), *reasons;
	char inner[200];
	size_t n, i = 0;

	e->per_op = e->time_share = NAN;
	if (!ex || json_object_is_type(ex, json_type_null))
		return 0;
	snprintf(inner, sizeof(inner), "%s.exits", where);
	if (!json_object_is_type(ex, json_type_object))
		return fail(err, errlen, path, "%s must be an object", inner);
	if (need_number(ex, RK_PER_OP, inner, &e->per_op, path, err, errlen) ||
	    need_string(ex, RK_SOURCE, inner, &e->source, path, err, errlen) ||
	    opt_number(ex, RK_TIME_SHARE, inner, &e->time_share, path, err, errlen))
		return -1;
	if (e->per_op < 0)
		return fail(err, errlen, path, "%s: per_op %g is negative", inner, e->per_op);
	if (!isnan(e->time_share) && (e->time_share < 0 || e->time_share > 1))
		return fail(err, errlen, path, "%s: time_share %g is outside [0, 1]", inner,
			    e->time_share);
	reasons = get_key(ex, RK_REASONS);
	if (reasons && !json_object_is_type(reasons, json_type_null)) {
		if (!json_object_is_type(reasons, json_type_object))
			return fail(err, errlen, path, "%s: \"" RK_REASONS "\" must be an object", inner);
		n = (size_t)json_object_object_length(reasons);
		e->reasons = calloc(n ? n : 1, sizeof(*e->reasons));
		if (!e->reasons)
			return fail(err, errlen, path, "out of memory");
		json_object_object_foreach(reasons, rname, rval) {
			struct rio_exit_reason *r = &e->reasons[i];

			if (!rname[0])
				return fail(err, errlen, path, "%s.reasons: empty reason name", inner);
			if (!is_number(rval) || !isfinite(json_object_get_double(rval)) ||
			    json_object_get_double(rval) < 0)
				return fail(err, errlen, path, "%s.reasons.%s must be a number >= 0",
					    inner, rname);
			r->name = strdup(rname);
			if (!r->name)
				return fail(err, errlen, path, "out of memory");
			r->per_op = json_object_get_double(rval);
			e->reason_count = ++i;
		}
		qsort(e->reasons, e->reason_count, sizeof(*e->reasons), reason_cmp);
	}
	e->present = true;
	return 0;
}

static int read_bench(struct json_object *obj, size_t index, struct rio_bench *b,
		      const char *path, char *err, size_t errlen)
{
	char where[160];
	struct json_object *sep;

	b->outside_share = b->host_wall_ns = b->elapsed_ns = NAN;
	b->disturbed_samples = b->undisturbed_median_ticks = b->linearity = NAN;
	if (!json_object_is_type(obj, json_type_object))
		return fail(err, errlen, path, RK_BENCHMARKS "[%zu] must be an object", index);
	snprintf(where, sizeof(where), RK_BENCHMARKS "[%zu]", index);
	if (need_string(obj, RK_NAME, where, &b->name, path, err, errlen))
		return -1;
	if (!b->name[0])
		return fail(err, errlen, path, "%s: empty \"" RK_NAME "\"", where);
	snprintf(where, sizeof(where), RK_BENCHMARKS "[%zu] (%.100s)", index, b->name);
	if (need_string(obj, RK_GROUP, where, &b->group, path, err, errlen) ||
	    need_string(obj, RK_STATUS, where, &b->status_text, path, err, errlen))
		return -1;
	if (strcmp(b->group, "micro") && strcmp(b->group, "macro"))
		return fail(err, errlen, path, "%s: group \"%s\" is neither micro nor macro", where,
			    b->group);
	if (get_key(obj, RK_UNIT) && need_string(obj, RK_UNIT, where, &b->unit, path, err, errlen))
		return -1;
	if (get_key(obj, RK_PANEL) && need_string(obj, RK_PANEL, where, &b->panel, path, err, errlen))
		return -1;
	if (!strcmp(b->status_text, "ok"))
		b->status = RIO_OK;
	else if (!strcmp(b->status_text, "skipped"))
		b->status = RIO_SKIPPED;
	else if (!strcmp(b->status_text, "failed"))
		b->status = RIO_FAILED;
	else
		return fail(err, errlen, path, "%s: status \"%s\" is not ok|skipped|failed", where,
			    b->status_text);
	if (b->status != RIO_OK) {
		/* A skip or failure is shown with its reason, so it must have one. */
		if (need_string(obj, RK_REASON, where, &b->reason, path, err, errlen))
			return -1;
	} else {
		if (get_key(obj, RK_REASON) &&
		    need_string(obj, RK_REASON, where, &b->reason, path, err, errlen))
			return -1;
		if (read_samples(obj, where, b, path, err, errlen) ||
		    read_summary(obj, RK_TICKS, where, &b->ticks, true, path, err, errlen) ||
		    read_summary(obj, RK_NS, where, &b->ns, false, path, err, errlen) ||
		    read_counters(obj, where, b, path, err, errlen) ||
		    read_exits(obj, where, &b->exits, path, err, errlen) ||
		    rio_read_where(obj, where, b, path, err, errlen))
			return -1;
	}
	if (opt_number(obj, RK_HOST_WALL_NS, where, &b->host_wall_ns, path, err, errlen) ||
	    opt_number(obj, RK_ELAPSED_NS, where, &b->elapsed_ns, path, err, errlen) ||
	    opt_number(obj, RK_DISTURBED_SAMPLES, where, &b->disturbed_samples, path, err, errlen))
		return -1;
	{
		struct json_object *u = get_key(obj, RK_UNDISTURBED), *l = get_key(obj, RK_LINEARITY);
		char inner[200];

		snprintf(inner, sizeof(inner), "%s.undisturbed", where);
		if (u && opt_number(u, RK_MEDIAN_TICKS, inner, &b->undisturbed_median_ticks, path,
				    err, errlen))
			return -1;
		snprintf(inner, sizeof(inner), "%s.linearity", where);
		if (l && opt_number(l, RK_RATIO, inner, &b->linearity, path, err, errlen))
			return -1;
	}
	if (isnan(b->elapsed_ns)) {
		/* The writer gives the row's monotonic time in seconds. */
		double seconds;

		if (opt_number(obj, RK_ELAPSED_S, where, &seconds, path, err, errlen))
			return -1;
		b->elapsed_ns = seconds * 1e9;
	}
	if (b->elapsed_ns < 0)
		return fail(err, errlen, path, "%s: negative elapsed time", where);
	sep = get_key(obj, RK_SEPARATION);
	if (sep) {
		char inner[200];

		snprintf(inner, sizeof(inner), "%s.separation", where);
		if (!json_object_is_type(sep, json_type_object))
			return fail(err, errlen, path, "%s must be an object", inner);
		if (need_string(sep, RK_METHOD, inner, &b->separation_method, path, err, errlen) ||
		    opt_number(sep, RK_OUTSIDE_SHARE, inner, &b->outside_share, path, err, errlen))
			return -1;
		if (!isnan(b->outside_share) && (b->outside_share < 0 || b->outside_share > 1))
			return fail(err, errlen, path, "%s: outside_share %g is outside [0, 1]", inner,
				    b->outside_share);
		b->has_separation = true;
	}
	return 0;
}

static int read_host_clock(struct json_object *root, struct rio_result *r, const char *path,
			   char *err, size_t errlen)
{
	struct json_object *hc = get_key(root, RK_HOST_CLOCK), *vt;
	struct rio_host_clock *h = &r->host_clock;

	if (!hc)
		return 0;
	if (!json_object_is_type(hc, json_type_object))
		return fail(err, errlen, path, "\"" RK_HOST_CLOCK "\" must be an object");
	if (need_number(hc, RK_WALL_NS, RK_HOST_CLOCK, &h->wall_ns, path, err, errlen) ||
	    opt_number(hc, RK_GUEST_NS, RK_HOST_CLOCK, &h->guest_ns, path, err, errlen) ||
	    opt_number(hc, RK_RATIO, RK_HOST_CLOCK, &h->ratio, path, err, errlen) ||
	    opt_number(hc, RK_TOLERANCE_PCT, RK_HOST_CLOCK, &h->tolerance_pct, path, err, errlen))
		return -1;
	vt = get_key(hc, RK_VIRTUAL_TIME);
	if (!vt || !json_object_is_type(vt, json_type_boolean))
		return fail(err, errlen, path, RK_HOST_CLOCK ": \"" RK_VIRTUAL_TIME "\" must be true or false");
	h->virtual_time = json_object_get_boolean(vt);
	if (h->virtual_time && !(h->ratio > 0))
		return fail(err, errlen, path, "host_clock: virtual_time is set but ratio is not positive");
	h->present = true;
	return 0;
}

/* "more_boots": [RESULT, ...], boots 2..N, each read as a result of its own. */
static int read_more_boots(struct json_object *root, struct rio_result *r, const char *path,
			   char *err, size_t errlen)
{
	struct json_object *arr = get_key(root, RK_MORE_BOOTS);
	size_t n;

	if (!arr)
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return fail(err, errlen, path, "\"" RK_MORE_BOOTS "\" must be an array");
	n = json_object_array_length(arr);
	r->more_boots = calloc(n ? n : 1, sizeof(*r->more_boots));
	if (!r->more_boots)
		return fail(err, errlen, path, "out of memory");
	for (size_t k = 0; k < n; k++) {
		struct json_object *boot = json_object_array_get_idx(arr, k);
		struct rio_result *b = &r->more_boots[k];
		char where[RIO_ERR_LEN];

		snprintf(where, sizeof(where), "%s: more_boots[%zu] (boot %zu)", path, k, k + 2);
		r->more_boot_count = k + 1;
		if (boot && json_object_is_type(boot, json_type_object) && get_key(boot, RK_MORE_BOOTS))
			return fail(err, errlen, where, "a boot holds more boots of its own");
		if (rio_from_json(boot, where, b, err, errlen))
			return -1;
		if (strcmp(b->label, r->label))
			return fail(err, errlen, where, RK_LABEL " \"%s\" differs from the file's \"%s\"",
				    b->label, r->label);
		if (b->clock != r->clock)
			return fail(err, errlen, where, RK_CLOCK "." RK_KIND " \"%s\" differs from the file's \"%s\"",
				    b->clock_kind, r->clock_kind);
	}
	return 0;
}

/* An optional string: absent or null leaves *out NULL; another type is an error. */
static int opt_string(struct json_object *obj, const char *key, const char *where,
		      char **out, const char *path, char *err, size_t errlen)
{
	struct json_object *v = get_key(obj, key);

	*out = NULL;
	return v ? need_string(obj, key, where, out, path, err, errlen) : 0;
}

/* "machine" where run-vmm wrote it, else "host": the facts that tell machines apart. */
static int read_machine(struct json_object *root, struct rio_machine *m, const char *path,
			char *err, size_t errlen)
{
	struct json_object *o = get_key(root, RK_MACHINE), *tsc;
	const char *where = RK_MACHINE;

	m->recorded = o != NULL;
	if (!o) {
		o = get_key(root, RK_HOST);
		where = RK_HOST;
	}
	m->tsc_hz = m->online_cpus = NAN;
	if (!o)
		return 0;
	if (!json_object_is_type(o, json_type_object))
		return fail(err, errlen, path, "\"%s\" must be an object", where);
	m->present = true;
	if (opt_string(o, get_key(o, RK_VMM_STACK) ? RK_VMM_STACK : RK_VMM, where, &m->vmm_stack,
		       path, err, errlen) ||
	    opt_string(o, RK_CPU_MODEL, where, &m->cpu_model, path, err, errlen) ||
	    opt_string(o, RK_CPU_SIGNATURE, where, &m->cpu_signature, path, err, errlen) ||
	    opt_string(o, RK_KERNEL_RELEASE, where, &m->kernel_release, path, err, errlen) ||
	    opt_number(o, RK_ONLINE_CPUS, where, &m->online_cpus, path, err, errlen))
		return -1;
	tsc = get_key(o, RK_TSC);
	if (tsc && json_object_is_type(tsc, json_type_object))
		return opt_number(tsc, RK_HZ, where, &m->tsc_hz, path, err, errlen);
	return 0;
}

/* vmm_host.loadavg_start and _end (run-vmm: the host's /proc/loadavg): their highest figure. */
static int read_host_load(struct json_object *root, double *max, const char *path,
			  char *err, size_t errlen)
{
	static const char *const ends[] = { RK_LOADAVG_START, RK_LOADAVG_END };
	static const char *const spans[] = { "1m", "5m", "15m" };
	struct json_object *h = get_key(root, RK_VMM_HOST);

	*max = NAN;
	if (!h || !json_object_is_type(h, json_type_object))
		return 0;
	for (size_t i = 0; i < 2; i++) {
		struct json_object *l = get_key(h, ends[i]);
		char where[64];

		if (!l || !json_object_is_type(l, json_type_object))
			continue;	/* null: the host's loadavg could not be read */
		snprintf(where, sizeof(where), RK_VMM_HOST ".%s", ends[i]);
		for (size_t j = 0; j < 3; j++) {
			double v;

			if (opt_number(l, spans[j], where, &v, path, err, errlen))
				return -1;
			if (!isnan(v) && (isnan(*max) || v > *max))
				*max = v;
		}
	}
	return 0;
}

int rio_from_json(struct json_object *root, const char *path, struct rio_result *r,
		  char *err, size_t errlen)
{
	struct json_object *v, *clock, *benches;
	char *format = NULL;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	r->tsc_hz = NAN;
	r->path = strdup(path);
	if (!r->path)
		return fail(err, errlen, path, "out of memory");
	if (!json_object_is_type(root, json_type_object))
		return fail(err, errlen, path, "top level is not a JSON object");
	if (need_string(root, RK_FORMAT, "top level", &format, path, err, errlen))
		goto out;
	if (strcmp(format, RIO_FORMAT)) {
		fail(err, errlen, path, "format is \"%s\", expected \"%s\"", format, RIO_FORMAT);
		goto out;
	}
	v = get_key(root, RK_FORMAT_VERSION);
	if (!v || !json_object_is_type(v, json_type_int)) {
		fail(err, errlen, path, "\"" RK_FORMAT_VERSION "\" missing or not an integer");
		goto out;
	}
	if (json_object_get_int64(v) != RIO_FORMAT_VERSION) {
		fail(err, errlen, path, "format_version %lld is not supported (this vmprobe reads %d)",
		     (long long)json_object_get_int64(v), RIO_FORMAT_VERSION);
		goto out;
	}
	if (need_string(root, RK_LABEL, "top level", &r->label, path, err, errlen))
		goto out;
	if (!r->label[0]) {
		fail(err, errlen, path, "empty \"" RK_LABEL "\"");
		goto out;
	}
	v = get_key(root, RK_PARTIAL);
	if (v && !json_object_is_type(v, json_type_boolean)) {
		fail(err, errlen, path, "\"" RK_PARTIAL "\" must be true or false");
		goto out;
	}
	r->partial = v && json_object_get_boolean(v);

	clock = get_key(root, RK_CLOCK);
	if (!clock || !json_object_is_type(clock, json_type_object)) {
		fail(err, errlen, path, "\"" RK_CLOCK "\" missing or not an object");
		goto out;
	}
	if (need_string(clock, RK_KIND, RK_CLOCK, &r->clock_kind, path, err, errlen))
		goto out;
	if (!strcmp(r->clock_kind, "tsc"))
		r->clock = RIO_CLOCK_TSC;
	else if (!strcmp(r->clock_kind, "instructions"))
		r->clock = RIO_CLOCK_INSTRUCTIONS;
	else if (!strcmp(r->clock_kind, "bochs-ips"))
		r->clock = RIO_CLOCK_BOCHS_IPS;
	else {
		fail(err, errlen, path, "clock.kind \"%s\" is not tsc|instructions|bochs-ips",
		     r->clock_kind);
		goto out;
	}
	if (opt_number(clock, RK_TSC_HZ, RK_CLOCK, &r->tsc_hz, path, err, errlen))
		goto out;
	if (!isnan(r->tsc_hz) && r->tsc_hz <= 0) {
		fail(err, errlen, path, "clock.tsc_hz %g is not positive", r->tsc_hz);
		goto out;
	}
	if (read_host_clock(root, r, path, err, errlen))
		goto out;
	v = get_key(root, RK_HOST);
	if (v && json_object_is_type(v, json_type_object) && get_key(v, RK_VMM) &&
	    need_string(v, RK_VMM, RK_HOST, &r->host_vmm, path, err, errlen))
		goto out;
	if (read_machine(root, &r->machine, path, err, errlen) ||
	    read_host_load(root, &r->host_load_max, path, err, errlen))
		goto out;

	benches = get_key(root, RK_BENCHMARKS);
	if (!benches || !json_object_is_type(benches, json_type_array)) {
		fail(err, errlen, path, "\"" RK_BENCHMARKS "\" missing or not an array");
		goto out;
	}
	r->bench_count = json_object_array_length(benches);
	r->benches = calloc(r->bench_count ? r->bench_count : 1, sizeof(*r->benches));
	if (!r->benches) {
		r->bench_count = 0;
		fail(err, errlen, path, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < r->bench_count; i++) {
		if (read_bench(json_object_array_get_idx(benches, i), i, &r->benches[i], path, err,
			       errlen))
			goto out;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(r->benches[j].name, r->benches[i].name)) {
				fail(err, errlen, path, "benchmark \"%s\" appears twice (benchmarks[%zu] and [%zu])",
				     r->benches[i].name, j, i);
				goto out;
			}
	}
	if (read_more_boots(root, r, path, err, errlen))
		goto out;
	rc = 0;
out:
	free(format);
	return rc;
}

int rio_load(const char *path, struct rio_result *out, char *err, size_t errlen)
{
	struct json_object *root = rio_parse_file(path, err, errlen);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!root)
		return -1;
	rc = rio_from_json(root, path, out, err, errlen);
	json_object_put(root);
	if (rc)
		rio_free(out);
	return rc;
}

void rio_free(struct rio_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->bench_count; i++) {
		struct rio_bench *b = &r->benches[i];

		free(b->name);
		free(b->group);
		free(b->panel);
		free(b->status_text);
		free(b->reason);
		free(b->unit);
		free(b->samples_ticks);
		for (size_t c = 0; c < b->counter_count; c++)
			free(b->counters[c].name);
		free(b->counters);
		free(b->separation_method);
		for (size_t k = 0; k < b->exits.reason_count; k++)
			free(b->exits.reasons[k].name);
		free(b->exits.reasons);
		free(b->exits.source);
		rio_free_where(b);
	}
	free(r->benches);
	for (size_t k = 0; k < r->more_boot_count; k++)
		rio_free(&r->more_boots[k]);
	free(r->more_boots);
	free(r->host_vmm);
	free(r->machine.vmm_stack);
	free(r->machine.cpu_model);
	free(r->machine.cpu_signature);
	free(r->machine.kernel_release);
	free(r->path);
	free(r->label);
	free(r->clock_kind);
	memset(r, 0, sizeof(*r));
}

const struct rio_bench *rio_find_bench(const struct rio_result *r, const char *name)
{
	for (size_t i = 0; i < r->bench_count; i++)
		if (!strcmp(r->benches[i].name, name))
			return &r->benches[i];
	return NULL;
}

const struct rio_counter *rio_find_counter(const struct rio_bench *b, const char *name)
{
	for (size_t i = 0; i < b->counter_count; i++)
		if (!strcmp(b->counters[i].name, name))
			return &b->counters[i];
	return NULL;
}

size_t rio_boot_count(const struct rio_result *r)
{
	return 1 + r->more_boot_count;
}

const struct rio_result *rio_boot(const struct rio_result *r, size_t k)
{
	return k == 0 ? r : &r->more_boots[k - 1];
}

bool rio_ticks_are_instructions(const struct rio_result *r)
{
	return r->clock != RIO_CLOCK_TSC;
}

double rio_time_scale(const struct rio_result *r, const struct rio_bench *b)
{
	const struct rio_host_clock *h = &r->host_clock;

	if (h->present && h->virtual_time) {
		/* The row's own host/guest figures are closest; else the run-wide ratio. */
		if (b && b->host_wall_ns > 0 && b->elapsed_ns > 0)
			return b->host_wall_ns / b->elapsed_ns;
		return h->ratio;
	}
	/* A real TSC, or a guest clock the host clock has vouched for. */
	if (r->clock == RIO_CLOCK_TSC || (h->present && !isnan(h->guest_ns)))
		return 1.0;
	return NAN;		/* instruction clock, never checked against the host */
}

double rio_ticks_to_ns(const struct rio_result *r, const struct rio_bench *b, double ticks)
{
	double scale = rio_time_scale(r, b);

	if (isnan(scale) || isnan(r->tsc_hz))
		return NAN;
	return ticks * 1e9 / r->tsc_hz * scale;
}
