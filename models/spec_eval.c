/*
 * spec_eval.c - whole spec trees: drawing values and per-trial instances,
 * and the exact moments, distribution and quantile functions of specs
 * whose parameters are constants. Mixtures are weighted sums of their
 * components (weights normalised to sum 1); truncations rescale the
 * inner distribution to [min, max], their moments coming from partial
 * moments (sums for discrete families, GSL quadrature for continuous).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>

#include "spec_impl.h"

#define MASS_DRAWS 20000
#define MASS_SEED 20261203UL
#define QUAD_LIMIT 1000
#define NB_MAX_TERMS 10000000L

static tc_status draw(const tc_spec *s, gsl_rng *rng, double *out,
		      tc_error *err);

/* Draws a number-valued parameter; dates round down to a day. */
static tc_status draw_number(const tc_spec *s, gsl_rng *rng, double *out,
			     tc_error *err)
{
	tc_status st;

	if (s->family == TC_SPEC_CONST) {
		*out = s->value;
		return TC_OK;
	}
	st = draw(s, rng, out, err);
	if (st == TC_OK && tc_spec_has_date(s))
		*out = floor(*out);
	return st;
}

/* The first parameter outside its domain, or -1; *why says why. */
static int first_bad(const tci_family *f, const double *v, const char **why)
{
	int known[TCI_SPEC_MAX_PARAMS] = {1, 1, 1};
	size_t i;

	for (i = 0; i < f->nparams; i++) {
		if (!isfinite(v[i])) {
			*why = "must be finite";
			return (int)i;
		}
		*why = f->check(i, v, known);
		if (*why)
			return (int)i;
	}
	return -1;
}

/*
 * Draws the parameters of a family node into v, redrawing them all (a
 * constraint may tie two together) up to TCI_SPEC_REDRAWS times.
 */
static tc_status draw_params(const tc_spec *s, const tci_family *f,
			     gsl_rng *rng, double *v, tc_error *err)
{
	const char *why = NULL;
	int tries, bad = 0;
	size_t i;
	tc_status st;

	for (tries = 0; tries < TCI_SPEC_REDRAWS; tries++) {
		for (i = 0; i < f->nparams; i++) {
			st = draw_number(s->param[i], rng, &v[i], err);
			if (st != TC_OK)
				return st;
		}
		bad = first_bad(f, v, &why);
		if (bad < 0)
			return TC_OK;
	}
	return tci_error(err, TC_ERR_NUMERIC, NULL, 0, NULL,
			 "parameter '%s' of %s %s, but %d draws of it were "
			 "not",
			 f->params[bad], f->name, why, TCI_SPEC_REDRAWS);
}

/* Draws the weights of a mixture (each > 0) into w; *total their sum. */
static tc_status draw_weights(const tc_spec *s, gsl_rng *rng, double *w,
			      double *total, tc_error *err)
{
	size_t i;
	int tries;
	tc_status st;

	*total = 0;
	for (i = 0; i < s->n; i += 2) {
		for (tries = 0; tries < TCI_SPEC_REDRAWS; tries++) {
			st = draw_number(s->param[i], rng, &w[i / 2], err);
			if (st != TC_OK)
				return st;
			if (w[i / 2] > 0 && isfinite(w[i / 2]))
				break;
		}
		if (tries == TCI_SPEC_REDRAWS)
			return tci_error(err, TC_ERR_NUMERIC, NULL, 0, NULL,
					 "mixture weight %zu must be > 0, "
					 "but %d draws of it were not",
					 i / 2 + 1, TCI_SPEC_REDRAWS);
		*total += w[i / 2];
	}
	return TC_OK;
}

static tc_status draw_mixture(const tc_spec *s, gsl_rng *rng, double *out,
			      tc_error *err)
{
	double *w, total, u;
	size_t i, k = 0;
	tc_status st;

	w = malloc(s->n / 2 * sizeof *w);
	if (!w)
		return TC_ERR_NOMEM;
	st = draw_weights(s, rng, w, &total, err);
	if (st == TC_OK) {
		u = gsl_rng_uniform(rng) * total;
		for (i = 0; i + 1 < s->n / 2 && u >= w[i]; i++)
			u -= w[i];
		k = i;
	}
	free(w);
	if (st != TC_OK)
		return st;
	return draw(s->param[2 * k + 1], rng, out, err);
}

