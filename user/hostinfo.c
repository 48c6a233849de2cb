// SPDX-License-Identifier: GPL-2.0
/* Where are we running: CPUID, DMI, sysfs, /proc/cpuinfo, the module. */
#include <cpuid.h>
#include <ctype.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hostinfo.h"
#include "result_keys.h"
#include "kmodif.h"

/* First line of a small text file, trailing whitespace cut; "" if unreadable. */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	n = strlen(buf);
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
}

static void evidence(struct hostinfo *hi, const char *fmt, ...)
{
	va_list ap;

	if (hi->nevidence == HOSTINFO_EVIDENCE)
		return;
	va_start(ap, fmt);
	vsnprintf(hi->evidence[hi->nevidence++], sizeof(hi->evidence[0]), fmt, ap);
	va_end(ap);
}

/*
 * CPUID 1's EAX as "family F model M stepping S", in display values: the
 * extended family counts from family 15, the extended model from 6 and 15.
 */
static void cpu_signature(unsigned eax, char *buf, size_t len)
{
	unsigned family = (eax >> 8) & 0xf, model = (eax >> 4) & 0xf;

	if (family == 0xf)
		family += (eax >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		model |= ((eax >> 16) & 0xf) << 4;
	snprintf(buf, len, "family %u model %u stepping %u", family, model, eax & 0xf);
}

static void gather_cpuid(struct hostinfo *hi)
{
	unsigned a, b, c, d;

	__cpuid(0, a, b, c, d);
	memcpy(hi->cpu_vendor, &b, 4);
	memcpy(hi->cpu_vendor + 4, &d, 4);
	memcpy(hi->cpu_vendor + 8, &c, 4);
	__cpuid(1, a, b, c, d);
	hi->cpuid_hypervisor_bit = c & (1u << 31);
	cpu_signature(a, hi->cpu_signature, sizeof(hi->cpu_signature));
	if (!hi->cpuid_hypervisor_bit)
		return;
	/*
	 * Every leaf the kernel scans for a hypervisor (0x40000000 to 0x4000ff00
	 * in steps of 0x100: Xen with Viridian moves its own to 0x40000100, and
	 * a host may answer more than one). The first is the signature; Xen's
	 * wins wherever it is.
	 */
	for (unsigned leaf = 0x40000000; leaf < 0x40010000; leaf += 0x100) {
		char sig[13] = "";
		size_t used = strlen(hi->cpuid_signatures);
		bool printable = true;

		__cpuid(leaf, a, b, c, d);
		if (a < leaf || a > leaf + 0xff)	/* no leaf set here: its max leaf is out of range */
			continue;
		memcpy(sig, &b, 4);
		memcpy(sig + 4, &c, 4);
		memcpy(sig + 8, &d, 4);
		sig[12] = '\0';
		for (const char *p = sig; *p; p++)
			printable &= isprint((unsigned char)*p) != 0;
		if (!sig[0] || !printable)
			continue;
		if (leaf == 0x40000000 || !strcmp(sig, "XenVMMXenVMM"))
			snprintf(hi->hypervisor_signature, sizeof(hi->hypervisor_signature), "%s", sig);
		snprintf(hi->cpuid_signatures + used, sizeof(hi->cpuid_signatures) - used, "%s%#x:\"%s\"",
			 used ? "; " : "", leaf, sig);
	}
}

static bool has_flag(const char *flags, const char *flag)
{
	size_t len = strlen(flag);

	for (const char *p = flags; (p = strstr(p, flag)); p += len)
		if ((p == flags || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\n' || !p[len]))
			return true;
	return false;
}

static void gather_cpuinfo(struct hostinfo *hi)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char *line = NULL;
	size_t cap = 0;
	bool flags_seen = false;

	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		char *colon = strchr(line, ':');
		char *val;

		if (!colon)
			continue;
		val = colon + 1 + (colon[1] == ' ');
		if (!strncmp(line, "model name", 10) && !hi->cpu_model[0]) {
			snprintf(hi->cpu_model, sizeof(hi->cpu_model), "%s", val);
			hi->cpu_model[strcspn(hi->cpu_model, "\n")] = '\0';
			if (!strcmp(hi->cpu_model, "UML"))
				hi->uml = true;
		} else if (!strncmp(line, "flags", 5) && !flags_seen) {
			flags_seen = true;
			hi->constant_tsc = has_flag(val, "constant_tsc");
			hi->nonstop_tsc = has_flag(val, "nonstop_tsc");
			hi->tsc_reliable = has_flag(val, "tsc_reliable");
			hi->tsc_known_freq = has_flag(val, "tsc_known_freq");
			hi->rdtscp = has_flag(val, "rdtscp");
		}
	}
	free(line);
	fclose(f);
}

static void gather_pmu(struct hostinfo *hi)
{
	struct perf_event_attr attr = { .type = PERF_TYPE_HARDWARE,
					.config = PERF_COUNT_HW_CPU_CYCLES,
					.size = sizeof(attr), .disabled = 1 };
	int fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);

	if (fd >= 0) {
		hi->pmu_available = true;
		snprintf(hi->pmu_reason, sizeof(hi->pmu_reason), "cycles opens");
		close(fd);
		return;
	}
	snprintf(hi->pmu_reason, sizeof(hi->pmu_reason), "perf_event_open(cycles): %s%s",
		 strerror(errno),
		 errno == ENOENT || errno == EOPNOTSUPP ? " (no hardware PMU for this kernel)"
		 : errno == EACCES || errno == EPERM ? " (kernel.perf_event_paranoid)" : "");
}

