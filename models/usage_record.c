/*
 * usage_record.c - turns one row of a usage log (CSV fields or a JSON
 * record) into a normalised tc_usage: finds the usage object and its
 * shape, reads the counts and the context around them, and classifies.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "usage_int.h"

#define IS_COUNT_KEY(k) \
	((k) <= TC_KEY_REASONING && (k) != TC_KEY_TIME)

/* The column named name[0..n), exactly or else ignoring case; or -1. */
static long find_column(const tc_usage_reader *r, const char *name,
			size_t n)
{
	size_t i;

	for (i = 0; i < r->ncols; i++)
		if (strlen(r->header[i]) == n &&
		    memcmp(r->header[i], name, n) == 0)
			return (long)i;
	for (i = 0; i < r->ncols; i++)
		if (strlen(r->header[i]) == n &&
		    strncasecmp(r->header[i], name, n) == 0)
			return (long)i;
	return -1;
}

/* The column of the first of '|'-separated alternatives present. */
static long find_alt(const tc_usage_reader *r, const char *alts)
{
	const char *bar;
	long c;

	while (alts && *alts) {
		bar = strchr(alts, '|');
		c = find_column(r, alts,
				bar ? (size_t)(bar - alts) : strlen(alts));
		if (c >= 0)
			return c;
		alts = bar ? bar + 1 : NULL;
	}
	return -1;
}

/* True when a CSV header fits a shape's detection rule. */
static int header_fits(const tc_usage_reader *r, const struct tci_shape *s)
{
	size_t i;

	for (i = 0; i < TCI_DETECT_MAX && s->detect[i]; i++)
		if (find_alt(r, s->detect[i]) < 0)
			return 0;
	if (s->avoid && find_alt(r, s->avoid) >= 0)
		return 0;
	return i > 0;
}

/* True when the mapping alone says where input and output are. */
static int map_has_counts(const tc_usage_opts *o)
{
	return (o->map[TC_KEY_INPUT] || o->map[TC_KEY_UNCACHED]) &&
	       o->map[TC_KEY_OUTPUT];
}

/* Lists the header for error messages. */
static void header_text(const tc_usage_reader *r, char *buf, size_t size)
{
	size_t i, used = 0;
	int k;

	buf[0] = '\0';
	for (i = 0; i < r->ncols && used < size; i++) {
		k = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
			     r->header[i]);
		if (k < 0)
			break;
		used += (size_t)k;
	}
}

/* Picks the CSV shape: named, mapped or detected from the header. */
static tc_status csv_shape(tc_usage_reader *r, tc_error *err)
{
	char cols[512];
	size_t i;

	if (r->shape)
		return TC_OK;
	if (map_has_counts(&r->opts)) {
		r->shape = tci_shape_mapped();
		return TC_OK;
	}
	for (i = 0; tci_shape_at(i); i++)
		if (header_fits(r, tci_shape_at(i))) {
			r->shape = tci_shape_at(i);
			return TC_OK;
		}
	header_text(r, cols, sizeof cols);
	return tci_error(err, TC_ERR_INVALID, r->path, 1, NULL,
			 "cannot tell the usage shape from the header (%s); "
			 "name it with --shape or map the columns with --map "
			 "input=COLUMN --map output=COLUMN", cols);
}

