/*
 * spec_dist.c - the distribution families with fixed parameters: domain
 * checks, samplers, exact moments, distribution and quantile functions
 * and densities, one const descriptor per family. GSL supplies most of
 * them; the log-logistic, the triangular and the range parametrisation
 * are written out here.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "spec_impl.h"

/* The standard normal's 95th percentile, used by range(low, high). */
#define Z95 1.6448536269514722
#define PI 3.14159265358979323846
#define POISSON_EXACT_MAX 1e9

/* Positive parameters: every one must be > 0. */
static const char *check_positive(size_t i, const double *v,
				  const int *known)
{
	return v[i] > 0 ? NULL : "must be > 0";
}

/* normal(mean, sd): any mean, sd > 0. */
static const char *check_normal(size_t i, const double *v, const int *known)
{
	return i == 1 && !(v[1] > 0) ? "must be > 0" : NULL;
}

/* uniform(a, b): a < b. */
static const char *check_uniform(size_t i, const double *v,
				  const int *known)
{
	return i == 1 && known[0] && !(v[1] > v[0]) ? "must be > a" : NULL;
}

/* min <= mode <= max and min < max. */
static const char *check_three_point(size_t i, const double *v,
				     const int *known)
{
	if (i == 1 && known[0] && !(v[1] >= v[0]))
		return "must be >= min";
	if (i == 2 && known[1] && !(v[2] >= v[1]))
		return "must be >= mode";
	if (i == 2 && known[0] && !(v[2] > v[0]))
		return "must be > min";
	return NULL;
}

/* range(low, high): 0 < low < high. */
static const char *check_range(size_t i, const double *v, const int *known)
{
	if (i == 0 && !(v[0] > 0))
		return "must be > 0 (range() is a lognormal; for a range "
		       "through zero use normal(mean, sd))";
	if (i == 1 && known[0] && !(v[1] > v[0]))
		return "must be > low";
	if (i == 1 && !(v[1] > 0))
		return "must be > 0";
	return NULL;
}

static void support_real(const double *v, double *lo, double *hi)
{
	*lo = -INFINITY;
	*hi = INFINITY;
}

static void support_positive(const double *v, double *lo, double *hi)
{
	*lo = 0;
	*hi = INFINITY;
}

static void support_unit(const double *v, double *lo, double *hi)
{
	*lo = 0;
	*hi = 1;
}

static void support_ab(const double *v, double *lo, double *hi)
{
	*lo = v[0];
	*hi = v[1];
}

static void support_three(const double *v, double *lo, double *hi)
{
	*lo = v[0];
	*hi = v[2];
}

/* Normal. */

static double normal_sample(const double *v, gsl_rng *rng)
{
	return v[0] + gsl_ran_gaussian_ziggurat(rng, v[1]);
}

static int normal_mean(const double *v, double *out)
{
	*out = v[0];
	return 0;
}

static int normal_var(const double *v, double *out)
{
	*out = v[1] * v[1];
	return 0;
}

static double normal_cdf(const double *v, double x)
{
	return gsl_cdf_gaussian_P(x - v[0], v[1]);
}

static double normal_quantile(const double *v, double p)
{
	return v[0] + gsl_cdf_gaussian_Pinv(p, v[1]);
}

static double normal_pdf(const double *v, double x)
{
	return gsl_ran_gaussian_pdf(x - v[0], v[1]);
}

static double normal_sf(const double *v, double x)
{
	return gsl_cdf_gaussian_Q(x - v[0], v[1]);
}

static double normal_isf(const double *v, double q)
{
	return v[0] + gsl_cdf_gaussian_Qinv(q, v[1]);
}

/*
 * The distribution and quantile functions of a GSL family living on
 * x > 0, in both tails: F = 0 and S = 1 at and below zero, and the
 * quantile at p = 0 (q = 1) is 0 rather than GSL's own end value. a, b:
 * the parameters in GSL's order.
 */
