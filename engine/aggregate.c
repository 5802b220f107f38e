/*
 * aggregate.c - the sum of many i.i.d. per-request quantities drawn in
 * one step from a shifted gamma that matches the sum's first three
 * cumulants, and pairs of such sums joined by a Gaussian copula.
 *
 * A gamma(k, theta) has mean k theta, variance k theta^2 and third
 * cumulant 2 k theta^3. For a sum with mean M, variance V and third
 * cumulant K3 > 0: theta = K3 / (2 V), k = 4 V^3 / K3^2, shift = M - k
 * theta. For K3 < 0 the gamma is mirrored: shift - G, shift = M + k
 * theta. The fourth and higher cumulants are the gamma's, not the sum's;
 * they shrink like 1/n relative to V^2, which is why the engine uses
 * this path only for many requests.
 */
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>

#include "tokcast/rng.h"
#include "tci.h"
#include "sample.h"

/* Below this |skewness| the sum is drawn as a normal. */
#define SUM_MIN_SKEW 1e-6
/*
 * Gamma quantiles: GSL's inversion below SUM_NEWTON_SHAPE (it stops
 * converging in the thousands), Newton steps on GSL's cdf up to
 * SUM_WH_SHAPE (its incomplete gamma fails near 1e7), the Wilson-Hilferty
 * cube alone from there, within 2e-7 standard deviations for |z| <= 5.
 */
#define SUM_NEWTON_SHAPE 100.0
#define SUM_WH_SHAPE 1e6
#define SUM_NEWTON_STEPS 20

tc_status tci_sum_law_init(tci_sum_law *law, double mu, double var,
			   double k3, double n)
{
	double m, v, c3, inv_v, r, skew2;

	if (!isfinite(mu) || !isfinite(var) || !isfinite(k3) ||
	    !isfinite(n) || var < 0 || n < 0)
		return TC_ERR_ARG;
	m = n * mu;
	v = n * var;
	c3 = n * k3;
	law->mean = m;
	law->sd = sqrt(v);
	if (v == 0) {
		law->kind = TCI_SUM_CONSTANT;
		return TC_OK;
	}

	/* skew^2 = c3^2 / v^3 = r^2 / v with r = c3 / v: one division. */
	inv_v = 1 / v;
	r = c3 * inv_v;
	skew2 = r * r * inv_v;
	if (skew2 < SUM_MIN_SKEW * SUM_MIN_SKEW) {
		law->kind = TCI_SUM_NORMAL;
		return TC_OK;
	}
	law->scale = 0.5 * fabs(r);
	law->shape = 4 / skew2;
	law->wh_c = skew2 / 36;
	law->wh_root = sqrt(law->wh_c);
	if (c3 > 0) {
		law->kind = TCI_SUM_GAMMA;
		law->shift = m - law->shape * law->scale;
	} else {
		law->kind = TCI_SUM_GAMMA_MIRROR;
		law->shift = m + law->shape * law->scale;
	}
	return TC_OK;
}

double tci_sum_law_draw_any(gsl_rng *r, const tci_sum_law *law)
{
	switch (law->kind) {
	case TCI_SUM_CONSTANT:
		return law->mean;
	case TCI_SUM_NORMAL:
		return law->mean + law->sd * tci_ran_normal(r);
	case TCI_SUM_GAMMA:
		return law->shift + tci_ran_gamma(r, law->shape, law->scale);
	case TCI_SUM_GAMMA_MIRROR:
		return law->shift - tci_ran_gamma(r, law->shape, law->scale);
	}
	return NAN;
}

/*
 * The unit-scale gamma quantile at score z for a large shape: the
 * Wilson-Hilferty cube of a normal, refined by Newton steps on the cdf
 * of the tail that z is in below SUM_WH_SHAPE.
 */
static double gamma_at_score_large(double z, double shape)
{
	double c = 1 / (9 * shape);
	double t = 1 - c + z * sqrt(c);
	double x = shape * t * t * t;
	double p = z <= 0 ? gsl_cdf_ugaussian_P(z) : gsl_cdf_ugaussian_Q(z);
	int i;

	for (i = 0; shape < SUM_WH_SHAPE && i < SUM_NEWTON_STEPS; i++) {
		double f = z <= 0 ? gsl_cdf_gamma_P(x, shape, 1) - p
				  : p - gsl_cdf_gamma_Q(x, shape, 1);
		double dx = f / gsl_ran_gamma_pdf(x, shape, 1);

		if (!isfinite(dx))
			break;
		x = x - dx > 0 ? x - dx : x / 2;
		if (fabs(dx) <= 1e-13 * x)
			break;
	}
	return x;
}

/*
 * The gamma quantile at score z: GSL's inversion for small shapes,
 * through the lower tail for z <= 0 and the upper tail otherwise, so
 * probabilities near 1 do not round to 1; Newton for large shapes.
 */
static double gamma_at_score(double z, double shape, double scale)
{
	double x;

	if (shape >= SUM_NEWTON_SHAPE)
		return scale * gamma_at_score_large(z, shape);
	if (z <= 0)
		x = gsl_cdf_gamma_Pinv(gsl_cdf_ugaussian_P(z), shape, scale);
	else
		x = gsl_cdf_gamma_Qinv(gsl_cdf_ugaussian_Q(z), shape, scale);

	/*
	 * GSL finds no quantile for the least shapes (1e-8), where all but
	 * a vanishing mass lies at 0: take 0 rather than let a NaN through.
	 */
	return isnan(x) ? 0 : x;
}

double tci_sum_law_at_score(const tci_sum_law *law, double z)
{
	tci_gsl_fence();
	switch (law->kind) {
	case TCI_SUM_CONSTANT:
		return law->mean;
	case TCI_SUM_NORMAL:
		return law->mean + law->sd * z;
	case TCI_SUM_GAMMA:
		return law->shift + gamma_at_score(z, law->shape, law->scale);
	case TCI_SUM_GAMMA_MIRROR:
		/* The mirror's quantile at z is the gamma's at -z. */
		return law->shift - gamma_at_score(-z, law->shape, law->scale);
	}
	return NAN;
}

void tci_sum_pair_draw(gsl_rng *r, const tci_sum_law *a,
		       const tci_sum_law *b, double rank_corr, double out[2])
{
	double rs = fmin(1, fmax(-1, rank_corr));
	double rho = 2 * sin(M_PI * rs / 6);
	double z1 = tci_ran_normal(r);
	double z2 = rho * z1 + sqrt(fmax(0, 1 - rho * rho)) * tci_ran_normal(r);

	out[0] = tci_sum_law_draw_at(r, a, z1);
	out[1] = tci_sum_law_draw_at(r, b, z2);
}
