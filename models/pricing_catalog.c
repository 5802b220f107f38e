/*
 * pricing_catalog.c - the dated price catalog: loading the CSV format of
 * docs/pricing.md, merging a user catalog over the bundled one, and
 * finding the row of a model on a date.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "pricing_int.h"
#include "tci.h"

#define MAX_FIELDS 64
#define MAX_FIELD_LEN 4096
#define MAX_ROWS 100000
#define MAX_FILE_BYTES (16L * 1024 * 1024)

/* Rates written as a keyword until the row is resolved. */
#define RATE_AS_INPUT INT64_C(-2)
#define RATE_AS_OUTPUT INT64_C(-3)

#define MULT_PLACES 6
#define MULT_MAX INT64_C(100000000)	/* a multiplier of 100 */
#define PERCALL_PLACES 12		/* USD per 1,000 calls to 1e-15 */
#define PERCALL_MAX INT64_C(1000000000000000000)

struct tc_catalog {
	tc_price *rows;
	size_t n;
	size_t cap;
};

/* How a column's text is read. */
enum col_kind {
	COL_TEXT,	/* a string field of tc_price */
	COL_DATE,	/* YYYY-MM-DD */
	COL_RATE,	/* USD per MTok, empty: no price */
	COL_CACHE,	/* a rate, or "input" for no discount */
	COL_REASON,	/* a rate, or "output" */
	COL_COUNT,	/* a token count */
	COL_MULT,	/* a multiplier, empty: not offered */
	COL_PERCALL	/* USD per 1,000 calls */
};

struct column {
	const char *name;
	enum col_kind kind;
	size_t offset;		/* into tc_price */
	int required;
};

#define P(f) offsetof(tc_price, f)

static const struct column columns[] = {
	{"model", COL_TEXT, P(model), 1},
	{"provider", COL_TEXT, P(provider), 0},
	{"effective_from", COL_DATE, P(effective_from), 1},
	{"input", COL_RATE, P(base.input), 1},
	{"cache_read", COL_CACHE, P(base.cache_read), 0},
	{"cache_write_5m", COL_CACHE, P(base.cache_write_5m), 0},
	{"cache_write_1h", COL_CACHE, P(base.cache_write_1h), 0},
	{"output", COL_RATE, P(base.output), 1},
	{"reasoning", COL_REASON, P(base.reasoning), 0},
	{"audio_input", COL_RATE, P(base.audio_input), 0},
	{"image_input", COL_RATE, P(base.image_input), 0},
	{"tier_threshold", COL_COUNT, P(tier_threshold), 0},
	{"tier_input", COL_RATE, P(tier.input), 0},
	{"tier_cache_read", COL_CACHE, P(tier.cache_read), 0},
	{"tier_cache_write_5m", COL_CACHE, P(tier.cache_write_5m), 0},
	{"tier_cache_write_1h", COL_CACHE, P(tier.cache_write_1h), 0},
	{"tier_output", COL_RATE, P(tier.output), 0},
	{"tier_reasoning", COL_REASON, P(tier.reasoning), 0},
	{"batch_multiplier", COL_MULT, P(batch_mult), 0},
	{"priority_multiplier", COL_MULT, P(priority_mult), 0},
	{"flex_multiplier", COL_MULT, P(flex_mult), 0},
	{"web_search_per_1k_calls", COL_PERCALL, P(web_search_call), 0},
	{"date_basis", COL_TEXT, P(date_basis), 0},
	{"source", COL_TEXT, P(source), 0},
};

#define NCOLUMNS (sizeof columns / sizeof columns[0])

/* The state of one file's load, shared with libcsv's callbacks. */
typedef struct load_ctx {
	const char *path;
	long line;		/* physical line being fed */
	long row_line;		/* line where the current row started */
	char *fields[MAX_FIELDS];
	size_t nfields;
	int col_of[NCOLUMNS];	/* field index of each column, or -1 */
	int header_done;
	tc_catalog *out;
	tc_status st;
	tc_error *err;
} load_ctx;

static void price_release(tc_price *p)
{
	free((char *)p->model);
	free((char *)p->provider);
	free((char *)p->date_basis);
	free((char *)p->source);
	free((char *)p->file);
}

tc_catalog *tc_catalog_new(void)
{
	return calloc(1, sizeof(tc_catalog));
}

