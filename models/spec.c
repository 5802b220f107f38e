/*
 * spec.c - spec trees: construction, copying, read access, comparison and
 * the canonical text form.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "spec_impl.h"

/* Days of 0000-01-01 and 9999-12-31: dates outside print as numbers. */
#define DATE_MIN -719528.0
#define DATE_MAX 2932896.0

tc_spec *tci_spec_new(tc_spec_family family, size_t n)
{
	tc_spec *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->family = family;
	s->n = n;
	if (n == 0)
		return s;
	s->param = calloc(n, sizeof *s->param);
	s->name = calloc(n, sizeof *s->name);
	if (!s->param || !s->name) {
		tc_spec_free(s);
		return NULL;
	}
	return s;
}

tc_spec *tci_spec_const(double value, int is_date)
{
	tc_spec *s = tci_spec_new(TC_SPEC_CONST, 0);

	if (s) {
		s->value = value;
		s->is_date = is_date;
	}
	return s;
}

void tc_spec_free(tc_spec *spec)
{
	size_t i;

	if (!spec)
		return;
	for (i = 0; i < spec->n; i++)
		tc_spec_free(spec->param[i]);
	free(spec->param);
	free(spec->name);
	free(spec->values);
	free(spec->sorted);
	free(spec->path);
	free(spec);
}

/* Copies n doubles, or gives NULL for none (and on failure). */
static double *dup_values(const double *v, size_t n)
{
	double *d;

	if (!v || n == 0)
		return NULL;
	d = malloc(n * sizeof *d);
	if (d)
		memcpy(d, v, n * sizeof *d);
	return d;
}

/* Copies the empirical part of src into dst; 0 on success. */
static int clone_values(tc_spec *dst, const tc_spec *src)
{
	dst->nvalues = src->nvalues;
	dst->values = dup_values(src->values, src->nvalues);
	dst->sorted = dup_values(src->sorted, src->nvalues);
	dst->path = tci_strdup(src->path);
	if (src->nvalues && (!dst->values || !dst->sorted))
		return -1;
	return src->path && !dst->path ? -1 : 0;
}

tc_spec *tc_spec_clone(const tc_spec *spec)
{
	tc_spec *c;
	size_t i;

	if (!spec)
		return NULL;
	c = tci_spec_new(spec->family, spec->n);
	if (!c)
		return NULL;
	c->value = spec->value;
	c->is_date = spec->is_date;
	for (i = 0; i < spec->n; i++) {
		c->name[i] = spec->name[i];
		c->param[i] = tc_spec_clone(spec->param[i]);
		if (spec->param[i] && !c->param[i])
			goto fail;
	}
	if (clone_values(c, spec) != 0)
		goto fail;
	return c;

fail:
	tc_spec_free(c);
	return NULL;
}

tc_spec_family tc_spec_get_family(const tc_spec *spec)
{
	return spec->family;
}

int tc_spec_is_constant(const tc_spec *spec, double *value)
{
	if (!spec || spec->family != TC_SPEC_CONST)
		return 0;
	if (value)
		*value = spec->value;
	return 1;
}

int tc_spec_has_date(const tc_spec *spec)
{
	size_t i;

	if (!spec)
		return 0;
	if (spec->is_date)
		return 1;
	for (i = 0; i < spec->n; i++)
		if (tc_spec_has_date(spec->param[i]))
			return 1;
	return 0;
}

int tci_spec_slot_is_dist(const tc_spec *spec, size_t i)
{
	if (spec->family == TC_SPEC_MIXTURE)
		return i % 2 == 1;
	if (spec->family == TC_SPEC_TRUNCATE)
		return i == 0;
	return 0;
}

int tc_spec_has_uncertain_params(const tc_spec *spec)
{
	size_t i;

	for (i = 0; i < spec->n; i++) {
		if (tci_spec_slot_is_dist(spec, i)) {
			if (tc_spec_has_uncertain_params(spec->param[i]))
				return 1;
		} else if (spec->param[i]->family != TC_SPEC_CONST) {
			return 1;
		}
	}
	return 0;
}

const tc_spec *tci_trunc_bound(const tc_spec *spec, const char *which)
{
	size_t i;

	for (i = 1; i < spec->n; i++)
		if (strcmp(spec->name[i], which) == 0)
			return spec->param[i];
	return NULL;
}

size_t tc_spec_param_count(const tc_spec *spec)
{
	return spec->n;
}

const char *tc_spec_param_name(const tc_spec *spec, size_t i)
{
	return i < spec->n ? spec->name[i] : NULL;
}

const tc_spec *tc_spec_param(const tc_spec *spec, size_t i)
{
	return i < spec->n ? spec->param[i] : NULL;
}

