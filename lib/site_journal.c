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
 *      A  files that only grew (an mbox given new mail) are cut to
 *         the size they had when staged and given their new bytes,
 *         then synced (site_file.c: their new bytes alone were staged;
 *         one linked elsewhere since is copied apart instead);
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
 * one rename(2), link(2) or unlink(2), atomic for readers (but A: a
 * download of a growing mbox during it may end part way through its
 * newest message; it links nowhere). Pages that
 * link to each other while both are new (a new message and its new
 * conversation) are the reason for the stubs: with one rename at a time,
 * one of them would otherwise be published before the other exists.
 *
 * A run that finds a journal carries it out first (each step can be done
 * twice: a staged file that is gone was published already; an append
 * cuts the file back first), so a kill or
 * a failure during step 3 is finished by the next run. Cost: one staged
 * write per changed file, two renames or links per new page and one
 * journal line per step, never a walk of the whole site.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "log.h"
#include "path.h"
#include "site_int.h"

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

/* Remember the published folders a step changed, for the last sync. */
static void
note_dir(struct site *s, const char *path)
{
	site_note_parents(s->synced, path, strlen(s->dir));
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

/* step_remove - 'R': remove dst and the folders that leaves empty. */
static enum ma_status
step_remove(struct site *s, char *dst)
{
	size_t root = strlen(s->dir);
	char *slash;

	if (unlink(dst) != 0 && errno != ENOENT) {
		int e = errno;

		log_err("cannot remove '%s': %s", dst, strerror(e));
		return path_errno_status(e);
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
	return MA_OK;
}

/* step_publish - 'P': rename staged src to dst. */
static enum ma_status
step_publish(struct site *s, const char *src, const char *dst)
{
	enum ma_status st = MA_OK;

	/* src is there: ENOENT means a folder of dst is missing. */
	if (rename(src, dst) != 0) {
		int e = errno;

		if (e == ENOENT && (st = make_parent_of(dst)) == MA_OK)
			e = rename(src, dst) == 0 ? 0 : errno;
		if (st == MA_OK && e != 0) {
			log_err("cannot rename '%s' to '%s': %s", src, dst,
				strerror(e));
			st = path_errno_status(e);
		}
		if (st != MA_OK)
			return st;
	}
	note_dir(s, dst);
	if (s->out != NULL)
		fprintf(s->out, "%s%c", dst, s->sep);
	return MA_OK;
}

/* No hard links here: a copy of its own, renamed into place (we hold the
 * lock: nothing else creates it). */
static enum ma_status
stub_copy(struct site *s, const char *rel, const char *dst)
{
	char *copy = path_fmt("%s/.stub-copy", s->stage);
	enum ma_status st;

	if (copy == NULL)
		return MA_ENOMEM;
	st = write_stub(copy, rel);
	if (st == MA_OK && !path_exists(dst) && rename(copy, dst) != 0) {
		int e = errno;

		log_err("cannot rename '%s' to '%s': %s", copy, dst,
			strerror(e));
		st = path_errno_status(e);
	}
	unlink(copy);
	free(copy);
	if (st == MA_OK)
		note_dir(s, dst);
	return st;
}

/* step_stub - 'S': a stub, only where nothing is yet. */
static enum ma_status
step_stub(struct site *s, const char *rel, const char *dst)
{
	enum ma_status st = MA_OK;
	int e = 0;

	for (int tries = 0; tries < 64 && st == MA_OK; tries++) {
		char *stub = stub_path(s, rel);

		if (stub == NULL)
			return MA_ENOMEM;
		if (!path_exists(stub))
			st = write_stub(stub, rel);
		if (st == MA_OK && link(stub, dst) == 0) {
			note_dir(s, dst);
			free(stub);
			return MA_OK;
		}
		e = errno;
		free(stub);
		if (st != MA_OK || e == EEXIST)
			return st;
		if (e == ENOENT)
			st = make_parent_of(dst);
		else if (e == EMLINK)
			s->nstub++; /* the stub has its most links: a new one */
		else if (e == EPERM || e == ENOTSUP || e == EOPNOTSUPP)
			return stub_copy(s, rel, dst);
		else
			break;
	}
	if (st == MA_OK) {
		log_err("cannot link a stub to '%s': %s", dst, strerror(e));
		st = path_errno_status(e);
	}
	return st;
}

/*
 * dst has another name (a backup that hard-links the site's files): its
 * first at bytes (out, open for reading too) and src's (in) after them
 * go into a file of its own, synced and renamed over dst, so the other
 * name keeps its bytes. The file is made beside src, in the staging
 * folder, which the end of the commit removes with whatever a crash
 * left there.
 */
static enum ma_status
append_apart(struct site *s, int in, const char *src, int out, const char *dst,
	     const struct stat *sb, off_t at)
{
	char *tmp = path_fmt("%s.whole", src);
	const char *verb = "write", *name = tmp;
	enum path_copy c = PATH_COPY_OK;
	off_t to = 0;
	int fd, e = 0;

	if (tmp == NULL)
		return MA_ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, sb->st_mode & 07777) != 0) {
		e = errno;
	} else if ((c = path_copy_range(out, 0, fd, &to, at)) != PATH_COPY_OK) {
		e = c == PATH_COPY_SHORT ? EIO : errno;
		if (c != PATH_COPY_WRITE) {
			verb = "read";
			name = dst;
		}
	} else if ((c = path_copy_range(in, 0, fd, &to, -1)) != PATH_COPY_OK) {
		e = errno;
		if (c == PATH_COPY_READ) {
			verb = "read";
			name = src;
		}
	} else if (fsync(fd) != 0) {
		e = errno;
	} else if (rename(tmp, dst) != 0) {
		e = errno;
		verb = "replace";
		name = dst;
	} else {
		note_dir(s, dst);
	}
	if (fd >= 0)
		close(fd);
	if (e != 0) {
		log_err("cannot %s '%s': %s", verb, name, strerror(e));
		unlink(tmp);
	}
	free(tmp);
	return e != 0 ? path_errno_status(e) : MA_OK;
}

