/*
 * scenario_apply.c - applies a scenario's overlay in the engine, as
 * docs/scenarios.md ("How the engine applies each change") states:
 * replacing specs keep the attribute's own random stream; dated changes
 * cut a node's horizon into runs of days; model switches move a
 * binomial share of a class's requests to an alternate track priced on
 * the new model; price changes modify copies of catalog rows.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "escn.h"
#include "tci.h"

#define MONTH_DAYS 30.4375
#define REDRAWS 100

const tc_spec *eng_node_spec(const eng *e, size_t node, tc_kg_attr a)
{
	if (e->scn && e->scn->repl[node * TC_KG_ATTR_COUNT + a])
		return e->scn->repl[node * TC_KG_ATTR_COUNT + a];
	return tc_kg_node_spec(e->kg, node, a);
}

const tc_spec *eng_edge_rate(const eng *e, size_t edge)
{
	tc_kg_edge ed;

	if (e->scn && e->scn->erepl[edge])
		return e->scn->erepl[edge];
	tc_kg_edge_get(e->kg, edge, &ed);
	return ed.rate;
}

/* An error for a change the engine cannot apply, at its position. */
static tc_status unsupported(const tc_scn_change *c, const char *what,
			     tc_error *err)
{
	return tci_error(err, TC_ERR_INVALID, c->file, c->line, c->target,
			 "%s: %s is not supported by the engine "
			 "(docs/scenarios.md, known limits)",
			 tc_scn_kind_name(c->kind), what);
}

/* A SET on an edge: a rate (whole horizon or dated) or a lag. */
static tc_status setup_edge_set(eng *e, const tc_scn_change *c,
				tc_error *err)
{
	escn *s = e->scn;
	double x;

	if (c->attr == TC_KG_LAG_DAYS) {
		if (!tc_spec_is_constant(c->value, &x))
			return unsupported(c, "an uncertain lag_days", err);
		e->e_lag[c->index] = (int64_t)x;
		return TC_OK;
	}
	if (c->attr != TC_KG_RATE)
		return unsupported(c, "this edge attribute", err);
	if (c->date)
		s->edated[c->index] = 1;
	else
		s->erepl[c->index] = c->value;
	return TC_OK;
}

/* The per-request attributes, in enum eng_q order. */
static const tc_kg_attr q_attr[ENG_Q_COUNT] = {
	TC_KG_INPUT_TOKENS, TC_KG_OUTPUT_TOKENS, TC_KG_CACHED_SHARE,
	TC_KG_CACHE_WRITE_SHARE, TC_KG_CACHE_WRITE_1H_SHARE,
	TC_KG_REASONING_SHARE, TC_KG_BATCH_SHARE};

/* The eng_q of a per-request attribute, or -1. */
static int q_of(tc_kg_attr a)
{
	int k;

	for (k = 0; k < ENG_Q_COUNT; k++)
		if (q_attr[k] == a)
			return k;
	return -1;
}

/* Adds a track: a MODEL change, or a dated per-request SET (q >= 0). */
static void setup_track(eng *e, size_t i, const tc_scn_change *c, int q)
{
	escn *s = e->scn;
	escn_track *t = &s->track[s->n_track++];

	t->change = i;
	t->ci = e->class_of[c->index];
	t->q = q;
}

/* A SET on a node: in place of the attribute, or from a date. */
static tc_status setup_node_set(eng *e, size_t i, const tc_scn_change *c,
				tc_error *err)
{
	escn *s = e->scn;

	if (!c->date) {
		s->repl[c->index * TC_KG_ATTR_COUNT + c->attr] = c->value;
		return TC_OK;
	}
	if (q_of(c->attr) >= 0 && e->class_of[c->index] != SIZE_MAX) {
		setup_track(e, i, c, q_of(c->attr));
		return TC_OK;
	}
	if (c->attr == TC_KG_IO_RANK_CORR &&
	    e->class_of[c->index] != SIZE_MAX) {
		setup_track(e, i, c, ENG_Q_COUNT);
		return TC_OK;
	}
	if (c->attr != TC_KG_START && c->attr != TC_KG_REQUESTS_PER_DAY &&
	    c->attr != TC_KG_RETRY_RATE && c->attr != TC_KG_NOISE &&
	    c->attr != TC_KG_DISPERSION)
		return unsupported(c, "a dated change of this attribute",
				   err);
	s->touched[c->index] = 1;
	return TC_OK;
}

/* A LAUNCH: its date, ramp and volume replace the graph's. */
static tc_status setup_launch(eng *e, size_t i, const tc_scn_change *c)
{
	escn *s = e->scn;
	const tc_spec **r = &s->repl[c->index * TC_KG_ATTR_COUNT];
	size_t k;

	for (k = 0; k < c->n_edges; k++) {
		escn_edge *x = &s->xe[s->n_xe++];

		x->change = i;
		x->k = k;
		x->src = c->edges[k].source_node;
		x->dst = c->index;
		x->lag = c->edges[k].lag_days;
		e->is_root[c->index] = 0;
	}
	r[TC_KG_LAUNCH] = c->date;
	if (c->ramp_days)
		r[TC_KG_RAMP_DAYS] = c->ramp_days;
	if (c->value)
		r[TC_KG_REQUESTS_PER_DAY] = c->value;
	s->shape[c->index] = (int)c->ramp;
	return TC_OK;
}

