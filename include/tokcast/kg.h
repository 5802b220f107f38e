/*
 * tokcast/kg.h - the knowledge graph: a tc_graph given tokcast's meaning.
 *
 * Nodes are KPIs (business quantities over time) or feature classes
 * (conversational features that make LLM requests); edges say how one
 * drives or calls another. Every numeric attribute is a distribution spec
 * (spec.h). The schema (which attribute applies where, its type, domain
 * and whether it is drawn per trial or per request) is one const table,
 * tc_kg_schema(); docs/graph-schema.md and docs/model.md describe it and
 * the semantics the engine implements.
 *
 * Building a tc_kg validates the whole graph and reports every problem at
 * once into a tc_diags list; a tc_kg exists only for a graph without
 * errors.
 */
#ifndef TOKCAST_KG_H
#define TOKCAST_KG_H

#include <stddef.h>
#include <stdint.h>
#include "tokcast/status.h"
#include "tokcast/graph.h"
#include "tokcast/spec.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tc_kg tc_kg;

/* Node kinds, the node attribute "kind". */
typedef enum tc_kg_kind {
	TC_KG_KPI = 0,
	TC_KG_FEATURE_CLASS
} tc_kg_kind;

/* Edge kinds, the edge attribute "kind" ("drives" when absent). */
typedef enum tc_kg_edge_kind {
	TC_KG_DRIVES = 0,
	TC_KG_CALLS
} tc_kg_edge_kind;

/* Every attribute the schema knows, on nodes, edges and the graph. */
typedef enum tc_kg_attr {
	TC_KG_AS_OF = 0,	/* graph */
	TC_KG_KIND,		/* node */
	TC_KG_LABEL,
	TC_KG_START,
	TC_KG_GROWTH,
	TC_KG_WEEKLY,
	TC_KG_NOISE,
	TC_KG_UNIT,
	TC_KG_MODEL,
	TC_KG_REQUESTS_PER_DAY,
	TC_KG_DISPERSION,
	TC_KG_INPUT_TOKENS,
	TC_KG_OUTPUT_TOKENS,
	TC_KG_IO_RANK_CORR,
	TC_KG_CACHED_SHARE,
	TC_KG_CACHE_WRITE_SHARE,
	TC_KG_CACHE_WRITE_1H_SHARE,
	TC_KG_REASONING_SHARE,
	TC_KG_BATCH_SHARE,
	TC_KG_RETRY_RATE,
	TC_KG_LAUNCH,
	TC_KG_RAMP_DAYS,
	TC_KG_MATCH,
	TC_KG_RATE,		/* edge */
	TC_KG_EDGE_KIND,
	TC_KG_LAG_DAYS,
	TC_KG_ATTR_COUNT
} tc_kg_attr;

/* How an attribute's text is read. */
typedef enum tc_kg_type {
	TC_KG_T_SPEC = 0,	/* a number or a spec of numbers */
	TC_KG_T_DATE_SPEC,	/* a date or a spec of dates */
	TC_KG_T_WEEKLY,		/* seven comma-separated specs, Monday first */
	TC_KG_T_TEXT,		/* free text (label, unit, model, match) */
	TC_KG_T_WORD,		/* one of listed words (kind) */
	TC_KG_T_WHOLE,		/* a whole number (lag_days) */
	TC_KG_T_DATE		/* an ISO date YYYY-MM-DD (as_of) */
} tc_kg_type;

/* When the engine draws an attribute's value. */
typedef enum tc_kg_draw {
	TC_KG_FIXED = 0,	/* not drawn: text, kinds, lags, as_of */
	TC_KG_PER_TRIAL,	/* once per trial, held for the horizon */
	TC_KG_PER_REQUEST	/* afresh for every request */
} tc_kg_draw;

/* Where an attribute may appear: a mask of these. */
#define TC_KG_AT_ROOT_KPI 0x01u
#define TC_KG_AT_DRIVEN_KPI 0x02u
#define TC_KG_AT_ROOT_CLASS 0x04u
#define TC_KG_AT_DRIVEN_CLASS 0x08u
#define TC_KG_AT_EDGE 0x10u
#define TC_KG_AT_GRAPH 0x20u
#define TC_KG_AT_KPI (TC_KG_AT_ROOT_KPI | TC_KG_AT_DRIVEN_KPI)
#define TC_KG_AT_CLASS (TC_KG_AT_ROOT_CLASS | TC_KG_AT_DRIVEN_CLASS)
#define TC_KG_AT_NODE (TC_KG_AT_KPI | TC_KG_AT_CLASS)

