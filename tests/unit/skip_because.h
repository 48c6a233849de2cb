/* SPDX-License-Identifier: GPL-2.0 */
/*
 * skip_because(FMT, ...): skip the current cmocka test and say why. cmocka
 * 1.1 prints a skip as "not ok N # SKIP <test name>", without a reason; the
 * line "skipped: REASON" printed just before it is what tests/10-unit.t
 * reports as the skip's reason (and it turns the "not ok" into a skip).
 * Include after <cmocka.h>.
 */
#ifndef VMPROBE_TEST_SKIP_BECAUSE_H
#define VMPROBE_TEST_SKIP_BECAUSE_H

#define skip_because(...)                             \
	do {                                          \
		print_message("skipped: " __VA_ARGS__); \
		print_message("\n");                  \
		skip();                               \
	} while (0)

#endif
