/*
 * test_kg.c - the knowledge graph: schema, every validation rule, the
 * dependency order with lags, cycles, and the bundled example.
 *
 * Most cases build a small GraphML document in memory: a fixed header of
 * HEADER_LINES lines (the XML declaration, <graphml>, one <key> per line
 * from the keys[] table below, and <graph>), then the case's body, one
 * string per line. L(n) is the file line of the body's n-th line, so the
 * expected line of every diagnostic is written by hand as L(n).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_test.h"
#include "tci.h"

static const char *const keys[] = {
	"<key id=\"as_of\" for=\"graph\" attr.name=\"as_of\"/>",
	"<key id=\"kind\" for=\"node\" attr.name=\"kind\"/>",
	"<key id=\"label\" for=\"node\" attr.name=\"label\"/>",
	"<key id=\"unit\" for=\"node\" attr.name=\"unit\"/>",
	"<key id=\"start\" for=\"node\" attr.name=\"start\"/>",
	"<key id=\"growth\" for=\"node\" attr.name=\"growth\"/>",
	"<key id=\"weekly\" for=\"node\" attr.name=\"weekly\"/>",
	"<key id=\"noise\" for=\"node\" attr.name=\"noise\"/>",
	"<key id=\"model\" for=\"node\" attr.name=\"model\"/>",
	"<key id=\"rpd\" for=\"node\" attr.name=\"requests_per_day\"/>",
	"<key id=\"dispersion\" for=\"node\" attr.name=\"dispersion\"/>",
	"<key id=\"in\" for=\"node\" attr.name=\"input_tokens\"/>",
	"<key id=\"out\" for=\"node\" attr.name=\"output_tokens\"/>",
	"<key id=\"corr\" for=\"node\" attr.name=\"io_rank_corr\"/>",
	"<key id=\"cached\" for=\"node\" attr.name=\"cached_share\"/>",
	"<key id=\"write\" for=\"node\" attr.name=\"cache_write_share\"/>",
	"<key id=\"batch\" for=\"node\" attr.name=\"batch_share\"/>",
	"<key id=\"retry\" for=\"node\" attr.name=\"retry_rate\"/>",
	"<key id=\"launch\" for=\"node\" attr.name=\"launch\"/>",
	"<key id=\"ramp\" for=\"node\" attr.name=\"ramp_days\"/>",
	"<key id=\"grwth\" for=\"node\" attr.name=\"grwth\"/>",
	"<key id=\"fit\" for=\"node\" attr.name=\"fit_source\"/>",
	"<key id=\"color\" for=\"node\" attr.name=\"color\"/>",
	"<key id=\"nrate\" for=\"node\" attr.name=\"rate\"/>",
	"<key id=\"rate\" for=\"edge\" attr.name=\"rate\"/>",
	"<key id=\"ekind\" for=\"edge\" attr.name=\"kind\"/>",
	"<key id=\"lag\" for=\"edge\" attr.name=\"lag_days\"/>",
};

#define NKEYS (sizeof keys / sizeof keys[0])
#define HEADER_LINES (2 + NKEYS + 1)
#define L(n) ((long)(HEADER_LINES + (n)))

/* A valid class's required attributes, to keep bodies short. */
#define CLASS_REQ                                                       \
	"<data key=\"model\">m</data><data key=\"in\">1000</data>"      \
	"<data key=\"out\">200</data>"

/* What one case built. */
struct fx {
	tc_graph *g;
	tc_kg *kg;
	tc_diags *d;
	tc_status st;
};

/* Builds the document of body lines (NULL-terminated) with opts. */
static void build_opts(struct fx *f, const char *const *body,
		       const tc_kg_opts *opts)
{
	tc_error err = {0};
	tci_buf b;
	size_t i;

	memset(f, 0, sizeof *f);
	tci_buf_init(&b);
	tci_buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<graphml xmlns=\"http://graphml.graphdrawing.org/"
			 "xmlns\">\n");
	for (i = 0; i < NKEYS; i++)
		tci_buf_addf(&b, "%s\n", keys[i]);
	tci_buf_adds(&b, "<graph id=\"G\" edgedefault=\"directed\">\n");
	for (i = 0; body[i]; i++)
		tci_buf_addf(&b, "%s\n", body[i]);
	tci_buf_adds(&b, "</graph>\n</graphml>\n");

	f->d = tc_diags_new();
	assert_int_equal(tc_graph_read_memory(b.data, b.len, "t.graphml",
					      NULL, &f->g, f->d, &err),
			 TC_OK);
	tci_buf_free(&b);
	f->st = tc_kg_build(f->g, opts, &f->kg, f->d, &err);
}

static void build(struct fx *f, const char *const *body)
{
	build_opts(f, body, NULL);
}

static void fx_free(struct fx *f)
{
	tc_kg_free(f->kg);
	tc_graph_free(f->g);
	tc_diags_free(f->d);
}

/* Prints the diagnostics, to explain a failing case. */
static void dump(const tc_diags *d)
{
	char buf[2048];
	size_t i;

	for (i = 0; i < tc_diags_count(d); i++)
		print_message("  %s\n", tc_diag_format(tc_diags_get(d, i), buf,
						       sizeof buf));
}

/*
 * Asserts that exactly one diagnostic has this severity, line and
 * element and contains text in its message.
 */
static void expect(const struct fx *f, tc_severity sev, long line,
		   const char *element, const char *text)
{
	const tc_diag *d;
	size_t i, hits = 0;

	for (i = 0; i < tc_diags_count(f->d); i++) {
		d = tc_diags_get(f->d, i);
		if (d->severity == sev && d->line == line &&
		    strcmp(d->element, element) == 0 &&
		    strstr(d->message, text))
			hits++;
	}
	if (hits != 1) {
		print_message("expected one %s at line %ld, %s: '%s'\n",
			      sev == TC_SEV_ERROR ? "error" : "warning", line,
			      element, text);
		dump(f->d);
	}
	assert_int_equal(hits, 1);
}

/* Asserts the counts of errors and warnings. */
static void expect_counts(const struct fx *f, size_t errors,
			  size_t warnings)
{
	if (tc_diags_errors(f->d) != errors ||
	    tc_diags_warnings(f->d) != warnings)
		dump(f->d);
	assert_int_equal(tc_diags_errors(f->d), errors);
	assert_int_equal(tc_diags_warnings(f->d), warnings);
	assert_int_equal(f->st, errors ? TC_ERR_INVALID : TC_OK);
	if (errors)
		assert_null(f->kg);
	else
		assert_non_null(f->kg);
}

