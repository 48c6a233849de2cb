/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmprobe-kvm-relay [-p PID] [-d] [-t] IN OUT SNAPSHOTS: runs on a KVM host (L1
 * of `run-vmm kvm-nested`, or the host of `run-vmm kvm`) between the
 * guest's results channel and the way home, and counts the guest's VM
 * exits per benchmark row.
 *
 * Reads the guest's channel lines from IN (the FIFO the guest's QEMU
 * writes its second serial port into) and copies them to OUT (the host's
 * own channel), except the guest's "@@vmprobe-done STATUS REASON", which is
 * printed on standard output for the caller to send after its own files
 * (-d: forwarded as well).
 * At every "@@vmprobe begin|end NAME SEQ" marker it first appends one line
 * to SNAPSHOTS:
 *
 *   begin|end NAME SEQ stat:FILE=N,... exit:CODE=N,... port:PORT=N,...
 *
 * stat: every counter file of the one VM's debugfs directory
 * (/sys/kernel/debug/kvm/PID-FD/, e.g. exits, io_exits; -p: the VM of
 * QEMU process PID, else the first found); exit: the
 * kvm:kvm_exit hist trigger keyed on exit_reason; port: the kvm:kvm_pio
 * hist trigger keyed on port (the caller sets both triggers up). All are
 * counts since the VM started; the differences are taken at home.
 *
 * -t adds the time of the exits (armed here, removed at the end):
 *
 *   ... clock:mono=NS xtime:CODE=NS,... xhits:CODE=N,... vcpu:n=N,guest=NS,cpu=NS,run=NS
 *
 * clock: CLOCK_MONOTONIC at the snapshot (the row's wall time is the
 * difference); xtime/xhits: a tracefs synthetic event vmprobe_exit_time
 * (lat, reason), fired by a kvm:kvm_entry hist trigger on a match with the
 * same thread's previous kvm:kvm_exit (keys=common_pid, onmatch: the
 * kernel's Documentation/trace/histogram.rst), summed by exit reason: the
 * time each vCPU thread spent out of guest mode from an exit to its next
 * entry, in the kernel and in QEMU alike. vcpu: the VM's vCPU threads
 * (comm "CPU N/KVM" with QEMU's -name debug-threads=on, else those with
 * guest time) from /proc/PID/task/TID: guest_time and utime+stime
 * (stat, clock ticks: 10 ms steps at USER_HZ 100) and the run time
 * (schedstat, ns). The triggers cost time on every exit: run-vmm
 * kvm-nested's VMPROBE_KVM_EXIT_TIME=0 leaves them out to measure it.
 *
 * Why a SCHED_FIFO process in C: QEMU writes the guest's serial bytes from
 * the vCPU thread as the guest writes them, so this process wakes while
 * the vCPU is stopped at the marker's newline and, on a one-CPU host,
 * reads the counters before the guest runs on. A shell loop forking cat
 * would let the guest run on for milliseconds of row.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tools/read_small.h"

#define KVM_DEBUGFS	"/sys/kernel/debug/kvm"
#define EXIT_HIST	"/sys/kernel/tracing/events/kvm/kvm_exit/hist"
#define PIO_HIST	"/sys/kernel/tracing/events/kvm/kvm_pio/hist"
#define TRACING		"/sys/kernel/tracing"
#define SYNTH_DEF	"vmprobe_exit_time u64 lat; unsigned int reason"
#define SYNTH_HIST	TRACING "/events/synthetic/vmprobe_exit_time/hist"

/* The time triggers in arming order: FILE, TEXT (removed with "!TEXT", in reverse). */
static const char *const time_triggers[][2] = {
	{ TRACING "/events/kvm/kvm_exit/trigger",
	  "hist:keys=common_pid:vmprobe_t0=common_timestamp:vmprobe_r=exit_reason" },
	{ TRACING "/events/kvm/kvm_entry/trigger",
	  "hist:keys=common_pid:vmprobe_lat=common_timestamp-$vmprobe_t0"
	  ":onmatch(kvm.kvm_exit).vmprobe_exit_time($vmprobe_lat,$vmprobe_r)" },
	{ TRACING "/events/synthetic/vmprobe_exit_time/trigger",
	  "hist:keys=reason:vals=hitcount,lat:size=2048" },
};
static int time_armed;	/* triggers armed so far (-t) */
static int synth_made;	/* the synthetic event exists (-t) */

static char vm_dir[512];
static long vm_pid = -1;	/* -p: the QEMU whose VM is counted */

/* The one VM's debugfs directory ("PID-FD"); empty until the VM exists. */
static void find_vm_dir(void)
{
	DIR *d;
	struct dirent *e;

	if (vm_dir[0])
		return;
	d = opendir(KVM_DEBUGFS);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && strchr(e->d_name, '-') &&
		    (vm_pid < 0 || strtol(e->d_name, NULL, 10) == vm_pid)) {
			snprintf(vm_dir, sizeof(vm_dir), "%s/%s", KVM_DEBUGFS, e->d_name);
			break;
		}
	}
	closedir(d);
}

