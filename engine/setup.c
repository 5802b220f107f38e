/*
 * setup.c - what a run knows before its first trial: the graph in
 * arrays, months, each class's price periods, the central values for
 * --no-parameter-uncertainty, and the moments no trial changes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "escn.h"
#include "philox.h"
#include "tci.h"

static const tc_kg_attr req_attrs[ENG_Q_COUNT] = {
	TC_KG_INPUT_TOKENS, TC_KG_OUTPUT_TOKENS, TC_KG_CACHED_SHARE,
	TC_KG_CACHE_WRITE_SHARE, TC_KG_CACHE_WRITE_1H_SHARE,
	TC_KG_REASONING_SHARE, TC_KG_BATCH_SHARE};

tc_status eng_rewrap(tc_error *err, tc_status st, const char *element,
		     const char *fmt, const char *arg)
{
	char what[300], msg[TC_ERROR_MESSAGE_MAX];

	if (!err)
		return st;
	snprintf(what, sizeof what, fmt, arg);
	snprintf(msg, sizeof msg, "%s", err->message);
	tci_error_clear(err);
	return tci_error(err, st, NULL, 0, element, "%s: %s", what, msg);
}

/* Months of the horizon: index of each day, first day of each month. */
static tc_status setup_months(eng *e)
{
	int t, days = e->opts.days;
	int64_t y0 = 0, y;
	unsigned m0 = 0, m, d;

	e->day_month = calloc((size_t)days, sizeof *e->day_month);
	e->month_first = calloc((size_t)days, sizeof *e->month_first);
	e->day_wd = malloc((size_t)days);
	if (!e->day_month || !e->month_first || !e->day_wd)
		return TC_ERR_NOMEM;
	e->n_months = 0;
	for (t = 0; t < days; t++) {
		tci_civil_from_days(e->opts.start + t, &y, &m, &d);
		if (t == 0 || y != y0 || m != m0) {
			e->month_first[e->n_months++] = e->opts.start + t;
			y0 = y;
			m0 = m;
		}
		e->day_month[t] = e->n_months - 1;
		e->day_wd[t] = (unsigned char)tci_weekday(e->opts.start + t);
	}
	return TC_OK;
}

/* 1 when the class may use a share attribute (present, not 0). */
static int uses(const eng *e, const eng_class *c, tc_kg_attr a)
{
	const tc_spec *s = eng_node_spec(e, c->node, a);
	double x;

	return s && !(tc_spec_is_constant(s, &x) && x == 0);
}

/*
 * A catalog row must price every token bucket the class may use, as
 * tc_price_request requires: TC_ERR_INVALID naming the class otherwise.
 */
static tc_status check_row(const eng *e, const eng_class *c,
			   const tc_price *p, tc_error *err)
{
	const char *what = NULL;
	int tiered = p->tier_threshold != 0, t;

	for (t = 0; t <= tiered && !what; t++) {
		const tc_rates *r = t ? &p->tier : &p->base;

		if (r->input == TC_RATE_NONE || r->output == TC_RATE_NONE)
			what = "input or output";
		else if (r->cache_read == TC_RATE_NONE &&
			 uses(e, c, TC_KG_CACHED_SHARE))
			what = "cache read";
		else if ((r->cache_write_5m == TC_RATE_NONE ||
			  (r->cache_write_1h == TC_RATE_NONE &&
			   uses(e, c, TC_KG_CACHE_WRITE_1H_SHARE))) &&
			 uses(e, c, TC_KG_CACHE_WRITE_SHARE))
			what = "cache write";
	}
	/* Batch requests need a batch price, as tc_price_request says. */
	if (!what && p->batch_mult == TC_RATE_NONE &&
	    uses(e, c, TC_KG_BATCH_SHARE))
		what = "batch";
	if (!what)
		return TC_OK;
	return tci_error(err, TC_ERR_INVALID, p->file, p->line, c->name,
			 "class '%s' may use %s tokens, which the catalog "
			 "does not price for model '%s'", c->name, what,
			 p->model);
}

