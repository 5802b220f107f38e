/*
 * cost_table.c - priced requests summed exactly by class, model and
 * period (UTC day, ISO week, month), and written as JSON or CSV: the
 * actuals that forecasts are compared with.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pricing_int.h"
#include "tci.h"

#define US_PER_DAY INT64_C(86400000000)
#define MAX_GROUPS 10000000

struct tc_cost_table {
	unsigned by;
	tc_cost_row *rows;
	size_t n, cap;
	size_t *slots;		/* open addressing: row index + 1, 0 free */
	size_t nslots;
	tc_cost_row total;
	int sorted;
};

tc_cost_table *tc_cost_table_new(unsigned by)
{
	unsigned periods = by & (TC_BY_DAY | TC_BY_WEEK | TC_BY_MONTH);
	tc_cost_table *t;

	if (periods & (periods - 1))
		return NULL;
	t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->by = by;
	t->total.class_name = t->total.model = "";
	return t;
}

void tc_cost_table_free(tc_cost_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		free((char *)t->rows[i].class_name);
		free((char *)t->rows[i].model);
	}
	free(t->rows);
	free(t->slots);
	free(t);
}

/* The UTC day of a time in microseconds (floor division). */
static int64_t day_of(int64_t us)
{
	int64_t d = us / US_PER_DAY;

	return us % US_PER_DAY < 0 ? d - 1 : d;
}

/* The ISO 8601 week of a day: the week-year is its Thursday's year. */
static void iso_week(int64_t day, char *buf, size_t size)
{
	int64_t thursday = day - tci_weekday(day) + 3, y;
	unsigned m, d;

	tci_civil_from_days(thursday, &y, &m, &d);
	snprintf(buf, size, "%04lld-W%02d", (long long)y,
		 (int)((thursday - tci_days_from_civil(y, 1, 1)) / 7 + 1));
}

/* The period key of a record, into buf ("" when not grouped). */
static tc_status period_of(const tc_cost_table *t, const tc_usage *u,
			   char *buf, size_t size, tc_error *err)
{
	int64_t day, y;
	unsigned m, d;

	buf[0] = '\0';
	if (!(t->by & (TC_BY_DAY | TC_BY_WEEK | TC_BY_MONTH)))
		return TC_OK;
	if (u->time_us == TC_TIME_NONE)
		return tci_error(err, TC_ERR_INVALID, NULL, u->line, NULL,
				 "record has no time to group by period");
	day = day_of(u->time_us);
	if (t->by & TC_BY_DAY) {
		tci_format_date(day, buf, size);
	} else if (t->by & TC_BY_WEEK) {
		iso_week(day, buf, size);
	} else {
		tci_civil_from_days(day, &y, &m, &d);
		snprintf(buf, size, "%04lld-%02u", (long long)y, m);
	}
	return TC_OK;
}

/* FNV-1a over the three keys, separated so "ab"+"c" differs "a"+"bc". */
static uint64_t key_hash(const char *cls, const char *model,
			 const char *period)
{
	const char *parts[] = {cls, model, period};
	uint64_t h = UINT64_C(1469598103934665603);
	const char *s;
	size_t i;

	for (i = 0; i < 3; i++) {
		for (s = parts[i]; *s; s++)
			h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
		h = (h ^ 0x1f) * UINT64_C(1099511628211);
	}
	return h;
}

static int row_is(const tc_cost_row *r, const char *cls, const char *model,
		  const char *period)
{
	return strcmp(r->class_name, cls) == 0 &&
	       strcmp(r->model, model) == 0 && strcmp(r->period, period) == 0;
}

/*
 * Rebuilds the hash slots at twice the size, and at least twice the rows
 * plus one: sort_rows() rebuilds from no slots at all, and a table fuller
 * than its slots would probe forever.
 */
