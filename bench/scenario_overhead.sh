#!/bin/bash
# scenario_overhead.sh - what a scenario, a comparison and --sensitivity
# cost on top of a plain forecast, measured in one run (same machine
# load): the bundled example, 2027Q1, 10,000 trials, --no-days, 2
# threads. Prints each command's wall seconds (best of 3) and its ratio
# to the plain forecast. A forecast under a scenario draws every day
# (no monthly sums, docs/scenarios.md), which is most of its overhead.
#
# usage: bench/scenario_overhead.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
tok=$build/tokcast
ex=$here/examples
common="$ex/assistant.graphml --quarter 2027Q1 --trials 10000 --threads 2"

# Best wall time of three runs of the given tokcast arguments.
best() {
	local b=999999 i s e
	for i in 1 2 3; do
		s=$(date +%s.%N)
		"$tok" "$@" >/dev/null
		e=$(date +%s.%N)
		b=$(awk -v b="$b" -v d="$(awk -v s="$s" -v e="$e" \
			'BEGIN { print e - s }')" 'BEGIN { print (d < b) ? d : b }')
	done
	echo "$b"
}

base=$(best forecast $common --no-days)
printf '%-44s %7.3f s  x%.2f\n' "forecast (baseline)" "$base" 1
for what in "forecast --scenario scenario-pm.yaml" \
	    "forecast --scenario scenario-budget.yaml" \
	    "compare --scenario scenario-pm.yaml" \
	    "forecast --sensitivity"; do
	set -- $what
	cmd=$1
	shift
	args=()
	while [ $# -gt 0 ]; do
		case $1 in
		*.yaml) args+=("$ex/$1") ;;
		*) args+=("$1") ;;
		esac
		shift
	done
	extra=--no-days
	[ "$cmd" = compare ] && extra=
	t=$(best "$cmd" $common $extra "${args[@]}")
	printf '%-44s %7.3f s  x%.2f\n' "$what" "$t" \
		"$(awk -v t="$t" -v b="$base" 'BEGIN { print t / b }')"
done
