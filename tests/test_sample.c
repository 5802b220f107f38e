/*
 * test_sample.c - the engine's samplers against their exact
 * distributions.
 *
 * Every case uses a fixed stream and checks, for each parameter set:
 * the sample mean within 4 standard errors of the exact mean, the sample
 * variance within 4 standard errors of the exact variance (its standard
 * error sqrt((mu4 - var^2) / n) from the exact fourth central moment),
 * and the whole distribution: a Kolmogorov-Smirnov distance below the
 * 0.1% critical value 1.95 / sqrt(n) against GSL's cdf for continuous
 * laws, a chi-square test (p above 0.001) against GSL's pmf for counts.
 * GSL's cdf and pmf functions are the independent reference.
 */
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "tc_test.h"
#include "tokcast/rng.h"
#include "../engine/philox.h"
#include "../engine/sample.h"

enum { N = 200000 };

static double draws[N];

static gsl_rng *stream(const char *name)
{
	gsl_rng *r = gsl_rng_alloc(tc_rng_philox);
	tc_rng_stream s = {20270101, 0, tc_rng_id(name), TC_RNG_PARAMETER, 0};

	assert_non_null(r);
	assert_int_equal(tc_rng_set_stream(r, &s), TC_OK);
	return r;
}

/* Mean and variance of x[0..n) against the exact values. */
static void check_moments(const double *x, int n, double mean, double var,
			  double mu4)
{
	double s = 0, ss = 0, m, v;
	int i;

	for (i = 0; i < n; i++)
		s += x[i];
	m = s / n;
	for (i = 0; i < n; i++)
		ss += (x[i] - m) * (x[i] - m);
	v = ss / (n - 1);
	assert_true(fabs(m - mean) < 4 * sqrt(var / n));
	assert_true(fabs(v - var) < 4 * sqrt((mu4 - var * var) / n));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The KS distance of x[0..n) (sorted here) from the cdf F. */
static double ks_distance(double *x, int n, double (*cdf)(double, void *),
			  void *arg)
{
	double d = 0;
	int i;

	qsort(x, (size_t)n, sizeof *x, cmp_double);
	for (i = 0; i < n; i++) {
		double f = cdf(x[i], arg);
		double lo = f - (double)i / n, hi = (double)(i + 1) / n - f;

		d = fmax(d, fmax(lo, hi));
	}
	return d;
}

static void check_ks(double *x, int n, double (*cdf)(double, void *),
		     void *arg)
{
	assert_true(ks_distance(x, n, cdf, arg) < 1.95 / sqrt(n));
}

/*
 * Chi-square of whole-number draws x[0..n) against the pmf: cells of
 * consecutive counts are pooled until each expects at least 20 draws,
 * and the two tails beyond the pooled range form one last cell.
 */
static double chi_square_p(const double *x, int n,
			   double (*pmf)(unsigned, void *), void *arg,
			   double mean, double sd)
{
	int lo = (int)fmax(0, floor(mean - 8 * sd)), hi = (int)(mean + 8 * sd);
	int width = hi - lo + 1, i, k, cells = 0;
	long *count = calloc((size_t)width, sizeof *count);
	long inside = 0, got = 0;
	double chi2 = 0, expect = 0, covered = 0;

	assert_non_null(count);
	for (i = 0; i < n; i++) {
		if (x[i] >= lo && x[i] <= hi) {
			count[(int)x[i] - lo]++;
			inside++;
		}
	}
	for (k = lo; k <= hi; k++) {
		double p = pmf((unsigned)k, arg);

		expect += n * p;
		covered += p;
		got += count[k - lo];
		if (expect >= 20 || k == hi) {
			chi2 += (got - expect) * (got - expect) / expect;
			cells++;
			expect = 0;
			got = 0;
		}
	}
	expect = n * (1 - covered);
	if (expect > 1e-9) {
		chi2 += (n - inside - expect) * (n - inside - expect) / expect;
		cells++;
	}
	free(count);
	return gsl_cdf_chisq_Q(chi2, cells - 1);
}

static double normal_cdf(double x, void *arg)
{
	return gsl_cdf_ugaussian_P(x);
}

/*
 * The ziggurat's normal: moments (mu4 = 3), KS, and the share of draws
 * beyond the tail start 3.6541528853610088 in either direction, which
 * only the tail code produces: exactly 2 Q(r), where 1 in 3,870 draws
 * lands; 1,000,000 draws put about 258 there.
 */
static void normal_is_standard_normal(void **state)
{
	gsl_rng *r = stream("normal");
	double q = 2 * gsl_cdf_ugaussian_Q(3.6541528853610088);
	long tail = 0;
	int i;

	for (i = 0; i < N; i++)
		draws[i] = tci_ran_normal(r);
	check_moments(draws, N, 0, 1, 3);
	check_ks(draws, N, normal_cdf, NULL);
	for (i = 0; i < 5 * N; i++)
		tail += fabs(tci_ran_normal(r)) > 3.6541528853610088;
	assert_true(fabs(tail - 5.0 * N * q) < 4 * sqrt(5.0 * N * q));
	gsl_rng_free(r);
}

static double normal_tail_cdf(double x, void *arg)
{
	double r = *(double *)arg;

	return 1 - gsl_cdf_ugaussian_Q(x) / gsl_cdf_ugaussian_Q(r);
}

/*
 * The tail method's shape: of 4,000,000 draws, those beyond the tail
 * start (about 1,030) follow the normal conditioned on |x| > r, the cdf
 * 1 - Q(x) / Q(r), within the KS 0.1% critical value.
 */
static void normal_tail_has_exact_shape(void **state)
{
	gsl_rng *r = stream("normal-tail");
	double start = 3.6541528853610088;
	int i, n = 0;

	for (i = 0; i < 20 * N; i++) {
		double x = fabs(tci_ran_normal(r));

		if (x > start && n < N)
			draws[n++] = x;
	}
	assert_true(n > 900);
	check_ks(draws, n, normal_tail_cdf, &start);
	gsl_rng_free(r);
}

/*
 * A finer look at the body, where the ziggurat's wedges are: 4,000,000
 * draws in 400 bins of equal normal probability, chi-square p above
 * 0.001.
 */
static void normal_bins_are_equiprobable(void **state)
{
	enum { BINS = 400, DRAWS = 20 * N };
	static long count[BINS];
	gsl_rng *r = stream("normal-bins");
	double chi2 = 0, expect = (double)DRAWS / BINS;
	int i;

	for (i = 0; i < BINS; i++)
		count[i] = 0;
	for (i = 0; i < DRAWS; i++) {
		int b = (int)(gsl_cdf_ugaussian_P(tci_ran_normal(r)) * BINS);

		count[b < BINS ? b : BINS - 1]++;
	}
	for (i = 0; i < BINS; i++)
		chi2 += (count[i] - expect) * (count[i] - expect) / expect;
	assert_true(gsl_cdf_chisq_Q(chi2, BINS - 1) > 0.001);
	gsl_rng_free(r);
}

struct lognormal { double mu, sigma; };

static double lognormal_cdf(double x, void *arg)
{
	struct lognormal *p = arg;

	return gsl_cdf_lognormal_P(x, p->mu, p->sigma);
}

/*
 * Lognormal moments from its raw moments E[X^k] = exp(k mu + k^2 s^2 / 2)
 * (closed form): the fourth central moment is
 * E4 - 4 m E3 + 6 m^2 E2 - 3 m^4.
 */
static void lognormal_matches_closed_form(void **state)
{
	struct lognormal p = {1.5, 0.4};
	gsl_rng *r = stream("lognormal");
	double e[5], m, var, mu4;
	int i, k;

	for (k = 1; k <= 4; k++)
		e[k] = exp(k * p.mu + 0.5 * k * k * p.sigma * p.sigma);
	m = e[1];
	var = e[2] - m * m;
	mu4 = e[4] - 4 * m * e[3] + 6 * m * m * e[2] - 3 * m * m * m * m;
	for (i = 0; i < N; i++)
		draws[i] = tci_ran_lognormal(r, p.mu, p.sigma);
	check_moments(draws, N, m, var, mu4);
	check_ks(draws, N, lognormal_cdf, &p);
	assert_true(isnan(tci_ran_lognormal(r, 0, -1)));
	gsl_rng_free(r);
}

struct gamma { double shape, scale; };

static double gamma_cdf(double x, void *arg)
{
	struct gamma *p = arg;

	return gsl_cdf_gamma_P(x, p->shape, p->scale);
}

/*
 * Gamma(k, theta): mean k theta, variance k theta^2, fourth central
 * moment (3 + 6 / k) var^2 (excess kurtosis 6 / k). Shapes below 1 take
 * the boosting path, those from 500 the Wilson-Hilferty cube (499 and
 * 500 either side of the switch), the others Marsaglia-Tsang directly.
 */
static void gamma_matches_exact(void **state)
{
	const struct gamma cases[] = {
		{0.3, 2.0}, {1.0, 1.0}, {2.5, 0.5}, {50, 3.0}, {499, 1.0},
		{500, 1.0}, {5000, 0.01},
	};
	gsl_rng *r = stream("gamma");
	size_t c;
	int i;

	for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct gamma p = cases[c];
		double var = p.shape * p.scale * p.scale;

		for (i = 0; i < N; i++)
			draws[i] = tci_ran_gamma(r, p.shape, p.scale);
		check_moments(draws, N, p.shape * p.scale, var,
			      (3 + 6 / p.shape) * var * var);
		check_ks(draws, N, gamma_cdf, &p);
	}
	assert_true(isnan(tci_ran_gamma(r, 0, 1)));
	assert_true(isnan(tci_ran_gamma(r, 1, -1)));
	gsl_rng_free(r);
}

