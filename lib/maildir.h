#ifndef MA_MAILDIR_H
#define MA_MAILDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "status.h"

/*
 * Maildir, as D. J. Bernstein's maildir(5) and the Courier notes describe
 * it: a message is written under tmp/ with a unique name, fsynced, and
 * renamed into new/. A directory is fsynced after a rename into it so the
 * rename survives a crash. Names: "SECONDS.M<usec>P<pid>Q<n>R<random>.HOST"
 * (unique across processes, hosts and a clock that steps back).
 */

/*
 * A message file's mode, before the umask. The folders are 0700, so no one
 * else reaches a message through them; 0644 lets the renderer publish the
 * archived file itself as the site's raw .eml (a hard link: the site's
 * copy has this mode too), so the site does not hold the mail twice.
 */
#define MAILDIR_FILE_MODE 0644

/* maildir_create - make dir and dir/{tmp,new,cur} (0700); existing is ok. */
enum ma_status maildir_create(const char *dir);

/* maildir_unique_name - a fresh unique base name into buf. */
enum ma_status maildir_unique_name(char *buf, size_t size);

/*
 * A message being written: open, write (any number of times), then commit
 * or abort. Nothing is visible in new/ before commit.
 */
struct maildir_tmp {
	int fd;
	char *dir;	/* the Maildir (owned) */
	char *tmp_path; /* dir/tmp/NAME (owned) */
	char *name;	/* NAME (owned) */
	size_t size;	/* bytes written so far */
};

/* maildir_tmp_open - create dir/tmp/NAME with O_EXCL. */
enum ma_status maildir_tmp_open(const char *dir, struct maildir_tmp *t);

/* maildir_tmp_write - append; ENOSPC gives MA_ETEMP, logged. */
enum ma_status maildir_tmp_write(struct maildir_tmp *t, const void *p,
				 size_t n);

/*
 * maildir_tmp_commit - fsync the file, rename it to dir/new/NAME and, when
 * sync_dir, fsync dir/new. Without sync_dir the caller must call
 * maildir_sync() before it relies on the message (e.g. before it deletes
 * the server's copy): that is how durability is batched. On MA_OK *pathp
 * (if pathp) is the malloc'd final path; t is released either way.
 */
enum ma_status maildir_tmp_commit(struct maildir_tmp *t, bool sync_dir,
				  char **pathp);

/* maildir_tmp_abort - remove the temp file and release t. */
void maildir_tmp_abort(struct maildir_tmp *t);

/* maildir_sync - fsync dir/new and dir/cur: makes committed renames durable. */
enum ma_status maildir_sync(const char *dir);

/*
 * maildir_deliver - copy everything readable from fd into a new message
 * (tmp, fsync, rename, fsync dir/new). On MA_OK *pathp is malloc'd (caller
 * frees). On error nothing is left behind.
 */
enum ma_status maildir_deliver(const char *dir, int fd, char **pathp);

/* maildir_deliver_mem - as maildir_deliver(), from memory. */
enum ma_status maildir_deliver_mem(const char *dir, const void *p, size_t n,
				   char **pathp);

/*
 * maildir_move - move the message at path into dstdir/new (or cur when
 * to_cur), keeping its base name (and info suffix for cur). Uses rename(2),
 * so at every instant the message is in exactly one of the two folders;
 * when sync, fsyncs the destination folder and then the source folder.
 * Both Maildirs must be on one file system (they are: one space). On MA_OK
 * *newpathp (if given) is malloc'd.
 */
enum ma_status maildir_move(const char *path, const char *dstdir, bool to_cur,
			    bool sync, char **newpathp);

/*
 * maildir_scan - call fn(path, arg) for every message in dir/new and then
 * dir/cur (subdir NULL), or only in dir/SUBDIR, sorted by name so that runs
 * are repeatable. Dot files are skipped. fn returning non-zero stops the
 * scan; that value is returned through *stopped when given. Memory stays
 * flat however many files a folder holds: the names are read in windows
 * (maildir_scan_window()). A file that appears during a scan is called
 * for when it sorts after the window being done, else by the next scan.
 */
enum ma_status maildir_scan(const char *dir, const char *subdir,
			    int (*fn)(const char *path, void *arg), void *arg,
			    int *stopped);

/*
 * maildir_scan_window - maildir_scan() of dir/SUBDIR alone, holding at most
 * window names at once (a quarter more while reading): the folder is read
 * again for each window of the next names after the last one called for.
 * Exposed for the tests, which use small windows.
 */
enum ma_status maildir_scan_window(const char *dir, const char *subdir,
				   size_t window,
				   int (*fn)(const char *path, void *arg),
				   void *arg, int *stopped);

/*
 * maildir_clean_tmp - remove files in dir/tmp older than max_age seconds
 * (maildir(5): 36 hours). They are messages whose writer died before
 * commit; the message is still at its source.
 */
enum ma_status maildir_clean_tmp(const char *dir, long max_age);

/*
 * maildir_compact - dir/new and dir/cur, each when it is empty and its
 * directory has grown to min_bytes or more (a file system never shrinks
 * one), replaced by a fresh empty directory, or what a killed call left
 * in dir/new.compact or dir/cur.compact moved back into place
 * (maildir_compact.c has the steps; no step removes a message). Failures
 * are logged as warnings; a file system without renameat2(2)'s
 * RENAME_EXCHANGE keeps its folders as they are.
 */
enum ma_status maildir_compact(const char *dir, off_t min_bytes);

/* maildir_base_name - the name part of a message path (before ":2,"), into
 * buf. Returns MA_ETOOBIG if it does not fit. */
enum ma_status maildir_base_name(const char *path, char *buf, size_t size);

#endif
