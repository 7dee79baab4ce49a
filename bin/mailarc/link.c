/* Placeholder: "mailarc link" lands with its issue. */
#include <sysexits.h>

#include "log.h"
#include "mailarc.h"

int
cmd_link(struct ctx *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	log_err("'mailarc link' is not built yet");
	return EX_UNAVAILABLE;
}