/* The price periods of a class on a model over the horizon. */
tc_status eng_setup_prices(eng *e, eng_class *c, const char *model,
			   tc_error *err)
{
	int t, days = e->opts.days;
	tc_status st;

	if (!model)
		return tci_error(err, TC_ERR_INVALID, NULL, 0, c->name,
				 "class '%s' has no model", c->name);
	c->prices = calloc((size_t)days, sizeof *c->prices);
	c->day_price = calloc((size_t)days, 1);
	if (!c->prices || !c->day_price)
		return TC_ERR_NOMEM;
	for (t = 0; t < days; t++) {
		const tc_price *row;

		st = tc_catalog_find(e->cat, model, e->opts.start + t, &row,
				     err);
		if (st != TC_OK)
			return eng_rewrap(err, st, c->name, "class '%s'",
					  c->name);
		if (e->scn && (st = escn_price(e, row, e->opts.start + t, 0,
					       &row, err)) != TC_OK)
			return st;
		if ((!c->n_prices || c->prices[c->n_prices - 1].row != row) &&
		    (st = check_row(e, c, row, err)) != TC_OK)
			return st;
		if (!c->n_prices || c->prices[c->n_prices - 1].row != row) {
			if (c->n_prices == 255)
				return tci_error(err, TC_ERR_LIMIT, NULL, 0,
						 c->name, "more than 255 "
						 "price changes");
			eng_rates_of(row, &c->prices[c->n_prices]);
			c->prices[c->n_prices++].first_day = t;
		}
		c->day_price[t] = (unsigned char)(c->n_prices - 1);
	}
	return e->scn ? escn_uprices(e, c, model, err) : TC_OK;
}

/* 1 when the spec is absent or has no uncertain parameter. */
static int fixed_spec(const tc_spec *s)
{
	return !s || !tc_spec_has_uncertain_params(s);
}

/*
 * The class's trial-free parts: share moments when the share specs are
 * fixed, the whole request model when everything is (or when parameter
 * uncertainty is off), else the quantile tables of the token specs
 * that are fixed.
 */
static tc_status setup_moments(eng *e, size_t ci, tc_error *err)
{
	eng_class *c = &e->cls[ci];
	eng_req *q = &c->fixed;
	tc_spec **cs = &e->central_specs[ci * ENG_Q_COUNT];
	const tc_spec *rc = eng_node_spec(e, c->node, TC_KG_IO_RANK_CORR);
	int k, nopu = e->opts.no_parameter_uncertainty;
	tc_status st;

	c->shares_fixed = 1;
	c->all_fixed = fixed_spec(rc) || nopu;
	for (k = 0; k < ENG_Q_COUNT; k++) {
		const tc_spec *s = eng_node_spec(e, c->node, req_attrs[k]);

		if (!s && k < 2)
			return tci_error(err, TC_ERR_INVALID, NULL, 0,
					 c->name, "class '%s' has no %s",
					 c->name,
					 tc_kg_attr_get(req_attrs[k])->name);
		if (nopu && s && !fixed_spec(s)) {
			cs[k] = eng_central_spec(s);
			if (!cs[k])
				return TC_ERR_NOMEM;
			s = cs[k];
		}
		q->spec[k] = s;
		if (!fixed_spec(s)) {
			c->all_fixed = 0;
			if (k >= 2)
				c->shares_fixed = 0;
		}
	}
	if (c->shares_fixed && (st = eng_shares_moments(q, &c->sh)))
		return st;
	if (!c->all_fixed)
		return eng_qtab_setup(c, q->spec);
	q->rank_corr = 0;
	if (rc) {
		int ok;

		q->rank_corr = eng_central(rc, &ok);
		if (!ok && !tc_spec_is_constant(rc, &q->rank_corr))
			q->rank_corr = 0;
	}
	q->agg = calloc(c->n_prices, sizeof *q->agg);
	if (!q->agg)
		return TC_ERR_NOMEM;
	return eng_req_prepare(e, c, q, err);
}

/* Central values of every per-trial attribute (means of their specs). */
static tc_status setup_central(eng *e, tc_error *err)
{
	size_t n = e->n_nodes + e->n_edges, i, a;
	int d, ok;

	e->central = calloc(n * TC_KG_ATTR_COUNT, sizeof *e->central);
	e->central_weekly = calloc(e->n_nodes * 7, sizeof(double));
	if (!e->central || !e->central_weekly)
		return TC_ERR_NOMEM;
	for (i = 0; i < e->n_nodes; i++) {
		for (a = 0; a < TC_KG_ATTR_COUNT; a++) {
			const tc_spec *s = eng_node_spec(e, i, a);

			if (tc_kg_attr_get(a)->draw != TC_KG_PER_TRIAL || !s)
				continue;
			e->central[i * TC_KG_ATTR_COUNT + a] =
				eng_central(s, &ok);
			if (!ok)
				return tci_error(err, TC_ERR_NUMERIC, NULL, 0,
					tc_kg_node_id(e->kg, i), "attribute "
					"'%s' has no finite mean",
					tc_kg_attr_get(a)->name);
		}
		for (d = 0; d < 7; d++) {
			const tc_spec *s = tc_kg_node_weekly(e->kg, i, d);

			e->central_weekly[i * 7 + d] =
				s ? eng_central(s, &ok) : 1;
		}
	}
	for (i = 0; i < e->n_edges; i++)
		e->central[(e->n_nodes + i) * TC_KG_ATTR_COUNT] =
			eng_central(eng_edge_rate(e, i), &ok);
	return TC_OK;
}

