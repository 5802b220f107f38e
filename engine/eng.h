/*
 * eng.h - the engine's internal types, shared by its files (internal).
 *
 * eng holds what a run knows before its first trial (the graph in
 * arrays, the price periods of each class, moments that no trial
 * changes); eng_work is one thread's scratch for running trials.
 */
#ifndef TOKCAST_ENGINE_ENG_H
#define TOKCAST_ENGINE_ENG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "tokcast/engine.h"
#include "tokcast/rng.h"
#include "sample.h"

/* Substreams of monthly mode's runs of days (above any day index). */
#define ENG_NODE_KEYS 4
#define ENG_SEGMENT_SUBSTREAM 0x80000000u

/* Per-request attributes, in this order. */
enum eng_q {
	ENG_Q_INPUT = 0,
	ENG_Q_OUTPUT,
	ENG_Q_CACHED,
	ENG_Q_WRITE,
	ENG_Q_WRITE_1H,
	ENG_Q_REASONING,
	ENG_Q_BATCH,
	ENG_Q_COUNT
};

/* Rates in USD per token. */
typedef struct eng_rates {
	double in, cr, w5, w1, out, rs;
} eng_rates;

/* One price period of a class: a catalog row over a run of days. */
typedef struct eng_price {
	int first_day;		/* horizon day it starts on */
	const tc_price *row;
	eng_rates rate[2];	/* base, long-context tier */
	double threshold;	/* tier applies above; INFINITY when none */
	double batch_mult;	/* 1 when the row has no batch price */
} eng_price;

/* Moments of the per-request shares (docs/engine.md). */
typedef struct eng_shares {
	double cw[4][4];	/* E[c^a w'^m], w' = min(w, 1 - c) */
	double h[4];		/* E[h^d], 1-hour share of writes */
	double r[4];		/* E[r^d], reasoning share */
	double batch;		/* probability of a batch request */
} eng_shares;

/* E[I^j O^l 1{tier T}] for T = 0 (base), 1 (tier), j + l <= 3. */
typedef struct eng_io {
	double j[2][4][4];
} eng_io;

/* What the aggregate path draws from, per class and price period. */
typedef struct eng_agg {
	double mu[3], var[3], k3[3];	/* input, output, cost per request */
	double chol[3][3];	/* normal scores' correlation, Cholesky */
	double shape1[3];	/* gamma shape of one request's law */
	double scale[3];	/* the sums' gamma scale: |k3| / (2 var) */
	double wh_c1[3], wh_root1[3];	/* 1 / (9 shape1), its root */
	int bare;		/* no cache buckets, no reasoning */
	int independent;	/* the drawn sums are uncorrelated */
	int cost_linear;	/* cost = c0 + ci I + co O exactly */
	int plain;		/* bare, independent and cost linear */
	double c0, ci, co;
	double a_mean[3];	/* E of c, (1 - h) w', h w' */
	double a_chol[3][3];	/* Cholesky of Cov(a) E[I^2] */
	double r_mean, r_sd;	/* reasoning: E[r], sqrt(Var r E[O^2]) */
} eng_agg;

/*
 * Quantile tables of token specs without a closed-form quantile
 * (mixtures): log1p(tokens) at ENG_QTAB_NODES even normal scores over
 * [-ENG_QTAB_ZMAX, ENG_QTAB_ZMAX], filled from the spec's cdf on
 * ENG_QTAB_GRID points evenly spaced in log1p(tokens) (docs/engine.md).
 * ENG_QTAB_ZMAX is the score of probability 1e-15 (Python's
 * statistics.NormalDist().inv_cdf(1e-15), negated).
 */
#define ENG_QTAB_NODES 8193
#define ENG_QTAB_GRID 4096
#define ENG_QTAB_ZMAX 7.941345326170995

/* A class's per-request model in one trial. */
typedef struct eng_req {
	const tc_spec *spec[ENG_Q_COUNT];
	tc_spec *owned[ENG_Q_COUNT];
	int logn[2];		/* input, output are lognormal */
	double mu[2], sigma[2];
	double p0[2];		/* mass below 0 (the domain's redraws) */
	int tab[2];		/* input, output read from qtab */
	double qtab[2][ENG_QTAB_NODES];	/* log1p(tokens) at even scores */
	double rank_corr, rho;	/* io_rank_corr and its normal rho */
	eng_shares sh;
	eng_io io;
	eng_agg *agg;		/* one per price period */
	double scale[2];	/* input, output token factors; 0 means 1 */
} eng_req;

/* A token factor of a request model (0 stands for 1). */
static inline double eng_scale(const eng_req *q, int k)
{
	return q->scale[k] > 0 ? q->scale[k] : 1;
}

