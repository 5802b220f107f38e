/*
 * kg_cycles.c - the cycles of a knowledge graph over all its edges,
 * lagged or not: which nodes share a cycle, the order of the first day,
 * and each cycle's gain.
 *
 * On the first day, an edge with a lag reads its source's first-day value
 * (model.md), so day 0 needs an order that respects every edge; nodes on
 * a cycle are resolved together as the steady state x = b + A x, which
 * exists when the gain (the spectral radius of A) is below 1.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kgi.h"

#define UNSET ((size_t)-1)

/* Tarjan's strongly connected components, without recursion. */
struct scc_work {
	const tc_kg *kg;
	size_t *index, *low, *stack, *frame_v, *frame_i, *comp;
	unsigned char *on_stack;
	size_t next_index, sp, fp, ncomp;
};

/* Pushes v as a new frame of the walk. */
static void scc_visit(struct scc_work *w, size_t v)
{
	w->index[v] = w->low[v] = w->next_index++;
	w->stack[w->sp++] = v;
	w->on_stack[v] = 1;
	w->frame_v[w->fp] = v;
	w->frame_i[w->fp++] = w->kg->out_start[v];
}

/* Pops the component rooted at v off the node stack. */
static void scc_close(struct scc_work *w, size_t v)
{
	size_t u;

	do {
		u = w->stack[--w->sp];
		w->on_stack[u] = 0;
		w->comp[u] = w->ncomp;
	} while (u != v);
	w->ncomp++;
}

/* Walks from root; components are numbered in reverse topological order. */
static void scc_from(struct scc_work *w, size_t root)
{
	const tc_kg *kg = w->kg;
	size_t v, u, e;

	scc_visit(w, root);
	while (w->fp > 0) {
		v = w->frame_v[w->fp - 1];
		if (w->frame_i[w->fp - 1] < kg->out_start[v + 1]) {
			e = kg->out_list[w->frame_i[w->fp - 1]++];
			u = kg->edges[e].target;
			if (w->index[u] == UNSET)
				scc_visit(w, u);
			else if (w->on_stack[u] && w->index[u] < w->low[v])
				w->low[v] = w->index[u];
			continue;
		}
		w->fp--;
		if (w->low[v] == w->index[v])
			scc_close(w, v);
		if (w->fp > 0) {
			u = w->frame_v[w->fp - 1];
			if (w->low[v] < w->low[u])
				w->low[u] = w->low[v];
		}
	}
}

static void scc_free(struct scc_work *w)
{
	free(w->index);
	free(w->low);
	free(w->stack);
	free(w->frame_v);
	free(w->frame_i);
	free(w->on_stack);
}

/* Fills comp[n] with component numbers; returns their count or UNSET. */
static size_t components(const tc_kg *kg, size_t *comp)
{
	struct scc_work w;
	size_t n = kg->n_nodes ? kg->n_nodes : 1, v;

	memset(&w, 0, sizeof w);
	w.kg = kg;
	w.comp = comp;
	w.index = malloc(n * sizeof *w.index);
	w.low = malloc(n * sizeof *w.low);
	w.stack = malloc(n * sizeof *w.stack);
	w.frame_v = malloc(n * sizeof *w.frame_v);
	w.frame_i = malloc(n * sizeof *w.frame_i);
	w.on_stack = calloc(n, 1);
	if (!w.index || !w.low || !w.stack || !w.frame_v || !w.frame_i ||
	    !w.on_stack) {
		scc_free(&w);
		return UNSET;
	}
	for (v = 0; v < kg->n_nodes; v++)
		w.index[v] = UNSET;
	for (v = 0; v < kg->n_nodes; v++)
		if (w.index[v] == UNSET)
			scc_from(&w, v);
	scc_free(&w);
	return w.ncomp;
}

/* The mean of a spec, or NAN when it has none in closed form. */
static double spec_mean(const tc_spec *spec)
{
	double m;

	if (!spec || tc_spec_mean(spec, &m) != TC_OK)
		return NAN;
	return m;
}

/* The factor (1 + retry_rate) a class applies to its incoming calls. */
static double retry_factor(const tc_kg *kg, size_t node)
{
	const tc_spec *r = kg->nodes[node].spec[TC_KG_RETRY_RATE];

	return r ? 1 + spec_mean(r) : 1;
}

