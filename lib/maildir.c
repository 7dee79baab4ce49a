#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "buf.h"
#include "log.h"
#include "maildir.h"
#include "path.h"

#define NAME_MAX_LEN 255

enum ma_status
maildir_create(const char *dir)
{
	static const char *const subs[] = {"tmp", "new", "cur"};
	enum ma_status st;

	if ((st = path_mkdir_p(dir, 0700)) != MA_OK)
		return st;
	for (size_t i = 0; i < 3; i++) {
		char *sub = path_fmt("%s/%s", dir, subs[i]);

		if (sub == NULL)
			return MA_ENOMEM;
		if (mkdir(sub, 0700) != 0 && errno != EEXIST) {
			log_err("cannot create '%s': %s", sub, strerror(errno));
			free(sub);
			return path_errno_status(errno);
		}
		free(sub);
	}
	return MA_OK;
}

/*
 * The host part must not hold '/' or ':' (maildir(5)); they are written
 * \057 and \072 as Courier does.
 */
static void
host_part(char *out, size_t size)
{
	char host[256];
	size_t o = 0;

	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	for (const char *h = host; *h && o + 5 < size; h++) {
		if (*h == '/' || *h == ':') {
			o += (size_t)snprintf(out + o, size - o, "\\%03o",
					      (unsigned char)*h);
			continue;
		}
		out[o++] = *h;
	}
	out[o] = '\0';
}

enum ma_status
maildir_unique_name(char *buf, size_t size)
{
	static unsigned long counter;
	static char host[128];
	unsigned char rnd[8];
	struct timeval tv;
	unsigned long long r = 0;
	int n;

	if (host[0] == '\0')
		host_part(host, sizeof host);
	gettimeofday(&tv, NULL);
	if (RAND_bytes(rnd, sizeof rnd) != 1) {
		log_err("cannot get random bytes for a Maildir name");
		return MA_EIO;
	}
	for (size_t i = 0; i < sizeof rnd; i++)
		r = r << 8 | rnd[i];
	n = snprintf(buf, size, "%lld.M%06ldP%ldQ%luR%016llx.%s",
		     (long long)tv.tv_sec, (long)tv.tv_usec, (long)getpid(),
		     ++counter, r, host);
	if (n < 0 || (size_t)n >= size)
		return MA_ETOOBIG;
	return MA_OK;
}

static void
tmp_release(struct maildir_tmp *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	free(t->dir);
	free(t->tmp_path);
	free(t->name);
	t->dir = t->tmp_path = t->name = NULL;
}

enum ma_status
maildir_tmp_open(const char *dir, struct maildir_tmp *t)
{
	char name[NAME_MAX_LEN + 1];
	enum ma_status st;

	t->fd = -1;
	t->dir = t->tmp_path = t->name = NULL;
	t->size = 0;
	for (int tries = 0; tries < 8; tries++) {
		if ((st = maildir_unique_name(name, sizeof name)) != MA_OK)
			return st;
		free(t->tmp_path);
		t->tmp_path = path_fmt("%s/tmp/%s", dir, name);
		if (t->tmp_path == NULL)
			return MA_ENOMEM;
		t->fd =
		    open(t->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			 MAILDIR_FILE_MODE);
		if (t->fd >= 0 || errno != EEXIST)
			break;
	}
	if (t->fd < 0) {
		int e = errno;

		log_err("cannot create '%s': %s", t->tmp_path, strerror(e));
		tmp_release(t);
		return path_errno_status(e);
	}
	t->dir = strdup(dir);
	t->name = strdup(name);
	if (t->dir == NULL || t->name == NULL) {
		maildir_tmp_abort(t);
		return MA_ENOMEM;
	}
	return MA_OK;
}

enum ma_status
maildir_tmp_write(struct maildir_tmp *t, const void *p, size_t n)
{
	enum ma_status st = path_write_all(t->fd, p, n);

	if (st != MA_OK) {
		log_err("cannot write '%s': %s", t->tmp_path, strerror(errno));
		return st;
	}
	t->size += n;
	return MA_OK;
}

void
maildir_tmp_abort(struct maildir_tmp *t)
{
	if (t->tmp_path != NULL)
		unlink(t->tmp_path);
	tmp_release(t);
}