/* One error, nothing else: the rule under test alone. */
static void expect_one_error(const char *const *body, long line,
			     const char *element, const char *text)
{
	struct fx f;

	build(&f, body);
	expect(&f, TC_SEV_ERROR, line, element, text);
	expect_counts(&f, 1, 0);
	fx_free(&f);
}

static void expect_one_warning(const char *const *body, long line,
			       const char *element, const char *text)
{
	struct fx f;

	build(&f, body);
	expect(&f, TC_SEV_WARNING, line, element, text);
	expect_counts(&f, 0, 1);
	fx_free(&f);
}

/* A root KPI driving a class: the smallest useful valid graph. */
static void minimal_graph_is_valid(void **state)
{
	static const char *const body[] = {
		"<data key=\"as_of\">2026-12-01</data>",
		"<node id=\"users\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">1000</data>"
		"<data key=\"weekly\">1.1,1.1,1.05,1,0.95,0.5,0.45</data>"
		"</node>",
		"<node id=\"chat\"><data key=\"kind\">feature_class</data>"
		"<data key=\"label\">Chat</data>" CLASS_REQ "</node>",
		"<edge id=\"e\" source=\"users\" target=\"chat\">"
		"<data key=\"rate\">2.5</data></edge>",
		NULL};
	struct fx f;
	tc_kg_edge e;
	int64_t as_of;
	double v;

	build(&f, body);
	expect_counts(&f, 0, 0);
	assert_int_equal(tc_kg_node_count(f.kg), 2);
	assert_int_equal(tc_kg_as_of(f.kg, &as_of), 1);
	assert_true(as_of == tci_days_from_civil(2026, 12, 1));
	assert_int_equal(tc_kg_node_kind(f.kg, 0), TC_KG_KPI);
	assert_int_equal(tc_kg_node_kind(f.kg, 1), TC_KG_FEATURE_CLASS);
	assert_int_equal(tc_kg_node_is_root(f.kg, 0), 1);
	assert_int_equal(tc_kg_node_is_root(f.kg, 1), 0);
	assert_string_equal(tc_kg_node_label(f.kg, 0), "users");
	assert_string_equal(tc_kg_node_label(f.kg, 1), "Chat");
	assert_string_equal(tc_kg_node_text(f.kg, 1, TC_KG_MODEL), "m");
	assert_int_equal(tc_spec_is_constant(
				 tc_kg_node_spec(f.kg, 0, TC_KG_START), &v),
			 1);
	assert_true(v == 1000);
	assert_int_equal(tc_spec_is_constant(tc_kg_node_weekly(f.kg, 0, 6),
					     &v),
			 1);
	assert_true(v == 0.45);
	assert_null(tc_kg_node_weekly(f.kg, 1, 0));
	assert_null(tc_kg_node_spec(f.kg, 0, TC_KG_GROWTH));
	assert_int_equal(tc_kg_in_count(f.kg, 1), 1);
	tc_kg_edge_get(f.kg, tc_kg_in_edge(f.kg, 1, 0), &e);
	assert_int_equal(e.source, 0);
	assert_int_equal(e.kind, TC_KG_DRIVES);
	assert_true(e.lag_days == 0);
	assert_int_equal(tc_spec_is_constant(e.rate, &v), 1);
	assert_true(v == 2.5);
	assert_int_equal(e.line, L(4));
	fx_free(&f);
}

static void missing_kind_is_an_error(void **state)
{
	static const char *const body[] = {
		"<node id=\"x\"><data key=\"start\">1</data></node>", NULL};

	expect_one_error(body, L(1), "node 'x'", "missing attribute 'kind'");
}

static void unknown_kind_is_an_error(void **state)
{
	static const char *const body[] = {
		"<node id=\"x\">",
		"<data key=\"kind\">kpl</data>",
		"</node>",
		NULL};

	expect_one_error(body, L(2), "node 'x'",
			 "unknown kind 'kpl' (expected 'kpi' or "
			 "'feature_class') (did you mean 'kpi'?)");
}

static void growth_on_driven_kpi_is_an_error(void **state)
{
	static const char *const body[] = {
		"<node id=\"a\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data></node>",
		"<node id=\"b\">",
		"<data key=\"kind\">kpi</data>",
		"<data key=\"growth\">0.05</data>",
		"</node>",
		"<edge source=\"a\" target=\"b\"><data key=\"rate\">1</data>"
		"</edge>",
		NULL};

	expect_one_error(body, L(4), "node 'b'",
			 "attribute 'growth' does not apply to a driven kpi");
}

static void class_attribute_on_kpi_is_an_error(void **state)
{
	static const char *const body[] = {
		"<node id=\"a\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data>",
		"<data key=\"model\">gpt-5-mini</data></node>",
		NULL};

	expect_one_error(body, L(2), "node 'a'",
			 "attribute 'model' does not apply to a kpi (feature "
			 "classes only)");
}

static void requests_on_driven_class_is_an_error(void **state)
{
	static const char *const body[] = {
		"<node id=\"a\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data></node>",
		"<node id=\"c\"><data key=\"kind\">feature_class</data>"
		CLASS_REQ,
		"<data key=\"rpd\">100</data></node>",
		"<edge source=\"a\" target=\"c\"><data key=\"rate\">1</data>"
		"</edge>",
		NULL};

	expect_one_error(body, L(3), "node 'c'",
			 "attribute 'requests_per_day' does not apply to a "
			 "driven feature_class");
}

/*
 * "lognormal(7.4, x)": the x is the 16th character, so the parser's
 * column is 16.
 */
static void malformed_spec_names_column(void **state)
{
	static const char *const body[] = {
		"<node id=\"c\"><data key=\"kind\">feature_class</data>"
		"<data key=\"model\">m</data><data key=\"rpd\">1</data>",
		"<data key=\"in\">lognormal(7.4, x)</data>",
		"<data key=\"out\">1</data></node>",
		NULL};

	expect_one_error(body, L(2), "node 'c'",
			 "attribute 'input_tokens': column 16:");
}

/* "1,1,1,1,1,abc,1": abc starts at character 11. */
static void malformed_weekly_factor_names_column(void **state)
{
	static const char *const body[] = {
		"<node id=\"a\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data>",
		"<data key=\"weekly\">1,1,1,1,1,abc,1</data></node>",
		NULL};

	expect_one_error(body, L(2), "node 'a'",
			 "attribute 'weekly': column 11:");
}

