/*
 * summary.c - statistics of a forecast from what the passes kept, and
 * the read access of the public API.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "fc.h"
#include "tci.h"

#define MONTH_DAYS 30.4375

size_t fc_stat_index(const tc_forecast *f, tc_period_kind k, size_t i,
		     size_t c, tc_metric m)
{
	size_t C1 = f->e.n_classes + 1, p = 0;

	if (k == TC_PERIOD_MONTH)
		p = 1 + i;
	else if (k == TC_PERIOD_DAY)
		p = 1 + (size_t)f->e.n_months + i;
	return (p * C1 + c) * TC_M_COUNT + m;
}

/* Horizon and months of one pass metric, exact from the kept values. */
static void summarise_periods(tc_forecast *f, size_t k, size_t c,
			      double *col, uint64_t *keys)
{
	const eng *e = &f->e;
	size_t C1 = e->n_classes + 1, T = f->trials, nm = e->n_months;
	size_t mi, t;
	tc_metric m = f->pass[k];
	const double *pct = e->opts.quantiles;
	size_t nq = e->opts.n_quantiles;

	estat s;

	for (mi = 0; mi < nm; mi++) {
		estat_float_column(&f->mstore[((k * nm + mi) * C1 + c) * T], T,
				   pct, nq, keys, &s);
		fc_stat_put(f, fc_stat_index(f, TC_PERIOD_MONTH, mi, c, m), &s);
	}
	for (t = 0; t < T; t++) {
		col[t] = 0;
		for (mi = 0; mi < nm; mi++)
			col[t] += f->mstore[((k * nm + mi) * C1 + c) * T + t];
	}
	estat_column(col, T, pct, nq, &s);
	fc_stat_put(f, fc_stat_index(f, TC_PERIOD_HORIZON, 0, c, m), &s);
}

/*
 * Days summarised per gather: a kept trial holds a day's columns side by
 * side and its next days after them, so gathering several days at once
 * reads longer runs of each trial's row (at most DAY_GROUP_BYTES of
 * columns at a time).
 */
#define DAY_GROUP_MAX 8
#define DAY_GROUP_BYTES ((size_t)2 << 20)

/* The days gathered at once, for kept trials of (classes + 1) columns. */
static size_t day_group(const tc_forecast *f)
{
	size_t one = f->keep * (f->e.n_classes + 1) * sizeof(float) + 1;
	size_t g = DAY_GROUP_BYTES / one;

	return g < 1 ? 1 : g > DAY_GROUP_MAX ? DAY_GROUP_MAX : g;
}

/* One gathered day's statistics, every class and the total. */
static void summarise_day(tc_forecast *f, size_t k, int d, float *col,
			  uint64_t *keys)
{
	const eng *e = &f->e;
	size_t C1 = e->n_classes + 1, T = f->day_n, n = f->keep, c;
	size_t c0 = e->opts.daily_total_only ? C1 - 1 : 0;
	tc_metric m = f->pass[k];

	for (c = c0; c < C1; c++) {
		size_t si = (((size_t)d * C1 + c) * TC_M_COUNT + m) * 2;
		double mean = f->dsum[si] / (double)T;
		double var = (f->dsum[si + 1] - mean * f->dsum[si]) /
			     (double)(T > 1 ? T - 1 : 1);
		estat s;

		estat_float_quantiles(&col[c * n], n, e->opts.quantiles,
				      e->opts.n_quantiles, keys, &s);
		s.mean = mean;
		s.sd = sqrt(fmax(0, var));
		fc_stat_put(f, fc_stat_index(f, TC_PERIOD_DAY, d, c, m), &s);
	}
}

/*
 * Days d .. d + g - 1 of one pass metric: quantiles from the kept
 * trials, mean and sd from the sums over every trial drawn day by day.
 * col holds g x (classes + 1) x kept floats, keys twice kept keys.
 */
static void summarise_days(tc_forecast *f, size_t k, int d, size_t g,
			   float *col, uint64_t *keys)
{
	const eng *e = &f->e;
	size_t C1 = e->n_classes + 1, t, n = f->keep, c, i, dc = C1 * n;
	size_t w = f->dcols, row = f->n_pass * (size_t)e->opts.days * w;
	const float *v = &f->dstore[(k * (size_t)e->opts.days + (size_t)d) *
				    w];
	float *dst = col + f->dc0 * n;

	/* Column c of the day lands at c x n, as summarise_day reads. */
	for (t = 0; t < n; t++)
		for (i = 0; i < g; i++)
			for (c = 0; c < w; c++)
				dst[i * dc + c * n + t] =
					v[t * row + i * w + c];
	for (i = 0; i < g; i++)
		summarise_day(f, k, d + (int)i, &col[i * dc], keys);
}

