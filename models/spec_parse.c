/*
 * spec_parse.c - the spec grammar (docs/specs.md): a recursive descent
 * parser over the text with 1-based columns in every error, parameter
 * binding by name or position, domain checks of constant parameters and
 * the values of empirical() read from a list or a file.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "spec_impl.h"

#define DEFAULT_MAX_EMPIRICAL ((size_t)10 * 1000 * 1000)
#define MAX_TOKEN 512

typedef struct parser {
	const char *text;
	size_t len;
	size_t pos;
	const tc_spec_parse_opts *opts;
	size_t max_values;
	size_t values_left;	/* of max_values, over the whole spec */
	int truncates;	/* truncate calls open around the position */
	tc_error *err;
} parser;

/* One parameter as written: its name (or none) and its value. */
typedef struct arg {
	const char *name;
	size_t name_len;
	size_t name_pos;
	size_t pos;
	tc_spec *value;
} arg;

typedef struct arglist {
	arg *a;
	size_t n;
	size_t cap;
	size_t close;	/* offset of the closing parenthesis */
} arglist;

static tc_status parse_spec(parser *p, int depth, tc_spec **out);

/* Reports a problem at offset pos of the text (column pos + 1). */
static tc_status fail_at(parser *p, size_t pos, tc_status st,
			 const char *fmt, ...) TCI_PRINTF(4, 5);

static tc_status fail_at(parser *p, size_t pos, tc_status st,
			 const char *fmt, ...)
{
	char msg[TC_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return tci_error_at(p->err, st, NULL, 0, (long)pos + 1, NULL, "%s",
			    msg);
}

static int peek(const parser *p)
{
	return p->pos < p->len ? (unsigned char)p->text[p->pos] : -1;
}

static void skip_space(parser *p)
{
	while (p->pos < p->len && isspace((unsigned char)p->text[p->pos]))
		p->pos++;
}

static int is_ident_start(int c)
{
	return c == '_' || (c >= 0 && c < 128 && isalpha(c));
}

static int is_ident_char(int c)
{
	return c == '_' || (c >= 0 && c < 128 && isalnum(c));
}

/* Describes the character at pos for messages: 'x' or end of text. */
static const char *what_is_at(const parser *p, char *buf, size_t size)
{
	int c = peek(p);

	if (c < 0)
		return "end of text";
	if (c >= 32 && c < 127)
		snprintf(buf, size, "'%c'", c);
	else
		snprintf(buf, size, "byte 0x%02x", (unsigned)c);
	return buf;
}

static void arglist_free(arglist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		tc_spec_free(l->a[i].value);
	free(l->a);
	memset(l, 0, sizeof *l);
}

static tc_status arglist_push(arglist *l, const arg *a)
{
	arg *grown;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? 2 * l->cap : 4;
		grown = realloc(l->a, cap * sizeof *grown);
		if (!grown)
			return TC_ERR_NOMEM;
		l->a = grown;
		l->cap = cap;
	}
	l->a[l->n++] = *a;
	return TC_OK;
}

/* Length of a run of decimal digits at s[0..n). */
static size_t digit_run(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	return i;
}

/* The length of a YYYY-MM-DD date at s, or 0. */
static size_t date_length(const char *s, size_t n)
{
	if (n < 10 || digit_run(s, n) != 4 || s[4] != '-' ||
	    digit_run(s + 5, n - 5) != 2 || s[7] != '-' ||
	    digit_run(s + 8, n - 8) != 2)
		return 0;
	return 10;
}

/* The length of a decimal number (sign, digits, fraction, exponent). */
static size_t number_length(const char *s, size_t n)
{
	size_t i = 0, d, f = 0;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	d = digit_run(s + i, n - i);
	i += d;
	if (i < n && s[i] == '.') {
		f = digit_run(s + i + 1, n - i - 1);
		i += 1 + f;
	}
	if (d + f == 0)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1;

		if (j < n && (s[j] == '+' || s[j] == '-'))
			j++;
		if (digit_run(s + j, n - j) > 0)
			i = j + digit_run(s + j, n - j);
	}
	return i;
}

