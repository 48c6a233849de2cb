# shellcheck shell=bash
# Shared by the VMM files that boot a Linux guest: pick the kernel and the
# module built for it, stage the guest root and pack it. Uses run-vmm's
# globals (REPO, BUILD, WORK, VMM, USE_MODULE, GUEST_KERNEL_RELEASE, ...).

# The guest kernel's release: run-vmm --kernel RELEASE, else Debian's
# default kernel (the one the linux-image-amd64 package depends on, 6.1 on
# Debian 12), else the newest plain /boot/vmlinuz-*-amd64. Debian's default
# rather than the newest: it is the kernel every Debian machine gets from
# `make deps`, so results from different machines compare like with like,
# the recorded results/ were taken with it, and every runner (Xen dom0,
# Bochs, icount) was tried with it. Other kernels: --kernel.
guest_release() {
	local release
	if [ -n "${GUEST_KERNEL_RELEASE:-}" ]; then
		echo "$GUEST_KERNEL_RELEASE"
		return 0
	fi
	release=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2> /dev/null |
		sed -n 's/^linux-image-\([^ ,]*\).*/\1/p')
	if [ -z "$release" ] || [ ! -f "/boot/vmlinuz-$release" ]; then
		release=$(find /boot -maxdepth 1 -name 'vmlinuz-*-amd64' ! -name '*-cloud-amd64' ! -name '*-rt-amd64' \
			-printf '%f\n' | sed 's/^vmlinuz-//' | sort -V | tail -n1)
	fi
	[ -n "$release" ] || { echo "no /boot/vmlinuz-*-amd64 guest kernel (install linux-image-amd64: make deps)" >&2; return 1; }
	echo "$release"
}

# The installed guest kernels, for messages.
guest_releases() {
	find /boot -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sed 's/^vmlinuz-//' | sort -V | paste -sd' '
}

# The guest kernel image, /boot/vmlinuz-RELEASE.
guest_kernel() {
	local release
	release=$(guest_release) || return 1
	if [ ! -f "/boot/vmlinuz-$release" ]; then
		echo "no guest kernel /boot/vmlinuz-$release (install linux-image-$release; installed: $(guest_releases))" >&2
		return 1
	fi
	echo "/boot/vmlinuz-$release"
}

# The module to load in the guest: VMPROBE_GUEST_MODULE when set (tests stage
# a bogus one), else the one `make` built for the guest kernel's release,
# checked against its vermagic. Prints nothing without the module.
guest_module() {
	local release module tree built_for
	[ "$USE_MODULE" -eq 1 ] || return 0
	if [ -n "${VMPROBE_GUEST_MODULE:-}" ]; then
		echo "$VMPROBE_GUEST_MODULE"
		return 0
	fi
	release=$(guest_release) || return 1
	module=$BUILD/kmod/$release/vmprobe.ko
	if [ ! -f "$module" ]; then
		tree=
		for tree in "/lib/modules/$release/build" "/usr/src/linux-headers-$release" ''; do
			[ -n "$tree" ] && [ -d "$tree" ] && break
		done
		if [ -z "$tree" ]; then
			echo "no vmprobe.ko for the guest kernel $release: its headers are not installed (apt-get install linux-headers-$release, then make; or --no-module)" >&2
		else
			echo "$module is missing: run make (or make kmod KDIR=$tree)" >&2
		fi
		return 1
	fi
	built_for=$(modinfo -F vermagic "$module" 2> /dev/null | cut -d' ' -f1)
	if [ "$built_for" != "$release" ]; then
		echo "$module was built for '${built_for:-?}', not for the guest kernel $release: run make" >&2
		return 1
	fi
	echo "$module"
}

# The module tree of a kernel image /boot/vmlinuz-R.
kernel_modules_dir() { echo "/lib/modules/${1#/boot/vmlinuz-}"; }

# stage_guest ROOT CHANNEL END [stage options...]: lay out the guest root for
# this run (job, args, module or not).
stage_guest() {
	local root=$1 channel=$2 end=$3 module
	shift 3
	local options=(--label "$VMM" --channel "$channel" --end "$end" "$@")
	[ -n "$GUEST_SCRIPT" ] && options+=(--script "$GUEST_SCRIPT")
	if [ "$USE_MODULE" -eq 1 ]; then
		module=$(guest_module 2> "$WORK/guest_module.why") || { say "$(cat "$WORK/guest_module.why")"; exit 1; }
		options+=(--module "$module")
		say "guest kernel $(guest_release), module $module"
	else
		options+=(--no-module)
	fi
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
