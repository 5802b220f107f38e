/*
 * cmd_backtest.c - "tokcast backtest SERIES... --graph G": rolling-origin
 * evaluation of the forecast intervals against what the series then
 * showed (docs/cli-backtest.md).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_backtest.h"

static const char backtest_help[] =
	"usage: tokcast backtest LOG... --graph G.graphml "
	"[--horizon 28d]\n"
	"                        [--input series|usage]\n"
	"                        [--windows N] [--step 7d] [--trials N] "
	"[--seed S]\n"
	"                        [--metric requests|cost] [--class NAME]...\n"
	"                        [--model M]\n"
	"                        [--time-col C] [--count-col C] "
	"[--time-unit h]\n"
	"                        [--origin DATE] [--min-history N] "
	"[--min-observed F]\n"
	"                        [--no-parameter-uncertainty] [--catalog "
	"FILE]\n"
	"                        [-o OUT.csv|OUT.json] [--svg PIT.svg]\n"
	"\n"
	"Rolling-origin backtest of daily request forecasts: at each origin\n"
	"the daily volume is fitted on the history before it, the engine\n"
	"forecasts the horizon, and the intervals are scored against the\n"
	"series (docs/backtest.md). Each LOG is a count series, aggregated\n"
	"request counts per time bucket (docs/series.md), or with --input\n"
	"usage a per-request usage log (docs/usage-formats.md).\n"
	"\n"
	"  --graph G             the graph holding each class (model, tokens)\n"
	"  --input series|usage  count series (default) or usage logs\n"
	"  --horizon D           days forecast from each origin (28d)\n"
	"  --step D              days between origins (7d)\n"
	"  --windows N           at most N origins, the latest (all)\n"
	"  --trials N            engine trials per origin (2000)\n"
	"  --seed S              the random seed (1); origin k uses S + k\n"
	"  --metric M            requests, or cost (usage logs only: the\n"
	"                        tokens are refitted at each origin)\n"
	"  --model M             the model of usage records naming none\n"
	"  --class NAME          the class of the next LOG (repeat per file;\n"
	"                        default: a series' file name without .csv,\n"
	"                        a usage log's record classes)\n"
	"  --time-col, --count-col C  column names (the first two columns)\n"
	"  --time-unit U         a row's bucket: s, min, h (default), d\n"
	"  --origin T            the time of bucket 0 (1970-01-01)\n"
	"  --min-history N       days of history at least (3)\n"
	"  --min-observed F      profile share below which a partial day is\n"
	"                        missing (0.5)\n"
	"  --no-parameter-uncertainty  the engine's per-trial parameters at\n"
	"                        their means\n"
	"  --catalog FILE        a catalog overriding the bundled one\n"
	"  -o FILE               write JSON or CSV (by extension)\n"
	"  --svg FILE            the PIT histograms as an SVG chart\n"
	"  -h, --help            this help\n";

/* "s", "min", "h" or "d" into microseconds; -1 when unknown. */
static int parse_bucket(const char *s, int64_t *us)
{
	static const struct { const char *name; int64_t us; } u[] = {
		{"s", 1000000LL}, {"min", 60000000LL},
		{"h", 3600000000LL}, {"d", 86400000000LL},
	};
	size_t i;

	for (i = 0; i < sizeof u / sizeof u[0]; i++)
		if (!strcmp(s, u[i].name)) {
			*us = u[i].us;
			return 0;
		}
	return -1;
}

/* Options taking a number. */
static int num_option(struct bt_args *a, int c, const char *arg)
{
	double v;

	switch (c) {
	case 'H':
		if (cli_parse_whole(arg, "d", 1, 3660, &v) < 0)
			return -1;
		a->o.horizon = (int)v;
		return 0;
	case 'p':
		if (cli_parse_whole(arg, "d", 1, 3660, &v) < 0)
			return -1;
		a->o.step = (int)v;
		return 0;
	case 'w':
		if (cli_parse_whole(arg, "", 1, 100000, &v) < 0)
			return -1;
		a->o.windows = (int)v;
		return 0;
	case 'n':
		if (cli_parse_whole(arg, "", 1, 10000000, &v) < 0)
			return -1;
		a->o.trials = (size_t)v;
		return 0;
	case 'S':
		if (cli_parse_whole(arg, "", 0, 9007199254740992.0,
				    &v) < 0)
			return -1;
		a->o.seed = (uint64_t)v;
		return 0;
	case 'm':
		if (cli_parse_whole(arg, "d", 1, 100000, &v) < 0)
			return -1;
		a->o.min_history = (int)v;
		return 0;
	}
	return -1;
}

/* Takes a LOG file; -1 when there are already as many as fit. */
static int take_file(void *ctx, const char *arg)
{
	struct bt_args *a = ctx;

	if (a->nfiles == MAX_SERIES)
		return -1;
	a->files[a->nfiles++] = arg;
	return 0;
}

