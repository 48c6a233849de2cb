// SPDX-License-Identifier: GPL-2.0
/*
 * vmprobe-ref: the plainest implementation of some vmprobe rows, to check
 * vmprobe's figures against (tests/13-reference.t, scripts/reference-table).
 *
 *   vmprobe-ref [--cpu N] [--runs K] [--min-ms MS] ROW...
 *
 * For each ROW: a loop of n calls with clock_gettime(CLOCK_MONOTONIC)
 * around it. n doubles from 1 until one loop takes --min-ms (default 2
 * ms), then K loops (default 15) are timed and the median ns per op is
 * printed as "ROW NS" (one line per row, then "#" lines with every run).
 * The defaults are vmprobe's own sample length and count: on a shared
 * machine a longer loop is preempted more often, and the median of longer
 * loops would hold more of other tasks' time than vmprobe's median does.
 * No TSC, no counters, no harness, no statistics beyond the median: if
 * vmprobe and this disagree, vmprobe has to say why.
 *
 * Rows (named as vmprobe names them):
 *   getpid, null-syscall (number 4000, -ENOSYS), read-zero-1 (1 B from
 *   /dev/zero), write-null (1 B to /dev/null), stat, fstat, open-close (a
 *   4 KB temporary file), signal (tgkill SIGUSR1 to this thread, handler
 *   counts), fork-exit-wait (fork, child _exit(0), waitpid), fork-exec (the
 *   child execs vmprobe-noop, found on PATH once before the loop), ctxsw-1cpu
 *   (two processes on one CPU pass a token through two pipes, per round
 *   trip, less the same pipe writes and reads done by one task: lmbench
 *   lat_ctx's method), pipe-bandwidth / pipe-bandwidth-2cpu (one op: 50 MiB
 *   in 64 KB writes through a pipe to a child that reads them, as vmprobe's
 *   op and lmbench bw_pipe; both on one CPU or on two; MB/s printed instead
 *   of ns).
 *
 * Static, small, no threads: this process is what fork copies.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NULL_SYSCALL_NR 4000L
#define PIPE_CHUNK	65536
#define PIPE_OP		(50u * 1024u * 1024u)	/* one op moves what vmprobe's does: 50 MiB */

static int opt_cpu = -1;
static volatile long sink;
static int fd_a = -1;		/* the row's file descriptor */
static char tmp_path[256];
static volatile uint64_t handled;
static int ping[2], pong[2], self_a[2], self_b[2];
static pid_t partner = -1;
static char *chunk;

static void die(const char *what)
{
	fprintf(stderr, "vmprobe-ref: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

static void loop_getpid(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		sink = getpid();
}

static void loop_null(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		sink = syscall(NULL_SYSCALL_NR);
}

static void loop_read(uint64_t n)
{
	char c;

	for (uint64_t i = 0; i < n; i++)
		if (read(fd_a, &c, 1) != 1)
			die("read /dev/zero");
}

static void loop_write(uint64_t n)
{
	char c = 0;

	for (uint64_t i = 0; i < n; i++)
		if (write(fd_a, &c, 1) != 1)
			die("write /dev/null");
}

static void loop_stat(uint64_t n)
{
	struct stat sb;

	for (uint64_t i = 0; i < n; i++)
		if (stat(tmp_path, &sb))
			die("stat");
}

static void loop_fstat(uint64_t n)
{
	struct stat sb;

	for (uint64_t i = 0; i < n; i++)
		if (fstat(fd_a, &sb))
			die("fstat");
}

static void loop_open_close(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		int fd = open(tmp_path, O_RDONLY);

		if (fd < 0 || close(fd))
			die("open/close");
	}
}

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static void loop_signal(uint64_t n)
{
	pid_t pid = getpid(), tid = (pid_t)syscall(SYS_gettid);

	for (uint64_t i = 0; i < n; i++)
		if (syscall(SYS_tgkill, pid, tid, SIGUSR1))
			die("tgkill");
}

static void loop_fork(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		pid_t c = fork();
		int status;

		if (c < 0)
			die("fork");
		if (c == 0)
			_exit(0);
		if (waitpid(c, &status, 0) != c || !WIFEXITED(status) || WEXITSTATUS(status))
			die("waitpid");
	}
}

static char noop[4096];

