/*
 * cmd_graph_check.c - "tokcast graph check FILE [--json]": validates a
 * knowledge graph against the schema and lists every problem.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

/* The options, for parsing and for --help. */
static const struct check_option {
	const char *name;
	const char *help;
} check_options[] = {
	{"--catalog FILE", "check models against this catalog too"},
	{"--json", "print one JSON object instead of lines"},
	{"--no-catalog", "do not check model ids against the catalog"},
	{"--schema", "list the schema's attributes and exit"},
	{"--help", "show this help"},
	{NULL, NULL},
};

static void check_help(void)
{
	const struct check_option *o;

	printf("usage: tokcast graph check FILE [--catalog FILE] [--json]\n"
	       "       tokcast graph check --schema\n\n"
	       "Validates a knowledge graph (GraphML) against tokcast's "
	       "schema: node kinds,\nattributes per kind, specs, domains, "
	       "dates, edge kinds and lags, cycles.\nEvery problem is "
	       "listed as FILE:LINE: error|warning: ELEMENT: MESSAGE on\n"
	       "standard error, then a summary on standard output.\n\n"
	       "options:\n");
	for (o = check_options; o->name; o++)
		printf("  %-15s %s\n", o->name, o->help);
	printf("\nexit status: 0 no errors (warnings allowed), 1 errors "
	       "found, 2 usage,\n3 the file cannot be read.\n"
	       "The schema is described in docs/graph-schema.md.\n");
}

/* Writes where an attribute applies ("root kpi, root class") to buf. */
static void where_text(unsigned where, unsigned required, char *buf,
		       size_t size)
{
	static const struct {
		unsigned mask;
		const char *name;
	} parts[] = {
		{TC_KG_AT_NODE, "node"},
		{TC_KG_AT_KPI, "kpi"},
		{TC_KG_AT_CLASS, "class"},
		{TC_KG_AT_ROOT_KPI, "root kpi"},
		{TC_KG_AT_DRIVEN_KPI, "driven kpi"},
		{TC_KG_AT_ROOT_CLASS, "root class"},
		{TC_KG_AT_EDGE, "edge"},
		{TC_KG_AT_GRAPH, "graph"},
	};
	size_t i, pos = 0;
	unsigned left = where;

	buf[0] = '\0';
	for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if ((left & parts[i].mask) != parts[i].mask)
			continue;
		left &= ~parts[i].mask;
		pos += (size_t)snprintf(buf + pos, size - pos, "%s%s",
					pos ? ", " : "", parts[i].name);
		if (pos >= size)
			return;
	}
	if (required && pos < size)
		snprintf(buf + pos, size - pos, " (required)");
}

/* Prints the schema table: every attribute, where, type, domain. */
static void print_schema(void)
{
	const tc_kg_attr_info *rows;
	char where[96], dom[64];
	size_t i, n;

	rows = tc_kg_schema(&n);
	printf("%-21s %-28s %-9s %-10s %-11s %s\n", "ATTRIBUTE", "WHERE",
	       "TYPE", "DOMAIN", "DRAWN", "DEFAULT");
	for (i = 0; i < n; i++) {
		where_text(rows[i].where, rows[i].required, where,
			   sizeof where);
		tc_kg_domain_text(&rows[i], dom, sizeof dom);
		printf("%-21s %-28s %-9s %-10s %-11s %s\n", rows[i].name,
		       where, tc_kg_type_name(rows[i].type), dom,
		       tc_kg_draw_name(rows[i].draw),
		       rows[i].default_text && *rows[i].default_text
			       ? rows[i].default_text
			       : "-");
	}
}

/* The command line, parsed. */
struct check_args {
	const char *file;
	int json;
	int help;
	int schema;
	int no_catalog;
	const char *catalog;
};

static int parse_args(int argc, char **argv, struct check_args *a)
{
	int i;

	memset(a, 0, sizeof *a);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			a->help = 1;
		else if (strcmp(argv[i], "--json") == 0)
			a->json = 1;
		else if (strcmp(argv[i], "--schema") == 0)
			a->schema = 1;
		else if (strcmp(argv[i], "--no-catalog") == 0)
			a->no_catalog = 1;
		else if (strcmp(argv[i], "--catalog") == 0 && i + 1 < argc)
			a->catalog = argv[++i];
		else if (strcmp(argv[i], "--catalog") == 0)
			return cli_usage_error("tokcast graph check",
					       "option '--catalog' needs a "
					       "value");
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error("tokcast graph check",
					       "unknown option '%s'", argv[i]);
		else if (a->file)
			return cli_usage_error("tokcast graph check",
					       "one FILE only, got '%s' too",
					       argv[i]);
		else
			a->file = argv[i];
	}
	if (!a->file && !a->help && !a->schema)
		return cli_usage_error("tokcast graph check",
				       "missing FILE");
	return CLI_OK;
}

/* Orders diagnostics by line, then by the order they were found. */
static int diag_cmp(const void *pa, const void *pb)
{
	const tc_diag *a = *(const tc_diag *const *)pa;
	const tc_diag *b = *(const tc_diag *const *)pb;

	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a < b ? -1 : a > b;
}

/*
 * The diagnostics in file order, plus a reader failure (err, or NULL)
 * as one more error. Returns a malloc'd array of *count pointers, valid
 * while diags and *fail live; NULL when out of memory.
 */
