/*
 * mailarc-oauth-token: print a valid OAuth 2.0 access token for an account
 * with auth = oauth2, refreshing it when needed; or, with "authorize",
 * obtain the account's first refresh token.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "account.h"
#include "cli.h"
#include "log.h"
#include "oauth.h"
#include "oauth_authorize.h"
#include "space.h"

static const char usage[] =
    "usage: mailarc-oauth-token [--root DIR] [-v|-q] [--force | --info] "
    "SPACE/ACCOUNT\n"
    "       mailarc-oauth-token authorize [--device] [--auth-url URL]\n"
    "           [--device-url URL] [--port N] [--redirect-host HOST]\n"
    "           [--timeout SECONDS] SPACE/ACCOUNT\n"
    "Print a valid access token for SPACE/ACCOUNT (refreshed when it\n"
    "expires within a minute, or with --force); --info prints when the\n"
    "cached access token expires and the refresh token was last used.\n"
    "\"authorize\" obtains the\n"
    "first refresh token: it prints a URL to open and waits for the\n"
    "browser's redirect to 127.0.0.1, or with --device prints a code to\n"
    "enter at the provider. The refresh token is never printed.\n";

enum {
	OPT_FORCE = 2000,
	OPT_INFO,
	OPT_DEVICE,
	OPT_AUTH_URL,
	OPT_DEVICE_URL,
	OPT_PORT,
	OPT_REDIRECT_HOST,
	OPT_TIMEOUT,
};

struct opts {
	const char *root;
	bool authorize;
	bool force;
	bool info;
	bool device;
	struct oauth_authorize_opts az;
	const char *ref;
};

static bool
number(const char *s, long lo, long hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

/* set_option - option c (not a common one) into o: EX_OK or EX_USAGE. */
static int
set_option(int c, struct opts *o)
{
	switch (c) {
	case OPT_FORCE:
		o->force = true;
		return EX_OK;
	case OPT_INFO:
		o->info = true;
		return EX_OK;
	case OPT_DEVICE:
		o->device = true;
		return EX_OK;
	case OPT_AUTH_URL:
		o->az.auth_url = optarg;
		return EX_OK;
	case OPT_DEVICE_URL:
		o->az.device_url = optarg;
		return EX_OK;
	case OPT_REDIRECT_HOST:
		o->az.redirect_host = optarg;
		return EX_OK;
	case OPT_PORT:
		if (!number(optarg, 0, 65535, &o->az.port)) {
			log_err("--port '%s' is not a number from 0 "
				"to 65535",
				optarg);
			return EX_USAGE;
		}
		return EX_OK;
	case OPT_TIMEOUT:
		if (!number(optarg, 1, 86400, &o->az.timeout)) {
			log_err("--timeout '%s' is not a number of "
				"seconds from 1 to 86400",
				optarg);
			return EX_USAGE;
		}
		return EX_OK;
	default:
		fputs(usage, stderr);
		return EX_USAGE;
	}
}

/* check_combination - the options go with the command (az_opt: one of the
 * authorize options was given). */
static int
check_combination(const struct opts *o, bool az_opt)
{
	if (az_opt && !o->authorize) {
		log_err("--device, --auth-url, --device-url, --port, "
			"--redirect-host and --timeout go with 'authorize'");
		return EX_USAGE;
	}
	if ((o->force || o->info) && o->authorize) {
		log_err("--force and --info do not go with 'authorize'");
		return EX_USAGE;
	}
	if (o->force && o->info) {
		log_err("--force and --info do not go together");
		return EX_USAGE;
	}
	return EX_OK;
}

static int
parse_options(int argc, char *argv[], struct opts *o)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"info", no_argument, NULL, OPT_INFO},
	    {"device", no_argument, NULL, OPT_DEVICE},
	    {"auth-url", required_argument, NULL, OPT_AUTH_URL},
	    {"device-url", required_argument, NULL, OPT_DEVICE_URL},
	    {"port", required_argument, NULL, OPT_PORT},
	    {"redirect-host", required_argument, NULL, OPT_REDIRECT_HOST},
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {NULL, 0, NULL, 0},
	};
	bool az_opt = false;
	int c, r;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		if ((r = cli_common(c, optarg, usage, &o->root)) >= 0) {
			if (r != EX_OK)
				return r;
			continue;
		}
		az_opt |= c != OPT_FORCE && c != OPT_INFO;
		if ((r = set_option(c, o)) != EX_OK)
			return r;
	}
	if (optind < argc && strcmp(argv[optind], "authorize") == 0) {
		o->authorize = true;
		optind++;
	}
	if (optind + 1 != argc) {
		fputs(usage, stderr);
		return EX_USAGE;
	}
	if ((r = check_combination(o, az_opt)) != EX_OK)
		return r;
	o->ref = argv[optind];
	return EX_OK;
}

static void
print_time(const char *label, time_t t)
{
	char when[32] = "never";
	struct tm tm;

	if (t != 0 && gmtime_r(&t, &tm) != NULL)
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%s %s\n", label, when);
}

/* Two lines a script can read: "access_expires WHEN", "refresh_last_used
 * WHEN", absolute UTC times or "never". */
static enum ma_status
print_info(const struct space *s, const struct account *a)
{
	struct oauth_info info = {0, 0};
	enum ma_status st = oauth_token_info(s, a, &info);

	if (st != MA_OK && st != MA_ENOTFOUND)
		return st;
	print_time("access_expires", info.access_expires);
	print_time("refresh_last_used", info.refresh_last_used);
	return MA_OK;
}

int
main(int argc, char *argv[])
{
	struct opts o = {.az = {.timeout = 300, .out = stdout}};
	struct secret token = {NULL, 0};
	struct account *a = NULL;
	struct space *s = NULL;
	char *root = NULL, *sk = NULL, *ak = NULL;
	enum ma_status st;
	int ret;

	log_init("mailarc-oauth-token");
	/* Tokens and client secrets pass through here: no core dump. */
	if (secret_protect_process() != MA_OK)
		return EX_OSERR;
	if ((ret = parse_options(argc, argv, &o)) != EX_OK)
		return ret == EX__HELP ? EX_OK : ret;
	if ((st = account_parse_ref(o.ref, &sk, &ak)) == MA_OK &&
	    (st = root_resolve(o.root, &root)) == MA_OK &&
	    (st = space_load(root, sk, &s)) == MA_OK)
		st = account_load(s, ak, &a);
	if (st == MA_OK && !a->oauth2) {
		log_err("account '%s/%s' does not use OAuth 2.0 (auth is not "
			"oauth2)",
			sk, ak);
		st = MA_ECONFIG;
	}
	if (st == MA_OK && o.authorize)
		st = o.device ? oauth_authorize_device(s, a, &o.az)
			      : oauth_authorize_code(s, a, &o.az);
	else if (st == MA_OK && o.info)
		st = print_info(s, a);
	else if (st == MA_OK) {
		st = oauth_access_token(s, a, o.force, &token);
		if (st == MA_OK) {
			fputs(token.data, stdout);
			putchar('\n');
		}
		secret_wipe(&token);
	}
	account_free(a);
	space_free(s);
	free(root);
	free(sk);
	free(ak);
	return io_finish(ma_exitcode(st));
}
