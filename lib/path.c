#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "path.h"

char *
path_fmt(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	if (n >= PATH_MAX_LEN) {
		free(p);
		return NULL;
	}
	return p;
}

enum ma_status
path_errno_status(int err)
{
	switch (err) {
	case ENOSPC:
	case EDQUOT:
		return MA_ETEMP;
	case ENOMEM:
		return MA_ENOMEM;
	default:
		return MA_EIO;
	}
}

enum ma_status
path_mkdir_p(const char *dir, mode_t mode)
{
	char tmp[PATH_MAX_LEN];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof tmp)
		return MA_ETOOBIG;
	memcpy(tmp, dir, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) != 0 && errno != EEXIST) {
			int e = errno; /* logging may change errno */

			log_err("cannot create '%s': %s", tmp, strerror(e));
			return path_errno_status(e);
		}
		*p = '/';
	}
	if (mkdir(tmp, mode) != 0 && errno != EEXIST) {
		int e = errno;

		log_err("cannot create '%s': %s", tmp, strerror(e));
		return path_errno_status(e);
	}
	return MA_OK;
}

enum ma_status
path_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		log_err("cannot open '%s': %s", dir, strerror(errno));
		return path_errno_status(errno);
	}
	if (fsync(fd) != 0) {
		int e = errno;

		log_err("cannot sync '%s': %s", dir, strerror(e));
		close(fd);
		return path_errno_status(e);
	}
	close(fd);
	return MA_OK;
}

enum ma_status
path_fsync_parent(const char *path)
{
	char tmp[PATH_MAX_LEN];
	size_t n = strlen(path);

	if (n >= sizeof tmp)
		return MA_ETOOBIG;
	memcpy(tmp, path, n + 1);
	return path_fsync_dir(dirname(tmp));
}

enum ma_status
path_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return path_errno_status(errno);
		}
		c += w;
		n -= (size_t)w;
	}
	return MA_OK;
}

ssize_t
path_pread_all(int fd, void *p, size_t n, off_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r =
		    pread(fd, (char *)p + got, n - got, off + (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int
path_temp_in(const char *dir)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	char *tmp;

	if (fd >= 0)
		return fd;
	if ((tmp = path_fmt("%s/.temp.XXXXXX", dir)) == NULL)
		return -1;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) >= 0)
		unlink(tmp);
	free(tmp);
	return fd;
}

/* Bytes a copy_file_range() call is asked for at most. */
#define PATH_COPY_CALL ((off_t)1 << 30)

enum path_copy
path_copy_range(int in, off_t from, int out, off_t *to, off_t len)
{
	char chunk[32 << 10];
	loff_t src = from;
	off_t left = len;

	/* The kernel's copy; what it declines (ENOSYS, EXDEV, EINVAL on
	 * some file systems) or an error goes through the buffer below,
	 * which says what failed. */
	while (left != 0) {
		loff_t dst = to != NULL ? *to : 0;
		ssize_t n = copy_file_range(
		    in, &src, out, to != NULL ? &dst : NULL,
		    (size_t)(left < 0 || left > PATH_COPY_CALL ? PATH_COPY_CALL
							       : left),
		    0);

		if (n <= 0)
			break;
		if (to != NULL)
			*to = dst;
		if (left > 0)
			left -= n;
	}
	while (left != 0) {
		size_t want = left < 0 || left > (off_t)sizeof chunk
				  ? sizeof chunk
				  : (size_t)left;
		ssize_t n = pread(in, chunk, want, src);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return PATH_COPY_READ;
		if (n == 0 && left < 0)
			break;
		if (n == 0) {
			errno = 0;
			return PATH_COPY_SHORT;
		}
		for (ssize_t done = 0, w; done < n; done += w) {
			w = to != NULL
				? pwrite(out, chunk + done, (size_t)(n - done),
					 *to)
				: write(out, chunk + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w < 0)
				return PATH_COPY_WRITE;
			else if (to != NULL)
				*to += w;
		}
		src += n;
		if (left > 0)
			left -= n;
	}
	return PATH_COPY_OK;
}

