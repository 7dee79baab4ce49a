/*
 * The changes a run will publish, kept on disk rather than in memory.
 *
 * Why: a full run that rewrites every page of a large site (a new
 * version, a changed setting) changes some 3.5 files a message. A table
 * in memory of each path and its pending change cost about 80 bytes a
 * file, some 280 MB at a million messages, held until the commit.
 *
 * How: what a path is about to become is already on disk. A file to
 * publish is its staged copy in SITE/.render-next/ (nothing else is
 * ever there under its name), so a pending write is a staged file that
 * exists. Only removals need memory: their paths' 64-bit hashes
 * (site_path_hash(), as the set of paths produced), some 16 bytes each,
 * and a full run removes few files. Each change is also appended to a
 * log in the staging folder (SITE_OPS, "P rel", "R rel" or "A rel"), in
 * the order asked, so the commit publishes in the order of first change,
 * as the journal's top comment wants. An append is pending while rel is
 * in s->appends (a few a run: a month's mbox), which holds its offset.
 *
 * At the commit, site_plan_make() reads the log once and sorts each line
 * whose change is still pending into one of sixteen unnamed files (files
 * to publish that link nowhere, pages, removals, appends; each by rank),
 * which the journal is then written from. A path changed twice may be named
 * twice: the journal's steps may be done twice by design (a staged file
 * that is gone was published already), so the second does nothing.
 *
 * Memory: two stdio buffers while the run renders, sixteen at the commit,
 * and the removals; disk: a line a change in the log and in the plan.
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

/* A pending removal's key in s->gone: the path's hash, never NULL. */
static gpointer
gone_key(const char *rel)
{
	guint64 h = site_path_hash(rel);

	return GSIZE_TO_POINTER(h != 0 ? h : 1);
}

/* The log, opened at the first change. */
static enum ma_status
log_open(struct site *s)
{
	char *path;
	int e;

	if (s->oplog != NULL)
		return MA_OK;
	if ((path = path_fmt("%s/%s", s->stage, SITE_OPS)) == NULL)
		return MA_ENOMEM;
	if ((s->oplog = fopen(path, "w+e")) == NULL) {
		e = errno;
		log_err("cannot create '%s': %s", path, strerror(e));
		free(path);
		return path_errno_status(e);
	}
	free(path);
	return MA_OK;
}

enum ma_status
site_ops_note(struct site *s, const char *rel, bool remove)
{
	enum ma_status st;

	if ((st = log_open(s)) != MA_OK)
		return st;
	if (remove)
		g_hash_table_add(s->gone, gone_key(rel));
	else
		g_hash_table_remove(s->gone, gone_key(rel));
	/* A write error shows at the commit's flush (ferror()). */
	fprintf(s->oplog, "%c %s\n", remove ? 'R' : 'P', rel);
	s->nops++;
	return MA_OK;
}

char *
site_append_path(const struct site *s, const char *rel)
{
	return path_fmt("%s/%s/%s", s->stage, SITE_APPENDS, rel);
}

enum ma_status
site_ops_note_append(struct site *s, const char *rel, off_t at)
{
	enum ma_status st;
	gint64 *v;
	char *k;

	if ((st = log_open(s)) != MA_OK)
		return st;
	if ((k = strdup(rel)) == NULL || (v = malloc(sizeof *v)) == NULL) {
		free(k);
		return MA_ENOMEM;
	}
	*v = (gint64)at;
	g_hash_table_insert(s->appends, k, v);
	fprintf(s->oplog, "A %s\n", rel);
	s->nops++;
	return MA_OK;
}

void
site_ops_drop_append(struct site *s, const char *rel)
{
	char *p;

	if (!g_hash_table_remove(s->appends, rel))
		return;
	if ((p = site_append_path(s, rel)) != NULL)
		unlink(p);
	free(p);
}

void
site_ops_forget(struct site *s, const char *rel)
{
	g_hash_table_remove(s->gone, gone_key(rel));
}

enum site_op
site_ops_state(const struct site *s, const char *rel)
{
	struct stat sb;
	char *p;
	bool there;

	if (s->nops == 0)
		return SITE_OP_NONE;
	if (g_hash_table_contains(s->gone, gone_key(rel)))
		return SITE_OP_REMOVE;
	if ((p = site_stage_path(s, rel)) == NULL)
		return SITE_OP_NONE;
	there = lstat(p, &sb) == 0;
	free(p);
	return there ? SITE_OP_PUT : SITE_OP_NONE;
}

bool
site_ops_any(const struct site *s)
{
	return s->nops > 0;
}

