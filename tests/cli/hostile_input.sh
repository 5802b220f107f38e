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

exit $fail
