// SPDX-License-Identifier: GPL-2.0
/* Which machine each result file ran on, and what sets two apart. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compare_machine.h"

/* Appends "; WHAT A vs B" when the two strings differ (both known). */
static void differ_str(char *buf, size_t len, const char *what, const char *a, const char *b)
{
	size_t used = strlen(buf);

	if (!a || !b || !strcmp(a, b) || used >= len)
		return;
	snprintf(buf + used, len - used, "%s%s \"%s\" vs \"%s\"", used ? "; " : "", what, a, b);
}

bool compare_machine_differs(const struct rio_result *base, const struct rio_result *other,
			     char *buf, size_t len)
{
	const struct rio_machine *a = &base->machine, *b = &other->machine;
	size_t used;

	buf[0] = '\0';
	if (!a->recorded || !b->recorded)
		return false;
	differ_str(buf, len, "hypervisor", a->vmm_stack, b->vmm_stack);
	differ_str(buf, len, "cpu", a->cpu_model, b->cpu_model);
	differ_str(buf, len, "cpu signature", a->cpu_signature, b->cpu_signature);
	used = strlen(buf);
	if (isfinite(a->tsc_hz) && isfinite(b->tsc_hz) &&
	    fabs(b->tsc_hz / a->tsc_hz - 1) > COMPARE_MACHINE_TSC_TOLERANCE && used < len)
		snprintf(buf + used, len - used, "%sTSC %.3f vs %.3f GHz", used ? "; " : "",
			 a->tsc_hz / 1e9, b->tsc_hz / 1e9);
	used = strlen(buf);
	if (isfinite(a->online_cpus) && isfinite(b->online_cpus) && a->online_cpus != b->online_cpus &&
	    used < len)
		snprintf(buf + used, len - used, "%s%.0f vs %.0f CPUs", used ? "; " : "", a->online_cpus,
			 b->online_cpus);
	differ_str(buf, len, "kernel", a->kernel_release, b->kernel_release);
	return buf[0] != '\0';
}

const char *compare_machine_unknown(const struct rio_result *r, char *buf, size_t len)
{
	if (r->machine.recorded)
		return NULL;
	snprintf(buf, len, "does not record the machine its VMM ran on (no \"machine\": made before"
		 " run-vmm wrote it, or not by run-vmm); its own view: %s, cpu \"%s\"",
		 r->machine.vmm_stack ? r->machine.vmm_stack : "unknown",
		 r->machine.cpu_model ? r->machine.cpu_model : "unknown");
	return buf;
}

const char *compare_machine_load_note(const struct rio_result *r, double *load_max,
				      char *buf, size_t len)
{
	double top = NAN, cpus = r->machine.online_cpus;
	size_t loaded = 0, boots = rio_boot_count(r);

	for (size_t k = 0; k < boots; k++) {
		double l = rio_boot(r, k)->host_load_max;

		if (isnan(l))
			continue;
		if (isnan(top) || l > top)
			top = l;
		if (isfinite(cpus) && l > cpus + COMPARE_MACHINE_LOAD_MARGIN)
			loaded++;
	}
	if (load_max)
		*load_max = top;
	if (!loaded)
		return NULL;
	snprintf(buf, len, "ran on a loaded host: load average up to %.1f on its %.0f CPUs in %zu of"
		 " %zu boots, so its real-time figures include waiting for a CPU%s; the VMM's host CPU"
		 " per op (--wide) does not", top, cpus, loaded, boots,
		 rio_ticks_are_instructions(r) ? " (its guest figures count instructions and do not"
		 " move with it)" : "");
	return buf;
}

const char *compare_machine_note(const struct rio_result *base, const struct rio_result *file,
				 char *buf, size_t len)
{
	char diff[384];

	if (compare_machine_differs(base, file, diff, sizeof(diff))) {
		snprintf(buf, len, "ran on another machine than %s (%s): its ratios mix the VMM's cost"
			 " with the machines' difference, and so does its geometric mean", base->label, diff);
		return buf;
	}
	return compare_machine_unknown(file, buf, len);
}
