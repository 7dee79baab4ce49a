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

/* The options of a pipeline stage (mailarc-dedupe, -index, -render). */
struct stage_opts {
	const char *root;  /* --root, or NULL */
	const char *space; /* the SPACE operand (borrowed from argv) */
	bool from_stdin;   /* the "-" operand */
	bool wait;	   /* --wait */
	bool full;	   /* --full, where CLI_STAGE_FULL is accepted */
	bool report;	   /* --report, where CLI_STAGE_REPORT is accepted */
	char sep;	   /* '\n', or '\0' with -0/--null */
};

#define CLI_STAGE_FULL	 1
#define CLI_STAGE_REPORT 2

/*
 * cli_stage_options - parse a stage's command line: the common options,
 * --wait, -0/--null, the flags in accept (CLI_STAGE_*), then "SPACE [-]".
 * Fills *o (sep '\n' unless -0). Returns EX_OK, EX__HELP after --help or
 * --version, or EX_USAGE after printing the usage.
 */
int cli_stage_options(int argc, char **argv, const char *usage, int accept,
		      struct stage_opts *o);

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
