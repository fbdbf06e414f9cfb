#!/bin/bash
# Runs INSIDE the virtme-ng guest (any kernel of the matrix), as root.
# Usage: guest-scenarios.sh ARPTOP_BINARY OUT_DIR
# Builds a netns/veth topology, runs `arptop --json` around known ARP traffic and
# writes, per scenario, the NDJSON output and a facts file (what was sent and seen)
# for the KernelTests suite to assert on. Never asserts by itself: it records.
set -u
ARPTOP=$1
OUT=$2
N=${ARPTOP_VM_PACKETS:-5}
mkdir -p "$OUT"
exec 2>"$OUT/guest-scenarios.stderr"
set -x
log() { echo "[guest] $*" >&2; }
. "$(dirname "$0")/lib.sh"   # veth_pair, netns_inode, start_arptop, stop_arptop

# --- topology -------------------------------------------------------------
# root: va 10.77.0.1/24 <-> t1: vb 10.77.0.2/24
# root: vc 10.88.0.1/24 <-> t2: vd 10.88.0.2/24   (10.88.0.0/24 routes via vc)
veth_pair va 10.77.0.1/24 t1 vb 10.77.0.2/24
veth_pair vc 10.88.0.1/24 t2 vd 10.88.0.2/24
sysctl -qw net.ipv4.ip_forward=0
sleep 1

cat > "$OUT/topology.json" <<JSON
{"root_netns": $(netns_inode ""), "t1_netns": $(netns_inode t1), "t2_netns": $(netns_inode t2),
 "va_ifindex": $(cat /sys/class/net/va/ifindex), "vc_ifindex": $(cat /sys/class/net/vc/ifindex),
 "vb_ifindex": $(ip netns exec t1 cat /sys/class/net/vb/ifindex), "packets": $N}
JSON

# The kernel's own facts the expectations depend on, read from its BTF (not from its version):
# whether the route input returns `enum skb_drop_reason` (6.13+) and IP_RPFILTER's value.
bpftool btf dump file /sys/kernel/btf/vmlinux >/tmp/btf.txt 2>/dev/null
btf_kind_of_return() { # FUNC name -> kind of its return type (INT, ENUM, ...)
	local f p r
	f=$(grep -E "^\[[0-9]+\] FUNC '$1' " /tmp/btf.txt | sed -E 's/.*type_id=([0-9]+).*/\1/' | head -1)
	[ -n "$f" ] || { echo NONE; return; }
	r=$(grep -E "^\[$f\] FUNC_PROTO" /tmp/btf.txt | sed -E 's/.*ret_type_id=([0-9]+).*/\1/')
	grep -E "^\[$r\] " /tmp/btf.txt | awk '{print $2}'
}
cat > "$OUT/kernel-facts.json" <<JSON
{"release": "$(uname -r)",
 "route_input_return_kind": "$(btf_kind_of_return ip_route_input_slow)",
 "ip_rpfilter": $(grep -oE "'SKB_DROP_REASON_IP_RPFILTER' val=[0-9]+" /tmp/btf.txt | grep -oE '[0-9]+$' || echo -1)}
JSON
rm -f /tmp/btf.txt

"$ARPTOP" --probes >"$OUT/probes.txt" 2>"$OUT/probes.stderr"
echo $? >"$OUT/probes.rc"

# --- scenario 1: requests for a local address from the peer namespace -------
start_arptop local
ip netns exec t1 arping -c "$N" -w 30 -I vb 10.77.0.1 >"$OUT/local.arping" 2>&1
stop_arptop local

# --- scenario 2: requests for a non-local address on the subnet -----------
start_arptop nonlocal
ip netns exec t1 arping -c "$N" -w "$((N + 2))" -I vb 10.77.0.99 >"$OUT/nonlocal.arping" 2>&1
stop_arptop nonlocal

# --- scenario 3: strict rp_filter, sender address routes via another interface
sysctl -qw net.ipv4.conf.all.rp_filter=1
sysctl -qw net.ipv4.conf.va.rp_filter=1
ip netns exec t1 ip addr add 10.88.0.5/32 dev vb
start_arptop rpfilter
ip netns exec t1 arping -c "$N" -w "$((N + 2))" -s 10.88.0.5 -I vb 10.77.0.1 >"$OUT/rpfilter.arping" 2>&1
stop_arptop rpfilter
sysctl -qw net.ipv4.conf.all.rp_filter=0
sysctl -qw net.ipv4.conf.va.rp_filter=0

# --- scenario 4: -i filter: traffic on va and vc, arptop restricted to vc ------
ip netns exec t2 ip route add default via 10.88.0.1
start_arptop filtered -i vc
ip netns exec t1 arping -c "$N" -w 30 -I vb 10.77.0.1 >"$OUT/filtered-va.arping" 2>&1
ip netns exec t2 arping -c "$N" -w 30 -I vd 10.88.0.1 >"$OUT/filtered-vc.arping" 2>&1
stop_arptop filtered