static void gather_module(struct hostinfo *hi, int devfd)
{
	int fd = devfd, present = 0, ret;

	if (fd < 0)
		fd = kmod_open(hi->module_reason, sizeof(hi->module_reason), &present);
	else
		present = 1;
	hi->module_present = present;
	if (fd < 0)
		return;
	ret = kmod_info(fd, &hi->module_info, 0);
	if (ret)
		snprintf(hi->module_reason, sizeof(hi->module_reason), "INFO ioctl: %s",
			 strerror(-ret));
	else
		hi->module_open = true;
	if (devfd < 0)
		close(fd);
}

/* A name for one witness's words, or NULL: what each hypervisor calls itself. */
struct vmm_name {
	const char *said, *vmm;
};

static const char *name_of(const struct vmm_name *names, size_t n, const char *said)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(said, names[i].said))
			return names[i].vmm;
	return NULL;
}

#define NAME_OF(table, said) name_of(table, sizeof(table) / sizeof(table[0]), said)

/* CPUID 0x40000000 signatures. */
static const struct vmm_name signature_names[] = {
	{ "KVMKVMKVM", "kvm" }, { "TCGTCGTCGTCG", "qemu-tcg" }, { "XenVMMXenVMM", "xen-hvm" },
	{ "VMwareVMware", "vmware" }, { "Microsoft Hv", "hyperv" }, { "bhyve bhyve ", "bhyve" },
	{ "ACRNACRNACRN", "acrn" }, { "Jailhouse", "jailhouse" },
};

/* The names the x86 kernel prints in "Hypervisor detected: %s" (its hypervisor_x86 .name). */
static const struct vmm_name kernel_names[] = {
	{ "KVM", "kvm" }, { "PVM", "pvm" }, { "Xen PV", "xen-pv" }, { "Xen HVM", "xen-hvm" },
	{ "VMware", "vmware" }, { "Microsoft Hyper-V", "hyperv" }, { "Jailhouse", "jailhouse" },
	{ "ACRN", "acrn" }, { "Bhyve", "bhyve" },
};

/* ACPI OEM IDs (space-padded in the table, cut here) of the VMMs' user-space parts. */
static const struct vmm_name acpi_monitors[] = {
	{ "FIRECK", "firecracker" }, { "CLOUDH", "cloud-hypervisor" }, { "BOCHS", "qemu" },
	{ "BHYVE", "bhyve" }, { "VBOX", "virtualbox" }, { "VMWARE", "vmware" }, { "Xen", "xen" },
};

