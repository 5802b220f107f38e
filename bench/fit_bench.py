#!/usr/bin/python3
"""Helpers of bench/fit_bench.sh: writes the benchmark CSV and times the
scipy baseline on it.

  fit_bench.py write FILE ROWS     a CSV of ROWS requests in 3 classes
  fit_bench.py scipy FILE          scipy.stats fits of the same data
"""
import sys
import time

import numpy as np
from scipy import stats


def write(path, rows):
    """Three classes with different shapes; seeded, integer counts."""
    rng = np.random.default_rng(20261203)
    n = rows // 3
    cls = np.repeat(["chat", "rag", "agent"], [n, n, rows - 2 * n])
    inp = np.concatenate([
        rng.lognormal(6.5, 0.9, n),
        rng.gamma(1.4, 4000.0, n),
        np.where(rng.random(rows - 2 * n) < 0.6,
                 rng.lognormal(7.0, 0.4, rows - 2 * n),
                 rng.lognormal(9.0, 0.6, rows - 2 * n))])
    out = np.concatenate([
        rng.lognormal(5.0, 0.8, n),
        rng.weibull(1.3, n) * 300.0,
        rng.lognormal(4.0, 1.0, rows - 2 * n)])
    inp = np.minimum(np.rint(inp), 128000).astype(np.int64)
    out = np.minimum(np.rint(out), 16000).astype(np.int64)
    perm = rng.permutation(rows)
    cls, inp, out = cls[perm], inp[perm], out[perm]
    t0 = 1767225600  # 2026-01-01T00:00:00Z
    times = t0 + np.sort(rng.integers(0, 28 * 86400, rows))
    with open(path, "w") as f:
        f.write("time,class,input,output\n")
        for i in range(rows):
            f.write("%d,%s,%d,%d\n" % (times[i], cls[i], inp[i], out[i]))


def scipy_fit(path):
    """What a data scientist would run: every scipy family per class."""
    t = time.time()
    d = np.genfromtxt(path, delimiter=",", skip_header=1,
                      dtype=[("t", "i8"), ("c", "U8"), ("i", "f8"),
                             ("o", "f8")])
    for c in np.unique(d["c"]):
        for q in ("i", "o"):
            x = d[q][d["c"] == c]
            x = x[x > 0]
            for fam in (stats.lognorm, stats.gamma, stats.weibull_min,
                        stats.fisk):
                fam.fit(x, floc=0)
    print("%.3f" % (time.time() - t))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], int(sys.argv[3]))
    else:
        scipy_fit(sys.argv[2])
