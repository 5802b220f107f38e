#!/usr/bin/env bash
# Hostile GraphML: entity bombs, external entities, deep nesting. Each
# must fail with exit 1 and a clear message within one second and under
# a 200 MB address-space limit (the limit is left out under AddressSanitizer,
# which reserves terabytes of address space up front).
# Args: tokcast binary, source dir, shared dir.
set -u
bin=$1
src=$2
shared=$3
fx=$src/tests/fixtures/graphml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

limit_mem=1
if ldd "$bin" 2>/dev/null | grep -q asan; then
	limit_mem=0
fi

# expect_fail FILE PATTERN: exit 1 within a second, stderr matches PATTERN.
expect_fail() {
	local file=$1 pattern=$2 rc
	(
		[ "$limit_mem" = 1 ] && ulimit -v 200000
		exec timeout 1 "$bin" graph inspect "$file"
	) >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" != 1 ] || ! grep -qE "$pattern" "$tmp/err"; then
		echo "FAIL: $file: exit $rc, stderr:"
		cat "$tmp/err"
		fails=$((fails + 1))
	fi
	if [ -s "$tmp/out" ]; then
		echo "FAIL: $file: printed output on failure"
		fails=$((fails + 1))
	fi
}

expect_fail "$fx/laughs.graphml" "entity 'd'.*expands to more than"
expect_fail "$fx/xxe.graphml" "entity 'secret'.*external entities"

# Quadratic blow-up: a 60 kB entity referenced 2,000 times (120 MB).
{
	printf '<?xml version="1.0"?>\n<!DOCTYPE graphml [<!ENTITY x "'
	head -c 60000 /dev/zero | tr '\0' 'x'
	printf '">]>\n<graphml><key id="s" for="node"/>'
	printf '<graph edgedefault="directed"><node id="n"><data key="s">'
	for _ in $(seq 2000); do printf '&x;'; done
	printf '</data></node></graph></graphml>\n'
} >"$tmp/quadratic.graphml"
expect_fail "$tmp/quadratic.graphml" "references expand to more than"

# 100,000 nested elements.
{
	printf '<graphml><graph edgedefault="directed">'
	for _ in $(seq 100000); do printf '<x>'; done
	for _ in $(seq 100000); do printf '</x>'; done
	printf '</graph></graphml>\n'
} >"$tmp/deep.graphml"
expect_fail "$tmp/deep.graphml" "nested deeper than 256"

if [ -d "$shared/data/graphml" ]; then
	g=$shared/data/graphml
	expect_fail "$g/synthetic__billion_laughs.graphml" \
		"entity 'lol5'.*expands to more than"
	expect_fail "$g/synthetic__xxe_external_entity.graphml" \
		"entity 'xxe'.*external entities"
	expect_fail "$g/synthetic__deep_nesting_150.graphml" \
		"nested deeper than 256"
	# The external DTD is not fetched: the file reads, offline, at once.
	if ! (
		[ "$limit_mem" = 1 ] && ulimit -v 200000
		exec timeout 1 "$bin" graph inspect \
			"$g/synthetic__external_dtd.graphml"
	) >"$tmp/out" 2>&1 || ! grep -q "external DTD" "$tmp/out"; then
		echo "FAIL: external_dtd did not read with a warning"
		fails=$((fails + 1))
	fi
fi

[ "$fails" = 0 ]
