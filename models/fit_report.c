/*
 * fit_report.c - the fit report (tokcast fit --report): per class and
 * quantity every family tried, its parameters, log-likelihood, AIC, BIC,
 * KS and AD, and the chosen one, as JSON through jansson. The shape is a
 * contract (issue 3, docs/fitting.md).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "fiti.h"
#include "tci.h"

struct tc_fit_report {
	json_t *root;		/* {"classes": {...}} */
};

tc_fit_report *tc_fit_report_new(void)
{
	tc_fit_report *rep = calloc(1, sizeof *rep);

	if (!rep)
		return NULL;
	rep->root = json_pack("{s:{}}", "classes");
	if (!rep->root) {
		free(rep);
		return NULL;
	}
	return rep;
}

void tc_fit_report_free(tc_fit_report *rep)
{
	if (!rep)
		return;
	json_decref(rep->root);
	free(rep);
}

/* A real, or null for a value JSON cannot hold. */
static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* Sets key of obj to a new value; 0 on success. */
static int put(json_t *obj, const char *key, json_t *v)
{
	return v ? json_object_set_new(obj, key, v) : -1;
}

/* The class object, created on first use. */
static json_t *class_obj(tc_fit_report *rep, const char *cls)
{
	json_t *classes = json_object_get(rep->root, "classes");
	json_t *c = json_object_get(classes, cls);

	if (c)
		return c;
	c = json_object();
	if (!c || json_object_set_new(classes, cls, c))
		return NULL;
	return c;
}

tc_status tc_fit_report_class(tc_fit_report *rep, const char *cls,
			      size_t rows)
{
	json_t *c;

	if (!rep || !cls)
		return TC_ERR_ARG;
	c = class_obj(rep, cls);
	if (!c || put(c, "rows", json_integer((json_int_t)rows)))
		return TC_ERR_NOMEM;
	return TC_OK;
}