/* Handles one option of a struct bt_args; 0 done, -1 bad (printed). */
static int option(void *ctx, int c, const char *arg)
{
	struct bt_args *a = ctx;
	char *end;

	switch (c) {
	case 'g': a->graph = arg; return 0;
	case 'c': a->catalog = arg; return 0;
	case 'o': a->out = arg; return 0;
	case 'v': a->svg = arg; return 0;
	case 'L': a->model = arg; return 0;
	case 'T': a->so.time_col = arg; return 0;
	case 'C': a->so.count_col = arg; return 0;
	case 'u': a->o.no_parameter_uncertainty = 1; return 0;
	case 'I':
		if (strcmp(arg, "series") && strcmp(arg, "usage"))
			break;
		a->usage_logs = !strcmp(arg, "usage");
		return 0;
	case 'k':
		if (a->nclasses == MAX_SERIES)
			break;
		a->classes[a->nclasses++] = arg;
		return 0;
	case 'M':
		if (strcmp(arg, "requests") && strcmp(arg, "cost"))
			break;
		a->o.metric = strcmp(arg, "cost") ? TC_BT_REQUESTS
						  : TC_BT_COST;
		return 0;
	case 'U':
		if (parse_bucket(arg, &a->so.bucket_us) < 0)
			break;
		return 0;
	case 'O':
		if (tc_usage_parse_time(arg, TC_UNIT_S, &a->so.origin_us) !=
		    TC_OK)
			break;
		return 0;
	case 'F':
		a->so.min_observed = strtod(arg, &end);
		if (end == arg || *end || !(a->so.min_observed >= 0 &&
		    a->so.min_observed <= 1))
			break;
		return 0;
	default:
		if (num_option(a, c, arg) == 0)
			return 0;
	}
	cli_usage_error("tokcast backtest", "bad value '%s'", arg);
	return -1;
}