/*
 * Seeded with standard normal scores from another stream, the gamma
 * draw is still exactly gamma (unit scale): moments and KS as above, at
 * shape 1 (the most rejections), 20 and 800 (the Wilson-Hilferty cube).
 * A higher score gives a higher draw (when both first tries are
 * accepted, as they are here).
 */
static void gamma_from_score_is_gamma(void **state)
{
	const double shapes[] = {1.0, 20.0, 800.0};
	gsl_rng *r = stream("gamma-score"), *zr = stream("gamma-z");
	size_t c;
	int i;

	for (c = 0; c < 3; c++) {
		struct gamma p = {shapes[c], 1.0};

		for (i = 0; i < N; i++)
			draws[i] = tci_ran_gamma_score(r, p.shape,
						       tci_ran_normal(zr));
		check_moments(draws, N, p.shape, p.shape,
			      (3 + 6 / p.shape) * p.shape * p.shape);
		check_ks(draws, N, gamma_cdf, &p);
	}
	assert_true(tci_ran_gamma_score(r, 20, 0.1) <
		    tci_ran_gamma_score(r, 20, 0.2));
	/* The cube of the score itself: 800 (1 - c + z sqrt(c))^3. */
	assert_true(fabs(tci_ran_gamma_score(r, 800, 1.5) -
			 800 * pow(1 - 1 / 7200.0 + 1.5 / sqrt(7200.0), 3)) <
		    1e-9);
	assert_true(isnan(tci_ran_gamma_score(r, 0.5, 0)));
	gsl_rng_free(zr);
	gsl_rng_free(r);
}

