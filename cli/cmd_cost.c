/*
 * cmd_cost.c - "tokcast cost LOG...": prices real usage logs exactly,
 * each record at the rate in effect on its own date, and prints totals by
 * class, model and period as a table, JSON or CSV.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "usage_opts.h"

static const char cost_help[] =
	"usage: tokcast cost LOG... [--catalog FILE] "
	"[--by class,model,day|week|month]\n"
	"                    [--at DATE] [-o OUT.csv|OUT.json] [--json] "
	"[reading options]\n"
	"\n"
	"Prices usage logs exactly: each record at the catalog rate in\n"
	"effect on its own UTC date (or on DATE with --at), long-context\n"
	"tiers on the whole request, and prints the sums per group. Days\n"
	"are UTC dates, weeks ISO 8601 weeks (YYYY-Www).\n"
	"\n"
	"  --catalog FILE   a catalog overriding or extending the bundled one\n"
	"  --by KEYS        grouping keys, comma-separated (class,model)\n"
	"  --at DATE        price every record at the rates of DATE\n"
	"  -o FILE          write the report as CSV or JSON (by extension)\n"
	"  --json           print the JSON report on standard output\n"
	"  -h, --help       this help\n"
	"\n";

struct cost_args {
	struct cli_usage_args ua;
	const char *catalog;
	const char *out;
	unsigned by;
	int64_t at;
	int json;
};

/* Parses "class,model,day" into tc_cost_by bits; -1 when malformed. */
static int parse_by(const char *s, unsigned *by)
{
	static const struct {
		const char *name;
		unsigned bit;
	} keys[] = {{"class", TC_BY_CLASS}, {"model", TC_BY_MODEL},
		    {"day", TC_BY_DAY}, {"week", TC_BY_WEEK},
		    {"month", TC_BY_MONTH}};
	unsigned periods;
	size_t i, n;

	*by = 0;
	while (*s) {
		n = strcspn(s, ",");
		for (i = 0; i < 5; i++)
			if (strlen(keys[i].name) == n &&
			    strncmp(s, keys[i].name, n) == 0)
				break;
		if (i == 5)
			return -1;
		*by |= keys[i].bit;
		s += n + (s[n] == ',');
	}
	periods = *by & (TC_BY_DAY | TC_BY_WEEK | TC_BY_MONTH);
	return periods & (periods - 1) ? -1 : 0;
}

/* Handles one option of cost itself; 1 done, 0 not ours, -1 bad. */
static int own_option(struct cost_args *a, int c, const char *arg)
{
	switch (c) {
	case 'c':
		a->catalog = arg;
		return 1;
	case 'o':
		a->out = arg;
		return 1;
	case 'j':
		a->json = 1;
		return 1;
	case 'b':
		if (parse_by(arg, &a->by) == 0)
			return 1;
		cli_usage_error("tokcast cost", "--by wants keys among class, "
				"model and one of day, week, month; got '%s'",
				arg);
		return -1;
	case 'a':
		if (cli_parse_date(arg, &a->at) == 0)
			return 1;
		cli_usage_error("tokcast cost", "--at wants a date YYYY-MM-DD, "
				"got '%s'", arg);
		return -1;
	default:
		return 0;
	}
}

