/*
 * budget.c - budgets and the committed-spend contract over each quarter
 * of the horizon (docs/scenarios.md, "Budgets and the contract"): per
 * trial, each budget's quarter cost and the first day its running cost
 * passes the amount; per trial, the quarter's total cost for the
 * contract. Summaries are computed when asked for.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "fc.h"
#include "tci.h"

/* A quarter of the horizon. */
typedef struct fc_quarter {
	int64_t start;		/* the quarter's first day */
	int first, days;	/* horizon days it covers */
	int full;		/* the quarter's length */
} fc_quarter;

typedef struct fc_budget {
	const tc_scn_budget *b;
	size_t nb;
	size_t *cls;		/* [budget] class index, or SIZE_MAX */
	fc_quarter *q;
	size_t nq;
	double *cost;		/* [budget][quarter][trial] */
	int64_t *day;		/* [budget][quarter][trial], INT64_MAX */
	const tc_scn_contract *contract;
	double *qtotal;		/* [quarter][trial] total cost */
} fc_budget;

/* The quarter (as a month count) of day d, quarters from month fy. */
static int64_t quarter_key(int64_t d, int fy, int64_t *first)
{
	int64_t y, k;
	unsigned m, dd;

	tci_civil_from_days(d, &y, &m, &dd);
	k = y * 12 + (int64_t)m - 1 - (fy - 1);
	k = (k >= 0 ? k : k - 2) / 3;
	if (first) {
		int64_t mm = k * 3 + (fy - 1);

		*first = tci_days_from_civil(mm / 12, (unsigned)(mm % 12) + 1,
					     1);
	}
	return k;
}

/* Cuts the horizon into quarters. */
static tc_status quarters(fc_budget *b, const eng *e)
{
	int fy = e->opts.fiscal_year_start >= 1 &&
		 e->opts.fiscal_year_start <= 12 ? e->opts.fiscal_year_start
						 : 1;
	int t;
	int64_t prev = INT64_MIN, first, next;

	b->q = calloc((size_t)e->opts.days / 28 + 2, sizeof *b->q);
	if (!b->q)
		return TC_ERR_NOMEM;
	for (t = 0; t < e->opts.days; t++) {
		int64_t k = quarter_key(e->opts.start + t, fy, &first);
		fc_quarter *q = &b->q[b->nq];

		if (k != prev) {
			quarter_key(first + 100, fy, &next);
			q->start = first;
			q->first = t;
			q->full = (int)(next - first);
			b->nq++;
			prev = k;
		}
		b->q[b->nq - 1].days++;
	}
	return TC_OK;
}

tc_status fc_budget_plan(tc_forecast *f)
{
	const eng *e = &f->e;
	const tc_scenario *sc = e->opts.scenario;
	fc_budget *b;
	size_t i, T = f->trials;

	b = calloc(1, sizeof *b);
	if (!b)
		return TC_ERR_NOMEM;
	f->bud = b;
	b->b = e->opts.budgets;
	b->nb = e->opts.n_budgets;
	if (!b->b && sc && tc_scenario_budget_count(sc)) {
		b->b = tc_scenario_budget(sc, 0);
		b->nb = tc_scenario_budget_count(sc);
	}
	b->contract = sc ? tc_scenario_contract(sc) : NULL;
	if (quarters(b, e) != TC_OK)
		return TC_ERR_NOMEM;
	b->cls = calloc(b->nb + 1, sizeof *b->cls);
	b->cost = malloc((b->nb * b->nq * T + 1) * sizeof *b->cost);
	b->day = malloc((b->nb * b->nq * T + 1) * sizeof *b->day);
	b->qtotal = malloc((b->nq * T + 1) * sizeof *b->qtotal);
	if (!b->cls || !b->cost || !b->day || !b->qtotal)
		return TC_ERR_NOMEM;
	for (i = 0; i < b->nb; i++)
		b->cls[i] = b->b[i].node < e->n_nodes
				    ? e->class_of[b->b[i].node] : SIZE_MAX;
	return TC_OK;
}

void fc_budget_free(tc_forecast *f)
{
	fc_budget *b = f->bud;

	if (!b)
		return;
	free(b->q);
	free(b->cls);
	free(b->cost);
	free(b->day);
	free(b->qtotal);
	free(b);
	f->bud = NULL;
}

