/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmprobe-stamp [-o FILE]: the host-side clock for guest runs.
 *
 * Reads lines from standard input (a FIFO the VMM writes the guest's
 * results serial port into) and writes each one as "STAMP_NS LINE", where
 * STAMP_NS is CLOCK_REALTIME in nanoseconds taken when the read that
 * completed the line returned. Carriage returns are dropped (serial
 * ports add them). Each line is flushed at once, so a reader (or a crash)
 * sees everything stamped so far. A last line without a newline is
 * stamped at end of input.
 *
 * vmprobe-stamp -o FILE -p PIDFILE -s SNAPSHOTS [-k PIDFILE]: also the host's
 * view of a user-space VMM. PIDFILE holds the VMM's process id (run-vmm
 * writes it once the VMM runs); at every "@@vmprobe begin|end NAME SEQ"
 * marker one line is appended to SNAPSHOTS:
 *
 *   begin|end NAME SEQ stamp=NS late=0|1 all:ut=NS,st=NS,cut=NS,cst=NS,run=NS,minflt=N,majflt=N,vcsw=N,ivcsw=N,procs=N,threads=N
 *       [kernel:... guest:...] cpus=LIST
 *
 * summed over the VMM's process and all its descendants (cpu: the
 * processes' CPU clocks, clock_getcpuclockid: ns, exact at the marker,
 * ended threads included; /proc/P/stat:
 * utime, stime, and apart the reaped children's cutime, cstime (clock ticks:
 * 10 ms steps at USER_HZ 100); faults with the reaped children's;
 * schedstat run time (ns, live threads); voluntary
 * and involuntary context switches of the live threads (status)). -k (UML):
 * the processes that share the address space of the process in that file
 * (the UML kernel and its helper threads, by kcmp(KCMP_VM)) are "kernel",
 * the others (the guest processes' host processes, and the reaped ones
 * counted in the kernel's children's times) "guest". late=1: more lines
 * had arrived with the marker's (this reader was behind the guest: under
 * load, short rows), so a begin snapshot may come after its row began.
 * cpus: the host CPUs
 * the VMM's threads were seen on since the last marker, sampled every
 * 250 ms (and at each marker) among threads that ran in between: a sample,
 * not a trace. The cost: a few small /proc reads per VMM thread at each
 * marker and every 250 ms (well under 1% of a CPU).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/kcmp.h>

#include "tools/read_small.h"

static const char usage[] =
	"usage: vmprobe-stamp [-o FILE] [-p VMM_PIDFILE -s SNAPSHOTS [-k KERNEL_PIDFILE]] < INPUT\n";

static uint64_t realtime_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

struct line_buffer {
	char *text;
	size_t len;
	size_t cap;
};

static int line_append(struct line_buffer *line, char c)
{
	if (line->len + 1 >= line->cap) {
		size_t cap = line->cap ? line->cap * 2 : 256;
		char *grown = realloc(line->text, cap);

		if (!grown)
			return -1;
		line->text = grown;
		line->cap = cap;
	}
	line->text[line->len++] = c;
	return 0;
}

static void host_view(const char *marker, size_t len, uint64_t stamp, int late);
static int is_marker(const struct line_buffer *line);
static FILE *snap_out;	/* -s: the host's view of the VMM at each marker */

/* LATE: more whole lines had arrived with this one (the reader was behind). */
static int emit(FILE *out, struct line_buffer *line, uint64_t stamp, int late)
{
	if (fprintf(out, "%llu %.*s\n", (unsigned long long)stamp, (int)line->len,
		    line->text ? line->text : "") < 0 || fflush(out) != 0)
		return -1;
	if (snap_out && is_marker(line))
		host_view(line->text + 10, line->len - 10, stamp, late);
	line->len = 0;
	return 0;
}


/* ---- the host's view of the VMM's processes (-p, -s, -k) ---- */

struct usage {
	double ut, st;			/* ns, own (clock ticks) */
	double cut, cst;		/* ns, reaped children's (clock ticks) */
	unsigned long long run;		/* ns, live threads' schedstat */
	unsigned long long cpu;		/* ns, the processes' CPU clocks (all their threads, ended ones too) */
	unsigned long long minflt, majflt, vcsw, ivcsw, procs, threads;
};

#define MAX_PROCS 4096
#define MAX_CPUS 1024

static const char *pid_file, *kernel_pid_file;
static long vmm_pid = -1, kernel_pid = -1;
static long procs[MAX_PROCS];		/* the VMM and its descendants, last walk */
static size_t proc_count;
static unsigned char cpu_seen[MAX_CPUS];
static double tick_ns;

