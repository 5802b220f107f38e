/*
 * test_scenario.c - scenario files: every change kind read into the
 * overlay with values known from the fixture text, every validation
 * error at its line and column, extends chains and cycles, hostile YAML,
 * and the pure helpers the engine uses (ramp, price changes).
 *
 * Fixtures are under tests/fixtures/scenario/ over the bundled
 * examples/assistant.graphml. Expected day numbers are days since
 * 1970-01-01, computed with Python's datetime:
 * (date(2027, 2, 1) - date(1970, 1, 1)).days = 20850, 2027-02-08 20857,
 * 2027-03-15 20892, 2027-03-01 20878, 2027-01-01 20819, 2027-01-15 20833,
 * 2027-02-10 20859.
 */
#define _XOPEN_SOURCE 700

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_test.h"
#include "tci.h"

#define D_FEB01 20850
#define D_FEB08 20857
#define D_FEB10 20859
#define D_MAR01 20878
#define D_MAR15 20892
#define D_JAN01 20819
#define D_JAN15 20833

/* One USD in tc_money units (1e21). */
#define USD ((tc_money)1000000000 * (tc_money)1000000000000)

/* What one case loaded. */
struct fx {
	tc_kg *kg;
	tc_catalog *cat;
	tc_scenario *sc;
	tc_diags *diags;
	tc_error err;
	tc_status st;
};

static tc_kg *example_kg(void)
{
	tc_kg *kg = NULL;
	tc_error err = {0};

	assert_int_equal(tc_kg_load_file(tc_source_path(
					 "examples/assistant.graphml"),
					 NULL, &kg, NULL, &err),
			 TC_OK);
	return kg;
}

static tc_catalog *bundled_catalog(void)
{
	tc_catalog *cat = tc_catalog_new();
	tc_error err = {0};

	assert_non_null(cat);
	assert_int_equal(tc_catalog_load(cat, tc_source_path(
					 "data/catalog.csv"), &err),
			 TC_OK);
	return cat;
}

/* Loads a scenario over the example graph, the bundled catalog and,
 * when days > 0, the horizon start .. start + days - 1. */
static void load(struct fx *f, const char *where, int64_t start,
		 int64_t days)
{
	tc_scenario_opts opts = {0};
	char path[4096];

	/* where may be tc_source_path's buffer, which the next call
	 * overwrites. */
	snprintf(path, sizeof path, "%s", where);
	memset(f, 0, sizeof *f);
	f->kg = example_kg();
	f->cat = bundled_catalog();
	f->diags = tc_diags_new();
	assert_non_null(f->diags);
	opts.catalog = f->cat;
	opts.horizon_start = start;
	opts.horizon_days = days;
	f->st = tc_scenario_load(path, f->kg, &opts, &f->sc, f->diags,
				 &f->err);
}

static void load_fixture(struct fx *f, const char *name)
{
	char rel[256];

	snprintf(rel, sizeof rel, "tests/fixtures/scenario/%s", name);
	load(f, tc_source_path(rel), D_JAN01, 90);
}

static void fx_free(struct fx *f)
{
	tc_scenario_free(f->sc);
	tc_diags_free(f->diags);
	tc_catalog_free(f->cat);
	tc_kg_free(f->kg);
}

/* Asserts a diagnostic of severity sev at line:col whose message
 * contains text. */
static void expect_diag(const tc_diags *diags, tc_severity sev, long line,
			long col, const char *text)
{
	const tc_diag *d;
	size_t i;

	for (i = 0; i < tc_diags_count(diags); i++) {
		d = tc_diags_get(diags, i);
		if (d->severity == sev && d->line == line &&
		    d->column == col && strstr(d->message, text))
			return;
	}
	for (i = 0; i < tc_diags_count(diags); i++) {
		d = tc_diags_get(diags, i);
		print_message("have %ld:%ld %s\n", d->line, d->column,
			      d->message);
	}
	fail_msg("no diagnostic at %ld:%ld containing '%s'", line, col,
		 text);
}

/* A constant spec's value. */
static double constant(const tc_spec *s)
{
	double x = NAN;

	assert_non_null(s);
	assert_true(tc_spec_is_constant(s, &x));
	return x;
}

/* The i-th parameter of a spec, a constant. */
static double param(const tc_spec *s, size_t i)
{
	return constant(tc_spec_param(s, i));
}

static size_t node(const tc_kg *kg, const char *id)
{
	size_t n = SIZE_MAX;

	assert_true(tc_kg_find_node(kg, id, &n));
	return n;
}

static const tc_scn_change *change(const struct fx *f, size_t i)
{
	const tc_scn_change *c = tc_scenario_change(f->sc, i);

	assert_non_null(c);
	return c;
}

/* ---- every change kind, read into the overlay ---- */

static void kinds_load_ok(struct fx *f)
{
	load_fixture(f, "kinds.yaml");
	assert_int_equal(f->st, TC_OK);
	assert_int_equal(tc_diags_count(f->diags), 0);
	assert_int_equal(tc_scenario_change_count(f->sc), 22);
	assert_string_equal(tc_scenario_name(f->sc), "every-kind");
}

