/*
 * forecast.c - runs the trials on threads and keeps what the statistics
 * need: per-trial monthly values per class (floats), a subsample of
 * daily values, daily sums merged in a fixed order, and the unit
 * economics' ratios (docs/engine.md gives the memory layout).
 *
 * Trials run in rounds of ROUND_BLOCKS blocks of BLOCK trials while
 * they are drawn day by day, LONG_ROUND_BLOCKS after; threads take
 * blocks in any order, each block sums its days into its own slot, and
 * the slots are merged in block order after the round, so every sum is
 * the same whatever the thread count.
 */
#define _DEFAULT_SOURCE	/* madvise */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fc.h"
#include "tci.h"

#define BLOCK 64
/* 9999-12-31 in days since 1970-01-01: dates have four-digit years. */
#define LAST_DAY 2932896
#define ROUND_BLOCKS 8
/*
 * Rounds without daily sums (each round waits for its slowest block, so
 * longer rounds keep both threads busy).
 */
#define LONG_ROUND_BLOCKS 64
/* big_alloc: from this size on, aligned to a huge page. */
#define BIG_ALLOC ((size_t)4 << 20)
#define BIG_ALIGN ((size_t)2 << 20)
/* Trials whose cost per request is kept for its quantiles. */
#define UNIT_TRIALS 200000

static const char *const metric_names[TC_M_COUNT] = {
	"cost_usd", "requests", "input_tokens", "uncached_input_tokens",
	"cache_read_tokens", "cache_write_5m_tokens", "cache_write_1h_tokens",
	"output_tokens", "reasoning_tokens"};

const char *tc_metric_name(tc_metric m)
{
	return (unsigned)m < TC_M_COUNT ? metric_names[m] : NULL;
}

void tc_forecast_opts_init(tc_forecast_opts *o)
{
	memset(o, 0, sizeof *o);
	o->seed = 1;
	o->trials = 10000;
	o->threads = 1;
	o->quantiles[0] = 5;
	o->quantiles[1] = 50;
	o->quantiles[2] = 95;
	o->n_quantiles = 3;
	o->daily = 1;
	o->monthly_sums = 1;
	o->daily_trials = 1000;
	o->switch_requests = 200;
	o->memory_budget = (size_t)700 << 20;
}

/* One round's shared state. */
typedef struct round_ctx {
	tc_forecast *f;
	eng_work **work;
	size_t first_block, n_blocks, next;
	int sums;		/* the blocks sum days into the slots */
	pthread_mutex_t lock;
	tc_status st[LONG_ROUND_BLOCKS];
	tc_error err[LONG_ROUND_BLOCKS];
} round_ctx;

/* One column's values of a day: a class's, or the total's. */
typedef struct day_col {
	const double *v;	/* TC_M_COUNT metrics */
	double *dsum;		/* the day's sums and squares, or NULL */
	float *kept;		/* the kept trial's day row, or NULL */
} day_col;

/* Adds one column's day to its day sums and the kept row. */
static void add_column(const tc_forecast *f, const day_col *d)
{
	size_t k;
	int m;

	for (m = 0; d->dsum && m < TC_M_COUNT; m++) {
		d->dsum[2 * m] += d->v[m];
		d->dsum[2 * m + 1] += d->v[m] * d->v[m];
	}
	for (k = 0; d->kept && k < f->n_pass; k++)
		d->kept[k * (size_t)f->e.opts.days * f->dcols] =
			(float)d->v[f->pass[k]];
}

/*
 * Adds day t of a trial (w->out) to its months (ms), its day sums
 * (dsum, or NULL) and, for a kept trial, its row of daily values. The
 * classes' month sums and the day's total are each one loop over the
 * day's row, which the compiler vectorises; the sums are the same
 * additions in the same order as column by column.
 */
