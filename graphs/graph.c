/*
 * graph.c - the in-memory attributed graph behind tc_graph.
 *
 * Layout, chosen for files of millions of elements: nodes, edges, keys and
 * values live in growable arrays; every string (ids, value texts) is
 * copied into an arena of large blocks, so there is no allocation per
 * element. Node ids are found through an open-addressing hash table of
 * node indices. The explicit values of an element form a singly linked
 * list through the value array (elements rarely have more than a dozen),
 * and a key's <default> is stored once in the key, so a missing value
 * costs nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"

#define ARENA_BLOCK (256 * 1024)
#define NONE UINT32_MAX

/* One block of the string arena; blocks are chained for freeing. */
struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	char data[];
};

/* An explicit value of one element, linked to the element's next one. */
struct val_rec {
	tc_value v;
	uint32_t key;
	uint32_t next;
};

struct node_rec {
	const char *id;
	long line;
	uint32_t vals;
};

struct edge_rec {
	const char *id;
	uint32_t source;
	uint32_t target;
	long line;
	uint32_t vals;
	int directed;
};

struct key_rec {
	tc_key_info info;
	tc_value def;
};

/* A slot of the node id table: node index + 1 (0 when free), id hash. */
struct slot {
	uint32_t node;
	uint32_t hash;
	uint64_t prefix;	/* the id's first 8 bytes, zero padded */
};

struct tc_graph {
	char *source;
	int directed;
	struct arena_block *arena;

	struct key_rec *keys;
	size_t nkeys, capkeys;
	struct node_rec *nodes;
	size_t nnodes, capnodes;
	struct edge_rec *edges;
	size_t nedges, capedges;
	struct val_rec *vals;
	size_t nvals, capvals;
	uint32_t graph_vals;

	struct slot *slots;	/* the node id table */
	size_t nslots;		/* a power of two */
};

/* Grows an array of elements of size sz so that it holds one more. */
static tc_status grow(void **arr, size_t *cap, size_t count, size_t sz)
{
	size_t ncap;
	void *p;

	if (count < *cap)
		return TC_OK;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap >= NONE || ncap > SIZE_MAX / sz)
		return TC_ERR_NOMEM;
	p = realloc(*arr, ncap * sz);
	if (!p)
		return TC_ERR_NOMEM;
	*arr = p;
	*cap = ncap;
	return TC_OK;
}

/*
 * Copies s[0..n) into the arena, NUL-terminated. Returns the copy (owned
 * by the graph) or NULL when out of memory.
 */
