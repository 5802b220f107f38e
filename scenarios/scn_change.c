/*
 * scn_change.c - the changes of a scenario: one YAML mapping each, named
 * by its verb key (launch, retire, growth, level, weekly, switch_model,
 * price, set and the share shorthands), checked against the graph and
 * turned into a tc_scn_change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_int.h"

#define MAX_CHANGES 10000

typedef tc_status (*parse_fn)(struct scn_ctx *c, const scn_ynode *map,
			      const scn_ynode *target, tc_scn_change *ch);

/* A verb: its word, kind, the attribute it sets, targets and keys. */
struct verb {
	const char *word;
	tc_scn_kind kind;
	tc_kg_attr attr;
	unsigned targets;	/* TC_KG_AT_* mask; 0: not a node */
	const char *what;	/* the target in messages */
	const char *keys[8];	/* besides the verb and "id" */
	parse_fn parse;
};

static tc_status parse_launch(struct scn_ctx *, const scn_ynode *,
			      const scn_ynode *, tc_scn_change *);
static tc_status parse_retire(struct scn_ctx *, const scn_ynode *,
			      const scn_ynode *, tc_scn_change *);
static tc_status parse_growth(struct scn_ctx *, const scn_ynode *,
			      const scn_ynode *, tc_scn_change *);
static tc_status parse_level(struct scn_ctx *, const scn_ynode *,
			     const scn_ynode *, tc_scn_change *);
static tc_status parse_weekly(struct scn_ctx *, const scn_ynode *,
			      const scn_ynode *, tc_scn_change *);
static tc_status parse_model(struct scn_ctx *, const scn_ynode *,
			     const scn_ynode *, tc_scn_change *);
static tc_status parse_set(struct scn_ctx *, const scn_ynode *,
			   const scn_ynode *, tc_scn_change *);
static tc_status parse_attr(struct scn_ctx *, const scn_ynode *,
			    const scn_ynode *, tc_scn_change *);
static tc_status parse_price_verb(struct scn_ctx *, const scn_ynode *,
				  const scn_ynode *, tc_scn_change *);

#define ROOTS (TC_KG_AT_ROOT_KPI | TC_KG_AT_ROOT_CLASS)

static const struct verb verbs[] = {
	{"launch", TC_SCN_LAUNCH, TC_KG_LAUNCH, TC_KG_AT_CLASS, "class",
	 {"date", "ramp_days", "ramp", "requests_per_day", "driven_by"},
	 parse_launch},
	{"retire", TC_SCN_RETIRE, TC_KG_ATTR_COUNT, TC_KG_AT_CLASS, "class",
	 {"date"}, parse_retire},
	{"growth", TC_SCN_GROWTH, TC_KG_GROWTH, ROOTS, "root kpi or class",
	 {"value", "from"}, parse_growth},
	{"level", TC_SCN_LEVEL, TC_KG_ATTR_COUNT, TC_KG_AT_NODE,
	 "kpi or class", {"factor", "from"}, parse_level},
	{"weekly", TC_SCN_WEEKLY, TC_KG_WEEKLY, ROOTS, "root kpi or class",
	 {"value", "from"}, parse_weekly},
	{"switch_model", TC_SCN_MODEL, TC_KG_MODEL, TC_KG_AT_CLASS, "class",
	 {"model", "from", "share", "token_factor", "input_token_factor",
	  "output_token_factor"},
	 parse_model},
	{"price", TC_SCN_PRICE, TC_KG_ATTR_COUNT, 0, "model",
	 {"multiplier", "discount", "rates", "from"}, parse_price_verb},
	{"set", TC_SCN_SET, TC_KG_ATTR_COUNT, 0, "node or edge",
	 {"attribute", "value", "from"}, parse_set},
	{"cached_share", TC_SCN_SET, TC_KG_CACHED_SHARE, TC_KG_AT_CLASS,
	 "class", {"value", "from"}, parse_attr},
	{"cache_write_share", TC_SCN_SET, TC_KG_CACHE_WRITE_SHARE,
	 TC_KG_AT_CLASS, "class", {"value", "from"}, parse_attr},
	{"reasoning_share", TC_SCN_SET, TC_KG_REASONING_SHARE,
	 TC_KG_AT_CLASS, "class", {"value", "from"}, parse_attr},
	{"batch_share", TC_SCN_SET, TC_KG_BATCH_SHARE, TC_KG_AT_CLASS,
	 "class", {"value", "from"}, parse_attr},
	{"retry_rate", TC_SCN_SET, TC_KG_RETRY_RATE, TC_KG_AT_CLASS,
	 "class", {"value", "from"}, parse_attr},
};

