/*
 * cmd_forecast.c - "tokcast forecast G.graphml": a quarter's cost per
 * feature class by Monte Carlo, as a summary on stdout and as JSON or
 * CSV (docs/cli-forecast.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fc_args.h"

static const char forecast_help[] =
	"usage: tokcast forecast G.graphml (--quarter [FY]YYYYQn | --start "
	"DATE --days N)\n"
	"                        [--fiscal-year-start MM] [--trials N] "
	"[--seed S]\n"
	"                        [--threads T] [--quantiles 5,10,50,90,95]\n"
	"                        [--no-parameter-uncertainty] [--no-days]\n"
	"                        [--days-total] [--daily-trials N|all]\n"
	"                        [--catalog FILE] [-o OUT.csv|OUT.json]\n"
	"                        [--scenario S.yaml] [--budget [CLASS=]USD]\n"
	"                        [--fail-if-exceed-probability P]\n"
	"                        [--sensitivity] [--tornado OUT.svg]\n"
	"\n"
	"Forecasts the cost of every feature class of a knowledge graph by\n"
	"Monte Carlo (docs/engine.md), prices at each day's catalog rates,\n"
	"and prints the horizon's total with its interval, the classes by\n"
	"cost and the unit economics.\n"
	"\n"
	"  --quarter Q           2027Q1 (calendar) or FY2027Q1 (fiscal)\n"
	"  --fiscal-year-start MM  the fiscal year's first month (1-12); the\n"
	"                        fiscal year is named by the year it ends in\n"
	"  --start DATE --days N a horizon of N days from DATE instead\n"
	"  --trials N            Monte Carlo trials (10000)\n"
	"  --seed S              the random seed (1)\n"
	"  --threads T           worker threads (the processors online);\n"
	"                        results do not depend on it\n"
	"  --quantiles LIST      percentages (5,50,95)\n"
	"  --no-parameter-uncertainty  per-trial parameters at their means\n"
	"  --no-days             leave the per-day statistics out (faster)\n"
	"  --days-total          per-day statistics of the total alone\n"
	"  --daily-trials N|all  trials the per-day statistics come from\n"
	"                        (1000; the rest draw whole months)\n"
	"  --catalog FILE        a catalog overriding the bundled one\n"
	"  -o FILE               write JSON or CSV (by extension)\n"
	"  --scenario S.yaml     forecast under a what-if scenario\n"
	"                        (docs/scenarios.md)\n"
	"  --budget [CLASS=]USD  a quarter budget, total or per class\n"
	"                        (repeatable; replaces the scenario's)\n"
	"  --fail-if-exceed-probability P  exit 4 when a budget's\n"
	"                        exceedance probability is above P\n"
	"  --sensitivity         what drives the variance: rank correlation,\n"
	"                        share of variance, one-at-a-time swing\n"
	"  --tornado OUT.svg     the total's tornado chart (implies\n"
	"                        --sensitivity)\n"
	"  -h, --help            this help\n";

/* "5,50,95" into percentages strictly between 0 and 100. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The quantiles in increasing order; -1 when one is not strictly
 * between 0 and 100, or two would have the same key ("p50").
 */
static int parse_quantiles(const char *s, tc_forecast_opts *o)
{
	char k0[40], k1[40];
	size_t i;

	o->n_quantiles = 0;
	while (*s) {
		char *end;
		double v = strtod(s, &end);

		if (end == s || !(v > 0 && v < 100) ||
		    o->n_quantiles == TC_FORECAST_MAX_QUANTILES ||
		    (*end && *end != ','))
			return -1;
		o->quantiles[o->n_quantiles++] = v;
		s = *end ? end + 1 : end;
		/* "50," names no last quantile: a typo, not a list. */
		if (*end && !*s)
			return -1;
	}
	qsort(o->quantiles, o->n_quantiles, sizeof *o->quantiles,
	      cmp_double);
	for (i = 1; i < o->n_quantiles; i++) {
		snprintf(k0, sizeof k0, "%.10g", o->quantiles[i - 1]);
		snprintf(k1, sizeof k1, "%.10g", o->quantiles[i]);
		if (strcmp(k0, k1) == 0)
			return -1;
	}
	return o->n_quantiles ? 0 : -1;
}

/*
 * A seed: a whole number from 0 to 2^63 - 1 (the JSON's integers are
 * signed 64-bit), digits only.
 */
static int parse_seed(const char *s, uint64_t *seed)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end || errno == ERANGE || v > INT64_MAX)
		return -1;
	*seed = (uint64_t)v;
	return 0;
}