/*
 * The factors of the edges inside component c into f (indexed by edge):
 * the mean rate times 1 + retry_rate of a target class. Returns 0 when
 * a mean is unknown.
 */
static int edge_factors(const tc_kg *kg, const size_t *members, size_t m,
			const size_t *comp, double *f)
{
	size_t i, j, e, t;

	for (i = 0; i < m; i++) {
		t = members[i];
		for (j = kg->in_start[t]; j < kg->in_start[t + 1]; j++) {
			e = kg->in_list[j];
			if (comp[kg->edges[e].source] != comp[t])
				continue;
			f[e] = spec_mean(kg->edges[e].rate) *
			       retry_factor(kg, t);
			if (!isfinite(f[e]))
				return 0;
		}
	}
	return 1;
}

/* One step of y = (A + I) x over the members of a component. */
static void gain_step(const tc_kg *kg, const size_t *members, size_t m,
		      const size_t *comp, const double *f, const double *x,
		      double *y, const size_t *slot)
{
	size_t i, j, e, t;

	for (i = 0; i < m; i++) {
		t = members[i];
		y[i] = x[i];
		for (j = kg->in_start[t]; j < kg->in_start[t + 1]; j++) {
			e = kg->in_list[j];
			if (comp[kg->edges[e].source] == comp[t])
				y[i] += f[e] * x[slot[kg->edges[e].source]];
		}
	}
}

/* Work arrays of the gain: per node, per node, per node, per edge. */
struct gain_work {
	size_t *members, *slot;
	double *x, *y, *f;
};

/*
 * The spectral radius of a component's mean-rate matrix A, by power
 * iteration on A + I (primitive, so the iteration converges even for a
 * single loop), bracketed by the Collatz-Wielandt bounds min and max of
 * ((A + I) x)_i / x_i. Without convergence, returns the lower bound.
 * NAN when a rate has no mean.
 */
static double gain(const tc_kg *kg, size_t m, const size_t *comp,
		   struct gain_work *w)
{
	double lo = 0, hi = 0, q, s;
	size_t i, it;

	if (!edge_factors(kg, w->members, m, comp, w->f))
		return NAN;
	for (i = 0; i < m; i++)
		w->x[i] = 1;
	for (it = 0; it < 1000; it++) {
		gain_step(kg, w->members, m, comp, w->f, w->x, w->y, w->slot);
		lo = HUGE_VAL;
		hi = s = 0;
		for (i = 0; i < m; i++) {
			q = w->y[i] / w->x[i];
			lo = q < lo ? q : lo;
			hi = q > hi ? q : hi;
			s = w->y[i] > s ? w->y[i] : s;
		}
		for (i = 0; i < m; i++)
			w->x[i] = w->y[i] / s + 1e-300;
		if (hi - lo < 1e-12 * hi)
			return (lo + hi) / 2 - 1;
		if (hi < 2 - 1e-6)
			break;	/* surely below 1: nothing to report */
	}
	return lo - 1;	/* a lower bound */
}

/* A node with its sort keys for the first-day order. */
struct day0_key {
	size_t comp_rank;	/* topological rank of its component */
	size_t pos;		/* its place in the same-day order */
	size_t node;
};

