/*
 * cmd_fit.c - "tokcast fit LOG... [--graph G -o OUT] [--report FILE]":
 * reads usage logs, fits per class the input and output tokens, shares,
 * rank correlation and daily volume, prints a table, writes the report
 * and the fitted graph (cmd_fit_graph.c).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_fit.h"
#include "usage_opts.h"

#define MAX_CLASSES 10000

enum fit_opt {
	OPT_GRAPH = 0x1200,
	OPT_REPORT,
	OPT_ADD_CLASSES,
	OPT_KS,
	OPT_WINDOW,
	OPT_NO_CAP,
	OPT_PLOT
};

static const char fit_help[] =
	"usage: tokcast fit LOG... [reading options]\n"
	"                   [--graph G.graphml -o OUT.graphml] "
	"[--report fit.json]\n"
	"                   [--add-classes] [--ks-threshold D]\n"
	"\n"
	"Fits per feature class the input and output tokens (lognormal, "
	"gamma,\n"
	"Weibull, log-logistic, negative binomial, lognormal mixture; "
	"discretised\n"
	"maximum likelihood, chosen by AIC among those passing the KS "
	"threshold,\n"
	"empirical otherwise), the cache and reasoning shares, "
	"io_rank_corr and\n"
	"the daily volume, and prints a table (docs/fitting.md).\n"
	"\n"
	"  --graph FILE          the knowledge graph to write the fits onto\n"
	"  -o, --output FILE     the fitted graph (with --graph)\n"
	"  --report FILE         every family's fit as JSON ('-': stdout, "
	"no table)\n"
	"  --add-classes         add classes the graph lacks as new nodes\n"
	"  --ks-threshold D      KS distance at or below which a family "
	"passes (0.05)\n"
	"  --context-window N    tokens heavy tails are cut at (default "
	"200000)\n"
	"  --no-cap              do not model a pile-up below the maximum\n"
	"  --plot DIR            SVG histogram and Q-Q plot per class and "
	"quantity\n"
	"  -h, --help            this help\n"
	"\n";

const char *fit_share_attr(enum fit_share_kind k)
{
	static const char *const names[FIT_NSHARES] = {
		"cached_share", "cache_write_share", "cache_write_1h_share",
		"reasoning_share"
	};

	return names[k];
}

/* Appends v; -1 when out of memory. */
static int vec_add(struct fit_vec *a, double v)
{
	double *n;

	if (a->n == a->cap) {
		n = realloc(a->v, (a->cap ? a->cap * 2 : 256) * sizeof *n);
		if (!n)
			return -1;
		a->v = n;
		a->cap = a->cap ? a->cap * 2 : 256;
	}
	a->v[a->n++] = v;
	return 0;
}

/* The class named name, added when new; NULL when out of room. */
static struct fit_class *class_of(struct fit_run *run, const char *name)
{
	struct fit_class *n;
	size_t i;

	for (i = 0; i < run->nclasses; i++)
		if (strcmp(run->classes[i].name, name) == 0)
			return &run->classes[i];
	if (run->nclasses == MAX_CLASSES)
		return NULL;
	if (run->nclasses == run->cap) {
		n = realloc(run->classes,
			    (run->cap ? run->cap * 2 : 8) * sizeof *n);
		if (!n)
			return NULL;
		run->classes = n;
		run->cap = run->cap ? run->cap * 2 : 8;
	}
	n = &run->classes[run->nclasses];
	memset(n, 0, sizeof *n);
	n->name = strdup(name);
	if (!n->name)
		return NULL;
	n->tmin = n->tmax = TC_TIME_NONE;
	run->nclasses++;
	return n;
}

/* Keeps a record's time; -1 when out of memory. */
static int add_time(struct fit_class *c, int64_t t)
{
	int64_t *n;

	if (t == TC_TIME_NONE)
		return 0;
	if (c->ntimes == c->captimes) {
		n = realloc(c->times,
			    (c->captimes ? c->captimes * 2 : 256) * sizeof *n);
		if (!n)
			return -1;
		c->times = n;
		c->captimes = c->captimes ? c->captimes * 2 : 256;
	}
	c->times[c->ntimes++] = t;
	if (c->tmin == TC_TIME_NONE || t < c->tmin)
		c->tmin = t;
	if (c->tmax == TC_TIME_NONE || t > c->tmax)
		c->tmax = t;
	return 0;
}

