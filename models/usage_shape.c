/*
 * usage_shape.c - the record shapes tokcast knows, and the rules that turn
 * each provider's counts into disjoint buckets. The table below is the
 * code form of the "which count contains which" table in
 * ../shared/PRICING-FACTS.md; docs/usage-formats.md describes it for users.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "usage_int.h"

#define K(key) [TC_KEY_##key]

static const char *const key_names[TC_KEY_COUNT] = {
	K(TIME) = "time",
	K(INPUT) = "input",
	K(UNCACHED) = "uncached",
	K(CACHED) = "cached",
	K(CACHE_WRITE) = "cache_write",
	K(CACHE_WRITE_5M) = "cache_write_5m",
	K(CACHE_WRITE_1H) = "cache_write_1h",
	K(OUTPUT) = "output",
	K(REASONING) = "reasoning",
	K(CLASS) = "class",
	K(MODEL) = "model",
	K(ID) = "id",
	K(TIER) = "tier",
	K(BATCH) = "batch",
	K(WEB_SEARCH) = "web_search",
	K(HASH_IDS) = "hash_ids",
};

/* Where context keys are looked for when a shape names no path. */
static const char *const context_names[TC_KEY_COUNT] = {
	K(TIME) = "timestamp|time|created|created_at|startTime|start_time|"
		  "starting_at|startTimeUnixNano|start_time_unix_nano|date",
	K(MODEL) = "model|modelVersion|model_version|gen_ai.response.model|"
		   "gen_ai.request.model|model_id|model_name",
	K(ID) = "id|response_id|responseId|request_id|requestId|"
		"gen_ai.response.id",
	K(TIER) = "service_tier|serviceTier",
	K(BATCH) = "batch|is_batch",
};

#define IN_ALL (TCI_IN_HAS_READ | TCI_IN_HAS_WRITE)

/*
 * Detection order matters: the first shape whose groups are all present
 * in an object wins, so specific shapes come before general ones.
 */
