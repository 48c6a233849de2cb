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
		{ "Microsoft Hv", "hyperv" }, { "ACRNACRNACRN", "acrn" },
		{ "bhyve bhyve ", "bhyve" }, { "NoSuchVMM", "unknown" },
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

/* The kernel log of the PVM machine under the project (2026-12), as klogctl gives it. */
static const char pvm_log[] =
	"<6>[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
	"<6>[    0.000000] Hypervisor detected: PVM\n"
	"<6>[    0.000024] pvm-pv: running under PVM (pv-lite)\n"
	"<6>[    0.000025] pvm-pv: boot vIF registered from x86_64_start_kernel (gpa 0x38f4000)\n";

/* Its FADT's header: signature, length, revision, checksum, then the OEM IDs. */
static const unsigned char firecracker_fadt[36] = "FACP" "\x14\x01\0\0" "\x06\x00" "FIRECK" "FCVMFADT";

/* CPUID says bhyve, the kernel PVM, the ACPI tables Firecracker: all three are told. */
static void pvm_under_firecracker(void **state)
{
	reset();
	with_signature("bhyve bhyve ");
	hostinfo_read_kernel_log(&hi, pvm_log);
	hostinfo_read_acpi_header(&hi, firecracker_fadt, sizeof(firecracker_fadt));
	assert_string_equal(hi.kernel_hypervisor, "PVM");
	assert_string_equal(hi.kernel_words, "pvm-pv: running under PVM (pv-lite)");
	assert_string_equal(hi.acpi_oem_id, "FIRECK");
	assert_string_equal(hi.acpi_oem_table_id, "FCVMFADT");
	hostinfo_guess_vmm(&hi);
	assert_string_equal(hi.vmm, "pvm");
	assert_string_equal(hi.vmm_monitor, "firecracker");
	assert_string_equal(hi.vmm_stack, "pvm under firecracker");
	assert_true(hi.nevidence == 3);
	assert_non_null(strstr(hi.evidence[0], "Hypervisor detected: PVM"));
	assert_non_null(strstr(hi.evidence[1], "\"bhyve bhyve \" (bhyve)"));
	assert_non_null(strstr(hi.evidence[1], "taken as pvm"));
	assert_non_null(strstr(hi.evidence[2], "FIRECK"));
}

/* Firecracker over KVM (the machine of November): the witnesses agree, nothing to reconcile. */
static void kvm_under_firecracker(void **state)
{
	reset();
	with_signature("KVMKVMKVM");
	hostinfo_read_kernel_log(&hi, "<6>[    0.000000] Hypervisor detected: KVM\n"
				 "<6>[    0.000000] Booting paravirtualized kernel on KVM\n");
	hostinfo_read_acpi_header(&hi, firecracker_fadt, sizeof(firecracker_fadt));
	hostinfo_guess_vmm(&hi);
	assert_string_equal(hi.vmm_stack, "kvm under firecracker");
	assert_string_equal(hi.kernel_words, "Booting paravirtualized kernel on KVM");
	for (int i = 0; i < hi.nevidence; i++)
		assert_null(strstr(hi.evidence[i], "taken as"));
}

/* QEMU's and Bochs's firmware both write ACPI OEM ID "BOCHS": DMI tells them apart. */
static void qemu_and_bochs_by_firmware(void **state)
{
	static const unsigned char bochs_fadt[24] = "FACP\0\0\0\0\0\0BOCHS BXPC    ";

	reset();
	with_signature("TCGTCGTCGTCG");
	hostinfo_read_acpi_header(&hi, bochs_fadt, sizeof(bochs_fadt));
	snprintf(hi.sys_vendor, sizeof(hi.sys_vendor), "QEMU");
	hostinfo_guess_vmm(&hi);
	assert_string_equal(hi.vmm_stack, "qemu-tcg under qemu");

	reset();
	hostinfo_read_acpi_header(&hi, bochs_fadt, sizeof(bochs_fadt));
	snprintf(hi.sys_vendor, sizeof(hi.sys_vendor), "The Bochs Project");
	hostinfo_guess_vmm(&hi);
	assert_string_equal(hi.vmm, "bochs");
	assert_string_equal(hi.vmm_stack, "bochs");

	/* a header too short to hold the IDs is ignored */
	reset();
	hostinfo_read_acpi_header(&hi, bochs_fadt, 20);
	assert_string_equal(hi.acpi_oem_id, "");
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
	/* CPUID 1 in display values: "family F model M stepping S", F at least 3 on any x86 */
	assert_true(json_object_object_get_ex(o, "cpu_signature", &v));
	{
		unsigned f, m, st;

		print_message("# cpu signature: %s\n", json_object_get_string(v));
		assert_int_equal(sscanf(json_object_get_string(v), "family %u model %u stepping %u", &f, &m, &st), 3);
		assert_true(f >= 3 && m <= 255 && st <= 15);
	}
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
		cmocka_unit_test(pvm_under_firecracker),
		cmocka_unit_test(kvm_under_firecracker),
		cmocka_unit_test(qemu_and_bochs_by_firmware),
		cmocka_unit_test(gather_here),
		cmocka_unit_test(vdso_check_sees_a_syscall),
	};

	return cmocka_run_group_tests_name("hostinfo", tests, NULL, NULL);
}
