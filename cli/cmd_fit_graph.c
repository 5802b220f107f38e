/*
 * cmd_fit_graph.c - writing the fits of "tokcast fit" onto the class
 * nodes of a knowledge graph: the spec attributes of the schema and the
 * fit_* provenance attributes (docs/fitting.md lists them).
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd_fit.h"

/* The node being written: the graph, its index and its class's name. */
struct target {
	tc_graph *g;
	size_t node;
	const char *cls;
	int failed;
};

/*
 * Sets one attribute as text. When the graph declares the attribute's
 * key as a number, the spec cannot go there: num (when finite) is
 * written instead and the user is told.
 */
static void set_attr(struct target *t, const char *name, const char *text,
		     double num)
{
	char buf[64];
	tc_status st;

	if (!text) {
		t->failed = 1;
		return;
	}
	st = tc_graph_set_node_attr(t->g, t->node, name, TC_ATTR_STRING,
				    text);
	if (st != TC_ERR_PARSE)
		goto out;
	snprintf(buf, sizeof buf, "%.10g", num);
	st = tc_graph_set_node_attr(t->g, t->node, name, TC_ATTR_DOUBLE, buf);
	if (st == TC_OK)
		cli_say("class '%s': the graph's key '%s' is numeric: wrote "
			"%s without its uncertainty", t->cls, name, buf);
out:
	if (st != TC_OK)
		t->failed = 1;
}

/* Sets a number formatted with printf-style %.*g. */
static void set_num(struct target *t, const char *name, double v)
{
	char buf[64];

	snprintf(buf, sizeof buf, "%.8g", v);
	if (tc_graph_set_node_attr(t->g, t->node, name, TC_ATTR_DOUBLE,
				   buf) != TC_OK)
		t->failed = 1;
}

/* "normal(v, se)" or the plain value when se is 0. */
static void set_uncertain(struct target *t, const char *name, double v,
			  double se)
{
	char buf[96];

	if (se > 0)
		snprintf(buf, sizeof buf, "normal(%.8g, %.3g)", v, se);
	else
		snprintf(buf, sizeof buf, "%.8g", v);
	set_attr(t, name, buf, v);
}

/* The chosen family's name, "empirical", or "none". */
static const char *chosen_name(const tc_fit_result *r)
{
	if (r->empirical)
		return "empirical";
	return r->chosen >= 0 ? tc_fit_family_name(r->fits[r->chosen].family)
			      : "none";
}

/* "mu=0.008, sigma=0.006": the chosen family's standard errors. */
static void se_text(const tc_fit_one *f, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = 0;
	for (i = 0; i < f->nparams && len + 1 < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s=%.3g",
					i ? ", " : "",
					tc_fit_param_name(f->family, i),
					f->se[i]);
}

/* A token quantity's spec and provenance (fit_input_*, fit_output_*). */
static void write_counts(struct target *t, const char *attr,
			 const char *tag, const tc_fit_result *r)
{
	char name[64], buf[256];
	char *spec = tc_fit_spec(r, 1);
	const tc_fit_one *f = r->chosen >= 0 ? &r->fits[r->chosen] : NULL;

	set_attr(t, attr, spec, r->mean);
	free(spec);
	snprintf(name, sizeof name, "fit_%s_family", tag);
	set_attr(t, name, chosen_name(r), 0);
	if (!f)
		return;
	snprintf(name, sizeof name, "fit_%s_aic", tag);
	set_num(t, name, f->aic);
	snprintf(name, sizeof name, "fit_%s_ks", tag);
	set_num(t, name, f->ks);
	snprintf(name, sizeof name, "fit_%s_ad", tag);
	set_num(t, name, f->ad);
	if (f->se_ok) {
		se_text(f, buf, sizeof buf);
		snprintf(name, sizeof name, "fit_%s_se", tag);
		set_attr(t, name, buf, 0);
	}
}

