/*
 * test_render.c - drawing knowledge graphs: labels, styles, forecast
 * annotation, hostile text, formats, atomic output, cost formatting.
 *
 * SVG output is parsed with libxml2 and checked for what a reader sees:
 * the text of each node and edge group and the fill of its shape.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <graphviz/cgraph.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "tc_test.h"
#include "tci.h"

/* The fills documented in docs/cli-render.md. */
#define KPI_FILL "#deebf7"
#define CLASS_FILL "#fdd9b5"
static const char *const shade[5] = {"#feedde", "#fdbe85", "#fd8d3c", "#e6550d",
				     "#a63603"};

/* Adds a node with kind, label and model (each may be NULL). */
static size_t node(tc_graph *g, const char *id, const char *kind,
		   const char *label, const char *model)
{
	size_t n;

	assert_int_equal(tc_graph_add_node(g, id, &n), TC_OK);
	if (kind)
		assert_int_equal(
		    tc_graph_set_node_attr(g, n, "kind", TC_ATTR_STRING, kind),
		    TC_OK);
	if (label)
		assert_int_equal(tc_graph_set_node_attr(g, n, "label",
							TC_ATTR_STRING, label),
				 TC_OK);
	if (model)
		assert_int_equal(tc_graph_set_node_attr(g, n, "model",
							TC_ATTR_STRING, model),
				 TC_OK);
	return n;
}

/* Adds a directed edge with rate, kind and lag (each may be NULL). */
static void edge(tc_graph *g, size_t s, size_t t, const char *rate,
		 const char *kind, const char *lag)
{
	char id[32];
	size_t e;

	snprintf(id, sizeof id, "e%zu", tc_graph_edge_count(g));
	assert_int_equal(tc_graph_add_edge(g, s, t, 1, id, &e), TC_OK);
	if (rate)
		assert_int_equal(
		    tc_graph_set_edge_attr(g, e, "rate", TC_ATTR_STRING, rate),
		    TC_OK);
	if (kind)
		assert_int_equal(
		    tc_graph_set_edge_attr(g, e, "kind", TC_ATTR_STRING, kind),
		    TC_OK);
	if (lag)
		assert_int_equal(
		    tc_graph_set_edge_attr(g, e, "lag_days", TC_ATTR_INT, lag),
		    TC_OK);
}

/*
 * The small assistant graph of these tests: two KPIs, three classes,
 * drives edges with and without lag, one calls edge.
 */
static tc_graph *small_graph(void)
{
	tc_graph *g = NULL;
	size_t users, sessions, chat, rag, tool;

	assert_int_equal(tc_graph_new(1, &g), TC_OK);
	users = node(g, "users", "kpi", "Active users", NULL);
	sessions = node(g, "sessions", "kpi", NULL, NULL);
	chat = node(g, "chat", "feature_class", "Chat", "claude-sonnet-4");
	rag = node(g, "rag", "feature_class", "RAG answers", "gpt-4o");
	tool = node(g, "agent_tool", "feature_class", NULL, "gpt-4o-mini");
	edge(g, users, sessions, "3.5", NULL, NULL);
	edge(g, sessions, chat, "0.8", "drives", "0");
	edge(g, sessions, rag, "normal(0.3, 0.05)", "drives", "7");
	edge(g, chat, tool, "2.25", "calls", NULL);
	return g;
}

/* Draws g as SVG into memory and parses it; fails on malformed XML. */
static xmlDoc *draw_svg(const tc_graph *g, const tc_render_options *opts)
{
	tc_render_options o;
	tc_error err = {0};
	char *data = NULL;
	size_t size = 0;
	xmlDoc *doc;

	if (opts)
		o = *opts;
	else
		tc_render_options_init(&o);
	o.format = "svg";
	assert_int_equal(tc_render_memory(g, &o, &data, &size, NULL, &err),
			 TC_OK);
	assert_true(size > 0);
	doc = xmlReadMemory(data, (int)size, "drawing.svg", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR |
				XML_PARSE_NOWARNING);
	free(data);
	assert_non_null(doc);
	return doc;
}

