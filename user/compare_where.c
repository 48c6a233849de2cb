// SPDX-License-Identifier: GPL-2.0
/*
 * Where the time goes, seen from the VMM (issue 19), in compare's views:
 * the exit time a KVM host measured (share of the row's wall time, top
 * reasons by time) and a user-space VMM's host CPU per op with its system
 * share. Cell texts for the screen and wide tables, CSV fields, JSON
 * objects, and `--plot`'s "where the time goes" chart per VMM: one stacked
 * bar per row (KVM: guest against exit time by reason; user-space VMMs:
 * host user, host system (split by clock ticks: unsplit for a row shorter
 * than a tick) and the rest of the wall time).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compare_render.h"
#include "util.h"

bool compare_file_has_host(const struct compare_table *t, size_t file)
{
	for (size_t r = 0; r < t->row_count; r++)
		if (t->rows[r].cells[file].state == CELL_OK && t->rows[r].cells[file].vmm_host)
			return true;
	return false;
}

/* Reason K's share of the row's wall time: the exit time share split by the reasons' times. */
static double reason_share(const struct compare_cell *c, size_t k)
{
	double total = 0;

	for (size_t j = 0; j < c->exit_time->reason_count; j++)
		total += c->exit_time->reasons[j].per_op;
	return total > 0 ? c->exits->time_share * c->exit_time->reasons[k].per_op / total : NAN;
}