/* Sorts one change into the overlay's tables. */
static tc_status setup_change(eng *e, size_t i, tc_error *err)
{
	escn *s = e->scn;
	const tc_scn_change *c = s->ch[i];

	switch (c->kind) {
	case TC_SCN_LAUNCH:
		return setup_launch(e, i, c);
	case TC_SCN_SET:
		return c->on_edge ? setup_edge_set(e, c, err)
				  : setup_node_set(e, i, c, err);
	case TC_SCN_GROWTH:
		if (!c->date)
			s->repl[c->index * TC_KG_ATTR_COUNT + TC_KG_GROWTH] =
				c->value;
		else
			s->touched[c->index] = 1;
		return TC_OK;
	case TC_SCN_MODEL:
		setup_track(e, i, c, -1);
		return TC_OK;
	case TC_SCN_PRICE:
		if (++s->n_price > 64)
			return unsupported(c, "more than 64 price changes",
					   err);
		return TC_OK;
	default:
		s->touched[c->index] = 1;
		return TC_OK;
	}
}

tc_status escn_setup(eng *e, const tc_scenario *sc, tc_error *err)
{
	escn *s;
	size_t i, n = tc_scenario_change_count(sc);
	tc_status st;

	s = e->scn = calloc(1, sizeof *s);
	if (!s)
		return TC_ERR_NOMEM;
	s->sc = sc;
	s->n_ch = n;
	s->ch = calloc(n + 1, sizeof *s->ch);
	s->repl = calloc(e->n_nodes * TC_KG_ATTR_COUNT + 1,
			 sizeof *s->repl);
	s->erepl = calloc(e->n_edges + 1, sizeof *s->erepl);
	s->shape = calloc(e->n_nodes + 1, sizeof *s->shape);
	s->touched = calloc(e->n_nodes + 1, 1);
	s->edated = calloc(e->n_edges + 1, 1);
	s->track = calloc(n + 1, sizeof *s->track);
	for (i = 0; i < n; i++)
		s->n_xe += tc_scenario_change(sc, i)->n_edges;
	s->xe = calloc(s->n_xe + 1, sizeof *s->xe);
	s->order = malloc((e->n_nodes + 1) * sizeof *s->order);
	s->first_order = malloc((e->n_nodes + 1) * sizeof *s->first_order);
	if (!s->ch || !s->repl || !s->erepl || !s->shape || !s->touched ||
	    !s->edated || !s->track || !s->xe || !s->order ||
	    !s->first_order)
		return TC_ERR_NOMEM;
	s->n_xe = 0;
	for (i = 0; i < n; i++) {
		s->ch[i] = tc_scenario_change(sc, i);
		if (s->ch[i]->kind != TC_SCN_PRICE &&
		    s->ch[i]->index == SIZE_MAX)
			return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
					 "the scenario was not loaded over "
					 "the forecast's graph");
		if ((st = setup_change(e, i, err)) != TC_OK)
			return st;
	}
	if (!s->n_xe)
		return TC_OK;
	if ((st = tc_scenario_order(sc, e->kg, 0, s->order)) ||
	    (st = tc_scenario_order(sc, e->kg, 1, s->first_order)))
		return tci_error(err, st, NULL, 0, NULL, "the scenario's "
				 "edges cannot be ordered with the graph's");
	e->order = s->order;
	e->first_order = s->first_order;
	return TC_OK;
}

/* The tracks' price periods and the class's share moments. */
/* Marks the classes with a track or varying price periods. */
static tc_status mark_busy(eng *e)
{
	escn *s = e->scn;
	size_t k, i;

	s->busy = calloc(e->n_classes + 1, 1);
	if (!s->busy)
		return TC_ERR_NOMEM;
	for (k = 0; k < s->n_track; k++)
		s->busy[s->track[k].ci] = 1;
	for (k = 0; k < s->n_up; k++)
		for (i = 0; i < e->n_classes; i++)
			if (s->up[k].cls == &e->cls[i])
				s->busy[i] = 1;
	return TC_OK;
}

tc_status escn_setup_tracks(eng *e, tc_error *err)
{
	escn *s = e->scn;
	size_t k;
	tc_status st;

	for (k = 0; s && k < s->n_track; k++) {
		escn_track *t = &s->track[k];
		const eng_class *c = &e->cls[t->ci];

		t->cls.node = c->node;
		t->cls.name = c->name;
		t->cls.shares_fixed = c->shares_fixed &&
				      (t->q < ENG_Q_CACHED ||
				       t->q == ENG_Q_COUNT);
		t->cls.sh = c->sh;
		memcpy(t->cls.qtab_spec, c->qtab_spec,
		       sizeof t->cls.qtab_spec);
		memcpy(t->cls.qtab, c->qtab, sizeof t->cls.qtab);
		st = eng_setup_prices(e, &t->cls, t->q < 0
				? s->ch[t->change]->model
				: tc_kg_node_text(e->kg, c->node, TC_KG_MODEL),
				err);
		if (st != TC_OK)
			return st;
	}
	return s ? mark_busy(e) : TC_OK;
}

void escn_cleanup(eng *e)
{
	escn *s = e->scn;
	size_t i;

	if (!s)
		return;
	for (i = 0; s->track && i < s->n_track; i++) {
		free(s->track[i].cls.prices);
		free(s->track[i].cls.day_price);
	}
	for (i = 0; i < s->n_up; i++)
		free(s->up[i].dp);
	free(s->up);
	free(s->busy);
	for (i = 0; i < s->n_rows; i++)
		free(s->rows[i]);
	free(s->rows);
	free(s->xe);
	free(s->order);
	free(s->first_order);
	free(s->ch);
	free(s->repl);
	free(s->erepl);
	free(s->shape);
	free(s->touched);
	free(s->edated);
	free(s->track);
	free(s);
	e->scn = NULL;
}

