/*
 * test_spec.c - distribution specs: grammar, errors with columns, domain
 * checks, canonical text, exact moments and distribution functions
 * against scipy, samplers against exact moments and distribution
 * functions, per-trial instances, empirical files and hostile text.
 *
 * Reference values marked "scipy" were computed with Debian's
 * python3-scipy 1.10.1 (scipy.stats: norm, lognorm(s, scale=exp(mu)),
 * gamma(a, scale), weibull_min(c, scale), fisk(c, scale) for the
 * log-logistic, nbinom(n=size, p=size/(size+mean)), beta, uniform,
 * triang, beta(a, b, loc, scale) for PERT, truncnorm), truncated
 * moments by scipy.integrate.quad at epsrel 1e-13 or by summing
 * nbinom.pmf, mixture medians by scipy.optimize.brentq.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>

#include "tc_test.h"
#include "tci.h"

#define SEED 20261203UL

static tc_spec *parse_ok(const char *text)
{
	tc_error err = {0};
	tc_spec *s = NULL;
	tc_status st = tc_spec_parse(text, NULL, &s, &err);

	if (st != TC_OK)
		fail_msg("'%s': %s (column %ld)", text, err.message,
			 err.column);
	return s;
}

static gsl_rng *new_rng(void)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	gsl_rng_set(r, SEED);
	return r;
}

/* |got - want| within rel relative (or absolute near zero). */
static void assert_close(double got, double want, double rel)
{
	double tol = rel * fmax(fabs(want), 1e-300);

	if (!(fabs(got - want) <= tol))
		fail_msg("got %.17g, want %.17g (rel %.3g)", got, want, rel);
}

/* Text, then its canonical form as written by hand. */
static const char *const canon[][2] = {
	{"1200", "1200"},
	{" -0.5 ", "-0.5"},
	{"2027-02-01", "2027-02-01"},
	{"normal(1, 2)", "normal(mean=1, sd=2)"},
	{"normal(sd = 2, mean = 1)", "normal(mean=1, sd=2)"},
	{"lognormal(mu=normal(6.21, 0.008), sigma=0.93)",
	 "lognormal(mu=normal(mean=6.21, sd=0.008), sigma=0.93)"},
	{"gamma(2.5,3e2)", "gamma(shape=2.5, scale=300)"},
	{"weibull(1.5, 100)", "weibull(shape=1.5, scale=100)"},
	{"loglogistic(100, shape=4)", "loglogistic(scale=100, shape=4)"},
	{"negbinomial(10, 2)", "negbinomial(mean=10, size=2)"},
	{"beta(2,5)", "beta(a=2, b=5)"},
	{"uniform(-1, 3)", "uniform(a=-1, b=3)"},
	{"triangular(0, 1, 3)", "triangular(min=0, mode=1, max=3)"},
	{"pert(2027-02-01, 2027-02-15, 2027-03-15)",
	 "pert(min=2027-02-01, mode=2027-02-15, max=2027-03-15)"},
	{"range(100, 1000)", "range(low=100, high=1000)"},
	{"mixture(0.7, lognormal(6, 1), 0.3, lognormal(8, 0.5))",
	 "mixture(0.7, lognormal(mu=6, sigma=1), 0.3, "
	 "lognormal(mu=8, sigma=0.5))"},
	{"truncate(normal(0.05, 0.03), min=-0.5)",
	 "truncate(normal(mean=0.05, sd=0.03), min=-0.5)"},
	{"truncate(normal(0, 1), , 2)",
	 "truncate(normal(mean=0, sd=1), max=2)"},
	{"truncate(spec=gamma(2, 1), max=5, min=1)",
	 "truncate(gamma(shape=2, scale=1), min=1, max=5)"},
	{"empirical(3, 1.5, 2)", "empirical(3, 1.5, 2)"},
	{"normal(0.1, 1e-07)", "normal(mean=0.1, sd=1e-07)"},
};

static void canonical_text_round_trips(void **state)
{
	size_t i;
	tc_spec *a, *b;
	char *t;

	for (i = 0; i < sizeof canon / sizeof canon[0]; i++) {
		a = parse_ok(canon[i][0]);
		t = tc_spec_to_string(a);
		assert_string_equal(t, canon[i][1]);
		b = parse_ok(t);
		assert_true(tc_spec_equal(a, b));
		free(t);
		tc_spec_free(a);
		tc_spec_free(b);
	}
}

/* Every double reads back exactly from its canonical text. */
static void doubles_round_trip_exactly(void **state)
{
	gsl_rng *r = new_rng();
	char text[128], *t;
	tc_spec *a, *b;
	double v, got;
	int i;

	for (i = 0; i < 2000; i++) {
		v = (gsl_rng_uniform(r) - 0.5) *
		    pow(10, (double)gsl_rng_uniform_int(r, 40) - 20);
		snprintf(text, sizeof text, "%.17g", v);
		a = parse_ok(text);
		t = tc_spec_to_string(a);
		b = parse_ok(t);
		assert_true(tc_spec_is_constant(b, &got));
		assert_true(got == v);
		free(t);
		tc_spec_free(a);
		tc_spec_free(b);
	}
	gsl_rng_free(r);
}

/* A malformed text, its status, the column (by hand) and the message. */
typedef struct bad_case {
	const char *text;
	tc_status status;
	long column;
	const char *message;
} bad_case;

static const bad_case bad[] = {
	{"lognormla(6, 1)", TC_ERR_PARSE, 1,
	 "unknown family 'lognormla' (did you mean 'lognormal'?)"},
	{"normal(1, 2", TC_ERR_PARSE, 12, "expected ',' or ')'"},
	{"normal(1, 2 3)", TC_ERR_PARSE, 13, "expected ',' or ')'"},
	{"normal(1)", TC_ERR_PARSE, 9,
	 "missing parameter 'sd' for normal(mean, sd)"},
	{"normal(mean=1, sdev=2)", TC_ERR_PARSE, 16,
	 "unknown parameter 'sdev' for normal(mean, sd)"},
	{"normal(1, 2, 3)", TC_ERR_PARSE, 14, "too many parameters"},
	{"normal(sd=1, 2)", TC_ERR_PARSE, 14,
	 "positional parameter after a named one"},
	{"normal(1, mean=2)", TC_ERR_PARSE, 16, "given twice"},
	{"normal(1, )", TC_ERR_PARSE, 11, "expected a value for 'sd'"},
	{"normal 1", TC_ERR_PARSE, 8, "expected '(' after 'normal'"},
	{"normal(1, 2) x", TC_ERR_PARSE, 14, "unexpected 'x' after the spec"},
	{"normal(1, 2))", TC_ERR_PARSE, 13, "unexpected ')'"},
	{"", TC_ERR_PARSE, 1, "expected a number, a date or a distribution"},
	{"@", TC_ERR_PARSE, 1, "got '@'"},
	{"12abc", TC_ERR_PARSE, 3, "unexpected 'a' after a number"},
	{"1e999", TC_ERR_PARSE, 1, "out of range"},
	{"2027-02-30", TC_ERR_PARSE, 1, "invalid date"},
	{"mixture(0.5, normal(0, 1), 0)", TC_ERR_PARSE, 29, "pairs"},
	{"mixture(w=1, normal(0, 1))", TC_ERR_PARSE, 11, "positional"},
	{"truncate(normal(0, 1))", TC_ERR_PARSE, 22, "needs min or max"},
	{"truncate(, 1, 2)", TC_ERR_PARSE, 10, "truncate needs a spec"},
	{"empirical()", TC_ERR_PARSE, 11, "needs a file name or values"},
	{"empirical(1, x)", TC_ERR_PARSE, 14, "expected a number"},
	{"empirical(\"a.txt)", TC_ERR_PARSE, 11, "closing '\"'"},
	{"empirical(a\" b.txt)", TC_ERR_PARSE, 12, "cannot hold '\"'"},
	{"truncate(truncate(truncate(truncate(normal(0, 1), min=-1), "
	 "min=-0.5), max=2), max=3)",
	 TC_ERR_LIMIT, 28, "truncations nested more than 3 deep"},
};

