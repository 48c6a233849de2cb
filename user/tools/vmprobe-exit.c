/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmprobe-exit CODE: end the virtual machine this runs in with an exit code.
 *
 * QEMU's isa-debug-exit device (iobase 0xf4) turns a write of CODE into
 * QEMU exiting with status (CODE << 1) | 1, which carries the guest's
 * status to the host. Where that port does nothing (no such device, Bochs)
 * or cannot be reached (ioperm refused: UML, a PV guest without I/O
 * privilege) we fall back to powering off, which ends Bochs and UML.
 *
 *   --poweroff   skip the port, power off at once
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/io.h>
#include <sys/reboot.h>

#define DEBUG_EXIT_PORT 0xf4
#define MAX_EXIT_CODE 127	/* (127 << 1) | 1 = 255 still fits an exit status */

static void usage(FILE *to)
{
	fprintf(to, "usage: vmprobe-exit [--poweroff] CODE   (CODE 0..%d)\n", MAX_EXIT_CODE);
}

static int parse_code(const char *text, int *code)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || end == text || *end || value < 0 || value > MAX_EXIT_CODE)
		return -1;
	*code = (int)value;
	return 0;
}

int main(int argc, char **argv)
{
	int poweroff_only = 0, code, argi = 1;

	if (argi < argc && strcmp(argv[argi], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (argi < argc && strcmp(argv[argi], "--poweroff") == 0) {
		poweroff_only = 1;
		argi++;
	}
	if (argc - argi != 1) {
		usage(stderr);
		return 2;
	}
	if (parse_code(argv[argi], &code) != 0) {
		fprintf(stderr, "vmprobe-exit: bad exit code '%s' (want an integer 0..%d)\n",
			argv[argi], MAX_EXIT_CODE);
		return 2;
	}
	sync();
	if (!poweroff_only) {
		if (ioperm(DEBUG_EXIT_PORT, 4, 1) == 0) {
			outl((unsigned)code, DEBUG_EXIT_PORT);
			/* Still here: no debug-exit device on this machine. */
			fprintf(stderr, "vmprobe-exit: port 0x%x did not end the VM, powering off\n",
				DEBUG_EXIT_PORT);
		} else {
			fprintf(stderr, "vmprobe-exit: ioperm(0x%x): %s, powering off\n",
				DEBUG_EXIT_PORT, strerror(errno));
		}
	}
	if (reboot(RB_POWER_OFF) != 0) {
		fprintf(stderr, "vmprobe-exit: reboot(RB_POWER_OFF): %s\n", strerror(errno));
		return 1;
	}
	return 0;	/* not reached */
}
