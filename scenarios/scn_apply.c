/*
 * scn_apply.c - pure functions the engine uses to apply a scenario: the
 * launch ramp and a price change applied to a catalog row.
 */
#include <string.h>

#include "scn_int.h"

double tc_scn_ramp_value(tc_scn_ramp shape, int64_t day, int64_t launch,
			 double ramp_days)
{
	double x;

	if (day < launch)
		return 0;
	if (!(ramp_days > 0))
		return 1;
	x = (double)(day - launch + 1) / ramp_days;
	if (x >= 1)
		return 1;
	if (shape == TC_SCN_RAMP_SMOOTH)
		return x * x * (3 - 2 * x);
	return x;
}

/*
 * rate x mult / 1e6, rounded half up, exactly in 128 bits. A missing
 * rate stays missing.
 */
static tc_status scale_rate(int64_t *rate, int64_t mult)
{
	tc_money v;

	if (*rate == TC_RATE_NONE)
		return TC_OK;
	v = ((tc_money)*rate * mult + TC_MULT_ONE / 2) /
	    TC_MULT_ONE;
	if (v > INT64_MAX)
		return TC_ERR_LIMIT;
	*rate = (int64_t)v;
	return TC_OK;
}

static tc_status scale_rates(tc_rates *r, int64_t mult)
{
	int64_t *slots[] = {
		&r->input, &r->cache_read, &r->cache_write_5m,
		&r->cache_write_1h, &r->output, &r->reasoning,
		&r->audio_input, &r->image_input,
	};
	size_t i;

	for (i = 0; i < sizeof slots / sizeof slots[0]; i++)
		if (scale_rate(slots[i], mult) != TC_OK)
			return TC_ERR_LIMIT;
	return TC_OK;
}

/* Puts each negotiated rate in place of the row's, base and tier. */
static void put_rates(const tc_rates *n, tc_price *row)
{
	const int64_t *from[] = {
		&n->input, &n->cache_read, &n->cache_write_5m,
		&n->cache_write_1h, &n->output, &n->reasoning,
	};
	int64_t *base[] = {
		&row->base.input, &row->base.cache_read,
		&row->base.cache_write_5m, &row->base.cache_write_1h,
		&row->base.output, &row->base.reasoning,
	};
	int64_t *tier[] = {
		&row->tier.input, &row->tier.cache_read,
		&row->tier.cache_write_5m, &row->tier.cache_write_1h,
		&row->tier.output, &row->tier.reasoning,
	};
	size_t i;

	for (i = 0; i < sizeof from / sizeof from[0]; i++) {
		if (*from[i] == TC_RATE_NONE)
			continue;
		*base[i] = *from[i];
		if (row->tier_threshold)
			*tier[i] = *from[i];
	}
}

tc_status tc_scn_apply_price(const tc_scn_change *change, tc_price *row)
{
	if (!change || !row || change->kind != TC_SCN_PRICE)
		return TC_ERR_ARG;
	if (change->multiplier != TC_RATE_NONE) {
		if (scale_rates(&row->base, change->multiplier) != TC_OK ||
		    scale_rates(&row->tier, change->multiplier) != TC_OK)
			return TC_ERR_LIMIT;
		return TC_OK;
	}
	put_rates(&change->rates, row);
	return TC_OK;
}
