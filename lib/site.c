/*
 * Publishing files into the site folder, and the stylesheet.
 *
 * A run stages, then commits. While it renders, every file it writes goes
 * into SITE/.render-next/REL (the same file system, so a rename publishes
 * it) and every removal is only recorded: a kill or a full disk at that
 * point leaves the published site exactly as it was, and the next run
 * sweeps the staging folder. site_close() then commits:
 *
 *   1. the staged files and their folders are made durable;
 *   2. a journal of the steps below (SITE/.render-next/.journal) is
 *      written beside them and made durable;
 *   3. the journal is carried out, in its order:
 *      P  files that link to nothing (attachments, .eml, .mbox, .css)
 *         are renamed into place;
 *      S  each page (.html, .atom) that does not exist yet gets a stub:
 *         a small page without a single link, hard-linked into place;
 *      P  the pages are renamed into place over their stub or their old
 *         version: message pages, conversations, months, the top level;
 *      R  the files to remove are unlinked, and folders left empty;
 *   4. the folders changed are synced and the journal removed.
 *
 * Why no local link ever points at a missing file, at any instant: let F
 * be the site the run produces (the old files, minus those removed, plus
 * those staged), in which every link resolves. Until step R nothing is
 * removed, so every file that existed before the run still exists, and
 * old pages keep all their targets. A stub links nowhere. A page renamed
 * in step P links only into F, and every file of F exists by then: old
 * ones were never removed, new leaves came first, new pages have their
 * stub (or their final version). Step R removes only files outside F, to
 * which no page of F links, and every page is of F by then. Each step is
 * one rename(2), link(2) or unlink(2), atomic for readers. Pages that
 * link to each other while both are new (a new message and its new
 * conversation) are the reason for the stubs: with one rename at a time,
 * one of them would otherwise be published before the other exists.
 *
 * A run that finds a journal carries it out first (each step can be done
 * twice: a staged file that is gone was published already), so a kill or
 * a failure during step 3 is finished by the next run. Cost: one staged
 * write per changed file, two renames or links per new page and one
 * journal line per step, never a walk of the whole site.
 *
 * glib's hash tables (glib comes with gmime) hold the paths a run wrote
 * and the folders it made; a hand-rolled table would add code, not value.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "log.h"
#include "path.h"
#include "site.h"

/* The staging folder, and the journal and stubs at its top (names that
 * no file of the site has there: the site's own top level starts with a
 * letter or digit). */
#define SITE_STAGE	  ".render-next"
#define SITE_JOURNAL	  ".journal"
#define SITE_JOURNAL_TMP  ".journal.tmp"
#define SITE_JOURNAL_HEAD "mailarc-publish 1"
#define SITE_JOURNAL_END  "end"

/* Left by versions that renamed each file into place as it was written:
 * a marker of a run in progress and temp files beside their pages. */
#define SITE_MARK	".render-running"
#define SITE_TMP_PREFIX ".render."

/* Stubs: complete, tiny, and without a single link (the refresh has no
 * URL: the browser reloads the same address). */
static const char stub_html[] =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width\">"
    "<meta name=\"robots\" content=\"noindex\">"
    "<meta http-equiv=\"refresh\" content=\"3\">"
    "<title>Being published</title></head>\n<body><p>This page is being "
    "published: it will be here in a moment.</p></body></html>\n";
static const char stub_atom[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Being published"
    "</title><id>urn:mailarc:being-published</id>"
    "<updated>1970-01-01T00:00:00Z</updated></feed>\n";

/* One pending change of the published site. */
struct op {
	char *rel;
	unsigned long seq; /* order of the first change: runs repeat */
	bool remove;	   /* else: publish the staged file */
};

struct site {
	char *dir;
	char *stage;
	FILE *out;
	char sep;
	GHashTable *written; /* rel path -> itself (owned) */
	GHashTable *dirs;    /* staging folders made (owned keys) */
	GHashTable *ops;     /* rel path -> struct op (owned) */
	GHashTable *synced;  /* published folders changed (owned keys) */
	unsigned long seq;
	size_t nwritten;
	unsigned nstub; /* stub inodes made (EMLINK starts a new one) */
};

static void
op_free(void *p)
{
	struct op *op = p;

	free(op->rel);
	free(op);
}

/* Remove the temp files an older version's killed run left, anywhere in
 * the site (once: the marker goes with them). */
static void
sweep_temps(const char *dir)
{
	GPtrArray *todo = g_ptr_array_new_with_free_func(free);

	g_ptr_array_add(todo, strdup(dir));
	while (todo->len > 0) {
		char *d = g_ptr_array_steal_index(todo, todo->len - 1);
		struct dirent *de;
		DIR *dh = d != NULL ? opendir(d) : NULL;

		while (dh != NULL && (de = readdir(dh)) != NULL) {
			char *p;

			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0 ||
			    strcmp(de->d_name, SITE_STAGE) == 0)
				continue;
			if ((p = path_fmt("%s/%s", d, de->d_name)) == NULL)
				continue;
			if (de->d_type == DT_DIR) {
				g_ptr_array_add(todo, p);
				continue;
			}
			if (strncmp(de->d_name, SITE_TMP_PREFIX,
				    strlen(SITE_TMP_PREFIX)) == 0)
				unlink(p);
			free(p);
		}
		if (dh != NULL)
			closedir(dh);
		free(d);
	}
	g_ptr_array_free(todo, TRUE);
}