/* DMI system vendors of the same. */
static const struct vmm_name dmi_monitors[] = {
	{ "QEMU", "qemu" }, { "Cloud Hypervisor", "cloud-hypervisor" }, { "Firecracker", "firecracker" },
	{ "innotek GmbH", "virtualbox" }, { "VMware, Inc.", "vmware" }, { "Xen", "xen" },
	{ "The Bochs Project", "bochs" },
};

static void copy_trimmed(char *dst, size_t len, const char *src, size_t n)
{
	size_t k = 0;

	while (k < n && k + 1 < len && src[k] && src[k] != '\n') {
		dst[k] = isprint((unsigned char)src[k]) ? src[k] : '?';
		k++;
	}
	while (k && dst[k - 1] == ' ')
		k--;
	dst[k] = '\0';
}

void hostinfo_read_kernel_log(struct hostinfo *hi, const char *log)
{
	static const char detected[] = "Hypervisor detected: ";
	/* How the kernel says it runs as a guest: PVM's pv-lite line, the generic paravirt one. */
	static const char *const words[] = { "running under PVM", "Booting paravirtualized kernel on " };
	const char *p = strstr(log, detected);

	if (p) {
		p += sizeof(detected) - 1;
		copy_trimmed(hi->kernel_hypervisor, sizeof(hi->kernel_hypervisor), p, strcspn(p, "\n"));
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]) && !hi->kernel_words[0]; i++) {
		const char *w = strstr(log, words[i]), *start;

		if (!w)
			continue;
		/* from after the "[ time] " stamp (or the line's start) to its end */
		for (start = w; start > log && start[-1] != '\n' && start[-1] != ']'; start--)
			;
		while (*start == ' ')
			start++;
		copy_trimmed(hi->kernel_words, sizeof(hi->kernel_words), start, strcspn(start, "\n"));
	}
}

/* The kernel log, where this process may read it (root, or kernel.dmesg_restrict 0). */
static void gather_kernel_log(struct hostinfo *hi)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0), n;
	char *buf;

	if (size <= 0 || !(buf = malloc((size_t)size + 1))) {
		snprintf(hi->kernel_log_reason, sizeof(hi->kernel_log_reason), "syslog size: %s",
			 size < 0 ? strerror(errno) : "empty");
		return;
	}
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n < 0) {
		snprintf(hi->kernel_log_reason, sizeof(hi->kernel_log_reason), "syslog read: %s",
			 strerror(errno));
	} else {
		buf[n] = '\0';
		hostinfo_read_kernel_log(hi, buf);
	}
	free(buf);
}

void hostinfo_read_acpi_header(struct hostinfo *hi, const unsigned char *hdr, size_t len)
{
	/* ACPI's common table header: OEM ID at bytes 10-15, OEM table ID at 16-23 */
	if (len < 24)
		return;
	copy_trimmed(hi->acpi_oem_id, sizeof(hi->acpi_oem_id), (const char *)hdr + 10, 6);
	copy_trimmed(hi->acpi_oem_table_id, sizeof(hi->acpi_oem_table_id), (const char *)hdr + 16, 8);
}

static void gather_acpi(struct hostinfo *hi)
{
	unsigned char hdr[36];
	FILE *f = fopen("/sys/firmware/acpi/tables/FACP", "rb");	/* root only */
	size_t n;

	if (!f)
		return;
	n = fread(hdr, 1, sizeof(hdr), f);
	fclose(f);
	hostinfo_read_acpi_header(hi, hdr, n);
}