/* 1 when element e has the given local name. */
static int named(const xmlNode *e, const char *name)
{
	return e->type == XML_ELEMENT_NODE &&
	       strcmp((const char *)e->name, name) == 0;
}

/* The value of attribute name of e, or "" (static copy, short-lived). */
static const char *attr(xmlNode *e, const char *name)
{
	static char value[256];
	xmlChar *v = xmlGetProp(e, (const xmlChar *)name);

	value[0] = '\0';
	if (v)
		tci_strlcpy(value, (const char *)v, sizeof value);
	xmlFree(v);
	return value;
}

/* 1 when group g has a <text> child whose content is exactly text. */
static int group_says(xmlNode *g, const char *text)
{
	xmlNode *c;
	xmlChar *s;
	int same;

	for (c = g->children; c; c = c->next) {
		if (!named(c, "text"))
			continue;
		s = xmlNodeGetContent(c);
		same = s && strcmp((const char *)s, text) == 0;
		xmlFree(s);
		if (same)
			return 1;
	}
	return 0;
}

/*
 * Finds the <g class="cls"> (node, edge) having a text line equal to
 * text, searching the whole tree below e. Returns NULL when none.
 */
static xmlNode *find_group(xmlNode *e, const char *cls, const char *text)
{
	xmlNode *found;

	for (; e; e = e->next) {
		if (named(e, "g") && strcmp(attr(e, "class"), cls) == 0 &&
		    group_says(e, text))
			return e;
		found = find_group(e->children, cls, text);
		if (found)
			return found;
	}
	return NULL;
}

static xmlNode *group(xmlDoc *doc, const char *cls, const char *text)
{
	return find_group(xmlDocGetRootElement(doc), cls, text);
}

/* The first child of g drawing a shape (ellipse, polygon, path). */
static xmlNode *shape_of(xmlNode *g)
{
	xmlNode *c;

	for (c = g->children; c; c = c->next)
		if (named(c, "ellipse") || named(c, "polygon") ||
		    named(c, "path"))
			return c;
	return NULL;
}

/* A text line's x or y coordinate within group g. */
static double text_coord(xmlNode *g, const char *axis)
{
	xmlNode *c;

	for (c = g->children; c; c = c->next)
		if (named(c, "text"))
			return strtod(attr(c, axis), NULL);
	fail_msg("group without text");
	return 0;
}

static void svg_has_every_label_and_rate(void **state)
{
	tc_graph *g = small_graph();
	xmlDoc *doc = draw_svg(g, NULL);

	/* Node titles: the label, else the id; classes add their model. */
	assert_non_null(group(doc, "node", "Active users"));
	assert_non_null(group(doc, "node", "sessions"));
	assert_non_null(group(doc, "node", "Chat"));
	assert_non_null(group(doc, "node", "RAG answers"));
	assert_non_null(group(doc, "node", "agent_tool"));
	assert_non_null(group(doc, "node", "claude-sonnet-4"));
	assert_non_null(group(doc, "node", "gpt-4o-mini"));

	/* Rates as written, a lag only where it is not zero. */
	assert_non_null(group(doc, "edge", "3.5"));
	assert_non_null(group(doc, "edge", "0.8"));
	assert_non_null(group(doc, "edge", "normal(0.3, 0.05)"));
	assert_non_null(group(doc, "edge", "lag 7 d"));
	assert_non_null(group(doc, "edge", "2.25"));
	assert_null(group(doc, "edge", "lag 0 d"));
	assert_null(group(doc, "node", "no forecast"));
	xmlFreeDoc(doc);
	tc_graph_free(g);
}