/* A page may link to other files; anything else links to nothing. */
static bool
is_page(const char *rel)
{
	size_t n = strlen(rel);

	return (n > 5 && strcmp(rel + n - 5, ".html") == 0) ||
	       (n > 5 && strcmp(rel + n - 5, ".atom") == 0);
}

/* The order pages are published in: the most linked-to last, so that a
 * reader meets a stub as seldom as can be (correctness does not depend
 * on it). Messages, then conversations, then months, then the top. */
static int
page_rank(const char *rel)
{
	const char *slash = strchr(rel, '/');

	if (slash == NULL)
		return 3;
	if (slash - rel == 1 && rel[0] == 'm')
		return 0;
	if (slash - rel == 1 && rel[0] == 't')
		return 1;
	return 2;
}

/* Our own names only: relative, no "." or ".." step, no newline (the
 * journal is one step a line), no hidden name at the top. */
static enum ma_status
check_rel(const char *rel)
{
	const char *p = rel;

	if (rel[0] == '\0' || rel[0] == '/' || rel[0] == '.' ||
	    strchr(rel, '\n') != NULL)
		goto bad;
	while (p != NULL) {
		const char *end = strchr(p, '/');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			goto bad;
		p = end != NULL ? end + 1 : NULL;
	}
	return MA_OK;
bad:
	log_err("refusing to publish '%s': not a name inside the site", rel);
	return MA_EDATA;
}

static char *
stage_path(const struct site *s, const char *rel)
{
	return path_fmt("%s/%s", s->stage, rel);
}

static char *
final_path(const struct site *s, const char *rel)
{
	return path_fmt("%s/%s", s->dir, rel);
}

/*
 * Add to set every folder above path whose name is at least root bytes
 * long: the folder that holds it and those above, up to the top one. A
 * folder made by a run is durable only once the one holding it is synced.
 */
static void
note_parents(GHashTable *set, const char *path, size_t root)
{
	char *d = strdup(path), *slash;

	while (d != NULL && (slash = strrchr(d, '/')) != NULL &&
	       (size_t)(slash - d) >= root) {
		*slash = '\0';
		if (g_hash_table_contains(set, d))
			break;
		g_hash_table_add(set, strdup(d));
	}
	free(d);
}

/* Remember the published folders a step changed, for the last sync. */
static void
note_dir(struct site *s, const char *path)
{
	note_parents(s->synced, path, strlen(s->dir));
}

/* mkdir -p of the folder that holds path. */
static enum ma_status
make_parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	enum ma_status st;
	char *d;

	if (slash == NULL || slash == path)
		return MA_OK;
	if ((d = strndup(path, (size_t)(slash - path))) == NULL)
		return MA_ENOMEM;
	st = path_mkdir_p(d, 0755);
	free(d);
	return st;
}

/* Write a stub (the one for rel's kind) at path: a new inode. */
static enum ma_status
write_stub(const char *path, const char *rel)
{
	bool atom =
	    strlen(rel) > 5 && strcmp(rel + strlen(rel) - 5, ".atom") == 0;
	const char *text = atom ? stub_atom : stub_html;
	enum ma_status st;
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		int e = errno;

		log_err("cannot create '%s': %s", path, strerror(e));
		return path_errno_status(e);
	}
	st = path_write_all(fd, text, strlen(text));
	if (st != MA_OK)
		log_err("cannot write '%s': %s", path, strerror(errno));
	close(fd);
	return st;
}

/* The stub file to link for rel ("" or a number: see EMLINK below). */
static char *
stub_path(const struct site *s, const char *rel)
{
	bool atom =
	    strlen(rel) > 5 && strcmp(rel + strlen(rel) - 5, ".atom") == 0;

	return path_fmt("%s/.stub%u.%s", s->stage, s->nstub,
			atom ? "atom" : "html");
}

/*
 * One step of the journal. Each can be done again after a crash: a
 * staged file that is gone was renamed into place already.
 */