static int parse_args(int argc, char **argv, struct bt_args *a, int *code)
{
	static const struct option opts[] = {
		{"graph", required_argument, NULL, 'g'},
		{"input", required_argument, NULL, 'I'},
		{"model", required_argument, NULL, 'L'},
		{"horizon", required_argument, NULL, 'H'},
		{"step", required_argument, NULL, 'p'},
		{"windows", required_argument, NULL, 'w'},
		{"trials", required_argument, NULL, 'n'},
		{"seed", required_argument, NULL, 'S'},
		{"metric", required_argument, NULL, 'M'},
		{"class", required_argument, NULL, 'k'},
		{"time-col", required_argument, NULL, 'T'},
		{"count-col", required_argument, NULL, 'C'},
		{"time-unit", required_argument, NULL, 'U'},
		{"origin", required_argument, NULL, 'O'},
		{"min-history", required_argument, NULL, 'm'},
		{"min-observed", required_argument, NULL, 'F'},
		{"no-parameter-uncertainty", no_argument, NULL, 'u'},
		{"catalog", required_argument, NULL, 'c'},
		{"output", required_argument, NULL, 'o'},
		{"svg", required_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const struct cli_opt_loop loop = {"tokcast backtest", backtest_help,
					  opts, a, take_file, option};

	if (cli_parse_opts(argc, argv, &loop, code) < 0)
		return -1;
	if (!a->nfiles || !a->graph) {
		cli_usage_error("tokcast backtest", "give LOG files and "
				"--graph");
		return -1;
	}
	if (a->nclasses && a->nclasses != a->nfiles) {
		cli_usage_error("tokcast backtest", "%zu --class for %zu "
				"files: give one per file or none",
				a->nclasses, a->nfiles);
		return -1;
	}
	if (!a->usage_logs && a->o.metric == TC_BT_COST) {
		cli_usage_error("tokcast backtest", "--metric cost needs "
				"usage logs (--input usage): count series "
				"have no tokens");
		return -1;
	}
	*code = CLI_OK;
	return 0;
}

/* The default class of a file: its name without folder and ".csv". */
static char *stem(const char *path)
{
	const char *b = strrchr(path, '/');
	char *s = strdup(b ? b + 1 : path);
	size_t n = s ? strlen(s) : 0;

	if (n > 4 && !strcmp(s + n - 4, ".csv"))
		s[n - 4] = 0;
	return s;
}

/* Writes one output through a tc_outfile (all or nothing). */
static int write_file(const char *path, const tc_backtest *bt, int kind)
{
	tc_outfile *of = NULL;
	tc_error err = {0};
	tc_status st;
	FILE *fp;

	if (tc_outfile_open(path, &of, &err) != TC_OK)
		return cli_fail(&err);
	fp = tc_outfile_stream(of);
	st = kind == 0 ? tc_backtest_write_json(bt, fp, &err) :
	     kind == 1 ? tc_backtest_write_csv(bt, fp, &err) :
			 tc_backtest_write_svg(bt, fp, &err);
	return cli_outfile_end(of, st, &err);
}

/* -o by its extension, then --svg. */
static int write_outputs(const struct bt_args *a, const tc_backtest *bt)
{
	size_t n = a->out ? strlen(a->out) : 0;
	int rc = CLI_OK;

	if (a->out) {
		if (n >= 4 && !strcmp(a->out + n - 4, ".csv"))
			rc = write_file(a->out, bt, 1);
		else
			rc = write_file(a->out, bt, 0);
	}
	if (rc == CLI_OK && a->svg)
		rc = write_file(a->svg, bt, 2);
	return rc;
}

/* Reads every series; names[i] gets each class (malloc'd). */
static int read_series(const struct bt_args *a, tc_daily *d,
		       tc_bt_input *in, char **names, size_t *nin)
{
	tc_error err = {0};
	size_t i;

	for (i = 0; i < a->nfiles; i++) {
		*nin = i + 1;
		names[i] = a->nclasses ? strdup(a->classes[i])
				       : stem(a->files[i]);
		if (!names[i])
			return CLI_FAILURE;
		if (tc_series_read(a->files[i], &a->so, &d[i], &err) != TC_OK)
			return cli_fail(&err);
		if (d[i].scaled || d[i].missing)
			cli_say("%s: %zu empty bucket(s); %zu day(s) scaled "
				"up from their observed hours, %zu missing",
				a->files[i], d[i].gaps, d[i].scaled,
				d[i].missing);
		in[i].cls = names[i];
		in[i].daily = &d[i];
	}
	return CLI_OK;
}

/* Runs the backtest on the inputs read, prints and writes. */
static int backtest(struct bt_args *a, const tc_catalog *cat,
		    const tc_bt_input *in, size_t nin)
{
	tc_graph *g = NULL;
	tc_backtest *bt = NULL;
	tc_error err = {0};
	int rc;

	if (tc_graph_read_file(a->graph, NULL, &g, NULL, &err) != TC_OK)
		return cli_fail(&err);
	if (tc_backtest_run(g, cat, in, nin, &a->o, &bt, &err) != TC_OK) {
		rc = cli_fail(&err);
		if (err.status == TC_ERR_NUMERIC)
			rc = CLI_INVALID;
		goto out;
	}
	rc = cli_backtest_summary(bt);
	if (rc == CLI_OK)
		rc = write_outputs(a, bt);
out:
	tc_backtest_free(bt);
	tc_graph_free(g);
	return rc;
}

/* Count series: reads them, then runs. */
static int run_series(struct bt_args *a, const tc_catalog *cat)
{
	tc_daily d[MAX_SERIES] = {{0}};
	tc_bt_input in[MAX_SERIES];
	char *names[MAX_SERIES] = {0};
	size_t i, nin = 0;
	int rc;

	rc = read_series(a, d, in, names, &nin);
	if (rc == CLI_OK)
		rc = backtest(a, cat, in, nin);
	for (i = 0; i < nin; i++) {
		tc_daily_free(&d[i]);
		free(names[i]);
	}
	return rc;
}

/* Usage logs: reads and prices their requests, then runs. */
static int run_logs(struct bt_args *a, const tc_catalog *cat)
{
	struct bt_class *cls = calloc(MAX_SERIES, sizeof *cls);
	tc_bt_input in[MAX_SERIES];
	size_t nin = 0;
	int rc;

	if (!cls)
		return CLI_FAILURE;
	rc = cli_backtest_read_logs(a, cat, cls, in, &nin);
	if (rc == CLI_OK)
		rc = backtest(a, cat, in, nin);
	cli_backtest_free_logs(cls, nin);
	free(cls);
	return rc;
}

/*
 * Checks the outputs, loads the catalog and runs on series or logs. The
 * outputs come first, so a long run does not end on a missing folder.
 */
static int run(struct bt_args *a)
{
	tc_catalog *cat = NULL;
	int rc = cli_check_writable(a->out);

	if (rc == CLI_OK)
		rc = cli_check_writable(a->svg);
	if (rc == CLI_OK)
		rc = cli_load_catalog(a->catalog, &cat);
	if (rc != CLI_OK)
		return rc;
	rc = a->usage_logs ? run_logs(a, cat) : run_series(a, cat);
	tc_catalog_free(cat);
	return rc;
}

int cli_backtest(int argc, char **argv)
{
	struct bt_args a;
	int code;

	memset(&a, 0, sizeof a);
	tc_series_opts_init(&a.so);
	tc_backtest_opts_init(&a.o);
	if (parse_args(argc, argv, &a, &code) < 0)
		return code;
	return run(&a);
}
