/*
 * kg_schema.c - the knowledge graph's schema as one const table: which
 * attribute applies where, how it is read, its domain, its default and
 * when the engine draws it. Validation, listings and the documentation
 * test all read this table.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tci.h"

#define INF HUGE_VAL

#define ROOTS (TC_KG_AT_ROOT_KPI | TC_KG_AT_ROOT_CLASS)
#define NODE TC_KG_AT_NODE
#define CLASS TC_KG_AT_CLASS
#define EDGE TC_KG_AT_EDGE

/*
 * Columns: attribute, name, where, required where, type, draw, lo, hi,
 * lo open, hi open, default, summary.
 */
static const tc_kg_attr_info schema[TC_KG_ATTR_COUNT] = {
	{TC_KG_AS_OF, "as_of", TC_KG_AT_GRAPH, 0, TC_KG_T_DATE, TC_KG_FIXED,
	 -INF, INF, 0, 0, "the forecast's first day",
	 "the day start and requests_per_day describe"},
	{TC_KG_KIND, "kind", NODE, NODE, TC_KG_T_WORD, TC_KG_FIXED, -INF, INF,
	 0, 0, NULL, "kpi or feature_class"},
	{TC_KG_LABEL, "label", NODE | EDGE, 0, TC_KG_T_TEXT, TC_KG_FIXED,
	 -INF, INF, 0, 0, "the node's id", "a readable name"},
	{TC_KG_START, "start", TC_KG_AT_ROOT_KPI, TC_KG_AT_ROOT_KPI,
	 TC_KG_T_SPEC, TC_KG_PER_TRIAL, 0, INF, 0, 0, NULL,
	 "the KPI's average-day value on as_of"},
	{TC_KG_GROWTH, "growth", ROOTS, 0, TC_KG_T_SPEC, TC_KG_PER_TRIAL, -1,
	 INF, 1, 0, "0", "monthly growth rate, compounded daily"},
	{TC_KG_WEEKLY, "weekly", ROOTS, 0, TC_KG_T_WEEKLY, TC_KG_PER_TRIAL, 0,
	 INF, 0, 0, "1,1,1,1,1,1,1",
	 "seven day-of-week factors, Monday first, normalised to mean 1"},
	{TC_KG_NOISE, "noise", TC_KG_AT_KPI, 0, TC_KG_T_SPEC, TC_KG_PER_TRIAL,
	 0, INF, 0, 0, "0",
	 "coefficient of variation of a daily lognormal factor of mean 1"},
	{TC_KG_UNIT, "unit", TC_KG_AT_KPI, 0, TC_KG_T_TEXT, TC_KG_FIXED, -INF,
	 INF, 0, 0, "", "what the KPI counts (users, sessions)"},
	{TC_KG_MODEL, "model", CLASS, CLASS, TC_KG_T_TEXT, TC_KG_FIXED, -INF,
	 INF, 0, 0, NULL, "the pricing catalog's model id"},
	{TC_KG_REQUESTS_PER_DAY, "requests_per_day", TC_KG_AT_ROOT_CLASS,
	 TC_KG_AT_ROOT_CLASS, TC_KG_T_SPEC, TC_KG_PER_TRIAL, 0, INF, 0, 0,
	 NULL, "a root class's average-day requests on as_of"},
	{TC_KG_DISPERSION, "dispersion", CLASS, 0, TC_KG_T_SPEC,
	 TC_KG_PER_TRIAL, 0, INF, 1, 0, "Poisson",
	 "negative binomial size of the daily count"},
	{TC_KG_INPUT_TOKENS, "input_tokens", CLASS, CLASS, TC_KG_T_SPEC,
	 TC_KG_PER_REQUEST, 0, INF, 0, 0, NULL,
	 "input tokens of a request, cached and written included"},
	{TC_KG_OUTPUT_TOKENS, "output_tokens", CLASS, CLASS, TC_KG_T_SPEC,
	 TC_KG_PER_REQUEST, 0, INF, 0, 0, NULL,
	 "output tokens of a request, reasoning included"},
	{TC_KG_IO_RANK_CORR, "io_rank_corr", CLASS, 0, TC_KG_T_SPEC,
	 TC_KG_PER_TRIAL, -1, 1, 0, 0, "0",
	 "rank correlation of input and output tokens"},
	{TC_KG_CACHED_SHARE, "cached_share", CLASS, 0, TC_KG_T_SPEC,
	 TC_KG_PER_REQUEST, 0, 1, 0, 0, "0",
	 "fraction of a request's input read from cache"},
	{TC_KG_CACHE_WRITE_SHARE, "cache_write_share", CLASS, 0, TC_KG_T_SPEC,
	 TC_KG_PER_REQUEST, 0, 1, 0, 0, "0",
	 "fraction of a request's input written to cache"},
	{TC_KG_CACHE_WRITE_1H_SHARE, "cache_write_1h_share", CLASS, 0,
	 TC_KG_T_SPEC, TC_KG_PER_REQUEST, 0, 1, 0, 0, "0",
	 "fraction of cache writes with a one-hour lifetime"},
	{TC_KG_REASONING_SHARE, "reasoning_share", CLASS, 0, TC_KG_T_SPEC,
	 TC_KG_PER_REQUEST, 0, 1, 0, 0, "0",
	 "fraction of output tokens that are reasoning"},
	{TC_KG_BATCH_SHARE, "batch_share", CLASS, 0, TC_KG_T_SPEC,
	 TC_KG_PER_REQUEST, 0, 1, 0, 0, "0",
	 "probability that a request is a batch request"},
	{TC_KG_RETRY_RATE, "retry_rate", CLASS, 0, TC_KG_T_SPEC,
	 TC_KG_PER_TRIAL, 0, INF, 0, 0, "0",
	 "extra requests per request from retries"},
	{TC_KG_LAUNCH, "launch", CLASS, 0, TC_KG_T_DATE_SPEC, TC_KG_PER_TRIAL,
	 -INF, INF, 0, 0, "launched", "the class's first day"},
	{TC_KG_RAMP_DAYS, "ramp_days", CLASS, 0, TC_KG_T_SPEC,
	 TC_KG_PER_TRIAL, 0, INF, 0, 0, "0",
	 "days from launch until full demand, linearly"},
	{TC_KG_MATCH, "match", CLASS, 0, TC_KG_T_TEXT, TC_KG_FIXED, -INF, INF,
	 0, 0, "", "the rule that assigns usage records to the class"},
	{TC_KG_RATE, "rate", EDGE, EDGE, TC_KG_T_SPEC, TC_KG_PER_TRIAL, 0, INF,
	 0, 0, NULL, "target units per source unit"},
	{TC_KG_EDGE_KIND, "kind", EDGE, 0, TC_KG_T_WORD, TC_KG_FIXED, -INF,
	 INF, 0, 0, "drives", "drives or calls"},
	{TC_KG_LAG_DAYS, "lag_days", EDGE, 0, TC_KG_T_WHOLE, TC_KG_FIXED, 0,
	 3660, 0, 0, "0", "days between the source's value and its effect"},
};

