/*
 * test_pricing.c - exact money, the catalog format, the billing rules on
 * the worked cases of ../shared/PRICING-FACTS.md (values worked by hand
 * there and repeated in each case), the expected cost under a tier
 * against the lognormal closed form, and the bundled catalog's
 * consistency.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "tc_test.h"
#include "tci.h"
#include "../models/pricing_int.h"

#define US_PER_DAY INT64_C(86400000000)

static const char *bundled_path(void)
{
	return TC_BINARY_DIR "/share/tokcast/catalog.csv";
}

/* A catalog loaded from text; fails the case on error. */
static tc_catalog *catalog_from(const char *text)
{
	tc_catalog *cat = tc_catalog_new();
	tc_error err = {0};
	char buf[2048];

	assert_non_null(cat);
	if (tc_catalog_load(cat, tc_write_temp("c.csv", text), &err) != TC_OK)
		fail_msg("%s", tc_error_format(&err, buf, sizeof buf));
	return cat;
}

static tc_status load_text(const char *text, tc_error *err)
{
	tc_catalog *cat = tc_catalog_new();
	tc_status st = tc_catalog_load(cat, tc_write_temp("c.csv", text), err);

	tc_catalog_free(cat);
	return st;
}

/* A usage record at a UTC date and time. */
static tc_usage usage_at(const char *model, int64_t y, unsigned mo,
			 unsigned d, int64_t secs)
{
	tc_usage u;

	memset(&u, 0, sizeof u);
	u.model = model;
	u.class_name = "";
	u.request_id = "";
	u.time_us = tci_days_from_civil(y, mo, d) * US_PER_DAY +
		    secs * 1000000;
	return u;
}

/* Prices u and compares the total with the exact text. */
static void expect_cost(const tc_catalog *cat, const tc_usage *u,
			const char *want)
{
	tc_cost c;
	tc_error err = {0};
	char buf[64], msg[2048];

	if (tc_cost_of(cat, u, TC_TIME_NONE, &c, &err) != TC_OK)
		fail_msg("%s", tc_error_format(&err, msg, sizeof msg));
	assert_string_equal(tc_money_format(c.total, buf, sizeof buf), want);
}

#define HEAD "model,effective_from,input,cache_read,cache_write_5m," \
	     "cache_write_1h,output\n"

static void money_formats_exactly(void **state)
{
	char buf[64];
	int64_t r;
	tc_money m;

	assert_int_equal(tc_rate_parse("0.0375", &r), TC_OK);
	assert_true(r == 37500000);
	assert_int_equal(tc_rate_parse("15", &r), TC_OK);
	assert_true(r == INT64_C(15000000000));
	assert_int_equal(tc_rate_parse("1e-3", &r), TC_ERR_PARSE);
	assert_int_equal(tc_rate_parse("-1", &r), TC_ERR_PARSE);
	assert_int_equal(tc_rate_parse("0.0000000001", &r), TC_ERR_PARSE);
	assert_int_equal(tc_rate_parse("2000000", &r), TC_ERR_LIMIT);
	assert_string_equal(tc_rate_format(37500000, buf, sizeof buf),
			    "0.0375");
	assert_string_equal(tc_rate_format(INT64_C(22500000000), buf,
					   sizeof buf), "22.5");

	assert_int_equal(tc_money_parse("-12.5", &m), TC_OK);
	assert_string_equal(tc_money_format(m, buf, sizeof buf), "-12.50");
	assert_string_equal(tc_money_format(0, buf, sizeof buf), "0.00");
	assert_string_equal(tc_money_format(1, buf, sizeof buf),
			    "0.000000000000000000001");
	assert_null(tc_money_format(1, buf, 8));
}

static void one_token_at_tiny_rate_is_not_zero(void **state)
{
	tc_catalog *cat = catalog_from(HEAD "tiny,2026-01-01,0.000000001,"
				       ",,,0.000000001\n");
	tc_usage u = usage_at("tiny", 2026, 3, 1, 0);

	u.output = 1;
	/* 1e-9 USD per MTok is 1e-15 USD per token. */
	expect_cost(cat, &u, "0.000000000000001");
	tc_catalog_free(cat);
}

/* PRICING-FACTS case 1: $0.341642. */
static void worked_case_1_openai_session(void **state)
{
	tc_catalog *cat = catalog_from(HEAD "m1,2025-01-01,1.25,0.125,,,"
				       "10\n");
	tc_usage u = usage_at("m1", 2025, 6, 1, 0);

	u.uncached_input = 1239328 - 1188096;
	u.cache_read = 1188096;
	u.output = 12909;
	expect_cost(cat, &u, "0.341642");
	tc_catalog_free(cat);
}

/* PRICING-FACTS case 2 on the bundled gpt-5-nano: $0.00019365. */
static void worked_case_2_reasoning_inside_output(void **state)
{
	tc_catalog *cat = tc_catalog_new();
	tc_error err = {0};
	tc_usage u = usage_at("gpt-5-nano", 2025, 9, 1, 0);

	assert_int_equal(tc_catalog_load(cat, bundled_path(), &err), TC_OK);
	u.uncached_input = 17;
	u.output = 482;
	u.reasoning = 448;
	expect_cost(cat, &u, "0.00019365");
	tc_catalog_free(cat);
}

