# shellcheck shell=bash
# Globals here are read by scripts/run-vmm, which sources this file.
# shellcheck disable=SC2034
# QEMU TCG with -icount shift=0: the virtual clock advances one nanosecond
# per guest instruction (align=off: no pacing to real time), so the guest
# TSC counts instructions, not time. vmprobe is told so (--clock
# instructions); the host-side marks give the real time.

# shellcheck source=scripts/vmm/qemu.sh
. "$SCRIPTS/vmm/qemu.sh"

QEMU_ACCEL_ARGS=(-accel tcg -cpu max -icount "shift=0,align=off")
VMM_VMPROBE_ARGS=(--clock instructions --clock-note "qemu -icount shift=0,align=off: 1 tick = 1 guest instruction")
