# shellcheck shell=bash
# Globals here are read by scripts/run-vmm, which sources this file.
# shellcheck disable=SC2034
# vmm-order: 70
# vmm-class: binary translation (instruction-counted)
# QEMU TCG with -icount shift=0: the virtual clock advances one nanosecond
# per guest instruction (align=off: no pacing to real time), so the guest
# TSC counts instructions, not time. vmprobe is told so (--clock
# instructions); the host-side marks give the real time.

# shellcheck source=scripts/vmm/qemu.sh
. "$SCRIPTS/vmm/qemu.sh"

QEMU_ACCEL_ARGS=(-accel tcg -cpu max -icount "shift=0,align=off")
VMM_VMPROBE_ARGS=(--clock instructions --clock-note "qemu -icount shift=0,align=off: 1 tick = 1 guest instruction")

# One vCPU: with -icount, QEMU 7.2 runs vCPUs round robin on one thread and a
# 6.1 guest with -smp 2 hangs at "x86: Booting SMP configuration" (seen here,
# 90 s without progress), so VMPROBE_GUEST_CPUS is ignored.
guest_cpus() {
	[ "${VMPROBE_GUEST_CPUS:-1}" = 1 ] || say "qemu-icount runs one vCPU (-smp 2 hangs under -icount); VMPROBE_GUEST_CPUS ignored"
	echo 1
}

vmm_help() {
	cat <<EOF
qemu-icount: the qemu VMM's guest under qemu-system-x86_64 ${QEMU_ACCEL_ARGS[*]}, one vCPU,
${QEMU_MEMORY_MB} MiB. The guest TSC counts instructions (vmprobe --clock instructions); real time comes from
the host-stamped marks. Default time limit ${VMM_TIMEOUT} s.
EOF
}
