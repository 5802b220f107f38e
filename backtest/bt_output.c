/*
 * bt_output.c - a backtest's accessors and its JSON, CSV and SVG output
 * (docs/cli-backtest.md gives the layout).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "bti.h"
#include "tci.h"

size_t tc_backtest_class_count(const tc_backtest *bt)
{
	return bt->nin;
}

const char *tc_backtest_class_name(const tc_backtest *bt, size_t c)
{
	return c < bt->nin ? bt->names[c] : c == bt->nin ? "total" : NULL;
}

int tc_backtest_has_total(const tc_backtest *bt)
{
	return bt->has_total;
}

size_t tc_backtest_origin_count(const tc_backtest *bt)
{
	return bt->norigins;
}

int64_t tc_backtest_origin(const tc_backtest *bt, size_t i)
{
	return i < bt->norigins ? bt->origins[i] : 0;
}

int tc_backtest_horizon(const tc_backtest *bt)
{
	return bt->horizon;
}

size_t tc_backtest_record_count(const tc_backtest *bt)
{
	return bt->nrec;
}

const tc_bt_record *tc_backtest_record(const tc_backtest *bt, size_t i)
{
	return i < bt->nrec ? &bt->rec[i] : NULL;
}

tc_status tc_backtest_summary(const tc_backtest *bt, size_t c, int lead,
			      tc_bt_summary *out)
{
	if (!bt || !out || c > bt->nin || (c == bt->nin && !bt->has_total) ||
	    lead < 0 || lead > bt->horizon)
		return TC_ERR_ARG;
	tci_bt_summarise(bt->rec, bt->nrec, c, lead, out);
	return TC_OK;
}

/* A number, or null when not finite. */
static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* "p50" style keys. */
static void pkey(char *buf, size_t size, double pct)
{
	snprintf(buf, size, "p%g", pct);
}

/* One summary as a JSON object. */
static json_t *summary_json(const tc_bt_summary *s)
{
	json_t *o = json_object(), *cov = json_object(), *pb = json_object();
	json_t *pit = json_array();
	char k[48];
	size_t i;

	json_object_set_new(o, "n", json_integer((json_int_t)s->n));
	for (i = 0; i < TC_BT_NINTERVALS; i++) {
		json_t *c = json_object();

		json_object_set_new(c, "rate", num(s->coverage[i]));
		json_object_set_new(c, "se", num(s->coverage_se[i]));
		json_object_set_new(c, "width_rel", num(s->width_rel[i]));
		pkey(k, sizeof k, tc_bt_intervals[i]);
		json_object_set_new(cov, k, c);
	}
	for (i = 0; i < TC_BT_NPINBALL; i++) {
		pkey(k, sizeof k, tc_bt_pinball_levels[i]);
		json_object_set_new(pb, k, num(s->pinball[i]));
	}
	for (i = 0; i < TC_BT_PIT_BINS; i++)
		json_array_append_new(pit,
				      json_integer((json_int_t)s->pit_hist[i]));
	json_object_set_new(o, "coverage", cov);
	json_object_set_new(o, "pinball", pb);
	json_object_set_new(o, "crps", num(s->crps));
	json_object_set_new(o, "crps_rel", num(s->crps_rel));
	json_object_set_new(o, "mape", num(s->mape));
	json_object_set_new(o, "bias", num(s->bias));
	json_object_set_new(o, "pit", pit);
	json_object_set_new(o, "pit_chi2", num(s->pit_chi2));
	json_object_set_new(o, "pit_p", num(s->pit_p));
	return o;
}

/* The summaries of one class: "horizon" and "days" by lead. */
static json_t *class_json(const tc_backtest *bt, size_t c)
{
	json_t *o = json_object(), *days = json_array();
	tc_bt_summary s;
	int lead;

	tc_backtest_summary(bt, c, 0, &s);
	json_object_set_new(o, "horizon", summary_json(&s));
	for (lead = 1; lead <= bt->horizon; lead++) {
		json_t *d;

		tc_backtest_summary(bt, c, lead, &s);
		d = summary_json(&s);
		json_object_set_new(d, "lead", json_integer(lead));
		json_array_append_new(days, d);
	}
	json_object_set_new(o, "days", days);
	return o;
}

