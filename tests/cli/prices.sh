#!/usr/bin/env bash
# tokcast prices: JSON rows of the bundled catalog (values from
# data/catalog.csv, which docs/pricing.md sources), snapshot names, an
# unknown model's suggestions, dates before a model's first price, the
# data directory override and a user catalog.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Field checks on one JSON document: python3 reads it, asserting each
# "path=value" given (value compared as JSON text).
jcheck() {
	python3 - "$@" <<'PY' || exit 1
import json, sys
doc = json.load(open(sys.argv[1]))
for spec in sys.argv[2:]:
    path, want = spec.split("=", 1)
    v = doc
    for p in path.split("."):
        v = v[int(p)] if p.isdigit() else v[p]
    if json.dumps(v) != want:
        sys.exit("FAIL: %s is %s, want %s" % (path, json.dumps(v), want))
PY
}

"$bin" prices --model claude-sonnet-4-5-20250929 --at 2026-01-10 --json \
	>"$tmp/s.json" || fail "prices --model sonnet"
jcheck "$tmp/s.json" 'rows.0.model="claude-sonnet-4-5"' \
	'rows.0.effective_from="2025-09-29"' 'rows.0.input="3"' \
	'rows.0.cache_read="0.3"' 'rows.0.cache_write_5m="3.75"' \
	'rows.0.cache_write_1h="6"' 'rows.0.output="15"' \
	'rows.0.reasoning="15"' 'rows.0.tier_threshold=200000' \
	'rows.0.tier_input="6"' 'rows.0.tier_cache_read="0.6"' \
	'rows.0.tier_cache_write_5m="7.5"' 'rows.0.tier_cache_write_1h="12"' \
	'rows.0.tier_output="22.5"' 'rows.0.batch_multiplier="0.5"'

# Gemini 2.5 Pro above 200k: 2.5 / 15; the 1h write is billed as input.
"$bin" prices --model gemini-2.5-pro --json >"$tmp/g.json" || fail gemini
jcheck "$tmp/g.json" 'rows.0.tier_input="2.5"' 'rows.0.tier_output="15"' \
	'rows.0.tier_cache_read="0.25"' 'rows.0.batch_multiplier=null'

# Sonnet 4.6: a premium tier until 2026-03-13, none after.
"$bin" prices --model claude-sonnet-4-6 --json >"$tmp/h.json" || fail hist
jcheck "$tmp/h.json" 'rows.0.tier_threshold=200000' \
	'rows.0.tier_cache_write_1h="12"' \
	'rows.0.tier_derived=["tier_cache_read", "tier_cache_write_5m", "tier_cache_write_1h"]' \
	'rows.1.effective_from="2026-03-13"'
python3 -c "import json,sys; r=json.load(open('$tmp/h.json'))['rows'];
sys.exit('tier_threshold' in r[1])" || fail "tier after 2026-03-13"

# A listing as of a date holds one row per model in effect then.
"$bin" prices --at 2025-06-01 --json >"$tmp/a.json" || fail "--at"
python3 - "$tmp/a.json" <<'PY' || fail "listing at 2025-06-01"
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
models = [r["model"] for r in rows]
assert len(models) == len(set(models))
assert "gpt-5" not in models and "claude-sonnet-4" in models
o3 = [r for r in rows if r["model"] == "o3"][0]
assert o3["input"] == "10" and o3["effective_from"] == "2025-04-16"
PY

"$bin" prices --model gpt-5-nanoo 2>"$tmp/err"
[ $? -eq 1 ] || fail "unknown model exit code"
grep -q "nearest catalog ids: gpt-5-nano" "$tmp/err" || fail "suggestions"

"$bin" prices --model gpt-5 --at 2025-01-01 2>"$tmp/err"
[ $? -eq 1 ] || fail "before first date"
grep -q "no price before 2025-08-07" "$tmp/err" || fail "first date"

"$bin" prices --at 2025-02-30 2>/dev/null
[ $? -eq 2 ] || fail "bad --at date is a usage error"

# The data directory can be moved; a wrong one is an error.
mkdir "$tmp/data"
printf 'model,effective_from,input,output\nonly-model,2026-01-01,1,2\n' \
	>"$tmp/data/catalog.csv"
TOKCAST_DATA_DIR=$tmp/data "$bin" prices --json >"$tmp/d.json" ||
	fail "TOKCAST_DATA_DIR"
jcheck "$tmp/d.json" 'rows.0.model="only-model"' 'rows.0.cache_read=null'

# A date before every price: exit 0, empty rows, and a note naming the
# catalog's earliest date (only-model's 2026-01-01, written just above).
TOKCAST_DATA_DIR=$tmp/data "$bin" prices --at 2020-01-01 --json \
	>"$tmp/e.json" 2>"$tmp/err" || fail "early --at exit code"
jcheck "$tmp/e.json" 'rows=[]' 'at="2020-01-01"'
grep -qx "tokcast: no model has a price in effect on 2020-01-01; the \
earliest is 2026-01-01" "$tmp/err" || fail "early --at note: $(cat "$tmp/err")"
TOKCAST_DATA_DIR=$tmp/data "$bin" prices --at 2026-01-01 >/dev/null \
	2>"$tmp/err" || fail "--at first date"
[ ! -s "$tmp/err" ] || fail "note on a date with prices"
TOKCAST_DATA_DIR=$tmp/none "$bin" prices 2>/dev/null
[ $? -eq 3 ] || fail "missing data dir"

# A user catalog overrides a model and names file and line on errors.
printf 'model,effective_from,input,output\ngpt-5,2025-08-07,1,8\n' \
	>"$tmp/user.csv"
"$bin" prices --catalog "$tmp/user.csv" --model gpt-5 --json \
	>"$tmp/u.json" || fail "user catalog"
jcheck "$tmp/u.json" 'rows.0.input="1"' 'rows.0.output="8"'
printf 'model,effective_from,input,output\nx,2025-08-07,1,8\ny,2025-08-07,1,eight\n' \
	>"$tmp/bad.csv"
"$bin" prices --catalog "$tmp/bad.csv" 2>"$tmp/err"
[ $? -eq 1 ] || fail "bad catalog exit code"
grep -q "bad.csv:3: column 'output': expected USD per million" \
	"$tmp/err" || fail "bad catalog message: $(cat "$tmp/err")"
exit 0
