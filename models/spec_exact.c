/*
 * spec_exact.c - exact distribution functions, quantiles, moments and
 * tail masses of specs whose parameters are constants. Mixtures are
 * weighted sums of their components (weights normalised to sum 1).
 * Truncations rescale the inner distribution to [min, max]; when the
 * lower bound sits in the upper half they work with upper tails, so
 * truncate(normal(0, 1), min=10) keeps its digits. Their moments come
 * from partial moments: closed forms for the negative binomial, sums for
 * empirical values, GSL quadrature for continuous families.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>

#include "spec_impl.h"

#define MASS_DRAWS 20000
#define MASS_SEED 20261203UL
#define QUAD_LIMIT 1000
#define BISECTIONS 200

/*
 * The four probabilities of a point: P(X <= x), P(X < x), P(X > x) and
 * P(X >= x). Each lower kind and the upper kind beside it complement
 * each other (kind ^ 2).
 */
enum { P_LE = 0, P_LT = 1, P_GT = 2, P_GE = 3 };

#define IS_UPPER(kind) ((kind) >= P_GT)
#define IS_STRICT(kind) ((kind) == P_LT || (kind) == P_GE)

static tc_status prob(const tc_spec *s, double x, int kind, double *p);
static tc_status inverse(const tc_spec *s, double p, int upper, double *x);

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

size_t tci_spec_count_below(const double *v, size_t n, double x,
			    int strict)
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

