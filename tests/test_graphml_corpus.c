/*
 * test_graphml_corpus.c - the conformance test: every file of the shared
 * GraphML corpus (../shared/data/graphml) read and compared with
 * tests/graphml_corpus_expected.csv, whose rows were written from the
 * GraphML specification and the files themselves (see docs/graphml.md),
 * cross-checked against NetworkX, igraph and graphml2gv. Skips (77) when
 * the shared data is absent.
 *
 * The CSV has no quoted fields: no field holds a comma or a quote. In the
 * checks column, items "node:ID:NAME=TEXT", "edge:INDEX:NAME=TEXT" and
 * "graph::NAME=TEXT" are separated by " | "; TEXT "<none>" means no value;
 * \n \t \r \\ and \xHH stand for those characters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_test.h"
#include "tci.h"

#define FIELDS 11

/* Splits line at commas into at most FIELDS fields; returns the count. */
static int split(char *line, char **f)
{
	int n = 0;
	char *p = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < FIELDS) {
		f[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

/* Decodes the escapes of a check's text in place. */
static void unescape(char *s)
{
	char *w = s, hex[3] = {0};

	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			*w++ = *s;
			continue;
		}
		s++;
		if (*s == 'n')
			*w++ = '\n';
		else if (*s == 't')
			*w++ = '\t';
		else if (*s == 'r')
			*w++ = '\r';
		else if (*s == 'x' && s[1] && s[2]) {
			hex[0] = s[1];
			hex[1] = s[2];
			*w++ = (char)strtol(hex, NULL, 16);
			s += 2;
		} else
			*w++ = *s;
	}
	*w = '\0';
}

/* The value a check names, or NULL; *ok = 0 when the element is absent. */
static const tc_value *check_value(const tc_graph *g, char *kind, char *who,
				   const char *name, int *ok)
{
	size_t i;

	*ok = 1;
	if (strcmp(kind, "graph") == 0)
		return tc_graph_graph_attr(g, name);
	if (strcmp(kind, "edge") == 0) {
		i = (size_t)strtoul(who, NULL, 10);
		*ok = i < tc_graph_edge_count(g);
		return *ok ? tc_graph_edge_attr(g, i, name) : NULL;
	}
	unescape(who);
	*ok = tc_graph_find_node(g, who, &i);
	return *ok ? tc_graph_node_attr(g, i, name) : NULL;
}

/* Runs one check item; returns 1 when it holds, printing why not. */
static int check_one(const char *file, const tc_graph *g, char *item)
{
	char *kind = item, *who, *name, *want;
	const tc_value *v;
	int ok;

	who = strchr(kind, ':');
	name = who ? strchr(who + 1, ':') : NULL;
	want = name ? strchr(name + 1, '=') : NULL;
	if (!want) {
		print_error("%s: bad check '%s'\n", file, item);
		return 0;
	}
	*who++ = '\0';
	*name++ = '\0';
	*want++ = '\0';
	unescape(want);
	v = check_value(g, kind, who, name, &ok);
	if (!ok) {
		print_error("%s: no %s '%s'\n", file, kind, who);
		return 0;
	}
	if (strcmp(want, "<none>") == 0 ? v == NULL
					: v && strcmp(v->text, want) == 0)
		return 1;
	print_error("%s: %s %s %s is '%s', expected '%s'\n", file, kind, who,
		    name, v ? v->text : "<none>", want);
	return 0;
}

/* Runs every check of a row; returns the number that failed. */
static int run_checks(const char *file, const tc_graph *g, char *checks)
{
	char *item = checks, *sep;
	int bad = 0;

	while (*item) {
		sep = strstr(item, " | ");
		if (sep)
			*sep = '\0';
		bad += !check_one(file, g, item);
		if (!sep)
			break;
		item = sep + 3;
	}
	return bad;
}

static const char *outcome(tc_status st)
{
	switch (st) {
	case TC_OK:
		return "ok";
	case TC_ERR_PARSE:
		return "parse";
	case TC_ERR_INVALID:
		return "invalid";
	case TC_ERR_LIMIT:
		return "limit";
	default:
		return "other";
	}
}

/* Compares one count; returns 1 when it differs (and says so). */
static int differs(const char *file, const char *what, size_t got,
		   const char *want)
{
	if (strtoul(want, NULL, 10) == got)
		return 0;
	print_error("%s: %s %zu, expected %s\n", file, what, got, want);
	return 1;
}

/* Reads one corpus file and compares it with its row. */
static int check_row(char **f)
{
	char path[8192];
	tc_graph *g = NULL;
	tc_error err = {0};
	tc_graph_stats s;
	tc_status st;
	int bad = 0;

	snprintf(path, sizeof path, "%s%s", tc_shared_path("graphml/"), f[0]);
	st = tc_graph_read_file(path, NULL, &g, NULL, &err);
	if (strcmp(outcome(st), f[1]) != 0) {
		print_error("%s: %s (%s), expected %s\n", f[0], outcome(st),
			    err.message, f[1]);
		return 1;
	}
	if (st != TC_OK)
		return 0;
	tc_graph_get_stats(g, &s);
	bad += differs(f[0], "nodes", s.nodes, f[2]);
	bad += differs(f[0], "edges", s.edges, f[3]);
	bad += differs(f[0], "directed edges", s.directed_edges, f[4]);
	bad += differs(f[0], "undirected edges", s.undirected_edges, f[5]);
	bad += differs(f[0], "parallel edges", s.parallel_edges, f[6]);
	bad += differs(f[0], "self loops", s.self_loops, f[7]);
	bad += differs(f[0], "keys", s.keys, f[8]);
	bad += run_checks(f[0], g, f[9]);
	tc_graph_free(g);
	return bad;
}

static void corpus_matches_expected(void **state)
{
	char line[4096];
	char *f[FIELDS] = {0};
	FILE *fp;
	int rows = 0, bad = 0;

	tc_shared_path("graphml/INDEX.csv");
	fp = fopen(tc_source_path("tests/graphml_corpus_expected.csv"), "r");
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof line, fp));
	while (fgets(line, sizeof line, fp)) {
		assert_int_equal(split(line, f), FIELDS);
		bad += check_row(f) != 0;
		rows++;
	}
	fclose(fp);
	/* INDEX.csv lists 125 files. */
	assert_int_equal(rows, 125);
	assert_int_equal(bad, 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(corpus_matches_expected),
};

TC_TEST_MAIN(tests)
