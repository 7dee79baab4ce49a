#ifndef MA_CLI_H
#define MA_CLI_H

#include <getopt.h>
#include <stdbool.h>

/*
 * What every program shares on its command line: --help, --version,
 * --root, -v/--verbose, -q/--quiet, and the exit code of a run whose
 * stdout could not be written.
 */

/* getopt_long() value of --help when a caller needs it outside the list. */
#define EX__HELP 256

#define CLI_OPT_ROOT	1000
#define CLI_OPT_VERSION 1001

/* The shared entries, to put first in a struct option table. */
#define CLI_COMMON_LONGOPTS                                                    \
	{"help", no_argument, NULL, 'h'},                                      \
	    {"version", no_argument, NULL, CLI_OPT_VERSION},                   \
	    {"root", required_argument, NULL, CLI_OPT_ROOT},                   \
	    {"verbose", no_argument, NULL, 'v'},                               \
	{                                                                      \
		"quiet", no_argument, NULL, 'q'                                \
	}

/* Short options of the shared entries, to put in the optstring. */
#define CLI_COMMON_SHORTOPTS "hvq"

/*
 * cli_common - handle one shared option c (with its optarg). Returns -1
 * when c is not one of them; EX__HELP after printing usage to stdout for
 * -h, or the version for --version; EX_USAGE after printing usage to
 * stderr for '?'; EX_OK when handled. *rootp is set for --root.
 */
int cli_common(int c, const char *arg, const char *usage, const char **rootp);

/*
 * cli_space_args - the operands of a stage, "SPACE [-]", from argv[optind]
 * on: *spacep borrows argv, *from_stdinp is true for "-". Anything else
 * prints the usage to stderr (naming an unexpected operand) and returns
 * EX_USAGE.
 */
int cli_space_args(int argc, char **argv, const char *usage,
		   const char **spacep, bool *from_stdinp);

/*
 * io_finish - flush stdout; EX_IOERR (logged) if anything written to it
 * failed, else ret.
 */
int io_finish(int ret);

#endif
