/*
 * trial.c - one Monte Carlo trial of the model in docs/model.md: draw
 * the per-trial parameters, step the days through the graph in
 * dependency order, then draw each class-day's token and cost sums.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "escn.h"
#include "philox.h"
#include "tci.h"

#define REDRAWS 100
#define MONTH_DAYS 30.4375

/* The attributes of the per-request model, in enum eng_q order. */
static const tc_kg_attr req_attr[ENG_Q_COUNT] = {
	TC_KG_INPUT_TOKENS, TC_KG_OUTPUT_TOKENS, TC_KG_CACHED_SHARE,
	TC_KG_CACHE_WRITE_SHARE, TC_KG_CACHE_WRITE_1H_SHARE,
	TC_KG_REASONING_SHARE, TC_KG_BATCH_SHARE};

/* Positions r on stream (trial, element, purpose, substream). */
static void stream(const eng *e, gsl_rng *r, uint64_t trial, uint64_t id,
		   unsigned purpose, uint32_t sub)
{
	tc_rng_stream s = {e->opts.seed, trial, id, purpose, sub};

	tc_rng_set_stream(r, &s);
}

/* The key of node's stream of a daily purpose. */
static inline uint64_t node_key(const eng *e, size_t node, unsigned purpose)
{
	return e->node_key[node * ENG_NODE_KEYS + purpose - TC_RNG_NOISE];
}

/*
 * Positions r on node's stream of a daily purpose (TC_RNG_NOISE to
 * TC_RNG_AGGREGATE), its key kept since set-up.
 */
static inline void node_stream(const eng *e, gsl_rng *r, uint64_t trial,
			       size_t node, unsigned purpose, uint32_t sub)
{
	tci_rng_position(r, node_key(e, node, purpose), trial, sub);
}

/*
 * The first nb blocks of node's streams of a daily purpose on
 * substreams sub0 .. sub0 + n - 1 into out (4 n nb words).
 */
static void node_fill(const eng *e, uint64_t trial, size_t node,
		      unsigned purpose, uint32_t sub0, size_t n, unsigned nb,
		      uint32_t *out)
{
	tci_philox_fill(node_key(e, node, purpose), trial, sub0, n, nb, out);
}

/* node_stream with the stream's first nb blocks from node_fill. */
static inline void node_stream_with(const eng *e, gsl_rng *r,
				    uint64_t trial, size_t node,
				    unsigned purpose, uint32_t sub,
				    const uint32_t *blocks, unsigned nb)
{
	tci_rng_position_with(r, node_key(e, node, purpose), trial, sub,
			      blocks, nb);
}

/*
 * Draws a per-trial value of spec, redrawn while outside the
 * attribute's domain; TC_ERR_NUMERIC naming the element after REDRAWS.
 */
static tc_status draw_in_domain(const eng *e, eng_work *w, uint64_t trial,
				uint64_t id, const tc_spec *spec,
				tc_kg_attr attr, const char *who, double *x,
				tc_error *err)
{
	const tc_kg_attr_info *info = tc_kg_attr_get(attr);
	unsigned purpose = attr == TC_KG_LAUNCH ? TC_RNG_DATE
						: TC_RNG_PARAMETER;
	gsl_rng *r = w->r;
	int i;

	if (e->sens_fix && eng_sens_fixed(e, id, x))
		return TC_OK;

	/* A constant draws nothing: no stream to position. */
	if (tc_spec_is_constant(spec, x) && tc_kg_in_domain(info, *x)) {
		eng_sens_note(e, w, id, *x);
		return TC_OK;
	}
	stream(e, r, trial, id, purpose, 0);
	for (i = 0; i < REDRAWS; i++) {
		tc_status st = tc_spec_sample_err(spec, r, x, err);

		if (st != TC_OK)
			return eng_rewrap(err, st, who, "attribute '%s'",
					  info->name);
		if (tc_kg_in_domain(info, *x)) {
			eng_sens_note(e, w, id, *x);
			return TC_OK;
		}
	}
	return tci_error(err, TC_ERR_NUMERIC, NULL, 0, who,
			 "attribute '%s': %d draws in a row fell outside "
			 "its domain", info->name, REDRAWS);
}

/*
 * What node_value gives a node's attribute in every trial: ENG_FIX_NONE
 * without a spec, ENG_FIX_VALUE with *x for the mean without parameter
 * uncertainty or a constant in the attribute's domain, else
 * ENG_FIX_DRAW. Sensitivity runs draw everything.
 */