const tc_kg_attr_info *tc_kg_schema(size_t *count)
{
	if (count)
		*count = TC_KG_ATTR_COUNT;
	return schema;
}

const tc_kg_attr_info *tc_kg_attr_get(tc_kg_attr attr)
{
	if ((unsigned)attr >= TC_KG_ATTR_COUNT)
		return NULL;
	return &schema[attr];
}

const tc_kg_attr_info *tc_kg_attr_find(const char *name, unsigned element)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < TC_KG_ATTR_COUNT; i++)
		if ((schema[i].where & element) &&
		    strcmp(schema[i].name, name) == 0)
			return &schema[i];
	return NULL;
}

int tc_kg_in_domain(const tc_kg_attr_info *info, double x)
{
	if (isnan(x))
		return 0;
	if (info->lo_open ? x <= info->lo : x < info->lo)
		return 0;
	if (info->hi_open ? x >= info->hi : x > info->hi)
		return 0;
	return 1;
}

const char *tc_kg_kind_name(tc_kg_kind kind)
{
	return kind == TC_KG_KPI ? "kpi" : "feature_class";
}

const char *tc_kg_edge_kind_name(tc_kg_edge_kind kind)
{
	return kind == TC_KG_CALLS ? "calls" : "drives";
}

/* Writes a domain bound: whole numbers in full, others shortest. */
static void bound_text(double v, char *buf, size_t size)
{
	if (fabs(v) < 1e15 && v == floor(v))
		snprintf(buf, size, "%.0f", v);
	else
		tci_format_double(buf, size, v);
}