/* The bounds of a truncation (drawn when uncertain), min < max. */
static tc_status draw_bounds(const tc_spec *s, gsl_rng *rng, double *lo,
			     double *hi, tc_error *err)
{
	const tc_spec *bmin = tci_trunc_bound(s, "min");
	const tc_spec *bmax = tci_trunc_bound(s, "max");
	int tries;
	tc_status st = TC_OK;

	for (tries = 0; tries < TCI_SPEC_REDRAWS; tries++) {
		*lo = -INFINITY;
		*hi = INFINITY;
		if (bmin)
			st = draw_number(bmin, rng, lo, err);
		if (st == TC_OK && bmax)
			st = draw_number(bmax, rng, hi, err);
		if (st != TC_OK || *lo < *hi)
			return st;
	}
	return tci_error(err, TC_ERR_NUMERIC, NULL, 0, NULL,
			 "parameter 'max' of truncate must be > min, but %d "
			 "draws were not",
			 TCI_SPEC_REDRAWS);
}

static tc_status cdf_left(const tc_spec *s, double x, double *p);
static tc_status cdf_at(const tc_spec *s, double x, double *p);
static tc_status quantile_at(const tc_spec *s, double p, double *x);

/*
 * Draws from a truncation by rejection; when TCI_SPEC_REJECTS draws all
 * miss, falls back to the inverse distribution function if the inner
 * spec's parameters are constants.
 */
static tc_status draw_truncate(const tc_spec *s, gsl_rng *rng, double *out,
			       tc_error *err)
{
	double lo, hi, x, a, b;
	int tries;
	tc_status st;

	st = draw_bounds(s, rng, &lo, &hi, err);
	for (tries = 0; st == TC_OK && tries < TCI_SPEC_REJECTS; tries++) {
		st = draw(s->param[0], rng, &x, err);
		if (st == TC_OK && x >= lo && x <= hi) {
			*out = x;
			return TC_OK;
		}
	}
	if (st != TC_OK)
		return st;
	if (tc_spec_has_uncertain_params(s->param[0]) ||
	    cdf_left(s->param[0], lo, &a) != TC_OK ||
	    cdf_at(s->param[0], hi, &b) != TC_OK || !(b > a))
		return tci_error(err, TC_ERR_NUMERIC, NULL, 0, NULL,
				 "truncate: no draw of %d fell inside "
				 "[min, max]",
				 TCI_SPEC_REJECTS);
	st = quantile_at(s->param[0], a + gsl_rng_uniform(rng) * (b - a), &x);
	*out = fmin(fmax(x, lo), hi);
	return st;
}

static tc_status draw(const tc_spec *s, gsl_rng *rng, double *out,
		      tc_error *err)
{
	double v[TCI_SPEC_MAX_PARAMS];
	const tci_family *f;
	tc_status st;

	switch (s->family) {
	case TC_SPEC_CONST:
		*out = s->value;
		return TC_OK;
	case TC_SPEC_EMPIRICAL:
		*out = s->values[gsl_rng_uniform_int(rng, s->nvalues)];
		return TC_OK;
	case TC_SPEC_MIXTURE:
		return draw_mixture(s, rng, out, err);
	case TC_SPEC_TRUNCATE:
		return draw_truncate(s, rng, out, err);
	default:
		break;
	}
	f = tci_family_get(s->family);
	st = draw_params(s, f, rng, v, err);
	if (st == TC_OK)
		*out = f->sample(v, rng);
	return st;
}

tc_status tc_spec_sample_err(const tc_spec *spec, gsl_rng *rng, double *out,
			     tc_error *err)
{
	tci_gsl_fence();
	return draw(spec, rng, out, err);
}

tc_status tc_spec_sample(const tc_spec *spec, gsl_rng *rng, double *out)
{
	return tc_spec_sample_err(spec, rng, out, NULL);
}

/* Replaces parameter i of c (a copy) by the constant x. */
static tc_status set_const(tc_spec *c, size_t i, double x, int is_date)
{
	tc_spec *k = tci_spec_const(x, is_date);

	if (!k)
		return TC_ERR_NOMEM;
	tc_spec_free(c->param[i]);
	c->param[i] = k;
	return TC_OK;
}

static tc_status instantiate(const tc_spec *s, gsl_rng *rng, tc_spec *c,
			     tc_error *err);