static void keep_day(tc_forecast *f, const eng_work *w, size_t trial,
		     int t, double *ms, double *dsum)
{
	const eng *e = &f->e;
	size_t C = e->n_classes, C1 = C + 1, c, j, n = C * TC_M_COUNT;
	size_t c0 = e->opts.daily_total_only ? C : 0;
	const double *o = &w->out[(size_t)t * n];
	double *mrow = &ms[(size_t)e->day_month[t] * C1 * TC_M_COUNT];
	double tot[TC_M_COUNT] = {0};
	int m;
	day_col d;

	for (j = 0; j < n; j++)
		mrow[j] += o[j];
	for (c = 0; c < C; c++)
		for (m = 0; m < TC_M_COUNT; m++)
			tot[m] += o[c * TC_M_COUNT + m];
	for (m = 0; m < TC_M_COUNT; m++)
		mrow[n + (size_t)m] += tot[m];
	if (!dsum && trial >= f->keep)
		return;
	for (c = c0; c < C1; c++) {
		d.v = c < C ? &o[c * TC_M_COUNT] : tot;
		d.dsum = dsum ? &dsum[(((size_t)t * C1 + c) *
				       TC_M_COUNT) * 2] : NULL;
		/* A trial's values side by side: writes stay local. */
		d.kept = trial < f->keep ?
			&f->dstore[(trial * f->n_pass *
				    (size_t)e->opts.days + (size_t)t) *
				   f->dcols + c - f->dc0] : NULL;
		add_column(f, &d);
	}
}

/*
 * Stores one trial's results (w->out) in the pass's arrays, its month
 * columns in blk (the block's buffer) when not NULL.
 */
static void keep_trial(tc_forecast *f, eng_work *w, size_t trial,
		       double *dsum, float *blk)
{
	const eng *e = &f->e;
	size_t C = e->n_classes, C1 = C + 1, c, T = f->trials;
	size_t nm = (size_t)e->n_months, mi, k, col;
	/* The month columns: the block's buffer, or mstore itself. */
	float *dst = blk ? blk + trial % BLOCK : f->mstore + trial;
	size_t stride = blk ? BLOCK : T;
	int t, days = e->opts.days;
	double *ms = w->month_sums;
	int runs = eng_by_runs(e, trial);

	memset(ms, 0, nm * C1 * TC_M_COUNT * sizeof *ms);
	for (t = 0; t < days; t++)
		/* Monthly mode writes the days its runs start on, no other. */
		if (!runs || w->starts[t])
			keep_day(f, w, trial, t, ms, dsum);
	for (k = col = 0; k < f->n_pass; k++)
		for (mi = 0; mi < nm; mi++)
			for (c = 0; c < C1; c++, col++)
				dst[col * stride] = (float)ms[(mi * C1 + c) *
						TC_M_COUNT + f->pass[k]];
	if (f->pass_no == 0) {
		for (c = 0; trial < f->unit_n && c < C; c++) {
			double cost = 0, req = 0;

			for (mi = 0; mi < nm; mi++) {
				cost += ms[(mi * C1 + c) * TC_M_COUNT];
				req += ms[(mi * C1 + c) * TC_M_COUNT +
					  TC_M_REQUESTS];
			}
			f->per_request[c * f->unit_n + trial] =
				req > 0 ? (float)(cost / req) : NAN;
		}
		f->total_cost[trial] = 0;
		for (mi = 0; mi < nm; mi++)
			f->total_cost[trial] += ms[(mi * C1 + C) * TC_M_COUNT];
		for (k = 0; k < e->n_kpis; k++)
			f->kpi_sums[k * T + trial] = w->kpi_sum[k];
		fc_budget_keep(f, w, trial);
		for (k = 0; f->sens_in && k < e->n_sens; k++)
			f->sens_in[k * T + trial] = w->inp[k];
	}
}

/* Copies a block's month columns from its buffer into mstore. */
static void flush_block(tc_forecast *f, const float *blk, size_t t0,
			size_t t1)
{
	size_t col, n = f->n_pass * (size_t)f->e.n_months *
			(f->e.n_classes + 1);

	for (col = 0; blk && col < n; col++)
		memcpy(&f->mstore[col * f->trials + t0], &blk[col * BLOCK],
		       (t1 - t0) * sizeof *blk);
}

/* A thread: takes blocks of the round until none is left. */
static void *round_worker(void *arg)
{
	round_ctx *r = ((void **)arg)[0];
	eng_work *w = ((void **)arg)[1];
	float *blk = ((void **)arg)[2];
	tc_forecast *f = r->f;

	for (;;) {
		size_t b, t, t0, t1;
		double *dsum;

		pthread_mutex_lock(&r->lock);
		b = r->next++;
		pthread_mutex_unlock(&r->lock);
		if (b >= r->n_blocks)
			break;
		t0 = (r->first_block + b) * BLOCK;
		t1 = t0 + BLOCK < f->trials ? t0 + BLOCK : f->trials;
		/* Every pass reruns the same trials: sum days once. */
		dsum = r->sums ? f->slots + b * f->slot_len : NULL;
		if (dsum)
			memset(dsum, 0, f->slot_len * sizeof *dsum);
		for (t = t0; t < t1 && r->st[b] == TC_OK; t++) {
			r->st[b] = eng_trial(&f->e, w, t, &r->err[b]);
			if (r->st[b] == TC_OK)
				keep_trial(f, w, t, eng_by_runs(&f->e, t)
						    ? NULL : dsum, blk);
		}
		flush_block(f, blk, t0, t1);
	}
	return NULL;
}

