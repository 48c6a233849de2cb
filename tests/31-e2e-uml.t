#!/usr/bin/env bash
# End to end under User Mode Linux: boot linux.uml on a hostfs root, run the
# real vmprobe (short sizes; no module: UML cannot load it), results written
# into the root and the live markers over ssl1, stamped on the host, annotated.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
vmm=uml
why=''
command -v linux.uml > /dev/null || why="linux.uml not installed (user-mode-linux)"

for built in build/vmprobe-static build/vmprobe-stamp build/vmprobe-exit build/vmprobe; do
	[ -e "$built" ] || why=${why:-"$built not built (run make)"}
done
perl -MJSON::PP -e 1 2> /dev/null || why=${why:-"perl JSON::PP missing"}
if [ -n "$why" ]; then
	echo "1..0 # SKIP skipped: $why"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/work"
n=0 failed=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }

started=$SECONDS
TMPDIR=$tmp/work nice scripts/run-vmm "$vmm" --out "$tmp/out" --timeout 420 -- --quick --time-budget 40 \
	> "$tmp/stdout" 2> "$tmp/stderr"
status=$?
echo "# run-vmm $vmm took $((SECONDS - started)) s"
ok "$([ "$status" = 0 ]; echo $?)" "run-vmm $vmm exits 0 (got $status)"
[ "$status" = 0 ] || sed 's/^/# /' "$tmp/stderr"
ok "$([ -s "$tmp/out/$vmm.console.log" ] && grep -q 'vmprobe-init: job finished' "$tmp/out/$vmm.console.log"; echo $?)" \
	"console log kept, the guest says its job finished"
if [ -f "$tmp/out/$vmm.json" ]; then
	scripts/lib/check-result "$tmp/out/$vmm.json" --label "$vmm" --start $((n + 1)) \
		--ok-bench getpid --ok-bench matmul-10 --skipped-bench ioctl-null > "$tmp/checks"
	checks=$?
	cat "$tmp/checks"
	n=$((n + $(grep -c '^\(not \)\?ok ' "$tmp/checks")))
	[ "$checks" -eq 0 ] || failed=1
else
	ok 1 "the result $vmm.json came back"
fi
marks=$tmp/out/$vmm.marks
begins=$(grep -c ' @@vmprobe begin ' "$marks" 2>/dev/null)
ends=$(grep -c ' @@vmprobe end ' "$marks" 2>/dev/null)
ok "$([ "${begins:-0}" -gt 0 ] && [ "$begins" = "$ends" ]; echo $?)" \
	"host-stamped marks: ${begins:-0} begin and ${ends:-0} end lines"
ok "$(awk '$1 < prev { bad = 1 } { prev = $1 } END { exit bad }' "$marks"; echo $?)" "mark stamps never go back"
ok "$(perl -MJSON::PP -e 'local $/; my $r = decode_json(<>); exit !(ref $r->{host_clock} eq "HASH" && $r->{host_clock}{wall_ns} > 0)' "$tmp/out/$vmm.json" 2>/dev/null; echo $?)" \
	"annotated with the host clock (host_clock.wall_ns)"
ok "$(! pgrep -f "$tmp/work" > /dev/null; echo $?)" "no VMM process left"
echo "1..$n"
exit "$failed"
