/*
 * tokcast/engine.h - the Monte Carlo engine: a quarter's daily, monthly
 * and horizon cost per feature class with honest intervals.
 *
 * A forecast runs many trials of the model in docs/model.md over a
 * horizon of days. Every random quantity draws from its own keyed stream
 * (rng.h), so a trial's numbers do not depend on the thread count or on
 * which other classes exist. docs/engine.md describes the trial, the two
 * ways a day's sums are drawn, the statistics and the memory layout.
 */
#ifndef TOKCAST_ENGINE_H
#define TOKCAST_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "tokcast/status.h"
#include "tokcast/kg.h"
#include "tokcast/pricing.h"
#include "tokcast/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The metrics of every period, in output order. */
typedef enum tc_metric {
	TC_M_COST = 0,		/* cost_usd */
	TC_M_REQUESTS,		/* requests */
	TC_M_INPUT,		/* input_tokens (all input) */
	TC_M_UNCACHED,		/* uncached_input_tokens */
	TC_M_CACHE_READ,	/* cache_read_tokens */
	TC_M_CACHE_W5M,		/* cache_write_5m_tokens */
	TC_M_CACHE_W1H,		/* cache_write_1h_tokens */
	TC_M_OUTPUT,		/* output_tokens (reasoning included) */
	TC_M_REASONING,		/* reasoning_tokens */
	TC_M_COUNT
} tc_metric;

/* The metric's JSON and CSV name ("cost_usd"); NULL when out of range. */
const char *tc_metric_name(tc_metric m);

#define TC_FORECAST_MAX_QUANTILES 32
#define TC_FORECAST_MAX_TRIALS 100000000u

/* Options of a run; tc_forecast_opts_init sets the defaults. */
typedef struct tc_forecast_opts {
	uint64_t seed;		/* default 1 */
	size_t trials;		/* default 10,000 */
	unsigned threads;	/* default 1 */
	int64_t start;		/* first day, days since 1970-01-01 */
	int days;		/* horizon length, 1 .. 3660 */
	double quantiles[TC_FORECAST_MAX_QUANTILES];	/* percentages */
	size_t n_quantiles;	/* default 3: 5, 50, 95 */
	int no_parameter_uncertainty;	/* per-trial specs at their means */
	int daily;		/* 1 (default): statistics per day too */
	int daily_total_only;	/* 1: a day's statistics of the total
				   alone (default 0: every class too) */
	int monthly_sums;	/* 1 (default): a graph whose classes'
				   expectations are fixed within a trial
				   (no KPI noise, no edge from a class,
				   no budget) draws each class's sums
				   once per month and price period in
				   the trials from daily_trials on, or
				   every trial without daily statistics
				   (docs/engine.md) */
	size_t daily_trials;	/* trials kept for daily quantiles,
				   default 1,000 */
	double switch_requests;	/* below: requests one by one; default 200 */
	size_t memory_budget;	/* bytes of per-trial values; default
				   700 MB; more metrics need more passes */
	/*
	 * A scenario loaded over the same graph with this run's catalog
	 * (docs/scenarios.md), or NULL for the graph alone.
	 */
	const tc_scenario *scenario;
	/*
	 * Budgets per quarter; NULL and 0 take the scenario's. The
	 * pointers must outlive the result.
	 */
	const tc_scn_budget *budgets;
	size_t n_budgets;
	int fiscal_year_start;	/* first month of quarters, 1 (default) */
	int sensitivity;	/* 1: keep every uncertain input's draws */
	/* Called after each block of trials, from the calling thread only. */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
} tc_forecast_opts;

/* Fills o with the defaults above (start 0 and days 0 must be set). */
void tc_forecast_opts_init(tc_forecast_opts *o);

typedef struct tc_forecast tc_forecast;

/*
 * Runs the forecast of kg priced with cat. Returns TC_OK with *out a new
 * result; TC_ERR_ARG (NULL pointers, zero trials or more than
 * TC_FORECAST_MAX_TRIALS, days outside 1 .. 3660, no threads, a quantile
 * outside (0, 100)); TC_ERR_NOT_FOUND (a class's model is not in the
 * catalog on some day of the horizon, err names the class);
 * TC_ERR_INVALID (a graph without feature classes, a class without
 * model or token sizes); TC_ERR_NUMERIC (a per-trial draw stayed outside
 * its attribute's domain after 100 redraws, err names the node and the
 * attribute; a per-request spec whose moments are infinite; a cycle
 * whose drawn rates give a gain of 1 or more); TC_ERR_LIMIT (more than
 * 255 price changes of one class in the horizon, or per-trial values
 * needing more than twice memory_budget and 512 MB); TC_ERR_NOMEM.
 * Under opts.scenario also: TC_ERR_ARG (a scenario loaded without this
 * graph); TC_ERR_INVALID naming the change's file and line (a change
 * the engine does not apply: docs/scenarios.md, known limits);
 * TC_ERR_NUMERIC (a change's draws stay outside their domain).
 * On failure *out is NULL.
 */
tc_status tc_forecast_run(const tc_kg *kg, const tc_catalog *cat,
			  const tc_forecast_opts *opts, tc_forecast **out,
			  tc_error *err);

