/*
 * test_engine.c - the Monte Carlo engine against values known
 * independently: closed-form moments, hand-computed expectations of
 * calls and lags, exact prices, the FIPS 180-2 SHA-256 vectors, and the
 * agreement of the two draw paths at the switch point.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_test.h"
#include "tokcast.h"
#include "../engine/eng.h"
#include "../engine/philox.h"
#include <gsl/gsl_cdf.h>

/* The mixtures of the quantile table tests. */
#define MIX_LOGN "mixture(0.3, lognormal(mu=6, sigma=1), 0.7, " \
		 "lognormal(mu=7.5, sigma=0.3))"
#define MIX_EMP "mixture(0.98, empirical(12, 30, 30, 41, 55, 80, 80, " \
		"80, 120, 200, 310, 480), 0.02, truncate(" \
		"lognormal(mu=6.5, sigma=0.5), min=480.5, max=100000))"
#define QTAB_STEP (2 * ENG_QTAB_ZMAX / (ENG_QTAB_NODES - 1))

/* A GraphML file of one graph whose nodes and edges are given as XML. */
static tc_kg *load_graph(const char *name, const char *as_of,
			 const char *body)
{
	static const char *keys[] = {
		"kind", "model", "requests_per_day", "growth", "weekly",
		"dispersion", "input_tokens", "output_tokens", "io_rank_corr",
		"cached_share", "cache_write_share", "batch_share",
		"retry_rate", "start", "noise", "launch", "ramp_days",
		"rate", "lag_days", "edge_kind"};
	char *xml = malloc(1 << 16);
	size_t n = 0, i;
	tc_kg *kg = NULL;
	tc_error err = {0};

	n += (size_t)snprintf(xml + n, 65536 - n, "<graphml xmlns=\"http://"
		"graphml.graphdrawing.org/xmlns\">\n<key id=\"as_of\" "
		"for=\"graph\" attr.name=\"as_of\" attr.type=\"string\"/>\n");
	for (i = 0; i < sizeof keys / sizeof *keys; i++)
		n += (size_t)snprintf(xml + n, 65536 - n, "<key id=\"%s\" "
			"for=\"%s\" attr.name=\"%s\" attr.type=\"string\"/>\n",
			keys[i], i >= 17 ? "edge" : "node",
			strcmp(keys[i], "edge_kind") ? keys[i] : "kind");
	snprintf(xml + n, 65536 - n, "<graph edgedefault=\"directed\">"
		 "<data key=\"as_of\">%s</data>\n%s</graph></graphml>\n",
		 as_of, body);
	if (tc_kg_load_file(tc_write_temp(name, xml), NULL, &kg, NULL, &err) !=
	    TC_OK)
		fail_msg("graph: %s: %s", err.element, err.message);
	free(xml);
	return kg;
}

/* A catalog of the bundled file plus the test's own rows. */
static tc_catalog *load_catalog(const char *rows)
{
	tc_catalog *cat = tc_catalog_new();
	tc_error err = {0};
	char text[4096];

	snprintf(text, sizeof text, "model,provider,effective_from,input,"
		 "output,tier_threshold,tier_input,tier_output,"
		 "batch_multiplier\n%s", rows);
	assert_int_equal(tc_catalog_load(cat, tc_write_temp("cat.csv", text),
					 &err), TC_OK);
	return cat;
}

static int64_t day_of(const char *iso)
{
	int y, m, d;

	sscanf(iso, "%d-%d-%d", &y, &m, &d);
	/* Days from civil (Howard Hinnant's algorithm). */
	y -= m <= 2;
	{
		int era = (y >= 0 ? y : y - 399) / 400;
		unsigned yoe = (unsigned)(y - era * 400);
		unsigned doy = (153 * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) /
			       5 + (unsigned)d - 1;
		unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

		return (int64_t)era * 146097 + (int64_t)doe - 719468;
	}
}

/* FIPS 180-2 appendix B: "abc", the 448-bit message; and "". */
static void sha256_vectors(void **state)
{
	static const struct {
		const char *msg, *hex;
	} v[] = {
		{"abc", "ba7816bf8f01cfea414140de5dae2223"
			"b00361a396177a9cb410ff61f20015ad"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		 "248d6a61d20638b8e5c026930c3e6039"
		 "a33ce45964ff2167f6ecedd419db06c1"},
		{"", "e3b0c44298fc1c149afbf4c8996fb924"
		     "27ae41e4649b934ca495991b7852b855"},
	};
	unsigned char d[32];
	char hex[65];
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < 3; i++) {
		tc_sha256(v[i].msg, strlen(v[i].msg), d);
		for (k = 0; k < 32; k++)
			snprintf(hex + 2 * k, 3, "%02x", d[k]);
		assert_string_equal(hex, v[i].hex);
	}
}

/* Class c priced all along at model's catalog row (one period). */
static void one_period_class(const tc_catalog *cat, const char *model,
			     eng_class *c, eng_price *price,
			     unsigned char *dp)
{
	const tc_price *row;
	tc_error err = {0};

	memset(c, 0, sizeof *c);
	*dp = 0;
	assert_int_equal(tc_catalog_find(cat, model, day_of("2027-01-01"),
					 &row, &err), TC_OK);
	eng_rates_of(row, price);
	c->name = model;
	c->prices = price;
	c->n_prices = 1;
	c->day_price = dp;
}

/*
 * The closed form. One root class over 28 days from as_of: requests_per
 * _day R ~ lognormal(mu_r, s_r) (the per-trial lognormal factor of the
 * demand), growth g fixed (G_t = (1 + g)^(t / 30.4375)), daily counts
 * negative binomial with size k around R G_t, input I ~ lognormal(mu_i,
 * s_i), output O ~ lognormal(mu_o, s_o) joined with rank correlation
 * rho_s (normal rho = 2 sin(pi rho_s / 6)), priced a per input and b
 * per output token. Per request c = a I + b O:
 *   m_c = a E[I] + b E[O]
 *   v_c = a^2 Var I + b^2 Var O + 2ab E[I]E[O](exp(rho s_i s_o) - 1)
 * and the horizon's cost Q:
 *   E[Q] = E[R] m_c sum G_t
 *   Var Q = sum_t (E[R] G_t (v_c + m_c^2) + E[R^2] G_t^2 m_c^2 / k)
 *           + Var(R) m_c^2 (sum G_t)^2.
 * The mean must lie within 3 Monte Carlo standard errors, the sample
 * variance within 3 of its standard errors (from the fourth moment).
 */
#define CF_MU_R 4.0
#define CF_S_R 0.25
#define CF_G 0.08
#define CF_K 12.0
#define CF_MU_I 7.0
#define CF_S_I 0.8
#define CF_MU_O 5.0
#define CF_S_O 0.6
#define CF_RHO_S 0.5
#define CF_A 2e-6
#define CF_B 8e-6