/* A feature class as the run sees it. */
typedef struct eng_class {
	size_t node;
	const char *name;
	eng_price *prices;
	size_t n_prices;
	unsigned char *day_price;	/* price period of each day */
	int shares_fixed;	/* share specs have no uncertain parameter */
	int all_fixed;		/* nor tokens nor io_rank_corr */
	eng_shares sh;		/* when shares_fixed */
	eng_req fixed;		/* when all_fixed: the trial-free model */
	int *run_end;		/* monthly mode: the end of the run of days
				   starting on each day a run starts */
	/*
	 * Quantile tables built once for token specs no trial changes,
	 * when other attributes are drawn (ENG_QTAB_NODES each, or NULL),
	 * and the specs they are of. The eng's classes own them; a
	 * scenario's tracks borrow them.
	 */
	const tc_spec *qtab_spec[2];
	double *qtab[2];
} eng_class;

/* A node's per-trial parameters. */
typedef struct eng_par {
	double level;		/* start, or requests_per_day (-1: none) */
	double glog;		/* log(1 + growth) / 30.4375 */
	double weekly[7];
	double noise_s;		/* sigma of the daily lognormal factor */
	double disp;		/* negative binomial size; INFINITY: Poisson */
	double retry;
	int64_t launch;		/* INT64_MIN: launched */
	double ramp;
	int shape;		/* tc_scn_ramp of the launch ramp */
} eng_par;

typedef struct eng {
	const tc_kg *kg;
	const tc_catalog *cat;
	tc_forecast_opts opts;
	size_t n_nodes, n_edges, n_classes, n_kpis;
	eng_class *cls;
	size_t *class_of;	/* node -> class index, or SIZE_MAX */
	size_t *kpi_of;		/* node -> KPI index, or SIZE_MAX */
	size_t *kpi_node;	/* KPI index -> node */
	uint64_t *node_id;	/* stream ids */
	/*
	 * [node][purpose - TC_RNG_NOISE]: the keys of a node's streams of
	 * noise, counts, requests and aggregates (tci_rng_key).
	 */
	uint64_t *node_key;
	uint64_t *attr_id;	/* [node][attr]: join(node id, attr name) */
	uint64_t *weekly_id;	/* [node][7]: join(join(id, "weekly"), d) */
	uint64_t *edge_id;
	const size_t *order, *first_order;
	size_t *cycle;		/* node -> cycle number, 0 when none */
	int monthly;		/* runs of days may be drawn at once */
	uint64_t runs_from;	/* trials from here draw runs of days */
	/* The graph in arrays for the day loop (kg accessors are calls). */
	unsigned char *is_kpi, *is_root;
	size_t *in_start;	/* node -> first of its incoming edges */
	size_t *in_list;	/* incoming edge indices, node by node */
	size_t *e_src;		/* edge -> source node */
	int64_t *e_lag;
	unsigned char *e_calls;	/* edge is a calls edge */
	unsigned char *called;	/* node: the target of a calls edge */
	int64_t as_of;
	int n_months;
	int *day_month;		/* month index of each day */
	unsigned char *day_wd;	/* weekday of each day, Monday 0 */
	int64_t *month_first;	/* first day (since 1970) of each month */
	double *central;	/* [node][attr] means, no uncertainty */
	double *central_weekly;	/* [node][7] */
	/*
	 * What every trial takes without drawing (trial.c): per node and
	 * attribute ENG_FIX_DRAW, ENG_FIX_NONE (no spec: the default) or
	 * ENG_FIX_VALUE (a constant, or the mean without parameter
	 * uncertainty) with its value; per node the normalised weekly
	 * factors when all seven are such, and per edge its rate.
	 */
	unsigned char *fix;	/* [node][attr] */
	double *fix_val;	/* [node][attr] */
	unsigned char *fix_weekly;	/* [node]: 1 when fixed */
	double *fix_wk;		/* [node][7] */
	unsigned char *fix_rate;	/* [edge]: 1 when fixed */
	double *fix_rval;	/* [edge] */
	tc_spec **central_specs;	/* [class][ENG_Q_COUNT] */
	struct escn *scn;	/* the scenario's overlay, or NULL */
	/* Sensitivity: the uncertain inputs, by stream element id. */
	uint64_t *sens_id;	/* sorted */
	size_t *sens_idx;	/* input index of sens_id[i] */
	char **sens_name;	/* [input] */
	unsigned char *sens_fixable;	/* [input]: a rerun can fix it */
	size_t n_sens;
	const double *sens_fix;	/* [input]: a value in place of the
				   draw, NAN to draw; NULL: none */
} eng;

