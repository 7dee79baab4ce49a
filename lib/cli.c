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
cli_space_args(int argc, char **argv, const char *usage, const char **spacep,
	       bool *from_stdinp)
{
	int n = argc - optind;

	if (n == 2 && strcmp(argv[optind + 1], "-") != 0)
		log_err("unexpected argument '%s'", argv[optind + 1]);
	else if (n > 2)
		log_err("unexpected argument '%s'", argv[optind + 2]);
	if (n < 1 || n > 2 || (n == 2 && strcmp(argv[optind + 1], "-") != 0)) {
		fputs(usage, stderr);
		return EX_USAGE;
	}
	*spacep = argv[optind];
	*from_stdinp = n == 2;
	return EX_OK;
}

int
cli_stage_options(int argc, char **argv, const char *usage, int accept,
		  struct stage_opts *o)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"wait", no_argument, NULL, 'w'},
	    {"null", no_argument, NULL, '0'},
	    {"full", no_argument, NULL, 'F'},
	    {"report", no_argument, NULL, 'R'},
	    {NULL, 0, NULL, 0},
	};
	int ch, r;

	*o = (struct stage_opts){.sep = '\n'};
	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "0", longopts,
				 NULL)) != -1) {
		/* An option of another stage: getopt knows it, so say it. */
		if ((ch == 'F' && !(accept & CLI_STAGE_FULL)) ||
		    (ch == 'R' && !(accept & CLI_STAGE_REPORT))) {
			log_err("unrecognized option '%s'",
				ch == 'F' ? "--full" : "--report");
			ch = '?';
		}
		switch (ch) {
		case 'w':
			o->wait = true;
			break;
		case '0':
			o->sep = '\0';
			break;
		case 'F':
			o->full = true;
			break;
		case 'R':
			o->report = true;
			break;
		default:
			if ((r = cli_common(ch, optarg, usage, &o->root)) !=
			    EX_OK)
				return r < 0 ? EX_USAGE : r;
		}
	}
	return cli_space_args(argc, argv, usage, &o->space, &o->from_stdin);
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