/*
 * The columns are items taken from a shared counter, so that a thread
 * that finishes early takes the next instead of idling (a fixed share
 * each left one thread summarising alone for a tenth of a run): each
 * pass's classes of the horizon and months, then its groups of days.
 */
typedef struct sum_queue {
	tc_forecast *f;
	atomic_size_t next;
	size_t per_pass, groups;
} sum_queue;

typedef struct sum_job {
	sum_queue *q;
	double *col;
	float *dcol;		/* a group of days' columns */
	uint64_t *keys;
} sum_job;

static void *summarise_some(void *arg)
{
	sum_job *j = arg;
	sum_queue *q = j->q;
	tc_forecast *f = q->f;
	size_t g = day_group(f), days = (size_t)f->e.opts.days;
	size_t C1 = f->e.n_classes + 1;

	for (;;) {
		size_t i = atomic_fetch_add(&q->next, 1);
		size_t k = i / q->per_pass, x = i % q->per_pass, d;

		if (k >= f->n_pass)
			break;
		if (x < C1) {
			summarise_periods(f, k, x, j->col, j->keys);
			continue;
		}
		d = (x - C1) * g;
		summarise_days(f, k, (int)d, d + g < days ? g : days - d,
			       j->dcol, j->keys);
	}
	return NULL;
}

tc_status fc_summarise_pass(tc_forecast *f)
{
	size_t nt = f->e.opts.threads, i;
	size_t day = day_group(f) * f->keep * (f->e.n_classes + 1);
	size_t days = (size_t)f->e.opts.days, g = day_group(f);
	sum_job job[FC_MAX_JOBS];
	sum_queue q;
	tc_status st = TC_OK;

	q.f = f;
	atomic_init(&q.next, 0);
	q.groups = f->e.opts.daily ? (days + g - 1) / g : 0;
	q.per_pass = f->e.n_classes + 1 + q.groups;

	/* Each column is summarised alone: threads change no number. */
	for (i = 0; i < nt; i++) {
		job[i] = (sum_job){&q,
			malloc(f->trials * sizeof(double)),
			malloc((day + 1) * sizeof(float)),
			malloc((2 * (f->keep > f->trials ? f->keep : f->trials)
				+ 1) * sizeof(uint64_t))};
		if (!job[i].col || !job[i].dcol || !job[i].keys)
			st = TC_ERR_NOMEM;
	}
	if (st == TC_OK)
		fc_run_jobs(summarise_some, job, sizeof *job, nt);
	for (i = 0; i < nt; i++) {
		free(job[i].col);
		free(job[i].dcol);
		free(job[i].keys);
	}
	return st;
}

tc_status fc_summarise_units(tc_forecast *f)
{
	const eng *e = &f->e;
	size_t T = f->trials, k, t, n, c;
	double *col = malloc((T + 1) * sizeof *col);
	double months = e->opts.days / MONTH_DAYS;

	f->kpi_unit = calloc(2 * (e->n_kpis + 1), sizeof *f->kpi_unit);
	f->req_unit = calloc(e->n_classes + 1, sizeof *f->req_unit);
	if (!col || !f->kpi_unit || !f->req_unit) {
		free(col);
		return TC_ERR_NOMEM;
	}
	for (k = 0; k < e->n_kpis; k++) {
		const double *ks = &f->kpi_sums[k * T];

		for (t = n = 0; t < T; t++)
			if (ks[t] > 0)
				col[n++] = f->total_cost[t] / ks[t];
		estat_column(col, n, e->opts.quantiles, e->opts.n_quantiles,
			     &f->kpi_unit[2 * k]);
		for (t = n = 0; t < T; t++)
			if (ks[t] > 0)
				col[n++] = f->total_cost[t] /
					   (ks[t] / e->opts.days) / months;
		estat_column(col, n, e->opts.quantiles, e->opts.n_quantiles,
			     &f->kpi_unit[2 * k + 1]);
	}
	for (c = 0; c < e->n_classes; c++) {
		const float *pr = &f->per_request[c * f->unit_n];

		for (t = n = 0; t < f->unit_n; t++)
			if (!isnan(pr[t]))
				col[n++] = pr[t];
		estat_column(col, n, e->opts.quantiles, e->opts.n_quantiles,
			     &f->req_unit[c]);
	}
	free(col);
	return TC_OK;
}

void fc_stat_put(tc_forecast *f, size_t index, const estat *s)
{
	size_t nq = f->e.opts.n_quantiles, i;
	double *d = &f->stats[index * FC_STAT_LEN(nq)];

	d[0] = s->mean;
	d[1] = s->sd;
	for (i = 0; i < nq; i++) {
		d[2 + i] = s->q[i];
		d[2 + nq + i] = s->se[i];
	}
}

