/*
 * cmd_compare.c - "tokcast compare G --scenario A.yaml [...]": scenarios
 * against the graph alone (baseline) on common random numbers, each
 * class's and the total's quarter interval, the difference against the
 * reference and the probability of costing more (docs/scenarios.md).
 */
#include <stdlib.h>
#include <string.h>

#include "fc_args.h"

static const char compare_help[] =
	"usage: tokcast compare G.graphml --scenario A.yaml [--scenario "
	"B.yaml ...]\n"
	"                       (--quarter [FY]YYYYQn | --start DATE --days "
	"N)\n"
	"                       [--no-baseline] [--trials N] [--seed S] "
	"[--threads T]\n"
	"                       [--quantiles 5,50,95] "
	"[--no-parameter-uncertainty]\n"
	"                       [--catalog FILE] [-o OUT.json]\n"
	"\n"
	"Forecasts the graph alone (named 'baseline') and under each\n"
	"scenario on common random numbers: trial i of every run sees the\n"
	"same draws for every input they share, so differences come from\n"
	"the changes. Prints each run's horizon cost interval per class and\n"
	"in total, the difference against the reference (baseline, or the\n"
	"first scenario with --no-baseline) and P(costs more).\n"
	"'--scenario baseline' places the graph alone among the scenarios.\n";

/* One run of the comparison. */
struct crun {
	const char *name;
	tc_scenario *sc;
	tc_catalog *cat;
	tc_forecast *f;
};

/* The runs: baseline first unless left out or given by name. */
static size_t plan_runs(const struct fc_args *a, struct crun *r)
{
	size_t n = 0, i;
	int named = 0;

	for (i = 0; i < a->n_scenarios; i++)
		named |= strcmp(a->scenario[i], "baseline") == 0;
	if (!a->no_baseline && !named)
		r[n++].name = "baseline";
	for (i = 0; i < a->n_scenarios; i++)
		r[n++].name = a->scenario[i];
	return n;
}

/* Loads run r's catalog and scenario and forecasts it. */
static int run_one(const struct fc_args *a, const tc_kg *kg,
		   struct crun *r)
{
	tc_error err = {0};
	int rc = cli_load_catalog(a->catalog, &r->cat);

	if (rc != CLI_OK)
		return rc;
	if (strcmp(r->name, "baseline") != 0) {
		rc = cli_scenario_load(r->name, kg, r->cat, &a->o, &r->sc);
		if (rc != CLI_OK)
			return rc;
		r->name = tc_scenario_name(r->sc);
	}
	{
		tc_forecast_opts o = a->o;

		o.scenario = r->sc;
		if (tc_forecast_run(kg, r->cat, &o, &r->f, &err) != TC_OK) {
			rc = cli_fail_in(a->graph, &err);
			return err.status == TC_ERR_NUMERIC ? CLI_INVALID
							    : rc;
		}
	}
	return CLI_OK;
}

/* "mean [lo, hi]" of a statistic. */
static void print_stat(const tc_stat *s)
{
	printf(" %12.0f [%12.0f, %12.0f]", s->mean, s->quantile[0],
	       s->quantile[s->n_quantiles - 1]);
}

/* One table: a class (or the total), every run against the reference. */
static void print_table(const struct crun *r, size_t n, size_t ref,
			size_t c)
{
	size_t i;
	tc_stat s, d;
	double p;

	printf("\n%s\n", c == TC_FORECAST_TOTAL ? "total" :
	       tc_forecast_class_name(r[0].f, c));
	for (i = 0; i < n; i++) {
		tc_forecast_stat(r[i].f, TC_PERIOD_HORIZON, 0, c, TC_M_COST,
				 &s);
		printf("  %-20.20s", r[i].name);
		print_stat(&s);
		if (i != ref && tc_forecast_compare(r[i].f, r[ref].f, c, &d,
						    &p) == TC_OK) {
			print_stat(&d);
			printf(" %7.3f", p);
		}
		printf("\n");
	}
}

/* The readable report on stdout. */
static void report(const struct fc_args *a, const struct crun *r,
		   size_t n)
{
	tc_stat s;
	size_t c;

	tc_forecast_stat(r[0].f, TC_PERIOD_HORIZON, 0, TC_FORECAST_TOTAL,
			 TC_M_COST, &s);
	printf("%s: %zu runs on common random numbers, %zu trials, seed "
	       "%llu; reference '%s'\n", a->graph, n,
	       tc_forecast_trials(r[0].f),
	       (unsigned long long)tc_forecast_seed(r[0].f), r[0].name);
	printf("USD over the horizon: mean [p%g, p%g]; difference against "
	       "the reference: mean [p%g, p%g]; P(costs more)\n",
	       s.percent[0], s.percent[s.n_quantiles - 1], s.percent[0],
	       s.percent[s.n_quantiles - 1]);
	print_table(r, n, 0, TC_FORECAST_TOTAL);
	for (c = 0; c < tc_forecast_class_count(r[0].f); c++)
		print_table(r, n, 0, c);
}

