#!/usr/bin/env bash
# tokcast cost: every record shape's buckets priced (hand-computed from
# ../shared/PRICING-FACTS.md and data/catalog.csv rates, shown beside each
# value), a price change inside a log, ISO weeks, CSV output, and errors
# that leave no output file.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

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

# One record of each of four shapes, wrapped in a log record of our own.
cat >"$tmp/shapes.jsonl" <<'JS'
{"id":"r1","time":"2026-05-01T10:00:00Z","feature":"chat","response":{"model":"gpt-5-nano-2025-08-07","usage":{"prompt_tokens":17,"completion_tokens":482,"completion_tokens_details":{"reasoning_tokens":448}}}}
{"id":"r2","time":"2026-05-01T11:00:00Z","feature":"chat","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":50,"cache_read_input_tokens":100000,"cache_creation_input_tokens":2000,"cache_creation":{"ephemeral_5m_input_tokens":500,"ephemeral_1h_input_tokens":1500},"output_tokens":400}}
{"id":"r3","time":"2026-05-01T12:00:00Z","feature":"search","modelVersion":"gemini-2.5-pro","usageMetadata":{"promptTokenCount":250000,"cachedContentTokenCount":50000,"candidatesTokenCount":1000,"thoughtsTokenCount":500}}
{"id":"r4","time":"2026-05-02T00:00:00Z","feature":"search","model":"gpt-4.1","usage":{"input_tokens":1000,"input_tokens_details":{"cached_tokens":800},"output_tokens":100,"output_tokens_details":{"reasoning_tokens":0}}}
JS
"$bin" cost "$tmp/shapes.jsonl" --map class=feature --by model \
	-o "$tmp/m.json" 2>/dev/null || fail "cost shapes"
# gpt-5-nano, case 2: 17 x 0.05 + 482 x 0.40 per MTok = 0.00019365.
# claude-sonnet-4-5, case 3: 50 x 3 + 100000 x 0.3 + 500 x 3.75
#   + 1500 x 6 + 400 x 15 per MTok = 0.047025; cache writes 0.010875.
# gemini-2.5-pro above 200k: 200000 x 2.5 + 50000 x 0.25 + (1000 + 500
#   thoughts) x 15 per MTok = 0.5 + 0.0125 + 0.0225 = 0.535.
# gpt-4.1: 200 x 2 + 800 x 0.5 + 100 x 8 per MTok = 0.0016.
jcheck "$tmp/m.json" 'rows.0.model="claude-sonnet-4-5"' \
	'rows.0.input_tokens=102050' 'rows.0.cost_usd="0.047025"' \
	'rows.0.cost_cache_write_usd="0.010875"' \
	'rows.0.cost_cache_read_usd="0.03"' \
	'rows.1.model="gemini-2.5-pro"' 'rows.1.output_tokens=1500' \
	'rows.1.reasoning_tokens=500' 'rows.1.cost_usd="0.535"' \
	'rows.1.cost_input_usd="0.50"' 'rows.1.cost_output_usd="0.0225"' \
	'rows.2.model="gpt-4.1"' 'rows.2.uncached_input_tokens=200' \
	'rows.2.cost_usd="0.0016"' \
	'rows.3.model="gpt-5-nano"' 'rows.3.cost_usd="0.00019365"' \
	'rows.3.output_tokens=482' 'rows.3.reasoning_tokens=448' \
	'total_cost_usd="0.58381865"'

# The table prints every dollar amount with the decimals the finest one
# needs (gpt-5-nano's 17 x 0.05 per MTok input is 0.00000085: eight),
# right-aligned; zeros keep them too and the total is not shortened.
"$bin" cost "$tmp/shapes.jsonl" --map class=feature --by model \
	>"$tmp/table.txt" 2>/dev/null || fail "cost table"
grep -Eq '^gpt-5-nano +1 +17 +482 +0\.00019365 +0\.00000085 +0\.00000000 +0\.00000000 +0\.00019280$' \
	"$tmp/table.txt" || fail "table row: $(cat "$tmp/table.txt")"
grep -Eq '^TOTAL +4 +353067 +2482 +0\.58381865 +0\.50055085 +0\.04290000 +0\.01087500 +0\.02949280$' \
	"$tmp/table.txt" || fail "table total: $(cat "$tmp/table.txt")"
[ "$(awk '{ print length($0) }' "$tmp/table.txt" | sort -u | wc -l)" -eq 1 ] ||
	fail "table columns not aligned"
[ "$(awk 'NR > 1 { for (i = 5; i <= 9; i++) { split($i, p, "."); print length(p[2]) } }' \
	"$tmp/table.txt" | sort -u)" = 8 ] || fail "decimals differ"

