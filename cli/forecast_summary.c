/*
 * forecast_summary.c - the readable summary of a forecast on stdout: the
 * horizon's total with its interval, the classes by cost with their
 * share, and the unit economics.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

struct row {
	size_t c;
	double mean;
};

static int by_cost(const void *a, const void *b)
{
	double x = ((const struct row *)a)->mean;
	double y = ((const struct row *)b)->mean;

	return x < y ? 1 : x > y ? -1 : 0;
}

/*
 * A number in a column of width w with p decimals, or "-" when there is
 * none (the cost per request of a class without requests).
 */
static void column(int w, int p, double x)
{
	if (isfinite(x))
		printf(" %*.*f", w, p, x);
	else
		printf(" %*s", w, "-");
}

/* "p5 .. p95" of a statistic: its first and last quantiles. */
static void interval(const tc_stat *s, double *lo, double *hi)
{
	*lo = s->quantile[0];
	*hi = s->quantile[s->n_quantiles - 1];
}

/* The classes, by mean horizon cost, with their share of the total. */
static void class_table(const tc_forecast *f, double total)
{
	size_t n = tc_forecast_class_count(f), i;
	struct row *rows = calloc(n, sizeof *rows);
	tc_stat s, r;
	double lo, hi;

	if (!rows)
		return;
	for (i = 0; i < n; i++) {
		tc_forecast_stat(f, TC_PERIOD_HORIZON, 0, i, TC_M_COST, &s);
		rows[i].c = i;
		rows[i].mean = s.mean;
	}
	qsort(rows, n, sizeof *rows, by_cost);
	printf("\n%-24s %14s %7s %14s %14s %12s\n", "class", "mean USD",
	       "share", "low USD", "high USD", "USD/request");
	for (i = 0; i < n; i++) {
		tc_forecast_stat(f, TC_PERIOD_HORIZON, 0, rows[i].c,
				 TC_M_COST, &s);
		tc_forecast_cost_per_request(f, rows[i].c, &r);
		interval(&s, &lo, &hi);
		printf("%-24.24s %14.2f %6.1f%% %14.2f %14.2f",
		       tc_forecast_class_name(f, rows[i].c), s.mean,
		       total > 0 ? 100 * s.mean / total : 0, lo, hi);
		column(12, 6, r.mean);
		putchar('\n');
	}
	free(rows);
}

/* Cost per unit of each KPI. */
static void unit_table(const tc_forecast *f)
{
	size_t i;
	tc_stat a, b;

	if (!tc_forecast_kpi_count(f))
		return;
	printf("\n%-24s %16s %20s\n", "KPI", "USD per unit",
	       "USD per unit-month");
	for (i = 0; i < tc_forecast_kpi_count(f); i++) {
		tc_forecast_kpi_unit(f, i, &a, &b);
		printf("%-24.24s", tc_forecast_kpi_name(f, i));
		column(16, 6, a.quantile[a.n_quantiles / 2]);
		column(20, 6, b.quantile[b.n_quantiles / 2]);
		putchar('\n');
	}
}

int cli_forecast_summary(const tc_forecast *f, const char *graph)
{
	char d0[16], d1[16];
	tc_stat s;
	double lo, hi;

	cli_format_date(tc_forecast_start(f), d0, sizeof d0);
	cli_format_date(tc_forecast_start(f) + tc_forecast_days(f) - 1, d1,
			sizeof d1);
	tc_forecast_stat(f, TC_PERIOD_HORIZON, 0, TC_FORECAST_TOTAL,
			 TC_M_COST, &s);
	interval(&s, &lo, &hi);
	printf("%s: %s to %s (%d days), %zu trials, seed %llu\n", graph, d0,
	       d1, tc_forecast_days(f), tc_forecast_trials(f),
	       (unsigned long long)tc_forecast_seed(f));
	printf("total cost: mean %.2f USD, p%.10g %.2f to p%.10g %.2f USD\n",
	       s.mean, s.percent[0], lo, s.percent[s.n_quantiles - 1], hi);
	class_table(f, s.mean);
	unit_table(f);
	return CLI_OK;
}
