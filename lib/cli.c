#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"
#include "log.h"

int
cli_common(int c, const char *arg, const char *usage, const char **rootp)
{
	switch (c) {
	case 'h':
		fputs(usage, stdout);
		return EX__HELP;
	case CLI_OPT_VERSION:
		printf("%s %s\n", log_prog(), MAILARC_VERSION);
		return EX__HELP;
	case CLI_OPT_ROOT:
		*rootp = arg;
		return EX_OK;
	case 'v':
		log_adjust(+1);
		return EX_OK;
	case 'q':
		log_adjust(-1);
		return EX_OK;
	case '?':
	case ':':
		fputs(usage, stderr);
		return EX_USAGE;
	default:
		return -1;
	}
}

int
io_finish(int ret)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_err("cannot write to standard output: %s", strerror(errno));
		return ret == EX_OK ? EX_IOERR : ret;
	}
	return ret;
}
