/*
 * scn_yaml.c - builds a bounded tree from libyaml's events, with marks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "scn_yaml.h"

#define DEFAULT_MAX_BYTES ((size_t)1 << 20)
#define DEFAULT_MAX_DEPTH 64
#define DEFAULT_MAX_NODES 100000

/* An anchor's name and the node it names. */
struct anchor {
	char *name;
	scn_ynode *node;
};

/* The state of one parse. */
struct builder {
	const char *file;
	scn_ylimits lim;
	scn_ydoc *doc;
	scn_ynode **stack;	/* open collections */
	size_t depth;
	struct anchor *anchors;
	size_t n_anchors, cap_anchors;
	size_t expanded;	/* nodes so far, aliases expanded */
	int documents;
	tc_diags *diags;
	size_t *errors;
	tc_error *err;
};

static void node_free(scn_ynode *n)
{
	free(n->text);
	free(n->kids);
	free(n);
}

void scn_ydoc_free(scn_ydoc *doc)
{
	size_t i;

	for (i = 0; i < doc->n; i++)
		node_free(doc->all[i]);
	free(doc->all);
	memset(doc, 0, sizeof *doc);
}

const char *scn_ytype_name(const scn_ynode *node)
{
	if (!node)
		return "nothing";
	if (node->type == SCN_Y_MAP)
		return "a mapping";
	return node->type == SCN_Y_SEQ ? "a list" : "a scalar";
}

const scn_ynode *scn_ymap_get(const scn_ynode *map, const char *key)
{
	size_t i;

	if (!map || map->type != SCN_Y_MAP)
		return NULL;
	for (i = 0; i + 1 < map->n; i += 2)
		if (map->kids[i]->type == SCN_Y_SCALAR &&
		    strcmp(map->kids[i]->text, key) == 0)
			return map->kids[i + 1];
	return NULL;
}

/* Appends p to a pointer array growing by doubling. */
static tc_status push_ptr(void ***arr, size_t *n, size_t *cap, void *p)
{
	void **grown;
	size_t ncap;

	if (*n == *cap) {
		ncap = *cap ? *cap * 2 : 8;
		grown = realloc(*arr, ncap * sizeof *grown);
		if (!grown)
			return TC_ERR_NOMEM;
		*arr = grown;
		*cap = ncap;
	}
	(*arr)[(*n)++] = p;
	return TC_OK;
}

/* Reports a fatal problem at a libyaml mark. */
static tc_status fail_at(struct builder *b, tc_status st, yaml_mark_t m,
			 const char *what)
{
	return tci_error_at(b->err, st, b->file, (long)m.line + 1,
			    (long)m.column + 1, NULL, "%s", what);
}

/* Appends a non-fatal error at a node. */
static tc_status note(struct builder *b, long line, long col,
		      const char *fmt, const char *arg)
{
	(*b->errors)++;
	tci_error_at(b->err, TC_ERR_INVALID, b->file, line, col, NULL, fmt,
		     arg);
	return tci_diag(b->diags, TC_SEV_ERROR, TC_ERR_INVALID, b->file,
			line, col, "", fmt, arg);
}

/*
 * Counts n more expanded nodes, failing past the limit: this is what
 * stops an alias bomb, whose expansion grows geometrically.
 */
static tc_status count_nodes(struct builder *b, size_t n, yaml_mark_t m)
{
	if (n > b->lim.max_nodes || b->expanded > b->lim.max_nodes - n)
		return tci_error_at(b->err, TC_ERR_LIMIT, b->file,
				    (long)m.line + 1, (long)m.column + 1, NULL,
				    "the document expands to more than %zu "
				    "nodes (aliases counted as copies)",
				    b->lim.max_nodes);
	b->expanded += n;
	return TC_OK;
}

/* Remembers an anchor's node (a later anchor of one name wins). */
static tc_status add_anchor(struct builder *b, const yaml_char_t *name,
			    scn_ynode *node)
{
	struct anchor *grown;
	size_t ncap;

	if (!name)
		return TC_OK;
	if (b->n_anchors == b->cap_anchors) {
		ncap = b->cap_anchors ? b->cap_anchors * 2 : 8;
		grown = realloc(b->anchors, ncap * sizeof *grown);
		if (!grown)
			return TC_ERR_NOMEM;
		b->anchors = grown;
		b->cap_anchors = ncap;
	}
	b->anchors[b->n_anchors].name = tci_strdup((const char *)name);
	if (!b->anchors[b->n_anchors].name)
		return TC_ERR_NOMEM;
	b->anchors[b->n_anchors++].node = node;
	return TC_OK;
}

static scn_ynode *find_anchor(const struct builder *b,
			      const yaml_char_t *name)
{
	size_t i = b->n_anchors;

	while (i-- > 0)
		if (strcmp(b->anchors[i].name, (const char *)name) == 0)
			return b->anchors[i].node;
	return NULL;
}

