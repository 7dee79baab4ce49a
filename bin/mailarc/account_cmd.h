#ifndef MAILARC_ACCOUNT_CMD_H
#define MAILARC_ACCOUNT_CMD_H

/*
 * Private to the account command: account.c (dispatch, add, edit,
 * remove, enable, disable) and account_show.c (show, list, test,
 * folders).
 */
#include <stdbool.h>

#include "mailarc.h"

/* Options of add and edit: one per account key, '_' written '-'. */
#define FIELD_OPTS_MAX 40

struct account_opts {
	const char *values[FIELD_OPTS_MAX]; /* by account_field() index */
	bool no_test;
	bool password_stdin;
};

/* The usage of every account command. */
extern const char account_cmd_usage[];

/* account_cmd_opts - parse the options into *o (borrowed from argv); a
 * sysexits code, EX__HELP after --help. */
int account_cmd_opts(struct ctx *c, int argc, char **argv,
		     struct account_opts *o);

/*
 * account_cmd_ref - the one operand SPACE/ACCOUNT: the space loaded into
 * *sp (space_free()) and the account key into *keyp (free()); else the
 * exit code, logged or usage printed.
 */
int account_cmd_ref(struct ctx *c, int argc, char **argv, struct space **sp,
		    char **keyp);

/*
 * account_cmd_begin - how a SPACE/ACCOUNT command starts: its options,
 * then (protect: a secret will be read) no core dump from here on, then
 * the operand as account_cmd_ref(). EX__HELP after --help.
 */
int account_cmd_begin(struct ctx *c, int argc, char **argv,
		      struct account_opts *o, bool protect, struct space **sp,
		      char **keyp);

/*
 * account_cmd_load - account_cmd_begin() (the options are parsed and left
 * unused) and the account loaded: *sp, *keyp and *ap for
 * account_cmd_end(). Returns EX_OK, EX__HELP after --help, or the exit code
 * (logged); all three are NULL then.
 */
int account_cmd_load(struct ctx *c, int argc, char **argv, bool protect,
		     struct space **sp, char **keyp, struct account **ap);

/* account_cmd_end - free what account_cmd_load() loaded (NULLs too). */
void account_cmd_end(struct space *s, char *key, struct account *a);

int account_cmd_show(struct ctx *c, int argc, char **argv);
int account_cmd_list(struct ctx *c, int argc, char **argv);
int account_cmd_test(struct ctx *c, int argc, char **argv);
int account_cmd_folders(struct ctx *c, int argc, char **argv);

#endif