const double *tc_spec_empirical_values(const tc_spec *spec, size_t *count)
{
	if (count)
		*count = spec->nvalues;
	return spec->values;
}

/* Doubles compared bit for bit, except that 0 equals -0. */
static int same_values(const double *a, const double *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

int tc_spec_equal(const tc_spec *a, const tc_spec *b)
{
	size_t i;

	if (!a || !b)
		return a == b;
	if (a->family != b->family || a->n != b->n)
		return 0;
	if (a->family == TC_SPEC_CONST)
		return a->value == b->value && a->is_date == b->is_date;
	for (i = 0; i < a->n; i++) {
		if (strcmp(a->name[i], b->name[i]) != 0 ||
		    !tc_spec_equal(a->param[i], b->param[i]))
			return 0;
	}
	return a->nvalues == b->nvalues &&
	       same_values(a->values, b->values, a->nvalues);
}

/*
 * The shortest text that reads back to v, written without an exponent
 * for whole numbers below 1e17 ("1500", not "1.5e+03").
 */
static void format_number(char *buf, size_t size, double v)
{
	char tmp[64], digits[32], *e, *p;
	size_t nd = 0;
	long ex;
	int neg;

	tci_format_double(tmp, sizeof tmp, v);
	e = strchr(tmp, 'e');
	ex = e ? strtol(e + 1, NULL, 10) : -1;
	if (!e || ex < 0 || ex >= 17) {
		tci_strlcpy(buf, tmp, size);
		return;
	}
	neg = tmp[0] == '-';
	for (p = tmp + neg; p < e && nd + 1 < sizeof digits; p++)
		if (*p >= '0' && *p <= '9')
			digits[nd++] = *p;
	while (nd < (size_t)ex + 1 && nd + 1 < sizeof digits)
		digits[nd++] = '0';
	digits[nd] = '\0';
	snprintf(buf, size, "%s%s", neg ? "-" : "", digits);
}

/* Writes a number, or a date when the constant was written as one. */
static tc_status put_const(tci_buf *b, const tc_spec *s)
{
	char tmp[64];

	if (s->is_date && s->value >= DATE_MIN && s->value <= DATE_MAX)
		tci_format_date((int64_t)floor(s->value), tmp, sizeof tmp);
	else
		format_number(tmp, sizeof tmp, s->value);
	return tci_buf_adds(b, tmp);
}

/* A path needs quotes when it could read as a number or holds a comma. */
static int path_needs_quotes(const char *p)
{
	if (strpbrk(p, ",() \t") || strchr("+-.0123456789", p[0]))
		return 1;
	return p[0] == '\0';
}

static tc_status put_empirical(tci_buf *b, const tc_spec *s)
{
	char tmp[64];
	tc_status st = TC_OK;
	size_t i;

	if (s->path)
		return tci_buf_addf(b, path_needs_quotes(s->path) ? "\"%s\""
								  : "%s",
				    s->path);
	for (i = 0; i < s->nvalues && st == TC_OK; i++) {
		format_number(tmp, sizeof tmp, s->values[i]);
		st = tci_buf_addf(b, "%s%s", i ? ", " : "", tmp);
	}
	return st;
}

static tc_status put_spec(tci_buf *b, const tc_spec *s);

/*
 * Writes the parameters: mixtures and truncate's inner spec positionally
 * (their grammar has no names for them), everything else by name.
 */
static tc_status put_params(tci_buf *b, const tc_spec *s)
{
	tc_status st = TC_OK;
	size_t i;

	for (i = 0; i < s->n && st == TC_OK; i++) {
		if (i > 0)
			st = tci_buf_adds(b, ", ");
		if (st == TC_OK && s->family != TC_SPEC_MIXTURE &&
		    !(s->family == TC_SPEC_TRUNCATE && i == 0))
			st = tci_buf_addf(b, "%s=", s->name[i]);
		if (st == TC_OK)
			st = put_spec(b, s->param[i]);
	}
	return st;
}

static tc_status put_spec(tci_buf *b, const tc_spec *s)
{
	tc_status st;

	if (s->family == TC_SPEC_CONST)
		return put_const(b, s);
	st = tci_buf_addf(b, "%s(", tc_spec_family_name(s->family));
	if (st == TC_OK)
		st = s->family == TC_SPEC_EMPIRICAL ? put_empirical(b, s)
						    : put_params(b, s);
	if (st == TC_OK)
		st = tci_buf_addc(b, ')');
	return st;
}

char *tc_spec_to_string(const tc_spec *spec)
{
	tci_buf b;

	tci_buf_init(&b);
	if (put_spec(&b, spec) != TC_OK) {
		tci_buf_free(&b);
		return NULL;
	}
	return tci_buf_steal(&b);
}
