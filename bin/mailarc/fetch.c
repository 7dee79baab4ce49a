/*
 * mailarc fetch [--due] [--wait] [SPACE[/ACCOUNT]]...: "Fetch new mail".
 * Every enabled account named (all of a space, all spaces when none is
 * named) is fetched with the library directly; then each space that got
 * mail, or has mail waiting in incoming/, goes through the later
 * stages that are built: mailarc-dedupe, mailarc-index, mailarc-render.
 * One failing account or stage does not stop the others; the exit code
 * is the worst seen.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fetch.h"
#include "fetch_front.h"
#include "log.h"
#include "mailarc.h"
#include "path.h"
#include "state.h"
#include "space.h"

static const char usage[] =
    "usage: mailarc fetch [--due] [--wait] [SPACE[/ACCOUNT]]...\n"
    "\n"
    "Fetch new mail of every enabled account named (all accounts of a\n"
    "space; all spaces when none is named), then run mailarc-dedupe,\n"
    "mailarc-index and mailarc-render on each space that has new mail.\n"
    "\n"
    "  --due    only accounts with polling on whose poll_interval has\n"
    "           passed since their last run (what timers call)\n"
    "  --wait   wait for a run of an account that is under way\n"
    "\n"
    "$MAILARC_TIMEOUT (seconds) overrides the connect and I/O timeouts.\n";

long
fetch_timeout_env(void)
{
	const char *s = getenv("MAILARC_TIMEOUT");
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > 3600) {
		log_warn("ignoring MAILARC_TIMEOUT '%s': give seconds, 1 to "
			 "3600",
			 s);
		return 0;
	}
	return v;
}

/* True when the folder dir holds an entry that is not a dot file. */
static bool
has_entry(const char *dir)
{
	struct dirent *e;
	bool found = false;
	DIR *d;

	if (dir == NULL || (d = opendir(dir)) == NULL)
		return false;
	while (!found && (e = readdir(d)) != NULL)
		found = e->d_name[0] != '.';
	closedir(d);
	return found;
}

/*
 * True when incoming/new, or new/ of one of its Maildir++ sub-folders
 * (incoming/.ACCOUNT/, where fetch and import deliver), holds a message not
 * yet taken by dedupe.
 */
static bool
incoming_waiting(const struct space *s)
{
	char *dir = space_part_path(s->dir, SPACE_INCOMING), *sub;
	struct dirent *e;
	bool found;
	DIR *d;

	if (dir == NULL)
		return false;
	sub = path_fmt("%s/new", dir);
	found = has_entry(sub);
	free(sub);
	if (!found && (d = opendir(dir)) != NULL) {
		while (!found && (e = readdir(d)) != NULL) {
			if (e->d_name[0] != '.' ||
			    strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			sub = path_fmt("%s/%s/new", dir, e->d_name);
			found = has_entry(sub);
			free(sub);
		}
		closedir(d);
	}
	free(dir);
	return found;
}

/* Is the account due under --due? */
static bool
due(const struct space *s, const struct account *a)
{
	struct state_summary sum;

	if (!a->polling || parse_bool(space_setting(s, "polling", "on")) == 0)
		return false;
	if (state_summary_load(s, a->key, &sum) != MA_OK)
		return true;
	return time(NULL) - sum.last_run >= a->poll_interval;
}

static int
fetch_one(struct ctx *c, const struct space *s, const char *key, bool only_due,
	  long *gotp)
{
	struct fetch_opts fo = {.wait = c->wait};
	struct account *a;
	enum ma_status st;
	long n = 0;

	fo.connect_timeout = fo.io_timeout = fetch_timeout_env();
	if ((st = account_load(s, key, &a)) != MA_OK)
		return ma_exitcode(st);
	if (!a->enabled) {
		log_info("account %s/%s is disabled; skipped", s->key, key);
		account_free(a);
		return EX_OK;
	}
	if (only_due && !due(s, a)) {
		log_debug("account %s/%s is not due; skipped", s->key, key);
		account_free(a);
		return EX_OK;
	}
	st = fetch_account(s, a, &fo, &n);
	if (st == MA_OK)
		printf("%s/%s: %ld new message%s\n", s->key, key, n,
		       n == 1 ? "" : "s");
	*gotp += n;
	account_free(a);
	return ma_exitcode(st);
}

/* Fetch the named account of a space (or all when key is NULL). */
static int
fetch_space(struct ctx *c, const char *skey, const char *akey, bool only_due)
{
	struct space *s;
	char **keys = NULL;
	size_t n = 0;
	long got = 0;
	int ret = EX_OK;

	if ((s = ctx_space(c, skey, &ret)) == NULL)
		return ret;
	if (akey != NULL) {
		ret = fetch_one(c, s, akey, only_due, &got);
	} else if (account_list(s, &keys, &n) != MA_OK) {
		ret = EX_IOERR;
	} else {
		for (size_t i = 0; i < n; i++)
			ret = ma_worse(
			    ret, fetch_one(c, s, keys[i], only_due, &got));
		space_list_free(keys, n);
	}
	if (got > 0 || incoming_waiting(s))
		ret = ma_worse(ret, run_pipeline(c, s->key));
	space_free(s);
	return ret;
}

int
cmd_fetch(struct ctx *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"due", no_argument, NULL, 'd'},
	    {"wait", no_argument, NULL, 'w'},
	    {NULL, 0, NULL, 0},
	};
	bool only_due = false;
	const char *root;
	int ch, ret = EX_OK;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(usage, stdout);
			return EX_OK;
		case 'd':
			only_due = true;
			break;
		case 'w':
			c->wait = true;
			break;
		default:
			fputs(usage, stderr);
			return EX_USAGE;
		}
	}
	if ((root = ctx_root(c)) == NULL)
		return EX_CONFIG;
	if (optind == argc) {
		char **keys;
		size_t n;

		if (space_list(root, &keys, &n) != MA_OK)
			return EX_IOERR;
		for (size_t i = 0; i < n; i++)
			ret = ma_worse(ret,
				       fetch_space(c, keys[i], NULL, only_due));
		space_list_free(keys, n);
		return ret;
	}
	for (int i = optind; i < argc; i++) {
		char *slash = strchr(argv[i], '/');
		char *skey = NULL, *akey = NULL;

		if (slash == NULL) {
			ret = ma_worse(ret,
				       fetch_space(c, argv[i], NULL, only_due));
			continue;
		}
		if (account_parse_ref(argv[i], &skey, &akey) != MA_OK) {
			ret = ma_worse(ret, EX_USAGE);
			continue;
		}
		ret = ma_worse(ret, fetch_space(c, skey, akey, only_due));
		free(skey);
		free(akey);
	}
	return ret;
}
