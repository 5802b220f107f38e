/*
 * tokcast/graph.h - attributed graphs read from (and written to) GraphML.
 *
 * A tc_graph is what a GraphML file says, before any tokcast meaning is
 * given to it: nodes and edges with ids, the declared keys, and typed
 * attribute values (defaults applied). The knowledge graph (kg.h) is built
 * on top of it. Reading is safe on hostile input: no network, no DTD or
 * external entity, bounded entity expansion, depth and size.
 */
#ifndef TOKCAST_GRAPH_H
#define TOKCAST_GRAPH_H

#include <stddef.h>
#include <stdint.h>
#include "tokcast/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tc_graph tc_graph;

/* The element kinds a <key> applies to (its "for" attribute). */
typedef enum tc_key_domain {
	TC_FOR_NODE = 0,
	TC_FOR_EDGE,
	TC_FOR_GRAPH,
	TC_FOR_ALL,
	TC_FOR_GRAPHML,
	TC_FOR_PORT,
	TC_FOR_ENDPOINT,
	TC_FOR_HYPEREDGE
} tc_key_domain;

/* The attribute types of GraphML ("integer" is read as int). */
typedef enum tc_attr_type {
	TC_ATTR_BOOLEAN = 0,
	TC_ATTR_INT,
	TC_ATTR_LONG,
	TC_ATTR_FLOAT,
	TC_ATTR_DOUBLE,
	TC_ATTR_STRING
} tc_attr_type;

/* "node", "edge", ... as written in GraphML. */
const char *tc_key_domain_name(tc_key_domain domain);
/* "boolean", "int", ... as written in GraphML. */
const char *tc_attr_type_name(tc_attr_type type);

/* A declared <key>. Strings are owned by the graph. */
typedef struct tc_key_info {
	const char *id;		/* the key's id attribute */
	const char *name;	/* attr.name, or the id when absent */
	tc_key_domain domain;
	tc_attr_type type;	/* string when attr.type is absent */
	int has_default;
	const char *default_text;	/* "" when none */
	long line;
} tc_key_info;

/*
 * One attribute value. text is the value as written (trimmed for numbers
 * and booleans, untouched for strings); number holds numeric values (and
 * integers as doubles), integer holds int and long values, boolean holds
 * 0 or 1. line is where the <data> (or the key's <default>) was written.
 */
typedef struct tc_value {
	tc_attr_type type;
	const char *text;
	double number;
	int64_t integer;
	int boolean;
	long line;
	int is_default;		/* 1 when it comes from the key's default */
} tc_value;

/* An edge as read. Strings are owned by the graph. */
typedef struct tc_edge_info {
	const char *id;		/* "" when the file gives none */
	size_t source;		/* node index */
	size_t target;		/* node index */
	int directed;
	long line;
} tc_edge_info;

/* Counts of what a graph holds. */
typedef struct tc_graph_stats {
	size_t nodes;
	size_t edges;
	size_t directed_edges;
	size_t undirected_edges;
	size_t parallel_edges;	/* edges beyond the first between a pair */
	size_t self_loops;
	size_t keys;
} tc_graph_stats;

/* Limits on what the reader accepts; zero fields take the defaults. */
typedef struct tc_graph_limits {
	size_t max_file_bytes;	/* default 1 GiB */
	int max_depth;		/* XML nesting depth, default 256 */
} tc_graph_limits;

/*
 * Reads a GraphML file. warnings (may be NULL) receives what was ignored
 * or repaired; limits may be NULL. On success *out owns a new graph.
 * Returns TC_OK; TC_ERR_IO (cannot open or read); TC_ERR_PARSE (not
 * well-formed XML, an empty or UCS-4 file, not GraphML, wrong namespace,
 * a required attribute missing, a value that does not parse as its key's
 * type or is out of its range); TC_ERR_INVALID (duplicate node id,
 * duplicate key id, edge to an undeclared node, data for an undeclared
 * key); TC_ERR_LIMIT (file too large, nesting too deep, entity expansion,
 * an external entity); TC_ERR_NOMEM. An external DTD is never loaded (a
 * warning says so). docs/graphml.md gives the policies in full.
 */
tc_status tc_graph_read_file(const char *path, const tc_graph_limits *limits,
			     tc_graph **out, tc_diags *warnings,
			     tc_error *err);

/* Like tc_graph_read_file on a buffer; name is used in messages. */
tc_status tc_graph_read_memory(const char *data, size_t size,
			       const char *name,
			       const tc_graph_limits *limits, tc_graph **out,
			       tc_diags *warnings, tc_error *err);

/* Frees a graph. Accepts NULL. */
void tc_graph_free(tc_graph *g);

/* The file the graph was read from ("" when built in memory). */
const char *tc_graph_source(const tc_graph *g);

void tc_graph_get_stats(const tc_graph *g, tc_graph_stats *stats);
/* 1 when the graph's edgedefault is directed. */
int tc_graph_default_directed(const tc_graph *g);

