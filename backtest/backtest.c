/*
 * backtest.c - rolling-origin backtests: at each origin, fit the daily
 * volume on the history before it, forecast the next days with the
 * engine and keep the forecast's quantiles beside the actuals
 * (docs/backtest.md).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tokcast/engine.h"
#include "tokcast/fit.h"
#include "tokcast/kg.h"
#include "bti.h"
#include "tci.h"

void tc_backtest_opts_init(tc_backtest_opts *o)
{
	memset(o, 0, sizeof *o);
	o->horizon = 28;
	o->step = 7;
	o->min_history = 3;
	o->trials = 2000;
	o->seed = 1;
}

void tc_backtest_free(tc_backtest *bt)
{
	size_t i;

	if (!bt)
		return;
	for (i = 0; i < bt->nin; i++)
		free(bt->names[i]);
	free(bt->names);
	free(bt->origins);
	free(bt->rec);
	free(bt);
}

/* The state of one run. */
struct run {
	tc_graph *g;
	const tc_catalog *cat;
	const tc_bt_input *in;
	size_t nin;
	const tc_backtest_opts *o;
	size_t *node;		/* each input's graph node */
	size_t *fc;		/* each input's forecast class index */
	tc_backtest *bt;
	tc_error *err;
};

/* The count of input c on day (NAN outside its series or missing). */
static double day_count(const tc_bt_input *in, int64_t day)
{
	const tc_daily *d = in->daily;

	if (day < d->first_day || day >= d->first_day + (int64_t)d->ndays)
		return NAN;
	return d->count[day - d->first_day];
}

/* The scored value of input c on day: requests, or cost with COST. */
static double day_value(const struct run *r, size_t c, int64_t day)
{
	tc_bt_input cost;

	if (r->o->metric != TC_BT_COST)
		return day_count(&r->in[c], day);
	cost.daily = r->in[c].req->cost;
	return day_count(&cost, day);
}

/* Sets a node attribute as text; failures are recorded in err. */
static tc_status set(struct run *r, size_t c, const char *name,
		     const char *text)
{
	tc_status st = tc_graph_set_node_attr(r->g, r->node[c], name,
					      TC_ATTR_STRING, text);

	if (st != TC_OK)
		return tci_error(r->err, st, NULL, 0, r->in[c].cls,
				 "cannot set '%s' to '%s' (the graph's key "
				 "must be a string)", name, text);
	return TC_OK;
}

/*
 * Writes a volume fit onto class c as tokcast fit does
 * (tc_fit_volume_attrs_of: the small-sample correction, the size as a
 * lognormal). What the fit did not estimate is set too, since the
 * graph's values are overwritten: no growth and a flat week under 14
 * days, a size of 1e9 (practically Poisson) under 3.
 */
static tc_status apply_volume(struct run *r, size_t c,
			      const tc_fit_volume *v)
{
	tc_fit_volume_attrs a;
	tc_status st;

	tc_fit_volume_attrs_of(v, &a);
	st = set(r, c, "requests_per_day", a.requests_per_day);
	if (st == TC_OK)
		st = set(r, c, "growth", a.growth[0] ? a.growth : "0");
	if (st == TC_OK)
		st = set(r, c, "weekly",
			 a.weekly[0] ? a.weekly : "1,1,1,1,1,1,1");
	if (st == TC_OK)
		st = set(r, c, "dispersion",
			 a.dispersion[0] ? a.dispersion : "1e9");
	return st;
}

/*
 * Fits n counts and writes their spec (with uncertainty) as attr. Two
 * families are left out because the engine refuses their specs: the
 * log-logistic (with a shape of 3 or less its third moment is infinite,
 * and the fitter truncates it only at a shape of 2 or less), and the
 * lognormal mixture (the engine reports any mixture as having no finite
 * third moment; docs/backtest.md).
 */
static tc_status fit_tokens(struct run *r, size_t c, const char *attr,
			    const double *x, size_t n)
{
	tc_fit_opts fo = { 0 };
	tc_fit_result res;
	tc_status st;
	char *spec;

	fo.families = ((1u << TC_FIT_NFAMILIES) - 1) &
		      ~(1u << TC_FIT_LOGLOGISTIC) & ~(1u << TC_FIT_MIXTURE);
	st = tc_fit_counts(x, n, &fo, &res, r->err);

	if (st != TC_OK)
		return st;
	spec = tc_fit_spec(&res, 1);
	st = spec ? set(r, c, attr, spec)
		  : tci_error(r->err, TC_ERR_NOMEM, NULL, 0, NULL,
			      "out of memory");
	free(spec);
	tc_fit_result_free(&res);
	return st;
}

/*
 * For the cost metric: fits the input and output tokens of class c's
 * requests on days [start, end].
 */