/* Attaches node under the open collection, or as the root. */
static tc_status attach(struct builder *b, scn_ynode *node)
{
	scn_ynode *parent;

	if (b->depth == 0) {
		b->doc->root = node;
		return TC_OK;
	}
	parent = b->stack[b->depth - 1];
	return push_ptr((void ***)&parent->kids, &parent->n, &parent->cap,
			node);
}

/* A new node of a type at a mark, owned by the document. */
static scn_ynode *new_node(struct builder *b, enum scn_ytype type,
			   yaml_mark_t m)
{
	scn_ynode *n = calloc(1, sizeof *n);

	if (!n)
		return NULL;
	if (push_ptr((void ***)&b->doc->all, &b->doc->n, &b->doc->cap, n)) {
		free(n);
		return NULL;
	}
	n->type = type;
	n->line = (long)m.line + 1;
	n->column = (long)m.column + 1;
	n->weight = 1;
	return n;
}

static tc_status on_scalar(struct builder *b, const yaml_event_t *ev)
{
	scn_ynode *n;
	tc_status st;

	st = count_nodes(b, 1, ev->start_mark);
	if (st != TC_OK)
		return st;
	n = new_node(b, SCN_Y_SCALAR, ev->start_mark);
	if (!n)
		return TC_ERR_NOMEM;
	n->text = tci_strndup((const char *)ev->data.scalar.value,
			      ev->data.scalar.length);
	if (!n->text)
		return TC_ERR_NOMEM;
	n->len = ev->data.scalar.length;
	n->quoted = ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
		    ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	st = add_anchor(b, ev->data.scalar.anchor, n);
	return st != TC_OK ? st : attach(b, n);
}

/* Opens a sequence or mapping, refusing nesting past the limit. */
static tc_status on_start(struct builder *b, const yaml_event_t *ev,
			  enum scn_ytype type, const yaml_char_t *anchor)
{
	scn_ynode *n;
	tc_status st;

	if (b->depth >= b->lim.max_depth)
		return tci_error_at(b->err, TC_ERR_LIMIT, b->file,
				    (long)ev->start_mark.line + 1,
				    (long)ev->start_mark.column + 1, NULL,
				    "nesting deeper than %zu levels",
				    b->lim.max_depth);
	st = count_nodes(b, 1, ev->start_mark);
	if (st != TC_OK)
		return st;
	n = new_node(b, type, ev->start_mark);
	if (!n)
		return TC_ERR_NOMEM;
	n->open = 1;
	st = add_anchor(b, anchor, n);
	if (st == TC_OK)
		st = attach(b, n);
	if (st != TC_OK)
		return st;
	b->stack[b->depth++] = n;
	return TC_OK;
}

static int key_cmp(const void *pa, const void *pb)
{
	const scn_ynode *a = *(scn_ynode *const *)pa;
	const scn_ynode *b = *(scn_ynode *const *)pb;
	int c = strcmp(a->text, b->text);

	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return (a->column > b->column) - (a->column < b->column);
}

/*
 * Reports keys that are not scalars and keys given twice (at the later
 * one), by sorting the keys: linear-logarithmic even for a hostile
 * mapping of many keys.
 */
static tc_status check_keys(struct builder *b, const scn_ynode *map)
{
	scn_ynode **keys;
	size_t i, n = 0;
	tc_status st = TC_OK;

	keys = malloc((map->n / 2 + 1) * sizeof *keys);
	if (!keys)
		return TC_ERR_NOMEM;
	for (i = 0; i + 1 < map->n && st == TC_OK; i += 2) {
		if (map->kids[i]->type == SCN_Y_SCALAR)
			keys[n++] = map->kids[i];
		else
			st = note(b, map->kids[i]->line, map->kids[i]->column,
				  "a key must be a plain word, not %s",
				  scn_ytype_name(map->kids[i]));
	}
	qsort(keys, n, sizeof *keys, key_cmp);
	for (i = 1; i < n && st == TC_OK; i++)
		if (strcmp(keys[i]->text, keys[i - 1]->text) == 0)
			st = note(b, keys[i]->line, keys[i]->column,
				  "duplicate key '%s'", keys[i]->text);
	free(keys);
	return st;
}

/* Closes the open collection, summing its weight. */
static tc_status on_end(struct builder *b)
{
	scn_ynode *n = b->stack[--b->depth];
	size_t i;

	n->open = 0;
	for (i = 0; i < n->n; i++)
		n->weight += n->kids[i]->weight;
	return n->type == SCN_Y_MAP ? check_keys(b, n) : TC_OK;
}

/*
 * An alias shares its anchor's node; the nodes it would copy count
 * against the limit. An alias to a collection still open (a node that
 * contains itself) is refused.
 */
