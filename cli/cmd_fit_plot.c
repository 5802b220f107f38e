/*
 * cmd_fit_plot.c - "tokcast fit --plot DIR": per class and token quantity
 * an SVG with the histogram of the data on a log axis beside the chosen
 * model's mass per bin, and a Q-Q plot of the data's percentiles against
 * the model's. The model is the written spec, evaluated by tc_spec_cdf
 * and tc_spec_quantile.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_fit.h"

#define NBINS 40
#define W 420.0		/* panel width */
#define H 300.0		/* panel height */
#define PAD 40.0

/* The panel geometry of a log-scaled axis from lo to hi. */
struct axis {
	double lo, hi;	/* log10 of the data range */
};

static double ax_pos(const struct axis *a, double v, double len)
{
	double l = log10(v > 0.5 ? v : 0.5);

	return (l - a->lo) / (a->hi - a->lo) * len;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The share of sorted values in [lo, hi). */
static double share_in(const double *s, size_t n, double lo, double hi)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += s[i] >= lo && s[i] < hi;
	return (double)c / (double)n;
}

/* The left panel: observed bars and the model's mass as a line. */
static void histogram(FILE *f, const double *s, size_t n,
		      const tc_spec *spec, const struct axis *a)
{
	double obs[NBINS], mod[NBINS], top = 0, lo, hi, F0, F1, x, y;
	int b;

	for (b = 0; b < NBINS; b++) {
		lo = pow(10, a->lo + (a->hi - a->lo) * b / NBINS);
		hi = pow(10, a->lo + (a->hi - a->lo) * (b + 1) / NBINS);
		obs[b] = share_in(s, n, lo, hi);
		if (tc_spec_cdf(spec, hi, &F1) != TC_OK ||
		    tc_spec_cdf(spec, lo, &F0) != TC_OK)
			F0 = F1 = 0;
		mod[b] = F1 - F0;
		top = fmax(top, fmax(obs[b], mod[b]));
	}
	top = top > 0 ? top : 1;
	for (b = 0; b < NBINS; b++)
		fprintf(f, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f'"
			   " fill='#9ab'/>\n", PAD + W * b / NBINS,
			PAD + H * (1 - obs[b] / top), W / NBINS - 1,
			H * obs[b] / top);
	fprintf(f, "<polyline fill='none' stroke='#c33' stroke-width='2' "
		   "points='");
	for (b = 0; b < NBINS; b++) {
		x = PAD + W * (b + 0.5) / NBINS;
		y = PAD + H * (1 - mod[b] / top);
		fprintf(f, "%.1f,%.1f ", x, y);
	}
	fprintf(f, "'/>\n");
}

/* The right panel: data percentiles against the model's, log axes. */
static void qq(FILE *f, const double *s, size_t n, const tc_spec *spec,
	       const struct axis *a)
{
	double x0 = 2 * PAD + W, p, q, e;
	int i;

	fprintf(f, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' "
		   "stroke='#888'/>\n", x0, PAD + H, x0 + W, PAD);
	for (i = 1; i < 100; i++) {
		p = i / 100.0;
		if (tc_spec_quantile(spec, p, &q) != TC_OK)
			continue;
		e = s[(size_t)(p * (double)(n - 1))];
		fprintf(f, "<circle cx='%.1f' cy='%.1f' r='2.5' "
			   "fill='#36c'/>\n", x0 + ax_pos(a, q, W),
			PAD + H - ax_pos(a, e, H));
	}
}

/* Writes text with the characters XML reserves escaped. */
static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '\'')
			fputs("&apos;", f);
		else
			fputc(*s, f);
	}
}

/* Titles and axis labels of both panels. */
static void labels(FILE *f, const char *cls, const char *quantity,
		   const tc_fit_result *r, const struct axis *a)
{
	const char *fam = r->empirical ? "empirical"
			  : tc_fit_family_name(r->fits[r->chosen].family);

	fprintf(f, "<text x='%.0f' y='20' font-size='14'>", PAD);
	put_escaped(f, cls);
	fprintf(f, " %s: %s, %zu rows (bars: data, line: model)</text>\n",
		quantity, fam, r->rows);
	fprintf(f, "<text x='%.0f' y='20' font-size='14'>Q-Q: data "
		   "(vertical) vs model percentiles, log axes</text>\n",
		2 * PAD + W);
	fprintf(f, "<text x='%.0f' y='%.0f' font-size='11'>%.0f</text>\n",
		PAD, PAD + H + 15, pow(10, a->lo));
	fprintf(f, "<text x='%.0f' y='%.0f' font-size='11' "
		   "text-anchor='end'>%.0f tokens (log)</text>\n", PAD + W,
		PAD + H + 15, pow(10, a->hi));
}

/* Writes one SVG through an atomic output file. */
static tc_status plot_one(const char *path, const char *cls,
			  const char *quantity, const struct fit_vec *v,
			  const tc_fit_result *r, tc_error *err)
{
	char *text = tc_fit_spec(r, 0);
	double *s = malloc(v->n * sizeof *s);
	tc_spec *spec = NULL;
	tc_outfile *of = NULL;
	struct axis a;
	tc_status st;
	FILE *f;

	st = text && s ? tc_spec_parse(text, NULL, &spec, err) : TC_ERR_NOMEM;
	if (st == TC_OK)
		st = tc_outfile_open(path, &of, err);
	if (st != TC_OK)
		goto out;
	memcpy(s, v->v, v->n * sizeof *s);
	qsort(s, v->n, sizeof *s, cmp_double);
	a.lo = log10(s[0] > 0.5 ? s[0] : 0.5);
	a.hi = log10(s[v->n - 1] + 1);
	f = tc_outfile_stream(of);
	fprintf(f, "<svg xmlns='http://www.w3.org/2000/svg' width='%.0f' "
		   "height='%.0f' font-family='sans-serif'>\n",
		3 * PAD + 2 * W, 2 * PAD + H);
	labels(f, cls, quantity, r, &a);
	histogram(f, s, v->n, spec, &a);
	qq(f, s, v->n, spec, &a);
	fprintf(f, "</svg>\n");
	st = tc_outfile_commit(of, err);
out:
	tc_spec_free(spec);
	free(text);
	free(s);
	return st;
}

/* DIR/<class>_<quantity>.svg, the class name made safe for a path. */
static void plot_path(char *buf, size_t size, const char *dir,
		      const char *cls, const char *quantity)
{
	size_t len = (size_t)snprintf(buf, size, "%s/", dir), i;

	for (i = 0; cls[i] && len + 1 < size; i++)
		buf[len++] = isalnum((unsigned char)cls[i]) ||
					     cls[i] == '-' ? cls[i] : '_';
	snprintf(buf + len, size - len, "_%s.svg", quantity);
}

int fit_write_plots(const struct fit_run *run, const char *dir)
{
	const struct fit_class *c;
	char path[4096];
	tc_error err = {0};
	size_t i;

	for (i = 0; i < run->nclasses; i++) {
		c = &run->classes[i];
		plot_path(path, sizeof path, dir, c->name, "input_tokens");
		if (c->ok_input && plot_one(path, c->name, "input_tokens",
					    &c->input, &c->in, &err) != TC_OK)
			return cli_fail(&err);
		plot_path(path, sizeof path, dir, c->name, "output_tokens");
		if (c->ok_output &&
		    plot_one(path, c->name, "output_tokens", &c->output,
			     &c->out, &err) != TC_OK)
			return cli_fail(&err);
	}
	return CLI_OK;
}
