/*
 * dedupe_run_sweep(): every message left in the space's incoming
 * folders (SPACE/incoming and each SPACE/incoming/.ACCOUNT), through
 * dedupe_run_add() as if named on the command line.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "dedupe_int.h"
#include "lock.h"
#include "log.h"
#include "maildir.h"
#include "path.h"
#include "space.h"

/* An incoming folder whose directory has grown to this size is given a
 * fresh one once it is empty (maildir_compact()): some 16,000 names. */
#define SWEEP_COMPACT_BYTES ((off_t)1 << 20)

static int
sweep_one(const char *path, void *arg)
{
	struct dedupe_run *r = arg;

	return dedupe_run_add(r, path) != MA_OK;
}

/*
 * The folder dir (key: its account's, NULL for incoming/ itself and for
 * import's, which deliver by path) made compact once swept. A fetch
 * delivers through a descriptor of its new/ held for the whole session,
 * so an account's folders are left alone while its lock is taken. A
 * failure costs nothing but the next scan's time.
 */
static void
sweep_compact(struct dedupe_run *r, const char *dir, const char *key)
{
	struct lock lk = {.fd = -1};
	char *lp = NULL;

	if (key != NULL && strcmp(key, SPACE_SOURCE_IMPORT) != 0) {
		lp = space_account_file(r->o.space_dir, key, "lock");
		if (lp == NULL || lock_take(lp, NULL, false, &lk) != MA_OK) {
			free(lp);
			return;
		}
	}
	(void)maildir_compact(dir, SWEEP_COMPACT_BYTES);
	lock_drop(&lk);
	free(lp);
}

/* The Maildir++ sub-folders of incoming/ (.KEY), into *subsp. */
static enum ma_status
list_subs(struct dedupe_run *r, char ***subsp, size_t *np)
{
	enum ma_status st = MA_OK;
	struct dirent *de;
	char **subs = NULL;
	size_t nsubs = 0;
	DIR *d;

	if ((d = opendir(r->incoming)) == NULL) {
		log_err("cannot open '%s': %s", r->incoming, strerror(errno));
		return MA_EIO;
	}
	while ((de = readdir(d)) != NULL) {
		char **nv;

		if (de->d_name[0] != '.' || !key_valid(de->d_name + 1))
			continue;
		if ((nv = realloc(subs, (nsubs + 1) * sizeof *nv)) == NULL) {
			st = MA_ENOMEM;
			break;
		}
		subs = nv;
		if ((subs[nsubs] =
			 path_fmt("%s/%s", r->incoming, de->d_name)) == NULL) {
			st = MA_ENOMEM;
			break;
		}
		nsubs++;
	}
	closedir(d);
	*subsp = subs;
	*np = nsubs;
	return st;
}

enum ma_status
dedupe_run_sweep(struct dedupe_run *r)
{
	enum ma_status st;
	char **subs = NULL;
	size_t nsubs = 0;
	int stopped = 0;

	/* Each folder is made compact before its scan too: what a killed
	 * compaction left aside is back in time for it, and a folder
	 * emptied by a run whose last batch held it is scanned small. */
	maildir_clean_tmp(r->incoming, 36 * 3600);
	sweep_compact(r, r->incoming, NULL);
	st = maildir_scan(r->incoming, NULL, sweep_one, r, &stopped);
	if (st != MA_OK || stopped)
		return st != MA_OK ? st : MA_EIO;
	st = list_subs(r, &subs, &nsubs);
	for (size_t i = 0; st == MA_OK && !stopped && i < nsubs; i++) {
		maildir_clean_tmp(subs[i], 36 * 3600);
		sweep_compact(r, subs[i], strrchr(subs[i], '/') + 2);
		st = maildir_scan(subs[i], NULL, sweep_one, r, &stopped);
	}
	array_free_strs(subs, nsubs);
	if (st == MA_OK && stopped)
		st = MA_EIO;
	r->swept = st == MA_OK;
	return st;
}

void
dedupe_run_compact(struct dedupe_run *r)
{
	char **subs = NULL;
	size_t nsubs = 0;

	if (!r->swept)
		return;
	sweep_compact(r, r->incoming, NULL);
	if (list_subs(r, &subs, &nsubs) == MA_OK)
		for (size_t i = 0; i < nsubs; i++)
			sweep_compact(r, subs[i], strrchr(subs[i], '/') + 2);
	array_free_strs(subs, nsubs);
}
