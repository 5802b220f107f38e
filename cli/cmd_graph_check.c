/* Placeholder: replaced by the real command. */
#include "cli.h"

int cli_graph_check(int argc, char **argv)
{
	cli_say("graph check: not built yet");
	return CLI_FAILURE;
}