/* PRICING-FACTS case 3: $0.047025, 1h writes at the 1h rate. */
static void worked_case_3_anthropic_cache_lifetimes(void **state)
{
	tc_catalog *cat = catalog_from(HEAD "m3,2025-01-01,3,0.30,3.75,6,"
				       "15\n");
	tc_usage u = usage_at("m3", 2025, 6, 1, 0);
	tc_cost c;

	u.uncached_input = 50;
	u.cache_read = 100000;
	u.cache_write_5m = 500;
	u.cache_write_1h = 1500;
	u.output = 400;
	assert_true(tc_usage_input(&u) == 102050);
	expect_cost(cat, &u, "0.047025");

	/* 1,500 x 6 per million: 0.009 USD = 9e18 units of 1e-21. */
	assert_int_equal(tc_cost_of(cat, &u, TC_TIME_NONE, &c, NULL), TC_OK);
	assert_true(c.cache_write_1h == (tc_money)9000000000 * 1000000000);
	tc_catalog_free(cat);
}

#define TIERED HEAD_T "m4,2025-01-01,2,,,,12,200000,4,18\n"
#define HEAD_T "model,effective_from,input,cache_read,cache_write_5m," \
	       "cache_write_1h,output,tier_threshold,tier_input," \
	       "tier_output\n"

/* PRICING-FACTS case 4: 250k prompt $1.00, exactly 200k $0.40. */
static void worked_case_4_tier_whole_request(void **state)
{
	tc_catalog *cat = catalog_from(TIERED);
	tc_usage u = usage_at("m4", 2025, 6, 1, 0);

	u.uncached_input = 250000;
	expect_cost(cat, &u, "1.00");
	u.uncached_input = 200000;
	expect_cost(cat, &u, "0.40");
	tc_catalog_free(cat);
}

/* One token above the threshold: 200,001 x 4 per million. */
static void tier_boundary_one_above(void **state)
{
	tc_catalog *cat = catalog_from(TIERED);
	tc_usage u = usage_at("m4", 2025, 6, 1, 0);

	u.uncached_input = 200001;
	expect_cost(cat, &u, "0.800004");

	/* Output of a tiered request is repriced too: 10 x 18 per MTok. */
	u.output = 10;
	expect_cost(cat, &u, "0.800184");
	u.uncached_input = 200000;
	expect_cost(cat, &u, "0.40012");
	tc_catalog_free(cat);
}

/* The tier counts cache reads and writes in the prompt. */
static void tier_counts_cached_prompt(void **state)
{
	tc_catalog *cat = catalog_from(HEAD_T "m4,2025-01-01,2,0.2,2.5,4,"
				       "12,200000,4,18\n");
	tc_usage u = usage_at("m4", 2025, 6, 1, 0);
	tc_cost c;

	u.uncached_input = 1;
	u.cache_read = 199999;
	assert_int_equal(tc_cost_of(cat, &u, TC_TIME_NONE, &c, NULL), TC_OK);
	assert_false(c.tiered);
	u.cache_write_1h = 1;
	/* Above: cache rates derived x2 (4/2): 1x4 + 199999x0.4 + 1x8. */
	expect_cost(cat, &u, "0.0800116");
	tc_catalog_free(cat);
}

#define DATED HEAD "m5,2026-01-01,5,0.50,,,30\n" \
		   "m5,2026-08-21,4,0.40,,,20\n"

/* Prices the two records of PRICING-FACTS case 5. */
static void expect_case_5(const tc_catalog *cat)
{
	tc_usage a = usage_at("m5", 2026, 8, 20, 86399);
	tc_usage b = usage_at("m5", 2026, 8, 21, 0);

	a.uncached_input = b.uncached_input = 20000;
	a.cache_read = b.cache_read = 80000;
	a.output = b.output = 2000;
	expect_cost(cat, &a, "0.20");
	expect_cost(cat, &b, "0.152");
}

/* PRICING-FACTS case 5: each record at its own date's rate. */
static void worked_case_5_price_change(void **state)
{
	tc_catalog *cat = catalog_from(DATED);

	expect_case_5(cat);
	tc_catalog_free(cat);

	/* A later price added to the catalog changes nothing earlier. */
	cat = catalog_from(DATED "m5,2026-12-01,1,0.1,,,1\n");
	expect_case_5(cat);
	tc_catalog_free(cat);
}

static void price_before_first_date_is_error(void **state)
{
	tc_catalog *cat = catalog_from(DATED);
	tc_usage u = usage_at("m5", 2025, 12, 31, 0);
	tc_cost c;
	tc_error err = {0};

	u.output = 1;
	assert_int_equal(tc_cost_of(cat, &u, TC_TIME_NONE, &c, &err),
			 TC_ERR_NOT_FOUND);
	assert_non_null(strstr(err.message, "2026-01-01"));

	/* A fixed pricing date overrides the record's own. */
	assert_int_equal(tc_cost_of(cat, &u, tci_days_from_civil(2026, 9, 1),
				    &c, NULL), TC_OK);
	tc_catalog_free(cat);
}

