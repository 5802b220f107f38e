/* Placeholder until the usage reader lands. */
#include "cli.h"

int cli_cost(int argc, char **argv)
{
	cli_say("cost: not built yet");
	return CLI_FAILURE;
}
