/*
 * fit.c - fitting one quantity of one class: checks the data, detects a
 * cap, fits every family as a discretised distribution, measures the
 * goodness of fit, chooses by AIC and falls back to the empirical
 * distribution when no family passes (docs/fitting.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_math.h>

#include "fiti.h"
#include "tci.h"

/* The largest count accepted: larger is an absurd token count. */
#define COUNT_MAX 1e12

/* The data of one fit, shared by the families. */
typedef struct fit_data {
	tci_freq all;		/* every row */
	tci_freq body;		/* rows below the cap (all when none) */
	tci_freq pile;		/* rows in the cap's pile-up */
	tci_freq pos;		/* positive rows, for the continuous fits */
	double pile_ll;		/* log-likelihood of the pile-up's part */
	double trunc_k;		/* largest body count, -1 without a cap */
	double cap_share;
	unsigned max_iter;
	unsigned families;	/* mask of the families to fit */
	size_t nbins;		/* grouped body for the starts, 0: none */
	double *blo, *bhi, *bc;	/* bin b holds counts blo..bhi, bc rows */
} fit_data;

/* What the likelihood objective needs. */
typedef struct lik_ctx {
	const tci_fam *fam;
	const fit_data *fd;
	int grouped;		/* 1: the grouped body (comparing starts) */
} lik_ctx;

/* Bins of the grouped body: enough to compare starts, cheap to evaluate. */
#define GROUP_BINS 1000

/*
 * The grouped log-likelihood: each bin's rows have the family's mass of
 * the bin's range, the likelihood of grouped data, whose maximum is close
 * to the ungrouped one. A bin starting right after the previous one
 * shares its boundary, whose distribution function is computed once.
 */
static double grouped_loglik(const tci_fam *fam, const double *p,
			     const fit_data *fd)
{
	double s = 0, Ga, Sa, Gb = 0, Sb = 1, m, prev = -2;
	size_t b;

	for (b = 0; b < fd->nbins; b++) {
		if (fd->blo[b] - 1 == prev) {
			Ga = Gb;
			Sa = Sb;
		} else {
			tci_fam_G(fam, p, fd->blo[b] - 1, &Ga, &Sa);
		}
		tci_fam_G(fam, p, fd->bhi[b], &Gb, &Sb);
		prev = fd->bhi[b];
		m = Ga < 0.5 ? Gb - Ga : Sa - Sb;
		if (!(m > 1e-300))
			return -INFINITY;
		s += fd->bc[b] * log(m);
	}
	return s;
}

/*
 * The full-data discretised log-likelihood: the body's cells, divided by
 * the family's mass below the cap when there is one, plus the pile-up's
 * fixed part.
 */
static double lik_value(const tci_fam *fam, const double *p,
			const fit_data *fd, int grouped)
{
	double ll = grouped ? grouped_loglik(fam, p, fd)
			    : tci_fam_loglik(fam, p, &fd->body);
	double G, S;

	if (fd->trunc_k >= 0) {
		tci_fam_G(fam, p, fd->trunc_k, &G, &S);
		if (!(G > 0))
			return -INFINITY;
		ll -= fd->body.n * log(G);
	}
	return ll + fd->pile_ll;
}

static double lik_obj(const double *t, void *vctx)
{
	const lik_ctx *c = vctx;
	double p[TC_FIT_MAX_PARAMS], ll;
	size_t i;

	c->fam->to_nat(t, p);
	for (i = 0; i < c->fam->np; i++)
		if (!isfinite(p[i]))
			return 1e100;
	ll = lik_value(c->fam, p, c->fd, c->grouped);
	return isfinite(ll) ? -ll / c->fd->all.n : 1e100;
}

/* Checks every value is a whole number in [0, COUNT_MAX]. */
static tc_status check_counts(const double *x, size_t n, tc_error *err)
{
	size_t i;

	if (n < 2)
		return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
				 "%zu row(s): fitting needs at least 2", n);
	for (i = 0; i < n; i++) {
		if (isfinite(x[i]) && x[i] >= 0 && x[i] <= COUNT_MAX &&
		    x[i] == floor(x[i]))
			continue;
		return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
				 "row %zu: token count %g is not a whole "
				 "number between 0 and 1e12", i + 1, x[i]);
	}
	return TC_OK;
}

