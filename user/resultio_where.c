// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a row's "where the time goes" figures (issue 19): the exit time
 * a KVM host measured ("exits": time_ns by reason, time_ns_per_op,
 * vcpu.guest_share; scripts/lib/kvm-exits) and a user-space VMM's
 * processes as the host saw them ("vmm_host"; scripts/lib/host-view).
 * Both optional: files without them read as before. A figure that is there
 * must be a finite number >= 0 (a share also <= 1), else a clear error.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resultio.h"

static int where_fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
	va_list ap;
	int used = snprintf(err, errlen, "%s: ", path);

	if (used >= 0 && (size_t)used < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + used, errlen - used, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static struct json_object *key_of(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	if (!obj || !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	return v;
}

/* OBJ.KEY into *OUT: absent or null leaves NAN; else a finite number in [0, MAX]. */
static int figure(struct json_object *obj, const char *key, double max, const char *where,
		  double *out, const char *path, char *err, size_t errlen)
{
	struct json_object *v = key_of(obj, key);
	double x;

	*out = NAN;
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
		return where_fail(err, errlen, path, "%s.%s must be a number", where, key);
	x = json_object_get_double(v);
	if (!isfinite(x) || x < 0 || x > max)
		return where_fail(err, errlen, path, "%s.%s: %g is outside [0, %g]", where, key, x,
				  max);
	*out = x;
	return 0;
}

static int by_ns(const void *a, const void *b)
{
	const struct rio_exit_reason *x = a, *y = b;

	if (x->per_op != y->per_op)
		return x->per_op < y->per_op ? 1 : -1;
	return strcmp(x->name, y->name);
}

static int read_exit_time(struct json_object *row, const char *where, struct rio_bench *b,
			  const char *path, char *err, size_t errlen)
{
	struct rio_exit_time *t = &b->exit_time;
	struct json_object *ex = key_of(row, RK_EXITS), *times = key_of(ex, RK_TIME_NS);
	double ops = NAN;
	char inner[240];
	size_t i = 0;

	t->ns_per_op = t->guest_share = NAN;
	if (!times)
		return 0;
	snprintf(inner, sizeof(inner), "%s." RK_EXITS, where);
	if (!json_object_is_type(times, json_type_object))
		return where_fail(err, errlen, path, "%s." RK_TIME_NS " must be an object", inner);
	if (figure(ex, RK_TIME_NS_PER_OP, INFINITY, inner, &t->ns_per_op, path, err, errlen) ||
	    figure(ex, RK_OPS, INFINITY, inner, &ops, path, err, errlen) ||
	    figure(key_of(ex, RK_VCPU), RK_GUEST_SHARE, 1, inner, &t->guest_share, path, err, errlen))
		return -1;
	t->reasons = calloc((size_t)json_object_object_length(times) + 1, sizeof(*t->reasons));
	if (!t->reasons)
		return where_fail(err, errlen, path, "out of memory");
	snprintf(inner, sizeof(inner), "%s." RK_EXITS "." RK_TIME_NS, where);
	json_object_object_foreach(times, name, val) {
		double ns;

		if (figure(times, name, INFINITY, inner, &ns, path, err, errlen))
			return -1;
		if (!name[0])
			return where_fail(err, errlen, path, "%s: empty reason name", inner);
		t->reasons[i].name = strdup(name);
		if (!t->reasons[i].name)
			return where_fail(err, errlen, path, "out of memory");
		/* ns per op where the row says its ops, else the row's ns as they are */
		t->reasons[i].per_op = ops > 0 ? ns / ops : ns;
		t->reason_count = ++i;
		(void)val;
	}
	qsort(t->reasons, t->reason_count, sizeof(*t->reasons), by_ns);
	t->present = true;
	return 0;
}

static int read_vmm_host(struct json_object *row, const char *where, struct rio_bench *b,
			 const char *path, char *err, size_t errlen)
{
	struct rio_vmm_host *h = &b->vmm_host;
	struct json_object *v = key_of(row, RK_VMM_HOST);
	char inner[240];

	snprintf(inner, sizeof(inner), "%s." RK_VMM_HOST, where);
	if (v && !json_object_is_type(v, json_type_object))
		return where_fail(err, errlen, path, "%s must be an object", inner);
	if (figure(v, RK_CPU_NS_PER_OP, INFINITY, inner, &h->cpu_ns_per_op, path, err, errlen) ||
	    figure(v, RK_USER_NS_PER_OP, INFINITY, inner, &h->user_ns_per_op, path, err, errlen) ||
	    figure(v, RK_SYS_NS_PER_OP, INFINITY, inner, &h->sys_ns_per_op, path, err, errlen) ||
	    figure(v, RK_SYS_SHARE, 1, inner, &h->sys_share, path, err, errlen) ||
	    figure(v, RK_CPU_PER_WALL, INFINITY, inner, &h->cpu_per_wall, path, err, errlen) ||
	    figure(v, RK_FAULTS_PER_OP, INFINITY, inner, &h->faults_per_op, path, err, errlen) ||
	    figure(v, RK_SWITCHES_PER_OP, INFINITY, inner, &h->switches_per_op, path, err, errlen))
		return -1;
	h->present = v && !isnan(h->cpu_ns_per_op);
	return 0;
}

int rio_read_where(struct json_object *row, const char *where, struct rio_bench *b,
		   const char *path, char *err, size_t errlen)
{
	return read_exit_time(row, where, b, path, err, errlen) ||
	       read_vmm_host(row, where, b, path, err, errlen) ? -1 : 0;
}

void rio_free_where(struct rio_bench *b)
{
	for (size_t k = 0; k < b->exit_time.reason_count; k++)
		free(b->exit_time.reasons[k].name);
	free(b->exit_time.reasons);
	b->exit_time.reasons = NULL;
	b->exit_time.reason_count = 0;
}
