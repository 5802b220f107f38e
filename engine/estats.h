/*
 * estats.h - summary statistics of per-trial values (internal).
 */
#ifndef TOKCAST_ENGINE_ESTATS_H
#define TOKCAST_ENGINE_ESTATS_H

#include <stddef.h>
#include <stdint.h>

#define ESTAT_MAXQ 32
/* Order statistics a column's quantiles read, at most. */
#define ESTAT_RANKS (4 * ESTAT_MAXQ)

/* Mean, sd, quantiles and their Monte Carlo standard errors. */
typedef struct estat {
	double mean, sd;
	double q[ESTAT_MAXQ], se[ESTAT_MAXQ];
} estat;

/*
 * Summarises the n values of a (reordered in place) at the nq
 * percentages pct. An empty column gives NaN everywhere.
 */
void estat_column(double *a, size_t n, const double *pct, size_t nq,
		  estat *out);

/*
 * The quantiles and their standard errors alone (mean and sd 0), for a
 * caller that has them from elsewhere; a is reordered.
 */
void estat_quantiles(double *a, size_t n, const double *pct, size_t nq,
		     estat *out);

/*
 * The same of n floats, which stay as they are; keys is scratch for 2 n
 * keys. The numbers equal estat_quantiles' of the floats widened.
 */
void estat_float_quantiles(const float *v, size_t n, const double *pct,
			   size_t nq, uint64_t *keys, estat *out);

/*
 * estat_column of n floats (as estat_float_quantiles, keys 2 n long):
 * the same numbers as estat_column of the floats widened.
 */
void estat_float_column(const float *v, size_t n, const double *pct,
			size_t nq, uint64_t *keys, estat *out);

#endif