/*
 * The stream ids of node i's attributes and weekly factors, hashed once
 * rather than in every trial.
 */
static void stream_ids(eng *e, size_t i)
{
	uint64_t wk = tc_rng_id_join(e->node_id[i], "weekly");
	char part[2] = {0, 0};
	int a;

	for (a = 0; a < TC_KG_ATTR_COUNT; a++)
		e->attr_id[i * TC_KG_ATTR_COUNT + (size_t)a] = tc_rng_id_join(
			e->node_id[i], tc_kg_attr_get((tc_kg_attr)a)->name);
	for (a = 0; a < 7; a++) {
		part[0] = (char)('0' + a);
		e->weekly_id[i * 7 + (size_t)a] = tc_rng_id_join(wk, part);
	}
}

/* Node and edge tables, classes and KPIs. */
static tc_status setup_nodes(eng *e, tc_error *err)
{
	size_t i, k, n = e->n_nodes;

	e->class_of = malloc(n * sizeof *e->class_of);
	e->kpi_of = malloc(n * sizeof *e->kpi_of);
	e->kpi_node = malloc((n + 1) * sizeof *e->kpi_node);
	e->node_id = malloc((n + 1) * sizeof *e->node_id);
	e->edge_id = malloc((e->n_edges + 1) * sizeof *e->edge_id);
	e->cls = calloc(n + 1, sizeof *e->cls);
	e->central_specs = calloc((n + 1) * ENG_Q_COUNT, sizeof(tc_spec *));
	e->cycle = calloc(n + 1, sizeof *e->cycle);
	e->attr_id = malloc((n + 1) * TC_KG_ATTR_COUNT * sizeof *e->attr_id);
	e->weekly_id = malloc((n + 1) * 7 * sizeof *e->weekly_id);
	e->node_key = malloc((n + 1) * ENG_NODE_KEYS * sizeof *e->node_key);
	if (!e->cycle || !e->class_of || !e->kpi_of || !e->kpi_node ||
	    !e->node_id || !e->edge_id || !e->cls || !e->central_specs ||
	    !e->attr_id || !e->weekly_id || !e->node_key)
		return TC_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		e->node_id[i] = tc_rng_id(tc_kg_node_id(e->kg, i));
		stream_ids(e, i);
		for (k = 0; k < ENG_NODE_KEYS; k++)
			e->node_key[i * ENG_NODE_KEYS + k] = tci_rng_key(
				e->opts.seed, e->node_id[i],
				TC_RNG_NOISE + (unsigned)k);
		e->cycle[i] = tc_kg_node_cycle(e->kg, i);
		e->class_of[i] = e->kpi_of[i] = SIZE_MAX;
		if (tc_kg_node_kind(e->kg, i) == TC_KG_KPI) {
			e->kpi_of[i] = e->n_kpis;
			e->kpi_node[e->n_kpis++] = i;
			continue;
		}
		e->class_of[i] = e->n_classes;
		e->cls[e->n_classes].node = i;
		e->cls[e->n_classes++].name = tc_kg_node_id(e->kg, i);
	}
	for (i = 0; i < e->n_edges; i++) {
		tc_kg_edge ed;

		tc_kg_edge_get(e->kg, i, &ed);
		e->edge_id[i] = ed.id[0] ? tc_rng_id(ed.id) :
			tc_rng_id_join(tc_rng_id_join(e->node_id[ed.source],
				"->"), tc_kg_node_id(e->kg, ed.target));
	}
	if (!e->n_classes)
		return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
				 "the graph has no feature class to forecast");
	return TC_OK;
}

