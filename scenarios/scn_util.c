/*
 * scn_util.c - helpers of the scenario reader: the memory pool, messages
 * at YAML positions, and checked conversions of YAML values into specs,
 * dates, node indices, model ids and exact money.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_int.h"

/* Adds p to the pool, freeing it when the pool cannot grow. */
static void *pool_add(struct scn_ctx *c, void *p)
{
	struct scn_pool *pl = &c->sc->pool;
	void **grown;
	size_t ncap;

	if (!p) {
		c->nomem = 1;
		return NULL;
	}
	if (pl->n == pl->cap) {
		ncap = pl->cap ? pl->cap * 2 : 32;
		grown = realloc(pl->blocks, ncap * sizeof *grown);
		if (!grown) {
			free(p);
			c->nomem = 1;
			return NULL;
		}
		pl->blocks = grown;
		pl->cap = ncap;
	}
	pl->blocks[pl->n++] = p;
	return p;
}

void *scn_alloc(struct scn_ctx *c, size_t size)
{
	return pool_add(c, calloc(1, size ? size : 1));
}

const char *scn_str(struct scn_ctx *c, const char *s)
{
	return s ? pool_add(c, tci_strdup(s)) : NULL;
}

const tc_spec *scn_keep(struct scn_ctx *c, tc_spec *spec)
{
	struct scn_pool *pl = &c->sc->pool;
	tc_spec **grown;
	size_t ncap;

	if (pl->n_specs == pl->cap_specs) {
		ncap = pl->cap_specs ? pl->cap_specs * 2 : 32;
		grown = realloc(pl->specs, ncap * sizeof *grown);
		if (!grown) {
			tc_spec_free(spec);
			c->nomem = 1;
			return NULL;
		}
		pl->specs = grown;
		pl->cap_specs = ncap;
	}
	pl->specs[pl->n_specs++] = spec;
	return spec;
}

void scn_pool_free(struct scn_pool *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->blocks[i]);
	for (i = 0; i < p->n_specs; i++)
		tc_spec_free(p->specs[i]);
	free(p->blocks);
	free(p->specs);
	memset(p, 0, sizeof *p);
}

/* Formats and records one diagnostic at a node. */
static void say(struct scn_ctx *c, tc_severity sev, const scn_ynode *at,
		const char *fmt, va_list ap)
{
	char msg[TC_ERROR_MESSAGE_MAX];
	long line = at ? at->line : 0, col = at ? at->column : 0;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (sev == TC_SEV_ERROR) {
		c->errors++;
		tci_error_at(c->err, TC_ERR_INVALID, c->file, line, col, NULL,
			     "%s", msg);
	}
	if (tci_diag(c->diags, sev, TC_ERR_INVALID, c->file, line, col, "",
		     "%s", msg) != TC_OK)
		c->nomem = 1;
}

tc_status scn_error(struct scn_ctx *c, const scn_ynode *at,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(c, TC_SEV_ERROR, at, fmt, ap);
	va_end(ap);
	return TC_ERR_INVALID;
}

void scn_warn(struct scn_ctx *c, const scn_ynode *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(c, TC_SEV_WARNING, at, fmt, ap);
	va_end(ap);
}

const char *scn_nearest(const char *word, const char *const *list,
			size_t n)
{
	const char *best = NULL;
	size_t i, d, best_d = 3;

	for (i = 0; i < n; i++) {
		d = tci_edit_distance(word, list[i], 2);
		if (d < best_d) {
			best_d = d;
			best = list[i];
		}
	}
	return best;
}

tc_status scn_check_keys(struct scn_ctx *c, const scn_ynode *map,
			 const char *const *allowed, const char *what)
{
	const scn_ynode *k;
	const char *near;
	size_t i, j, n = 0;
	tc_status st = TC_OK;

	while (allowed[n])
		n++;
	for (i = 0; i + 1 < map->n; i += 2) {
		k = map->kids[i];
		if (k->type != SCN_Y_SCALAR)
			continue;
		for (j = 0; j < n && strcmp(k->text, allowed[j]); j++)
			;
		if (j < n)
			continue;
		near = scn_nearest(k->text, allowed, n);
		if (near)
			st = scn_error(c, k, "unknown key '%s' in %s (did "
				       "you mean '%s'?)", k->text, what, near);
		else
			st = scn_error(c, k, "unknown key '%s' in %s",
				       k->text, what);
	}
	return st;
}