/*
 * Looks for a pile-up just below the maximum M: the rows within w =
 * max(3, 0.15% of M) of M, against the rows in the 4w just below. A cap
 * needs at least 10 rows and 0.1% of all rows there, and 5 times what the
 * neighbouring density predicts. Returns the smallest pile-up value, or
 * -1 when there is none.
 */
static double detect_cap(const tci_freq *f)
{
	double M = f->k[f->d - 1], w = GSL_MAX(3, ceil(0.0015 * M));
	double pile = 0, ref = 0, lo = M;
	size_t i;

	if (M < 20)
		return -1;
	for (i = 0; i < f->d; i++) {
		if (f->k[i] > M - w) {
			pile += f->c[i];
			lo = GSL_MIN(lo, f->k[i]);
		} else if (f->k[i] > M - 5 * w) {
			ref += f->c[i];
		}
	}
	if (pile < 10 || pile < 0.001 * f->n)
		return -1;
	if (pile < 5 * GSL_MAX(ref / 4, 1) || pile > 0.5 * f->n)
		return -1;
	return lo;
}

/* Splits the data into body and pile-up; fills the pile-up's terms. */
static tc_status split_cap(fit_data *fd, double cap_lo)
{
	tc_status st;
	size_t i;

	st = tci_freq_slice(&fd->all, 0, cap_lo - 1, &fd->body);
	if (st == TC_OK)
		st = tci_freq_slice(&fd->all, cap_lo, INFINITY, &fd->pile);
	if (st != TC_OK)
		return st;
	fd->trunc_k = cap_lo - 1;
	fd->cap_share = fd->pile.n / fd->all.n;
	fd->pile_ll = fd->body.n * log(fd->body.n / fd->all.n);
	for (i = 0; i < fd->pile.d; i++)
		fd->pile_ll += fd->pile.c[i] * log(fd->pile.c[i] / fd->all.n);
	return TC_OK;
}

/*
 * Groups a large body into GROUP_BINS bins of about equal rows (each a
 * run of whole distinct values) for comparing starts cheaply.
 */
static tc_status group_body(fit_data *fd)
{
	const tci_freq *f = &fd->body;
	double per = f->n / GROUP_BINS, acc = 0;
	size_t i, b = 0;

	if (f->d <= 2 * GROUP_BINS)
		return TC_OK;
	fd->blo = malloc(f->d * sizeof *fd->blo);
	fd->bhi = malloc(f->d * sizeof *fd->bhi);
	fd->bc = malloc(f->d * sizeof *fd->bc);
	if (!fd->blo || !fd->bhi || !fd->bc)
		return TC_ERR_NOMEM;
	for (i = 0; i < f->d; i++) {
		if (acc == 0)
			fd->blo[b] = f->k[i];
		acc += f->c[i];
		if (acc >= per || i + 1 == f->d) {
			fd->bhi[b] = f->k[i];
			fd->bc[b++] = acc;
			acc = 0;
		}
	}
	fd->nbins = b;
	return TC_OK;
}

/* Builds the tables of a fit; detects the cap unless told not to. */
static tc_status prepare(const double *x, size_t n, const tc_fit_opts *o,
			 fit_data *fd, tc_fit_result *res)
{
	double cap = -1;
	tc_status st;

	st = tci_freq_build(x, n, &fd->all);
	if (st == TC_OK)
		st = tci_freq_slice(&fd->all, 1, INFINITY, &fd->pos);
	if (st != TC_OK)
		return st;
	fd->trunc_k = -1;
	if (!o->no_cap_detection)
		cap = detect_cap(&fd->all);
	if (cap < 0) {
		st = tci_freq_slice(&fd->all, 0, INFINITY, &fd->body);
		return st == TC_OK ? group_body(fd) : st;
	}

	st = split_cap(fd, cap);
	res->capped = 1;
	res->cap_lo = cap;
	res->cap_hi = fd->all.k[fd->all.d - 1];
	res->cap_share = fd->cap_share;
	return st == TC_OK ? group_body(fd) : st;
}

