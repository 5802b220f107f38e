/*
 * sample.c - normal, lognormal, gamma, Poisson and negative binomial
 * samplers for the inner loop.
 *
 * References for the methods (implemented from the papers' descriptions):
 * - Marsaglia and Tsang, "The ziggurat method for generating random
 *   variables", JSS 5(8), 2000; with Doornik's remedy ("An improved
 *   ziggurat method", 2005) of taking the layer index from bits that the
 *   uniform does not use.
 * - Marsaglia and Tsang, "A simple method for generating gamma
 *   variables", ACM TOMS 26(3), 2000.
 * - Hormann, "The transformed rejection method for generating Poisson
 *   random variables", Insurance: Mathematics and Economics 12, 1993
 *   (the PTRS algorithm).
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>

#include "tokcast/rng.h"
#include "philox.h"
#include "sample.h"

/*
 * The 256-layer ziggurat for exp(-x^2 / 2): ZIG_R is where the tail
 * starts and ZIG_V the area of each layer, solved so that the top layer
 * closes at x = 0 (recomputed in docs/random-numbers.md with SciPy).
 */
#define ZIG_LAYERS 256
#define ZIG_R 3.6541528853610088
#define ZIG_V 0.00492867323397465

/* Below this mean Poisson draws invert the cdf; above, PTRS. */
#define POISSON_INVERSION_MAX 10.0
/*
 * From this mean on a Poisson draw is a rounded normal with a
 * Cornish-Fisher skewness term, floor(m + sqrt(m) Z + (Z^2 - 1) / 6 +
 * 0.5): its Kolmogorov-Smirnov distance from the exact law is 0.0116 / m
 * (SciPy; 1.2e-6 here, docs/random-numbers.md), beyond what 10^11 draws
 * could detect, at a seventh of PTRS's cost.
 */
#define POISSON_NORMAL_MIN 1e4

double tci_zig_x[ZIG_LAYERS + 1];	/* right edge of each layer */
double tci_zig_ratio[ZIG_LAYERS];	/* tci_zig_x[i + 1] / tci_zig_x[i] */
static double zig_f[ZIG_LAYERS + 1];	/* exp(-zig_x^2 / 2) */
static pthread_once_t zig_once = PTHREAD_ONCE_INIT;
/* Set once the table is built: the draws' fast path reads only this. */
static atomic_int zig_ready;

/*
 * Builds the layer table: layer 0 is the base strip plus the tail, given
 * the width ZIG_V / f(ZIG_R) of a rectangle of the same area; each next
 * edge is where the curve has risen by one layer's area over the
 * previous width.
 */
static void zig_init(void)
{
	int i;

	tci_zig_x[0] = ZIG_V / exp(-0.5 * ZIG_R * ZIG_R);
	tci_zig_x[1] = ZIG_R;
	for (i = 1; i < ZIG_LAYERS - 1; i++) {
		double x = tci_zig_x[i];
		double y = exp(-0.5 * x * x) + ZIG_V / x;

		tci_zig_x[i + 1] = sqrt(-2.0 * log(y));
	}
	tci_zig_x[ZIG_LAYERS] = 0.0;
	for (i = 0; i <= ZIG_LAYERS; i++)
		zig_f[i] = exp(-0.5 * tci_zig_x[i] * tci_zig_x[i]);
	for (i = 0; i < ZIG_LAYERS; i++)
		tci_zig_ratio[i] = tci_zig_x[i + 1] / tci_zig_x[i];
	atomic_store_explicit(&zig_ready, 1, memory_order_release);
}

/* Marsaglia's tail method: a draw beyond ZIG_R, on the side of u. */
static double zig_tail(gsl_rng *r, double u)
{
	double a, b;

	do {
		a = -log(tci_rng_uniform_pos(r)) / ZIG_R;
		b = -log(tci_rng_uniform_pos(r));
	} while (b + b < a * a);
	return u < 0 ? -(ZIG_R + a) : ZIG_R + a;
}

/*
 * Each try takes one 64-bit word: the low 8 bits pick the layer, the top
 * 53 bits a signed position across it. Most tries land inside the
 * layer's inner rectangle and return at once; the rest test the wedge
 * against the curve or go to the tail.
 */
void tci_normal_init(void)
{
	if (!atomic_load_explicit(&zig_ready, memory_order_acquire))
		pthread_once(&zig_once, zig_init);
}

double tci_ran_normal(gsl_rng *r)
{
	tci_normal_init();
	for (;;) {
		uint64_t w = tci_rng_u64(r);
		unsigned i = (unsigned)(w & 0xff);
		double u = (double)(w >> 11) * 0x1p-52 - 1.0;
		double x = u * tci_zig_x[i];
		double y;

		if (fabs(u) < tci_zig_ratio[i])
			return x;
		if (i == 0)
			return zig_tail(r, u);
		y = zig_f[i] + tci_rng_uniform(r) * (zig_f[i + 1] - zig_f[i]);
		if (y < exp(-0.5 * x * x))
			return x;
	}
}

