/*
 * requests.c - a class-day's sums of per-request quantities: drawn
 * request by request when there are few, or from aggregates matching the
 * per-request moments when there are many (docs/engine.md).
 *
 * A request draws input I and output O through a Gaussian copula, the
 * shares c (cached), w (cache write), h (1-hour writes), r (reasoning)
 * and a batch flag, and costs M (I phi_T + O psi_T): phi and psi are the
 * rates mixed by the shares, T says whether the long-context tier
 * applies (I above the threshold), M is the batch multiplier or 1.
 * Because the shares are independent of I and O, every moment the
 * aggregate needs splits into moments of (I, O) on each side of the
 * threshold times moments of the shares.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_gamma.h>

#include "eng.h"
#include "philox.h"
#include "tci.h"
#include "../models/spec_prep.h"

/* Quadrature sizes: shares in probability, tokens in normal score. */
#define SHARE_NODES 16
#define TOKEN_NODES 64
/* Nodes of each panel of an upper tail, and where the panels begin. */
#define TAIL_NODES 16
#define TAIL_FROM 0.9
#define SCORE_NODES 48
#define SCORE_MAX 8.5
/* Below this variance over the squared mean a quantity is constant. */
#define CONSTANT_REL_VAR 1e-9
/*
 * The most tokens a request's mean or sd may have: a thousand times the
 * longest context window sold (about 1e6 tokens in 2026).
 */
#define TOKENS_MAX 1e9

/* A spec's value at probability p, inside the domain [0, inf). */
static double spec_at(const tc_spec *s, double p0, double p)
{
	double x = 0;

	if (!s)
		return 0;
	if (tc_spec_is_constant(s, &x))
		return x;
	if (tc_spec_quantile(s, p0 + (1 - p0) * p, &x) != TC_OK)
		return 0;
	return x;
}

/* The score of node j of a quantile table. */
static double qtab_score(int j)
{
	return -ENG_QTAB_ZMAX + 2 * ENG_QTAB_ZMAX * j / (ENG_QTAB_NODES - 1);
}

/* A table's tokens at score z: linear in log1p(tokens) between nodes. */
static double qtab_at(const double *t, double z)
{
	double u = (z + ENG_QTAB_ZMAX) * (ENG_QTAB_NODES - 1) /
		   (2 * ENG_QTAB_ZMAX);
	int i;

	if (!(u > 0))
		return expm1(t[0]);
	if (u >= ENG_QTAB_NODES - 1)
		return expm1(t[ENG_QTAB_NODES - 1]);
	i = (int)u;
	return expm1(t[i] + (u - i) * (t[i + 1] - t[i]));
}

/* A per-request token value at normal score z. */
static double token_at(const eng_req *q, int k, double z)
{
	double p;

	if (q->logn[k])
		return exp(q->mu[k] + q->sigma[k] * z);
	if (q->tab[k])
		return qtab_at(q->qtab[k], z);
	/* Probabilities within 1e-15 of 0 or 1, where quantiles stay finite. */
	p = z < 0 ? gsl_cdf_ugaussian_P(z) : 1 - gsl_cdf_ugaussian_Q(z);
	p = fmin(1 - 1e-15, fmax(1e-15, p));
	return fmax(0, spec_at(q->spec[k], q->p0[k], p));
}

double eng_token_at(const eng_req *q, int k, double z)
{
	return token_at(q, k, z);
}

/*
 * Whether a spec's quantile is a root search or an iteration: a mixture
 * inside, or GSL's inverse gamma and beta cdfs and the negative
 * binomial's search, a few microseconds each, which made a class of 30
 * gamma-distributed requests a day draw 6 us a request one by one.
 */
static int needs_table(const tc_spec *s)
{
	switch (s ? tc_spec_get_family(s) : TC_SPEC_CONST) {
	case TC_SPEC_MIXTURE:
	case TC_SPEC_GAMMA:
	case TC_SPEC_BETA:
	case TC_SPEC_PERT:
	case TC_SPEC_NEGBINOMIAL:
		return 1;
	case TC_SPEC_TRUNCATE:
		return needs_table(tc_spec_param(s, 0));
	default:
		return 0;
	}
}

/*
 * A sweep of a spec's cdf for its quantile table: the spec, prepared
 * when it can be, its mass p0 below 0, whether an earlier point was in
 * the upper half (the sweep's x rise), and whether there the upper tail
 * alone may give the score (see score_of).
 */
typedef struct qsweep {
	const tci_spec_prep *sp;
	const tc_spec *s;
	double p0;
	int upper;
	int tail_alone;
} qsweep;

/*
 * The spec's P(X <= x) into *f and, when g is not NULL, P(X > x) into
 * *g: from the prepared spec when there is one (one pass for both),
 * else from the spec's functions, *f = 0 when the cdf fails. Returns 0
 * when *g was asked for and could not be had.
 */
static int probs_at(const qsweep *w, double x, double *f, double *g)
{
	if (w->sp)
		return tci_spec_prep_probs(w->sp, x, f, g) == TC_OK;
	if (tc_spec_cdf(w->s, x, f) != TC_OK)
		*f = 0;
	return !g || tc_spec_mass_outside(w->s, -INFINITY, x, g) == TC_OK;
}

/* A probability as a share of the domain's mass (itself when p0 is 0). */
static double domain_share(double p, double p0, int lower)
{
	if (p0 == 0)
		return p;
	return lower ? (p - p0) / (1 - p0) : p / (1 - p0);
}

/* The score of an upper tail's share g of the domain. */
static double tail_score(double g)
{
	if (!(g > 1e-15))
		return ENG_QTAB_ZMAX;
	return -gsl_cdf_ugaussian_Pinv(fmin(0.5, g));
}

/*
 * The normal score of the domain's probability at x: from the cdf in
 * the lower half, from the mass above x in the upper (1 - F loses the
 * digits the upper tail's scores need); once a point was in the upper
 * half, both are asked for in one pass. There, when tail_alone says
 * the cdf and the upper tail sum to 1 within 1% of the domain, the
 * mass above alone decides: at most 0.25 of the domain above x puts
 * the cdf at 0.74 or more of it, past the lower half's branch, whose
 * test was all the cdf was needed for.
 */
