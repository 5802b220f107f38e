/*
 * test_calibration.c - calibration by simulation: histories drawn from
 * known processes inside the fitter's model class, each fitted and
 * forecast once by tc_backtest_run (or along tokcast fit's path: the
 * volume fitted from request times and written onto a graph that the
 * engine forecasts), and the coverage and PIT of the forecasts of the
 * next days checked against nominal (docs/backtest.md).
 *
 * N is 400 histories (300 under the sanitizers); TC_CALIBRATION_N sets
 * it (bench/calibration.sh runs 1,600). Seeds are fixed once.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "tc_test.h"
#include "tci.h"

#ifdef TC_SANITIZE_BUILD
#define DEFAULT_N 300
#else
#define DEFAULT_N 400
#endif

static const char graph_text[] =
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
	"<data key=\"i\">lognormal(mu=7, sigma=0.8)</data>"
	"<data key=\"o\">lognormal(mu=5, sigma=0.7)</data>"
	"</node></graph></graphml>\n";

/* The true process of one history. */
struct truth {
	double level;		/* mean requests per average day at day 0 */
	double growth;		/* monthly */
	double weekly[7];	/* Monday first, mean 1 */
	double size;		/* negative binomial size */
};

/* Draws a process: the parameters vary between histories. */
static void draw_truth(gsl_rng *r, int trend, struct truth *t)
{
	double s = 0;
	int j;

	t->level = 2000 * exp(gsl_ran_gaussian(r, 0.5));
	t->growth = trend ? gsl_ran_gaussian(r, 0.05) + 0.02 : 0;
	for (j = 0; j < 7; j++) {
		t->weekly[j] = trend ? exp(gsl_ran_gaussian(r, 0.15)) *
					       (j >= 5 ? 0.7 : 1.0)
				     : 1;
		s += t->weekly[j] / 7;
	}
	for (j = 0; j < 7; j++)
		t->weekly[j] /= s;
	t->size = gsl_ran_flat(r, 15, 80);
}

/* Daily counts of days [first, first + n) of the process. */
static void draw_days(gsl_rng *r, const struct truth *t, int64_t first,
		      size_t n, double *y)
{
	size_t i;
	double m;

	for (i = 0; i < n; i++) {
		m = t->level * pow(1 + t->growth, (double)i / 30.4375) *
		    t->weekly[tci_weekday(first + (int64_t)i)];
		y[i] = gsl_ran_negative_binomial(r, t->size / (t->size + m),
						 t->size);
	}
}

/* What a history fits and forecasts (calibrate's kind). */
enum kind {
	K_REQUESTS = 0,		/* the backtest, requests */
	K_NO_UNCERTAINTY,	/* the same without parameter uncertainty */
	K_COST,			/* the backtest, cost of per-request draws */
	K_FIT,			/* tokcast fit's path, requests */
	K_FIT_BEFORE		/* tokcast fit's former placement */
};

/* The results over N histories. */
struct calib {
	size_t n, in80, in95, pit[TC_BT_PIT_BINS];
	double p;
};

/* Counts a horizon-sum record: inside 80% and 95%, and its PIT bin. */
static void add_horizon(struct calib *c, const tc_bt_record *rec)
{
	size_t bin = (size_t)(rec->pit * 10);

	if (rec->lead != 0)
		return;
	c->n++;
	c->in80 += rec->q[3] <= rec->actual && rec->actual <= rec->q[19];
	c->in95 += rec->q[1] <= rec->actual && rec->actual <= rec->q[21];
	c->pit[bin < 10 ? bin : 9]++;
}

