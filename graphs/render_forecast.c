/*
 * render_forecast.c - reads the forecast JSON written by "tokcast
 * forecast" into the per-class annotations a drawing shows: the horizon
 * cost's median, its widest interval, and the class's share of the
 * total mean cost.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tci.h"

struct tc_render_forecast {
	tc_class_forecast *items;
	char **ids;
	size_t count;
	double low_pct;
	double high_pct;
	char graph_sha256[65];	/* lowercase hex, or "" when not said */
};

/* The object at a dotted path below root, or NULL. */
static json_t *at_path(json_t *root, const char *a, const char *b,
		       const char *c)
{
	json_t *v = json_object_get(root, a);

	if (v && b)
		v = json_object_get(v, b);
	if (v && c)
		v = json_object_get(v, c);
	return v;
}

/* The key of a quantile: "p" and its percentage, "p2.5" for 2.5. */
static void quantile_key(double pct, char *buf, size_t size)
{
	char num[32];

	tci_format_double(num, sizeof num, pct);
	snprintf(buf, size, "p%s", num);
}

/*
 * Picks the interval to draw from meta.quantiles: the lowest and the
 * highest percentage, which must lie either side of 50, and 50 itself.
 */
static tc_status pick_interval(json_t *root, const char *path,
			       tc_render_forecast *f, tc_error *err)
{
	json_t *qs = at_path(root, "meta", "quantiles", NULL);
	double lo = INFINITY, hi = -INFINITY, q;
	int has_median = 0;
	size_t i;

	if (!json_is_array(qs) || json_array_size(qs) == 0)
		return tci_error(err, TC_ERR_INVALID, path, 0, "meta.quantiles",
				 "expected the array of quantile percentages "
				 "of a tokcast forecast");
	for (i = 0; i < json_array_size(qs); i++) {
		q = json_number_value(json_array_get(qs, i));
		has_median |= q == 50;
		lo = fmin(lo, q);
		hi = fmax(hi, q);
	}
	if (!has_median || !(lo < 50) || !(hi > 50))
		return tci_error(err, TC_ERR_INVALID, path, 0, "meta.quantiles",
				 "the forecast needs the 50th percentile and "
				 "one on each side of it (run forecast with "
				 "--quantiles 5,50,95)");
	f->low_pct = lo;
	f->high_pct = hi;
	return TC_OK;
}

/* Reads one number of a class's cost_usd statistics. */
static tc_status stat_number(json_t *cost, const char *quantile,
			     double *out)
{
	json_t *v = quantile ? at_path(cost, "quantiles", quantile, NULL)
			     : json_object_get(cost, "mean");

	if (!json_is_number(v))
		return TC_ERR_INVALID;
	*out = json_number_value(v);
	return isfinite(*out) ? TC_OK : TC_ERR_INVALID;
}

/* Fills one annotation from horizon.classes.<id>.cost_usd. */
static tc_status read_class(json_t *cost, const char *id, double total,
			    tc_render_forecast *f, const char *path,
			    tc_error *err)
{
	tc_class_forecast *c = &f->items[f->count];
	char lo[40], hi[40], el[300];
	double mean = 0;

	quantile_key(f->low_pct, lo, sizeof lo);
	quantile_key(f->high_pct, hi, sizeof hi);
	snprintf(el, sizeof el, "horizon.classes.%s.cost_usd", id);
	if (stat_number(cost, "p50", &c->p50) != TC_OK ||
	    stat_number(cost, lo, &c->low) != TC_OK ||
	    stat_number(cost, hi, &c->high) != TC_OK ||
	    stat_number(cost, NULL, &mean) != TC_OK)
		return tci_error(err, TC_ERR_INVALID, path, 0, el,
				 "expected numbers for mean, p50, %s and %s",
				 lo, hi);
	c->share = total > 0 ? fmin(1, fmax(0, mean / total)) : 0;
	f->ids[f->count] = tci_strdup(id);
	if (!f->ids[f->count])
		return tci_error(err, TC_ERR_NOMEM, path, 0, NULL,
				 "out of memory");
	c->node_id = f->ids[f->count];
	f->count++;
	return TC_OK;
}

/* Reads every class of the horizon. */
static tc_status read_classes(json_t *root, const char *path,
			      tc_render_forecast *f, tc_error *err)
{
	json_t *classes = at_path(root, "horizon", "classes", NULL);
	json_t *total = at_path(root, "horizon", "total", "cost_usd");
	double total_mean = 0;
	const char *id;
	json_t *cls;
	tc_status st;

	if (!json_is_object(classes) ||
	    stat_number(total, NULL, &total_mean) != TC_OK)
		return tci_error(err, TC_ERR_INVALID, path, 0, "horizon",
				 "expected horizon.total.cost_usd and "
				 "horizon.classes of a tokcast forecast");
	f->items = calloc(json_object_size(classes) + 1, sizeof *f->items);
	f->ids = calloc(json_object_size(classes) + 1, sizeof *f->ids);
	if (!f->items || !f->ids)
		return tci_error(err, TC_ERR_NOMEM, path, 0, NULL,
				 "out of memory");
	json_object_foreach(classes, id, cls) {
		st = read_class(json_object_get(cls, "cost_usd"), id,
				total_mean, f, path, err);
		if (st != TC_OK)
			return st;
	}
	return TC_OK;
}

/*
 * Keeps meta.graph_sha256 when it is 64 hex digits, in lowercase as
 * tc_sha256_file writes it; anything else leaves the graph unknown.
 */
static void read_graph_sha(json_t *root, tc_render_forecast *f)
{
	const char *s = json_string_value(at_path(root, "meta",
						  "graph_sha256", NULL));
	size_t i;

	if (!s || strlen(s) != 64 ||
	    strspn(s, "0123456789abcdefABCDEF") != 64)
		return;
	for (i = 0; i < 64; i++)
		f->graph_sha256[i] = (char)tolower((unsigned char)s[i]);
	f->graph_sha256[64] = '\0';
}

tc_status tc_render_forecast_load(const char *path,
				  tc_render_forecast **out, tc_error *err)
{
	tc_render_forecast *f;
	json_error_t jerr;
	json_t *root;
	tc_status st;

	if (!path || !out)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no forecast file given");
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return tci_error_at(err, jerr.line < 1 && jerr.position == 0
					    ? TC_ERR_IO : TC_ERR_PARSE,
				    path, jerr.line > 0 ? jerr.line : 0,
				    jerr.column > 0 ? jerr.column : 0, NULL,
				    "cannot read the forecast: %s", jerr.text);
	f = calloc(1, sizeof *f);
	if (!f) {
		json_decref(root);
		return tci_error(err, TC_ERR_NOMEM, path, 0, NULL,
				 "out of memory");
	}
	st = pick_interval(root, path, f, err);
	if (st == TC_OK)
		st = read_classes(root, path, f, err);
	read_graph_sha(root, f);
	json_decref(root);
	if (st != TC_OK) {
		tc_render_forecast_free(f);
		return st;
	}
	*out = f;
	return TC_OK;
}

void tc_render_forecast_free(tc_render_forecast *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->count; i++)
		free(f->ids[i]);
	free(f->ids);
	free(f->items);
	free(f);
}

const char *tc_render_forecast_graph_sha256(const tc_render_forecast *f)
{
	return f->graph_sha256;
}

void tc_render_forecast_apply(const tc_render_forecast *f,
			      tc_render_options *opts)
{
	opts->forecast = f->items;
	opts->forecast_count = f->count;
	opts->low_pct = f->low_pct;
	opts->high_pct = f->high_pct;
}
