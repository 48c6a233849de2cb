// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: an ioctl fuzzer for /dev/vmprobe. Throws random and mutated
 * commands, sizes, field values and pointers at the device and checks
 * that every answer is one the ABI documents, that the module never writes
 * past the size it was given, and that it keeps answering. Kernel-side
 * damage (oops, lockups, KASAN) is what the guest script then looks for
 * in dmesg.
 *
 *   fuzz [--count N] [--seed S]
 *
 * The seed is printed, so a failing run can be replayed. An interval timer
 * (no SA_RESTART) interrupts any call that runs long, which bounds each
 * call and drives the -EINTR paths. Prints TAP on stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "uapi/vmprobe.h"
#include "tap.h"

#define DEFAULT_COUNT	400000	/* about 60 s under QEMU TCG on a 2-core host */
#define DEFAULT_SEED	20051	/* fixed: runs are repeatable unless told otherwise */
#define TIMER_US	20000	/* the longest a call may run before a signal ends it */
#define BUF_SIZE	8192
#define CANARY		0xa5

static uint64_t rng_state;

/* xorshift64*: small, fast, and the same sequence for the same seed. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t below(uint32_t n) { return n ? rnd() % n : 0; }
static int chance(unsigned int percent) { return below(100) < percent; }

static long page_size;
static unsigned char *buf;		/* BUF_SIZE bytes, canary-filled */
static unsigned char *guard;		/* page_size bytes, then PROT_NONE */
static unsigned char *readonly;		/* one page, PROT_READ */
static void *unmapped;

static void on_timer(int sig) { }

static void *map_or_die(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("fuzz: mmap");
		exit(1);
	}
	return p;
}

static void setup_memory(void)
{
	buf = map_or_die(BUF_SIZE, PROT_READ | PROT_WRITE);
	guard = map_or_die(2 * page_size, PROT_READ | PROT_WRITE);
	if (mprotect(guard + page_size, page_size, PROT_NONE)) {
		perror("fuzz: mprotect");
		exit(1);
	}
	readonly = map_or_die(page_size, PROT_READ);
	unmapped = map_or_die(page_size, PROT_READ);
	munmap(unmapped, page_size);
}

/* Values that sit on and around the documented bounds, or anywhere. */
static uint32_t pick_u32(uint32_t max)
{
	switch (below(10)) {
	case 0: return 0;
	case 1: return max;
	case 2: return max + 1;
	case 3: return (uint32_t)rnd();
	case 4: return 1u << below(32);
	default: return 1 + below(max < 16 ? max : 16);	/* small and valid: cheap */
	}
}

static uint64_t pick_pointer(void)
{
	switch (below(8)) {
	case 0: return 0;
	case 1: return (uintptr_t)unmapped;
	case 2: return 0xffffffff81000000ull;		/* kernel text */
	case 3: return 0x8000000000000000ull;		/* non-canonical */
	case 4: return (uintptr_t)readonly;
	case 5: return (uintptr_t)(guard + page_size - 8 * (1 + below(4)));
	case 6: return rnd();
	default: return (uintptr_t)(buf + BUF_SIZE / 2);	/* room for 512 samples */
	}
}

/* The size field: the right one mostly, and every kind of wrong one. */
static uint32_t pick_size(uint32_t ksize, uint32_t ver0)
{
	switch (below(12)) {
	case 0: return 0;
	case 1: return ver0 - 1 - below(ver0);
	case 2: return ksize + 8 * (1 + below(32));	/* a "newer" caller */
	case 3: return page_size + below(2);
	case 4: return (uint32_t)rnd();
	default: return ksize;
	}
}

static void fill_info(struct vmprobe_info *info)
{
	info->calib_ms = chance(5) ? pick_u32(VMPROBE_CALIB_MAX_MS) : 1;
	if (chance(5))
		info->reserved[below(8)] = rnd();
}