/*
 * Whether the round from block b sums days: the first pass, over trials
 * drawn day by day.
 */
static int round_sums(const tc_forecast *f, size_t b)
{
	return f->slots && f->pass_no == 0 && b * BLOCK < f->day_n;
}

/* Runs one round of blocks on the threads; merges its day sums. */
static tc_status run_round(tc_forecast *f, eng_work **work, size_t first,
			   size_t nb, tc_error *err)
{
	round_ctx r;
	void *args[FC_MAX_JOBS][3];
	unsigned i, nt = f->e.opts.threads;
	size_t b, j;

	memset(&r, 0, sizeof r);
	r.f = f;
	r.first_block = first;
	r.n_blocks = nb;
	r.sums = round_sums(f, first);
	pthread_mutex_init(&r.lock, NULL);
	for (i = 0; i < nt; i++) {
		args[i][0] = &r;
		args[i][1] = work[i];
		args[i][2] = f->mblock[i];
	}
	/* The blocks are a shared queue: a late job finds it empty. */
	fc_run_jobs(round_worker, args, sizeof args[0], nt);
	pthread_mutex_destroy(&r.lock);
	for (b = 0; b < nb; b++)
		if (r.st[b] != TC_OK) {
			*err = r.err[b];
			return r.st[b];
		}
	for (b = 0; r.sums && b < nb; b++)
		for (j = 0; j < f->slot_len; j++)
			f->dsum[j] += f->slots[b * f->slot_len + j];
	return TC_OK;
}

/* Runs every trial once, keeping the metrics of the current pass. */
static tc_status run_pass(tc_forecast *f, eng_work **work, tc_error *err)
{
	size_t blocks = (f->trials + BLOCK - 1) / BLOCK, b, nb;
	tc_status st;

	for (b = 0; b < blocks; b += nb) {
		nb = round_sums(f, b) ? ROUND_BLOCKS : LONG_ROUND_BLOCKS;
		if (nb > blocks - b)
			nb = blocks - b;

		st = run_round(f, work, b, nb, err);
		if (st != TC_OK)
			return st;
		if (f->e.opts.progress)
			f->e.opts.progress(f->e.opts.progress_ctx,
				f->pass_no * f->trials +
				((b + nb) * BLOCK < f->trials ?
				 (b + nb) * BLOCK : f->trials),
				f->n_passes * f->trials);
	}
	return TC_OK;
}

/* Whether no two quantiles share a key ("p50"), which JSON needs. */
static int distinct_keys(const tc_forecast_opts *o)
{
	char a[40], b[40];
	size_t i, j;

	for (i = 0; i < o->n_quantiles; i++)
		for (j = 0; j < i; j++) {
			snprintf(a, sizeof a, "%.10g", o->quantiles[i]);
			snprintf(b, sizeof b, "%.10g", o->quantiles[j]);
			if (strcmp(a, b) == 0)
				return 0;
		}
	return 1;
}

/* Checks the options; TC_ERR_ARG with a message. */
static tc_status check_opts(const tc_forecast_opts *o, tc_error *err)
{
	size_t i;

	if (o->trials == 0 || o->trials > TC_FORECAST_MAX_TRIALS)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "trials must be 1 to %u",
				 TC_FORECAST_MAX_TRIALS);
	if (o->days < 1 || o->days > 3660)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "the horizon must be 1 to 3660 days");
	if (o->start < 0 || o->start + o->days - 1 > LAST_DAY)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "the horizon must lie between 1970-01-01 "
				 "and 9999-12-31");
	if (o->threads < 1 || o->threads > 64)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "threads must be 1 to 64");
	if (o->n_quantiles < 1 || o->n_quantiles > TC_FORECAST_MAX_QUANTILES)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "1 to %d quantiles",
				 TC_FORECAST_MAX_QUANTILES);
	for (i = 0; i < o->n_quantiles; i++)
		if (!(o->quantiles[i] > 0 && o->quantiles[i] < 100))
			return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
					 "quantiles must lie strictly between "
					 "0 and 100");
	if (!distinct_keys(o))
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "two quantiles have the same key (p and "
				 "the percentage to 10 digits)");
	return TC_OK;
}