/* One thread's scratch. */
typedef struct eng_work {
	gsl_rng *r;
	eng_par *par;		/* per node */
	double *rate;		/* per edge */
	eng_req *req;		/* per class */
	const eng_req **reqp;	/* per class: req or the class's fixed */
	double *val;		/* [node][day]: K(t) or N(t) */
	double *out;		/* [day][class][metric] */
	double *kpi_sum;	/* per KPI: sum of K(t) over days */
	double *pre;		/* per node: steady first-day value */
	double *month_sums;	/* [month][class+1][metric] of a trial */
	double *grow;		/* [root node][day]: growth factor G(t) */
	uint32_t *blocks;	/* [day][8]: streams' first blocks */
	unsigned char *plain;	/* per node: drawn whole (trial.c) */
	int over;		/* a plain class's demand is out of range */
	double *cum;		/* [class][run start][3]: sums of m^1..3 */
	unsigned char *cum_set;	/* [class]: cum holds this trial's */
	int *run_end;		/* [class][day]: runs under a scenario */
	unsigned char *starts;	/* [day]: a run of some class starts */
	const int **ends;	/* [class]: this trial's runs */
	struct escn_work *sw;	/* the scenario's per-trial state */
	double *inp;		/* [input]: this trial's draws */
} eng_work;

/*
 * Whether a trial draws each class's runs of days at once (monthly
 * mode): every trial without daily statistics, the trials beyond the
 * daily subsample with them (docs/engine.md).
 */
static inline int eng_by_runs(const eng *e, uint64_t trial)
{
	return e->monthly && trial >= e->runs_from;
}

/* setup.c: prefixes err's message with "WHAT: " and sets its element. */
tc_status eng_rewrap(tc_error *err, tc_status st, const char *element,
		     const char *fmt, const char *arg);

/* setup.c: the price periods of class c on model over the horizon. */
tc_status eng_setup_prices(eng *e, eng_class *c, const char *model,
			   tc_error *err);

/* sensitivity.c: the inputs of a run; a draw's record and override. */
tc_status eng_sens_setup(eng *e);
void eng_sens_cleanup(eng *e);
void eng_sens_note(const eng *e, eng_work *w, uint64_t id, double x);
int eng_sens_fixed(const eng *e, uint64_t id, double *x);
void eng_sens_note_params(const eng *e, eng_work *w, uint64_t id,
			  const tc_spec *spec, const tc_spec *drawn);

/* trial.c */
enum { ENG_FIX_DRAW = 0, ENG_FIX_NONE, ENG_FIX_VALUE };
/*
 * Fills e->fix and the values beside it; TC_ERR_NOMEM. With
 * sensitivity on, everything is drawn (a rerun may fix any input).
 */
tc_status eng_fixed_setup(eng *e);
tc_status eng_setup(eng *e, const tc_kg *kg, const tc_catalog *cat,
		    const tc_forecast_opts *o, tc_error *err);
void eng_cleanup(eng *e);
eng_work *eng_work_new(const eng *e);
void eng_work_free(const eng *e, eng_work *w);
tc_status eng_trial(const eng *e, eng_work *w, uint64_t trial,
		    tc_error *err);
/*
 * Monthly mode's runs of class i: end[t0] is the end of the run that
 * starts on day t0 (days of one month and price period, and with a
 * trial's w, one scenario state).
 */
void eng_fill_runs(const eng *e, const eng_work *w, size_t i, int *end);
double eng_central(const tc_spec *spec, int *ok);
/* A node's attribute spec, or the one a scenario puts in its place. */
const tc_spec *eng_node_spec(const eng *e, size_t node, tc_kg_attr a);
/* An edge's rate spec, or the one a scenario puts in its place. */
const tc_spec *eng_edge_rate(const eng *e, size_t edge);
tc_spec *eng_central_spec(const tc_spec *s);

/* requests.c */
tc_status eng_req_prepare(const eng *e, const eng_class *c, eng_req *q,
			  tc_error *err);
void eng_req_release(eng_req *q);
double eng_token_at(const eng_req *q, int k, double z);
tc_status eng_shares_moments(const eng_req *q, eng_shares *sh);
void eng_day_sums(const eng_class *c, const eng_req *q, gsl_rng *r,
		  int day, double n, double switch_n, double *out);
void eng_day_requests(const eng_class *c, const eng_req *q, gsl_rng *r,
		      int day, double n, double *out);
/*
 * eng_day_aggregate of a plain sum law (eng_agg.plain) from a stream
 * whose first block is b (tci_philox_fill), when each sum's normal
 * takes its first try and is a normal or a gamma of a large shape:
 * 1 with out filled as eng_day_aggregate would fill it; else 0, and the
 * caller draws from the stream.
 */
int eng_day_aggregate_first(const eng_class *c, const eng_req *q, int day,
			    double n, const uint32_t b[4], double *out);
void eng_day_aggregate(const eng_class *c, const eng_req *q, gsl_rng *r,
		       int day, double n, double *out);
void eng_rates_of(const tc_price *p, eng_price *out);
tc_status eng_agg_build(const eng_req *q, const eng_price *p,
			eng_agg *a);
/*
 * Builds c->qtab[k] for each of the token specs spec[0], spec[1] that
 * has no uncertain parameter and needs a table (c owns them). TC_OK or
 * TC_ERR_NOMEM.
 */
tc_status eng_qtab_setup(eng_class *c, const tc_spec *const spec[2]);

#endif