static const struct tci_shape shapes[] = {
	{"tokcast", {"uncached_input", "output"}, NULL, {
		K(TIME) = "time", K(UNCACHED) = "uncached_input",
		K(CACHED) = "cache_read", K(CACHE_WRITE_5M) = "cache_write_5m",
		K(CACHE_WRITE_1H) = "cache_write_1h", K(OUTPUT) = "output",
		K(REASONING) = "reasoning", K(MODEL) = "model",
		K(CLASS) = "class", K(ID) = "request_id", K(TIER) = "tier",
		K(WEB_SEARCH) = "web_search_calls"}, 0, TC_UNIT_AUTO},
	{"otel", {"gen_ai.usage.input_tokens|gen_ai.usage.prompt_tokens"},
	 NULL, {
		K(INPUT) = "gen_ai.usage.input_tokens|"
			   "gen_ai.usage.prompt_tokens",
		K(CACHED) = "gen_ai.usage.cache_read.input_tokens|"
			    "gen_ai.usage.cache_read_input_tokens",
		K(CACHE_WRITE) = "gen_ai.usage.cache_creation.input_tokens|"
				 "gen_ai.usage.cache_creation_input_tokens",
		K(OUTPUT) = "gen_ai.usage.output_tokens|"
			    "gen_ai.usage.completion_tokens",
		K(REASONING) = "gen_ai.usage.reasoning.output_tokens|"
			       "gen_ai.usage.reasoning_tokens",
		K(MODEL) = "gen_ai.response.model|gen_ai.request.model",
		K(ID) = "gen_ai.response.id",
		K(TIER) = "gen_ai.openai.response.service_tier|"
			  "gen_ai.response.service_tier",
		K(TIME) = "startTimeUnixNano|start_time_unix_nano|start_time|"
			  "startTime|timestamp"}, IN_ALL, TC_UNIT_AUTO},
	{"gemini", {"promptTokenCount|prompt_token_count",
		    "candidatesTokenCount|candidates_token_count|"
		    "totalTokenCount|total_token_count"}, NULL, {
		K(INPUT) = "promptTokenCount|prompt_token_count",
		K(CACHED) = "cachedContentTokenCount|"
			    "cached_content_token_count",
		K(OUTPUT) = "candidatesTokenCount|candidates_token_count",
		K(REASONING) = "thoughtsTokenCount|thoughts_token_count",
		K(MODEL) = "modelVersion|model_version|model",
		K(ID) = "responseId|response_id|id"},
	 TCI_IN_HAS_READ | TCI_OUT_NO_REASONING, TC_UNIT_AUTO},
	{"anthropic-report", {"uncached_input_tokens"}, NULL, {
		K(UNCACHED) = "uncached_input_tokens",
		K(CACHED) = "cache_read_input_tokens",
		K(CACHE_WRITE_5M) = "cache_creation.ephemeral_5m_input_tokens|"
				    "cache_creation_ephemeral_5m_input_tokens",
		K(CACHE_WRITE_1H) = "cache_creation.ephemeral_1h_input_tokens|"
				    "cache_creation_ephemeral_1h_input_tokens",
		K(OUTPUT) = "output_tokens",
		K(WEB_SEARCH) = "server_tool_use.web_search_requests|"
				"server_tool_use_web_search_requests|"
				"web_search_requests",
		K(TIME) = "starting_at|bucket_start|usage_date_utc|date"},
	 0, TC_UNIT_AUTO},
	{"openai-activity", {"input_cached_tokens|num_model_requests",
			     "input_tokens", "output_tokens"}, NULL, {
		K(INPUT) = "input_tokens",
		K(CACHED) = "input_cached_tokens",
		K(CACHE_WRITE) = "input_cache_write_tokens",
		K(OUTPUT) = "output_tokens",
		K(TIME) = "start_time_iso|start_time|start_date|date"},
	 IN_ALL, TC_UNIT_AUTO},
	{"litellm", {"prompt_tokens", "completion_tokens",
		     "spend|cache_creation_input_tokens|"
		     "cache_read_input_tokens"}, NULL, {
		K(INPUT) = "prompt_tokens",
		K(CACHED) = "prompt_tokens_details.cached_tokens|"
			    "cache_read_input_tokens|"
			    "metadata.usage_object.prompt_tokens_details."
			    "cached_tokens|"
			    "metadata.usage_object.cache_read_input_tokens",
		K(CACHE_WRITE) = "cache_creation_input_tokens|"
				 "metadata.usage_object."
				 "cache_creation_input_tokens",
		K(OUTPUT) = "completion_tokens",
		K(REASONING) = "completion_tokens_details.reasoning_tokens|"
			       "metadata.usage_object."
			       "completion_tokens_details.reasoning_tokens",
		K(TIME) = "startTime|start_time|timestamp",
		K(ID) = "request_id|id"}, IN_ALL, TC_UNIT_AUTO},
	{"openai-chat", {"prompt_tokens", "completion_tokens"}, NULL, {
		K(INPUT) = "prompt_tokens",
		K(CACHED) = "prompt_tokens_details.cached_tokens",
		K(CACHE_WRITE) = "prompt_tokens_details.cache_write_tokens",
		K(OUTPUT) = "completion_tokens",
		K(REASONING) = "completion_tokens_details.reasoning_tokens"},
	 IN_ALL, TC_UNIT_AUTO},
	{"anthropic", {"input_tokens", "output_tokens"},
	 "total_tokens|input_tokens_details|output_tokens_details", {
		K(UNCACHED) = "input_tokens",
		K(CACHED) = "cache_read_input_tokens",
		K(CACHE_WRITE) = "cache_creation_input_tokens",
		K(CACHE_WRITE_5M) = "cache_creation.ephemeral_5m_input_tokens",
		K(CACHE_WRITE_1H) = "cache_creation.ephemeral_1h_input_tokens",
		K(OUTPUT) = "output_tokens",
		K(WEB_SEARCH) = "server_tool_use.web_search_requests"},
	 0, TC_UNIT_AUTO},
	{"openai-responses", {"input_tokens", "output_tokens"}, NULL, {
		K(INPUT) = "input_tokens",
		K(CACHED) = "input_tokens_details.cached_tokens",
		K(CACHE_WRITE) = "input_tokens_details.cache_write_tokens",
		K(OUTPUT) = "output_tokens",
		K(REASONING) = "output_tokens_details.reasoning_tokens"},
	 IN_ALL, TC_UNIT_AUTO},
	{"mooncake", {"input_length", "output_length"}, NULL, {
		K(INPUT) = "input_length", K(OUTPUT) = "output_length",
		K(TIME) = "timestamp", K(HASH_IDS) = "hash_ids"},
	 IN_ALL, TC_UNIT_MS},
	{"plain", {"ContextTokens|context_tokens|input|tokens_in|"
		   "prompt_length",
		   "GeneratedTokens|generated_tokens|output|tokens_out|"
		   "completion_length"}, NULL, {
		K(INPUT) = "ContextTokens|context_tokens|input|tokens_in|"
			   "prompt_length",
		K(OUTPUT) = "GeneratedTokens|generated_tokens|output|"
			    "tokens_out|completion_length",
		K(TIME) = "TIMESTAMP|timestamp|time|date"},
	 IN_ALL, TC_UNIT_AUTO},
};

