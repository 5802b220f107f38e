/*
 * usage_match.c - class match rules: "model=gpt-5*; route=/chat/..." picks
 * the feature class of a record from its fields. The syntax is in
 * docs/usage-formats.md.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "usage_int.h"

/* One condition: FIELD=PATTERNS or FIELD!=PATTERNS. */
struct cond {
	char *field;
	char *patterns;		/* ','-separated globs, NUL-separated */
	size_t npatterns;
	int negate;
};

struct rule {
	char *class_name;
	struct cond *conds;
	size_t nconds;
};

struct tc_usage_match {
	struct rule *rules;
	size_t len;
	size_t cap;
};

tc_usage_match *tc_usage_match_new(void)
{
	return calloc(1, sizeof(tc_usage_match));
}

static void rule_free(struct rule *r)
{
	size_t i;

	for (i = 0; i < r->nconds; i++) {
		free(r->conds[i].field);
		free(r->conds[i].patterns);
	}
	free(r->conds);
	free(r->class_name);
}

void tc_usage_match_free(tc_usage_match *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->len; i++)
		rule_free(&m->rules[i]);
	free(m->rules);
	free(m);
}

size_t tc_usage_match_count(const tc_usage_match *m)
{
	return m ? m->len : 0;
}

/* Splits the patterns of a condition at ',' in place, trimmed. */
static size_t split_patterns(char *p)
{
	size_t n = 1;
	char *c;

	for (c = p; *c; c++)
		if (*c == ',') {
			*c = '\0';
			n++;
		}
	return n;
}

/* Parses one trimmed condition s[0..n) into c. */
static tc_status parse_cond(const char *s, size_t n, struct cond *c)
{
	const char *eq = memchr(s, '=', n);
	const char *f, *p;
	size_t flen, plen;

	if (!eq || eq == s || (eq == s + 1 && s[0] == '!'))
		return TC_ERR_PARSE;
	c->negate = eq[-1] == '!';
	tci_trim(s, (size_t)(eq - s) - (size_t)c->negate, &f, &flen);
	tci_trim(eq + 1, n - (size_t)(eq + 1 - s), &p, &plen);
	if (flen == 0 || memchr(f, ' ', flen))
		return TC_ERR_PARSE;
	c->field = tci_strndup(f, flen);
	c->patterns = tci_strndup(p, plen);
	if (!c->field || !c->patterns)
		return TC_ERR_NOMEM;
	c->npatterns = split_patterns(c->patterns);
	return TC_OK;
}

/* Parses a rule's conditions into r. */
static tc_status parse_rule(const char *rule, struct rule *r, tc_error *err)
{
	const char *s = rule, *semi, *t;
	size_t n, len, count = 1;
	tc_status st;

	for (t = rule; *t; t++)
		count += *t == ';';
	r->conds = calloc(count, sizeof *r->conds);
	if (!r->conds)
		return TC_ERR_NOMEM;
	while (s) {
		semi = strchr(s, ';');
		n = semi ? (size_t)(semi - s) : strlen(s);
		tci_trim(s, n, &t, &len);
		s = semi ? semi + 1 : NULL;
		if (len == 0)
			continue;
		st = parse_cond(t, len, &r->conds[r->nconds]);
		r->nconds++;
		if (st != TC_OK)
			return tci_error(err, st, NULL, 0, r->class_name,
					 "match rule '%s': expected FIELD="
					 "PATTERN or FIELD!=PATTERN, got "
					 "'%.*s'", rule, (int)len, t);
	}
	if (r->nconds == 0)
		return tci_error(err, TC_ERR_PARSE, NULL, 0, r->class_name,
				 "empty match rule");
	return TC_OK;
}

tc_status tc_usage_match_add(tc_usage_match *m, const char *class_name,
			     const char *rule, tc_error *err)
{
	struct rule r = {0}, *nr;
	tc_status st;

	if (!m || !class_name || !*class_name)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "a match rule needs a class name");
	if (m->len == m->cap) {
		nr = realloc(m->rules, (m->cap ? m->cap * 2 : 8) * sizeof *nr);
		if (!nr)
			return tci_error(err, TC_ERR_NOMEM, NULL, 0, NULL,
					 "out of memory");
		m->rules = nr;
		m->cap = m->cap ? m->cap * 2 : 8;
	}
	r.class_name = tci_strdup(class_name);
	st = r.class_name ? parse_rule(rule ? rule : "", &r, err) :
			    TC_ERR_NOMEM;
	if (st != TC_OK) {
		rule_free(&r);
		return tci_error(err, st, NULL, 0, NULL, "out of memory");
	}
	m->rules[m->len++] = r;
	return TC_OK;
}

/* True when value matches any of a condition's patterns. */
static int cond_holds(const struct cond *c, const char *value)
{
	const char *p = c->patterns;
	size_t i;
	int hit = 0;

	for (i = 0; i < c->npatterns && !hit; i++) {
		hit = fnmatch(p, value, 0) == 0;
		p += strlen(p) + 1;
	}
	return c->negate ? !hit : hit;
}

const char *tc_usage_match_classify(const tc_usage_match *m,
				    tc_usage_field_fn get, void *ctx)
{
	char buf[256];
	const char *v;
	size_t i, j;

	for (i = 0; m && i < m->len; i++) {
		for (j = 0; j < m->rules[i].nconds; j++) {
			v = get(ctx, m->rules[i].conds[j].field, buf,
				sizeof buf);
			if (!cond_holds(&m->rules[i].conds[j], v ? v : ""))
				break;
		}
		if (j == m->rules[i].nconds)
			return m->rules[i].class_name;
	}
	return NULL;
}