#define N_VERBS (sizeof verbs / sizeof verbs[0])

static const char *const kind_names[] = {
	"launch", "retire", "growth", "level", "weekly", "set",
	"switch_model", "price",
};

const char *tc_scn_kind_name(tc_scn_kind kind)
{
	if ((unsigned)kind >= sizeof kind_names / sizeof kind_names[0])
		return "unknown";
	return kind_names[kind];
}

/* An optional "from" date; NULL date when absent. */
static tc_status opt_from(struct scn_ctx *c, const scn_ynode *map,
			  tc_scn_change *ch)
{
	const scn_ynode *v = scn_ymap_get(map, "from");

	return v ? scn_date(c, v, &ch->date) : TC_OK;
}

/* A key the change cannot do without. */
static const scn_ynode *need(struct scn_ctx *c, const scn_ynode *map,
			     const char *key, const char *verb)
{
	const scn_ynode *v = scn_ymap_get(map, key);

	if (!v)
		scn_error(c, map, "a %s change needs '%s'", verb, key);
	return v;
}

/* The node change's target: resolved for the verb's positions. */
static tc_status target_node(struct scn_ctx *c, const struct verb *vb,
			     const scn_ynode *target, tc_scn_change *ch)
{
	return scn_node(c, target, vb->targets, vb->what, &ch->target,
			&ch->index);
}

/* One driven_by entry: source, rate, lag_days. */
static tc_status parse_edge(struct scn_ctx *c, const scn_ynode *m,
			    size_t target, tc_scn_edge *e)
{
	static const char *const keys[] = {"source", "rate", "lag_days",
					   NULL};
	const scn_ynode *v;
	tc_status st;

	if (m->type != SCN_Y_MAP)
		return scn_error(c, m, "a driven_by entry is a mapping with "
				 "source, rate and lag_days, got %s",
				 scn_ytype_name(m));
	scn_check_keys(c, m, keys, "a driven_by entry");
	v = need(c, m, "source", "driven_by");
	st = v ? scn_node(c, v, TC_KG_AT_NODE, "node", &e->source,
			  &e->source_node)
	       : TC_ERR_INVALID;
	e->source = scn_str(c, e->source);
	v = need(c, m, "rate", "driven_by");
	if (v)
		scn_spec(c, v, tc_kg_attr_get(TC_KG_RATE), "rate", &e->rate);
	v = scn_ymap_get(m, "lag_days");
	if (v && (v->type != SCN_Y_SCALAR ||
		  tci_parse_int64(v->text, v->len, &e->lag_days) != TC_OK ||
		  e->lag_days < 0 || e->lag_days > 3660))
		return scn_error(c, v, "lag_days: expected a whole number "
				 "of days from 0 to 3660");
	return st;
}

/*
 * A new drives edge must close no cycle: the engine's first-day steady
 * state (model.md) is defined for the graph's cycles only. Edges of
 * earlier changes and the change's edges before this one count.
 */
static void check_cycle(struct scn_ctx *c, const scn_ynode *at,
			const tc_scn_edge *edges, size_t i, size_t target)
{
	const tc_scn_edge *e = &edges[i];

	if (!c->kg || e->source_node == SIZE_MAX || target == SIZE_MAX)
		return;
	if (e->source_node == target)
		scn_error(c, at, "'%s' cannot drive itself", e->source);
	else if (scn_reaches(c, target, e->source_node, 0, edges, i, target))
		scn_error(c, at, "an edge from '%s' to '%s' would close a "
			  "cycle, which a scenario cannot add (draw it in "
			  "the graph)", e->source,
			  tc_kg_node_id(c->kg, target));
}