/* Writes the comparison's JSON through a tc_outfile. */
static int write_json(const struct fc_args *a, const struct crun *r,
		      size_t n)
{
	const tc_forecast *runs[CLI_MAX_SCENARIOS + 1];
	const char *names[CLI_MAX_SCENARIOS + 1];
	tc_outfile *of = NULL;
	tc_error err = {0};
	tc_status st;
	size_t i;

	for (i = 0; i < n; i++) {
		runs[i] = r[i].f;
		names[i] = r[i].name;
	}
	if (tc_outfile_open(a->out, &of, &err) != TC_OK)
		return cli_fail(&err);
	st = tc_compare_write_json(runs, names, n, 0, tc_outfile_stream(of),
				   &err);
	return cli_outfile_end(of, st, &err);
}

/*
 * Checks -o before the runs, so they do not end on a misspelt extension
 * or a missing folder. Returns an exit code.
 */
static int check_output(const struct fc_args *a)
{
	size_t len = a->out ? strlen(a->out) : 0;

	if (a->out && (len < 5 || strcmp(a->out + len - 5, ".json") != 0))
		return cli_usage_error(a->cmd, "-o wants a .json file, not "
				       "'%s'", a->out);
	return cli_check_writable(a->out);
}

/* Loads the graph, runs every scenario, reports. */
static int compare(struct fc_args *a)
{
	struct crun r[CLI_MAX_SCENARIOS + 1];
	tc_kg *kg = NULL;
	tc_diags *diags = tc_diags_new();
	tc_error err = {0};
	size_t n, i;
	tc_status st;
	int rc = CLI_OK;

	memset(r, 0, sizeof r);
	n = plan_runs(a, r);
	if (!diags)
		return CLI_FAILURE;
	st = tc_kg_load_file(a->graph, NULL, &kg, diags, &err);
	if (st != TC_OK) {
		/* A graph's invalid content is in diags, not in err. */
		cli_print_graph_diags(diags, a->graph);
		rc = cli_exit_for(st);
	}
	for (i = 0; rc == CLI_OK && i < n; i++)
		rc = run_one(a, kg, &r[i]);
	if (rc == CLI_OK && a->out)
		rc = write_json(a, r, n);
	if (rc == CLI_OK)
		report(a, r, n);
	for (i = 0; i < n; i++) {
		tc_forecast_free(r[i].f);
		tc_scenario_free(r[i].sc);
		tc_catalog_free(r[i].cat);
	}
	tc_kg_free(kg);
	tc_diags_free(diags);
	return rc;
}

/*
 * The forecast options compare would ignore (it reports no days, no
 * budgets and no sensitivities): refused, rather than taken silently.
 */
static int forecast_only(const struct fc_args *a)
{
	const char *flag = a->tornado ? "--tornado"
		: a->o.sensitivity ? "--sensitivity"
		: a->n_budgets ? "--budget"
		: a->fail_p >= 0 ? "--fail-if-exceed-probability"
		: a->o.daily_total_only ? "--days-total"
		: a->daily_trials_given ? "--daily-trials" : NULL;

	if (!flag)
		return CLI_OK;
	return cli_usage_error(a->cmd, "%s is an option of tokcast forecast; "
			       "compare does not use it", flag);
}

int cli_compare(int argc, char **argv)
{
	struct fc_args a;
	int code;

	memset(&a, 0, sizeof a);
	a.cmd = "tokcast compare";
	a.help = compare_help;
	a.fail_p = -1;
	tc_forecast_opts_init(&a.o);
	a.o.threads = cli_cores();
	if (cli_fc_parse(argc, argv, &a, &code) < 0 ||
	    (code = forecast_only(&a)) != CLI_OK)
		goto out;
	/* Per-day statistics are not reported; one draw path for all. */
	a.o.daily = 0;
	a.o.monthly_sums = 0;
	if (!a.n_scenarios)
		code = cli_usage_error(a.cmd, "give at least one --scenario");
	else if (a.n_scenarios + !a.no_baseline < 2)
		code = cli_usage_error(a.cmd, "nothing to compare: give two "
				       "scenarios with --no-baseline");
	else if ((code = check_output(&a)) == CLI_OK)
		code = compare(&a);
out:
	cli_budget_free(&a);
	return code;
}
