/*
 * fit_share.c - shares per request (cached, cache write, reasoning) as
 * point masses at 0 and 1 plus a beta, or empirical; and the rank
 * correlation of input and output.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_gamma.h>

#include "fiti.h"
#include "tci.h"

/* The beta's sufficient statistics over the interior values. */
typedef struct beta_ctx {
	double n, slog, slog1m;
} beta_ctx;

static double beta_obj(const double *t, void *vctx)
{
	const beta_ctx *c = vctx;
	double a = exp(t[0]), b = exp(t[1]), ll;

	ll = (a - 1) * c->slog + (b - 1) * c->slog1m -
	     c->n * gsl_sf_lnbeta(a, b);
	return isfinite(ll) ? -ll / c->n : 1e100;
}

/* Beta MLE from the moment start; SEs from the observed information. */
static void fit_beta(const double *s, size_t n, tc_fit_share *r)
{
	beta_ctx c = { 0, 0, 0 };
	double m = 0, v = 0, t[2], fv, cov[4], k;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] <= 0 || s[i] >= 1)
			continue;
		c.n += 1;
		c.slog += log(s[i]);
		c.slog1m += log1p(-s[i]);
		m += s[i];
		v += s[i] * s[i];
	}
	if (c.n < 2)
		return;
	m /= c.n;
	v = v / c.n - m * m;
	if (!(v > 0))
		return;
	k = GSL_MAX(m * (1 - m) / v - 1, 0.05);
	t[0] = log(m * k);
	t[1] = log((1 - m) * k);
	tci_minimise(beta_obj, &c, 2, t, 0.3, 2000, &fv);
	if (!(fv < 1e99))
		return;
	r->beta_ok = 1;
	r->a = exp(t[0]);
	r->b = exp(t[1]);
	if (tci_inverse_hessian(beta_obj, &c, 2, t, c.n, cov)) {
		r->se_a = r->a * sqrt(cov[0]);
		r->se_b = r->b * sqrt(cov[3]);
	}
}

/* The model's CDF just below (lo) and at (hi) a share value x. */
static void share_cdf(const tc_fit_share *r, double x, double *lo,
		      double *hi)
{
	double mid = 1 - r->p0 - r->p1, I;

	if (x <= 0) {
		*lo = 0, *hi = r->p0;
		return;
	}
	if (x >= 1) {
		*lo = 1 - r->p1, *hi = 1;
		return;
	}
	I = r->beta_ok ? gsl_cdf_beta_P(x, r->a, r->b) : 0;
	*lo = *hi = r->p0 + mid * I;
}

/* KS distance of the fitted model against the sorted shares. */
static double share_ks(const double *sorted, size_t n, const tc_fit_share *r)
{
	double D = 0, lo, hi, Fprev = 0;
	size_t i = 0, j;

	while (i < n) {
		for (j = i; j < n && sorted[j] == sorted[i]; j++)
			;
		share_cdf(r, sorted[i], &lo, &hi);
		D = GSL_MAX(D, fabs(Fprev - lo));
		Fprev = (double)j / n;
		D = GSL_MAX(D, fabs(Fprev - hi));
		i = j;
	}
	return D;
}

/* Up to 500 quantiles of the sorted shares, for the fallback. */
static tc_status share_quantiles(const double *sorted, size_t n,
				 tc_fit_share *r)
{
	size_t m = GSL_MIN(n, 500), j, idx;

	r->quantiles = malloc(m * sizeof *r->quantiles);
	if (!r->quantiles)
		return TC_ERR_NOMEM;
	for (j = 0; j < m; j++) {
		idx = (size_t)((j + 0.5) / m * n);
		r->quantiles[j] = sorted[GSL_MIN(idx, n - 1)];
	}
	r->nquantiles = m;
	return TC_OK;
}

