/*
 * render.c - draws a knowledge graph with Graphviz (cgraph + gvc, dot).
 *
 * The tc_graph is copied into a cgraph graph whose nodes are named n0,
 * n1, ... so that no user text reaches Graphviz as a name; ids and labels
 * only appear in plain labels, escaped by tci_label_add. Graphviz's
 * messages are collected by a handler installed for the duration of a
 * call and turned into the tc_error or warnings.
 */
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_int.h"

/* The formats tokcast draws; each needs a Graphviz device plugin. */
static const char *const render_formats[] = {"svg", "png", "pdf"};
#define N_FORMATS (sizeof render_formats / sizeof render_formats[0])

/* Sequential fill scale for the share of cost, light to dark. */
#define N_SHADES 5
static const char *const shade_fill[N_SHADES] = {
    "#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603"};
static const char *const shade_font[N_SHADES] = {
    "#000000", "#000000", "#000000", "#ffffff", "#ffffff"};

/* Styles of the node kinds. */
#define KPI_FILL "#deebf7"
#define KPI_LINE "#2171b5"
#define CLASS_FILL "#fdd9b5"
#define CLASS_LINE "#a63603"
#define OTHER_FILL "#f0f0f0"
#define OTHER_LINE "#737373"
#define NO_FORECAST_FILL "#f0f0f0"

/* Above this many nodes dot's effort is bounded (see set_defaults). */
#define BIG_GRAPH 100

/* Layering passes of the automatic direction (deeper graphs are rare). */
#define MAX_LEVELS 64

/* What one drawing needs; everything starts zeroed. */
struct render {
	const tc_graph *g;
	const tc_render_options *o;
	const char *file; /* the graph's source, for messages */
	size_t *ann;	  /* per node: forecast index, or SIZE_MAX */
	double top;	  /* share at the dark end of the scale */
	GVC_t *gvc;
	Agraph_t *ag;
	Agnode_t **nodes;
	tci_buf text; /* the label being built */
	int nomem;    /* an append to text failed */
	tc_diags *warnings;
	tc_error *err;
};

/* Graphviz's messages during one call (Graphviz is single-threaded). */
static tci_buf gv_messages;

/* The agusererrf handler: Graphviz sends a message in pieces. */
static int gv_collect(char *piece)
{
	tci_buf_adds(&gv_messages, piece);
	return 0;
}

/* The handler and level in place before a call, restored after it. */
struct gv_fence {
	agusererrf handler;
	agerrlevel_t level;
};

static void fence_enter(struct gv_fence *f)
{
	tci_buf_reset(&gv_messages);
	f->handler = agseterrf(gv_collect);
	f->level = agseterr(AGWARN);
	agreseterrors();
}

static void fence_leave(struct gv_fence *f)
{
	agseterrf(f->handler);
	agseterr(f->level);
	tci_buf_free(&gv_messages);
}

/*
 * Sorts the collected messages: lines starting "Error: " give the first
 * error (copied into first, size bytes), the others become warnings.
 */
static void gv_messages_sort(struct render *r, char *first, size_t size)
{
	char *line = gv_messages.data;
	char *end;

	first[0] = '\0';
	while (line && *line) {
		end = strchr(line, '\n');
		if (end)
			*end = '\0';
		if (strncmp(line, "Error: ", 7) == 0) {
			if (!first[0])
				tci_strlcpy(first, line + 7, size);
		} else if (*line) {
			if (strncmp(line, "Warning: ", 9) == 0)
				line += 9;
			tci_diag(r->warnings, TC_SEV_WARNING, TC_OK, r->file, 0,
				 0, "graphviz", "%s", line);
		}
		line = end ? end + 1 : NULL;
	}
}

/* Fails the call with Graphviz's own explanation when it gave one. */
static tc_status gv_failed(struct render *r, const char *what)
{
	char first[512];

	gv_messages_sort(r, first, sizeof first);
	return tci_error(r->err, TC_ERR_INTERNAL, r->file, 0, NULL,
			 "Graphviz could not %s%s%s", what,
			 first[0] ? ": " : "", first);
}

/* Compares ASCII strings ignoring case. */
static int same_word(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		int ca = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a;
		int cb = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;
		if (ca != cb)
			return 0;
	}
	return *a == *b;
}

static int format_index(const char *name);

/* Returns tokcast's name of a format (case-folded), or NULL. */
static const char *known_format(const char *name)
{
	int i = format_index(name);

	return i < 0 ? NULL : render_formats[i];
}