static void kpi_and_class_styles_differ(void **state)
{
	tc_graph *g = small_graph();
	xmlDoc *doc = draw_svg(g, NULL);
	xmlNode *kpi = shape_of(group(doc, "node", "Active users"));
	xmlNode *cls = shape_of(group(doc, "node", "Chat"));
	xmlNode *calls = shape_of(group(doc, "edge", "2.25"));
	xmlNode *drives = shape_of(group(doc, "edge", "3.5"));

	/* KPI: a filled ellipse; class: a rounded box, drawn as a path. */
	assert_true(named(kpi, "ellipse"));
	assert_string_equal(attr(kpi, "fill"), KPI_FILL);
	assert_true(named(cls, "path"));
	assert_string_equal(attr(cls, "fill"), CLASS_FILL);

	/* Calls edges dashed, drives edges solid. */
	assert_string_not_equal(attr(calls, "stroke-dasharray"), "");
	assert_string_equal(attr(drives, "stroke-dasharray"), "");
	xmlFreeDoc(doc);
	tc_graph_free(g);
}

/* Forecasts of the small graph's three classes. */
static const tc_class_forecast small_forecast[] = {
    {"chat", 12345, 9100, 16000, 0.6},
    {"rag", 812.4, 640, 1010.7, 0.1},
    {"agent_tool", 4.5e6, 3.96e6, 5.26e6, 0.3},
};

static void forecast_annotates_and_shades(void **state)
{
	tc_graph *g = small_graph();
	tc_render_options o;
	xmlDoc *doc;

	tc_render_options_init(&o);
	o.forecast = small_forecast;
	o.forecast_count = 3;
	doc = draw_svg(g, &o);

	/* Amounts formatted by hand from the table above. */
	assert_non_null(group(doc, "node", "P50 $12.3k (5-95%: $9.1k-$16.0k)"));
	assert_non_null(group(doc, "node", "60% of total cost"));
	assert_non_null(group(doc, "node", "P50 $812 (5-95%: $640-$1.0k)"));
	assert_non_null(group(doc, "node", "P50 $4.5M (5-95%: $4.0M-$5.3M)"));

	/*
	 * The scale runs to the largest share rounded up to a tenth, 0.6,
	 * in five bins of 12%: 0.6 is the top bin, 0.1 the first (0.1 / 0.12
	 * = 0.83), 0.3 the third (2.5).
	 */
	assert_string_equal(attr(shape_of(group(doc, "node", "Chat")), "fill"),
			    shade[4]);
	assert_string_equal(
	    attr(shape_of(group(doc, "node", "RAG answers")), "fill"),
	    shade[0]);
	assert_string_equal(
	    attr(shape_of(group(doc, "node", "agent_tool")), "fill"), shade[2]);

	/* KPIs keep their style; the legend shows the bins. */
	assert_string_equal(
	    attr(shape_of(group(doc, "node", "Active users")), "fill"),
	    KPI_FILL);
	assert_non_null(group(doc, "node", "share of total cost"));
	assert_non_null(group(doc, "node", "0-12%"));
	assert_non_null(group(doc, "node", "48-60%"));
	xmlFreeDoc(doc);
	tc_graph_free(g);
}

static void class_without_forecast_is_marked(void **state)
{
	tc_graph *g = small_graph();
	tc_render_options o;
	xmlDoc *doc;

	tc_render_options_init(&o);
	o.forecast = small_forecast;
	o.forecast_count = 1;
	o.low_pct = 10;
	o.high_pct = 90;
	o.currency = "EUR ";
	doc = draw_svg(g, &o);
	assert_non_null(
	    group(doc, "node", "P50 EUR 12.3k (10-90%: EUR 9.1k-EUR 16.0k)"));
	assert_non_null(group(doc, "node", "no forecast"));
	assert_string_equal(
	    attr(shape_of(group(doc, "node", "RAG answers")), "fill"),
	    "#f0f0f0");
	xmlFreeDoc(doc);
	tc_graph_free(g);
}

/* Draws with one forecast entry f and returns the status. */
static tc_status draw_with(const tc_graph *g, tc_class_forecast f, size_t count)
{
	tc_class_forecast two[2] = {f, f};
	tc_render_options o;
	tc_error err = {0};
	char *data = NULL;
	size_t size;
	tc_status st;

	tc_render_options_init(&o);
	o.format = "svg";
	o.forecast = two;
	o.forecast_count = count;
	st = tc_render_memory(g, &o, &data, &size, NULL, &err);
	free(data);
	if (st != TC_OK)
		assert_string_not_equal(err.message, "");
	return st;
}

