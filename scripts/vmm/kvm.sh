# shellcheck shell=bash
# Globals here are read by scripts/run-vmm, which sources this file.
# shellcheck disable=SC2034
# vmm-order: 20
# vmm-class: hardware virtualization
# QEMU with KVM (hardware virtualisation): the same guest and channels as
# the qemu VMM, with -accel kvm -cpu host. Whether KVM can run an ordinary
# guest is found out by trying: a short boot that must reach the kernel's
# first console line (some hosts expose /dev/kvm for special guests only).

# shellcheck source=scripts/vmm/qemu.sh
. "$SCRIPTS/vmm/qemu.sh"

QEMU_ACCEL_ARGS=(-accel kvm -cpu host)
KVM_PROBE_SECONDS=20
KVM_EVENTS=/sys/kernel/tracing/events/kvm

vmm_help() {
	cat <<EOF
kvm: the qemu VMM's guest (initramfs with busybox, the static tools, the module built for its kernel, console
on ttyS0, results on ttyS1, isa-debug-exit) run with qemu-system-x86_64 -accel kvm -cpu host,
${QEMU_MEMORY_MB} MiB, ${VMPROBE_GUEST_CPUS:-2} vCPUs. Needs a usable /dev/kvm (read-write for you) on an x86-64
Linux host with VT-x/AMD-V; run-vmm first boots the kernel for up to ${KVM_PROBE_SECONDS} s to check
that KVM really runs a guest, and exits 77 with the reason when it does not. By hand:
  qemu-system-x86_64 -accel kvm -cpu host -m ${QEMU_MEMORY_MB} -smp 2 -nographic -no-reboot \\
    -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel /boot/vmlinuz-... \\
    -initrd guest.img -append "console=ttyS0 panic=-1"
VM exits per row: run as root with debugfs on /sys/kernel/debug and tracefs on
/sys/kernel/tracing (mount -t debugfs none /sys/kernel/debug; mount -t tracefs none
/sys/kernel/tracing); QEMU then runs under scripts/vmm/kvm-counted, which reads KVM's counters for
this VM at every row marker (as kvm-nested's L1 does), and each benchmark gets "exits". The
per-VM debugfs count is this guest's alone; the reasons (tracefs hist) count every VM of the
host, so run no other VM meanwhile. The exit times by reason (a tracefs synthetic event from each
kvm_exit to the vCPU's next kvm_entry; kernel with CONFIG_SYNTH_EVENTS and CONFIG_HIST_TRIGGERS)
come the same way; where they cannot be armed, the relay says why and the run has counts only.
Without root or those file systems the run has no "exits".
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

# Root with debugfs (per-VM counters) and tracefs (hist triggers): count exits.
kvm_exits_countable() {
	[ "$(id -u)" -eq 0 ] && [ -d /sys/kernel/debug/kvm ] && [ -w "$KVM_EVENTS/kvm_exit/trigger" ] &&
		[ -w "$KVM_EVENTS/kvm_pio/trigger" ]
}

vmm_launch() {
	local kernel i
	kernel=$(guest_kernel)
	rm -f "$OUT/$VMM.exits.snap"	# an earlier run's
	build_initramfs "$WORK/guest.img"
	qemu_base_cmd
	VMM_CMD+=("${QEMU_ACCEL_ARGS[@]}" -smp "$(guest_cpus)" -m "$QEMU_MEMORY_MB"
		-kernel "$kernel" -initrd "$WORK/guest.img"
		-append "console=ttyS0 quiet panic=-1")
	if ! kvm_exits_countable; then
		say "VM exits not counted (needs root, /sys/kernel/debug/kvm and tracefs kvm events)"
		return 0
	fi
	# The results port goes to the relay, which passes it on to run-vmm's FIFO.
	for i in "${!VMM_CMD[@]}"; do
		[ "${VMM_CMD[$i]}" = "file,id=results,path=$CHANNEL" ] &&
			VMM_CMD[i]="file,id=results,path=$WORK/guestchan"
	done
	VMM_CMD=("$SCRIPTS/vmm/kvm-counted" "$WORK" "$CHANNEL" -- "${VMM_CMD[@]}")
}

vmm_collect() { # RECEIVED_DIR RESULT_JSON
	[ -f "$WORK/kvm-exits.snap" ] || return 0	# not counted (said at launch)
	cp "$WORK/kvm-exits.snap" "$OUT/$VMM.exits.snap"
	[ -f "$2" ] || return 0
	"$SCRIPTS/lib/kvm-exits" "$2" "$WORK/kvm-exits.snap" \
		"this host's KVM counted the guest's exits (debugfs per VM; reasons host-wide)"
}