static const tc_diag **sorted_diags(const tc_diags *diags,
				    const tc_error *err, tc_diag *fail,
				    size_t *count)
{
	size_t i, n = tc_diags_count(diags);
	const tc_diag **list = malloc((n + 1) * sizeof *list);

	if (!list)
		return NULL;
	for (i = 0; i < n; i++)
		list[i] = tc_diags_get(diags, i);
	if (err) {
		fail->severity = TC_SEV_ERROR;
		fail->status = err->status;
		fail->file = err->file;
		fail->line = err->line;
		fail->column = err->column;
		fail->element = err->element;
		fail->message = err->message;
		list[n++] = fail;
	}
	qsort(list, n, sizeof *list, diag_cmp);
	*count = n;
	return list;
}

/* One diagnostic as a JSON object. */
static json_t *diag_json(const tc_diag *d)
{
	return json_pack("{s:s, s:s, s:I, s:I, s:s, s:s}", "severity",
			 d->severity == TC_SEV_ERROR ? "error" : "warning",
			 "file", d->file, "line", (json_int_t)d->line,
			 "column", (json_int_t)d->column, "element",
			 d->element, "message", d->message);
}

/* Prints the whole result as one JSON object on stdout. */
static int print_json(const char *file, const tc_graph *g,
		      const tc_diag **list, size_t n, size_t errors)
{
	json_t *root, *arr = json_array();
	size_t i;
	int rc;

	for (i = 0; arr && i < n; i++)
		json_array_append_new(arr, diag_json(list[i]));
	root = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:o}", "file", file,
			 "valid", errors == 0, "nodes",
			 (json_int_t)(g ? tc_graph_node_count(g) : 0),
			 "edges",
			 (json_int_t)(g ? tc_graph_edge_count(g) : 0),
			 "errors", (json_int_t)errors, "warnings",
			 (json_int_t)(n - errors), "diagnostics", arr);
	if (!root) {
		cli_say("out of memory");
		return CLI_FAILURE;
	}
	rc = json_dumpf(root, stdout, JSON_INDENT(2));
	json_decref(root);
	fputc('\n', stdout);
	return rc == 0 ? CLI_OK : CLI_FAILURE;
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* Prints the problems on stderr and the summary on stdout. */
static void print_text(const char *file, const tc_graph *g,
		       const tc_diag **list, size_t n, size_t errors)
{
	char buf[TC_ERROR_FILE_MAX + TC_ERROR_MESSAGE_MAX + 512];
	size_t i;

	for (i = 0; i < n; i++)
		cli_say("%s", tc_diag_format(list[i], buf, sizeof buf));
	printf("%s: ", file);
	if (g)
		printf("%zu node%s, %zu edge%s: ", tc_graph_node_count(g),
		       plural(tc_graph_node_count(g)),
		       tc_graph_edge_count(g),
		       plural(tc_graph_edge_count(g)));
	printf("%zu error%s, %zu warning%s%s\n", errors, plural(errors),
	       n - errors, plural(n - errors), errors ? "" : ": valid");
}

/*
 * Reads and checks the file. Validation problems land in diags; a
 * reader failure is left in err with *g NULL.
 */
static tc_status run_check(const char *file, const tc_catalog *cat,
			   tc_graph **g, tc_diags *diags, tc_error *err)
{
	tc_kg_opts opts = {0};
	tc_error ignored = {0};
	tc_kg *kg = NULL;
	tc_status st;

	*g = NULL;
	st = tc_graph_read_file(file, NULL, g, diags, err);
	if (st != TC_OK) {
		*g = NULL;
		if (err->status == TC_OK)
			err->status = st;
		if (!err->message[0])
			snprintf(err->message, sizeof err->message, "%s",
				 tc_strerror(st));
		return st;
	}
	if (cat) {
		opts.check_model = tc_catalog_model_check;
		opts.model_ctx = (void *)cat;
	}
	st = tc_kg_build(*g, &opts, &kg, diags, &ignored);
	tc_kg_free(kg);
	return st;
}

/* Reports the result in the chosen form; returns the exit code. */
static int report(const struct check_args *a, const tc_graph *g,
		  const tc_diags *diags, const tc_error *err, tc_status st)
{
	const tc_diag **list;
	tc_diag fail;
	size_t n = 0, errors;
	int rc = CLI_OK;

	list = sorted_diags(diags, g ? NULL : err, &fail, &n);
	if (!list) {
		cli_say("out of memory");
		return CLI_FAILURE;
	}
	errors = tc_diags_errors(diags) + (g ? 0 : 1);
	if (a->json)
		rc = print_json(a->file, g, list, n, errors);
	else
		print_text(a->file, g, list, n, errors);
	free(list);
	if (rc != CLI_OK)
		return rc;
	if (st == TC_OK && errors == 0)
		return CLI_OK;
	return cli_exit_for(st == TC_OK ? TC_ERR_INVALID : st);
}

int cli_graph_check(int argc, char **argv)
{
	struct check_args a;
	tc_error err = {0};
	tc_diags *diags;
	tc_graph *g = NULL;
	tc_catalog *cat = NULL;
	tc_status st;
	int rc;

	rc = parse_args(argc, argv, &a);
	if (rc != CLI_OK || a.help) {
		if (a.help && rc == CLI_OK)
			check_help();
		return rc;
	}
	if (a.schema) {
		print_schema();
		return CLI_OK;
	}
	/* Model ids are checked against the bundled catalog (and the
	 * user's) unless the user opts out. */
	if (!a.no_catalog) {
		rc = cli_load_catalog(a.catalog, &cat);
		if (rc != CLI_OK)
			return rc;
	}
	diags = tc_diags_new();
	if (!diags) {
		tc_catalog_free(cat);
		cli_say("out of memory");
		return CLI_FAILURE;
	}

	st = run_check(a.file, cat, &g, diags, &err);
	rc = report(&a, g, diags, &err, st);
	tc_graph_free(g);
	tc_diags_free(diags);
	tc_catalog_free(cat);
	return rc;
}