/* One history of hist days, forecast horizon days, scored. */
static void one_history(gsl_rng *r, tc_catalog *cat, int hist, int horizon,
			int trend, int no_unc, uint64_t seed, struct calib *c)
{
	double y[64];
	tc_daily d = { 0 };
	tc_bt_input in = { "c", &d, NULL };
	tc_backtest_opts o;
	tc_backtest *bt = NULL;
	tc_graph *g = NULL;
	tc_error err = { 0 };
	struct truth t;
	size_t i;

	draw_truth(r, trend, &t);
	d.first_day = tci_days_from_civil(2026, 3, 2) +
		      (int64_t)gsl_rng_uniform_int(r, 7);
	d.ndays = (size_t)(hist + horizon);
	d.count = y;
	draw_days(r, &t, d.first_day, d.ndays, y);
	assert_int_equal(tc_graph_read_memory(graph_text, strlen(graph_text),
					      "calib", NULL, &g, NULL, &err),
			 TC_OK);
	tc_backtest_opts_init(&o);
	o.horizon = horizon;
	o.windows = 1;
	o.min_history = hist;
	o.trials = 1000;
	o.seed = seed;
	o.no_parameter_uncertainty = no_unc;
	if (tc_backtest_run(g, cat, &in, 1, &o, &bt, &err) != TC_OK)
		fail_msg("%s", err.message);
	for (i = 0; i < tc_backtest_record_count(bt); i++)
		add_horizon(c, tc_backtest_record(bt, i));
	tc_backtest_free(bt);
	tc_graph_free(g);
}

/* The requests of a cost history: times, tokens, cost per day. */
struct reqs {
	int64_t *t;
	double *in, *out;
	size_t n;
	double cost[64];
};

/*
 * Draws each day's y[i] requests: input lognormal(6, 0.7) and output
 * lognormal(4, 0.6) tokens, rounded, priced at gpt-5-mini's 0.25 and 2
 * USD per million (data/catalog.csv; no tier, no cache).
 */
static void draw_requests(gsl_rng *r, const double *y, size_t nd,
			  int64_t first, struct reqs *q)
{
	size_t i, k, total = 0;

	for (i = 0; i < nd; i++)
		total += (size_t)y[i];
	q->t = malloc((total + 1) * sizeof *q->t);
	q->in = malloc((total + 1) * sizeof *q->in);
	q->out = malloc((total + 1) * sizeof *q->out);
	assert_true(q->t && q->in && q->out);
	q->n = 0;
	for (i = 0; i < nd; i++) {
		q->cost[i] = 0;
		for (k = 0; k < (size_t)y[i]; k++) {
			q->t[q->n] = (first + (int64_t)i) * 86400000000LL +
				     (int64_t)gsl_rng_uniform_int(r, 86400) *
					     1000000LL;
			q->in[q->n] = round(gsl_ran_lognormal(r, 6, 0.7));
			q->out[q->n] = round(gsl_ran_lognormal(r, 4, 0.6));
			q->cost[i] += (q->in[q->n] * 0.25 +
				       q->out[q->n] * 2) / 1e6;
			q->n++;
		}
	}
}

/* One cost history of hist days, forecast horizon days, scored. */
static void one_cost_history(gsl_rng *r, tc_catalog *cat, int hist,
			     int horizon, uint64_t seed, struct calib *c)
{
	double y[64];
	tc_daily d = { 0 }, cd = { 0 };
	struct reqs q;
	tc_bt_requests req;
	tc_bt_input in = { "c", &d, &req };
	tc_backtest_opts o;
	tc_backtest *bt = NULL;
	tc_graph *g = NULL;
	tc_error err = { 0 };
	struct truth t;
	size_t i;

	draw_truth(r, 1, &t);
	t.level /= 15;
	d.first_day = tci_days_from_civil(2026, 3, 2) +
		      (int64_t)gsl_rng_uniform_int(r, 7);
	d.ndays = cd.ndays = (size_t)(hist + horizon);
	cd.first_day = d.first_day;
	d.count = y;
	draw_days(r, &t, d.first_day, d.ndays, y);
	draw_requests(r, y, d.ndays, d.first_day, &q);
	cd.count = q.cost;
	req = (tc_bt_requests){ q.n, q.t, q.in, q.out, &cd };
	assert_int_equal(tc_graph_read_memory(graph_text, strlen(graph_text),
					      "calib", NULL, &g, NULL, &err),
			 TC_OK);
	tc_backtest_opts_init(&o);
	o.horizon = horizon;
	o.windows = 1;
	o.min_history = hist;
	o.trials = 1000;
	o.seed = seed;
	o.metric = TC_BT_COST;
	if (tc_backtest_run(g, cat, &in, 1, &o, &bt, &err) != TC_OK)
		fail_msg("%s", err.message);
	for (i = 0; i < tc_backtest_record_count(bt); i++)
		add_horizon(c, tc_backtest_record(bt, i));
	tc_backtest_free(bt);
	tc_graph_free(g);
	free(q.t);
	free(q.in);
	free(q.out);
}

