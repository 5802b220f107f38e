/*
 * cmd_backtest.h - what the files of "tokcast backtest" share.
 */
#ifndef TOKCAST_CMD_BACKTEST_H
#define TOKCAST_CMD_BACKTEST_H

#include "cli.h"

#define MAX_SERIES 256

struct bt_args {
	const char *graph, *catalog, *out, *svg;
	const char *files[MAX_SERIES];
	const char *classes[MAX_SERIES];
	size_t nfiles, nclasses;
	int usage_logs;		/* --input usage: per-request logs */
	const char *model;	/* --model: of records naming none */
	tc_series_opts so;
	tc_backtest_opts o;
};

/* The requests of one class of the usage logs, and their days. */
struct bt_class {
	char *name;
	int64_t *t;
	double *input, *output, *cost;	/* per request; cost in USD */
	size_t n, cap;
	tc_daily daily, cost_daily;
	tc_bt_requests req;
};

/*
 * Reads the per-request usage logs of a into classes (the file's
 * --class, else each record's class, else "default"), pricing each
 * request with cat: cls[i] and in[i] for i < *nin. Returns a CLI exit
 * code; on failure what was filled must still be freed with
 * cli_backtest_free_logs.
 */
int cli_backtest_read_logs(const struct bt_args *a, const tc_catalog *cat,
			   struct bt_class *cls, tc_bt_input *in,
			   size_t *nin);
void cli_backtest_free_logs(struct bt_class *cls, size_t n);

#endif
