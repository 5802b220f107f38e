/*
 * tokcast/usage.h - one LLM request's usage, normalised into disjoint
 * token buckets, whatever the shape of the log it came from.
 *
 * Buckets never overlap: input_tokens of a record is uncached_input +
 * cache_read + cache_write_5m + cache_write_1h, and reasoning is a part
 * of output (output includes it). ../shared/PRICING-FACTS.md and
 * docs/usage-formats.md say how each provider's counts map onto these.
 */
#ifndef TOKCAST_USAGE_H
#define TOKCAST_USAGE_H

#include <stdint.h>
#include "tokcast/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The provider service tier a request ran on; it sets a price multiplier. */
typedef enum tc_service_tier {
	TC_TIER_STANDARD = 0,
	TC_TIER_BATCH,
	TC_TIER_PRIORITY,
	TC_TIER_FLEX
} tc_service_tier;

#define TC_TIME_NONE INT64_MIN

/*
 * A normalised usage record. Strings are owned by whoever produced the
 * record (a reader keeps them valid until its next record) and are ""
 * when unknown, never NULL.
 */
typedef struct tc_usage {
	int64_t time_us;	/* microseconds since 1970-01-01T00:00Z, or
				   TC_TIME_NONE */
	const char *model;	/* model id as the provider returned it */
	const char *class_name;	/* feature class */
	const char *request_id;	/* response id, for de-duplication */
	uint64_t uncached_input;
	uint64_t cache_read;
	uint64_t cache_write_5m;
	uint64_t cache_write_1h;
	uint64_t output;	/* all output, reasoning included */
	uint64_t reasoning;	/* the part of output that is reasoning */
	tc_service_tier tier;
	uint32_t web_search_calls;
	long line;		/* line in the source file */
} tc_usage;

/* All input: uncached + cache read + both cache writes. */
static inline uint64_t tc_usage_input(const tc_usage *u)
{
	return u->uncached_input + u->cache_read + u->cache_write_5m +
	       u->cache_write_1h;
}

/* ---- Reading usage logs ------------------------------------------- */

/* The unit of numeric timestamps; AUTO guesses it from the magnitude. */
typedef enum tc_time_unit {
	TC_UNIT_AUTO = 0,
	TC_UNIT_S,
	TC_UNIT_MS,
	TC_UNIT_US,
	TC_UNIT_NS
} tc_time_unit;

/*
 * The fields a mapping can name (--map KEY=FIELD). The spelling used on
 * the command line is given by tc_usage_key_name(). "input" is all input
 * (cache reads and writes inside it, as OpenAI counts), "uncached" is
 * input without any cache tokens (as Anthropic counts), "output" includes
 * "reasoning".
 */
typedef enum tc_usage_key {
	TC_KEY_TIME = 0,
	TC_KEY_INPUT,
	TC_KEY_UNCACHED,
	TC_KEY_CACHED,
	TC_KEY_CACHE_WRITE,
	TC_KEY_CACHE_WRITE_5M,
	TC_KEY_CACHE_WRITE_1H,
	TC_KEY_OUTPUT,
	TC_KEY_REASONING,
	TC_KEY_CLASS,
	TC_KEY_MODEL,
	TC_KEY_ID,
	TC_KEY_TIER,
	TC_KEY_BATCH,
	TC_KEY_WEB_SEARCH,
	TC_KEY_HASH_IDS,
	TC_KEY_COUNT
} tc_usage_key;

/* The name of a key ("input", "cache_write_1h", ...), or NULL. */
const char *tc_usage_key_name(tc_usage_key key);

/* Compiled class match rules; see tc_usage_match_add(). */
typedef struct tc_usage_match tc_usage_match;

/*
 * How to read one log. Initialise with tc_usage_opts_init(); every
 * string is borrowed and must outlive the reader.
 */
