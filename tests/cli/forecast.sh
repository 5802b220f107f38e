#!/usr/bin/env bash
# tokcast forecast: the JSON contract on the bundled example (keys,
# periods, quantile names, numbers not strings), byte-identical JSON at
# 1, 2 and 4 threads, fiscal quarters, tidy CSV, and bad input that
# exits non-zero leaving no output file.
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
g=$src/examples/assistant.graphml

"$bin" forecast "$g" --quarter 2027Q1 --trials 300 --quantiles 2.5,50,97.5 \
	-o "$tmp/a.json" >"$tmp/out.txt" || fail "forecast failed"
grep -q "total cost: mean" "$tmp/out.txt" || fail "no summary"
/usr/bin/python3 - "$tmp/a.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
m = d["meta"]
for k in ("seed", "trials", "version", "graph_sha256", "catalog_date",
          "start", "days"):
    assert k in m, k
assert m["trials"] == 300 and m["start"] == "2027-01-01" and m["days"] == 90
assert len(m["graph_sha256"]) == 64
assert [x["month"] for x in d["months"]] == ["2027-01", "2027-02", "2027-03"]
assert len(d["days"]) == 90 and d["days"][31]["date"] == "2027-02-01"
metrics = ("cost_usd", "requests", "input_tokens", "uncached_input_tokens",
           "cache_read_tokens", "cache_write_5m_tokens",
           "cache_write_1h_tokens", "output_tokens", "reasoning_tokens")
for period in [d["horizon"]] + d["months"] + d["days"][:3]:
    for part in [period["total"]] + list(period["classes"].values()):
        for k in metrics:
            s = part[k]
            assert set(s["quantiles"]) == {"p2.5", "p50", "p97.5"}, s
            assert set(s["mc_se"]) == {"p2.5", "p50", "p97.5"}
            assert isinstance(s["mean"], float)
assert set(d["horizon"]["classes"]) == {"chat", "rag", "agent_planning",
                                        "agent_tool", "summarise"}
h = d["horizon"]["total"]["cost_usd"]["quantiles"]
assert h["p2.5"] < h["p50"] < h["p97.5"]
PY
for t in 2 4; do
	"$bin" forecast "$g" --quarter 2027Q1 --trials 300 \
		--quantiles 2.5,50,97.5 --threads $t -o "$tmp/a$t.json" \
		>/dev/null || fail "threads $t"
	cmp -s "$tmp/a.json" "$tmp/a$t.json" || fail "threads $t differ"
done

# --days-total: the same horizon, months and total days; no class days.
"$bin" forecast "$g" --quarter 2027Q1 --trials 300 --quantiles 2.5,50,97.5 \
	--days-total -o "$tmp/t.json" >/dev/null || fail "days-total"
/usr/bin/python3 - "$tmp/a.json" "$tmp/t.json" <<'PY' || exit 1
import json, sys
a, t = (json.load(open(f)) for f in sys.argv[1:3])
assert t["meta"]["days_total_only"] is True
assert a["meta"]["days_total_only"] is False
assert a["horizon"] == t["horizon"] and a["months"] == t["months"]
assert len(t["days"]) == 90
for x, y in zip(a["days"], t["days"]):
    assert x["total"] == y["total"] and y["classes"] == {}
PY

# --daily-trials: the days' quantiles from that many trials (all: every
# trial); this graph's trials all run day by day (its KPIs have noise),
# so the horizon and months do not change.
"$bin" forecast "$g" --quarter 2027Q1 --trials 300 --quantiles 2.5,50,97.5 \
	--daily-trials 120 -o "$tmp/k.json" >/dev/null || fail "daily-trials"
"$bin" forecast "$g" --quarter 2027Q1 --trials 300 --quantiles 2.5,50,97.5 \
	--daily-trials all -o "$tmp/kall.json" >/dev/null ||
	fail "daily-trials all"
/usr/bin/python3 - "$tmp/a.json" "$tmp/k.json" "$tmp/kall.json" <<'PY' ||
import json, sys
a, k, n = (json.load(open(f)) for f in sys.argv[1:4])
assert a["meta"]["daily_quantile_trials"] == 300
assert k["meta"]["daily_quantile_trials"] == 120
assert n["meta"]["daily_quantile_trials"] == 300
assert a["horizon"] == k["horizon"] == n["horizon"]
assert a["months"] == k["months"]
assert a["days"] == n["days"] and a["days"] != k["days"]
PY
	exit 1
