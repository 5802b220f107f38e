/*
 * kg_check.c - builds a knowledge graph from a tc_graph, checking it
 * against the schema (kg_schema.c) and reporting every problem at once.
 *
 * The passes: node kinds; edges (kind, lag, direction, which kinds of
 * node they join), which decides which nodes are roots; node, edge and
 * graph attributes against the schema; required attributes; the
 * dependency order and its cycles.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kgi.h"

/* The state of one build. */
struct check {
	tc_kg *kg;
	const tc_graph *g;
	const tc_kg_opts *opts;
	tc_diags *diags;
	tc_error *err;
	const char *file;
	tc_spec_parse_opts popts;
	char *base_dir;
	size_t errors;
	tc_status fatal;	/* TC_ERR_NOMEM once memory ran out */
};

/*
 * Records one problem: appends it to the diagnostics and, for the first
 * error, fills the caller's error record.
 */
static void say(struct check *c, tc_severity sev, long line, const char *el,
		const char *fmt, ...) TCI_PRINTF(5, 6);

static void say(struct check *c, tc_severity sev, long line, const char *el,
		const char *fmt, ...)
{
	char msg[TC_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (sev == TC_SEV_ERROR) {
		c->errors++;
		tci_error(c->err, TC_ERR_INVALID, c->file, line, el, "%s",
			  msg);
	}
	if (tci_diag(c->diags, sev, sev == TC_SEV_ERROR ? TC_ERR_INVALID
							: TC_OK,
		     c->file, line, 0, el, "%s", msg) != TC_OK)
		c->fatal = TC_ERR_NOMEM;
}

/* The known word nearest to text when one edit or two away, else NULL. */
static const char *near_word(const char *text, const char *const *words,
			     size_t n, size_t cap)
{
	size_t i, d, best = cap + 1;
	const char *hit = NULL;

	for (i = 0; i < n; i++) {
		d = tci_edit_distance(text, words[i], cap);
		if (d > 0 && d < best) {
			best = d;
			hit = words[i];
		}
	}
	return hit;
}

/* 1 when text, white space around it aside, is word. */
static int is_word(const char *text, const char *word)
{
	const char *start;
	size_t len;

	tci_trim(text, strlen(text), &start, &len);
	return len == strlen(word) && memcmp(start, word, len) == 0;
}

/* Writes " (did you mean 'x'?)" into buf, or "" when there is no hint. */
static const char *hint(const char *near, char *buf, size_t size)
{
	if (!near)
		return "";
	snprintf(buf, size, " (did you mean '%s'?)", near);
	return buf;
}

/* Pass 1: every node's kind. */
static void check_kinds(struct check *c)
{
	static const char *const kinds[] = {"kpi", "feature_class"};
	char el[TC_ERROR_ELEMENT_MAX], h[80];
	const tc_value *v;
	struct kg_node *nd;
	size_t i;

	for (i = 0; i < c->kg->n_nodes; i++) {
		nd = &c->kg->nodes[i];
		nd->line = tc_graph_node_line(c->g, i);
		tci_kg_node_element(c->kg, i, el, sizeof el);
		v = tc_graph_node_attr(c->g, i, "kind");
		if (!v) {
			say(c, TC_SEV_ERROR, nd->line, el,
			    "missing attribute 'kind' (expected 'kpi' or "
			    "'feature_class')");
			continue;
		}
		nd->kind_ok = 1;
		if (is_word(v->text, "kpi")) {
			nd->kind = TC_KG_KPI;
		} else if (is_word(v->text, "feature_class")) {
			nd->kind = TC_KG_FEATURE_CLASS;
		} else {
			nd->kind_ok = 0;
			say(c, TC_SEV_ERROR, v->line, el,
			    "unknown kind '%s' (expected 'kpi' or "
			    "'feature_class')%s", v->text,
			    hint(near_word(v->text, kinds, 2, 2), h,
				 sizeof h));
		}
	}
}

/* Reads an edge's kind; 0 when it is not a known kind. */
static int edge_kind(struct check *c, size_t e, const char *el,
		     struct kg_edge *ed)
{
	static const char *const kinds[] = {"drives", "calls"};
	const tc_value *v = tc_graph_edge_attr(c->g, e, "kind");
	char h[80];

	ed->kind = TC_KG_DRIVES;
	if (!v || is_word(v->text, "drives"))
		return 1;
	if (is_word(v->text, "calls")) {
		ed->kind = TC_KG_CALLS;
		return 1;
	}
	say(c, TC_SEV_ERROR, v->line, el,
	    "unknown edge kind '%s' (expected 'drives' or 'calls')%s",
	    v->text, hint(near_word(v->text, kinds, 2, 2), h, sizeof h));
	return 0;
}

/* Reads an edge's lag_days: a whole number of days, 0 by default. */
static int edge_lag(struct check *c, size_t e, const char *el,
		    struct kg_edge *ed)
{
	const tc_value *v = tc_graph_edge_attr(c->g, e, "lag_days");
	double d;

	ed->lag = 0;
	if (!v)
		return 1;
	if (tci_parse_int64(v->text, strlen(v->text), &ed->lag) != TC_OK) {
		if (tci_parse_double(v->text, strlen(v->text), 0, &d) !=
			    TC_OK ||
		    d != (double)(int64_t)d || d > 1e15 || d < -1e15) {
			say(c, TC_SEV_ERROR, v->line, el,
			    "lag_days must be a whole number of days >= 0, "
			    "got '%s'", v->text);
			return 0;
		}
		ed->lag = (int64_t)d;
	}
	if (ed->lag < 0 || ed->lag > KG_MAX_LAG) {
		say(c, TC_SEV_ERROR, v->line, el,
		    "lag_days must be a whole number of days from 0 to %d, "
		    "got '%s'", KG_MAX_LAG, v->text);
		return 0;
	}
	return 1;
}

/* Checks which kinds of node an edge joins. */
static int edge_ends(struct check *c, const char *el, struct kg_edge *ed)
{
	const struct kg_node *s = &c->kg->nodes[ed->source];
	const struct kg_node *t = &c->kg->nodes[ed->target];
	const tc_graph *g = c->g;

	if (!s->kind_ok || !t->kind_ok)
		return 0;	/* the kind's error says enough */
	if (ed->kind == TC_KG_CALLS &&
	    (s->kind != TC_KG_FEATURE_CLASS ||
	     t->kind != TC_KG_FEATURE_CLASS)) {
		say(c, TC_SEV_ERROR, ed->line, el,
		    "a calls edge joins two feature classes, but '%s' is a "
		    "%s and '%s' a %s",
		    tc_graph_node_id(g, ed->source), tc_kg_kind_name(s->kind),
		    tc_graph_node_id(g, ed->target),
		    tc_kg_kind_name(t->kind));
		return 0;
	}
	if (ed->kind == TC_KG_DRIVES && s->kind != TC_KG_KPI) {
		say(c, TC_SEV_ERROR, ed->line, el,
		    "a drives edge starts at a kpi, but '%s' is a "
		    "feature_class (a class's requests reach another class "
		    "through a calls edge)", tc_graph_node_id(g, ed->source));
		return 0;
	}
	return 1;
}

/* Pass 2: every edge's kind, lag, direction and ends. */
static void check_edges(struct check *c)
{
	char el[TC_ERROR_ELEMENT_MAX];
	struct kg_edge *ed;
	tc_edge_info info;
	size_t e;
	int ok;

	for (e = 0; e < c->kg->n_edges; e++) {
		ed = &c->kg->edges[e];
		tc_graph_edge(c->g, e, &info);
		ed->id = info.id ? info.id : "";
		ed->source = info.source;
		ed->target = info.target;
		ed->line = info.line;
		tci_kg_edge_element(c->kg, e, el, sizeof el);
		if (!info.directed)
			say(c, TC_SEV_WARNING, ed->line, el,
			    "undirected edge, read as directed from '%s' to "
			    "'%s'", tc_graph_node_id(c->g, info.source),
			    tc_graph_node_id(c->g, info.target));
		ok = edge_kind(c, e, el, ed);
		ok = edge_lag(c, e, el, ed) && ok;
		ok = ok && edge_ends(c, el, ed);
		ed->ok = ok;
		if (ok && ed->lag > c->kg->max_lag)
			c->kg->max_lag = ed->lag;
	}
}

/* Marks roots (no valid incoming drives edge) and calls targets. */
static void mark_roots(struct check *c)
{
	size_t v, e;

	for (v = 0; v < c->kg->n_nodes; v++)
		c->kg->nodes[v].root = 1;
	for (e = 0; e < c->kg->n_edges; e++) {
		if (!c->kg->edges[e].ok)
			continue;
		if (c->kg->edges[e].kind == TC_KG_DRIVES)
			c->kg->nodes[c->kg->edges[e].target].root = 0;
		else
			c->kg->nodes[c->kg->edges[e].target].has_calls = 1;
	}
}

/* The TC_KG_AT_* position of a node with a known kind. */
static unsigned node_position(const struct kg_node *nd)
{
	if (nd->kind == TC_KG_KPI)
		return nd->root ? TC_KG_AT_ROOT_KPI : TC_KG_AT_DRIVEN_KPI;
	return nd->root ? TC_KG_AT_ROOT_CLASS : TC_KG_AT_DRIVEN_CLASS;
}

static const char *position_name(unsigned pos)
{
	switch (pos) {
	case TC_KG_AT_ROOT_KPI:
		return "root kpi";
	case TC_KG_AT_DRIVEN_KPI:
		return "driven kpi";
	case TC_KG_AT_ROOT_CLASS:
		return "root feature_class";
	case TC_KG_AT_DRIVEN_CLASS:
		return "driven feature_class";
	case TC_KG_AT_EDGE:
		return "edge";
	default:
		return "graph";
	}
}

/*
 * The largest plausible mean (and standard deviation) of an attribute,
 * 0 for attributes without one: a request of more than a billion tokens
 * or a class of more than 1e12 requests a day is a typo or a unit slip.
 */
static double sane_bound(tc_kg_attr a)
{
	switch (a) {
	case TC_KG_INPUT_TOKENS:
	case TC_KG_OUTPUT_TOKENS:
		return 1e9;
	case TC_KG_REQUESTS_PER_DAY:
		return 1e12;
	default:
		return 0;
	}
}

/*
 * A moment of a spec with constant parameters: 1 and *v when finite, 0
 * when infinite or beyond double precision, -1 when it cannot be known
 * here (an uncertain parameter, out of memory).
 */
static int finite_moment(const tc_spec *spec, int variance, double *v)
{
	tc_status st = variance ? tc_spec_variance(spec, v)
				: tc_spec_mean(spec, v);

	if (st == TC_ERR_NUMERIC || (st == TC_OK && !isfinite(*v)))
		return 0;
	return st == TC_OK ? 1 : -1;
}

/*
 * Checks a spec's mean and variance. The engine stops on a token spec
 * without a finite variance (it needs the third moment) and on a
 * requests_per_day without a finite mean, so those are errors; other
 * infinite moments and moments beyond sane_bound warn. Returns 0 after
 * an error.
 */
static int check_moments(struct check *c, const tc_kg_attr_info *info,
			 const tc_spec *spec, long line, const char *el)
{
	double bound = sane_bound(info->attr), m = 0, var = 0;
	int tokens = info->attr == TC_KG_INPUT_TOKENS ||
		     info->attr == TC_KG_OUTPUT_TOKENS;
	int hm = finite_moment(spec, 0, &m), hv = finite_moment(spec, 1, &var);
	int fatal = (hm == 0 && bound > 0) || (hv == 0 && tokens);

	if (hm == 0 || hv == 0) {
		say(c, fatal ? TC_SEV_ERROR : TC_SEV_WARNING, line, el,
		    "attribute '%s': the spec's %s is not finite in double "
		    "precision%s", info->name, hm == 0 ? "mean" : "variance",
		    fatal ? " (the forecast needs it finite)" : "");
		return !fatal;
	}
	if (bound > 0 && hm == 1 && m > bound)
		say(c, TC_SEV_WARNING, line, el, "attribute '%s': the spec's "
		    "mean %.3g is above %.0e, implausible", info->name, m,
		    bound);
	else if (bound > 0 && hv == 1 && var > bound * bound)
		say(c, TC_SEV_WARNING, line, el, "attribute '%s': the spec's "
		    "standard deviation %.3g is above %.0e, implausible",
		    info->name, sqrt(var), bound);
	return 1;
}

/*
 * Parses spec text of one attribute and checks it against the schema.
 * offset is added to the parser's column (a weekly factor's place).
 * Returns the spec, or NULL after reporting the problem.
 */
static tc_spec *parse_spec(struct check *c, const tc_kg_attr_info *info,
			   const char *text, size_t offset, long line,
			   const char *el)
{
	tc_error e = {0};
	tc_spec *spec = NULL;
	double outside = 0;
	char dom[96];
	tc_status st;

	st = tc_spec_parse(text, &c->popts, &spec, &e);
	if (st == TC_ERR_NOMEM)
		c->fatal = st;
	if (st != TC_OK) {
		say(c, TC_SEV_ERROR, line, el, "attribute '%s': column %ld: %s",
		    info->name, e.column + (long)offset,
		    e.message[0] ? e.message : tc_strerror(st));
		return NULL;
	}

	st = tc_kg_check_spec(info, spec, &outside, &e);
	if (st == TC_ERR_NOMEM)
		c->fatal = st;
	if (st != TC_OK) {
		say(c, TC_SEV_ERROR, line, el, "attribute '%s': %s",
		    info->name, e.message);
		tc_spec_free(spec);
		return NULL;
	}
	if (outside > 0.01) {
		tci_kg_domain_text(info, dom, sizeof dom);
		say(c, TC_SEV_WARNING, line, el,
		    "attribute '%s': %.1f%% of the spec's mass lies outside "
		    "the domain %s (such draws are redrawn)", info->name,
		    100 * outside, dom);
	}
	if (info->type == TC_KG_T_SPEC &&
	    !check_moments(c, info, spec, line, el)) {
		tc_spec_free(spec);
		return NULL;
	}
	return spec;
}

/* Finds the end of one comma-separated part, outside parentheses. */
static size_t part_end(const char *s, size_t i)
{
	int depth = 0;

	for (; s[i]; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && depth > 0)
			depth--;
		else if (s[i] == ',' && depth == 0)
			break;
	}
	return i;
}