/*
 * malloc for the per-trial stores, tens to hundreds of megabytes
 * written once each: aligned to 2 MB and, where the system has them,
 * marked for huge pages, so that first writes fault a page in 512
 * times less often (5% of a forecast's time on ordinary pages).
 */
static void *big_alloc(size_t n)
{
	void *p = NULL;

	if (n < BIG_ALLOC)
		return malloc(n);
	if (posix_memalign(&p, BIG_ALIGN, n) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, n, MADV_HUGEPAGE);
#endif
	return p;
}

/*
 * Sizes the passes to the memory budget and allocates the arrays.
 * TC_ERR_LIMIT when even one metric per pass needs more than twice the
 * budget and 512 MB (a hostile trial count or horizon), rather than
 * letting the system run out of memory.
 */
static tc_status plan(tc_forecast *f, tc_error *err)
{
	const eng *e = &f->e;
	size_t C1 = e->n_classes + 1, T = f->trials, days = e->opts.days;
	size_t per = T * C1 * (size_t)e->n_months * sizeof(float);
	size_t fixed, room, per_pass;

	f->unit_n = T < UNIT_TRIALS ? T : UNIT_TRIALS;
	fixed = f->unit_n * (e->n_classes + 1) * sizeof(float) +
		T * (e->n_kpis + 2) * sizeof(double);
	f->keep = e->opts.daily ? (T < e->opts.daily_trials ?
				   T : e->opts.daily_trials) : 0;
	f->dcols = e->opts.daily_total_only ? 1 : C1;
	f->dc0 = C1 - f->dcols;
	per += f->keep * days * f->dcols * sizeof(float);
	f->day_n = e->monthly && e->runs_from < T ? e->runs_from : T;
	room = e->opts.memory_budget > fixed ? e->opts.memory_budget - fixed
					     : 0;
	if (per + fixed > 2 * e->opts.memory_budget + ((size_t)512 << 20))
		return tci_error(err, TC_ERR_LIMIT, NULL, 0, NULL, "%zu trials "
				 "of %zu classes over %d months need %zu MB "
				 "at least; use fewer trials, fewer daily "
				 "trials or a shorter horizon", T,
				 e->n_classes, e->n_months,
				 (per + fixed) >> 20);
	per_pass = room / per;
	if (per_pass < 1)
		per_pass = 1;
	if (per_pass > TC_M_COUNT)
		per_pass = TC_M_COUNT;
	f->per_pass = per_pass;
	f->n_passes = (TC_M_COUNT + per_pass - 1) / per_pass;
	f->mstore = big_alloc(per_pass * T * C1 * e->n_months * sizeof(float));
	f->dstore = big_alloc(per_pass * f->keep * days * f->dcols *
			      sizeof(float) + 1);
	f->per_request = malloc(f->unit_n * (e->n_classes + 1) *
				sizeof(float));
	f->total_cost = malloc(T * sizeof(double));
	f->kpi_sums = malloc(T * (e->n_kpis + 1) * sizeof(double));
	f->slot_len = e->opts.daily ? days * C1 * TC_M_COUNT * 2 : 0;
	f->dsum = calloc(f->slot_len + 1, sizeof(double));
	f->slots = f->slot_len ? malloc(ROUND_BLOCKS * f->slot_len *
					sizeof(double)) : NULL;
	f->stats = calloc((1 + e->n_months + days) * C1 * TC_M_COUNT *
			  FC_STAT_LEN(e->opts.n_quantiles), sizeof(double));
	if (!f->mstore || !f->dstore || !f->per_request || !f->total_cost ||
	    !f->kpi_sums || !f->dsum || (f->slot_len && !f->slots) ||
	    !f->stats)
		return TC_ERR_NOMEM;
	return TC_OK;
}

/*
 * The metrics of pass k: cost comes last, so the per-trial values kept
 * after the run (tc_forecast_trial_value) include it.
 */
static void pass_metrics(tc_forecast *f, size_t k)
{
	static const tc_metric order[TC_M_COUNT] = {
		TC_M_REQUESTS, TC_M_INPUT, TC_M_UNCACHED, TC_M_CACHE_READ,
		TC_M_CACHE_W5M, TC_M_CACHE_W1H, TC_M_OUTPUT, TC_M_REASONING,
		TC_M_COST};
	size_t i;

	f->n_pass = 0;
	for (i = k * f->per_pass; i < (k + 1) * f->per_pass &&
	     i < TC_M_COUNT; i++)
		f->pass[f->n_pass++] = order[i];
}

