#!/bin/bash
# Runs INSIDE the virtme-ng guest (every kernel of the matrix), as root.
# Usage: guest-logbudget.sh ARPTOP_BINARY OUT_DIR
# -i decides what the kernel spends the log budget on (issue 12). An ARP flood on la while
# `arptop --json -i lc --log-rate 20` runs, flood and lc's requests on the same CPU: every call
# on lc must be logged, and la's calls still counted exactly in the kernel (its `counts` map,
# read with bpftool while arptop runs). The control, `-i la -i lc`, is the same run with la in
# the filter: its flood must starve lc's log (else the test could not tell). Then `--record`
# with `-i` in the three modes (--json, --summary, the live view in tmux), traffic on la and lc.
# Records only: Tests/KernelTests/VMLogBudgetTests.swift asserts.
#   root: la 10.71.0.1/24 <-> l1: lb 10.71.0.2/24      (flooded)
#   root: lc 10.72.0.1/24 <-> l2: ld 10.72.0.2/24      (-i lc)
set -u
ARPTOP=$1
OUT=$2
N=${ARPTOP_VM_BUDGET_PACKETS:-10}
RATE=20
FLOOD=$(dirname "$ARPTOP")/arp-flood
mkdir -p "$OUT"
exec 2>"$OUT/guest-logbudget.stderr"
set -x
. "$(dirname "$0")/lib.sh"

veth_pair la 10.71.0.1/24 l1 lb 10.71.0.2/24
veth_pair lc 10.72.0.1/24 l2 ld 10.72.0.2/24
sysctl -qw net.ipv4.ip_forward=0
sleep 1
echo "{\"packets\": $N, \"log_rate\": $RATE}" >"$OUT/budget-topology.json"

# budget NAME ARGS...: arptop --json ARGS while la is flooded (CPU 0) and N requests reach lc
# from l2 (CPU 0 too: one token bucket for both); the kernel's counts dumped before the stop.
budget() {
	local name=$1; shift
	start_arptop "$name" --log-rate "$RATE" "$@" || return 1
	ip netns exec l1 taskset -c 0 "$FLOOD" -i lb -t 10.71.0.1 -d "$((N + 6))" -q >"$OUT/$name-flood.txt" 2>&1 &
	local flood=$!
	sleep 2
	ip netns exec l2 taskset -c 0 arping -c "$N" -w "$((N + 20))" -I ld 10.72.0.1 >"$OUT/$name.arping" 2>&1
	wait $flood
	sleep 2
	bpftool -j map dump name counts >"$OUT/$name-counts.json" 2>"$OUT/$name-counts.stderr"
	stop_arptop "$name"
}
budget budget -i lc --record "$OUT/budget-record.ndjson"
budget budget-control -i la -i lc

# --record with -i in the other modes: 3 requests on la and 3 on lc, only lc's in the files.
both() {
	ip netns exec l1 arping -c 3 -w 20 -I lb 10.71.0.1 >"$OUT/$1-la.arping" 2>&1
	ip netns exec l2 arping -c 3 -w 20 -I ld 10.72.0.1 >"$OUT/$1-lc.arping" 2>&1
}
"$ARPTOP" --summary -i lc --record "$OUT/record-summary.ndjson" >"$OUT/record-summary.txt" 2>"$OUT/record-summary.stderr" &
ARPTOP_PID=$!
for _ in $(seq 1 600); do [ -s "$OUT/record-summary.ndjson" ] && break; sleep 0.2; done
both record-summary
stop_arptop record-summary

export LANG=C.UTF-8 LC_ALL=C.UTF-8
T="tmux -L arptop-budget"
$T new-session -d -s ui -x 160 -y 48 \
	"$ARPTOP -i lc --record $OUT/record-live.ndjson --refresh 0.5; echo \$? >$OUT/record-live.rc; sleep 600"
for _ in $(seq 1 600); do $T capture-pane -p -t ui 2>/dev/null | grep -qF fentry && break; sleep 0.2; done
both record-live
sleep 2
$T send-keys -t ui q
for _ in $(seq 1 100); do [ -f "$OUT/record-live.rc" ] && break; sleep 0.2; done
$T kill-server

ip netns del l1
ip netns del l2
