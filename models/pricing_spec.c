/*
 * pricing_spec.c - the expected-cost API over distribution specs: the
 * bridge between tc_spec and the partial moments of pricing_expect.c.
 */
#include <math.h>
#include <string.h>

#include "pricing_int.h"
#include "tci.h"

/* The spec's distribution function, NaN when it cannot be evaluated. */
static double spec_cdf(double x, void *ctx)
{
	double p;

	if (x < 0)
		return 0.0;
	if (tc_spec_cdf(ctx, x, &p) != TC_OK)
		return NAN;
	return p;
}

/*
 * 1 when E[X^k] of the spec is finite, read from its structure: among the
 * families only the log-logistic has a polynomial tail (moments below its
 * shape), and a truncation with a maximum bounds anything. The integrals
 * cannot tell: far out 1 - F rounds to 0 and would end any tail.
 */
static int moment_finite(const tc_spec *s, int k)
{
	double shape;
	size_t i;
	int ok = 1;

	switch (tc_spec_get_family(s)) {
	case TC_SPEC_LOGLOGISTIC:
		for (i = 0; i < tc_spec_param_count(s); i++)
			if (strcmp(tc_spec_param_name(s, i), "shape") == 0 &&
			    tc_spec_is_constant(tc_spec_param(s, i), &shape))
				return shape > k;
		return 0;
	case TC_SPEC_TRUNCATE:
		for (i = 1; i < tc_spec_param_count(s); i++)
			if (strcmp(tc_spec_param_name(s, i), "max") == 0)
				return 1;
		return moment_finite(tc_spec_param(s, 0), k);
	case TC_SPEC_MIXTURE:
		for (i = 0; i < tc_spec_param_count(s); i++)
			ok = ok && moment_finite(tc_spec_param(s, i), k);
		return ok;
	default:
		return 1;
	}
}

/* Partial moments of a spec around t (exact for a constant). */
static tc_status spec_moments(const tc_spec *s, double t, double lo[4],
			      double hi[4], const char *what, tc_error *err)
{
	double c, *side;
	int k;
	tc_status st;

	if (tc_spec_has_uncertain_params(s))
		return tci_error(err, TC_ERR_UNSUPPORTED, NULL, 0, what,
				 "a spec with uncertain parameters: "
				 "instantiate it first");
	if (tc_spec_is_constant(s, &c)) {
		side = c > t ? hi : lo;
		for (k = 0; k < 4; k++)
			lo[k] = hi[k] = 0.0;
		for (k = 0; k < 4; k++)
			side[k] = pow(c, k);
		return TC_OK;
	}
	if (!moment_finite(s, 3))
		return tci_error(err, TC_ERR_NUMERIC, NULL, 0, what,
				 "the token distribution has no finite third "
				 "moment (a log-logistic shape of 3 or less): "
				 "truncate it at the context window");
	st = tci_partial_moments(spec_cdf, (void *)s, t, lo, hi);
	if (st != TC_OK)
		return tci_error(err, st, NULL, 0, what,
				 "a moment of the token distribution is "
				 "infinite or could not be integrated");
	return TC_OK;
}

tc_status tc_expected_cost_row(const tc_price *price,
			       const tc_request_mix *mix,
			       tc_cost_moments *out, tc_error *err)
{
	double lo[4], hi[4], ylo[4], yhi[4], ym[4];
	double t;
	int k;
	tc_status st;

	if (!price || !mix || !mix->input_tokens || !mix->output_tokens ||
	    !out)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no row, mix, token spec or output");
	t = price->tier_threshold ? (double)price->tier_threshold : 0.0;
	st = spec_moments(mix->input_tokens, t, lo, hi, "input_tokens", err);
	if (st == TC_OK)
		st = spec_moments(mix->output_tokens, 0.0, ylo, yhi,
				  "output_tokens", err);
	if (st != TC_OK)
		return st;
	for (k = 0; k < 4; k++)
		ym[k] = ylo[k] + yhi[k];
	return tci_cost_moments(price, mix, lo, hi, ym, out, err);
}

tc_status tc_expected_cost(const tc_catalog *cat, const char *model,
			   int64_t day, const tc_request_mix *mix,
			   tc_cost_moments *out, tc_error *err)
{
	const tc_price *p;
	tc_status st = tc_catalog_find(cat, model, day, &p, err);

	if (st != TC_OK)
		return st;
	return tc_expected_cost_row(p, mix, out, err);
}
