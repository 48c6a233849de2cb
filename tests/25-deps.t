#!/usr/bin/env bash
# scripts/deps (make deps) against fake dpkg-query, apt-cache and apt-get on
# PATH, so nothing is installed: which packages it asks for when everything,
# nothing or only the 6.12 kernel line is missing. The 6.12 release must be
# the newest apt-cache offers, whatever its patch number.
set -u
cd "$(dirname "$0")/.." || exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmprobe-t25.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }

# The fakes: $tmp/installed lists the installed packages, $tmp/available
# what apt-cache search finds; apt-get logs its arguments (sudo just runs it).
mkdir "$tmp/bin"
cat > "$tmp/bin/dpkg-query" <<'FAKE'
#!/bin/bash
# dpkg-query -W -f=FORMAT PATTERN
pattern=${*: -1}
case $* in
*'${Status}'*) grep -qxF "$pattern" "$FAKE_DIR/installed" && printf 'install ok installed' ;;
*'${Package}'*)
	while read -r p; do [[ $p == $pattern ]] && echo "$p"; done < "$FAKE_DIR/installed" ;;
esac
exit 0
FAKE
cat > "$tmp/bin/apt-cache" <<'FAKE'
#!/bin/bash
# apt-cache search --names-only REGEX
grep -E "${*: -1}" "$FAKE_DIR/available" | sed 's/$/ - Linux 6.12 for 64-bit PCs (signed)/'
FAKE
cat > "$tmp/bin/apt-get" <<'FAKE'
#!/bin/bash
echo "apt-get $*" >> "$FAKE_DIR/apt-get.log"
FAKE
# Not root: scripts/deps goes through sudo, which must reach the fakes too.
printf '#!/bin/bash\nexec "$@"\n' > "$tmp/bin/sudo"
chmod +x "$tmp/bin"/*
printf '%s\n' linux-image-6.12.9+deb12-amd64 linux-image-6.12.117+deb12-amd64 linux-image-6.12.41+deb12-amd64 \
	linux-image-6.12.117+deb12-cloud-amd64 > "$tmp/available"

# deps_run NAME: scripts/deps with the fakes, as root (no sudo).
deps_run() {
	rm -f "$tmp/apt-get.log"
	FAKE_DIR=$tmp PATH=$tmp/bin:$PATH scripts/deps > "$tmp/$1.out" 2>&1
}
static=$(sed -n '/^pkgs=(/,/^)/p' scripts/deps | grep -v '^pkgs=(\|^)' | tr -s ' \n' '\n' | grep .)

# Everything there, 6.12 included (an older patch release than apt offers: kept).
{ echo "$static"; echo linux-image-6.12.41+deb12-amd64; echo linux-headers-6.12.41+deb12-amd64; } > "$tmp/installed"
deps_run all
ok "$([ ! -e "$tmp/apt-get.log" ] && grep -q 'Linux 6.12.41+deb12-amd64' "$tmp/all.out"; echo $?)" \
	"all present, 6.12.41 installed: nothing installed ($(head -n1 "$tmp/all.out"))"

# No 6.12 line: the newest apt-cache offers, image and headers.
echo "$static" > "$tmp/installed"
deps_run no612
ok "$(grep -q 'install .*--no-install-recommends linux-image-6.12.117+deb12-amd64 linux-headers-6.12.117+deb12-amd64$' "$tmp/apt-get.log"; echo $?)" \
	"no 6.12: installs the newest apt-cache finds, 6.12.117 image and headers ($(grep install "$tmp/apt-get.log"))"

# A 6.12 image without its headers does not count.
{ echo "$static"; echo linux-image-6.12.41+deb12-amd64; } > "$tmp/installed"
deps_run noheaders
ok "$(grep -q 'linux-headers-6.12.117+deb12-amd64' "$tmp/apt-get.log"; echo $?)" "a 6.12 image without headers: 6.12 installed"

# Nothing installed: every package, both kernel lines, dkms.
: > "$tmp/installed"
deps_run none
for p in linux-image-amd64 linux-headers-amd64 linux-headers-cloud-amd64 linux-headers-rt-amd64 dkms \
	linux-image-6.12.117+deb12-amd64; do
	ok "$(grep -q "install .* $p\( \|$\)" "$tmp/apt-get.log"; echo $?)" "nothing installed: asks for $p"
done

# No 6.12 anywhere: a clear failure.
: > "$tmp/available"
deps_run unavailable
status=$?
ok "$([ "$status" -ne 0 ] && grep -q 'no linux-image-6.12' "$tmp/unavailable.out"; echo $?)" \
	"no 6.12 in the apt sources: fails (status $status) saying so"
echo "1..$n"
exit "$failed"