/* The VMM's user-space part, from the firmware tables it wrote (ACPI, then DMI). */
static void guess_monitor(struct hostinfo *hi)
{
	const char *by_acpi = hi->acpi_oem_id[0] ? NAME_OF(acpi_monitors, hi->acpi_oem_id) : NULL;
	const char *by_dmi = hi->sys_vendor[0] ? NAME_OF(dmi_monitors, hi->sys_vendor) : NULL;
	const char *monitor = by_acpi ? by_acpi : by_dmi;

	/* QEMU's and Bochs's firmware both write "BOCHS": DMI tells them apart */
	if (by_acpi && by_dmi && !strcmp(by_acpi, "qemu"))
		monitor = by_dmi;
	if (!monitor)
		return;
	snprintf(hi->vmm_monitor, sizeof(hi->vmm_monitor), "%s", monitor);
	if (by_acpi)
		evidence(hi, "ACPI OEM ID \"%s\" (%s): the VMM is %s", hi->acpi_oem_id,
			 hi->acpi_oem_table_id, monitor);
	else
		evidence(hi, "DMI system vendor \"%s\": the VMM is %s", hi->sys_vendor, monitor);
}

/* A second witness that names another hypervisor is reported, with the reason for the choice. */
static void note_disagreement(struct hostinfo *hi, const char *by_signature, const char *why)
{
	if (!by_signature || !strcmp(by_signature, hi->vmm))
		return;
	evidence(hi, "CPUID says \"%s\" (%s) but %s says %s: taken as %s, %s",
		 hi->hypervisor_signature, by_signature, why, hi->vmm, hi->vmm,
		 "the interface this kernel uses (a signature can be the layer below, or a host's disguise)");
}

/* The best guess, most specific evidence first. */
void hostinfo_guess_vmm(struct hostinfo *hi)
{
	const char *sig = hi->hypervisor_signature;
	const char *by_signature = hi->cpuid_hypervisor_bit && sig[0] ? NAME_OF(signature_names, sig) : NULL;
	const char *by_kernel = hi->kernel_hypervisor[0] ? NAME_OF(kernel_names, hi->kernel_hypervisor) : NULL;
	const char *vmm = NULL, *decided_by = NULL;

	hi->nevidence = 0;
	hi->vmm_monitor[0] = '\0';
	if (hi->uml) {
		vmm = "uml";
		decided_by = "/proc/cpuinfo";
		evidence(hi, "/proc/cpuinfo model name is UML");
	}
	if (!vmm && !strcmp(hi->xen_type, "xen")) {
		bool pv = hi->xen_guest_type[0] ? !strcmp(hi->xen_guest_type, "PV")
			  : hi->module_open && hi->module_info.hypervisor == VMPROBE_HYPER_XEN_PV;

		vmm = pv ? "xen-pv" : "xen-hvm";
		decided_by = "/sys/hypervisor";
		evidence(hi, "/sys/hypervisor/type is xen");
		if (hi->xen_guest_type[0])
			evidence(hi, "/sys/hypervisor/guest_type is %s", hi->xen_guest_type);
		else if (hi->module_open)
			evidence(hi, "the kernel's hypervisor type is %s",
				 kmod_hypervisor_name(hi->module_info.hypervisor));
	}
	/* The kernel's own detection: it chose its paravirt interface by it. */
	if (!vmm && hi->kernel_hypervisor[0]) {
		vmm = by_kernel ? by_kernel : "unknown";
		decided_by = "the kernel";
		evidence(hi, "kernel log: \"Hypervisor detected: %s\"%s%s%s", hi->kernel_hypervisor,
			 hi->kernel_words[0] ? ", \"" : "", hi->kernel_words, hi->kernel_words[0] ? "\"" : "");
	}
	/* QEMU's own BIOS may say Bochs too: a known hypervisor signature wins. */
	if (!vmm && (strstr(hi->sys_vendor, "Bochs") || strstr(hi->bios_vendor, "Bochs")) &&
	    !by_signature) {
		vmm = "bochs";
		evidence(hi, "DMI says \"%s\", no known hypervisor signature",
			 strstr(hi->sys_vendor, "Bochs") ? hi->sys_vendor : hi->bios_vendor);
	}
	if (!vmm && hi->cpuid_hypervisor_bit) {
		evidence(hi, "CPUID.1:ECX[31] (hypervisor) set, signature \"%s\"", sig);
		vmm = by_signature ? by_signature : "unknown";
	}
	if (!vmm) {
		vmm = "host";
		evidence(hi, "no CPUID hypervisor bit, no UML, no Xen, no Bochs DMI, no hypervisor in the kernel log");
	}
	snprintf(hi->vmm, sizeof(hi->vmm), "%s", vmm);
	if (decided_by)
		note_disagreement(hi, by_signature, decided_by);
	guess_monitor(hi);
	if (hi->sys_vendor[0] || hi->product_name[0])
		evidence(hi, "DMI: %s / %s", hi->sys_vendor, hi->product_name);
	if (hi->vmm_monitor[0] && strcmp(hi->vmm_monitor, hi->vmm))
		snprintf(hi->vmm_stack, sizeof(hi->vmm_stack), "%s under %s", hi->vmm, hi->vmm_monitor);
	else
		snprintf(hi->vmm_stack, sizeof(hi->vmm_stack), "%s", hi->vmm);
}