/* The records, one object each. */
static json_t *records_json(const tc_backtest *bt)
{
	json_t *a = json_array();
	char date[16];
	size_t i;

	for (i = 0; i < bt->nrec; i++) {
		const tc_bt_record *r = &bt->rec[i];
		json_t *o = json_object();

		tci_format_date(r->origin, date, sizeof date);
		json_object_set_new(o, "origin", json_string(date));
		json_object_set_new(o, "class",
				    json_string(tc_backtest_class_name(bt,
								      r->cls)));
		json_object_set_new(o, "lead", json_integer(r->lead));
		json_object_set_new(o, "actual", num(r->actual));
		json_object_set_new(o, "p50",
				    num(r->q[tci_bt_level_index(50)]));
		json_object_set_new(o, "pit", num(r->pit));
		json_array_append_new(a, o);
	}
	return a;
}

/* The meta block: the run's settings and origins. */
static json_t *meta_json(const tc_backtest *bt)
{
	json_t *m = json_object(), *org = json_array();
	char date[16];
	size_t i;

	for (i = 0; i < bt->norigins; i++) {
		tci_format_date(bt->origins[i], date, sizeof date);
		json_array_append_new(org, json_string(date));
	}
	json_object_set_new(m, "metric", json_string(
		bt->metric == TC_BT_COST ? "cost" : "requests"));
	json_object_set_new(m, "horizon", json_integer(bt->horizon));
	json_object_set_new(m, "step", json_integer(bt->step));
	json_object_set_new(m, "trials",
			    json_integer((json_int_t)bt->trials));
	json_object_set_new(m, "origins", org);
	return m;
}