/* Instantiates the components and draws the weights of a mixture. */
static tc_status inst_mixture(const tc_spec *s, gsl_rng *rng, tc_spec *c,
			      tc_error *err)
{
	double *w, total;
	size_t i;
	tc_status st;

	w = malloc(s->n / 2 * sizeof *w);
	if (!w)
		return TC_ERR_NOMEM;
	st = draw_weights(s, rng, w, &total, err);
	for (i = 0; st == TC_OK && i < s->n; i += 2)
		st = set_const(c, i, w[i / 2], 0);
	for (i = 1; st == TC_OK && i < s->n; i += 2)
		st = instantiate(s->param[i], rng, c->param[i], err);
	free(w);
	return st;
}

/* Instantiates the inner spec and draws the bounds of a truncation. */
static tc_status inst_truncate(const tc_spec *s, gsl_rng *rng, tc_spec *c,
			       tc_error *err)
{
	double lo, hi;
	size_t i;
	tc_status st;

	st = draw_bounds(s, rng, &lo, &hi, err);
	for (i = 1; st == TC_OK && i < s->n; i++)
		st = set_const(c, i, strcmp(s->name[i], "min") ? hi : lo,
			       tc_spec_has_date(s->param[i]));
	if (st == TC_OK)
		st = instantiate(s->param[0], rng, c->param[0], err);
	return st;
}

/*
 * Fills the copy c of s with drawn constants in place of every uncertain
 * number-valued parameter, at every depth.
 */
static tc_status instantiate(const tc_spec *s, gsl_rng *rng, tc_spec *c,
			     tc_error *err)
{
	double v[TCI_SPEC_MAX_PARAMS];
	const tci_family *f;
	size_t i;
	tc_status st;

	if (s->family == TC_SPEC_MIXTURE)
		return inst_mixture(s, rng, c, err);
	if (s->family == TC_SPEC_TRUNCATE)
		return inst_truncate(s, rng, c, err);
	f = tci_family_get(s->family);
	if (!f || !tc_spec_has_uncertain_params(s))
		return TC_OK;
	st = draw_params(s, f, rng, v, err);
	for (i = 0; st == TC_OK && i < f->nparams; i++)
		st = set_const(c, i, v[i], tc_spec_has_date(s->param[i]));
	return st;
}

tc_status tc_spec_instantiate_err(const tc_spec *spec, gsl_rng *rng,
				  tc_spec **out, tc_error *err)
{
	tc_spec *c;
	tc_status st;

	tci_gsl_fence();
	*out = NULL;
	c = tc_spec_clone(spec);
	if (!c)
		return TC_ERR_NOMEM;
	st = instantiate(spec, rng, c, err);
	if (st != TC_OK) {
		tc_spec_free(c);
		return st;
	}
	*out = c;
	return TC_OK;
}

tc_status tc_spec_instantiate(const tc_spec *spec, gsl_rng *rng,
			      tc_spec **out)
{
	return tc_spec_instantiate_err(spec, rng, out, NULL);
}

/* The constant parameters of a family node. */
static void const_params(const tc_spec *s, double *v)
{
	size_t i;

	for (i = 0; i < s->n && i < TCI_SPEC_MAX_PARAMS; i++)
		v[i] = s->param[i]->value;
}

/* The bounds of a truncation with constant parameters. */
static void trunc_bounds(const tc_spec *s, double *lo, double *hi)
{
	const tc_spec *b;

	b = tci_trunc_bound(s, "min");
	*lo = b ? b->value : -INFINITY;
	b = tci_trunc_bound(s, "max");
	*hi = b ? b->value : INFINITY;
}

