// SPDX-License-Identifier: GPL-2.0
/* The command line of info/list/run/all: the one place values are checked. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"

enum {
	OPT_TIME_BUDGET = 256, OPT_REPETITIONS, OPT_CPU, OPT_QUICK, OPT_EVENTS, OPT_SIZES,
	OPT_JSON, OPT_CSV, OPT_LABEL, OPT_CLOCK, OPT_CLOCK_NOTE, OPT_MARKERS, OPT_HELP,
};

/* The one list of run/all's options (info takes --json only): getopt_long's array, the
   usage, `vmprobe help run` and the bash completion's list come from it. */
const struct cli_opt run_options[] = {
	{ "time-budget", required_argument, OPT_TIME_BUDGET, "SEC",
	  "the whole run's time in seconds (default %g)", { DEFAULT_TIME_BUDGET_S } },
	{ "repetitions", required_argument, OPT_REPETITIONS, "N",
	  "samples per row (default %g, %g with --quick)",
	  { DEFAULT_REPETITIONS, QUICK_REPETITIONS } },
	{ "cpu", required_argument, OPT_CPU, "N", "pin to CPU N", { 0 } },
	{ "quick", no_argument, OPT_QUICK, NULL, "small time goals (tests, smoke runs)", { 0 } },
	{ "events", required_argument, OPT_EVENTS, "LIST",
	  "libpfm4 event names, comma-separated (default " COUNTERS_DEFAULT_LIST ")", { 0 } },
	{ "sizes", required_argument, OPT_SIZES, "NAME=A:B[,..]", "sizes of sized benchmarks", { 0 } },
	{ "json", required_argument, OPT_JSON, "FILE", "write the result file there (info: the host facts)", { 0 } },
	{ "csv", required_argument, OPT_CSV, "FILE", "write one CSV line per row there", { 0 } },
	{ "label", required_argument, OPT_LABEL, "NAME", "the VMM's name in results (default: detected)", { 0 } },
	{ "clock", required_argument, OPT_CLOCK, "KIND",
	  "what the TSC counts: tsc (default), instructions or bochs-ips", { 0 } },
	{ "clock-note", required_argument, OPT_CLOCK_NOTE, "TEXT", "how the clock was set up", { 0 } },
	{ "markers", required_argument, OPT_MARKERS, "FILE",
	  "begin/end line per row there (for a host-side clock)", { 0 } },
	{ "help", no_argument, OPT_HELP, NULL, "this text", { 0 } },
	{ NULL, 0, 0, NULL, NULL, { 0 } },
};

static struct option long_options[sizeof(run_options) / sizeof(run_options[0])];

void options_usage(FILE *f)
{
	fprintf(f,
		"usage: vmprobe info [--json FILE]\n"
		"       vmprobe list\n"
		"       vmprobe run NAME... [options]\n"
		"       vmprobe all [options]\n"
		"       vmprobe compare BASE.json [OTHER.json...] [options]   (vmprobe help compare)\n"
		"       vmprobe annotate RESULT.json --host-marks FILE [--tolerance PCT]\n"
		"       vmprobe help [SUBCOMMAND] | --version\n"
		"options of run/all:\n");
	cli_print_options(f, run_options);
	fprintf(f, "NAME is a benchmark (all its sizes) or a row such as matmul-100.\n");
}

const char *clock_kind_name(enum clock_kind k)
{
	switch (k) {
	case CLOCK_KIND_INSTRUCTIONS:	return "instructions";
	case CLOCK_KIND_BOCHS_IPS:	return "bochs-ips";
	default:			return "tsc";
	}
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return OPTIONS_USAGE;
}

