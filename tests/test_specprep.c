/*
 * test_specprep.c - prepared specs (models/spec_prep.h): the cdf, the
 * upper tail and the quantile of a prepared spec against tc_spec_cdf,
 * tc_spec_mass_outside and tc_spec_quantile (the tested functions they
 * stand in for) over each spec's whole range, far tails, bounds and
 * atoms included; a truncated two-lognormal mixture against its cdf
 * written out by hand with erfc; the statuses.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tc_test.h"
#include "tci.h"
#include "../models/spec_prep.h"

/* Agreement asked of the prepared values (relative). */
#define REL 1e-12
/* Points of the even grid between a spec's far quantiles. */
#define GRID 3000

/*
 * Mixtures, truncated mixtures (the lower bound in the lower half, and
 * in the upper half, where truncations work with upper tails, also
 * with atoms on the bound), nested truncations, the
 * shapes `tokcast fit` writes (an empirical body with a truncated
 * lognormal tail; a truncated mixture beside a uniform sliver), and
 * families whose cdfs take other paths (atoms, discrete, constants,
 * support below 0).
 */
static const char *const specs[] = {
	"mixture(0.3, lognormal(mu=6, sigma=1), 0.7, "
	"lognormal(mu=7.5, sigma=0.3))",
	"truncate(mixture(0.36, lognormal(mu=4.18, sigma=1.72), 0.64, "
	"lognormal(mu=6.01, sigma=0.336)), max=1997.5)",
	"mixture(0.997, truncate(mixture(0.36, lognormal(mu=4.18, "
	"sigma=1.72), 0.64, lognormal(mu=6.01, sigma=0.336)), max=1997.5), "
	"0.003, uniform(1997.5, 2000.5))",
	"truncate(mixture(0.5, lognormal(0, 1), 0.5, lognormal(1, 0.5)), "
	"min=20)",
	"truncate(truncate(mixture(1, lognormal(3, 1), 3, gamma(2, 40)), "
	"min=5, max=900), min=6)",
	"mixture(0.98, empirical(12, 30, 30, 41, 55, 80, 80, 80, 120, 200, "
	"310, 480), 0.02, truncate(lognormal(mu=6.5, sigma=0.5), "
	"min=480.5, max=100000))",
	"truncate(mixture(0.9, empirical(3, 3, 7, 9, 12, 40), 0.1, "
	"lognormal(5, 1)), min=7, max=5000)",
	"truncate(mixture(0.9, empirical(3, 3, 7, 9, 12, 12, 40), 0.1, "
	"lognormal(5, 1)), min=12, max=5000)",
	"mixture(0.4, negbinomial(30, 2), 0.5, weibull(1.5, 100), 0.1, 25)",
	"truncate(mixture(0.5, normal(0, 1), 0.5, gamma(2, 3)), min=-1, "
	"max=50)",
};

static tc_spec *parse_ok(const char *text)
{
	tc_error err = {0};
	tc_spec *s = NULL;

	if (tc_spec_parse(text, NULL, &s, &err) != TC_OK)
		fail_msg("'%s': %s", text, err.message);
	return s;
}

static tci_spec_prep *prep_ok(const tc_spec *s)
{
	tci_spec_prep *p = NULL;

	assert_int_equal(tci_spec_prep_new(s, &p), TC_OK);
	assert_non_null(p);
	return p;
}

/* got within rel of want (equal when want is 0 or infinite). */
static void expect(double got, double want, const char *what,
		   const char *text, double x)
{
	if (got == want || fabs(got - want) <= REL * fabs(want))
		return;
	fail_msg("%s of '%s' at %.17g: %.17g, want %.17g", what, text, x,
		 got, want);
}

/*
 * The prepared cdf and upper tail at x, asked for together and alone,
 * against tc_spec_cdf and tc_spec_mass_outside; and the two within the
 * prepared spec's bound on their sum's distance from 1.
 */
