/*
 * spec_sample.c - drawing from whole spec trees: single values, with
 * uncertain parameters drawn afresh, and per-trial instances whose
 * parameters are drawn once. A draw outside a family's domain is redrawn
 * a bounded number of times; a truncation draws by rejection and falls
 * back to its inverse distribution function.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "spec_impl.h"

/*
 * What one top-level call carries: the caller's error record and a
 * budget of nodes drawn, so that nested redraws and rejections can never
 * multiply into a hang on hostile specs.
 */
typedef struct draw_ctx {
	tc_error *err;
	long budget;
} draw_ctx;

static tc_status draw(const tc_spec *s, gsl_rng *rng, double *out,
		      draw_ctx *cx);

/* Draws a number-valued parameter; dates round down to a day. */
static tc_status draw_number(const tc_spec *s, gsl_rng *rng, double *out,
			     draw_ctx *cx)
{
	tc_status st;

	if (s->family == TC_SPEC_CONST) {
		*out = s->value;
		return TC_OK;
	}
	st = draw(s, rng, out, cx);
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
			     gsl_rng *rng, double *v, draw_ctx *cx)
{
	const char *why = NULL;
	int tries, bad = 0;
	size_t i;
	tc_status st;

	for (tries = 0; tries < TCI_SPEC_REDRAWS; tries++) {
		for (i = 0; i < f->nparams; i++) {
			st = draw_number(s->param[i], rng, &v[i], cx);
			if (st != TC_OK)
				return st;
		}
		bad = first_bad(f, v, &why);
		if (bad < 0)
			return TC_OK;
	}
	return tci_error(cx->err, TC_ERR_NUMERIC, NULL, 0, NULL,
			 "parameter '%s' of %s %s, but %d draws of it were "
			 "not",
			 f->params[bad], f->name, why, TCI_SPEC_REDRAWS);
}

/* Draws the weights of a mixture (each > 0) into w; *total their sum. */
static tc_status draw_weights(const tc_spec *s, gsl_rng *rng, double *w,
			      double *total, draw_ctx *cx)
{
	size_t i;
	int tries;
	tc_status st;

	*total = 0;
	for (i = 0; i < s->n; i += 2) {
		for (tries = 0; tries < TCI_SPEC_REDRAWS; tries++) {
			st = draw_number(s->param[i], rng, &w[i / 2], cx);
			if (st != TC_OK)
				return st;
			if (w[i / 2] > 0 && isfinite(w[i / 2]))
				break;
		}
		if (tries == TCI_SPEC_REDRAWS)
			return tci_error(cx->err, TC_ERR_NUMERIC, NULL, 0, NULL,
					 "mixture weight %zu must be > 0, "
					 "but %d draws of it were not",
					 i / 2 + 1, TCI_SPEC_REDRAWS);
		*total += w[i / 2];
	}
	return TC_OK;
}

static tc_status draw_mixture(const tc_spec *s, gsl_rng *rng, double *out,
			      draw_ctx *cx)
{
	double *w, total, u;
	size_t i, k = 0;
	tc_status st;

	w = malloc(s->n / 2 * sizeof *w);
	if (!w)
		return TC_ERR_NOMEM;
	st = draw_weights(s, rng, w, &total, cx);
	if (st == TC_OK) {
		u = gsl_rng_uniform(rng) * total;
		for (i = 0; i + 1 < s->n / 2 && u >= w[i]; i++)
			u -= w[i];
		k = i;
	}
	free(w);
	if (st != TC_OK)
		return st;
	return draw(s->param[2 * k + 1], rng, out, cx);
}

/* The bounds of a truncation (drawn when uncertain), min < max. */
static tc_status draw_bounds(const tc_spec *s, gsl_rng *rng, double *lo,
			     double *hi, draw_ctx *cx)
{
	const tc_spec *bmin = tci_trunc_bound(s, "min");
	const tc_spec *bmax = tci_trunc_bound(s, "max");
	int tries;
	tc_status st = TC_OK;

	for (tries = 0; tries < TCI_SPEC_REDRAWS; tries++) {
		*lo = -INFINITY;
		*hi = INFINITY;
		if (bmin)
			st = draw_number(bmin, rng, lo, cx);
		if (st == TC_OK && bmax)
			st = draw_number(bmax, rng, hi, cx);
		if (st != TC_OK || *lo < *hi)
			return st;
	}
	return tci_error(cx->err, TC_ERR_NUMERIC, NULL, 0, NULL,
			 "parameter 'max' of truncate must be > min, but %d "
			 "draws were not",
			 TCI_SPEC_REDRAWS);
}

/*
 * Draws from a truncation by rejection. When the inner spec's parameters
 * are constants, TCI_SPEC_QUICK_REJECTS misses switch to its inverse
 * distribution function (both paths give the truncated law exactly, and
 * a far-tail truncation costs a few draws, not a thousand); otherwise
 * TCI_SPEC_REJECTS misses are an error.
 */