static double clamp01(double p)
{
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

/*
 * The probabilities at the bounds of a truncation of inner to [lo, hi]:
 * below = P(X < lo), from = P(X >= lo), upto = P(X <= hi), beyond =
 * P(X > hi), and the mass inside from the lower or the upper tails.
 */
typedef struct trunc_ctx {
	double lo, hi;
	double below, from, upto, beyond;
	double mass;
	int upper;
} trunc_ctx;

static tc_status trunc_prep(const tc_spec *inner, double lo, double hi,
			    trunc_ctx *t)
{
	tc_status st;

	t->lo = lo;
	t->hi = hi;
	st = prob(inner, lo, P_LT, &t->below);
	if (st == TC_OK)
		st = prob(inner, lo, P_GE, &t->from);
	if (st == TC_OK)
		st = prob(inner, hi, P_LE, &t->upto);
	if (st == TC_OK)
		st = prob(inner, hi, P_GT, &t->beyond);
	if (st != TC_OK)
		return st;
	t->upper = t->below > 0.5;
	t->mass = t->upper ? t->from - t->beyond : t->upto - t->below;
	return t->mass > 0 ? TC_OK : TC_ERR_NUMERIC;
}

/* A probability of a truncated spec, by the tails its context chose. */
static tc_status prob_truncate(const tc_spec *s, double x, int kind,
			       double *p)
{
	double lo, hi, q;
	int strict = IS_STRICT(kind), up = IS_UPPER(kind);
	trunc_ctx t;
	tc_status st;

	trunc_bounds(s, &lo, &hi);
	if (strict ? x <= lo : x < lo) {
		*p = up;
		return TC_OK;
	}
	if (strict ? x > hi : x >= hi) {
		*p = !up;
		return TC_OK;
	}
	st = trunc_prep(s->param[0], lo, hi, &t);
	if (st == TC_OK && t.upper == up)
		st = prob(s->param[0], x, kind, &q);
	else if (st == TC_OK)
		st = prob(s->param[0], x, kind ^ 2, &q);
	if (st != TC_OK)
		return st;
	if (!up)
		*p = t.upper ? (t.from - q) / t.mass : (q - t.below) / t.mass;
	else
		*p = t.upper ? (q - t.beyond) / t.mass : (t.upto - q) / t.mass;
	*p = clamp01(*p);
	return TC_OK;
}

/* A probability of a family with fixed, constant parameters. */
static double prob_family(const tc_spec *s, double x, int kind)
{
	double v[TCI_SPEC_MAX_PARAMS];
	const tci_family *f = tci_family_get(s->family);

	if (isinf(x))
		return (x > 0) != IS_UPPER(kind);
	const_params(s, v);
	switch (kind) {
	case P_LE:
		return f->cdf(v, x);
	case P_LT:
		return f->cdf_left(v, x);
	case P_GT:
		return f->sf(v, x);
	default:
		return f->sf_left(v, x);
	}
}

static tc_status prob(const tc_spec *s, double x, int kind, double *p)
{
	double t = 0, q, c, n;
	size_t i;
	tc_status st = TC_OK;

	switch (s->family) {
	case TC_SPEC_CONST:
		c = kind == P_LE ? s->value <= x : kind == P_LT ? s->value < x
			: kind == P_GT ? s->value > x : s->value >= x;
		*p = c;
		return TC_OK;
	case TC_SPEC_EMPIRICAL:
		n = (double)s->nvalues;
		c = (double)tci_spec_count_below(s->sorted, s->nvalues, x,
						 IS_STRICT(kind));
		*p = IS_UPPER(kind) ? (n - c) / n : c / n;
		return TC_OK;
	case TC_SPEC_MIXTURE:
		for (i = 0; st == TC_OK && i < s->n; i += 2) {
			st = prob(s->param[i + 1], x, kind, &q);
			t += s->param[i]->value * q;
		}
		*p = clamp01(t / mixture_total(s));
		return st;
	case TC_SPEC_TRUNCATE:
		return prob_truncate(s, x, kind, p);
	default:
		*p = prob_family(s, x, kind);
		return TC_OK;
	}
}

/*
 * The quantile of a mixture by bisection between the smallest and the
 * largest component quantiles: the smallest x with P(X <= x) >= p, or
 * with P(X > x) <= p for the upper quantile.
 */
static tc_status inverse_mixture(const tc_spec *s, double p, int upper,
				 double *x)
{
	double lo = INFINITY, hi = -INFINITY, q, mid, f;
	size_t i;
	int it, done;
	tc_status st = TC_OK;

	for (i = 1; st == TC_OK && i < s->n; i += 2) {
		st = inverse(s->param[i], p, upper, &q);
		lo = fmin(lo, q);
		hi = fmax(hi, q);
	}
	if (st != TC_OK || lo == hi || !isfinite(lo) || !isfinite(hi)) {
		*x = (p <= 0.5) != upper ? lo : hi;
		return st;
	}
	for (it = 0; it < BISECTIONS && st == TC_OK; it++) {
		mid = lo + (hi - lo) / 2;
		if (mid <= lo || mid >= hi)
			break;
		st = prob(s, mid, upper ? P_GT : P_LE, &f);
		done = upper ? f <= p : f >= p;
		if (done)
			hi = mid;
		else
			lo = mid;
	}
	*x = hi;
	return st;
}

tc_status tci_trunc_quantile(const tc_spec *inner, double lo, double hi,
			     double p, int upper, double *x)
{
	trunc_ctx t;
	double target;
	tc_status st;

	st = trunc_prep(inner, lo, hi, &t);
	if (st != TC_OK)
		return st;
	if (t.upper) {
		target = upper ? t.beyond + p * t.mass : t.from - p * t.mass;
		st = inverse(inner, clamp01(target), 1, x);
	} else {
		target = upper ? t.upto - p * t.mass : t.below + p * t.mass;
		st = inverse(inner, clamp01(target), 0, x);
	}
	*x = fmin(fmax(*x, lo), hi);
	return st;
}

size_t tci_spec_empirical_index(size_t n, double p, int upper)
{
	double k;

	if (upper)
		k = (double)n - 1 - floor(p * (double)n);
	else
		k = p <= 0 ? 0 : ceil(p * (double)n) - 1;
	if (k < 0)
		return 0;
	return k >= (double)n ? n - 1 : (size_t)k;
}

static tc_status inverse(const tc_spec *s, double p, int upper, double *x)
{
	double v[TCI_SPEC_MAX_PARAMS], lo, hi;
	const tci_family *f;

	switch (s->family) {
	case TC_SPEC_CONST:
		*x = s->value;
		return TC_OK;
	case TC_SPEC_EMPIRICAL:
		*x = s->sorted[tci_spec_empirical_index(s->nvalues, p, upper)];
		return TC_OK;
	case TC_SPEC_MIXTURE:
		return inverse_mixture(s, p, upper, x);
	case TC_SPEC_TRUNCATE:
		trunc_bounds(s, &lo, &hi);
		return tci_trunc_quantile(s->param[0], lo, hi, p, upper, x);
	default:
		break;
	}
	f = tci_family_get(s->family);
	const_params(s, v);
	*x = upper ? f->isf(v, p) : f->quantile(v, p);
	return TC_OK;
}

/* P(a <= X <= b), from whichever tails keep more digits. */
static tc_status mass_between(const tc_spec *s, double a, double b,
			      double *m)
{
	return tci_spec_mass_between(s, a, b, m);
}

tc_status tci_spec_mass_between(const tc_spec *s, double a, double b,
				double *m)
{
	double below, from, upto, beyond;
	tc_status st;

	if (a > b) {
		*m = 0;
		return TC_OK;
	}
	st = prob(s, a, P_LT, &below);
	if (st == TC_OK && below > 0.5) {
		st = prob(s, a, P_GE, &from);
		if (st == TC_OK)
			st = prob(s, b, P_GT, &beyond);
		*m = from - beyond;
	} else if (st == TC_OK) {
		st = prob(s, b, P_LE, &upto);
		*m = upto - below;
	}
	*m = clamp01(*m);
	return st;
}

/* x^k for the small k of moments, by multiplication. */
static double ipow(double x, int k)
{
	double r = 1;

	while (k-- > 0)
		r *= x;
	return r;
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
	return ipow(x - m->c, m->k) * d;
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
 * P(a <= Y <= b) for Y negative binomial with GSL's (p, n), from the
 * lower or the upper tail, whichever keeps more digits.
 */
static double nb_mass(double p, double n, double a, double b)
{
	double ka = fmax(0, ceil(a)), kb = floor(b), below;

	if (ka > kb || ka >= (double)UINT_MAX)
		return 0;
	below = ka > 0 ? gsl_cdf_negative_binomial_P((unsigned)(ka - 1), p,
						     n)
		       : 0;
	if (kb >= (double)UINT_MAX)
		return 1 - below;
	if (below <= 0.5)
		return gsl_cdf_negative_binomial_P((unsigned)kb, p, n) - below;
	return gsl_cdf_negative_binomial_Q((unsigned)(ka - 1), p, n) -
	       gsl_cdf_negative_binomial_Q((unsigned)kb, p, n);
}

/*
 * The partial moment of a negative binomial in closed form. With q = 1 -
 * p, the falling factorial k (k - 1) ... (k - j + 1) times P(k; n, p) is
 * n (n + 1) ... (n + j - 1) (q / p)^j P(k - j; n + j, p), so the partial
 * factorial moments F_j are masses of negative binomials of size n + j
 * over ranges shifted by j. Stirling numbers of the second kind turn them
 * into raw partial moments, and the binomial theorem centres them.
 */
static tc_status pm_negbinomial(const double *v, double a, double b,
				double c, int k, double *out)
{
	static const double stirling[5][5] = {
		{1, 0, 0, 0, 0}, {0, 1, 0, 0, 0}, {0, 1, 1, 0, 0},
		{0, 1, 3, 1, 0}, {0, 1, 7, 6, 1},
	};
	static const double binom[5][5] = {
		{1, 0, 0, 0, 0}, {1, 1, 0, 0, 0}, {1, 2, 1, 0, 0},
		{1, 3, 3, 1, 0}, {1, 4, 6, 4, 1},
	};
	double n = v[1], p = v[1] / (v[1] + v[0]), r = (1 - p) / p;
	double f[5], raw[5], coef = 1, sum = 0;
	int i, j;

	for (j = 0; j <= k; j++) {
		f[j] = coef * nb_mass(p, n + j, a - j, b - j);
		coef *= (n + j) * r;
	}
	for (i = 0; i <= k; i++) {
		raw[i] = 0;
		for (j = 0; j <= i; j++)
			raw[i] += stirling[i][j] * f[j];
	}
	for (i = 0; i <= k; i++)
		sum += binom[k][i] * raw[i] * ipow(-c, k - i);
	*out = sum;
	return TC_OK;
}

/* E[(X - c)^k; a <= X <= b] for k = 0 .. 4 and constant parameters. */
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
	st = mass_between(s->param[0], lo, hi, &mass);
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
			t += ipow(d, k);
	}
	*out = t / (double)s->nvalues;
	return TC_OK;
}

