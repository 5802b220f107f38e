/*
 * test_core.c - status strings, error formatting, number and date parsing,
 * atomic output files.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tc_test.h"
#include "tci.h"

static void strerror_covers_every_status(void **state)
{
	int s;

	for (s = TC_OK; s <= TC_ERR_INTERNAL; s++)
		assert_string_not_equal(tc_strerror((tc_status)s),
					"unknown status");
	assert_string_equal(tc_strerror((tc_status)999), "unknown status");
}

static void error_format_has_location(void **state)
{
	tc_error err = {0};
	char buf[512];

	tci_error_at(&err, TC_ERR_PARSE, "g.graphml", 12, 7, "node 'chat'",
		     "expected a number, got '%s'", "abc");
	tci_error(&err, TC_ERR_IO, "other", 1, NULL, "second error");
	assert_int_equal(err.status, TC_ERR_PARSE);
	assert_string_equal(tc_error_format(&err, buf, sizeof buf),
			    "g.graphml:12:7: node 'chat': expected a number,"
			    " got 'abc'");
}

static void diags_count_errors_and_warnings(void **state)
{
	tc_diags *d = tc_diags_new();
	char buf[256];

	tci_diag(d, TC_SEV_WARNING, TC_OK, "f", 3, 0, "edge 'e1'", "w");
	tci_diag(d, TC_SEV_ERROR, TC_ERR_INVALID, "f", 4, 0, "", "bad");
	assert_int_equal(tc_diags_count(d), 2);
	assert_int_equal(tc_diags_errors(d), 1);
	assert_int_equal(tc_diags_warnings(d), 1);
	assert_string_equal(tc_diag_format(tc_diags_get(d, 0), buf,
					   sizeof buf),
			    "f:3: warning: edge 'e1': w");
	tc_diags_free(d);
}

static void numbers_parse_exactly(void **state)
{
	double v;
	int64_t i;
	int b;

	assert_int_equal(tci_parse_double(" 2.5e3\n", 7, 0, &v), TC_OK);
	assert_true(v == 2500.0);
	assert_int_equal(tci_parse_double("1,5", 3, 0, &v), TC_ERR_PARSE);
	assert_int_equal(tci_parse_double("", 0, 0, &v), TC_ERR_PARSE);
	assert_int_equal(tci_parse_double("nan", 3, 0, &v), TC_ERR_PARSE);
	assert_int_equal(tci_parse_double("1e999", 5, 0, &v), TC_ERR_LIMIT);
	assert_int_equal(tci_parse_int64("-42 ", 4, &i), TC_OK);
	assert_true(i == -42);
	assert_int_equal(tci_parse_int64("4.2", 3, &i), TC_ERR_PARSE);
	assert_int_equal(tci_parse_int64("99999999999999999999", 20, &i),
			 TC_ERR_LIMIT);
	assert_int_equal(tci_parse_bool(" TRUE ", 6, &b), TC_OK);
	assert_int_equal(b, 1);
	assert_int_equal(tci_parse_bool("0", 1, &b), TC_OK);
	assert_int_equal(b, 0);
	assert_int_equal(tci_parse_bool("yes", 3, &b), TC_ERR_PARSE);
}

static void dates_round_trip(void **state)
{
	int64_t d;
	char buf[16];

	/* 2027-01-01 is 20819 days after 1970-01-01 and is a Friday. */
	assert_int_equal(tci_parse_date("2027-01-01", 10, &d), TC_OK);
	assert_int_equal(d, 20819);
	assert_int_equal(tci_weekday(d), 4);
	tci_format_date(d + 59, buf, sizeof buf);
	assert_string_equal(buf, "2027-03-01");
	assert_int_equal(tci_parse_date("2027-02-29", 10, &d), TC_ERR_PARSE);
	assert_int_equal(tci_parse_date("2028-02-29", 10, &d), TC_OK);
	assert_int_equal(tci_parse_date("2027-1-01", 9, &d), TC_ERR_PARSE);
}

