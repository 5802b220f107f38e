/*
 * samplers.c - nanoseconds per draw of the engine's samplers against
 * GSL's, on the same generator (tc_rng_philox), at the means the inner
 * loop sees. Run through bench/samplers.sh, which builds it.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>
#include <gsl/gsl_randist.h>

#include "tokcast/rng.h"
#include "sample.h"

enum { DRAWS = 1000000, REPEATS = 3 };

/* One timed case: a name, our sampler and GSL's, both on r. */
typedef struct bench_case {
	const char *name;
	double (*ours)(gsl_rng *r, const double *p);
	double (*gsl)(gsl_rng *r, const double *p);
	double p[2];
} bench_case;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The best of REPEATS runs, in ns per draw; *sink keeps the draws live. */
static double time_ns(gsl_rng *r, double (*f)(gsl_rng *, const double *),
		      const double *p, double *sink)
{
	double best = 1e300;
	int rep, i;

	for (rep = 0; rep < REPEATS; rep++) {
		double t0 = now(), s = 0;

		for (i = 0; i < DRAWS; i++)
			s += f(r, p);
		best = best < now() - t0 ? best : now() - t0;
		*sink += s;
	}
	return best / DRAWS * 1e9;
}

static double our_negbin(gsl_rng *r, const double *p)
{
	return tci_ran_negbin(r, p[0], p[1]);
}

/* GSL's parameters: success probability size / (size + mean), size. */
static double gsl_negbin(gsl_rng *r, const double *p)
{
	return gsl_ran_negative_binomial(r, p[1] / (p[1] + p[0]), p[1]);
}

static double our_poisson(gsl_rng *r, const double *p)
{
	return tci_ran_poisson(r, p[0]);
}

static double gsl_poisson(gsl_rng *r, const double *p)
{
	return gsl_ran_poisson(r, p[0]);
}

static double our_gamma(gsl_rng *r, const double *p)
{
	return tci_ran_gamma(r, p[0], p[1]);
}

static double gsl_gamma(gsl_rng *r, const double *p)
{
	return gsl_ran_gamma(r, p[0], p[1]);
}

static double our_normal(gsl_rng *r, const double *p)
{
	return tci_ran_normal(r);
}

static double gsl_normal(gsl_rng *r, const double *p)
{
	return gsl_ran_gaussian_ziggurat(r, 1.0);
}

static double our_lognormal(gsl_rng *r, const double *p)
{
	return tci_ran_lognormal(r, p[0], p[1]);
}

static double gsl_lognormal(gsl_rng *r, const double *p)
{
	return gsl_ran_lognormal(r, p[0], p[1]);
}

static double our_uniform(gsl_rng *r, const double *p)
{
	return tc_rng_uniform(r);
}

static double gsl_uniform(gsl_rng *r, const double *p)
{
	return gsl_rng_uniform(r);
}

static const bench_case cases[] = {
	{"uniform (philox vs same via gsl_rng_uniform)", our_uniform,
	 gsl_uniform, {0, 0}},
	{"normal (vs gsl_ran_gaussian_ziggurat)", our_normal, gsl_normal,
	 {0, 0}},
	{"lognormal(6.2, 0.9)", our_lognormal, gsl_lognormal, {6.2, 0.9}},
	{"gamma(shape 0.5)", our_gamma, gsl_gamma, {0.5, 1.0}},
	{"gamma(shape 50)", our_gamma, gsl_gamma, {50.0, 1.0}},
	{"poisson(mean 5)", our_poisson, gsl_poisson, {5.0, 0}},
	{"poisson(mean 1000)", our_poisson, gsl_poisson, {1000.0, 0}},
	{"poisson(mean 1e6)", our_poisson, gsl_poisson, {1e6, 0}},
	{"negbin(mean 50, size 2)", our_negbin, gsl_negbin, {50.0, 2.0}},
	{"negbin(mean 5000, size 10)", our_negbin, gsl_negbin,
	 {5000.0, 10.0}},
	{"negbin(mean 1e6, size 20)", our_negbin, gsl_negbin, {1e6, 20.0}},
};

static double our_sum_draw(gsl_rng *r, const double *p)
{
	static tci_sum_law law;

	if (law.kind == TCI_SUM_CONSTANT)
		tci_sum_law_init(&law, 100, 400, 16000, p[0]);
	return tci_sum_law_draw(r, &law);
}

/* The baseline of a sum: p[0] gamma(shape 50) draws added up. */
static double gamma_sum(gsl_rng *r, const double *p)
{
	double s = 0;
	int i;

	for (i = 0; i < (int)p[0]; i++)
		s += gsl_ran_gamma(r, 50, 2);
	return s;
}

static double our_sum_pair(gsl_rng *r, const double *p)
{
	static tci_sum_law a, b;
	double out[2];

	if (a.kind == TCI_SUM_CONSTANT) {
		tci_sum_law_init(&a, 100, 400, 16000, p[0]);
		tci_sum_law_init(&b, 3000, 1e6, 1e8, p[0]);
	}
	tci_sum_pair_draw(r, &a, &b, 0.6, out);
	return out[0] + out[1];
}

/* The baseline of a pair: two draws of GSL's ziggurat normal. */
static double gsl_two_normals(gsl_rng *r, const double *p)
{
	double z = gsl_ran_gaussian_ziggurat(r, 1);

	return z + gsl_ran_gaussian_ziggurat(r, 1);
}

static const bench_case aggregate_cases[] = {
	{"sum of 100 requests (vs 100 GSL gamma draws)", our_sum_draw,
	 gamma_sum, {100, 0}},
	{"copula pair of sums (vs 2 GSL normals)", our_sum_pair,
	 gsl_two_normals, {1e4, 0}},
};

static void run(gsl_rng *r, const bench_case *c, double *sink)
{
	double ours = time_ns(r, c->ours, c->p, sink);
	double gsl = time_ns(r, c->gsl, c->p, sink);

	printf("%-50s %7.1f ns %7.1f ns %7.2fx\n", c->name, ours, gsl,
	       gsl / ours);
}

int main(void)
{
	gsl_rng *r = gsl_rng_alloc(tc_rng_philox);
	double sink = 0;
	size_t i;

	if (!r)
		return 1;
	printf("%-50s %10s %10s %8s\n", "sampler (ns per draw)", "tokcast",
	       "GSL", "speedup");
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run(r, &cases[i], &sink);
	for (i = 0; i < 2; i++)
		run(r, &aggregate_cases[i], &sink);
	fprintf(stderr, "(checksum %g)\n", sink);
	gsl_rng_free(r);
	return 0;
}