/* What an option's value must be, for its error message. */
static const char *expected(int c)
{
	switch (c) {
	case 'f': return "--fiscal-year-start: expected a month, 1 to 12";
	case 's': return "--start: expected a date YYYY-MM-DD";
	case 'd': return "--days: expected a whole number from 1 to 3660";
	case 'n': return "--trials: expected a whole number from 1 to "
			 "100000000";
	case 'S': return "--seed: expected a whole number from 0 to "
			 "9223372036854775807";
	case 't': return "--threads: expected a whole number from 1 to 64";
	case 'K': return "--daily-trials: expected 'all' or a whole number "
			 "from 1 to 100000000";
	case 'Q': return "--quantiles: expected up to 32 distinct "
			 "percentages strictly between 0 and 100, separated "
			 "by commas";
	case 'x': return "--scenario: at most 16 scenarios";
	case 'F': return "--fail-if-exceed-probability: expected a "
			 "probability from 0 to 1";
	default: return "bad value";
	}
}

/* The first day of month m (1-12) of year y, in days since 1970. */
static int64_t month_day(long y, int m)
{
	char buf[32];
	int64_t d = 0;

	snprintf(buf, sizeof buf, "%04ld-%02d-01", y, m);
	if (cli_parse_date(buf, &d) < 0)
		return INT64_MIN;
	return d;
}

/*
 * "2027Q1" or "FY2027Q1" into its first day and length. A fiscal year
 * starting in month fy (2-12) named Y runs from fy of Y - 1.
 */
static int parse_quarter(const char *s, int fy, int64_t *start, long *days)
{
	int fiscal = strncmp(s, "FY", 2) == 0, q;
	long y, m0;
	char *end;
	int64_t a, b;

	if (fiscal)
		s += 2;
	y = strtol(s, &end, 10);
	if (end - s != 4 || end[0] != 'Q' || end[1] < '1' || end[1] > '4' ||
	    end[2])
		return -1;
	q = end[1] - '1';
	m0 = (fy > 1 ? fy - 1 : 0) + 3 * q;	/* months after Jan of y */
	if (fy > 1)
		y -= 1;
	a = month_day(y + m0 / 12, (int)(m0 % 12) + 1);
	b = month_day(y + (m0 + 3) / 12, (int)((m0 + 3) % 12) + 1);
	if (a == INT64_MIN || b == INT64_MIN)
		return -1;
	*start = a;
	*days = (long)(b - a);
	return 0;
}

/* Takes the graph file, the only positional argument. */
static int take_graph(void *ctx, const char *arg)
{
	struct fc_args *a = ctx;

	if (a->graph)
		return -1;
	a->graph = arg;
	return 0;
}

/* Handles one option of a struct fc_args; 1 done, -1 bad (printed). */
static int option(void *ctx, int c, const char *arg)
{
	struct fc_args *a = ctx;
	double v;
	char *end;

	switch (c) {
	case 'q': a->quarter = arg; return 1;
	case 'c': a->catalog = arg; return 1;
	case 'o': a->out = arg; return 1;
	case 'u': a->o.no_parameter_uncertainty = 1; return 1;
	case 'D': a->o.daily = 0; return 1;
	case 'A': a->o.daily_total_only = 1; return 1;
	case 'f':
		if (cli_parse_whole(arg, "", 1, 12, &v) < 0)
			break;
		a->fy_start = (int)v;
		return 1;
	case 's':
		if (cli_parse_date(arg, &a->start) < 0)
			break;
		a->have_start = 1;
		return 1;
	case 'd':
		if (cli_parse_whole(arg, "", 1, 3660, &v) < 0)
			break;
		a->days = (long)v;
		return 1;
	case 'n':
		if (cli_parse_whole(arg, "", 1, TC_FORECAST_MAX_TRIALS,
				    &v) < 0)
			break;
		a->o.trials = (size_t)v;
		return 1;
	case 'S':
		if (parse_seed(arg, &a->o.seed) < 0)
			break;
		return 1;
	case 't':
		if (cli_parse_whole(arg, "", 1, 64, &v) < 0)
			break;
		a->o.threads = (unsigned)v;
		return 1;
	case 'K':
		if (strcmp(arg, "all") == 0)
			v = TC_FORECAST_MAX_TRIALS;
		else if (cli_parse_whole(arg, "", 1, TC_FORECAST_MAX_TRIALS,
					 &v) < 0)
			break;
		a->o.daily_trials = (size_t)v;
		a->daily_trials_given = 1;
		return 1;
	case 'Q':
		if (parse_quantiles(arg, &a->o) < 0)
			break;
		return 1;
	case 'x':
		if (a->n_scenarios == CLI_MAX_SCENARIOS)
			break;
		a->scenario[a->n_scenarios++] = arg;
		return 1;
	case 'b':
		return cli_budget_add(a, arg) < 0 ? -1 : 1;
	case 'F':
		a->fail_p = strtod(arg, &end);
		if (end == arg || *end || !(a->fail_p >= 0 && a->fail_p <= 1))
			break;
		return 1;
	case 'N': a->no_baseline = 1; return 1;
	case 'V': a->o.sensitivity = 1; return 1;
	case 'T': a->tornado = arg; a->o.sensitivity = 1; return 1;
	}
	cli_usage_error(a->cmd, "%s, got '%s'", expected(c), arg);
	return -1;
}

