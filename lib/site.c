/*
 * The staging side of publishing into the site folder: site_put() and
 * the other calls of site.h stage files in SITE/.render-next/ and record
 * removals; site_journal.c commits them (its top comment says how, and
 * why no local link is ever broken), and site_css.c holds the stylesheet.
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
#include "site_int.h"

/* Left by versions that renamed each file into place as it was written:
 * a marker of a run in progress (and SITE_TMP_PREFIX files, site_int.h). */
#define SITE_MARK ".render-running"

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

bool
site_unfinished(const char *dir)
{
	char *p = path_fmt("%s/%s/%s", dir, SITE_STAGE, SITE_JOURNAL);
	bool r = p == NULL || path_exists(p);

	free(p);
	return r;
}

/* The process's umask (there is no call that only reads it). */
static mode_t
site_umask(void)
{
	mode_t m = umask(022);

	umask(m);
	return m;
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
	s->file_mode = 0644 & ~site_umask();
	s->euid = geteuid();
	s->dirfd = -1;
	s->held_fd = -1;
	s->written = site_set_new();
	s->dirs = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	s->gone = g_hash_table_new(g_direct_hash, g_direct_equal);
	s->appends = g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
	s->synced = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	mark = path_fmt("%s/%s", dir, SITE_MARK);
	if (s->dir == NULL || s->stage == NULL || mark == NULL ||
	    s->written == NULL) {
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
	if ((st = site_recover(s)) == MA_OK)
		st = site_fresh_wanted(dir) ? site_fresh_begin(s)
					    : path_mkdir_p(s->stage, 0755);
	if (st != MA_OK) {
		/* Keep what site_recover() could not finish for the next try.
		 */
		free(s->stage);
		s->stage = NULL;
		site_close(s, false);
		return st;
	}
	*sp = s;
	return MA_OK;
}

/* Create the staging folders above rel, once per run. */
enum ma_status
site_make_parents(struct site *s, const char *rel)
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
	if ((full = site_stage_path(s, sub)) == NULL) {
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

enum ma_status
site_remember(struct site *s, const char *rel)
{
	return site_set_add(s->written, site_path_hash(rel));
}

bool
site_remembered(const struct site *s, const char *rel)
{
	return site_set_has(s->written, site_path_hash(rel));
}

/*
 * A new staged file at path, for writing. What a staged name held is
 * unlinked first, never truncated: it may be a hard link to an archived
 * message (site_put_file()), which no write of the site may reach.
 */
int
site_create_staged(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd >= 0 || errno != EEXIST)
		return fd;
	if (unlink(path) != 0 && errno != ENOENT)
		return -1;
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
}

/* What site_put() would write, for unchanged(). */
struct blob {
	const void *data;
	size_t len;
};

static bool
same_blob(const char *final, const void *arg)
{
	const struct blob *b = arg;

	return site_same_content(final, b->data, b->len);
}

/* Is final the very file (struct stat arg) site_put_file() would link? */
static bool
same_file(const char *final, const void *arg)
{
	const struct stat *sb = arg;
	struct stat fb;

	return lstat(final, &fb) == 0 && fb.st_dev == sb->st_dev &&
	       fb.st_ino == sb->st_ino;
}

/*
 * Before rel is written, in a site that was not empty: is the published
 * file already what would be written (same(final path, arg))? Then *done:
 * a pending removal is dropped, and so is a version staged earlier in the
 * run (a run in steps writes a page once a step: its last version is
 * often the published one), and rel is kept. Returns MA_OK, MA_ENOMEM,
 * or site_remember()'s status.
 */
static enum ma_status
unchanged(struct site *s, const char *rel,
	  bool (*same)(const char *final, const void *arg), const void *arg,
	  bool *done)
{
	enum site_op op;
	char *final, *staged;
	bool yes;

	*done = false;
	/* This write of rel replaces one appended earlier in the run. */
	site_ops_drop_append(s, rel);
	if (s->empty)
		return MA_OK;
	op = site_ops_state(s, rel);
	if ((final = site_final_path(s, rel)) == NULL)
		return MA_ENOMEM;
	yes = same(final, arg);
	free(final);
	if (!yes)
		return MA_OK;
	if (op == SITE_OP_REMOVE)
		site_ops_forget(s, rel);
	if (op == SITE_OP_PUT) {
		if ((staged = site_stage_path(s, rel)) == NULL)
			return MA_ENOMEM;
		if (unlink(staged) != 0 && errno != ENOENT) {
			int e = errno;

			log_err("cannot remove '%s': %s", staged, strerror(e));
			free(staged);
			return path_errno_status(e);
		}
		free(staged);
	}
	*done = true;
	return site_remember(s, rel);
}

/* rel was written (staged, or placed in a fresh site): counted and kept. */
enum ma_status
site_note_written(struct site *s, const char *rel)
{
	s->nwritten++;
	return site_remember(s, rel);
}

/* rel was staged: its op noted, counted and kept. */
static enum ma_status
staged(struct site *s, const char *rel)
{
	enum ma_status st = site_ops_note(s, rel, false);

	if (st != MA_OK)
		return st;
	return site_note_written(s, rel);
}

/* The staged path of rel into *pathp (free() it), the folders above it
 * made. */
static enum ma_status
stage_path(struct site *s, const char *rel, char **pathp)
{
	enum ma_status st = site_make_parents(s, rel);

	if (st != MA_OK)
		return st;
	return (*pathp = site_stage_path(s, rel)) != NULL ? MA_OK : MA_ENOMEM;
}

enum ma_status
site_put(struct site *s, const char *rel, const void *data, size_t len)
{
	struct blob b = {data, len};
	char *path;
	enum ma_status st;
	bool done;
	int fd, e;

	if ((st = site_check_rel(rel)) != MA_OK)
		return st;
	/* An unchanged file is left alone: cheaper than a rewrite, and
	 * its time stamps keep telling caches the truth. */
	if ((st = unchanged(s, rel, same_blob, &b, &done)) != MA_OK || done)
		return st;
	if (s->fresh) {
		if ((st = site_fresh_put(s, rel, data, len)) != MA_OK)
			return st;
		return site_note_written(s, rel);
	}
	if ((st = stage_path(s, rel, &path)) != MA_OK)
		return st;
	fd = site_create_staged(path);
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
		site_ops_forget(s, rel);
		free(path);
		return st;
	}
	free(path);
	return staged(s, rel);
}

