#!/usr/bin/env bash
# tokcast usage: sums per class, options per log, exit codes, bad rows.
# Expected sums are computed by hand from the fixtures (see test_usage.c).
set -u
tokcast=$1
src=$2
shared=$3
fx=$src/tests/fixtures/usage
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

# OpenAI chat: 176+17+2000 uncached, 1024+1000 read, 2000 written,
# 300+482+100 output of which 448 reasoning.
"$tokcast" usage "$fx/openai_chat.jsonl" --json >"$tmp/a.json"
check "exit" 0 $?
check "records" 3 "$(field "$tmp/a.json" 'd["classes"][""]["records"]')"
check "uncached" 2193 \
	"$(field "$tmp/a.json" 'd["classes"][""]["uncached_input"]')"
check "read" 2024 "$(field "$tmp/a.json" 'd["classes"][""]["cache_read"]')"
check "write" 2000 \
	"$(field "$tmp/a.json" 'd["classes"][""]["cache_write_5m"]')"
check "output" 882 "$(field "$tmp/a.json" 'd["classes"][""]["output"]')"
check "reasoning" 448 \
	"$(field "$tmp/a.json" 'd["classes"][""]["reasoning"]')"
check "shape" openai-chat "$(field "$tmp/a.json" 'd["files"][0]["shape"]')"

# Options after a log apply to it; before the first log, to all.
"$tokcast" usage --class all "$fx/gemini.jsonl" "$fx/anthropic.jsonl" \
	--class claude --json >"$tmp/b.json"
check "per-log class" "1 2" "$(field "$tmp/b.json" \
	'd["classes"]["all"]["records"], d["classes"]["claude"]["records"]' |
	tr -d '(),')"

# Match rules from the command line: first matching class wins.
"$tokcast" usage "$fx/litellm.jsonl" --match 'sonnet:model=*sonnet*' \
	--match 'other:model=*' --json >"$tmp/m.json"
check "match" "1 1" "$(field "$tmp/m.json" \
	'd["classes"]["sonnet"]["records"], d["classes"]["other"]["records"]' |
	tr -d '(),')"
"$tokcast" usage "$fx/litellm.jsonl" --match 'nocolon' >/dev/null 2>&1
check "bad match" 2 $?

# Too many bad rows: exit 1, every bad row named with its line.
"$tokcast" usage "$fx/bad.csv" >"$tmp/out" 2>"$tmp/err"
check "bad rows exit" 1 $?
check "no partial output" 0 "$(wc -c <"$tmp/out")"
grep -q "bad.csv:3: error: input tokens: negative count" "$tmp/err" ||
	{ echo "FAIL: bad row 3 not reported"; fail=1; }
grep -q "4 bad rows of 6" "$tmp/err" ||
	{ echo "FAIL: bad-row total not reported"; fail=1; }
"$tokcast" usage "$fx/bad.csv" --max-bad-rows 4 >"$tmp/out" 2>&1
check "allowed bad rows exit" 0 $?
"$tokcast" usage "$fx/bad.csv" --class b --max-bad-rows 4 --json \
	>"$tmp/d.json"
check "class bad rows" "2 4" "$(field "$tmp/d.json" \
	'd["classes"]["b"]["records"], d["classes"]["b"]["bad_rows"]' |
	tr -d '(),')"
grep -q "bad row .*bad.csv:6: cannot read the time" "$tmp/out" ||
	{ echo "FAIL: bad rows not listed"; fail=1; }

# Command-line and file errors.
"$tokcast" usage >/dev/null 2>&1
check "no log" 2 $?
"$tokcast" usage "$fx/bad.csv" --time-unit minutes >/dev/null 2>&1
check "bad unit" 2 $?
"$tokcast" usage "$fx/bad.csv" --map nonsense >/dev/null 2>&1
check "bad map" 2 $?
"$tokcast" usage "$fx/bad.csv" --bogus >/dev/null 2>&1
check "unknown option" 2 $?
"$tokcast" usage "$tmp/missing.csv" >/dev/null 2>&1
check "missing file" 3 $?
"$tokcast" usage "$fx/mapped.tsv" >/dev/null 2>&1
check "unknown header" 1 $?
"$tokcast" usage --help | grep -q -- "--cache-ttl DURATION" ||
	{ echo "FAIL: help lacks the reading options"; fail=1; }

# The real Azure traces, one class per file (README facts table).
azure=$shared/data/traces/azure-llm-2023
if [ -d "$azure" ]; then
	"$tokcast" usage "$azure/AzureLLMInferenceTrace_code.csv" \
		--class code "$azure/AzureLLMInferenceTrace_conv.csv" \
		--class conversation --json >"$tmp/c.json"
	check "azure" "8819 19366" "$(field "$tmp/c.json" \
		'd["classes"]["code"]["records"], \
		d["classes"]["conversation"]["records"]' | tr -d '(),')"
fi
# Millisecond offsets read without --origin land before 1990: a warning
# on stderr suggests --origin and --time-unit (exit 0); with them, none.
"$tokcast" usage "$fx/mooncake.jsonl" >/dev/null 2>"$tmp/w.txt"
check "early times exit" 0 $?
grep -q "mooncake.jsonl: warning: every timestamp is before 1990-01-01.*--origin DATE --time-unit ms" \
	"$tmp/w.txt"
check "early times warning" 0 $?
"$tokcast" usage "$fx/mooncake.jsonl" --origin 2024-01-01 --time-unit ms \
	>/dev/null 2>"$tmp/w.txt"
check "no warning with --origin" 0 "$(grep -c 'before 1990' "$tmp/w.txt")"
"$tokcast" cost "$fx/mooncake.jsonl" --model gpt-4o --at 2026-01-01 \
	>/dev/null 2>"$tmp/w.txt"
check "cost warns too" 1 "$(grep -c 'before 1990' "$tmp/w.txt")"

exit $fail
