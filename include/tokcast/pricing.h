/*
 * tokcast/pricing.h - exact money, the dated price catalog, the cost of a
 * request and the expected cost of a class of requests.
 *
 * Prices are exact. A rate is an integer number of 1e-15 USD per token
 * (a rate of $0.0375 per million tokens is 37,500,000); a multiplier
 * (batch 0.5) is an integer number of millionths; a cost is
 * tokens x rate x multiplier, an integer of 1e-21 USD held in 128 bits.
 * No binary floating point touches a price or a sum of prices. Only the
 * expectation functions at the end, which are statistics, use double.
 *
 * docs/pricing.md describes the catalog file and the billing rules.
 */
#ifndef TOKCAST_PRICING_H
#define TOKCAST_PRICING_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "tokcast/status.h"
#include "tokcast/usage.h"
#include "tokcast/spec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An exact amount of money in units of 1e-21 USD. */
__extension__ typedef __int128 tc_money;

#define TC_MONEY_DIGITS 21		/* decimal places of a tc_money */
#define TC_RATE_DIGITS 15		/* decimal places of USD per token */
#define TC_MULT_ONE 1000000		/* a multiplier of 1 in millionths */
#define TC_RATE_NONE INT64_C(-1)	/* no price: using it is an error */

/*
 * Formats an amount of money in USD as an exact decimal string ("0.047025",
 * "1.00", "-0.5"): every nonzero digit kept, trailing zeros trimmed down to
 * two decimal places. A nonzero amount never prints as zero. Returns buf,
 * or NULL when size is too small (64 bytes always suffice).
 */
char *tc_money_format(tc_money amount, char *buf, size_t size);

/*
 * Parses a decimal USD amount ("12.5", "0.000001", "-3") into *out exactly.
 * Returns TC_OK, TC_ERR_PARSE (not a plain decimal: exponents, spaces
 * inside, more than 18 decimal places) or TC_ERR_LIMIT (too large).
 */
tc_status tc_money_parse(const char *text, tc_money *out);

/*
 * Parses a rate in USD per million tokens ("2.5", "0.0375") into an
 * integer of 1e-15 USD per token. Returns TC_OK, TC_ERR_PARSE (negative,
 * not a plain decimal, more than 9 decimal places, which would be finer
 * than 1e-15 USD per token) or TC_ERR_LIMIT (above 1,000,000 USD per
 * million tokens).
 */
tc_status tc_rate_parse(const char *text, int64_t *rate);

/* Writes a rate back as USD per million tokens ("2.5"); returns buf. */
char *tc_rate_format(int64_t rate, char *buf, size_t size);

/* A model's per-token rates in 1e-15 USD; TC_RATE_NONE when not priced. */
typedef struct tc_rates {
	int64_t input;		/* uncached input */
	int64_t cache_read;
	int64_t cache_write_5m;
	int64_t cache_write_1h;
	int64_t output;
	int64_t reasoning;	/* output that is reasoning */
	int64_t audio_input;	/* shown, not used: usage has no audio */
	int64_t image_input;	/* shown, not used: usage has no images */
} tc_rates;

/* Bits of tc_price.tier_derived: which tier rates were derived. */
enum tc_tier_derived_bits {
	TC_DERIVED_CACHE_READ = 1,
	TC_DERIVED_CACHE_WRITE_5M = 2,
	TC_DERIVED_CACHE_WRITE_1H = 4
};

/*
 * One catalog row: a model's prices from a date on. Strings belong to the
 * catalog. Rates written as "input" in the file (a cache with no discount)
 * are resolved to the input rate, a missing reasoning rate to the output
 * rate, and tier cache rates the file leaves empty are derived from the
 * base cache-to-input ratio (flagged in tier_derived).
 */
typedef struct tc_price {
	const char *model;
	const char *provider;
	int64_t effective_from;		/* days since 1970-01-01, UTC */
	tc_rates base;
	uint64_t tier_threshold;	/* prompt tokens; 0 when untiered */
	tc_rates tier;			/* rates above the threshold */
	unsigned tier_derived;		/* tc_tier_derived_bits */
	int64_t batch_mult;		/* millionths; TC_RATE_NONE if none */
	int64_t priority_mult;
	int64_t flex_mult;
	int64_t web_search_call;	/* 1e-15 USD per call, or NONE */
	const char *date_basis;		/* how the date is known */
	const char *source;
	const char *file;		/* where the row was read */
	long line;
} tc_price;