static int fixed_value(const eng *e, size_t node, tc_kg_attr attr,
		       double *x)
{
	const tc_spec *spec = eng_node_spec(e, node, attr);
	int ok;

	if (!spec)
		return ENG_FIX_NONE;
	if (e->opts.no_parameter_uncertainty) {
		*x = e->central[node * TC_KG_ATTR_COUNT + attr];
		if (attr == TC_KG_LAUNCH && e->scn)
			*x = eng_central(spec, &ok);
		return ENG_FIX_VALUE;
	}
	if (!e->opts.sensitivity && tc_spec_is_constant(spec, x) &&
	    tc_kg_in_domain(tc_kg_attr_get(attr), *x))
		return ENG_FIX_VALUE;
	return ENG_FIX_DRAW;
}

/* Whether a weekly factor is the same in every trial, in *x. */
static int fixed_factor(const eng *e, size_t node, int d, double *x)
{
	const tc_spec *s = tc_kg_node_weekly(e->kg, node, d);

	*x = 1;
	if (!s)
		return 1;
	if (e->opts.no_parameter_uncertainty) {
		*x = e->central_weekly[node * 7 + (size_t)d];
		return 1;
	}
	return !e->opts.sensitivity && tc_spec_is_constant(s, x) &&
	       tc_kg_in_domain(tc_kg_attr_get(TC_KG_WEEKLY), *x);
}

/* A node's seven factors, normalised, when no trial changes them. */
static void fixed_weekly(eng *e, size_t node)
{
	double *wk = &e->fix_wk[node * 7], sum = 0;
	int d;

	for (d = 0; d < 7; d++) {
		if (!fixed_factor(e, node, d, &wk[d]))
			return;
		sum += wk[d];
	}
	if (!(sum > 0))
		return;	/* the trial reports it */
	for (d = 0; d < 7; d++)
		wk[d] *= 7 / sum;
	e->fix_weekly[node] = 1;
}

/* Whether an edge's rate is the same in every trial, in *x. */
static int fixed_rate(const eng *e, size_t edge, double *x)
{
	if (e->opts.no_parameter_uncertainty) {
		*x = e->central[(e->n_nodes + edge) * TC_KG_ATTR_COUNT];
		return 1;
	}
	return !e->opts.sensitivity &&
	       tc_spec_is_constant(eng_edge_rate(e, edge), x) &&
	       tc_kg_in_domain(tc_kg_attr_get(TC_KG_RATE), *x);
}

tc_status eng_fixed_setup(eng *e)
{
	size_t i, a, n = e->n_nodes * TC_KG_ATTR_COUNT;

	e->fix = calloc(n + 1, 1);
	e->fix_val = calloc(n + 1, sizeof *e->fix_val);
	e->fix_weekly = calloc(e->n_nodes + 1, 1);
	e->fix_wk = calloc(e->n_nodes * 7 + 1, sizeof *e->fix_wk);
	e->fix_rate = calloc(e->n_edges + 1, 1);
	e->fix_rval = calloc(e->n_edges + 1, sizeof *e->fix_rval);
	if (!e->fix || !e->fix_val || !e->fix_weekly || !e->fix_wk ||
	    !e->fix_rate || !e->fix_rval)
		return TC_ERR_NOMEM;
	for (i = 0; i < e->n_nodes; i++) {
		for (a = 0; a < TC_KG_ATTR_COUNT; a++)
			if (tc_kg_attr_get(a)->draw == TC_KG_PER_TRIAL)
				e->fix[i * TC_KG_ATTR_COUNT + a] =
					(unsigned char)fixed_value(e, i, a,
					&e->fix_val[i * TC_KG_ATTR_COUNT + a]);
		fixed_weekly(e, i);
	}
	for (i = 0; i < e->n_edges; i++)
		e->fix_rate[i] = (unsigned char)fixed_rate(e, i,
							   &e->fix_rval[i]);
	return TC_OK;
}

/* One per-trial attribute of a node: drawn, central, or the default. */
static tc_status node_value(const eng *e, eng_work *w, uint64_t trial,
			    size_t node, tc_kg_attr attr, double def,
			    double *x, tc_error *err)
{
	size_t at = node * TC_KG_ATTR_COUNT + attr;
	const tc_spec *spec;
	int ok;

	*x = def;
	if (e->fix[at] == ENG_FIX_NONE)
		return TC_OK;
	if (e->fix[at] == ENG_FIX_VALUE) {
		*x = e->fix_val[at];
		return TC_OK;
	}
	spec = eng_node_spec(e, node, attr);
	if (!spec)
		return TC_OK;
	if (e->opts.no_parameter_uncertainty) {
		*x = e->central[node * TC_KG_ATTR_COUNT + attr];
		if (attr == TC_KG_LAUNCH && e->scn)
			*x = eng_central(spec, &ok);
		return TC_OK;
	}
	return draw_in_domain(e, w, trial,
			      e->attr_id[node * TC_KG_ATTR_COUNT + attr],
			      spec, attr, tc_kg_node_id(e->kg, node), x, err);
}

