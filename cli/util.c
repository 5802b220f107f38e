/*
 * util.c - error reporting and subcommand dispatch for the CLI.
 */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/*
 * Writes a message to stderr with its control characters (but newlines
 * and tabs) as '?': messages quote the user's files, and a binary log's
 * header must not send escape sequences to the terminal.
 */
static void put_message(const char *fmt, va_list ap)
{
	va_list again;
	char *s;
	int n, i;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (!s) {
		vfprintf(stderr, fmt, ap);
		return;
	}
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\n' &&
		     s[i] != '\t') || s[i] == 0x7f)
			s[i] = '?';
	fputs(s, stderr);
	free(s);
}

void cli_say(const char *fmt, ...)
{
	va_list ap;

	fputs("tokcast: ", stderr);
	va_start(ap, fmt);
	put_message(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_exit_for(tc_status st)
{
	switch (st) {
	case TC_OK:
		return CLI_OK;
	case TC_ERR_PARSE:
	case TC_ERR_INVALID:
	case TC_ERR_LIMIT:
	case TC_ERR_NOT_FOUND:
	case TC_ERR_UNSUPPORTED:
		return CLI_INVALID;
	case TC_ERR_ARG:
		return CLI_USAGE;
	default:
		return CLI_FAILURE;
	}
}

int cli_fail(const tc_error *err)
{
	char buf[TC_ERROR_FILE_MAX + TC_ERROR_MESSAGE_MAX + 512];

	cli_say("%s", tc_error_format(err, buf, sizeof buf));
	return cli_exit_for(err->status);
}

int cli_fail_in(const char *file, tc_error *err)
{
	if (!err->file[0] && file)
		snprintf(err->file, sizeof err->file, "%s", file);
	return cli_fail(err);
}

/* One place for the all-or-nothing ending every output file shares. */
int cli_outfile_end(tc_outfile *of, tc_status st, tc_error *err)
{
	if (st != TC_OK) {
		tc_outfile_abort(of);
		return cli_fail(err);
	}
	if (tc_outfile_commit(of, err) != TC_OK)
		return cli_fail(err);
	return CLI_OK;
}

/*
 * Creating and dropping the temporary file writing would use tests the
 * directory the way writing will (exists, is one, lets us in), where
 * access(2) would differ for root and on read-only mounts.
 */
int cli_check_writable(const char *path)
{
	tc_outfile *of = NULL;
	tc_error err = {0};

	if (!path || strcmp(path, "-") == 0)
		return CLI_OK;
	if (tc_outfile_open(path, &of, &err) != TC_OK)
		return cli_fail(&err);
	tc_outfile_abort(of);
	return CLI_OK;
}

/*
 * Prints the diagnostics of severity sev while *left allows, counting
 * each off *left.
 */
static void print_severity(const tc_diags *diags, tc_severity sev,
			   size_t *left)
{
	char buf[4096];
	size_t i;
	const tc_diag *d;

	for (i = 0; *left && i < tc_diags_count(diags); i++) {
		d = tc_diags_get(diags, i);
		if (d->severity != sev)
			continue;
		cli_say("%s", tc_diag_format(d, buf, sizeof buf));
		--*left;
	}
}

/*
 * A broken graph of 15000 edges once printed 65000 lines; past the cap
 * the rest is counted, errors first so the cut drops warnings.
 */
void cli_print_graph_diags(const tc_diags *diags, const char *graph)
{
	size_t n = tc_diags_count(diags), left = CLI_DIAGS_SHOWN;

	print_severity(diags, TC_SEV_ERROR, &left);
	print_severity(diags, TC_SEV_WARNING, &left);
	if (n <= CLI_DIAGS_SHOWN)
		return;
	if (graph)
		cli_say("... and %zu more problems ('tokcast graph check %s' "
			"lists them all)", n - CLI_DIAGS_SHOWN, graph);
	else
		cli_say("... and %zu more problems", n - CLI_DIAGS_SHOWN);
}

void cli_print_diags(const tc_diags *diags)
{
	cli_print_graph_diags(diags, NULL);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("tokcast: ", stderr);
	va_start(ap, fmt);
	put_message(fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntokcast: see '%s --help'\n", cmd);
	return CLI_USAGE;
}

int cli_bad_option(const char *cmd, int c, char *const *argv)
{
	const char *opt = argv[optind - 1];

	if (c == ':')
		return cli_usage_error(cmd, "option '%s' needs a value", opt);
	return cli_usage_error(cmd, "unknown option '%s'", opt);
}

/* opterr 0: the messages are ours, with the command's name. */
int cli_parse_opts(int argc, char **argv, const struct cli_opt_loop *l,
		   int *code)
{
	int c;

	optind = 1;
	opterr = 0;
	*code = CLI_USAGE;
	while ((c = getopt_long(argc, argv, "-ho:", l->opts, NULL)) != -1) {
		if (c == 'h') {
			printf("%s", l->help);
			*code = CLI_OK;
			return -1;
		}
		if (c == 1 && l->positional(l->ctx, optarg) == 0)
			continue;
		if (c == 1 || c == '?' || c == ':') {
			cli_usage_error(l->cmd, "unexpected argument '%s'",
					argv[optind - 1]);
			return -1;
		}
		if (l->option(l->ctx, c, optarg) < 0)
			return -1;
	}
	return 0;
}

int cli_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
		return 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void list_commands(FILE *fp, const char *prog,
			  const struct cli_command *table)
{
	const struct cli_command *c;

	fprintf(fp, "usage: %s COMMAND [OPTIONS]\n\ncommands:\n", prog);
	for (c = table; c->name; c++)
		fprintf(fp, "  %-12s %s\n", c->name, c->summary);
	fprintf(fp, "\n'%s COMMAND --help' describes a command.\n", prog);
}

int cli_dispatch(const char *prog, const struct cli_command *table,
		 int argc, char **argv)
{
	const struct cli_command *c;

	if (argc < 1) {
		list_commands(stderr, prog, table);
		return CLI_USAGE;
	}
	if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
		list_commands(stdout, prog, table);
		return CLI_OK;
	}
	for (c = table; c->name; c++)
		if (strcmp(c->name, argv[0]) == 0)
			return c->run(argc, argv);
	cli_say("unknown command '%s'", argv[0]);
	list_commands(stderr, prog, table);
	return CLI_USAGE;
}

int cli_finish(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_say("error writing to standard output");
		return code == CLI_OK ? CLI_FAILURE : code;
	}
	return code;
}

/* Whole numbers come as doubles so 2^53 seeds and day counts share it. */
int cli_parse_whole(const char *s, const char *suffix, double lo, double hi,
		    double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || strcmp(end, suffix) != 0 || !(v >= lo && v <= hi) ||
	    v != floor(v))
		return -1;
	*out = v;
	return 0;
}