void tc_catalog_free(tc_catalog *cat)
{
	size_t i;

	if (!cat)
		return;
	for (i = 0; i < cat->n; i++)
		price_release(&cat->rows[i]);
	free(cat->rows);
	free(cat);
}

size_t tc_catalog_count(const tc_catalog *cat)
{
	return cat ? cat->n : 0;
}

const tc_price *tc_catalog_row(const tc_catalog *cat, size_t i)
{
	return cat && i < cat->n ? &cat->rows[i] : NULL;
}

/* Appends a copy of *p, taking its strings. */
static tc_status catalog_push(tc_catalog *cat, const tc_price *p)
{
	tc_price *rows;
	size_t cap;

	if (cat->n == cat->cap) {
		cap = cat->cap ? cat->cap * 2 : 64;
		rows = realloc(cat->rows, cap * sizeof *rows);
		if (!rows)
			return TC_ERR_NOMEM;
		cat->rows = rows;
		cat->cap = cap;
	}
	cat->rows[cat->n++] = *p;
	return TC_OK;
}

/* An empty row: every price and multiplier TC_RATE_NONE. */
static void row_init(tc_price *p)
{
	int64_t *r;
	size_t i;

	memset(p, 0, sizeof *p);
	for (i = 0; i < NCOLUMNS; i++) {
		enum col_kind k = columns[i].kind;

		if (k == COL_TEXT || k == COL_DATE || k == COL_COUNT)
			continue;
		r = (int64_t *)((char *)p + columns[i].offset);
		*r = TC_RATE_NONE;
	}
	p->base.audio_input = p->tier.audio_input = TC_RATE_NONE;
	p->base.image_input = p->tier.image_input = TC_RATE_NONE;
}

/* Reports a bad value of column c in the current row. */
static tc_status field_error(load_ctx *c, tc_status st, size_t col,
			     const char *what, const char *text)
{
	char element[96];

	snprintf(element, sizeof element, "column '%s'", columns[col].name);
	return tci_error(c->err, st, c->path, c->row_line, element,
			 "expected %s, got '%s'", what, text);
}

/* Parses a rate column, with its keyword when the kind allows one. */
static tc_status parse_rate(load_ctx *c, size_t col, const char *text,
			    int64_t *v)
{
	enum col_kind kind = columns[col].kind;
	tc_status st;

	if (kind == COL_CACHE && strcmp(text, "input") == 0) {
		*v = RATE_AS_INPUT;
		return TC_OK;
	}
	if (kind == COL_REASON && strcmp(text, "output") == 0) {
		*v = RATE_AS_OUTPUT;
		return TC_OK;
	}
	st = tc_rate_parse(text, v);
	if (st == TC_ERR_LIMIT)
		return field_error(c, st, col,
				   "a rate up to 1000000 USD per MTok", text);
	if (st != TC_OK)
		return field_error(c, st, col,
				   kind == COL_CACHE ?
				   "USD per million tokens or 'input'" :
				   kind == COL_REASON ?
				   "USD per million tokens or 'output'" :
				   "USD per million tokens (a plain decimal)",
				   text);
	return TC_OK;
}

/* Parses the non-empty text of column col into the row. */
static tc_status parse_field(load_ctx *c, size_t col, const char *text,
			     tc_price *p)
{
	void *at = (char *)p + columns[col].offset;
	int64_t v;
	tc_status st;

	switch (columns[col].kind) {
	case COL_TEXT:
		*(char **)at = tci_strdup(text);
		return *(char **)at ? TC_OK : TC_ERR_NOMEM;
	case COL_DATE:
		st = tci_parse_date(text, strlen(text), (int64_t *)at);
		return st ? field_error(c, TC_ERR_PARSE, col,
					"a date YYYY-MM-DD", text) : TC_OK;
	case COL_COUNT:
		st = tci_parse_int64(text, strlen(text), &v);
		if (st != TC_OK || v <= 0)
			return field_error(c, TC_ERR_PARSE, col,
					   "a positive token count", text);
		*(uint64_t *)at = (uint64_t)v;
		return TC_OK;
	case COL_MULT:
		st = tci_decimal_parse(text, strlen(text), MULT_PLACES,
				       MULT_MAX, (int64_t *)at);
		return st ? field_error(c, st, col,
					"a multiplier from 0 to 100 with at "
					"most 6 decimals", text) : TC_OK;
	case COL_PERCALL:
		st = tci_decimal_parse(text, strlen(text), PERCALL_PLACES,
				       PERCALL_MAX, (int64_t *)at);
		return st ? field_error(c, st, col,
					"USD per 1000 calls", text) : TC_OK;
	default:
		return parse_rate(c, col, text, (int64_t *)at);
	}
}

