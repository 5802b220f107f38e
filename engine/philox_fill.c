/*
 * philox_fill.c - the first blocks of many Philox streams at once, 32
 * lanes at a time with AVX-512 or four with AVX2 where the processor has
 * them.
 *
 * A day loop positions a class's stream of every day in turn; their
 * first blocks do not depend on each other, so they are computed here
 * ahead of the draws. A block's ten rounds are two 32 x 32 -> 64-bit
 * products and a few exclusive ors, which AVX2's vpmuludq does for four
 * blocks at once. The words are the same on every path: the scalar one
 * is tci_philox_block, and tests/test_rng.c checks the two against each
 * other and against the published known answers.
 */
#include "philox.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FILL_AVX2 1
#include <immintrin.h>
#endif

/* Stream i = j / nb, block b = j % nb of lane j. */
static void fill_scalar(uint64_t key, uint64_t trial, uint32_t sub0,
			size_t first, size_t total, unsigned nb,
			uint32_t *out)
{
	const uint32_t k[2] = {(uint32_t)key, (uint32_t)(key >> 32)};
	uint32_t ctr[4] = {0, 0, (uint32_t)trial, (uint32_t)(trial >> 32)};
	size_t j;

	for (j = first; j < total; j++) {
		ctr[0] = (uint32_t)(j % nb);
		ctr[1] = sub0 + (uint32_t)(j / nb);
		tci_philox_block(ctr, k, out + 4 * j);
	}
}

#ifdef FILL_AVX2
/*
 * Lanes j .. j + 3, each word of a block in a 64-bit lane (high half
 * zero), so vpmuludq forms the round's products directly.
 */
__attribute__((target("avx2")))
static void fill_four(uint64_t key, uint64_t trial, uint32_t sub0,
		      size_t j, unsigned nb, uint32_t *out)
{
	const __m256i m0 = _mm256_set1_epi64x(TCI_PHILOX_M0);
	const __m256i m1 = _mm256_set1_epi64x(TCI_PHILOX_M1);
	const __m256i low = _mm256_set1_epi64x(0xffffffff);
	uint32_t k0 = (uint32_t)key, k1 = (uint32_t)(key >> 32);
	/* nb is 1 or 2: lane j's stream j >> sh, block j & mask. */
	unsigned sh = nb == 2, mask = nb == 2;
	__m256i x0 = _mm256_set_epi64x((long long)((j + 3) & mask),
				       (long long)((j + 2) & mask),
				       (long long)((j + 1) & mask),
				       (long long)(j & mask));
	__m256i x1 = _mm256_set_epi64x(
		(uint32_t)(sub0 + (uint32_t)((j + 3) >> sh)),
		(uint32_t)(sub0 + (uint32_t)((j + 2) >> sh)),
		(uint32_t)(sub0 + (uint32_t)((j + 1) >> sh)),
		(uint32_t)(sub0 + (uint32_t)(j >> sh)));
	__m256i x2 = _mm256_set1_epi64x((uint32_t)trial);
	__m256i x3 = _mm256_set1_epi64x((uint32_t)(trial >> 32));
	long long w[4][4];
	int i, l;

	for (i = 0; i < 10; i++) {
		__m256i p0 = _mm256_mul_epu32(x0, m0);
		__m256i p1 = _mm256_mul_epu32(x2, m1);

		if (i) {
			k0 += TCI_PHILOX_W0;
			k1 += TCI_PHILOX_W1;
		}
		x0 = _mm256_xor_si256(_mm256_srli_epi64(p1, 32),
			_mm256_xor_si256(x1, _mm256_set1_epi64x(k0)));
		x1 = _mm256_and_si256(p1, low);
		x2 = _mm256_xor_si256(_mm256_srli_epi64(p0, 32),
			_mm256_xor_si256(x3, _mm256_set1_epi64x(k1)));
		x3 = _mm256_and_si256(p0, low);
	}
	_mm256_storeu_si256((__m256i *)w[0], x0);
	_mm256_storeu_si256((__m256i *)w[1], x1);
	_mm256_storeu_si256((__m256i *)w[2], x2);
	_mm256_storeu_si256((__m256i *)w[3], x3);
	for (l = 0; l < 4; l++)
		for (i = 0; i < 4; i++)
			out[4 * (j + (size_t)l) + (size_t)i] =
				(uint32_t)w[i][l];
}
#endif

#ifdef FILL_AVX2
/* Groups of eight lanes fill_many interleaves. */
#define FILL_GROUPS 4

