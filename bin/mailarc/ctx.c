/*
 * What every command of the front end shares (mailarc.h): the root and
 * space lookups, the one-operand option loop, and running the pipeline's
 * stages. main.c dispatches to the commands; the commands call in here,
 * never back into main.c.
 */
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
