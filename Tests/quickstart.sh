#!/bin/bash
# The README's two quick-start commands on a fresh Debian 12 machine with Swift:
#   Tests/quickstart.sh run [arptop flags...]   install what is missing, build, run arptop
#   Tests/quickstart.sh test                    install what is missing, build, run every test
#   Tests/quickstart.sh deb                     install what is missing, build .build/deb/arptop_<version>_amd64.deb
# Installs Debian packages with apt-get and virtme-ng from PyPI only when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

need_debs() { # print the packages of "$@" that are not installed
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
	done
}

install_debs() {
	local missing
	missing=$(need_debs "$@")
	if [ -n "$missing" ]; then
		echo "quickstart: installing Debian packages: $(echo $missing)" >&2
		$SUDO apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
	fi
}

BUILD_DEBS=(libbpf-dev libelf-dev zlib1g-dev libncurses-dev pkg-config)
DEB_DEBS=(dpkg-dev binutils)
TEST_DEBS=(qemu-system-x86 busybox-static linux-image-amd64 iputils-arping iputils-ping tcpdump iproute2 bpftool bpftrace tmux python3-pip python3-pyte python3-pil fonts-dejavu-core prometheus
	file kmod util-linux debian-archive-keyring lintian)

case "${1:-}" in
run)
	shift
	install_debs "${BUILD_DEBS[@]}"
	swift build -c release --product arptop >&2
	if [ $# -eq 0 ] && ! $SUDO .build/release/arptop --probes >/dev/null 2>&1; then
		echo "quickstart: arptop cannot attach any probe here; showing the demo (a recording from Debian 6.1)" >&2
		exec .build/release/arptop --demo
	fi
	exec $SUDO .build/release/arptop "$@"
	;;
test)
	install_debs "${BUILD_DEBS[@]}" "${DEB_DEBS[@]}" "${TEST_DEBS[@]}"
	if ! command -v vng >/dev/null; then
		echo "quickstart: installing virtme-ng from PyPI" >&2
		python3 -m pip install -q virtme-ng==1.42 || python3 -m pip install -q --break-system-packages virtme-ng==1.42
		command -v pyenv >/dev/null && pyenv rehash 2>/dev/null || true
	fi
	# pip may put `vng` where PATH does not look (pyenv, --user): add python's scripts folders.
	PATH="$PATH:$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$(python3 -m site --user-base)/bin"
	export PATH
	command -v vng >/dev/null || { echo "quickstart: vng (virtme-ng) is not on PATH after installing it" >&2; exit 1; }
	# The VM tests' kernel matrix: Debian's 5.10, 6.12 and 7.x as packages from Debian's archive
	# into .build/kernels (never into /boot), 6.1 from linux-image-amd64 above.
	for k in $(Tests/vm/kernels.sh list); do
		echo "quickstart: kernel $k: $(Tests/vm/kernels.sh image "$k")" >&2
	done
	# The package the packaging tests lint and install in a VM (Tests/EndToEndTests/PackageTests.swift,
	# Tests/KernelTests/VMPackageTests.swift).
	Sources/arptop/debian/build-deb.sh >/dev/null
	swift build --build-tests
	exec swift test --skip-build
	;;
deb)
	install_debs "${BUILD_DEBS[@]}" "${DEB_DEBS[@]}"
	Sources/arptop/debian/build-deb.sh
	;;
*)
	echo "usage: Tests/quickstart.sh run [arptop flags...] | test | deb" >&2
	exit 64
	;;
esac