static void check_point(const tc_spec *s, const tci_spec_prep *p,
			const char *text, double x)
{
	double f, g, le, gt, le1, gt1;

	assert_int_equal(tc_spec_cdf(s, x, &f), TC_OK);
	assert_int_equal(tc_spec_mass_outside(s, -INFINITY, x, &g), TC_OK);
	assert_int_equal(tci_spec_prep_probs(p, x, &le, &gt), TC_OK);
	assert_int_equal(tci_spec_prep_probs(p, x, &le1, NULL), TC_OK);
	assert_int_equal(tci_spec_prep_probs(p, x, NULL, &gt1), TC_OK);
	expect(le, f, "cdf", text, x);
	expect(le1, f, "cdf alone", text, x);
	expect(gt, g, "upper tail", text, x);
	expect(gt1, g, "upper tail alone", text, x);
	if (!(fabs(le + gt - 1) <= tci_spec_prep_sum_error(p)))
		fail_msg("'%s' at %g: cdf %.17g + tail %.17g", text, x, le, gt);
}

/* Every value of an empirical node below s, and its neighbours. */
static void check_atoms(const tc_spec *s, const tc_spec *root,
			const tci_spec_prep *p, const char *text)
{
	const double *v;
	size_t i, n;

	if (tc_spec_get_family(s) == TC_SPEC_EMPIRICAL) {
		v = tc_spec_empirical_values(s, &n);
		for (i = 0; i < n; i++) {
			check_point(root, p, text, v[i]);
			check_point(root, p, text, nextafter(v[i], -INFINITY));
			check_point(root, p, text, nextafter(v[i], INFINITY));
		}
		return;
	}
	for (i = 0; i < tc_spec_param_count(s); i++)
		check_atoms(tc_spec_param(s, i), root, p, text);
}

/*
 * The points of a spec's range: an even grid (in log x when the range
 * is positive) from a tenth of the 1e-15 quantile to ten times the
 * 1 - 1e-15 one, so both far tails are crossed, and the special values.
 */
static void check_range(const tc_spec *s, const tci_spec_prep *p,
			const char *text)
{
	static const double special[] = {
		0, -0.0, DBL_MIN, -DBL_MIN, -1, 1, 0.5, 5, 6, 7, 20, 50,
		480.5, 900, 1997.5, 2000.5, 5000, 100000, 1e300, -1e300};
	double lo, hi, x;
	size_t i;

	assert_int_equal(tc_spec_quantile(s, 1e-15, &lo), TC_OK);
	assert_int_equal(tc_spec_quantile(s, 1 - 1e-15, &hi), TC_OK);
	for (i = 0; i <= GRID; i++) {
		if (lo > 0)
			x = exp(log(lo / 10) + log(100 * hi / lo) * i / GRID);
		else
			x = lo - 1 + (hi - lo + 2) * i / GRID;
		check_point(s, p, text, x);
	}
	for (i = 0; i < sizeof special / sizeof special[0]; i++)
		check_point(s, p, text, special[i]);
	check_point(s, p, text, INFINITY);
	check_point(s, p, text, -INFINITY);
	check_atoms(s, s, p, text);
}

/* The prepared cdf and upper tail equal the spec's own functions. */
static void prepared_probs_match_the_spec(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		tc_spec *s = parse_ok(specs[i]);
		tci_spec_prep *p = prep_ok(s);

		check_range(s, p, specs[i]);
		tci_spec_prep_free(p);
		tc_spec_free(s);
	}
}

/* The prepared quantile equals tc_spec_quantile, far tails included. */
static void prepared_quantile_matches_the_spec(void **state)
{
	static const double tails[] = {
		0, 1e-300, 1e-15, 1e-9, 1e-4, 0.01, 0.5, 0.99, 1 - 1e-6,
		1 - 1e-12, 1 - 1e-15, 1};
	double x, want, q;
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		tc_spec *s = parse_ok(specs[i]);
		tci_spec_prep *p = prep_ok(s);

		for (j = 0; j < 200 + sizeof tails / sizeof tails[0]; j++) {
			q = j < 200 ? (j + 0.5) / 200 : tails[j - 200];
			assert_int_equal(tc_spec_quantile(s, q, &want), TC_OK);
			assert_int_equal(tci_spec_prep_quantile(p, q, &x),
					 TC_OK);
			expect(x, want, "quantile", specs[i], q);
		}
		tci_spec_prep_free(p);
		tc_spec_free(s);
	}
}