/*
 * The Graphviz context of the process, made on first use and kept: the
 * pango plugin of Graphviz 2.43 caches pointers to font names owned by
 * the context, so freeing a context and making another reads freed
 * memory. Returns NULL when Graphviz cannot start. Call inside a fence.
 */
static GVC_t *gv_context(void)
{
	static GVC_t *gvc;

	if (!gvc)
		gvc = gvContext();
	return gvc;
}

/* 1 when the context has a device plugin for format. */
static int gvc_has_device(GVC_t *gvc, const char *format)
{
	char **list;
	int n = 0;
	int i;
	int found = 0;

	list = gvPluginList(gvc, "device", &n, NULL);
	for (i = 0; i < n; i++) {
		if (list[i] && strcmp(list[i], format) == 0)
			found = 1;
		free(list[i]);
	}
	free(list);
	return found;
}

/*
 * 1 when format i of render_formats can be drawn. Plugins do not change
 * while a process runs, so each is looked up once (gvPluginList of 2.43
 * also leaks a little on every call). Call inside a fence.
 */
static int format_ready(size_t i)
{
	static int state[N_FORMATS]; /* 0 unknown, 1 yes, 2 no */
	GVC_t *gvc;

	if (!state[i]) {
		gvc = gv_context();
		state[i] =
		    gvc && gvc_has_device(gvc, render_formats[i]) ? 1 : 2;
	}
	return state[i] == 1;
}

/* Writes the available formats into buf, space-separated. */
static char *ready_formats(char *buf, size_t size)
{
	size_t i;
	size_t len = 0;

	if (size > 0)
		buf[0] = '\0';
	for (i = 0; i < N_FORMATS; i++) {
		if (!format_ready(i) || len >= size)
			continue;
		snprintf(buf + len, size - len, "%s%s", len ? " " : "",
			 render_formats[i]);
		len = strlen(buf);
	}
	return buf;
}

/* The index of a format in render_formats (case-folded), or -1. */
static int format_index(const char *name)
{
	size_t i;

	for (i = 0; i < N_FORMATS; i++)
		if (same_word(name, render_formats[i]))
			return (int)i;
	return -1;
}

int tc_render_format_available(const char *format)
{
	struct gv_fence fence;
	int i = format ? format_index(format) : -1;
	int ok;

	if (i < 0)
		return 0;
	fence_enter(&fence);
	ok = format_ready((size_t)i);
	fence_leave(&fence);
	return ok;
}

char *tc_render_formats(char *buf, size_t size)
{
	struct gv_fence fence;

	fence_enter(&fence);
	ready_formats(buf, size);
	fence_leave(&fence);
	return buf;
}

void tc_render_options_init(tc_render_options *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->rankdir = TC_RANKDIR_AUTO;
	opts->low_pct = 5;
	opts->high_pct = 95;
	opts->currency = "$";
	opts->max_nodes = TC_RENDER_MAX_NODES;
	opts->max_edges = TC_RENDER_MAX_EDGES;
}

/*
 * The format to draw: explicit, or path's extension. *out receives
 * tokcast's name for it. Checks nothing about plugins.
 */
static tc_status pick_format(const char *path, const char *format,
			     const char **out, tc_error *err)
{
	const char *base;
	const char *dot;

	if (!format) {
		if (!path || strcmp(path, "-") == 0)
			return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
					 "no output format given (svg, png "
					 "or pdf)");
		base = strrchr(path, '/');
		base = base ? base + 1 : path;
		dot = strrchr(base, '.');
		format = dot ? dot + 1 : "";
	}
	*out = known_format(format);
	if (!*out)
		return tci_error(err, TC_ERR_UNSUPPORTED, path, 0, NULL,
				 "unknown output format '%s': tokcast draws "
				 "svg, png or pdf (chosen by the extension)",
				 format);
	return TC_OK;
}

/* Text of a node's or edge's attribute, or NULL when absent or empty. */
static const char *attr_text(const tc_value *v)
{
	return v && v->text && v->text[0] ? v->text : NULL;
}

static const char *node_text(const tc_graph *g, size_t node, const char *name)
{
	return attr_text(tc_graph_node_attr(g, node, name));
}

static const char *edge_text(const tc_graph *g, size_t edge, const char *name)
{
	return attr_text(tc_graph_edge_attr(g, edge, name));
}

