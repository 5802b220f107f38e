/*
 * spec_impl.h - the inside of a distribution spec, shared by the parser
 * (spec_parse.c), the tree functions (spec.c), the per-family mathematics
 * (spec_dist.c) and the evaluation of whole trees (spec_eval.c).
 */
#ifndef TOKCAST_SPEC_IMPL_H
#define TOKCAST_SPEC_IMPL_H

#include <gsl/gsl_rng.h>

#include "tci.h"
#include "tokcast/spec.h"

#define TCI_SPEC_MAX_TEXT (64 * 1024)
#define TCI_SPEC_MAX_DEPTH 32
#define TCI_SPEC_MAX_PARAMS 3
#define TCI_SPEC_REDRAWS 100
#define TCI_SPEC_REJECTS 1000
#define TCI_SPEC_QUICK_REJECTS 16
#define TCI_SPEC_DRAW_BUDGET 1000000L
#define TCI_SPEC_MASS_BUDGET 20000000L
#define TCI_SPEC_MAX_TRUNCATE_NEST 3

/*
 * A spec node. Constants use value (and is_date); families with fixed
 * parameters keep them in param[] in the order of their descriptor;
 * mixture alternates weight and component; truncate holds its inner spec
 * then the bounds that were written ("min", "max"); empirical holds its
 * values, sorted, and the file they came from when there was one.
 */
struct tc_spec {
	tc_spec_family family;
	int is_date;
	double value;
	size_t n;
	tc_spec **param;
	const char **name;
	double *values;
	double *sorted;
	size_t nvalues;
	char *path;
};

/*
 * A family with fixed numeric parameters, as a const descriptor. v holds
 * the parameter values in the order of params[]. check returns NULL when
 * parameter i is in its domain given the parameters before it whose known
 * flag is set, or a phrase saying what it must be. mean and var return
 * 0, or -1 when the moment is infinite. cdf is P(X <= x), cdf_left
 * P(X < x) (the same for continuous families); sf is P(X > x) and
 * sf_left P(X >= x), computed directly so far tails keep their digits.
 * quantile is the smallest x with cdf >= p, isf the smallest x with
 * sf <= q. pdf is the density of a continuous family or the mass at x of
 * a discrete one.
 */
typedef struct tci_family {
	tc_spec_family id;
	const char *name;
	size_t nparams;
	const char *params[TCI_SPEC_MAX_PARAMS];
	int discrete;
	const char *(*check)(size_t i, const double *v, const int *known);
	double (*sample)(const double *v, gsl_rng *rng);
	int (*mean)(const double *v, double *out);
	int (*var)(const double *v, double *out);
	double (*cdf)(const double *v, double x);
	double (*cdf_left)(const double *v, double x);
	double (*sf)(const double *v, double x);
	double (*sf_left)(const double *v, double x);
	double (*quantile)(const double *v, double p);
	double (*isf)(const double *v, double q);
	double (*pdf)(const double *v, double x);
	/* The support's ends (may be infinite). */
	void (*support)(const double *v, double *lo, double *hi);
} tci_family;

/* The descriptor of a family with fixed parameters, or NULL. */
const tci_family *tci_family_get(tc_spec_family id);
/* Looks a family up by its name as written (all families). */
int tci_family_lookup(const char *name, size_t len, tc_spec_family *id);
/* The closest family name to a misspelling, or NULL. */
const char *tci_family_suggest(const char *name, size_t len);

/* A new node of a family with n parameter slots, all NULL. */
tc_spec *tci_spec_new(tc_spec_family family, size_t n);
/* A new constant. */
tc_spec *tci_spec_const(double value, int is_date);

/* 1 when parameter i of spec is a distribution rather than a number. */
int tci_spec_slot_is_dist(const tc_spec *spec, size_t i);

/* The number of sorted values v[0..n) <= x (or < x when strict). */
size_t tci_spec_count_below(const double *v, size_t n, double x,
			    int strict);
/*
 * The index among n sorted values of the p-quantile (upper = 0) or the
 * upper p-quantile (upper = 1).
 */
size_t tci_spec_empirical_index(size_t n, double p, int upper);

/* The truncate bound "min" or "max" of spec, NULL when not written. */
const tc_spec *tci_trunc_bound(const tc_spec *spec, const char *which);

/*
 * P(a <= X <= b) for a spec with constant parameters, from whichever
 * tails keep more digits.
 */
tc_status tci_spec_mass_between(const tc_spec *s, double a, double b,
				double *m);

/*
 * Draws one value against a budget of nodes shared by many calls (the
 * Monte Carlo mass estimate); TC_ERR_NUMERIC once it runs out.
 */
tc_status tci_spec_draw(const tc_spec *spec, gsl_rng *rng, double *out,
			long *budget);

/*
 * The p-quantile (upper = 0) or the upper q-quantile (upper = 1, the
 * smallest x with P(X > x) <= q) of inner, a spec with constant
 * parameters, truncated to [lo, hi]. TC_ERR_NUMERIC when no mass lies
 * inside.
 */
tc_status tci_trunc_quantile(const tc_spec *inner, double lo, double hi,
			     double p, int upper, double *x);

#endif