static tc_status parse_driven_by(struct scn_ctx *c, const scn_ynode *v,
				 tc_scn_change *ch)
{
	tc_scn_edge *edges;
	size_t i;

	if (v->type != SCN_Y_SEQ || v->n == 0)
		return scn_error(c, v, "driven_by: expected a list of "
				 "edges (source, rate, lag_days), got %s",
				 scn_ytype_name(v));
	edges = scn_alloc(c, v->n * sizeof *edges);
	if (!edges)
		return TC_ERR_NOMEM;
	for (i = 0; i < v->n; i++) {
		edges[i].source_node = SIZE_MAX;
		if (parse_edge(c, v->kids[i], ch->index, &edges[i]) == TC_OK)
			check_cycle(c, v->kids[i], edges, i, ch->index);
	}
	ch->edges = edges;
	ch->n_edges = v->n;
	return TC_OK;
}

/* The ramp's shape word. */
static void parse_ramp(struct scn_ctx *c, const scn_ynode *v,
		       tc_scn_change *ch)
{
	if (v->type == SCN_Y_SCALAR && strcmp(v->text, "linear") == 0)
		ch->ramp = TC_SCN_RAMP_LINEAR;
	else if (v->type == SCN_Y_SCALAR && strcmp(v->text, "smooth") == 0)
		ch->ramp = TC_SCN_RAMP_SMOOTH;
	else
		scn_error(c, v, "ramp: expected linear or smooth, got %s%s%s",
			  v->type == SCN_Y_SCALAR ? "'" : "",
			  v->type == SCN_Y_SCALAR ? v->text
						  : scn_ytype_name(v),
			  v->type == SCN_Y_SCALAR ? "'" : "");
}

static tc_status parse_launch(struct scn_ctx *c, const scn_ynode *map,
			      const scn_ynode *target, tc_scn_change *ch)
{
	const scn_ynode *v, *rpd, *drv;

	v = need(c, map, "date", "launch");
	if (v)
		scn_date(c, v, &ch->date);
	v = scn_ymap_get(map, "ramp_days");
	if (v)
		scn_spec(c, v, tc_kg_attr_get(TC_KG_RAMP_DAYS), "ramp_days",
			 &ch->ramp_days);
	v = scn_ymap_get(map, "ramp");
	if (v)
		parse_ramp(c, v, ch);
	rpd = scn_ymap_get(map, "requests_per_day");
	drv = scn_ymap_get(map, "driven_by");
	if (rpd && drv)
		return scn_error(c, drv, "give requests_per_day or "
				 "driven_by, not both");
	if (rpd && c->kg && ch->index != SIZE_MAX &&
	    scn_node_where(c->kg, ch->index) != TC_KG_AT_ROOT_CLASS)
		return scn_error(c, rpd, "requests_per_day applies to a root "
				 "class, and '%s' is driven; use driven_by "
				 "or a level change", ch->target);
	if (rpd)
		scn_spec(c, rpd, tc_kg_attr_get(TC_KG_REQUESTS_PER_DAY),
			 "requests_per_day", &ch->value);
	return drv ? parse_driven_by(c, drv, ch) : TC_OK;
}

static tc_status parse_retire(struct scn_ctx *c, const scn_ynode *map,
			      const scn_ynode *target, tc_scn_change *ch)
{
	const scn_ynode *v = need(c, map, "date", "retire");

	return v ? scn_date(c, v, &ch->date) : TC_ERR_INVALID;
}

static tc_status parse_growth(struct scn_ctx *c, const scn_ynode *map,
			      const scn_ynode *target, tc_scn_change *ch)
{
	const scn_ynode *v = need(c, map, "value", "growth");

	opt_from(c, map, ch);
	if (!v)
		return TC_ERR_INVALID;
	return scn_spec(c, v, tc_kg_attr_get(TC_KG_GROWTH), "growth",
			&ch->value);
}

