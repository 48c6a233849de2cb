// SPDX-License-Identifier: GPL-2.0
/*
 * The TSC frequency (user/tsc.c): each source on known inputs (a module
 * INFO answer, a tsc_freq_khz file, a table of cpuid leaves, a pair of
 * clock readings) must give exactly the frequency they encode, and
 * tsc_frequency_from() must take the first source that answers, in the
 * order module, sysfs, cpuid, calibration. Every time in vmprobe's output
 * is ticks divided by this figure: an error here is an error everywhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "assert_near.h"
#include "kmodif.h"
#include "tsc.h"

/* ---- a fake cpuid: a table of leaves, zeros for any other ------------- */

struct leaf {
	unsigned leaf, regs[4];
};

static const struct leaf *leaves;
static size_t nleaves;

static void fake_cpuid(unsigned leaf, unsigned regs[4])
{
	memset(regs, 0, 4 * sizeof(regs[0]));
	for (size_t i = 0; i < nleaves; i++)
		if (leaves[i].leaf == leaf)
			memcpy(regs, leaves[i].regs, 4 * sizeof(regs[0]));
}

#define USE_LEAVES(table) (leaves = (table), nleaves = sizeof(table) / sizeof((table)[0]))

#define HYPERVISOR_BIT (1u << 31)	/* cpuid 1 ecx */

/* A bare-metal Intel part: crystal 24 MHz, TSC = 24 MHz * 188 / 2 = 2.256 GHz. */
static const struct leaf intel_0x15[] = {
	{ 0, { 0x16, 0, 0, 0 } },
	{ 0x15, { 2, 188, 24000000, 0 } },
	{ 0x16, { 2200, 4000, 100, 0 } },
};

/* A KVM guest: 0x15 without the crystal, the timing leaf 0x40000010 in kHz. */
static const struct leaf kvm_guest[] = {
	{ 0, { 0x16, 0, 0, 0 } },
	{ 1, { 0, 0, HYPERVISOR_BIT, 0 } },
	{ 0x15, { 2, 188, 0, 0 } },
	{ 0x16, { 2600, 0, 0, 0 } },
	{ 0x40000000, { 0x40000010, 0, 0, 0 } },
	{ 0x40000010, { 2593906, 1000000, 0, 0 } },
};

/* The same leaves on bare metal (no hypervisor bit): 0x40000010 is not ours to read. */
static const struct leaf no_hypervisor[] = {
	{ 0, { 0x16, 0, 0, 0 } },
	{ 1, { 0, 0, 0, 0 } },
	{ 0x16, { 2600, 0, 0, 0 } },
	{ 0x40000000, { 0x40000010, 0, 0, 0 } },
	{ 0x40000010, { 2593906, 0, 0, 0 } },
};

/*
 * An older part whose highest leaf is 0xd: leaves above it answer with
 * whatever the CPU returns there (here plausible 0x15/0x16 values), which
 * must not be read.
 */
static const struct leaf old_part[] = {
	{ 0, { 0xd, 0, 0, 0 } },
	{ 0x15, { 2, 188, 24000000, 0 } },
	{ 0x16, { 2200, 0, 0, 0 } },
};

static const struct leaf nothing[] = {
	{ 0, { 0xd, 0, 0, 0 } },
};

static void cpuid_leaf_0x15(void **state)
{
	struct tsc_clock clk = { 0 };

	USE_LEAVES(intel_0x15);
	assert_int_equal(tsc_from_cpuid(&clk, fake_cpuid), 0);
	assert_double_equal(clk.hz, 2256000000.0, 0);
	assert_int_equal(clk.source, TSC_HZ_CPUID);
	assert_string_equal(clk.detail, "cpuid 0x15: crystal 24000000 Hz * 188 / 2");
}

static void cpuid_hypervisor_leaf(void **state)
{
	struct tsc_clock clk = { 0 };

	USE_LEAVES(kvm_guest);
	assert_int_equal(tsc_from_cpuid(&clk, fake_cpuid), 0);
	assert_double_equal(clk.hz, 2593906000.0, 0);
	assert_string_equal(clk.detail, "cpuid 0x40000010: 2593906 kHz");
}

static void cpuid_base_mhz_last(void **state)
{
	struct tsc_clock clk = { 0 };

	USE_LEAVES(no_hypervisor);
	assert_int_equal(tsc_from_cpuid(&clk, fake_cpuid), 0);
	assert_double_equal(clk.hz, 2600000000.0, 0);
	assert_string_equal(clk.detail, "cpuid 0x16 base frequency 2600 MHz");
}

static void cpuid_leaves_above_max_unread(void **state)
{
	struct tsc_clock clk = { .hz = -1 };

	USE_LEAVES(old_part);
	assert_int_equal(tsc_from_cpuid(&clk, fake_cpuid), -1);
	assert_double_equal(clk.hz, -1, 0);	/* untouched */
	USE_LEAVES(nothing);
	assert_int_equal(tsc_from_cpuid(&clk, fake_cpuid), -1);
}

/* ---- the module's INFO answer ------------------------------------------- */

