/*
 * cli.h - shared pieces of the tokcast command-line tool: exit codes,
 * error reporting and the subcommand table. The tool is a thin client of
 * the public API in include/tokcast.h; only it talks to the user.
 */
#ifndef TOKCAST_CLI_H
#define TOKCAST_CLI_H

#include <stdio.h>
#include "tokcast.h"

/* Exit codes, a contract with scripts: never renumbered. */
enum cli_exit {
	CLI_OK = 0,		/* success */
	CLI_INVALID = 1,	/* the input is invalid */
	CLI_USAGE = 2,		/* the command line is wrong */
	CLI_FAILURE = 3,	/* an I/O or internal failure */
	CLI_BUDGET = 4		/* a budget gate tripped */
};

/* A subcommand: name, one-line summary, entry point. */
struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

/* Prints "tokcast: MESSAGE" on stderr. */
void cli_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints a library error on stderr and returns the matching exit code. */
int cli_fail(const tc_error *err);
/*
 * cli_fail naming file when the library named none (the run's errors
 * name a class or a node of the graph file the user gave).
 */
int cli_fail_in(const char *file, tc_error *err);

/*
 * Ends a tc_outfile after its writer returned st: aborts it (nothing is
 * left behind) and prints err when st failed, else commits it. Returns
 * CLI_OK or the exit code of the failure.
 */
int cli_outfile_end(tc_outfile *of, tc_status st, tc_error *err);

/*
 * Checks, before slow work, that an output file can be created: path's
 * directory exists, is a directory and is writable. NULL and "-"
 * (standard output) pass. Returns CLI_OK, or the exit code of a failed
 * tc_outfile_open after printing its error, which names path.
 */
int cli_check_writable(const char *path);

/* The most diagnostics cli_print_diags prints; the rest are counted. */
#define CLI_DIAGS_SHOWN 100

/*
 * Prints the diagnostics of a list on stderr, errors first, at most
 * CLI_DIAGS_SHOWN of them, then how many more there are.
 */
void cli_print_diags(const tc_diags *diags);
/*
 * cli_print_diags for the problems of the graph file graph, pointing
 * past the cap to 'tokcast graph check', which lists them all (graph
 * NULL: no pointer).
 */
void cli_print_graph_diags(const tc_diags *diags, const char *graph);

/* Maps a library status to an exit code. */
int cli_exit_for(tc_status st);

/* Reports a usage error with a hint to --help; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct option;

/*
 * What cli_parse_opts needs of a command: its name and --help text, its
 * long options (besides "-h" and "-o FILE"), and where the arguments go:
 * positional takes one (0) or refuses it (-1: an unexpected argument),
 * option handles every other option (< 0: bad, its message printed).
 */
struct cli_opt_loop {
	const char *cmd;
	const char *help;
	const struct option *opts;
	void *ctx;
	int (*positional)(void *ctx, const char *arg);
	int (*option)(void *ctx, int c, const char *arg);
};

/*
 * Runs getopt_long over argv with l. Returns 0 when every argument was
 * taken (*code left CLI_USAGE for the caller's own checks), or -1 with
 * *code: CLI_OK after printing the help, CLI_USAGE on a bad argument.
 */
int cli_parse_opts(int argc, char **argv, const struct cli_opt_loop *l,
		   int *code);

/*
 * Reports the option getopt_long() refused (it returned c, '?' or ':'
 * with a leading ':' in its option string): unknown, or missing its
 * value. Call it before optind moves on; returns CLI_USAGE.
 */
int cli_bad_option(const char *cmd, int c, char *const *argv);

/*
 * 1 when paths a and b name the same existing file (same device and
 * inode, whatever the spelling), else 0. Guards inputs from -o.
 */
int cli_same_file(const char *a, const char *b);

/*
 * Runs the subcommand named argv[0] among table (NULL-terminated), or
 * prints the table when argv[0] is --help. prog is "tokcast graph" etc.
 */
int cli_dispatch(const char *prog, const struct cli_command *table,
		 int argc, char **argv);

/*
 * Checks standard output for write errors (a full disk) before exit.
 * Returns code, or CLI_FAILURE when output was lost.
 */
int cli_finish(int code);

/*
 * Finds a data file installed with tokcast: in $TOKCAST_DATA_DIR when
 * set, else in share/tokcast beside the binary (build tree) or in
 * ../share/tokcast (installed). Writes the path; returns 1 when readable.
 */
int cli_data_file(const char *name, char *path, size_t size);

/*
 * Loads the bundled price catalog, then user_file (may be NULL) over it.
 * Reports errors itself; returns CLI_OK or the exit code.
 */
int cli_load_catalog(const char *user_file, tc_catalog **out);

/*
 * Parses a whole number in [lo, hi] followed by exactly suffix ("" for
 * none) into *out; 0 on success, -1 when malformed or out of range.
 */
int cli_parse_whole(const char *s, const char *suffix, double lo, double hi,
		    double *out);

/* Parses YYYY-MM-DD into days since 1970-01-01; 0 on success, -1 else. */
int cli_parse_date(const char *s, int64_t *days);
/* Writes days since 1970-01-01 as YYYY-MM-DD. */
void cli_format_date(int64_t days, char *buf, size_t size);

/* Today's date in days since 1970-01-01, UTC. */
int64_t cli_today(void);

/*
 * The processors online, 1 to 64: the default thread count (a forecast's
 * numbers do not depend on it).
 */
unsigned cli_cores(void);

/* The pricing commands. */
int cli_prices(int argc, char **argv);
int cli_cost(int argc, char **argv);

/* The forecast command and its stdout summary. */
int cli_forecast(int argc, char **argv);
int cli_forecast_summary(const tc_forecast *f, const char *graph);

/* tokcast backtest (cmd_backtest.c, backtest_summary.c). */
int cli_backtest(int argc, char **argv);
int cli_backtest_summary(const tc_backtest *bt);

/* The graph subcommands. */
int cli_graph(int argc, char **argv);
int cli_graph_inspect(int argc, char **argv);
int cli_graph_check(int argc, char **argv);
int cli_graph_render(int argc, char **argv);

/* The scenario subcommands. */
int cli_scenario(int argc, char **argv);
int cli_scenario_check(int argc, char **argv);

/* tokcast compare (cmd_compare.c). */
int cli_compare(int argc, char **argv);

/* tokcast fit (cmd_fit.c). */
int cli_fit(int argc, char **argv);

#endif
