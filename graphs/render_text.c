/*
 * render_text.c - the text of drawn graphs: labels made safe for Graphviz
 * and for the XML of SVG, and compact, locale-free amounts.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "render_int.h"

#define REPLACEMENT 0xFFFDu

/*
 * Decodes one UTF-8 sequence at s (n bytes left, n >= 1) into *cp. A
 * malformed, overlong or surrogate sequence gives U+FFFD and consumes
 * one byte, so decoding always moves on. Returns the bytes consumed.
 */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0) {
		len = 2;
		c = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3;
		c = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		goto bad;
	}
	if (len > n)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min_cp[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*cp = c;
	return len;

bad:
	*cp = REPLACEMENT;
	return 1;
}

/* Appends code point cp to b in UTF-8. */
static tc_status utf8_add(tci_buf *b, uint32_t cp)
{
	char out[4];
	size_t n;

	if (cp < 0x80) {
		out[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		out[0] = (char)(0xF0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return tci_buf_add(b, out, n);
}

/*
 * Maps a code point to what a label may show: controls (C0, DEL, C1)
 * become spaces, the non-characters XML 1.0 forbids U+FFFD.
 */
static uint32_t displayable(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		return ' ';
	if (cp == 0xFFFE || cp == 0xFFFF)
		return REPLACEMENT;
	return cp;
}

/* Appends one displayable code point, escaped for a plain label. */
static tc_status label_add_cp(tci_buf *b, uint32_t cp)
{
	/*
	 * Graphviz expands backslash sequences (\N, \n, \G) in plain labels
	 * and decodes HTML entities in them, so both lead characters are
	 * escaped to be shown as written.
	 */
	if (cp == '\\')
		return tci_buf_adds(b, "\\\\");
	if (cp == '&')
		return tci_buf_adds(b, "&amp;");
	return utf8_add(b, cp);
}

tc_status tci_label_add(tci_buf *b, const char *s, size_t max_chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	size_t kept = 0;
	uint32_t cp;
	size_t used;
	tc_status st;

	while (n > 0) {
		if (kept == max_chars)
			return utf8_add(b, 0x2026);
		used = utf8_next(p, n, &cp);
		st = label_add_cp(b, displayable(cp));
		if (st != TC_OK)
			return st;
		p += used;
		n -= used;
		kept++;
	}
	return TC_OK;
}

char *tci_format_fixed(double v, int decimals, char *buf, size_t size)
{
	static const long long scale[] = {1, 10, 100, 1000};
	long long q;
	const char *sign;

	if (decimals < 0)
		decimals = 0;
	if (decimals > 3)
		decimals = 3;
	sign = v < 0 ? "-" : "";

	/* Rounding the scaled magnitude keeps the digits exact. */
	q = llround(fabs(v) * (double)scale[decimals]);
	if (decimals == 0)
		snprintf(buf, size, "%s%lld", sign, q);
	else
		snprintf(buf, size, "%s%lld.%0*lld", sign, q / scale[decimals],
			 decimals, q % scale[decimals]);
	if (q == 0 && size > 0 && buf[0] == '-')
		memmove(buf, buf + 1, strlen(buf));
	return buf;
}

char *tci_format_pct(double v, char *buf, size_t size)
{
	if (fabs(v - round(v)) < 0.05)
		return tci_format_fixed(v, 0, buf, size);
	return tci_format_fixed(v, 1, buf, size);
}

/*
 * Picks the unit of an amount a >= 0 so that its rounded digits stay
 * below 1000: *scaled receives a in that unit and *decimals the digits
 * shown. Returns the unit's suffix ("" for none).
 */
static const char *cost_unit(double a, double *scaled, int *decimals)
{
	static const char *const units[] = {"k", "M", "B", "T"};
	size_t u;

	if (a < 999.5) {
		*scaled = a;
		*decimals = a < 99.995 ? 2 : 0;
		return "";
	}
	for (u = 0; u < 4; u++) {
		*scaled = a / pow(1000.0, (double)(u + 1));
		if (*scaled < 999.5 || u == 3)
			break;
	}
	*decimals = *scaled < 99.95 ? 1 : 0;
	return units[u];
}

char *tc_format_cost(double v, const char *currency, char *buf, size_t size)
{
	char digits[64];
	const char *unit;
	double scaled;
	int decimals;

	if (!currency)
		currency = "$";
	if (!isfinite(v)) {
		snprintf(buf, size, "n/a");
		return buf;
	}

	unit = cost_unit(fabs(v), &scaled, &decimals);
	tci_format_fixed(scaled, decimals, digits, sizeof digits);
	snprintf(buf, size, "%s%s%s%s",
		 v < 0 && strcmp(digits, "0") && strcmp(digits, "0.00") ? "-"
									: "",
		 currency, digits, unit);
	return buf;
}
