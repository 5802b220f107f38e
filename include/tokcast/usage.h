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

#ifdef __cplusplus
}
#endif

#endif
