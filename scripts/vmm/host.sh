# shellcheck shell=bash
# Globals here are read by scripts/run-vmm, which sources this file.
# shellcheck disable=SC2034
# vmm-order: 10
# vmm-class: native
# The host: vmprobe on this machine itself, no VMM of ours in between (this
# machine may itself be a guest; vmprobe info says what it detects). The
# running kernel cannot load modules, so the module benchmarks are skipped.

VMM_TIMEOUT=1200
VMM_HOST_VIEW=0	# no VMM between: the host view would be vmprobe's own

vmm_help() {
	cat <<EOF
host: build/vmprobe-static run directly on this machine, markers into run-vmm's FIFO.
No module: this machine's kernel has no module support (never insmod here).
Default time limit ${VMM_TIMEOUT} s.
EOF
}

vmm_usable() {
	[ -x "$BUILD/vmprobe-static" ] || [ -n "$GUEST_SCRIPT" ] ||
		{ echo "$BUILD/vmprobe-static is missing: run make"; return 1; }
}

vmm_launch() {
	if [ "$USE_MODULE" -eq 1 ]; then
		if [ -c /dev/vmprobe ]; then
			say "using the vmprobe module already loaded on this host"
		else
			say "running without the vmprobe module: this host's kernel does not load modules (module benchmarks are skipped)"
		fi
	fi
	VMM_CMD=("$SCRIPTS/vmm/host-job" "$CHANNEL" "$VMM" "$BUILD/vmprobe-static" "$GUEST_SCRIPT"
		"${VMM_VMPROBE_ARGS[@]}" "${VMPROBE_ARGS[@]}")
}
