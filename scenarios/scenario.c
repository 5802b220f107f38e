/*
 * scenario.c - loading a scenario file and the files it extends, and the
 * read-only API over the result.
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_int.h"

static const char *const top_keys[] = {
	"name", "description", "graph", "extends", "catalog", "budget",
	"contract", "changes", NULL,
};

/* The folder of a path ("." when it has none), in the pool. */
static const char *dir_of(struct scn_ctx *c, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (!slash)
		return scn_str(c, ".");
	if (slash == path)
		return scn_str(c, "/");
	d = scn_alloc(c, (size_t)(slash - path) + 1);
	if (d)
		memcpy(d, path, (size_t)(slash - path));
	return d;
}

/* A path written in the current file, made relative to the cwd. */
static const char *join_path(struct scn_ctx *c, const char *p)
{
	size_t n;
	char *out;

	if (p[0] == '/' || strcmp(c->dir, ".") == 0)
		return scn_str(c, p);
	n = strlen(c->dir) + strlen(p) + 2;
	out = scn_alloc(c, n);
	if (out)
		snprintf(out, n, "%s/%s", c->dir, p);
	return out;
}

/* Records a fatal reader error (as a diagnostic too) and returns it. */
static tc_status fatal(struct scn_ctx *c, const tc_error *e)
{
	c->errors++;
	tci_error_at(c->err, e->status, e->file, e->line, e->column,
		     e->element[0] ? e->element : NULL, "%s", e->message);
	tci_diag(c->diags, TC_SEV_ERROR, e->status, e->file, e->line,
		 e->column, e->element, "%s", e->message);
	return e->status;
}

/* "a.yaml -> b.yaml -> a.yaml", the chain closed by path. */
static void cycle_text(const struct scn_ctx *c, size_t from,
		       const char *path, char *buf, size_t size)
{
	size_t i, pos = 0;

	buf[0] = '\0';
	for (i = from; i < c->depth && pos < size; i++) {
		snprintf(buf + pos, size - pos, "%s -> ", c->chain_shown[i]);
		pos = strlen(buf);
	}
	if (pos < size)
		snprintf(buf + pos, size - pos, "%s", path);
}

static tc_status load_file(struct scn_ctx *c, const char *path,
			   const scn_ynode *from);

/* Follows extends: reads the base file as part of this load. */
static tc_status load_base(struct scn_ctx *c, const scn_ynode *v)
{
	const char *file = c->file, *dir = c->dir, *text, *path;
	tc_status st;

	if (scn_scalar(c, v, "the path of a scenario file", &text) != TC_OK)
		return TC_OK;
	path = join_path(c, text);
	if (!path)
		return TC_ERR_NOMEM;
	st = load_file(c, path, v);
	c->file = file;
	c->dir = dir;
	return st;
}

/* Reports a catalog file that does not load, with its own position. */
static void catalog_error(struct scn_ctx *c, const scn_ynode *at,
			  const char *name, const tc_error *e)
{
	char loc[64] = "";

	if (e->line > 0 && e->column > 0)
		snprintf(loc, sizeof loc, " line %ld column %ld", e->line,
			 e->column);
	else if (e->line > 0)
		snprintf(loc, sizeof loc, " line %ld", e->line);
	scn_error(c, at, "catalog '%s'%s: %s", name, loc, e->message);
}

/* The catalog key: one file or a list; each loaded when asked. */
static tc_status add_catalogs(struct scn_ctx *c, const scn_ynode *v)
{
	const scn_ynode *one;
	const char *text, *path, **grown;
	tc_error e = {0};
	size_t i, n = v->type == SCN_Y_SEQ ? v->n : 1;
	tc_scenario *sc = c->sc;

	for (i = 0; i < n; i++) {
		one = v->type == SCN_Y_SEQ ? v->kids[i] : v;
		if (scn_scalar(c, one, "a catalog file", &text) != TC_OK)
			continue;
		path = join_path(c, text);
		grown = realloc(sc->catalogs,
				(sc->n_catalogs + 1) * sizeof *grown);
		if (!path || !grown)
			return TC_ERR_NOMEM;
		sc->catalogs = grown;
		sc->catalogs[sc->n_catalogs++] = path;
		memset(&e, 0, sizeof e);
		if (c->opts->catalog &&
		    tc_catalog_load(c->opts->catalog, path, &e) != TC_OK)
			catalog_error(c, one, text, &e);
	}
	return TC_OK;
}

