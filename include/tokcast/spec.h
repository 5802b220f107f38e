/*
 * tokcast/spec.h - distribution specs: the grammar every numeric attribute
 * of a knowledge graph is written in.
 *
 * A spec is a number, a date, or a family with parameters that may
 * themselves be specs:
 *
 *   1200                        a constant
 *   2027-02-01                  a date (days since 1970-01-01)
 *   lognormal(mu=normal(6.21, 0.008), sigma=0.93)
 *   mixture(0.7, lognormal(6, 1), 0.3, lognormal(8, 0.5))
 *   truncate(normal(0.05, 0.03), min=-0.5)
 *   pert(2027-02-01, 2027-02-15, 2027-03-15)
 *   empirical(data/chat_input.txt)   (relative to the graph file)
 *
 * The full grammar and each family's parameters are in
 * docs/graph-schema.md (written as docs/specs.md). Mixture weights need
 * not sum to 1: they are normalised. A truncation keeps [min, max] with
 * both ends included.
 */
#ifndef TOKCAST_SPEC_H
#define TOKCAST_SPEC_H

#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "tokcast/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tc_spec tc_spec;

/* The node kinds of a spec tree. */
typedef enum tc_spec_family {
	TC_SPEC_CONST = 0,	/* a number or a date */
	TC_SPEC_NORMAL,		/* mean, sd */
	TC_SPEC_LOGNORMAL,	/* mu, sigma */
	TC_SPEC_GAMMA,		/* shape, scale */
	TC_SPEC_WEIBULL,	/* shape, scale */
	TC_SPEC_LOGLOGISTIC,	/* scale, shape */
	TC_SPEC_NEGBINOMIAL,	/* mean, size */
	TC_SPEC_BETA,		/* a, b */
	TC_SPEC_UNIFORM,	/* a, b */
	TC_SPEC_TRIANGULAR,	/* min, mode, max */
	TC_SPEC_PERT,		/* min, mode, max */
	TC_SPEC_RANGE,		/* low, high: lognormal with p5, p95 */
	TC_SPEC_MIXTURE,	/* w1, spec1, w2, spec2, ... */
	TC_SPEC_TRUNCATE,	/* spec, min, max */
	TC_SPEC_EMPIRICAL	/* values, resampled */
} tc_spec_family;

/* Options for parsing. All fields may be zero. */
typedef struct tc_spec_parse_opts {
	const char *base_dir;	/* where empirical(FILE) paths start */
	size_t max_empirical;	/* most values read by empirical(), 0: 10M
				   (in all, over every empirical() of a spec) */
} tc_spec_parse_opts;

/*
 * Parses text into a spec. On a malformed spec returns TC_ERR_PARSE with
 * err->column the 1-based column in text and err->message saying what was
 * expected (the caller adds the node and attribute to err->element).
 * Constant parameters are checked against their family's domain here
 * (TC_ERR_PARSE, "parameter 'sigma' must be > 0"). A bad value inside an
 * empirical file gives TC_ERR_PARSE with err->file and err->line set.
 * Also TC_ERR_IO (empirical file unreadable; err->column at the name),
 * TC_ERR_LIMIT (nesting deeper than 32, truncations nested more than 3
 * deep, text longer than 64 KiB, more empirical values than
 * opts->max_empirical), TC_ERR_ARG (text is NULL), TC_ERR_NOMEM. On
 * success *out owns the new spec; on failure *out is NULL.
 */
tc_status tc_spec_parse(const char *text, const tc_spec_parse_opts *opts,
			tc_spec **out, tc_error *err);

void tc_spec_free(tc_spec *spec);
tc_spec *tc_spec_clone(const tc_spec *spec);

tc_spec_family tc_spec_get_family(const tc_spec *spec);
/* The family's name as written ("lognormal"), "constant" for numbers. */
const char *tc_spec_family_name(tc_spec_family family);

/* 1 when the spec is a plain number or date; *value gets it. */
int tc_spec_is_constant(const tc_spec *spec, double *value);
/* 1 when the spec or any parameter inside it was written as a date. */
int tc_spec_has_date(const tc_spec *spec);
/* 1 when some parameter of the family is itself a non-constant spec. */
int tc_spec_has_uncertain_params(const tc_spec *spec);

/*
 * Writes the spec in canonical form (named parameters, shortest doubles,
 * dates as YYYY-MM-DD) into a malloc'd string the caller frees; NULL when
 * out of memory. Parsing the result gives an equal spec (tc_spec_equal;
 * an empirical spec read from a file is written as empirical(FILE), so
 * it needs the same base_dir and file).
 */
char *tc_spec_to_string(const tc_spec *spec);