/*
 * One row of the schema. The domain is [lo, hi] with either end open
 * when lo_open or hi_open is set (infinite ends are written as
 * -HUGE_VAL, HUGE_VAL); it applies to every value a spec can draw, and
 * to each factor of weekly. default_text is the documented default
 * ("" when the attribute has none and is optional, NULL when required
 * where it applies; see required).
 */
typedef struct tc_kg_attr_info {
	tc_kg_attr attr;
	const char *name;
	unsigned where;		/* TC_KG_AT_* mask */
	unsigned required;	/* TC_KG_AT_* mask where it must be given */
	tc_kg_type type;
	tc_kg_draw draw;
	double lo, hi;
	int lo_open, hi_open;
	const char *default_text;
	const char *summary;	/* one line for listings and docs */
} tc_kg_attr_info;

/* The schema: *count receives the number of rows (TC_KG_ATTR_COUNT). */
const tc_kg_attr_info *tc_kg_schema(size_t *count);
/* The row of one attribute; NULL for an out-of-range value. */
const tc_kg_attr_info *tc_kg_attr_get(tc_kg_attr attr);
/*
 * The row named name among the attributes of an element: TC_KG_AT_NODE,
 * TC_KG_AT_EDGE or TC_KG_AT_GRAPH. NULL when the schema has none.
 */
const tc_kg_attr_info *tc_kg_attr_find(const char *name, unsigned element);
/*
 * Writes the attribute's domain as "[0, 1]" or "(-1, inf)" into buf
 * (always NUL-terminated when size > 0); "" for attributes that are not
 * numbers.
 */
void tc_kg_domain_text(const tc_kg_attr_info *info, char *buf, size_t size);
/* "spec", "date spec", "weekly", "text", "word", "whole", "date". */
const char *tc_kg_type_name(tc_kg_type type);
/* "fixed", "per trial", "per request". */
const char *tc_kg_draw_name(tc_kg_draw draw);
/* 1 when x lies in the attribute's domain. */
int tc_kg_in_domain(const tc_kg_attr_info *info, double x);
/* "kpi", "feature_class"; "drives", "calls". */
const char *tc_kg_kind_name(tc_kg_kind kind);
const char *tc_kg_edge_kind_name(tc_kg_edge_kind kind);

/*
 * Checks one parsed spec against an attribute's type and domain, for the
 * validator and for tools that set attributes (scenarios). Returns
 * TC_ERR_INVALID with err->message saying why when a date is given for a
 * number or a number for a date, when a constant lies outside the
 * domain, or when all of the spec's mass does; TC_OK otherwise, with
 * *outside (may be NULL) the mass outside the domain (the caller warns
 * when it is above 0.01). TC_ERR_ARG when info or spec is NULL;
 * TC_ERR_NOMEM.
 */
tc_status tc_kg_check_spec(const tc_kg_attr_info *info, const tc_spec *spec,
			   double *outside, tc_error *err);

/*
 * Model ids hook: returns 1 when model is known, 0 when not, and may
 * write a hint ("did you mean 'gpt-5-mini'?") into hint (NUL-terminated,
 * hint_size bytes). The pricing module provides one over its catalog.
 */
typedef int (*tc_kg_model_check)(void *ctx, const char *model, char *hint,
				 size_t hint_size);

/* Build flags. */
#define TC_KG_ALLOW_INCOMPLETE 0x1u	/* missing model, tokens, rates and
					   requests_per_day are warnings */

/* Options for building; zero (or NULL) for the defaults. */
typedef struct tc_kg_opts {
	unsigned flags;
	tc_kg_model_check check_model;	/* NULL: models are not checked */
	void *model_ctx;
	const char *base_dir;	/* for empirical(FILE); NULL: the graph
				   file's folder */
	const tc_graph_limits *limits;	/* for tc_kg_load_file */
} tc_kg_opts;

/*
 * Validates g against the schema and builds the knowledge graph over it.
 * Every problem is appended to diags (may be NULL) with the file, line
 * and node or edge; warnings do not fail. g must outlive the result and
 * stay unmodified while it lives (the result borrows it; unknown and
 * fit_* attributes stay readable through tc_kg_graph). Returns TC_OK with
 * *out a new tc_kg; TC_ERR_INVALID when some problem is an error (err
 * holds the first, *out is NULL; an empirical(FILE) that cannot be
 * read is one of these errors); TC_ERR_ARG for NULL g or out;
 * TC_ERR_NOMEM.
 */
tc_status tc_kg_build(const tc_graph *g, const tc_kg_opts *opts,
		      tc_kg **out, tc_diags *diags, tc_error *err);

