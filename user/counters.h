/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf_event counters around the timed region, named through libpfm4.
 * Events that cannot be opened here (no PMU, a VMM without one) are noted
 * once and dropped; the rest keep counting.
 */
#ifndef VMPROBE_COUNTERS_H
#define VMPROBE_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COUNTERS_MAX		32
#define COUNTERS_NAME_LEN	96
#define COUNTERS_REASON_LEN	160

/* The default set: hardware cycles/instructions, split user/kernel, and software events. */
#define COUNTERS_DEFAULT_LIST \
	"cycles,instructions,cycles:u,cycles:k,instructions:u,instructions:k," \
	"perf::TASK-CLOCK,perf::CONTEXT-SWITCHES,perf::PAGE-FAULTS"

struct counter {
	char name[COUNTERS_NAME_LEN];	/* as the user spelled it */
	int fd;				/* -1 when unsupported */
	bool inherit;			/* opened with attr.inherit (for BENCH_FORKS rows) */
	uint32_t type;
	uint64_t config;
	char reason[COUNTERS_REASON_LEN];	/* why it is unsupported */
};

struct counter_set {
	size_t n;
	struct counter ev[COUNTERS_MAX];
	bool reported;		/* unsupported events already said on stderr */
};

/* A reading of every event: scaled value and the time-running share. */
struct counter_values {
	double value[COUNTERS_MAX];
	double scaling[COUNTERS_MAX];	/* time_running / time_enabled, 1 = never multiplexed */
	bool valid[COUNTERS_MAX];
};

/*
 * Splits a comma-separated list of libpfm4 event names into set (no fds
 * opened yet). Returns 0, or -1 with err[] holding libpfm4's message for
 * the first name it does not know (a usage error).
 */
int counters_parse(struct counter_set *set, const char *list, char *err, size_t errlen);

/*
 * Opens every event of set for this task, disabled, inheriting into
 * children when inherit is set (reopens if already open with the other
 * mode). Unsupported events get fd -1 and a reason; the first time, each
 * is said on stderr as "<event>: not supported (reason)".
 */
void counters_open(struct counter_set *set, bool inherit);
void counters_close(struct counter_set *set);

/* Enable/disable every open counter of this task at once (prctl). */
void counters_enable(void);
void counters_disable(void);
void counters_reset(struct counter_set *set);
void counters_read(const struct counter_set *set, struct counter_values *v);

/* Index of the event named name (as spelled in the list), or -1. */
int counters_find(const struct counter_set *set, const char *name);
/* Whether any event of set is open. */
bool counters_any_open(const struct counter_set *set);

#endif /* VMPROBE_COUNTERS_H */
