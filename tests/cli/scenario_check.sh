#!/usr/bin/env bash
# tokcast scenario check: exit codes 0 (valid, warnings allowed), 1
# (errors), 2 (usage), 3 (unreadable file), its messages with file, line
# and column, and the bundled examples.
set -u
bin=$1
src=$2
fx=$src/tests/fixtures/scenario
graph=$src/examples/assistant.graphml
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

# expect_has FILE TEXT: FILE has a line containing TEXT.
expect_has() {
	if ! grep -qF -- "$2" "$out/$1"; then
		echo "FAIL: no line with '$2' in $1:"
		cat "$out/$1"
		fails=$((fails + 1))
	fi
}

# The examples are valid over the quarter they plan, with no warnings.
for name in pm budget growth; do
	f=$src/examples/scenario-$name.yaml
	run scenario check "$f" --quarter 2027Q1
	expect_code 0 "example $name"
	[ -s "$out/stderr" ] && {
		echo "FAIL: example $name printed problems"
		cat "$out/stderr"
		fails=$((fails + 1))
	}
done
run scenario check "$src/examples/scenario-pm.yaml" --quarter 2027Q1
expect_line stdout "$src/examples/scenario-pm.yaml: scenario 'pm-plan', 3 changes, 0 budgets, no contract: 0 errors, 0 warnings: valid"
run scenario check "$src/examples/scenario-budget.yaml" --graph "$graph" \
	--start 2027-01-01 --days 90
expect_code 0 "budget example with --graph and --start"
expect_line stdout "$src/examples/scenario-budget.yaml: scenario 'q1-budget', 3 changes, 3 budgets, a contract: 0 errors, 0 warnings: valid"

# --list prints each change with its stream key.
run scenario check "$src/examples/scenario-pm.yaml" --list
expect_line stdout "  3. price claude-sonnet-4-5 x 0.8 from the first day [price:claude-sonnet-4-5]"

# Every error, with file, line and column; exit 1.
run scenario check "$fx/errors.yaml" --quarter 2027Q1
expect_code 1 "errors.yaml"
expect_line stdout "$fx/errors.yaml: 13 errors, 0 warnings"
expect_line stderr "tokcast: $fx/errors.yaml:6:5: error: unknown class 'chta' (did you mean 'chat'?)"
expect_line stderr "tokcast: $fx/errors.yaml:15:16: error: unknown attribute 'cached_shares' (did you mean 'cached_share'?)"
expect_line stderr "tokcast: $fx/errors.yaml:21:12: error: share: 1.5 is outside the domain [0, 1]"
expect_line stderr "tokcast: $fx/errors.yaml:25:11: error: date 2026-06-01 is outside the horizon 2027-01-01 .. 2027-03-31"
expect_line stderr "tokcast: $fx/errors.yaml:30:5: error: duplicate key 'discount'"
# Without a horizon the date is not an error.
run scenario check "$fx/errors.yaml"
expect_line stdout "$fx/errors.yaml: 12 errors, 0 warnings"

# A cycle of extends names the files; found without a graph too.
run scenario check "$fx/cycle_a.yaml"
expect_code 1 "cycle"
expect_line stderr "tokcast: $fx/cycle_b.yaml:1:10: error: a cycle of extends: $fx/cycle_a.yaml -> $fx/cycle_b.yaml -> $fx/cycle_a.yaml"

# A model known only to --catalog.
cat >"$out/m.yaml" <<YAML
graph: $graph
changes:
  - switch_model: chat
    model: acme-small
YAML
run scenario check "$out/m.yaml"
expect_code 1 "unknown model"
expect_has stderr "tokcast: $out/m.yaml:4:12: error: unknown model 'acme-small'; nearest catalog ids: "
run scenario check "$out/m.yaml" --catalog "$fx/extra_prices.csv"
expect_code 0 "model from --catalog"
run scenario check "$out/m.yaml" --no-catalog
expect_code 0 "--no-catalog"

# Hostile YAML: an alias bomb is refused at once, exit 1.
python3 - "$out/bomb.yaml" <<'PY'
import sys
lines = ['graph: x.graphml', 'a0: &a0 [' + ', '.join(['lol'] * 9) + ']']
for i in range(1, 12):
    lines.append('a%d: &a%d [%s]' % (i, i, ', '.join(['*a%d' % (i - 1)] * 9)))
open(sys.argv[1], 'w').write('\n'.join(lines) + '\n')
PY
run scenario check "$out/bomb.yaml" --graph "$graph"
expect_code 1 "alias bomb"
expect_line stderr "tokcast: $out/bomb.yaml:7:10: error: the document expands to more than 100000 nodes (aliases counted as copies)"

# Usage errors: exit 2.
run scenario check
expect_code 2 "no file"
run scenario check "$fx/child.yaml" --quarter 2027Q5
expect_code 2 "bad quarter"
run scenario check "$fx/child.yaml" --start 2027-01-01
expect_code 2 "--start without --days"
run scenario check "$out/m.yaml" --frobnicate
expect_code 2 "unknown option"
printf 'changes: []\nextends_: x\n' >"$out/nograph.yaml"
run scenario check "$out/nograph.yaml"
expect_code 1 "no base"
run scenario check --help
expect_code 0 "--help"

# Unreadable files: exit 3.
run scenario check "$out/missing.yaml" --graph "$graph"
expect_code 3 "missing scenario"
run scenario check "$fx/child.yaml" --graph "$out/missing.graphml"
expect_code 3 "missing graph"

[ "$fails" -eq 0 ] || exit 1
echo "all scenario check tests passed"
