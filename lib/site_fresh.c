/*
 * The first render of a site: every file straight into its place.
 *
 * The staged commit of site_journal.c exists to keep a published site
 * whole for its readers. A site that was never published has no readers
 * to protect: no index.html, and none of our files yet (or only those a
 * killed first render left, which its marker says). For it the staging
 * folder, the journal and the stubs are pure cost: a staged write, a
 * stub link and two renames per new page, some 80,000 system calls at
 * 10,000 messages. So a first render writes each file as an unnamed
 * O_TMPFILE inode in its own folder and links it into place whole
 * (linkat(2): a reader, or a kill, never meets half a file, and a kill
 * leaves no temp file), or, where the file system has no O_TMPFILE, as a
 * hidden temp file renamed into place. Only index.html, the one address
 * readers start from, is held back: at the end everything is made
 * durable, then index.html is linked and synced, then the marker goes.
 *
 * A kill or a failure at any point before index.html leaves a site
 * without index.html and with the marker SITE/.render-first, so the next
 * run takes it for a first render again: it rewrites what differs,
 * leaves what is already right, and its site_gc() removes what it does
 * not produce (a killed run's leftovers). After index.html is linked the
 * site is complete and durable; a stale marker beside it is removed by
 * the next site_open(). A site without index.html that holds files of
 * ours but no marker (a published site whose index.html was removed by
 * hand) is not a first render: it gets the staged commit, with all its
 * guarantees.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "log.h"
#include "path.h"
#include "site_int.h"

/* The top-level page, published last. */
#define SITE_TOP "index.html"

/* The names of the probe and of the fallback temp files (hidden: never a
 * name of the site; site_gc() removes a killed run's leftovers below the
 * top level, and site_fresh_begin() those at the top). */
#define SITE_FRESH_PROBE ".render-first-probe"
#define SITE_FRESH_TMP	 ".render-first-tmp"

/* Whether a name at the top level of a site is one of ours. */
static bool
top_ours(const char *name)
{
	return site_owns(name) || strcmp(name, "search") == 0 ||
	       strcmp(name, "search.html") == 0;
}

/* Whether the top level of dir holds a name of ours. */
static bool
holds_ours(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool ours = false;

	if (d == NULL)
		return errno != ENOENT; /* unreadable: assume the worst */
	while (!ours && (de = readdir(d)) != NULL)
		ours = top_ours(de->d_name);
	closedir(d);
	return ours;
}

bool
site_fresh_wanted(const char *dir)
{
	char *top = path_fmt("%s/%s", dir, SITE_TOP);
	char *mark = path_fmt("%s/%s", dir, SITE_FRESH_MARK);
	bool fresh = false;

	if (top == NULL || mark == NULL)
		goto out;
	if (path_exists(top)) {
		/* Published: a marker left by a run killed after it linked
		 * index.html is stale. */
		unlink(mark);
		goto out;
	}
	fresh = path_exists(mark) || !holds_ours(dir);
out:
	free(top);
	free(mark);
	return fresh;
}

/* Whether O_TMPFILE and linkat(2) through /proc work in the site. */
static bool
tmpfile_works(struct site *s)
{
	char proc[64];
	int fd = openat(s->dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
	bool ok;
	int n;

	if (fd < 0)
		return false;
	n = snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	unlinkat(s->dirfd, SITE_FRESH_PROBE, 0);
	ok = n > 0 && (size_t)n < sizeof proc &&
	     linkat(AT_FDCWD, proc, s->dirfd, SITE_FRESH_PROBE,
		    AT_SYMLINK_FOLLOW) == 0;
	if (ok)
		unlinkat(s->dirfd, SITE_FRESH_PROBE, 0);
	close(fd);
	return ok;
}

/* Remove the temp files a killed first render left at the top level
 * (site_gc() removes those below it, as files the run did not write). */
static void
sweep_top_temps(struct site *s)
{
	int fd = openat(s->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, SITE_FRESH_TMP,
			    strlen(SITE_FRESH_TMP)) == 0)
			unlinkat(s->dirfd, de->d_name, 0);
	closedir(d);
}