static enum ma_status
do_step(struct site *s, char kind, const char *rel)
{
	char *src = stage_path(s, rel), *dst = final_path(s, rel);
	enum ma_status st = MA_OK;
	struct stat sb;
	int e = 0;

	if (src == NULL || dst == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	if (kind == 'R') {
		size_t root = strlen(s->dir);
		char *slash;

		if (unlink(dst) != 0 && errno != ENOENT) {
			e = errno;
			log_err("cannot remove '%s': %s", dst, strerror(e));
			st = path_errno_status(e);
			goto out;
		}
		note_dir(s, dst);
		/* A folder emptied goes too, as a full run's site_gc() does. */
		while ((slash = strrchr(dst, '/')) != NULL &&
		       (size_t)(slash - dst) > root) {
			*slash = '\0';
			if (rmdir(dst) != 0)
				break;
			note_dir(s, dst);
		}
		goto out;
	}
	if (lstat(src, &sb) != 0) {
		if (errno != ENOENT) {
			e = errno;
			log_err("cannot read '%s': %s", src, strerror(e));
			st = path_errno_status(e);
		}
		goto out; /* published already */
	}
	if (kind == 'P') {
		/* src is there: ENOENT means a folder of dst is missing. */
		if (rename(src, dst) != 0) {
			e = errno;
			if (e == ENOENT && (st = make_parent_of(dst)) == MA_OK)
				e = rename(src, dst) == 0 ? 0 : errno;
			if (st == MA_OK && e != 0) {
				log_err("cannot rename '%s' to '%s': %s", src,
					dst, strerror(e));
				st = path_errno_status(e);
			}
			if (st != MA_OK)
				goto out;
		}
		note_dir(s, dst);
		if (s->out != NULL)
			fprintf(s->out, "%s%c", dst, s->sep);
		goto out;
	}
	/* 'S': a stub, only where nothing is yet. */
	for (int tries = 0; tries < 64 && st == MA_OK; tries++) {
		char *stub = stub_path(s, rel);

		if (stub == NULL) {
			st = MA_ENOMEM;
			break;
		}
		if (!path_exists(stub))
			st = write_stub(stub, rel);
		if (st == MA_OK && link(stub, dst) == 0) {
			note_dir(s, dst);
			free(stub);
			goto out;
		}
		e = errno;
		free(stub);
		if (st != MA_OK || e == EEXIST)
			goto out;
		if (e == ENOENT) {
			st = make_parent_of(dst);
		} else if (e == EMLINK) {
			s->nstub++; /* the stub has its most links: a new one */
		} else if (e == EPERM || e == ENOTSUP || e == EOPNOTSUPP) {
			/* No hard links here: a copy of its own, renamed into
			 * place (we hold the lock: nothing else creates it). */
			char *copy = path_fmt("%s/.stub-copy", s->stage);

			if (copy == NULL) {
				st = MA_ENOMEM;
				break;
			}
			st = write_stub(copy, rel);
			if (st == MA_OK && !path_exists(dst) &&
			    rename(copy, dst) != 0) {
				e = errno;
				log_err("cannot rename '%s' to '%s': %s", copy,
					dst, strerror(e));
				st = path_errno_status(e);
			}
			unlink(copy);
			free(copy);
			if (st == MA_OK)
				note_dir(s, dst);
			goto out;
		} else {
			break;
		}
	}
	if (st == MA_OK) {
		log_err("cannot link a stub to '%s': %s", dst, strerror(e));
		st = path_errno_status(e);
	}
out:
	free(src);
	free(dst);
	return st;
}

/* Carry out the journal at SITE/.render-next/.journal from its start. */
static enum ma_status
replay(struct site *s)
{
	char *path = path_fmt("%s/%s", s->stage, SITE_JOURNAL);
	enum ma_status st = MA_OK;
	char *line = NULL, tail[sizeof SITE_JOURNAL_END + 1];
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (path == NULL)
		return MA_ENOMEM;
	if ((f = fopen(path, "re")) == NULL) {
		int e = errno;

		log_err("cannot open '%s': %s", path, strerror(e));
		free(path);
		return path_errno_status(e);
	}
	/* Written whole before it was renamed into place; a journal that
	 * does not end as it must was not written by us. */
	if (fseek(f, -(long)(sizeof tail), SEEK_END) != 0 ||
	    fread(tail, 1, sizeof tail, f) != sizeof tail ||
	    memcmp(tail, "\n" SITE_JOURNAL_END "\n", sizeof tail) != 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (n = getline(&line, &cap, f)) < 0 ||
	    strcmp(line, SITE_JOURNAL_HEAD "\n") != 0) {
		log_err("'%s' is not a journal of ours: remove the folder "
			"'%s' and run again",
			path, s->stage);
		st = MA_EDATA;
	}
	while (st == MA_OK && (n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (strcmp(line, SITE_JOURNAL_END) == 0)
			break;
		if (n < 3 || line[1] != ' ' || strchr("PSR", line[0]) == NULL ||
		    check_rel(line + 2) != MA_OK) {
			log_err("'%s': a damaged line", path);
			st = MA_EDATA;
			break;
		}
		st = do_step(s, line[0], line + 2);
	}
	free(line);
	fclose(f);
	free(path);
	return st;
}

/* fsync one file or folder. */
static enum ma_status
sync_path(const char *path, bool dir)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | (dir ? O_DIRECTORY : 0));
	enum ma_status st = MA_OK;

	if (fd < 0)
		return errno == ENOENT ? MA_OK : path_errno_status(errno);
	if (fsync(fd) != 0) {
		int e = errno; /* logging may change errno */

		log_err("cannot sync '%s': %s", path, strerror(e));
		st = path_errno_status(e);
	}
	close(fd);
	return st;
}

/* Few files changed: fsync them and their folders. Many: one syncfs(2),
 * which is cheaper then, but flushes the whole file system (on a busy
 * shared disk it costs more than a few fsyncs). */
#define SITE_FSYNC_MAX 512

static enum ma_status
sync_all(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	enum ma_status st = MA_OK;

	if (fd < 0 || syncfs(fd) != 0) {
		int e = errno;

		log_err("cannot sync '%s': %s", dir, strerror(e));
		st = path_errno_status(e);
	}
	if (fd >= 0)
		close(fd);
	return st;
}

/* The published folders changed by the steps done. */
static enum ma_status
sync_published(struct site *s)
{
	GHashTableIter it;
	gpointer k;
	enum ma_status st = MA_OK;

	if (g_hash_table_size(s->synced) > SITE_FSYNC_MAX)
		return sync_all(s->dir);
	g_hash_table_iter_init(&it, s->synced);
	while (st == MA_OK && g_hash_table_iter_next(&it, &k, NULL))
		st = sync_path(k, true);
	return st;
}

/* Sweep the staging folder; after a journal was carried out, or with
 * none (a run killed before it committed: nothing of it was published). */
static enum ma_status
sweep_stage(struct site *s)
{
	if (!path_exists(s->stage))
		return MA_OK;
	return path_rm_rf(s->stage);
}

