#!/usr/bin/env bash
# "tokcast graph inspect": text and JSON output, help, exit codes.
# Args: tokcast binary, source dir, shared dir.
set -u
bin=$1
fx=$2/tests/fixtures/graphml
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# typed.graphml by hand: 3 nodes, 5 edges (e2 directed), e1 e3 e5 join
# a and b undirected (2 parallel), e4 is a self loop, 10 keys.
out=$("$bin" graph inspect "$fx/typed.graphml") || fail "typed: exit $?"
for want in "nodes: *3" "edges: *5" "directed edges: *1" \
	"undirected edges: *4" "parallel edges: *2" "self loops: *1" \
	"keys: *10" "node +count +int" "all +note +string"; do
	grep -qE "^ *$want" <<<"$out" || fail "typed: no '$want'"
done

json=$("$bin" graph inspect --json "$fx/typed.graphml") || fail "json: exit"
python3 - "$json" <<'PY' || fail "json content"
import json, sys
o = json.loads(sys.argv[1])
want = dict(nodes=3, edges=5, directed_edges=1, undirected_edges=4,
            parallel_edges=2, self_loops=1)
assert all(o[k] == v for k, v in want.items()), o
assert len(o["keys"]) == 10 and o["warnings"] == []
k = o["keys"][2]
assert (k["for"], k["name"], k["type"]) == ("node", "big", "int"), k
PY

w=$("$bin" graph inspect --json "$fx/policies.graphml") || fail "policies"
python3 - "$w" <<'PY' || fail "policies json warnings"
import json, sys
o = json.loads(sys.argv[1])
assert len(o["warnings"]) == 4, o["warnings"]
assert any("hyperedges are ignored" in s for s in o["warnings"])
PY

"$bin" graph inspect --help | grep -q "usage: tokcast graph inspect" ||
	fail "help"
"$bin" graph inspect >/dev/null 2>&1
[ $? = 2 ] || fail "missing FILE is not exit 2"
"$bin" graph inspect --bogus "$fx/typed.graphml" >/dev/null 2>&1
[ $? = 2 ] || fail "unknown option is not exit 2"
"$bin" graph inspect /nonexistent.graphml 2>/dev/null
[ $? = 3 ] || fail "missing file is not exit 3"
err=$("$bin" graph inspect "$fx/dangling.graphml" 2>&1 >/dev/null)
[ $? = 1 ] || fail "dangling edge is not exit 1"
grep -q "^tokcast: .*dangling.graphml:5: edge 'e7': target 'ghost'" \
	<<<"$err" || fail "dangling message: $err"

[ "$fails" = 0 ]