static void kinds_launch(void **state)
{
	const tc_scn_change *c;
	struct fx f;

	kinds_load_ok(&f);
	c = change(&f, 0);
	assert_int_equal(c->kind, TC_SCN_LAUNCH);
	assert_string_equal(c->target, "agent_planning");
	assert_int_equal(c->index, node(f.kg, "agent_planning"));
	assert_int_equal(c->attr, TC_KG_LAUNCH);
	assert_int_equal(tc_spec_get_family(c->date), TC_SPEC_PERT);
	assert_true(param(c->date, 0) == D_FEB01);
	assert_true(param(c->date, 1) == D_FEB08);
	assert_true(param(c->date, 2) == D_MAR15);
	assert_true(constant(c->ramp_days) == 30);
	assert_int_equal(c->ramp, TC_SCN_RAMP_SMOOTH);
	assert_true(constant(c->value) == 12000);
	assert_int_equal(c->n_edges, 0);
	assert_int_equal(c->line, 14);
	assert_int_equal(c->column, 5);

	c = change(&f, 1);
	assert_int_equal(c->kind, TC_SCN_LAUNCH);
	assert_string_equal(c->target, "agent_tool");
	assert_true(constant(c->date) == D_MAR01);
	assert_null(c->value);
	assert_null(c->ramp_days);
	assert_int_equal(c->ramp, TC_SCN_RAMP_LINEAR);
	assert_int_equal(c->n_edges, 1);
	assert_string_equal(c->edges[0].source, "sessions");
	assert_int_equal(c->edges[0].source_node, node(f.kg, "sessions"));
	assert_true(constant(c->edges[0].rate) == 0.1);
	assert_int_equal(c->edges[0].lag_days, 2);
	fx_free(&f);
}

static void kinds_retire_growth_level(void **state)
{
	const tc_scn_change *c;
	struct fx f;

	kinds_load_ok(&f);
	c = change(&f, 2);
	assert_int_equal(c->kind, TC_SCN_RETIRE);
	assert_int_equal(c->index, node(f.kg, "summarise"));
	assert_true(constant(c->date) == D_MAR15);

	c = change(&f, 3);
	assert_int_equal(c->kind, TC_SCN_GROWTH);
	assert_int_equal(c->attr, TC_KG_GROWTH);
	assert_int_equal(c->index, node(f.kg, "active_users"));
	assert_true(constant(c->value) == 0.06);
	assert_true(constant(c->date) == D_FEB01);

	c = change(&f, 4);
	assert_int_equal(c->kind, TC_SCN_LEVEL);
	assert_int_equal(c->index, node(f.kg, "sessions"));
	assert_true(constant(c->value) == 1.1);
	assert_null(c->date);
	fx_free(&f);
}

static void kinds_weekly(void **state)
{
	const tc_scn_change *c;
	struct fx f;
	int i;

	kinds_load_ok(&f);
	c = change(&f, 5);
	assert_int_equal(c->kind, TC_SCN_WEEKLY);
	assert_int_equal(c->attr, TC_KG_WEEKLY);
	for (i = 0; i < 5; i++)
		assert_true(constant(c->weekly[i]) == 1);
	assert_true(constant(c->weekly[5]) == 0.5);
	assert_int_equal(tc_spec_get_family(c->weekly[6]), TC_SPEC_NORMAL);
	assert_true(param(c->weekly[6], 0) == 0.5);
	assert_true(param(c->weekly[6], 1) == 0.1);
	assert_null(c->date);

	/* The scalar form, split at commas outside parentheses. */
	c = change(&f, 6);
	assert_int_equal(c->index, node(f.kg, "active_users"));
	for (i = 0; i < 5; i++)
		assert_true(constant(c->weekly[i]) == 1.2);
	assert_int_equal(tc_spec_get_family(c->weekly[5]),
			 TC_SPEC_TRUNCATE);
	assert_true(constant(c->weekly[6]) == 0.5);
	assert_true(constant(c->date) == D_MAR01);
	fx_free(&f);
}

static void kinds_switch_model(void **state)
{
	const tc_scn_change *c;
	struct fx f;

	kinds_load_ok(&f);
	c = change(&f, 7);
	assert_int_equal(c->kind, TC_SCN_MODEL);
	assert_int_equal(c->index, node(f.kg, "chat"));
	/* acme-small exists only in the scenario's catalog override. */
	assert_string_equal(c->model, "acme-small");
	assert_non_null(tc_catalog_resolve(f.cat, "acme-small"));
	assert_true(constant(c->date) == D_MAR01);
	assert_true(constant(c->share) == 0.5);
	assert_true(constant(c->input_factor) == 1.1);
	assert_true(constant(c->output_factor) == 0.9);
	assert_int_equal(tc_scenario_catalog_count(f.sc), 1);
	assert_non_null(strstr(tc_scenario_catalog_file(f.sc, 0),
			       "fixtures/scenario/extra_prices.csv"));
	fx_free(&f);
}

static void kinds_price(void **state)
{
	const tc_scn_change *c;
	struct fx f;

	kinds_load_ok(&f);
	c = change(&f, 8);
	assert_int_equal(c->kind, TC_SCN_PRICE);
	assert_string_equal(c->target, "claude-sonnet-4-5");
	assert_int_equal(c->index, SIZE_MAX);
	assert_int_equal(c->multiplier, 850000);
	assert_int_equal(c->rates.input, TC_RATE_NONE);
	assert_true(constant(c->date) == D_FEB01);

	/* 0.2 USD per million tokens = 2e-7 USD = 2e8 x 1e-15 USD. */
	c = change(&f, 9);
	assert_int_equal(c->multiplier, TC_RATE_NONE);
	assert_int_equal(c->rates.input, 200000000);
	assert_int_equal(c->rates.output, 1600000000);
	assert_int_equal(c->rates.cache_read, TC_RATE_NONE);
	assert_int_equal(c->rates.reasoning, TC_RATE_NONE);
	assert_null(c->date);

	/* A discount of 0.2 is a multiplier of 0.8. */
	c = change(&f, 10);
	assert_int_equal(c->multiplier, 800000);
	fx_free(&f);
}