static void fill_ktimed(struct vmprobe_ktimed *kt)
{
	kt->op = chance(90) ? below(VMPROBE_OP_COUNT) : pick_u32(VMPROBE_OP_COUNT);
	kt->iterations = chance(5) ? pick_u32(VMPROBE_KTIMED_MAX_ITERS) : 1 + below(16);
	kt->batches = chance(5) ? pick_u32(VMPROBE_KTIMED_MAX_BATCHES) : 1 + below(4);
	kt->samples_ptr = chance(30) ? pick_pointer() : 0;
	kt->ref_samples_ptr = chance(30) ? pick_pointer() : 0;
	if ((kt->samples_ptr == (uintptr_t)(buf + BUF_SIZE / 2) ||
	     kt->ref_samples_ptr == (uintptr_t)(buf + BUF_SIZE / 2)) && kt->batches > 512)
		kt->batches = 512;
	if (chance(30))
		kt->flags = VMPROBE_KTIMED_DOUBLE;
	if (chance(5))
		kt->flags = 1u << below(32);
	if (chance(5))
		kt->reserved[below(3)] = rnd();
	if (chance(5))
		kt->reserved32 = (uint32_t)rnd();
}

static void fill_gaps(struct vmprobe_gaps *g)
{
	g->window_us = chance(5) ? pick_u32(VMPROBE_GAPS_MAX_WINDOW_US) : 1 + below(20);
	g->windows = chance(5) ? pick_u32(VMPROBE_GAPS_MAX_WINDOWS) : 1 + below(3);
	g->threshold_ns = chance(50) ? 0 : chance(10) ? (uint32_t)rnd() : below(g->window_us * 1000 + 2);
	if (chance(5))
		g->flags = 1u << below(32);
	if (chance(5))
		g->reserved[below(sizeof(g->reserved) / sizeof(g->reserved[0]))] = rnd();
}

static void fill_irq(struct vmprobe_irq *irq)
{
	irq->kind = chance(90) ? below(VMPROBE_IRQ_COUNT) : pick_u32(VMPROBE_IRQ_COUNT);
	irq->round_trips = chance(5) ? pick_u32(VMPROBE_IRQ_MAX_ROUND_TRIPS) : 1 + below(8);
	irq->samples_ptr = chance(30) ? pick_pointer() : 0;
	if (irq->samples_ptr == (uintptr_t)(buf + BUF_SIZE / 2) && irq->round_trips > 512)
		irq->round_trips = 512;
	if (chance(5))
		irq->flags = 1u << below(32);
	if (chance(5))
		irq->reserved[below(sizeof(irq->reserved) / sizeof(irq->reserved[0]))] = rnd();
}

/*
 * The valid commands, INFO seldom: its calibration sleeps at least a jiffy
 * (4 ms at HZ=250), which would otherwise eat most of the run.
 */
static unsigned long pick_valid_cmd(void)
{
	uint32_t r = below(100);

	return r < 3 ? VMPROBE_IOC_INFO : r < 30 ? VMPROBE_IOC_NULL :
	       r < 60 ? VMPROBE_IOC_KTIMED : r < 85 ? VMPROBE_IOC_GAPS : VMPROBE_IOC_IRQ;
}