/* The seven weekly factors of a node, normalised to mean 1. */
static tc_status node_weekly(const eng *e, eng_work *w, uint64_t trial,
			     size_t node, double *wk, tc_error *err)
{
	double sum = 0;
	int d;

	if (e->fix_weekly[node]) {
		memcpy(wk, &e->fix_wk[node * 7], 7 * sizeof *wk);
		return TC_OK;
	}
	for (d = 0; d < 7; d++) {
		const tc_spec *s = tc_kg_node_weekly(e->kg, node, d);
		tc_status st;

		wk[d] = 1;
		if (s && e->opts.no_parameter_uncertainty)
			wk[d] = e->central_weekly[node * 7 + d];
		else if (s && (st = draw_in_domain(e, w, trial,
				e->weekly_id[node * 7 + (size_t)d], s,
				TC_KG_WEEKLY,
				tc_kg_node_id(e->kg, node), &wk[d], err)))
			return st;
		sum += wk[d];
	}
	if (!(sum > 0))
		return tci_error(err, TC_ERR_NUMERIC, NULL, 0,
				 tc_kg_node_id(e->kg, node),
				 "attribute 'weekly': the factors sum to 0");
	for (d = 0; d < 7; d++)
		wk[d] *= 7 / sum;
	return TC_OK;
}

/* Every per-trial parameter of a node. */
static tc_status node_params(const eng *e, eng_work *w, uint64_t trial,
			     size_t node, tc_error *err)
{
	eng_par *p = &w->par[node];
	double g = 0, noise = 0, launch = NAN;
	tc_status st;

	if ((st = node_value(e, w, trial, node, TC_KG_GROWTH, 0, &g, err)) ||
	    (st = node_value(e, w, trial, node, TC_KG_NOISE, 0, &noise,
			     err)) ||
	    (st = node_weekly(e, w, trial, node, p->weekly, err)))
		return st;
	p->glog = log1p(g) / MONTH_DAYS;
	p->noise_s = sqrt(log1p(noise * noise));
	if (tc_kg_node_kind(e->kg, node) == TC_KG_KPI)
		return node_value(e, w, trial, node, TC_KG_START, 0,
				  &p->level, err);
	if ((st = node_value(e, w, trial, node, TC_KG_REQUESTS_PER_DAY, -1,
			     &p->level, err)) ||
	    (st = node_value(e, w, trial, node, TC_KG_DISPERSION, INFINITY,
			     &p->disp, err)) ||
	    (st = node_value(e, w, trial, node, TC_KG_RETRY_RATE, 0,
			     &p->retry, err)) ||
	    (st = node_value(e, w, trial, node, TC_KG_RAMP_DAYS, 0, &p->ramp,
			     err)) ||
	    (st = node_value(e, w, trial, node, TC_KG_LAUNCH, NAN, &launch,
			     err)))
		return st;
	p->launch = isnan(launch) ? INT64_MIN : (int64_t)floor(launch);
	p->shape = e->scn ? e->scn->shape[node] : TC_SCN_RAMP_LINEAR;
	return TC_OK;
}

/* A class's per-request model for this trial. */
static tc_status class_model(const eng *e, eng_work *w, uint64_t trial,
			     size_t ci, tc_error *err)
{
	const eng_class *c = &e->cls[ci];
	eng_req *q = &w->req[ci];
	double rc = 0;
	int k;
	tc_status st;

	if (c->all_fixed) {
		w->reqp[ci] = &c->fixed;
		return TC_OK;
	}
	w->reqp[ci] = q;
	eng_req_release(q);
	for (k = 0; k < ENG_Q_COUNT; k++) {
		const tc_spec *s = eng_node_spec(e, c->node, req_attr[k]);
		const char *name = tc_kg_attr_get(req_attr[k])->name;
		uint64_t id = e->attr_id[c->node * TC_KG_ATTR_COUNT +
					 req_attr[k]];

		q->spec[k] = s;
		if (!s || !tc_spec_has_uncertain_params(s))
			continue;
		stream(e, w->r, trial, id, TC_RNG_PARAMETER, 0);
		st = tc_spec_instantiate_err(s, w->r, &q->owned[k], err);
		if (st != TC_OK)
			return eng_rewrap(err, st, c->name, "attribute '%s'",
					  name);
		q->spec[k] = q->owned[k];
		eng_sens_note_params(e, w, id, s, q->owned[k]);
	}
	st = node_value(e, w, trial, c->node, TC_KG_IO_RANK_CORR, 0, &rc,
			err);
	if (st != TC_OK)
		return st;
	q->rank_corr = rc;
	return eng_req_prepare(e, c, q, err);
}