static void kinds_set(void **state)
{
	const tc_scn_change *c;
	tc_kg_edge e;
	struct fx f;

	kinds_load_ok(&f);
	c = change(&f, 11);
	assert_int_equal(c->kind, TC_SCN_SET);
	assert_int_equal(c->on_edge, 1);
	tc_kg_edge_get(f.kg, c->index, &e);
	assert_string_equal(e.id, "sessions_chat");
	assert_int_equal(c->attr, TC_KG_RATE);
	assert_true(param(c->value, 0) == 3.5);
	assert_true(param(c->value, 1) == 0.2);

	c = change(&f, 12);
	assert_int_equal(c->attr, TC_KG_DISPERSION);
	assert_int_equal(c->on_edge, 0);
	assert_true(constant(c->value) == 40);
	assert_true(constant(c->date) == D_JAN15);

	c = change(&f, 13);
	assert_int_equal(c->attr, TC_KG_LAUNCH);
	assert_true(constant(c->value) == D_FEB10);
	assert_true(tc_spec_has_date(c->value));

	c = change(&f, 14);
	assert_int_equal(c->attr, TC_KG_LAG_DAYS);
	assert_int_equal(c->on_edge, 1);
	assert_true(constant(c->value) == 2);
	fx_free(&f);
}

static void kinds_shares(void **state)
{
	static const struct {
		tc_kg_attr attr;
		const char *node;
		double value;	/* NAN: beta(7, 3) */
	} want[] = {
		{TC_KG_CACHED_SHARE, "rag", NAN},
		{TC_KG_REASONING_SHARE, "chat", 0.3},
		{TC_KG_BATCH_SHARE, "summarise", 0.9},
		{TC_KG_CACHE_WRITE_SHARE, "rag", 0.05},
		{TC_KG_RETRY_RATE, "chat", 0.01},
		{TC_KG_RETRY_RATE, "chat", 0.03},
	};
	const tc_scn_change *c;
	struct fx f;
	size_t i;

	kinds_load_ok(&f);
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		c = change(&f, 15 + i);
		assert_int_equal(c->kind, TC_SCN_SET);
		assert_int_equal(c->attr, want[i].attr);
		assert_int_equal(c->index, node(f.kg, want[i].node));
		if (isnan(want[i].value)) {
			assert_int_equal(tc_spec_get_family(c->value),
					 TC_SPEC_BETA);
			assert_true(param(c->value, 0) == 7);
			assert_true(param(c->value, 1) == 3);
		} else {
			assert_true(constant(c->value) == want[i].value);
		}
	}
	assert_true(constant(change(&f, 15)->date) == D_MAR01);
	assert_null(change(&f, 19)->date);
	assert_true(constant(change(&f, 20)->date) == D_MAR01);
	fx_free(&f);
}

/* Stream keys: kind:target[:attr or model], #n for repeats, or id. */
static void kinds_keys(void **state)
{
	static const char *const want[] = {
		"launch:agent_planning", "launch:agent_tool",
		"retire:summarise", "growth:active_users",
		"level:sessions", "weekly:agent_planning",
		"weekly:active_users", "switch_model:chat:acme-small",
		"price:claude-sonnet-4-5", "price:gpt-5-mini",
		"price:gpt-5-nano", "set:sessions_chat:rate",
		"set:chat:dispersion", "set:agent_planning:launch",
		"set:sessions_summarise:lag_days", "set:rag:cached_share",
		"set:chat:reasoning_share", "set:summarise:batch_share",
		"set:rag:cache_write_share", "set:chat:retry_rate",
		"set:chat:retry_rate#2", "chat-growth",
	};
	struct fx f;
	size_t i;

	kinds_load_ok(&f);
	for (i = 0; i < 22; i++)
		assert_string_equal(change(&f, i)->key, want[i]);
	fx_free(&f);
}

static void budget_and_contract(void **state)
{
	const tc_scn_budget *b;
	const tc_scn_contract *k;
	struct fx f;

	kinds_load_ok(&f);
	assert_int_equal(tc_scenario_budget_count(f.sc), 2);
	b = tc_scenario_budget(f.sc, 0);
	assert_null(b->class_id);
	assert_true(b->amount == 250000 * USD);
	b = tc_scenario_budget(f.sc, 1);
	assert_string_equal(b->class_id, "chat");
	assert_int_equal(b->node, node(f.kg, "chat"));
	/* 90000.50 USD = 900005 x 1e20 units. */
	assert_true(b->amount == (tc_money)900005 * (USD / 10));
	assert_null(tc_scenario_budget(f.sc, 2));

	k = tc_scenario_contract(f.sc);
	assert_non_null(k);
	assert_true(k->commitment == 150000 * USD);
	assert_int_equal(k->commit_mult, 750000);
	assert_int_equal(k->overage_mult, 1100000);
	fx_free(&f);
}

/* ---- validation errors, each at its line and column ---- */

