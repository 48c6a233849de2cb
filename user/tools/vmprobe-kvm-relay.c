/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmprobe-kvm-relay [-p PID] [-d] IN OUT SNAPSHOTS: runs on a KVM host (L1
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KVM_DEBUGFS	"/sys/kernel/debug/kvm"
#define EXIT_HIST	"/sys/kernel/tracing/events/kvm/kvm_exit/hist"
#define PIO_HIST	"/sys/kernel/tracing/events/kvm/kvm_pio/hist"

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

static ssize_t read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, total = 0;

	if (fd < 0)
		return -1;
	while ((size_t)total + 1 < cap && (n = read(fd, buf + total, cap - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = '\0';
	return total;
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
 * KEY=N,... from a hist file's "{ key: K } hitcount: N" lines (keys as
 * the kernel prints them: decimal numbers).
 */
static void put_hist(FILE *out, const char *tag, const char *path)
{
	static char buf[1 << 16];
	char *line, *save = NULL;
	int first = 1;

	fprintf(out, " %s:", tag);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long key, hits;
		char *colon = strchr(line, ':'), *hit = strstr(line, "hitcount:");

		if (line[0] != '{' || !colon || !hit)
			continue;
		if (sscanf(colon + 1, "%llu", &key) != 1 || sscanf(hit + 9, "%llu", &hits) != 1)
			continue;
		fprintf(out, "%s%llu=%llu", first ? "" : ",", key, hits);
		first = 0;
	}
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
	int opt, forward_done = 0;

	while ((opt = getopt(argc, argv, "p:d")) != -1) {
		if (opt == 'p')
			vm_pid = strtol(optarg, NULL, 10);
		else if (opt == 'd')
			forward_done = 1;
		else
			argc = 0;
	}
	if (argc - optind != 3) {
		fprintf(stderr, "usage: vmprobe-kvm-relay [-p QEMU_PID] [-d] IN OUT SNAPSHOTS\n");
		return 2;
	}
	argv += optind - 1;
	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		fprintf(stderr, "vmprobe-kvm-relay: SCHED_FIFO: %s (snapshots may lag)\n",
			strerror(errno));
	in = fopen(argv[1], "r");
	out = fopen(argv[2], "w");
	snap = fopen(argv[3], "w");
	if (!in || !out || !snap) {
		fprintf(stderr, "vmprobe-kvm-relay: cannot open %s, %s or %s: %s\n", argv[1], argv[2],
			argv[3], strerror(errno));
		return 1;
	}
	while ((len = getline(&line, &cap, in)) >= 0) {
		if (is_marker(line, what, sizeof(what))) {
			fputs(what, snap);
			put_stats(snap);
			put_hist(snap, "exit", EXIT_HIST);
			put_hist(snap, "port", PIO_HIST);
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
	fclose(in);
	fclose(snap);
	return fclose(out) ? 1 : 0;
}