/* An integer in [min, max], the whole string, decimal. */
static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!*s || (*s != '-' && *s != '+' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

const long *options_bench_sizes(const struct options *o, const struct bench *b)
{
	for (size_t i = 0; i < o->nsizes; i++)
		if (o->sizes[i].bench == b)
			return o->sizes[i].sizes;
	return b->sizes;
}

int options_find_row(const char *name, const struct bench **b, long *size)
{
	const char *dash = strrchr(name, '-');
	char base[ROW_NAME_LEN];
	long v;

	*b = bench_find(name);
	*size = 0;
	if (*b)
		return 0;
	/* "matmul-100": the part after the last '-' is the size. */
	if (!dash || dash == name || (size_t)(dash - name) >= sizeof(base) ||
	    parse_long(dash + 1, 1, MAX_BENCH_SIZE, &v) || dash[1] == '+' || dash[1] == '-')
		return -1;
	memcpy(base, name, dash - name);
	base[dash - name] = '\0';
	*b = bench_find(base);
	if (!*b || (*b)->sizes[0] == 0)
		return -1;
	*size = v;
	return 0;
}

static int parse_sizes(struct options *o, const char *arg, char *err, size_t errlen)
{
	char buf[1024], *save = NULL, *item;

	if (strlen(arg) >= sizeof(buf))
		return fail(err, errlen, "--sizes: argument too long");
	strcpy(buf, arg);
	if (!*buf)
		return fail(err, errlen, "--sizes: empty; expected NAME=A:B[,NAME=...]");
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '='), *vsave = NULL, *tok;
		const struct bench *b;
		struct size_override *ov;
		size_t k = 0;

		if (!eq || eq == item || !eq[1])
			return fail(err, errlen, "--sizes: '%s' is not NAME=A:B", item);
		*eq = '\0';
		b = bench_find(item);
		if (!b)
			return fail(err, errlen, "--sizes: unknown benchmark '%s'", item);
		if (b->sizes[0] == 0)
			return fail(err, errlen, "--sizes: benchmark '%s' takes no size", item);
		for (size_t i = 0; i < o->nsizes; i++)
			if (o->sizes[i].bench == b)
				return fail(err, errlen, "--sizes: '%s' given twice", item);
		if (o->nsizes == sizeof(o->sizes) / sizeof(o->sizes[0]))
			return fail(err, errlen, "--sizes: too many benchmarks");
		ov = &o->sizes[o->nsizes];
		memset(ov, 0, sizeof(*ov));
		ov->bench = b;
		for (tok = strtok_r(eq + 1, ":", &vsave); tok; tok = strtok_r(NULL, ":", &vsave)) {
			long v;

			if (parse_long(tok, 1, MAX_BENCH_SIZE, &v))
				return fail(err, errlen,
					    "--sizes: %s size '%s' is not an integer in 1..%ld",
					    item, tok, MAX_BENCH_SIZE);
			if (k == BENCH_MAX_SIZES - 1)
				return fail(err, errlen, "--sizes: %s: at most %d sizes",
					    item, BENCH_MAX_SIZES - 1);
			ov->sizes[k++] = v;
		}
		if (k == 0)
			return fail(err, errlen, "--sizes: no size given for '%s'", item);
		o->nsizes++;
	}
	return 0;
}

static int add_row(struct options *o, const struct bench *b, long size, char *err, size_t errlen)
{
	struct bench_row *r;

	for (size_t i = 0; i < o->nrows; i++)
		if (o->rows[i].bench == b && o->rows[i].size == size)
			return 0;
	if (o->nrows == OPTIONS_MAX_ROWS)
		return fail(err, errlen, "more than %d benchmark rows", OPTIONS_MAX_ROWS);
	r = &o->rows[o->nrows++];
	r->bench = b;
	r->size = size;
	if (size)
		snprintf(r->name, sizeof(r->name), "%s-%ld", b->name, size);
	else
		snprintf(r->name, sizeof(r->name), "%s", b->name);
	return 0;
}

static int add_bench_rows(struct options *o, const struct bench *b, char *err, size_t errlen)
{
	const long *sizes = options_bench_sizes(o, b);
	int ret;

	if (b->sizes[0] == 0)
		return add_row(o, b, 0, err, errlen);
	for (size_t k = 0; k < BENCH_MAX_SIZES && sizes[k]; k++)
		if ((ret = add_row(o, b, sizes[k], err, errlen)))
			return ret;
	return 0;
}

/* Whether the options given make sense for the subcommand. */
static int check_applicable(enum vmprobe_cmd cmd, int opt, const char *optname,
			    char *err, size_t errlen)
{
	const char *cmdname = cmd == CMD_INFO ? "info" : "list";

	if (cmd == CMD_RUN || cmd == CMD_ALL || opt == OPT_HELP)
		return 0;
	if (cmd == CMD_INFO && opt == OPT_JSON)
		return 0;
	return fail(err, errlen, "--%s is not an option of '%s'", optname, cmdname);
}