/* Parses a number or a date at the current position into *value. */
static tc_status scan_number(parser *p, double *value, int *is_date)
{
	const char *s = p->text + p->pos;
	size_t n = p->len - p->pos, len;
	int64_t days;
	tc_status st;

	*is_date = 0;
	len = date_length(s, n);
	if (len) {
		if (tci_parse_date(s, len, &days) != TC_OK)
			return fail_at(p, p->pos, TC_ERR_PARSE,
				       "invalid date '%.10s' (expected an "
				       "existing day as YYYY-MM-DD)", s);
		*value = (double)days;
		*is_date = 1;
	} else {
		len = number_length(s, n);
		if (len == 0)
			return fail_at(p, p->pos, TC_ERR_PARSE,
				       "expected a number");
		st = tci_parse_double(s, len, 0, value);
		if (st != TC_OK)
			return fail_at(p, p->pos, TC_ERR_PARSE,
				       "number '%.*s' is out of range",
				       (int)(len > 40 ? 40 : len), s);
	}
	if (len < n && (is_ident_char(s[len]) || s[len] == '.'))
		return fail_at(p, p->pos + len, TC_ERR_PARSE,
			       "unexpected '%c' after a number", s[len]);
	p->pos += len;
	return TC_OK;
}

static tc_status parse_constant(parser *p, tc_spec **out)
{
	double v;
	int is_date;
	tc_status st;

	st = scan_number(p, &v, &is_date);
	if (st != TC_OK)
		return st;
	*out = tci_spec_const(v, is_date);
	return *out ? TC_OK : TC_ERR_NOMEM;
}

/*
 * Reads one parameter: an optional "name =" then a spec, or nothing (an
 * empty slot, which only truncate accepts) before ',' or ')'.
 */
static tc_status parse_arg(parser *p, int depth, arg *a)
{
	size_t save;

	memset(a, 0, sizeof *a);
	skip_space(p);
	a->pos = p->pos;
	if (peek(p) == ',' || peek(p) == ')')
		return TC_OK;
	if (is_ident_start(peek(p))) {
		save = p->pos;
		while (is_ident_char(peek(p)))
			p->pos++;
		a->name_len = p->pos - save;
		skip_space(p);
		if (peek(p) == '=') {
			a->name = p->text + save;
			a->name_pos = save;
			p->pos++;
			skip_space(p);
			a->pos = p->pos;
		} else {
			a->name_len = 0;
			p->pos = save;
		}
	}
	return parse_spec(p, depth, &a->value);
}

/* Reads "arg, arg, ... )" after an opening parenthesis. */
static tc_status parse_args(parser *p, int depth, const char *fam,
			    arglist *l)
{
	char what[32];
	arg a;
	tc_status st;

	skip_space(p);
	if (peek(p) == ')') {
		l->close = p->pos++;
		return TC_OK;
	}
	for (;;) {
		st = parse_arg(p, depth, &a);
		if (st == TC_OK)
			st = arglist_push(l, &a);
		if (st != TC_OK) {
			tc_spec_free(a.value);
			return st;
		}
		skip_space(p);
		if (peek(p) == ')') {
			l->close = p->pos++;
			return TC_OK;
		}
		if (peek(p) != ',')
			return fail_at(p, p->pos, TC_ERR_PARSE,
				       "expected ',' or ')' in %s(...), "
				       "got %s",
				       fam, what_is_at(p, what, sizeof what));
		p->pos++;
	}
}

/* Writes "normal(mean, sd)" for messages. */
static void signature(const tci_family *f, char *buf, size_t size)
{
	size_t i, used;

	used = (size_t)snprintf(buf, size, "%s(", f->name);
	for (i = 0; i < f->nparams && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 i ? ", " : "", f->params[i]);
	if (used < size)
		snprintf(buf + used, size - used, ")");
}

