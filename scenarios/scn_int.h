/*
 * scn_int.h - the scenario reader's internals: the scenario object, the
 * state of one load and the helpers that turn YAML values into checked
 * specs, names and money. Internal to scenarios/.
 */
#ifndef TOKCAST_SCN_INT_H
#define TOKCAST_SCN_INT_H

#include "tci.h"
#include "scn_yaml.h"

#define SCN_MAX_EXTENDS 16

/* A pool of malloc'd blocks and specs freed with the scenario. */
struct scn_pool {
	void **blocks;
	size_t n, cap;
	tc_spec **specs;
	size_t n_specs, cap_specs;
};

struct tc_scenario {
	const char *name;
	const char *file;
	const char *graph;
	const char **catalogs;
	size_t n_catalogs, cap_catalogs;
	tc_scn_change *changes;
	size_t n_changes, cap_changes;
	tc_scn_budget *budgets;
	size_t n_budgets;
	tc_scn_contract contract;
	int has_contract;
	struct scn_pool pool;
};

/* The state of one load, across the files of an extends chain. */
struct scn_ctx {
	tc_scenario *sc;
	const tc_kg *kg;
	const tc_scenario_opts *opts;
	scn_ylimits lim;
	tc_diags *diags;
	tc_error *err;
	size_t errors;
	int nomem;
	int head_only;		/* read graph and extends only */
	const char *file;	/* the file being read */
	const char *dir;	/* its folder, for relative paths */
	const char *chain[SCN_MAX_EXTENDS + 1];	/* real paths, outermost
						   first */
	const char *chain_shown[SCN_MAX_EXTENDS + 1];
	size_t depth;
};

/* Pool helpers: NULL (and ctx->nomem set) when out of memory. */
void *scn_alloc(struct scn_ctx *c, size_t size);
const char *scn_str(struct scn_ctx *c, const char *s);
/* Hands a spec to the pool; returns it. */
const tc_spec *scn_keep(struct scn_ctx *c, tc_spec *spec);
void scn_pool_free(struct scn_pool *p);

/*
 * Records an error (or warning) at a YAML node (NULL: no position) of
 * the current file. scn_error returns TC_ERR_INVALID so a parser can
 * give up on the change with "return scn_error(...)".
 */
tc_status scn_error(struct scn_ctx *c, const scn_ynode *at,
		    const char *fmt, ...) TCI_PRINTF(3, 4);
void scn_warn(struct scn_ctx *c, const scn_ynode *at, const char *fmt, ...)
	TCI_PRINTF(3, 4);

/* The closest word of list within a small edit distance, or NULL. */
const char *scn_nearest(const char *word, const char *const *list,
			size_t n);

/*
 * Checks that every key of map is in allowed (NULL-terminated), naming
 * the nearest allowed key for a misspelt one. what names the map in
 * messages ("a launch change"). Returns TC_OK or TC_ERR_INVALID.
 */
tc_status scn_check_keys(struct scn_ctx *c, const scn_ynode *map,
			 const char *const *allowed, const char *what);

/* A scalar's text, or an error naming what was expected. */
tc_status scn_scalar(struct scn_ctx *c, const scn_ynode *v,
		     const char *what, const char **text);

/*
 * Parses a spec from a scalar, errors at the column of the problem
 * inside the value. With info, the spec is checked against that
 * attribute's type and domain (tc_kg_check_spec) under the name
 * label ("share"); a spec with over 1% of its mass outside is a warning.
 */
tc_status scn_spec(struct scn_ctx *c, const scn_ynode *v,
		   const tc_kg_attr_info *info, const char *label,
		   const tc_spec **out);

/*
 * Parses an effective date: a date or a spec of dates, checked against
 * the horizon when one is given.
 */
tc_status scn_date(struct scn_ctx *c, const scn_ynode *v,
		   const tc_spec **out);

/*
 * Resolves a node id (a scalar) in the graph: kinds is a TC_KG_AT_*
 * mask of the positions allowed, what names them in messages. *index is
 * SIZE_MAX without a graph.
 */
tc_status scn_node(struct scn_ctx *c, const scn_ynode *v, unsigned kinds,
		   const char *what, const char **id, size_t *index);

/* The TC_KG_AT_* bit of a node's kind and position. */
unsigned scn_node_where(const tc_kg *kg, size_t node);

/* Checks a model id against the catalog when there is one. */
tc_status scn_model(struct scn_ctx *c, const scn_ynode *v,
		    const char **model);

/* A decimal USD amount, at least 0 (above 0 when positive is set). */
tc_status scn_money(struct scn_ctx *c, const scn_ynode *v, int positive,
		    tc_money *out);
/* A decimal multiplier in millionths within [lo, hi] millionths. */
tc_status scn_mult(struct scn_ctx *c, const scn_ynode *v, int64_t lo,
		   int64_t hi, int64_t *out);

/*
 * 1 when node from reaches node to through the graph's edges (same-day
 * ones only when same_day) and the edges of the scenario's LAUNCH
 * changes so far plus extra[0..n_extra), which end at target.
 */
int scn_reaches(struct scn_ctx *c, size_t from, size_t to, int same_day,
		const tc_scn_edge *extra, size_t n_extra, size_t target);

/* The top-level sections. */
tc_status scn_parse_changes(struct scn_ctx *c, const scn_ynode *list);
tc_status scn_parse_budget(struct scn_ctx *c, const scn_ynode *map);
tc_status scn_parse_contract(struct scn_ctx *c, const scn_ynode *map);
tc_status scn_parse_price(struct scn_ctx *c, const scn_ynode *map,
			  tc_scn_change *ch);

#endif
