#!/bin/bash
# User-space benchmarks of two arptop-bench binaries, alternated in one run (BENCHMARKS.md):
# the live-view frame (alone, and with the log filtered) and the NDJSON event line.
#
#   Tests/bench/user-space-side-by-side.sh OLD_BENCH NEW_BENCH [ROUNDS]
#
# Build each from its tree with the same bench source (Sources/arptop-bench/main.swift):
#   swift build --scratch-path .build-bench -c release --product arptop-bench
set -euo pipefail
old=${1:?usage: $0 OLD_BENCH NEW_BENCH [ROUNDS]}
new=${2:?usage: $0 OLD_BENCH NEW_BENCH [ROUNDS]}
rounds=${3:-3}
uptime
for round in $(seq "$rounds"); do
    for b in "$old" "$new"; do
        echo "== round $round $b"
        "$b" render --frames 300 --live-only | tail -1
        "$b" render --frames 300 --live-only --filter 10.77.0.9 | tail -1 | sed 's/(LiveMode)/(LiveMode), filter 10.77.0.9/'
        "$b" decode --events 1000000 | grep -E "JSON"
    done
done
uptime
