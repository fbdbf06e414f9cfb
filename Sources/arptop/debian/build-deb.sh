#!/bin/bash
# Builds arptop_<version>_amd64.deb: the release binary with the Swift standard library linked
# in statically (stripped), the man page, bash/zsh/fish completions, copyright and changelog;
# Depends from dpkg-shlibdeps, so only Debian's runtime packages (libbpf1, libelf1, zlib1g,
# libncursesw6, libc6...). Run through `Tests/quickstart.sh deb`, which installs what it needs.
# Usage: Sources/arptop/debian/build-deb.sh [OUT_DIR]     (default .build/deb)
# ARPTOP_SCRATCH: SwiftPM scratch path of the release build (default OUT_DIR/build).
# Prints the path of the .deb (the only arptop_*.deb left in OUT_DIR).
set -euo pipefail
umask 022
REPO=$(cd "$(dirname "$0")/../../.." && pwd)
HERE=$REPO/Sources/arptop/debian
OUT=$(realpath -m "${1:-$REPO/.build/deb}")
SCRATCH=$(realpath -m "${ARPTOP_SCRATCH:-$OUT/build}")
mkdir -p "$OUT"
cd "$REPO"

# The same build as the README's "binary for machines without Swift".
swift build -c release --static-swift-stdlib --product arptop --scratch-path "$SCRATCH" >&2
BIN=$SCRATCH/release/arptop

VERSION=$("$BIN" --version | awk '{print $2}')   # "arptop 0.1.0 (libbpf 1.1.2)"
DEBVERSION=$(dpkg-parsechangelog -l "$HERE/changelog" -S Version)
case "$DEBVERSION" in
"$VERSION"-*) ;;
*) echo "build-deb: Sources/arptop/debian/changelog is at $DEBVERSION but arptop --version says $VERSION: add a changelog entry" >&2; exit 1 ;;
esac
# Reproducible: every timestamp is the changelog entry's.
SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l "$HERE/changelog" -S Timestamp)
export SOURCE_DATE_EPOCH

STAGE=$OUT/stage
rm -rf "$STAGE"
DOC=$STAGE/usr/share/doc/arptop
install -d "$STAGE/DEBIAN" "$STAGE/usr/sbin" "$DOC" "$STAGE/usr/share/man/man8" \
	"$STAGE/usr/share/bash-completion/completions" "$STAGE/usr/share/zsh/vendor-completions" \
	"$STAGE/usr/share/fish/vendor_completions.d" "$STAGE/usr/share/lintian/overrides"
# As dh_strip does: no symbols, no .comment/.note sections.
strip --strip-unneeded --remove-section=.comment --remove-section=.note -o "$STAGE/usr/sbin/arptop" "$BIN"
chmod 0755 "$STAGE/usr/sbin/arptop"
gzip -9n <"$REPO/Sources/arptop/man/arptop.8" >"$STAGE/usr/share/man/man8/arptop.8.gz"
gzip -9n <"$HERE/changelog" >"$DOC/changelog.Debian.gz"
install -m 0644 "$HERE/copyright" "$DOC/copyright"
install -m 0644 "$HERE/lintian-overrides" "$STAGE/usr/share/lintian/overrides/arptop"
# bash-completion sources the file: no #! line (lintian: bash-completion-with-hashbang).
"$BIN" --generate-completion-script bash | sed '1{/^#!/d}' >"$STAGE/usr/share/bash-completion/completions/arptop"
"$BIN" --generate-completion-script zsh >"$STAGE/usr/share/zsh/vendor-completions/_arptop"
"$BIN" --generate-completion-script fish >"$STAGE/usr/share/fish/vendor_completions.d/arptop.fish"

# Depends: the packages of the shared libraries the binary needs (dpkg-shlibdeps reads a
# debian/control, so it runs in a scratch one).
SHLIBS=$OUT/shlibs
rm -rf "$SHLIBS"
mkdir -p "$SHLIBS/debian"
printf 'Source: arptop\n\nPackage: arptop\nArchitecture: amd64\n' >"$SHLIBS/debian/control"
DEPENDS=$(cd "$SHLIBS" && dpkg-shlibdeps -O -e"$STAGE/usr/sbin/arptop" | sed -n 's/^shlibs:Depends=//p')
[ -n "$DEPENDS" ] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
rm -rf "$SHLIBS"

INSTALLED_SIZE=$(du -sk --apparent-size "$STAGE/usr" | cut -f1)
MAINTAINER=$(dpkg-parsechangelog -l "$HERE/changelog" -S Maintainer)
sed -e "s/@VERSION@/$DEBVERSION/" -e "s/@INSTALLED_SIZE@/$INSTALLED_SIZE/" \
	-e "s/@DEPENDS@/$DEPENDS/" -e "s/@MAINTAINER@/$MAINTAINER/" "$HERE/control" >"$STAGE/DEBIAN/control"
(cd "$STAGE" && find usr -type f | LC_ALL=C sort | xargs md5sum) >"$STAGE/DEBIAN/md5sums"
chmod 0644 "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/md5sums"
find "$STAGE" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

DEB=$OUT/arptop_${DEBVERSION}_amd64.deb
rm -f "$OUT"/arptop_*.deb
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >&2
rm -rf "$STAGE"
echo "$DEB"
