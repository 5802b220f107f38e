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
	for (c = 0; c < tc_forecast_class_count(f) &&
		    (k != TC_PERIOD_DAY || !f->e.opts.daily_total_only); c++)
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
	json_object_set_new(o, "days_total_only",
			    json_boolean(f->e.opts.daily_total_only));
	json_object_set_new(o, "daily_mean_trials",
			    json_integer((json_int_t)(f->e.opts.daily ?
						      f->day_n : 0)));
	json_object_set_new(o, "cost_per_request_trials",
			    json_integer((json_int_t)f->unit_n));
	return o;
}

#define JSON_FLAGS (JSON_INDENT(1) | JSON_PRESERVE_ORDER | \
		    JSON_REAL_PRECISION(12))

/* jansson's dump callback into a tci_buf (stdio per piece is slow). */
static int buf_put(const char *s, size_t n, void *data)
{
	return tci_buf_add(data, s, n) == TC_OK ? 0 : -1;
}

/* Dumps value (consumed) into b; 0 on success. */
static int dump_into(tci_buf *b, json_t *value, size_t flags)
{
	int rc = value ? json_dump_callback(value, buf_put, b, flags) : -1;

	json_decref(value);
	return rc;
}

/* Writes "key": value (value consumed); 0 on success. */
static int put_member(FILE *fp, const char *key, json_t *value, int last)
{
	tci_buf b;
	int rc;

	tci_buf_init(&b);
	rc = dump_into(&b, value, JSON_FLAGS | JSON_ENCODE_ANY);
	if (rc == 0) {
		fprintf(fp, " \"%s\": ", key);
		fwrite(b.data, 1, b.len, fp);
		fputs(last ? "\n" : ",\n", fp);
	}
	tci_buf_free(&b);
	return rc;
}

/* Days dumped per round: bounds the text held at once. */
#define DAY_CHUNK 32

/* One round of days: threads dump days first + tid, + nt, ... */
typedef struct day_job {
	const tc_forecast *f;
	size_t first, n, tid, nt;
	tci_buf *out;		/* [DAY_CHUNK] */
	int rc;
} day_job;

static void *dump_days(void *arg)
{
	day_job *j = arg;
	size_t i;
	char label[16];

	for (i = j->tid; j->rc == 0 && i < j->n; i += j->nt) {
		size_t day = j->first + i;

		tci_format_date(j->f->e.opts.start + (int64_t)day, label,
				sizeof label);
		tci_buf_reset(&j->out[i]);
		j->rc = dump_into(&j->out[i], period_json(j->f, TC_PERIOD_DAY,
				  day, "date", label), JSON_FLAGS);
	}
	return NULL;
}

/* Dumps days [first, first + n) on the run's threads into out. */
static int dump_round(const tc_forecast *f, size_t first, size_t n,
		      tci_buf *out)
{
	size_t nt = f->e.opts.threads, i;
	day_job job[FC_MAX_JOBS];
	int rc = 0;

	for (i = 0; i < nt; i++)
		job[i] = (day_job){f, first, n, i, nt, out, 0};
	fc_run_jobs(dump_days, job, sizeof *job, nt);
	for (i = 0; i < nt; i++)
		rc |= job[i].rc;
	return rc;
}

/*
 * The days, a round of objects at a time: the whole tree of a long
 * horizon's daily statistics would hold tens of megabytes for nothing.
 * Each day's text is the same whichever thread made it.
 */
static int put_days(const tc_forecast *f, const tc_forecast_meta *meta,
		    FILE *fp)
{
	size_t i, k, n = f->e.opts.daily && (!meta || meta->days_output)
				 ? (size_t)f->e.opts.days : 0;
	tci_buf out[DAY_CHUNK];
	int rc = 0;

	for (k = 0; k < DAY_CHUNK; k++)
		tci_buf_init(&out[k]);
	fputs(" \"days\": [", fp);
	for (i = 0; rc == 0 && i < n; i += DAY_CHUNK) {
		size_t m = n - i < DAY_CHUNK ? n - i : DAY_CHUNK;

		rc = dump_round(f, i, m, out);
		for (k = 0; rc == 0 && k < m; k++) {
			fputs(i + k ? ",\n" : "\n", fp);
			fwrite(out[k].data, 1, out[k].len, fp);
		}
	}
	fputs("],\n", fp);
	for (k = 0; k < DAY_CHUNK; k++)
		tci_buf_free(&out[k]);
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