static int check_output_path(const char *opt, const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	const char *slash;
	struct stat sb;

	if (!*path)
		return fail(err, errlen, "--%s: empty file name", opt);
	if (strlen(path) >= sizeof(dir) - 8)
		return fail(err, errlen, "--%s: file name too long", opt);
	/* An existing file we may write (a device, a serial port) is fine; a directory is not. */
	if (stat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode))
			return fail(err, errlen, "--%s %s: is a directory", opt, path);
		if (access(path, W_OK) != 0)
			return fail(err, errlen, "--%s %s: %s", opt, path, strerror(errno));
		return 0;
	}
	slash = strrchr(path, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == path)
		strcpy(dir, "/");
	else {
		memcpy(dir, path, slash - path);
		dir[slash - path] = '\0';
	}
	if (access(dir, W_OK | X_OK) != 0)
		return fail(err, errlen, "--%s %s: cannot create a file in %s: %s",
			    opt, path, dir, strerror(errno));
	return 0;
}

/* --time-budget SECONDS. */
static int parse_time_budget(struct options *o, const char *arg, char *err, size_t errlen)
{
	char *end;

	errno = 0;
	o->time_budget_s = strtod(arg, &end);
	if (!*arg || *end || errno || !isfinite(o->time_budget_s) ||
	    o->time_budget_s <= 0 || o->time_budget_s > MAX_TIME_BUDGET_S)
		return fail(err, errlen,
			    "--time-budget '%s': expected seconds, > 0 and <= %.0f",
			    arg, MAX_TIME_BUDGET_S);
	return 0;
}

/* --cpu N: a CPU this process may run on. */
static int parse_cpu(struct options *o, const char *arg, char *err, size_t errlen)
{
	cpu_set_t allowed;
	long v;

	if (parse_long(arg, 0, CPU_SETSIZE - 1, &v))
		return fail(err, errlen, "--cpu '%s': expected a CPU number 0..%d",
			    arg, CPU_SETSIZE - 1);
	if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0 &&
	    !CPU_ISSET((int)v, &allowed))
		return fail(err, errlen,
			    "--cpu %ld: CPU not available to this process (%d online)",
			    v, (int)sysconf(_SC_NPROCESSORS_ONLN));
	o->cpu = (int)v;
	return 0;
}

