#!/usr/bin/env bash
# Hostile inputs found in QA: each must end quickly with the documented
# exit code and a "tokcast: " message, never hang or crash.
set -u
tokcast=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

check() {	# check WHAT EXPECTED ACTUAL
	if [ "$2" != "$3" ]; then
		echo "FAIL: $1: expected '$2', got '$3'"
		fail=1
	fi
}

# A 10 MB field: libcsv grew its buffer by 128 bytes a copy, which took
# minutes under AddressSanitizer. The row is valid (the long field is an
# extra column), so it is one record of 5 input and 7 output tokens.
{
	echo "TIMESTAMP,ContextTokens,GeneratedTokens,note"
	printf '2023-11-16 18:17:03,5,7,'
	head -c 10000000 /dev/zero | tr '\0' x
	echo
} >"$tmp/long.csv"
timeout 60 "$tokcast" usage "$tmp/long.csv" --json >"$tmp/long.json"
check "long field exit" 0 $?
check "long field sums" "5 7" "$(python3 -c 'import json,sys
c = json.load(open(sys.argv[1]))["classes"][""]
print(c["uncached_input"], c["output"])' "$tmp/long.json")"

# A count of 2^63 - 1 tokens was accepted as digits (but not as 9.2e18)
# and four of them wrapped the sums around to 2^64 - 4, printed as -4 in
# JSON. Counts at or above 9e15 are bad rows, whatever their notation.
{
	echo "TIMESTAMP,ContextTokens,GeneratedTokens"
	echo "2026-01-01 00:00:00,9223372036854775807,1"
	echo "2026-01-01 00:00:01,9000000000000000,1"
	echo "2026-01-01 00:00:02,8999999999999999,1"
} >"$tmp/huge.csv"
"$tokcast" usage "$tmp/huge.csv" --max-bad-rows 2 --json \
	>"$tmp/huge.json" 2>"$tmp/err"
check "huge counts exit" 0 $?
check "huge counts" "2 8999999999999999" "$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(d["files"][0]["bad_rows"], d["classes"][""]["uncached_input"])' \
	"$tmp/huge.json")"

# 1025 x (9e15 - 1) = 9.225e18 passes int64's 9.223e18 at the 1025th
# record (line 1026); 1024 of them (9.216e18) still fit.
python3 -c 'print("TIMESTAMP,ContextTokens,GeneratedTokens")
for i in range(1025): print("2026-01-01 00:00:00,8999999999999999,1")' \
	>"$tmp/sum.csv"
"$tokcast" usage "$tmp/sum.csv" >"$tmp/out" 2>"$tmp/err"
check "sum overflow exit" 1 $?
check "sum overflow message" \
	"tokcast: $tmp/sum.csv:1026: the token sums of class '(none)' overflow" \
	"$(cat "$tmp/err")"
head -1025 "$tmp/sum.csv" >"$tmp/sum1024.csv"
"$tokcast" usage "$tmp/sum1024.csv" >/dev/null
check "sum of 1024 exit" 0 $?

# cost -o naming the log it reads replaced the log with the report.
head -3 "$tmp/sum.csv" >"$tmp/log.csv"
cp "$tmp/log.csv" "$tmp/keep.csv"
"$tokcast" cost "$tmp/log.csv" --model gpt-5 --at 2026-01-01 \
	-o "$tmp/./log.csv" >/dev/null 2>&1
check "cost -o the log exit" 2 $?
cmp -s "$tmp/log.csv" "$tmp/keep.csv"
check "cost -o the log leaves it" 0 $?

# fit --report naming its log replaced the log with the JSON report.
"$tokcast" fit "$tmp/log.csv" --report "$tmp/./log.csv" >/dev/null 2>&1
check "fit --report the log exit" 2 $?
cmp -s "$tmp/log.csv" "$tmp/keep.csv"
check "fit --report the log leaves it" 0 $?

# The catalog was read with fgets and strlen: a NUL byte ended the line
# unseen, so /dev/zero was read forever as empty lines.
timeout 20 "$tokcast" prices --catalog /dev/zero >/dev/null 2>"$tmp/err"
check "catalog of NULs exit" 1 $?
check "catalog of NULs message" \
	"tokcast: /dev/zero:1: a NUL byte: not a CSV text file" "$(cat "$tmp/err")"

# Messages quote the user's files: a header holding an escape sequence
# was sent to the terminal as is. Control characters now print as '?'.
printf 'a\033[31mb,c\n1,2\n' >"$tmp/esc.csv"
"$tokcast" usage "$tmp/esc.csv" 2>"$tmp/err"
check "escape exit" 1 $?
grep -q "header (a?\[31mb, c)" "$tmp/err"
check "escape shown as ?" 0 $?
check "no escape byte" 0 "$(tr -cd '\033' <"$tmp/err" | wc -c)"

exit $fail