static void weekly_needs_seven_factors(void **state)
{
	static const char *const six[] = {
		"<node id=\"a\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data>",
		"<data key=\"weekly\">1,1,1,1,1,1</data></node>",
		NULL};
	static const char *const zeros[] = {
		"<node id=\"a\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data>",
		"<data key=\"weekly\">0, 0, 0, 0, 0, 0, 0</data></node>",
		NULL};
	static const char *const nested[] = {
		"<node id=\"a\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data>",
		"<data key=\"weekly\">normal(1.1, 0.01),1,1,1,1,"
		"uniform(0.4, 0.6),0.5</data></node>",
		NULL};
	struct fx f;

	expect_one_error(six, L(2), "node 'a'", "expected seven factors");
	expect_one_error(zeros, L(2), "node 'a'", "all zero");
	build(&f, nested);
	expect_counts(&f, 0, 0);
	assert_int_equal(tc_spec_get_family(tc_kg_node_weekly(f.kg, 0, 0)),
			 TC_SPEC_NORMAL);
	assert_int_equal(tc_spec_get_family(tc_kg_node_weekly(f.kg, 0, 5)),
			 TC_SPEC_UNIFORM);
	fx_free(&f);
}

/* growth must stay above -1: -1 itself is outside. */
static void growth_at_minus_one_is_an_error(void **state)
{
	static const char *const body[] = {
		"<node id=\"a\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data>",
		"<data key=\"growth\">-1</data></node>",
		NULL};

	expect_one_error(body, L(2), "node 'a'",
			 "attribute 'growth': -1 is outside the domain "
			 "(-1, inf)");
}

static void constants_outside_domains_are_errors(void **state)
{
	static const char *const body[] = {
		"<node id=\"c\"><data key=\"kind\">feature_class</data>"
		"<data key=\"rpd\">10</data>" CLASS_REQ,
		"<data key=\"cached\">1.2</data>",
		"<data key=\"dispersion\">0</data>",
		"<data key=\"corr\">-1.5</data>",
		"<data key=\"retry\">-0.1</data></node>",
		"<node id=\"d\"><data key=\"kind\">feature_class</data>"
		CLASS_REQ "</node>",
		"<edge source=\"c\" target=\"d\"><data key=\"ekind\">calls"
		"</data><data key=\"rate\">-2</data></edge>",
		NULL};
	struct fx f;

	build(&f, body);
	expect(&f, TC_SEV_ERROR, L(2), "node 'c'",
	       "'cached_share': 1.2 is outside the domain [0, 1]");
	expect(&f, TC_SEV_ERROR, L(3), "node 'c'",
	       "'dispersion': 0 is outside the domain (0, inf)");
	expect(&f, TC_SEV_ERROR, L(4), "node 'c'",
	       "'io_rank_corr': -1.5 is outside the domain [-1, 1]");
	expect(&f, TC_SEV_ERROR, L(5), "node 'c'",
	       "'retry_rate': -0.1 is outside the domain [0, inf)");
	expect(&f, TC_SEV_ERROR, L(7), "edge 'c' -> 'd'",
	       "'rate': -2 is outside the domain [0, inf)");
	expect_counts(&f, 5, 0);
	fx_free(&f);
}

/*
 * Masses outside the domain, by hand: normal(-0.9, 0.1) below -1 is
 * Phi(-1) = 0.158655 (15.9%); normal(0.5, 0.2) outside [0, 1] is
 * 2 Phi(-2.5) = 0.012419 (1.2%, above the 1% threshold);
 * normal(0.5, 0.1) outside [0, 1] is 2 Phi(-5) = 5.7e-7 (no warning).
 */
static void mass_outside_domain_warns(void **state)
{
	static const char *const body[] = {
		"<node id=\"a\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data>",
		"<data key=\"growth\">normal(-0.9, 0.1)</data></node>",
		"<node id=\"c\"><data key=\"kind\">feature_class</data>"
		"<data key=\"rpd\">10</data>" CLASS_REQ,
		"<data key=\"cached\">normal(0.5, 0.2)</data>",
		"<data key=\"batch\">normal(0.5, 0.1)</data></node>",
		NULL};
	struct fx f;

	build(&f, body);
	expect(&f, TC_SEV_WARNING, L(2), "node 'a'",
	       "attribute 'growth': 15.9% of the spec's mass lies outside "
	       "the domain (-1, inf)");
	expect(&f, TC_SEV_WARNING, L(4), "node 'c'",
	       "attribute 'cached_share': 1.2% of the spec's mass");
	expect_counts(&f, 0, 2);
	fx_free(&f);
}

static void spec_wholly_outside_domain_is_an_error(void **state)
{
	static const char *const body[] = {
		"<node id=\"a\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data>",
		"<data key=\"growth\">uniform(-3, -2)</data></node>",
		NULL};

	expect_one_error(body, L(2), "node 'a'",
			 "all of the spec's mass lies outside the domain");
}

static void dates_only_where_dates_belong(void **state)
{
	static const char *const body[] = {
		"<data key=\"as_of\">2026-13-01</data>",
		"<node id=\"a\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data>",
		"<data key=\"growth\">2027-01-01</data></node>",
		"<node id=\"c\"><data key=\"kind\">feature_class</data>"
		"<data key=\"rpd\">10</data>" CLASS_REQ,
		"<data key=\"launch\">12</data></node>",
		"<node id=\"d\"><data key=\"kind\">feature_class</data>"
		"<data key=\"rpd\">10</data>" CLASS_REQ,
		"<data key=\"launch\">pert(2027-02-01, 2027-02-15, 2027-03-15)"
		"</data><data key=\"ramp\">28</data></node>",
		NULL};
	struct fx f;

	build(&f, body);
	expect(&f, TC_SEV_ERROR, L(1), "graph",
	       "attribute 'as_of': expected a date YYYY-MM-DD, got "
	       "'2026-13-01'");
	expect(&f, TC_SEV_ERROR, L(3), "node 'a'",
	       "attribute 'growth': expected a number or a spec, got a date");
	expect(&f, TC_SEV_ERROR, L(5), "node 'c'",
	       "attribute 'launch': expected a date");
	expect_counts(&f, 3, 0);
	fx_free(&f);
}