/* 1 when PRICE change c applies to row's model. */
static int price_matches(const eng *e, const tc_scn_change *c,
			 const tc_price *row)
{
	const char *a = tc_catalog_resolve(e->cat, c->target);
	const char *b = tc_catalog_resolve(e->cat, row->model);

	return a && b && strcmp(a, b) == 0;
}

/* Keeps a modified row for the run; returns it, or NULL. */
static escn_row *keep_row(escn *s, const tc_price *base, uint64_t mask)
{
	escn_row **grown, *r;

	grown = realloc(s->rows, (s->n_rows + 1) * sizeof *s->rows);
	if (!grown)
		return NULL;
	s->rows = grown;
	r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->base = base;
	r->mask = mask;
	r->row = *base;
	s->rows[s->n_rows++] = r;
	return r;
}

tc_status escn_price(eng *e, const tc_price *row, int64_t day,
		     uint64_t force, const tc_price **out, tc_error *err)
{
	escn *s = e->scn;
	uint64_t mask = 0, bit = 1;
	size_t i;
	escn_row *r;
	double d;

	*out = row;
	for (i = 0; s && i < s->n_ch; i++) {
		const tc_scn_change *c = s->ch[i];

		if (c->kind != TC_SCN_PRICE)
			continue;
		if (price_matches(e, c, row) && (!c->date ||
		    (tc_spec_is_constant(c->date, &d) ? floor(d) <= day
						      : (force & bit) != 0)))
			mask |= bit;
		bit <<= 1;
	}
	if (!mask)
		return TC_OK;
	for (i = 0; i < s->n_rows; i++)
		if (s->rows[i]->base == row && s->rows[i]->mask == mask) {
			*out = &s->rows[i]->row;
			return TC_OK;
		}
	if (!(r = keep_row(s, row, mask)))
		return TC_ERR_NOMEM;
	for (i = 0, bit = 1; i < s->n_ch; i++) {
		const tc_scn_change *c = s->ch[i];

		if (c->kind != TC_SCN_PRICE)
			continue;
		if ((mask & bit) && tc_scn_apply_price(c, &r->row) != TC_OK)
			return tci_error(err, TC_ERR_LIMIT, c->file, c->line,
					 c->target, "a price change makes a "
					 "rate overflow");
		bit <<= 1;
	}
	*out = &r->row;
	return TC_OK;
}

/* The uncertain-date PRICE changes of a model: count, and bits. */
static size_t uncertain_prices(const eng *e, const char *model,
			       size_t *ch, uint64_t *bits)
{
	const escn *s = e->scn;
	const char *m = tc_catalog_resolve(e->cat, model);
	const char *t;
	size_t i, n = 0;
	uint64_t bit = 1;

	for (i = 0; i < s->n_ch; i++) {
		const tc_scn_change *c = s->ch[i];

		if (c->kind != TC_SCN_PRICE)
			continue;
		t = tc_catalog_resolve(e->cat, c->target);
		if (c->date && !tc_spec_is_constant(c->date, NULL) && m && t &&
		    strcmp(m, t) == 0) {
			if (n < 4) {
				ch[n] = i;
				bits[n] = bit;
			}
			n++;
		}
		bit <<= 1;
	}
	return n;
}

/* The period of row in c, added when new; -1 past 255 periods. */
static int period_of(eng_class *c, const tc_price *row, int t)
{
	size_t i;

	for (i = 0; i < c->n_prices; i++)
		if (c->prices[i].row == row)
			return (int)i;
	if (c->n_prices == 255)
		return -1;
	eng_rates_of(row, &c->prices[c->n_prices]);
	c->prices[c->n_prices].first_day = t;
	return (int)c->n_prices++;
}

tc_status escn_uprices(eng *e, eng_class *c, const char *model,
		       tc_error *err)
{
	escn *s = e->scn;
	size_t ch[4], n, m, j;
	uint64_t bits[4];
	int t, days = e->opts.days, p;
	escn_uprice *u;
	tc_status st;

	n = uncertain_prices(e, model, ch, bits);
	if (!n)
		return TC_OK;
	if (n > 4)
		return unsupported(s->ch[ch[0]], "more than 4 price changes "
				   "of uncertain date for one model", err);
	u = realloc(s->up, (s->n_up + 1) * sizeof *s->up);
	if (!u)
		return TC_ERR_NOMEM;
	s->up = u;
	u = &s->up[s->n_up];
	u->cls = c;
	u->n = n;
	memcpy(u->ch, ch, sizeof ch);
	u->dp = malloc(((size_t)days << n) + 1);
	if (!u->dp)
		return TC_ERR_NOMEM;
	s->n_up++;
	c->n_prices = 0;
	for (m = 0; m < ((size_t)1 << n); m++) {
		uint64_t force = 0;

		for (j = 0; j < n; j++)
			if (m & ((size_t)1 << j))
				force |= bits[j];
		for (t = 0; t < days; t++) {
			const tc_price *row;

			if ((st = tc_catalog_find(e->cat, model,
					e->opts.start + t, &row, err)) ||
			    (st = escn_price(e, row, e->opts.start + t, force,
					     &row, err)))
				return st;
			if ((p = period_of(c, row, t)) < 0)
				return tci_error(err, TC_ERR_LIMIT, NULL, 0,
						 c->name, "more than 255 "
						 "price changes");
			u->dp[m * (size_t)days + (size_t)t] =
				(unsigned char)p;
		}
	}
	memcpy(c->day_price, u->dp, (size_t)days);
	return TC_OK;
}

