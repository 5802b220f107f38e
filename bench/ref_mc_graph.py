#!/usr/bin/python3
"""Converts `ref_mc.py --params N` JSON into an equivalent tokcast graph.

Usage: ref_mc_graph.py PARAMS.json START OUT.graphml OUT_catalog.csv

ref_mc.py's model, class by class: a root class with requests_per_day =
base, growth ~ normal(mu_g, sd_g) per trial, the day-of-week profile
(day 0 a Monday, so START must be a Monday), negative binomial daily
counts with size negbin_r, and per-request input and output tokens of
mean mu and sd sd (ref_mc draws their day sums as normals with n*mu and
n*sd^2). The graph writes each per-request token size as the gamma with
that mean and sd, shape (mu/sd)^2 and scale sd^2/mu: non-negative, so
nothing is clipped, and its day sums have exactly ref_mc's mean and
variance. Each class gets its own model in a user catalog priced at its
input and output rates (rounded to 9 decimals, the catalog's
resolution), with no caching, tiers or batch.
"""
import json
import sys
from xml.sax.saxutils import escape


def gamma_spec(mu, sd):
    return "gamma(shape=%.17g, scale=%.17g)" % ((mu / sd) ** 2, sd * sd / mu)


def main():
    params_file, start, out_graph, out_catalog = sys.argv[1:5]
    with open(params_file) as fp:
        p = json.load(fp)
    n = len(p["base"])
    g_mean, g_sd = p["growth_mean_sd"]
    weekly = ",".join("%.17g" % x for x in p["dow"])
    keys = ["kind", "model", "requests_per_day", "growth", "weekly",
            "dispersion", "input_tokens", "output_tokens"]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
             '  <key id="as_of" for="graph" attr.name="as_of" '
             'attr.type="string"/>']
    for k in keys:
        lines.append('  <key id="%s" for="node" attr.name="%s" '
                     'attr.type="string"/>' % (k, k))
    lines.append('  <graph id="ref_mc" edgedefault="directed">')
    lines.append('    <data key="as_of">%s</data>' % start)
    for i in range(n):
        attrs = {
            "kind": "feature_class",
            "model": "refmc-%d" % i,
            "requests_per_day": "%.17g" % p["base"][i],
            "growth": "normal(%.17g, %.17g)" % (g_mean, g_sd),
            "weekly": weekly,
            "dispersion": "%.17g" % p["negbin_r"],
            "input_tokens": gamma_spec(p["mu_in"][i], p["sd_in"][i]),
            "output_tokens": gamma_spec(p["mu_out"][i], p["sd_out"][i]),
        }
        lines.append('    <node id="class%02d">' % i)
        for k in keys:
            lines.append('      <data key="%s">%s</data>'
                         % (k, escape(attrs[k])))
        lines.append('    </node>')
    lines += ['  </graph>', '</graphml>', '']
    with open(out_graph, "w") as fp:
        fp.write("\n".join(lines))
    with open(out_catalog, "w") as fp:
        fp.write("model,provider,effective_from,input,output\n")
        for i in range(n):
            fp.write("refmc-%d,bench,2000-01-01,%.9f,%.9f\n"
                     % (i, p["usd_per_mtok_in"][i],
                        p["usd_per_mtok_out"][i]))


if __name__ == "__main__":
    main()