#define POSITIVE_GSL(fam, a, b)                                          \
	static double fam##_cdf(const double *v, double x)               \
	{                                                                \
		return x <= 0 ? 0 : gsl_cdf_##fam##_P(x, a, b);           \
	}                                                                \
	static double fam##_quantile(const double *v, double p)          \
	{                                                                \
		return p <= 0 ? 0 : gsl_cdf_##fam##_Pinv(p, a, b);        \
	}                                                                \
	static double fam##_sf(const double *v, double x)                \
	{                                                                \
		return x <= 0 ? 1 : gsl_cdf_##fam##_Q(x, a, b);           \
	}                                                                \
	static double fam##_isf(const double *v, double q)               \
	{                                                                \
		return q >= 1 ? 0 : gsl_cdf_##fam##_Qinv(q, a, b);        \
	}

/* Lognormal (mu, sigma of the logarithm). */

static double lognormal_sample(const double *v, gsl_rng *rng)
{
	return gsl_ran_lognormal(rng, v[0], v[1]);
}

static int lognormal_mean(const double *v, double *out)
{
	*out = exp(v[0] + v[1] * v[1] / 2);
	return 0;
}

static int lognormal_var(const double *v, double *out)
{
	double s2 = v[1] * v[1];

	*out = expm1(s2) * exp(2 * v[0] + s2);
	return 0;
}

static double lognormal_pdf(const double *v, double x)
{
	return x <= 0 ? 0 : gsl_ran_lognormal_pdf(x, v[0], v[1]);
}

POSITIVE_GSL(lognormal, v[0], v[1])

/* Gamma (shape, scale). */

static double gamma_sample(const double *v, gsl_rng *rng)
{
	return gsl_ran_gamma(rng, v[0], v[1]);
}

static int gamma_mean(const double *v, double *out)
{
	*out = v[0] * v[1];
	return 0;
}

static int gamma_var(const double *v, double *out)
{
	*out = v[0] * v[1] * v[1];
	return 0;
}

static double gamma_pdf(const double *v, double x)
{
	return x < 0 ? 0 : gsl_ran_gamma_pdf(x, v[0], v[1]);
}

POSITIVE_GSL(gamma, v[0], v[1])

/* Weibull (shape k, scale lambda); GSL takes the scale first. */

static double weibull_sample(const double *v, gsl_rng *rng)
{
	return gsl_ran_weibull(rng, v[1], v[0]);
}

static int weibull_mean(const double *v, double *out)
{
	*out = v[1] * gsl_sf_gamma(1 + 1 / v[0]);
	return 0;
}

static int weibull_var(const double *v, double *out)
{
	double g1 = gsl_sf_gamma(1 + 1 / v[0]);
	double g2 = gsl_sf_gamma(1 + 2 / v[0]);

	*out = v[1] * v[1] * (g2 - g1 * g1);
	return 0;
}

static double weibull_pdf(const double *v, double x)
{
	return x < 0 ? 0 : gsl_ran_weibull_pdf(x, v[1], v[0]);
}

POSITIVE_GSL(weibull, v[1], v[0])

/*
 * Log-logistic (scale alpha, shape beta): F(x) = 1 / (1 + (x/alpha)^-beta).
 * With b = pi / beta the mean is alpha b / sin b (beta > 1) and the
 * variance alpha^2 (2b / sin 2b - b^2 / sin^2 b) (beta > 2).
 */

static double loglogistic_quantile(const double *v, double p)
{
	if (p <= 0)
		return 0;
	if (p >= 1)
		return INFINITY;
	return v[0] * pow(p / (1 - p), 1 / v[1]);
}

static double loglogistic_sample(const double *v, gsl_rng *rng)
{
	return loglogistic_quantile(v, gsl_rng_uniform_pos(rng));
}

static int loglogistic_mean(const double *v, double *out)
{
	double b = PI / v[1];

	if (v[1] <= 1)
		return -1;
	*out = v[0] * b / sin(b);
	return 0;
}

static int loglogistic_var(const double *v, double *out)
{
	double b = PI / v[1];
	double s = sin(b);

	if (v[1] <= 2)
		return -1;
	*out = v[0] * v[0] * (2 * b / sin(2 * b) - b * b / (s * s));
	return 0;
}

static double loglogistic_cdf(const double *v, double x)
{
	if (x <= 0)
		return 0;
	return 1 / (1 + pow(x / v[0], -v[1]));
}

static double loglogistic_pdf(const double *v, double x)
{
	double z, d;

	if (x <= 0)
		return 0;
	z = pow(x / v[0], v[1]);
	d = 1 + z;
	return v[1] / x * z / (d * d);
}

