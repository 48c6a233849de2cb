/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What machine this is (`vmprobe info`, and "host" in result files): the
 * hypervisor from CPUID, DMI, /sys/hypervisor and /proc/cpuinfo, the TSC,
 * the PMU, the module; and a best guess at the VMM with the evidence.
 */
#ifndef VMPROBE_HOSTINFO_H
#define VMPROBE_HOSTINFO_H

#include <stdbool.h>
#include <time.h>
#include <stdio.h>

#include <json-c/json.h>
#include <uapi/vmprobe.h>

#include "tsc.h"

#define HOSTINFO_STR	128
#define HOSTINFO_EVIDENCE	8

struct hostinfo {
	bool cpuid_hypervisor_bit;		/* CPUID.1:ECX[31] */
	char hypervisor_signature[16];		/* CPUID 0x40000000 ebx,ecx,edx */
	char cpu_vendor[16];
	char cpu_signature[48];		/* CPUID 1: "family F model M stepping S" (display values) */
	char cpu_model[HOSTINFO_STR];
	int online_cpus;
	char sys_vendor[HOSTINFO_STR], product_name[HOSTINFO_STR], bios_vendor[HOSTINFO_STR];
	bool uml;				/* /proc/cpuinfo model name "UML" */
	char xen_type[32], xen_guest_type[32];	/* /sys/hypervisor/{type,guest_type} */
	char kernel_release[HOSTINFO_STR];
	char clocksource[32];
	int vdso_clock_gettime;			/* 1: served by the vDSO, 0: a syscall, -1: unknown */
	bool constant_tsc, nonstop_tsc, tsc_reliable, tsc_known_freq, rdtscp;
	struct tsc_clock tsc;
	bool pmu_available;
	char pmu_reason[HOSTINFO_STR];
	bool module_present, module_open;
	char module_reason[HOSTINFO_STR];
	struct vmprobe_info module_info;
	/* Other witnesses of the hypervisor, read where this kernel lets us. */
	char cpuid_signatures[HOSTINFO_STR];	/* every signature in 0x40000000..0x4000ff00, "LEAF:SIG; ..." */
	char kernel_hypervisor[32];		/* the kernel log's "Hypervisor detected: X" */
	char kernel_words[HOSTINFO_STR];	/* its line saying how it runs (pvm-pv, "Booting paravirtualized") */
	char kernel_log_reason[64];		/* why the log could not be read, else "" */
	char acpi_oem_id[8], acpi_oem_table_id[12];	/* the FADT's header */
	/* host kvm pvm qemu-tcg xen-pv xen-hvm bochs uml vmware hyperv bhyve acrn jailhouse unknown */
	char vmm[16];
	char vmm_monitor[32];			/* the VMM's user-space part: firecracker, qemu... or "" */
	char vmm_stack[64];			/* vmm, and " under " monitor where known */
	char evidence[HOSTINFO_EVIDENCE][256];
	int nevidence;
};

/*
 * Gathers everything. devfd: an open /dev/vmprobe or -1 (then it tries to
 * open it itself, to report why not). The TSC frequency comes from
 * tsc_frequency() unless tsc is given (the run's own, so both agree).
 */
void hostinfo_gather(struct hostinfo *hi, int devfd, const struct tsc_clock *tsc);

/*
 * Whether clock_gettime(CLOCK) reaches the kernel: a child
 * process under a seccomp filter that fails that syscall with an odd errno
 * calls it through libc. 1: no syscall (the vDSO served it), 0: a syscall
 * (the clocksource has no vDSO mode, or no vDSO), -1: cannot tell (no
 * seccomp, no fork).
 */
int hostinfo_vdso_clock_gettime(clockid_t clock);

/*
 * The kernel's clocksource in use now ("tsc", "xen", ...); "" when unreadable.
 * VMPROBE_CLOCKSOURCE_FILE names another file to read it from (the tests).
 */
void hostinfo_clocksource(char *buf, size_t len);

/* Sets hi->vmm and hi->evidence from the fields gathered (exposed for the unit test). */
void hostinfo_guess_vmm(struct hostinfo *hi);

/* Take the kernel's words on the hypervisor from LOG, the kernel log's text (exposed for the unit test). */
void hostinfo_read_kernel_log(struct hostinfo *hi, const char *log);

/* Take the OEM IDs from an ACPI table's header of LEN bytes (exposed for the unit test). */
void hostinfo_read_acpi_header(struct hostinfo *hi, const unsigned char *hdr, size_t len);

/* The "host" object of a result file. */
json_object *hostinfo_json(const struct hostinfo *hi);

void hostinfo_print(const struct hostinfo *hi, FILE *f);

#endif /* VMPROBE_HOSTINFO_H */
