/*
 * scn_order.c - the graph's evaluation orders once a scenario's launch
 * edges (driven_by) are added, and the check that those edges close no
 * cycle. The graph's own orders (tc_kg_order, tc_kg_first_day_order)
 * are kept wherever the new edges allow, so a scenario without edges
 * evaluates exactly as the graph does.
 */
#include <stdlib.h>
#include <string.h>

#include "scn_int.h"

/*
 * Pushes on the stack the unvisited targets of the scenario's edges out
 * of node u: those of earlier LAUNCH changes and extra[0..n_extra),
 * the edges of the change being read, which end at extra_target.
 */
static int has_edge_from(const tc_scn_change *changes, size_t n_changes,
			 const tc_scn_edge *extra, size_t n_extra,
			 size_t extra_target, size_t u, int same_day,
			 size_t *visited, size_t *stack, size_t *top)
{
	size_t i, k;
	int found = 0;

	for (i = 0; i <= n_changes; i++) {
		const tc_scn_edge *es = i < n_changes ? changes[i].edges
						      : extra;
		size_t ne = i < n_changes ? changes[i].n_edges : n_extra;
		size_t t = i < n_changes ? changes[i].index : extra_target;

		if (i < n_changes && changes[i].kind != TC_SCN_LAUNCH)
			continue;
		for (k = 0; k < ne; k++) {
			if (es[k].source_node != u || t == SIZE_MAX ||
			    (same_day && es[k].lag_days > 0) || visited[t])
				continue;
			visited[t] = 1;
			stack[(*top)++] = t;
			found = 1;
		}
	}
	return found;
}

/*
 * 1 when target reaches source through the graph's edges (only
 * same-day ones when same_day) and the scenario's edges so far (those
 * of earlier changes, and extra[0..n_extra) of the change being read,
 * which end at target).
 */
int scn_reaches(struct scn_ctx *c, size_t from, size_t to, int same_day,
		const tc_scn_edge *extra, size_t n_extra, size_t target)
{
	size_t n = tc_kg_node_count(c->kg), top = 0, u, i, ei;
	size_t *visited = calloc(n, sizeof *visited);
	size_t *stack = malloc((n + 1) * sizeof *stack);
	tc_kg_edge e;
	int hit = 0;

	if (!visited || !stack) {
		c->nomem = 1;
		goto out;
	}
	visited[from] = 1;
	stack[top++] = from;
	while (top && !hit) {
		u = stack[--top];
		if (u == to) {
			hit = 1;
			break;
		}
		for (i = 0; i < tc_kg_out_count(c->kg, u); i++) {
			ei = tc_kg_out_edge(c->kg, u, i);
			tc_kg_edge_get(c->kg, ei, &e);
			if ((same_day && e.lag_days > 0) || visited[e.target])
				continue;
			visited[e.target] = 1;
			stack[top++] = e.target;
		}
		has_edge_from(c->sc->changes, c->sc->n_changes, extra, n_extra,
			      target, u, same_day, visited, stack, &top);
	}
out:
	free(visited);
	free(stack);
	return hit;
}

/* A min-heap of units keyed by their position in the graph's order. */
struct heap {
	size_t *key;	/* per unit */
	size_t *a;
	size_t n;
};

static void heap_push(struct heap *h, size_t u)
{
	size_t i = h->n++, p, tmp;

	h->a[i] = u;
	while (i > 0) {
		p = (i - 1) / 2;
		if (h->key[h->a[p]] <= h->key[h->a[i]])
			break;
		tmp = h->a[p];
		h->a[p] = h->a[i];
		h->a[i] = tmp;
		i = p;
	}
}

static size_t heap_pop(struct heap *h)
{
	size_t top = h->a[0], i = 0, l, m, tmp;

	h->a[0] = h->a[--h->n];
	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < h->n && h->key[h->a[l]] < h->key[h->a[m]])
			m = l;
		if (l + 1 < h->n && h->key[h->a[l + 1]] < h->key[h->a[m]])
			m = l + 1;
		if (m == i)
			return top;
		tmp = h->a[m];
		h->a[m] = h->a[i];
		h->a[i] = tmp;
		i = m;
	}
}

/* The work of one order: units (a node, or a whole cycle on day 0). */
struct ord {
	const tc_kg *kg;
	size_t n;
	const size_t *base;	/* the graph's order */
	size_t *unit;		/* node -> unit */
	size_t *indeg;		/* per unit */
	struct heap h;
	int same_day;
};