tc_status scn_scalar(struct scn_ctx *c, const scn_ynode *v,
		     const char *what, const char **text)
{
	if (!v || v->type != SCN_Y_SCALAR)
		return scn_error(c, v, "expected %s, got %s", what,
				 scn_ytype_name(v));
	*text = v->text;
	return TC_OK;
}

/* Parses a scalar into a spec, errors at the column of the problem. */
static tc_status parse_spec(struct scn_ctx *c, const scn_ynode *v,
			    tc_spec **out)
{
	tc_spec_parse_opts po = {0};
	tc_error e = {0};
	const char *text = NULL;
	tc_status st;
	long col;

	*out = NULL;
	st = scn_scalar(c, v, "a number or a spec", &text);
	if (st != TC_OK)
		return st;
	po.base_dir = c->dir;
	st = tc_spec_parse(text, &po, out, &e);
	if (st == TC_ERR_NOMEM) {
		c->nomem = 1;
		return st;
	}
	if (st == TC_OK)
		return TC_OK;
	col = v->column + (v->quoted ? 1 : 0) +
	      (e.column > 0 ? e.column - 1 : 0);
	c->errors++;
	tci_error_at(c->err, TC_ERR_INVALID, c->file, v->line, col, NULL,
		     "'%s': %s", text, e.message);
	tci_diag(c->diags, TC_SEV_ERROR, TC_ERR_INVALID, c->file, v->line,
		 col, "", "'%s': %s", text, e.message);
	return TC_ERR_INVALID;
}

tc_status scn_spec(struct scn_ctx *c, const scn_ynode *v,
		   const tc_kg_attr_info *info, const char *label,
		   const tc_spec **out)
{
	tc_error e = {0};
	tc_spec *spec;
	double outside = 0;
	tc_status st;

	*out = NULL;
	st = parse_spec(c, v, &spec);
	if (st != TC_OK)
		return st;
	if (info) {
		st = tc_kg_check_spec(info, spec, &outside, &e);
		if (st != TC_OK) {
			tc_spec_free(spec);
			return scn_error(c, v, "%s: %s", label, e.message);
		}
		if (outside > 0.01)
			scn_warn(c, v, "%s: %.1f%% of the spec's mass lies "
				 "outside the domain (such draws are "
				 "redrawn)", label, 100 * outside);
	} else if (tc_spec_has_date(spec)) {
		tc_spec_free(spec);
		return scn_error(c, v, "%s: expected a number, got a date",
				 label);
	}
	*out = scn_keep(c, spec);
	return *out ? TC_OK : TC_ERR_NOMEM;
}

/* Checks a date spec against the horizon [start, start + days). */
static void check_horizon(struct scn_ctx *c, const scn_ynode *v,
			  const tc_spec *spec)
{
	int64_t lo = c->opts->horizon_start;
	int64_t hi = lo + c->opts->horizon_days;
	char a[16], b[16];
	double x, mass = 0;

	tci_format_date(lo, a, sizeof a);
	tci_format_date(hi - 1, b, sizeof b);
	if (tc_spec_is_constant(spec, &x)) {
		if (floor(x) < (double)lo || floor(x) >= (double)hi)
			scn_error(c, v, "date %s is outside the horizon "
				  "%s .. %s", v->text, a, b);
		return;
	}
	if (tc_spec_mass_outside(spec, (double)lo, (double)hi, &mass) !=
	    TC_OK)
		return;
	if (mass >= 0.999999)
		scn_error(c, v, "every date of %s lies outside the horizon "
			  "%s .. %s", v->text, a, b);
	else if (mass > 0.01)
		scn_warn(c, v, "%.1f%% of the dates of %s lie outside the "
			 "horizon %s .. %s", 100 * mass, v->text, a, b);
}

tc_status scn_date(struct scn_ctx *c, const scn_ynode *v,
		   const tc_spec **out)
{
	tc_spec *spec;
	tc_status st;

	*out = NULL;
	st = parse_spec(c, v, &spec);
	if (st != TC_OK)
		return st;
	if (!tc_spec_has_date(spec)) {
		tc_spec_free(spec);
		return scn_error(c, v, "expected a date YYYY-MM-DD or a spec "
				 "of dates, got '%s'", v->text);
	}
	if (c->opts->horizon_days > 0)
		check_horizon(c, v, spec);
	*out = scn_keep(c, spec);
	return *out ? TC_OK : TC_ERR_NOMEM;
}

