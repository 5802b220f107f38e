/*
 * kg.c - the knowledge graph object: loading, accessors and the edge
 * lists the engine walks. Validation is in kg_check.c, ordering in
 * kg_order.c, the schema in kg_schema.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kgi.h"

void tci_kg_node_element(const tc_kg *kg, size_t node, char *buf,
			 size_t size)
{
	snprintf(buf, size, "node '%s'", tc_graph_node_id(kg->g, node));
}

void tci_kg_edge_element(const tc_kg *kg, size_t edge, char *buf,
			 size_t size)
{
	tc_edge_info e;

	tc_graph_edge(kg->g, edge, &e);
	if (e.id && *e.id)
		snprintf(buf, size, "edge '%s'", e.id);
	else
		snprintf(buf, size, "edge '%s' -> '%s'",
			 tc_graph_node_id(kg->g, e.source),
			 tc_graph_node_id(kg->g, e.target));
}

/*
 * Fills start[n + 1] and list with the valid edges grouped by the node
 * at one end (the target when incoming, else the source), in edge order.
 */
static tc_status link_side(tc_kg *kg, int incoming, size_t **start_out,
			   size_t **list_out)
{
	size_t n = kg->n_nodes, e, v, *start, *list, *fill;

	start = calloc(n + 1, sizeof *start);
	list = malloc((kg->n_edges ? kg->n_edges : 1) * sizeof *list);
	fill = calloc(n + 1, sizeof *fill);
	if (!start || !list || !fill) {
		free(start);
		free(list);
		free(fill);
		return TC_ERR_NOMEM;
	}

	for (e = 0; e < kg->n_edges; e++)
		if (kg->edges[e].ok)
			start[(incoming ? kg->edges[e].target
					: kg->edges[e].source) + 1]++;
	for (v = 0; v < n; v++)
		start[v + 1] += start[v];
	for (e = 0; e < kg->n_edges; e++) {
		if (!kg->edges[e].ok)
			continue;
		v = incoming ? kg->edges[e].target : kg->edges[e].source;
		list[start[v] + fill[v]++] = e;
	}
	free(fill);
	*start_out = start;
	*list_out = list;
	return TC_OK;
}

tc_status tci_kg_link(tc_kg *kg)
{
	if (link_side(kg, 1, &kg->in_start, &kg->in_list) != TC_OK)
		return TC_ERR_NOMEM;
	return link_side(kg, 0, &kg->out_start, &kg->out_list);
}

void tci_kg_release(tc_kg *kg)
{
	size_t i;
	int a;

	for (i = 0; kg->nodes && i < kg->n_nodes; i++) {
		for (a = 0; a < TC_KG_ATTR_COUNT; a++)
			tc_spec_free(kg->nodes[i].spec[a]);
		for (a = 0; a < 7; a++)
			tc_spec_free(kg->nodes[i].weekly[a]);
	}
	for (i = 0; kg->edges && i < kg->n_edges; i++)
		tc_spec_free(kg->edges[i].rate);
	free(kg->nodes);
	free(kg->edges);
	free(kg->in_start);
	free(kg->in_list);
	free(kg->out_start);
	free(kg->out_list);
	free(kg->order);
	free(kg->first_order);
	free(kg->cycle);
	tc_graph_free(kg->owned);
}

void tc_kg_free(tc_kg *kg)
{
	if (!kg)
		return;
	tci_kg_release(kg);
	free(kg);
}

/* Appends a reader's failure to diags, so a listing shows it. */
static void read_failure_diag(tc_diags *diags, const tc_error *err)
{
	tci_diag(diags, TC_SEV_ERROR, err->status, err->file, err->line,
		 err->column, err->element, "%s",
		 err->message[0] ? err->message : tc_strerror(err->status));
}

