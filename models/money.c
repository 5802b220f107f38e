/*
 * money.c - exact decimal money: parsing decimal strings into scaled
 * integers and writing them back, with no binary floating point.
 */
#include <string.h>

#include "pricing_int.h"
#include "tci.h"

#define RATE_PLACES 9		/* USD per MTok to 1e-15 USD per token */
#define RATE_MAX INT64_C(1000000000000000)	/* 1e6 USD per MTok */

/*
 * Accumulates the digits of s[0..n) into *v, counting fraction digits in
 * *frac once a point was seen. Returns TC_ERR_PARSE on anything else and
 * TC_ERR_LIMIT when the value passes max.
 */
static tc_status scan_digits(const char *s, size_t n, int places,
			     int64_t max, int64_t *v, int *frac)
{
	int point = 0, any = 0;
	size_t i;

	*v = 0;
	*frac = 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.' && !point) {
			point = 1;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return TC_ERR_PARSE;
		any = 1;
		if (point && ++*frac > places) {
			if (s[i] != '0')
				return TC_ERR_PARSE;
			(*frac)--;
			continue;
		}
		if (*v > (max - (s[i] - '0')) / 10)
			return TC_ERR_LIMIT;
		*v = *v * 10 + (s[i] - '0');
	}
	return any ? TC_OK : TC_ERR_PARSE;
}

tc_status tci_decimal_parse(const char *s, size_t n, int places,
			    int64_t max, int64_t *out)
{
	const char *t;
	size_t len;
	int64_t v;
	int frac;
	tc_status st;

	tci_trim(s, n, &t, &len);
	st = scan_digits(t, len, places, max, &v, &frac);
	if (st != TC_OK)
		return st;

	/* Scale the digits read up to the fixed number of places. */
	for (; frac < places; frac++) {
		if (v > max / 10)
			return TC_ERR_LIMIT;
		v *= 10;
	}
	if (v > max)
		return TC_ERR_LIMIT;
	*out = v;
	return TC_OK;
}

/*
 * Writes the decimal digits of the non-negative v into the end of tmp
 * (of size at least 41), returning where they start.
 */
static char *u128_digits(unsigned __int128 v, char *end)
{
	*end = '\0';
	do {
		*--end = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	return end;
}

char *tci_decimal_format(tc_money value, int places, int min_places,
			 char *buf, size_t size)
{
	char tmp[64], *d;
	unsigned __int128 mag;
	size_t nd, ip, fl, pos = 0;

	mag = value < 0 ? -(unsigned __int128)value : (unsigned __int128)value;
	d = u128_digits(mag, tmp + sizeof tmp - 1);
	nd = strlen(d);

	/* Left-pad with zeros so there is at least one integer digit. */
	while (nd < (size_t)places + 1) {
		*--d = '0';
		nd++;
	}
	ip = nd - (size_t)places;
	fl = (size_t)places;
	while (fl > (size_t)min_places && d[ip + fl - 1] == '0')
		fl--;
	if (size < ip + fl + 3)
		return NULL;
	if (value < 0)
		buf[pos++] = '-';
	memcpy(buf + pos, d, ip);
	pos += ip;
	if (fl) {
		buf[pos++] = '.';
		memcpy(buf + pos, d + ip, fl);
		pos += fl;
	}
	buf[pos] = '\0';
	return buf;
}

char *tc_money_format(tc_money amount, char *buf, size_t size)
{
	return tci_decimal_format(amount, TC_MONEY_DIGITS, 2, buf, size);
}

tc_status tc_money_parse(const char *text, tc_money *out)
{
	const char *t;
	size_t len;
	int64_t ip, fp;
	const char *dot;
	int neg = 0;
	tc_status st;
	static const tc_money unit = (tc_money)1000000000 * 1000000000 * 1000;

	if (!text)
		return TC_ERR_PARSE;
	tci_trim(text, strlen(text), &t, &len);
	if (len && t[0] == '-') {
		neg = 1;
		t++;
		len--;
	}

	/* Integer and fraction parts separately: 21 places exceed 64 bits. */
	dot = memchr(t, '.', len);
	st = tci_decimal_parse(t, dot ? (size_t)(dot - t) : len, 0,
			       INT64_C(100000000000000000), &ip);
	fp = 0;
	if (st == TC_OK && dot)
		st = tci_decimal_parse(dot, len - (size_t)(dot - t),
				       TC_MONEY_DIGITS - 3, INT64_MAX, &fp);
	if (st != TC_OK)
		return st;
	*out = (tc_money)ip * unit + (tc_money)fp * 1000;
	if (neg)
		*out = -*out;
	return TC_OK;
}

tc_status tc_rate_parse(const char *text, int64_t *rate)
{
	if (!text)
		return TC_ERR_PARSE;
	return tci_decimal_parse(text, strlen(text), RATE_PLACES, RATE_MAX,
				 rate);
}

char *tc_rate_format(int64_t rate, char *buf, size_t size)
{
	return tci_decimal_format(rate, RATE_PLACES, 0, buf, size);
}
