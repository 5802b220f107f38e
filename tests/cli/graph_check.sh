#!/usr/bin/env bash
# tokcast graph check: exit codes 0 (valid, warnings allowed), 1 (errors),
# 2 (usage), 3 (unreadable file), and the content of its messages.
set -u
bin=$1
src=$2
fx=$src/tests/fixtures/kg
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fails=0

# Runs tokcast with the given arguments, keeping stdout, stderr and code.
run() {
	"$bin" "$@" >"$out/stdout" 2>"$out/stderr"
	code=$?
}

expect_code() {
	if [ "$code" -ne "$1" ]; then
		echo "FAIL: $2: exit $code, expected $1"
		cat "$out/stdout" "$out/stderr"
		fails=$((fails + 1))
	fi
}

# expect_line FILE TEXT: FILE (stdout or stderr) has a line equal to TEXT.
expect_line() {
	if ! grep -qxF -- "$2" "$out/$1"; then
		echo "FAIL: no line '$2' in $1:"
		cat "$out/$1"
		fails=$((fails + 1))
	fi
}

run graph check "$src/examples/assistant.graphml"
expect_code 0 "the example"
expect_line stdout \
	"$src/examples/assistant.graphml: 7 nodes, 5 edges: 0 errors, 0 warnings: valid"
[ -s "$out/stderr" ] && { echo "FAIL: example printed problems"; fails=$((fails + 1)); }

# The example re-saved by NetworkX (when python3-networkx is there) stays
# valid: NetworkX rewrites the keys and adds an edge attribute "id".
if /usr/bin/python3 -c 'import networkx' 2>/dev/null; then
	/usr/bin/python3 - "$src/examples/assistant.graphml" "$out/nx.graphml" <<'PY'
import sys
import networkx as nx
nx.write_graphml(nx.read_graphml(sys.argv[1]), sys.argv[2])
PY
	run graph check "$out/nx.graphml"
	expect_code 0 "the example re-saved by NetworkX"
	expect_line stdout \
		"$out/nx.graphml: 7 nodes, 5 edges: 0 errors, 0 warnings: valid"
fi

# The complete example of docs/graph-schema.md is valid.
python3 - "$src/docs/graph-schema.md" "$out/doc.graphml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"```xml\n(<\?xml.*?)```", text, re.S)
open(sys.argv[2], "w").write(m.group(1))
PY
run graph check "$out/doc.graphml"
expect_code 0 "the schema document's example"

run graph check "$fx/warning_only.graphml"
expect_code 0 "warnings only"
expect_line stderr \
	"tokcast: $fx/warning_only.graphml:17: warning: node 'users': unknown attribute 'grwth' (did you mean 'growth'?); kept and ignored"

run graph check "$fx/invalid_many.graphml"
expect_code 1 "invalid graph"
expect_line stdout \
	"$fx/invalid_many.graphml: 4 nodes, 3 edges: 7 errors, 1 warning"
expect_line stderr \
	"tokcast: $fx/invalid_many.graphml:23: error: node 'sessions': attribute 'growth' does not apply to a driven kpi: its value comes from its incoming drives edges"
expect_line stderr \
	"tokcast: $fx/invalid_many.graphml:33: error: node 'widget': unknown kind 'gadget' (expected 'kpi' or 'feature_class')"
expect_line stderr \
	"tokcast: $fx/invalid_many.graphml:42: error: edge 'e3': missing attribute 'rate'"
# Problems come in file order.
lines=$(sed -E 's/^tokcast: [^:]*:([0-9]+):.*/\1/' "$out/stderr" | tr '\n' ' ')
[ "$lines" = "18 19 23 28 30 33 40 42 " ] ||
	{ echo "FAIL: lines in order: '$lines'"; fails=$((fails + 1)); }

run graph check "$fx/cycle.graphml"
expect_code 1 "cycle"
expect_line stderr \
	"tokcast: $fx/cycle.graphml:12: error: node 'chat': cycle with no edge lagged by a day or more: chat -> tools -> chat; give one of its edges lag_days >= 1, or write a loop within a day as the expected number of calls in rate"

run graph check "$fx/broken.graphml"
expect_code 1 "not well-formed"
grep -qE "broken.graphml:5(:[0-9]+)?: error: " "$out/stderr" ||
	{ echo "FAIL: broken file message"; cat "$out/stderr"; fails=$((fails + 1)); }

run graph check "$fx/invalid_many.graphml" --json
expect_code 1 "json"
python3 - "$out/stdout" <<'PY' || fails=$((fails + 1))
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is False, d
assert (d["errors"], d["warnings"], d["nodes"], d["edges"]) == (7, 1, 4, 3), d
assert [x["line"] for x in d["diagnostics"]] == [18, 19, 23, 28, 30, 33, 40, 42]
assert d["diagnostics"][5]["element"] == "node 'widget'"
assert d["diagnostics"][1]["severity"] == "warning"
PY
[ -s "$out/stderr" ] && { echo "FAIL: --json wrote to stderr"; fails=$((fails + 1)); }

run graph check "$fx/valid_small.graphml" --json
expect_code 0 "json valid"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["valid"] and d["diagnostics"] == [], d' "$out/stdout" ||
	fails=$((fails + 1))

run graph check
expect_code 2 "no file"
run graph check a.graphml b.graphml
expect_code 2 "two files"
run graph check --frobnicate "$fx/valid_small.graphml"
expect_code 2 "unknown option"
expect_line stderr "tokcast: unknown option '--frobnicate'"

run graph check --help
expect_code 0 "help"
grep -q "usage: tokcast graph check FILE" "$out/stdout" ||
	{ echo "FAIL: help text"; fails=$((fails + 1)); }

run graph check --schema
expect_code 0 "schema listing"
grep -qE '^growth +root kpi, root class +spec +\(-1, inf\) +per trial +0$' \
	"$out/stdout" || { echo "FAIL: schema growth row"; cat "$out/stdout"; fails=$((fails + 1)); }
grep -qE '^cached_share +class +spec +\[0, 1\] +per request +0$' \
	"$out/stdout" || { echo "FAIL: schema cached_share row"; fails=$((fails + 1)); }
[ "$(grep -c . "$out/stdout")" -eq 27 ] ||
	{ echo "FAIL: schema rows"; fails=$((fails + 1)); }

run graph check "$out/absent.graphml"
expect_code 3 "missing file"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "ok"
