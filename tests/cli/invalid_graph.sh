#!/usr/bin/env bash
# A graph that reads as XML but is invalid as a knowledge graph (a cycle
# whose gain is 2) is refused by every command that loads it: exit 1
# (invalid input), the problem named with file and line, no output
# file, and no other message (an invalid graph once exited 0 from
# forecast, printed "NULL argument" from compare and crashed fit).
set -u
bin=$1
src=$2
shared=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
g=$tmp/loop.graphml

sed 's#</graph>#<edge source="sessions" target="sessions"><data key="rate">2</data><data key="lag_days">1</data></edge></graph>#' \
	"$src/examples/assistant.graphml" >"$g"

# expect_invalid NAME CMD...: exit 1, the cycle named, no other line.
expect_invalid() {
	local name=$1
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	[ $rc -eq 1 ] || fail "$name: exit $rc, expected 1"
	grep -q "loop.graphml:[0-9]*: error: node 'sessions': the cycle" \
		"$tmp/err" || fail "$name: the cycle is not named"
	if grep -v "the cycle" "$tmp/err" | grep -q .; then
		fail "$name: other messages: $(cat "$tmp/err")"
	fi
}

expect_invalid forecast "$bin" forecast "$g" --quarter 2027Q1 \
	--trials 50 -o "$tmp/f.json"
[ ! -e "$tmp/f.json" ] || fail "forecast left an output file"
expect_invalid compare "$bin" compare "$g" --quarter 2027Q1 --trials 50 \
	--scenario "$src/examples/scenario-pm.yaml" -o "$tmp/c.json"
[ ! -e "$tmp/c.json" ] || fail "compare left an output file"

trace=$shared/data/traces/azure-llm-2023/AzureLLMInferenceTrace_code.csv
if [ -f "$trace" ]; then
	"$bin" fit "$trace" --class chat --graph "$g" -o "$tmp/y.graphml" \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 1 ] || fail "fit: exit $rc, expected 1"
	grep -q "the cycle" "$tmp/err" || fail "fit: the cycle is not named"
	[ ! -e "$tmp/y.graphml" ] || fail "fit left an output file"
fi
exit 0