/*
 * Keeps one share. Logs without cache or reasoning tokens have shares
 * that are all zero: those are only counted, and stored once a positive
 * share shows up. -1 when out of memory.
 */
static int add_share(struct fit_class *c, int k, double v)
{
	struct fit_vec *a = &c->share[k];

	if (v == 0 && a->n == 0) {
		c->share_zeros[k]++;
		return 0;
	}
	for (; c->share_zeros[k] > 0; c->share_zeros[k]--)
		if (vec_add(a, 0))
			return -1;
	return vec_add(a, v);
}

/*
 * Keeps one record: its counts, shares (each only where its denominator
 * is positive) and time. -1 when out of memory.
 */
static int add_record(struct fit_class *c, const tc_usage *u)
{
	double in = (double)tc_usage_input(u), out = (double)u->output;
	double cw = (double)(u->cache_write_5m + u->cache_write_1h);
	int bad = 0;

	if (!c->model && u->model[0])
		c->model = strdup(u->model);
	bad |= vec_add(&c->input, in);
	bad |= vec_add(&c->output, out);
	if (in > 0) {
		bad |= add_share(c, FIT_CACHED, u->cache_read / in);
		bad |= add_share(c, FIT_CACHE_WRITE, cw / in);
	}
	if (cw > 0)
		bad |= add_share(c, FIT_CACHE_WRITE_1H,
				 u->cache_write_1h / cw);
	if (out > 0)
		bad |= add_share(c, FIT_REASONING, u->reasoning / out);
	bad |= add_time(c, u->time_us);
	return bad;
}

/* Reads one log into the classes. Returns an exit code. */
static int read_log(struct fit_run *run, const struct cli_usage_log *log)
{
	tc_usage_reader *r = NULL;
	tc_error err = {0};
	const tc_usage_totals *t;
	struct fit_class *c;
	tc_usage u;
	int rc;

	if (tc_usage_reader_open(log->path, &log->opts, &r, &err) != TC_OK)
		return cli_fail(&err);
	while ((rc = tc_usage_reader_next(r, &u, &err)) == TC_OK) {
		c = class_of(run, u.class_name);
		if (!c || add_record(c, &u)) {
			tc_usage_reader_close(r);
			cli_say("%s: out of memory or more than %d classes",
				log->path, MAX_CLASSES);
			return CLI_FAILURE;
		}
	}
	cli_print_diags(tc_usage_reader_bad_rows(r));
	t = tc_usage_reader_totals(r);
	run->rows += t->rows;
	run->rejected += t->bad_rows;
	run->duplicates += t->duplicates;
	if (rc == TC_USAGE_END)
		cli_usage_warn(log->path, r);
	tc_usage_reader_close(r);
	return rc == TC_USAGE_END ? CLI_OK : cli_fail(&err);
}

/* Says why a quantity could not be fitted, naming the class. */
static void fit_warn(const char *cls, const char *what, const tc_error *e)
{
	cli_say("class '%s': %s not fitted: %s", cls, what, e->message);
}

/* True when some share is above zero: otherwise nothing to fit. */
static int any_positive(const struct fit_vec *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->v[i] > 0)
			return 1;
	return 0;
}

/* Fits one token quantity (0 input, 1 output) of a class. */
static void fit_tokens(const struct fit_run *run, struct fit_class *c,
		       int which)
{
	struct fit_vec *v = which ? &c->output : &c->input;
	tc_fit_result *r = which ? &c->out : &c->in;
	tc_error e = {0};
	int ok;

	ok = tc_fit_counts(v->v, v->n, &run->opts, r, &e) == TC_OK;
	if (!ok)
		fit_warn(c->name, which ? "output_tokens" : "input_tokens",
			 &e);
	if (which)
		c->ok_output = ok;
	else
		c->ok_input = ok;
}

/* Fits the rest of a class: correlation, shares, volume. */
static void fit_class_rest(const struct fit_run *run, struct fit_class *c)
{
	tc_error e = {0};
	int k;

	c->ok_corr = tc_fit_rank_corr(c->input.v, c->output.v, c->input.n,
				      &c->rho, &c->rho_se, &e) == TC_OK;
	for (k = 0; k < FIT_NSHARES; k++)
		if (any_positive(&c->share[k]))
			c->ok_share[k] = tc_fit_share_values(
				c->share[k].v, c->share[k].n,
				run->opts.ks_pass, &c->sh[k], NULL) == TC_OK;
	if (c->ntimes >= 2)
		c->ok_volume = tc_fit_volume_times(c->times, c->ntimes,
						   INT64_MIN, &c->vol,
						   &e) == TC_OK;
}