/* A page may link to other files; anything else links to nothing. */
static bool
is_page(const char *rel, size_t n)
{
	return n > 5 && (strcmp(rel + n - 5, ".html") == 0 ||
			 strcmp(rel + n - 5, ".atom") == 0);
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

/* An unnamed file in the staging folder (a named one, unlinked at once,
 * where there is no O_TMPFILE). */
static FILE *
plan_file(const struct site *s)
{
	int fd = -1;
	FILE *f;

#ifdef O_TMPFILE
	fd = open(s->stage, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
	if (fd < 0) {
		char *tmp = path_fmt("%s/.plan.XXXXXX", s->stage);

		if (tmp == NULL)
			return NULL;
		if ((fd = mkostemp(tmp, O_CLOEXEC)) >= 0)
			unlink(tmp);
		free(tmp);
	}
	if (fd < 0)
		return NULL;
	if ((f = fdopen(fd, "w+")) == NULL)
		close(fd);
	return f;
}

void
site_plan_free(struct site_plan *p)
{
	for (int k = 0; k < SITE_PLAN_KINDS; k++)
		for (int r = 0; r < SITE_PLAN_RANKS; r++)
			if (p->b[k][r] != NULL)
				fclose(p->b[k][r]);
	memset(p, 0, sizeof *p);
}

/* Which plan file the log's line for rel goes to (-1: not pending). */
static int
plan_kind(const struct site *s, char op, const char *rel, size_t n)
{
	if (op == 'R')
		return g_hash_table_contains(s->gone, gone_key(rel))
			   ? SITE_PLAN_GONE
			   : -1;
	if (op == 'A')
		return g_hash_table_contains(s->appends, rel)
			   ? SITE_PLAN_APPENDS
			   : -1;
	if (site_ops_state(s, rel) != SITE_OP_PUT)
		return -1;
	return is_page(rel, n) ? SITE_PLAN_PAGES : SITE_PLAN_LEAVES;
}

/* Sort one line of the log ("P rel", "R rel" or "A rel", no newline)
 * into p: an append as "OFFSET rel". */
static enum ma_status
plan_line(struct site *s, struct site_plan *p, char *line, size_t n)
{
	int k, r;
	FILE **f;

	if (n < 3 || line[1] != ' ' || line[0] == '\0' ||
	    strchr("PRA", line[0]) == NULL) {
		log_err("'%s/%s': a damaged line", s->stage, SITE_OPS);
		return MA_EIO;
	}
	if ((k = plan_kind(s, line[0], line + 2, n - 2)) < 0)
		return MA_OK;
	r = page_rank(line + 2);
	f = &p->b[k][r];
	if (*f == NULL && (*f = plan_file(s)) == NULL) {
		int e = errno;

		log_err("cannot create a temp file in '%s': %s", s->stage,
			strerror(e));
		return path_errno_status(e);
	}
	if (k == SITE_PLAN_APPENDS)
		fprintf(*f, "%" G_GINT64_FORMAT " ",
			*(gint64 *)g_hash_table_lookup(s->appends, line + 2));
	fprintf(*f, "%s\n", line + 2);
	p->lines++;
	if (k != SITE_PLAN_GONE)
		p->puts++;
	if (k == SITE_PLAN_PAGES)
		p->pages++;
	return MA_OK;
}

/* Flush and rewind a plan file or the log, reporting a write error. */
static enum ma_status
plan_rewind(const struct site *s, FILE *f)
{
	int e;

	if (fflush(f) == 0 && !ferror(f) && fseek(f, 0, SEEK_SET) == 0)
		return MA_OK;
	e = errno;
	log_err("cannot write a temp file in '%s': %s", s->stage, strerror(e));
	return path_errno_status(e);
}

enum ma_status
site_plan_make(struct site *s, struct site_plan *p)
{
	enum ma_status st;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	memset(p, 0, sizeof *p);
	if (s->oplog == NULL)
		return MA_OK;
	if ((st = plan_rewind(s, s->oplog)) != MA_OK)
		return st;
	while (st == MA_OK && (n = getline(&line, &cap, s->oplog)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		st = plan_line(s, p, line, (size_t)n);
	}
	free(line);
	if (st == MA_OK && ferror(s->oplog)) {
		log_err("cannot read '%s/%s': %s", s->stage, SITE_OPS,
			strerror(errno));
		st = MA_EIO;
	}
	for (int k = 0; k < SITE_PLAN_KINDS && st == MA_OK; k++)
		for (int r = 0; r < SITE_PLAN_RANKS && st == MA_OK; r++)
			if (p->b[k][r] != NULL)
				st = plan_rewind(s, p->b[k][r]);
	if (st != MA_OK)
		site_plan_free(p);
	return st;
}

enum ma_status
site_plan_each(const struct site *s, struct site_plan *p, int kind,
	       enum ma_status (*fn)(const char *rel, void *arg), void *arg)
{
	enum ma_status st = MA_OK;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	for (int r = 0; r < SITE_PLAN_RANKS && st == MA_OK; r++) {
		FILE *f = p->b[kind][r];

		if (f == NULL)
			continue;
		if (fseek(f, 0, SEEK_SET) != 0) {
			st = path_errno_status(errno);
			break;
		}
		while (st == MA_OK && (n = getline(&line, &cap, f)) > 0) {
			if (line[n - 1] == '\n')
				line[--n] = '\0';
			st = fn(line, arg);
		}
		if (st == MA_OK && ferror(f)) {
			log_err("cannot read a temp file in '%s': %s", s->stage,
				strerror(errno));
			st = MA_EIO;
		}
	}
	free(line);
	return st;
}