static void free_work(tc_forecast *f, eng_work **work)
{
	unsigned i;

	for (i = 0; work && i < f->e.opts.threads; i++) {
		eng_work_free(&f->e, work[i]);
		free(f->mblock[i]);
		f->mblock[i] = NULL;
	}
	free(work);
}

/*
 * Each thread's block buffer for the month columns of a pass, when it
 * is small enough (else none: the trials write mstore directly).
 */
static tc_status alloc_blocks(tc_forecast *f)
{
	size_t bytes = f->per_pass * (size_t)f->e.n_months *
		       (f->e.n_classes + 1) * BLOCK * sizeof(float);
	unsigned i;

	if (bytes > FC_MBLOCK_MAX)
		return TC_OK;
	for (i = 0; i < f->e.opts.threads; i++)
		if (!(f->mblock[i] = malloc(bytes)))
			return TC_ERR_NOMEM;
	return TC_OK;
}

tc_status tc_forecast_run(const tc_kg *kg, const tc_catalog *cat,
			  const tc_forecast_opts *opts, tc_forecast **out,
			  tc_error *err)
{
	tc_forecast *f = NULL;
	eng_work **work = NULL;
	tc_status st;
	unsigned i;
	size_t k;

	if (!kg || !cat || !opts || !out)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "NULL argument");
	*out = NULL;
	if ((st = check_opts(opts, err)) != TC_OK)
		return st;
	f = calloc(1, sizeof *f);
	if (!f)
		return tci_error(err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	f->trials = opts->trials;
	if ((st = eng_setup(&f->e, kg, cat, opts, err)) != TC_OK) {
		free(f);
		return st;
	}
	work = calloc(opts->threads, sizeof *work);
	st = work ? plan(f, err) : TC_ERR_NOMEM;
	if (st == TC_OK && fc_budget_plan(f) != TC_OK)
		st = TC_ERR_NOMEM;
	if (st == TC_OK && opts->sensitivity &&
	    !(f->sens_in = calloc(f->e.n_sens * f->trials + 1,
				  sizeof *f->sens_in)))
		st = TC_ERR_NOMEM;
	for (i = 0; st == TC_OK && i < opts->threads; i++)
		if (!(work[i] = eng_work_new(&f->e)))
			st = TC_ERR_NOMEM;
	if (st == TC_OK)
		st = alloc_blocks(f);
	for (k = 0; st == TC_OK && k < f->n_passes; k++) {
		f->pass_no = k;
		pass_metrics(f, k);
		st = run_pass(f, work, err);
		if (st == TC_OK)
			st = fc_summarise_pass(f);
	}
	free_work(f, work);
	if (st == TC_OK)
		st = fc_summarise_units(f);
	if (st != TC_OK) {
		if (st == TC_ERR_NOMEM)
			tci_error(err, st, NULL, 0, NULL, "out of memory");
		tc_forecast_free(f);
		return st;
	}
	*out = f;
	return TC_OK;
}

void tc_forecast_free(tc_forecast *f)
{
	if (!f)
		return;
	fc_budget_free(f);
	free(f->sens_in);
	eng_cleanup(&f->e);
	free(f->mstore);
	free(f->dstore);
	free(f->per_request);
	free(f->total_cost);
	free(f->kpi_sums);
	free(f->dsum);
	free(f->slots);
	free(f->stats);
	free(f->kpi_unit);
	free(f->req_unit);
	free(f);
}

tc_status tc_forecast_one_trial(const tc_kg *kg, const tc_catalog *cat,
				const tc_forecast_opts *opts, size_t trial,
				double *values, tc_error *err)
{
	eng e;
	eng_work *w;
	tc_status st;

	if (!kg || !cat || !opts || !values)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "NULL argument");
	if ((st = check_opts(opts, err)) != TC_OK ||
	    (st = eng_setup(&e, kg, cat, opts, err)) != TC_OK)
		return st;
	e.monthly = 0;	/* its days, not runs of days */
	w = eng_work_new(&e);
	st = w ? eng_trial(&e, w, trial, err) : TC_ERR_NOMEM;
	if (st == TC_OK)
		memcpy(values, w->out, e.n_classes * (size_t)opts->days *
		       TC_M_COUNT * sizeof *values);
	eng_work_free(&e, w);
	eng_cleanup(&e);
	return st;
}