/* 1 when the node's kind attribute is exactly kind. */
static int node_is(const tc_graph *g, size_t node, const char *kind)
{
	const char *k = node_text(g, node, "kind");

	return k && strcmp(k, kind) == 0;
}

/* Checks the numbers of one class forecast. */
static tc_status check_forecast(const tc_class_forecast *f, tc_error *err)
{
	char element[TC_ERROR_ELEMENT_MAX];

	snprintf(element, sizeof element, "forecast of '%s'", f->node_id);
	if (!isfinite(f->p50) || !isfinite(f->low) || !isfinite(f->high) ||
	    !isfinite(f->share))
		return tci_error(err, TC_ERR_ARG, NULL, 0, element,
				 "amounts and share must be finite numbers");
	if (!(f->low <= f->p50 && f->p50 <= f->high))
		return tci_error(err, TC_ERR_ARG, NULL, 0, element,
				 "expected low <= p50 <= high");
	if (f->share < 0 || f->share > 1)
		return tci_error(err, TC_ERR_ARG, NULL, 0, element,
				 "share must lie in [0, 1]");
	return TC_OK;
}

/* Places one forecast on its node: r->ann[node] = i. */
static tc_status place_forecast(struct render *r, size_t i)
{
	const tc_class_forecast *f = &r->o->forecast[i];
	size_t node;
	tc_status st;

	if (!f->node_id)
		return tci_error(r->err, TC_ERR_ARG, NULL, 0, NULL,
				 "forecast %zu has no node id", i);
	st = check_forecast(f, r->err);
	if (st != TC_OK)
		return st;
	if (!tc_graph_find_node(r->g, f->node_id, &node))
		return tci_error(r->err, TC_ERR_NOT_FOUND, r->file, 0, NULL,
				 "forecast for '%s': the graph has no such "
				 "node",
				 f->node_id);
	if (!node_is(r->g, node, "feature_class"))
		return tci_error(r->err, TC_ERR_INVALID, r->file,
				 tc_graph_node_line(r->g, node), NULL,
				 "forecast for '%s': only feature_class "
				 "nodes carry forecasts",
				 f->node_id);
	if (r->ann[node] != SIZE_MAX)
		return tci_error(r->err, TC_ERR_ARG, NULL, 0, NULL,
				 "forecast for '%s' given twice", f->node_id);
	r->ann[node] = i;
	if (f->share > r->top)
		r->top = f->share;
	return TC_OK;
}

/*
 * Checks the options and maps the forecasts to nodes. The top of the
 * shade scale is the largest share rounded up to a tenth, so the legend's
 * bounds are round percentages.
 */