static tc_status parse_level(struct scn_ctx *c, const scn_ynode *map,
			     const scn_ynode *target, tc_scn_change *ch)
{
	const scn_ynode *v = need(c, map, "factor", "level");

	opt_from(c, map, ch);
	if (!v)
		return TC_ERR_INVALID;
	/* A factor has the domain of a volume: [0, inf). */
	return scn_spec(c, v, tc_kg_attr_get(TC_KG_REQUESTS_PER_DAY),
			"factor", &ch->value);
}

/* One weekly factor written at offset off of a scalar v. */
static tc_status weekly_piece(struct scn_ctx *c, const scn_ynode *v,
			      size_t off, size_t len, const tc_spec **out)
{
	scn_ynode piece = *v;
	const char *s;
	size_t n;
	tc_status st;

	tci_trim(v->text + off, len, &s, &n);
	piece.text = tci_strndup(s, n);
	if (!piece.text)
		return TC_ERR_NOMEM;
	piece.len = n;
	piece.column = v->column + (v->quoted ? 1 : 0) + (long)(s - v->text);
	piece.quoted = 0;
	st = scn_spec(c, &piece, tc_kg_attr_get(TC_KG_WEEKLY), "weekly",
		      out);
	free(piece.text);
	return st;
}

/* Splits "1.1,1,normal(1, 0.1),..." at commas outside parentheses. */
static tc_status weekly_scalar(struct scn_ctx *c, const scn_ynode *v,
			       tc_scn_change *ch)
{
	size_t i, start = 0, k = 0;
	int depth = 0;

	for (i = 0; i <= v->len; i++) {
		if (i < v->len && v->text[i] == '(')
			depth++;
		else if (i < v->len && v->text[i] == ')')
			depth--;
		if (i < v->len && (v->text[i] != ',' || depth > 0))
			continue;
		if (k < 7 && weekly_piece(c, v, start, i - start,
					  &ch->weekly[k]) == TC_ERR_NOMEM)
			return TC_ERR_NOMEM;
		k++;
		start = i + 1;
	}
	if (k != 7)
		return scn_error(c, v, "weekly: expected 7 factors, Monday "
				 "first, got %zu", k);
	return TC_OK;
}

/* A weekly value: a scalar of seven comma-separated specs or a list. */
static tc_status weekly_value(struct scn_ctx *c, const scn_ynode *v,
			      tc_scn_change *ch)
{
	size_t i;
	double x, sum = 0;
	int all_const = 1;

	if (v->type == SCN_Y_SCALAR) {
		if (weekly_scalar(c, v, ch) != TC_OK)
			return TC_ERR_INVALID;
	} else if (v->type == SCN_Y_SEQ && v->n == 7) {
		for (i = 0; i < 7; i++)
			scn_spec(c, v->kids[i], tc_kg_attr_get(TC_KG_WEEKLY),
				 "weekly", &ch->weekly[i]);
	} else {
		return scn_error(c, v, "weekly: expected 7 factors, Monday "
				 "first, as a list or 1,1,1,1,1,0.8,0.8");
	}
	for (i = 0; i < 7; i++) {
		if (!ch->weekly[i])
			return TC_ERR_INVALID;
		if (tc_spec_is_constant(ch->weekly[i], &x))
			sum += x;
		else
			all_const = 0;
	}
	if (all_const && sum <= 0)
		return scn_error(c, v, "weekly: the seven factors are all 0");
	return TC_OK;
}

static tc_status parse_weekly(struct scn_ctx *c, const scn_ynode *map,
			      const scn_ynode *target, tc_scn_change *ch)
{
	const scn_ynode *v = need(c, map, "value", "weekly");

	opt_from(c, map, ch);
	return v ? weekly_value(c, v, ch) : TC_ERR_INVALID;
}

