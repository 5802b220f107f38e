/*
 * cmd_prices.c - "tokcast prices": the price catalog as of a date, as a
 * table or as JSON rows with exact decimal strings.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static const char usage_text[] =
	"usage: tokcast prices [--model ID] [--at DATE] [--catalog FILE] "
	"[--json]\n"
	"\n"
	"Lists the price catalog as of DATE (default: today, UTC): one row\n"
	"per model, the row in effect on that date. Rates are USD per\n"
	"million tokens. With --model and no --at, every dated row of that\n"
	"model (snapshot names resolve to their model).\n"
	"\n"
	"  --model ID      one model only\n"
	"  --at DATE       the date, YYYY-MM-DD\n"
	"  --catalog FILE  a catalog overriding or extending the bundled one\n"
	"  --json          JSON rows with rates as exact decimal strings\n";

struct prices_opts {
	const char *model;
	const char *catalog;
	int64_t at;
	int at_given;
	int json;
};

/* A rate as a JSON decimal string, or null when not priced. */
static json_t *rate_json(int64_t rate)
{
	char buf[64];

	if (rate == TC_RATE_NONE)
		return json_null();
	return json_string(tc_rate_format(rate, buf, sizeof buf));
}

/* A multiplier (millionths) as a decimal string, or null. */
static json_t *mult_json(int64_t mult)
{
	char buf[64];

	if (mult == TC_RATE_NONE)
		return json_null();
	/* Millionths print like rates divided by 1000: reuse the format. */
	return json_string(tc_rate_format(mult * 1000, buf, sizeof buf));
}

/* USD per 1,000 calls from 1e-15 USD per call. */
static json_t *percall_json(int64_t fe)
{
	char buf[64];

	if (fe == TC_RATE_NONE)
		return json_null();
	/* 1e-15 USD per call is 1e-12 USD per 1,000 calls: 1e9 units. */
	return json_string(tc_money_format((tc_money)fe * 1000000000, buf,
					   sizeof buf));
}

/* Puts the six rates of r under prefix + their names. */
static void put_rates(json_t *o, const char *prefix, const tc_rates *r)
{
	static const char *names[] = {"input", "cache_read", "cache_write_5m",
				      "cache_write_1h", "output", "reasoning"};
	int64_t v[] = {r->input, r->cache_read, r->cache_write_5m,
		       r->cache_write_1h, r->output, r->reasoning};
	char key[64];
	size_t i;

	for (i = 0; i < 6; i++) {
		snprintf(key, sizeof key, "%s%s", prefix, names[i]);
		json_object_set_new(o, key, rate_json(v[i]));
	}
}

/* The names of the derived tier rates, as a JSON array. */
static json_t *derived_json(unsigned bits)
{
	json_t *a = json_array();

	if (bits & TC_DERIVED_CACHE_READ)
		json_array_append_new(a, json_string("tier_cache_read"));
	if (bits & TC_DERIVED_CACHE_WRITE_5M)
		json_array_append_new(a, json_string("tier_cache_write_5m"));
	if (bits & TC_DERIVED_CACHE_WRITE_1H)
		json_array_append_new(a, json_string("tier_cache_write_1h"));
	return a;
}

/* One catalog row as a JSON object (the contract of issue 4). */
static json_t *row_json(const tc_price *p)
{
	json_t *o = json_object();
	char date[16];

	cli_format_date(p->effective_from, date, sizeof date);
	json_object_set_new(o, "model", json_string(p->model));
	json_object_set_new(o, "provider", json_string(p->provider ?
						       p->provider : ""));
	json_object_set_new(o, "effective_from", json_string(date));
	put_rates(o, "", &p->base);
	if (p->base.audio_input != TC_RATE_NONE)
		json_object_set_new(o, "audio_input",
				    rate_json(p->base.audio_input));
	if (p->base.image_input != TC_RATE_NONE)
		json_object_set_new(o, "image_input",
				    rate_json(p->base.image_input));
	if (p->tier_threshold) {
		json_object_set_new(o, "tier_threshold", json_integer(
			(json_int_t)p->tier_threshold));
		put_rates(o, "tier_", &p->tier);
		json_object_set_new(o, "tier_derived",
				    derived_json(p->tier_derived));
	}
	json_object_set_new(o, "batch_multiplier", mult_json(p->batch_mult));
	json_object_set_new(o, "priority_multiplier",
			    mult_json(p->priority_mult));
	json_object_set_new(o, "flex_multiplier", mult_json(p->flex_mult));
	json_object_set_new(o, "web_search_per_1k_calls",
			    percall_json(p->web_search_call));
	json_object_set_new(o, "date_basis", json_string(p->date_basis ?
							 p->date_basis : ""));
	json_object_set_new(o, "source", json_string(p->source ?
						     p->source : ""));
	return o;
}

