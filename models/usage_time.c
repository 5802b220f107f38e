/*
 * usage_time.c - timestamps and durations of usage logs: ISO 8601 text,
 * epoch numbers in any unit, and offsets from an origin.
 */
#include <ctype.h>
#include <math.h>
#include <string.h>

#include "usage_int.h"

#define US_PER_S INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_S)

/* Microseconds per unit, as a divisor for ns and a factor otherwise. */
static double unit_us(tc_time_unit unit)
{
	switch (unit) {
	case TC_UNIT_MS:
		return 1e3;
	case TC_UNIT_US:
		return 1.0;
	case TC_UNIT_NS:
		return 1e-3;
	default:
		return 1e6;
	}
}

/* Guesses the unit of an epoch number from its magnitude. */
static tc_time_unit guess_unit(double mag)
{
	if (mag < 1e11)
		return TC_UNIT_S;
	if (mag < 1e14)
		return TC_UNIT_MS;
	if (mag < 1e17)
		return TC_UNIT_US;
	return TC_UNIT_NS;
}

/* Adds an offset to an origin without overflow. */
static tc_status add_origin(int64_t origin, int64_t off, int64_t *us)
{
	if (origin == TC_TIME_NONE) {
		*us = off;
		return TC_OK;
	}
	if ((off > 0 && origin > INT64_MAX - off) ||
	    (off < 0 && origin < INT64_MIN + 1 - off))
		return TC_ERR_LIMIT;
	*us = origin + off;
	return TC_OK;
}

tc_status tci_time_int(int64_t v, tc_time_unit unit, int64_t origin,
		       int64_t *us)
{
	int64_t mag = v < 0 ? -(v + 1) : v;
	int64_t f;

	if (unit == TC_UNIT_AUTO)
		unit = origin == TC_TIME_NONE ? guess_unit((double)mag) :
						TC_UNIT_S;
	if (unit == TC_UNIT_NS)
		return add_origin(origin, v / 1000, us);
	f = (int64_t)unit_us(unit);
	if (mag > INT64_MAX / f)
		return TC_ERR_LIMIT;
	return add_origin(origin, v * f, us);
}

tc_status tci_time_real(double v, tc_time_unit unit, int64_t origin,
			int64_t *us)
{
	double x;

	if (!isfinite(v))
		return TC_ERR_PARSE;
	if (unit == TC_UNIT_AUTO)
		unit = origin == TC_TIME_NONE ? guess_unit(fabs(v)) :
						TC_UNIT_S;
	x = floor(v * unit_us(unit) + 0.5);
	if (fabs(x) > 9.0e18)
		return TC_ERR_LIMIT;
	return add_origin(origin, (int64_t)x, us);
}