static double poisson_pmf(unsigned k, void *arg)
{
	return gsl_ran_poisson_pdf(k, *(double *)arg);
}

/*
 * Poisson(lambda): mean and variance lambda, fourth central moment
 * lambda + 3 lambda^2. Means on both sides of the switches from
 * inversion to PTRS at 10 and from PTRS to the skew-corrected normal at
 * 1e4, and large ones.
 */
static void poisson_matches_exact(void **state)
{
	const double means[] = {0.5, 3.0, 9.99, 10.0, 25.0, 1000.0, 9999.0,
				1e4, 1e5, 1e6};
	gsl_rng *r = stream("poisson");
	size_t c;
	int i;

	for (c = 0; c < sizeof means / sizeof means[0]; c++) {
		double lam = means[c];

		for (i = 0; i < N; i++) {
			draws[i] = tci_ran_poisson(r, lam);
			assert_true(draws[i] == floor(draws[i]));
		}
		check_moments(draws, N, lam, lam, lam + 3 * lam * lam);
		assert_true(chi_square_p(draws, N, poisson_pmf, &lam, lam,
					 sqrt(lam)) > 0.001);
	}
	assert_true(tci_ran_poisson(r, 0) == 0);
	assert_true(isnan(tci_ran_poisson(r, -1)));
	assert_true(isnan(tci_ran_poisson(r, INFINITY)));
	gsl_rng_free(r);
}