/* Formats microseconds since 1970 as ISO 8601 UTC seconds. */
static void iso(int64_t us, char *buf, size_t size)
{
	time_t s = (time_t)(us / 1000000);
	struct tm tm;

	if (!gmtime_r(&s, &tm)) {
		snprintf(buf, size, "?");
		return;
	}
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The provenance attributes common to the class. */
static void write_provenance(struct target *t, const struct fit_run *run,
			     const struct fit_class *c)
{
	char a[32], b[32], buf[96];

	set_attr(t, "fit_source", run->sources, 0);
	set_num(t, "fit_rows", (double)c->input.n);
	set_num(t, "fit_rows_rejected", (double)run->rejected);
	if (c->tmin != TC_TIME_NONE) {
		iso(c->tmin, a, sizeof a);
		iso(c->tmax, b, sizeof b);
		snprintf(buf, sizeof buf, "%s/%s", a, b);
		set_attr(t, "fit_time_range", buf, 0);
	}
}

/*
 * Volume: requests_per_day, dispersion, growth and weekly on root
 * classes only, as the backtest writes them (tc_fit_volume_attrs_of:
 * corrected for the days' small sample); what the fit did not estimate
 * keeps the graph's value. A driven class gets the observed rate as
 * provenance (issue 3).
 */
static void write_volume(struct target *t, const tc_fit_volume *v,
			 int root)
{
	tc_fit_volume_attrs a;

	set_num(t, "fit_requests_per_day", v->level);
	if (v->weak_level)
		set_attr(t, "fit_volume_note",
			 "log shorter than a day: level weakly identified", 0);
	else if (!v->has_trend)
		set_attr(t, "fit_volume_note",
			 "log shorter than 14 days: no growth or weekly", 0);
	if (!root)
		return;
	tc_fit_volume_attrs_of(v, &a);
	set_attr(t, "requests_per_day", a.requests_per_day, a.level);
	if (a.dispersion[0])
		set_attr(t, "dispersion", a.dispersion, a.size);
	if (a.growth[0])
		set_attr(t, "growth", a.growth, a.monthly_growth);
	if (a.weekly[0])
		set_attr(t, "weekly", a.weekly, 1);
}

/* Writes every fit of a class onto its node. */
static void write_class(struct target *t, const struct fit_run *run,
			const struct fit_class *c, int root)
{
	char *spec;
	int k;

	write_provenance(t, run, c);
	if (c->ok_input)
		write_counts(t, "input_tokens", "input", &c->in);
	if (c->ok_output)
		write_counts(t, "output_tokens", "output", &c->out);
	if (c->ok_corr)
		set_uncertain(t, "io_rank_corr", c->rho, c->rho_se);
	for (k = 0; k < FIT_NSHARES; k++) {
		if (!c->ok_share[k])
			continue;
		spec = tc_fit_share_spec(&c->sh[k]);
		set_attr(t, fit_share_attr(k), spec, c->sh[k].mean);
		free(spec);
	}
	if (c->ok_volume)
		write_volume(t, &c->vol, root);
}

/*
 * Finds the class's node, or adds it when allowed. Returns 1 with
 * t->node set and *root whether it is a root class, 0 to skip it.
 */
static int find_class(struct target *t, const tc_kg *kg,
		      const struct fit_class *c, int add, int *root)
{
	size_t kn;

	if (tc_graph_find_node(t->g, c->name, &t->node)) {
		if (!tc_kg_find_node(kg, c->name, &kn) ||
		    tc_kg_node_kind(kg, kn) != TC_KG_FEATURE_CLASS) {
			cli_say("node '%s' is not a feature class: its fit "
				"is not written", c->name);
			return 0;
		}
		*root = tc_kg_node_is_root(kg, kn);
		return 1;
	}
	if (!add) {
		cli_say("class '%s' is in the logs but not in the graph "
			"(--add-classes adds it)", c->name);
		return 0;
	}
	if (tc_graph_add_node(t->g, c->name, &t->node) != TC_OK) {
		cli_say("class '%s': cannot add it as a node", c->name);
		return 0;
	}
	set_attr(t, "kind", "feature_class", 0);
	if (c->model)
		set_attr(t, "model", c->model, 0);
	else
		cli_say("class '%s' added without a model: set its 'model' "
			"(or pass --model)", c->name);
	*root = 1;
	return 1;
}

int fit_load_graph(const char *graph_path, struct fit_graph *fg)
{
	tc_kg_opts ko = {TC_KG_ALLOW_INCOMPLETE, NULL, NULL, NULL, NULL};
	tc_diags *diags = tc_diags_new();
	tc_error err = {0};
	tc_status st;
	int rc = CLI_OK;

	fg->kg = NULL;
	fg->g = NULL;
	st = tc_kg_load_file(graph_path, &ko, &fg->kg, diags, &err);
	if (st != TC_OK) {
		/* A graph's invalid content is in diags, not in err. */
		cli_print_graph_diags(diags, graph_path);
		rc = cli_exit_for(st);
	} else if (tc_graph_read_file(graph_path, NULL, &fg->g, NULL,
				      &err) != TC_OK) {
		rc = cli_fail(&err);
	}
	if (rc != CLI_OK)
		fit_graph_free(fg);
	tc_diags_free(diags);
	return rc;
}

void fit_graph_free(struct fit_graph *fg)
{
	tc_graph_free(fg->g);
	tc_kg_free(fg->kg);
	fg->g = NULL;
	fg->kg = NULL;
}

/* Sets the graph's as_of to day; -1 when it cannot. */
static int set_as_of(tc_graph *g, int64_t day)
{
	char date[16];

	cli_format_date(day, date, sizeof date);
	if (tc_graph_set_graph_attr(g, "as_of", TC_ATTR_STRING, date) != TC_OK)
		return -1;
	return 0;
}

int fit_write_graph(const struct fit_run *run, struct fit_graph *fg,
		    const char *graph_path, const char *out_path,
		    int add_classes)
{
	struct target t = {fg->g, 0, NULL, 0};
	tc_error err = {0};
	size_t i;
	int root;

	for (i = 0; i < run->nclasses; i++) {
		t.cls = run->classes[i].name;
		if (find_class(&t, fg->kg, &run->classes[i], add_classes,
			       &root))
			write_class(&t, run, &run->classes[i], root);
	}
	if (run->level_mode == FIT_LEVEL_WRITE && set_as_of(t.g, run->as_of))
		t.failed = 1;
	if (t.failed) {
		cli_say("%s: some attributes could not be set", graph_path);
		return CLI_FAILURE;
	}
	if (tc_graph_write_file(t.g, out_path, &err) != TC_OK)
		return cli_fail(&err);
	return CLI_OK;
}
