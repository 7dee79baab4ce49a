#ifndef MAILARC_FRONT_H
#define MAILARC_FRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "account.h"
#include "space.h"

/* What every command of the front end shares. */
struct ctx {
	const char *root_opt; /* --root, or NULL */
	char *root;	      /* resolved on first use by ctx_root() */
	bool wait;	      /* --wait: wait for locks instead of failing */
};

/* ctx_root - the root folder, resolved once; NULL (logged) on error. */
const char *ctx_root(struct ctx *c);

/* ctx_space - load a space; on failure the exit code is in *ret. */
struct space *ctx_space(struct ctx *c, const char *key, int *ret);

/*
 * ctx_one_operand - parse the common options of a command whose only
 * operand is one SPACE, and return it (borrowed from argv). NULL when the
 * command is done: *ret is EX_OK after --help, else the exit code (usage
 * printed for a wrong operand count).
 */
const char *ctx_one_operand(struct ctx *c, int argc, char **argv,
			    const char *usage, int *ret);

/*
 * run_stage - run another mailarc program (the one installed beside this
 * binary, else from $PATH) with argv[0] = prog and args (NULL-terminated),
 * stdin from /dev/null and stdout to ours unless quiet_stdout. Returns its
 * exit code (EX_OSERR if it could not run).
 */
int run_stage(struct ctx *c, const char *prog, const char *const args[],
	      bool quiet_stdout);

/* stage_built - true when prog is built (executable) beside mailarc. */
bool stage_built(const char *prog);

/*
 * run_pipeline - run the later stages for space, each one that is built:
 * mailarc-dedupe, mailarc-index, mailarc-render (their stdout dropped).
 * Returns the worst exit code.
 */
int run_pipeline(struct ctx *c, const char *space);

/* Commands: argv[0] is the command name. Each returns a sysexits code. */
int cmd_space(struct ctx *c, int argc, char **argv);
int cmd_account(struct ctx *c, int argc, char **argv);
int cmd_fetch(struct ctx *c, int argc, char **argv);
int cmd_import(struct ctx *c, int argc, char **argv);
int cmd_delete(struct ctx *c, int argc, char **argv);
int cmd_search(struct ctx *c, int argc, char **argv);
int cmd_link(struct ctx *c, int argc, char **argv);
int cmd_render(struct ctx *c, int argc, char **argv);
int cmd_polling(struct ctx *c, int argc, char **argv);
int cmd_status(struct ctx *c, int argc, char **argv);
int cmd_check(struct ctx *c, int argc, char **argv);
int cmd_export(struct ctx *c, int argc, char **argv);
int cmd_erase(struct ctx *c, int argc, char **argv);
int cmd_hold(struct ctx *c, int argc, char **argv);
int cmd_audit(struct ctx *c, int argc, char **argv);
int cmd_rebuild(struct ctx *c, int argc, char **argv);
int cmd_watch(struct ctx *c, int argc, char **argv); /* watch.c */

/*
 * What the privacy commands share (bin/mailarc/audit.c).
 * privacy_gate - the space, loaded, when this user administers it and
 * (for a command that removes mail, what != NULL) it is not on legal
 * hold; else NULL with the exit code in *ret (EX_NOPERM, logged).
 */
struct space *privacy_gate(struct ctx *c, const char *key, const char *what,
			   int *ret);

/* privacy_user - the invoking user (sudo's, else ours), for the audit. */
void privacy_user(const struct space *s, char *buf, size_t size);

/* privacy_now - the time, or $MAILARC_NOW (seconds since the epoch or
 * YYYY-MM-DD), a fixed clock for tests. */
time_t privacy_now(void);

/* privacy_real_dir - the space folder, absolute and symlink-free
 * (malloc'd); NULL logged. */
char *privacy_real_dir(const struct space *s);

/*
 * retention_run - apply the space's "retain" at a pipeline run: remove
 * older mail, log and record how much (SPACE/state/retention). On hold,
 * only says so. Returns a sysexits code.
 */
int retention_run(struct ctx *c, const char *space);

/*
 * privacy_status - the space's legal hold and last retention run, as
 * lines of "mailarc status" (json NULL) or as members "hold" and
 * "retention" of the space's JSON object json (a json_t *).
 */
void privacy_status(const struct space *s, void *json);

/*
 * account_check_run - "Test Connection": connect, negotiate TLS, log in,
 * open the folder and report, for an account that may not be saved yet.
 * pw is the password when it is not yet where the account says (NULL to
 * read it from the account's source). Returns a sysexits code.
 */
int account_check_run(struct ctx *c, const struct account *a,
		      const struct secret *pw);

#endif