/* Counts the comma-separated parts of weekly text. */
static size_t count_parts(const char *s)
{
	size_t i = 0, n = 1;

	while (s[(i = part_end(s, i))]) {
		n++;
		i++;
	}
	return n;
}

/* Parses weekly: seven specs separated by commas, Monday first. */
static void parse_weekly(struct check *c, struct kg_node *nd,
			 const tc_kg_attr_info *info, const tc_value *v,
			 const char *el)
{
	const char *s = v->text;
	size_t i = 0, end, day, n = count_parts(s);
	double sum = 0, x;
	int all_const = 1;
	char *part;

	if (n != 7) {
		say(c, TC_SEV_ERROR, v->line, el,
		    "attribute 'weekly': expected seven factors separated by "
		    "commas, Monday first (like 1.1,1.1,1.05,1,0.95,0.5,0.45)"
		    ", got %zu", n);
		return;
	}
	for (day = 0; day < 7; day++, i = end + 1) {
		end = part_end(s, i);
		part = tci_strndup(s + i, end - i);
		if (!part) {
			c->fatal = TC_ERR_NOMEM;
			return;
		}
		nd->weekly[day] = parse_spec(c, info, part, i, v->line, el);
		free(part);
		if (!nd->weekly[day] || !tc_spec_is_constant(nd->weekly[day],
							      &x))
			all_const = 0;
		else
			sum += x;
	}
	if (all_const && sum <= 0)
		say(c, TC_SEV_ERROR, v->line, el,
		    "attribute 'weekly': the seven factors are all zero");
}