static void loop_fork_exec(uint64_t n)
{
	char *const argv[] = { noop, NULL };
	char *const envp[] = { NULL };

	for (uint64_t i = 0; i < n; i++) {
		pid_t c = fork();
		int status;

		if (c < 0)
			die("fork");
		if (c == 0) {
			execve(noop, argv, envp);
			_exit(127);
		}
		if (waitpid(c, &status, 0) != c || !WIFEXITED(status) || WEXITSTATUS(status))
			die("waitpid (fork-exec)");
	}
}

/* vmprobe-noop on PATH, into noop[]; 0 or -1. */
static int find_noop(void)
{
	const char *path = getenv("PATH");
	char dirs[4096], *save = NULL;

	snprintf(dirs, sizeof(dirs), "%s", path && *path ? path : "/bin:/usr/bin");
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(noop, sizeof(noop), "%s/vmprobe-noop", d);
		if (access(noop, X_OK) == 0)
			return 0;
	}
	return -1;
}

static void loop_ctxsw(uint64_t n)
{
	uint32_t t = 0;

	for (uint64_t i = 0; i < n; i++)
		if (write(ping[1], &t, 4) != 4 || read(pong[0], &t, 4) != 4)
			die("ctxsw pipe");
}

static void loop_ctxsw_base(uint64_t n)
{
	uint32_t t = 0;

	for (uint64_t i = 0; i < n; i++)
		if (write(self_a[1], &t, 4) != 4 || read(self_a[0], &t, 4) != 4 ||
		    write(self_b[1], &t, 4) != 4 || read(self_b[0], &t, 4) != 4)
			die("ctxsw baseline pipe");
}