unsigned scn_node_where(const tc_kg *kg, size_t node)
{
	int root = tc_kg_node_is_root(kg, node);

	if (tc_kg_node_kind(kg, node) == TC_KG_KPI)
		return root ? TC_KG_AT_ROOT_KPI : TC_KG_AT_DRIVEN_KPI;
	return root ? TC_KG_AT_ROOT_CLASS : TC_KG_AT_DRIVEN_CLASS;
}

/* The node id nearest to a misspelt one, or NULL. */
static const char *nearest_node(const tc_kg *kg, const char *id)
{
	const char *best = NULL;
	size_t i, d, best_d = 3;

	for (i = 0; i < tc_kg_node_count(kg); i++) {
		d = tci_edit_distance(id, tc_kg_node_id(kg, i), 2);
		if (d < best_d) {
			best_d = d;
			best = tc_kg_node_id(kg, i);
		}
	}
	return best;
}

/* Names a node's position: "a kpi", "a driven class". */
static const char *where_name(unsigned where)
{
	switch (where) {
	case TC_KG_AT_ROOT_KPI:
		return "a root kpi";
	case TC_KG_AT_DRIVEN_KPI:
		return "a driven kpi";
	case TC_KG_AT_ROOT_CLASS:
		return "a root class";
	default:
		return "a driven class";
	}
}

tc_status scn_node(struct scn_ctx *c, const scn_ynode *v, unsigned kinds,
		   const char *what, const char **id, size_t *index)
{
	const char *near;
	unsigned where;
	tc_status st;

	*index = SIZE_MAX;
	st = scn_scalar(c, v, what, id);
	if (st != TC_OK || !c->kg)
		return st;
	if (!tc_kg_find_node(c->kg, *id, index)) {
		near = nearest_node(c->kg, *id);
		if (near)
			return scn_error(c, v, "unknown %s '%s' (did you "
					 "mean '%s'?)", what, *id, near);
		return scn_error(c, v, "unknown %s '%s': the graph has no "
				 "such node", what, *id);
	}
	where = scn_node_where(c->kg, *index);
	if (!(where & kinds))
		return scn_error(c, v, "'%s' is %s, but this change needs "
				 "a %s", *id, where_name(where), what);
	return TC_OK;
}

tc_status scn_model(struct scn_ctx *c, const scn_ynode *v,
		    const char **model)
{
	char hint[256] = "";
	tc_status st;

	st = scn_scalar(c, v, "a model id", model);
	if (st != TC_OK || !c->opts->catalog)
		return st;
	if (tc_catalog_model_check(c->opts->catalog, *model, hint,
				   sizeof hint))
		return TC_OK;
	return scn_error(c, v, "unknown model '%s'%s%s", *model,
			 hint[0] ? "; " : "", hint);
}

tc_status scn_money(struct scn_ctx *c, const scn_ynode *v, int positive,
		    tc_money *out)
{
	const char *text = NULL;
	tc_status st;

	st = scn_scalar(c, v, "an amount in USD", &text);
	if (st != TC_OK)
		return st;
	if (tc_money_parse(text, out) != TC_OK)
		return scn_error(c, v, "expected an amount in USD such as "
				 "250000 or 1234.50, got '%s'", text);
	if (*out < 0 || (positive && *out == 0))
		return scn_error(c, v, "the amount must be %s 0, got '%s'",
				 positive ? "above" : "at least", text);
	return TC_OK;
}

/*
 * Parses a plain decimal into millionths exactly, through the rate
 * parser (a rate per million tokens is in 1e-15 USD per token, so a
 * decimal d gives d x 1e9, of which millionths are 1/1000).
 */
tc_status scn_mult(struct scn_ctx *c, const scn_ynode *v, int64_t lo,
		   int64_t hi, int64_t *out)
{
	const char *text = NULL;
	int64_t units;
	tc_status st;

	st = scn_scalar(c, v, "a decimal number", &text);
	if (st != TC_OK)
		return st;
	if (tc_rate_parse(text, &units) != TC_OK || units % 1000 != 0)
		return scn_error(c, v, "expected a decimal such as 0.8 with "
				 "at most 6 decimal places, got '%s'", text);
	*out = units / 1000;
	if (*out < lo || *out > hi)
		return scn_error(c, v, "'%s' is outside [%g, %g]", text,
				 lo / 1e6, hi / 1e6);
	return TC_OK;
}