static void data_free(fit_data *fd)
{
	tci_freq_free(&fd->all);
	tci_freq_free(&fd->body);
	tci_freq_free(&fd->pile);
	tci_freq_free(&fd->pos);
	free(fd->blo);
	free(fd->bhi);
	free(fd->bc);
}

/* Mean and variance of a table. */
static void moments(const tci_freq *f, double *mean, double *var)
{
	double s = 0, ss = 0;
	size_t i;

	for (i = 0; i < f->d; i++)
		s += f->c[i] * f->k[i];
	*mean = s / f->n;
	for (i = 0; i < f->d; i++)
		ss += f->c[i] * gsl_pow_2(f->k[i] - *mean);
	*var = ss / f->n;
}

/* Moments of log(k + 1/2): a lognormal start that tolerates zeros. */
static void log_moments(const tci_freq *f, double *m, double *s)
{
	double a = 0, b = 0;
	size_t i;

	for (i = 0; i < f->d; i++)
		a += f->c[i] * log(f->k[i] + 0.5) / f->n;
	for (i = 0; i < f->d; i++)
		b += f->c[i] * gsl_pow_2(log(f->k[i] + 0.5) - a) / f->n;
	*m = a;
	*s = GSL_MAX(sqrt(b), 0.1);
}

/* Starts of the mixture: its continuous fit and quantile splits. */
static size_t mixture_starts(const fit_data *fd, const tc_fit_one *one,
			     double st[][TC_FIT_MAX_PARAMS])
{
	static const double split[2][3] = { { 0.5, 0.25, 0.75 },
					    { 0.8, 0.4, 0.92 } };
	double m, s;
	size_t n = 0, i;

	if (one->continuous_ok)
		memcpy(st[n++], one->continuous, sizeof st[0]);
	log_moments(&fd->body, &m, &s);
	for (i = 0; i < 2; i++) {
		st[n][0] = split[i][0];
		st[n][1] = log(tci_freq_quantile(&fd->body, split[i][1]) + .5);
		st[n][2] = GSL_MAX(s / 2, 0.1);
		st[n][3] = log(tci_freq_quantile(&fd->body, split[i][2]) + .5);
		st[n][4] = GSL_MAX(s / 2, 0.1);
		n++;
	}
	return n;
}

/* Start points of a family: its continuous fit and moment estimates. */
static size_t family_starts(const tci_fam *fam, const fit_data *fd,
			    const tc_fit_one *one,
			    double st[][TC_FIT_MAX_PARAMS])
{
	double mean, var, m, s;
	size_t n = 0;

	if (fam->id == TC_FIT_MIXTURE)
		return mixture_starts(fd, one, st);
	if (one->continuous_ok && fam->id != TC_FIT_NEGBINOMIAL)
		memcpy(st[n++], one->continuous, sizeof st[0]);
	moments(&fd->body, &mean, &var);
	mean = GSL_MAX(mean, 0.5);
	var = GSL_MAX(var, 0.25);
	log_moments(&fd->body, &m, &s);
	switch (fam->id) {
	case TC_FIT_LOGNORMAL:
		st[n][0] = m, st[n++][1] = s;
		break;
	case TC_FIT_GAMMA:
		st[n][0] = mean * mean / var, st[n++][1] = var / mean;
		break;
	case TC_FIT_WEIBULL:
	case TC_FIT_LOGLOGISTIC:
		st[n][0] = fam->id == TC_FIT_WEIBULL ? 1.2 : exp(m);
		st[n++][1] = fam->id == TC_FIT_WEIBULL ? mean : 1.8 / s;
		break;
	case TC_FIT_NEGBINOMIAL:
		st[n][0] = mean;
		st[n++][1] = var > mean ? mean * mean / (var - mean) : 100;
		st[n][0] = mean, st[n++][1] = 1;
		break;
	default:
		break;
	}
	return n;
}