/*
 * Stores eight lanes' blocks: lane l's words x0..x3 (low halves of the
 * 64-bit lanes) become out[4 l .. 4 l + 3]. Each lane's pair of 64-bit
 * words (x0 | x1 << 32, x2 | x3 << 32) is moved into place by two
 * permutes instead of 32 scalar stores.
 */
__attribute__((target("avx512f")))
static inline void store_eight(__m512i x0, __m512i x1, __m512i x2,
			       __m512i x3, uint32_t *out)
{
	const __m512i lo_idx = _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0);
	const __m512i hi_idx = _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4);
	__m512i a = _mm512_or_si512(x0, _mm512_slli_epi64(x1, 32));
	__m512i b = _mm512_or_si512(x2, _mm512_slli_epi64(x3, 32));

	_mm512_storeu_si512(out, _mm512_permutex2var_epi64(a, lo_idx, b));
	_mm512_storeu_si512(out + 16,
			    _mm512_permutex2var_epi64(a, hi_idx, b));
}

/*
 * Lanes j .. j + 8 FILL_GROUPS - 1 with AVX-512, as fill_four does
 * four: vpmuludq on eight 64-bit lanes, and the groups of eight
 * interleaved round by round, since one group's ten rounds would wait on
 * each product's latency in turn.
 */
__attribute__((target("avx512f")))
static void fill_many(uint64_t key, uint64_t trial, uint32_t sub0,
		      size_t j, unsigned nb, uint32_t *out)
{
	const __m512i m0 = _mm512_set1_epi64(TCI_PHILOX_M0);
	const __m512i m1 = _mm512_set1_epi64(TCI_PHILOX_M1);
	const __m512i low = _mm512_set1_epi64(0xffffffff);
	const __m512i step = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
	uint32_t k0 = (uint32_t)key, k1 = (uint32_t)(key >> 32);
	/* nb is 1 or 2: lane j's stream j >> sh, block j & mask. */
	__m512i sh = _mm512_set1_epi64(nb == 2);
	__m512i mask = _mm512_set1_epi64(nb == 2);
	__m512i x[FILL_GROUPS][4];
	int i, q;

#pragma GCC unroll 4
	for (q = 0; q < FILL_GROUPS; q++) {
		__m512i lane = _mm512_add_epi64(_mm512_set1_epi64(
			(long long)(j + 8 * (size_t)q)), step);

		x[q][0] = _mm512_and_si512(lane, mask);
		x[q][1] = _mm512_and_si512(_mm512_add_epi64(
			_mm512_set1_epi64(sub0), _mm512_srlv_epi64(lane, sh)),
			low);
		x[q][2] = _mm512_set1_epi64((uint32_t)trial);
		x[q][3] = _mm512_set1_epi64((uint32_t)(trial >> 32));
	}
	for (i = 0; i < 10; i++) {
		__m512i kk0, kk1;

		if (i) {
			k0 += TCI_PHILOX_W0;
			k1 += TCI_PHILOX_W1;
		}
		kk0 = _mm512_set1_epi64(k0);
		kk1 = _mm512_set1_epi64(k1);
#pragma GCC unroll 4
		for (q = 0; q < FILL_GROUPS; q++) {
			__m512i p0 = _mm512_mul_epu32(x[q][0], m0);
			__m512i p1 = _mm512_mul_epu32(x[q][2], m1);

			x[q][0] = _mm512_xor_si512(_mm512_srli_epi64(p1, 32),
				_mm512_xor_si512(x[q][1], kk0));
			x[q][1] = _mm512_and_si512(p1, low);
			x[q][2] = _mm512_xor_si512(_mm512_srli_epi64(p0, 32),
				_mm512_xor_si512(x[q][3], kk1));
			x[q][3] = _mm512_and_si512(p0, low);
		}
	}
#pragma GCC unroll 4
	for (q = 0; q < FILL_GROUPS; q++)
		store_eight(x[q][0], x[q][1], x[q][2], x[q][3],
			    out + 4 * (j + 8 * (size_t)q));
}
#endif

void tci_philox_fill(uint64_t key, uint64_t trial, uint32_t sub0,
		     size_t n, unsigned nb, uint32_t *out)
{
	size_t total = n * nb, j = 0;

#ifdef FILL_AVX2
	if ((nb == 1 || nb == 2) && __builtin_cpu_supports("avx512f"))
		for (; j + 8 * FILL_GROUPS <= total; j += 8 * FILL_GROUPS)
			fill_many(key, trial, sub0, j, nb, out);
	if ((nb == 1 || nb == 2) && __builtin_cpu_supports("avx2"))
		for (; j + 4 <= total; j += 4)
			fill_four(key, trial, sub0, j, nb, out);
#endif
	fill_scalar(key, trial, sub0, j, total, nb, out);
}
