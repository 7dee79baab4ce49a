#ifndef MA_PATH_H
#define MA_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "status.h"

/*
 * Files and folders, whoever owns them: paths built with a cap
 * (PATH_MAX_LEN), folders made and fsynced, whole files written atomically
 * (temp file, fsync, rename) or read with a cap, and the errno-to-status
 * rule every caller shares. Nothing here knows the layout of a root or a
 * space: space.h and the stages do.
 */

/* Longest path mailarc builds; longer ones are refused with MA_ETOOBIG. */
#define PATH_MAX_LEN 4096

/*
 * path_fmt - a malloc'd string from a printf format (caller frees), or NULL
 * when out of memory or longer than PATH_MAX_LEN.
 */
char *path_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* path_mkdir_p - create dir and its parents with mode (existing is fine). */
enum ma_status path_mkdir_p(const char *dir, mode_t mode);

/* path_fsync_dir - fsync a directory so that renames into it are durable. */
enum ma_status path_fsync_dir(const char *dir);

/* path_fsync_parent - fsync the directory that holds path. */
enum ma_status path_fsync_parent(const char *path);

/*
 * path_write_file_atomic - write data to a temp file beside path (O_EXCL,
 * mode), fsync it, rename it over path and fsync the directory. On any error
 * the old file is untouched and the temp file removed. ENOSPC gives MA_ETEMP.
 */
enum ma_status path_write_file_atomic(const char *path, const void *data,
				      size_t len, mode_t mode);

/*
 * path_write_buf_atomic - the end of building a file in a buffer: when st
 * (the status of building it) is MA_OK, write b's bytes as the file at path
 * as path_write_file_atomic() does; b is released either way. Returns st
 * when it is not MA_OK, else the write's status.
 */
struct buf;
enum ma_status path_write_buf_atomic(const char *path, struct buf *b,
				     enum ma_status st, mode_t mode);

/* path_write_all - write n bytes, retrying short writes and EINTR. */
enum ma_status path_write_all(int fd, const void *p, size_t n);

/* path_pread_all - up to n bytes of fd from off into p, retrying short
 * reads and EINTR: the count read (fewer than n only at the file's end),
 * or -1 (errno says why). */
ssize_t path_pread_all(int fd, void *p, size_t n, off_t off);

/* path_temp_in - an unnamed file in dir, read and write, gone when
 * closed (O_TMPFILE; where dir's file system lacks it, a file unlinked
 * at once); -1 when dir takes no file. */
int path_temp_in(const char *dir);

/* What path_copy_range() ran into (errno says why, except for
 * PATH_COPY_SHORT). */
enum path_copy {
	PATH_COPY_OK,
	PATH_COPY_READ,	 /* in could not be read */
	PATH_COPY_WRITE, /* out could not be written */
	PATH_COPY_SHORT, /* in ended before len bytes */
};

/*
 * path_copy_range - copy len bytes of in, from its offset from, into out:
 * at *to when to is not NULL (advanced past what was written), else at
 * out's file offset. In the kernel where it can (copy_file_range(2)),
 * else through a buffer. len < 0: up to in's end.
 */
enum path_copy path_copy_range(int in, off_t from, int out, off_t *to,
			       off_t len);

/* path_append - append n bytes to the file at path (made 0600 when it is
 * missing), not synced; errors logged. MA_OK, MA_EIO, MA_ETEMP (disk
 * full). */
enum ma_status path_append(const char *path, const void *p, size_t n);

/* path_errno_status - MA_ETEMP for ENOSPC/EDQUOT, MA_ENOMEM, else MA_EIO. */
enum ma_status path_errno_status(int err);

/* path_rm_rf - remove a tree; does not follow symlinks. */
enum ma_status path_rm_rf(const char *path);

/* path_exists - true when lstat() finds path. */
bool path_exists(const char *path);

/*
 * path_file_read_all - read a whole (small) file into a malloc'd,
 * NUL-terminated string; refuses files over max bytes with MA_ETOOBIG. ENOENT
 * gives MA_ENOTFOUND without logging; other failures are logged.
 */
enum ma_status path_file_read_all(const char *path, size_t max, char **datap,
				  size_t *lenp);

#endif