/* Checks a model id against the catalog hook, when there is one. */
static void check_model(struct check *c, const tc_value *v, const char *el)
{
	char h[256] = "";

	if (!*v->text) {
		say(c, TC_SEV_ERROR, v->line, el, "attribute 'model' is empty");
		return;
	}
	if (!c->opts || !c->opts->check_model)
		return;
	if (!c->opts->check_model(c->opts->model_ctx, v->text, h, sizeof h))
		say(c, TC_SEV_ERROR, v->line, el,
		    "unknown model '%s' (not in the pricing catalog)%s%s",
		    v->text, h[0] ? "; " : "", h);
}

/*
 * Reads one schema attribute of a node into nd. kind is read by the
 * first pass and lag_days and edge kinds by the edge pass.
 */
static void read_node_attr(struct check *c, struct kg_node *nd,
			   const tc_kg_attr_info *info, const tc_value *v,
			   const char *el)
{
	switch (info->type) {
	case TC_KG_T_TEXT:
		nd->text[info->attr] = v->text;
		if (info->attr == TC_KG_MODEL)
			check_model(c, v, el);
		break;
	case TC_KG_T_SPEC:
	case TC_KG_T_DATE_SPEC:
		nd->spec[info->attr] = parse_spec(c, info, v->text, 0,
						  v->line, el);
		break;
	case TC_KG_T_WEEKLY:
		parse_weekly(c, nd, info, v, el);
		break;
	default:
		break;
	}
}

