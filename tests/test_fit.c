/*
 * test_fit.c - fitting token counts, shares, rank correlation and daily
 * volume: recovery of known parameters from seeded draws, agreement with
 * scipy on the real traces, hand-computed goodness of fit, specs, the
 * report's JSON shape, and degenerate inputs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <jansson.h>

#include "tc_test.h"
#include "tci.h"
#include "../models/fiti.h"

/* The spec must be valid in the graph's grammar (tokcast/spec.h). */
static void assert_spec_parses(const char *text)
{
	tc_spec *spec = NULL;
	tc_error err = { 0 };

	assert_non_null(text);
	if (tc_spec_parse(text, NULL, &spec, &err) != TC_OK)
		fail_msg("spec does not parse: %s: %.200s", err.message, text);
	tc_spec_free(spec);
}

/* Draws n values of a family with known parameters, rounded to counts. */
static double draw(tc_fit_family fam, const double *p, gsl_rng *r)
{
	double u, x = 0;

	switch (fam) {
	case TC_FIT_LOGNORMAL:
		x = gsl_ran_lognormal(r, p[0], p[1]);
		break;
	case TC_FIT_GAMMA:
		x = gsl_ran_gamma(r, p[0], p[1]);
		break;
	case TC_FIT_WEIBULL:
		x = gsl_ran_weibull(r, p[1], p[0]);
		break;
	case TC_FIT_LOGLOGISTIC:
		u = gsl_rng_uniform_pos(r);
		x = p[0] * pow(u / (1 - u), 1 / p[1]);
		break;
	case TC_FIT_NEGBINOMIAL:
		return gsl_ran_negative_binomial(r, p[1] / (p[1] + p[0]),
						 p[1]);
	case TC_FIT_MIXTURE:
		if (gsl_rng_uniform(r) < p[0])
			x = gsl_ran_lognormal(r, p[1], p[2]);
		else
			x = gsl_ran_lognormal(r, p[3], p[4]);
		break;
	default:
		break;
	}
	return floor(x + 0.5);
}

/*
 * Fits 10,000 seeded draws of fam and checks every parameter lies within
 * 3 reported standard errors of the truth.
 */
static void recover(tc_fit_family fam, const double *truth)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	size_t n = 10000, i;
	double *x = malloc(n * sizeof *x);
	tc_fit_opts o = { 0 };
	tc_fit_result res;
	const tc_fit_one *f;

	gsl_rng_set(r, 20261203);
	for (i = 0; i < n; i++)
		x[i] = draw(fam, truth, r);
	o.no_cap_detection = 1;
	o.families = 1u << fam;
	assert_int_equal(tc_fit_counts(x, n, &o, &res, NULL), TC_OK);
	f = &res.fits[fam];
	assert_true(f->ok);
	assert_true(f->se_ok);
	for (i = 0; i < f->nparams; i++) {
		assert_true(f->se[i] > 0);
		if (fabs(f->params[i] - truth[i]) > 3 * f->se[i])
			fail_msg("%s %s: %g, truth %g, se %g",
				 tc_fit_family_name(fam),
				 tc_fit_param_name(fam, i), f->params[i],
				 truth[i], f->se[i]);
	}
	tc_fit_result_free(&res);
	free(x);
	gsl_rng_free(r);
}

static void recovers_lognormal(void **state)
{
	const double p[] = { 6.2, 0.9 };

	recover(TC_FIT_LOGNORMAL, p);
}

static void recovers_gamma(void **state)
{
	const double p[] = { 1.7, 120 };

	recover(TC_FIT_GAMMA, p);
}

static void recovers_weibull(void **state)
{
	const double p[] = { 1.3, 230 };

	recover(TC_FIT_WEIBULL, p);
}

static void recovers_loglogistic(void **state)
{
	const double p[] = { 800, 2.6 };

	recover(TC_FIT_LOGLOGISTIC, p);
}

static void recovers_negbinomial(void **state)
{
	const double p[] = { 40, 2.5 };

	recover(TC_FIT_NEGBINOMIAL, p);
}

static void recovers_mixture(void **state)
{
	const double p[] = { 0.6, 4.0, 0.4, 6.5, 0.5 };

	recover(TC_FIT_MIXTURE, p);
}

/* Small counts, where discretisation matters most: mean 3 lognormal. */
static void recovers_small_counts(void **state)
{
	const double p[] = { 0.8, 0.7 };

	recover(TC_FIT_LOGNORMAL, p);
}

/*
 * KS and AD by hand: negative binomial with mean 1 and size 1 is the
 * geometric P(k) = 2^-(k+1), G(k) = 1 - 2^-(k+1). Data {0, 0, 1, 3}:
 * the empirical CDF is 0.5, 0.75, 1 at 0, 1, 3; the largest gap is just
 * before 3, |0.75 - G(2)| = 0.125. AD (docs/fitting.md) has three
 * non-zero terms: the gap (0.75; 0.75 to 0.875) -0.125 + 0.5625 ln(7/6)
 * + 0.0625 ln 2; the cell of 3 0.0625^3 / (0.9375 * 0.0625); the end
 * -0.0625 - ln 0.9375; times n = 4: 0.044946575968.
 */
