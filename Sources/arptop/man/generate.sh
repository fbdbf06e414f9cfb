#!/bin/bash
# arptop.8 is generated from the CLI's own help text (Sources/arptop/Arptop.swift) by
# swift-argument-parser's generate-manual plugin, then two generator artefacts are fixed:
# the synthesized `help` subcommand (arptop has no subcommands, so no "arptop subcommand"
# synopsis and no `help` entry) and blank lines, which mdoc warns about (made .Pp).
# The date is that of the last commit of Arptop.swift, so regenerating is reproducible.
#
#   Sources/arptop/man/generate.sh           rewrite Sources/arptop/man/arptop.8
#   Sources/arptop/man/generate.sh --check   exit 1 (with a diff) if arptop.8 is out of date
#
# SCRATCH=.build-ops picks the build directory (default .build); builds arptop in debug.
set -euo pipefail
cd "$(dirname "$0")/../../.."
scratch=${SCRATCH:-.build}
page=Sources/arptop/man/arptop.8

date=$(git log -1 --format=%cs -- Sources/arptop/Arptop.swift 2>/dev/null || true)
[ -n "$date" ] || date=$(date -u +%F)

swift package --scratch-path "$scratch" plugin generate-manual \
	--configuration debug --section 8 --date "$date" >&2
raw="$scratch/plugins/GenerateManual/outputs/arptop/arptop.8"

fixed=$(mktemp)
trap 'rm -f "$fixed"' EXIT
awk '
	/^\.Ar subcommand$/ { next }                      # synopsis: no subcommands
	/^\.It Em help$/ { skip = 1; next }               # the synthesized help subcommand ...
	skip && /^\.El$/ { skip = 0; next }               # ... through the end of its option list
	skip { next }
	/^$/ { print ".Pp"; next }
	{ print }
' "$raw" > "$fixed"

if [ "${1:-}" = "--check" ]; then
	if ! diff -u "$page" "$fixed"; then
		echo "generate.sh: $page is out of date; run Sources/arptop/man/generate.sh" >&2
		exit 1
	fi
	echo "generate.sh: $page is up to date" >&2
else
	cp "$fixed" "$page"
	echo "generate.sh: wrote $page" >&2
fi
