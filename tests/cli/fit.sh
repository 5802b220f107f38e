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

# Where the level goes (docs/fitting.md). The log's full days are
# 2026-01-02 .. 2026-01-19 (the first and last are partial), so the
# level describes 2026-01-02 + 17 / 2 = 2026-01-10. Its 20 requests on
# every day are not overdispersed: the size written is 1e9.
check "report as_of" "2026-01-10 2026-01-02 2026-01-19" "$(field \
	"$tmp/s.json" '" ".join(d["classes"]["chat"]["volume"][k] for k in
	("as_of", "first_day", "last_day"))')"
printf '%s\n' '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">' \
	'<graph edgedefault="directed"></graph></graphml>' \
	>"$tmp/empty.graphml"
"$tokcast" fit "$tmp/chat.csv" --class chat --model gpt-5-mini \
	--add-classes --graph "$tmp/empty.graphml" -o "$tmp/w.graphml" \
	>/dev/null 2>"$tmp/ew.txt"
check "as_of written exit" 0 $?
gattr() {	# gattr GRAPHML NODE-OR-"" ATTRIBUTE: its text, or -
	python3 - "$@" <<'EOF'
import sys, xml.etree.ElementTree as ET
ns = "{http://graphml.graphdrawing.org/xmlns}"
root = ET.parse(sys.argv[1]).getroot()
keys = [k.get("id") for k in root.iter(ns + "key")
        if k.get("attr.name") == sys.argv[3]]
g = root.find(ns + "graph")
el = g if not sys.argv[2] else [n for n in g.iter(ns + "node")
                                if n.get("id") == sys.argv[2]][0]
vals = [d.text for d in el.findall(ns + "data") if d.get("key") in keys]
print(vals[0] if vals else "-")
EOF
}
check "as_of written" 2026-01-10 "$(gattr "$tmp/w.graphml" "" as_of)"
check "size written" 1000000000 "$(gattr "$tmp/w.graphml" chat dispersion)"
grep -q "as_of set to 2026-01-10" "$tmp/ew.txt"
check "as_of said" 0 $?
"$tokcast" graph check "$tmp/w.graphml" >/dev/null 2>&1
check "as_of graph check" 0 $?
# The example's KPIs grow from its as_of: it stays, and the user is told.
"$tokcast" fit "$tmp/chat.csv" --class newclass --model gpt-5-mini \
	--add-classes --graph "$src/examples/assistant.graphml" \
	-o "$tmp/k.graphml" >/dev/null 2>"$tmp/ek.txt"
check "as_of kept" 2026-12-01 "$(gattr "$tmp/k.graphml" "" as_of)"
grep -q "grow from the graph's as_of 2026-12-01, which is kept" \
	"$tmp/ek.txt"
check "as_of kept said" 0 $?
# Without an as_of, growing KPIs keep none: none is written.
grep -v '<data key="as_of">' "$src/examples/assistant.graphml" \
	>"$tmp/noasof.graphml"
"$tokcast" fit "$tmp/chat.csv" --class newclass --model gpt-5-mini \
	--add-classes --graph "$tmp/noasof.graphml" -o "$tmp/n.graphml" \
	>/dev/null 2>"$tmp/en.txt"
check "no as_of written" - "$(gattr "$tmp/n.graphml" "" as_of)"
grep -q "set as_of to 2026-01-10" "$tmp/en.txt"
check "no as_of said" 0 $?

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

# Too little data: a one-row log fits nothing, exit 1 naming the class,
# and no output graph; a second class that does fit keeps exit 0.
printf 'TIMESTAMP,ContextTokens,GeneratedTokens\n%s\n' \
	'2026-01-01 10:00:00,100,20' >"$tmp/one.csv"
"$tokcast" fit "$tmp/one.csv" --class lone \
	--graph "$src/examples/assistant.graphml" -o "$tmp/one.graphml" \
	>/dev/null 2>"$tmp/e0.txt"
check "nothing fitted exit" 1 $?
grep -q "no class could be fitted: 'lone' (1 row)" "$tmp/e0.txt"
check "nothing fitted message" 0 $?
[ ! -e "$tmp/one.graphml" ]
check "nothing fitted no output" 0 $?
"$tokcast" fit "$tmp/one.csv" --class lone "$tmp/chat.csv" --class chat \
	>/dev/null 2>&1
check "one of two fitted exit" 0 $?

# The graph and the output paths are checked before any log is read:
# with a log that does not exist, the error names the graph or -o.
printf 'not xml\n' >"$tmp/notgraph.graphml"
"$tokcast" fit "$tmp/missing.csv" --graph "$tmp/notgraph.graphml" \
	-o "$tmp/n.graphml" >/dev/null 2>"$tmp/e1.txt"
check "bad graph exit" 1 $?
grep -q "notgraph.graphml" "$tmp/e1.txt" && ! grep -q missing.csv "$tmp/e1.txt"
check "bad graph first" 0 $?
"$tokcast" fit "$tmp/missing.csv" --graph "$src/examples/assistant.graphml" \
	-o "$tmp/nodir/n.graphml" >/dev/null 2>"$tmp/e2.txt"
check "unwritable -o exit" 3 $?
grep -q "nodir/n.graphml" "$tmp/e2.txt" && ! grep -q missing.csv "$tmp/e2.txt"
check "unwritable -o first" 0 $?

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