/* Domain errors of constant parameters, columns by hand. */
static const bad_case domain[] = {
	{"lognormal(6, 0)", TC_ERR_PARSE, 14,
	 "parameter 'sigma' must be > 0"},
	{"normal(0, -1)", TC_ERR_PARSE, 11, "parameter 'sd' must be > 0"},
	{"gamma(0, 1)", TC_ERR_PARSE, 7, "parameter 'shape' must be > 0"},
	{"weibull(1, scale=-2)", TC_ERR_PARSE, 18,
	 "parameter 'scale' must be > 0"},
	{"loglogistic(0, 2)", TC_ERR_PARSE, 13,
	 "parameter 'scale' must be > 0"},
	{"negbinomial(10, 0)", TC_ERR_PARSE, 17,
	 "parameter 'size' must be > 0"},
	{"negbinomial(0, 3)", TC_ERR_PARSE, 13,
	 "parameter 'mean' must be > 0"},
	{"beta(1, 0)", TC_ERR_PARSE, 9, "parameter 'b' must be > 0"},
	{"uniform(3, 1)", TC_ERR_PARSE, 12, "parameter 'b' must be > a"},
	{"uniform(3, 3)", TC_ERR_PARSE, 12, "parameter 'b' must be > a"},
	{"triangular(0, 5, 3)", TC_ERR_PARSE, 18,
	 "parameter 'max' must be >= mode"},
	{"pert(2, 1, 3)", TC_ERR_PARSE, 9, "parameter 'mode' must be >= min"},
	{"pert(1, 1, 1)", TC_ERR_PARSE, 12, "parameter 'max' must be > min"},
	{"range(-5, 5)", TC_ERR_PARSE, 7,
	 "for a range through zero use normal(mean, sd)"},
	{"range(0, 5)", TC_ERR_PARSE, 7, "parameter 'low' must be > 0"},
	{"range(5, 2)", TC_ERR_PARSE, 10, "parameter 'high' must be > low"},
	{"mixture(-1, normal(0, 1))", TC_ERR_PARSE, 9,
	 "mixture weight must be > 0"},
	{"mixture(1, normal(0, 1), 0, normal(1, 1))", TC_ERR_PARSE, 26,
	 "mixture weight must be > 0"},
	{"truncate(normal(0, 1), 2, 1)", TC_ERR_PARSE, 27,
	 "parameter 'max' must be > min"},
	{"truncate(uniform(0, 1), min=2)", TC_ERR_PARSE, 10,
	 "keeps no probability"},
	{"truncate(normal(0, 1), min=40)", TC_ERR_PARSE, 10,
	 "keeps no probability"},
	{"lognormal(normal(0, 1), sigma=0)", TC_ERR_PARSE, 31,
	 "parameter 'sigma' must be > 0"},
	{"normal(0, sd=lognormal(0, -1))", TC_ERR_PARSE, 27,
	 "parameter 'sigma' must be > 0"},
};

static void check_bad(const bad_case *c, size_t n)
{
	tc_error err;
	tc_spec *s;
	tc_status st;
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&err, 0, sizeof err);
		st = tc_spec_parse(c[i].text, NULL, &s, &err);
		if (st != c[i].status || err.column != c[i].column ||
		    !strstr(err.message, c[i].message))
			fail_msg("'%s': status %d column %ld '%s', want %d "
				 "column %ld '%s'",
				 c[i].text, st, err.column, err.message,
				 c[i].status, c[i].column, c[i].message);
		assert_null(s);
	}
}

static void errors_name_the_column(void **state)
{
	check_bad(bad, sizeof bad / sizeof bad[0]);
}

static void domain_errors_name_the_parameter(void **state)
{
	check_bad(domain, sizeof domain / sizeof domain[0]);
}

/* A spec and its exact mean and variance. */
typedef struct moment_case {
	const char *text;
	double mean;
	double var;
	double rel;
} moment_case;

static const moment_case moment_cases[] = {
	/* scipy, closed forms: 1e-12 relative. */
	{"normal(1, 2)", 1.0, 4.0, 1e-12},
	{"lognormal(6, 1)", 665.1416330443618, 760190.892155856, 1e-12},
	{"lognormal(1, 0.5)", 3.080216848918031, 2.694758124344946, 1e-12},
	{"gamma(2.5, 3)", 7.5, 22.5, 1e-12},
	{"weibull(1.5, 100)", 90.27452929509336, 3756.9028481393198, 1e-12},
	{"loglogistic(100, 4)", 111.07207345395913, 3370.9577665872703,
	 1e-12},
	{"loglogistic(100, 6)", 104.71975511965981, 1125.7686492399334,
	 1e-12},
	{"negbinomial(10, 2)", 10.0, 60.0, 1e-12},
	{"beta(2, 5)", 0.2857142857142857, 0.025510204081632654, 1e-12},
	{"uniform(-1, 3)", 1.0, 1.3333333333333333, 1e-12},
	{"triangular(0, 1, 3)", 1.3333333333333333, 0.38888888888888895,
	 1e-12},
	{"pert(1, 2, 6)", 2.5, 0.75, 1e-12},
	{"range(100, 1000)", 404.0012826945723, 103180.97335469456, 1e-12},
	{"mixture(0.7, lognormal(6, 1), 0.3, lognormal(8, 0.5))",
	 1478.9595226331135, 3049717.5580142313, 1e-12},
	/* Unnormalised weights mean the same mixture. */
	{"mixture(7, lognormal(6, 1), 3, lognormal(8, 0.5))",
	 1478.9595226331135, 3049717.5580142313, 1e-12},
	/* By hand: the values' mean and population variance. */
	{"empirical(1, 2, 3, 4)", 2.5, 1.25, 1e-15},
	{"42", 42, 0, 0},
	/* scipy truncnorm; quadrature: 1e-8 relative. */
	{"truncate(normal(0.05, 0.03), 0, 0.1)", 0.05,
	 0.0005700297993661034, 1e-8},
	{"truncate(normal(0, 1), min=10)", 10.098093233962564,
	 0.009445377825130441, 1e-8},
	/* scipy quad of x f(x), x^2 f(x). */
	{"truncate(lognormal(6, 1), 100, 2000)", 552.6887862161965,
	 174268.70281981665, 1e-8},
	{"truncate(loglogistic(100, 0.8), max=1000)", 161.6760429309037,
	 44926.98660523733, 1e-8},
	/* Sums of scipy nbinom.pmf. */
	{"truncate(negbinomial(10, 2), 3, 20)", 9.32966463973568,
	 21.777450671415707, 1e-10},
	{"truncate(negbinomial(10, 2), min=5)", 12.72727272727273,
	 52.5619834710744, 1e-10},
};

