/*
 * sensitivity.c - what drives the cost (docs/scenarios.md,
 * "Sensitivity"). Every per-trial draw is an input, named by what it
 * draws and recorded by the id of its random stream. Per output: the
 * Spearman rank correlation with each input; each input's share of the
 * variance from the regression of the output's normal scores on the
 * inputs' normal scores (b_k^2 / sum b_j^2); and a one-at-a-time swing,
 * rerunning trials on common random numbers with the inputs held at
 * their sample medians but one at its P10 or P90.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_multifit.h>

#include "escn.h"
#include "fc.h"
#include "tci.h"

static const char *const day_names[7] = {"mon", "tue", "wed", "thu",
					 "fri", "sat", "sun"};

/* Adds an input (id, name) unless its id is known; -1 out of memory. */
static int add_input(eng *e, uint64_t id, const char *name, int fixable)
{
	size_t i;
	void *a, *b, *c;

	for (i = 0; i < e->n_sens; i++)
		if (e->sens_id[i] == id)
			return 0;
	a = realloc(e->sens_id, (e->n_sens + 1) * sizeof *e->sens_id);
	if (a)
		e->sens_id = a;
	b = realloc(e->sens_name, (e->n_sens + 1) * sizeof *e->sens_name);
	if (b)
		e->sens_name = b;
	c = realloc(e->sens_fixable, e->n_sens + 1);
	if (c)
		e->sens_fixable = c;
	if (!a || !b || !c || !(e->sens_name[e->n_sens] = strdup(name)))
		return -1;
	e->sens_fixable[e->n_sens] = (unsigned char)fixable;
	e->sens_id[e->n_sens++] = id;
	return 0;
}

/* 1 when a spec is drawn (not a constant). */
static int drawn(const tc_spec *s)
{
	return s && !tc_spec_is_constant(s, NULL);
}

/* The inputs of one node: per-trial attributes, weekly, parameters. */
static int node_inputs(eng *e, size_t v)
{
	const char *id = tc_kg_node_id(e->kg, v);
	char name[512];
	size_t a, i;
	int d, rc = 0;

	for (a = 0; a < TC_KG_ATTR_COUNT && !rc; a++) {
		const tc_spec *s = eng_node_spec(e, v, (tc_kg_attr)a);
		const char *an = tc_kg_attr_get((tc_kg_attr)a)->name;
		uint64_t aid = tc_rng_id_join(e->node_id[v], an);

		if (!s)
			continue;
		if (tc_kg_attr_get((tc_kg_attr)a)->draw == TC_KG_PER_TRIAL &&
		    drawn(s)) {
			snprintf(name, sizeof name, "%s.%s", id, an);
			rc = add_input(e, aid, name, 1);
		}
		for (i = 0; tc_kg_attr_get((tc_kg_attr)a)->draw !=
		     TC_KG_PER_TRIAL && !rc && i < tc_spec_param_count(s);
		     i++) {
			if (!drawn(tc_spec_param(s, i)))
				continue;
			snprintf(name, sizeof name, "%s.%s.%s", id, an,
				 tc_spec_param_name(s, i));
			rc = add_input(e, tc_rng_id_join(aid,
				tc_spec_param_name(s, i)), name, 0);
		}
	}
	for (d = 0; d < 7 && !rc; d++) {
		char part[2] = {(char)('0' + d), 0};

		if (!drawn(tc_kg_node_weekly(e->kg, v, d)))
			continue;
		snprintf(name, sizeof name, "%s.weekly.%s", id, day_names[d]);
		rc = add_input(e, tc_rng_id_join(tc_rng_id_join(
			e->node_id[v], "weekly"), part), name, 1);
	}
	return rc;
}

/* One drawn part of a scenario change. */
static int change_part(eng *e, const tc_scn_change *c, const char *part,
		       const tc_spec *s)
{
	char name[512];

	if (!drawn(s))
		return 0;
	snprintf(name, sizeof name, "%s.%s", c->key, part);
	return add_input(e, tc_rng_id_join(tc_rng_id(c->key), part), name,
			 1);
}

