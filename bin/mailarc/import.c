/* mailarc import SPACE FILE|DIR...: mbox, Maildir or single messages. */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli.h"
#include "dedupe.h"
#include "import.h"
#include "log.h"
#include "mailarc.h"
#include "path.h"
#include "space.h"

static const char import_usage[] =
    "usage: mailarc import SPACE [--mboxo] [--no-progress] FILE|DIR...\n"
    "\n"
    "Import mbox files (mboxrd; --mboxo for the old quoting; gzip is\n"
    "read as well), Maildir folders and single messages into the space,\n"
    "then archive each message once (mailarc-dedupe), index them\n"
    "(mailarc-index) and render the site (mailarc-render, once built).\n";

/*
 * The last line tells what became of every input: what dedupe's run
 * archived and set aside (state/dedupe.last), plus the inputs that were
 * not mail before dedupe saw them (empty files). Deleted (tombstoned)
 * and X-No-Archive messages are accounted for, not failures; anything
 * that is not mail makes the exit EX_DATAERR.
 */
/* Identify state/dedupe.last: it is replaced (a new inode) by each run. */
static void
last_stamp(const struct space *s, struct stat *sb)
{
	char *p = space_part_path(s->dir, SPACE_DEDUPE_LAST);

	memset(sb, 0, sizeof *sb);
	if (p == NULL || stat(p, sb) != 0)
		memset(sb, 0, sizeof *sb);
	free(p);
}

static int
summary(const struct space *s, const struct import_stats *stats,
	const struct stat *before)
{
	struct dedupe_stats k = {0};
	unsigned long notmail;
	struct stat after;

	last_stamp(s, &after);
	if (stats->messages > 0 &&
	    (after.st_ino == 0 ||
	     (after.st_ino == before->st_ino &&
	      after.st_mtim.tv_sec == before->st_mtim.tv_sec &&
	      after.st_mtim.tv_nsec == before->st_mtim.tv_nsec) ||
	     dedupe_last(s->dir, &k) != MA_OK)) {
		/* mailarc-dedupe did not finish: its error is above. */
		printf("imported %lu: not archived yet (see above; run "
		       "mailarc-dedupe %s)\n",
		       stats->messages + stats->skipped, s->key);
		return EX_TEMPFAIL;
	}
	notmail = k.bad + stats->skipped;
	printf("imported %lu: %lu archived, %lu duplicates",
	       stats->messages + stats->skipped, k.archived, k.duplicates);
	if (k.deleted > 0)
		printf(", %lu deleted before", k.deleted);
	if (k.no_archive > 0)
		printf(", %lu x-no-archive", k.no_archive);
	printf(", %lu not mail (see mailarc status %s)\n", notmail, s->key);
	return notmail > 0 ? EX_DATAERR : EX_OK;
}

int
cmd_import(struct ctx *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"mboxo", no_argument, NULL, 'o'},
	    {"no-progress", no_argument, NULL, 'P'},
	    {NULL, 0, NULL, 0},
	};
	struct import_opts o = {.fmt = MBOX_RD, .progress = true};
	struct import_stats stats = {0};
	struct stat before;
	enum ma_status st = MA_OK;
	struct space *s;
	char *dest;
	int ch, ret = EX_OK;

	optind = 0;
	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'o':
			o.fmt = MBOX_O;
			break;
		case 'P':
			o.progress = false;
			break;
		default:
			ret =
			    cli_common(ch, optarg, import_usage, &c->root_opt);
			if (ret == EX__HELP)
				return EX_OK;
			if (ret != EX_OK)
				return ret < 0 ? EX_USAGE : ret;
		}
	}
	if (argc - optind < 2) {
		fputs(import_usage, stderr);
		return EX_USAGE;
	}
	if ((s = ctx_space(c, argv[optind], &ret)) == NULL)
		return ret;
	o.progress = o.progress && log_to_terminal();
	/* A Maildir++ sub-folder of incoming/ marks the source "import". */
	if ((dest = space_source_dir(s->dir, SPACE_SOURCE_IMPORT)) == NULL) {
		space_free(s);
		return EX_OSERR;
	}
	o.dest = dest;
	for (int i = optind + 1; st == MA_OK && i < argc; i++)
		st = import_path(&o, argv[i], &stats);
	import_progress_done(&o, &stats);
	if (stats.damaged > 0 || stats.skipped > 0) {
		log_err("%lu inputs were damaged and %lu could not be read: "
			"see above",
			stats.damaged, stats.skipped);
		ret = EX_DATAERR;
	}
	if (st != MA_OK) {
		/* What was delivered is safe in incoming/: archive it. */
		ret = ma_exitcode(st);
	}
	last_stamp(s, &before);
	if (stats.messages > 0)
		ret = ma_worse(ret, run_pipeline(c, s->key));
	ret = ma_worse(ret, summary(s, &stats, &before));
	free(dest);
	space_free(s);
	return ret;
}
