# shellcheck shell=bash
# Globals here are read by scripts/run-vmm, which sources this file.
# shellcheck disable=SC2034,SC2016,SC2054
# vmm-order: 40
# vmm-class: paravirtualization
# Xen 4.17 with the guest as its PV domain 0, the whole machine nested in
# QEMU TCG (no hardware virtualisation here). QEMU's multiboot loader takes
# the hypervisor as a plain ELF, the dom0 kernel (with its command line)
# and the initramfs as modules. Xen owns com1 (its console; dom0's hvc0 goes
# through it); dom0 drives com2 itself as /dev/ttyS1, the results channel.
# Dom0 may use the isa-debug-exit port, which is how the run ends: a plain
# poweroff leaves Xen in ACPI S5 without ending QEMU.

# shellcheck source=scripts/vmm/qemu.sh
. "$SCRIPTS/vmm/qemu.sh"

VMM_TIMEOUT=2400
XEN_IMAGE=/boot/xen-4.17-amd64.gz
XEN_MEMORY_MB=1536
DOM0_MEMORY_MB=1024

vmm_help() {
	cat <<EOF
xen: Xen 4.17 ($XEN_IMAGE) with the guest as PV dom0 (${DOM0_MEMORY_MB} MiB, ${VMPROBE_GUEST_CPUS:-2} vCPUs),
nested in qemu-system-x86_64 -accel tcg -cpu Haswell-noTSX (-cpu max crashes dom0), ${XEN_MEMORY_MB} MiB.
Console: Xen's com1 (dom0 on hvc0); results channel: com2 driven by dom0 as /dev/ttyS1.
Default time limit ${VMM_TIMEOUT} s.
EOF
}

vmm_usable() {
	command -v qemu-system-x86_64 > /dev/null || { echo "qemu-system-x86_64 not installed (qemu-system-x86)"; return 1; }
	[ -f "$XEN_IMAGE" ] || { echo "$XEN_IMAGE missing (xen-hypervisor-4.17-amd64)"; return 1; }
	guest_kernel > /dev/null
}

vmm_launch() {
	local kernel cpus
	kernel=$(guest_kernel)
	cpus=$(guest_cpus)
	build_initramfs "$WORK/guest.img"
	zcat "$XEN_IMAGE" > "$WORK/xen.elf"
	case "$kernel$WORK" in *,*) say "a comma in '$kernel' or '$WORK' breaks QEMU's module list"; exit 1 ;; esac
	qemu_base_cmd
	VMM_CMD+=(-accel tcg -cpu Haswell-noTSX -smp "$cpus" -m "$XEN_MEMORY_MB"
		-kernel "$WORK/xen.elf"
		-append "console=com1 com1=115200 dom0_mem=${DOM0_MEMORY_MB}M dom0_max_vcpus=$cpus loglvl=warning guest_loglvl=none"
		-initrd "$kernel console=hvc0 quiet panic=-1,$WORK/guest.img")
}
