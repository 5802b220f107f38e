#!/usr/bin/env python3
"""Writes a GraphML file of N nodes and M edges with typed attributes.

Usage: gen_graphml.py OUT [NODES] [EDGES] [SEED]

Node keys: kind (string), requests (int), growth (double), root
(boolean); edge keys: rate (double), lag (int), kind (string), active
(boolean). Edges join random node pairs, so some are parallel or loops.
"""
import random
import sys


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    m = int(sys.argv[3]) if len(sys.argv) > 3 else 300000
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    kinds = ["kpi", "feature_class"]
    with open(out, "w", encoding="utf-8") as f:
        w = f.write
        w('<?xml version="1.0" encoding="UTF-8"?>\n')
        w('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
        w('  <key id="n0" for="node" attr.name="kind" attr.type="string"/>\n')
        w('  <key id="n1" for="node" attr.name="requests" attr.type="int"/>\n')
        w('  <key id="n2" for="node" attr.name="growth" attr.type="double"/>\n')
        w('  <key id="n3" for="node" attr.name="root" attr.type="boolean">'
          '<default>false</default></key>\n')
        w('  <key id="e0" for="edge" attr.name="rate" attr.type="double"/>\n')
        w('  <key id="e1" for="edge" attr.name="lag" attr.type="int"/>\n')
        w('  <key id="e2" for="edge" attr.name="kind" attr.type="string"/>\n')
        w('  <key id="e3" for="edge" attr.name="active" attr.type="boolean"/>\n')
        w('  <graph id="G" edgedefault="directed">\n')
        for i in range(n):
            w('    <node id="v%d"><data key="n0">%s</data>'
              '<data key="n1">%d</data><data key="n2">%.6g</data>'
              '<data key="n3">%s</data></node>\n'
              % (i, kinds[i % 2], rng.randrange(1, 10**6),
                 rng.uniform(-0.1, 0.3), "true" if i % 7 == 0 else "false"))
        for j in range(m):
            w('    <edge id="x%d" source="v%d" target="v%d">'
              '<data key="e0">%.6g</data><data key="e1">%d</data>'
              '<data key="e2">%s</data><data key="e3">%s</data></edge>\n'
              % (j, rng.randrange(n), rng.randrange(n), rng.uniform(0, 5),
                 rng.randrange(0, 8), "drives" if j % 3 else "calls",
                 "true" if j % 2 else "false"))
        w('  </graph>\n</graphml>\n')


if __name__ == "__main__":
    main()