/* Finish what a killed or failed commit began, then sweep. */
static enum ma_status
recover(struct site *s)
{
	char *journal = path_fmt("%s/%s", s->stage, SITE_JOURNAL);
	enum ma_status st = MA_OK;

	if (journal == NULL)
		return MA_ENOMEM;
	if (path_exists(journal)) {
		log_notice("the last render of '%s' stopped while publishing: "
			   "finishing it",
			   s->dir);
		st = replay(s);
		if (st == MA_OK)
			st = sync_published(s);
		if (st != MA_OK)
			log_err("cannot finish publishing the last render of "
				"'%s' (%s): run again when the cause is mended",
				s->dir, ma_strstatus(st));
		g_hash_table_remove_all(s->synced);
	} else if (path_exists(s->stage)) {
		log_info("the last render of '%s' was interrupted before it "
			 "published anything: removing what it staged",
			 s->dir);
	}
	free(journal);
	if (st == MA_OK)
		st = sweep_stage(s);
	return st;
}

bool
site_unfinished(const char *dir)
{
	char *p = path_fmt("%s/%s/%s", dir, SITE_STAGE, SITE_JOURNAL);
	bool r = p == NULL || path_exists(p);

	free(p);
	return r;
}

enum ma_status
site_open(const char *dir, FILE *out, char sep, struct site **sp)
{
	struct site *s = calloc(1, sizeof *s);
	enum ma_status st;
	char *mark;

	if (s == NULL)
		return MA_ENOMEM;
	s->dir = strdup(dir);
	s->stage = path_fmt("%s/%s", dir, SITE_STAGE);
	s->out = out;
	s->sep = sep;
	s->written = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	s->dirs = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	s->ops = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, op_free);
	s->synced = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	mark = path_fmt("%s/%s", dir, SITE_MARK);
	if (s->dir == NULL || s->stage == NULL || mark == NULL) {
		free(mark);
		free(s->stage);
		s->stage = NULL;
		site_close(s, false);
		return MA_ENOMEM;
	}
	if ((st = path_mkdir_p(dir, 0755)) != MA_OK) {
		free(mark);
		free(s->stage);
		s->stage = NULL;
		site_close(s, false);
		return st;
	}
	if (path_exists(mark)) {
		log_info("the last render of '%s' was interrupted: removing "
			 "its temp files",
			 dir);
		sweep_temps(dir);
		unlink(mark);
	}
	free(mark);
	if ((st = recover(s)) != MA_OK ||
	    (st = path_mkdir_p(s->stage, 0755)) != MA_OK) {
		/* Keep what recover() could not finish for the next try. */
		free(s->stage);
		s->stage = NULL;
		site_close(s, false);
		return st;
	}
	*sp = s;
	return MA_OK;
}

/* Create the staging folders above rel, once per run. */
static enum ma_status
make_parents(struct site *s, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	enum ma_status st;
	char *sub, *full;

	if (slash == NULL)
		return MA_OK;
	if ((sub = strndup(rel, (size_t)(slash - rel))) == NULL)
		return MA_ENOMEM;
	if (g_hash_table_contains(s->dirs, sub)) {
		free(sub);
		return MA_OK;
	}
	if ((full = stage_path(s, sub)) == NULL) {
		free(sub);
		return MA_ENOMEM;
	}
	st = path_mkdir_p(full, 0755);
	free(full);
	if (st != MA_OK) {
		free(sub);
		return st;
	}
	g_hash_table_add(s->dirs, sub);
	return MA_OK;
}

static enum ma_status
remember(struct site *s, const char *rel)
{
	char *k;

	if (g_hash_table_contains(s->written, rel))
		return MA_OK;
	if ((k = strdup(rel)) == NULL)
		return MA_ENOMEM;
	g_hash_table_add(s->written, k);
	return MA_OK;
}

/* Record a pending change of rel (the last one asked for wins). */
static enum ma_status
note_op(struct site *s, const char *rel, bool remove)
{
	struct op *op = g_hash_table_lookup(s->ops, rel);

	if (op == NULL) {
		if ((op = calloc(1, sizeof *op)) == NULL)
			return MA_ENOMEM;
		if ((op->rel = strdup(rel)) == NULL) {
			free(op);
			return MA_ENOMEM;
		}
		op->seq = s->seq++;
		g_hash_table_insert(s->ops, op->rel, op);
	}
	op->remove = remove;
	return MA_OK;
}

/* True when path holds exactly data: rewriting it would change nothing. */
static bool
same_content(const char *path, const void *data, size_t len)
{
	struct stat sb;
	char chunk[65536];
	size_t off = 0;
	bool same = true;
	int fd;

	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    (size_t)sb.st_size != len)
		return false;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	while (same && off < len) {
		ssize_t n =
		    read(fd, chunk,
			 len - off < sizeof chunk ? len - off : sizeof chunk);

		if (n <= 0)
			same = false;
		else if (memcmp(chunk, (const char *)data + off, (size_t)n) !=
			 0)
			same = false;
		else
			off += (size_t)n;
	}
	close(fd);
	return same;
}

