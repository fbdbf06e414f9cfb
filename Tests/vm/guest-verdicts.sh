#!/bin/bash
# Runs INSIDE the virtme-ng guest (every kernel of the matrix), as root.
# Usage: guest-verdicts.sh ARPTOP_BINARY OUT_DIR
# One `arptop --json` (OUT/verdicts.ndjson) around thirteen ARP scenarios, each in its own
# pair of network namespaces: a responder R (vdrK, interface rK) and a requester Q (vdqK,
# interface qK), joined by a veth pair; the root namespace is not touched. Every sysctl a
# scenario depends on is set explicitly in R (all, default and each of R's devices) and read
# back into the facts. Per scenario, one line of OUT/verdicts-facts.ndjson records R's and Q's
# namespace inode, ifindex and name, the packets sent, what arping received and what a packet
# capture on R's interface saw (the reference), and the verdict(s) arptop should report on R's
# interface. Never asserts: Tests/KernelTests/VMVerdictTests.swift does.
#
#  K name               R's kernel sees                                     verdict on rK
#  1 local_reply        request for R's own address                         replied
#  2 not_local          request for an address nobody has, forwarding off   not_local
#  3 proxy_reply        proxy_arp + forwarding, proxy_delay 0, target via dK proxy_replied
#  4 proxy_delayed      the same, proxy_delay 80 (the default), broadcasts  proxy_queued, then proxy_replied
#  5 arp_ignore_1       arp_ignore=1, target on R's other interface dK      ignored_arp_ignore
#  6 arp_ignore_2       arp_ignore=2, sender outside rK's subnet            ignored_arp_ignore
#  7 arp_filter         arp_filter=1, the route back to Q leaves by dK      ignored_arp_filter
#  8 rp_filter          rp_filter=1, the sender is routed via dK            rp_filter (IP_RPFILTER)
#  9 no_address         rK has no IPv4 address, target on dK                replied = arping's replies
# 10 garp_dropped       arping -U (sender = target), drop_gratuitous_arp=1  dropped (gratuitous)
# 11 dad_reply          arping -D (sender 0.0.0.0) for R's address          dad_replied
# 12 reply_accepted     R's kernel resolves Q (ping), Q's replies           reply_accepted
# 13 reply_ignored      arping in R (packet socket), arp_accept=0           reply_ignored (qK: replied)
# Every R interface rK has its own capture (tcpdump) for the whole run, started before arptop.
set -u
ARPTOP=$1
OUT=$2
N=${ARPTOP_VM_PACKETS:-5}
mkdir -p "$OUT"
exec 2>"$OUT/guest-verdicts.stderr"
PS4='+ ${EPOCHREALTIME} '
set -x
log() { echo "[guest-verdicts] $*" >&2; }
SECONDS=0
rm -f "$OUT"/verdicts*   # arping outputs are appended to
SCENARIOS=$(seq 1 13)
declare -A NAME REQUESTER EXPECTED SENT STARTED RB QB RDEVS

# --- topology -------------------------------------------------------------------
# Processes are slow under TCG: the namespaces and links of all scenarios are made by one
# `ip -batch` (each veth end created in its namespace), each namespace's addresses and routes by
# one `ip -n NS -batch`, its sysctls by one `sysctl` (nsenter: no mounts, unlike `ip netns exec`).
LINKS=
# pair K [noaddr]: vdrK and vdqK, veth rK <-> qK, R 10.60.K.1/24 (no address with noaddr),
# Q 10.60.K.2/24 and every destination on-link through qK (so arping finds a source address).
pair() {
	local k=$1
	LINKS+="netns add vdr$k"$'\n'"netns add vdq$k"$'\n'
	LINKS+="link add r$k netns vdr$k type veth peer name q$k netns vdq$k"$'\n'
	RB[$k]="link set lo up"$'\n'
	[ "${2:-}" = noaddr ] || RB[$k]+="addr add 10.60.$k.1/24 dev r$k"$'\n'
	RB[$k]+="link set r$k up"$'\n'
	QB[$k]="link set lo up"$'\n'"addr add 10.60.$k.2/24 dev q$k"$'\n'"link set q$k up"$'\n'"route add default dev q$k"$'\n'
	RDEVS[$k]="r$k"
}
# other K NET: R's other interface dK, up, with NET.1/24 (its connected route sends NET.0/24
# there). A veth whose peer dKp is in R too (and up): a dummy would do, but not every kernel
# has the dummy driver, and nothing is ever sent out of dK.
other() {
	LINKS+="link add d$1 netns vdr$1 type veth peer name d$1p netns vdr$1"$'\n'
	RB[$1]+="addr add $2.1/24 dev d$1"$'\n'"link set d$1p up"$'\n'"link set d$1 up"$'\n'
	RDEVS[$1]+=" d$1"
}
in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" "$@"; }

