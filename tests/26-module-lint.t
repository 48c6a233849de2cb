#!/usr/bin/env bash
# What a kernel reviewer runs on kmod/ and include/uapi/vmprobe.h, each point
# skipped (saying why) where its tool is absent (make deps installs them):
#   - scripts/kernel-doc (linux-headers-*-common): the uapi header's structs
#     and ioctls are kernel-doc, with no warning at -v;
#   - sparse (Debian's `sparse`): `make C=2` of the plain and the selftest
#     variant against the first kernel tree, no sparse warning;
#   - checkpatch.pl --strict (scripts/ of linux-source-6.1's tarball): no
#     error, warning or check, but for two kinds it gives on the op lists,
#     which are X-macros by design (one list, expanded once per op; see
#     include/uapi/vmprobe.h and kmod/ktimed.c): MACRO_ARG_REUSE (X, name
#     and op are meant to be used more than once) and, on the uapi header
#     only, COMPLEX_MACRO (a list of X(...) entries cannot be parenthesised).
set -u
cd "$(dirname "$0")/.." || exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmprobe-t26.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
skip() { n=$((n + 1)); echo "skipped: $1" >&2; echo "ok $n # SKIP skipped: $1"; }
header=include/uapi/vmprobe.h

# kernel-doc: clean at -v, and every struct and ioctl of the header documented.
kdoc=$(find /usr/src/linux-headers-*-common/scripts/kernel-doc 2> /dev/null | sort -V | tail -n1)
if [ -z "$kdoc" ]; then
	skip "no scripts/kernel-doc (linux-headers-amd64 ships it in linux-headers-*-common)"
	skip "no scripts/kernel-doc"
else
	perl "$kdoc" -v -none "$header" > /dev/null 2> "$tmp/kdoc.err"
	status=$?
	grep -v ': info: ' "$tmp/kdoc.err" | grep -iv 'sphinx version' > "$tmp/kdoc.warn"
	ok "$([ "$status" -eq 0 ] && [ ! -s "$tmp/kdoc.warn" ]; echo $?)" \
		"kernel-doc -v on $header: no warning ($kdoc, status $status)"
	sed 's/^/#   /' "$tmp/kdoc.warn" | head -n 20
	perl "$kdoc" -rst "$header" > "$tmp/kdoc.rst" 2> /dev/null
	missing=''
	while read -r s; do
		# c:type:: struct NAME (Sphinx < 3, the default here) or c:struct:: NAME
		grep -Eq "^\.\. c:(type:: struct|struct::) $s\$" "$tmp/kdoc.rst" || missing="$missing struct $s"
	done < <(sed -n 's/^struct \(vmprobe_[a-z_]*\) {$/\1/p' "$header")
	while read -r c; do
		# c:function:: NAME () (6.1's kernel-doc) or NAME (6.12's)
		grep -Eq "^\.\. c:function:: $c( \(\))?\$" "$tmp/kdoc.rst" || missing="$missing $c"
	done < <(sed -n 's/^#define \(VMPROBE_IOC_[A-Z]*\)[[:space:]]*_IO.*/\1/p' "$header")
	ok "$([ -z "$missing" ] && grep -q 'vmprobe_gaps$' "$tmp/kdoc.rst"; echo $?)" \
		"kernel-doc documents every struct and ioctl of $header${missing:+ (missing:$missing)}"
fi

# sparse, through kbuild's C=2 (check every file), both variants.
tree=$(make -s --no-print-directory print-kmods 2> /dev/null | head -n1 | cut -d' ' -f2)
if ! command -v sparse > /dev/null; then
	skip "sparse not installed (apt-get install sparse)"
elif [ -z "$tree" ]; then
	skip "no kernel build tree (linux-headers-amd64)"
else
	for variant in plain selftest; do
		src=$tmp/sparse-$variant
		make -s --no-print-directory dkms-source DKMS_DEST="$src" > /dev/null 2>&1
		nice make -C "$tree" M="$src/kmod" C=2 VMPROBE_SELFTEST="$([ $variant = selftest ] && echo 1)" \
			modules > "$src/build.log" 2>&1
		status=$?
		checked=$(grep -c '^ *CHECK ' "$src/build.log")
		grep -E ': (warning|error):' "$src/build.log" > "$src/warnings"
		ok "$([ "$status" -eq 0 ] && [ "$checked" -ge 4 ] && [ ! -s "$src/warnings" ]; echo $?)" \
			"sparse (make C=2) on the $variant build: $checked files checked, $(wc -l < "$src/warnings") warnings (KDIR $tree)"
		head -n 20 "$src/warnings" | sed 's/^/#   /'
	done
fi

# checkpatch --strict, from the kernel source tarball's scripts/.
tarball=/usr/src/linux-source-6.1.tar.xz
if [ ! -f "$tarball" ]; then
	skip "no /usr/src/linux-source-6.1.tar.xz for scripts/checkpatch.pl (apt-get install linux-source-6.1)"
	skip "no checkpatch.pl"
else
	tar -xJf "$tarball" -C "$tmp" --wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' 2> "$tmp/tar.err"
	cp=$(find "$tmp" -name checkpatch.pl | head -n1)
	if [ -z "$cp" ]; then
		ok 1 "checkpatch.pl from $tarball ($(head -c 200 "$tmp/tar.err"))"
	else
		perl "$cp" --strict --no-tree --terse --show-types -f --ignore MACRO_ARG_REUSE \
			kmod/*.c kmod/*.h > "$tmp/cp-kmod" 2>&1
		status=$?
		ok "$status" "checkpatch --strict on kmod/: $(grep -c ': \(ERROR\|WARNING\|CHECK\):' "$tmp/cp-kmod") findings"
		grep ': \(ERROR\|WARNING\|CHECK\):' "$tmp/cp-kmod" | head -n 20 | sed 's/^/#   /'
		perl "$cp" --strict --no-tree --terse --show-types -f --ignore MACRO_ARG_REUSE,COMPLEX_MACRO \
			"$header" > "$tmp/cp-uapi" 2>&1
		status=$?
		ok "$status" "checkpatch --strict on $header: $(grep -c ': \(ERROR\|WARNING\|CHECK\):' "$tmp/cp-uapi") findings"
		grep ': \(ERROR\|WARNING\|CHECK\):' "$tmp/cp-uapi" | head -n 20 | sed 's/^/#   /'
	fi
fi
echo "1..$n"
exit "$failed"