typedef struct tc_catalog tc_catalog;

/* Returns a new empty catalog, or NULL when out of memory. */
tc_catalog *tc_catalog_new(void);
void tc_catalog_free(tc_catalog *cat);

/*
 * Loads a catalog CSV file (docs/pricing.md) into cat. Models the file
 * prices replace every row cat already had for them (a user catalog
 * overrides the bundled one model by model); other models are added.
 * Errors name the file, line and column. Returns TC_OK, TC_ERR_IO,
 * TC_ERR_PARSE (malformed CSV, a value that is not a decimal or date, an
 * unknown column), TC_ERR_INVALID (a missing required column or value,
 * two rows of one model on one date, tier rates without a threshold),
 * TC_ERR_LIMIT (more than 100,000 rows or a field over 4 KiB) or
 * TC_ERR_NOMEM. On error cat is unchanged.
 */
tc_status tc_catalog_load(tc_catalog *cat, const char *path, tc_error *err);

/* The number of rows, and the i-th row in (model, date) order. */
size_t tc_catalog_count(const tc_catalog *cat);
const tc_price *tc_catalog_row(const tc_catalog *cat, size_t i);

/*
 * The catalog id a model name resolves to: the name itself when the
 * catalog prices it, else the name without a dated snapshot suffix
 * ("-20250929", "-2024-08-06", "-001") when that is priced. Returns the
 * catalog's string, or NULL when neither is priced.
 */
const char *tc_catalog_resolve(const tc_catalog *cat, const char *model);

/*
 * The row of model (resolved as above) in effect on day (days since
 * 1970-01-01, UTC). Returns TC_OK, TC_ERR_NOT_FOUND for an unknown model
 * (the message names the nearest catalog ids) or for a day before the
 * model's first price (the message names that date).
 */
tc_status tc_catalog_find(const tc_catalog *cat, const char *model,
			  int64_t day, const tc_price **out, tc_error *err);

/* The cost of one request, per bucket, in 1e-21 USD. */
typedef struct tc_cost {
	tc_money input;		/* uncached input */
	tc_money cache_read;
	tc_money cache_write_5m;
	tc_money cache_write_1h;
	tc_money output;	/* all output, reasoning included */
	tc_money reasoning;	/* the part of output that is reasoning */
	tc_money per_call;	/* per-call charges (web search) */
	tc_money total;
	int tiered;		/* 1 when the long-context rates applied */
	const tc_price *price;	/* the row used, when found by tc_cost_of */
} tc_cost;

/*
 * Prices one request with a catalog row: the tier applies to the whole
 * request when its prompt (all input, cache included) is strictly above
 * the threshold; reasoning tokens at the reasoning rate; batch, priority
 * and flex requests at their multiplier. Returns TC_OK, TC_ERR_INVALID
 * when the request uses a bucket or service tier the row has no price
 * for, or reasoning exceeds output, or TC_ERR_LIMIT when the cost does not
 * fit 128 bits (absurd token counts).
 */
tc_status tc_price_request(const tc_price *price, const tc_usage *u,
			   tc_cost *out, tc_error *err);

/*
 * Finds the row for u->model on the day of u->time_us (or on at_day when
 * u has no time or at_day is not TC_TIME_NONE) and prices u with it.
 * Returns the statuses of tc_catalog_find and tc_price_request, and
 * TC_ERR_INVALID when the record names no model, or has no time and no
 * at_day is given. out->price is the row used (NULL when none was found).
 */
tc_status tc_cost_of(const tc_catalog *cat, const tc_usage *u,
		     int64_t at_day, tc_cost *out, tc_error *err);

/* The keys a cost table groups by (any combination of one period). */
enum tc_cost_by {
	TC_BY_CLASS = 1,
	TC_BY_MODEL = 2,
	TC_BY_DAY = 4,		/* UTC date, YYYY-MM-DD */
	TC_BY_WEEK = 8,		/* ISO 8601 week, YYYY-Www */
	TC_BY_MONTH = 16	/* YYYY-MM */
};

