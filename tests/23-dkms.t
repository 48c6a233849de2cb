#!/usr/bin/env bash
# DKMS: `make dkms-source` lays out the tree dkms.conf describes, and
# `dkms build` turns it into a vmprobe.ko for each installed kernel tree
# (the trees `make` builds for: make print-kmods), which `dkms install` puts
# where dkms.conf says. Everything goes to
# private --dkmstree/--sourcetree/--installtree directories: the system's
# DKMS tree is left as it was. (dkms itself creates its module signing key,
# /var/lib/dkms/mok.key and mok.pub, the first time it builds anything.)
set -u
cd "$(dirname "$0")/.." || exit 1

command -v dkms > /dev/null || { echo "1..0 # SKIP skipped: dkms not installed (apt-get install dkms)"; exit 0; }
trees=$(make -s --no-print-directory print-kmods 2> /dev/null)
[ -n "$trees" ] || { echo "1..0 # SKIP skipped: no kernel build tree (linux-headers-amd64)"; exit 0; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmprobe-t23.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
system_tree() { find /var/lib/dkms -path /var/lib/dkms/mok.key -prune -o -path /var/lib/dkms/mok.pub -prune -o -print 2> /dev/null | sort; }
system_before=$(system_tree)

version=$(cat VERSION)
source=$tmp/src/vmprobe-$version
make -s --no-print-directory dkms-source DKMS_DEST="$source" > "$tmp/source.log" 2>&1
ok "$?" "make dkms-source DKMS_DEST=$tmp/src/vmprobe-$version"
ok "$(grep -qx "PACKAGE_VERSION=\"$version\"" "$source/dkms.conf" && [ -f "$source/kmod/Kbuild" ] &&
	[ -f "$source/include/uapi/vmprobe.h" ]; echo $?)" \
	"the tree holds dkms.conf (PACKAGE_VERSION=\"$version\"), kmod/Kbuild and include/uapi/vmprobe.h"

mkdir -p "$tmp/dkms" "$tmp/install"
started=$SECONDS
while read -r release tree _; do
	log=$tmp/dkms-$release.log
	dkms build "vmprobe/$version" -k "$release" --kernelsourcedir "$tree" \
		--dkmstree "$tmp/dkms" --sourcetree "$tmp/src" --installtree "$tmp/install" > "$log" 2>&1
	status=$?
	ok "$status" "dkms build vmprobe/$version -k $release (KDIR $tree)"
	if [ "$status" -ne 0 ]; then
		sed 's/^/#   /' "$log" | tail -n 20
		find "$tmp/dkms" -name make.log -exec tail -n 20 {} \; 2> /dev/null | sed 's/^/#   make.log: /'
	fi
	module=$(find "$tmp/dkms/vmprobe/$version/$release" -name 'vmprobe.ko*' 2> /dev/null | head -n1)
	vermagic=$( [ -n "$module" ] && modinfo -F vermagic "$module" 2> /dev/null | cut -d' ' -f1)
	ok "$([ "$vermagic" = "$release" ]; echo $?)" "the module dkms built for $release says vermagic ${vermagic:-(none)}"
	# The plain build: the selftest variant's test op and parameters stay out.
	parms=$( [ -n "$module" ] && modinfo -F parm "$module" 2> /dev/null | cut -d: -f1 | paste -sd' ')
	ok "$([ -n "$parms" ] && ! grep -q 'test_' <<< "$parms"; echo $?)" \
		"the module dkms built for $release is the plain build (parameters: ${parms:-(none read)})"
	# Into the private install tree; --no-depmod: depmod would work on /lib/modules.
	mkdir -p "$tmp/install/$release"
	dkms install "vmprobe/$version" -k "$release" --kernelsourcedir "$tree" --no-depmod \
		--dkmstree "$tmp/dkms" --sourcetree "$tmp/src" --installtree "$tmp/install" > "$log" 2>&1
	status=$?
	[ "$status" -eq 0 ] || sed 's/^/#   /' "$log" | tail -n 20
	ok "$([ "$status" -eq 0 ] && compgen -G "$tmp/install/$release/updates/dkms/vmprobe.ko*" > /dev/null; echo $?)" \
		"dkms install puts it in INSTALLTREE/$release/updates/dkms/"
done <<< "$trees"
echo "# dkms builds and installs took $((SECONDS - started)) s"
ok "$([ "$(system_tree)" = "$system_before" ]; echo $?)" "the system's DKMS tree (/var/lib/dkms) is unchanged"
echo "1..$n"
exit "$failed"
