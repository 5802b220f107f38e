/*
 * cmd_scenario.c - "tokcast scenario check S.yaml --graph G": validates a
 * scenario file against a knowledge graph, the price catalog and a
 * horizon, and lists every problem.
 */
#define _XOPEN_SOURCE 700

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The command line, parsed. */
struct scn_args {
	const char *file;
	const char *graph;
	const char *catalog;
	const char *start;
	const char *days;
	const char *quarter;
	int no_catalog;
	int list;
	int help;
};

static const struct scn_option {
	const char *name;
	const char *help;
} scn_options[] = {
	{"--graph FILE", "the knowledge graph (default: the scenario's)"},
	{"--catalog FILE", "a price catalog over the bundled one"},
	{"--no-catalog", "do not check model ids against a catalog"},
	{"--quarter YYYYQn", "check dates against this quarter"},
	{"--start DATE", "check dates against DATE .. DATE + N - 1"},
	{"--days N", "the horizon's length with --start"},
	{"--list", "print the changes as read"},
	{"--help", "show this help"},
	{NULL, NULL},
};

static void scn_help(void)
{
	const struct scn_option *o;

	printf("usage: tokcast scenario check S.yaml [--graph G] "
	       "[--catalog FILE]\n"
	       "       [--quarter YYYYQn | --start DATE --days N] "
	       "[--list]\n\n"
	       "Validates a scenario file (docs/scenarios.md) and the "
	       "files it extends:\nclasses, attributes and specs against "
	       "the graph, model ids against the\ncatalog, dates against "
	       "the horizon. Every problem is listed as\n"
	       "FILE:LINE:COLUMN: error|warning: MESSAGE on standard "
	       "error, then a summary\non standard output.\n\noptions:\n");
	for (o = scn_options; o->name; o++)
		printf("  %-17s %s\n", o->name, o->help);
	printf("\nexit status: 0 valid (warnings allowed), 1 errors found, "
	       "2 usage,\n3 a file cannot be read.\n");
}

/* Takes the value of an option that needs one. */
static int take(int argc, char **argv, int *i, const char **out)
{
	if (*i + 1 >= argc)
		return cli_usage_error("tokcast scenario check",
				       "%s needs a value", argv[*i]);
	*out = argv[++*i];
	return CLI_OK;
}

static int parse_args(int argc, char **argv, struct scn_args *a)
{
	static const char *const valued[] = {"--graph", "--catalog",
					     "--start", "--days", "--quarter"};
	const char **slots[] = {&a->graph, &a->catalog, &a->start, &a->days,
				&a->quarter};
	int i, rc;
	size_t k;

	memset(a, 0, sizeof *a);
	for (i = 1; i < argc; i++) {
		for (k = 0; k < 5 && strcmp(argv[i], valued[k]); k++)
			;
		if (k < 5) {
			rc = take(argc, argv, &i, slots[k]);
			if (rc != CLI_OK)
				return rc;
		} else if (!strcmp(argv[i], "--help") ||
			   !strcmp(argv[i], "-h")) {
			a->help = 1;
		} else if (!strcmp(argv[i], "--no-catalog")) {
			a->no_catalog = 1;
		} else if (!strcmp(argv[i], "--list")) {
			a->list = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage_error("tokcast scenario check",
					       "unknown option '%s'", argv[i]);
		} else if (a->file) {
			return cli_usage_error("tokcast scenario check",
					       "one scenario file only, got "
					       "'%s' too", argv[i]);
		} else {
			a->file = argv[i];
		}
	}
	if (!a->file && !a->help)
		return cli_usage_error("tokcast scenario check",
				       "missing the scenario file");
	return CLI_OK;
}

/* "2027Q1" into its first day and length. 0 on success. */
static int parse_quarter(const char *s, int64_t *start, int64_t *days)
{
	char date[48], *end;
	int64_t next;
	long year;
	int q;

	if (strlen(s) != 6 || s[4] != 'Q' || s[5] < '1' || s[5] > '4')
		return -1;
	year = strtol(s, &end, 10);
	if (end != s + 4 || year < 1000)
		return -1;
	q = s[5] - '0';
	snprintf(date, sizeof date, "%04ld-%02d-01", year, 3 * q - 2);
	if (cli_parse_date(date, start) != 0)
		return -1;
	snprintf(date, sizeof date, "%04ld-%02d-01", q == 4 ? year + 1 : year,
		 q == 4 ? 1 : 3 * q + 1);
	if (cli_parse_date(date, &next) != 0)
		return -1;
	*days = next - *start;
	return 0;
}

