#!/usr/bin/env bash
# make install / make uninstall into a throwaway DESTDIR: every file where
# the README says, the installed command runs and knows its version, the
# manual renders without a warning and documents every subcommand and every
# option the program has (from its own option tables), the bash completion
# completes subcommands, options and benchmark names, the module source is
# laid out for DKMS, and uninstall leaves no file behind. Also --version and
# help SUBCOMMAND.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh

version=$(cat VERSION)
diag() { local l; while IFS= read -r l; do echo "# $2$l"; done <<< "$1"; }
root=$tmp/root
make -s install DESTDIR="$root" PREFIX=/usr > "$tmp/install.log" 2>&1
r=$?
[ $r = 0 ] || sed 's/^/# /' "$tmp/install.log"
files=(usr/bin/vmprobe usr/lib/vmprobe/vmprobe-static usr/lib/vmprobe/vmprobe-exit
	usr/lib/vmprobe/vmprobe-noop usr/lib/vmprobe/vmprobe-stamp usr/share/man/man1/vmprobe.1
	usr/share/bash-completion/completions/vmprobe "usr/src/vmprobe-$version/dkms.conf"
	"usr/src/vmprobe-$version/kmod/Kbuild" "usr/src/vmprobe-$version/kmod/main.c"
	"usr/src/vmprobe-$version/include/uapi/vmprobe.h")
missing=0
for f in "${files[@]}"; do [ -f "$root/$f" ] || { echo "# missing: $f"; missing=1; }; done
ok "$([ $r = 0 ] && [ $missing = 0 ]; echo $?)" "make install DESTDIR PREFIX=/usr: command, helpers, manual, completion, module source"
ok "$(find "$root" -type f | grep -v "^$root/usr/" | grep -q .; [ $? = 1 ]; echo $?)" \
	"nothing written outside DESTDIR/PREFIX"
ok "$([ "$("$root/usr/bin/vmprobe" --version)" = "vmprobe $version" ] &&
	[ -x "$root/usr/lib/vmprobe/vmprobe-static" ] &&
	file "$root/usr/lib/vmprobe/vmprobe-static" | grep -q 'statically linked'; echo $?)" \
	"installed vmprobe --version says VERSION; vmprobe-static is static"
# The installed command finds its helpers in PREFIX/lib/vmprobe (not beside it):
# fork-exec execs vmprobe-noop, the fork rows run in vmprobe-forker.
(cd / && env -u VMPROBE_NOOP -u VMPROBE_FORKER "$root/usr/bin/vmprobe" run fork-exec fork-exit-wait \
	--quick --time-budget 4 > "$tmp/forks.out" 2> "$tmp/forks.err")
ok "$([ $? = 0 ] && grep -Eq "^fork-exec .* $duration_re" "$tmp/forks.out" &&
	[ "$(grep -c 'forks done and timed by vmprobe-forker' "$tmp/forks.out")" = 2 ]; echo $?)" \
	"installed vmprobe finds vmprobe-noop and vmprobe-forker in PREFIX/lib/vmprobe"
ok "$(grep -q "^PACKAGE_VERSION=\"$version\"" "$root/usr/src/vmprobe-$version/dkms.conf" &&
	grep -q '^BUILT_MODULE_LOCATION\[0\]="kmod/"' "$root/usr/src/vmprobe-$version/dkms.conf"; echo $?)" \
	"module source: dkms.conf with the version filled in"

# The manual: renders without warnings, the installed copy carries VERSION.
man1=$root/usr/share/man/man1/vmprobe.1
if command -v groff > /dev/null; then
	warn=$(groff -ww -man -Tutf8 "$man1" 2>&1 > /dev/null)
	[ -z "$warn" ] || diag "$warn"
	mw=$(MANWIDTH=80 man --warnings -l "$man1" 2>&1 > /dev/null)
	[ -z "$mw" ] || diag "$mw"
	ok "$([ -z "$warn" ] && [ -z "$mw" ] && grep -q "^\.TH VMPROBE 1 .* \"vmprobe $version\"" "$man1"; echo $?)" \
		"vmprobe.1 renders with groff -ww and man --warnings without a warning"
	text=$(MANWIDTH=200 man -l "$man1" 2> /dev/null)
else
	skip "groff not installed: the manual's rendering not checked"
	text=$(cat "$man1")