/* A tier cache rate the file left empty, from the base ratio. */
static int64_t derive_tier_rate(int64_t base, int64_t base_input,
				int64_t tier_input)
{
	__int128 num;

	if (base == TC_RATE_NONE)
		return TC_RATE_NONE;
	if (base_input <= 0)
		return base;
	num = (__int128)base * tier_input;
	return (int64_t)((num + base_input / 2) / base_input);
}

/* Resolves one rate set's keywords against its own input and output. */
static void resolve_keywords(tc_rates *r)
{
	if (r->cache_read == RATE_AS_INPUT)
		r->cache_read = r->input;
	if (r->cache_write_5m == RATE_AS_INPUT)
		r->cache_write_5m = r->input;
	if (r->cache_write_1h == RATE_AS_INPUT)
		r->cache_write_1h = r->input;
	if (r->reasoning == RATE_AS_OUTPUT || r->reasoning == TC_RATE_NONE)
		r->reasoning = r->output;
}

/* Derives the tier cache rates the file did not give. */
static void derive_tier(tc_price *p)
{
	static const struct {
		size_t offset;
		unsigned bit;
	} cache[] = {
		{offsetof(tc_rates, cache_read), TC_DERIVED_CACHE_READ},
		{offsetof(tc_rates, cache_write_5m), TC_DERIVED_CACHE_WRITE_5M},
		{offsetof(tc_rates, cache_write_1h), TC_DERIVED_CACHE_WRITE_1H},
	};
	int64_t *t, b;
	size_t i;

	for (i = 0; i < 3; i++) {
		t = (int64_t *)((char *)&p->tier + cache[i].offset);
		b = *(int64_t *)((char *)&p->base + cache[i].offset);
		if (*t != TC_RATE_NONE || b == TC_RATE_NONE)
			continue;
		*t = derive_tier_rate(b, p->base.input, p->tier.input);
		p->tier_derived |= cache[i].bit;
	}
}

/* True when any tier rate was written. */
static int tier_written(const tc_price *p)
{
	const tc_rates *t = &p->tier;

	return t->input != TC_RATE_NONE || t->output != TC_RATE_NONE ||
	       t->cache_read != TC_RATE_NONE ||
	       t->cache_write_5m != TC_RATE_NONE ||
	       t->cache_write_1h != TC_RATE_NONE ||
	       t->reasoning != TC_RATE_NONE;
}

/* Checks a parsed row and fills its defaults. */
static tc_status resolve_row(load_ctx *c, tc_price *p)
{
	if (!p->tier_threshold && tier_written(p))
		return tci_error(c->err, TC_ERR_INVALID, c->path, c->row_line,
				 p->model, "tier rates need a tier_threshold");
	if (p->tier_threshold && (p->tier.input == TC_RATE_NONE ||
				  p->tier.output == TC_RATE_NONE))
		return tci_error(c->err, TC_ERR_INVALID, c->path, c->row_line,
				 p->model, "a tier_threshold needs tier_input "
				 "and tier_output");
	resolve_keywords(&p->base);
	if (p->tier_threshold) {
		resolve_keywords(&p->tier);
		derive_tier(p);
	}
	return TC_OK;
}

/* Checks the model id: printable, no white space, not empty. */
static int model_id_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

/* Turns the fields of a data row into a catalog row. */
static tc_status take_row(load_ctx *c)
{
	tc_price p;
	size_t i;
	const char *text;
	tc_status st = TC_OK;

	row_init(&p);
	for (i = 0; i < NCOLUMNS && st == TC_OK; i++) {
		text = c->col_of[i] >= 0 && (size_t)c->col_of[i] < c->nfields ?
		       c->fields[c->col_of[i]] : "";
		if (*text)
			st = parse_field(c, i, text, &p);
		else if (columns[i].required)
			st = field_error(c, TC_ERR_INVALID, i, "a value",
					 text);
	}
	if (st == TC_OK && !model_id_ok(p.model))
		st = field_error(c, TC_ERR_INVALID, 0,
				 "a model id without spaces", p.model);
	if (st == TC_OK)
		st = resolve_row(c, &p);
	if (st == TC_OK && c->out->n >= MAX_ROWS)
		st = tci_error(c->err, TC_ERR_LIMIT, c->path, c->row_line,
			       NULL, "more than %d rows", MAX_ROWS);
	p.file = tci_strdup(c->path);
	if (st == TC_OK && !p.file)
		st = TC_ERR_NOMEM;
	p.line = c->row_line;
	if (st == TC_OK)
		st = catalog_push(c->out, &p);
	if (st != TC_OK)
		price_release(&p);
	return st;
}

