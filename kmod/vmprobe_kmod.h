/* SPDX-License-Identifier: GPL-2.0 */
/* vmprobe.ko internals: what main.c (the device and its dispatch) calls. */
#ifndef _VMPROBE_KMOD_H
#define _VMPROBE_KMOD_H

#include <linux/math64.h>
#include <linux/time64.h>
#include <linux/types.h>
#include <asm/tsc.h>
#include <uapi/vmprobe.h>

/*
 * Each command works on a kernel copy of the caller's struct, already read
 * and zero-extended by main.c; it validates the "in" fields and fills the
 * "out" ones. main.c copies the struct back on success and also on -EINTR
 * and -ERANGE, whose out fields say how far the call got.
 */
int vmprobe_do_info(struct vmprobe_info *info);
int vmprobe_do_ktimed(struct vmprobe_ktimed *kt);
/* Bit VMPROBE_OP_x set for each KTIMED op timed through a paravirt accessor here. */
u64 vmprobe_ktimed_paravirt_ops(void);
int vmprobe_do_gaps(struct vmprobe_gaps *gaps);
int vmprobe_do_irq(struct vmprobe_irq *irq);
/* Sort @v (n > 0) in place and report its min, median and max. */
void vmprobe_summarise(u64 *v, u32 n, u64 *min, u64 *median, u64 *max);
/*
 * At load: find the ACPI PM timer port and map the HPET (the ops
 * pio-pmtimer and mmio-hpet); at unload: unmap it.
 */
void vmprobe_ktimed_init(void);
void vmprobe_ktimed_exit(void);

/* TSC ticks in @us microseconds at the kernel's tsc_khz (0 if unknown). */
static inline u64 vmprobe_us_to_ticks(u64 us)
{
	return div_u64(us * tsc_khz, USEC_PER_MSEC);
}

#endif /* _VMPROBE_KMOD_H */
