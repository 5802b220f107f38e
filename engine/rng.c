/*
 * rng.c - Philox4x32-10 streams keyed by (seed, trial, element, purpose,
 * substream), wrapped as a GSL generator.
 *
 * Written from the algorithm's description in Salmon, Moraes, Dror and
 * Shaw, "Parallel random numbers: as easy as 1, 2, 3" (SC11), and checked
 * against the Random123 known-answer vectors in tests/test_rng.c.
 *
 * Layout of a stream (docs/random-numbers.md):
 *   key     = mix(mix(seed) ^ tag), tag = purpose << 56 | element & 2^56-1
 *   counter = { block, substream, trial & 2^32-1, trial >> 32 }
 * For one seed, mix is a bijection, so distinct (element, purpose) pairs
 * get distinct keys; for one key, distinct (trial, substream, block) are
 * distinct counters, and Philox is a bijection of the counter.
 */

#include "tokcast/rng.h"
#include "philox.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

/* The separator tc_rng_id_join hashes between a name and its part. */
#define ID_SEPARATOR 0x1fu

typedef tci_philox_state philox_state;

void tc_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
		      uint32_t out[4])
{
	tci_philox_block(ctr, key, out);
}

/*
 * A bijective 64-bit finaliser (the splitmix64 output function): spreads
 * every input bit over the whole word, so nearby seeds and tags give
 * unrelated keys.
 */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; p && *p; p++) {
		h ^= *p;
		h *= FNV_PRIME;
	}
	return h;
}

uint64_t tc_rng_id(const char *name)
{
	return fnv1a(FNV_OFFSET, name);
}

uint64_t tc_rng_id_join(uint64_t id, const char *part)
{
	id ^= ID_SEPARATOR;
	id *= FNV_PRIME;
	return fnv1a(id, part);
}

uint64_t tci_rng_key(uint64_t seed, uint64_t element, unsigned purpose)
{
	uint64_t tag = (uint64_t)purpose << 56 |
		       (element & 0x00ffffffffffffffull);

	return mix64(mix64(seed) ^ tag);
}

/* Keys and positions st on stream s (purpose already checked). */
static void philox_position(philox_state *st, const tc_rng_stream *s)
{
	tci_philox_position(st, tci_rng_key(s->seed, s->element, s->purpose),
			    s->trial, s->substream);
}

static void philox_set(void *vstate, unsigned long seed)
{
	tc_rng_stream s = {0};

	s.seed = seed;
	philox_position(vstate, &s);
}

static unsigned long philox_get(void *vstate)
{
	return tci_philox_next32(vstate);
}

static double philox_get_double(void *vstate)
{
	return (double)(tci_philox_next64(vstate) >> 11) * 0x1p-53;
}

static const gsl_rng_type philox_type = {
	"tc_philox4x32_10",
	0xffffffffUL,
	0,
	sizeof(philox_state),
	philox_set,
	philox_get,
	philox_get_double
};

const gsl_rng_type *const tc_rng_philox = &philox_type;

tc_status tc_rng_set_stream(gsl_rng *r, const tc_rng_stream *s)
{
	if (!r || !s || r->type != tc_rng_philox ||
	    s->purpose > TC_RNG_PURPOSE_MAX)
		return TC_ERR_ARG;
	philox_position(r->state, s);
	return TC_OK;
}

void tc_rng_set_substream(gsl_rng *r, uint32_t substream)
{
	philox_state *st;

	if (!r || r->type != tc_rng_philox)
		return;
	st = r->state;
	st->ctr[0] = 0;
	st->ctr[1] = substream;
	st->idx = 0;
	st->len = 0;
}

uint64_t tc_rng_u64(gsl_rng *r)
{
	uint64_t hi, lo;

	if (r->type == tc_rng_philox)
		return tci_philox_next64(r->state);

	/* Other generators: 32 bits from each of two uniforms. */
	hi = (uint64_t)(gsl_rng_uniform(r) * 4294967296.0);
	lo = (uint64_t)(gsl_rng_uniform(r) * 4294967296.0);
	return hi << 32 | lo;
}

double tc_rng_uniform(gsl_rng *r)
{
	return (double)(tc_rng_u64(r) >> 11) * 0x1p-53;
}

double tc_rng_uniform_pos(gsl_rng *r)
{
	/* 52 bits plus one half: exact in a double, never 0 nor 1. */
	return ((double)(tc_rng_u64(r) >> 12) + 0.5) * 0x1p-52;
}
