/*
 * mailarc delete SPACE MESSAGE-ID... | --query Q: remove messages from the
 * archive and the index for good (delete.h does it), record it in the
 * audit log and render the site again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "cli.h"
#include "delete.h"
#include "hold.h"
#include "log.h"
#include "mailarc.h"
#include "space.h"

static const char delete_usage[] =
    "usage: mailarc delete SPACE [--dry-run] MESSAGE-ID...\n"
    "       mailarc delete SPACE [--dry-run] --query QUERY\n"
    "\n"
    "Remove messages from the space's archive, index and site, and\n"
    "tombstone them so that no later fetch or import brings them back.\n"
    "--dry-run lists what would go.\n";

/* The audit line: a query that names an address is recorded by its hash
 * (the log never holds a plain address). */
static enum ma_status
audit_delete(const struct space *s, const char *query, size_t n)
{
	char user[64], detail[AUDIT_HASH_LEN + 16];
	const char *d = "by Message-ID";

	if (query != NULL && strchr(query, '@') != NULL) {
		char h[AUDIT_HASH_LEN + 1];

		audit_addr_hash(query, h);
		int k = snprintf(detail, sizeof detail, "query %s", h);

		if (k < 0 || (size_t)k >= sizeof detail)
			return MA_ETOOBIG;
		d = detail;
	} else if (query != NULL) {
		d = query;
	}
	privacy_user(s, user, sizeof user);
	return audit_append(s->dir, privacy_now(), user, "delete", n, d);
}

static int
parse(struct ctx *c, int argc, char **argv, bool *dry, const char **query)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"dry-run", no_argument, NULL, 'n'},
	    {"query", required_argument, NULL, 'Q'},
	    {NULL, 0, NULL, 0},
	};
	int ch, ret;

	optind = 0;
	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "n", longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'n':
			*dry = true;
			break;
		case 'Q':
			*query = optarg;
			break;
		default:
			ret =
			    cli_common(ch, optarg, delete_usage, &c->root_opt);
			if (ret != EX_OK)
				return ret < 0 ? EX_USAGE : ret;
		}
	}
	if (argc - optind < 1 || (*query == NULL) == (argc - optind == 1)) {
		fputs(delete_usage, stderr);
		return EX_USAGE;
	}
	return EX_OK;
}

int
cmd_delete(struct ctx *c, int argc, char **argv)
{
	struct delete_opts o = {.out = stdout};
	struct space *s;
	enum ma_status st = MA_OK;
	size_t n = 0, missing = 0;
	bool dry = false;
	int ret;

	if ((ret = parse(c, argc, argv, &dry, &o.query)) != EX_OK)
		return ret == EX__HELP ? EX_OK : ret;
	if ((s = ctx_space(c, argv[optind], &ret)) == NULL)
		return ret;
	o.space_dir = s->dir;
	o.space_key = s->key;
	o.ids = argv + optind + 1;
	o.nids = o.query != NULL ? 0 : (size_t)(argc - optind - 1);
	o.dry_run = dry;
	o.wait = c->wait;
	if (!dry && (st = hold_refuse(s->dir, s->key, "delete")) != MA_OK)
		goto out;
	if ((st = space_ensure_layout(s)) != MA_OK ||
	    (st = delete_run(&o, &n, &missing)) != MA_OK)
		goto out;
	if (missing > 0)
		ret = EX_DATAERR;
	if (dry || n == 0)
		goto out;
	if ((st = audit_delete(s, o.query, n)) == MA_OK &&
	    stage_built("mailarc-render")) {
		const char *const args[] = {s->key, NULL};

		ret = ma_worse(ret, run_stage(c, "mailarc-render", args, true));
	}
out:
	space_free(s);
	if (st != MA_OK)
		return ma_exitcode(st);
	return ret;
}