/* Copies an estat into the public record. */
static void to_stat(const tc_forecast *f, const estat *s, tc_stat *out)
{
	size_t i;

	out->mean = s->mean;
	out->sd = s->sd;
	out->n_quantiles = f->e.opts.n_quantiles;
	out->percent = f->e.opts.quantiles;
	for (i = 0; i < out->n_quantiles; i++) {
		out->quantile[i] = s->q[i];
		out->mc_se[i] = s->se[i];
	}
}

/* The public record of stored statistic index. */
static void stored_stat(const tc_forecast *f, size_t index, tc_stat *out)
{
	size_t nq = f->e.opts.n_quantiles, i;
	const double *d = &f->stats[index * FC_STAT_LEN(nq)];

	out->mean = d[0];
	out->sd = d[1];
	out->n_quantiles = nq;
	out->percent = f->e.opts.quantiles;
	for (i = 0; i < nq; i++) {
		out->quantile[i] = d[2 + i];
		out->mc_se[i] = d[2 + nq + i];
	}
}

tc_status tc_forecast_stat(const tc_forecast *f, tc_period_kind k,
			   size_t i, size_t c, tc_metric m, tc_stat *out)
{
	size_t C = f->e.n_classes;

	if (c == TC_FORECAST_TOTAL)
		c = C;
	if (c > C || (unsigned)m >= TC_M_COUNT ||
	    (k == TC_PERIOD_HORIZON && i != 0) ||
	    (k == TC_PERIOD_MONTH && i >= (size_t)f->e.n_months) ||
	    (k == TC_PERIOD_DAY && i >= (size_t)f->e.opts.days) ||
	    k > TC_PERIOD_DAY)
		return TC_ERR_ARG;
	if (k == TC_PERIOD_DAY && (!f->e.opts.daily ||
				   (f->e.opts.daily_total_only && c < C)))
		return TC_ERR_NOT_FOUND;
	stored_stat(f, fc_stat_index(f, k, i, c, m), out);
	return TC_OK;
}

tc_status tc_forecast_trial_value(const tc_forecast *f, size_t trial,
				  size_t c, tc_metric m, double *out)
{
	size_t C1 = f->e.n_classes + 1, nm = f->e.n_months, k, mi;

	if (c == TC_FORECAST_TOTAL)
		c = C1 - 1;
	if (trial >= f->trials || c >= C1 || (unsigned)m >= TC_M_COUNT)
		return TC_ERR_ARG;
	for (k = 0; k < f->n_pass && f->pass[k] != m; k++)
		;
	if (k == f->n_pass)
		return TC_ERR_NOT_FOUND;
	*out = 0;
	for (mi = 0; mi < nm; mi++)
		*out += f->mstore[((k * nm + mi) * C1 + c) * f->trials +
				  trial];
	return TC_OK;
}

size_t tc_forecast_class_count(const tc_forecast *f)
{
	return f->e.n_classes;
}

const char *tc_forecast_class_name(const tc_forecast *f, size_t c)
{
	return c < f->e.n_classes ? f->e.cls[c].name : NULL;
}

size_t tc_forecast_month_count(const tc_forecast *f)
{
	return (size_t)f->e.n_months;
}

void tc_forecast_month_label(const tc_forecast *f, size_t i, char *buf,
			     size_t size)
{
	char d[16];

	if (i >= (size_t)f->e.n_months) {
		if (size)
			buf[0] = 0;
		return;
	}
	tci_format_date(f->e.month_first[i], d, sizeof d);
	d[7] = 0;
	tci_strlcpy(buf, d, size);
}

int tc_forecast_days(const tc_forecast *f)
{
	return f->e.opts.days;
}

int64_t tc_forecast_start(const tc_forecast *f)
{
	return f->e.opts.start;
}

size_t tc_forecast_trials(const tc_forecast *f)
{
	return f->trials;
}

uint64_t tc_forecast_seed(const tc_forecast *f)
{
	return f->e.opts.seed;
}

size_t tc_forecast_kpi_count(const tc_forecast *f)
{
	return f->e.n_kpis;
}

const char *tc_forecast_kpi_name(const tc_forecast *f, size_t k)
{
	return k < f->e.n_kpis ? tc_kg_node_id(f->e.kg, f->e.kpi_node[k])
			       : NULL;
}

tc_status tc_forecast_kpi_unit(const tc_forecast *f, size_t k,
			       tc_stat *per_unit, tc_stat *per_unit_month)
{
	if (k >= f->e.n_kpis)
		return TC_ERR_ARG;
	if (per_unit)
		to_stat(f, &f->kpi_unit[2 * k], per_unit);
	if (per_unit_month)
		to_stat(f, &f->kpi_unit[2 * k + 1], per_unit_month);
	return TC_OK;
}

tc_status tc_forecast_cost_per_request(const tc_forecast *f, size_t c,
				       tc_stat *out)
{
	if (c >= f->e.n_classes)
		return TC_ERR_ARG;
	to_stat(f, &f->req_unit[c], out);
	return TC_OK;
}
