/*
 * test_usage.c - the usage-log reader: every shape against buckets
 * computed by hand from ../shared/PRICING-FACTS.md, delimiters, quoting,
 * gzip, timestamps, de-duplication, bad rows, hash_ids caching, match
 * rules, and the real traces (skipped when ../shared is absent).
 *
 * Epoch values in comments were computed with Python's calendar.timegm.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "tc_test.h"
#include "tokcast.h"

#define MAXREC 16

/* Everything a reader returned for one file. */
struct got {
	tc_usage u[MAXREC];
	char model[MAXREC][64];
	char cls[MAXREC][64];
	char id[MAXREC][64];
	size_t n;
	tc_usage_totals t;
	tc_error err;
	int rc;
	char shape[32];
	char bad[8][256];
	long bad_line[8];
	size_t nbad;
};

/* Keeps a record, copying its strings (they live until the next call). */
static void keep(struct got *g, const tc_usage *u)
{
	if (g->n == MAXREC)
		return;
	g->u[g->n] = *u;
	snprintf(g->model[g->n], 64, "%s", u->model);
	snprintf(g->cls[g->n], 64, "%s", u->class_name);
	snprintf(g->id[g->n], 64, "%s", u->request_id);
	g->n++;
}

/* Keeps the bad-row list of a reader. */
static void keep_bad(struct got *g, const tc_usage_reader *r)
{
	const tc_diags *d = tc_usage_reader_bad_rows(r);
	size_t i;

	for (i = 0; i < tc_diags_count(d) && i < 8; i++) {
		snprintf(g->bad[i], 256, "%s", tc_diags_get(d, i)->message);
		g->bad_line[i] = tc_diags_get(d, i)->line;
	}
	g->nbad = i;
}

/* Reads a whole log; returns the open status (the end code is g->rc). */
static tc_status read_path(const char *path, const tc_usage_opts *o,
			   struct got *g)
{
	tc_usage_reader *r = NULL;
	tc_usage u;
	tc_status st;

	memset(g, 0, sizeof *g);
	st = tc_usage_reader_open(path, o, &r, &g->err);
	if (st != TC_OK)
		return st;
	while ((g->rc = tc_usage_reader_next(r, &u, &g->err)) == TC_OK)
		keep(g, &u);
	g->t = *tc_usage_reader_totals(r);
	snprintf(g->shape, sizeof g->shape, "%s", tc_usage_reader_shape(r));
	keep_bad(g, r);
	tc_usage_reader_close(r);
	return TC_OK;
}

/* Reads a fixture under tests/fixtures/usage and expects a clean end. */
static void read_fixture(const char *name, const tc_usage_opts *o,
			 struct got *g)
{
	char rel[256];

	snprintf(rel, sizeof rel, "tests/fixtures/usage/%s", name);
	assert_int_equal(read_path(tc_source_path(rel), o, g), TC_OK);
	assert_int_equal(g->rc, TC_USAGE_END);
}

/* Checks the six buckets of a record. */
static void buckets(const tc_usage *u, uint64_t uncached, uint64_t read,
		    uint64_t w5m, uint64_t w1h, uint64_t out, uint64_t reas)
{
	assert_int_equal(u->uncached_input, uncached);
	assert_int_equal(u->cache_read, read);
	assert_int_equal(u->cache_write_5m, w5m);
	assert_int_equal(u->cache_write_1h, w1h);
	assert_int_equal(u->output, out);
	assert_int_equal(u->reasoning, reas);
}

/*
 * OpenAI Chat Completions: prompt_tokens holds the cached tokens and the
 * cache writes, completion_tokens holds reasoning. 1200 prompt with 1024
 * cached gives 176 uncached; worked case 2 of PRICING-FACTS.md keeps all
 * 482 completion tokens as output, 448 of them reasoning.
 */
static void openai_chat_nested(void **state)
{
	struct got g;

	read_fixture("openai_chat.jsonl", NULL, &g);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.shape, "openai-chat");
	buckets(&g.u[0], 176, 1024, 0, 0, 300, 0);
	assert_string_equal(g.model[0], "gpt-4o-2024-08-06");
	assert_string_equal(g.id[0], "chatcmpl-1");
	assert_int_equal(g.u[0].time_us, INT64_C(1740823200) * 1000000);
	assert_int_equal(g.u[0].tier, TC_TIER_STANDARD);
	buckets(&g.u[1], 17, 0, 0, 0, 482, 448);
	/* 5000 prompt = 1000 read + 2000 written + 2000 uncached. */
	buckets(&g.u[2], 2000, 1000, 2000, 0, 100, 0);
	assert_int_equal(g.u[2].tier, TC_TIER_PRIORITY);
	assert_int_equal(g.u[2].line, 3);
}

/* Responses: 2000 input with 1500 cached, 900 output with 600 reasoning. */
static void openai_responses_nested(void **state)
{
	struct got g;

	read_fixture("openai_responses.jsonl", NULL, &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.shape, "openai-responses");
	buckets(&g.u[0], 500, 1500, 0, 0, 900, 600);
	assert_string_equal(g.model[0], "o3");
	assert_string_equal(g.id[0], "resp_1");
	assert_int_equal(g.u[0].tier, TC_TIER_FLEX);
	assert_int_equal(g.u[0].time_us, INT64_C(1740823260) * 1000000);
}

/*
 * Anthropic: input_tokens excludes the cache; reads and writes are added.
 * Worked case 3: 50 + 100,000 + 500 + 1,500 = 102,050 input tokens.
 */
static void anthropic_messages(void **state)
{
	struct got g;

	read_fixture("anthropic.jsonl", NULL, &g);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.shape, "anthropic");
	buckets(&g.u[0], 50, 100000, 500, 1500, 400, 0);
	assert_int_equal(tc_usage_input(&g.u[0]), 102050);
	assert_int_equal(g.u[0].tier, TC_TIER_BATCH);
	assert_string_equal(g.model[0], "claude-sonnet-4-5");
	assert_string_equal(g.id[0], "msg_1");
	/* The wrapper's timestamp, two levels up: 2025-03-01T10:00:00Z. */
	assert_int_equal(g.u[0].time_us, INT64_C(1740823200) * 1000000);
	/* A write total without a split is all five-minute writes. */
	buckets(&g.u[1], 12, 0, 300, 0, 80, 0);
	assert_int_equal(g.u[1].web_search_calls, 2);
}

