/*
 * kgi.h - internals of the knowledge graph shared by graphs/kg*.c.
 */
#ifndef TOKCAST_KGI_H
#define TOKCAST_KGI_H

#include "tci.h"

/* A node as validated: its kind, position and parsed attributes. */
struct kg_node {
	tc_kg_kind kind;
	int kind_ok;		/* kind given and known */
	int root;		/* no valid incoming drives edge */
	int has_calls;		/* some valid incoming calls edge */
	tc_spec *spec[TC_KG_ATTR_COUNT];
	const char *text[TC_KG_ATTR_COUNT];	/* owned by the graph */
	tc_spec *weekly[7];
	long line;
};

/* An edge as validated. ok when its kind, lag and endpoints are valid. */
struct kg_edge {
	const char *id;
	size_t source, target;
	tc_kg_edge_kind kind;
	int ok;
	int64_t lag;
	tc_spec *rate;
	long line;
};

struct tc_kg {
	const tc_graph *g;
	tc_graph *owned;	/* g when the tc_kg owns it, else NULL */
	int has_as_of;
	int64_t as_of;
	size_t n_nodes, n_edges;
	struct kg_node *nodes;
	struct kg_edge *edges;
	size_t *in_start, *in_list;	/* incoming edges, CSR */
	size_t *out_start, *out_list;	/* outgoing edges, CSR */
	size_t *order;		/* same-day dependency order */
	size_t *first_order;	/* order of the first day, all edges */
	size_t *cycle;		/* cycle number per node, 0 for none */
	size_t n_cycles;
	int64_t max_lag;
};

/* The longest lag accepted, in days (ten years). */
#define KG_MAX_LAG 3660

/* Writes an attribute's domain as "[0, 1]" or "(-1, inf)". */
void tci_kg_domain_text(const tc_kg_attr_info *info, char *buf,
			size_t size);

/* Writes "node 'x'" or "edge 'e'" ("edge 'a' -> 'b'" without an id). */
void tci_kg_node_element(const tc_kg *kg, size_t node, char *buf,
			 size_t size);
void tci_kg_edge_element(const tc_kg *kg, size_t edge, char *buf,
			 size_t size);

/* Builds the incoming and outgoing lists of the valid edges. */
tc_status tci_kg_link(tc_kg *kg);

/*
 * Orders the nodes by their lag-0 edges into kg->order. Each cycle of
 * lag-0 edges is reported into diags as an error; returns TC_OK,
 * TC_ERR_INVALID when a cycle was found, or TC_ERR_NOMEM. *errors is
 * increased by the number of cycles reported.
 */
tc_status tci_kg_order(tc_kg *kg, tc_diags *diags, size_t *errors);

/*
 * Finds the cycles over all valid edges (kg->cycle, kg->n_cycles), the
 * first day's order (kg->first_order, from kg->order) and reports every
 * cycle whose gain at the mean rates is 1 or more. Returns TC_OK or
 * TC_ERR_NOMEM; *errors grows by the cycles reported.
 */
tc_status tci_kg_cycles(tc_kg *kg, tc_diags *diags, size_t *errors);

/* Frees what a tc_kg holds, not the struct. */
void tci_kg_release(tc_kg *kg);

#endif