/* Writes the domain as "[0, 1]" or "(-1, inf)" into buf. */
void tci_kg_domain_text(const tc_kg_attr_info *info, char *buf, size_t size)
{
	char lo[40] = "-inf", hi[40] = "inf";

	if (isfinite(info->lo))
		bound_text(info->lo, lo, sizeof lo);
	if (isfinite(info->hi))
		bound_text(info->hi, hi, sizeof hi);
	snprintf(buf, size, "%c%s, %s%c", info->lo_open ? '(' : '[', lo, hi,
		 info->hi_open || !isfinite(info->hi) ? ')' : ']');
}

void tc_kg_domain_text(const tc_kg_attr_info *info, char *buf, size_t size)
{
	if (!buf || size == 0)
		return;
	buf[0] = '\0';
	if (info->type == TC_KG_T_SPEC || info->type == TC_KG_T_WEEKLY ||
	    info->type == TC_KG_T_WHOLE)
		tci_kg_domain_text(info, buf, size);
}

const char *tc_kg_type_name(tc_kg_type type)
{
	static const char *const names[] = {"spec", "date spec", "weekly",
					    "text", "word", "whole", "date"};

	if ((unsigned)type >= sizeof names / sizeof names[0])
		return "unknown";
	return names[type];
}

const char *tc_kg_draw_name(tc_kg_draw draw)
{
	switch (draw) {
	case TC_KG_PER_TRIAL:
		return "per trial";
	case TC_KG_PER_REQUEST:
		return "per request";
	default:
		return "fixed";
	}
}

/* Checks a spec's kind of value: dates only where dates are expected. */
static tc_status check_date_type(const tc_kg_attr_info *info,
				 const tc_spec *spec, tc_error *err)
{
	int has_date = tc_spec_has_date(spec);

	if (info->type == TC_KG_T_DATE_SPEC && !has_date)
		return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
				 "expected a date (YYYY-MM-DD) or a spec of "
				 "dates, got a number");
	if (info->type != TC_KG_T_DATE_SPEC && has_date)
		return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
				 "expected a number or a spec, got a date");
	return TC_OK;
}

static int support(const tc_spec *spec, double *lo, double *hi);

/* Widens [*lo, *hi] to hold [a, b]. */
static void widen(double *lo, double *hi, double a, double b)
{
	*lo = a < *lo ? a : *lo;
	*hi = b > *hi ? b : *hi;
}

/* The support of a mixture: the union of its components'. */
static int mixture_support(const tc_spec *spec, double *lo, double *hi)
{
	size_t i, n = tc_spec_param_count(spec);
	double a, b;

	*lo = HUGE_VAL;
	*hi = -HUGE_VAL;
	for (i = 1; i < n; i += 2) {
		if (!support(tc_spec_param(spec, i), &a, &b))
			return 0;
		widen(lo, hi, a, b);
	}
	return 1;
}

/* The support of a truncation: its spec's, cut by constant bounds. */
static int truncate_support(const tc_spec *spec, double *lo, double *hi)
{
	size_t i, n = tc_spec_param_count(spec);
	const char *name;
	double v;

	if (!support(tc_spec_param(spec, 0), lo, hi))
		return 0;
	for (i = 1; i < n; i++) {
		name = tc_spec_param_name(spec, i);
		if (!tc_spec_is_constant(tc_spec_param(spec, i), &v))
			continue;	/* an uncertain bound: keep the wider */
		if (strcmp(name, "min") == 0 && v > *lo)
			*lo = v;
		else if (strcmp(name, "max") == 0 && v < *hi)
			*hi = v;
	}
	return 1;
}