enum ma_status
maildir_tmp_commit(struct maildir_tmp *t, bool sync_dir, char **pathp)
{
	enum ma_status st = MA_OK;
	char *final, *newdir;
	int e;

	if (fsync(t->fd) != 0 || close(t->fd) != 0) {
		e = errno;
		t->fd = -1;
		log_err("cannot write '%s': %s", t->tmp_path, strerror(e));
		maildir_tmp_abort(t);
		return path_errno_status(e);
	}
	t->fd = -1;
	final = path_fmt("%s/new/%s", t->dir, t->name);
	newdir = path_fmt("%s/new", t->dir);
	if (final == NULL || newdir == NULL) {
		free(final);
		free(newdir);
		maildir_tmp_abort(t);
		return MA_ENOMEM;
	}
	/* link() + unlink() would refuse to overwrite, but the name is unique
	 * and rename() works on file systems without hard links. */
	if (rename(t->tmp_path, final) != 0) {
		e = errno;
		log_err("cannot rename '%s' to '%s': %s", t->tmp_path, final,
			strerror(e));
		free(final);
		free(newdir);
		maildir_tmp_abort(t);
		return path_errno_status(e);
	}
	if (sync_dir)
		st = path_fsync_dir(newdir);
	free(newdir);
	tmp_release(t);
	if (st != MA_OK) {
		/* The message is there; only its durability is in doubt. */
		free(final);
		return st;
	}
	if (pathp != NULL)
		*pathp = final;
	else
		free(final);
	return MA_OK;
}

enum ma_status
maildir_sync(const char *dir)
{
	enum ma_status st;
	char *sub;

	if ((sub = path_fmt("%s/new", dir)) == NULL)
		return MA_ENOMEM;
	st = path_fsync_dir(sub);
	free(sub);
	if (st != MA_OK)
		return st;
	if ((sub = path_fmt("%s/cur", dir)) == NULL)
		return MA_ENOMEM;
	st = path_fsync_dir(sub);
	free(sub);
	return st;
}

enum ma_status
maildir_deliver(const char *dir, int fd, char **pathp)
{
	struct maildir_tmp t;
	enum ma_status st;
	char chunk[65536];
	ssize_t n;

	if ((st = maildir_tmp_open(dir, &t)) != MA_OK)
		return st;
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_err("cannot read message: %s", strerror(errno));
			maildir_tmp_abort(&t);
			return path_errno_status(errno);
		}
		if ((st = maildir_tmp_write(&t, chunk, (size_t)n)) != MA_OK) {
			maildir_tmp_abort(&t);
			return st;
		}
	}
	return maildir_tmp_commit(&t, true, pathp);
}

enum ma_status
maildir_deliver_mem(const char *dir, const void *p, size_t n, char **pathp)
{
	struct maildir_tmp t;
	enum ma_status st;

	if ((st = maildir_tmp_open(dir, &t)) != MA_OK)
		return st;
	if ((st = maildir_tmp_write(&t, p, n)) != MA_OK) {
		maildir_tmp_abort(&t);
		return st;
	}
	return maildir_tmp_commit(&t, true, pathp);
}

enum ma_status
maildir_base_name(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	size_t n = strcspn(name, ":");

	if (n + 1 > size)
		return MA_ETOOBIG;
	memcpy(buf, name, n);
	buf[n] = '\0';
	return MA_OK;
}

enum ma_status
maildir_move(const char *path, const char *dstdir, bool to_cur, bool sync,
	     char **newpathp)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	char *dst, *dstsub;
	enum ma_status st = MA_OK;

	if (!to_cur) {
		/* new/ holds no info suffix (maildir(5)). */
		char base[NAME_MAX_LEN + 1];

		if ((st = maildir_base_name(path, base, sizeof base)) != MA_OK)
			return st;
		dst = path_fmt("%s/new/%s", dstdir, base);
	} else if (strchr(name, ':') != NULL) {
		dst = path_fmt("%s/cur/%s", dstdir, name);
	} else {
		dst = path_fmt("%s/cur/%s:2,", dstdir, name);
	}
	dstsub = path_fmt("%s/%s", dstdir, to_cur ? "cur" : "new");
	if (dst == NULL || dstsub == NULL) {
		free(dst);
		free(dstsub);
		return MA_ENOMEM;
	}
	if (rename(path, dst) != 0) {
		int e = errno;

		log_err("cannot move '%s' to '%s': %s", path, dst, strerror(e));
		free(dst);
		free(dstsub);
		return path_errno_status(e);
	}
	if (sync) {
		st = path_fsync_dir(dstsub);
		if (st == MA_OK)
			st = path_fsync_parent(path);
	}
	free(dstsub);
	if (st != MA_OK) {
		free(dst);
		return st;
	}
	if (newpathp != NULL)
		*newpathp = dst;
	else
		free(dst);
	return MA_OK;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A scan holds at most this many names at once (a quarter more while it
 * reads): a folder of a million messages (an import of a decade's mbox,
 * a space's archive) is walked in windows of the next SCAN_WINDOW names
 * after the last one done, each window read from the folder again, so
 * that memory stays flat and the order is still the names' order.
 */
#define SCAN_WINDOW 65536

/*
 * The names read beyond a window before the buffer keeps its window
 * smallest. Small, so that a folder of 100,000 names and one of a
 * million both fill the buffer (the same peak); from the first trim on,
 * a name after the largest kept is not stored at all, so trims are few.
 */
#define SCAN_SLACK(w) ((w) / 4 + 1)

/* Free v[0..n), not v. */
static void
free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
}