const char *compare_exit_time_text(const struct compare_cell *c, size_t top, char *buf, size_t len)
{
	char num[48];
	size_t used;

	if (c->state != CELL_OK || !c->exits || isnan(c->exits->time_share))
		return snprintf(buf, len, "—"), buf;
	/* The share as every figure; its reasons' parts to 3 significant digits: "38%", "1.5%". */
	used = (size_t)snprintf(buf, len, "%s%%", compare_fmt_num(100 * c->exits->time_share, num,
								 sizeof(num)));
	for (size_t k = 0; c->exit_time && k < c->exit_time->reason_count && k < top && used < len; k++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s %.3g%%", k ? ", " : " (",
					 c->exit_time->reasons[k].name, 100 * reason_share(c, k));
	if (c->exit_time && c->exit_time->reason_count && top && used < len)
		snprintf(buf + used, len - used, ")");
	return buf;
}

const char *compare_host_cpu_text(const struct compare_cell *c, char *buf, size_t len)
{
	char t[48];

	if (c->state != CELL_OK || !c->vmm_host)
		return snprintf(buf, len, "—"), buf;
	if (isnan(c->vmm_host->sys_share))
		snprintf(buf, len, "%s", compare_fmt_time(c->vmm_host->cpu_ns_per_op, t, sizeof(t)));
	else
		snprintf(buf, len, "%s, %.3g%% sys",
			 compare_fmt_time(c->vmm_host->cpu_ns_per_op, t, sizeof(t)),
			 100 * c->vmm_host->sys_share);
	return buf;
}

/* ---- CSV and JSON -------------------------------------------------------------- */

const char *const compare_where_csv_fields[] = {
	"exit_time_ns_per_op", "exit_time_reasons", "host_cpu_ns_per_op", "host_user_ns_per_op",
	"host_sys_ns_per_op", "host_sys_share", "host_cpu_per_wall", "host_faults_per_op",
	"host_switches_per_op", NULL,
};

static void csv_num(FILE *out, double v)
{
	fputc(',', out);
	util_csv_num(out, v);
}

void compare_where_csv_cells(FILE *out, const struct compare_cell *c)
{
	const struct rio_vmm_host *h = c->state == CELL_OK ? c->vmm_host : NULL;
	const struct rio_exit_time *e = c->state == CELL_OK ? c->exit_time : NULL;

	csv_num(out, e ? e->ns_per_op : NAN);
	fputc(',', out);
	/* "NAME=NS_PER_OP;..." most time first; reason names are kernel identifiers (no comma). */
	for (size_t k = 0; e && k < e->reason_count; k++) {
		fprintf(out, "%s%s=", k ? ";" : "", e->reasons[k].name);
		util_csv_num(out, e->reasons[k].per_op);
	}
	csv_num(out, h ? h->cpu_ns_per_op : NAN);
	csv_num(out, h ? h->user_ns_per_op : NAN);
	csv_num(out, h ? h->sys_ns_per_op : NAN);
	csv_num(out, h ? h->sys_share : NAN);
	csv_num(out, h ? h->cpu_per_wall : NAN);
	csv_num(out, h ? h->faults_per_op : NAN);
	csv_num(out, h ? h->switches_per_op : NAN);
}

static struct json_object *num_or_null(double v)
{
	return isnan(v) ? NULL : json_object_new_double(v);
}

void compare_where_json(struct json_object *o, const struct compare_cell *c)
{
	if (c->state != CELL_OK)
		return;
	if (c->exit_time) {
		struct json_object *e = json_object_new_object(), *r = json_object_new_array();

		json_object_object_add(e, "share", num_or_null(c->exits ? c->exits->time_share : NAN));
		json_object_object_add(e, "ns_per_op", num_or_null(c->exit_time->ns_per_op));
		json_object_object_add(e, "vcpu_guest_share", num_or_null(c->exit_time->guest_share));
		for (size_t k = 0; k < c->exit_time->reason_count; k++) {
			struct json_object *one = json_object_new_object();

			json_object_object_add(one, "reason",
					       json_object_new_string(c->exit_time->reasons[k].name));
			json_object_object_add(one, "ns_per_op",
					       json_object_new_double(c->exit_time->reasons[k].per_op));
			json_object_object_add(one, "share", num_or_null(c->exits ? reason_share(c, k)
										   : NAN));
			json_object_array_add(r, one);
		}
		json_object_object_add(e, "reasons_by_time", r);
		json_object_object_add(o, "exit_time", e);
	}
	if (c->vmm_host) {
		struct json_object *h = json_object_new_object();

		json_object_object_add(h, "cpu_ns_per_op", num_or_null(c->vmm_host->cpu_ns_per_op));
		json_object_object_add(h, "user_ns_per_op", num_or_null(c->vmm_host->user_ns_per_op));
		json_object_object_add(h, "sys_ns_per_op", num_or_null(c->vmm_host->sys_ns_per_op));
		json_object_object_add(h, "sys_share", num_or_null(c->vmm_host->sys_share));
		json_object_object_add(h, "cpu_per_wall", num_or_null(c->vmm_host->cpu_per_wall));
		json_object_object_add(h, "faults_per_op", num_or_null(c->vmm_host->faults_per_op));
		json_object_object_add(h, "switches_per_op", num_or_null(c->vmm_host->switches_per_op));
		json_object_object_add(o, "vmm_host", h);
	}
}

/* ---- the "where the time goes" chart ------------------------------------------ */

#define WHERE_REASONS 5		/* reasons drawn apart; the others are "other exits" */

static int gnuplot_in(const char *dir, const char *script, char *err, size_t errlen)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return snprintf(err, errlen, "cannot start gnuplot: %s", strerror(errno)), -1;
	if (pid == 0) {
		if (chdir(dir) == 0)
			execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return snprintf(err, errlen, "waiting for gnuplot: %s", strerror(errno)), -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(err, errlen, WIFEXITED(status) && WEXITSTATUS(status) == 127
			 ? "gnuplot not found (install gnuplot-nox; scripts/deps does)"
			 : "gnuplot failed on %s/%s (its message is above)", dir, script);
		return -1;
	}
	return 0;
}

/* The file's label as a file name part: letters, digits, '-' and '_' kept, others '_'. */
static void name_part(const char *label, char *buf, size_t len)
{
	size_t i = 0;

	for (; label[i] && i + 1 < len; i++)
		buf[i] = (label[i] >= 'a' && label[i] <= 'z') || (label[i] >= 'A' && label[i] <= 'Z') ||
			 (label[i] >= '0' && label[i] <= '9') || label[i] == '-' ? label[i] : '_';
	buf[i] = '\0';
}

