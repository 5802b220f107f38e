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
};

/* Everything one run of the command gathers. */
struct fit_run {
	struct fit_class *classes;
	size_t nclasses, cap;
	char *sources;		/* the log paths, comma separated */
	uint64_t rows, rejected, duplicates;
	tc_fit_opts opts;
};

/* The attribute name of a share. */
const char *fit_share_attr(enum fit_share_kind k);

/*
 * Writes the fits onto the graph at graph_path and saves it to out_path.
 * add_classes adds classes the graph lacks. Returns an exit code.
 */
int fit_write_graph(const struct fit_run *run, const char *graph_path,
		    const char *out_path, int add_classes);

/* Writes DIR/<class>_<quantity>.svg per fit. Returns an exit code. */
int fit_write_plots(const struct fit_run *run, const char *dir);

#endif
