/*
 * cmd_graph.c - "tokcast graph": the knowledge-graph subcommands.
 */
#include "cli.h"

static const struct cli_command graph_commands[] = {
	{"inspect", "print what a GraphML file holds", cli_graph_inspect},
	{"check", "validate a knowledge graph against the schema",
	 cli_graph_check},
	{"render", "draw a knowledge graph as SVG, PNG or PDF",
	 cli_graph_render},
	{NULL, NULL, NULL},
};

int cli_graph(int argc, char **argv)
{
	return cli_dispatch("tokcast graph", graph_commands, argc - 1,
			    argv + 1);
}
