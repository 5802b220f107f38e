/*
 * cmd_graph_check.c - "tokcast graph check FILE [--json]": validates a
 * knowledge graph against the schema and lists every problem.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

/* The options, for parsing and for --help. */
static const struct check_option {
	const char *name;
	const char *help;
} check_options[] = {
	{"--json", "print one JSON object instead of lines"},
	{"--help", "show this help"},
	{NULL, NULL},
};

static void check_help(void)
{
	const struct check_option *o;

	printf("usage: tokcast graph check FILE [--json]\n\n"
	       "Validates a knowledge graph (GraphML) against tokcast's "
	       "schema: node kinds,\nattributes per kind, specs, domains, "
	       "dates, edge kinds and lags, cycles.\nEvery problem is "
	       "listed as FILE:LINE: error|warning: ELEMENT: MESSAGE on\n"
	       "standard error, then a summary on standard output.\n\n"
	       "options:\n");
	for (o = check_options; o->name; o++)
		printf("  %-10s %s\n", o->name, o->help);
	printf("\nexit status: 0 no errors (warnings allowed), 1 errors "
	       "found, 2 usage,\n3 the file cannot be read.\n"
	       "The schema is described in docs/graph-schema.md.\n");
}

/* The command line, parsed. */
struct check_args {
	const char *file;
	int json;
	int help;
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
	if (!a->file && !a->help)
		return cli_usage_error("tokcast graph check",
				       "missing FILE");
	return CLI_OK;
}

/* One diagnostic as a JSON object. */
static json_t *diag_json(const char *severity, const char *file, long line,
			 long column, const char *element, const char *message)
{
	return json_pack("{s:s, s:s, s:I, s:I, s:s, s:s}", "severity",
			 severity, "file", file, "line", (json_int_t)line,
			 "column", (json_int_t)column, "element", element,
			 "message", message);
}

/*
 * The diagnostics as a JSON array; a reader failure (err set, no graph)
 * is listed as the one error.
 */
static json_t *diags_json(const tc_diags *diags, const tc_error *err)
{
	json_t *list = json_array();
	const tc_diag *d;
	size_t i;

	for (i = 0; list && i < tc_diags_count(diags); i++) {
		d = tc_diags_get(diags, i);
		json_array_append_new(list, diag_json(
			d->severity == TC_SEV_ERROR ? "error" : "warning",
			d->file, d->line, d->column, d->element, d->message));
	}
	if (list && err)
		json_array_append_new(list, diag_json("error", err->file,
						      err->line, err->column,
						      err->element,
						      err->message));
	return list;
}

/* Prints the whole result as one JSON object on stdout. */
static int print_json(const char *file, const tc_graph *g,
		      const tc_diags *diags, const tc_error *err)
{
	size_t errors = tc_diags_errors(diags) + (err ? 1 : 0);
	json_t *root;
	int rc;

	root = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:o}", "file", file,
			 "valid", errors == 0, "nodes",
			 (json_int_t)(g ? tc_graph_node_count(g) : 0),
			 "edges",
			 (json_int_t)(g ? tc_graph_edge_count(g) : 0),
			 "errors", (json_int_t)errors, "warnings",
			 (json_int_t)tc_diags_warnings(diags), "diagnostics",
			 diags_json(diags, err));
	if (!root) {
		cli_say("out of memory");
		return CLI_FAILURE;
	}
	rc = json_dumpf(root, stdout, JSON_INDENT(2));
	json_decref(root);
	fputc('\n', stdout);
	return rc == 0 ? CLI_OK : CLI_FAILURE;
}

/* Prints the problems on stderr and the summary on stdout. */
static void print_text(const char *file, const tc_graph *g,
		       const tc_diags *diags, const tc_error *err)
{
	size_t e = tc_diags_errors(diags), w = tc_diags_warnings(diags);
	char buf[TC_ERROR_FILE_MAX + TC_ERROR_MESSAGE_MAX + 512];

	cli_print_diags(diags);
	if (err) {
		cli_say("%s", tc_error_format(err, buf, sizeof buf));
		e++;
	}
	if (g)
		printf("%s: %zu nodes, %zu edges: ", file,
		       tc_graph_node_count(g), tc_graph_edge_count(g));
	else
		printf("%s: ", file);
	printf("%zu error%s, %zu warning%s%s\n", e, e == 1 ? "" : "s", w,
	       w == 1 ? "" : "s", e ? "" : ": valid");
}

/*
 * Reads and checks the file. Validation problems land in diags; a
 * reader failure is left in err with *g NULL.
 */
static tc_status run_check(const char *file, tc_graph **g, tc_diags *diags,
			   tc_error *err)
{
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
	st = tc_kg_build(*g, NULL, &kg, diags, &ignored);
	tc_kg_free(kg);
	return st;
}

int cli_graph_check(int argc, char **argv)
{
	struct check_args a;
	tc_error err = {0};
	const tc_error *failed;
	tc_diags *diags;
	tc_graph *g = NULL;
	tc_status st;
	int rc;

	rc = parse_args(argc, argv, &a);
	if (rc != CLI_OK || a.help) {
		if (a.help && rc == CLI_OK)
			check_help();
		return rc;
	}
	diags = tc_diags_new();
	if (!diags) {
		cli_say("out of memory");
		return CLI_FAILURE;
	}

	st = run_check(a.file, &g, diags, &err);
	failed = g ? NULL : &err;
	if (a.json)
		rc = print_json(a.file, g, diags, failed);
	else
		print_text(a.file, g, diags, failed);
	if (rc == CLI_OK)
		rc = st == TC_OK && tc_diags_errors(diags) == 0
			     ? CLI_OK
			     : cli_exit_for(st == TC_OK ? TC_ERR_INVALID : st);
	tc_graph_free(g);
	tc_diags_free(diags);
	return rc;
}