static void lag_days_must_be_whole_and_not_negative(void **state)
{
	static const char *const body[] = {
		"<node id=\"a\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data></node>",
		"<node id=\"b\"><data key=\"kind\">kpi</data></node>",
		"<edge id=\"e0\" source=\"a\" target=\"b\">"
		"<data key=\"rate\">1</data><data key=\"lag\">2.0</data>"
		"</edge>",
		"<edge id=\"e1\" source=\"a\" target=\"b\">"
		"<data key=\"rate\">1</data>",
		"<data key=\"lag\">1.5</data></edge>",
		"<edge id=\"e2\" source=\"a\" target=\"b\">"
		"<data key=\"rate\">1</data>",
		"<data key=\"lag\">-1</data></edge>",
		NULL};
	struct fx f;
	tc_kg_edge e;

	build(&f, body);
	expect(&f, TC_SEV_ERROR, L(5), "edge 'e1'",
	       "lag_days must be a whole number of days >= 0, got '1.5'");
	expect(&f, TC_SEV_ERROR, L(7), "edge 'e2'",
	       "lag_days must be a whole number of days from 0 to 3660, "
	       "got '-1'");
	expect_counts(&f, 2, 0);
	fx_free(&f);

	/* Without the bad edges: "2.0" is a whole number of days. */
	{
		const char *ok[] = {body[0], body[1], body[2], NULL};

		build(&f, ok);
		expect_counts(&f, 0, 0);
		tc_kg_edge_get(f.kg, 0, &e);
		assert_true(e.lag_days == 2);
		assert_true(tc_kg_max_lag(f.kg) == 2);
		fx_free(&f);
	}
}

static void edge_kinds_are_checked(void **state)
{
	static const char *const body[] = {
		"<node id=\"u\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data></node>",
		"<node id=\"c\"><data key=\"kind\">feature_class</data>"
		"<data key=\"rpd\">10</data>" CLASS_REQ "</node>",
		"<node id=\"d\"><data key=\"kind\">feature_class</data>"
		CLASS_REQ "</node>",
		"<edge id=\"bad_word\" source=\"c\" target=\"d\">"
		"<data key=\"rate\">1</data>",
		"<data key=\"ekind\">call</data></edge>",
		"<edge id=\"kpi_calls\" source=\"u\" target=\"d\">"
		"<data key=\"rate\">1</data><data key=\"ekind\">calls</data>"
		"</edge>",
		"<edge id=\"class_drives\" source=\"c\" target=\"d\">"
		"<data key=\"rate\">1</data></edge>",
		NULL};
	struct fx f;

	build(&f, body);
	expect(&f, TC_SEV_ERROR, L(5), "edge 'bad_word'",
	       "unknown edge kind 'call' (expected 'drives' or 'calls') "
	       "(did you mean 'calls'?)");
	expect(&f, TC_SEV_ERROR, L(6), "edge 'kpi_calls'",
	       "a calls edge joins two feature classes, but 'u' is a kpi");
	expect(&f, TC_SEV_ERROR, L(7), "edge 'class_drives'",
	       "a drives edge starts at a kpi, but 'c' is a feature_class");
	/* d has no valid incoming edge: a root without its own demand. */
	expect(&f, TC_SEV_ERROR, L(3), "node 'd'",
	       "missing attribute 'requests_per_day'");
	expect_counts(&f, 4, 0);
	fx_free(&f);
}

static void required_attributes_are_reported(void **state)
{
	static const char *const body[] = {
		"<node id=\"u\"><data key=\"kind\">kpi</data></node>",
		"<node id=\"c\"><data key=\"kind\">feature_class</data></node>",
		"<node id=\"t\"><data key=\"kind\">feature_class</data>"
		CLASS_REQ "</node>",
		"<edge id=\"e\" source=\"c\" target=\"t\">"
		"<data key=\"ekind\">calls</data></edge>",
		NULL};
	static const tc_kg_opts soft = {TC_KG_ALLOW_INCOMPLETE, NULL, NULL,
					NULL, NULL};
	struct fx f;

	build(&f, body);
	expect(&f, TC_SEV_ERROR, L(1), "node 'u'", "missing attribute "
						   "'start' (required for a "
						   "root kpi)");
	expect(&f, TC_SEV_ERROR, L(2), "node 'c'", "'model'");
	expect(&f, TC_SEV_ERROR, L(2), "node 'c'", "'requests_per_day'");
	expect(&f, TC_SEV_ERROR, L(2), "node 'c'", "'input_tokens'");
	expect(&f, TC_SEV_ERROR, L(2), "node 'c'", "'output_tokens'");
	expect(&f, TC_SEV_ERROR, L(4), "edge 'e'", "missing attribute "
						   "'rate'");
	/* t is only called: no requests_per_day needed. */
	expect_counts(&f, 6, 0);
	fx_free(&f);

	/* For the fitter's input: all but start become warnings. */
	build_opts(&f, body, &soft);
	expect_counts(&f, 1, 5);
	fx_free(&f);
}

static void unknown_attributes_warn_only_when_near(void **state)
{
	static const char *const body[] = {
		"<node id=\"a\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data>",
		"<data key=\"grwth\">0.1</data>",
		"<data key=\"fit\">x.csv</data>",
		"<data key=\"color\">red</data></node>",
		NULL};

	expect_one_warning(body, L(2), "node 'a'",
			   "unknown attribute 'grwth' (did you mean "
			   "'growth'?)");
}

static void edge_attribute_on_node_warns(void **state)
{
	static const char *const body[] = {
		"<node id=\"a\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data>",
		"<data key=\"nrate\">2</data></node>",
		NULL};

	expect_one_warning(body, L(2), "node 'a'",
			   "attribute 'rate' applies to edges");
}

static void ramp_without_launch_warns(void **state)
{
	static const char *const body[] = {
		"<node id=\"c\"><data key=\"kind\">feature_class</data>"
		"<data key=\"rpd\">10</data>" CLASS_REQ,
		"<data key=\"ramp\">14</data></node>",
		NULL};

	expect_one_warning(body, L(1), "node 'c'",
			   "'ramp_days' has no effect without 'launch'");
}

/* Means by hand: beta(7, 3) has mean 0.7, beta(2, 3) 0.4; 1.1 > 1. */
static void cache_shares_above_one_warn(void **state)
{
	static const char *const body[] = {
		"<node id=\"c\"><data key=\"kind\">feature_class</data>"
		"<data key=\"rpd\">10</data>" CLASS_REQ,
		"<data key=\"cached\">beta(7, 3)</data>",
		"<data key=\"write\">beta(2, 3)</data></node>",
		"<node id=\"d\"><data key=\"kind\">feature_class</data>"
		"<data key=\"rpd\">10</data>" CLASS_REQ,
		"<data key=\"cached\">beta(7, 3)</data>",
		"<data key=\"write\">0.3</data></node>",
		NULL};

	expect_one_warning(body, L(1), "node 'c'",
			   "the mean cached_share (0.7) and cache_write_share "
			   "(0.4) add up to more than 1");
}

