/*
 * A site file written in pieces (site.h: site_file_*()): an mbox, which
 * may hold more mail than memory, a message at a time.
 *
 * Over a published site most of them come out as they were: a full run
 * writes every thread's and month's mbox again, and an incremental run
 * writes those of the neighbours it touches for their links. Staging
 * each one to compare it afterwards made a file (an inode, on a disk
 * file system the most costly call of a run) and removed it again. So
 * the bytes are compared with the published file as they come, a buffer
 * at a time, and a staged file is only made where they first differ
 * (its first bytes copied from the published file, which held them) or
 * where the published file ends early or goes on. An unchanged file is
 * never staged nor touched; a changed one ends as site_put() leaves it.
 *
 * A file that only grows, all of its published bytes kept (a month's
 * mbox given new mail at its end, a conversation's given a reply), is
 * not copied: past SITE_APPEND_MIN kept bytes its new ones alone are
 * staged, in site_append_path(), and the commit appends them to the
 * published file (site_journal.c). Not a file with another name (a
 * backup's hard link), which would change too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "env.h"
#include "log.h"
#include "path.h"
#include "site.h"
#include "site_int.h"

/* Writes gather in buf (malloc'd on first use) up to SITE_FILE_BUF
 * bytes: an mbox is written a message at a time, one system call per
 * message otherwise. */
#define SITE_FILE_BUF ((size_t)64 << 10)

/* Bytes read from the published file at a time, to compare or copy. */
#define SITE_FILE_CHUNK ((size_t)32 << 10)

struct site_file {
	int fd;		  /* the staged file; -1 while comparing */
	int pub;	  /* the published file while comparing, else -1 */
	off_t same;	  /* bytes so far, equal to pub's first ones */
	off_t append_at;  /* staged: the bytes after these (-1: all) */
	char *rel, *path; /* path: NULL for an unnamed file (O_TMPFILE) */
	char *tail;	  /* where new bytes alone would be staged */
	const char *dir;  /* the site's: names an unnamed file in errors */
	char *buf;
	size_t len;
};

/* A write to f failed (errno): logged with the file's name. */
static void
file_write_failed(const struct site_file *f)
{
	int e = errno;

	if (f->path != NULL)
		log_err("cannot write '%s': %s", f->path, strerror(e));
	else
		log_err("cannot write '%s/%s': %s", f->dir, f->rel,
			strerror(e));
	errno = e;
}

/* f freed, the staged file (if any) left where it is. */
static void
file_free(struct site_file *f)
{
	if (f->pub >= 0)
		close(f->pub);
	if (f->fd >= 0)
		close(f->fd);
	free(f->rel);
	free(f->path);
	free(f->tail);
	free(f->buf);
	free(f);
}

void
site_file_abort(struct site_file *f)
{
	if (f == NULL)
		return;
	/* While comparing, nothing is staged (file_begin()). */
	if (f->path != NULL && (f->fd >= 0 || f->pub < 0))
		unlink(f->path);
	file_free(f);
}

static struct site_file *
file_new(const struct site *s, const char *rel)
{
	struct site_file *f = calloc(1, sizeof *f);

	if (f == NULL)
		return NULL;
	f->fd = -1;
	f->pub = -1;
	f->append_at = -1;
	f->dir = s->dir;
	if ((f->rel = strdup(rel)) == NULL) {
		free(f);
		return NULL;
	}
	return f;
}

/* site_file_open() in a first render: a new file in its folder. */
static enum ma_status
fresh_file_open(struct site *s, const char *rel, struct site_file **fp)
{
	struct site_file *f = file_new(s, rel);
	enum ma_status st;

	if (f == NULL)
		return MA_ENOMEM;
	if ((f->fd = site_fresh_create(s, rel, &f->path, &st)) < 0) {
		site_file_abort(f);
		return st;
	}
	*fp = f;
	return MA_OK;
}

/* The staged file, made now: f stops comparing and writes. */
static enum ma_status
file_stage(struct site_file *f)
{
	int e;

	if ((f->fd = site_create_staged(f->path)) >= 0)
		return MA_OK;
	e = errno;
	log_err("cannot create '%s': %s", f->path, strerror(e));
	return path_errno_status(e);
}

/* The kept bytes past which a file is appended to, not copied. */
static off_t
append_min(void)
{
	static off_t min;

	if (min == 0)
		min = (off_t)env_count("MAILARC_SITE_APPEND", SITE_APPEND_MIN,
				       SITE_APPEND_MIN);
	return min;
}

/* The published file ends where f's bytes, all of them equal so far,
 * go on: its new bytes alone are staged (f->tail), to be appended. */
