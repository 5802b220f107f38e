#!/usr/bin/env bash
# tokcast graph render: exit codes, formats, and no partial output file on
# any failure. Arguments: tokcast binary, source dir, shared dir.
set -u
tokcast=$1
src=$2
fixture=$src/tests/fixtures/render/assistant30.graphml
resaved=$src/tests/fixtures/render/assistant30_networkx.graphml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# Runs tokcast with the given arguments; $code, $out and $err hold the
# exit code, standard output and standard error.
run() {
	"$tokcast" "$@" >"$work/stdout" 2>"$work/stderr"
	code=$?
	out=$(cat "$work/stdout")
	err=$(cat "$work/stderr")
}

expect_code() {
	[ "$code" -eq "$1" ] || fail "$2: exit $code, expected $1 ($err)"
}

# The work directory holds exactly the files named (no temporaries).
expect_files() {
	local have want
	have=$(cd "$work/out" && ls -A | sort | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ')
	[ "$have" = "$want" ] || fail "$label: files '$have', expected '$want'"
}

# Checks that an SVG file is well-formed XML.
well_formed() {
	if command -v xmllint >/dev/null; then
		xmllint --noout --nonet "$1" 2>/dev/null
	else
		python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' \
			"$1" 2>/dev/null
	fi
}

mkdir -p "$work/out"

label="help"
run graph render --help
expect_code 0 "$label"
case $out in *"--forecast FILE"*"-o, --output FILE"*) ;;
*) fail "$label: options missing from help" ;; esac

label="missing -o"
run graph render "$fixture"
expect_code 2 "$label"
case $err in "tokcast: "*"-o"*) ;; *) fail "$label: message '$err'" ;; esac
expect_files

label="no input"
run graph render -o "$work/out/g.svg"
expect_code 2 "$label"
expect_files

label="unknown option"
run graph render "$fixture" -o "$work/out/g.svg" --bogus
expect_code 2 "$label"
expect_files

label="bad rankdir"
run graph render "$fixture" -o "$work/out/g.svg" --rankdir sideways
expect_code 2 "$label"
expect_files

label="missing input"
run graph render "$work/nosuch.graphml" -o "$work/out/g.svg"
expect_code 3 "$label"
expect_files

label="invalid input"
printf '<graphml><graph><node id="a"></graph>' >"$work/bad.graphml"
run graph render "$work/bad.graphml" -o "$work/out/g.svg"
expect_code 1 "$label"
case $err in "tokcast: "*bad.graphml*) ;;
*) fail "$label: message '$err'" ;; esac
expect_files

label="unknown extension"
run graph render "$fixture" -o "$work/out/g.txt"
expect_code 2 "$label"
case $err in *"'txt'"*) ;; *) fail "$label: message '$err'" ;; esac
expect_files

label="forecast that is not a forecast"
printf '{}' >"$work/f.json"
run graph render "$fixture" --forecast "$work/f.json" -o "$work/out/g.svg"
expect_code 1 "$label"
case $err in *"tokcast forecast"*) ;; *) fail "$label: message '$err'" ;; esac
expect_files

label="forecast that is not JSON"
printf '{"meta": [1,\n' >"$work/f.json"
run graph render "$fixture" --forecast "$work/f.json" -o "$work/out/g.svg"
expect_code 1 "$label"
case $err in *"f.json:2"*) ;; *) fail "$label: message '$err'" ;; esac
expect_files

# chat is 30000 of a 40000 mean total (75%), rag 25%: the labels carry
# the p50 and the 5-95% interval as written in the fixture.
label="forecast annotation"
run graph render "$fixture" --forecast \
	"$src/tests/fixtures/render/forecast_small.json" -o "$work/out/g.svg"
expect_code 0 "$label"
svg=$(sed "s/&#45;/-/g" "$work/out/g.svg")
case $svg in *'P50 $29.5k (5-95%: $21.0k-$41.0k)'*) ;;
	*) fail "$label: no chat annotation" ;; esac
