# shellcheck shell=bash
# Globals here are read by scripts/run-vmm, which sources this file.
# shellcheck disable=SC2034
# QEMU with KVM (hardware virtualisation): the same guest and channels as
# the qemu VMM, with -accel kvm -cpu host. Whether KVM can run an ordinary
# guest is found out by trying: a short boot that must reach the kernel's
# first console line (some hosts expose /dev/kvm for special guests only).

# shellcheck source=scripts/vmm/qemu.sh
. "$SCRIPTS/vmm/qemu.sh"

QEMU_ACCEL_ARGS=(-accel kvm -cpu host)
KVM_PROBE_SECONDS=20

vmm_help() {
	cat <<EOF
kvm: the qemu VMM's guest (initramfs with busybox, the static tools, kmod/vmprobe.ko, console
on ttyS0, results on ttyS1, isa-debug-exit) run with qemu-system-x86_64 -accel kvm -cpu host,
${QEMU_MEMORY_MB} MiB, ${VMPROBE_GUEST_CPUS:-2} vCPUs. Needs a usable /dev/kvm (read-write for you) on an x86-64
Linux host with VT-x/AMD-V; run-vmm first boots the kernel for up to ${KVM_PROBE_SECONDS} s to check
that KVM really runs a guest, and exits 77 with the reason when it does not. By hand:
  qemu-system-x86_64 -accel kvm -cpu host -m ${QEMU_MEMORY_MB} -smp 2 -nographic -no-reboot \\
    -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel /boot/vmlinuz-... \\
    -initrd guest.img -append "console=ttyS0 panic=-1"
EOF
}

vmm_usable() {
	local kernel probe status
	command -v qemu-system-x86_64 > /dev/null || { echo "qemu-system-x86_64 not installed"; return 1; }
	[ -c /dev/kvm ] || { echo "no /dev/kvm (no KVM module or no hardware virtualisation)"; return 1; }
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then echo "/dev/kvm is not read-write for $(id -un)"; return 1; fi
	kernel=$(guest_kernel) || return 1
	probe=$(timeout -k 2 "$KVM_PROBE_SECONDS" qemu-system-x86_64 -accel kvm -cpu host -m 256 \
		-nodefaults -display none -no-reboot -monitor none -serial stdio \
		-kernel "$kernel" -append "console=ttyS0 panic=-1 rdinit=/nonexistent" < /dev/null 2>&1)
	status=$?
	if ! grep -q 'Linux version' <<< "$probe"; then
		echo "qemu -accel kvm did not boot a guest here (status $status): $(grep -m2 -iE 'error|assert|fail' <<< "$probe" | tr '\n' ' ')"
		return 1
	fi
}
