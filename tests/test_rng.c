/*
 * test_rng.c - Philox4x32-10 against published vectors, the stream
 * layout, stream independence, uniform doubles and the GSL wrapper.
 */
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "tc_test.h"
#include "tokcast/rng.h"
#include "../engine/philox.h"

/*
 * Known answers from the Random123 distribution's tests/kat_vectors
 * (DEShawResearch/random123), the "philox4x32 10" lines: counter (4
 * words), key (2 words), expected output (4 words). The same three lines
 * are quoted verbatim by several independent ports found with the
 * project's code search.
 */
static void check_kat(const uint32_t ctr[4], const uint32_t key[2],
		      const uint32_t want[4])
{
	uint32_t out[4];
	int i;

	tc_philox4x32_10(ctr, key, out);
	for (i = 0; i < 4; i++)
		assert_int_equal(out[i], want[i]);
}

static void kat_philox_zeros(void **state)
{
	const uint32_t ctr[4] = {0, 0, 0, 0}, key[2] = {0, 0};
	const uint32_t want[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c,
				  0x9b00dbd8};

	check_kat(ctr, key, want);
}

static void kat_philox_ones(void **state)
{
	const uint32_t ctr[4] = {0xffffffff, 0xffffffff, 0xffffffff,
				 0xffffffff};
	const uint32_t key[2] = {0xffffffff, 0xffffffff};
	const uint32_t want[4] = {0x408f276d, 0x41c83b0e, 0xa20bc7c6,
				  0x6d5451fd};

	check_kat(ctr, key, want);
}

static void kat_philox_pi(void **state)
{
	const uint32_t ctr[4] = {0x243f6a88, 0x85a308d3, 0x13198a2e,
				 0x03707344};
	const uint32_t key[2] = {0xa4093822, 0x299f31d0};
	const uint32_t want[4] = {0xd16cfe09, 0x94fdcceb, 0x5001e420,
				  0x24126ea1};

	check_kat(ctr, key, want);
}

/*
 * FNV-1a 64-bit reference values from the FNV authors' test suite
 * (isthe.com/chongo/tech/comp/fnv), recomputed with the Python model in
 * tests/ref/rng_layout.py.
 */
static void element_id_is_fnv1a(void **state)
{
	assert_true(tc_rng_id("") == 0xcbf29ce484222325ull);
	assert_true(tc_rng_id(NULL) == 0xcbf29ce484222325ull);
	assert_true(tc_rng_id("a") == 0xaf63dc4c8601ec8cull);
	assert_true(tc_rng_id("foobar") == 0x85944171f73967e8ull);
}

/* The value printed by tests/ref/rng_layout.py as id_join. */
static void element_id_join_matches_reference(void **state)
{
	uint64_t id = tc_rng_id_join(tc_rng_id("chat"), "growth");

	assert_true(id == 0x7a6f1f9c2a0eeddbull);
	assert_true(id != tc_rng_id("chatgrowth"));
	assert_true(id != tc_rng_id_join(tc_rng_id("chatg"), "rowth"));
}

static gsl_rng *new_rng(void)
{
	gsl_rng *r = gsl_rng_alloc(tc_rng_philox);

	assert_non_null(r);
	return r;
}

static void set_stream(gsl_rng *r, uint64_t seed, uint64_t trial,
		       const char *element, unsigned purpose, uint32_t sub)
{
	tc_rng_stream s = {seed, trial, tc_rng_id(element), purpose, sub};

	assert_int_equal(tc_rng_set_stream(r, &s), TC_OK);
}

/*
 * The words of stream {seed 20270101, trial 5 * 2^32 + 7, element
 * "chat", purpose 4, substream 30}, computed by tests/ref/rng_layout.py
 * from the layout in docs/random-numbers.md: this pins the key and
 * counter layout and the order in which a block's words come out.
 */