CONF_KEYS="forwarding rp_filter arp_ignore arp_filter arp_accept proxy_arp drop_gratuitous_arp"
# settings NS "DEVICES" key=value... >FILE: sets the conf keys above (0 unless given) for all,
# default and each device, in that order (all.forwarding propagates to the devices), then
# proxy_delay (80, the kernel's default, unless given) per device; arguments net.X=V are passed
# as they are. In the same sysctl (a name without "=" is read), prints what the kernel then
# has for all and each device: "net.ipv4.conf.all.rp_filter = 1" lines.
settings() {
	local ns=$1 devs=$2 args=() reads=() key val kv delay=80
	shift 2
	for key in $CONF_KEYS; do
		val=0
		for kv in "$@"; do [ "${kv%%=*}" = "$key" ] && val=${kv#*=}; done
		args+=("net.ipv4.conf.all.$key=$val" "net.ipv4.conf.default.$key=$val")
		reads+=("net.ipv4.conf.all.$key")
		for d in $devs; do args+=("net.ipv4.conf.$d.$key=$val"); reads+=("net.ipv4.conf.$d.$key"); done
	done
	for kv in "$@"; do
		[ "${kv%%=*}" = proxy_delay ] && delay=${kv#*=}
		[ "${kv#net.}" != "$kv" ] && args+=("$kv")
	done
	reads+=(net.ipv4.ip_forward)
	for d in $devs; do args+=("net.ipv4.neigh.$d.proxy_delay=$delay"); reads+=("net.ipv4.neigh.$d.proxy_delay"); done
	in_ns "$ns" sysctl -q "${args[@]}" "${reads[@]}"
}

for k in $SCENARIOS; do
	if [ "$k" = 9 ]; then pair "$k" noaddr; else pair "$k"; fi
done
other 3 10.65.3; other 4 10.65.4; other 5 10.65.5; other 7 10.65.7; other 8 10.68.8; other 9 10.65.9
RB[7]+="route add 10.60.7.2/32 dev d7"$'\n'     # arp_filter: R's route back to Q leaves by d7
QB[6]+="addr add 10.67.6.5/32 dev q6"$'\n'      # arp_ignore=2: a sender outside 10.60.6.0/24
QB[8]+="addr add 10.68.8.5/32 dev q8"$'\n'      # rp_filter: a sender R routes via d8
printf %s "$LINKS" | ip -batch -
for k in $SCENARIOS; do
	printf %s "${RB[$k]}" | ip -n "vdr$k" -batch -
	printf %s "${QB[$k]}" | ip -n "vdq$k" -batch -
done
# R's settings, read back into OUT/verdicts-rK.sysctl (the facts' r_settings).
rset() { settings "vdr$1" "${RDEVS[$1]}" "${@:2}" >"$OUT/verdicts-r$1.sysctl"; }
rset 3 forwarding=1 proxy_arp=1 proxy_delay=0
rset 4 forwarding=1 proxy_arp=1 proxy_delay=80
rset 5 arp_ignore=1
rset 6 arp_ignore=2
rset 7 arp_filter=1
rset 8 rp_filter=1
rset 10 drop_gratuitous_arp=1
for k in 1 2 9 11 12 13; do rset "$k"; done
# Every Q: the defaults, and no answer to ping (scenario 12: no IP traffic back to R, so Q
# never probes R's address after the echo requests).
for k in $SCENARIOS; do settings "vdq$k" "q$k" net.ipv4.icmp_echo_ignore_all=1 >"$OUT/verdicts-q$k.sysctl"; done
log "topology built at ${SECONDS}s"

# --- captures: tcpdump (ARP only, not promiscuous) on every rK for the whole run -----
declare -A CAPTURE_PID
for k in $SCENARIOS; do
	# nsenter directly (not in_ns, a function): $! must be tcpdump's pid, for the SIGINT.
	nsenter --net="/run/netns/vdr$k" tcpdump -i "r$k" -p -n -e -l arp >"$OUT/verdicts-r$k.tcpdump" 2>"$OUT/verdicts-r$k.tcpdump.err" &
	CAPTURE_PID[$k]=$!
done
for k in $SCENARIOS; do
	for _ in $(seq 1 300); do
		grep -q 'listening on' "$OUT/verdicts-r$k.tcpdump.err" 2>/dev/null && break
		sleep 0.1
	done
done
log "captures listening at ${SECONDS}s"

# --- arptop ------------------------------------------------------------------------
. "$(dirname "$0")/lib.sh"   # start_arptop, stop_arptop
start_arptop verdicts || { kill -0 "$ARPTOP_PID" 2>/dev/null || ARPTOP_PID=; }
log "arptop attached at ${SECONDS}s"

# --- scenarios ----------------------------------------------------------------------
# scenario K NAME REQUESTER "EXPECTED": what the facts say about scenario K.
# REQUESTER: q_arping (arping in Q asks R), kernel (R's kernel resolves Q), r_arping (arping in R).
scenario() { NAME[$1]=$2; REQUESTER[$1]=$3; EXPECTED[$1]=$4; STARTED[$1]=$SECONDS; }
# arp_ping K NS ARGS...: one arping (appended to OUT/verdicts-NAME.arping; totals summed from it).
arp_ping() {
	local file=$OUT/verdicts-${NAME[$1]}.arping ns=$2
	shift 2
	timeout 30 nsenter --net="/run/netns/$ns" arping "$@" >>"$file" 2>&1
	echo "exit $?" >>"$file"
}
# arping_totals FILE: ASENT and RCV, summed over the arpings in FILE ("Sent 5 probes (1
# broadcast(s))", "Received 5 response(s)"); no subshell (forks are slow under TCG).
arping_totals() {
	local a b _
	ASENT=0 RCV=0
	while read -r a b _; do
		case "$a" in Sent) ASENT=$((ASENT + b)) ;; Received) RCV=$((RCV + b)) ;; esac
	done <"$1"
}
# q_arping K NAME "EXPECTED" ARPING-ARGS...: arping from Q to R.
q_arping() {
	local k=$1
	scenario "$k" "$2" q_arping "$3"
	shift 3
	arp_ping "$k" "vdq$k" -I "q$k" "$@"
}
W=$((N + 5))          # arping -w where replies come: N replies, or this many seconds
NOREPLY_W=$((N + 1))  # where none come: N requests, one a second, then a second more