static double loglogistic_sf(const double *v, double x)
{
	if (x <= 0)
		return 1;
	return 1 / (1 + pow(x / v[0], v[1]));
}

static double loglogistic_isf(const double *v, double q)
{
	if (q >= 1)
		return 0;
	if (q <= 0)
		return INFINITY;
	return v[0] * pow((1 - q) / q, 1 / v[1]);
}

/*
 * Negative binomial (mean m, size n): variance m + m^2 / n. In GSL's
 * terms p = n / (n + m) with n trials, drawn as a gamma-Poisson mixture.
 */

static double nb_p(const double *v)
{
	return v[1] / (v[1] + v[0]);
}

/*
 * A Poisson draw. GSL's sampler is exact but casts its mean to unsigned
 * int, so above POISSON_EXACT_MAX (a mean whose standard deviation is
 * 3e-5 of it) the normal approximation, rounded, is drawn instead.
 */
static double poisson_draw(gsl_rng *rng, double lambda)
{
	double x;

	if (lambda <= POISSON_EXACT_MAX)
		return gsl_ran_poisson(rng, lambda);
	if (!isfinite(lambda))
		return lambda;
	x = floor(lambda + sqrt(lambda) * gsl_ran_gaussian_ziggurat(rng, 1) +
		  0.5);
	return x < 0 ? 0 : x;
}

/* Gamma-Poisson: the rate is gamma with shape size and mean mean. */
static double negbinomial_sample(const double *v, gsl_rng *rng)
{
	return poisson_draw(rng, gsl_ran_gamma(rng, v[1], v[0] / v[1]));
}

static int negbinomial_mean(const double *v, double *out)
{
	*out = v[0];
	return 0;
}

static int negbinomial_var(const double *v, double *out)
{
	*out = v[0] + v[0] * v[0] / v[1];
	return 0;
}

/* P(X <= x) summed through GSL's regularised incomplete beta. */
static double negbinomial_cdf(const double *v, double x)
{
	double k = floor(x);

	if (k < 0)
		return 0;
	if (k >= (double)UINT_MAX)
		return 1;
	return gsl_cdf_negative_binomial_P((unsigned)k, nb_p(v), v[1]);
}

static double negbinomial_cdf_left(const double *v, double x)
{
	return negbinomial_cdf(v, ceil(x) - 1);
}

/* P(X > x) and P(X >= x). */
static double negbinomial_sf(const double *v, double x)
{
	double k = floor(x);

	if (k < 0)
		return 1;
	if (k >= (double)UINT_MAX)
		return 0;
	return gsl_cdf_negative_binomial_Q((unsigned)k, nb_p(v), v[1]);
}

static double negbinomial_sf_left(const double *v, double x)
{
	return negbinomial_sf(v, ceil(x) - 1);
}