static tc_status fit_class_tokens(struct run *r, size_t c, int64_t start,
				  int64_t end)
{
	const tc_bt_requests *q = r->in[c].req;
	double *in = malloc((q->n + 1) * sizeof *in);
	double *out = malloc((q->n + 1) * sizeof *out);
	int64_t lo = start * 86400000000LL, hi = (end + 1) * 86400000000LL;
	size_t i, n = 0;
	tc_status st;

	if (!in || !out) {
		free(in);
		free(out);
		return tci_error(r->err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	}
	for (i = 0; i < q->n; i++)
		if (q->time_us[i] >= lo && q->time_us[i] < hi) {
			in[n] = q->input[i];
			out[n++] = q->output[i];
		}
	st = fit_tokens(r, c, "input_tokens", in, n);
	if (st == TC_OK)
		st = fit_tokens(r, c, "output_tokens", out, n);
	free(in);
	free(out);
	return st;
}

/* The first day of the run of present days of c ending before origin. */
static int64_t run_start(const struct run *r, size_t c, int64_t origin)
{
	int64_t start = origin;

	while (!isnan(day_count(&r->in[c], start - 1)))
		start--;
	return start;
}

/*
 * Fits class c on the longest run of present days ending the day before
 * origin, with the level at as_of, a day inside every class's run.
 * Returns TC_OK, TC_ERR_NOT_FOUND when the run is shorter than
 * min_history, or the fitter's status.
 */
static tc_status fit_class(struct run *r, size_t c, int64_t origin,
			   int64_t as_of)
{
	const tc_daily *d = r->in[c].daily;
	int64_t end = origin - 1, start = run_start(r, c, origin);
	tc_fit_volume v;
	tc_status st;

	if (end - start + 1 < r->o->min_history)
		return TC_ERR_NOT_FOUND;
	st = tc_fit_volume_daily(d->count + (start - d->first_day),
				 (size_t)(end - start + 1), start, as_of,
				 &v, r->err);
	if (st == TC_OK)
		st = apply_volume(r, c, &v);
	if (st == TC_OK && r->o->metric == TC_BT_COST)
		st = fit_class_tokens(r, c, start, end);
	return st;
}

/*
 * The level's day: the middle of the history all classes share
 * (tc_fit_volume_level_day, as tokcast fit places it). There the
 * level's and the growth's errors are nearly uncorrelated; the graph
 * cannot say they are correlated, and at the last day they strongly are
 * (docs/backtest.md). INT64_MIN when out of memory.
 */
static int64_t level_day(const struct run *r, int64_t origin)
{
	int64_t *first = malloc(r->nin * sizeof *first);
	int64_t *last = malloc(r->nin * sizeof *last);
	int64_t day = INT64_MIN;
	size_t c;

	if (first && last) {
		for (c = 0; c < r->nin; c++) {
			first[c] = run_start(r, c, origin);
			last[c] = origin - 1;
		}
		day = tc_fit_volume_level_day(first, last, r->nin);
	}
	free(first);
	free(last);
	return day;
}

/* Appends a record. */
static tc_status add_rec(tc_backtest *bt, const tc_bt_record *rec,
			 tc_error *err)
{
	if (bt->nrec == bt->cap) {
		size_t nc = bt->cap ? 2 * bt->cap : 256;
		tc_bt_record *nr = realloc(bt->rec, nc * sizeof *nr);

		if (!nr)
			return tci_error(err, TC_ERR_NOMEM, NULL, 0, NULL,
					 "out of memory");
		bt->rec = nr;
		bt->cap = nc;
	}
	bt->rec[bt->nrec++] = *rec;
	return TC_OK;
}

/* The actual of input c (nin: the sum of all) over days [a, a + n). */
static double actual(const struct run *r, size_t c, int64_t a, int n)
{
	double s = 0;
	size_t k;
	int i;

	for (i = 0; i < n; i++)
		for (k = 0; k < r->nin; k++)
			if (c == r->nin || c == k)
				s += day_value(r, k, a + i);
	return s;
}

/* Scores class c (nin: total) at every lead and over the horizon. */
static tc_status score_class(struct run *r, const tc_forecast *f, size_t c,
			     int64_t origin)
{
	size_t fc = c == r->nin ? TC_FORECAST_TOTAL : r->fc[c];
	int lead, h = r->o->horizon;
	tc_bt_record rec;
	tc_stat s;
	tc_status st;

	for (lead = 0; lead <= h; lead++) {
		rec.origin = origin;
		rec.cls = c;
		rec.lead = lead;
		rec.actual = lead ? actual(r, c, origin + lead - 1, 1)
				  : actual(r, c, origin, h);
		if (isnan(rec.actual))
			continue;
		st = tc_forecast_stat(f, lead ? TC_PERIOD_DAY :
				      TC_PERIOD_HORIZON,
				      lead ? (size_t)lead - 1 : 0, fc,
				      r->o->metric == TC_BT_COST ? TC_M_COST :
				      TC_M_REQUESTS, &s);
		if (st != TC_OK)
			return tci_error(r->err, st, NULL, 0, NULL,
					 "no forecast statistics");
		memcpy(rec.q, s.quantile, sizeof rec.q);
		rec.pit = tc_bt_pit(rec.q, rec.actual);
		st = add_rec(r->bt, &rec, r->err);
		if (st != TC_OK)
			return st;
	}
	return TC_OK;
}

/* Maps each input to its class index in the forecast. */
static void map_classes(struct run *r, const tc_forecast *f)
{
	size_t c, k;

	for (c = 0; c < r->nin; c++)
		for (k = 0; k < tc_forecast_class_count(f); k++)
			if (!strcmp(tc_forecast_class_name(f, k),
				    r->in[c].cls))
				r->fc[c] = k;
}

/*
 * Requests do not depend on prices, only on the weekday and on the days
 * since as_of; a series without dates (1970 by default) would find no
 * price. So requests run on dates moved by whole weeks to 2026 or later.
 */
static int64_t engine_shift(const struct run *r, int64_t origin)
{
	int64_t anchor = tci_days_from_civil(2026, 1, 5);

	if (r->o->metric != TC_BT_REQUESTS || origin >= anchor)
		return 0;
	return (anchor - origin + 6) / 7 * 7;
}

/* Runs the engine from origin on the graph as fitted and scores it. */
static tc_status forecast_origin(struct run *r, int64_t origin, size_t k)
{
	tc_forecast_opts fo;
	tc_forecast *f = NULL;
	tc_kg *kg = NULL;
	tc_status st;
	size_t c, i;

	tc_forecast_opts_init(&fo);
	fo.seed = r->o->seed + k;
	fo.trials = r->o->trials;
	fo.daily_trials = r->o->trials;
	fo.start = origin + engine_shift(r, origin);
	fo.days = r->o->horizon;
	fo.no_parameter_uncertainty = r->o->no_parameter_uncertainty;
	for (i = 0; i < TC_BT_NLEVELS; i++)
		fo.quantiles[i] = tc_bt_levels[i];
	fo.n_quantiles = TC_BT_NLEVELS;

	st = tc_kg_build(r->g, NULL, &kg, NULL, r->err);
	if (st == TC_OK)
		st = tc_forecast_run(kg, r->cat, &fo, &f, r->err);
	if (st == TC_OK)
		map_classes(r, f);
	for (c = 0; st == TC_OK && c < r->nin + r->bt->has_total; c++)
		st = score_class(r, f, c, origin);
	tc_forecast_free(f);
	tc_kg_free(kg);
	return st;
}

/* Fits every class at origin and forecasts; 0: skipped (short). */
static tc_status run_origin(struct run *r, int64_t origin, size_t k,
			    int *done)
{
	int64_t as_of = level_day(r, origin);
	char date[16];
	size_t c;
	tc_status st;

	*done = 0;
	if (as_of == INT64_MIN)
		return tci_error(r->err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	for (c = 0; c < r->nin; c++) {
		st = fit_class(r, c, origin, as_of);
		if (st == TC_ERR_NOT_FOUND)
			return TC_OK;
		if (st != TC_OK)
			return st;
	}
	tci_format_date(as_of + engine_shift(r, origin), date, sizeof date);
	st = tc_graph_set_graph_attr(r->g, "as_of", TC_ATTR_STRING, date);
	if (st != TC_OK)
		return tci_error(r->err, st, NULL, 0, NULL,
				 "cannot set the graph's as_of");
	st = forecast_origin(r, origin, k);
	*done = st == TC_OK;
	return st;
}

/* The origins: back from the last whole horizon by step days. */
static tc_status plan_origins(struct run *r)
{
	const tc_backtest_opts *o = r->o;
	int64_t first = INT64_MIN, last = INT64_MAX, org;
	size_t c, n = 0, cap;

	for (c = 0; c < r->nin; c++) {
		const tc_daily *d = r->in[c].daily;

		if (d->first_day > first)
			first = d->first_day;
		if (d->first_day + (int64_t)d->ndays - 1 < last)
			last = d->first_day + (int64_t)d->ndays - 1;
	}
	cap = (size_t)(last >= first ? last - first + 2 : 1);
	r->bt->origins = malloc(cap * sizeof *r->bt->origins);
	if (!r->bt->origins)
		return tci_error(r->err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	for (org = last - o->horizon + 1; org - first >= o->min_history &&
	     (o->windows <= 0 || n < (size_t)o->windows) && n < cap;
	     org -= o->step)
		r->bt->origins[n++] = org;
	r->bt->norigins = n;
	for (c = 0; c < n / 2; c++) {
		org = r->bt->origins[c];
		r->bt->origins[c] = r->bt->origins[n - 1 - c];
		r->bt->origins[n - 1 - c] = org;
	}
	if (!n)
		return tci_error(r->err, TC_ERR_INVALID, NULL, 0, NULL,
				 "no origin has %d days of history and %d "
				 "days after it", o->min_history, o->horizon);
	return TC_OK;
}

/* 1 when node i of g is a feature class (its kind attribute). */
static int is_class(const tc_graph *g, size_t i)
{
	const tc_value *v = tc_graph_node_attr(g, i, "kind");

	return v && v->text && !strcmp(v->text, "feature_class");
}

/*
 * Finds the inputs' nodes and whether they are all the graph's classes
 * (read from the graph: the knowledge graph is built only once the
 * volumes are set).
 */
static tc_status find_nodes(struct run *r)
{
	size_t c, i, classes = 0;
	tc_status st = TC_OK;

	for (c = 0; c < r->nin && st == TC_OK; c++) {
		if (!tc_graph_find_node(r->g, r->in[c].cls, &r->node[c]) ||
		    !is_class(r->g, r->node[c]))
			st = tci_error(r->err, TC_ERR_NOT_FOUND, NULL, 0,
				       r->in[c].cls, "no feature class "
				       "'%s' in the graph", r->in[c].cls);
		r->bt->names[c] = strdup(r->in[c].cls);
		if (!r->bt->names[c] && st == TC_OK)
			st = tci_error(r->err, TC_ERR_NOMEM, NULL, 0, NULL,
				       "out of memory");
	}
	for (i = 0; i < tc_graph_node_count(r->g); i++)
		classes += is_class(r->g, i);
	r->bt->has_total = r->nin >= 2 && classes == r->nin;
	return st;
}

/* Checks the arguments of tc_backtest_run. */
static tc_status check_args(tc_graph *g, const tc_catalog *cat,
			    const tc_bt_input *in, size_t nin,
			    const tc_backtest_opts *o, tc_error *err)
{
	size_t c;

	if (!g || !cat || !in || !nin || !o || nin > 4096)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no graph, catalog or inputs");
	if (o->horizon < 1 || o->horizon > 3660 || o->step < 1 ||
	    o->min_history < 1 || o->trials < 1)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "horizon, step, history and trials must "
				 "be positive");
	for (c = 0; c < nin; c++) {
		if (!in[c].cls || !in[c].daily || !in[c].daily->ndays)
			return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
					 "input %zu has no class or no days",
					 c);
		if (o->metric == TC_BT_COST && (!in[c].req ||
		    !in[c].req->cost || !in[c].req->time_us ||
		    !in[c].req->input || !in[c].req->output))
			return tci_error(err, TC_ERR_ARG, NULL, 0, in[c].cls,
					 "the cost metric needs the requests "
					 "of a usage log");
	}
	return TC_OK;
}

tc_status tc_backtest_run(tc_graph *g, const tc_catalog *cat,
			  const tc_bt_input *in, size_t nin,
			  const tc_backtest_opts *o, tc_backtest **out,
			  tc_error *err)
{
	struct run r = { g, cat, in, nin, o, NULL, NULL, NULL, err };
	size_t k;
	int done;
	tc_status st;

	if (out)
		*out = NULL;
	st = out ? check_args(g, cat, in, nin, o, err) : TC_ERR_ARG;
	if (st != TC_OK)
		return st;
	r.bt = calloc(1, sizeof *r.bt);
	r.node = calloc(nin, sizeof *r.node);
	r.fc = calloc(nin, sizeof *r.fc);
	if (r.bt)
		r.bt->names = calloc(nin, sizeof *r.bt->names);
	if (!r.bt || !r.node || !r.fc || !r.bt->names) {
		st = tci_error(err, TC_ERR_NOMEM, NULL, 0, NULL,
			       "out of memory");
		goto out;
	}
	r.bt->nin = nin;
	r.bt->horizon = o->horizon;
	r.bt->step = o->step;
	r.bt->trials = o->trials;
	r.bt->metric = o->metric;

	st = find_nodes(&r);
	if (st == TC_OK)
		st = plan_origins(&r);
	for (k = 0; st == TC_OK && k < r.bt->norigins; k++)
		st = run_origin(&r, r.bt->origins[k], k, &done);
out:
	free(r.node);
	free(r.fc);
	if (st != TC_OK)
		tc_backtest_free(r.bt);
	else
		*out = r.bt;
	return st;
}