/*
 * The fits are independent, so a few threads share them: job j is part
 * j % 3 of class j / 3 (input tokens, output tokens, the rest), taken in
 * turn under a lock.
 */
struct fit_pool {
	struct fit_run *run;
	pthread_mutex_t lock;
	size_t next;
};

static void *fit_worker(void *arg)
{
	struct fit_pool *p = arg;
	size_t j;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		j = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (j >= 3 * p->run->nclasses)
			return NULL;
		if (j % 3 == 2)
			fit_class_rest(p->run, &p->run->classes[j / 3]);
		else
			fit_tokens(p->run, &p->run->classes[j / 3],
				   (int)(j % 3));
	}
}

/* Fits every class on up to 4 threads. */
static void fit_all_classes(struct fit_run *run)
{
	struct fit_pool pool = {run, PTHREAD_MUTEX_INITIALIZER, 0};
	pthread_t th[4];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cpus > 4 ? 4 : cpus < 1 ? 1 : (size_t)cpus, i, started;

	for (started = 0; started + 1 < n; started++)
		if (pthread_create(&th[started], NULL, fit_worker, &pool))
			break;
	fit_worker(&pool);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}

/* One line of the table: a quantity's chosen family and its numbers. */
static void print_quantity(const char *cls, const char *q,
			   const tc_fit_result *r)
{
	const tc_fit_one *f;
	size_t i;

	printf("%-16s %-14s %8zu  chosen %s%s\n", cls, q, r->rows,
	       r->empirical ? "empirical (no family below KS "
			    : r->chosen >= 0
				      ? tc_fit_family_name(
						r->fits[r->chosen].family)
				      : "none",
	       r->empirical ? "threshold)" : "");
	if (r->capped)
		printf("%-16s %-14s cap: %.4g%% of rows at %.0f-%.0f\n", "",
		       "", 100 * r->cap_share, r->cap_lo, r->cap_hi);
	for (i = 0; i < r->nfits; i++) {
		f = &r->fits[i];
		if (!f->ok)
			continue;
		printf("%-16s   %-12s KS %.4f  AD %10.2f  AIC %14.2f%s\n",
		       "", tc_fit_family_name(f->family), f->ks, f->ad, f->aic,
		       f->ks <= r->ks_pass ? "  passes" : "");
	}
}

/* The volume's line of the table: the level, its SE and its day. */
static void print_volume(const struct fit_class *c)
{
	char day[16];

	cli_format_date(c->vol.as_of, day, sizeof day);
	printf("%-16s requests/day   %.6g (se %.3g) on %s%s\n", c->name,
	       c->vol.level, c->vol.level_se, day,
	       c->vol.weak_level ? ", weakly identified: under a day" : "");
}

/* The readable table on stdout. */
static void print_table(const struct fit_run *run)
{
	const struct fit_class *c;
	size_t i;

	for (i = 0; i < run->nclasses; i++) {
		c = &run->classes[i];
		if (c->ok_input)
			print_quantity(c->name, "input_tokens", &c->in);
		if (c->ok_output)
			print_quantity(c->name, "output_tokens", &c->out);
		if (c->ok_corr)
			printf("%-16s io_rank_corr   %.4f (se %.4f)\n",
			       c->name, c->rho, c->rho_se);
		if (c->ok_volume)
			print_volume(c);
	}
}

/* Adds one class to the report. */
static tc_status report_class(tc_fit_report *rep, const struct fit_class *c)
{
	tc_status st = tc_fit_report_class(rep, c->name, c->input.n);
	int k;

	if (st == TC_OK && c->ok_input)
		st = tc_fit_report_counts(rep, c->name, "input_tokens",
					  &c->in);
	if (st == TC_OK && c->ok_output)
		st = tc_fit_report_counts(rep, c->name, "output_tokens",
					  &c->out);
	for (k = 0; st == TC_OK && k < FIT_NSHARES; k++)
		if (c->ok_share[k])
			st = tc_fit_report_share(rep, c->name,
						 fit_share_attr(k),
						 &c->sh[k]);
	if (st == TC_OK && c->ok_corr)
		st = tc_fit_report_rank_corr(rep, c->name, c->rho, c->rho_se);
	if (st == TC_OK && c->ok_volume)
		st = tc_fit_report_volume(rep, c->name, &c->vol);
	return st;
}

