#!/usr/bin/env bash
# vmprobe.ko hardening in a real QEMU TCG guest: the ioctl fuzzer, many
# processes and threads at once with rmmod refused meanwhile, rmmod and
# insmod again, then the kernel log checked for oopses, lockups and warnings.
# The guest side is tests/guest/module-tests.sh; the boot and relay logic is
# shared with tests/20-module-qemu.t.
exec "$(dirname "$0")/20-module-qemu.t" hardening