/* 1 when tracks j (a model switch) and k (a set) share their class. */
static int combined(const escn *s, size_t j, size_t k)
{
	return s->track[j].q < 0 && s->track[k].q >= 0 &&
	       s->track[j].ci == s->track[k].ci;
}

escn_work *escn_work_new(const eng *e)
{
	const escn *s = e->scn;
	size_t days = (size_t)e->opts.days, n = s->n_ch + 1;
	escn_work *sw = calloc(1, sizeof *sw);
	size_t k;

	if (!sw)
		return NULL;
	sw->when = calloc(n, sizeof *sw->when);
	sw->val = calloc(n, sizeof *sw->val);
	sw->wk = calloc(n * 7, sizeof *sw->wk);
	sw->dem = calloc(e->n_nodes * days + 1, sizeof *sw->dem);
	sw->all = calloc(e->n_nodes * days + 1, sizeof *sw->all);
	sw->erate = calloc(e->n_edges * days + 1, sizeof *sw->erate);
	sw->noise = calloc(e->n_nodes * days + 1, sizeof *sw->noise);
	sw->disp = calloc(e->n_nodes * days + 1, sizeof *sw->disp);
	sw->share = calloc(s->n_track + 1, sizeof *sw->share);
	sw->treq = calloc(s->n_track + 1, sizeof *sw->treq);
	sw->towned = calloc(s->n_track + 1, sizeof *sw->towned);
	sw->creq = calloc(s->n_track * s->n_track + 1, sizeof *sw->creq);
	for (k = 0; sw->creq && k < s->n_track * s->n_track; k++) {
		const escn_track *tj = &s->track[k / s->n_track];

		if (!combined(s, k / s->n_track, k % s->n_track))
			continue;
		sw->creq[k].agg = calloc(tj->cls.n_prices + 1,
					 sizeof(eng_agg));
		if (!sw->creq[k].agg)
			goto fail;
	}
	sw->ucls = calloc(s->n_up + 1, sizeof *sw->ucls);
	sw->xrate = calloc(s->n_xe + 1, sizeof *sw->xrate);
	for (k = 0; sw->ucls && k < s->n_up; k++) {
		sw->ucls[k] = *s->up[k].cls;
		sw->ucls[k].day_price = malloc(days + 1);
		if (!sw->ucls[k].day_price)
			goto fail;
	}
	sw->order = calloc(n, sizeof *sw->order);
	if (!sw->when || !sw->val || !sw->wk || !sw->dem || !sw->all ||
	    !sw->erate || !sw->share || !sw->treq || !sw->order ||
	    !sw->towned || !sw->ucls || !sw->xrate || !sw->noise ||
	    !sw->disp || !sw->creq)
		goto fail;
	for (k = 0; k < s->n_track; k++) {
		sw->treq[k].agg = calloc(s->track[k].cls.n_prices + 1,
					 sizeof(eng_agg));
		if (!sw->treq[k].agg)
			goto fail;
	}
	return sw;
fail:
	escn_work_free(e, sw);
	return NULL;
}

void escn_work_free(const eng *e, escn_work *sw)
{
	size_t k;

	if (!sw)
		return;
	for (k = 0; sw->treq && k < e->scn->n_track; k++)
		free(sw->treq[k].agg);
	for (k = 0; sw->towned && k < e->scn->n_track; k++)
		tc_spec_free(sw->towned[k]);
	for (k = 0; sw->ucls && k < e->scn->n_up; k++)
		free(sw->ucls[k].day_price);
	free(sw->ucls);
	free(sw->xrate);
	for (k = 0; sw->creq && k < e->scn->n_track * e->scn->n_track; k++)
		free(sw->creq[k].agg);
	free(sw->creq);
	free(sw->towned);
	free(sw->when);
	free(sw->val);
	free(sw->wk);
	free(sw->dem);
	free(sw->all);
	free(sw->erate);
	free(sw->noise);
	free(sw->disp);
	free(sw->share);
	free(sw->treq);
	free(sw->order);
	free(sw);
}

/*
 * One drawn value of a change (TC_RNG_SCENARIO, or TC_RNG_DATE for a
 * date), keyed by the change's key and part; redrawn while outside
 * [lo, hi]; the mean without parameter uncertainty.
 */
