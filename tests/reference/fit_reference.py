#!/usr/bin/python3
"""Reference fits for tests/test_fit.c, computed with Debian's python3-scipy.

For each real trace quantity (Azure 2023 code and conversation input and
output, Mooncake conversation input and output) this script maximises the
same discretised log-likelihood tokcast maximises (docs/fitting.md: a count
k has probability P(k - 1/2 < X < k + 1/2), k = 0 has P(X < 1/2); a
pile-up just below the maximum is modelled as truncation plus the pile-up's
own empirical part) with scipy.optimize at tight tolerances (Nelder-Mead at
xatol 1e-9 and fatol 1e-13, run twice, then BFGS at gtol 1e-9), from several
starts, and prints the maximised log-likelihood of every family; and it
prints scipy.stats.lognorm.fit(data, floc=0) and gamma.fit(data, floc=0).

Run from the project root (reads ../shared/data/traces):
  /usr/bin/python3 tests/reference/fit_reference.py > table.txt
  /usr/bin/python3 tests/reference/fit_reference.py --header table.txt \
      > tests/reference/fit_reference.h
The header holds the constants tests/test_fit.c compares with.
"""
import json
import os
import sys

import numpy as np
from scipy import optimize, special, stats

TRACES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared",
                      "data", "traces")
MIX_SIGMA_MIN = 0.05