/*
 * Gemini: cached inside the prompt (10000 - 8000 = 2000 uncached),
 * thoughts added to candidates (500 + 1200 = 1700 output).
 */
static void gemini_usage_metadata(void **state)
{
	struct got g;

	read_fixture("gemini.jsonl", NULL, &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.shape, "gemini");
	buckets(&g.u[0], 2000, 8000, 0, 0, 1700, 1200);
	assert_string_equal(g.model[0], "gemini-2.5-pro");
	assert_string_equal(g.id[0], "g-1");
}

/*
 * OpenTelemetry: input includes cache reads and writes (3000 - 1000 - 500
 * = 1500), reasoning inside output. startTimeUnixNano as a string of
 * nanoseconds. The nested form must not be read as Anthropic's.
 */
static void otel_span_attributes(void **state)
{
	struct got g;

	read_fixture("otel.jsonl", NULL, &g);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.shape, "otel");
	buckets(&g.u[0], 1500, 1000, 500, 0, 700, 200);
	assert_string_equal(g.model[0], "gpt-4o-2024-08-06");
	assert_string_equal(g.id[0], "chatcmpl-9");
	assert_int_equal(g.u[0].time_us, INT64_C(1740823200123456));
	buckets(&g.u[1], 60, 40, 0, 0, 20, 0);
	assert_string_equal(g.model[1], "claude-haiku-4-5");
}

/*
 * An OTLP JSON export: attribute lists of {"key", "value": {"intValue"}}
 * and two spans in one line, each a record. Span 1: 1000 input including
 * 600 cache reads gives 400 uncached.
 */
static void otlp_export_spans(void **state)
{
	struct got g;

	read_fixture("otlp.jsonl", NULL, &g);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.shape, "otel");
	buckets(&g.u[0], 400, 600, 0, 0, 50, 0);
	assert_string_equal(g.model[0], "gpt-4o");
	assert_string_equal(g.id[0], "chatcmpl-A");
	assert_int_equal(g.u[0].time_us, INT64_C(1740823200) * 1000000);
	buckets(&g.u[1], 200, 0, 0, 0, 20, 0);
	assert_string_equal(g.model[1], "gpt-4o-mini");
	assert_int_equal(g.u[1].time_us, INT64_C(1740823201) * 1000000);
	assert_int_equal(g.u[1].line, 1);
}

/* A usage-report page: every result of the page is a record. */
static void anthropic_report_page(void **state)
{
	struct got g;

	read_fixture("anthropic_report_page.jsonl", NULL, &g);
	assert_int_equal(g.n, 2);
	buckets(&g.u[0], 10, 30, 20, 0, 40, 0);
	buckets(&g.u[1], 1, 3, 0, 2, 4, 0);
	assert_string_equal(g.model[1], "claude-opus-4-1");
	assert_int_equal(g.u[1].time_us, INT64_C(1754006400) * 1000000);
}

/* Lines of OpenAI and Anthropic batch results run on the batch tier. */
static void batch_results(void **state)
{
	struct got g;

	read_fixture("batch_output.jsonl", NULL, &g);
	assert_int_equal(g.n, 2);
	buckets(&g.u[0], 100, 0, 0, 0, 10, 0);
	assert_int_equal(g.u[0].tier, TC_TIER_BATCH);
	assert_string_equal(g.id[0], "chatcmpl-B1");
	buckets(&g.u[1], 30, 70, 0, 0, 5, 0);
	assert_int_equal(g.u[1].tier, TC_TIER_BATCH);
	assert_string_equal(g.id[1], "msg_B2");
}

/* The Activity export: input_tokens includes input_cached_tokens. */
static void openai_activity_csv(void **state)
{
	struct got g;

	read_fixture("openai_activity.csv", NULL, &g);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.shape, "openai-activity");
	buckets(&g.u[0], 30000, 20000, 0, 0, 4000, 0);
	assert_string_equal(g.model[0], "gpt-4.1-2025-04-14");
	/* 2025-03-01T00:00:00+00:00 = 1740787200. */
	assert_int_equal(g.u[0].time_us, INT64_C(1740787200) * 1000000);
	assert_int_equal(g.u[0].tier, TC_TIER_STANDARD);
	buckets(&g.u[1], 10000, 0, 0, 0, 2000, 0);
	assert_int_equal(g.u[1].tier, TC_TIER_BATCH);
}

/*
 * The Anthropic usage report: every bucket separate. A JSON bucket with
 * its result nested in "results", and the CSV export.
 */
static void anthropic_report(void **state)
{
	struct got g;

	read_fixture("anthropic_report.jsonl", NULL, &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.shape, "anthropic-report");
	buckets(&g.u[0], 1200, 50000, 700, 3000, 2500, 0);
	assert_int_equal(g.u[0].web_search_calls, 3);
	/* starting_at of the enclosing bucket: 2025-08-01 = 1754006400. */
	assert_int_equal(g.u[0].time_us, INT64_C(1754006400) * 1000000);

	read_fixture("anthropic_report.csv", NULL, &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.shape, "anthropic-report");
	buckets(&g.u[0], 1200, 50000, 700, 3000, 2500, 0);
	assert_int_equal(g.u[0].web_search_calls, 3);
	assert_int_equal(g.u[0].tier, TC_TIER_BATCH);
	assert_int_equal(g.u[0].time_us, INT64_C(1754006400) * 1000000);
}

/*
 * LiteLLM: prompt_tokens includes cache reads and writes even for
 * Anthropic models: 3000 - 2000 - 600 = 400 uncached, not 3000.
 */