/* Parses the command line; returns -1 to stop with *code. */
static int parse_args(int argc, char **argv, struct cost_args *a, int *code)
{
	static const struct option opts[] = {
		{"at", required_argument, NULL, 'a'},
		{"by", required_argument, NULL, 'b'},
		{"catalog", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{"json", no_argument, NULL, 'j'},
		{"output", required_argument, NULL, 'o'},
		CLI_USAGE_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	int c, k;

	optind = 1;
	opterr = 0;
	*code = CLI_USAGE;
	while ((c = getopt_long(argc, argv, "-:ho:", opts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			cli_bad_option("tokcast cost", c, argv);
			return -1;
		}
		if (c == 1) {
			if (cli_usage_add_log(&a->ua, optarg) == 0)
				continue;
			*code = CLI_FAILURE;
			return -1;
		}
		if (c == 'h') {
			printf("%s%s", cost_help, cli_usage_help);
			*code = CLI_OK;
			return -1;
		}
		k = own_option(a, c, optarg);
		if (k == 0)
			k = cli_usage_option(&a->ua, "tokcast cost", c, optarg);
		if (k == 0)
			cli_usage_error("tokcast cost", "unknown option '%s'",
					argv[optind - 1]);
		if (k <= 0)
			return -1;
	}
	if (cli_usage_args_finish(&a->ua, "tokcast cost") < 0)
		return -1;
	*code = CLI_OK;
	return 0;
}

/* Reports an error of the record at log:line. */
static int record_fail(const char *path, const tc_usage *u, tc_error *err)
{
	if (!err->file[0])
		snprintf(err->file, sizeof err->file, "%s", path);
	if (!err->line)
		err->line = u->line;
	return cli_fail(err);
}

/*
 * Rows of the usage exports (Anthropic usage report, OpenAI activity CSV)
 * sum many requests, so a long-context tier, which reprices one request
 * by its own prompt, cannot be judged from them.
 */
static int aggregate_tiered(tc_usage_reader *r, const tc_usage *u,
			    const tc_cost *c, tc_error *err)
{
	const char *shape = tc_usage_reader_shape(r);

	if (!c->tiered || (strcmp(shape, "anthropic-report") != 0 &&
			   strcmp(shape, "openai-activity") != 0))
		return 0;
	err->status = TC_ERR_UNSUPPORTED;
	snprintf(err->message, sizeof err->message,
		 "an %s row sums many requests; its %llu input tokens "
		 "cannot tell whether a request passed the %llu-token tier "
		 "of %s",
		 shape, (unsigned long long)tc_usage_input(u),
		 (unsigned long long)c->price->tier_threshold,
		 c->price->model);
	return 1;
}

/* Prices every record of one log into the table. */
static int cost_log(const struct cost_args *a, const tc_catalog *cat,
		    tc_cost_table *t, const struct cli_usage_log *log)
{
	tc_usage_reader *r = NULL;
	tc_error err = {0};
	const tc_usage_totals *tot;
	tc_usage u;
	tc_cost c;
	int rc;

	if (tc_usage_reader_open(log->path, &log->opts, &r, &err) != TC_OK)
		return cli_fail(&err);
	while ((rc = tc_usage_reader_next(r, &u, &err)) == TC_OK) {
		if (tc_cost_of(cat, &u, a->at, &c, &err) != TC_OK ||
		    aggregate_tiered(r, &u, &c, &err) ||
		    tc_cost_table_add(t, &u, &c, &err) != TC_OK) {
			rc = record_fail(log->path, &u, &err);
			goto out;
		}
	}
	cli_print_diags(tc_usage_reader_bad_rows(r));
	if (rc != TC_USAGE_END) {
		rc = cli_fail(&err);
		goto out;
	}
	cli_usage_warn(log->path, r);
	tot = tc_usage_reader_totals(r);
	cli_say("%s: %llu records priced (shape %s), %llu bad rows, %llu "
		"duplicates", log->path, (unsigned long long)tot->records,
		tc_usage_reader_shape(r), (unsigned long long)tot->bad_rows,
		(unsigned long long)tot->duplicates);
	rc = CLI_OK;
out:
	tc_usage_reader_close(r);
	return rc;
}

/* The table's dollar columns: cost_usd, input, cache_read, ..., output. */
#define NMONEY 5

/*
 * How the dollar columns print: every amount with the same number of
 * decimals, the most any amount of the table needs (at least 2), so
 * nothing is rounded (a nonzero cost never shows as zero), and each
 * column as wide as its widest amount.
 */
struct money_cols {
	size_t decimals;
	int width[NMONEY];
};

/* A row's dollar amounts in column order. */
static void row_money(const tc_cost_row *r, tc_money v[NMONEY])
{
	v[0] = r->cost;
	v[1] = r->cost_input;
	v[2] = r->cost_cache_read;
	v[3] = r->cost_cache_write;
	v[4] = r->cost_output;
}

/* The decimals of an exact amount ("0.0016": 4). */
static size_t money_decimals(tc_money v)
{
	char buf[64];
	const char *dot = strchr(tc_money_format(v, buf, sizeof buf), '.');

	return dot ? strlen(dot + 1) : 0;
}

/*
 * Formats v exactly, padded with zeros to d decimals; d is at least
 * the amount's own decimals, so no digit is lost.
 */
static const char *fixed_money(tc_money v, size_t d, char *buf, size_t size)
{
	size_t len = strlen(tc_money_format(v, buf, size));
	size_t have = money_decimals(v);

	if (have == 0 && d > 0 && len + 1 < size) {
		buf[len++] = '.';
		buf[len] = 0;
	}
	for (; have < d && len + 1 < size; have++) {
		buf[len++] = '0';
		buf[len] = 0;
	}
	return buf;
}

/* Widens the columns and decimals to fit one row. */
static void measure_row(const tc_cost_row *r, struct money_cols *m)
{
	tc_money v[NMONEY];
	size_t k, d;

	row_money(r, v);
	for (k = 0; k < NMONEY; k++) {
		d = money_decimals(v[k]);
		if (d > m->decimals)
			m->decimals = d;
	}
}

/* The decimals and widths of the whole table, total included. */
static void measure_table(const tc_cost_table *t, struct money_cols *m)
{
	static const int min_width[NMONEY] = {14, 12, 12, 12, 12};
	const tc_cost_row *r;
	tc_money v[NMONEY];
	char buf[64];
	size_t i, k, len;

	m->decimals = 2;
	for (i = 0; i < tc_cost_table_count(t); i++)
		measure_row(tc_cost_table_row(t, i), m);
	measure_row(tc_cost_table_total(t), m);
	memcpy(m->width, min_width, sizeof m->width);
	for (i = 0; i <= tc_cost_table_count(t); i++) {
		r = i < tc_cost_table_count(t) ? tc_cost_table_row(t, i)
					       : tc_cost_table_total(t);
		row_money(r, v);
		for (k = 0; k < NMONEY; k++) {
			len = strlen(fixed_money(v[k], m->decimals, buf,
						 sizeof buf));
			if ((int)len > m->width[k])
				m->width[k] = (int)len;
		}
	}
}

/* Prints one group's line of the table under label. */
static void print_row(const tc_cost_row *r, const char *label,
		      const struct money_cols *m)
{
	char b[NMONEY][64];
	tc_money v[NMONEY];
	size_t k;

	row_money(r, v);
	for (k = 0; k < NMONEY; k++)
		fixed_money(v[k], m->decimals, b[k], sizeof b[k]);
	printf("%-30s %9llu %13llu %11llu %*s %*s %*s %*s %*s\n", label,
	       (unsigned long long)r->requests,
	       (unsigned long long)(r->uncached_input + r->cache_read +
				    r->cache_write_5m + r->cache_write_1h),
	       (unsigned long long)r->output, m->width[0], b[0],
	       m->width[1], b[1], m->width[2], b[2], m->width[3], b[3],
	       m->width[4], b[4]);
}

/*
 * A group's label: its keys joined by spaces, a record without a class as
 * "(none)" (as tokcast usage prints it), not as a missing word.
 */
static void group_label(const tc_cost_row *r, unsigned by, char *buf,
			size_t size)
{
	const char *cls = r->class_name[0] ? r->class_name : "(none)";

	snprintf(buf, size, "%s%s%s%s%s", by & TC_BY_CLASS ? cls : "",
		 by & TC_BY_CLASS && r->model[0] ? " " : "", r->model,
		 (by & TC_BY_CLASS || r->model[0]) && r->period[0] ? " " : "",
		 r->period);
}

/* Prints the table of groups and the total on standard output. */
static void print_table(const tc_cost_table *t, unsigned by)
{
	struct money_cols m;
	const tc_cost_row *r;
	char label[256];
	size_t i;

	measure_table(t, &m);
	printf("%-30s %9s %13s %11s %*s %*s %*s %*s %*s\n", "group",
	       "requests", "input_tokens", "output", m.width[0], "cost_usd",
	       m.width[1], "input", m.width[2], "cache_read", m.width[3],
	       "cache_write", m.width[4], "output");
	for (i = 0; i < tc_cost_table_count(t); i++) {
		r = tc_cost_table_row(t, i);
		group_label(r, by, label, sizeof label);
		print_row(r, label[0] ? label : "(all)", &m);
	}
	print_row(tc_cost_table_total(t), "TOTAL", &m);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Writes the report to a file, whole or not at all. */
static int write_report(const tc_cost_table *t, const char *path)
{
	tc_outfile *of = NULL;
	tc_error err = {0};
	tc_status st;

	st = tc_outfile_open(path, &of, &err);
	if (st != TC_OK)
		return cli_fail(&err);
	if (ends_with(path, ".json"))
		st = tc_cost_table_write_json(t, tc_outfile_stream(of), &err);
	else
		st = tc_cost_table_write_csv(t, tc_outfile_stream(of), &err);
	return cli_outfile_end(of, st, &err);
}

/* Writes the report where the options say. */
static int report(const struct cost_args *a, const tc_cost_table *t)
{
	tc_error err = {0};

	if (a->out)
		return write_report(t, a->out);
	if (a->json) {
		if (tc_cost_table_write_json(t, stdout, &err) != TC_OK)
			return cli_fail(&err);
		return CLI_OK;
	}
	print_table(t, a->by);
	return CLI_OK;
}

/* Refuses an output that would replace a log or the catalog it read. */
static int check_output(const struct cost_args *a)
{
	size_t i;

	if (!a->out)
		return CLI_OK;
	for (i = 0; i < a->ua.nlogs; i++)
		if (cli_same_file(a->out, a->ua.logs[i].path))
			return cli_usage_error("tokcast cost", "-o %s would "
					       "replace the log it reads",
					       a->out);
	if (a->catalog && cli_same_file(a->out, a->catalog))
		return cli_usage_error("tokcast cost", "-o %s would replace "
				       "the catalog it reads", a->out);
	/* Before the logs are read, which may take a while. */
	return cli_check_writable(a->out);
}

int cli_cost(int argc, char **argv)
{
	struct cost_args a;
	tc_catalog *cat = NULL;
	tc_cost_table *t = NULL;
	int code;
	size_t i;

	memset(&a, 0, sizeof a);
	a.by = TC_BY_CLASS | TC_BY_MODEL;
	a.at = TC_TIME_NONE;
	cli_usage_args_init(&a.ua);
	if (parse_args(argc, argv, &a, &code) < 0)
		goto out;
	if (a.out && !ends_with(a.out, ".json") && !ends_with(a.out, ".csv")) {
		code = cli_usage_error("tokcast cost", "-o wants a file ending "
				       "in .csv or .json, got '%s'", a.out);
		goto out;
	}
	code = check_output(&a);
	if (code != CLI_OK)
		goto out;
	code = cli_load_catalog(a.catalog, &cat);
	if (code != CLI_OK)
		goto out;
	t = tc_cost_table_new(a.by);
	if (!t) {
		cli_say("out of memory");
		code = CLI_FAILURE;
		goto out;
	}
	for (i = 0; i < a.ua.nlogs && code == CLI_OK; i++)
		code = cost_log(&a, cat, t, &a.ua.logs[i]);
	if (code == CLI_OK)
		code = report(&a, t);
out:
	tc_cost_table_free(t);
	tc_catalog_free(cat);
	cli_usage_args_free(&a.ua);
	return code;
}