/*
 * Handles a name the element's part of the schema does not know: fit_*
 * provenance silently, another element's attribute with a warning, a
 * near miss of a known name with a warning, anything else silently.
 */
static void unknown_attr(struct check *c, const char *name,
			 const tc_value *v, unsigned element, const char *el)
{
	const tc_kg_attr_info *schema, *other;
	const char *best = NULL;
	size_t i, n;

	if (strncmp(name, "fit_", 4) == 0 || v->is_default)
		return;
	other = tc_kg_attr_find(name, TC_KG_AT_NODE | TC_KG_AT_EDGE |
					      TC_KG_AT_GRAPH);
	if (other) {
		say(c, TC_SEV_WARNING, v->line, el,
		    "attribute '%s' applies to %s, not here; ignored", name,
		    other->where & TC_KG_AT_NODE   ? "nodes"
		    : other->where & TC_KG_AT_EDGE ? "edges"
						   : "the graph");
		return;
	}
	schema = tc_kg_schema(&n);
	for (i = 0; i < n && !best; i++)
		if ((schema[i].where & element) &&
		    tci_edit_distance(name, schema[i].name, 1) == 1)
			best = schema[i].name;
	if (best)
		say(c, TC_SEV_WARNING, v->line, el,
		    "unknown attribute '%s' (did you mean '%s'?); kept and "
		    "ignored", name, best);
}