/*
 * At a mean of 4e12 no pmf is summed: only the moments of the rounded
 * normal are checked, and a Poisson's variance equals its mean.
 */
static void poisson_huge_mean_has_poisson_moments(void **state)
{
	gsl_rng *r = stream("poisson-huge");
	double lam = 4e12;
	int i;

	for (i = 0; i < N; i++)
		draws[i] = tci_ran_poisson(r, lam) - lam;
	check_moments(draws, N, 0, lam, 3 * lam * lam);
	gsl_rng_free(r);
}

struct negbin { double mean, size; };

static double negbin_pmf(unsigned k, void *arg)
{
	struct negbin *p = arg;

	return gsl_ran_negative_binomial_pdf(k, p->size / (p->size + p->mean),
					     p->size);
}

/* The fourth central moment of a negative binomial, summed from GSL's pmf. */
static double negbin_mu4(struct negbin *p, double var)
{
	double s = 0;
	unsigned k, hi = (unsigned)(p->mean + 60 * sqrt(var) + 100);

	for (k = 0; k <= hi; k++) {
		double d = k - p->mean;

		s += d * d * d * d * negbin_pmf(k, p);
	}
	return s;
}

/*
 * Negative binomial with mean m and size k: variance m + m^2 / k (the
 * engine's dispersion convention), against GSL's pmf with p = k / (k + m).
 */
static void negbin_matches_exact(void **state)
{
	const struct negbin cases[] = {
		{3.0, 0.5}, {50.0, 2.0}, {5000.0, 10.0}, {200.0, 1e4},
	};
	gsl_rng *r = stream("negbin");
	size_t c;
	int i;

	for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct negbin p = cases[c];
		double var = p.mean + p.mean * p.mean / p.size;

		for (i = 0; i < N; i++)
			draws[i] = tci_ran_negbin(r, p.mean, p.size);
		check_moments(draws, N, p.mean, var, negbin_mu4(&p, var));
		assert_true(chi_square_p(draws, N, negbin_pmf, &p, p.mean,
					 sqrt(var)) > 0.001);
	}
	assert_true(tci_ran_negbin(r, 0, 2) == 0);
	assert_true(isnan(tci_ran_negbin(r, 5, 0)));
	gsl_rng_free(r);
}

/* An infinite size is the Poisson limit. */
static void negbin_infinite_size_is_poisson(void **state)
{
	gsl_rng *r = stream("negbin-inf");
	double lam = 40.0;
	int i;

	for (i = 0; i < N; i++)
		draws[i] = tci_ran_negbin(r, lam, INFINITY);
	check_moments(draws, N, lam, lam, lam + 3 * lam * lam);
	assert_true(chi_square_p(draws, N, poisson_pmf, &lam, lam,
				 sqrt(lam)) > 0.001);
	gsl_rng_free(r);
}

