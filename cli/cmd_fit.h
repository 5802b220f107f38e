/*
 * cmd_fit.h - pieces of "tokcast fit" shared by its two sources: the
 * per-class data read from the logs and the fits made from them.
 */
#ifndef TOKCAST_CMD_FIT_H
#define TOKCAST_CMD_FIT_H

#include <stdint.h>

#include "cli.h"

/* The shares a class may carry, in the graph's attribute names. */
enum fit_share_kind {
	FIT_CACHED = 0,
	FIT_CACHE_WRITE,
	FIT_CACHE_WRITE_1H,
	FIT_REASONING,
	FIT_NSHARES
};

/* One growable array of doubles. */
struct fit_vec {
	double *v;
	size_t n, cap;
};

/* A class's records and, after fitting, its fits. */
struct fit_class {
	char *name;
	char *model;		/* the first model named by its records */
	struct fit_vec input, output;
	struct fit_vec share[FIT_NSHARES];
	size_t share_zeros[FIT_NSHARES];	/* zeros before any positive */
	int64_t *times;
	size_t ntimes, captimes;
	int64_t tmin, tmax;

	int ok_input, ok_output, ok_corr, ok_volume;
	int ok_share[FIT_NSHARES];
	tc_fit_result in, out;
	tc_fit_share sh[FIT_NSHARES];
	double rho, rho_se;
	tc_fit_volume vol;
	int written;		/* its volume goes onto a root node */
};

/* Where the written levels are placed (cmd_fit_level.c). */
enum fit_level_mode {
	FIT_LEVEL_NONE = 0,	/* no volume is written */
	FIT_LEVEL_WRITE,	/* at as_of, which the graph receives */
	FIT_LEVEL_KEEP,		/* at the graph's own as_of, kept */
	FIT_LEVEL_LAST		/* each at its log's last day, no as_of */
};

/* Everything one run of the command gathers. */
struct fit_run {
	struct fit_class *classes;
	size_t nclasses, cap;
	char *sources;		/* the log paths, comma separated */
	uint64_t rows, rejected, duplicates;
	tc_fit_opts opts;
	enum fit_level_mode level_mode;
	int64_t as_of;		/* FIT_LEVEL_WRITE and _KEEP: the day */
};

/* The attribute name of a share. */
const char *fit_share_attr(enum fit_share_kind k);

/* The knowledge graph fits are written onto, read before the logs. */
struct fit_graph {
	tc_kg *kg;
	tc_graph *g;
};

/*
 * Reads and validates the graph at graph_path into fg, so that a bad
 * graph fails before the logs are read. Returns an exit code; on
 * failure fg holds nothing.
 */
int fit_load_graph(const char *graph_path, struct fit_graph *fg);

/* Frees what fit_load_graph read. Accepts an empty fg. */
void fit_graph_free(struct fit_graph *fg);

/*
 * Writes the fits onto fg (read from graph_path) and saves it to
 * out_path. add_classes adds classes the graph lacks. Returns an exit
 * code.
 */
int fit_write_graph(const struct fit_run *run, struct fit_graph *fg,
		    const char *graph_path, const char *out_path,
		    int add_classes);

/*
 * Chooses the day the levels of the classes whose volume is written
 * describe, and refits their volumes there (docs/fitting.md, "Where the
 * level is placed"). fg->kg is NULL without a graph; add is
 * --add-classes. Fills run->level_mode and run->as_of, and each class's
 * written flag.
 */
void fit_place_levels(struct fit_run *run, const struct fit_graph *fg,
		      int add);

/* Writes DIR/<class>_<quantity>.svg per fit. Returns an exit code. */
int fit_write_plots(const struct fit_run *run, const char *dir);

#endif
