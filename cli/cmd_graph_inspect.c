/* Placeholder: replaced by the real command. */
#include "cli.h"

int cli_graph_inspect(int argc, char **argv)
{
	cli_say("graph inspect: not built yet");
	return CLI_FAILURE;
}
