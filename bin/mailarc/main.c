/* mailarc: the administrator's front end (spaces, accounts, fetch, ...). */
#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "child.h"
#include "cli.h"
#include "log.h"
#include "mailarc.h"
#include "path.h"

static const char usage[] =
    "usage: mailarc [--root DIR] [-v] [-q] COMMAND [ARGS]\n"
    "\n"
    "  space add KEY [--name N] [--description D] [--personal]\n"
    "  space edit KEY [--name N] [--description D] [--set KEY=VALUE]\n"
    "  space list | show KEY | remove KEY [--force]\n"
    "  account add SPACE/ACCOUNT --protocol P --host H [--port N]\n"
    "          --username U [--password-file F | --password-command CMD |\n"
    "          --password-stdin] [--auth basic|oauth2 ...] [--folder F]\n"
    "          [--on-server keep|delete] [--tls required|none]\n"
    "          [--ca-file F] [--tls-verify yes|no] [--name N]\n"
    "          [--description D] [--no-test]\n"
    "  account edit|remove|enable|disable|show|test SPACE/ACCOUNT\n"
    "  account list [SPACE]\n"
    "  fetch [SPACE[/ACCOUNT]]...\n"
    "  import SPACE FILE|DIR...\n"
    "  delete SPACE MESSAGE-ID... | --query Q\n"
    "  export SPACE --address ADDR [--output FILE]\n"
    "  erase SPACE --address ADDR [--dry-run] [--yes]\n"
    "  hold on|off SPACE [--reason TEXT]\n"
    "  audit SPACE\n"
    "  search SPACE QUERY...\n"
    "  link SPACE MESSAGE-ID [--thread]\n"
    "  render SPACE [--full]\n"
    "  rebuild SPACE\n"
    "  polling on|off [SPACE[/ACCOUNT]]\n"
    "  watch SPACE/ACCOUNT\n"
    "  status [SPACE]\n"
    "  check SPACE [--repair]\n"
    "\n"
    "Run 'mailarc COMMAND --help' for a command's options; see mailarc(1).\n";

static const struct {
	const char *name;
	int (*fn)(struct ctx *, int, char **);
} commands[] = {
    {"space", cmd_space},     {"account", cmd_account},
    {"fetch", cmd_fetch},     {"import", cmd_import},
    {"delete", cmd_delete},   {"search", cmd_search},
    {"link", cmd_link},	      {"render", cmd_render},
    {"polling", cmd_polling}, {"status", cmd_status},
    {"check", cmd_check},     {"export", cmd_export},
    {"erase", cmd_erase},     {"hold", cmd_hold},
    {"audit", cmd_audit},     {"rebuild", cmd_rebuild},
    {"watch", cmd_watch},
};

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"wait", no_argument, NULL, 'w'},
	    {NULL, 0, NULL, 0},
	};
	struct ctx c = {0};
	int ch, ret;

	log_init("mailarc");
	/* "+": options stop at the command; each command parses the rest. */
	while ((ch = getopt_long(argc, argv, "+" CLI_COMMON_SHORTOPTS, longopts,
				 NULL)) != -1) {
		if (ch == 'w') {
			c.wait = true;
			continue;
		}
		ret = cli_common(ch, optarg, usage, &c.root_opt);
		if (ret == EX__HELP)
			return io_finish(EX_OK);
		if (ret != EX_OK)
			return ret;
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return EX_USAGE;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		ret = commands[i].fn(&c, argc - optind, argv + optind);
		free(c.root);
		return io_finish(ret);
	}
	log_err("unknown command '%s' (see 'mailarc --help')", argv[optind]);
	return EX_USAGE;
}