enum ma_status
site_put(struct site *s, const char *rel, const void *data, size_t len)
{
	struct op *op;
	char *path;
	enum ma_status st;
	int fd, e;

	if ((st = check_rel(rel)) != MA_OK)
		return st;
	op = g_hash_table_lookup(s->ops, rel);
	/* An unchanged file is left alone: cheaper than a rewrite, and
	 * its time stamps keep telling caches the truth. */
	if (op == NULL || op->remove) {
		char *final = final_path(s, rel);
		bool same;

		if (final == NULL)
			return MA_ENOMEM;
		same = same_content(final, data, len);
		free(final);
		if (same) {
			if (op != NULL)
				g_hash_table_remove(s->ops, rel);
			return remember(s, rel);
		}
	}
	if ((st = make_parents(s, rel)) != MA_OK)
		return st;
	if ((path = stage_path(s, rel)) == NULL)
		return MA_ENOMEM;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		e = errno;
		log_err("cannot create '%s': %s", path, strerror(e));
		free(path);
		return path_errno_status(e);
	}
	if ((st = path_write_all(fd, data, len)) != MA_OK || close(fd) != 0) {
		e = errno;
		log_err("cannot write '%s': %s", path, strerror(e));
		if (st == MA_OK)
			st = path_errno_status(e);
		else
			close(fd);
		unlink(path);
		g_hash_table_remove(s->ops, rel);
		free(path);
		return st;
	}
	free(path);
	if ((st = note_op(s, rel, false)) != MA_OK)
		return st;
	s->nwritten++;
	return remember(s, rel);
}

struct site_file {
	int fd;
	char *rel, *path;
};

void
site_file_abort(struct site_file *f)
{
	if (f == NULL)
		return;
	if (f->fd >= 0)
		close(f->fd);
	if (f->path != NULL)
		unlink(f->path);
	free(f->rel);
	free(f->path);
	free(f);
}

enum ma_status
site_file_open(struct site *s, const char *rel, struct site_file **fp)
{
	struct site_file *f;
	enum ma_status st;

	if ((st = check_rel(rel)) != MA_OK ||
	    (st = make_parents(s, rel)) != MA_OK)
		return st;
	if ((f = calloc(1, sizeof *f)) == NULL)
		return MA_ENOMEM;
	f->fd = -1;
	f->rel = strdup(rel);
	f->path = stage_path(s, rel);
	if (f->rel == NULL || f->path == NULL) {
		site_file_abort(f);
		return MA_ENOMEM;
	}
	/* A staged version of rel, if any, is replaced: this one is newer. */
	g_hash_table_remove(s->ops, rel);
	f->fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->fd < 0) {
		int e = errno;

		log_err("cannot create '%s': %s", f->path, strerror(e));
		free(f->path);
		f->path = NULL;
		site_file_abort(f);
		return path_errno_status(e);
	}
	*fp = f;
	return MA_OK;
}

enum ma_status
site_file_write(struct site_file *f, const void *p, size_t n)
{
	enum ma_status st = path_write_all(f->fd, p, n);

	if (st != MA_OK)
		log_err("cannot write '%s': %s", f->path, strerror(errno));
	return st;
}

enum ma_status
site_file_commit(struct site *s, struct site_file *f)
{
	enum ma_status st;
	int e;

	if (close(f->fd) != 0) {
		e = errno;
		f->fd = -1;
		log_err("cannot write '%s': %s", f->path, strerror(e));
		site_file_abort(f);
		return path_errno_status(e);
	}
	f->fd = -1;
	if ((st = note_op(s, f->rel, false)) != MA_OK) {
		site_file_abort(f);
		return st;
	}
	free(f->path);
	f->path = NULL; /* staged: stays for the commit */
	s->nwritten++;
	st = remember(s, f->rel);
	site_file_abort(f);
	return st;
}

enum ma_status
site_put_buf(struct site *s, const char *rel, const struct buf *b)
{
	return site_put(s, rel, b->data != NULL ? b->data : "", b->len);
}

bool
site_exists(struct site *s, const char *rel)
{
	const struct op *op = g_hash_table_lookup(s->ops, rel);
	char *p;
	struct stat sb;
	bool r;

	if (op != NULL)
		return !op->remove;
	if ((p = final_path(s, rel)) == NULL)
		return false;
	r = stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
	free(p);
	return r;
}

bool
site_produced(const struct site *s, const char *rel)
{
	return g_hash_table_contains(s->written, rel);
}

enum ma_status
site_keep(struct site *s, const char *rel)
{
	return remember(s, rel);
}

enum ma_status
site_remove(struct site *s, const char *rel)
{
	struct op *op = g_hash_table_lookup(s->ops, rel);
	char *p;
	bool there;

	if (check_rel(rel) != MA_OK)
		return MA_EDATA;
	if (op != NULL && !op->remove) {
		if ((p = stage_path(s, rel)) == NULL)
			return MA_ENOMEM;
		unlink(p);
		free(p);
	}
	if ((p = final_path(s, rel)) == NULL)
		return MA_ENOMEM;
	there = path_exists(p);
	free(p);
	if (!there) {
		g_hash_table_remove(s->ops, rel);
		return MA_OK;
	}
	return note_op(s, rel, true);
}

size_t
site_written(const struct site *s)
{
	return s->nwritten;
}

/*
 * The names a site's top level may hold that are ours: a site_dir may be
 * a web server's folder with files of its own, which stay.
 */
static bool
site_owns(const char *name)
{
	static const char *const ours[] = {
	    "index.html", "style.css", "feed.atom", "a", "m", "t"};

	for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
		if (strcmp(name, ours[i]) == 0)
			return true;
	/* Years: four digits. */
	return strlen(name) == 4 && strspn(name, "0123456789") == 4;
}

/* Record the removal of what the run did not produce, folder by folder
 * (our own tree: depth is bounded by the layout, but walk it with a list
 * anyway). The removals happen at the commit, after every page that
 * replaces a link to them is published. */
