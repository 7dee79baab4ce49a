/*
 * mailarc erase SPACE --address ADDR [--dry-run] [--yes]: erase every
 * message ADDR sent or received from everywhere mailarc keeps mail
 * (an erasure request), tombstoned by hashes only. The site is rendered
 * afterwards (incrementally), so that no page, feed, mbox or attachment
 * of those messages stays. Also the retention run of the pipeline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "audit.h"
#include "cli.h"
#include "hold.h"
#include "index.h"
#include "log.h"
#include "mailarc.h"
#include "path.h"
#include "privacy.h"
#include "tombstone.h"
#include "space.h"

static const char erase_usage[] =
    "usage: mailarc erase SPACE --address ADDR [--dry-run] [--yes]\n"
    "                     [--include-mentions]\n"
    "\n"
    "Erase every message of the space that ADDR sent or received (From,\n"
    "Sender, Reply-To, To, Cc, Bcc, Delivered-To) from the archive,\n"
    "duplicates, incoming mail, index and site, and tombstone it so that\n"
    "it never comes back. --dry-run lists the files; without --yes a\n"
    "terminal is asked to confirm. --include-mentions then lists the\n"
    "messages that stay but mention ADDR, for a human decision.\n";

static int
print_mention(const struct index_hit *h, void *arg)
{
	(void)arg;
	printf("mentioned in id:%s\n", h->message_id);
	return 0;
}

/* Messages that stay but name the address elsewhere (a body, a quote):
 * notmuch's free-text terms find them. */
static enum ma_status
list_mentions(const char *dir, const char *addr)
{
	struct index *ix = NULL;
	char q[PRIVACY_ADDR_MAX + 8];
	enum ma_status st;
	int n = snprintf(q, sizeof q, "\"%s\"", addr);

	if (n < 0 || (size_t)n >= sizeof q)
		return MA_ETOOBIG;
	if ((st = index_open(dir, INDEX_READ, &ix)) != MA_OK)
		return st == MA_ENOTFOUND ? MA_OK : st;
	st = index_query(ix, q, print_mention, NULL);
	index_close(ix);
	return st;
}

static bool
confirm(const char *key, unsigned long n)
{
	char line[16];

	fprintf(stderr,
		"erase %lu message file%s from space '%s' for good? "
		"[y/N] ",
		n, n == 1 ? "" : "s", key);
	fflush(stderr);
	if (fgets(line, sizeof line, stdin) == NULL)
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

struct erase_args {
	const char *address;
	bool dry_run, yes, mentions;
};

/* erase_options - the command line into a: EX_OK, EX__HELP after --help,
 * or the exit code of a usage error. */
static int
erase_options(struct ctx *c, int argc, char **argv, struct erase_args *a)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"address", required_argument, NULL, 'a'},
	    {"dry-run", no_argument, NULL, 'n'},
	    {"yes", no_argument, NULL, 'y'},
	    {"include-mentions", no_argument, NULL, 'M'},
	    {NULL, 0, NULL, 0},
	};
	int ch, ret;

	optind = 0;
	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "a:ny",
				 longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			a->address = optarg;
			break;
		case 'n':
			a->dry_run = true;
			break;
		case 'y':
			a->yes = true;
			break;
		case 'M':
			a->mentions = true;
			break;
		default:
			ret = cli_common(ch, optarg, erase_usage, &c->root_opt);
			if (ret != EX_OK)
				return ret < 0 ? EX_USAGE : ret;
		}
	}
	if (argc - optind != 1 || a->address == NULL) {
		fputs(erase_usage, stderr);
		return EX_USAGE;
	}
	return EX_OK;
}

/*
 * erase_ask - on a terminal, show what a dry run finds (on stderr) and ask.
 * EX_OK with *go set when the user said yes; EX_OK alone when there is
 * nothing to erase or the user said no; else the exit code.
 */
static int
erase_ask(const struct space *s, const struct privacy_erase_opts *eo,
	  const char *dir, bool *go)
{
	struct privacy_erase_opts d = *eo;
	unsigned long n = 0;
	enum ma_status st;

	*go = false;
	if (!isatty(STDIN_FILENO)) {
		log_err("erase asks for confirmation on a terminal: "
			"run it with --yes");
		return EX_USAGE;
	}
	d.dry_run = true;
	d.out = stderr;
	if ((st = privacy_erase(&d, &n)) != MA_OK)
		return ma_exitcode(st);
	if (n == 0 && !privacy_erase_pending(dir)) {
		log_notice("no message of space '%s' names that "
			   "address",
			   s->key);
		return EX_OK;
	}
	if (!confirm(s->key, n)) {
		log_notice("nothing erased");
		return EX_OK;
	}
	*go = true;
	return EX_OK;
}

/*
 * erase_publish - after n files were erased: render the site without them,
 * then record the erase in the audit log and close its journal.
 */
