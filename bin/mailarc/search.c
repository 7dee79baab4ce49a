/* Placeholder: "mailarc search" lands with its issue. */
#include <sysexits.h>

#include "log.h"
#include "mailarc.h"

int
cmd_search(struct ctx *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	log_err("'mailarc search' is not built yet");
	return EX_UNAVAILABLE;
}