/* An infinite moment of order k makes an unbounded partial one so. */
static int moment_infinite(const tci_family *f, const double *v, int k)
{
	return f->id == TC_SPEC_LOGLOGISTIC && !(v[1] > k);
}

/*
 * Raw moment E[X^j], j = 0..4, of a family in closed form, for the
 * families whose upper tail a quadrature can miss (the integrand x^j
 * times a lognormal density peaks far beyond its 99.9% quantile).
 * Returns 1 and *out, or 0 when the family has no closed form here.
 */
static int raw_moment(const tci_family *f, const double *v, int j,
		      double *out)
{
	double mu, sg, r = 1;
	int i;

	switch (f->id) {
	case TC_SPEC_LOGNORMAL:
	case TC_SPEC_RANGE:
		mu = v[0];
		sg = v[1];
		if (f->id == TC_SPEC_RANGE) {
			mu = (log(v[0]) + log(v[1])) / 2;
			sg = (log(v[1]) - log(v[0])) / (2 * 1.6448536269514722);
		}
		*out = exp(j * mu + 0.5 * j * j * sg * sg);
		return 1;
	case TC_SPEC_GAMMA:
		for (i = 0; i < j; i++)
			r *= (v[0] + i) * v[1];
		*out = r;
		return 1;
	case TC_SPEC_WEIBULL:
		*out = pow(v[1], j) * gsl_sf_gamma(1 + j / v[0]);
		return 1;
	case TC_SPEC_LOGLOGISTIC:
		if (j == 0) {
			*out = 1;
			return 1;
		}
		r = j * M_PI / v[1];
		*out = pow(v[0], j) * r / sin(r);
		return 1;
	default:
		return 0;
	}
}

