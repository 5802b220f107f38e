/*
 * central.c - the central value of a spec, for --no-parameter-uncertainty:
 * every uncertain parameter replaced by its mean (recursively), and the
 * mean of what remains for a per-trial attribute.
 */
#include <math.h>
#include <string.h>

#include "eng.h"
#include "tci.h"

static tc_status central_text(const tc_spec *s, tci_buf *b);

/* The mean of a parameter spec, itself centralised first. */
static tc_status param_mean(const tc_spec *p, double *m)
{
	tci_buf b;
	tc_spec *c = NULL;
	tc_status st;

	if (tc_spec_is_constant(p, m))
		return TC_OK;
	if (!tc_spec_has_uncertain_params(p))
		return tc_spec_mean(p, m);
	tci_buf_init(&b);
	st = central_text(p, &b);
	if (st == TC_OK)
		st = tc_spec_parse(b.data, NULL, &c, NULL);
	if (st == TC_OK)
		st = tc_spec_mean(c, m);
	tc_spec_free(c);
	tci_buf_free(&b);
	return st;
}

/*
 * Writes s with each uncertain parameter at its mean; components of
 * mixtures and truncations stay distributions.
 */
static tc_status central_text(const tc_spec *s, tci_buf *b)
{
	tc_spec_family fam = tc_spec_get_family(s);
	size_t i, n = tc_spec_param_count(s);
	char *txt;
	tc_status st = TC_OK;

	if (!tc_spec_has_uncertain_params(s)) {
		txt = tc_spec_to_string(s);
		if (!txt)
			return TC_ERR_NOMEM;
		st = tci_buf_adds(b, txt);
		free(txt);
		return st;
	}
	st = tci_buf_addf(b, "%s(", tc_spec_family_name(fam));
	for (i = 0; st == TC_OK && i < n; i++) {
		const char *name = tc_spec_param_name(s, i);
		const tc_spec *p = tc_spec_param(s, i);
		int named = fam != TC_SPEC_MIXTURE &&
			    !(fam == TC_SPEC_TRUNCATE && i == 0);
		double m;

		if (i)
			st = tci_buf_adds(b, ", ");
		if (st == TC_OK && named)
			st = tci_buf_addf(b, "%s=", name);
		if (st != TC_OK)
			break;
		if (strcmp(name, "spec") == 0) {
			st = central_text(p, b);
			continue;
		}
		st = param_mean(p, &m);
		if (st == TC_OK)
			st = tci_buf_addf(b, "%.17g", m);
	}
	if (st == TC_OK)
		st = tci_buf_adds(b, ")");
	return st;
}

/* A new spec: s with its uncertain parameters at their means. */
tc_spec *eng_central_spec(const tc_spec *s)
{
	tci_buf b;
	tc_spec *c = NULL;

	if (!s)
		return NULL;
	if (!tc_spec_has_uncertain_params(s))
		return tc_spec_clone(s);
	tci_buf_init(&b);
	if (central_text(s, &b) != TC_OK ||
	    tc_spec_parse(b.data, NULL, &c, NULL) != TC_OK)
		c = NULL;
	tci_buf_free(&b);
	return c;
}

double eng_central(const tc_spec *spec, int *ok)
{
	double m = NAN;

	*ok = param_mean(spec, &m) == TC_OK && isfinite(m);
	return m;
}