static ssize_t read_small(const char *path, char *buf, size_t cap);

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND);
	ssize_t len = (ssize_t)strlen(text), n;

	if (fd < 0)
		return -1;
	n = write(fd, text, (size_t)len);
	close(fd);
	return n == len ? 0 : -1;
}

/* Removes what arm_time set up, last first; safe in a signal handler. */
static void disarm_time(void)
{
	char text[512];

	while (time_armed > 0) {
		time_armed--;
		text[0] = '!';
		strncpy(text + 1, time_triggers[time_armed][1], sizeof(text) - 2);
		text[sizeof(text) - 1] = '\0';
		write_text(time_triggers[time_armed][0], text);
	}
	if (synth_made)
		write_text(TRACING "/synthetic_events", "!" SYNTH_DEF);
	synth_made = 0;
}

static void on_signal(int sig)
{
	disarm_time();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The synthetic event and its three triggers; on failure says why (tracefs error_log). */
static int arm_time(void)
{
	static char log[4096];

	write_text(TRACING "/synthetic_events", "!" SYNTH_DEF);	/* a crashed run's */
	if (write_text(TRACING "/synthetic_events", SYNTH_DEF))
		goto fail;
	synth_made = 1;
	for (size_t i = 0; i < sizeof(time_triggers) / sizeof(time_triggers[0]); i++) {
		if (write_text(time_triggers[i][0], time_triggers[i][1]))
			goto fail;
		time_armed = (int)i + 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	return 0;
fail:
	fprintf(stderr, "vmprobe-kvm-relay: cannot arm the exit time triggers (%s): %s\n",
		time_armed < 3 ? time_triggers[time_armed][0] : "synthetic_events", strerror(errno));
	if (read_small(TRACING "/error_log", log, sizeof(log)) > 0)
		fprintf(stderr, "%s", log);
	disarm_time();
	return -1;
}

/* stat:NAME=N,... for every file of the VM's directory that holds one number. */
static void put_stats(FILE *out)
{
	DIR *d;
	struct dirent *e;
	char path[1024], buf[64], *end;
	int first = 1;

	fputs(" stat:", out);
	find_vm_dir();
	d = vm_dir[0] ? opendir(vm_dir) : NULL;
	while (d && (e = readdir(d))) {
		unsigned long long v;

		if (e->d_type != DT_REG)
			continue;
		snprintf(path, sizeof(path), "%s/%s", vm_dir, e->d_name);
		if (read_small(path, buf, sizeof(buf)) <= 0)
			continue;
		errno = 0;
		v = strtoull(buf, &end, 10);
		if (errno || end == buf || (*end && *end != '\n'))
			continue;
		fprintf(out, "%s%s=%llu", first ? "" : ",", e->d_name, v);
		first = 0;
	}
	if (d)
		closedir(d);
}

/*
 * K=N,... from a hist file's "{ KEY: K } hitcount: N lat: T" lines (keys
 * as the kernel prints them: decimal numbers); VALUE names the number
 * taken ("hitcount", "lat"). KEY picks one histogram where the event has
 * several triggers (kvm_exit: by exit_reason for the counts, by
 * common_pid for -t's variables).
 */
static void put_hist(FILE *out, const char *tag, const char *path, const char *key_name,
		     const char *value)
{
	static char buf[1 << 16];
	char *line, *save = NULL, label[32], key_label[64];
	int first = 1;

	snprintf(label, sizeof(label), " %s:", value);
	snprintf(key_label, sizeof(key_label), "{ %s:", key_name);
	fprintf(out, " %s:", tag);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long key, n;
		char *colon = strchr(line, ':'), *hit = strstr(line, label);

		if (strncmp(line, key_label, strlen(key_label)) || !colon || !hit)
			continue;
		if (sscanf(colon + 1, "%llu", &key) != 1 ||
		    sscanf(hit + strlen(label), "%llu", &n) != 1)
			continue;
		fprintf(out, "%s%llu=%llu", first ? "" : ",", key, n);
		first = 0;
	}
}

static unsigned long long monotonic_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (unsigned long long)t.tv_sec * 1000000000ull + (unsigned long long)t.tv_nsec;
}

/*
 * vcpu:n=THREADS,guest=NS,cpu=NS,run=NS summed over the VM's vCPU threads (comm
 * "CPU N/KVM"): guest_time and utime+stime from stat (clock ticks; utime
 * includes guest_time), the run time from schedstat (ns).
 */
