/*
 * usage_opts.h - the options that say how to read usage logs, shared by
 * "tokcast usage", "tokcast cost" and "tokcast fit".
 *
 * A command adds CLI_USAGE_LONGOPTS to its getopt_long table, starts its
 * short-option string with '-' so that log files come back in order as
 * option 1, and hands every option to cli_usage_option() and every file to
 * cli_usage_add_log(). Reading options given after a log apply to that
 * log ("a.csv --class code b.csv --class chat"); options given before the
 * first log are the defaults of every log.
 *
 *	struct cli_usage_args ua;
 *	cli_usage_args_init(&ua);
 *	while ((c = getopt_long(argc, argv, "-ho:", opts, NULL)) != -1) {
 *		switch (c) {
 *		case 1: if (cli_usage_add_log(&ua, optarg)) goto fail; break;
 *		...
 *		default:
 *			k = cli_usage_option(&ua, "tokcast fit", c, optarg);
 *			if (k == 0) usage error; if (k < 0) goto fail;
 *		}
 *	}
 *	if (cli_usage_args_finish(&ua, "tokcast fit")) goto fail;
 *	for (i = 0; i < ua.nlogs; i++)
 *		tc_usage_reader_open(ua.logs[i].path, &ua.logs[i].opts, ...);
 *	cli_usage_args_free(&ua);
 */
#ifndef TOKCAST_CLI_USAGE_OPTS_H
#define TOKCAST_CLI_USAGE_OPTS_H

#include <getopt.h>
#include <stdint.h>

#include "cli.h"

/* getopt values of the reading options (above any short option). */
enum cli_usage_opt {
	CLI_OPT_SHAPE = 0x1100,
	CLI_OPT_USAGE_PATH,
	CLI_OPT_MAP,
	CLI_OPT_CLASS,
	CLI_OPT_ORIGIN,
	CLI_OPT_TIME_UNIT,
	CLI_OPT_CACHE_TTL,
	CLI_OPT_MAX_BAD_ROWS,
	CLI_OPT_MODEL,
	CLI_OPT_KEEP_DUPLICATES
};

/* Entries for a struct option table (no terminator). */
#define CLI_USAGE_LONGOPTS                                               \
	{"shape", required_argument, NULL, CLI_OPT_SHAPE},               \
	{"usage-path", required_argument, NULL, CLI_OPT_USAGE_PATH},     \
	{"map", required_argument, NULL, CLI_OPT_MAP},                   \
	{"class", required_argument, NULL, CLI_OPT_CLASS},               \
	{"origin", required_argument, NULL, CLI_OPT_ORIGIN},             \
	{"time-unit", required_argument, NULL, CLI_OPT_TIME_UNIT},       \
	{"cache-ttl", required_argument, NULL, CLI_OPT_CACHE_TTL},       \
	{"max-bad-rows", required_argument, NULL, CLI_OPT_MAX_BAD_ROWS}, \
	{"model", required_argument, NULL, CLI_OPT_MODEL},               \
	{"keep-duplicates", no_argument, NULL, CLI_OPT_KEEP_DUPLICATES}

/* The help text of the reading options, for a command's --help. */
extern const char cli_usage_help[];

/* One log file and the options it is read with. */
struct cli_usage_log {
	const char *path;
	tc_usage_opts opts;
};

struct cli_usage_args {
	tc_usage_opts cur;	/* the defaults, given before the first log */
	struct cli_usage_log *logs;
	size_t nlogs;
	size_t cap;
};

void cli_usage_args_init(struct cli_usage_args *a);
void cli_usage_args_free(struct cli_usage_args *a);

/*
 * Handles one getopt result. Returns 1 when it was a reading option, 0
 * when it is not one of them, -1 after reporting a bad value (the command
 * returns CLI_USAGE).
 */
int cli_usage_option(struct cli_usage_args *a, const char *cmd, int opt,
		     const char *arg);

/* Adds a log file. Returns 0, or -1 when out of memory (reported). */
int cli_usage_add_log(struct cli_usage_args *a, const char *path);

/* Returns 0, or -1 when no log was given (reported as a usage error). */
int cli_usage_args_finish(struct cli_usage_args *a, const char *cmd);

/*
 * Prints the reader's warning about the log at path, if any, with the
 * options that fix it.
 */
void cli_usage_warn(const char *path, const tc_usage_reader *r);

/* The command "tokcast usage". */
int cli_usage(int argc, char **argv);

#endif
