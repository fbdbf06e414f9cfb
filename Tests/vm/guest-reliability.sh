#!/bin/bash
# Runs INSIDE the virtme-ng guest (Debian's 6.1 kernel), as root. guest-main.sh runs the
# guest-*.sh in name order, so this one runs before guest-scenarios.sh: it builds its own
# topology (root ns ra 10.78.0.1/24 <-> netns relt rb 10.78.0.2/24) and removes it at the end.
# Usage: guest-reliability.sh ARPTOP_BINARY OUT_DIR
# Records (never asserts) how arptop exits, what it leaves in the kernel, whether two
# instances disturb each other, interfaces and namespaces that come and go, and what the
# loaded programs may do. Artifacts are OUT/rel-*; Tests/KernelTests/VMReliabilityTests.swift
# asserts on them.
set -u
ARPTOP=$1
OUT=$2
export ARPTOP OUT
mkdir -p "$OUT"
exec 2>"$OUT/rel-guest.stderr"
set -x
log() { echo "[guest-reliability] $*" >&2; }
SECONDS=0

export LANG=C.UTF-8 LC_ALL=C.UTF-8
export SWIFT_BACKTRACE=interactive=no   # a crash must not wait 30 s for a key on the terminal
TMUX_SOCK="tmux -L arptop-rel"

progs() { bpftool -j prog show 2>/dev/null || echo '[]'; }
links() { bpftool -j link show 2>/dev/null || echo '[]'; }
prog_ids() { progs | python3 -c 'import json,sys; print(" ".join(str(p["id"]) for p in json.load(sys.stdin)))'; }

. "$(dirname "$0")/lib.sh"   # veth_pair
veth_pair ra 10.78.0.1/24 relt rb 10.78.0.2/24
sleep 1
cat >"$OUT/rel-topology.json" <<JSON
{"root_netns": $(stat -Lc %i /proc/self/ns/net), "relt_netns": $(ip netns exec relt stat -Lc %i /proc/self/ns/net),
 "ra_ifindex": $(cat /sys/class/net/ra/ifindex)}
JSON
# Requests from relt for ra's address: answered, each one call of arp_process on ra.
requests() { ip netns exec relt arping -c "$1" -w 30 -I rb 10.78.0.1 >"$OUT/rel-$2.arping" 2>&1; }

# The kernel before any arptop of this script runs: nothing of arptop's may remain after.
progs >"$OUT/rel-baseline-prog.json"
links >"$OUT/rel-baseline-link.json"
BASE_IDS=$(prog_ids)

# Wait (bounded) until only the baseline's programs are loaded (freeing is deferred a little
# after the last fd closes), then save the prog and link lists as NAME-prog.json/NAME-link.json.
settle_and_save() { # name
	local t
	for t in $(seq 1 50); do
		[ "$(prog_ids)" = "$BASE_IDS" ] && break
		sleep 0.2
	done
	progs >"$OUT/rel-$1-prog.json"
	links >"$OUT/rel-$1-link.json"
	ls -A /sys/fs/bpf >"$OUT/rel-$1-bpffs.txt" 2>&1
}

# arptop --json in the background; waits for its "attached" record. Sets PID.
start_json() { # name, extra args...
	local name=$1; shift
	"$ARPTOP" --json "$@" >"$OUT/rel-$name.ndjson" 2>"$OUT/rel-$name.stderr" &
	PID=$!
	for _ in $(seq 1 600); do
		grep -q '"type":"attached"' "$OUT/rel-$name.ndjson" 2>/dev/null && return 0
		kill -0 $PID 2>/dev/null || { log "$name exited early"; return 1; }
		sleep 0.2
	done
	log "$name never attached"; return 1
}
stop_json() { # name pid
	kill -INT "$2"
	wait "$2"
	echo $? >"$OUT/rel-$1.rc"
}