static void put_vcpu(FILE *out)
{
	char path[600], buf[1024];
	unsigned long long guest = 0, cpu = 0, run = 0, threads = 0;
	double tick_ns = 1e9 / (double)sysconf(_SC_CLK_TCK);
	struct dirent *e;
	const char *vm;
	long pid;
	DIR *d;

	find_vm_dir();
	vm = strrchr(vm_dir, '/');
	pid = vm ? strtol(vm + 1, NULL, 10) : -1;
	snprintf(path, sizeof(path), "/proc/%ld/task", pid);
	d = pid > 0 ? opendir(path) : NULL;
	while (d && (e = readdir(d))) {
		unsigned long long ut, st, gt, rn;
		int named;
		char *p;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/task/%s/comm", pid, e->d_name);
		if (read_small(path, buf, sizeof(buf)) <= 0)
			continue;
		named = !strncmp(buf, "CPU ", 4);
		snprintf(path, sizeof(path), "/proc/%ld/task/%s/stat", pid, e->d_name);
		if (read_small(path, buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')))
			continue;
		/* After ") ": field 3 (state) on; utime 14, stime 15, guest_time 43. */
		if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu"
			   " %*d %*d %*d %*d %*d %*d %*u %*u %*d %*u %*u %*u %*u %*u %*u"
			   " %*u %*u %*u %*u %*u %*u %*u %*d %*d %*u %*u %*u %llu",
			   &ut, &st, &gt) != 3)
			continue;
		/* Unnamed threads (QEMU without -name debug-threads=on): those with guest time. */
		if (!named && !gt)
			continue;
		cpu += ut + st;
		guest += gt;
		threads++;
		snprintf(path, sizeof(path), "/proc/%ld/task/%s/schedstat", pid, e->d_name);
		if (read_small(path, buf, sizeof(buf)) > 0 && sscanf(buf, "%llu", &rn) == 1)
			run += rn;
	}
	if (d)
		closedir(d);
	fprintf(out, " vcpu:n=%llu,guest=%.0f,cpu=%.0f,run=%llu", threads, (double)guest * tick_ns,
		(double)cpu * tick_ns, run);
}

static int is_marker(const char *line, char *what, size_t cap)
{
	const char *p = line + strlen("@@vmprobe ");
	size_t len;

	if (strncmp(line, "@@vmprobe begin ", 16) && strncmp(line, "@@vmprobe end ", 14))
		return 0;
	len = strcspn(line, "\r\n");
	if (len - (size_t)(p - line) >= cap)
		return 0;
	memcpy(what, p, len - (size_t)(p - line));
	what[len - (size_t)(p - line)] = '\0';
	return 1;
}

int main(int argc, char **argv)
{
	struct sched_param sp = { .sched_priority = 50 };
	FILE *in, *out, *snap;
	char *line = NULL, what[256];
	size_t cap = 0;
	ssize_t len;
	int opt, forward_done = 0, timed = 0;

	while ((opt = getopt(argc, argv, "p:dt")) != -1) {
		if (opt == 'p')
			vm_pid = strtol(optarg, NULL, 10);
		else if (opt == 'd')
			forward_done = 1;
		else if (opt == 't')
			timed = 1;
		else
			argc = 0;
	}
	if (argc - optind != 3) {
		fprintf(stderr, "usage: vmprobe-kvm-relay [-p QEMU_PID] [-d] [-t] IN OUT SNAPSHOTS\n");
		return 2;
	}
	argv += optind - 1;
	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		fprintf(stderr, "vmprobe-kvm-relay: SCHED_FIFO: %s (snapshots may lag)\n",
			strerror(errno));
	if (timed)
		arm_time();	/* on failure: counts only, said on stderr */
	in = fopen(argv[1], "r");
	out = fopen(argv[2], "w");
	snap = fopen(argv[3], "w");
	if (!in || !out || !snap) {
		fprintf(stderr, "vmprobe-kvm-relay: cannot open %s, %s or %s: %s\n", argv[1], argv[2],
			argv[3], strerror(errno));
		disarm_time();
		return 1;
	}
	while ((len = getline(&line, &cap, in)) >= 0) {
		if (is_marker(line, what, sizeof(what))) {
			fputs(what, snap);
			put_stats(snap);
			if (time_armed)
				fprintf(snap, " clock:mono=%llu", monotonic_ns());
			put_hist(snap, "exit", EXIT_HIST, "exit_reason", "hitcount");
			put_hist(snap, "port", PIO_HIST, "port", "hitcount");
			if (time_armed) {
				put_hist(snap, "xtime", SYNTH_HIST, "reason", "lat");
				put_hist(snap, "xhits", SYNTH_HIST, "reason", "hitcount");
				put_vcpu(snap);
			}
			fputc('\n', snap);
			fflush(snap);
		}
		if (!strncmp(line, "@@vmprobe-done ", 15)) {
			fputs(line + 15, stdout);
			fflush(stdout);
			if (!forward_done)
				continue;
		}
		fwrite(line, 1, (size_t)len, out);
		fflush(out);
	}
	free(line);
	disarm_time();
	fclose(in);
	fclose(snap);
	return fclose(out) ? 1 : 0;
}