double tci_ran_lognormal(gsl_rng *r, double mu, double sigma)
{
	if (!(sigma >= 0) || !isfinite(mu) || !isfinite(sigma))
		return NAN;
	return exp(mu + sigma * tci_ran_normal(r));
}

/*
 * Marsaglia-Tsang's test of the candidate d v (v = (1 + c x)^3 > 0)
 * with the uniform u: the candidate when accepted, else -1.
 */
static inline double gamma_mt_test(double d, double v, double x, double u)
{
	/* The squeeze accepts most draws without a logarithm. */
	if (u < 1.0 - 0.0331 * (x * x) * (x * x))
		return d * v;
	if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
		return d * v;
	return -1;
}

/*
 * One Marsaglia-Tsang try from the normal x: the candidate d (1 + c x)^3
 * when accepted, else -1. With d = shape - 1/3 and c = 1 / sqrt(9 d).
 */
static inline double gamma_mt_try(gsl_rng *r, double d, double c, double x)
{
	double v = 1.0 + c * x;

	if (v <= 0)
		return -1;
	v = v * v * v;
	return gamma_mt_test(d, v, x, tci_rng_uniform_pos(r));
}

/*
 * A unit-scale gamma for shape >= 1, first trying x: the Wilson-Hilferty
 * cube from TCI_GAMMA_WH_SHAPE on, Marsaglia-Tsang below.
 */
static double gamma_mt_from(gsl_rng *r, double shape, double x)
{
	double d, c, g;

	if (shape >= TCI_GAMMA_WH_SHAPE)
		return tci_gamma_wh(shape, x);
	d = shape - 1.0 / 3.0;
	c = 1.0 / sqrt(9.0 * d);
	while ((g = gamma_mt_try(r, d, c, x)) < 0)
		x = tci_ran_normal(r);
	return g;
}

static double gamma_mt(gsl_rng *r, double shape)
{
	return gamma_mt_from(r, shape, tci_ran_normal(r));
}

double tci_ran_gamma_score(gsl_rng *r, double shape, double z)
{
	if (!(shape >= 1) || !isfinite(shape) || !isfinite(z))
		return NAN;
	return gamma_mt_from(r, shape, z);
}

double tci_ran_gamma(gsl_rng *r, double shape, double scale)
{
	double u;

	if (!(shape > 0) || !(scale > 0) || !isfinite(shape) ||
	    !isfinite(scale))
		return NAN;
	if (shape >= 1)
		return scale * gamma_mt(r, shape);
	u = tci_rng_uniform_pos(r);
	return scale * gamma_mt(r, shape + 1.0) * pow(u, 1.0 / shape);
}

/*
 * log(k!) for a whole k >= 0: a product below 10, else Stirling's series
 * for log Gamma(k + 1) to the k^-7 term, accurate to about 1e-15 there.
 */
static double log_factorial(double k)
{
	double n = k + 1.0, n2;
	double p = 1.0;

	if (k < 10) {
		for (; k > 1; k--)
			p *= k;
		return log(p);
	}
	n2 = n * n;
	return (n - 0.5) * log(n) - n + 0.91893853320467274178 +
	       (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - 1.0 / (1680 * n2)) /
						n2) / n2) / n;
}

/* Sequential search of the cdf from 0, for small means. */
static double poisson_inversion(gsl_rng *r, double mean)
{
	double u = tci_rng_uniform(r);
	double p = exp(-mean);
	double k = 0;

	/* The bound only guards against u being beyond the rounded cdf. */
	while (u > p && k < 200) {
		u -= p;
		k++;
		p *= mean / k;
	}
	return k;
}

/* PTRS's hat for a mean: b, a and the quick test's bound vr. */
typedef struct ptrs_hat {
	double b, a, vr;
} ptrs_hat;

static inline ptrs_hat ptrs_hat_of(double mean)
{
	ptrs_hat h;

	h.b = 0.931 + 2.53 * sqrt(mean);
	h.a = -0.059 + 0.02483 * h.b;
	h.vr = 0.9277 - 3.6224 / (h.b - 2.0);
	return h;
}

/*
 * One PTRS candidate from u in (-0.5, 0.5) and v in (0, 1): the count in
 * *k and us = 0.5 - |u|; 1 when the quick test accepts it outright.
 */
static inline int ptrs_quick(const ptrs_hat *h, double mean, double u,
			     double v, double *k, double *us)
{
	*us = 0.5 - fabs(u);
	*k = floor((2.0 * h->a / *us + h->b) * u + mean + 0.43);
	return *us >= 0.07 && v <= h->vr;
}