static void gof_matches_hand_values(void **state)
{
	const double x[] = { 0, 0, 1, 3 }, p[] = { 1, 1 };
	tci_freq f, none = { 0 };
	double ks, ad;

	assert_int_equal(tci_freq_build(x, 4, &f), TC_OK);
	tci_fit_gof(tci_fam_get(TC_FIT_NEGBINOMIAL), p, &f, -1, &none, &ks,
		    &ad);
	assert_true(fabs(ks - 0.125) < 1e-12);
	assert_true(fabs(ad - 0.044946575968) < 1e-9);
	tci_freq_free(&f);
}

/* The discretised cell at 0 is P(X < 1/2); at k, the mass of k +- 1/2. */
static void cells_match_closed_forms(void **state)
{
	const tci_fam *wb = tci_fam_get(TC_FIT_WEIBULL);
	const double p[] = { 2, 10 };

	/* Weibull: P(a < X < b) = exp(-(a/10)^2) - exp(-(b/10)^2). */
	assert_true(fabs(tci_fam_lcell(wb, p, 0) -
			 log(1 - exp(-0.0025))) < 1e-12);
	assert_true(fabs(tci_fam_lcell(wb, p, 7) -
			 log(exp(-0.4225) - exp(-0.5625))) < 1e-12);
}

/* ---- The real traces against scipy -------------------------------- */

/*
 * Reference values computed on 2026-12-03 with Debian's python3-scipy
 * 1.10.1 by tests/reference/fit_reference.py (run from the project root
 * with /usr/bin/python3): the maximised discretised log-likelihood of
 * each family (scipy.optimize Nelder-Mead at xatol 1e-10 restarted
 * three times, then BFGS at gtol 1e-10, from scipy's own continuous fits
 * and moment starts, on the same discretised and cap-truncated
 * likelihood), and scipy.stats.lognorm.fit(x, floc=0) as (log scale, s)
 * and scipy.stats.gamma.fit(x, floc=0) as (a, scale).
 */
typedef struct trace_ref {
	const char *name;
	double loglik[TC_FIT_NFAMILIES];
	double lognorm[2];
	double gamma[2];
} trace_ref;

#include "reference/fit_reference.h"

/* Reads column col (1 or 2) of an Azure trace CSV. */
static double *read_azure(const char *path, int col, size_t *n)
{
	FILE *f = fopen(path, "r");
	char line[256], *p, *end;
	size_t cap = 32768;
	double *x = malloc(cap * sizeof *x);

	*n = 0;
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	while (fgets(line, sizeof line, f)) {
		p = strchr(line, ',');
		if (p && col == 2)
			p = strchr(p + 1, ',');
		if (!p)
			continue;
		if (*n == cap)
			x = realloc(x, (cap *= 2) * sizeof *x);
		x[(*n)++] = strtod(p + 1, &end);
	}
	fclose(f);
	return x;
}

/* Reads a field ("input_length") of every line of the Mooncake trace. */
static double *read_mooncake(const char *path, const char *field, size_t *n)
{
	FILE *f = fopen(path, "r");
	static char line[1 << 20];
	char key[64], *p;
	size_t cap = 16384;
	double *x = malloc(cap * sizeof *x);

	*n = 0;
	assert_non_null(f);
	snprintf(key, sizeof key, "\"%s\":", field);
	while (fgets(line, sizeof line, f)) {
		p = strstr(line, key);
		if (!p)
			continue;
		if (*n == cap)
			x = realloc(x, (cap *= 2) * sizeof *x);
		x[(*n)++] = strtod(p + strlen(key), NULL);
	}
	fclose(f);
	return x;
}

static double *read_trace(const char *name, size_t *n)
{
	const char *code = "traces/azure-llm-2023/"
			   "AzureLLMInferenceTrace_code.csv";
	const char *conv = "traces/azure-llm-2023/"
			   "AzureLLMInferenceTrace_conv.csv";
	const char *moon = "traces/mooncake-fast25/"
			   "conversation_trace.jsonl";

	if (!strcmp(name, "azure_code_input"))
		return read_azure(tc_shared_path(code), 1, n);
	if (!strcmp(name, "azure_code_output"))
		return read_azure(tc_shared_path(code), 2, n);
	if (!strcmp(name, "azure_conv_input"))
		return read_azure(tc_shared_path(conv), 1, n);
	if (!strcmp(name, "azure_conv_output"))
		return read_azure(tc_shared_path(conv), 2, n);
	if (!strcmp(name, "mooncake_input"))
		return read_mooncake(tc_shared_path(moon), "input_length", n);
	return read_mooncake(tc_shared_path(moon), "output_length", n);
}

/* Relative difference, for parameter comparisons. */
static double rel(double a, double b)
{
	return fabs(a - b) / fabs(b);
}