void tc_forecast_free(tc_forecast *f);

/* The periods of a result: the horizon, then months, then days. */
typedef enum tc_period_kind {
	TC_PERIOD_HORIZON = 0,
	TC_PERIOD_MONTH,
	TC_PERIOD_DAY
} tc_period_kind;

/* The feature classes, in graph order; their node ids. */
size_t tc_forecast_class_count(const tc_forecast *f);
const char *tc_forecast_class_name(const tc_forecast *f, size_t c);
/* Class index for the total. */
#define TC_FORECAST_TOTAL ((size_t)-1)

/* Months of the horizon (partial months count) and days. */
size_t tc_forecast_month_count(const tc_forecast *f);
/* "YYYY-MM" of month i, written into buf (8 bytes suffice). */
void tc_forecast_month_label(const tc_forecast *f, size_t i, char *buf,
			     size_t size);
int tc_forecast_days(const tc_forecast *f);
int64_t tc_forecast_start(const tc_forecast *f);
size_t tc_forecast_trials(const tc_forecast *f);
uint64_t tc_forecast_seed(const tc_forecast *f);

/* The statistics of one period, class and metric. */
typedef struct tc_stat {
	double mean;
	double sd;
	size_t n_quantiles;
	const double *percent;	/* the quantiles' percentages */
	double quantile[TC_FORECAST_MAX_QUANTILES];
	double mc_se[TC_FORECAST_MAX_QUANTILES];	/* Monte Carlo SE */
} tc_stat;

/*
 * The statistics of metric m of class c (or TC_FORECAST_TOTAL) over
 * period index i of kind k (0 for the horizon). Returns TC_OK,
 * TC_ERR_ARG for an index out of range, or TC_ERR_NOT_FOUND for days
 * when the run had opts.daily = 0, and for a class's days when it had
 * opts.daily_total_only.
 */
tc_status tc_forecast_stat(const tc_forecast *f, tc_period_kind k,
			   size_t i, size_t c, tc_metric m, tc_stat *out);

/*
 * One trial's horizon value of metric m for class c (or the total), for
 * scenario comparisons on common random numbers. Only the metrics of the
 * last pass are kept (cost always); TC_ERR_NOT_FOUND for the others,
 * TC_ERR_ARG for indices out of range.
 */
tc_status tc_forecast_trial_value(const tc_forecast *f, size_t trial,
				  size_t c, tc_metric m, double *out);

/* Unit economics: the KPIs, and per-trial ratios summarised. */
size_t tc_forecast_kpi_count(const tc_forecast *f);
const char *tc_forecast_kpi_name(const tc_forecast *f, size_t k);
/*
 * Statistics over trials of: the horizon's total cost per unit of KPI k
 * summed over days (per session for a daily count; per user-day for
 * active users), and the horizon cost per average-day unit per month
 * (cost / mean daily value / (days / 30.4375): per active user per
 * month). Returns TC_OK or TC_ERR_ARG.
 */
tc_status tc_forecast_kpi_unit(const tc_forecast *f, size_t k,
			       tc_stat *per_unit, tc_stat *per_unit_month);
/*
 * Statistics over trials of class c's horizon cost per request (trials
 * with no request left out). Returns TC_OK, or TC_ERR_ARG.
 */
tc_status tc_forecast_cost_per_request(const tc_forecast *f, size_t c,
				       tc_stat *out);

/*
 * A budget over one quarter of the horizon (docs/scenarios.md): the
 * budgets of opts (or of the scenario) times the horizon's quarters
 * (calendar, or fiscal from opts.fiscal_year_start), budget-major.
 */
typedef struct tc_budget_result {
	const char *class_id;	/* NULL for the total */
	int64_t quarter_start;	/* first day of the quarter (since 1970) */
	int64_t first_day;	/* first day of the quarter in the horizon */
	int days;		/* days of the quarter in the horizon */
	double amount;		/* USD, prorated for a partial quarter */
	double exceed_probability;	/* P(cost > amount) */
	double exceed_mc_se;	/* sqrt(p (1 - p) / trials) */
	double expected_overrun;	/* E[max(cost - amount, 0)] */
	double never_probability;	/* P(not exhausted in the quarter) */
	/* P10, P50, P90 of the exhaustion day; INT64_MAX for "never". */
	int64_t exhaust[3];
} tc_budget_result;

/* The number of budget results (budgets x quarters). */
size_t tc_forecast_budget_count(const tc_forecast *f);
/* Result i. Returns TC_OK, or TC_ERR_ARG when i is out of range. */
tc_status tc_forecast_budget(const tc_forecast *f, size_t i,
			     tc_budget_result *out);

/* The scenario's committed-spend contract over one quarter. */
typedef struct tc_contract_result {
	int64_t quarter_start;
	int days;		/* days of the quarter in the horizon */
	double commitment;	/* USD, prorated */
	double expected_cost;	/* E[pay] */
	double under_probability;	/* P(committed usage < commitment) */
	double expected_unused;	/* E[max(commitment - usage, 0)] */
} tc_contract_result;