static void bad_forecasts_are_refused(void **state)
{
	tc_graph *g = small_graph();
	tc_class_forecast ok = {"chat", 10, 5, 20, 0.5};
	tc_class_forecast f;

	assert_int_equal(draw_with(g, ok, 1), TC_OK);
	f = ok;
	f.node_id = "nosuch";
	assert_int_equal(draw_with(g, f, 1), TC_ERR_NOT_FOUND);
	f.node_id = "users";
	assert_int_equal(draw_with(g, f, 1), TC_ERR_INVALID);
	assert_int_equal(draw_with(g, ok, 2), TC_ERR_ARG);
	f = ok;
	f.low = 11;
	assert_int_equal(draw_with(g, f, 1), TC_ERR_ARG);
	f = ok;
	f.share = 1.5;
	assert_int_equal(draw_with(g, f, 1), TC_ERR_ARG);
	f = ok;
	f.p50 = NAN;
	assert_int_equal(draw_with(g, f, 1), TC_ERR_ARG);
	f = ok;
	f.node_id = NULL;
	assert_int_equal(draw_with(g, f, 1), TC_ERR_ARG);
	tc_graph_free(g);
}

static void bad_arguments_are_refused(void **state)
{
	tc_graph *g = small_graph();
	tc_render_options o;
	tc_error err = {0};
	char *data = NULL;
	size_t size;

	tc_render_options_init(&o);
	assert_int_equal(tc_render_file(NULL, "x.svg", NULL, NULL, &err),
			 TC_ERR_ARG);
	assert_int_equal(tc_render_file(g, NULL, NULL, NULL, &err), TC_ERR_ARG);
	assert_int_equal(tc_render_file(g, "-", NULL, NULL, &err), TC_ERR_ARG);
	assert_int_equal(tc_render_memory(g, &o, &data, &size, NULL, &err),
			 TC_ERR_ARG);
	o.format = "svg";
	o.low_pct = 50;
	assert_int_equal(tc_render_memory(g, &o, &data, &size, NULL, &err),
			 TC_ERR_ARG);
	o.low_pct = 5;
	o.high_pct = 101;
	assert_int_equal(tc_render_memory(g, &o, &data, &size, NULL, &err),
			 TC_ERR_ARG);
	o.high_pct = 95;
	o.format = "gif";
	assert_int_equal(tc_render_memory(g, &o, &data, &size, NULL, &err),
			 TC_ERR_UNSUPPORTED);
	assert_null(data);
	tc_graph_free(g);
}

static void hostile_labels_stay_text(void **state)
{
	tc_graph *g = NULL;
	char long_label[200];
	char expect_long[200];
	xmlDoc *doc;
	size_t a, b, c, d;

	memset(long_label, 'x', 100);
	long_label[100] = '\0';
	memset(expect_long, 'x', 60);
	memcpy(expect_long + 60, "\xe2\x80\xa6", 4);

	assert_int_equal(tc_graph_new(1, &g), TC_OK);
	a = node(g, "q\"uote --> <!-- &amp;", "kpi", NULL, NULL);
	b = node(g, "b", "feature_class", "<b>bold</b> & &foo; \\N \\n \\\\",
		 "m\"odel<x>");
	c = node(g, "c", "kpi",
		 "bad \xff byte\x01"
		 "ctl \xef\xbf\xbe nonchar",
		 NULL);
	d = node(g, "d", "kpi", long_label, NULL);
	node(g, "e", "kpi", "é 漢字 😀", NULL);
	edge(g, a, b, "<1 & 2>", NULL, NULL);
	edge(g, c, d, NULL, NULL, NULL);

	/* draw_svg fails on malformed XML; each label reads as written. */
	doc = draw_svg(g, NULL);
	assert_non_null(group(doc, "node", "q\"uote --> <!-- &amp;"));
	assert_non_null(group(doc, "node", "<b>bold</b> & &foo; \\N \\n \\\\"));
	assert_non_null(group(doc, "node", "m\"odel<x>"));
	assert_non_null(group(doc, "node",
			      "bad \xef\xbf\xbd byte ctl "
			      "\xef\xbf\xbd nonchar"));
	assert_non_null(group(doc, "node", expect_long));
	assert_non_null(group(doc, "node", "é 漢字 😀"));
	assert_non_null(group(doc, "edge", "<1 & 2>"));
	xmlFreeDoc(doc);
	tc_graph_free(g);
}