/* "normal(v, se)" as tokcast fit wrote it before (%.8g, %.3g). */
static void before_spec(char *buf, size_t size, double v, double se)
{
	if (se > 0)
		snprintf(buf, size, "normal(%.8g, %.3g)", v, se);
	else
		snprintf(buf, size, "%.8g", v);
}

/*
 * The attributes as tokcast fit wrote them before it shared the
 * backtest's code (fitted with the level at the log's last day): every
 * spec normal(value, se) without the small-sample correction, the size
 * too; a size only when the days were overdispersed.
 */
static void before_attrs(const tc_fit_volume *v, tc_fit_volume_attrs *a)
{
	size_t len = 0;
	int j;

	memset(a, 0, sizeof *a);
	a->as_of = v->as_of;
	before_spec(a->requests_per_day, sizeof a->requests_per_day,
		    v->level, v->level_se);
	before_spec(a->growth, sizeof a->growth, v->growth, v->growth_se);
	for (j = 0; j < 7; j++)
		len += (size_t)snprintf(a->weekly + len,
					sizeof a->weekly - len,
					"%snormal(%.6g, %.3g)", j ? ", " : "",
					v->weekly[j], v->weekly_se[j]);
	if (v->has_dispersion)
		before_spec(a->dispersion, sizeof a->dispersion,
			    v->dispersion, v->dispersion_se);
}

/* Sets the non-empty volume attributes of a, and as_of, on g. */
static void put_volume(tc_graph *g, const tc_fit_volume_attrs *a)
{
	const char *name[4] = { "requests_per_day", "growth", "weekly",
				"dispersion" };
	const char *text[4] = { a->requests_per_day, a->growth, a->weekly,
				a->dispersion };
	char date[16];
	size_t node;
	int k;

	assert_true(tc_graph_find_node(g, "c", &node));
	for (k = 0; k < 4; k++)
		if (text[k][0])
			assert_int_equal(tc_graph_set_node_attr(
				g, node, name[k], TC_ATTR_STRING, text[k]),
				TC_OK);
	tci_format_date(a->as_of, date, sizeof date);
	assert_int_equal(tc_graph_set_graph_attr(g, "as_of", TC_ATTR_STRING,
						 date), TC_OK);
}

/* The quantiles (tc_bt_levels) of g's requests over days from start. */
static void forecast_sum(const tc_graph *g, const tc_catalog *cat,
			 int64_t start, int days, uint64_t seed, double *q)
{
	tc_forecast_opts fo;
	tc_forecast *f = NULL;
	tc_kg *kg = NULL;
	tc_error err = { 0 };
	tc_stat s;
	size_t i;

	tc_forecast_opts_init(&fo);
	fo.seed = seed;
	fo.trials = 1000;
	fo.start = start;
	fo.days = days;
	fo.daily = 0;
	for (i = 0; i < TC_BT_NLEVELS; i++)
		fo.quantiles[i] = tc_bt_levels[i];
	fo.n_quantiles = TC_BT_NLEVELS;
	if (tc_kg_build(g, NULL, &kg, NULL, &err) != TC_OK ||
	    tc_forecast_run(kg, cat, &fo, &f, &err) != TC_OK)
		fail_msg("%s", err.message);
	assert_int_equal(tc_forecast_stat(f, TC_PERIOD_HORIZON, 0, 0,
					  TC_M_REQUESTS, &s), TC_OK);
	memcpy(q, s.quantile, TC_BT_NLEVELS * sizeof *q);
	tc_forecast_free(f);
	tc_kg_free(kg);
}