static tc_status parse_model(struct scn_ctx *c, const scn_ynode *map,
			     const scn_ynode *target, tc_scn_change *ch)
{
	const tc_kg_attr_info *pos = tc_kg_attr_get(TC_KG_DISPERSION);
	const scn_ynode *v;
	const char *now;

	opt_from(c, map, ch);
	v = scn_ymap_get(map, "share");
	if (v)
		scn_spec(c, v, tc_kg_attr_get(TC_KG_BATCH_SHARE), "share",
			 &ch->share);
	/* Token factors have the domain (0, inf) of a dispersion. */
	v = scn_ymap_get(map, "token_factor");
	if (v && scn_spec(c, v, pos, "token_factor", &ch->input_factor) ==
			 TC_OK)
		ch->output_factor = ch->input_factor;
	v = scn_ymap_get(map, "input_token_factor");
	if (v)
		scn_spec(c, v, pos, "input_token_factor", &ch->input_factor);
	v = scn_ymap_get(map, "output_token_factor");
	if (v)
		scn_spec(c, v, pos, "output_token_factor",
			 &ch->output_factor);
	v = need(c, map, "model", "switch_model");
	if (!v || scn_model(c, v, &ch->model) != TC_OK)
		return TC_ERR_INVALID;
	ch->model = scn_str(c, ch->model);
	now = c->kg && ch->index != SIZE_MAX
		      ? tc_kg_node_text(c->kg, ch->index, TC_KG_MODEL)
		      : NULL;
	if (now && ch->model && strcmp(now, ch->model) == 0)
		scn_warn(c, v, "'%s' already uses %s", ch->target, now);
	return TC_OK;
}

static tc_status parse_price_verb(struct scn_ctx *c, const scn_ynode *map,
				  const scn_ynode *target, tc_scn_change *ch)
{
	tc_status st = scn_model(c, target, &ch->target);

	ch->target = scn_str(c, ch->target);
	opt_from(c, map, ch);
	return st != TC_OK ? st : scn_parse_price(c, map, ch);
}

/* The did-you-mean of an attribute name among the schema's. */
static const char *near_attr(const char *name, unsigned element)
{
	const tc_kg_attr_info *rows;
	const char *best = NULL;
	size_t i, n, d, best_d = 3;

	rows = tc_kg_schema(&n);
	for (i = 0; i < n; i++) {
		if (!(rows[i].where & element))
			continue;
		d = tci_edit_distance(name, rows[i].name, 2);
		if (d < best_d) {
			best_d = d;
			best = rows[i].name;
		}
	}
	return best;
}

/* Finds an edge by id; 1 when found. */
static int find_edge(const tc_kg *kg, const char *id, size_t *edge)
{
	tc_kg_edge e;
	size_t i;

	for (i = 0; i < tc_kg_edge_count(kg); i++) {
		tc_kg_edge_get(kg, i, &e);
		if (e.id && strcmp(e.id, id) == 0) {
			*edge = i;
			return 1;
		}
	}
	return 0;
}

/*
 * The target of a set: a node, else an edge, of the graph. Without a
 * graph the attribute decides (a node attribute means a node).
 */
static tc_status set_target(struct scn_ctx *c, const scn_ynode *target,
			    const char *attr, tc_scn_change *ch)
{
	const char *id;

	if (scn_scalar(c, target, "a node or edge id", &id) != TC_OK)
		return TC_ERR_INVALID;
	ch->target = id;
	if (!c->kg) {
		ch->on_edge = !tc_kg_attr_find(attr, TC_KG_AT_NODE) &&
			      tc_kg_attr_find(attr, TC_KG_AT_EDGE);
		return TC_OK;
	}
	if (tc_kg_find_node(c->kg, id, &ch->index))
		return TC_OK;
	if (find_edge(c->kg, id, &ch->index)) {
		ch->on_edge = 1;
		return TC_OK;
	}
	ch->index = SIZE_MAX;
	return scn_node(c, target, TC_KG_AT_NODE, "node or edge", &id,
			&ch->index);
}