enum ma_status
site_put_buf(struct site *s, const char *rel, const struct buf *b)
{
	return site_put(s, rel, b->data != NULL ? b->data : "", b->len);
}

/*
 * Whether the archived file src (stat sb, len bytes read from it) may be
 * published as a hard link: a regular file of ours, with exactly the
 * mode a copy would get (an archive kept private by its files' modes is
 * copied, never exposed), holding what was read.
 */
static bool
linkable(const struct site *s, const struct stat *sb, size_t len)
{
	return S_ISREG(sb->st_mode) && sb->st_uid == s->euid &&
	       (sb->st_mode & 07777) == s->file_mode &&
	       (size_t)sb->st_size == len && sb->st_nlink < SITE_LINK_MAX;
}

enum ma_status
site_put_file(struct site *s, const char *rel, const char *src,
	      const void *data, size_t len)
{
	return site_put_file_stat(s, rel, src, NULL, data, len);
}

enum ma_status
site_put_file_stat(struct site *s, const char *rel, const char *src,
		   const struct stat *known, const void *data, size_t len)
{
	struct stat sb;
	char *path;
	enum ma_status st;
	bool done;

	if (src != NULL && known != NULL)
		sb = *known;
	if (src == NULL || (known == NULL && stat(src, &sb) != 0) ||
	    !linkable(s, &sb, len))
		return site_put(s, rel, data, len);
	if ((st = site_check_rel(rel)) != MA_OK)
		return st;
	/* Published as this very file already: nothing to do. */
	if ((st = unchanged(s, rel, same_file, &sb, &done)) != MA_OK || done)
		return st;
	if (s->fresh) {
		if (site_fresh_link(s, rel, src) != MA_OK)
			return site_put(s, rel, data, len); /* a copy */
		return site_note_written(s, rel);
	}
	if ((st = stage_path(s, rel, &path)) != MA_OK)
		return st;
	/* Staged before in this run (the only way the name is taken): a
	 * new link replaces it. */
	if (link(src, path) != 0 &&
	    (errno != EEXIST || unlink(path) != 0 || link(src, path) != 0)) {
		/* Another file system, no hard links, too many: a copy. */
		free(path);
		return site_put(s, rel, data, len);
	}
	free(path);
	return staged(s, rel);
}