/* Counts the entries of directory dir (without . and ..). */
static int dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void unknown_extension_is_unsupported(void **state)
{
	tc_graph *g = small_graph();
	const char *dir = tc_temp_dir();
	tc_error err = {0};
	char path[512];

	snprintf(path, sizeof path, "%s/graph.txt", dir);
	assert_int_equal(tc_render_file(g, path, NULL, NULL, &err),
			 TC_ERR_UNSUPPORTED);
	assert_non_null(strstr(err.message, "'txt'"));
	assert_non_null(strstr(err.message, "svg, png or pdf"));

	memset(&err, 0, sizeof err);
	snprintf(path, sizeof path, "%s/graph", dir);
	assert_int_equal(tc_render_file(g, path, NULL, NULL, &err),
			 TC_ERR_UNSUPPORTED);
	assert_int_equal(dir_entries(dir), 0);
	rmdir(dir);
	tc_graph_free(g);
}

static void file_appears_whole_or_not_at_all(void **state)
{
	tc_graph *g = small_graph();
	const char *dir = tc_temp_dir();
	tc_error err = {0};
	char path[512];
	char *svg;
	size_t size;
	xmlDoc *doc;

	/* Upper-case extensions pick the format too. */
	snprintf(path, sizeof path, "%s/graph.SVG", dir);
	assert_int_equal(tc_render_file(g, path, NULL, NULL, &err), TC_OK);
	assert_int_equal(dir_entries(dir), 1);
	svg = tc_read_whole(path, &size);
	assert_non_null(svg);
	doc = xmlReadMemory(svg, (int)size, path, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	xmlFreeDoc(doc);
	free(svg);
	unlink(path);

	/* A directory that does not exist: an I/O error, no file. */
	snprintf(path, sizeof path, "%s/missing/graph.svg", dir);
	assert_int_equal(tc_render_file(g, path, NULL, NULL, &err), TC_ERR_IO);
	assert_int_equal(dir_entries(dir), 0);
	rmdir(dir);
	tc_graph_free(g);
}

/* Draws in format and checks the file's magic bytes, or skips. */
static void check_binary_format(const char *format, const char *magic)
{
	tc_graph *g = small_graph();
	tc_render_options o;
	tc_error err = {0};
	char *data = NULL;
	size_t size = 0;

	if (!tc_render_format_available(format)) {
		tc_graph_free(g);
		skip();
	}
	tc_render_options_init(&o);
	o.format = format;
	assert_int_equal(tc_render_memory(g, &o, &data, &size, NULL, &err),
			 TC_OK);
	assert_true(size > strlen(magic));
	assert_memory_equal(data, magic, strlen(magic));
	free(data);
	tc_graph_free(g);
}

static void png_and_pdf_when_available(void **state)
{
	char formats[64];

	check_binary_format("png", "\x89PNG\r\n\x1a\n");
	check_binary_format("pdf", "%PDF-");
	tc_render_formats(formats, sizeof formats);
	assert_non_null(strstr(formats, "svg"));
	assert_int_equal(tc_render_format_available("gif"), 0);
}

static void too_large_graph_is_refused(void **state)
{
	tc_graph *g = small_graph();
	tc_render_options o;
	tc_error err = {0};
	char *data = NULL;
	size_t size;

	tc_render_options_init(&o);
	o.format = "svg";
	o.max_nodes = 4;
	assert_int_equal(tc_render_memory(g, &o, &data, &size, NULL, &err),
			 TC_ERR_LIMIT);
	assert_null(data);
	tc_graph_free(g);
}

static void direction_follows_shape(void **state)
{
	tc_graph *wide = NULL, *deep = NULL;
	xmlDoc *doc;
	size_t k, a, b, c;
	char id[8];
	int i;

	/* One KPI driving five classes: 5 wide, 2 deep, drawn left-right. */
	assert_int_equal(tc_graph_new(1, &wide), TC_OK);
	k = node(wide, "k", "kpi", NULL, NULL);
	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof id, "c%d", i);
		edge(wide, k, node(wide, id, "feature_class", NULL, NULL), "1",
		     NULL, NULL);
	}
	doc = draw_svg(wide, NULL);
	assert_true(text_coord(group(doc, "node", "k"), "x") <
		    text_coord(group(doc, "node", "c0"), "x"));
	xmlFreeDoc(doc);

	/* A chain of three: 1 wide, 3 deep, drawn top-down. */
	assert_int_equal(tc_graph_new(1, &deep), TC_OK);
	a = node(deep, "a", "kpi", NULL, NULL);
	b = node(deep, "b", "feature_class", NULL, NULL);
	c = node(deep, "c", "feature_class", NULL, NULL);
	edge(deep, a, b, "1", NULL, NULL);
	edge(deep, b, c, "1", "calls", NULL);
	doc = draw_svg(deep, NULL);
	assert_true(text_coord(group(doc, "node", "a"), "y") <
		    text_coord(group(doc, "node", "c"), "y"));
	assert_true(text_coord(group(doc, "node", "a"), "x") ==
		    text_coord(group(doc, "node", "c"), "x"));
	xmlFreeDoc(doc);
	tc_graph_free(wide);
	tc_graph_free(deep);
}

