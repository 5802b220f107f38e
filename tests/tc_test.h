/*
 * tc_test.h - the test harness shared by the cmocka test programs.
 *
 * Each program lists its cases with cmocka_unit_test(name) and ends with
 * TC_TEST_MAIN(tests). CMake registers every case as its own ctest test
 * (area::case) that runs the program with the case name as its argument.
 */
#ifndef TOKCAST_TC_TEST_H
#define TOKCAST_TC_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Runs the case named argv[1] (all cases without an argument). */
int tc_test_run(const struct CMUnitTest *tests, size_t count, int argc,
		char **argv);

#define TC_TEST_MAIN(tests)                                                 \
	int main(int argc, char **argv)                                     \
	{                                                                   \
		return tc_test_run(tests, sizeof(tests) / sizeof(tests[0]), \
				   argc, argv);                             \
	}

/*
 * The path of a file under the shared data folder (../shared/data), or
 * exits with the skip code 77 when the folder is absent. Returns a static
 * buffer overwritten by the next call.
 */
const char *tc_shared_path(const char *relative);

/* A path under the source tree (for fixtures), in a static buffer. */
const char *tc_source_path(const char *relative);

/* Reads a whole file into a NUL-terminated malloc'd buffer, or NULL. */
char *tc_read_whole(const char *path, size_t *size);

/*
 * Writes text to a file named name in a fresh temporary directory and
 * returns its path, valid for the next seven calls too (a rotating set of
 * static buffers); fails the case when the file cannot be written.
 */
const char *tc_write_temp(const char *name, const char *text);

/* A fresh temporary directory for one case's output; static buffer. */
const char *tc_temp_dir(void);

/*
 * Request times (microseconds since 1970) for daily counts: y[i]
 * requests spread evenly over day first + i, for n days, and one
 * request on the day before and one on the day after, the partial days
 * tc_fit_volume_times drops. *nt receives the count; the caller frees
 * the array. Fails the case when out of memory.
 */
int64_t *tc_test_request_times(const double *y, size_t n, int64_t first,
			       size_t *nt);

#endif
