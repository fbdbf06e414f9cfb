#!/bin/bash
# The kernel matrix of the VM tests: Debian's 5.10 (bullseye), 6.1 (bookworm, the host's
# linux-image-amd64), 6.12 (trixie) and newest 7.x (trixie-backports).
#
#   kernels.sh list            the matrix's names, one per line (5.10 6.1 6.12 7)
#   kernels.sh image NAME      fetch NAME if needed; print the path of its vmlinuz
#
# Kernels other than 6.1 are fetched with apt from Debian's own archive with a private
# sources list and state folder under .build/kernels (apt-get download, dpkg -x): nothing
# is installed into the host's /boot or /lib/modules and its apt setup is not touched.
# virtme-ng finds each kernel's modules beside its vmlinuz (x/NAME/lib/modules).
# 6.1 is Debian 12's own linux-image-amd64, installed by Tests/quickstart.sh.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${ARPTOP_KERNEL_CACHE:-$REPO/.build/kernels}
MATRIX=(5.10 6.1 6.12 7)

die() { echo "kernels: $*" >&2; exit 2; }

apt_private() { # apt-get/apt-cache with the private sources list and state
	local tool=$1; shift
	"$tool" -o Dir::Etc::SourceList="$CACHE/matrix.sources" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$CACHE/lists" -o Dir::Cache="$CACHE/apt-cache" \
		-o Debug::NoLocking=1 -o APT::Sandbox::User=root "$@"
}

update_lists() {
	mkdir -p "$CACHE/lists/partial" "$CACHE/apt-cache/archives/partial" "$CACHE/debs"
	# The same mirror the host uses (deb822 sources), else Debian's default one.
	local uri
	uri=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1 || true)
	[ -n "$uri" ] || uri=http://deb.debian.org/debian
	printf 'Types: deb\nURIs: %s\nSuites: bullseye trixie trixie-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$uri" >"$CACHE/matrix.sources"
	# One update per hour is plenty; a cached list still resolves names.
	if [ -z "$(find "$CACHE/lists" -maxdepth 1 -name '*Packages*' -mmin -60 2>/dev/null | head -1)" ]; then
		apt_private apt-get update -qq >&2 || die "apt-get update of the private bullseye/trixie lists failed"
	fi
}

newest() { # regex: newest package name matching it
	apt_private apt-cache pkgnames linux- | grep -E "$1" | sort -V | tail -1
}

fetch() { # NAME: download and unpack into CACHE/x/NAME; echo the vmlinuz
	local name=$1 dir="$CACHE/x/$1" pkgs=() img
	img=$(find "$dir" -name 'vmlinuz-*' -o -name vmlinuz 2>/dev/null | sort | head -1 || true)
	if [ -f "$dir/.complete" ] && [ -n "$img" ]; then echo "$img"; return; fi
	update_lists
	case "$name" in
	5.10) pkgs=("$(newest '^linux-image-5\.10\.[0-9]+-[0-9]+-amd64-unsigned$')") ;;
	6.12) pkgs=("$(newest '^linux-image-6\.12\.[0-9]+\+deb13-amd64-unsigned$')") ;;
	7)
		local meta ver
		meta=$(newest '^linux-image-7\.[0-9.]+\+deb13-amd64$')
		ver=${meta#linux-image-}
		pkgs=("linux-binary-$ver" "linux-modules-$ver")
		;;
	*) die "unknown kernel $name (one of: ${MATRIX[*]})" ;;
	esac
	for p in "${pkgs[@]}"; do [ -n "$p" ] && [ "$p" != linux-binary- ] || die "no package for kernel $name in the archive"; done
	echo "kernels: fetching ${pkgs[*]}" >&2
	rm -rf "$dir"; mkdir -p "$dir"
	(cd "$CACHE/debs" && apt_private apt-get download -qq "${pkgs[@]}" >&2) || die "apt-get download ${pkgs[*]} failed"
	for p in "${pkgs[@]}"; do
		dpkg -x "$(ls "$CACHE/debs/${p}"_*.deb | sort -V | tail -1)" "$dir"
	done
	img=$(find "$dir" -name 'vmlinuz-*' -o -name vmlinuz | sort | head -1)
	[ -n "$img" ] || die "no vmlinuz in ${pkgs[*]}"
	touch "$dir/.complete"
	echo "$img"
}

case "${1:-}" in
list) printf '%s\n' "${MATRIX[@]}" ;;
image)
	name=${2:?usage: kernels.sh image NAME}
	if [ "$name" = 6.1 ]; then
		# Debian 12's linux-image-amd64: the 6.1 image in /boot, never another one there.
		img=$(ls /boot/vmlinuz-6.1.*-amd64 2>/dev/null | sort -V | tail -1 || true)
		[ -n "$img" ] || die "no /boot/vmlinuz-6.1.*-amd64 (apt-get install linux-image-amd64)"
		echo "$img"
	else
		fetch "$name"
	fi
	;;
*) echo "usage: kernels.sh list | image NAME" >&2; exit 64 ;;
esac