tc_status tci_usage_csv_columns(tc_usage_reader *r, tc_error *err)
{
	char cols[512];
	const char *alts;
	tc_status st;
	int k;

	st = csv_shape(r, err);
	if (st != TC_OK)
		return st;
	r->last_shape = r->shape;
	for (k = 0; k < TC_KEY_COUNT; k++) {
		if (r->opts.map[k]) {
			r->col[k] = find_column(r, r->opts.map[k],
						strlen(r->opts.map[k]));
			if (r->col[k] >= 0)
				continue;
			header_text(r, cols, sizeof cols);
			return tci_error(err, TC_ERR_NOT_FOUND, r->path, 1,
					 NULL, "no column '%s' for --map %s; "
					 "the header has: %s", r->opts.map[k],
					 tc_usage_key_name(k), cols);
		}
		alts = r->shape->path[k];
		if (!alts && !IS_COUNT_KEY(k))
			alts = tci_shape_context(k);
		r->col[k] = find_alt(r, alts);
	}
	if (r->col[TC_KEY_OUTPUT] < 0 ||
	    (r->col[TC_KEY_INPUT] < 0 && r->col[TC_KEY_UNCACHED] < 0))
		return tci_error(err, TC_ERR_INVALID, r->path, 1, NULL,
				 "the header has no %s column for shape '%s'",
				 r->col[TC_KEY_OUTPUT] < 0 ? "output" :
							     "input",
				 r->shape->name);
	return TC_OK;
}

/* True when a JSON object fits a shape's detection rule. */
static int object_fits(json_t *obj, const struct tci_shape *s)
{
	size_t i;

	if (s->flags & TCI_CSV_ONLY)
		return 0;
	for (i = 0; i < TCI_DETECT_MAX && s->detect[i]; i++)
		if (!tci_json_alt(obj, s->detect[i]))
			return 0;
	if (s->avoid && tci_json_alt(obj, s->avoid))
		return 0;
	return i > 0;
}

/* The shape an object has (only the forced one when given), or NULL. */
static const struct tci_shape *shape_of(json_t *obj,
					const struct tci_shape *only)
{
	size_t i;

	if (!json_is_object(obj))
		return NULL;
	if (only)
		return object_fits(obj, only) ? only : NULL;
	for (i = 0; tci_shape_at(i); i++)
		if (object_fits(obj, tci_shape_at(i)))
			return tci_shape_at(i);
	return NULL;
}

/* Appends a node to the search list. */
static int push_node(tc_usage_reader *r, json_t *v, long parent)
{
	struct tci_node *n;
	size_t cap;

	if (r->nnodes >= TCI_NODES_MAX)
		return 0;
	if (r->nnodes == r->cap_nodes) {
		cap = r->cap_nodes ? r->cap_nodes * 2 : 64;
		n = realloc(r->nodes, cap * sizeof *n);
		if (!n)
			return 0;
		r->nodes = n;
		r->cap_nodes = cap;
	}
	n = &r->nodes[r->nnodes];
	n->v = v;
	n->parent = parent;
	n->depth = parent < 0 ? 0 : r->nodes[parent].depth + 1;
	n->shape = NULL;
	r->nnodes++;
	return 1;
}

/* Marks node i as a usage object of shape s. */
static void add_hit(tc_usage_reader *r, size_t i, const struct tci_shape *s)
{
	long *h;
	size_t cap;

	if (r->nhits == r->cap_hits) {
		cap = r->cap_hits ? r->cap_hits * 2 : 16;
		h = realloc(r->hits, cap * sizeof *h);
		if (!h)
			return;
		r->hits = h;
		r->cap_hits = cap;
	}
	r->nodes[i].shape = s;
	r->hits[r->nhits++] = (long)i;
}

/* True when a is an OTLP attribute list: [{"key": .., "value": {..}}]. */
static int is_attribute_list(json_t *a)
{
	json_t *e;
	size_t i;

	if (!json_is_array(a) || json_array_size(a) == 0)
		return 0;
	json_array_foreach(a, i, e)
		if (!json_is_string(json_object_get(e, "key")) ||
		    !json_is_object(json_object_get(e, "value")))
			return 0;
	return 1;
}

/*
 * Replaces an OTLP attribute list by an object of its keys, each value
 * unwrapped from {"stringValue": ..}, {"intValue": ..} and the like.
 */
