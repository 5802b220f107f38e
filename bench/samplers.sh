#!/usr/bin/env bash
# Builds bench/samplers.c with optimisation and prints, per sampler, the
# nanoseconds per draw of tokcast's sampler and of GSL's on the same
# generator (tc_rng_philox), and GSL's time over ours (the speedup). The
# last two lines time the aggregate helpers against a stated baseline.
# Usage: bench/samplers.sh   (from anywhere; needs cc and GSL)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -std=c11 -O2 -DNDEBUG -DTC_VERSION_STRING=\"bench\" \
	-I"$root/include" -I"$root/engine" -I"$root/core" \
	"$root/bench/samplers.c" "$root/engine/rng.c" "$root/engine/sample.c" \
	"$root/engine/aggregate.c" "$root/core/text.c" "$root/core/status.c" \
	$(pkg-config --cflags --libs gsl) -lpthread -lm -o "$tmp/samplers"
"$tmp/samplers"
