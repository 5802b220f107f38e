/*
 * test_backtest.c - count series aggregation and reading, the scoring
 * functions, and the origins and records of a backtest run.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "tc_test.h"
#include "tci.h"

#define H6 21600000000LL	/* six hours in microseconds */

/*
 * Four 6-hour buckets a day. Days 0 and 1 are complete with shares
 * .1 .2 .3 .4, so the profile is that; day 2 misses buckets 0 and 2
 * (observed share .2 + .4 = .6): (30 + 60) / .6 = 150; day 3 observes
 * only bucket 0 (share .1 < .5): missing.
 */
static void aggregate_scales_partial_days(void **state)
{
	const double x[16] = { 10.4, 20, 30, 40, 20, 40, 60, 80,
			       0, 30, NAN, 60, 5, 0, 0, 0 };
	tc_daily d;
	tc_error err = { 0 };

	(void)state;
	assert_int_equal(tc_series_aggregate(x, 16, 4 * 100, H6, 0.5, &d,
					     &err), TC_OK);
	assert_int_equal(d.first_day, 100);
	assert_int_equal(d.ndays, 4);
	assert_int_equal(d.per_day, 4);
	assert_float_equal(d.count[0], 100, 0);
	assert_float_equal(d.count[1], 200, 0);
	assert_float_equal(d.count[2], 150, 1e-9);
	assert_true(isnan(d.count[3]));
	assert_int_equal(d.observed[2], 2);
	assert_int_equal(d.scaled, 1);
	assert_int_equal(d.missing, 1);
	assert_int_equal(d.gaps, 5);
	tc_daily_free(&d);
}

/* A series starting mid-day: the first day's absent buckets are gaps. */
static void aggregate_partial_first_day(void **state)
{
	const double x[6] = { 30, 40, 10, 20, 30, 40 };
	tc_daily d;
	tc_error err = { 0 };

	(void)state;
	assert_int_equal(tc_series_aggregate(x, 6, 4 * 7 + 2, H6, 0.5, &d,
					     &err), TC_OK);
	assert_int_equal(d.first_day, 7);
	assert_int_equal(d.ndays, 2);
	/* Observed share .3 + .4 of the profile of day 8. */
	assert_float_equal(d.count[0], 100, 1e-9);
	assert_float_equal(d.count[1], 100, 0);
	tc_daily_free(&d);
	assert_int_equal(tc_series_aggregate(x, 6, 0, 7 * 3600000000LL, 0.5,
					     &d, &err), TC_ERR_ARG);
}

static void aggregate_rejects_negative(void **state)
{
	const double x[2] = { 3, -1 };
	tc_daily d;
	tc_error err = { 0 };

	(void)state;
	assert_int_equal(tc_series_aggregate(x, 2, 0, H6, 0.5, &d, &err),
			 TC_ERR_INVALID);
	assert_int_equal(tc_series_aggregate(x, 0, 0, H6, 0.5, &d, &err),
			 TC_ERR_INVALID);
}

/*
 * Request times: day 10 (first, partial), two on day 11, none on day 12
 * (a real 0), one on day 13 (last, partial). Given out of order.
 */
static void daily_from_request_times(void **state)
{
	const int64_t day = 86400000000LL;
	const int64_t t[5] = { 11 * day + 5, 13 * day + 9, 10 * day + 7,
			       11 * day + day - 1, 10 * day };
	tc_daily d;
	tc_error err = { 0 };

	(void)state;
	assert_int_equal(tc_daily_from_times(t, NULL, 5, &d, &err), TC_OK);
	assert_int_equal(d.first_day, 10);
	assert_int_equal(d.ndays, 4);
	assert_true(isnan(d.count[0]) && isnan(d.count[3]));
	assert_float_equal(d.count[1], 2, 0);
	assert_float_equal(d.count[2], 0, 0);
	assert_int_equal(d.missing, 2);
	tc_daily_free(&d);
	assert_int_equal(tc_daily_from_times(t, NULL, 0, &d, &err),
			 TC_ERR_INVALID);
}