typedef struct tc_usage_opts {
	const char *shape;	/* a shape name, or NULL/"auto" to detect */
	const char *usage_path;	/* dotted path of the usage object (JSON) */
	const char *map[TC_KEY_COUNT];	/* column or dotted field per key */
	const char *class_name;	/* class of every record, or NULL */
	const char *model;	/* model of records that name none */
	int64_t origin_us;	/* numeric times are offsets from this, or
				   TC_TIME_NONE for epoch times */
	tc_time_unit time_unit;	/* unit of numeric times */
	int64_t cache_ttl_us;	/* hash_ids cache lifetime, 0 = unlimited */
	long max_bad_rows;	/* more is a failure; -1 = 0.1% of rows */
	const tc_usage_match *match;	/* class rules, or NULL */
	int keep_duplicates;	/* 1 turns de-duplication by id off */
} tc_usage_opts;

/* Sets every option to its default (auto shape, no mapping). */
void tc_usage_opts_init(tc_usage_opts *opts);

/*
 * Adds one mapping "KEY=FIELD" to opts. opts keeps a pointer into spec,
 * which must outlive it. Returns TC_OK, or TC_ERR_ARG for a malformed
 * spec or an unknown key (err names the valid keys).
 */
tc_status tc_usage_opts_map(tc_usage_opts *opts, const char *spec,
			    tc_error *err);

/*
 * The name of the i-th known record shape ("tokcast", "openai-chat",
 * ...), or NULL past the end; for listings and --help.
 */
const char *tc_usage_shape_name(size_t i);

/*
 * Parses a timestamp: ISO 8601 date or date-time (T or space separator,
 * optional fraction, optional Z or +HH:MM; no zone means UTC), or a number
 * in unit (TC_UNIT_AUTO: seconds below 1e11, milliseconds below 1e14,
 * microseconds below 1e17, else nanoseconds) since 1970. *us receives
 * microseconds since 1970-01-01T00:00Z. Returns TC_OK, TC_ERR_PARSE for
 * text that is neither, or TC_ERR_LIMIT when out of range.
 */
tc_status tc_usage_parse_time(const char *s, tc_time_unit unit,
			      int64_t *us);

/*
 * Parses a duration "90", "90s", "5m", "1h", "2d" or "500ms" (plain
 * numbers are seconds) into microseconds. Returns TC_OK or TC_ERR_PARSE.
 */
tc_status tc_usage_parse_duration(const char *s, int64_t *us);

/* Parses "s", "ms", "us" or "ns". Returns TC_OK or TC_ERR_PARSE. */
tc_status tc_usage_parse_unit(const char *s, tc_time_unit *unit);

/* Totals over the records a reader has returned so far. */
typedef struct tc_usage_totals {
	uint64_t rows;		/* data rows read: records + bad + dups +
				   without_usage */
	uint64_t records;	/* records returned */
	uint64_t bad_rows;	/* rows rejected, each in the bad-row list */
	uint64_t duplicates;	/* earlier copies of a repeated id, dropped */
	uint64_t without_usage;	/* JSON rows whose usage is null (streamed
				   chunks before the last), dropped */
	uint64_t uncached_input;
	uint64_t cache_read;
	uint64_t cache_write_5m;
	uint64_t cache_write_1h;
	uint64_t output;
	uint64_t reasoning;
	int64_t time_min;	/* TC_TIME_NONE when no record had a time */
	int64_t time_max;
} tc_usage_totals;

/* A streaming reader of one usage log (CSV or JSON Lines, maybe gzip). */
typedef struct tc_usage_reader tc_usage_reader;

/* What tc_usage_reader_next() returns at the clean end of the log. */
#define TC_USAGE_END (-1)

/* How many bad rows a reader keeps in its list (all are counted). */
#define TC_USAGE_BAD_KEEP 1000

/*
 * Opens the log at path (CSV with a header, or JSON Lines; either may be
 * gzip-compressed) for reading with opts (NULL for defaults). For CSV the
 * header decides the shape; when records carry ids and duplicates are not
 * kept, the file is read once ahead to find each id's last copy (ids are
 * kept as 64-bit hashes). On success *out is a reader the caller closes.
 * Returns TC_OK, TC_ERR_IO (cannot open or read), TC_ERR_PARSE (empty
 * file, malformed header), TC_ERR_NOT_FOUND (an unknown shape, or a mapped
 * column the header lacks), TC_ERR_INVALID (a CSV header that matches no
 * shape or lacks an input or output column), TC_ERR_ARG (contradictory or
 * negative options), TC_ERR_LIMIT (a line over 64 MiB, a header of more
 * than 4096 fields) or TC_ERR_NOMEM. Bad rows met during the look-ahead
 * are reported by tc_usage_reader_next(), not here.
 */
