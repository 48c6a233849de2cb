// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the VMM guess in user/hostinfo.c: what each VMM of the
 * study shows (CPUID signature, DMI, /sys/hypervisor, /proc/cpuinfo, the
 * module's view) and what it must be called; plus the real gathering here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hostinfo.h"
#include "skip_because.h"

static struct hostinfo hi;

static void reset(void)
{
	memset(&hi, 0, sizeof(hi));
}

static void with_signature(const char *sig)
{
	hi.cpuid_hypervisor_bit = true;
	snprintf(hi.hypervisor_signature, sizeof(hi.hypervisor_signature), "%s", sig);
}

static void bare_metal_is_host(void **state)
{
	reset();
	hostinfo_guess_vmm(&hi);
	assert_string_equal(hi.vmm, "host");
	assert_true(hi.nevidence >= 1);
}

static void signatures(void **state)
{
	static const struct { const char *sig, *vmm; } cases[] = {
		{ "KVMKVMKVM", "kvm" }, { "TCGTCGTCGTCG", "qemu-tcg" },
		{ "XenVMMXenVMM", "xen-hvm" }, { "VMwareVMware", "vmware" },
		{ "Microsoft Hv", "hyperv" }, { "ACRNACRNACRN", "unknown" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		reset();
		with_signature(cases[i].sig);
		hostinfo_guess_vmm(&hi);
		assert_string_equal(hi.vmm, cases[i].vmm);
		assert_non_null(strstr(hi.evidence[0], cases[i].sig));
	}
}

/* UML runs on the host's CPU: the host's signature shows through, cpuinfo decides. */
static void uml_beats_the_host_signature(void **state)
{
	reset();
	with_signature("KVMKVMKVM");
	hi.uml = true;
	hostinfo_guess_vmm(&hi);
	assert_string_equal(hi.vmm, "uml");
}

/* A Xen PV domain 0 nested in QEMU TCG sees TCG's CPUID; /sys/hypervisor says Xen. */
static void xen_pv_inside_tcg(void **state)
{
	reset();
	with_signature("TCGTCGTCGTCG");
	snprintf(hi.xen_type, sizeof(hi.xen_type), "xen");
	snprintf(hi.xen_guest_type, sizeof(hi.xen_guest_type), "PV");
	hostinfo_guess_vmm(&hi);
	assert_string_equal(hi.vmm, "xen-pv");

	/* older kernels: no guest_type, the module's view decides */
	hi.xen_guest_type[0] = '\0';
	hi.module_open = true;
	hi.module_info.hypervisor = VMPROBE_HYPER_XEN_PV;
	hostinfo_guess_vmm(&hi);
	assert_string_equal(hi.vmm, "xen-pv");

	hi.module_info.hypervisor = VMPROBE_HYPER_XEN_HVM;
	hostinfo_guess_vmm(&hi);
	assert_string_equal(hi.vmm, "xen-hvm");

	snprintf(hi.xen_guest_type, sizeof(hi.xen_guest_type), "HVM");
	hostinfo_guess_vmm(&hi);
	assert_string_equal(hi.vmm, "xen-hvm");
}

static void bochs_by_dmi(void **state)
{
	reset();
	snprintf(hi.sys_vendor, sizeof(hi.sys_vendor), "The Bochs Project");
	hostinfo_guess_vmm(&hi);
	assert_string_equal(hi.vmm, "bochs");

	/* QEMU with a Bochs-branded BIOS: the TCG signature wins */
	reset();
	with_signature("TCGTCGTCGTCG");
	snprintf(hi.bios_vendor, sizeof(hi.bios_vendor), "Bochs");
	hostinfo_guess_vmm(&hi);
	assert_string_equal(hi.vmm, "qemu-tcg");
}

/* The real thing here: something sensible, and the JSON has it. */
static void gather_here(void **state)
{
	json_object *o, *v;

	tsc_init();
	hostinfo_gather(&hi, -1, NULL);
	print_message("# here: %s (%s)\n", hi.vmm, hi.nevidence ? hi.evidence[0] : "");
	assert_true(hi.vmm[0] != '\0');
	assert_true(hi.online_cpus >= 1);
	assert_true(hi.kernel_release[0] != '\0');
	o = hostinfo_json(&hi);
	assert_true(json_object_object_get_ex(o, "vmm", &v));
	assert_string_equal(json_object_get_string(v), hi.vmm);
	assert_true(json_object_object_get_ex(o, "module", &v));
	assert_true(json_object_object_get_ex(o, "tsc", &v));
	assert_true(json_object_object_get_ex(o, "vdso_clock_gettime", &v));
	json_object_put(o);
}

/*
 * The vDSO check tells a syscall from none: CLOCK_PROCESS_CPUTIME_ID is
 * always a syscall (no vDSO serves it); CLOCK_MONOTONIC is whatever this
 * machine's clocksource gives (printed).
 */
static void vdso_check_sees_a_syscall(void **state)
{
	int cpu = hostinfo_vdso_clock_gettime(CLOCK_PROCESS_CPUTIME_ID);

	if (cpu < 0)
		skip_because("no seccomp filter here: the vDSO check cannot tell");
	assert_int_equal(cpu, 0);
	print_message("# CLOCK_MONOTONIC here: %s\n",
		      hostinfo_vdso_clock_gettime(CLOCK_MONOTONIC) > 0 ? "vDSO" : "syscall");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bare_metal_is_host),
		cmocka_unit_test(signatures),
		cmocka_unit_test(uml_beats_the_host_signature),
		cmocka_unit_test(xen_pv_inside_tcg),
		cmocka_unit_test(bochs_by_dmi),
		cmocka_unit_test(gather_here),
		cmocka_unit_test(vdso_check_sees_a_syscall),
	};

	return cmocka_run_group_tests_name("hostinfo", tests, NULL, NULL);
}