static void errors_each(void **state)
{
	static const struct {
		long line, col;
		const char *text;
	} want[] = {
		{4, 10, "the amount must be above 0, got '-5'"},
		{6, 5, "unknown class 'chta' (did you mean 'chat'?)"},
		{8, 13, "unknown class 'agent_plannng' (did you mean "
			"'agent_planning'?)"},
		{10, 13, "'sessions' is a driven kpi, but this change needs "
			 "a class"},
		{12, 13, "'chat' is a driven class"},
		{15, 16, "unknown attribute 'cached_shares' (did you mean "
			 "'cached_share'?)"},
		{18, 12, "unknown model 'gpt-5-nanoo'; nearest catalog ids: "
			 "'gpt-5-nano'"},
		{21, 12, "share: 1.5 is outside the domain [0, 1]"},
		{23, 26, "parameter 'sigma' must be > 0"},
		{25, 11, "date 2026-06-01 is outside the horizon 2027-01-01 "
			 ".. 2027-03-31"},
		{27, 12, "expected a number or a spec, got a list"},
		{30, 5, "duplicate key 'discount'"},
		{31, 5, "(did you mean 'launch'?)"},
	};
	struct fx f;
	size_t i;

	load_fixture(&f, "errors.yaml");
	assert_int_equal(f.st, TC_ERR_INVALID);
	assert_null(f.sc);
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		expect_diag(f.diags, TC_SEV_ERROR, want[i].line, want[i].col,
			    want[i].text);
	assert_int_equal(tc_diags_errors(f.diags), 13);
	assert_non_null(strstr(tc_diags_get(f.diags, 0)->file,
			       "errors.yaml"));
	/* err holds the first problem found, with its position. */
	assert_int_equal(f.err.status, TC_ERR_INVALID);
	assert_true(f.err.line > 0 && f.err.column > 0);
	fx_free(&f);
}

/* Wrong YAML types and misplaced keys. */
static void errors_types(void **state)
{
	struct fx f;

	load(&f, tc_write_temp("types.yaml",
			    "graph: assistant.graphml\n"
			    "budget: [1, 2]\n"
			    "contract:\n"
			    "  commitment: 10\n"
			    "  discount: 1.5\n"
			    "changes:\n"
			    "  launch: chat\n"
			    "colour: red\n"),
	     0, 0);
	assert_int_equal(f.st, TC_ERR_INVALID);
	expect_diag(f.diags, TC_SEV_ERROR, 2, 9, "budget: expected a "
		    "mapping with total and classes, got a list");
	expect_diag(f.diags, TC_SEV_ERROR, 5, 13, "'1.5' is outside [0, "
		    "0.999999]");
	expect_diag(f.diags, TC_SEV_ERROR, 7, 3, "changes: expected a list "
		    "of changes");
	expect_diag(f.diags, TC_SEV_ERROR, 8, 1, "unknown key 'colour' in "
		    "a scenario");
	assert_int_equal(tc_diags_errors(f.diags), 4);
	fx_free(&f);

	load(&f, tc_write_temp("list.yaml", "- launch: chat\n"), 0, 0);
	assert_int_equal(f.st, TC_ERR_INVALID);
	expect_diag(f.diags, TC_SEV_ERROR, 1, 1, "a scenario is a mapping");
	fx_free(&f);
}

/* Problems inside changes: keys, missing values, shapes, order. */
static void errors_changes(void **state)
{
	struct fx f;

	load(&f, tc_write_temp("changes.yaml",
			    "graph: x.graphml\n"
			    "changes:\n"
			    "  - launch: agent_planning\n"
			    "    ramp_dayz: 3\n"
			    "  - weekly: active_users\n"
			    "    value: 1,1,1\n"
			    "  - set: chat\n"
			    "    attribute: growth\n"
			    "    value: 0.1\n"
			    "  - set: chat\n"
			    "    attribute: model\n"
			    "    value: x\n"
			    "  - launch: agent_planning\n"
			    "    date: 2027-02-01\n"
			    "    driven_by:\n"
			    "      - source: agent_tool\n"
			    "        rate: 0.5\n"
			    "  - set: chat\n"
			    "    attribute: launch\n"
			    "    value: 2027-02-01\n"
			    "    from: 2027-02-01\n"
			    "  - launch: agent_planning\n"
			    "    date: 2027-02-01\n"
			    "    driven_by:\n"
			    "      - source: agent_tool\n"
			    "        rate: 0.5\n"
			    "        lag_days: 1\n"
			    "  - growth: active_users\n"
			    "    value: '0.05 +'\n"
			    "    retire: chat\n"
			    "  - set: chat\n"
			    "    attribute: rate\n"
			    "    value: 1\n"),
	     0, 0);
	assert_int_equal(f.st, TC_ERR_INVALID);
	expect_diag(f.diags, TC_SEV_ERROR, 3, 5, "a launch change needs "
		    "'date'");
	expect_diag(f.diags, TC_SEV_ERROR, 4, 5, "unknown key 'ramp_dayz' "
		    "in a launch change (did you mean 'ramp_days'?)");
	expect_diag(f.diags, TC_SEV_ERROR, 6, 12, "weekly: expected 7 "
		    "factors, Monday first, got 3");
	expect_diag(f.diags, TC_SEV_ERROR, 8, 16, "attribute 'growth' does "
		    "not apply to driven class 'chat'");
	expect_diag(f.diags, TC_SEV_ERROR, 11, 16, "use switch_model");
	/* agent_planning calls agent_tool, so an edge back closes a
	 * cycle, with or without a lag. */
	expect_diag(f.diags, TC_SEV_ERROR, 16, 9, "an edge from "
		    "'agent_tool' to 'agent_planning' would close a cycle");
	expect_diag(f.diags, TC_SEV_ERROR, 21, 11, "'launch' holds for the "
		    "whole horizon and takes no 'from' date");
	/* With a lag it would close a cycle agent_planning -> agent_tool
	 * -> agent_planning that the graph does not have. */
	expect_diag(f.diags, TC_SEV_ERROR, 25, 9, "an edge from 'agent_tool' "
		    "to 'agent_planning' would close a cycle");
	expect_diag(f.diags, TC_SEV_ERROR, 32, 16, "attribute 'rate' "
		    "belongs to edges, and the target is a node");
	expect_diag(f.diags, TC_SEV_ERROR, 28, 5, "a change has one verb, "
		    "but this one has 'retire' and 'growth'");
	fx_free(&f);
}

