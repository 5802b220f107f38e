/*
 * report.c - a forecast as the JSON contract (jansson) or as tidy CSV
 * (docs/cli-forecast.md).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "fc.h"
#include "tci.h"

/* "p5", "p2.5": the key of a quantile. */
static void pct_key(double pct, const char *prefix, char *buf, size_t size)
{
	snprintf(buf, size, "%s%.10g", prefix, pct);
}

/* A number, or null when it is not finite. */
static json_t *num(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

/* {"mean", "sd", "quantiles": {...}, "mc_se": {...}} */
static json_t *stat_json(const tc_stat *s)
{
	json_t *o = json_object(), *q = json_object(), *se = json_object();
	char key[40];
	size_t i;

	json_object_set_new(o, "mean", num(s->mean));
	json_object_set_new(o, "sd", num(s->sd));
	for (i = 0; i < s->n_quantiles; i++) {
		pct_key(s->percent[i], "p", key, sizeof key);
		json_object_set_new(q, key, num(s->quantile[i]));
		json_object_set_new(se, key, num(s->mc_se[i]));
	}
	json_object_set_new(o, "quantiles", q);
	json_object_set_new(o, "mc_se", se);
	return o;
}

/* Every metric of one class (or the total) over one period. */
static json_t *metrics_json(const tc_forecast *f, tc_period_kind k,
			    size_t i, size_t c)
{
	json_t *o = json_object();
	tc_stat s;
	int m;

	for (m = 0; m < TC_M_COUNT; m++)
		if (tc_forecast_stat(f, k, i, c, m, &s) == TC_OK)
			json_object_set_new(o, tc_metric_name(m),
					    stat_json(&s));
	return o;
}

/* One period: {"total": ..., "classes": {...}}, with a label first. */
static json_t *period_json(const tc_forecast *f, tc_period_kind k,
			   size_t i, const char *key, const char *label)
{
	json_t *o = json_object(), *cls = json_object();
	size_t c;

	if (key)
		json_object_set_new(o, key, json_string(label));
	json_object_set_new(o, "total",
			    metrics_json(f, k, i, TC_FORECAST_TOTAL));
	for (c = 0; c < tc_forecast_class_count(f); c++)
		json_object_set_new(cls, tc_forecast_class_name(f, c),
				    metrics_json(f, k, i, c));
	json_object_set_new(o, "classes", cls);
	return o;
}

static json_t *units_json(const tc_forecast *f)
{
	json_t *o = json_object(), *k = json_object(), *c = json_object();
	tc_stat a, b;
	size_t i;

	for (i = 0; i < tc_forecast_kpi_count(f); i++) {
		json_t *u = json_object();

		tc_forecast_kpi_unit(f, i, &a, &b);
		json_object_set_new(u, "cost_per_unit", stat_json(&a));
		json_object_set_new(u, "cost_per_unit_month", stat_json(&b));
		json_object_set_new(k, tc_forecast_kpi_name(f, i), u);
	}
	for (i = 0; i < tc_forecast_class_count(f); i++) {
		json_t *u = json_object();

		tc_forecast_cost_per_request(f, i, &a);
		json_object_set_new(u, "cost_per_request", stat_json(&a));
		json_object_set_new(c, tc_forecast_class_name(f, i), u);
	}
	json_object_set_new(o, "kpis", k);
	json_object_set_new(o, "classes", c);
	return o;
}

static json_t *meta_json(const tc_forecast *f, const tc_forecast_meta *m)
{
	json_t *o = json_object(), *q = json_array();
	char d[16];
	size_t i;

	json_object_set_new(o, "seed",
			    json_integer((json_int_t)f->e.opts.seed));
	json_object_set_new(o, "trials", json_integer((json_int_t)f->trials));
	json_object_set_new(o, "version", json_string(tc_version()));
	json_object_set_new(o, "graph_sha256",
			    json_string(m && m->graph_sha256 ?
					m->graph_sha256 : ""));
	json_object_set_new(o, "catalog_date",
			    json_string(m && m->catalog_date ?
					m->catalog_date : ""));
	tci_format_date(f->e.opts.start, d, sizeof d);
	json_object_set_new(o, "start", json_string(d));
	json_object_set_new(o, "days", json_integer(f->e.opts.days));
	for (i = 0; i < f->e.opts.n_quantiles; i++)
		json_array_append_new(q, json_real(f->e.opts.quantiles[i]));
	json_object_set_new(o, "quantiles", q);
	json_object_set_new(o, "parameter_uncertainty",
			    json_boolean(!f->e.opts.no_parameter_uncertainty));
	json_object_set_new(o, "daily_quantile_trials",
			    json_integer((json_int_t)f->keep));
	json_object_set_new(o, "daily_mean_trials",
			    json_integer((json_int_t)(f->e.opts.daily ?
						      f->day_n : 0)));
	json_object_set_new(o, "cost_per_request_trials",
			    json_integer((json_int_t)f->unit_n));
	return o;
}

#define JSON_FLAGS (JSON_INDENT(1) | JSON_PRESERVE_ORDER | \
		    JSON_REAL_PRECISION(12))

/* Writes "key": value (value consumed); 0 on success. */
static int put_member(FILE *fp, const char *key, json_t *value, int last)
{
	int rc;

	if (!value)
		return -1;
	fprintf(fp, " \"%s\": ", key);
	rc = json_dumpf(value, fp, JSON_FLAGS | JSON_ENCODE_ANY);
	json_decref(value);
	fputs(last ? "\n" : ",\n", fp);
	return rc;
}

/*
 * The days, one object at a time: the whole tree of a long horizon's
 * daily statistics would hold tens of megabytes for nothing.
 */
