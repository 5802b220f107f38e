/*
 * sample.h - fast samplers for the engine's inner loop (internal).
 *
 * GSL's samplers are correct but some are slow where the engine needs
 * them most (its negative binomial at large means costs hundreds of
 * nanoseconds a draw). These take any gsl_rng and are fastest on
 * tc_rng_philox. Each is tested against its exact distribution in
 * tests/test_sample.c and timed against GSL by bench/samplers.sh.
 *
 * Invalid parameters (negative or non-finite means, shapes or scales)
 * give NAN: the engine checks parameters before the inner loop, and a NAN
 * that slips through shows up in the output instead of a silent 0.
 * Counts are returned as doubles holding whole numbers, so means beyond
 * 2^32 need no other type.
 */
#ifndef TOKCAST_ENGINE_SAMPLE_H
#define TOKCAST_ENGINE_SAMPLE_H

#include <math.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "tokcast/status.h"

/* A standard normal draw (a 256-layer ziggurat, one 64-bit word each). */
double tci_ran_normal(gsl_rng *r);

/* The ziggurat's layers (sample.c), built by tci_normal_init. */
extern double tci_zig_x[257];
extern double tci_zig_ratio[256];

/* Builds the ziggurat's layers once; tci_ran_normal calls it too. */
void tci_normal_init(void);

/*
 * tci_ran_normal's first try on the 64-bit word w, for loops that hold
 * their words already (tci_philox_fill): 1 with the normal in *x when
 * the try lands inside its layer's rectangle (99% of words), which is
 * the value tci_ran_normal returns from a stream whose next word is w;
 * else 0, and the caller draws from the stream. tci_normal_init first.
 */
static inline int tci_normal_first(uint64_t w, double *x)
{
	unsigned i = (unsigned)(w & 0xff);
	double u = (double)(w >> 11) * 0x1p-52 - 1.0;

	*x = u * tci_zig_x[i];
	return fabs(u) < tci_zig_ratio[i];
}

/* exp(mu + sigma Z) for a standard normal Z; sigma >= 0. */
double tci_ran_lognormal(gsl_rng *r, double mu, double sigma);

/*
 * From this shape on a gamma draw is the Wilson-Hilferty cube of one
 * normal, k (1 - c + Z sqrt(c))^3 with c = 1 / (9 k): one normal and no
 * rejection, where Marsaglia-Tsang takes a normal and a uniform. Its
 * distance from the exact gamma falls as 0.0052 / k: Kolmogorov-Smirnov
 * 1.1e-5 at k = 500 (SciPy, docs/random-numbers.md), below what a test
 * of 10^9 draws could see; the sums the engine draws at such shapes
 * approximate their exact law less closely than that already.
 */
#define TCI_GAMMA_WH_SHAPE 500.0

/*
 * A gamma draw with the given shape and scale (mean shape x scale), by
 * Marsaglia and Tsang's method; shapes below 1 use the boosting identity
 * G(a) = G(a + 1) U^(1/a), shapes from TCI_GAMMA_WH_SHAPE on the
 * Wilson-Hilferty cube.
 */
double tci_ran_gamma(gsl_rng *r, double shape, double scale);

/*
 * A unit-scale gamma draw (shape >= 1) whose first Marsaglia-Tsang try
 * takes the standard normal z given, so the draw rises with z whenever
 * that try is accepted (all but 5% of tries at shape 1, 0.3% at 10,
 * 0.03% at 100); a rejected try is redrawn from r. For any z that is
 * itself a standard normal independent of r, the draw is exactly gamma:
 * this is how tci_sum_pair_draw keeps exact marginals in a copula. From
 * TCI_GAMMA_WH_SHAPE on it is the Wilson-Hilferty cube of z, which
 * always rises with z and draws nothing from r.
 */
double tci_ran_gamma_score(gsl_rng *r, double shape, double z);

/*
 * A Poisson draw with the given mean: inversion below mean 10, Hormann's
 * transformed rejection (PTRS) from 10 to 1e4, and from 1e4 a rounded
 * normal with a Cornish-Fisher skewness term, whose distance from the
 * exact law (Kolmogorov-Smirnov 0.0116 / mean, at most 1.2e-6) is below
 * what any test could see (sample.c).
 */
double tci_ran_poisson(gsl_rng *r, double mean);

/*
 * A negative binomial count with mean m and size (dispersion) k, variance
 * m + m^2 / k: a Poisson draw whose mean is a gamma(k, m / k) draw. An
 * infinite size is the Poisson limit.
 */
double tci_ran_negbin(gsl_rng *r, double mean, double size);

/*
 * A negative binomial size prepared for many draws: its gamma's
 * Marsaglia-Tsang constants d = size - 1/3 and c = 1 / sqrt(9 d), which
 * tci_ran_negbin would otherwise compute at every draw.
 */
typedef struct tci_negbin_size {
	double size, d, c;
	int prepared;	/* 0: a size tci_ran_negbin_sized hands on whole */
} tci_negbin_size;

void tci_negbin_size_init(tci_negbin_size *s, double size);

/* tci_ran_negbin(r, mean, s->size), the same draws, a little faster. */
double tci_ran_negbin_sized(gsl_rng *r, double mean,
			    const tci_negbin_size *s);

/*
 * tci_ran_negbin_sized from a stream whose first two blocks are b (8
 * words, as tci_philox_fill gives them), when every step takes its
 * first try: 1 with the count in *out, the value the stream would give;
 * else 0 (a rejection, a Poisson mean below 10, a size not prepared),
 * and the caller draws from the stream. tci_normal_init first.
 */