/* Reads exactly n digits. */
static int num(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/*
 * Parses the zone suffix at s: "", "Z", "+HH", "+HHMM" or "+HH:MM".
 * *off gets the zone's offset east of UTC in microseconds.
 */
static tc_status parse_zone(const char *s, size_t n, int64_t *off)
{
	int h, m = 0, sign;

	*off = 0;
	if (n == 0 || (n == 1 && (s[0] == 'Z' || s[0] == 'z')))
		return TC_OK;
	if (n == 4 && strncmp(s, " UTC", 4) == 0)
		return TC_OK;
	if (s[0] != '+' && s[0] != '-')
		return TC_ERR_PARSE;
	sign = s[0] == '-' ? -1 : 1;
	if (n < 3 || !num(s + 1, 2, &h))
		return TC_ERR_PARSE;
	if (n == 5 && !num(s + 3, 2, &m))
		return TC_ERR_PARSE;
	if (n == 6 && (s[3] != ':' || !num(s + 4, 2, &m)))
		return TC_ERR_PARSE;
	if ((n != 3 && n != 5 && n != 6) || h > 23 || m > 59)
		return TC_ERR_PARSE;
	*off = sign * ((int64_t)h * 3600 + m * 60) * US_PER_S;
	return TC_OK;
}

/* Parses ".ffff" (any number of digits, microseconds kept). */
static size_t parse_fraction(const char *s, size_t n, int64_t *us)
{
	size_t i = 1;
	int64_t scale = 100000;

	*us = 0;
	if (n < 2 || (s[0] != '.' && s[0] != ',') ||
	    !isdigit((unsigned char)s[1]))
		return 0;
	for (; i < n && isdigit((unsigned char)s[i]); i++) {
		*us += (s[i] - '0') * scale;
		scale /= 10;
	}
	return i;
}

/* Parses "HH:MM[:SS[.f]]" at s; returns the length used, 0 if none. */
static size_t parse_clock(const char *s, size_t n, int64_t *us)
{
	int h, m, sec = 0;
	size_t used = 5;
	int64_t frac = 0;

	if (n < 5 || !num(s, 2, &h) || s[2] != ':' || !num(s + 3, 2, &m))
		return 0;
	if (n >= 8 && s[5] == ':') {
		if (!num(s + 6, 2, &sec))
			return 0;
		used = 8 + parse_fraction(s + 8, n - 8, &frac);
	}
	if (h > 23 || m > 59 || sec > 60)
		return 0;
	*us = ((int64_t)h * 3600 + m * 60 + sec) * US_PER_S + frac;
	return used;
}

/* Parses an ISO 8601 date or date-time. */
static tc_status parse_iso(const char *s, size_t n, int64_t *us)
{
	int64_t days, clock = 0, zone;
	size_t used = 10;

	if (n < 10 || tci_parse_date(s, 10, &days) != TC_OK)
		return TC_ERR_PARSE;
	if (n > 11 && (s[10] == 'T' || s[10] == 't' || s[10] == ' ')) {
		used = parse_clock(s + 11, n - 11, &clock);
		if (used == 0)
			return TC_ERR_PARSE;
		used += 11;
	}
	if (parse_zone(s + used, n - used, &zone) != TC_OK)
		return TC_ERR_PARSE;
	*us = days * US_PER_DAY + clock - zone;
	return TC_OK;
}

/* True when s is a plain decimal number (sign, digits, fraction). */
static int is_number(const char *s, size_t n)
{
	size_t i = 0, dots = 0, digs = 0;

	if (n > 0 && (s[0] == '-' || s[0] == '+'))
		i++;
	for (; i < n; i++) {
		if (s[i] == '.')
			dots++;
		else if (isdigit((unsigned char)s[i]))
			digs++;
		else
			return 0;
	}
	return digs > 0 && dots <= 1;
}

int tci_time_is_number(const char *s, size_t n)
{
	const char *t;
	size_t len;

	tci_trim(s, n, &t, &len);
	if (len == 0 || (len >= 10 && t[4] == '-'))
		return 0;
	return is_number(t, len);
}

tc_status tci_time_text(const char *s, size_t n, tc_time_unit unit,
			int64_t origin, int64_t *us)
{
	const char *t;
	size_t len;
	int64_t iv;
	double dv;

	tci_trim(s, n, &t, &len);
	if (len == 0)
		return TC_ERR_PARSE;
	if (len >= 10 && t[4] == '-')
		return parse_iso(t, len, us);
	if (!is_number(t, len))
		return parse_iso(t, len, us);
	if (memchr(t, '.', len) == NULL &&
	    tci_parse_int64(t, len, &iv) == TC_OK)
		return tci_time_int(iv, unit, origin, us);
	if (tci_parse_double(t, len, 0, &dv) != TC_OK)
		return TC_ERR_PARSE;
	return tci_time_real(dv, unit, origin, us);
}

tc_status tc_usage_parse_time(const char *s, tc_time_unit unit,
			      int64_t *us)
{
	if (!s || !us)
		return TC_ERR_PARSE;
	return tci_time_text(s, strlen(s), unit, TC_TIME_NONE, us);
}

tc_status tc_usage_parse_unit(const char *s, tc_time_unit *unit)
{
	static const struct {
		const char *name;
		tc_time_unit unit;
	} units[] = {{"s", TC_UNIT_S}, {"ms", TC_UNIT_MS}, {"us", TC_UNIT_US},
		     {"ns", TC_UNIT_NS}, {"auto", TC_UNIT_AUTO}};
	size_t i;

	for (i = 0; s && i < sizeof units / sizeof units[0]; i++)
		if (strcmp(s, units[i].name) == 0) {
			*unit = units[i].unit;
			return TC_OK;
		}
	return TC_ERR_PARSE;
}

tc_status tc_usage_parse_duration(const char *s, int64_t *us)
{
	static const struct {
		const char *suffix;
		double us;
	} units[] = {{"ms", 1e3}, {"s", 1e6}, {"m", 60e6}, {"h", 3600e6},
		     {"d", 86400e6}, {"", 1e6}};
	size_t i, n, k;
	double v;

	if (!s)
		return TC_ERR_PARSE;
	n = strlen(s);
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		k = strlen(units[i].suffix);
		if (n <= k || strcmp(s + n - k, units[i].suffix) != 0)
			continue;
		if (tci_parse_double(s, n - k, 0, &v) != TC_OK || v < 0 ||
		    v * units[i].us > 9.0e18)
			return TC_ERR_PARSE;
		*us = (int64_t)(v * units[i].us + 0.5);
		return TC_OK;
	}
	return TC_ERR_PARSE;
}