void hostinfo_clocksource(char *buf, size_t len)
{
	const char *path = getenv("VMPROBE_CLOCKSOURCE_FILE");

	read_line(path ? path : "/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  buf, len);
}

int hostinfo_vdso_clock_gettime(clockid_t clock)
{
	enum { VDSO = 10, SYSCALL = 11, UNKNOWN = 12, MARK = 77 /* EBADFD: no clock returns it */ };
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clock_gettime, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | MARK),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(filter) / sizeof(filter[0]), filter };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct timespec ts;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
			_exit(UNKNOWN);
		errno = 0;
		if (clock_gettime(clock, &ts) == 0)
			_exit(VDSO);
		_exit(errno == MARK ? SYSCALL : UNKNOWN);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) == VDSO ? 1 : WEXITSTATUS(status) == SYSCALL ? 0 : -1;
}

void hostinfo_gather(struct hostinfo *hi, int devfd, const struct tsc_clock *tsc)
{
	struct utsname u;

	memset(hi, 0, sizeof(*hi));
	gather_cpuid(hi);
	gather_cpuinfo(hi);
	hi->online_cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	read_line("/sys/class/dmi/id/sys_vendor", hi->sys_vendor, sizeof(hi->sys_vendor));
	read_line("/sys/class/dmi/id/product_name", hi->product_name, sizeof(hi->product_name));
	read_line("/sys/class/dmi/id/bios_vendor", hi->bios_vendor, sizeof(hi->bios_vendor));
	read_line("/sys/hypervisor/type", hi->xen_type, sizeof(hi->xen_type));
	read_line("/sys/hypervisor/guest_type", hi->xen_guest_type, sizeof(hi->xen_guest_type));
	hostinfo_clocksource(hi->clocksource, sizeof(hi->clocksource));
	hi->vdso_clock_gettime = hostinfo_vdso_clock_gettime(CLOCK_MONOTONIC);
	if (uname(&u) == 0)
		snprintf(hi->kernel_release, sizeof(hi->kernel_release), "%s", u.release);
	gather_kernel_log(hi);
	gather_acpi(hi);
	gather_pmu(hi);
	gather_module(hi, devfd);
	if (tsc)
		hi->tsc = *tsc;
	else
		tsc_frequency(&hi->tsc, devfd, 200);
	hostinfo_guess_vmm(hi);
}

static void add_str(json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, json_object_new_string(val));
}

static void add_bool(json_object *o, const char *key, bool val)
{
	json_object_object_add(o, key, json_object_new_boolean(val));
}

static json_object *module_json(const struct hostinfo *hi)
{
	const struct vmprobe_info *mi = &hi->module_info;
	json_object *m = json_object_new_object();

	add_bool(m, RK_PRESENT, hi->module_present);
	add_bool(m, RK_OPEN, hi->module_open);
	if (!hi->module_open) {
		add_str(m, RK_REASON, hi->module_reason);
		return m;
	}
	json_object_object_add(m, RK_ABI_VERSION, json_object_new_int(mi->abi_version));
	json_object_object_add(m, RK_TSC_FLAGS, json_object_new_int((int)mi->tsc_flags));
	json_object_object_add(m, RK_TSC_KHZ, json_object_new_int64((int64_t)mi->tsc_khz));
	json_object_object_add(m, RK_CALIB_TSC_KHZ, json_object_new_int64((int64_t)mi->calib_tsc_khz));
	json_object_object_add(m, RK_CALIB_ERROR_PPM, json_object_new_int64(mi->calib_error_ppm));
	add_str(m, RK_HYPERVISOR, kmod_hypervisor_name(mi->hypervisor));
	add_str(m, RK_CLOCKSOURCE, (const char *)mi->clocksource);
	add_str(m, RK_CPU_MODEL_NAME, (const char *)mi->cpu_model_name);
	return m;
}