static tc_status prepare(struct render *r)
{
	const tc_render_options *o = r->o;
	size_t n = tc_graph_node_count(r->g);
	size_t m = tc_graph_edge_count(r->g);
	size_t max_n = o->max_nodes ? o->max_nodes : TC_RENDER_MAX_NODES;
	size_t max_m = o->max_edges ? o->max_edges : TC_RENDER_MAX_EDGES;
	size_t i;
	tc_status st;

	if (n > max_n || m > max_m)
		return tci_error(r->err, TC_ERR_LIMIT, r->file, 0, NULL,
				 "%zu nodes and %zu edges: drawing is limited "
				 "to %zu nodes and %zu edges",
				 n, m, max_n, max_m);
	if (!(o->low_pct >= 0 && o->low_pct < 50 && o->high_pct > 50 &&
	      o->high_pct <= 100))
		return tci_error(r->err, TC_ERR_ARG, NULL, 0, NULL,
				 "interval percentiles must satisfy 0 <= low "
				 "< 50 < high <= 100");
	r->ann = malloc((n ? n : 1) * sizeof *r->ann);
	if (!r->ann)
		return tci_error(r->err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	for (i = 0; i < n; i++)
		r->ann[i] = SIZE_MAX;
	for (i = 0; o->forecast && i < o->forecast_count; i++) {
		st = place_forecast(r, i);
		if (st != TC_OK)
			return st;
	}
	r->top = fmax(0.1, ceil(r->top * 10 - 1e-9) / 10);
	return TC_OK;
}

/*
 * The shade of a share on the scale [0, top]. A share on a bin's lower
 * bound belongs to that bin despite rounding (0.12 / 0.6 * 5 is just
 * below 1 in binary).
 */
static int shade_of(double share, double top)
{
	int i = (int)floor(share / top * N_SHADES + 1e-9);

	return i < 0 ? 0 : i >= N_SHADES ? N_SHADES - 1 : i;
}

/*
 * The direction that reads best: ranks of the longest-path layering
 * (bounded, so cycles end) laid out as columns (LR) when the widest rank
 * holds more nodes than there are ranks, since nodes are wider than tall
 * and stack compactly; otherwise as rows (TB).
 */
static tc_rankdir auto_rankdir(const tc_graph *g, size_t *level)
{
	size_t n = tc_graph_node_count(g);
	size_t width[MAX_LEVELS + 1] = {0};
	size_t depth = 0, widest = 0;
	size_t i, pass;
	tc_edge_info e;
	int changed = 1;

	for (pass = 0; changed && pass < MAX_LEVELS; pass++) {
		changed = 0;
		for (i = 0; i < tc_graph_edge_count(g); i++) {
			tc_graph_edge(g, i, &e);
			if (!e.directed || e.source == e.target ||
			    level[e.target] > level[e.source] ||
			    level[e.source] >= MAX_LEVELS)
				continue;
			level[e.target] = level[e.source] + 1;
			changed = 1;
		}
	}
	for (i = 0; i < n; i++) {
		width[level[i]]++;
		if (level[i] + 1 > depth)
			depth = level[i] + 1;
		if (width[level[i]] > widest)
			widest = width[level[i]];
	}
	return widest > depth ? TC_RANKDIR_LR : TC_RANKDIR_TB;
}

static tc_rankdir choose_rankdir(struct render *r)
{
	size_t n = tc_graph_node_count(r->g);
	size_t *level;
	tc_rankdir dir;

	if (r->o->rankdir != TC_RANKDIR_AUTO)
		return r->o->rankdir;
	level = calloc(n ? n : 1, sizeof *level);
	if (!level)
		return TC_RANKDIR_LR;
	dir = auto_rankdir(r->g, level);
	free(level);
	return dir;
}

/* Sets an attribute of a Graphviz object, declaring it when new. */
static void gv_set(void *obj, const char *name, const char *value)
{
	agsafeset(obj, (char *)name, (char *)value, "");
}

/* Declares the defaults of the graph, its nodes and its edges. */
static void set_defaults(struct render *r)
{
	Agraph_t *ag = r->ag;

	gv_set(ag, "rankdir", choose_rankdir(r) == TC_RANKDIR_LR ? "LR" : "TB");
	gv_set(ag, "nodesep", "0.3");
	gv_set(ag, "ranksep", "0.9");
	gv_set(ag, "pad", "0.2");
	gv_set(ag, "bgcolor", "white");
	gv_set(ag, "fontname", "Helvetica");
	gv_set(ag, "fontsize", "16");
	gv_set(ag, "labelloc", "t");
	agattr(ag, AGNODE, "fontname", "Helvetica");
	agattr(ag, AGNODE, "fontsize", "11");
	agattr(ag, AGNODE, "margin", "0.15,0.06");
	agattr(ag, AGNODE, "penwidth", "1.2");
	agattr(ag, AGEDGE, "fontname", "Helvetica");
	agattr(ag, AGEDGE, "fontsize", "9");
	agattr(ag, AGEDGE, "color", "#525252");
	agattr(ag, AGEDGE, "fontcolor", "#252525");
	agattr(ag, AGEDGE, "arrowsize", "0.7");
	agattr(ag, AGEDGE, "decorate", "true");

	/*
	 * dot's crossing reduction and ranking grow fast with size; past
	 * what a reader can take in anyway, bound their effort.
	 */
	if (tc_graph_node_count(r->g) > BIG_GRAPH) {
		gv_set(ag, "mclimit", "0.3");
		gv_set(ag, "nslimit", "2");
		gv_set(ag, "nslimit1", "2");
		gv_set(ag, "searchsize", "10");
	}
}

/* 1 when the drawing carries a forecast annotation. */
static int has_forecast(const struct render *r)
{
	return r->o->forecast && r->o->forecast_count > 0;
}

/* Appends literal label text (escape sequences included) to r->text. */
static void text_raw(struct render *r, const char *s)
{
	if (tci_buf_adds(&r->text, s) != TC_OK)
		r->nomem = 1;
}

/* Appends user text to r->text, made safe by tci_label_add. */
static void text_user(struct render *r, const char *s)
{
	if (tci_label_add(&r->text, s, TCI_LABEL_MAX_CHARS) != TC_OK)
		r->nomem = 1;
}

/* Appends the forecast lines of class i to r->text. */
static void add_forecast_text(struct render *r, size_t i)
{
	const tc_render_options *o = r->o;
	const tc_class_forecast *f = &o->forecast[i];
	char p50[48], low[48], high[48], lp[16], hp[16], share[16];
	char line[256];

	tc_format_cost(f->p50, o->currency, p50, sizeof p50);
	tc_format_cost(f->low, o->currency, low, sizeof low);
	tc_format_cost(f->high, o->currency, high, sizeof high);
	tci_format_pct(o->low_pct, lp, sizeof lp);
	tci_format_pct(o->high_pct, hp, sizeof hp);
	tci_format_fixed(f->share * 100, f->share < 0.1 ? 1 : 0, share,
			 sizeof share);

	/* The line goes through the label filter: currency is user text. */
	snprintf(line, sizeof line, "P50 %s (%s-%s%%: %s-%s)", p50, lp, hp, low,
		 high);
	text_raw(r, "\\n");
	if (tci_label_add(&r->text, line, sizeof line) != TC_OK)
		r->nomem = 1;
	snprintf(line, sizeof line, "\\n%s%% of total cost", share);
	text_raw(r, line);
}

/* Builds node i's label in r->text: name, model, forecast. */
static void build_node_label(struct render *r, size_t i, int is_class)
{
	const char *name = node_text(r->g, i, "label");
	const char *model = node_text(r->g, i, "model");

	tci_buf_reset(&r->text);
	text_user(r, name ? name : tc_graph_node_id(r->g, i));
	if (is_class && model) {
		text_raw(r, "\\n");
		text_user(r, model);
	}
	if (is_class && r->ann[i] != SIZE_MAX)
		add_forecast_text(r, r->ann[i]);
	else if (is_class && has_forecast(r))
		text_raw(r, "\\nno forecast");
	text_raw(r, "");
}

/* Gives node i the shape and colours of its kind and forecast share. */
static void style_node(struct render *r, Agnode_t *n, size_t i)
{
	int shade;

	if (node_is(r->g, i, "kpi")) {
		gv_set(n, "shape", "ellipse");
		gv_set(n, "style", "filled");
		gv_set(n, "fillcolor", KPI_FILL);
		gv_set(n, "color", KPI_LINE);
	} else if (node_is(r->g, i, "feature_class")) {
		gv_set(n, "shape", "box");
		gv_set(n, "style", "rounded,filled");
		gv_set(n, "color", CLASS_LINE);
		if (r->ann[i] != SIZE_MAX) {
			shade =
			    shade_of(r->o->forecast[r->ann[i]].share, r->top);
			gv_set(n, "fillcolor", shade_fill[shade]);
			gv_set(n, "fontcolor", shade_font[shade]);
		} else {
			gv_set(n, "fillcolor",
			       has_forecast(r) ? NO_FORECAST_FILL : CLASS_FILL);
		}
	} else {
		/* A node without a known kind: drawn, but visibly apart. */
		gv_set(n, "shape", "octagon");
		gv_set(n, "style", "filled,dashed");
		gv_set(n, "fillcolor", OTHER_FILL);
		gv_set(n, "color", OTHER_LINE);
	}
}

/* Copies the nodes into r->ag as n0, n1, ... */
static tc_status add_nodes(struct render *r)
{
	size_t n = tc_graph_node_count(r->g);
	char name[32];
	size_t i;

	r->nodes = calloc(n ? n : 1, sizeof *r->nodes);
	if (!r->nodes)
		return tci_error(r->err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "n%zu", i);
		r->nodes[i] = agnode(r->ag, name, 1);
		build_node_label(r, i, node_is(r->g, i, "feature_class"));
		if (!r->nodes[i] || r->nomem)
			return tci_error(r->err, TC_ERR_NOMEM, NULL, 0, NULL,
					 "out of memory");
		gv_set(r->nodes[i], "label", r->text.data);
		style_node(r, r->nodes[i], i);
	}
	return TC_OK;
}

