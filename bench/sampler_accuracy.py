#!/usr/bin/python3
"""The exact distance of the engine's two approximate samplers from the
laws they stand for, computed with SciPy (no sampling involved).

- A gamma of shape k from TCI_GAMMA_WH_SHAPE (500) on is the
  Wilson-Hilferty cube of one normal Z, k (1 - c + Z sqrt(c))^3 with
  c = 1 / (9 k); its cdf is Phi(((x / k)^(1/3) - 1 + c) / sqrt(c)).
- A Poisson of mean m from POISSON_NORMAL_MIN (1e4) on is
  floor(m + sqrt(m) Z + (Z^2 - 1) / 6 + 0.5); P(X <= j) is Phi(z) at the
  root z of sqrt(m) z + (z^2 - 1) / 6 = j + 0.5 - m.

Prints the Kolmogorov-Smirnov distance (the largest cdf difference) of
each at and above its switch. Usage: bench/sampler_accuracy.py
"""
import numpy as np
from scipy import stats


def wilson_hilferty_ks(k):
    x = stats.gamma.ppf(np.linspace(1e-7, 1 - 1e-7, 400001), k)
    c = 1 / (9 * k)
    approx = stats.norm.cdf(((x / k) ** (1 / 3) - (1 - c)) / np.sqrt(c))
    return np.max(np.abs(approx - stats.gamma.cdf(x, k)))


def cornish_fisher_poisson_ks(m):
    s = np.sqrt(m)
    j = np.arange(int(m - 9 * s), int(m + 9 * s) + 1)
    rhs = j + 0.5 - m
    z = (-s + np.sqrt(s * s + (2 / 3) * (1 / 6 + rhs))) * 3
    return np.max(np.abs(stats.norm.cdf(z) - stats.poisson.cdf(j, m)))


def main():
    for k in (500, 1000, 1e4, 1e6):
        print("gamma shape %-8g Wilson-Hilferty KS %.3g"
              % (k, wilson_hilferty_ks(k)))
    for m in (1e4, 1e5, 1e6):
        print("poisson mean %-8g Cornish-Fisher normal KS %.3g"
              % (m, cornish_fisher_poisson_ks(m)))


if __name__ == "__main__":
    main()