/* Writes text to a temporary file and returns its path. */
static const char *temp_csv(const char *name, const char *text)
{
	static char path[4096];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", tc_temp_dir(), name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

/* Hour offsets from --origin, named columns in another order. */
static void read_hourly_with_origin(void **state)
{
	char text[4096];
	size_t len = 0;
	tc_series_opts o;
	tc_daily d;
	tc_error err = { 0 };
	int h;

	(void)state;
	len += (size_t)snprintf(text, sizeof text, "n,hour\n");
	for (h = 0; h < 48; h++)
		len += (size_t)snprintf(text + len, sizeof text - len,
					"%d.4,%d\n", h < 24 ? 10 : 20, h);
	tc_series_opts_init(&o);
	o.time_col = "hour";
	o.count_col = "n";
	assert_int_equal(tc_usage_parse_time("2026-03-02T00:00:00Z",
					     TC_UNIT_S, &o.origin_us), TC_OK);
	assert_int_equal(tc_series_read(temp_csv("s.csv", text), &o, &d,
					&err), TC_OK);
	assert_int_equal(d.first_day, tci_days_from_civil(2026, 3, 2));
	assert_int_equal(d.ndays, 2);
	/* 10.4 rounds to 10 each hour. */
	assert_float_equal(d.count[0], 240, 0);
	assert_float_equal(d.count[1], 480, 0);
	tc_daily_free(&d);
}

static void read_reports_line(void **state)
{
	tc_daily d;
	tc_error err = { 0 };

	(void)state;
	assert_int_equal(tc_series_read(temp_csv("b.csv",
		"hour_index,requests_per_hour\n0,5\n1,five\n"), NULL, &d,
		&err), TC_ERR_PARSE);
	assert_int_equal(err.line, 3);
	memset(&err, 0, sizeof err);
	assert_int_equal(tc_series_read(temp_csv("r.csv",
		"hour_index,requests_per_hour\n0,5\n2,5\n1,5\n"), NULL, &d,
		&err), TC_ERR_PARSE);
	assert_int_equal(err.line, 4);
	memset(&err, 0, sizeof err);
	assert_int_equal(tc_series_read(temp_csv("c.csv", "a,b\n0,5\n"),
		&(tc_series_opts){ .time_col = "hour", .bucket_us =
		3600000000LL, .min_observed = 0.5 }, &d, &err),
		TC_ERR_PARSE);
}

/* The quantiles of U(0, 1) at the scoring levels. */
static void uniform_q(double *q)
{
	size_t i;

	for (i = 0; i < TC_BT_NLEVELS; i++)
		q[i] = tc_bt_levels[i] / 100;
}

/*
 * U(0, 1) against y = 0.3: PIT 0.3; pinball at 0.5 is 0.5 * 0.2; CRPS
 * y^3/3 + (1-y)^3/3 = 0.123333 in closed form, the quadrature on the
 * levels gives 0.122668 (computed by hand in Python with the rule of
 * docs/backtest.md), inside 1e-3.
 */
static void scores_of_uniform(void **state)
{
	double q[TC_BT_NLEVELS];

	(void)state;
	uniform_q(q);
	assert_float_equal(tc_bt_pit(q, 0.3), 0.3, 1e-12);
	assert_float_equal(tc_bt_pit(q, -1), 0.005, 0);
	assert_float_equal(tc_bt_pit(q, 2), 0.995, 0);
	assert_float_equal(tc_bt_pinball(0.5, 0.5, 0.3), 0.1, 1e-12);
	assert_float_equal(tc_bt_pinball(0.1, 0.9, 0.3), 0.18, 1e-12);
	assert_float_equal(tc_bt_crps(q, 0.3), 0.122668, 1e-6);
	assert_float_equal(tc_bt_crps(q, 0.3), 0.3 * 0.3 * 0.3 / 3 +
			   0.7 * 0.7 * 0.7 / 3, 1e-3);
}

/* 20 in one bin, 10 in nine: chi2 = 90/11, p = 0.515932 (scipy). */
static void pit_chi_square(void **state)
{
	size_t h[10] = { 20, 10, 10, 10, 10, 10, 10, 10, 10, 10 };
	double p;

	(void)state;
	assert_float_equal(tc_bt_pit_chi2(h, 10, &p), 90.0 / 11, 1e-12);
	assert_float_equal(p, 0.5159324048536889, 1e-9);
}

static const char one_class[] =
	"<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
	"<key id=\"kind\" for=\"node\" attr.name=\"kind\" "
	"attr.type=\"string\"/>\n"
	"<key id=\"model\" for=\"node\" attr.name=\"model\" "
	"attr.type=\"string\"/>\n"
	"<key id=\"i\" for=\"node\" attr.name=\"input_tokens\" "
	"attr.type=\"string\"/>\n"
	"<key id=\"o\" for=\"node\" attr.name=\"output_tokens\" "
	"attr.type=\"string\"/>\n"
	"<graph edgedefault=\"directed\"><node id=\"c\">"
	"<data key=\"kind\">feature_class</data>"
	"<data key=\"model\">gpt-5-mini</data>"
	"<data key=\"i\">100</data><data key=\"o\">10</data>"
	"</node></graph></graphml>\n";

/*
 * 20 days, horizon 3, step 2, history at least 3: origins are days 17,
 * 15, ..., 3 of the series (8), each with 3 lead days and the horizon
 * sum. Day 10 missing: origin 9 loses its sum and lead 2; later origins
 * fit on the days after day 10 only, so 11 (none) and 13 (2 days) are
 * skipped: 6 x 4 - 2 = 22 records.
 */
static void origins_and_records(void **state)
{
	double y[20];
	tc_daily d = { 0 };
	tc_bt_input in = { "c", &d, NULL };
	tc_backtest_opts o;
	tc_backtest *bt = NULL;
	tc_graph *g = NULL;
	tc_catalog *cat = tc_catalog_new();
	tc_error err = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < 20; i++)
		y[i] = 1000 + 37 * (double)(i % 5);
	y[10] = NAN;
	d.first_day = tci_days_from_civil(2026, 3, 2);
	d.ndays = 20;
	d.count = y;
	assert_int_equal(tc_catalog_load(cat, tc_source_path(
		"data/catalog.csv"), &err), TC_OK);
	assert_int_equal(tc_graph_read_memory(one_class, strlen(one_class),
					      "t", NULL, &g, NULL, &err),
			 TC_OK);
	tc_backtest_opts_init(&o);
	o.horizon = 3;
	o.step = 2;
	o.trials = 200;
	assert_int_equal(tc_backtest_run(g, cat, &in, 1, &o, &bt, &err),
			 TC_OK);
	assert_int_equal(tc_backtest_origin_count(bt), 8);
	assert_int_equal(tc_backtest_origin(bt, 0), d.first_day + 3);
	assert_int_equal(tc_backtest_origin(bt, 7), d.first_day + 17);
	assert_int_equal(tc_backtest_record_count(bt), 22);
	assert_int_equal(tc_backtest_has_total(bt), 0);
	tc_backtest_free(bt);

	o.metric = TC_BT_COST;
	assert_int_equal(tc_backtest_run(g, cat, &in, 1, &o, &bt, &err),
			 TC_ERR_ARG);
	in.cls = "nope";
	o.metric = TC_BT_REQUESTS;
	assert_int_equal(tc_backtest_run(g, cat, &in, 1, &o, &bt, &err),
			 TC_ERR_NOT_FOUND);
	tc_graph_free(g);
	tc_catalog_free(cat);
}