bool
site_exists(struct site *s, const char *rel)
{
	enum site_op op = site_ops_state(s, rel);
	char *p;
	struct stat sb;
	bool r;

	if (op != SITE_OP_NONE)
		return op == SITE_OP_PUT;
	if (s->fresh && site_fresh_held(s, rel))
		return true;
	if ((p = site_final_path(s, rel)) == NULL)
		return false;
	r = stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
	free(p);
	return r;
}

bool
site_produced(struct site *s, const char *rel)
{
	/* Asked while the run still writes: merge the unsorted tail when
	 * it has grown, so that a lookup stays cheap (without memory, the
	 * lookup looks at the whole tail). */
	(void)site_set_settle(s->written, 1024);
	return site_remembered(s, rel);
}

enum ma_status
site_keep(struct site *s, const char *rel)
{
	return site_remember(s, rel);
}

enum ma_status
site_remove(struct site *s, const char *rel)
{
	char *p;
	bool there;

	if (site_check_rel(rel) != MA_OK)
		return MA_EDATA;
	if (s->fresh)
		return site_fresh_remove(s, rel);
	site_ops_drop_append(s, rel);
	if (site_ops_state(s, rel) == SITE_OP_PUT) {
		if ((p = site_stage_path(s, rel)) == NULL)
			return MA_ENOMEM;
		unlink(p);
		free(p);
	}
	if ((p = site_final_path(s, rel)) == NULL)
		return MA_ENOMEM;
	there = path_exists(p);
	free(p);
	if (!there) {
		site_ops_forget(s, rel);
		return MA_OK;
	}
	return site_ops_note(s, rel, true);
}

void
site_defer_list(struct site *s)
{
	site_fresh_defer_list(s);
}

enum ma_status
site_list(struct site *s)
{
	return site_fresh_list(s);
}

char *
site_staged_dir(const struct site *s, const char *rel)
{
	return s->fresh ? NULL : site_stage_path(s, rel);
}

bool
site_reads_own(const struct site *s)
{
	return s->fresh;
}

size_t
site_written(const struct site *s)
{
	return s->nwritten;
}

enum ma_status
site_spill(struct site *s, const char *dir)
{
	enum ma_status st;

	if (s->spill != NULL)
		return MA_OK;
	if ((st = site_set_spill(s->written, dir)) != MA_OK)
		return st;
	if (site_set_spilled(s->written) && (s->spill = strdup(dir)) == NULL)
		return MA_ENOMEM;
	return MA_OK;
}

void
site_spill_remove(const char *dir)
{
	site_set_spill_clear(dir);
	if (rmdir(dir) != 0 && errno != ENOENT && errno != ENOTDIR)
		log_warn("cannot remove '%s': %s", dir, strerror(errno));
}

enum ma_status
site_close(struct site *s, bool commit)
{
	enum ma_status st = MA_OK;

	if (s == NULL)
		return MA_OK;
	if (s->fresh) {
		st = site_fresh_close(s, commit);
	} else if (commit) {
		st = site_commit(s);
	} else if (s->stage != NULL && path_exists(s->stage)) {
		/* A failed run: nothing of it was published. */
		site_sweep_stage(s);
		log_notice("render of '%s' published nothing: the previous "
			   "site is left whole",
			   s->dir);
	}
	if (s->dirfd >= 0)
		close(s->dirfd);
	free(s->held_tmp);
	free(s->dir);
	free(s->stage);
	site_set_free(s->written);
	if (s->spill != NULL)
		site_spill_remove(s->spill);
	free(s->spill);
	if (s->dirs)
		g_hash_table_destroy(s->dirs);
	if (s->oplog != NULL)
		fclose(s->oplog);
	if (s->gone)
		g_hash_table_destroy(s->gone);
	if (s->appends)
		g_hash_table_destroy(s->appends);
	if (s->synced)
		g_hash_table_destroy(s->synced);
	free(s);
	return st;
}
