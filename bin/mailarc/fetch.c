/* Placeholder: "mailarc fetch" lands with its issue. */
#include <sysexits.h>

#include "log.h"
#include "mailarc.h"

int
cmd_fetch(struct ctx *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	log_err("'mailarc fetch' is not built yet");
	return EX_UNAVAILABLE;
}