static void unwrap_attributes(json_t *obj)
{
	json_t *a = json_object_get(obj, "attributes"), *o, *e, *v;
	size_t i;

	if (!is_attribute_list(a) || !(o = json_object()))
		return;
	json_array_foreach(a, i, e) {
		v = json_object_iter_value(
			json_object_iter(json_object_get(e, "value")));
		if (v)
			json_object_set(o, json_string_value(
					   json_object_get(e, "key")), v);
	}
	json_object_set_new(obj, "attributes", o);
}

/* Queues the objects and arrays inside node i. */
static void push_children(tc_usage_reader *r, size_t i)
{
	json_t *v = r->nodes[i].v, *c;
	const char *key;
	size_t k;

	if (json_is_object(v)) {
		unwrap_attributes(v);
		json_object_foreach(v, key, c)
			if (json_is_object(c) || json_is_array(c))
				push_node(r, c, (long)i);
	} else {
		json_array_foreach(v, k, c)
			if (json_is_object(c) || json_is_array(c))
				push_node(r, c, (long)i);
	}
}

/*
 * The breadth-first search: the first usage object found fixes the depth,
 * and every other usage object at that depth is a record too (the spans
 * of an OTLP export, the results of a usage-report page).
 */
static void find_all(tc_usage_reader *r)
{
	const struct tci_shape *s;
	long depth = -1;
	size_t i;

	for (i = 0; i < r->nnodes; i++) {
		if (depth >= 0 && r->nodes[i].depth > depth)
			break;
		s = shape_of(r->nodes[i].v, r->shape);
		if (s) {
			add_hit(r, i, s);
			depth = r->nodes[i].depth;
		} else if (depth < 0) {
			push_children(r, i);
		}
	}
}

size_t tci_usage_find(tc_usage_reader *r)
{
	const struct tci_shape *s;
	json_t *u;

	r->nnodes = r->nhits = r->pos = 0;
	push_node(r, r->root, -1);
	if (map_has_counts(&r->opts)) {
		add_hit(r, 0, r->shape ? r->shape : tci_shape_mapped());
	} else if (r->opts.usage_path) {
		u = tci_json_path(r->root, r->opts.usage_path,
				  strlen(r->opts.usage_path));
		s = u && push_node(r, u, 0) ? shape_of(u, r->shape) : NULL;
		if (s)
			add_hit(r, 1, s);
	} else {
		find_all(r);
	}
	if (r->nhits > 0)
		return r->nhits;
	if (r->opts.usage_path)
		snprintf(r->why, sizeof r->why, "no %s usage object at '%s'",
			 r->shape ? r->shape->name : "known",
			 r->opts.usage_path);
	else
		snprintf(r->why, sizeof r->why, "no %s usage object found",
			 r->shape ? r->shape->name : "known");
	return 0;
}

int tci_usage_null(const tc_usage_reader *r)
{
	json_t *v;
	size_t i;

	for (i = 0; i < r->nnodes; i++) {
		v = r->nodes[i].v;
		if (json_is_null(json_object_get(v, "usage")) ||
		    json_is_null(json_object_get(v, "usageMetadata")))
			return 1;
	}
	return 0;
}

/* A key's value in the current CSV row. */
static void csv_value(const tc_usage_reader *r, int key, struct tci_val *v)
{
	long c = r->col[key];
	const char *t;
	size_t n;

	memset(v, 0, sizeof *v);
	if (c < 0 || (size_t)c >= r->csv.nfields)
		return;
	tci_trim(r->csv.text.data + r->csv.off[c], r->csv.len[c], &t, &n);
	if (n == 0)
		return;
	v->kind = TCI_VAL_STR;
	v->s = t;
	v->n = n;
}

/*
 * A key's value in the current JSON record: a mapped path from the root,
 * a count in the usage object, or context from the usage object out.
 */
