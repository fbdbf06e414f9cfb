#!/bin/bash
# Runs INSIDE the virtme-ng guest (a kernel of the matrix), as root, started by
# Tests/bench/run-vm-bench.sh. Usage: guest-bench.sh ARPTOP ARP_FLOOD OUT_DIR
# Builds the veth/netns pair of the VM tests, then, for each of BENCH_ROUNDS rounds,
# floods ARP requests for BENCH_SECONDS under these configurations, in this order:
#   base1, arptop, base2, bpftrace, base3, both
# base*     no tracer (each tracer run is compared with the baselines just before and after it,
#           so that a slow drift of the host's load cancels out)
# arptop    arptop --summary (headless, default --log-rate), until SIGINT
# bpftrace  Tests/bench/arptop-equivalent.bt
# both      arptop and the bpftrace script attached together: both tools' programs run on the
#           same calls at the same moments, the fairest per-call cost comparison
# and once at the end `arptop-unlimited` (--log-rate 0: every call offered to the ring buffer).
# Records raw facts only (kernel counters, bpftool program stats, tracer output);
# Tests/bench/analyze.py turns them into the tables of BENCHMARKS.md.
set -u
ARPTOP=$1
FLOOD=$2
OUT=$3
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
ROUNDS=${BENCH_ROUNDS:-3}
BENCH_DIR=$(dirname "$(realpath "$0")")
mkdir -p "$OUT"
exec 2>"$OUT/guest-bench.stderr"
set -x
log() { echo "[bench] $*" >&2; }

# --- topology (as Tests/vm/guest-scenarios.sh), IPv6 off so va sees ARP only --------
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
. "$BENCH_DIR/../vm/lib.sh"   # veth_pair
ip netns add t1   # first: vb takes t1's IPv6 defaults when it moves in
ip netns exec t1 sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
veth_pair va 10.77.0.1/24 t1 vb 10.77.0.2/24
sysctl -qw net.ipv4.ip_forward=0
sysctl -qw kernel.bpf_stats_enabled=1
sleep 1

{
	echo "kernel=$(uname -r)"
	echo "cpus=$(nproc)"
	echo "cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
	echo "bpftrace=$(bpftrace --version 2>&1)"
	echo "seconds_per_run=$SECONDS_PER_RUN"
	echo "rounds=$ROUNDS"
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "rp_filter_all=$(sysctl -n net.ipv4.conf.all.rp_filter) rp_filter_va=$(sysctl -n net.ipv4.conf.va.rp_filter)"
} >"$OUT/env.txt"
"$ARPTOP" --probes >"$OUT/probes.txt" 2>&1

# The bpftrace reference: kprobe/kretprobe for fib_validate_source on every kernel (Debian 12's
# bpftrace 0.17 refuses kfunc on functions of more than 6 parameters, even where the kernel's
# trampolines take them: there arptop's fentry is compared with bpftrace's kprobe); the plain
# variant where bpftrace cannot read this kernel's structs, the kretprobe variant where it has no
# kfunc at all (5.10: "btf: no"); each tried, not assumed.
BT=$BENCH_DIR/arptop-equivalent.bt
if ! timeout 120 bpftrace -e 'kfunc:arp_process { $d = args->skb->dev->ifindex; } BEGIN { exit(); }' >/dev/null 2>"$OUT/bt-probe.stderr"; then
	BT=$BENCH_DIR/arptop-equivalent-plain.bt
	if ! timeout 120 bpftrace -e 'kretfunc:arp_process { @[cpu] = count(); } BEGIN { exit(); }' >/dev/null 2>>"$OUT/bt-probe.stderr"; then
		# No kfunc (5.10): kprobe pairs with struct types from the kernel's headers when they were
		# fetched (BENCHMARKS.md says how), else kretprobes counting by CPU only.
		HDR=$BENCH_DIR/../../.build/kernels/headers/usr/src/linux-headers-$(uname -r)
		if [ -d "$HDR" ] && [ -d "${HDR%-amd64}-common" ]; then
			export BPFTRACE_KERNEL_BUILD=$HDR BPFTRACE_KERNEL_SOURCE=${HDR%-amd64}-common
			BT=$BENCH_DIR/arptop-equivalent-headers.bt
		else
			BT=$BENCH_DIR/arptop-equivalent-kprobe.bt
		fi
	fi