/* The text of node c's attribute name in g ("" when absent). */
static const char *node_text(const tc_graph *g, const char *name)
{
	size_t node;
	const tc_value *v;

	assert_true(tc_graph_find_node(g, "c", &node));
	v = tc_graph_node_attr(g, node, name);
	return v && v->text ? v->text : "";
}

/*
 * tokcast fit's library path (request times, tc_fit_volume_times with
 * its default level day, tc_fit_volume_attrs_of) and the backtest (the
 * same 28 days as a count series, one origin after them) write the same
 * attributes. The series is drawn (seed 7, chosen once) from a known
 * process: level 800 on the middle day (index 41 = 83 / 2), growth 4% a
 * month, weekdays 1.1 and weekends 0.75 (mean 1), negative binomial size
 * 30; the fit recovers each within 3 of its standard errors. The history
 * is 12 weeks: on 4 weeks the growth's standard error from the observed
 * information is short enough that 3 of 200 seeds tried, 7 among them,
 * fell beyond 3 (the small-sample effect the correction widens).
 */
static void fit_and_backtest_write_the_same(void **state)
{
	const double wk[7] = { 1.1, 1.1, 1.1, 1.1, 1.1, 0.75, 0.75 };
	double y[91], m;
	int64_t first = tci_days_from_civil(2026, 3, 4), *t;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	tc_daily d = { first, 91, y, NULL, 0, 0, 0, 0, 0 };
	tc_bt_input in = { "c", &d, NULL };
	tc_fit_volume v;
	tc_fit_volume_attrs a;
	tc_backtest_opts o;
	tc_backtest *bt = NULL;
	tc_graph *g = NULL;
	tc_catalog *cat = tc_catalog_new();
	tc_error err = { 0 };
	char date[16];
	size_t i, nt;

	(void)state;
	gsl_rng_set(r, 7);
	for (i = 0; i < 91; i++) {
		m = 800 * pow(1.04, ((double)i - 41) / 30.4375) *
		    wk[tci_weekday(first + (int64_t)i)];
		y[i] = gsl_ran_negative_binomial(r, 30 / (30 + m), 30);
	}
	t = tc_test_request_times(y, 84, first, &nt);
	assert_int_equal(tc_fit_volume_times(t, nt, INT64_MIN, &v, &err),
			 TC_OK);
	assert_int_equal(v.first_day, first);
	assert_int_equal(v.last_day, first + 83);
	assert_int_equal(v.as_of, first + 41);
	assert_true(v.has_trend && v.has_dispersion);
	assert_true(fabs(v.level - 800) < 3 * v.level_se);
	assert_true(fabs(v.growth - 0.04) < 3 * v.growth_se);
	assert_true(fabs(v.dispersion - 30) < 3 * v.dispersion_se);
	for (i = 0; i < 7; i++)
		assert_true(fabs(v.weekly[i] - wk[i]) < 3 * v.weekly_se[i]);
	tc_fit_volume_attrs_of(&v, &a);

	assert_int_equal(tc_catalog_load(cat, tc_source_path(
		"data/catalog.csv"), &err), TC_OK);
	assert_int_equal(tc_graph_read_memory(one_class, strlen(one_class),
					      "t", NULL, &g, NULL, &err),
			 TC_OK);
	tc_backtest_opts_init(&o);
	o.horizon = 7;
	o.windows = 1;
	o.min_history = 84;
	o.trials = 100;
	assert_int_equal(tc_backtest_run(g, cat, &in, 1, &o, &bt, &err),
			 TC_OK);
	assert_int_equal(tc_backtest_origin(bt, 0), first + 84);
	tci_format_date(a.as_of, date, sizeof date);
	assert_string_equal(tc_graph_graph_attr(g, "as_of")->text, date);
	assert_string_equal(node_text(g, "requests_per_day"),
			    a.requests_per_day);
	assert_string_equal(node_text(g, "growth"), a.growth);
	assert_string_equal(node_text(g, "weekly"), a.weekly);
	assert_string_equal(node_text(g, "dispersion"), a.dispersion);
	tc_backtest_free(bt);
	tc_graph_free(g);
	tc_catalog_free(cat);
	gsl_rng_free(r);
	free(t);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(aggregate_scales_partial_days),
	cmocka_unit_test(aggregate_partial_first_day),
	cmocka_unit_test(aggregate_rejects_negative),
	cmocka_unit_test(daily_from_request_times),
	cmocka_unit_test(read_hourly_with_origin),
	cmocka_unit_test(read_reports_line),
	cmocka_unit_test(scores_of_uniform),
	cmocka_unit_test(pit_chi_square),
	cmocka_unit_test(origins_and_records),
	cmocka_unit_test(fit_and_backtest_write_the_same),
};

TC_TEST_MAIN(tests)
