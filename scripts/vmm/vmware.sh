# shellcheck shell=bash
# Globals here are read by scripts/run-vmm, which sources this file.
# shellcheck disable=SC2034
# vmm-order: 30
# vmm-class: hardware virtualization
# VMware: run-vmm cannot start VMware here. Run from inside a VMware Linux
# guest (DMI says "VMware"), it measures that guest like the host VMM does,
# labelled vmware, with the module if it has been loaded there.

VMM_TIMEOUT=1200
VMM_HOST_VIEW=0	# vmprobe runs on this machine: no VMM process of ours to watch

vmm_help() {
	cat <<EOF
vmware: run vmprobe inside a Linux guest of VMware Workstation/ESXi:
  1. on a build machine: make   (build/vmprobe-static is self-contained; vmprobe.ko must be built
     for the guest's own kernel: with its headers there, make kmod KDIR=/lib/modules/\$(uname -r)/build
     or DKMS, see README.md)
  2. copy build/vmprobe-static, build/vmprobe-stamp, scripts/ and build/kmod/RELEASE/vmprobe.ko into the guest
  3. in the guest, as root: insmod vmprobe.ko   (creates /dev/vmprobe)
  4. in the guest: scripts/run-vmm vmware [-- ARGS]  (or: vmprobe-static all --label vmware --json vmware.json)
  5. copy results/vmware.json back and compare: build/vmprobe compare results/host.json results/vmware.json
run-vmm vmware runs only where DMI names VMware as the system vendor, and exits 77 elsewhere.
EOF
}

vmm_usable() {
	local vendor
	vendor=$(cat /sys/class/dmi/id/sys_vendor 2>/dev/null || echo unknown)
	case "$vendor" in
	*VMware*) [ -x "$BUILD/vmprobe-static" ] || { echo "$BUILD/vmprobe-static is missing: run make"; return 1; } ;;
	*) echo "this is not a VMware guest (DMI system vendor: '$vendor'); see scripts/run-vmm vmware --help"; return 1 ;;
	esac
}

vmm_launch() {
	[ -c /dev/vmprobe ] || say "no /dev/vmprobe: running without the module (insmod vmprobe.ko first to include its benchmarks)"
	VMM_CMD=("$SCRIPTS/vmm/host-job" "$CHANNEL" "$VMM" "$BUILD/vmprobe-static" "$GUEST_SCRIPT"
		"${VMM_VMPROBE_ARGS[@]}" "${VMPROBE_ARGS[@]}")
}