static bool
file_appends(struct site_file *f, enum ma_status *st)
{
	struct stat sb;
	char *slash;
	int e;

	*st = MA_OK;
	/* A file with another name (a backup's hard link, rsnapshot's or
	 * cp -al's) would change under that name too: written whole, it
	 * gets an inode of its own. */
	if (f->tail == NULL || f->same < append_min() ||
	    fstat(f->pub, &sb) != 0 || sb.st_size != f->same ||
	    sb.st_nlink != 1)
		return false;
	if ((slash = strrchr(f->tail, '/')) != NULL) {
		*slash = '\0';
		*st = path_mkdir_p(f->tail, 0755);
		*slash = '/';
		if (*st != MA_OK)
			return true;
	}
	free(f->path);
	f->path = f->tail; /* what an abort removes */
	f->tail = NULL;
	if ((f->fd = site_create_staged(f->path)) < 0) {
		e = errno;
		log_err("cannot create '%s': %s", f->path, strerror(e));
		*st = path_errno_status(e);
		return true;
	}
	f->append_at = f->same;
	close(f->pub);
	f->pub = -1;
	return true;
}

/* Whether the published file holds p (n bytes) where f has come to. */
static bool
pub_holds(const struct site_file *f, const char *p, size_t n)
{
	char chunk[SITE_FILE_CHUNK];

	for (size_t off = 0; off < n;) {
		size_t k = n - off < sizeof chunk ? n - off : sizeof chunk;

		if (path_pread_all(f->pub, chunk, k, f->same + (off_t)off) !=
			(ssize_t)k ||
		    memcmp(chunk, p + off, k) != 0)
			return false;
		off += k;
	}
	return true;
}

/*
 * The bytes differ from the published file's from f->same on: the
 * staged file is made and given the first f->same bytes, which the
 * published file holds (they compared equal); the comparing ends.
 */
static enum ma_status
file_diverge(struct site_file *f)
{
	enum path_copy c;
	enum ma_status st;

	if (file_appends(f, &st))
		return st;
	/* In the kernel where it can: an mbox changed near its end keeps
	 * most of its bytes. */
	st = file_stage(f);
	c = st == MA_OK ? path_copy_range(f->pub, 0, f->fd, NULL, f->same)
			: PATH_COPY_OK;
	if (c == PATH_COPY_WRITE) {
		st = path_errno_status(errno);
		file_write_failed(f);
	} else if (c == PATH_COPY_READ) {
		log_err("cannot read '%s/%s': %s", f->dir, f->rel,
			strerror(errno));
		st = MA_EIO;
	} else if (c == PATH_COPY_SHORT) {
		/* Read a moment ago: the site changed under us. */
		log_err("'%s/%s' became shorter while this run read it", f->dir,
			f->rel);
		st = MA_EIO;
	}
	close(f->pub);
	f->pub = -1;
	return st;
}

/* How many of p's n bytes the published file holds where f has come to
 * when it ends among them (so far f only adds to it: file_appends()
 * may take it); else 0. */
static size_t
pub_ends_in(const struct site_file *f, const char *p, size_t n)
{
	struct stat sb;
	size_t rest;

	if (fstat(f->pub, &sb) != 0 || sb.st_size <= f->same ||
	    sb.st_size - f->same >= (off_t)n)
		return 0;
	rest = (size_t)(sb.st_size - f->same);
	return pub_holds(f, p, rest) ? rest : 0;
}

/* n bytes at p, the next of f: compared while they match, else written. */
static enum ma_status
file_out(struct site_file *f, const char *p, size_t n)
{
	enum ma_status st;
	size_t k;

	if (n == 0)
		return MA_OK;
	if (f->pub >= 0 && pub_holds(f, p, n)) {
		f->same += (off_t)n;
		return MA_OK;
	}
	if (f->pub >= 0) {
		/* A thread's mbox given a reply: written from its start, it
		 * goes on where the published file ends. */
		k = pub_ends_in(f, p, n);
		f->same += (off_t)k;
		p += k;
		n -= k;
		if ((st = file_diverge(f)) != MA_OK)
			return st;
	}
	st = path_write_all(f->fd, p, n);
	if (st != MA_OK)
		file_write_failed(f);
	return st;
}

/* Write out what buf holds. */
static enum ma_status
file_flush(struct site_file *f)
{
	enum ma_status st = file_out(f, f->buf, f->len);

	f->len = 0;
	return st;
}

/* Compare with what rel's published file holds, if the site has one of
 * ours; else stage at once. */
