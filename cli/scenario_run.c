/*
 * scenario_run.c - what forecast and compare share about scenarios:
 * loading one for a run, the --budget options, and the budgets' and
 * contract's summary and gate (docs/scenarios.md).
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fc_args.h"

int cli_budget_add(struct fc_args *a, const char *arg)
{
	const char *eq = strchr(arg, '=');
	tc_scn_budget *b = &a->budget[a->n_budgets];
	char *name = NULL;

	if (a->n_budgets == CLI_MAX_BUDGETS) {
		cli_usage_error(a->cmd, "at most %d budgets",
				CLI_MAX_BUDGETS);
		return -1;
	}
	memset(b, 0, sizeof *b);
	b->node = SIZE_MAX;
	if (eq) {
		name = strndup(arg, (size_t)(eq - arg));
		if (!name || !*name) {
			free(name);
			cli_usage_error(a->cmd, "--budget: expected CLASS="
					"USD, got '%s'", arg);
			return -1;
		}
	}
	if (tc_money_parse(eq ? eq + 1 : arg, &b->amount) != TC_OK ||
	    b->amount <= 0) {
		free(name);
		cli_usage_error(a->cmd, "--budget: expected an amount in USD "
				"above 0 in plain decimals (250000, 1250.50), "
				"got '%s'", arg);
		return -1;
	}
	b->class_id = name;
	b->file = "--budget";
	a->budget_text[a->n_budgets++] = name;
	a->o.budgets = a->budget;
	a->o.n_budgets = a->n_budgets;
	return 0;
}

int cli_budget_resolve(struct fc_args *a, const tc_kg *kg)
{
	size_t i, node;

	for (i = 0; i < a->n_budgets; i++) {
		tc_scn_budget *b = &a->budget[i];

		if (!b->class_id)
			continue;
		if (!tc_kg_find_node(kg, b->class_id, &node) ||
		    tc_kg_node_kind(kg, node) != TC_KG_FEATURE_CLASS) {
			cli_say("--budget: '%s' is not a feature class of %s",
				b->class_id, a->graph);
			return CLI_INVALID;
		}
		b->node = node;
	}
	return CLI_OK;
}

void cli_budget_free(struct fc_args *a)
{
	size_t i;

	for (i = 0; i < a->n_budgets; i++)
		free(a->budget_text[i]);
	a->n_budgets = 0;
}

int cli_scenario_load(const char *path, const tc_kg *kg, tc_catalog *cat,
		      const tc_forecast_opts *o, tc_scenario **out)
{
	tc_scenario_opts so = {0};
	tc_diags *diags = tc_diags_new();
	tc_error err = {0};
	tc_status st;
	size_t n;

	if (!diags) {
		cli_say("out of memory");
		return CLI_FAILURE;
	}
	so.catalog = cat;
	so.horizon_start = o->start;
	so.horizon_days = o->days;
	st = tc_scenario_load(path, kg, &so, out, diags, &err);
	cli_print_diags(diags);
	n = tc_diags_count(diags);
	tc_diags_free(diags);
	if (st == TC_OK)
		return CLI_OK;
	/* The problems are among the diagnostics, when there are any. */
	return n ? cli_exit_for(st) : cli_fail(&err);
}

/* A date, or "never". */
static void day_text(int64_t d, char *buf, size_t size)
{
	if (d == INT64_MAX)
		snprintf(buf, size, "never");
	else
		cli_format_date(d, buf, size);
}

