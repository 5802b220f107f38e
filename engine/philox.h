/*
 * philox.h - the Philox4x32-10 block function and the stream state of
 * tc_rng_philox, inline for the samplers' fast path (internal).
 *
 * Written from the algorithm's description in Salmon, Moraes, Dror and
 * Shaw, "Parallel random numbers: as easy as 1, 2, 3" (SC11).
 */
#ifndef TOKCAST_ENGINE_PHILOX_H
#define TOKCAST_ENGINE_PHILOX_H

#include <stddef.h>
#include <stdint.h>

#include "tokcast/rng.h"

/* The round multipliers and key increments of Philox4x32. */
#define TCI_PHILOX_M0 0xD2511F53u
#define TCI_PHILOX_M1 0xCD9E8D57u
#define TCI_PHILOX_W0 0x9E3779B9u
#define TCI_PHILOX_W1 0xBB67AE85u

/*
 * A block's ten rounds are one chain of dependent multiplies: two
 * independent blocks side by side take little longer than one. A
 * stream's first refill computes one block (most streams of the inner
 * loop take one), later refills two; tci_rng_reserve asks for two at
 * once where a caller knows it needs them.
 */
#define TCI_PHILOX_WIDE 2

/* The state behind a tc_rng_philox gsl_rng. */
typedef struct tci_philox_state {
	uint32_t ctr[4];	/* the counter of the next block to compute */
	uint32_t key[2];
	uint32_t out[4 * TCI_PHILOX_WIDE];	/* computed words */
	unsigned idx;		/* next unused word of out */
	unsigned len;		/* words in out; 0 after positioning */
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

/*
 * Blocks ctr and ctr + 1 (the first word counting, as a stream's block
 * counter does) into out[0..8), their rounds interleaved.
 */
static inline void tci_philox_pair(const uint32_t ctr[4],
				   const uint32_t key[2], uint32_t out[8])
{
	uint32_t a0 = ctr[0], a1 = ctr[1], a2 = ctr[2], a3 = ctr[3];
	uint32_t b0 = ctr[0] + 1, b1 = ctr[1], b2 = ctr[2], b3 = ctr[3];
	uint32_t k0 = key[0], k1 = key[1];
	int i;

	TCI_PHILOX_ROUND(a0, a1, a2, a3, k0, k1);
	TCI_PHILOX_ROUND(b0, b1, b2, b3, k0, k1);
	for (i = 1; i < 10; i++) {
		k0 += TCI_PHILOX_W0;
		k1 += TCI_PHILOX_W1;
		TCI_PHILOX_ROUND(a0, a1, a2, a3, k0, k1);
		TCI_PHILOX_ROUND(b0, b1, b2, b3, k0, k1);
	}
	out[0] = a0;
	out[1] = a1;
	out[2] = a2;
	out[3] = a3;
	out[4] = b0;
	out[5] = b1;
	out[6] = b2;
	out[7] = b3;
}

/* The next two blocks at once; the counter moves past both. */
static inline void tci_philox_refill2(tci_philox_state *st)
{
	tci_philox_pair(st->ctr, st->key, st->out);
	st->ctr[0] += 2;
	st->len = 8;
	st->idx = 0;
}

/*
 * Computes the next block, or two after a stream's first, and advances
 * the block counter: the words come out in the order one block at a
 * time would give them.
 */
static inline void tci_philox_refill(tci_philox_state *st)
{
	if (st->len != 0) {
		tci_philox_refill2(st);
		return;
	}
	tci_philox_block(st->ctr, st->key, st->out);
	st->ctr[0]++;
	st->len = 4;
	st->idx = 0;
}

static inline uint32_t tci_philox_next32(tci_philox_state *st)
{
	if (st->idx >= st->len)
		tci_philox_refill(st);
	return st->out[st->idx++];
}

/* Two consecutive words, the first in the high half. */
static inline uint64_t tci_philox_next64(tci_philox_state *st)
{
	uint64_t hi;

	if (st->idx + 2 <= st->len) {
		hi = st->out[st->idx];
		st->idx += 2;
		return hi << 32 | st->out[st->idx - 1];
	}
	hi = tci_philox_next32(st);
	return hi << 32 | tci_philox_next32(st);
}

/*
 * The key of every stream of (seed, element, purpose), whatever its
 * trial and substream (rng.c; docs/random-numbers.md gives the layout).
 */
uint64_t tci_rng_key(uint64_t seed, uint64_t element, unsigned purpose);

/* Positions st at the start of (key, trial, substream). */
static inline void tci_philox_position(tci_philox_state *st, uint64_t key,
				       uint64_t trial, uint32_t substream)
{
	st->key[0] = (uint32_t)key;
	st->key[1] = (uint32_t)(key >> 32);
	st->ctr[0] = 0;
	st->ctr[1] = substream;
	st->ctr[2] = (uint32_t)trial;
	st->ctr[3] = (uint32_t)(trial >> 32);
	st->idx = 0;
	st->len = 0;
}

/*
 * tc_rng_set_stream for a key from tci_rng_key, without hashing: the
 * engine keeps the keys of the streams it moves between every day. r
 * must be a tc_rng_philox generator.
 */
static inline void tci_rng_position(gsl_rng *r, uint64_t key,
				    uint64_t trial, uint32_t substream)
{
	tci_philox_position(r->state, key, trial, substream);
}

/*
 * Blocks 0 .. nb - 1 (nb 1 or 2) of the streams (key, trial, sub0 + i),
 * i < n, into out[4 (i nb + b) ..]: many streams' first blocks at once
 * (philox_fill.c: 32 at a time with AVX-512, four with AVX2, else in a
 * loop whose iterations overlap), where a stream positioned and drawn at
 * once waits for each block's ten rounds in turn.
 */
void tci_philox_fill(uint64_t key, uint64_t trial, uint32_t sub0, size_t n,
		     unsigned nb, uint32_t *out);

/*
 * tci_rng_position with the stream's first nb blocks (1 or 2) given, as
 * tci_philox_fill made them: the draws are those of the stream.
 */
static inline void tci_rng_position_with(gsl_rng *r, uint64_t key,
					 uint64_t trial, uint32_t substream,
					 const uint32_t *blocks, unsigned nb)
{
	tci_philox_state *st = r->state;
	unsigned i;

	tci_philox_position(st, key, trial, substream);
	for (i = 0; i < 4 * nb; i++)
		st->out[i] = blocks[i];
	st->ctr[0] = nb;
	st->len = 4 * nb;
}

/*
 * Word i (64 bits) of blocks as tci_philox_fill gave them: the value the
 * stream positioned with them returns from its (i + 1)-th
 * tci_philox_next64, for the loops that draw from held blocks.
 */
static inline uint64_t tci_block_word(const uint32_t *b, int i)
{
	return (uint64_t)b[2 * i] << 32 | b[2 * i + 1];
}

/* 64 random bits from any generator, inline on tc_rng_philox. */
static inline uint64_t tci_rng_u64(gsl_rng *r)
{
	if (r->type == tc_rng_philox)
		return tci_philox_next64(r->state);
	return tc_rng_u64(r);
}

/*
 * A hint on a freshly positioned tc_rng_philox stream that the caller
 * will take more than four words: both first blocks are computed at
 * once. The words drawn are the same with or without it.
 */
static inline void tci_rng_reserve(gsl_rng *r, unsigned words)
{
	tci_philox_state *st = r->state;

	if (r->type == tc_rng_philox && st->len == 0 && words > 4)
		tci_philox_refill2(st);
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