tc_status tc_kg_load_file(const char *path, const tc_kg_opts *opts,
			  tc_kg **out, tc_diags *diags, tc_error *err)
{
	tc_error local = {0};
	tc_graph *g = NULL;
	tc_status st;

	if (!path || !out)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no file or no output");
	*out = NULL;
	st = tc_graph_read_file(path, opts ? opts->limits : NULL, &g, diags,
				&local);
	if (st != TC_OK) {
		if (local.status == TC_OK)
			tci_error(&local, st, path, 0, NULL, "%s",
				  tc_strerror(st));
		read_failure_diag(diags, &local);
		if (err && err->status == TC_OK)
			*err = local;
		return st;
	}

	st = tc_kg_build(g, opts, out, diags, err);
	if (st != TC_OK) {
		tc_graph_free(g);
		return st;
	}
	(*out)->owned = g;
	return TC_OK;
}

const tc_graph *tc_kg_graph(const tc_kg *kg)
{
	return kg->g;
}

int tc_kg_as_of(const tc_kg *kg, int64_t *days)
{
	if (kg->has_as_of && days)
		*days = kg->as_of;
	return kg->has_as_of;
}

size_t tc_kg_node_count(const tc_kg *kg)
{
	return kg->n_nodes;
}

int tc_kg_find_node(const tc_kg *kg, const char *id, size_t *node)
{
	return tc_graph_find_node(kg->g, id, node);
}

const char *tc_kg_node_id(const tc_kg *kg, size_t node)
{
	return tc_graph_node_id(kg->g, node);
}

const char *tc_kg_node_label(const tc_kg *kg, size_t node)
{
	const char *label = kg->nodes[node].text[TC_KG_LABEL];

	return label && *label ? label : tc_graph_node_id(kg->g, node);
}

long tc_kg_node_line(const tc_kg *kg, size_t node)
{
	return kg->nodes[node].line;
}

tc_kg_kind tc_kg_node_kind(const tc_kg *kg, size_t node)
{
	return kg->nodes[node].kind;
}

int tc_kg_node_is_root(const tc_kg *kg, size_t node)
{
	return kg->nodes[node].root;
}

const tc_spec *tc_kg_node_spec(const tc_kg *kg, size_t node,
			       tc_kg_attr attr)
{
	if ((unsigned)attr >= TC_KG_ATTR_COUNT)
		return NULL;
	return kg->nodes[node].spec[attr];
}

const char *tc_kg_node_text(const tc_kg *kg, size_t node, tc_kg_attr attr)
{
	if ((unsigned)attr >= TC_KG_ATTR_COUNT)
		return NULL;
	return kg->nodes[node].text[attr];
}

const tc_spec *tc_kg_node_weekly(const tc_kg *kg, size_t node, int day)
{
	if (day < 0 || day > 6)
		return NULL;
	return kg->nodes[node].weekly[day];
}

size_t tc_kg_edge_count(const tc_kg *kg)
{
	return kg->n_edges;
}

void tc_kg_edge_get(const tc_kg *kg, size_t edge, tc_kg_edge *out)
{
	const struct kg_edge *e = &kg->edges[edge];

	out->id = e->id;
	out->source = e->source;
	out->target = e->target;
	out->kind = e->kind;
	out->lag_days = e->lag;
	out->rate = e->rate;
	out->line = e->line;
}

size_t tc_kg_in_count(const tc_kg *kg, size_t node)
{
	return kg->in_start[node + 1] - kg->in_start[node];
}

size_t tc_kg_in_edge(const tc_kg *kg, size_t node, size_t i)
{
	return kg->in_list[kg->in_start[node] + i];
}

size_t tc_kg_out_count(const tc_kg *kg, size_t node)
{
	return kg->out_start[node + 1] - kg->out_start[node];
}

size_t tc_kg_out_edge(const tc_kg *kg, size_t node, size_t i)
{
	return kg->out_list[kg->out_start[node] + i];
}

const size_t *tc_kg_order(const tc_kg *kg, size_t *count)
{
	if (count)
		*count = kg->n_nodes;
	return kg->order;
}

int64_t tc_kg_max_lag(const tc_kg *kg)
{
	return kg->max_lag;
}

const size_t *tc_kg_first_day_order(const tc_kg *kg, size_t *count)
{
	if (count)
		*count = kg->n_nodes;
	return kg->first_order;
}

size_t tc_kg_node_cycle(const tc_kg *kg, size_t node)
{
	return kg->cycle[node];
}

size_t tc_kg_cycle_count(const tc_kg *kg)
{
	return kg->n_cycles;
}
