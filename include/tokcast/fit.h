/*
 * tokcast/fit.h - fitting per-request token counts, shares, rank
 * correlation and daily request volume from usage logs.
 *
 * Token counts are integers, so every family is fitted by maximum
 * likelihood as a discretised distribution: a count k has probability
 * P(k - 1/2 < X < k + 1/2) (k = 0: P(X < 1/2)), which makes AIC and BIC
 * comparable across families. The continuous maximum-likelihood fit of
 * each family is kept beside it for comparison with reference tools.
 * docs/fitting.md describes the method, thresholds and fallbacks.
 */
#ifndef TOKCAST_FIT_H
#define TOKCAST_FIT_H

#include <stddef.h>
#include <stdint.h>
#include "tokcast/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The families tried for a token count, in report order. */
typedef enum tc_fit_family {
	TC_FIT_LOGNORMAL = 0,	/* mu, sigma */
	TC_FIT_GAMMA,		/* shape, scale */
	TC_FIT_WEIBULL,		/* shape, scale */
	TC_FIT_LOGLOGISTIC,	/* scale, shape */
	TC_FIT_NEGBINOMIAL,	/* mean, size */
	TC_FIT_MIXTURE,		/* w1, mu1, sigma1, mu2, sigma2 (lognormal) */
	TC_FIT_NFAMILIES
} tc_fit_family;

#define TC_FIT_MAX_PARAMS 5

/* The default Kolmogorov-Smirnov distance below which a family passes. */
#define TC_FIT_KS_PASS 0.05

/* The default context window (tokens) a heavy tail is truncated at. */
#define TC_FIT_CONTEXT_WINDOW 200000.0

/* Options of tc_fit_counts. Zero-initialised fields take the defaults. */
typedef struct tc_fit_opts {
	double ks_pass;		/* KS pass threshold, 0: TC_FIT_KS_PASS */
	double context_window;	/* 0: TC_FIT_CONTEXT_WINDOW */
	int no_cap_detection;	/* 1: never model a pile-up as a cap */
	unsigned max_iter;	/* simplex iterations per start, 0: 1500 */
	unsigned families;	/* bit (1u << family) per family, 0: all */
} tc_fit_opts;

/* One family's fit of one quantity. */
typedef struct tc_fit_one {
	tc_fit_family family;
	int ok;			/* 0: failed or skipped; only family set */
	int skipped;		/* 1: left out by tc_fit_opts.families */
	size_t nparams;
	double params[TC_FIT_MAX_PARAMS];	/* discretised MLE */
	double se[TC_FIT_MAX_PARAMS];		/* standard errors */
	int se_ok;		/* 0: the information matrix was singular */
	double continuous[TC_FIT_MAX_PARAMS];	/* continuous MLE */
	int continuous_ok;
	double loglik;		/* maximised discretised log-likelihood */
	double aic, bic;
	double ks;		/* KS distance, discretised CDF */
	double ad;		/* discrete Anderson-Darling statistic */
	int converged;		/* 0: iteration cap reached */
	int heavy_tail;		/* log-logistic shape <= 2: written truncated */
} tc_fit_one;

/* The tail of an empirical fallback: a lognormal above a threshold. */
typedef struct tc_fit_tail {
	int present;		/* 0: too few rows above the threshold */
	double threshold;	/* the 99th percentile of the body */
	double share;		/* share of rows above it */
	double mu, sigma;	/* conditional MLE of the exceedances */
} tc_fit_tail;

/* The fit of one quantity (input or output tokens) of one class. */
typedef struct tc_fit_result {
	size_t rows;		/* rows fitted */
	size_t distinct;	/* distinct values */
	double min, max, mean;
	int capped;		/* a pile-up below a maximum was found */
	double cap_lo, cap_hi;	/* the pile-up's smallest and largest value */
	double cap_share;	/* share of rows in the pile-up */
	size_t nfits;
	tc_fit_one fits[TC_FIT_NFAMILIES];
	int chosen;		/* index into fits by AIC, -1: empirical */
	int by_bic;		/* index into fits of the BIC winner */
	int empirical;		/* 1: no family passed the KS threshold */
	double ks_pass;		/* the threshold used */
	double context_window;	/* the window heavy tails are cut at */
	size_t nquantiles;	/* empirical fallback: body quantiles */
	double *quantiles;
	tc_fit_tail tail;
} tc_fit_result;

/* The family's name as in the spec grammar ("lognormal", "mixture"). */
const char *tc_fit_family_name(tc_fit_family family);

/* The name of parameter i of a family ("mu"), NULL past the last. */
const char *tc_fit_param_name(tc_fit_family family, size_t i);