/* Checks an attribute applies where the change puts it. */
static tc_status check_where(struct scn_ctx *c, const scn_ynode *at,
			     const tc_kg_attr_info *info,
			     const tc_scn_change *ch)
{
	unsigned where;

	if (!c->kg || ch->index == SIZE_MAX)
		return TC_OK;
	where = ch->on_edge ? TC_KG_AT_EDGE
			    : scn_node_where(c->kg, ch->index);
	if (info->where & where)
		return TC_OK;
	return scn_error(c, at, "attribute '%s' does not apply to %s '%s'",
			 info->name,
			 ch->on_edge ? "edge"
			 : where & TC_KG_AT_KPI
				 ? (where == TC_KG_AT_ROOT_KPI ? "root kpi"
							       : "driven kpi")
			 : where == TC_KG_AT_ROOT_CLASS ? "root class"
							: "driven class",
			 ch->target);
}

/* A whole number of days for lag_days, kept as a constant spec. */
static tc_status whole_value(struct scn_ctx *c, const scn_ynode *v,
			     tc_scn_change *ch)
{
	tc_spec *spec = NULL;
	int64_t x;

	if (v->type != SCN_Y_SCALAR ||
	    tci_parse_int64(v->text, v->len, &x) != TC_OK || x < 0 ||
	    x > 3660)
		return scn_error(c, v, "lag_days: expected a whole number "
				 "of days from 0 to 3660");
	if (tc_spec_parse(v->text, NULL, &spec, NULL) != TC_OK)
		return TC_ERR_NOMEM;
	ch->value = scn_keep(c, spec);
	return ch->value ? TC_OK : TC_ERR_NOMEM;
}

/* The value of a set change, by the attribute's type. */
static tc_status set_value(struct scn_ctx *c, const scn_ynode *map,
			   const tc_kg_attr_info *info, tc_scn_change *ch)
{
	const scn_ynode *v = need(c, map, "value", "set");
	const scn_ynode *from = scn_ymap_get(map, "from");

	if (from && (info->attr == TC_KG_LAUNCH ||
		     info->attr == TC_KG_RAMP_DAYS ||
		     info->attr == TC_KG_LAG_DAYS))
		scn_error(c, from, "'%s' holds for the whole horizon and "
			  "takes no 'from' date", info->name);
	else
		opt_from(c, map, ch);
	if (!v)
		return TC_ERR_INVALID;
	ch->attr = info->attr;
	switch (info->type) {
	case TC_KG_T_WEEKLY:
		ch->kind = TC_SCN_WEEKLY;
		return weekly_value(c, v, ch);
	case TC_KG_T_WHOLE:
		return whole_value(c, v, ch);
	default:
		if (info->attr == TC_KG_GROWTH)
			ch->kind = TC_SCN_GROWTH;
		return scn_spec(c, v, info, info->name, &ch->value);
	}
}

/* The attribute of a set, by name, with its did-you-mean. */
static const tc_kg_attr_info *set_attr(struct scn_ctx *c,
				       const scn_ynode *v, int on_edge)
{
	unsigned el = on_edge ? TC_KG_AT_EDGE : TC_KG_AT_NODE;
	const tc_kg_attr_info *info;
	const char *name, *near;

	if (scn_scalar(c, v, "an attribute name", &name) != TC_OK)
		return NULL;
	info = tc_kg_attr_find(name, el);
	near = info || tc_kg_attr_find(name, TC_KG_AT_NODE | TC_KG_AT_EDGE)
		       ? NULL
		       : near_attr(name, el);
	if (!info && near)
		scn_error(c, v, "unknown attribute '%s' (did you mean "
			  "'%s'?)", name, near);
	else if (!info && tc_kg_attr_find(name, on_edge ? TC_KG_AT_NODE
							: TC_KG_AT_EDGE))
		scn_error(c, v, "attribute '%s' belongs to %s, and the target "
			  "is %s", name, on_edge ? "nodes" : "edges",
			  on_edge ? "an edge" : "a node");
	else if (!info)
		scn_error(c, v, "unknown attribute '%s' of %s", name,
			  on_edge ? "an edge" : "a node");
	else if (info->type == TC_KG_T_TEXT || info->type == TC_KG_T_WORD ||
		 info->type == TC_KG_T_DATE)
		scn_error(c, v, "attribute '%s' is not a number or a spec "
			  "and cannot be set%s", name,
			  info->attr == TC_KG_MODEL ? "; use switch_model"
						    : "");
	else
		return info;
	return NULL;
}