void cli_budget_summary(const tc_forecast *f)
{
	tc_budget_result b;
	tc_contract_result c;
	char q[16], d[3][16];
	size_t i;
	int k;

	if (tc_forecast_budget_count(f))
		printf("\n%-16s %-10s %12s %9s %12s %6s  %s\n", "budget",
		       "quarter", "amount USD", "P(exceed)", "E overrun",
		       "never", "exhausted p10 / p50 / p90");
	for (i = 0; i < tc_forecast_budget_count(f); i++) {
		tc_forecast_budget(f, i, &b);
		cli_format_date(b.quarter_start, q, sizeof q);
		for (k = 0; k < 3; k++)
			day_text(b.exhaust[k], d[k], sizeof d[k]);
		printf("%-16.16s %-10s %12.2f %9.3f %12.2f %5.1f%%  %s / %s "
		       "/ %s\n", b.class_id ? b.class_id : "total", q,
		       b.amount, b.exceed_probability, b.expected_overrun,
		       100 * b.never_probability, d[0], d[1], d[2]);
	}
	for (i = 0; i < tc_forecast_contract_count(f); i++) {
		tc_forecast_contract(f, i, &c);
		cli_format_date(c.quarter_start, q, sizeof q);
		printf("\ncontract %s: commitment %.2f USD, expected cost "
		       "%.2f USD, P(use less than the commitment) %.3f, "
		       "expected unused %.2f USD\n", q, c.commitment,
		       c.expected_cost, c.under_probability,
		       c.expected_unused);
	}
}

int cli_budget_gate(const tc_forecast *f, double p)
{
	tc_budget_result b;
	size_t i;
	int rc = CLI_OK;

	for (i = 0; i < tc_forecast_budget_count(f); i++) {
		tc_forecast_budget(f, i, &b);
		if (b.exceed_probability > p) {
			cli_say("budget %s: exceedance probability %.3f is "
				"above %g", b.class_id ? b.class_id : "total",
				b.exceed_probability, p);
			rc = CLI_BUDGET;
		}
	}
	return rc;
}

/* Orders results by share, largest first. */
static int by_share(const void *a, const void *b)
{
	double x = (*(const tc_sensitivity *const *)a)->share;
	double y = (*(const tc_sensitivity *const *)b)->share;

	return (x < y) - (x > y);
}

/* One output's table: inputs by share of variance. */
static void sens_table(const char *title, const tc_sensitivity *s,
		       size_t n)
{
	const tc_sensitivity **r = malloc((n + 1) * sizeof *r);
	size_t i;

	if (!r)
		return;
	for (i = 0; i < n; i++)
		r[i] = &s[i];
	qsort(r, n, sizeof *r, by_share);
	printf("\nwhat drives %s (all inputs at medians: %.2f USD)\n", title,
	       n ? s[0].base : 0);
	printf("  %-40s %9s %7s %14s %14s\n", "input", "rank corr", "share",
	       "at P10 USD", "at P90 USD");
	for (i = 0; i < n && i < 12; i++)
		printf("  %-40.40s %9.3f %6.1f%% %14.2f %14.2f\n",
		       r[i]->input, r[i]->rank_corr, 100 * r[i]->share,
		       r[i]->low, r[i]->high);
	free(r);
}

/* Writes the tornado chart of the total through a tc_outfile. */
static int write_tornado(const char *path, const tc_sensitivity *s,
			 size_t n)
{
	tc_outfile *of = NULL;
	tc_error err = {0};
	tc_status st;

	if (tc_outfile_open(path, &of, &err) != TC_OK)
		return cli_fail(&err);
	st = tc_sensitivity_write_svg(s, n, "What drives the total cost: "
				      "one-at-a-time swing, P10 to P90",
				      tc_outfile_stream(of), &err);
	return cli_outfile_end(of, st, &err);
}

int cli_sensitivity_report(const tc_forecast *f, const char *svg)
{
	tc_sensitivity *s = NULL;
	tc_error err = {0};
	size_t n = 0, c;
	int rc = CLI_OK;

	if (tc_forecast_sensitivity(f, 0, &s, &n, &err) != TC_OK) {
		if (err.status != TC_ERR_NOT_FOUND)
			return cli_fail(&err);
		cli_say("--sensitivity: %s", err.message);
		return CLI_OK;
	}
	sens_table("the total", s, n);
	for (c = 0; c < tc_forecast_class_count(f); c++)
		sens_table(tc_forecast_class_name(f, c), &s[(c + 1) * n], n);
	if (svg)
		rc = write_tornado(svg, s, n);
	free(s);
	return rc;
}