/* A million costs of 1 token at $0.0375/MTok sum to exactly $0.0375. */
static void million_small_costs_sum_exactly(void **state)
{
	tc_catalog *cat = catalog_from(HEAD "s,2026-01-01,0.0375,,,,"
				       "0.0375\n");
	tc_usage u = usage_at("s", 2026, 2, 1, 0);
	tc_money sum = 0;
	double fsum = 0;
	tc_cost c;
	char buf[64];
	long i;

	u.uncached_input = 1;
	for (i = 0; i < 1000000; i++) {
		assert_int_equal(tc_cost_of(cat, &u, TC_TIME_NONE, &c, NULL),
				 TC_OK);
		sum += c.total;
		fsum += 0.0375e-6;
	}
	assert_string_equal(tc_money_format(sum, buf, sizeof buf), "0.0375");
	/* Binary floating point drifts on the same sum. */
	assert_true(fsum != 0.0375);
	tc_catalog_free(cat);
}

static void snapshots_resolve_to_their_model(void **state)
{
	tc_catalog *cat = tc_catalog_new();

	assert_int_equal(tc_catalog_load(cat, bundled_path(), NULL), TC_OK);
	assert_string_equal(tc_catalog_resolve(cat,
		"claude-sonnet-4-5-20250929"), "claude-sonnet-4-5");
	assert_string_equal(tc_catalog_resolve(cat, "gpt-4o-2024-08-06"),
			    "gpt-4o");
	assert_string_equal(tc_catalog_resolve(cat, "gpt-4o-2024-05-13"),
			    "gpt-4o-2024-05-13");
	assert_string_equal(tc_catalog_resolve(cat, "gemini-2.0-flash-001"),
			    "gemini-2.0-flash");
	assert_string_equal(tc_catalog_resolve(cat, "mistral-large-2411"),
			    "mistral-large-2411");
	assert_null(tc_catalog_resolve(cat, "gpt-4o-2024"));
	assert_null(tc_catalog_resolve(cat, "llama-3-70b-20240101"));
	tc_catalog_free(cat);
}

static void unknown_model_names_nearest(void **state)
{
	tc_catalog *cat = tc_catalog_new();
	const tc_price *p;
	tc_error err = {0};

	assert_int_equal(tc_catalog_load(cat, bundled_path(), NULL), TC_OK);
	assert_int_equal(tc_catalog_find(cat, "gpt-5-nanoo", 20000, &p, &err),
			 TC_ERR_NOT_FOUND);
	assert_non_null(strstr(err.message, "'gpt-5-nanoo'"));
	assert_non_null(strstr(err.message, "gpt-5-nano,"));
	tc_catalog_free(cat);
}

static void unpriced_bucket_is_error(void **state)
{
	tc_catalog *cat = catalog_from(HEAD "m,2026-01-01,1,,,,2\n");
	tc_usage u = usage_at("m", 2026, 2, 1, 0);
	tc_cost c;
	tc_error err = {0};

	u.uncached_input = 10;
	u.output = 5;
	assert_int_equal(tc_cost_of(cat, &u, TC_TIME_NONE, &c, NULL), TC_OK);
	u.cache_read = 3;
	assert_int_equal(tc_cost_of(cat, &u, TC_TIME_NONE, &c, &err),
			 TC_ERR_INVALID);
	assert_non_null(strstr(err.message, "no cache_read price"));

	/* A batch request on a row with no batch multiplier. */
	u.cache_read = 0;
	u.tier = TC_TIER_BATCH;
	assert_int_equal(tc_cost_of(cat, &u, TC_TIME_NONE, &c, NULL),
			 TC_ERR_INVALID);
	tc_catalog_free(cat);
}

/* "input" in a cache column bills cached tokens at the input rate. */
static void no_discount_cache_at_input_rate(void **state)
{
	tc_catalog *cat = catalog_from(HEAD "m,2026-01-01,2,input,input,"
				       "input,4\n");
	tc_usage u = usage_at("m", 2026, 2, 1, 0);

	u.cache_read = 1000;
	u.cache_write_5m = 1000;
	u.cache_write_1h = 1000;
	expect_cost(cat, &u, "0.006");
	tc_catalog_free(cat);
}

static void batch_and_per_call_charges(void **state)
{
	tc_catalog *cat = catalog_from(
		"model,effective_from,input,output,reasoning,"
		"batch_multiplier,web_search_per_1k_calls\n"
		"m,2026-01-01,3,15,20,0.5,10\n");
	tc_usage u = usage_at("m", 2026, 2, 1, 0);

	/* 1000 x 3 + 100 x 15 + 100 x 20 per MTok, halved: 0.00325. */
	u.uncached_input = 1000;
	u.output = 200;
	u.reasoning = 100;
	u.tier = TC_TIER_BATCH;
	expect_cost(cat, &u, "0.00325");

	/* Two searches at $10 per 1,000 calls, not halved. */
	u.web_search_calls = 2;
	expect_cost(cat, &u, "0.02325");
	tc_catalog_free(cat);
}

