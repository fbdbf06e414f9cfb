#!/bin/bash
# Boots Debian's linux-image-amd64 (6.1) under QEMU with virtme-ng, once, and runs
# every Tests/vm/guest-*.sh inside it (in name order) against a built arptop binary.
# Usage: run-vm-tests.sh ARPTOP_BINARY OUT_DIR
# Exit status: 0 when the guest completed its scenarios (assertions live in
# Tests/KernelTests), 2 when the VM prerequisites are missing, 1 otherwise.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
ARPTOP=$(realpath "$1")
OUT=$(realpath -m "$2")
rm -rf "$OUT"; mkdir -p "$OUT"

command -v vng >/dev/null || { echo "run-vm-tests: vng (PyPI virtme-ng) is not installed" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null || { echo "run-vm-tests: qemu-system-x86 is not installed" >&2; exit 2; }
KERNEL=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | grep -v cloud | sort -V | tail -1)
[ -n "$KERNEL" ] || { echo "run-vm-tests: no /boot/vmlinuz-*-amd64 (apt-get install linux-image-amd64)" >&2; exit 2; }
[ -x "$ARPTOP" ] || { echo "run-vm-tests: $ARPTOP is not an executable" >&2; exit 2; }

echo "run-vm-tests: booting $KERNEL (TCG, this takes a minute)" >&2
timeout "${ARPTOP_VM_TIMEOUT:-1500}" vng --run "$KERNEL" --disable-kvm --memory 2G --cpus 2 \
	--rwdir "$OUT" --cwd "$REPO" \
	--exec "ARPTOP_VM_ONLY=${ARPTOP_VM_ONLY:-} ARPTOP_SOAK_SECONDS=${ARPTOP_SOAK_SECONDS:-180} timeout $(( ${ARPTOP_VM_TIMEOUT:-1500} - 120 )) $REPO/Tests/vm/guest-main.sh $ARPTOP $OUT" \
	>"$OUT/vng.log" 2>&1
rc=$?
echo "$KERNEL" >"$OUT/kernel-image"
if [ ! -f "$OUT/complete" ]; then
	echo "run-vm-tests: guest did not complete (vng exit $rc); see $OUT/vng.log and $OUT/guest-*.stderr" >&2
	tail -20 "$OUT/vng.log" >&2
	exit 1
fi
exit 0
