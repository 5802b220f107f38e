/*
 * fit_gof.c - goodness of fit of a discretised family (Kolmogorov-Smirnov
 * distance, discrete Anderson-Darling) and the empirical fallback with its
 * explicit tail.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_math.h>

#include "fiti.h"

/* The model's distribution function at integer k, and its complement. */
typedef struct model_cdf {
	const tci_fam *fam;
	const double *p;
	double trunc_k;		/* -1: no cap */
	double GT;		/* the family's mass up to trunc_k */
	double ps;		/* the pile-up's share */
	const tci_freq *pile;
} model_cdf;

/* The pile-up's empirical CDF at k. */
static double pile_cdf(const tci_freq *pile, double k)
{
	double c = 0;
	size_t i;

	for (i = 0; i < pile->d && pile->k[i] <= k; i++)
		c += pile->c[i];
	return c / pile->n;
}

static void model_at(const model_cdf *m, double k, double *H, double *Hc)
{
	double G, S, pf;

	if (k < 0) {
		*H = 0, *Hc = 1;
		return;
	}
	if (m->trunc_k < 0) {
		tci_fam_G(m->fam, m->p, k, H, Hc);
		return;
	}
	if (k <= m->trunc_k) {
		tci_fam_G(m->fam, m->p, k, &G, &S);
		*H = (1 - m->ps) * G / m->GT;
		*Hc = 1 - *H;
		return;
	}
	pf = pile_cdf(m->pile, k);
	*H = (1 - m->ps) + m->ps * pf;
	*Hc = m->ps * (1 - pf);
}

/*
 * The Anderson-Darling integral n * int (Z - H)^2 / (H (1 - H)) dH over
 * [Ha, Hb] with the empirical CDF constant at Z: the closed form of
 * -(Hb - Ha) + Z^2 ln(Hb / Ha) - (1 - Z)^2 ln((1 - Hb) / (1 - Ha)).
 */
static double ad_gap(double Z, double Ha, double Hca, double Hb, double Hcb)
{
	double s = -(Hb - Ha);

	if (!(Hb > Ha))
		return 0;
	if (Z > 0)
		s += Z * Z * log(Hb / GSL_MAX(Ha, 1e-300));
	if (Z < 1)
		s -= gsl_pow_2(1 - Z) * log(GSL_MAX(Hcb, 1e-300) / Hca);
	return s;
}

void tci_fit_gof(const tci_fam *fam, const double *p, const tci_freq *all,
		 double trunc_k, const tci_freq *pile, double *ks,
		 double *ad)
{
	model_cdf m = { fam, p, trunc_k, 1, 0, pile };
	double Fprev = 0, Fn, Ha = 0, Hca = 1, Hb, Hcb, H, Hc, cum = 0;
	double D = 0, A = 0, S;
	size_t i;

	if (trunc_k >= 0) {
		tci_fam_G(fam, p, trunc_k, &m.GT, &S);
		m.ps = pile->n / all->n;
	}
	for (i = 0; i < all->d; i++) {
		cum += all->c[i];
		Fn = cum / all->n;
		model_at(&m, all->k[i] - 1, &Hb, &Hcb);
		model_at(&m, all->k[i], &H, &Hc);
		D = GSL_MAX(D, fabs(Fprev - Hb));
		D = GSL_MAX(D, fabs(Fn - H));

		/* The unobserved values before k, then k's own cell. */
		A += ad_gap(Fprev, Ha, Hca, Hb, Hcb);
		if (H * Hc > 1e-300)
			A += gsl_pow_2(Fn - H) * (H - Hb) / (H * Hc);
		Fprev = Fn, Ha = H, Hca = Hc;
	}
	A += ad_gap(1, Ha, Hca, 1, 0);
	*ks = D;
	*ad = isfinite(A) ? all->n * A : 1e300;
}

/*
 * The tail above u: a lognormal conditioned on exceeding u, with mu held
 * at or above log(u) - 3 sigma (so at least 0.13% of the lognormal lies
 * above u and the truncated spec keeps mass). Unconstrained parameters:
 * t0 = log(mu - log(u) + 3 sigma), t1 = log(sigma).
 */
typedef struct tail_ctx {
	const tci_freq *ex;
	double u;
} tail_ctx;

static void tail_params(const tail_ctx *c, const double *t, double *p)
{
	p[1] = exp(t[1]);
	p[0] = log(c->u) - 3 * p[1] + exp(t[0]);
}

static double tail_obj(const double *t, void *vctx)
{
	const tail_ctx *c = vctx;
	const tci_fam *ln = tci_fam_get(TC_FIT_LOGNORMAL);
	double p[2], F, S, s = 0;
	size_t i;

	tail_params(c, t, p);
	ln->cdfsf(p, c->u, &F, &S);
	if (!(S > 0))
		return 1e100;
	for (i = 0; i < c->ex->d; i++)
		s += c->ex->c[i] * (ln->lpdf(p, c->ex->k[i]) - log(S));
	return isfinite(s) ? -s / c->ex->n : 1e100;
}

/* Fits the tail of the fallback to the exceedances of u. */
static void fit_tail(const tci_freq *ex, double u, tc_fit_tail *tail)
{
	const tci_fam *ln = tci_fam_get(TC_FIT_LOGNORMAL);
	tail_ctx c = { ex, u + 0.5 };
	double p[2], t[2], fv;

	if (ln->cont_fit(ex, p))
		return;
	t[1] = log(GSL_MAX(p[1], 1e-3));
	t[0] = log(GSL_MAX(p[0] - log(c.u) + 3 * p[1], 1e-3));
	tci_minimise(tail_obj, &c, 2, t, 0.3, 2000, &fv);
	if (!(fv < 1e99))
		return;
	tail_params(&c, t, p);
	tail->present = 1;
	tail->threshold = u + 0.5;
	tail->mu = p[0];
	tail->sigma = p[1];
}

/*
 * The fallback: up to 500 quantiles of the body up to its 99th
 * percentile, resampled, and a lognormal tail above it fitted to the
 * exceedances when there are at least 20 of them.
 */
tc_status tci_fit_empirical(const tci_freq *body, tc_fit_result *res)
{
	tci_freq low = { 0 }, ex = { 0 };
	double u = tci_freq_quantile(body, 0.99);
	size_t m, j;
	tc_status st;

	st = tci_freq_slice(body, u + 1, INFINITY, &ex);
	if (st != TC_OK)
		return st;
	if (ex.n >= 20 && u > 0)
		fit_tail(&ex, u, &res->tail);
	if (res->tail.present)
		res->tail.share = ex.n / (double)res->rows;
	else
		u = INFINITY;
	st = tci_freq_slice(body, 0, u, &low);
	if (st != TC_OK)
		goto out;

	m = (size_t)GSL_MIN(500.0, low.n);
	res->quantiles = malloc((m ? m : 1) * sizeof *res->quantiles);
	if (!res->quantiles) {
		st = TC_ERR_NOMEM;
		goto out;
	}
	for (j = 0; j < m; j++)
		res->quantiles[j] = tci_freq_quantile(&low, (j + 0.5) / m);
	res->nquantiles = m;
out:
	tci_freq_free(&low);
	tci_freq_free(&ex);
	return st;
}