/* A spec error's column is inside the value, past a quote. */
static void errors_spec_column(void **state)
{
	struct fx f;

	load(&f, tc_write_temp("col.yaml",
			    "graph: x.graphml\n"
			    "changes:\n"
			    "  - level: sessions\n"
			    "    factor: \"gamma(2, scale=)\"\n"),
	     0, 0);
	assert_int_equal(f.st, TC_ERR_INVALID);
	/* The value's quote is column 13; "gamma(2, scale=)" puts the
	 * missing value at its 16th character, column 14 + 15 = 29. */
	assert_int_equal(tc_diags_errors(f.diags), 1);
	assert_int_equal(tc_diags_get(f.diags, 0)->line, 4);
	assert_int_equal(tc_diags_get(f.diags, 0)->column, 29);
	fx_free(&f);
}

/* Malformed YAML: TC_ERR_PARSE with libyaml's position. */
static void errors_malformed(void **state)
{
	struct fx f;

	load(&f, tc_write_temp("bad.yaml",
			    "graph: x.graphml\n"
			    "changes:\n"
			    "  - launch: [chat\n"
			    "  - retire: rag\n"),
	     0, 0);
	assert_int_equal(f.st, TC_ERR_PARSE);
	assert_null(f.sc);
	assert_int_equal(f.err.status, TC_ERR_PARSE);
	assert_int_equal(f.err.line, 4);
	assert_true(f.err.column > 0);
	assert_int_equal(tc_diags_errors(f.diags), 1);
	fx_free(&f);
}

/* An unreadable file is TC_ERR_IO; a missing base is an error at the
 * extends that names it. */
static void errors_files(void **state)
{
	struct fx f;

	load(&f, "/nonexistent/s.yaml", 0, 0);
	assert_int_equal(f.st, TC_ERR_IO);
	assert_int_equal(tc_diags_errors(f.diags), 1);
	fx_free(&f);

	load(&f, tc_write_temp("orphan.yaml", "extends: missing.yaml\n"), 0, 0);
	assert_int_equal(f.st, TC_ERR_INVALID);
	expect_diag(f.diags, TC_SEV_ERROR, 1, 10, "cannot open the "
		    "scenario");
	fx_free(&f);

	load(&f, tc_write_temp("both.yaml", "graph: a.graphml\nextends: "
			    "b.yaml\n"), 0, 0);
	expect_diag(f.diags, TC_SEV_ERROR, 1, 8, "give either 'graph' or "
		    "'extends'");
	fx_free(&f);

	load(&f, tc_write_temp("cat.yaml", "graph: a.graphml\ncatalog: "
			    "[missing.csv]\n"), 0, 0);
	expect_diag(f.diags, TC_SEV_ERROR, 2, 11, "catalog 'missing.csv'");
	fx_free(&f);

	load(&f, tc_write_temp("none.yaml", "changes: []\n"), 0, 0);
	expect_diag(f.diags, TC_SEV_ERROR, 1, 1, "a scenario names its "
		    "base");
	fx_free(&f);
}

/* Uncertain dates: all outside the horizon is an error, some a
 * warning. pert(2026-10-01, ...) lies wholly before 2027-01-01;
 * pert(2026-12-01, 2027-01-10, 2027-02-01) has P(X < 2027-01-01) =
 * 0.305 (the PERT is a beta(1 + 4 x 40/62, 1 + 4 x 22/62) over the 62
 * days; scipy.stats.beta.cdf(31/62, ...) = 0.30479). */
static void horizon_uncertain(void **state)
{
	struct fx f;

	load(&f, tc_write_temp("h.yaml",
			    "graph: x.graphml\n"
			    "changes:\n"
			    "  - retire: chat\n"
			    "    date: pert(2026-10-01, 2026-10-05, "
			    "2026-10-20)\n"
			    "  - retire: rag\n"
			    "    date: pert(2026-12-01, 2027-01-10, "
			    "2027-02-01)\n"),
	     D_JAN01, 90);
	assert_int_equal(f.st, TC_ERR_INVALID);
	expect_diag(f.diags, TC_SEV_ERROR, 4, 11, "every date of");
	expect_diag(f.diags, TC_SEV_WARNING, 6, 11, "30.5% of the dates");
	fx_free(&f);
}

/* ---- extends ---- */

