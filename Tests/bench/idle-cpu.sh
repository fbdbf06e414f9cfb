#!/bin/bash
# Idle CPU of the live TUI (BENCHMARKS.md): runs `arptop [ARGS]` in a detached tmux pane
# (200×60) with no ARP traffic, waits until it has attached, then reads utime+stime of the
# process from /proc/PID/stat over SECONDS (default 30) and prints the share of one core.
# Usage: idle-cpu.sh ARPTOP_BINARY [SECONDS] [-- arptop args...]   (as root: live mode loads BPF)
set -u
ARPTOP=$(realpath "$1"); shift
SECS=${1:-30}; [ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
SOCK="tmux -L arptop-idle"
TICKS=$(getconf CLK_TCK)
$SOCK kill-server 2>/dev/null
$SOCK new-session -d -s idle -x 200 -y 60 "exec env LANG=C.UTF-8 $ARPTOP $*"
PID=$($SOCK display -p -t idle '#{pane_pid}')
for _ in $(seq 1 300); do  # attached: the header shows the elapsed time once probes are live
	$SOCK capture-pane -p -t idle 2>/dev/null | grep -qE 'fentry|kprobe|tracepoint' && break
	sleep 0.1
done
sleep 2
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
c0=$(cpu); t0=$(date +%s.%N)
sleep "$SECS"
c1=$(cpu); t1=$(date +%s.%N)
$SOCK capture-pane -p -t idle | head -3
$SOCK send-keys -t idle q
sleep 1
$SOCK kill-server 2>/dev/null
awk -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v hz="$TICKS" -v pid="$PID" 'BEGIN {
	cpu = (c1 - c0) / hz; wall = t1 - t0
	printf "idle-cpu: pid %d used %.2f s CPU (utime+stime) in %.1f s: %.2f%% of one core\n", pid, cpu, wall, 100 * cpu / wall }'
