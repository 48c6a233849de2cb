/* SPDX-License-Identifier: GPL-2.0 */
/* Where tests/fixtures is, whether a test runs from the top directory or from build/tests. */
#ifndef VMPROBE_TEST_FIXTURE_PATH_H
#define VMPROBE_TEST_FIXTURE_PATH_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Path of fixture NAME in a static buffer ($VMPROBE_FIXTURES overrides the search). */
static inline const char *fixture(const char *name)
{
	static char path[4096];
	const char *dirs[] = { getenv("VMPROBE_FIXTURES"), "tests/fixtures", "../../tests/fixtures" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!dirs[i])
			continue;
		snprintf(path, sizeof(path), "%s/host.json", dirs[i]);
		if (access(path, R_OK) == 0) {
			snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
			return path;
		}
	}
	snprintf(path, sizeof(path), "tests/fixtures/%s", name);
	return path;
}

#endif /* VMPROBE_TEST_FIXTURE_PATH_H */
