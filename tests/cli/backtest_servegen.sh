#!/usr/bin/env bash
# tokcast backtest on the ServeGen hourly series (skipped without the
# shared data): the gap hours it reports equal the zero rows counted here
# with awk, and the one-day-ahead backtest of docs/accuracy.md has 11
# origins, days 3 to 13.
set -u
bin=$1
src=$2
shared=$3
dir=$shared/data/traces/servegen-hourly
[ -d "$dir" ] || exit 77
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" backtest "$dir/hourly_requests_language_m-mid.csv" --class m-mid \
	--graph "$src/examples/servegen.graphml" --horizon 1d --step 1d \
	--trials 200 -o "$tmp/b.json" >/dev/null 2>"$tmp/err" ||
	fail "backtest: $(cat "$tmp/err")"
zeros=$(awk -F, 'NR > 1 && $2 + 0 == 0' \
	"$dir/hourly_requests_language_m-mid.csv" | wc -l)
grep -q "m-mid.csv: $zeros empty bucket(s)" "$tmp/err" ||
	fail "gaps: want $zeros, got $(cat "$tmp/err")"
python3 - "$tmp/b.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
o = d["meta"]["origins"]
assert len(o) == 11 and o[0] == "1970-01-04" and o[-1] == "1970-01-14", o
PY
exit 0