/* Counts come only from --map; "input" holds cache tokens as OpenAI's. */
static const struct tci_shape mapped = {
	"mapped", {NULL}, NULL, {NULL}, IN_ALL, TC_UNIT_AUTO
};

#define NSHAPES (sizeof shapes / sizeof shapes[0])

const char *tc_usage_key_name(tc_usage_key key)
{
	if ((unsigned)key >= TC_KEY_COUNT)
		return NULL;
	return key_names[key];
}

const char *tc_usage_shape_name(size_t i)
{
	if (i < NSHAPES)
		return shapes[i].name;
	return i == NSHAPES ? mapped.name : NULL;
}

const struct tci_shape *tci_shape_at(size_t i)
{
	return i < NSHAPES ? &shapes[i] : NULL;
}

const struct tci_shape *tci_shape_mapped(void)
{
	return &mapped;
}

const struct tci_shape *tci_shape_find(const char *name)
{
	size_t i;

	for (i = 0; i < NSHAPES; i++)
		if (strcmp(shapes[i].name, name) == 0)
			return &shapes[i];
	return strcmp(name, mapped.name) == 0 ? &mapped : NULL;
}

const char *tci_shape_context(tc_usage_key key)
{
	return (unsigned)key < TC_KEY_COUNT ? context_names[key] : NULL;
}

void tci_val_json(json_t *j, struct tci_val *v)
{
	memset(v, 0, sizeof *v);
	if (!j)
		return;
	switch (json_typeof(j)) {
	case JSON_STRING:
		v->kind = TCI_VAL_STR;
		v->s = json_string_value(j);
		v->n = json_string_length(j);
		break;
	case JSON_INTEGER:
		v->kind = TCI_VAL_INT;
		v->i = json_integer_value(j);
		break;
	case JSON_REAL:
		v->kind = TCI_VAL_REAL;
		v->d = json_real_value(j);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		v->kind = TCI_VAL_BOOL;
		v->i = json_is_true(j);
		break;
	case JSON_ARRAY:
		v->kind = TCI_VAL_ARRAY;
		v->json = j;
		break;
	default:
		v->kind = TCI_VAL_OTHER;
		break;
	}
}

/*
 * The largest token count accepted, whatever its notation: far above any
 * context window, and small enough that sums of many stay exact in a
 * double and inside int64 (the JSON reports are signed).
 */
#define COUNT_MAX 9000000000000000ULL

/* Parses plain decimal digits fast; 0 when s is not only digits. */
static int digits_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 19)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 1;
}

/* A count given as a real number: it must be integral and in range. */
static const char *real_count(double d, uint64_t *out)
{
	if (isnan(d))
		return "not a number";
	if (d < 0)
		return "negative count";
	if (d != floor(d))
		return "count is not a whole number";
	if (d >= (double)COUNT_MAX)
		return "count too large";
	*out = (uint64_t)d;
	return NULL;
}

const char *tci_val_count(const struct tci_val *v, uint64_t *out)
{
	double d;

	switch (v->kind) {
	case TCI_VAL_INT:
		if (v->i < 0)
			return "negative count";
		if ((uint64_t)v->i >= COUNT_MAX)
			return "count too large";
		*out = (uint64_t)v->i;
		return NULL;
	case TCI_VAL_REAL:
		return real_count(v->d, out);
	case TCI_VAL_STR:
		if (digits_u64(v->s, v->n, out))
			return *out < COUNT_MAX ? NULL : "count too large";
		if (tci_parse_double(v->s, v->n, 0, &d) != TC_OK)
			return "not a number";
		return real_count(d, out);
	default:
		return "not a number";
	}
}

