/*
 * fit_volume_attrs.c - a daily volume fit as the graph receives it:
 * the day its level describes and the specs of requests_per_day,
 * growth, weekly and dispersion with the small-sample correction.
 * tokcast fit and the backtest both write volumes through here, so the
 * backtest's calibration test covers what tokcast fit writes
 * (docs/fitting.md, docs/backtest.md).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tokcast/fit.h"

/* The size written when the days are not overdispersed (Poisson). */
#define SIZE_NONE 1e9

int64_t tc_fit_volume_level_day(const int64_t *first, const int64_t *last,
				size_t n)
{
	int64_t start = INT64_MIN, end = INT64_MAX;
	size_t i;

	if (!first || !last || n == 0)
		return INT64_MIN;
	for (i = 0; i < n; i++) {
		start = first[i] > start ? first[i] : start;
		end = last[i] < end ? last[i] : end;
	}

	/* Disjoint histories give the middle of the gap between them. */
	return start + (end - start) / 2;
}

/*
 * (n - p) / n for p mean parameters (level, growth and six weekday
 * factors; the level alone without a trend) fitted to n days. The
 * maximum-likelihood size understates the extra-Poisson variance as a
 * variance divided by n instead of n - p does, and the standard errors
 * from the observed information are as short: the size is multiplied by
 * this factor and the SEs divided by its square root, the usual
 * degrees-of-freedom correction. With n <= p + 1 it is 1 / n, which
 * widens a level of one or two days to one day's Poisson spread; a log
 * of under three full days (full_days 0: a rate over its span, no model
 * of daily counts) is left as it is.
 */
static double dof_factor(const tc_fit_volume *v)
{
	double n = (double)v->full_days, p = v->has_trend ? 8 : 1;

	if (v->full_days == 0)
		return 1;
	return n > p + 1 ? (n - p) / n : 1 / n;
}

/* "normal(v, se)", or v alone when se is 0. */
static void uncertain(char *buf, size_t size, double v, double se)
{
	if (se > 0)
		snprintf(buf, size, "normal(%.10g, %.4g)", v, se);
	else
		snprintf(buf, size, "%.10g", v);
}

/*
 * The level: normal(level, se) when se is under a third of the level;
 * otherwise (a level placed far from its log, where the growth's
 * uncertainty has compounded) a normal would put mass below 0, which the
 * engine redraws, raising the mean, so a lognormal with the same mean
 * and standard deviation is written.
 */
static void level_spec(char *buf, size_t size, double level, double se)
{
	double s2;

	if (!(se > level / 3) || !(level > 0)) {
		uncertain(buf, size, level, se);
		return;
	}
	s2 = log1p((se / level) * (se / level));
	snprintf(buf, size, "lognormal(mu=%.10g, sigma=%.4g)",
		 log(level) - s2 / 2, sqrt(s2));
}

/* The seven weekly factors, Monday first, each with its widened SE. */
static void weekly_spec(const tc_fit_volume *v, double inf, char *buf,
			size_t size)
{
	char one[64];
	size_t len = 0;
	int j;

	buf[0] = 0;
	for (j = 0; j < 7 && len < size; j++) {
		uncertain(one, sizeof one, v->weekly[j],
			  inf * v->weekly_se[j]);
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					j ? "," : "", one);
	}
}

/*
 * The size as a lognormal around the corrected size with the SE of its
 * logarithm, the scale the fitter estimates it on, so a draw is never
 * negative. A fit of three or more days that found no overdispersion
 * gives SIZE_NONE; fewer days estimate no size.
 */
static void dispersion_spec(const tc_fit_volume *v, double dof, double inf,
			    tc_fit_volume_attrs *a)
{
	double k = v->dispersion * dof;

	if (v->has_dispersion && v->dispersion_se > 0)
		snprintf(a->dispersion, sizeof a->dispersion,
			 "lognormal(mu=%.10g, sigma=%.4g)", log(k),
			 inf * v->dispersion_se / v->dispersion);
	else if (v->has_dispersion)
		snprintf(a->dispersion, sizeof a->dispersion, "%.10g", k);
	else if (v->full_days >= 3)
		snprintf(a->dispersion, sizeof a->dispersion, "%.10g",
			 SIZE_NONE);
	else
		return;
	a->size = v->has_dispersion ? k : SIZE_NONE;
}

void tc_fit_volume_attrs_of(const tc_fit_volume *v, tc_fit_volume_attrs *a)
{
	double dof, inf;

	memset(a, 0, sizeof *a);
	if (!v)
		return;
	dof = dof_factor(v);
	inf = sqrt(1 / dof);
	a->dof = dof;
	a->as_of = v->as_of;
	a->level = v->level;
	level_spec(a->requests_per_day, sizeof a->requests_per_day,
		   v->level, inf * v->level_se);
	if (v->has_trend) {
		a->monthly_growth = v->growth;
		uncertain(a->growth, sizeof a->growth, v->growth,
			  inf * v->growth_se);
		weekly_spec(v, inf, a->weekly, sizeof a->weekly);
	}
	dispersion_spec(v, dof, inf, a);
}
