#!/bin/sh
# Reproduces docs/accuracy.md: one-day-ahead and three-day-ahead
# backtests of daily requests on the three ServeGen hourly series.
# Usage: bench/accuracy.sh [TOKCAST] [OUT_DIR]
set -e
bin=${1:-build/tokcast}
out=${2:-.}
S=../shared/data/traces/servegen-hourly
for h in 1 3; do
	echo "== ${h} day(s) ahead"
	"$bin" backtest $S/hourly_requests_language_m-large.csv \
		$S/hourly_requests_language_m-mid.csv \
		$S/hourly_requests_language_m-small.csv \
		--class m-large --class m-mid --class m-small \
		--graph examples/servegen.graphml --horizon ${h}d --step 1d \
		--trials 4000 -o "$out/backtest_${h}d.json" \
		--svg "$out/pit_${h}d.svg"
done