static tc_status load_text_path(const char *path)
{
	tc_catalog *cat = tc_catalog_new();
	tc_status st = tc_catalog_load(cat, path, NULL);

	tc_catalog_free(cat);
	return st;
}

static void catalog_errors_name_line_and_column(void **state)
{
	tc_error err = {0};

	assert_int_equal(load_text(HEAD "a,2026-01-01,1,,,,2\n"
				   "b,2026-01-01,x1,,,,2\n", &err),
			 TC_ERR_PARSE);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.element, "column 'input'");
	assert_non_null(strstr(err.file, "c.csv"));

	memset(&err, 0, sizeof err);
	assert_int_equal(load_text("model,effective_from,input,outptu\n",
				   &err), TC_ERR_PARSE);
	assert_non_null(strstr(err.message, "'outptu'"));

	memset(&err, 0, sizeof err);
	assert_int_equal(load_text("model,input,output\n", &err),
			 TC_ERR_INVALID);
	assert_non_null(strstr(err.message, "effective_from"));

	memset(&err, 0, sizeof err);
	assert_int_equal(load_text(HEAD "a,2026-01-01,1,,,,2\n"
				   "a,2026-01-01,1,,,,3\n", &err),
			 TC_ERR_INVALID);
	assert_int_equal(err.line, 3);

	memset(&err, 0, sizeof err);
	assert_int_equal(load_text("model,effective_from,input,output,"
				   "tier_input\na,2026-01-01,1,2,3\n", &err),
			 TC_ERR_INVALID);
	assert_int_equal(load_text(HEAD "a,2026-02-30,1,,,,2\n", NULL),
			 TC_ERR_PARSE);
	assert_int_equal(load_text(HEAD "a,2026-01-01,1,\"x,,,2\n", NULL),
			 TC_ERR_PARSE);
	assert_int_equal(load_text_path("/nonexistent"), TC_ERR_IO);
}

/* A user catalog replaces the bundled rows of its models, adds others. */
static void user_catalog_overrides_and_extends(void **state)
{
	tc_catalog *cat = tc_catalog_new();
	size_t before;
	const tc_price *p;

	assert_int_equal(tc_catalog_load(cat, bundled_path(), NULL), TC_OK);
	before = tc_catalog_count(cat);
	assert_int_equal(tc_catalog_load(cat, tc_write_temp("u.csv",
		HEAD "gpt-5,2020-01-01,1,0.1,,,8\n"
		     "my-model,2020-01-01,1,,,,1\n"), NULL), TC_OK);
	assert_int_equal(tc_catalog_count(cat), before + 1);
	assert_int_equal(tc_catalog_find(cat, "gpt-5-2025-08-07", 20400, &p,
					 NULL), TC_OK);
	assert_true(p->base.output == INT64_C(8000000000));
	assert_int_equal(tc_catalog_find(cat, "my-model", 20400, &p, NULL),
			 TC_OK);
	tc_catalog_free(cat);
}

/* Counts the data rows of a catalog file (not header or # notes). */
static size_t data_rows(const char *path)
{
	char *text = tc_read_whole(path, NULL), *line, *save = NULL;
	size_t n = 0;

	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (line[0] != '#')
			n++;
	free(text);
	return n - 1;
}

/* Checks one bundled row's rates against each other. */
static void check_row(const tc_price *p)
{
	const tc_rates *b = &p->base, *t = &p->tier;

	assert_true(b->input > 0 && b->output > 0);
	if (b->cache_read != TC_RATE_NONE)
		assert_true(b->cache_read <= b->input);
	assert_true(b->cache_write_5m == TC_RATE_NONE ||
		    b->cache_write_5m >= b->input);
	assert_true(b->cache_write_1h == TC_RATE_NONE ||
		    b->cache_write_1h >= b->cache_write_5m);
	assert_true(b->reasoning == b->output);
	assert_true(p->batch_mult == TC_RATE_NONE ||
		    p->batch_mult < TC_MULT_ONE);
	assert_non_null(p->source);
	assert_non_null(p->date_basis);
	if (!p->tier_threshold)
		return;
	assert_true(t->input > b->input && t->output > b->output);
	assert_true(t->cache_read > b->cache_read &&
		    t->cache_read <= t->input);
	assert_true(t->cache_write_5m >= b->cache_write_5m);
	assert_true(t->cache_write_1h >= b->cache_write_1h);
}

static void bundled_catalog_is_consistent(void **state)
{
	tc_catalog *cat = tc_catalog_new();
	tc_error err = {0};
	const tc_price *p, *prev = NULL;
	size_t i;
	char buf[2048];

	if (tc_catalog_load(cat, bundled_path(), &err) != TC_OK)
		fail_msg("%s", tc_error_format(&err, buf, sizeof buf));
	assert_int_equal(tc_catalog_count(cat), data_rows(bundled_path()));
	for (i = 0; i < tc_catalog_count(cat); i++) {
		p = tc_catalog_row(cat, i);
		check_row(p);
		/* Dates increase down the file within a model. */
		if (prev && strcmp(prev->model, p->model) == 0) {
			assert_true(p->effective_from > prev->effective_from);
			assert_true(p->line > prev->line);
		}
		prev = p;
	}
	tc_catalog_free(cat);
}