/*
 * Reads a GraphML file (graph.h) and builds it; the result owns the
 * graph. Reader warnings go to diags; a reader failure is appended to
 * diags as an error too and returned as the reader's status (TC_ERR_IO,
 * TC_ERR_PARSE, TC_ERR_INVALID, TC_ERR_LIMIT). Otherwise as tc_kg_build.
 */
tc_status tc_kg_load_file(const char *path, const tc_kg_opts *opts,
			  tc_kg **out, tc_diags *diags, tc_error *err);

/* Frees a knowledge graph (and its graph when it owns it). Accepts NULL. */
void tc_kg_free(tc_kg *kg);

/* The underlying graph, for attributes outside the schema. */
const tc_graph *tc_kg_graph(const tc_kg *kg);

/* 1 and *days (since 1970-01-01) when the graph gives as_of, else 0. */
int tc_kg_as_of(const tc_kg *kg, int64_t *days);

/*
 * Nodes. Indices are the graph's node indices. label is the node's
 * label, or its id when it has none.
 */
size_t tc_kg_node_count(const tc_kg *kg);
int tc_kg_find_node(const tc_kg *kg, const char *id, size_t *node);
const char *tc_kg_node_id(const tc_kg *kg, size_t node);
const char *tc_kg_node_label(const tc_kg *kg, size_t node);
long tc_kg_node_line(const tc_kg *kg, size_t node);
tc_kg_kind tc_kg_node_kind(const tc_kg *kg, size_t node);
/* 1 for a root (no incoming drives edge), 0 for a driven node. */
int tc_kg_node_is_root(const tc_kg *kg, size_t node);

/*
 * A node's spec attribute (TC_KG_T_SPEC or TC_KG_T_DATE_SPEC), or NULL
 * when the node does not give it (the engine applies the default).
 * Owned by the tc_kg.
 */
const tc_spec *tc_kg_node_spec(const tc_kg *kg, size_t node,
			       tc_kg_attr attr);
/* A text attribute (label, unit, model, match) as written, or NULL. */
const char *tc_kg_node_text(const tc_kg *kg, size_t node, tc_kg_attr attr);
/*
 * The weekly factor of a day (0 = Monday .. 6 = Sunday) as written,
 * before the engine normalises the seven to mean 1; NULL when the node
 * has no weekly profile (flat).
 */
const tc_spec *tc_kg_node_weekly(const tc_kg *kg, size_t node, int day);

/* An edge as the engine reads it. */
typedef struct tc_kg_edge {
	const char *id;		/* "" when the file gives none */
	size_t source;
	size_t target;
	tc_kg_edge_kind kind;
	int64_t lag_days;
	const tc_spec *rate;	/* owned by the tc_kg */
	long line;
} tc_kg_edge;

size_t tc_kg_edge_count(const tc_kg *kg);
void tc_kg_edge_get(const tc_kg *kg, size_t edge, tc_kg_edge *out);

/* Incoming and outgoing edges of a node, as edge indices. */
size_t tc_kg_in_count(const tc_kg *kg, size_t node);
size_t tc_kg_in_edge(const tc_kg *kg, size_t node, size_t i);
size_t tc_kg_out_count(const tc_kg *kg, size_t node);
size_t tc_kg_out_edge(const tc_kg *kg, size_t node, size_t i);

/*
 * The nodes in dependency order: every edge with lag 0 goes from an
 * earlier node to a later one (edges with a lag refer to past days and
 * do not constrain the order). *count receives the node count.
 */
const size_t *tc_kg_order(const tc_kg *kg, size_t *count);
/*
 * The order of the first day. There an edge with a lag reads its
 * source's first-day value, so every edge counts: nodes come after the
 * sources of all their edges, except within a cycle, whose nodes are
 * adjacent and in the same-day order (model.md: a cycle's first day is
 * its steady state). *count receives the node count.
 */
const size_t *tc_kg_first_day_order(const tc_kg *kg, size_t *count);
/*
 * Cycles over all edges (each has a lagged edge, or the graph would not
 * have built): tc_kg_node_cycle gives 0 for a node on no cycle, else the
 * 1-based number of its cycle (nodes on intersecting cycles share one
 * number: a strongly connected component). tc_kg_cycle_count gives how
 * many there are.
 */
size_t tc_kg_node_cycle(const tc_kg *kg, size_t node);
size_t tc_kg_cycle_count(const tc_kg *kg);
/* The largest lag_days of any edge (the history the engine keeps). */
int64_t tc_kg_max_lag(const tc_kg *kg);

#ifdef __cplusplus
}
#endif

#endif
