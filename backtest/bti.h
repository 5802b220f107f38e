/*
 * bti.h - the backtest module's internals shared between its files.
 */
#ifndef TOKCAST_BTI_H
#define TOKCAST_BTI_H

#include "tokcast/backtest.h"

/* The result of a backtest run. */
struct tc_backtest {
	size_t nin;
	char **names;		/* the inputs' class ids */
	int has_total;
	int horizon, step;
	size_t trials;
	tc_bt_metric metric;
	int64_t *origins;
	size_t norigins;
	tc_bt_record *rec;
	size_t nrec, cap;
};

/* Index of a level in tc_bt_levels (it must be one of them). */
size_t tci_bt_level_index(double pct);

/* The scores of the records of class cls at lead into out. */
void tci_bt_summarise(const tc_bt_record *rec, size_t nrec, size_t cls,
		      int lead, tc_bt_summary *out);

#endif
