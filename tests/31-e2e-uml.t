#!/usr/bin/env bash
# End to end under User Mode Linux: boot linux.uml on a hostfs root, run the
# real vmprobe (short sizes; no module: UML cannot load it), results written
# into the root and the live markers over ssl1, stamped on the host, annotated.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib/guest.sh
guest_require --command linux.uml "linux.uml not installed (user-mode-linux)" \
	build/vmprobe-static build/vmprobe-stamp build/vmprobe-exit build/vmprobe
# The guest prints "job finished: status S" whatever S is: require 0, the
# status of vmprobe itself (scripts/guest/init).
e2e_check uml 'vmprobe-init: job finished: status 0$' \
	--ok-bench getpid --ok-bench matmul-10 --skipped-bench ioctl-null
echo "1..$n"
exit "$failed"
