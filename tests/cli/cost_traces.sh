#!/usr/bin/env bash
# tokcast cost on the three real traces of ../shared/data/traces, a model
# per class, every record at the rates of 2026-09-01. The expected dollars
# are token sums times catalog rates, the sums computed with Python's csv
# and json modules over the raw files, and Mooncake's cached tokens as the
# 512-token blocks (the last one partial) whose hash id appeared earlier:
#   code (gpt-4.1-mini 0.4 / 1.6): 18,059,974 in, 245,896 out
#     = 7.2239896 + 0.3934336 = 7.6174232
#   conversation (gpt-5-mini 0.25 / 2): 22,361,870 in, 4,088,665 out
#     = 5.5904675 + 8.17733 = 13.7677975
#   mooncake (claude-sonnet-4-5 3 / 0.3 cached / 15; no prompt > 200k):
#     144,793,823 in of which 54,098,411 cached, 4,122,048 out
#     = 90,695,412 x 3 + 54,098,411 x 0.3 + 4,122,048 x 15 per MTok
#     = 272.086236 + 16.2295233 + 61.83072 = 350.1464793
set -u
bin=$1
shared=$3
t=$shared/data/traces
[ -d "$t" ] || exit 77
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" cost --at 2026-09-01 --by class,model -o "$tmp/t.json" \
	"$t/azure-llm-2023/AzureLLMInferenceTrace_code.csv" \
	--class code --model gpt-4.1-mini \
	"$t/azure-llm-2023/AzureLLMInferenceTrace_conv.csv" \
	--class conversation --model gpt-5-mini \
	"$t/mooncake-fast25/conversation_trace.jsonl" --class mooncake \
	--model claude-sonnet-4-5 --origin 2026-09-01 --time-unit ms \
	2>/dev/null || { echo "FAIL: cost on traces" >&2; exit 1; }
python3 - "$tmp/t.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
want = {
    "code": ("gpt-4.1-mini", 8819, "7.6174232", "7.2239896", "0.00",
             "0.3934336"),
    "conversation": ("gpt-5-mini", 19366, "13.7677975", "5.5904675",
                     "0.00", "8.17733"),
    "mooncake": ("claude-sonnet-4-5", 12031, "350.1464793", "272.086236",
                 "16.2295233", "61.83072"),
}
rows = {r["class"]: r for r in doc["rows"]}
assert sorted(rows) == sorted(want), rows.keys()
for cls, w in want.items():
    r = rows[cls]
    got = (r["model"], r["requests"], r["cost_usd"], r["cost_input_usd"],
           r["cost_cache_read_usd"], r["cost_output_usd"])
    if got != w:
        sys.exit("FAIL: %s: %s, want %s" % (cls, got, w))
assert rows["mooncake"]["cache_read_tokens"] == 54098411
assert doc["total_cost_usd"] == "371.5317", doc["total_cost_usd"]
PY