/*
 * Fits one trace quantity; every family's log-likelihood must reach
 * scipy's minus 1e-6 |scipy's|, and the continuous lognormal and gamma
 * parameters must agree with scipy.stats to 1e-4 relative.
 */
static void against_scipy(const char *name)
{
	const trace_ref *ref = NULL;
	tc_fit_result res;
	const tc_fit_one *f;
	size_t n, i;
	double *x;

	for (i = 0; i < sizeof trace_refs / sizeof trace_refs[0]; i++)
		if (!strcmp(trace_refs[i].name, name))
			ref = &trace_refs[i];
	assert_non_null(ref);
	x = read_trace(name, &n);
	assert_int_equal(tc_fit_counts(x, n, NULL, &res, NULL), TC_OK);
	for (i = 0; i < TC_FIT_NFAMILIES; i++) {
		f = &res.fits[i];
		assert_true(f->ok);
		if (f->loglik < ref->loglik[i] - 1e-6 * fabs(ref->loglik[i]))
			fail_msg("%s %s: loglik %.6f, scipy %.6f", name,
				 tc_fit_family_name(f->family), f->loglik,
				 ref->loglik[i]);
		assert_true(isfinite(f->ks) && isfinite(f->ad));
	}
	f = &res.fits[TC_FIT_LOGNORMAL];
	assert_true(rel(f->continuous[0], ref->lognorm[0]) < 1e-4);
	assert_true(rel(f->continuous[1], ref->lognorm[1]) < 1e-4);
	f = &res.fits[TC_FIT_GAMMA];
	assert_true(rel(f->continuous[0], ref->gamma[0]) < 1e-4);
	assert_true(rel(f->continuous[1], ref->gamma[1]) < 1e-4);
	tc_fit_result_free(&res);
	free(x);
}

static void scipy_azure_code_input(void **state)
{
	against_scipy("azure_code_input");
}

static void scipy_azure_code_output(void **state)
{
	against_scipy("azure_code_output");
}

static void scipy_azure_conv_input(void **state)
{
	against_scipy("azure_conv_input");
}

static void scipy_azure_conv_output(void **state)
{
	against_scipy("azure_conv_output");
}

static void scipy_mooncake_input(void **state)
{
	against_scipy("mooncake_input");
}

static void scipy_mooncake_output(void **state)
{
	against_scipy("mooncake_output");
}

/*
 * The Azure code input piles up at 7,434-7,437 tokens (3.8% of rows,
 * ../shared/README.md): the cap must be found, span those values and
 * hold about that share, and the spec must truncate below it.
 */
static void azure_code_cap_detected(void **state)
{
	tc_fit_opts o = { 0 };
	tc_fit_result res;
	size_t n;
	double *x = read_trace("azure_code_input", &n);
	char *spec;

	o.families = 1u << TC_FIT_WEIBULL;
	assert_int_equal(tc_fit_counts(x, n, &o, &res, NULL), TC_OK);
	assert_true(res.capped);
	assert_true(res.cap_lo <= 7434 && res.cap_lo > 7400);
	assert_true(res.cap_hi == 7437);
	assert_true(res.cap_share >= 0.038 && res.cap_share < 0.045);
	spec = tc_fit_spec(&res, 0);
	assert_non_null(spec);
	assert_non_null(strstr(spec, "truncate("));
	assert_non_null(strstr(spec, ", max=7425.5)"));
	assert_spec_parses(spec);
	free(spec);
	spec = tc_fit_spec(&res, 1);
	assert_spec_parses(spec);
	free(spec);
	tc_fit_result_free(&res);
	free(x);
}

/* ---- Caps, tails, fallback and specs --------------------------------- */

/*
 * A lognormal body with 4% of rows piled at 3000-3002: the cap is found
 * and the mixture's sigmas stay at or above their bound even when the
 * pile-up is left in (cap detection off).
 */
static void mixture_never_collapses_on_pile(void **state)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	size_t n = 10000, i;
	double *x = malloc(n * sizeof *x);
	tc_fit_opts o = { 0 };
	tc_fit_result res;
	const tc_fit_one *m;

	gsl_rng_set(r, 7);
	for (i = 0; i < n; i++) {
		do
			x[i] = floor(gsl_ran_lognormal(r, 6, 0.7));
		while (x[i] >= 2990);
		if (i % 25 == 0)
			x[i] = 3000 + (double)(i % 3);
	}
	o.families = 1u << TC_FIT_LOGNORMAL;
	assert_int_equal(tc_fit_counts(x, n, &o, &res, NULL), TC_OK);
	assert_true(res.capped);
	assert_true(res.cap_lo >= 2990 && res.cap_lo <= 3000);
	tc_fit_result_free(&res);

	o.no_cap_detection = 1;
	o.families = 1u << TC_FIT_MIXTURE;
	assert_int_equal(tc_fit_counts(x, n, &o, &res, NULL), TC_OK);
	m = &res.fits[TC_FIT_MIXTURE];
	assert_true(m->ok);
	assert_true(m->params[2] >= 0.05 && m->params[4] >= 0.05);
	tc_fit_result_free(&res);
	free(x);
	gsl_rng_free(r);
}