static double score_of(qsweep *w, double x)
{
	double f = 0, f2, g = 0, p0 = w->p0;
	int g_ok;

	if (w->upper && w->tail_alone) {
		tci_spec_prep_probs(w->sp, x, NULL, &g);
		if (domain_share(g, p0, 0) <= 0.25)
			return tail_score(domain_share(g, p0, 0));
	}
	g_ok = probs_at(w, x, &f, w->upper ? &g : NULL);
	f = domain_share(f, p0, 1);
	if (!(f > 1e-15))
		return -ENG_QTAB_ZMAX;
	if (f < 0.5)
		return gsl_cdf_ugaussian_Pinv(f);
	if (!w->upper) {
		w->upper = 1;
		g_ok = probs_at(w, x, &f2, &g);
	}
	if (!g_ok)
		g = 1 - f;
	return tail_score(domain_share(g, p0, 0));
}

/* A quantile table's end: the token value at probability p of the domain. */
static double qtab_end(const qsweep *w, double p)
{
	double x = 0;

	if (!w->sp)
		return spec_at(w->s, w->p0, p);
	if (tci_spec_prep_quantile(w->sp, w->p0 + (1 - w->p0) * p, &x))
		return 0;
	return x;
}

/*
 * Fills t, a quantile table of spec s with mass p0 below 0: one sweep
 * over a grid even in log1p(x) between the 1e-15 and 1 - 1e-15
 * quantiles, each table node taking log1p(x) interpolated between the
 * grid points whose scores bracket it. Atoms (empirical values) become
 * steep ramps one grid step wide. Two quantile searches and
 * ENG_QTAB_GRID cdfs in all, from the spec prepared once (spec_prep.h)
 * unless it cannot be.
 */
static void qtab_fill(const tc_spec *s, double p0, double *t)
{
	tci_spec_prep *sp = NULL;
	qsweep w = {NULL, s, p0, 0, 0};
	double t0, t1, zp = -INFINITY, tp;
	int i, j = 0;

	if (tci_spec_prep_new(s, &sp) == TC_OK) {
		w.sp = sp;
		w.tail_alone = tci_spec_prep_sum_error(sp) < 0.01 * (1 - p0);
	}
	t0 = log1p(fmax(0, qtab_end(&w, 1e-15)));
	t1 = log1p(fmax(0, qtab_end(&w, 1 - 1e-15)));
	tp = t0;
	for (i = 0; i <= ENG_QTAB_GRID && t1 > t0; i++) {
		double ti = t0 + (t1 - t0) * i / ENG_QTAB_GRID;
		double zi = score_of(&w, expm1(ti));

		for (; j < ENG_QTAB_NODES && qtab_score(j) <= zi; j++) {
			double zj = qtab_score(j);

			t[j] = isfinite(zp) && zi > zp && zj > zp
				       ? tp + (ti - tp) * (zj - zp) / (zi - zp)
				       : ti;
		}
		zp = zi;
		tp = ti;
	}
	for (; j < ENG_QTAB_NODES; j++)
		t[j] = t1;
	tci_spec_prep_free(sp);
}

/* A token spec's mass below 0, which its draws redraw (model.md). */
static double domain_p0(const tc_spec *s)
{
	double f = 0;

	if (tc_spec_cdf(s, -DBL_MIN, &f) != TC_OK)
		return 0;
	return fmin(f, 1 - 1e-12);
}

/*
 * Fills q's quantile table of token k: a copy of the class's table when
 * it was built once for this very spec, else built now.
 */
static void qtab_build(const eng_class *c, eng_req *q, int k)
{
	if (c->qtab[k] && c->qtab_spec[k] == q->spec[k])
		memcpy(q->qtab[k], c->qtab[k], sizeof q->qtab[k]);
	else
		qtab_fill(q->spec[k], q->p0[k], q->qtab[k]);
	q->tab[k] = 1;
}

tc_status eng_qtab_setup(eng_class *c, const tc_spec *const spec[2])
{
	int k;

	for (k = 0; k < 2; k++) {
		const tc_spec *s = spec[k];

		if (!s || tc_spec_has_uncertain_params(s) || !needs_table(s))
			continue;
		c->qtab[k] = malloc(ENG_QTAB_NODES * sizeof *c->qtab[k]);
		if (!c->qtab[k])
			return TC_ERR_NOMEM;
		qtab_fill(s, domain_p0(s), c->qtab[k]);
		c->qtab_spec[k] = s;
	}
	return TC_OK;
}

/*
 * Quadrature nodes of a share in probability: one node for a constant,
 * else Gauss-Legendre on [0, 1]. Fills x and wt, returns the count.
 */
static size_t share_nodes(const tc_spec *s, gsl_integration_glfixed_table *t,
			  double *x, double *wt)
{
	size_t i;

	if (!s || tc_spec_is_constant(s, x)) {
		x[0] = s ? fmin(1, fmax(0, x[0])) : 0;
		wt[0] = 1;
		return 1;
	}
	for (i = 0; i < SHARE_NODES; i++) {
		double p;

		gsl_integration_glfixed_point(0, 1, i, &p, &wt[i], t);
		x[i] = fmin(1, fmax(0, spec_at(s, 0, p)));
	}
	return SHARE_NODES;
}

/* E[x^d], d = 0..3, over a share's nodes. */
static void share_powers(const double *x, const double *wt, size_t n,
			 double out[4])
{
	size_t i;
	int d;

	memset(out, 0, 4 * sizeof *out);
	for (i = 0; i < n; i++)
		for (d = 0; d < 4; d++)
			out[d] += wt[i] * pow(x[i], d);
}

