/*
 * pricing_cost.c - which catalog row prices a request, and the exact cost
 * of one request under the billing rules of docs/pricing.md.
 */
#include <stdio.h>
#include <string.h>

#include "pricing_int.h"
#include "tci.h"

#define US_PER_DAY INT64_C(86400000000)
#define SUGGESTIONS 3

/* Index of the first row of model in the sorted catalog, or n. */
static size_t first_row(const tc_catalog *cat, const char *model)
{
	size_t lo = 0, hi = tc_catalog_count(cat), mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(tc_catalog_row(cat, mid)->model, model) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The catalog's own string for model, or NULL. */
static const char *catalog_id(const tc_catalog *cat, const char *model)
{
	size_t i = first_row(cat, model);
	const tc_price *p = tc_catalog_row(cat, i);

	return p && strcmp(p->model, model) == 0 ? p->model : NULL;
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * The length of model without a snapshot suffix: "-YYYYMMDD",
 * "-YYYY-MM-DD", a three-digit version "-001" or "-latest"; 0 when it
 * has none.
 */
static size_t base_length(const char *m)
{
	size_t n = strlen(m);

	if (n > 9 && m[n - 9] == '-' && all_digits(m + n - 8, 8))
		return n - 9;
	if (n > 11 && m[n - 11] == '-' && all_digits(m + n - 10, 4) &&
	    m[n - 6] == '-' && all_digits(m + n - 5, 2) && m[n - 3] == '-' &&
	    all_digits(m + n - 2, 2))
		return n - 11;
	if (n > 4 && m[n - 4] == '-' && all_digits(m + n - 3, 3))
		return n - 4;
	if (n > 7 && strcmp(m + n - 7, "-latest") == 0)
		return n - 7;
	return 0;
}

const char *tc_catalog_resolve(const tc_catalog *cat, const char *model)
{
	char base[256];
	const char *id;
	size_t n;

	if (!cat || !model)
		return NULL;
	id = catalog_id(cat, model);
	if (id)
		return id;
	n = base_length(model);
	if (n == 0 || n >= sizeof base)
		return NULL;
	memcpy(base, model, n);
	base[n] = '\0';
	return catalog_id(cat, base);
}

/* Keeps the SUGGESTIONS nearest ids to model, in order of distance. */
static void nearest_ids(const tc_catalog *cat, const char *model,
			const char **best, size_t *dist)
{
	size_t i, k, j, d;
	const char *id;

	for (k = 0; k < SUGGESTIONS; k++) {
		best[k] = NULL;
		dist[k] = (size_t)-1;
	}
	for (i = 0; i < tc_catalog_count(cat); i++) {
		id = tc_catalog_row(cat, i)->model;
		if (i > 0 && strcmp(id, tc_catalog_row(cat, i - 1)->model) == 0)
			continue;
		d = tci_edit_distance(model, id, 64);
		for (k = 0; k < SUGGESTIONS && d >= dist[k]; k++)
			;
		if (k == SUGGESTIONS)
			continue;
		for (j = SUGGESTIONS - 1; j > k; j--) {
			best[j] = best[j - 1];
			dist[j] = dist[j - 1];
		}
		best[k] = id;
		dist[k] = d;
	}
}

/* The error for a model the catalog does not price. */
static tc_status unknown_model(const tc_catalog *cat, const char *model,
			       tc_error *err)
{
	const char *best[SUGGESTIONS];
	size_t dist[SUGGESTIONS], k;
	char list[512] = "";
	size_t len = 0;

	nearest_ids(cat, model, best, dist);
	for (k = 0; k < SUGGESTIONS && best[k]; k++) {
		snprintf(list + len, sizeof list - len, "%s%s",
			 k ? ", " : "", best[k]);
		len = strlen(list);
	}
	if (!len)
		return tci_error(err, TC_ERR_NOT_FOUND, NULL, 0, NULL,
				 "unknown model '%s': the catalog is empty",
				 model);
	return tci_error(err, TC_ERR_NOT_FOUND, NULL, 0, NULL,
			 "unknown model '%s'; nearest catalog ids: %s "
			 "(a catalog of your own can add it: --catalog FILE)",
			 model, list);
}

tc_status tc_catalog_find(const tc_catalog *cat, const char *model,
			  int64_t day, const tc_price **out, tc_error *err)
{
	const char *id;
	const tc_price *p, *hit = NULL;
	size_t i;
	char date[16];

	if (!cat || !model || !out)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no catalog, model or output");
	id = tc_catalog_resolve(cat, model);
	if (!id)
		return unknown_model(cat, model, err);

	/* Rows of a model are sorted by date: take the last not after day. */
	for (i = first_row(cat, id); i < tc_catalog_count(cat); i++) {
		p = tc_catalog_row(cat, i);
		if (strcmp(p->model, id) != 0 || p->effective_from > day)
			break;
		hit = p;
	}
	if (!hit) {
		tci_format_date(tc_catalog_row(cat, first_row(cat, id))
				->effective_from, date, sizeof date);
		return tci_error(err, TC_ERR_NOT_FOUND, NULL, 0, id,
				 "no price before %s, the model's first "
				 "catalog date", date);
	}
	*out = hit;
	return TC_OK;
}

/* The service tier's multiplier in millionths, or TC_RATE_NONE. */
static int64_t tier_multiplier(const tc_price *p, tc_service_tier t)
{
	switch (t) {
	case TC_TIER_STANDARD:
		return TC_MULT_ONE;
	case TC_TIER_BATCH:
		return p->batch_mult;
	case TC_TIER_PRIORITY:
		return p->priority_mult;
	case TC_TIER_FLEX:
		return p->flex_mult;
	default:
		return TC_RATE_NONE;
	}
}

static const char *tier_name(tc_service_tier t)
{
	static const char *names[] = {"standard", "batch", "priority", "flex"};

	return (unsigned)t < 4 ? names[t] : "unknown";
}

/*
 * One bucket's cost, tokens x rate x multiplier, into *out. A bucket with
 * no tokens costs nothing even when unpriced.
 */
static tc_status bucket(const tc_price *p, const char *name, uint64_t tokens,
			int64_t rate, int64_t mult, tc_money *out,
			tc_error *err)
{
	tc_money c;

	*out = 0;
	if (tokens == 0)
		return TC_OK;
	if (rate == TC_RATE_NONE)
		return tci_error(err, TC_ERR_INVALID, p->file, p->line,
				 p->model, "no %s price, but the request has "
				 "%llu %s tokens", name,
				 (unsigned long long)tokens, name);
	if (__builtin_mul_overflow((tc_money)tokens, (tc_money)rate, &c) ||
	    __builtin_mul_overflow(c, (tc_money)mult, out))
		return tci_error(err, TC_ERR_LIMIT, NULL, 0, p->model,
				 "cost of %llu %s tokens overflows",
				 (unsigned long long)tokens, name);
	return TC_OK;
}

/* Sums the buckets into out->total, checking for overflow. */
static tc_status total(tc_cost *c, tc_error *err)
{
	tc_money parts[] = {c->input, c->cache_read, c->cache_write_5m,
			    c->cache_write_1h, c->output, c->per_call};
	size_t i;

	c->total = 0;
	for (i = 0; i < sizeof parts / sizeof parts[0]; i++)
		if (__builtin_add_overflow(c->total, parts[i], &c->total))
			return tci_error(err, TC_ERR_LIMIT, NULL, 0, NULL,
					 "cost total overflows");
	return TC_OK;
}

tc_status tc_price_request(const tc_price *p, const tc_usage *u,
			   tc_cost *out, tc_error *err)
{
	const tc_rates *r;
	int64_t m;
	tc_money plain;
	tc_status st;

	memset(out, 0, sizeof *out);
	if (u->reasoning > u->output)
		return tci_error(err, TC_ERR_INVALID, NULL, u->line, p->model,
				 "reasoning tokens exceed output tokens");
	m = tier_multiplier(p, u->tier);
	if (m == TC_RATE_NONE)
		return tci_error(err, TC_ERR_INVALID, p->file, p->line,
				 p->model, "no %s price for this model",
				 tier_name(u->tier));

	/* The tier reprices the whole request, strictly above threshold. */
	out->tiered = p->tier_threshold &&
		      tc_usage_input(u) > p->tier_threshold;
	r = out->tiered ? &p->tier : &p->base;

	st = bucket(p, "input", u->uncached_input, r->input, m, &out->input,
		    err);
	if (st == TC_OK)
		st = bucket(p, "cache_read", u->cache_read, r->cache_read, m,
			    &out->cache_read, err);
	if (st == TC_OK)
		st = bucket(p, "cache_write_5m", u->cache_write_5m,
			    r->cache_write_5m, m, &out->cache_write_5m, err);
	if (st == TC_OK)
		st = bucket(p, "cache_write_1h", u->cache_write_1h,
			    r->cache_write_1h, m, &out->cache_write_1h, err);
	if (st == TC_OK)
		st = bucket(p, "output", u->output - u->reasoning, r->output,
			    m, &plain, err);
	if (st == TC_OK)
		st = bucket(p, "reasoning", u->reasoning, r->reasoning, m,
			    &out->reasoning, err);
	if (st == TC_OK)
		st = bucket(p, "web_search", u->web_search_calls,
			    p->web_search_call, 1000000, &out->per_call, err);
	if (st != TC_OK)
		return st;
	out->output = plain + out->reasoning;
	return total(out, err);
}

tc_status tc_cost_of(const tc_catalog *cat, const tc_usage *u,
		     int64_t at_day, tc_cost *out, tc_error *err)
{
	const tc_price *p = NULL;
	int64_t day = at_day;
	tc_status st;

	if (day == TC_TIME_NONE) {
		if (u->time_us == TC_TIME_NONE)
			return tci_error(err, TC_ERR_INVALID, NULL, u->line,
					 NULL, "record has no time to choose "
					 "its price by (give a date)");
		/* Floor division: days before 1970 stay on their date. */
		day = u->time_us / US_PER_DAY;
		if (u->time_us % US_PER_DAY < 0)
			day--;
	}
	if (!u->model || !*u->model)
		return tci_error(err, TC_ERR_INVALID, NULL, u->line, NULL,
				 "the record names no model (assign one to "
				 "the log, e.g. --model ID)");
	st = tc_catalog_find(cat, u->model, day, &p, err);
	if (st == TC_OK)
		st = tc_price_request(p, u, out, err);
	out->price = p;
	return st;
}