# OpenTelemetry span attributes and a LiteLLM spend log:
# gpt-4.1: 600 x 2 + 400 x 0.5 + 50 x 8 (20 of them reasoning, inside
#   output) per MTok = 0.0018;
# claude-sonnet-4-5: 1500 x 3 + 1000 x 0.3 + 500 x 3.75 (a write of
#   unstated lifetime is a 5-minute write) + 100 x 15 per MTok = 0.008175.
cat >"$tmp/more.jsonl" <<'JS'
{"timestamp":"2026-05-01T10:00:00Z","feature":"otel","attributes":{"gen_ai.request.model":"gpt-4.1","gen_ai.usage.input_tokens":1000,"gen_ai.usage.cache_read.input_tokens":400,"gen_ai.usage.output_tokens":50,"gen_ai.usage.reasoning.output_tokens":20}}
{"startTime":"2026-05-01T11:00:00Z","feature":"litellm","model":"claude-sonnet-4-5","prompt_tokens":3000,"completion_tokens":100,"cache_read_input_tokens":1000,"cache_creation_input_tokens":500,"spend":0.01}
JS
"$bin" cost "$tmp/more.jsonl" --map class=feature --by class --json \
	>"$tmp/o.json" 2>/dev/null || fail "cost otel, litellm"
jcheck "$tmp/o.json" 'rows.0.class="litellm"' 'rows.0.cost_usd="0.008175"' \
	'rows.0.cost_cache_write_usd="0.001875"' 'rows.1.class="otel"' \
	'rows.1.cost_usd="0.0018"' 'rows.1.reasoning_tokens=20'

# The Anthropic usage report (daily sums): 1000 x 3 + 2000 x 0.3 + 300 x
# 3.75 + 400 x 6 + 500 x 15 per MTok + 3 web searches at $10 per 1,000
# = 0.014625 + 0.03 = 0.044625. A day's sum above the 200k tier cannot
# be priced: the tier is judged per request.
printf 'starting_at,model,uncached_input_tokens,cache_read_input_tokens,cache_creation_ephemeral_5m_input_tokens,cache_creation_ephemeral_1h_input_tokens,output_tokens,web_search_requests\n2026-05-01,claude-sonnet-4-5,1000,2000,300,400,500,3\n' \
	>"$tmp/rep.csv"
"$bin" cost "$tmp/rep.csv" --class r --json >"$tmp/r.json" 2>/dev/null ||
	fail "cost anthropic-report"
jcheck "$tmp/r.json" 'total_cost_usd="0.044625"' \
	'rows.0.cost_per_call_usd="0.03"'
printf '2026-05-02,claude-sonnet-4-5,300000,0,0,0,10,0\n' >>"$tmp/rep.csv"
"$bin" cost "$tmp/rep.csv" --class r 2>"$tmp/err" >/dev/null
[ $? -eq 1 ] || fail "aggregate row above a tier"
grep -q "rep.csv:3: an anthropic-report row sums many requests" \
	"$tmp/err" || fail "aggregate message: $(cat "$tmp/err")"

# By class: chat = 0.00019365 + 0.047025, search = 0.535 + 0.0016.
"$bin" cost "$tmp/shapes.jsonl" --map class=feature --by class --json \
	>"$tmp/c.json" 2>/dev/null || fail "cost by class"
jcheck "$tmp/c.json" 'rows.0.class="chat"' 'rows.0.requests=2' \
	'rows.0.cost_usd="0.04721865"' 'rows.1.class="search"' \
	'rows.1.cost_usd="0.5366"'

# PRICING-FACTS case 5: a price change at 2026-08-21 inside one log.
cat >"$tmp/cat.csv" <<'CSV'
model,effective_from,input,cache_read,output
m5,2026-01-01,5,0.50,30
m5,2026-08-21,4,0.40,20
CSV
cat >"$tmp/log.csv" <<'CSV'
time,model,class,uncached_input,cache_read,output
2026-08-20T23:59:59Z,m5,a,20000,80000,2000
2026-08-21T00:00:00Z,m5,a,20000,80000,2000
2027-01-01T12:00:00Z,m5,a,0,0,1000000
CSV
"$bin" cost "$tmp/log.csv" --catalog "$tmp/cat.csv" --by day --json \
	>"$tmp/d1.json" 2>/dev/null || fail "cost by day"
# 20000 x 5 + 80000 x 0.5 + 2000 x 30 = 0.20; at the new rates 0.152.
jcheck "$tmp/d1.json" 'rows.0.day="2026-08-20"' 'rows.0.cost_usd="0.20"' \
	'rows.1.day="2026-08-21"' 'rows.1.cost_usd="0.152"' \
	'rows.2.day="2027-01-01"' 'rows.2.cost_usd="20.00"'
# A later price added to the catalog changes nothing earlier.
printf 'm5,2027-06-01,1,0.1,1\n' >>"$tmp/cat.csv"
"$bin" cost "$tmp/log.csv" --catalog "$tmp/cat.csv" --by day --json \
	>"$tmp/d2.json" 2>/dev/null || fail "cost after a catalog update"