enum ma_status
site_fresh_begin(struct site *s)
{
	bool existed;
	int fd, e;

	s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0) {
		e = errno;
		log_err("cannot open '%s': %s", s->dir, strerror(e));
		return path_errno_status(e);
	}
	/* Not synced: if it is lost, the next run takes the leftovers for
	 * a published site and commits through the journal (slower, as
	 * right). */
	existed = faccessat(s->dirfd, SITE_FRESH_MARK, F_OK,
			    AT_SYMLINK_NOFOLLOW) == 0;
	fd = openat(s->dirfd, SITE_FRESH_MARK,
		    O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		e = errno;
		log_err("cannot create '%s/%s': %s", s->dir, SITE_FRESH_MARK,
			strerror(e));
		close(s->dirfd);
		s->dirfd = -1;
		return path_errno_status(e);
	}
	close(fd);
	/* Nothing of ours there, nor a killed first render's marker: every
	 * file is new, none needs comparing with what is there. */
	s->empty = !existed && !holds_ours(s->dir);
	sweep_top_temps(s);
	s->tmpfile = tmpfile_works(s);
	s->fresh = true;
	log_info("first render of '%s': writing straight into place", s->dir);
	return MA_OK;
}

/* mkdir -p of the folder sub of the site (relative), without the cache. */
static enum ma_status
make_dir(struct site *s, const char *sub)
{
	const char *slash;
	enum ma_status st;
	char *up;
	int e;

	if (mkdirat(s->dirfd, sub, 0755) == 0 || errno == EEXIST)
		return MA_OK;
	e = errno;
	if (e == ENOENT && (slash = strrchr(sub, '/')) != NULL) {
		if ((up = strndup(sub, (size_t)(slash - sub))) == NULL)
			return MA_ENOMEM;
		st = make_dir(s, up); /* depth: the site's own layout */
		free(up);
		if (st != MA_OK)
			return st;
		if (mkdirat(s->dirfd, sub, 0755) == 0 || errno == EEXIST)
			return MA_OK;
		e = errno;
	}
	log_err("cannot create '%s/%s': %s", s->dir, sub, strerror(e));
	return path_errno_status(e);
}

/* The folder that holds rel, made once per run; NULL sub: the top. */
static enum ma_status
parent_of(struct site *s, const char *rel, char **subp)
{
	const char *slash = strrchr(rel, '/');
	enum ma_status st;
	char *sub;

	*subp = NULL;
	if (slash == NULL)
		return MA_OK;
	if ((sub = strndup(rel, (size_t)(slash - rel))) == NULL)
		return MA_ENOMEM;
	if (!g_hash_table_contains(s->dirs, sub)) {
		char *key = NULL;

		if ((st = make_dir(s, sub)) != MA_OK ||
		    (key = strdup(sub)) == NULL) {
			free(sub);
			return st != MA_OK ? st : MA_ENOMEM;
		}
		g_hash_table_add(s->dirs, key);
	}
	*subp = sub;
	return MA_OK;
}

/*
 * A new unnamed file in the folder of rel (made if missing), or, without
 * O_TMPFILE, a hidden temp file there (*tmpp, malloc'd). -1: logged.
 */
