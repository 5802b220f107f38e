/*
 * fc_args.h - the run options forecast and compare share (cmd_forecast.c
 * parses them, scenario_run.c loads scenarios and budgets).
 */
#ifndef TOKCAST_CLI_FC_ARGS_H
#define TOKCAST_CLI_FC_ARGS_H

#include "cli.h"

#define CLI_MAX_SCENARIOS 16
#define CLI_MAX_BUDGETS 64

struct fc_args {
	const char *cmd;	/* "tokcast forecast", "tokcast compare" */
	const char *help;	/* the --help text; NULL: forecast's */
	const char *graph;
	const char *quarter;
	const char *catalog;
	const char *out;
	int fy_start;
	int64_t start;
	long days;
	int have_start;
	tc_forecast_opts o;
	int daily_trials_given;	/* --daily-trials was on the line */
	/* Scenarios, budgets and the gate (scenario_run.c). */
	const char *scenario[CLI_MAX_SCENARIOS];
	size_t n_scenarios;
	int no_baseline;	/* compare: leave the graph alone out */
	tc_scn_budget budget[CLI_MAX_BUDGETS];
	char *budget_text[CLI_MAX_BUDGETS];
	size_t n_budgets;
	double fail_p;		/* < 0: no gate */
	const char *tornado;	/* --tornado OUT.svg, or NULL */
};

/* Parses forecast's (and compare's) command line; -1 with *code. */
int cli_fc_parse(int argc, char **argv, struct fc_args *a, int *code);

/* Adds "--budget [CLASS=]AMOUNT"; -1 (message printed) when malformed. */
int cli_budget_add(struct fc_args *a, const char *arg);
/* Resolves the budgets' classes in kg; CLI_OK or CLI_INVALID. */
int cli_budget_resolve(struct fc_args *a, const tc_kg *kg);
void cli_budget_free(struct fc_args *a);

/*
 * Loads scenario path over kg with cat (its catalog files go into cat)
 * and the run's horizon, printing every problem as scenario check
 * does. Returns CLI_OK with *out, or the exit code.
 */
int cli_scenario_load(const char *path, const tc_kg *kg, tc_catalog *cat,
		      const tc_forecast_opts *o, tc_scenario **out);

/* Prints the budgets and the contract of a result on stdout. */
void cli_budget_summary(const tc_forecast *f);
/*
 * Prints what drives each output's variance (--sensitivity) and writes
 * the total's tornado chart to svg (may be NULL). Returns CLI_OK or the
 * exit code.
 */
int cli_sensitivity_report(const tc_forecast *f, const char *svg);
/* CLI_BUDGET when some budget's exceedance is above p, else CLI_OK. */
int cli_budget_gate(const tc_forecast *f, double p);

#endif
