# shellcheck shell=bash
# Globals here are read by scripts/run-vmm, which sources this file.
# shellcheck disable=SC2034,SC2016,SC2054
# vmm-order: 50
# vmm-class: host modification (kernel port)
# User Mode Linux: the guest kernel is a host process (linux.uml). Its root
# is a host directory (hostfs), so the guest also writes its results there;
# the results serial line ssl1 (/dev/ttyS1 inside) is bound to run-vmm's
# FIFO for the live markers. Our module is not loaded: Debian ships no
# ARCH=um kernel headers to build vmprobe.ko against, so the module
# benchmarks are skipped (vmprobe says which).

# shellcheck source=scripts/lib/guest.sh
. "$SCRIPTS/lib/guest.sh"

VMM_TIMEOUT=1200
UML_MEMORY=1024M

vmm_help() {
	cat <<EOF
uml: linux.uml (user-mode-linux) with a hostfs root directory, mem=$UML_MEMORY, one CPU (UML
is uniprocessor), no vmprobe module (no ARCH=um headers to build it against). Console on the
VMM's stdout, results channel ssl1 -> run-vmm's FIFO, result files also written to the root
directory. Default time limit ${VMM_TIMEOUT} s.
EOF
}

vmm_usable() {
	command -v linux.uml > /dev/null || { echo "linux.uml not installed (user-mode-linux)"; return 1; }
}

vmm_launch() {
	local root=$WORK/root
	[ -z "$GUEST_KERNEL_RELEASE" ] || say "--kernel $GUEST_KERNEL_RELEASE ignored: UML's kernel is linux.uml"
	if [ "$USE_MODULE" -eq 1 ]; then
		say "no vmprobe module under UML (no ARCH=um headers to build it): running without it"
		USE_MODULE=0
	fi
	stage_guest "$root" /dev/ttyS1 poweroff --outdir /results
	GUEST_RESULTS_DIR=$root/results
	mkdir -p "$WORK/uml"
	# The UML kernel's host process (umid's pid file): the host view tells it from the guest's.
	VMM_KERNEL_PIDFILE=$WORK/uml/vmprobe/pid
	# fd 3 is the FIFO's write end, opened by a shell that then becomes UML.
	VMM_CMD=(bash -c 'exec 3> "$1"; shift; exec "$@"' uml-channel "$CHANNEL"
		linux.uml "mem=$UML_MEMORY" root=/dev/root rootfstype=hostfs "rootflags=$root" rw
		init=/init "uml_dir=$WORK/uml" umid=vmprobe con=null con0=null,fd:1
		ssl=null ssl1=null,fd:3)
}