static void moments_match_closed_forms(void **state)
{
	double m, v;
	tc_spec *s;
	size_t i;

	for (i = 0; i < sizeof moment_cases / sizeof moment_cases[0]; i++) {
		const moment_case *c = &moment_cases[i];

		s = parse_ok(c->text);
		assert_int_equal(tc_spec_mean(s, &m), TC_OK);
		assert_int_equal(tc_spec_variance(s, &v), TC_OK);
		if (fabs(m - c->mean) > c->rel * fabs(c->mean) + 1e-300 ||
		    fabs(v - c->var) > c->rel * fabs(c->var) + 1e-300)
			fail_msg("%s: mean %.17g var %.17g, want %.17g %.17g",
				 c->text, m, v, c->mean, c->var);
		tc_spec_free(s);
	}
}

/* A spec, its mean, third and fourth central moments. */
typedef struct central_case {
	const char *text;
	double mean;
	double m3;
	double m4;
} central_case;

/*
 * scipy: stats(moments='mvsk') gives skewness s and excess kurtosis k,
 * so m3 = s var^1.5 and m4 = (k + 3) var^2; the mixture from its
 * components' raw moments (.moment(i)) by the binomial theorem; the
 * truncated negative binomial by summing nbinom.pmf over 5 .. 19999.
 */
static const central_case central[] = {
	{"normal(1, 2)", 1.0, 0.0, 48.0},
	{"lognormal(1, 0.5)", 3.080216848918031, 7.742207334034761,
	 64.61803291977556},
	{"gamma(2.5, 3)", 7.5, 135.0, 2733.7500000000005},
	{"weibull(1.5, 100)", 90.27452929509336, 246850.65985930368,
	 61967556.45257178},
	{"loglogistic(100, 6)", 104.71975511965981, 68745.05719662506,
	 18713307.829964038},
	{"negbinomial(10, 2)", 10.0, 660.0, 21660.0},
	{"beta(2, 5)", 0.2857142857142857, 0.0024295432458697765,
	 0.001874219075385256},
	{"triangular(0, 1, 3)", 1.3333333333333333, 0.0740740740740741,
	 0.36296296296296304},
	{"pert(1, 2, 6)", 2.5, 0.375, 1.5625},
	{"range(100, 1000)", 404.00128269457264, 95715595.90535317,
	 221282226353.6037},
	{"truncate(normal(0.05, 0.03), min=0)", 0.053134093601031746,
	 6.5495007030990404e-06, 1.4897047823695277e-06},
	{"truncate(negbinomial(10, 2), min=5)", 12.727272727272732,
	 618.7528174305033, 18808.90376340413},
};

/* |got - want| within rel of want, or of scale when want is 0. */
static void assert_moment(const char *text, int k, double got, double want,
			  double scale)
{
	if (fabs(got - want) > 1e-8 * fmax(fabs(want), scale))
		fail_msg("%s: moment %d %.17g, want %.17g", text, k, got,
			 want);
}

static void higher_moments_match_scipy(void **state)
{
	double m, m1, m2, m3, m4;
	tc_spec *s;
	size_t i;

	for (i = 0; i < sizeof central / sizeof central[0]; i++) {
		s = parse_ok(central[i].text);
		assert_int_equal(tc_spec_mean(s, &m), TC_OK);
		assert_int_equal(tc_spec_moment(s, 1, 0, &m1), TC_OK);
		assert_int_equal(tc_spec_moment(s, 2, m, &m2), TC_OK);
		assert_int_equal(tc_spec_moment(s, 3, m, &m3), TC_OK);
		assert_int_equal(tc_spec_moment(s, 4, m, &m4), TC_OK);
		assert_moment(central[i].text, 1, m1, central[i].mean, 0);
		assert_moment(central[i].text, 3, m3, central[i].m3,
			      pow(m2, 1.5));
		assert_moment(central[i].text, 4, m4, central[i].m4, 0);
		tc_spec_free(s);
	}
	s = parse_ok("mixture(0.7, lognormal(6, 1), 0.3, lognormal(8, 0.5))");
	assert_int_equal(tc_spec_moment(s, 3, 1478.9595226331135, &m3), TC_OK);
	assert_moment("mixture", 3, m3, 11848851441.320154, 0);
	assert_int_equal(tc_spec_moment(s, 5, 0, &m3), TC_ERR_ARG);
	tc_spec_free(s);
	s = parse_ok("loglogistic(100, 3)");
	assert_int_equal(tc_spec_moment(s, 2, 0, &m2), TC_OK);
	assert_int_equal(tc_spec_moment(s, 3, 0, &m3), TC_ERR_NUMERIC);
	tc_spec_free(s);
	s = parse_ok("normal(mean=normal(0, 1), sd=1)");
	assert_int_equal(tc_spec_moment(s, 1, 0, &m1), TC_ERR_UNSUPPORTED);
	tc_spec_free(s);
}