static tc_status parse_set(struct scn_ctx *c, const scn_ynode *map,
			   const scn_ynode *target, tc_scn_change *ch)
{
	const scn_ynode *a = need(c, map, "attribute", "set");
	const tc_kg_attr_info *info;

	if (!a || a->type != SCN_Y_SCALAR) {
		if (a)
			scn_error(c, a, "expected an attribute name, got %s",
				  scn_ytype_name(a));
		return TC_ERR_INVALID;
	}
	if (set_target(c, target, a->text, ch) != TC_OK)
		return TC_ERR_INVALID;
	info = set_attr(c, a, ch->on_edge);
	if (!info || check_where(c, a, info, ch) != TC_OK)
		return TC_ERR_INVALID;
	return set_value(c, map, info, ch);
}

/* The share shorthands: "cached_share: chat" with value and from. */
static tc_status parse_attr(struct scn_ctx *c, const scn_ynode *map,
			    const scn_ynode *target, tc_scn_change *ch)
{
	const tc_kg_attr_info *info = tc_kg_attr_get(ch->attr);

	return set_value(c, map, info, ch);
}

/* Reports a change without a verb, guessing from its keys. */
static void no_verb(struct scn_ctx *c, const scn_ynode *m,
		    const char *const *words)
{
	const char *near = NULL;
	size_t i;

	for (i = 0; i + 1 < m->n && !near; i += 2)
		if (m->kids[i]->type == SCN_Y_SCALAR)
			near = scn_nearest(m->kids[i]->text, words, N_VERBS);
	scn_error(c, m, "a change needs one of launch, retire, growth, "
		  "level, weekly, switch_model, price, set, cached_share, "
		  "cache_write_share, reasoning_share, batch_share, "
		  "retry_rate%s%s%s", near ? " (did you mean '" : "",
		  near ? near : "", near ? "'?)" : "");
}

/* The verb keys of a change: exactly one must be there. */
static const struct verb *find_verb(struct scn_ctx *c, const scn_ynode *m,
				    const scn_ynode **target)
{
	const struct verb *found = NULL;
	const char *words[N_VERBS];
	size_t i;

	for (i = 0; i < N_VERBS; i++) {
		words[i] = verbs[i].word;
		if (!scn_ymap_get(m, verbs[i].word))
			continue;
		if (found) {
			scn_error(c, m, "a change has one verb, but this one "
				  "has '%s' and '%s'", found->word,
				  verbs[i].word);
			return NULL;
		}
		found = &verbs[i];
		*target = scn_ymap_get(m, verbs[i].word);
	}
	if (!found)
		no_verb(c, m, words);
	return found;
}

/* The stable key of a change, for random streams: kind:target[:attr]. */
static const char *change_key(struct scn_ctx *c, const scn_ynode *m,
			      const tc_scn_change *ch)
{
	const scn_ynode *id = scn_ymap_get(m, "id");
	char buf[600];
	const char *extra = "";
	size_t i, same = 0;

	if (id && id->type == SCN_Y_SCALAR)
		snprintf(buf, sizeof buf, "%s", id->text);
	else {
		if (ch->attr != TC_KG_ATTR_COUNT && ch->kind == TC_SCN_SET)
			extra = tc_kg_attr_get(ch->attr)->name;
		else if (ch->kind == TC_SCN_MODEL && ch->model)
			extra = ch->model;
		snprintf(buf, sizeof buf, "%s:%s%s%s",
			 tc_scn_kind_name(ch->kind),
			 ch->target ? ch->target : "", *extra ? ":" : "",
			 extra);
	}
	for (i = 0; i < c->sc->n_changes; i++)
		if (strncmp(c->sc->changes[i].key, buf, strlen(buf)) == 0 &&
		    (c->sc->changes[i].key[strlen(buf)] == '\0' ||
		     c->sc->changes[i].key[strlen(buf)] == '#'))
			same++;
	if (same)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "#%zu",
			 same + 1);
	return scn_str(c, buf);
}

