# shellcheck shell=bash
# Process control for run-vmm: start a VMM in its own session, kill it and
# everything it started (by process id, never by name).

# The ids of PID's descendants, deepest first.
descendants_of() {
	local pid=$1 child
	for child in $(pgrep -P "$pid" 2>/dev/null); do
		descendants_of "$child"
		echo "$child"
	done
}

# Kill PID, its process group and every descendant: TERM, then KILL after
# a grace period for what is still there.
kill_tree() {
	local pid=$1 grace=${2:-3} victims waited=0
	kill -0 "$pid" 2>/dev/null || return 0
	victims="$(descendants_of "$pid") $pid"
	# shellcheck disable=SC2086
	kill -TERM $victims 2>/dev/null || true
	kill -TERM -- "-$pid" 2>/dev/null || true
	while [ "$waited" -lt $((grace * 10)) ]; do
		local alive=0 v
		for v in $victims; do
			if kill -0 "$v" 2>/dev/null && [ "$(ps -o stat= -p "$v" 2>/dev/null | cut -c1)" != Z ]; then
				alive=1
			fi
		done
		[ "$alive" -eq 0 ] && return 0
		sleep 0.1
		waited=$((waited + 1))
	done
	# shellcheck disable=SC2086
	kill -KILL $victims 2>/dev/null || true
	kill -KILL -- "-$pid" 2>/dev/null || true
}

# Milliseconds since the epoch (bash's own clock, no fork).
# new_lines_match FD PARTVAR REGEX: reads the lines the file open on FD has
# gained since the last call (no fork); 0 when one matches REGEX (bash ERE).
# A last line without its newline yet waits in the variable named PARTVAR.
new_lines_match() {
	local fd=$1 partvar=$2 re=$3 line found=1
	while IFS= read -r line <&"$fd"; do
		line=${!partvar}$line
		printf -v "$partvar" '%s' ''
		[[ $line =~ $re ]] && found=0
	done
	printf -v "$partvar" '%s' "${!partvar}$line"
	[[ ${!partvar} =~ $re ]] && found=0
	return "$found"
}

now_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}
