/*
 * test_graphml.c - the GraphML reader, the graph model and the writer, on
 * the project's own fixtures (tests/fixtures/graphml). Every expected value
 * below was read off the fixture by hand.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <libxml/xmlversion.h>
#include <libxml/xmlerror.h>

#include "tc_test.h"
#include "tci.h"

/* Reads a fixture; fails the test when it does not read. */
static tc_graph *load(const char *name, tc_diags *warnings)
{
	char rel[256];
	tc_error err = {0};
	tc_graph *g = NULL;
	tc_status st;

	snprintf(rel, sizeof rel, "tests/fixtures/graphml/%s", name);
	st = tc_graph_read_file(tc_source_path(rel), NULL, &g, warnings,
				&err);
	if (st != TC_OK)
		print_error("%s: %s\n", name, err.message);
	assert_int_equal(st, TC_OK);
	return g;
}

/* Reads a fixture that must fail; returns the status, fills err. */
static tc_status load_fail(const char *name, tc_error *err)
{
	char rel[256];
	tc_graph *g = NULL;
	tc_status st;

	snprintf(rel, sizeof rel, "tests/fixtures/graphml/%s", name);
	st = tc_graph_read_file(tc_source_path(rel), NULL, &g, NULL, err);
	assert_null(g);
	assert_int_equal(st, err->status);
	return st;
}

static size_t node(const tc_graph *g, const char *id)
{
	size_t n = 0;

	assert_true(tc_graph_find_node(g, id, &n));
	return n;
}

static const tc_value *nattr(const tc_graph *g, const char *id,
			     const char *name)
{
	return tc_graph_node_attr(g, node(g, id), name);
}

static void typed_values_parse(void **state)
{
	tc_graph *g = load("typed.graphml", NULL);
	const tc_value *v;

	v = nattr(g, "a", "flag");
	assert_int_equal(v->type, TC_ATTR_BOOLEAN);
	assert_int_equal(v->boolean, 1);
	assert_string_equal(v->text, "TRUE");
	assert_int_equal(nattr(g, "b", "flag")->boolean, 0);
	assert_int_equal(nattr(g, "c", "flag")->boolean, 0);

	v = nattr(g, "a", "count");
	assert_int_equal(v->type, TC_ATTR_INT);
	assert_int_equal(v->integer, 42);
	assert_string_equal(v->text, "42");
	assert_int_equal(v->is_default, 0);

	v = nattr(g, "a", "big");
	assert_int_equal(v->type, TC_ATTR_INT);
	assert_int_equal(v->integer, -3);
	assert_true(nattr(g, "a", "long")->integer == INT64_MAX);
	assert_true(nattr(g, "a", "ratio")->number == 0.25);
	tc_graph_free(g);
}

static void defaults_apply_to_elements_without_data(void **state)
{
	tc_graph *g = load("typed.graphml", NULL);
	const tc_value *v;
	size_t e;

	v = nattr(g, "b", "count");
	assert_int_equal(v->integer, 7);
	assert_int_equal(v->is_default, 1);
	assert_string_equal(v->text, "7");

	/* e1 has its own weight 0.25; e2 takes the default 1.5. */
	assert_true(tc_graph_edge_attr(g, 0, "weight")->number == 0.25);
	assert_true(tc_graph_edge_attr(g, 1, "weight")->number == 1.5);
	assert_int_equal(tc_graph_edge_attr(g, 1, "weight")->is_default, 1);

	/* A key without "for" applies to nodes, edges and the graph. */
	assert_string_equal(nattr(g, "a", "note")->text, "none");
	assert_string_equal(nattr(g, "b", "note")->text, "mine");
	assert_string_equal(tc_graph_edge_attr(g, 2, "note")->text, "none");
	assert_string_equal(tc_graph_graph_attr(g, "note")->text, "none");
	assert_string_equal(tc_graph_graph_attr(g, "as_of")->text,
			    "2027-01-01");

	/* No <data> and no default: no value. */
	assert_null(nattr(g, "b", "ratio"));
	assert_null(nattr(g, "a", "nonexistent"));

	/* Node a: flag count big long ratio label noname note = 8. */
	assert_int_equal(tc_graph_node_attr_count(g, node(g, "a")), 8);
	e = 0;
	assert_true(tc_graph_find_key(g, TC_FOR_EDGE, "weight", &e));
	assert_true(tc_graph_edge_value(g, 3, e)->number == 1.5);
	assert_null(tc_graph_node_value(g, 0, e));
	tc_graph_free(g);
}