static tc_status on_alias(struct builder *b, const yaml_event_t *ev)
{
	scn_ynode *n = find_anchor(b, ev->data.alias.anchor);
	tc_status st;

	if (!n)
		return fail_at(b, TC_ERR_PARSE, ev->start_mark,
			       "an alias names no anchor before it");
	if (n->open)
		return fail_at(b, TC_ERR_LIMIT, ev->start_mark,
			       "an alias refers to a node that contains it");
	st = count_nodes(b, n->weight, ev->start_mark);
	return st != TC_OK ? st : attach(b, n);
}

/* Handles one event; *done is set at the end of the stream. */
static tc_status on_event(struct builder *b, const yaml_event_t *ev,
			  int *done)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->documents > 1)
			return fail_at(b, TC_ERR_PARSE, ev->start_mark,
				       "one YAML document per scenario file");
		return TC_OK;
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(b, ev, SCN_Y_SEQ,
				ev->data.sequence_start.anchor);
	case YAML_MAPPING_START_EVENT:
		return on_start(b, ev, SCN_Y_MAP,
				ev->data.mapping_start.anchor);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_end(b);
	case YAML_ALIAS_EVENT:
		return on_alias(b, ev);
	case YAML_STREAM_END_EVENT:
		*done = 1;
		return TC_OK;
	default:
		return TC_OK;
	}
}

/* Runs libyaml over the input, feeding the builder. */
static tc_status run_parser(struct builder *b, const char *data,
			    size_t size)
{
	yaml_parser_t p;
	yaml_event_t ev;
	tc_status st = TC_OK;
	int done = 0;

	if (!yaml_parser_initialize(&p))
		return TC_ERR_NOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)data, size);
	while (!done && st == TC_OK) {
		if (!yaml_parser_parse(&p, &ev)) {
			st = p.error == YAML_MEMORY_ERROR
				     ? TC_ERR_NOMEM
				     : fail_at(b, TC_ERR_PARSE,
					       p.problem_mark,
					       p.problem ? p.problem
							 : "malformed YAML");
			break;
		}
		st = on_event(b, &ev, &done);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return st;
}

tc_status scn_yaml_parse(const char *data, size_t size, const char *file,
			 const scn_ylimits *lim, scn_ydoc *doc,
			 tc_diags *diags, size_t *errors, tc_error *err)
{
	struct builder b;
	size_t i;
	tc_status st;

	memset(&b, 0, sizeof b);
	memset(doc, 0, sizeof *doc);
	b.file = file;
	b.doc = doc;
	b.diags = diags;
	b.errors = errors;
	b.err = err;
	if (lim)
		b.lim = *lim;
	if (!b.lim.max_bytes)
		b.lim.max_bytes = DEFAULT_MAX_BYTES;
	if (!b.lim.max_depth)
		b.lim.max_depth = DEFAULT_MAX_DEPTH;
	if (!b.lim.max_nodes)
		b.lim.max_nodes = DEFAULT_MAX_NODES;
	if (size > b.lim.max_bytes)
		return tci_error(err, TC_ERR_LIMIT, file, 0, NULL,
				 "larger than %zu bytes", b.lim.max_bytes);

	b.stack = malloc(b.lim.max_depth * sizeof *b.stack);
	st = b.stack ? run_parser(&b, data, size) : TC_ERR_NOMEM;
	if (st == TC_ERR_NOMEM)
		tci_error(err, st, file, 0, NULL, "out of memory");
	for (i = 0; i < b.n_anchors; i++)
		free(b.anchors[i].name);
	free(b.anchors);
	free(b.stack);
	if (st != TC_OK)
		scn_ydoc_free(doc);
	return st;
}

/* Reads at most max + 1 bytes of a file into a malloc'd buffer. */
static tc_status read_bounded(const char *path, size_t max, char **out,
			      size_t *size, tc_error *err)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	size_t n;

	*out = NULL;
	if (!fp)
		return tci_error(err, TC_ERR_IO, path, 0, NULL,
				 "cannot open: %s", strerror(errno));
	buf = malloc(max + 2);
	if (!buf) {
		fclose(fp);
		return tci_error(err, TC_ERR_NOMEM, path, 0, NULL,
				 "out of memory");
	}
	n = fread(buf, 1, max + 1, fp);
	if (ferror(fp)) {
		fclose(fp);
		free(buf);
		return tci_error(err, TC_ERR_IO, path, 0, NULL,
				 "cannot read: %s", strerror(errno));
	}
	fclose(fp);
	buf[n] = '\0';
	*out = buf;
	*size = n;
	return TC_OK;
}

tc_status scn_yaml_load(const char *path, const scn_ylimits *lim,
			scn_ydoc *doc, tc_diags *diags, size_t *errors,
			tc_error *err)
{
	size_t max = lim && lim->max_bytes ? lim->max_bytes
					   : DEFAULT_MAX_BYTES;
	char *data;
	size_t size = 0;
	tc_status st;

	memset(doc, 0, sizeof *doc);
	st = read_bounded(path, max, &data, &size, err);
	if (st != TC_OK)
		return st;
	st = scn_yaml_parse(data, size, path, lim, doc, diags, errors, err);
	free(data);
	return st;
}