/*
 * Standard errors from the observed information: the inverse Hessian of
 * -loglik in the unconstrained parameters, carried to the natural ones by
 * the delta method.
 */
static void fill_se(const tci_fam *fam, lik_ctx *lc, const double *t,
		    tc_fit_one *one)
{
	double cov[TC_FIT_MAX_PARAMS * TC_FIT_MAX_PARAMS];
	size_t i, np = fam->np;

	one->se_ok = tci_inverse_hessian(lik_obj, lc, np, t, lc->fd->all.n,
					 cov);
	for (i = 0; i < np; i++)
		one->se[i] = one->se_ok ? fabs(fam->dnat(t, i)) *
						  sqrt(cov[i * np + i])
					: 0;
}

/* Puts the mixture's component with the smaller mu first. */
static void mixture_order(tc_fit_one *one)
{
	double *p = one->params, *s = one->se;
	double tp[2], ts[2];

	if (one->family != TC_FIT_MIXTURE || p[1] <= p[3])
		return;
	p[0] = 1 - p[0];
	memcpy(tp, p + 1, sizeof tp), memcpy(ts, s + 1, sizeof ts);
	memcpy(p + 1, p + 3, sizeof tp), memcpy(s + 1, s + 3, sizeof ts);
	memcpy(p + 3, tp, sizeof tp), memcpy(s + 3, ts, sizeof ts);
}

/*
 * Fits one family: a coarse simplex from each start, then the full
 * minimiser from the best of them.
 */
static void fit_family(const tci_fam *fam, const fit_data *fd,
		       tc_fit_one *one)
{
	double st[4][TC_FIT_MAX_PARAMS], t[TC_FIT_MAX_PARAMS];
	double best[TC_FIT_MAX_PARAMS], fv, bestf = INFINITY;
	lik_ctx lc = { fam, fd, fd->nbins > 0 };
	size_t ns, i;
	int conv;

	/* Starts compete on the grouped body when the table is large. */
	ns = family_starts(fam, fd, one, st);
	for (i = 0; i < ns; i++) {
		fam->to_unc(st[i], t);
		fv = tci_minimise_coarse(lik_obj, &lc, fam->np, t, 0.3,
					 fd->max_iter);
		if (fv < bestf) {
			bestf = fv;
			memcpy(best, t, sizeof best);
		}
	}
	if (!(bestf < 1e99))
		return;
	lc.grouped = 0;
	conv = tci_minimise_near(lik_obj, &lc, fam->np, best, 0.05,
				 fd->max_iter, &fv);
	if (!(fv < 1e99))
		return;
	one->ok = 1;
	one->converged = conv;
	fam->to_nat(best, one->params);
	one->loglik = -fv * fd->all.n;
	fill_se(fam, &lc, best, one);
	mixture_order(one);
}

/* Parameters counted by AIC and BIC: the family's and the cap's. */
static double param_count(const tc_fit_one *one, const fit_data *fd)
{
	return (double)one->nparams + (double)fd->pile.d;
}

/* Fits every family and fills their criteria and goodness of fit. */
static void fit_all(const fit_data *fd, tc_fit_result *res)
{
	const tci_fam *fam;
	tc_fit_one *one;
	double k;
	int i;

	for (i = 0; i < TC_FIT_NFAMILIES; i++) {
		fam = tci_fam_get((tc_fit_family)i);
		one = &res->fits[i];
		memset(one, 0, sizeof *one);
		one->family = fam->id;
		one->nparams = fam->np;
		one->skipped = !(fd->families & (1u << i));
		if (one->skipped)
			continue;
		if (fam->cont_fit && fd->pos.d >= 2)
			one->continuous_ok =
				fam->cont_fit(&fd->pos, one->continuous) == 0;
		fit_family(fam, fd, one);
		if (!one->ok)
			continue;
		if (fam->id == TC_FIT_NEGBINOMIAL) {
			memcpy(one->continuous, one->params,
			       sizeof one->continuous);
			one->continuous_ok = 1;
		}
		k = param_count(one, fd);
		one->aic = 2 * k - 2 * one->loglik;
		one->bic = k * log(fd->all.n) - 2 * one->loglik;
		one->heavy_tail = fam->id == TC_FIT_LOGLOGISTIC &&
				  one->params[1] <= 2;
		tci_fit_gof(fam, one->params, &fd->all, fd->trunc_k,
			    &fd->pile, &one->ks, &one->ad);
	}
	res->nfits = TC_FIT_NFAMILIES;
}