/*
 * Draws one value. Parameters that are specs are drawn afresh on every
 * call; use tc_spec_instantiate to hold them for a trial. A value drawn
 * for a parameter written with dates is rounded down to a day; the value
 * of a date-valued spec itself is returned unrounded (the caller floors
 * it). Returns TC_OK or TC_ERR_NUMERIC when a drawn parameter is outside
 * its family's domain (a negative sigma) after 100 redraws, when a
 * truncation of a spec with uncertain parameters misses [min, max] 1000
 * times in a row, or when one value needs more than a million draws of
 * nodes (nested redraws on a hostile spec).
 */
tc_status tc_spec_sample(const tc_spec *spec, gsl_rng *rng, double *out);

/*
 * Draws every uncertain parameter once, giving a spec whose parameters are
 * all constants (a per-trial instance): mixture weights, truncation
 * bounds and family parameters at every depth; components and inner
 * specs stay distributions. *out is owned by the caller. Returns TC_OK,
 * TC_ERR_NUMERIC (as tc_spec_sample) or TC_ERR_NOMEM; *out is NULL on
 * failure.
 */
tc_status tc_spec_instantiate(const tc_spec *spec, gsl_rng *rng,
			      tc_spec **out);

/*
 * Additions: tc_spec_sample and tc_spec_instantiate with an error record,
 * whose message names the parameter that stayed outside its domain
 * ("parameter 'sigma' of lognormal must be > 0, but 100 draws of it were
 * not"). Same statuses, plus TC_ERR_NOMEM for instantiate.
 */
tc_status tc_spec_sample_err(const tc_spec *spec, gsl_rng *rng, double *out,
			     tc_error *err);
tc_status tc_spec_instantiate_err(const tc_spec *spec, gsl_rng *rng,
				  tc_spec **out, tc_error *err);

/*
 * Addition: 1 when a and b are the same tree (families, parameter names,
 * constants and date flags, empirical values), else 0.
 */
int tc_spec_equal(const tc_spec *a, const tc_spec *b);

/*
 * Exact moments and distribution function of a spec whose parameters are
 * constants (closed forms; mixtures and truncations by their definitions;
 * empirical from its values, variance with divisor n). Return TC_OK,
 * TC_ERR_UNSUPPORTED when a parameter is itself uncertain, or
 * TC_ERR_NUMERIC when the moment is infinite (log-logistic with shape
 * <= 1 has no mean, shape <= 2 no variance) or a truncation keeps no
 * representable mass. tc_spec_cdf is P(X <= x) and returns TC_ERR_ARG
 * for x NaN; tc_spec_quantile is the smallest x with P(X <= x) >= p and
 * returns TC_ERR_ARG for p outside [0, 1].
 */
tc_status tc_spec_mean(const tc_spec *spec, double *mean);
tc_status tc_spec_variance(const tc_spec *spec, double *variance);
tc_status tc_spec_cdf(const tc_spec *spec, double x, double *p);
tc_status tc_spec_quantile(const tc_spec *spec, double p, double *x);

/*
 * Addition: the moment E[(X - center)^k] of a spec with constant
 * parameters for k = 1 .. 4 (the engine's aggregates need the third
 * central moment: pass the mean as center). Closed forms for the
 * negative binomial, sums for empirical values, weighted sums for
 * mixtures, GSL quadrature for continuous families and truncations
 * (relative accuracy about 1e-9). Returns TC_OK, TC_ERR_UNSUPPORTED
 * (an uncertain parameter), TC_ERR_ARG (k outside 1 .. 4, center not
 * finite) or TC_ERR_NUMERIC (the moment is infinite: log-logistic with
 * shape <= k, or quadrature failed).
 */
tc_status tc_spec_moment(const tc_spec *spec, int k, double center,
			 double *out);

/*
 * The probability mass outside [lo, hi] (either bound may be -inf or inf),
 * exact for constant parameters, by 20,000 seeded draws otherwise; used by
 * graph check to warn when more than 1% of a spec lies outside its
 * attribute's domain. Returns TC_OK, TC_ERR_ARG (lo > hi or NaN),
 * TC_ERR_NUMERIC (draws failing as in tc_spec_sample, or a truncation
 * with no mass) or TC_ERR_NOMEM.
 */
tc_status tc_spec_mass_outside(const tc_spec *spec, double lo, double hi,
			       double *mass);

/*
 * Read access to a spec tree, for the engine and for writers: the number
 * of parameters, the i-th parameter's name and value (a spec), and for
 * constants their value. Families list their parameters in the order of
 * tc_spec_family's comments; a mixture alternates "weight" and "spec";
 * a truncation has "spec" then "min" and/or "max", only those written.
 * Constants and empirical specs have none. Out of range i gives NULL.
 */
size_t tc_spec_param_count(const tc_spec *spec);
const char *tc_spec_param_name(const tc_spec *spec, size_t i);
const tc_spec *tc_spec_param(const tc_spec *spec, size_t i);
/* The values of an empirical spec; *count receives their number. */
const double *tc_spec_empirical_values(const tc_spec *spec, size_t *count);

#ifdef __cplusplus
}
#endif

#endif
