/*
 * usage_opts.c - parsing of the usage-reading options shared by the
 * commands that read logs (see usage_opts.h).
 */
#include <stdlib.h>
#include <string.h>

#include "usage_opts.h"

const char cli_usage_help[] =
	"reading options (after a log they apply to that log; before the "
	"first log,\nto every log):\n"
	"  --shape NAME          record shape: auto (default), tokcast, "
	"openai-chat,\n"
	"                        openai-responses, anthropic, gemini, otel,\n"
	"                        openai-activity, anthropic-report, litellm,\n"
	"                        mooncake, plain, mapped\n"
	"  --usage-path PATH     dotted path of the usage object in JSON "
	"records\n"
	"  --map KEY=FIELD       column or field of a key (repeatable): time,"
	" input,\n"
	"                        uncached, cached, cache_write, "
	"cache_write_5m,\n"
	"                        cache_write_1h, output, reasoning, class, "
	"model, id,\n"
	"                        tier, batch, web_search, hash_ids\n"
	"  --class NAME          feature class of every record\n"
	"  --origin DATE         numeric times are offsets from DATE\n"
	"  --time-unit UNIT      unit of numeric times: s, ms, us, ns\n"
	"  --cache-ttl DURATION  lifetime of hash_ids cache blocks "
	"(default unlimited)\n"
	"  --max-bad-rows N      fail above N bad rows (default 0.1% of "
	"rows)\n"
	"  --model ID            model of records that name none\n"
	"  --keep-duplicates     keep every copy of a repeated response id\n";

void cli_usage_args_init(struct cli_usage_args *a)
{
	memset(a, 0, sizeof *a);
	tc_usage_opts_init(&a->cur);
}

void cli_usage_args_free(struct cli_usage_args *a)
{
	free(a->logs);
	memset(a, 0, sizeof *a);
}

/* Parses a whole non-negative decimal number. */
static int parse_count(const char *s, long *out)
{
	char *end;
	long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v < 0)
		return -1;
	*out = v;
	return 0;
}

/* Handles --map KEY=FIELD. */
static int map_option(tc_usage_opts *o, const char *cmd, const char *arg)
{
	tc_error err = {0};

	if (tc_usage_opts_map(o, arg, &err) != TC_OK) {
		cli_usage_error(cmd, "%s", err.message);
		return -1;
	}
	return 1;
}

/* Handles the options that take a parsed value. */
static int value_option(tc_usage_opts *o, const char *cmd, int opt,
			const char *arg)
{
	switch (opt) {
	case CLI_OPT_ORIGIN:
		if (tc_usage_parse_time(arg, TC_UNIT_AUTO, &o->origin_us))
			break;
		return 1;
	case CLI_OPT_TIME_UNIT:
		if (tc_usage_parse_unit(arg, &o->time_unit))
			break;
		return 1;
	case CLI_OPT_CACHE_TTL:
		if (tc_usage_parse_duration(arg, &o->cache_ttl_us))
			break;
		return 1;
	default:
		if (parse_count(arg, &o->max_bad_rows))
			break;
		return 1;
	}
	cli_usage_error(cmd, "invalid value '%s' for --%s", arg,
			opt == CLI_OPT_ORIGIN ? "origin" :
			opt == CLI_OPT_TIME_UNIT ? "time-unit (s, ms, us, ns)" :
			opt == CLI_OPT_CACHE_TTL ? "cache-ttl (e.g. 5m, 1h)" :
						   "max-bad-rows");
	return -1;
}

int cli_usage_option(struct cli_usage_args *a, const char *cmd, int opt,
		     const char *arg)
{
	tc_usage_opts *o = a->nlogs ? &a->logs[a->nlogs - 1].opts : &a->cur;

	switch (opt) {
	case CLI_OPT_SHAPE:
		o->shape = arg;
		return 1;
	case CLI_OPT_USAGE_PATH:
		o->usage_path = arg;
		return 1;
	case CLI_OPT_CLASS:
		o->class_name = arg;
		return 1;
	case CLI_OPT_MODEL:
		o->model = arg;
		return 1;
	case CLI_OPT_KEEP_DUPLICATES:
		o->keep_duplicates = 1;
		return 1;
	case CLI_OPT_MAP:
		return map_option(o, cmd, arg);
	case CLI_OPT_ORIGIN:
	case CLI_OPT_TIME_UNIT:
	case CLI_OPT_CACHE_TTL:
	case CLI_OPT_MAX_BAD_ROWS:
		return value_option(o, cmd, opt, arg);
	default:
		return 0;
	}
}

int cli_usage_add_log(struct cli_usage_args *a, const char *path)
{
	struct cli_usage_log *n;
	size_t cap;

	if (a->nlogs == a->cap) {
		cap = a->cap ? a->cap * 2 : 8;
		n = realloc(a->logs, cap * sizeof *n);
		if (!n) {
			cli_say("out of memory");
			return -1;
		}
		a->logs = n;
		a->cap = cap;
	}
	a->logs[a->nlogs].path = path;
	a->logs[a->nlogs].opts = a->cur;
	a->nlogs++;
	return 0;
}

int cli_usage_args_finish(struct cli_usage_args *a, const char *cmd)
{
	if (a->nlogs == 0) {
		cli_usage_error(cmd, "no usage log given");
		return -1;
	}
	return 0;
}

void cli_usage_warn(const char *path, const tc_usage_reader *r)
{
	const char *w = tc_usage_reader_warning(r);

	if (w)
		cli_say("%s: warning: %s; pass --origin DATE --time-unit ms "
			"(or the log's unit) after the log", path, w);
}