/* Picks the AIC and BIC winners and decides on the fallback. */
static void choose(tc_fit_result *res)
{
	int i, a = -1, b = -1, pass = 0;

	for (i = 0; i < (int)res->nfits; i++) {
		if (!res->fits[i].ok)
			continue;
		if (a < 0 || res->fits[i].aic < res->fits[a].aic)
			a = i;
		if (b < 0 || res->fits[i].bic < res->fits[b].bic)
			b = i;
		if (res->fits[i].ks <= res->ks_pass)
			pass = 1;
	}
	res->by_bic = b;
	res->empirical = !pass || a < 0;

	/* AIC among the families that pass, when some do. */
	if (!res->empirical) {
		a = -1;
		for (i = 0; i < (int)res->nfits; i++)
			if (res->fits[i].ok &&
			    res->fits[i].ks <= res->ks_pass &&
			    (a < 0 || res->fits[i].aic < res->fits[a].aic))
				a = i;
	}
	res->chosen = res->empirical ? -1 : a;
}

/* Fills the summary of the rows. */
static void summarise(const tci_freq *f, tc_fit_result *res)
{
	double var;

	res->rows = (size_t)f->n;
	res->distinct = f->d;
	res->min = f->k[0];
	res->max = f->k[f->d - 1];
	moments(f, &res->mean, &var);
}

tc_status tc_fit_counts(const double *x, size_t n, const tc_fit_opts *opts,
			tc_fit_result *res, tc_error *err)
{
	tc_fit_opts o = { 0 };
	fit_data fd;
	tc_status st;

	if (!x || !res)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no data or no result to fill");
	memset(res, 0, sizeof *res);
	memset(&fd, 0, sizeof fd);
	if (opts)
		o = *opts;
	st = check_counts(x, n, err);
	if (st != TC_OK)
		return st;
	tci_gsl_fence();

	res->ks_pass = o.ks_pass > 0 ? o.ks_pass : TC_FIT_KS_PASS;
	res->context_window = o.context_window > 0 ? o.context_window
						   : TC_FIT_CONTEXT_WINDOW;
	fd.max_iter = o.max_iter ? o.max_iter : 1500;
	fd.families = o.families ? o.families : ~0u;
	st = prepare(x, n, &o, &fd, res);
	if (st != TC_OK)
		goto out;
	summarise(&fd.all, res);
	if (fd.all.d < 2) {
		st = tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
			       "all %zu values equal %g: write the constant "
			       "instead of a distribution", n, x[0]);
		goto out;
	}

	fit_all(&fd, res);
	choose(res);
	if (res->empirical)
		st = tci_fit_empirical(&fd.body, res);
out:
	data_free(&fd);
	if (st != TC_OK)
		tc_fit_result_free(res);
	if (st == TC_ERR_NOMEM)
		tci_error(err, st, NULL, 0, NULL, "out of memory");
	return st;
}

tc_status tc_fit_counts_u64(const uint64_t *x, size_t n,
			    const tc_fit_opts *opts, tc_fit_result *res,
			    tc_error *err)
{
	double *d;
	size_t i;
	tc_status st;

	if (!x || !res)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no data or no result to fill");
	d = malloc((n ? n : 1) * sizeof *d);
	if (!d)
		return tci_error(err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	for (i = 0; i < n; i++)
		d[i] = (double)x[i];
	st = tc_fit_counts(d, n, opts, res, err);
	free(d);
	return st;
}

void tc_fit_result_free(tc_fit_result *res)
{
	if (!res)
		return;
	free(res->quantiles);
	res->quantiles = NULL;
	res->nquantiles = 0;
}
