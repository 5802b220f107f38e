/*
 * kg_order.c - the dependency order of a knowledge graph and the cycles
 * that prevent one.
 *
 * Within a day, a node's value needs the values of the sources of its
 * lag-0 edges; edges with a lag read earlier days. So the order is a
 * topological order of the lag-0 edges alone, and a cycle is an error
 * exactly when all of its edges have lag 0.
 */
#include <stdlib.h>
#include <string.h>

#include "kgi.h"

/* At most this many cycles are reported, each with this many nodes. */
#define MAX_CYCLES 50
#define MAX_CYCLE_NODES 20

/* Work arrays of the ordering. */
struct order_work {
	tc_kg *kg;
	size_t *indeg;		/* lag-0 in-degree from live nodes */
	size_t *queue;
	unsigned char *alive;	/* not yet ordered or reported */
	size_t *stamp;		/* walk number that visited a node */
	size_t *path;
	size_t head, tail;
};

static int same_day(const tc_kg *kg, size_t e)
{
	return kg->edges[e].ok && kg->edges[e].lag == 0;
}

/* Takes node v out of the live set, queueing the targets it frees. */
static void retire(struct order_work *w, size_t v)
{
	tc_kg *kg = w->kg;
	size_t i, e, t;

	w->alive[v] = 0;
	for (i = kg->out_start[v]; i < kg->out_start[v + 1]; i++) {
		e = kg->out_list[i];
		t = kg->edges[e].target;
		if (!same_day(kg, e) || !w->alive[t])
			continue;
		if (--w->indeg[t] == 0)
			w->queue[w->tail++] = t;
	}
}

/* Kahn's algorithm over the queue; ordered nodes go to kg->order. */
static size_t peel(struct order_work *w, size_t done)
{
	size_t v;

	while (w->head < w->tail) {
		v = w->queue[w->head++];
		if (!w->alive[v])
			continue;
		w->kg->order[done++] = v;
		retire(w, v);
	}
	return done;
}

/* A live source of a lag-0 edge into v (one exists for a live v). */
static size_t live_source(struct order_work *w, size_t v)
{
	tc_kg *kg = w->kg;
	size_t i, e;

	for (i = kg->in_start[v]; i < kg->in_start[v + 1]; i++) {
		e = kg->in_list[i];
		if (same_day(kg, e) && w->alive[kg->edges[e].source])
			return kg->edges[e].source;
	}
	return v;
}

/*
 * Walks backwards from v along live lag-0 edges until a node repeats;
 * the nodes from the repeat on form a cycle, written forwards into
 * w->path. Returns its length.
 */
static size_t find_cycle(struct order_work *w, size_t v, size_t walk)
{
	size_t len = 0, i, start, n, tmp;

	while (w->stamp[v] != walk) {
		w->stamp[v] = walk;
		w->path[len++] = v;
		v = live_source(w, v);
	}
	for (start = 0; w->path[start] != v; start++)
		;
	n = len - start;
	memmove(w->path, w->path + start, n * sizeof *w->path);
	for (i = 0; i < n / 2; i++) {
		tmp = w->path[i];
		w->path[i] = w->path[n - 1 - i];
		w->path[n - 1 - i] = tmp;
	}
	return n;
}

/* Rotates the cycle to start at its first node in file order. */
static void rotate_to_first(size_t *path, size_t n)
{
	size_t i, k = 0, *tmp;

	for (i = 1; i < n; i++)
		if (path[i] < path[k])
			k = i;
	tmp = malloc(n * sizeof *tmp);
	if (!tmp)
		return;
	for (i = 0; i < n; i++)
		tmp[i] = path[(k + i) % n];
	memcpy(path, tmp, n * sizeof *tmp);
	free(tmp);
}