/* Checks how the horizon was given and fills start and days. */
static int horizon(struct fc_args *a)
{
	if (!a->graph)
		return cli_usage_error(a->cmd,
				       "no graph file given");
	if (a->quarter && a->have_start)
		return cli_usage_error(a->cmd, "give --quarter "
				       "or --start, not both");
	if (a->quarter) {
		if (parse_quarter(a->quarter, a->fy_start, &a->start,
				  &a->days) < 0)
			return cli_usage_error(a->cmd, "bad "
				"quarter '%s' (expected 2027Q1 or FY2027Q1)",
				a->quarter);
	} else if (!a->have_start || !a->days) {
		return cli_usage_error(a->cmd, "give --quarter, "
				       "or --start with --days");
	}
	a->o.start = a->start;
	a->o.days = (int)a->days;
	a->o.fiscal_year_start = a->fy_start;
	return CLI_OK;
}

int cli_fc_parse(int argc, char **argv, struct fc_args *a, int *code)
{
	static const struct option opts[] = {
		{"quarter", required_argument, NULL, 'q'},
		{"fiscal-year-start", required_argument, NULL, 'f'},
		{"start", required_argument, NULL, 's'},
		{"days", required_argument, NULL, 'd'},
		{"trials", required_argument, NULL, 'n'},
		{"seed", required_argument, NULL, 'S'},
		{"threads", required_argument, NULL, 't'},
		{"quantiles", required_argument, NULL, 'Q'},
		{"no-parameter-uncertainty", no_argument, NULL, 'u'},
		{"no-days", no_argument, NULL, 'D'},
		{"days-total", no_argument, NULL, 'A'},
		{"daily-trials", required_argument, NULL, 'K'},
		{"catalog", required_argument, NULL, 'c'},
		{"output", required_argument, NULL, 'o'},
		{"scenario", required_argument, NULL, 'x'},
		{"budget", required_argument, NULL, 'b'},
		{"fail-if-exceed-probability", required_argument, NULL, 'F'},
		{"no-baseline", no_argument, NULL, 'N'},
		{"sensitivity", no_argument, NULL, 'V'},
		{"tornado", required_argument, NULL, 'T'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const struct cli_opt_loop loop = {
		a->cmd, a->help ? a->help : forecast_help, opts, a,
		take_graph, option
	};

	if (cli_parse_opts(argc, argv, &loop, code) < 0)
		return -1;
	/* Otherwise the JSON would claim a daily total it does not have. */
	if (!a->o.daily && a->o.daily_total_only) {
		*code = cli_usage_error(a->cmd, "--days-total and --no-days "
					"contradict: the first keeps the "
					"days' total, the second no days");
		return -1;
	}
	if (!a->o.daily && a->daily_trials_given) {
		*code = cli_usage_error(a->cmd, "--daily-trials and --no-days "
					"contradict: the first chooses the "
					"trials of the days' statistics, the "
					"second has none");
		return -1;
	}
	*code = horizon(a);
	return *code == CLI_OK ? 0 : -1;
}

/* Progress on a terminal: "trials 4096/10000". */
static void progress(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	fprintf(stderr, "\rtokcast: trials %zu/%zu", done, total);
	if (done == total)
		fputc('\n', stderr);
}

/* The newest price date of the catalog, YYYY-MM-DD. */
static void catalog_date(const tc_catalog *cat, char *buf, size_t size)
{
	int64_t last = 0;
	size_t i;

	for (i = 0; i < tc_catalog_count(cat); i++)
		if (tc_catalog_row(cat, i)->effective_from > last)
			last = tc_catalog_row(cat, i)->effective_from;
	cli_format_date(last, buf, size);
}

/* 1 when path ends in suffix. */
static int ends_with(const char *path, const char *suffix)
{
	size_t n = strlen(path), k = strlen(suffix);

	return n >= k && strcmp(path + n - k, suffix) == 0;
}

/*
 * Checks -o and --tornado before the run, so a run of minutes does not
 * end on a misspelt extension or a missing folder. Returns an exit code.
 */
static int check_outputs(const struct fc_args *a)
{
	int rc;

	if (a->out && !ends_with(a->out, ".json") &&
	    !ends_with(a->out, ".csv"))
		return cli_usage_error(a->cmd, "-o wants a .json "
				       "or .csv file, not '%s'", a->out);
	rc = cli_check_writable(a->out);
	return rc == CLI_OK ? cli_check_writable(a->tornado) : rc;
}

/* Writes the JSON or CSV file through a tc_outfile (all or nothing). */
static int write_out(const struct fc_args *a, const tc_forecast *f,
		     const tc_forecast_meta *meta)
{
	int csv = ends_with(a->out, ".csv");
	tc_outfile *of = NULL;
	tc_error err = {0};
	tc_status st;

	if (tc_outfile_open(a->out, &of, &err) != TC_OK)
		return cli_fail(&err);
	st = csv ? tc_forecast_write_csv(f, meta, tc_outfile_stream(of), &err)
		 : tc_forecast_write_json(f, meta, tc_outfile_stream(of),
					  &err);
	return cli_outfile_end(of, st, &err);
}

/* Loads the graph and catalog, runs, prints and writes. */
static int run(struct fc_args *a)
{
	tc_kg *kg = NULL;
	tc_catalog *cat = NULL;
	tc_forecast *f = NULL;
	tc_scenario *sc = NULL;
	tc_diags *diags = tc_diags_new();
	tc_error err = {0};
	char sha[65], cdate[16];
	tc_forecast_meta meta = {sha, cdate, a->o.daily};
	tc_status st;
	int rc;

	if (!diags)
		return CLI_FAILURE;
	st = tc_kg_load_file(a->graph, NULL, &kg, diags, &err);
	if (st != TC_OK) {
		/* A graph's invalid content is in diags, not in err. */
		cli_print_graph_diags(diags, a->graph);
		rc = cli_exit_for(st);
		goto out;
	}
	if ((rc = cli_load_catalog(a->catalog, &cat)) != CLI_OK ||
	    (a->n_scenarios && (rc = cli_scenario_load(a->scenario[0], kg,
				cat, &a->o, &sc)) != CLI_OK) ||
	    (rc = cli_budget_resolve(a, kg)) != CLI_OK)
		goto out;
	a->o.scenario = sc;
	if (tc_sha256_file(a->graph, sha, &err) != TC_OK) {
		rc = cli_fail(&err);
		goto out;
	}
	catalog_date(cat, cdate, sizeof cdate);
	if (isatty(STDERR_FILENO))
		a->o.progress = progress;
	if (tc_forecast_run(kg, cat, &a->o, &f, &err) != TC_OK) {
		/* A spec whose draws leave the domain is invalid input. */
		rc = cli_fail_in(a->graph, &err);
		if (err.status == TC_ERR_NUMERIC)
			rc = CLI_INVALID;
		goto out;
	}
	rc = a->out ? write_out(a, f, &meta) : CLI_OK;
	if (rc == CLI_OK)
		rc = cli_forecast_summary(f, a->graph);
	if (rc == CLI_OK && a->o.sensitivity)
		rc = cli_sensitivity_report(f, a->tornado);
	if (rc == CLI_OK) {
		cli_budget_summary(f);
		if (a->fail_p >= 0)
			rc = cli_budget_gate(f, a->fail_p);
	}
out:
	tc_forecast_free(f);
	tc_scenario_free(sc);
	tc_catalog_free(cat);
	tc_kg_free(kg);
	tc_diags_free(diags);
	return rc;
}

int cli_forecast(int argc, char **argv)
{
	struct fc_args a;
	int code;

	memset(&a, 0, sizeof a);
	a.cmd = "tokcast forecast";
	a.fail_p = -1;
	tc_forecast_opts_init(&a.o);
	a.o.threads = cli_cores();
	if (cli_fc_parse(argc, argv, &a, &code) < 0)
		goto out;
	if (a.n_scenarios > 1)
		code = cli_usage_error(a.cmd, "forecast takes one "
				       "--scenario; see 'tokcast compare'");
	else if ((code = check_outputs(&a)) == CLI_OK)
		code = run(&a);
out:
	cli_budget_free(&a);
	return code;
}
