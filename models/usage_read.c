/*
 * usage_read.c - the streaming usage-log reader: opens CSV or JSON Lines
 * (gzip or plain), reads ahead once for duplicate ids when needed, then
 * returns one normalised record per call, counting and listing bad rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "usage_int.h"

void tc_usage_opts_init(tc_usage_opts *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->origin_us = TC_TIME_NONE;
	opts->max_bad_rows = -1;
}

tc_status tc_usage_opts_map(tc_usage_opts *opts, const char *spec,
			    tc_error *err)
{
	const char *eq = spec ? strchr(spec, '=') : NULL;
	size_t n;
	int k;

	if (!eq || eq == spec || !eq[1])
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "--map expects KEY=FIELD, got '%s'",
				 spec ? spec : "");
	n = (size_t)(eq - spec);
	for (k = 0; k < TC_KEY_COUNT; k++)
		if (strlen(tc_usage_key_name(k)) == n &&
		    memcmp(tc_usage_key_name(k), spec, n) == 0) {
			opts->map[k] = eq + 1;
			return TC_OK;
		}
	return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
			 "--map: unknown key '%.*s'; keys are time, input, "
			 "uncached, cached, cache_write, cache_write_5m, "
			 "cache_write_1h, output, reasoning, class, model, id, "
			 "tier, batch, web_search, hash_ids", (int)n, spec);
}

/* Frees the header names. */
static void free_header(tc_usage_reader *r)
{
	size_t i;

	for (i = 0; i < r->ncols; i++)
		free(r->header[i]);
	free(r->header);
	r->header = NULL;
	r->ncols = 0;
}

/* Keeps the header's field names, the UTF-8 byte-order mark removed. */
static tc_status keep_header(tc_usage_reader *r)
{
	const char *f;
	size_t i;

	r->header = calloc(r->csv.nfields, sizeof *r->header);
	if (!r->header)
		return TC_ERR_NOMEM;
	for (i = 0; i < r->csv.nfields; i++) {
		f = r->csv.text.data + r->csv.off[i];
		if (i == 0 && strncmp(f, "\xef\xbb\xbf", 3) == 0)
			f += 3;
		r->header[i] = tci_strdup(f);
		if (!r->header[i])
			return TC_ERR_NOMEM;
		r->ncols++;
	}
	return TC_OK;
}

/* True when the file looks like JSON Lines: its first text is '{'. */
static int looks_json(const char *s, size_t n)
{
	const char *t;
	size_t len;

	if (n >= 3 && strncmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		n -= 3;
	}
	tci_trim(s, n, &t, &len);
	return len > 0 && (t[0] == '{' || t[0] == '[');
}

/*
 * Opens the file for one pass; for CSV reads the header and picks the
 * columns. A file's kind is decided by its first non-blank line.
 */
static tc_status open_pass(tc_usage_reader *r, tc_error *err)
{
	const char *s;
	size_t n;
	int k;
	tc_status st;

	st = tci_lines_open(&r->lines, r->path, err);
	if (st != TC_OK)
		return st;
	do {
		k = tci_lines_next(&r->lines, r->path, &s, &n, err);
		if (k < 0)
			return (tc_status)-k;
		if (k == 0)
			return tci_error(err, TC_ERR_PARSE, r->path, 0, NULL,
					 "the log is empty");
	} while (tci_is_blank(s, n));
	if (looks_json(s, n)) {
		r->csv_mode = 0;
		r->lines.start -= n;	/* the line is a record: read again */
		r->lines.line--;
		return TC_OK;
	}
	r->csv_mode = 1;
	r->delim = tci_csv_sniff(s, n);
	tci_csv_free(&r->csv);
	free_header(r);
	if (tci_csv_init(&r->csv, r->delim) != TC_OK)
		return tci_error(err, TC_ERR_NOMEM, r->path, 0, NULL,
				 "out of memory");
	st = tci_csv_feed(&r->csv, s, n, s[n - 1] != '\n');
	if (st == TC_OK && !r->csv.complete)
		st = TC_ERR_PARSE;
	if (st == TC_OK)
		st = keep_header(r);
	if (st != TC_OK)
		return tci_error(err, st, r->path, r->lines.line, NULL,
				 "cannot read the CSV header");
	tci_csv_next(&r->csv);
	return tci_usage_csv_columns(r, err);
}