def load():
    """The six quantities, as float arrays."""
    out = {}
    for cls, name in (("code", "AzureLLMInferenceTrace_code.csv"),
                      ("conv", "AzureLLMInferenceTrace_conv.csv")):
        d = np.loadtxt(os.path.join(TRACES, "azure-llm-2023", name),
                       delimiter=",", skiprows=1, usecols=(1, 2))
        out["azure_%s_input" % cls] = d[:, 0]
        out["azure_%s_output" % cls] = d[:, 1]
    mi, mo = [], []
    with open(os.path.join(TRACES, "mooncake-fast25",
                           "conversation_trace.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            mi.append(r["input_length"])
            mo.append(r["output_length"])
    out["mooncake_input"] = np.array(mi, float)
    out["mooncake_output"] = np.array(mo, float)
    return out


def detect_cap(k, c):
    """The pile-up rule of docs/fitting.md; the smallest pile value or None."""
    n = c.sum()
    M = k[-1]
    w = max(3.0, np.ceil(0.0015 * M))
    if M < 20:
        return None
    pile_mask = k > M - w
    ref_mask = (k > M - 5 * w) & ~pile_mask
    pile = c[pile_mask].sum()
    ref = c[ref_mask].sum()
    if pile < 10 or pile < 0.001 * n:
        return None
    if pile < 5 * max(ref / 4, 1) or pile > 0.5 * n:
        return None
    return k[pile_mask].min()


def cdfsf(fam, p, x):
    """CDF and survival of a continuous family at x (array)."""
    if fam == "lognormal":
        d = stats.lognorm(p[1], scale=np.exp(p[0]))
    elif fam == "gamma":
        d = stats.gamma(p[0], scale=p[1])
    elif fam == "weibull":
        d = stats.weibull_min(p[0], scale=p[1])
    elif fam == "loglogistic":
        d = stats.fisk(p[1], scale=p[0])
    else:
        w, m1, s1, m2, s2 = p
        a = stats.lognorm(s1, scale=np.exp(m1))
        b = stats.lognorm(s2, scale=np.exp(m2))
        return (w * a.cdf(x) + (1 - w) * b.cdf(x),
                w * a.sf(x) + (1 - w) * b.sf(x))
    return d.cdf(x), d.sf(x)


def G(fam, p, k):
    """P(count <= k) of the discretised family."""
    k = np.asarray(k, float)
    if fam == "negbinomial":
        m, r = p
        return stats.nbinom.cdf(k, r, r / (r + m))
    F, _ = cdfsf(fam, p, np.maximum(k + 0.5, 1e-300))
    return np.where(k < 0, 0.0, F)


def loglik(fam, p, k, c, trunc_k, pile_ll):
    if fam == "negbinomial":
        m, r = p
        lc = stats.nbinom.logpmf(k, r, r / (r + m))
    else:
        a = np.maximum(k - 0.5, 0.0)
        Fa, Sa = cdfsf(fam, p, np.maximum(a, 1e-300))
        Fa = np.where(k == 0, 0.0, Fa)
        Sa = np.where(k == 0, 1.0, Sa)
        Fb, Sb = cdfsf(fam, p, k + 0.5)
        cell = np.where(Fa < 0.5, Fb - Fa, Sa - Sb)
        if np.any(~(cell > 1e-300)):
            return -np.inf
        lc = np.log(cell)
    ll = float(np.sum(c * lc))
    if trunc_k is not None:
        gt = float(G(fam, p, trunc_k))
        if not gt > 0:
            return -np.inf
        ll -= c.sum() * np.log(gt)
    return ll + pile_ll


def to_nat(fam, t):
    if fam == "lognormal":
        return [t[0], np.exp(t[1])]
    if fam == "mixture":
        return [special.expit(t[0]), t[1], MIX_SIGMA_MIN + np.exp(t[2]),
                t[3], MIX_SIGMA_MIN + np.exp(t[4])]
    return [np.exp(t[0]), np.exp(t[1])]


def to_unc(fam, p):
    if fam == "lognormal":
        return [p[0], np.log(p[1])]
    if fam == "mixture":
        return [special.logit(p[0]), p[1],
                np.log(max(p[2] - MIX_SIGMA_MIN, 1e-6)), p[3],
                np.log(max(p[4] - MIX_SIGMA_MIN, 1e-6))]
    return [np.log(p[0]), np.log(p[1])]


def starts(fam, x):
    """Starts from scipy's own continuous fits and moment estimates."""
    pos = x[x > 0]
    lg = np.log(pos)
    m, v = x.mean(), x.var()
    if fam == "lognormal":
        s, _, sc = stats.lognorm.fit(pos, floc=0)
        return [[np.log(sc), s], [lg.mean(), lg.std() * 1.2]]
    if fam == "gamma":
        a, _, sc = stats.gamma.fit(pos, floc=0)
        return [[a, sc], [m * m / v, v / m]]
    if fam == "weibull":
        c, _, sc = stats.weibull_min.fit(pos, floc=0)
        return [[c, sc], [1.0, m]]
    if fam == "loglogistic":
        c, _, sc = stats.fisk.fit(pos, floc=0)
        return [[sc, c], [np.exp(np.median(lg)), 1.8 / lg.std()]]
    if fam == "negbinomial":
        return [[m, m * m / max(v - m, 1e-3)], [m, 1.0]]
    q = np.quantile(lg, [0.1, 0.25, 0.4, 0.6, 0.75, 0.92])
    s = lg.std()
    return [[0.5, q[1], s / 2, q[4], s / 2], [0.8, q[2], s / 2, q[5], s / 2],
            [0.3, q[0], s / 3, q[3], s / 2]]


def fit(fam, x, k, c, trunc_k, pile_ll):
    n = len(x)
    obj = lambda t: -loglik(fam, to_nat(fam, t), k, c, trunc_k, pile_ll) / n
    best = None
    for s in starts(fam, x):
        t = np.array(to_unc(fam, s), float)
        for _ in range(2):
            r = optimize.minimize(obj, t, method="Nelder-Mead",
                                  options={"xatol": 1e-9, "fatol": 1e-13,
                                           "maxfev": 6000})
            t = r.x
        r2 = optimize.minimize(obj, t, method="BFGS",
                               options={"gtol": 1e-9})
        if np.isfinite(r2.fun) and r2.fun < r.fun:
            t, f = r2.x, r2.fun
        else:
            f = r.fun
        if best is None or f < best[1]:
            best = (t, f)
    return -best[1] * n, to_nat(fam, best[0])


def main():
    data = load()
    fams = ["lognormal", "gamma", "weibull", "loglogistic", "negbinomial",
            "mixture"]
    for name, x in data.items():
        k, c = np.unique(x, return_counts=True)
        c = c.astype(float)
        cap = detect_cap(k, c)
        trunc_k, pile_ll = None, 0.0
        if cap is not None:
            n = c.sum()
            body = k < cap
            trunc_k = cap - 1
            pile_ll = (c[body].sum() * np.log(c[body].sum() / n) +
                       np.sum(c[~body] * np.log(c[~body] / n)))
            k, c = k[body], c[body]
        print("%s: rows %d cap %s" % (name, len(x), cap))
        for fam in fams:
            ll, p = fit(fam, x, k, c, trunc_k, pile_ll)
            print("  %-12s loglik %.10f params %s" %
                  (fam, ll, " ".join("%.10g" % v for v in p)))
        pos = x[x > 0]
        s, _, sc = stats.lognorm.fit(pos, floc=0)
        print("  lognorm.fit floc=0: mu %.12g sigma %.12g" % (np.log(sc), s))
        a, _, sc = stats.gamma.fit(pos, floc=0)
        print("  gamma.fit floc=0: shape %.12g scale %.12g" % (a, sc))
        sys.stdout.flush()


def header(path):
    """Turns the printed table into the C initialisers of the test."""
    out = ["/*", " * fit_reference.h - scipy reference values for "
           "tests/test_fit.c, written", " * by tests/reference/"
           "fit_reference.py --header (see its docstring).", " */",
           "static const trace_ref trace_refs[] = {"]
    cur = None
    for line in open(path):
        w = line.split()
        if line[0] != " ":
            cur = {"name": w[0].rstrip(":"), "ll": []}
        elif w[1] == "loglik":
            cur["ll"].append(w[2])
        elif w[0] == "lognorm.fit":
            cur["ln"] = (w[3], w[5])
        elif w[0] == "gamma.fit":
            out.append('\t{ "%s",' % cur["name"])
            out.append("\t  { %s," % ", ".join(cur["ll"][:3]))
            out.append("\t    %s }," % ", ".join(cur["ll"][3:]))
            out.append("\t  { %s, %s }," % cur["ln"])
            out.append("\t  { %s, %s } }," % (w[3], w[5]))
    out.append("};")
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--header":
        header(sys.argv[2])
    else:
        main()