tc_status tc_fit_share_values(const double *s, size_t n, double ks_pass,
			      tc_fit_share *res, tc_error *err)
{
	double *sorted;
	size_t i, mid = 0;
	tc_status st = TC_OK;

	if (!s || !res)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no shares or no result to fill");
	memset(res, 0, sizeof *res);
	if (n == 0)
		return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
				 "no rows to fit a share to");
	for (i = 0; i < n; i++)
		if (!(s[i] >= 0 && s[i] <= 1))
			return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
					 "row %zu: share %g is not in [0, 1]",
					 i + 1, s[i]);
	tci_gsl_fence();
	sorted = malloc(n * sizeof *sorted);
	if (!sorted)
		return tci_error(err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	memcpy(sorted, s, n * sizeof *s);
	if (tci_sort_doubles(sorted, n) != TC_OK) {
		free(sorted);
		return tci_error(err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	}

	res->rows = n;
	for (i = 0; i < n; i++) {
		res->mean += s[i] / n;
		res->p0 += s[i] == 0 ? 1.0 / n : 0;
		res->p1 += s[i] == 1 ? 1.0 / n : 0;
		mid += s[i] > 0 && s[i] < 1;
	}
	fit_beta(s, n, res);
	res->ks = share_ks(sorted, n, res);
	if (mid > 0 && (!res->beta_ok ||
			res->ks > (ks_pass > 0 ? ks_pass : TC_FIT_KS_PASS))) {
		res->empirical = 1;
		st = share_quantiles(sorted, n, res);
	}
	free(sorted);
	if (st != TC_OK)
		return tci_error(err, st, NULL, 0, NULL, "out of memory");
	return TC_OK;
}

void tc_fit_share_free(tc_fit_share *res)
{
	if (!res)
		return;
	free(res->quantiles);
	res->quantiles = NULL;
	res->nquantiles = 0;
}


/* The beta part, "beta(a=.., b=..)". */
static void add_beta(tci_buf *b, const tc_fit_share *r)
{
	tci_buf_adds(b, "beta(a=");
	tci_fit_add_num(b, r->a);
	tci_buf_adds(b, ", b=");
	tci_fit_add_num(b, r->b);
	tci_buf_adds(b, ")");
}

/*
 * The parts with positive weight (0, the beta, 1); a single part is
 * written alone, several as a mixture (whose weights must be positive).
 */
char *tc_fit_share_spec(const tc_fit_share *r)
{
	double w[3] = { r->p0, 1 - r->p0 - r->p1, r->p1 };
	int parts = 0, first = 0, i;
	tci_buf b;

	tci_buf_init(&b);
	if (r->empirical) {
		tci_fit_add_empirical(&b, r->quantiles, r->nquantiles);
		return b.data ? tci_buf_steal(&b) : NULL;
	}
	if (!r->beta_ok)
		w[1] = 0;
	for (i = 0; i < 3; i++)
		parts += w[i] > 0;
	if (parts > 1)
		tci_buf_adds(&b, "mixture(");
	for (i = 0; i < 3; i++) {
		if (!(w[i] > 0))
			continue;
		if (first++)
			tci_buf_adds(&b, ", ");
		if (parts > 1) {
			tci_fit_add_num(&b, w[i]);
			tci_buf_adds(&b, ", ");
		}
		if (i == 1)
			add_beta(&b, r);
		else
			tci_buf_adds(&b, i ? "1" : "0");
	}
	if (parts > 1)
		tci_buf_adds(&b, ")");
	return b.data ? tci_buf_steal(&b) : NULL;
}

/* A value and its row, sorted by value to give ranks. */
typedef struct ranked {
	double v;
	size_t i;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
	double x = ((const ranked *)a)->v, y = ((const ranked *)b)->v;

	return (x > y) - (x < y);
}

/*
 * Ranks of x (1..n, ties sharing their average rank) into r; tmp holds n
 * entries.
 */
static void ranks(const double *x, size_t n, ranked *tmp, double *r)
{
	size_t i, j, k;

	for (i = 0; i < n; i++)
		tmp[i].v = x[i], tmp[i].i = i;
	qsort(tmp, n, sizeof *tmp, cmp_ranked);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && tmp[j].v == tmp[i].v; j++)
			;
		for (k = i; k < j; k++)
			r[tmp[k].i] = (double)(i + j + 1) / 2;
	}
}

/* Spearman's rho: the Pearson correlation of the two rank vectors. */
static double spearman(const double *x, const double *y, size_t n,
		       ranked *tmp, double *rx, double *ry)
{
	double m = (double)(n + 1) / 2, sxy = 0, sxx = 0, syy = 0;
	size_t i;

	ranks(x, n, tmp, rx);
	ranks(y, n, tmp, ry);
	for (i = 0; i < n; i++) {
		sxy += (rx[i] - m) * (ry[i] - m);
		sxx += (rx[i] - m) * (rx[i] - m);
		syy += (ry[i] - m) * (ry[i] - m);
	}
	return sxy / sqrt(sxx * syy);
}

tc_status tc_fit_rank_corr(const double *x, const double *y, size_t n,
			   double *rho, double *se, tc_error *err)
{
	double *work, r;
	ranked *tmp;
	size_t i;
	int cx = 1, cy = 1;

	if (!x || !y || !rho || !se)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "missing series or outputs");
	if (n < 4)
		return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
				 "%zu row(s): a rank correlation needs 4",
				 n);
	for (i = 1; i < n; i++) {
		cx &= x[i] == x[0];
		cy &= y[i] == y[0];
	}
	if (cx || cy)
		return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
				 "the %s tokens are all equal: no rank "
				 "correlation", cx ? "input" : "output");
	work = malloc(2 * n * sizeof *work);
	tmp = malloc(n * sizeof *tmp);
	if (!work || !tmp) {
		free(work);
		free(tmp);
		return tci_error(err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	}
	r = spearman(x, y, n, tmp, work, work + n);
	free(work);
	free(tmp);
	*rho = GSL_MAX(-1, GSL_MIN(1, r));
	*se = sqrt((1 + *rho * *rho / 2) / (double)(n - 3));
	return TC_OK;
}
