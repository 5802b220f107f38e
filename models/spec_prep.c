/*
 * spec_prep.c - prepared evaluation of a spec's distribution function
 * (spec_prep.h).
 *
 * The tree is flattened in pre-order: a node's subtree is the run of
 * nodes from it to it + size, a mixture's components follow it one
 * subtree after another. An evaluation asks for a set of the four
 * probabilities of a point at once (a bit mask; prob1 is the leaner
 * walk for one). Every node computes each of them by the operations
 * spec_exact.c's prob uses for it alone, in the same order. What is
 * shared is the walk: a mixture visits its components once for all the
 * kinds asked, and a truncation's masses at its bounds, which prob
 * recomputes on every call, are computed here once. Lognormals share
 * the point's logarithm and read GSL's normal cdfs at the score that
 * GSL's lognormal cdfs compute, (log x - mu) / sigma: the same values
 * up to rounding (to the bit with the GSL of today). Quantiles repeat
 * spec_exact.c's inverse over the prepared tree.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "spec_impl.h"
#include "spec_prep.h"

/* The four probabilities of a point, as in spec_exact.c. */
enum { P_LE = 0, P_LT = 1, P_GT = 2, P_GE = 3 };

#define IS_UPPER(kind) ((kind) >= P_GT)
#define IS_STRICT(kind) ((kind) == P_LT || (kind) == P_GE)
#define WANTS(mask, kind) ((mask) >> (kind) & 1u)
#define BIT(kind) (1u << (kind))

/* As in spec_exact.c's quantile of a mixture. */
#define BISECTIONS 200

/*
 * A bound on |P(X <= x) + P(X > x) - 1| for a family's own functions
 * (GSL's P and Q each hold near full precision; this leaves room).
 */
#define FAMILY_SUM_ERROR 1e-10

/*
 * One node. value is a constant's value or a mixture's total weight;
 * weight is the node's weight in the mixture above it. A truncation
 * keeps its bounds and, at them, below = P(X < lo), from = P(X >= lo),
 * upto = P(X <= hi), beyond = P(X > hi) of its inner spec, and the mass
 * inside from the tails that upper chose. logs says whether a lognormal
 * lies in the subtree (its evaluations take log x once).
 */
typedef struct pnode {
	tc_spec_family family;
	const tci_family *f;
	double v[TCI_SPEC_MAX_PARAMS];
	const double *sorted;
	size_t nvalues;
	double value;
	double weight;
	size_t size;
	double lo, hi, below, from, upto, beyond, mass;
	int upper;
	int logs;
} pnode;

struct tci_spec_prep {
	size_t n;
	double sum_error;
	pnode node[];
};

