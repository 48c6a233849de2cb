#!/usr/bin/env bash
# End to end under QEMU TCG: boot the guest kernel, load the real module, run
# the real vmprobe (short sizes), bring the JSON and the live markers back
# over the results serial port, stamp them on the host and annotate.
# The ktimed-* rows that must succeed come from the one per-VMM table
# (tests/guest/module-tests.sh required_ops); "all" means every op of
# include/uapi/vmprobe.h's VMPROBE_KTIMED_OPS (rdtscp included: QEMU's
# -cpu max has RDTSCP whatever the host has).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib/guest.sh
guest_require --command qemu-system-x86_64 "qemu-system-x86_64 not installed" --kernel --module \
	build/vmprobe-static build/vmprobe-stamp build/vmprobe-exit build/vmprobe
required=$(sh tests/guest/module-tests.sh --print-required qemu)
[ "$required" = all ] &&
	required=$(sed -n 's/^[[:space:]]*X([A-Z0-9_]*, *[a-z0-9_]*, *"\([a-z0-9_]*\)".*/\1/p' include/uapi/vmprobe.h)
ktimed_args=()
for op in ${required//,/ }; do
	ktimed_args+=(--ok-bench "ktimed-$op")
done
e2e_check qemu 'vmprobe-init: module loaded' \
	--ok-bench getpid --ok-bench matmul-10 --ok-bench ioctl-null "${ktimed_args[@]}"
echo "1..$n"
exit "$failed"