/* The launch ramp of a class on calendar day d. */
static double ramp(const eng_par *p, int64_t d)
{
	if (p->launch == INT64_MIN)
		return 1;
	return tc_scn_ramp_value((tc_scn_ramp)p->shape, d, p->launch,
				 p->ramp);
}

/*
 * Sum over incoming edges of one kind of rate x source(t - lag). Before
 * the first day a source holds its first day's value, or, on the
 * target's own cycle, the cycle's steady state (model.md). With steady
 * set every source on the cycle reads its steady-state iterate.
 */
static double inflow(const eng *e, const eng_work *w, size_t node, int t,
		     tc_kg_edge_kind kind, int steady)
{
	size_t i, cyc = e->cycle[node];
	int days = e->opts.days, calls = kind == TC_KG_CALLS;
	double sum = 0;

	for (i = e->in_start[node]; i < e->in_start[node + 1]; i++) {
		size_t ei = e->in_list[i], src = e->e_src[ei];
		int64_t s = t - e->e_lag[ei];
		double v;

		if (e->e_calls[ei] != calls)
			continue;
		if (cyc && e->cycle[src] == cyc && (steady || s < 0))
			v = w->pre[src];
		else
			v = w->val[src * days + (s < 0 ? 0 : s)];
		sum += (e->scn && e->scn->edated[ei]
			? w->sw->erate[ei * (size_t)days + (size_t)t]
			: w->rate[ei]) * v;
	}
	if (e->scn && e->scn->n_xe && !calls)
		sum += escn_inflow(e, w, node, t);
	return sum;
}

/*
 * The day's expected value of a node: a KPI's level before its noise, a
 * class's expected count m(t).
 */
static double node_mean(const eng *e, const eng_work *w, size_t node,
			int t, int steady)
{
	const eng_par *p = &w->par[node];
	int64_t d = e->opts.start + t;
	double season = w->grow[node * e->opts.days + t] *
			p->weekly[tci_weekday(d)];
	int root = e->is_root[node];
	double m, all = 1;

	m = root ? (p->level >= 0 ? p->level * season : 0)
		 : inflow(e, w, node, t, TC_KG_DRIVES, steady);
	if (e->scn)
		escn_adjust(e, w, node, t, &m, &all);
	if (e->is_kpi[node])
		return m;
	return (m * ramp(p, d) + inflow(e, w, node, t, TC_KG_CALLS, steady)) *
	       (1 + p->retry) * all;
}

/*
 * A class's count on day t around its expectation m, negative binomial
 * of size disp (INFINITY: Poisson), on the stream of (class, day).
 */
static double day_count(const eng *e, eng_work *w, uint64_t trial,
			size_t node, int t, double m, double disp)
{
	if (!(m > 0))
		return 0;
	node_stream(e, w->r, trial, node, TC_RNG_COUNT, (uint32_t)t);
	return tci_ran_negbin(w->r, m, disp);
}

/* The day's value of a node: a KPI's level or a class's drawn count. */
static double node_day(const eng *e, eng_work *w, uint64_t trial,
		       size_t node, int t)
{
	const eng_par *p = &w->par[node];
	double m = node_mean(e, w, node, t, 0);
	double ns = p->noise_s, disp = p->disp;

	if (e->scn)
		escn_day_params(e, w, node, t, &ns, &disp);
	if (e->is_kpi[node]) {
		if (ns > 0) {
			node_stream(e, w->r, trial, node, TC_RNG_NOISE,
				    (uint32_t)t);
			m *= tci_ran_lognormal(w->r, -0.5 * ns * ns, ns);
		}
		return m;
	}
	return day_count(e, w, trial, node, t, m, disp);
}

/*
 * The steady state of a cycle's expected first-day values, x = b + A x,
 * by Gauss-Seidel sweeps from 0 (model.md); TC_ERR_NUMERIC naming the
 * cycle when the sweeps do not settle, which is when its gain is 1 or
 * more.
 */
static tc_status solve_cycle(const eng *e, eng_work *w, size_t cyc,
			     size_t first, tc_error *err)
{
	const size_t *ord = e->first_order;
	size_t i, it;

	for (i = 0; i < e->n_nodes; i++)
		if (e->cycle[i] == cyc)
			w->pre[i] = 0;
	for (it = 0; it < 100000; it++) {
		double change = 0, size = 0;

		for (i = first; i < e->n_nodes && e->cycle[ord[i]] == cyc;
		     i++) {
			double x = node_mean(e, w, ord[i], 0, 1);

			change = fmax(change, fabs(x - w->pre[ord[i]]));
			size = fmax(size, fabs(x));
			w->pre[ord[i]] = x;
		}
		if (!isfinite(size) || size > 1e300)
			break;
		if (change <= 1e-13 * size)
			return TC_OK;
	}
	return tci_error(err, TC_ERR_NUMERIC, NULL, 0,
			 tc_kg_node_id(e->kg, ord[first]), "the cycle through "
			 "node '%s' has a gain of 1 or more with this trial's "
			 "rates, so its volume grows without bound",
			 tc_kg_node_id(e->kg, ord[first]));
}