static void extends_chain(void **state)
{
	char want[4096], got[4096];
	const tc_scn_change *c;
	struct fx f;

	load_fixture(&f, "grandchild.yaml");
	assert_int_equal(f.st, TC_OK);
	/* The base's changes first, then each extending file's. */
	assert_int_equal(tc_scenario_change_count(f.sc), 3);
	c = change(&f, 0);
	assert_int_equal(c->kind, TC_SCN_RETIRE);
	assert_non_null(strstr(c->file, "base/base.yaml"));
	c = change(&f, 1);
	assert_int_equal(c->kind, TC_SCN_LEVEL);
	assert_non_null(strstr(c->file, "child.yaml"));
	c = change(&f, 2);
	assert_int_equal(c->attr, TC_KG_RETRY_RATE);
	assert_non_null(strstr(c->file, "grandchild.yaml"));
	/* The nearest file's budget and contract; the outer file's name
	 * (none: its file name); the base's graph, relative to it. */
	assert_int_equal(tc_scenario_budget_count(f.sc), 1);
	assert_true(tc_scenario_budget(f.sc, 0)->amount == 200000 * USD);
	assert_true(tc_scenario_contract(f.sc)->commitment == 1000 * USD);
	assert_string_equal(tc_scenario_name(f.sc), "grandchild");
	assert_non_null(realpath(tc_scenario_graph(f.sc), got));
	assert_non_null(realpath(tc_source_path(
					 "examples/assistant.graphml"),
				 want));
	assert_string_equal(got, want);
	fx_free(&f);
}

static void extends_cycle(void **state)
{
	const tc_diag *d;
	struct fx f;

	load_fixture(&f, "cycle_a.yaml");
	assert_int_equal(f.st, TC_ERR_INVALID);
	assert_int_equal(tc_diags_errors(f.diags), 1);
	d = tc_diags_get(f.diags, 0);
	assert_non_null(strstr(d->file, "cycle_b.yaml"));
	assert_int_equal(d->line, 1);
	assert_int_equal(d->column, 10);
	assert_non_null(strstr(d->message, "a cycle of extends: "));
	assert_non_null(strstr(d->message, "cycle_a.yaml -> "));
	assert_non_null(strstr(d->message, "cycle_b.yaml -> "));
	fx_free(&f);

	load_fixture(&f, "self.yaml");
	assert_int_equal(f.st, TC_ERR_INVALID);
	d = tc_diags_get(f.diags, 0);
	assert_non_null(strstr(d->message, "self.yaml -> "));
	fx_free(&f);
}

/* Without a graph names are not resolved; the base graph is found. */
static void no_graph(void **state)
{
	tc_scenario *sc = NULL;
	tc_error err = {0};
	char *graph = NULL;

	assert_int_equal(tc_scenario_load(tc_source_path(
			 "tests/fixtures/scenario/child.yaml"), NULL, NULL,
			 &sc, NULL, &err),
			 TC_OK);
	assert_int_equal(tc_scenario_change(sc, 0)->index, SIZE_MAX);
	tc_scenario_free(sc);
	assert_int_equal(tc_scenario_base_graph(tc_source_path(
			 "tests/fixtures/scenario/child.yaml"), &graph, &err),
			 TC_OK);
	assert_non_null(strstr(graph, "base/../../../../examples/"
			       "assistant.graphml"));
	free(graph);
	assert_int_equal(tc_scenario_base_graph(tc_source_path(
			 "tests/fixtures/scenario/cycle_a.yaml"), &graph,
			 &err),
			 TC_ERR_NOT_FOUND);
	assert_null(graph);
	assert_int_equal(tc_scenario_load(NULL, NULL, NULL, &sc, NULL, &err),
			 TC_ERR_ARG);
}

/* Writes the node ids of an order into buf, space-separated. */
static void order_text(const tc_kg *kg, const size_t *order, char *buf,
		       size_t size)
{
	size_t i, pos = 0;

	buf[0] = '\0';
	for (i = 0; i < tc_kg_node_count(kg); i++)
		pos += (size_t)snprintf(buf + pos, size - pos, "%s%s",
					i ? " " : "",
					tc_kg_node_id(kg, order[i]));
}

/*
 * Orders with the scenario's edges, worked by hand with Kahn's
 * algorithm taking the ready node first in the graph's order. The
 * graph's first-day order is agent_planning agent_tool active_users
 * sessions summarise rag chat; kinds.yaml adds sessions -> agent_tool
 * (lag 2), which moves agent_tool after sessions on the first day and
 * changes nothing on other days. A same-day edge rag -> summarise moves
 * summarise after rag in the order of every day (the graph's:
 * active_users agent_planning summarise sessions agent_tool chat rag).
 */
static void scenario_orders(void **state)
{
	size_t order[7];
	char text[256];
	struct fx f;

	kinds_load_ok(&f);
	assert_int_equal(tc_scenario_order(f.sc, f.kg, 1, order), TC_OK);
	order_text(f.kg, order, text, sizeof text);
	assert_string_equal(text, "agent_planning active_users sessions "
			    "agent_tool summarise rag chat");
	assert_int_equal(tc_scenario_order(f.sc, f.kg, 0, order), TC_OK);
	order_text(f.kg, order, text, sizeof text);
	assert_string_equal(text, "active_users agent_planning summarise "
			    "sessions agent_tool chat rag");
	fx_free(&f);

	load(&f, tc_write_temp("o.yaml",
			    "graph: x.graphml\n"
			    "changes:\n"
			    "  - launch: summarise\n"
			    "    date: 2027-02-01\n"
			    "    driven_by:\n"
			    "      - source: rag\n"
			    "        rate: 0.1\n"),
	     0, 0);
	assert_int_equal(f.st, TC_OK);
	assert_int_equal(tc_scenario_order(f.sc, f.kg, 0, order), TC_OK);
	order_text(f.kg, order, text, sizeof text);
	assert_string_equal(text, "active_users agent_planning sessions "
			    "agent_tool chat rag summarise");
	assert_int_equal(tc_scenario_order(NULL, f.kg, 0, order), TC_ERR_ARG);
	fx_free(&f);
}

