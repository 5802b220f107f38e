/*
 * scn_money.c - the money of a scenario: budgets, the committed-spend
 * contract, and the prices of a price change, all exact.
 */
#include <stdlib.h>
#include <string.h>

#include "scn_int.h"

#define MULT_MAX (100 * (int64_t)TC_MULT_ONE)

/* The per-class budgets of budget.classes, appended to list. */
static void class_budgets(struct scn_ctx *c, const scn_ynode *m,
			  tc_scn_budget *list, size_t *n)
{
	tc_scn_budget *b;
	size_t i;

	if (m->type != SCN_Y_MAP) {
		scn_error(c, m, "budget.classes: expected a mapping of "
			  "class: amount, got %s", scn_ytype_name(m));
		return;
	}
	for (i = 0; i + 1 < m->n; i += 2) {
		b = &list[*n];
		memset(b, 0, sizeof *b);
		b->node = SIZE_MAX;
		b->file = c->file;
		b->line = m->kids[i]->line;
		if (scn_node(c, m->kids[i], TC_KG_AT_CLASS, "class",
			     &b->class_id, &b->node) != TC_OK ||
		    scn_money(c, m->kids[i + 1], 1, &b->amount) != TC_OK)
			continue;
		b->class_id = scn_str(c, b->class_id);
		(*n)++;
	}
}

/*
 * budget: {total: USD, classes: {class: USD}}, per quarter. A file's
 * budget replaces the one of the scenario it extends.
 */
tc_status scn_parse_budget(struct scn_ctx *c, const scn_ynode *map)
{
	static const char *const keys[] = {"total", "classes", NULL};
	const scn_ynode *total, *classes;
	tc_scn_budget *list;
	size_t n = 0;

	if (map->type != SCN_Y_MAP)
		return scn_error(c, map, "budget: expected a mapping with "
				 "total and classes, got %s",
				 scn_ytype_name(map));
	scn_check_keys(c, map, keys, "the budget");
	total = scn_ymap_get(map, "total");
	classes = scn_ymap_get(map, "classes");
	list = calloc(1 + (classes ? classes->n / 2 : 0), sizeof *list);
	if (!list)
		return TC_ERR_NOMEM;
	if (total && scn_money(c, total, 1, &list[0].amount) == TC_OK) {
		list[0].node = SIZE_MAX;
		list[0].file = c->file;
		list[0].line = total->line;
		n = 1;
	}
	if (classes)
		class_budgets(c, classes, list, &n);
	free(c->sc->budgets);
	c->sc->budgets = list;
	c->sc->n_budgets = n;
	return TC_OK;
}

/* The overage terms: a discount or a multiplier, default list price. */
static void overage(struct scn_ctx *c, const scn_ynode *map,
		    tc_scn_contract *k)
{
	const scn_ynode *d = scn_ymap_get(map, "overage_discount");
	const scn_ynode *m = scn_ymap_get(map, "overage_multiplier");
	int64_t x;

	k->overage_mult = TC_MULT_ONE;
	if (d && m)
		scn_error(c, m, "give overage_discount or "
			  "overage_multiplier, not both");
	else if (d && scn_mult(c, d, 0, TC_MULT_ONE, &x) == TC_OK)
		k->overage_mult = TC_MULT_ONE - x;
	else if (m)
		scn_mult(c, m, 0, MULT_MAX, &k->overage_mult);
}

/*
 * contract: {commitment: USD, discount: 0..1, overage_discount or
 * overage_multiplier}, per quarter.
 */
tc_status scn_parse_contract(struct scn_ctx *c, const scn_ynode *map)
{
	static const char *const keys[] = {
		"commitment", "discount", "overage_discount",
		"overage_multiplier", NULL,
	};
	tc_scn_contract k;
	const scn_ynode *v;
	int64_t d = 0;
	size_t before = c->errors;

	if (map->type != SCN_Y_MAP)
		return scn_error(c, map, "contract: expected a mapping with "
				 "commitment and discount, got %s",
				 scn_ytype_name(map));
	scn_check_keys(c, map, keys, "the contract");
	memset(&k, 0, sizeof k);
	k.file = c->file;
	k.line = map->line;
	v = scn_ymap_get(map, "commitment");
	if (!v)
		scn_error(c, map, "a contract needs 'commitment' (USD per "
			  "quarter)");
	else
		scn_money(c, v, 1, &k.commitment);
	v = scn_ymap_get(map, "discount");
	if (v && scn_mult(c, v, 0, TC_MULT_ONE - 1, &d) != TC_OK)
		d = 0;
	k.commit_mult = TC_MULT_ONE - d;
	overage(c, map, &k);
	if (c->errors > before)
		return TC_ERR_INVALID;
	c->sc->contract = k;
	c->sc->has_contract = 1;
	return TC_OK;
}

/* The negotiated rates of a price change: bucket: USD per million. */
static tc_status parse_rates(struct scn_ctx *c, const scn_ynode *m,
			     tc_rates *r)
{
	static const char *const keys[] = {
		"input", "cache_read", "cache_write_5m", "cache_write_1h",
		"output", "reasoning", NULL,
	};
	int64_t *slots[] = {
		&r->input, &r->cache_read, &r->cache_write_5m,
		&r->cache_write_1h, &r->output, &r->reasoning,
	};
	const scn_ynode *v;
	size_t i, given = 0;

	if (m->type != SCN_Y_MAP)
		return scn_error(c, m, "rates: expected a mapping of bucket: "
				 "USD per million tokens, got %s",
				 scn_ytype_name(m));
	if (scn_check_keys(c, m, keys, "rates") != TC_OK)
		return TC_ERR_INVALID;
	for (i = 0; keys[i]; i++) {
		v = scn_ymap_get(m, keys[i]);
		if (!v)
			continue;
		given++;
		if (v->type != SCN_Y_SCALAR ||
		    tc_rate_parse(v->text, slots[i]) != TC_OK)
			scn_error(c, v, "rates.%s: expected USD per million "
				  "tokens such as 2.4, at most 9 decimal "
				  "places", keys[i]);
	}
	if (!given)
		return scn_error(c, m, "rates: give at least one bucket");
	return TC_OK;
}

tc_status scn_parse_price(struct scn_ctx *c, const scn_ynode *map,
			  tc_scn_change *ch)
{
	const scn_ynode *mult = scn_ymap_get(map, "multiplier");
	const scn_ynode *disc = scn_ymap_get(map, "discount");
	const scn_ynode *rates = scn_ymap_get(map, "rates");
	int64_t d;

	if (!!mult + !!disc + !!rates != 1)
		return scn_error(c, map, "a price change gives one of "
				 "multiplier, discount or rates");
	if (mult)
		return scn_mult(c, mult, 0, MULT_MAX, &ch->multiplier);
	if (disc) {
		if (scn_mult(c, disc, 0, TC_MULT_ONE, &d) != TC_OK)
			return TC_ERR_INVALID;
		ch->multiplier = TC_MULT_ONE - d;
		return TC_OK;
	}
	return parse_rates(c, rates, &ch->rates);
}