/* The graph's nodes and edges in flat arrays for the day loop. */
static tc_status setup_arrays(eng *e)
{
	size_t n = e->n_nodes, m = e->n_edges, i, j, k = 0;

	e->is_kpi = malloc(n + 1);
	e->is_root = malloc(n + 1);
	e->in_start = malloc((n + 1) * sizeof *e->in_start);
	e->in_list = malloc((m + 1) * sizeof *e->in_list);
	e->e_src = malloc((m + 1) * sizeof *e->e_src);
	e->e_lag = malloc((m + 1) * sizeof *e->e_lag);
	e->e_calls = malloc(m + 1);
	e->called = calloc(n + 1, 1);
	if (!e->is_kpi || !e->is_root || !e->in_start || !e->in_list ||
	    !e->e_src || !e->e_lag || !e->e_calls || !e->called)
		return TC_ERR_NOMEM;
	for (i = 0; i < m; i++) {
		tc_kg_edge ed;

		tc_kg_edge_get(e->kg, i, &ed);
		e->e_src[i] = ed.source;
		e->e_lag[i] = ed.lag_days;
		e->e_calls[i] = ed.kind == TC_KG_CALLS;
		if (e->e_calls[i])
			e->called[ed.target] = 1;
	}
	for (i = 0; i < n; i++) {
		e->is_kpi[i] = tc_kg_node_kind(e->kg, i) == TC_KG_KPI;
		e->is_root[i] = (unsigned char)tc_kg_node_is_root(e->kg, i);
		e->in_start[i] = k;
		for (j = 0; j < tc_kg_in_count(e->kg, i); j++)
			e->in_list[k++] = tc_kg_in_edge(e->kg, i, j);
	}
	e->in_start[n] = k;
	return TC_OK;
}

/*
 * 1 when every class's daily expectation is fixed once the trial's
 * parameters are: no KPI has noise, no edge starts at a class, no cycle,
 * and a scenario adds none of these.
 */
static int expectations_fixed(const eng *e)
{
	size_t i;
	double x;

	if (tc_kg_cycle_count(e->kg) > 0)
		return 0;
	for (i = 0; i < e->n_kpis; i++) {
		const tc_spec *s = eng_node_spec(e, e->kpi_node[i],
						 TC_KG_NOISE);

		if (s && !(tc_spec_is_constant(s, &x) && x == 0))
			return 0;
	}
	for (i = 0; i < e->n_edges; i++) {
		tc_kg_edge ed;

		tc_kg_edge_get(e->kg, i, &ed);
		if (e->class_of[ed.source] != SIZE_MAX)
			return 0;
	}
	return !e->scn || escn_expectations_fixed(e);
}

/*
 * Monthly mode's runs of days of each class without scenario state:
 * the days of a month and a price period, the same in every trial.
 */
static tc_status setup_runs(eng *e)
{
	size_t i;

	for (i = 0; i < e->n_classes; i++) {
		eng_class *c = &e->cls[i];

		c->run_end = calloc((size_t)e->opts.days, sizeof *c->run_end);
		if (!c->run_end)
			return TC_ERR_NOMEM;
		eng_fill_runs(e, NULL, i, c->run_end);
	}
	return TC_OK;
}

tc_status eng_setup(eng *e, const tc_kg *kg, const tc_catalog *cat,
		    const tc_forecast_opts *o, tc_error *err)
{
	size_t i, cnt;
	tc_status st;

	memset(e, 0, sizeof *e);
	tci_gsl_fence();
	/* The day loops read the normal's layers before any stream. */
	tci_normal_init();
	e->kg = kg;
	e->cat = cat;
	e->opts = *o;
	e->n_nodes = tc_kg_node_count(kg);
	e->n_edges = tc_kg_edge_count(kg);
	e->order = tc_kg_order(kg, &cnt);
	e->first_order = tc_kg_first_day_order(kg, &cnt);
	if (!tc_kg_as_of(kg, &e->as_of))
		e->as_of = o->start;
	if ((st = setup_nodes(e, err)) || (st = setup_months(e)) ||
	    (st = setup_arrays(e)) ||
	    (o->scenario && (st = escn_setup(e, o->scenario, err))) ||
	    (st = setup_central(e, err)) ||
	    (o->sensitivity && (st = eng_sens_setup(e))))
		goto fail;
	e->monthly = o->monthly_sums && expectations_fixed(e) &&
		     !o->n_budgets && !(o->scenario &&
		     (tc_scenario_budget_count(o->scenario) ||
		      tc_scenario_contract(o->scenario)));
	e->runs_from = o->daily ? o->daily_trials : 0;
	for (i = 0; i < e->n_classes; i++)
		if ((st = eng_setup_prices(e, &e->cls[i],
				tc_kg_node_text(kg, e->cls[i].node,
						TC_KG_MODEL), err)) ||
		    (st = setup_moments(e, i, err)))
			goto fail;
	if ((st = escn_setup_tracks(e, err)) != TC_OK ||
	    (st = setup_runs(e)) != TC_OK || (st = eng_fixed_setup(e)))
		goto fail;
	return TC_OK;
fail:
	if (st == TC_ERR_NOMEM)
		tci_error(err, st, NULL, 0, NULL, "out of memory");
	eng_cleanup(e);
	return st;
}

