#!/bin/bash
# Runs INSIDE the virtme-ng guest (Debian's 6.1 kernel), after the other guest scripts.
# Usage: guest-soak.sh ARPTOP_BINARY OUT_DIR
# Soak: an ARP flood for ARPTOP_SOAK_SECONDS (default 180) with the live TUI running in tmux,
# restricted to the flooded interface. Records what was sent, the TUI's resident memory every
# 10 s, how long the UI takes to answer a key (help overlay open/close) while flooded, and the
# final screen. Tests/KernelTests/VMSoakTests.swift asserts on the soak-* files.
set -u
ARPTOP=$1
OUT=$2
FLOOD=$(dirname "$ARPTOP")/arp-flood
SECONDS_TOTAL=${ARPTOP_SOAK_SECONDS:-180}
exec 2>"$OUT/guest-soak.stderr"
set -x
export LANG=C.UTF-8 LC_ALL=C.UTF-8

. "$(dirname "$0")/lib.sh"   # veth_pair
veth_pair sa 10.79.0.1/24 s1 sb 10.79.0.2/24
sysctl -qw net.ipv6.conf.sa.disable_ipv6=1
ip netns exec s1 sysctl -qw net.ipv6.conf.sb.disable_ipv6=1
sleep 1

T="tmux -L arptop-soak"
screen() { $T capture-pane -p -t soak; }
wait_screen() { # text, tenths of a second at most
	for _ in $(seq 1 "$2"); do screen 2>/dev/null | grep -qF -- "$1" && return 0; sleep 0.1; done
	return 1
}
$T new-session -d -s soak -x 160 -y 48 "$ARPTOP --refresh 1 -i sa; echo \$? >$OUT/soak.exit; sleep 900"
wait_screen "fentry" 3000 || { echo "arptop never showed its screen" >"$OUT/soak-error"; exit 1; }
PID=$(pgrep -x arptop | head -1)
echo "$PID" >"$OUT/soak.pid"

ip netns exec s1 "$FLOOD" -i sb -t 10.79.0.1 -d "$SECONDS_TOTAL" -q >"$OUT/soak-flood.txt" &
FLOOD_PID=$!
: >"$OUT/soak-rss.txt"; : >"$OUT/soak-keys.txt"
start=$(date +%s)
while kill -0 $FLOOD_PID 2>/dev/null; do
	sleep 10
	echo "$(( $(date +%s) - start )) $(awk '/VmRSS/ {print $2}' /proc/$PID/status)" >>"$OUT/soak-rss.txt"
	# Key responsiveness under the flood: open help, then close it.
	t0=$(date +%s%N)
	$T send-keys -t soak '?'
	if wait_screen "arptop keys" 150; then
		echo "open $(( ($(date +%s%N) - t0) / 1000000 ))" >>"$OUT/soak-keys.txt"
	else
		echo "open timeout" >>"$OUT/soak-keys.txt"
	fi
	$T send-keys -t soak Escape
done
wait $FLOOD_PID
sleep 4   # two refreshes: the last counts reach the screen
screen >"$OUT/soak-screen.txt"
awk '/VmRSS/ {print "final", $2}' /proc/$PID/status >>"$OUT/soak-rss.txt"
$T send-keys -t soak q
for _ in $(seq 1 100); do [ -f "$OUT/soak.exit" ] && break; sleep 0.2; done
$T kill-server
ip netns del s1
echo done >"$OUT/soak-complete"