/* Appends a parsed change to the scenario. */
static tc_status add_change(struct scn_ctx *c, const tc_scn_change *ch)
{
	tc_scenario *sc = c->sc;
	tc_scn_change *grown;
	size_t ncap;

	if (sc->n_changes == sc->cap_changes) {
		ncap = sc->cap_changes ? sc->cap_changes * 2 : 16;
		grown = realloc(sc->changes, ncap * sizeof *grown);
		if (!grown)
			return TC_ERR_NOMEM;
		sc->changes = grown;
		sc->cap_changes = ncap;
	}
	sc->changes[sc->n_changes++] = *ch;
	return TC_OK;
}

/* The keys a verb allows: its own list, the verb itself and "id". */
static tc_status verb_keys(struct scn_ctx *c, const scn_ynode *m,
			   const struct verb *vb)
{
	const char *allowed[12];
	size_t n = 0, i;
	char what[64];

	allowed[n++] = vb->word;
	allowed[n++] = "id";
	for (i = 0; i < 8 && vb->keys[i]; i++)
		allowed[n++] = vb->keys[i];
	allowed[n] = NULL;
	snprintf(what, sizeof what, "a %s change", vb->word);
	return scn_check_keys(c, m, allowed, what);
}

/* A fresh change: every optional field empty. */
static void change_init(tc_scn_change *ch, const struct verb *vb,
			const char *file, const scn_ynode *m)
{
	memset(ch, 0, sizeof *ch);
	ch->kind = vb->kind;
	ch->attr = vb->attr;
	ch->index = SIZE_MAX;
	ch->file = file;
	ch->line = m->line;
	ch->column = m->column;
	ch->multiplier = TC_RATE_NONE;
	ch->rates.input = ch->rates.cache_read = TC_RATE_NONE;
	ch->rates.cache_write_5m = ch->rates.cache_write_1h = TC_RATE_NONE;
	ch->rates.output = ch->rates.reasoning = TC_RATE_NONE;
	ch->rates.audio_input = ch->rates.image_input = TC_RATE_NONE;
}

/* One change; a problem in it is recorded and the change dropped. */
static tc_status parse_change(struct scn_ctx *c, const scn_ynode *m)
{
	const scn_ynode *target = NULL;
	const struct verb *vb;
	tc_scn_change ch;
	size_t before = c->errors;

	if (m->type != SCN_Y_MAP)
		return scn_error(c, m, "a change is a mapping such as "
				 "'launch: CLASS' with its keys, got %s",
				 scn_ytype_name(m));
	vb = find_verb(c, m, &target);
	if (!vb)
		return TC_ERR_INVALID;
	change_init(&ch, vb, c->file, m);
	verb_keys(c, m, vb);
	if (vb->targets && target_node(c, vb, target, &ch) != TC_OK)
		return TC_ERR_INVALID;
	vb->parse(c, m, target, &ch);
	if (c->nomem)
		return TC_ERR_NOMEM;
	if (c->errors > before)
		return TC_ERR_INVALID;
	ch.target = scn_str(c, ch.target);
	ch.key = change_key(c, m, &ch);
	if (!ch.key || c->nomem)
		return TC_ERR_NOMEM;
	return add_change(c, &ch);
}

tc_status scn_parse_changes(struct scn_ctx *c, const scn_ynode *list)
{
	size_t i;

	if (list->type != SCN_Y_SEQ)
		return scn_error(c, list, "changes: expected a list of "
				 "changes ('- launch: CLASS' ...), got %s",
				 scn_ytype_name(list));
	for (i = 0; i < list->n; i++) {
		if (c->sc->n_changes >= MAX_CHANGES)
			return scn_error(c, list->kids[i], "more than %d "
					 "changes", MAX_CHANGES);
		if (parse_change(c, list->kids[i]) == TC_ERR_NOMEM)
			return TC_ERR_NOMEM;
	}
	return TC_OK;
}