static void strings_keep_whitespace_cdata_and_refs(void **state)
{
	tc_graph *g = load("typed.graphml", NULL);

	assert_string_equal(nattr(g, "a", "label")->text,
			    "  two  spaces  ");
	assert_string_equal(nattr(g, "b", "label")->text,
			    "<not a tag> & more");
	/* A comment splits nothing; &#65; is A, &#x42; is B. */
	assert_string_equal(nattr(g, "c", "label")->text, "xyAB&");
	tc_graph_free(g);
}

static void missing_attr_name_falls_back_to_id(void **state)
{
	tc_graph *g = load("typed.graphml", NULL);
	const tc_key_info *k;
	size_t i;

	assert_string_equal(nattr(g, "a", "noname")->text, "by id");
	assert_int_equal(tc_graph_key_count(g), 10);
	k = tc_graph_key(g, 7);
	assert_string_equal(k->id, "noname");
	assert_string_equal(k->name, "noname");
	k = tc_graph_key(g, 8);
	assert_int_equal(k->domain, TC_FOR_ALL);
	for (i = 0; i < tc_graph_key_count(g); i++)
		if (strcmp(tc_graph_key(g, i)->id, "k_n") == 0)
			assert_int_equal(tc_graph_key(g, i)->type,
					 TC_ATTR_INT);
	tc_graph_free(g);
}

static void stats_count_parallel_loops_and_directions(void **state)
{
	tc_graph *g = load("typed.graphml", NULL);
	tc_graph_stats s;
	tc_edge_info e;

	tc_graph_get_stats(g, &s);
	assert_int_equal(s.nodes, 3);
	assert_int_equal(s.edges, 5);
	/* e2 says directed="true" in an undirected graph. */
	assert_int_equal(s.directed_edges, 1);
	assert_int_equal(s.undirected_edges, 4);
	/* e1, e3, e5 join a and b undirected: two beyond the first. */
	assert_int_equal(s.parallel_edges, 2);
	assert_int_equal(s.self_loops, 1);
	assert_int_equal(tc_graph_default_directed(g), 0);
	tc_graph_edge(g, 1, &e);
	assert_string_equal(e.id, "e2");
	assert_int_equal(e.directed, 1);
	assert_int_equal(e.source, node(g, "b"));
	assert_int_equal(e.target, node(g, "a"));
	tc_graph_free(g);
}

static void no_namespace_and_edges_before_nodes(void **state)
{
	tc_graph *g = load("nons.graphml", NULL);
	tc_edge_info e;

	assert_int_equal(tc_graph_node_count(g), 2);
	tc_graph_edge(g, 0, &e);
	assert_int_equal(e.source, node(g, "p"));
	assert_int_equal(e.target, node(g, "q"));
	assert_int_equal(e.directed, 1);
	assert_true(tc_graph_edge_attr(g, 0, "weight")->number == 2.0);
	tc_graph_free(g);
}

static void wrong_namespace_is_refused(void **state)
{
	tc_error err = {0};

	assert_int_equal(load_fail("wrongns.graphml", &err), TC_ERR_PARSE);
	assert_non_null(strstr(err.message, "not-graphml"));
	assert_non_null(strstr(err.message, "not GraphML's"));
	assert_int_equal(err.line, 2);
}

static void other_root_is_refused(void **state)
{
	tc_error err = {0};

	assert_int_equal(load_fail("notgraphml.graphml", &err), TC_ERR_PARSE);
	assert_non_null(strstr(err.message, "<gexf>"));
}

static void malformed_xml_is_refused(void **state)
{
	tc_error err = {0};

	assert_int_equal(load_fail("broken.graphml", &err), TC_ERR_PARSE);
	assert_int_equal(err.line, 5);
	assert_non_null(strstr(err.file, "broken.graphml"));
}