/* Phi(z) and 1 - Phi(z), each from erfc so neither tail loses digits. */
static double phi_lower(double z)
{
	return 0.5 * erfc(-z / sqrt(2));
}

static double phi_upper(double z)
{
	return 0.5 * erfc(z / sqrt(2));
}

/*
 * A two-lognormal mixture truncated above at 2000, written out:
 * M(x) = 0.3 Phi((ln x - 4) / 1.5) + 0.7 Phi((ln x - 6) / 0.4),
 * S(x) its upper tail; the truncation's cdf is M(x) / M(2000), its
 * upper tail (S(x) - S(2000)) / M(2000). The cdf is checked from x =
 * 1e-4 (a cdf near 1e-19) to 1999, the tail up to 1000 (beyond, both
 * ways of computing it cancel nearly equal terms).
 */
static void truncated_lognormals_match_erfc(void **state)
{
	tc_spec *s = parse_ok("truncate(mixture(0.3, lognormal(mu=4, "
			      "sigma=1.5), 0.7, lognormal(mu=6, "
			      "sigma=0.4)), max=2000)");
	tci_spec_prep *p = prep_ok(s);
	double top = 0.3 * phi_lower((log(2000) - 4) / 1.5) +
		     0.7 * phi_lower((log(2000) - 6) / 0.4);
	double s_top = 0.3 * phi_upper((log(2000) - 4) / 1.5) +
		       0.7 * phi_upper((log(2000) - 6) / 0.4);
	double x, m, u, le, gt;
	int i;

	(void)state;
	for (i = 0; i <= 1000; i++) {
		x = exp(log(1e-4) + (log(1999) - log(1e-4)) * i / 1000);
		m = 0.3 * phi_lower((log(x) - 4) / 1.5) +
		    0.7 * phi_lower((log(x) - 6) / 0.4);
		u = 0.3 * phi_upper((log(x) - 4) / 1.5) +
		    0.7 * phi_upper((log(x) - 6) / 0.4);
		assert_int_equal(tci_spec_prep_probs(p, x, &le, &gt), TC_OK);
		expect(le, m / top, "cdf", "by hand", x);
		if (x <= 1000)
			expect(gt, (u - s_top) / top, "tail", "by hand", x);
	}
	assert_int_equal(tci_spec_prep_probs(p, 2000, &le, &gt), TC_OK);
	assert_true(le == 1 && gt == 0);
	assert_int_equal(tci_spec_prep_probs(p, 0, &le, &gt), TC_OK);
	assert_true(le == 0 && gt == 1);
	tci_spec_prep_free(p);
	tc_spec_free(s);
}

/*
 * Uncertain parameters cannot be prepared (TC_ERR_UNSUPPORTED, NULL
 * out); a NaN point and a probability outside [0, 1] are TC_ERR_ARG.
 */
static void prepared_statuses(void **state)
{
	tc_spec *s = parse_ok("mixture(0.5, lognormal(mu=normal(6, 0.1), "
			      "sigma=1), 0.5, lognormal(7, 0.3))");
	tci_spec_prep *p = (tci_spec_prep *)1;
	double x;

	(void)state;
	assert_int_equal(tci_spec_prep_new(s, &p), TC_ERR_UNSUPPORTED);
	assert_null(p);
	tc_spec_free(s);
	s = parse_ok("lognormal(7, 0.3)");
	p = prep_ok(s);
	assert_int_equal(tci_spec_prep_probs(p, NAN, &x, NULL),
			 TC_ERR_ARG);
	assert_int_equal(tci_spec_prep_quantile(p, 1.5, &x), TC_ERR_ARG);
	assert_int_equal(tci_spec_prep_quantile(p, NAN, &x), TC_ERR_ARG);
	tci_spec_prep_free(p);
	tci_spec_prep_free(NULL);
	tc_spec_free(s);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(prepared_probs_match_the_spec),
	cmocka_unit_test(prepared_quantile_matches_the_spec),
	cmocka_unit_test(truncated_lognormals_match_erfc),
	cmocka_unit_test(prepared_statuses),
};

TC_TEST_MAIN(tests)