json_object *hostinfo_json(const struct hostinfo *hi)
{
	json_object *o = json_object_new_object(), *tsc = json_object_new_object();
	json_object *ev = json_object_new_array(), *dmi = json_object_new_object();

	add_str(o, RK_VMM, hi->vmm);
	add_str(o, RK_VMM_MONITOR, hi->vmm_monitor);
	add_str(o, RK_VMM_STACK, hi->vmm_stack);
	for (int i = 0; i < hi->nevidence; i++)
		json_object_array_add(ev, json_object_new_string(hi->evidence[i]));
	json_object_object_add(o, RK_EVIDENCE, ev);
	add_bool(o, RK_CPUID_HYPERVISOR_BIT, hi->cpuid_hypervisor_bit);
	add_str(o, RK_HYPERVISOR_SIGNATURE, hi->hypervisor_signature);
	add_str(o, RK_CPUID_SIGNATURES, hi->cpuid_signatures);
	add_str(o, RK_KERNEL_HYPERVISOR, hi->kernel_hypervisor);
	add_str(o, RK_KERNEL_WORDS, hi->kernel_words);
	if (hi->kernel_log_reason[0])
		add_str(o, RK_KERNEL_LOG_REASON, hi->kernel_log_reason);
	add_str(o, RK_ACPI_OEM_ID, hi->acpi_oem_id);
	add_str(o, RK_ACPI_OEM_TABLE_ID, hi->acpi_oem_table_id);
	add_str(o, RK_CPU_VENDOR, hi->cpu_vendor);
	add_str(o, RK_CPU_MODEL, hi->cpu_model);
	add_str(o, RK_CPU_SIGNATURE, hi->cpu_signature);
	json_object_object_add(o, RK_ONLINE_CPUS, json_object_new_int(hi->online_cpus));
	add_str(dmi, RK_SYS_VENDOR, hi->sys_vendor);
	add_str(dmi, RK_PRODUCT_NAME, hi->product_name);
	add_str(dmi, RK_BIOS_VENDOR, hi->bios_vendor);
	json_object_object_add(o, RK_DMI, dmi);
	add_bool(o, RK_UML, hi->uml);
	add_str(o, RK_XEN_TYPE, hi->xen_type);
	add_str(o, RK_XEN_GUEST_TYPE, hi->xen_guest_type);
	add_str(o, RK_KERNEL_RELEASE, hi->kernel_release);
	add_str(o, RK_CLOCKSOURCE, hi->clocksource);
	/* Whether clock_gettime ran in user space (a syscall there costs a VM exit under some VMMs). */
	json_object_object_add(o, RK_VDSO_CLOCK_GETTIME, hi->vdso_clock_gettime < 0 ? NULL :
			       json_object_new_boolean(hi->vdso_clock_gettime));
	add_bool(tsc, RK_CONSTANT_TSC, hi->constant_tsc);
	add_bool(tsc, RK_NONSTOP_TSC, hi->nonstop_tsc);
	add_bool(tsc, RK_TSC_RELIABLE, hi->tsc_reliable);
	add_bool(tsc, RK_TSC_KNOWN_FREQ, hi->tsc_known_freq);
	add_bool(tsc, RK_RDTSCP, hi->rdtscp);
	json_object_object_add(tsc, RK_HZ, json_object_new_double(hi->tsc.hz));
	add_str(tsc, RK_HZ_SOURCE, tsc_hz_source_name(hi->tsc.source));
	add_str(tsc, RK_HZ_DETAIL, hi->tsc.detail);
	json_object_object_add(o, RK_TSC, tsc);
	add_bool(o, RK_PMU_AVAILABLE, hi->pmu_available);
	add_str(o, RK_PMU_REASON, hi->pmu_reason);
	json_object_object_add(o, RK_MODULE, module_json(hi));
	return o;
}

