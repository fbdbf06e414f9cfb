#!/bin/bash
# The kernel-side benchmark of BENCHMARKS.md: boots one kernel of the matrix (BENCH_KERNEL,
# default 6.1; Tests/vm/kernels.sh) ONCE
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

for tool in bpftrace bpftool taskset; do
	command -v $tool >/dev/null || { echo "run-vm-bench: $tool is not installed (apt-get install bpftrace bpftool util-linux)" >&2; exit 2; }
done
[ -x "$ARPTOP" ] && [ -x "$FLOOD" ] || { echo "run-vm-bench: $ARPTOP or $FLOOD is not an executable" >&2; exit 2; }
KERNEL=${BENCH_KERNEL:-6.1}

echo "run-vm-bench: booting $KERNEL (TCG); ${BENCH_ROUNDS:-3} rounds of 3 floods of ${BENCH_SECONDS:-10} s" >&2
"$REPO/Tests/vm/boot.sh" "$KERNEL" "$OUT" "$TIMEOUT" \
	"BENCH_SECONDS=${BENCH_SECONDS:-10} BENCH_ROUNDS=${BENCH_ROUNDS:-3} timeout $((TIMEOUT - 120)) $REPO/Tests/bench/guest-bench.sh $ARPTOP $FLOOD $OUT"
rc=$?
if [ ! -f "$OUT/bench-complete" ]; then
	echo "run-vm-bench: guest did not complete (vng exit $rc); see $OUT/vng.log and $OUT/guest-bench.stderr" >&2
	tail -20 "$OUT/vng.log" >&2
	exit 1
fi
/usr/bin/python3 "$REPO/Tests/bench/analyze.py" "$OUT" | tee "$OUT/report.md"
