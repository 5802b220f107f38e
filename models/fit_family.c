/*
 * fit_family.c - the families tokcast fits to token counts: their
 * distribution functions, parameter transforms and continuous
 * maximum-likelihood fits (the reference the discretised fits start from).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_psi.h>

#include "fiti.h"

/* The smallest sigma of a mixture component (log scale), see the docs. */
#define MIX_SIGMA_MIN 0.05

/* The floor of a log cell probability, so every likelihood is finite. */
#define LCELL_FLOOR -1e5

double tci_logistic(double z)
{
	double e;

	if (z >= 0)
		return 1.0 / (1.0 + exp(-z));
	e = exp(z);
	return e / (1.0 + e);
}

/* Two positive parameters, both moved on the log scale. */
static void pos2_to_nat(const double *t, double *p)
{
	p[0] = exp(t[0]);
	p[1] = exp(t[1]);
}

static void pos2_to_unc(const double *p, double *t)
{
	t[0] = log(p[0]);
	t[1] = log(p[1]);
}

static double pos2_dnat(const double *t, size_t i)
{
	return exp(t[i]);
}

/* Lognormal: mu free, sigma on the log scale. */
static void ln_to_nat(const double *t, double *p)
{
	p[0] = t[0];
	p[1] = exp(t[1]);
}

static void ln_to_unc(const double *p, double *t)
{
	t[0] = p[0];
	t[1] = log(p[1]);
}

static double ln_dnat(const double *t, size_t i)
{
	return i == 0 ? 1.0 : exp(t[1]);
}

/* The lognormal's CDF and survival function at x from log x. */
static void ln_cdfsf_lx(const double *p, double lx, double *F, double *S)
{
	double z = (lx - p[0]) / p[1];

	/* Only the smaller tail needs its own evaluation to be accurate. */
	if (z < 0) {
		*F = gsl_cdf_ugaussian_P(z);
		*S = 1 - *F;
	} else {
		*S = gsl_cdf_ugaussian_Q(z);
		*F = 1 - *S;
	}
}

static void ln_cdfsf(const double *p, double x, double *F, double *S)
{
	ln_cdfsf_lx(p, log(x), F, S);
}

static double ln_lpdf(const double *p, double x)
{
	double lx = log(x), z = (lx - p[0]) / p[1];

	return -0.5 * z * z - lx - log(p[1]) - 0.5 * log(2 * M_PI);
}

/* Closed form: mean and population sd of log x. */
static int ln_cont(const tci_freq *f, double *p)
{
	double s = 0, ss = 0, m;
	size_t i;

	for (i = 0; i < f->d; i++)
		s += f->c[i] * log(f->k[i]);
	m = s / f->n;
	for (i = 0; i < f->d; i++)
		ss += f->c[i] * gsl_pow_2(log(f->k[i]) - m);
	p[0] = m;
	p[1] = sqrt(ss / f->n);
	return p[1] > 0 ? 0 : -1;
}

/* Gamma: shape, scale. */
static void ga_cdfsf(const double *p, double x, double *F, double *S)
{
	if (x < p[0] * p[1]) {
		*F = gsl_cdf_gamma_P(x, p[0], p[1]);
		*S = 1 - *F;
	} else {
		*S = gsl_cdf_gamma_Q(x, p[0], p[1]);
		*F = 1 - *S;
	}
}

static double ga_lpdf(const double *p, double x)
{
	return (p[0] - 1) * log(x) - x / p[1] - lgamma(p[0]) -
	       p[0] * log(p[1]);
}

/*
 * The gamma cell by Simpson's rule, (f(k - 1/2) + 4 f(k) + f(k + 1/2)) / 6,
 * where the log density changes by less than 0.005 over each half cell:
 * the rule's relative error, about f''''/(2880 f), is then below 1e-12,
 * and it costs a few logarithms where the incomplete gamma function
 * costs a series or continued fraction per boundary.
 */
