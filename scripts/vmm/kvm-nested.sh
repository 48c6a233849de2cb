# shellcheck shell=bash
# Globals here are read by scripts/run-vmm, which sources this file.
# shellcheck disable=SC2034
# vmm-order: 90
# KVM (AMD SVM with nested paging) one level down: L1, Debian's kernel in
# QEMU TCG -cpu max (which emulates SVM and NPT), loads kvm-amd and runs the
# usual vmprobe guest (L2) under KVM with QEMU microvm. L1 counts L2's VM
# exits at every row marker (scripts/guest/l1-init, vmprobe-kvm-relay);
# scripts/lib/kvm-exits turns the counts into "exits" per benchmark.
# Console: L1's ttyS0, L2's console goes there too. Results channel: L2's
# ttyS1 -> relay in L1 -> L1's ttyS1 -> run-vmm's FIFO.

# shellcheck source=scripts/vmm/qemu.sh
. "$SCRIPTS/vmm/qemu.sh"

VMM_TIMEOUT=1800
# A "Kernel panic" on the console may be L2's, which L1 then reports with
# its status after sending the exit counts (seconds under TCG): wait for it.
# (With the default 2 s, run-vmm stopped L1 first in 1 run of about 8.)
VMM_PANIC_GRACE=60
L1_MEMORY_MB=2048
L2_MEMORY_MB=512

vmm_help() {
	cat <<EOF
kvm-nested: the usual guest (L2: busybox initramfs, static tools, the module built for its kernel) under KVM
(-accel kvm -cpu host -M microvm, ${L2_MEMORY_MB} MiB, ${VMPROBE_GUEST_CPUS:-1} vCPU) inside L1, Debian's
kernel in qemu-system-x86_64 -accel tcg -cpu max -smp 1 (${L1_MEMORY_MB} MiB) with kvm-amd loaded. L1 and L2
run the kernel the module was built for. L1 counts L2's VM exits at each row marker (debugfs
/sys/kernel/debug/kvm, tracefs hist triggers on kvm:kvm_exit and kvm:kvm_pio); the result gets
"exits" per benchmark, and the time from each exit to the vCPU's next entry by reason (a tracefs
synthetic event; VMPROBE_KVM_EXIT_TIME=0 leaves it out: it costs ~11 us per exit under TCG). Exit
COUNTS and REASONS are real KVM's; every TIME is inflated by TCG's emulation of SVM (tens of us per
exit, not the ~1 us of hardware): the method is a real host's, the figures are not. VMPROBE_GUEST_CPUS sets L2's vCPUs
(default 1: see README). Default time limit ${VMM_TIMEOUT} s; exits 77 where L1 gets no SVM.
EOF
}

vmm_usable() {
	local kernel release
	command -v qemu-system-x86_64 > /dev/null || { echo "qemu-system-x86_64 not installed (qemu-system-x86)"; return 1; }
	kernel=$(guest_kernel) || return 1
	release=${kernel#/boot/vmlinuz-}
	[ -e "/lib/modules/$release/kernel/arch/x86/kvm/kvm-amd.ko" ] ||
		[ -e "/lib/modules/$release/kernel/arch/x86/kvm/kvm-amd.ko.xz" ] ||
		{ echo "no kvm-amd module for L1's kernel $release in /lib/modules/$release"; return 1; }
	# TCG emulates SVM only for an AMD model; -cpu max gives one when QEMU lists svm.
	qemu-system-x86_64 -accel tcg -cpu help 2>/dev/null | grep -qw svm ||
		{ echo "this QEMU's TCG does not offer the svm flag (AMD-V) for L1"; return 1; }
}

# Where the counts go: into the result, per benchmark.
vmm_collect() { # RECEIVED_DIR RESULT_JSON
	local received=$1 result=$2
	[ -f "$received/kvm-host.txt" ] && cp "$received/kvm-host.txt" "$OUT/$VMM.kvm-host.txt"
	[ -f "$received/kvm-exits.snap" ] || { say "no exit snapshots came back from L1"; return 1; }
	cp "$received/kvm-exits.snap" "$OUT/$VMM.exits.snap"
	# A guest script whose output is a result (a few rows: tests/34) gets them too.
	if [ ! -f "$result" ]; then
		result=$OUT/$VMM.guest.out
		[ -f "$result" ] && jq -e '.format == "vmprobe-result"' "$result" > /dev/null 2>&1 || return 0
	fi
	"$SCRIPTS/lib/kvm-exits" "$result" "$received/kvm-exits.snap" \
		"nested: L1 KVM (kvm-amd, NPT) in QEMU TCG counted L2's exits"
}

vmm_launch() {
	local kernel release cpus=${VMPROBE_GUEST_CPUS:-1}
	kernel=$(guest_kernel)
	release=${kernel#/boot/vmlinuz-}
	[[ "$cpus" =~ ^[1-9]$ ]] || { say "bad VMPROBE_GUEST_CPUS '$cpus'"; exit 2; }
	rm -f "$OUT/$VMM.exits.snap" "$OUT/$VMM.kvm-host.txt"	# an earlier run's
	build_initramfs "$WORK/guest.img"
	"$SCRIPTS/guest/mkl1" "$WORK/l1root" "$WORK/l1.img" --release "$release" \
		--l2-kernel "$kernel" --l2-image "$WORK/guest.img" --l2-cpus "$cpus" \
		--l2-memory "$L2_MEMORY_MB"
	qemu_base_cmd
	# One L1 vCPU by default: with -smp 2 under multi-threaded TCG, L1 crashed
	# (int3 Oops while patching kernel text). VMPROBE_L1_CPUS > 1 (for trials)
	# runs L1 under single-threaded TCG.
	local l1_cpus=${VMPROBE_L1_CPUS:-1} accel=tcg
	[[ "$l1_cpus" =~ ^[1-9]$ ]] || { say "bad VMPROBE_L1_CPUS '$l1_cpus'"; exit 2; }
	[ "$l1_cpus" -eq 1 ] || accel=tcg,thread=single
	VMM_CMD+=(-accel "$accel" -cpu max -smp "$l1_cpus" -m "$L1_MEMORY_MB"
		-kernel "$kernel" -initrd "$WORK/l1.img"
		-append "console=ttyS0 quiet panic=-1")
}