/*
 * Reads the next CSV record (it may span lines inside quotes). Returns 1
 * with a row, 0 at the end, or -(status).
 */
static int csv_row(tc_usage_reader *r, tc_error *err)
{
	const char *s;
	size_t n, fed = 0;
	int k, pending = 0;
	tc_status st;

	tci_csv_next(&r->csv);
	for (;;) {
		k = tci_lines_next(&r->lines, r->path, &s, &n, err);
		if (k < 0)
			return k;
		if (k == 0) {
			if (!pending)
				return 0;
			st = tci_csv_feed(&r->csv, "", 0, 1);
		} else {
			if (!pending && tci_is_blank(s, n))
				continue;
			if (!pending)
				r->row_line = r->lines.line;
			pending = 1;
			fed += n;
			if (fed > TCI_LINE_MAX)
				return -(int)tci_error(err, TC_ERR_LIMIT,
					r->path, r->row_line, NULL,
					"CSV record longer than %zu bytes (a "
					"quote never closed?)", TCI_LINE_MAX);
			st = tci_csv_feed(&r->csv, s, n, s[n - 1] != '\n');
		}
		if (st != TC_OK)
			return -(int)tci_error(err, st, r->path, r->row_line,
					       NULL, st == TC_ERR_LIMIT ?
					       "CSV record with more than %d "
					       "fields" : "out of memory",
					       TCI_CSV_MAX_FIELDS);
		if (r->csv.complete || k == 0)
			return 1;
	}
}

/* Reads the next JSON line; a line that is not JSON is a bad row. */
static int json_row(tc_usage_reader *r, tc_error *err)
{
	json_error_t jerr;
	const char *s;
	size_t n;
	int k;

	if (r->root && r->pos + 1 < r->nhits) {
		r->pos++;
		return 1;
	}
	json_decref(r->root);
	r->root = NULL;
	r->nhits = 0;
	do {
		k = tci_lines_next(&r->lines, r->path, &s, &n, err);
		if (k <= 0)
			return k;
	} while (tci_is_blank(s, n));
	r->row_line = r->lines.line;
	r->root = json_loadb(s, n, 0, &jerr);
	if (!r->root) {
		snprintf(r->why, sizeof r->why, "not JSON: %s (column %d)",
			 jerr.text, jerr.column);
		r->bad = r->why;
	} else if (!json_is_object(r->root)) {
		snprintf(r->why, sizeof r->why, "not a JSON object");
		r->bad = r->why;
	} else if (tci_usage_find(r) == 0) {
		r->null_usage = tci_usage_null(r);
		r->bad = r->null_usage ? NULL : r->why;
	}
	return 1;
}

/* Reads the next row of either kind. */
static int read_row(tc_usage_reader *r, tc_error *err)
{
	r->bad = NULL;
	r->null_usage = 0;
	return r->csv_mode ? csv_row(r, err) : json_row(r, err);
}

/* Counts and lists a bad row. */
static tc_status bad_row(tc_usage_reader *r, const char *why)
{
	r->totals.bad_rows++;
	r->totals.rows++;
	if (r->totals.bad_rows > TC_USAGE_BAD_KEEP)
		return TC_OK;
	return tci_diag(r->bad_rows, TC_SEV_ERROR, TC_ERR_INVALID, r->path,
			r->row_line, 0, "", "%s", why);
}