static int
erase_publish(struct ctx *c, const struct space *s,
	      const struct privacy_erase_opts *eo, const char *dir,
	      unsigned long n)
{
	char hash[AUDIT_HASH_LEN + 1], user[64];
	enum ma_status st;

	/* An incremental run: it finds the erased messages by the hashes
	 * their tombstones hold, and removes them from every page, feed,
	 * mbox, attachment and search segment as a full run would. */
	if (stage_built("mailarc-render")) {
		/* --wait: a render still running (one a killed erase
		 * started, or the timer's) finishes first. */
		const char *const args[] = {"--wait", s->key, NULL};
		int ret = run_stage(c, "mailarc-render", args, true);

		if (ret != EX_OK) {
			log_err("the site of space '%s' still shows erased "
				"mail: run 'mailarc erase' again",
				s->key);
			return ret;
		}
	}
	audit_addr_hash(eo->addr, hash);
	privacy_user(s, user, sizeof user);
	st = audit_append(s->dir, eo->now, user, "erase", n, hash);
	if (st == MA_OK)
		st = privacy_erase_done(dir);
	if (st != MA_OK)
		return ma_exitcode(st);
	log_notice("space '%s': %lu message file%s erased", s->key, n,
		   n == 1 ? "" : "s");
	return EX_OK;
}

int
cmd_erase(struct ctx *c, int argc, char **argv)
{
	struct erase_args a = {0};
	char addr[PRIVACY_ADDR_MAX + 1];
	struct privacy_erase_opts eo = {.out = stdout};
	unsigned long n = 0;
	bool go = true;
	struct space *s;
	enum ma_status st;
	char *dir;
	int ret;

	if ((ret = erase_options(c, argc, argv, &a)) != EX_OK)
		return ret == EX__HELP ? EX_OK : ret;
	if (privacy_addr_norm(a.address, addr, sizeof addr) != MA_OK)
		return EX_USAGE;
	eo.dry_run = a.dry_run;
	if ((s = privacy_gate(c, argv[optind], eo.dry_run ? NULL : "erase",
			      &ret)) == NULL)
		return ret;
	if ((dir = privacy_real_dir(s)) == NULL) {
		space_free(s);
		return EX_IOERR;
	}
	eo.space_dir = dir;
	eo.addr = addr;
	eo.wait = c->wait;
	eo.now = privacy_now();
	if (!eo.dry_run && !a.yes)
		ret = erase_ask(s, &eo, dir, &go);
	if (ret == EX_OK && go) {
		if ((st = privacy_erase(&eo, &n)) != MA_OK)
			ret = ma_exitcode(st);
		else if (!eo.dry_run && n == 0 && !privacy_erase_pending(dir))
			log_notice("no message of space '%s' names that "
				   "address",
				   s->key);
		else if (!eo.dry_run)
			ret = erase_publish(c, s, &eo, dir, n);
	}
	if (a.mentions && (ret == EX_OK || ret == EX_DATAERR) &&
	    (st = list_mentions(dir, addr)) != MA_OK)
		ret = ma_exitcode(st);
	free(dir);
	space_free(s);
	return ret;
}

/* Where the last retention run's result is kept for "mailarc status". */
static enum ma_status
retention_record(const struct space *s, time_t now, const char *retain,
		 unsigned long n)
{
	char *p = space_part_path(s->dir, SPACE_RETENTION), when[32];
	char line[256];
	enum ma_status st;
	int k;

	if (p == NULL)
		return MA_ENOMEM;
	tombstone_format_time(now, when, sizeof when);
	k = snprintf(line, sizeof line, "at=%s\nretain=%s\nremoved=%lu\n", when,
		     retain, n);
	st = k < 0 || (size_t)k >= sizeof line
		 ? MA_ETOOBIG
		 : path_write_file_atomic(p, line, (size_t)k, 0644);
	free(p);
	return st;
}

int
retention_run(struct ctx *c, const char *key)
{
	struct space *s;
	const char *retain;
	unsigned long n = 0;
	long long secs;
	char user[64], *dir;
	enum ma_status st;
	time_t now;
	int ret;

	if ((s = ctx_space(c, key, &ret)) == NULL)
		return ret;
	retain = space_setting(s, "retain", NULL);
	if ((secs = space_parse_retain(retain)) <= 0) {
		space_free(s);
		return secs < 0 ? EX_CONFIG : EX_OK;
	}
	{
		struct hold h;

		/* Not an error at each run: the administrator's decision. */
		if (hold_get(s->dir, &h) != MA_OK || h.on) {
			log_notice("space %s is on legal hold: retention "
				   "refused, nothing removed",
				   key);
			space_free(s);
			return EX_OK;
		}
	}
	if ((dir = privacy_real_dir(s)) == NULL) {
		space_free(s);
		return EX_IOERR;
	}
	now = privacy_now();
	st = privacy_retain(dir, now - (time_t)secs, now, c->wait, &n);
	if (st == MA_OK)
		st = retention_record(s, now, retain, n);
	if (st == MA_OK && n > 0) {
		privacy_user(s, user, sizeof user);
		st = audit_append(s->dir, now, user, "retention", n, retain);
	}
	if (st == MA_OK)
		log_notice("space %s: retention (%s) removed %lu message%s",
			   key, retain, n, n == 1 ? "" : "s");
	free(dir);
	space_free(s);
	return ma_exitcode(st);
}