q_arping 1 local_reply "replied" -c "$N" -w "$W" 10.60.1.1
q_arping 2 not_local "not_local" -c "$N" -w "$NOREPLY_W" 10.60.2.99
q_arping 3 proxy_reply "proxy_replied" -c "$N" -w "$W" 10.65.3.9
# Broadcasts only: a unicast request (PACKET_HOST) is answered at once, never queued.
q_arping 4 proxy_delayed "proxy_queued proxy_replied" -b -c "$N" -w "$W" 10.65.4.9
q_arping 5 arp_ignore_1 "ignored_arp_ignore" -c "$N" -w "$NOREPLY_W" 10.65.5.1
q_arping 6 arp_ignore_2 "ignored_arp_ignore" -s 10.67.6.5 -c "$N" -w "$NOREPLY_W" 10.60.6.1
q_arping 7 arp_filter "ignored_arp_filter" -c "$N" -w "$NOREPLY_W" 10.60.7.1
q_arping 8 rp_filter "rp_filter" -s 10.68.8.5 -c "$N" -w "$NOREPLY_W" 10.60.8.1
q_arping 9 no_address "replied" -c "$N" -w "$W" 10.65.9.1
# Gratuitous: sender = target = Q's own address, broadcast; no replies expected.
q_arping 10 garp_dropped "dropped" -U -c "$N" 10.60.10.2
# DAD probes (sender 0.0.0.0); arping -D quits on the first reply: one arping per probe.
scenario 11 dad_reply q_arping "dad_replied"
for _ in $(seq 1 "$N"); do arp_ping 11 vdq11 -I q11 -D -c 1 -w 3 10.60.11.1; done

# 12: R's kernel resolves Q N times (its entry flushed each time); Q's replies are solicited.
# Each time, the entry must be resolved before the next flush: a reply arriving after the
# flush would be unsolicited.
scenario 12 reply_accepted kernel "reply_accepted"
for _ in $(seq 1 "$N"); do
	in_ns vdr12 sh -c 'ip neigh flush dev r12; timeout 5 ping -n -c 1 -W 1 -I r12 10.60.12.2
		for i in $(seq 1 25); do ip neigh show dev r12 | grep -q lladdr && break; sleep 0.2; done' >>"$OUT/verdicts-reply_accepted.ping" 2>&1
done
SENT[12]=$N
ip -n vdr12 neigh show dev r12 >>"$OUT/verdicts-reply_accepted.ping" 2>&1

# 13: arping in R (a packet socket: R's kernel waits for no reply), so Q's replies reach R's
# kernel unsolicited and, with arp_accept=0, are not taken into its neighbour table.
scenario 13 reply_ignored r_arping "reply_ignored"
arp_ping 13 vdr13 -I r13 -c "$N" -w "$W" 10.60.13.2
ip -n vdr13 neigh show dev r13 >"$OUT/verdicts-reply_ignored.neigh" 2>&1
log "scenarios done at ${SECONDS}s"