static void litellm_spend_logs(void **state)
{
	struct got g;

	read_fixture("litellm.jsonl", NULL, &g);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.shape, "litellm");
	buckets(&g.u[0], 400, 2000, 600, 0, 500, 0);
	assert_string_equal(g.id[0], "chatcmpl-L1");
	/* "2025-03-02 08:00:00" without a zone is UTC: 1740902400. */
	assert_int_equal(g.u[0].time_us, INT64_C(1740902400) * 1000000);
	/* The normalised usage object: 1000 - 800 - 100 = 100 uncached. */
	buckets(&g.u[1], 100, 800, 100, 0, 50, 0);
}

/* tokcast's own record: the buckets as they are. */
static void tokcast_record(void **state)
{
	struct got g;

	read_fixture("tokcast.csv", NULL, &g);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.shape, "tokcast");
	buckets(&g.u[0], 100, 200, 30, 40, 500, 120);
	assert_string_equal(g.cls[0], "chat");
	assert_string_equal(g.id[0], "r1");
	assert_int_equal(g.u[0].tier, TC_TIER_BATCH);
	assert_int_equal(g.u[0].web_search_calls, 1);
	assert_string_equal(g.cls[1], "search");
	assert_int_equal(g.t.uncached_input, 107);
	assert_int_equal(g.t.output, 509);
}

/*
 * A semicolon CSV with quoted header and fields, a blank line, and the
 * Azure timestamp form with seven fraction digits.
 */
static void csv_semicolon_quoted(void **state)
{
	struct got g;

	read_fixture("azure_semicolon.csv", NULL, &g);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.shape, "plain");
	buckets(&g.u[0], 4808, 0, 0, 0, 10, 0);
	buckets(&g.u[1], 3180, 0, 0, 0, 8, 0);
	/* 2023-11-16 18:17:03 = 1700158623; the fraction keeps 6 digits. */
	assert_int_equal(g.u[0].time_us, INT64_C(1700158623979960));
	assert_int_equal(g.u[1].time_us, INT64_C(1700158624031960));
	assert_int_equal(g.u[1].line, 4);
}

/* Quoted commas, doubled quotes and a field over two lines. */
static void csv_quotes_and_newlines(void **state)
{
	struct got g;

	read_fixture("quoted.csv", NULL, &g);
	assert_int_equal(g.n, 4);
	buckets(&g.u[2], 30, 0, 0, 0, 3, 0);
	assert_int_equal(g.u[2].line, 4);
	buckets(&g.u[3], 40, 0, 0, 0, 4, 0);
	assert_int_equal(g.u[3].line, 6);

	/* CRLF line ends, and no line end after the last row. */
	assert_int_equal(read_path(tc_write_temp("crlf.csv",
		"TIMESTAMP,ContextTokens,GeneratedTokens\r\n"
		"2023-11-16 18:17:03,10,1\r\n"
		"2023-11-16 18:17:04,20,2"), NULL, &g), TC_OK);
	assert_int_equal(g.rc, TC_USAGE_END);
	assert_int_equal(g.n, 2);
	buckets(&g.u[1], 20, 0, 0, 0, 2, 0);
	assert_int_equal(g.u[1].line, 3);
}

/* A tab-separated file read through --map, the class from a column. */
static void csv_tab_mapped(void **state)
{
	tc_usage_opts o;
	struct got g;

	tc_usage_opts_init(&o);
	assert_int_equal(tc_usage_opts_map(&o, "input=ctx", NULL), TC_OK);
	assert_int_equal(tc_usage_opts_map(&o, "output=gen", NULL), TC_OK);
	assert_int_equal(tc_usage_opts_map(&o, "time=when", NULL), TC_OK);
	assert_int_equal(tc_usage_opts_map(&o, "class=route", NULL), TC_OK);
	read_fixture("mapped.tsv", &o, &g);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.shape, "mapped");
	buckets(&g.u[0], 100, 0, 0, 0, 5, 0);
	assert_string_equal(g.cls[0], "/chat/a");
	assert_string_equal(g.cls[1], "/chat/b\tquoted tab");
	/* Epoch seconds, then milliseconds, told apart by magnitude. */
	assert_int_equal(g.u[0].time_us, INT64_C(1700158623) * 1000000);
	assert_int_equal(g.u[1].time_us, INT64_C(1700158624979) * 1000);
}

/* Mapping errors: an unknown key, and a column the header lacks. */
static void map_errors(void **state)
{
	tc_usage_opts o;
	tc_error err = {0};
	struct got g;

	tc_usage_opts_init(&o);
	assert_int_equal(tc_usage_opts_map(&o, "inptu=x", &err), TC_ERR_ARG);
	assert_non_null(strstr(err.message, "unknown key 'inptu'"));
	assert_int_equal(tc_usage_opts_map(&o, "input", NULL), TC_ERR_ARG);
	assert_int_equal(tc_usage_opts_map(&o, "input=nope", NULL), TC_OK);
	assert_int_equal(tc_usage_opts_map(&o, "output=gen", NULL), TC_OK);
	assert_int_equal(read_path(tc_source_path("tests/fixtures/usage/"
						  "mapped.tsv"), &o, &g),
			 TC_ERR_NOT_FOUND);
	assert_non_null(strstr(g.err.message, "no column 'nope'"));
	o.shape = "no-such-shape";
	assert_int_equal(read_path(tc_source_path("tests/fixtures/usage/"
						  "mapped.tsv"), &o, &g),
			 TC_ERR_NOT_FOUND);
}

/* A header that fits no shape is an error naming the way out. */
static void csv_unknown_header(void **state)
{
	struct got g;
	const char *p = tc_write_temp("u.csv", "a,b,c\n1,2,3\n");

	assert_int_equal(read_path(p, NULL, &g), TC_ERR_INVALID);
	assert_non_null(strstr(g.err.message, "--map input=COLUMN"));
	assert_int_equal(read_path(tc_write_temp("e.csv", "\n\n"), NULL, &g),
			 TC_ERR_PARSE);
	assert_int_equal(read_path("/nonexistent/x.csv", NULL, &g),
			 TC_ERR_IO);
}