/* The smallest k with P(X > k) <= q, by doubling then bisection. */
static double negbinomial_isf(const double *v, double q)
{
	double lo = 0, hi = 1, mid;

	if (q >= 1 || negbinomial_sf(v, 0) <= q)
		return 0;
	while (negbinomial_sf(v, hi) > q) {
		lo = hi;
		hi *= 2;
		if (hi >= (double)UINT_MAX)
			return INFINITY;
	}
	while (hi - lo > 1) {
		mid = floor((lo + hi) / 2);
		if (negbinomial_sf(v, mid) <= q)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* The smallest k with P(X <= k) >= p, by doubling then bisection. */
static double negbinomial_quantile(const double *v, double p)
{
	double lo = 0, hi = 1, mid;

	if (p <= 0 || negbinomial_cdf(v, 0) >= p)
		return 0;
	while (negbinomial_cdf(v, hi) < p) {
		lo = hi;
		hi *= 2;
		if (hi >= (double)UINT_MAX)
			return INFINITY;
	}
	while (hi - lo > 1) {
		mid = floor((lo + hi) / 2);
		if (negbinomial_cdf(v, mid) >= p)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

static double negbinomial_pdf(const double *v, double x)
{
	if (x < 0 || x != floor(x) || x >= (double)UINT_MAX)
		return 0;
	return gsl_ran_negative_binomial_pdf((unsigned)x, nb_p(v), v[1]);
}

/* Beta (a, b) on [0, 1]. */

static double beta_sample(const double *v, gsl_rng *rng)
{
	return gsl_ran_beta(rng, v[0], v[1]);
}

static int beta_mean(const double *v, double *out)
{
	*out = v[0] / (v[0] + v[1]);
	return 0;
}

static int beta_var(const double *v, double *out)
{
	double s = v[0] + v[1];

	*out = v[0] * v[1] / (s * s * (s + 1));
	return 0;
}

static double beta_cdf(const double *v, double x)
{
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	return gsl_cdf_beta_P(x, v[0], v[1]);
}

static double beta_quantile(const double *v, double p)
{
	if (p <= 0)
		return 0;
	if (p >= 1)
		return 1;
	return gsl_cdf_beta_Pinv(p, v[0], v[1]);
}

static double beta_pdf(const double *v, double x)
{
	if (x < 0 || x > 1)
		return 0;
	return gsl_ran_beta_pdf(x, v[0], v[1]);
}

static double beta_sf(const double *v, double x)
{
	if (x <= 0)
		return 1;
	if (x >= 1)
		return 0;
	return gsl_cdf_beta_Q(x, v[0], v[1]);
}

static double beta_isf(const double *v, double q)
{
	if (q >= 1)
		return 0;
	if (q <= 0)
		return 1;
	return gsl_cdf_beta_Qinv(q, v[0], v[1]);
}

/* Uniform (a, b). */

static double uniform_sample(const double *v, gsl_rng *rng)
{
	return gsl_ran_flat(rng, v[0], v[1]);
}

static int uniform_mean(const double *v, double *out)
{
	*out = (v[0] + v[1]) / 2;
	return 0;
}

static int uniform_var(const double *v, double *out)
{
	double w = v[1] - v[0];

	*out = w * w / 12;
	return 0;
}

static double uniform_cdf(const double *v, double x)
{
	if (x <= v[0])
		return 0;
	if (x >= v[1])
		return 1;
	return (x - v[0]) / (v[1] - v[0]);
}

static double uniform_quantile(const double *v, double p)
{
	if (p <= 0)
		return v[0];
	if (p >= 1)
		return v[1];
	return v[0] + p * (v[1] - v[0]);
}

static double uniform_pdf(const double *v, double x)
{
	return x < v[0] || x > v[1] ? 0 : 1 / (v[1] - v[0]);
}

static double uniform_sf(const double *v, double x)
{
	return 1 - uniform_cdf(v, x);
}

static double uniform_isf(const double *v, double q)
{
	return uniform_quantile(v, 1 - q);
}

/* Triangular (min a, mode c, max b), by its inverse distribution. */

static double triangular_cdf(const double *v, double x)
{
	double a = v[0], c = v[1], b = v[2];

	if (x <= a)
		return 0;
	if (x >= b)
		return 1;
	if (x <= c)
		return (x - a) * (x - a) / ((b - a) * (c - a));
	return 1 - (b - x) * (b - x) / ((b - a) * (b - c));
}

static double triangular_quantile(const double *v, double p)
{
	double a = v[0], c = v[1], b = v[2];
	double fc = (c - a) / (b - a);

	if (p <= 0)
		return a;
	if (p >= 1)
		return b;
	if (p <= fc)
		return a + sqrt(p * (b - a) * (c - a));
	return b - sqrt((1 - p) * (b - a) * (b - c));
}

static double triangular_sample(const double *v, gsl_rng *rng)
{
	return triangular_quantile(v, gsl_rng_uniform(rng));
}

static int triangular_mean(const double *v, double *out)
{
	*out = (v[0] + v[1] + v[2]) / 3;
	return 0;
}

/* Shifted to the minimum first, so dates keep their precision. */
static int triangular_var(const double *v, double *out)
{
	double c = v[1] - v[0], b = v[2] - v[0];

	*out = (b * b + c * c - b * c) / 18;
	return 0;
}

static double triangular_pdf(const double *v, double x)
{
	double a = v[0], c = v[1], b = v[2];

	if (x < a || x > b)
		return 0;
	if (x < c)
		return 2 * (x - a) / ((b - a) * (c - a));
	if (x > c)
		return 2 * (b - x) / ((b - a) * (b - c));
	return 2 / (b - a);
}

static double triangular_sf(const double *v, double x)
{
	double a = v[0], c = v[1], b = v[2];

	if (x >= c && x < b)
		return (b - x) * (b - x) / ((b - a) * (b - c));
	return 1 - triangular_cdf(v, x);
}

static double triangular_isf(const double *v, double q)
{
	double a = v[0], c = v[1], b = v[2];

	if (q > 0 && q <= (b - c) / (b - a))
		return b - sqrt(q * (b - a) * (b - c));
	return triangular_quantile(v, 1 - q);
}

/*
 * PERT (min, mode, max): min + (max - min) Beta(alpha, beta) with
 * alpha = 1 + 4 (mode - min) / (max - min), beta = 1 + 4 (max - mode) /
 * (max - min).
 */

static void pert_beta(const double *v, double *ab)
{
	double w = v[2] - v[0];

	ab[0] = 1 + 4 * (v[1] - v[0]) / w;
	ab[1] = 1 + 4 * (v[2] - v[1]) / w;
}

static double pert_sample(const double *v, gsl_rng *rng)
{
	double ab[2];

	pert_beta(v, ab);
	return v[0] + (v[2] - v[0]) * beta_sample(ab, rng);
}

static int pert_mean(const double *v, double *out)
{
	*out = (v[0] + 4 * v[1] + v[2]) / 6;
	return 0;
}

static int pert_var(const double *v, double *out)
{
	double ab[2], w = v[2] - v[0];

	pert_beta(v, ab);
	beta_var(ab, out);
	*out *= w * w;
	return 0;
}

static double pert_cdf(const double *v, double x)
{
	double ab[2];

	pert_beta(v, ab);
	return beta_cdf(ab, (x - v[0]) / (v[2] - v[0]));
}

static double pert_quantile(const double *v, double p)
{
	double ab[2];

	pert_beta(v, ab);
	return v[0] + (v[2] - v[0]) * beta_quantile(ab, p);
}

static double pert_pdf(const double *v, double x)
{
	double ab[2], w = v[2] - v[0];

	pert_beta(v, ab);
	return beta_pdf(ab, (x - v[0]) / w) / w;
}

static double pert_sf(const double *v, double x)
{
	double ab[2];

	pert_beta(v, ab);
	return beta_sf(ab, (x - v[0]) / (v[2] - v[0]));
}

static double pert_isf(const double *v, double q)
{
	double ab[2];

	pert_beta(v, ab);
	return v[0] + (v[2] - v[0]) * beta_isf(ab, q);
}

/*
 * range(low, high): the lognormal with 5th percentile low and 95th
 * percentile high, mu = (ln low + ln high) / 2 and
 * sigma = (ln high - ln low) / (2 z95).
 */

static void range_ln(const double *v, double *ln)
{
	ln[0] = (log(v[0]) + log(v[1])) / 2;
	ln[1] = (log(v[1]) - log(v[0])) / (2 * Z95);
}

static double range_sample(const double *v, gsl_rng *rng)
{
	double ln[2];

	range_ln(v, ln);
	return lognormal_sample(ln, rng);
}

static int range_mean(const double *v, double *out)
{
	double ln[2];

	range_ln(v, ln);
	return lognormal_mean(ln, out);
}

static int range_var(const double *v, double *out)
{
	double ln[2];

	range_ln(v, ln);
	return lognormal_var(ln, out);
}

/* The range's functions are the lognormal's at its (mu, sigma). */
#define VIA_LOGNORMAL(fn)                                                \
	static double range_##fn(const double *v, double x)              \
	{                                                                \
		double ln[2];                                            \
		range_ln(v, ln);                                         \
		return lognormal_##fn(ln, x);                            \
	}

VIA_LOGNORMAL(cdf)
VIA_LOGNORMAL(quantile)
VIA_LOGNORMAL(pdf)
VIA_LOGNORMAL(sf)
VIA_LOGNORMAL(isf)

#define CONTINUOUS(fam, id, nm, np, p0, p1, p2, chk, sup)                 \
	{ id, nm, np, {p0, p1, p2}, 0, chk, fam##_sample, fam##_mean,    \
	  fam##_var, fam##_cdf, fam##_cdf, fam##_sf, fam##_sf,            \
	  fam##_quantile, fam##_isf, fam##_pdf, sup }

static const tci_family families[] = {
	CONTINUOUS(normal, TC_SPEC_NORMAL, "normal", 2, "mean", "sd", NULL,
		   check_normal, support_real),
	CONTINUOUS(lognormal, TC_SPEC_LOGNORMAL, "lognormal", 2, "mu",
		   "sigma", NULL, check_normal, support_positive),
	CONTINUOUS(gamma, TC_SPEC_GAMMA, "gamma", 2, "shape", "scale", NULL,
		   check_positive, support_positive),
	CONTINUOUS(weibull, TC_SPEC_WEIBULL, "weibull", 2, "shape", "scale",
		   NULL, check_positive, support_positive),
	CONTINUOUS(loglogistic, TC_SPEC_LOGLOGISTIC, "loglogistic", 2,
		   "scale", "shape", NULL, check_positive, support_positive),
	{ TC_SPEC_NEGBINOMIAL, "negbinomial", 2, {"mean", "size", NULL}, 1,
	  check_positive, negbinomial_sample, negbinomial_mean,
	  negbinomial_var, negbinomial_cdf, negbinomial_cdf_left,
	  negbinomial_sf, negbinomial_sf_left, negbinomial_quantile,
	  negbinomial_isf, negbinomial_pdf, support_positive },
	CONTINUOUS(beta, TC_SPEC_BETA, "beta", 2, "a", "b", NULL,
		   check_positive, support_unit),
	CONTINUOUS(uniform, TC_SPEC_UNIFORM, "uniform", 2, "a", "b", NULL,
		   check_uniform, support_ab),
	CONTINUOUS(triangular, TC_SPEC_TRIANGULAR, "triangular", 3, "min",
		   "mode", "max", check_three_point, support_three),
	CONTINUOUS(pert, TC_SPEC_PERT, "pert", 3, "min", "mode", "max",
		   check_three_point, support_three),
	CONTINUOUS(range, TC_SPEC_RANGE, "range", 2, "low", "high", NULL,
		   check_range, support_positive),
};

#define NFAMILIES (sizeof families / sizeof families[0])

const tci_family *tci_family_get(tc_spec_family id)
{
	size_t i;

	for (i = 0; i < NFAMILIES; i++)
		if (families[i].id == id)
			return &families[i];
	return NULL;
}

/* Every name a spec may start with, the combinators included. */
static const struct {
	const char *name;
	tc_spec_family id;
} all_names[] = {
	{"normal", TC_SPEC_NORMAL},	  {"lognormal", TC_SPEC_LOGNORMAL},
	{"gamma", TC_SPEC_GAMMA},	  {"weibull", TC_SPEC_WEIBULL},
	{"loglogistic", TC_SPEC_LOGLOGISTIC},
	{"negbinomial", TC_SPEC_NEGBINOMIAL},
	{"beta", TC_SPEC_BETA},		  {"uniform", TC_SPEC_UNIFORM},
	{"triangular", TC_SPEC_TRIANGULAR}, {"pert", TC_SPEC_PERT},
	{"range", TC_SPEC_RANGE},	  {"mixture", TC_SPEC_MIXTURE},
	{"truncate", TC_SPEC_TRUNCATE},	  {"empirical", TC_SPEC_EMPIRICAL},
};

#define NNAMES (sizeof all_names / sizeof all_names[0])

int tci_family_lookup(const char *name, size_t len, tc_spec_family *id)
{
	size_t i;

	for (i = 0; i < NNAMES; i++) {
		if (strlen(all_names[i].name) == len &&
		    memcmp(all_names[i].name, name, len) == 0) {
			*id = all_names[i].id;
			return 1;
		}
	}
	return 0;
}

const char *tci_family_suggest(const char *name, size_t len)
{
	char buf[64];
	size_t i, d, best = 3;
	const char *hit = NULL;

	if (len >= sizeof buf)
		return NULL;
	memcpy(buf, name, len);
	buf[len] = '\0';
	for (i = 0; i < NNAMES; i++) {
		d = tci_edit_distance(buf, all_names[i].name, 2);
		if (d < best) {
			best = d;
			hit = all_names[i].name;
		}
	}
	return hit;
}

const char *tc_spec_family_name(tc_spec_family family)
{
	size_t i;

	if (family == TC_SPEC_CONST)
		return "constant";
	for (i = 0; i < NNAMES; i++)
		if (all_names[i].id == family)
			return all_names[i].name;
	return "unknown";
}