static tc_status rehash(tc_cost_table *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 64, i, j;
	size_t *slots;
	const tc_cost_row *r;

	while (n < 2 * (t->n + 1))
		n *= 2;
	slots = calloc(n, sizeof *slots);
	if (!slots)
		return TC_ERR_NOMEM;
	for (i = 0; i < t->n; i++) {
		r = &t->rows[i];
		j = key_hash(r->class_name, r->model, r->period) & (n - 1);
		while (slots[j])
			j = (j + 1) & (n - 1);
		slots[j] = i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	return TC_OK;
}

/* Appends a new group for the keys; *out gets it. */
static tc_status new_row(tc_cost_table *t, const char *cls,
			 const char *model, const char *period,
			 tc_cost_row **out)
{
	tc_cost_row *rows, *r;
	size_t cap;

	if (t->n == MAX_GROUPS)
		return TC_ERR_LIMIT;
	if (t->n == t->cap) {
		cap = t->cap ? t->cap * 2 : 64;
		rows = realloc(t->rows, cap * sizeof *rows);
		if (!rows)
			return TC_ERR_NOMEM;
		t->rows = rows;
		t->cap = cap;
	}
	r = &t->rows[t->n];
	memset(r, 0, sizeof *r);
	r->class_name = tci_strdup(cls);
	r->model = tci_strdup(model);
	tci_strlcpy(r->period, period, sizeof r->period);
	if (!r->class_name || !r->model) {
		free((char *)r->class_name);
		free((char *)r->model);
		return TC_ERR_NOMEM;
	}
	t->n++;
	*out = r;
	return TC_OK;
}

/* The group of the keys, created when new. */
static tc_status find_row(tc_cost_table *t, const char *cls,
			  const char *model, const char *period,
			  tc_cost_row **out)
{
	size_t j;
	tc_status st;

	if (2 * (t->n + 1) > t->nslots && (st = rehash(t)) != TC_OK)
		return st;
	j = key_hash(cls, model, period) & (t->nslots - 1);
	for (; t->slots[j]; j = (j + 1) & (t->nslots - 1)) {
		if (row_is(&t->rows[t->slots[j] - 1], cls, model, period)) {
			*out = &t->rows[t->slots[j] - 1];
			return TC_OK;
		}
	}
	st = new_row(t, cls, model, period, out);
	if (st == TC_OK)
		t->slots[j] = t->n;
	return st;
}

/* Adds a request's tokens and costs to r; nonzero on overflow. */
static int accumulate(tc_cost_row *r, const tc_usage *u, const tc_cost *c)
{
	int o = 0;

	r->requests++;
	o |= __builtin_add_overflow(r->uncached_input, u->uncached_input,
				    &r->uncached_input);
	o |= __builtin_add_overflow(r->cache_read, u->cache_read,
				    &r->cache_read);
	o |= __builtin_add_overflow(r->cache_write_5m, u->cache_write_5m,
				    &r->cache_write_5m);
	o |= __builtin_add_overflow(r->cache_write_1h, u->cache_write_1h,
				    &r->cache_write_1h);
	o |= __builtin_add_overflow(r->output, u->output, &r->output);
	o |= __builtin_add_overflow(r->reasoning, u->reasoning,
				    &r->reasoning);
	o |= __builtin_add_overflow(r->cost, c->total, &r->cost);
	o |= __builtin_add_overflow(r->cost_input, c->input, &r->cost_input);
	o |= __builtin_add_overflow(r->cost_cache_read, c->cache_read,
				    &r->cost_cache_read);
	o |= __builtin_add_overflow(r->cost_cache_write,
				    c->cache_write_5m + c->cache_write_1h,
				    &r->cost_cache_write);
	o |= __builtin_add_overflow(r->cost_output, c->output,
				    &r->cost_output);
	o |= __builtin_add_overflow(r->cost_per_call, c->per_call,
				    &r->cost_per_call);
	return o;
}

tc_status tc_cost_table_add(tc_cost_table *t, const tc_usage *u,
			    const tc_cost *c, tc_error *err)
{
	char period[16];
	const char *cls = t->by & TC_BY_CLASS ? u->class_name : "";
	const char *model = "";
	tc_cost_row *r;
	tc_status st;

	if (t->by & TC_BY_MODEL)
		model = c->price ? c->price->model : u->model;
	st = period_of(t, u, period, sizeof period, err);
	if (st != TC_OK)
		return st;
	st = find_row(t, cls ? cls : "", model ? model : "", period, &r);
	if (st != TC_OK)
		return tci_error(err, st, NULL, u->line, NULL,
				 st == TC_ERR_LIMIT ? "too many groups" :
				 "out of memory");
	t->sorted = 0;
	if (accumulate(r, u, c) || accumulate(&t->total, u, c))
		return tci_error(err, TC_ERR_LIMIT, NULL, u->line, NULL,
				 "a sum overflows");
	return TC_OK;
}

/* Orders groups by class, model and period. */
static int row_cmp(const void *a, const void *b)
{
	const tc_cost_row *x = a, *y = b;
	int r = strcmp(x->class_name, y->class_name);

	if (!r)
		r = strcmp(x->model, y->model);
	return r ? r : strcmp(x->period, y->period);
}

/* Sorts the groups once before they are read (the slots go stale). */
static void sort_rows(const tc_cost_table *ct)
{
	tc_cost_table *t = (tc_cost_table *)ct;

	if (t->sorted)
		return;
	qsort(t->rows, t->n, sizeof *t->rows, row_cmp);
	free(t->slots);
	t->slots = NULL;
	t->nslots = 0;
	rehash(t);
	t->sorted = 1;
}

size_t tc_cost_table_count(const tc_cost_table *t)
{
	return t ? t->n : 0;
}

const tc_cost_row *tc_cost_table_row(const tc_cost_table *t, size_t i)
{
	if (!t || i >= t->n)
		return NULL;
	sort_rows(t);
	return &t->rows[i];
}

const tc_cost_row *tc_cost_table_total(const tc_cost_table *t)
{
	return t ? &t->total : NULL;
}

/* The name of the period key, or NULL. */
static const char *period_name(unsigned by)
{
	if (by & TC_BY_DAY)
		return "day";
	if (by & TC_BY_WEEK)
		return "week";
	if (by & TC_BY_MONTH)
		return "month";
	return NULL;
}

/* The measure columns, in the order of the JSON contract. */
static const char *const measures[] = {
	"requests", "input_tokens", "uncached_input_tokens",
	"cache_read_tokens", "cache_write_5m_tokens", "cache_write_1h_tokens",
	"output_tokens", "reasoning_tokens", "cost_usd", "cost_input_usd",
	"cost_cache_read_usd", "cost_cache_write_usd", "cost_output_usd",
	"cost_per_call_usd"};

#define NCOUNTS 8
#define NMEASURES (sizeof measures / sizeof measures[0])

/* A row's counts and costs in the order of measures. */
static void row_values(const tc_cost_row *r, uint64_t counts[NCOUNTS],
		       tc_money costs[NMEASURES - NCOUNTS])
{
	counts[0] = r->requests;
	counts[1] = r->uncached_input + r->cache_read + r->cache_write_5m +
		    r->cache_write_1h;
	counts[2] = r->uncached_input;
	counts[3] = r->cache_read;
	counts[4] = r->cache_write_5m;
	counts[5] = r->cache_write_1h;
	counts[6] = r->output;
	counts[7] = r->reasoning;
	costs[0] = r->cost;
	costs[1] = r->cost_input;
	costs[2] = r->cost_cache_read;
	costs[3] = r->cost_cache_write;
	costs[4] = r->cost_output;
	costs[5] = r->cost_per_call;
}

/* One group as a JSON object: its keys, then the measures. */
static json_t *row_json(const tc_cost_table *t, const tc_cost_row *r)
{
	json_t *o = json_object();
	uint64_t counts[NCOUNTS];
	tc_money costs[NMEASURES - NCOUNTS];
	char buf[64];
	size_t i;

	if (t->by & TC_BY_CLASS)
		json_object_set_new(o, "class", json_string(r->class_name));
	if (t->by & TC_BY_MODEL)
		json_object_set_new(o, "model", json_string(r->model));
	if (period_name(t->by))
		json_object_set_new(o, period_name(t->by),
				    json_string(r->period));
	row_values(r, counts, costs);
	for (i = 0; i < NCOUNTS; i++)
		json_object_set_new(o, measures[i],
				    json_integer((json_int_t)counts[i]));
	for (i = NCOUNTS; i < NMEASURES; i++)
		json_object_set_new(o, measures[i], json_string(
			tc_money_format(costs[i - NCOUNTS], buf, sizeof buf)));
	return o;
}

/* The grouping keys as a JSON array of names. */
static json_t *by_json(unsigned by)
{
	json_t *a = json_array();

	if (by & TC_BY_CLASS)
		json_array_append_new(a, json_string("class"));
	if (by & TC_BY_MODEL)
		json_array_append_new(a, json_string("model"));
	if (period_name(by))
		json_array_append_new(a, json_string(period_name(by)));
	return a;
}

tc_status tc_cost_table_write_json(const tc_cost_table *t, FILE *fp,
				   tc_error *err)
{
	json_t *root = json_object(), *rows = json_array();
	char buf[64];
	size_t i;
	int rc;

	if (!root || !rows) {
		json_decref(root);
		json_decref(rows);
		return tci_error(err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	}
	for (i = 0; i < tc_cost_table_count(t); i++)
		json_array_append_new(rows, row_json(t, tc_cost_table_row(t,
									 i)));
	json_object_set_new(root, "by", by_json(t->by));
	json_object_set_new(root, "rows", rows);
	json_object_set_new(root, "total_cost_usd", json_string(
		tc_money_format(t->total.cost, buf, sizeof buf)));
	json_object_set_new(root, "total", row_json(&(tc_cost_table){0},
						    &t->total));
	rc = json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc != 0 || fputc('\n', fp) == EOF)
		return tci_error(err, TC_ERR_IO, NULL, 0, NULL,
				 "cannot write the JSON report");
	return TC_OK;
}

/* Writes one group as a CSV line, keys first. */
static void csv_row(FILE *fp, const tc_cost_table *t, const tc_cost_row *r)
{
	uint64_t counts[NCOUNTS];
	tc_money costs[NMEASURES - NCOUNTS];
	char buf[64];
	size_t i;

	if (t->by & TC_BY_CLASS) {
		tci_csv_field(fp, r->class_name);
		fputc(',', fp);
	}
	if (t->by & TC_BY_MODEL) {
		tci_csv_field(fp, r->model);
		fputc(',', fp);
	}
	if (period_name(t->by))
		fprintf(fp, "%s,", r->period);
	row_values(r, counts, costs);
	for (i = 0; i < NCOUNTS; i++)
		fprintf(fp, "%llu,", (unsigned long long)counts[i]);
	for (i = NCOUNTS; i < NMEASURES; i++)
		fprintf(fp, "%s%s", tc_money_format(costs[i - NCOUNTS], buf,
						    sizeof buf),
			i + 1 < NMEASURES ? "," : "\n");
}

tc_status tc_cost_table_write_csv(const tc_cost_table *t, FILE *fp,
				  tc_error *err)
{
	size_t i;

	if (t->by & TC_BY_CLASS)
		fputs("class,", fp);
	if (t->by & TC_BY_MODEL)
		fputs("model,", fp);
	if (period_name(t->by))
		fprintf(fp, "%s,", period_name(t->by));
	for (i = 0; i < NMEASURES; i++)
		fprintf(fp, "%s%s", measures[i],
			i + 1 < NMEASURES ? "," : "\n");
	for (i = 0; i < tc_cost_table_count(t); i++)
		csv_row(fp, t, tc_cost_table_row(t, i));
	if (ferror(fp))
		return tci_error(err, TC_ERR_IO, NULL, 0, NULL,
				 "cannot write the CSV report");
	return TC_OK;
}