/*
 * 1 when a lag should be shown: any text but a number equal to zero (a
 * spec such as "pert(1, 2, 5)" is shown as written).
 */
static int lag_shown(const char *lag)
{
	double v;

	if (!lag)
		return 0;
	if (tci_parse_double(lag, strlen(lag), 0, &v) == TC_OK)
		return v != 0;
	return 1;
}

/* Builds edge i's label in r->text: its rate, and its lag when set. */
static void build_edge_label(struct render *r, size_t i)
{
	const char *rate = edge_text(r->g, i, "rate");
	const char *lag = edge_text(r->g, i, "lag_days");

	tci_buf_reset(&r->text);
	if (rate)
		text_user(r, rate);
	if (lag_shown(lag)) {
		text_raw(r, rate ? "\\nlag " : "lag ");
		text_user(r, lag);
		text_raw(r, " d");
	}
	text_raw(r, "");
}

/* Scratch of the depth-first search for edges that close cycles. */
struct dfs {
	size_t *start; /* node i's out-edges: out[start[i]..] */
	size_t *out;   /* edge indices grouped by source */
	size_t *pos;   /* next out-edge to follow, per node */
	size_t *stack;
	unsigned char *state; /* 0 unseen, 1 on the stack, 2 done */
};

/* Groups the edges by source node into d->start and d->out. */
static void dfs_index(const tc_graph *g, struct dfs *d)
{
	size_t n = tc_graph_node_count(g);
	size_t m = tc_graph_edge_count(g);
	tc_edge_info e;
	size_t i;

	for (i = 0; i < m; i++) {
		tc_graph_edge(g, i, &e);
		d->start[e.source + 1]++;
	}
	for (i = 0; i < n; i++)
		d->start[i + 1] += d->start[i];
	memcpy(d->pos, d->start, n * sizeof *d->pos);
	for (i = 0; i < m; i++) {
		tc_graph_edge(g, i, &e);
		d->out[d->pos[e.source]++] = i;
	}
	memcpy(d->pos, d->start, n * sizeof *d->pos);
}

