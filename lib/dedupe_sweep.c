/*
 * dedupe_run_sweep(): every message left in the space's incoming
 * folders (SPACE/incoming and each SPACE/incoming/.ACCOUNT), through
 * dedupe_run_add() as if named on the command line.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dedupe_int.h"
#include "log.h"
#include "maildir.h"
#include "path.h"
#include "space.h"

static int
sweep_one(const char *path, void *arg)
{
	struct dedupe_run *r = arg;

	return dedupe_run_add(r, path) != MA_OK;
}

enum ma_status
dedupe_run_sweep(struct dedupe_run *r)
{
	enum ma_status st;
	struct dirent *de;
	char **subs = NULL;
	size_t nsubs = 0;
	int stopped = 0;
	DIR *d;

	maildir_clean_tmp(r->incoming, 36 * 3600);
	st = maildir_scan(r->incoming, NULL, sweep_one, r, &stopped);
	if (st != MA_OK || stopped)
		return st != MA_OK ? st : MA_EIO;
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
	for (size_t i = 0; st == MA_OK && !stopped && i < nsubs; i++) {
		maildir_clean_tmp(subs[i], 36 * 3600);
		st = maildir_scan(subs[i], NULL, sweep_one, r, &stopped);
	}
	for (size_t i = 0; i < nsubs; i++)
		free(subs[i]);
	free(subs);
	if (st == MA_OK && stopped)
		st = MA_EIO;
	return st;
}
