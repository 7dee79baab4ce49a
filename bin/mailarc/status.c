/* Placeholder: "mailarc status" lands with its issue. */
#include <sysexits.h>

#include "log.h"
#include "mailarc.h"

int
cmd_status(struct ctx *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	log_err("'mailarc status' is not built yet");
	return EX_UNAVAILABLE;
}
