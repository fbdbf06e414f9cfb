#!/bin/bash
# Sourced by the guest scripts (Tests/vm/guest-*.sh, Tests/bench/guest-bench.sh), inside the
# virtme-ng guest: the veth/netns setup and the arptop start/stop they share.

# veth_pair ROOT_IF ROOT_ADDR NS PEER_IF PEER_ADDR: a veth pair from the root namespace
# (ROOT_IF, ROOT_ADDR) to NS (created unless it exists; lo up there) (PEER_IF, PEER_ADDR), both up.
veth_pair() {
	local root_if=$1 root_addr=$2 ns=$3 peer_if=$4 peer_addr=$5
	ip link set lo up
	[ -e "/run/netns/$ns" ] || ip netns add "$ns"
	ip link add "$root_if" type veth peer name "$peer_if"
	ip link set "$peer_if" netns "$ns"
	ip addr add "$root_addr" dev "$root_if"; ip link set "$root_if" up
	ip netns exec "$ns" ip link set lo up
	ip netns exec "$ns" ip addr add "$peer_addr" dev "$peer_if"; ip netns exec "$ns" ip link set "$peer_if" up
}

# netns_inode NS: the inode of network namespace NS ("": the root namespace).
netns_inode() {
	if [ -z "$1" ]; then stat -Lc %i /proc/self/ns/net; else ip netns exec "$1" stat -Lc %i /proc/self/ns/net; fi
}

# start_arptop NAME ARGS...: `$ARPTOP --json ARGS` into $OUT/NAME.ndjson (stderr NAME.stderr),
# in the background (pid in ARPTOP_PID); returns once its "attached" line is out (the loader
# is slow under TCG), 1 when it exits or never attaches.
start_arptop() {
	local name=$1; shift
	"$ARPTOP" --json "$@" >"$OUT/$name.ndjson" 2>"$OUT/$name.stderr" &
	ARPTOP_PID=$!
	for _ in $(seq 1 600); do
		grep -q '"type":"attached"' "$OUT/$name.ndjson" 2>/dev/null && return 0
		kill -0 $ARPTOP_PID 2>/dev/null || { echo "[guest] arptop exited early" >&2; return 1; }
		sleep 0.2
	done
	echo "[guest] arptop never attached" >&2; return 1
}

# stop_arptop NAME: SIGINT after a second, wait, exit status into $OUT/NAME.rc.
stop_arptop() {
	sleep 1
	kill -INT $ARPTOP_PID
	wait $ARPTOP_PID
	echo $? >"$OUT/$1.rc"
}