/* Three far-apart spikes: no family passes, the empirical is written. */
static void falls_back_to_empirical(void **state)
{
	size_t n = 3000, i;
	double *x = malloc(n * sizeof *x);
	tc_fit_result res;
	char *spec;

	for (i = 0; i < n; i++)
		x[i] = (i % 3 == 0 ? 10 : i % 3 == 1 ? 1000 : 100000) +
		       (double)(i % 7);
	assert_int_equal(tc_fit_counts(x, n, NULL, &res, NULL), TC_OK);
	assert_true(res.empirical);
	assert_int_equal(res.chosen, -1);
	assert_true(res.nquantiles > 0);
	spec = tc_fit_spec(&res, 1);
	assert_non_null(spec);
	assert_non_null(strstr(spec, "empirical(10, "));
	assert_spec_parses(spec);
	free(spec);
	tc_fit_result_free(&res);
	free(x);
}

/* The nested spec form of the issue, from a hand-filled fit. */
static void spec_with_standard_errors(void **state)
{
	tc_fit_one f = { 0 };
	char *s;

	f.family = TC_FIT_LOGNORMAL;
	f.ok = 1;
	f.nparams = 2;
	f.params[0] = 6.21, f.params[1] = 0.93;
	f.se[0] = 0.008, f.se[1] = 0.006;
	f.se_ok = 1;
	s = tc_fit_one_spec(&f, 1);
	assert_string_equal(s, "lognormal(mu=normal(6.21, 0.008), "
			       "sigma=normal(0.93, 0.006))");
	assert_spec_parses(s);
	free(s);
	s = tc_fit_one_spec(&f, 0);
	assert_string_equal(s, "lognormal(mu=6.21, sigma=0.93)");
	free(s);
}

/* Log-logistic with shape <= 2 is cut at the context window. */
static void heavy_tail_is_truncated(void **state)
{
	tc_fit_result r = { 0 };
	char *s;

	r.nfits = TC_FIT_NFAMILIES;
	r.chosen = TC_FIT_LOGLOGISTIC;
	r.context_window = 200000;
	r.fits[TC_FIT_LOGLOGISTIC].family = TC_FIT_LOGLOGISTIC;
	r.fits[TC_FIT_LOGLOGISTIC].ok = 1;
	r.fits[TC_FIT_LOGLOGISTIC].nparams = 2;
	r.fits[TC_FIT_LOGLOGISTIC].params[0] = 1000;
	r.fits[TC_FIT_LOGLOGISTIC].params[1] = 1.5;
	r.fits[TC_FIT_LOGLOGISTIC].heavy_tail = 1;
	s = tc_fit_spec(&r, 0);
	assert_string_equal(s, "truncate(loglogistic(scale=1000, shape=1.5),"
			       " max=200000)");
	assert_spec_parses(s);
	free(s);

	/* With a cap: the body truncated below it, the pile-up uniform. */
	r.capped = 1;
	r.cap_lo = 7426, r.cap_hi = 7437, r.cap_share = 0.04;
	s = tc_fit_spec(&r, 0);
	assert_string_equal(s, "mixture(0.96, truncate(loglogistic("
			       "scale=1000, shape=1.5), max=7425.5), 0.04, "
			       "uniform(7425.5, 7437.5))");
	assert_spec_parses(s);
	free(s);
}

/* ---- Degenerate inputs -------------------------------------------------- */

static void rejects_degenerate_counts(void **state)
{
	const double one[] = { 5 }, same[] = { 7, 7, 7, 7 };
	const double neg[] = { 1, -2, 3 }, frac[] = { 1, 2.5, 3 };
	const double absurd[] = { 1, 2, 1e13 };
	double bad[] = { 1, 2, 3 };
	tc_fit_result res;
	tc_error err = { 0 };

	assert_int_equal(tc_fit_counts(one, 1, NULL, &res, &err),
			 TC_ERR_INVALID);
	assert_int_equal(tc_fit_counts(same, 4, NULL, &res, NULL),
			 TC_ERR_INVALID);
	assert_int_equal(tc_fit_counts(neg, 3, NULL, &res, NULL),
			 TC_ERR_INVALID);
	memset(&err, 0, sizeof err);
	assert_int_equal(tc_fit_counts(frac, 3, NULL, &res, &err),
			 TC_ERR_INVALID);
	assert_non_null(strstr(err.message, "row 2"));
	assert_int_equal(tc_fit_counts(absurd, 3, NULL, &res, NULL),
			 TC_ERR_INVALID);
	bad[1] = NAN;
	assert_int_equal(tc_fit_counts(bad, 3, NULL, &res, NULL),
			 TC_ERR_INVALID);
	assert_int_equal(tc_fit_counts(NULL, 3, NULL, &res, NULL),
			 TC_ERR_ARG);
}