/*
 * Fits every family to n non-negative integer counts x (doubles holding
 * whole numbers). Detects a cap first (docs/fitting.md), fits each family
 * from several starts, computes the goodness of fit, chooses by AIC and
 * falls back to the empirical distribution when no family's KS distance
 * is below the threshold. *res is filled (free it with
 * tc_fit_result_free). Returns TC_OK (a family may still have ok = 0),
 * TC_ERR_ARG (x or res NULL), TC_ERR_INVALID (n < 2, a negative,
 * fractional, non-finite value or one above 1e12, or all values equal:
 * err says which), TC_ERR_NOMEM.
 */
tc_status tc_fit_counts(const double *x, size_t n, const tc_fit_opts *opts,
			tc_fit_result *res, tc_error *err);

/* Like tc_fit_counts for 64-bit counts. */
tc_status tc_fit_counts_u64(const uint64_t *x, size_t n,
			    const tc_fit_opts *opts, tc_fit_result *res,
			    tc_error *err);

/* Frees what tc_fit_counts allocated inside res. Accepts NULL. */
void tc_fit_result_free(tc_fit_result *res);

/*
 * The distribution spec the graph receives for res: the chosen family
 * with its parameters (with_se: each parameter written as
 * normal(value, se) so the engine draws it per trial), wrapped in the
 * cap's truncation and point mass, truncated at the context window when
 * heavy-tailed, or the empirical fallback with its tail. Returns a
 * malloc'd string the caller frees, NULL when out of memory.
 */
char *tc_fit_spec(const tc_fit_result *res, int with_se);

/* The spec of one family's fit (without cap or fallback wrapping). */
char *tc_fit_one_spec(const tc_fit_one *fit, int with_se);

/* A share per request (cached share and the like). */
typedef struct tc_fit_share {
	size_t rows;
	double p0, p1;		/* shares of rows exactly 0 and exactly 1 */
	int beta_ok;		/* beta fitted on the interior rows */
	double a, b, se_a, se_b;
	double ks;		/* KS distance of the whole mixture */
	int empirical;		/* 1: beta failed or KS above threshold */
	double mean;
	size_t nquantiles;
	double *quantiles;	/* empirical fallback values */
} tc_fit_share;

/*
 * Fits n shares in [0, 1]: point masses at 0 and 1 and a beta on the rest
 * (maximum likelihood), written as empirical when the beta's KS distance
 * exceeds ks_pass (0: TC_FIT_KS_PASS). Returns TC_OK, TC_ERR_ARG,
 * TC_ERR_INVALID (n == 0, a value outside [0, 1] or not finite),
 * TC_ERR_NOMEM. Free with tc_fit_share_free.
 */
tc_status tc_fit_share_values(const double *s, size_t n, double ks_pass,
			      tc_fit_share *res, tc_error *err);
void tc_fit_share_free(tc_fit_share *res);

/* The share's spec, e.g. mixture(0.4, 0, 0.6, beta(a=1.2, b=3.4)). */
char *tc_fit_share_spec(const tc_fit_share *res);

/*
 * Spearman's rank correlation of x and y (ties get average ranks) and its
 * standard error (Bonett-Wright). Returns TC_OK, TC_ERR_ARG, TC_ERR_INVALID
 * (n < 4, or one of the series constant), TC_ERR_NOMEM.
 */
tc_status tc_fit_rank_corr(const double *x, const double *y, size_t n,
			   double *rho, double *se, tc_error *err);

/* Daily request volume of a class. */
typedef struct tc_fit_volume {
	size_t requests;
	double span_days;	/* last minus first timestamp, in days */
	size_t full_days;	/* whole UTC days covered */
	double level, level_se;	/* requests per average day at as_of */
	int weak_level;		/* 1: shorter than a day, no daily cycle */
	int has_trend;		/* 1: >= 14 full days: growth, weekly */
	double growth, growth_se;	/* monthly: (1 + g)^(d / 30.4375) */
	double weekly[7], weekly_se[7];	/* Monday first, mean 1 */
	int has_dispersion;	/* 0: fewer than 3 days, or not overdispersed */
	double dispersion, dispersion_se;	/* negative binomial size */
	int64_t first_day, last_day;	/* days since 1970-01-01 */
	int64_t as_of;		/* the day level describes */
} tc_fit_volume;

/*
 * Fits the daily volume from n request timestamps (microseconds since
 * 1970-01-01T00:00Z, any order). A log of at least 14 full days gives a
 * negative binomial log-linear model of the daily counts (level, monthly
 * growth, day-of-week factors, size); at least 3 full days a level and a
 * dispersion; shorter logs a rate scaled to a day (weak_level when under
 * one day). as_of (days since 1970) is the day the level describes;
 * INT64_MIN means the middle day of the log, first_day + (last_day -
 * first_day) / 2, where the level's error and the growth's are nearly
 * uncorrelated (docs/fitting.md). The model is fitted at the middle day
 * and a level at another day moved there, so every as_of gives the same
 * fit (level_se then includes the growth's uncertainty over the
 * distance). Returns TC_OK, TC_ERR_ARG,
 * TC_ERR_INVALID (n < 2 or all timestamps equal), TC_ERR_NOMEM.
 */
