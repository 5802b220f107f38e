/*
 * compare.c - scenarios against a reference on common random numbers:
 * the distribution of the per-trial difference of horizon costs, the
 * probability that a scenario costs more, and the comparison's JSON
 * (docs/scenarios.md, "Comparing scenarios").
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "fc.h"
#include "tci.h"

tc_status tc_forecast_compare(const tc_forecast *x, const tc_forecast *ref,
			      size_t c, tc_stat *diff, double *p_more)
{
	size_t T, i, more = 0;
	double *d, a, b;
	estat es;

	if (!x || !ref || !diff || !p_more || x->trials != ref->trials ||
	    x->e.n_classes != ref->e.n_classes ||
	    (c != TC_FORECAST_TOTAL && c >= x->e.n_classes))
		return TC_ERR_ARG;
	T = x->trials;
	d = malloc(T * sizeof *d);
	if (!d)
		return TC_ERR_NOMEM;
	for (i = 0; i < T; i++) {
		tc_forecast_trial_value(x, i, c, TC_M_COST, &a);
		tc_forecast_trial_value(ref, i, c, TC_M_COST, &b);
		d[i] = a - b;
		more += d[i] > 0;
	}
	estat_column(d, T, x->e.opts.quantiles, x->e.opts.n_quantiles, &es);
	free(d);
	memset(diff, 0, sizeof *diff);
	diff->mean = es.mean;
	diff->sd = es.sd;
	diff->n_quantiles = x->e.opts.n_quantiles;
	diff->percent = x->e.opts.quantiles;
	for (i = 0; i < diff->n_quantiles; i++) {
		diff->quantile[i] = es.q[i];
		diff->mc_se[i] = es.se[i];
	}
	*p_more = (double)more / (double)T;
	return TC_OK;
}

/* {"mean", "sd", "quantiles": {"p5": ..}, "mc_se": {..}} */
static json_t *stat_json(const tc_stat *s)
{
	json_t *o = json_object(), *q = json_object(), *se = json_object();
	char key[40];
	size_t i;

	json_object_set_new(o, "mean", json_real(s->mean));
	json_object_set_new(o, "sd", json_real(s->sd));
	for (i = 0; i < s->n_quantiles; i++) {
		snprintf(key, sizeof key, "p%.10g", s->percent[i]);
		json_object_set_new(q, key, json_real(s->quantile[i]));
		json_object_set_new(se, key, json_real(s->mc_se[i]));
	}
	json_object_set_new(o, "quantiles", q);
	json_object_set_new(o, "mc_se", se);
	return o;
}

/* One class (or the total) of run x against the reference. */
static json_t *entry_json(const tc_forecast *x, const tc_forecast *ref,
			  size_t c)
{
	json_t *o = json_object();
	tc_stat s, d;
	double p;

	tc_forecast_stat(x, TC_PERIOD_HORIZON, 0, c, TC_M_COST, &s);
	json_object_set_new(o, "cost_usd", stat_json(&s));
	if (tc_forecast_compare(x, ref, c, &d, &p) != TC_OK)
		return o;
	json_object_set_new(o, "difference", stat_json(&d));
	json_object_set_new(o, "p_more", json_real(p));
	return o;
}

/* The run's meta block: seed, trials, start, days. */
static json_t *meta_json(const tc_forecast *f)
{
	json_t *o = json_object();
	char d[16];

	tci_format_date(f->e.opts.start, d, sizeof d);
	json_object_set_new(o, "seed",
			    json_integer((json_int_t)f->e.opts.seed));
	json_object_set_new(o, "trials", json_integer((json_int_t)f->trials));
	json_object_set_new(o, "version", json_string(tc_version()));
	json_object_set_new(o, "start", json_string(d));
	json_object_set_new(o, "days", json_integer(f->e.opts.days));
	return o;
}

tc_status tc_compare_write_json(const tc_forecast *const *runs,
				const char *const *names, size_t n,
				size_t ref, FILE *fp, tc_error *err)
{
	json_t *root, *list;
	size_t i, c;
	int rc;

	if (!runs || !names || !fp || ref >= n)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "bad comparison arguments");
	root = json_object();
	list = json_array();
	json_object_set_new(root, "meta", meta_json(runs[ref]));
	json_object_set_new(root, "reference", json_string(names[ref]));
	for (i = 0; i < n; i++) {
		json_t *s = json_object(), *cls = json_object();

		json_object_set_new(s, "name", json_string(names[i]));
		json_object_set_new(s, "total", entry_json(runs[i], runs[ref],
					TC_FORECAST_TOTAL));
		for (c = 0; c < tc_forecast_class_count(runs[i]); c++)
			json_object_set_new(cls,
				tc_forecast_class_name(runs[i], c),
				entry_json(runs[i], runs[ref], c));
		json_object_set_new(s, "classes", cls);
		json_array_append_new(list, s);
	}
	json_object_set_new(root, "scenarios", list);
	rc = json_dumpf(root, fp, JSON_INDENT(1) | JSON_PRESERVE_ORDER |
			JSON_REAL_PRECISION(12));
	json_decref(root);
	if (rc != 0 || fputc('\n', fp) == EOF)
		return tci_error(err, TC_ERR_IO, NULL, 0, NULL,
				 "cannot write the comparison");
	return TC_OK;
}