enum ma_status
site_gc(struct site *s)
{
	GPtrArray *todo = g_ptr_array_new_with_free_func(free);
	GPtrArray *seen = g_ptr_array_new_with_free_func(free);
	enum ma_status st = MA_OK;

	g_ptr_array_add(todo, strdup(""));
	while (todo->len > 0 && st == MA_OK) {
		char *rel = g_ptr_array_steal_index(todo, todo->len - 1);
		char *full =
		    rel != NULL && rel[0] ? final_path(s, rel) : strdup(s->dir);
		struct dirent *de;
		DIR *d;

		if (rel == NULL || full == NULL ||
		    (d = opendir(full)) == NULL) {
			free(rel);
			free(full);
			continue;
		}
		g_ptr_array_add(seen, rel);
		while ((de = readdir(d)) != NULL && st == MA_OK) {
			char *sub;

			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0 ||
			    (rel[0] == '\0' && !site_owns(de->d_name)) ||
			    strncmp(de->d_name, SITE_TMP_PREFIX,
				    strlen(SITE_TMP_PREFIX)) == 0)
				continue;
			sub = rel[0] ? path_fmt("%s/%s", rel, de->d_name)
				     : strdup(de->d_name);
			if (sub == NULL) {
				st = MA_ENOMEM;
				break;
			}
			if (de->d_type == DT_DIR) {
				g_ptr_array_add(todo, sub);
				continue;
			}
			if (!g_hash_table_contains(s->written, sub))
				st = site_remove(s, sub);
			free(sub);
		}
		closedir(d);
		free(full);
	}
	/* Folders already empty (no page in them: no link can point
	 * there) go now, deepest first; those the removals empty go at the
	 * commit. */
	for (guint i = seen->len; i-- > 1 && st == MA_OK;) {
		char *full = final_path(s, g_ptr_array_index(seen, i));

		if (full != NULL)
			rmdir(full); /* fails, harmlessly, when not empty */
		free(full);
	}
	g_ptr_array_free(todo, TRUE);
	g_ptr_array_free(seen, TRUE);
	return st;
}

static gint
op_cmp(gconstpointer a, gconstpointer b)
{
	const struct op *x = *(struct op *const *)a;
	const struct op *y = *(struct op *const *)b;
	int rx = page_rank(x->rel), ry = page_rank(y->rel);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq ? 1 : 0;
}

/* Make the staged files durable before a journal names them. */
static enum ma_status
sync_stage(struct site *s, GPtrArray *puts)
{
	GHashTable *dirs;
	GHashTableIter it;
	gpointer k;
	enum ma_status st = MA_OK;

	if (puts->len > SITE_FSYNC_MAX)
		return sync_all(s->stage);
	dirs = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	for (guint i = 0; i < puts->len && st == MA_OK; i++) {
		char *p = stage_path(s, ((struct op *)puts->pdata[i])->rel);

		st = p != NULL ? sync_path(p, false) : MA_ENOMEM;
		if (p != NULL)
			note_parents(dirs, p, strlen(s->stage));
		free(p);
	}
	g_hash_table_iter_init(&it, dirs);
	while (st == MA_OK && g_hash_table_iter_next(&it, &k, NULL))
		st = sync_path(k, true);
	g_hash_table_destroy(dirs);
	return st;
}

/* Write the journal: leaves, stubs, pages, removals (see the top). */
static enum ma_status
write_journal(struct site *s, GPtrArray *leaves, GPtrArray *pages,
	      GPtrArray *gone)
{
	char *tmp = path_fmt("%s/%s", s->stage, SITE_JOURNAL_TMP);
	char *path = path_fmt("%s/%s", s->stage, SITE_JOURNAL);
	enum ma_status st = MA_OK;
	FILE *f = NULL;
	int e = 0;

	if (tmp == NULL || path == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	if ((f = fopen(tmp, "we")) == NULL) {
		e = errno;
		log_err("cannot create '%s': %s", tmp, strerror(e));
		st = path_errno_status(e);
		goto out;
	}
	fputs(SITE_JOURNAL_HEAD "\n", f);
	for (guint i = 0; i < leaves->len; i++)
		fprintf(f, "P %s\n", ((struct op *)leaves->pdata[i])->rel);
	for (guint i = 0; i < pages->len; i++)
		fprintf(f, "S %s\n", ((struct op *)pages->pdata[i])->rel);
	for (guint i = 0; i < pages->len; i++)
		fprintf(f, "P %s\n", ((struct op *)pages->pdata[i])->rel);
	for (guint i = 0; i < gone->len; i++)
		fprintf(f, "R %s\n", ((struct op *)gone->pdata[i])->rel);
	fputs(SITE_JOURNAL_END "\n", f);
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
		e = errno;
		log_err("cannot write '%s': %s", tmp, strerror(e));
		st = path_errno_status(e);
	}
	if (fclose(f) != 0 && st == MA_OK) {
		e = errno;
		log_err("cannot write '%s': %s", tmp, strerror(e));
		st = path_errno_status(e);
	}
	if (st == MA_OK && rename(tmp, path) != 0) {
		e = errno;
		log_err("cannot rename '%s' to '%s': %s", tmp, path,
			strerror(e));
		st = path_errno_status(e);
	}
	if (st == MA_OK)
		st = sync_path(s->stage, true);
out:
	free(tmp);
	free(path);
	return st;
}