tc_status tc_fit_volume_times(const int64_t *time_us, size_t n,
			      int64_t as_of, tc_fit_volume *res,
			      tc_error *err);

/*
 * The same from daily counts: counts[i] requests on day first_day + i,
 * as_of as above (INT64_MIN: the middle day). Returns TC_OK,
 * TC_ERR_ARG, TC_ERR_INVALID (ndays == 0, a negative or non-finite
 * count, all zero), TC_ERR_NOMEM.
 */
tc_status tc_fit_volume_daily(const double *counts, size_t ndays,
			      int64_t first_day, int64_t as_of,
			      tc_fit_volume *res, tc_error *err);

/*
 * The day the levels of several volume fits are placed at: the middle
 * day of the days their histories share, max(first) + (min(last) -
 * max(first)) / 2 (days since 1970; the middle of the gap between them
 * when they share none). One history gives its own middle day, the
 * default of tc_fit_volume_times. INT64_MIN when n is 0 or an array is
 * NULL.
 */
int64_t tc_fit_volume_level_day(const int64_t *first, const int64_t *last,
				size_t n);

/*
 * A volume fit as the graph receives it (tokcast fit and the backtest
 * write these): specs of the graph's attribute names, with the
 * small-sample correction of docs/backtest.md applied. A string is ""
 * when the fit estimated nothing for it (growth and weekly under 14 full
 * days, dispersion under 3), and the caller keeps or sets its own value.
 */
typedef struct tc_fit_volume_attrs {
	int64_t as_of;		/* the day the level describes */
	double dof;		/* (n - p) / n, the factor applied */
	double level;		/* point values, for keys declared numbers */
	double monthly_growth;
	double size;		/* the corrected size; 0 when not written */
	char requests_per_day[64];	/* normal(level, se / sqrt(dof)) */
	char growth[64];		/* normal(g, se / sqrt(dof)) */
	char weekly[512];		/* seven normal(w, se / sqrt(dof)) */
	char dispersion[96];	/* lognormal(mu=ln(k dof), sigma=..) */
} tc_fit_volume_attrs;

/*
 * Fills *out from the fit v: with n = full_days and p mean parameters
 * (8 with a trend, else 1), dof = (n - p) / n (1 / n when n <= p + 1,
 * 1 when full_days is 0, a rate over a span under three full days);
 * every standard error divided by sqrt(dof); the size multiplied by dof
 * and written lognormal(mu = ln(size), sigma = se(size) / (size
 * sqrt(dof))), or 1e9 when three or more days showed no
 * overdispersion. A parameter whose SE is 0 is written as a constant; a
 * level whose SE exceeds a third of it (placed far from its log) as the
 * lognormal of the same mean and sd, which never draws below 0. A NULL
 * v gives an empty *out.
 */
void tc_fit_volume_attrs_of(const tc_fit_volume *v,
			    tc_fit_volume_attrs *out);

/* The fit report written by tokcast fit --report (docs/fitting.md). */
typedef struct tc_fit_report tc_fit_report;

tc_fit_report *tc_fit_report_new(void);
void tc_fit_report_free(tc_fit_report *rep);

/*
 * Adds a class with its row count (creating it on first use), then a
 * quantity's fit ("input_tokens", "output_tokens"), a share
 * ("cached_share"), the rank correlation and the volume. The report
 * copies what it needs. Return TC_OK, TC_ERR_ARG, TC_ERR_NOMEM.
 */
tc_status tc_fit_report_class(tc_fit_report *rep, const char *cls,
			      size_t rows);
tc_status tc_fit_report_counts(tc_fit_report *rep, const char *cls,
			       const char *quantity,
			       const tc_fit_result *res);
tc_status tc_fit_report_share(tc_fit_report *rep, const char *cls,
			      const char *quantity, const tc_fit_share *res);
tc_status tc_fit_report_rank_corr(tc_fit_report *rep, const char *cls,
				  double rho, double se);
tc_status tc_fit_report_volume(tc_fit_report *rep, const char *cls,
			       const tc_fit_volume *vol);

/*
 * The report as JSON text (malloc'd, caller frees; NULL when out of
 * memory), and written atomically to path ("-": stdout). The write
 * returns TC_OK, TC_ERR_IO, TC_ERR_NOMEM.
 */
char *tc_fit_report_json(const tc_fit_report *rep);
tc_status tc_fit_report_write(const tc_fit_report *rep, const char *path,
			      tc_error *err);

#ifdef __cplusplus
}
#endif

#endif