static void infinite_and_uncertain_moments_refused(void **state)
{
	double x;
	tc_spec *s;

	s = parse_ok("loglogistic(1, 1)");
	assert_int_equal(tc_spec_mean(s, &x), TC_ERR_NUMERIC);
	tc_spec_free(s);
	s = parse_ok("loglogistic(1, 1.5)");
	assert_int_equal(tc_spec_mean(s, &x), TC_OK);
	assert_int_equal(tc_spec_variance(s, &x), TC_ERR_NUMERIC);
	tc_spec_free(s);
	s = parse_ok("mixture(1, normal(0, 1), 1, loglogistic(1, 0.5))");
	assert_int_equal(tc_spec_mean(s, &x), TC_ERR_NUMERIC);
	tc_spec_free(s);
	s = parse_ok("truncate(loglogistic(1, 0.5), min=1)");
	assert_int_equal(tc_spec_mean(s, &x), TC_ERR_NUMERIC);
	tc_spec_free(s);
	s = parse_ok("lognormal(mu=normal(6, 0.1), sigma=1)");
	assert_int_equal(tc_spec_mean(s, &x), TC_ERR_UNSUPPORTED);
	assert_int_equal(tc_spec_variance(s, &x), TC_ERR_UNSUPPORTED);
	assert_int_equal(tc_spec_cdf(s, 1, &x), TC_ERR_UNSUPPORTED);
	assert_int_equal(tc_spec_quantile(s, 0.5, &x), TC_ERR_UNSUPPORTED);
	tc_spec_free(s);
	s = parse_ok("normal(0, 1)");
	assert_int_equal(tc_spec_quantile(s, 1.5, &x), TC_ERR_ARG);
	assert_int_equal(tc_spec_cdf(s, NAN, &x), TC_ERR_ARG);
	tc_spec_free(s);
}

/* A spec, a point, and F(x) or Q(p) from scipy. */
typedef struct point_case {
	const char *text;
	int is_cdf;
	double at;
	double want;
	double rel;
} point_case;

static const point_case points[] = {
	{"normal(1, 2)", 1, 2, 0.6914624612740131, 1e-12},
	{"gamma(2.5, 3)", 1, 4, 0.2487882896338786, 1e-10},
	{"weibull(1.5, 100)", 1, 50, 0.29781149867344037, 1e-12},
	{"weibull(1.5, 100)", 0, 0.9, 174.37215135964115, 1e-10},
	{"loglogistic(100, 4)", 1, 150, 0.8350515463917526, 1e-12},
	{"loglogistic(100, 4)", 0, 0.3, 80.91067115702212, 1e-12},
	{"negbinomial(10, 2)", 1, 7, 0.45734124149011846, 1e-10},
	{"negbinomial(10, 2)", 1, 7.5, 0.45734124149011846, 1e-10},
	{"negbinomial(10, 2)", 0, 0.5, 8, 0},
	{"negbinomial(10, 2)", 0, 0.9, 20, 0},
	{"beta(2, 5)", 0, 0.25, 0.16116291679032652, 1e-10},
	{"triangular(0, 1, 3)", 0, 0.7, 1.658359213500126, 1e-12},
	{"pert(1, 2, 6)", 1, 3, 0.7283851655051453, 1e-10},
	{"lognormal(6, 1)", 0, 0.99, 4131.301931960141, 1e-10},
	{"range(100, 1000)", 0, 0.05, 100, 1e-12},
	{"range(100, 1000)", 0, 0.95, 1000, 1e-12},
	{"mixture(0.7, lognormal(6, 1), 0.3, lognormal(8, 0.5))", 0, 0.5,
	 708.6694454193912, 1e-10},
	{"mixture(0.7, lognormal(6, 1), 0.3, lognormal(8, 0.5))", 1, 1000,
	 0.5769363095324311, 1e-12},
	{"truncate(normal(0.05, 0.03), 0, 0.1)", 1, 0.06,
	 0.6443563405540182, 1e-10},
	/* scipy truncnorm(a=10): the far tail keeps its digits. */
	{"truncate(normal(0, 1), min=10)", 1, 10.1, 0.6375114502856413,
	 1e-9},
	{"truncate(normal(0, 1), min=10)", 0, 0.5, 10.06841183608143, 1e-12},
	/* scipy gamma(2): (F(3) - F(1)) / (F(5) - F(1)). */
	{"truncate(gamma(2, 1), 1, 5)", 1, 3, 0.7717338278543784, 1e-12},
	/* By hand: F(2) = 2/4; Q(0.5) = 2, the smallest x with F >= 0.5. */
	{"empirical(4, 1, 3, 2)", 1, 2, 0.5, 0},
	{"empirical(4, 1, 3, 2)", 0, 0.5, 2, 0},
	{"empirical(4, 1, 3, 2)", 0, 0.51, 3, 0},
	{"uniform(2, 4)", 1, 3.5, 0.75, 1e-15},
};

static void cdf_and_quantile_match_scipy(void **state)
{
	double got;
	tc_spec *s;
	size_t i;

	for (i = 0; i < sizeof points / sizeof points[0]; i++) {
		s = parse_ok(points[i].text);
		if (points[i].is_cdf)
			assert_int_equal(tc_spec_cdf(s, points[i].at, &got),
					 TC_OK);
		else
			assert_int_equal(
				tc_spec_quantile(s, points[i].at, &got), TC_OK);
		if (fabs(got - points[i].want) >
		    points[i].rel * fabs(points[i].want))
			fail_msg("%s at %g: %.17g, want %.17g",
				 points[i].text, points[i].at, got,
				 points[i].want);
		tc_spec_free(s);
	}
}

/* Quantile inverts the cdf for continuous specs. */
static void quantile_inverts_cdf(void **state)
{
	static const char *const texts[] = {
		"normal(3, 0.5)", "gamma(0.5, 2)", "pert(0, 9, 10)",
		"mixture(1, normal(0, 1), 2, normal(10, 0.01))",
		"truncate(lognormal(0, 2), 0.5, 3)",
		"truncate(mixture(1, gamma(2, 1), 1, uniform(3, 4)), min=1)",
	};
	double ps[] = {0.001, 0.1, 0.5, 0.77, 0.999}, x, p;
	size_t i, j;
	tc_spec *s;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		s = parse_ok(texts[i]);
		for (j = 0; j < sizeof ps / sizeof ps[0]; j++) {
			assert_int_equal(tc_spec_quantile(s, ps[j], &x),
					 TC_OK);
			assert_int_equal(tc_spec_cdf(s, x, &p), TC_OK);
			if (fabs(p - ps[j]) > 1e-9)
				fail_msg("%s: F(Q(%g)) = %.17g", texts[i],
					 ps[j], p);
		}
		tc_spec_free(s);
	}
}

/*
 * Draws n values of a spec whose exact mean and variance are known and
 * checks both within 4 standard errors (the variance's from the sample's
 * fourth central moment).
 */