/*
 * PTRS: a draw from a transformed-uniform hat, accepted outright in the
 * central region (the quick test on us and v), else compared with the
 * exact log pmf.
 */
static double poisson_ptrs(gsl_rng *r, double mean)
{
	/* log(mean) and 1 / alpha are for the rare slow test: taken then. */
	double loglam = NAN, inv_alpha = NAN;
	ptrs_hat h = ptrs_hat_of(mean);

	for (;;) {
		double u = tci_rng_uniform_pos(r) - 0.5;
		double v = tci_rng_uniform_pos(r);
		double us, k, lhs, rhs;

		if (ptrs_quick(&h, mean, u, v, &k, &us))
			return k;
		if (k < 0 || (us < 0.013 && v > us))
			continue;
		if (isnan(loglam)) {
			loglam = log(mean);
			inv_alpha = 1.1239 + 1.1328 / (h.b - 3.4);
		}
		lhs = log(v * inv_alpha / (h.a / (us * us) + h.b));
		rhs = -mean + k * loglam - log_factorial(k);
		if (lhs <= rhs)
			return k;
	}
}

/*
 * The rounded normal with a Cornish-Fisher skewness term that stands
 * for a Poisson from POISSON_NORMAL_MIN, at the normal z.
 */
static inline double poisson_normal_at(double mean, double z)
{
	double k = floor(mean + sqrt(mean) * z + (z * z - 1) / 6 + 0.5);

	return k < 0 ? 0 : k;
}

double tci_ran_poisson(gsl_rng *r, double mean)
{
	if (!(mean >= 0) || !isfinite(mean))
		return NAN;
	if (mean == 0)
		return 0;
	if (mean < POISSON_INVERSION_MAX)
		return poisson_inversion(r, mean);
	if (mean < POISSON_NORMAL_MIN)
		return poisson_ptrs(r, mean);
	return poisson_normal_at(mean, tci_ran_normal(r));
}

double tci_ran_negbin(gsl_rng *r, double mean, double size)
{
	if (!(mean >= 0) || !isfinite(mean) || !(size > 0))
		return NAN;
	if (mean == 0)
		return 0;
	if (isinf(size))
		return tci_ran_poisson(r, mean);

	/* A gamma and a Poisson take four words or more: two blocks. */
	tci_rng_reserve(r, 8);
	return tci_ran_poisson(r, tci_ran_gamma(r, size, mean / size));
}

void tci_negbin_size_init(tci_negbin_size *s, double size)
{
	s->size = size;
	s->prepared = size >= 1 && size < TCI_GAMMA_WH_SHAPE;
	s->d = size - 1.0 / 3.0;
	s->c = 1.0 / sqrt(9.0 * s->d);
}

/* A uniform in (0, 1) from a word, as tci_rng_uniform_pos takes it. */
static inline double uniform_pos_of(uint64_t w)
{
	return ((double)(w >> 12) + 0.5) * 0x1p-52;
}

int tci_negbin_first(const uint32_t b[8], double mean,
		     const tci_negbin_size *s, double *out)
{
	double z, v, lam, k, us;
	ptrs_hat h;

	if (!s->prepared || !(mean > 0) || !isfinite(mean) ||
	    !tci_normal_first(tci_block_word(b, 0), &z))
		return 0;

	/* gamma_mt_try on the next word. */
	v = 1.0 + s->c * z;
	if (v <= 0)
		return 0;
	v = v * v * v;
	if (gamma_mt_test(s->d, v, z, uniform_pos_of(tci_block_word(b, 1))) < 0)
		return 0;
	lam = mean / s->size * (s->d * v);

	/* tci_ran_poisson's two fast cases, on the words after. */
	if (lam >= POISSON_NORMAL_MIN) {
		if (!tci_normal_first(tci_block_word(b, 2), &z))
			return 0;
		*out = poisson_normal_at(lam, z);
		return 1;
	}
	if (lam < POISSON_INVERSION_MAX)
		return 0;
	h = ptrs_hat_of(lam);
	if (!ptrs_quick(&h, lam, uniform_pos_of(tci_block_word(b, 2)) - 0.5,
			uniform_pos_of(tci_block_word(b, 3)), &k, &us))
		return 0;
	*out = k;
	return 1;
}

double tci_ran_negbin_sized(gsl_rng *r, double mean,
			    const tci_negbin_size *s)
{
	double x, g;

	if (!s->prepared || !(mean > 0) || !isfinite(mean))
		return tci_ran_negbin(r, mean, s->size);

	/* As tci_ran_negbin: gamma(size, mean / size), then a Poisson. */
	tci_rng_reserve(r, 8);
	x = tci_ran_normal(r);
	while ((g = gamma_mt_try(r, s->d, s->c, x)) < 0)
		x = tci_ran_normal(r);
	return tci_ran_poisson(r, mean / s->size * g);
}