enum ma_status
path_append(const char *path, const void *p, size_t n)
{
	enum ma_status st = MA_OK;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

	if (fd < 0 || path_write_all(fd, p, n) != MA_OK) {
		st = path_errno_status(errno);
		log_err("cannot write '%s': %s", path, strerror(errno));
	}
	if (fd >= 0 && close(fd) != 0 && st == MA_OK) {
		st = path_errno_status(errno);
		log_err("cannot write '%s': %s", path, strerror(errno));
	}
	return st;
}

enum ma_status
path_write_file_atomic(const char *path, const void *data, size_t len,
		       mode_t mode)
{
	enum ma_status st;
	char *tmp;
	int fd, e;

	tmp = path_fmt("%s.tmp.%ld", path, (long)getpid());
	if (tmp == NULL)
		return MA_ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0 && errno == EEXIST) {
		/* A temp file left by a killed run of ours: the name is ours.
		 */
		unlink(tmp);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	}
	if (fd < 0) {
		e = errno;
		log_err("cannot create '%s': %s", tmp, strerror(e));
		free(tmp);
		return path_errno_status(e);
	}
	/* The umask may have narrowed mode; say exactly what we mean. */
	if (fchmod(fd, mode) != 0 ||
	    (st = path_write_all(fd, data, len)) != MA_OK || fsync(fd) != 0) {
		e = errno;
		log_err("cannot write '%s': %s", tmp, strerror(e));
		close(fd);
		unlink(tmp);
		free(tmp);
		return path_errno_status(e);
	}
	if (close(fd) != 0) {
		e = errno;
		log_err("cannot write '%s': %s", tmp, strerror(e));
		unlink(tmp);
		free(tmp);
		return path_errno_status(e);
	}
	if (rename(tmp, path) != 0) {
		e = errno;
		log_err("cannot rename '%s' to '%s': %s", tmp, path,
			strerror(e));
		unlink(tmp);
		free(tmp);
		return path_errno_status(e);
	}
	free(tmp);
	return path_fsync_parent(path);
}

enum ma_status
path_write_buf_atomic(const char *path, struct buf *b, enum ma_status st,
		      mode_t mode)
{
	if (st == MA_OK)
		st = path_write_file_atomic(path, b->data, b->len, mode);
	buf_release(b);
	return st;
}

bool
path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

enum ma_status
path_rm_rf(const char *path)
{
	enum ma_status st = MA_OK;
	struct dirent *de;
	struct stat sb;
	DIR *d;

	if (lstat(path, &sb) != 0)
		return errno == ENOENT ? MA_OK : path_errno_status(errno);
	if (!S_ISDIR(sb.st_mode)) {
		if (unlink(path) != 0) {
			log_err("cannot remove '%s': %s", path,
				strerror(errno));
			return path_errno_status(errno);
		}
		return MA_OK;
	}
	if ((d = opendir(path)) == NULL) {
		log_err("cannot open '%s': %s", path, strerror(errno));
		return path_errno_status(errno);
	}
	while (st == MA_OK && (de = readdir(d)) != NULL) {
		char *sub;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((sub = path_fmt("%s/%s", path, de->d_name)) == NULL) {
			st = MA_ENOMEM;
			break;
		}
		st = path_rm_rf(sub);
		free(sub);
	}
	closedir(d);
	if (st == MA_OK && rmdir(path) != 0) {
		log_err("cannot remove '%s': %s", path, strerror(errno));
		st = path_errno_status(errno);
	}
	return st;
}

enum ma_status
path_file_read_all(const char *path, size_t max, char **datap, size_t *lenp)
{
	enum ma_status st = MA_OK;
	struct buf b;
	char chunk[8192];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return MA_ENOTFOUND;
		log_err("cannot open '%s': %s", path, strerror(errno));
		return path_errno_status(errno);
	}
	buf_init(&b, max);
	while (st == MA_OK && (n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_err("cannot read '%s': %s", path, strerror(errno));
			st = path_errno_status(errno);
			break;
		}
		st = buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	explicit_bzero(chunk, sizeof chunk);
	if (st == MA_ETOOBIG)
		log_err("'%s' is larger than %zu bytes", path, max);
	if (st != MA_OK) {
		buf_wipe_release(&b);
		return st;
	}
	if (lenp != NULL)
		*lenp = b.len;
	if ((*datap = buf_steal(&b)) == NULL)
		return MA_ENOMEM;
	return MA_OK;
}
