#!/usr/bin/env bash
# tokcast backtest: a daily count series with a gap, its origins and
# actuals in JSON (by hand), CSV and SVG output, and errors that leave no
# output file.
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# A one-class graph from the example.
python3 - "$src/examples/servegen.graphml" "$tmp/g.graphml" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
t = re.sub(r'<node id="m-(mid|small)">.*?</node>\s*', '', t, flags=re.S)
open(sys.argv[2], "w").write(t.replace("m-large", "c"))
PY

# 10 days of 400.2 requests (rounded: 400); day 4 is 0, a gap.
{
	echo "day,requests"
	for i in $(seq 0 9); do
		if [ "$i" = 4 ]; then echo "$i,0"; else echo "$i,400.2"; fi
	done
} >"$tmp/d.csv"

"$bin" backtest "$tmp/d.csv" --class c --graph "$tmp/g.graphml" \
	--time-unit 6h --horizon 2d -o "$tmp/b.json" >/dev/null 2>&1
[ $? = 2 ] || fail "6h is not a unit: want exit 2"
[ -e "$tmp/b.json" ] && fail "output after a usage error"

"$bin" backtest "$tmp/d.csv" --class c --graph "$tmp/g.graphml" \
	--time-unit d --origin 2026-03-02 --horizon 2d --step 3d \
	--trials 300 -o "$tmp/d.json" --svg "$tmp/d.svg" >"$tmp/out" \
	2>"$tmp/err" || fail "daily backtest: $(cat "$tmp/err")"
python3 - "$tmp/d.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
# Days 0..9 from 2026-03-02, day 4 missing. Origins back from day 8 by
# 3: days 8, 5 (day 2 has only 2 days of history). Origin 5's history
# ends on the missing day 4: skipped. Origin 8 fits on days 5-7.
assert d["meta"]["origins"] == ["2026-03-07", "2026-03-10"], d["meta"]
orig = sorted({r["origin"] for r in d["records"]})
assert orig == ["2026-03-10"], orig
acts = sorted(r["actual"] for r in d["records"])
assert acts == [400, 400, 800], acts
assert d["classes"]["c"]["horizon"]["n"] == 1
PY
grep -q "<svg" "$tmp/d.svg" || fail "no SVG"
grep -q "c,horizon,n,1" <("$bin" backtest "$tmp/d.csv" --class c \
	--graph "$tmp/g.graphml" --time-unit d --horizon 2d --step 3d \
	--trials 300 -o "$tmp/o.csv" >/dev/null 2>&1 && cat "$tmp/o.csv") ||
	fail "CSV"

# --metric cost is refused on count series (no tokens); nothing is
# written.
"$bin" backtest "$tmp/d.csv" --class c --graph "$tmp/g.graphml" \
	--time-unit d --metric cost -o "$tmp/x.json" >/dev/null 2>&1
[ $? = 2 ] || fail "cost on series: want exit 2"
[ -e "$tmp/x.json" ] && fail "cost: output written"

# A per-request usage log: day i of 8 has 40 + i requests; the first and
# last days are partial, so missing. Origins 7 back to 3 (3 days after
# the first day); origin 3 has 2 present days of history (1, 2):
# skipped; day 7 has no actual. Actuals: days 4, 5, 6, each as lead 1
# and as the horizon sum.
for i in 0 1 2 3 4 5 6 7; do
	for j in $(seq 1 $((40 + i))); do
		printf '2026-03-%02dT%02d:%02d:00Z,100,10\n' $((2 + i)) \
			$((j % 24)) $((j % 60))
	done
done | sed '1i TIMESTAMP,ContextTokens,GeneratedTokens' >"$tmp/u.csv"
"$bin" backtest "$tmp/u.csv" --input usage --class c \
	--graph "$tmp/g.graphml" --horizon 1d --step 1d --trials 300 \
	-o "$tmp/u.json" >/dev/null 2>"$tmp/err" ||
	fail "usage log: $(cat "$tmp/err")"
python3 - "$tmp/u.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["meta"]["origins"] == ["2026-03-05", "2026-03-06",
	"2026-03-07", "2026-03-08", "2026-03-09"], d["meta"]
acts = sorted(r["actual"] for r in d["records"])
assert acts == [44, 44, 45, 45, 46, 46], acts
PY

# The cost metric on a usage log: input 100 + j % 7 and output 10 + j % 3
# tokens at gpt-5-mini's 0.25 and 2 USD per million (data/catalog.csv);
# the actuals are each day's priced requests.
python3 - "$tmp/c.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("TIMESTAMP,ContextTokens,GeneratedTokens\n")
    for i in range(8):
        for j in range(1, 41 + 3 * i):
            f.write("2026-03-%02dT%02d:%02d:00Z,%d,%d\n" % (2 + i, j % 24,
                    j % 60, 100 + j % 7, 10 + j % 3))
PY
"$bin" backtest "$tmp/c.csv" --input usage --class c --model gpt-5-mini \
	--metric cost --graph "$tmp/g.graphml" --horizon 1d --step 1d \
	--trials 300 -o "$tmp/c.json" >/dev/null 2>"$tmp/err" ||
	fail "cost: $(cat "$tmp/err")"
python3 - "$tmp/c.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["meta"]["metric"] == "cost"
want = {}
for i in (4, 5, 6):
    usd = sum((100 + j % 7) * 0.25e-6 + (10 + j % 3) * 2e-6
              for j in range(1, 41 + 3 * i))
    want["2026-03-%02d" % (2 + i)] = usd
got = {r["origin"]: r["actual"] for r in d["records"] if r["lead"] == 1}
assert sorted(got) == sorted(want), got
for k in want:
    assert abs(got[k] - want[k]) < 1e-12, (k, got[k], want[k])
PY

# A bad row names its line.
printf 'day,requests\n0,5\n1,x\n' >"$tmp/bad.csv"
"$bin" backtest "$tmp/bad.csv" --class c --graph "$tmp/g.graphml" \
	2>"$tmp/err" >/dev/null
[ $? = 1 ] || fail "bad row: want exit 1"
grep -q "bad.csv:3" "$tmp/err" || fail "bad row: $(cat "$tmp/err")"
exit 0
