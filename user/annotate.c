// SPDX-License-Identifier: GPL-2.0
/*
 * `vmprobe annotate`: host-side wall time per benchmark row from the
 * stamped markers, and the verdict whether the guest's clock kept real
 * time. The file is rewritten whole (tmp + rename) or not at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "annotate.h"
#include "compare.h"
#include "resultio.h"

#define MARK_TAG "@@vmprobe"

static int line_fail(char *err, size_t errlen, const char *path, size_t line, const char *fmt, ...)
{
	va_list ap;
	int used = snprintf(err, errlen, "%s:%zu: ", path, line);

	if (used >= 0 && (size_t)used < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + used, errlen - used, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A decimal integer that fits in 63 bits, nothing else. */
static bool parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (INT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

void annotate_free_marks(struct host_marks *m)
{
	for (size_t i = 0; i < m->count; i++)
		free(m->rows[i].name);
	free(m->rows);
	memset(m, 0, sizeof(*m));
}

int annotate_parse_marks(const char *path, struct host_marks *m, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	struct host_mark *open_row = NULL;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *tok[6], *save = NULL;
		int ntok = 0;
		uint64_t stamp, seq;

		lineno++;
		if ((size_t)len != strlen(line)) {
			line_fail(err, errlen, path, lineno, "NUL byte in the line");
			goto out;
		}
		for (char *t = strtok_r(line, " \t\r\n", &save); t && ntok < 6;
		     t = strtok_r(NULL, " \t\r\n", &save))
			tok[ntok++] = t;
		if (ntok == 0)
			continue;	/* blank line */
		if (ntok != 5 || strcmp(tok[1], MARK_TAG) ||
		    (strcmp(tok[2], "begin") && strcmp(tok[2], "end"))) {
			line_fail(err, errlen, path, lineno,
				  "not a marker (expected \"STAMP_NS " MARK_TAG " begin|end NAME SEQ\")");
			goto out;
		}
		if (!parse_u64(tok[0], &stamp)) {
			line_fail(err, errlen, path, lineno, "stamp \"%s\" is not a count of ns", tok[0]);
			goto out;
		}
		if (!parse_u64(tok[4], &seq)) {
			line_fail(err, errlen, path, lineno, "sequence \"%s\" is not a number", tok[4]);
			goto out;
		}
		if (!strcmp(tok[2], "begin")) {
			if (open_row) {
				line_fail(err, errlen, path, lineno,
					  "begin of %s while %s (line %zu) has not ended", tok[3],
					  open_row->name, open_row->begin_line);
				goto out;
			}
			for (size_t i = 0; i < m->count; i++) {
				if (!strcmp(m->rows[i].name, tok[3])) {
					line_fail(err, errlen, path, lineno, "%s was already marked (line %zu)",
						  tok[3], m->rows[i].begin_line);
					goto out;
				}
				if (seq <= m->rows[i].seq) {
					line_fail(err, errlen, path, lineno,
						  "sequence %llu does not follow %llu (line %zu)",
						  (unsigned long long)seq,
						  (unsigned long long)m->rows[i].seq, m->rows[i].begin_line);
					goto out;
				}
			}
			struct host_mark *grown = realloc(m->rows, (m->count + 1) * sizeof(*grown));

			if (!grown) {
				line_fail(err, errlen, path, lineno, "out of memory");
				goto out;
			}
			m->rows = grown;
			open_row = &m->rows[m->count++];
			*open_row = (struct host_mark){ .name = strdup(tok[3]), .seq = seq,
							.begin_ns = stamp, .begin_line = lineno };
			if (!open_row->name) {
				line_fail(err, errlen, path, lineno, "out of memory");
				goto out;
			}
		} else {
			if (!open_row || strcmp(open_row->name, tok[3]) || open_row->seq != seq) {
				line_fail(err, errlen, path, lineno, "end of %s %s without its begin", tok[3],
					  tok[4]);
				goto out;
			}
			if (stamp < open_row->begin_ns) {
				line_fail(err, errlen, path, lineno,
					  "end stamp %s is before its begin (line %zu)", tok[0],
					  open_row->begin_line);
				goto out;
			}
			open_row->end_ns = stamp;
			open_row = NULL;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		goto out;
	}
	if (open_row) {
		/* The interrupted row has no wall time; drop it. */
		free(open_row->name);
		m->count--;
		m->open_at_end = true;
	}
	rc = 0;
out:
	free(line);
	fclose(f);
	if (rc)
		annotate_free_marks(m);
	return rc;
}

/* Write ROOT to PATH whole or not at all, keeping PATH's mode (util_write_file_atomic). */
static int write_atomically(struct json_object *root, const char *path, char *err, size_t errlen)
{
	const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE);
	char *buf = NULL;
	int len, rc;

	if (!text || (len = asprintf(&buf, "%s\n", text)) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = util_write_file_atomic(path, buf, (size_t)len, 0666, err, errlen);
	free(buf);
	return rc;
}

static const struct host_mark *find_mark(const struct host_marks *m, const char *name)
{
	for (size_t i = 0; i < m->count; i++)
		if (!strcmp(m->rows[i].name, name))
			return &m->rows[i];
	return NULL;
}

/*
 * Put host_wall_ns into ROOT's rows and host_clock at the top. The rows'
 * guest elapsed times come from the validated RESULT. 0 ok; -1 with err.
 */
static int annotate_json(struct json_object *root, const struct rio_result *result,
			 const struct host_marks *marks, double tolerance_pct, const char *marks_path,
			 char *err, size_t errlen)
{
	struct json_object *benches, *hc;
	double wall_all = 0, wall_compared = 0, guest = 0;
	size_t compared = 0;

	for (size_t i = 0; i < marks->count; i++)
		if (!rio_find_bench(result, marks->rows[i].name)) {
			snprintf(err, errlen, "%s:%zu: benchmark %s is not in %s", marks_path,
				 marks->rows[i].begin_line, marks->rows[i].name, result->path);
			return -1;
		}
	if (marks->count == 0) {
		snprintf(err, errlen, "%s: no complete begin/end pair", marks_path);
		return -1;
	}
	json_object_object_get_ex(root, RK_BENCHMARKS, &benches);
	for (size_t i = 0; i < result->bench_count; i++) {
		const struct rio_bench *b = &result->benches[i];
		const struct host_mark *mk = find_mark(marks, b->name);
		struct json_object *row = json_object_array_get_idx(benches, i);
		double wall;

		if (!mk) {
			json_object_object_del(row, RK_HOST_WALL_NS);	/* stale from an earlier annotate */
			continue;
		}
		wall = (double)(mk->end_ns - mk->begin_ns);
		json_object_object_add(row, RK_HOST_WALL_NS, json_object_new_int64((int64_t)(mk->end_ns -
											   mk->begin_ns)));
		wall_all += wall;
		if (b->elapsed_ns > 0) {
			wall_compared += wall;
			guest += b->elapsed_ns;
			compared++;
		}
	}

	hc = json_object_new_object();
	json_object_object_add(hc, RK_TOLERANCE_PCT, json_object_new_double(tolerance_pct));
	json_object_object_add(hc, RK_MARKED_ROWS, json_object_new_int64((int64_t)marks->count));
	json_object_object_add(hc, RK_COMPARED_ROWS, json_object_new_int64((int64_t)compared));
	if (compared) {
		double ratio = wall_compared / guest;
		bool virtual_time = fabs(ratio - 1.0) * 100.0 > tolerance_pct;

		json_object_object_add(hc, RK_WALL_NS, json_object_new_double(wall_compared));
		json_object_object_add(hc, RK_GUEST_NS, json_object_new_double(guest));
		json_object_object_add(hc, RK_RATIO, json_object_new_double(ratio));
		json_object_object_add(hc, RK_VIRTUAL_TIME, json_object_new_boolean(virtual_time));
		util_error("annotate", "%zu rows marked, %zu compared: host %.6f s, guest "
			"%.6f s, host/guest %.4f: %s (tolerance %g%%)", marks->count, compared,
			wall_compared / 1e9, guest / 1e9, ratio,
			virtual_time ? "virtual time, host clock used for time" : "real time",
			tolerance_pct);
	} else {
		/* Without the guest's own figures the clocks cannot be compared: say so, decide nothing. */
		json_object_object_add(hc, RK_WALL_NS, json_object_new_double(wall_all));
		json_object_object_add(hc, RK_GUEST_NS, NULL);
		json_object_object_add(hc, RK_RATIO, NULL);
		json_object_object_add(hc, RK_VIRTUAL_TIME, json_object_new_boolean(false));
		json_object_object_add(hc, RK_NOTE, json_object_new_string(
			"no marked row has elapsed_ns or elapsed_s (the guest's own elapsed time): "
			"clocks not compared"));
		util_error("annotate", "warning: no marked row of %s has its elapsed time "
			"(elapsed_ns or elapsed_s); host_wall_ns added, clocks not compared",
			result->path);
	}
	if (marks->open_at_end)
		json_object_object_add(hc, RK_NOTE_INTERRUPTED, json_object_new_string(
			"the last marked row began but never ended"));
	json_object_object_add(root, RK_HOST_CLOCK, hc);
	return 0;
}

/* Only an interrupted run may leave its last row open; otherwise markers were lost. */
static int check_complete(const struct host_marks *marks, const struct rio_result *result,
			  const char *marks_path, char *err, size_t errlen)
{
	if (!marks->open_at_end || result->partial)
		return 0;
	snprintf(err, errlen, "%s: the last row began but never ended, yet %s is not partial: "
		 "markers were lost", marks_path, result->path);
	return -1;
}

/* The one list of annotate's options: getopt_long's array and the usage come from it. */
const struct cli_opt annotate_options[] = {
	{ "host-marks", required_argument, 'm', "MARKS",
	  "the host's marker lines: STAMP_NS @@vmprobe begin|end NAME SEQ (required)", { 0 } },
	{ "tolerance", required_argument, 't', "PCT",
	  "host and guest time may differ this much before the run counts as virtual time "
	  "(default %g)", { ANNOTATE_DEFAULT_TOLERANCE_PCT } },
	{ "help", no_argument, 'h', NULL, "this text", { 0 } },
	{ NULL, 0, 0, NULL, NULL, { 0 } },
};

void annotate_usage(FILE *out)
{
	fprintf(out,
		"usage: vmprobe annotate RESULT.json --host-marks MARKS [--tolerance PCT]\n"
		"  Adds host_wall_ns per benchmark and \"host_clock\" to RESULT.json (rewritten\n"
		"  in place, atomically).\n");
	cli_print_options(out, annotate_options);
	fprintf(out,
		"exit status: 0 ok, %d usage, %d the result or marks file is invalid (file untouched),\n"
		"             %d rewriting the file failed (file untouched)\n",
		COMPARE_EXIT_USAGE, COMPARE_EXIT_INPUT, COMPARE_EXIT_OUTPUT);
}

int cmd_annotate(int argc, char **argv)
{
	struct option longopts[sizeof(annotate_options) / sizeof(annotate_options[0])];
	const char *marks_path = NULL, *path;
	double tolerance = ANNOTATE_DEFAULT_TOLERANCE_PCT;
	struct host_marks marks = { 0 };
	struct rio_result result = { 0 };
	struct json_object *root = NULL;
	char err[RIO_ERR_LEN], *end;
	int opt, rc = COMPARE_EXIT_INPUT;

	cli_longopts(annotate_options, longopts);
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			marks_path = optarg;
			break;
		case 't':
			errno = 0;
			tolerance = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(tolerance >= 0 && tolerance < 1e6)) {
				util_error("annotate", "--tolerance %s: not a percentage >= 0",
					optarg);
				return COMPARE_EXIT_USAGE;
			}
			break;
		case 'h':
			annotate_usage(stdout);
			return 0;
		case ':':
			util_error("annotate", "%s needs a value", argv[optind - 1]);
			annotate_usage(stderr);
			return COMPARE_EXIT_USAGE;
		default:
			util_error("annotate", "unknown option %s", argv[optind - 1]);
			annotate_usage(stderr);
			return COMPARE_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || !marks_path) {
		util_error("annotate", "%s", !marks_path ? "--host-marks FILE is required"
						       : "give exactly one RESULT.json");
		annotate_usage(stderr);
		return COMPARE_EXIT_USAGE;
	}
	path = argv[optind];

	root = rio_parse_file(path, err, sizeof(err));
	if (!root || rio_from_json(root, path, &result, err, sizeof(err)) ||
	    annotate_parse_marks(marks_path, &marks, err, sizeof(err)) ||
	    check_complete(&marks, &result, marks_path, err, sizeof(err)) ||
	    annotate_json(root, &result, &marks, tolerance, marks_path, err, sizeof(err))) {
		util_error("annotate", "%s (%s left untouched)", err, path);
		goto out;
	}
	if (write_atomically(root, path, err, sizeof(err))) {
		util_error("annotate", "%s (%s left untouched)", err, path);
		rc = COMPARE_EXIT_OUTPUT;
		goto out;
	}
	rc = 0;
out:
	json_object_put(root);
	rio_free(&result);
	annotate_free_marks(&marks);
	return rc;
}