static void double_format_is_shortest(void **state)
{
	char buf[64];

	tci_format_double(buf, sizeof buf, 0.1);
	assert_string_equal(buf, "0.1");
	tci_format_double(buf, sizeof buf, 6.21);
	assert_string_equal(buf, "6.21");
	tci_format_double(buf, sizeof buf, 1e21);
	assert_string_equal(buf, "1e+21");
}

static void edit_distance_counts_edits(void **state)
{
	assert_int_equal(tci_edit_distance("growth", "grwoth", 5), 2);
	assert_int_equal(tci_edit_distance("growth", "growths", 5), 1);
	assert_int_equal(tci_edit_distance("abc", "xyz", 1), 2);
}

static void outfile_leaves_nothing_on_abort(void **state)
{
	char path[512];
	tc_outfile *of;
	struct stat st;

	snprintf(path, sizeof path, "%s/out.txt", tc_temp_dir());
	assert_int_equal(tc_outfile_open(path, &of, NULL), TC_OK);
	fputs("partial", tc_outfile_stream(of));
	tc_outfile_abort(of);
	assert_int_not_equal(stat(path, &st), 0);

	assert_int_equal(tc_outfile_open(path, &of, NULL), TC_OK);
	fputs("whole", tc_outfile_stream(of));
	assert_int_equal(tc_outfile_commit(of, NULL), TC_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 5);
}

/* The number of entries of dir whose names begin with prefix. */
static int count_prefixed(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

/*
 * What a signal handler calls: the temporary files of the outputs open
 * now are removed (two at once here), an output opened and closed before
 * is untouched, and the handles still commit (failing: nothing appears)
 * and abort cleanly.
 */
static void outfile_temps_removed_on_signal(void **state)
{
	char dir[256], a[512], b[512], done[512];
	tc_outfile *oa, *ob, *od;
	tc_error err = {0};
	struct stat st;

	/* Each call of tc_temp_dir makes a new folder: keep this one. */
	snprintf(dir, sizeof dir, "%s", tc_temp_dir());

	snprintf(a, sizeof a, "%s/sig_a.json", dir);
	snprintf(b, sizeof b, "%s/sig_b.json", dir);
	snprintf(done, sizeof done, "%s/sig_done.json", dir);
	assert_int_equal(tc_outfile_open(done, &od, NULL), TC_OK);
	fputs("kept", tc_outfile_stream(od));
	assert_int_equal(tc_outfile_commit(od, NULL), TC_OK);
	assert_int_equal(tc_outfile_open(a, &oa, NULL), TC_OK);
	assert_int_equal(tc_outfile_open(b, &ob, NULL), TC_OK);
	fputs("partial", tc_outfile_stream(oa));
	assert_int_equal(count_prefixed(dir, "sig_a.json.tmp."), 1);
	assert_int_equal(count_prefixed(dir, "sig_b.json.tmp."), 1);

	tc_outfile_remove_temps();
	assert_int_equal(count_prefixed(dir, "sig_a.json.tmp."), 0);
	assert_int_equal(count_prefixed(dir, "sig_b.json.tmp."), 0);
	assert_int_equal(stat(done, &st), 0);
	assert_int_equal(tc_outfile_commit(oa, &err), TC_ERR_IO);
	assert_int_not_equal(stat(a, &st), 0);
	tc_outfile_abort(ob);
	assert_int_not_equal(stat(b, &st), 0);
}

static void outfile_reports_missing_directory(void **state)
{
	tc_outfile *of = NULL;
	tc_error err = {0};

	assert_int_equal(tc_outfile_open("/nonexistent/dir/x.csv", &of, &err),
			 TC_ERR_IO);
	assert_string_equal(err.file, "/nonexistent/dir/x.csv");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(strerror_covers_every_status),
	cmocka_unit_test(error_format_has_location),
	cmocka_unit_test(diags_count_errors_and_warnings),
	cmocka_unit_test(numbers_parse_exactly),
	cmocka_unit_test(dates_round_trip),
	cmocka_unit_test(double_format_is_shortest),
	cmocka_unit_test(edit_distance_counts_edits),
	cmocka_unit_test(outfile_leaves_nothing_on_abort),
	cmocka_unit_test(outfile_temps_removed_on_signal),
	cmocka_unit_test(outfile_reports_missing_directory),
};

TC_TEST_MAIN(tests)