tc_status eng_shares_moments(const eng_req *q, eng_shares *sh)
{
	gsl_integration_glfixed_table *t;
	double cx[SHARE_NODES], cw[SHARE_NODES], wx[SHARE_NODES];
	double ww[SHARE_NODES], x[SHARE_NODES], wt[SHARE_NODES];
	size_t nc, nw, i, j, n;
	int a, m;

	t = gsl_integration_glfixed_table_alloc(SHARE_NODES);
	if (!t)
		return TC_ERR_NOMEM;
	memset(sh, 0, sizeof *sh);
	nc = share_nodes(q->spec[ENG_Q_CACHED], t, cx, cw);
	nw = share_nodes(q->spec[ENG_Q_WRITE], t, wx, ww);
	for (i = 0; i < nc; i++)
		for (j = 0; j < nw; j++) {
			double wp = fmin(wx[j], 1 - cx[i]);

			for (a = 0; a < 4; a++)
				for (m = 0; a + m < 4; m++)
					sh->cw[a][m] += cw[i] * ww[j] *
						pow(cx[i], a) * pow(wp, m);
		}
	n = share_nodes(q->spec[ENG_Q_WRITE_1H], t, x, wt);
	share_powers(x, wt, n, sh->h);
	n = share_nodes(q->spec[ENG_Q_REASONING], t, x, wt);
	share_powers(x, wt, n, sh->r);
	n = share_nodes(q->spec[ENG_Q_BATCH], t, x, wt);
	for (i = 0; i < n; i++)
		sh->batch += wt[i] * x[i];
	gsl_integration_glfixed_table_free(t);
	return TC_OK;
}

/* A token value at probability p of the domain: the table's when any. */
static double token_p(const eng_req *q, int k, double p)
{
	if (!q->tab[k])
		return fmax(0, spec_at(q->spec[k], q->p0[k], p));
	p = fmin(1 - 1e-15, fmax(1e-15, p));
	return token_at(q, k, p < 0.5 ? gsl_cdf_ugaussian_Pinv(p)
				      : -gsl_cdf_ugaussian_Qinv(p));
}

/* Adds the Gauss-Legendre sums of x(p)^j, j = 0..3, over [a, b] to m. */
static void gl_panel(const eng_req *q, int k, double a, double b,
		     size_t nodes, double m[4])
{
	gsl_integration_glfixed_table *t =
		gsl_integration_glfixed_table_alloc(nodes);
	size_t i;
	int j;

	for (i = 0; t && i < nodes; i++) {
		double p, w, x;

		gsl_integration_glfixed_point(a, b, i, &p, &w, t);
		x = token_p(q, k, p);
		for (j = 0; j < 4; j++)
			m[j] += w * pow(x, j);
	}
	gsl_integration_glfixed_table_free(t);
}

/*
 * The integral of x(p)^j, j = 0..3, over [a, b] of probability. An
 * unbounded quantile grows without bound at p = 1, and its powers are
 * integrable singularities there that one rule misses (a log-logistic
 * of shape 4 lost 4% of its variance): a side reaching 1 is cut above
 * 0.9 into panels [1 - 10^-i, 1 - 10^-(i+1)] up to 1 - 1e-15, each with
 * its own rule. An empty side adds nothing (its nodes would sit where
 * the quantile is infinite).
 */
static void side_moments(const eng_req *q, int k, double a, double b,
			 double m[4])
{
	double lo = a, hi;
	int i;

	memset(m, 0, 4 * sizeof *m);
	if (!(b > a))
		return;
	if (b < 1 || a < TAIL_FROM) {
		hi = b < 1 ? b : TAIL_FROM;
		gl_panel(q, k, a, hi, TOKEN_NODES, m);
		lo = hi;
	}
	for (i = 2; b >= 1 && i <= 15; i++) {
		hi = 1 - pow(10, -i);
		if (hi > lo) {
			gl_panel(q, k, lo, hi, TAIL_NODES, m);
			lo = hi;
		}
	}
}

/*
 * E[X^j 1{X > thr}] (hi) and E[X^j 1{X <= thr}] (lo), j = 0..3, of one
 * token marginal: closed forms for lognormal and gamma, else
 * Gauss-Legendre in probability on each side of the threshold.
 */
static void marginal_moments(const eng_req *q, int k, double thr,
			     double lo[4], double hi[4])
{
	const tc_spec *s = q->spec[k];
	double c, tot[4];
	int j;

	for (j = 0; j < 4; j++)
		hi[j] = 0;
	if (q->logn[k]) {
		double a = isfinite(thr) ? (log(thr) - q->mu[k]) / q->sigma[k]
					 : INFINITY;

		for (j = 0; j < 4; j++) {
			tot[j] = exp(j * q->mu[k] + 0.5 * j * j * q->sigma[k] *
					 q->sigma[k]);
			hi[j] = tot[j] * gsl_cdf_ugaussian_Q(a - j *
							     q->sigma[k]);
		}
	} else if (tc_spec_is_constant(s, &c)) {
		c = fmax(0, c);
		for (j = 0; j < 4; j++) {
			tot[j] = pow(c, j);
			hi[j] = c > thr ? tot[j] : 0;
		}
	} else if (tc_spec_get_family(s) == TC_SPEC_GAMMA) {
		double sh = 0, sc = 0;

		tc_spec_is_constant(tc_spec_param(s, 0), &sh);
		tc_spec_is_constant(tc_spec_param(s, 1), &sc);
		for (j = 0; j < 4; j++) {
			tot[j] = pow(sc, j) * exp(lgamma(sh + j) - lgamma(sh));
			hi[j] = isfinite(thr) ? tot[j] *
				gsl_sf_gamma_inc_Q(sh + j, thr / sc) : 0;
		}
	} else {
		double f = 1, ut, below[4];

		if (isfinite(thr) && tc_spec_cdf(s, thr, &f) != TC_OK)
			f = 1;
		ut = fmin(1, fmax(0, (f - q->p0[k]) / (1 - q->p0[k])));
		side_moments(q, k, 0, ut, below);
		side_moments(q, k, ut, 1, hi);
		for (j = 0; j < 4; j++)
			tot[j] = below[j] + hi[j];
	}
	for (j = 0; j < 4; j++)
		lo[j] = tot[j] - hi[j];
}

