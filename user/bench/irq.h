/* SPDX-License-Identifier: GPL-2.0 */
/* The rows of VMPROBE_IOC_IRQ (user/bench/irq.c): one per kind of VMPROBE_IRQ_KINDS. */
#ifndef VMPROBE_BENCH_IRQ_H
#define VMPROBE_BENCH_IRQ_H

#include <uapi/vmprobe.h>

#include "bench.h"

#define IRQ_DECLARE_(NAME, row, cpus, what, refused)	extern const struct bench bench_irq_##NAME;
VMPROBE_IRQ_KINDS(IRQ_DECLARE_)
#undef IRQ_DECLARE_

#endif /* VMPROBE_BENCH_IRQ_H */