static int ga_lcell_quad(const double *p, double k, double *out)
{
	double lk, d1, d2;

	if (k < 2)
		return 0;
	lk = log(k);
	d1 = (p[0] - 1) * (log(k - 0.5) - lk) + 0.5 / p[1];
	d2 = (p[0] - 1) * (log(k + 0.5) - lk) - 0.5 / p[1];
	if (fabs(d1) > 0.005 || fabs(d2) > 0.005)
		return 0;
	*out = ga_lpdf(p, k) + log((exp(d1) + 4 + exp(d2)) / 6);
	return isfinite(*out);
}

/*
 * Continuous gamma MLE: the shape solves log a - digamma(a) = s with
 * s = log(mean) - mean(log x), by Newton steps on log a from the
 * Greenwood-Durand style start; the scale is mean / a.
 */
static int ga_cont(const tci_freq *f, double *p)
{
	double sum = 0, slog = 0, mean, s, a, la, g, dg;
	size_t i;
	int it;

	for (i = 0; i < f->d; i++) {
		sum += f->c[i] * f->k[i];
		slog += f->c[i] * log(f->k[i]);
	}
	mean = sum / f->n;
	s = log(mean) - slog / f->n;
	if (!(s > 0))
		return -1;
	a = (3 - s + sqrt(gsl_pow_2(s - 3) + 24 * s)) / (12 * s);
	la = log(a);
	for (it = 0; it < 100; it++) {
		a = exp(la);
		g = log(a) - gsl_sf_psi(a) - s;
		dg = (1 / a - gsl_sf_psi_1(a)) * a;
		if (dg == 0)
			break;
		la -= g / dg;
		if (fabs(g / dg) < 1e-15)
			break;
	}
	p[0] = exp(la);
	p[1] = mean / p[0];
	return isfinite(p[0]) && isfinite(p[1]) ? 0 : -1;
}

/* Weibull: shape, scale. */
static void wb_cdfsf(const double *p, double x, double *F, double *S)
{
	double h = pow(x / p[1], p[0]);

	*F = -expm1(-h);
	*S = exp(-h);
}

static double wb_lpdf(const double *p, double x)
{
	double lz = log(x / p[1]);

	return log(p[0] / p[1]) + (p[0] - 1) * lz - exp(p[0] * lz);
}

/* The Weibull shape equation, with x scaled by its maximum. */
typedef struct wb_ctx {
	const tci_freq *f;
	double lmax, mlog;
} wb_ctx;

static double wb_score(double k, void *vctx)
{
	const wb_ctx *c = vctx;
	double num = 0, den = 0, lx, e;
	size_t i;

	for (i = 0; i < c->f->d; i++) {
		lx = log(c->f->k[i]);
		e = c->f->c[i] * exp(k * (lx - c->lmax));
		num += e * (lx - c->lmax);
		den += e;
	}
	return num / den + c->lmax - 1 / k - c->mlog;
}

/* Continuous Weibull MLE: Brent's method on the shape equation. */
static int wb_cont(const tci_freq *f, double *p)
{
	wb_ctx c = { f, log(f->k[f->d - 1]), 0 };
	gsl_function fn = { wb_score, &c };
	gsl_root_fsolver *s;
	double lo = 1e-3, hi = 1e3, k = 1, den = 0;
	size_t i;
	int it, rc = -1;

	for (i = 0; i < f->d; i++)
		c.mlog += f->c[i] * log(f->k[i]) / f->n;
	if (!(wb_score(lo, &c) < 0 && wb_score(hi, &c) > 0))
		return -1;
	s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	if (!s)
		return -1;
	gsl_root_fsolver_set(s, &fn, lo, hi);
	for (it = 0; it < 200; it++) {
		if (gsl_root_fsolver_iterate(s))
			break;
		k = gsl_root_fsolver_root(s);
		lo = gsl_root_fsolver_x_lower(s);
		hi = gsl_root_fsolver_x_upper(s);
		if (gsl_root_test_interval(lo, hi, 0, 1e-14) == GSL_SUCCESS) {
			rc = 0;
			break;
		}
	}
	gsl_root_fsolver_free(s);
	for (i = 0; i < f->d; i++)
		den += f->c[i] * exp(k * (log(f->k[i]) - c.lmax));
	p[0] = k;
	p[1] = exp(c.lmax + log(den / f->n) / k);
	return rc;
}

