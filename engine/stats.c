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
 * The order statistics come from the values' bits as order-preserving
 * integer keys: counted into buckets, of which only those holding a
 * wanted rank are searched further (select_keys), a few sequential
 * passes a column; Hoare's selection in place is the fallback when
 * there is no memory for the keys.
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

/* Columns this short are sorted whole by insertion. */
#define SEL_SHORT 48
/* At most 2^SEL_MAX_BITS buckets a level; about SEL_PER values each. */
#define SEL_MAX_BITS 11
#define SEL_PER 4

static void insertion_sort(uint64_t *k, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		uint64_t x = k[i];

		for (j = i; j > 0 && k[j - 1] > x; j--)
			k[j] = k[j - 1];
		k[j] = x;
	}
}

/* The number of bits of x (0 for 0). */
static int bit_length(uint64_t x)
{
	int b = 0;

	while (x) {
		b++;
		x >>= 1;
	}
	return b;
}

/*
 * The keys of ranks r[0..nr) (ascending) among keys[0..n), into out.
 * The keys are counted into buckets of equal width between the least
 * and the greatest; only the buckets holding a wanted rank are gathered
 * (into tmp, n long) and searched again, so a column costs a few
 * sequential passes instead of a sort. keys is scratch afterwards.
 */
static void select_keys(uint64_t *keys, uint64_t *tmp, size_t n,
			const size_t *r, size_t nr, uint64_t *out)
{
	size_t cnt[(1u << SEL_MAX_BITS) + 1], off[ESTAT_RANKS];
	size_t i, j, nb, nbk = 0, start;
	uint64_t lo = keys[0], hi = keys[0];
	int sh, bits, slot[1u << SEL_MAX_BITS], bk[ESTAT_RANKS];

	if (n <= SEL_SHORT) {
		insertion_sort(keys, n);
		for (i = 0; i < nr; i++)
			out[i] = keys[r[i]];
		return;
	}
	for (i = 1; i < n; i++) {
		lo = keys[i] < lo ? keys[i] : lo;
		hi = keys[i] > hi ? keys[i] : hi;
	}
	if (lo == hi) {
		for (i = 0; i < nr; i++)
			out[i] = lo;
		return;
	}

	/* Bucket widths of 2^sh keys, about n / SEL_PER buckets. */
	bits = bit_length(n / SEL_PER);
	bits = bits < 4 ? 4 : bits > SEL_MAX_BITS ? SEL_MAX_BITS : bits;
	sh = bit_length(hi - lo) - bits;
	sh = sh < 0 ? 0 : sh;
	nb = (size_t)((hi - lo) >> sh) + 1;
	memset(cnt, 0, (nb + 1) * sizeof *cnt);
	for (i = 0; i < n; i++)
		cnt[(keys[i] - lo) >> sh]++;

	/* Each wanted rank's bucket, and where its values will lie. */
	for (j = 0; j < nb; j++)
		slot[j] = -1;
	for (i = j = start = 0; i < nr; i++) {
		while (start + cnt[j] <= r[i])
			start += cnt[j++];
		if (slot[j] < 0) {
			slot[j] = (int)nbk;
			bk[nbk++] = (int)j;
		}
	}
	for (i = 0, start = 0; i < nbk; i++) {
		off[i] = start;
		start += cnt[bk[i]];
	}

	/* One pass gathers them all; then each bucket alone. */
	for (i = 0; i < n; i++) {
		int s = slot[(keys[i] - lo) >> sh];

		if (s >= 0)
			tmp[off[s]++] = keys[i];
	}
	for (i = j = start = 0; i < nbk; i++) {
		size_t first = 0, len = cnt[bk[i]], base = off[i] - len, m;
		size_t sub[ESTAT_RANKS];

		for (; (int)j < bk[i]; j++)
			start += cnt[j];
		for (first = 0; first < nr && r[first] < start; first++)
			;
		for (m = 0; first + m < nr && r[first + m] < start + len; m++)
			sub[m] = r[first + m] - start;
		select_keys(tmp + base, keys, len, sub, m, out + first);
	}
}

/*
 * The values of ranks r[0..nr) of a[0..n) into out, by their keys (in
 * keys, 2 n long); a is untouched.
 */
