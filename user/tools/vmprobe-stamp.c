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
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

static int emit(FILE *out, struct line_buffer *line, uint64_t stamp)
{
	if (fprintf(out, "%llu %.*s\n", (unsigned long long)stamp, (int)line->len,
		    line->text ? line->text : "") < 0 || fflush(out) != 0)
		return -1;
	line->len = 0;
	return 0;
}

int main(int argc, char **argv)
{
	struct line_buffer line = { 0 };
	FILE *out = stdout;
	char chunk[4096];
	int opt;

	while ((opt = getopt(argc, argv, "o:h")) != -1) {
		switch (opt) {
		case 'o':
			out = fopen(optarg, "w");
			if (!out) {
				fprintf(stderr, "vmprobe-stamp: cannot open '%s': %s\n", optarg,
					strerror(errno));
				return 1;
			}
			break;
		case 'h':
			printf("usage: vmprobe-stamp [-o FILE] < INPUT\n");
			return 0;
		default:
			fprintf(stderr, "usage: vmprobe-stamp [-o FILE] < INPUT\n");
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vmprobe-stamp: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	for (;;) {
		ssize_t got = read(STDIN_FILENO, chunk, sizeof(chunk));
		uint64_t stamp = realtime_ns();

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
				if (emit(out, &line, stamp) != 0)
					goto write_error;
			} else if (line_append(&line, chunk[i]) != 0) {
				fprintf(stderr, "vmprobe-stamp: out of memory\n");
				return 1;
			}
		}
	}
	if (line.len && emit(out, &line, realtime_ns()) != 0)
		goto write_error;
	free(line.text);
	return fclose(out) == 0 ? 0 : 1;
write_error:
	fprintf(stderr, "vmprobe-stamp: write: %s\n", strerror(errno));
	return 1;
}