/* The prorated amount of budget i over quarter q. */
static double amount(const fc_budget *b, const tc_money *m,
		     const fc_quarter *q)
{
	return (double)*m / 1e21 * q->days / q->full;
}

/* Day t's cost of class c (SIZE_MAX: all classes) in one trial. */
static double day_cost(const eng *e, const eng_work *w, int t, size_t c)
{
	const double *o = &w->out[(size_t)t * e->n_classes * TC_M_COUNT];
	double s = 0;
	size_t i;

	if (c != SIZE_MAX)
		return o[c * TC_M_COUNT + TC_M_COST];
	for (i = 0; i < e->n_classes; i++)
		s += o[i * TC_M_COUNT + TC_M_COST];
	return s;
}

void fc_budget_keep(tc_forecast *f, const eng_work *w, size_t trial)
{
	fc_budget *b = f->bud;
	const eng *e = &f->e;
	size_t i, k, T = f->trials;
	int t;

	if (!b->nb && !b->contract)
		return;
	for (k = 0; k < b->nq; k++) {
		const fc_quarter *q = &b->q[k];
		double tot = 0;

		for (t = q->first; t < q->first + q->days; t++)
			tot += day_cost(e, w, t, SIZE_MAX);
		b->qtotal[k * T + trial] = tot;
		for (i = 0; i < b->nb; i++) {
			size_t j = (i * b->nq + k) * T + trial;
			double lim = amount(b, &b->b[i].amount, q), run = 0;

			b->day[j] = INT64_MAX;
			for (t = q->first; t < q->first + q->days; t++) {
				run += day_cost(e, w, t, b->cls[i]);
				if (run > lim && b->day[j] == INT64_MAX)
					b->day[j] = e->opts.start + t;
			}
			b->cost[j] = run;
		}
	}
}

