# shellcheck shell=bash
# Globals here are read by scripts/run-vmm, which sources this file.
# shellcheck disable=SC2034,SC2016,SC2054
# vmm-order: 60
# vmm-class: binary translation
# QEMU with TCG, its dynamic binary translator (no KVM on this machine).
# The guest console is ttyS0 (into a file), the results channel ttyS1 (into
# run-vmm's FIFO); isa-debug-exit lets the guest end QEMU with its status,
# and panic=-1 with -no-reboot ends it on a kernel panic.

# shellcheck source=scripts/lib/guest.sh
. "$SCRIPTS/lib/guest.sh"

VMM_TIMEOUT=1800
QEMU_ACCEL_ARGS=(-accel tcg -cpu max)
QEMU_MEMORY_MB=1024

vmm_help() {
	cat <<EOF
$VMM: a Linux guest in qemu-system-x86_64 ${QEMU_ACCEL_ARGS[*]}, ${QEMU_MEMORY_MB} MiB,
${VMPROBE_GUEST_CPUS:-2} vCPUs (VMPROBE_GUEST_CPUS); the kernel from /boot (--kernel RELEASE, default
Debian's default kernel), an initramfs with busybox, the static tools and build/kmod/RELEASE/vmprobe.ko.
Default time limit ${VMM_TIMEOUT} s.
EOF
}

vmm_usable() {
	command -v qemu-system-x86_64 > /dev/null || { echo "qemu-system-x86_64 not installed (qemu-system-x86)"; return 1; }
	guest_kernel > /dev/null
}

guest_cpus() {
	local cpus=${VMPROBE_GUEST_CPUS:-2}
	[[ "$cpus" =~ ^[1-9][0-9]?$ ]] || { say "bad VMPROBE_GUEST_CPUS '$cpus'"; exit 2; }
	echo "$cpus"
}

# The machine both QEMU flavours and Xen share: no default devices, the
# console and results serial ports, the exit port.
qemu_base_cmd() {
	CONSOLE_FILE=$WORK/console
	VMM_CMD=(qemu-system-x86_64 -nodefaults -display none -no-reboot -monitor none
		-chardev "file,id=console,path=$CONSOLE_FILE" -serial chardev:console
		-chardev "file,id=results,path=$CHANNEL" -serial chardev:results
		-device "isa-debug-exit,iobase=0xf4,iosize=4")
}

vmm_launch() {
	local kernel
	kernel=$(guest_kernel)
	build_initramfs "$WORK/guest.img"
	qemu_base_cmd
	VMM_CMD+=("${QEMU_ACCEL_ARGS[@]}" -smp "$(guest_cpus)" -m "$QEMU_MEMORY_MB"
		-kernel "$kernel" -initrd "$WORK/guest.img"
		-append "console=ttyS0 quiet panic=-1")
}
