/*
 * escn.h - a scenario's overlay compiled for the engine (internal):
 * attribute specs a change puts in place of the graph's, the nodes and
 * edges whose values change from a date, the alternate tracks of model
 * switches and the catalog rows of price changes (docs/scenarios.md).
 */
#ifndef TOKCAST_ENGINE_ESCN_H
#define TOKCAST_ENGINE_ESCN_H

#include "eng.h"
#include "tokcast/scenario.h"

/*
 * A MODEL change (the class's requests it moves, priced on its model),
 * or a dated SET of a per-request attribute (all requests from its
 * date, with the new spec).
 */
typedef struct escn_track {
	size_t change;		/* index in the scenario */
	size_t ci;		/* class index */
	int q;			/* SET: the eng_q replaced; -1 for MODEL */
	eng_class cls;		/* the class on the track's prices */
} escn_track;

/* A catalog row with some PRICE changes applied, kept for the run. */
typedef struct escn_row {
	const tc_price *base;
	uint64_t mask;		/* PRICE changes applied (bit per change) */
	tc_price row;
} escn_row;

/*
 * A class (or track) whose model has PRICE changes of uncertain date:
 * its price periods are the union over every subset of those changes
 * being in effect, dp[subset][day] the period of each day.
 */
typedef struct escn_uprice {
	const eng_class *cls;
	size_t n;		/* uncertain changes, at most 4 */
	size_t ch[4];		/* their change indices */
	unsigned char *dp;	/* [1 << n][day] */
} escn_uprice;

/* A drives edge a LAUNCH adds (driven_by). */
typedef struct escn_edge {
	size_t change, k;	/* the change and its edge number */
	size_t src, dst;	/* node indices */
	int64_t lag;
} escn_edge;

typedef struct escn {
	const tc_scenario *sc;
	size_t n_ch;
	const tc_scn_change **ch;
	const tc_spec **repl;	/* [node][attr]: replacing spec or NULL */
	const tc_spec **erepl;	/* [edge]: replacing rate spec or NULL */
	int *shape;		/* [node]: launch ramp shape */
	unsigned char *touched;	/* [node]: some change from a date */
	unsigned char *edated;	/* [edge]: a rate set from a date */
	escn_track *track;
	size_t n_track;
	size_t n_price;		/* PRICE changes (at most 64) */
	escn_row **rows;
	size_t n_rows;
	escn_uprice *up;
	size_t n_up;
	escn_edge *xe;		/* added edges */
	size_t n_xe;
	size_t *order, *first_order;	/* with the added edges */
	unsigned char *busy;	/* [class]: a track or varying prices */
} escn;

/* One thread's per-trial state of the overlay. */
typedef struct escn_work {
	int64_t *when;		/* [change]: drawn day, INT64_MIN: always */
	double *val;		/* [change]: drawn value */
	double *wk;		/* [change][7]: drawn weekly profile */
	double *dem;		/* [node][day]: demand or its factor */
	double *all;		/* [node][day]: factor of the whole m(t) */
	double *erate;		/* [edge][day]: rate from dated sets */
	double *noise;		/* [node][day]: noise sigma of the day */
	double *disp;		/* [node][day]: dispersion of the day */
	double *share;		/* [track] */
	eng_req *treq;		/* [track] */
	tc_spec **towned;	/* [track]: an instantiated SET spec */
	eng_req *creq;		/* [switch track][set track]: combined */
	size_t *order;		/* scratch: a node's changes by date */
	eng_class *ucls;	/* [uprice]: the class with this trial's
				   day_price */
	double *xrate;		/* [added edge]: this trial's rate */
} escn_work;

/*
 * 0 when the scenario makes some class's daily expectation depend on
 * more than the trial's parameters: a dated noise on a KPI, or a
 * launch driven by a class.
 */
int escn_expectations_fixed(const eng *e);
/*
 * Whether class ci is in the same state on days t0 and t (the same
 * switches and sets active, the same price periods), so that monthly
 * mode may draw the two days in one run.
 */
int escn_same_run(const eng *e, const eng_work *w, size_t ci, int t0,
		  int t);
/* Compiles the overlay (after the node tables, before the prices). */
tc_status escn_setup(eng *e, const tc_scenario *sc, tc_error *err);
/* The tracks' prices and moments, after the classes' set-up. */
tc_status escn_setup_tracks(eng *e, tc_error *err);
void escn_cleanup(eng *e);
escn_work *escn_work_new(const eng *e);
void escn_work_free(const eng *e, escn_work *sw);
/*
 * The row of a day with the scenario's price changes applied: those of
 * constant date in effect, and those of uncertain date in force (a bit
 * per PRICE change in list order).
 */
tc_status escn_price(eng *e, const tc_price *row, int64_t day,
		     uint64_t force, const tc_price **out, tc_error *err);
/* Rebuilds c's periods when PRICE changes of uncertain date apply. */
tc_status escn_uprices(eng *e, eng_class *c, const char *model,
		       tc_error *err);
/* Draws the trial's dates and values and fills the per-day arrays. */
tc_status escn_trial(const eng *e, eng_work *w, uint64_t trial,
		     tc_error *err);
/* A touched node's noise sigma and dispersion on day t. */
void escn_day_params(const eng *e, const eng_work *w, size_t node, int t,
		     double *noise_s, double *disp);
/* The added edges' inflow of a node on day t. */
double escn_inflow(const eng *e, const eng_work *w, size_t node, int t);
/* Applies a touched node's day to its demand and whole expectation. */
void escn_adjust(const eng *e, const eng_work *w, size_t node, int t,
		 double *dem, double *all);
/*
 * Draws a class's day t (or its run of days from t, n requests in all)
 * when a model switch is active on it, into out, on substream sub of
 * its streams; returns 0 (nothing written) when none is.
 */
int escn_class_day(const eng *e, eng_work *w, uint64_t trial, size_t ci,
		   int t, uint32_t sub, double n, double *out);

#endif