/* Maps the header's names onto the known columns. */
static tc_status take_header(load_ctx *c)
{
	size_t i, j;

	for (j = 0; j < NCOLUMNS; j++)
		c->col_of[j] = -1;
	for (i = 0; i < c->nfields; i++) {
		for (j = 0; j < NCOLUMNS; j++)
			if (strcmp(c->fields[i], columns[j].name) == 0)
				break;
		if (j == NCOLUMNS)
			return tci_error(c->err, TC_ERR_PARSE, c->path,
					 c->row_line, NULL,
					 "unknown column '%s' (docs/pricing.md "
					 "lists the columns)", c->fields[i]);
		if (c->col_of[j] >= 0)
			return tci_error(c->err, TC_ERR_PARSE, c->path,
					 c->row_line, NULL,
					 "column '%s' appears twice",
					 c->fields[i]);
		c->col_of[j] = (int)i;
	}
	for (j = 0; j < NCOLUMNS; j++)
		if (columns[j].required && c->col_of[j] < 0)
			return tci_error(c->err, TC_ERR_INVALID, c->path,
					 c->row_line, NULL,
					 "missing column '%s'",
					 columns[j].name);
	c->header_done = 1;
	return TC_OK;
}

static void clear_fields(load_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nfields; i++)
		free(c->fields[i]);
	c->nfields = 0;
}

/* libcsv: one field ended. */
static void on_field(void *s, size_t len, void *data)
{
	load_ctx *c = data;

	if (c->st != TC_OK)
		return;
	if (c->nfields == 0)
		c->row_line = c->line;
	if (c->nfields == MAX_FIELDS || len > MAX_FIELD_LEN) {
		c->st = tci_error(c->err, TC_ERR_LIMIT, c->path, c->line, NULL,
				  "more than %d fields or a field over %d "
				  "bytes", MAX_FIELDS, MAX_FIELD_LEN);
		return;
	}
	c->fields[c->nfields] = tci_strndup(s ? s : "", s ? len : 0);
	if (!c->fields[c->nfields]) {
		c->st = TC_ERR_NOMEM;
		return;
	}
	c->nfields++;
}

/* libcsv: one row ended. Rows whose first field starts with # are notes. */
static void on_row(int term, void *data)
{
	load_ctx *c = data;

	if (c->st == TC_OK && c->nfields && c->fields[0][0] != '#') {
		if (!c->header_done)
			c->st = take_header(c);
		else
			c->st = take_row(c);
	}
	clear_fields(c);
}

/*
 * Feeds a block of the file to libcsv a line at a time, so errors know
 * their line. A NUL byte is refused: the catalog is text, and a file of
 * NULs (/dev/zero) would otherwise be read forever as empty lines.
 */
static void feed_block(load_ctx *c, struct csv_parser *p, const char *buf,
		       size_t n)
{
	const char *nl;
	size_t len;

	while (n && c->st == TC_OK) {
		nl = memchr(buf, '\n', n);
		len = nl ? (size_t)(nl - buf) + 1 : n;
		if (memchr(buf, '\0', len)) {
			c->st = tci_error(c->err, TC_ERR_PARSE, c->path,
					  c->line, NULL, "a NUL byte: not a "
					  "CSV text file");
			return;
		}
		if (csv_parse(p, buf, len, on_field, on_row, c) != len)
			c->st = tci_error(c->err, TC_ERR_PARSE, c->path,
					  c->line, NULL, "malformed CSV: %s",
					  csv_strerror(csv_error(p)));
		if (nl)
			c->line++;
		buf += len;
		n -= len;
	}
}

