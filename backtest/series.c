/*
 * series.c - request-count series: aggregated counts per time bucket
 * read from CSV and summed into daily totals, with missing buckets
 * scaled by the daily profile or the day left missing (docs/series.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tokcast/backtest.h"
#include "tokcast/usage.h"
#include "tci.h"

#define US_PER_DAY 86400000000LL
#define MAX_LINE 4096
#define MAX_ROWS 10000000u
#define MAX_SPAN_DAYS 100000

void tc_series_opts_init(tc_series_opts *o)
{
	memset(o, 0, sizeof *o);
	o->bucket_us = 3600000000LL;
	o->min_observed = 0.5;
}

void tc_daily_free(tc_daily *d)
{
	if (!d)
		return;
	free(d->count);
	free(d->observed);
	memset(d, 0, sizeof *d);
}

/* Floor division of a by b > 0. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b < 0) ? q - 1 : q;
}

/*
 * The mean share of each bucket of the day over the complete days, into
 * prof[per_day]; uniform when no day is complete.
 */
static void day_profile(const double *x, size_t ndays, unsigned per_day,
			double *prof)
{
	size_t d, full = 0;
	unsigned s;
	double sum;

	for (s = 0; s < per_day; s++)
		prof[s] = 0;
	for (d = 0; d < ndays; d++) {
		const double *row = x + d * per_day;

		sum = 0;
		for (s = 0; s < per_day && !isnan(row[s]); s++)
			sum += row[s];
		if (s < per_day || sum <= 0)
			continue;
		for (s = 0; s < per_day; s++)
			prof[s] += row[s] / sum;
		full++;
	}
	for (s = 0; s < per_day; s++)
		prof[s] = full ? prof[s] / (double)full : 1.0 / per_day;
}

/* One day's total from its buckets and the profile (NAN: missing). */
static double day_total(const double *row, unsigned per_day,
			const double *prof, double min_observed,
			unsigned *observed)
{
	double sum = 0, share = 0;
	unsigned s;

	*observed = 0;
	for (s = 0; s < per_day; s++) {
		if (isnan(row[s]))
			continue;
		sum += row[s];
		share += prof[s];
		(*observed)++;
	}
	if (*observed == per_day)
		return sum;
	if (*observed == 0 || share < min_observed || share <= 0)
		return NAN;
	return round(sum / share);
}

/* Checks the counts and lays them out day by day (NAN for missing). */
static tc_status lay_out(const double *counts, size_t n, int64_t first,
			 unsigned per_day, double **grid, size_t *ndays,
			 int64_t *first_day, tc_daily *out, tc_error *err)
{
	int64_t d0 = floor_div(first, per_day);
	int64_t d1 = floor_div(first + (int64_t)n - 1, per_day);
	size_t i, cells;

	for (i = 0; i < n; i++)
		if (counts[i] < 0 || isinf(counts[i]))
			return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
					 "bucket %zu: count %g is not a "
					 "non-negative number", i, counts[i]);
	if (d1 - d0 + 1 > MAX_SPAN_DAYS)
		return tci_error(err, TC_ERR_LIMIT, NULL, 0, NULL,
				 "the series spans more than %d days",
				 MAX_SPAN_DAYS);
	*ndays = (size_t)(d1 - d0 + 1);
	*first_day = d0;
	cells = *ndays * per_day;
	*grid = malloc(cells * sizeof **grid);
	if (!*grid)
		return tci_error(err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	for (i = 0; i < cells; i++)
		(*grid)[i] = NAN;
	for (i = 0; i < n; i++) {
		size_t at = (size_t)(first - d0 * per_day) + i;
		double v = round(counts[i]);

		if (isnan(counts[i]) || v == 0)
			continue;
		(*grid)[at] = v;
	}
	for (i = 0; i < cells; i++)
		out->gaps += isnan((*grid)[i]);
	return TC_OK;
}

