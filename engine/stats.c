/*
 * stats.c - quantiles of a column of per-trial values and their Monte
 * Carlo standard errors, by selection rather than a full sort.
 *
 * Quantiles are the sample quantiles of Hyndman and Fan's type 7 (linear
 * between order statistics, NumPy's default). The standard error of the
 * quantile at p over n values comes from the order statistics whose ranks
 * lie one binomial standard deviation, sqrt(n p (1 - p)), either side of
 * n p: half the distance between them (docs/engine.md).
 *
 * A column is put in order by a radix sort of its values' bits, which
 * costs a few predictable passes; selection is the fallback when there
 * is no memory for the sort's keys.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "estats.h"

/* Puts the k-th smallest of a[lo..hi] at a[k] (Hoare's selection). */
static void select_kth(double *a, size_t lo, size_t hi, size_t k)
{
	while (hi > lo) {
		size_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
		double piv, t;

		/* The median of three as pivot keeps sorted input fast. */
		if (a[mid] < a[lo]) { t = a[mid]; a[mid] = a[lo]; a[lo] = t; }
		if (a[hi] < a[lo]) { t = a[hi]; a[hi] = a[lo]; a[lo] = t; }
		if (a[hi] < a[mid]) { t = a[hi]; a[hi] = a[mid]; a[mid] = t; }
		piv = a[mid];
		while (i <= j) {
			while (a[i] < piv)
				i++;
			while (a[j] > piv)
				j--;
			if (i <= j) {
				t = a[i];
				a[i] = a[j];
				a[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return;
	}
}

/*
 * Puts each of the sorted ranks r[0..k) in place in a[lo..hi]: the middle
 * rank first, then the ranks either side within their half, so the work
 * is about n log k rather than n k.
 */
static void multi_select(double *a, size_t lo, size_t hi, const size_t *r,
			 size_t k)
{
	size_t mid;

	while (k > 0 && lo <= hi) {
		mid = k / 2;
		select_kth(a, lo, hi, r[mid]);
		if (mid > 0 && r[mid] > lo)
			multi_select(a, lo, r[mid] - 1, r, mid);
		lo = r[mid] + 1;
		r += mid + 1;
		k -= mid + 1;
	}
}

/* The bits of x as an unsigned key in the order of the values. */
static inline uint64_t sort_key(double x)
{
	uint64_t b;

	memcpy(&b, &x, sizeof b);
	return b >> 63 ? ~b : b | UINT64_C(1) << 63;
}

static inline double key_value(uint64_t k)
{
	uint64_t b = k >> 63 ? k & ~(UINT64_C(1) << 63) : ~k;
	double x;

	memcpy(&x, &b, sizeof x);
	return x;
}

/*
 * Sorts keys[0..n) by their bytes, least significant first, skipping
 * the bytes every key shares (a column's values mostly share their sign
 * and exponent; a float's key has four constant bytes, a float widened
 * to a double three). tmp holds n more; returns whichever of the two
 * holds the sorted keys.
 */
static uint64_t *radix_keys(uint64_t *keys, uint64_t *tmp, size_t n)
{
	uint64_t vary = 0, *src = keys, *dst = tmp, *t;
	size_t cnt[8][256], i, pos, c;
	int d, used[8], nu = 0;

	for (i = 0; i < n; i++)
		vary |= src[i] ^ src[0];
	for (d = 0; d < 8; d++)
		if (vary >> (8 * d) & 255)
			used[nu++] = d;
	memset(cnt, 0, sizeof cnt);
	for (i = 0; i < n; i++)
		for (d = 0; d < nu; d++)
			cnt[d][src[i] >> (8 * used[d]) & 255]++;
	for (d = 0; d < nu; d++) {
		int sh = 8 * used[d];

		for (c = pos = 0; c < 256; c++) {
			size_t x = cnt[d][c];

			cnt[d][c] = pos;
			pos += x;
		}
		for (i = 0; i < n; i++)
			dst[cnt[d][src[i] >> sh & 255]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	return src;
}

/* Sorts a[0..n) by its keys; returns 0, a untouched, without memory. */
static int radix_sort(double *a, size_t n)
{
	uint64_t *keys = malloc(2 * n * sizeof *keys), *sorted;
	size_t i;

	if (!keys)
		return 0;
	for (i = 0; i < n; i++)
		keys[i] = sort_key(a[i]);
	sorted = radix_keys(keys, keys + n, n);
	for (i = 0; i < n; i++)
		a[i] = key_value(sorted[i]);
	free(keys);
	return 1;
}

/* A float's key in the order of the values, in the high half. */
static inline uint64_t float_key(float x)
{
	uint32_t b;

	memcpy(&b, &x, sizeof b);
	b = b >> 31 ? ~b : b | UINT32_C(1) << 31;
	return (uint64_t)b << 32;
}

static inline double float_value(uint64_t k)
{
	uint32_t b = (uint32_t)(k >> 32);
	float x;

	b = b >> 31 ? b & ~(UINT32_C(1) << 31) : ~b;
	memcpy(&x, &b, sizeof x);
	return x;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* Rank bounds of the quantile at p and its one-sigma interval. */
static void ranks_of(double p, size_t n, size_t r[4], double *frac)
{
	double h = (double)(n - 1) * p, sd = sqrt((double)n * p * (1 - p));
	double lo = floor((double)n * p - sd), hi = ceil((double)n * p + sd);

	r[0] = (size_t)floor(h);
	r[1] = r[0] + 1 < n ? r[0] + 1 : r[0];
	*frac = h - floor(h);
	r[2] = lo < 0 ? 0 : (size_t)lo;
	r[3] = hi > (double)(n - 1) ? n - 1 : (size_t)hi;
	if (r[2] > n - 1)
		r[2] = n - 1;
}

void estat_quantiles(double *a, size_t n, const double *pct, size_t nq,
		     estat *out)
{
	size_t ranks[4 * ESTAT_MAXQ], r[4], i, nr = 0, k;
	double frac[ESTAT_MAXQ];

	memset(out, 0, sizeof *out);
	if (n == 0) {
		for (i = 0; i < nq; i++)
			out->q[i] = out->se[i] = NAN;
		out->mean = out->sd = NAN;
		return;
	}
	if (!radix_sort(a, n)) {
		for (i = 0; i < nq; i++) {
			ranks_of(pct[i] / 100, n, r, &frac[i]);
			memcpy(&ranks[nr], r, sizeof r);
			nr += 4;
		}
		qsort(ranks, nr, sizeof *ranks, cmp_size);
		for (i = k = 0; i < nr; i++)
			if (!k || ranks[i] != ranks[k - 1])
				ranks[k++] = ranks[i];
		multi_select(a, 0, n - 1, ranks, k);
	}
	for (i = 0; i < nq; i++) {
		ranks_of(pct[i] / 100, n, r, &frac[i]);
		out->q[i] = a[r[0]] + frac[i] * (a[r[1]] - a[r[0]]);
		out->se[i] = (a[r[3]] - a[r[2]]) / 2;
	}
}

void estat_column(double *a, size_t n, const double *pct, size_t nq,
		  estat *out)
{
	double s = 0, ss = 0, mean;
	size_t i;

	for (i = 0; i < n; i++)
		s += a[i];
	mean = n ? s / (double)n : NAN;
	for (i = 0; i < n; i++)
		ss += (a[i] - mean) * (a[i] - mean);
	estat_quantiles(a, n, pct, nq, out);
	out->mean = mean;
	out->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : n ? 0 : NAN;
}

void estat_float_quantiles(const float *v, size_t n, const double *pct,
			   size_t nq, uint64_t *keys, estat *out)
{
	size_t i, r[4];
	const uint64_t *k;
	double frac;

	memset(out, 0, sizeof *out);
	if (n == 0) {
		for (i = 0; i < nq; i++)
			out->q[i] = out->se[i] = NAN;
		return;
	}
	for (i = 0; i < n; i++)
		keys[i] = float_key(v[i]);
	k = radix_keys(keys, keys + n, n);
	for (i = 0; i < nq; i++) {
		ranks_of(pct[i] / 100, n, r, &frac);
		out->q[i] = float_value(k[r[0]]) +
			    frac * (float_value(k[r[1]]) -
				    float_value(k[r[0]]));
		out->se[i] = (float_value(k[r[3]]) -
			      float_value(k[r[2]])) / 2;
	}
}
