// SPDX-License-Identifier: GPL-2.0
/* vmprobe: what a virtual machine monitor costs. Subcommand dispatch. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "annotate.h"
#include "bench.h"
#include "compare.h"
#include "harness.h"
#include "hostinfo.h"
#include "kmodif.h"
#include "options.h"
#include "progress.h"
#include "result.h"
#include "tsc.h"

#define EXIT_USAGE		2
#define EXIT_INTERRUPTED	130

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	stop_requested = sig;
}

/* SA_RESTART: a benchmark's syscalls must not see EINTR; the harness polls the flag. */
static void catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int cmd_info(const struct options *o)
{
	struct hostinfo *hi = calloc(1, sizeof(*hi));
	char why[256];
	int devfd = kmod_open(why, sizeof(why), NULL), ret = 0;

	if (!hi)
		return 1;
	hostinfo_gather(hi, devfd, NULL);
	hostinfo_print(hi, stdout);
	if (o->json) {
		json_object *obj = hostinfo_json(hi);

		if (result_write_json(o->json, obj, why, sizeof(why))) {
			fprintf(stderr, "vmprobe: %s\n", why);
			ret = 1;
		}
		json_object_put(obj);
	}
	if (devfd >= 0)
		close(devfd);
	free(hi);
	return ret;
}

static void format_sizes(char *buf, size_t len, const long *sizes)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int k = 0; k < BENCH_MAX_SIZES && sizes[k] && used < len; k++)
		used += snprintf(buf + used, len - used, "%s%ld", k ? "," : "", sizes[k]);
	if (!buf[0])
		snprintf(buf, len, "-");
}

static int cmd_list(void)
{
	char why[160];
	int devfd = kmod_open(why, sizeof(why), NULL);
	size_t wname = 4, wsizes = 5;

	for (size_t i = 0; i < bench_table_len; i++) {
		char sizes[128];

		format_sizes(sizes, sizeof(sizes), bench_table[i]->sizes);
		if (strlen(bench_table[i]->name) > wname)
			wname = strlen(bench_table[i]->name);
		if (strlen(sizes) > wsizes)
			wsizes = strlen(sizes);
	}
	printf("%-*s  %-5s  %-*s  %-9s  %s\n", (int)wname, "name", "group", (int)wsizes, "sizes",
	       "here", "summary");
	for (size_t i = 0; i < bench_table_len; i++) {
		const struct bench *b = bench_table[i];
		struct bench_state st = { .bench = b, .size = b->sizes[0], .devfd = devfd, .cpu = -1 };
		char sizes[128], skip[BENCH_MSG_LEN] = "";
		const char *seen = bench_kvm_seen(b->name);

		format_sizes(sizes, sizeof(sizes), b->sizes);
		if ((b->flags & BENCH_NEEDS_MODULE) && devfd < 0)
			snprintf(skip, sizeof(skip), "needs the vmprobe module: %s", why);
		else if (b->valid && !b->valid(&st, skip, sizeof(skip)) && !skip[0])
			snprintf(skip, sizeof(skip), "not valid here");
		printf("%-*s  %-5s  %-*s  %-9s  %s%s%s%s%s%s\n", (int)wname, b->name, b->group,
		       (int)wsizes, sizes, skip[0] ? "skip" : "runnable", b->summary,
		       seen ? " [KVM exits: " : "", seen ? seen : "", seen ? "]" : "",
		       skip[0] ? " -- skipped: " : "", skip);
	}
	if (devfd >= 0)
		close(devfd);
	return 0;
}