static int put_days(const tc_forecast *f, const tc_forecast_meta *meta,
		    FILE *fp)
{
	size_t i, n = f->e.opts.daily && (!meta || meta->days_output)
			      ? (size_t)f->e.opts.days : 0;
	char label[16];
	int rc = 0;

	fputs(" \"days\": [", fp);
	for (i = 0; rc == 0 && i < n; i++) {
		json_t *d;

		tci_format_date(f->e.opts.start + (int64_t)i, label,
				sizeof label);
		d = period_json(f, TC_PERIOD_DAY, i, "date", label);
		fputs(i ? ",\n" : "\n", fp);
		rc = d ? json_dumpf(d, fp, JSON_FLAGS) : -1;
		json_decref(d);
	}
	fputs("],\n", fp);
	return rc;
}

tc_status tc_forecast_write_json(const tc_forecast *f,
				 const tc_forecast_meta *meta, FILE *fp,
				 tc_error *err)
{
	json_t *months = json_array(), *mo = meta_json(f, meta);
	void *bud = NULL, *con = NULL;
	char label[16];
	size_t i;
	int rc;

	for (i = 0; months && i < tc_forecast_month_count(f); i++) {
		tc_forecast_month_label(f, i, label, sizeof label);
		json_array_append_new(months, period_json(f, TC_PERIOD_MONTH,
							  i, "month", label));
	}
	fputs("{\n", fp);
	fc_budget_json(f, mo, &bud, &con);
	rc = put_member(fp, "meta", mo, 0);
	rc |= put_member(fp, "horizon",
			 period_json(f, TC_PERIOD_HORIZON, 0, NULL, NULL), 0);
	rc |= put_member(fp, "months", months, 0);
	rc |= put_days(f, meta, fp);
	rc |= put_member(fp, "unit_economics", units_json(f), 0);
	rc |= put_member(fp, "budgets", bud, 0);
	rc |= put_member(fp, "contract", con, 1);
	if (rc != 0 || fputs("}\n", fp) == EOF || ferror(fp))
		return tci_error(err, TC_ERR_IO, NULL, 0, NULL,
				 "cannot write the forecast");
	return TC_OK;
}

/* One row: period,class,metric,statistic,value (empty when undefined). */
static void csv_row(FILE *fp, const char *period, const char *cls,
		    const char *metric, const char *stat, double v)
{
	fprintf(fp, "%s,", period);
	tci_csv_field(fp, cls);
	fprintf(fp, ",%s,%s,", metric, stat);
	if (isfinite(v))
		fprintf(fp, "%.12g", v);
	fputc('\n', fp);
}

/* CSV rows of one statistic record. */
static void csv_stat(FILE *fp, const char *period, const char *cls,
		     const char *metric, const tc_stat *s)
{
	char key[40];
	size_t i;

	csv_row(fp, period, cls, metric, "mean", s->mean);
	csv_row(fp, period, cls, metric, "sd", s->sd);
	for (i = 0; i < s->n_quantiles; i++) {
		pct_key(s->percent[i], "p", key, sizeof key);
		csv_row(fp, period, cls, metric, key, s->quantile[i]);
		pct_key(s->percent[i], "mc_se_p", key, sizeof key);
		csv_row(fp, period, cls, metric, key, s->mc_se[i]);
	}
}

/* The CSV rows of one period. */
static void csv_period(const tc_forecast *f, FILE *fp, tc_period_kind k,
		       size_t i, const char *label)
{
	size_t c, n = tc_forecast_class_count(f);
	tc_stat s;
	int m;

	for (c = 0; c <= n; c++)
		for (m = 0; m < TC_M_COUNT; m++) {
			size_t ci = c < n ? c : TC_FORECAST_TOTAL;

			if (tc_forecast_stat(f, k, i, ci, m, &s) == TC_OK)
				csv_stat(fp, label, c < n ?
					 tc_forecast_class_name(f, c) : "total",
					 tc_metric_name(m), &s);
		}
}

tc_status tc_forecast_write_csv(const tc_forecast *f,
				const tc_forecast_meta *meta, FILE *fp,
				tc_error *err)
{
	char label[16];
	tc_stat a, b;
	size_t i;

	fprintf(fp, "period,class,metric,statistic,value\n");
	csv_period(f, fp, TC_PERIOD_HORIZON, 0, "horizon");
	for (i = 0; i < tc_forecast_month_count(f); i++) {
		tc_forecast_month_label(f, i, label, sizeof label);
		csv_period(f, fp, TC_PERIOD_MONTH, i, label);
	}
	for (i = 0; f->e.opts.daily && (!meta || meta->days_output) &&
		    i < (size_t)f->e.opts.days; i++) {
		tci_format_date(f->e.opts.start + (int64_t)i, label,
				sizeof label);
		csv_period(f, fp, TC_PERIOD_DAY, i, label);
	}
	for (i = 0; i < tc_forecast_kpi_count(f); i++) {
		tc_forecast_kpi_unit(f, i, &a, &b);
		csv_stat(fp, "horizon", tc_forecast_kpi_name(f, i),
			 "cost_per_unit", &a);
		csv_stat(fp, "horizon", tc_forecast_kpi_name(f, i),
			 "cost_per_unit_month", &b);
	}
	for (i = 0; i < tc_forecast_class_count(f); i++) {
		tc_forecast_cost_per_request(f, i, &a);
		csv_stat(fp, "horizon", tc_forecast_class_name(f, i),
			 "cost_per_request", &a);
	}
	if (ferror(fp))
		return tci_error(err, TC_ERR_IO, NULL, 0, NULL,
				 "cannot write the forecast");
	return TC_OK;
}
