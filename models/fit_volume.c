/*
 * fit_volume.c - daily request volume of a class from its timestamps:
 * level, monthly growth, day-of-week factors and negative binomial
 * dispersion, each with a standard error (docs/fitting.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_math.h>

#include "fiti.h"
#include "tci.h"

#define US_PER_DAY 86400000000.0
#define DAYS_PER_MONTH 30.4375

/* The longest log accepted, in days (about 270 years). */
#define MAX_DAYS 100000

/* Sizes above this are reported as no overdispersion (Poisson). */
#define SIZE_POISSON 1e6

/* Daily counts for the negative binomial models. */
typedef struct vol_ctx {
	const double *y;
	size_t nd;
	int64_t first, ref;	/* first day, day of the level */
	int trend;		/* 1: a, b, w1..w6, log size; 0: a, log size */
} vol_ctx;

/* Log of the expected count on day index i. */
static double vol_lmean(const vol_ctx *c, const double *t, size_t i)
{
	int64_t day = c->first + (int64_t)i;
	int dow;

	if (!c->trend)
		return t[0];
	dow = tci_weekday(day);
	return t[0] + t[1] * (double)(day - c->ref) +
	       (dow > 0 ? t[1 + dow] : 0);
}

static double vol_obj(const double *t, void *vctx)
{
	const vol_ctx *c = vctx;
	double r = exp(t[c->trend ? 8 : 1]), ll = 0, lm, m;
	size_t i;

	for (i = 0; i < c->nd; i++) {
		lm = vol_lmean(c, t, i);
		m = exp(lm);
		ll += lgamma(c->y[i] + r) - lgamma(r) + r * log(r / (r + m)) +
		      c->y[i] * (lm - log(r + m));
	}
	return isfinite(ll) ? -ll / (double)c->nd : 1e100;
}

/* Mean and variance of the counts. */
static void count_moments(const double *y, size_t n, double *m, double *v)
{
	size_t i;

	*m = *v = 0;
	for (i = 0; i < n; i++)
		*m += y[i] / (double)n;
	for (i = 0; i < n; i++)
		*v += gsl_pow_2(y[i] - *m) / (double)(n > 1 ? n - 1 : 1);
}

/* Starting values: log mean, no trend, weekday log ratios, MoM size. */
static void vol_start(const vol_ctx *c, double *t)
{
	double m, v, s[7] = { 0 }, k[7] = { 0 };
	size_t i;
	int d;

	count_moments(c->y, c->nd, &m, &v);
	t[0] = log(GSL_MAX(m, 0.5));
	t[c->trend ? 8 : 1] = log(v > m ? m * m / (v - m) : 1000);
	if (!c->trend)
		return;
	t[1] = 0;
	for (i = 0; i < c->nd; i++) {
		d = tci_weekday(c->first + (int64_t)i);
		s[d] += log(c->y[i] + 0.5);
		k[d] += 1;
	}
	for (d = 1; d < 7; d++)
		t[1 + d] = s[d] / k[d] - s[0] / k[0];
	t[0] = s[0] / k[0];
}

/* The delta-method standard error of g'C g for a gradient g. */
static double delta_se(const double *g, const double *cov, size_t np)
{
	double s = 0;
	size_t i, j;

	for (i = 0; i < np; i++)
		for (j = 0; j < np; j++)
			s += g[i] * cov[i * np + j] * g[j];
	return s > 0 ? sqrt(s) : 0;
}

/* Level, growth and weekly factors of the trend model, with SEs. */
static void trend_results(const double *t, const double *cov, int cov_ok,
			  tc_fit_volume *r)
{
	double e[7], S = 0, g[9] = { 0 };
	int j, i;

	for (j = 0; j < 7; j++) {
		e[j] = j ? exp(t[1 + j]) : 1;
		S += e[j];
	}
	r->has_trend = 1;
	r->level = exp(t[0]) * S / 7;
	r->growth = expm1(DAYS_PER_MONTH * t[1]);
	g[0] = r->level;
	for (j = 1; j < 7; j++)
		g[1 + j] = r->level * e[j] / S;
	r->level_se = cov_ok ? delta_se(g, cov, 9) : 0;
	r->growth_se = cov_ok ? DAYS_PER_MONTH * (1 + r->growth) *
					sqrt(cov[1 * 9 + 1])
			      : 0;
	for (j = 0; j < 7; j++) {
		r->weekly[j] = 7 * e[j] / S;
		memset(g, 0, sizeof g);
		for (i = 1; i < 7; i++)
			g[1 + i] = r->weekly[j] * ((i == j) - e[i] / S);
		r->weekly_se[j] = cov_ok ? delta_se(g, cov, 9) : 0;
	}
}

/* The negative binomial size and its SE from the fitted log size. */
static void size_results(double ls, double var_ls, int cov_ok,
			 tc_fit_volume *r)
{
	r->dispersion = exp(ls);
	r->has_dispersion = r->dispersion < SIZE_POISSON;
	r->dispersion_se = cov_ok ? r->dispersion * sqrt(var_ls) : 0;
	if (!r->has_dispersion)
		r->dispersion = r->dispersion_se = 0;
}

/*
 * Moves the trend model's level from day ref to ref + d: the log level
 * t[0] becomes t[0] + d t[1], and its covariance row and column follow
 * (cov = J cov J' with J the identity plus d in row 0, column 1).
 */