static double clamp01(double p)
{
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

static void probs(const pnode *nd, double x, double lx, unsigned mask,
		  double *out);

static void const_probs(const pnode *nd, double x, unsigned mask,
			double *out)
{
	double v = nd->value;

	if (WANTS(mask, P_LE))
		out[P_LE] = v <= x;
	if (WANTS(mask, P_LT))
		out[P_LT] = v < x;
	if (WANTS(mask, P_GT))
		out[P_GT] = v > x;
	if (WANTS(mask, P_GE))
		out[P_GE] = v >= x;
}

/* Shares of sorted values: one search per strictness asked for. */
static void empirical_probs(const pnode *nd, double x, unsigned mask,
			    double *out)
{
	double n = (double)nd->nvalues, c[2] = {0, 0};
	int k;

	if (mask & (BIT(P_LE) | BIT(P_GT)))
		c[0] = (double)tci_spec_count_below(nd->sorted, nd->nvalues,
						    x, 0);
	if (mask & (BIT(P_LT) | BIT(P_GE)))
		c[1] = (double)tci_spec_count_below(nd->sorted, nd->nvalues,
						    x, 1);
	for (k = 0; k < 4; k++)
		if (WANTS(mask, k))
			out[k] = IS_UPPER(k) ? (n - c[IS_STRICT(k)]) / n
					     : c[IS_STRICT(k)] / n;
}

/* Weighted sums over the components, one visit each. */
static void mixture_probs(const pnode *nd, double x, double lx,
			  unsigned mask, double *out)
{
	const pnode *c, *end = nd + nd->size;
	double t[4] = {0, 0, 0, 0}, q[4];
	int k;

	for (c = nd + 1; c < end; c += c->size) {
		probs(c, x, lx, mask, q);
		for (k = 0; k < 4; k++)
			if (WANTS(mask, k))
				t[k] += c->weight * q[k];
	}
	for (k = 0; k < 4; k++)
		if (WANTS(mask, k))
			out[k] = clamp01(t[k] / nd->value);
}

/* The inner spec's kind that kind k of a truncation rescales. */
static int inner_kind(const pnode *nd, int k)
{
	return nd->upper == IS_UPPER(k) ? k : k ^ 2;
}

/*
 * Kind k of a truncation at x when x lies outside its bounds: returns 1
 * and sets *p to 0 or 1; else returns 0.
 */
static int trunc_outside(const pnode *nd, double x, int k, double *p)
{
	int strict = IS_STRICT(k), up = IS_UPPER(k);

	if (strict ? x <= nd->lo : x < nd->lo) {
		*p = up;
		return 1;
	}
	if (strict ? x > nd->hi : x >= nd->hi) {
		*p = !up;
		return 1;
	}
	return 0;
}

/* Kind k of a truncation from q, the inner spec's inner_kind(k). */
static double trunc_rescale(const pnode *nd, int k, double q)
{
	double p;

	if (!IS_UPPER(k))
		p = nd->upper ? (nd->from - q) / nd->mass
			      : (q - nd->below) / nd->mass;
	else
		p = nd->upper ? (q - nd->beyond) / nd->mass
			      : (nd->upto - q) / nd->mass;
	return clamp01(p);
}

/*
 * A truncation: the kinds asked for outside the bounds are 0 or 1, the
 * others are rescaled from the inner spec's probabilities (the same
 * kind or its complement, by the tails upper chose), asked of the inner
 * spec in one call.
 */
static void truncate_probs(const pnode *nd, double x, double lx,
			   unsigned mask, double *out)
{
	unsigned inside = 0, inner = 0;
	double q[4];
	int k;

	for (k = 0; k < 4; k++) {
		if (WANTS(mask, k) && !trunc_outside(nd, x, k, &out[k])) {
			inside |= BIT(k);
			inner |= BIT(inner_kind(nd, k));
		}
	}
	if (!inside)
		return;
	probs(nd + 1, x, lx, inner, q);
	for (k = 0; k < 4; k++)
		if (WANTS(inside, k))
			out[k] = trunc_rescale(nd, k, q[inner_kind(nd, k)]);
}

/*
 * Kind k of a lognormal at x > 0, lx = log x: GSL's lognormal cdfs are
 * its normal cdfs at u = (log x - mu) / sigma; the log is the point's.
 */
static double lognormal_prob(const pnode *nd, double lx, int k)
{
	double u = (lx - nd->v[0]) / nd->v[1];

	return IS_UPPER(k) ? gsl_cdf_ugaussian_Q(u) : gsl_cdf_ugaussian_P(u);
}

/* Whether x is where lognormal_prob serves. */
static int lognormal_at(const pnode *nd, double x)
{
	return nd->family == TC_SPEC_LOGNORMAL && x > 0 && !isinf(x);
}

/* A family with fixed parameters: its own functions, one per kind. */
static void family_probs(const pnode *nd, double x, double lx,
			 unsigned mask, double *out)
{
	const tci_family *f = nd->f;
	int k;

	for (k = 0; k < 4; k++) {
		if (!WANTS(mask, k))
			continue;
		if (lognormal_at(nd, x))
			out[k] = lognormal_prob(nd, lx, k);
		else if (isinf(x))
			out[k] = (x > 0) != IS_UPPER(k);
		else if (k == P_LE)
			out[k] = f->cdf(nd->v, x);
		else if (k == P_LT)
			out[k] = f->cdf_left(nd->v, x);
		else if (k == P_GT)
			out[k] = f->sf(nd->v, x);
		else
			out[k] = f->sf_left(nd->v, x);
	}
}

/*
 * The kinds in mask of the subtree at nd, at x, into out[kind]; lx is
 * log x when the subtree has a lognormal and x > 0.
 */
static void probs(const pnode *nd, double x, double lx, unsigned mask,
		  double *out)
{
	switch (nd->family) {
	case TC_SPEC_CONST:
		const_probs(nd, x, mask, out);
		return;
	case TC_SPEC_EMPIRICAL:
		empirical_probs(nd, x, mask, out);
		return;
	case TC_SPEC_MIXTURE:
		mixture_probs(nd, x, lx, mask, out);
		return;
	case TC_SPEC_TRUNCATE:
		truncate_probs(nd, x, lx, mask, out);
		return;
	default:
		family_probs(nd, x, lx, mask, out);
	}
}

/*
 * One kind of the subtree at nd at x, lx as for probs: the same values
 * by a leaner walk, for the one-kind calls that dominate a sweep.
 */
static double prob1(const pnode *nd, double x, double lx, int kind)
{
	const pnode *c, *end = nd + nd->size;
	double t = 0, q[4];

	switch (nd->family) {
	case TC_SPEC_MIXTURE:
		for (c = nd + 1; c < end; c += c->size)
			t += c->weight * prob1(c, x, lx, kind);
		return clamp01(t / nd->value);
	case TC_SPEC_TRUNCATE:
		if (trunc_outside(nd, x, kind, &t))
			return t;
		t = prob1(nd + 1, x, lx, inner_kind(nd, kind));
		return trunc_rescale(nd, kind, t);
	case TC_SPEC_LOGNORMAL:
		if (lognormal_at(nd, x))
			return lognormal_prob(nd, lx, kind);
		/* fall through */
	default:
		probs(nd, x, lx, BIT(kind), q);
		return q[kind];
	}
}

/* log x for the lognormals of the subtree at nd, when it has any. */
static double log_for(const pnode *nd, double x)
{
	return nd->logs && x > 0 ? log(x) : 0;
}

/* The kinds in mask of the subtree at nd, the log taken here. */
static void probs_at(const pnode *nd, double x, unsigned mask,
		     double *out)
{
	probs(nd, x, log_for(nd, x), mask, out);
}

static double quantile(const pnode *nd, double p, int upper);

/*
 * A mixture's quantile by bisection between its components' least and
 * greatest, as spec_exact.c's inverse_mixture finds it.
 */
static double mixture_quantile(const pnode *nd, double p, int upper)
{
	const pnode *c, *end = nd + nd->size;
	double lo = INFINITY, hi = -INFINITY, q, mid, f;
	int it;

	for (c = nd + 1; c < end; c += c->size) {
		q = quantile(c, p, upper);
		lo = fmin(lo, q);
		hi = fmax(hi, q);
	}
	if (lo == hi || !isfinite(lo) || !isfinite(hi))
		return (p <= 0.5) != upper ? lo : hi;
	for (it = 0; it < BISECTIONS; it++) {
		mid = lo + (hi - lo) / 2;
		if (mid <= lo || mid >= hi)
			break;
		f = prob1(nd, mid, log_for(nd, mid), upper ? P_GT : P_LE);
		if (upper ? f <= p : f >= p)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* A truncation's quantile, as tci_trunc_quantile finds it. */
static double truncate_quantile(const pnode *nd, double p, int upper)
{
	double target, x;

	if (nd->upper)
		target = upper ? nd->beyond + p * nd->mass
			       : nd->from - p * nd->mass;
	else
		target = upper ? nd->upto - p * nd->mass
			       : nd->below + p * nd->mass;
	x = quantile(nd + 1, clamp01(target), nd->upper);
	return fmin(fmax(x, nd->lo), nd->hi);
}

/*
 * The p-quantile (upper = 0) or upper p-quantile (upper = 1) of the
 * subtree at nd, as spec_exact.c's inverse gives it.
 */
static double quantile(const pnode *nd, double p, int upper)
{
	switch (nd->family) {
	case TC_SPEC_CONST:
		return nd->value;
	case TC_SPEC_EMPIRICAL:
		return nd->sorted[tci_spec_empirical_index(nd->nvalues, p,
							   upper)];
	case TC_SPEC_MIXTURE:
		return mixture_quantile(nd, p, upper);
	case TC_SPEC_TRUNCATE:
		return truncate_quantile(nd, p, upper);
	default:
		return upper ? nd->f->isf(nd->v, p) : nd->f->quantile(nd->v, p);
	}
}

/* The number of nodes the flattened tree of s needs. */
static size_t count_nodes(const tc_spec *s)
{
	size_t i, n = 1;

	if (s->family == TC_SPEC_MIXTURE)
		for (i = 0; i < s->n; i += 2)
			n += count_nodes(s->param[i + 1]);
	else if (s->family == TC_SPEC_TRUNCATE)
		n += count_nodes(s->param[0]);
	return n;
}

/*
 * A truncation's masses at its bounds, from its prepared inner spec, as
 * spec_exact.c's trunc_prep computes them. TC_ERR_NUMERIC when none
 * lies inside.
 */
static tc_status prep_truncate(pnode *nd, const tc_spec *s)
{
	const tc_spec *b;
	double q[4];

	b = tci_trunc_bound(s, "min");
	nd->lo = b ? b->value : -INFINITY;
	b = tci_trunc_bound(s, "max");
	nd->hi = b ? b->value : INFINITY;
	probs_at(nd + 1, nd->lo, BIT(P_LT) | BIT(P_GE), q);
	nd->below = q[P_LT];
	nd->from = q[P_GE];
	probs_at(nd + 1, nd->hi, BIT(P_LE) | BIT(P_GT), q);
	nd->upto = q[P_LE];
	nd->beyond = q[P_GT];
	nd->upper = nd->below > 0.5;
	nd->mass = nd->upper ? nd->from - nd->beyond : nd->upto - nd->below;
	return nd->mass > 0 ? TC_OK : TC_ERR_NUMERIC;
}

/* Flattens the subtree of s from node[*used] on; *used is advanced. */
static tc_status fill(pnode *node, const tc_spec *s, size_t *used)
{
	size_t me = (*used)++, i, c;
	pnode *nd = &node[me];
	tc_status st = TC_OK;

	memset(nd, 0, sizeof *nd);
	nd->family = s->family;
	switch (s->family) {
	case TC_SPEC_CONST:
		nd->value = s->value;
		break;
	case TC_SPEC_EMPIRICAL:
		nd->sorted = s->sorted;
		nd->nvalues = s->nvalues;
		break;
	case TC_SPEC_MIXTURE:
		for (i = 0; st == TC_OK && i < s->n; i += 2) {
			c = *used;
			st = fill(node, s->param[i + 1], used);
			node[c].weight = s->param[i]->value;
			nd->value += s->param[i]->value;
		}
		break;
	case TC_SPEC_TRUNCATE:
		st = fill(node, s->param[0], used);
		break;
	default:
		nd->f = tci_family_get(s->family);
		for (i = 0; i < s->n && i < TCI_SPEC_MAX_PARAMS; i++)
			nd->v[i] = s->param[i]->value;
	}
	nd->size = *used - me;
	nd->logs = s->family == TC_SPEC_LOGNORMAL;
	for (c = me + 1; c < *used; c++)
		nd->logs |= node[c].logs;
	if (st == TC_OK && s->family == TC_SPEC_TRUNCATE)
		st = prep_truncate(nd, s);
	return st;
}

/*
 * A bound on |P(X <= x) + P(X > x) - 1| as computed. A mixture's sum
 * is its components' sums averaged. A truncation's two kinds both
 * rescale the same probability of its inner spec, so their sum is
 * (upto - below) / mass or (from - beyond) / mass whatever the inner
 * error: a few roundings of terms at most 1, divided by the mass.
 */
static double sum_error(const tci_spec_prep *p)
{
	double least = 1;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->node[i].family == TC_SPEC_TRUNCATE)
			least = fmin(least, p->node[i].mass);
	return FAMILY_SUM_ERROR + 8 * DBL_EPSILON / least;
}

tc_status tci_spec_prep_new(const tc_spec *spec, tci_spec_prep **out)
{
	tci_spec_prep *p;
	size_t n, used = 0;
	tc_status st;

	*out = NULL;
	if (tc_spec_has_uncertain_params(spec))
		return TC_ERR_UNSUPPORTED;
	tci_gsl_fence();
	n = count_nodes(spec);
	p = malloc(sizeof *p + n * sizeof p->node[0]);
	if (!p)
		return TC_ERR_NOMEM;
	p->n = n;
	st = fill(p->node, spec, &used);
	if (st != TC_OK) {
		free(p);
		return st;
	}
	p->sum_error = sum_error(p);
	*out = p;
	return TC_OK;
}

void tci_spec_prep_free(tci_spec_prep *prep)
{
	free(prep);
}

tc_status tci_spec_prep_probs(const tci_spec_prep *prep, double x,
			      double *le, double *gt)
{
	double q[4];

	if (isnan(x))
		return TC_ERR_ARG;
	if (le && gt)
		probs_at(prep->node, x, BIT(P_LE) | BIT(P_GT), q);
	else if (le)
		q[P_LE] = prob1(prep->node, x, log_for(prep->node, x), P_LE);
	else if (gt)
		q[P_GT] = prob1(prep->node, x, log_for(prep->node, x), P_GT);
	if (le)
		*le = q[P_LE];
	/* tc_spec_mass_outside adds nothing below -inf, clamps the sum. */
	if (gt)
		*gt = x < INFINITY ? clamp01(0 + q[P_GT]) : 0;
	return TC_OK;
}

tc_status tci_spec_prep_quantile(const tci_spec_prep *prep, double p,
				 double *x)
{
	if (!(p >= 0 && p <= 1))
		return TC_ERR_ARG;
	*x = quantile(prep->node, p, 0);
	return TC_OK;
}

double tci_spec_prep_sum_error(const tci_spec_prep *prep)
{
	return prep->sum_error;
}
