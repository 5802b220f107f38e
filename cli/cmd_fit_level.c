/*
 * cmd_fit_level.c - where "tokcast fit" places the levels it writes: at
 * the middle of the days the fitted classes' logs share, which becomes
 * the graph's as_of, as the backtest does; or, when other root nodes of
 * the graph grow from the graph's as_of, at that day (docs/fitting.md,
 * "Where the level is placed").
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "cmd_fit.h"

/*
 * 1 when class c's volume goes onto a root node: an existing root
 * feature class, or a class --add-classes adds (as fit_write_graph
 * decides). Without a graph every class with a volume fit counts.
 */
static int volume_written(const struct fit_graph *fg,
			  const struct fit_class *c, int add)
{
	size_t kn;

	if (!c->ok_volume)
		return 0;
	if (!fg || !fg->kg)
		return 1;
	if (tc_kg_find_node(fg->kg, c->name, &kn))
		return tc_kg_node_kind(fg->kg, kn) == TC_KG_FEATURE_CLASS &&
		       tc_kg_node_is_root(fg->kg, kn);
	return add;
}

/* 1 when the class named id has its volume written by this run. */
static int written_by_run(const struct fit_run *run, const char *id)
{
	size_t i;

	for (i = 0; i < run->nclasses; i++)
		if (run->classes[i].written &&
		    strcmp(run->classes[i].name, id) == 0)
			return 1;
	return 0;
}

/*
 * 1 when a root node this run does not write has a growth other than
 * the constant 0: its start or requests_per_day is read at the graph's
 * as_of, so moving as_of would change its forecast.
 */
static int others_grow(const struct fit_run *run, const tc_kg *kg)
{
	const tc_spec *g;
	double v;
	size_t i;

	for (i = 0; i < tc_kg_node_count(kg); i++) {
		if (!tc_kg_node_is_root(kg, i) ||
		    written_by_run(run, tc_kg_node_id(kg, i)))
			continue;
		g = tc_kg_node_spec(kg, i, TC_KG_GROWTH);
		if (g && !(tc_spec_is_constant(g, &v) && v == 0))
			return 1;
	}
	return 0;
}

/*
 * The middle of the days the written classes' logs share
 * (tc_fit_volume_level_day); INT64_MIN when none is written or out of
 * memory. *shared: 0 when the logs share no day.
 */
static int64_t shared_middle(const struct fit_run *run, int *shared)
{
	int64_t *first = malloc((run->nclasses + 1) * sizeof *first);
	int64_t *last = malloc((run->nclasses + 1) * sizeof *last);
	int64_t day = INT64_MIN;
	size_t i, n = 0;

	for (i = 0; first && last && i < run->nclasses; i++) {
		if (!run->classes[i].written)
			continue;
		first[n] = run->classes[i].vol.first_day;
		last[n++] = run->classes[i].vol.last_day;
	}
	if (!first || !last)
		cli_say("out of memory: the levels stay at each log's middle");
	else
		day = tc_fit_volume_level_day(first, last, n);
	*shared = 1;
	for (i = 0; day != INT64_MIN && i < n; i++)
		*shared &= first[i] <= day && day <= last[i];
	free(first);
	free(last);
	return day;
}

/* Refits class c's volume with its level at day. */
static void refit_at(struct fit_class *c, int64_t day)
{
	tc_error e = {0};

	if (c->vol.as_of == day)
		return;
	if (tc_fit_volume_times(c->times, c->ntimes, day, &c->vol, &e) ==
	    TC_OK)
		return;
	cli_say("class '%s': volume not fitted: %s", c->name, e.message);
	c->ok_volume = 0;
	c->written = 0;
}

/* 1 when some written class has a fitted growth. */
static int any_trend(const struct fit_run *run)
{
	size_t i;

	for (i = 0; i < run->nclasses; i++)
		if (run->classes[i].written && run->classes[i].vol.has_trend)
			return 1;
	return 0;
}

/* Tells the user where the levels went and why. */
static void say_placement(const struct fit_run *run, int64_t middle,
			  int shared)
{
	char a[16], m[16];

	cli_format_date(run->as_of, a, sizeof a);
	cli_format_date(middle, m, sizeof m);
	if (run->level_mode == FIT_LEVEL_WRITE)
		cli_say("as_of set to %s, the middle of the days the fitted "
			"logs share%s: the levels describe it and growth "
			"compounds from it", a, shared ? "" : " (they share "
			"none: the middle of the gap between them)");
	else if (run->level_mode == FIT_LEVEL_KEEP && any_trend(run))
		cli_say("other root nodes grow from the graph's as_of %s, "
			"which is kept: the fitted levels are moved there "
			"with their growth from %s, the middle of the logs, "
			"and their intervals are narrower than the "
			"backtest's (docs/fitting.md)", a, m);
	else if (run->level_mode == FIT_LEVEL_KEEP)
		cli_say("other root nodes grow from the graph's as_of %s, "
			"which is kept: the fitted levels (no growth fitted) "
			"describe it", a);
	else
		cli_say("the graph has no as_of and other root nodes grow: "
			"the fitted levels describe each log's last day, read "
			"as the forecast's first day; set as_of to %s to place "
			"them at the middle of the logs (docs/fitting.md)", m);
}

void fit_place_levels(struct fit_run *run, const struct fit_graph *fg,
		      int add)
{
	struct fit_class *c;
	int64_t middle;
	size_t i;
	int shared;

	for (i = 0; i < run->nclasses; i++)
		run->classes[i].written =
			volume_written(fg, &run->classes[i], add);
	middle = shared_middle(run, &shared);
	run->level_mode = FIT_LEVEL_NONE;
	if (middle == INT64_MIN)
		return;
	run->level_mode = FIT_LEVEL_WRITE;
	run->as_of = middle;
	if (fg && fg->kg && others_grow(run, fg->kg))
		run->level_mode = tc_kg_as_of(fg->kg, &run->as_of)
					  ? FIT_LEVEL_KEEP
					  : FIT_LEVEL_LAST;
	for (i = 0; i < run->nclasses; i++) {
		c = &run->classes[i];
		if (c->written)
			refit_at(c, run->level_mode == FIT_LEVEL_LAST
					    ? c->vol.last_day
					    : run->as_of);
	}
	if (fg && fg->kg)
		say_placement(run, middle, shared);
}