/* The horizon of --quarter or --start/--days into opts. */
static int horizon(const struct scn_args *a, tc_scenario_opts *opts)
{
	char *end;
	long n;

	if (a->quarter && (a->start || a->days))
		return cli_usage_error("tokcast scenario check", "give "
				       "--quarter or --start and --days");
	if (a->quarter) {
		if (parse_quarter(a->quarter, &opts->horizon_start,
				  &opts->horizon_days) != 0)
			return cli_usage_error("tokcast scenario check",
					       "--quarter: expected YYYYQn, "
					       "got '%s'", a->quarter);
		return CLI_OK;
	}
	if (!a->start != !a->days)
		return cli_usage_error("tokcast scenario check",
				       "--start and --days go together");
	if (!a->start)
		return CLI_OK;
	if (cli_parse_date(a->start, &opts->horizon_start) != 0)
		return cli_usage_error("tokcast scenario check", "--start: "
				       "expected YYYY-MM-DD, got '%s'",
				       a->start);
	n = strtol(a->days, &end, 10);
	if (*end || end == a->days || n < 1 || n > 3660)
		return cli_usage_error("tokcast scenario check", "--days: "
				       "expected 1 to 3660, got '%s'",
				       a->days);
	opts->horizon_days = n;
	return CLI_OK;
}