/*
 * tokcast fit's path on one history of 28 days (a tenth of the
 * backtest's level, to keep the request times few): request times,
 * tc_fit_volume_times with its default level day, tc_fit_volume_attrs_of
 * and as_of written onto the graph as tokcast fit writes a class whose
 * graph has nothing else growing; then the engine forecasts the next 7
 * days and their sum is scored. before: the former placement (the
 * level at the last day, before_attrs).
 */
static void one_fit_history(gsl_rng *r, const tc_catalog *cat, int before,
			    uint64_t seed, struct calib *c)
{
	double y[35];
	int64_t first, *t;
	tc_fit_volume v;
	tc_fit_volume_attrs a;
	tc_bt_record rec = { 0 };
	tc_graph *g = NULL;
	tc_error err = { 0 };
	struct truth tr;
	size_t i, nt;

	draw_truth(r, 1, &tr);
	tr.level /= 10;
	first = tci_days_from_civil(2026, 3, 2) +
		(int64_t)gsl_rng_uniform_int(r, 7);
	draw_days(r, &tr, first, 35, y);
	t = tc_test_request_times(y, 28, first, &nt);
	assert_int_equal(tc_fit_volume_times(t, nt, before ? first + 27 :
					     INT64_MIN, &v, &err), TC_OK);
	if (before)
		before_attrs(&v, &a);
	else
		tc_fit_volume_attrs_of(&v, &a);
	assert_int_equal(tc_graph_read_memory(graph_text, strlen(graph_text),
					      "calib", NULL, &g, NULL, &err),
			 TC_OK);
	put_volume(g, &a);
	forecast_sum(g, cat, first + 28, 7, seed, rec.q);
	for (i = 28; i < 35; i++)
		rec.actual += y[i];
	rec.pit = tc_bt_pit(rec.q, rec.actual);
	add_horizon(c, &rec);
	tc_graph_free(g);
	free(t);
}

/* Runs n histories of a kind from a fixed seed. */
static void calibrate(size_t n, int hist, int horizon, enum kind kind,
		      unsigned long seed, struct calib *c)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	tc_catalog *cat = tc_catalog_new();
	tc_error err = { 0 };
	size_t i;

	assert_non_null(r);
	assert_int_equal(tc_catalog_load(cat, tc_source_path(
		"data/catalog.csv"), &err), TC_OK);
	gsl_rng_set(r, seed);
	memset(c, 0, sizeof *c);
	for (i = 0; i < n; i++) {
		if (kind == K_COST)
			one_cost_history(r, cat, hist, horizon, 1000 + i, c);
		else if (kind == K_FIT || kind == K_FIT_BEFORE)
			one_fit_history(r, cat, kind == K_FIT_BEFORE,
					1000 + i, c);
		else
			one_history(r, cat, hist, horizon,
				    kind == K_REQUESTS,
				    kind == K_NO_UNCERTAINTY, 1000 + i, c);
	}
	tc_bt_pit_chi2(c->pit, TC_BT_PIT_BINS, &c->p);
	gsl_rng_free(r);
	tc_catalog_free(cat);
	print_message("N=%zu: coverage 80%% %.3f, 95%% %.3f, PIT chi2 p "
		      "%.3g; PIT", c->n, (double)c->in80 / (double)c->n,
		      (double)c->in95 / (double)c->n, c->p);
	for (i = 0; i < TC_BT_PIT_BINS; i++)
		print_message(" %zu", c->pit[i]);
	print_message("\n");
}