/* A header or a row of more than 4096 fields hits the safety limit. */
static void csv_field_limit(void **state)
{
	char *text = malloc(20000);
	struct got g;
	size_t i, n;

	assert_non_null(text);
	n = (size_t)snprintf(text, 20000, "input,output\n1,2\n");
	for (i = 0; i < 5000; i++)
		text[n++] = ',';
	text[n++] = '\n';
	text[n] = '\0';
	assert_int_equal(read_path(tc_write_temp("l.csv", text), NULL, &g),
			 TC_OK);
	assert_int_equal(g.rc, TC_ERR_LIMIT);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.err.line, 3);
	memmove(text, text + 17, n - 17 + 1);
	assert_int_equal(read_path(tc_write_temp("h.csv", text), NULL, &g),
			 TC_ERR_LIMIT);
	free(text);
}

/* Options that contradict each other or are out of range. */
static void bad_options(void **state)
{
	const char *p = tc_source_path("tests/fixtures/usage/bad.csv");
	tc_usage_opts o;
	struct got g;

	tc_usage_opts_init(&o);
	assert_int_equal(tc_usage_opts_map(&o, "input=a", NULL), TC_OK);
	assert_int_equal(tc_usage_opts_map(&o, "uncached=b", NULL), TC_OK);
	assert_int_equal(read_path(p, &o, &g), TC_ERR_ARG);
	tc_usage_opts_init(&o);
	o.max_bad_rows = -2;
	assert_int_equal(read_path(p, &o, &g), TC_ERR_ARG);
}

/* Writes text gzip-compressed; static path. */
static const char *temp_gzip(const char *name, const char *text)
{
	static char path[512];
	gzFile gz;

	snprintf(path, sizeof path, "%s/%s", tc_temp_dir(), name);
	gz = gzopen(path, "wb");
	assert_non_null(gz);
	assert_int_equal(gzputs(gz, text), (int)strlen(text));
	gzclose(gz);
	return path;
}

/* gzip-compressed CSV and JSON Lines read like the plain files. */
static void gzip_csv_and_jsonl(void **state)
{
	struct got g;
	unsigned char head[2];
	FILE *fp;
	const char *p;

	p = temp_gzip("a.csv.gz", "TIMESTAMP,ContextTokens,GeneratedTokens\n"
				  "2023-11-16 18:17:03,4808,10\n"
				  "2023-11-16 18:17:04,3180,8\n");
	fp = fopen(p, "rb");
	assert_int_equal(fread(head, 1, 2, fp), 2);
	fclose(fp);
	assert_true(head[0] == 0x1f && head[1] == 0x8b);
	assert_int_equal(read_path(p, NULL, &g), TC_OK);
	assert_int_equal(g.rc, TC_USAGE_END);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.t.uncached_input, 4808 + 3180);

	p = temp_gzip("b.jsonl.gz", "{\"usage\": {\"input_tokens\": 50, "
				    "\"cache_read_input_tokens\": 100, "
				    "\"output_tokens\": 4}}\n");
	assert_int_equal(read_path(p, NULL, &g), TC_OK);
	assert_int_equal(g.n, 1);
	buckets(&g.u[0], 50, 100, 0, 0, 4, 0);
}

/* A truncated gzip file is an I/O error, not a silent short read. */
static void gzip_truncated(void **state)
{
	char text[20000];
	struct got g;
	const char *p;
	size_t i, size;
	char *whole;
	FILE *fp;

	snprintf(text, sizeof text, "TIMESTAMP,ContextTokens,"
		 "GeneratedTokens\n");
	for (i = 0; i < 500; i++)
		snprintf(text + strlen(text), sizeof text - strlen(text),
			 "%zu,%zu,%zu\n", 1700000000 + i, i * 7 % 1000, i);
	p = temp_gzip("t.csv.gz", text);
	whole = tc_read_whole(p, &size);
	assert_non_null(whole);
	fp = fopen(p, "wb");
	fwrite(whole, 1, size / 2, fp);
	fclose(fp);
	free(whole);
	assert_int_equal(read_path(p, NULL, &g), TC_OK);
	assert_int_equal(g.rc, TC_ERR_IO);
}

/* Every timestamp form, against values computed by hand. */
static void timestamps(void **state)
{
	int64_t us;

	assert_int_equal(tc_usage_parse_time("2023-11-16 18:17:03.9799600",
					     TC_UNIT_AUTO, &us), TC_OK);
	assert_int_equal(us, INT64_C(1700158623979960));
	assert_int_equal(tc_usage_parse_time("2023-11-16T18:17:03Z",
					     TC_UNIT_AUTO, &us), TC_OK);
	assert_int_equal(us, INT64_C(1700158623000000));
	/* 20:17:03+02:00 is 18:17:03Z. */
	assert_int_equal(tc_usage_parse_time("2023-11-16T20:17:03.5+02:00",
					     TC_UNIT_AUTO, &us), TC_OK);
	assert_int_equal(us, INT64_C(1700158623500000));
	assert_int_equal(tc_usage_parse_time("2023-11-16T13:17:03-0500",
					     TC_UNIT_AUTO, &us), TC_OK);
	assert_int_equal(us, INT64_C(1700158623000000));
	assert_int_equal(tc_usage_parse_time("2023-11-16T18:17",
					     TC_UNIT_AUTO, &us), TC_OK);
	assert_int_equal(us, INT64_C(1700158620000000));
	/* 2000-02-29T12:30:00Z = 951827400, a leap day. */
	assert_int_equal(tc_usage_parse_time("2000-02-29 12:30",
					     TC_UNIT_AUTO, &us), TC_OK);
	assert_int_equal(us, INT64_C(951827400000000));
	assert_int_equal(tc_usage_parse_time("2024-01-01", TC_UNIT_AUTO,
					     &us), TC_OK);
	assert_int_equal(us, INT64_C(1704067200000000));

	/* Epoch numbers by magnitude, and by an explicit unit. */
	assert_int_equal(tc_usage_parse_time("1700158623", 0, &us), TC_OK);
	assert_int_equal(us, INT64_C(1700158623000000));
	assert_int_equal(tc_usage_parse_time("1700158623.25", 0, &us), TC_OK);
	assert_int_equal(us, INT64_C(1700158623250000));
	assert_int_equal(tc_usage_parse_time("1700158623979", 0, &us), TC_OK);
	assert_int_equal(us, INT64_C(1700158623979000));
	assert_int_equal(tc_usage_parse_time("1700158623979960", 0, &us),
			 TC_OK);
	assert_int_equal(us, INT64_C(1700158623979960));
	assert_int_equal(tc_usage_parse_time("1700158623979960123", 0, &us),
			 TC_OK);
	assert_int_equal(us, INT64_C(1700158623979960));
	assert_int_equal(tc_usage_parse_time("1500", TC_UNIT_MS, &us), TC_OK);
	assert_int_equal(us, 1500000);
	assert_int_equal(tc_usage_parse_time("7", TC_UNIT_NS, &us), TC_OK);
	assert_int_equal(us, 0);

	assert_int_equal(tc_usage_parse_time("2023-02-29", 0, &us),
			 TC_ERR_PARSE);
	assert_int_equal(tc_usage_parse_time("2023-11-16T25:00", 0, &us),
			 TC_ERR_PARSE);
	assert_int_equal(tc_usage_parse_time("yesterday", 0, &us),
			 TC_ERR_PARSE);
	assert_int_equal(tc_usage_parse_time("2023-11-16T18:17:03Q", 0, &us),
			 TC_ERR_PARSE);
	/* 1e25 ns is 1e22 us, beyond 64 bits. */
	assert_int_equal(tc_usage_parse_time("9999999999999999999999999", 0,
					     &us), TC_ERR_LIMIT);
}