/* Orders diagnostics by file, line and column, then as found. */
static int diag_cmp(const void *pa, const void *pb)
{
	const tc_diag *a = *(const tc_diag *const *)pa;
	const tc_diag *b = *(const tc_diag *const *)pb;
	int c = strcmp(a->file, b->file);

	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* Prints the diagnostics on stderr in file order. */
static int print_diags(const tc_diags *diags)
{
	char buf[TC_ERROR_FILE_MAX + TC_ERROR_MESSAGE_MAX + 512];
	size_t i, n = tc_diags_count(diags);
	const tc_diag **list = malloc((n + 1) * sizeof *list);

	if (!list) {
		cli_say("out of memory");
		return CLI_FAILURE;
	}
	for (i = 0; i < n; i++)
		list[i] = tc_diags_get(diags, i);
	qsort(list, n, sizeof *list, diag_cmp);
	for (i = 0; i < n; i++)
		cli_say("%s", tc_diag_format(list[i], buf, sizeof buf));
	free(list);
	return CLI_OK;
}

/*
 * The graph to check against: --graph, else the one the scenario
 * names (its other problems are left for the real check). Writes the
 * path into buf, "" when there is none; returns an exit code.
 */
static int graph_path(const struct scn_args *a, char *buf, size_t size)
{
	tc_error err = {0};
	char *named = NULL;
	tc_status st;

	buf[0] = '\0';
	if (a->graph) {
		snprintf(buf, size, "%s", a->graph);
		return CLI_OK;
	}
	st = tc_scenario_base_graph(a->file, &named, &err);
	if (st == TC_ERR_NOT_FOUND)
		return CLI_OK;
	if (st != TC_OK)
		return cli_fail(&err);
	snprintf(buf, size, "%s", named);
	free(named);
	return CLI_OK;
}

/* Warns when --graph differs from the graph the scenario names. */
static void same_graph(const tc_scenario *sc, const char *graph)
{
	char a[PATH_MAX], b[PATH_MAX];
	const char *named = tc_scenario_graph(sc);

	if (!named || !realpath(named, a) || !realpath(graph, b) ||
	    strcmp(a, b) == 0)
		return;
	cli_say("warning: %s was written for %s, checked against %s",
		tc_scenario_file(sc), named, graph);
}

/* Loads the graph; its problems are printed, and fail the check. */
static int load_graph(const char *path, tc_catalog *cat, tc_kg **kg)
{
	tc_kg_opts opts = {0};
	tc_error err = {0};
	tc_diags *diags = tc_diags_new();
	tc_status st;

	if (!diags) {
		cli_say("out of memory");
		return CLI_FAILURE;
	}
	if (cat) {
		opts.check_model = tc_catalog_model_check;
		opts.model_ctx = cat;
	}
	st = tc_kg_load_file(path, &opts, kg, diags, &err);
	if (st != TC_OK) {
		print_diags(diags);
		cli_say("%s: the graph is not valid (tokcast graph check "
			"lists its problems)", path);
	}
	tc_diags_free(diags);
	return st == TC_OK ? CLI_OK : cli_exit_for(st);
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* Prints one change as read, for --list. */
static void list_change(size_t i, const tc_scn_change *ch)
{
	char *date = ch->date ? tc_spec_to_string(ch->date) : NULL;
	char *value = ch->value ? tc_spec_to_string(ch->value) : NULL;

	printf("  %zu. %s %s", i + 1, tc_scn_kind_name(ch->kind),
	       ch->target ? ch->target : "");
	if (ch->kind == TC_SCN_SET || ch->kind == TC_SCN_GROWTH)
		printf(" %s", tc_kg_attr_get(ch->attr)->name);
	if (ch->model)
		printf(" -> %s", ch->model);
	if (value)
		printf(" = %s", value);
	if (ch->multiplier != TC_RATE_NONE)
		printf(" x %g", ch->multiplier / 1e6);
	printf(" %s %s [%s]\n", ch->kind == TC_SCN_LAUNCH ||
				       ch->kind == TC_SCN_RETIRE
				       ? "on" : "from",
	       date ? date : "the first day", ch->key);
	free(date);
	free(value);
}

/* The summary line on stdout, and the changes with --list. */
static void summary(const struct scn_args *a, const tc_scenario *sc,
		    const tc_diags *diags)
{
	size_t e = tc_diags_errors(diags), w = tc_diags_warnings(diags);
	size_t i, n;

	printf("%s: ", a->file);
	if (sc) {
		n = tc_scenario_change_count(sc);
		printf("scenario '%s', %zu change%s, %zu budget%s, %s: ",
		       tc_scenario_name(sc), n, plural(n),
		       tc_scenario_budget_count(sc),
		       plural(tc_scenario_budget_count(sc)),
		       tc_scenario_contract(sc) ? "a contract"
						: "no contract");
	}
	printf("%zu error%s, %zu warning%s%s\n", e, plural(e), w, plural(w),
	       e ? "" : ": valid");
	for (i = 0; sc && a->list && i < tc_scenario_change_count(sc); i++)
		list_change(i, tc_scenario_change(sc, i));
}

/* Loads the graph and the scenario, and reports. */
static int run(const struct scn_args *a, tc_scenario_opts *opts)
{
	char path[PATH_MAX];
	tc_error err = {0};
	tc_diags *diags = NULL;
	tc_scenario *sc = NULL;
	tc_kg *kg = NULL;
	tc_status st;
	int rc;

	rc = graph_path(a, path, sizeof path);
	if (rc == CLI_OK && path[0])
		rc = load_graph(path, opts->catalog, &kg);
	if (rc != CLI_OK)
		return rc;
	diags = tc_diags_new();
	if (!diags) {
		tc_kg_free(kg);
		cli_say("out of memory");
		return CLI_FAILURE;
	}
	st = tc_scenario_load(a->file, kg, opts, &sc, diags, &err);
	if (sc && kg)
		same_graph(sc, path);
	rc = print_diags(diags);
	summary(a, sc, diags);
	if (rc == CLI_OK && st != TC_OK)
		rc = cli_exit_for(st);
	else if (rc == CLI_OK && !kg)
		rc = cli_usage_error("tokcast scenario check", "%s names no "
				     "graph: give --graph FILE", a->file);
	tc_scenario_free(sc);
	tc_diags_free(diags);
	tc_kg_free(kg);
	return rc;
}

int cli_scenario_check(int argc, char **argv)
{
	tc_scenario_opts opts = {0};
	struct scn_args a;
	tc_catalog *cat = NULL;
	int rc;

	rc = parse_args(argc, argv, &a);
	if (rc != CLI_OK || a.help) {
		if (a.help && rc == CLI_OK)
			scn_help();
		return rc;
	}
	rc = horizon(&a, &opts);
	if (rc != CLI_OK)
		return rc;
	if (!a.no_catalog) {
		rc = cli_load_catalog(a.catalog, &cat);
		if (rc != CLI_OK)
			return rc;
	}
	opts.catalog = cat;
	rc = run(&a, &opts);
	tc_catalog_free(cat);
	return rc;
}

static const struct cli_command scenario_commands[] = {
	{"check", "validate a scenario file against a graph and catalog",
	 cli_scenario_check},
	{NULL, NULL, NULL},
};

int cli_scenario(int argc, char **argv)
{
	return cli_dispatch("tokcast scenario", scenario_commands, argc - 1,
			    argv + 1);
}