static enum ma_status
file_begin(struct site *s, struct site_file *f)
{
	struct stat sb;
	char *final;

	/* A version to be appended, from earlier in this run, is replaced
	 * by this one. */
	site_ops_drop_append(s, f->rel);
	if (s->empty)
		return file_stage(f);
	if ((final = site_final_path(s, f->rel)) == NULL)
		return MA_ENOMEM;
	f->pub = open(final, O_RDONLY | O_CLOEXEC);
	free(final);
	if (f->pub >= 0 && (fstat(f->pub, &sb) != 0 || !S_ISREG(sb.st_mode))) {
		close(f->pub);
		f->pub = -1;
	}
	if (f->pub < 0)
		return file_stage(f);
	if ((f->tail = site_append_path(s, f->rel)) == NULL)
		return MA_ENOMEM;
	/* A version staged earlier in this run is replaced by this one,
	 * which may come out as the published file: then neither stays. */
	if (site_ops_any(s) && unlink(f->path) != 0 && errno != ENOENT) {
		int e = errno;

		log_err("cannot remove '%s': %s", f->path, strerror(e));
		return path_errno_status(e);
	}
	return MA_OK;
}

enum ma_status
site_file_open(struct site *s, const char *rel, struct site_file **fp)
{
	struct site_file *f;
	enum ma_status st;

	if ((st = site_check_rel(rel)) != MA_OK)
		return st;
	if (s->fresh)
		return fresh_file_open(s, rel, fp);
	if ((st = site_make_parents(s, rel)) != MA_OK)
		return st;
	if ((f = file_new(s, rel)) == NULL ||
	    (f->path = site_stage_path(s, rel)) == NULL) {
		site_file_abort(f);
		return MA_ENOMEM;
	}
	/* A removal of rel noted earlier in this run is off: rel stays. */
	site_ops_forget(s, rel);
	if ((st = file_begin(s, f)) != MA_OK) {
		site_file_abort(f);
		return st;
	}
	*fp = f;
	return MA_OK;
}

enum ma_status
site_file_write(struct site_file *f, const void *p, size_t n)
{
	enum ma_status st;

	if (f->len + n > SITE_FILE_BUF && (st = file_flush(f)) != MA_OK)
		return st;
	if (f->buf == NULL && n < SITE_FILE_BUF)
		f->buf = malloc(SITE_FILE_BUF); /* NULL: unbuffered */
	if (f->buf != NULL && n < SITE_FILE_BUF) {
		memcpy(f->buf + f->len, p, n);
		f->len += n;
		return MA_OK;
	}
	return file_out(f, p, n);
}

bool
site_file_keep(struct site_file *f, const char *end)
{
	size_t n = strlen(end);
	struct stat sb;
	char tail[16];

	if (f->pub < 0 || f->same != 0 || f->len != 0 || n > sizeof tail ||
	    fstat(f->pub, &sb) != 0 || sb.st_size < (off_t)n ||
	    path_pread_all(f->pub, tail, n, sb.st_size - (off_t)n) !=
		(ssize_t)n ||
	    memcmp(tail, end, n) != 0)
		return false;
	f->same = sb.st_size;
	return true;
}

/* Whether the published file ends where f's bytes did. */
static bool
pub_ends(const struct site_file *f)
{
	char c;

	return path_pread_all(f->pub, &c, 1, f->same) == 0;
}

enum ma_status
site_file_commit(struct site *s, struct site_file *f)
{
	enum ma_status st;
	int e;

	if ((st = file_flush(f)) != MA_OK) {
		site_file_abort(f);
		return st;
	}
	if (s->fresh) {
		/* Not compared with a killed run's version: rewritten. */
		st = site_fresh_place(s, f->rel, f->fd, f->path);
		f->fd = -1;
		f->path = NULL; /* taken */
		if (st == MA_OK)
			st = site_note_written(s, f->rel);
		file_free(f);
		return st;
	}
	/* Unchanged (a thread's mbox in a full run): the published file
	 * stays, and is not reported as written. */
	if (f->pub >= 0 && pub_ends(f)) {
		st = site_remember(s, f->rel);
		file_free(f);
		return st;
	}
	if (f->pub >= 0 && (st = file_diverge(f)) != MA_OK) {
		site_file_abort(f);
		return st;
	}
	if (close(f->fd) != 0) {
		e = errno;
		f->fd = -1;
		log_err("cannot write '%s': %s", f->path, strerror(e));
		site_file_abort(f);
		return path_errno_status(e);
	}
	f->fd = -1;
	st = f->append_at >= 0 ? site_ops_note_append(s, f->rel, f->append_at)
			       : site_ops_note(s, f->rel, false);
	if (st != MA_OK) {
		site_file_abort(f);
		return st;
	}
	st = site_note_written(s, f->rel);
	file_free(f); /* staged: stays for the commit */
	return st;
}