/* Step 1 and 2 of the top comment: nothing published yet on failure. */
static enum ma_status
prepare(struct site *s)
{
	GPtrArray *all = g_ptr_array_new(), *leaves = g_ptr_array_new();
	GPtrArray *pages = g_ptr_array_new(), *gone = g_ptr_array_new();
	GPtrArray *puts = g_ptr_array_new();
	GHashTableIter it;
	gpointer v;
	enum ma_status st = MA_OK;

	g_hash_table_iter_init(&it, s->ops);
	while (g_hash_table_iter_next(&it, NULL, &v))
		g_ptr_array_add(all, v);
	/* By first change; pages by rank, then by first change. */
	g_ptr_array_sort(all, op_cmp);
	for (guint i = 0; i < all->len; i++) {
		struct op *op = all->pdata[i];

		g_ptr_array_add(op->remove	   ? gone
				: is_page(op->rel) ? pages
						   : leaves,
				op);
		if (!op->remove)
			g_ptr_array_add(puts, op);
	}
	/* The stubs too: a full disk after the journal must not be met
	 * by writing them (they need no sync: a stub, whole or not, links
	 * nowhere). */
	if (pages->len > 0) {
		char *h = stub_path(s, "x.html"), *a = stub_path(s, "x.atom");

		st = h != NULL && a != NULL ? write_stub(h, "x.html")
					    : MA_ENOMEM;
		if (st == MA_OK)
			st = write_stub(a, "x.atom");
		free(h);
		free(a);
	}
	if (st == MA_OK)
		st = sync_stage(s, puts);
	if (st == MA_OK)
		st = write_journal(s, leaves, pages, gone);
	g_ptr_array_free(all, TRUE);
	g_ptr_array_free(leaves, TRUE);
	g_ptr_array_free(pages, TRUE);
	g_ptr_array_free(gone, TRUE);
	g_ptr_array_free(puts, TRUE);
	return st;
}

/* Commit the run: see the top of this file. */
static enum ma_status
publish(struct site *s)
{
	char *journal;
	enum ma_status st;

	if (g_hash_table_size(s->ops) == 0)
		return sweep_stage(s);
	if ((st = prepare(s)) != MA_OK) {
		sweep_stage(s);
		log_notice("render of '%s' published nothing: the previous "
			   "site is left whole",
			   s->dir);
		return st;
	}
	/* The journal is carried out as a recovery would: one code path. */
	if ((st = replay(s)) != MA_OK || (st = sync_published(s)) != MA_OK) {
		log_err("publishing into '%s' stopped part way (%s): every "
			"link in it is valid, and the next run finishes it",
			s->dir, ma_strstatus(st));
		return st;
	}
	if ((journal = path_fmt("%s/%s", s->stage, SITE_JOURNAL)) == NULL)
		return MA_ENOMEM;
	if (unlink(journal) != 0)
		log_warn("cannot remove '%s': %s", journal, strerror(errno));
	free(journal);
	sync_path(s->stage, true);
	return sweep_stage(s);
}

enum ma_status
site_close(struct site *s, bool commit)
{
	enum ma_status st = MA_OK;

	if (s == NULL)
		return MA_OK;
	if (commit) {
		st = publish(s);
	} else if (s->stage != NULL && path_exists(s->stage)) {
		/* A failed run: nothing of it was published. */
		sweep_stage(s);
		log_notice("render of '%s' published nothing: the previous "
			   "site is left whole",
			   s->dir);
	}
	free(s->dir);
	free(s->stage);
	if (s->written)
		g_hash_table_destroy(s->written);
	if (s->dirs)
		g_hash_table_destroy(s->dirs);
	if (s->ops)
		g_hash_table_destroy(s->ops);
	if (s->synced)
		g_hash_table_destroy(s->synced);
	free(s);
	return st;
}

