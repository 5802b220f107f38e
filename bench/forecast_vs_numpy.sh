#!/bin/bash
# forecast_vs_numpy.sh - tokcast forecast against the NumPy peer
# (../shared/bench/ref_mc.py, unmodified) on the same workload, in one
# run so both see the same machine load.
#
# usage: bench/forecast_vs_numpy.sh [BUILD_DIR] [--agree]
#   prints, for 20 and 50 classes x 92 days x 10,000 trials: ref_mc's
#   simulation seconds (its own timer, imports and set-up excluded),
#   tokcast's wall seconds for the whole command (graph load, catalog,
#   statistics and the JSON file included) at 1 and 2 threads, and the
#   ratios, with daily statistics (every class and metric per day), with
#   the daily total's alone (--days-total: what ref_mc computes, the
#   horizon's quantiles and the daily total's; by default the days'
#   quantiles come from the first 1,000 trials and the other trials
#   draw whole months, so the same again with --daily-trials all, every
#   trial drawn day by day as ref_mc draws them) and without (--no-days:
#   horizon and months; this graph then runs in the engine's monthly
#   mode, docs/engine.md); then a what-if run (20
#   classes, horizon and months only, 2 threads), on the graph alone
#   and under a scenario of three dated changes. Each time is the least
#   of five runs (NumPy's of three).
#   With --agree: 100,000 trials of 5 classes by both, and whether the
#   horizon total's p5, p50, p95 agree within 3 combined Monte Carlo
#   standard errors. ref_mc prints no standard errors; the same n and the
#   same distribution give the same standard error, so tokcast's own
#   (binomial order-statistic) standard error stands for both:
#   combined = sqrt(2) x tokcast's.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
agree=${2:-}
ref=$here/../shared/bench/ref_mc.py
py=/usr/bin/python3
tok=$build/tokcast
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=2027-01-04	# a Monday, as ref_mc's day 0

[ -f "$ref" ] || { echo "no $ref: skipped"; exit 77; }

# graph C: writes $tmp/rC.graphml and $tmp/rC.csv for C classes.
graph() {
	$py "$ref" --params "$1" >"$tmp/p$1.json"
	$py "$here/bench/ref_mc_graph.py" "$tmp/p$1.json" $start \
		"$tmp/r$1.graphml" "$tmp/r$1.csv"
}

# wall CMD...: the least wall seconds of five runs of a command (the
# machine is shared; the least is the least disturbed).
wall() {
	local t0 t1 t best=999
	for _ in 1 2 3 4 5; do
		t0=$(date +%s.%N)
		"$@" >/dev/null
		t1=$(date +%s.%N)
		t=$(echo "$t1 - $t0" | bc -l)
		best=$(echo "if ($t < $best) $t else $best" | bc -l)
	done
	echo "$best"
}

