/* mailarc-index: index new archive messages with notmuch; print them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"
#include "index.h"
#include "lock.h"
#include "log.h"
#include "path.h"
#include "space.h"

static const char usage[] =
    "usage: mailarc-index [--root DIR] [-v] [-q] [--wait] [-0] [--full] "
    "SPACE [-]\n"
    "\n"
    "Index the messages mailarc-dedupe archived since the last run into\n"
    "SPACE/notmuch (tags space:KEY, account:NAME, attachment). With '-',\n"
    "read archive paths on standard input (one a line; NUL-separated with\n"
    "-0) as a hint and index what the queue holds; with --full, every\n"
    "file of SPACE/archive. Prints the paths\n"
    "indexed. Query with: notmuch --config=SPACE/notmuch/config ...\n";

static int
parse_options(int argc, char **argv, struct stage_opts *o)
{
	int r = cli_stage_options(argc, argv, usage, CLI_STAGE_FULL, o);

	if (r == EX_OK && o->from_stdin && o->full) {
		log_err("--full rebuilds from archive/: it takes no '-'");
		fputs(usage, stderr);
		return EX_USAGE;
	}
	return r;
}

struct reader {
	char *line;
	size_t cap;
	int delim;
};

static const char *
next_path(void *arg)
{
	struct reader *rd = arg;
	ssize_t n;

	while ((n = getdelim(&rd->line, &rd->cap, rd->delim, stdin)) > 0) {
		if (rd->line[n - 1] == rd->delim)
			rd->line[--n] = '\0';
		if (n > 0)
			return rd->line;
	}
	return NULL;
}

int
main(int argc, char *argv[])
{
	struct stage_opts o;
	struct index_run_opts ro = {0};
	struct index_stats stats = {0};
	struct space *s = NULL;
	struct lock lk = {.fd = -1};
	char *root = NULL, *lockpath = NULL;
	enum ma_status st;
	int ret = EX_OK;

	log_init("mailarc-index");
	if ((ret = parse_options(argc, argv, &o)) != EX_OK)
		return ret == EX__HELP ? io_finish(EX_OK) : ret;
	if ((st = root_resolve(o.root, &root)) != MA_OK)
		return ma_exitcode(st);
	if ((st = space_load(root, o.space, &s)) != MA_OK)
		goto out;
	if ((st = space_ensure_layout(s)) != MA_OK)
		goto out;
	if ((lockpath = space_lock_path(s->dir, SPACE_STAGE_INDEX)) == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	if ((st = lock_take(lockpath, "index of the space", o.wait, &lk)) !=
	    MA_OK)
		goto out;
	ro.space_dir = s->dir;
	ro.space_key = s->key;
	ro.out = stdout;
	ro.sep = o.sep;
	if (o.from_stdin) {
		struct reader rd = {.delim = o.sep ? '\n' : '\0'};

		st = index_run_paths(&ro, next_path, &rd, &stats);
		free(rd.line);
	} else if (o.full) {
		st = index_run_full(&ro, &stats);
	} else {
		st = index_run_queue(&ro, &stats);
	}
	log_info("indexed %lu messages (%lu gone, %lu not mail)", stats.indexed,
		 stats.gone, stats.not_mail);
	if (st == MA_OK && stats.not_mail > 0) {
		log_err("%lu archived files are not indexed: see above",
			stats.not_mail);
		ret = EX_DATAERR;
	}
out:
	lock_drop(&lk);
	free(lockpath);
	space_free(s);
	free(root);
	if (st != MA_OK)
		ret = ma_exitcode(st);
	return io_finish(ret);
}