static tc_status draw_part(const eng *e, eng_work *w, uint64_t trial,
			   const tc_scn_change *c, const char *part,
			   const tc_spec *spec, double lo, double hi,
			   double *x, tc_error *err)
{
	tc_rng_stream rs = {e->opts.seed, trial,
			    tc_rng_id_join(tc_rng_id(c->key), part),
			    strcmp(part, "date") ? TC_RNG_SCENARIO
						 : TC_RNG_DATE, 0};
	int i, ok;

	if (tc_spec_is_constant(spec, x) ||
	    (e->sens_fix && eng_sens_fixed(e, rs.element, x)))
		return TC_OK;
	if (e->opts.no_parameter_uncertainty) {
		*x = eng_central(spec, &ok);
		return TC_OK;
	}
	tc_rng_set_stream(w->r, &rs);
	for (i = 0; i < REDRAWS; i++) {
		tc_status st = tc_spec_sample_err(spec, w->r, x, err);

		if (st != TC_OK)
			return st;
		if (*x >= lo && *x <= hi) {
			eng_sens_note(e, w, rs.element, *x);
			return TC_OK;
		}
	}
	return tci_error(err, TC_ERR_NUMERIC, c->file, c->line, c->target,
			 "%s of change '%s': %d draws in a row fell outside "
			 "its domain", part, c->key, REDRAWS);
}

/* The domain of a change's value: its attribute's, or (0, inf). */
static void value_domain(const tc_scn_change *c, double *lo, double *hi)
{
	const tc_kg_attr_info *info;

	*lo = 0;
	*hi = INFINITY;
	if (c->kind != TC_SCN_SET && c->kind != TC_SCN_GROWTH)
		return;
	info = tc_kg_attr_get(c->attr);
	*lo = info->lo;
	*hi = info->hi;
}

/* Draws a WEEKLY change's seven factors, normalised to mean 1. */
static tc_status draw_weekly(const eng *e, eng_work *w, uint64_t trial,
			     const tc_scn_change *c, double *wk,
			     tc_error *err)
{
	double sum = 0;
	int d;
	tc_status st;

	for (d = 0; d < 7; d++) {
		char part[8] = "weekly0";

		part[6] = (char)('0' + d);
		wk[d] = 1;
		if (c->weekly[d] && (st = draw_part(e, w, trial, c, part,
				c->weekly[d], 0, INFINITY, &wk[d], err)))
			return st;
		sum += wk[d];
	}
	if (!(sum > 0))
		return tci_error(err, TC_ERR_NUMERIC, c->file, c->line,
				 c->target, "the weekly factors sum to 0");
	for (d = 0; d < 7; d++)
		wk[d] *= 7 / sum;
	return TC_OK;
}

/* Draws one change's date and values for this trial. */
static tc_status draw_change(const eng *e, eng_work *w, uint64_t trial,
			     size_t i, tc_error *err)
{
	const tc_scn_change *c = e->scn->ch[i];
	escn_work *sw = w->sw;
	double d = 0, lo, hi;
	tc_status st;

	sw->when[i] = INT64_MIN;
	if (c->date && c->kind != TC_SCN_LAUNCH) {
		if ((st = draw_part(e, w, trial, c, "date", c->date,
				    -INFINITY, INFINITY, &d, err)))
			return st;
		sw->when[i] = (int64_t)floor(d);
	}
	value_domain(c, &lo, &hi);
	if (c->kind == TC_SCN_WEEKLY)
		return draw_weekly(e, w, trial, c, &sw->wk[i * 7], err);
	if (c->kind == TC_SCN_MODEL) {
		sw->val[i] = 1;
		return c->share ? draw_part(e, w, trial, c, "share", c->share,
					    0, 1, &sw->val[i], err)
				: TC_OK;
	}
	if (c->kind == TC_SCN_SET && q_of(c->attr) >= 0) {
		sw->val[i] = 1;
		return TC_OK;
	}
	if (c->value && c->kind != TC_SCN_LAUNCH &&
	    (c->date || c->kind == TC_SCN_LEVEL))
		return draw_part(e, w, trial, c, "value", c->value, lo, hi,
				 &sw->val[i], err);
	return TC_OK;
}

static tc_status trial_tracks(const eng *e, eng_work *w, uint64_t trial,
			      tc_error *err);
static tc_status combined_tracks(const eng *e, eng_work *w, tc_error *err);

/* The changes of a node from a date, sorted by (date, list order). */
static size_t node_changes(const eng *e, const escn_work *sw, size_t node,
			   size_t *ord)
{
	const escn *s = e->scn;
	size_t i, n = 0, j;

	for (i = 0; i < s->n_ch; i++) {
		const tc_scn_change *c = s->ch[i];

		if (c->index != node || c->on_edge ||
		    c->kind == TC_SCN_LAUNCH || c->kind == TC_SCN_MODEL ||
		    c->kind == TC_SCN_PRICE ||
		    ((c->kind == TC_SCN_SET || c->kind == TC_SCN_GROWTH) &&
		     !c->date) ||
		    (c->kind == TC_SCN_SET && (q_of(c->attr) >= 0 ||
					       c->attr == TC_KG_IO_RANK_CORR)))
			continue;
		for (j = n++; j > 0 && sw->when[ord[j - 1]] > sw->when[i];
		     j--)
			ord[j] = ord[j - 1];
		ord[j] = i;
	}
	return n;
}

/* A node's running state while its changes apply day by day. */
typedef struct run_state {
	double level, gbase, glog, lf, alive, rmult, wk[7];
	int64_t d0;
	double noise_s, disp;
} run_state;

