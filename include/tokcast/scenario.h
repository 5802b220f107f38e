/*
 * tokcast/scenario.h - what-if scenarios: a YAML file of dated changes to
 * a knowledge graph and its prices, plus budgets and a committed-spend
 * contract.
 *
 * Loading a scenario validates it against a knowledge graph (class and
 * attribute names, specs against the schema), a price catalog (model
 * ids) and optionally a horizon (dates), reporting every problem at once
 * with its file, line and column. The result is an overlay the engine
 * applies per trial and day: a flat list of typed changes
 * (tc_scn_change), in the order they apply (a base scenario's changes
 * before those of the file that extends it), plus budgets and a
 * contract. docs/scenarios.md gives the file format and, for each change
 * kind, exactly what the engine does with it.
 */
#ifndef TOKCAST_SCENARIO_H
#define TOKCAST_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include "tokcast/status.h"
#include "tokcast/spec.h"
#include "tokcast/kg.h"
#include "tokcast/pricing.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tc_scenario tc_scenario;

/* What a change does. Numbers are never reused. */
typedef enum tc_scn_kind {
	TC_SCN_LAUNCH = 0,	/* a class starts on a date, ramping up */
	TC_SCN_RETIRE = 1,	/* a class stops from a date */
	TC_SCN_GROWTH = 2,	/* a root node's growth from a date */
	TC_SCN_LEVEL = 3,	/* a node's value times a factor */
	TC_SCN_WEEKLY = 4,	/* a root node's weekly profile */
	TC_SCN_SET = 5,		/* any spec attribute of a node or edge */
	TC_SCN_MODEL = 6,	/* a class (or a share of it) on a model */
	TC_SCN_PRICE = 7	/* a model's prices from a date */
} tc_scn_kind;

/* The shape of a launch ramp over ramp_days (docs/scenarios.md). */
typedef enum tc_scn_ramp {
	TC_SCN_RAMP_LINEAR = 0,	/* min(1, (day - L + 1) / R) */
	TC_SCN_RAMP_SMOOTH = 1	/* smoothstep of the linear fraction */
} tc_scn_ramp;

/* A drives edge a launch adds to its class (driven_by). */
typedef struct tc_scn_edge {
	const char *source;	/* node id */
	size_t source_node;	/* node index; SIZE_MAX without a graph */
	const tc_spec *rate;	/* per trial */
	int64_t lag_days;
} tc_scn_edge;

/*
 * One change. Fields that do not apply to its kind are NULL, 0 or
 * TC_RATE_NONE. Every pointer is owned by the scenario.
 */
typedef struct tc_scn_change {
	tc_scn_kind kind;
	const char *key;	/* stable name for random streams */
	const char *file;	/* where it is written */
	long line, column;
	/* The element changed: a node or edge id (a model id for PRICE). */
	const char *target;
	int on_edge;		/* SET only: target is an edge id */
	size_t index;		/* node or edge index; SIZE_MAX for PRICE
				   or when loaded without a graph */
	tc_kg_attr attr;	/* LAUNCH: TC_KG_LAUNCH; GROWTH, WEEKLY,
				   SET: the attribute; else
				   TC_KG_ATTR_COUNT */
	/*
	 * The effective date (days since 1970-01-01; a constant or an
	 * uncertain date drawn per trial and floored). NULL: the change
	 * holds for the whole horizon. LAUNCH and RETIRE always have one.
	 */
	const tc_spec *date;
	/*
	 * GROWTH, SET: the new value. LEVEL: the factor. LAUNCH: the new
	 * requests_per_day, or NULL to keep the graph's.
	 */
	const tc_spec *value;
	const tc_spec *weekly[7];	/* WEEKLY: Monday first */
	/* LAUNCH */
	const tc_spec *ramp_days;	/* NULL: keep the graph's */
	tc_scn_ramp ramp;
	const tc_scn_edge *edges;	/* driven_by, n_edges of them */
	size_t n_edges;
	/* MODEL */
	const char *model;		/* the new model's catalog id */
	const tc_spec *share;		/* of traffic moved, in [0, 1] */
	const tc_spec *input_factor;	/* tokenizer factors, > 0 */
	const tc_spec *output_factor;
	/* PRICE: a multiplier of every rate, or negotiated rates. */
	int64_t multiplier;	/* millionths; TC_RATE_NONE with rates */
	tc_rates rates;		/* TC_RATE_NONE where the catalog's stay */
} tc_scn_change;

/* A budget per quarter: the total (class NULL) or one class's. */
typedef struct tc_scn_budget {
	const char *class_id;	/* NULL for the total */
	size_t node;		/* class node index; SIZE_MAX otherwise */
	tc_money amount;	/* USD per quarter, exact */
	const char *file;
	long line;
} tc_scn_budget;

/*
 * A committed-spend contract per quarter: usage priced at list x
 * commit_mult draws down the commitment; once it is used up, the rest
 * is billed at list x overage_mult (docs/scenarios.md).
 */
typedef struct tc_scn_contract {
	tc_money commitment;	/* USD per quarter, prepaid */
	int64_t commit_mult;	/* millionths: 1 - discount */
	int64_t overage_mult;	/* millionths */
	const char *file;
	long line;
} tc_scn_contract;