tc_status tc_backtest_write_json(const tc_backtest *bt, FILE *fp,
				 tc_error *err)
{
	json_t *root = json_object(), *cls = json_object();
	size_t c;
	int rc;

	if (!root || !cls) {
		json_decref(root);
		json_decref(cls);
		return tci_error(err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	}
	json_object_set_new(root, "meta", meta_json(bt));
	for (c = 0; c < bt->nin + (size_t)bt->has_total; c++)
		json_object_set_new(cls, tc_backtest_class_name(bt, c),
				    class_json(bt, c));
	json_object_set_new(root, "classes", cls);
	json_object_set_new(root, "records", records_json(bt));
	rc = json_dumpf(root, fp, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
	json_decref(root);
	if (rc != 0 || fputc('\n', fp) == EOF)
		return tci_error(err, TC_ERR_IO, NULL, 0, NULL,
				 "cannot write the JSON");
	return TC_OK;
}

/* The rows of one summary in tidy CSV. */
static void summary_csv(FILE *fp, const char *cls, int lead,
			const tc_bt_summary *s)
{
	char k[48], p[16];
	size_t i;

	if (lead)
		snprintf(p, sizeof p, "%d", lead);
	else
		snprintf(p, sizeof p, "horizon");
	fprintf(fp, "%s,%s,n,%zu\n", cls, p, s->n);
	if (!s->n)
		return;
	for (i = 0; i < TC_BT_NINTERVALS; i++) {
		pkey(k, sizeof k, tc_bt_intervals[i]);
		fprintf(fp, "%s,%s,coverage_%s,%.6g\n", cls, p, k,
			s->coverage[i]);
		fprintf(fp, "%s,%s,coverage_se_%s,%.6g\n", cls, p, k,
			s->coverage_se[i]);
		fprintf(fp, "%s,%s,width_rel_%s,%.6g\n", cls, p, k,
			s->width_rel[i]);
	}
	for (i = 0; i < TC_BT_NPINBALL; i++) {
		pkey(k, sizeof k, tc_bt_pinball_levels[i]);
		fprintf(fp, "%s,%s,pinball_%s,%.10g\n", cls, p, k,
			s->pinball[i]);
	}
	fprintf(fp, "%s,%s,crps,%.10g\n%s,%s,crps_rel,%.6g\n", cls, p,
		s->crps, cls, p, s->crps_rel);
	fprintf(fp, "%s,%s,mape,%.6g\n%s,%s,bias,%.6g\n", cls, p, s->mape,
		cls, p, s->bias);
	for (i = 0; i < TC_BT_PIT_BINS; i++)
		fprintf(fp, "%s,%s,pit_bin%zu,%zu\n", cls, p, i,
			s->pit_hist[i]);
	fprintf(fp, "%s,%s,pit_p,%.6g\n", cls, p, s->pit_p);
}

tc_status tc_backtest_write_csv(const tc_backtest *bt, FILE *fp,
				tc_error *err)
{
	tc_bt_summary s;
	size_t c;
	int lead;

	fprintf(fp, "class,lead,statistic,value\n");
	for (c = 0; c < bt->nin + (size_t)bt->has_total; c++)
		for (lead = 0; lead <= bt->horizon; lead++) {
			tc_backtest_summary(bt, c, lead, &s);
			summary_csv(fp, tc_backtest_class_name(bt, c), lead,
				    &s);
		}
	if (ferror(fp))
		return tci_error(err, TC_ERR_IO, NULL, 0, NULL,
				 "cannot write the CSV");
	return TC_OK;
}

/* Writes text escaped for XML. */
static void xml_text(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", fp);
		else if (*s == '>')
			fputs("&gt;", fp);
		else if (*s == '&')
			fputs("&amp;", fp);
		else
			fputc(*s, fp);
	}
}

/* One class's PIT histogram as bars in a panel at (x0, y0). */
static void svg_panel(FILE *fp, const char *name, const tc_bt_summary *s,
		      double x0, double y0)
{
	double w = 300, h = 150, bw = w / TC_BT_PIT_BINS, top = 0, e;
	size_t i;

	for (i = 0; i < TC_BT_PIT_BINS; i++)
		top = s->pit_hist[i] > top ? (double)s->pit_hist[i] : top;
	e = (double)s->n / TC_BT_PIT_BINS;
	top = top > e ? top * 1.1 : e * 1.1 + 1;
	fprintf(fp, "<text x=\"%g\" y=\"%g\">", x0, y0 - 6);
	xml_text(fp, name);
	fprintf(fp, " (n=%zu, chi-square p=%.3g)</text>\n", s->n,
		s->pit_p);
	for (i = 0; i < TC_BT_PIT_BINS; i++) {
		double bh = h * (double)s->pit_hist[i] / top;

		fprintf(fp, "<rect x=\"%g\" y=\"%g\" width=\"%g\" "
			"height=\"%g\" fill=\"#4a78b0\"/>\n", x0 + i * bw + 1,
			y0 + h - bh, bw - 2, bh);
	}
	fprintf(fp, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" "
		"stroke=\"#c03030\" stroke-dasharray=\"4\"/>\n", x0,
		y0 + h - h * e / top, x0 + w, y0 + h - h * e / top);
	fprintf(fp, "<text x=\"%g\" y=\"%g\">0</text><text x=\"%g\" "
		"y=\"%g\">1</text>\n", x0, y0 + h + 14, x0 + w - 8,
		y0 + h + 14);
}

tc_status tc_backtest_write_svg(const tc_backtest *bt, FILE *fp,
				tc_error *err)
{
	size_t c, n = bt->nin + (size_t)bt->has_total;
	tc_bt_summary s;

	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"340\" "
		"height=\"%zu\" font-family=\"sans-serif\" font-size=\"11\">\n"
		"<title>PIT histograms of the horizon sums (uniform when "
		"calibrated; dashed: expected)</title>\n", 40 + n * 200);
	for (c = 0; c < n; c++) {
		tc_backtest_summary(bt, c, 0, &s);
		svg_panel(fp, tc_backtest_class_name(bt, c), &s, 20,
			  30 + (double)c * 200);
	}
	fprintf(fp, "</svg>\n");
	if (ferror(fp))
		return tci_error(err, TC_ERR_IO, NULL, 0, NULL,
				 "cannot write the SVG");
	return TC_OK;
}