/* One group's sums: tokens per bucket and exact costs. */
typedef struct tc_cost_row {
	const char *class_name;	/* "" when not grouped by class */
	const char *model;	/* the catalog id; "" when not grouped */
	char period[16];	/* "" when not grouped by a period */
	uint64_t requests;
	uint64_t uncached_input;
	uint64_t cache_read;
	uint64_t cache_write_5m;
	uint64_t cache_write_1h;
	uint64_t output;	/* reasoning included */
	uint64_t reasoning;
	tc_money cost;		/* everything */
	tc_money cost_input;	/* uncached input */
	tc_money cost_cache_read;
	tc_money cost_cache_write;	/* 5-minute and 1-hour */
	tc_money cost_output;	/* reasoning included */
	tc_money cost_per_call;	/* web search and other per-call charges */
} tc_cost_row;

/* Priced requests summed by class, model and period. */
typedef struct tc_cost_table tc_cost_table;

/*
 * A new empty table grouping by the tc_cost_by bits in by (at most one
 * period bit). Returns NULL when out of memory or by has two periods.
 */
tc_cost_table *tc_cost_table_new(unsigned by);
void tc_cost_table_free(tc_cost_table *t);

/*
 * Adds one priced request (c from tc_cost_of, whose price names the
 * model). Returns TC_OK, TC_ERR_INVALID when grouping by a period and the
 * record has no time, TC_ERR_LIMIT when a sum overflows, TC_ERR_NOMEM.
 */
tc_status tc_cost_table_add(tc_cost_table *t, const tc_usage *u,
			    const tc_cost *c, tc_error *err);

/* The groups, sorted by class, model and period; and their total. */
size_t tc_cost_table_count(const tc_cost_table *t);
const tc_cost_row *tc_cost_table_row(const tc_cost_table *t, size_t i);
const tc_cost_row *tc_cost_table_total(const tc_cost_table *t);

/*
 * Writes the table as JSON ({"by": [...], "rows": [...],
 * "total_cost_usd": "...", "total": {...}}; dollars as exact decimal
 * strings, docs/cli-pricing.md) or as CSV with the same columns. Returns
 * TC_OK, TC_ERR_IO or TC_ERR_NOMEM.
 */
tc_status tc_cost_table_write_json(const tc_cost_table *t, FILE *fp,
				   tc_error *err);
tc_status tc_cost_table_write_csv(const tc_cost_table *t, FILE *fp,
				  tc_error *err);

/*
 * A class's requests for the expected-cost functions: distributions of
 * all input tokens and of all output tokens per request (independent of
 * each other), and the mean shares that split them.
 */
typedef struct tc_request_mix {
	const tc_spec *input_tokens;	/* all input, cache included */
	const tc_spec *output_tokens;	/* all output, reasoning included */
	double cached_share;		/* of input, read from cache */
	double cache_write_share;	/* of input, written to cache */
	double write_1h_share;		/* of writes, with 1-hour lifetime */
	double reasoning_share;		/* of output, reasoning */
	double batch_share;		/* of requests, sent as batch */
} tc_request_mix;

/* Moments of the cost of one request, in USD. */
typedef struct tc_cost_moments {
	double mean;
	double variance;
	double third;		/* third central moment */
	double tier_share;	/* probability the tier applies */
} tc_cost_moments;

/*
 * The mean, variance and third central moment of the cost of one request
 * of a class on a day, integrating over the input-token distribution
 * across the tier threshold (cost is not linear in tokens once a tier
 * exists, so the mean request's price is not the mean price). Shares are
 * applied at their means. Returns TC_OK, the statuses of
 * tc_catalog_find, TC_ERR_ARG (a share outside [0, 1], cached plus write
 * share above 1, a NULL spec), TC_ERR_INVALID (the class uses a bucket or
 * batch the row does not price), TC_ERR_UNSUPPORTED (a spec whose
 * parameters are uncertain: instantiate it first) or TC_ERR_NUMERIC
 * (the input or output spec has no finite third moment, e.g. a
 * log-logistic of shape 3 or less not truncated above, or the
 * integration failed). Moments are good to about 1e-9 relative for
 * continuous specs and 1e-6 for discrete ones (docs/pricing.md).
 */
tc_status tc_expected_cost(const tc_catalog *cat, const char *model,
			   int64_t day, const tc_request_mix *mix,
			   tc_cost_moments *out, tc_error *err);

/*
 * The same for a row already found (the engine keeps the row while the
 * date stays within it). Returns the statuses above except those of
 * tc_catalog_find.
 */
tc_status tc_expected_cost_row(const tc_price *price,
			       const tc_request_mix *mix,
			       tc_cost_moments *out, tc_error *err);

#ifdef __cplusplus
}
#endif

#endif