static void json_value(const tc_usage_reader *r, const struct tci_shape *s,
		       int key, struct tci_val *v)
{
	const char *alts = s->path[key];
	json_t *j = NULL;
	long i;

	if (r->opts.map[key]) {
		j = tci_json_path(r->root, r->opts.map[key],
				  strlen(r->opts.map[key]));
	} else if (IS_COUNT_KEY(key) || key == TC_KEY_WEB_SEARCH ||
		   key == TC_KEY_HASH_IDS) {
		j = tci_json_alt(r->nodes[r->usage_node].v, alts);
	} else {
		if (!alts)
			alts = tci_shape_context(key);
		for (i = r->usage_node; i >= 0 && !j; i = r->nodes[i].parent)
			j = tci_json_alt(r->nodes[i].v, alts);
	}
	tci_val_json(j, v);
	if (v->kind == TCI_VAL_STR && v->n == 0)
		v->kind = TCI_VAL_NONE;
}

/* Copies a value's text into buf (numbers formatted); "" if none. */
static void val_text(const struct tci_val *v, char *buf, size_t size)
{
	size_t n;

	buf[0] = '\0';
	switch (v->kind) {
	case TCI_VAL_STR:
		n = v->n < size - 1 ? v->n : size - 1;
		memcpy(buf, v->s, n);
		buf[n] = '\0';
		break;
	case TCI_VAL_INT:
		snprintf(buf, size, "%lld", (long long)v->i);
		break;
	case TCI_VAL_REAL:
		tci_format_double(buf, size, v->d);
		break;
	case TCI_VAL_BOOL:
		snprintf(buf, size, "%s", v->i ? "true" : "false");
		break;
	default:
		break;
	}
}

/* The service tier a tier string names. */
static tc_service_tier tier_of(const char *s)
{
	if (strcasecmp(s, "batch") == 0)
		return TC_TIER_BATCH;
	if (strcasecmp(s, "priority") == 0 || strcasecmp(s, "scale") == 0)
		return TC_TIER_PRIORITY;
	if (strcasecmp(s, "flex") == 0)
		return TC_TIER_FLEX;
	return TC_TIER_STANDARD;
}

/* True when a batch flag value says yes. */
static int batch_of(const struct tci_val *v)
{
	int b = 0;

	if (v->kind == TCI_VAL_BOOL || v->kind == TCI_VAL_INT)
		return v->i != 0;
	if (v->kind == TCI_VAL_STR)
		return tci_parse_bool(v->s, v->n, &b) == TC_OK ? b : 0;
	return 0;
}

/*
 * True when the usage object sits in a line of a batch results file
 * (OpenAI's and Anthropic's both carry "custom_id" beside the result).
 */
static int in_batch_result(const tc_usage_reader *r)
{
	long i;

	if (r->csv_mode || r->opts.map[TC_KEY_BATCH] ||
	    r->opts.map[TC_KEY_TIER])
		return 0;
	for (i = r->usage_node; i >= 0; i = r->nodes[i].parent)
		if (json_is_string(json_object_get(r->nodes[i].v, "custom_id")))
			return 1;
	return 0;
}

/* Gets a key's value from whichever source the reader has. */
static void get_value(const tc_usage_reader *r, const struct tci_shape *s,
		      int key, struct tci_val *v)
{
	if (r->csv_mode)
		csv_value(r, key, v);
	else
		json_value(r, s, key, v);
}

/* Reads the counts of the row into raw. */
static const char *read_counts(tc_usage_reader *r, const struct tci_shape *s,
			       struct tci_raw *raw)
{
	static const int keys[] = {
		TC_KEY_INPUT, TC_KEY_UNCACHED, TC_KEY_CACHED,
		TC_KEY_CACHE_WRITE, TC_KEY_CACHE_WRITE_5M,
		TC_KEY_CACHE_WRITE_1H, TC_KEY_OUTPUT, TC_KEY_REASONING,
		TC_KEY_WEB_SEARCH};
	struct tci_val v;
	const char *why;
	size_t i;