/* Log-logistic: scale, shape. */
static void ll_cdfsf(const double *p, double x, double *F, double *S)
{
	double z = p[1] * (log(x) - log(p[0]));
	double e = exp(-fabs(z));

	/* Both tails from one exp(-|z|), as tci_logistic computes them. */
	*F = z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
	*S = z >= 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
}

static double ll_lpdf(const double *p, double x)
{
	double z = p[1] * (log(x) - log(p[0]));
	double l1p = z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));

	return log(p[1]) - log(x) + z - 2 * l1p;
}

/* The continuous log-logistic objective, -loglik / n. */
static double ll_cont_obj(const double *t, void *ctx)
{
	const tci_freq *f = ctx;
	double p[2], s = 0;
	size_t i;

	pos2_to_nat(t, p);
	for (i = 0; i < f->d; i++)
		s += f->c[i] * ll_lpdf(p, f->k[i]);
	return isfinite(s) ? -s / f->n : 1e100;
}

/* Continuous log-logistic MLE from the median and spread of log x. */
static int ll_cont(const tci_freq *f, double *p)
{
	double t[2], fv, m = 0, v = 0;
	size_t i;

	for (i = 0; i < f->d; i++)
		m += f->c[i] * log(f->k[i]) / f->n;
	for (i = 0; i < f->d; i++)
		v += f->c[i] * gsl_pow_2(log(f->k[i]) - m) / f->n;
	if (!(v > 0))
		return -1;
	t[0] = log(tci_freq_quantile(f, 0.5));
	t[1] = log(M_PI / sqrt(3 * v));
	tci_minimise(ll_cont_obj, (void *)f, 2, t, 0.2, 4000, &fv);
	pos2_to_nat(t, p);
	return 0;
}

/* Negative binomial: mean, size; a discrete family. */
static double nb_lpdf(const double *p, double k)
{
	double m = p[0], r = p[1];

	return lgamma(k + r) - lgamma(r) - lgamma(k + 1) +
	       r * log(r / (r + m)) + k * log(m / (r + m));
}

static void nb_cdfsf_int(const double *p, double k, double *G, double *S)
{
	double q = p[1] / (p[1] + p[0]);

	if (k < 0) {
		*G = 0;
		*S = 1;
		return;
	}
	*G = gsl_cdf_negative_binomial_P((unsigned)k, q, p[1]);
	*S = gsl_cdf_negative_binomial_Q((unsigned)k, q, p[1]);
}

/* Mixture of two lognormals: w1, mu1, sigma1, mu2, sigma2. */
static void mx_to_nat(const double *t, double *p)
{
	p[0] = tci_logistic(t[0]);
	p[1] = t[1];
	p[2] = MIX_SIGMA_MIN + exp(t[2]);
	p[3] = t[3];
	p[4] = MIX_SIGMA_MIN + exp(t[4]);
}

static void mx_to_unc(const double *p, double *t)
{
	t[0] = log(p[0] / (1 - p[0]));
	t[1] = p[1];
	t[2] = log(GSL_MAX(p[2] - MIX_SIGMA_MIN, 1e-6));
	t[3] = p[3];
	t[4] = log(GSL_MAX(p[4] - MIX_SIGMA_MIN, 1e-6));
}

static double mx_dnat(const double *t, size_t i)
{
	double w;

	if (i == 0) {
		w = tci_logistic(t[0]);
		return w * (1 - w);
	}
	return (i == 2 || i == 4) ? exp(t[i]) : 1.0;
}

static void mx_cdfsf(const double *p, double x, double *F, double *S)
{
	double F1, S1, F2, S2, lx = log(x);

	/* One logarithm serves both components. */
	ln_cdfsf_lx(p + 1, lx, &F1, &S1);
	ln_cdfsf_lx(p + 3, lx, &F2, &S2);
	*F = p[0] * F1 + (1 - p[0]) * F2;
	*S = p[0] * S1 + (1 - p[0]) * S2;
}