/* Durations for --cache-ttl and units for --time-unit. */
static void durations_and_units(void **state)
{
	int64_t us;
	tc_time_unit u;

	assert_int_equal(tc_usage_parse_duration("5m", &us), TC_OK);
	assert_int_equal(us, INT64_C(300000000));
	assert_int_equal(tc_usage_parse_duration("1h", &us), TC_OK);
	assert_int_equal(us, INT64_C(3600000000));
	assert_int_equal(tc_usage_parse_duration("90", &us), TC_OK);
	assert_int_equal(us, INT64_C(90000000));
	assert_int_equal(tc_usage_parse_duration("500ms", &us), TC_OK);
	assert_int_equal(us, 500000);
	assert_int_equal(tc_usage_parse_duration("2d", &us), TC_OK);
	assert_int_equal(us, INT64_C(172800000000));
	assert_int_equal(tc_usage_parse_duration("-5m", &us), TC_ERR_PARSE);
	assert_int_equal(tc_usage_parse_duration("5x", &us), TC_ERR_PARSE);
	assert_int_equal(tc_usage_parse_unit("ms", &u), TC_OK);
	assert_int_equal(u, TC_UNIT_MS);
	assert_int_equal(tc_usage_parse_unit("min", &u), TC_ERR_PARSE);
}

/*
 * Mooncake: offsets in ms from --origin 2024-01-01 (1704067200), cached
 * share from hash_ids (512 tokens per block seen in an earlier request,
 * capped at the input):
 *   t=0      1500 in, [1,2,3]    no block seen             -> 0
 *   t=1s     2000 in, [1,2,4,5]  1, 2 seen                  -> 1024
 *   t=2s      600 in, [1,6]      1 seen                     -> 512
 *   t=400s    300 in, [1]        1 seen; 512 capped at 300  -> 300
 *   t=401s   1100 in, [1,3]      1, 3 seen                  -> 1024
 */
static void mooncake_hash_ids(void **state)
{
	tc_usage_opts o;
	struct got g;

	tc_usage_opts_init(&o);
	assert_int_equal(tc_usage_parse_time("2024-01-01", 0, &o.origin_us),
			 TC_OK);
	o.time_unit = TC_UNIT_MS;
	o.class_name = "chat";
	read_fixture("mooncake.jsonl", &o, &g);
	assert_int_equal(g.n, 5);
	assert_string_equal(g.shape, "mooncake");
	buckets(&g.u[0], 1500, 0, 0, 0, 10, 0);
	buckets(&g.u[1], 976, 1024, 0, 0, 20, 0);
	buckets(&g.u[2], 88, 512, 0, 0, 30, 0);
	buckets(&g.u[3], 0, 300, 0, 0, 40, 0);
	buckets(&g.u[4], 76, 1024, 0, 0, 50, 0);
	assert_int_equal(g.u[1].time_us, INT64_C(1704067201000000));
	assert_int_equal(g.u[4].time_us, INT64_C(1704067601000000));
	assert_string_equal(g.cls[4], "chat");
}

/* Reads path to the end; 1 when the reader then has a warning. */
static int warns(const char *path, const tc_usage_opts *o)
{
	tc_usage_reader *r = NULL;
	tc_error err = {0};
	tc_usage u;
	int w;

	assert_int_equal(tc_usage_reader_open(path, o, &r, &err), TC_OK);
	assert_null(tc_usage_reader_warning(r));
	while (tc_usage_reader_next(r, &u, &err) == TC_OK)
		;
	w = tc_usage_reader_warning(r) != NULL;
	tc_usage_reader_close(r);
	return w;
}

/*
 * Times that all fall before 1990-01-01 when no unit or origin was given
 * warn: the Mooncake fixture's millisecond offsets (at most 401 s after
 * 1970), and epoch second 631151999 (1989-12-31T23:59:59Z, date -d
 * @631151999). Second 631152000 is 1990-01-01T00:00:00Z exactly, and
 * ISO dates of 1985 are real dates: neither warns; nor do offsets read
 * with a given unit or origin.
 */