tc_status tc_series_aggregate(const double *counts, size_t n,
			      int64_t first_bucket, int64_t bucket_us,
			      double min_observed, tc_daily *out,
			      tc_error *err)
{
	double *grid = NULL, *prof = NULL;
	unsigned per_day;
	size_t d;
	tc_status st;

	if (!counts || !out || bucket_us <= 0 || bucket_us > US_PER_DAY ||
	    US_PER_DAY % bucket_us)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no counts, or a bucket that does not "
				 "divide a day");
	memset(out, 0, sizeof *out);
	if (n == 0)
		return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
				 "an empty series");
	per_day = (unsigned)(US_PER_DAY / bucket_us);
	st = lay_out(counts, n, first_bucket, per_day, &grid, &out->ndays,
		     &out->first_day, out, err);
	if (st != TC_OK)
		goto fail;
	prof = malloc(per_day * sizeof *prof);
	out->count = malloc(out->ndays * sizeof *out->count);
	out->observed = malloc(out->ndays * sizeof *out->observed);
	if (!prof || !out->count || !out->observed) {
		st = tci_error(err, TC_ERR_NOMEM, NULL, 0, NULL,
			       "out of memory");
		goto fail;
	}

	day_profile(grid, out->ndays, per_day, prof);
	for (d = 0; d < out->ndays; d++) {
		out->count[d] = day_total(grid + d * per_day, per_day, prof,
					  min_observed, &out->observed[d]);
		out->missing += isnan(out->count[d]);
		out->scaled += !isnan(out->count[d]) &&
			       out->observed[d] < per_day;
	}
	out->per_day = per_day;
	out->rows = n;
	free(grid);
	free(prof);
	return TC_OK;
fail:
	free(grid);
	free(prof);
	tc_daily_free(out);
	return st;
}

/* The fields of a CSV line split at commas in place (no quoting). */
static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	line[strcspn(line, "\r\n")] = 0;
	while (n < max) {
		f[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = 0;
	}
	return n;
}

/* The index of the column named name, or def when name is NULL. */
static int find_col(char **f, size_t n, const char *name, int def)
{
	size_t i;

	if (!name)
		return (size_t)def < n ? def : -1;
	for (i = 0; i < n; i++)
		if (strcmp(f[i], name) == 0)
			return (int)i;
	return -1;
}

/* The parse state of tc_series_read. */
struct rd {
	const char *path;
	const tc_series_opts *o;
	int tcol, ccol;
	double *v;
	size_t n, cap;
	int64_t first, next;	/* first bucket, the one expected next */
};

/* A row's bucket number from its time field. */
static tc_status row_bucket(struct rd *r, const char *s, long line,
			    int64_t *b, tc_error *err)
{
	double x;
	int64_t us;

	if (tci_parse_double(s, strlen(s), 0, &x) == TC_OK) {
		if (x != floor(x) || fabs(x) > 1e12)
			return tci_error(err, TC_ERR_PARSE, r->path, line,
					 NULL, "time '%s': expected a whole "
					 "number of buckets", s);
		*b = (int64_t)x + floor_div(r->o->origin_us, r->o->bucket_us);
		return TC_OK;
	}
	if (tc_usage_parse_time(s, TC_UNIT_S, &us) != TC_OK)
		return tci_error(err, TC_ERR_PARSE, r->path, line, NULL,
				 "time '%s': expected a bucket number or an "
				 "ISO 8601 date-time", s);
	*b = floor_div(us, r->o->bucket_us);
	return TC_OK;
}

/* Appends a count at bucket b, NAN-filling skipped buckets. */
static tc_status push(struct rd *r, int64_t b, double c, long line,
		      tc_error *err)
{
	if (r->n && b < r->next)
		return tci_error(err, TC_ERR_PARSE, r->path, line, NULL,
				 "bucket %lld repeats or goes back in time",
				 (long long)(b - r->first));
	if (!r->n)
		r->first = r->next = b;
	if (b - r->first >= (int64_t)MAX_ROWS)
		return tci_error(err, TC_ERR_LIMIT, r->path, line, NULL,
				 "more than %u buckets", MAX_ROWS);
	while (r->next <= b) {
		if (r->n == r->cap) {
			size_t nc = r->cap ? 2 * r->cap : 1024;
			double *nv = realloc(r->v, nc * sizeof *nv);

			if (!nv)
				return tci_error(err, TC_ERR_NOMEM, NULL, 0,
						 NULL, "out of memory");
			r->v = nv;
			r->cap = nc;
		}
		r->v[r->n++] = r->next == b ? c : NAN;
		r->next++;
	}
	return TC_OK;
}

/* Parses one data row. */
static tc_status read_row(struct rd *r, char *buf, long line, tc_error *err)
{
	char *f[64];
	size_t nf = split(buf, f, 64);
	int64_t b = 0;
	double c;
	tc_status st;

	if (nf == 1 && tci_is_blank(f[0], strlen(f[0])))
		return TC_OK;
	if ((size_t)r->tcol >= nf || (size_t)r->ccol >= nf)
		return tci_error(err, TC_ERR_PARSE, r->path, line, NULL,
				 "%zu field(s): expected at least %d", nf,
				 (r->tcol > r->ccol ? r->tcol : r->ccol) + 1);
	st = row_bucket(r, f[r->tcol], line, &b, err);
	if (st != TC_OK)
		return st;
	if (tci_parse_double(f[r->ccol], strlen(f[r->ccol]), 0, &c) !=
	    TC_OK || c < 0)
		return tci_error(err, TC_ERR_PARSE, r->path, line, NULL,
				 "count '%s': expected a non-negative number",
				 f[r->ccol]);
	return push(r, b, c, line, err);
}