/* Derived tier cache rates carry their flag; given ones do not. */
static void tier_cache_rates_derived_and_flagged(void **state)
{
	tc_catalog *cat = tc_catalog_new();
	const tc_price *p;

	assert_int_equal(tc_catalog_load(cat, bundled_path(), NULL), TC_OK);
	assert_int_equal(tc_catalog_find(cat, "claude-sonnet-4", 20300, &p,
					 NULL), TC_OK);
	assert_true(p->tier.cache_write_1h == INT64_C(12000000000));
	assert_int_equal(p->tier_derived, TC_DERIVED_CACHE_WRITE_1H);
	assert_true(p->tier.cache_read == 600000000);
	assert_int_equal(tc_catalog_find(cat, "claude-sonnet-4-6", 20600, &p,
					 NULL), TC_OK);
	assert_int_equal(p->tier_threshold, 0);
	tc_catalog_free(cat);
}

/* Lognormal distribution function for tci_partial_moments. */
struct lognormal {
	double mu, sigma;
};

static double lognormal_cdf(double x, void *ctx)
{
	const struct lognormal *l = ctx;

	return x <= 0 ? 0.0 : gsl_cdf_lognormal_P(x, l->mu, l->sigma);
}

/* E[X^k; X > t] of a lognormal: e^(k mu + k^2 s^2 / 2) Phi(d_k). */
static double lognormal_upper(const struct lognormal *l, int k, double t)
{
	double s = l->sigma;

	return exp(k * l->mu + 0.5 * k * k * s * s) *
	       gsl_cdf_ugaussian_P((l->mu + k * s * s - log(t)) / s);
}

/* E[X^k] of a lognormal. */
static double lognormal_raw(const struct lognormal *l, int k)
{
	return exp(k * l->mu + 0.5 * k * k * l->sigma * l->sigma);
}

/*
 * Expected cost per request under a tier against the closed form.
 * Input tokens lognormal(mu, 1) with mu = ln(200000) - 0.5244, so that
 * P(X > 200000) = 1 - Phi(0.5244) = 0.30; output lognormal(6, 0.5).
 * With blended per-token rates a (input) and b (output) below and above
 * the threshold, E[C] = a0 E[X; X <= t] + a1 E[X; X > t]
 * + E[Y] (b0 P(X <= t) + b1 P(X > t)), the partial expectations in closed
 * form above.
 */
static void expected_cost_matches_closed_form(void **state)
{
	tc_catalog *cat = catalog_from(HEAD_T "m,2026-01-01,3,0.3,3.75,6,15,"
				       "200000,6,22.5\n");
	struct lognormal x = {log(200000.0) - 0.5244, 1.0}, y = {6.0, 0.5};
	tc_request_mix mix = {NULL, NULL, 0.5, 0.1, 0.5, 0.0, 0.0};
	double lo[4], hi[4], ym[4], a0, a1, b0, b1, t = 200000, mean, up;
	double ex2, ez2, mean_request;
	const tc_price *p;
	tc_cost_moments m;
	int k;

	assert_int_equal(tc_catalog_find(cat, "m", 20500, &p, NULL), TC_OK);
	assert_int_equal(tci_partial_moments(lognormal_cdf, &x, t, lo, hi),
			 TC_OK);
	for (k = 0; k < 4; k++)
		ym[k] = lognormal_raw(&y, k);
	assert_int_equal(tci_cost_moments(p, &mix, lo, hi, ym, &m, NULL),
			 TC_OK);

	/* Blended rates, USD per token: 0.4 x 3 + 0.5 x 0.3 + 0.05 x 3.75
	 * + 0.05 x 6 per MTok below; twice that above (cache derived). */
	a0 = (0.4 * 3 + 0.5 * 0.3 + 0.05 * 3.75 + 0.05 * 6) * 1e-6;
	a1 = 2 * a0;
	b0 = 15e-6;
	b1 = 22.5e-6;
	up = 1.0 - gsl_cdf_ugaussian_P((log(t) - x.mu) / x.sigma);
	assert_true(fabs(up - 0.30) < 1e-4);
	mean = a0 * (lognormal_raw(&x, 1) - lognormal_upper(&x, 1, t)) +
	       a1 * lognormal_upper(&x, 1, t) +
	       ym[1] * (b0 * (1 - up) + b1 * up);
	assert_true(fabs(m.mean - mean) <= 1e-9 * mean);
	assert_true(fabs(m.tier_share - up) <= 1e-9);

	/* The second moment, region by region, in closed form too. */
	ex2 = lognormal_upper(&x, 2, t);
	ez2 = a0 * a0 * (lognormal_raw(&x, 2) - ex2) + a1 * a1 * ex2 +
	      2 * ym[1] * (a0 * b0 * (lognormal_raw(&x, 1) -
				      lognormal_upper(&x, 1, t)) +
			   a1 * b1 * lognormal_upper(&x, 1, t)) +
	      ym[2] * (b0 * b0 * (1 - up) + b1 * b1 * up);
	assert_true(fabs(m.variance - (ez2 - mean * mean)) <=
		    1e-8 * (ez2 - mean * mean));

	/* Pricing the mean request (below the tier) is far off. */
	mean_request = a0 * lognormal_raw(&x, 1) + b0 * ym[1];
	assert_true(lognormal_raw(&x, 1) < t);
	assert_true(mean / mean_request > 1.4);
	tc_catalog_free(cat);
}

