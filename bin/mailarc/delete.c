/* Placeholder: "mailarc delete" lands with its issue. */
#include <sysexits.h>

#include "log.h"
#include "mailarc.h"

int
cmd_delete(struct ctx *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	log_err("'mailarc delete' is not built yet");
	return EX_UNAVAILABLE;
}