void eng_cleanup(eng *e)
{
	size_t i;

	escn_cleanup(e);
	eng_sens_cleanup(e);
	for (i = 0; e->cls && i < e->n_classes; i++) {
		free(e->cls[i].prices);
		free(e->cls[i].day_price);
		free(e->cls[i].run_end);
		free(e->cls[i].fixed.agg);
		free(e->cls[i].qtab[0]);
		free(e->cls[i].qtab[1]);
	}
	for (i = 0; e->central_specs && i < e->n_classes * ENG_Q_COUNT; i++)
		tc_spec_free(e->central_specs[i]);
	free(e->central_specs);
	free(e->cls);
	free(e->class_of);
	free(e->cycle);
	free(e->is_kpi);
	free(e->is_root);
	free(e->in_start);
	free(e->in_list);
	free(e->e_src);
	free(e->e_lag);
	free(e->e_calls);
	free(e->kpi_of);
	free(e->kpi_node);
	free(e->node_id);
	free(e->edge_id);
	free(e->day_month);
	free(e->day_wd);
	free(e->attr_id);
	free(e->weekly_id);
	free(e->node_key);
	free(e->called);
	free(e->month_first);
	free(e->central);
	free(e->central_weekly);
	free(e->fix);
	free(e->fix_val);
	free(e->fix_weekly);
	free(e->fix_wk);
	free(e->fix_rate);
	free(e->fix_rval);
	memset(e, 0, sizeof *e);
}

eng_work *eng_work_new(const eng *e)
{
	eng_work *w = calloc(1, sizeof *w);
	size_t i, days = (size_t)e->opts.days;

	if (!w)
		return NULL;
	w->r = gsl_rng_alloc(tc_rng_philox);
	w->par = calloc(e->n_nodes, sizeof *w->par);
	w->rate = calloc(e->n_edges + 1, sizeof *w->rate);
	w->req = calloc(e->n_classes, sizeof *w->req);
	w->reqp = calloc(e->n_classes, sizeof *w->reqp);
	w->val = calloc(e->n_nodes * days, sizeof *w->val);
	w->out = calloc(e->n_classes * days * TC_M_COUNT, sizeof *w->out);
	w->kpi_sum = calloc(e->n_kpis + 1, sizeof *w->kpi_sum);
	w->pre = calloc(e->n_nodes + 1, sizeof *w->pre);
	w->grow = calloc(e->n_nodes * days + 1, sizeof *w->grow);
	w->plain = calloc(e->n_nodes + 1, 1);
	w->blocks = calloc(days * 8 + 1, sizeof *w->blocks);
	w->cum = calloc(e->n_classes * days * 3 + 1, sizeof *w->cum);
	w->cum_set = calloc(e->n_classes + 1, 1);
	w->run_end = calloc(e->n_classes * days + 1, sizeof *w->run_end);
	w->starts = calloc(days + 1, 1);
	w->ends = calloc(e->n_classes + 1, sizeof *w->ends);
	w->month_sums = calloc((size_t)e->n_months * (e->n_classes + 1) *
			       TC_M_COUNT, sizeof *w->month_sums);
	if (!w->r || !w->par || !w->rate || !w->req || !w->reqp || !w->val ||
	    !w->out || !w->kpi_sum || !w->pre || !w->month_sums || !w->grow ||
	    !w->plain || !w->run_end || !w->starts || !w->blocks ||
	    !w->cum || !w->cum_set ||
	    !w->ends)
		goto fail;
	if (e->scn && !(w->sw = escn_work_new(e)))
		goto fail;
	if (e->opts.sensitivity &&
	    !(w->inp = calloc(e->n_sens + 1, sizeof *w->inp)))
		goto fail;
	for (i = 0; i < e->n_classes; i++) {
		w->req[i].agg = calloc(e->cls[i].n_prices, sizeof(eng_agg));
		if (!w->req[i].agg)
			goto fail;
	}
	return w;
fail:
	eng_work_free(e, w);
	return NULL;
}

void eng_work_free(const eng *e, eng_work *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; w->req && i < e->n_classes; i++) {
		eng_req_release(&w->req[i]);
		free(w->req[i].agg);
	}
	if (w->sw)
		escn_work_free(e, w->sw);
	free(w->inp);
	if (w->r)
		gsl_rng_free(w->r);
	free(w->par);
	free(w->rate);
	free(w->req);
	free(w->reqp);
	free(w->val);
	free(w->out);
	free(w->kpi_sum);
	free(w->pre);
	free(w->month_sums);
	free(w->grow);
	free(w->plain);
	free(w->blocks);
	free(w->cum);
	free(w->cum_set);
	free(w->run_end);
	free(w->starts);
	free((void *)w->ends);
	free(w);
}
