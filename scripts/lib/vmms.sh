# shellcheck shell=bash
# The VMM registry: every scripts/vmm/NAME.sh is one runner, and its header says
# the two facts about it that other scripts need, in lines of their own:
#   # vmm-order: N      its place among the VMMs (results/README.md: the base first,
#                       then the order the study's argument goes); none: after those that have one
#   # vmm-class: WORDS  what kind of VMM it is ("hardware virtualization", "emulation", ...)
# run-vmm and gen-results-readme read them here: adding a runner is its file alone.
# The lines are read, not sourced: a runner that sources another (kvm.sh sources
# qemu.sh) keeps its own facts.

VMM_DIR=${VMM_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../vmm" && pwd)}

# vmm_fact NAME FIELD: the header's value, empty when the runner has none.
vmm_fact() {
	sed -n "s/^# vmm-$2: *//p" "$VMM_DIR/$1.sh" | head -n 1
}

# The runners, one a line, by vmm-order, then by name.
vmm_names() {
	local f n order
	for f in "$VMM_DIR"/*.sh; do
		n=$(basename "$f" .sh)
		order=$(vmm_fact "$n" order)
		printf '%s %s\n' "${order:-999999}" "$n"
	done | sort -k1,1n -k2,2 | cut -d' ' -f2
}

# {"NAME": "CLASS", ...} for the runners that have a class (jq).
vmm_classes_json() {
	local n
	for n in $(vmm_names); do
		jq -n --arg k "$n" --arg v "$(vmm_fact "$n" class)" 'if $v == "" then {} else {($k): $v} end'
	done | jq -s 'add // {}'
}