static int
create_in(struct site *s, const char *rel, char **tmpp, enum ma_status *stp)
{
	char *sub = NULL, *tmp = NULL;
	int fd = -1, e = 0;

	*tmpp = NULL;
	if ((*stp = parent_of(s, rel, &sub)) != MA_OK)
		return -1;
	if (s->tmpfile) {
		fd = openat(s->dirfd, sub != NULL ? sub : ".",
			    O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
		if (fd < 0 && errno == ENOENT && sub != NULL &&
		    make_dir(s, sub) == MA_OK)
			fd = openat(s->dirfd, sub,
				    O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
		e = errno;
	} else {
		tmp = path_fmt("%s/%s/%s.XXXXXX", s->dir,
			       sub != NULL ? sub : ".", SITE_FRESH_TMP);
		if (tmp == NULL) {
			free(sub);
			*stp = MA_ENOMEM;
			return -1;
		}
		fd = mkostemp(tmp, O_CLOEXEC);
		e = errno;
		if (fd >= 0 && fchmod(fd, s->file_mode) != 0) {
			e = errno;
			close(fd);
			unlink(tmp);
			fd = -1;
		}
	}
	if (fd < 0) {
		log_err("cannot create a file in '%s/%s': %s", s->dir,
			sub != NULL ? sub : ".", strerror(e));
		*stp = path_errno_status(e);
		free(tmp);
		tmp = NULL;
	}
	free(sub);
	*tmpp = tmp;
	return fd;
}

/* Give the written file fd (temp name tmp, or unnamed) the name rel,
 * replacing what was there. */
static enum ma_status
name_it(struct site *s, const char *rel, int fd, const char *tmp)
{
	char proc[64];
	int n, e;

	if (tmp != NULL) {
		if (renameat(AT_FDCWD, tmp, s->dirfd, rel) == 0)
			return MA_OK;
		e = errno;
		log_err("cannot rename '%s' to '%s/%s': %s", tmp, s->dir, rel,
			strerror(e));
		return path_errno_status(e);
	}
	n = snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	if (n < 0 || (size_t)n >= sizeof proc)
		return MA_ETOOBIG;
	/* A killed run's version (or this run's: written twice) goes
	 * first: nothing reads this site yet. */
	for (int tries = 0; tries < 2; tries++) {
		if (linkat(AT_FDCWD, proc, s->dirfd, rel, AT_SYMLINK_FOLLOW) ==
		    0)
			return MA_OK;
		if (errno != EEXIST || unlinkat(s->dirfd, rel, 0) != 0)
			break;
	}
	e = errno;
	log_err("cannot create '%s/%s': %s", s->dir, rel, strerror(e));
	return path_errno_status(e);
}

/* Drop the held-back index.html. */
static void
drop_held(struct site *s)
{
	if (s->held_fd >= 0)
		close(s->held_fd);
	if (s->held_tmp != NULL)
		unlink(s->held_tmp);
	free(s->held_tmp);
	s->held_fd = -1;
	s->held_tmp = NULL;
}

/*
 * Publish the written file fd as rel (takes fd and tmp): index.html is
 * held back for site_fresh_close(), which syncs everything at once.
 */
static enum ma_status
place(struct site *s, const char *rel, int fd, char *tmp)
{
	enum ma_status st = MA_OK;
	int e;

	if (strcmp(rel, SITE_TOP) == 0) {
		drop_held(s);
		s->held_fd = fd;
		s->held_tmp = tmp;
		return MA_OK;
	}
	st = name_it(s, rel, fd, tmp);
	if (close(fd) != 0 && st == MA_OK) {
		e = errno;
		log_err("cannot write '%s/%s': %s", s->dir, rel, strerror(e));
		st = path_errno_status(e);
	}
	if (st != MA_OK && tmp != NULL)
		unlink(tmp);
	free(tmp);
	if (st == MA_OK && s->out != NULL)
		fprintf(s->out, "%s/%s%c", s->dir, rel, s->sep);
	return st;
}

enum ma_status
site_fresh_put(struct site *s, const char *rel, const void *data, size_t len)
{
	enum ma_status st;
	char *tmp;
	int fd = create_in(s, rel, &tmp, &st), e;

	if (fd < 0)
		return st;
	if ((st = path_write_all(fd, data, len)) != MA_OK) {
		e = errno;
		log_err("cannot write '%s/%s': %s", s->dir, rel, strerror(e));
		close(fd);
		if (tmp != NULL)
			unlink(tmp);
		free(tmp);
		return st;
	}
	return place(s, rel, fd, tmp);
}

enum ma_status
site_fresh_link(struct site *s, const char *rel, const char *src)
{
	char *sub = NULL;
	enum ma_status st;

	if ((st = parent_of(s, rel, &sub)) != MA_OK)
		return st;
	free(sub);
	for (int tries = 0; tries < 2; tries++) {
		if (linkat(AT_FDCWD, src, s->dirfd, rel, 0) == 0) {
			if (s->out != NULL)
				fprintf(s->out, "%s/%s%c", s->dir, rel, s->sep);
			return MA_OK;
		}
		if (errno != EEXIST || unlinkat(s->dirfd, rel, 0) != 0)
			break;
	}
	return MA_EIO; /* not logged: the caller copies instead */
}

int
site_fresh_create(struct site *s, const char *rel, char **tmpp,
		  enum ma_status *stp)
{
	return create_in(s, rel, tmpp, stp);
}

enum ma_status
site_fresh_place(struct site *s, const char *rel, int fd, char *tmp)
{
	return place(s, rel, fd, tmp);
}

/* The folders above rel that are now empty removed, as a commit does
 * (site.c), up to but not including a top-level folder. */
static void
drop_emptied(struct site *s, const char *rel)
{
	char *sub = strdup(rel), *slash;

	while (sub != NULL && (slash = strrchr(sub, '/')) != NULL) {
		*slash = '\0';
		if (strchr(sub, '/') == NULL ||
		    unlinkat(s->dirfd, sub, AT_REMOVEDIR) != 0)
			break;
		g_hash_table_remove(s->dirs, sub);
	}
	free(sub);
}

enum ma_status
site_fresh_remove(struct site *s, const char *rel)
{
	int e;

	if (strcmp(rel, SITE_TOP) == 0)
		drop_held(s);
	if (unlinkat(s->dirfd, rel, 0) == 0) {
		drop_emptied(s, rel);
		return MA_OK;
	}
	if (errno == ENOENT)
		return MA_OK;
	e = errno;
	log_err("cannot remove '%s/%s': %s", s->dir, rel, strerror(e));
	return path_errno_status(e);
}

/* Deeper first (more '/'), so that a folder comes after those in it. */
static gint
deeper_first(gconstpointer a, gconstpointer b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t nx = 0, ny = 0;

	for (; *x; x++)
		nx += *x == '/';
	for (; *y; y++)
		ny += *y == '/';
	return nx == ny ? 0 : nx > ny ? -1 : 1;
}

enum ma_status
site_fresh_gc(struct site *s)
{
	GHashTable *all =
	    g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	GPtrArray *v = g_ptr_array_new();
	GHashTableIter it;
	gpointer k;
	enum ma_status st = MA_OK;

	/* The folders made, and those above them (made on the way). */
	g_hash_table_iter_init(&it, s->dirs);
	while (st == MA_OK && g_hash_table_iter_next(&it, &k, NULL)) {
		char *d;

		if (g_hash_table_contains(all, k))
			continue;
		if ((d = strdup(k)) == NULL) {
			st = MA_ENOMEM;
			break;
		}
		g_hash_table_add(all, d);
		site_note_parents(all, d, 1);
	}
	g_hash_table_iter_init(&it, all);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		const char *slash = strchr(k, '/');
		char top[8];
		size_t n =
		    slash != NULL ? (size_t)(slash - (char *)k) : strlen(k);

		/* Only folders of ours, as site_gc() walks them. */
		if (n < sizeof top) {
			memcpy(top, k, n);
			top[n] = '\0';
			if (site_owns(top))
				g_ptr_array_add(v, k);
		}
	}
	g_ptr_array_sort(v, deeper_first);
	/* Fails, harmlessly, when not empty. */
	for (guint i = 0; i < v->len && st == MA_OK; i++)
		unlinkat(s->dirfd, v->pdata[i], AT_REMOVEDIR);
	g_ptr_array_free(v, TRUE);
	g_hash_table_destroy(all);
	return st;
}

bool
site_fresh_held(const struct site *s, const char *rel)
{
	return s->held_fd >= 0 && strcmp(rel, SITE_TOP) == 0;
}

void
site_fresh_defer_list(struct site *s)
{
	if (!s->fresh || s->listing != NULL)
		return;
	s->listing = s->out;
	s->out = NULL;
}

/*
 * What is below the folder path (len bytes of a buffer of PATH_MAX, "" for
 * the top) printed and counted into *np: every file of ours but
 * index.html (hidden names are temp files and marks). Folders are at most
 * four deep (t/HH/NAME.html, search/MONTH.GEN/...): the recursion is
 * bounded by the site's own layout.
 */
static enum ma_status
list_below(struct site *s, int dfd, char *path, size_t len, size_t *np)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	enum ma_status st = MA_OK;
	int e;

	if (d == NULL) {
		e = errno;
		close(dfd);
		log_err("cannot read '%s/%s': %s", s->dir, path, strerror(e));
		return path_errno_status(e);
	}
	while (st == MA_OK && (errno = 0, de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name), at = len;
		bool dir = de->d_type == DT_DIR;
		struct stat sb;
		int sub;

		if (de->d_name[0] == '.' ||
		    (len == 0 && (!top_ours(de->d_name) ||
				  strcmp(de->d_name, SITE_TOP) == 0)))
			continue;
		if (len + n + 2 > PATH_MAX)
			continue; /* never one of ours */
		if (de->d_type == DT_UNKNOWN) {
			if (fstatat(dirfd(d), de->d_name, &sb,
				    AT_SYMLINK_NOFOLLOW) != 0)
				continue; /* gone meanwhile */
			dir = S_ISDIR(sb.st_mode);
		}
		if (at > 0)
			path[at++] = '/';
		memcpy(path + at, de->d_name, n + 1);
		if (!dir) {
			fprintf(s->listing, "%s/%s%c", s->dir, path, s->sep);
			(*np)++;
			continue;
		}
		sub = openat(dirfd(d), de->d_name,
			     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub < 0) {
			e = errno;
			log_err("cannot read '%s/%s': %s", s->dir, path,
				strerror(e));
			st = path_errno_status(e);
			break;
		}
		st = list_below(s, sub, path, at + n, np);
	}
	if (st == MA_OK && de == NULL && errno != 0) {
		e = errno;
		log_err("cannot read '%s/%s': %s", s->dir, path, strerror(e));
		st = path_errno_status(e);
	}
	closedir(d);
	path[len] = '\0';
	return st;
}

