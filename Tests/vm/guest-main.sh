#!/bin/bash
# Runs INSIDE the virtme-ng guest: every Tests/vm/guest-*.sh but this one, in name order,
# each with its own log; writes OUT/complete when all have run. Usage: guest-main.sh ARPTOP OUT
# ARPTOP_VM_ONLY=guest-scenarios runs just that one; a comma-separated list runs those, in order.
set -u
ARPTOP=$1
OUT=$2
DIR=$(dirname "$0")
mkdir -p "$OUT"
if [ -n "${ARPTOP_VM_ONLY:-}" ]; then
	scripts=$(for name in ${ARPTOP_VM_ONLY//,/ }; do echo "$DIR/$name.sh"; done)
else
	scripts=$(ls "$DIR"/guest-*.sh)
fi
for script in $scripts; do
	[ "$(basename "$script")" = guest-main.sh ] && continue
	name=$(basename "$script" .sh)
	echo "[guest] running $name" >&2
	"$script" "$ARPTOP" "$OUT" >"$OUT/$name.stdout" 2>&1
	echo $? >"$OUT/$name.rc"
done
echo done >"$OUT/complete"