/* step_append - 'A': dst cut to at bytes, staged src's bytes after them,
 * synced (a dst with another name: a copy, append_apart()); then src
 * goes. Done again after a crash, it cuts dst back. */
static enum ma_status
step_append(struct site *s, const char *src, const char *dst, off_t at)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out, e = 0;
	const char *verb = "append to", *name = dst;
	enum ma_status st = MA_OK;
	enum path_copy c;
	bool done = false;
	struct stat sb;

	if (in < 0) /* appended already */
		return errno == ENOENT ? MA_OK : path_errno_status(errno);
	if ((out = open(dst, O_RDWR | O_CLOEXEC)) < 0 && errno != ENOENT) {
		e = errno;
	} else if (out >= 0 && fstat(out, &sb) != 0) {
		e = errno;
	} else if (out < 0 || sb.st_size < at) {
		/* Not as this run read it (removed or cut by hand since):
		 * left for a later run to write whole. */
		log_warn("'%s' is not as this run read it: not appended to",
			 dst);
	} else if (sb.st_nlink != 1) {
		/* Linked since the run read it. */
		st = append_apart(s, in, src, out, dst, &sb, at);
		done = st == MA_OK;
	} else if (ftruncate(out, at) != 0) {
		e = errno;
	} else if ((c = path_copy_range(in, 0, out, &at, -1)) != PATH_COPY_OK ||
		   fsync(out) != 0) {
		e = errno;
		if (c == PATH_COPY_READ) {
			verb = "read";
			name = src;
		}
	} else {
		done = true;
	}
	if (e != 0) {
		log_err("cannot %s '%s': %s", verb, name, strerror(e));
		st = path_errno_status(e);
	}
	if (out >= 0)
		close(out);
	close(in);
	if (st == MA_OK)
		unlink(src);
	if (done && s->out != NULL)
		fprintf(s->out, "%s%c", dst, s->sep);
	return st;
}

/*
 * One step of the journal. Each can be done again after a crash: a
 * staged file that is gone was renamed into place already.
 */