/* The drawn parts of every scenario change (LAUNCH's are the node's). */
static int change_inputs(eng *e)
{
	size_t i, n = e->scn ? e->scn->n_ch : 0;
	int rc = 0, d;

	for (i = 0; i < n && !rc; i++) {
		const tc_scn_change *c = e->scn->ch[i];

		for (d = 0; c->kind == TC_SCN_LAUNCH && !rc &&
		     (size_t)d < c->n_edges; d++) {
			char part[32];

			snprintf(part, sizeof part, "edge%d.rate", d);
			rc = change_part(e, c, part, c->edges[d].rate);
		}
		if (c->kind == TC_SCN_LAUNCH)
			continue;
		rc = change_part(e, c, "date", c->date);
		if (!rc && (c->date || c->kind == TC_SCN_LEVEL) &&
		    c->kind != TC_SCN_MODEL)
			rc = change_part(e, c, "value", c->value);
		if (!rc && c->kind == TC_SCN_MODEL)
			rc = change_part(e, c, "share", c->share) ||
			     change_part(e, c, "input_factor",
					 c->input_factor) ||
			     change_part(e, c, "output_factor",
					 c->output_factor);
		for (d = 0; !rc && c->kind == TC_SCN_WEEKLY && d < 7; d++) {
			char part[8] = "weekly0";

			part[6] = (char)('0' + d);
			rc = change_part(e, c, part, c->weekly[d]);
		}
	}
	return rc;
}

/* Sorts the ids for lookups, keeping each one's input index. */
static tc_status index_inputs(eng *e)
{
	size_t i, j;

	e->sens_idx = malloc((e->n_sens + 1) * sizeof *e->sens_idx);
	if (!e->sens_idx)
		return TC_ERR_NOMEM;
	for (i = 0; i < e->n_sens; i++)
		e->sens_idx[i] = i;
	for (i = 1; i < e->n_sens; i++)
		for (j = i; j > 0 && e->sens_id[j - 1] > e->sens_id[j]; j--) {
			uint64_t t = e->sens_id[j];
			size_t k = e->sens_idx[j];

			e->sens_id[j] = e->sens_id[j - 1];
			e->sens_idx[j] = e->sens_idx[j - 1];
			e->sens_id[j - 1] = t;
			e->sens_idx[j - 1] = k;
		}
	return TC_OK;
}

tc_status eng_sens_setup(eng *e)
{
	size_t v, i;

	if (e->opts.no_parameter_uncertainty)
		return index_inputs(e);
	for (v = 0; v < e->n_nodes; v++)
		if (node_inputs(e, v) < 0)
			return TC_ERR_NOMEM;
	for (i = 0; i < e->n_edges; i++) {
		tc_kg_edge ed;
		char name[512];

		if (!drawn(eng_edge_rate(e, i)))
			continue;
		tc_kg_edge_get(e->kg, i, &ed);
		snprintf(name, sizeof name, "%s->%s.rate",
			 tc_kg_node_id(e->kg, ed.source),
			 tc_kg_node_id(e->kg, ed.target));
		if (add_input(e, e->edge_id[i], name, 1) < 0)
			return TC_ERR_NOMEM;
	}
	if (change_inputs(e) < 0)
		return TC_ERR_NOMEM;
	return index_inputs(e);
}

void eng_sens_cleanup(eng *e)
{
	size_t i;

	for (i = 0; e->sens_name && i < e->n_sens; i++)
		free(e->sens_name[i]);
	free(e->sens_name);
	free(e->sens_id);
	free(e->sens_idx);
	free(e->sens_fixable);
	e->sens_fixable = NULL;
	e->sens_name = NULL;
	e->sens_id = NULL;
	e->sens_idx = NULL;
	e->n_sens = 0;
}

