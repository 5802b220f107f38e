/*
 * cmd_usage.c - "tokcast usage LOG... [options] [--json]": reads usage
 * logs and prints, per feature class, the records, bucket sums and time
 * range, and per file the shape, bad rows and duplicates. A debugging aid
 * for users whose logs do not read as they expect.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "usage_opts.h"

#define SHOW_BAD 20
#define MAX_CLASSES 10000

/* The sums of one class over every log. */
struct class_sum {
	char *name;
	tc_usage_totals t;
};

struct usage_run {
	struct class_sum *classes;
	size_t nclasses;
	size_t cap;
	json_t *files;		/* per-file summaries */
	json_t *bad;		/* the bad rows kept by the readers */
};

static const char usage_help[] =
	"usage: tokcast usage LOG... [options] [--json]\n"
	"\n"
	"Reads usage logs (CSV or JSON Lines, gzip or plain) and prints per\n"
	"feature class the records, token buckets and time range.\n"
	"\n"
	"  --json                print one JSON document instead of a table\n"
	"  --match CLASS:RULE    classify records by a match rule, as a class"
	"\n                        node's match attribute does (repeatable;"
	"\n                        first match wins; every log)\n"
	"  -h, --help            this help\n"
	"\n";

/* The sums of the class named name, added when new; NULL when full. */
static struct class_sum *class_of(struct usage_run *run, const char *name)
{
	struct class_sum *n;
	size_t i;

	for (i = 0; i < run->nclasses; i++)
		if (strcmp(run->classes[i].name, name) == 0)
			return &run->classes[i];
	if (run->nclasses == MAX_CLASSES)
		return NULL;
	if (run->nclasses == run->cap) {
		n = realloc(run->classes, (run->cap ? run->cap * 2 : 16) *
						  sizeof *n);
		if (!n)
			return NULL;
		run->classes = n;
		run->cap = run->cap ? run->cap * 2 : 16;
	}
	n = &run->classes[run->nclasses];
	memset(n, 0, sizeof *n);
	n->name = strdup(name);
	if (!n->name)
		return NULL;
	n->t.time_min = n->t.time_max = TC_TIME_NONE;
	run->nclasses++;
	return n;
}

/* Adds v to *sum; -1 when the sum would leave int64 (JSON is signed). */
static int add_sum(uint64_t *sum, uint64_t v)
{
	if (v > (uint64_t)INT64_MAX - *sum)
		return -1;
	*sum += v;
	return 0;
}

/* Adds one record to its class's sums; -1 when a sum overflows. */
static int add_record(tc_usage_totals *t, const tc_usage *u)
{
	t->records++;
	if (add_sum(&t->uncached_input, u->uncached_input) ||
	    add_sum(&t->cache_read, u->cache_read) ||
	    add_sum(&t->cache_write_5m, u->cache_write_5m) ||
	    add_sum(&t->cache_write_1h, u->cache_write_1h) ||
	    add_sum(&t->output, u->output) ||
	    add_sum(&t->reasoning, u->reasoning))
		return -1;
	if (u->time_us == TC_TIME_NONE)
		return 0;
	if (t->time_min == TC_TIME_NONE || u->time_us < t->time_min)
		t->time_min = u->time_us;
	if (t->time_max == TC_TIME_NONE || u->time_us > t->time_max)
		t->time_max = u->time_us;
	return 0;
}

/* Formats a time as ISO 8601 UTC with microseconds, or "-". */
static const char *iso_time(int64_t us, char *buf, size_t size)
{
	time_t s;
	struct tm tm;
	int64_t frac;

	if (us == TC_TIME_NONE) {
		snprintf(buf, size, "-");
		return buf;
	}
	frac = us % 1000000;
	if (frac < 0)
		frac += 1000000;
	s = (time_t)((us - frac) / 1000000);
	if (!gmtime_r(&s, &tm)) {
		snprintf(buf, size, "-");
		return buf;
	}
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)frac);
	return buf;
}

/* Keeps a file's summary and its bad rows for the report. */
static void note_file(struct usage_run *run, const char *path,
		      tc_usage_reader *r)
{
	const tc_usage_totals *t = tc_usage_reader_totals(r);
	const tc_diags *bad = tc_usage_reader_bad_rows(r);
	const tc_diag *d;
	size_t i;

	json_array_append_new(run->files, json_pack(
		"{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "path", path, "shape",
		tc_usage_reader_shape(r), "rows", (json_int_t)t->rows,
		"records", (json_int_t)t->records, "bad_rows",
		(json_int_t)t->bad_rows, "duplicates",
		(json_int_t)t->duplicates, "without_usage",
		(json_int_t)t->without_usage));
	for (i = 0; i < tc_diags_count(bad); i++) {
		d = tc_diags_get(bad, i);
		json_array_append_new(run->bad, json_pack(
			"{s:s, s:I, s:s}", "file", d->file, "line",
			(json_int_t)d->line, "reason", d->message));
	}
}