/*
 * Moments beyond double precision are errors where the forecast needs
 * them. lognormal(1000, 1000): mean exp(1000 + 1000^2 / 2) overflows.
 * negbinomial(mean 1e300, size 1e-300): variance 1e300 + 1e600 / 1e-300
 * overflows. loglogistic with shape 1.5 has no variance (shape <= 2).
 */
static void infinite_token_moments_are_errors(void **state)
{
	static const char *const body[] = {
		"<node id=\"c\"><data key=\"kind\">feature_class</data>"
		"<data key=\"rpd\">10</data><data key=\"model\">m</data>",
		"<data key=\"in\">lognormal(1000, 1000)</data>",
		"<data key=\"out\">negbinomial(1e300, 1e-300)</data></node>",
		"<node id=\"d\"><data key=\"kind\">feature_class</data>"
		"<data key=\"rpd\">lognormal(1000, 1)</data>",
		"<data key=\"model\">m</data><data key=\"out\">9</data>",
		"<data key=\"in\">loglogistic(1000, 1.5)</data></node>",
		NULL};
	struct fx f;

	(void)state;
	build(&f, body);
	expect(&f, TC_SEV_ERROR, L(2), "node 'c'", "attribute "
	       "'input_tokens': the spec's mean is not finite");
	expect(&f, TC_SEV_ERROR, L(3), "node 'c'", "attribute "
	       "'output_tokens': the spec's variance is not finite");
	expect(&f, TC_SEV_ERROR, L(4), "node 'd'", "attribute "
	       "'requests_per_day': the spec's mean is not finite");
	expect(&f, TC_SEV_ERROR, L(6), "node 'd'", "attribute "
	       "'input_tokens': the spec's variance is not finite");
	expect_counts(&f, 4, 0);
	fx_free(&f);
}

/*
 * Finite but implausible moments only warn. lognormal(25, 1): mean
 * exp(25.5) = 1.187e11 tokens (python3 math.exp) > 1e9.
 * normal(1e13, 1): 1e13 requests a day > 1e12. normal(1000, 2e9): sd
 * 2e9 > 1e9 (its mass below 0 warns on its own: half the mass, 50.0%).
 * A noise of lognormal(800, 30) (mean exp(800 + 450) overflows) only
 * warns: only token specs and requests_per_day are errors.
 */
static void implausible_moments_warn(void **state)
{
	static const char *const body[] = {
		"<node id=\"c\"><data key=\"kind\">feature_class</data>"
		"<data key=\"model\">m</data><data key=\"out\">9</data>",
		"<data key=\"in\">lognormal(25, 1)</data>",
		"<data key=\"rpd\">normal(1e13, 1)</data></node>",
		"<node id=\"d\"><data key=\"kind\">feature_class</data>"
		"<data key=\"rpd\">10</data><data key=\"model\">m</data>",
		"<data key=\"in\">normal(1000, 2e9)</data>"
		"<data key=\"out\">9</data></node>",
		"<node id=\"k\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data>",
		"<data key=\"noise\">lognormal(800, 30)</data></node>",
		NULL};
	struct fx f;

	(void)state;
	build(&f, body);
	expect(&f, TC_SEV_WARNING, L(2), "node 'c'", "attribute "
	       "'input_tokens': the spec's mean 1.19e+11 is above 1e+09");
	expect(&f, TC_SEV_WARNING, L(3), "node 'c'", "attribute "
	       "'requests_per_day': the spec's mean 1e+13 is above 1e+12");
	expect(&f, TC_SEV_WARNING, L(5), "node 'd'", "attribute "
	       "'input_tokens': the spec's standard deviation 2e+09 is "
	       "above 1e+09");
	expect(&f, TC_SEV_WARNING, L(7), "node 'k'", "attribute 'noise': "
	       "the spec's mean is not finite");
	expect_counts(&f, 0, 5);
	fx_free(&f);
}

static void undirected_edge_warns(void **state)
{
	static const char *const body[] = {
		"<node id=\"a\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data></node>",
		"<node id=\"b\"><data key=\"kind\">kpi</data></node>",
		"<edge source=\"a\" target=\"b\" directed=\"false\">"
		"<data key=\"rate\">1</data></edge>",
		NULL};

	expect_one_warning(body, L(3), "edge 'a' -> 'b'",
			   "undirected edge, read as directed from 'a' to "
			   "'b'");
}

static void cycle_without_lag_is_an_error(void **state)
{
	static const char *const body[] = {
		"<node id=\"r\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data></node>",
		"<node id=\"a\"><data key=\"kind\">kpi</data></node>",
		"<node id=\"b\"><data key=\"kind\">kpi</data></node>",
		"<node id=\"c\"><data key=\"kind\">kpi</data></node>",
		"<edge source=\"r\" target=\"a\"><data key=\"rate\">1</data>"
		"</edge>",
		"<edge source=\"c\" target=\"a\"><data key=\"rate\">1</data>"
		"</edge>",
		"<edge source=\"a\" target=\"b\"><data key=\"rate\">1</data>"
		"</edge>",
		"<edge source=\"b\" target=\"c\"><data key=\"rate\">1</data>"
		"</edge>",
		NULL};

	expect_one_error(body, L(2), "node 'a'",
			 "cycle with no edge lagged by a day or more: "
			 "a -> b -> c -> a");
}

static void agent_calling_itself_same_day_is_an_error(void **state)
{
	static const char *const body[] = {
		"<node id=\"ag\"><data key=\"kind\">feature_class</data>"
		"<data key=\"rpd\">10</data>" CLASS_REQ "</node>",
		"<edge source=\"ag\" target=\"ag\"><data key=\"ekind\">calls"
		"</data><data key=\"rate\">0.5</data></edge>",
		NULL};

	expect_one_error(body, L(1), "node 'ag'",
			 "cycle with no edge lagged by a day or more: "
			 "ag -> ag");
}

/* Two separate lag-0 cycles: both are reported at once. */
static void every_cycle_is_reported(void **state)
{
	static const char *const body[] = {
		"<node id=\"a\"><data key=\"kind\">kpi</data></node>",
		"<node id=\"b\"><data key=\"kind\">kpi</data></node>",
		"<node id=\"c\"><data key=\"kind\">kpi</data></node>",
		"<node id=\"d\"><data key=\"kind\">kpi</data></node>",
		"<edge source=\"a\" target=\"b\"><data key=\"rate\">1</data>"
		"</edge>",
		"<edge source=\"b\" target=\"a\"><data key=\"rate\">1</data>"
		"</edge>",
		"<edge source=\"d\" target=\"c\"><data key=\"rate\">1</data>"
		"</edge>",
		"<edge source=\"c\" target=\"d\"><data key=\"rate\">1</data>"
		"</edge>",
		NULL};
	struct fx f;

	build(&f, body);
	expect(&f, TC_SEV_ERROR, L(1), "node 'a'", "a -> b -> a");
	expect(&f, TC_SEV_ERROR, L(3), "node 'c'", "c -> d -> c");
	expect_counts(&f, 2, 0);
	fx_free(&f);
}