/* Reports a schema attribute given where it does not apply. */
static void misplaced(struct check *c, const tc_kg_attr_info *info,
		      unsigned pos, const tc_value *v, const char *el)
{
	if (v->is_default)
		return;	/* a key's default reaches every node */
	if (pos == TC_KG_AT_DRIVEN_KPI && (info->where & TC_KG_AT_ROOT_KPI))
		say(c, TC_SEV_ERROR, v->line, el,
		    "attribute '%s' does not apply to a driven kpi: its "
		    "value comes from its incoming drives edges", info->name);
	else if (pos == TC_KG_AT_DRIVEN_CLASS &&
		 (info->where & TC_KG_AT_ROOT_CLASS))
		say(c, TC_SEV_ERROR, v->line, el,
		    "attribute '%s' does not apply to a driven "
		    "feature_class: its demand comes from its incoming "
		    "drives edges", info->name);
	else
		say(c, TC_SEV_ERROR, v->line, el,
		    "attribute '%s' does not apply to a %s%s", info->name,
		    pos & TC_KG_AT_KPI ? "kpi" : "feature_class",
		    info->where & TC_KG_AT_KPI ? " (KPIs only)"
					       : " (feature classes only)");
}

/* Whether a missing required attribute is only a warning. */
static int softly_required(const struct check *c, tc_kg_attr a)
{
	if (!c->opts || !(c->opts->flags & TC_KG_ALLOW_INCOMPLETE))
		return 0;
	return a == TC_KG_MODEL || a == TC_KG_INPUT_TOKENS ||
	       a == TC_KG_OUTPUT_TOKENS || a == TC_KG_RATE ||
	       a == TC_KG_REQUESTS_PER_DAY;
}

/*
 * Warns when a class's mean cached and cache-write shares add up to more
 * than its input (the engine then caps the write share, model.md).
 */
