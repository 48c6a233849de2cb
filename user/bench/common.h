/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the benchmarks in user/bench/: error messages
 * into st->msg, the temporary file the file-system rows work on, and
 * reaping a child process on every exit path.
 */
#ifndef VMPROBE_BENCH_COMMON_H
#define VMPROBE_BENCH_COMMON_H

#include <sched.h>

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include <limits.h>

#include "bench.h"

/* Formats st->msg and returns -1, so a failure is one `return bench_fail(...)`. */
int bench_fail(struct bench_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Same, with ": strerror(errno)" appended (errno read before formatting). */
int bench_fail_errno(struct bench_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* valid() helper for rows that talk to /dev/vmprobe. */
int bench_needs_module(const struct bench_state *st, char *why, size_t whylen);

/*
 * Creates a temporary file of `len` bytes in $TMPDIR (else /tmp), byte i
 * holding bench_file_byte(i), and reads it once so it sits in the page
 * cache. Returns an fd open O_RDWR and writes the path to path[pathlen];
 * -1 with st->msg set on failure (nothing left behind).
 */
int bench_make_file(struct bench_state *st, size_t len, char *path, size_t pathlen);

/* A benchmark's state that starts with a temporary file (stat, open-close). */
struct bench_file {
	int fd;
	char path[PATH_MAX];
};

/*
 * Sets st->priv to priv_size zeroed bytes whose first member is a struct
 * bench_file holding a fresh temporary file of len bytes (bench_make_file).
 * 0, or -1 with st->msg set and nothing left behind.
 */
int bench_file_setup(struct bench_state *st, size_t priv_size, size_t len);

/* Closes and removes the file, frees st->priv. */
void bench_file_teardown(struct bench_state *st);

/* The content of the temporary file at offset i. */
static inline unsigned char bench_file_byte(size_t i)
{
	return (unsigned char)(i * 131u + 7u);
}

/*
 * Ignores SIGPIPE while a benchmark writes to a pipe whose reader may have
 * died, so a write fails with EPIPE instead of killing vmprobe; the old
 * action goes to *old for bench_restore_sigpipe.
 */
int bench_ignore_sigpipe(struct sigaction *old);
void bench_restore_sigpipe(const struct sigaction *old);

/*
 * A CPU other than NOT for a partner task: the first in ALLOWED (our mask
 * before pinning), else any online one (the harness pinned us to one CPU
 * with --cpu: the partner goes elsewhere); -1 if there is none.
 */
int bench_other_cpu(const cpu_set_t *allowed, int not);

/*
 * Pins the caller to the CPU it runs on (*cpu, -1 if unknown: then not
 * pinned), its CPUs before in *saved to restore with sched_setaffinity.
 * 0 done; -1 *saved could not be read (errno; nothing changed); 1 *saved
 * read but the pinning failed (errno).
 */
int bench_pin_here(cpu_set_t *saved, int *cpu);

/* Kills (SIGKILL) and reaps a child; safe on pid <= 0. */
void bench_kill_child(pid_t *pid);

#endif /* VMPROBE_BENCH_COMMON_H */