# numpy C: ref_mc's least simulation seconds of three runs.
numpy() {
	local s best=999
	for _ in 1 2 3; do
		s=$($py "$ref" 10000 92 "$1" |
		    sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')
		best=$(echo "if ($s < $best) $s else $best" | bc -l)
	done
	echo "$best"
}

# A product manager's what-if over the 20 classes: class03 grows 10% a
# month from February, class05 moves 30% of its requests to class01's
# model from 15 February, and class01's model is 20% cheaper from a date
# between 20 January and 20 February.
whatif() {
	cat >"$tmp/whatif.yaml" <<EOF
name: what-if
graph: r20.graphml
changes:
  - growth: class03
    value: 0.10
    from: 2027-02-01
  - switch_model: class05
    model: refmc-1
    share: 0.3
    from: 2027-02-15
  - price: refmc-1
    multiplier: 0.8
    from: pert(2027-01-20, 2027-02-01, 2027-02-20)
EOF
}

for c in 20 50; do
	graph $c
	np=$(numpy $c)
	args=("$tmp/r$c.graphml" --start $start --days 92 --trials 10000
	      --catalog "$tmp/r$c.csv" -o "$tmp/out$c.json")
	t1=$(wall "$tok" forecast "${args[@]}" --threads 1)
	t2=$(wall "$tok" forecast "${args[@]}" --threads 2)
	printf 'classes=%d days: numpy=%.3fs tokcast_1t=%.3fs tokcast_2t=%.3fs ' \
		$c "$np" "$t1" "$t2"
	printf 'ratio_1t=%.1fx ratio_2t=%.1fx threads_2v1=%.2fx\n' \
		"$(echo "$np / $t1" | bc -l)" "$(echo "$np / $t2" | bc -l)" \
		"$(echo "$t1 / $t2" | bc -l)"
	# What ref_mc computes: the horizon and the daily total.
	d1=$(wall "$tok" forecast "${args[@]}" --threads 1 --days-total)
	d2=$(wall "$tok" forecast "${args[@]}" --threads 2 --days-total)
	printf 'classes=%d days-total: tokcast_1t=%.3fs tokcast_2t=%.3fs ' \
		$c "$d1" "$d2"
	printf 'ratio_1t=%.1fx ratio_2t=%.1fx threads_2v1=%.2fx\n' \
		"$(echo "$np / $d1" | bc -l)" "$(echo "$np / $d2" | bc -l)" \
		"$(echo "$d1 / $d2" | bc -l)"
	# The same with the days' quantiles from every trial, as ref_mc's
	# (--daily-trials all: every trial drawn day by day), two threads.
	a2=$(wall "$tok" forecast "${args[@]}" --threads 2 --days-total \
		--daily-trials all)
	printf 'classes=%d days-total-all-trials: tokcast_2t=%.3fs ' $c "$a2"
	printf 'ratio_2t=%.1fx\n' "$(echo "$np / $a2" | bc -l)"
	# Horizon and months only (monthly mode for every trial).
	m1=$(wall "$tok" forecast "${args[@]}" --threads 1 --no-days)
	m2=$(wall "$tok" forecast "${args[@]}" --threads 2 --no-days)
	printf 'classes=%d no-days: tokcast_1t=%.3fs tokcast_2t=%.3fs ' \
		$c "$m1" "$m2"
	printf 'ratio_1t=%.1fx ratio_2t=%.1fx threads_2v1=%.2fx\n' \
		"$(echo "$np / $m1" | bc -l)" "$(echo "$np / $m2" | bc -l)" \
		"$(echo "$m1 / $m2" | bc -l)"
done

whatif
for s in "" "--scenario $tmp/whatif.yaml"; do
	# shellcheck disable=SC2086
	t=$(wall "$tok" forecast "$tmp/r20.graphml" --start $start --days 92 \
		--trials 10000 --catalog "$tmp/r20.csv" --threads 2 --no-days \
		$s -o "$tmp/whatif.json")
	printf 'what-if (20 classes, 10,000 trials, horizon and months%s): ' \
		"${s:+, scenario}"
	printf '%.3fs (target 0.200s)\n' "$t"
done

[ "$agree" = --agree ] || exit 0
graph 5
line=$($py "$ref" 100000 92 5)
echo "$line"
"$tok" forecast "$tmp/r5.graphml" --start $start --days 92 --trials 100000 \
	--catalog "$tmp/r5.csv" --threads 2 --no-days -o "$tmp/a5.json" \
	>/dev/null
$py - "$tmp/a5.json" "$line" <<'PY'
import json, math, re, sys
f = json.load(open(sys.argv[1]))["horizon"]["total"]["cost_usd"]
q = [float(x) for x in re.search(r"q=\[([^\]]*)\]", sys.argv[2])
     .group(1).split()]
ok = True
for key, ref in zip(("p5", "p50", "p95"), q):
    t, se = f["quantiles"][key], f["mc_se"][key]
    z = (t - ref) / (math.sqrt(2) * se)
    ok = ok and abs(z) < 3
    print("%s tokcast=%.0f numpy=%.0f combined_se=%.0f z=%+.2f"
          % (key, t, ref, math.sqrt(2) * se, z))
print("agreement:", "yes" if ok else "NO")
PY