static void duplicate_node_is_an_error(void **state)
{
	tc_error err = {0};

	assert_int_equal(load_fail("dup_node.graphml", &err),
			 TC_ERR_INVALID);
	assert_string_equal(err.element, "node 'a'");
	assert_int_equal(err.line, 6);
	assert_non_null(strstr(err.message, "line 4"));
}

static void edge_to_undeclared_node_names_the_edge(void **state)
{
	tc_error err = {0};

	assert_int_equal(load_fail("dangling.graphml", &err),
			 TC_ERR_INVALID);
	assert_string_equal(err.element, "edge 'e7'");
	assert_int_equal(err.line, 5);
	assert_non_null(strstr(err.message, "'ghost'"));
}

static void undeclared_key_is_an_error(void **state)
{
	tc_error err = {0};

	assert_int_equal(load_fail("undeclared_key.graphml", &err),
			 TC_ERR_INVALID);
	assert_string_equal(err.element, "node 'a'");
	assert_non_null(strstr(err.message, "'d3'"));
}

static void bad_values_are_parse_errors(void **state)
{
	tc_error err = {0};

	assert_int_equal(load_fail("bad_int.graphml", &err), TC_ERR_PARSE);
	assert_string_equal(err.element, "node 'a'");
	assert_non_null(strstr(err.message, "'1.5'"));
	assert_non_null(strstr(err.message, "int"));

	memset(&err, 0, sizeof err);
	assert_int_equal(load_fail("bad_bool.graphml", &err), TC_ERR_PARSE);
	assert_string_equal(err.element, "edge 'e1'");

	memset(&err, 0, sizeof err);
	assert_int_equal(load_fail("bad_default.graphml", &err),
			 TC_ERR_PARSE);
	assert_string_equal(err.element, "key 'd3'");
	assert_int_equal(err.line, 4);
}

static void node_without_id_is_an_error(void **state)
{
	static const char doc[] =
		"<graphml><graph edgedefault='directed'>\n"
		"<node id='a'/>\n<node id='  '/></graph></graphml>";
	tc_graph *g = NULL;
	tc_error err = {0};

	assert_int_equal(tc_graph_read_memory(doc, strlen(doc), "m", NULL,
					      &g, NULL, &err), TC_ERR_PARSE);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.element, "node");
	assert_non_null(strstr(err.message, "id"));
}

static void duplicate_key_id_is_an_error(void **state)
{
	tc_error err = {0};

	assert_int_equal(load_fail("dup_key.graphml", &err), TC_ERR_INVALID);
	assert_string_equal(err.element, "key 'd0'");
}

static void yed_node_label_becomes_label(void **state)
{
	tc_graph *g = load("yed.graphml", NULL);

	/* The first y:NodeLabel; the node had no label of its own. */
	assert_string_equal(nattr(g, "n0", "label")->text, "chat");
	assert_string_equal(nattr(g, "n1", "label")->text, "own label");
	assert_null(nattr(g, "n2", "label"));
	/* Graphics keys are kept as declared; no value is read. */
	assert_int_equal(tc_graph_key_count(g), 5);
	assert_int_equal(tc_graph_key(g, 0)->domain, TC_FOR_GRAPHML);
	assert_int_equal(tc_graph_node_attr_count(g, node(g, "n0")), 1);
	assert_int_equal(tc_graph_edge_attr_count(g, 0), 0);
	tc_graph_free(g);
}

static void yed_label_key_is_added_when_missing(void **state)
{
	static const char doc[] =
		"<graphml xmlns='http://graphml.graphdrawing.org/xmlns' "
		"xmlns:y='http://www.yworks.com/xml/graphml'>"
		"<key for='node' id='d6' yfiles.type='nodegraphics'/>"
		"<graph edgedefault='directed'><node id='n'><data key='d6'>"
		"<y:ShapeNode><y:NodeLabel>hi</y:NodeLabel></y:ShapeNode>"
		"</data></node></graph></graphml>";
	tc_graph *g = NULL;

	assert_int_equal(tc_graph_read_memory(doc, strlen(doc), "m", NULL,
					      &g, NULL, NULL), TC_OK);
	assert_string_equal(tc_graph_node_attr(g, 0, "label")->text, "hi");
	assert_int_equal(tc_graph_key_count(g), 2);
	tc_graph_free(g);
}