/* A spec parsed from text; fails the case on error. */
static tc_spec *spec_of(const char *text)
{
	tc_spec *s = NULL;
	tc_error err = {0};

	if (tc_spec_parse(text, NULL, &s, &err) != TC_OK)
		fail_msg("%s: %s", text, err.message);
	return s;
}

/* Raw moment k of Z = aX + bY, summed over the two tier regions. */
static double z_moment(int k, const double a[2], const double b[2],
		       const struct lognormal *x, const struct lognormal *y,
		       double t)
{
	static const double binom[4][4] = {
		{1, 0, 0, 0}, {1, 1, 0, 0}, {1, 2, 1, 0}, {1, 3, 3, 1}};
	double s = 0, up;
	int j;

	for (j = 0; j <= k; j++) {
		up = j ? lognormal_upper(x, j, t) :
			 1 - gsl_cdf_ugaussian_P((log(t) - x->mu) / x->sigma);
		s += binom[k][j] * lognormal_raw(y, k - j) *
		     (pow(a[0], j) * pow(b[0], k - j) *
		      (lognormal_raw(x, j) - up) +
		      pow(a[1], j) * pow(b[1], k - j) * up);
	}
	return s;
}

/*
 * The public API on specs, a quarter of requests sent as batch at half
 * price: E[M^k] = 0.75 + 0.25 x 0.5^k multiplies the raw moments of
 * Z = aX + bY (z_moment, closed form); the central moments follow.
 */
static void expected_cost_api_on_specs(void **state)
{
	tc_catalog *cat = catalog_from(
		"model,effective_from,input,output,tier_threshold,"
		"tier_input,tier_output,batch_multiplier\n"
		"m,2026-01-01,2,12,200000,4,18,0.5\n");
	struct lognormal x = {log(200000.0) - 0.5244, 1.0}, y = {6.0, 0.5};
	double a[2] = {2e-6, 4e-6}, b[2] = {12e-6, 18e-6}, r[4], mu, var, m3;
	tc_request_mix mix = {NULL, NULL, 0, 0, 0, 0, 0.25};
	tc_cost_moments m;
	tc_error err = {0};
	char text[128];
	int k;

	snprintf(text, sizeof text, "lognormal(mu=%.17g, sigma=1)", x.mu);
	mix.input_tokens = spec_of(text);
	mix.output_tokens = spec_of("lognormal(mu=6, sigma=0.5)");
	if (tc_expected_cost(cat, "m", 20600, &mix, &m, &err) != TC_OK)
		fail_msg("%s", err.message);
	for (k = 1; k <= 3; k++)
		r[k] = (0.75 + 0.25 * pow(0.5, k)) *
		       z_moment(k, a, b, &x, &y, 200000);
	mu = r[1];
	var = r[2] - mu * mu;
	m3 = r[3] - 3 * mu * r[2] + 2 * mu * mu * mu;
	assert_true(fabs(m.mean - mu) <= 1e-9 * mu);
	assert_true(fabs(m.variance - var) <= 1e-8 * var);
	assert_true(fabs(m.third - m3) <= 1e-6 * m3);
	tc_spec_free((tc_spec *)mix.input_tokens);
	tc_spec_free((tc_spec *)mix.output_tokens);

	/* A constant request: its exact price, 250k x 4 + 100 x 18 per
	 * MTok = 1.0018, less a quarter at half price = 0.876575. */
	mix.input_tokens = spec_of("250000");
	mix.output_tokens = spec_of("100");
	assert_int_equal(tc_expected_cost(cat, "m", 20600, &mix, &m, NULL),
			 TC_OK);
	assert_true(fabs(m.mean - 0.876575) < 1e-15);
	assert_true(m.tier_share == 1.0);

	/* Shares out of range and unpriced buckets are errors. */
	mix.cached_share = 0.3;
	assert_int_equal(tc_expected_cost(cat, "m", 20600, &mix, &m, NULL),
			 TC_ERR_INVALID);
	mix.cached_share = 1.5;
	assert_int_equal(tc_expected_cost(cat, "m", 20600, &mix, &m, NULL),
			 TC_ERR_ARG);
	tc_spec_free((tc_spec *)mix.input_tokens);
	tc_spec_free((tc_spec *)mix.output_tokens);
	tc_catalog_free(cat);
}

/*
 * A discrete input distribution (negative binomial, a step cdf) against
 * its partial moments summed term by term from GSL's probability mass
 * function: E[C] = a0 E[X; X <= t] + a1 E[X; X > t] + E[Y] (b0 P(X <= t)
 * + b1 P(X > t)) with Y constant 100.
 */