/* Reports the cycle in w->path as an error on its first node. */
static tc_status report_cycle(struct order_work *w, size_t n,
			      tc_diags *diags)
{
	tc_kg *kg = w->kg;
	tci_buf b;
	char el[TC_ERROR_ELEMENT_MAX];
	size_t i, shown = n < MAX_CYCLE_NODES ? n : MAX_CYCLE_NODES;
	tc_status st;

	rotate_to_first(w->path, n);
	tci_buf_init(&b);
	for (i = 0; i < shown; i++)
		tci_buf_addf(&b, "%s -> ", tc_graph_node_id(kg->g, w->path[i]));
	if (shown < n)
		tci_buf_addf(&b, "... (%zu nodes) -> ", n);
	st = tci_buf_adds(&b, tc_graph_node_id(kg->g, w->path[0]));
	if (st != TC_OK) {
		tci_buf_free(&b);
		return st;
	}
	tci_kg_node_element(kg, w->path[0], el, sizeof el);
	st = tci_diag(diags, TC_SEV_ERROR, TC_ERR_INVALID,
		      tc_graph_source(kg->g), kg->nodes[w->path[0]].line, 0,
		      el,
		      "cycle with no edge lagged by a day or more: %s; give "
		      "one of its edges lag_days >= 1, or write a loop within "
		      "a day as the expected number of calls in rate",
		      b.data);
	tci_buf_free(&b);
	return st;
}

/*
 * Reports cycles among the live nodes one at a time: each reported
 * cycle is retired, which frees what only it blocked, until none is
 * left.
 */
static tc_status report_cycles(struct order_work *w, tc_diags *diags,
			       size_t *errors)
{
	size_t v = 0, i, n, walk = 0, reported = 0, done = 0;
	tc_status st;

	/* Nodes before v are retired; each pass retires a cycle. */
	while (v < w->kg->n_nodes) {
		if (!w->alive[v]) {
			v++;
			continue;
		}
		n = find_cycle(w, v, ++walk);
		if (reported < MAX_CYCLES) {
			st = report_cycle(w, n, diags);
			if (st != TC_OK)
				return st;
			(*errors)++;
		}
		reported++;
		for (i = 0; i < n; i++)
			if (w->alive[w->path[i]])
				retire(w, w->path[i]);
		done = peel(w, done);
	}
	if (reported > MAX_CYCLES &&
	    tci_diag(diags, TC_SEV_ERROR, TC_ERR_INVALID,
		     tc_graph_source(w->kg->g), 0, 0, "graph",
		     "%zu more cycles with no lagged edge are not listed",
		     reported - MAX_CYCLES) == TC_OK)
		(*errors)++;
	return TC_OK;
}

static tc_status work_init(struct order_work *w, tc_kg *kg)
{
	size_t n = kg->n_nodes ? kg->n_nodes : 1;

	memset(w, 0, sizeof *w);
	w->kg = kg;
	w->indeg = calloc(n, sizeof *w->indeg);
	w->queue = malloc(n * sizeof *w->queue);
	w->alive = malloc(n);
	w->stamp = calloc(n, sizeof *w->stamp);
	w->path = malloc(n * sizeof *w->path);
	kg->order = malloc(n * sizeof *kg->order);
	if (!w->indeg || !w->queue || !w->alive || !w->stamp || !w->path ||
	    !kg->order)
		return TC_ERR_NOMEM;
	memset(w->alive, 1, n);
	return TC_OK;
}

static void work_free(struct order_work *w)
{
	free(w->indeg);
	free(w->queue);
	free(w->alive);
	free(w->stamp);
	free(w->path);
}

tc_status tci_kg_order(tc_kg *kg, tc_diags *diags, size_t *errors)
{
	struct order_work w;
	size_t v, e, done;
	tc_status st;

	st = work_init(&w, kg);
	if (st != TC_OK)
		goto out;

	for (e = 0; e < kg->n_edges; e++)
		if (same_day(kg, e))
			w.indeg[kg->edges[e].target]++;
	for (v = 0; v < kg->n_nodes; v++)
		if (w.indeg[v] == 0)
			w.queue[w.tail++] = v;
	done = peel(&w, 0);
	if (done == kg->n_nodes)
		goto out;

	/* What is left lies on or behind a cycle of lag-0 edges. */
	st = report_cycles(&w, diags, errors);
	if (st == TC_OK)
		st = TC_ERR_INVALID;
out:
	work_free(&w);
	return st;
}
