/* SPDX-License-Identifier: GPL-2.0 */
/* Thin wrappers over the /dev/vmprobe ioctls (include/uapi/vmprobe.h). */
#ifndef VMPROBE_KMODIF_H
#define VMPROBE_KMODIF_H

#include <stddef.h>
#include <stdint.h>

#include <uapi/vmprobe.h>

/*
 * Opens /dev/vmprobe read-write. Returns the fd, or -1 with why[] set:
 * "not loaded" when the device is absent, a hint to run as root on EACCES.
 * *present (if not NULL) says whether the device node exists at all.
 */
int kmod_open(char *why, size_t whylen, int *present);

/* Each returns 0 or -errno; the struct is zeroed and its size set here.
 * kmod_ktimed's flags: 0 or VMPROBE_KTIMED_DOUBLE (include/uapi/vmprobe.h). */
int kmod_info(int fd, struct vmprobe_info *info, unsigned calib_ms);
int kmod_null(int fd);
int kmod_ktimed(int fd, struct vmprobe_ktimed *kt, unsigned op, unsigned iterations,
		unsigned batches, unsigned flags, uint64_t *samples);
int kmod_gaps(int fd, struct vmprobe_gaps *g, unsigned window_us, unsigned windows,
	      unsigned threshold_ns);

/* kmod_irq: @samples gets each round trip's ticks (round_trips of them), or NULL. */
int kmod_irq(int fd, struct vmprobe_irq *irq, unsigned kind, unsigned round_trips,
	     uint64_t *samples);

const char *kmod_hypervisor_name(unsigned hyper);

#endif /* VMPROBE_KMODIF_H */