/* The one stylesheet: system fonts, a readable measure, light and dark. */
static const char stylesheet[] =
    ":root{color-scheme:light dark;--bg:#fdfdfc;--fg:#1d1f21;"
    "--muted:#5f6368;--line:#e3e3e0;--accent:#0b57d0;--card:#fff;"
    "--quote:#f3f4f1;--mark:#fff4c2}\n"
    "@media (prefers-color-scheme:dark){:root{--bg:#141517;--fg:#e6e6e3;"
    "--muted:#a0a4aa;--line:#2d3034;--accent:#8ab4f8;--card:#1c1d20;"
    "--quote:#222428;--mark:#4a3f10}}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%}\n"
    "body{margin:0;background:var(--bg);color:var(--fg);"
    "font:16px/1.55 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "\"Noto Sans\",\"Noto Sans CJK JP\",sans-serif}\n"
    "a{color:var(--accent);text-underline-offset:2px}\n"
    "a:focus-visible{outline:2px solid var(--accent);outline-offset:2px}\n"
    ".skip{position:absolute;left:-999px;top:0;background:var(--card);"
    "padding:.5em 1em}\n"
    ".skip:focus{left:.5em;z-index:2}\n"
    ".site{border-bottom:1px solid var(--line);background:var(--card)}\n"
    ".site div,main,.foot{max-width:52rem;margin:0 auto;padding:0 1rem}\n"
    ".site div{display:flex;flex-wrap:wrap;gap:.25em 1em;"
    "align-items:baseline;padding:.7rem 1rem}\n"
    ".site .name{font-weight:650;font-size:1.1rem;color:var(--fg);"
    "text-decoration:none}\n"
    ".site nav{color:var(--muted);font-size:.9rem}\n"
    ".site nav a{color:var(--muted)}\n"
    ".site .find{margin-left:auto;display:flex;gap:.3em}\n"
    ".find input,.find button{font:inherit;font-size:.9rem;padding:.2em "
    ".5em;border:1px solid var(--line);border-radius:4px;"
    "background:var(--bg);color:var(--fg);min-width:0}\n"
    "main{padding-top:1.2rem;padding-bottom:2rem}\n"
    "h1{font-size:1.55rem;line-height:1.25;margin:.2em 0 .4em;"
    "overflow-wrap:anywhere}\n"
    "h2{font-size:1.15rem;margin:1.6em 0 .5em}\n"
    ".lede{color:var(--muted);margin-top:0}\n"
    ".meta,.count{color:var(--muted);font-size:.9rem}\n"
    "ul.plain{list-style:none;padding:0;margin:0}\n"
    ".months li{display:inline-block;margin:0 .9em .3em 0}\n"
    ".months h3{font-size:1rem;margin:.9em 0 .3em}\n"
    ".list li{padding:.45em 0;border-bottom:1px solid var(--line);"
    "display:grid;grid-template-columns:1fr auto;gap:0 1em}\n"
    ".list .subj{overflow-wrap:anywhere}\n"
    ".list .meta{grid-column:1/-1}\n"
    ".list time{white-space:nowrap;color:var(--muted);font-size:.9rem}\n"
    ".tgroup{margin:1.2em 0}\n"
    ".tgroup h3{font-size:1.02rem;margin:0 0 .2em;overflow-wrap:anywhere}\n"
    ".tgroup ul{margin:0;padding-left:1.1em;color:var(--muted);"
    "font-size:.92rem}\n"
    ".pager{display:flex;gap:1em;margin:1.2em 0;flex-wrap:wrap}\n"
    ".msg{background:var(--card);border:1px solid var(--line);"
    "border-radius:8px;padding:1rem 1.1rem;margin:0 0 1rem}\n"
    ".msg h2{margin:0 0 .3em;font-size:1.05rem;overflow-wrap:anywhere}\n"
    ".hdrs{display:grid;grid-template-columns:auto 1fr;gap:.1em .8em;"
    "margin:0 0 .9em;font-size:.92rem}\n"
    ".hdrs dt{color:var(--muted)}\n"
    ".hdrs dd{margin:0;overflow-wrap:anywhere}\n"
    ".text{white-space:pre-wrap;overflow-wrap:anywhere;"
    "font-size:.97rem;line-height:1.6}\n"
    ".text blockquote{margin:.3em 0;padding:.2em .8em;"
    "border-left:3px solid var(--line);background:var(--quote);"
    "color:var(--muted)}\n"
    ".text details{margin:.3em 0}\n"
    ".text summary{cursor:pointer;color:var(--muted);font-size:.88rem}\n"
    ".sig{color:var(--muted);font-size:.9rem}\n"
    "iframe.html{width:100%;border:1px solid var(--line);"
    "border-radius:6px;background:#fff;resize:vertical}\n"
    ".note{font-size:.88rem;color:var(--muted)}\n"
    ".att{margin:.9em 0 0;padding:.6em 0 0;border-top:1px solid "
    "var(--line);font-size:.92rem}\n"
    ".att li{margin:.15em 0;overflow-wrap:anywhere}\n"
    ".att .meta{margin-left:.4em}\n"
    ".msgnav{display:flex;flex-wrap:wrap;gap:.3em 1.2em;margin-top:.9em;"
    "padding-top:.6em;border-top:1px solid var(--line);font-size:.9rem}\n"
    ".tree{margin:0 0 1.4em;padding:0;list-style:none;font-size:.93rem}\n"
    ".tree li{padding:.15em 0;overflow-wrap:anywhere}\n"
    ".d1{margin-left:1rem}.d2{margin-left:2rem}.d3{margin-left:3rem}"
    ".d4{margin-left:4rem}.d5{margin-left:5rem}.d6{margin-left:6rem}\n"
    ".msg.d1,.msg.d2,.msg.d3,.msg.d4,.msg.d5,.msg.d6{"
    "border-left:3px solid var(--accent)}\n"
    "@media (max-width:40rem){body{font-size:15px}"
    ".d1,.d2,.d3,.d4,.d5,.d6{margin-left:.6rem}"
    ".msg{padding:.8rem;border-radius:0;border-left:0;border-right:0;"
    "margin-left:-1rem;margin-right:-1rem}"
    ".msg.d1,.msg.d2,.msg.d3,.msg.d4,.msg.d5,.msg.d6{margin-left:-.4rem}"
    ".hdrs{grid-template-columns:1fr}.hdrs dt{font-size:.8rem}"
    ".list li{grid-template-columns:1fr}h1{font-size:1.3rem}}\n"
    ".removed{padding:2rem 0}\n"
    "body.mail{margin:0;padding:12px 14px;background:#fff;color:#1d1f21;"
    "font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "\"Noto Sans\",sans-serif;overflow-wrap:anywhere}\n"
    "body.mail img{max-width:100%;height:auto}\n"
    "body.mail table{border-collapse:collapse;max-width:100%}\n"
    "body.mail td,body.mail th{padding:2px 6px}\n"
    "body.mail a{color:#0b57d0}\n"
    ".foot{color:var(--muted);font-size:.85rem;padding:1.5rem 1rem 2rem;"
    "border-top:1px solid var(--line)}\n";

const char *
site_stylesheet(void)
{
	return stylesheet;
}