/* The slot of a named parameter among names[0..n), or -1. */
static int slot_of(const char *const *names, size_t n, const arg *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(names[i]) == a->name_len &&
		    memcmp(names[i], a->name, a->name_len) == 0)
			return (int)i;
	return -1;
}

/*
 * Puts the written parameters into slots[0..n) by position, then by
 * name, moving their values out of l. sig names the call in messages.
 */
static tc_status bind_args(parser *p, arglist *l, const char *const *names,
			   size_t n, const char *sig, arg *slots)
{
	size_t i, next = 0;
	int named = 0, k;

	for (i = 0; i < l->n; i++) {
		arg *a = &l->a[i];

		if (a->name) {
			named = 1;
			k = slot_of(names, n, a);
			if (k < 0)
				return fail_at(p, a->name_pos, TC_ERR_PARSE,
					       "unknown parameter '%.*s' for "
					       "%s",
					       (int)a->name_len, a->name, sig);
		} else {
			if (named)
				return fail_at(p, a->pos, TC_ERR_PARSE,
					       "positional parameter after a "
					       "named one in %s",
					       sig);
			if (next >= n)
				return fail_at(p, a->pos, TC_ERR_PARSE,
					       "too many parameters for %s",
					       sig);
			k = (int)next++;
		}
		if (slots[k].pos)
			return fail_at(p, a->pos, TC_ERR_PARSE,
				       "parameter '%s' given twice", names[k]);
		slots[k] = *a;
		slots[k].pos = a->pos + 1;
		a->value = NULL;
	}
	return TC_OK;
}

/* Frees the values held in slots after a failed bind. */
static void slots_free(arg *slots, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		tc_spec_free(slots[i].value);
}

/* Checks the constant parameters of a family against its domain. */
static tc_status check_domain(parser *p, const tci_family *f, arg *slots)
{
	double v[TCI_SPEC_MAX_PARAMS] = {0};
	int known[TCI_SPEC_MAX_PARAMS] = {0};
	const char *why;
	size_t i;

	for (i = 0; i < f->nparams; i++) {
		known[i] = tc_spec_is_constant(slots[i].value, &v[i]);
		if (!known[i])
			continue;
		why = f->check(i, v, known);
		if (why)
			return fail_at(p, slots[i].pos - 1, TC_ERR_PARSE,
				       "parameter '%s' %s", f->params[i],
				       why);
	}
	return TC_OK;
}

/* Builds a family with fixed parameters from its written arguments. */
static tc_status build_family(parser *p, const tci_family *f, arglist *l,
			      tc_spec **out)
{
	arg slots[TCI_SPEC_MAX_PARAMS];
	char sig[96];
	tc_status st;
	size_t i;

	memset(slots, 0, sizeof slots);
	signature(f, sig, sizeof sig);
	st = bind_args(p, l, f->params, f->nparams, sig, slots);
	for (i = 0; st == TC_OK && i < f->nparams; i++)
		if (!slots[i].value)
			st = slots[i].pos
				     ? fail_at(p, slots[i].pos - 1,
					       TC_ERR_PARSE,
					       "expected a value for '%s'",
					       f->params[i])
				     : fail_at(p, l->close, TC_ERR_PARSE,
					       "missing parameter '%s' for %s",
					       f->params[i], sig);
	if (st == TC_OK)
		st = check_domain(p, f, slots);
	if (st == TC_OK)
		*out = tci_spec_new(f->id, f->nparams);
	if (st == TC_OK && !*out)
		st = TC_ERR_NOMEM;
	if (st != TC_OK) {
		slots_free(slots, f->nparams);
		return st;
	}
	for (i = 0; i < f->nparams; i++) {
		(*out)->param[i] = slots[i].value;
		(*out)->name[i] = f->params[i];
	}
	return TC_OK;
}

