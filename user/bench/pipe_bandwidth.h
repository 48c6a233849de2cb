/* SPDX-License-Identifier: GPL-2.0 */
/* pipe-bandwidth's private state, shared with its unit test (which corrupts the tallies). */
#ifndef VMPROBE_BENCH_PIPE_BANDWIDTH_H
#define VMPROBE_BENCH_PIPE_BANDWIDTH_H

#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#define PIPE_BW_CHUNK	(64u * 1024u)		/* bytes per write, as lmbench bw_pipe */
#define PIPE_BW_TOTAL	(50u * 1024u * 1024u)	/* bytes per op: the study's 50 MB */
#define PIPE_BW_CHUNKS	(PIPE_BW_TOTAL / PIPE_BW_CHUNK)

struct pipe_bw_priv {
	pid_t child;
	int ctl[2];		/* parent -> child: "send op number k" */
	int data[2];		/* child -> parent: the 50 MB */
	unsigned char *buf;
	size_t read_len;	/* bytes asked per read: PIPE_BW_CHUNK (tests pick odd ones) */
	struct sigaction saved_sigpipe;
	int restore_sigpipe;
	cpu_set_t saved_affinity;	/* this process's, restored at teardown */
	int restore_affinity;
	int cpu_reader, cpu_writer;	/* where each is pinned */
	uint32_t ops;		/* ops started */
	/* Tallies of the last op, checked by verify. */
	uint64_t bytes;		/* bytes received */
	uint64_t stamp_sum;	/* sum of the chunk stamps received */
	uint32_t stamps;	/* chunk stamps received */
	uint32_t bad_stamps;	/* stamps not where they belong */
	uint32_t split_stamps;	/* stamps that straddled two reads */
	uint32_t bad_samples;	/* sampled payload words not matching the pattern */
};

#endif /* VMPROBE_BENCH_PIPE_BANDWIDTH_H */
