/*
 * pricing_expect.c - the moments of the cost of one request of a class,
 * integrated over the input-token distribution across the tier threshold.
 *
 * Per request, with X all input tokens and Y all output tokens (taken
 * independent), the cost is C = M (a X + b Y), where a and b are the
 * per-token input and output rates blended by the class's mean shares,
 * both switching to the tier's rates when X is above the threshold t,
 * and M is the batch multiplier with probability batch_share, else 1.
 * Splitting on the tier,
 *
 *   E[(aX + bY)^k] = sum over r in {X <= t, X > t} of
 *                    sum_j C(k,j) a_r^j b_r^(k-j) E[X^j; r] E[Y^(k-j)],
 *
 * so the partial moments E[X^j; X <= t] and E[X^j; X > t], j <= 3, and
 * the raw moments of Y give the exact first three moments of C. These are
 * statistics for the engine and use double; exact money is elsewhere.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "pricing_int.h"
#include "tci.h"

#define QUAD_LIMIT 2000
#define QUAD_EPSREL 1e-12
#define MAX_DOUBLINGS 200
#define QUAD_ACCEPT 1e-4

typedef struct integrand {
	tci_cdf_fn cdf;
	void *ctx;
	double t;	/* threshold */
	double ft;	/* cdf at the threshold */
	int k;		/* moment order */
} integrand;

/* k x^(k-1) (F(t) - F(x)): integrated over [0, t] gives E[X^k; X <= t]. */
static double lower_fn(double x, void *data)
{
	const integrand *in = data;

	return in->k * pow(x, in->k - 1) * (in->ft - in->cdf(x, in->ctx));
}

/* k x^(k-1) (1 - F(x)): integrated over (t, inf) gives the upper tail. */
static double upper_fn(double x, void *data)
{
	const integrand *in = data;

	return in->k * pow(x, in->k - 1) * (1.0 - in->cdf(x, in->ctx));
}

/*
 * Accepts a GSL result when it converged, or when its error estimate is
 * below QUAD_ACCEPT relative: the step distribution function of a discrete
 * spec (negative binomial, empirical) never lets the rule converge at
 * 1e-12; its estimate then overstates the error (a negative binomial of
 * mean 150,000: estimate 4e-6, true error 1.3e-7).
 */
static int quad_ok(int rc, double result, double abserr, double scale)
{
	if (!isfinite(result))
		return 0;
	return rc == GSL_SUCCESS ||
	       abserr <= QUAD_ACCEPT * (fabs(scale) + fabs(result)) + 1e-300;
}

/*
 * The upper tail integral over (t, inf), in intervals that double in
 * length, stopping once an interval adds nothing and the tail is spent.
 * (GSL's semi-infinite rule loses itself in the roundoff of 1 - F far
 * out; finite intervals do not.) Far out 1 - F rounds to 0, which ends
 * any tail: the caller must know the moment is finite (pricing_spec.c
 * checks the spec's families).
 */
static tc_status upper_tail(integrand *in, gsl_integration_workspace *w,
			    double *out)
{
	gsl_function f = {upper_fn, in};
	double a = in->t, b = in->t > 1 ? 2 * in->t : 1, r, e, sum = 0;
	int i, rc;

	for (i = 0; i < MAX_DOUBLINGS; i++) {
		/* Far out 1 - F is roundoff: ask no more than the sum needs. */
		rc = gsl_integration_qag(&f, a, b, 1e-14 * fabs(sum),
					 QUAD_EPSREL, QUAD_LIMIT,
					 GSL_INTEG_GAUSS21, w, &r, &e);
		if (!quad_ok(rc, r, e, sum))
			return TC_ERR_NUMERIC;
		sum += r;
		if (fabs(r) <= 1e-17 * fabs(sum) &&
		    1.0 - in->cdf(b, in->ctx) < 1e-12) {
			*out = sum;
			return TC_OK;
		}
		a = b;
		b *= 2;
	}
	return TC_ERR_NUMERIC;
}

/* One partial moment of order k >= 1 on each side of in->t. */
static tc_status moment_pair(integrand *in, gsl_integration_workspace *w,
			     double *lo, double *hi)
{
	gsl_function f = {lower_fn, in};
	double r, e;
	int rc;
	tc_status st;

	*lo = 0.0;
	if (in->t > 0) {
		rc = gsl_integration_qag(&f, 0.0, in->t, 0.0, QUAD_EPSREL,
					 QUAD_LIMIT, GSL_INTEG_GAUSS61, w, &r,
					 &e);
		if (!quad_ok(rc, r, e, 0.0))
			return TC_ERR_NUMERIC;
		*lo = r;
	}
	st = upper_tail(in, w, &r);
	if (st != TC_OK)
		return st;
	*hi = r + pow(in->t, in->k) * (1.0 - in->ft);
	return TC_OK;
}

