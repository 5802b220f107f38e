/*
 * test_stats.c - the engine's column statistics against a full sort.
 *
 * The quantiles select their order statistics without sorting
 * (engine/stats.c); here every case is checked against the same
 * definitions applied to a copy sorted by qsort: the type 7 quantile
 * x[h] + (h - floor h)(x[h + 1] - x[h]) at h = (n - 1) p, and the
 * standard error half the distance between the order statistics at
 * floor(n p - s) and ceil(n p + s), s = sqrt(n p (1 - p)), clamped to the
 * column. Columns are chosen to stress the buckets: heavy tails, ties,
 * one value with far outliers, both signs, and every short length.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tc_test.h"
#include "../engine/estats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The order statistic of rank r (clamped) of the sorted s[0..n). */
static double at(const double *s, size_t n, double r)
{
	if (r < 0)
		r = 0;
	if (r > (double)(n - 1))
		r = (double)(n - 1);
	return s[(size_t)r];
}

/* Equal, or both NaN (an infinite value's interpolation gives one). */
static int same(double x, double y)
{
	return x == y || (isnan(x) && isnan(y));
}

/* Checks out against the definitions on a sorted copy of a[0..n). */
static void check_against_sort(const double *a, size_t n,
			       const double *pct, size_t nq,
			       const estat *out)
{
	double *s = malloc(n * sizeof *s);
	size_t i;

	assert_non_null(s);
	memcpy(s, a, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_double);
	for (i = 0; i < nq; i++) {
		double p = pct[i] / 100, h = (double)(n - 1) * p;
		double sd = sqrt((double)n * p * (1 - p));
		double lo = at(s, n, floor(h)), hi = at(s, n, floor(h) + 1);
		double q = lo + (h - floor(h)) * (hi - lo);
		double se = (at(s, n, ceil((double)n * p + sd)) -
			     at(s, n, floor((double)n * p - sd))) / 2;

		assert_true(same(out->q[i], q));
		assert_true(same(out->se[i], se));
	}
	free(s);
}

/* A column of n values of the given kind from a fixed LCG. */
static void fill(double *a, size_t n, int kind, unsigned long long *seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		double u;

		*seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
		u = (double)(*seed >> 11) * 0x1p-53;
		switch (kind) {
		case 0: a[i] = u; break;			/* uniform */
		case 1: a[i] = exp(12 * (u - 0.5)); break;	/* heavy tail */
		case 2: a[i] = floor(3 * u); break;		/* ties */
		case 3: a[i] = 5; break;			/* constant */
		case 4: a[i] = 1e6 * (u - 0.5); break;		/* both signs */
		default: a[i] = (float)(1 + 1e-3 * u); break;	/* narrow */
		}
	}
	if (kind == 3 && n > 3) {
		a[n / 3] = 1e300;	/* one value and far outliers */
		a[n / 2] = -1e300;
		a[n - 1] = 7;
	}
}

static void quantiles_match_sort(void **state)
{
	static const double few[] = {5, 50, 95}, tails[] = {0.1, 99.9};
	static const size_t lens[] = {1, 2, 3, 47, 48, 49, 200, 1000, 10000,
				      100001};
	double many[32];
	unsigned long long seed = 2027;
	size_t li, i;
	int kind;

	for (i = 0; i < 32; i++)
		many[i] = 1.5 + 3 * (double)i;
	for (li = 0; li < sizeof lens / sizeof lens[0]; li++) {
		size_t n = lens[li];
		double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);

		assert_non_null(a);
		assert_non_null(b);
		for (kind = 0; kind < 6; kind++) {
			const double *sets[3] = {few, tails, many};
			const size_t sizes[3] = {3, 2, 32};
			int k;

			fill(a, n, kind, &seed);
			for (k = 0; k < 3; k++) {
				estat out;

				memcpy(b, a, n * sizeof *b);
				estat_quantiles(b, n, sets[k], sizes[k], &out);
				check_against_sort(a, n, sets[k], sizes[k],
						   &out);
			}
		}
		free(a);
		free(b);
	}
}

/* The float path gives the statistics of the floats widened. */
static void float_quantiles_match_sort(void **state)
{
	static const double pct[] = {2.5, 5, 50, 95, 97.5};
	static const size_t lens[] = {1, 5, 48, 49, 1000, 4097};
	unsigned long long seed = 11;
	size_t li, i;
	int kind;

	for (li = 0; li < sizeof lens / sizeof lens[0]; li++) {
		size_t n = lens[li];
		double *a = malloc(n * sizeof *a);
		float *v = malloc(n * sizeof *v);
		uint64_t *keys = malloc(2 * n * sizeof *keys);

		assert_non_null(a);
		assert_non_null(v);
		assert_non_null(keys);
		for (kind = 0; kind < 6; kind++) {
			estat out;

			fill(a, n, kind, &seed);
			for (i = 0; i < n; i++) {
				v[i] = (float)a[i];
				a[i] = v[i];
			}
			estat_float_quantiles(v, n, pct, 5, keys, &out);
			check_against_sort(a, n, pct, 5, &out);
		}
		free(a);
		free(v);
		free(keys);
	}
}

/* A column of floats gives estat_column's numbers of them widened. */
static void float_column_is_widened_column(void **state)
{
	static const double pct[] = {5, 50, 95};
	static const size_t lens[] = {1, 3, 50, 1001};
	unsigned long long seed = 5;
	size_t li, i;

	for (li = 0; li < 4; li++) {
		size_t n = lens[li];
		double *a = malloc(n * sizeof *a);
		float *v = malloc(n * sizeof *v);
		uint64_t *keys = malloc(2 * n * sizeof *keys);
		estat x, y;

		assert_non_null(a);
		assert_non_null(v);
		assert_non_null(keys);
		fill(a, n, 1, &seed);
		for (i = 0; i < n; i++) {
			v[i] = (float)a[i];
			a[i] = v[i];
		}
		estat_column(a, n, pct, 3, &x);
		estat_float_column(v, n, pct, 3, keys, &y);
		assert_true(x.mean == y.mean && x.sd == y.sd);
		for (i = 0; i < 3; i++)
			assert_true(x.q[i] == y.q[i] && x.se[i] == y.se[i]);
		free(a);
		free(v);
		free(keys);
	}
}

/* Mean and sd with divisor n - 1, by hand: 1, 2, 3, 4 and 10. */
static void column_mean_and_sd(void **state)
{
	double a[] = {4, 1, 10, 3, 2}, pct = 50;
	estat out;

	estat_column(a, 5, &pct, 1, &out);
	assert_true(fabs(out.mean - 4) < 1e-15);
	assert_true(fabs(out.sd - sqrt(12.5)) < 1e-15);
	assert_true(out.q[0] == 3);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(quantiles_match_sort),
	cmocka_unit_test(float_quantiles_match_sort),
	cmocka_unit_test(float_column_is_widened_column),
	cmocka_unit_test(column_mean_and_sd),
};

TC_TEST_MAIN(tests)