/* Fifty cycles are listed; the rest are counted in one more error. */
static void many_cycles_are_capped(void **state)
{
	const char *body[2 * 60 + 1];
	char *lines[2 * 60];
	struct fx f;
	size_t i;

	for (i = 0; i < 60; i++) {
		lines[2 * i] = malloc(128);
		lines[2 * i + 1] = malloc(128);
		snprintf(lines[2 * i], 128,
			 "<node id=\"k%zu\"><data key=\"kind\">kpi</data>"
			 "</node>", i);
		snprintf(lines[2 * i + 1], 128,
			 "<edge source=\"k%zu\" target=\"k%zu\">"
			 "<data key=\"rate\">0.5</data></edge>", i, i);
		body[2 * i] = lines[2 * i];
		body[2 * i + 1] = lines[2 * i + 1];
	}
	body[120] = NULL;
	build(&f, body);
	expect(&f, TC_SEV_ERROR, L(1), "node 'k0'", "k0 -> k0");
	expect(&f, TC_SEV_ERROR, L(99), "node 'k49'", "k49 -> k49");
	expect(&f, TC_SEV_ERROR, 0, "graph",
	       "10 more cycles with no lagged edge are not listed");
	expect_counts(&f, 51, 0);
	fx_free(&f);
	for (i = 0; i < 120; i++)
		free(lines[i]);
}

/* Pretty-printed words: white space around kinds and dates is fine. */
static void words_ignore_surrounding_space(void **state)
{
	static const char *const body[] = {
		"<data key=\"as_of\"> 2027-01-04\n</data>",
		"<node id=\"u\"><data key=\"kind\">",
		"  kpi",
		"</data><data key=\"start\">5</data></node>",
		"<node id=\"c\"><data key=\"kind\"> feature_class </data>"
		CLASS_REQ "</node>",
		"<edge source=\"u\" target=\"c\"><data key=\"rate\">1</data>"
		"<data key=\"ekind\"> drives</data></edge>",
		NULL};
	struct fx f;
	int64_t as_of;

	build(&f, body);
	expect_counts(&f, 0, 0);
	assert_int_equal(tc_kg_as_of(f.kg, &as_of), 1);
	assert_true(as_of == tci_days_from_civil(2027, 1, 4));
	fx_free(&f);
}

/* Position of node id in the order. */
static size_t position(const tc_kg *kg, const char *id)
{
	const size_t *order;
	size_t n, i, node;

	assert_int_equal(tc_kg_find_node(kg, id, &node), 1);
	order = tc_kg_order(kg, &n);
	for (i = 0; i < n; i++)
		if (order[i] == node)
			return i;
	fail_msg("node %s is not in the order", id);
	return n;
}

/*
 * Nodes written in reverse dependency order, with a cycle closed by a
 * lagged edge (tool calls chat the next day): the cycle is allowed, and
 * the order follows the lag-0 edges only.
 */
static void order_follows_same_day_edges(void **state)
{
	static const char *const body[] = {
		"<node id=\"tool\"><data key=\"kind\">feature_class</data>"
		CLASS_REQ "</node>",
		"<node id=\"chat\"><data key=\"kind\">feature_class</data>"
		CLASS_REQ "</node>",
		"<node id=\"sessions\"><data key=\"kind\">kpi</data></node>",
		"<node id=\"users\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data></node>",
		"<edge source=\"tool\" target=\"chat\"><data key=\"ekind\">"
		"calls</data><data key=\"rate\">0.1</data>"
		"<data key=\"lag\">1</data></edge>",
		"<edge source=\"chat\" target=\"tool\"><data key=\"ekind\">"
		"calls</data><data key=\"rate\">2</data></edge>",
		"<edge source=\"sessions\" target=\"chat\">"
		"<data key=\"rate\">3</data></edge>",
		"<edge source=\"users\" target=\"sessions\">"
		"<data key=\"rate\">2</data><data key=\"lag\">7</data></edge>",
		NULL};
	struct fx f;
	size_t tool;

	build(&f, body);
	expect_counts(&f, 0, 0);
	assert_true(position(f.kg, "sessions") < position(f.kg, "chat"));
	assert_true(position(f.kg, "chat") < position(f.kg, "tool"));
	assert_true(tc_kg_max_lag(f.kg) == 7);
	assert_int_equal(tc_kg_find_node(f.kg, "tool", &tool), 1);
	assert_int_equal(tc_kg_node_is_root(f.kg, tool), 1);
	assert_int_equal(tc_kg_in_count(f.kg, tool), 1);
	assert_int_equal(tc_kg_out_count(f.kg, tool), 1);
	fx_free(&f);
}

/*
 * A lagged edge does not constrain the same-day order, but on the first
 * day it reads its source's first-day value: users comes first there.
 */
static void first_day_order_respects_lagged_edges(void **state)
{
	static const char *const body[] = {
		"<node id=\"summ\"><data key=\"kind\">feature_class</data>"
		CLASS_REQ "</node>",
		"<node id=\"users\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data></node>",
		"<edge source=\"users\" target=\"summ\">"
		"<data key=\"rate\">0.2</data><data key=\"lag\">1</data>"
		"</edge>",
		NULL};
	struct fx f;
	const size_t *order;
	size_t n;

	build(&f, body);
	expect_counts(&f, 0, 0);
	order = tc_kg_order(f.kg, &n);
	assert_int_equal(n, 2);
	assert_int_equal(order[0], 0);	/* summ: nothing same-day before */
	order = tc_kg_first_day_order(f.kg, &n);
	assert_int_equal(order[0], 1);	/* users */
	assert_int_equal(order[1], 0);
	assert_int_equal(tc_kg_cycle_count(f.kg), 0);
	fx_free(&f);
}

/*
 * chat calls tools twice a request the same day; tools call chat back
 * the next day, at rate 0.1 (allowed: gain sqrt(2 x 0.1) = 0.447) or at
 * rate 0.6 (an error: gain sqrt(2 x 0.6) = sqrt(1.2) = 1.095, the
 * spectral radius of [[0, 0.6], [2, 0]]).
 */
