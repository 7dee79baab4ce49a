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

const char *
ctx_root(struct ctx *c)
{
	if (c->root == NULL && root_resolve(c->root_opt, &c->root) != MA_OK)
		return NULL;
	return c->root;
}

struct space *
ctx_space(struct ctx *c, const char *key, int *ret)
{
	const char *root = ctx_root(c);
	struct space *s;
	enum ma_status st;

	if (root == NULL) {
		*ret = EX_CONFIG;
		return NULL;
	}
	if ((st = space_load(root, key, &s)) != MA_OK) {
		*ret = ma_exitcode(st);
		return NULL;
	}
	return s;
}

const char *
ctx_one_operand(struct ctx *c, int argc, char **argv, const char *text,
		int *ret)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				 NULL)) != -1) {
		*ret = cli_common(ch, optarg, text, &c->root_opt);
		if (*ret == EX__HELP) {
			*ret = EX_OK;
			return NULL;
		}
		if (*ret != EX_OK) {
			*ret = *ret < 0 ? EX_USAGE : *ret;
			return NULL;
		}
	}
	if (argc - optind != 1) {
		fputs(text, stderr);
		*ret = EX_USAGE;
		return NULL;
	}
	return argv[optind];
}

/* The programs of a build or an install sit beside the front end. */
static char *
sibling(const char *prog)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *p;

	if (n <= 0)
		return NULL;
	self[n] = '\0';
	p = path_fmt("%s/%s", dirname(self), prog);
	if (p != NULL && access(p, X_OK) != 0) {
		free(p);
		return NULL;
	}
	return p;
}

bool
stage_built(const char *prog)
{
	char *p = sibling(prog);

	free(p);
	return p != NULL;
}

int
run_pipeline(struct ctx *c, const char *space)
{
	static const char *const stages[] = {"mailarc-dedupe", "mailarc-index",
					     "mailarc-render"};
	const char *const args[] = {space, NULL};
	int ret = EX_OK, r;

	for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
		/* Retention between index and render: the render that
		 * follows takes its tombstones in. */
		if (i == 2 && stage_built("mailarc-index")) {
			r = retention_run(c, space);
			ret = ma_worse(ret, r);
		}
		if (!stage_built(stages[i])) {
			log_debug("space %s: %s is not built; skipped", space,
				  stages[i]);
			continue;
		}
		r = run_stage(c, stages[i], args, true);
		ret = ma_worse(ret, r);
		/* One bad message set aside (EX_DATAERR) still leaves the
		 * rest to index and render; any other failure stops here,
		 * since a later stage works on what this one made. */
		if (r != EX_OK && r != EX_DATAERR) {
			log_err("space %s: %s failed (exit %d)", space,
				stages[i], r);
			break;
		}
	}
	return ret;
}

int
run_stage(struct ctx *c, const char *prog, const char *const args[],
	  bool quiet_stdout)
{
	const char *argv[64];
	size_t n = 0;
	char *path = sibling(prog);
	struct child ch = {
	    .exec_fail_code = EX_OSERR, .log_exec_fail = true, .name = prog};
	enum ma_status st;
	int status;
	pid_t pid;

	argv[n++] = prog;
	if (c->root_opt != NULL) {
		argv[n++] = "--root";
		argv[n++] = c->root_opt;
	}
	if (log_enabled(LOG_LEVEL_INFO))
		argv[n++] = "-v";
	else if (!log_enabled(LOG_LEVEL_NOTICE))
		argv[n++] = "-q";
	if (c->wait)
		argv[n++] = "--wait";
	for (size_t i = 0; args != NULL && args[i] != NULL && n < 63; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	ch.file = path != NULL ? path : prog;
	ch.argv = (char *const *)argv;
	ch.stdout_fd = quiet_stdout ? CHILD_STDOUT_DEVNULL : CHILD_STDOUT_OURS;
	st = child_spawn(&ch, &pid);
	free(path);
	if (st != MA_OK || child_wait(pid, &status) != MA_OK)
		return EX_OSERR;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	log_err("%s was killed by signal %d", prog, WTERMSIG(status));
	return EX_SOFTWARE;
}

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
