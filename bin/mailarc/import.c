/* Placeholder: "mailarc import" lands with its issue. */
#include <sysexits.h>

#include "log.h"
#include "mailarc.h"

int
cmd_import(struct ctx *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	log_err("'mailarc import' is not built yet");
	return EX_UNAVAILABLE;
}
