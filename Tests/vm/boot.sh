#!/bin/bash
# Boots one kernel of the matrix (Tests/vm/kernels.sh) under QEMU/TCG with virtme-ng and runs
# one command in it, as root, with the host's filesystem (read-only but OUT). The one place
# that starts a VM: the VM tests and the benchmarks both come through here.
# Usage: boot.sh KERNEL OUT TIMEOUT_SECONDS COMMAND...
# Exit status: 2 when the VM prerequisites are missing, else vng's (124 on timeout).
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
KERNEL_NAME=$1 OUT=$2 TIMEOUT=$3
shift 3
command -v vng >/dev/null || { echo "boot: vng (PyPI virtme-ng) is not installed" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null || { echo "boot: qemu-system-x86 is not installed" >&2; exit 2; }
IMAGE=$("$REPO/Tests/vm/kernels.sh" image "$KERNEL_NAME") || exit 2
mkdir -p "$OUT"
echo "$IMAGE" >"$OUT/kernel-image"
echo "boot: $KERNEL_NAME ($IMAGE) under TCG" >&2
# --disable-kvm: KVM is present on these machines but QEMU aborts on an MSR write.
timeout "$TIMEOUT" vng --run "$IMAGE" --disable-kvm --memory 2G --cpus 2 \
	--rwdir "$OUT" --cwd "$REPO" --exec "$*" >"$OUT/vng.log" 2>&1