/* The range of an empirical spec's values. */
static int empirical_support(const tc_spec *spec, double *lo, double *hi)
{
	size_t i, n = 0;
	const double *v = tc_spec_empirical_values(spec, &n);

	if (!v || n == 0)
		return 0;
	*lo = *hi = v[0];
	for (i = 1; i < n; i++)
		widen(lo, hi, v[i], v[i]);
	return 1;
}

/* The support of a family bounded by its first and last parameters. */
static int bounded_support(const tc_spec *spec, double *lo, double *hi)
{
	size_t n = tc_spec_param_count(spec);

	return n >= 2 && tc_spec_is_constant(tc_spec_param(spec, 0), lo) &&
	       tc_spec_is_constant(tc_spec_param(spec, n - 1), hi);
}

/*
 * An interval holding every value the spec can draw, whatever its
 * uncertain parameters draw; 0 when it cannot be told cheaply. Lets the
 * check skip sampling when the domain holds the whole support (a
 * lognormal with an uncertain mu never draws below 0).
 */
static int support(const tc_spec *spec, double *lo, double *hi)
{
	switch (tc_spec_get_family(spec)) {
	case TC_SPEC_CONST:
		tc_spec_is_constant(spec, lo);
		*hi = *lo;
		return 1;
	case TC_SPEC_LOGNORMAL:
	case TC_SPEC_GAMMA:
	case TC_SPEC_WEIBULL:
	case TC_SPEC_LOGLOGISTIC:
	case TC_SPEC_NEGBINOMIAL:
	case TC_SPEC_RANGE:
		*lo = 0;
		*hi = HUGE_VAL;
		return 1;
	case TC_SPEC_BETA:
		*lo = 0;
		*hi = 1;
		return 1;
	case TC_SPEC_UNIFORM:
	case TC_SPEC_TRIANGULAR:
	case TC_SPEC_PERT:
		return bounded_support(spec, lo, hi);
	case TC_SPEC_MIXTURE:
		return mixture_support(spec, lo, hi);
	case TC_SPEC_TRUNCATE:
		return truncate_support(spec, lo, hi);
	case TC_SPEC_EMPIRICAL:
		return empirical_support(spec, lo, hi);
	default:
		return 0;
	}
}

/* 1 when every value the spec can draw lies in the domain. */
static int support_inside(const tc_kg_attr_info *info, const tc_spec *spec)
{
	double lo, hi;

	if (!support(spec, &lo, &hi))
		return 0;
	return tc_kg_in_domain(info, lo) && tc_kg_in_domain(info, hi);
}

tc_status tc_kg_check_spec(const tc_kg_attr_info *info, const tc_spec *spec,
			   double *outside, tc_error *err)
{
	char dom[96], num[40];
	double v, mass = 0;
	tc_status st;

	if (outside)
		*outside = 0;
	if (!info || !spec)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL, "no spec");
	st = check_date_type(info, spec, err);
	if (st != TC_OK || info->type == TC_KG_T_DATE_SPEC)
		return st;
	tci_kg_domain_text(info, dom, sizeof dom);
	if (tc_spec_is_constant(spec, &v)) {
		if (tc_kg_in_domain(info, v))
			return TC_OK;
		tci_format_double(num, sizeof num, v);
		return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
				 "%s is outside the domain %s", num, dom);
	}
	if (support_inside(info, spec))
		return TC_OK;
	st = tc_spec_mass_outside(spec, info->lo, info->hi, &mass);
	if (st == TC_ERR_NOMEM)
		return tci_error(err, st, NULL, 0, NULL, "out of memory");
	if (st != TC_OK)
		return TC_OK;	/* no estimate: nothing to say */
	if (outside)
		*outside = mass;
	if (mass >= 1.0)
		return tci_error(err, TC_ERR_INVALID, NULL, 0, NULL,
				 "all of the spec's mass lies outside the "
				 "domain %s", dom);
	return TC_OK;
}
