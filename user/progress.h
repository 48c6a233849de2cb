/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Progress of a run on stderr. On a terminal the line of the row running
 * also says where the run is and about how long is left; in logs, pipes and
 * guest consoles (serial ports, hvc, /dev/console) only the plain lines,
 * "[3/41] stat ... 1292 ns median (...)", as they always were.
 */
#ifndef VMPROBE_PROGRESS_H
#define VMPROBE_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

/* Starts the run's clock; BUDGET_S is the run's time budget (0: unknown). */
void progress_start(double budget_s);

/* Row INDEX (from 0) of TOTAL begins. */
void progress_row_begin(size_t index, size_t total, const char *name);

/* The row ended: the rest of its line (" 12.3 ns median ..."), printf style. */
void progress_row_end(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Seconds left, estimated: the mean time of the rows done so far times the
 * rows still to run, but never more than what the budget leaves (the
 * harness stops rows at their share). NAN when nothing is known yet.
 */
double progress_estimate_left(double elapsed_s, size_t done, size_t total, double budget_s);

/* Whether progress goes to a terminal a person watches (not a serial console, TERM not dumb). */
bool progress_fancy(int fd);

#endif /* VMPROBE_PROGRESS_H */
