/*
 * text.c - growable buffers, string helpers, locale-independent numbers,
 * civil dates and the edit distance used for "did you mean" hints.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "tci.h"

void tci_buf_init(tci_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void tci_buf_free(tci_buf *b)
{
	free(b->data);
	tci_buf_init(b);
}

void tci_buf_reset(tci_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static tc_status buf_reserve(tci_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t cap;
	char *data;

	if (need < b->len)
		return TC_ERR_NOMEM;
	if (need <= b->cap)
		return TC_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	data = realloc(b->data, cap);
	if (!data)
		return TC_ERR_NOMEM;
	b->data = data;
	b->cap = cap;
	return TC_OK;
}

tc_status tci_buf_add(tci_buf *b, const char *s, size_t n)
{
	if (buf_reserve(b, n) != TC_OK)
		return TC_ERR_NOMEM;
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return TC_OK;
}

tc_status tci_buf_adds(tci_buf *b, const char *s)
{
	return tci_buf_add(b, s, strlen(s));
}

tc_status tci_buf_addc(tci_buf *b, char c)
{
	return tci_buf_add(b, &c, 1);
}

tc_status tci_buf_addf(tci_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_reserve(b, (size_t)n) != TC_OK)
		return TC_ERR_NOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return TC_OK;
}

char *tci_buf_steal(tci_buf *b)
{
	char *s = b->data;

	if (!s)
		s = calloc(1, 1);
	tci_buf_init(b);
	return s;
}

char *tci_strdup(const char *s)
{
	return s ? tci_strndup(s, strlen(s)) : NULL;
}

char *tci_strndup(const char *s, size_t n)
{
	char *d;

	if (!s)
		return NULL;
	d = malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void tci_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n;

	if (size == 0)
		return;
	n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

int tci_is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_space(s[i]))
			return 0;
	return 1;
}

void tci_trim(const char *s, size_t n, const char **start, size_t *len)
{
	while (n > 0 && is_space(*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_space(s[n - 1]))
		n--;
	*start = s;
	*len = n;
}

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* Copies a trimmed number into a NUL-terminated scratch buffer. */
static tc_status number_text(const char *s, size_t n, char *tmp,
			     size_t size)
{
	const char *t;
	size_t len;

	tci_trim(s, n, &t, &len);
	if (len == 0)
		return TC_ERR_PARSE;
	if (len >= size)
		return TC_ERR_LIMIT;
	memcpy(tmp, t, len);
	tmp[len] = '\0';
	return TC_OK;
}

/* True when t is a spelling of infinity or NaN. */
static int is_special(const char *t)
{
	const char *p = t;

	if (*p == '+' || *p == '-')
		p++;
	return strncasecmp(p, "inf", 3) == 0 || strncasecmp(p, "nan", 3) == 0;
}

tc_status tci_parse_double(const char *s, size_t n, int allow_special,
			   double *out)
{
	char tmp[512];
	char *end;
	double v;
	tc_status st;

	st = number_text(s, n, tmp, sizeof tmp);
	if (st != TC_OK)
		return st;
	if (!allow_special && is_special(tmp))
		return TC_ERR_PARSE;
	if (tmp[0] == '0' && (tmp[1] == 'x' || tmp[1] == 'X'))
		return TC_ERR_PARSE;
	pthread_once(&c_locale_once, c_locale_init);
	errno = 0;
	v = c_locale ? strtod_l(tmp, &end, c_locale) : strtod(tmp, &end);
	if (end == tmp || *end != '\0')
		return TC_ERR_PARSE;
	if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL))
		return TC_ERR_LIMIT;
	*out = v;
	return TC_OK;
}

tc_status tci_parse_int64(const char *s, size_t n, int64_t *out)
{
	char tmp[64];
	char *end;
	long long v;
	tc_status st;

	st = number_text(s, n, tmp, sizeof tmp);
	if (st != TC_OK)
		return st;
	if (!(isdigit((unsigned char)tmp[0]) || tmp[0] == '-' ||
	      tmp[0] == '+'))
		return TC_ERR_PARSE;
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (end == tmp || *end != '\0')
		return TC_ERR_PARSE;
	if (errno == ERANGE)
		return TC_ERR_LIMIT;
	*out = (int64_t)v;
	return TC_OK;
}

tc_status tci_parse_bool(const char *s, size_t n, int *out)
{
	const char *t;
	size_t len;

	tci_trim(s, n, &t, &len);
	if ((len == 4 && strncasecmp(t, "true", 4) == 0) ||
	    (len == 1 && t[0] == '1')) {
		*out = 1;
		return TC_OK;
	}
	if ((len == 5 && strncasecmp(t, "false", 5) == 0) ||
	    (len == 1 && t[0] == '0')) {
		*out = 0;
		return TC_OK;
	}
	return TC_ERR_PARSE;
}

int tci_format_double(char *buf, size_t size, double v)
{
	char tmp[64];
	double back;
	int prec;
	locale_t old;

	pthread_once(&c_locale_once, c_locale_init);
	old = c_locale ? uselocale(c_locale) : (locale_t)0;

	/* The shortest precision that reads back to the same double. */
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		back = strtod(tmp, NULL);
		if (back == v || isnan(v))
			break;
	}
	if (old)
		uselocale(old);
	return snprintf(buf, size, "%s", tmp);
}

/* Days from civil, after H. Hinnant's public-domain algorithm. */
int64_t tci_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void tci_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, unsigned m)
{
	static const int len[] = {31, 28, 31, 30, 31, 30,
				  31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : len[m - 1];
}

/* Reads exactly n decimal digits at s into *v. */
static int digits(const char *s, int n, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return 1;
}

tc_status tci_parse_date(const char *s, size_t n, int64_t *days)
{
	const char *t;
	size_t len;
	unsigned y, m, d;

	tci_trim(s, n, &t, &len);
	if (len != 10 || t[4] != '-' || t[7] != '-')
		return TC_ERR_PARSE;
	if (!digits(t, 4, &y) || !digits(t + 5, 2, &m) ||
	    !digits(t + 8, 2, &d))
		return TC_ERR_PARSE;
	if (m < 1 || m > 12 || d < 1 || (int)d > days_in_month(y, m))
		return TC_ERR_PARSE;
	*days = tci_days_from_civil(y, m, d);
	return TC_OK;
}

void tci_format_date(int64_t days, char *buf, size_t size)
{
	int64_t y;
	unsigned m, d;

	tci_civil_from_days(days, &y, &m, &d);
	snprintf(buf, size, "%04lld-%02u-%02u", (long long)y, m, d);
}

int tci_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	int64_t w = (days + 3) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

static pthread_once_t gsl_once = PTHREAD_ONCE_INIT;

static void gsl_off(void)
{
	gsl_set_error_handler_off();
}

void tci_gsl_fence(void)
{
	pthread_once(&gsl_once, gsl_off);
}

size_t tci_edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[256];
	size_t i, j, prev, tmp, best;

	if (lb >= 256 || la >= 256)
		return cap + 1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = prev + (a[i - 1] != b[j - 1]);
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (tmp + 1 < row[j])
				row[j] = tmp + 1;
			prev = tmp;
			if (row[j] < best)
				best = row[j];
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb] > cap ? cap + 1 : row[lb];
}

/* Quotes only when needed so plain names stay readable in the file. */
void tci_csv_field(FILE *fp, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}
