/*
 * fit_opt.c - frequency tables and the minimiser behind every fit:
 * GSL's Nelder-Mead simplex, restarted, then Newton steps on a
 * finite-difference Hessian, whose inverse also gives standard errors.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_multimin.h>

#include "fiti.h"

/*
 * The unsigned key of a double whose order is the double's order: the
 * sign bit set for non-negatives, every bit flipped for negatives.
 */
static uint64_t sort_key(double x)
{
	uint64_t u;

	memcpy(&u, &x, sizeof u);
	return (u >> 63) ? ~u : u | UINT64_C(1) << 63;
}

static double key_value(uint64_t u)
{
	double x;

	u = (u >> 63) ? u & ~(UINT64_C(1) << 63) : ~u;
	memcpy(&x, &u, sizeof x);
	return x;
}

/*
 * Four stable counting passes of 16 bits each over the keys: linear in
 * n, where qsort's comparisons dominated fitting a million rows.
 */
static void radix_keys(uint64_t *a, uint64_t *tmp, size_t n, size_t *cnt)
{
	uint64_t *src = a, *dst = tmp, *t;
	size_t i, sum, c;
	int shift;

	for (shift = 0; shift < 64; shift += 16) {
		memset(cnt, 0, 65536 * sizeof *cnt);
		for (i = 0; i < n; i++)
			cnt[(src[i] >> shift) & 0xffff]++;
		for (i = 0, sum = 0; i < 65536; i++) {
			c = cnt[i];
			cnt[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[cnt[(src[i] >> shift) & 0xffff]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
}

tc_status tci_sort_doubles(double *x, size_t n)
{
	uint64_t *a = malloc((n ? n : 1) * sizeof *a);
	uint64_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
	size_t *cnt = malloc(65536 * sizeof *cnt), i;
	tc_status st = TC_ERR_NOMEM;

	if (!a || !tmp || !cnt)
		goto out;
	for (i = 0; i < n; i++)
		a[i] = sort_key(x[i]);
	radix_keys(a, tmp, n, cnt);
	for (i = 0; i < n; i++)
		x[i] = key_value(a[i]);
	st = TC_OK;
out:
	free(a);
	free(tmp);
	free(cnt);
	return st;
}

tc_status tci_freq_build(const double *x, size_t n, tci_freq *f)
{
	double *s;
	size_t i, d = 0;

	memset(f, 0, sizeof *f);
	s = malloc((n ? n : 1) * sizeof *s);
	f->k = malloc((n ? n : 1) * sizeof *f->k);
	f->c = malloc((n ? n : 1) * sizeof *f->c);
	if (!s || !f->k || !f->c) {
		free(s);
		tci_freq_free(f);
		return TC_ERR_NOMEM;
	}
	memcpy(s, x, n * sizeof *s);
	if (tci_sort_doubles(s, n) != TC_OK) {
		free(s);
		tci_freq_free(f);
		return TC_ERR_NOMEM;
	}

	for (i = 0; i < n; i++) {
		if (d && f->k[d - 1] == s[i]) {
			f->c[d - 1] += 1;
			continue;
		}
		f->k[d] = s[i];
		f->c[d++] = 1;
	}
	f->d = d;
	f->n = (double)n;
	free(s);
	return TC_OK;
}

tc_status tci_freq_slice(const tci_freq *f, double lo, double hi,
			 tci_freq *out)
{
	size_t i, d = 0;

	memset(out, 0, sizeof *out);
	out->k = malloc((f->d ? f->d : 1) * sizeof *out->k);
	out->c = malloc((f->d ? f->d : 1) * sizeof *out->c);
	if (!out->k || !out->c) {
		tci_freq_free(out);
		return TC_ERR_NOMEM;
	}
	for (i = 0; i < f->d; i++) {
		if (f->k[i] < lo || f->k[i] > hi)
			continue;
		out->k[d] = f->k[i];
		out->c[d++] = f->c[i];
		out->n += f->c[i];
	}
	out->d = d;
	return TC_OK;
}

void tci_freq_free(tci_freq *f)
{
	if (!f)
		return;
	free(f->k);
	free(f->c);
	f->k = f->c = NULL;
	f->d = 0;
	f->n = 0;
}

double tci_freq_quantile(const tci_freq *f, double q)
{
	double want = q * f->n, cum = 0;
	size_t i;

	for (i = 0; i < f->d; i++) {
		cum += f->c[i];
		if (cum >= want)
			return f->k[i];
	}
	return f->d ? f->k[f->d - 1] : 0;
}

/* Adapts a tci_objfn to GSL's calling convention. */
typedef struct obj_wrap {
	tci_objfn fn;
	void *ctx;
} obj_wrap;

static double gsl_obj(const gsl_vector *v, void *params)
{
	obj_wrap *w = params;
	double t[TCI_OPT_MAX], f;
	size_t i;

	for (i = 0; i < v->size; i++)
		t[i] = gsl_vector_get(v, i);
	f = w->fn(t, w->ctx);
	return isfinite(f) ? f : 1e100;
}

/* One simplex run from t (updated in place). 1 when it converged. */
static int simplex_run(obj_wrap *w, size_t np, double *t, double step,
		       double tol, unsigned max_iter, double *fval)
{
	const gsl_multimin_fminimizer_type *T =
		gsl_multimin_fminimizer_nmsimplex2;
	gsl_multimin_function fn = { gsl_obj, np, w };
	gsl_multimin_fminimizer *s = NULL;
	gsl_vector *x = gsl_vector_alloc(np), *ss = gsl_vector_alloc(np);
	unsigned it;
	size_t i;
	int conv = 0;

	s = gsl_multimin_fminimizer_alloc(T, np);
	if (!x || !ss || !s)
		goto out;
	for (i = 0; i < np; i++)
		gsl_vector_set(x, i, t[i]);
	gsl_vector_set_all(ss, step);
	if (gsl_multimin_fminimizer_set(s, &fn, x, ss))
		goto out;

	for (it = 0; it < max_iter; it++) {
		if (gsl_multimin_fminimizer_iterate(s))
			break;
		if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(s),
					   tol) == GSL_SUCCESS) {
			conv = 1;
			break;
		}
	}
	for (i = 0; i < np; i++)
		t[i] = gsl_vector_get(s->x, i);
	*fval = s->fval;
out:
	gsl_multimin_fminimizer_free(s);
	gsl_vector_free(x);
	gsl_vector_free(ss);
	return conv;
}

/* The finite-difference step for coordinate i at t. */
static double fd_step(const double *t, size_t i, double base)
{
	return base * GSL_MAX(1.0, fabs(t[i]));
}

/*
 * Central-difference gradient g and Hessian H (np x np) of fn at t. With
 * cheap set, the cross terms are forward differences reusing the
 * gradient's points (np (np - 1) / 2 evaluations instead of 2 np (np - 1)):
 * good enough to steer Newton's steps, not for standard errors.
 */
static void fd_derivs(obj_wrap *w, size_t np, const double *t, double *g,
		      double *H, int cheap)
{
	double u[TCI_OPT_MAX], fp[TCI_OPT_MAX], f0 = w->fn(t, w->ctx);
	double hi, hj, fpp, fpm, fmp, fmm;
	size_t i, j;

	memcpy(u, t, np * sizeof *u);
	for (i = 0; i < np; i++) {
		hi = fd_step(t, i, 1e-4);
		u[i] = t[i] + hi;
		fp[i] = fpp = w->fn(u, w->ctx);
		u[i] = t[i] - hi;
		fmm = w->fn(u, w->ctx);
		u[i] = t[i];
		g[i] = (fpp - fmm) / (2 * hi);
		H[i * np + i] = (fpp - 2 * f0 + fmm) / (hi * hi);
	}
	for (i = 0; i < np; i++) {
		for (j = i + 1; j < np; j++) {
			hi = fd_step(t, i, 1e-4);
			hj = fd_step(t, j, 1e-4);
			u[i] = t[i] + hi, u[j] = t[j] + hj;
			fpp = w->fn(u, w->ctx);
			if (cheap) {
				H[i * np + j] = (fpp - fp[i] - fp[j] + f0) /
						(hi * hj);
				H[j * np + i] = H[i * np + j];
				u[i] = t[i], u[j] = t[j];
				continue;
			}
			u[j] = t[j] - hj;
			fpm = w->fn(u, w->ctx);
			u[i] = t[i] - hi;
			fmm = w->fn(u, w->ctx);
			u[j] = t[j] + hj;
			fmp = w->fn(u, w->ctx);
			u[i] = t[i], u[j] = t[j];
			H[i * np + j] = (fpp - fpm - fmp + fmm) / (4 * hi * hj);
			H[j * np + i] = H[i * np + j];
		}
	}
}

/*
 * Solves H d = -g by Cholesky into d. Returns 0 when H is not positive
 * definite (the point is not near a minimum).
 */
static int newton_dir(size_t np, const double *H, const double *g,
		      double *d)
{
	double hc[TCI_OPT_MAX * TCI_OPT_MAX];
	double gc[TCI_OPT_MAX];
	gsl_matrix_view m;
	gsl_vector_view b;
	size_t i;

	memcpy(hc, H, np * np * sizeof *hc);
	for (i = 0; i < np; i++)
		gc[i] = -g[i];
	m = gsl_matrix_view_array(hc, np, np);
	b = gsl_vector_view_array(gc, np);
	if (gsl_linalg_cholesky_decomp1(&m.matrix))
		return 0;
	if (gsl_linalg_cholesky_svx(&m.matrix, &b.vector))
		return 0;
	for (i = 0; i < np; i++)
		d[i] = gc[i];
	return 1;
}

/* The largest |d_i|: the size of a step in unconstrained coordinates. */
static double max_abs(const double *d, size_t np)
{
	double m = 0;
	size_t i;

	for (i = 0; i < np; i++)
		m = GSL_MAX(m, fabs(d[i]));
	return m;
}

/*
 * Newton steps with step halving; each accepted step lowers fn. Returns
 * 1 when it converged: a full step below 1e-8, or no lower point along a
 * step below 1e-6 (the minimum, to the finite differences' noise).
 */
static int newton_polish(obj_wrap *w, size_t np, double *t, double *fval)
{
	double g[TCI_OPT_MAX], d[TCI_OPT_MAX];
	double H[TCI_OPT_MAX * TCI_OPT_MAX];
	double u[TCI_OPT_MAX], fu = *fval, lam;
	size_t i;
	int it, half;

	for (it = 0; it < 12; it++) {
		fd_derivs(w, np, t, g, H, 1);
		if (!newton_dir(np, H, g, d))
			return 0;
		for (half = 0, lam = 1; half < 12; half++, lam /= 2) {
			for (i = 0; i < np; i++)
				u[i] = t[i] + lam * d[i];
			fu = w->fn(u, w->ctx);
			if (isfinite(fu) && fu < *fval)
				break;
		}
		if (half == 12)
			return max_abs(d, np) < 1e-6;
		memcpy(t, u, np * sizeof *t);
		*fval = fu;
		if (max_abs(d, np) < 1e-8)
			return 1;
	}
	return 0;
}

int tci_minimise(tci_objfn fn, void *ctx, size_t np, double *t,
		 double step, unsigned max_iter, double *fval)
{
	obj_wrap w = { fn, ctx };
	int conv;

	/*
	 * A loose simplex brings t near the minimum, where Newton's steps
	 * converge quadratically; only when they fail (a Hessian that is
	 * not positive definite, as on a ridge) does a tight simplex run.
	 */
	*fval = fn(t, ctx);
	simplex_run(&w, np, t, step, 1e-4, max_iter, fval);
	if (newton_polish(&w, np, t, fval))
		return 1;
	conv = simplex_run(&w, np, t, step / 10, 1e-8, max_iter, fval);
	newton_polish(&w, np, t, fval);
	return conv;
}

int tci_minimise_near(tci_objfn fn, void *ctx, size_t np, double *t,
		      double step, unsigned max_iter, double *fval)
{
	obj_wrap w = { fn, ctx };
	double t0[TCI_OPT_MAX];

	memcpy(t0, t, np * sizeof *t0);
	*fval = fn(t, ctx);
	if (newton_polish(&w, np, t, fval))
		return 1;
	memcpy(t, t0, np * sizeof *t0);
	return tci_minimise(fn, ctx, np, t, step, max_iter, fval);
}

double tci_minimise_coarse(tci_objfn fn, void *ctx, size_t np, double *t,
			   double step, unsigned max_iter)
{
	obj_wrap w = { fn, ctx };
	double fval = fn(t, ctx);

	simplex_run(&w, np, t, step, 1e-3, max_iter, &fval);
	return fval;
}

int tci_inverse_hessian(tci_objfn fn, void *ctx, size_t np, const double *t,
			double scale, double *cov)
{
	obj_wrap w = { fn, ctx };
	double g[TCI_OPT_MAX];
	double H[TCI_OPT_MAX * TCI_OPT_MAX];
	gsl_matrix_view m;
	size_t i;

	fd_derivs(&w, np, t, g, H, 0);
	for (i = 0; i < np * np; i++) {
		H[i] *= scale;
		if (!isfinite(H[i]))
			return 0;
	}
	m = gsl_matrix_view_array(H, np, np);
	if (gsl_linalg_cholesky_decomp1(&m.matrix))
		return 0;
	if (gsl_linalg_cholesky_invert(&m.matrix))
		return 0;
	memcpy(cov, H, np * np * sizeof *cov);
	for (i = 0; i < np; i++)
		if (!(cov[i * np + i] > 0) || !isfinite(cov[i * np + i]))
			return 0;
	return 1;
}

void tci_fmt_num(char *buf, size_t size, double v, int prec)
{
	char *p;

	snprintf(buf, size, "%.*g", prec, v);

	/* Whatever the locale's decimal separator, specs use a point. */
	for (p = buf; *p; p++)
		if (*p == ',')
			*p = '.';
}
