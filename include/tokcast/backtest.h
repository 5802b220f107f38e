/*
 * tokcast/backtest.h - request-count series and rolling-origin backtests
 * of the engine's intervals (docs/backtest.md).
 *
 * A count series is aggregated data: each row gives how many requests
 * fell into one time bucket (an hour, say), not one request. The reader
 * turns it into daily totals with missing buckets handled explicitly. A
 * backtest refits the daily volume at each origin from the history before
 * it, forecasts the next days with the engine and scores the forecast's
 * quantiles against what the series then shows.
 */
#ifndef TOKCAST_BACKTEST_H
#define TOKCAST_BACKTEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "tokcast/status.h"
#include "tokcast/graph.h"
#include "tokcast/pricing.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Count series ------------------------------------------------- */

/* How a count series is read; tc_series_opts_init sets the defaults. */
typedef struct tc_series_opts {
	const char *time_col;	/* header name; NULL: the first column */
	const char *count_col;	/* header name; NULL: the second column */
	int64_t bucket_us;	/* a row's bucket and the unit of numeric
				   times; default one hour; must divide a
				   day */
	int64_t origin_us;	/* time 0 of numeric times (microseconds
				   since 1970); default 0, 1970-01-01 */
	double min_observed;	/* a day whose observed buckets hold less
				   than this share of the typical daily
				   profile is missing; default 0.5 */
} tc_series_opts;

void tc_series_opts_init(tc_series_opts *o);

/* Daily totals of a count series. */
typedef struct tc_daily {
	int64_t first_day;	/* days since 1970-01-01 */
	size_t ndays;
	double *count;		/* per day; NAN when the day is missing */
	unsigned *observed;	/* buckets observed per day */
	unsigned per_day;	/* buckets in a day */
	size_t rows;		/* buckets from the first row to the last */
	size_t gaps;		/* buckets with 0 or absent, inside the span */
	size_t scaled;		/* days scaled up from a partial day */
	size_t missing;		/* days missing */
} tc_daily;

/*
 * Aggregates n bucket counts (counts[i] for bucket first_bucket + i,
 * buckets of bucket_us since 1970; NAN or 0 = missing) into daily
 * totals: a complete day is its sum; a partial day is its observed sum
 * divided by the observed buckets' share of the mean profile of the
 * complete days (uniform when no day is complete), or missing when that
 * share is below min_observed. Counts are rounded to whole requests.
 * Returns TC_OK, TC_ERR_ARG (NULL pointers, a bucket that does not
 * divide a day), TC_ERR_INVALID (n == 0, a negative or infinite count),
 * TC_ERR_NOMEM. Free with tc_daily_free.
 */
tc_status tc_series_aggregate(const double *counts, size_t n,
			      int64_t first_bucket, int64_t bucket_us,
			      double min_observed, tc_daily *out,
			      tc_error *err);

/*
 * Reads a CSV count series (docs/series.md): a header naming the
 * columns, then rows of time and count. A time is a number of buckets
 * after origin_us, or an ISO 8601 date-time. Returns TC_OK, TC_ERR_IO,
 * TC_ERR_PARSE (err names file, line and what was expected: a missing
 * column, a malformed number, a duplicate or unordered bucket),
 * TC_ERR_INVALID (as tc_series_aggregate), TC_ERR_LIMIT (a line over
 * 4096 bytes, more than 10 million rows or a span over 100,000 days),
 * TC_ERR_NOMEM.
 */
tc_status tc_series_read(const char *path, const tc_series_opts *o,
			 tc_daily *out, tc_error *err);

/*
 * Daily sums from n requests (microseconds since 1970, any order), as a
 * per-request usage log gives them: each request adds weight[i] (1 when
 * weight is NULL: request counts) to its UTC day; every day from the
 * first request's to the last's is present, a day without requests
 * counting 0; the first and last days are partial, so they are missing
 * (NAN). Returns TC_OK, TC_ERR_ARG, TC_ERR_INVALID (n == 0, a weight not
 * finite), TC_ERR_LIMIT (a span over 100,000 days), TC_ERR_NOMEM.
 */
tc_status tc_daily_from_times(const int64_t *time_us, const double *weight,
			      size_t n, tc_daily *out, tc_error *err);

/* Frees what a tc_daily holds. Accepts NULL. */
void tc_daily_free(tc_daily *d);

/* ---- Backtests ---------------------------------------------------- */

/* The quantile levels every forecast is scored at, in percent. */
#define TC_BT_NLEVELS 23
extern const double tc_bt_levels[TC_BT_NLEVELS];

/* The central intervals scored: 50%, 80% and 95%. */
#define TC_BT_NINTERVALS 3
extern const double tc_bt_intervals[TC_BT_NINTERVALS];

/* Pinball losses are reported at these levels (percent). */
#define TC_BT_NPINBALL 7
extern const double tc_bt_pinball_levels[TC_BT_NPINBALL];

#define TC_BT_PIT_BINS 10

typedef enum tc_bt_metric {
	TC_BT_REQUESTS = 0,
	TC_BT_COST
} tc_bt_metric;

/* Options of a backtest; tc_backtest_opts_init sets the defaults. */
typedef struct tc_backtest_opts {
	int horizon;		/* days forecast, default 28 */
	int step;		/* days between origins, default 7 */
	int windows;		/* origins, 0 (default): as many as fit */
	int min_history;	/* days of history at least, default 3 */
	size_t trials;		/* engine trials, default 2,000 */
	uint64_t seed;		/* default 1; origin k uses seed + k */
	int no_parameter_uncertainty;
	tc_bt_metric metric;	/* default requests */
} tc_backtest_opts;