cmp -s "$tmp/d1.json" "$tmp/d2.json" || fail "a later price changed the report"

# ISO weeks: 2026-08-20 and -21 are in week 34; 2027-01-01 (a Friday)
# belongs to 2026-W53, since 2026 began on a Thursday. Months too.
"$bin" cost "$tmp/log.csv" --catalog "$tmp/cat.csv" --by week,model \
	-o "$tmp/w.csv" 2>/dev/null || fail "cost by week"
grep -qx 'model,week,requests,input_tokens,uncached_input_tokens,cache_read_tokens,cache_write_5m_tokens,cache_write_1h_tokens,output_tokens,reasoning_tokens,cost_usd,cost_input_usd,cost_cache_read_usd,cost_cache_write_usd,cost_output_usd,cost_per_call_usd' \
	"$tmp/w.csv" || fail "CSV header"
grep -qx 'm5,2026-W34,2,200000,40000,160000,0,0,4000,0,0.352,0.18,0.072,0.00,0.10,0.00' \
	"$tmp/w.csv" || fail "week 34 row: $(cat "$tmp/w.csv")"
grep -q '^m5,2026-W53,1,' "$tmp/w.csv" || fail "ISO week 53"
"$bin" cost "$tmp/log.csv" --catalog "$tmp/cat.csv" --by month --json \
	>"$tmp/mo.json" 2>/dev/null || fail "cost by month"
jcheck "$tmp/mo.json" 'rows.0.month="2026-08"' 'rows.0.cost_usd="0.352"'

# An unknown model fails with its line and suggestions, and no output.
printf 'time,model,class,uncached_input,output\n2026-05-01,gpt-5-nanoo,a,1,1\n' \
	>"$tmp/unk.csv"
"$bin" cost "$tmp/unk.csv" -o "$tmp/out.json" 2>"$tmp/err"
[ $? -eq 1 ] || fail "unknown model exit code"
grep -q "unk.csv:2: unknown model 'gpt-5-nanoo'; nearest catalog ids: gpt-5-nano" \
	"$tmp/err" || fail "unknown model message: $(cat "$tmp/err")"
[ ! -e "$tmp/out.json" ] || fail "partial output file left"

# A bucket the model has no price for: Mistral bills cache at input, but
# a catalog row without cache prices refuses cache tokens.
printf 'time,model,class,uncached_input,cache_read,output\n2026-05-01,m5,a,1,5,1\n' \
	>"$tmp/cr.csv"
printf 'model,effective_from,input,output\nm5,2026-01-01,1,1\n' \
	>"$tmp/nocache.csv"
"$bin" cost "$tmp/cr.csv" --catalog "$tmp/nocache.csv" 2>"$tmp/err"
[ $? -eq 1 ] || fail "unpriced bucket exit code"
grep -q "no cache_read price" "$tmp/err" || fail "unpriced bucket message"

# Records before a model's first price are errors; --at reprices them.
printf 'time,model,class,uncached_input,output\n2023-11-16,gpt-5,a,1000000,0\n' \
	>"$tmp/old.csv"
"$bin" cost "$tmp/old.csv" 2>/dev/null
[ $? -eq 1 ] || fail "record before the first price"
"$bin" cost "$tmp/old.csv" --at 2026-01-01 --json >"$tmp/at.json" \
	2>/dev/null || fail "--at"
jcheck "$tmp/at.json" 'total_cost_usd="1.25"'

# A log that names no model needs one assigned.
printf 'time,input,output\n2026-05-01,10,10\n' >"$tmp/nomodel.csv"
"$bin" cost "$tmp/nomodel.csv" 2>"$tmp/err"
[ $? -eq 1 ] || fail "record without a model"
grep -q "nomodel.csv:2: the record names no model" "$tmp/err" ||
	fail "no-model message: $(cat "$tmp/err")"
"$bin" cost "$tmp/nomodel.csv" --model gpt-5 --json >"$tmp/nm.json" \
	2>/dev/null || fail "--model"
# 10 x 1.25 + 10 x 10 per MTok.
jcheck "$tmp/nm.json" 'total_cost_usd="0.0001125"'

"$bin" cost "$tmp/old.csv" --by class,day,week 2>/dev/null
[ $? -eq 2 ] || fail "two periods is a usage error"

# Records without a class are "(none)" in the table, as in tokcast usage;
# the label was "(all)" by class, and " 2026-05-01" by class and day.
label=$("$bin" cost "$tmp/nomodel.csv" --model gpt-5 --by class 2>/dev/null |
	sed -n 2p | cut -d' ' -f1)
[ "$label" = "(none)" ] || fail "class label '$label'"
label=$("$bin" cost "$tmp/nomodel.csv" --model gpt-5 --by class,day \
	2>/dev/null | sed -n 2p | awk '{print $1, $2}')
[ "$label" = "(none) 2026-05-01" ] || fail "class,day label '$label'"
exit 0