static void nested_ports_hyperedges_multiple_graphs(void **state)
{
	tc_diags *w = tc_diags_new();
	tc_graph *g = load("policies.graphml", w);
	tc_graph_stats s;
	size_t n;

	tc_graph_get_stats(g, &s);
	assert_int_equal(s.nodes, 4);
	assert_int_equal(s.edges, 2);
	/* b1 -> b2 follows the inner graph's edgedefault. */
	assert_int_equal(s.directed_edges, 1);
	assert_int_equal(s.undirected_edges, 1);
	assert_false(tc_graph_find_node(g, "z", &n));
	/* port, nested graph, hyperedge, second graph. */
	assert_int_equal(tc_diags_warnings(w), 4);
	assert_int_equal(tc_graph_key_count(g), 6);
	/* The nested graph's own value does not replace the graph's. */
	assert_string_equal(tc_graph_graph_attr(g, "name")->text, "outer");
	assert_int_equal(tc_graph_graph_attr_count(g), 1);
	tc_graph_free(g);
	tc_diags_free(w);
}

static void utf8_with_bom(void **state)
{
	tc_graph *g = load("utf8bom.graphml", NULL);

	assert_string_equal(nattr(g, "caf\xc3\xa9", "label")->text,
			    "\xe2\x82\xac 5");
	tc_graph_free(g);
}

static void utf16_with_bom(void **state)
{
	tc_graph *g = load("utf16le.graphml", NULL);

	/* U+65E5 U+672C in UTF-8. */
	assert_string_equal(nattr(g, "n\xc3\xa9", "label")->text,
			    "\xe6\x97\xa5\xe6\x9c\xac");
	assert_int_equal(tc_graph_edge_count(g), 1);
	tc_graph_free(g);
}

static void iso_8859_1(void **state)
{
	tc_graph *g = load("latin1.graphml", NULL);

	assert_string_equal(nattr(g, "z\xc3\xbcrich", "label")->text,
			    "Gr\xc3\xbc\xc3\x9f" "e \xc3\xa0 tous");
	tc_graph_free(g);
}

static void internal_entity_is_expanded(void **state)
{
	tc_graph *g = load("entity_ok.graphml", NULL);

	assert_string_equal(tc_graph_node_attr(g, 0, "owner")->text,
			    "Acme & Co!");
	tc_graph_free(g);
}