/* Both lognormal: E[I^j O^l 1{Z1 > a}] in closed form. */
static void io_lognormal(const eng_req *q, double thr, eng_io *io)
{
	double a = isfinite(thr) ? (log(thr) - q->mu[0]) / q->sigma[0]
				 : INFINITY;
	double s1 = q->sigma[0], s2 = q->sigma[1], rho = q->rho;
	int j, l;

	for (j = 0; j < 4; j++)
		for (l = 0; j + l < 4; l++) {
			double tot = exp(j * q->mu[0] + l * q->mu[1] +
					 0.5 * (j * j * s1 * s1 +
						2 * j * l * rho * s1 * s2 +
						l * l * s2 * s2));
			double hi = tot * gsl_cdf_ugaussian_Q(a - j * s1 -
							      l * rho * s2);

			io->j[1][j][l] = hi;
			io->j[0][j][l] = tot - hi;
		}
}

/*
 * The least score in [-SCORE_MAX, SCORE_MAX] whose input exceeds thr,
 * by bisection (the input rises with the score); SCORE_MAX when none.
 */
static double score_above(const eng_req *q, double thr)
{
	double lo = -SCORE_MAX, hi = SCORE_MAX;
	int it;

	if (token_at(q, 0, lo) > thr)
		return lo;
	if (!(token_at(q, 0, hi) > thr))
		return hi;
	for (it = 0; it < 60 && hi - lo > 1e-12; it++) {
		double mid = 0.5 * (lo + hi);

		if (token_at(q, 0, mid) > thr)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/*
 * Dependent tokens of other families: Gauss-Legendre in the input's
 * score on each side of the threshold, Gauss-Hermite (as Legendre on a
 * wide interval) in the output's conditional score, whose nodes and
 * weights (times the normal density) are the same for every input node.
 */
static void io_numeric(const eng_req *q, double thr, eng_io *io)
{
	gsl_integration_glfixed_table *t =
		gsl_integration_glfixed_table_alloc(SCORE_NODES);
	double a = SCORE_MAX, s = sqrt(fmax(0, 1 - q->rho * q->rho));
	double xp[4] = {1, 0, 0, 0}, yp[4] = {1, 0, 0, 0};
	double un[SCORE_NODES], vn[SCORE_NODES];
	size_t i, k;
	int side, j, l;

	memset(io, 0, sizeof *io);
	if (!t)
		return;
	if (isfinite(thr))
		a = score_above(q, thr);
	for (k = 0; k < SCORE_NODES; k++) {
		gsl_integration_glfixed_point(-SCORE_MAX, SCORE_MAX, k, &un[k],
					      &vn[k], t);
		vn[k] *= exp(-0.5 * un[k] * un[k]) / sqrt(2 * M_PI);
	}
	for (side = 0; side < 2; side++) {
		double z0 = side ? a : -SCORE_MAX, z1 = side ? SCORE_MAX : a;

		for (i = 0; z1 > z0 && i < SCORE_NODES; i++) {
			double z, w, x;

			gsl_integration_glfixed_point(z0, z1, i, &z, &w, t);
			w *= exp(-0.5 * z * z) / sqrt(2 * M_PI);
			x = token_at(q, 0, z);
			xp[1] = x;
			xp[2] = x * x;
			xp[3] = xp[2] * x;
			for (k = 0; k < SCORE_NODES; k++) {
				double y = token_at(q, 1, q->rho * z +
							s * un[k]);

				yp[1] = y;
				yp[2] = y * y;
				yp[3] = yp[2] * y;
				for (j = 0; j < 4; j++)
					for (l = 0; j + l < 4; l++)
						io->j[side][j][l] += w * vn[k] *
							xp[j] * yp[l];
			}
		}
	}
	gsl_integration_glfixed_table_free(t);
}

/* The joint token moments on each side of the tier threshold. */
static void io_moments(const eng_req *q, double thr, eng_io *io)
{
	double ilo[4], ihi[4], olo[4], ohi[4];
	int j, l;

	if (q->logn[0] && q->logn[1]) {
		io_lognormal(q, thr, io);
		return;
	}
	if (q->rho != 0) {
		io_numeric(q, thr, io);
		return;
	}
	marginal_moments(q, 0, thr, ilo, ihi);
	marginal_moments(q, 1, INFINITY, olo, ohi);
	for (j = 0; j < 4; j++)
		for (l = 0; j + l < 4; l++) {
			io->j[0][j][l] = ilo[j] * olo[l];
			io->j[1][j][l] = ihi[j] * olo[l];
		}
}

/* E[phi^k], k = 0..3, for one side's rates (a multinomial expansion). */
static void phi_moments(const eng_shares *sh, const eng_rates *r,
			double out[4])
{
	static const double fact[4] = {1, 1, 2, 6};
	double c[4] = {r->in, r->cr - r->in, r->w5 - r->in, r->w1 - r->w5};
	int k, i1, i2, i3;

	for (k = 0; k < 4; k++) {
		out[k] = 0;
		for (i1 = 0; i1 <= k; i1++)
			for (i2 = 0; i1 + i2 <= k; i2++)
				for (i3 = 0; i1 + i2 + i3 <= k; i3++) {
					int i0 = k - i1 - i2 - i3;

					out[k] += fact[k] / (fact[i0] *
						fact[i1] * fact[i2] *
						fact[i3]) * pow(c[0], i0) *
						pow(c[1], i1) * pow(c[2], i2) *
						pow(c[3], i3) *
						sh->cw[i1][i2 + i3] *
						sh->h[i3];
				}
	}
}

/* E[psi^k] with psi = out (1 - r) + rs r. */
static void psi_moments(const eng_shares *sh, const eng_rates *r,
			double out[4])
{
	static const double binom[4][4] = {
		{1, 0, 0, 0}, {1, 1, 0, 0}, {1, 2, 1, 0}, {1, 3, 3, 1}};
	double d = r->rs - r->out;
	int k, i;

	for (k = 0; k < 4; k++) {
		out[k] = 0;
		for (i = 0; i <= k; i++)
			out[k] += binom[k][i] * pow(r->out, k - i) *
				  pow(d, i) * sh->r[i];
	}
}

/* Cholesky of a 3x3 semi-definite matrix; zero pivots give zero rows. */
static void chol3(const double a[3][3], double l[3][3])
{
	int i, j, k;

	memset(l, 0, 9 * sizeof(double));
	for (j = 0; j < 3; j++) {
		double d = a[j][j];

		for (k = 0; k < j; k++)
			d -= l[j][k] * l[j][k];
		if (d <= 1e-12 * fmax(a[j][j], DBL_MIN))
			continue;
		l[j][j] = sqrt(d);
		for (i = j + 1; i < 3; i++) {
			double s = a[i][j];

			for (k = 0; k < j; k++)
				s -= l[i][k] * l[j][k];
			l[i][j] = s / l[j][j];
		}
	}
}

/* Central moments from raw moments m[1..3]. */
static void central(const double m[4], double *mu, double *var, double *k3)
{
	*mu = m[1];
	*var = fmax(0, m[2] - m[1] * m[1]);
	*k3 = m[3] - 3 * m[1] * m[2] + 2 * m[1] * m[1] * m[1];

	/*
	 * A constant's raw moments from quadrature leave a variance of
	 * round-off (1e-11 of the squared mean seen) and a third cumulant
	 * that makes it a gamma of shape 1e-8, whose quantiles GSL cannot
	 * find: below a coefficient of variation of 3e-5 it is constant.
	 */
	if (*var <= CONSTANT_REL_VAR * *mu * *mu) {
		*var = 0;
		*k3 = 0;
	}
}

/*
 * Cost as a linear function of I and O when it is one exactly (no
 * tier within reach, fixed shares, no batch mix): the regression of
 * cost on (I, O) leaves no residual.
 */
static void cost_regression(eng_agg *a, const double cov[3][3])
{
	double det = cov[0][0] * cov[1][1] - cov[0][1] * cov[0][1];
	double bi = 0, bo = 0, res;

	if (det > 1e-12 * cov[0][0] * cov[1][1] && det > 0) {
		bi = (cov[1][1] * cov[0][2] - cov[0][1] * cov[1][2]) / det;
		bo = (cov[0][0] * cov[1][2] - cov[0][1] * cov[0][2]) / det;
	} else if (cov[0][0] > 0) {
		bi = cov[0][2] / cov[0][0];
	} else if (cov[1][1] > 0) {
		bo = cov[1][2] / cov[1][1];
	}
	res = cov[2][2] - (bi * bi * cov[0][0] + 2 * bi * bo * cov[0][1] +
			   bo * bo * cov[1][1]);
	a->cost_linear = res <= 1e-9 * cov[2][2];
	a->ci = bi;
	a->co = bo;
	a->c0 = a->mu[2] - bi * a->mu[0] - bo * a->mu[1];
}

/* Whether the buckets of the input have noise of their own. */
static inline int bucket_noise(const eng_agg *a)
{
	return a->a_chol[0][0] != 0 || a->a_chol[1][1] != 0 ||
	       a->a_chol[2][2] != 0 || a->a_chol[1][0] != 0 ||
	       a->a_chol[2][0] != 0 || a->a_chol[2][1] != 0;
}

/* The buckets' loadings on I and O and their residual spread. */
static void bucket_moments(eng_agg *a, const eng_shares *sh, double ei2,
			   double eo2)
{
	double h1 = sh->h[1], h2 = sh->h[2], cov[3][3], m2[3][3];
	int i, j;

	a->a_mean[0] = sh->cw[1][0];
	a->a_mean[1] = sh->cw[0][1] * (1 - h1);
	a->a_mean[2] = sh->cw[0][1] * h1;
	m2[0][0] = sh->cw[2][0];
	m2[0][1] = sh->cw[1][1] * (1 - h1);
	m2[0][2] = sh->cw[1][1] * h1;
	m2[1][1] = sh->cw[0][2] * (1 - 2 * h1 + h2);
	m2[1][2] = sh->cw[0][2] * (h1 - h2);
	m2[2][2] = sh->cw[0][2] * h2;
	for (i = 0; i < 3; i++)
		for (j = i; j < 3; j++) {
			cov[i][j] = (m2[i][j] - a->a_mean[i] * a->a_mean[j]) *
				    ei2;
			cov[j][i] = cov[i][j];
		}
	chol3(cov, a->a_chol);
	a->r_mean = sh->r[1];
	a->r_sd = sqrt(fmax(0, (sh->r[2] - sh->r[1] * sh->r[1]) * eo2));
}

tc_status eng_agg_build(const eng_req *q, const eng_price *p, eng_agg *a)
{
	static const double binom[4][4] = {
		{1, 0, 0, 0}, {1, 1, 0, 0}, {1, 2, 1, 0}, {1, 3, 3, 1}};
	double phi[2][4], psi[2][4], em[4], mi[4], mo[4], mc[4];
	double eci = 0, eco = 0, cov[3][3], cor[3][3];
	const eng_io *io = &q->io;
	int t, j, k;

	for (t = 0; t < 2; t++) {
		phi_moments(&q->sh, &p->rate[t], phi[t]);
		psi_moments(&q->sh, &p->rate[t], psi[t]);
	}
	for (k = 0; k < 4; k++) {
		em[k] = 1 - q->sh.batch + q->sh.batch * pow(p->batch_mult, k);
		mi[k] = io->j[0][k][0] + io->j[1][k][0];
		mo[k] = io->j[0][0][k] + io->j[1][0][k];
		mc[k] = 0;
		for (t = 0; t < 2; t++)
			for (j = 0; j <= k; j++)
				mc[k] += binom[k][j] * io->j[t][j][k - j] *
					 phi[t][j] * psi[t][k - j];
		mc[k] *= em[k];
	}
	for (t = 0; t < 2; t++) {
		eci += io->j[t][2][0] * phi[t][1] + io->j[t][1][1] * psi[t][1];
		eco += io->j[t][1][1] * phi[t][1] + io->j[t][0][2] * psi[t][1];
	}
	central(mi, &a->mu[0], &a->var[0], &a->k3[0]);
	central(mo, &a->mu[1], &a->var[1], &a->k3[1]);
	central(mc, &a->mu[2], &a->var[2], &a->k3[2]);
	if (!isfinite(a->k3[0] + a->k3[1] + a->k3[2]))
		return TC_ERR_NUMERIC;
	cov[0][1] = io->j[0][1][1] + io->j[1][1][1] -
		    a->mu[0] * a->mu[1];
	cov[0][2] = em[1] * eci - a->mu[0] * a->mu[2];
	cov[1][2] = em[1] * eco - a->mu[1] * a->mu[2];
	for (j = 0; j < 3; j++) {
		cov[j][j] = a->var[j];
		for (k = 0; k < j; k++)
			cov[j][k] = cov[k][j];
	}
	cost_regression(a, cov);
	for (j = 0; j < 3; j++)
		for (k = 0; k < 3; k++)
			cor[j][k] = j == k ? 1 : cov[j][j] > 0 &&
				cov[k][k] > 0 ? cov[j][k] /
				sqrt(cov[j][j] * cov[k][k]) : 0;
	chol3(cor, a->chol);
	a->independent = a->chol[1][0] == 0 &&
			 (a->cost_linear || (a->chol[2][0] == 0 &&
					     a->chol[2][1] == 0));
	for (j = 0; j < 3; j++) {
		a->shape1[j] = a->k3[j] != 0 ? 4 * a->var[j] * a->var[j] *
			a->var[j] / (a->k3[j] * a->k3[j]) : 0;
		a->scale[j] = a->var[j] > 0 ? fabs(a->k3[j]) /
					      (2 * a->var[j]) : 0;
		a->wh_c1[j] = a->shape1[j] > 0 ? 1 / (9 * a->shape1[j]) : 0;
		a->wh_root1[j] = sqrt(a->wh_c1[j]);
	}
	bucket_moments(a, &q->sh, mi[2], mo[2]);
	a->bare = !bucket_noise(a) && a->a_mean[0] == 0 &&
		  a->a_mean[1] == 0 && a->a_mean[2] == 0 &&
		  a->r_mean == 0 && a->r_sd == 0;
	a->plain = a->bare && a->independent && a->cost_linear;
	return TC_OK;
}

/* max(x, 0) inline (libm's fmax is a call); NaN gives 0. */
static inline double pos(double x)
{
	return x > 0 ? x : 0;
}

/* Splits the day's input sum into its buckets (out: tc_metric order). */
static void split_buckets(const eng_agg *a, gsl_rng *r, double n,
			  double *out)
{
	double in = out[TC_M_INPUT], b[3], e[3] = {0, 0, 0}, sum;
	int i, k;

	if (bucket_noise(a)) {
		double z[3] = {tci_ran_normal(r), tci_ran_normal(r),
			       tci_ran_normal(r)};
		double s = sqrt(n);

		for (i = 0; i < 3; i++)
			for (k = 0; k <= i; k++)
				e[i] += a->a_chol[i][k] * z[k] * s;
	}
	sum = 0;
	for (i = 0; i < 3; i++) {
		b[i] = pos(a->a_mean[i] * in + e[i]);
		sum += b[i];
	}
	if (sum > in)
		for (i = 0; i < 3; i++)
			b[i] = sum > 0 ? b[i] * in / sum : 0;
	out[TC_M_CACHE_READ] = b[0];
	out[TC_M_CACHE_W5M] = b[1];
	out[TC_M_CACHE_W1H] = b[2];
	out[TC_M_UNCACHED] = pos(in - b[0] - b[1] - b[2]);
}

/*
 * The law of the sum of n requests of quantity i, as tci_sum_law_init
 * would give it, without its checks: the gamma's scale does not depend
 * on n and its shape grows as n, so the Wilson-Hilferty constants are
 * one request's over n and sqrt(n) (inv_n, inv_root_n: 1 / n and its
 * root, shared by the sums).
 */
static void law_for(const eng_agg *a, int i, double n, double inv_n,
		    double inv_root_n, tci_sum_law *law)
{
	double v = a->var[i], k3 = a->k3[i];

	law->mean = n * a->mu[i];
	if (v <= 0) {
		law->kind = TCI_SUM_CONSTANT;
		return;
	}
	if (k3 == 0 || a->shape1[i] * n > 4e12) {
		law->kind = TCI_SUM_NORMAL;
		law->sd = sqrt(n * v);
		return;
	}
	law->scale = a->scale[i];
	law->shape = n * a->shape1[i];
	law->wh_c = a->wh_c1[i] * inv_n;
	law->wh_root = a->wh_root1[i] * inv_root_n;
	law->kind = k3 > 0 ? TCI_SUM_GAMMA : TCI_SUM_GAMMA_MIRROR;
	law->shift = k3 > 0 ? law->mean - law->shape * law->scale
			    : law->mean + law->shape * law->scale;
}

/*
 * A day's requests, tokens and cost from its drawn sums s (input,
 * output, and cost unless cost is linear in the tokens).
 */
static void sums_out(const eng_agg *a, double n, const double *s,
		     double *out)
{
	out[TC_M_REQUESTS] = n;
	out[TC_M_INPUT] = pos(s[0]);
	out[TC_M_OUTPUT] = pos(s[1]);
	if (a->cost_linear)
		out[TC_M_COST] = n * a->c0 + a->ci * out[TC_M_INPUT] +
				 a->co * out[TC_M_OUTPUT];
	else
		out[TC_M_COST] = s[2];
	out[TC_M_COST] = pos(out[TC_M_COST]);
}

/* What split_buckets and the reasoning give a bare class's day. */
static void bare_rest(double *out)
{
	out[TC_M_CACHE_READ] = out[TC_M_CACHE_W5M] = 0;
	out[TC_M_CACHE_W1H] = out[TC_M_REASONING] = 0;
	out[TC_M_UNCACHED] = out[TC_M_INPUT];
}

void eng_day_aggregate(const eng_class *c, const eng_req *q, gsl_rng *r,
		       int day, double n, double *out)
{
	const eng_agg *a = &q->agg[c->day_price[day]];
	tci_sum_law law[3];
	double z[3], y[3] = {0, 0, 0}, s[3], rs;
	int i, k, nq = a->cost_linear ? 2 : 3;
	double inv_n = 1 / n, inv_root_n = sqrt(inv_n);

	/* Two words a normal: the sums', the buckets' and reasoning's. */
	tci_rng_reserve(r, 2 * (unsigned)(nq + 3 * bucket_noise(a) +
					  (a->r_sd > 0)));

	/* Independent sums need no normal scores: draw them directly. */
	for (i = 0; i < nq; i++) {
		law_for(a, i, n, inv_n, inv_root_n, &law[i]);
		if (a->independent) {
			s[i] = tci_sum_law_draw(r, &law[i]);
			continue;
		}
		z[i] = tci_ran_normal(r);
		for (k = 0; k <= i; k++)
			y[i] += a->chol[i][k] * z[k];
		s[i] = tci_sum_law_draw_at(r, &law[i], y[i]);
	}
	sums_out(a, n, s, out);
	if (a->bare) {
		bare_rest(out);
		return;
	}
	split_buckets(a, r, n, out);
	rs = a->r_mean * out[TC_M_OUTPUT];
	if (a->r_sd > 0)
		rs += sqrt(n) * a->r_sd * tci_ran_normal(r);
	out[TC_M_REASONING] = fmin(out[TC_M_OUTPUT], pos(rs));
}

int eng_day_aggregate_first(const eng_class *c, const eng_req *q, int day,
			    double n, const uint32_t b[4], double *out)
{
	const eng_agg *a = &q->agg[c->day_price[day]];
	double s[3] = {0, 0, 0}, inv_n = 1 / n, inv_root_n = sqrt(inv_n), z;
	int i, used = 0;

	if (!a->plain)
		return 0;

	/* As eng_day_aggregate's independent sums: a word each drawn. */
	for (i = 0; i < 2; i++) {
		tci_sum_law law = {TCI_SUM_CONSTANT, 0, 0, 0, 0, 0, 0, 0};

		law_for(a, i, n, inv_n, inv_root_n, &law);
		if (law.kind == TCI_SUM_CONSTANT) {
			s[i] = law.mean;
			continue;
		}
		if (!tci_normal_first(tci_block_word(b, used++), &z))
			return 0;
		if (law.kind == TCI_SUM_NORMAL)
			s[i] = law.mean + law.sd * z;
		else if (law.shape < TCI_GAMMA_WH_SHAPE)
			return 0;
		else if (law.kind == TCI_SUM_GAMMA)
			s[i] = law.shift + tci_sum_law_wh(&law, z);
		else
			s[i] = law.shift - tci_sum_law_wh(&law, z);
	}
	sums_out(a, n, s, out);
	bare_rest(out);
	return 1;
}

/* One per-request share, redrawn into [0, 1] as model.md says. */
static double share_draw(const tc_spec *s, gsl_rng *r)
{
	double x = 0;
	int i;

	if (!s || tc_spec_is_constant(s, &x))
		return s ? fmin(1, fmax(0, x)) : 0;
	for (i = 0; i < 100; i++)
		if (tc_spec_sample(s, r, &x) == TC_OK && x >= 0 && x <= 1)
			return x;
	return fmin(1, fmax(0, x));
}

/* Adds one request's buckets and cost to out (tc_metric order). */
static void one_request(const eng_class *c, const eng_req *q, gsl_rng *r,
			const eng_price *p, double *out)
{
	double z1 = tci_ran_normal(r), z2 = tci_ran_normal(r);
	double zo = q->rho * z1 + sqrt(fmax(0, 1 - q->rho * q->rho)) * z2;
	double in = floor(eng_scale(q, 0) * token_at(q, 0, z1) + 0.5);
	double o = floor(eng_scale(q, 1) * token_at(q, 1, zo) + 0.5);
	double cs = share_draw(q->spec[ENG_Q_CACHED], r);
	double ws = fmin(share_draw(q->spec[ENG_Q_WRITE], r), 1 - cs);
	double hs = share_draw(q->spec[ENG_Q_WRITE_1H], r);
	double rsh = share_draw(q->spec[ENG_Q_REASONING], r);
	int batch = tc_rng_uniform(r) < q->sh.batch;
	double cr = floor(cs * in + 0.5), w = floor(ws * in + 0.5);
	double w1 = floor(hs * w + 0.5), rs = floor(rsh * o + 0.5);
	double un = in - cr - w;
	const eng_rates *t = &p->rate[in > p->threshold];
	double cost;

	if (un < 0) {
		w += un;
		un = 0;
	}
	w1 = fmin(w1, w);
	cost = un * t->in + cr * t->cr + (w - w1) * t->w5 + w1 * t->w1 +
	       (o - rs) * t->out + rs * t->rs;
	if (batch)
		cost *= p->batch_mult;
	out[TC_M_COST] += cost;
	out[TC_M_INPUT] += in;
	out[TC_M_UNCACHED] += un;
	out[TC_M_CACHE_READ] += cr;
	out[TC_M_CACHE_W5M] += w - w1;
	out[TC_M_CACHE_W1H] += w1;
	out[TC_M_OUTPUT] += o;
	out[TC_M_REASONING] += rs;
	(void)c;
}

void eng_day_requests(const eng_class *c, const eng_req *q, gsl_rng *r,
		      int day, double n, double *out)
{
	const eng_price *p = &c->prices[c->day_price[day]];
	double i;

	memset(out, 0, TC_M_COUNT * sizeof *out);
	out[TC_M_REQUESTS] = n;
	for (i = 0; i < n; i++)
		one_request(c, q, r, p, out);
}

void eng_day_sums(const eng_class *c, const eng_req *q, gsl_rng *r,
		  int day, double n, double switch_n, double *out)
{
	if (n <= 0) {
		memset(out, 0, TC_M_COUNT * sizeof *out);
		return;
	}
	if (n < switch_n)
		eng_day_requests(c, q, r, day, n, out);
	else
		eng_day_aggregate(c, q, r, day, n, out);
}

void eng_rates_of(const tc_price *p, eng_price *out)
{
	const tc_rates *src[2] = {&p->base, &p->tier};
	int t;

	for (t = 0; t < 2; t++) {
		const tc_rates *s = p->tier_threshold ? src[t] : src[0];
		eng_rates *d = &out->rate[t];

		d->in = s->input * 1e-15;
		d->cr = s->cache_read == TC_RATE_NONE ? d->in
						      : s->cache_read * 1e-15;
		d->w5 = s->cache_write_5m == TC_RATE_NONE
				? d->in : s->cache_write_5m * 1e-15;
		d->w1 = s->cache_write_1h == TC_RATE_NONE
				? d->w5 : s->cache_write_1h * 1e-15;
		d->out = s->output * 1e-15;
		d->rs = s->reasoning == TC_RATE_NONE ? d->out
						     : s->reasoning * 1e-15;
	}
	out->row = p;
	out->threshold = p->tier_threshold ? (double)p->tier_threshold + 0.5
					   : INFINITY;
	out->batch_mult = p->batch_mult == TC_RATE_NONE
				  ? 1 : p->batch_mult * 1e-6;
}

/*
 * A scenario's tokenizer factors f, f' on the joint moments:
 * E[(f I)^j (f' O)^l] = f^j f'^l E[I^j O^l] (the threshold was divided
 * by f before).
 */
static void scale_io(const eng_req *q, eng_io *io)
{
	double f = eng_scale(q, 0), g = eng_scale(q, 1);
	int t, j, l;

	if (f == 1 && g == 1)
		return;
	for (t = 0; t < 2; t++)
		for (j = 0; j < 4; j++)
			for (l = 0; j + l < 4; l++)
				io->j[t][j][l] *= pow(f, j) * pow(g, l);
}

/* The lognormal parameters of a spec, when it is one with constants. */
static int lognormal_of(const tc_spec *s, double *mu, double *sigma)
{
	if (!s || tc_spec_get_family(s) != TC_SPEC_LOGNORMAL)
		return 0;
	return tc_spec_is_constant(tc_spec_param(s, 0), mu) &&
	       tc_spec_is_constant(tc_spec_param(s, 1), sigma);
}

/*
 * TC_ERR_NUMERIC naming the class and attribute when a request's mean
 * or standard deviation of input or output tokens passes TOKENS_MAX: a
 * spec no model could serve (lognormal(mu=50, sigma=10) has a mean of
 * 3e43 tokens), whose day sums would overflow into an infinite or
 * silently zero cost.
 */
static tc_status tokens_in_reach(const eng_class *c, const eng_agg *a,
				 tc_error *err)
{
	static const char *attr[2] = {"input_tokens", "output_tokens"};
	int k;

	for (k = 0; k < 2; k++) {
		double sd = sqrt(a->var[k]);

		if (a->mu[k] <= TOKENS_MAX && sd <= TOKENS_MAX)
			continue;
		return tci_error(err, TC_ERR_NUMERIC, NULL, 0, c->name,
				 "attribute '%s': a request's "
				 "tokens have mean %.3g and standard "
				 "deviation %.3g, beyond %.0e (no model "
				 "reads or writes so many)",
				 attr[k], a->mu[k], sd, TOKENS_MAX);
	}
	return TC_OK;
}

tc_status eng_req_prepare(const eng *e, const eng_class *c, eng_req *q,
			  tc_error *err)
{
	size_t p;
	int k;
	tc_status st;

	for (k = 0; k < 2; k++) {
		q->logn[k] = lognormal_of(q->spec[k], &q->mu[k],
					  &q->sigma[k]);
		q->p0[k] = q->logn[k] ? 0 : domain_p0(q->spec[k]);
		q->tab[k] = 0;
		if (!q->logn[k] && needs_table(q->spec[k]))
			qtab_build(c, q, k);
	}
	q->rho = 2 * sin(M_PI * fmin(1, fmax(-1, q->rank_corr)) / 6);
	if (c->shares_fixed)
		q->sh = c->sh;
	else if ((st = eng_shares_moments(q, &q->sh)) != TC_OK)
		return tci_error(err, st, NULL, 0, c->name,
				 "out of memory for share moments");
	/* Price periods share the joint moments when their tiers do. */
	for (p = 0; p < c->n_prices; p++) {
		if (p == 0 || c->prices[p].threshold !=
			      c->prices[p - 1].threshold) {
			io_moments(q, c->prices[p].threshold /
				   eng_scale(q, 0), &q->io);
			scale_io(q, &q->io);
		}
		if (eng_agg_build(q, &c->prices[p], &q->agg[p]) != TC_OK)
			return tci_error(err, TC_ERR_NUMERIC, NULL, 0,
					 c->name, "the per-request token "
					 "distributions of class '%s' have "
					 "no finite third moment", c->name);
		if ((st = tokens_in_reach(c, &q->agg[p], err)) != TC_OK)
			return st;
	}
	(void)e;
	return TC_OK;
}

void eng_req_release(eng_req *q)
{
	int k;

	for (k = 0; k < ENG_Q_COUNT; k++) {
		tc_spec_free(q->owned[k]);
		q->owned[k] = NULL;
	}
}
