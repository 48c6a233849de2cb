#!/usr/bin/env bash
# The result format's schema, docs/result.schema.json (JSON Schema draft
# 2020-12), checked with a real validator (python3-jsonschema, through
# scripts/validate-result):
# - the schema is a valid draft 2020-12 schema;
# - every committed result file (results/, results/other-machines/) and
#   every good fixture validates; vmprobe's own files (committed results,
#   a fresh run, `vmprobe info --json`) also with --strict: no key the
#   schema does not describe;
# - every bad fixture whose badness is structural is rejected, the error
#   naming the JSON path at fault. Two are not a schema's to catch (a
#   relation between values), and `vmprobe compare` rejects them
#   (tests/40-compare.t): bad-dup-bench (benchmark names unique),
#   bad-boots-label (each boot's label the file's). A bad fixture in
#   neither list fails the test, so each new one is classified.
# Skipped, saying why, without python3-jsonschema (scripts/deps installs it);
# the fresh run is skipped when build/vmprobe is not built.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
fx=tests/fixtures
# Debian's python3, where python3-jsonschema installs (a python3 earlier in PATH, pyenv's, may lack it).
py=/usr/bin/python3
if ! "$py" -c 'from jsonschema import Draft202012Validator' 2>/dev/null; then
	echo "1..0 # SKIP skipped: python3-jsonschema with Draft202012Validator is absent (scripts/deps installs python3-jsonschema)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
# validate NAME ARGS...: scripts/validate-result's status, its output in $tmp/NAME.out
validate() {
	local name=$1
	shift
	scripts/validate-result "$@" > "$tmp/$name.out" 2>&1
	local r=$?
	[ "$r" = 0 ] || sed 's/^/#   /' "$tmp/$name.out" | head -n 20
	return $r
}

ok "$("$py" -c 'import json, sys; from jsonschema import Draft202012Validator as V
V.check_schema(json.load(open("docs/result.schema.json")))' 2>&1 | sed 's/^/# /'; echo "${PIPESTATUS[0]}")" \
	"docs/result.schema.json is a valid JSON Schema (draft 2020-12)"

# Every key the C code names (user/result_keys.h) is a property the schema describes.
ok "$("$py" -c 'import json, re, sys
schema = json.load(open("docs/result.schema.json"))
names = set()
def walk(node):
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            names.update(node["properties"])
        for v in node.values():
            walk(v)
    elif isinstance(node, list):
        for v in node:
            walk(v)
walk(schema)
keys = re.findall(r"^#define RK_\w+\s+\"([^\"]+)\"", open("user/result_keys.h").read(), re.M)
keys = [k for k in keys if k != "vmprobe-result"]
missing = [k for k in keys if k not in names]
print("# %d keys in user/result_keys.h%s" % (len(keys), ", not in the schema: " + " ".join(missing) if missing else ""), file=sys.stderr)
sys.exit(1 if missing or len(keys) < 100 else 0)'; echo $?)" "every key in user/result_keys.h is described in docs/result.schema.json"

# --- committed results and good fixtures ---
results=() infos=()
for f in results/*.json results/*/*.json; do
	case $f in *.info.json) infos+=("$f") ;; *) results+=("$f") ;; esac
done
validate committed --strict "${results[@]}"
ok $? "the ${#results[@]} committed result files validate, every key described (--strict)"
if [ ${#infos[@]} -gt 0 ]; then
	validate infos --strict --def host "${infos[@]}"
	ok $? "the ${#infos[@]} committed 'vmprobe info --json' files validate as \$defs/host (--strict)"
else
	skip "skipped: no committed *.info.json"
fi
good=() bad=()
for f in "$fx"/*.json; do
	case ${f##*/} in bad-*) bad+=("$f") ;; *) good+=("$f") ;; esac
done
validate good "${good[@]}"
ok $? "the ${#good[@]} good fixtures validate (they hold unknown keys on purpose: not --strict)"

