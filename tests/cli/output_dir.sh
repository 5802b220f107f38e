#!/usr/bin/env bash
# An output (-o, --tornado, --svg) whose folder is missing or is a file
# is refused before any input is read: exit 3 naming the path, no file
# left behind. forecast once ran a whole simulation (8 s at 100000
# trials) before noticing. Each command here is given an input it
# would refuse with another code (an invalid graph: exit 1) had it read
# it first.
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ex=$src/examples/assistant.graphml
g=$tmp/loop.graphml
: >"$tmp/file"

# A graph that reads but is invalid: a cycle whose gain is 2.
sed 's#</graph>#<edge source="sessions" target="sessions"><data key="rate">2</data><data key="lag_days">1</data></edge></graph>#' \
	"$ex" >"$g"
printf '<graphml><graph>' >"$tmp/broken.graphml"
printf 'day,requests\n0,400\n1,410\n' >"$tmp/d.csv"
printf 'garbage\n' >"$tmp/garbage.csv"	# a log cost cannot read: exit 1

# expect_refused PATH NAME CMD...: exit 3, PATH named, nothing else said.
expect_refused() {
	local path=$1 name=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	[ $rc -eq 3 ] || fail "$name: exit $rc, expected 3: $(cat "$tmp/err")"
	grep -q "^tokcast: $path: cannot create output" "$tmp/err" ||
		fail "$name: $path not named: $(cat "$tmp/err")"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] ||
		fail "$name: more than one message: $(cat "$tmp/err")"
}

for dir in "$tmp/missing" "$tmp/file"; do
	expect_refused "$dir/f.json" "forecast -o $dir" "$bin" forecast "$g" \
		--quarter 2027Q1 --trials 50 -o "$dir/f.json"
	expect_refused "$dir/t.svg" "forecast --tornado $dir" "$bin" forecast \
		"$g" --quarter 2027Q1 --trials 50 --tornado "$dir/t.svg"
	expect_refused "$dir/c.json" "compare -o $dir" "$bin" compare "$g" \
		--quarter 2027Q1 --trials 50 \
		--scenario "$src/examples/scenario-pm.yaml" -o "$dir/c.json"
	expect_refused "$dir/g.svg" "graph render -o $dir" "$bin" graph \
		render "$tmp/broken.graphml" -o "$dir/g.svg"
	expect_refused "$dir/b.json" "backtest -o $dir" "$bin" backtest \
		"$tmp/d.csv" --graph "$tmp/broken.graphml" -o "$dir/b.json"
	expect_refused "$dir/b.svg" "backtest --svg $dir" "$bin" backtest \
		"$tmp/d.csv" --graph "$tmp/broken.graphml" --svg "$dir/b.svg"
	expect_refused "$dir/k.json" "cost -o $dir" "$bin" cost \
		"$tmp/garbage.csv" -o "$dir/k.json"
done

# A usage error still comes first, and a folder that can be written
# keeps no trace of the check when the run then fails.
mkdir "$tmp/ok"
"$bin" forecast "$ex" --quarter 2027Q1 -o "$tmp/missing/f.txt" \
	>/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "forecast -o f.txt: want exit 2 (usage)"
"$bin" forecast "$g" --quarter 2027Q1 --trials 50 -o "$tmp/ok/f.json" \
	>/dev/null 2>&1
[ $? -eq 1 ] || fail "forecast of the invalid graph: want exit 1"
[ -z "$(ls -A "$tmp/ok")" ] || fail "files left: $(ls -A "$tmp/ok")"

# Standard output is always there.
"$bin" graph render "$ex" --format svg -o - >"$tmp/g.svg" ||
	fail "graph render -o - failed"
exit 0
