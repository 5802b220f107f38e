/*
 * spec_prep.h - a spec with constant parameters, prepared for many
 * evaluations of its distribution function (internal; models/ and
 * engine/).
 *
 * tc_spec_cdf walks the spec tree on every call, and a truncation
 * evaluates its inner spec at both bounds each time to rescale. A
 * prepared spec holds the tree flattened, with every truncation's
 * masses computed once, and gives P(X <= x) and P(X > x) from one pass
 * over a mixture's components. Its values are those of tc_spec_cdf,
 * tc_spec_mass_outside and tc_spec_quantile, computed by the same
 * operations (up to rounding: lognormals read GSL's normal cdfs at the
 * score GSL's lognormal cdfs compute).
 */
#ifndef TOKCAST_SPEC_PREP_H
#define TOKCAST_SPEC_PREP_H

#include "tokcast/spec.h"

typedef struct tci_spec_prep tci_spec_prep;

/*
 * Prepares spec, which must outlive *out (empirical values are read in
 * place). Returns TC_OK, TC_ERR_UNSUPPORTED when a parameter is
 * uncertain, TC_ERR_NUMERIC when a truncation holds no mass (the calls
 * of tc_spec_cdf inside its bounds would fail), TC_ERR_NOMEM. *out is
 * NULL on failure; free it with tci_spec_prep_free.
 */
tc_status tci_spec_prep_new(const tc_spec *spec, tci_spec_prep **out);

/* Frees a prepared spec; NULL is accepted. */
void tci_spec_prep_free(tci_spec_prep *prep);

/*
 * *le = P(X <= x) as tc_spec_cdf gives it and *gt = P(X > x) as
 * tc_spec_mass_outside(spec, -INFINITY, x) gives it, both from one
 * pass; either pointer may be NULL when that one is not wanted.
 * TC_ERR_ARG when x is NaN, else TC_OK.
 */
tc_status tci_spec_prep_probs(const tci_spec_prep *prep, double x,
			      double *le, double *gt);

/*
 * *x = the p-quantile as tc_spec_quantile gives it. TC_ERR_ARG when p is
 * outside [0, 1], else TC_OK.
 */
tc_status tci_spec_prep_quantile(const tci_spec_prep *prep, double p,
				 double *x);

/*
 * A bound on |le + gt - 1| for the two values tci_spec_prep_probs
 * gives at any x: how far the cdf can be from one less the upper tail,
 * so that a caller may read one from the other when the bound is far
 * below its need. It grows as the smallest truncation mass shrinks.
 */
double tci_spec_prep_sum_error(const tci_spec_prep *prep);

#endif
