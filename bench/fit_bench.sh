#!/usr/bin/env bash
# Times "tokcast fit" on a 1-million-row, 3-class CSV (all six families,
# discretised MLE, GOF, shares, volume) against scipy.stats fitting the
# continuous families it has (lognorm, gamma, weibull_min, fisk with
# floc=0) on the same data, in one run, and prints the ratio. Then times
# tokcast alone on 10 million rows with its peak memory.
#
#   bench/fit_bench.sh [BUILD_DIR]      (default: build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
tokcast=$build/tokcast
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

maps="--map time=time --map class=class --map input=input --map output=output"

"$py" "$here/fit_bench.py" write "$tmp/1m.csv" 1000000
s0=$(date +%s.%N)
# shellcheck disable=SC2086
"$tokcast" fit "$tmp/1m.csv" $maps --time-unit s >/dev/null
s1=$(date +%s.%N)
tc=$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')
sp=$("$py" "$here/fit_bench.py" scipy "$tmp/1m.csv")
printf '1M rows, 3 classes: tokcast fit %.2f s, scipy %.2f s, ratio %.1fx\n' \
	"$tc" "$sp" "$(awk -v a="$sp" -v b="$tc" 'BEGIN { print a / b }')"

"$py" "$here/fit_bench.py" write "$tmp/10m.csv" 10000000
# shellcheck disable=SC2086
/usr/bin/time -f '10M rows: tokcast fit %e s, peak memory %M KB' \
	"$tokcast" fit "$tmp/10m.csv" $maps --time-unit s >/dev/null