static double mx_lpdf(const double *p, double x)
{
	double a = log(p[0]) + ln_lpdf(p + 1, x);
	double b = log1p(-p[0]) + ln_lpdf(p + 3, x);
	double m = GSL_MAX(a, b);

	return m + log(exp(a - m) + exp(b - m));
}

/*
 * One EM step of a two-component normal mixture on y = log x (the
 * continuous lognormal mixture MLE); sigmas are held above MIX_SIGMA_MIN.
 * The responsibilities need only the difference of the two log
 * densities, in which the Jacobian -y cancels.
 */
static void mx_em_step(const tci_freq *f, const double *ly, double *p)
{
	double s[2][3] = { { 0 } }, y, z1, z2, d, r, mu, var;
	double base = log(p[0]) - log1p(-p[0]) - log(p[2]) + log(p[4]);
	size_t i;
	int j;

	for (i = 0; i < f->d; i++) {
		y = ly[i];
		z1 = (y - p[1]) / p[2];
		z2 = (y - p[3]) / p[4];
		d = base - 0.5 * (z1 * z1 - z2 * z2);
		r = tci_logistic(d);
		s[0][0] += f->c[i] * r;
		s[0][1] += f->c[i] * r * y;
		s[0][2] += f->c[i] * r * y * y;
		s[1][0] += f->c[i] * (1 - r);
		s[1][1] += f->c[i] * (1 - r) * y;
		s[1][2] += f->c[i] * (1 - r) * y * y;
	}
	for (j = 0; j < 2; j++) {
		if (s[j][0] < 1e-9)
			return;
		mu = s[j][1] / s[j][0];
		var = s[j][2] / s[j][0] - mu * mu;
		p[1 + 2 * j] = mu;
		p[2 + 2 * j] = GSL_MAX(sqrt(GSL_MAX(var, 0)),
				       MIX_SIGMA_MIN + 1e-6);
	}
	p[0] = GSL_MIN(GSL_MAX(s[0][0] / f->n, 1e-6), 1 - 1e-6);
}

/* Continuous mixture MLE by EM from a split at the quartiles. */
static int mx_cont(const tci_freq *f, double *p)
{
	double ln[2], prev[5], change, *ly;
	size_t i;
	int it, j;

	if (ln_cont(f, ln))
		return -1;
	ly = malloc(f->d * sizeof *ly);
	if (!ly)
		return -1;
	for (i = 0; i < f->d; i++)
		ly[i] = log(f->k[i]);
	p[0] = 0.5;
	p[1] = log(tci_freq_quantile(f, 0.25));
	p[2] = GSL_MAX(ln[1] / 2, MIX_SIGMA_MIN + 0.01);
	p[3] = log(tci_freq_quantile(f, 0.75));
	p[4] = p[2];
	for (it = 0; it < 1000; it++) {
		memcpy(prev, p, sizeof prev);
		mx_em_step(f, ly, p);
		for (j = 0, change = 0; j < 5; j++)
			change = GSL_MAX(change, fabs(p[j] - prev[j]));
		if (change < 1e-8)
			break;
	}
	free(ly);
	return 0;
}

static const tci_fam families[TC_FIT_NFAMILIES] = {
	{ TC_FIT_LOGNORMAL, "lognormal", 2, { "mu", "sigma" },
	  ln_to_nat, ln_to_unc, ln_dnat, ln_cdfsf, ln_lpdf, NULL, ln_cont,
	  NULL },
	{ TC_FIT_GAMMA, "gamma", 2, { "shape", "scale" },
	  pos2_to_nat, pos2_to_unc, pos2_dnat, ga_cdfsf, ga_lpdf, NULL,
	  ga_cont, ga_lcell_quad },
	{ TC_FIT_WEIBULL, "weibull", 2, { "shape", "scale" },
	  pos2_to_nat, pos2_to_unc, pos2_dnat, wb_cdfsf, wb_lpdf, NULL,
	  wb_cont, NULL },
	{ TC_FIT_LOGLOGISTIC, "loglogistic", 2, { "scale", "shape" },
	  pos2_to_nat, pos2_to_unc, pos2_dnat, ll_cdfsf, ll_lpdf, NULL,
	  ll_cont, NULL },
	{ TC_FIT_NEGBINOMIAL, "negbinomial", 2, { "mean", "size" },
	  pos2_to_nat, pos2_to_unc, pos2_dnat, NULL, nb_lpdf, nb_cdfsf_int,
	  NULL, NULL },
	{ TC_FIT_MIXTURE, "mixture", 5,
	  { "w1", "mu1", "sigma1", "mu2", "sigma2" },
	  mx_to_nat, mx_to_unc, mx_dnat, mx_cdfsf, mx_lpdf, NULL, mx_cont,
	  NULL },
};