fi
# Every subcommand of the dispatch table, every option of its option table.
r=0
subs=$("$vmprobe" help | awk '/^usage: vmprobe SUBCOMMAND/ { on = 1; next } on && /^  [a-z]+ / && $1 != "help" { print $1 } /^$/ { on = 0 }')
[ "$(echo "$subs" | wc -w)" -ge 6 ] || r=1
for s in $subs; do
	grep -q "^       $s\$\|^       $s " <<< "$text" || { echo "# manual lacks subcommand $s"; r=1; }
	for o in $("$vmprobe" --list-options "$s"); do
		grep -q -- "$o" <<< "$text" || { echo "# manual lacks $s $o"; r=1; }
	done
done
# The numeric defaults the program states (from its constants) are the manual's too.
while IFS= read -r d; do
	grep -q -- "$d" <<< "$text" || { echo "# manual lacks \"$d\" (vmprobe help says it)"; r=1; }
done < <(for s in $subs; do "$vmprobe" help "$s"; done | grep -o 'default [0-9][0-9.]*' | sort -u)
for w in "EXIT STATUS" "RESULT FILE" "CLOCK KINDS" "EXAMPLES" "bochs-ips" "instructions" "130"; do
	grep -q -- "$w" <<< "$text" || { echo "# manual lacks $w"; r=1; }
done
ok "$r" "the manual documents every subcommand (${subs//$'\n'/ }) and every option with its numeric default, exit status, result format, clock kinds, examples"

# bash completion, driven as bash would, with the installed vmprobe first in PATH.
complete_words() { # WORDS...: prints COMPREPLY for the last word
	PATH=$root/usr/bin:$PATH bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_vmprobe; printf "%s\n" "${COMPREPLY[@]}"' _ "$root/usr/share/bash-completion/completions/vmprobe" "$@"
}
# Each case: the words, then what COMPREPLY must be ("=LIST", space-joined) or hold ("~WORD").
# A failing case prints its words and COMPREPLY (one failure, once beside busy loops, said nothing).
completion_cases=(
	"vmprobe co|=compare" "vmprobe |~annotate" "vmprobe compare --me|=--metric"
	"vmprobe compare --metric |=time cycles instructions exits" "vmprobe run --time|~--time-budget"
	"vmprobe run get|~getpid-raw" "vmprobe run matmul-|~matmul-100" "vmprobe help ann|=annotate"
)
completion_failed=0
for c in "${completion_cases[@]}"; do
	line=${c%%|*}
	read -r -a words <<< "$line"
	[ "$line" = "${line% }" ] || words+=("")	# a trailing space: complete an empty word
	got=$(complete_words "${words[@]}" | tr '\n' ' ')
	want=${c#*|}
	case $want in
	=*) [ "$got" = "${want#=} " ] ;;
	~*) [[ " $got" == *" ${want#\~} "* ]] ;;
	esac || { completion_failed=1; echo "# completion of '${c%%|*}': got '$got', want $want" >&2; }
done
ok "$completion_failed" "bash completion: subcommands, options from vmprobe, option values, benchmark rows"
if command -v shellcheck > /dev/null; then
	ok "$(shellcheck -s bash contrib/vmprobe.bash-completion > "$tmp/sc.out" 2>&1; r=$?; sed 's/^/# /' "$tmp/sc.out"; echo $r)" \
		"bash completion: shellcheck clean"
else
	skip "shellcheck not installed"
fi

make -s uninstall DESTDIR="$root" PREFIX=/usr > "$tmp/uninstall.log" 2>&1
r=$?
left=$(find "$root" -type f)
[ -z "$left" ] || diag "$left" "left: "
ok "$([ $r = 0 ] && [ -z "$left" ] && [ ! -e "$root/usr/lib/vmprobe" ] && [ ! -e "$root/usr/src/vmprobe-$version" ]; echo $?)" \
	"make uninstall: no file left"
ok "$(make -s -n install DESTDIR=/x > "$tmp/dry.out" 2>&1; grep -q ' /x/usr/local/bin/vmprobe$' "$tmp/dry.out"; echo $?)" \
	"PREFIX defaults to /usr/local"

# --version and help SUBCOMMAND on the built command.
run ver --version
run helpc help compare
run helpr help run
run helpbad help nosuch
ok "$([ "$(cat "$tmp/ver.out")" = "vmprobe $version" ] && grep -q -- '--metric M' "$tmp/helpc.out" &&
	grep -q -- '--time-budget SEC .*(default 60)' "$tmp/helpr.out" && [ "$(rc helpbad)" = 2 ] &&
	grep -q "unknown subcommand 'nosuch'" "$tmp/helpbad.err"; echo $?)" \
	"--version, help compare, help run (defaults from the constants), help of an unknown subcommand: status 2"

echo "1..$n"