/* Remembers the id hash of a good record during the look-ahead. */
static tc_status note_id(tc_usage_reader *r)
{
	uint64_t *n;
	size_t cap;

	if (r->nids == r->cap_ids) {
		cap = r->cap_ids ? r->cap_ids * 2 : 1024;
		n = realloc(r->ids, cap * sizeof *n);
		if (!n)
			return TC_ERR_NOMEM;
		r->ids = n;
		r->cap_ids = cap;
	}
	r->ids[r->nids++] = tci_hash64(r->id, strlen(r->id));
	return TC_OK;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Keeps the ids seen more than once, with their number of copies. */
static tc_status find_dups(tc_usage_reader *r)
{
	size_t i, j;

	if (r->nids > 1)
		qsort(r->ids, r->nids, sizeof *r->ids, cmp_u64);
	for (i = 0; i < r->nids; i = j) {
		for (j = i + 1; j < r->nids && r->ids[j] == r->ids[i]; j++)
			;
		if (j - i > 1 &&
		    tci_u64map_put(&r->dups, r->ids[i], (int64_t)(j - i)))
			return TC_ERR_NOMEM;
	}
	free(r->ids);
	r->ids = NULL;
	r->nids = r->cap_ids = 0;
	return TC_OK;
}

/*
 * The look-ahead pass: hashes the id of every good record, then keeps
 * the ids that repeat, so the reading pass keeps only the last copy.
 */
static tc_status look_ahead(tc_usage_reader *r, tc_error *err)
{
	tc_usage u;
	int k;

	r->pass = 1;
	while ((k = read_row(r, err)) > 0) {
		if (r->bad || r->null_usage || tci_usage_record(r, &u) ||
		    !r->has_id)
			continue;
		if (note_id(r) != TC_OK)
			return tci_error(err, TC_ERR_NOMEM, r->path, 0, NULL,
					 "out of memory");
	}
	if (k < 0)
		return (tc_status)-k;
	if (find_dups(r) != TC_OK)
		return tci_error(err, TC_ERR_NOMEM, r->path, 0, NULL,
				 "out of memory");
	tci_lines_close(&r->lines);
	r->pass = 2;
	return open_pass(r, err);
}

/* Checks options that do not depend on the file. */
static tc_status check_opts(tc_usage_reader *r, tc_error *err)
{
	const char *s = r->opts.shape;

	if (s && *s && strcmp(s, "auto") != 0) {
		r->shape = tci_shape_find(s);
		if (!r->shape)
			return tci_error(err, TC_ERR_NOT_FOUND, r->path, 0,
					 NULL, "unknown usage shape '%s'", s);
	}
	if (r->opts.map[TC_KEY_INPUT] && r->opts.map[TC_KEY_UNCACHED])
		return tci_error(err, TC_ERR_ARG, r->path, 0, NULL,
				 "map either input or uncached, not both");
	if (r->opts.max_bad_rows < -1 || r->opts.cache_ttl_us < 0)
		return tci_error(err, TC_ERR_ARG, r->path, 0, NULL,
				 "negative --max-bad-rows or --cache-ttl");
	return TC_OK;
}

/* True when records may carry ids worth de-duplicating. */
static int may_have_ids(const tc_usage_reader *r)
{
	if (r->opts.keep_duplicates)
		return 0;
	return r->csv_mode ? r->col[TC_KEY_ID] >= 0 : 1;
}

tc_status tc_usage_reader_open(const char *path, const tc_usage_opts *opts,
			       tc_usage_reader **out, tc_error *err)
{
	tc_usage_reader *r;
	tc_status st;

	*out = NULL;
	r = calloc(1, sizeof *r);
	if (!r || !(r->path = tci_strdup(path)) ||
	    !(r->bad_rows = tc_diags_new())) {
		tc_usage_reader_close(r);
		return tci_error(err, TC_ERR_NOMEM, path, 0, NULL,
				 "out of memory");
	}
	if (opts)
		r->opts = *opts;
	else
		tc_usage_opts_init(&r->opts);
	r->totals.time_min = r->totals.time_max = TC_TIME_NONE;
	st = check_opts(r, err);
	if (st == TC_OK)
		st = open_pass(r, err);
	if (st == TC_OK && may_have_ids(r))
		st = look_ahead(r, err);
	r->pass = 2;
	if (st != TC_OK) {
		tc_usage_reader_close(r);
		return st;
	}
	*out = r;
	return TC_OK;
}

void tc_usage_reader_close(tc_usage_reader *r)
{
	if (!r)
		return;
	tci_lines_close(&r->lines);
	tci_csv_free(&r->csv);
	free_header(r);
	json_decref(r->root);
	free(r->nodes);
	free(r->hits);
	free(r->ids);
	tci_u64map_free(&r->dups);
	tci_u64map_free(&r->blocks);
	tc_diags_free(r->bad_rows);
	free(r->path);
	free(r);
}

/* True when the record is an earlier copy of an id seen again later. */
static int is_duplicate(tc_usage_reader *r)
{
	int64_t *left;

	if (!r->has_id || r->dups.len == 0)
		return 0;
	left = tci_u64map_get(&r->dups, tci_hash64(r->id, strlen(r->id)));
	if (!left)
		return 0;
	return --*left > 0;
}

/* The key of a hash_ids block in the block map. */
static uint64_t block_key(json_t *j)
{
	if (json_is_integer(j))
		return (uint64_t)json_integer_value(j) + 1;
	if (json_is_string(j))
		return tci_hash64(json_string_value(j),
				  json_string_length(j));
	return 0;
}

/* True when a block last seen at seen is still cached at time now. */
static int still_cached(const tc_usage_reader *r, int64_t seen, int64_t now)
{
	if (r->opts.cache_ttl_us == 0 || now == TC_TIME_NONE ||
	    seen == TC_TIME_NONE)
		return 1;
	return now - seen <= r->opts.cache_ttl_us;
}

/*
 * The cached share from hash_ids: each block seen in an earlier request
 * (within the cache lifetime) counts as 512 cached tokens, capped at the
 * input. Every block is then marked seen at this request's time.
 */
static tc_status apply_blocks(tc_usage_reader *r, tc_usage *u)
{
	uint64_t input = tc_usage_input(u), hits = 0, cached;
	int64_t *seen;
	json_t *j;
	size_t i;

	json_array_foreach(r->hash_ids, i, j) {
		seen = tci_u64map_get(&r->blocks, block_key(j));
		if (seen && still_cached(r, *seen, u->time_us))
			hits++;
	}
	json_array_foreach(r->hash_ids, i, j)
		if (block_key(j) &&
		    tci_u64map_put(&r->blocks, block_key(j), u->time_us))
			return TC_ERR_NOMEM;
	cached = hits * TCI_BLOCK_TOKENS;
	if (cached > input)
		cached = input;
	u->cache_read = cached;
	u->cache_write_5m = u->cache_write_1h = 0;
	u->uncached_input = input - cached;
	return TC_OK;
}

/* Looks a field up in the current row, for match rules. */
static const char *row_field(void *ctx, const char *field, char *buf,
			     size_t size)
{
	tc_usage_reader *r = ctx;
	struct tci_val v;
	json_t *j;
	long c;

	if (strcmp(field, "model") == 0 && r->model[0])
		return r->model;
	if (r->csv_mode) {
		for (c = 0; c < (long)r->ncols; c++)
			if (strcasecmp(r->header[c], field) == 0 &&
			    (size_t)c < r->csv.nfields)
				return r->csv.text.data + r->csv.off[c];
		return NULL;
	}
	j = tci_json_path(r->root, field, strlen(field));
	if (!j)
		j = tci_json_path(json_object_get(r->root, "metadata"), field,
				  strlen(field));
	if (!j)
		return NULL;
	tci_val_json(j, &v);
	if (v.kind == TCI_VAL_STR)
		return v.s;
	if (v.kind == TCI_VAL_INT)
		snprintf(buf, size, "%lld", (long long)v.i);
	else if (v.kind == TCI_VAL_REAL)
		tci_format_double(buf, size, v.d);
	else if (v.kind == TCI_VAL_BOOL)
		snprintf(buf, size, "%s", v.i ? "true" : "false");
	else
		return NULL;
	return buf;
}

/* The class: a mapped field, else --class, else the match rules. */
static void classify(tc_usage_reader *r, tc_usage *u)
{
	const char *c;

	if (!r->class_name[0] && r->opts.class_name)
		tci_strlcpy(r->class_name, r->opts.class_name,
			    sizeof r->class_name);
	if (!r->class_name[0] && r->opts.match) {
		c = tc_usage_match_classify(r->opts.match, row_field, r);
		if (c)
			tci_strlcpy(r->class_name, c, sizeof r->class_name);
	}
	u->class_name = r->class_name;
}

/* Adds a returned record to the totals. */
static void add_totals(tc_usage_totals *t, const tc_usage *u)
{
	t->rows++;
	t->records++;
	t->uncached_input += u->uncached_input;
	t->cache_read += u->cache_read;
	t->cache_write_5m += u->cache_write_5m;
	t->cache_write_1h += u->cache_write_1h;
	t->output += u->output;
	t->reasoning += u->reasoning;
	if (u->time_us == TC_TIME_NONE)
		return;
	if (t->time_min == TC_TIME_NONE || u->time_us < t->time_min)
		t->time_min = u->time_us;
	if (t->time_max == TC_TIME_NONE || u->time_us > t->time_max)
		t->time_max = u->time_us;
}

/* Fails the reader: the error is kept and repeated to later callers. */
static int fail(tc_usage_reader *r, tc_status st, tc_error *err)
{
	r->done = (int)st;
	if (err)
		*err = r->err;
	return (int)st;
}

/* Fails when there are more bad rows than allowed. */
static int too_many_bad(tc_usage_reader *r, int at_end)
{
	const tc_usage_totals *t = &r->totals;
	long max = r->opts.max_bad_rows;
	const tc_diag *first;

	if (max < 0 && !at_end)
		return 0;
	if (max >= 0 ? t->bad_rows <= (uint64_t)max :
		       t->bad_rows * 1000 <= t->rows)
		return 0;
	first = tc_diags_get(r->bad_rows, 0);
	tci_error(&r->err, TC_ERR_INVALID, r->path, first->line, NULL,
		  "%llu bad rows of %llu, more than %s%ld%s; the first: %s",
		  (unsigned long long)t->bad_rows,
		  (unsigned long long)t->rows, max >= 0 ? "" : "0.1% (",
		  max >= 0 ? max : (long)(t->rows / 1000),
		  max >= 0 ? " allowed by --max-bad-rows" : ")",
		  first->message);
	return 1;
}

/* Reads the current row into rec. Returns 1 for a record, 0 to skip. */
static int take_row(tc_usage_reader *r, tc_usage *rec, tc_status *st)
{
	const char *why;

	*st = TC_OK;
	if (r->null_usage) {
		r->totals.without_usage++;
		r->totals.rows++;
		return 0;
	}
	why = r->bad ? r->bad : tci_usage_record(r, rec);
	if (why) {
		*st = bad_row(r, why);
		return 0;
	}
	if (is_duplicate(r)) {
		r->totals.duplicates++;
		r->totals.rows++;
		return 0;
	}
	if (r->hash_ids)
		*st = apply_blocks(r, rec);
	classify(r, rec);
	add_totals(&r->totals, rec);
	return *st == TC_OK;
}

int tc_usage_reader_next(tc_usage_reader *r, tc_usage *rec, tc_error *err)
{
	tc_status st;
	int k;

	if (r->done)
		return r->done == TC_USAGE_END ? TC_USAGE_END :
						 fail(r, r->done, err);
	for (;;) {
		k = read_row(r, &r->err);
		if (k < 0)
			return fail(r, (tc_status)-k, err);
		if (k == 0)
			break;
		if (take_row(r, rec, &st))
			return TC_OK;
		if (st != TC_OK)
			return fail(r, tci_error(&r->err, st, r->path, 0,
						 NULL, "out of memory"), err);
		if (too_many_bad(r, 0))
			return fail(r, TC_ERR_INVALID, err);
	}
	if (too_many_bad(r, 1))
		return fail(r, TC_ERR_INVALID, err);
	r->done = TC_USAGE_END;
	return TC_USAGE_END;
}

const tc_usage_totals *tc_usage_reader_totals(const tc_usage_reader *r)
{
	return &r->totals;
}

const tc_diags *tc_usage_reader_bad_rows(const tc_usage_reader *r)
{
	return r->bad_rows;
}

const char *tc_usage_reader_shape(const tc_usage_reader *r)
{
	return r->last_shape ? r->last_shape->name : "";
}

/* 1990-01-01T00:00Z in microseconds since 1970. */
#define US_1990 (INT64_C(631152000) * 1000000)

const char *tc_usage_reader_warning(const tc_usage_reader *r)
{
	const tc_usage_totals *t = &r->totals;

	if (r->done != TC_USAGE_END || r->auto_times == 0 ||
	    t->time_max == TC_TIME_NONE || t->time_max >= US_1990)
		return NULL;
	return "every timestamp is before 1990-01-01 (epoch numbers read "
	       "without a given unit or origin): they look like offsets "
	       "from the log's start, not dates";
}
