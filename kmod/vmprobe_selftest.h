/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The selftest build's test op: built only with VMPROBE_SELFTEST defined
 * (make VMPROBE_SELFTEST=1; `make tests` builds that variant into
 * build/kmod/RELEASE/selftest/, and tests/20 and 21 load it). The module that
 * `make`, DKMS and the .deb build has no test op and no test parameters: it
 * answers this op number with EINVAL, like any op >= VMPROBE_OP_COUNT. Not
 * part of the ABI (include/uapi/vmprobe.h); tests/guest/modtest.c includes
 * this file. Plain C: no kernel types.
 *
 * VMPROBE_OP_TEST_SLOW spins on the TSC per execution:
 *   - test_delay_us in batches of more than VMPROBE_KTIMED_PROBE_ITERS loop
 *     passes, i.e. not in the probe batches: an op that turns slow after the
 *     probes, as a host stall looks;
 *   - test_probe_delay_us (0 by default) in probe-sized batches;
 *   - with test_slow_after_probes set, test_delay_us in every batch once the
 *     call's first probes are done (probes rerun later included): an op that
 *     got slow.
 * Each delay is at most VMPROBE_TEST_DELAY_MAX_US; test_delay_us 0 (the
 * default) refuses the op with EINVAL. The three are module parameters
 * (0600) of the selftest build; the armed state is one global: one such
 * call at a time.
 */
#ifndef _VMPROBE_SELFTEST_H
#define _VMPROBE_SELFTEST_H

#define VMPROBE_OP_TEST_SLOW		0x7e57
#define VMPROBE_TEST_DELAY_MAX_US	5000

#endif /* _VMPROBE_SELFTEST_H */
