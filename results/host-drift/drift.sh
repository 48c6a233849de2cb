#!/usr/bin/env bash
# Does the host's fork level move with the page-table path (page-fault) or with everything (matmul, getpid)?
# N rounds of the same four rows; each round's medians, with steal from /proc/stat around it.
set -u
vp=${VMPROBE:-build/vmprobe}
out=${1:-/tmp/forkvar}; mkdir -p "$out"
for i in $(seq 1 ${ROUNDS:-12}); do
	s0=$(awk '/^cpu /{print $9}' /proc/stat)
	$vp run fork-exit-wait page-fault matmul-100 getpid-raw --repetitions 9 --json "$out/r$i.json" > /dev/null 2>&1
	s1=$(awk '/^cpu /{print $9}' /proc/stat)
	jq -r --arg i "$i" --arg st "$((s1 - s0))" '[$i, $st, (.benchmarks[] | .ns.median | . * 10 | round / 10)] | @tsv' "$out/r$i.json"
done