/* mixture(w1, spec1, w2, spec2, ...): positional pairs, weights > 0. */
static tc_status build_mixture(parser *p, arglist *l, tc_spec **out)
{
	double w;
	size_t i;

	if (l->n < 2 || l->n % 2)
		return fail_at(p, l->close, TC_ERR_PARSE,
			       "mixture needs pairs of weight and spec: "
			       "mixture(w1, spec1, w2, spec2, ...)");
	for (i = 0; i < l->n; i++) {
		if (l->a[i].name || !l->a[i].value)
			return fail_at(p, l->a[i].pos, TC_ERR_PARSE,
				       "mixture takes positional weights and "
				       "specs only");
		if (i % 2 == 0 && tc_spec_is_constant(l->a[i].value, &w) &&
		    !(w > 0))
			return fail_at(p, l->a[i].pos, TC_ERR_PARSE,
				       "mixture weight must be > 0");
	}
	*out = tci_spec_new(TC_SPEC_MIXTURE, l->n);
	if (!*out)
		return TC_ERR_NOMEM;
	for (i = 0; i < l->n; i++) {
		(*out)->param[i] = l->a[i].value;
		(*out)->name[i] = i % 2 ? "spec" : "weight";
		l->a[i].value = NULL;
	}
	return TC_OK;
}

static const char *const trunc_names[] = {"spec", "min", "max"};

/*
 * A truncation of a spec with constant parameters to constant bounds
 * must keep some of its probability, or no draw could be made.
 */
static tc_status check_truncate_mass(parser *p, arg *slots)
{
	double lo = -INFINITY, hi = INFINITY, out;

	if (slots[1].value && !tc_spec_is_constant(slots[1].value, &lo))
		return TC_OK;
	if (slots[2].value && !tc_spec_is_constant(slots[2].value, &hi))
		return TC_OK;
	if (tc_spec_has_uncertain_params(slots[0].value) ||
	    tci_spec_mass_between(slots[0].value, lo, hi, &out) != TC_OK ||
	    out > 0)
		return TC_OK;
	return fail_at(p, slots[0].pos - 1, TC_ERR_PARSE,
		       "truncate keeps no probability of its spec between "
		       "min and max");
}

/* Checks that a truncation has a spec, a bound, and min < max. */
static tc_status check_truncate(parser *p, arglist *l, arg *slots)
{
	double lo, hi;

	if (!slots[0].value)
		return fail_at(p, slots[0].pos ? slots[0].pos - 1 : l->close,
			       TC_ERR_PARSE,
			       "truncate needs a spec: truncate(spec, min, "
			       "max)");
	if (!slots[1].value && !slots[2].value)
		return fail_at(p, l->close, TC_ERR_PARSE,
			       "truncate needs min or max (or both)");
	if (tc_spec_is_constant(slots[1].value, &lo) &&
	    tc_spec_is_constant(slots[2].value, &hi) && !(hi > lo))
		return fail_at(p, slots[2].pos - 1, TC_ERR_PARSE,
			       "parameter 'max' must be > min");
	return check_truncate_mass(p, slots);
}

/* truncate(spec, min, max), either bound omitted or left empty. */
static tc_status build_truncate(parser *p, arglist *l, tc_spec **out)
{
	arg slots[3];
	size_t i, n = 1;
	tc_status st;

	memset(slots, 0, sizeof slots);
	st = bind_args(p, l, trunc_names, 3, "truncate(spec, min, max)",
		       slots);
	if (st == TC_OK)
		st = check_truncate(p, l, slots);
	if (st == TC_OK)
		*out = tci_spec_new(TC_SPEC_TRUNCATE,
				    1 + !!slots[1].value + !!slots[2].value);
	if (st == TC_OK && !*out)
		st = TC_ERR_NOMEM;
	if (st != TC_OK) {
		slots_free(slots, 3);
		return st;
	}
	(*out)->param[0] = slots[0].value;
	(*out)->name[0] = "spec";
	for (i = 1; i < 3; i++) {
		if (!slots[i].value)
			continue;
		(*out)->param[n] = slots[i].value;
		(*out)->name[n++] = trunc_names[i];
	}
	return TC_OK;
}

/* A growable array of values for empirical(). */
typedef struct valbuf {
	double *v;
	size_t n;
	size_t cap;
} valbuf;