static const char *arena_dup(tc_graph *g, const char *s, size_t n)
{
	struct arena_block *b = g->arena;
	size_t size;
	char *p;

	if (n == 0)
		return "";
	if (!b || b->size - b->used < n + 1) {
		size = n + 1 > ARENA_BLOCK / 4 ? n + 1 : ARENA_BLOCK;
		b = malloc(sizeof *b + size);
		if (!b)
			return NULL;
		b->size = size;
		b->used = 0;

		/* A large string gets a block of its own behind the head. */
		if (size != ARENA_BLOCK && g->arena) {
			b->next = g->arena->next;
			g->arena->next = b;
		} else {
			b->next = g->arena;
			g->arena = b;
		}
	}
	p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

static const char *arena_str(tc_graph *g, const char *s)
{
	return arena_dup(g, s, strlen(s));
}

tc_status tc_graph_new(int directed, tc_graph **out)
{
	tc_graph *g = calloc(1, sizeof *g);

	*out = NULL;
	if (!g)
		return TC_ERR_NOMEM;
	g->directed = directed ? 1 : 0;
	g->graph_vals = NONE;
	g->source = calloc(1, 1);
	if (!g->source) {
		free(g);
		return TC_ERR_NOMEM;
	}
	*out = g;
	return TC_OK;
}

void tc_graph_free(tc_graph *g)
{
	struct arena_block *b, *next;

	if (!g)
		return;
	for (b = g->arena; b; b = next) {
		next = b->next;
		free(b);
	}
	free(g->source);
	free(g->keys);
	free(g->nodes);
	free(g->edges);
	free(g->vals);
	free(g->slots);
	free(g);
}

tc_status tci_graph_set_source(tc_graph *g, const char *source)
{
	char *s = tci_strdup(source ? source : "");

	if (!s)
		return TC_ERR_NOMEM;
	free(g->source);
	g->source = s;
	return TC_OK;
}

void tci_graph_set_directed(tc_graph *g, int directed)
{
	g->directed = directed ? 1 : 0;
}

const char *tc_graph_source(const tc_graph *g)
{
	return g->source;
}

int tc_graph_default_directed(const tc_graph *g)
{
	return g->directed;
}

static const char *const domain_names[] = {
	[TC_FOR_NODE] = "node",		[TC_FOR_EDGE] = "edge",
	[TC_FOR_GRAPH] = "graph",	[TC_FOR_ALL] = "all",
	[TC_FOR_GRAPHML] = "graphml",	[TC_FOR_PORT] = "port",
	[TC_FOR_ENDPOINT] = "endpoint", [TC_FOR_HYPEREDGE] = "hyperedge",
};

static const char *const type_names[] = {
	[TC_ATTR_BOOLEAN] = "boolean", [TC_ATTR_INT] = "int",
	[TC_ATTR_LONG] = "long",       [TC_ATTR_FLOAT] = "float",
	[TC_ATTR_DOUBLE] = "double",   [TC_ATTR_STRING] = "string",
};

const char *tc_key_domain_name(tc_key_domain domain)
{
	if ((unsigned)domain > TC_FOR_HYPEREDGE)
		return "unknown";
	return domain_names[domain];
}

const char *tc_attr_type_name(tc_attr_type type)
{
	if ((unsigned)type > TC_ATTR_STRING)
		return "unknown";
	return type_names[type];
}

/* ---- values ---------------------------------------------------------- */

tc_status tci_value_parse(tc_attr_type type, const char *text, size_t len,
			  tc_value *v)
{
	tc_status st = TC_OK;

	v->type = type;
	v->number = 0;
	v->integer = 0;
	v->boolean = 0;
	switch (type) {
	case TC_ATTR_BOOLEAN:
		st = tci_parse_bool(text, len, &v->boolean);
		v->number = v->boolean;
		v->integer = v->boolean;
		break;
	case TC_ATTR_INT:
	case TC_ATTR_LONG:
		st = tci_parse_int64(text, len, &v->integer);
		v->number = (double)v->integer;
		break;
	case TC_ATTR_FLOAT:
	case TC_ATTR_DOUBLE:
		st = tci_parse_double(text, len, 1, &v->number);
		break;
	case TC_ATTR_STRING:
		break;
	}
	return st;
}

/*
 * Parses text as a value of type and copies the text (trimmed unless a
 * string) into the arena. Returns TC_OK, TC_ERR_PARSE, TC_ERR_LIMIT or
 * TC_ERR_NOMEM.
 */
static tc_status value_from_text(tc_graph *g, tc_attr_type type,
				 const char *text, size_t len, long line,
				 tc_value *v)
{
	const char *t = text;
	size_t n = len;
	tc_status st;

	st = tci_value_parse(type, text, len, v);
	if (st != TC_OK)
		return st;
	if (type != TC_ATTR_STRING)
		tci_trim(text, len, &t, &n);
	v->text = arena_dup(g, t, n);
	if (!v->text)
		return TC_ERR_NOMEM;
	v->line = line;
	v->is_default = 0;
	return TC_OK;
}

/* The head of an element's value list. */
static uint32_t *value_head(tc_graph *g, tci_elem elem, size_t index)
{
	switch (elem) {
	case TCI_ELEM_NODE:
		return &g->nodes[index].vals;
	case TCI_ELEM_EDGE:
		return &g->edges[index].vals;
	default:
		return &g->graph_vals;
	}
}

/* The explicit value of key on an element, or NULL. */
static const tc_value *explicit_value(const tc_graph *g, uint32_t head,
				      size_t key)
{
	uint32_t i;

	for (i = head; i != NONE; i = g->vals[i].next)
		if (g->vals[i].key == key)
			return &g->vals[i].v;
	return NULL;
}

tc_status tci_graph_set_value(tc_graph *g, tci_elem elem, size_t index,
			      size_t key, const char *text, size_t len,
			      long line, int *replaced)
{
	uint32_t *head = value_head(g, elem, index);
	tc_value v;
	tc_status st;
	uint32_t i;

	st = value_from_text(g, g->keys[key].info.type, text, len, line, &v);
	if (st != TC_OK)
		return st;
	if (replaced)
		*replaced = 0;
	for (i = *head; i != NONE; i = g->vals[i].next) {
		if (g->vals[i].key == key) {
			g->vals[i].v = v;
			if (replaced)
				*replaced = 1;
			return TC_OK;
		}
	}

	if (grow((void **)&g->vals, &g->capvals, g->nvals,
		 sizeof *g->vals) != TC_OK)
		return TC_ERR_NOMEM;
	i = (uint32_t)g->nvals++;
	g->vals[i].v = v;
	g->vals[i].key = (uint32_t)key;
	g->vals[i].next = *head;
	*head = i;
	return TC_OK;
}

int tci_graph_has_value(const tc_graph *g, tci_elem elem, size_t index,
			size_t key)
{
	uint32_t head = elem == TCI_ELEM_NODE	? g->nodes[index].vals
			: elem == TCI_ELEM_EDGE ? g->edges[index].vals
						: g->graph_vals;

	return explicit_value(g, head, key) != NULL;
}

/* ---- keys ------------------------------------------------------------ */

int tci_key_applies(tc_key_domain domain, tci_elem elem)
{
	if (domain == TC_FOR_ALL)
		return 1;
	switch (elem) {
	case TCI_ELEM_NODE:
		return domain == TC_FOR_NODE;
	case TCI_ELEM_EDGE:
		return domain == TC_FOR_EDGE;
	default:
		return domain == TC_FOR_GRAPH;
	}
}

tc_status tci_graph_add_key(tc_graph *g, const char *id, const char *name,
			    tc_key_domain domain, tc_attr_type type,
			    long line, size_t *index)
{
	struct key_rec *k;

	if (grow((void **)&g->keys, &g->capkeys, g->nkeys, sizeof *g->keys))
		return TC_ERR_NOMEM;
	k = &g->keys[g->nkeys];
	memset(k, 0, sizeof *k);
	k->info.id = arena_str(g, id);
	k->info.name = name ? arena_str(g, name) : k->info.id;
	if (!k->info.id || !k->info.name)
		return TC_ERR_NOMEM;
	k->info.domain = domain;
	k->info.type = type;
	k->info.default_text = "";
	k->info.line = line;
	*index = g->nkeys++;
	return TC_OK;
}

long tci_graph_key_by_id(const tc_graph *g, const char *id, size_t len)
{
	size_t i;

	for (i = 0; i < g->nkeys; i++) {
		const char *kid = g->keys[i].info.id;

		if (strncmp(kid, id, len) == 0 && kid[len] == '\0')
			return (long)i;
	}
	return -1;
}

tc_status tci_graph_set_key_default(tc_graph *g, size_t key,
				    const char *text, size_t len, long line)
{
	struct key_rec *k = &g->keys[key];
	tc_value v;
	tc_status st;

	st = value_from_text(g, k->info.type, text, len, line, &v);
	if (st != TC_OK)
		return st;
	v.is_default = 1;
	k->def = v;
	k->info.has_default = 1;
	k->info.default_text = v.text;
	return TC_OK;
}

size_t tc_graph_key_count(const tc_graph *g)
{
	return g->nkeys;
}

const tc_key_info *tc_graph_key(const tc_graph *g, size_t i)
{
	return i < g->nkeys ? &g->keys[i].info : NULL;
}

/* The element kind a lookup domain stands for. */
static tci_elem elem_of(tc_key_domain domain)
{
	return domain == TC_FOR_NODE   ? TCI_ELEM_NODE
	       : domain == TC_FOR_EDGE ? TCI_ELEM_EDGE
				       : TCI_ELEM_GRAPH;
}

int tc_graph_find_key(const tc_graph *g, tc_key_domain domain,
		      const char *name, size_t *key)
{
	tci_elem elem = elem_of(domain);
	size_t i;

	for (i = 0; i < g->nkeys; i++) {
		if (!tci_key_applies(g->keys[i].info.domain, elem))
			continue;
		if (strcmp(g->keys[i].info.name, name) == 0) {
			*key = i;
			return 1;
		}
	}
	return 0;
}

/* The value of key for an element's value list, default applied. */
static const tc_value *value_or_default(const tc_graph *g, uint32_t head,
					size_t key)
{
	const tc_value *v;

	if (key >= g->nkeys)
		return NULL;
	v = explicit_value(g, head, key);
	if (v)
		return v;
	return g->keys[key].info.has_default ? &g->keys[key].def : NULL;
}

const tc_value *tc_graph_node_value(const tc_graph *g, size_t node,
				    size_t key)
{
	if (node >= g->nnodes || key >= g->nkeys ||
	    !tci_key_applies(g->keys[key].info.domain, TCI_ELEM_NODE))
		return NULL;
	return value_or_default(g, g->nodes[node].vals, key);
}

const tc_value *tc_graph_edge_value(const tc_graph *g, size_t edge,
				    size_t key)
{
	if (edge >= g->nedges || key >= g->nkeys ||
	    !tci_key_applies(g->keys[key].info.domain, TCI_ELEM_EDGE))
		return NULL;
	return value_or_default(g, g->edges[edge].vals, key);
}

const tc_value *tc_graph_graph_value(const tc_graph *g, size_t key)
{
	if (key >= g->nkeys ||
	    !tci_key_applies(g->keys[key].info.domain, TCI_ELEM_GRAPH))
		return NULL;
	return value_or_default(g, g->graph_vals, key);
}

/*
 * The value named name on an element. Several keys of one domain may
 * share a name; the first of them with a value (explicit or default) wins.
 */
static const tc_value *value_by_name(const tc_graph *g, tci_elem elem,
				     uint32_t head, const char *name)
{
	const tc_value *v;
	size_t i;

	for (i = 0; i < g->nkeys; i++) {
		if (!tci_key_applies(g->keys[i].info.domain, elem) ||
		    strcmp(g->keys[i].info.name, name) != 0)
			continue;
		v = value_or_default(g, head, i);
		if (v)
			return v;
	}
	return NULL;
}

const tc_value *tc_graph_node_attr(const tc_graph *g, size_t node,
				   const char *name)
{
	if (node >= g->nnodes)
		return NULL;
	return value_by_name(g, TCI_ELEM_NODE, g->nodes[node].vals, name);
}

const tc_value *tc_graph_edge_attr(const tc_graph *g, size_t edge,
				   const char *name)
{
	if (edge >= g->nedges)
		return NULL;
	return value_by_name(g, TCI_ELEM_EDGE, g->edges[edge].vals, name);
}

const tc_value *tc_graph_graph_attr(const tc_graph *g, const char *name)
{
	return value_by_name(g, TCI_ELEM_GRAPH, g->graph_vals, name);
}

/*
 * The i-th value of an element in key order (keys without a value for it
 * are passed over); *name gets the key's name. NULL past the end.
 */
static const tc_value *value_at(const tc_graph *g, tci_elem elem,
				uint32_t head, size_t i, const char **name)
{
	const tc_value *v;
	size_t k, seen = 0;

	for (k = 0; k < g->nkeys; k++) {
		if (!tci_key_applies(g->keys[k].info.domain, elem))
			continue;
		v = value_or_default(g, head, k);
		if (!v)
			continue;
		if (seen++ == i) {
			if (name)
				*name = g->keys[k].info.name;
			return v;
		}
	}
	return NULL;
}

/* How many values an element has in key order (see value_at). */
static size_t value_count(const tc_graph *g, tci_elem elem, uint32_t head)
{
	size_t k, n = 0;

	for (k = 0; k < g->nkeys; k++)
		if (tci_key_applies(g->keys[k].info.domain, elem) &&
		    value_or_default(g, head, k))
			n++;
	return n;
}

size_t tc_graph_node_attr_count(const tc_graph *g, size_t node)
{
	if (node >= g->nnodes)
		return 0;
	return value_count(g, TCI_ELEM_NODE, g->nodes[node].vals);
}

const tc_value *tc_graph_node_attr_at(const tc_graph *g, size_t node,
				      size_t i, const char **name)
{
	if (node >= g->nnodes)
		return NULL;
	return value_at(g, TCI_ELEM_NODE, g->nodes[node].vals, i, name);
}

size_t tc_graph_edge_attr_count(const tc_graph *g, size_t edge)
{
	if (edge >= g->nedges)
		return 0;
	return value_count(g, TCI_ELEM_EDGE, g->edges[edge].vals);
}

const tc_value *tc_graph_edge_attr_at(const tc_graph *g, size_t edge,
				      size_t i, const char **name)
{
	if (edge >= g->nedges)
		return NULL;
	return value_at(g, TCI_ELEM_EDGE, g->edges[edge].vals, i, name);
}

size_t tc_graph_graph_attr_count(const tc_graph *g)
{
	return value_count(g, TCI_ELEM_GRAPH, g->graph_vals);
}

const tc_value *tc_graph_graph_attr_at(const tc_graph *g, size_t i,
				       const char **name)
{
	return value_at(g, TCI_ELEM_GRAPH, g->graph_vals, i, name);
}

/* ---- nodes and the id table ------------------------------------------ */

/* FNV-1a over s[0..n), with a final mix so that the low bits vary. */
static uint32_t hash_id(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (uint32_t)h;
}

/* The zero-padded first 8 bytes of id[0..n), as one word. */
static uint64_t id_prefix(const char *id, size_t n)
{
	uint64_t p = 0;

	memcpy(&p, id, n < 8 ? n : 8);
	return p;
}

/*
 * True when slot sl holds id[0..n). Ids hold no NUL byte, so equal
 * zero-padded prefixes decide ids shorter than 8 bytes without looking at
 * the node, which saves two cache misses per lookup on big graphs.
 */
static int slot_is(const tc_graph *g, const struct slot *sl, const char *id,
		   size_t n, uint64_t prefix)
{
	const char *have;

	if (sl->prefix != prefix)
		return 0;
	if (n < 8)
		return 1;
	have = g->nodes[sl->node - 1].id;
	return strncmp(have + 8, id + 8, n - 8) == 0 && have[n] == '\0';
}

/*
 * The slot holding id, or the free slot where it would go. The table
 * must have a free slot. Slots keep the id's hash and first bytes, so a
 * probe rarely looks further.
 */
static size_t find_slot(const tc_graph *g, const char *id, size_t n,
			uint32_t h)
{
	size_t mask = g->nslots - 1;
	size_t i = h & mask;
	uint64_t prefix = id_prefix(id, n);

	while (g->slots[i].node) {
		if (g->slots[i].hash == h &&
		    slot_is(g, &g->slots[i], id, n, prefix))
			return i;
		i = (i + 1) & mask;
	}
	return i;
}

/* Doubles the id table and re-inserts every node. */
static tc_status rehash(tc_graph *g)
{
	size_t nslots = g->nslots ? g->nslots * 2 : 64;
	struct slot *old = g->slots;
	size_t i, s;
	uint32_t h;

	g->slots = calloc(nslots, sizeof *g->slots);
	if (!g->slots) {
		g->slots = old;
		return TC_ERR_NOMEM;
	}
	free(old);
	g->nslots = nslots;
	for (i = 0; i < g->nnodes; i++) {
		const char *id = g->nodes[i].id;

		h = hash_id(id, strlen(id));
		s = find_slot(g, id, strlen(id), h);
		g->slots[s].node = (uint32_t)(i + 1);
		g->slots[s].hash = h;
		g->slots[s].prefix = id_prefix(id, strlen(id));
	}
	return TC_OK;
}

int tc_graph_find_node(const tc_graph *g, const char *id, size_t *node)
{
	size_t s;

	if (!g->nslots)
		return 0;
	s = find_slot(g, id, strlen(id), hash_id(id, strlen(id)));
	if (!g->slots[s].node)
		return 0;
	*node = g->slots[s].node - 1;
	return 1;
}

/* Like tc_graph_find_node on id[0..n). */
int tci_graph_find_node_n(const tc_graph *g, const char *id, size_t n,
			  size_t *node)
{
	size_t s;

	if (!g->nslots)
		return 0;
	s = find_slot(g, id, n, hash_id(id, n));
	if (!g->slots[s].node)
		return 0;
	*node = g->slots[s].node - 1;
	return 1;
}

void tci_graph_prefetch_node(const tc_graph *g, const char *id, size_t n)
{
#if defined(__GNUC__)
	if (g->nslots)
		__builtin_prefetch(&g->slots[hash_id(id, n) &
					     (g->nslots - 1)]);
#endif
}

tc_status tci_graph_add_node_at(tc_graph *g, const char *id, size_t len,
				long line, size_t *node)
{
	struct node_rec *r;
	uint32_t h = hash_id(id, len);
	size_t s;

	/* Keep the table at most half full. */
	if ((g->nnodes + 1) * 2 > g->nslots && rehash(g) != TC_OK)
		return TC_ERR_NOMEM;
	s = find_slot(g, id, len, h);
	if (g->slots[s].node) {
		*node = g->slots[s].node - 1;
		return TC_ERR_INVALID;
	}
	if (grow((void **)&g->nodes, &g->capnodes, g->nnodes,
		 sizeof *g->nodes) != TC_OK)
		return TC_ERR_NOMEM;
	r = &g->nodes[g->nnodes];
	r->id = arena_dup(g, id, len);
	if (!r->id)
		return TC_ERR_NOMEM;
	r->line = line;
	r->vals = NONE;
	g->slots[s].node = (uint32_t)(g->nnodes + 1);
	g->slots[s].hash = h;
	g->slots[s].prefix = id_prefix(id, len);
	*node = g->nnodes++;
	return TC_OK;
}

tc_status tc_graph_add_node(tc_graph *g, const char *id, size_t *node)
{
	size_t dummy, n;
	const char *t;

	if (!id)
		return TC_ERR_ARG;
	tci_trim(id, strlen(id), &t, &n);
	if (n == 0 || n != strlen(id))
		return TC_ERR_ARG;
	return tci_graph_add_node_at(g, id, strlen(id), 0,
				     node ? node : &dummy);
}

size_t tc_graph_node_count(const tc_graph *g)
{
	return g->nnodes;
}

const char *tc_graph_node_id(const tc_graph *g, size_t node)
{
	return node < g->nnodes ? g->nodes[node].id : NULL;
}

long tc_graph_node_line(const tc_graph *g, size_t node)
{
	return node < g->nnodes ? g->nodes[node].line : 0;
}

/* ---- edges ----------------------------------------------------------- */

tc_status tci_graph_add_edge_at(tc_graph *g, size_t source, size_t target,
				int directed, const char *id, long line,
				size_t *edge)
{
	struct edge_rec *r;

	if (grow((void **)&g->edges, &g->capedges, g->nedges,
		 sizeof *g->edges) != TC_OK)
		return TC_ERR_NOMEM;
	r = &g->edges[g->nedges];
	r->id = id ? arena_str(g, id) : "";
	if (!r->id)
		return TC_ERR_NOMEM;
	r->source = (uint32_t)source;
	r->target = (uint32_t)target;
	r->directed = directed ? 1 : 0;
	r->line = line;
	r->vals = NONE;
	*edge = g->nedges++;
	return TC_OK;
}

tc_status tc_graph_add_edge(tc_graph *g, size_t source, size_t target,
			    int directed, const char *id, size_t *edge)
{
	size_t dummy;

	if (source >= g->nnodes || target >= g->nnodes)
		return TC_ERR_ARG;
	return tci_graph_add_edge_at(g, source, target, directed, id, 0,
				     edge ? edge : &dummy);
}

void tci_graph_set_edge_ends(tc_graph *g, size_t edge, size_t source,
			     size_t target)
{
	g->edges[edge].source = (uint32_t)source;
	g->edges[edge].target = (uint32_t)target;
}

size_t tc_graph_edge_count(const tc_graph *g)
{
	return g->nedges;
}

void tc_graph_edge(const tc_graph *g, size_t edge, tc_edge_info *out)
{
	const struct edge_rec *r;

	memset(out, 0, sizeof *out);
	if (edge >= g->nedges)
		return;
	r = &g->edges[edge];
	out->id = r->id;
	out->source = r->source;
	out->target = r->target;
	out->directed = r->directed;
	out->line = r->line;
}

/* ---- statistics ------------------------------------------------------ */

/*
 * Sorts n 64-bit keys by least significant digit radix sort, 16 bits a
 * pass, through tmp (n entries) and count (65,536 entries). Linear,
 * unlike qsort with a comparison callback, which matters for millions of
 * edges.
 */
static void radix_sort(uint64_t *a, uint64_t *tmp, size_t *count, size_t n)
{
	uint64_t *src = a, *dst = tmp, *t;
	size_t i, sum, c;
	int shift;

	for (shift = 0; shift < 64; shift += 16) {
		memset(count, 0, ((size_t)1 << 16) * sizeof *count);
		for (i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xffff]++;
		for (i = 0, sum = 0; i < (1 << 16); i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xffff]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
}

/* Counts equal neighbours in a sorted array: the repeats beyond firsts. */
static size_t repeats(const uint64_t *a, size_t n)
{
	size_t i, r = 0;

	for (i = 1; i < n; i++)
		r += a[i] == a[i - 1];
	return r;
}

/*
 * Counts edges beyond the first between the same pair: ordered for
 * directed edges, unordered for undirected ones. A directed and an
 * undirected edge between the same nodes are not parallel. Directed
 * pairs fill the array from the front, undirected ones from the back.
 * Returns (size_t)-1 when out of memory.
 */
static size_t count_parallel(const tc_graph *g)
{
	uint64_t *keys, *tmp;
	size_t i, nd = 0, nu = 0, n = g->nedges, *count;

	if (n < 2)
		return 0;
	keys = malloc(2 * n * sizeof *keys);
	count = malloc(((size_t)1 << 16) * sizeof *count);
	if (!keys || !count) {
		free(keys);
		free(count);
		return (size_t)-1;
	}
	tmp = keys + n;
	for (i = 0; i < n; i++) {
		const struct edge_rec *e = &g->edges[i];
		uint64_t a = e->source, b = e->target;

		if (e->directed)
			keys[nd++] = a << 32 | b;
		else
			keys[n - 1 - nu++] = a < b ? a << 32 | b : b << 32 | a;
	}
	radix_sort(keys, tmp, count, nd);
	radix_sort(keys + nd, tmp, count, nu);
	n = repeats(keys, nd) + repeats(keys + nd, nu);
	free(keys);
	free(count);
	return n;
}

void tc_graph_get_stats(const tc_graph *g, tc_graph_stats *s)
{
	size_t i;

	memset(s, 0, sizeof *s);
	s->nodes = g->nnodes;
	s->edges = g->nedges;
	s->keys = g->nkeys;
	for (i = 0; i < g->nedges; i++) {
		if (g->edges[i].directed)
			s->directed_edges++;
		if (g->edges[i].source == g->edges[i].target)
			s->self_loops++;
	}
	s->undirected_edges = g->nedges - s->directed_edges;
	s->parallel_edges = count_parallel(g);
}

/* ---- building -------------------------------------------------------- */

/*
 * Finds or declares the key named name for an element kind, and sets the
 * element's value from text.
 */
static tc_status set_attr(tc_graph *g, tci_elem elem, size_t index,
			  const char *name, tc_attr_type type,
			  const char *text)
{
	static const tc_key_domain domains[] = {TC_FOR_NODE, TC_FOR_EDGE,
						TC_FOR_GRAPH};
	size_t key;
	tc_status st;

	if (!name || !text || (unsigned)type > TC_ATTR_STRING)
		return TC_ERR_ARG;
	if (!tc_graph_find_key(g, domains[elem], name, &key)) {
		st = tci_graph_add_key(g, name, name, domains[elem], type, 0,
				       &key);
		if (st != TC_OK)
			return st;
	}
	st = tci_graph_set_value(g, elem, index, key, text, strlen(text), 0,
				 NULL);
	return st == TC_ERR_LIMIT ? TC_ERR_PARSE : st;
}

tc_status tc_graph_set_node_attr(tc_graph *g, size_t node, const char *name,
				 tc_attr_type type, const char *text)
{
	if (node >= g->nnodes)
		return TC_ERR_ARG;
	return set_attr(g, TCI_ELEM_NODE, node, name, type, text);
}

tc_status tc_graph_set_edge_attr(tc_graph *g, size_t edge, const char *name,
				 tc_attr_type type, const char *text)
{
	if (edge >= g->nedges)
		return TC_ERR_ARG;
	return set_attr(g, TCI_ELEM_EDGE, edge, name, type, text);
}

tc_status tc_graph_set_graph_attr(tc_graph *g, const char *name,
				  tc_attr_type type, const char *text)
{
	return set_attr(g, TCI_ELEM_GRAPH, 0, name, type, text);
}