/* Applies change i (active from its drawn day) to the running state. */
static void apply_change(const eng *e, const eng_work *w, size_t node,
			 size_t i, run_state *rs)
{
	const tc_scn_change *c = e->scn->ch[i];
	const escn_work *sw = w->sw;
	double x = sw->val[i];
	int64_t T = sw->when[i];

	switch (c->kind) {
	case TC_SCN_RETIRE:
		rs->alive = 0;
		break;
	case TC_SCN_GROWTH:
		rs->gbase += rs->glog * (double)(T - rs->d0);
		rs->d0 = T;
		rs->glog = log1p(x) / MONTH_DAYS;
		break;
	case TC_SCN_LEVEL:
		rs->lf *= x;
		break;
	case TC_SCN_WEEKLY:
		memcpy(rs->wk, &sw->wk[i * 7], sizeof rs->wk);
		break;
	case TC_SCN_SET:
		if (c->attr == TC_KG_RETRY_RATE)
			rs->rmult = (1 + x) / (1 + w->par[node].retry);
		else if (c->attr == TC_KG_NOISE)
			rs->noise_s = sqrt(log1p(x * x));
		else if (c->attr == TC_KG_DISPERSION)
			rs->disp = x;
		else
			rs->level = x;
		break;
	default:
		break;
	}
}

/* A touched node's demand (or demand factor) and factor of each day. */
static void node_days(const eng *e, eng_work *w, size_t node)
{
	escn_work *sw = w->sw;
	const eng_par *p = &w->par[node];
	int days = e->opts.days, t;
	size_t n = node_changes(e, sw, node, sw->order), j = 0;
	run_state rs = {p->level, 0, p->glog, 1, 1, 1, {0}, e->as_of,
			p->noise_s, p->disp};

	memcpy(rs.wk, p->weekly, sizeof rs.wk);
	for (t = 0; t < days; t++) {
		int64_t d = e->opts.start + t;
		size_t k = node * (size_t)days + (size_t)t;

		for (; j < n && sw->when[sw->order[j]] <= d; j++)
			apply_change(e, w, node, sw->order[j], &rs);
		sw->dem[k] = rs.lf;
		if (e->is_root[node])
			sw->dem[k] *= (rs.level > 0 ? rs.level : 0) *
				      exp(rs.gbase + rs.glog *
					  (double)(d - rs.d0)) *
				      rs.wk[tci_weekday(d)];
		sw->all[k] = rs.alive * rs.rmult;
		sw->noise[k] = rs.noise_s;
		sw->disp[k] = rs.disp;
	}
}

/* A dated edge rate's value on each day (the last active set wins). */
static void edge_days(const eng *e, eng_work *w, size_t edge)
{
	const escn *s = e->scn;
	escn_work *sw = w->sw;
	int days = e->opts.days, t;
	size_t i;

	for (t = 0; t < days; t++) {
		int64_t d = e->opts.start + t;
		double r = w->rate[edge];

		for (i = 0; i < s->n_ch; i++) {
			const tc_scn_change *c = s->ch[i];

			if (c->kind == TC_SCN_SET && c->on_edge &&
			    c->index == edge && c->attr == TC_KG_RATE &&
			    c->date && sw->when[i] <= d)
				r = sw->val[i];
		}
		sw->erate[edge * (size_t)days + (size_t)t] = r;
	}
}

/* An added edge's rate (TC_RNG_SCENARIO, "edgeK.rate"), at least 0. */
static tc_status edge_rate(const eng *e, eng_work *w, uint64_t trial,
			   size_t i, tc_error *err)
{
	const escn_edge *x = &e->scn->xe[i];
	const tc_scn_change *c = e->scn->ch[x->change];
	char part[32];

	snprintf(part, sizeof part, "edge%zu.rate", x->k);
	return draw_part(e, w, trial, c, part, c->edges[x->k].rate, 0,
			 INFINITY, &w->sw->xrate[i], err);
}

double escn_inflow(const eng *e, const eng_work *w, size_t node, int t)
{
	const escn *s = e->scn;
	int days = e->opts.days;
	double sum = 0;
	size_t i;

	for (i = 0; i < s->n_xe; i++) {
		const escn_edge *x = &s->xe[i];
		int64_t src = t - x->lag;

		if (x->dst == node)
			sum += w->sw->xrate[i] *
			       w->val[x->src * (size_t)days +
				      (size_t)(src < 0 ? 0 : src)];
	}
	return sum;
}

/* This trial's price period of each day, from the drawn dates. */
static void uprice_days(const eng *e, eng_work *w, size_t k)
{
	const escn_uprice *u = &e->scn->up[k];
	unsigned char *dp = w->sw->ucls[k].day_price;
	int days = e->opts.days, t;
	size_t j;

	for (t = 0; t < days; t++) {
		size_t m = 0;

		for (j = 0; j < u->n; j++)
			if (w->sw->when[u->ch[j]] <= e->opts.start + t)
				m |= (size_t)1 << j;
		dp[t] = u->dp[m * (size_t)days + (size_t)t];
	}
}

tc_status escn_trial(const eng *e, eng_work *w, uint64_t trial,
		     tc_error *err)
{
	const escn *s = e->scn;
	size_t i;
	tc_status st;

	for (i = 0; i < s->n_ch; i++)
		if ((st = draw_change(e, w, trial, i, err)) != TC_OK)
			return st;
	for (i = 0; i < e->n_nodes; i++)
		if (s->touched[i])
			node_days(e, w, i);
	for (i = 0; i < e->n_edges; i++)
		if (s->edated[i])
			edge_days(e, w, i);
	for (i = 0; i < s->n_up; i++)
		uprice_days(e, w, i);
	for (i = 0; i < s->n_xe; i++)
		if ((st = edge_rate(e, w, trial, i, err)) != TC_OK)
			return st;
	return trial_tracks(e, w, trial, err);
}