/* Prints one row of the table. */
static void row_text(const tc_price *p)
{
	char date[16], in[32], cr[32], w5[32], w1[32], out[32], ti[32],
		to[32], b[32];

	cli_format_date(p->effective_from, date, sizeof date);
#define R(v, buf) ((v) == TC_RATE_NONE ? "-" : \
		   tc_rate_format((v), (buf), sizeof(buf)))
	printf("%-26s %-10s %8s %8s %8s %8s %8s", p->model, date,
	       R(p->base.input, in), R(p->base.cache_read, cr),
	       R(p->base.cache_write_5m, w5), R(p->base.cache_write_1h, w1),
	       R(p->base.output, out));
	if (p->tier_threshold)
		printf("  >%llu: %s/%s",
		       (unsigned long long)p->tier_threshold,
		       R(p->tier.input, ti), R(p->tier.output, to));
	if (p->batch_mult != TC_RATE_NONE)
		printf("  batch x%s", R(p->batch_mult * 1000, b));
#undef R
	putchar('\n');
}

/* True when row i is the one in effect at day for its model. */
static int in_effect(const tc_catalog *cat, size_t i, int64_t day)
{
	const tc_price *p = tc_catalog_row(cat, i);
	const tc_price *next = tc_catalog_row(cat, i + 1);

	if (p->effective_from > day)
		return 0;
	return !next || strcmp(next->model, p->model) != 0 ||
	       next->effective_from > day;
}

/* True when row i is listed: of the model asked for, in effect at --at. */
static int selected(const tc_catalog *cat, size_t i,
		    const struct prices_opts *o, const char *id)
{
	const tc_price *p = tc_catalog_row(cat, i);

	if (id && strcmp(p->model, id) != 0)
		return 0;
	if (id && !o->at_given)
		return 1;
	return in_effect(cat, i, o->at);
}

/*
 * Says on stderr that no model had a price yet on the date asked for,
 * and the earliest date that has one, so an empty listing is explained.
 */
static void say_none_in_effect(const tc_catalog *cat, int64_t at)
{
	char date[16], first[16];
	int64_t earliest = INT64_MAX;
	size_t i;

	for (i = 0; i < tc_catalog_count(cat); i++)
		if (tc_catalog_row(cat, i)->effective_from < earliest)
			earliest = tc_catalog_row(cat, i)->effective_from;
	cli_format_date(at, date, sizeof date);
	if (earliest == INT64_MAX) {
		cli_say("the catalog has no prices");
		return;
	}
	cli_format_date(earliest, first, sizeof first);
	cli_say("no model has a price in effect on %s; the earliest is %s",
		date, first);
}

/* Prints the listed rows as a table or one JSON document. */
static int print_rows(const tc_catalog *cat, const struct prices_opts *o,
		      const char *id)
{
	json_t *root = NULL, *rows = NULL;
	char date[16];
	size_t i, listed = 0;

	if (o->json) {
		root = json_object();
		rows = json_array();
		cli_format_date(o->at, date, sizeof date);
		json_object_set_new(root, "at", o->at_given || !id ?
				    json_string(date) : json_null());
		json_object_set_new(root, "rows", rows);
	} else {
		printf("%-26s %-10s %8s %8s %8s %8s %8s  (USD per MTok)\n",
		       "model", "from", "input", "c.read", "c.wr5m", "c.wr1h",
		       "output");
	}
	for (i = 0; i < tc_catalog_count(cat); i++) {
		if (!selected(cat, i, o, id))
			continue;
		listed++;
		if (o->json)
			json_array_append_new(rows,
					      row_json(tc_catalog_row(cat, i)));
		else
			row_text(tc_catalog_row(cat, i));
	}
	if (listed == 0 && !id)
		say_none_in_effect(cat, o->at);
	if (o->json) {
		json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(root);
	}
	return CLI_OK;
}

/* Parses the command line; -1 after --help, else an exit code. */
static int parse_opts(int argc, char **argv, struct prices_opts *o)
{
	static const struct option longopts[] = {
		{"at", required_argument, NULL, 'a'},
		{"catalog", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{"json", no_argument, NULL, 'j'},
		{"model", required_argument, NULL, 'm'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof *o);
	o->at = cli_today();
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (cli_parse_date(optarg, &o->at) != 0)
				return cli_usage_error("tokcast prices",
						       "--at wants a date "
						       "YYYY-MM-DD, got '%s'",
						       optarg);
			o->at_given = 1;
			break;
		case 'c':
			o->catalog = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		case 'j':
			o->json = 1;
			break;
		case 'm':
			o->model = optarg;
			break;
		default:
			return cli_bad_option("tokcast prices", c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("tokcast prices",
				       "unexpected argument '%s'",
				       argv[optind]);
	return CLI_OK;
}

int cli_prices(int argc, char **argv)
{
	struct prices_opts o;
	tc_catalog *cat = NULL;
	const tc_price *p;
	tc_error err = {0};
	const char *id = NULL;
	int rc = parse_opts(argc, argv, &o);

	if (rc != CLI_OK)
		return rc < 0 ? CLI_OK : rc;
	rc = cli_load_catalog(o.catalog, &cat);
	if (rc != CLI_OK)
		return rc;
	if (o.model) {
		/* An unknown model gets the nearest ids in the error. */
		if (tc_catalog_find(cat, o.model, o.at_given ? o.at :
				    INT64_MAX, &p, &err) != TC_OK) {
			rc = cli_fail(&err);
			goto out;
		}
		id = p->model;
	}
	rc = print_rows(cat, &o, id);
out:
	tc_catalog_free(cat);
	return rc;
}