static void check_sampler(const char *text, double mean, double var)
{
	const size_t n = 100000;
	gsl_rng *r = new_rng();
	double *x = malloc(n * sizeof *x), m = 0, s2 = 0, m4 = 0, d;
	tc_spec *s = parse_ok(text);
	size_t i;

	for (i = 0; i < n; i++) {
		assert_int_equal(tc_spec_sample(s, r, &x[i]), TC_OK);
		m += x[i];
	}
	m /= (double)n;
	for (i = 0; i < n; i++) {
		d = x[i] - m;
		s2 += d * d;
		m4 += d * d * d * d;
	}
	s2 /= (double)(n - 1);
	m4 /= (double)n;
	if (fabs(m - mean) > 4 * sqrt(var / (double)n))
		fail_msg("%s: sample mean %.10g, exact %.10g", text, m, mean);
	if (fabs(s2 - var) > 4 * sqrt((m4 - s2 * s2) / (double)n))
		fail_msg("%s: sample variance %.10g, exact %.10g", text, s2,
			 var);
	free(x);
	tc_spec_free(s);
	gsl_rng_free(r);
}

static void samplers_match_exact_moments(void **state)
{
	size_t i;

	for (i = 0; i < sizeof moment_cases / sizeof moment_cases[0]; i++) {
		/* loglogistic(100, 4) has no fourth moment. */
		if (strcmp(moment_cases[i].text, "loglogistic(100, 4)") == 0 ||
		    strcmp(moment_cases[i].text, "42") == 0)
			continue;
		check_sampler(moment_cases[i].text, moment_cases[i].mean,
			      moment_cases[i].var);
	}
}

/*
 * By hand, mean m and variance m + m^2 / size: the negative binomial's
 * rate beyond 1e9 takes the normal approximation to the Poisson, whose
 * mean and variance are still the rate's.
 */
static void large_negbinomial_keeps_its_moments(void **state)
{
	check_sampler("negbinomial(1e10, 1e4)", 1e10, 1e10 + 1e16);
	check_sampler("negbinomial(3e9, 0.5)", 3e9, 3e9 + 9e18 / 0.5);
}

/*
 * The negative binomial's draws against its exact cdf: the largest gap
 * between the empirical and the exact cdf at the integers 0 .. 200 stays
 * below 1.95 / sqrt(n) (conservative for a discrete law).
 */
static void negbinomial_draws_follow_the_cdf(void **state)
{
	const size_t n = 50000;
	gsl_rng *r = new_rng();
	tc_spec *s = parse_ok("negbinomial(10, 2)");
	size_t *count = calloc(202, sizeof *count), i, below = 0;
	double x, f, d = 0;

	for (i = 0; i < n; i++) {
		assert_int_equal(tc_spec_sample(s, r, &x), TC_OK);
		assert_true(x >= 0 && x == floor(x));
		count[x > 201 ? 201 : (size_t)x]++;
	}
	for (i = 0; i <= 200; i++) {
		below += count[i];
		assert_int_equal(tc_spec_cdf(s, (double)i, &f), TC_OK);
		d = fmax(d, fabs((double)below / (double)n - f));
	}
	assert_true(d * sqrt((double)n) < 1.95);
	free(count);
	tc_spec_free(s);
	gsl_rng_free(r);
}

/*
 * Nested parameters by hand: with mu ~ normal(6, 0.5) and sigma 0.5,
 * E[X] = E[exp(mu)] exp(0.125) = exp(6 + 0.125 + 0.125) = exp(6.25) and
 * E[X^2] = E[exp(2 mu)] exp(0.5) = exp(12.5 + 0.5) = exp(13).
 */
static void nested_parameters_sample_the_compound(void **state)
{
	/*
	 * By hand: with w ~ uniform(0, 2) against weight 1, the first
	 * component is drawn with probability E[w / (w + 1)] = (2 - ln 3) / 2;
	 * E[X] = 10 (1 - p1) and E[X^2] = p1 + 101 (1 - p1).
	 */
	double p1 = (2 - log(3)) / 2, m = 10 * (1 - p1);

	check_sampler("lognormal(mu=normal(6, 0.5), sigma=0.5)", exp(6.25),
		      exp(13) - exp(12.5));
	check_sampler("mixture(uniform(0, 2), normal(0, 1), 1, normal(10, 1))",
		      m, p1 + 101 * (1 - p1) - m * m);
}

/* Kolmogorov-Smirnov distance of n draws against the exact cdf. */
static double ks_distance(const char *text, size_t n)
{
	gsl_rng *r = new_rng();
	double *x = malloc(n * sizeof *x), d = 0, f;
	tc_spec *s = parse_ok(text);
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(tc_spec_sample(s, r, &x[i]), TC_OK);
	gsl_sort(x, 1, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(tc_spec_cdf(s, x[i], &f), TC_OK);
		d = fmax(d, fmax(f - (double)i / (double)n,
				 (double)(i + 1) / (double)n - f));
	}
	free(x);
	tc_spec_free(s);
	gsl_rng_free(r);
	return d;
}

/* D sqrt(n) above 1.95 has probability about 0.001 under the cdf. */
static void samplers_pass_ks_against_cdf(void **state)
{
	static const char *const texts[] = {
		"normal(1, 2)", "gamma(0.7, 3)", "weibull(1.5, 100)",
		"loglogistic(100, 1.2)", "beta(0.5, 0.5)",
		"triangular(0, 1, 3)", "pert(1, 2, 6)", "range(100, 1000)",
		"mixture(0.7, lognormal(6, 1), 0.3, lognormal(8, 0.5))",
		"truncate(normal(0.05, 0.03), min=0)",
		"truncate(normal(0, 1), min=5)",
	};
	const size_t n = 20000;
	size_t i;
	double d;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		d = ks_distance(texts[i], n);
		if (d * sqrt((double)n) > 1.95)
			fail_msg("%s: KS distance %.5f", texts[i], d);
	}
}

/* range(low, high): 5% of draws below low and 5% above high. */
static void range_puts_five_percent_outside(void **state)
{
	const size_t n = 100000;
	gsl_rng *r = new_rng();
	tc_spec *s = parse_ok("range(200, 5000)");
	size_t i, below = 0, above = 0;
	double x, bound = 4 * sqrt(0.05 * 0.95 / (double)n);

	for (i = 0; i < n; i++) {
		assert_int_equal(tc_spec_sample(s, r, &x), TC_OK);
		below += x < 200;
		above += x > 5000;
	}
	assert_true(fabs((double)below / (double)n - 0.05) < bound);
	assert_true(fabs((double)above / (double)n - 0.05) < bound);
	assert_int_equal(tc_spec_mass_outside(s, 200, 5000, &x), TC_OK);
	assert_close(x, 0.1, 1e-12);
	tc_spec_free(s);
	gsl_rng_free(r);
}

/*
 * An instance holds constants: its mu is one draw of normal(6.21, 0.008)
 * and its sigma stays 0.93. Over 2000 instances the mu values have the
 * normal's mean within 4 standard errors.
 */
