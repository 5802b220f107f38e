#!/usr/bin/env bash
# tokcast fit: the fitted graph passes graph check, the report has the
# contract's shape, classes missing from the graph are reported or added,
# usage errors and bad logs exit non-zero without an output file. The
# real-trace part runs only when ../shared is present.
set -u
tokcast=$1
src=$2
shared=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

check() {	# check WHAT EXPECTED ACTUAL
	if [ "$2" != "$3" ]; then
		echo "FAIL: $1: expected '$2', got '$3'"
		fail=1
	fi
}

field() {	# field JSONFILE PYTHON-EXPRESSION-ON-d
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); \
print($2)" "$1"
}

# A small log of class chat: 400 requests over 20 days, input around
# 1000 and output around 200 tokens (a fixed linear congruential walk).
awk 'BEGIN { print "TIMESTAMP,ContextTokens,GeneratedTokens";
	s = 12345;
	for (i = 0; i < 400; i++) {
		s = (s * 1103515245 + 12345) % 2147483648; a = s / 2147483648;
		s = (s * 1103515245 + 12345) % 2147483648; b = s / 2147483648;
		d = 1 + int(i / 20); h = 10 + int((i % 20) / 2);
		printf "2026-01-%02d %02d:%02d:00,%d,%d\n", d, h, (i % 2) * 30,
			int(200 + 1600 * a * a), int(20 + 360 * b);
	} }' >"$tmp/chat.csv"

"$tokcast" fit "$tmp/chat.csv" --class chat --report "$tmp/r.json" \
	--graph "$src/examples/assistant.graphml" -o "$tmp/f.graphml" \
	>"$tmp/out.txt" 2>"$tmp/err.txt"
check "exit" 0 $?
"$tokcast" graph check "$tmp/f.graphml" >/dev/null 2>&1
check "graph check" 0 $?
check "rows" 400 "$(field "$tmp/r.json" 'd["classes"]["chat"]["rows"]')"
check "families" 6 "$(field "$tmp/r.json" \
	'len(d["classes"]["chat"]["input_tokens"]["families"])')"
check "lognormal params" "['mu', 'sigma']" "$(field "$tmp/r.json" \
	'sorted(d["classes"]["chat"]["output_tokens"]["families"][0]["params"])')"
check "continuous" "['scale', 'shape']" "$(field "$tmp/r.json" \
	'sorted(d["classes"]["chat"]["input_tokens"]["families"][1]["continuous_params"])')"
check "volume trend" True "$(field "$tmp/r.json" \
	'"growth" in d["classes"]["chat"]["volume"]')"
grep -q 'fit_input_family' "$tmp/f.graphml"
check "provenance" 0 $?
grep -q 'key.*"requests_per_day"' "$tmp/f.graphml"
check "requests_per_day key" 0 $?

# A class the graph lacks: reported, then added with --add-classes.
"$tokcast" fit "$tmp/chat.csv" --class newclass \
	--graph "$src/examples/assistant.graphml" -o "$tmp/g.graphml" \
	>/dev/null 2>"$tmp/err.txt"
check "missing class exit" 0 $?
grep -q "class 'newclass' is in the logs but not in the graph" \
	"$tmp/err.txt"
check "missing class reported" 0 $?
"$tokcast" fit "$tmp/chat.csv" --class newclass --model gpt-4o-mini \
	--add-classes --graph "$src/examples/assistant.graphml" \
	-o "$tmp/h.graphml" >/dev/null 2>&1
grep -q '<node id="newclass"' "$tmp/h.graphml"
check "class added" 0 $?

# --plot: an SVG per class and quantity, well-formed XML.
mkdir "$tmp/plots"
"$tokcast" fit "$tmp/chat.csv" --class 'a&b' --plot "$tmp/plots" \
	>/dev/null 2>&1
check "plot exit" 0 $?
for q in input_tokens output_tokens; do
	python3 -c "import sys, xml.dom.minidom as m; m.parse(sys.argv[1])" \
		"$tmp/plots/a_b_$q.svg"
	check "plot $q" 0 $?
done

# The report on stdout is JSON alone (no table mixed in).
"$tokcast" fit "$tmp/chat.csv" --class chat --report - >"$tmp/s.json" \
	2>/dev/null
check "stdout report" 400 "$(field "$tmp/s.json" \
	'd["classes"]["chat"]["rows"]')"
"$tokcast" fit --help >/dev/null
check "help" 0 $?

# Usage errors and bad input: exit codes, no output file.
"$tokcast" fit "$tmp/chat.csv" --graph "$src/examples/assistant.graphml" \
	>/dev/null 2>&1
check "--graph without -o" 2 $?
"$tokcast" fit >/dev/null 2>&1
check "no log" 2 $?
printf 'TIMESTAMP,ContextTokens,GeneratedTokens\nx,y,z\n' >"$tmp/bad.csv"
"$tokcast" fit "$tmp/bad.csv" --graph "$src/examples/assistant.graphml" \
	-o "$tmp/bad.graphml" >/dev/null 2>&1
rc=$?
[ "$rc" -ne 0 ]
check "bad log fails" 0 $?
[ ! -e "$tmp/bad.graphml" ]
check "no partial output" 0 $?

# The real traces: two Azure classes and Mooncake, as the issue runs them.
tr=$shared/data/traces
if [ -d "$tr" ]; then
	"$tokcast" fit "$tr/azure-llm-2023/AzureLLMInferenceTrace_code.csv" \
		--class code --model gpt-4o-mini \
		"$tr/azure-llm-2023/AzureLLMInferenceTrace_conv.csv" \
		--class chat --model gpt-4o-mini \
		"$tr/mooncake-fast25/conversation_trace.jsonl" --class rag \
		--origin 2024-01-01 --time-unit ms \
		--graph "$src/examples/assistant.graphml" -o "$tmp/t.graphml" \
		--report "$tmp/t.json" --add-classes >/dev/null 2>&1
	check "traces exit" 0 $?
	"$tokcast" graph check "$tmp/t.graphml" >/dev/null 2>&1
	check "traces graph check" 0 $?
	check "code capped" 7437.0 "$(field "$tmp/t.json" \
		'd["classes"]["code"]["input_tokens"]["cap"]["hi"]')"
	check "weak level" True "$(field "$tmp/t.json" \
		'd["classes"]["rag"]["volume"]["weakly_identified"]')"
fi
exit $fail