# --- bad fixtures: NAME JSON-PATH (the error must name it) ---
declare -A expect=(
	[bad-array]='$:' [bad-empty]='not valid JSON' [bad-truncated]='not valid JSON'
	[bad-trailing]='not valid JSON' [bad-version]='$.format_version:' [bad-format]='$.format:'
	[bad-no-benchmarks]="\$: 'benchmarks' is a required" [bad-no-label]="\$: 'label' is a required"
	[bad-empty-samples]='$.benchmarks[0].samples_ticks:' [bad-sample-string]='$.benchmarks[2].samples_ticks[1]:'
	[bad-status]='$.benchmarks[1].status:' [bad-skip-no-reason]="\$.benchmarks[3]: 'reason' is a required"
	[bad-no-median]="\$.benchmarks[0].ticks: 'median' is a required" [bad-group]='$.benchmarks[0].group:'
	[bad-exits-negative]='$.benchmarks[0].exits.per_op:' [bad-exits-no-source]="\$.benchmarks[1].exits: 'source'"
	[bad-exits-reason]='$.benchmarks[0].exits.reasons.HLT:' [bad-exits-share]='$.benchmarks[3].exits.time_share:'
	[bad-boots-nested]='$.more_boots[0]: A boot holds no boots' [bad-boots-not-array]='$.more_boots:'
	[bad-where-exit-time]='$.benchmarks[0].exits.time_ns.cpuid:'
	[bad-where-host-share]='$.benchmarks[1].vmm_host.sys_share:'
	[bad-where-host-type]='$.benchmarks[0].vmm_host:'
)
not_schema=(bad-dup-bench bad-boots-label)
for f in "${bad[@]}"; do
	b=${f##*/}
	b=${b%.json}
	if [[ " ${not_schema[*]} " == *" $b "* ]]; then
		continue
	elif [ -z "${expect[$b]:-}" ]; then
		ok 1 "$b: a bad fixture this test does not know: add its expected error, or to not_schema"
		continue
	fi
	scripts/validate-result "$f" > "$tmp/$b.out" 2>&1
	r=$?
	[ "$r" = 1 ] && grep -qF -- "$f: ${expect[$b]}" "$tmp/$b.out"
	g=$?
	[ "$g" = 0 ] || { echo "# status $r, wanted 1 and '${expect[$b]}':"; sed 's/^/#   /' "$tmp/$b.out"; }
	ok "$g" "$b is rejected: ${expect[$b]}"
done
echo "# not a schema's to catch (values' relations; vmprobe compare rejects them): ${not_schema[*]}"

# --- a fresh run and info on this machine ---
vmprobe=build/vmprobe
if [ -x "$vmprobe" ]; then
	"$vmprobe" run getpid matmul-10 ctxsw-1cpu tlb-miss --quick --json "$tmp/run.json" > "$tmp/run.log" 2>&1
	r=$?
	[ "$r" = 0 ] || sed 's/^/#   /' "$tmp/run.log" | tail -n 5
	ok "$r" "vmprobe run getpid matmul-10 ctxsw-1cpu tlb-miss --quick --json: status 0"
	validate fresh --strict "$tmp/run.json"
	ok $? "the fresh result validates, every key described (--strict)"
	"$vmprobe" info --json "$tmp/info.json" > "$tmp/info.log" 2>&1
	validate info --strict --def host "$tmp/info.json"
	ok $? "vmprobe info --json validates as \$defs/host (--strict)"
	# The validator is not a rubber stamp: the fresh file with one figure of the wrong type fails.
	"$py" -c 'import json, sys; d = json.load(open(sys.argv[1])); d["benchmarks"][0]["ticks"]["median"] = "fast"
json.dump(d, open(sys.argv[2], "w"))' "$tmp/run.json" "$tmp/broken.json"
	scripts/validate-result "$tmp/broken.json" > "$tmp/broken.out" 2>&1
	ok "$([ $? = 1 ] && grep -qF '$.benchmarks[0].ticks.median:' "$tmp/broken.out"; echo $?)" \
		"the fresh result with a string for a median is rejected, naming \$.benchmarks[0].ticks.median"
	# --strict names an undescribed key.
	"$py" -c 'import json, sys; d = json.load(open(sys.argv[1])); d["benchmarks"][0]["new_key"] = 1
json.dump(d, open(sys.argv[2], "w"))' "$tmp/run.json" "$tmp/newkey.json"
	scripts/validate-result "$tmp/newkey.json" > "$tmp/newkey-loose.out" 2>&1
	r=$?
	scripts/validate-result --strict "$tmp/newkey.json" > "$tmp/newkey.out" 2>&1
	r2=$?
	ok "$([ "$r" = 0 ] && [ "$r2" = 1 ] && grep -q "benchmarks\[0\].*'new_key' was unexpected" "$tmp/newkey.out"; echo $?)" \
		"an unknown key is allowed, and --strict names it"
	# What run-vmm and annotate add, made by the real scripts on made-up snapshots and marks (no
	# boot): kvm-exits with times, host-view with UML's kernel/guest split and a row whose begin
	# marker came late, annotate, machine and more_boots as run-vmm merges them.
	if command -v jq > /dev/null; then
		cp "$tmp/run.json" "$tmp/all.json"
		printf '%s\n' 'begin getpid 1 stat:exits=10 clock:mono=1000 exit:114=5,123=5 port:1016=4,128=1 xtime:114=500,123=1000 xhits:114=5,123=5 vcpu:n=1,guest=0,cpu=0,run=0' \
			'end getpid 1 stat:exits=113 clock:mono=1000001000 exit:114=105,123=8 port:1016=6,128=2 xtime:114=100500,123=4000 xhits:114=105,123=8 vcpu:n=1,guest=500000000,cpu=1000000000,run=999999' \
			> "$tmp/exits.snap"
		u='cpu=1000,ut=0,st=0,cut=0,cst=0,run=900,minflt=1,majflt=0,vcsw=1,ivcsw=0,procs=2,threads=3'
		v='cpu=900000000,ut=40,st=10,cut=0,cst=0,run=800000000,minflt=9,majflt=1,vcsw=20,ivcsw=5,procs=2,threads=3'
		printf '%s\n' "begin getpid 1 stamp=0 late=0 all:$u kernel:$u guest:$u cpus=0,1" \
			"end getpid 1 stamp=100000000000 late=0 all:$v kernel:$v guest:$v cpus=0,1" \
			"begin matmul-10 2 stamp=0 late=1 all:$u cpus=0" "end matmul-10 2 stamp=5 late=0 all:$v cpus=0" \
			> "$tmp/view.snap"
		jq -r '.benchmarks | to_entries[] | select(.value.elapsed_ns != null) |
			"\(.key * 2000000000 + 1000) @@vmprobe begin \(.value.name) \(.key + 1)",
			"\(.key * 2000000000 + 1000 + .value.elapsed_ns) @@vmprobe end \(.value.name) \(.key + 1)"' \
			"$tmp/run.json" > "$tmp/run.marks"
		{ scripts/lib/kvm-exits "$tmp/all.json" "$tmp/exits.snap" "made up" &&
		  scripts/lib/host-view "$tmp/all.json" "$tmp/view.snap" uml "0.5 0.4 0.3 1/100 1" "1.5 0.6 0.35 1/100 2" &&
		  "$vmprobe" annotate "$tmp/all.json" --host-marks "$tmp/run.marks" &&
		  jq --slurpfile m "$tmp/info.json" '. + {machine: $m[0]} | . as $b | . + {more_boots: [$b]}' \
			"$tmp/all.json" > "$tmp/all2.json"; } > "$tmp/add.log" 2>&1
		r=$?
		[ "$r" = 0 ] || sed 's/^/#   /' "$tmp/add.log" | tail -n 5
		ok "$([ "$r" = 0 ] && jq -e '.benchmarks[0].exits.time_ns and .benchmarks[0].vmm_host.kernel and
			.benchmarks[1].vmm_host.unbracketed and .vmm_host.loadavg_end and .host_clock and
			.benchmarks[0].host_wall_ns and .machine and .more_boots[0].exits == null' "$tmp/all2.json" > /dev/null; echo $?)" \
			"kvm-exits, host-view, annotate and run-vmm's merge add their keys to the fresh result"
		validate added --strict "$tmp/all2.json"
		ok $? "the result with every addition validates, every key described (--strict)"
	else
		skip "skipped: jq absent (scripts/lib/kvm-exits and host-view need it)"
		skip "skipped: jq absent"
	fi
else
	for t in "fresh run" "fresh result" "info" "rejects a broken result" "--strict" "additions" "additions valid"; do
		skip "skipped: build/vmprobe not built (make all): $t"
	done
fi
echo "1..$n"