/* Reads one log into the class sums. Returns an exit code. */
static int read_log(struct usage_run *run, const struct cli_usage_log *log)
{
	tc_usage_reader *r = NULL;
	tc_error err = {0};
	tc_usage u;
	struct class_sum *c;
	int rc;

	if (tc_usage_reader_open(log->path, &log->opts, &r, &err) != TC_OK)
		return cli_fail(&err);
	while ((rc = tc_usage_reader_next(r, &u, &err)) == TC_OK) {
		c = class_of(run, u.class_name);
		if (!c) {
			tc_usage_reader_close(r);
			cli_say("%s: too many classes (more than %d)",
				log->path, MAX_CLASSES);
			return CLI_INVALID;
		}
		if (add_record(&c->t, &u) != 0) {
			cli_say("%s:%ld: the token sums of class '%s' overflow",
				log->path, u.line, c->name[0] ? c->name :
								"(none)");
			tc_usage_reader_close(r);
			return CLI_INVALID;
		}
	}
	note_file(run, log->path, r);

	/* A log read with --class has its bad rows in that class. */
	c = log->opts.class_name ? class_of(run, log->opts.class_name) : NULL;
	if (c)
		c->t.bad_rows += tc_usage_reader_totals(r)->bad_rows;
	if (rc != TC_USAGE_END) {
		cli_print_diags(tc_usage_reader_bad_rows(r));
		tc_usage_reader_close(r);
		return cli_fail(&err);
	}
	cli_usage_warn(log->path, r);
	tc_usage_reader_close(r);
	return CLI_OK;
}

/* The class's sums as a JSON object. */
static json_t *class_json(const tc_usage_totals *t)
{
	char a[64], b[64];

	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, "
			 "s:s}", "records", (json_int_t)t->records,
			 "bad_rows", (json_int_t)t->bad_rows,
			 "uncached_input", (json_int_t)t->uncached_input,
			 "cache_read", (json_int_t)t->cache_read,
			 "cache_write_5m", (json_int_t)t->cache_write_5m,
			 "cache_write_1h", (json_int_t)t->cache_write_1h,
			 "output", (json_int_t)t->output,
			 "reasoning", (json_int_t)t->reasoning,
			 "time_min", iso_time(t->time_min, a, sizeof a),
			 "time_max", iso_time(t->time_max, b, sizeof b));
}

/* Prints the report as one JSON document. */
static void print_json(const struct usage_run *run)
{
	json_t *doc = json_object(), *classes = json_object();
	size_t i;

	for (i = 0; i < run->nclasses; i++)
		json_object_set_new(classes, run->classes[i].name,
				    class_json(&run->classes[i].t));
	json_object_set(doc, "files", run->files);
	json_object_set_new(doc, "classes", classes);
	json_object_set(doc, "bad_rows", run->bad);
	json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(doc);
}

/* Prints the per-file lines and the bad rows (the first few) . */
static void print_files(const struct usage_run *run)
{
	json_t *f, *b;
	size_t i;

	json_array_foreach(run->files, i, f)
		printf("%s: shape %s, %" JSON_INTEGER_FORMAT " rows, %"
		       JSON_INTEGER_FORMAT " records, %" JSON_INTEGER_FORMAT
		       " bad, %" JSON_INTEGER_FORMAT " duplicates, %"
		       JSON_INTEGER_FORMAT " without usage\n",
		       json_string_value(json_object_get(f, "path")),
		       json_string_length(json_object_get(f, "shape")) ?
			       json_string_value(json_object_get(f, "shape")) :
			       "-",
		       json_integer_value(json_object_get(f, "rows")),
		       json_integer_value(json_object_get(f, "records")),
		       json_integer_value(json_object_get(f, "bad_rows")),
		       json_integer_value(json_object_get(f, "duplicates")),
		       json_integer_value(json_object_get(f,
							  "without_usage")));
	json_array_foreach(run->bad, i, b) {
		if (i == SHOW_BAD)
			break;
		printf("  bad row %s:%" JSON_INTEGER_FORMAT ": %s\n",
		       json_string_value(json_object_get(b, "file")),
		       json_integer_value(json_object_get(b, "line")),
		       json_string_value(json_object_get(b, "reason")));
	}
}

