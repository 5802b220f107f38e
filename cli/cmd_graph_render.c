/*
 * cmd_graph_render.c - "tokcast graph render": draws a knowledge graph as
 * SVG, PNG or PDF with Graphviz.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define CMD "tokcast graph render"

/* The options, sorted by long name; help and parsing both use it. */
static const struct render_option {
	const char *name;
	int has_arg;
	int key; /* short letter, or a code above 255 */
	const char *arg;
	const char *help;
} render_options[] = {
    {"forecast", 1, 256, "FILE",
     "annotate classes with the JSON of 'tokcast forecast -o'"},
    {"format", 1, 257, "FMT", "svg, png or pdf, not by extension (for -o -)"},
    {"help", 0, 'h', NULL, "show this help"},
    {"output", 1, 'o', "FILE",
     "write to FILE; .svg, .png or .pdf picks the format"},
    {"rankdir", 1, 258, "DIR", "LR, TB or auto (LR for wide, shallow graphs)"},
    {"title", 1, 259, "TEXT", "a title above the graph"},
};
#define N_OPTIONS (sizeof render_options / sizeof render_options[0])

/* What the command line asked for. */
struct render_args {
	const char *input;
	const char *output;
	const char *forecast;
	int help;
	tc_render_options opts;
};

static void print_help(void)
{
	char formats[64];
	char left[40];
	size_t i;

	printf("usage: " CMD " FILE -o OUT.svg|OUT.png|OUT.pdf [OPTIONS]\n\n"
	       "Lays out a knowledge graph with Graphviz (dot): KPIs as blue "
	       "ellipses,\nfeature classes as orange boxes with their model, "
	       "edges labelled with\ntheir rate and lag; 'calls' edges are "
	       "dashed.\n\noptions:\n");
	for (i = 0; i < N_OPTIONS; i++) {
		const struct render_option *o = &render_options[i];

		if (o->key < 256)
			snprintf(left, sizeof left, "-%c, --%s %s", o->key,
				 o->name, o->arg ? o->arg : "");
		else
			snprintf(left, sizeof left, "    --%s %s", o->name,
				 o->arg ? o->arg : "");
		printf("  %-22s%s\n", left, o->help);
	}
	printf("\nformats this Graphviz draws: %s\n"
	       "exit: 0 drawn, 1 invalid graph, 2 usage, 3 output not "
	       "written\n",
	       tc_render_formats(formats, sizeof formats)[0] ? formats
							     : "none");
}

/* Reads --rankdir's value; returns 0 when it is none of the three. */
static int parse_rankdir(const char *s, tc_rankdir *out)
{
	if (strcmp(s, "LR") == 0 || strcmp(s, "lr") == 0)
		*out = TC_RANKDIR_LR;
	else if (strcmp(s, "TB") == 0 || strcmp(s, "tb") == 0)
		*out = TC_RANKDIR_TB;
	else if (strcmp(s, "auto") == 0)
		*out = TC_RANKDIR_AUTO;
	else
		return 0;
	return 1;
}

/* Stores one parsed option; returns CLI_OK or a usage error. */
static int take_option(struct render_args *a, int key, const char *val)
{
	switch (key) {
	case 'h':
		a->help = 1;
		return CLI_OK;
	case 'o':
		a->output = val;
		return CLI_OK;
	case 256:
		a->forecast = val;
		return CLI_OK;
	case 257:
		a->opts.format = val;
		return CLI_OK;
	case 258:
		if (!parse_rankdir(val, &a->opts.rankdir))
			return cli_usage_error(CMD,
					       "--rankdir takes LR, TB "
					       "or auto, not '%s'",
					       val);
		return CLI_OK;
	case 259:
		a->opts.title = val;
		return CLI_OK;
	default:
		return cli_usage_error(CMD,
				       "unknown or incomplete option "
				       "'%s'",
				       val ? val : "");
	}
}

