// SPDX-License-Identifier: GPL-2.0
/* perf_event counters, event names encoded by libpfm4. */
#include <errno.h>
#include <linux/perf_event.h>
#include <perfmon/pfmlib_perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "counters.h"

static int pfm_ready(char *err, size_t errlen)
{
	static int status = 1;	/* 1 = not tried yet */

	if (status == 1)
		status = pfm_initialize();
	if (status != PFM_SUCCESS) {
		snprintf(err, errlen, "libpfm4 initialisation failed: %s", pfm_strerror(status));
		return -1;
	}
	return 0;
}

/* libpfm4's perf_event encoding of name; 0 or a PFM_ERR_* code. */
static int encode(const char *name, struct perf_event_attr *attr)
{
	pfm_perf_encode_arg_t arg;

	memset(attr, 0, sizeof(*attr));
	memset(&arg, 0, sizeof(arg));
	arg.attr = attr;
	arg.size = sizeof(arg);
	return pfm_get_os_event_encoding(name, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg);
}

int counters_parse(struct counter_set *set, const char *list, char *err, size_t errlen)
{
	char buf[4096], *save = NULL, *tok;
	struct perf_event_attr attr;

	memset(set, 0, sizeof(*set));
	if (pfm_ready(err, errlen))
		return -1;
	if (strlen(list) >= sizeof(buf)) {
		snprintf(err, errlen, "event list too long");
		return -1;
	}
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct counter *c;
		int ret;

		if (set->n == COUNTERS_MAX) {
			snprintf(err, errlen, "more than %d events", COUNTERS_MAX);
			return -1;
		}
		if (strlen(tok) >= COUNTERS_NAME_LEN) {
			snprintf(err, errlen, "event name too long: %.40s...", tok);
			return -1;
		}
		ret = encode(tok, &attr);
		/*
		 * Without perf_events in the kernel (UML) libpfm4 detects no PMU
		 * and answers "not supported" for every name, known or not: the
		 * event is noted as unsupported, not refused.
		 */
		if (ret != PFM_SUCCESS && ret != PFM_ERR_NOTSUPP) {
			snprintf(err, errlen, "event '%s': %s", tok, pfm_strerror(ret));
			return -1;
		}
		if (counters_find(set, tok) >= 0)
			continue;
		c = &set->ev[set->n++];
		strcpy(c->name, tok);
		c->fd = -1;
		c->type = attr.type;
		c->config = attr.config;
		if (ret == PFM_ERR_NOTSUPP)
			snprintf(c->reason, sizeof(c->reason),
				 "libpfm4 cannot encode it here: %s%s", pfm_strerror(ret),
				 access("/proc/sys/kernel/perf_event_paranoid", F_OK)
				 ? " (no perf_events in this kernel)" : "");
	}
	if (set->n == 0) {
		snprintf(err, errlen, "empty event list");
		return -1;
	}
	return 0;
}

static const char *open_error_reason(int err, const struct counter *c)
{
	switch (err) {
	case ENOENT:
	case EOPNOTSUPP:
		return c->type == PERF_TYPE_HARDWARE || c->type == PERF_TYPE_RAW ||
		       c->type == PERF_TYPE_HW_CACHE
			? "no hardware PMU available to this kernel" : "event not available";
	case EACCES:
	case EPERM:
		return "permission denied (kernel.perf_event_paranoid)";
	case ENOSYS:
		return "kernel without perf_event support";
	case EINVAL:
		return "event or modifier rejected by the kernel";
	default:
		return NULL;
	}
}

void counters_open(struct counter_set *set, bool inherit)
{
	for (size_t i = 0; i < set->n; i++) {
		struct counter *c = &set->ev[i];
		struct perf_event_attr attr;
		const char *why;
		int err;

		if (c->fd >= 0 && c->inherit == inherit)
			continue;
		if (c->fd >= 0) {
			close(c->fd);
			c->fd = -1;
		}
		if (c->reason[0])	/* failed before: it will fail again */
			continue;
		if (encode(c->name, &attr) != PFM_SUCCESS)
			continue;	/* parse checked it; cannot happen */
		attr.size = sizeof(attr);
		attr.disabled = 1;
		attr.inherit = inherit;
		attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
		c->fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
		c->inherit = inherit;
		if (c->fd >= 0)
			continue;
		err = errno;
		why = open_error_reason(err, c);
		if (why)
			snprintf(c->reason, sizeof(c->reason), "%s: perf_event_open: %s",
				 why, strerror(err));
		else
			snprintf(c->reason, sizeof(c->reason), "perf_event_open: %s",
				 strerror(err));
	}
	if (!set->reported) {
		for (size_t i = 0; i < set->n; i++)
			if (set->ev[i].fd < 0 && set->ev[i].reason[0])
				fprintf(stderr, "vmprobe: %s: not supported (%s)\n",
					set->ev[i].name, set->ev[i].reason);
		set->reported = true;
	}
}

void counters_close(struct counter_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->ev[i].fd >= 0) {
			close(set->ev[i].fd);
			set->ev[i].fd = -1;
		}
}

void counters_enable(void)
{
	prctl(PR_TASK_PERF_EVENTS_ENABLE, 0, 0, 0, 0);
}

void counters_disable(void)
{
	prctl(PR_TASK_PERF_EVENTS_DISABLE, 0, 0, 0, 0);
}

void counters_reset(struct counter_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->ev[i].fd >= 0)
			ioctl(set->ev[i].fd, PERF_EVENT_IOC_RESET, 0);
}

void counters_read(const struct counter_set *set, struct counter_values *v)
{
	memset(v, 0, sizeof(*v));
	for (size_t i = 0; i < set->n; i++) {
		uint64_t buf[3];	/* value, time_enabled, time_running */

		if (set->ev[i].fd < 0 || read(set->ev[i].fd, buf, sizeof(buf)) != sizeof(buf))
			continue;
		v->valid[i] = true;
		if (buf[2] == 0) {	/* never scheduled: nothing counted */
			v->value[i] = 0;
			v->scaling[i] = buf[1] ? 0 : 1;
			continue;
		}
		v->scaling[i] = (double)buf[2] / (double)buf[1];
		v->value[i] = (double)buf[0] * ((double)buf[1] / (double)buf[2]);
	}
}

int counters_find(const struct counter_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->ev[i].name, name) == 0)
			return (int)i;
	return -1;
}

bool counters_any_open(const struct counter_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->ev[i].fd >= 0)
			return true;
	return false;
}