static void check_shares(struct check *c, const struct kg_node *nd,
			 const char *el)
{
	const tc_spec *r = nd->spec[TC_KG_CACHED_SHARE];
	const tc_spec *w = nd->spec[TC_KG_CACHE_WRITE_SHARE];
	double mr, mw;

	if (!r || !w || tc_spec_mean(r, &mr) != TC_OK ||
	    tc_spec_mean(w, &mw) != TC_OK || mr + mw <= 1)
		return;
	say(c, TC_SEV_WARNING, nd->line, el,
	    "the mean cached_share (%.3g) and cache_write_share (%.3g) add "
	    "up to more than 1; the write share is capped at 1 - "
	    "cached_share per request", mr, mw);
}

/* Reports required attributes a node lacks, and pointless ones. */
static void check_required(struct check *c, size_t node, unsigned pos,
			   const char *el)
{
	const struct kg_node *nd = &c->kg->nodes[node];
	const tc_kg_attr_info *schema;
	size_t i, n;

	schema = tc_kg_schema(&n);
	for (i = 0; i < n; i++) {
		if (!(schema[i].required & pos) || schema[i].attr ==
							    TC_KG_KIND)
			continue;
		if (tc_graph_node_attr(c->g, node, schema[i].name))
			continue;
		if (schema[i].attr == TC_KG_REQUESTS_PER_DAY && nd->has_calls)
			continue;	/* called only: no own demand */
		say(c, softly_required(c, schema[i].attr) ? TC_SEV_WARNING
							  : TC_SEV_ERROR,
		    nd->line, el, "missing attribute '%s' (required for a %s)",
		    schema[i].name, position_name(pos));
	}
	check_shares(c, nd, el);
	if (nd->spec[TC_KG_RAMP_DAYS] && !nd->spec[TC_KG_LAUNCH])
		say(c, TC_SEV_WARNING, nd->line, el,
		    "attribute 'ramp_days' has no effect without 'launch'");
	if (pos == TC_KG_AT_ROOT_CLASS && !nd->spec[TC_KG_REQUESTS_PER_DAY] &&
	    (nd->spec[TC_KG_GROWTH] || nd->weekly[0]))
		say(c, TC_SEV_WARNING, nd->line, el,
		    "'growth' and 'weekly' have no effect without "
		    "'requests_per_day'");
}

/* Pass 3: the attributes of every node with a known kind. */
static void check_node_attrs(struct check *c)
{
	char el[TC_ERROR_ELEMENT_MAX];
	const tc_kg_attr_info *info;
	const tc_value *v;
	struct kg_node *nd;
	const char *name;
	size_t node, i, n;
	unsigned pos;

	for (node = 0; node < c->kg->n_nodes && !c->fatal; node++) {
		nd = &c->kg->nodes[node];
		if (!nd->kind_ok)
			continue;
		pos = node_position(nd);
		tci_kg_node_element(c->kg, node, el, sizeof el);
		n = tc_graph_node_attr_count(c->g, node);
		for (i = 0; i < n; i++) {
			v = tc_graph_node_attr_at(c->g, node, i, &name);
			info = tc_kg_attr_find(name, TC_KG_AT_NODE);
			if (!info)
				unknown_attr(c, name, v, TC_KG_AT_NODE, el);
			else if (!(info->where & pos))
				misplaced(c, info, pos, v, el);
			else if (info->attr != TC_KG_KIND)
				read_node_attr(c, nd, info, v, el);
		}
		check_required(c, node, pos, el);
	}
}

/* Pass 4: the rate and unknown attributes of every edge. */
static void check_edge_attrs(struct check *c)
{
	const tc_kg_attr_info *rate = tc_kg_attr_get(TC_KG_RATE), *info;
	char el[TC_ERROR_ELEMENT_MAX];
	struct kg_edge *ed;
	const tc_value *v;
	const char *name;
	size_t e, i, n;

	for (e = 0; e < c->kg->n_edges && !c->fatal; e++) {
		ed = &c->kg->edges[e];
		tci_kg_edge_element(c->kg, e, el, sizeof el);
		n = tc_graph_edge_attr_count(c->g, e);
		for (i = 0; i < n; i++) {
			v = tc_graph_edge_attr_at(c->g, e, i, &name);
			info = tc_kg_attr_find(name, TC_KG_AT_EDGE);
			if (!info)
				unknown_attr(c, name, v, TC_KG_AT_EDGE, el);
			else if (info->attr == TC_KG_RATE)
				ed->rate = parse_spec(c, rate, v->text, 0,
						      v->line, el);
		}
		if (!tc_graph_edge_attr(c->g, e, "rate"))
			say(c, softly_required(c, TC_KG_RATE) ? TC_SEV_WARNING
							      : TC_SEV_ERROR,
			    ed->line, el, "missing attribute 'rate'");
	}
}