/* Checks every number of a finished fit is finite. */
static void assert_all_finite(const tc_fit_result *res)
{
	size_t i, j;

	for (i = 0; i < res->nfits; i++) {
		if (!res->fits[i].ok)
			continue;
		assert_true(isfinite(res->fits[i].loglik));
		assert_true(isfinite(res->fits[i].ks));
		assert_true(isfinite(res->fits[i].ad));
		for (j = 0; j < res->fits[i].nparams; j++) {
			assert_true(isfinite(res->fits[i].params[j]));
			assert_true(isfinite(res->fits[i].se[j]));
		}
	}
}

/* Zeros, two distinct values and a huge outlier: finite, no crash. */
static void degenerate_but_valid_counts_stay_finite(void **state)
{
	const double zeros[] = { 0, 0, 0, 1, 0, 2, 0, 0, 0, 5 };
	const double two[] = { 5, 5, 5, 6 };
	const double wild[] = { 1, 3, 2, 1e11, 4, 2, 1, 9 };
	tc_fit_result res;
	char *spec;

	assert_int_equal(tc_fit_counts(zeros, 10, NULL, &res, NULL), TC_OK);
	assert_all_finite(&res);
	spec = tc_fit_spec(&res, 1);
	assert_non_null(spec);
	free(spec);
	tc_fit_result_free(&res);
	assert_int_equal(tc_fit_counts(two, 4, NULL, &res, NULL), TC_OK);
	assert_all_finite(&res);
	tc_fit_result_free(&res);
	assert_int_equal(tc_fit_counts(wild, 8, NULL, &res, NULL), TC_OK);
	assert_all_finite(&res);
	tc_fit_result_free(&res);
}

/* ---- Shares, rank correlation --------------------------------------- */

/*
 * 20,000 shares: 10% exactly 0, the rest beta(2, 5). p0 within 3
 * binomial sd of 0.1, a and b within 3 reported SEs.
 */
static void share_recovers_beta(void **state)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	size_t n = 20000, i;
	double *s = malloc(n * sizeof *s);
	tc_fit_share res;
	char *spec;

	gsl_rng_set(r, 11);
	for (i = 0; i < n; i++)
		s[i] = gsl_rng_uniform(r) < 0.1 ? 0 : gsl_ran_beta(r, 2, 5);
	assert_int_equal(tc_fit_share_values(s, n, 0, &res, NULL), TC_OK);
	assert_true(fabs(res.p0 - 0.1) < 3 * sqrt(0.09 / n));
	assert_true(res.beta_ok && !res.empirical);
	assert_true(fabs(res.a - 2) < 3 * res.se_a);
	assert_true(fabs(res.b - 5) < 3 * res.se_b);
	spec = tc_fit_share_spec(&res);
	assert_non_null(strstr(spec, ", 0, "));
	assert_non_null(strstr(spec, "beta(a="));
	assert_null(strstr(spec, ", 1)"));
	assert_spec_parses(spec);
	free(spec);
	tc_fit_share_free(&res);
	free(s);
	gsl_rng_free(r);
}

/* Only zeros and ones: two point masses, no zero-weight beta. */
static void share_of_point_masses(void **state)
{
	const double s[] = { 0, 0, 1, 0 }, z[] = { 0, 0, 0 };
	tc_fit_share res;
	char *spec;

	assert_int_equal(tc_fit_share_values(s, 4, 0, &res, NULL), TC_OK);
	spec = tc_fit_share_spec(&res);
	assert_string_equal(spec, "mixture(0.75, 0, 0.25, 1)");
	assert_spec_parses(spec);
	free(spec);
	tc_fit_share_free(&res);
	assert_int_equal(tc_fit_share_values(z, 3, 0, &res, NULL), TC_OK);
	spec = tc_fit_share_spec(&res);
	assert_string_equal(spec, "0");
	free(spec);
	tc_fit_share_free(&res);
}

static void share_rejects_out_of_range(void **state)
{
	const double s[] = { 0.1, 1.2 };
	tc_fit_share res;

	assert_int_equal(tc_fit_share_values(s, 2, 0, &res, NULL),
			 TC_ERR_INVALID);
	assert_int_equal(tc_fit_share_values(s, 0, 0, &res, NULL),
			 TC_ERR_INVALID);
}

/*
 * By hand: y = {5, 6, 7, 8, 7} has ranks {1, 2, 3.5, 5, 3.5}; against
 * ranks 1..5 the Pearson correlation is 8 / sqrt(10 * 9.5).
 */
static void rank_corr_matches_hand_value(void **state)
{
	const double x[] = { 1, 2, 3, 4, 5 }, y[] = { 5, 6, 7, 8, 7 };
	const double c[] = { 3, 3, 3, 3, 3 };
	double rho, se;

	assert_int_equal(tc_fit_rank_corr(x, y, 5, &rho, &se, NULL), TC_OK);
	assert_true(fabs(rho - 8 / sqrt(95)) < 1e-12);
	assert_true(fabs(se - sqrt((1 + rho * rho / 2) / 2)) < 1e-12);
	assert_int_equal(tc_fit_rank_corr(x, c, 5, &rho, &se, NULL),
			 TC_ERR_INVALID);
}

