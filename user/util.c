// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by every part of vmprobe (see util.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

int util_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

ssize_t util_read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, (char *)buf + got, len - got);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

pid_t util_waitpid(pid_t pid, int *status, int options)
{
	pid_t r;

	while ((r = waitpid(pid, status, options)) < 0 && errno == EINTR)
		;
	return r;
}

int util_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			   char *err, size_t errlen)
{
	struct stat st;
	char *tmp = NULL;
	int fd, saved;

	/* A device or FIFO (/dev/stdout, a serial port) cannot be renamed over: write it directly. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0 || util_write_all(fd, data, len)) {
			snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
		return 0;
	}
	/* A unique name beside the target: same file system (rename is atomic), no clash
	   between two writers, and a leftover is recognisable as PATH.tmp.* */
	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot write: %s (creating a file beside it)", path,
			 strerror(errno));
		free(tmp);
		return -1;
	}
	/* Rewriting keeps the file's mode; a new file gets MODE less the umask, as open() would. */
	if (stat(path, &st) == 0) {
		if (fchmod(fd, st.st_mode & 07777))
			goto fail;
	} else {
		mode_t mask = umask(0);

		umask(mask);
		if (fchmod(fd, mode & ~mask))
			goto fail;
	}
	if (util_write_all(fd, data, len) || fsync(fd))
		goto fail;
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path))
		goto fail;
	free(tmp);
	return 0;
fail:
	saved = errno;
	snprintf(err, errlen, "%s: write failed: %s", path, strerror(saved));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	errno = saved;
	return -1;
}

void util_csv_num(FILE *out, double v)
{
	if (!isnan(v))
		fprintf(out, "%.17g", v);
}

void util_csv_field(FILE *out, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

void util_error(const char *subcommand, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vmprobe%s%s: ", subcommand ? " " : "", subcommand ? subcommand : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

size_t cli_count(const struct cli_opt *opts)
{
	size_t n = 0;

	while (opts[n].name)
		n++;
	return n;
}

void cli_longopts(const struct cli_opt *opts, struct option *out)
{
	size_t n = cli_count(opts);

	for (size_t i = 0; i < n; i++)
		out[i] = (struct option){ opts[i].name, opts[i].has_arg, NULL, opts[i].val };
	out[n] = (struct option){ NULL, 0, NULL, 0 };
}

void cli_print_options(FILE *f, const struct cli_opt *opts)
{
	size_t w = 0;

	for (const struct cli_opt *o = opts; o->name; o++) {
		size_t len = strlen(o->name) + (o->arg ? strlen(o->arg) + 1 : 0);

		w = len > w ? len : w;
	}
	for (const struct cli_opt *o = opts; o->name; o++) {
		int len = (int)(strlen(o->name) + (o->arg ? strlen(o->arg) + 1 : 0));

		fprintf(f, "  --%s%s%s%*s  ", o->name, o->arg ? " " : "", o->arg ? o->arg : "",
			(int)w - len, "");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		fprintf(f, o->help, o->dflt[0], o->dflt[1]);	/* help strings are ours, constant */
#pragma GCC diagnostic pop
		fputc('\n', f);
	}
}

int util_find_helper(const char *name, const char *env, char *path, size_t len,
		     char *why, size_t whylen)
{
	static const char *const dirs[] = { "", "../lib/vmprobe/" };
	const char *set = getenv(env);
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	if (set && *set) {
		if ((size_t)snprintf(path, len, "%s", set) >= len || access(path, X_OK) != 0) {
			snprintf(why, whylen, "%s=%.180s is not executable: %s", env, set, strerror(errno));
			return -1;
		}
		return 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0) {
		snprintf(why, whylen, "cannot read /proc/self/exe: %s", strerror(errno));
		return -1;
	}
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash)
		slash[1] = '\0';
	else
		self[0] = '\0';
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if ((size_t)snprintf(path, len, "%s%s%s", self, dirs[i], name) < len &&
		    access(path, X_OK) == 0)
			return 0;
	}
	snprintf(why, whylen, "%s not found next to vmprobe or in ../lib/vmprobe (%.160s)", name, self);
	return -1;
}