/* The input index of a stream id, or SIZE_MAX. */
static size_t find(const eng *e, uint64_t id)
{
	size_t lo = 0, hi = e->n_sens;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->sens_id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < e->n_sens && e->sens_id[lo] == id ? e->sens_idx[lo]
						      : SIZE_MAX;
}

void eng_sens_note(const eng *e, eng_work *w, uint64_t id, double x)
{
	size_t k;

	if (!w->inp || (k = find(e, id)) == SIZE_MAX)
		return;
	w->inp[k] = x;
}

int eng_sens_fixed(const eng *e, uint64_t id, double *x)
{
	size_t k = find(e, id);

	if (k == SIZE_MAX || isnan(e->sens_fix[k]))
		return 0;
	*x = e->sens_fix[k];
	return 1;
}

void eng_sens_note_params(const eng *e, eng_work *w, uint64_t id,
			  const tc_spec *spec, const tc_spec *drawn_spec)
{
	size_t i;
	double x;

	for (i = 0; w->inp && i < tc_spec_param_count(spec); i++)
		if (drawn(tc_spec_param(spec, i)) &&
		    tc_spec_is_constant(tc_spec_param(drawn_spec, i), &x))
			eng_sens_note(e, w, tc_rng_id_join(id,
				tc_spec_param_name(spec, i)), x);
}

/* Compares two indices by the values they point at. */
static int cmp_idx_val(const void *a, const void *b, void *ctx)
{
	const double *v = ctx;
	double x = v[*(const size_t *)a], y = v[*(const size_t *)b];

	return (x > y) - (x < y);
}

/* Ranks (1-based, ties averaged) of v into r, with a scratch index. */
static void ranks(const double *v, size_t n, double *r, size_t *ix)
{
	size_t i, j, k;

	for (i = 0; i < n; i++)
		ix[i] = i;
	qsort_r(ix, n, sizeof *ix, cmp_idx_val, (void *)v);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[ix[j]] == v[ix[i]]; j++)
			;
		for (k = i; k < j; k++)
			r[ix[k]] = 0.5 * (double)(i + 1 + j);
	}
}

/* Pearson correlation of two columns; 0 when one is constant. */
static double pearson(const double *a, const double *b, size_t n)
{
	double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		ma += a[i];
		mb += b[i];
	}
	ma /= (double)n;
	mb /= (double)n;
	for (i = 0; i < n; i++) {
		sab += (a[i] - ma) * (b[i] - mb);
		saa += (a[i] - ma) * (a[i] - ma);
		sbb += (b[i] - mb) * (b[i] - mb);
	}
	return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : 0;
}

/* Turns ranks into normal scores in place. */
static void scores(double *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		r[i] = gsl_cdf_ugaussian_Pinv((r[i] - 0.5) / (double)n);
}

/* The output column o (0 total, 1 + c class c) of every trial. */
static void output(const tc_forecast *f, size_t o, double *y)
{
	size_t t;

	for (t = 0; t < f->trials; t++)
		tc_forecast_trial_value(f, t, o ? o - 1 : TC_FORECAST_TOTAL,
					TC_M_COST, &y[t]);
}

/*
 * Rank correlations and variance shares of one output (results
 * res[0..K)), from the inputs' normal scores xs (K columns of T).
 */