void hostinfo_print(const struct hostinfo *hi, FILE *f)
{
	fprintf(f, "vmm:              %s\n", hi->vmm_stack);
	for (int i = 0; i < hi->nevidence; i++)
		fprintf(f, "  evidence:       %s\n", hi->evidence[i]);
	fprintf(f, "hypervisor bit:   %s\n", hi->cpuid_hypervisor_bit ? "yes" : "no");
	fprintf(f, "cpuid signature:  %s\n", hi->cpuid_signatures[0] ? hi->cpuid_signatures : "-");
	fprintf(f, "kernel says:      %s%s%s%s\n",
		hi->kernel_hypervisor[0] ? hi->kernel_hypervisor : "no hypervisor detected",
		hi->kernel_words[0] ? " (" : "", hi->kernel_words, hi->kernel_words[0] ? ")" : "");
	if (hi->kernel_log_reason[0])
		fprintf(f, "                  (kernel log not read: %s)\n", hi->kernel_log_reason);
	fprintf(f, "acpi oem:         %s%s%s\n", hi->acpi_oem_id[0] ? hi->acpi_oem_id : "-",
		hi->acpi_oem_table_id[0] ? " / " : "", hi->acpi_oem_table_id);
	fprintf(f, "cpu:              %s (%s, %s), %d online\n", hi->cpu_model, hi->cpu_vendor,
		hi->cpu_signature, hi->online_cpus);
	fprintf(f, "dmi:              sys_vendor \"%s\", product_name \"%s\", bios_vendor \"%s\"\n",
		hi->sys_vendor, hi->product_name, hi->bios_vendor);
	fprintf(f, "xen:              %s%s%s\n", hi->xen_type[0] ? hi->xen_type : "-",
		hi->xen_guest_type[0] ? " " : "", hi->xen_guest_type);
	fprintf(f, "kernel:           %s, clocksource %s, clock_gettime %s\n", hi->kernel_release,
		hi->clocksource, hi->vdso_clock_gettime > 0 ? "in the vDSO" :
		hi->vdso_clock_gettime == 0 ? "a syscall (no vDSO)" : "vDSO unknown");
	fprintf(f, "tsc flags:        %s%s%s%s%s\n", hi->constant_tsc ? "constant_tsc " : "",
		hi->nonstop_tsc ? "nonstop_tsc " : "", hi->tsc_reliable ? "tsc_reliable " : "",
		hi->tsc_known_freq ? "tsc_known_freq " : "", hi->rdtscp ? "rdtscp" : "");
	fprintf(f, "tsc frequency:    %.6f GHz (%s: %s)\n", hi->tsc.hz / 1e9,
		tsc_hz_source_name(hi->tsc.source), hi->tsc.detail);
	fprintf(f, "pmu:              %s (%s)\n", hi->pmu_available ? "yes" : "no", hi->pmu_reason);
	if (hi->module_open)
		fprintf(f, "module:           loaded, ABI %u, kernel tsc_khz %llu, calibrated %llu kHz"
			" (%lld ppm%s), kernel hypervisor %s%s%s\n",
			hi->module_info.abi_version, (unsigned long long)hi->module_info.tsc_khz,
			(unsigned long long)hi->module_info.calib_tsc_khz,
			(long long)hi->module_info.calib_error_ppm,
			/* against a clock derived from the TSC: checks arithmetic, not rate */
			strcmp(hi->clocksource, "tsc") == 0 ?
			", circular: the clocksource is the TSC itself" : "",
			kmod_hypervisor_name(hi->module_info.hypervisor),
			/* empty where the kernel gives a module no way to read it */
			hi->module_info.clocksource[0] ? ", clocksource " : "",
			(const char *)hi->module_info.clocksource);
	else
		fprintf(f, "module:           %s\n", hi->module_reason);
}