/* Draws the parameters of every node, edge and class. */
static tc_status trial_params(const eng *e, eng_work *w, uint64_t trial,
			      tc_error *err)
{
	size_t i;
	tc_status st;

	for (i = 0; i < e->n_nodes; i++)
		if ((st = node_params(e, w, trial, i, err)) != TC_OK)
			return st;
	for (i = 0; i < e->n_edges; i++) {
		tc_kg_edge ed;
		char who[300];

		if (e->fix_rate[i]) {
			w->rate[i] = e->fix_rval[i];
			continue;
		}
		tc_kg_edge_get(e->kg, i, &ed);
		snprintf(who, sizeof who, "edge '%s' (%s -> %s)", ed.id,
			 tc_kg_node_id(e->kg, ed.source),
			 tc_kg_node_id(e->kg, ed.target));
		st = draw_in_domain(e, w, trial, e->edge_id[i],
				    eng_edge_rate(e, i), TC_KG_RATE, who,
				    &w->rate[i], err);
		if (st != TC_OK)
			return st;
	}
	for (i = 0; i < e->n_classes; i++)
		if ((st = class_model(e, w, trial, i, err)) != TC_OK)
			return st;
	return e->scn ? escn_trial(e, w, trial, err) : TC_OK;
}

/* G(0) of a root, and the factor from one day to the next. */
static double growth_start(const eng *e, const eng_par *p, double *step)
{
	*step = exp(p->glog);
	return exp(p->glog * (double)(e->opts.start - e->as_of));
}

/* G(t) of a root node on every day: one exp, then a product per day. */
static void node_growth(const eng *e, eng_work *w, size_t v)
{
	double *g = &w->grow[v * (size_t)e->opts.days], step;
	int t;

	g[0] = growth_start(e, &w->par[v], &step);
	for (t = 1; t < e->opts.days; t++)
		g[t] = g[t - 1] * step;
}

/*
 * Below this many expected requests a run's count is the sum of its
 * days' own draws: rounding a continuous law moved the mean of a run of
 * one expected request by 2%.
 */
#define RUN_EXACT_BELOW 1000.0

/* A day's negative binomial size (INFINITY: Poisson), as dated. */
static double day_size(const eng *e, const eng_work *w, size_t node, int t)
{
	double k = w->par[node].disp, ns;

	if (e->scn && e->scn->touched[node])
		escn_day_params(e, w, node, t, &ns, &k);
	return k;
}

/* The sum of the days' own counts, drawn one day after another. */
static double day_draws(const eng *e, eng_work *w, size_t node, int t0,
			int t1)
{
	const double *val = &w->val[node * e->opts.days];
	double n = 0;
	int t;

	for (t = t0; t < t1; t++)
		if (val[t] > 0)
			n += tci_ran_negbin(w->r, val[t],
					    day_size(e, w, node, t));
	return n;
}

/*
 * The first three cumulants of the sum of independent negative binomial
 * counts of means val[t0..t1) and one size 1 / ik, from the sums of the
 * means' powers (summed here, or given in sums by plain_days): m + m^2
 * ik and m + 3 m^2 ik + 2 m^3 ik^2 a day.
 */
static void run_cumulants(const double *val, int t0, int t1, double ik,
			  const double *sums, double *k1, double *k2,
			  double *k3)
{
	double s1 = 0, s2 = 0, s3 = 0;
	int t;

	if (sums) {
		s1 = sums[0];
		s2 = sums[1];
		s3 = sums[2];
	}
	for (t = t0; !sums && t < t1; t++) {
		double m = val[t];

		s1 += m;
		s2 += m * m;
		s3 += m * m * m;
	}
	*k1 = s1;
	*k2 = s1 + ik * s2;
	*k3 = s1 + 3 * ik * s2 + 2 * ik * ik * s3;
}

/*
 * The requests of a run of days of one class within a month and a price
 * period (monthly mode), the sum of independent daily counts around the
 * expectations m(t) kept in w->val: Poisson of the summed m when every
 * day is Poisson (exact); the days' own draws for few requests; else a
 * shifted gamma with the sum's exact first three cumulants (negative
 * binomial of the day's size k: m + m^2/k and m + 3 m^2/k + 2 m^3/k^2),
 * rounded to a whole count. block is the first block of its stream.
 */