static void select_values(const double *a, size_t n, const size_t *r,
			  size_t nr, uint64_t *keys, double *out)
{
	uint64_t k[ESTAT_RANKS];
	size_t i;

	for (i = 0; i < n; i++)
		keys[i] = sort_key(a[i]);
	select_keys(keys, keys + n, n, r, nr, k);
	for (i = 0; i < nr; i++)
		out[i] = key_value(k[i]);
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

/* The distinct ranks, ascending, that the nq quantiles read. */
static size_t all_ranks(const double *pct, size_t nq, size_t n,
			size_t *ranks)
{
	size_t r[4], i, nr = 0, k;
	double frac;

	for (i = 0; i < nq; i++) {
		ranks_of(pct[i] / 100, n, r, &frac);
		memcpy(&ranks[nr], r, sizeof r);
		nr += 4;
	}
	qsort(ranks, nr, sizeof *ranks, cmp_size);
	for (i = k = 0; i < nr; i++)
		if (!k || ranks[i] != ranks[k - 1])
			ranks[k++] = ranks[i];
	return k;
}

/* The value at rank x, one of ranks[0..nr) whose values are val. */
static double at_rank(const size_t *ranks, size_t nr, const double *val,
		      size_t x)
{
	size_t lo = 0, hi = nr - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ranks[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return val[lo];
}

/* Each quantile (type 7) and its standard error from the ranks' values. */
static void from_ranks(const double *pct, size_t nq, size_t n,
		       const size_t *ranks, size_t nr, const double *val,
		       estat *out)
{
	size_t i, r[4];
	double frac, v[4];
	int k;

	for (i = 0; i < nq; i++) {
		ranks_of(pct[i] / 100, n, r, &frac);
		for (k = 0; k < 4; k++)
			v[k] = at_rank(ranks, nr, val, r[k]);
		out->q[i] = v[0] + frac * (v[1] - v[0]);
		out->se[i] = (v[3] - v[2]) / 2;
	}
}

/* NaN quantiles and standard errors of an empty column. */
static void empty(size_t nq, estat *out)
{
	size_t i;

	for (i = 0; i < nq; i++)
		out->q[i] = out->se[i] = NAN;
}

void estat_quantiles(double *a, size_t n, const double *pct, size_t nq,
		     estat *out)
{
	size_t ranks[ESTAT_RANKS], nr, i;
	double val[ESTAT_RANKS];
	uint64_t *keys;

	memset(out, 0, sizeof *out);
	if (n == 0) {
		empty(nq, out);
		out->mean = out->sd = NAN;
		return;
	}
	nr = all_ranks(pct, nq, n, ranks);
	keys = malloc(2 * n * sizeof *keys);
	if (keys) {
		select_values(a, n, ranks, nr, keys, val);
		free(keys);
	} else {
		/* Without memory for keys, select in place. */
		multi_select(a, 0, n - 1, ranks, nr);
		for (i = 0; i < nr; i++)
			val[i] = a[ranks[i]];
	}
	from_ranks(pct, nq, n, ranks, nr, val, out);
}

/*
 * The sum of a[0..n) and of its squared deviations from mean (when
 * given): four partial sums side by side, so the additions do not wait
 * on each other, added in a fixed order.
 */
static double column_sum(const double *a, size_t n, const double *mean)
{
	double s[4] = {0, 0, 0, 0};
	size_t i, j;

	for (i = 0; i + 4 <= n; i += 4)
		for (j = 0; j < 4; j++) {
			double d = mean ? a[i + j] - *mean : a[i + j];

			s[j] += mean ? d * d : d;
		}
	for (; i < n; i++) {
		double d = mean ? a[i] - *mean : a[i];

		s[0] += mean ? d * d : d;
	}
	return (s[0] + s[1]) + (s[2] + s[3]);
}

void estat_column(double *a, size_t n, const double *pct, size_t nq,
		  estat *out)
{
	double ss, mean;

	mean = n ? column_sum(a, n, NULL) / (double)n : NAN;
	ss = n ? column_sum(a, n, &mean) : 0;
	estat_quantiles(a, n, pct, nq, out);
	out->mean = mean;
	out->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : n ? 0 : NAN;
}

void estat_float_quantiles(const float *v, size_t n, const double *pct,
			   size_t nq, uint64_t *keys, estat *out)
{
	size_t ranks[ESTAT_RANKS], nr, i;
	uint64_t k[ESTAT_RANKS];
	double val[ESTAT_RANKS];

	memset(out, 0, sizeof *out);
	if (n == 0) {
		empty(nq, out);
		return;
	}
	nr = all_ranks(pct, nq, n, ranks);
	for (i = 0; i < n; i++)
		keys[i] = float_key(v[i]);
	select_keys(keys, keys + n, n, ranks, nr, k);
	for (i = 0; i < nr; i++)
		val[i] = float_value(k[i]);
	from_ranks(pct, nq, n, ranks, nr, val, out);
}

void estat_float_column(const float *v, size_t n, const double *pct,
			size_t nq, uint64_t *keys, estat *out)
{
	double s[4] = {0, 0, 0, 0}, ss[4] = {0, 0, 0, 0}, mean;
	size_t i, j;

	for (i = 0; i + 4 <= n; i += 4)
		for (j = 0; j < 4; j++)
			s[j] += v[i + j];
	for (; i < n; i++)
		s[0] += v[i];
	mean = n ? ((s[0] + s[1]) + (s[2] + s[3])) / (double)n : NAN;
	for (i = 0; i + 4 <= n; i += 4)
		for (j = 0; j < 4; j++)
			ss[j] += (v[i + j] - mean) * (v[i + j] - mean);
	for (; i < n; i++)
		ss[0] += (v[i] - mean) * (v[i] - mean);
	estat_float_quantiles(v, n, pct, nq, keys, out);
	out->mean = mean;
	out->sd = n > 1 ? sqrt(((ss[0] + ss[1]) + (ss[2] + ss[3])) /
			       (double)(n - 1)) : n ? 0 : NAN;
}