#define HAVE(raw, key) (((raw)->have >> TC_KEY_##key) & 1u)

/*
 * Splits cache writes into lifetimes. A total without a split is all
 * five-minute writes (the default lifetime); a total with a one-hour part
 * leaves the rest as five-minute writes.
 */
static const char *split_writes(const struct tci_raw *raw, tc_usage *u,
				uint64_t *writes, char *why, size_t size)
{
	uint64_t w1h = HAVE(raw, CACHE_WRITE_1H) ?
			       raw->n[TC_KEY_CACHE_WRITE_1H] : 0;
	uint64_t w5m = raw->n[TC_KEY_CACHE_WRITE_5M];

	if (!HAVE(raw, CACHE_WRITE)) {
		u->cache_write_5m = HAVE(raw, CACHE_WRITE_5M) ? w5m : 0;
		u->cache_write_1h = w1h;
		*writes = u->cache_write_5m + w1h;
		return NULL;
	}
	*writes = raw->n[TC_KEY_CACHE_WRITE];
	if (w1h > *writes) {
		snprintf(why, size, "one-hour cache writes %llu exceed the "
			 "cache writes %llu", (unsigned long long)w1h,
			 (unsigned long long)*writes);
		return why;
	}
	if (HAVE(raw, CACHE_WRITE_5M) && w5m + w1h != *writes) {
		snprintf(why, size, "cache write lifetimes %llu + %llu do not "
			 "add up to the cache writes %llu",
			 (unsigned long long)w5m, (unsigned long long)w1h,
			 (unsigned long long)*writes);
		return why;
	}
	u->cache_write_1h = w1h;
	u->cache_write_5m = *writes - w1h;
	return NULL;
}

/* The uncached input from an inclusive or exclusive input count. */
static const char *uncached_input(unsigned flags, const struct tci_raw *raw,
				  uint64_t writes, tc_usage *u, char *why,
				  size_t size)
{
	uint64_t in = raw->n[TC_KEY_INPUT], inside = 0;

	if (HAVE(raw, UNCACHED)) {
		u->uncached_input = raw->n[TC_KEY_UNCACHED];
		return NULL;
	}
	if (flags & TCI_IN_HAS_READ)
		inside += u->cache_read;
	if (flags & TCI_IN_HAS_WRITE)
		inside += writes;
	if (inside > in) {
		snprintf(why, size, "cache tokens %llu exceed the input "
			 "tokens %llu that include them",
			 (unsigned long long)inside, (unsigned long long)in);
		return why;
	}
	u->uncached_input = in - inside;
	return NULL;
}

const char *tci_usage_normalize(unsigned flags, const struct tci_raw *raw,
				tc_usage *u, char *why, size_t size)
{
	uint64_t writes = 0;

	if (!HAVE(raw, INPUT) && !HAVE(raw, UNCACHED)) {
		snprintf(why, size, "missing input tokens");
		return why;
	}
	if (!HAVE(raw, OUTPUT)) {
		snprintf(why, size, "missing output tokens");
		return why;
	}
	u->cache_read = HAVE(raw, CACHED) ? raw->n[TC_KEY_CACHED] : 0;
	if (split_writes(raw, u, &writes, why, size))
		return why;
	if (uncached_input(flags, raw, writes, u, why, size))
		return why;

	u->reasoning = HAVE(raw, REASONING) ? raw->n[TC_KEY_REASONING] : 0;
	u->output = raw->n[TC_KEY_OUTPUT];
	if (flags & TCI_OUT_NO_REASONING)
		u->output += u->reasoning;
	if (u->reasoning > u->output) {
		snprintf(why, size, "reasoning tokens %llu exceed the output "
			 "tokens %llu", (unsigned long long)u->reasoning,
			 (unsigned long long)u->output);
		return why;
	}
	u->web_search_calls = HAVE(raw, WEB_SEARCH) ?
				      (uint32_t)raw->n[TC_KEY_WEB_SEARCH] : 0;
	return NULL;
}