static double segment_count(const eng *e, eng_work *w, uint64_t trial,
			    size_t node, int t0, int t1, uint32_t seg,
			    const uint32_t *block)
{
	const double *val = &w->val[node * e->opts.days];
	double k1 = 0, k2 = 0, k3 = 0, n, ik = 1 / w->par[node].disp;
	int dated = e->scn && e->scn->touched[node], poisson = ik == 0, t;
	size_t ci = e->class_of[node];
	tci_sum_law law;

	if (!dated)
		run_cumulants(val, t0, t1, ik, w->cum_set[ci] ? &w->cum[(ci *
			      (size_t)e->opts.days + (size_t)t0) * 3] : NULL,
			      &k1, &k2, &k3);
	for (t = t0; dated && t < t1; t++) {
		double m = val[t], q;

		/* A scenario may set the size from a date (1/inf is 0). */
		ik = 1 / day_size(e, w, node, t);
		poisson &= ik == 0;
		q = m * m * ik;
		k1 += m;
		k2 += m + q;
		k3 += m + 3 * q + 2 * q * m * ik;
	}
	if (!(k1 > 0))
		return 0;
	node_stream_with(e, w->r, trial, node, TC_RNG_COUNT, seg, block, 1);
	if (poisson)
		return tci_ran_poisson(w->r, k1);
	if (k1 < RUN_EXACT_BELOW)
		return day_draws(e, w, node, t0, t1);
	if (tci_sum_law_init(&law, k1, k2, k3, 1) != TC_OK)
		return 0;
	n = floor(tci_sum_law_draw(w->r, &law) + 0.5);
	return n > 0 ? n : 0;
}

/*
 * Whether class i is in the same state on days t0 and t: the same month
 * and price period, and under a scenario that dates its state (w given)
 * the same switches and sets in force.
 */
static int same_run(const eng *e, const eng_work *w, size_t i, int t0,
		    int t)
{
	if (e->day_month[t] != e->day_month[t0])
		return 0;
	if (w && e->scn && e->scn->busy[i])
		return escn_same_run(e, w, i, t0, t);
	return e->cls[i].day_price[t] == e->cls[i].day_price[t0];
}

void eng_fill_runs(const eng *e, const eng_work *w, size_t i, int *end)
{
	int days = e->opts.days, t0, t1;

	for (t0 = 0; t0 < days; t0 = t1) {
		t1 = t0 + 1;
		while (t1 < days && same_run(e, w, i, t0, t1))
			t1++;
		end[t0] = t1;
	}
}

/*
 * The runs of class i in this trial: fixed at set-up, unless a
 * scenario's switches, sets or uncertain prices on the class split its
 * months on the trial's dates.
 */
static const int *class_runs(const eng *e, eng_work *w, size_t i)
{
	int *end = &w->run_end[i * (size_t)e->opts.days];

	if (!e->scn || !e->scn->busy[i])
		return e->cls[i].run_end;
	eng_fill_runs(e, w, i, end);
	return end;
}

/*
 * Marks the days on which some class's run starts and clears their
 * rows: only those rows are written and read in monthly mode.
 */
static void mark_starts(const eng *e, eng_work *w, const int **ends)
{
	int days = e->opts.days, t;
	size_t i, row = e->n_classes * TC_M_COUNT;

	memset(w->starts, 0, (size_t)days);
	for (i = 0; i < e->n_classes; i++)
		for (t = 0; t < days; t = ends[i][t])
			w->starts[t] = 1;
	for (t = 0; t < days; t++)
		if (w->starts[t])
			memset(&w->out[(size_t)t * row], 0,
			       row * sizeof *w->out);
}

/*
 * Monthly mode: each class's sums per run of days sharing a month, a
 * price period and a scenario state, drawn at once and written on the
 * run's first day.
 */