static enum ma_status
do_step(struct site *s, char kind, const char *rel, off_t at)
{
	char *src =
	    kind == 'A' ? site_append_path(s, rel) : site_stage_path(s, rel);
	char *dst = site_final_path(s, rel);
	enum ma_status st = MA_OK;
	struct stat sb;

	if (src == NULL || dst == NULL) {
		st = MA_ENOMEM;
	} else if (kind == 'R') {
		st = step_remove(s, dst);
	} else if (kind == 'A') {
		st = step_append(s, src, dst, at);
	} else if (lstat(src, &sb) != 0) {
		if (errno != ENOENT) { /* else published already */
			int e = errno;

			log_err("cannot read '%s': %s", src, strerror(e));
			st = path_errno_status(e);
		}
	} else if (kind == 'P') {
		st = step_publish(s, src, dst);
	} else {
		st = step_stub(s, rel, dst);
	}
	free(src);
	free(dst);
	return st;
}

/* A line of the journal, "K rel" (K: P, S or R) or "A OFFSET rel":
 * whether it is one, and its path and offset. */
static bool
journal_parse(char *line, ssize_t n, char **rel, off_t *at)
{
	char *end;
	long long v;

	*at = 0;
	if (n < 3 || line[1] != ' ' || line[0] == '\0' ||
	    strchr("PSRA", line[0]) == NULL)
		return false;
	*rel = line + 2;
	if (line[0] == 'A') {
		if (line[2] < '0' || line[2] > '9')
			return false;
		errno = 0;
		v = strtoll(line + 2, &end, 10);
		if (errno != 0 || *end != ' ' || v < 0)
			return false;
		*at = (off_t)v;
		*rel = end + 1;
	}
	return site_check_rel(*rel) == MA_OK;
}

/* Carry out the journal at SITE/.render-next/.journal from its start. */
static enum ma_status
replay(struct site *s)
{
	char *path = path_fmt("%s/%s", s->stage, SITE_JOURNAL);
	enum ma_status st = MA_OK;
	char *line = NULL, tail[sizeof SITE_JOURNAL_END + 1], *rel;
	size_t cap = 0;
	ssize_t n;
	off_t at;
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
	    (strcmp(line, SITE_JOURNAL_HEAD "\n") != 0 &&
	     strcmp(line, SITE_JOURNAL_HEAD2 "\n") != 0)) {
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
		if (!journal_parse(line, n, &rel, &at)) {
			log_err("'%s': a damaged line", path);
			st = MA_EDATA;
			break;
		}
		st = do_step(s, line[0], rel, at);
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

/* Few files changed: fsync them and their folders; many: one syncfs(2)
 * (SITE_FSYNC_MAX, site_int.h). */
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
enum ma_status
site_sweep_stage(struct site *s)
{
	if (!path_exists(s->stage))
		return MA_OK;
	return path_rm_rf(s->stage);
}

/* Finish what a killed or failed commit began, then sweep. */
enum ma_status
site_recover(struct site *s)
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
		st = site_sweep_stage(s);
	return st;
}

/* Make one staged file durable, and note its folders for the next. */
struct stage_sync {
	struct site *s;
	GHashTable *dirs;
};

static enum ma_status
sync_file(struct stage_sync *ss, char *p)
{
	enum ma_status st;

	if (p == NULL)
		return MA_ENOMEM;
	st = sync_path(p, false);
	site_note_parents(ss->dirs, p, strlen(ss->s->stage));
	free(p);
	return st;
}

static enum ma_status
sync_staged(const char *rel, void *arg)
{
	struct stage_sync *ss = arg;

	return sync_file(ss, site_stage_path(ss->s, rel));
}

/* An append's plan line, "OFFSET rel": its new bytes. */
static enum ma_status
sync_tail(const char *line, void *arg)
{
	struct stage_sync *ss = arg;
	const char *rel = strchr(line, ' ');

	return rel != NULL ? sync_file(ss, site_append_path(ss->s, rel + 1))
			   : MA_EIO;
}