/* Opens the markers file: a serial port or FIFO as is, a regular file truncated. */
static int open_markers(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOCTTY | O_CLOEXEC, 0644);
	struct stat sb;

	if (fd < 0) {
		fprintf(stderr, "vmprobe: --markers %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && ftruncate(fd, 0))
		fprintf(stderr, "vmprobe: --markers %s: truncating: %s\n", path, strerror(errno));
	return fd;
}

static int write_outputs(const struct options *o, const struct run_report *rep)
{
	char err[512];
	int ret = 0;

	if (o->json) {
		json_object *obj = result_json(rep);

		if (result_write_json(o->json, obj, err, sizeof(err))) {
			fprintf(stderr, "vmprobe: --json: %s\n", err);
			ret = 1;
		}
		json_object_put(obj);
	}
	if (o->csv && result_write_csv(o->csv, rep, err, sizeof(err))) {
		fprintf(stderr, "vmprobe: --csv: %s\n", err);
		ret = 1;
	}
	return ret;
}

static int cmd_measure(struct options *o, int argc, char **argv)
{
	struct run_report rep = { .argc = argc, .argv = argv, .opts = o };
	struct harness_config cfg = { 0 };
	struct harness *h = calloc(1, sizeof(*h));
	struct hostinfo *hi = calloc(1, sizeof(*hi));
	struct row_result *rows = calloc(o->nrows ? o->nrows : 1, sizeof(*rows));
	struct tsc_clock clk;
	char why[256];
	int devfd, markers_fd = -1, status = 0, interrupted;
	size_t done = 0;

	if (!h || !hi || !rows) {
		fprintf(stderr, "vmprobe: out of memory\n");
		return 1;
	}
	result_timestamp(rep.started, sizeof(rep.started));
	catch_stop_signals();
	devfd = kmod_open(why, sizeof(why), NULL);
	if (devfd < 0)
		fprintf(stderr, "vmprobe: %s; module benchmarks will be skipped\n", why);
	if (tsc_frequency(&clk, devfd, 200)) {
		fprintf(stderr, "vmprobe: no TSC frequency: %s\n", clk.detail);
		return 1;
	}
	hostinfo_gather(hi, devfd, &clk);
	if (o->markers && (markers_fd = open_markers(o->markers)) < 0)
		return 1;

	cfg.time_budget_s = o->time_budget_s;
	cfg.repetitions = o->repetitions;
	cfg.goal_s = o->quick ? HARNESS_QUICK_GOAL_S : HARNESS_GOAL_S;
	cfg.max_ops = HARNESS_MAX_OPS;
	cfg.cpu = o->cpu;
	cfg.devfd = devfd;
	cfg.clock = &clk;
	cfg.counters = &o->counters;
	cfg.stop = &stop_requested;
	cfg.markers_fd = markers_fd;
	cfg.progress = true;
	if (harness_init(h, &cfg))
		return 1;
	fprintf(stderr, "vmprobe: %s, TSC %.4f GHz (%s), timing overhead %.0f ticks, "
		"budget %.0f s for %zu rows\n", hi->vmm, clk.hz / 1e9, tsc_hz_source_name(clk.source),
		h->overhead_ticks, o->time_budget_s, o->nrows);

	progress_start(o->time_budget_s);
	interrupted = harness_run_rows(h, o->rows, o->nrows, rows, &done);
	if (!interrupted)
		harness_finish(h, rows, done);
	result_timestamp(rep.finished, sizeof(rep.finished));

	rep.label = o->label ? o->label : hi->vmm;
	rep.host = hi;
	rep.clock = &clk;
	rep.counters = &o->counters;
	rep.harness = h;
	rep.rows = rows;
	rep.nrows = done;
	rep.partial = interrupted;
	/* Files first: a closed stdout (| head) must not cost the results. */
	if (write_outputs(o, &rep))
		status = 1;
	result_print_table(stdout, &rep);
	fflush(stdout);
	for (size_t i = 0; i < done; i++)
		if (rows[i].status == ROW_FAILED)
			status = status ? status : 1;
	if (interrupted) {
		fprintf(stderr, "vmprobe: interrupted (%s): %zu of %zu rows finished%s\n",
			strsignal(stop_requested), done, o->nrows,
			o->json || o->csv ? ", written as partial" : "");
		status = EXIT_INTERRUPTED;
	}
	for (size_t i = 0; i < done; i++)
		row_result_free(&rows[i]);
	counters_close(&o->counters);
	if (markers_fd >= 0)
		close(markers_fd);
	if (devfd >= 0)
		close(devfd);
	free(rows);
	free(hi);
	free(h);
	return status;
}

static void usage_of_name(const char *name, FILE *f);

/* info, list, run and all share one parser (options.c); it knows which options each takes. */
static int cmd_measuring(int argc, char **argv)
{
	static struct options opts;
	char err[512];
	int ret;

	ret = options_parse(argc, argv, &opts, err, sizeof(err));
	if (ret == OPTIONS_HELP) {
		usage_of_name(argc > 1 ? argv[1] : "", stdout);
		return 0;
	}
	if (ret) {
		fprintf(stderr, "vmprobe: %s\nTry 'vmprobe help %s'.\n", err, argc > 1 ? argv[1] : "");
		return EXIT_USAGE;
	}
	tsc_init();
	switch (opts.cmd) {
	case CMD_INFO:
		return cmd_info(&opts);
	case CMD_LIST:
		return cmd_list();
	default:
		return cmd_measure(&opts, argc, argv);
	}
}

static int cmd_compare_argv(int argc, char **argv)
{
	return cmd_compare(argc - 1, argv + 1);
}

static int cmd_annotate_argv(int argc, char **argv)
{
	return cmd_annotate(argc - 1, argv + 1);
}

static const struct cli_opt info_options[] = {
	{ "json", required_argument, 0, "FILE", "write the host facts there as JSON", { 0 } },
	{ "help", no_argument, 0, NULL, "this text", { 0 } },
	{ NULL, 0, 0, NULL, NULL, { 0 } },
};
static const struct cli_opt no_options[] = {
	{ "help", no_argument, 0, NULL, "this text", { 0 } },
	{ NULL, 0, 0, NULL, NULL, { 0 } },
};

#define RUN_EPILOGUE \
	"NAME is a benchmark (all its sizes) or a row such as matmul-100.\n" \
	"exit status: 0 ok, 1 a row failed or an output could not be written, 2 usage,\n" \
	"             130 interrupted (partial results written)\n"

/* Every subcommand: its name, what runs it (given argv from the subcommand on), its options. */
static const struct subcommand {
	const char *name, *args, *summary;
	int (*run)(int argc, char **argv);
	const struct cli_opt *options;
	void (*usage)(FILE *f);		/* its own, longer usage; NULL: made from the table */
	const char *epilogue;		/* printed after the options (NULL: none) */
} subcommands[] = {
	{ "info", "[--json FILE]", "what this machine is: VMM, CPU, clock, module", cmd_measuring,
	  info_options, NULL, NULL },
	{ "list", "", "the benchmarks, their sizes, and whether each can run here", cmd_measuring,
	  no_options, NULL, NULL },
	{ "run", "NAME... [options]", "run the benchmarks or rows named", cmd_measuring,
	  run_options, NULL, RUN_EPILOGUE },
	{ "all", "[options]", "run every benchmark at its default sizes", cmd_measuring,
	  run_options, NULL, RUN_EPILOGUE },
	{ "compare", "BASE.json [OTHER.json...] [options]", "result files side by side",
	  cmd_compare_argv, compare_options, compare_usage, NULL },
	{ "annotate", "RESULT.json --host-marks MARKS [--tolerance PCT]",
	  "add the host's clock to a result file", cmd_annotate_argv, annotate_options,
	  annotate_usage, NULL },
};
#define SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static const struct subcommand *find_subcommand(const char *name)
{
	for (size_t i = 0; i < SUBCOMMANDS; i++)
		if (!strcmp(subcommands[i].name, name))
			return &subcommands[i];
	return NULL;
}

static void usage_of(const struct subcommand *sc, FILE *f)
{
	if (sc->usage) {
		sc->usage(f);
		return;
	}
	fprintf(f, "usage: vmprobe %s %s\n  %s\n", sc->name, sc->args, sc->summary);
	cli_print_options(f, sc->options);
	if (sc->epilogue)
		fputs(sc->epilogue, f);
}

static void usage_all(FILE *f);

static void usage_of_name(const char *name, FILE *f)
{
	const struct subcommand *sc = find_subcommand(name);

	if (sc)
		usage_of(sc, f);
	else
		usage_all(f);
}

static void usage_all(FILE *f)
{
	fprintf(f, "usage: vmprobe SUBCOMMAND [ARGS...]\n");
	for (size_t i = 0; i < SUBCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(f, "  help [SUBCOMMAND]   this text, or the subcommand's\n"
		"  --version           vmprobe's version\n\n");
	options_usage(f);
}

/*
 * `vmprobe help [SUBCOMMAND]`, and `--list-options SUBCOMMAND` (one long option per line,
 * "--name" or "--name=" when it takes a value: what the bash completion offers).
 */
static int cmd_help(int argc, char **argv)
{
	const struct subcommand *sc;

	if (argc < 3) {
		usage_all(stdout);
		return 0;
	}
	sc = find_subcommand(argv[2]);
	if (!sc) {
		fprintf(stderr, "vmprobe help: unknown subcommand '%s' (one of info, list, run, all, "
			"compare, annotate)\n", argv[2]);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--list-options")) {
		for (const struct cli_opt *o = sc->options; o->name; o++)
			printf("--%s\n", o->name);
		return 0;
	}
	usage_of(sc, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct subcommand *sc;

	if (argc < 2) {
		fprintf(stderr, "vmprobe: no subcommand (info, list, run, all, compare, annotate)\n");
		usage_all(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("vmprobe %s\n", VMPROBE_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--list-options"))
		return cmd_help(argc, argv);
	sc = find_subcommand(argv[1]);
	if (!sc) {
		fprintf(stderr, "vmprobe: unknown subcommand '%s'\nTry 'vmprobe help'.\n", argv[1]);
		return EXIT_USAGE;
	}
	return sc->run(argc, argv);
}