/* The number of sorted values <= x (or < x when strict). */
static size_t count_below(const double *v, size_t n, double x, int strict)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strict ? v[mid] < x : v[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The total weight of a mixture with constant weights. */
static double mixture_total(const tc_spec *s)
{
	double t = 0;
	size_t i;

	for (i = 0; i < s->n; i += 2)
		t += s->param[i]->value;
	return t;
}

/* P(X <= x) (strict = 0) or P(X < x) (strict = 1). */
static tc_status cdf_any(const tc_spec *s, double x, int strict, double *p)
{
	double v[TCI_SPEC_MAX_PARAMS], lo, hi, a, b, q, t;
	const tci_family *f;
	size_t i;
	tc_status st = TC_OK;

	switch (s->family) {
	case TC_SPEC_CONST:
		*p = strict ? x > s->value : x >= s->value;
		return TC_OK;
	case TC_SPEC_EMPIRICAL:
		*p = (double)count_below(s->sorted, s->nvalues, x, strict) /
		     (double)s->nvalues;
		return TC_OK;
	case TC_SPEC_MIXTURE:
		t = 0;
		for (i = 0; st == TC_OK && i < s->n; i += 2) {
			st = cdf_any(s->param[i + 1], x, strict, &q);
			t += s->param[i]->value * q;
		}
		*p = t / mixture_total(s);
		return st;
	case TC_SPEC_TRUNCATE:
		trunc_bounds(s, &lo, &hi);
		if (strict ? x <= lo : x < lo) {
			*p = 0;
			return TC_OK;
		}
		if (strict ? x > hi : x >= hi) {
			*p = 1;
			return TC_OK;
		}
		st = cdf_any(s->param[0], lo, 1, &a);
		if (st == TC_OK)
			st = cdf_any(s->param[0], hi, 0, &b);
		if (st == TC_OK)
			st = cdf_any(s->param[0], x, strict, &q);
		if (st == TC_OK && !(b > a))
			st = TC_ERR_NUMERIC;
		if (st == TC_OK)
			*p = fmin(fmax((q - a) / (b - a), 0), 1);
		return st;
	default:
		break;
	}
	f = tci_family_get(s->family);
	const_params(s, v);
	if (isinf(x))
		*p = x > 0;
	else
		*p = strict ? f->cdf_left(v, x) : f->cdf(v, x);
	return TC_OK;
}

static tc_status cdf_at(const tc_spec *s, double x, double *p)
{
	return cdf_any(s, x, 0, p);
}

static tc_status cdf_left(const tc_spec *s, double x, double *p)
{
	return cdf_any(s, x, 1, p);
}

/*
 * The quantile of a mixture: the smallest x with F(x) >= p, found by
 * bisection between the smallest and largest component quantiles.
 */
static tc_status mixture_quantile(const tc_spec *s, double p, double *x)
{
	double lo = INFINITY, hi = -INFINITY, q, mid, f;
	size_t i;
	int it;
	tc_status st = TC_OK;

	for (i = 1; st == TC_OK && i < s->n; i += 2) {
		st = quantile_at(s->param[i], p, &q);
		lo = fmin(lo, q);
		hi = fmax(hi, q);
	}
	if (st != TC_OK || lo == hi || !isfinite(lo) || !isfinite(hi)) {
		*x = p <= 0.5 ? lo : hi;
		return st;
	}
	for (it = 0; it < 200 && st == TC_OK; it++) {
		mid = lo + (hi - lo) / 2;
		if (mid <= lo || mid >= hi)
			break;
		st = cdf_at(s, mid, &f);
		if (f >= p)
			hi = mid;
		else
			lo = mid;
	}
	*x = hi;
	return st;
}

static tc_status quantile_at(const tc_spec *s, double p, double *x)
{
	double v[TCI_SPEC_MAX_PARAMS], lo, hi, a, b;
	size_t k;
	tc_status st;

	switch (s->family) {
	case TC_SPEC_CONST:
		*x = s->value;
		return TC_OK;
	case TC_SPEC_EMPIRICAL:
		k = p <= 0 ? 0 : (size_t)ceil(p * (double)s->nvalues) - 1;
		*x = s->sorted[k < s->nvalues ? k : s->nvalues - 1];
		return TC_OK;
	case TC_SPEC_MIXTURE:
		return mixture_quantile(s, p, x);
	case TC_SPEC_TRUNCATE:
		trunc_bounds(s, &lo, &hi);
		st = cdf_left(s->param[0], lo, &a);
		if (st == TC_OK)
			st = cdf_at(s->param[0], hi, &b);
		if (st == TC_OK && !(b > a))
			st = TC_ERR_NUMERIC;
		if (st == TC_OK)
			st = quantile_at(s->param[0], a + p * (b - a), x);
		if (st == TC_OK)
			*x = fmin(fmax(*x, lo), hi);
		return st;
	default:
		break;
	}
	const_params(s, v);
	*x = tci_family_get(s->family)->quantile(v, p);
	return TC_OK;
}

/* Integrand of a partial moment: (x - c)^k times the density. */
typedef struct pm_ctx {
	const tci_family *f;
	const double *v;
	double c;
	int k;
} pm_ctx;

static double pm_integrand(double x, void *arg)
{
	const pm_ctx *m = arg;
	double d = m->f->pdf(m->v, x);

	if (d == 0)
		return 0;
	return m->k == 1 ? (x - m->c) * d : (x - m->c) * (x - m->c) * d;
}

/* Integrates over one piece [a, b] of the line (either end infinite). */
static tc_status quad_piece(pm_ctx *m, double a, double b, double *out,
			    gsl_integration_workspace *w)
{
	gsl_function fn = {pm_integrand, m};
	double abserr;
	int rc;

	*out = 0;
	if (!(b > a))
		return TC_OK;
	if (isinf(a) && isinf(b))
		rc = gsl_integration_qagi(&fn, 0, 1e-10, QUAD_LIMIT, w, out,
					  &abserr);
	else if (isinf(a))
		rc = gsl_integration_qagil(&fn, b, 0, 1e-10, QUAD_LIMIT, w,
					   out, &abserr);
	else if (isinf(b))
		rc = gsl_integration_qagiu(&fn, a, 0, 1e-10, QUAD_LIMIT, w,
					   out, &abserr);
	else
		rc = gsl_integration_qags(&fn, a, b, 0, 1e-10, QUAD_LIMIT, w,
					  out, &abserr);
	if (rc == GSL_SUCCESS || rc == GSL_EROUND)
		return TC_OK;
	if (fabs(*out) > 0 && abserr <= 1e-6 * fabs(*out))
		return TC_OK;
	return isfinite(*out) && abserr < 1e-300 ? TC_OK : TC_ERR_NUMERIC;
}

/*
 * The partial moment E[(X - c)^k; a <= X <= b] of a continuous family,
 * integrating piecewise between its 0.1%, 50% and 99.9% quantiles so a
 * narrow peak is never missed by the quadrature.
 */
static tc_status pm_continuous(const tci_family *f, const double *v,
			       double a, double b, double c, int k,
			       double *out)
{
	double cut[5], sl, sh, piece;
	pm_ctx m = {f, v, c, k};
	gsl_integration_workspace *w;
	tc_status st = TC_OK;
	int i;

	f->support(v, &sl, &sh);
	a = fmax(a, sl);
	b = fmin(b, sh);
	cut[0] = a;
	cut[1] = fmin(fmax(f->quantile(v, 0.001), a), b);
	cut[2] = fmin(fmax(f->quantile(v, 0.5), a), b);
	cut[3] = fmin(fmax(f->quantile(v, 0.999), a), b);
	cut[4] = b;
	w = gsl_integration_workspace_alloc(QUAD_LIMIT);
	if (!w)
		return TC_ERR_NOMEM;
	*out = 0;
	for (i = 0; i < 4 && st == TC_OK; i++) {
		st = quad_piece(&m, cut[i], cut[i + 1], &piece, w);
		*out += piece;
	}
	gsl_integration_workspace_free(w);
	return st;
}

/*
 * The partial moment of a negative binomial by summing its masses from
 * ceil(a), each from the last by the ratio (k + n)(1 - p) / (k + 1),
 * until the geometric bound on the rest is negligible or k passes b.
 */
static tc_status pm_negbinomial(const double *v, double a, double b,
				double c, int k, double *out)
{
	double p = v[1] / (v[1] + v[0]), x, pmf, r, d, scale, sum = 0;
	long n;

	x = fmax(0, ceil(a));
	if (x > 4e9)
		return TC_ERR_NUMERIC;
	pmf = gsl_ran_negative_binomial_pdf((unsigned)x, p, v[1]);
	scale = 1 + (v[0] - c) * (v[0] - c) + v[0] + v[0] * v[0] / v[1];
	for (n = 0; n < NB_MAX_TERMS && x <= b; n++, x += 1) {
		d = x - c;
		sum += pmf * (k == 1 ? d : d * d);
		r = (x + v[1]) * (1 - p) / (x + 1);
		if (x > v[0] && r < 1 &&
		    pmf / (1 - r) * (1 + d * d) < 1e-16 * scale)
			break;
		pmf *= r;
	}
	*out = sum;
	return n < NB_MAX_TERMS ? TC_OK : TC_ERR_NUMERIC;
}

/* E[(X - c)^k; a <= X <= b] for k = 0, 1, 2 and constant parameters. */
static tc_status partial_moment(const tc_spec *s, double a, double b,
				double c, int k, double *out);

static tc_status pm_mixture(const tc_spec *s, double a, double b, double c,
			    int k, double *out)
{
	double t = 0, q;
	size_t i;
	tc_status st = TC_OK;

	for (i = 0; st == TC_OK && i < s->n; i += 2) {
		st = partial_moment(s->param[i + 1], a, b, c, k, &q);
		t += s->param[i]->value * q;
	}
	*out = t / mixture_total(s);
	return st;
}

static tc_status pm_truncate(const tc_spec *s, double a, double b,
			     double c, int k, double *out)
{
	double lo, hi, mass, q;
	tc_status st;

	trunc_bounds(s, &lo, &hi);
	st = partial_moment(s->param[0], lo, hi, c, 0, &mass);
	if (st == TC_OK && !(mass > 0))
		st = TC_ERR_NUMERIC;
	if (st != TC_OK)
		return st;
	a = fmax(a, lo);
	b = fmin(b, hi);
	*out = 0;
	if (a > b)
		return TC_OK;
	st = partial_moment(s->param[0], a, b, c, k, &q);
	*out = q / mass;
	return st;
}

static tc_status pm_empirical(const tc_spec *s, double a, double b,
			      double c, int k, double *out)
{
	double t = 0, d;
	size_t i;

	for (i = 0; i < s->nvalues; i++) {
		d = s->values[i] - c;
		if (s->values[i] >= a && s->values[i] <= b)
			t += k == 0 ? 1 : k == 1 ? d : d * d;
	}
	*out = t / (double)s->nvalues;
	return TC_OK;
}

/* An infinite moment of order k makes an unbounded partial one so. */
static int moment_infinite(const tci_family *f, const double *v, int k)
{
	double m;

	return k == 1 ? f->mean(v, &m) != 0 : f->var(v, &m) != 0;
}

static tc_status partial_moment(const tc_spec *s, double a, double b,
				double c, int k, double *out)
{
	double v[TCI_SPEC_MAX_PARAMS], hi, lo;
	const tci_family *f;
	tc_status st;

	if (k == 0 && s->family != TC_SPEC_TRUNCATE &&
	    s->family != TC_SPEC_MIXTURE) {
		st = cdf_at(s, b, &hi);
		if (st == TC_OK)
			st = cdf_left(s, a, &lo);
		*out = hi - lo;
		return st;
	}
	switch (s->family) {
	case TC_SPEC_CONST:
		*out = s->value >= a && s->value <= b
			       ? pow(s->value - c, k) : 0;
		return TC_OK;
	case TC_SPEC_EMPIRICAL:
		return pm_empirical(s, a, b, c, k, out);
	case TC_SPEC_MIXTURE:
		return pm_mixture(s, a, b, c, k, out);
	case TC_SPEC_TRUNCATE:
		return pm_truncate(s, a, b, c, k, out);
	default:
		break;
	}
	f = tci_family_get(s->family);
	const_params(s, v);
	if (isinf(b) && moment_infinite(f, v, k))
		return TC_ERR_NUMERIC;
	if (f->discrete)
		return pm_negbinomial(v, a, b, c, k, out);
	return pm_continuous(f, v, a, b, c, k, out);
}

/* Mean and variance of a spec with constant parameters. */
static tc_status moments(const tc_spec *s, double *mean, double *var);

static tc_status mixture_moments(const tc_spec *s, double *mean,
				 double *var)
{
	double m = 0, m2 = 0, mi, vi, w, t = mixture_total(s);
	size_t i;
	tc_status st;

	for (i = 0; i < s->n; i += 2) {
		st = moments(s->param[i + 1], &mi, &vi);
		if (st != TC_OK)
			return st;
		w = s->param[i]->value / t;
		m += w * mi;
		m2 += w * (vi + mi * mi);
	}
	*mean = m;
	*var = fmax(m2 - m * m, 0);
	return TC_OK;
}

/* Moments about the median, so a large mean keeps the variance exact. */
static tc_status truncate_moments(const tc_spec *s, double *mean,
				  double *var)
{
	double c, m1, m2;
	tc_status st;

	st = quantile_at(s, 0.5, &c);
	if (st == TC_OK)
		st = partial_moment(s, -INFINITY, INFINITY, c, 1, &m1);
	if (st == TC_OK)
		st = partial_moment(s, -INFINITY, INFINITY, c, 2, &m2);
	if (st != TC_OK)
		return st;
	*mean = c + m1;
	*var = fmax(m2 - m1 * m1, 0);
	return TC_OK;
}

static tc_status empirical_moments(const tc_spec *s, double *mean,
				   double *var)
{
	double m = 0, q = 0, d;
	size_t i;

	for (i = 0; i < s->nvalues; i++)
		m += s->values[i];
	m /= (double)s->nvalues;
	for (i = 0; i < s->nvalues; i++) {
		d = s->values[i] - m;
		q += d * d;
	}
	*mean = m;
	*var = q / (double)s->nvalues;
	return TC_OK;
}

static tc_status moments(const tc_spec *s, double *mean, double *var)
{
	double v[TCI_SPEC_MAX_PARAMS];
	const tci_family *f;
	int rm, rv;

	switch (s->family) {
	case TC_SPEC_CONST:
		*mean = s->value;
		*var = 0;
		return TC_OK;
	case TC_SPEC_EMPIRICAL:
		return empirical_moments(s, mean, var);
	case TC_SPEC_MIXTURE:
		return mixture_moments(s, mean, var);
	case TC_SPEC_TRUNCATE:
		return truncate_moments(s, mean, var);
	default:
		break;
	}
	f = tci_family_get(s->family);
	const_params(s, v);
	rm = f->mean(v, mean);
	rv = f->var(v, var);
	if (rm != 0)
		*mean = INFINITY;
	if (rv != 0)
		*var = INFINITY;
	return TC_OK;
}

/* Both moments, or the status for an uncertain or infinite one. */
static tc_status both_moments(const tc_spec *s, double *mean, double *var)
{
	tc_status st;

	if (tc_spec_has_uncertain_params(s))
		return TC_ERR_UNSUPPORTED;
	tci_gsl_fence();
	st = moments(s, mean, var);
	if (st == TC_OK && (isinf(*mean) || isnan(*mean)))
		st = TC_ERR_NUMERIC;
	return st;
}

tc_status tc_spec_mean(const tc_spec *spec, double *mean)
{
	double var;

	return both_moments(spec, mean, &var);
}

tc_status tc_spec_variance(const tc_spec *spec, double *variance)
{
	double mean;
	tc_status st;

	st = both_moments(spec, &mean, variance);
	if (st == TC_OK && !isfinite(*variance))
		st = TC_ERR_NUMERIC;
	return st;
}

tc_status tc_spec_cdf(const tc_spec *spec, double x, double *p)
{
	if (tc_spec_has_uncertain_params(spec))
		return TC_ERR_UNSUPPORTED;
	if (isnan(x))
		return TC_ERR_ARG;
	tci_gsl_fence();
	return cdf_at(spec, x, p);
}

tc_status tc_spec_quantile(const tc_spec *spec, double p, double *x)
{
	if (tc_spec_has_uncertain_params(spec))
		return TC_ERR_UNSUPPORTED;
	if (!(p >= 0 && p <= 1))
		return TC_ERR_ARG;
	tci_gsl_fence();
	return quantile_at(spec, p, x);
}

/* The share of 20,000 seeded draws outside [lo, hi]. */
static tc_status mass_by_draws(const tc_spec *spec, double lo, double hi,
			       double *mass)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	size_t i, out = 0;
	double x;
	tc_status st = TC_OK;

	if (!rng)
		return TC_ERR_NOMEM;
	gsl_rng_set(rng, MASS_SEED);
	for (i = 0; i < MASS_DRAWS && st == TC_OK; i++) {
		st = draw(spec, rng, &x, NULL);
		out += x < lo || x > hi;
	}
	gsl_rng_free(rng);
	*mass = (double)out / MASS_DRAWS;
	return st;
}

tc_status tc_spec_mass_outside(const tc_spec *spec, double lo, double hi,
			       double *mass)
{
	double below = 0, upto = 1;
	tc_status st = TC_OK;

	if (isnan(lo) || isnan(hi) || lo > hi)
		return TC_ERR_ARG;
	tci_gsl_fence();
	if (tc_spec_has_uncertain_params(spec))
		return mass_by_draws(spec, lo, hi, mass);
	if (lo > -INFINITY)
		st = cdf_left(spec, lo, &below);
	if (st == TC_OK && hi < INFINITY)
		st = cdf_at(spec, hi, &upto);
	*mass = fmin(fmax(below + (1 - upto), 0), 1);
	return st;
}