static void stream_layout_matches_reference(void **state)
{
	const uint32_t want[8] = {0x16d054f8, 0xd0524862, 0x0427aa44,
				  0x159395a7, 0xc5646e23, 0xd2f7dce5,
				  0x257850f2, 0x7c857048};
	gsl_rng *r = new_rng();
	int i;

	set_stream(r, 20270101, (5ull << 32) | 7, "chat", TC_RNG_REQUEST, 30);
	for (i = 0; i < 8; i++)
		assert_int_equal(gsl_rng_get(r), want[i]);
	set_stream(r, 20270101, (5ull << 32) | 7, "chat", TC_RNG_REQUEST, 30);
	assert_true(gsl_rng_uniform(r) == 0.08911639284662798);
	gsl_rng_free(r);
}

static void draw(gsl_rng *r, uint32_t *out, int n)
{
	int i;

	for (i = 0; i < n; i++)
		out[i] = (uint32_t)gsl_rng_get(r);
}

static void same_stream_same_sequence(void **state)
{
	gsl_rng *a = new_rng(), *b = new_rng();
	uint32_t x[64], y[64];

	set_stream(a, 42, 9, "rag", TC_RNG_COUNT, 3);
	draw(a, x, 64);
	set_stream(b, 99, 1, "chat", TC_RNG_NOISE, 0);
	draw(b, y, 5);
	set_stream(b, 42, 9, "rag", TC_RNG_COUNT, 3);
	draw(b, y, 64);
	assert_memory_equal(x, y, sizeof x);
	gsl_rng_free(a);
	gsl_rng_free(b);
}

/* Counts equal words at equal positions of two 64-word sequences. */
static int matches(const uint32_t *x, const uint32_t *y)
{
	int i, n = 0;

	for (i = 0; i < 64; i++)
		n += x[i] == y[i];
	return n;
}

/*
 * Changing any one part of a stream's name changes its sequence. Two
 * unrelated sequences share a word at a given position with probability
 * 2^-32, so even one match among 64 would point at a layout bug.
 */
static void streams_differ_in_every_part(void **state)
{
	gsl_rng *r = new_rng();
	uint32_t base[64], x[64];

	set_stream(r, 42, 9, "rag", TC_RNG_COUNT, 3);
	draw(r, base, 64);
	set_stream(r, 43, 9, "rag", TC_RNG_COUNT, 3);
	draw(r, x, 64);
	assert_int_equal(matches(base, x), 0);
	set_stream(r, 42, 10, "rag", TC_RNG_COUNT, 3);
	draw(r, x, 64);
	assert_int_equal(matches(base, x), 0);
	set_stream(r, 42, 9, "rag2", TC_RNG_COUNT, 3);
	draw(r, x, 64);
	assert_int_equal(matches(base, x), 0);
	set_stream(r, 42, 9, "rag", TC_RNG_NOISE, 3);
	draw(r, x, 64);
	assert_int_equal(matches(base, x), 0);
	set_stream(r, 42, 9, "rag", TC_RNG_COUNT, 4);
	draw(r, x, 64);
	assert_int_equal(matches(base, x), 0);
	gsl_rng_free(r);
}

/*
 * Trials drawn in either order, and with other streams drawn in between,
 * give identical numbers: nothing carries over from one stream to the
 * next.
 */
static void trial_order_does_not_matter(void **state)
{
	gsl_rng *r = new_rng();
	uint32_t t3a[32], t7a[32], t3b[32], t7b[32], junk[7];

	set_stream(r, 5, 3, "chat", TC_RNG_PARAMETER, 0);
	draw(r, t3a, 32);
	set_stream(r, 5, 7, "chat", TC_RNG_PARAMETER, 0);
	draw(r, t7a, 32);

	set_stream(r, 5, 7, "chat", TC_RNG_PARAMETER, 0);
	draw(r, t7b, 16);
	set_stream(r, 5, 1, "agent", TC_RNG_PARAMETER, 0);
	draw(r, junk, 7);
	set_stream(r, 5, 3, "chat", TC_RNG_PARAMETER, 0);
	draw(r, t3b, 32);
	set_stream(r, 5, 7, "chat", TC_RNG_PARAMETER, 0);
	draw(r, t7b, 32);

	assert_memory_equal(t3a, t3b, sizeof t3a);
	assert_memory_equal(t7a, t7b, sizeof t7a);
	gsl_rng_free(r);
}

