#!/bin/sh
# The full calibration run of tests/test_calibration.c: 1,600 independent
# histories (3 binomial SEs of the 80% coverage are then 3 points):
# the calibrated cases and the ones that must fail (the backtest's, and
# tokcast fit's path with its former placement). Usage:
#   bench/calibration.sh [BUILD_DIR] [N]
# Prints the coverage of the 80% and 95% intervals, the PIT histogram and
# its chi-square p, and each case's verdict; then the cost case.
set -e
build=${1:-build}
n=${2:-1600}
for case in requests_calibrated fails_without_uncertainty fit_calibrated \
	fit_before_fails; do
	echo "== $case (N=$n)"
	TC_CALIBRATION_N=$n "$build/tests/test_calibration" "$case" 2>&1 |
		grep -E "N=|OK|FAILED  \]"
done
# The cost case: per-request histories with token fits (about 0.1 s
# each, 4 minutes at 1,600). It is skipped in CI.
echo "== cost_calibrated (N=$n)"
TC_CALIBRATION_COST=1 TC_CALIBRATION_N=$n \
	"$build/tests/test_calibration" cost_calibrated 2>&1 |
	grep -E "N=|OK|FAILED  \]|ERROR" || true