/* The reasons with the most wall time over FILE's rows, most first, at most WHERE_REASONS. */
static size_t top_reasons(const struct compare_table *t, size_t file, const char **names)
{
	const char *all[64];
	double sum[64] = { 0 };
	size_t n = 0, top = 0;

	for (size_t r = 0; r < t->row_count; r++) {
		const struct compare_cell *c = &t->rows[r].cells[file];

		for (size_t k = 0; c->state == CELL_OK && c->exit_time && c->exits && k < c->exit_time->reason_count; k++) {
			size_t j = 0;

			while (j < n && strcmp(all[j], c->exit_time->reasons[k].name))
				j++;
			if (j == n && n < 64)
				all[n++] = c->exit_time->reasons[k].name;
			if (j < n && !isnan(reason_share(c, k)))
				sum[j] += reason_share(c, k);
		}
	}
	while (top < WHERE_REASONS && top < n) {
		size_t best = 0;

		for (size_t j = 1; j < n; j++)
			if (sum[j] > sum[best])
				best = j;
		if (sum[best] < 0)
			break;
		names[top++] = all[best];
		sum[best] = -1;
	}
	return top;
}

/* A row's stack: KVM: guest, the top reasons, other exits; host: user, system, rest. */
static int stack_of(const struct compare_cell *c, bool kvm, const char **names, size_t nn,
		    double *v)
{
	if (c->state != CELL_OK)
		return 0;
	if (kvm) {
		double shown = 0;

		if (!c->exits || !c->exit_time || isnan(c->exits->time_share))
			return 0;
		for (size_t j = 0; j < nn; j++) {
			v[1 + j] = 0;
			for (size_t k = 0; k < c->exit_time->reason_count; k++)
				if (!strcmp(names[j], c->exit_time->reasons[k].name) &&
				    !isnan(reason_share(c, k)))
					v[1 + j] = 100 * reason_share(c, k);
			shown += v[1 + j];
		}
		v[0] = 100 * (1 - c->exits->time_share);
		v[1 + nn] = fmax(0, 100 * c->exits->time_share - shown);
		return 1;
	}
	if (!c->vmm_host || isnan(c->vmm_host->cpu_per_wall))
		return 0;
	/* The split comes from clock ticks: a row shorter than a tick has its CPU unsplit. */
	if (isnan(c->vmm_host->sys_share)) {
		v[0] = v[1] = 0;
		v[2] = 100 * c->vmm_host->cpu_per_wall;
	} else {
		v[0] = 100 * c->vmm_host->cpu_per_wall * (1 - c->vmm_host->sys_share);
		v[1] = 100 * c->vmm_host->cpu_per_wall * c->vmm_host->sys_share;
		v[2] = 0;
	}
	v[3] = fmax(0, 100 - v[0] - v[1] - v[2]);
	return 1;
}