/* Prints the report as a table. */
static void print_table(const struct usage_run *run)
{
	const tc_usage_totals *t;
	char a[64], b[64];
	size_t i;

	print_files(run);
	printf("\n%-16s %9s %6s %14s %13s %14s %14s %13s %13s\n", "class",
	       "records", "bad", "uncached_input", "cache_read",
	       "cache_write_5m", "cache_write_1h", "output", "reasoning");
	for (i = 0; i < run->nclasses; i++) {
		t = &run->classes[i].t;
		printf("%-16s %9" PRIu64 " %6" PRIu64 " %14" PRIu64
		       " %13" PRIu64 " %14" PRIu64 " %14" PRIu64 " %13" PRIu64
		       " %13" PRIu64 "\n", run->classes[i].name[0] ?
				     run->classes[i].name : "(none)",
		       t->records, t->bad_rows, t->uncached_input,
		       t->cache_read,
		       t->cache_write_5m, t->cache_write_1h, t->output,
		       t->reasoning);
	}
	printf("\n");
	for (i = 0; i < run->nclasses; i++) {
		t = &run->classes[i].t;
		printf("%-16s %s .. %s\n", run->classes[i].name[0] ?
			       run->classes[i].name : "(none)",
		       iso_time(t->time_min, a, sizeof a),
		       iso_time(t->time_max, b, sizeof b));
	}
}

static void run_free(struct usage_run *run)
{
	size_t i;

	for (i = 0; i < run->nclasses; i++)
		free(run->classes[i].name);
	free(run->classes);
	json_decref(run->files);
	json_decref(run->bad);
}

/* Adds "CLASS:RULE" to the match rules. Returns 0 or an exit code. */
static int add_match(tc_usage_match *m, const char *arg)
{
	const char *colon = strchr(arg, ':');
	tc_error err = {0};
	char name[256];

	if (!colon || colon == arg || (size_t)(colon - arg) >= sizeof name)
		return cli_usage_error("tokcast usage", "--match expects "
				       "CLASS:RULE, got '%s'", arg);
	memcpy(name, arg, (size_t)(colon - arg));
	name[colon - arg] = '\0';
	if (tc_usage_match_add(m, name, colon + 1, &err) != TC_OK)
		return cli_usage_error("tokcast usage", "--match: %s",
				       err.message);
	return 0;
}

/* Parses the command line into ua; returns -1 to stop with *code. */
static int parse_args(int argc, char **argv, struct cli_usage_args *ua,
		      tc_usage_match *m, int *json, int *code)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"match", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		CLI_USAGE_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	int c, k;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-:h", opts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			*code = cli_bad_option("tokcast usage", c, argv);
			return -1;
		}
		if (c == 1) {
			if (cli_usage_add_log(ua, optarg) == 0)
				continue;
			*code = CLI_FAILURE;
			return -1;
		}
		if (c == 'j') {
			*json = 1;
			continue;
		}
		if (c == 'm') {
			*code = add_match(m, optarg);
			if (*code)
				return -1;
			continue;
		}
		if (c == 'h') {
			printf("%s%s", usage_help, cli_usage_help);
			*code = CLI_OK;
			return -1;
		}
		k = cli_usage_option(ua, "tokcast usage", c, optarg);
		if (k <= 0) {
			*code = k == 0 ? cli_usage_error("tokcast usage",
							 "unknown option") :
					 CLI_USAGE;
			return -1;
		}
	}
	*code = CLI_USAGE;
	if (cli_usage_args_finish(ua, "tokcast usage") < 0)
		return -1;
	*code = CLI_OK;
	return 0;
}

int cli_usage(int argc, char **argv)
{
	struct cli_usage_args ua;
	struct usage_run run = {0};
	tc_usage_match *m = tc_usage_match_new();
	int json = 0, code = CLI_OK;
	size_t i;

	cli_usage_args_init(&ua);
	if (!m || parse_args(argc, argv, &ua, m, &json, &code) < 0) {
		tc_usage_match_free(m);
		cli_usage_args_free(&ua);
		return m ? code : CLI_FAILURE;
	}
	for (i = 0; i < ua.nlogs && tc_usage_match_count(m); i++)
		ua.logs[i].opts.match = m;
	run.files = json_array();
	run.bad = json_array();
	for (i = 0; i < ua.nlogs && code == CLI_OK; i++)
		code = read_log(&run, &ua.logs[i]);
	if (code == CLI_OK && json)
		print_json(&run);
	else if (code == CLI_OK)
		print_table(&run);
	run_free(&run);
	cli_usage_args_free(&ua);
	tc_usage_match_free(m);
	return code;
}