/*
 * A prepared size draws exactly what tci_ran_negbin draws from the same
 * stream, for sizes on both sides of every path (boosting below 1,
 * Marsaglia-Tsang, the Wilson-Hilferty cube from 500, Poisson at an
 * infinite size) and means on both sides of the Poisson switches.
 */
static void negbin_sized_matches_negbin(void **state)
{
	const double sizes[] = {0.5, 1, 20, 499, 500, INFINITY};
	const double means[] = {0, 3, 50, 9999, 2e4, 1e7};
	gsl_rng *a = stream("negbin-sized"), *b = stream("negbin-sized");
	size_t si, mi;
	int i;

	for (si = 0; si < 6; si++) {
		tci_negbin_size ps;

		tci_negbin_size_init(&ps, sizes[si]);
		for (mi = 0; mi < 6; mi++)
			for (i = 0; i < 2000; i++)
				assert_true(tci_ran_negbin(a, means[mi],
							   sizes[si]) ==
					    tci_ran_negbin_sized(b, means[mi],
								 &ps));
	}
	gsl_rng_free(a);
	gsl_rng_free(b);
}

/*
 * The first-try negative binomial reads a stream's two first blocks
 * as the stream does: wherever it answers, its count is the one
 * tci_ran_negbin_sized draws from that stream; and it answers for most
 * streams (its refusals are the ziggurat's and Marsaglia-Tsang's
 * rejections, about 1% each at size 20, PTRS's slow test, and
 * Poisson means below 10), so the day loops gain from it.
 */
static void negbin_first_matches_stream(void **state)
{
	const double sizes[] = {1, 20, 499, 500, INFINITY};
	const double means[] = {3, 50, 9999, 2e4, 1e7};
	gsl_rng *r = stream("negbin-first");
	uint32_t b[8];
	size_t si, mi;
	int i, hits;

	(void)state;
	for (si = 0; si < 5; si++) {
		tci_negbin_size ps;

		tci_negbin_size_init(&ps, sizes[si]);
		for (mi = 0; mi < 5; mi++) {
			hits = 0;
			for (i = 0; i < 4000; i++) {
				uint64_t key = 0x5eed + 977 * si + mi;
				double x = -1, want;

				tci_philox_fill(key, (uint64_t)i, 7, 1, 2, b);
				tci_rng_position_with(r, key, (uint64_t)i, 7, b,
						      2);
				want = tci_ran_negbin_sized(r, means[mi], &ps);
				if (!tci_negbin_first(b, means[mi], &ps, &x))
					continue;
				hits++;
				assert_true(x == want);
			}
			print_message("size %g mean %g: %d of 4000\n",
				      sizes[si], means[mi], hits);
			/*
			 * Sizes from 500 are not prepared (the cube); PTRS
			 * takes its first try 61% of the time at mean 50,
			 * the rounded normal from 1e4 99%; with the gamma's
			 * 98%, 97% from mean 2e4.
			 */
			if (sizes[si] >= 500)
				assert_int_equal(hits, 0);
			else if (sizes[si] >= 20 && means[mi] >= 2e4)
				assert_true(hits > 3800);
			else if (sizes[si] >= 20 && means[mi] >= 50)
				assert_true(hits > 2000);
		}
	}
	gsl_rng_free(r);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(normal_is_standard_normal),
	cmocka_unit_test(normal_tail_has_exact_shape),
	cmocka_unit_test(normal_bins_are_equiprobable),
	cmocka_unit_test(lognormal_matches_closed_form),
	cmocka_unit_test(gamma_matches_exact),
	cmocka_unit_test(gamma_from_score_is_gamma),
	cmocka_unit_test(poisson_matches_exact),
	cmocka_unit_test(poisson_huge_mean_has_poisson_moments),
	cmocka_unit_test(negbin_matches_exact),
	cmocka_unit_test(negbin_infinite_size_is_poisson),
	cmocka_unit_test(negbin_sized_matches_negbin),
	cmocka_unit_test(negbin_first_matches_stream),
};

TC_TEST_MAIN(tests)