# A delayed proxy reply leaves up to proxy_delay (0.8 s) after its request.
sleep 2
for k in $SCENARIOS; do kill -INT "${CAPTURE_PID[$k]}"; done
for k in $SCENARIOS; do wait "${CAPTURE_PID[$k]}"; done
if [ -n "$ARPTOP_PID" ]; then
	stop_arptop verdicts
else
	echo 1 >"$OUT/verdicts.rc"
fi
log "arptop stopped at ${SECONDS}s"

# --- facts: one line per scenario ------------------------------------------------------
# R's interface, addresses and routes, one ip per namespace; the first line is
# "2: r1@if2: <...> ... link/ether MAC brd ...": R's ifindex, Q's (the veth peer's) and R's MAC.
MACS=
declare -A RIFINDEX QIFINDEX INODE CAPTURED
for k in $SCENARIOS; do
	printf 'link show dev r%s\naddr show\nroute show\n' "$k" | ip -n "vdr$k" -o -batch - >"$OUT/verdicts-r$k.ip" 2>&1
	read -r link <"$OUT/verdicts-r$k.ip"
	[[ $link =~ ^([0-9]+):\ r$k@if([0-9]+):.*link/ether\ ([0-9a-f:]+) ]] || log "cannot parse r$k: $link"
	RIFINDEX[$k]=${BASH_REMATCH[1]:-null} QIFINDEX[$k]=${BASH_REMATCH[2]:-null}
	MACS+=" r$k=${BASH_REMATCH[3]:-}"
done
# The captures, all in one awk: "K requests_in replies_in requests_out replies_out" per rK
# (tcpdump -e: "SRC > DST, ethertype ARP (0x0806), length 42: Reply ..."; out = sent by rK,
# from its MAC; in = received).
while read -r k counts; do CAPTURED[$k]=$counts; done < <(awk -v macs="$MACS" '
	BEGIN { n = split(macs, m, " "); for (i = 1; i <= n; i++) { split(m[i], kv, "="); mac[kv[1]] = kv[2] } }
	FNR == 1 { if (f) out(); f = FILENAME; sub(/.*verdicts-/, "", f); sub(/\.tcpdump$/, "", f); delete c }
	/ethertype ARP/ { c[($0 ~ /length [0-9]+: Reply/ ? "rep" : "req") ($2 == mac[f] ? "out" : "in")]++ }
	function out() { printf "%s {\"requests_in\":%d,\"replies_in\":%d,\"requests_out\":%d,\"replies_out\":%d}\n",
		substr(f, 2), c["reqin"], c["repin"], c["reqout"], c["repout"] }
	END { if (f) out() }' "$OUT"/verdicts-r*.tcpdump)
while read -r path inode; do INODE[${path##*/}]=$inode; done < <(stat -Lc '%n %i' /run/netns/vd[rq]*)
for k in $SCENARIOS; do
	name=${NAME[$k]:-unrun$k}
	arp=$OUT/verdicts-$name.arping ASENT=null RCV=null
	[ -f "$arp" ] && arping_totals "$arp"
	settings_json=
	while IFS= read -r line; do   # "net.ipv4.conf.all.rp_filter = 1" -> "conf.all.rp_filter":1
		[[ $line == *" = "* ]] && settings_json+="${settings_json:+,}\"${line%% = *}\":${line#* = }"
	done <"$OUT/verdicts-r$k.sysctl"
	printf -v exp '"%s",' ${EXPECTED[$k]:-}
	printf '{"number":%d,"scenario":"%s","requester":"%s","packets":%d,"sent":%s,"arping_sent":%s,"arping_received":%s,"r_netns":%s,"r_interface":"r%s","r_ifindex":%s,"q_netns":%s,"q_interface":"q%s","q_ifindex":%s,"captured":%s,"expected":[%s],"r_settings":{%s},"started":%d}\n' \
		"$k" "$name" "${REQUESTER[$k]:-}" "$N" "${SENT[$k]:-$ASENT}" "$ASENT" "$RCV" \
		"${INODE[vdr$k]:-null}" "$k" "${RIFINDEX[$k]}" "${INODE[vdq$k]:-null}" "$k" "${QIFINDEX[$k]}" \
		"${CAPTURED[$k]:-null}" "${exp%,}" "${settings_json//net.ipv4./}" "${STARTED[$k]:-0}" >>"$OUT/verdicts-facts.ndjson"
done
for k in $SCENARIOS; do printf 'netns del vdr%s\nnetns del vdq%s\n' "$k" "$k"; done | ip -batch -
log "done at ${SECONDS}s"