static void instantiate_draws_parameters_once(void **state)
{
	const size_t n = 2000;
	gsl_rng *r = new_rng();
	tc_spec *s = parse_ok("lognormal(mu=normal(6.21, 0.008), "
			      "sigma=0.93)");
	tc_spec *inst;
	double mu, sigma, m, sum = 0;
	size_t i;

	assert_true(tc_spec_has_uncertain_params(s));
	for (i = 0; i < n; i++) {
		assert_int_equal(tc_spec_instantiate(s, r, &inst), TC_OK);
		assert_false(tc_spec_has_uncertain_params(inst));
		assert_int_equal(tc_spec_get_family(inst), TC_SPEC_LOGNORMAL);
		assert_true(tc_spec_is_constant(tc_spec_param(inst, 0), &mu));
		assert_true(
			tc_spec_is_constant(tc_spec_param(inst, 1), &sigma));
		assert_true(sigma == 0.93);
		assert_int_equal(tc_spec_mean(inst, &m), TC_OK);
		assert_close(m, exp(mu + 0.93 * 0.93 / 2), 1e-12);
		sum += mu;
		tc_spec_free(inst);
	}
	assert_true(fabs(sum / (double)n - 6.21) <
		    4 * 0.008 / sqrt((double)n));
	tc_spec_free(s);
	gsl_rng_free(r);
}

/* Instances of mixtures and truncations draw weights and bounds. */
static void instantiate_reaches_every_depth(void **state)
{
	gsl_rng *r = new_rng();
	tc_spec *s = parse_ok(
		"mixture(uniform(1, 2), truncate(normal(0, sd=gamma(2, 1)), "
		"min=uniform(-1, 0)), 1, uniform(a=uniform(2027-01-01, "
		"2027-01-31), b=2027-03-01))");
	tc_spec *inst;
	const tc_spec *u, *a;
	double w, x;

	assert_int_equal(tc_spec_instantiate(s, r, &inst), TC_OK);
	assert_false(tc_spec_has_uncertain_params(inst));
	assert_true(tc_spec_is_constant(tc_spec_param(inst, 0), &w));
	assert_true(w >= 1 && w <= 2);
	assert_int_equal(tc_spec_mean(inst, &x), TC_OK);
	u = tc_spec_param(inst, 3);
	a = tc_spec_param(u, 0);
	assert_true(tc_spec_is_constant(a, &x));
	assert_true(x == floor(x) && tc_spec_has_date(a));
	tc_spec_free(inst);
	tc_spec_free(s);
	gsl_rng_free(r);
}

/* A parameter that never falls in its domain fails, naming it. */
static void redraws_are_bounded(void **state)
{
	gsl_rng *r = new_rng();
	tc_spec *s = parse_ok("lognormal(mu=0, sigma=uniform(-2, -1))");
	tc_spec *inst = NULL;
	tc_error err = {0};
	double x;
	int i;

	assert_int_equal(tc_spec_sample(s, r, &x), TC_ERR_NUMERIC);
	assert_int_equal(tc_spec_instantiate_err(s, r, &inst, &err),
			 TC_ERR_NUMERIC);
	assert_null(inst);
	assert_non_null(strstr(err.message, "parameter 'sigma'"));
	tc_spec_free(s);

	/* Half the draws of sigma are negative: redrawn, never used. */
	s = parse_ok("lognormal(mu=0, sigma=normal(0, 1))");
	for (i = 0; i < 1000; i++) {
		assert_int_equal(tc_spec_instantiate(s, r, &inst), TC_OK);
		assert_true(tc_spec_is_constant(tc_spec_param(inst, 1), &x));
		assert_true(x > 0);
		tc_spec_free(inst);
	}
	tc_spec_free(s);
	gsl_rng_free(r);
}

/* A truncation rejection cannot serve falls back to the quantile. */
static void truncation_falls_back_to_inverse_cdf(void **state)
{
	gsl_rng *r = new_rng();
	tc_spec *s = parse_ok("truncate(normal(0, 1), min=10)");
	double x;
	int i;

	for (i = 0; i < 100; i++) {
		assert_int_equal(tc_spec_sample(s, r, &x), TC_OK);
		assert_true(x >= 10 && x < 12);
	}
	tc_spec_free(s);
	/* A huge gamma-Poisson rate must not reach GSL's unsigned cast. */
	s = parse_ok("truncate(negbinomial(1e9, 0.001), min=1e8)");
	for (i = 0; i < 100; i++) {
		assert_int_equal(tc_spec_sample(s, r, &x), TC_OK);
		assert_true(x >= 1e8);
	}
	tc_spec_free(s);
	s = parse_ok("truncate(normal(mean=normal(0, 0.1), sd=1), min=50)");
	assert_int_equal(tc_spec_sample(s, r, &x), TC_ERR_NUMERIC);
	tc_spec_free(s);
	gsl_rng_free(r);
}

static void mass_outside_exact_and_drawn(void **state)
{
	tc_spec *s;
	double m;

	/* scipy: 2 * norm.cdf(-1.96). */
	s = parse_ok("normal(0, 1)");
	assert_int_equal(tc_spec_mass_outside(s, -1.96, 1.96, &m), TC_OK);
	assert_close(m, 0.04999579029644087, 1e-12);
	assert_int_equal(tc_spec_mass_outside(s, -INFINITY, INFINITY, &m),
			 TC_OK);
	assert_true(m == 0);
	assert_int_equal(tc_spec_mass_outside(s, 1, 0, &m), TC_ERR_ARG);
	tc_spec_free(s);

	/* scipy: nbinom(2, 1/6).cdf(2), the mass below 3. */
	s = parse_ok("negbinomial(10, 2)");
	assert_int_equal(tc_spec_mass_outside(s, 3, INFINITY, &m), TC_OK);
	assert_close(m, 0.13194444444444442, 1e-10);
	tc_spec_free(s);

	s = parse_ok("beta(2, 5)");
	assert_int_equal(tc_spec_mass_outside(s, 0, 1, &m), TC_OK);
	assert_true(m == 0);
	tc_spec_free(s);

	/* Drawn: within 4 binomial standard errors of 20,000 draws. */
	s = parse_ok("normal(mean=normal(0, 1e-6), sd=1)");
	assert_int_equal(tc_spec_mass_outside(s, -1.96, 1.96, &m), TC_OK);
	assert_true(fabs(m - 0.05) < 4 * sqrt(0.05 * 0.95 / 20000));
	tc_spec_free(s);
}

static void dates_are_flagged_and_printed(void **state)
{
	tc_spec *s = parse_ok("pert(2027-02-01, 2027-02-15, 2027-03-15)");
	double m, v;

	assert_true(tc_spec_has_date(s));
	assert_false(tc_spec_is_constant(s, &v));
	/* Days since 1970-01-01: 20850, 20864, 20892 (Python datetime). */
	assert_int_equal(tc_spec_mean(s, &m), TC_OK);
	assert_close(m, (20850 + 4 * 20864 + 20892) / 6.0, 1e-15);
	tc_spec_free(s);
	s = parse_ok("2027-02-01");
	assert_true(tc_spec_is_constant(s, &v));
	assert_true(v == 20850);
	tc_spec_free(s);
	s = parse_ok("normal(1, 2)");
	assert_false(tc_spec_has_date(s));
	tc_spec_free(s);
}