/* Counts the <g class="cls"> groups below e. */
static int count_groups(xmlNode *e, const char *cls)
{
	int n = 0;

	for (; e; e = e->next) {
		if (named(e, "g") && strcmp(attr(e, "class"), cls) == 0)
			n++;
		n += count_groups(e->children, cls);
	}
	return n;
}

static void loops_parallel_and_undirected_edges_draw(void **state)
{
	tc_graph *g = NULL;
	xmlDoc *doc;
	xmlNode *odd;
	size_t a, b, c, e;

	/* Five edges by hand: a loop, two parallel, one undirected. */
	assert_int_equal(tc_graph_new(1, &g), TC_OK);
	a = node(g, "a", "feature_class", NULL, NULL);
	b = node(g, "b", "feature_class", NULL, NULL);
	c = node(g, "c", "mystery", NULL, NULL);
	edge(g, a, a, "0.5", "calls", "1");
	edge(g, a, b, "1", NULL, NULL);
	edge(g, a, b, "2", NULL, NULL);
	edge(g, b, c, "3", NULL, NULL);
	assert_int_equal(tc_graph_add_edge(g, c, a, 0, "u", &e), TC_OK);
	doc = draw_svg(g, NULL);
	assert_int_equal(count_groups(xmlDocGetRootElement(doc), "edge"), 5);
	assert_int_equal(count_groups(xmlDocGetRootElement(doc), "node"), 3);
	assert_non_null(group(doc, "edge", "lag 1 d"));
	assert_non_null(group(doc, "edge", "1"));
	assert_non_null(group(doc, "edge", "2"));

	/* A node of unknown kind: a grey octagon (a polygon). */
	odd = shape_of(group(doc, "node", "c"));
	assert_true(named(odd, "polygon"));
	assert_string_equal(attr(odd, "fill"), "#f0f0f0");
	xmlFreeDoc(doc);
	tc_graph_free(g);
}

static void empty_graph_draws(void **state)
{
	tc_graph *g = NULL;
	xmlDoc *doc;

	assert_int_equal(tc_graph_new(1, &g), TC_OK);
	doc = draw_svg(g, NULL);
	assert_int_equal(count_groups(xmlDocGetRootElement(doc), "node"), 0);
	xmlFreeDoc(doc);
	tc_graph_free(g);
}

/* What Graphviz sent to the test's own message handler. */
static char seen[256];

static int test_handler(char *msg)
{
	size_t len = strlen(seen);

	snprintf(seen + len, sizeof seen - len, "%s", msg);
	return 0;
}