static void cycle_gain_must_stay_below_one(void **state)
{
	static const char *body[] = {
		"<node id=\"x\"><data key=\"kind\">kpi</data>"
		"<data key=\"start\">5</data></node>",
		"<node id=\"chat\"><data key=\"kind\">feature_class</data>"
		CLASS_REQ "</node>",
		"<node id=\"tools\"><data key=\"kind\">feature_class</data>"
		CLASS_REQ "</node>",
		"<edge source=\"x\" target=\"chat\">"
		"<data key=\"rate\">1</data></edge>",
		"<edge source=\"chat\" target=\"tools\">"
		"<data key=\"ekind\">calls</data>"
		"<data key=\"rate\">2</data></edge>",
		NULL, NULL};
	struct fx f;
	size_t chat, tools;

	body[5] = "<edge source=\"tools\" target=\"chat\">"
		  "<data key=\"ekind\">calls</data><data key=\"lag\">1"
		  "</data><data key=\"rate\">0.1</data></edge>";
	build(&f, body);
	expect_counts(&f, 0, 0);
	assert_int_equal(tc_kg_cycle_count(f.kg), 1);
	assert_int_equal(tc_kg_find_node(f.kg, "chat", &chat), 1);
	assert_int_equal(tc_kg_find_node(f.kg, "tools", &tools), 1);
	assert_int_equal(tc_kg_node_cycle(f.kg, chat), 1);
	assert_int_equal(tc_kg_node_cycle(f.kg, tools), 1);
	assert_int_equal(tc_kg_node_cycle(f.kg, 0), 0);
	assert_int_equal(tc_kg_first_day_order(f.kg, NULL)[0], 0);
	fx_free(&f);

	body[5] = "<edge source=\"tools\" target=\"chat\">"
		  "<data key=\"ekind\">calls</data><data key=\"lag\">1"
		  "</data><data key=\"rate\">0.6</data></edge>";
	expect_one_error(body, L(2), "node 'chat'",
			 "the cycle through 'chat', 'tools' has gain 1.095 ");
}

/* A model hook that knows one model and suggests it. */
static int known_model(void *ctx, const char *model, char *hint,
		       size_t size)
{
	(*(int *)ctx)++;
	if (strcmp(model, "gpt-5-mini") == 0)
		return 1;
	snprintf(hint, size, "did you mean 'gpt-5-mini'?");
	return 0;
}

static void models_are_checked_through_the_hook(void **state)
{
	static const char *const body[] = {
		"<node id=\"c\"><data key=\"kind\">feature_class</data>"
		"<data key=\"rpd\">1</data><data key=\"in\">1</data>"
		"<data key=\"out\">1</data>",
		"<data key=\"model\">gpt-5-mimi</data></node>",
		"<node id=\"d\"><data key=\"kind\">feature_class</data>"
		"<data key=\"rpd\">1</data><data key=\"in\">1</data>"
		"<data key=\"out\">1</data>",
		"<data key=\"model\">gpt-5-mini</data></node>",
		NULL};
	int calls = 0;
	tc_kg_opts opts = {0, known_model, &calls, NULL, NULL};
	struct fx f;

	build_opts(&f, body, &opts);
	expect(&f, TC_SEV_ERROR, L(2), "node 'c'",
	       "unknown model 'gpt-5-mimi' (not in the pricing catalog); "
	       "did you mean 'gpt-5-mini'?");
	expect_counts(&f, 1, 0);
	assert_int_equal(calls, 2);
	fx_free(&f);

	/* Without a catalog no model is checked. */
	build(&f, body);
	expect_counts(&f, 0, 0);
	fx_free(&f);
}

static void schema_domains_and_spec_check(void **state)
{
	const tc_kg_attr_info *g = tc_kg_attr_get(TC_KG_GROWTH);
	const tc_kg_attr_info *s = tc_kg_attr_find("cached_share",
						   TC_KG_AT_NODE);
	tc_error err = {0};
	tc_spec *spec = NULL;
	double out = -1;
	size_t n, i;
	const tc_kg_attr_info *rows = tc_kg_schema(&n);

	assert_int_equal(n, TC_KG_ATTR_COUNT);
	for (i = 0; i < n; i++)
		assert_int_equal(rows[i].attr, (tc_kg_attr)i);
	assert_null(tc_kg_attr_find("rate", TC_KG_AT_NODE));
	assert_non_null(tc_kg_attr_find("rate", TC_KG_AT_EDGE));
	assert_int_equal(s->draw, TC_KG_PER_REQUEST);
	assert_int_equal(g->draw, TC_KG_PER_TRIAL);
	assert_int_equal(tc_kg_in_domain(g, -1.0), 0);
	assert_int_equal(tc_kg_in_domain(g, -0.999), 1);
	assert_int_equal(tc_kg_in_domain(s, 0.0), 1);
	assert_int_equal(tc_kg_in_domain(s, 1.0), 1);
	assert_int_equal(tc_kg_in_domain(s, 1.0000001), 0);
	assert_int_equal(tc_kg_in_domain(s, NAN), 0);

	/* uniform(-2, 0) below -1 is exactly one half. */
	assert_int_equal(tc_spec_parse("uniform(-2, 0)", NULL, &spec, &err),
			 TC_OK);
	assert_int_equal(tc_kg_check_spec(g, spec, &out, &err), TC_OK);
	assert_true(fabs(out - 0.5) < 1e-12);
	tc_spec_free(spec);

	/* A date for a number, and a number for a date. */
	assert_int_equal(tc_spec_parse("2027-01-01", NULL, &spec, &err),
			 TC_OK);
	assert_int_equal(tc_kg_check_spec(g, spec, &out, &err),
			 TC_ERR_INVALID);
	assert_string_equal(err.message,
			    "expected a number or a spec, got a date");
	assert_int_equal(tc_kg_check_spec(tc_kg_attr_get(TC_KG_LAUNCH), spec,
					  &out, NULL),
			 TC_OK);
	tc_spec_free(spec);
	assert_int_equal(tc_kg_check_spec(g, NULL, &out, NULL), TC_ERR_ARG);
}

/* Every attribute of the schema is documented in docs/graph-schema.md. */
static void schema_is_documented(void **state)
{
	char *doc = tc_read_whole(tc_source_path("docs/graph-schema.md"),
				  NULL);
	char needle[64];
	size_t n, i;
	const tc_kg_attr_info *rows = tc_kg_schema(&n);

	assert_non_null(doc);
	for (i = 0; i < n; i++) {
		snprintf(needle, sizeof needle, "| `%s` |", rows[i].name);
		if (!strstr(doc, needle))
			fail_msg("docs/graph-schema.md has no row %s", needle);
	}
	free(doc);
}