/* Options for loading; zero (or NULL) for the defaults. */
typedef struct tc_scenario_opts {
	/*
	 * When not NULL: the scenario's catalog override files are loaded
	 * into it (docs/pricing.md: a file's models replace the catalog's)
	 * and every model id is checked against it.
	 */
	tc_catalog *catalog;
	/* The horizon to check dates against; horizon_days 0: no check. */
	int64_t horizon_start;	/* days since 1970-01-01 */
	int64_t horizon_days;
	/* Safety limits per file; 0 for the defaults (1 MiB, 64, 100000). */
	size_t max_bytes;
	size_t max_depth;
	size_t max_nodes;	/* YAML nodes, aliases counted as copies */
} tc_scenario_opts;

/*
 * Reads the scenario file at path, and the files it extends, and
 * validates it against kg (may be NULL: then node and edge names are not
 * resolved or checked, and index fields are SIZE_MAX; useful to read
 * the graph path first). Every problem goes to diags (may be NULL) with
 * its file, line and column. Returns TC_OK with *out a new scenario
 * (warnings allowed); TC_ERR_INVALID when some problem is an error (err
 * holds the first, *out is NULL), including unknown classes, attributes
 * and models, malformed specs, dates outside the horizon, shares out of
 * range, wrong YAML types, duplicate keys and cycles of extends;
 * TC_ERR_PARSE (malformed YAML), TC_ERR_LIMIT (a file over the size,
 * depth or node limits, an alias bomb, extends deeper than 16 files),
 * TC_ERR_IO (a file cannot be read), each also appended to diags;
 * TC_ERR_ARG (NULL path or out); TC_ERR_NOMEM.
 */
tc_status tc_scenario_load(const char *path, const tc_kg *kg,
			   const tc_scenario_opts *opts, tc_scenario **out,
			   tc_diags *diags, tc_error *err);

/*
 * The graph a scenario names, following its extends chain, without
 * validating anything else (for tools that take the graph from the
 * scenario). *graph is a malloc'd path relative to the current folder
 * that the caller frees. Returns TC_OK, TC_ERR_NOT_FOUND (no file of
 * the chain names a graph), TC_ERR_IO, TC_ERR_PARSE, TC_ERR_LIMIT (as
 * tc_scenario_load), TC_ERR_ARG, TC_ERR_NOMEM.
 */
tc_status tc_scenario_base_graph(const char *path, char **graph,
				 tc_error *err);

/* Frees a scenario. Accepts NULL. */
void tc_scenario_free(tc_scenario *sc);

/* The scenario's name: its "name", else the file name without .yaml. */
const char *tc_scenario_name(const tc_scenario *sc);
/* The file it was read from, as given to tc_scenario_load. */
const char *tc_scenario_file(const tc_scenario *sc);
/*
 * The graph the scenario (or the root of its extends chain) names, as a
 * path relative to the current directory, or NULL when none is named.
 */
const char *tc_scenario_graph(const tc_scenario *sc);

/* Catalog override files, in the order they are loaded. */
size_t tc_scenario_catalog_count(const tc_scenario *sc);
const char *tc_scenario_catalog_file(const tc_scenario *sc, size_t i);

/* The changes in the order they apply; NULL for i out of range. */
size_t tc_scenario_change_count(const tc_scenario *sc);
const tc_scn_change *tc_scenario_change(const tc_scenario *sc, size_t i);

/* The budgets (the total first when given); NULL for i out of range. */
size_t tc_scenario_budget_count(const tc_scenario *sc);
const tc_scn_budget *tc_scenario_budget(const tc_scenario *sc, size_t i);

/* The contract, or NULL when the scenario has none. */
const tc_scn_contract *tc_scenario_contract(const tc_scenario *sc);

/*
 * The order in which to evaluate the nodes of kg under sc, whose
 * launches may add drives edges (driven_by): first_day 0 gives the
 * order of every day (tc_kg_order: every same-day edge, the graph's and
 * the scenario's, from an earlier node to a later one), 1 the first
 * day's (tc_kg_first_day_order: every edge counts, a cycle's nodes stay
 * adjacent). The graph's order is kept wherever the new edges allow; a
 * scenario without edges gives it unchanged. out receives
 * tc_kg_node_count(kg) node indices. sc must have been loaded over kg
 * (which refuses edges that close a cycle). Returns TC_OK, TC_ERR_ARG
 * (a NULL argument), TC_ERR_INVALID (the edges form a cycle: sc was not
 * loaded over kg) or TC_ERR_NOMEM.
 */
tc_status tc_scenario_order(const tc_scenario *sc, const tc_kg *kg,
			    int first_day, size_t *out);

/* "launch", "retire", "growth", "level", "weekly", "set", ... */
const char *tc_scn_kind_name(tc_scn_kind kind);

/*
 * The launch ramp on day (days since 1970-01-01) for a class launched on
 * day launch with ramp_days r (a drawn value, floored by the caller if
 * wanted): 0 before the launch; linear: min(1, (day - launch + 1) / r);
 * smooth: 3x^2 - 2x^3 of that fraction; 1 from the launch when r <= 0.
 */
double tc_scn_ramp_value(tc_scn_ramp shape, int64_t day, int64_t launch,
			 double ramp_days);

/*
 * Applies a PRICE change to a copy of a catalog row: every rate (base
 * and tier) times the multiplier, rounded half up to 1e-15 USD per
 * token, or the negotiated rates in place of the row's (a negotiated
 * base rate also replaces that bucket's tier rate). Rates the row does
 * not price stay TC_RATE_NONE. Returns TC_OK, TC_ERR_ARG (change is not
 * a PRICE change, NULL arguments) or TC_ERR_LIMIT (a rate overflows).
 */
tc_status tc_scn_apply_price(const tc_scn_change *change, tc_price *row);

#ifdef __cplusplus
}
#endif

#endif
