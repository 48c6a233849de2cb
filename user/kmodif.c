// SPDX-License-Identifier: GPL-2.0
/* Thin wrappers over the /dev/vmprobe ioctls. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kmodif.h"

int kmod_open(char *why, size_t whylen, int *present)
{
	int fd = open(VMPROBE_DEVICE, O_RDWR | O_CLOEXEC);

	if (present)
		*present = fd >= 0 || errno != ENOENT;
	if (fd >= 0)
		return fd;
	if (errno == ENOENT)
		snprintf(why, whylen, "%s absent (module not loaded)", VMPROBE_DEVICE);
	else if (errno == EACCES || errno == EPERM)
		snprintf(why, whylen, "%s: %s: run as root or chmod %s",
			 VMPROBE_DEVICE, strerror(errno), VMPROBE_DEVICE);
	else
		snprintf(why, whylen, "%s: %s", VMPROBE_DEVICE, strerror(errno));
	return -1;
}

static int ioctl_errno(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

int kmod_info(int fd, struct vmprobe_info *info, unsigned calib_ms)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->calib_ms = calib_ms;
	return ioctl_errno(fd, VMPROBE_IOC_INFO, info);
}

int kmod_null(int fd)
{
	return ioctl_errno(fd, VMPROBE_IOC_NULL, NULL);
}

int kmod_ktimed(int fd, struct vmprobe_ktimed *kt, unsigned op, unsigned iterations,
		unsigned batches, unsigned flags, uint64_t *samples)
{
	memset(kt, 0, sizeof(*kt));
	kt->size = sizeof(*kt);
	kt->op = op;
	kt->iterations = iterations;
	kt->batches = batches;
	kt->flags = flags;
	kt->samples_ptr = (uintptr_t)samples;
	return ioctl_errno(fd, VMPROBE_IOC_KTIMED, kt);
}

int kmod_gaps(int fd, struct vmprobe_gaps *g, unsigned window_us, unsigned windows,
	      unsigned threshold_ns)
{
	memset(g, 0, sizeof(*g));
	g->size = sizeof(*g);
	g->window_us = window_us;
	g->windows = windows;
	g->threshold_ns = threshold_ns;
	return ioctl_errno(fd, VMPROBE_IOC_GAPS, g);
}

int kmod_irq(int fd, struct vmprobe_irq *irq, unsigned kind, unsigned round_trips,
	     uint64_t *samples)
{
	memset(irq, 0, sizeof(*irq));
	irq->size = sizeof(*irq);
	irq->kind = kind;
	irq->round_trips = round_trips;
	irq->samples_ptr = (uintptr_t)samples;
	return ioctl_errno(fd, VMPROBE_IOC_IRQ, irq);
}

const char *kmod_hypervisor_name(unsigned hyper)
{
	switch (hyper) {
	case VMPROBE_HYPER_NONE:	return "none";
	case VMPROBE_HYPER_VMWARE:	return "vmware";
	case VMPROBE_HYPER_HYPERV:	return "hyperv";
	case VMPROBE_HYPER_XEN_PV:	return "xen-pv";
	case VMPROBE_HYPER_XEN_HVM:	return "xen-hvm";
	case VMPROBE_HYPER_KVM:		return "kvm";
	case VMPROBE_HYPER_JAILHOUSE:	return "jailhouse";
	case VMPROBE_HYPER_ACRN:	return "acrn";
	default:			return "other";
	}
}
