/*
 * tc_test.c - the shared test harness: run one named case, find shared
 * data or skip, read files.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tc_test.h"

int tc_test_run(const struct CMUnitTest *tests, size_t count, int argc,
		char **argv)
{
	size_t i;

	if (argc < 2)
		return _cmocka_run_group_tests("tests", tests, count, NULL,
					       NULL);
	for (i = 0; i < count; i++) {
		if (strcmp(tests[i].name, argv[1]) == 0)
			return _cmocka_run_group_tests(argv[1], &tests[i], 1,
						       NULL, NULL);
	}
	fprintf(stderr, "no test case named '%s'\n", argv[1]);
	return 1;
}

const char *tc_shared_path(const char *relative)
{
	static char path[4096];
	struct stat st;

	snprintf(path, sizeof path, "%s/data", TC_SHARED_DIR);
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		printf("skipped: %s is absent\n", path);
		exit(77);
	}
	snprintf(path, sizeof path, "%s/data/%s", TC_SHARED_DIR, relative);
	return path;
}

const char *tc_source_path(const char *relative)
{
	static char path[4096];

	snprintf(path, sizeof path, "%s/%s", TC_SOURCE_DIR, relative);
	return path;
}

char *tc_read_whole(const char *path, size_t *size)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, fp) == (size_t)n) {
			buf[n] = '\0';
			if (size)
				*size = (size_t)n;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(fp);
	return buf;
}

const char *tc_temp_dir(void)
{
	static char dir[256];

	snprintf(dir, sizeof dir, "/tmp/tokcast-test-XXXXXX");
	if (!mkdtemp(dir))
		return "/tmp";
	return dir;
}

const char *tc_write_temp(const char *name, const char *text)
{
	static char path[8][1024];
	static int next;
	char *p = path[next++ % 8];
	FILE *fp;

	snprintf(p, sizeof path[0], "%s/%s", tc_temp_dir(), name);
	fp = fopen(p, "wb");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return p;
}

int64_t *tc_test_request_times(const double *y, size_t n, int64_t first,
			       size_t *nt)
{
	const int64_t day = 86400000000LL;
	size_t i, k, total = 2;
	int64_t *t;

	for (i = 0; i < n; i++)
		total += (size_t)y[i];
	t = malloc(total * sizeof *t);
	assert_non_null(t);
	*nt = 0;
	t[(*nt)++] = first * day - day / 24;
	for (i = 0; i < n; i++)
		for (k = 0; k < (size_t)y[i]; k++)
			t[(*nt)++] = (first + (int64_t)i) * day +
				     (int64_t)(((double)k + 0.5) / y[i] *
					       (double)day);
	t[(*nt)++] = (first + (int64_t)n) * day + day / 24;
	return t;
}