static void shift_level(double *t, double *cov, double d)
{
	int j;

	t[0] += d * t[1];
	cov[0] += 2 * d * cov[1] + d * d * cov[9 + 1];
	for (j = 1; j < 9; j++) {
		cov[j] += d * cov[9 + j];
		cov[j * 9] = cov[j];
	}
}

/*
 * Fits the daily model (trend or level only) to at least 3 days, the
 * level at c->ref (the middle day, where the level and the growth are
 * nearly uncorrelated and the information matrix well conditioned),
 * then moves it to r->as_of.
 */
static void fit_daily_model(vol_ctx *c, tc_fit_volume *r)
{
	double t[9] = { 0 }, cov[81] = { 0 }, fv;
	size_t np = c->trend ? 9 : 2;
	int ok;

	vol_start(c, t);
	tci_minimise(vol_obj, c, np, t, 0.2, 6000, &fv);
	ok = tci_inverse_hessian(vol_obj, c, np, t, (double)c->nd, cov);
	if (c->trend && r->as_of != c->ref)
		shift_level(t, cov, (double)(r->as_of - c->ref));
	if (c->trend) {
		trend_results(t, cov, ok, r);
		size_results(t[8], cov[80], ok, r);
		return;
	}
	r->level = exp(t[0]);
	r->level_se = ok ? r->level * sqrt(cov[0]) : 0;
	size_results(t[1], cov[3], ok, r);
}

tc_status tc_fit_volume_daily(const double *counts, size_t ndays,
			      int64_t first_day, int64_t as_of,
			      tc_fit_volume *res, tc_error *err)
{
	vol_ctx c = { counts, ndays, first_day, 0, 0 };
	double total = 0, m, v;
	size_t i;

	if (!counts || !res)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no counts or no result to fill");
	memset(res, 0, sizeof *res);
	if (ndays == 0 || ndays > MAX_DAYS)
		return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
				 "%zu days: need 1 to %d", ndays, MAX_DAYS);
	for (i = 0; i < ndays; i++) {
		if (!(counts[i] >= 0 && counts[i] < 1e15))
			return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
					 "day %zu: count %g is not a "
					 "non-negative number", i + 1,
					 counts[i]);
		total += counts[i];
	}
	if (total <= 0)
		return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
				 "no requests in %zu days", ndays);
	tci_gsl_fence();

	res->requests = (size_t)total;
	res->full_days = ndays;
	res->span_days = (double)ndays;
	res->first_day = first_day;
	res->last_day = first_day + (int64_t)ndays - 1;
	c.ref = tc_fit_volume_level_day(&res->first_day, &res->last_day, 1);
	res->as_of = as_of == INT64_MIN ? c.ref : as_of;
	c.trend = ndays >= 14;
	if (ndays >= 3) {
		fit_daily_model(&c, res);
		return TC_OK;
	}
	count_moments(counts, ndays, &m, &v);
	res->level = m;
	res->level_se = sqrt(m / (double)ndays);
	return TC_OK;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The day number of a timestamp (floor division). */
static int64_t day_of(int64_t us)
{
	int64_t d = us / 86400000000LL;

	return (us % 86400000000LL < 0) ? d - 1 : d;
}

/* A log shorter than 3 full days: its rate scaled to a day. */
static void short_log(const int64_t *t, size_t n, tc_fit_volume *r)
{
	r->level = (double)n / r->span_days;
	r->level_se = sqrt((double)n) / r->span_days;
	r->weak_level = r->span_days < 1;
	r->first_day = day_of(t[0]);
	r->last_day = day_of(t[n - 1]);
}

tc_status tc_fit_volume_times(const int64_t *time_us, size_t n,
			      int64_t as_of, tc_fit_volume *res,
			      tc_error *err)
{
	int64_t *t, d0, d1;
	double *counts = NULL, span;
	size_t i;
	tc_status st;

	if (!time_us || !res)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no timestamps or no result to fill");
	memset(res, 0, sizeof *res);
	if (n < 2)
		return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
				 "%zu timestamp(s): a volume needs 2", n);
	t = malloc(n * sizeof *t);
	if (!t)
		return tci_error(err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	memcpy(t, time_us, n * sizeof *t);
	qsort(t, n, sizeof *t, cmp_i64);
	span = ((double)t[n - 1] - (double)t[0]) / US_PER_DAY;
	if (!(span > 0) || span > MAX_DAYS) {
		free(t);
		return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
				 "timestamps span %g days: need more than "
				 "0 and at most %d", span, MAX_DAYS);
	}

	/* Whole days only: the first and last days are partial. */
	d0 = day_of(t[0]) + 1;
	d1 = day_of(t[n - 1]) - 1;
	if (d1 - d0 + 1 < 3) {
		res->requests = n;
		res->span_days = span;
		short_log(t, n, res);
		res->as_of = as_of == INT64_MIN
				     ? tc_fit_volume_level_day(&res->first_day,
							       &res->last_day,
							       1)
				     : as_of;
		free(t);
		return TC_OK;
	}
	counts = calloc((size_t)(d1 - d0 + 1), sizeof *counts);
	if (!counts) {
		free(t);
		return tci_error(err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	}
	for (i = 0; i < n; i++)
		if (day_of(t[i]) >= d0 && day_of(t[i]) <= d1)
			counts[day_of(t[i]) - d0] += 1;
	st = tc_fit_volume_daily(counts, (size_t)(d1 - d0 + 1), d0, as_of,
				 res, err);
	res->requests = n;
	res->span_days = span;
	free(counts);
	free(t);
	return st;
}
