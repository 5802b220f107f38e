#!/usr/bin/env bash
# tokcast compare and forecast's budgets: the examples run, the
# reference is the baseline, a budget gate exits 4 above its threshold
# and 0 below, bad --budget values are usage errors (2), an unknown
# budget class is invalid input (1), and -o writes the comparison JSON.
set -u
bin=$1
src=$2
ex=$src/examples
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fails=0

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

expect_grep() {
	if ! grep -q -- "$2" "$out/$1"; then
		echo "FAIL: $3: no '$2' in $1"
		fails=$((fails + 1))
	fi
}

q="--quarter 2027Q1 --trials 300"

run compare "$ex/assistant.graphml" --scenario "$ex/scenario-pm.yaml" $q \
	-o "$out/cmp.json"
expect_code 0 "compare the PM plan"
expect_grep stdout "reference 'baseline'" "compare reference"
expect_grep stdout "^  pm-plan" "compare lists the scenario"
expect_grep cmp.json '"reference": "baseline"' "compare JSON reference"
expect_grep cmp.json '"p_more"' "compare JSON p_more"

# A budget of 1 USD is exceeded in every trial: the gate trips.
run forecast "$ex/assistant.graphml" $q --no-days --budget 1 \
	--fail-if-exceed-probability 0.2
expect_code 4 "budget gate above the threshold"
expect_grep stderr "exceedance probability 1.000 is above 0.2" "gate msg"

# A budget of 100 million is never exceeded: the gate passes.
run forecast "$ex/assistant.graphml" $q --no-days --budget 100000000 \
	--budget chat=50000000 --fail-if-exceed-probability 0.2
expect_code 0 "budget gate below the threshold"
expect_grep stdout "^chat " "per-class budget row"

run forecast "$ex/assistant.graphml" $q --budget chat=abc
expect_code 2 "malformed budget"
run forecast "$ex/assistant.graphml" $q --budget nosuch=100
expect_code 1 "budget of an unknown class"
run forecast "$ex/assistant.graphml" $q --scenario "$ex/scenario-budget.yaml"
expect_code 0 "the budget example"
expect_grep stdout "^contract 2027-01-01" "contract line"
run compare "$ex/assistant.graphml" $q
expect_code 2 "compare without scenarios"

# --sensitivity names the dominant input first; --tornado writes SVG.
run forecast "$ex/assistant.graphml" $q --no-days --sensitivity \
	--tornado "$out/t.svg"
expect_code 0 "sensitivity"
expect_grep stdout "what drives the total" "sensitivity table"
expect_grep t.svg "</svg>" "tornado chart"
if ! grep -A2 "what drives the total" "$out/stdout" | tail -1 |
	grep -q "sessions->rag.rate"; then
	echo "FAIL: the example's largest input is not sessions->rag.rate"
	fails=$((fails + 1))
fi

# Under a scenario with budgets, 1 and 2 threads write the same bytes.
for t in 1 2; do
	run forecast "$ex/assistant.graphml" --quarter 2027Q1 --trials 200 \
		--scenario "$ex/scenario-budget.yaml" --threads $t \
		-o "$out/t$t.json"
	expect_code 0 "budget example at $t threads"
done
if ! cmp -s "$out/t1.json" "$out/t2.json"; then
	echo "FAIL: 1 and 2 threads differ under a scenario"
	fails=$((fails + 1))
fi
expect_grep t1.json '"exceed_probability_mc_se"' "budgets in the JSON"
expect_grep t1.json '"expected_unused_usd"' "contract in the JSON"

# A scenario's errors keep their position; a missing one is I/O (3).
printf 'graph: assistant.graphml\nchanges:\n  - retire: chta\n    date: 2027-02-01\n' \
	>"$out/bad.yaml"
run forecast "$ex/assistant.graphml" $q --scenario "$out/bad.yaml"
expect_code 1 "forecast under an invalid scenario"
expect_grep stderr "bad.yaml:3:13: error: unknown class 'chta'" "position"
run forecast "$ex/assistant.graphml" $q --scenario "$out/none.yaml"
expect_code 3 "forecast under a missing scenario"

exit $((fails > 0))