/* Quarters with a contract result: 0 without a contract. */
size_t tc_forecast_contract_count(const tc_forecast *f);
/* Returns TC_OK, or TC_ERR_ARG when q is out of range. */
tc_status tc_forecast_contract(const tc_forecast *f, size_t q,
			       tc_contract_result *out);

/*
 * Scenario comparison on common random numbers (docs/scenarios.md):
 * runs of one graph with the same seed and trial count, trial i of
 * each seeing the same draws for every input they share. For class c
 * (or TC_FORECAST_TOTAL), the statistics of the per-trial horizon cost
 * difference D_i = X_i - R_i of run x against reference run ref, at
 * x's quantiles, and P(X > R) = #(D_i > 0) / trials. Returns TC_OK,
 * TC_ERR_ARG (NULL pointers, c out of range, runs of different trial
 * counts or classes) or TC_ERR_NOMEM.
 */
tc_status tc_forecast_compare(const tc_forecast *x, const tc_forecast *ref,
			      size_t c, tc_stat *diff, double *p_more);

/*
 * Writes a comparison as JSON: {"meta", "reference": NAME, "scenarios":
 * [{"name", "total": {"cost_usd", "difference", "p_more"}, "classes":
 * {NAME: {...}}}]} (docs/scenarios.md). runs[ref] is the reference.
 * Returns TC_OK, TC_ERR_ARG, TC_ERR_IO or TC_ERR_NOMEM.
 */
tc_status tc_compare_write_json(const tc_forecast *const *runs,
				const char *const *names, size_t n,
				size_t ref, FILE *fp, tc_error *err);

/*
 * What drives the cost (docs/scenarios.md, "Sensitivity"): for one
 * uncertain input (a per-trial draw: "chat.requests_per_day",
 * "chat.input_tokens.mu", a scenario change's "KEY.date") and one
 * output (the horizon's total or a class's cost).
 */
typedef struct tc_sensitivity {
	const char *input;
	double rank_corr;	/* Spearman correlation with the output */
	double share;		/* of the variance: normal-score regression */
	double p10, p50, p90;	/* the input's sample quantiles */
	double base;		/* mean output, every input at its median */
	double low, high;	/* mean output with this input at p10, p90
				   and the others at their medians; NAN
				   when not run: parameters inside
				   per-request specs, and inputs past the
				   first TC_SENS_OAT_MAX by share of the
				   total */
} tc_sensitivity;

#define TC_SENS_OAT_MAX 16

/*
 * The sensitivity of every output to every input of a run made with
 * opts.sensitivity = 1: *out receives (classes + 1) x *n results,
 * output-major, the total first, then the classes in order; inputs in a
 * fixed order (free *out with free()). The one-at-a-time swings rerun
 * oat_trials trials (default 400 when 0) on common random numbers, so
 * the graph, catalog and scenario of the run must still exist. Returns
 * TC_OK, TC_ERR_ARG (NULL pointers, a run without sensitivity),
 * TC_ERR_NOT_FOUND (no uncertain input), TC_ERR_NOMEM, or a status of
 * tc_forecast_run from the reruns.
 */
tc_status tc_forecast_sensitivity(const tc_forecast *f, size_t oat_trials,
				  tc_sensitivity **out, size_t *n,
				  tc_error *err);

/*
 * Writes a tornado chart (SVG) of n results of one output, widest swing
 * on top. Returns TC_OK, TC_ERR_ARG or TC_ERR_IO.
 */
tc_status tc_sensitivity_write_svg(const tc_sensitivity *s, size_t n,
				   const char *title, FILE *fp,
				   tc_error *err);

/* What the JSON's meta block says besides the run itself. */
typedef struct tc_forecast_meta {
	const char *graph_sha256;	/* 64 hex digits */
	const char *catalog_date;	/* newest price date, YYYY-MM-DD */
	int days_output;		/* 1: the days array is written */
} tc_forecast_meta;

/*
 * Writes the result as the JSON contract of docs/cli-forecast.md, or as
 * tidy CSV (period,class,metric,statistic,value). Returns TC_OK,
 * TC_ERR_IO or TC_ERR_NOMEM.
 */
tc_status tc_forecast_write_json(const tc_forecast *f,
				 const tc_forecast_meta *meta, FILE *fp,
				 tc_error *err);
tc_status tc_forecast_write_csv(const tc_forecast *f,
				const tc_forecast_meta *meta, FILE *fp,
				tc_error *err);

/*
 * Runs one trial alone and writes its per-class daily values into
 * values[(day * classes + c) * TC_M_COUNT + m] (days x classes x
 * metrics doubles), for tests and tools. Same statuses as
 * tc_forecast_run.
 */
tc_status tc_forecast_one_trial(const tc_kg *kg, const tc_catalog *cat,
				const tc_forecast_opts *opts, size_t trial,
				double *values, tc_error *err);

/* SHA-256 of a file as 64 lowercase hex digits and a NUL (65 bytes). */
tc_status tc_sha256_file(const char *path, char hex[65], tc_error *err);
/* SHA-256 of a buffer. */
void tc_sha256(const void *data, size_t n, unsigned char digest[32]);

#ifdef __cplusplus
}
#endif

#endif