static void expected_cost_discrete_input(void **state)
{
	tc_catalog *cat = catalog_from(TIERED);
	tc_request_mix mix = {NULL, NULL, 0, 0, 0, 0, 0};
	double size = 5, mean = 150000, p = size / (size + mean);
	double lo1 = 0, hi1 = 0, up = 0, pk, want;
	tc_cost_moments m;
	unsigned k;

	for (k = 0; k < 2000000; k++) {
		pk = gsl_ran_negative_binomial_pdf(k, p, size);
		if (k > 200000) {
			hi1 += k * pk;
			up += pk;
		} else {
			lo1 += k * pk;
		}
	}
	want = 2e-6 * lo1 + 4e-6 * hi1 + 100 * (12e-6 * (1 - up) +
						18e-6 * up);
	mix.input_tokens = spec_of("negbinomial(mean=150000, size=5)");
	mix.output_tokens = spec_of("100");
	assert_int_equal(tc_expected_cost(cat, "m4", 20600, &mix, &m, NULL),
			 TC_OK);
	/* A step function defeats the quadrature's 1e-12 target; its
	 * result is still within 1e-6 (docs/pricing.md). */
	assert_true(fabs(m.mean - want) <= 1e-6 * want);
	assert_true(fabs(m.tier_share - up) <= 1e-9);
	tc_spec_free((tc_spec *)mix.input_tokens);
	tc_spec_free((tc_spec *)mix.output_tokens);
	tc_catalog_free(cat);
}

/* The other documented statuses of the pricing API. */
static void documented_statuses_returned(void **state)
{
	tc_catalog *cat = catalog_from(TIERED);
	tc_request_mix mix = {NULL, NULL, 0, 0, 0, 0, 0};
	tc_usage u = usage_at("m4", 2025, 6, 1, 0);
	tc_cost_moments m;
	tc_cost c;
	tc_money v;
	char big[6000];

	/* Money and catalog limits. */
	assert_int_equal(tc_money_parse("1e3", &v), TC_ERR_PARSE);
	assert_int_equal(tc_money_parse("1.2.3", &v), TC_ERR_PARSE);
	assert_int_equal(tc_money_parse("1000000000000000000", &v),
			 TC_ERR_LIMIT);
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(load_text(big, NULL), TC_ERR_LIMIT);

	/* Request cost: reasoning above output, a cost beyond 128 bits. */
	u.output = 1;
	u.reasoning = 2;
	assert_int_equal(tc_cost_of(cat, &u, TC_TIME_NONE, &c, NULL),
			 TC_ERR_INVALID);
	tc_catalog_free(cat);
	cat = catalog_from("model,effective_from,input,output,"
			   "batch_multiplier\nm4,2025-01-01,1000000,1,100\n");
	u.reasoning = 0;
	u.tier = TC_TIER_BATCH;
	u.uncached_input = UINT64_MAX;
	/* 1.8e19 tokens x 1e15 x 1e8 (100 in millionths) > 1.7e38. */
	assert_int_equal(tc_cost_of(cat, &u, TC_TIME_NONE, &c, NULL),
			 TC_ERR_LIMIT);
	tc_catalog_free(cat);
	cat = catalog_from(TIERED);

	/* Expectations: uncertain parameters, an infinite third moment. */
	mix.output_tokens = spec_of("100");
	mix.input_tokens = spec_of("lognormal(mu=normal(8, 0.1), sigma=1)");
	assert_int_equal(tc_expected_cost(cat, "m4", 20600, &mix, &m, NULL),
			 TC_ERR_UNSUPPORTED);
	tc_spec_free((tc_spec *)mix.input_tokens);
	mix.input_tokens = spec_of("loglogistic(scale=1000, shape=2.5)");
	assert_int_equal(tc_expected_cost(cat, "m4", 20600, &mix, &m, NULL),
			 TC_ERR_NUMERIC);
	tc_spec_free((tc_spec *)mix.input_tokens);

	/* Truncated at a context window, every moment is finite; the mean
	 * of a constant output of 100 tokens needs no tier (max < t). */
	mix.input_tokens = spec_of("truncate(loglogistic(scale=1000, "
				   "shape=1.5), max=150000)");
	assert_int_equal(tc_expected_cost(cat, "m4", 20600, &mix, &m, NULL),
			 TC_OK);
	assert_true(m.tier_share == 0.0);
	tc_spec_free((tc_spec *)mix.input_tokens);
	tc_spec_free((tc_spec *)mix.output_tokens);
	mix.input_tokens = NULL;
	assert_int_equal(tc_expected_cost(cat, "m4", 20600, &mix, &m, NULL),
			 TC_ERR_ARG);

	/* Cost tables: two periods, a period without a time. */
	assert_null(tc_cost_table_new(TC_BY_DAY | TC_BY_MONTH));
	tc_catalog_free(cat);
}

