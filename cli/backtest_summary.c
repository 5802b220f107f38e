/*
 * backtest_summary.c - the readable table "tokcast backtest" prints:
 * per class, the horizon sum and the first lead days.
 */
#include <stdio.h>

#include "cli.h"

/* Lead days shown on stdout; the files hold them all. */
#define SHOWN_LEADS 7

/* One row: coverage with SE, width, CRPS, MAPE, bias, PIT p. */
static void row(const char *cls, const char *lead, const tc_bt_summary *s)
{
	if (!s->n) {
		printf("%-24s %-8s %5s  (no actual)\n", cls, lead, "0");
		return;
	}
	printf("%-24s %-8s %5zu  %4.0f%%±%-3.0f %4.0f%%±%-3.0f "
	       "%4.0f%%±%-3.0f %6.3f %8.4f %6.1f%% %+6.1f%% %6.3f\n", cls,
	       lead, s->n, 100 * s->coverage[0], 100 * s->coverage_se[0],
	       100 * s->coverage[1], 100 * s->coverage_se[1],
	       100 * s->coverage[2], 100 * s->coverage_se[2],
	       s->width_rel[1], s->crps_rel, 100 * s->mape, 100 * s->bias,
	       s->pit_p);
}

int cli_backtest_summary(const tc_backtest *bt)
{
	size_t c, n = tc_backtest_class_count(bt) +
		      (size_t)tc_backtest_has_total(bt);
	int lead, h = tc_backtest_horizon(bt);
	char name[16];
	tc_bt_summary s;

	printf("%zu origin(s), horizon %d day(s); coverage of the 50/80/95%% "
	       "intervals ± binomial SE\n", tc_backtest_origin_count(bt), h);
	printf("%-24s %-8s %5s  %-9s %-9s %-9s %6s %8s %7s %7s %6s\n",
	       "class", "lead", "n", "cov50", "cov80", "cov95", "w80/y",
	       "CRPS/y", "MAPE", "bias", "PIT p");
	for (c = 0; c < n; c++) {
		tc_backtest_summary(bt, c, 0, &s);
		row(tc_backtest_class_name(bt, c), "horizon", &s);
		for (lead = 1; lead <= h && lead <= SHOWN_LEADS; lead++) {
			snprintf(name, sizeof name, "day %d", lead);
			tc_backtest_summary(bt, c, lead, &s);
			row(tc_backtest_class_name(bt, c), name, &s);
		}
	}
	if (h > SHOWN_LEADS)
		printf("(lead days after %d: in the -o file)\n", SHOWN_LEADS);
	if (ferror(stdout))
		return CLI_FAILURE;
	return CLI_OK;
}