/* Pass 5: the graph's own attributes (as_of). */
static void check_graph_attrs(struct check *c)
{
	const tc_kg_attr_info *info;
	const tc_value *v;
	const char *name, *start;
	size_t i, len, n = tc_graph_graph_attr_count(c->g);

	for (i = 0; i < n; i++) {
		v = tc_graph_graph_attr_at(c->g, i, &name);
		info = tc_kg_attr_find(name, TC_KG_AT_GRAPH);
		if (!info) {
			unknown_attr(c, name, v, TC_KG_AT_GRAPH, "graph");
			continue;
		}
		tci_trim(v->text, strlen(v->text), &start, &len);
		if (tci_parse_date(start, len, &c->kg->as_of) == TC_OK)
			c->kg->has_as_of = 1;
		else
			say(c, TC_SEV_ERROR, v->line, "graph",
			    "attribute 'as_of': expected a date YYYY-MM-DD, "
			    "got '%s'", v->text);
	}
}

/* The folder of the graph file, for empirical(FILE) paths. */
static tc_status set_base_dir(struct check *c)
{
	const char *src = tc_graph_source(c->g), *slash;

	if (c->opts && c->opts->base_dir) {
		c->popts.base_dir = c->opts->base_dir;
		return TC_OK;
	}
	slash = src ? strrchr(src, '/') : NULL;
	if (!slash)
		return TC_OK;
	c->base_dir = tci_strndup(src, (size_t)(slash - src) + 1);
	if (!c->base_dir)
		return TC_ERR_NOMEM;
	c->popts.base_dir = c->base_dir;
	return TC_OK;
}

static tc_status check_init(struct check *c, const tc_graph *g,
			    const tc_kg_opts *opts, tc_diags *diags,
			    tc_error *err)
{
	memset(c, 0, sizeof *c);
	c->g = g;
	c->opts = opts;
	c->diags = diags;
	c->err = err;
	c->file = tc_graph_source(g);
	c->kg = calloc(1, sizeof *c->kg);
	if (!c->kg)
		return TC_ERR_NOMEM;
	c->kg->g = g;
	c->kg->n_nodes = tc_graph_node_count(g);
	c->kg->n_edges = tc_graph_edge_count(g);
	c->kg->nodes = calloc(c->kg->n_nodes + 1, sizeof *c->kg->nodes);
	c->kg->edges = calloc(c->kg->n_edges + 1, sizeof *c->kg->edges);
	if (!c->kg->nodes || !c->kg->edges)
		return TC_ERR_NOMEM;
	return set_base_dir(c);
}

tc_status tc_kg_build(const tc_graph *g, const tc_kg_opts *opts,
		      tc_kg **out, tc_diags *diags, tc_error *err)
{
	struct check c;
	tc_status st;

	if (!g || !out)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no graph or no output");
	*out = NULL;
	st = check_init(&c, g, opts, diags, err);
	if (st != TC_OK)
		goto out;

	check_kinds(&c);
	check_edges(&c);
	mark_roots(&c);
	check_graph_attrs(&c);
	check_node_attrs(&c);
	check_edge_attrs(&c);
	st = c.fatal ? c.fatal : tci_kg_link(c.kg);
	if (st == TC_OK)
		st = tci_kg_order(c.kg, diags, &c.errors);
	if (st == TC_OK)
		st = tci_kg_cycles(c.kg, diags, &c.errors);
	if (st == TC_ERR_INVALID)
		tci_error(err, st, c.file, 0, NULL, "cycle without a lag");
	if (st == TC_OK && c.errors)
		st = TC_ERR_INVALID;
out:
	if (st == TC_ERR_NOMEM)
		tci_error(err, st, c.file, 0, NULL, "out of memory");
	if (st == TC_OK) {
		*out = c.kg;
		c.kg = NULL;
	}
	if (c.kg) {
		tci_kg_release(c.kg);
		free(c.kg);
	}
	free(c.base_dir);
	return st;
}