static tc_status shares(const double *xr, const double *xs,
			const double *y, size_t K, size_t T, double *ry,
			size_t *ix, tc_sensitivity *res)
{
	gsl_matrix *X = gsl_matrix_alloc(T, K + 1), *cov;
	gsl_vector *yy = gsl_vector_alloc(T), *b = gsl_vector_alloc(K + 1);
	gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(T,
								      K + 1);
	double chi2, sum = 0;
	size_t i, k;

	cov = gsl_matrix_alloc(K + 1, K + 1);
	if (!X || !yy || !b || !ws || !cov) {
		gsl_matrix_free(X);
		gsl_matrix_free(cov);
		gsl_vector_free(yy);
		gsl_vector_free(b);
		gsl_multifit_linear_free(ws);
		return TC_ERR_NOMEM;
	}
	ranks(y, T, ry, ix);
	for (k = 0; k < K; k++)
		res[k].rank_corr = pearson(&xr[k * T], ry, T);
	scores(ry, T);
	for (i = 0; i < T; i++) {
		gsl_matrix_set(X, i, 0, 1);
		for (k = 0; k < K; k++)
			gsl_matrix_set(X, i, k + 1, xs[k * T + i]);
		gsl_vector_set(yy, i, ry[i]);
	}
	gsl_multifit_linear(X, yy, b, cov, &chi2, ws);
	for (k = 0; k < K; k++)
		sum += gsl_vector_get(b, k + 1) * gsl_vector_get(b, k + 1);
	for (k = 0; k < K; k++)
		res[k].share = sum > 0 ? gsl_vector_get(b, k + 1) *
				gsl_vector_get(b, k + 1) / sum : 0;
	gsl_matrix_free(X);
	gsl_matrix_free(cov);
	gsl_vector_free(yy);
	gsl_vector_free(b);
	gsl_multifit_linear_free(ws);
	return TC_OK;
}

/*
 * Mean horizon cost of every output over m trials with the inputs
 * fixed at fix (NAN: drawn), on the run's own streams.
 */
static tc_status oat_run(const tc_forecast *f, const double *fix, size_t m,
			 double *mean, tc_error *err)
{
	tc_forecast_opts o = f->e.opts;
	eng e;
	eng_work *w;
	size_t C = f->e.n_classes, t, c;
	int d;
	tc_status st;

	o.sensitivity = 1;
	o.daily = 1;
	if ((st = eng_setup(&e, f->e.kg, f->e.cat, &o, err)) != TC_OK)
		return st;
	e.sens_fix = fix;
	e.monthly = 0;	/* the days are read below */
	w = eng_work_new(&e);
	memset(mean, 0, (C + 1) * sizeof *mean);
	for (t = 0, st = w ? TC_OK : TC_ERR_NOMEM; st == TC_OK && t < m;
	     t++) {
		if ((st = eng_trial(&e, w, t, err)) != TC_OK)
			break;
		for (d = 0; d < o.days; d++)
			for (c = 0; c < C; c++) {
				double v = w->out[((size_t)d * C + c) *
						  TC_M_COUNT + TC_M_COST];

				mean[1 + c] += v / (double)m;
				mean[0] += v / (double)m;
			}
	}
	eng_work_free(&e, w);
	eng_cleanup(&e);
	return st;
}

/* A sample quantile of column x (copied into s). */
static double quantile(const double *x, size_t n, double p, double *s)
{
	estat es;

	memcpy(s, x, n * sizeof *s);
	estat_column(s, n, &p, 1, &es);
	return es.q[0];
}

/* Order of inputs by share of the total, largest first. */
static int by_share(const void *a, const void *b, void *ctx)
{
	const tc_sensitivity *r = ctx;
	double x = r[*(const size_t *)a].share;
	double y = r[*(const size_t *)b].share;

	return (x < y) - (x > y);
}

/* Moves the inputs a rerun can hold fixed to the front of ord. */
static size_t fixable_first(const eng *e, size_t *ord, size_t K)
{
	size_t i, n = 0, j;

	for (i = 0; i < K; i++)
		if (e->sens_fixable[ord[i]]) {
			size_t k = ord[i];

			for (j = i; j > n; j--)
				ord[j] = ord[j - 1];
			ord[n++] = k;
		}
	return n;
}

