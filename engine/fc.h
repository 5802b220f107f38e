/*
 * fc.h - the result of a forecast (internal to engine/).
 */
#ifndef TOKCAST_ENGINE_FC_H
#define TOKCAST_ENGINE_FC_H

#include "eng.h"
#include "estats.h"

/* jobs.c: at most the thread limit of tc_forecast_opts. */
#define FC_MAX_JOBS 64
/* The largest block buffer of month columns a thread takes. */
#define FC_MBLOCK_MAX ((size_t)16 << 20)

struct tc_forecast {
	eng e;
	size_t trials;
	size_t keep;		/* trials whose daily values are kept */
	size_t day_n;		/* trials drawn day by day (dsum's count) */
	size_t per_pass, n_passes, pass_no;
	tc_metric pass[TC_M_COUNT];	/* metrics of the current pass */
	size_t n_pass;
	float *mstore;		/* [pass metric][month][class+1][trial] */
	/*
	 * Per thread: a block's monthly values, [column][trial in block],
	 * copied into mstore a column at a time when the block ends (one
	 * trial's columns lie a page or more apart there); NULL where the
	 * buffer would exceed FC_MBLOCK_MAX bytes, and trials write mstore
	 * directly.
	 */
	float *mblock[FC_MAX_JOBS];
	float *dstore;		/* [kept][pass metric][day][dcols] */
	size_t dcols, dc0;	/* kept columns a day (classes + 1, or the
				   total alone), the first one's class */
	float *per_request;	/* [class][trial < unit_n] cost per request */
	size_t unit_n;
	double *total_cost;	/* [trial] horizon total cost */
	double *kpi_sums;	/* [kpi][trial] sum of K(t) over days */
	double *dsum;		/* [day][class+1][metric][sum, sum sq] */
	double *slots;		/* ROUND_BLOCKS block sums of dsum */
	size_t slot_len;
	/*
	 * [period][class+1][metric]: each statistic as FC_STAT_LEN(nq)
	 * doubles (fc_stat_put), so a long horizon's days hold only the
	 * quantiles asked for.
	 */
	double *stats;
	estat *kpi_unit;	/* [kpi][2] */
	estat *req_unit;	/* [class] */
	struct fc_budget *bud;	/* budgets and contract, or NULL */
	double *sens_in;	/* [input][trial] draws, or NULL */
};


/*
 * Runs fn on each of n jobs (job i at jobs + i x size), each on its own
 * thread and job 0 on the calling thread; returns when all are done. A
 * job whose thread cannot start runs on the calling thread, so every
 * job runs whatever the system allows.
 */
void fc_run_jobs(void *(*fn)(void *), void *jobs, size_t size, size_t n);

/* budget.c */
tc_status fc_budget_plan(tc_forecast *f);
void fc_budget_keep(tc_forecast *f, const eng_work *w, size_t trial);
void fc_budget_free(tc_forecast *f);
/* Adds "scenario" to meta; the "budgets" and "contract" arrays. */
void fc_budget_json(const tc_forecast *f, void *meta, void **budgets,
		    void **contract);

/* summary.c: mean, sd, then nq quantiles and their standard errors. */
#define FC_STAT_LEN(nq) (2 + 2 * (nq))
void fc_stat_put(tc_forecast *f, size_t index, const estat *s);
/* summary.c */
tc_status fc_summarise_pass(tc_forecast *f);
tc_status fc_summarise_units(tc_forecast *f);
size_t fc_stat_index(const tc_forecast *f, tc_period_kind k, size_t i,
		     size_t c, tc_metric m);

#endif