enum ma_status
site_fresh_list(struct site *s)
{
	char path[PATH_MAX] = "";
	size_t n = 0;
	enum ma_status st = MA_OK;
	int fd;

	if (s->listing == NULL)
		return MA_OK;
	if ((fd = dup(s->dirfd)) < 0) {
		int e = errno;

		log_err("cannot read '%s': %s", s->dir, strerror(e));
		st = path_errno_status(e);
	} else {
		st = list_below(s, fd, path, 0, &n);
	}
	s->out = s->listing;
	s->listing = NULL;
	/* And index.html, printed once published. */
	if (st == MA_OK)
		s->nwritten = n + (s->held_fd >= 0 ? 1 : 0);
	return st;
}

/* Make what the run wrote durable: one syncfs(2) (a first render writes
 * the whole site; a few files are rare, and cheap to sync anyway). */
static enum ma_status
sync_written(struct site *s)
{
	int e;

	if (syncfs(s->dirfd) == 0)
		return MA_OK;
	e = errno;
	log_err("cannot sync '%s': %s", s->dir, strerror(e));
	return path_errno_status(e);
}

enum ma_status
site_fresh_close(struct site *s, bool commit)
{
	enum ma_status st = MA_OK;
	int fd = s->held_fd, e;

	if (!commit) {
		drop_held(s);
		log_notice("the first render of '%s' stopped before it was "
			   "published: the next run finishes it",
			   s->dir);
		goto out;
	}
	if ((st = sync_written(s)) != MA_OK)
		goto failed;
	if (fd >= 0) {
		/* Whole and durable before its name makes the site
		 * complete. */
		if (fsync(fd) != 0) {
			e = errno;
			log_err("cannot sync '%s/%s': %s", s->dir, SITE_TOP,
				strerror(e));
			st = path_errno_status(e);
			goto failed;
		}
		if ((st = name_it(s, SITE_TOP, fd, s->held_tmp)) != MA_OK)
			goto failed;
		free(s->held_tmp);
		s->held_tmp = NULL; /* renamed: not to be unlinked */
		if (fsync(s->dirfd) != 0) {
			e = errno;
			log_err("cannot sync '%s': %s", s->dir, strerror(e));
			st = path_errno_status(e);
			goto failed;
		}
		if (s->out != NULL)
			fprintf(s->out, "%s/%s%c", s->dir, SITE_TOP, s->sep);
	}
	drop_held(s);
	unlinkat(s->dirfd, SITE_FRESH_MARK, 0);
	goto out;
failed:
	drop_held(s);
	log_err("the first render of '%s' was not published (%s): the next "
		"run finishes it",
		s->dir, ma_strstatus(st));
out:
	close(s->dirfd);
	s->dirfd = -1;
	return st;
}