void tc_backtest_opts_init(tc_backtest_opts *o);

/* The requests of a usage log, for TC_BT_COST. */
typedef struct tc_bt_requests {
	size_t n;
	const int64_t *time_us;
	const double *input;	/* all input tokens of each request */
	const double *output;	/* output tokens of each request */
	const tc_daily *cost;	/* the log priced, USD per day */
} tc_bt_requests;

/* One class's observed daily series. */
typedef struct tc_bt_input {
	const char *cls;	/* the class node's id in the graph */
	const tc_daily *daily;	/* requests per day */
	const tc_bt_requests *req;	/* TC_BT_COST only, else NULL */
} tc_bt_input;

/* One scored forecast: an origin, a class, a lead day or the horizon. */
typedef struct tc_bt_record {
	int64_t origin;		/* first forecast day */
	size_t cls;		/* input index; nin for the total */
	int lead;		/* 1 .. horizon; 0 for the horizon sum */
	double actual;
	double q[TC_BT_NLEVELS];	/* forecast quantiles */
	double pit;		/* the forecast CDF at the actual */
} tc_bt_record;

/* Scores over records of one class and lead. */
typedef struct tc_bt_summary {
	size_t n;
	double coverage[TC_BT_NINTERVALS];	/* share inside */
	double coverage_se[TC_BT_NINTERVALS];	/* binomial SE at nominal */
	double width_rel[TC_BT_NINTERVALS];	/* mean width / actual */
	double pinball[TC_BT_NPINBALL];		/* mean pinball loss */
	double crps, crps_rel;	/* mean CRPS, and of CRPS / actual */
	double mape, bias;	/* of the median, relative to the actual */
	size_t pit_hist[TC_BT_PIT_BINS];
	double pit_chi2, pit_p;	/* chi-square vs uniform, 9 df */
} tc_bt_summary;

typedef struct tc_backtest tc_backtest;

/*
 * Runs a rolling-origin backtest of the classes in (the graph g holds
 * each as a class node with model and token sizes; the backtest sets
 * their volume attributes and the graph's as_of at each origin, so g is
 * modified). Origins run back from the last whole horizon by step days
 * while the history before them has min_history days. At each origin
 * each class's daily volume is fitted (tc_fit_volume_daily) on the
 * longest run of days without a missing day ending the day before, the
 * engine forecasts horizon days, and every lead day and the horizon sum
 * whose actual days are all present are scored. The total is scored
 * when every class of the graph is an input and there are two or more.
 * With TC_BT_COST each input needs req: at every origin the input and
 * output token counts of the history's requests are fitted too
 * (tc_fit_counts, written with their uncertainty), and the forecast's
 * cost_usd is scored against req->cost.
 * Returns TC_OK with *out; TC_ERR_ARG (NULL pointers, nin == 0, bad
 * options, TC_BT_COST without requests); TC_ERR_NOT_FOUND (a class not
 * in g); TC_ERR_INVALID (no origin has enough history); the engine's and
 * the fitter's statuses.
 */
tc_status tc_backtest_run(tc_graph *g, const tc_catalog *cat,
			  const tc_bt_input *in, size_t nin,
			  const tc_backtest_opts *o, tc_backtest **out,
			  tc_error *err);

void tc_backtest_free(tc_backtest *bt);

size_t tc_backtest_class_count(const tc_backtest *bt);	/* inputs */
const char *tc_backtest_class_name(const tc_backtest *bt, size_t c);
int tc_backtest_has_total(const tc_backtest *bt);
size_t tc_backtest_origin_count(const tc_backtest *bt);
int64_t tc_backtest_origin(const tc_backtest *bt, size_t i);
int tc_backtest_horizon(const tc_backtest *bt);
size_t tc_backtest_record_count(const tc_backtest *bt);
const tc_bt_record *tc_backtest_record(const tc_backtest *bt, size_t i);

/*
 * The scores of class c (nin for the total) at lead (0: the horizon
 * sum). Returns TC_OK (n may be 0), TC_ERR_ARG.
 */
tc_status tc_backtest_summary(const tc_backtest *bt, size_t c, int lead,
			      tc_bt_summary *out);

/*
 * Scoring one forecast, for tests and tools. PIT: the forecast CDF at y,
 * linear between the quantiles q at levels tc_bt_levels, 0.005 below
 * the first and 0.995 above the last. CRPS: twice the pinball loss
 * integrated over the level by the trapezoid rule on the levels, the
 * tails beyond the first and last level held at their loss.
 */
double tc_bt_pit(const double *q, double y);
double tc_bt_pinball(double q, double tau, double y);
double tc_bt_crps(const double *q, double y);
/* The upper-tail probability of a chi-square statistic of PIT counts. */
double tc_bt_pit_chi2(const size_t *hist, size_t bins, double *p);

/*
 * Writes the summaries (and the records) as JSON, as tidy CSV
 * (class,lead,statistic,value), and the PIT histograms of the horizon
 * sums as an SVG chart. Return TC_OK, TC_ERR_IO, TC_ERR_NOMEM.
 */
tc_status tc_backtest_write_json(const tc_backtest *bt, FILE *fp,
				 tc_error *err);
tc_status tc_backtest_write_csv(const tc_backtest *bt, FILE *fp,
				tc_error *err);
tc_status tc_backtest_write_svg(const tc_backtest *bt, FILE *fp,
				tc_error *err);

#ifdef __cplusplus
}
#endif

#endif