/* The one-at-a-time swings of the inputs with the largest shares. */
static tc_status swings(const tc_forecast *f, size_t m, tc_sensitivity *res,
			size_t K, tc_error *err)
{
	size_t O = f->e.n_classes + 1, k, o, j, nf = 0, *ord;
	double *fix = malloc((K + 1) * sizeof *fix);
	double *mean = malloc((O + 1) * sizeof *mean);
	tc_status st = fix && mean ? TC_OK : TC_ERR_NOMEM;
	int side;

	ord = malloc((K + 1) * sizeof *ord);
	if (!ord)
		st = TC_ERR_NOMEM;
	for (k = 0; st == TC_OK && k < K; k++) {
		fix[k] = res[k].p50;
		ord[k] = k;
	}
	if (st == TC_OK) {
		qsort_r(ord, K, sizeof *ord, by_share, res);
		nf = fixable_first(&f->e, ord, K);
	}
	if (st == TC_OK && (st = oat_run(f, fix, m, mean, err)) == TC_OK)
		for (o = 0; o < O; o++)
			for (k = 0; k < K; k++)
				res[o * K + k].base = mean[o];
	for (j = 0; st == TC_OK && j < nf && j < TC_SENS_OAT_MAX; j++) {
		k = ord[j];
		for (side = 0; st == TC_OK && side < 2; side++) {
			fix[k] = side ? res[k].p90 : res[k].p10;
			st = oat_run(f, fix, m, mean, err);
			for (o = 0; st == TC_OK && o < O; o++)
				*(side ? &res[o * K + k].high
				       : &res[o * K + k].low) = mean[o];
		}
		fix[k] = res[k].p50;
	}
	free(ord);
	free(fix);
	free(mean);
	return st;
}

/* Names, quantiles, ranks and normal scores of the inputs. */
static void inputs(const tc_forecast *f, tc_sensitivity *res, double *xr,
		   double *xs, double *tmp, size_t *ix)
{
	size_t K = f->e.n_sens, T = f->trials, O = f->e.n_classes + 1, k, o;

	for (k = 0; k < K; k++) {
		const double *x = &f->sens_in[k * T];
		tc_sensitivity r;

		memset(&r, 0, sizeof r);
		r.input = f->e.sens_name[k];
		r.p10 = quantile(x, T, 10, tmp);
		r.p50 = quantile(x, T, 50, tmp);
		r.p90 = quantile(x, T, 90, tmp);
		r.low = r.high = NAN;
		for (o = 0; o < O; o++)
			res[o * K + k] = r;
		ranks(x, T, &xr[k * T], ix);
		memcpy(&xs[k * T], &xr[k * T], T * sizeof *xs);
		scores(&xs[k * T], T);
	}
}

tc_status tc_forecast_sensitivity(const tc_forecast *f, size_t oat_trials,
				  tc_sensitivity **out, size_t *n,
				  tc_error *err)
{
	size_t K, T, O, o, *ix = NULL;
	double *xs = NULL, *xr = NULL, *y = NULL, *ry = NULL;
	tc_sensitivity *res = NULL;
	tc_status st = TC_ERR_NOMEM;

	if (!f || !out || !n || !f->sens_in)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL, "the run did "
				 "not keep its inputs (opts.sensitivity)");
	K = f->e.n_sens;
	T = f->trials;
	O = f->e.n_classes + 1;
	if (!K)
		return tci_error(err, TC_ERR_NOT_FOUND, NULL, 0, NULL,
				 "the run has no uncertain input");
	res = calloc(O * K, sizeof *res);
	xs = malloc(K * T * sizeof *xs);
	xr = malloc(K * T * sizeof *xr);
	y = malloc(T * sizeof *y);
	ry = malloc(T * sizeof *ry);
	ix = malloc(T * sizeof *ix);
	if (!res || !xs || !xr || !y || !ry || !ix)
		goto out;
	inputs(f, res, xr, xs, y, ix);
	for (o = 0; o < O; o++) {
		output(f, o, y);
		st = shares(xr, xs, y, K, T, ry, ix, &res[o * K]);
		if (st != TC_OK)
			goto out;
	}
	st = swings(f, oat_trials ? oat_trials : 400, res, K, err);
out:
	free(xs);
	free(xr);
	free(y);
	free(ry);
	free(ix);
	if (st != TC_OK) {
		free(res);
		if (st == TC_ERR_NOMEM)
			tci_error(err, st, NULL, 0, NULL, "out of memory");
		return st;
	}
	*out = res;
	*n = K;
	return TC_OK;
}