static void early_times_warn(void **state)
{
	const char *mc = tc_source_path("tests/fixtures/usage/mooncake.jsonl");
	static const char head[] = "TIMESTAMP,ContextTokens,GeneratedTokens\n";
	char text[256];
	tc_usage_opts o;

	tc_usage_opts_init(&o);
	assert_true(warns(mc, &o));
	o.time_unit = TC_UNIT_MS;
	assert_false(warns(mc, &o));
	tc_usage_opts_init(&o);
	assert_int_equal(tc_usage_parse_time("2024-01-01", 0, &o.origin_us),
			 TC_OK);
	assert_false(warns(mc, &o));

	tc_usage_opts_init(&o);
	snprintf(text, sizeof text, "%s5,1,1\n631151999,2,2\n", head);
	assert_true(warns(tc_write_temp("early.csv", text), &o));
	snprintf(text, sizeof text, "%s5,1,1\n631152000,2,2\n", head);
	assert_false(warns(tc_write_temp("y1990.csv", text), &o));
	snprintf(text, sizeof text, "%s1985-03-01 10:00:00,1,1\n", head);
	assert_false(warns(tc_write_temp("iso1985.csv", text), &o));
}

/*
 * With --cache-ttl 5m a block expires 300 s after it was last seen:
 *   t=400s  block 1 last seen at 2 s (398 s ago)    -> 0 cached
 *   t=401s  block 1 seen at 400 s, block 3 at 0 s   -> 512 cached
 */
static void mooncake_cache_ttl(void **state)
{
	tc_usage_opts o;
	struct got g;

	tc_usage_opts_init(&o);
	assert_int_equal(tc_usage_parse_duration("5m", &o.cache_ttl_us),
			 TC_OK);
	read_fixture("mooncake.jsonl", &o, &g);
	assert_int_equal(g.n, 5);
	buckets(&g.u[1], 976, 1024, 0, 0, 20, 0);
	buckets(&g.u[2], 88, 512, 0, 0, 30, 0);
	buckets(&g.u[3], 300, 0, 0, 0, 40, 0);
	buckets(&g.u[4], 588, 512, 0, 0, 50, 0);
	/* Without --origin the offsets count from 1970 (shape unit: ms). */
	assert_int_equal(g.u[3].time_us, INT64_C(400000000));
}

/* Repeated ids keep the last copy, at its own position. */
static void dedupe_keeps_last(void **state)
{
	tc_usage_opts o;
	struct got g;

	read_fixture("dupes.jsonl", NULL, &g);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.id[0], "msg_b");
	assert_string_equal(g.id[1], "msg_a");
	assert_int_equal(g.u[1].output, 350);
	assert_int_equal(g.u[1].line, 4);
	assert_int_equal(g.t.duplicates, 2);
	assert_int_equal(g.t.rows, 4);
	assert_int_equal(g.t.output, 355);

	tc_usage_opts_init(&o);
	o.keep_duplicates = 1;
	read_fixture("dupes.jsonl", &o, &g);
	assert_int_equal(g.n, 4);
	assert_int_equal(g.t.output, 556);

	/* CSV with an id column: x repeats on lines 2 and 4. */
	assert_int_equal(read_path(tc_write_temp("d.csv",
		"request_id,uncached_input,output\n"
		"x,1,1\ny,2,2\nx,3,3\n"), NULL, &g), TC_OK);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.id[0], "y");
	assert_string_equal(g.id[1], "x");
	assert_int_equal(g.u[1].uncached_input, 3);
	assert_int_equal(g.t.duplicates, 1);
}

/*
 * A log of streamed chunks: "usage": null until the last chunk, which
 * repeats the id. The null rows are counted apart, not bad rows.
 */
static void stream_chunks(void **state)
{
	struct got g;
	const char *p = tc_write_temp("s.jsonl",
		"{\"id\": \"c1\", \"choices\": [], \"usage\": null}\n"
		"{\"id\": \"c1\", \"choices\": [], \"usage\": null}\n"
		"{\"id\": \"c1\", \"choices\": [], \"usage\": "
		"{\"prompt_tokens\": 9, \"completion_tokens\": 4}}\n");

	assert_int_equal(read_path(p, NULL, &g), TC_OK);
	assert_int_equal(g.rc, TC_USAGE_END);
	assert_int_equal(g.n, 1);
	buckets(&g.u[0], 9, 0, 0, 0, 4, 0);
	assert_int_equal(g.t.without_usage, 2);
	assert_int_equal(g.t.bad_rows, 0);
	assert_int_equal(g.t.rows, 3);
}

/* A quote never closed ends in an error at the end, not a hang. */
static void csv_unclosed_quote(void **state)
{
	struct got g;

	assert_int_equal(read_path(tc_write_temp("q.csv",
		"TIMESTAMP,ContextTokens,GeneratedTokens\n"
		"2023-11-16 18:17:03,1,2\n"
		"2023-11-16 18:17:04,\"3,4\n"
		"2023-11-16 18:17:05,5,6\n"), NULL, &g), TC_OK);
	assert_int_equal(g.rc, TC_ERR_INVALID);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.nbad, 1);
	/* The quoted field runs to the end: "3,4\n2023-...,5,6\n". */
	assert_int_equal(g.bad_line[0], 3);
	assert_string_equal(g.bad[0], "input tokens: not a number");
}

/*
 * Bad rows are listed with their line and reason; 4 bad of 6 rows is
 * above the default 0.1%, and above an explicit limit of 3.
 */
static void bad_rows_reported(void **state)
{
	const char *p = tc_source_path("tests/fixtures/usage/bad.csv");
	tc_usage_opts o;
	struct got g;

	tc_usage_opts_init(&o);
	o.max_bad_rows = 4;
	assert_int_equal(read_path(p, &o, &g), TC_OK);
	assert_int_equal(g.rc, TC_USAGE_END);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.t.bad_rows, 4);
	assert_int_equal(g.t.rows, 6);
	assert_int_equal(g.nbad, 4);
	assert_int_equal(g.bad_line[0], 3);
	assert_string_equal(g.bad[0], "input tokens: negative count");
	assert_int_equal(g.bad_line[1], 4);
	assert_string_equal(g.bad[1], "input tokens: not a number");
	assert_int_equal(g.bad_line[2], 5);
	assert_string_equal(g.bad[2], "missing output tokens");
	assert_int_equal(g.bad_line[3], 6);
	assert_non_null(strstr(g.bad[3], "cannot read the time 'yesterday'"));

	o.max_bad_rows = 3;
	assert_int_equal(read_path(p, &o, &g), TC_OK);
	assert_int_equal(g.rc, TC_ERR_INVALID);
	assert_int_equal(g.err.status, TC_ERR_INVALID);
	assert_int_equal(g.err.line, 3);

	assert_int_equal(read_path(p, NULL, &g), TC_OK);
	assert_int_equal(g.rc, TC_ERR_INVALID);
	assert_non_null(strstr(g.err.message, "4 bad rows of 6"));
}

