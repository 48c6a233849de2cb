#!/usr/bin/env bash
# The VMM registry (scripts/lib/vmms.sh): every scripts/vmm/NAME.sh is a runner
# and says its order and class in its header; run-vmm and gen-results-readme
# take their VMM lists from there. No VMM is booted.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
# shellcheck source=scripts/lib/vmms.sh
. scripts/lib/vmms.sh

runners=$(for f in scripts/vmm/*.sh; do basename "$f" .sh; done | sort)
ok "$([ "$(vmm_names | sort)" = "$runners" ]; echo $?)" "vmm_names lists each scripts/vmm/*.sh once"
missing=$(for r in $runners; do [ -n "$(vmm_fact "$r" order)" ] || printf ' %s' "$r"; done)
ok "$([ -z "$missing" ]; echo $?)" "every runner has a vmm-order${missing:+ (missing:$missing)}"
ok "$([ "$(vmm_names | head -n 1)" = host ]; echo $?)" "the base, host, comes first"
usage=$(scripts/run-vmm 2>&1 | sed -n 's/^  VMM: //p' | tr -d ' ' | tr '|' '\n' | sort)
ok "$([ "$usage" = "$runners" ]; echo $?)" "run-vmm's usage lists the runners of scripts/vmm"

# A runner added as one file is known at once, in its order, with its class.
mkdir -p "$tmp/vmm"
cp scripts/vmm/*.sh "$tmp/vmm/"
printf '# shellcheck shell=bash\n# vmm-order: 25\n# vmm-class: hardware virtualization (test)\n' > "$tmp/vmm/newvmm.sh"
if command -v jq > /dev/null; then
	VMM_DIR=$tmp/vmm
	ok "$([ "$(vmm_names | grep -A1 '^kvm$' | tail -n 1)" = newvmm ] &&
		[ "$(vmm_classes_json | jq -r .newvmm)" = "hardware virtualization (test)" ] &&
		[ "$(vmm_classes_json | jq -r '."kvm-nested" // "none"')" = none ]; echo $?)" \
		"a new runner file: listed in its order (25, after kvm) with its class; one without a class has none"
	VMM_DIR=$PWD/scripts/vmm
else
	skip "jq not installed: the class map not checked"
fi
echo "1..$n"