/* A model only an override catalog prices is unknown without it. */
static void model_needs_override(void **state)
{
	struct fx f;

	load(&f, tc_write_temp("m.yaml",
			    "graph: x.graphml\n"
			    "changes:\n"
			    "  - switch_model: chat\n"
			    "    model: acme-small\n"),
	     0, 0);
	assert_int_equal(f.st, TC_ERR_INVALID);
	expect_diag(f.diags, TC_SEV_ERROR, 4, 12, "unknown model "
		    "'acme-small'");
	fx_free(&f);
}

/* ---- hostile YAML ---- */

/* Nine levels of nine aliases: 9^10 nodes if expanded. */
static void hostile_alias_bomb(void **state)
{
	char text[4096];
	size_t pos, i, k;
	struct fx f;

	pos = (size_t)snprintf(text, sizeof text,
			       "graph: x.graphml\na0: &a0 [lol, lol, lol, "
			       "lol, lol, lol, lol, lol, lol]\n");
	for (i = 1; i < 10; i++) {
		pos += (size_t)snprintf(text + pos, sizeof text - pos,
					"a%zu: &a%zu [", i, i);
		for (k = 0; k < 9; k++)
			pos += (size_t)snprintf(text + pos, sizeof text - pos,
						"%s*a%zu", k ? ", " : "",
						i - 1);
		pos += (size_t)snprintf(text + pos, sizeof text - pos, "]\n");
	}
	load(&f, tc_write_temp("bomb.yaml", text), 0, 0);
	assert_int_equal(f.st, TC_ERR_LIMIT);
	assert_non_null(strstr(f.err.message, "expands to more than 100000 "
			       "nodes"));
	/* a_i expands to w_i = 1 + 9 w_(i-1) nodes, w_0 = 10: 91, 820,
	 * 7381, 66430. After line 6 the document counts 74,742 nodes;
	 * the first alias of a4 on line 7 brings 66,430 more. */
	assert_int_equal(f.err.line, 7);
	assert_int_equal(f.err.column, 10);
	fx_free(&f);
}

static void hostile_self_alias(void **state)
{
	struct fx f;

	load(&f, tc_write_temp("self_alias.yaml", "graph: x\na: &x [1, *x]\n"),
	     0, 0);
	assert_int_equal(f.st, TC_ERR_LIMIT);
	assert_int_equal(f.err.line, 2);
	assert_int_equal(f.err.column, 11);
	fx_free(&f);
}

static void hostile_deep(void **state)
{
	size_t n = 100000, i;
	char *text = malloc(2 * n + 32);
	struct fx f;

	assert_non_null(text);
	memcpy(text, "graph: x\nchanges: ", 18);
	for (i = 0; i < n; i++) {
		text[18 + i] = '[';
		text[18 + n + i] = ']';
	}
	text[18 + 2 * n] = '\0';
	load(&f, tc_write_temp("deep.yaml", text), 0, 0);
	free(text);
	assert_int_equal(f.st, TC_ERR_LIMIT);
	assert_non_null(strstr(f.err.message, "nesting deeper than 64"));
	/* The 64th bracket opens the 65th collection (the root mapping
	 * is the first): column 10 + 63 = 73 of line 2. */
	assert_int_equal(f.err.line, 2);
	assert_int_equal(f.err.column, 73);
	fx_free(&f);
}

static void hostile_huge(void **state)
{
	size_t n = (1u << 20) + 100, i;
	char *text = malloc(n + 1);
	struct fx f;

	assert_non_null(text);
	for (i = 0; i < n; i++)
		text[i] = i % 64 == 63 ? '\n' : (i % 64 == 0 ? '#' : 'x');
	text[n] = '\0';
	load(&f, tc_write_temp("huge.yaml", text), 0, 0);
	free(text);
	assert_int_equal(f.st, TC_ERR_LIMIT);
	assert_non_null(strstr(f.err.message, "larger than 1048576 bytes"));
	fx_free(&f);
}

/* 30,000 keys with two repeats: each found once, fast. */
static void hostile_many_keys(void **state)
{
	size_t n = 30000, i, pos = 0, cap = 24 * n + 64;
	char *text = malloc(cap);
	struct fx f;

	assert_non_null(text);
	pos += (size_t)snprintf(text, cap, "graph: x\nbudget:\n");
	for (i = 0; i < n; i++)
		pos += (size_t)snprintf(text + pos, cap - pos, "  k%zu: 1\n",
					i % 29998);
	load(&f, tc_write_temp("keys.yaml", text), 0, 0);
	free(text);
	assert_int_equal(f.st, TC_ERR_INVALID);
	/* k0 and k1 again on body lines 29999 and 30000 (file lines
	 * 30001 and 30002), plus one unknown-key error per key. */
	expect_diag(f.diags, TC_SEV_ERROR, 30001, 3, "duplicate key 'k0'");
	expect_diag(f.diags, TC_SEV_ERROR, 30002, 3, "duplicate key 'k1'");
	fx_free(&f);
}

/* ---- helpers for the engine ---- */