void escn_adjust(const eng *e, const eng_work *w, size_t node, int t,
		 double *dem, double *all)
{
	size_t k = node * (size_t)e->opts.days + (size_t)t;

	if (!e->scn->touched[node])
		return;
	if (e->is_root[node])
		*dem = w->sw->dem[k];
	else
		*dem *= w->sw->dem[k];
	*all = w->sw->all[k];
}

void escn_day_params(const eng *e, const eng_work *w, size_t node, int t,
		     double *noise_s, double *disp)
{
	size_t k = node * (size_t)e->opts.days + (size_t)t;

	if (!e->scn->touched[node])
		return;
	*noise_s = w->sw->noise[k];
	*disp = w->sw->disp[k];
}

/* A token factor of a switch: drawn, or 1 when not given. */
static tc_status factor(const eng *e, eng_work *w, uint64_t trial,
			const tc_scn_change *c, const char *part,
			const tc_spec *spec, double *x, tc_error *err)
{
	*x = 1;
	if (!spec)
		return TC_OK;
	return draw_part(e, w, trial, c, part, spec, 1e-9, INFINITY, x, err);
}

/*
 * A dated per-request SET's spec for this trial: the change's, with its
 * uncertain parameters drawn once (TC_RNG_SCENARIO, "value").
 */
static tc_status track_spec(const eng *e, eng_work *w, uint64_t trial,
			    size_t k, const tc_spec **spec, tc_error *err)
{
	const tc_scn_change *c = e->scn->ch[e->scn->track[k].change];
	tc_rng_stream rs = {e->opts.seed, trial,
			    tc_rng_id_join(tc_rng_id(c->key), "value"),
			    TC_RNG_SCENARIO, 0};
	tc_spec **own = &w->sw->towned[k];
	tc_status st;

	tc_spec_free(*own);
	*own = NULL;
	*spec = c->value;
	if (!tc_spec_has_uncertain_params(c->value))
		return TC_OK;
	tc_rng_set_stream(w->r, &rs);
	if ((st = tc_spec_instantiate_err(c->value, w->r, own, err)))
		return st;
	*spec = *own;
	return TC_OK;
}

/*
 * The request model of a model switch's moved requests while a dated
 * per-request set of the same class is in force: the switch's, with
 * the set's spec (or rank correlation).
 */
static tc_status combined_tracks(const eng *e, eng_work *w, tc_error *err)
{
	const escn *s = e->scn;
	size_t j, k, n = s->n_track, end = (size_t)e->opts.days;
	tc_status st;

	for (j = 0; j < n; j++)
		for (k = 0; k < n; k++) {
			eng_req *cq = &w->sw->creq[j * n + k];
			const eng_req *mq = &w->sw->treq[j];
			const eng_req *sq = &w->sw->treq[k];
			eng_agg *agg = cq->agg;
			int q = s->track[k].q;

			if (!combined(s, j, k) ||
			    w->sw->when[s->track[j].change] >=
			    e->opts.start + (int64_t)end ||
			    w->sw->when[s->track[k].change] >=
			    e->opts.start + (int64_t)end)
				continue;
			*cq = *mq;
			memset(cq->owned, 0, sizeof cq->owned);
			cq->agg = agg;
			if (q == ENG_Q_COUNT)
				cq->rank_corr = sq->rank_corr;
			else
				cq->spec[q] = sq->spec[q];
			st = eng_req_prepare(e, &s->track[j].cls, cq, err);
			if (st != TC_OK)
				return st;
		}
	return TC_OK;
}

/* Prepares the tracks' request models for this trial's class models. */
static tc_status trial_tracks(const eng *e, eng_work *w, uint64_t trial,
			      tc_error *err)
{
	const escn *s = e->scn;
	size_t k;
	int j;
	tc_status st;

	for (k = 0; k < s->n_track; k++) {
		const escn_track *t = &s->track[k];
		const tc_scn_change *c = s->ch[t->change];
		const eng_req *q = w->reqp[t->ci];
		eng_req *tq = &w->sw->treq[k];
		eng_agg *agg = tq->agg;

		w->sw->share[k] = t->q < 0 ? w->sw->val[t->change] : 1;
		if (w->sw->when[t->change] >= e->opts.start + e->opts.days)
			continue;
		memset(tq, 0, sizeof *tq);
		tq->agg = agg;
		for (j = 0; j < ENG_Q_COUNT; j++)
			tq->spec[j] = q->spec[j];
		tq->rank_corr = q->rank_corr;
		if (t->q == ENG_Q_COUNT)
			tq->rank_corr = w->sw->val[t->change];
		else if (t->q >= 0 &&
		    (st = track_spec(e, w, trial, k, &tq->spec[t->q], err)))
			return st;
		if ((st = factor(e, w, trial, c, "input_factor",
				 c->input_factor, &tq->scale[0], err)) ||
		    (st = factor(e, w, trial, c, "output_factor",
				 c->output_factor, &tq->scale[1], err)) ||
		    (st = eng_req_prepare(e, &t->cls, tq, err)))
			return st;
	}
	return combined_tracks(e, w, err);
}

/* The switch of class ci active on day d: the last in list order. */
static const escn_track *active_track(const eng *e, const eng_work *w,
				      size_t ci, int64_t d, int model,
				      size_t *k)
{
	const escn *s = e->scn;
	const escn_track *found = NULL;
	size_t i;

	for (i = 0; i < s->n_track; i++)
		if (s->track[i].ci == ci && (s->track[i].q < 0) == model &&
		    w->sw->when[s->track[i].change] <= d) {
			found = &s->track[i];
			*k = i;
		}
	return found;
}

