#!/usr/bin/env bash
# Times "tokcast graph inspect" against networkx.read_graphml on the same
# generated GraphML file (100,000 nodes, 300,000 edges, typed attributes)
# and prints the speed ratio and tokcast's peak memory against the file
# size. Targets (issue 2): at least 20x faster, memory within 10x the file.
# Usage: bench/graph_inspect.sh [TOKCAST_BINARY] [NODES] [EDGES]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/tokcast}
nodes=${2:-100000}
edges=${3:-300000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
file=$tmp/bench.graphml

python3 "$here/gen_graphml.py" "$file" "$nodes" "$edges" 1
size=$(stat -c %s "$file")
echo "file: $nodes nodes, $edges edges, $size bytes"

# Wall seconds, CPU seconds (user + system) and peak RSS (kB) of a
# command, from GNU time. On a shared machine wall time includes waiting
# for a core, so the ratio is given for both.
measure() {
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$@" >/dev/null
	cat "$tmp/time"
}

# Best of three for tokcast (it is short, so noise weighs more): the
# smallest wall time and, separately, the smallest CPU time.
tc_s=999999 tc_c=999999 tc_kb=0
for _ in 1 2 3; do
	read -r s u y kb < <(measure "$bin" graph inspect "$file")
	tc_s=$(python3 -c "print(min($tc_s, $s))")
	tc_c=$(python3 -c "print(min($tc_c, $u + $y))")
	tc_kb=$(python3 -c "print(max($tc_kb, $kb))")
done
read -r nx_s nx_u nx_y nx_kb < <(measure python3 -c \
	'import sys, networkx; networkx.read_graphml(sys.argv[1])' "$file")

python3 - "$tc_s" "$tc_c" "$tc_kb" "$nx_s" "$nx_u" "$nx_y" "$nx_kb" \
	"$size" <<'PY'
import sys
tc_s, tc_c, tc_kb, nx_s, nx_u, nx_y, nx_kb, size = map(float, sys.argv[1:])
nx_c = nx_u + nx_y
print("tokcast graph inspect: %.2f s wall, %.2f s CPU, peak RSS %.0f MB"
      % (tc_s, tc_c, tc_kb / 1024))
print("networkx.read_graphml: %.2f s wall, %.2f s CPU, peak RSS %.0f MB"
      % (nx_s, nx_c, nx_kb / 1024))
print("speed ratio (networkx / tokcast): %.1fx wall, %.1fx CPU "
      "(target >= 20x)" % (nx_s / max(tc_s, 0.01), nx_c / max(tc_c, 0.01)))
print("tokcast peak memory / file size: %.2fx (target <= 10x)"
      % (tc_kb * 1024 / size))
PY