/* Make the staged files durable before a journal names them. */
static enum ma_status
sync_stage(struct site *s, struct site_plan *plan)
{
	struct stage_sync ss = {s, NULL};
	GHashTableIter it;
	gpointer k;
	enum ma_status st;

	if (plan->puts > SITE_FSYNC_MAX)
		return sync_all(s->stage);
	ss.dirs = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	st = site_plan_each(s, plan, SITE_PLAN_LEAVES, sync_staged, &ss);
	if (st == MA_OK)
		st = site_plan_each(s, plan, SITE_PLAN_PAGES, sync_staged, &ss);
	if (st == MA_OK)
		st = site_plan_each(s, plan, SITE_PLAN_APPENDS, sync_tail, &ss);
	g_hash_table_iter_init(&it, ss.dirs);
	while (st == MA_OK && g_hash_table_iter_next(&it, &k, NULL))
		st = sync_path(k, true);
	g_hash_table_destroy(ss.dirs);
	return st;
}

/* One journal line: the step (struct journal_step) and the path. */
struct journal_step {
	FILE *f;
	char kind;
};

static enum ma_status
journal_line(const char *rel, void *arg)
{
	const struct journal_step *js = arg;

	fprintf(js->f, "%c %s\n", js->kind, rel);
	return MA_OK;
}

/* Write the journal: leaves, stubs, pages, removals (see the top). */
static enum ma_status
write_journal(struct site *s, struct site_plan *plan)
{
	char *tmp = path_fmt("%s/%s", s->stage, SITE_JOURNAL_TMP);
	char *path = path_fmt("%s/%s", s->stage, SITE_JOURNAL);
	struct journal_step js = {NULL, 'P'};
	enum ma_status st = MA_OK;
	bool appends = false;
	FILE *f = NULL;
	int e = 0;

	for (int r = 0; r < SITE_PLAN_RANKS; r++)
		appends = appends || plan->b[SITE_PLAN_APPENDS][r] != NULL;
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
	js.f = f;
	fputs(appends ? SITE_JOURNAL_HEAD2 "\n" : SITE_JOURNAL_HEAD "\n", f);
	st = site_plan_each(s, plan, SITE_PLAN_LEAVES, journal_line, &js);
	js.kind = 'A';
	if (st == MA_OK)
		st = site_plan_each(s, plan, SITE_PLAN_APPENDS, journal_line,
				    &js);
	js.kind = 'S';
	if (st == MA_OK)
		st =
		    site_plan_each(s, plan, SITE_PLAN_PAGES, journal_line, &js);
	js.kind = 'P';
	if (st == MA_OK)
		st =
		    site_plan_each(s, plan, SITE_PLAN_PAGES, journal_line, &js);
	js.kind = 'R';
	if (st == MA_OK)
		st = site_plan_each(s, plan, SITE_PLAN_GONE, journal_line, &js);
	fputs(SITE_JOURNAL_END "\n", f);
	if (st == MA_OK &&
	    (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0)) {
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

/* Step 1 and 2 of the top comment: nothing published yet on failure.
 * *nonep: nothing was left to publish (no journal written). */
static enum ma_status
prepare(struct site *s, bool *nonep)
{
	struct site_plan plan;
	enum ma_status st;

	*nonep = false;
	if ((st = site_plan_make(s, &plan)) != MA_OK)
		return st;
	if (plan.lines == 0) {
		*nonep = true;
		return MA_OK;
	}
	/* The stubs too: a full disk after the journal must not be met
	 * by writing them (they need no sync: a stub, whole or not, links
	 * nowhere). */
	if (plan.pages > 0) {
		char *h = stub_path(s, "x.html"), *a = stub_path(s, "x.atom");

		st = h != NULL && a != NULL ? write_stub(h, "x.html")
					    : MA_ENOMEM;
		if (st == MA_OK)
			st = write_stub(a, "x.atom");
		free(h);
		free(a);
	}
	if (st == MA_OK)
		st = sync_stage(s, &plan);
	if (st == MA_OK)
		st = write_journal(s, &plan);
	site_plan_free(&plan);
	return st;
}

/* Commit the run: see the top of this file. */
enum ma_status
site_commit(struct site *s)
{
	char *journal;
	enum ma_status st;
	bool none;

	if (!site_ops_any(s))
		return site_sweep_stage(s);
	if ((st = prepare(s, &none)) != MA_OK) {
		site_sweep_stage(s);
		log_notice("render of '%s' published nothing: the previous "
			   "site is left whole",
			   s->dir);
		return st;
	}
	if (none)
		return site_sweep_stage(s);
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
	return site_sweep_stage(s);
}