enum { TRIALS = 64, PER_TRIAL = 40 };

/* What one thread draws: trials first..last stepping by step. */
struct trial_job {
	int first, step;
	double (*out)[PER_TRIAL];
};

/* Draws each trial's 40 uniforms from its own "chat" stream. */
static void *run_trials(void *arg)
{
	struct trial_job *job = arg;
	gsl_rng *r = gsl_rng_alloc(tc_rng_philox);
	int t, i;

	if (!r)
		return NULL;
	for (t = job->first; t >= 0 && t < TRIALS; t += job->step) {
		tc_rng_stream s = {9, (uint64_t)t, tc_rng_id("chat"),
				   TC_RNG_NOISE, 0};

		tc_rng_set_stream(r, &s);
		for (i = 0; i < PER_TRIAL; i++)
			job->out[t][i] = gsl_rng_uniform(r);
	}
	gsl_rng_free(r);
	return job;
}

/*
 * The same trials drawn by one thread in order and by two threads, one
 * taking the even trials upward and one the odd trials downward, give
 * bit-identical numbers.
 */
static void threads_draw_the_same_trials(void **state)
{
	static double one[TRIALS][PER_TRIAL], two[TRIALS][PER_TRIAL];
	struct trial_job serial = {0, 1, one};
	struct trial_job even = {0, 2, two}, odd = {TRIALS - 1, -2, two};
	pthread_t a, b;
	void *ra, *rb;

	assert_non_null(run_trials(&serial));
	assert_int_equal(pthread_create(&a, NULL, run_trials, &even), 0);
	assert_int_equal(pthread_create(&b, NULL, run_trials, &odd), 0);
	assert_int_equal(pthread_join(a, &ra), 0);
	assert_int_equal(pthread_join(b, &rb), 0);
	assert_true(ra == &even && rb == &odd);
	assert_memory_equal(one, two, sizeof one);
}

/* Moving to a substream equals naming it in the stream. */
static void substream_move_equals_full_set(void **state)
{
	gsl_rng *r = new_rng();
	uint32_t x[16], y[16];

	set_stream(r, 8, 2, "summarise", TC_RNG_REQUEST, 17);
	draw(r, x, 16);
	set_stream(r, 8, 2, "summarise", TC_RNG_REQUEST, 0);
	draw(r, y, 3);
	tc_rng_set_substream(r, 17);
	draw(r, y, 16);
	assert_memory_equal(x, y, sizeof x);
	gsl_rng_free(r);
}

/* gsl_rng_set(r, s) is the stream {seed s, everything else 0}. */
static void gsl_seed_is_stream_seed(void **state)
{
	gsl_rng *r = new_rng();
	tc_rng_stream s = {1234, 0, 0, 0, 0};
	uint32_t x[16], y[16];

	gsl_rng_set(r, 1234);
	draw(r, x, 16);
	assert_int_equal(tc_rng_set_stream(r, &s), TC_OK);
	draw(r, y, 16);
	assert_memory_equal(x, y, sizeof x);
	gsl_rng_free(r);
}