/*
 * Positions w->r on substream sub and draws n requests of class c from
 * day t (priced as on day t) into out.
 */
static void day_part(const eng *e, eng_work *w, uint64_t trial,
		     uint64_t id, unsigned purpose0, const eng_class *c,
		     const eng_req *q, int t, uint32_t sub, double n,
		     double *out)
{
	int agg = n >= e->opts.switch_requests;
	tc_rng_stream rs = {e->opts.seed, trial, id,
			    purpose0 ? purpose0 : agg ? TC_RNG_AGGREGATE
						      : TC_RNG_REQUEST,
			    sub};

	if (n > 0)
		tc_rng_set_stream(w->r, &rs);
	eng_day_sums(c, q, w->r, t, n, e->opts.switch_requests, out);
}

/* The class with this trial's price periods, when they vary. */
static const eng_class *trial_class(const eng *e, const eng_work *w,
				    const eng_class *c)
{
	size_t i;

	for (i = 0; i < e->scn->n_up; i++)
		if (e->scn->up[i].cls == c)
			return &w->sw->ucls[i];
	return c;
}

/* The number of requests a model switch moves: Binomial(n, share). */
static double moved_count(const eng *e, eng_work *w, uint64_t trial,
			  uint64_t key, double s, uint32_t sub, double n)
{
	tc_rng_stream rs = {e->opts.seed, trial, tc_rng_id_join(key, "split"),
			    TC_RNG_SCENARIO, sub};

	if (s >= 1 || n <= 0)
		return n;
	tc_rng_set_stream(w->r, &rs);
	return n > 4e9 ? floor(n * s + 0.5)
		       : gsl_ran_binomial(w->r, s, (unsigned)n);
}

/*
 * A class's day under its active tracks: the latest dated per-request
 * set (its spec for every request) and the latest model switch (its
 * share of the requests on the new model, with the set's spec too).
 */
int escn_class_day(const eng *e, eng_work *w, uint64_t trial, size_t ci,
		   int t, uint32_t sub, double n, double *out)
{
	const escn *sc = e->scn;
	const eng_class *c = trial_class(e, w, &e->cls[ci]);
	int64_t d = e->opts.start + t;
	size_t km = 0, ks = 0;
	const escn_track *tm = active_track(e, w, ci, d, 1, &km);
	const escn_track *ts = active_track(e, w, ci, d, 0, &ks);
	const eng_req *q = w->reqp[ci], *mq;
	uint64_t id = e->node_id[c->node], key;
	unsigned purpose = 0;
	double moved = 0, part[TC_M_COUNT];
	int m;

	if (!tm && !ts && c == &e->cls[ci])
		return 0;
	if (ts) {
		c = trial_class(e, w, &ts->cls);
		q = &w->sw->treq[ks];
		id = tc_rng_id_join(tc_rng_id(sc->ch[ts->change]->key),
				    "tokens");
		purpose = TC_RNG_SCENARIO;
	}
	if (tm) {
		key = tc_rng_id(sc->ch[tm->change]->key);
		moved = moved_count(e, w, trial, key, w->sw->share[km], sub,
				    n);
		mq = ts ? &w->sw->creq[km * sc->n_track + ks]
			: &w->sw->treq[km];
		day_part(e, w, trial, tc_rng_id_join(key, "tokens"),
			 TC_RNG_SCENARIO, trial_class(e, w, &tm->cls), mq, t,
			 sub, moved, part);
	}
	day_part(e, w, trial, id, purpose, c, q, t, sub, n - moved, out);
	for (m = 0; tm && m < TC_M_COUNT; m++)
		out[m] += part[m];
	return 1;
}

int escn_expectations_fixed(const eng *e)
{
	const escn *s = e->scn;
	size_t i;

	for (i = 0; i < s->n_ch; i++)
		if (s->ch[i]->kind == TC_SCN_SET && !s->ch[i]->on_edge &&
		    s->ch[i]->attr == TC_KG_NOISE && s->ch[i]->date)
			return 0;
	for (i = 0; i < s->n_xe; i++)
		if (e->class_of[s->xe[i].src] != SIZE_MAX)
			return 0;
	return 1;
}

/* Whether a class's price period is the same on days t0 and t. */
static int same_price(const eng_work *w, const eng *e, const eng_class *c,
		      int t0, int t)
{
	c = trial_class(e, w, c);
	return c->day_price[t] == c->day_price[t0];
}

int escn_same_run(const eng *e, const eng_work *w, size_t ci, int t0,
		  int t)
{
	int64_t d0 = e->opts.start + t0, d = e->opts.start + t;
	size_t k0 = 0, k = 0;
	const escn_track *m0, *s0;

	m0 = active_track(e, w, ci, d0, 1, &k0);
	s0 = active_track(e, w, ci, d0, 0, &k0);

	if (m0 != active_track(e, w, ci, d, 1, &k) ||
	    s0 != active_track(e, w, ci, d, 0, &k))
		return 0;
	if (!same_price(w, e, &e->cls[ci], t0, t))
		return 0;
	if (m0 && !same_price(w, e, &m0->cls, t0, t))
		return 0;
	return !s0 || same_price(w, e, &s0->cls, t0, t);
}