static int plot_one(const struct compare_table *t, size_t file, bool kvm, const char *dir,
		    char *err, size_t errlen)
{
	const char *names[WHERE_REASONS];
	size_t nn = kvm ? top_reasons(t, file, names) : 0, bars = 0;
	size_t stacks = kvm ? nn + 2 : 4;
	char part[64], base[128], data[160], script[160], *path = NULL;
	double v[WHERE_REASONS + 4], most = 100;
	FILE *d, *g;

	name_part(t->files[file].label, part, sizeof(part));
	snprintf(base, sizeof(base), "compare-where-%s-%s", part, kvm ? "exits" : "host");
	snprintf(data, sizeof(data), "%s.dat", base);
	snprintf(script, sizeof(script), "%s.gp", base);
	if (asprintf(&path, "%s/%s", dir, data) < 0 || !(d = fopen(path, "w"))) {
		snprintf(err, errlen, "%s/%s: cannot write: %s", dir, data, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	for (size_t r = 0; r < t->row_count; r++) {
		double sum = 0;

		if (!stack_of(&t->rows[r].cells[file], kvm, names, nn, v))
			continue;
		fprintf(d, "\"%s\"", t->rows[r].name);
		for (size_t s = 0; s < stacks; s++) {
			fprintf(d, " %.6g", v[s]);
			sum += v[s];
		}
		fputc('\n', d);
		most = fmax(most, sum);
		bars++;
	}
	if (ferror(d) | fclose(d))
		return snprintf(err, errlen, "%s/%s: write failed", dir, data), -1;
	if (!bars) {	/* e.g. a time share without the time by reason: nothing to stack */
		if (asprintf(&path, "%s/%s", dir, data) >= 0)
			unlink(path);
		free(path);
		return 0;
	}
	if (asprintf(&path, "%s/%s", dir, script) < 0 || !(g = fopen(path, "w"))) {
		snprintf(err, errlen, "%s/%s: cannot write: %s", dir, script, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	int width = 250 + 55 * (int)bars;

	width = width < 900 ? 900 : width > 2400 ? 2400 : width;
	fprintf(g, "set terminal svg size %d,700 dynamic background '#ffffff' font 'sans,12'\n"
		"set output '%s.svg'\n", width, base);
	fprintf(g, "set title \"%s: where the time goes, %s\\n%s\" font ',13'\n",
		t->files[file].label, kvm ? "exit time by reason (measured by the KVM host)"
					  : "the VMM's processes as the host saw them",
		kvm ? "(where the KVM host is nested in TCG, every time is inflated by the emulation)"
		    : "(host CPU can pass 100%: the VMM has several threads)");
	fprintf(g, "set style data histograms\nset style histogram rowstacked\n"
		"set style fill solid 0.9 border -1\nset boxwidth 0.75\nset key above horizontal\n"
		"set ylabel '%% of the row''s wall time'\nset yrange [0:%g]\nset grid ytics\n"
		"set xtics rotate by -45 scale 0 font ',11'\nset bmargin 9\n", ceil(most / 10) * 10);
	if (kvm) {
		static const char *const colours[] = { "#d62728", "#ff7f0e", "#9467bd", "#8c564b",
						       "#e377c2" };

		fprintf(g, "plot '%s' using 2:xtic(1) title 'not in an exit (guest mode, world switch)' lc rgb '#2ca02c'",
			data);
		for (size_t j = 0; j < nn; j++)
			fprintf(g, ", \\\n     '' using %zu title 'exit: %s' lc rgb '%s'", j + 3, names[j],
				colours[j]);
		fprintf(g, ", \\\n     '' using %zu title 'other exits' lc rgb '#7f7f7f'\n", nn + 3);
	} else {
		fprintf(g, "plot '%s' using 2:xtic(1) title 'host user CPU' lc rgb '#1f77b4', \\\n"
			"     '' using 3 title 'host system CPU' lc rgb '#d62728', \\\n"
			"     '' using 4 title 'host CPU, split unseen (row under a clock tick)' lc rgb '#9edae5', \\\n"
			"     '' using 5 title 'rest (VMM off CPU)' lc rgb '#c7c7c7'\n", data);
	}
	fprintf(g, "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
		"  set terminal pngcairo size %d,700 background '#ffffff' font 'sans,12'\n"
		"} else {\n  set terminal png size %d,700\n}\n"
		"set output '%s.png'\nreplot\nset output\n", width, width, base);
	if (ferror(g) | fclose(g))
		return snprintf(err, errlen, "%s/%s: write failed", dir, script), -1;
	return gnuplot_in(dir, script, err, errlen);
}

int compare_plot_where(const struct compare_table *t, const char *dir, char *err, size_t errlen)
{
	for (size_t i = 0; i < t->file_count; i++) {
		if (compare_file_has_exit_share(t, i) && plot_one(t, i, true, dir, err, errlen))
			return -1;
		if (compare_file_has_host(t, i) && plot_one(t, i, false, dir, err, errlen))
			return -1;
	}
	return 0;
}