/* Writes the JSON report. Returns an exit code. */
static int write_report(const struct fit_run *run, const char *path)
{
	tc_fit_report *rep = tc_fit_report_new();
	tc_error err = {0};
	tc_status st = rep ? TC_OK : TC_ERR_NOMEM;
	size_t i;

	for (i = 0; st == TC_OK && i < run->nclasses; i++)
		st = report_class(rep, &run->classes[i]);
	if (st == TC_OK)
		st = tc_fit_report_write(rep, path, &err);
	else
		err.status = st;
	tc_fit_report_free(rep);
	if (st != TC_OK && !err.message[0])
		snprintf(err.message, sizeof err.message, "%s",
			 tc_strerror(st));
	return st == TC_OK ? CLI_OK : cli_fail(&err);
}

static void run_free(struct fit_run *run)
{
	struct fit_class *c;
	size_t i;
	int k;

	for (i = 0; i < run->nclasses; i++) {
		c = &run->classes[i];
		free(c->name);
		free(c->model);
		free(c->input.v);
		free(c->output.v);
		free(c->times);
		tc_fit_result_free(&c->in);
		tc_fit_result_free(&c->out);
		for (k = 0; k < FIT_NSHARES; k++) {
			free(c->share[k].v);
			tc_fit_share_free(&c->sh[k]);
		}
	}
	free(run->classes);
	free(run->sources);
}

/* Joins the log paths for fit_source. -1 when out of memory. */
static int join_sources(struct fit_run *run, const struct cli_usage_args *a)
{
	size_t i, len = 1;

	for (i = 0; i < a->nlogs; i++)
		len += strlen(a->logs[i].path) + 1;
	run->sources = calloc(1, len);
	if (!run->sources)
		return -1;
	for (i = 0; i < a->nlogs; i++) {
		if (i)
			strncat(run->sources, ",", len - 1);
		strncat(run->sources, a->logs[i].path,
			len - 1 - strlen(run->sources));
	}
	return 0;
}

/* The command's own options; returns 1 handled, 0 not, -1 bad value. */
static int fit_option(struct fit_run *run, int c, const char *arg,
		      const char **graph, const char **report, int *add,
		      const char **plot)
{
	char *end;
	double v;

	switch (c) {
	case OPT_GRAPH:
		*graph = arg;
		return 1;
	case OPT_REPORT:
		*report = arg;
		return 1;
	case OPT_ADD_CLASSES:
		*add = 1;
		return 1;
	case OPT_NO_CAP:
		run->opts.no_cap_detection = 1;
		return 1;
	case OPT_PLOT:
		*plot = arg;
		return 1;
	case OPT_KS:
	case OPT_WINDOW:
		v = strtod(arg, &end);
		if (*end || !(v > 0) || (c == OPT_KS && v >= 1)) {
			cli_usage_error("tokcast fit", "%s wants a number %s, "
					"got '%s'", c == OPT_KS ?
					"--ks-threshold" : "--context-window",
					c == OPT_KS ? "between 0 and 1" :
					"above 0", arg);
			return -1;
		}
		if (c == OPT_KS)
			run->opts.ks_pass = v;
		else
			run->opts.context_window = v;
		return 1;
	default:
		return 0;
	}
}

/* Refuses an output (-o, --report, --plot) that is one of the logs. */
static int check_outputs(const struct cli_usage_args *ua, const char *out,
			 const char *report, const char *plot)
{
	const char *outs[3] = {out, report, plot};
	size_t i, k;

	for (k = 0; k < 3; k++) {
		for (i = 0; outs[k] && i < ua->nlogs; i++) {
			if (!cli_same_file(outs[k], ua->logs[i].path))
				continue;
			return cli_usage_error("tokcast fit", "%s would "
					       "replace the log it reads",
					       outs[k]);
		}
	}
	return CLI_OK;
}

/*
 * True when some class has a token fit. Shares, correlation and volume
 * alone do not count: without token fits nothing can be forecast.
 */
static int any_fitted(const struct fit_run *run)
{
	size_t i;

	for (i = 0; i < run->nclasses; i++)
		if (run->classes[i].ok_input || run->classes[i].ok_output)
			return 1;
	return 0;
}