size_t tc_graph_node_count(const tc_graph *g);
size_t tc_graph_edge_count(const tc_graph *g);
size_t tc_graph_key_count(const tc_graph *g);
const tc_key_info *tc_graph_key(const tc_graph *g, size_t i);

const char *tc_graph_node_id(const tc_graph *g, size_t node);
long tc_graph_node_line(const tc_graph *g, size_t node);
/* Finds a node by id: returns 1 and sets *node, or returns 0. */
int tc_graph_find_node(const tc_graph *g, const char *id, size_t *node);
void tc_graph_edge(const tc_graph *g, size_t edge, tc_edge_info *out);

/*
 * Attribute values by attr.name, with key defaults applied. Return NULL
 * when the element has no such attribute. Valid while the graph lives
 * and is not modified.
 */
const tc_value *tc_graph_node_attr(const tc_graph *g, size_t node,
				   const char *name);
const tc_value *tc_graph_edge_attr(const tc_graph *g, size_t edge,
				   const char *name);
const tc_value *tc_graph_graph_attr(const tc_graph *g, const char *name);

/*
 * Lookup by key index, for callers that read one attribute of many
 * elements: resolve the name once with tc_graph_find_key, then ask each
 * element. tc_graph_find_key looks among the keys that apply to domain
 * (TC_FOR_NODE, TC_FOR_EDGE or TC_FOR_GRAPH; keys for "all" apply to
 * each) and returns 1 and sets *key for the first with that attr.name, or
 * returns 0. The _value functions return the element's value for the key,
 * its default when it has none, or NULL; a key of another domain gives
 * NULL. Added for tokcast's own readers of large graphs.
 */
int tc_graph_find_key(const tc_graph *g, tc_key_domain domain,
		      const char *name, size_t *key);
const tc_value *tc_graph_node_value(const tc_graph *g, size_t node,
				    size_t key);
const tc_value *tc_graph_edge_value(const tc_graph *g, size_t edge,
				    size_t key);
const tc_value *tc_graph_graph_value(const tc_graph *g, size_t key);

/*
 * Attributes of one element in key order, for listing them all:
 * *name receives the attribute name. i runs below the _count.
 */
size_t tc_graph_node_attr_count(const tc_graph *g, size_t node);
const tc_value *tc_graph_node_attr_at(const tc_graph *g, size_t node,
				      size_t i, const char **name);
size_t tc_graph_edge_attr_count(const tc_graph *g, size_t edge);
const tc_value *tc_graph_edge_attr_at(const tc_graph *g, size_t edge,
				      size_t i, const char **name);
size_t tc_graph_graph_attr_count(const tc_graph *g);
const tc_value *tc_graph_graph_attr_at(const tc_graph *g, size_t i,
				       const char **name);

/*
 * Building and editing, for tools that write graphs (the fitter) and for
 * tests. tc_graph_new makes an empty graph with the given edgedefault.
 */
tc_status tc_graph_new(int directed, tc_graph **out);
/*
 * Adds a node; *node (may be NULL) gets its index. Returns TC_OK,
 * TC_ERR_INVALID (the id exists; *node gets that node), TC_ERR_ARG (id
 * NULL, empty, or with white space at an end, which the reader trims) or
 * TC_ERR_NOMEM. tc_graph_new returns TC_OK or TC_ERR_NOMEM.
 */
tc_status tc_graph_add_node(tc_graph *g, const char *id, size_t *node);
/*
 * Adds an edge between two node indices; id may be NULL (none). Returns
 * TC_OK, TC_ERR_ARG (a node index out of range) or TC_ERR_NOMEM.
 */
tc_status tc_graph_add_edge(tc_graph *g, size_t source, size_t target,
			    int directed, const char *id, size_t *edge);
/*
 * Sets an attribute from text, declaring a key of the given type for the
 * domain when none exists yet (an existing key keeps its type and the
 * text must parse as it). A value set again replaces the old one.
 * Return TC_OK, TC_ERR_PARSE, TC_ERR_ARG (element out of range, NULL
 * name or text) or TC_ERR_NOMEM.
 */
tc_status tc_graph_set_node_attr(tc_graph *g, size_t node, const char *name,
				 tc_attr_type type, const char *text);
tc_status tc_graph_set_edge_attr(tc_graph *g, size_t edge, const char *name,
				 tc_attr_type type, const char *text);
tc_status tc_graph_set_graph_attr(tc_graph *g, const char *name,
				  tc_attr_type type, const char *text);

/*
 * Writes the graph as GraphML (UTF-8, with the GraphML namespace) to path
 * through a temporary file ("-" is standard output): every key with its
 * default, the explicit values as <data> in their text as read or set,
 * edge "directed" only where it differs from the edgedefault. The file
 * reads back to the same graph. Returns TC_OK, TC_ERR_IO, TC_ERR_NOMEM,
 * TC_ERR_ARG (path empty) or TC_ERR_INVALID (a value holds a control
 * character other than tab, newline or carriage return, which XML 1.0
 * cannot carry; nothing is written).
 */
tc_status tc_graph_write_file(const tc_graph *g, const char *path,
			      tc_error *err);

#ifdef __cplusplus
}
#endif

#endif
