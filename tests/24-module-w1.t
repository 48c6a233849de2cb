#!/usr/bin/env bash
# vmprobe.ko builds without a warning at kbuild's W=1 against every installed
# kernel tree (make print-kmods: plain, -cloud and -rt of each line), each
# from a fresh copy of the sources (make dkms-source), so nothing built
# earlier hides a warning. Compiler and modpost warnings both count. The
# selftest variant (VMPROBE_SELFTEST=1, which the module tests load) is built
# at W=1 too, against the first tree.
set -u
cd "$(dirname "$0")/.." || exit 1

trees=$(make -s --no-print-directory print-kmods 2> /dev/null)
[ -n "$trees" ] || { echo "1..0 # SKIP skipped: no kernel build tree (linux-headers-amd64)"; exit 0; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmprobe-t24.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }

started=$SECONDS
first=$(head -n1 <<< "$trees")
while read -r release tree _ variant; do
	src=$tmp/$release${variant:+-$variant}
	make -s --no-print-directory dkms-source DKMS_DEST="$src" > /dev/null 2>&1 || { ok 1 "make dkms-source for $release"; continue; }
	nice make -C "$tree" M="$src/kmod" W=1 VMPROBE_SELFTEST="$([ "$variant" = selftest ] && echo 1)" \
		modules > "$src/build.log" 2>&1
	status=$?
	ok "$status" "W=1 build for $release${variant:+ ($variant variant)} (KDIR $tree)"
	[ "$status" -eq 0 ] || grep -E 'error|Error' "$src/build.log" | head -n 20 | sed 's/^/#   /'
	grep -iE 'warning' "$src/build.log" > "$src/warnings"
	ok "$([ ! -s "$src/warnings" ]; echo $?)" "no warnings at W=1 for $release${variant:+ ($variant variant)} ($(wc -l < "$src/warnings") lines)"
	head -n 20 "$src/warnings" | sed 's/^/#   /'
done <<< "$trees
$first selftest"
echo "# W=1 builds took $((SECONDS - started)) s"
echo "1..$n"
exit "$failed"
