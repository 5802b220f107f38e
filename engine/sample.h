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

#include <gsl/gsl_rng.h>

/* A standard normal draw (a 256-layer ziggurat, one 64-bit word each). */
double tci_ran_normal(gsl_rng *r);

/* exp(mu + sigma Z) for a standard normal Z; sigma >= 0. */
double tci_ran_lognormal(gsl_rng *r, double mu, double sigma);

/*
 * A gamma draw with the given shape and scale (mean shape x scale), by
 * Marsaglia and Tsang's method; shapes below 1 use the boosting identity
 * G(a) = G(a + 1) U^(1/a).
 */
double tci_ran_gamma(gsl_rng *r, double shape, double scale);

/*
 * A Poisson draw with the given mean: inversion below mean 10, Hormann's
 * transformed rejection (PTRS) from 10 to 1e10, and a rounded normal
 * approximation above (whose skewness error, 1e-5, is below what any
 * test of the sum could see).
 */
double tci_ran_poisson(gsl_rng *r, double mean);

/*
 * A negative binomial count with mean m and size (dispersion) k, variance
 * m + m^2 / k: a Poisson draw whose mean is a gamma(k, m / k) draw. An
 * infinite size is the Poisson limit.
 */
double tci_ran_negbin(gsl_rng *r, double mean, double size);

#endif