size_t tc_forecast_budget_count(const tc_forecast *f)
{
	return f && f->bud ? f->bud->nb * f->bud->nq : 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The p-quantile (lower) of sorted days, INT64_MAX among the nevers. */
static int64_t day_quantile(const int64_t *s, size_t n, double p)
{
	size_t r = (size_t)ceil(p * (double)n);

	return s[r > 0 ? r - 1 : 0];
}

tc_status tc_forecast_budget(const tc_forecast *f, size_t i,
			     tc_budget_result *out)
{
	const fc_budget *b;
	size_t bi, qi, t, T, over = 0, never = 0;
	const double *cost;
	int64_t *days;
	double sum = 0;

	if (!f || !out || i >= tc_forecast_budget_count(f))
		return TC_ERR_ARG;
	b = f->bud;
	T = f->trials;
	bi = i / b->nq;
	qi = i % b->nq;
	memset(out, 0, sizeof *out);
	out->class_id = b->b[bi].class_id;
	out->quarter_start = b->q[qi].start;
	out->first_day = f->e.opts.start + b->q[qi].first;
	out->days = b->q[qi].days;
	out->amount = amount(b, &b->b[bi].amount, &b->q[qi]);
	cost = &b->cost[i * T];
	days = malloc(T * sizeof *days);
	if (!days)
		return TC_ERR_NOMEM;
	memcpy(days, &b->day[i * T], T * sizeof *days);
	for (t = 0; t < T; t++) {
		over += cost[t] > out->amount;
		sum += fmax(0, cost[t] - out->amount);
		never += days[t] == INT64_MAX;
	}
	out->exceed_probability = (double)over / (double)T;
	out->exceed_mc_se = sqrt(out->exceed_probability *
				 (1 - out->exceed_probability) / (double)T);
	out->expected_overrun = sum / (double)T;
	out->never_probability = (double)never / (double)T;
	qsort(days, T, sizeof *days, cmp_i64);
	out->exhaust[0] = day_quantile(days, T, 0.1);
	out->exhaust[1] = day_quantile(days, T, 0.5);
	out->exhaust[2] = day_quantile(days, T, 0.9);
	free(days);
	return TC_OK;
}

size_t tc_forecast_contract_count(const tc_forecast *f)
{
	return f && f->bud && f->bud->contract ? f->bud->nq : 0;
}

tc_status tc_forecast_contract(const tc_forecast *f, size_t q,
			       tc_contract_result *out)
{
	const fc_budget *b;
	double c, o, C, pay = 0, unused = 0;
	size_t t, under = 0, T;

	if (!f || !out || q >= tc_forecast_contract_count(f))
		return TC_ERR_ARG;
	b = f->bud;
	T = f->trials;
	c = (double)b->contract->commit_mult * 1e-6;
	o = (double)b->contract->overage_mult * 1e-6;
	C = amount(b, &b->contract->commitment, &b->q[q]);
	for (t = 0; t < T; t++) {
		double L = b->qtotal[q * T + t], U = c * L;

		under += U < C;
		unused += fmax(0, C - U);
		pay += U <= C ? C : C + (L - C / c) * o;
	}
	memset(out, 0, sizeof *out);
	out->quarter_start = b->q[q].start;
	out->days = b->q[q].days;
	out->commitment = C;
	out->expected_cost = pay / (double)T;
	out->under_probability = (double)under / (double)T;
	out->expected_unused = unused / (double)T;
	return TC_OK;
}

/* A date, or "never". */
static json_t *date_json(int64_t d)
{
	char buf[16];

	if (d == INT64_MAX)
		return json_string("never");
	tci_format_date(d, buf, sizeof buf);
	return json_string(buf);
}

/* One budget result as JSON (keys in docs/scenarios.md). */
static json_t *budget_json(const tc_budget_result *r)
{
	json_t *o = json_object(), *x = json_object();
	char q[16];

	tci_format_date(r->quarter_start, q, sizeof q);
	json_object_set_new(o, "class", r->class_id ?
			    json_string(r->class_id) : json_null());
	json_object_set_new(o, "quarter", json_string(q));
	json_object_set_new(o, "days", json_integer(r->days));
	json_object_set_new(o, "amount_usd", json_real(r->amount));
	json_object_set_new(o, "exceed_probability",
			    json_real(r->exceed_probability));
	json_object_set_new(o, "exceed_probability_mc_se",
			    json_real(r->exceed_mc_se));
	json_object_set_new(o, "expected_overrun_usd",
			    json_real(r->expected_overrun));
	json_object_set_new(x, "never", json_real(r->never_probability));
	json_object_set_new(x, "p10", date_json(r->exhaust[0]));
	json_object_set_new(x, "p50", date_json(r->exhaust[1]));
	json_object_set_new(x, "p90", date_json(r->exhaust[2]));
	json_object_set_new(o, "exhaustion", x);
	return o;
}

/* The contract of one quarter as JSON. */
static json_t *contract_json(const tc_contract_result *r)
{
	json_t *o = json_object();
	char q[16];

	tci_format_date(r->quarter_start, q, sizeof q);
	json_object_set_new(o, "quarter", json_string(q));
	json_object_set_new(o, "days", json_integer(r->days));
	json_object_set_new(o, "commitment_usd", json_real(r->commitment));
	json_object_set_new(o, "expected_cost_usd",
			    json_real(r->expected_cost));
	json_object_set_new(o, "under_probability",
			    json_real(r->under_probability));
	json_object_set_new(o, "expected_unused_usd",
			    json_real(r->expected_unused));
	return o;
}

void fc_budget_json(const tc_forecast *f, void *meta, void **budgets,
		    void **contract)
{
	const tc_scenario *sc = f->e.opts.scenario;
	json_t *bud = json_array(), *con = json_array(), *s = json_null();
	tc_budget_result br;
	tc_contract_result cr;
	size_t i;

	for (i = 0; i < tc_forecast_budget_count(f); i++)
		if (tc_forecast_budget(f, i, &br) == TC_OK)
			json_array_append_new(bud, budget_json(&br));
	for (i = 0; i < tc_forecast_contract_count(f); i++)
		if (tc_forecast_contract(f, i, &cr) == TC_OK)
			json_array_append_new(con, contract_json(&cr));
	if (sc) {
		s = json_object();
		json_object_set_new(s, "name",
				    json_string(tc_scenario_name(sc)));
		json_object_set_new(s, "file",
				    json_string(tc_scenario_file(sc)));
	}
	json_object_set_new(meta, "scenario", s);
	*budgets = bud;
	*contract = con;
}