static void graphviz_messages_are_fenced(void **state)
{
	tc_graph *g = small_graph();
	agusererrf before;
	xmlDoc *doc;

	/*
	 * The drawing swaps its own handler in and the caller's back out:
	 * the caller's handler gets nothing during the call and gets
	 * Graphviz's messages again afterwards.
	 */
	seen[0] = '\0';
	before = agseterrf(test_handler);
	doc = draw_svg(g, NULL);
	assert_string_equal(seen, "");
	agerr(AGERR, "after\n");
	assert_non_null(strstr(seen, "after"));
	agseterrf(before);
	xmlFreeDoc(doc);
	tc_graph_free(g);
}

static void cost_format_by_hand(void **state)
{
	char buf[32];

	assert_string_equal(tc_format_cost(12345, NULL, buf, 32), "$12.3k");
	assert_string_equal(tc_format_cost(9100, NULL, buf, 32), "$9.1k");
	assert_string_equal(tc_format_cost(16000, NULL, buf, 32), "$16.0k");
	assert_string_equal(tc_format_cost(8.123, NULL, buf, 32), "$8.12");
	assert_string_equal(tc_format_cost(81.2, NULL, buf, 32), "$81.20");
	assert_string_equal(tc_format_cost(812.4, NULL, buf, 32), "$812");
	assert_string_equal(tc_format_cost(999.6, NULL, buf, 32), "$1.0k");
	assert_string_equal(tc_format_cost(99960, NULL, buf, 32), "$100k");
	assert_string_equal(tc_format_cost(123456, NULL, buf, 32), "$123k");
	assert_string_equal(tc_format_cost(4.5e6, NULL, buf, 32), "$4.5M");
	assert_string_equal(tc_format_cost(2e9, NULL, buf, 32), "$2.0B");
	assert_string_equal(tc_format_cost(-1234, NULL, buf, 32), "-$1.2k");
	assert_string_equal(tc_format_cost(0, NULL, buf, 32), "$0.00");
	assert_string_equal(tc_format_cost(-0.001, NULL, buf, 32), "$0.00");
	assert_string_equal(tc_format_cost(NAN, NULL, buf, 32), "n/a");
	assert_string_equal(tc_format_cost(12345, "€", buf, 32), "€12.3k");
}

/* The 30-node fixture, read from GraphML, shows every node's label. */
static void fixture_of_thirty_nodes_draws(void **state)
{
	const char *path = tc_source_path("tests/fixtures/render/"
					  "assistant30.graphml");
	tc_graph *g = NULL;
	tc_error err = {0};
	const tc_value *label;
	xmlDoc *doc;
	size_t i;

	assert_int_equal(tc_graph_read_file(path, NULL, &g, NULL, &err), TC_OK);
	assert_int_equal(tc_graph_node_count(g), 30);
	doc = draw_svg(g, NULL);
	for (i = 0; i < tc_graph_node_count(g); i++) {
		label = tc_graph_node_attr(g, i, "label");
		assert_non_null(label);
		assert_non_null(group(doc, "node", label->text));
	}
	xmlFreeDoc(doc);
	tc_graph_free(g);
}

/*
 * A forecast file's annotations: chat's mean is 30000 of a 40000 total,
 * so its share is 0.75; the interval is meta.quantiles' 5 and 95.
 */