static void closed_form_moments(double *mean, double *var)
{
	double er = exp(CF_MU_R + CF_S_R * CF_S_R / 2);
	double er2 = exp(2 * CF_MU_R + 2 * CF_S_R * CF_S_R);
	double ei = exp(CF_MU_I + CF_S_I * CF_S_I / 2);
	double eo = exp(CF_MU_O + CF_S_O * CF_S_O / 2);
	double vi = ei * ei * (exp(CF_S_I * CF_S_I) - 1);
	double vo = eo * eo * (exp(CF_S_O * CF_S_O) - 1);
	double rho = 2 * sin(M_PI * CF_RHO_S / 6);
	double mc = CF_A * ei + CF_B * eo;
	double vc = CF_A * CF_A * vi + CF_B * CF_B * vo +
		    2 * CF_A * CF_B * ei * eo *
			    (exp(rho * CF_S_I * CF_S_O) - 1);
	double sg = 0, v = 0;
	int t;

	for (t = 0; t < 28; t++) {
		double g = pow(1 + CF_G, t / 30.4375);

		sg += g;
		v += er * g * (vc + mc * mc) + er2 * g * g * mc * mc / CF_K;
	}
	*mean = er * mc * sg;
	*var = v + (er2 - er * er) * mc * mc * sg * sg;
}

/*
 * Days 0 and 27 of a run with daily statistics from its first n trials:
 * day t's cost has mean E[R] m_c G_t and variance E[R] G_t (v_c + m_c^2)
 * + E[R^2] G_t^2 m_c^2 / k + Var(R) m_c^2 G_t^2. The mean within 3.5
 * standard errors of n trials, the sd within 20% (its relative standard
 * error is about 4% at n = 500).
 */
static void closed_form_days(const tc_forecast *f, size_t n)
{
	double er = exp(CF_MU_R + CF_S_R * CF_S_R / 2);
	double er2 = exp(2 * CF_MU_R + 2 * CF_S_R * CF_S_R);
	double ei = exp(CF_MU_I + CF_S_I * CF_S_I / 2);
	double eo = exp(CF_MU_O + CF_S_O * CF_S_O / 2);
	double vi = ei * ei * (exp(CF_S_I * CF_S_I) - 1);
	double vo = eo * eo * (exp(CF_S_O * CF_S_O) - 1);
	double rho = 2 * sin(M_PI * CF_RHO_S / 6);
	double mc = CF_A * ei + CF_B * eo;
	double vc = CF_A * CF_A * vi + CF_B * CF_B * vo +
		    2 * CF_A * CF_B * ei * eo *
			    (exp(rho * CF_S_I * CF_S_O) - 1);
	int days[2] = {0, 27}, i;
	tc_stat s;

	for (i = 0; i < 2; i++) {
		double g = pow(1 + CF_G, days[i] / 30.4375), mean = er * mc * g;
		double var = er * g * (vc + mc * mc) +
			     er2 * g * g * mc * mc / CF_K +
			     (er2 - er * er) * mc * mc * g * g;

		assert_int_equal(tc_forecast_stat(f, TC_PERIOD_DAY,
			(size_t)days[i], 0, TC_M_COST, &s), TC_OK);
		print_message("day %d: mean %.5f exact %.5f (z %.2f), sd %.5f "
			      "exact %.5f\n", days[i], s.mean, mean,
			      (s.mean - mean) / (s.sd / sqrt((double)n)), s.sd,
			      sqrt(var));
		assert_true(fabs(s.mean - mean) < 3.5 * s.sd / sqrt((double)n));
		assert_true(fabs(s.sd / sqrt(var) - 1) < 0.2);
	}
}

/*
 * The closed form on one draw path: switch_n requests and up go to the
 * aggregate; monthly allows monthly mode, for every trial without daily
 * statistics, beyond the first daily_trials with them (0: none).
 */