/*
 * On the Azure code trace: scipy.stats.spearmanr(ContextTokens,
 * GeneratedTokens).statistic with Debian's python3-scipy 1.10.1 is
 * -0.021462355756450335 (computed 2026-12-03).
 */
static void rank_corr_matches_scipy(void **state)
{
	size_t n, m;
	double *x = read_trace("azure_code_input", &n);
	double *y = read_trace("azure_code_output", &m);
	double rho, se;

	assert_int_equal(n, m);
	assert_int_equal(tc_fit_rank_corr(x, y, n, &rho, &se, NULL), TC_OK);
	assert_true(fabs(rho - -0.021462355756450335) < 1e-12);
	free(x);
	free(y);
}

/* ---- Volume ----------------------------------------------------------- */

/*
 * 84 days of negative binomial counts (size 50) with level 1000 at the
 * middle day (index 41, the default as_of: 0 + (83 - 0) / 2), growth 5%
 * a month and a weekend dip: every estimate within 3 reported SEs. Asked
 * for the last day, the level is 1000 * 1.05^(42 / 30.4375). The level
 * is moved, not refitted: at any day it is the middle's times (1 + g)^
 * (days / 30.4375) with the same growth and growth SE, and a level
 * placed a year away still has its SEs.
 */
static void volume_recovers_trend(void **state)
{
	const double wk[7] = { 1.1, 1.1, 1.1, 1.1, 1.1, 0.75, 0.75 };
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	double y[84], m, b = log(1.05) / 30.4375;
	int64_t first = tci_days_from_civil(2026, 1, 5);
	tc_fit_volume v, mid;
	int i;

	gsl_rng_set(r, 3);
	for (i = 0; i < 84; i++) {
		m = 1000 * exp(b * (i - 41)) * wk[tci_weekday(first + i)];
		y[i] = gsl_ran_negative_binomial(r, 50 / (50 + m), 50);
	}
	assert_int_equal(tc_fit_volume_daily(y, 84, first, INT64_MIN, &v,
					     NULL),
			 TC_OK);
	assert_int_equal(v.as_of, first + 41);
	assert_true(v.has_trend && v.has_dispersion);
	assert_true(fabs(v.level - 1000) < 3 * v.level_se);
	assert_true(fabs(v.growth - 0.05) < 3 * v.growth_se);
	assert_true(fabs(v.dispersion - 50) < 3 * v.dispersion_se);
	for (i = 0; i < 7; i++)
		assert_true(fabs(v.weekly[i] - wk[i]) < 3 * v.weekly_se[i]);
	mid = v;
	assert_int_equal(tc_fit_volume_daily(y, 84, first, first + 83, &v,
					     NULL),
			 TC_OK);
	assert_true(fabs(v.level - 1000 * pow(1.05, 42 / 30.4375)) <
		    3 * v.level_se);
	assert_true(fabs(v.level / (mid.level * pow(1 + mid.growth,
						     42 / 30.4375)) - 1) <
		    1e-12);
	assert_true(v.growth == mid.growth && v.growth_se == mid.growth_se);
	assert_true(v.level_se > mid.level_se);
	assert_int_equal(tc_fit_volume_daily(y, 84, first, first + 400, &v,
					     NULL),
			 TC_OK);
	assert_true(v.level_se > 0 && v.growth_se == mid.growth_se);
	gsl_rng_free(r);
}

/*
 * Under two weeks: a level and dispersion, no growth or weekly; the
 * level describes the middle day, 0 + (4 - 0) / 2.
 */
static void volume_short_log_has_no_trend(void **state)
{
	const double y[5] = { 100, 120, 90, 110, 130 };
	tc_fit_volume v;

	assert_int_equal(tc_fit_volume_daily(y, 5, 0, INT64_MIN, &v, NULL),
			 TC_OK);
	assert_false(v.has_trend);
	assert_true(fabs(v.level - 110) < 0.5);
	assert_int_equal(v.as_of, 2);
}

/* 25 requests over exactly half a day: 50 a day, weakly identified. */
static void volume_under_a_day_is_weak(void **state)
{
	int64_t t[25];
	tc_fit_volume v;
	int i;

	for (i = 0; i < 25; i++)
		t[i] = (int64_t)i * 43200000000LL / 24 + 3600000000LL;
	assert_int_equal(tc_fit_volume_times(t, 25, INT64_MIN, &v, NULL),
			 TC_OK);
	assert_true(v.weak_level);
	assert_false(v.has_trend);
	assert_true(fabs(v.level - 50) < 1e-9);
	assert_true(fabs(v.level_se - 10) < 1e-9);
	assert_int_equal(tc_fit_volume_times(t, 1, INT64_MIN, &v, NULL),
			 TC_ERR_INVALID);
	t[1] = t[0];
	assert_int_equal(tc_fit_volume_times(t, 2, INT64_MIN, &v, NULL),
			 TC_ERR_INVALID);
}