tc_status tci_partial_moments(tci_cdf_fn cdf, void *ctx, double t,
			      double lo[4], double hi[4])
{
	gsl_integration_workspace *w;
	integrand in;
	tc_status st = TC_OK;

	tci_gsl_fence();
	if (t < 0)
		t = 0;
	in.cdf = cdf;
	in.ctx = ctx;
	in.t = t;
	in.ft = cdf(t, ctx);
	if (!isfinite(in.ft))
		return TC_ERR_NUMERIC;
	lo[0] = in.ft;
	hi[0] = 1.0 - in.ft;
	w = gsl_integration_workspace_alloc(QUAD_LIMIT);
	if (!w)
		return TC_ERR_NOMEM;
	for (in.k = 1; in.k <= 3 && st == TC_OK; in.k++)
		st = moment_pair(&in, w, &lo[in.k], &hi[in.k]);
	gsl_integration_workspace_free(w);
	return st;
}

/* A rate in USD per token, or NaN when unpriced. */
static double usd(int64_t rate)
{
	return rate == TC_RATE_NONE ? NAN : (double)rate * 1e-15;
}

/* share x rate, where an unused unpriced bucket adds nothing. */
static double term(double share, int64_t rate)
{
	return share > 0 ? share * usd(rate) : 0.0;
}

/* The blended per-token input (*a) and output (*b) rates of a rate set. */
static void blend(const tc_rates *r, const tc_request_mix *m, double *a,
		  double *b)
{
	double w = m->cache_write_share;

	*a = term(1.0 - m->cached_share - w, r->input) +
	     term(m->cached_share, r->cache_read) +
	     term(w * (1.0 - m->write_1h_share), r->cache_write_5m) +
	     term(w * m->write_1h_share, r->cache_write_1h);
	*b = term(1.0 - m->reasoning_share, r->output) +
	     term(m->reasoning_share, r->reasoning);
}

static int share_ok(double s)
{
	return s >= 0.0 && s <= 1.0;
}

/* Checks the shares; fills err and returns TC_ERR_ARG when one is off. */
static tc_status check_mix(const tc_request_mix *m, tc_error *err)
{
	if (!share_ok(m->cached_share) || !share_ok(m->cache_write_share) ||
	    !share_ok(m->write_1h_share) || !share_ok(m->reasoning_share) ||
	    !share_ok(m->batch_share) ||
	    m->cached_share + m->cache_write_share > 1.0 + 1e-12)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "shares must lie in [0, 1] and cached plus "
				 "cache-write share may not exceed 1");
	return TC_OK;
}

/* E[(aX + bY)^k] over one tier region, from its partial moments. */
static double region_moment(int k, double a, double b, const double *xm,
			    const double *ym)
{
	static const double binom[4][4] = {
		{1, 0, 0, 0}, {1, 1, 0, 0}, {1, 2, 1, 0}, {1, 3, 3, 1}};
	double s = 0.0;
	int j;

	for (j = 0; j <= k; j++)
		s += binom[k][j] * pow(a, j) * pow(b, k - j) * xm[j] *
		     ym[k - j];
	return s;
}

tc_status tci_cost_moments(const tc_price *p, const tc_request_mix *mix,
			   const double lo[4], const double hi[4],
			   const double ym[4], tc_cost_moments *out,
			   tc_error *err)
{
	double a0, b0, a1, b1, mb, em[4], z[4], mu;
	int k;
	tc_status st = check_mix(mix, err);

	if (st != TC_OK)
		return st;
	blend(&p->base, mix, &a0, &b0);
	a1 = a0;
	b1 = b0;
	if (p->tier_threshold)
		blend(&p->tier, mix, &a1, &b1);
	mb = 1.0;
	if (mix->batch_share > 0)
		mb = p->batch_mult == TC_RATE_NONE ?
		     NAN : (double)p->batch_mult / TC_MULT_ONE;
	if (!isfinite(a0 + b0 + a1 + b1 + mb))
		return tci_error(err, TC_ERR_INVALID, p->file, p->line,
				 p->model, "the class uses a token bucket or "
				 "batch that this row has no price for");

	/* Raw moments of the multiplier M and of Z = aX + bY, then C = MZ. */
	for (k = 1; k <= 3; k++) {
		em[k] = (1.0 - mix->batch_share) + mix->batch_share *
			pow(mb, k);
		z[k] = region_moment(k, a0, b0, lo, ym) +
		       region_moment(k, a1, b1, hi, ym);
		z[k] *= em[k];
	}
	mu = z[1];
	out->mean = mu;
	out->variance = fmax(z[2] - mu * mu, 0.0);
	out->third = z[3] - 3.0 * mu * z[2] + 2.0 * mu * mu * mu;
	out->tier_share = p->tier_threshold ? hi[0] : 0.0;
	return TC_OK;
}