/* Parses argv (argv[0] is "render") into a; returns an exit code. */
static int parse_args(int argc, char **argv, struct render_args *a)
{
	struct option longs[N_OPTIONS + 1];
	int key, code;
	size_t i;

	memset(longs, 0, sizeof longs);
	for (i = 0; i < N_OPTIONS; i++) {
		longs[i].name = render_options[i].name;
		longs[i].has_arg = render_options[i].has_arg;
		longs[i].val = render_options[i].key;
	}
	opterr = 0;
	optind = 1;
	while ((key = getopt_long(argc, argv, "ho:", longs, NULL)) != -1) {
		code = take_option(a, key,
				   key == '?' || key == ':' ? argv[optind - 1]
							    : optarg);
		if (code != CLI_OK)
			return code;
	}
	if (a->help)
		return CLI_OK;
	if (optind != argc - 1)
		return cli_usage_error(CMD, "expected one graph file, got %d",
				       argc - optind);
	a->input = argv[optind];
	if (!a->output)
		return cli_usage_error(CMD, "missing -o OUT.svg (or .png, "
					    ".pdf)");
	return CLI_OK;
}

/* Reads the graph; exit 1 for any unusable input, 3 for our failures. */
static int read_graph(const char *path, tc_graph **g)
{
	tc_error err = {0};
	tc_status st;

	st = tc_graph_read_file(path, NULL, g, NULL, &err);
	if (st == TC_OK)
		return CLI_OK;
	return cli_fail(&err);
}

/* Maps a drawing failure to an exit code: formats are a usage matter. */
static int render_exit(tc_status st)
{
	if (st == TC_ERR_UNSUPPORTED || st == TC_ERR_ARG)
		return CLI_USAGE;
	if (st == TC_ERR_LIMIT || st == TC_ERR_NOT_FOUND ||
	    st == TC_ERR_INVALID)
		return CLI_INVALID;
	return CLI_FAILURE;
}

/*
 * Checks before the layout (slow for large graphs) that the output can
 * be created. A format it cannot draw is left to tc_render_file, whose
 * usage error comes first as it did.
 */
static int check_output(const struct render_args *a)
{
	const char *dot = strrchr(a->output, '.');
	const char *format = a->opts.format ? a->opts.format
					    : dot ? dot + 1 : NULL;

	if (!format || !tc_render_format_available(format))
		return CLI_OK;
	return cli_check_writable(a->output);
}

/*
 * Warns when the forecast names a graph other than the file drawn: its
 * numbers still go on the nodes whose ids match, which may be wrong. A
 * forecast that names no graph passes. Returns CLI_OK or the exit code.
 */
static int check_forecast_graph(const struct render_args *a,
				const tc_render_forecast *fc)
{
	const char *want = tc_render_forecast_graph_sha256(fc);
	tc_error err = {0};
	char sha[65];

	if (!want[0])
		return CLI_OK;
	if (tc_sha256_file(a->input, sha, &err) != TC_OK)
		return cli_fail(&err);
	if (strcmp(sha, want) != 0)
		cli_say("warning: %s was made from another graph "
			"(graph_sha256 differs); its numbers are drawn on the "
			"nodes whose ids match", a->forecast);
	return CLI_OK;
}

int cli_graph_render(int argc, char **argv)
{
	struct render_args a;
	tc_render_forecast *fc = NULL;
	tc_graph *g = NULL;
	tc_diags *warnings = NULL;
	tc_error err = {0};
	tc_status st;
	int code;

	memset(&a, 0, sizeof a);
	tc_render_options_init(&a.opts);
	code = parse_args(argc, argv, &a);
	if (code != CLI_OK || a.help) {
		if (a.help)
			print_help();
		return code;
	}
	code = check_output(&a);
	if (code != CLI_OK)
		return code;
	if (a.forecast) {
		st = tc_render_forecast_load(a.forecast, &fc, &err);
		if (st != TC_OK)
			return cli_fail(&err);
		tc_render_forecast_apply(fc, &a.opts);
	}

	code = read_graph(a.input, &g);
	if (code == CLI_OK && fc)
		code = check_forecast_graph(&a, fc);
	if (code != CLI_OK) {
		tc_graph_free(g);
		tc_render_forecast_free(fc);
		return code;
	}
	warnings = tc_diags_new();
	st = tc_render_file(g, a.output, &a.opts, warnings, &err);
	if (warnings)
		cli_print_diags(warnings);
	if (st != TC_OK) {
		cli_fail(&err);
		code = render_exit(st);
	}
	tc_diags_free(warnings);
	tc_graph_free(g);
	tc_render_forecast_free(fc);
	return code;
}
