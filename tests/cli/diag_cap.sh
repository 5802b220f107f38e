#!/usr/bin/env bash
# A graph with many problems: forecast and compare print the first 100,
# errors before warnings, then one line counting the rest and naming
# 'tokcast graph check', which still lists every one (a broken graph of
# 15000 edges once printed 65150 lines).
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
g=$tmp/many.graphml

# One warning (an undirected edge) ahead of 150 errors (negative rates).
edges='<edge source="sessions" target="rag" directed="false"><data key="rate">0.1</data></edge>'
for i in $(seq 1 150); do
	edges="$edges<edge source=\"sessions\" target=\"chat\"><data key=\"rate\">-$i</data></edge>"
done
sed "s#</graph>#$edges</graph>#" "$src/examples/assistant.graphml" >"$g"

# expect_capped NAME CMD...: exit 1, 100 errors, then the count of 51.
expect_capped() {
	local name=$1
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	[ $rc -eq 1 ] || fail "$name: exit $rc, expected 1"
	[ "$(wc -l <"$tmp/err")" -eq 101 ] ||
		fail "$name: $(wc -l <"$tmp/err") lines, expected 101"
	[ "$(head -100 "$tmp/err" | grep -c ': error: ')" -eq 100 ] ||
		fail "$name: the first 100 lines are not all errors"
	[ "$(tail -1 "$tmp/err")" = "tokcast: ... and 51 more problems ('tokcast graph check $g' lists them all)" ] ||
		fail "$name: last line '$(tail -1 "$tmp/err")'"
}

expect_capped forecast "$bin" forecast "$g" --quarter 2027Q1 --trials 50
expect_capped compare "$bin" compare "$g" --quarter 2027Q1 --trials 50 \
	--scenario "$src/examples/scenario-pm.yaml"

"$bin" graph check "$g" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] || fail "graph check: want exit 1"
[ "$(grep -c ': error: ' "$tmp/err")" -eq 150 ] ||
	fail "graph check: not every error listed"
[ "$(grep -c ': warning: ' "$tmp/err")" -eq 1 ] ||
	fail "graph check: the warning is not listed"
grep -q "more problems" "$tmp/err" && fail "graph check: capped"
exit 0