static double seconds_since(struct timespec t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

static void billion_laughs_is_refused_fast(void **state)
{
	tc_error err = {0};
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(load_fail("laughs.graphml", &err), TC_ERR_LIMIT);
	/* e would be 64 * 16^4 = 4 MiB; d (256 KiB) already exceeds. */
	assert_string_equal(err.element, "entity 'd'");
	assert_true(seconds_since(t0) < 1.0);
}

static void external_entity_is_refused(void **state)
{
	tc_error err = {0};

	assert_int_equal(load_fail("xxe.graphml", &err), TC_ERR_LIMIT);
	assert_string_equal(err.element, "entity 'secret'");
	assert_int_equal(err.line, 3);
}

/*
 * Quadratic blow-up: one 60,000-byte entity (under the per-entity bound)
 * referenced 40 times is 2.4 MB, over the 1 MiB total.
 */
static void quadratic_blowup_is_refused(void **state)
{
	tci_buf b;
	tc_graph *g = NULL;
	tc_error err = {0};
	int i;

	tci_buf_init(&b);
	tci_buf_adds(&b, "<?xml version='1.0'?><!DOCTYPE graphml [<!ENTITY "
			 "x '");
	for (i = 0; i < 60000; i++)
		tci_buf_addc(&b, 'x');
	tci_buf_adds(&b, "'>]><graphml><key id='s' for='node'/>"
			 "<graph edgedefault='directed'><node id='n'>"
			 "<data key='s'>");
	for (i = 0; i < 40; i++)
		tci_buf_adds(&b, "&x;");
	tci_buf_adds(&b, "</data></node></graph></graphml>");
	assert_int_equal(tc_graph_read_memory(b.data, b.len, "q", NULL, &g,
					      NULL, &err), TC_ERR_LIMIT);
	assert_string_equal(err.element, "entity 'x'");
	tci_buf_free(&b);
}

/* A document of depth levels of nested foreign elements. */
static char *deep_doc(int depth)
{
	tci_buf b;
	int i;

	tci_buf_init(&b);
	tci_buf_adds(&b, "<graphml><graph edgedefault='directed'>");
	for (i = 0; i < depth; i++)
		tci_buf_adds(&b, "<x>");
	for (i = 0; i < depth; i++)
		tci_buf_adds(&b, "</x>");
	tci_buf_adds(&b, "</graph></graphml>");
	return tci_buf_steal(&b);
}

static void nesting_depth_is_bounded(void **state)
{
	char *doc = deep_doc(100);
	tc_graph_limits lim = {0, 50};
	tc_graph *g = NULL;
	tc_error err = {0};

	/* 102 levels pass the default limit of 256 ... */
	assert_int_equal(tc_graph_read_memory(doc, strlen(doc), "d", NULL,
					      &g, NULL, NULL), TC_OK);
	tc_graph_free(g);

	/* ... and fail a limit of 50 at the 51st element. */
	assert_int_equal(tc_graph_read_memory(doc, strlen(doc), "d", &lim,
					      &g, NULL, &err), TC_ERR_LIMIT);
	assert_null(g);
	assert_non_null(strstr(err.message, "50"));
	free(doc);

	doc = deep_doc(1000);
	memset(&err, 0, sizeof err);
	assert_int_equal(tc_graph_read_memory(doc, strlen(doc), "d", NULL,
					      &g, NULL, &err), TC_ERR_LIMIT);
	free(doc);
}

static void file_size_is_bounded(void **state)
{
	tc_graph_limits lim = {100, 0};
	tc_graph *g = NULL;
	tc_error err = {0};

	/* typed.graphml is well over 100 bytes. */
	assert_int_equal(tc_graph_read_file(
				 tc_source_path("tests/fixtures/graphml/"
						"typed.graphml"),
				 &lim, &g, NULL, &err),
			 TC_ERR_LIMIT);
	assert_null(g);
	assert_non_null(strstr(err.message, "limit"));
}

static int foreign_calls;

#if LIBXML_VERSION >= 21200
static void foreign_handler(void *ctx, const xmlError *e)
#else
static void foreign_handler(void *ctx, xmlErrorPtr e)
#endif
{
	foreign_calls++;
}

static void libxml2_handler_is_restored(void **state)
{
	tc_error err = {0};

	xmlSetStructuredErrorFunc(&foreign_calls, foreign_handler);
	assert_int_equal(load_fail("broken.graphml", &err), TC_ERR_PARSE);
	assert_int_equal(foreign_calls, 0);
	assert_ptr_equal(xmlStructuredError, foreign_handler);
	assert_ptr_equal(xmlStructuredErrorContext, &foreign_calls);
	xmlSetStructuredErrorFunc(NULL, NULL);
}

static void missing_file_is_io_error(void **state)
{
	tc_graph *g = NULL;
	tc_error err = {0};

	assert_int_equal(tc_graph_read_file("/nonexistent/x.graphml", NULL,
					    &g, NULL, &err),
			 TC_ERR_IO);
	assert_string_equal(err.file, "/nonexistent/x.graphml");
}

static void empty_input_is_refused(void **state)
{
	tc_graph *g = NULL;
	tc_error err = {0};

	assert_int_equal(tc_graph_read_memory("", 0, "e", NULL, &g, NULL,
					      &err), TC_ERR_PARSE);
	assert_null(g);
}

static void building_api_statuses(void **state)
{
	tc_graph *g = NULL;
	size_t a = 9, b = 9, dup = 9, e = 9;

	assert_int_equal(tc_graph_new(1, &g), TC_OK);
	assert_int_equal(tc_graph_add_node(g, "a", &a), TC_OK);
	assert_int_equal(tc_graph_add_node(g, "b", &b), TC_OK);
	assert_int_equal(tc_graph_add_node(g, "a", &dup), TC_ERR_INVALID);
	/* The reader trims ids, so ids with white space at an end or empty
	 * ones could not be read back. */
	assert_int_equal(tc_graph_add_node(g, " c", NULL), TC_ERR_ARG);
	assert_int_equal(tc_graph_add_node(g, "", NULL), TC_ERR_ARG);
	assert_int_equal(dup, a);
	assert_int_equal(tc_graph_add_edge(g, a, 5, 1, NULL, &e), TC_ERR_ARG);
	assert_int_equal(tc_graph_add_edge(g, a, b, 1, "e", &e), TC_OK);
	assert_int_equal(tc_graph_set_node_attr(g, a, "n", TC_ATTR_INT, "3"),
			 TC_OK);
	/* The key exists as int now: text must parse as int. */
	assert_int_equal(tc_graph_set_node_attr(g, b, "n", TC_ATTR_STRING,
						"x"), TC_ERR_PARSE);
	assert_int_equal(tc_graph_set_node_attr(g, 7, "n", TC_ATTR_INT, "1"),
			 TC_ERR_ARG);
	assert_int_equal(tc_graph_set_node_attr(g, a, "n", TC_ATTR_INT, "4"),
			 TC_OK);
	assert_int_equal(tc_graph_node_attr(g, a, "n")->integer, 4);
	assert_int_equal(tc_graph_node_attr_count(g, a), 1);
	assert_string_equal(tc_graph_source(g), "");
	tc_graph_free(g);
}

/*
 * The id table: ids sharing their first 8 bytes, ids that are prefixes of
 * others, and enough nodes to grow the table many times.
 */
static void node_ids_are_found_exactly(void **state)
{
	static const char *const tricky[] = {
		"abcdefgh", "abcdefg", "abcdefgh1", "abcdefgh2", "abcdefghij",
		"a", "b", "ab",
	};
	tc_graph *g = NULL;
	char id[32];
	size_t i, n, count = sizeof tricky / sizeof *tricky;

	assert_int_equal(tc_graph_new(1, &g), TC_OK);
	for (i = 0; i < count; i++)
		assert_int_equal(tc_graph_add_node(g, tricky[i], NULL), TC_OK);
	for (i = 0; i < 5000; i++) {
		snprintf(id, sizeof id, "node-with-a-long-id-%zu", i);
		assert_int_equal(tc_graph_add_node(g, id, NULL), TC_OK);
	}
	for (i = 0; i < count; i++) {
		assert_true(tc_graph_find_node(g, tricky[i], &n));
		assert_int_equal(n, i);
	}
	assert_false(tc_graph_find_node(g, "abcdefgh3", &n));
	assert_false(tc_graph_find_node(g, "abcdef", &n));
	assert_false(tc_graph_find_node(g, "abcdefghi", &n));
	assert_true(tc_graph_find_node(g, "node-with-a-long-id-4321", &n));
	assert_int_equal(n, count + 4321);
	assert_int_equal(tc_graph_add_node(g, "abcdefgh2", &n), TC_ERR_INVALID);
	assert_int_equal(n, 3);
	tc_graph_free(g);
}

/*
 * Parallel edges by hand: a->b twice (1 repeat), b->a directed (not
 * parallel to a->b), a-b and b-a undirected (1 repeat), c-c three times
 * (2 repeats, 3 loops), and a->b undirected vs directed differ.
 */
static void parallel_edges_by_direction(void **state)
{
	tc_graph *g = NULL;
	tc_graph_stats s;
	size_t a, b, c;

	tc_graph_new(1, &g);
	tc_graph_add_node(g, "a", &a);
	tc_graph_add_node(g, "b", &b);
	tc_graph_add_node(g, "c", &c);
	tc_graph_add_edge(g, a, b, 1, NULL, NULL);
	tc_graph_add_edge(g, a, b, 1, NULL, NULL);
	tc_graph_add_edge(g, b, a, 1, NULL, NULL);
	tc_graph_add_edge(g, a, b, 0, NULL, NULL);
	tc_graph_add_edge(g, b, a, 0, NULL, NULL);
	tc_graph_add_edge(g, c, c, 0, NULL, NULL);
	tc_graph_add_edge(g, c, c, 0, NULL, NULL);
	tc_graph_add_edge(g, c, c, 0, NULL, NULL);
	tc_graph_get_stats(g, &s);
	assert_int_equal(s.edges, 8);
	assert_int_equal(s.directed_edges, 3);
	assert_int_equal(s.parallel_edges, 1 + 1 + 2);
	assert_int_equal(s.self_loops, 3);
	tc_graph_free(g);
}

/* Builds a small graph with awkward strings through the API. */
static tc_graph *awkward_graph(void)
{
	tc_graph *g = NULL;
	size_t a, b, e;

	assert_int_equal(tc_graph_new(0, &g), TC_OK);
	tc_graph_add_node(g, "a&<\"'>", &a);
	tc_graph_add_node(g, "b c", &b);
	tc_graph_add_edge(g, a, b, 1, "e\"1", &e);
	tc_graph_add_edge(g, b, b, 0, NULL, &e);
	assert_int_equal(tc_graph_set_node_attr(g, a, "label",
						TC_ATTR_STRING,
						" x\r\ny\t<&> "), TC_OK);
	assert_int_equal(tc_graph_set_edge_attr(g, 0, "rate",
						TC_ATTR_DOUBLE, "0.1"),
			 TC_OK);
	assert_int_equal(tc_graph_set_graph_attr(g, "as_of", TC_ATTR_STRING,
						 "2027-01-01"), TC_OK);
	return g;
}

static void writer_round_trips(void **state)
{
	char path[1024];
	tc_graph *g = awkward_graph(), *h = NULL;
	tc_error err = {0};
	tc_edge_info e;
	size_t a, b;

	snprintf(path, sizeof path, "%s/out.graphml", tc_temp_dir());
	assert_int_equal(tc_graph_write_file(g, path, &err), TC_OK);
	assert_int_equal(tc_graph_read_file(path, NULL, &h, NULL, &err),
			 TC_OK);
	assert_true(tc_graph_find_node(h, "a&<\"'>", &a));
	assert_true(tc_graph_find_node(h, "b c", &b));
	assert_string_equal(tc_graph_node_attr(h, a, "label")->text,
			    " x\r\ny\t<&> ");
	assert_true(tc_graph_edge_attr(h, 0, "rate")->number == 0.1);
	assert_string_equal(tc_graph_graph_attr(h, "as_of")->text,
			    "2027-01-01");
	tc_graph_edge(h, 0, &e);
	assert_string_equal(e.id, "e\"1");
	assert_int_equal(e.directed, 1);
	assert_int_equal(e.source, a);
	tc_graph_edge(h, 1, &e);
	assert_int_equal(e.directed, 0);
	assert_int_equal(e.source, b);
	assert_int_equal(e.target, b);
	tc_graph_free(g);
	tc_graph_free(h);
}

/* Every value of every element of g equals the one in h. */
static void assert_same_values(const tc_graph *g, const tc_graph *h)
{
	const tc_value *v, *w;
	const char *n1, *n2;
	size_t i, j;

	for (i = 0; i < tc_graph_node_count(g); i++) {
		assert_int_equal(tc_graph_node_attr_count(g, i),
				 tc_graph_node_attr_count(h, i));
		for (j = 0; j < tc_graph_node_attr_count(g, i); j++) {
			v = tc_graph_node_attr_at(g, i, j, &n1);
			w = tc_graph_node_attr_at(h, i, j, &n2);
			assert_string_equal(n1, n2);
			assert_string_equal(v->text, w->text);
			assert_int_equal(v->is_default, w->is_default);
		}
	}
	for (i = 0; i < tc_graph_edge_count(g); i++) {
		assert_int_equal(tc_graph_edge_attr_count(g, i),
				 tc_graph_edge_attr_count(h, i));
		for (j = 0; j < tc_graph_edge_attr_count(g, i); j++) {
			v = tc_graph_edge_attr_at(g, i, j, &n1);
			w = tc_graph_edge_attr_at(h, i, j, &n2);
			assert_string_equal(n1, n2);
			assert_string_equal(v->text, w->text);
		}
	}
}

static void writer_round_trips_a_read_file(void **state)
{
	char path[1024];
	tc_graph *g = load("typed.graphml", NULL), *h = NULL;
	tc_graph_stats s, t;
	tc_error err = {0};

	snprintf(path, sizeof path, "%s/typed.graphml", tc_temp_dir());
	assert_int_equal(tc_graph_write_file(g, path, &err), TC_OK);
	assert_int_equal(tc_graph_read_file(path, NULL, &h, NULL, &err),
			 TC_OK);
	tc_graph_get_stats(g, &s);
	tc_graph_get_stats(h, &t);
	assert_memory_equal(&s, &t, sizeof s);
	assert_same_values(g, h);
	tc_graph_free(g);
	tc_graph_free(h);
}

static void writer_refuses_control_characters(void **state)
{
	char path[1024];
	tc_graph *g = awkward_graph();
	tc_error err = {0};
	struct stat sb;

	tc_graph_set_node_attr(g, 0, "label", TC_ATTR_STRING, "bell\a");
	snprintf(path, sizeof path, "%s/ctl.graphml", tc_temp_dir());
	assert_int_equal(tc_graph_write_file(g, path, &err), TC_ERR_INVALID);
	assert_int_not_equal(stat(path, &sb), 0);
	memset(&err, 0, sizeof err);
	assert_int_equal(tc_graph_write_file(g, "", &err), TC_ERR_ARG);
	snprintf(path, sizeof path, "/nonexistent-dir/x.graphml");
	memset(&err, 0, sizeof err);
	tc_graph_set_node_attr(g, 0, "label", TC_ATTR_STRING, "fine");
	assert_int_equal(tc_graph_write_file(g, path, &err), TC_ERR_IO);
	tc_graph_free(g);
}

static void out_of_range_numbers_are_refused(void **state)
{
	static const char doc[] =
		"<graphml><key id='l' for='node' attr.type='long'/>"
		"<graph edgedefault='directed'><node id='n'>"
		"<data key='l'>9223372036854775808</data>"
		"</node></graph></graphml>";
	tc_graph *g = NULL;
	tc_error err = {0};

	assert_int_equal(tc_graph_read_memory(doc, strlen(doc), "m", NULL,
					      &g, NULL, &err), TC_ERR_PARSE);
	assert_string_equal(err.element, "node 'n'");
	assert_non_null(strstr(err.message, "out of range for long"));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(typed_values_parse),
	cmocka_unit_test(defaults_apply_to_elements_without_data),
	cmocka_unit_test(strings_keep_whitespace_cdata_and_refs),
	cmocka_unit_test(missing_attr_name_falls_back_to_id),
	cmocka_unit_test(stats_count_parallel_loops_and_directions),
	cmocka_unit_test(no_namespace_and_edges_before_nodes),
	cmocka_unit_test(wrong_namespace_is_refused),
	cmocka_unit_test(other_root_is_refused),
	cmocka_unit_test(malformed_xml_is_refused),
	cmocka_unit_test(duplicate_node_is_an_error),
	cmocka_unit_test(edge_to_undeclared_node_names_the_edge),
	cmocka_unit_test(undeclared_key_is_an_error),
	cmocka_unit_test(bad_values_are_parse_errors),
	cmocka_unit_test(node_without_id_is_an_error),
	cmocka_unit_test(duplicate_key_id_is_an_error),
	cmocka_unit_test(yed_node_label_becomes_label),
	cmocka_unit_test(yed_label_key_is_added_when_missing),
	cmocka_unit_test(nested_ports_hyperedges_multiple_graphs),
	cmocka_unit_test(utf8_with_bom),
	cmocka_unit_test(utf16_with_bom),
	cmocka_unit_test(iso_8859_1),
	cmocka_unit_test(internal_entity_is_expanded),
	cmocka_unit_test(billion_laughs_is_refused_fast),
	cmocka_unit_test(external_entity_is_refused),
	cmocka_unit_test(quadratic_blowup_is_refused),
	cmocka_unit_test(nesting_depth_is_bounded),
	cmocka_unit_test(file_size_is_bounded),
	cmocka_unit_test(libxml2_handler_is_restored),
	cmocka_unit_test(missing_file_is_io_error),
	cmocka_unit_test(empty_input_is_refused),
	cmocka_unit_test(building_api_statuses),
	cmocka_unit_test(node_ids_are_found_exactly),
	cmocka_unit_test(parallel_edges_by_direction),
	cmocka_unit_test(writer_round_trips),
	cmocka_unit_test(writer_round_trips_a_read_file),
	cmocka_unit_test(writer_refuses_control_characters),
	cmocka_unit_test(out_of_range_numbers_are_refused),
};

TC_TEST_MAIN(tests)