/* Feeds the file to libcsv in blocks, up to MAX_FILE_BYTES. */
static tc_status parse_file(load_ctx *c, FILE *fp)
{
	struct csv_parser parser;
	char buf[8192];
	size_t len;
	long total = 0;

	if (csv_init(&parser, CSV_APPEND_NULL | CSV_STRICT) != 0)
		return TC_ERR_NOMEM;
	c->line = 1;
	while (c->st == TC_OK && (len = fread(buf, 1, sizeof buf, fp)) > 0) {
		total += (long)len;
		if (total > MAX_FILE_BYTES) {
			c->st = tci_error(c->err, TC_ERR_LIMIT, c->path, 0,
					  NULL, "file larger than 16 MiB");
			break;
		}
		feed_block(c, &parser, buf, len);
	}
	if (c->st == TC_OK && csv_fini(&parser, on_field, on_row, c) != 0)
		c->st = tci_error(c->err, TC_ERR_PARSE, c->path, c->line, NULL,
				  "malformed CSV: %s",
				  csv_strerror(csv_error(&parser)));
	clear_fields(c);
	csv_free(&parser);
	return c->st;
}

/* Orders rows by model, then effective date. */
static int row_cmp(const void *a, const void *b)
{
	const tc_price *x = a, *y = b;
	int r = strcmp(x->model, y->model);

	if (r)
		return r;
	return (x->effective_from > y->effective_from) -
	       (x->effective_from < y->effective_from);
}

/* Rejects two rows of one model on one date in a sorted catalog. */
static tc_status check_duplicates(const tc_catalog *cat, tc_error *err)
{
	size_t i;
	char date[16];

	for (i = 1; i < cat->n; i++) {
		if (row_cmp(&cat->rows[i - 1], &cat->rows[i]) != 0)
			continue;
		tci_format_date(cat->rows[i].effective_from, date, sizeof date);
		return tci_error(err, TC_ERR_INVALID, cat->rows[i].file,
				 cat->rows[i].line, cat->rows[i].model,
				 "a second row effective from %s (first on "
				 "line %ld)", date, cat->rows[i - 1].line);
	}
	return TC_OK;
}

/* True when the sorted catalog has a row of model. */
static int has_model(const tc_catalog *cat, const char *model)
{
	size_t lo = 0, hi = cat->n, mid;
	int r;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = strcmp(cat->rows[mid].model, model);
		if (r == 0)
			return 1;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Moves the rows of add into cat, replacing cat's rows of its models. */
static tc_status merge(tc_catalog *cat, tc_catalog *add)
{
	size_t i, keep = 0;
	tc_status st = TC_OK;

	for (i = 0; i < cat->n; i++) {
		if (has_model(add, cat->rows[i].model))
			price_release(&cat->rows[i]);
		else
			cat->rows[keep++] = cat->rows[i];
	}
	cat->n = keep;
	for (i = 0; i < add->n && st == TC_OK; i++)
		st = catalog_push(cat, &add->rows[i]);
	if (st != TC_OK)
		return st;
	add->n = 0;
	qsort(cat->rows, cat->n, sizeof *cat->rows, row_cmp);
	return TC_OK;
}

tc_status tc_catalog_load(tc_catalog *cat, const char *path, tc_error *err)
{
	load_ctx c;
	FILE *fp;
	tc_status st;

	if (!cat || !path)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no catalog or path");
	memset(&c, 0, sizeof c);
	c.path = path;
	c.err = err;
	c.out = tc_catalog_new();
	if (!c.out)
		return tci_error(err, TC_ERR_NOMEM, path, 0, NULL,
				 "out of memory");
	fp = fopen(path, "r");
	if (!fp) {
		st = tci_error(err, TC_ERR_IO, path, 0, NULL,
			       "cannot open: %s", strerror(errno));
		goto out;
	}
	st = parse_file(&c, fp);
	if (st == TC_OK && ferror(fp))
		st = tci_error(err, TC_ERR_IO, path, 0, NULL, "read error");
	fclose(fp);
	if (st == TC_OK && !c.header_done)
		st = tci_error(err, TC_ERR_INVALID, path, 0, NULL,
			       "no header row");
	if (st != TC_OK)
		goto out;
	qsort(c.out->rows, c.out->n, sizeof *c.out->rows, row_cmp);
	st = check_duplicates(c.out, err);
	if (st == TC_OK)
		st = merge(cat, c.out);
out:
	if (st == TC_ERR_NOMEM)
		tci_error(err, st, path, 0, NULL, "out of memory");
	tc_catalog_free(c.out);
	return st;
}