/* A command number: valid, valid with other size bits, bit-flipped, or random. */
static unsigned long pick_cmd(void)
{
	unsigned long cmd = pick_valid_cmd();

	switch (below(10)) {
	case 0: case 1:
		return (cmd & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
		       ((unsigned long)below(_IOC_SIZEMASK + 1) << _IOC_SIZESHIFT);
	case 2: case 3:
		return cmd ^ (1ul << below(32)) ^ (chance(50) ? 1ul << below(32) : 0);
	case 4:
		return (uint32_t)rnd();
	case 5:
		return _IOC(below(4), VMPROBE_IOC_MAGIC, below(256), below(_IOC_SIZEMASK + 1));
	default:
		return cmd;
	}
}

/* Build the argument for @cmd in @arg (inside buf or guard); return its address. */
static void *build_arg(unsigned long cmd, uint32_t *usize)
{
	unsigned char s[BUF_SIZE / 2];
	uint32_t ksize = 0, ver0 = 0, size;
	unsigned char *dst;
	uint64_t p;

	memset(s, 0, sizeof(s));
	switch (_IOC_NR(cmd)) {
	case 0:
		ksize = sizeof(struct vmprobe_info); ver0 = VMPROBE_INFO_SIZE_VER0;
		fill_info((struct vmprobe_info *)s);
		break;
	case 2:
		ksize = sizeof(struct vmprobe_ktimed); ver0 = VMPROBE_KTIMED_SIZE_VER0;
		fill_ktimed((struct vmprobe_ktimed *)s);
		break;
	case 3:
		ksize = sizeof(struct vmprobe_gaps); ver0 = VMPROBE_GAPS_SIZE_VER0;
		fill_gaps((struct vmprobe_gaps *)s);
		break;
	case 4:
		ksize = sizeof(struct vmprobe_irq); ver0 = VMPROBE_IRQ_SIZE_VER0;
		fill_irq((struct vmprobe_irq *)s);
		break;
	default:
		ksize = 64; ver0 = 8;
		break;
	}
	size = pick_size(ksize, ver0);
	/* A larger struct's tail: zero mostly, one stray byte sometimes. */
	if (size > ksize && size <= sizeof(s) && chance(30))
		s[ksize + below(size - ksize)] = 1 + below(255);
	memcpy(s, &size, sizeof(size));
	*usize = size;

	switch (below(10)) {
	case 0:	/* the pointer itself is bad */
		p = pick_pointer();
		if (p == (uintptr_t)(buf + BUF_SIZE / 2))
			break;
		*usize = 0;
		return (void *)(uintptr_t)p;
	case 1:	/* the struct runs into the PROT_NONE page */
		dst = guard + page_size - (ksize > 16 ? below(ksize) + 1 : 4);
		memcpy(dst, s, guard + page_size - dst);
		*usize = 0;
		return dst;
	}
	memset(buf, CANARY, BUF_SIZE / 2);
	memcpy(buf, s, size < sizeof(s) / 2 ? size : sizeof(s) / 2);
	return buf;
}

enum { N_ERRNO = 256, CHECKED = BUF_SIZE / 4 };

static unsigned char before[CHECKED];

/* What the module writes back for a command that dispatched to a struct. */
static size_t struct_size(unsigned long cmd)
{
	switch (_IOC_NR(cmd)) {
	case 0: return sizeof(struct vmprobe_info);
	case 2: return sizeof(struct vmprobe_ktimed);
	case 3: return sizeof(struct vmprobe_gaps);
	case 4: return sizeof(struct vmprobe_irq);
	default: return 0;	/* NULL writes nothing */
	}
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa = { .sa_handler = on_timer };	/* no SA_RESTART */
	struct itimerval it = { { 0, TIMER_US }, { 0, TIMER_US } };
	unsigned long long count = DEFAULT_COUNT, seed = DEFAULT_SEED, i;
	unsigned long long by_errno[N_ERRNO] = { 0 }, by_nr[VMPROBE_IOC_NR_COUNT + 1] = { 0 };
	unsigned long long bad_errno = 0, overwrites = 0, bad_size = 0;
	struct timespec t0, t1;
	char *end;
	int c, fd, e;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'c':
			errno = 0;
			count = strtoull(optarg, &end, 0);
			if (errno || *end || !count) {
				fprintf(stderr, "fuzz: --count wants a number > 0, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 's':
			errno = 0;
			seed = strtoull(optarg, &end, 0);
			if (errno || *end) {
				fprintf(stderr, "fuzz: --seed wants a number, not '%s'\n", optarg);
				return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: fuzz [--count N] [--seed S]\n");
			return 2;
		}
	}
	rng_state = seed ? seed : 1;
	page_size = sysconf(_SC_PAGESIZE);
	setup_memory();

	fd = open(VMPROBE_DEVICE, O_RDWR);
	if (!tap_ok(fd >= 0, "open %s", VMPROBE_DEVICE))
		return tap_done();
	tap_diag("fuzz: seed %llu, %llu calls (replay: fuzz --seed %llu --count %llu)",
		 seed, count, seed, count);

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++) {
		unsigned long cmd = pick_cmd();
		uint32_t usize;
		void *arg = build_arg(cmd, &usize);
		int ret;

		memcpy(before, buf, CHECKED);
		ret = ioctl(fd, cmd, arg);

		e = ret ? errno : 0;
		by_errno[e < N_ERRNO ? e : 0]++;
		by_nr[_IOC_TYPE(cmd) == VMPROBE_IOC_MAGIC && _IOC_NR(cmd) < VMPROBE_IOC_NR_COUNT ? _IOC_NR(cmd) : VMPROBE_IOC_NR_COUNT]++;
		switch (e) {
		case 0: case ENOTTY: case EFAULT: case EINVAL: case E2BIG:
		case EOPNOTSUPP: case ERANGE: case EINTR:
		case EAGAIN: case ETIMEDOUT:	/* IRQ's own (include/uapi/vmprobe.h) */
			break;
		default:
			if (bad_errno++ < 10)
				tap_diag("call %llu: cmd 0x%lx gave undocumented errno %d (%s)",
					 i, cmd, e, strerror(e));
		}
		/*
		 * The module writes min(size, its sizeof) bytes when it succeeds
		 * (or stops with EINTR/ERANGE), nothing otherwise: anything else
		 * changed is a leak or a stray write.
		 */
		if (arg == buf) {
			size_t allowed = 0, k;

			if (e == 0 || e == EINTR || e == ERANGE)
				allowed = usize < struct_size(cmd) ? usize : struct_size(cmd);
			for (k = allowed; k < CHECKED; k++) {
				if (buf[k] != before[k]) {
					if (overwrites++ < 10)
						tap_diag("call %llu: cmd 0x%lx size %u (%s): byte %zu changed",
							 i, cmd, usize, strerror(e), k);
					break;
				}
			}
			if (allowed >= 4 && *(uint32_t *)buf != allowed && bad_size++ < 10)
				tap_diag("call %llu: size written back %u, not %zu",
					 i, *(uint32_t *)buf, allowed);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	it = (struct itimerval){ 0 };
	setitimer(ITIMER_REAL, &it, NULL);

	double secs = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	tap_diag("fuzz: %llu calls in %.1f s (%.0f/s); by command: INFO %llu NULL %llu KTIMED %llu GAPS %llu IRQ %llu other %llu",
		 count, secs, count / secs, by_nr[0], by_nr[1], by_nr[2], by_nr[3], by_nr[4],
		 by_nr[VMPROBE_IOC_NR_COUNT]);
	tap_diag("fuzz: results: ok %llu ENOTTY %llu EFAULT %llu EINVAL %llu E2BIG %llu EOPNOTSUPP %llu ERANGE %llu EINTR %llu",
		 by_errno[0], by_errno[ENOTTY], by_errno[EFAULT], by_errno[EINVAL],
		 by_errno[E2BIG], by_errno[EOPNOTSUPP], by_errno[ERANGE], by_errno[EINTR]);
	tap_ok(bad_errno == 0, "fuzz: every errno is a documented one (%llu not)", bad_errno);
	tap_ok(overwrites == 0, "fuzz: nothing written past min(caller's size, module's), nothing on errors (%llu times)", overwrites);
	tap_ok(bad_size == 0, "fuzz: size written back is always min(caller's, module's) (%llu times not)", bad_size);
	tap_ok(by_errno[0] > count / 100 && by_errno[EINVAL] > 0 && by_errno[EFAULT] > 0 &&
	       by_errno[ENOTTY] > 0 && by_errno[E2BIG] > 0 && by_errno[EINTR] > 0,
	       "fuzz: reached success and every error path (ok, EINVAL, EFAULT, ENOTTY, E2BIG, EINTR)");
	tap_ok(ioctl(fd, VMPROBE_IOC_NULL, 0) == 0, "fuzz: the module still answers NULL");
	close(fd);
	return tap_done();
}