static void trial_segments(const eng *e, eng_work *w, uint64_t trial)
{
	int t0, t1, days = e->opts.days;
	size_t i;
	const int **ends = w->ends;

	for (i = 0; i < e->n_classes; i++)
		ends[i] = class_runs(e, w, i);
	mark_starts(e, w, ends);
	for (i = 0; i < e->n_classes; i++) {
		const eng_class *c = &e->cls[i];
		uint32_t seg = ENG_SEGMENT_SUBSTREAM, k;
		size_t nr = 0;
		const uint32_t *cb = w->blocks, *ab;

		/* The runs' count and aggregate streams' first blocks. */
		for (t0 = 0; t0 < days; t0 = ends[i][t0])
			nr++;
		ab = cb + 4 * nr;
		node_fill(e, trial, c->node, TC_RNG_COUNT, seg, nr, 1,
			  w->blocks);
		node_fill(e, trial, c->node, TC_RNG_AGGREGATE, seg, nr, 1,
			  w->blocks + 4 * nr);
		for (t0 = k = 0; t0 < days; t0 = t1, seg++, k++) {
			double *o = &w->out[((size_t)t0 * e->n_classes + i) *
					    TC_M_COUNT];
			double n;

			t1 = ends[i][t0];
			n = segment_count(e, w, trial, c->node, t0, t1, seg,
					  cb + 4 * k);
			if (e->scn && escn_class_day(e, w, trial, i, t0, seg, n,
						     o))
				continue;
			if (n >= e->opts.switch_requests &&
			    eng_day_aggregate_first(c, w->reqp[i], t0, n,
						    ab + 4 * k, o))
				continue;
			if (n >= e->opts.switch_requests)
				node_stream_with(e, w->r, trial, c->node,
						 TC_RNG_AGGREGATE, seg,
						 ab + 4 * k, 1);
			else if (n > 0)
				node_stream(e, w->r, trial, c->node,
					    TC_RNG_REQUEST, seg);
			eng_day_sums(c, w->reqp[i], w->r, t0, n,
				     e->opts.switch_requests, o);
		}
	}
}

/* Each class's sums day by day, from the day's drawn count. */
static void trial_days(const eng *e, eng_work *w, uint64_t trial)
{
	int days = e->opts.days, t;
	size_t i;

	for (i = 0; i < e->n_classes; i++) {
		const eng_class *c = &e->cls[i];

		node_fill(e, trial, c->node, TC_RNG_AGGREGATE, 0,
			  (size_t)days, 1, w->blocks);
		for (t = 0; t < days; t++) {
			double cnt = w->val[c->node * days + t];
			double *o = &w->out[((size_t)t * e->n_classes + i) *
					    TC_M_COUNT];
			int agg = cnt >= e->opts.switch_requests;

			if (e->scn && escn_class_day(e, w, trial, i, t,
						     (uint32_t)t, cnt, o))
				continue;
			if (agg && eng_day_aggregate_first(c, w->reqp[i], t,
					cnt, &w->blocks[4 * (size_t)t], o))
				continue;
			if (agg)
				node_stream_with(e, w->r, trial, c->node,
						 TC_RNG_AGGREGATE, (uint32_t)t,
						 &w->blocks[4 * (size_t)t], 1);
			else if (cnt > 0)
				node_stream(e, w->r, trial, c->node,
					    TC_RNG_REQUEST, (uint32_t)t);
			eng_day_sums(c, w->reqp[i], w->r, t, cnt,
				     e->opts.switch_requests, o);
		}
	}
}

/*
 * More requests a day than any service sends (a million times the
 * largest today): beyond it the day's tokens and cost lose their
 * meaning, then overflow.
 */
#define REQUESTS_MAX 1e15

/*
 * Whether a node's expectation is its level x G(t) x its weekly factor
 * alone (a root without ramp, calls or dated scenario change) and a
 * KPI's value that expectation (no noise): the common case, done a node
 * at a time.
 */
static int plain_node(const eng *e, const eng_work *w, size_t v)
{
	const eng_par *p = &w->par[v];

	if (!e->is_root[v] || e->called[v] || e->cycle[v] ||
	    (e->scn && e->scn->touched[v]))
		return 0;
	return e->is_kpi[v] ? !(p->noise_s > 0) : p->launch == INT64_MIN;
}

/*
 * A plain node's every day, as node_mean and node_day would give them
 * (the same operations in the same order, so the same numbers).
 */
