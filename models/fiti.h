/*
 * fiti.h - internals shared by the fitting sources (models/fit*.c):
 * frequency tables, family descriptors and the minimiser. Names start
 * with tci_; nothing here is public API.
 */
#ifndef TOKCAST_FITI_H
#define TOKCAST_FITI_H

#include <stddef.h>
#include "tokcast/fit.h"
#include "tci.h"

/*
 * The distinct values of a sample in ascending order with their counts;
 * token counts repeat a lot, so every likelihood runs over these.
 */
typedef struct tci_freq {
	double *k;
	double *c;
	size_t d;
	double n;
} tci_freq;

/*
 * Sorts x[0..n) ascending (no NaNs) by a radix sort of the bit patterns.
 * TC_OK or TC_ERR_NOMEM (x unchanged).
 */
tc_status tci_sort_doubles(double *x, size_t n);

/* Builds f from x[0..n) (sorting a copy). TC_OK or TC_ERR_NOMEM. */
tc_status tci_freq_build(const double *x, size_t n, tci_freq *f);

/* The rows of f with lo <= k <= hi, as a new table. */
tc_status tci_freq_slice(const tci_freq *f, double lo, double hi,
			 tci_freq *out);
void tci_freq_free(tci_freq *f);

/* The q-quantile of f (lower value, 0 <= q <= 1). */
double tci_freq_quantile(const tci_freq *f, double q);

/*
 * A family of token-count distributions. Parameters live in two forms:
 * natural (as written in specs) and unconstrained (what the minimiser
 * moves), linked by to_nat / to_unc; dnat gives d natural / d
 * unconstrained of parameter i, all transforms being one-to-one per
 * coordinate.
 */
typedef struct tci_fam {
	tc_fit_family id;
	const char *name;
	size_t np;
	const char *pnames[TC_FIT_MAX_PARAMS];
	void (*to_nat)(const double *t, double *p);
	void (*to_unc)(const double *p, double *t);
	double (*dnat)(const double *t, size_t i);
	/* continuous families: CDF and survival at x > 0 */
	void (*cdfsf)(const double *p, double x, double *F, double *S);
	/* log density at x > 0 (continuous) or log mass at k (discrete) */
	double (*lpdf)(const double *p, double x);
	/* discrete families: P(X <= k), P(X > k) */
	void (*cdfsf_int)(const double *p, double k, double *G, double *S);
	/* continuous MLE on positive values; 0 on success */
	int (*cont_fit)(const tci_freq *pos, double *p);
	/*
	 * Optional: log P(count = k) by quadrature where the density is
	 * flat across the cell, for families whose CDF is costly. Returns
	 * 0 when it does not apply at k.
	 */
	int (*lcell_quad)(const double *p, double k, double *out);
} tci_fam;

const tci_fam *tci_fam_get(tc_fit_family id);

/* P(X <= k) and P(X > k) of the discretised family at integer k. */
void tci_fam_G(const tci_fam *fam, const double *p, double k, double *G,
	       double *S);

/* log P(count = k) of the discretised family, finite. */
double tci_fam_lcell(const tci_fam *fam, const double *p, double k);

/* Sum of c * log P(count = k) over a table (untruncated). */
double tci_fam_loglik(const tci_fam *fam, const double *p,
		      const tci_freq *f);

/* The most parameters the minimiser handles (the volume model has 9). */
#define TCI_OPT_MAX 10

/* An objective to minimise over unconstrained parameters. */
typedef double (*tci_objfn)(const double *t, void *ctx);

/*
 * Minimises fn of np <= TCI_OPT_MAX parameters from t (in place) by
 * Nelder-Mead (nmsimplex2, at most max_iter iterations, restarted once)
 * and a few Newton steps with a finite-difference Hessian. *fval
 * receives the minimum. Returns 1 when the simplex converged, 0 when it
 * hit the iteration cap.
 */
int tci_minimise(tci_objfn fn, void *ctx, size_t np, double *t,
		 double step, unsigned max_iter, double *fval);

/*
 * Like tci_minimise from a t already near the minimum: Newton's steps
 * first, the full minimiser only when they do not converge.
 */
int tci_minimise_near(tci_objfn fn, void *ctx, size_t np, double *t,
		      double step, unsigned max_iter, double *fval);

/*
 * A cheap first pass of the minimiser (a loose simplex only), to compare
 * starts before polishing the best. Returns fn at the updated t.
 */
double tci_minimise_coarse(tci_objfn fn, void *ctx, size_t np, double *t,
			   double step, unsigned max_iter);

/*
 * The inverse of the finite-difference Hessian of fn at t, scaled by
 * 1 / scale, into cov (np x np, row major). Returns 0 when the Hessian is
 * not positive definite.
 */
int tci_inverse_hessian(tci_objfn fn, void *ctx, size_t np, const double *t,
			double scale, double *cov);

/* Formats v with prec significant digits, locale-independently. */
void tci_fmt_num(char *buf, size_t size, double v, int prec);

/* Appends v to a spec text as tci_fmt_num writes it (7 digits). */
void tci_fit_add_num(tci_buf *b, double v);
/* Appends "empirical(q0, q1, ...)" of the n quantiles q. */
void tci_fit_add_empirical(tci_buf *b, const double *q, size_t n);

/* 1 / (1 + exp(-z)) without overflow. */
double tci_logistic(double z);

/*
 * KS distance and discrete Anderson-Darling statistic of the model
 * (family p below trunc_k, or everywhere when trunc_k < 0, plus the
 * pile-up's empirical part above it) against the table all.
 */
void tci_fit_gof(const tci_fam *fam, const double *p, const tci_freq *all,
		 double trunc_k, const tci_freq *pile, double *ks,
		 double *ad);

/* Fills the empirical fallback of res from the body's table. */
tc_status tci_fit_empirical(const tci_freq *body, tc_fit_result *res);

#endif