int tci_negbin_first(const uint32_t b[8], double mean,
		     const tci_negbin_size *s, double *out);

/*
 * The law of a sum of n i.i.d. per-request quantities, approximated by
 * a shifted gamma with the sum's exact mean n mu, variance n var and
 * third cumulant n k3 (aggregate.c). A negative k3 mirrors the gamma;
 * a skewness below 1e-6 in size (a gamma shape above 4e12) is a normal;
 * a zero variance is the constant n mu.
 */
typedef enum tci_sum_kind {
	TCI_SUM_CONSTANT,
	TCI_SUM_NORMAL,
	TCI_SUM_GAMMA,		/* shift + G */
	TCI_SUM_GAMMA_MIRROR	/* shift - G */
} tci_sum_kind;

typedef struct tci_sum_law {
	tci_sum_kind kind;
	double mean;	/* n mu */
	double sd;	/* sqrt(n var) */
	double shape;	/* of G, when a gamma */
	double scale;
	double shift;
	/* From TCI_GAMMA_WH_SHAPE: the cube's c = 1 / (9 shape), sqrt(c). */
	double wh_c, wh_root;
} tci_sum_law;

/*
 * Fills law for the sum of n requests whose quantity has mean mu,
 * variance var and third central moment k3. Returns TC_OK, or TC_ERR_ARG
 * when a number is not finite, var or n is negative (law is then
 * unchanged).
 */
tc_status tci_sum_law_init(tci_sum_law *law, double mu, double var,
			   double k3, double n);

/*
 * The Wilson-Hilferty cube of the normal score z for a unit-scale gamma
 * of shape k (from TCI_GAMMA_WH_SHAPE): k (1 - c + z sqrt(c))^3 with c =
 * 1 / (9 k); 0 when the base falls below 0 (z below -67 at the least
 * shape that takes this path).
 */
static inline double tci_gamma_wh_at(double shape, double c, double root,
				     double z)
{
	double t = 1.0 - c + z * root;

	return t > 0 ? shape * t * t * t : 0;
}

static inline double tci_gamma_wh(double shape, double z)
{
	double c = 1.0 / (9.0 * shape);

	return tci_gamma_wh_at(shape, c, sqrt(c), z);
}

/* A law's gamma of a large shape at the normal score z. */
static inline double tci_sum_law_wh(const tci_sum_law *law, double z)
{
	return law->scale * tci_gamma_wh_at(law->shape, law->wh_c,
					     law->wh_root, z);
}

/* tci_sum_law_draw of the laws it does not draw inline. */
double tci_sum_law_draw_any(gsl_rng *r, const tci_sum_law *law);

/*
 * One draw of the sum (one gamma or normal draw); the gammas of the
 * largest shapes, the engine's commonest, inline.
 */
static inline double tci_sum_law_draw(gsl_rng *r, const tci_sum_law *law)
{
	if (law->kind == TCI_SUM_GAMMA && law->shape >= TCI_GAMMA_WH_SHAPE)
		return law->shift + tci_sum_law_wh(law, tci_ran_normal(r));
	if (law->kind == TCI_SUM_GAMMA_MIRROR &&
	    law->shape >= TCI_GAMMA_WH_SHAPE)
		return law->shift - tci_sum_law_wh(law, tci_ran_normal(r));
	return tci_sum_law_draw_any(r, law);
}

/*
 * The law's quantile at the standard normal score z (the quantile at
 * probability Phi(z)), from GSL's inverse gamma cdf on the side of z
 * that keeps precision in the far tail. Exact but a few microseconds.
 */
double tci_sum_law_at_score(const tci_sum_law *law, double z);

/*
 * A draw of law that rises with the score z: fast through the gamma
 * sampler seeded with z, exact-quantile for shapes below 1. Inline: it
 * runs once a sum in the Monte Carlo loops of aggregate.c and requests.c.
 */
static inline double tci_sum_law_draw_at(gsl_rng *r,
					 const tci_sum_law *law, double z)
{
	if (law->kind == TCI_SUM_GAMMA && law->shape >= TCI_GAMMA_WH_SHAPE)
		return law->shift + tci_sum_law_wh(law, z);
	if (law->kind == TCI_SUM_GAMMA_MIRROR &&
	    law->shape >= TCI_GAMMA_WH_SHAPE)
		return law->shift - tci_sum_law_wh(law, -z);
	if (law->kind == TCI_SUM_GAMMA && law->shape >= 1)
		return law->shift +
		       law->scale * tci_ran_gamma_score(r, law->shape, z);
	if (law->kind == TCI_SUM_GAMMA_MIRROR && law->shape >= 1)
		return law->shift -
		       law->scale * tci_ran_gamma_score(r, law->shape, -z);
	return tci_sum_law_at_score(law, z);
}

/*
 * Draws a pair of sums with marginals a and b joined by a Gaussian
 * copula with Spearman rank correlation rank_corr: normal scores with
 * correlation 2 sin(pi rank_corr / 6), each turned into its sum by
 * tci_ran_gamma_score (gamma shapes >= 1: exact marginal, the copula
 * kept up to the rejection rate given there) or by the exact quantile
 * tci_sum_law_at_score (shapes below 1, slow). Fills out[0] (a) and
 * out[1] (b). rank_corr outside [-1, 1] is clamped.
 */
void tci_sum_pair_draw(gsl_rng *r, const tci_sum_law *a,
		       const tci_sum_law *b, double rank_corr, double out[2]);

#endif