fi
echo "bpftrace_script=$(basename "$BT")" >>"$OUT/env.txt"

softnet_drops() { # sum of column 2 (dropped) of /proc/net/softnet_stat, all CPUs
	local sum=0 d
	while read -r _ d _; do sum=$((sum + 16#$d)); done </proc/net/softnet_stat
	echo $sum
}
counters() { # prefix -> file of key=value lines
	{
		echo "rx_packets=$(cat /sys/class/net/va/statistics/rx_packets)"
		echo "tx_packets=$(cat /sys/class/net/va/statistics/tx_packets)"
		echo "rx_dropped=$(cat /sys/class/net/va/statistics/rx_dropped)"
		echo "softnet_dropped=$(softnet_drops)"
		echo "arp_lookups=$(awk 'NR>1 {s += strtonum("0x"$5)} END {print s}' /proc/net/stat/arp_cache)"
		echo "time=$(date +%s.%N)"
	} >"$1.counters"
	bpftool -j prog show >"$1.progs.json" 2>/dev/null
}
# One measured flood: counters and BPF stats before and after; the flood on CPU 1.
flood() { # run name
	counters "$OUT/$1.before"
	ip netns exec t1 taskset -c 1 "$FLOOD" -i vb -t 10.77.0.1 -d "$SECONDS_PER_RUN" -q >"$OUT/$1.flood" 2>>"$OUT/$1.flood.stderr"
	counters "$OUT/$1.after"
	sleep 1
}

wait_for() { # file text pid: wait (bounded) until file contains text (bpftrace parsing kernel headers under TCG takes minutes)
	for _ in $(seq 1 3000); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || { log "tracer exited early: $1"; return 1; }
		sleep 0.2
	done
	log "never saw '$2' in $1"; return 1
}

run_baseline() { # run name
	flood "$1"
}
run_arptop() { # run name, extra arptop args
	local name=$1; shift
	bpftool -j prog show >"$OUT/$name.progs-before-attach.json" 2>/dev/null
	taskset -c 0 "$ARPTOP" --summary "$@" >"$OUT/$name.summary" 2>"$OUT/$name.stderr" &
	local pid=$!
	wait_for "$OUT/$name.stderr" "counting" $pid || return 1
	sleep 1
	flood "$name"
	kill -INT $pid; wait $pid; echo $? >"$OUT/$name.rc"
}
run_bpftrace() { # run name
	local name=$1
	bpftool -j prog show >"$OUT/$name.progs-before-attach.json" 2>/dev/null
	taskset -c 0 bpftrace "$BT" >"$OUT/$name.out" 2>"$OUT/$name.stderr" &
	local pid=$!
	wait_for "$OUT/$name.out" "^attached" $pid || return 1
	sleep 1
	flood "$name"
	kill -INT $pid; wait $pid; echo $? >"$OUT/$name.rc"
}

log "warm-up"
ip netns exec t1 "$FLOOD" -i vb -t 10.77.0.1 -d 3 -q >"$OUT/warmup.flood" 2>&1
run_both() { # run name: arptop first, then bpftrace, one flood with both attached
	local name=$1
	bpftool -j prog show >"$OUT/$name.progs-before-attach.json" 2>/dev/null
	taskset -c 0 "$ARPTOP" --summary >"$OUT/$name.summary" 2>"$OUT/$name.stderr" &
	local apid=$!
	wait_for "$OUT/$name.stderr" "counting" $apid || return 1
	taskset -c 0 bpftrace "$BT" >"$OUT/$name.out" 2>"$OUT/$name.bpftrace.stderr" &
	local bpid=$!
	wait_for "$OUT/$name.out" "^attached" $bpid || return 1
	sleep 1
	flood "$name"
	kill -INT $bpid; wait $bpid
	kill -INT $apid; wait $apid; echo $? >"$OUT/$name.rc"
}

for r in $(seq 1 "$ROUNDS"); do
	log "round $r"
	run_baseline "r$r-base1"
	run_arptop "r$r-arptop"
	run_baseline "r$r-base2"
	run_bpftrace "r$r-bpftrace"
	run_baseline "r$r-base3"
	run_both "r$r-both"
done
log "unlimited log"
run_arptop "x-arptop-unlimited" --log-rate 0
log "done"
echo done >"$OUT/bench-complete"
