/*
 * backtest_logs.c - the requests per class of per-request usage logs,
 * counted and priced per day, for "tokcast backtest --input usage".
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_backtest.h"

/* The entry of class name, added when new; NULL when none is left. */
static struct bt_class *find(struct bt_class *c, size_t *nc,
			     const char *name)
{
	size_t i;

	for (i = 0; i < *nc; i++)
		if (!strcmp(c[i].name, name))
			return &c[i];
	if (*nc == MAX_SERIES)
		return NULL;
	c[*nc].name = strdup(name);
	return c[*nc].name ? &c[(*nc)++] : NULL;
}

/* Grows one per-request array to cap elements. */
static int grow(void **p, size_t size, size_t cap)
{
	void *np = realloc(*p, cap * size);

	if (!np)
		return -1;
	*p = np;
	return 0;
}

/* Appends a request: its time, tokens and cost. */
static int push(struct bt_class *c, const tc_usage *u, double usd)
{
	if (c->n == c->cap) {
		size_t nc = c->cap ? 2 * c->cap : 4096;

		if (grow((void **)&c->t, sizeof *c->t, nc) ||
		    grow((void **)&c->input, sizeof *c->input, nc) ||
		    grow((void **)&c->output, sizeof *c->output, nc) ||
		    grow((void **)&c->cost, sizeof *c->cost, nc))
			return -1;
		c->cap = nc;
	}
	c->t[c->n] = u->time_us;
	c->input[c->n] = (double)tc_usage_input(u);
	c->output[c->n] = (double)u->output;
	c->cost[c->n++] = usd;
	return 0;
}

/* The cost of a record in USD; NAN with a message when it has none. */
static double price(const tc_catalog *cat, const tc_usage *u,
		    const char *path)
{
	tc_cost cost;
	tc_error err = {0};

	if (tc_cost_of(cat, u, TC_TIME_NONE, &cost, &err) != TC_OK) {
		cli_say("%s:%ld: %s", path, u->line, err.message);
		return NAN;
	}
	return (double)cost.total / 1e21;
}

/* Reads one record into its class; a CLI exit code. */
static int take(const struct bt_args *a, const tc_catalog *cat,
		const char *path, const tc_usage *u, struct bt_class *c,
		size_t *nc)
{
	struct bt_class *e;
	double usd = 0;

	if (u->time_us == TC_TIME_NONE) {
		cli_say("%s:%ld: a record without a time: a backtest needs "
			"timestamps", path, u->line);
		return CLI_INVALID;
	}
	if (a->o.metric == TC_BT_COST) {
		usd = price(cat, u, path);
		if (usd != usd)
			return CLI_INVALID;
	}
	e = find(c, nc, u->class_name[0] ? u->class_name : "default");
	if (!e || push(e, u, usd) < 0) {
		cli_say("more than %d classes, or out of memory", MAX_SERIES);
		return CLI_FAILURE;
	}
	return CLI_OK;
}

/* Reads one log's records into the classes. */
static int read_log(const struct bt_args *a, const tc_catalog *cat,
		    size_t file, struct bt_class *c, size_t *nc)
{
	const char *path = a->files[file];
	tc_usage_opts o;
	tc_usage_reader *r = NULL;
	tc_usage rec;
	tc_error err = {0};
	int st, rc = CLI_OK;

	tc_usage_opts_init(&o);
	o.class_name = a->nclasses ? a->classes[file] : NULL;
	o.model = a->model;
	if (tc_usage_reader_open(path, &o, &r, &err) != TC_OK)
		return cli_fail(&err);
	while (rc == CLI_OK &&
	       (st = tc_usage_reader_next(r, &rec, &err)) == TC_OK)
		rc = take(a, cat, path, &rec, c, nc);
	tc_usage_reader_close(r);
	if (rc != CLI_OK)
		return rc;
	return st == TC_USAGE_END ? CLI_OK : cli_fail(&err);
}

/* The daily counts and costs of one class, and its input. */
static int finish_class(struct bt_class *c, tc_bt_input *in)
{
	tc_error err = {0};

	if (tc_daily_from_times(c->t, NULL, c->n, &c->daily, &err) != TC_OK ||
	    tc_daily_from_times(c->t, c->cost, c->n, &c->cost_daily,
				&err) != TC_OK)
		return cli_fail(&err);
	c->req.n = c->n;
	c->req.time_us = c->t;
	c->req.input = c->input;
	c->req.output = c->output;
	c->req.cost = &c->cost_daily;
	in->cls = c->name;
	in->daily = &c->daily;
	in->req = &c->req;
	return CLI_OK;
}

int cli_backtest_read_logs(const struct bt_args *a, const tc_catalog *cat,
			   struct bt_class *cls, tc_bt_input *in,
			   size_t *nin)
{
	size_t i;
	int rc = CLI_OK;

	*nin = 0;
	for (i = 0; i < a->nfiles && rc == CLI_OK; i++)
		rc = read_log(a, cat, i, cls, nin);
	for (i = 0; i < *nin && rc == CLI_OK; i++)
		rc = finish_class(&cls[i], &in[i]);
	return rc;
}

void cli_backtest_free_logs(struct bt_class *cls, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(cls[i].name);
		free(cls[i].t);
		free(cls[i].input);
		free(cls[i].output);
		free(cls[i].cost);
		tc_daily_free(&cls[i].daily);
		tc_daily_free(&cls[i].cost_daily);
	}
}