static void accessors_expose_the_tree(void **state)
{
	tc_spec *s = parse_ok("truncate(gamma(2, 1), max=5)");
	tc_spec *c;
	const tc_spec *g;

	assert_int_equal(tc_spec_get_family(s), TC_SPEC_TRUNCATE);
	assert_string_equal(tc_spec_family_name(TC_SPEC_TRUNCATE),
			    "truncate");
	assert_string_equal(tc_spec_family_name(TC_SPEC_CONST), "constant");
	assert_int_equal(tc_spec_param_count(s), 2);
	assert_string_equal(tc_spec_param_name(s, 0), "spec");
	assert_string_equal(tc_spec_param_name(s, 1), "max");
	assert_null(tc_spec_param(s, 2));
	g = tc_spec_param(s, 0);
	assert_string_equal(tc_spec_param_name(g, 0), "shape");
	assert_string_equal(tc_spec_param_name(g, 1), "scale");
	c = tc_spec_clone(s);
	assert_true(tc_spec_equal(c, s));
	tc_spec_free(c);
	tc_spec_free(s);
}

/* Writes text to a file in dir; returns its path (static buffer). */
static const char *write_file(const char *dir, const char *name,
			      const char *text)
{
	static char path[1024];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void empirical_reads_files(void **state)
{
	const char *dir = tc_temp_dir();
	tc_spec_parse_opts opts = {dir, 0};
	tc_error err = {0};
	tc_spec *s, *again;
	const double *v;
	double mean;
	size_t n;
	char *t;

	write_file(dir, "vals.txt", "1\n2, 3\n\n4.5\r\n");
	assert_int_equal(tc_spec_parse("empirical(vals.txt)", &opts, &s, &err),
			 TC_OK);
	v = tc_spec_empirical_values(s, &n);
	assert_int_equal(n, 4);
	assert_true(v[0] == 1 && v[1] == 2 && v[2] == 3 && v[3] == 4.5);
	t = tc_spec_to_string(s);
	assert_string_equal(t, "empirical(vals.txt)");
	assert_int_equal(tc_spec_parse(t, &opts, &again, &err), TC_OK);
	assert_true(tc_spec_equal(s, again));
	free(t);
	tc_spec_free(again);
	tc_spec_free(s);

	opts.max_empirical = 3;
	assert_int_equal(tc_spec_parse("empirical(vals.txt)", &opts, &s, &err),
			 TC_ERR_LIMIT);
	/* The bound is over the whole spec: 4 + 2 values pass 5. */
	opts.max_empirical = 6;
	assert_int_equal(tc_spec_parse("mixture(1, empirical(vals.txt), 1, "
				       "empirical(1, 2))",
				       &opts, &s, &err),
			 TC_OK);
	tc_spec_free(s);
	opts.max_empirical = 5;
	assert_int_equal(tc_spec_parse("mixture(1, empirical(vals.txt), 1, "
				       "empirical(1, 2))",
				       &opts, &s, &err),
			 TC_ERR_LIMIT);
	opts.max_empirical = 0;

	write_file(dir, "bad.txt", "1\n2\nx7\n");
	memset(&err, 0, sizeof err);
	assert_int_equal(tc_spec_parse("empirical(bad.txt)", &opts, &s, &err),
			 TC_ERR_PARSE);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.message, "x7"));

	/* A name that could read as a number is quoted, and written so. */
	write_file(dir, "2027 b.csv", "5,6");
	assert_int_equal(tc_spec_parse("empirical( \"2027 b.csv\" )", &opts, &s,
				       &err),
			 TC_OK);
	t = tc_spec_to_string(s);
	assert_string_equal(t, "empirical(\"2027 b.csv\")");
	free(t);
	assert_int_equal(tc_spec_mean(s, &mean), TC_OK);
	assert_true(mean == 5.5);
	tc_spec_free(s);

	/* A directory or a device is refused before it is read. */
	assert_int_equal(tc_spec_parse("empirical(/dev/zero)", &opts, &s, &err),
			 TC_ERR_IO);
	assert_int_equal(tc_spec_parse("empirical(\".\")", &opts, &s, &err),
			 TC_ERR_IO);

	memset(&err, 0, sizeof err);
	assert_int_equal(tc_spec_parse("empirical(none.txt)", &opts, &s, &err),
			 TC_ERR_IO);
	assert_int_equal(err.column, 11);
	assert_null(s);
}

/* Nesting: 32 levels of calls parse, 33 are refused. */
static void nesting_and_length_are_bounded(void **state)
{
	const size_t limit = 64 * 1024;
	tci_buf b;
	tc_error err = {0};
	tc_spec *s;
	char *text;
	size_t i;

	tci_buf_init(&b);
	for (i = 0; i < 32; i++)
		tci_buf_adds(&b, "normal(");
	tci_buf_adds(&b, "0");
	for (i = 0; i < 32; i++)
		tci_buf_adds(&b, ", 1)");
	assert_int_equal(tc_spec_parse(b.data, NULL, &s, &err), TC_OK);
	tc_spec_free(s);
	tci_buf_reset(&b);
	for (i = 0; i < 33; i++)
		tci_buf_adds(&b, "normal(");
	tci_buf_adds(&b, "0");
	for (i = 0; i < 33; i++)
		tci_buf_adds(&b, ", 1)");
	assert_int_equal(tc_spec_parse(b.data, NULL, &s, &err), TC_ERR_LIMIT);
	assert_int_equal(err.column, 33 * 7 + 1);
	tci_buf_free(&b);

	/* 64 KiB exactly: empirical(1,1,...,1) padded with spaces. */
	text = malloc(limit + 2);
	memset(text, ' ', limit + 1);
	memcpy(text, "empirical(1", 11);
	for (i = 11; i + 2 < 4000; i += 2)
		memcpy(text + i, ",1", 2);
	text[i] = ')';
	text[limit] = '\0';
	assert_int_equal(tc_spec_parse(text, NULL, &s, &err), TC_OK);
	tc_spec_free(s);
	text[limit] = ' ';
	text[limit + 1] = '\0';
	assert_int_equal(tc_spec_parse(text, NULL, &s, &err), TC_ERR_LIMIT);
	free(text);
}