# --- the live view: q, SIGINT, SIGTERM, SIGHUP (terminal gone), hangup alone, crash ------
# rel-wrap.sh is the terminal's session leader, like a login shell: it runs arptop in the
# foreground process group, records its pid, exit status and the terminal modes after it,
# and forwards SIGHUP to it (as bash does to its jobs when the SSH session drops) unless
# told not to (nohup-like: then only the hung-up terminal tells arptop).
cat >"$OUT/rel-wrap.sh" <<'EOF'
#!/bin/bash
# rel-wrap.sh NAME FORWARD_HUP ARGS...
name=$1; forward=$2; shift 2
hup=0
trap 'hup=1; [ "$forward" = 1 ] && kill -HUP $pid' HUP
"$ARPTOP" "$@" </dev/tty &
pid=$!
echo $pid >"$OUT/rel-$name.pid"
wait $pid; rc=$?
if [ $rc -gt 128 ] && [ $hup = 1 ]; then wait $pid; rc=$?; fi   # wait was interrupted by the trap
echo $rc >"$OUT/rel-$name.rc"
stty -a >"$OUT/rel-$name.stty" 2>&1
trap - HUP   # from here a hangup ends this wrapper (and the sleep) as it would a login shell
sleep 600
EOF
chmod +x "$OUT/rel-wrap.sh"

wait_screen() { # session text
	for _ in $(seq 1 300); do
		$TMUX_SOCK capture-pane -p -t "$1" 2>/dev/null | grep -qF -- "$2" && return 0
		sleep 0.2
	done
	log "$1: screen never showed $2"; return 1
}
wait_file() { # path seconds
	for _ in $(seq 1 $(($2 * 5))); do [ -s "$1" ] && return 0; sleep 0.2; done
	return 1
}
tty_state() { # session: alternate screen, cursor visible, keypad modes
	$TMUX_SOCK display -p -t "$1" 'alternate_on=#{alternate_on} cursor_flag=#{cursor_flag} keypad_cursor_flag=#{keypad_cursor_flag} keypad_flag=#{keypad_flag}'
}

# One live-view run per way out, each recording; N requests while it runs.
N=3
live_exit() { # mode: q | INT | TERM | HUP | hangup | crash
	local mode=$1 name=exit-$1 forward=1 env=""
	[ "$mode" = hangup ] && forward=0
	[ "$mode" = crash ] && env="ARPTOP_TEST_CRASH_AFTER=4 SWIFT_BACKTRACE=enable=no"  # no symbolication under TCG
	$TMUX_SOCK new-session -d -s "$name" -x 120 -y 40 \
		"exec env $env $OUT/rel-wrap.sh $name $forward --record $OUT/rel-$name.ndjson --refresh 0.5"
	wait_screen "$name" fentry
	tty_state "$name" >"$OUT/rel-$name.tty-running"
	if [ "$mode" != crash ]; then
		requests $N "$name"
		sleep 1
	fi
	local pid; pid=$(cat "$OUT/rel-$name.pid")
	case $mode in
		q) $TMUX_SOCK send-keys -t "$name" q ;;
		INT | TERM) kill -"$mode" "$pid" ;;
		HUP | hangup) $TMUX_SOCK kill-session -t "$name" ;;  # the terminal goes away
		crash) ;;  # it crashes by itself
	esac
	if ! wait_file "$OUT/rel-$name.rc" 60; then
		log "$name: no exit status"
		# Where it is stuck, for whoever reads the artifacts (the test fails on the missing status).
		{ grep -E '^(State|SigPnd|ShdPnd|SigBlk|SigCgt)' "/proc/$pid/status"; cat "/proc/$pid/wchan"; echo
		  cat "/proc/$pid/stack"; ls -l "/proc/$pid/fd"; } >"$OUT/rel-$name.stuck" 2>&1
	fi
	if [ "$mode" != HUP ] && [ "$mode" != hangup ]; then
		sleep 0.5
		tty_state "$name" >"$OUT/rel-$name.tty-after"
		$TMUX_SOCK capture-pane -p -t "$name" >"$OUT/rel-$name.screen-after"
		$TMUX_SOCK kill-session -t "$name"
	fi
	settle_and_save "$name"
	log "$name done at ${SECONDS}s"
}
for mode in q INT TERM HUP hangup crash; do live_exit $mode; done