tc_status tc_usage_reader_open(const char *path, const tc_usage_opts *opts,
			       tc_usage_reader **out, tc_error *err);

/*
 * Reads the next record into *rec (its strings stay valid until the next
 * call). Rows that cannot be used are counted and listed as bad rows, not
 * returned. Returns TC_OK with a record, TC_USAGE_END at the end of the
 * log, or a tc_status: TC_ERR_INVALID when the bad rows exceed
 * max_bad_rows (checked at the end, or as soon as an explicit limit is
 * passed), TC_ERR_IO (a read error, a truncated gzip stream),
 * TC_ERR_LIMIT (a line or CSV record over 64 MiB, a row of more than 4096
 * fields) or TC_ERR_NOMEM; err gets the file, line and message. After an
 * error or the end, every further call returns the same.
 */
int tc_usage_reader_next(tc_usage_reader *r, tc_usage *rec, tc_error *err);

/* Closes a reader; accepts NULL. */
void tc_usage_reader_close(tc_usage_reader *r);

/* The totals so far; valid until the reader is closed. */
const tc_usage_totals *tc_usage_reader_totals(const tc_usage_reader *r);

/*
 * The first TC_USAGE_BAD_KEEP bad rows, each an error diagnostic with the
 * file, line and reason. The count of all is in the totals.
 */
const tc_diags *tc_usage_reader_bad_rows(const tc_usage_reader *r);

/*
 * A warning about the log as a whole, once tc_usage_reader_next() has
 * returned TC_USAGE_END, or NULL: for now only that every time was
 * read as an epoch number while opts gave neither time_unit nor origin
 * (the unit guessed from the size or the shape's) and falls before
 * 1990-01-01, which is what offsets from a log's start (the Mooncake
 * trace's milliseconds) look like. The text is valid until the reader
 * is closed.
 */
const char *tc_usage_reader_warning(const tc_usage_reader *r);

/*
 * The shape of the last record read (or of the CSV header), "" before
 * any.
 */
const char *tc_usage_reader_shape(const tc_usage_reader *r);

/*
 * Class match rules. A rule is conditions joined by ';', all of which must
 * hold: FIELD=PATTERN or FIELD!=PATTERN, where PATTERN is a glob (* ? [..])
 * or several separated by ',' (any may match). FIELD is "model", a column
 * or top-level field, a field of "metadata", or a dotted path. Classes are
 * tried in the order they were added; the first whose rule holds wins.
 */
tc_usage_match *tc_usage_match_new(void);	/* NULL when out of memory */
void tc_usage_match_free(tc_usage_match *m);	/* accepts NULL */

/*
 * Adds the class class_name with rule. Returns TC_OK, TC_ERR_PARSE for a
 * malformed rule (err says where), TC_ERR_ARG for an empty class name or
 * TC_ERR_NOMEM.
 */
tc_status tc_usage_match_add(tc_usage_match *m, const char *class_name,
			     const char *rule, tc_error *err);

/* The number of classes added. */
size_t tc_usage_match_count(const tc_usage_match *m);

/*
 * Looks up a field of a record for matching: returns its text (possibly
 * written into buf of size bytes), or NULL when the record lacks it.
 */
typedef const char *(*tc_usage_field_fn)(void *ctx, const char *field,
					 char *buf, size_t size);

/*
 * The first class whose rule holds for the record that get/ctx describe,
 * or NULL when none does. A missing field reads as "".
 */
const char *tc_usage_match_classify(const tc_usage_match *m,
				    tc_usage_field_fn get, void *ctx);

#ifdef __cplusplus
}
#endif

#endif