/* Inconsistent counts are bad rows, never clamped silently. */
static void inconsistent_counts(void **state)
{
	struct got g;
	tc_usage_opts o;
	const char *p = tc_write_temp("i.jsonl",
		"{\"usage\": {\"prompt_tokens\": 10, \"completion_tokens\": 1,"
		" \"prompt_tokens_details\": {\"cached_tokens\": 11}}}\n"
		"{\"usage\": {\"prompt_tokens\": 10, \"completion_tokens\": 5,"
		" \"completion_tokens_details\": {\"reasoning_tokens\": 6}}}\n"
		"{\"usage\": {\"input_tokens\": 1, \"output_tokens\": 1, "
		"\"cache_creation_input_tokens\": 5, \"cache_creation\": "
		"{\"ephemeral_1h_input_tokens\": 9}}}\n"
		"not json\n"
		"{\"no\": \"usage\"}\n"
		"[1, 2]\n"
		"{\"usage\": {\"input_tokens\": 1.5, \"output_tokens\": 1}}\n");

	tc_usage_opts_init(&o);
	o.max_bad_rows = 100;
	assert_int_equal(read_path(p, &o, &g), TC_OK);
	assert_int_equal(g.rc, TC_USAGE_END);
	assert_int_equal(g.n, 0);
	assert_int_equal(g.nbad, 7);
	assert_non_null(strstr(g.bad[0], "cache tokens 11 exceed"));
	assert_non_null(strstr(g.bad[1], "reasoning tokens 6 exceed"));
	assert_non_null(strstr(g.bad[2], "one-hour cache writes 9"));
	assert_non_null(strstr(g.bad[3], "not JSON"));
	assert_int_equal(g.bad_line[3], 4);
	assert_string_equal(g.bad[4], "no known usage object found");
	assert_string_equal(g.bad[5], "not a JSON object");
	assert_non_null(strstr(g.bad[6], "not a whole number"));
}

/* --usage-path picks one object where detection would pick another. */
static void usage_path_option(void **state)
{
	tc_usage_opts o;
	struct got g;

	read_fixture("usage_path.jsonl", NULL, &g);
	buckets(&g.u[0], 999, 0, 0, 0, 999, 0);

	tc_usage_opts_init(&o);
	o.usage_path = "call.result.stats";
	read_fixture("usage_path.jsonl", &o, &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.shape, "anthropic");
	buckets(&g.u[0], 40, 60, 0, 0, 7, 0);

	/* A forced shape at the path: OpenAI counts include the cache. */
	o.shape = "openai-responses";
	o.max_bad_rows = 1;
	read_fixture("usage_path.jsonl", &o, &g);
	assert_int_equal(g.n, 1);
	buckets(&g.u[0], 40, 0, 0, 0, 7, 0);

	o.usage_path = "call.nothing";
	read_fixture("usage_path.jsonl", &o, &g);
	assert_int_equal(g.n, 0);
	assert_non_null(strstr(g.bad[0], "at 'call.nothing'"));
}

/* A record getter over a fixed table, for the rule tests. */
static const char *table_field(void *ctx, const char *field, char *buf,
			       size_t size)
{
	const char *const *kv = ctx;

	for (; kv[0]; kv += 2)
		if (strcmp(kv[0], field) == 0)
			return kv[1];
	return NULL;
}

/* Rules: AND within a rule, ',' alternatives, '!=', first class wins. */
static void match_rules(void **state)
{
	tc_usage_match *m = tc_usage_match_new();
	tc_error err = {0};
	const char *a[] = {"model", "gpt-5-mini", "route", "/chat/x", NULL};
	const char *b[] = {"model", "o3", "route", "/batch/y", NULL};
	const char *c[] = {"model", "claude-3", NULL};
	const char *d[] = {"model", "gpt-5", "route", "/chat/z", NULL};

	assert_int_equal(tc_usage_match_add(m, "chat", "model=gpt-5*; "
					    "route=/chat/*", NULL), TC_OK);
	assert_int_equal(tc_usage_match_add(m, "reason", "model=o3*,o4*",
					    NULL), TC_OK);
	assert_int_equal(tc_usage_match_add(m, "other", "route!=/chat/*",
					    NULL), TC_OK);
	assert_int_equal(tc_usage_match_add(m, "late", "model=gpt-5", NULL),
			 TC_OK);
	assert_int_equal(tc_usage_match_count(m), 4);
	assert_string_equal(tc_usage_match_classify(m, table_field, a),
			    "chat");
	assert_string_equal(tc_usage_match_classify(m, table_field, b),
			    "reason");
	/* A missing route reads as "", which is not /chat/... */
	assert_string_equal(tc_usage_match_classify(m, table_field, c),
			    "other");
	assert_string_equal(tc_usage_match_classify(m, table_field, d),
			    "chat");
	assert_int_equal(tc_usage_match_add(m, "x", "model", &err),
			 TC_ERR_PARSE);
	assert_non_null(strstr(err.message, "expected FIELD=PATTERN"));
	assert_int_equal(tc_usage_match_add(m, "x", " ; ", NULL),
			 TC_ERR_PARSE);
	assert_int_equal(tc_usage_match_add(m, "", "model=a", NULL),
			 TC_ERR_ARG);
	tc_usage_match_free(m);
}