/*
 * The day levels are placed at: the middle of the days all histories
 * share, by hand. [10, 20] -> 15; [10, 19] -> 10 + 9 / 2 = 14; shared
 * days [5, 28] -> 5 + 23 / 2 = 16; [0, 10] and [50, 60] share none:
 * 50 + (10 - 50) / 2 = 30, the middle of the gap.
 */
static void volume_level_day_hand_values(void **state)
{
	const int64_t f1[1] = { 10 }, l1[1] = { 20 }, l2[1] = { 19 };
	const int64_t f3[3] = { 0, 5, 3 }, l3[3] = { 30, 28, 40 };
	const int64_t fd[2] = { 0, 50 }, ld[2] = { 10, 60 };

	assert_int_equal(tc_fit_volume_level_day(f1, l1, 1), 15);
	assert_int_equal(tc_fit_volume_level_day(f1, l2, 1), 14);
	assert_int_equal(tc_fit_volume_level_day(f3, l3, 3), 16);
	assert_int_equal(tc_fit_volume_level_day(fd, ld, 2), 30);
	assert_true(tc_fit_volume_level_day(f1, l1, 0) == INT64_MIN);
	assert_true(tc_fit_volume_level_day(NULL, l1, 1) == INT64_MIN);
}

/*
 * The graph attributes of hand-made fits, every number by hand (printf
 * %.10g and %.4g). A trend on 28 days: dof = (28 - 8) / 28, every SE
 * times sqrt(28 / 20) = 1.1832160: 20 -> 23.66, 0.02 -> 0.02366,
 * 0.03 -> 0.0355; the size 40 x 20 / 28 = 28.571429, ln 3.352407217,
 * sigma 1.1832160 x 10 / 40 = 0.2958.
 */
static void volume_attrs_with_trend(void **state)
{
	tc_fit_volume v = { 0 };
	tc_fit_volume_attrs a;
	int j;

	v.full_days = 28;
	v.has_trend = v.has_dispersion = 1;
	v.level = 1000;
	v.level_se = 20;
	v.growth = 0.05;
	v.growth_se = 0.02;
	for (j = 0; j < 7; j++) {
		v.weekly[j] = j < 5 ? 1.1 : 0.75;
		v.weekly_se[j] = 0.03;
	}
	v.dispersion = 40;
	v.dispersion_se = 10;
	v.as_of = 20000;
	tc_fit_volume_attrs_of(&v, &a);
	assert_float_equal(a.dof, 20.0 / 28, 1e-15);
	assert_int_equal(a.as_of, 20000);
	assert_string_equal(a.requests_per_day, "normal(1000, 23.66)");
	assert_string_equal(a.growth, "normal(0.05, 0.02366)");
	assert_string_equal(a.weekly,
			    "normal(1.1, 0.0355),normal(1.1, 0.0355),"
			    "normal(1.1, 0.0355),normal(1.1, 0.0355),"
			    "normal(1.1, 0.0355),normal(0.75, 0.0355),"
			    "normal(0.75, 0.0355)");
	assert_string_equal(a.dispersion,
			    "lognormal(mu=3.352407217, sigma=0.2958)");
	assert_float_equal(a.size, 40 * 20.0 / 28, 1e-12);
	assert_float_equal(a.monthly_growth, 0.05, 0);
}

/*
 * Without a trend. 5 days, not overdispersed: dof 4 / 5, 5 x sqrt(5 / 4)
 * = 5.59, the size 1e9, no growth or weekly. 2 days: dof 1 / 2,
 * sqrt(100 / 2) x sqrt(2) = 10, no size. A rate over under three full
 * days (full_days 0): no correction. An SE of 0: a constant; a large
 * one: a lognormal.
 */
static void volume_attrs_without_trend(void **state)
{
	tc_fit_volume v = { 0 };
	tc_fit_volume_attrs a;

	v.full_days = 5;
	v.level = 110;
	v.level_se = 5;
	tc_fit_volume_attrs_of(&v, &a);
	assert_string_equal(a.requests_per_day, "normal(110, 5.59)");
	assert_string_equal(a.growth, "");
	assert_string_equal(a.weekly, "");
	assert_string_equal(a.dispersion, "1000000000");
	assert_float_equal(a.size, 1e9, 0);

	v.full_days = 2;
	v.level = 100;
	v.level_se = sqrt(100.0 / 2);
	tc_fit_volume_attrs_of(&v, &a);
	assert_string_equal(a.requests_per_day, "normal(100, 10)");
	assert_string_equal(a.dispersion, "");
	assert_float_equal(a.size, 0, 0);

	v.full_days = 0;
	v.level = 50;
	v.level_se = 10;
	tc_fit_volume_attrs_of(&v, &a);
	assert_float_equal(a.dof, 1, 0);
	assert_string_equal(a.requests_per_day, "normal(50, 10)");
	v.level_se = 0;
	tc_fit_volume_attrs_of(&v, &a);
	assert_string_equal(a.requests_per_day, "50");

	/*
	 * An SE above a third of the level: the lognormal of the same mean
	 * and sd, s^2 = ln(1 + (90 / 20)^2) = 3.0564, mu = ln 20 - s^2 / 2
	 * = 1.467553826, s = 1.748 (its mean exp(mu + s^2 / 2) is 20 and
	 * its sd 90). At exactly a third: still the normal.
	 */
	v.level = 20;
	v.level_se = 90;
	tc_fit_volume_attrs_of(&v, &a);
	assert_string_equal(a.requests_per_day,
			    "lognormal(mu=1.467553826, sigma=1.748)");
	v.level_se = 20.0 / 3;
	tc_fit_volume_attrs_of(&v, &a);
	assert_string_equal(a.requests_per_day, "normal(20, 6.667)");
	tc_fit_volume_attrs_of(NULL, &a);
	assert_string_equal(a.requests_per_day, "");
}

