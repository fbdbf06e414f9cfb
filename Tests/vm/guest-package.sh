#!/bin/bash
# Runs INSIDE the virtme-ng guest, as root. Usage: guest-package.sh ARPTOP OUT_DIR
# ARPTOP_DEB: the .deb to install (Sources/arptop/debian/build-deb.sh); without it there is
# nothing to do (the ARPTOP binary is not used here: everything runs from the package).
# Installs the .deb with `dpkg -i` into the guest's view of the host's filesystem: overlays on
# /usr, /etc and /var, their writable layers on a tmpfs, take every write dpkg makes, so the
# host sees none. Then runs the installed /usr/sbin/arptop: --probes, and a counted scenario
# (N requests for a local address, as guest-scenarios.sh's first). Records; never asserts
# (Tests/KernelTests/VMPackageTests.swift does).
set -u
OUT=$2
DEB=${ARPTOP_DEB:-}
N=${ARPTOP_VM_PACKETS:-5}
mkdir -p "$OUT"
if [ -z "$DEB" ]; then
	echo "guest-package: no ARPTOP_DEB given: nothing to install"
	exit 0
fi
exec 2>"$OUT/guest-package.stderr"
set -x
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

LAYERS=$(mktemp -d /tmp/package-layers.XXXXXX)
mount -t tmpfs tmpfs "$LAYERS"
for d in usr etc var; do
	mkdir -p "$LAYERS/$d/upper" "$LAYERS/$d/work"
	mount -t overlay overlay -o "lowerdir=/$d,upperdir=$LAYERS/$d/upper,workdir=$LAYERS/$d/work" "/$d"
done
awk '$2 == "/usr" || $2 == "/etc" || $2 == "/var" { print $2, $3 }' /proc/self/mounts >"$OUT/package-mounts.txt"

dpkg -i "$DEB" >"$OUT/package-dpkg.txt" 2>&1
echo $? >"$OUT/package-dpkg.rc"
dpkg-query -W -f='${Status} ${Version}\n' arptop >"$OUT/package-status.txt" 2>&1
command -v arptop >"$OUT/package-which.txt"
ldd /usr/sbin/arptop >"$OUT/package-ldd.txt" 2>&1
man -w arptop >"$OUT/package-man.txt" 2>&1

arptop --probes >"$OUT/package-probes.txt" 2>"$OUT/package-probes.stderr"
echo $? >"$OUT/package-probes.rc"

# The counted scenario: root va 10.77.0.1/24 <-> t1 vb 10.77.0.2/24, N requests from t1.
ip link set lo up
ip netns add t1
ip link add va type veth peer name vb
ip link set vb netns t1
ip addr add 10.77.0.1/24 dev va; ip link set va up
ip netns exec t1 ip link set lo up
ip netns exec t1 ip addr add 10.77.0.2/24 dev vb; ip netns exec t1 ip link set vb up
sleep 1
printf '{"root_netns": %s, "packets": %s}\n' "$(stat -Lc %i /proc/self/ns/net)" "$N" >"$OUT/package-topology.json"

arptop --json >"$OUT/package-local.ndjson" 2>"$OUT/package-local.stderr" &
PID=$!
for _ in $(seq 1 600); do
	grep -q '"type":"attached"' "$OUT/package-local.ndjson" 2>/dev/null && break
	kill -0 $PID 2>/dev/null || break
	sleep 0.2
done
ip netns exec t1 arping -c "$N" -w 30 -I vb 10.77.0.1 >"$OUT/package-local.arping" 2>&1
sleep 1
kill -INT $PID
wait $PID
echo $? >"$OUT/package-local.rc"

dpkg -r arptop >"$OUT/package-remove.txt" 2>&1
echo $? >"$OUT/package-remove.rc"
{ [ -e /usr/sbin/arptop ] && echo present || echo absent; } >"$OUT/package-after-remove.txt"
echo done >"$OUT/package-complete"
