// SPDX-License-Identifier: GPL-2.0
/*
 * What KVM's own exit counts showed for the rows whose exits are not the
 * ones their names promise (an MSR write that does not exit, an interrupt
 * that is an MSR write first, ...). Counted by the KVM host under
 * kvm-nested (L1's kvm-amd with nested paging, in QEMU TCG), committed in
 * results/kvm-nested.json and results/kvm-nested-irq/, and tabled with the
 * figures in the README's "exits" list; `vmprobe list` prints each after
 * its row's summary. A row not listed took the exits its name says.
 */
#include <string.h>

#include "bench.h"

const struct bench_kvm_seen bench_kvm_seen_table[] = {
	{ "ktimed-rdmsr", "an msr exit for IA32_TSC: KVM adds the TSC offset in software, where rdtsc "
			  "does not exit" },
	{ "ktimed-wrmsr", "no exit: KVM passes KERNEL_GS_BASE through (its MSR permission map)" },
	{ "ktimed-pio-elcr", "io exits, costing what port 0x80 does: the microvm L2 gets the ELCR "
			     "served no nearer than the device model" },
	{ "ktimed-cr3-write", "no exit with nested paging: the cost is the guest's TLB flush" },
	{ "ktimed-pause", "no pause-loop exit: one vCPU's short loop never reaches the pause filter "
			  "(and TCG's SVM does not emulate it)" },
	{ "ktimed-cr8-read", "no exit: the TPR read stays in the guest (SVM's virtual TPR)" },
	{ "ktimed-cr8-write", "refused under kvm-nested: QEMU 7.2's TCG aborts on a nested CR8 write" },
	{ "ktimed-mmio-hpet", "no npf seen yet: the microvm L2 has no HPET, so the row is refused there" },
	{ "irq-self-ipi", "msr, not interrupt: without APIC virtualization the self-IPI is an x2APIC "
			  "MSR write, and KVM injects it on that exit's way back in" },
	{ "irq-timer", "msr first: the TSC-deadline write is an MSR exit, the expiry an injected "
		       "interrupt (vintr)" },
	{ "irq-ipi-wake", "msr (the ICR write, the EOI), then the target's hlt exit and its wake-up "
			  "(interrupt, vintr)" },
	{ "irq-ipi", "with 2 L2 vCPUs on L1's one CPU the busy target waits for L1 to schedule it: "
		     "ms of time-sharing, not an IPI to a running vCPU" },
	{ "pause-handoff-2cpu", "with 2 L2 vCPUs on L1's one CPU a handoff did not come back in 10 ms "
				"(ETIMEDOUT): no pause-loop exit yields the spinning vCPU (TCG's SVM has no "
				"pause filter)" },
};

const size_t bench_kvm_seen_len = sizeof(bench_kvm_seen_table) / sizeof(bench_kvm_seen_table[0]);

const char *bench_kvm_seen(const char *row)
{
	for (size_t i = 0; i < bench_kvm_seen_len; i++)
		if (strcmp(bench_kvm_seen_table[i].row, row) == 0)
			return bench_kvm_seen_table[i].seen;
	return NULL;
}
