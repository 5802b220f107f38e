/*
 * fit_spec.c - writing fits as distribution specs of the graph's grammar
 * (docs/graph-schema.md): parameters optionally as normal(value, se), the
 * cap as truncation plus a point mass, heavy tails truncated at the
 * context window, and the empirical fallback with its tail.
 */
#include <math.h>
#include <stdlib.h>

#include "fiti.h"
#include "tci.h"

/* The text of every number in a fitted spec. */
void tci_fit_add_num(tci_buf *b, double v)
{
	char num[64];

	tci_fmt_num(num, sizeof num, v, 7);
	tci_buf_adds(b, num);
}

/* Appends "name=value" or "name=normal(value, se)". */
static void add_param(tci_buf *b, const char *name, double v, double se,
		      int with_se)
{
	char num[64];

	tci_buf_addf(b, "%s=", name);
	if (!with_se || !(se > 0)) {
		tci_fit_add_num(b, v);
		return;
	}
	tci_buf_adds(b, "normal(");
	tci_fit_add_num(b, v);
	tci_fmt_num(num, sizeof num, se, 3);
	tci_buf_addf(b, ", %s)", num);
}

/* Appends family(p0, p1) of a two-parameter family. */
static void add_two(tci_buf *b, const char *fam, const char *const *names,
		    const double *p, const double *se, int with_se)
{
	tci_buf_addf(b, "%s(", fam);
	add_param(b, names[0], p[0], se[0], with_se);
	tci_buf_adds(b, ", ");
	add_param(b, names[1], p[1], se[1], with_se);
	tci_buf_adds(b, ")");
}

/* The mixture: weights are written as constants (docs/fitting.md). */
static void add_mixture(tci_buf *b, const tc_fit_one *f, int with_se)
{
	static const char *const ln[2] = { "mu", "sigma" };

	tci_buf_adds(b, "mixture(");
	tci_fit_add_num(b, f->params[0]);
	tci_buf_adds(b, ", ");
	add_two(b, "lognormal", ln, f->params + 1, f->se + 1, with_se);
	tci_buf_adds(b, ", ");
	tci_fit_add_num(b, 1 - f->params[0]);
	tci_buf_adds(b, ", ");
	add_two(b, "lognormal", ln, f->params + 3, f->se + 3, with_se);
	tci_buf_adds(b, ")");
}

static void add_one(tci_buf *b, const tc_fit_one *f, int with_se)
{
	const tci_fam *fam = tci_fam_get(f->family);

	if (f->family == TC_FIT_MIXTURE)
		add_mixture(b, f, with_se);
	else
		add_two(b, fam->name, fam->pnames, f->params, f->se,
			with_se);
}

/* Steals the buffer, or NULL when an append ran out of memory. */
static char *finish(tci_buf *b, int failed)
{
	if (failed || !b->data) {
		tci_buf_free(b);
		return NULL;
	}
	return tci_buf_steal(b);
}

char *tc_fit_one_spec(const tc_fit_one *fit, int with_se)
{
	tci_buf b;

	if (!fit || !fit->ok || !tci_fam_get(fit->family))
		return NULL;
	tci_buf_init(&b);
	add_one(&b, fit, with_se);
	return finish(&b, 0);
}

/* The pile-up: a constant or a uniform over its values. */
static void add_pile(tci_buf *b, const tc_fit_result *r)
{
	if (r->cap_lo == r->cap_hi) {
		tci_fit_add_num(b, r->cap_lo);
		return;
	}
	tci_buf_adds(b, "uniform(");
	tci_fit_add_num(b, r->cap_lo - 0.5);
	tci_buf_adds(b, ", ");
	tci_fit_add_num(b, r->cap_hi + 0.5);
	tci_buf_adds(b, ")");
}

/* The upper bound of every continuous part: the cap or the window. */
static double upper_bound(const tc_fit_result *r)
{
	return r->capped ? r->cap_lo - 0.5 : r->context_window;
}

/* The chosen family, truncated below the cap or at the window. */
static void add_parametric(tci_buf *b, const tc_fit_result *r, int with_se)
{
	const tc_fit_one *f = &r->fits[r->chosen];

	if (!r->capped && !f->heavy_tail) {
		add_one(b, f, with_se);
		return;
	}
	tci_buf_adds(b, "truncate(");
	add_one(b, f, with_se);
	tci_buf_adds(b, ", max=");
	tci_fit_add_num(b, upper_bound(r));
	tci_buf_adds(b, ")");
}

/* Shared with fit_share.c: both fall back to resampled quantiles. */
void tci_fit_add_empirical(tci_buf *b, const double *q, size_t n)
{
	size_t i;

	tci_buf_adds(b, "empirical(");
	for (i = 0; i < n; i++) {
		if (i)
			tci_buf_adds(b, ", ");
		tci_fit_add_num(b, q[i]);
	}
	tci_buf_adds(b, ")");
}

/* The fallback: body quantiles, the fitted tail, the pile-up. */
static void add_empirical(tci_buf *b, const tc_fit_result *r)
{
	double wt = r->tail.present ? r->tail.share : 0;
	double wp = r->capped ? r->cap_share : 0;

	if (wt == 0 && wp == 0) {
		tci_fit_add_empirical(b, r->quantiles, r->nquantiles);
		return;
	}
	tci_buf_adds(b, "mixture(");
	tci_fit_add_num(b, 1 - wt - wp);
	tci_buf_adds(b, ", ");
	tci_fit_add_empirical(b, r->quantiles, r->nquantiles);
	if (wt > 0) {
		tci_buf_adds(b, ", ");
		tci_fit_add_num(b, wt);
		tci_buf_adds(b, ", truncate(lognormal(mu=");
		tci_fit_add_num(b, r->tail.mu);
		tci_buf_adds(b, ", sigma=");
		tci_fit_add_num(b, r->tail.sigma);
		tci_buf_adds(b, "), min=");
		tci_fit_add_num(b, r->tail.threshold);
		tci_buf_adds(b, ", max=");
		tci_fit_add_num(b, upper_bound(r));
		tci_buf_adds(b, ")");
	}
	if (wp > 0) {
		tci_buf_adds(b, ", ");
		tci_fit_add_num(b, wp);
		tci_buf_adds(b, ", ");
		add_pile(b, r);
	}
	tci_buf_adds(b, ")");
}

char *tc_fit_spec(const tc_fit_result *res, int with_se)
{
	tci_buf b;

	if (!res || (!res->empirical && res->chosen < 0))
		return NULL;
	tci_buf_init(&b);
	if (res->empirical) {
		add_empirical(&b, res);
		return finish(&b, 0);
	}
	if (!res->capped) {
		add_parametric(&b, res, with_se);
		return finish(&b, 0);
	}
	tci_buf_adds(&b, "mixture(");
	tci_fit_add_num(&b, 1 - res->cap_share);
	tci_buf_adds(&b, ", ");
	add_parametric(&b, res, with_se);
	tci_buf_adds(&b, ", ");
	tci_fit_add_num(&b, res->cap_share);
	tci_buf_adds(&b, ", ");
	add_pile(&b, res);
	tci_buf_adds(&b, ")");
	return finish(&b, 0);
}
