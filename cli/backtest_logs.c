/*
 * backtest_logs.c - the daily request counts per class of per-request
 * usage logs, for "tokcast backtest --input usage".
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_backtest.h"

/* The request times of one class. */
struct cls_times {
	char *name;
	int64_t *t;
	size_t n, cap;
};

/* The entry of class name, added when new; NULL when out of memory. */
static struct cls_times *find(struct cls_times *c, size_t *nc, size_t max,
			      const char *name)
{
	size_t i;

	for (i = 0; i < *nc; i++)
		if (!strcmp(c[i].name, name))
			return &c[i];
	if (*nc == max)
		return NULL;
	c[*nc].name = strdup(name);
	return c[*nc].name ? &c[(*nc)++] : NULL;
}

/* Appends a time. */
static int push(struct cls_times *c, int64_t t)
{
	if (c->n == c->cap) {
		size_t nc = c->cap ? 2 * c->cap : 4096;
		int64_t *nt = realloc(c->t, nc * sizeof *nt);

		if (!nt)
			return -1;
		c->t = nt;
		c->cap = nc;
	}
	c->t[c->n++] = t;
	return 0;
}

/* Reads one log's records into the classes. */
static int read_log(const char *path, const char *cls, struct cls_times *c,
		    size_t *nc, size_t max)
{
	tc_usage_opts o;
	tc_usage_reader *r = NULL;
	tc_usage rec;
	tc_error err = {0};
	struct cls_times *e;
	int st;

	tc_usage_opts_init(&o);
	o.class_name = cls;
	if (tc_usage_reader_open(path, &o, &r, &err) != TC_OK)
		return cli_fail(&err);
	while ((st = tc_usage_reader_next(r, &rec, &err)) == TC_OK) {
		if (rec.time_us == TC_TIME_NONE) {
			cli_say("%s:%ld: a record without a time: a "
				"backtest needs timestamps", path, rec.line);
			tc_usage_reader_close(r);
			return CLI_INVALID;
		}
		e = find(c, nc, max, rec.class_name[0] ? rec.class_name
						       : "default");
		if (!e || push(e, rec.time_us) < 0) {
			cli_say("too many classes, or out of memory");
			tc_usage_reader_close(r);
			return CLI_FAILURE;
		}
	}
	tc_usage_reader_close(r);
	return st == TC_USAGE_END ? CLI_OK : cli_fail(&err);
}

int cli_backtest_read_logs(const struct bt_args *a, tc_daily *d,
			   tc_bt_input *in, char **names, size_t *nin)
{
	struct cls_times c[MAX_SERIES];
	size_t i, nc = 0;
	tc_error err = {0};
	int rc = CLI_OK;

	memset(c, 0, sizeof c);
	for (i = 0; i < a->nfiles && rc == CLI_OK; i++)
		rc = read_log(a->files[i], a->nclasses ? a->classes[i] : NULL,
			      c, &nc, MAX_SERIES);
	for (i = 0; i < nc && rc == CLI_OK; i++) {
		if (tc_daily_from_times(c[i].t, c[i].n, &d[i], &err) != TC_OK)
			rc = cli_fail(&err);
		names[i] = c[i].name;
		c[i].name = NULL;
		in[i].cls = names[i];
		in[i].daily = &d[i];
		*nin = i + 1;
	}
	for (i = 0; i < nc; i++) {
		free(c[i].name);
		free(c[i].t);
	}
	return rc;
}