/* N from TC_CALIBRATION_N, else the default. */
static size_t histories(void)
{
	const char *s = getenv("TC_CALIBRATION_N");
	long v = s ? strtol(s, NULL, 10) : 0;

	return v > 0 && v < 100000 ? (size_t)v : DEFAULT_N;
}

/* Is coverage k of n within 3 binomial SEs of p? */
static int within(size_t k, size_t n, double p)
{
	double se = sqrt(p * (1 - p) / (double)n);

	return fabs((double)k / (double)n - p) <= 3 * se;
}

/*
 * Four weeks of history (the full model: level, growth, weekly,
 * dispersion), the next 7 days' total forecast: calibrated.
 */
static void requests_calibrated(void **state)
{
	struct calib c;
	size_t n = histories();

	(void)state;
	calibrate(n, 28, 7, K_REQUESTS, 20261203UL, &c);
	assert_int_equal(c.n, n);
	assert_true(within(c.in80, c.n, 0.80));
	assert_true(within(c.in95, c.n, 0.95));
	assert_true(c.p > 0.01);
}

/*
 * One week of history (level and dispersion only) without parameter
 * uncertainty: the intervals ignore the level's estimation error and
 * the check must fail.
 */
static void fails_without_uncertainty(void **state)
{
	struct calib c;

	(void)state;
	calibrate(histories(), 7, 7, K_NO_UNCERTAINTY, 20261204UL, &c);
	assert_false(within(c.in80, c.n, 0.80) &&
		     within(c.in95, c.n, 0.95) && c.p > 0.01);
}

/*
 * The cost of the next 7 days after four weeks of per-request history:
 * volume and token distributions fitted, known lognormal tokens. About
 * 0.1 s a history (two token fits), too slow for CI: it runs only from
 * bench/calibration.sh (TC_CALIBRATION_COST=1), and is skipped in CI.
 */
static void cost_calibrated(void **state)
{
	struct calib c;
	size_t n = histories();

	(void)state;
	if (!getenv("TC_CALIBRATION_COST"))
		exit(77);	/* ctest's skip code */
	calibrate(n, 28, 7, K_COST, 20261205UL, &c);
	assert_int_equal(c.n, n);
	assert_true(within(c.in80, c.n, 0.80));
	assert_true(within(c.in95, c.n, 0.95));
	assert_true(c.p > 0.01);
}

/*
 * tokcast fit's path (request times, the level at the middle of the
 * log, the backtest's correction) on four weeks of history, the next 7
 * days' total forecast from the fitted graph: calibrated, as the
 * backtest is.
 */
static void fit_calibrated(void **state)
{
	struct calib c;
	size_t n = histories();

	(void)state;
	calibrate(n, 28, 7, K_FIT, 20261206UL, &c);
	assert_int_equal(c.n, n);
	assert_true(within(c.in80, c.n, 0.80));
	assert_true(within(c.in95, c.n, 0.95));
	assert_true(c.p > 0.01);
}

/*
 * The same histories written as tokcast fit wrote them before (the
 * level at the last day, no small-sample correction): intervals too
 * narrow, and the check fails.
 */
static void fit_before_fails(void **state)
{
	struct calib c;

	(void)state;
	calibrate(histories(), 28, 7, K_FIT_BEFORE, 20261206UL, &c);
	assert_false(within(c.in80, c.n, 0.80) &&
		     within(c.in95, c.n, 0.95) && c.p > 0.01);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(requests_calibrated),
	cmocka_unit_test(fails_without_uncertainty),
	cmocka_unit_test(cost_calibrated),
	cmocka_unit_test(fit_calibrated),
	cmocka_unit_test(fit_before_fails),
};

TC_TEST_MAIN(tests)