/* {"name": value, ...} of a family's parameters (mixture adds w2). */
static json_t *params_obj(const tc_fit_one *f, const double *v)
{
	json_t *o = json_object();
	size_t i;
	int bad = !o;

	for (i = 0; o && i < f->nparams; i++) {
		bad |= put(o, tc_fit_param_name(f->family, i), num(v[i]));
		if (f->family == TC_FIT_MIXTURE && i == 2)
			bad |= put(o, "w2", num(1 - v[0]));
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* One element of "families". */
static json_t *family_obj(const tc_fit_one *f, double ks_pass)
{
	json_t *o = json_object();
	int bad = !o;

	if (!o)
		return NULL;
	bad |= put(o, "family", json_string(tc_fit_family_name(f->family)));
	if (!f->ok) {
		bad |= put(o, "error", json_string(f->skipped
							   ? "not tried"
							   : "the fit failed"));
		goto out;
	}
	bad |= put(o, "params", params_obj(f, f->params));
	if (f->se_ok)
		bad |= put(o, "se", params_obj(f, f->se));
	if (f->continuous_ok)
		bad |= put(o, "continuous_params",
			   params_obj(f, f->continuous));
	bad |= put(o, "loglik", num(f->loglik));
	bad |= put(o, "aic", num(f->aic));
	bad |= put(o, "bic", num(f->bic));
	bad |= put(o, "ks", num(f->ks));
	bad |= put(o, "ad", num(f->ad));
	bad |= put(o, "passes", json_boolean(f->ks <= ks_pass));
	bad |= put(o, "converged", json_boolean(f->converged));
	if (f->heavy_tail)
		bad |= put(o, "heavy_tail", json_true());
out:
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The cap's object: the pile-up's values and share. */
static json_t *cap_obj(const tc_fit_result *r)
{
	return json_pack("{s:o,s:o,s:o}", "lo", num(r->cap_lo), "hi",
			 num(r->cap_hi), "share", num(r->cap_share));
}

/* The name of the chosen family, "empirical" or "none". */
static const char *chosen_name(const tc_fit_result *r)
{
	if (r->empirical)
		return "empirical";
	if (r->chosen < 0)
		return "none";
	return tc_fit_family_name(r->fits[r->chosen].family);
}

/* The quantity's object without its families. */
static json_t *quantity_head(const tc_fit_result *r)
{
	const char *chosen = chosen_name(r);
	char *spec = tc_fit_spec(r, 0), *spec_se = tc_fit_spec(r, 1);
	json_t *o = json_object();
	int bad = !o || !spec || !spec_se;

	if (o) {
		bad |= put(o, "rows", json_integer((json_int_t)r->rows));
		bad |= put(o, "chosen", json_string(chosen));
		if (r->by_bic >= 0)
			bad |= put(o, "chosen_bic",
				   json_string(tc_fit_family_name(
					   r->fits[r->by_bic].family)));
		bad |= put(o, "ks_threshold", num(r->ks_pass));
		bad |= put(o, "fallback", json_boolean(r->empirical));
		bad |= put(o, "cap", r->capped ? cap_obj(r) : json_null());
		bad |= put(o, "spec", spec ? json_string(spec) : NULL);
		bad |= put(o, "spec_with_se",
			   spec_se ? json_string(spec_se) : NULL);
	}
	free(spec);
	free(spec_se);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

tc_status tc_fit_report_counts(tc_fit_report *rep, const char *cls,
			       const char *quantity,
			       const tc_fit_result *res)
{
	json_t *c, *q, *fams;
	size_t i;
	int bad = 0;

	if (!rep || !cls || !quantity || !res)
		return TC_ERR_ARG;
	c = class_obj(rep, cls);
	q = quantity_head(res);
	fams = json_array();
	if (!c || !q || !fams) {
		json_decref(q);
		json_decref(fams);
		return TC_ERR_NOMEM;
	}
	for (i = 0; i < res->nfits; i++)
		bad |= json_array_append_new(
			fams, family_obj(&res->fits[i], res->ks_pass));
	bad |= put(q, "families", fams);
	bad |= put(c, quantity, q);
	return bad ? TC_ERR_NOMEM : TC_OK;
}

tc_status tc_fit_report_share(tc_fit_report *rep, const char *cls,
			      const char *quantity, const tc_fit_share *res)
{
	char *spec;
	json_t *c, *q;

	if (!rep || !cls || !quantity || !res)
		return TC_ERR_ARG;
	c = class_obj(rep, cls);
	spec = tc_fit_share_spec(res);
	q = json_pack("{s:I,s:o,s:o,s:o,s:b,s:o,s:s?}", "rows",
		      (json_int_t)res->rows, "mean", num(res->mean), "p0",
		      num(res->p0), "p1", num(res->p1), "fallback",
		      res->empirical, "ks", num(res->ks), "spec", spec);
	free(spec);
	if (!c || !q)
		goto fail;
	if (res->beta_ok &&
	    put(q, "beta", json_pack("{s:o,s:o,s:o,s:o}", "a", num(res->a),
				     "b", num(res->b), "se_a",
				     num(res->se_a), "se_b",
				     num(res->se_b))))
		goto fail;
	return put(c, quantity, q) ? TC_ERR_NOMEM : TC_OK;
fail:
	json_decref(q);
	return TC_ERR_NOMEM;
}

tc_status tc_fit_report_rank_corr(tc_fit_report *rep, const char *cls,
				  double rho, double se)
{
	json_t *c;

	if (!rep || !cls)
		return TC_ERR_ARG;
	c = class_obj(rep, cls);
	if (!c || put(c, "io_rank_corr", json_pack("{s:o,s:o}", "value",
						   num(rho), "se", num(se))))
		return TC_ERR_NOMEM;
	return TC_OK;
}

/* The seven weekly factors or their SEs as an array. */
static json_t *week_array(const double *v)
{
	json_t *a = json_array();
	int i;

	for (i = 0; a && i < 7; i++)
		if (json_array_append_new(a, num(v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

tc_status tc_fit_report_volume(tc_fit_report *rep, const char *cls,
			       const tc_fit_volume *v)
{
	char d0[16], d1[16], asof[16];
	json_t *c, *o;
	int bad = 0;

	if (!rep || !cls || !v)
		return TC_ERR_ARG;
	tci_format_date(v->first_day, d0, sizeof d0);
	tci_format_date(v->last_day, d1, sizeof d1);
	tci_format_date(v->as_of, asof, sizeof asof);
	c = class_obj(rep, cls);
	o = json_pack("{s:I,s:o,s:I,s:s,s:s,s:s,s:o,s:o,s:b}", "requests",
		      (json_int_t)v->requests, "span_days", num(v->span_days),
		      "full_days", (json_int_t)v->full_days, "first_day", d0,
		      "last_day", d1, "as_of", asof, "requests_per_day",
		      num(v->level), "requests_per_day_se", num(v->level_se),
		      "weakly_identified", v->weak_level);
	if (!c || !o) {
		json_decref(o);
		return TC_ERR_NOMEM;
	}
	if (v->has_trend) {
		bad |= put(o, "growth", num(v->growth));
		bad |= put(o, "growth_se", num(v->growth_se));
		bad |= put(o, "weekly", week_array(v->weekly));
		bad |= put(o, "weekly_se", week_array(v->weekly_se));
	} else {
		bad |= put(o, "trend_note",
			   json_string("shorter than 14 full days: no "
				       "growth or weekly profile fitted"));
	}
	if (v->has_dispersion) {
		bad |= put(o, "dispersion", num(v->dispersion));
		bad |= put(o, "dispersion_se", num(v->dispersion_se));
	}
	bad |= put(c, "volume", o);
	return bad ? TC_ERR_NOMEM : TC_OK;
}

char *tc_fit_report_json(const tc_fit_report *rep)
{
	if (!rep)
		return NULL;
	return json_dumps(rep->root, JSON_INDENT(2) | JSON_SORT_KEYS |
					     JSON_REAL_PRECISION(12));
}

tc_status tc_fit_report_write(const tc_fit_report *rep, const char *path,
			      tc_error *err)
{
	tc_outfile *of = NULL;
	char *text;
	tc_status st;

	if (!rep || !path)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no report or no path");
	text = tc_fit_report_json(rep);
	if (!text)
		return tci_error(err, TC_ERR_NOMEM, path, 0, NULL,
				 "out of memory");
	st = tc_outfile_open(path, &of, err);
	if (st == TC_OK) {
		fputs(text, tc_outfile_stream(of));
		fputc('\n', tc_outfile_stream(of));
		st = tc_outfile_commit(of, err);
	}
	free(text);
	return st;
}