/* Says that nothing was fitted, naming each class and its rows. */
static void say_none_fitted(const struct fit_run *run)
{
	char buf[512];
	size_t i, len = 0;

	buf[0] = 0;
	for (i = 0; i < run->nclasses && len + 1 < sizeof buf; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len,
					"%s'%s' (%zu row%s)", i ? ", " : "",
					run->classes[i].name,
					run->classes[i].input.n,
					run->classes[i].input.n == 1 ? "" :
					"s");
	cli_say("no class could be fitted: %s%s; a token fit needs at least "
		"2 rows whose counts vary (reasons above)", buf,
		len + 1 < sizeof buf ? "" : "...");
}

/* Reads the logs, fits, prints and writes. Returns an exit code. */
static int fit_main(struct fit_run *run, struct cli_usage_args *ua,
		    const char *graph, const char *out, const char *report,
		    int add, const char *plot)
{
	struct fit_graph fg = {NULL, NULL};
	size_t i;
	int rc;

	/* Before the slow fit, as is reading the graph. */
	rc = cli_check_writable(out);
	if (rc == CLI_OK)
		rc = cli_check_writable(report);
	if (rc == CLI_OK && graph)
		rc = fit_load_graph(graph, &fg);
	for (i = 0; rc == CLI_OK && i < ua->nlogs; i++)
		rc = read_log(run, &ua->logs[i]);
	if (rc != CLI_OK)
		goto out;
	if (run->nclasses == 0) {
		cli_say("no usable records in the logs");
		rc = CLI_INVALID;
		goto out;
	}
	fit_all_classes(run);
	if (!any_fitted(run)) {
		say_none_fitted(run);
		rc = CLI_INVALID;
		goto out;
	}
	fit_place_levels(run, &fg, add);

	/* With the report on stdout, the table would corrupt it. */
	if (!report || strcmp(report, "-") != 0)
		print_table(run);
	if (report)
		rc = write_report(run, report);
	if (rc == CLI_OK && plot)
		rc = fit_write_plots(run, plot);
	if (rc == CLI_OK && graph)
		rc = fit_write_graph(run, &fg, graph, out, add);
out:
	fit_graph_free(&fg);
	return rc;
}

int cli_fit(int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"output", required_argument, NULL, 'o'},
		{"graph", required_argument, NULL, OPT_GRAPH},
		{"report", required_argument, NULL, OPT_REPORT},
		{"add-classes", no_argument, NULL, OPT_ADD_CLASSES},
		{"ks-threshold", required_argument, NULL, OPT_KS},
		{"context-window", required_argument, NULL, OPT_WINDOW},
		{"no-cap", no_argument, NULL, OPT_NO_CAP},
		{"plot", required_argument, NULL, OPT_PLOT},
		CLI_USAGE_LONGOPTS,
		{NULL, 0, NULL, 0}
	};
	const char *graph = NULL, *out = NULL, *report = NULL, *plot = NULL;
	struct cli_usage_args ua;
	struct fit_run run;
	int c, k, add = 0, rc = CLI_USAGE;

	memset(&run, 0, sizeof run);
	cli_usage_args_init(&ua);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-:ho:", opts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			rc = cli_bad_option("tokcast fit", c, argv);
			goto out;
		}
		if (c == 'h') {
			printf("%s%s", fit_help, cli_usage_help);
			rc = CLI_OK;
			goto out;
		}
		if (c == 'o') {
			out = optarg;
			continue;
		}
		if (c == 1) {
			if (cli_usage_add_log(&ua, optarg))
				goto fail;
			continue;
		}
		k = fit_option(&run, c, optarg, &graph, &report, &add,
			       &plot);
		if (k == 0)
			k = cli_usage_option(&ua, "tokcast fit", c, optarg);
		if (k < 0)
			goto out;
		if (k == 0) {
			rc = cli_usage_error("tokcast fit", "unknown option");
			goto out;
		}
	}
	if (cli_usage_args_finish(&ua, "tokcast fit"))
		goto out;
	if (!graph != !out) {
		rc = cli_usage_error("tokcast fit", "--graph and -o go "
				     "together");
		goto out;
	}
	rc = check_outputs(&ua, out, report, plot);
	if (rc != CLI_OK)
		goto out;
	if (join_sources(&run, &ua))
		goto fail;
	rc = fit_main(&run, &ua, graph, out, report, add, plot);
	goto out;
fail:
	rc = CLI_FAILURE;
out:
	run_free(&run);
	cli_usage_args_free(&ua);
	return rc;
}
