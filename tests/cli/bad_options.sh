#!/usr/bin/env bash
# Every command names an unknown option and an option missing its value
# in one "tokcast: " line and exits 2 (getopt's own messages, without the
# prefix, and "unknown option" for a missing value were printed before).
set -u
tokcast=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
printf 'TIMESTAMP,ContextTokens,GeneratedTokens\n' >"$tmp/log.csv"
printf '2026-01-01 00:00:00,10,5\n' >>"$tmp/log.csv"

expect() {	# expect MESSAGE ARGS...: exit 2 and exactly this first line
	local msg=$1 rc first
	shift
	"$tokcast" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	first=$(head -1 "$tmp/err")
	if [ $rc -ne 2 ] || [ "$first" != "tokcast: $msg" ]; then
		echo "FAIL: tokcast $*: exit $rc, '$first'"
		fail=1
	fi
}

log=$tmp/log.csv
expect "option '--class' needs a value" usage "$log" --class
expect "unknown option '--bogus'" usage "$log" --bogus
expect "option '--report' needs a value" fit "$log" --report
expect "unknown option '--bogus'" fit "$log" --bogus
expect "option '--at' needs a value" prices --at
expect "unknown option '--bogus'" prices --bogus
expect "option '--by' needs a value" cost "$log" --by
expect "option '-o' needs a value" cost "$log" -o
expect "unknown option '-x'" cost "$log" -x
expect "option '--catalog' needs a value" graph check "$log" --catalog

# Options that contradict each other are refused the same way (forecast
# once wrote JSON claiming a daily total without days).
g=$src/examples/assistant.graphml
both="--days-total and --no-days contradict: the first keeps the days' \
total, the second no days"
expect "$both" forecast "$g" --quarter 2027Q1 --trials 10 --days-total \
	--no-days
expect "$both" compare "$g" --quarter 2027Q1 --trials 10 --no-days \
	--days-total --scenario "$src/examples/scenario-pm.yaml"
expect "--daily-trials and --no-days contradict: the first chooses the \
trials of the days' statistics, the second has none" forecast "$g" \
	--quarter 2027Q1 --trials 10 --daily-trials all --no-days

# compare refuses the forecast options it would ignore.
expect "--budget is an option of tokcast forecast; compare does not use it" \
	compare "$g" --quarter 2027Q1 --trials 10 --budget 1000 \
	--scenario "$src/examples/scenario-pm.yaml"
expect "--tornado is an option of tokcast forecast; compare does not use \
it" compare "$g" --quarter 2027Q1 --trials 10 --tornado t.svg \
	--scenario "$src/examples/scenario-pm.yaml"

# A list of quantiles that ends in a comma is a typo, not a list.
expect "--quantiles: expected up to 32 distinct percentages strictly \
between 0 and 100, separated by commas, got '50,'" forecast "$g" \
	--quarter 2027Q1 --quantiles 50,

exit $fail
