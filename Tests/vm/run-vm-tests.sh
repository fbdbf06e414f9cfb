#!/bin/bash
# Boots one kernel of the matrix (Tests/vm/kernels.sh: 5.10, 6.1, 6.12, 7) under QEMU with
# virtme-ng and runs Tests/vm/guest-*.sh inside it (in name order) against a built arptop.
# Usage: run-vm-tests.sh ARPTOP_BINARY OUT_DIR [KERNEL]     (KERNEL defaults to 6.1)
# ARPTOP_VM_ONLY=guest-scenarios runs just that guest script (a comma-separated list: those).
# Exit status: 0 when the guest completed its scenarios (assertions live in
# Tests/KernelTests), 2 when the VM prerequisites are missing, 1 otherwise.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
ARPTOP=$(realpath "$1")
OUT=$(realpath -m "$2")
KERNEL=${3:-6.1}
rm -rf "$OUT"; mkdir -p "$OUT"
[ -x "$ARPTOP" ] || { echo "run-vm-tests: $ARPTOP is not an executable" >&2; exit 2; }

T=${ARPTOP_VM_TIMEOUT:-1500}
"$REPO/Tests/vm/boot.sh" "$KERNEL" "$OUT" "$T" \
	"ARPTOP_VM_ONLY=${ARPTOP_VM_ONLY:-} ARPTOP_DEB=${ARPTOP_DEB:-} ARPTOP_SOAK_SECONDS=${ARPTOP_SOAK_SECONDS:-180} timeout $((T - 120)) $REPO/Tests/vm/guest-main.sh $ARPTOP $OUT"
rc=$?
[ $rc -eq 2 ] && exit 2
if [ ! -f "$OUT/complete" ]; then
	echo "run-vm-tests: guest did not complete on $KERNEL (vng exit $rc); see $OUT/vng.log and $OUT/guest-*.stderr" >&2
	tail -20 "$OUT/vng.log" >&2
	exit 1
fi
exit 0