static void plain_days(const eng *e, eng_work *w, uint64_t trial,
		       size_t v, int runs)
{
	const eng_par *p = &w->par[v];
	int days = e->opts.days, t, t0, t1, ok = 1;
	unsigned nb;
	tci_negbin_size size;
	double *val = &w->val[v * (size_t)days];
	double level = p->level >= 0 ? p->level : 0;
	double f = e->is_kpi[v] ? 1 : 1 + p->retry, step;
	double g = growth_start(e, p, &step);
	size_t ci = e->class_of[v];
	/* Monthly mode's runs, when fixed: their sums formed here too. */
	const int *end = runs && ci != SIZE_MAX && !(e->scn &&
			 e->scn->busy[ci]) ? e->cls[ci].run_end : NULL;
	double *cum = end ? &w->cum[ci * (size_t)days * 3] : NULL;

	/* G(t) as node_growth forms it, one product a day. */
	for (t0 = 0; t0 < days; t0 = t1) {
		double s1 = 0, s2 = 0, s3 = 0;

		t1 = end ? end[t0] : days;
		for (t = t0; t < t1; t++) {
			double m = level * (g * p->weekly[e->day_wd[t]]) * f;

			val[t] = m;
			ok &= m <= REQUESTS_MAX;
			g *= step;
			s1 += m;
			s2 += m * m;
			s3 += m * m * m;
		}
		if (cum) {
			cum[3 * (size_t)t0] = s1;
			cum[3 * (size_t)t0 + 1] = s2;
			cum[3 * (size_t)t0 + 2] = s3;
		}
	}
	if (cum)
		w->cum_set[ci] = 1;
	w->over |= !ok && !e->is_kpi[v];
	if (runs || e->is_kpi[v])
		return;

	/* A negative binomial takes two blocks, a Poisson one. */
	nb = isinf(p->disp) ? 1 : 2;
	tci_negbin_size_init(&size, p->disp);
	node_fill(e, trial, v, TC_RNG_COUNT, 0, (size_t)days, nb, w->blocks);
	for (t = 0; t < days; t++) {
		const uint32_t *b = &w->blocks[4 * nb * (size_t)t];

		if (!(val[t] > 0)) {
			val[t] = 0;
			continue;
		}
		if (nb == 2 && tci_negbin_first(b, val[t], &size, &val[t]))
			continue;
		node_stream_with(e, w->r, trial, v, TC_RNG_COUNT, (uint32_t)t,
				 b, nb);
		val[t] = tci_ran_negbin_sized(w->r, val[t], &size);
	}
}


/*
 * TC_ERR_NUMERIC naming the class and the day when a class's requests
 * are above REQUESTS_MAX or not a number: growth compounded far beyond
 * the graph's as_of, which would otherwise print as an infinite cost
 * or, in monthly mode, as none.
 */
static tc_status check_demand(const eng *e, const eng_work *w,
			      tc_error *err)
{
	int days = e->opts.days, t;
	size_t i;
	char date[16];

	for (i = 0; i < e->n_classes; i++) {
		const double *v = &w->val[e->cls[i].node * (size_t)days];

		/* plain_days has checked its nodes. */
		if (w->plain[e->cls[i].node] && !w->over)
			continue;
		for (t = 0; t < days && v[t] <= REQUESTS_MAX; t++)
			;
		if (t == days)
			continue;
		tci_format_date(e->opts.start + t, date, sizeof date);
		return tci_error(err, TC_ERR_NUMERIC, NULL, 0, e->cls[i].name,
				 "%g requests on %s, more than %g a day: is "
				 "the horizon far from the graph's as_of, "
				 "with growth compounding?", v[t], date,
				 REQUESTS_MAX);
	}
	return TC_OK;
}

tc_status eng_trial(const eng *e, eng_work *w, uint64_t trial,
		    tc_error *err)
{
	int days = e->opts.days, t, runs = eng_by_runs(e, trial);
	size_t i, plain;
	tc_status st = trial_params(e, w, trial, err);

	if (st != TC_OK)
		return st;

	/* The demand: plain nodes whole, the rest day by day in order. */
	w->over = 0;
	memset(w->cum_set, 0, e->n_classes);
	for (i = plain = 0; i < e->n_nodes; i++) {
		w->plain[i] = (unsigned char)plain_node(e, w, i);
		if (w->plain[i])
			plain_days(e, w, trial, i, runs);
		else if (e->is_root[i])
			node_growth(e, w, i);
		plain += w->plain[i];
	}
	for (t = 0; plain < e->n_nodes && t < days; t++) {
		const size_t *ord = t ? e->order : e->first_order;

		for (i = 0; i < e->n_nodes; i++) {
			size_t v = ord[i];

			if (w->plain[v])
				continue;

			if (!t && e->cycle[v] && (!i || e->cycle[ord[i - 1]] !=
						  e->cycle[v]) &&
			    (st = solve_cycle(e, w, e->cycle[v], i, err)))
				return st;
			w->val[v * days + t] = runs && !e->is_kpi[v]
				? node_mean(e, w, v, t, 0)
				: node_day(e, w, trial, v, t);
		}
	}
	if ((st = check_demand(e, w, err)) != TC_OK)
		return st;

	/* Tokens and cost, class by class (nothing downstream reads them). */
	if (runs)
		trial_segments(e, w, trial);
	else
		trial_days(e, w, trial);
	for (i = 0; i < e->n_kpis; i++) {
		size_t v = e->kpi_node[i];
		double s = 0;

		for (t = 0; t < days; t++)
			s += w->val[v * days + t];
		w->kpi_sum[i] = s;
	}
	return TC_OK;
}
