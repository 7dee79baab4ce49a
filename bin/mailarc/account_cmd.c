/* What the account commands share (account_cmd.h): usage, options, operand. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "account_cmd.h"
#include "cli.h"
#include "secret.h"

const char account_cmd_usage[] =
    "usage: mailarc account add SPACE/ACCOUNT --protocol P --host H "
    "[--port N]\n"
    "         --username U [--password-file F | --password-command CMD |\n"
    "         --password-stdin] [--auth basic|oauth2]\n"
    "         [--oauth-provider google|microsoft|generic]\n"
    "         [--oauth-method refresh_token|client_credentials|password]\n"
    "         [--client-id ID] [--client-secret-file F] [--tenant-id T]\n"
    "         [--refresh-token-file F] [--token-url URL] [--scope S]\n"
    "         [--folder F[,F...]] [--on-server keep|delete]\n"
    "         [--tls required|none] [--ca-file F] [--tls-verify yes|no]\n"
    "         [--proxy none|env|URL]\n"
    "         [--address A] [--name N] [--description D]\n"
    "         [--poll-interval T] [--fetch-budget SIZE/day|off]\n"
    "         [--enabled yes|no] [--no-test]\n"
    "       mailarc account edit SPACE/ACCOUNT [the options of add]\n"
    "       mailarc account remove|enable|disable|show|test|folders "
    "SPACE/ACCOUNT\n"
    "       mailarc account list [SPACE]\n";

/* getopt values: the account keys' options count from OPT_FIELD_BASE. */
#define OPT_FIELD_BASE	   2000
#define OPT_NO_TEST	   1900
#define OPT_PASSWORD_STDIN 1901

static char opt_names[FIELD_OPTS_MAX][40];

int
account_cmd_opts(struct ctx *c, int argc, char **argv, struct account_opts *o)
{
	struct option longopts[FIELD_OPTS_MAX + 10] = {
	    CLI_COMMON_LONGOPTS,
	    {"no-test", no_argument, NULL, OPT_NO_TEST},
	    {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
	    {"wait", no_argument, NULL, 'w'},
	};
	size_t n = 8;
	const char *k;
	int ch, r;

	for (size_t i = 0; (k = account_field(i)) != NULL; i++) {
		/* A secret on the command line would show in ps(1). */
		if (strcmp(k, "password") == 0)
			continue;
		snprintf(opt_names[i], sizeof opt_names[i], "%s", k);
		for (char *p = opt_names[i]; *p; p++)
			if (*p == '_')
				*p = '-';
		longopts[n].name = opt_names[i];
		longopts[n].has_arg = required_argument;
		longopts[n].flag = NULL;
		longopts[n].val = OPT_FIELD_BASE + (int)i;
		n++;
	}
	longopts[n] = (struct option){NULL, 0, NULL, 0};
	optind = 0; /* glibc: 0 re-initialises getopt for a new argv */
	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				 NULL)) != -1) {
		if (ch >= OPT_FIELD_BASE) {
			o->values[ch - OPT_FIELD_BASE] = optarg;
			continue;
		}
		switch (ch) {
		case OPT_NO_TEST:
			o->no_test = true;
			break;
		case OPT_PASSWORD_STDIN:
			o->password_stdin = true;
			break;
		case 'w':
			c->wait = true;
			break;
		default:
			r = cli_common(ch, optarg, account_cmd_usage,
				       &c->root_opt);
			if (r != EX_OK)
				return r;
		}
	}
	return EX_OK;
}

/* One reference argument, SPACE/ACCOUNT; the space must exist. */
int
account_cmd_ref(struct ctx *c, int argc, char **argv, struct space **sp,
		char **keyp)
{
	char *space_key, *key;
	enum ma_status st;
	int ret;

	if (optind + 1 != argc) {
		fputs(account_cmd_usage, stderr);
		return EX_USAGE;
	}
	st = account_parse_ref(argv[optind], &space_key, &key);
	if (st != MA_OK)
		return ma_exitcode(st);
	*sp = ctx_space(c, space_key, &ret);
	free(space_key);
	if (*sp == NULL) {
		free(key);
		return ret;
	}
	*keyp = key;
	return EX_OK;
}

int
account_cmd_begin(struct ctx *c, int argc, char **argv, struct account_opts *o,
		  bool protect, struct space **sp, char **keyp)
{
	int ret;

	if ((ret = account_cmd_opts(c, argc, argv, o)) != EX_OK)
		return ret;
	if (protect && secret_protect_process() != MA_OK)
		return EX_OSERR;
	return account_cmd_ref(c, argc, argv, sp, keyp);
}

int
account_cmd_load(struct ctx *c, int argc, char **argv, bool protect,
		 struct space **sp, char **keyp, struct account **ap)
{
	struct account_opts o = {0};
	enum ma_status st;
	int ret;

	*sp = NULL;
	*keyp = NULL;
	*ap = NULL;
	ret = account_cmd_begin(c, argc, argv, &o, protect, sp, keyp);
	if (ret != EX_OK)
		return ret;
	if ((st = account_load(*sp, *keyp, ap)) != MA_OK) {
		account_cmd_end(*sp, *keyp, *ap);
		*sp = NULL;
		*keyp = NULL;
		*ap = NULL;
		return ma_exitcode(st);
	}
	return EX_OK;
}

void
account_cmd_end(struct space *s, char *key, struct account *a)
{
	account_free(a);
	space_free(s);
	free(key);
}
