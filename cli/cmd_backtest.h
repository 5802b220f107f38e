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
	tc_series_opts so;
	tc_backtest_opts o;
};

/*
 * Reads the per-request usage logs of a into daily counts per class (the
 * file's --class, else each record's class, else "default"): d[i], in[i]
 * and names[i] (malloc'd) for i < *nin. Returns a CLI exit code; on
 * failure what was filled must still be freed.
 */
int cli_backtest_read_logs(const struct bt_args *a, tc_daily *d,
			   tc_bt_input *in, char **names, size_t *nin);

#endif
