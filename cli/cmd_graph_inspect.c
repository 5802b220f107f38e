/*
 * cmd_graph_inspect.c - "tokcast graph inspect FILE [--json]": what a
 * GraphML file holds, as text or as one JSON object.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static const char usage[] =
	"usage: tokcast graph inspect FILE [--json]\n"
	"\n"
	"Reads a GraphML file and prints what was read: node and edge\n"
	"counts, directed and undirected edges, parallel edges, self loops,\n"
	"the declared keys (domain, name, type) and warnings.\n"
	"\n"
	"options:\n"
	"  --json     print one JSON object instead of text\n"
	"  --help     print this help\n"
	"\n"
	"exit codes: 0 read, 1 invalid GraphML, 2 usage, 3 I/O error\n";

/* Prints the counts, keys and warnings as text. */
static void print_text(const tc_graph *g, const tc_diags *warnings)
{
	tc_graph_stats s;
	const tc_key_info *k;
	char buf[4096];
	size_t i;

	tc_graph_get_stats(g, &s);
	printf("file:             %s\n", tc_graph_source(g));
	printf("edgedefault:      %s\n",
	       tc_graph_default_directed(g) ? "directed" : "undirected");
	printf("nodes:            %zu\n", s.nodes);
	printf("edges:            %zu\n", s.edges);
	printf("directed edges:   %zu\n", s.directed_edges);
	printf("undirected edges: %zu\n", s.undirected_edges);
	printf("parallel edges:   %zu\n", s.parallel_edges);
	printf("self loops:       %zu\n", s.self_loops);
	printf("keys:             %zu\n", s.keys);
	for (i = 0; i < s.keys; i++) {
		k = tc_graph_key(g, i);
		printf("  %-9s %-24s %-8s (id %s)\n",
		       tc_key_domain_name(k->domain), k->name,
		       tc_attr_type_name(k->type), k->id);
	}
	printf("warnings:         %zu\n", tc_diags_count(warnings));
	for (i = 0; i < tc_diags_count(warnings); i++)
		printf("  %s\n", tc_diag_format(tc_diags_get(warnings, i),
						buf, sizeof buf));
}

/* Builds the JSON object; NULL when out of memory. */
static json_t *to_json(const tc_graph *g, const tc_diags *warnings)
{
	tc_graph_stats s;
	const tc_key_info *k;
	json_t *o, *keys, *warns;
	char buf[4096];
	size_t i;

	tc_graph_get_stats(g, &s);
	keys = json_array();
	warns = json_array();
	for (i = 0; keys && i < s.keys; i++) {
		k = tc_graph_key(g, i);
		json_array_append_new(keys, json_pack(
			"{s:s, s:s, s:s, s:s}", "id", k->id, "for",
			tc_key_domain_name(k->domain), "name", k->name,
			"type", tc_attr_type_name(k->type)));
	}
	for (i = 0; warns && i < tc_diags_count(warnings); i++)
		json_array_append_new(warns, json_string(tc_diag_format(
			tc_diags_get(warnings, i), buf, sizeof buf)));
	o = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}",
		      "file", tc_graph_source(g), "directed",
		      tc_graph_default_directed(g), "nodes",
		      (json_int_t)s.nodes, "edges", (json_int_t)s.edges,
		      "directed_edges", (json_int_t)s.directed_edges,
		      "undirected_edges", (json_int_t)s.undirected_edges,
		      "parallel_edges", (json_int_t)s.parallel_edges,
		      "self_loops", (json_int_t)s.self_loops, "keys", keys,
		      "warnings", warns);
	return o;
}

/* Parses the command line: *file and *json. Returns -1 or an exit code. */
static int parse_args(int argc, char **argv, const char **file, int *json)
{
	int i;

	*file = NULL;
	*json = 0;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return CLI_OK;
		}
		if (strcmp(argv[i], "--json") == 0)
			*json = 1;
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_usage_error("tokcast graph inspect",
					       "unknown option '%s'", argv[i]);
		else if (*file)
			return cli_usage_error("tokcast graph inspect",
					       "one FILE expected");
		else
			*file = argv[i];
	}
	if (!*file)
		return cli_usage_error("tokcast graph inspect",
				       "missing FILE");
	return -1;
}

int cli_graph_inspect(int argc, char **argv)
{
	tc_error err = {0};
	tc_graph *g = NULL;
	tc_diags *warnings = tc_diags_new();
	const char *file;
	json_t *o;
	int json, code;

	code = parse_args(argc, argv, &file, &json);
	if (code >= 0 || !warnings)
		goto out;
	if (tc_graph_read_file(file, NULL, &g, warnings, &err) != TC_OK) {
		code = cli_fail(&err);
		goto out;
	}
	code = CLI_OK;
	if (!json) {
		print_text(g, warnings);
		goto out;
	}
	o = to_json(g, warnings);
	if (!o || json_dumpf(o, stdout, JSON_INDENT(2)) != 0) {
		cli_say("cannot write JSON");
		code = CLI_FAILURE;
	}
	json_decref(o);
	putchar('\n');
out:
	if (!warnings && code < 0) {
		cli_say("out of memory");
		code = CLI_FAILURE;
	}
	tc_graph_free(g);
	tc_diags_free(warnings);
	return code;
}