static void cost_table_needs_time_for_periods(void **state)
{
	tc_catalog *cat = catalog_from(TIERED);
	tc_cost_table *t = tc_cost_table_new(TC_BY_CLASS | TC_BY_WEEK);
	tc_usage u = usage_at("m4", 2027, 1, 1, 0);
	tc_cost c;

	u.class_name = "chat";
	u.uncached_input = 100000;
	assert_int_equal(tc_cost_of(cat, &u, TC_TIME_NONE, &c, NULL), TC_OK);
	assert_int_equal(tc_cost_table_add(t, &u, &c, NULL), TC_OK);
	/* 2027-01-01 is a Friday of ISO week 53 of 2026. */
	assert_string_equal(tc_cost_table_row(t, 0)->period, "2026-W53");
	/* 100,000 x 2 per MTok = 0.2 USD = 2e20 units of 1e-21. */
	assert_true(tc_cost_table_total(t)->cost_input ==
		    (tc_money)2000000000 * 1000000000 * 100);
	u.time_us = TC_TIME_NONE;
	assert_int_equal(tc_cost_table_add(t, &u, &c, NULL), TC_ERR_INVALID);
	tc_cost_table_free(t);
	tc_catalog_free(cat);
}

/*
 * More groups than the first 64 hash slots: reading the rows sorts them
 * and rebuilt the slots at 64, which then probed forever (tokcast cost
 * --by day over a quarter hung). 100 classes c000..c099 come back sorted,
 * and adding to one after reading finds it again.
 */
static void cost_table_many_groups(void **state)
{
	tc_catalog *cat = catalog_from(TIERED);
	tc_cost_table *t = tc_cost_table_new(TC_BY_CLASS);
	tc_usage u = usage_at("m4", 2027, 1, 1, 0);
	char name[16];
	tc_cost c;
	int i;

	u.uncached_input = 1000;
	assert_int_equal(tc_cost_of(cat, &u, TC_TIME_NONE, &c, NULL), TC_OK);
	for (i = 99; i >= 0; i--) {
		snprintf(name, sizeof name, "c%03d", i);
		u.class_name = name;
		assert_int_equal(tc_cost_table_add(t, &u, &c, NULL), TC_OK);
	}
	assert_int_equal(tc_cost_table_count(t), 100);
	assert_string_equal(tc_cost_table_row(t, 0)->class_name, "c000");
	assert_string_equal(tc_cost_table_row(t, 99)->class_name, "c099");
	u.class_name = "c042";
	assert_int_equal(tc_cost_table_add(t, &u, &c, NULL), TC_OK);
	assert_int_equal(tc_cost_table_count(t), 100);
	assert_int_equal(tc_cost_table_row(t, 42)->requests, 2);
	tc_cost_table_free(t);
	tc_catalog_free(cat);
}

/* The knowledge graph's model check: snapshots pass, typos get hints. */
static void model_check_hook_suggests_ids(void **state)
{
	tc_catalog *cat = tc_catalog_new();
	char hint[256] = "unchanged";

	assert_int_equal(tc_catalog_load(cat, bundled_path(), NULL), TC_OK);
	assert_int_equal(tc_catalog_model_check(cat, "gpt-5-mini", hint,
						sizeof hint), 1);
	assert_string_equal(hint, "unchanged");
	assert_int_equal(tc_catalog_model_check(cat,
		"claude-sonnet-4-5-20250929", hint, sizeof hint), 1);
	assert_int_equal(tc_catalog_model_check(cat, "gpt-5-minni", hint,
						sizeof hint), 0);
	assert_non_null(strstr(hint, "'gpt-5-mini'"));
	tc_catalog_free(cat);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(cost_table_many_groups),
	cmocka_unit_test(model_check_hook_suggests_ids),
	cmocka_unit_test(money_formats_exactly),
	cmocka_unit_test(one_token_at_tiny_rate_is_not_zero),
	cmocka_unit_test(worked_case_1_openai_session),
	cmocka_unit_test(worked_case_2_reasoning_inside_output),
	cmocka_unit_test(worked_case_3_anthropic_cache_lifetimes),
	cmocka_unit_test(worked_case_4_tier_whole_request),
	cmocka_unit_test(tier_boundary_one_above),
	cmocka_unit_test(tier_counts_cached_prompt),
	cmocka_unit_test(worked_case_5_price_change),
	cmocka_unit_test(price_before_first_date_is_error),
	cmocka_unit_test(million_small_costs_sum_exactly),
	cmocka_unit_test(snapshots_resolve_to_their_model),
	cmocka_unit_test(unknown_model_names_nearest),
	cmocka_unit_test(unpriced_bucket_is_error),
	cmocka_unit_test(no_discount_cache_at_input_rate),
	cmocka_unit_test(batch_and_per_call_charges),
	cmocka_unit_test(catalog_errors_name_line_and_column),
	cmocka_unit_test(user_catalog_overrides_and_extends),
	cmocka_unit_test(bundled_catalog_is_consistent),
	cmocka_unit_test(tier_cache_rates_derived_and_flagged),
	cmocka_unit_test(expected_cost_matches_closed_form),
	cmocka_unit_test(expected_cost_api_on_specs),
	cmocka_unit_test(expected_cost_discrete_input),
	cmocka_unit_test(documented_statuses_returned),
	cmocka_unit_test(cost_table_needs_time_for_periods),
};

TC_TEST_MAIN(tests)
