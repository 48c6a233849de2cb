#!/usr/bin/env bash
# End to end under QEMU TCG: boot the guest kernel, load the real module, run
# the real vmprobe (short sizes), bring the JSON and the live markers back
# over the results serial port, stamp them on the host and annotate.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib/guest.sh
guest_require --command qemu-system-x86_64 "qemu-system-x86_64 not installed" --kernel --module \
	build/vmprobe-static build/vmprobe-stamp build/vmprobe-exit build/vmprobe
e2e_check qemu 'vmprobe-init: module loaded' \
	--ok-bench getpid --ok-bench matmul-10 --ok-bench ioctl-null --ok-bench ktimed-cpuid0
echo "1..$n"
exit "$failed"