/* Counts (or, when dec, releases) the in-edges of an edge's unit. */
static void dep(struct ord *o, size_t s, size_t t, int64_t lag, int dec)
{
	size_t us = o->unit[s], ut = o->unit[t];

	if (us == ut || (o->same_day && lag > 0))
		return;
	if (!dec)
		o->indeg[ut]++;
	else if (--o->indeg[ut] == 0)
		heap_push(&o->h, ut);
}

/* Every edge out of node v, the graph's and the scenario's. */
static void each_out(struct ord *o, const tc_scenario *sc, size_t v,
		     int dec)
{
	tc_kg_edge e;
	size_t i, k;

	for (i = 0; i < tc_kg_out_count(o->kg, v); i++) {
		tc_kg_edge_get(o->kg, tc_kg_out_edge(o->kg, v, i), &e);
		dep(o, v, e.target, e.lag_days, dec);
	}
	for (i = 0; i < sc->n_changes; i++) {
		const tc_scn_change *ch = &sc->changes[i];

		for (k = 0; ch->kind == TC_SCN_LAUNCH && k < ch->n_edges; k++)
			if (ch->edges[k].source_node == v &&
			    ch->index != SIZE_MAX)
				dep(o, v, ch->index, ch->edges[k].lag_days,
				    dec);
	}
}

/* Sets up units: on the first day a cycle is one unit (model.md). */
static tc_status ord_init(struct ord *o, const tc_kg *kg, int first_day)
{
	size_t i, n = tc_kg_node_count(kg), cyc;

	memset(o, 0, sizeof *o);
	o->kg = kg;
	o->n = n;
	o->same_day = !first_day;
	o->base = first_day ? tc_kg_first_day_order(kg, &n)
			    : tc_kg_order(kg, &n);
	o->unit = malloc((n + 1) * sizeof *o->unit);
	o->indeg = calloc(n + 1, sizeof *o->indeg);
	o->h.key = malloc((n + 1) * sizeof *o->h.key);
	o->h.a = malloc((n + 1) * sizeof *o->h.a);
	if (!o->unit || !o->indeg || !o->h.key || !o->h.a)
		return TC_ERR_NOMEM;
	/* A unit is named by its first node in the graph's order, and
	 * keyed by that node's position. */
	for (i = 0; i < n; i++)
		o->unit[o->base[i]] = SIZE_MAX;
	for (i = 0; i < n; i++) {
		size_t v = o->base[i], j;

		if (o->unit[v] != SIZE_MAX)
			continue;
		o->unit[v] = v;
		o->h.key[v] = i;
		cyc = first_day ? tc_kg_node_cycle(kg, v) : 0;
		for (j = i + 1; cyc && j < n; j++)
			if (tc_kg_node_cycle(kg, o->base[j]) == cyc)
				o->unit[o->base[j]] = v;
	}
	return TC_OK;
}

static void ord_free(struct ord *o)
{
	free(o->unit);
	free(o->indeg);
	free(o->h.key);
	free(o->h.a);
}

tc_status tc_scenario_order(const tc_scenario *sc, const tc_kg *kg,
			    int first_day, size_t *out)
{
	struct ord o;
	size_t i, u, k = 0;
	tc_status st;

	if (!sc || !kg || !out)
		return TC_ERR_ARG;
	st = ord_init(&o, kg, first_day);
	for (i = 0; st == TC_OK && i < o.n; i++)
		each_out(&o, sc, i, 0);
	for (i = 0; st == TC_OK && i < o.n; i++)
		if (o.unit[i] == i && o.indeg[i] == 0)
			heap_push(&o.h, i);
	/* Kahn's algorithm, taking the unit first in the graph's order
	 * among those ready; a unit's nodes go out in the graph's order. */
	while (st == TC_OK && o.h.n) {
		u = heap_pop(&o.h);
		if (!first_day || !tc_kg_node_cycle(kg, u)) {
			out[k++] = u;
			each_out(&o, sc, u, 1);
			continue;
		}
		for (i = o.h.key[u]; i < o.n; i++) {
			if (o.unit[o.base[i]] != u)
				continue;
			out[k++] = o.base[i];
			each_out(&o, sc, o.base[i], 1);
		}
	}
	if (st == TC_OK && k != o.n)
		st = TC_ERR_INVALID;	/* a cycle the loader would refuse */
	ord_free(&o);
	return st;
}
