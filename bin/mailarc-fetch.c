/*
 * mailarc-fetch: take new mail of accounts from their POP3 or IMAP
 * servers into SPACE/incoming/; print the paths delivered.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "account.h"
#include "cli.h"
#include "fetch.h"
#include "log.h"
#include "space.h"

static const char usage[] =
    "usage: mailarc-fetch [--wait] [-0] [-v] [-q] [--timeout S] [--root DIR]\n"
    "                     SPACE/ACCOUNT...\n"
    "\n"
    "Fetch new mail of each account into SPACE/incoming/ and print the\n"
    "paths delivered, one a line (-0: NUL-separated).\n"
    "\n"
    "  --wait             wait for another run of an account to finish\n"
    "  -0, --null         end each path with NUL instead of a newline\n"
    "  --timeout SECONDS  connect and I/O timeout (default 30 and 120)\n"
    "  -v, --verbose      say more; -q, --quiet: say less\n"
    "  --root DIR         the mailarc root (default $MAILARC_ROOT)\n"
    "  -h, --help, --version\n"
    "\n"
    "Exit: 0 ok, 75 server down or account busy, 77 login refused,\n"
    "78 bad configuration, 69 TLS failed or certificate not trusted,\n"
    "68 host not found, 66 folder missing, 76 protocol error.\n";

enum { OPT_WAIT = 2000, OPT_TIMEOUT };

struct opts {
	const char *root;
	bool wait;
	char sep;
	long timeout;
};

static void
print_path(const char *path, void *arg)
{
	const struct opts *o = arg;

	fputs(path, stdout);
	putchar(o->sep);
}

/* The next stage of a pipe can start on the batch now (one write for the
 * batch, not one a path: the paths of a batch come all at once). */
static void
flush_paths(void *arg)
{
	(void)arg;
	fflush(stdout);
}

static int
parse_options(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"wait", no_argument, NULL, OPT_WAIT},
	    {"null", no_argument, NULL, '0'},
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {NULL, 0, NULL, 0},
	};
	int c, r;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "0", longopts,
				NULL)) != -1) {
		if ((r = cli_common(c, optarg, usage, &o->root)) >= 0) {
			if (r != EX_OK)
				return r;
			continue;
		}
		switch (c) {
		case OPT_WAIT:
			o->wait = true;
			break;
		case '0':
			o->sep = '\0';
			break;
		case OPT_TIMEOUT: {
			char *end;

			errno = 0;
			o->timeout = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || o->timeout < 1 ||
			    o->timeout > 3600) {
				log_err("bad --timeout '%s': give seconds, "
					"1 to 3600",
					optarg);
				return EX_USAGE;
			}
			break;
		}
		default:
			fputs(usage, stderr);
			return EX_USAGE;
		}
	}
	if (optind == argc) {
		fputs(usage, stderr);
		return EX_USAGE;
	}
	return EX_OK;
}

static int
fetch_one(const char *root, const char *ref, const struct opts *o)
{
	struct fetch_opts fo = {
	    .wait = o->wait,
	    .connect_timeout = o->timeout,
	    .io_timeout = o->timeout,
	    .delivered = print_path,
	    .batch_done = flush_paths,
	    .arg = (void *)o,
	};
	struct space *s = NULL;
	struct account *a = NULL;
	char *skey = NULL, *akey = NULL;
	enum ma_status st;

	if ((st = account_parse_ref(ref, &skey, &akey)) != MA_OK)
		goto out;
	if ((st = space_load(root, skey, &s)) != MA_OK)
		goto out;
	if ((st = account_load(s, akey, &a)) != MA_OK)
		goto out;
	st = fetch_account(s, a, &fo, NULL);
out:
	account_free(a);
	space_free(s);
	free(skey);
	free(akey);
	return ma_exitcode(st);
}

int
main(int argc, char *argv[])
{
	struct opts o = {.sep = '\n'};
	char *root = NULL;
	int ret = EX_OK;

	log_init("mailarc-fetch");
	/* Passwords and tokens pass through here: no core dump holds one. */
	if (secret_protect_process() != MA_OK)
		return EX_OSERR;
	if ((ret = parse_options(argc, argv, &o)) != EX_OK)
		return ret == EX__HELP ? EX_OK : ret;
	if (root_resolve(o.root, &root) != MA_OK)
		return EX_CONFIG;
	/* One failing account does not stop the others. */
	for (int i = optind; i < argc; i++)
		ret = ma_worse(ret, fetch_one(root, argv[i], &o));
	free(root);
	return io_finish(ret);
}