static tc_status valbuf_push(valbuf *b, double x, size_t max)
{
	double *grown;
	size_t cap;

	if (b->n >= max)
		return TC_ERR_LIMIT;
	if (b->n == b->cap) {
		cap = b->cap ? 2 * b->cap : 64;
		grown = realloc(b->v, cap * sizeof *grown);
		if (!grown)
			return TC_ERR_NOMEM;
		b->v = grown;
		b->cap = cap;
	}
	b->v[b->n++] = x;
	return TC_OK;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Makes the empirical node from collected values (taking them). */
static tc_status make_empirical(parser *p, valbuf *b, char *path,
				tc_spec **out)
{
	tc_spec *s = tci_spec_new(TC_SPEC_EMPIRICAL, 0);

	if (s)
		s->sorted = malloc(b->n * sizeof *s->sorted);
	if (!s || !s->sorted) {
		tc_spec_free(s);
		free(b->v);
		free(path);
		return TC_ERR_NOMEM;
	}
	memcpy(s->sorted, b->v, b->n * sizeof *s->sorted);
	qsort(s->sorted, b->n, sizeof *s->sorted, cmp_double);
	s->values = b->v;
	s->nvalues = b->n;
	s->path = path;
	p->values_left -= b->n;
	*out = s;
	return TC_OK;
}

/* Adds one token of an empirical file; blank tokens are skipped. */
static tc_status file_token(parser *p, const char *path, long line,
			    const char *tok, size_t n, valbuf *b)
{
	double x;
	tc_status st;

	if (tci_is_blank(tok, n))
		return TC_OK;
	if (tci_parse_double(tok, n, 0, &x) != TC_OK)
		return tci_error_at(p->err, TC_ERR_PARSE, path, line, 0, NULL,
				    "empirical values: expected a number, "
				    "got '%.*s'",
				    (int)(n > 40 ? 40 : n), tok);
	st = valbuf_push(b, x, p->values_left);
	if (st == TC_ERR_LIMIT)
		return tci_error_at(p->err, st, path, line, 0, NULL,
				    "more than %zu empirical values",
				    p->max_values);
	return st;
}

/* Reads values separated by commas or line ends from an open file. */
static tc_status read_values(parser *p, FILE *f, const char *path,
			     valbuf *b)
{
	char tok[MAX_TOKEN];
	size_t n = 0;
	long line = 1;
	tc_status st = TC_OK;
	int c;

	while (st == TC_OK && (c = getc(f)) != EOF) {
		if (c == ',' || c == '\n') {
			st = file_token(p, path, line, tok, n, b);
			n = 0;
			line += c == '\n';
		} else if (n + 1 >= sizeof tok) {
			st = tci_error_at(p->err, TC_ERR_PARSE, path, line, 0,
					  NULL, "empirical value too long");
		} else {
			tok[n++] = (char)c;
		}
	}
	if (st == TC_OK && ferror(f))
		st = tci_error(p->err, TC_ERR_IO, path, 0, NULL,
			       "cannot read empirical values");
	if (st == TC_OK)
		st = file_token(p, path, line, tok, n, b);
	return st;
}

/* Joins base_dir and a relative path; NULL when out of memory. */
static char *resolve_path(const parser *p, const char *path)
{
	const char *base = p->opts ? p->opts->base_dir : NULL;
	tci_buf b;

	if (path[0] == '/' || !base || !base[0])
		return tci_strdup(path);
	tci_buf_init(&b);
	if (tci_buf_addf(&b, "%s/%s", base, path) != TC_OK) {
		tci_buf_free(&b);
		return NULL;
	}
	return tci_buf_steal(&b);
}

/* empirical(FILE): reads the file's values; at pos for messages. */
static tc_status empirical_file(parser *p, char *path, size_t pos,
				tc_spec **out)
{
	valbuf b = {0};
	char *full = resolve_path(p, path);
	FILE *f = NULL;
	struct stat sb;
	tc_status st;

	if (!full) {
		st = TC_ERR_NOMEM;
		goto out;
	}
	/* A FIFO or a device could block or never end: files only. */
	if (stat(full, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		st = fail_at(p, pos, TC_ERR_IO,
			     "empirical file '%s' is not a regular file", full);
		goto out;
	}
	f = fopen(full, "r");
	if (!f) {
		st = fail_at(p, pos, TC_ERR_IO,
			     "cannot open empirical file '%s': %s", full,
			     strerror(errno));
		goto out;
	}
	st = read_values(p, f, full, &b);
	if (st == TC_OK && b.n == 0)
		st = fail_at(p, pos, TC_ERR_PARSE,
			     "empirical file '%s' holds no values", full);
out:
	if (f)
		fclose(f);
	free(full);
	if (st != TC_OK) {
		free(b.v);
		free(path);
		return st;
	}
	return make_empirical(p, &b, path, out);
}

/* Reads the path of empirical(FILE), quoted or up to ')'. */
static tc_status scan_path(parser *p, char **path)
{
	size_t start, end;

	if (peek(p) == '"') {
		start = ++p->pos;
		while (p->pos < p->len && p->text[p->pos] != '"' &&
		       p->text[p->pos] != '\n')
			p->pos++;
		if (peek(p) != '"')
			return fail_at(p, start - 1, TC_ERR_PARSE,
				       "expected a closing '\"'");
		end = p->pos++;
	} else {
		start = p->pos;
		while (p->pos < p->len && p->text[p->pos] != ')') {
			if (p->text[p->pos] == '"')
				return fail_at(p, p->pos, TC_ERR_PARSE,
					       "a file name cannot hold '\"'");
			p->pos++;
		}
		end = p->pos;
		while (end > start && isspace((unsigned char)p->text[end - 1]))
			end--;
	}
	if (end == start)
		return fail_at(p, start, TC_ERR_PARSE,
			       "expected a file name or values");
	*path = tci_strndup(p->text + start, end - start);
	return *path ? TC_OK : TC_ERR_NOMEM;
}

/* empirical(v1, v2, ...) after the opening parenthesis. */
static tc_status empirical_list(parser *p, tc_spec **out)
{
	char what[32];
	valbuf b = {0};
	double x;
	int is_date;
	tc_status st;

	for (;;) {
		skip_space(p);
		st = scan_number(p, &x, &is_date);
		if (st == TC_OK && valbuf_push(&b, x, p->values_left) != TC_OK)
			st = fail_at(p, p->pos, TC_ERR_LIMIT,
				     "too many empirical values");
		if (st != TC_OK)
			break;
		skip_space(p);
		if (peek(p) == ')')
			break;
		if (peek(p) != ',') {
			st = fail_at(p, p->pos, TC_ERR_PARSE,
				     "expected ',' or ')' in empirical(...), "
				     "got %s",
				     what_is_at(p, what, sizeof what));
			break;
		}
		p->pos++;
	}
	if (st != TC_OK) {
		free(b.v);
		return st;
	}
	p->pos++;
	return make_empirical(p, &b, NULL, out);
}

/* empirical(FILE) or empirical(v1, v2, ...). */
static tc_status parse_empirical(parser *p, tc_spec **out)
{
	char *path = NULL;
	size_t pos;
	int c;
	tc_status st;

	skip_space(p);
	c = peek(p);
	if (c == ')')
		return fail_at(p, p->pos, TC_ERR_PARSE,
			       "empirical needs a file name or values");
	if (c >= 0 && (isdigit(c) || c == '-' || c == '+' || c == '.'))
		return empirical_list(p, out);
	pos = p->pos;
	st = scan_path(p, &path);
	if (st != TC_OK)
		return st;
	skip_space(p);
	if (peek(p) != ')') {
		free(path);
		return fail_at(p, p->pos, TC_ERR_PARSE,
			       "expected ')' after the file name");
	}
	p->pos++;
	return empirical_file(p, path, pos, out);
}

/* A family call after its name (at start): "(" arguments ")". */
static tc_status parse_call(parser *p, int depth, tc_spec_family id,
			    size_t start, tc_spec **out)
{
	const char *name = tc_spec_family_name(id);
	arglist l = {0};
	tc_status st;

	if (id == TC_SPEC_TRUNCATE &&
	    ++p->truncates > TCI_SPEC_MAX_TRUNCATE_NEST)
		return fail_at(p, start, TC_ERR_LIMIT,
			       "truncations nested more than %d deep",
			       TCI_SPEC_MAX_TRUNCATE_NEST);
	p->pos++;
	if (id == TC_SPEC_EMPIRICAL)
		return parse_empirical(p, out);
	st = parse_args(p, depth + 1, name, &l);
	if (id == TC_SPEC_TRUNCATE)
		p->truncates--;
	if (st == TC_OK && id == TC_SPEC_MIXTURE)
		st = build_mixture(p, &l, out);
	else if (st == TC_OK && id == TC_SPEC_TRUNCATE)
		st = build_truncate(p, &l, out);
	else if (st == TC_OK)
		st = build_family(p, tci_family_get(id), &l, out);
	arglist_free(&l);
	return st;
}

/* A family name, then its call. */
static tc_status parse_family(parser *p, int depth, tc_spec **out)
{
	size_t start = p->pos, len;
	const char *hint;
	tc_spec_family id;

	while (is_ident_char(peek(p)))
		p->pos++;
	len = p->pos - start;
	if (!tci_family_lookup(p->text + start, len, &id)) {
		hint = tci_family_suggest(p->text + start, len);
		return fail_at(p, start, TC_ERR_PARSE,
			       "unknown family '%.*s'%s%s%s",
			       (int)(len > 40 ? 40 : len), p->text + start,
			       hint ? " (did you mean '" : "",
			       hint ? hint : "", hint ? "'?)" : "");
	}
	skip_space(p);
	if (peek(p) != '(')
		return fail_at(p, p->pos, TC_ERR_PARSE,
			       "expected '(' after '%s'",
			       tc_spec_family_name(id));
	return parse_call(p, depth, id, start, out);
}

static tc_status parse_spec(parser *p, int depth, tc_spec **out)
{
	char what[32];
	int c;

	*out = NULL;
	skip_space(p);
	if (depth > TCI_SPEC_MAX_DEPTH)
		return fail_at(p, p->pos, TC_ERR_LIMIT,
			       "specs nested deeper than %d levels",
			       TCI_SPEC_MAX_DEPTH);
	c = peek(p);
	if (c >= 0 && (isdigit(c) || c == '-' || c == '+' || c == '.'))
		return parse_constant(p, out);
	if (is_ident_start(c))
		return parse_family(p, depth, out);
	return fail_at(p, p->pos, TC_ERR_PARSE,
		       "expected a number, a date or a distribution such as "
		       "lognormal(mu, sigma), got %s",
		       what_is_at(p, what, sizeof what));
}

tc_status tc_spec_parse(const char *text, const tc_spec_parse_opts *opts,
			tc_spec **out, tc_error *err)
{
	parser p = {0};
	char what[32];
	tc_status st;

	*out = NULL;
	if (!text)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL, "no spec");
	tci_gsl_fence();
	p.text = text;
	p.len = strlen(text);
	p.opts = opts;
	p.err = err;
	p.max_values = opts && opts->max_empirical ? opts->max_empirical
						   : DEFAULT_MAX_EMPIRICAL;
	p.values_left = p.max_values;
	if (p.len > TCI_SPEC_MAX_TEXT)
		return fail_at(&p, TCI_SPEC_MAX_TEXT, TC_ERR_LIMIT,
			       "spec longer than %d bytes",
			       TCI_SPEC_MAX_TEXT);
	st = parse_spec(&p, 0, out);
	skip_space(&p);
	if (st == TC_OK && p.pos < p.len)
		st = fail_at(&p, p.pos, TC_ERR_PARSE,
			     "unexpected %s after the spec",
			     what_is_at(&p, what, sizeof what));
	if (st != TC_OK) {
		tc_spec_free(*out);
		*out = NULL;
	}
	return st;
}