static long pid_from(const char *path)
{
	char buf[32];

	if (!path || read_small(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* The fields after "pid (comm) ": state is field 3. */
static const char *stat_fields(const char *path, char *buf, size_t cap)
{
	char *p;

	if (read_small(path, buf, cap) <= 0 || !(p = strrchr(buf, ')')))
		return NULL;
	return p + 2;
}

/*
 * The VMM and its descendants, from each thread's /proc/P/task/T/children
 * (only the VMM's own files: a few reads per marker, not a walk of /proc).
 */
static void walk_procs(void)
{
	char path[96], buf[4096];

	proc_count = 0;
	if (vmm_pid <= 0)
		return;
	procs[proc_count++] = vmm_pid;
	for (size_t i = 0; i < proc_count; i++) {
		struct dirent *e;
		DIR *d;

		snprintf(path, sizeof(path), "/proc/%ld/task", procs[i]);
		if (!(d = opendir(path)))
			continue;
		while ((e = readdir(d))) {
			char *p, *end;

			if (e->d_name[0] < '0' || e->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%ld/task/%.20s/children", procs[i], e->d_name);
			if (read_small(path, buf, sizeof(buf)) <= 0)
				continue;
			for (p = buf;; p = end) {
				long child = strtol(p, &end, 10);

				if (end == p || proc_count >= MAX_PROCS)
					break;
				procs[proc_count++] = child;
			}
		}
		closedir(d);
	}
}

static int is_kernel(long pid)
{
	if (kernel_pid <= 0)
		return 0;
	return pid == kernel_pid || syscall(SYS_kcmp, kernel_pid, pid, KCMP_VM, 0, 0) == 0;
}

/* Adds process PID's own figures and its threads' to U, its reaped children's to REAPED. */
static void add_proc(long pid, struct usage *u, struct usage *reaped)
{
	char path[320], buf[2048];
	unsigned long long mn, cmn, mj, cmj, ut, st, cut, cst;
	const char *f;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (!(f = stat_fields(path, buf, sizeof(buf))))
		return;
	/* fields 10-17: minflt cminflt majflt cmajflt utime stime cutime cstime */
	if (sscanf(f, "%*c %*d %*d %*d %*d %*d %*u %llu %llu %llu %llu %llu %llu %llu %llu",
		   &mn, &cmn, &mj, &cmj, &ut, &st, &cut, &cst) != 8)
		return;
	/* The process's CPU clock: exact now (the kernel adds the running thread's current slice). */
	{
		clockid_t clk;
		struct timespec ts;

		if (!clock_getcpuclockid((pid_t)pid, &clk) && !clock_gettime(clk, &ts))
			u->cpu += (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
	}
	u->minflt += mn;
	u->majflt += mj;
	u->ut += (double)ut * tick_ns;
	u->st += (double)st * tick_ns;
	reaped->minflt += cmn;
	reaped->majflt += cmj;
	reaped->cut += (double)cut * tick_ns;
	reaped->cst += (double)cst * tick_ns;
	u->procs++;
	snprintf(path, sizeof(path), "/proc/%ld/task", pid);
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d))) {
		unsigned long long run;
		char *v;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		u->threads++;
		snprintf(path, sizeof(path), "/proc/%ld/task/%.20s/schedstat", pid, e->d_name);
		if (read_small(path, buf, sizeof(buf)) > 0 && sscanf(buf, "%llu", &run) == 1)
			u->run += run;
		snprintf(path, sizeof(path), "/proc/%ld/task/%.20s/status", pid, e->d_name);
		if (read_small(path, buf, sizeof(buf)) <= 0)
			continue;
		if ((v = strstr(buf, "\nvoluntary_ctxt_switches:")))
			u->vcsw += strtoull(v + 25, NULL, 10);
		if ((v = strstr(buf, "\nnonvoluntary_ctxt_switches:")))
			u->ivcsw += strtoull(v + 28, NULL, 10);
	}
	closedir(d);
}

/* Marks the CPUs of the VMM's threads that ran since the last sample. */
static void sample_cpus(void)
{
	static long tids[8192], now_tids[8192];
	static unsigned long long last_run[8192], now_run[8192];
	static size_t tid_count;
	char path[96], buf[2048];
	size_t k = 0;

	for (size_t i = 0; i < proc_count; i++) {
		struct dirent *e;
		DIR *d;

		snprintf(path, sizeof(path), "/proc/%ld/task", procs[i]);
		if (!(d = opendir(path)))
			continue;
		while ((e = readdir(d)) && k < 8192) {
			unsigned long long run = 0;
			long tid = strtol(e->d_name, NULL, 10);
			const char *f;
			int cpu, moved;

			if (tid <= 0)
				continue;
			/* processor: field 39 */
			snprintf(path, sizeof(path), "/proc/%ld/task/%ld/stat", procs[i], tid);
			if (!(f = stat_fields(path, buf, sizeof(buf))) ||
			    sscanf(f, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d"
				   " %*d %*d %*u %*u %*d %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u"
				   " %*u %*d %d", &cpu) != 1)
				continue;
			/* Counted where its run time moved (schedstat: another process's thread
			 * clock is not readable), or on first sight if it ran. */
			snprintf(path, sizeof(path), "/proc/%ld/task/%ld/schedstat", procs[i], tid);
			if (read_small(path, buf, sizeof(buf)) > 0)
				run = strtoull(buf, NULL, 10);
			moved = run > 0;
			for (size_t j = 0; j < tid_count; j++)
				if (tids[j] == tid)
					moved = run != last_run[j];
			if (moved && cpu >= 0 && cpu < MAX_CPUS)
				cpu_seen[cpu] = 1;
			now_tids[k] = tid;
			now_run[k++] = run;
		}
		closedir(d);
	}
	memcpy(tids, now_tids, k * sizeof(*tids));	/* this sample is the next one's "before" */
	memcpy(last_run, now_run, k * sizeof(*last_run));
	tid_count = k;
}

static void put_usage(const char *tag, const struct usage *u)
{
	fprintf(snap_out, " %s:cpu=%llu,ut=%.0f,st=%.0f,cut=%.0f,cst=%.0f,run=%llu,minflt=%llu,"
		"majflt=%llu,vcsw=%llu,ivcsw=%llu,procs=%llu,threads=%llu", tag, u->cpu, u->ut, u->st,
		u->cut, u->cst, u->run, u->minflt, u->majflt, u->vcsw, u->ivcsw, u->procs, u->threads);
}

/* One snapshot line for the marker in LINE (after "@@vmprobe "). */
static void host_view(const char *marker, size_t len, uint64_t stamp, int late)
{
	struct usage all = { 0 }, kern = { 0 }, guest = { 0 };
	int first = 1;

	if (vmm_pid <= 0)
		vmm_pid = pid_from(pid_file);
	if (kernel_pid <= 0)
		kernel_pid = pid_from(kernel_pid_file);
	walk_procs();
	sample_cpus();
	for (size_t i = 0; i < proc_count; i++) {
		int k = is_kernel(procs[i]);

		add_proc(procs[i], &all, &all);
		/* The kernel's reaped children are guest processes: their times go to "guest". */
		if (kernel_pid > 0)
			add_proc(procs[i], k ? &kern : &guest,
				 procs[i] == kernel_pid ? &guest : k ? &kern : &guest);
	}
	fprintf(snap_out, "%.*s stamp=%llu late=%d", (int)len, marker, (unsigned long long)stamp, late);
	put_usage("all", &all);
	if (kernel_pid > 0) {
		put_usage("kernel", &kern);
		put_usage("guest", &guest);
	}
	fputs(" cpus=", snap_out);
	for (int c = 0; c < MAX_CPUS; c++) {
		if (!cpu_seen[c])
			continue;
		fprintf(snap_out, "%s%d", first ? "" : ",", c);
		first = 0;
	}
	memset(cpu_seen, 0, sizeof(cpu_seen));
	fputc('\n', snap_out);
	fflush(snap_out);
}

static int is_marker(const struct line_buffer *line)
{
	return line->len > 16 && (!strncmp(line->text, "@@vmprobe begin ", 16) ||
				  !strncmp(line->text, "@@vmprobe end ", 14));
}

int main(int argc, char **argv)
{
	struct line_buffer line = { 0 };
	FILE *out = stdout;
	char chunk[4096];
	int opt;

	tick_ns = 1e9 / (double)sysconf(_SC_CLK_TCK);
	while ((opt = getopt(argc, argv, "o:p:s:k:h")) != -1) {
		switch (opt) {
		case 'p':
			pid_file = optarg;
			break;
		case 'k':
			kernel_pid_file = optarg;
			break;
		case 's':
			snap_out = fopen(optarg, "w");
			if (!snap_out) {
				fprintf(stderr, "vmprobe-stamp: cannot open '%s': %s\n", optarg,
					strerror(errno));
				return 1;
			}
			break;
		case 'o':
			out = fopen(optarg, "w");
			if (!out) {
				fprintf(stderr, "vmprobe-stamp: cannot open '%s': %s\n", optarg,
					strerror(errno));
				return 1;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vmprobe-stamp: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!snap_out != !pid_file) {
		fprintf(stderr, "vmprobe-stamp: -p and -s go together\n");
		return 2;
	}
	for (;;) {
		ssize_t got;
		uint64_t stamp;

		if (snap_out) {	/* the CPUs the VMM runs on, every 250 ms between lines */
			struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };

			if (poll(&in, 1, 250) == 0) {
				if (vmm_pid <= 0)
					vmm_pid = pid_from(pid_file);
				walk_procs();
				sample_cpus();
				continue;
			}
		}
		got = read(STDIN_FILENO, chunk, sizeof(chunk));
		stamp = realtime_ns();

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			fprintf(stderr, "vmprobe-stamp: read: %s\n", strerror(errno));
			return 1;
		}
		if (got == 0)
			break;
		for (ssize_t i = 0; i < got; i++) {
			if (chunk[i] == '\r')
				continue;
			if (chunk[i] == '\n') {
				if (emit(out, &line, stamp, memchr(chunk + i + 1, '\n', (size_t)(got - i - 1)) != NULL) != 0)
					goto write_error;
			} else if (line_append(&line, chunk[i]) != 0) {
				fprintf(stderr, "vmprobe-stamp: out of memory\n");
				return 1;
			}
		}
	}
	if (line.len && emit(out, &line, realtime_ns(), 0) != 0)
		goto write_error;
	free(line.text);
	if (snap_out && fclose(snap_out))
		return 1;
	return fclose(out) == 0 ? 0 : 1;
write_error:
	fprintf(stderr, "vmprobe-stamp: write: %s\n", strerror(errno));
	return 1;
}