static void ramp_values(void **state)
{
	/* Launch on day 100, 30 days of ramp. */
	assert_true(tc_scn_ramp_value(TC_SCN_RAMP_LINEAR, 99, 100, 30) == 0);
	assert_true(fabs(tc_scn_ramp_value(TC_SCN_RAMP_LINEAR, 100, 100,
					   30) - 1.0 / 30) < 1e-15);
	assert_true(tc_scn_ramp_value(TC_SCN_RAMP_LINEAR, 114, 100, 30) ==
		    0.5);
	assert_true(tc_scn_ramp_value(TC_SCN_RAMP_LINEAR, 129, 100, 30) == 1);
	assert_true(tc_scn_ramp_value(TC_SCN_RAMP_LINEAR, 500, 100, 30) == 1);
	/* Smoothstep: 3x^2 - 2x^3; at x = 1/2, 1/2; at 1/30, 88/27000. */
	assert_true(tc_scn_ramp_value(TC_SCN_RAMP_SMOOTH, 114, 100, 30) ==
		    0.5);
	assert_true(fabs(tc_scn_ramp_value(TC_SCN_RAMP_SMOOTH, 100, 100, 30) -
			 88.0 / 27000) < 1e-15);
	assert_true(tc_scn_ramp_value(TC_SCN_RAMP_SMOOTH, 99, 100, 30) == 0);
	/* No ramp: full from the launch day. */
	assert_true(tc_scn_ramp_value(TC_SCN_RAMP_LINEAR, 100, 100, 0) == 1);
	assert_true(tc_scn_ramp_value(TC_SCN_RAMP_LINEAR, 99, 100, 0) == 0);
}

/* A row like claude-sonnet-4-5's, in 1e-15 USD per token. */
static void sonnet_row(tc_price *row)
{
	memset(row, 0, sizeof *row);
	row->base.input = 3000000000;
	row->base.cache_read = 3;	/* for the rounding */
	row->base.cache_write_5m = 3750000000;
	row->base.cache_write_1h = TC_RATE_NONE;
	row->base.output = 15000000000;
	row->base.reasoning = 15000000000;
	row->base.audio_input = row->base.image_input = TC_RATE_NONE;
	row->tier_threshold = 200000;
	row->tier = row->base;
	row->tier.input = 6000000000;
}

static void apply_price(void **state)
{
	tc_scn_change c;
	tc_price row;

	memset(&c, 0, sizeof c);
	c.kind = TC_SCN_PRICE;
	c.multiplier = 850000;
	sonnet_row(&row);
	assert_int_equal(tc_scn_apply_price(&c, &row), TC_OK);
	assert_int_equal(row.base.input, 2550000000);
	assert_int_equal(row.base.output, 12750000000);
	assert_int_equal(row.tier.input, 5100000000);
	/* 3 x 0.85 = 2.55 rounds to 3; absent rates stay absent. */
	assert_int_equal(row.base.cache_read, 3);
	assert_int_equal(row.base.cache_write_1h, TC_RATE_NONE);
	c.multiplier = 500000;
	sonnet_row(&row);
	assert_int_equal(tc_scn_apply_price(&c, &row), TC_OK);
	assert_int_equal(row.base.cache_read, 2);	/* 1.5 up to 2 */

	/* Negotiated rates replace base and tier; others stay. */
	c.multiplier = TC_RATE_NONE;
	c.rates.input = 2400000000;
	c.rates.cache_read = c.rates.cache_write_5m = TC_RATE_NONE;
	c.rates.cache_write_1h = c.rates.reasoning = TC_RATE_NONE;
	c.rates.output = TC_RATE_NONE;
	sonnet_row(&row);
	assert_int_equal(tc_scn_apply_price(&c, &row), TC_OK);
	assert_int_equal(row.base.input, 2400000000);
	assert_int_equal(row.tier.input, 2400000000);
	assert_int_equal(row.base.output, 15000000000);

	c.kind = TC_SCN_SET;
	assert_int_equal(tc_scn_apply_price(&c, &row), TC_ERR_ARG);
	assert_int_equal(tc_scn_apply_price(NULL, &row), TC_ERR_ARG);
}

/* The bundled examples are valid over the quarter they describe. */
static void examples_valid(void **state)
{
	static const char *const files[] = {
		"examples/scenario-pm.yaml", "examples/scenario-budget.yaml",
		"examples/scenario-growth.yaml",
	};
	struct fx f;
	size_t i;

	for (i = 0; i < 3; i++) {
		load(&f, tc_source_path(files[i]), D_JAN01, 90);
		assert_int_equal(f.st, TC_OK);
		assert_int_equal(tc_diags_count(f.diags), 0);
		fx_free(&f);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(kinds_launch),
	cmocka_unit_test(kinds_retire_growth_level),
	cmocka_unit_test(kinds_weekly),
	cmocka_unit_test(kinds_switch_model),
	cmocka_unit_test(kinds_price),
	cmocka_unit_test(kinds_set),
	cmocka_unit_test(kinds_shares),
	cmocka_unit_test(kinds_keys),
	cmocka_unit_test(budget_and_contract),
	cmocka_unit_test(errors_each),
	cmocka_unit_test(errors_types),
	cmocka_unit_test(errors_changes),
	cmocka_unit_test(errors_spec_column),
	cmocka_unit_test(errors_malformed),
	cmocka_unit_test(errors_files),
	cmocka_unit_test(horizon_uncertain),
	cmocka_unit_test(extends_chain),
	cmocka_unit_test(extends_cycle),
	cmocka_unit_test(no_graph),
	cmocka_unit_test(model_needs_override),
	cmocka_unit_test(scenario_orders),
	cmocka_unit_test(hostile_alias_bomb),
	cmocka_unit_test(hostile_self_alias),
	cmocka_unit_test(hostile_deep),
	cmocka_unit_test(hostile_huge),
	cmocka_unit_test(hostile_many_keys),
	cmocka_unit_test(ramp_values),
	cmocka_unit_test(apply_price),
	cmocka_unit_test(examples_valid),
};

TC_TEST_MAIN(tests)
