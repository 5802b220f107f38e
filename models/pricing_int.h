/*
 * pricing_int.h - helpers shared by the pricing sources (money, catalog,
 * request cost, expectations, cost tables). Not public API.
 */
#ifndef TOKCAST_PRICING_INT_H
#define TOKCAST_PRICING_INT_H

#include <stddef.h>
#include <stdint.h>
#include "tokcast/pricing.h"

/*
 * Parses a non-negative plain decimal s[0..n) ("0.0375", "12", ".5") into
 * an integer scaled by 10^places, accepting at most places decimals and
 * values up to max. Returns TC_OK, TC_ERR_PARSE or TC_ERR_LIMIT.
 */
tc_status tci_decimal_parse(const char *s, size_t n, int places,
			    int64_t max, int64_t *out);

/*
 * Writes an integer scaled by 10^places as a decimal with trailing
 * fraction zeros trimmed down to min_places. Returns buf, or NULL when
 * size is too small.
 */
char *tci_decimal_format(tc_money value, int places, int min_places,
			 char *buf, size_t size);

/*
 * Partial moments of a token distribution below and above a threshold t:
 * lo[k] = E[X^k; X <= t] and hi[k] = E[X^k; X > t] for k = 0..3, from its
 * distribution function alone (integration by parts, GSL quadrature).
 * cdf(x, ctx) must be right-continuous and 0 below 0. With t <= 0 all
 * mass is "above". Returns TC_OK or TC_ERR_NUMERIC.
 */
typedef double (*tci_cdf_fn)(double x, void *ctx);
tc_status tci_partial_moments(tci_cdf_fn cdf, void *ctx, double t,
			      double lo[4], double hi[4]);

/*
 * The moments of per-request cost given the input-token partial moments
 * (tci_partial_moments at the row's threshold) and raw moments ym[1..3]
 * of output tokens. Shares as in tc_request_mix. Returns TC_OK,
 * TC_ERR_INVALID when a needed price is missing, TC_ERR_ARG.
 */
tc_status tci_cost_moments(const tc_price *price, const tc_request_mix *mix,
			   const double lo[4], const double hi[4],
			   const double ym[4], tc_cost_moments *out,
			   tc_error *err);

#endif
