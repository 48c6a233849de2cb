// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/compare_machine.c: a result file's machine is its
 * "machine" (run-vmm) else its "host"; two recorded machines are told
 * apart by hypervisor, CPU, TSC rate, CPU count and kernel, and a file
 * that records none says so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "compare_machine.h"

/* The two machines under the project: November's KVM one, December's PVM one. */
#define KVM_MACHINE "{\"vmm\":\"kvm\",\"cpu_model\":\"AMD EPYC\",\"online_cpus\":2," \
	"\"kernel_release\":\"6.18.44-fc-v669\",\"tsc\":{\"hz\":2596147838.3}}"
#define PVM_MACHINE "{\"vmm\":\"pvm\",\"vmm_stack\":\"pvm under firecracker\",\"cpu_model\":\"AMD EPYC\"," \
	"\"online_cpus\":2,\"kernel_release\":\"6.18.44-fc-v1272\",\"tsc\":{\"hz\":2095999000.0}}"

static void load(struct rio_result *r, const char *label, const char *host, const char *machine)
{
	char text[2048], err[256];
	struct json_object *root;

	snprintf(text, sizeof(text),
		 "{\"format\":\"vmprobe-result\",\"format_version\":1,\"label\":\"%s\",\"host\":%s%s%s,"
		 "\"clock\":{\"kind\":\"tsc\",\"tsc_hz\":1e9},\"benchmarks\":[]}",
		 label, host, machine ? ",\"machine\":" : "", machine ? machine : "");
	root = json_tokener_parse(text);
	assert_non_null(root);
	assert_int_equal(rio_from_json(root, label, r, err, sizeof(err)), 0);
	json_object_put(root);
}

static void same_machine_says_nothing(void **state)
{
	struct rio_result host, qemu;
	char buf[512];

	load(&host, "host", KVM_MACHINE, KVM_MACHINE);
	load(&qemu, "qemu", "{\"vmm\":\"qemu-tcg\",\"cpu_model\":\"QEMU TCG CPU\"}", KVM_MACHINE);
	assert_true(host.machine.recorded);
	assert_false(compare_machine_differs(&host, &qemu, buf, sizeof(buf)));
	assert_string_equal(buf, "");
	assert_null(compare_machine_note(&host, &qemu, buf, sizeof(buf)));
	rio_free(&host);
	rio_free(&qemu);
}

static void another_machine_is_named(void **state)
{
	struct rio_result host, qemu;
	char buf[512];

	load(&host, "host", KVM_MACHINE, KVM_MACHINE);
	load(&qemu, "qemu", "{\"vmm\":\"qemu-tcg\"}", PVM_MACHINE);
	assert_true(compare_machine_differs(&host, &qemu, buf, sizeof(buf)));
	print_message("# %s\n", buf);
	assert_non_null(strstr(buf, "hypervisor \"kvm\" vs \"pvm under firecracker\""));
	assert_non_null(strstr(buf, "TSC 2.596 vs 2.096 GHz"));
	assert_non_null(strstr(buf, "kernel \"6.18.44-fc-v669\" vs \"6.18.44-fc-v1272\""));
	assert_null(strstr(buf, "cpu \""));	/* the same model name: not a difference */
	assert_null(strstr(buf, "CPUs"));
	assert_non_null(compare_machine_note(&host, &qemu, buf, sizeof(buf)));
	assert_non_null(strstr(buf, "ran on another machine than host"));
	assert_non_null(strstr(buf, "geometric mean"));
	rio_free(&host);
	rio_free(&qemu);
}

/* A TSC calibrated twice on one machine differs by ppm, not by the tolerance. */
static void calibration_noise_is_one_machine(void **state)
{
	struct rio_result a, b;
	char buf[512];

	load(&a, "a", KVM_MACHINE, KVM_MACHINE);
	load(&b, "b", KVM_MACHINE, "{\"vmm\":\"kvm\",\"cpu_model\":\"AMD EPYC\",\"online_cpus\":2,"
	     "\"kernel_release\":\"6.18.44-fc-v669\",\"tsc\":{\"hz\":2596160000.0}}");
	assert_false(compare_machine_differs(&a, &b, buf, sizeof(buf)));
	rio_free(&a);
	rio_free(&b);
}

/* CPUs that name themselves alike are told apart by their CPUID signature, where both files have one. */
static void cpu_signature_tells_alike_cpus_apart(void **state)
{
	struct rio_result a, b;
	char buf[512];

	load(&a, "a", KVM_MACHINE, "{\"vmm\":\"kvm\",\"cpu_model\":\"AMD EPYC\",\"online_cpus\":2,"
	     "\"cpu_signature\":\"family 25 model 17 stepping 1\",\"kernel_release\":\"6.18.44-fc-v669\","
	     "\"tsc\":{\"hz\":2596147838.3}}");
	load(&b, "b", KVM_MACHINE, "{\"vmm\":\"kvm\",\"cpu_model\":\"AMD EPYC\",\"online_cpus\":2,"
	     "\"cpu_signature\":\"family 26 model 2 stepping 1\",\"kernel_release\":\"6.18.44-fc-v669\","
	     "\"tsc\":{\"hz\":2596147838.3}}");
	assert_true(compare_machine_differs(&a, &b, buf, sizeof(buf)));
	assert_string_equal(buf, "cpu signature \"family 25 model 17 stepping 1\" vs \"family 26 model 2 stepping 1\"");
	rio_free(&b);
	/* one side without a signature (files made before it was recorded): not a difference */
	load(&b, "b", KVM_MACHINE, KVM_MACHINE);
	assert_false(compare_machine_differs(&a, &b, buf, sizeof(buf)));
	rio_free(&a);
	rio_free(&b);
}

/* No "machine": the file's own host is its only view, and the table says it is not recorded. */
static void unrecorded_machine_is_said(void **state)
{
	struct rio_result host, mine;
	char buf[512];

	load(&host, "host", KVM_MACHINE, KVM_MACHINE);
	load(&mine, "mine", "{\"vmm\":\"qemu-tcg\",\"cpu_model\":\"QEMU TCG CPU\"}", NULL);
	assert_false(mine.machine.recorded);
	assert_string_equal(mine.machine.vmm_stack, "qemu-tcg");
	assert_false(compare_machine_differs(&host, &mine, buf, sizeof(buf)));
	assert_non_null(compare_machine_note(&host, &mine, buf, sizeof(buf)));
	assert_non_null(strstr(buf, "does not record the machine its VMM ran on"));
	assert_non_null(strstr(buf, "qemu-tcg"));
	rio_free(&host);
	rio_free(&mine);
}

/* A "machine" that is not an object is an input error, not ignored. */
static void bad_machine_is_refused(void **state)
{
	struct rio_result r;
	char err[256];
	struct json_object *root = json_tokener_parse(
		"{\"format\":\"vmprobe-result\",\"format_version\":1,\"label\":\"x\",\"machine\":3,"
		"\"clock\":{\"kind\":\"tsc\"},\"benchmarks\":[]}");

	assert_int_equal(rio_from_json(root, "mem", &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "\"machine\" must be an object"));
	rio_free(&r);
	json_object_put(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_machine_says_nothing),
		cmocka_unit_test(another_machine_is_named),
		cmocka_unit_test(calibration_noise_is_one_machine),
		cmocka_unit_test(cpu_signature_tells_alike_cpus_apart),
		cmocka_unit_test(unrecorded_machine_is_said),
		cmocka_unit_test(bad_machine_is_refused),
	};

	return cmocka_run_group_tests_name("compare_machine", tests, NULL, NULL);
}
