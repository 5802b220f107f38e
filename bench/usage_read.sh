#!/usr/bin/env bash
# Read speed of the usage-log reader: generates an Azure-style CSV of about
# SIZE_MB megabytes (default 1000), then times, in the same run, `cat` and
# `wc -l` over it (the baselines) and `tokcast usage` reading and summing
# it. Prints MB/s for each and tokcast's ratio to the baselines.
#
# usage: bench/usage_read.sh [TOKCAST] [SIZE_MB]
set -euo pipefail

tokcast=${1:-build/tokcast}
size_mb=${2:-1000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
csv=$dir/usage.csv

# About 36 bytes a row: an Azure timestamp, input and output tokens.
rows=$((size_mb * 1000000 / 36))
awk -v n="$rows" 'BEGIN {
	srand(1);
	print "TIMESTAMP,ContextTokens,GeneratedTokens";
	for (i = 0; i < n; i++)
		printf "2023-11-16 18:%02d:%02d.%07d,%d,%d\n", (i / 60) % 60,
			i % 60, int(rand() * 1e7), int(rand() * 8000) + 1,
			int(rand() * 600) + 1;
}' >"$csv"
bytes=$(stat -c %s "$csv")
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')

# "WALL CPU" seconds of a command (CPU = user + system), output discarded.
# Both are printed: on a shared machine the wall time includes waiting for
# a core, the CPU time does not.
timed() {
	local TIMEFORMAT='%R %U %S' out
	out=$( { time "$@" >/dev/null; } 2>&1 )
	awk 'END { printf "%.3f %.3f\n", $1, $2 + $3 }' <<<"$out"
}

cat "$csv" >/dev/null	# warm the page cache for every reader alike
read -r w_cat c_cat < <(timed cat "$csv")
read -r w_wc c_wc < <(timed wc -l "$csv")
read -r w_tc c_tc < <(timed "$tokcast" usage "$csv" --class bench)

rate() { awk -v m="$mb" -v t="$1" 'BEGIN { printf "%.0f", m / t }'; }
line() {
	printf '%-15s wall %7.3f s %6s MB/s   cpu %7.3f s %6s MB/s\n' \
		"$1" "$2" "$(rate "$2")" "$3" "$(rate "$3")"
}
echo "file: $mb MB, $rows rows; load: $(cut -d' ' -f1-3 /proc/loadavg)"
line "cat" "$w_cat" "$c_cat"
line "wc -l" "$w_wc" "$c_wc"
line "tokcast usage" "$w_tc" "$c_tc"
awk -v a="$w_tc" -v b="$w_wc" -v c="$w_cat" 'BEGIN {
	printf "wall time ratio: tokcast / wc -l %.1f, tokcast / cat %.1f\n",
		a / b, a / c
}'
