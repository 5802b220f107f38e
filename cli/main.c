/*
 * main.c - the tokcast command-line tool: picks a subcommand and hands it
 * the rest of the command line.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "usage_opts.h"

/* Subcommands, sorted by name; --help lists them in this order. */
static const struct cli_command commands[] = {
	{"backtest", "score forecast intervals against what a series showed",
	 cli_backtest},
	{"compare", "compare scenarios on common random numbers",
	 cli_compare},
	{"cost", "price real usage logs exactly, by class, model, period",
	 cli_cost},
	{"fit", "fit per-class token distributions and volume from usage logs",
	 cli_fit},
	{"forecast", "forecast a quarter's cost per class by Monte Carlo",
	 cli_forecast},
	{"graph", "load, inspect, check and draw knowledge graphs", cli_graph},
	{"prices", "list the price catalog as of a date", cli_prices},
	{"scenario", "check what-if scenario files", cli_scenario},
	{"usage", "read usage logs and sum their tokens per class", cli_usage},
	{NULL, NULL, NULL},
};

/*
 * Interrupted or terminated, the outputs being written are dropped with
 * their temporary files, then the signal takes its usual course.
 */
static void on_signal(int sig)
{
	tc_outfile_remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &sa, NULL);
}

int main(int argc, char **argv)
{
	catch_signals();
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("tokcast %s\n", tc_version());
		return cli_finish(CLI_OK);
	}
	return cli_finish(cli_dispatch("tokcast", commands, argc - 1,
				       argv + 1));
}
