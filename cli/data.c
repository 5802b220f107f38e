/*
 * data.c - finding the data installed beside the binary (the bundled
 * price catalog) and loading the catalogs a command was given.
 */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* The directory of the running executable, into dir; 0 on failure. */
static int exe_dir(char *dir, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", dir, size - 1);
	char *slash;

	if (n <= 0 || (size_t)n >= size - 1)
		return 0;
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	return 1;
}

static int readable(const char *path)
{
	return access(path, R_OK) == 0;
}

int cli_data_file(const char *name, char *path, size_t size)
{
	const char *env = getenv("TOKCAST_DATA_DIR");
	char dir[PATH_MAX];

	if (env && *env) {
		snprintf(path, size, "%s/%s", env, name);
		return readable(path);
	}
	if (!exe_dir(dir, sizeof dir))
		return 0;

	/* The build tree keeps data in share/ beside the binary; an
	 * installed binary in bin/ finds it in ../share. */
	snprintf(path, size, "%s/share/tokcast/%s", dir, name);
	if (readable(path))
		return 1;
	snprintf(path, size, "%s/../share/tokcast/%s", dir, name);
	return readable(path);
}

int cli_load_catalog(const char *user_file, tc_catalog **out)
{
	char path[PATH_MAX + 64];
	tc_error err = {0};
	tc_catalog *cat = tc_catalog_new();

	if (!cat) {
		cli_say("out of memory");
		return CLI_FAILURE;
	}
	if (!cli_data_file("catalog.csv", path, sizeof path)) {
		cli_say("bundled price catalog not found (last tried %s; it "
			"is looked for in $TOKCAST_DATA_DIR, else beside the "
			"binary in share/tokcast or ../share/tokcast)", path);
		tc_catalog_free(cat);
		return CLI_FAILURE;
	}
	if (tc_catalog_load(cat, path, &err) != TC_OK ||
	    (user_file && tc_catalog_load(cat, user_file, &err) != TC_OK)) {
		tc_catalog_free(cat);
		return cli_fail(&err);
	}
	*out = cat;
	return CLI_OK;
}

unsigned cli_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

int64_t cli_today(void)
{
	time_t now = time(NULL);

	return (int64_t)(now / 86400);
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int cli_parse_date(const char *s, int64_t *days)
{
	static const unsigned mdays[] = {31, 29, 31, 30, 31, 30,
					 31, 31, 30, 31, 30, 31};
	unsigned y, m, d;
	int n = 0;

	if (strlen(s) != 10 ||
	    sscanf(s, "%4u-%2u-%2u%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 || y % 400 == 0)))
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

void cli_format_date(int64_t days, char *buf, size_t size)
{
	int64_t z = days + 719468, era, doe, yoe, y, doy, mp;
	unsigned m, d;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	snprintf(buf, size, "%04lld-%02u-%02u", (long long)(y + (m <= 2)), m,
		 d);
}