/* Reads the header and the rows. */
static tc_status read_lines(FILE *fp, struct rd *r, tc_error *err)
{
	char buf[MAX_LINE + 2], *f[64];
	long line = 0;
	size_t nf;
	tc_status st;

	while (fgets(buf, sizeof buf, fp)) {
		line++;
		if (strlen(buf) > MAX_LINE)
			return tci_error(err, TC_ERR_LIMIT, r->path, line,
					 NULL, "line longer than %d bytes",
					 MAX_LINE);
		if (line > 1) {
			st = read_row(r, buf, line, err);
			if (st != TC_OK)
				return st;
			continue;
		}
		nf = split(buf, f, 64);
		r->tcol = find_col(f, nf, r->o->time_col, 0);
		r->ccol = find_col(f, nf, r->o->count_col, 1);
		if (r->tcol < 0 || r->ccol < 0)
			return tci_error(err, TC_ERR_PARSE, r->path, 1, NULL,
					 "header: no column '%s'",
					 r->tcol < 0 ? (r->o->time_col ?
					 r->o->time_col : "1") :
					 (r->o->count_col ? r->o->count_col :
					 "2"));
	}
	if (ferror(fp))
		return tci_error(err, TC_ERR_IO, r->path, line, NULL,
				 "read error");
	if (!r->n)
		return tci_error(err, TC_ERR_PARSE, r->path, line, NULL,
				 "no rows after the header");
	return TC_OK;
}

tc_status tc_series_read(const char *path, const tc_series_opts *o,
			 tc_daily *out, tc_error *err)
{
	tc_series_opts def;
	struct rd r = { 0 };
	FILE *fp;
	tc_status st;

	if (!path || !out)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no path or no result");
	memset(out, 0, sizeof *out);
	if (!o) {
		tc_series_opts_init(&def);
		o = &def;
	}
	if (o->bucket_us <= 0 || US_PER_DAY % o->bucket_us)
		return tci_error(err, TC_ERR_ARG, path, 0, NULL,
				 "the bucket must divide a day");
	fp = fopen(path, "r");
	if (!fp)
		return tci_error(err, TC_ERR_IO, path, 0, NULL,
				 "cannot open");
	r.path = path;
	r.o = o;
	st = read_lines(fp, &r, err);
	fclose(fp);
	if (st == TC_OK)
		st = tc_series_aggregate(r.v, r.n, r.first, o->bucket_us,
					 o->min_observed, out, err);
	free(r.v);
	return st;
}

/* Adds each request's weight to its day (first and last: NAN). */
static void sum_days(const int64_t *t, const double *w, size_t n,
		     tc_daily *d)
{
	size_t i;

	for (i = 0; i < d->ndays; i++) {
		d->count[i] = 0;
		d->observed[i] = 1;
	}
	for (i = 0; i < n; i++)
		d->count[floor_div(t[i], US_PER_DAY) - d->first_day] +=
			w ? w[i] : 1;
	d->count[0] = d->count[d->ndays - 1] = NAN;
	d->observed[0] = d->observed[d->ndays - 1] = 0;
	d->missing = d->ndays > 1 ? 2 : 1;
	d->per_day = 1;
	d->rows = n;
}

tc_status tc_daily_from_times(const int64_t *time_us, const double *weight,
			      size_t n, tc_daily *out, tc_error *err)
{
	int64_t d0, d1, d;
	size_t i;

	if (!time_us || !out)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no times or no result");
	memset(out, 0, sizeof *out);
	if (n == 0)
		return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
				 "no requests");
	d0 = d1 = floor_div(time_us[0], US_PER_DAY);
	for (i = 0; i < n; i++) {
		d = floor_div(time_us[i], US_PER_DAY);
		d0 = d < d0 ? d : d0;
		d1 = d > d1 ? d : d1;
		if (weight && !isfinite(weight[i]))
			return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
					 "request %zu: weight %g", i,
					 weight[i]);
	}
	if (d1 - d0 + 1 > MAX_SPAN_DAYS)
		return tci_error(err, TC_ERR_LIMIT, NULL, 0, NULL,
				 "the requests span more than %d days",
				 MAX_SPAN_DAYS);
	out->first_day = d0;
	out->ndays = (size_t)(d1 - d0 + 1);
	out->count = malloc(out->ndays * sizeof *out->count);
	out->observed = malloc(out->ndays * sizeof *out->observed);
	if (!out->count || !out->observed) {
		tc_daily_free(out);
		return tci_error(err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	}
	sum_days(time_us, weight, n, out);
	return TC_OK;
}