static void closed_form_run(double switch_n, size_t trials, int monthly,
			    size_t daily_trials)
{
	char body[2048], rows[256];
	tc_kg *kg;
	tc_catalog *cat;
	tc_forecast *f = NULL;
	tc_forecast_opts o;
	tc_error err = {0};
	double mean, var, s = 0, s2 = 0, m4 = 0, m, v, se_v, x;
	size_t t;

	snprintf(body, sizeof body, "<node id=\"c\"><data key=\"kind\">"
		"feature_class</data><data key=\"model\">cf</data>"
		"<data key=\"requests_per_day\">lognormal(%g, %g)</data>"
		"<data key=\"growth\">%g</data><data key=\"dispersion\">%g"
		"</data><data key=\"input_tokens\">lognormal(%g, %g)</data>"
		"<data key=\"output_tokens\">lognormal(%g, %g)</data>"
		"<data key=\"io_rank_corr\">%g</data></node>\n",
		CF_MU_R, CF_S_R, CF_G, CF_K, CF_MU_I, CF_S_I, CF_MU_O, CF_S_O,
		CF_RHO_S);
	kg = load_graph("cf.graphml", "2027-01-04", body);
	snprintf(rows, sizeof rows, "cf,t,2000-01-01,%g,%g,,,,\n",
		 CF_A * 1e6, CF_B * 1e6);
	cat = load_catalog(rows);
	tc_forecast_opts_init(&o);
	o.start = day_of("2027-01-04");
	o.days = 28;
	o.trials = trials;
	o.threads = 2;
	o.daily = daily_trials > 0;
	o.daily_trials = daily_trials;
	o.switch_requests = switch_n;
	o.monthly_sums = monthly;
	assert_int_equal(tc_forecast_run(kg, cat, &o, &f, &err), TC_OK);
	for (t = 0; t < trials; t++) {
		assert_int_equal(tc_forecast_trial_value(f, t, 0, TC_M_COST,
							 &x), TC_OK);
		s += x;
		s2 += x * x;
	}
	m = s / trials;
	v = (s2 - m * s) / (trials - 1);
	for (t = 0; t < trials; t++) {
		tc_forecast_trial_value(f, t, 0, TC_M_COST, &x);
		m4 += pow(x - m, 4) / trials;
	}
	se_v = sqrt((m4 - v * v * (trials - 3.0) / (trials - 1)) / trials);
	closed_form_moments(&mean, &var);
	print_message("closed form, switch %g%s: mean %.4f exact %.4f "
		      "(z %.2f); var %.5g exact %.5g (z %.2f)\n", switch_n,
		      monthly ? ", monthly" : "", m, mean,
		      (m - mean) / sqrt(v / trials), v, var, (v - var) / se_v);
	assert_true(fabs(m - mean) < 3 * sqrt(v / trials));
	assert_true(fabs(v - var) < 3 * se_v);
	if (daily_trials)
		closed_form_days(f, daily_trials);
	tc_forecast_free(f);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/* Every request drawn one by one (about 60 a day). */
static void closed_form_requests(void **state)
{
	(void)state;
	closed_form_run(1e12, 4000, 0, 0);
}

/* Every day from the aggregate. */
static void closed_form_aggregate(void **state)
{
	(void)state;
	closed_form_run(1, 20000, 0, 0);
}

/*
 * Monthly mode: the month's count from the daily counts' cumulants and
 * its sums at once (the 28 days from 2027-01-04 are one run in January).
 */
static void closed_form_monthly(void **state)
{
	(void)state;
	closed_form_run(200, 20000, 1, 0);
}

/*
 * Daily statistics with monthly mode: the first 500 trials day by day
 * (the days' statistics), the rest by runs; the horizon from all.
 */
static void closed_form_days_and_runs(void **state)
{
	(void)state;
	closed_form_run(200, 20000, 1, 500);
}

/*
 * Monthly mode on runs of few requests, where a rounded continuous law
 * would move the mean: 30 days from 2027-01-01 (one run) of a Poisson
 * class of 0.03 requests a day (the run's count is Poisson(0.9): mean
 * 0.9, sd 0.9487) and a negative binomial one of 0.5 a day, size 0.2
 * (days of the same mean and size: the sum is negative binomial of size
 * 6, mean 15, variance 15 + 30 x 0.25 / 0.2 = 52.5). 200,000 trials;
 * means within 4 standard errors, sds within 2%.
 */
static void monthly_small_runs(void **state)
{
	static const char body[] =
		"<node id=\"p\"><data key=\"kind\">feature_class</data>"
		"<data key=\"model\">cf</data><data key=\"requests_per_day\">"
		"0.03</data><data key=\"input_tokens\">100</data>"
		"<data key=\"output_tokens\">10</data></node>\n"
		"<node id=\"b\"><data key=\"kind\">feature_class</data>"
		"<data key=\"model\">cf</data><data key=\"requests_per_day\">"
		"0.5</data><data key=\"dispersion\">0.2</data>"
		"<data key=\"input_tokens\">100</data>"
		"<data key=\"output_tokens\">10</data></node>\n";
	static const double mean[2] = {0.9, 15}, sd[2] = {0.948683, 7.245688};
	tc_kg *kg = load_graph("small.graphml", "2027-01-01", body);
	tc_catalog *cat = load_catalog("cf,t,2000-01-01,1,1,,,,\n");
	tc_forecast *f = NULL;
	tc_forecast_opts o;
	tc_error err = {0};
	tc_stat s;
	size_t c;

	(void)state;
	tc_forecast_opts_init(&o);
	o.start = day_of("2027-01-01");
	o.days = 30;
	o.trials = 200000;
	o.threads = 2;
	o.daily = 0;
	assert_int_equal(tc_forecast_run(kg, cat, &o, &f, &err), TC_OK);
	for (c = 0; c < 2; c++) {
		assert_int_equal(tc_forecast_stat(f, TC_PERIOD_HORIZON, 0, c,
						  TC_M_REQUESTS, &s), TC_OK);
		print_message("class %zu: mean %.5f exact %.5f (z %.2f), sd "
			      "%.5f exact %.5f\n", c, s.mean, mean[c],
			      (s.mean - mean[c]) / (sd[c] / sqrt(2e5)), s.sd,
			      sd[c]);
		assert_true(fabs(s.mean - mean[c]) < 4 * sd[c] / sqrt(2e5));
		assert_true(fabs(s.sd / sd[c] - 1) < 0.02);
	}
	tc_forecast_free(f);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * A forecast of class c (node XML body, model cf) from start for 31
 * days, 20 trials, that must fail with TC_ERR_NUMERIC naming c and
 * saying want in its message.
 */
static void refused_class(const char *body, const char *start, int daily,
			  const char *want)
{
	tc_kg *kg = load_graph("refused.graphml", "2027-01-01", body);
	tc_catalog *cat = load_catalog("cf,t,2000-01-01,2,10,,,,\n");
	tc_forecast *f = NULL;
	tc_forecast_opts o;
	tc_error err = {0};

	tc_forecast_opts_init(&o);
	o.start = day_of(start);
	o.days = 31;
	o.trials = 20;
	o.daily = daily;
	assert_int_equal(tc_forecast_run(kg, cat, &o, &f, &err),
			 TC_ERR_NUMERIC);
	assert_null(f);
	assert_string_equal(err.element, "c");
	assert_non_null(strstr(err.message, want));
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * Growth of 100% a month compounded from 2027 to 2200 asks for about
 * 2^2076 requests a day: an error naming the class, with daily
 * statistics and in monthly mode alike (which once gave a cost of inf,
 * or none).
 */
static void overflowing_demand(void **state)
{
	static const char body[] =
		"<node id=\"c\"><data key=\"kind\">feature_class</data>"
		"<data key=\"model\">cf</data><data key=\"requests_per_day\">"
		"100</data><data key=\"growth\">1</data>"
		"<data key=\"input_tokens\">100</data>"
		"<data key=\"output_tokens\">10</data></node>\n";

	(void)state;
	refused_class(body, "2200-01-01", 0, "2200-01-01");
	refused_class(body, "2200-01-01", 1, "2200-01-01");
}

/*
 * Constant tokens with a rank correlation: every request has 1000 input
 * and 100 output tokens, so a day's sums are exactly its requests times
 * those, and its cost its requests times 1000 x 2e-6 + 100 x 10e-6 =
 * 0.003 USD, on both draw paths and in monthly mode (the quadrature's
 * round-off once made the sums a gamma of shape 1e-8 whose quantiles
 * were NaN, and half the days had no tokens).
 */
static void constant_tokens_correlated(void **state)
{
	static const char body[] =
		"<node id=\"c\"><data key=\"kind\">feature_class</data>"
		"<data key=\"model\">cf</data><data key=\"requests_per_day\">"
		"1000</data><data key=\"input_tokens\">1000</data>"
		"<data key=\"output_tokens\">100</data>"
		"<data key=\"io_rank_corr\">0.35</data></node>\n";
	static const double per_request[3] = {1000, 100, 0.003};
	static const tc_metric metric[3] = {TC_M_INPUT, TC_M_OUTPUT,
					    TC_M_COST};
	tc_kg *kg = load_graph("const.graphml", "2027-01-01", body);
	tc_catalog *cat = load_catalog("cf,t,2000-01-01,2,10,,,,\n");
	tc_forecast *f = NULL;
	tc_forecast_opts o;
	tc_error err = {0};
	tc_stat n, s;
	int mode, k;

	(void)state;
	for (mode = 0; mode < 3; mode++) {
		tc_forecast_opts_init(&o);
		o.start = day_of("2027-01-01");
		o.days = 31;
		o.trials = 200;
		o.daily = mode != 2;
		o.switch_requests = mode == 0 ? 1e12 : 200;
		assert_int_equal(tc_forecast_run(kg, cat, &o, &f, &err),
				 TC_OK);
		assert_int_equal(tc_forecast_stat(f, TC_PERIOD_HORIZON, 0, 0,
						  TC_M_REQUESTS, &n), TC_OK);
		for (k = 0; k < 3; k++) {
			assert_int_equal(tc_forecast_stat(f,
				TC_PERIOD_HORIZON, 0, 0, metric[k], &s),
				TC_OK);
			print_message("mode %d metric %d: %.12g a request\n",
				      mode, k, s.mean / n.mean);
			/* Prices are kept to 1e-15 USD a token. */
			assert_true(fabs(s.mean / n.mean / per_request[k] -
					 1) < 1e-7);
		}
		tc_forecast_free(f);
		f = NULL;
	}
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * Tokens no model could serve: lognormal(mu=20, sigma=3) has a mean of
 * exp(24.5) = 4.4e10 tokens a request, beyond the engine's 1e9; it is
 * refused naming the class and the attribute (it once gave an infinite
 * cost and exit 0).
 */
static void tokens_out_of_reach(void **state)
{
	static const char body[] =
		"<node id=\"c\"><data key=\"kind\">feature_class</data>"
		"<data key=\"model\">cf</data><data key=\"requests_per_day\">"
		"1000</data><data key=\"input_tokens\">100</data>"
		"<data key=\"output_tokens\">lognormal(mu=20, sigma=3)"
		"</data></node>\n";

	(void)state;
	refused_class(body, "2027-01-01", 1, "'output_tokens'");
	refused_class(body, "2027-01-01", 1, "4.37e+10");
}

/* The example graph with the bundled catalog. */
static tc_kg *example(void)
{
	tc_kg *kg = NULL;
	tc_error err = {0};

	assert_int_equal(tc_kg_load_file(tc_source_path(
		"examples/assistant.graphml"), NULL, &kg, NULL, &err), TC_OK);
	return kg;
}

static tc_catalog *bundled(void)
{
	tc_catalog *cat = tc_catalog_new();
	tc_error err = {0};

	assert_int_equal(tc_catalog_load(cat, tc_source_path(
		"data/catalog.csv"), &err), TC_OK);
	return cat;
}

/* The JSON of a run of the example at some thread count, in memory. */
static char *example_json(const tc_kg *kg, const tc_catalog *cat,
			  unsigned threads, size_t budget, size_t *len)
{
	tc_forecast_opts o;
	tc_forecast *f = NULL;
	tc_error err = {0};
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);

	tc_forecast_opts_init(&o);
	o.start = day_of("2027-01-01");
	o.days = 90;
	o.trials = 700;		/* 11 blocks of 64: a partial round */
	o.threads = threads;
	o.daily_trials = 300;
	if (budget)
		o.memory_budget = budget;
	assert_int_equal(tc_forecast_run(kg, cat, &o, &f, &err), TC_OK);
	assert_int_equal(tc_forecast_write_json(f, NULL, fp, &err), TC_OK);
	fclose(fp);
	tc_forecast_free(f);
	return buf;
}

/*
 * The same seed gives byte-identical JSON at 1, 2 and 4 threads, and
 * when a memory budget of 1 byte splits the run into one pass per
 * metric (each pass reruns the same trials).
 */
static void threads_identical(void **state)
{
	tc_kg *kg = example();
	tc_catalog *cat = bundled();
	size_t n1, n2, n4;
	char *a = example_json(kg, cat, 1, 0, &n1);
	char *b = example_json(kg, cat, 2, 0, &n2);
	char *c = example_json(kg, cat, 4, 0, &n4);
	size_t np;
	char *p = example_json(kg, cat, 2, 1, &np);

	(void)state;
	assert_true(n1 > 100000);
	assert_int_equal(n1, n2);
	assert_int_equal(n1, n4);
	assert_memory_equal(a, b, n1);
	assert_memory_equal(a, c, n1);
	assert_int_equal(n1, np);
	assert_memory_equal(a, p, n1);
	free(p);
	free(a);
	free(b);
	free(c);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * Conservation: a trial run alone gives per-class daily costs whose sum
 * is the trial's total as the forecast kept it (floats: 1e-6), and the
 * classes' horizon values sum to the total's.
 */
static void conservation(void **state)
{
	tc_kg *kg = example();
	tc_catalog *cat = bundled();
	tc_forecast_opts o;
	tc_forecast *f = NULL;
	tc_error err = {0};
	size_t C, t, c;
	double *v;
	int d;

	(void)state;
	tc_forecast_opts_init(&o);
	o.start = day_of("2027-01-01");
	o.days = 90;
	o.trials = 130;
	o.daily = 0;
	assert_int_equal(tc_forecast_run(kg, cat, &o, &f, &err), TC_OK);
	C = tc_forecast_class_count(f);
	v = malloc(sizeof *v * C * 90 * TC_M_COUNT);
	for (t = 0; t < 130; t += 43) {
		double sum = 0, total, cls = 0, x;

		assert_int_equal(tc_forecast_one_trial(kg, cat, &o, t, v,
						       &err), TC_OK);
		for (d = 0; d < 90; d++)
			for (c = 0; c < C; c++)
				sum += v[((size_t)d * C + c) * TC_M_COUNT +
					 TC_M_COST];
		tc_forecast_trial_value(f, t, TC_FORECAST_TOTAL, TC_M_COST,
					&total);
		for (c = 0; c < C; c++) {
			tc_forecast_trial_value(f, t, c, TC_M_COST, &x);
			cls += x;
		}
		assert_true(sum > 1000);
		assert_true(fabs(sum - total) < 1e-6 * sum);
		assert_true(fabs(cls - total) < 1e-6 * sum);
	}
	free(v);
	tc_forecast_free(f);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * A price change inside the horizon applies from its date: 1000 input
 * tokens a request at $1 per million before 2027-02-10 and $3 from it
 * cost exactly $0.001 and $0.003 a request (no output).
 */
static void price_change(void **state)
{
	static const char body[] = "<node id=\"c\"><data key=\"kind\">"
		"feature_class</data><data key=\"model\">pc</data>"
		"<data key=\"requests_per_day\">500</data>"
		"<data key=\"input_tokens\">1000</data>"
		"<data key=\"output_tokens\">0</data></node>\n";
	tc_kg *kg = load_graph("pc.graphml", "2027-01-01", body);
	tc_catalog *cat = load_catalog("pc,t,2000-01-01,1,1,,,,\n"
				       "pc,t,2027-02-10,3,3,,,,\n");
	tc_forecast_opts o;
	tc_error err = {0};
	double v[90 * TC_M_COUNT];
	int d, sw;

	(void)state;
	tc_forecast_opts_init(&o);
	o.start = day_of("2027-01-01");
	o.days = 90;
	for (sw = 0; sw < 2; sw++) {
		o.switch_requests = sw ? 1 : 1e12;
		assert_int_equal(tc_forecast_one_trial(kg, cat, &o, 3, v,
						       &err), TC_OK);
		for (d = 0; d < 90; d++) {
			double n = v[d * TC_M_COUNT + TC_M_REQUESTS];
			double rate = d < 40 ? 0.001 : 0.003;

			assert_true(n > 300);
			assert_true(fabs(v[d * TC_M_COUNT] - n * rate) <
				    1e-9 * n);
		}
	}

	/* Monthly mode: the runs of days split at the price change too. */
	o.daily = 0;
	o.switch_requests = 200;
	assert_int_equal(tc_forecast_one_trial(kg, cat, &o, 3, v, &err),
			 TC_OK);
	for (sw = 0; sw < 2; sw++) {
		double n = 0, cost = 0;

		for (d = sw ? 40 : 0; d < (sw ? 90 : 40); d++) {
			n += v[d * TC_M_COUNT + TC_M_REQUESTS];
			cost += v[d * TC_M_COUNT];
		}
		assert_true(n > 300 * (sw ? 50 : 40));
		assert_true(fabs(cost - n * (sw ? 0.003 : 0.001)) < 1e-9 * n);
	}
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * Calls edges and lags, by hand: users K(t) = 1000 x 1.1^(t / 30.4375)
 * (no noise) drive class a at rate 0.5 with lag 2, and each request of
 * a calls class b 3 times a day later, all Poisson, so
 *   E N_a(t) = 0.5 K(max(0, t - 2)),  E N_b(t) = 3 E N_a(max(0, t - 1)).
 * The daily means over 3000 trials must lie within 3 standard errors.
 */
static void calls_and_lags(void **state)
{
	static const char body[] =
		"<node id=\"users\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">1000</data><data key=\"growth\">0.1"
		"</data></node>\n"
		"<node id=\"a\"><data key=\"kind\">feature_class</data>"
		"<data key=\"model\">pc</data><data key=\"input_tokens\">100"
		"</data><data key=\"output_tokens\">10</data></node>\n"
		"<node id=\"b\"><data key=\"kind\">feature_class</data>"
		"<data key=\"model\">pc</data><data key=\"requests_per_day\">"
		"0</data><data key=\"input_tokens\">100</data>"
		"<data key=\"output_tokens\">10</data></node>\n"
		"<edge source=\"users\" target=\"a\"><data key=\"rate\">0.5"
		"</data><data key=\"lag_days\">2</data></edge>\n"
		"<edge source=\"a\" target=\"b\"><data key=\"rate\">3</data>"
		"<data key=\"lag_days\">1</data><data key=\"edge_kind\">calls"
		"</data></edge>\n";
	tc_kg *kg = load_graph("cl.graphml", "2027-01-01", body);
	tc_catalog *cat = load_catalog("pc,t,2000-01-01,1,1,,,,\n");
	tc_forecast_opts o;
	tc_forecast *f = NULL;
	tc_error err = {0};
	tc_stat sa, sb;
	int d;

	(void)state;
	tc_forecast_opts_init(&o);
	o.start = day_of("2027-01-01");
	o.days = 8;
	o.trials = 3000;
	assert_int_equal(tc_forecast_run(kg, cat, &o, &f, &err), TC_OK);
	for (d = 0; d < 8; d++) {
		int la = d - 2 < 0 ? 0 : d - 2, lb = d - 3 < 0 ? 0 : d - 3;
		double ea = 0.5 * 1000 * pow(1.1, la / 30.4375);
		double eb = 3 * 0.5 * 1000 * pow(1.1, (d ? lb : 0) /
						     30.4375);

		tc_forecast_stat(f, TC_PERIOD_DAY, d, 0, TC_M_REQUESTS, &sa);
		tc_forecast_stat(f, TC_PERIOD_DAY, d, 1, TC_M_REQUESTS, &sb);
		assert_true(fabs(sa.mean - ea) < 3 * sa.sd / sqrt(3000));
		assert_true(fabs(sb.mean - eb) < 3 * sb.sd / sqrt(3000));
		/* Poisson: variance = mean for a. */
		assert_true(fabs(sa.sd * sa.sd / ea - 1) < 0.1);
	}
	tc_forecast_free(f);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/* Two classes calling each other, the second back a day later. */
static tc_kg *cycle_graph(const char *name, const char *r1,
			  const char *r2)
{
	char body[2048];

	snprintf(body, sizeof body,
		"<node id=\"chat\"><data key=\"kind\">feature_class</data>"
		"<data key=\"model\">pc</data><data key=\"requests_per_day\">"
		"1000</data><data key=\"input_tokens\">100</data>"
		"<data key=\"output_tokens\">10</data></node>\n"
		"<node id=\"tools\"><data key=\"kind\">feature_class</data>"
		"<data key=\"model\">pc</data><data key=\"requests_per_day\">"
		"0</data><data key=\"input_tokens\">100</data>"
		"<data key=\"output_tokens\">10</data></node>\n"
		"<edge source=\"chat\" target=\"tools\"><data key=\"rate\">"
		"%s</data><data key=\"edge_kind\">calls</data></edge>\n"
		"<edge source=\"tools\" target=\"chat\"><data key=\"rate\">"
		"%s</data><data key=\"lag_days\">1</data>"
		"<data key=\"edge_kind\">calls</data></edge>\n", r1, r2);
	return load_graph(name, "2027-01-01", body);
}

/*
 * A cycle's first day is its steady state (model.md): chat makes 1000
 * requests a day of its own and 0.4 per tool call of the day before;
 * each chat request calls tools 0.5 times the same day. Then
 * x_chat = 1000 + 0.4 x_tools, x_tools = 0.5 x_chat: 1250 and 625 on
 * every day, the first included. With the second rate uniform(0.1,
 * 3.5) the gain at the means is below 1 (the graph is valid) but a
 * trial drawing it above 2 has a gain above 1: the run fails.
 */
static void cycle_steady_state(void **state)
{
	tc_kg *kg = cycle_graph("cy.graphml", "0.5", "0.4");
	tc_catalog *cat = load_catalog("pc,t,2000-01-01,1,1,,,,\n");
	tc_forecast_opts o;
	tc_forecast *f = NULL;
	tc_error err = {0};
	tc_stat a, b;
	int d;

	(void)state;
	tc_forecast_opts_init(&o);
	o.start = day_of("2027-01-01");
	o.days = 5;
	o.trials = 3000;
	assert_int_equal(tc_forecast_run(kg, cat, &o, &f, &err), TC_OK);
	for (d = 0; d < 5; d++) {
		tc_forecast_stat(f, TC_PERIOD_DAY, d, 0, TC_M_REQUESTS, &a);
		tc_forecast_stat(f, TC_PERIOD_DAY, d, 1, TC_M_REQUESTS, &b);
		assert_true(fabs(a.mean - 1250) < 3 * a.sd / sqrt(3000));
		assert_true(fabs(b.mean - 625) < 3 * b.sd / sqrt(3000));
	}
	tc_forecast_free(f);
	tc_kg_free(kg);
	kg = cycle_graph("cy2.graphml", "0.5", "uniform(0.1, 3.5)");
	memset(&err, 0, sizeof err);
	o.trials = 10;
	assert_int_equal(tc_forecast_run(kg, cat, &o, &f, &err),
			 TC_ERR_NUMERIC);
	assert_non_null(strstr(err.message, "gain"));
	tc_kg_free(kg);
	tc_catalog_free(cat);
}

/* The two-sample Kolmogorov-Smirnov distance (sorts both). */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double ks2(double *a, double *b, size_t n)
{
	size_t i = 0, j = 0;
	double d = 0;

	qsort(a, n, sizeof *a, cmp_double);
	qsort(b, n, sizeof *b, cmp_double);
	while (i < n && j < n) {
		if (a[i] <= b[j])
			i++;
		else
			j++;
		if (fabs((double)i - (double)j) / (double)n > d)
			d = fabs((double)i - (double)j) / (double)n;
	}
	return d;
}

/*
 * The switch point: 100,000 day sums of the cost of 200 requests drawn
 * one by one, and 100,000 from the aggregate, for a class whose cost is
 * not linear in its tokens (a long-context tier at 2,000 input tokens
 * that 28% of requests cross, random cached shares, 30% batch at half
 * price, input and output rank-correlated 0.4): KS distance below 0.01.
 */
#define KS_N 100000
static void switch_point_ks(void **state)
{
	static const char *specs[ENG_Q_COUNT] = {
		"lognormal(7.2, 0.7)", "lognormal(5.5, 0.6)", "beta(4, 6)",
		"0.1", "0.2", "0", "0.3"};
	tc_catalog *cat = load_catalog("ks,t,2000-01-01,3,15,2000,6,22.5,"
				       "0.5\n");
	eng_price price;
	eng_agg agg;
	eng_class c;
	eng_req q;
	unsigned char dp = 0;
	tc_error err = {0};
	tc_spec *owned[ENG_Q_COUNT];
	double *a = malloc(KS_N * sizeof *a), *b = malloc(KS_N * sizeof *b);
	double out[TC_M_COUNT], d;
	gsl_rng *r = gsl_rng_alloc(tc_rng_philox);
	tc_rng_stream st = {7, 0, 1, TC_RNG_REQUEST, 0};
	size_t i;
	int k;

	(void)state;
	memset(&q, 0, sizeof q);
	one_period_class(cat, "ks", &c, &price, &dp);
	for (k = 0; k < ENG_Q_COUNT; k++) {
		assert_int_equal(tc_spec_parse(specs[k], NULL, &owned[k],
					       &err), TC_OK);
		q.spec[k] = owned[k];
	}
	q.rank_corr = 0.4;
	q.agg = &agg;
	assert_int_equal(eng_req_prepare(NULL, &c, &q, &err), TC_OK);
	tc_rng_set_stream(r, &st);
	for (i = 0; i < KS_N; i++) {
		eng_day_requests(&c, &q, r, 0, 200, out);
		a[i] = out[TC_M_COST];
		eng_day_aggregate(&c, &q, r, 0, 200, out);
		b[i] = out[TC_M_COST];
	}
	d = ks2(a, b, KS_N);
	print_message("switch point (200 requests): KS distance %.4f\n", d);
	assert_true(d < 0.01);
	for (k = 0; k < ENG_Q_COUNT; k++)
		tc_spec_free(owned[k]);
	gsl_rng_free(r);
	free(a);
	free(b);
	tc_catalog_free(cat);
}

/*
 * The first-try aggregate reads a day's first block as the stream does:
 * for a plain class (independent tokens, one flat price), wherever it
 * answers, every metric equals eng_day_aggregate's from that stream,
 * and it answers unless a ziggurat try is rejected (about 1% each of
 * two). Sums whose gamma shape is below 500 (the input's is 0.48 a
 * request, so 96 at 200 requests) and a class whose cost is not linear
 * in its tokens (a tier) are left to the stream.
 */
static void aggregate_first_matches_stream(void **state)
{
	static const double counts[] = {200, 2e3, 1e5, 1e9};
	tc_catalog *cat = load_catalog("fl,t,2000-01-01,3,15,,,,\n"
				       "ti,t,2000-01-01,3,15,2000,6,22.5,\n");
	static const char *models[2] = {"fl", "ti"};
	eng_price price;
	eng_agg agg;
	eng_class c;
	eng_req q;
	unsigned char dp = 0;
	tc_error err = {0};
	tc_spec *in = NULL, *out_spec = NULL;
	double got[TC_M_COUNT], want[TC_M_COUNT];
	gsl_rng *r = gsl_rng_alloc(tc_rng_philox);
	uint32_t b[4];
	int m, i, j, k, hits;

	(void)state;
	assert_int_equal(tc_spec_parse("lognormal(7.2, 0.7)", NULL, &in,
				       &err), TC_OK);
	assert_int_equal(tc_spec_parse("gamma(2, 150)", NULL, &out_spec,
				       &err), TC_OK);
	for (m = 0; m < 2; m++) {
		memset(&q, 0, sizeof q);
		one_period_class(cat, models[m], &c, &price, &dp);
		q.spec[ENG_Q_INPUT] = in;
		q.spec[ENG_Q_OUTPUT] = out_spec;
		q.agg = &agg;
		assert_int_equal(eng_req_prepare(NULL, &c, &q, &err), TC_OK);
		assert_int_equal(agg.plain, m == 0);
		for (j = 0; j < 4; j++) {
			hits = 0;
			for (i = 0; i < 3000; i++) {
				tci_philox_fill(99, (uint64_t)i, 5, 1, 1, b);
				tci_rng_position_with(r, 99, (uint64_t)i, 5,
						      b, 1);
				eng_day_aggregate(&c, &q, r, 0, counts[j],
						  want);
				if (!eng_day_aggregate_first(&c, &q, 0,
						counts[j], b, got))
					continue;
				hits++;
				for (k = 0; k < TC_M_COUNT; k++)
					assert_true(got[k] == want[k]);
			}
			print_message("%s, %g requests: %d of 3000\n",
				      models[m], counts[j], hits);
			if (m == 0 && j > 0)
				assert_true(hits > 2850);
			else
				assert_int_equal(hits, 0);
		}
	}
	tc_spec_free(in);
	tc_spec_free(out_spec);
	gsl_rng_free(r);
	tc_catalog_free(cat);
}

/*
 * The aggregate's per-request moments for families without closed forms
 * (moments from quadrature, input and output dependent through the
 * copula with rank correlation 0.3): the mean and variance of the cost
 * of one request must match 400,000 requests drawn one by one within
 * 3.5 standard errors (the variance's from the fourth moment).
 */
static void check_moments(const char *const specs[ENG_Q_COUNT],
			  const char *name)
{
	tc_catalog *cat = load_catalog("mq,t,2000-01-01,3,15,2500,6,22.5,"
				       "0.5\n");
	eng_price price;
	eng_agg agg;
	eng_class c;
	eng_req *q = calloc(1, sizeof *q);
	unsigned char dp = 0;
	tc_error err = {0};
	tc_spec *owned[ENG_Q_COUNT];
	gsl_rng *r = gsl_rng_alloc(tc_rng_philox);
	tc_rng_stream st = {11, 0, 2, TC_RNG_REQUEST, 0};
	double out[TC_M_COUNT], s = 0, s2 = 0, m4 = 0, m, v, *x;
	size_t i, n = 400000;
	int k;

	assert_non_null(q);
	one_period_class(cat, "mq", &c, &price, &dp);
	for (k = 0; k < ENG_Q_COUNT; k++) {
		assert_int_equal(tc_spec_parse(specs[k], NULL, &owned[k],
					       &err), TC_OK);
		q->spec[k] = owned[k];
	}
	q->rank_corr = 0.3;
	q->agg = &agg;
	assert_int_equal(eng_req_prepare(NULL, &c, q, &err), TC_OK);
	tc_rng_set_stream(r, &st);
	x = malloc(n * sizeof *x);
	for (i = 0; i < n; i++) {
		eng_day_requests(&c, q, r, 0, 1, out);
		x[i] = out[TC_M_COST];
		s += x[i];
		s2 += x[i] * x[i];
	}
	m = s / n;
	v = (s2 - m * s) / (n - 1);
	for (i = 0; i < n; i++)
		m4 += pow(x[i] - m, 4) / n;
	print_message("%s: mean %.6g vs %.6g, var %.6g vs %.6g\n", name,
		      agg.mu[2], m, agg.var[2], v);
	assert_true(fabs(agg.mu[2] - m) < 3.5 * sqrt(v / n));
	assert_true(fabs(agg.var[2] - v) < 3.5 * sqrt((m4 - v * v) / n));
	for (k = 0; k < ENG_Q_COUNT; k++)
		tc_spec_free(owned[k]);
	free(x);
	free(q);
	gsl_rng_free(r);
	tc_catalog_free(cat);
}

/*
 * Independent tokens of families without a closed-form moment path and
 * no long-context tier (the quadrature's upper side is then empty): a
 * Weibull(1.5, 200) input and a log-logistic(1000, 4) output have
 * mean and variance
 *   Weibull: l G(1 + 1/k), l^2 (G(1 + 2/k) - G(1 + 1/k)^2)
 *   log-logistic: a b' / sin b', a^2 (2 b' / sin 2b' - (b' / sin b')^2),
 *   b' = pi / beta,
 * which the aggregate's per-request moments must match to 1e-3 (the
 * log-logistic's variance is a singular integral at p = 1, which one
 * Gauss-Legendre rule missed by 4%).
 */
static void moments_without_tier(void **state)
{
	static const char *const specs[2] = {"weibull(1.5, 200)",
					     "loglogistic(1000, 4)"};
	tc_catalog *cat = load_catalog("mw,t,2000-01-01,3,15,,,,\n");
	eng_price price;
	eng_agg agg;
	eng_class c;
	eng_req *q = calloc(1, sizeof *q);
	unsigned char dp = 0;
	tc_error err = {0};
	tc_spec *owned[2];
	double b = M_PI / 4, g1 = tgamma(1 + 1 / 1.5), g2 = tgamma(1 + 2 / 1.5);
	double mu[2] = {200 * g1, 1000 * b / sin(b)};
	double var[2] = {200.0 * 200 * (g2 - g1 * g1),
			 1e6 * (2 * b / sin(2 * b) - pow(b / sin(b), 2))};
	int k;

	(void)state;
	assert_non_null(q);
	one_period_class(cat, "mw", &c, &price, &dp);
	for (k = 0; k < 2; k++) {
		assert_int_equal(tc_spec_parse(specs[k], NULL, &owned[k],
					       &err), TC_OK);
		q->spec[k] = owned[k];
	}
	q->agg = &agg;
	assert_int_equal(eng_req_prepare(NULL, &c, q, &err), TC_OK);
	for (k = 0; k < 2; k++) {
		print_message("%s: mean %.6g exact %.6g, var %.6g exact %.6g\n",
			      specs[k], agg.mu[k], mu[k], agg.var[k], var[k]);
		assert_true(fabs(agg.mu[k] / mu[k] - 1) < 1e-3);
		assert_true(fabs(agg.var[k] / var[k] - 1) < 1e-3);
	}
	assert_true(isfinite(agg.k3[0]) && isfinite(agg.k3[1]));
	for (k = 0; k < 2; k++)
		tc_spec_free(owned[k]);
	free(q);
	tc_catalog_free(cat);
}

/* Gamma input, normal output kept to [0, inf). */
static void moments_by_quadrature(void **state)
{
	static const char *const specs[ENG_Q_COUNT] = {
		"gamma(2, 700)", "normal(300, 200)", "beta(2, 3)", "0.2",
		"0.5", "beta(2, 2)", "0.25"};

	(void)state;
	check_moments(specs, "quadrature");
}

/*
 * Mixtures, read from the engine's quantile tables: a two-lognormal
 * input (28% of requests above the 2,500-token tier) and an
 * empirical-with-tail output.
 */
static void moments_of_mixtures(void **state)
{
	static const char *const specs[ENG_Q_COUNT] = {
		MIX_LOGN, MIX_EMP, "beta(2, 3)", "0.2", "0.5", "beta(2, 2)",
		"0.25"};

	(void)state;
	check_moments(specs, "mixtures");
}

/*
 * Largest |table / exact - 1| over scores in [-7.5, 6], off nodes (above
 * 6, 1 - p holds too few digits for tc_spec_quantile's p).
 */
static double table_error(const eng_req *q, int k, double *lo_ratio,
			  double *hi_ratio)
{
	double z, worst = 0, x, e, el, eh;

	*lo_ratio = INFINITY;
	*hi_ratio = 0;
	for (z = -7.5; z <= 6; z += 0.000731) {
		x = eng_token_at(q, k, z);
		assert_int_equal(tc_spec_quantile(q->spec[k],
			gsl_cdf_ugaussian_P(z), &e), TC_OK);
		assert_int_equal(tc_spec_quantile(q->spec[k],
			gsl_cdf_ugaussian_P(z - QTAB_STEP), &el), TC_OK);
		assert_int_equal(tc_spec_quantile(q->spec[k],
			gsl_cdf_ugaussian_P(z + QTAB_STEP), &eh), TC_OK);
		worst = fmax(worst, fabs(x / e - 1));
		*lo_ratio = fmin(*lo_ratio, x / el);
		*hi_ratio = fmax(*hi_ratio, x / eh);
	}
	return worst;
}

/*
 * The quantile tables against tc_spec_quantile (the spec's own root
 * search) at 18,000 scores between table nodes. A two-lognormal mixture
 * is smooth: the table (4,096 cdf points, 8,193 score nodes, linear in
 * log1p(x)) stays within 5e-5 relative (2.6e-5 measured). An empirical
 * body's quantile is a staircase, which the table turns into ramps:
 * its value lies between the exact quantiles one node step either
 * side, within the cdf grid's relative step (e^(log1p(hi)/4096) - 1,
 * under 0.3% here).
 */
static void quantile_table(void **state)
{
	tc_spec *in, *out;
	tc_error err = {0};
	eng_req *q = calloc(1, sizeof *q);
	eng_class c;
	double lo, hi, worst;

	(void)state;
	assert_non_null(q);
	memset(&c, 0, sizeof c);
	c.name = "tab";
	assert_int_equal(tc_spec_parse(MIX_LOGN, NULL, &in, &err), TC_OK);
	assert_int_equal(tc_spec_parse(MIX_EMP, NULL, &out, &err), TC_OK);
	q->spec[0] = in;
	q->spec[1] = out;
	assert_int_equal(eng_req_prepare(NULL, &c, q, &err), TC_OK);
	assert_true(q->tab[0] && q->tab[1]);
	worst = table_error(q, 0, &lo, &hi);
	print_message("two lognormals: max relative error %.3g\n", worst);
	assert_true(worst < 5e-5);
	worst = table_error(q, 1, &lo, &hi);
	print_message("empirical body: error %.3g, bracket %.6f %.6f\n",
		      worst, lo, hi);
	assert_true(lo >= 1 - 3e-3 && hi <= 1 + 3e-3);
	tc_spec_free(in);
	tc_spec_free(out);
	free(q);
}

/*
 * Gamma token specs read from tables too (GSL's inverse gamma cdf takes
 * microseconds): against tc_spec_quantile the table stays within 2e-5
 * relative (5e-6 measured), or a hundredth of a token where the
 * quantile is below one token (a shape of 0.5 puts 0.8% of requests
 * there), for the ref_mc peer's gamma(2.5) and a gamma(0.5).
 */
static void quantile_table_gamma(void **state)
{
	static const char *const specs[2] = {"gamma(2.5, 1556)",
					     "gamma(0.5, 700)"};
	eng_req *q = calloc(1, sizeof *q);
	tc_spec *sp[2];
	tc_error err = {0};
	eng_class c;
	double z, x, e, worst = 0;
	int k;

	(void)state;
	assert_non_null(q);
	memset(&c, 0, sizeof c);
	c.name = "tab";
	for (k = 0; k < 2; k++) {
		assert_int_equal(tc_spec_parse(specs[k], NULL, &sp[k], &err),
				 TC_OK);
		q->spec[k] = sp[k];
	}
	assert_int_equal(eng_req_prepare(NULL, &c, q, &err), TC_OK);
	for (k = 0; k < 2; k++) {
		assert_true(q->tab[k]);
		for (z = -7.5; z <= 6; z += 0.000731) {
			x = eng_token_at(q, k, z);
			assert_int_equal(tc_spec_quantile(q->spec[k],
				gsl_cdf_ugaussian_P(z), &e), TC_OK);
			if (e < 1)
				assert_true(fabs(x - e) < 0.01);
			else
				worst = fmax(worst, fabs(x / e - 1));
		}
		print_message("%s: max relative error %.3g\n", specs[k],
			      worst);
		assert_true(worst < 2e-5);
		tc_spec_free(sp[k]);
	}
	free(q);
}

/*
 * Tables built once per run (eng_qtab_setup) for fixed token specs: a
 * request model whose specs are those very specs gets the same tables
 * as one built without them, bit for bit; a model whose specs differ
 * (the two swapped) gets its own specs' tables, not the cached ones.
 * Specs with uncertain parameters, or with a closed-form quantile (no
 * mixture, gamma, beta or negative binomial), get none.
 */
static void cached_tables_follow_their_spec(void **state)
{
	tc_spec *a = NULL, *b = NULL, *u = NULL, *l = NULL;
	const tc_spec *pair[2], *other[2];
	tc_error err = {0};
	eng_req *fresh = calloc(1, sizeof *fresh);
	eng_req *got = calloc(1, sizeof *got);
	eng_class c, plain;
	size_t size = sizeof fresh->qtab[0];

	(void)state;
	assert_non_null(fresh);
	assert_non_null(got);
	memset(&c, 0, sizeof c);
	memset(&plain, 0, sizeof plain);
	c.name = plain.name = "tab";
	assert_int_equal(tc_spec_parse(MIX_LOGN, NULL, &a, &err), TC_OK);
	assert_int_equal(tc_spec_parse(MIX_EMP, NULL, &b, &err), TC_OK);
	pair[0] = a;
	pair[1] = b;
	assert_int_equal(eng_qtab_setup(&c, pair), TC_OK);
	assert_true(c.qtab[0] && c.qtab[1]);
	fresh->spec[0] = a;
	fresh->spec[1] = b;
	assert_int_equal(eng_req_prepare(NULL, &plain, fresh, &err), TC_OK);
	got->spec[0] = a;
	got->spec[1] = b;
	assert_int_equal(eng_req_prepare(NULL, &c, got, &err), TC_OK);
	assert_true(got->tab[0] && got->tab[1]);
	assert_memory_equal(got->qtab[0], fresh->qtab[0], size);
	assert_memory_equal(got->qtab[1], fresh->qtab[1], size);
	assert_memory_equal(c.qtab[0], fresh->qtab[0], size);
	got->spec[0] = b;
	got->spec[1] = a;
	assert_int_equal(eng_req_prepare(NULL, &c, got, &err), TC_OK);
	assert_memory_equal(got->qtab[0], fresh->qtab[1], size);
	assert_memory_equal(got->qtab[1], fresh->qtab[0], size);
	free(c.qtab[0]);
	free(c.qtab[1]);

	assert_int_equal(tc_spec_parse("mixture(0.5, lognormal(mu=normal(6, "
				       "0.1), sigma=1), 0.5, "
				       "lognormal(7, 0.3))", NULL, &u, &err),
			 TC_OK);
	assert_int_equal(tc_spec_parse("lognormal(7, 0.3)", NULL, &l, &err),
			 TC_OK);
	other[0] = u;
	other[1] = l;
	memset(&c, 0, sizeof c);
	assert_int_equal(eng_qtab_setup(&c, other), TC_OK);
	assert_true(!c.qtab[0] && !c.qtab[1]);
	tc_spec_free(a);
	tc_spec_free(b);
	tc_spec_free(u);
	tc_spec_free(l);
	free(fresh);
	free(got);
}

/*
 * Zero trials, a bad quantile, an unknown model, 1e8 trials (more memory
 * than the budget allows), cached tokens on a model without a cache
 * price: clear errors, no result.
 */
static void bad_input(void **state)
{
	static const char body[] = "<node id=\"c\"><data key=\"kind\">"
		"feature_class</data><data key=\"model\">no-such-model</data>"
		"<data key=\"requests_per_day\">5</data>"
		"<data key=\"input_tokens\">10</data>"
		"<data key=\"output_tokens\">10</data></node>\n";
	tc_kg *kg = load_graph("bad.graphml", "2027-01-01", body);
	tc_catalog *cat = bundled();
	tc_forecast_opts o;
	tc_forecast *f = (tc_forecast *)1;
	tc_error err = {0};

	(void)state;
	tc_forecast_opts_init(&o);
	o.start = day_of("2027-01-01");
	o.days = 10;
	o.trials = 0;
	assert_int_equal(tc_forecast_run(kg, cat, &o, &f, &err), TC_ERR_ARG);
	assert_null(f);
	assert_non_null(strstr(err.message, "trials"));
	o.trials = 10;
	o.quantiles[0] = 100;
	memset(&err, 0, sizeof err);
	assert_int_equal(tc_forecast_run(kg, cat, &o, &f, &err), TC_ERR_ARG);
	o.quantiles[0] = 50.00000000001;	/* the key "p50" twice */
	memset(&err, 0, sizeof err);
	assert_int_equal(tc_forecast_run(kg, cat, &o, &f, &err), TC_ERR_ARG);
	assert_non_null(strstr(err.message, "same key"));
	o.quantiles[0] = 5;
	/* 2932896 is 9999-12-31: a day past it has a five-digit year. */
	o.start = 2932896 - 8;
	memset(&err, 0, sizeof err);
	assert_int_equal(tc_forecast_run(kg, cat, &o, &f, &err), TC_ERR_ARG);
	assert_non_null(strstr(err.message, "9999-12-31"));
	o.start = day_of("2027-01-01");
	o.trials = 100000000;
	memset(&err, 0, sizeof err);
	assert_int_equal(tc_forecast_run(kg, cat, &o, &f, &err),
			 TC_ERR_NOT_FOUND);
	tc_catalog_free(cat);
	cat = load_catalog("no-such-model,t,2000-01-01,1,1,,,,\n");
	memset(&err, 0, sizeof err);
	assert_int_equal(tc_forecast_run(kg, cat, &o, &f, &err),
			 TC_ERR_LIMIT);
	assert_null(f);
	assert_non_null(strstr(err.message, "MB"));
	tc_catalog_free(cat);
	cat = bundled();
	o.trials = 10;
	memset(&err, 0, sizeof err);
	assert_int_equal(tc_forecast_run(kg, cat, &o, &f, &err),
			 TC_ERR_NOT_FOUND);
	assert_null(f);
	assert_non_null(strstr(err.element, "c"));
	tc_catalog_free(cat);
	tc_kg_free(kg);

	/* Cached tokens on a model whose row has no cache-read price. */
	kg = load_graph("bad2.graphml", "2027-01-01", "<node id=\"c\">"
		"<data key=\"kind\">feature_class</data><data key=\"model\">"
		"nc</data><data key=\"requests_per_day\">5</data>"
		"<data key=\"input_tokens\">10</data><data key=\"output_"
		"tokens\">10</data><data key=\"cached_share\">0.3</data>"
		"</node>\n");
	cat = load_catalog("nc,t,2000-01-01,1,1,,,,\n");
	memset(&err, 0, sizeof err);
	assert_int_equal(tc_forecast_run(kg, cat, &o, &f, &err),
			 TC_ERR_INVALID);
	assert_null(f);
	assert_non_null(strstr(err.message, "cache read"));
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(sha256_vectors),
	cmocka_unit_test(closed_form_requests),
	cmocka_unit_test(closed_form_aggregate),
	cmocka_unit_test(closed_form_monthly),
	cmocka_unit_test(closed_form_days_and_runs),
	cmocka_unit_test(constant_tokens_correlated),
	cmocka_unit_test(tokens_out_of_reach),
	cmocka_unit_test(monthly_small_runs),
	cmocka_unit_test(overflowing_demand),
	cmocka_unit_test(threads_identical),
	cmocka_unit_test(conservation),
	cmocka_unit_test(price_change),
	cmocka_unit_test(calls_and_lags),
	cmocka_unit_test(cycle_steady_state),
	cmocka_unit_test(switch_point_ks),
	cmocka_unit_test(aggregate_first_matches_stream),
	cmocka_unit_test(moments_by_quadrature),
	cmocka_unit_test(moments_without_tier),
	cmocka_unit_test(moments_of_mixtures),
	cmocka_unit_test(quantile_table),
	cmocka_unit_test(quantile_table_gamma),
	cmocka_unit_test(cached_tables_follow_their_spec),
	cmocka_unit_test(bad_input),
};

TC_TEST_MAIN(tests)
