/*
 * tokcast/rng.h - keyed random-number streams for the Monte Carlo engine.
 *
 * The generator is Philox4x32-10 (Salmon et al., "Parallel random
 * numbers: as easy as 1, 2, 3", SC11), a counter-based generator: each
 * block of four 32-bit outputs is a pure function of a 128-bit counter
 * and a 64-bit key. Every random quantity of a forecast draws from its
 * own stream, named by (seed, trial, element, purpose, substream), so a
 * trial's numbers do not depend on which thread runs it, on the order
 * trials run in, or on which other elements exist. docs/random-numbers.md
 * gives the key and counter layout.
 *
 * The generator is a gsl_rng_type, so GSL's samplers work on it. Allocate
 * one gsl_rng per thread with gsl_rng_alloc(tc_rng_philox) and move it
 * between streams with tc_rng_set_stream(), which allocates nothing.
 */
#ifndef TOKCAST_RNG_H
#define TOKCAST_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "tokcast/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * What a stream is for. Numbers are part of the stream key, so they are
 * never renumbered: changing one would change every forecast's draws.
 */
typedef enum tc_rng_purpose {
	TC_RNG_PARAMETER = 0,	/* per-trial parameters of an attribute */
	TC_RNG_DATE = 1,	/* uncertain dates (launch, price change) */
	TC_RNG_NOISE = 2,	/* per-day noise factors */
	TC_RNG_COUNT = 3,	/* per-day request counts */
	TC_RNG_REQUEST = 4,	/* per-request quantities, drawn one by one */
	TC_RNG_AGGREGATE = 5,	/* per-day sums drawn from an aggregate */
	TC_RNG_SCENARIO = 6,	/* draws only a scenario makes */
	TC_RNG_PURPOSE_MAX = 255
} tc_rng_purpose;

/*
 * The name of one stream. element is an id hashed from a stable name
 * (tc_rng_id); its top 8 bits are dropped, so two elements whose ids
 * differ only there share streams. substream splits a stream further,
 * for instance by day, so that the number of draws made on one day does
 * not shift the draws of the next.
 */
typedef struct tc_rng_stream {
	uint64_t seed;		/* the run's seed (--seed) */
	uint64_t trial;		/* Monte Carlo trial index */
	uint64_t element;	/* tc_rng_id of a node, edge or attribute */
	unsigned purpose;	/* a tc_rng_purpose, at most 255 */
	uint32_t substream;	/* e.g. the day index, 0 when unused */
} tc_rng_stream;

/*
 * Philox4x32-10 as a GSL generator: 32-bit outputs (gsl_rng_get), and
 * uniform doubles in [0, 1) with 53 random bits (gsl_rng_uniform).
 * gsl_rng_set(r, s) selects the stream {seed = s, all else 0}.
 */
extern const gsl_rng_type *const tc_rng_philox;

/*
 * The Philox4x32-10 bijection: out = philox(ctr, key). The building block
 * of the streams, public so it can be checked against published vectors.
 */
void tc_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
		      uint32_t out[4]);

/*
 * A 64-bit element id from a stable name (a node id, an edge id): the
 * FNV-1a hash of its bytes. NULL hashes like "".
 */
uint64_t tc_rng_id(const char *name);

/*
 * The id of a part of an element, such as one attribute of a node:
 * continues id's hash over a separator byte and the bytes of part, so
 * tc_rng_id_join(tc_rng_id("chat"), "growth") names chat's growth.
 */
uint64_t tc_rng_id_join(uint64_t id, const char *part);

/*
 * Positions r at the start of stream s. Costs two 64-bit mixes and no
 * allocation; the same s always yields the same sequence. Returns TC_OK,
 * or TC_ERR_ARG when r is not a tc_rng_philox generator or s->purpose
 * exceeds TC_RNG_PURPOSE_MAX (r is then unchanged).
 */
tc_status tc_rng_set_stream(gsl_rng *r, const tc_rng_stream *s);

/*
 * Moves r to the start of another substream of its current stream (the
 * cheapest move: no hashing). r must be a tc_rng_philox generator; other
 * generators are left unchanged.
 */
void tc_rng_set_substream(gsl_rng *r, uint32_t substream);

/*
 * 64 random bits. On tc_rng_philox, two consecutive 32-bit outputs, the
 * first in the high half; on other generators, assembled from two
 * gsl_rng_uniform draws (as good as that generator's 32-bit output).
 */
uint64_t tc_rng_u64(gsl_rng *r);

/*
 * A uniform double in [0, 1) with 53 random bits: (tc_rng_u64 >> 11) /
 * 2^53. On tc_rng_philox this is exactly gsl_rng_uniform(r).
 */
double tc_rng_uniform(gsl_rng *r);

/* A uniform double in (0, 1): never 0, so its logarithm is finite. */
double tc_rng_uniform_pos(gsl_rng *r);

#ifdef __cplusplus
}
#endif

#endif