/* ---- Report ----------------------------------------------------------- */

/* The report's JSON has the contract's shape and parameter names. */
static void report_has_contract_shape(void **state)
{
	const double x[] = { 3, 5, 8, 13, 21, 34, 55, 89, 10, 12, 7, 30 };
	tc_fit_report *rep = tc_fit_report_new();
	tc_fit_result res;
	json_t *root, *q, *fam;
	char *text;

	assert_int_equal(tc_fit_counts(x, 12, NULL, &res, NULL), TC_OK);
	assert_int_equal(tc_fit_report_class(rep, "chat", 12), TC_OK);
	assert_int_equal(tc_fit_report_counts(rep, "chat", "input_tokens",
					      &res),
			 TC_OK);
	text = tc_fit_report_json(rep);
	root = json_loads(text, 0, NULL);
	assert_non_null(root);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_object_get(root,
								 "classes"),
						 "chat"),
				 "rows")),
			 12);
	q = json_object_get(json_object_get(json_object_get(root, "classes"),
					    "chat"),
			    "input_tokens");
	assert_true(json_is_string(json_object_get(q, "chosen")));
	assert_int_equal(json_array_size(json_object_get(q, "families")), 6);
	fam = json_array_get(json_object_get(q, "families"), 0);
	assert_string_equal(json_string_value(json_object_get(fam, "family")),
			    "lognormal");
	assert_true(json_is_real(json_object_get(
		json_object_get(fam, "params"), "mu")));
	assert_true(json_is_real(json_object_get(
		json_object_get(fam, "continuous_params"), "sigma")));
	assert_true(json_is_real(json_object_get(fam, "loglik")));
	assert_true(json_is_real(json_object_get(fam, "aic")));
	assert_true(json_is_real(json_object_get(fam, "bic")));
	assert_true(json_is_real(json_object_get(fam, "ks")));
	assert_true(json_is_real(json_object_get(fam, "ad")));
	fam = json_array_get(json_object_get(q, "families"), 5);
	assert_true(json_is_real(json_object_get(
		json_object_get(fam, "params"), "w2")));
	json_decref(root);
	free(text);
	tc_fit_result_free(&res);
	tc_fit_report_free(rep);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(recovers_lognormal),
	cmocka_unit_test(recovers_gamma),
	cmocka_unit_test(recovers_weibull),
	cmocka_unit_test(recovers_loglogistic),
	cmocka_unit_test(recovers_negbinomial),
	cmocka_unit_test(recovers_mixture),
	cmocka_unit_test(recovers_small_counts),
	cmocka_unit_test(gof_matches_hand_values),
	cmocka_unit_test(cells_match_closed_forms),
	cmocka_unit_test(scipy_azure_code_input),
	cmocka_unit_test(scipy_azure_code_output),
	cmocka_unit_test(scipy_azure_conv_input),
	cmocka_unit_test(scipy_azure_conv_output),
	cmocka_unit_test(scipy_mooncake_input),
	cmocka_unit_test(scipy_mooncake_output),
	cmocka_unit_test(azure_code_cap_detected),
	cmocka_unit_test(mixture_never_collapses_on_pile),
	cmocka_unit_test(falls_back_to_empirical),
	cmocka_unit_test(spec_with_standard_errors),
	cmocka_unit_test(heavy_tail_is_truncated),
	cmocka_unit_test(rejects_degenerate_counts),
	cmocka_unit_test(degenerate_but_valid_counts_stay_finite),
	cmocka_unit_test(share_recovers_beta),
	cmocka_unit_test(share_of_point_masses),
	cmocka_unit_test(share_rejects_out_of_range),
	cmocka_unit_test(rank_corr_matches_hand_value),
	cmocka_unit_test(rank_corr_matches_scipy),
	cmocka_unit_test(volume_recovers_trend),
	cmocka_unit_test(volume_short_log_has_no_trend),
	cmocka_unit_test(volume_under_a_day_is_weak),
	cmocka_unit_test(volume_level_day_hand_values),
	cmocka_unit_test(volume_attrs_with_trend),
	cmocka_unit_test(volume_attrs_without_trend),
	cmocka_unit_test(report_has_contract_shape),
};

TC_TEST_MAIN(tests)
