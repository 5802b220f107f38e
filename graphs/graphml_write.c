/*
 * graphml_write.c - writes a tc_graph as GraphML that tokcast's reader
 * (and NetworkX, igraph, yEd) read back to the same graph.
 *
 * Only explicit values are written as <data>; defaults are written once
 * in their key. Values are written as their text, so numbers round-trip
 * exactly. Text is escaped so that the reader's XML parser gives back the
 * same bytes: carriage returns and (in attributes) tabs and newlines as
 * character references, since XML normalises them otherwise.
 */
#include <stdio.h>
#include <string.h>

#include "graph_int.h"

/*
 * Writes s escaped for XML content (attr = 0) or an attribute value.
 * Returns 0, or -1 when s holds a control character XML 1.0 cannot carry.
 */
static int put_escaped(FILE *fp, const char *s, int attr)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs(attr ? "&quot;" : "\"", fp);
			break;
		case '\r':
			fputs("&#13;", fp);
			break;
		case '\n':
		case '\t':
			if (attr)
				fprintf(fp, "&#%d;", *p);
			else
				fputc(*p, fp);
			break;
		default:
			if (*p < 0x20)
				return -1;
			fputc(*p, fp);
		}
	}
	return 0;
}

/* Writes name="value" with a leading space. */
static int put_attr(FILE *fp, const char *name, const char *value)
{
	int rc;

	fprintf(fp, " %s=\"", name);
	rc = put_escaped(fp, value, 1);
	fputc('"', fp);
	return rc;
}

static int write_keys(FILE *fp, const tc_graph *g)
{
	const tc_key_info *k;
	size_t i;
	int rc = 0;

	for (i = 0; i < tc_graph_key_count(g); i++) {
		k = tc_graph_key(g, i);
		fputs("  <key", fp);
		rc |= put_attr(fp, "id", k->id);
		rc |= put_attr(fp, "for", tc_key_domain_name(k->domain));
		rc |= put_attr(fp, "attr.name", k->name);
		rc |= put_attr(fp, "attr.type", tc_attr_type_name(k->type));
		if (!k->has_default) {
			fputs("/>\n", fp);
			continue;
		}
		fputs(">\n    <default>", fp);
		rc |= put_escaped(fp, k->default_text, 0);
		fputs("</default>\n  </key>\n", fp);
	}
	return rc;
}

/* The value of key k for element i of kind elem (NULL for others). */
static const tc_value *value_of(const tc_graph *g, tci_elem elem, size_t i,
				size_t k)
{
	switch (elem) {
	case TCI_ELEM_NODE:
		return tc_graph_node_value(g, i, k);
	case TCI_ELEM_EDGE:
		return tc_graph_edge_value(g, i, k);
	default:
		return tc_graph_graph_value(g, k);
	}
}

/* Writes the explicit values of one element, indented by indent. */
static int write_data(FILE *fp, const tc_graph *g, tci_elem elem,
		      size_t i, const char *indent)
{
	const tc_value *v;
	size_t k;
	int rc = 0;

	for (k = 0; k < tc_graph_key_count(g); k++) {
		v = value_of(g, elem, i, k);
		if (!v || v->is_default)
			continue;
		fprintf(fp, "%s<data", indent);
		rc |= put_attr(fp, "key", tc_graph_key(g, k)->id);
		fputc('>', fp);
		rc |= put_escaped(fp, v->text, 0);
		fputs("</data>\n", fp);
	}
	return rc;
}

/*
 * Ends the start tag of node or edge i (name): empty when it has no
 * attributes, else its data elements and the end tag.
 */
static int end_elem(FILE *fp, const tc_graph *g, tci_elem elem, size_t i,
		    size_t nattrs, const char *name)
{
	int rc;

	if (nattrs == 0) {
		fputs("/>\n", fp);
		return 0;
	}
	fputs(">\n", fp);
	rc = write_data(fp, g, elem, i, "      ");
	fprintf(fp, "    </%s>\n", name);
	return rc;
}

static int write_nodes(FILE *fp, const tc_graph *g)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < tc_graph_node_count(g); i++) {
		fputs("    <node", fp);
		rc |= put_attr(fp, "id", tc_graph_node_id(g, i));
		rc |= end_elem(fp, g, TCI_ELEM_NODE, i,
			       tc_graph_node_attr_count(g, i), "node");
	}
	return rc;
}

static int write_edges(FILE *fp, const tc_graph *g)
{
	tc_edge_info e;
	size_t i;
	int rc = 0;

	for (i = 0; i < tc_graph_edge_count(g); i++) {
		tc_graph_edge(g, i, &e);
		fputs("    <edge", fp);
		if (*e.id)
			rc |= put_attr(fp, "id", e.id);
		rc |= put_attr(fp, "source", tc_graph_node_id(g, e.source));
		rc |= put_attr(fp, "target", tc_graph_node_id(g, e.target));
		if (e.directed != tc_graph_default_directed(g))
			fprintf(fp, " directed=\"%s\"",
				e.directed ? "true" : "false");
		rc |= end_elem(fp, g, TCI_ELEM_EDGE, i,
			       tc_graph_edge_attr_count(g, i), "edge");
	}
	return rc;
}

/* Writes the whole document; -1 when some text cannot be XML. */
static int write_doc(FILE *fp, const tc_graph *g)
{
	int rc;

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n",
	      fp);
	rc = write_keys(fp, g);
	fprintf(fp, "  <graph id=\"G\" edgedefault=\"%s\">\n",
		tc_graph_default_directed(g) ? "directed" : "undirected");
	rc |= write_data(fp, g, TCI_ELEM_GRAPH, 0, "    ");
	rc |= write_nodes(fp, g);
	rc |= write_edges(fp, g);
	fputs("  </graph>\n</graphml>\n", fp);
	return rc;
}

tc_status tc_graph_write_file(const tc_graph *g, const char *path,
			      tc_error *err)
{
	tc_outfile *of;
	tc_status st;

	st = tc_outfile_open(path, &of, err);
	if (st != TC_OK)
		return st;
	if (write_doc(tc_outfile_stream(of), g) != 0) {
		tc_outfile_abort(of);
		return tci_error(err, TC_ERR_INVALID, path, 0, NULL,
				 "a value holds a control character that "
				 "XML cannot represent");
	}
	return tc_outfile_commit(of, err);
}
