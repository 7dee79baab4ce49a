/* Placeholder: "mailarc render" lands with its issue. */
#include <sysexits.h>

#include "log.h"
#include "mailarc.h"

int
cmd_render(struct ctx *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	log_err("'mailarc render' is not built yet");
	return EX_UNAVAILABLE;
}