# --- SIGKILL: every attachment is owned by a file descriptor -------------------------------
# While it is attached: its programs (new ids), links, the helpers they call, its sockets.
start_json kill
progs >"$OUT/rel-kill-attached-prog.json"
links >"$OUT/rel-kill-attached-link.json"
: >"$OUT/rel-kill-xlated.txt"
for id in $(prog_ids); do
	case " $BASE_IDS " in *" $id "*) continue ;; esac
	echo "=== prog $id" >>"$OUT/rel-kill-xlated.txt"
	bpftool prog dump xlated id "$id" >>"$OUT/rel-kill-xlated.txt" 2>&1
done
ss -a -n -p >"$OUT/rel-kill-ss.txt" 2>&1
ls -l /proc/$PID/fd >"$OUT/rel-kill-fds.txt" 2>&1
echo $PID >"$OUT/rel-kill.pid"
kill -KILL $PID
wait $PID
echo $? >"$OUT/rel-kill.rc"
settle_and_save kill-after
log "kill done at ${SECONDS}s"

# --- two instances at once; the second without fib_validate_source -----------------------
# A counts N1+N2 requests, B (stopped in between) N1; B's missing function does not touch A's.
N1=3 N2=2
start_json two-a
PID_A=$PID
start_json two-b --force-unavailable fib_validate_source
PID_B=$PID
requests $N1 two-1
sleep 1
stop_json two-b $PID_B
requests $N2 two-2
sleep 1
stop_json two-a $PID_A
echo "{\"n1\": $N1, \"n2\": $N2}" >"$OUT/rel-two.json"
settle_and_save two-after
log "two done at ${SECONDS}s"

# --- interfaces and namespaces that appear, are renamed and disappear while it runs ------
# rel1 and rel2 are new namespaces, each with a veth pair of its own: in both the pair gets
# ifindexes 2 and 3, so (netns, ifindex) must tell them apart. p1 is renamed p1new midway;
# rel2 is deleted before arptop stops, and its counts must survive.
start_json ns
for i in 1 2; do
	ip netns add rel$i
	ip -n rel$i link set lo up
	ip -n rel$i link add p$i type veth peer name q$i
	ip -n rel$i addr add 10.91.0.1/24 dev p$i
	ip -n rel$i addr add 10.91.0.2/24 dev q$i
	ip -n rel$i link set p$i up
	ip -n rel$i link set q$i up
done
sleep 1
cat >"$OUT/rel-ns.json" <<JSON
{"rel1_netns": $(ip netns exec rel1 stat -Lc %i /proc/self/ns/net), "rel2_netns": $(ip netns exec rel2 stat -Lc %i /proc/self/ns/net),
 "p1_ifindex": $(ip netns exec rel1 cat /sys/class/net/p1/ifindex), "p2_ifindex": $(ip netns exec rel2 cat /sys/class/net/p2/ifindex),
 "before_rename": 3, "after_rename": 2, "rel2": 4}
JSON
# Unanswered (the sender address is local too): no -w, or arping waits the whole deadline.
ip netns exec rel1 arping -c 3 -I q1 10.91.0.1 >"$OUT/rel-ns-rel1.arping" 2>&1
ip netns exec rel2 arping -c 4 -I q2 10.91.0.1 >"$OUT/rel-ns-rel2.arping" 2>&1
ip -n rel1 link set p1 down
ip -n rel1 link set p1 name p1new
ip -n rel1 link set p1new up
sleep 1
ip netns exec rel1 arping -c 2 -I q1 10.91.0.1 >"$OUT/rel-ns-rel1-renamed.arping" 2>&1
ip netns del rel2
sleep 2
stop_json ns $PID
ip netns del rel1
settle_and_save ns-after
log "ns done at ${SECONDS}s"

echo "$SECONDS" >"$OUT/rel-seconds"
$TMUX_SOCK kill-server 2>/dev/null
ip link del ra
ip netns del relt
exit 0
