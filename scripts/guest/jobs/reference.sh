# Guest script (run-vmm --guest-script), also run on the host by
# scripts/reference-table: vmprobe's rows against vmprobe-ref's plain loops,
# interleaved. POSIX sh (busybox ash in the guest).
# Arguments: rounds=N (default 5), first=K (number of the first round,
# default 1), batch (one vmprobe run and one vmprobe-ref
# run of all rows per round, for slow guests; default: a vmprobe run and a
# vmprobe-ref run per row, next to each other in time), budget=SEC (vmprobe's
# time budget per run, default 2), then the rows. Other arguments (run-vmm's
# clock options) go to vmprobe.
# Output (stdout), per round and row:
#   @vm ROUND ROW          then vmprobe's CSV (header and row)
#   @ref ROUND ROW VALUE   vmprobe-ref's median (ns per op, MB/s for pipe rows)
# vmprobe's own messages go to stderr. Exits 1 when a program fails.
rounds=5 first=1 batch='' budget=2 rows='' opts=''
for arg in "$@"; do
	case "$arg" in
	rounds=*) rounds=${arg#rounds=} ;;
	first=*) first=${arg#first=} ;;
	budget=*) budget=${arg#budget=} ;;
	batch) batch=1 ;;
	-*) opts="$opts $arg" ;;
	*) rows="$rows $arg" ;;
	esac
done
[ -n "$rows" ] || { echo "reference.sh: no rows given" >&2; exit 2; }
label=${JOB_LABEL:-host}
vm_csv=${TMPDIR:-/tmp}/reference-vm.$$.csv
status=0

run_vm() { # ROUND ROWS...
	round=$1
	shift
	rm -f "$vm_csv"
	# shellcheck disable=SC2086 # opts are plain words
	if ! vmprobe run "$@" --label "$label" --time-budget "$budget" --csv "$vm_csv" $opts \
		> /dev/null 2> "$vm_csv.err"; then
		cat "$vm_csv.err" >&2
		echo "reference.sh: vmprobe run $* failed" >&2
		status=1
	fi
	# The rows that did finish count, whatever the others did.
	[ -f "$vm_csv" ] || return 0
	for row in "$@"; do
		echo "@vm $round $row"
		sed -n 1p "$vm_csv"
		grep "^$label,$row," "$vm_csv"
	done
}

run_ref() { # ROUND ROWS...
	round=$1
	shift
	if ! vmprobe-ref "$@" > "$vm_csv.ref"; then
		echo "reference.sh: vmprobe-ref $* failed" >&2
		status=1
	fi
	grep -v '^#' "$vm_csv.ref" | while read -r row value; do
		echo "@ref $round $row $value"
	done
}

r=$first
while [ "$r" -lt $((first + rounds)) ]; do
	if [ -n "$batch" ]; then
		# shellcheck disable=SC2086 # rows are plain words
		run_vm "$r" $rows
		# shellcheck disable=SC2086
		run_ref "$r" $rows
	else
		for row in $rows; do
			run_vm "$r" "$row"
			run_ref "$r" "$row"
		done
	fi
	r=$((r + 1))
done
rm -f "$vm_csv" "$vm_csv.ref" "$vm_csv.err"
exit "$status"
