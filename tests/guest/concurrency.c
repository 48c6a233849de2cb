// SPDX-License-Identifier: GPL-2.0
/*
 * concurrency: many processes, each with many threads, use /dev/vmprobe at
 * once with every command mixed (good and bad arguments, fds opened and
 * closed on the way). Each thread checks that its own answers are right:
 * a wrong errno, or samples that do not match their own summary, would
 * mean state shared between callers. The parent holds the device open the
 * whole time, so the guest script can check that rmmod is refused meanwhile.
 *
 *   concurrency [--procs N] [--threads M] [--seconds S]
 *
 * Prints TAP on stdout; exit status 0 when every answer was right.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uapi/vmprobe.h"
#include "tap.h"

#define MAX_SAMPLES	16

struct worker {
	pthread_t thread;
	unsigned int id;
	uint64_t rng;
	double deadline;
	unsigned long long calls, wrong;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint32_t below(struct worker *w, uint32_t n)
{
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return (w->rng * 0x2545f4914f6cdd1dull) % n;
}

static void wrong(struct worker *w, const char *what, int err)
{
	if (w->wrong++ < 5)
		printf("# worker %u: %s (%s)\n", w->id, what, strerror(err));
}

static int op_may_be_missing(unsigned int op)
{
	/* CPU- or VMM-dependent ops; the hypercall runs under KVM only, the bare privileged ops not under Xen PV */
	return op == VMPROBE_OP_RDTSCP || op == VMPROBE_OP_RDMSR ||
	       op == VMPROBE_OP_PIO_READ || op == VMPROBE_OP_INVLPG || op == VMPROBE_OP_PIO_ELCR ||
	       op == VMPROBE_OP_HYPERCALL || op >= VMPROBE_OP_SGDT;
}

static void call_ktimed(struct worker *w, int fd)
{
	uint64_t samples[MAX_SAMPLES];
	struct vmprobe_ktimed kt = { .size = sizeof(kt) };
	unsigned int i;

	kt.op = below(w, VMPROBE_OP_COUNT);
	kt.iterations = 1 + below(w, 32);
	kt.batches = 1 + below(w, MAX_SAMPLES);
	kt.samples_ptr = (uintptr_t)samples;
	memset(samples, 0, sizeof(samples));
	if (ioctl(fd, VMPROBE_IOC_KTIMED, &kt)) {
		if (!(errno == EOPNOTSUPP && op_may_be_missing(kt.op)) && errno != ERANGE)
			wrong(w, "KTIMED failed", errno);
		return;
	}
	if (kt.batches_done != kt.batches || kt.size != sizeof(kt))
		wrong(w, "KTIMED batches_done or size wrong", 0);
	for (i = 0; i < kt.batches; i++) {
		if (samples[i] < kt.batch_ticks_min || samples[i] > kt.batch_ticks_max) {
			wrong(w, "KTIMED sample outside its own min..max", 0);
			break;
		}
	}
}

static void call_one(struct worker *w, int fd)
{
	struct vmprobe_info info = { .size = sizeof(info), .calib_ms = 1 };
	struct vmprobe_gaps g = { .size = sizeof(g) };
	struct vmprobe_ktimed bad = { .size = sizeof(bad), .iterations = 1, .batches = 1 };

	switch (below(w, 6)) {
	case 0:
		if (ioctl(fd, VMPROBE_IOC_INFO, &info) ||
		    info.abi_version != VMPROBE_ABI_VERSION || !info.calib_ref_ns)
			wrong(w, "INFO", errno);
		break;
	case 1:
		if (ioctl(fd, VMPROBE_IOC_NULL, 0))
			wrong(w, "NULL", errno);
		break;
	case 2:
		call_ktimed(w, fd);
		break;
	case 3:
		g.window_us = 1 + below(w, 20);
		g.windows = 1 + below(w, 3);
		if (ioctl(fd, VMPROBE_IOC_GAPS, &g) || g.windows_done != g.windows)
			wrong(w, "GAPS", errno);
		break;
	case 4:
		bad.op = VMPROBE_OP_COUNT + below(w, 100);
		if (ioctl(fd, VMPROBE_IOC_KTIMED, &bad) != -1 || errno != EINVAL)
			wrong(w, "KTIMED bad op not EINVAL", errno);
		break;
	default:
		if (ioctl(fd, _IO(VMPROBE_IOC_MAGIC, VMPROBE_IOC_NR_COUNT + below(w, 200)), 0) != -1 ||
		    errno != ENOTTY)
			wrong(w, "unknown command not ENOTTY", errno);
		break;
	}
	w->calls++;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	int fd = -1;

	while (now_s() < w->deadline) {
		/* Reopen now and then: open and release race with the others. */
		if (fd < 0 || below(w, 50) == 0) {
			if (fd >= 0)
				close(fd);
			fd = open(VMPROBE_DEVICE, O_RDWR);
			if (fd < 0) {
				wrong(w, "open", errno);
				break;
			}
		}
		call_one(w, fd);
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int run_process(unsigned int proc, unsigned int threads, double seconds)
{
	struct worker *workers = calloc(threads, sizeof(*workers));
	unsigned long long calls = 0, wrongs = 0;
	unsigned int t;

	if (!workers)
		return 1;
	for (t = 0; t < threads; t++) {
		workers[t].id = proc * 1000 + t;
		workers[t].rng = 0x9e3779b97f4a7c15ull * (workers[t].id + 1);
		workers[t].deadline = now_s() + seconds;
		if (pthread_create(&workers[t].thread, NULL, work, &workers[t])) {
			perror("concurrency: pthread_create");
			return 1;
		}
	}
	for (t = 0; t < threads; t++) {
		pthread_join(workers[t].thread, NULL);
		calls += workers[t].calls;
		wrongs += workers[t].wrong;
	}
	printf("# process %u: %u threads, %llu calls, %llu wrong answers\n",
	       proc, threads, calls, wrongs);
	fflush(stdout);
	free(workers);
	return wrongs ? 1 : 0;
}

static unsigned int parse_count(const char *opt, const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v < 1 || v > 256) {
		fprintf(stderr, "concurrency: %s wants 1..256, not '%s'\n", opt, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "procs", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "seconds", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int procs = 4, threads = 4, seconds = 8, p, failed = 0;
	int c, fd, status;
	pid_t pid;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'p': procs = parse_count("--procs", optarg); break;
		case 't': threads = parse_count("--threads", optarg); break;
		case 's': seconds = parse_count("--seconds", optarg); break;
		default:
			fprintf(stderr, "usage: concurrency [--procs N] [--threads M] [--seconds S]\n");
			return 2;
		}
	}
	fd = open(VMPROBE_DEVICE, O_RDWR);	/* pins the module for the whole run */
	if (!tap_ok(fd >= 0, "open %s", VMPROBE_DEVICE))
		return tap_done();
	fflush(stdout);
	for (p = 0; p < procs; p++) {
		pid = fork();
		if (pid < 0) {
			perror("concurrency: fork");
			return 1;
		}
		if (pid == 0)
			_exit(run_process(p, threads, seconds));
	}
	for (p = 0; p < procs; p++) {
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	tap_ok(failed == 0, "%u processes x %u threads for %u s: every answer right (%u processes saw a wrong one)",
	       procs, threads, seconds, failed);
	tap_ok(ioctl(fd, VMPROBE_IOC_NULL, 0) == 0, "the module still answers after the run");
	close(fd);
	return tap_done();
}
