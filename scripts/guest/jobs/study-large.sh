# Guest script (run-vmm --guest-script): only the study's large sizes,
# matmul-1000 and bubblesort-100000, which the time budget of a whole
# `vmprobe all` run cuts under emulation. Few repetitions, a budget that
# lets each row finish. Markers go to the results channel as usual; the
# result JSON is this script's stdout (DIR/VMM.guest.out).
# Arguments: rows to run instead of both (matmul-1000, bubblesort-100000),
# and vmprobe options (run-vmm passes the VMM's clock options).
# JOB_LABEL and JOB_CHANNEL (set by the guest's init, or host-job) are the
# VMM's name and the results channel.
rows='' options_file=/tmp/large.args
: > "$options_file"
for arg in "$@"; do
	case "$arg" in
	matmul-*|bubblesort-*) rows="$rows $arg" ;;
	*) printf '%s\n' "$arg" >> "$options_file" ;;
	esac
done
set --
while IFS= read -r option; do set -- "$@" "$option"; done < "$options_file"
# shellcheck disable=SC2086 # rows are plain words
vmprobe run ${rows:-matmul-1000 bubblesort-100000} --label "${JOB_LABEL:?}" --repetitions 3 \
	--time-budget 3000 --json /tmp/large.json --markers "${JOB_CHANNEL:?}" "$@" >&2
status=$?
cat /tmp/large.json
exit "$status"