static void example_is_valid(void **state)
{
	tc_diags *d = tc_diags_new();
	tc_error err = {0};
	tc_kg *kg = NULL;
	size_t tool, plan, in;
	tc_kg_edge e;

	assert_int_equal(tc_kg_load_file(
				 tc_source_path("examples/assistant.graphml"),
				 NULL, &kg, d, &err),
			 TC_OK);
	if (tc_diags_count(d))
		dump(d);
	assert_int_equal(tc_diags_count(d), 0);
	assert_int_equal(tc_kg_node_count(kg), 7);
	assert_int_equal(tc_kg_edge_count(kg), 5);
	assert_int_equal(tc_kg_find_node(kg, "agent_tool", &tool), 1);
	assert_int_equal(tc_kg_find_node(kg, "agent_planning", &plan), 1);
	assert_int_equal(tc_kg_in_count(kg, tool), 1);
	in = tc_kg_in_edge(kg, tool, 0);
	tc_kg_edge_get(kg, in, &e);
	assert_int_equal(e.kind, TC_KG_CALLS);
	assert_int_equal(e.source, plan);
	assert_non_null(tc_kg_node_spec(kg, plan, TC_KG_LAUNCH));
	assert_true(position(kg, "agent_planning") <
		    position(kg, "agent_tool"));
	assert_true(tc_kg_max_lag(kg) == 1);
	tc_kg_free(kg);
	tc_diags_free(d);
}

/* A graph as yEd saves it: labels come from its y:NodeLabel. */
static void yed_file_is_valid_with_labels(void **state)
{
	tc_diags *d = tc_diags_new();
	tc_error err = {0};
	tc_kg *kg = NULL;

	assert_int_equal(tc_kg_load_file(tc_source_path("tests/fixtures/kg/"
							"yed_small.graphml"),
					 NULL, &kg, d, &err),
			 TC_OK);
	if (tc_diags_count(d))
		dump(d);
	assert_int_equal(tc_diags_count(d), 0);
	assert_string_equal(tc_kg_node_label(kg, 0), "Active users");
	assert_string_equal(tc_kg_node_label(kg, 1), "Chat");
	tc_kg_free(kg);
	tc_diags_free(d);
}

/*
 * The invalid fixture holds one problem per line listed below (found by
 * reading the file); all are reported in one run.
 */
static void all_problems_reported_at_once(void **state)
{
	tc_diags *d = tc_diags_new();
	tc_error err = {0};
	tc_kg *kg = NULL;
	static const long lines[] = {18, 19, 23, 28, 30, 33, 40, 42};
	size_t i, j;
	int found;

	assert_int_equal(tc_kg_load_file(tc_source_path(
						 "tests/fixtures/kg/"
						 "invalid_many.graphml"),
					 NULL, &kg, d, &err),
			 TC_ERR_INVALID);
	assert_null(kg);
	if (tc_diags_errors(d) != 7)
		dump(d);
	assert_int_equal(tc_diags_errors(d), 7);
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		found = 0;
		for (j = 0; j < tc_diags_count(d); j++)
			found |= tc_diags_get(d, j)->line == lines[i];
		if (!found)
			fail_msg("no diagnostic at line %ld", lines[i]);
	}
	assert_true(err.status == TC_ERR_INVALID);
	tc_diags_free(d);
}

static void unreadable_file_is_reported(void **state)
{
	tc_diags *d = tc_diags_new();
	tc_error err = {0};
	tc_kg *kg = NULL;

	assert_int_equal(tc_kg_load_file("/nonexistent/x.graphml", NULL, &kg,
					 d, &err),
			 TC_ERR_IO);
	assert_null(kg);
	assert_int_equal(tc_diags_errors(d), 1);
	assert_int_equal(tc_kg_build(NULL, NULL, &kg, d, &err), TC_ERR_ARG);
	assert_int_equal(tc_kg_load_file(tc_source_path("tests/fixtures/kg/"
							"broken.graphml"),
					 NULL, &kg, d, &err),
			 TC_ERR_PARSE);
	assert_int_equal(tc_diags_errors(d), 2);
	assert_int_equal(tc_diags_get(d, 1)->line, 5);
	tc_diags_free(d);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(minimal_graph_is_valid),
	cmocka_unit_test(missing_kind_is_an_error),
	cmocka_unit_test(unknown_kind_is_an_error),
	cmocka_unit_test(growth_on_driven_kpi_is_an_error),
	cmocka_unit_test(class_attribute_on_kpi_is_an_error),
	cmocka_unit_test(requests_on_driven_class_is_an_error),
	cmocka_unit_test(malformed_spec_names_column),
	cmocka_unit_test(malformed_weekly_factor_names_column),
	cmocka_unit_test(weekly_needs_seven_factors),
	cmocka_unit_test(growth_at_minus_one_is_an_error),
	cmocka_unit_test(constants_outside_domains_are_errors),
	cmocka_unit_test(mass_outside_domain_warns),
	cmocka_unit_test(spec_wholly_outside_domain_is_an_error),
	cmocka_unit_test(dates_only_where_dates_belong),
	cmocka_unit_test(lag_days_must_be_whole_and_not_negative),
	cmocka_unit_test(edge_kinds_are_checked),
	cmocka_unit_test(required_attributes_are_reported),
	cmocka_unit_test(unknown_attributes_warn_only_when_near),
	cmocka_unit_test(edge_attribute_on_node_warns),
	cmocka_unit_test(ramp_without_launch_warns),
	cmocka_unit_test(cache_shares_above_one_warn),
	cmocka_unit_test(infinite_token_moments_are_errors),
	cmocka_unit_test(implausible_moments_warn),
	cmocka_unit_test(undirected_edge_warns),
	cmocka_unit_test(cycle_without_lag_is_an_error),
	cmocka_unit_test(agent_calling_itself_same_day_is_an_error),
	cmocka_unit_test(every_cycle_is_reported),
	cmocka_unit_test(many_cycles_are_capped),
	cmocka_unit_test(words_ignore_surrounding_space),
	cmocka_unit_test(order_follows_same_day_edges),
	cmocka_unit_test(first_day_order_respects_lagged_edges),
	cmocka_unit_test(cycle_gain_must_stay_below_one),
	cmocka_unit_test(models_are_checked_through_the_hook),
	cmocka_unit_test(schema_domains_and_spec_check),
	cmocka_unit_test(schema_is_documented),
	cmocka_unit_test(example_is_valid),
	cmocka_unit_test(yed_file_is_valid_with_labels),
	cmocka_unit_test(all_problems_reported_at_once),
	cmocka_unit_test(unreadable_file_is_reported),
};

TC_TEST_MAIN(tests)
