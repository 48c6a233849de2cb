// SPDX-License-Identifier: GPL-2.0
/*
 * The sensitive instructions that need no privilege (HyperBench's set):
 * sgdt, sidt, sldt, str, smsw read system state, and pushf/popf touch the
 * interrupt flag. x86 lets user mode run them without a trap, which is why
 * the 2005 study's VMware had to find them by binary translation; an
 * emulator (QEMU TCG, Bochs) translates every instruction anyway. Where
 * the CPU has UMIP and the kernel turns it on, sgdt, sidt, sldt, str and
 * smsw fault instead, and Linux emulates sgdt, sidt and smsw for the
 * program (dummy values), so each op is a trap into the guest kernel; it
 * does not emulate sldt and str for 64-bit programs, which then get
 * SIGSEGV: valid() runs the instruction once in a child first, so the row
 * is skipped with that reason, never a crash. One op = one instruction
 * (pushf-popf: the pair).
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "util.h"

struct __attribute__((packed)) table_reg {
	uint16_t limit;
	uint64_t base;
};

static volatile uint64_t sensitive_sink;

/* One op of each; the result kept so that the compiler cannot drop it. */
static inline uint64_t op_sgdt(void)
{
	struct table_reg r;

	__asm__ __volatile__("sgdt %0" : "=m"(r));
	return r.limit;
}

static inline uint64_t op_sidt(void)
{
	struct table_reg r;

	__asm__ __volatile__("sidt %0" : "=m"(r));
	return r.limit;
}

static inline uint64_t op_sldt(void)
{
	uint16_t sel;

	__asm__ __volatile__("sldt %0" : "=m"(sel));
	return sel;
}

static inline uint64_t op_str(void)
{
	uint16_t sel;

	__asm__ __volatile__("str %0" : "=m"(sel));
	return sel;
}

static inline uint64_t op_smsw(void)
{
	uint16_t msw;

	__asm__ __volatile__("smsw %0" : "=m"(msw));
	return msw;
}

static inline uint64_t op_pushf_popf(void)
{
	uint64_t flags;

	__asm__ __volatile__("pushfq\n\tmov (%%rsp), %0\n\tpopfq" : "=r"(flags) :: "memory", "cc");
	return flags;
}

/* The loop and the once-in-a-child check, one pair per instruction. */
#define SENSITIVE_ROW(op)								\
	static int op##_run(struct bench_state *st, uint64_t n)				\
	{										\
		uint64_t acc = 0;							\
											\
		for (uint64_t i = 0; i < n; i++)					\
			acc += op_##op();						\
		sensitive_sink = acc;							\
		return 0;								\
	}										\
	static void op##_once(void)							\
	{										\
		sensitive_sink = op_##op();						\
	}

SENSITIVE_ROW(sgdt)
SENSITIVE_ROW(sidt)
SENSITIVE_ROW(sldt)
SENSITIVE_ROW(str)
SENSITIVE_ROW(smsw)
SENSITIVE_ROW(pushf_popf)

/* Whether the kernel says UMIP is in use here (the cpuinfo flag: the CPU has it and it is on). */
static int umip_on(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	int on = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5)) {
			on = strstr(line, " umip") != NULL;
			break;
		}
	fclose(f);
	return on;
}

/* Runs ONCE in a child: 1 when it returned, 0 with why[] when a signal ended it. */
static int survives(void (*once)(void), const char *name, char *why, size_t whylen)
{
	int status;
	pid_t child = fork();

	if (child < 0) {
		snprintf(why, whylen, "fork for the %s check failed", name);
		return 0;
	}
	if (child == 0) {
		once();
		_exit(0);
	}
	if (util_waitpid(child, &status, 0) != child) {
		snprintf(why, whylen, "waitpid for the %s check failed", name);
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 1;
	snprintf(why, whylen, "%s in user mode %s%s", name,
		 WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "did not return",
		 umip_on() ? ": UMIP is on, and this kernel does not emulate it for 64-bit programs" : "");
	return 0;
}

#define SENSITIVE_BENCH(op, row, umip_covers, what)					\
	static int op##_valid(const struct bench_state *st, char *why, size_t whylen)	\
	{										\
		return survives(op##_once, row, why, whylen);				\
	}										\
	static int op##_setup(struct bench_state *st)					\
	{										\
		snprintf(st->msg, sizeof(st->msg), "%s", !(umip_covers)		\
			 ? "no CPU feature traps it: only a VMM that translates or"	\
			   " emulates sees it"						\
			 : umip_on()							\
			 ? "UMIP on: each op faults into the kernel, which emulates it"	\
			 : "UMIP off here: the instruction runs unprivileged, trapped only"	\
			   " by a VMM that translates or emulates");			\
		return 0;								\
	}										\
	const struct bench bench_##op = {						\
		.name = row,								\
		.group = "micro",							\
		.panel = "kernel",							\
		.summary = what,							\
		.unit = "instruction",							\
		.valid = op##_valid,							\
		.setup = op##_setup,							\
		.run = op##_run,							\
	}

SENSITIVE_BENCH(sgdt, "sgdt", 1, "user-mode SGDT: sensitive, unprivileged (binary translation must catch it)");
SENSITIVE_BENCH(sidt, "sidt", 1, "user-mode SIDT: sensitive, unprivileged");
SENSITIVE_BENCH(sldt, "sldt", 1, "user-mode SLDT: sensitive, unprivileged");
SENSITIVE_BENCH(str, "str", 1, "user-mode STR: sensitive, unprivileged");
SENSITIVE_BENCH(smsw, "smsw", 1, "user-mode SMSW: sensitive, unprivileged");
SENSITIVE_BENCH(pushf_popf, "pushf-popf", 0, "user-mode PUSHF/POPF pair: the interrupt flag, unprivileged");