/* --label LABEL: a file name's worth of [A-Za-z0-9._+-]. */
static int parse_label(struct options *o, const char *arg, char *err, size_t errlen)
{
	if (!*arg || strlen(arg) > 63 || strspn(arg,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+")
	    != strlen(arg))
		return fail(err, errlen,
			    "--label '%s': expected 1..63 of [A-Za-z0-9._+-]", arg);
	o->label = arg;
	return 0;
}

/* --clock KIND. */
static int parse_clock(struct options *o, const char *arg, char *err, size_t errlen)
{
	if (!strcmp(arg, "tsc"))
		o->clock = CLOCK_KIND_TSC;
	else if (!strcmp(arg, "instructions"))
		o->clock = CLOCK_KIND_INSTRUCTIONS;
	else if (!strcmp(arg, "bochs-ips"))
		o->clock = CLOCK_KIND_BOCHS_IPS;
	else
		return fail(err, errlen,
			    "--clock '%s': expected tsc, instructions or bochs-ips", arg);
	return 0;
}

/* One option's value into o: 0, OPTIONS_HELP, or an error (err set). */
static int set_option(struct options *o, int opt, const char *arg, char *err, size_t errlen)
{
	long v;
	int ret;

	switch (opt) {
	case OPT_HELP:
		return OPTIONS_HELP;
	case OPT_TIME_BUDGET:
		return parse_time_budget(o, arg, err, errlen);
	case OPT_REPETITIONS:
		if (parse_long(arg, 1, MAX_REPETITIONS, &v))
			return fail(err, errlen,
				    "--repetitions '%s': expected an integer in 1..%d",
				    arg, MAX_REPETITIONS);
		o->repetitions = (int)v;
		o->repetitions_given = true;
		break;
	case OPT_CPU:
		return parse_cpu(o, arg, err, errlen);
	case OPT_QUICK:
		o->quick = true;
		break;
	case OPT_EVENTS:
		if (!*arg)
			return fail(err, errlen, "--events: empty list");
		o->events = arg;
		o->events_given = true;
		break;
	case OPT_SIZES:
		if ((ret = parse_sizes(o, arg, err, errlen)))
			return ret;
		break;
	case OPT_JSON:
		if ((ret = check_output_path("json", arg, err, errlen)))
			return ret;
		o->json = arg;
		break;
	case OPT_CSV:
		if ((ret = check_output_path("csv", arg, err, errlen)))
			return ret;
		o->csv = arg;
		break;
	case OPT_MARKERS:
		if ((ret = check_output_path("markers", arg, err, errlen)))
			return ret;
		o->markers = arg;
		break;
	case OPT_LABEL:
		return parse_label(o, arg, err, errlen);
	case OPT_CLOCK:
		return parse_clock(o, arg, err, errlen);
	case OPT_CLOCK_NOTE:
		if (!*arg || strlen(arg) > 512 || !printable(arg))
			return fail(err, errlen,
				    "--clock-note: expected 1..512 printable characters");
		o->clock_note = arg;
		break;
	}
	return 0;
}

/* After the options: clashes between them, the counters, and the rows named or all of them. */
static int finish_options(struct options *o, int argc, char **argv, const char *sub, char *err,
			  size_t errlen)
{
	int ret;

	if (o->json && o->csv && !strcmp(o->json, o->csv))
		return fail(err, errlen, "--json and --csv name the same file");
	if (o->markers && ((o->json && !strcmp(o->json, o->markers)) ||
			   (o->csv && !strcmp(o->csv, o->markers))))
		return fail(err, errlen, "--markers names the same file as --json/--csv");
	if (o->quick && !o->repetitions_given)
		o->repetitions = QUICK_REPETITIONS;
	if (o->cmd == CMD_RUN || o->cmd == CMD_ALL) {
		char why[256];

		if (counters_parse(&o->counters, o->events, why, sizeof(why)))
			return fail(err, errlen, "--events: %s", why);
	}

	/* Positional arguments: benchmark names for run, nothing elsewhere. */
	if (o->cmd != CMD_RUN && optind + 1 < argc)
		return fail(err, errlen, "'%s' takes no arguments (got '%s')", sub, argv[optind + 1]);
	if (o->cmd == CMD_RUN) {
		if (optind + 1 >= argc)
			return fail(err, errlen, "run: name at least one benchmark (vmprobe list)");
		for (int i = optind + 1; i < argc; i++) {
			const struct bench *b;
			long size;

			if (options_find_row(argv[i], &b, &size))
				return fail(err, errlen,
					    "unknown benchmark '%s' (vmprobe list shows them)", argv[i]);
			ret = size ? add_row(o, b, size, err, errlen)
				   : add_bench_rows(o, b, err, errlen);
			if (ret)
				return ret;
		}
	} else if (o->cmd == CMD_ALL) {
		for (size_t i = 0; i < bench_table_len; i++)
			if ((ret = add_bench_rows(o, bench_table[i], err, errlen)))
				return ret;
	}
	return 0;
}

int options_parse(int argc, char **argv, struct options *o, char *err, size_t errlen)
{
	const char *sub;
	int opt, ret;

	memset(o, 0, sizeof(*o));
	o->time_budget_s = DEFAULT_TIME_BUDGET_S;
	o->repetitions = DEFAULT_REPETITIONS;
	o->cpu = -1;
	o->events = COUNTERS_DEFAULT_LIST;
	err[0] = '\0';

	if (argc < 2)
		return fail(err, errlen, "no subcommand (info, list, run, all, compare, annotate)");
	sub = argv[1];
	if (!strcmp(sub, "info"))
		o->cmd = CMD_INFO;
	else if (!strcmp(sub, "list"))
		o->cmd = CMD_LIST;
	else if (!strcmp(sub, "run"))
		o->cmd = CMD_RUN;
	else if (!strcmp(sub, "all"))
		o->cmd = CMD_ALL;
	else if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help"))
		return OPTIONS_HELP;
	else
		return fail(err, errlen, "unknown subcommand '%s'", sub);

	cli_longopts(run_options, long_options);
	optind = 0;	/* full reset: parse argv afresh (glibc) */
	opterr = 0;
	while ((opt = getopt_long(argc - 1, argv + 1, ":", long_options, NULL)) != -1) {
		const char *arg = optarg;
		const char *name = NULL;

		if (opt == '?') {
			const char *bad = argv[optind];	/* argv + 1 shifted by one */

			return fail(err, errlen, "unknown option '%s'", bad ? bad : "?");
		}
		if (opt == ':')
			return fail(err, errlen, "option '%s' needs a value", argv[optind]);
		for (const struct option *lo = long_options; lo->name; lo++)
			if (lo->val == opt)
				name = lo->name;
		if ((ret = check_applicable(o->cmd, opt, name, err, errlen)))
			return ret;

		if ((ret = set_option(o, opt, arg, err, errlen)))
			return ret;
	}
	return finish_options(o, argc, argv, sub, err, errlen);
}
