# shellcheck shell=bash
# Shared by the VMM files that boot a Linux guest: pick the kernel, stage the
# guest root and pack it. Uses run-vmm's globals (REPO, BUILD, WORK, VMM, ...).

# The guest kernel: the one kmod/vmprobe.ko was built for (its vermagic),
# else the newest /boot/vmlinuz-*-amd64.
guest_kernel() {
	local module=${VMPROBE_GUEST_MODULE:-$REPO/kmod/vmprobe.ko} release kernel
	if [ "$USE_MODULE" -eq 1 ] && [ -f "$REPO/kmod/vmprobe.ko" ]; then
		release=$(modinfo -F vermagic "$REPO/kmod/vmprobe.ko" 2>/dev/null | cut -d' ' -f1)
		kernel=/boot/vmlinuz-$release
		[ -n "$release" ] && [ -f "$kernel" ] && { echo "$kernel"; return 0; }
	fi
	: "$module"
	kernel=$(find /boot -maxdepth 1 -name 'vmlinuz-*-amd64' | sort -V | tail -n1)
	[ -n "$kernel" ] || { echo "no /boot/vmlinuz-*-amd64 (install linux-image-amd64)" >&2; return 1; }
	echo "$kernel"
}

# The module tree of a kernel image /boot/vmlinuz-R.
kernel_modules_dir() { echo "/lib/modules/${1#/boot/vmlinuz-}"; }

# stage_guest ROOT CHANNEL END [stage options...]: lay out the guest root for
# this run (job, args, module or not).
stage_guest() {
	local root=$1 channel=$2 end=$3
	shift 3
	local options=(--label "$VMM" --channel "$channel" --end "$end" "$@")
	[ -n "$GUEST_SCRIPT" ] && options+=(--script "$GUEST_SCRIPT")
	[ "$USE_MODULE" -eq 1 ] || options+=(--no-module)
	"$SCRIPTS/guest/stage" "$root" "${options[@]}" -- "${VMM_VMPROBE_ARGS[@]}" "${VMPROBE_ARGS[@]}"
}

# build_initramfs IMAGE [stage options...]: the guest as one initramfs whose
# results channel is /dev/ttyS1.
build_initramfs() {
	local image=$1
	shift
	stage_guest "$WORK/root" /dev/ttyS1 port "$@"
	"$SCRIPTS/guest/mkinitramfs" "$WORK/root" "$image"
}