/* Searches from root, marking in back[] each edge to a node on the stack. */
static void dfs_from(const tc_graph *g, struct dfs *d, size_t root,
		     unsigned char *back)
{
	size_t top = 0;
	size_t v, edge;
	tc_edge_info e;

	d->stack[top++] = root;
	d->state[root] = 1;
	while (top > 0) {
		v = d->stack[top - 1];
		if (d->pos[v] == d->start[v + 1]) {
			d->state[v] = 2;
			top--;
			continue;
		}
		edge = d->out[d->pos[v]++];
		tc_graph_edge(g, edge, &e);
		if (e.target == e.source || d->state[e.target] == 2)
			continue;
		if (d->state[e.target] == 1) {
			back[edge] = 1;
			continue;
		}
		d->state[e.target] = 1;
		d->stack[top++] = e.target;
	}
}

/*
 * Marks in back[] (one byte per edge, zeroed) the edges that close a
 * cycle, self loops excepted. dot reverses such edges itself, but
 * Graphviz 2.43 leaks what it makes doing so; we add them reversed with
 * dir=back instead, which draws the same arrow. Returns TC_OK or
 * TC_ERR_NOMEM.
 */
static tc_status find_back_edges(const tc_graph *g, unsigned char *back)
{
	size_t n = tc_graph_node_count(g);
	size_t m = tc_graph_edge_count(g);
	struct dfs d;
	tc_status st = TC_ERR_NOMEM;
	size_t i;

	d.start = calloc(n + 1, sizeof *d.start);
	d.out = malloc((m ? m : 1) * sizeof *d.out);
	d.pos = malloc((n ? n : 1) * sizeof *d.pos);
	d.stack = malloc((n ? n : 1) * sizeof *d.stack);
	d.state = calloc(n ? n : 1, 1);
	if (d.start && d.out && d.pos && d.stack && d.state) {
		dfs_index(g, &d);
		for (i = 0; i < n; i++)
			if (!d.state[i])
				dfs_from(g, &d, i, back);
		st = TC_OK;
	}
	free(d.start);
	free(d.out);
	free(d.pos);
	free(d.stack);
	free(d.state);
	return st;
}

/* Adds edge i to r->ag, reversed when it closes a cycle. */
static Agedge_t *add_edge(struct render *r, size_t i, int reversed)
{
	tc_edge_info e;
	Agnode_t *tail, *head;
	Agedge_t *ae;
	char name[32];

	tc_graph_edge(r->g, i, &e);
	tail = r->nodes[reversed ? e.target : e.source];
	head = r->nodes[reversed ? e.source : e.target];
	snprintf(name, sizeof name, "e%zu", i);
	ae = agedge(r->ag, tail, head, name, 1);
	if (ae && !e.directed)
		gv_set(ae, "dir", "none");
	else if (ae && reversed)
		gv_set(ae, "dir", "back");
	return ae;
}

