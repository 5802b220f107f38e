/*
 * philox.h - the Philox4x32-10 block function and the stream state of
 * tc_rng_philox, inline for the samplers' fast path (internal).
 *
 * Written from the algorithm's description in Salmon, Moraes, Dror and
 * Shaw, "Parallel random numbers: as easy as 1, 2, 3" (SC11).
 */
#ifndef TOKCAST_ENGINE_PHILOX_H
#define TOKCAST_ENGINE_PHILOX_H

#include <stdint.h>

#include "tokcast/rng.h"

/* The round multipliers and key increments of Philox4x32. */
#define TCI_PHILOX_M0 0xD2511F53u
#define TCI_PHILOX_M1 0xCD9E8D57u
#define TCI_PHILOX_W0 0x9E3779B9u
#define TCI_PHILOX_W1 0xBB67AE85u

/* The state behind a tc_rng_philox gsl_rng. */
typedef struct tci_philox_state {
	uint32_t ctr[4];	/* the counter of the next block */
	uint32_t key[2];
	uint32_t out[4];	/* the current block's outputs */
	unsigned idx;		/* next unused word of out; 4 = none left */
} tci_philox_state;

/*
 * One round: two 32x32->64 products, whose high halves are mixed with
 * the other two words and the round key, in the order of the paper.
 */
#define TCI_PHILOX_ROUND(x0, x1, x2, x3, k0, k1)                        \
	do {                                                            \
		uint64_t p0_ = (uint64_t)TCI_PHILOX_M0 * (x0);          \
		uint64_t p1_ = (uint64_t)TCI_PHILOX_M1 * (x2);          \
		(x0) = (uint32_t)(p1_ >> 32) ^ (x1) ^ (k0);             \
		(x1) = (uint32_t)p1_;                                   \
		(x2) = (uint32_t)(p0_ >> 32) ^ (x3) ^ (k1);             \
		(x3) = (uint32_t)p0_;                                   \
	} while (0)

/*
 * Ten rounds, the key bumped by the Weyl increments between rounds. The
 * loop has a constant trip count and no branch, so compilers unroll it.
 */
static inline void tci_philox_block(const uint32_t ctr[4],
				    const uint32_t key[2], uint32_t out[4])
{
	uint32_t x0 = ctr[0], x1 = ctr[1], x2 = ctr[2], x3 = ctr[3];
	uint32_t k0 = key[0], k1 = key[1];
	int i;

	TCI_PHILOX_ROUND(x0, x1, x2, x3, k0, k1);
	for (i = 1; i < 10; i++) {
		k0 += TCI_PHILOX_W0;
		k1 += TCI_PHILOX_W1;
		TCI_PHILOX_ROUND(x0, x1, x2, x3, k0, k1);
	}
	out[0] = x0;
	out[1] = x1;
	out[2] = x2;
	out[3] = x3;
}

/* Computes the next block and advances the block counter. */
static inline void tci_philox_refill(tci_philox_state *st)
{
	tci_philox_block(st->ctr, st->key, st->out);
	st->ctr[0]++;
	st->idx = 0;
}

static inline uint32_t tci_philox_next32(tci_philox_state *st)
{
	if (st->idx >= 4)
		tci_philox_refill(st);
	return st->out[st->idx++];
}

/* Two consecutive words, the first in the high half. */
static inline uint64_t tci_philox_next64(tci_philox_state *st)
{
	uint64_t hi;

	if (st->idx <= 2) {
		hi = st->out[st->idx];
		st->idx += 2;
		return hi << 32 | st->out[st->idx - 1];
	}
	hi = tci_philox_next32(st);
	return hi << 32 | tci_philox_next32(st);
}

/* 64 random bits from any generator, inline on tc_rng_philox. */
static inline uint64_t tci_rng_u64(gsl_rng *r)
{
	if (r->type == tc_rng_philox)
		return tci_philox_next64(r->state);
	return tc_rng_u64(r);
}

/* A uniform in [0, 1) with 53 bits, as tc_rng_uniform. */
static inline double tci_rng_uniform(gsl_rng *r)
{
	return (double)(tci_rng_u64(r) >> 11) * 0x1p-53;
}

/* A uniform in (0, 1), as tc_rng_uniform_pos. */
static inline double tci_rng_uniform_pos(gsl_rng *r)
{
	return ((double)(tci_rng_u64(r) >> 12) + 0.5) * 0x1p-52;
}

#endif