static void set_stream_rejects_bad_arguments(void **state)
{
	gsl_rng *r = new_rng(), *mt = gsl_rng_alloc(gsl_rng_mt19937);
	tc_rng_stream s = {1, 2, 3, TC_RNG_PURPOSE_MAX + 1, 0};
	uint32_t x[4], y[4];

	set_stream(r, 1, 2, "x", 0, 0);
	draw(r, x, 4);
	set_stream(r, 1, 2, "x", 0, 0);
	assert_int_equal(tc_rng_set_stream(r, &s), TC_ERR_ARG);
	draw(r, y, 4);
	assert_memory_equal(x, y, sizeof x);

	s.purpose = 0;
	assert_int_equal(tc_rng_set_stream(mt, &s), TC_ERR_ARG);
	assert_int_equal(tc_rng_set_stream(NULL, &s), TC_ERR_ARG);
	assert_int_equal(tc_rng_set_stream(r, NULL), TC_ERR_ARG);
	gsl_rng_free(mt);
	gsl_rng_free(r);
}

/* u64 is two words, high first; uniform is its top 53 bits. */
static void u64_and_uniform_agree_with_words(void **state)
{
	gsl_rng *r = new_rng();
	uint32_t w[4];
	uint64_t u;
	double d;

	set_stream(r, 77, 0, "kpi", TC_RNG_NOISE, 0);
	draw(r, w, 4);
	set_stream(r, 77, 0, "kpi", TC_RNG_NOISE, 0);
	u = tc_rng_u64(r);
	d = tc_rng_uniform(r);
	assert_true(u == ((uint64_t)w[0] << 32 | w[1]));
	assert_true(d == (double)(((uint64_t)w[2] << 32 | w[3]) >> 11) *
				 0x1p-53);
	gsl_rng_free(r);
}

/*
 * One million doubles: all in [0, 1), mean within 4 sigma of 1/2, a
 * chi-square test on 1000 equal bins (p above 0.001 by GSL's chi-square
 * tail), and the 53rd bit set about half the time (it would never be
 * with 32-bit doubles).
 */
static void uniform_doubles_are_uniform(void **state)
{
	enum { N = 1000000, BINS = 1000 };
	static long bins[BINS];
	gsl_rng *r = new_rng();
	double sum = 0, chi2 = 0, expect = (double)N / BINS;
	long odd = 0;
	int i;

	memset(bins, 0, sizeof bins);
	set_stream(r, 2027, 0, "uniform", TC_RNG_PARAMETER, 0);
	for (i = 0; i < N; i++) {
		double u = gsl_rng_uniform(r);

		assert_true(u >= 0.0 && u < 1.0);
		sum += u;
		bins[(int)(u * BINS)]++;
		odd += (uint64_t)(u * 0x1p53) & 1;
	}
	for (i = 0; i < BINS; i++)
		chi2 += (bins[i] - expect) * (bins[i] - expect) / expect;
	assert_true(fabs(sum / N - 0.5) < 4 * sqrt(1.0 / 12 / N));
	assert_true(gsl_cdf_chisq_Q(chi2, BINS - 1) > 0.001);
	assert_true(fabs(odd - N / 2.0) < 4 * sqrt(N / 4.0));
	gsl_rng_free(r);
}

static void uniform_pos_is_open(void **state)
{
	gsl_rng *r = new_rng();
	int i;

	set_stream(r, 3, 0, "pos", TC_RNG_PARAMETER, 0);
	for (i = 0; i < 100000; i++) {
		double u = tc_rng_uniform_pos(r);

		assert_true(u > 0.0 && u < 1.0);
	}
	gsl_rng_free(r);
}

/*
 * GSL's samplers run on the wrapper: 200,000 gsl_ran_gaussian(sd 2)
 * draws have mean 0 and variance 4 within 4 standard errors (the sample
 * variance's standard error is sqrt(2 sd^4 / n) for a normal).
 */
static void gsl_gaussian_runs_on_wrapper(void **state)
{
	enum { N = 200000 };
	gsl_rng *r = new_rng();
	double s1 = 0, s2 = 0, mean, var;
	int i;

	set_stream(r, 11, 0, "gauss", TC_RNG_PARAMETER, 0);
	for (i = 0; i < N; i++) {
		double x = gsl_ran_gaussian(r, 2.0);

		s1 += x;
		s2 += x * x;
	}
	mean = s1 / N;
	var = (s2 - N * mean * mean) / (N - 1);
	assert_true(fabs(mean) < 4 * sqrt(4.0 / N));
	assert_true(fabs(var - 4.0) < 4 * sqrt(2.0 * 16.0 / N));
	assert_string_equal(gsl_rng_name(r), "tc_philox4x32_10");
	gsl_rng_free(r);
}

