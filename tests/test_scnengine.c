/*
 * test_scnengine.c - scenarios applied in the engine, against
 * expectations computed by hand (docs/scenarios.md gives the rules):
 * price changes on exact days, launch ramps, retirement, growth from
 * the level reached, model switches' shares and token factors, uncertain
 * dates drawn per trial, and common random numbers.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_test.h"
#include "tokcast.h"

/* One root class c on model m1: Poisson requests_per_day and tokens. */
static tc_kg *class_tokens(const char *rpd, const char *in, const char *out,
			   const char *extra)
{
	static const char *keys[] = {"kind", "model", "requests_per_day",
				     "input_tokens", "output_tokens",
				     "growth", "start"};
	char xml[8192];
	size_t n = 0, i;
	tc_kg *kg = NULL;
	tc_error err = {0};

	n += (size_t)snprintf(xml + n, sizeof xml - n, "<graphml xmlns=\""
		"http://graphml.graphdrawing.org/xmlns\">\n<key id=\"as_of\" "
		"for=\"graph\" attr.name=\"as_of\" attr.type=\"string\"/>\n");
	for (i = 0; i < sizeof keys / sizeof *keys; i++)
		n += (size_t)snprintf(xml + n, sizeof xml - n, "<key id=\"%s\""
			" for=\"node\" attr.name=\"%s\" attr.type=\"string\"/>"
			"\n", keys[i], keys[i]);
	snprintf(xml + n, sizeof xml - n, "<graph edgedefault=\"directed\">"
		 "<data key=\"as_of\">2027-01-01</data>\n<node id=\"c\">"
		 "<data key=\"kind\">feature_class</data><data key=\"model\">"
		 "m1</data><data key=\"requests_per_day\">%s</data>"
		 "<data key=\"input_tokens\">%s</data><data key=\""
		 "output_tokens\">%s</data></node>\n%s</graph></graphml>\n",
		 rpd, in, out, extra);
	if (tc_kg_load_file(tc_write_temp("s.graphml", xml), NULL, &kg, NULL,
			    &err) != TC_OK)
		fail_msg("graph: %s", err.message);
	return kg;
}

/* One root class c on model m1 of 1000 input tokens and no output. */
static tc_kg *one_class(const char *rpd, const char *extra)
{
	return class_tokens(rpd, "1000", "0", extra);
}

/* m1 at 1 USD, m2 at 3 USD per million tokens, input and output. */
static tc_catalog *catalog(void)
{
	tc_catalog *cat = tc_catalog_new();
	tc_error err = {0};

	assert_int_equal(tc_catalog_load(cat, tc_write_temp("c.csv",
		"model,provider,effective_from,input,output\n"
		"m1,t,2000-01-01,1,1\nm2,t,2000-01-01,3,3\n"), &err), TC_OK);
	return cat;
}

/* Loads a scenario written as YAML over kg and cat. */
static tc_scenario *scenario(const tc_kg *kg, tc_catalog *cat,
			     const char *yaml)
{
	tc_scenario_opts so = {0};
	tc_scenario *sc = NULL;
	tc_error err = {0};

	so.catalog = cat;
	if (tc_scenario_load(tc_write_temp("s.yaml", yaml), kg, &so, &sc, NULL,
			     &err) != TC_OK)
		fail_msg("scenario: %s:%ld: %s", err.file, err.line,
			 err.message);
	return sc;
}

/* 90 days from 2027-01-01 (day 0), under sc. */
static void opts_90(tc_forecast_opts *o, const tc_scenario *sc)
{
	tc_forecast_opts_init(o);
	o->start = 20819;	/* 2027-01-01 */
	o->days = 90;
	o->scenario = sc;
}

/*
 * A price x 0.8 from 2027-01-31 (day 30): a request of 1000 input
 * tokens costs 0.001 USD before and 0.0008 from that day, exactly, on
 * both draw paths.
 */
