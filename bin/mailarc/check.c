/*
 * mailarc check SPACE [--repair]: archive, index, tombstones and site
 * agree (lib/check.h); --repair indexes what the index lacks, forgets
 * what the archive lost, renders the whole site and checks again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "check.h"
#include "cli.h"
#include "lock.h"
#include "log.h"
#include "mailarc.h"

static const char check_usage[] =
    "usage: mailarc check SPACE [--repair]\n"
    "\n"
    "Check that every archived file of SPACE is indexed, every indexed\n"
    "message has its page and its entry in the site's search index, no\n"
    "page or entry is left of a message that is gone and no tombstoned\n"
    "message is archived. Prints each difference; exits 0\n"
    "when all agree, 65 when something differs. --repair indexes what is\n"
    "missing, renders the whole site, and checks again.\n";

/* At most this many differences are printed; then a count. */
#define CHECK_SHOWN_MAX 100

struct printer {
	unsigned long n;
};

/* Names and ids come from files and mail: control bytes are shown '?'. */
static void
print_safe(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		putchar(*p < 0x20 || *p == 0x7f ? '?' : *p);
}

static void
print_diff(enum check_kind kind, const char *what, const char *id, void *arg)
{
	struct printer *pr = arg;

	if (pr->n++ >= CHECK_SHOWN_MAX)
		return;
	printf("%s: ", check_kind_name(kind));
	print_safe(what);
	if (id != NULL && kind != CHECK_TOMBSTONED) {
		fputs(" <", stdout);
		print_safe(id);
		putchar('>');
	}
	putchar('\n');
}

/* One check; its result in *r. Returns a sysexits code. */
static int
check_once(const struct space *s, struct check_result *r)
{
	struct printer pr = {0};
	struct check_opts o = {.space_dir = s->dir,
			       .site_dir = s->site_dir,
			       .report = print_diff,
			       .arg = &pr};
	enum ma_status st;
	unsigned long n;

	if ((st = check_run(&o, r)) != MA_OK)
		return ma_exitcode(st);
	n = check_differences(r);
	if (n > CHECK_SHOWN_MAX)
		printf("... and %lu more differences\n", n - CHECK_SHOWN_MAX);
	printf("space %s: %lu archived files, %lu indexed messages "
	       "(%lu files), %lu pages, ",
	       s->key, r->archived, r->messages, r->indexed_files, r->pages);
	if (r->search)
		printf("%lu searchable, ", r->searchable);
	printf("%lu tombstones: ", r->tombstones);
	if (n == 0)
		printf("all agree\n");
	else
		printf("%lu differences\n", n);
	return n == 0 ? EX_OK : EX_DATAERR;
}

static int
repair(struct ctx *c, const struct space *s, const struct check_result *r)
{
	const char *args[] = {s->key, "--full", NULL};
	unsigned long not_mail = 0;
	enum ma_status st;
	int ret;

	if (r->n_not_indexed > 0 || r->n_gone > 0) {
		st = check_repair_index(s->dir, s->key, r, c->wait, &not_mail);
		if (st != MA_OK) {
			log_err("space %s: cannot repair the index", s->key);
			return ma_exitcode(st);
		}
		if (not_mail > 0)
			log_err("space %s: notmuch refuses %lu archived "
				"files as mail; they stay unindexed",
				s->key, not_mail);
	}
	/* A full render writes every missing page and removes those of
	 * nothing (simpler than choosing pages, and what rebuild does). */
	ret = run_stage(c, "mailarc-render", args, true);
	if (ret != EX_OK)
		log_err("space %s: mailarc-render --full failed (exit %d)",
			s->key, ret);
	return ret;
}

/*
 * check_repair - check, repair what differs, check again: under the
 * space's index lock, so that the index an index run is changing is
 * neither compared nor repaired halfway. The repair's own taking of the
 * lock (check_repair_index()) and the stages it runs share it
 * (lock_hand_down()). Busy: EX_TEMPFAIL, or wait with --wait.
 */
static int
check_repair(struct ctx *c, const struct space *s, struct check_result *r)
{
	char *lockpath = space_lock_path(s->dir, SPACE_STAGE_INDEX);
	struct lock lk = {.fd = -1};
	enum ma_status st;
	int ret;

	if (lockpath == NULL)
		return EX_OSERR;
	st = lock_take(lockpath, "index of the space", c->wait, &lk);
	free(lockpath);
	if (st == MA_OK && (st = lock_hand_down(&lk)) != MA_OK)
		lock_drop(&lk);
	if (st != MA_OK)
		return ma_exitcode(st);
	ret = check_once(s, r);
	if (ret == EX_DATAERR) {
		printf("repairing space %s\n", s->key);
		ret = repair(c, s, r);
		check_result_release(r);
		if (ret == EX_OK || ret == EX_DATAERR)
			ret = check_once(s, r);
	}
	lock_take_back(&lk);
	lock_drop(&lk);
	return ret;
}

int
cmd_check(struct ctx *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"repair", no_argument, NULL, 'R'},
	    {NULL, 0, NULL, 0},
	};
	struct check_result r = {0};
	struct space *s;
	bool fix = false;
	int ch, ret;

	optind = 0;
	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				 NULL)) != -1) {
		if (ch == 'R') {
			fix = true;
			continue;
		}
		ret = cli_common(ch, optarg, check_usage, &c->root_opt);
		if (ret == EX__HELP)
			return EX_OK;
		if (ret != EX_OK)
			return ret < 0 ? EX_USAGE : ret;
	}
	if (argc - optind != 1) {
		fputs(check_usage, stderr);
		return EX_USAGE;
	}
	if ((s = ctx_space(c, argv[optind], &ret)) == NULL)
		return ret;
	ret = fix ? check_repair(c, s, &r) : check_once(s, &r);
	check_result_release(&r);
	space_free(s);
	return ret;
}
