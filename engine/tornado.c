/*
 * tornado.c - a tornado chart of one output's one-at-a-time swings as
 * SVG text: one horizontal bar per input from its P10 run's mean cost to
 * its P90 run's, around a vertical line at the all-medians run, widest
 * on top (docs/scenarios.md, "Sensitivity").
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fc.h"
#include "tci.h"

#define ROW 24
#define LEFT 260
#define WIDTH 520

/* Writes text with XML's special characters escaped. */
static void xml_text(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", fp);
		else if (*s == '>')
			fputs("&gt;", fp);
		else if (*s == '&')
			fputs("&amp;", fp);
		else if (*s == '"')
			fputs("&quot;", fp);
		else
			fputc(*s, fp);
	}
}

/* Widest swing first; inputs without a swing last. */
static int by_swing(const void *a, const void *b)
{
	const tc_sensitivity *x = *(const tc_sensitivity *const *)a;
	const tc_sensitivity *y = *(const tc_sensitivity *const *)b;
	double sx = isnan(x->low) ? -1 : fabs(x->high - x->low);
	double sy = isnan(y->low) ? -1 : fabs(y->high - y->low);

	return (sx < sy) - (sx > sy);
}

/* The bars' scale: the range of every run's mean. */
static void extent(const tc_sensitivity **r, size_t n, double *lo,
		   double *hi)
{
	size_t i;

	*lo = *hi = n ? r[0]->base : 0;
	for (i = 0; i < n; i++) {
		if (isnan(r[i]->low))
			continue;
		*lo = fmin(*lo, fmin(r[i]->low, r[i]->high));
		*hi = fmax(*hi, fmax(r[i]->low, r[i]->high));
	}
	if (!(*hi > *lo))
		*hi = *lo + 1;
}

/* One input's bar and label. */
static void bar(FILE *fp, const tc_sensitivity *r, size_t i, double lo,
		double hi)
{
	double y = 40 + (double)i * ROW, a, b;

	fprintf(fp, "<text x=\"%d\" y=\"%.0f\" text-anchor=\"end\">",
		LEFT - 8, y + 15);
	xml_text(fp, r->input);
	fputs("</text>\n", fp);
	a = LEFT + (fmin(r->low, r->high) - lo) / (hi - lo) * WIDTH;
	b = LEFT + (fmax(r->low, r->high) - lo) / (hi - lo) * WIDTH;
	fprintf(fp, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" "
		"height=\"%d\" fill=\"%s\"><title>P10 %.2f USD, P90 %.2f "
		"USD</title></rect>\n", a, y + 2, fmax(b - a, 1), ROW - 6,
		r->high >= r->low ? "#c0504d" : "#4f81bd", r->low, r->high);
}

tc_status tc_sensitivity_write_svg(const tc_sensitivity *s, size_t n,
				   const char *title, FILE *fp,
				   tc_error *err)
{
	const tc_sensitivity **r;
	size_t i, m = 0;
	double lo, hi, x;

	if (!s || !fp)
		return tci_error(err, TC_ERR_ARG, NULL, 0, NULL,
				 "NULL argument");
	r = malloc((n + 1) * sizeof *r);
	if (!r)
		return tci_error(err, TC_ERR_NOMEM, NULL, 0, NULL,
				 "out of memory");
	for (i = 0; i < n; i++)
		r[i] = &s[i];
	qsort(r, n, sizeof *r, by_swing);
	while (m < n && !isnan(r[m]->low))
		m++;
	extent(r, m, &lo, &hi);
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "
		"xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%zu\" font-family=\"sans-serif\" font-size=\"12\">\n"
		"<text x=\"10\" y=\"20\" font-size=\"14\">", LEFT + WIDTH + 40,
		(size_t)80 + m * ROW);
	xml_text(fp, title ? title : "");
	fputs("</text>\n", fp);
	for (i = 0; i < m; i++)
		bar(fp, r[i], i, lo, hi);
	x = n ? LEFT + (s[0].base - lo) / (hi - lo) * WIDTH : LEFT;
	fprintf(fp, "<line x1=\"%.1f\" y1=\"34\" x2=\"%.1f\" y2=\"%zu\" "
		"stroke=\"black\"/>\n<text x=\"%.1f\" y=\"%zu\" "
		"text-anchor=\"middle\">all at medians: %.2f USD</text>\n"
		"</svg>\n", x, x, (size_t)44 + m * ROW, x, (size_t)62 + m * ROW,
		n ? s[0].base : 0);
	free(r);
	if (ferror(fp))
		return tci_error(err, TC_ERR_IO, NULL, 0, NULL,
				 "cannot write the chart");
	return TC_OK;
}