# --- scenario 7: task context and softirq at once, in two namespaces -----------
# `ip route get ... iif vd` in t2 (task context, t2's netns) while ARP requests from t1 reach
# va in softirqs (root netns): neither may borrow the other's stack or namespace.
K=${ARPTOP_VM_ROUTE_GETS:-300}
echo "$((3 * K))" >"$OUT/mixed.routegets"
for _ in $(seq 1 "$K"); do echo "route get 10.88.0.2 from 10.88.0.1 iif vd"; done >/tmp/routegets.batch
start_arptop mixed
# One `ip` process (fast under TCG), slowed down so that it overlaps the ARP requests.
(for _ in 1 2 3; do ip -n t2 -batch /tmp/routegets.batch >/dev/null; sleep 1; done) &
ROUTEGETS=$!
ip netns exec t1 arping -c "$((4 * N))" -w 60 -I vb 10.77.0.1 >"$OUT/mixed.arping" 2>&1
wait $ROUTEGETS
stop_arptop mixed

# --- scenario 8: map reads during a flood pinned to one CPU ------------------------
# arptop's own bpf() map reads raise bpf_prog_active on their CPU; a kprobe program firing
# there meanwhile is skipped. With the reader and the flood on CPU 0 and a 0.1 s refresh,
# the counts must still equal what was sent (or the kernel must report the skipped runs).
FLOOD=$(dirname "$ARPTOP")/arp-flood
start_arptop pinned --refresh 0.1
taskset -cp 0 "$ARPTOP_PID" >/dev/null
cat /proc/"$ARPTOP_PID"/status >"$OUT/pinned.status"   # privileges once attached
ip netns exec t1 taskset -c 0 "$FLOOD" -i vb -t 10.77.0.1 -c "${ARPTOP_VM_PINNED:-20000}" -q >"$OUT/pinned-flood.txt" 2>&1
stop_arptop pinned

# --- scenario 5: the live TUI in tmux, every kind of traffic, recorded -------
# The screen's totals must equal the packets sent; the captures (with colours) become
# the screenshots, and the recording is the one `arptop --demo` plays.
export LANG=C.UTF-8 LC_ALL=C.UTF-8
TMUX_SOCK="tmux -L arptop-vm"
capture() { # name: plain text and colour escapes of the pane
	$TMUX_SOCK capture-pane -p -t ui >"$OUT/tui-$1.txt"
	$TMUX_SOCK capture-pane -p -e -t ui >"$OUT/tui-$1.ansi"
}
wait_screen() { # text: wait until the pane shows it (bounded)
	for _ in $(seq 1 300); do
		$TMUX_SOCK capture-pane -p -t ui 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.2
	done
	log "screen never showed: $1"; return 1
}
keys() { $TMUX_SOCK send-keys -t ui "$@"; sleep 1.5; }
$TMUX_SOCK new-session -d -s ui -x 160 -y 48 \
	"$ARPTOP --record $OUT/tui-recording.ndjson --refresh 0.5; echo \$? >$OUT/tui.exit; sleep 600"
wait_screen "fentry"
cat /proc/"$(pgrep -x arptop | head -1)"/status >"$OUT/tui.status"
ip netns exec t1 arping -c "$N" -w 30 -I vb 10.77.0.1 >"$OUT/tui-local.arping" 2>&1
ip netns exec t1 arping -c "$N" -w "$((N + 2))" -I vb 10.77.0.99 >"$OUT/tui-nonlocal.arping" 2>&1
sysctl -qw net.ipv4.conf.all.rp_filter=1
sysctl -qw net.ipv4.conf.va.rp_filter=1
ip netns exec t1 arping -c "$N" -w "$((N + 2))" -s 10.88.0.5 -I vb 10.77.0.1 >"$OUT/tui-rpfilter.arping" 2>&1
ip netns exec t2 arping -c "$N" -w 30 -I vd 10.88.0.1 >"$OUT/tui-t2.arping" 2>&1
sysctl -qw net.ipv4.conf.all.rp_filter=0
sysctl -qw net.ipv4.conf.va.rp_filter=0
# arp_ignore=1 on vc: requests arriving on vc for va's address go unanswered.
sysctl -qw net.ipv4.conf.vc.arp_ignore=1
ip netns exec t2 arping -c "$N" -w "$((N + 2))" -s 10.88.0.2 -I vd 10.77.0.1 >"$OUT/tui-arpignore.arping" 2>&1
sysctl -qw net.ipv4.conf.vc.arp_ignore=0
sleep 3
capture wide
keys i; keys v a; keys Space; keys Enter     # interface picker: only va
keys p                                       # pause
capture paused-filtered
keys p; keys i; keys a; keys Enter           # resume, all interfaces again
keys 4; keys Enter                           # zoom fib_validate_source
capture zoom-fib_validate_source
keys Escape; keys '?'                        # help
capture help
keys Escape; keys v                          # the verdicts view
capture verdicts
keys v; keys l                               # the log as one line per packet
capture packets
keys l; keys q
for _ in $(seq 1 100); do [ -f "$OUT/tui.exit" ] && break; sleep 0.2; done
$TMUX_SOCK kill-server

# --- scenario 6: with an `ip rule`, each lookup misses the local table first ------
# Any custom rule makes fib_lookup walk the rules: local (255) misses with EAGAIN, main (254)
# finds the route. A miss is counted per table and is no error.
ip rule add from 10.99.0.0/24 table 100 pref 100
start_arptop rules
ip netns exec t1 arping -c "$N" -w "$((N + 2))" -I vb 10.77.0.99 >"$OUT/rules.arping" 2>&1
stop_arptop rules
ip rule del from 10.99.0.0/24 table 100 pref 100

# --- nothing left attached after exit --------------------------------------
bpftool -j prog show >"$OUT/bpftool-prog-after.json" 2>/dev/null
bpftool -j link show >"$OUT/bpftool-link-after.json" 2>/dev/null