static tc_status draw_truncate(const tc_spec *s, gsl_rng *rng, double *out,
			       draw_ctx *cx)
{
	double lo, hi, x;
	int tries, limit = TCI_SPEC_REJECTS;
	tc_status st;

	if (!tc_spec_has_uncertain_params(s->param[0]))
		limit = TCI_SPEC_QUICK_REJECTS;
	st = draw_bounds(s, rng, &lo, &hi, cx);
	for (tries = 0; st == TC_OK && tries < limit; tries++) {
		st = draw(s->param[0], rng, &x, cx);
		if (st == TC_OK && x >= lo && x <= hi) {
			*out = x;
			return TC_OK;
		}
	}
	if (st != TC_OK)
		return st;
	if (tc_spec_has_uncertain_params(s->param[0]) ||
	    tci_trunc_quantile(s->param[0], lo, hi, gsl_rng_uniform(rng), 0,
			       out) != TC_OK)
		return tci_error(cx->err, TC_ERR_NUMERIC, NULL, 0, NULL,
				 "truncate: no draw of %d fell inside "
				 "[min, max]",
				 TCI_SPEC_REJECTS);
	return TC_OK;
}

static tc_status draw(const tc_spec *s, gsl_rng *rng, double *out,
		      draw_ctx *cx)
{
	double v[TCI_SPEC_MAX_PARAMS];
	const tci_family *f;
	tc_status st;

	if (--cx->budget < 0)
		return tci_error(cx->err, TC_ERR_NUMERIC, NULL, 0, NULL,
				 "drawing one value of this spec takes more "
				 "than %ld draws (redraws and rejections)",
				 (long)TCI_SPEC_DRAW_BUDGET);
	switch (s->family) {
	case TC_SPEC_CONST:
		*out = s->value;
		return TC_OK;
	case TC_SPEC_EMPIRICAL:
		*out = s->values[gsl_rng_uniform_int(rng, s->nvalues)];
		return TC_OK;
	case TC_SPEC_MIXTURE:
		return draw_mixture(s, rng, out, cx);
	case TC_SPEC_TRUNCATE:
		return draw_truncate(s, rng, out, cx);
	default:
		break;
	}
	f = tci_family_get(s->family);
	st = draw_params(s, f, rng, v, cx);
	if (st == TC_OK)
		*out = f->sample(v, rng);
	return st;
}

tc_status tc_spec_sample_err(const tc_spec *spec, gsl_rng *rng, double *out,
			     tc_error *err)
{
	draw_ctx cx = {err, TCI_SPEC_DRAW_BUDGET};

	tci_gsl_fence();
	return draw(spec, rng, out, &cx);
}

tc_status tci_spec_draw(const tc_spec *spec, gsl_rng *rng, double *out,
			long *budget)
{
	draw_ctx cx = {NULL, *budget};
	tc_status st;

	st = draw(spec, rng, out, &cx);
	*budget = cx.budget;
	return st;
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
			     draw_ctx *cx);

/* Instantiates the components and draws the weights of a mixture. */
static tc_status inst_mixture(const tc_spec *s, gsl_rng *rng, tc_spec *c,
			      draw_ctx *cx)
{
	double *w, total;
	size_t i;
	tc_status st;

	w = malloc(s->n / 2 * sizeof *w);
	if (!w)
		return TC_ERR_NOMEM;
	st = draw_weights(s, rng, w, &total, cx);
	for (i = 0; st == TC_OK && i < s->n; i += 2)
		st = set_const(c, i, w[i / 2], 0);
	for (i = 1; st == TC_OK && i < s->n; i += 2)
		st = instantiate(s->param[i], rng, c->param[i], cx);
	free(w);
	return st;
}

/* Instantiates the inner spec and draws the bounds of a truncation. */
static tc_status inst_truncate(const tc_spec *s, gsl_rng *rng, tc_spec *c,
			       draw_ctx *cx)
{
	double lo, hi;
	size_t i;
	tc_status st;

	st = draw_bounds(s, rng, &lo, &hi, cx);
	for (i = 1; st == TC_OK && i < s->n; i++)
		st = set_const(c, i, strcmp(s->name[i], "min") ? hi : lo,
			       tc_spec_has_date(s->param[i]));
	if (st == TC_OK)
		st = instantiate(s->param[0], rng, c->param[0], cx);
	return st;
}

/*
 * Fills the copy c of s with drawn constants in place of every uncertain
 * number-valued parameter, at every depth.
 */
static tc_status instantiate(const tc_spec *s, gsl_rng *rng, tc_spec *c,
			     draw_ctx *cx)
{
	double v[TCI_SPEC_MAX_PARAMS];
	const tci_family *f;
	size_t i;
	tc_status st;

	if (s->family == TC_SPEC_MIXTURE)
		return inst_mixture(s, rng, c, cx);
	if (s->family == TC_SPEC_TRUNCATE)
		return inst_truncate(s, rng, c, cx);
	f = tci_family_get(s->family);
	if (!f || !tc_spec_has_uncertain_params(s))
		return TC_OK;
	st = draw_params(s, f, rng, v, cx);
	for (i = 0; st == TC_OK && i < f->nparams; i++)
		st = set_const(c, i, v[i], tc_spec_has_date(s->param[i]));
	return st;
}

tc_status tc_spec_instantiate_err(const tc_spec *spec, gsl_rng *rng,
				  tc_spec **out, tc_error *err)
{
	draw_ctx cx = {err, TCI_SPEC_DRAW_BUDGET};
	tc_spec *c;
	tc_status st;

	tci_gsl_fence();
	*out = NULL;
	c = tc_spec_clone(spec);
	if (!c)
		return TC_ERR_NOMEM;
	st = instantiate(spec, rng, c, &cx);
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