static void loop_pipe(uint64_t n)
{
	for (uint64_t i = 0; i < n * (PIPE_OP / PIPE_CHUNK); i++) {
		size_t done = 0;

		while (done < PIPE_CHUNK) {
			ssize_t w = write(ping[1], chunk + done, PIPE_CHUNK - done);

			if (w <= 0)
				die("pipe write");
			done += (size_t)w;
		}
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* K loops of n ops after n doubled to the time goal; median ns per op. */
static double measure(void (*loop)(uint64_t), int runs, double min_ns, double *per_run)
{
	uint64_t n = 1;
	double t;

	for (;;) {
		t = now_ns();
		loop(n);
		t = now_ns() - t;
		if (t >= min_ns || n >= (1ull << 40))
			break;
		n *= 2;
	}
	for (int k = 0; k < runs; k++) {
		t = now_ns();
		loop(n);
		per_run[k] = (now_ns() - t) / (double)n;
	}
	double sorted[runs];

	memcpy(sorted, per_run, sizeof(sorted));
	qsort(sorted, runs, sizeof(double), cmp_double);
	return runs % 2 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
}

static void make_tmp(void)
{
	const char *dir = getenv("TMPDIR");
	char buf[4096];
	int fd;

	snprintf(tmp_path, sizeof(tmp_path), "%s/vmprobe-ref.XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(tmp_path);
	if (fd < 0)
		die("mkstemp");
	memset(buf, 7, sizeof(buf));
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		die("write temporary file");
	fd_a = fd;
}

/* The partner of ctxsw (echo) or pipe-bandwidth (drain), on `cpu`. */
static void start_partner(int cpu, int drain)
{
	if (pipe(ping) || pipe(pong))
		die("pipe");
	partner = fork();
	if (partner < 0)
		die("fork");
	if (partner == 0) {
		uint32_t t;

		pin(cpu);
		close(ping[1]);
		close(pong[0]);
		if (drain) {
			while (read(ping[0], chunk, PIPE_CHUNK) > 0)
				;
			_exit(0);
		}
		while (read(ping[0], &t, 4) == 4) {
			t++;
			if (write(pong[1], &t, 4) != 4)
				_exit(1);
		}
		_exit(0);
	}
	close(ping[0]);
	close(pong[1]);
}

static void stop_partner(void)
{
	close(ping[1]);
	close(pong[0]);
	waitpid(partner, NULL, 0);
	partner = -1;
}

static int other_cpu(int cpu)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		die("sched_getaffinity");
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (c != cpu && CPU_ISSET(c, &set))
			return c;
	for (int c = 0; c < sysconf(_SC_NPROCESSORS_ONLN); c++)
		if (c != cpu)
			return c;
	return -1;
}

static void print_runs(const char *row, const double *v, int runs)
{
	printf("# %s runs:", row);
	for (int k = 0; k < runs; k++)
		printf(" %.6g", v[k]);
	printf("\n");
}

static int one_row(const char *row, int runs, double min_ns)
{
	double per_run[runs], base_runs[runs], med;
	int cpu = opt_cpu >= 0 ? opt_cpu : sched_getcpu();

	if (!strcmp(row, "getpid")) {
		med = measure(loop_getpid, runs, min_ns, per_run);
	} else if (!strcmp(row, "null-syscall")) {
		med = measure(loop_null, runs, min_ns, per_run);
	} else if (!strcmp(row, "read-zero-1")) {
		if ((fd_a = open("/dev/zero", O_RDONLY)) < 0)
			die("open /dev/zero");
		med = measure(loop_read, runs, min_ns, per_run);
		close(fd_a);
	} else if (!strcmp(row, "write-null")) {
		if ((fd_a = open("/dev/null", O_WRONLY)) < 0)
			die("open /dev/null");
		med = measure(loop_write, runs, min_ns, per_run);
		close(fd_a);
	} else if (!strcmp(row, "stat") || !strcmp(row, "fstat") || !strcmp(row, "open-close")) {
		make_tmp();
		med = measure(!strcmp(row, "stat") ? loop_stat :
			      !strcmp(row, "fstat") ? loop_fstat : loop_open_close,
			      runs, min_ns, per_run);
		close(fd_a);
		unlink(tmp_path);
	} else if (!strcmp(row, "signal")) {
		struct sigaction sa = { .sa_handler = on_usr1 };

		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGUSR1, &sa, NULL))
			die("sigaction");
		med = measure(loop_signal, runs, min_ns, per_run);
		signal(SIGUSR1, SIG_DFL);
	} else if (!strcmp(row, "fork-exit-wait")) {
		pin(cpu);	/* one CPU, as vmprobe-forker does */
		med = measure(loop_fork, runs, min_ns, per_run);
	} else if (!strcmp(row, "fork-exec")) {
		if (find_noop()) {
			fprintf(stderr, "vmprobe-ref: vmprobe-noop not found on PATH\n");
			return 1;
		}
		pin(cpu);
		med = measure(loop_fork_exec, runs, min_ns, per_run);
	} else if (!strcmp(row, "ctxsw-1cpu")) {
		double base;

		pin(cpu);
		if (pipe(self_a) || pipe(self_b))
			die("pipe");
		start_partner(cpu, 0);
		med = measure(loop_ctxsw, runs, min_ns, per_run);
		stop_partner();
		base = measure(loop_ctxsw_base, runs, min_ns, base_runs);
		print_runs("ctxsw-1cpu-baseline", base_runs, runs);
		for (int k = 0; k < runs; k++)
			per_run[k] -= base;
		med -= base;
	} else if (!strcmp(row, "pipe-bandwidth") || !strcmp(row, "pipe-bandwidth-2cpu")) {
		int two = !strcmp(row, "pipe-bandwidth-2cpu");
		int peer = two ? other_cpu(cpu) : cpu;

		if (peer < 0) {
			fprintf(stderr, "vmprobe-ref: %s needs 2 CPUs\n", row);
			return 1;
		}
		chunk = calloc(1, PIPE_CHUNK);
		if (!chunk)
			die("calloc");
		pin(cpu);
		start_partner(peer, 1);
		med = measure(loop_pipe, runs, min_ns, per_run);
		stop_partner();
		free(chunk);
		/* MB/s (1e6 bytes): 50 MiB per op. */
		for (int k = 0; k < runs; k++)
			per_run[k] = PIPE_OP / per_run[k] * 1e3;
		med = PIPE_OP / med * 1e3;
	} else {
		fprintf(stderr, "vmprobe-ref: unknown row %s\n", row);
		return 2;
	}
	printf("%s %.6g\n", row, med);
	print_runs(row, per_run, runs);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cpu", required_argument, NULL, 'c' },
		{ "runs", required_argument, NULL, 'r' },
		{ "min-ms", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	int runs = 15, c, rc = 0;
	double min_ms = 2;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opt_cpu = atoi(optarg);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 'm':
			min_ms = atof(optarg);
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc || runs < 1 || runs > 1000 || !(min_ms > 0)) {
		fprintf(stderr, "usage: vmprobe-ref [--cpu N] [--runs K] [--min-ms MS] ROW...\n");
		return 2;
	}
	pin(opt_cpu);
	signal(SIGPIPE, SIG_IGN);
	for (int i = optind; i < argc && !rc; i++)
		rc = one_row(argv[i], runs, min_ms * 1e6);
	return rc;
}