case $svg in *'75% of total cost'*) ;; *) fail "$label: no chat share" ;; esac
case $svg in *'P50 $9.9k (5-95%: $8.1k-$12.3k)'*) ;;
	*) fail "$label: no rag annotation" ;; esac
case $svg in *'25% of total cost'*) ;; *) fail "$label: no rag share" ;; esac
[ -z "$err" ] || fail "$label: a forecast naming no graph warned: '$err'"
rm -f "$work/out/g.svg"

# A forecast names its graph by SHA-256: drawn on another graph it
# warns, and draws all the same.
example=$src/examples/assistant.graphml
"$tokcast" forecast "$example" --quarter 2027Q1 --trials 100 --no-days \
	-o "$work/a.json" >/dev/null || fail "forecast of the example failed"
label="forecast of the graph drawn"
run graph render "$example" --forecast "$work/a.json" -o "$work/out/g.svg"
expect_code 0 "$label"
[ -z "$err" ] || fail "$label: message '$err'"
label="forecast of another graph"
run graph render "$fixture" --forecast "$work/a.json" -o "$work/out/g.svg"
expect_code 0 "$label"
[ "$err" = "tokcast: warning: $work/a.json was made from another graph \
(graph_sha256 differs); its numbers are drawn on the nodes whose ids match" ] ||
	fail "$label: message '$err'"
expect_files g.svg
rm -f "$work/out/g.svg"

label="unwritable directory"
run graph render "$fixture" -o "$work/out/missing/g.svg"
expect_code 3 "$label"
expect_files

if [ "$(id -u)" -ne 0 ]; then
	label="read-only directory"
	mkdir "$work/out/ro"
	chmod 555 "$work/out/ro"
	run graph render "$fixture" -o "$work/out/ro/g.svg"
	expect_code 3 "$label"
	[ -z "$(ls -A "$work/out/ro")" ] || fail "$label: left a file"
	chmod 755 "$work/out/ro"
	rmdir "$work/out/ro"
fi

label="svg"
run graph render "$fixture" -o "$work/out/g.svg"
expect_code 0 "$label"
[ -z "$err" ] || fail "$label: stderr not empty: $err"
well_formed "$work/out/g.svg" || fail "$label: SVG is not well-formed"
for text in "Active users" "Agent tool calls" "range(3, 12)" "lag 14 d"; do
	grep -qF ">$text<" "$work/out/g.svg" || fail "$label: no '$text'"
done
expect_files g.svg

label="failure keeps the old file"
cp "$work/out/g.svg" "$work/before.svg"
run graph render "$work/bad.graphml" -o "$work/out/g.svg"
expect_code 1 "$label"
cmp -s "$work/out/g.svg" "$work/before.svg" || fail "$label: file changed"
expect_files g.svg

label="re-saved by NetworkX"
run graph render "$resaved" -o "$work/out/nx.svg" --rankdir TB --title T
expect_code 0 "$label"
well_formed "$work/out/nx.svg" || fail "$label: SVG is not well-formed"
grep -qF ">Web browse tool<" "$work/out/nx.svg" || fail "$label: labels"
expect_files g.svg nx.svg

formats=$("$tokcast" graph render --help | sed -n 's/^formats this Graphviz draws: //p')
for pair in "png:89504e47" "pdf:25504446"; do
	fmt=${pair%%:*}
	magic=${pair#*:}
	case " $formats " in *" $fmt "*) ;; *) continue ;; esac
	label=$fmt
	run graph render "$fixture" -o "$work/out/g.$fmt"
	expect_code 0 "$label"
	head=$(od -An -tx1 -N4 "$work/out/g.$fmt" | tr -d ' \n')
	[ "$head" = "$magic" ] || fail "$label: starts with $head"
	rm -f "$work/out/g.$fmt"
done

label="standard output"
run graph render "$fixture" -o - --format svg
expect_code 0 "$label"
case $out in *"<svg"*"</svg>") ;; *) fail "$label: no SVG on stdout" ;; esac

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "all graph render checks passed"
