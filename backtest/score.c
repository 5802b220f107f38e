/*
 * score.c - scoring forecast quantiles against an actual: PIT, pinball
 * loss, CRPS, and the summaries over many forecasts (docs/backtest.md).
 */
#include <math.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#include "bti.h"
#include "tci.h"

const double tc_bt_levels[TC_BT_NLEVELS] = {
	1, 2.5, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50,
	55, 60, 65, 70, 75, 80, 85, 90, 95, 97.5, 99
};

const double tc_bt_intervals[TC_BT_NINTERVALS] = { 50, 80, 95 };

const double tc_bt_pinball_levels[TC_BT_NPINBALL] = {
	2.5, 10, 25, 50, 75, 90, 97.5
};

/* Index of a level in tc_bt_levels (it is always there). */
size_t tci_bt_level_index(double pct)
{
	size_t i;

	for (i = 0; i < TC_BT_NLEVELS; i++)
		if (fabs(tc_bt_levels[i] - pct) < 1e-9)
			return i;
	return 0;
}

double tc_bt_pit(const double *q, double y)
{
	size_t i;
	double a, b;

	if (y < q[0])
		return 0.005;
	if (y > q[TC_BT_NLEVELS - 1])
		return 0.995;
	for (i = 1; i < TC_BT_NLEVELS; i++) {
		if (y > q[i])
			continue;
		a = tc_bt_levels[i - 1] / 100;
		b = tc_bt_levels[i] / 100;

		/* A flat step (discrete forecast): its middle. */
		if (q[i] <= q[i - 1])
			return (a + b) / 2;
		return a + (b - a) * (y - q[i - 1]) / (q[i] - q[i - 1]);
	}
	return tc_bt_levels[TC_BT_NLEVELS - 1] / 100;
}

double tc_bt_pinball(double q, double tau, double y)
{
	return y >= q ? tau * (y - q) : (1 - tau) * (q - y);
}

/*
 * CRPS = 2 * integral over tau in (0, 1) of the pinball loss of the
 * tau-quantile: trapezoids between the levels, and the end levels' losses
 * held over (0, 0.01) and (0.99, 1).
 */
double tc_bt_crps(const double *q, double y)
{
	double s = 0, l0, l1, t0, t1;
	size_t i;

	t0 = tc_bt_levels[0] / 100;
	l0 = tc_bt_pinball(q[0], t0, y);
	s += t0 * l0;
	for (i = 1; i < TC_BT_NLEVELS; i++) {
		t1 = tc_bt_levels[i] / 100;
		l1 = tc_bt_pinball(q[i], t1, y);
		s += (t1 - t0) * (l0 + l1) / 2;
		t0 = t1;
		l0 = l1;
	}
	s += (1 - t0) * l0;
	return 2 * s;
}

double tc_bt_pit_chi2(const size_t *hist, size_t bins, double *p)
{
	double n = 0, e, x = 0;
	size_t i;

	for (i = 0; i < bins; i++)
		n += (double)hist[i];
	if (n <= 0 || bins < 2) {
		if (p)
			*p = NAN;
		return NAN;
	}
	e = n / (double)bins;
	for (i = 0; i < bins; i++)
		x += ((double)hist[i] - e) * ((double)hist[i] - e) / e;
	if (p)
		*p = gsl_cdf_chisq_Q(x, (double)(bins - 1));
	return x;
}

/* Adds one record's scores to the running sums of s. */
static void add_record(tc_bt_summary *s, const tc_bt_record *r)
{
	size_t k, lo, hi, bin;
	double w, y = r->actual, med = r->q[tci_bt_level_index(50)];

	s->n++;
	for (k = 0; k < TC_BT_NINTERVALS; k++) {
		w = (100 - tc_bt_intervals[k]) / 2;
		lo = tci_bt_level_index(w);
		hi = tci_bt_level_index(100 - w);
		s->coverage[k] += r->q[lo] <= y && y <= r->q[hi];
		s->width_rel[k] += y > 0 ? (r->q[hi] - r->q[lo]) / y : 0;
	}
	for (k = 0; k < TC_BT_NPINBALL; k++)
		s->pinball[k] += tc_bt_pinball(
			r->q[tci_bt_level_index(tc_bt_pinball_levels[k])],
			tc_bt_pinball_levels[k] / 100, y);
	s->crps += tc_bt_crps(r->q, y);
	s->crps_rel += y > 0 ? tc_bt_crps(r->q, y) / y : 0;
	s->mape += y > 0 ? fabs(med - y) / y : 0;
	s->bias += y > 0 ? (med - y) / y : 0;
	bin = (size_t)(r->pit * TC_BT_PIT_BINS);
	s->pit_hist[bin < TC_BT_PIT_BINS ? bin : TC_BT_PIT_BINS - 1]++;
}

/* Turns the sums into means and adds the SEs and the PIT test. */
static void finish(tc_bt_summary *s)
{
	double n = (double)s->n, p;
	size_t k;

	for (k = 0; k < TC_BT_NINTERVALS; k++) {
		p = tc_bt_intervals[k] / 100;
		s->coverage[k] /= n;
		s->coverage_se[k] = sqrt(p * (1 - p) / n);
		s->width_rel[k] /= n;
	}
	for (k = 0; k < TC_BT_NPINBALL; k++)
		s->pinball[k] /= n;
	s->crps /= n;
	s->crps_rel /= n;
	s->mape /= n;
	s->bias /= n;
	s->pit_chi2 = tc_bt_pit_chi2(s->pit_hist, TC_BT_PIT_BINS,
				     &s->pit_p);
}

void tci_bt_summarise(const tc_bt_record *rec, size_t nrec, size_t cls,
		      int lead, tc_bt_summary *out)
{
	size_t i;

	memset(out, 0, sizeof *out);
	for (i = 0; i < nrec; i++)
		if (rec[i].cls == cls && rec[i].lead == lead)
			add_record(out, &rec[i]);
	if (out->n)
		finish(out);
	else
		out->pit_chi2 = out->pit_p = NAN;
}