static void module_calibration_first(void **state)
{
	struct vmprobe_info info = { .calib_tsc_khz = 2994373, .tsc_khz = 2994370,
				     .calib_error_ppm = 1 };
	struct tsc_clock clk = { 0 };

	assert_int_equal(tsc_from_module(&clk, &info), 0);
	assert_double_equal(clk.hz, 2994373000.0, 0);
	assert_int_equal(clk.source, TSC_HZ_MODULE);
	assert_string_equal(clk.detail, "module calib_tsc_khz 2994373 (kernel tsc_khz 2994370, 1 ppm)");

	info.calib_tsc_khz = 0;	/* no calibration: the kernel's tsc_khz */
	assert_int_equal(tsc_from_module(&clk, &info), 0);
	assert_double_equal(clk.hz, 2994370000.0, 0);
	assert_string_equal(clk.detail, "module: kernel tsc_khz 2994370");

	info.tsc_khz = 0;
	clk.hz = -1;
	assert_int_equal(tsc_from_module(&clk, &info), -1);
	assert_int_equal(tsc_from_module(&clk, NULL), -1);
	assert_double_equal(clk.hz, -1, 0);
}

/* ---- a tsc_freq_khz file ----------------------------------------------------- */

static char dir[] = "/tmp/vmprobe-test-tsc.XXXXXX";

static const char *khz_file(const char *name, const char *text)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void sysfs_file(void **state)
{
	struct tsc_clock clk = { 0 };

	assert_int_equal(tsc_from_sysfs(&clk, khz_file("good", "2593906\n")), 0);
	assert_double_equal(clk.hz, 2593906000.0, 0);
	assert_int_equal(clk.source, TSC_HZ_SYSFS);
	assert_string_equal(clk.detail, "tsc_freq_khz 2593906");

	clk.hz = -1;
	assert_int_equal(tsc_from_sysfs(&clk, khz_file("zero", "0\n")), -1);
	assert_int_equal(tsc_from_sysfs(&clk, khz_file("text", "unknown\n")), -1);
	assert_int_equal(tsc_from_sysfs(&clk, khz_file("empty", "")), -1);
	assert_int_equal(tsc_from_sysfs(&clk, "/nonexistent/tsc_freq_khz"), -1);
	assert_double_equal(clk.hz, -1, 0);
}

/* ---- calibration arithmetic ------------------------------------------------- */

static void rate_of_two_readings(void **state)
{
	/* 300 million ticks over 100 ms: 3 GHz; a 5% error would be 150 MHz. */
	assert_double_equal(tsc_hz_between(1000, 5000, 1000 + 300000000ull, 5000 + 100000000ull),
			    3e9, 0);
	assert_double_equal(tsc_hz_between(7, 0, 7 + 2593906, 1000000), 2593906000.0, 1e-3);
	assert_double_equal(tsc_hz_between(1000, 5000, 999, 6000), 0, 0);	/* TSC back */
	assert_double_equal(tsc_hz_between(1000, 5000, 2000, 5000), 0, 0);	/* no time */
}

/* ---- the choice: the first source that answers -------------------------------- */

static unsigned calibrated_ms;

static double fake_calibrate(unsigned ms)
{
	calibrated_ms = ms;
	return 3.1e9;
}

static double failed_calibrate(unsigned ms)
{
	return 0;
}

static void choice_in_order(void **state)
{
	struct vmprobe_info info = { .calib_tsc_khz = 2994373, .tsc_khz = 2994370 };
	struct vmprobe_info empty = { 0 };
	struct tsc_inputs in = { .module = &info, .sysfs_path = khz_file("choice", "2593906\n"),
				 .cpuid = fake_cpuid, .calibrate = fake_calibrate, .calib_ms = 77 };
	struct tsc_clock clk;

	USE_LEAVES(intel_0x15);
	calibrated_ms = 0;
	assert_int_equal(tsc_frequency_from(&clk, &in), 0);
	assert_int_equal(clk.source, TSC_HZ_MODULE);
	assert_double_equal(clk.hz, 2994373000.0, 0);

	in.module = &empty;	/* a module that knows no frequency: the next source */
	assert_int_equal(tsc_frequency_from(&clk, &in), 0);
	assert_int_equal(clk.source, TSC_HZ_SYSFS);
	assert_double_equal(clk.hz, 2593906000.0, 0);

	in.module = NULL;
	in.sysfs_path = "/nonexistent/tsc_freq_khz";
	assert_int_equal(tsc_frequency_from(&clk, &in), 0);
	assert_int_equal(clk.source, TSC_HZ_CPUID);
	assert_double_equal(clk.hz, 2256000000.0, 0);
	assert_int_equal(calibrated_ms, 0);	/* not calibrated while a source answers */

	USE_LEAVES(nothing);
	assert_int_equal(tsc_frequency_from(&clk, &in), 0);
	assert_int_equal(clk.source, TSC_HZ_CALIBRATED);
	assert_double_equal(clk.hz, 3.1e9, 0);
	assert_int_equal(calibrated_ms, 77);
	assert_string_equal(clk.detail, "counted against CLOCK_MONOTONIC_RAW over 77 ms");

	in.calibrate = failed_calibrate;
	assert_int_equal(tsc_frequency_from(&clk, &in), -1);
	assert_int_equal(clk.source, TSC_HZ_NONE);
	assert_double_equal(clk.hz, 0, 0);
	assert_non_null(strstr(clk.detail, "calibration"));
}

static int make_dir(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	static const char *const names[] = { "good", "zero", "text", "empty", "choice" };
	char path[160];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cpuid_leaf_0x15),
		cmocka_unit_test(cpuid_hypervisor_leaf),
		cmocka_unit_test(cpuid_base_mhz_last),
		cmocka_unit_test(cpuid_leaves_above_max_unread),
		cmocka_unit_test(module_calibration_first),
		cmocka_unit_test(sysfs_file),
		cmocka_unit_test(rate_of_two_readings),
		cmocka_unit_test(choice_in_order),
	};

	return cmocka_run_group_tests_name("tsc", tests, make_dir, remove_dir);
}