/* Binomial coefficient C(k, j) for k <= 4. */
static double binom(int k, int j)
{
	static const double c[5][5] = {{1}, {1, 1}, {1, 2, 1}, {1, 3, 3, 1},
				       {1, 4, 6, 4, 1}};

	return c[k][j];
}

/*
 * E[(X - c)^k] over the whole line from closed-form raw moments and the
 * binomial theorem. Returns 1 and *out, or 0 when not available.
 */
static int closed_moment(const tci_family *f, const double *v, double c,
			 int k, double *out)
{
	double raw, sum = 0;
	int j;

	for (j = 0; j <= k; j++) {
		if (!raw_moment(f, v, j, &raw))
			return 0;
		sum += binom(k, j) * raw * ipow(-c, k - j);
	}
	*out = sum;
	return 1;
}

static tc_status partial_moment(const tc_spec *s, double a, double b,
				double c, int k, double *out)
{
	double v[TCI_SPEC_MAX_PARAMS];
	const tci_family *f;

	if (k == 0)
		return mass_between(s, a, b, out);
	switch (s->family) {
	case TC_SPEC_CONST:
		*out = s->value >= a && s->value <= b
			       ? ipow(s->value - c, k) : 0;
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
	if (isinf(a) && a < 0 && isinf(b) && closed_moment(f, v, c, k, out))
		return TC_OK;
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

	st = inverse(s, 0.5, 0, &c);
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
	return prob(spec, x, P_LE, p);
}

tc_status tc_spec_quantile(const tc_spec *spec, double p, double *x)
{
	if (tc_spec_has_uncertain_params(spec))
		return TC_ERR_UNSUPPORTED;
	if (!(p >= 0 && p <= 1))
		return TC_ERR_ARG;
	tci_gsl_fence();
	return inverse(spec, p, 0, x);
}

/* The share of 20,000 seeded draws outside [lo, hi]. */
static tc_status mass_by_draws(const tc_spec *spec, double lo, double hi,
			       double *mass)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	long budget = TCI_SPEC_MASS_BUDGET;
	size_t i, out = 0;
	double x;
	tc_status st = TC_OK;

	if (!rng)
		return TC_ERR_NOMEM;
	gsl_rng_set(rng, MASS_SEED);
	for (i = 0; i < MASS_DRAWS && st == TC_OK; i++) {
		st = tci_spec_draw(spec, rng, &x, &budget);
		out += x < lo || x > hi;
	}
	gsl_rng_free(rng);
	*mass = (double)out / MASS_DRAWS;
	return st;
}

tc_status tc_spec_mass_outside(const tc_spec *spec, double lo, double hi,
			       double *mass)
{
	double below = 0, beyond = 0;
	tc_status st = TC_OK;

	if (isnan(lo) || isnan(hi) || lo > hi)
		return TC_ERR_ARG;
	tci_gsl_fence();
	if (tc_spec_has_uncertain_params(spec))
		return mass_by_draws(spec, lo, hi, mass);
	if (lo > -INFINITY)
		st = prob(spec, lo, P_LT, &below);
	if (st == TC_OK && hi < INFINITY)
		st = prob(spec, hi, P_GT, &beyond);
	*mass = clamp01(below + beyond);
	return st;
}

tc_status tc_spec_moment(const tc_spec *spec, int k, double center,
			 double *out)
{
	if (tc_spec_has_uncertain_params(spec))
		return TC_ERR_UNSUPPORTED;
	if (k < 1 || k > 4 || !isfinite(center))
		return TC_ERR_ARG;
	tci_gsl_fence();
	return partial_moment(spec, -INFINITY, INFINITY, center, k, out);
}
