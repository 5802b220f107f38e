/* Placeholder: replaced by the real command. */
#include "cli.h"

int cli_graph_render(int argc, char **argv)
{
	cli_say("graph render: not built yet");
	return CLI_FAILURE;
}