const tci_fam *tci_fam_get(tc_fit_family id)
{
	if ((int)id < 0 || id >= TC_FIT_NFAMILIES)
		return NULL;
	return &families[id];
}

const char *tc_fit_family_name(tc_fit_family family)
{
	const tci_fam *f = tci_fam_get(family);

	return f ? f->name : "unknown";
}

const char *tc_fit_param_name(tc_fit_family family, size_t i)
{
	const tci_fam *f = tci_fam_get(family);

	return f && i < f->np ? f->pnames[i] : NULL;
}

void tci_fam_G(const tci_fam *fam, const double *p, double k, double *G,
	       double *S)
{
	if (fam->cdfsf_int) {
		fam->cdfsf_int(p, k, G, S);
		return;
	}
	if (k < 0) {
		*G = 0;
		*S = 1;
		return;
	}
	fam->cdfsf(p, k + 0.5, G, S);
}

/*
 * The mass of a cell from the distribution function at its two ends,
 * differenced on the side where it is accurate (the CDF in the lower
 * half, the survival function in the upper), with the density at the
 * midpoint when the difference underflows.
 */
double tci_fam_lcell(const tci_fam *fam, const double *p, double k)
{
	double Fa, Sa, Fb, Sb, m, l;

	if (fam->cdfsf_int) {
		l = fam->lpdf(p, k);
		return isfinite(l) ? GSL_MAX(l, LCELL_FLOOR) : LCELL_FLOOR;
	}
	if (fam->lcell_quad && fam->lcell_quad(p, k, &l))
		return l;
	tci_fam_G(fam, p, k - 1, &Fa, &Sa);
	tci_fam_G(fam, p, k, &Fb, &Sb);
	m = Fa < 0.5 ? Fb - Fa : Sa - Sb;
	if (m > 1e-300 && isfinite(m))
		return log(m);
	l = k > 0 ? fam->lpdf(p, k) : LCELL_FLOOR;
	return isfinite(l) ? GSL_MAX(l, LCELL_FLOOR) : LCELL_FLOOR;
}

/*
 * The discretised log-likelihood over a frequency table. Neighbouring
 * values share a cell boundary, so its distribution function is computed
 * once.
 */
double tci_fam_loglik(const tci_fam *fam, const double *p,
		      const tci_freq *f)
{
	double s = 0, Fa, Sa, Fb = 0, Sb = 1, prev = -2, m, l, k;
	size_t i;

	if (fam->cdfsf_int) {
		for (i = 0; i < f->d; i++)
			s += f->c[i] * tci_fam_lcell(fam, p, f->k[i]);
		return s;
	}
	for (i = 0; i < f->d; i++) {
		k = f->k[i];
		if (fam->lcell_quad && fam->lcell_quad(p, k, &l)) {
			s += f->c[i] * l;
			continue;
		}
		if (k - 1 == prev) {
			Fa = Fb;
			Sa = Sb;
		} else {
			tci_fam_G(fam, p, k - 1, &Fa, &Sa);
		}
		tci_fam_G(fam, p, k, &Fb, &Sb);
		prev = k;
		m = Fa < 0.5 ? Fb - Fa : Sa - Sb;
		if (m > 1e-300 && isfinite(m)) {
			s += f->c[i] * log(m);
			continue;
		}
		l = k > 0 ? fam->lpdf(p, k) : LCELL_FLOOR;
		s += f->c[i] * (isfinite(l) ? GSL_MAX(l, LCELL_FLOOR)
					    : LCELL_FLOOR);
	}
	return s;
}
