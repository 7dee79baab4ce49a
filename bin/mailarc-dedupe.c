/* mailarc-dedupe: archive each message once; print the paths archived. */
#include <stdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "account.h"
#include "cli.h"
#include "dedupe.h"
#include "lock.h"
#include "log.h"
#include "path.h"
#include "space.h"

static const char usage[] =
    "usage: mailarc-dedupe [--root DIR] [-v] [-q] [--wait] [-0] SPACE [-]\n"
    "       mailarc-dedupe [--root DIR] --report SPACE\n"
    "\n"
    "Move each message of SPACE/incoming into SPACE/archive unless the\n"
    "archive holds it already or it was deleted on purpose; set the\n"
    "others aside in SPACE/duplicates. With '-', take the paths on\n"
    "standard input (one a line; NUL-separated with -0). Prints the\n"
    "archive paths. --report says why each copy was set aside.\n";

static enum ma_status
read_paths(struct dedupe_run *r, char sep)
{
	enum ma_status st = MA_OK;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while (st == MA_OK &&
	       (n = getdelim(&line, &cap, sep ? '\n' : '\0', stdin)) > 0) {
		if (line[n - 1] == (sep ? '\n' : '\0'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		st = dedupe_run_add(r, line);
	}
	free(line);
	return st;
}

/* The one account of a space is where its loose incoming mail came from. */
static char *
only_account(const struct space *s)
{
	char **keys = NULL, *one = NULL;
	size_t n = 0;

	if (account_list(s, &keys, &n) != MA_OK)
		return NULL;
	if (n == 1)
		one = strdup(keys[0]);
	space_list_free(keys, n);
	return one;
}

int
main(int argc, char *argv[])
{
	struct stage_opts o;
	struct dedupe_opts d = {0};
	struct dedupe_run *run = NULL;
	struct space *s = NULL;
	struct lock lk = {.fd = -1};
	char *root = NULL, *lockpath = NULL, *source = NULL;
	enum ma_status st;
	int ret;

	log_init("mailarc-dedupe");
#ifdef __GLIBC__
	/* gmime's check of each message allocates and frees hundreds of
	 * small objects, then a buffer past the fastbin sizes, which first
	 * merges every freed fastbin chunk (malloc_consolidate(),
	 * unlink_chunk(): an eighth of a 100,000-message run's samples).
	 * Without fastbins the run takes about 12% less user time (three
	 * runs each way at 100,000). */
	mallopt(M_MXFAST, 0);
#endif
	if ((ret = cli_stage_options(argc, argv, usage, CLI_STAGE_REPORT,
				     &o)) != EX_OK)
		return ret == EX__HELP ? io_finish(EX_OK) : ret;
	if ((st = root_resolve(o.root, &root)) != MA_OK)
		return ma_exitcode(st);
	if ((st = space_load(root, o.space, &s)) != MA_OK)
		goto out;
	if (o.report) {
		st = dedupe_report(s->dir, stdout);
		goto out;
	}
	if ((st = space_ensure_layout(s)) != MA_OK)
		goto out;
	if ((lockpath = space_lock_path(s->dir, SPACE_STAGE_DEDUPE)) == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	if ((st = lock_take(lockpath, "dedupe of the space", o.wait, &lk)) !=
	    MA_OK)
		goto out;
	source = only_account(s);
	d.space_dir = s->dir;
	d.archive_no_archive =
	    strcmp(space_setting(s, "archive_no_archive", "no"), "yes") == 0;
	d.default_source = source;
	d.out = stdout;
	d.sep = o.sep;
	if ((st = dedupe_run_open(&d, &run)) != MA_OK)
		goto out;
	st = o.from_stdin ? read_paths(run, o.sep) : dedupe_run_sweep(run);
	if (st == MA_OK && (st = dedupe_run_finish(run)) == MA_OK)
		dedupe_run_compact(run);
	if (st == MA_OK) {
		const struct dedupe_stats *k = dedupe_run_stats(run);

		log_info("archived %lu, set aside %lu duplicates, %lu deleted, "
			 "%lu x-no-archive, %lu not messages",
			 k->archived, k->duplicates, k->deleted, k->no_archive,
			 k->bad);
		if (k->bad > 0) {
			log_warn("%lu files are not messages (set aside; "
				 "see mailarc-dedupe --report %s)",
				 k->bad, o.space);
		}
		if (k->errors > 0) {
			log_err("%lu messages could not be read", k->errors);
			ret = EX_DATAERR;
		}
	}
out:
	dedupe_run_close(run);
	lock_drop(&lk);
	free(lockpath);
	free(source);
	space_free(s);
	free(root);
	if (st != MA_OK)
		ret = ma_exitcode(st);
	return io_finish(ret);
}