static void price_from_day(void **state)
{
	tc_kg *kg = one_class("500", "");
	tc_catalog *cat = catalog();
	tc_scenario *sc = scenario(kg, cat, "graph: s.graphml\nchanges:\n"
		"  - price: m1\n    multiplier: 0.8\n    from: 2027-01-31\n");
	tc_forecast_opts o;
	tc_error err = {0};
	double v[90 * TC_M_COUNT];
	int d, sw;

	(void)state;
	opts_90(&o, sc);
	for (sw = 0; sw < 2; sw++) {
		o.switch_requests = sw ? 1 : 1e12;
		assert_int_equal(tc_forecast_one_trial(kg, cat, &o, 5, v,
						       &err), TC_OK);
		for (d = 0; d < 90; d++) {
			double n = v[d * TC_M_COUNT + TC_M_REQUESTS];
			double rate = d < 30 ? 0.001 : 0.0008;

			assert_true(n > 300);
			assert_true(fabs(v[d * TC_M_COUNT] - n * rate) <
				    1e-9 * n);
		}
	}
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * A catalog override file named by the scenario prices m1 at 4 USD per
 * million tokens: a request of 1000 input tokens costs 0.004 USD on
 * every day, exactly.
 */
static void catalog_override(void **state)
{
	tc_kg *kg = one_class("500", "");
	tc_catalog *cat = catalog();
	tc_scenario *sc;
	tc_forecast_opts o;
	tc_error err = {0};
	double v[90 * TC_M_COUNT];
	char yaml[1200];
	int d;

	(void)state;
	snprintf(yaml, sizeof yaml, "graph: s.graphml\ncatalog: %s\n",
		 tc_write_temp("ov.csv", "model,provider,effective_from,input,"
			   "output\nm1,t,2000-01-01,4,4\n"));
	sc = scenario(kg, cat, yaml);
	opts_90(&o, sc);
	assert_int_equal(tc_forecast_one_trial(kg, cat, &o, 1, v, &err),
			 TC_OK);
	for (d = 0; d < 90; d++) {
		double n = v[d * TC_M_COUNT + TC_M_REQUESTS];

		assert_true(n > 300);
		assert_true(fabs(v[d * TC_M_COUNT] - n * 0.004) < 1e-9 * n);
	}
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * A dated per-request set: input_tokens 2500 from 2027-02-15 (day 45),
 * so a request costs 0.001 USD before and 0.0025 from that day, exactly,
 * on both draw paths.
 */
static void dated_request_set(void **state)
{
	tc_kg *kg = one_class("500", "");
	tc_catalog *cat = catalog();
	tc_scenario *sc = scenario(kg, cat, "graph: s.graphml\nchanges:\n"
		"  - set: c\n    attribute: input_tokens\n    value: 2500\n"
		"    from: 2027-02-15\n");
	tc_forecast_opts o;
	tc_error err = {0};
	double v[90 * TC_M_COUNT];
	int d, sw;

	(void)state;
	opts_90(&o, sc);
	for (sw = 0; sw < 2; sw++) {
		o.switch_requests = sw ? 1 : 1e12;
		assert_int_equal(tc_forecast_one_trial(kg, cat, &o, 7, v,
						       &err), TC_OK);
		for (d = 0; d < 90; d++) {
			double n = v[d * TC_M_COUNT + TC_M_REQUESTS];
			double c = d < 45 ? 0.001 : 0.0025;

			assert_true(n > 300);
			assert_true(fabs(v[d * TC_M_COUNT] - n * c) < 1e-9 * n);
		}
	}
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

static tc_forecast *run(const tc_kg *kg, const tc_catalog *cat,
			tc_forecast_opts *o, size_t trials);

/*
 * A dispersion of 5 from 2027-02-15 (day 45) on a Poisson class of 500
 * requests a day: the daily variance is 500 before and 500 + 500^2 / 5
 * = 50500 after (negative binomial). 2000 trials: the sample variance's
 * relative standard error is about sqrt((2 + 6 / 5) / 2000) = 0.04;
 * within 15%.
 */
static void dated_dispersion(void **state)
{
	tc_kg *kg = one_class("500", "");
	tc_catalog *cat = catalog();
	tc_scenario *sc = scenario(kg, cat, "graph: s.graphml\nchanges:\n"
		"  - set: c\n    attribute: dispersion\n    value: 5\n"
		"    from: 2027-02-15\n");
	tc_forecast_opts o;
	tc_forecast *f;
	tc_stat s;
	int d;

	(void)state;
	opts_90(&o, sc);
	f = run(kg, cat, &o, 2000);
	for (d = 40; d < 50; d++) {
		double v = d < 45 ? 500 : 50500;

		tc_forecast_stat(f, TC_PERIOD_DAY, (size_t)d, 0,
				 TC_M_REQUESTS, &s);
		assert_true(fabs(s.sd * s.sd / v - 1) < 0.15);
		assert_true(fabs(s.mean - 500) < 4 * sqrt(v / 2000));
	}
	tc_forecast_free(f);
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/* Mean over trials of requests on each day, from tc_forecast_run. */
static tc_forecast *run(const tc_kg *kg, const tc_catalog *cat,
			tc_forecast_opts *o, size_t trials)
{
	tc_forecast *f = NULL;
	tc_error err = {0};

	o->trials = trials;
	if (tc_forecast_run(kg, cat, o, &f, &err) != TC_OK)
		fail_msg("run: %s: %s", err.element, err.message);
	return f;
}

/*
 * A launch on 2027-01-11 (day 10) with a 10-day linear ramp of a class
 * of 1000 requests a day: E N(t) = 0 before day 10, then
 * 1000 min(1, (t - 10 + 1) / 10). Poisson, so the daily mean over 1000
 * trials has standard error sqrt(E N / 1000); within 4 of them.
 */
static void launch_linear_ramp(void **state)
{
	tc_kg *kg = one_class("1000", "");
	tc_catalog *cat = catalog();
	tc_scenario *sc = scenario(kg, cat, "graph: s.graphml\nchanges:\n"
		"  - launch: c\n    date: 2027-01-11\n    ramp_days: 10\n");
	tc_forecast_opts o;
	tc_forecast *f;
	tc_stat s;
	int d;

	(void)state;
	opts_90(&o, sc);
	f = run(kg, cat, &o, 1000);
	for (d = 0; d < 30; d++) {
		double m = d < 10 ? 0 : 1000 * fmin(1, (d - 9) / 10.0);

		tc_forecast_stat(f, TC_PERIOD_DAY, (size_t)d, 0,
				 TC_M_REQUESTS, &s);
		assert_true(fabs(s.mean - m) <= 4 * sqrt(m / 1000) + 1e-12);
	}
	tc_forecast_free(f);
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * A launch driven by a KPI: users (1000, no growth) drive class c at
 * rate 2 from 2027-01-11 (day 10, no ramp), so c, a root class of 500
 * requests a day in the graph, becomes driven: E N(t) = 0 before day
 * 10 and 2000 from it (Poisson; 1000 trials, 4 standard errors).
 */
static void launch_driven_by(void **state)
{
	tc_kg *kg = one_class("500", "<node id=\"users\"><data key=\"kind\">"
		"kpi</data><data key=\"start\">1000</data></node>\n");
	tc_catalog *cat = catalog();
	tc_scenario *sc = scenario(kg, cat, "graph: s.graphml\nchanges:\n"
		"  - launch: c\n    date: 2027-01-11\n    driven_by:\n"
		"      - source: users\n        rate: 2\n");
	tc_forecast_opts o;
	tc_forecast *f;
	tc_stat s;
	int d;

	(void)state;
	opts_90(&o, sc);
	o.days = 30;
	f = run(kg, cat, &o, 1000);
	for (d = 0; d < 30; d++) {
		double m = d < 10 ? 0 : 2000;

		tc_forecast_stat(f, TC_PERIOD_DAY, (size_t)d, 0,
				 TC_M_REQUESTS, &s);
		assert_true(fabs(s.mean - m) <= 4 * sqrt(m / 1000) + 1e-12);
	}
	tc_forecast_free(f);
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * Retire from 2027-02-01 (day 31): no request from that day, every day
 * before has some (Poisson of mean 500).
 */
static void retire_zeroes(void **state)
{
	tc_kg *kg = one_class("500", "");
	tc_catalog *cat = catalog();
	tc_scenario *sc = scenario(kg, cat, "graph: s.graphml\nchanges:\n"
		"  - retire: c\n    date: 2027-02-01\n");
	tc_forecast_opts o;
	tc_error err = {0};
	double v[90 * TC_M_COUNT];
	int d;

	(void)state;
	opts_90(&o, sc);
	assert_int_equal(tc_forecast_one_trial(kg, cat, &o, 2, v, &err),
			 TC_OK);
	for (d = 0; d < 90; d++) {
		double n = v[d * TC_M_COUNT + TC_M_REQUESTS];

		assert_true(d < 31 ? n > 300 : n == 0);
		assert_true(d < 31 || v[d * TC_M_COUNT + TC_M_COST] == 0);
	}
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * Growth 10% a month from 2027-02-01 (day 31) over a flat graph:
 * E N(t) = 1000 before, 1000 x 1.1^((t - 31) / 30.4375) from day 31
 * (growth from the level reached); and a level x 1.5 from day 60 on
 * top. Daily means over 1000 trials within 4 standard errors.
 */
static void growth_and_level(void **state)
{
	tc_kg *kg = one_class("1000", "");
	tc_catalog *cat = catalog();
	tc_scenario *sc = scenario(kg, cat, "graph: s.graphml\nchanges:\n"
		"  - growth: c\n    value: 0.1\n    from: 2027-02-01\n"
		"  - level: c\n    factor: 1.5\n    from: 2027-03-02\n");
	tc_forecast_opts o;
	tc_forecast *f;
	tc_stat s;
	int d;

	(void)state;
	opts_90(&o, sc);
	f = run(kg, cat, &o, 1000);
	for (d = 0; d < 90; d++) {
		double m = d < 31 ? 1000 : 1000 * pow(1.1, (d - 31) /
							   30.4375);

		if (d >= 60)
			m *= 1.5;
		tc_forecast_stat(f, TC_PERIOD_DAY, (size_t)d, 0,
				 TC_M_REQUESTS, &s);
		assert_true(fabs(s.mean - m) <= 4 * sqrt(m / 1000));
	}
	tc_forecast_free(f);
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * A switch of a quarter of the traffic to m2 (3 times the price) with
 * twice the input tokens: a moved request costs 2000 x 3e-6 = 0.006,
 * one that stays 0.001, so E cost / request = 0.75 x 0.001 + 0.25 x
 * 0.006 = 0.00225 and E input / request = 1250. The per-request cost
 * has sd 0.005 sqrt(0.25 x 0.75) = 0.002165; over 500 x 90 x 200
 * requests the ratio's standard error is 2.3e-6 (4 of them allowed).
 * Both draw paths.
 */
static void model_switch_share(void **state)
{
	tc_kg *kg = one_class("500", "");
	tc_catalog *cat = catalog();
	tc_scenario *sc = scenario(kg, cat, "graph: s.graphml\nchanges:\n"
		"  - switch_model: c\n    model: m2\n    share: 0.25\n"
		"    input_token_factor: 2\n");
	tc_forecast_opts o;
	tc_forecast *f;
	tc_stat cost, req, in;
	int sw;

	(void)state;
	opts_90(&o, sc);
	for (sw = 0; sw < 2; sw++) {
		o.switch_requests = sw ? 1 : 1e12;
		f = run(kg, cat, &o, 200);
		tc_forecast_stat(f, TC_PERIOD_HORIZON, 0, 0, TC_M_COST,
				 &cost);
		tc_forecast_stat(f, TC_PERIOD_HORIZON, 0, 0, TC_M_REQUESTS,
				 &req);
		tc_forecast_stat(f, TC_PERIOD_HORIZON, 0, 0, TC_M_INPUT, &in);
		assert_true(fabs(cost.mean / req.mean - 0.00225) < 4 * 2.3e-6);
		/* Input: 1000 or 2000 a request, sd 433, se 0.46. */
		assert_true(fabs(in.mean / req.mean - 1250) < 4 * 0.46);
		tc_forecast_free(f);
	}
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * A model switch (a quarter to m2 at 3 USD) and, from 2027-02-15 (day
 * 45), input_tokens 2000: every request, moved or not, has 1000 input
 * tokens before and 2000 after (exactly), and a day's cost is 1e-6 x
 * input x (1 + 2 x moved share), whose mean over trials is 1.5 x 1e-6
 * x input on both sides: 200 trials x 5 days x 500 requests a side, the
 * share's standard error sqrt(0.25 x 0.75 / 5e5) = 0.00061, the ratio's
 * twice that; within 4 of them (0.005).
 */
static void switch_and_set(void **state)
{
	tc_kg *kg = one_class("500", "");
	tc_catalog *cat = catalog();
	tc_scenario *sc = scenario(kg, cat, "graph: s.graphml\nchanges:\n"
		"  - switch_model: c\n    model: m2\n    share: 0.25\n"
		"  - set: c\n    attribute: input_tokens\n    value: 2000\n"
		"    from: 2027-02-15\n");
	tc_forecast_opts o;
	tc_error err = {0};
	double v[90 * TC_M_COUNT], ratio[2] = {0, 0};
	size_t t;
	int d;

	(void)state;
	opts_90(&o, sc);
	for (t = 0; t < 200; t++) {
		assert_int_equal(tc_forecast_one_trial(kg, cat, &o, t, v,
						       &err), TC_OK);
		for (d = 40; d < 50; d++) {
			double n = v[d * TC_M_COUNT + TC_M_REQUESTS];
			double in = v[d * TC_M_COUNT + TC_M_INPUT];

			assert_true(in == n * (d < 45 ? 1000 : 2000));
			ratio[d >= 45] += v[d * TC_M_COUNT] / (1e-6 * in) /
					  1000;
		}
	}
	assert_true(fabs(ratio[0] - 1.5) < 0.005);
	assert_true(fabs(ratio[1] - 1.5) < 0.005);
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * An uncertain retirement date pert(2027-02-01, 2027-02-06, 2027-02-11)
 * is drawn per trial and floored: the class is retired on 2027-02-06
 * when the draw is below 2027-02-07, 0.6 of the way: the Beta(3, 3) cdf
 * at 0.6 is 0.68256 (scipy.stats.beta(3, 3).cdf(0.6)); on 2027-02-05,
 * 0.5. 2000 trials: standard error 0.0104, 4 of them allowed.
 */
static void uncertain_date(void **state)
{
	tc_kg *kg = one_class("500", "");
	tc_catalog *cat = catalog();
	tc_scenario *sc = scenario(kg, cat, "graph: s.graphml\nchanges:\n"
		"  - retire: c\n    date: pert(2027-02-01, 2027-02-06, "
		"2027-02-11)\n");
	tc_forecast_opts o;
	tc_error err = {0};
	double v[40 * TC_M_COUNT];
	size_t t, gone5 = 0, gone6 = 0;

	(void)state;
	opts_90(&o, sc);
	o.days = 40;
	for (t = 0; t < 2000; t++) {
		assert_int_equal(tc_forecast_one_trial(kg, cat, &o, t, v,
						       &err), TC_OK);
		gone5 += v[35 * TC_M_COUNT + TC_M_REQUESTS] == 0;
		gone6 += v[36 * TC_M_COUNT + TC_M_REQUESTS] == 0;
	}
	assert_true(fabs(gone5 / 2000.0 - 0.5) < 4 * 0.0112);
	assert_true(fabs(gone6 / 2000.0 - 0.68256) < 4 * 0.0104);
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * A price change of uncertain date, x 0.5 from pert(2027-02-01,
 * 2027-02-06, 2027-02-11): in each trial a request costs exactly 0.001
 * USD before the drawn day and 0.0005 from it; in force on 2027-02-06
 * (day 36) with probability 0.68256 (the Beta(3, 3) cdf at 0.6, as
 * above). 2000 trials, 4 standard errors.
 */
static void uncertain_price_date(void **state)
{
	tc_kg *kg = one_class("500", "");
	tc_catalog *cat = catalog();
	tc_scenario *sc = scenario(kg, cat, "graph: s.graphml\nchanges:\n"
		"  - price: m1\n    multiplier: 0.5\n    from: pert(2027-02-01,"
		" 2027-02-06, 2027-02-11)\n");
	tc_forecast_opts o;
	tc_error err = {0};
	double v[40 * TC_M_COUNT];
	size_t t, cut = 0;
	int d;

	(void)state;
	opts_90(&o, sc);
	o.days = 40;
	for (t = 0; t < 2000; t++) {
		int on = 0;

		assert_int_equal(tc_forecast_one_trial(kg, cat, &o, t, v,
						       &err), TC_OK);
		for (d = 0; d < 40; d++) {
			double n = v[d * TC_M_COUNT + TC_M_REQUESTS];
			double r = v[d * TC_M_COUNT] / n;

			assert_true(fabs(r - 0.001) < 1e-12 ||
				    fabs(r - 0.0005) < 1e-12);
			/* Once in force, it stays; never before day 31. */
			assert_true(!on || r < 0.00075);
			on = r < 0.00075;
			assert_true(d >= 31 || !on);
			if (d == 36)
				cut += on;
		}
	}
	assert_true(fabs(cut / 2000.0 - 0.68256) < 4 * 0.0104);
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/* Spearman rank correlation of n pairs (no ties: continuous draws). */
static double spearman(const double *x, const double *y, size_t n)
{
	double *rx = malloc(n * sizeof *rx), *ry = malloc(n * sizeof *ry);
	double d2 = 0;
	size_t i, j;

	for (i = 0; i < n; i++) {
		rx[i] = ry[i] = 0;
		for (j = 0; j < n; j++) {
			rx[i] += x[j] < x[i];
			ry[i] += y[j] < y[i];
		}
	}
	for (i = 0; i < n; i++)
		d2 += (rx[i] - ry[i]) * (rx[i] - ry[i]);
	free(rx);
	free(ry);
	return 1 - 6 * d2 / ((double)n * ((double)n * n - 1));
}

/*
 * A dated io_rank_corr of 0.9 from 2027-01-11 (day 10) on lognormal
 * input and output tokens (independent in the graph): on days with
 * exactly one request (Poisson of mean 1, drawn one by one) the pair's
 * Spearman correlation is 0 before and 0.9 after (io_rank_corr is that
 * correlation by definition, docs/model.md). Over 1000 trials about
 * 3680 single-request days each side (10 days x e^-1): standard error
 * under 1 / sqrt(3000) = 0.018; within 0.07.
 */
static void dated_rank_corr(void **state)
{
	tc_kg *kg = class_tokens("1", "lognormal(6, 0.5)",
				 "lognormal(5, 0.5)", "");
	tc_catalog *cat = catalog();
	tc_scenario *sc = scenario(kg, cat, "graph: s.graphml\nchanges:\n"
		"  - set: c\n    attribute: io_rank_corr\n    value: 0.9\n"
		"    from: 2027-01-11\n");
	tc_forecast_opts o;
	tc_error err = {0};
	double v[20 * TC_M_COUNT], *x[2], *y[2];
	size_t n[2] = {0, 0}, t;
	int d, k;

	(void)state;
	opts_90(&o, sc);
	o.days = 20;
	o.switch_requests = 1e12;
	for (k = 0; k < 2; k++) {
		x[k] = malloc(20000 * sizeof(double));
		y[k] = malloc(20000 * sizeof(double));
	}
	for (t = 0; t < 1000; t++) {
		assert_int_equal(tc_forecast_one_trial(kg, cat, &o, t, v,
						       &err), TC_OK);
		for (d = 0; d < 20; d++) {
			k = d >= 10;
			if (v[d * TC_M_COUNT + TC_M_REQUESTS] != 1)
				continue;
			x[k][n[k]] = v[d * TC_M_COUNT + TC_M_INPUT];
			y[k][n[k]++] = v[d * TC_M_COUNT + TC_M_OUTPUT];
		}
	}
	assert_true(n[0] > 3000 && n[1] > 3000);
	assert_true(fabs(spearman(x[0], y[0], n[0])) < 0.07);
	assert_true(fabs(spearman(x[1], y[1], n[1]) - 0.9) < 0.07);
	for (k = 0; k < 2; k++) {
		free(x[k]);
		free(y[k]);
	}
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * Common random numbers: a change to class b leaves every draw of
 * class c as it was, so c's per-trial cost is identical with and
 * without the scenario.
 */
static void crn_untouched_class(void **state)
{
	tc_kg *kg = one_class("uniform(400, 600)", "<node id=\"b\">"
		"<data key=\"kind\">feature_class</data><data key=\"model\">"
		"m1</data><data key=\"requests_per_day\">300</data>"
		"<data key=\"input_tokens\">lognormal(6, 0.5)</data>"
		"<data key=\"output_tokens\">10</data></node>\n");
	tc_catalog *cat = catalog();
	tc_scenario *sc = scenario(kg, cat, "graph: s.graphml\nchanges:\n"
		"  - switch_model: b\n    model: m2\n    share: 0.5\n"
		"  - level: b\n    factor: uniform(1, 2)\n");
	tc_forecast_opts o;
	tc_forecast *f0, *f1;
	double a, b, x, y;
	size_t t, differ = 0;

	(void)state;
	opts_90(&o, NULL);
	f0 = run(kg, cat, &o, 300);
	o.scenario = sc;
	f1 = run(kg, cat, &o, 300);
	for (t = 0; t < 300; t++) {
		tc_forecast_trial_value(f0, t, 0, TC_M_COST, &a);
		tc_forecast_trial_value(f1, t, 0, TC_M_COST, &b);
		assert_true(a == b);
		tc_forecast_trial_value(f0, t, 1, TC_M_COST, &x);
		tc_forecast_trial_value(f1, t, 1, TC_M_COST, &y);
		differ += x != y;
	}
	assert_int_equal(differ, 300);
	tc_forecast_free(f0);
	tc_forecast_free(f1);
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * Common random numbers make the difference narrow: the PM scenario
 * against the example graph, 1000 trials. The sd of the per-trial
 * difference with one seed for both runs must be at least 3 times
 * smaller than with seeds 1 and 2 (independent runs).
 */
static void crn_narrower(void **state)
{
	tc_kg *kg = NULL;
	tc_catalog *cat = tc_catalog_new();
	tc_scenario *sc = NULL;
	tc_scenario_opts so = {0};
	tc_forecast_opts o;
	tc_forecast *base, *same, *other;
	tc_error err = {0};
	tc_stat d1, d2;
	double p1, p2;

	(void)state;
	assert_int_equal(tc_kg_load_file(tc_source_path(
		"examples/assistant.graphml"), NULL, &kg, NULL, &err), TC_OK);
	assert_int_equal(tc_catalog_load(cat, tc_source_path(
		"data/catalog.csv"), &err), TC_OK);
	so.catalog = cat;
	assert_int_equal(tc_scenario_load(tc_source_path(
		"examples/scenario-pm.yaml"), kg, &so, &sc, NULL, &err),
		TC_OK);
	opts_90(&o, NULL);
	o.daily = 0;
	o.monthly_sums = 0;
	base = run(kg, cat, &o, 1000);
	o.scenario = sc;
	same = run(kg, cat, &o, 1000);
	o.seed = 2;
	other = run(kg, cat, &o, 1000);
	assert_int_equal(tc_forecast_compare(same, base, TC_FORECAST_TOTAL,
					     &d1, &p1), TC_OK);
	assert_int_equal(tc_forecast_compare(other, base, TC_FORECAST_TOTAL,
					     &d2, &p2), TC_OK);
	assert_true(d2.sd >= 3 * d1.sd);
	/* The plan saves money in every trial on common numbers. */
	assert_true(d1.mean < 0 && p1 < 0.01);
	tc_forecast_free(base);
	tc_forecast_free(same);
	tc_forecast_free(other);
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/* The budget results of a run with these budgets, one per line. */
static tc_forecast *budget_run(const tc_kg *kg, const tc_catalog *cat,
			       const tc_scenario *sc, const char *const *amt,
			       size_t n, size_t trials)
{
	static tc_scn_budget b[4];
	tc_forecast_opts o;
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&b[i], 0, sizeof b[i]);
		b[i].node = SIZE_MAX;
		assert_int_equal(tc_money_parse(amt[i], &b[i].amount), TC_OK);
	}
	opts_90(&o, sc);
	o.daily = 0;
	o.budgets = n ? b : NULL;
	o.n_budgets = n;
	return run(kg, cat, &o, trials);
}

/*
 * A nearly deterministic cost: 1e6 requests a day of 1000 input tokens
 * at 1 USD per million tokens is 1000 USD a day (Poisson: sd 1 USD a
 * day, 9.5 over the quarter), 90000 over 2027Q1. A budget of 100000 is
 * never exceeded; one of 80500 always, by about 9500, and is exhausted
 * on day 80 (81 days cost 81000), 2027-03-22, in every trial.
 */
static void budget_deterministic(void **state)
{
	static const char *amt[] = {"100000", "80500"};
	tc_kg *kg = one_class("1000000", "");
	tc_catalog *cat = catalog();
	tc_forecast *f = budget_run(kg, cat, NULL, amt, 2, 200);
	tc_budget_result r;

	(void)state;
	assert_int_equal(tc_forecast_budget_count(f), 2);
	assert_int_equal(tc_forecast_budget(f, 0, &r), TC_OK);
	assert_true(r.exceed_probability == 0 && r.never_probability == 1);
	assert_true(r.expected_overrun == 0 && r.exhaust[1] == INT64_MAX);
	assert_true(r.quarter_start == 20819 && r.days == 90);
	assert_int_equal(tc_forecast_budget(f, 1, &r), TC_OK);
	assert_true(r.exceed_probability == 1 && r.never_probability == 0);
	assert_true(fabs(r.expected_overrun - 9500) < 50);
	assert_true(r.exhaust[0] == 20819 + 80 && r.exhaust[2] == 20819 + 80);
	tc_forecast_free(f);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * The same budget of 80500 and a contract of 60000 at 25% off, from the
 * scenario file, over 2000 trials with daily statistics (the trials
 * beyond the first 1,000 could otherwise run in monthly mode, whose
 * days are not drawn): exhausted on day 80 in every trial, and the
 * contract pays 69000 (contract_by_hand below) within a few USD of
 * Poisson noise.
 */
static void budget_from_scenario(void **state)
{
	tc_kg *kg = one_class("1000000", "");
	tc_catalog *cat = catalog();
	tc_scenario *sc = scenario(kg, cat, "graph: s.graphml\n"
		"budget:\n  total: 80500\ncontract:\n  commitment: 60000\n"
		"  discount: 0.25\n  overage_discount: 0.1\n");
	tc_forecast_opts o;
	tc_forecast *f;
	tc_budget_result r;
	tc_contract_result c;

	(void)state;
	opts_90(&o, sc);
	f = run(kg, cat, &o, 2000);
	assert_int_equal(tc_forecast_budget(f, 0, &r), TC_OK);
	assert_true(r.exceed_probability == 1);
	assert_true(r.exhaust[0] == 20819 + 80 && r.exhaust[2] == 20819 + 80);
	assert_int_equal(tc_forecast_contract(f, 0, &c), TC_OK);
	assert_true(fabs(c.expected_cost - 69000) < 50);
	tc_forecast_free(f);
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * A budget at the known median: requests_per_day lognormal(log 10000,
 * 0.5) per trial makes the quarter cost 90 x 10 x exp(N(0, 0.25)) USD
 * (Poisson noise is 1% of it), median 900. P(cost > 900) = 0.5 within
 * 3 x 0.5 / sqrt(4000) = 0.024 (plus 0.005 for the Poisson noise).
 */
static void budget_at_median(void **state)
{
	static const char *amt[] = {"900"};
	tc_kg *kg = one_class("lognormal(9.210340371976184, 0.5)", "");
	tc_catalog *cat = catalog();
	tc_forecast *f = budget_run(kg, cat, NULL, amt, 1, 4000);
	tc_budget_result r;

	(void)state;
	assert_int_equal(tc_forecast_budget(f, 0, &r), TC_OK);
	assert_true(fabs(r.exceed_probability - 0.5) < 0.029);
	assert_true(fabs(r.never_probability - 0.5) < 0.029);
	tc_forecast_free(f);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * The contract over the 90000 USD quarter above: 60000 committed at
 * 25% off is used up (0.75 x 90000 = 67500 > 60000), so one pays
 * 60000 + (90000 - 60000 / 0.75) x 0.9 = 69000, never under, nothing
 * unused; 80000 committed is not (67500 < 80000): pay 80000, always
 * under, 12500 unused. Poisson noise moves these by under 10 USD.
 */
static void contract_by_hand(void **state)
{
	static const char *yaml[2] = {
		"graph: s.graphml\ncontract:\n  commitment: 60000\n"
		"  discount: 0.25\n  overage_discount: 0.1\n",
		"graph: s.graphml\ncontract:\n  commitment: 80000\n"
		"  discount: 0.25\n  overage_discount: 0.1\n"};
	static const double pay[2] = {69000, 80000}, under[2] = {0, 1};
	static const double unused[2] = {0, 12500};
	tc_kg *kg = one_class("1000000", "");
	tc_catalog *cat = catalog();
	int k;

	(void)state;
	for (k = 0; k < 2; k++) {
		tc_scenario *sc = scenario(kg, cat, yaml[k]);
		tc_forecast *f = budget_run(kg, cat, sc, NULL, 0, 100);
		tc_contract_result c;

		assert_int_equal(tc_forecast_contract_count(f), 1);
		assert_int_equal(tc_forecast_contract(f, 0, &c), TC_OK);
		assert_true(fabs(c.expected_cost - pay[k]) < 10);
		assert_true(c.under_probability == under[k]);
		assert_true(fabs(c.expected_unused - unused[k]) < 10);
		tc_forecast_free(f);
		tc_scenario_free(sc);
	}
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/* The result of input name among n, or fail. */
static const tc_sensitivity *input_named(const tc_sensitivity *s,
					 size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s[i].input, name) == 0)
			return &s[i];
	fail_msg("no input %s", name);
	return NULL;
}

/*
 * y = a x b: requests_per_day a = lognormal(log 1e6, 0.6) per trial
 * and a scenario level factor b = lognormal(0, 0.3), so the quarter
 * cost is c a b up to Poisson noise of 1e-4 relative, and log y = log a
 * + log b + const: the shares of var(log y) (which the normal-score
 * regression measures, log y being normal) are 0.36 / 0.45 = 0.8 and
 * 0.2. 20,000 trials; within 0.02, a ranked first, and a's one-at-a-
 * time swing the wider: P90 / P10 of a is exp(2 x 1.2816 x 0.6) = 4.66,
 * of b exp(2 x 1.2816 x 0.3) = 2.16 (within 5% with 200 reruns).
 */
static void sensitivity_product(void **state)
{
	tc_kg *kg = one_class("lognormal(13.815510557964274, 0.6)", "");
	tc_catalog *cat = catalog();
	tc_scenario *sc = scenario(kg, cat, "graph: s.graphml\nchanges:\n"
		"  - level: c\n    id: b\n    factor: lognormal(0, 0.3)\n");
	tc_forecast_opts o;
	tc_forecast *f;
	tc_sensitivity *s = NULL;
	const tc_sensitivity *a, *b;
	tc_error err = {0};
	size_t n = 0;

	(void)state;
	opts_90(&o, sc);
	o.days = 30;
	o.daily = 0;
	o.sensitivity = 1;
	f = run(kg, cat, &o, 20000);
	assert_int_equal(tc_forecast_sensitivity(f, 200, &s, &n, &err),
			 TC_OK);
	assert_int_equal(n, 2);
	a = input_named(s, n, "c.requests_per_day");
	b = input_named(s, n, "b.value");
	assert_true(fabs(a->share - 0.8) < 0.02);
	assert_true(fabs(b->share - 0.2) < 0.02);
	assert_true(a->rank_corr > b->rank_corr && b->rank_corr > 0);
	assert_true(fabs(a->high / a->low / 4.66 - 1) < 0.05);
	assert_true(fabs(b->high / b->low / 2.16 - 1) < 0.05);
	free(s);
	tc_forecast_free(f);
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/*
 * A known dominant input: class c's volume is lognormal with sigma 0.8,
 * class d's (same scale) 0.1, so c's volume ranks first for the total
 * and has the largest share; d's own volume drives d.
 */
static void sensitivity_dominant(void **state)
{
	tc_kg *kg = one_class("lognormal(9.21, 0.8)", "<node id=\"d\">"
		"<data key=\"kind\">feature_class</data><data key=\"model\">"
		"m1</data><data key=\"requests_per_day\">lognormal(9.21, 0.1)"
		"</data><data key=\"input_tokens\">1000</data>"
		"<data key=\"output_tokens\">0</data></node>\n");
	tc_catalog *cat = catalog();
	tc_forecast_opts o;
	tc_forecast *f;
	tc_sensitivity *s = NULL;
	tc_error err = {0};
	size_t n = 0, i, top = 0;

	(void)state;
	opts_90(&o, NULL);
	o.days = 30;
	o.daily = 0;
	o.sensitivity = 1;
	f = run(kg, cat, &o, 2000);
	assert_int_equal(tc_forecast_sensitivity(f, 100, &s, &n, &err),
			 TC_OK);
	for (i = 1; i < n; i++)
		if (s[i].share > s[top].share)
			top = i;
	assert_string_equal(s[top].input, "c.requests_per_day");
	assert_true(input_named(&s[2 * n], n, "d.requests_per_day")->share
		    > 0.9);
	free(s);
	tc_forecast_free(f);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

/* z of the difference of two estimates with standard errors. */
static double zdiff(double a, double sa, double b, double sb)
{
	return (a - b) / sqrt(sa * sa + sb * sb);
}

/*
 * Monthly mode under a scenario: a model switch of 30% from 2027-02-10,
 * an uncertain price date (x 0.5 from pert(2027-01-20, 2027-02-01,
 * 2027-02-20)), a level factor from 2027-03-05 and a dispersion from
 * 2027-01-15 split each month into runs of the same state. The runs'
 * horizon and months must have the distribution of the day-by-day path
 * (run with monthly_sums off): mean and p5, p50, p95 within 4 combined
 * standard errors, 20,000 trials each. The two paths draw from other
 * substreams, so their means differ unless the runs were not taken.
 */
static void runs_match_days(void **state)
{
	tc_kg *kg = class_tokens("lognormal(6.2, 0.2)", "lognormal(6.5, 0.8)",
				 "lognormal(5, 0.5)", "");
	tc_catalog *cat = catalog();
	tc_scenario *sc = scenario(kg, cat, "graph: s.graphml\nchanges:\n"
		"  - switch_model: c\n    model: m2\n    share: 0.3\n"
		"    from: 2027-02-10\n"
		"  - price: m1\n    multiplier: 0.5\n    from: pert(2027-01-20,"
		" 2027-02-01, 2027-02-20)\n"
		"  - level: c\n    factor: 1.5\n    from: 2027-03-05\n"
		"  - set: c\n    attribute: dispersion\n    value: 8\n"
		"    from: 2027-01-15\n");
	tc_forecast_opts o;
	tc_forecast *f[2];
	tc_stat s[2];
	size_t p, m;
	int k, q;

	(void)state;
	opts_90(&o, sc);
	o.daily = 0;
	o.threads = 2;
	for (k = 0; k < 2; k++) {
		o.monthly_sums = !k;
		f[k] = run(kg, cat, &o, 20000);
	}
	for (p = 0; p < 4; p++)
		for (m = 0; m < TC_M_COUNT; m++) {
			for (k = 0; k < 2; k++)
				assert_int_equal(tc_forecast_stat(f[k], p ?
					TC_PERIOD_MONTH : TC_PERIOD_HORIZON,
					p ? p - 1 : 0, TC_FORECAST_TOTAL, m,
					&s[k]), TC_OK);
			if (s[0].sd == 0 && s[1].sd == 0)
				continue;
			assert_true(s[0].mean != s[1].mean);
			assert_true(fabs(zdiff(s[0].mean, s[0].sd / sqrt(2e4),
					       s[1].mean, s[1].sd / sqrt(2e4)))
				    < 4);
			for (q = 0; q < 3; q++)
				assert_true(fabs(zdiff(s[0].quantile[q],
					s[0].mc_se[q], s[1].quantile[q],
					s[1].mc_se[q])) < 4);
		}
	tc_forecast_free(f[0]);
	tc_forecast_free(f[1]);
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(price_from_day),
	cmocka_unit_test(catalog_override),
	cmocka_unit_test(dated_request_set),
	cmocka_unit_test(dated_dispersion),
	cmocka_unit_test(dated_rank_corr),
	cmocka_unit_test(launch_linear_ramp),
	cmocka_unit_test(launch_driven_by),
	cmocka_unit_test(retire_zeroes),
	cmocka_unit_test(growth_and_level),
	cmocka_unit_test(model_switch_share),
	cmocka_unit_test(runs_match_days),
	cmocka_unit_test(switch_and_set),
	cmocka_unit_test(uncertain_date),
	cmocka_unit_test(uncertain_price_date),
	cmocka_unit_test(crn_untouched_class),
	cmocka_unit_test(crn_narrower),
	cmocka_unit_test(budget_deterministic),
	cmocka_unit_test(budget_at_median),
	cmocka_unit_test(budget_from_scenario),
	cmocka_unit_test(contract_by_hand),
	cmocka_unit_test(sensitivity_product),
	cmocka_unit_test(sensitivity_dominant),
};

TC_TEST_MAIN(tests)