/*
 * The engine's batch of streams' first blocks (four lanes at a time
 * where AVX2 runs, one at a time for the rest) equals the block
 * function on each stream's counter: keys and trials with high bits
 * set, every count of streams up to 37 (so every remainder of four),
 * one and two blocks a stream. And a stream positioned with them draws
 * what the same stream positioned afresh draws.
 */
/* One batch of n streams of nb blocks against the block function. */
static void check_fill(uint64_t key, uint64_t trial, uint32_t sub0,
		       size_t n, unsigned nb)
{
	uint32_t out[37 * 2 * 4], want[4];
	uint32_t k[2] = {(uint32_t)key, (uint32_t)(key >> 32)};
	size_t i;
	unsigned bl;
	int w;

	tci_philox_fill(key, trial, sub0, n, nb, out);
	for (i = 0; i < n; i++)
		for (bl = 0; bl < nb; bl++) {
			uint32_t c[4] = {bl, sub0 + (uint32_t)i,
					 (uint32_t)trial,
					 (uint32_t)(trial >> 32)};

			tc_philox4x32_10(c, k, want);
			for (w = 0; w < 4; w++)
				assert_int_equal(out[4 * (i * nb + bl) +
						     (size_t)w], want[w]);
		}
}

static void fill_matches_blocks(void **state)
{
	static const uint64_t keys[] = {0, 0x9e3779b97f4a7c15ull,
					0xffffffffffffffffull};
	static const uint64_t trials[] = {0, 77, 0x1234567890abcdefull};
	uint32_t out[8];
	gsl_rng *a = new_rng(), *b = new_rng();
	size_t ki, ti, n, i;
	unsigned nb;

	for (ki = 0; ki < 3; ki++)
		for (ti = 0; ti < 3; ti++)
			for (n = 1; n <= 37; n++)
				for (nb = 1; nb <= 2; nb++)
					check_fill(keys[ki], trials[ti],
						   (uint32_t)(ki * 7 + ti *
							      0x80000000u),
						   n, nb);

	/* Positioned with its blocks, a stream draws as from scratch. */
	tci_philox_fill(keys[1], 5, 3, 1, 2, out);
	tci_rng_position_with(a, keys[1], 5, 3, out, 2);
	tci_rng_position(b, keys[1], 5, 3);
	for (i = 0; i < 40; i++)
		assert_true(tc_rng_u64(a) == tc_rng_u64(b));
	gsl_rng_free(a);
	gsl_rng_free(b);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(kat_philox_zeros),
	cmocka_unit_test(fill_matches_blocks),
	cmocka_unit_test(kat_philox_ones),
	cmocka_unit_test(kat_philox_pi),
	cmocka_unit_test(element_id_is_fnv1a),
	cmocka_unit_test(element_id_join_matches_reference),
	cmocka_unit_test(stream_layout_matches_reference),
	cmocka_unit_test(same_stream_same_sequence),
	cmocka_unit_test(streams_differ_in_every_part),
	cmocka_unit_test(trial_order_does_not_matter),
	cmocka_unit_test(threads_draw_the_same_trials),
	cmocka_unit_test(substream_move_equals_full_set),
	cmocka_unit_test(gsl_seed_is_stream_seed),
	cmocka_unit_test(set_stream_rejects_bad_arguments),
	cmocka_unit_test(u64_and_uniform_agree_with_words),
	cmocka_unit_test(uniform_doubles_are_uniform),
	cmocka_unit_test(uniform_pos_is_open),
	cmocka_unit_test(gsl_gaussian_runs_on_wrapper),
};

TC_TEST_MAIN(tests)
