/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmocka 1.1's float assertion works in single precision: the
 * tests compare doubles with this. Include after <cmocka.h>; every unit
 * test uses it, never assert_float_equal (0.96484375 + 5e-8 passes that
 * one at a "1e-12" tolerance).
 */
#ifndef VMPROBE_TEST_ASSERT_NEAR_H
#define VMPROBE_TEST_ASSERT_NEAR_H

#include <math.h>

#define assert_double_equal(actual, expected, tolerance) \
	assert_near((actual), (expected), (tolerance), #actual, __FILE__, __LINE__)

static void assert_near(double actual, double expected, double tolerance, const char *what,
			const char *file, int line)
{
	if (fabs(actual - expected) <= tolerance)
		return;
	print_error("%s = %.17g, expected %.17g (tolerance %g)\n", what, actual, expected,
		    tolerance);
	_fail(file, line);
}

#endif