static int day0_cmp(const void *pa, const void *pb)
{
	const struct day0_key *a = pa, *b = pb;

	if (a->comp_rank != b->comp_rank)
		return a->comp_rank < b->comp_rank ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/*
 * Orders the nodes for the first day: components in topological order
 * (Tarjan numbers them in reverse), and within one the same-day order.
 */
static tc_status first_day_order(tc_kg *kg, const size_t *comp,
				 size_t ncomp)
{
	size_t n = kg->n_nodes, i;
	struct day0_key *keys = malloc((n ? n : 1) * sizeof *keys);

	kg->first_order = malloc((n ? n : 1) * sizeof *kg->first_order);
	if (!keys || !kg->first_order) {
		free(keys);
		return TC_ERR_NOMEM;
	}
	for (i = 0; i < n; i++) {
		keys[kg->order[i]].pos = i;
		keys[kg->order[i]].node = kg->order[i];
		keys[kg->order[i]].comp_rank = ncomp - 1 - comp[kg->order[i]];
	}
	qsort(keys, n, sizeof *keys, day0_cmp);
	for (i = 0; i < n; i++)
		kg->first_order[i] = keys[i].node;
	free(keys);
	return TC_OK;
}

/* Numbers the cycles 1, 2, ... in first-day order into kg->cycle. */
static tc_status number_cycles(tc_kg *kg, const size_t *comp, size_t ncomp)
{
	size_t n = kg->n_nodes, i, e, c, *size, *label;

	kg->cycle = calloc(n ? n : 1, sizeof *kg->cycle);
	size = calloc(ncomp + 1, sizeof *size);
	label = calloc(ncomp + 1, sizeof *label);
	if (!kg->cycle || !size || !label) {
		free(size);
		free(label);
		return TC_ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		size[comp[i]]++;
	for (e = 0; e < kg->n_edges; e++)
		if (kg->edges[e].ok &&
		    kg->edges[e].source == kg->edges[e].target)
			size[comp[kg->edges[e].source]] = 2;	/* a loop */
	for (i = 0; i < n; i++) {
		c = comp[kg->first_order[i]];
		if (size[c] > 1 && !label[c])
			label[c] = ++kg->n_cycles;
		kg->cycle[kg->first_order[i]] = label[c];
	}
	free(size);
	free(label);
	return TC_OK;
}

/* Reports cycle number c when its gain at the mean rates is >= 1. */
static tc_status check_gain(tc_kg *kg, size_t c, const size_t *comp,
			    struct gain_work *w, tc_diags *diags,
			    size_t *errors)
{
	char el[TC_ERROR_ELEMENT_MAX];
	size_t i, m = 0;
	double g;
	tci_buf b;
	tc_status st;

	for (i = 0; i < kg->n_nodes; i++)
		if (kg->cycle[i] == c) {
			w->slot[i] = m;
			w->members[m++] = i;
		}
	g = gain(kg, m, comp, w);
	if (!(g >= 1 - 1e-9))
		return TC_OK;	/* below 1, or unknown (NAN) */

	tci_buf_init(&b);
	for (i = 0; i < m && i < 20; i++)
		tci_buf_addf(&b, "%s'%s'", i ? ", " : "",
			     tc_graph_node_id(kg->g, w->members[i]));
	st = tci_buf_adds(&b, m > 20 ? ", ..." : "");
	tci_kg_node_element(kg, w->members[0], el, sizeof el);
	if (st == TC_OK)
		st = tci_diag(diags, TC_SEV_ERROR, TC_ERR_INVALID,
			      tc_graph_source(kg->g),
			      kg->nodes[w->members[0]].line, 0, el,
			      "the cycle through %s has gain %.4g at the "
			      "rates' means (rates times 1 + retry_rate "
			      "around the loop); a cycle needs a gain below "
			      "1, or it grows without bound", b.data, g);
	tci_buf_free(&b);
	if (st == TC_OK)
		(*errors)++;
	return st;
}

/* Checks the gain of every cycle. */
static tc_status check_gains(tc_kg *kg, const size_t *comp,
			     tc_diags *diags, size_t *errors)
{
	size_t n = kg->n_nodes ? kg->n_nodes : 1, c;
	struct gain_work w;
	tc_status st = TC_OK;

	w.members = malloc(n * sizeof *w.members);
	w.slot = malloc(n * sizeof *w.slot);
	w.x = malloc(n * sizeof *w.x);
	w.y = malloc(n * sizeof *w.y);
	w.f = malloc((kg->n_edges ? kg->n_edges : 1) * sizeof *w.f);
	if (!w.members || !w.slot || !w.x || !w.y || !w.f)
		st = TC_ERR_NOMEM;
	for (c = 1; st == TC_OK && c <= kg->n_cycles; c++)
		st = check_gain(kg, c, comp, &w, diags, errors);
	free(w.members);
	free(w.slot);
	free(w.x);
	free(w.y);
	free(w.f);
	return st;
}

tc_status tci_kg_cycles(tc_kg *kg, tc_diags *diags, size_t *errors)
{
	size_t *comp = malloc((kg->n_nodes ? kg->n_nodes : 1) * sizeof *comp);
	size_t ncomp;
	tc_status st = TC_ERR_NOMEM;

	if (!comp)
		return st;
	ncomp = components(kg, comp);
	if (ncomp == UNSET)
		goto out;
	st = first_day_order(kg, comp, ncomp);
	if (st == TC_OK)
		st = number_cycles(kg, comp, ncomp);
	if (st == TC_OK)
		st = check_gains(kg, comp, diags, errors);
out:
	free(comp);
	return st;
}