/* Copies the edges into r->ag as e0, e1, ... */
static tc_status add_edges(struct render *r)
{
	size_t m = tc_graph_edge_count(r->g);
	unsigned char *back;
	const char *kind;
	Agedge_t *ae;
	size_t i;

	back = calloc(m ? m : 1, 1);
	if (!back || find_back_edges(r->g, back) != TC_OK) {
		free(back);
		return tci_error(r->err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	}
	for (i = 0; i < m; i++) {
		ae = add_edge(r, i, back[i]);
		build_edge_label(r, i);
		if (!ae || r->nomem)
			break;
		if (r->text.len)
			gv_set(ae, "label", r->text.data);
		kind = edge_text(r->g, i, "kind");
		if (kind && strcmp(kind, "calls") == 0)
			gv_set(ae, "style", "dashed");
	}
	free(back);
	if (i < m)
		return tci_error(r->err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	return TC_OK;
}

/* Gives a legend swatch its colours and text. */
static void style_swatch(Agnode_t *n, int i, double top)
{
	char lo[16], hi[16], text[48];

	tci_format_pct(top * 100 * i / N_SHADES, lo, sizeof lo);
	tci_format_pct(top * 100 * (i + 1) / N_SHADES, hi, sizeof hi);
	snprintf(text, sizeof text, "%s-%s%%", lo, hi);
	gv_set(n, "label", text);
	gv_set(n, "shape", "box");
	gv_set(n, "style", "filled");
	gv_set(n, "fillcolor", shade_fill[i]);
	gv_set(n, "fontcolor", shade_font[i]);
	gv_set(n, "color", "#bdbdbd");
	gv_set(n, "fontsize", "9");
	gv_set(n, "width", "0.6");
	gv_set(n, "height", "0.25");
	gv_set(n, "margin", "0.05,0.02");
}

/*
 * Adds the legend of the shade scale: a heading "share of total cost"
 * and one swatch per bin of [0, top], on one rank and kept in order by
 * invisible edges. Plain labels only, and no cluster: dot 2.43 leaks the
 * skeleton of clusters.
 */
static tc_status add_legend(struct render *r)
{
	Agnode_t *prev;
	Agnode_t *n;
	Agedge_t *e;
	Agraph_t *sub;
	char name[16];
	int i;

	sub = agsubg(r->ag, "legend", 1);
	prev = sub ? agnode(sub, "legend_title", 1) : NULL;
	if (!prev)
		return gv_failed(r, "add the legend");
	gv_set(sub, "rank", "same");
	gv_set(prev, "label", "share of total cost");
	gv_set(prev, "shape", "plaintext");
	gv_set(prev, "fontsize", "10");
	for (i = 0; i < N_SHADES; i++) {
		snprintf(name, sizeof name, "legend%d", i);
		n = agnode(sub, name, 1);
		if (!n)
			return gv_failed(r, "add the legend");
		style_swatch(n, i, r->top);
		e = agedge(sub, prev, n, NULL, 1);
		if (e)
			gv_set(e, "style", "invis");
		prev = n;
	}
	return TC_OK;
}

/* Builds r->ag from the graph and the options. */
static tc_status build(struct render *r)
{
	tc_status st;

	r->ag = agopen("tokcast", Agdirected, NULL);
	if (!r->ag)
		return gv_failed(r, "create a graph");
	set_defaults(r);
	if (r->o->title && r->o->title[0]) {
		tci_buf_reset(&r->text);
		text_user(r, r->o->title);
		text_raw(r, "");
		if (r->nomem)
			return tci_error(r->err, TC_ERR_NOMEM, NULL, 0, NULL,
					 "out of memory");
		gv_set(r->ag, "label", r->text.data);
	}
	st = add_nodes(r);
	if (st == TC_OK)
		st = add_edges(r);
	if (st == TC_OK && has_forecast(r))
		st = add_legend(r);
	return st;
}

/*
 * Prepares, builds and lays out the drawing of r->g in format; on
 * success r->gvc and r->ag are ready for gvRender.
 */
static tc_status lay_out(struct render *r, const char *format)
{
	char avail[64];
	tc_status st;

	st = prepare(r);
	if (st != TC_OK)
		return st;
	r->gvc = gv_context();
	if (!r->gvc)
		return gv_failed(r, "start");
	if (!format_ready((size_t)format_index(format)))
		return tci_error(
		    r->err, TC_ERR_UNSUPPORTED, NULL, 0, NULL,
		    "this Graphviz has no %s plugin; available "
		    "formats: %s",
		    format,
		    ready_formats(avail, sizeof avail)[0] ? avail : "none");
	st = build(r);
	if (st != TC_OK)
		return st;
	if (gvLayout(r->gvc, r->ag, "dot") != 0)
		return gv_failed(r, "lay out the graph");
	return TC_OK;
}

/* Releases what lay_out made, and sorts Graphviz's warnings. */
static void finish(struct render *r, tc_status st)
{
	char first[512];

	if (st == TC_OK)
		gv_messages_sort(r, first, sizeof first);
	if (r->ag) {
		if (r->gvc)
			gvFreeLayout(r->gvc, r->ag);
		agclose(r->ag);
	}
	free(r->nodes);
	free(r->ann);
	tci_buf_free(&r->text);
}

/* Starts r for a call; returns TC_ERR_ARG for a NULL graph. */
static tc_status begin(struct render *r, const tc_graph *g,
		       const tc_render_options *opts,
		       tc_render_options *defaults, tc_diags *warnings,
		       tc_error *err)
{
	memset(r, 0, sizeof *r);
	tci_buf_init(&r->text);
	r->err = err;
	r->warnings = warnings;
	if (!opts) {
		tc_render_options_init(defaults);
		opts = defaults;
	}
	r->o = opts;
	r->g = g;
	if (!g)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no graph to draw");
	r->file = tc_graph_source(g);
	return TC_OK;
}

/* Lays out and renders into a tc_outfile that is then committed. */
static tc_status render_to(struct render *r, const char *path,
			   const char *format)
{
	tc_outfile *of = NULL;
	tc_status st;

	st = lay_out(r, format);
	if (st != TC_OK)
		return st;
	st = tc_outfile_open(path, &of, r->err);
	if (st != TC_OK)
		return st;
	if (gvRender(r->gvc, r->ag, format, tc_outfile_stream(of)) != 0) {
		tc_outfile_abort(of);
		return gv_failed(r, "render");
	}
	return tc_outfile_commit(of, r->err);
}

tc_status tc_render_file(const tc_graph *g, const char *path,
			 const tc_render_options *opts, tc_diags *warnings,
			 tc_error *err)
{
	tc_render_options defaults;
	struct gv_fence fence;
	struct render r;
	const char *format;
	tc_status st;

	st = begin(&r, g, opts, &defaults, warnings, err);
	if (st != TC_OK)
		return st;
	if (!path || !*path)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no output path given");
	st = pick_format(path, r.o->format, &format, err);
	if (st != TC_OK)
		return st;

	fence_enter(&fence);
	st = render_to(&r, path, format);
	finish(&r, st);
	fence_leave(&fence);
	return st;
}

/* Lays out and renders into a malloc'd copy of Graphviz's buffer. */
static tc_status render_data(struct render *r, const char *format, char **data,
			     size_t *size)
{
	unsigned int len = 0;
	char *gvdata = NULL;
	tc_status st;

	st = lay_out(r, format);
	if (st != TC_OK)
		return st;
	if (gvRenderData(r->gvc, r->ag, format, &gvdata, &len) != 0) {
		if (gvdata)
			gvFreeRenderData(gvdata);
		return gv_failed(r, "render");
	}
	*data = malloc((size_t)len + 1);
	if (*data) {
		memcpy(*data, gvdata, len);
		(*data)[len] = '\0';
		*size = len;
	}
	gvFreeRenderData(gvdata);
	if (!*data)
		return tci_error(r->err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	return TC_OK;
}

tc_status tc_render_memory(const tc_graph *g, const tc_render_options *opts,
			   char **data, size_t *size, tc_diags *warnings,
			   tc_error *err)
{
	tc_render_options defaults;
	struct gv_fence fence;
	struct render r;
	const char *format;
	tc_status st;

	st = begin(&r, g, opts, &defaults, warnings, err);
	if (st != TC_OK)
		return st;
	if (!data || !size)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no place for the drawing");
	*data = NULL;
	*size = 0;
	st = pick_format(NULL, r.o->format, &format, err);
	if (st != TC_OK)
		return st;

	fence_enter(&fence);
	st = render_data(&r, format, data, size);
	finish(&r, st);
	fence_leave(&fence);
	return st;
}