/* Every function on a spec that parsed: a status, never a crash. */
static void exercise(const tc_spec *s)
{
	static gsl_rng *r;
	tc_spec *inst = NULL;
	double x;
	int i;

	if (!r)
		r = new_rng();
	tc_spec_mean(s, &x);
	tc_spec_variance(s, &x);
	tc_spec_cdf(s, 1, &x);
	tc_spec_quantile(s, 0.3, &x);
	for (i = 0; i < 3; i++)
		tc_spec_sample(s, r, &x);
	if (tc_spec_instantiate(s, r, &inst) == TC_OK)
		assert_false(tc_spec_has_uncertain_params(inst));
	tc_spec_free(inst);
}

/* Random text and mutated specs: an error with a column, or a spec. */
static void check_any(const char *text)
{
	tc_error err = {0};
	tc_spec *s = NULL, *again = NULL;
	tc_spec_parse_opts opts = {"/nonexistent-tokcast-dir", 0};
	tc_status st;
	char *t;

	st = tc_spec_parse(text, &opts, &s, &err);
	if (st != TC_OK) {
		assert_null(s);
		assert_true(err.column >= 1 || err.line >= 1 ||
			    st == TC_ERR_IO);
		assert_true(err.column <= (long)strlen(text) + 1);
		assert_true(err.message[0] != '\0');
		return;
	}
	t = tc_spec_to_string(s);
	assert_int_equal(tc_spec_parse(t, &opts, &again, &err), TC_OK);
	assert_true(tc_spec_equal(s, again));
	exercise(s);
	free(t);
	tc_spec_free(again);
	tc_spec_free(s);
}

static void hostile_text_never_crashes(void **state)
{
	static const char *const seeds[] = {
		"mixture(0.7, lognormal(mu=normal(6.21, 0.008), sigma=0.93), "
		"0.3, truncate(gamma(2, 3), , 5))",
		"pert(2027-02-01, 2027-02-15, 2027-03-15)",
		"empirical(1, 2.5, -3e2)",
		"truncate(negbinomial(mean=10, size=range(1, 5)), min=1)",
	};
	static const char alphabet[] = "normaliegtpxuc(),= .-+e0123456789"
				       "\"/\t\x01\xff";
	gsl_rng *r = new_rng();
	char text[256];
	size_t len, i, k;
	int it;

	for (it = 0; it < 20000; it++) {
		const char *seed = seeds[it % 4];

		len = strlen(seed);
		memcpy(text, seed, len + 1);
		for (k = 0; k < 1 + gsl_rng_uniform_int(r, 4); k++) {
			i = gsl_rng_uniform_int(r, len);
			text[i] = alphabet[gsl_rng_uniform_int(
				r, sizeof alphabet - 1)];
		}
		if (it % 3 == 0)
			text[gsl_rng_uniform_int(r, len)] = '\0';
		check_any(text);
	}
	for (it = 0; it < 5000; it++) {
		len = gsl_rng_uniform_int(r, sizeof text - 1);
		for (i = 0; i < len; i++)
			text[i] = (char)(1 + gsl_rng_uniform_int(r, 255));
		text[len] = '\0';
		check_any(text);
	}
	gsl_rng_free(r);
}

/*
 * Heavy-tailed moments over the whole line, against closed forms worked
 * by hand: lognormal E[X^k] = exp(k mu + k^2 sigma^2 / 2), Weibull
 * E[X^k] = scale^k Gamma(1 + k / shape), log-logistic E[X^k] =
 * scale^k (k pi / shape) / sin(k pi / shape). The peak of x^4 times a
 * lognormal(11.68, 1) density lies far beyond its 99.9% quantile.
 */
static void heavy_tail_moments_match_closed_forms(void **state)
{
	tc_spec *s = NULL;
	double m, mean, b;
	int k;

	assert_int_equal(tc_spec_parse("lognormal(11.68, 1)", NULL, &s, NULL),
			 TC_OK);
	for (k = 1; k <= 4; k++) {
		assert_int_equal(tc_spec_moment(s, k, 0, &m), TC_OK);
		b = exp(k * 11.68 + 0.5 * k * k);
		assert_true(fabs(m / b - 1) < 1e-12);
	}
	mean = exp(11.68 + 0.5);
	assert_int_equal(tc_spec_moment(s, 2, mean, &m), TC_OK);
	b = (exp(1) - 1) * exp(2 * 11.68 + 1);
	assert_true(fabs(m / b - 1) < 1e-9);
	tc_spec_free(s);

	assert_int_equal(tc_spec_parse("weibull(0.5, 100)", NULL, &s, NULL),
			 TC_OK);
	assert_int_equal(tc_spec_moment(s, 3, 0, &m), TC_OK);
	/* Gamma(1 + 3 / 0.5) = 6! = 720. */
	assert_true(fabs(m / (720 * 1e6) - 1) < 1e-12);
	tc_spec_free(s);

	assert_int_equal(tc_spec_parse("loglogistic(1000, 5)", NULL, &s, NULL),
			 TC_OK);
	assert_int_equal(tc_spec_moment(s, 4, 0, &m), TC_OK);
	b = 1e12 * (4 * 3.14159265358979324 / 5) /
	    sin(4 * 3.14159265358979324 / 5);
	assert_true(fabs(m / b - 1) < 1e-12);
	tc_spec_free(s);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(heavy_tail_moments_match_closed_forms),
	cmocka_unit_test(canonical_text_round_trips),
	cmocka_unit_test(doubles_round_trip_exactly),
	cmocka_unit_test(errors_name_the_column),
	cmocka_unit_test(domain_errors_name_the_parameter),
	cmocka_unit_test(moments_match_closed_forms),
	cmocka_unit_test(higher_moments_match_scipy),
	cmocka_unit_test(infinite_and_uncertain_moments_refused),
	cmocka_unit_test(cdf_and_quantile_match_scipy),
	cmocka_unit_test(quantile_inverts_cdf),
	cmocka_unit_test(samplers_match_exact_moments),
	cmocka_unit_test(large_negbinomial_keeps_its_moments),
	cmocka_unit_test(negbinomial_draws_follow_the_cdf),
	cmocka_unit_test(nested_parameters_sample_the_compound),
	cmocka_unit_test(samplers_pass_ks_against_cdf),
	cmocka_unit_test(range_puts_five_percent_outside),
	cmocka_unit_test(instantiate_draws_parameters_once),
	cmocka_unit_test(instantiate_reaches_every_depth),
	cmocka_unit_test(redraws_are_bounded),
	cmocka_unit_test(truncation_falls_back_to_inverse_cdf),
	cmocka_unit_test(mass_outside_exact_and_drawn),
	cmocka_unit_test(dates_are_flagged_and_printed),
	cmocka_unit_test(accessors_expose_the_tree),
	cmocka_unit_test(empirical_reads_files),
	cmocka_unit_test(nesting_and_length_are_bounded),
	cmocka_unit_test(hostile_text_never_crashes),
};

TC_TEST_MAIN(tests)
