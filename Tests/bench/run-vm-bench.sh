#!/bin/bash
# The kernel-side benchmark of BENCHMARKS.md: boots Debian's linux-image-amd64 (6.1) ONCE
# under QEMU/TCG with virtme-ng, runs Tests/bench/guest-bench.sh in it (ARP flood under:
# no tracer, arptop, the equivalent bpftrace script), then prints the analysis.
# Usage: run-vm-bench.sh ARPTOP_BINARY ARP_FLOOD_BINARY OUT_DIR
# Environment: BENCH_SECONDS (flood length per run, default 10), BENCH_ROUNDS (default 3),
# BENCH_VM_TIMEOUT (default 2400 s).
# Exit status: 0 when the guest completed and the analysis ran, 2 when prerequisites are missing.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
ARPTOP=$(realpath "$1")
FLOOD=$(realpath "$2")
OUT=$(realpath -m "$3")
rm -rf "$OUT"; mkdir -p "$OUT"
TIMEOUT=${BENCH_VM_TIMEOUT:-2400}

command -v vng >/dev/null || { echo "run-vm-bench: vng (PyPI virtme-ng) is not installed" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null || { echo "run-vm-bench: qemu-system-x86 is not installed" >&2; exit 2; }
for tool in bpftrace bpftool taskset; do
	command -v $tool >/dev/null || { echo "run-vm-bench: $tool is not installed (apt-get install bpftrace bpftool util-linux)" >&2; exit 2; }
done
KERNEL=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | grep -v cloud | sort -V | tail -1)
[ -n "$KERNEL" ] || { echo "run-vm-bench: no /boot/vmlinuz-*-amd64 (apt-get install linux-image-amd64)" >&2; exit 2; }
[ -x "$ARPTOP" ] && [ -x "$FLOOD" ] || { echo "run-vm-bench: $ARPTOP or $FLOOD is not an executable" >&2; exit 2; }

echo "run-vm-bench: booting $KERNEL (TCG); ${BENCH_ROUNDS:-3} rounds of 3 floods of ${BENCH_SECONDS:-10} s" >&2
timeout "$TIMEOUT" vng --run "$KERNEL" --disable-kvm --memory 2G --cpus 2 \
	--rwdir "$OUT" --cwd "$REPO" \
	--exec "BENCH_SECONDS=${BENCH_SECONDS:-10} BENCH_ROUNDS=${BENCH_ROUNDS:-3} timeout $((TIMEOUT - 120)) $REPO/Tests/bench/guest-bench.sh $ARPTOP $FLOOD $OUT" \
	>"$OUT/vng.log" 2>&1
rc=$?
echo "$KERNEL" >"$OUT/kernel-image"
if [ ! -f "$OUT/bench-complete" ]; then
	echo "run-vm-bench: guest did not complete (vng exit $rc); see $OUT/vng.log and $OUT/guest-bench.stderr" >&2
	tail -20 "$OUT/vng.log" >&2
	exit 1
fi
/usr/bin/python3 "$REPO/Tests/bench/analyze.py" "$OUT" | tee "$OUT/report.md"
