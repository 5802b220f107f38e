/*
 * graph_int.h - what the GraphML reader needs from the graph model beyond
 * the public API: keys declared by id, elements added with their line,
 * values set by key index. Names start with tci_graph_.
 */
#ifndef TOKCAST_GRAPH_INT_H
#define TOKCAST_GRAPH_INT_H

#include "tci.h"

/* The element kinds that carry values. */
typedef enum tci_elem {
	TCI_ELEM_NODE = 0,
	TCI_ELEM_EDGE,
	TCI_ELEM_GRAPH
} tci_elem;

/* Records the file name used in messages and by tc_graph_source. */
tc_status tci_graph_set_source(tc_graph *g, const char *source);

void tci_graph_set_directed(tc_graph *g, int directed);

/*
 * Declares a key; name may be NULL (the id is used). *index receives the
 * key's index. Returns TC_OK or TC_ERR_NOMEM.
 */
tc_status tci_graph_add_key(tc_graph *g, const char *id, const char *name,
			    tc_key_domain domain, tc_attr_type type,
			    long line, size_t *index);

/* The index of the key with this id, or -1. */
long tci_graph_key_by_id(const tc_graph *g, const char *id, size_t len);

/*
 * Sets a key's <default> from text. Returns TC_OK, TC_ERR_PARSE (the text
 * is not of the key's type) or TC_ERR_NOMEM.
 */
tc_status tci_graph_set_key_default(tc_graph *g, size_t key,
				    const char *text, size_t len, long line);

/* True when a value of the key applies to elements of kind elem. */
int tci_key_applies(tc_key_domain domain, tci_elem elem);

/*
 * Adds a node read at line. Returns TC_OK, TC_ERR_INVALID (duplicate id)
 * or TC_ERR_NOMEM.
 */
tc_status tci_graph_add_node_at(tc_graph *g, const char *id, size_t len,
				long line, size_t *node);

/* Like tc_graph_find_node on id[0..n). */
int tci_graph_find_node_n(const tc_graph *g, const char *id, size_t n,
			  size_t *node);

/*
 * Starts loading the id table slot of id[0..n) into the cache, so that two
 * lookups (an edge's ends) overlap their memory latency.
 */
void tci_graph_prefetch_node(const tc_graph *g, const char *id, size_t n);

/*
 * Adds an edge read at line (id may be NULL); the ends are not checked
 * (the reader fixes them with tci_graph_set_edge_ends).
 */
tc_status tci_graph_add_edge_at(tc_graph *g, size_t source, size_t target,
				int directed, const char *id, long line,
				size_t *edge);

/* Sets the ends of an edge added before its nodes were known. */
void tci_graph_set_edge_ends(tc_graph *g, size_t edge, size_t source,
			     size_t target);

/*
 * Sets the value of key on an element from text (len bytes). A later
 * value for the same key replaces an earlier one; *replaced (may be NULL)
 * says so. Returns TC_OK, TC_ERR_PARSE or TC_ERR_NOMEM.
 */
tc_status tci_graph_set_value(tc_graph *g, tci_elem elem, size_t index,
			      size_t key, const char *text, size_t len,
			      long line, int *replaced);

/* 1 when the element has an explicit (non-default) value for key. */
int tci_graph_has_value(const tc_graph *g, tci_elem elem, size_t index,
			size_t key);

/*
 * Parses text (len bytes) as a value of type into v, trimming numbers and
 * booleans; v->text is left for the caller. Returns TC_OK, TC_ERR_PARSE or
 * TC_ERR_LIMIT (out of range).
 */
tc_status tci_value_parse(tc_attr_type type, const char *text, size_t len,
			  tc_value *v);

#endif