/* The reader classifies by rules on model and a metadata field. */
static void match_rules_in_reader(void **state)
{
	tc_usage_match *m = tc_usage_match_new();
	tc_usage_opts o;
	struct got g;

	assert_int_equal(tc_usage_match_add(m, "sonnet-chat", "model=claude-3-"
					    "5-sonnet*; route=/chat/*", NULL),
			 TC_OK);
	assert_int_equal(tc_usage_match_add(m, "haiku", "model=*haiku*",
					    NULL), TC_OK);
	tc_usage_opts_init(&o);
	o.match = m;
	read_fixture("litellm.jsonl", &o, &g);
	assert_string_equal(g.cls[0], "sonnet-chat");
	assert_string_equal(g.cls[1], "haiku");

	/* --class wins over the rules. */
	o.class_name = "fixed";
	read_fixture("litellm.jsonl", &o, &g);
	assert_string_equal(g.cls[0], "fixed");
	tc_usage_match_free(m);
}

/* The shape list names every shape the docs describe. */
static void shape_names(void **state)
{
	const char *want[] = {"tokcast", "otel", "gemini", "anthropic-report",
			      "openai-activity", "litellm", "openai-chat",
			      "anthropic", "openai-responses", "mooncake",
			      "plain", "mapped"};
	size_t i;

	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_string_equal(tc_usage_shape_name(i), want[i]);
	assert_null(tc_usage_shape_name(i));
	assert_string_equal(tc_usage_key_name(TC_KEY_CACHE_WRITE_1H),
			    "cache_write_1h");
	assert_null(tc_usage_key_name(TC_KEY_COUNT));
}

/* Reads a real trace and checks its row count and means. */
static void real_trace(const char *rel, const tc_usage_opts *o,
		       uint64_t rows, double in_mean, double in_tol,
		       double out_mean, double out_tol, struct got *g)
{
	assert_int_equal(read_path(tc_shared_path(rel), o, g), TC_OK);
	assert_int_equal(g->rc, TC_USAGE_END);
	assert_int_equal(g->t.records, rows);
	assert_int_equal(g->t.bad_rows, 0);
	assert_true(fabs((double)(g->t.uncached_input + g->t.cache_read) /
			 (double)rows - in_mean) <= in_tol);
	assert_true(fabs((double)g->t.output / (double)rows - out_mean) <=
		    out_tol);
}

/*
 * The shared README's facts table: Azure code 8,819 requests in 57 min,
 * input mean 2,048, output mean 27.9; conversation 19,366 in 58 min,
 * 1,155 and 211 (tolerances: half the last printed digit).
 */
static void real_azure_traces(void **state)
{
	tc_usage_opts o;
	struct got g;
	double minutes;

	tc_usage_opts_init(&o);
	o.class_name = "code";
	real_trace("traces/azure-llm-2023/AzureLLMInferenceTrace_code.csv",
		   &o, 8819, 2048, 0.5, 27.9, 0.05, &g);
	minutes = (double)(g.t.time_max - g.t.time_min) / 60e6;
	assert_true(minutes >= 56.5 && minutes < 58);
	assert_string_equal(g.cls[0], "code");
	real_trace("traces/azure-llm-2023/AzureLLMInferenceTrace_conv.csv",
		   &o, 19366, 1155, 0.5, 211, 0.5, &g);
	minutes = (double)(g.t.time_max - g.t.time_min) / 60e6;
	assert_true(minutes >= 57.5 && minutes < 59);
}

/*
 * Mooncake: 12,031 requests in 59 min, input mean 12,035 (cache read
 * plus uncached), output mean 343.
 */
static void real_mooncake_trace(void **state)
{
	tc_usage_opts o;
	struct got g;
	double minutes;

	tc_usage_opts_init(&o);
	assert_int_equal(tc_usage_parse_time("2024-01-01", 0, &o.origin_us),
			 TC_OK);
	o.time_unit = TC_UNIT_MS;
	real_trace("traces/mooncake-fast25/conversation_trace.jsonl", &o,
		   12031, 12035, 0.5, 343, 0.5, &g);
	minutes = (double)(g.t.time_max - g.t.time_min) / 60e6;
	assert_true(minutes >= 58.5 && minutes < 60);
	assert_int_equal(g.t.time_min, INT64_C(1704067200000000));
	assert_true(g.t.cache_read > 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(openai_chat_nested),
	cmocka_unit_test(openai_responses_nested),
	cmocka_unit_test(anthropic_messages),
	cmocka_unit_test(gemini_usage_metadata),
	cmocka_unit_test(otel_span_attributes),
	cmocka_unit_test(otlp_export_spans),
	cmocka_unit_test(anthropic_report_page),
	cmocka_unit_test(batch_results),
	cmocka_unit_test(openai_activity_csv),
	cmocka_unit_test(anthropic_report),
	cmocka_unit_test(litellm_spend_logs),
	cmocka_unit_test(tokcast_record),
	cmocka_unit_test(csv_semicolon_quoted),
	cmocka_unit_test(csv_quotes_and_newlines),
	cmocka_unit_test(csv_tab_mapped),
	cmocka_unit_test(map_errors),
	cmocka_unit_test(csv_unknown_header),
	cmocka_unit_test(csv_field_limit),
	cmocka_unit_test(bad_options),
	cmocka_unit_test(gzip_csv_and_jsonl),
	cmocka_unit_test(gzip_truncated),
	cmocka_unit_test(timestamps),
	cmocka_unit_test(durations_and_units),
	cmocka_unit_test(mooncake_hash_ids),
	cmocka_unit_test(mooncake_cache_ttl),
	cmocka_unit_test(early_times_warn),
	cmocka_unit_test(dedupe_keeps_last),
	cmocka_unit_test(csv_unclosed_quote),
	cmocka_unit_test(stream_chunks),
	cmocka_unit_test(bad_rows_reported),
	cmocka_unit_test(inconsistent_counts),
	cmocka_unit_test(usage_path_option),
	cmocka_unit_test(match_rules),
	cmocka_unit_test(match_rules_in_reader),
	cmocka_unit_test(shape_names),
	cmocka_unit_test(real_azure_traces),
	cmocka_unit_test(real_mooncake_trace),
};

TC_TEST_MAIN(tests)