static void forecast_file_gives_annotations(void **state)
{
	tc_render_forecast *f = NULL;
	tc_render_options o;
	tc_error err = {0};
	char path[512];
	FILE *fp;
	size_t i;

	assert_int_equal(tc_render_forecast_load(
		tc_source_path("tests/fixtures/render/forecast_small.json"),
		&f, &err), TC_OK);
	tc_render_options_init(&o);
	tc_render_forecast_apply(f, &o);
	assert_int_equal(o.forecast_count, 2);
	assert_true(o.low_pct == 5 && o.high_pct == 95);
	for (i = 0; i < 2; i++) {
		if (strcmp(o.forecast[i].node_id, "chat") != 0)
			continue;
		assert_true(o.forecast[i].p50 == 29500);
		assert_true(o.forecast[i].low == 21000);
		assert_true(o.forecast[i].high == 41000);
		assert_true(fabs(o.forecast[i].share - 0.75) < 1e-15);
	}
	tc_render_forecast_free(f);

	assert_int_equal(tc_render_forecast_load("/nonexistent.json", &f,
						 NULL), TC_ERR_IO);
	assert_int_equal(tc_render_forecast_load(
		tc_source_path("tests/fixtures/render/assistant30.graphml"),
		&f, NULL), TC_ERR_PARSE);
	snprintf(path, sizeof path, "%s/f.json", tc_temp_dir());
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("{\"meta\": {\"quantiles\": [5, 95]}}", fp);
	fclose(fp);
	assert_int_equal(tc_render_forecast_load(path, &f, &err),
			 TC_ERR_INVALID);
	assert_int_equal(tc_render_forecast_load(NULL, &f, NULL), TC_ERR_ARG);
}

/* Writes a forecast file without classes whose meta has sha. */
static const char *forecast_with_sha(const char *sha)
{
	static char path[512];
	FILE *fp;

	snprintf(path, sizeof path, "%s/sha.json", tc_temp_dir());
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "{\"meta\": {\"quantiles\": [5, 50, 95], "
		"\"graph_sha256\": \"%s\"}, \"horizon\": {\"total\": "
		"{\"cost_usd\": {\"mean\": 1}}, \"classes\": {}}}", sha);
	fclose(fp);
	return path;
}

/*
 * A forecast file names the graph it was made from by its SHA-256, in
 * lowercase; a file that does not say (or says something else) gives "".
 */
static void forecast_file_names_its_graph(void **state)
{
	const char *hex = "0123456789ABCDEF0123456789abcdef"
			  "0123456789abcdef0123456789ABCDEF";
	const char *bad[] = {"", "0123", "0123456789abcdef0123456789abcdef"
			     "0123456789abcdef0123456789abcdeg"};
	tc_render_forecast *f = NULL;
	size_t i;

	assert_int_equal(tc_render_forecast_load(
		tc_source_path("tests/fixtures/render/forecast_small.json"),
		&f, NULL), TC_OK);
	assert_string_equal(tc_render_forecast_graph_sha256(f), "");
	tc_render_forecast_free(f);

	assert_int_equal(tc_render_forecast_load(forecast_with_sha(hex), &f,
						 NULL), TC_OK);
	assert_string_equal(tc_render_forecast_graph_sha256(f),
			    "0123456789abcdef0123456789abcdef"
			    "0123456789abcdef0123456789abcdef");
	tc_render_forecast_free(f);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(tc_render_forecast_load(
			forecast_with_sha(bad[i]), &f, NULL), TC_OK);
		assert_string_equal(tc_render_forecast_graph_sha256(f), "");
		tc_render_forecast_free(f);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(forecast_file_gives_annotations),
	cmocka_unit_test(forecast_file_names_its_graph),
    cmocka_unit_test(svg_has_every_label_and_rate),
    cmocka_unit_test(kpi_and_class_styles_differ),
    cmocka_unit_test(forecast_annotates_and_shades),
    cmocka_unit_test(class_without_forecast_is_marked),
    cmocka_unit_test(bad_forecasts_are_refused),
    cmocka_unit_test(bad_arguments_are_refused),
    cmocka_unit_test(hostile_labels_stay_text),
    cmocka_unit_test(unknown_extension_is_unsupported),
    cmocka_unit_test(file_appears_whole_or_not_at_all),
    cmocka_unit_test(png_and_pdf_when_available),
    cmocka_unit_test(too_large_graph_is_refused),
    cmocka_unit_test(direction_follows_shape),
    cmocka_unit_test(loops_parallel_and_undirected_edges_draw),
    cmocka_unit_test(empty_graph_draws),
    cmocka_unit_test(graphviz_messages_are_fenced),
    cmocka_unit_test(cost_format_by_hand),
    cmocka_unit_test(fixture_of_thirty_nodes_draws),
};

TC_TEST_MAIN(tests)