/* The scenario's own keys other than changes. */
static tc_status read_head(struct scn_ctx *c, const scn_ynode *root)
{
	const scn_ynode *ext = scn_ymap_get(root, "extends");
	const scn_ynode *graph = scn_ymap_get(root, "graph");
	const scn_ynode *v;
	const char *text;
	tc_status st = TC_OK;

	if (ext && graph)
		scn_error(c, graph, "give either 'graph' or 'extends': a "
			  "scenario that extends another uses its graph");
	else if (!ext && !graph)
		scn_error(c, root, "a scenario names its base: 'graph: "
			  "FILE.graphml' or 'extends: OTHER.yaml'");
	if (ext)
		st = load_base(c, ext);
	if (st != TC_OK)
		return st;
	if (graph && scn_scalar(c, graph, "a graph file", &text) == TC_OK)
		c->sc->graph = join_path(c, text);
	v = scn_ymap_get(root, "name");
	if (v && scn_scalar(c, v, "a name", &text) == TC_OK &&
	    c->depth == 1)
		c->sc->name = scn_str(c, text);
	v = scn_ymap_get(root, "description");
	if (v)
		scn_scalar(c, v, "a text", &text);
	v = scn_ymap_get(root, "catalog");
	if (v && add_catalogs(c, v) != TC_OK)
		return TC_ERR_NOMEM;
	return TC_OK;
}

/* Reads the sections of a parsed file. */
static tc_status read_doc(struct scn_ctx *c, const scn_ynode *root)
{
	const scn_ynode *v;
	tc_status st;

	if (!root) {
		scn_error(c, NULL, "the file is empty; a scenario is a "
			  "mapping with 'graph' or 'extends' and 'changes'");
		return TC_OK;
	}
	if (root->type != SCN_Y_MAP) {
		scn_error(c, root, "a scenario is a mapping of keys such as "
			  "graph and changes, got %s", scn_ytype_name(root));
		return TC_OK;
	}
	scn_check_keys(c, root, top_keys, "a scenario");
	st = read_head(c, root);
	if (st != TC_OK || c->head_only)
		return st;
	v = scn_ymap_get(root, "budget");
	if (v)
		scn_parse_budget(c, v);
	v = scn_ymap_get(root, "contract");
	if (v)
		scn_parse_contract(c, v);
	v = scn_ymap_get(root, "changes");
	if (v)
		st = scn_parse_changes(c, v);
	return c->nomem ? TC_ERR_NOMEM : st == TC_ERR_NOMEM ? st : TC_OK;
}

/*
 * Pushes a file on the extends chain, refusing a file already on it (a
 * cycle, reported at the extends that closes it) or a chain too long.
 */
static tc_status push_chain(struct scn_ctx *c, const char *path,
			    const scn_ynode *from, const char **real_out)
{
	char real[PATH_MAX], msg[1024];
	size_t i;

	if (!realpath(path, real)) {
		tc_error e = {0};

		if (!from) {
			tci_error(&e, TC_ERR_IO, path, 0, NULL,
				  "cannot open: %s", strerror(errno));
			return fatal(c, &e);
		}
		scn_error(c, from, "cannot open the scenario '%s' it "
			  "extends: %s", path, strerror(errno));
		return TC_ERR_INVALID;
	}
	for (i = 0; i < c->depth; i++) {
		if (strcmp(c->chain[i], real) != 0)
			continue;
		cycle_text(c, i, path, msg, sizeof msg);
		scn_error(c, from, "a cycle of extends: %s", msg);
		return TC_ERR_INVALID;
	}
	if (c->depth >= SCN_MAX_EXTENDS) {
		scn_error(c, from, "extends is nested deeper than %d files",
			  SCN_MAX_EXTENDS);
		return TC_ERR_INVALID;
	}
	*real_out = scn_str(c, real);
	return *real_out ? TC_OK : TC_ERR_NOMEM;
}

/* Reads one file of the chain (from: its extends value, or NULL). */
static tc_status load_file(struct scn_ctx *c, const char *path,
			   const scn_ynode *from)
{
	scn_ydoc doc;
	tc_error e = {0};
	const char *real = NULL;
	tc_status st;

	st = push_chain(c, path, from, &real);
	if (st != TC_OK)
		return st == TC_ERR_INVALID ? TC_OK : st;
	c->chain[c->depth] = real;
	c->chain_shown[c->depth++] = path;
	c->file = scn_str(c, path);
	c->dir = dir_of(c, path);
	if (!c->file || !c->dir)
		return TC_ERR_NOMEM;

	st = scn_yaml_load(path, &c->lim, &doc, c->diags, &c->errors, &e);
	if (st == TC_OK) {
		st = read_doc(c, doc.root);
		scn_ydoc_free(&doc);
	} else {
		fatal(c, &e);
	}
	c->depth--;
	return st;
}

/* The default name: the file name without its folder and .yaml. */
static const char *default_name(struct scn_ctx *c, const char *path)
{
	const char *base = strrchr(path, '/');
	char *name;
	size_t n;

	base = base ? base + 1 : path;
	name = (char *)scn_str(c, base);
	if (!name)
		return NULL;
	n = strlen(name);
	if (n > 5 && strcmp(name + n - 5, ".yaml") == 0)
		name[n - 5] = '\0';
	else if (n > 4 && strcmp(name + n - 4, ".yml") == 0)
		name[n - 4] = '\0';
	return name;
}