for v in 0 -3 x 1.5 all2; do
	"$bin" forecast "$g" --quarter 2027Q1 --daily-trials "$v" \
		-o "$tmp/bad.json" 2>"$tmp/err" >/dev/null
	[ $? -eq 2 ] || fail "--daily-trials $v: not exit 2"
	grep -q -- "--daily-trials: expected" "$tmp/err" ||
		fail "--daily-trials $v: $(cat "$tmp/err")"
	[ -e "$tmp/bad.json" ] && fail "--daily-trials $v left a file"
done

# A class that never runs has no cost per request: "-", not nan.
sed 's|<data key="start">[^<]*</data>|<data key="start">0</data>|' "$g" \
	>"$tmp/zero.graphml"
"$bin" forecast "$tmp/zero.graphml" --quarter 2027Q1 --trials 50 \
	--no-days >"$tmp/zero.txt" || fail "zero demand"
grep -qi nan "$tmp/zero.txt" && fail "nan in the summary"
grep -Eq '^[a-z_]+ +0\.00 +0\.0% .* -$' "$tmp/zero.txt" ||
	fail "no '-' for a class without requests: $(cat "$tmp/zero.txt")"

# Fiscal year from April: FY2027Q4 is January to March 2027.
"$bin" forecast "$g" --quarter FY2027Q4 --fiscal-year-start 04 \
	--trials 50 --no-days -o "$tmp/fy.json" >/dev/null || fail "fiscal"
grep -q '"start": "2027-01-01"' "$tmp/fy.json" || fail "fiscal start"
# FY2027Q1 from April is April to June 2026.
"$bin" forecast "$g" --quarter FY2027Q1 --fiscal-year-start 4 \
	--trials 50 --no-days -o "$tmp/fy1.json" >/dev/null || fail "fiscal 1"
grep -q '"start": "2026-04-01"' "$tmp/fy1.json" || fail "fiscal 1 start"
grep -q '"days": 91' "$tmp/fy1.json" || fail "fiscal 1 days"

"$bin" forecast "$g" --start 2027-02-01 --days 14 --trials 50 \
	-o "$tmp/a.csv" >/dev/null || fail "csv"
head -1 "$tmp/a.csv" | grep -qx "period,class,metric,statistic,value" ||
	fail "csv header"
grep -q "^horizon,total,cost_usd,p50," "$tmp/a.csv" || fail "csv row"
grep -q "^2027-02-14,chat,requests,mean," "$tmp/a.csv" || fail "csv day"

# Bad input: exit code, a message, and no output file.
expect() {
	local code=$1 pattern=$2
	shift 2
	"$bin" forecast "$@" -o "$tmp/bad.json" >/dev/null 2>"$tmp/err.txt"
	[ $? -eq "$code" ] || fail "exit code for $* (want $code)"
	grep -q "$pattern" "$tmp/err.txt" || fail "message for $*"
	[ ! -e "$tmp/bad.json" ] || fail "partial output for $*"
}
expect 2 "bad quarter" "$g" --quarter 2027Q5
expect 2 "trials: expected a whole number from 1" "$g" --quarter 2027Q1 \
	--trials 0
expect 2 "quantiles: expected .* distinct" "$g" --quarter 2027Q1 \
	--quantiles 50,50.00000000001
expect 2 "seed: expected" "$g" --quarter 2027Q1 --seed 9223372036854775808
expect 2 "give --quarter" "$g"
expect 1 "need .* MB" "$g" --quarter 2027Q1 --trials 100000000
sed 's/gpt-5-mini/no-such-model/' "$g" >"$tmp/unknown.graphml"
expect 1 "unknown model" "$tmp/unknown.graphml" --quarter 2027Q1 --trials 5
sed 's/"dispersion">gamma(shape=20, scale=2.5)/"dispersion">chat(1)/' \
	"$g" >"$tmp/badspec.graphml"
expect 1 "dispersion" "$tmp/badspec.graphml" --quarter 2027Q1
# Batch requests to a model the catalog gives no batch price are refused
# at set-up, naming the class (gemini-2.5-flash has no batch multiplier in
# the bundled catalog), and no output file is left.
awk '/<node id="summarise">/ { s = 1 }
	     s && /key="model"/ { sub(/gpt-5-mini/, "gemini-2.5-flash"); s = 0 }
	     { print }' "$g" >"$tmp/nobatch.graphml"
grep -q gemini-2.5-flash "$tmp/nobatch.graphml" || fail "nobatch fixture"
"$bin" forecast "$tmp/nobatch.graphml" --quarter 2027Q1 --trials 50 \
	-o "$tmp/nb.json" >/dev/null 2>"$tmp/nb.err"
[ $? -eq 1 ] || fail "batch without a batch price: exit code"
grep -q "summarise.*batch" "$tmp/nb.err" || fail "batch message: $(cat "$tmp/nb.err")"
[ ! -e "$tmp/nb.json" ] || fail "batch: partial output"

exit 0