	memset(raw, 0, sizeof *raw);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (r->csv_mode && r->col[keys[i]] < 0)
			continue;
		get_value(r, s, keys[i], &v);
		if (v.kind == TCI_VAL_NONE || v.kind == TCI_VAL_OTHER)
			continue;
		why = tci_val_count(&v, &raw->n[keys[i]]);
		if (why) {
			snprintf(r->why, sizeof r->why, "%s tokens: %s",
				 tc_usage_key_name(keys[i]), why);
			return r->why;
		}
		raw->have |= 1u << keys[i];
	}
	return NULL;
}

/* Reads the time of the row into u->time_us. */
static const char *read_time(tc_usage_reader *r, const struct tci_shape *s,
			     tc_usage *u)
{
	tc_time_unit unit = r->opts.time_unit ? r->opts.time_unit : s->unit;
	int64_t origin = r->opts.origin_us;
	struct tci_val v;
	char text[64];
	tc_status st = TC_ERR_PARSE;

	u->time_us = TC_TIME_NONE;
	get_value(r, s, TC_KEY_TIME, &v);
	if (v.kind == TCI_VAL_NONE)
		return NULL;
	if (v.kind == TCI_VAL_STR)
		st = tci_time_text(v.s, v.n, unit, origin, &u->time_us);
	else if (v.kind == TCI_VAL_INT)
		st = tci_time_int(v.i, unit, origin, &u->time_us);
	else if (v.kind == TCI_VAL_REAL)
		st = tci_time_real(v.d, unit, origin, &u->time_us);
	/* Epoch numbers in a unit no option gave: tc_usage_reader_warning. */
	if (st == TC_OK && !r->opts.time_unit && origin == TC_TIME_NONE &&
	    (v.kind != TCI_VAL_STR || tci_time_is_number(v.s, v.n)))
		r->auto_times++;
	if (st == TC_OK)
		return NULL;
	val_text(&v, text, sizeof text);
	snprintf(r->why, sizeof r->why, "cannot read the time '%s': expected "
		 "ISO 8601 or an epoch number", text);
	return r->why;
}

/* Reads model, id, tier and the mapped class into the reader and u. */
static void read_context(tc_usage_reader *r, const struct tci_shape *s,
			 tc_usage *u)
{
	struct tci_val v;
	char tier[32];

	get_value(r, s, TC_KEY_MODEL, &v);
	val_text(&v, r->model, sizeof r->model);
	if (!r->model[0] && r->opts.model)
		tci_strlcpy(r->model, r->opts.model, sizeof r->model);
	get_value(r, s, TC_KEY_ID, &v);
	val_text(&v, r->id, sizeof r->id);
	r->has_id = r->id[0] != '\0';
	get_value(r, s, TC_KEY_CLASS, &v);
	val_text(&v, r->class_name, sizeof r->class_name);

	get_value(r, s, TC_KEY_TIER, &v);
	val_text(&v, tier, sizeof tier);
	u->tier = tier[0] ? tier_of(tier) : TC_TIER_STANDARD;
	get_value(r, s, TC_KEY_BATCH, &v);
	if (batch_of(&v) || in_batch_result(r))
		u->tier = TC_TIER_BATCH;
	r->hash_ids = NULL;
	if (!r->csv_mode) {
		get_value(r, s, TC_KEY_HASH_IDS, &v);
		if (v.kind == TCI_VAL_ARRAY)
			r->hash_ids = v.json;
	}
}

const char *tci_usage_record(tc_usage_reader *r, tc_usage *u)
{
	const struct tci_shape *s = r->shape;
	struct tci_raw raw;

	memset(u, 0, sizeof *u);
	u->line = r->row_line;
	if (!r->csv_mode) {
		r->usage_node = r->hits[r->pos];
		s = r->nodes[r->usage_node].shape;
	}
	r->last_shape = s;
	if (read_counts(r, s, &raw) || read_time(r, s, u))
		return r->why;
	if (tci_usage_normalize(s->flags, &raw, u, r->why, sizeof r->why))
		return r->why;
	read_context(r, s, u);
	u->model = r->model;
	u->request_id = r->id;
	u->class_name = r->class_name;
	return NULL;
}