/* Sets up the context of one load. */
static void ctx_init(struct scn_ctx *c, tc_scenario *sc, const tc_kg *kg,
		     const tc_scenario_opts *opts, tc_diags *diags,
		     tc_error *err)
{
	static const tc_scenario_opts none;

	memset(c, 0, sizeof *c);
	c->sc = sc;
	c->kg = kg;
	c->opts = opts ? opts : &none;
	c->lim.max_bytes = c->opts->max_bytes;
	c->lim.max_depth = c->opts->max_depth;
	c->lim.max_nodes = c->opts->max_nodes;
	c->diags = diags;
	c->err = err;
}

tc_status tc_scenario_load(const char *path, const tc_kg *kg,
			   const tc_scenario_opts *opts, tc_scenario **out,
			   tc_diags *diags, tc_error *err)
{
	struct scn_ctx c;
	tc_scenario *sc;
	tc_status st;

	if (out)
		*out = NULL;
	if (!path || !out)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no scenario file given");
	sc = calloc(1, sizeof *sc);
	if (!sc)
		return tci_error(err, TC_ERR_NOMEM, path, 0, NULL,
				 "out of memory");
	ctx_init(&c, sc, kg, opts, diags, err);
	st = load_file(&c, path, NULL);
	if (st == TC_OK && (c.nomem || !(sc->file = scn_str(&c, path))))
		st = TC_ERR_NOMEM;
	if (st == TC_OK && !sc->name && !(sc->name = default_name(&c, path)))
		st = TC_ERR_NOMEM;
	if (st == TC_OK && c.errors)
		st = TC_ERR_INVALID;
	if (st == TC_ERR_NOMEM)
		tci_error(err, st, path, 0, NULL, "out of memory");
	if (st != TC_OK) {
		tc_scenario_free(sc);
		return st;
	}
	*out = sc;
	return TC_OK;
}

tc_status tc_scenario_base_graph(const char *path, char **graph,
				 tc_error *err)
{
	struct scn_ctx c;
	tc_error first = {0};
	tc_scenario *sc;
	tc_status st;

	if (!path || !graph)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "no scenario file given");
	*graph = NULL;
	sc = calloc(1, sizeof *sc);
	if (!sc)
		return tci_error(err, TC_ERR_NOMEM, path, 0, NULL,
				 "out of memory");
	/* Problems other than reading are left for tc_scenario_load. */
	ctx_init(&c, sc, NULL, NULL, NULL, &first);
	c.head_only = 1;
	st = load_file(&c, path, NULL);
	if (st == TC_OK && c.nomem)
		st = TC_ERR_NOMEM;
	if (st == TC_OK && sc->graph && !(*graph = tci_strdup(sc->graph)))
		st = TC_ERR_NOMEM;
	if (st == TC_OK && !*graph)
		st = tci_error(err, TC_ERR_NOT_FOUND, path, 0, NULL,
			       "the scenario names no graph");
	else if (st != TC_OK && err && !err->status)
		*err = first.status == st ? first : *err;
	if (st != TC_OK)
		tci_error(err, st, path, 0, NULL, "%s", tc_strerror(st));
	tc_scenario_free(sc);
	return st;
}

void tc_scenario_free(tc_scenario *sc)
{
	if (!sc)
		return;
	scn_pool_free(&sc->pool);
	free(sc->catalogs);
	free(sc->changes);
	free(sc->budgets);
	free(sc);
}

const char *tc_scenario_name(const tc_scenario *sc)
{
	return sc->name;
}

const char *tc_scenario_file(const tc_scenario *sc)
{
	return sc->file;
}

const char *tc_scenario_graph(const tc_scenario *sc)
{
	return sc->graph;
}

size_t tc_scenario_catalog_count(const tc_scenario *sc)
{
	return sc->n_catalogs;
}

const char *tc_scenario_catalog_file(const tc_scenario *sc, size_t i)
{
	return i < sc->n_catalogs ? sc->catalogs[i] : NULL;
}

size_t tc_scenario_change_count(const tc_scenario *sc)
{
	return sc->n_changes;
}

const tc_scn_change *tc_scenario_change(const tc_scenario *sc, size_t i)
{
	return i < sc->n_changes ? &sc->changes[i] : NULL;
}

size_t tc_scenario_budget_count(const tc_scenario *sc)
{
	return sc->n_budgets;
}

const tc_scn_budget *tc_scenario_budget(const tc_scenario *sc, size_t i)
{
	return i < sc->n_budgets ? &sc->budgets[i] : NULL;
}

const tc_scn_contract *tc_scenario_contract(const tc_scenario *sc)
{
	return sc->has_contract ? &sc->contract : NULL;
}