/*
 * The next window of dir (open, rewound): up to window names of files
 * after *last (NULL: from the first), sorted, into names[0..*np); *more
 * when the folder held further ones.
 */
static enum ma_status
scan_window(DIR *d, const char *last, size_t window, char ***namesp, size_t *np,
	    size_t *capp, bool *more)
{
	char **names = *namesp;
	const char *cut = NULL; /* names[window - 1] once trimmed */
	size_t n = 0;
	struct dirent *de;

	*more = false;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    (last != NULL && strcmp(de->d_name, last) <= 0))
			continue;
		if (cut != NULL && strcmp(de->d_name, cut) > 0) {
			*more = true; /* a later window's */
			continue;
		}
		if (n == window + SCAN_SLACK(window)) {
			/* Keep the window's smallest: the rest come later. */
			qsort(names, n, sizeof *names, name_cmp);
			free_names(names + window, n - window);
			n = window;
			cut = names[n - 1];
			*more = true;
		}
		if (n == *capp) {
			char **v = array_grow(names, capp, n, sizeof *v, 256);

			if (v == NULL)
				goto nomem;
			*namesp = names = v;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto nomem;
		n++;
	}
	if (n > 1)
		qsort(names, n, sizeof *names, name_cmp);
	if (n > window) {
		free_names(names + window, n - window);
		n = window;
		*more = true;
	}
	*np = n;
	return MA_OK;
nomem:
	free_names(names, n);
	*np = 0;
	return MA_ENOMEM;
}

/* fn over names[0..n) of subdir; *r is what fn returned last. */
static enum ma_status
scan_names(const char *subdir, char **names, size_t n,
	   int (*fn)(const char *path, void *arg), void *arg, int *r)
{
	for (size_t i = 0; *r == 0 && i < n; i++) {
		char *path = path_fmt("%s/%s", subdir, names[i]);

		if (path == NULL)
			return MA_ENOMEM;
		*r = fn(path, arg);
		free(path);
	}
	return MA_OK;
}

enum ma_status
maildir_scan_window(const char *dir, const char *sub, size_t window,
		    int (*fn)(const char *path, void *arg), void *arg,
		    int *stopped)
{
	char **names = NULL, *last = NULL;
	size_t n = 0, cap = 0;
	enum ma_status st = MA_OK;
	bool more = true;
	char *subdir;
	DIR *d;
	int r = 0;

	if ((subdir = path_fmt("%s/%s", dir, sub)) == NULL)
		return MA_ENOMEM;
	if ((d = opendir(subdir)) == NULL) {
		int e = errno;

		free(subdir);
		if (e == ENOENT)
			return MA_OK;
		log_err("cannot open '%s/%s': %s", dir, sub, strerror(e));
		return path_errno_status(e);
	}
	while (st == MA_OK && r == 0 && more) {
		rewinddir(d);
		st = scan_window(d, last, window > 0 ? window : 1, &names, &n,
				 &cap, &more);
		if (st == MA_OK && n > 0)
			st = scan_names(subdir, names, n, fn, arg, &r);
		free(last);
		last = n > 0 ? names[n - 1] : NULL;
		if (n > 0)
			free_names(names, n - 1);
		n = 0;
	}
	free(last);
	free(names);
	closedir(d);
	free(subdir);
	if (stopped != NULL)
		*stopped = r;
	return st;
}

static enum ma_status
scan_sub(const char *dir, const char *sub,
	 int (*fn)(const char *path, void *arg), void *arg, int *stopped)
{
	return maildir_scan_window(dir, sub, SCAN_WINDOW, fn, arg, stopped);
}

enum ma_status
maildir_scan(const char *dir, const char *subdir,
	     int (*fn)(const char *path, void *arg), void *arg, int *stopped)
{
	enum ma_status st;
	int r = 0;

	if (stopped != NULL)
		*stopped = 0;
	if (subdir != NULL)
		return scan_sub(dir, subdir, fn, arg, stopped);
	if ((st = scan_sub(dir, "new", fn, arg, &r)) != MA_OK || r != 0) {
		if (stopped != NULL)
			*stopped = r;
		return st;
	}
	return scan_sub(dir, "cur", fn, arg, stopped);
}

enum ma_status
maildir_clean_tmp(const char *dir, long max_age)
{
	time_t now = time(NULL);
	struct dirent *de;
	char *tmp;
	DIR *d;

	if ((tmp = path_fmt("%s/tmp", dir)) == NULL)
		return MA_ENOMEM;
	if ((d = opendir(tmp)) == NULL) {
		free(tmp);
		return MA_OK;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat sb;
		char *p;

		if (de->d_name[0] == '.')
			continue;
		if ((p = path_fmt("%s/%s", tmp, de->d_name)) == NULL)
			break;
		if (lstat(p, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    now - sb.st_mtime > max_age) {
			log_info("removing stale temp file '%s'", p);
			unlink(p);
		}
		free(p);
	}
	closedir(d);
	free(tmp);
	return MA_OK;
}
