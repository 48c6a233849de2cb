# shellcheck shell=bash disable=SC2034
# Shared by the tests/*.t scripts that boot a guest through scripts/run-vmm.
# Source it after `cd` to the repository root.
#
# skip_file REASON: the whole file is skipped (plan 1..0), saying why.
# bail_file REASON: the whole file fails with one point saying why.
#
# guest_pick [RELEASE]: what scripts/run-vmm [--kernel RELEASE] boots and
#   loads: sets guest_release and guest_module (build/kmod/RELEASE/vmprobe.ko),
#   or returns 1 with the reason in guest_why (e.g. the headers package to
#   install). Without RELEASE: run-vmm's default kernel.
skip_file() {
	echo "skipped: $*" >&2
	echo "1..0 # SKIP skipped: $*"
	exit 0
}
bail_file() {
	echo "1..1"
	echo "not ok 1 - $*"
	exit 1
}

guest_pick() {
	local picked
	guest_release='' guest_module='' guest_why=''
	# One line out: "ok RELEASE MODULE", or the reason it cannot be run.
	picked=$(
		REPO=$PWD BUILD=${VMPROBE_BUILD:-$PWD/build} USE_MODULE=1 GUEST_KERNEL_RELEASE=${1:-}
		# shellcheck source=scripts/lib/guest.sh
		. scripts/lib/guest.sh
		exec 2>&1
		guest_kernel > /dev/null && release=$(guest_release) && module=$(guest_module) &&
			echo "ok $release $module"
	)
	case $picked in
	"ok "*) read -r _ guest_release guest_module <<< "$picked" ;;
	*) guest_why=$picked ;;
	esac
	[ -n "$guest_module" ]
}

# guest_require [--kernel] [--module] [--command CMD WHY]... FILE...: skip
#   the whole test file, saying why, unless each command is on PATH, a guest
#   kernel is there (--kernel), the module is built for run-vmm's default
#   guest kernel (--module), perl's JSON::PP works and each built FILE exists.
# Then $tmp (removed on exit) and the TAP helper `ok STATUS DESCRIPTION`
# (a failure also sets $failed).
guest_require() {
	local why='' file
	while [ $# -gt 0 ]; do
		case $1 in
		--kernel)
			ls /boot/vmlinuz-*-amd64 > /dev/null 2>&1 ||
				why=${why:-"no /boot/vmlinuz-*-amd64 guest kernel"}
			shift ;;
		--module)
			guest_pick '' || why=${why:-$guest_why}
			shift ;;
		--command)
			command -v "$2" > /dev/null || why=${why:-$3}
			shift 3 ;;
		*) break ;;
		esac
	done
	for file in "$@"; do
		[ -e "$file" ] || why=${why:-"$file not built (run make)"}
	done
	perl -MJSON::PP -e 1 2> /dev/null || why=${why:-"perl JSON::PP missing"}
	[ -z "$why" ] || skip_file "$why"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	n=0
	failed=0
}
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }

# e2e_check VMM CONSOLE_LINE CHECK-RESULT-ARGS...: run `vmprobe all --quick`
# in VMM, then check the exit status, the console log (it must hold
# CONSOLE_LINE), the result (scripts/lib/check-result with the arguments
# given), the host-stamped marks, the annotation, and that no VMM is left.
e2e_check() {
	local vmm=$1 console_line=$2 started status checks marks begins ends
	shift 2
	mkdir -p "$tmp/work"
	started=$SECONDS
	TMPDIR=$tmp/work nice scripts/run-vmm "$vmm" --out "$tmp/out" --timeout 420 -- --quick --time-budget 40 \
		> "$tmp/stdout" 2> "$tmp/stderr"
	status=$?
	echo "# run-vmm $vmm took $((SECONDS - started)) s"
	ok "$([ "$status" = 0 ]; echo $?)" "run-vmm $vmm exits 0 (got $status)"
	[ "$status" = 0 ] || sed 's/^/# /' "$tmp/stderr"
	ok "$([ -s "$tmp/out/$vmm.console.log" ] && grep -q "$console_line" "$tmp/out/$vmm.console.log"; echo $?)" \
		"console log kept, the guest says '$console_line'"
	if [ -f "$tmp/out/$vmm.json" ]; then
		scripts/lib/check-result "$tmp/out/$vmm.json" --label "$vmm" --start $((n + 1)) "$@" > "$tmp/checks"
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
}
