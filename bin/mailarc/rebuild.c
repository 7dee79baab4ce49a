/*
 * mailarc rebuild SPACE: a fresh notmuch database from archive/, then a
 * full render. The old database is moved aside first and put back if
 * indexing fails; tombstones, the render state (with the thread names
 * the site has published) and the site stay. Thread pages are named from
 * Message-IDs, never from the database, so the site comes out the same.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"
#include "lock.h"
#include "log.h"
#include "mailarc.h"
#include "path.h"
#include "space.h"

static const char rebuild_usage[] =
    "usage: mailarc rebuild [--wait] SPACE\n"
    "\n"
    "Build a fresh notmuch database for SPACE from its archive/ folder\n"
    "(mailarc-index --full), keeping its tombstones, then render its site\n"
    "in full. The old database is kept as SPACE/notmuch.old until the new\n"
    "one is built, and put back if indexing fails. It holds the space's\n"
    "index lock until the new database is built: an index run going on\n"
    "makes it stop (or wait, with --wait), and one started meanwhile\n"
    "waits or stops the same way.\n";

/* Move from to to; log and return EX_IOERR on failure. */
static int
move(const char *from, const char *to)
{
	if (rename(from, to) == 0 && path_fsync_parent(to) == MA_OK)
		return EX_OK;
	log_err("cannot move '%s' to '%s': %s", from, to, strerror(errno));
	return EX_IOERR;
}

/*
 * reindex - move the database aside, index archive/ afresh and remove the
 * old one; put it back when indexing fails.
 */
static int
reindex(struct ctx *c, const struct space *s, const char *db, const char *old)
{
	const char *const index_args[] = {"--full", s->key, NULL};
	int ret;

	if (path_exists(old)) {
		log_err("'%s' is there: an earlier rebuild did not finish; "
			"move it back to '%s' or remove it",
			old, db);
		return EX_TEMPFAIL;
	}
	if (path_exists(db) && (ret = move(db, old)) != EX_OK)
		return ret;
	ret = run_stage(c, "mailarc-index", index_args, true);
	if (ret != EX_OK) {
		log_err("space %s: indexing failed (exit %d): the old "
			"database is put back",
			s->key, ret);
		if (path_rm_rf(db) != MA_OK ||
		    (path_exists(old) && move(old, db) != EX_OK))
			log_err("the old database is in '%s'", old);
		return ret;
	}
	if (path_exists(old) && path_rm_rf(old) != MA_OK)
		log_warn("cannot remove '%s'", old);
	return EX_OK;
}

/*
 * The index lock is held from before the database is moved aside until
 * the new one is built, so that no index run (the timer's, an import's)
 * opens or recreates the database meanwhile. The mailarc-index run here
 * takes the same lock: it is handed down to it (lock_hand_down()), so it
 * shares it instead of waiting for its own parent. The render that
 * follows only reads the database; the lock is dropped before it.
 */
static int
rebuild(struct ctx *c, const struct space *s)
{
	char *db = space_part_path(s->dir, SPACE_NOTMUCH);
	char *old = space_part_path(s->dir, SPACE_NOTMUCH_OLD);
	char *lockpath = space_lock_path(s->dir, SPACE_STAGE_INDEX);
	const char *const render_args[] = {s->key, "--full", NULL};
	struct lock lk = {.fd = -1};
	enum ma_status st;
	int ret = EX_OSERR;

	if (db == NULL || old == NULL || lockpath == NULL)
		goto out;
	if ((st = lock_take(lockpath, "index of the space", c->wait, &lk)) !=
	    MA_OK) {
		ret = ma_exitcode(st);
		goto out;
	}
	if ((st = lock_hand_down(&lk)) != MA_OK)
		ret = ma_exitcode(st);
	else
		ret = reindex(c, s, db, old);
	lock_take_back(&lk);
	lock_drop(&lk);
	if (ret != EX_OK)
		goto out;
	ret = run_stage(c, "mailarc-render", render_args, true);
	if (ret == EX_OK)
		printf("%s/index.html\n", s->site_dir);
out:
	free(db);
	free(old);
	free(lockpath);
	return ret;
}

int
cmd_rebuild(struct ctx *c, int argc, char **argv)
{
	struct space *s;
	const char *key;
	int ret;

	if ((key = ctx_one_operand(c, argc, argv, rebuild_usage, &ret)) == NULL)
		return ret;
	if ((s = ctx_space(c, key, &ret)) == NULL)
		return ret;
	ret = rebuild(c, s);
	space_free(s);
	return ret;
}
