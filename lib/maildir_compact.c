/*
 * maildir_compact(): an emptied new/ or cur/ given a fresh directory.
 *
 * ext4, like most file systems, never shrinks a directory: once a first
 * fetch or import has put a million messages through incoming/.SOURCE/new,
 * that folder keeps some 60 MB of empty directory blocks, and every later
 * poll's scan reads them all (seconds when they are not cached, for a
 * folder that holds nothing). So once a folder is empty and its directory
 * has grown past a size, an empty directory takes its place:
 *
 *   1. mkdir FOLDER.compact;
 *   2. exchange it with FOLDER (renameat2(2) RENAME_EXCHANGE: FOLDER is
 *      never missing, so a delivery by path always finds a folder);
 *   3. move what reached the old one meanwhile into the new FOLDER (a
 *      delivery by path that raced with step 2), and remove it.
 *
 * A kill at any step leaves FOLDER.compact, empty or holding messages;
 * the next call moves them into FOLDER first. No step removes a message.
 * A file system without RENAME_EXCHANGE keeps its folder as it is.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "maildir.h"
#include "path.h"

/* How often the old folder is emptied again before it is left for the
 * next call: each pass moves what deliveries by path put there before
 * the exchange, and none can arrive after it. */
#define COMPACT_PASSES 3

/* Whether folder (open as d) has an entry besides . and .. */
static bool
has_entries(DIR *d)
{
	struct dirent *de;

	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			return true;
	return false;
}

/*
 * Every entry of from moved into to under its name (never over a file
 * there: that one stays in from). *left tells whether from still holds
 * one. Both folders are synced, so that a crash leaves each message in
 * one of them.
 */
static enum ma_status
move_all(const char *from, const char *to, bool *left)
{
	int tfd = open(to, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = opendir(from);
	enum ma_status st = MA_OK;
	struct dirent *de;
	size_t moved = 0;

	*left = false;
	if (tfd < 0 || d == NULL) {
		st = path_errno_status(errno);
		log_warn("cannot open '%s': %s", tfd < 0 ? to : from,
			 strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (renameat2(dirfd(d), de->d_name, tfd, de->d_name,
			      RENAME_NOREPLACE) == 0) {
			moved++;
			continue;
		}
		*left = true;
		log_warn("cannot move '%s/%s' into '%s': %s", from, de->d_name,
			 to, strerror(errno));
	}
	if (moved > 0 && (fsync(tfd) != 0 || fsync(dirfd(d)) != 0)) {
		st = path_errno_status(errno);
		log_warn("cannot sync '%s': %s", to, strerror(errno));
	}
out:
	if (d != NULL)
		closedir(d);
	if (tfd >= 0)
		close(tfd);
	return st;
}

/* What a killed call left in FOLDER.compact, back in folder; the spare
 * removed when empty. */
static enum ma_status
drain_spare(const char *folder, const char *spare)
{
	enum ma_status st = MA_OK;
	bool left = true;

	for (int pass = 0; pass < COMPACT_PASSES && left && st == MA_OK;
	     pass++) {
		st = move_all(spare, folder, &left);
		if (st == MA_OK && !left && rmdir(spare) != 0) {
			/* Something arrived since the pass: once more. */
			left = errno == ENOTEMPTY || errno == EEXIST;
			if (!left) {
				st = path_errno_status(errno);
				log_warn("cannot remove '%s': %s", spare,
					 strerror(errno));
			}
		}
	}
	if (st == MA_OK && left)
		log_warn("'%s' still holds messages: they go into '%s' "
			 "on the next run",
			 spare, folder);
	return st;
}

static enum ma_status
compact_one(const char *folder, const char *spare, off_t min_bytes)
{
	struct stat sb;
	bool busy;
	DIR *d;

	if (path_exists(spare))
		return drain_spare(folder, spare);
	if (stat(folder, &sb) != 0 || !S_ISDIR(sb.st_mode) ||
	    sb.st_size < min_bytes)
		return MA_OK;
	if ((d = opendir(folder)) == NULL)
		return MA_OK;
	busy = has_entries(d);
	closedir(d);
	if (busy)
		return MA_OK;
	if (mkdir(spare, sb.st_mode & 07777) != 0) {
		log_warn("cannot create '%s': %s", spare, strerror(errno));
		return path_errno_status(errno);
	}
	if (renameat2(AT_FDCWD, spare, AT_FDCWD, folder, RENAME_EXCHANGE) !=
	    0) {
		int e = errno;

		rmdir(spare);
		/* A file system that cannot exchange keeps the folder. */
		if (e == EINVAL || e == ENOSYS || e == ENOTSUP)
			return MA_OK;
		log_warn("cannot put a new '%s' in place: %s", folder,
			 strerror(e));
		return path_errno_status(e);
	}
	log_info("'%s' was empty in a directory of %lld bytes: made anew",
		 folder, (long long)sb.st_size);
	return drain_spare(folder, spare);
}

enum ma_status
maildir_compact(const char *dir, off_t min_bytes)
{
	static const char *const subs[] = {"new", "cur"};
	enum ma_status st = MA_OK;

	for (size_t i = 0; i < 2 && st == MA_OK; i++) {
		char *folder = path_fmt("%s/%s", dir, subs[i]);
		char *spare = path_fmt("%s/%s.compact", dir, subs[i]);

		st = folder != NULL && spare != NULL
			 ? compact_one(folder, spare, min_bytes)
			 : MA_ENOMEM;
		free(folder);
		free(spare);
	}
	return st;
}
