/* The mailarc-index stage: see index.h for the queue and its offset. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "dedupe_db.h"
#include "index.h"
#include "log.h"
#include "maildir.h"
#include "msg.h"
#include "path.h"
#include "progress.h"
#include "space.h"
#include "tsv.h"

struct run {
	const struct index_run_opts *o;
	struct index *ix;
	struct dedupe_db *db; /* opened on first lookup */
	char *archive;
	struct index_stats *stats;
	unsigned long pending; /* files indexed since the last commit */
	struct progress prog;  /* drawn on a terminal only (progress.h) */
};

static enum ma_status
run_open(struct run *r, const struct index_run_opts *o,
	 struct index_stats *stats)
{
	enum ma_status st;

	memset(r, 0, sizeof *r);
	memset(stats, 0, sizeof *stats);
	r->o = o;
	r->stats = stats;
	progress_start(&r->prog, o->space_key, 0, 0);
	if ((st = index_open(o->space_dir, INDEX_WRITE, &r->ix)) != MA_OK)
		return st;
	if ((r->archive = realpath(o->space_dir, NULL)) == NULL) {
		log_err("cannot resolve '%s': %s", o->space_dir,
			strerror(errno));
		return MA_EIO;
	}
	{
		char *a = space_part_path(r->archive, SPACE_ARCHIVE);

		free(r->archive);
		if ((r->archive = a) == NULL)
			return MA_ENOMEM;
	}
	return MA_OK;
}

static enum ma_status
run_close(struct run *r, enum ma_status st)
{
	enum ma_status s2;

	progress_end(&r->prog);
	s2 = index_close(r->ix);

	dedupe_db_close(r->db);
	free(r->archive);
	return st != MA_OK ? st : s2;
}

/* One file: index, tag, print. Gone or not mail is counted, not fatal. */
static enum ma_status
index_one(struct run *r, const char *path, const char *source)
{
	char stag[KEY_MAX + 16], atag[KEY_MAX + 16];
	const char *tags[3] = {stag, atag, NULL};
	enum ma_status st;
	int n;

	n = snprintf(stag, sizeof stag, "space:%s", r->o->space_key);
	if (n < 0 || (size_t)n >= sizeof stag)
		return MA_ETOOBIG;
	n = snprintf(atag, sizeof atag, "account:%s", source);
	if (n < 0 || (size_t)n >= sizeof atag)
		return MA_ETOOBIG;
	st = index_add(r->ix, path, tags, NULL);
	if (st == MA_ENOTFOUND) {
		r->stats->gone++;
		return MA_OK;
	}
	if (st == MA_EDATA) {
		r->stats->not_mail++;
		return MA_OK;
	}
	if (st != MA_OK)
		return st;
	r->stats->indexed++;
	r->pending++;
	if (r->o->out != NULL) {
		fputs(path, r->o->out);
		putc(r->o->sep, r->o->out);
	}
	return MA_OK;
}

/* Where an archived message named name is: new/, else cur/ (NULL). */
static char *
archive_file(const struct run *r, const char *name)
{
	char *p = path_fmt("%s/new/%s", r->archive, name);

	if (p != NULL && !path_exists(p)) {
		free(p);
		p = path_fmt("%s/cur/%s:2,", r->archive, name);
		if (p != NULL && !path_exists(p)) {
			free(p);
			p = NULL;
		}
	}
	return p;
}

static enum ma_status
read_offset(const char *path, off_t *offp)
{
	char *text = NULL, *end;
	size_t len;
	enum ma_status st = path_file_read_all(path, 64, &text, &len);
	long long v;

	if (st == MA_ENOTFOUND) {
		*offp = 0;
		return MA_OK;
	}
	if (st != MA_OK)
		return st;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || end == text || (*end != '\n' && *end != '\0') ||
	    v < 0) {
		log_err("'%s' is corrupt; remove it to index the whole queue "
			"again",
			path);
		free(text);
		return MA_EDATA;
	}
	free(text);
	*offp = (off_t)v;
	return MA_OK;
}

static enum ma_status
write_offset(const char *path, off_t off)
{
	char text[32];
	int n = snprintf(text, sizeof text, "%lld\n", (long long)off);

	if (n < 0 || (size_t)n >= sizeof text)
		return MA_ETOOBIG;
	return path_write_file_atomic(path, text, (size_t)n, 0600);
}

/* Names of archive files, collected while the queue is indexed. */
struct names {
	char **v;
	size_t n, cap;
};

static enum ma_status
names_add(struct names *ns, const char *name)
{
	if (ns->n == ns->cap) {
		char **v = array_grow(ns->v, &ns->cap, ns->n, sizeof *v, 64);

		if (v == NULL)
			return MA_ENOMEM;
		ns->v = v;
	}
	if ((ns->v[ns->n] = strdup(name)) == NULL)
		return MA_ENOMEM;
	ns->n++;
	return MA_OK;
}

static void
names_free(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
}

/* How many are queued past off (a long run shows how far it is); f is
 * left at off. */
static enum ma_status
queue_count(struct run *r, FILE *f, const char *qpath, off_t off)
{
	char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, f) > 0)
		r->prog.total++;
	free(line);
	if (fseeko(f, off, SEEK_SET) != 0) {
		log_err("cannot seek in '%s': %s", qpath, strerror(errno));
		return MA_EIO;
	}
	return MA_OK;
}

/*
 * Index the queue past the offset on an open run; the names it reached
 * (indexed or gone) are added to seen when given.
 */
static enum ma_status
queue_pass(struct run *r, struct names *seen)
{
	const char *dir = r->o->space_dir;
	char *qpath = space_part_path(dir, SPACE_INDEX_QUEUE);
	char *opath = space_part_path(dir, SPACE_INDEX_OFFSET);
	char *line = NULL;
	size_t cap = 0;
	enum ma_status st;
	off_t off = 0, done;
	ssize_t n;
	FILE *f = NULL;

	if (qpath == NULL || opath == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	if ((st = read_offset(opath, &off)) != MA_OK)
		goto out;
	if ((f = fopen(qpath, "re")) == NULL) {
		if (errno != ENOENT) {
			log_err("cannot open '%s': %s", qpath, strerror(errno));
			st = MA_EIO;
		}
		goto out;
	}
	if (fseeko(f, off, SEEK_SET) != 0) {
		log_err("cannot seek in '%s': %s", qpath, strerror(errno));
		st = MA_EIO;
		goto out;
	}
	done = off;
	if (r->prog.on && (st = queue_count(r, f, qpath, off)) != MA_OK)
		goto out;
	while (st == MA_OK && (n = getline(&line, &cap, f)) > 0) {
		char *rest, *path;

		/* A line still being written: the next run takes it. */
		if (line[n - 1] != '\n')
			break;
		line[n - 1] = '\0';
		done += n;
		progress_add(&r->prog, 1, 0);
		if ((rest = tsv_cut(line)) == NULL || line[0] == '\0') {
			log_warn("'%s': skipping a malformed line", qpath);
			continue;
		}
		if (seen != NULL && (st = names_add(seen, line)) != MA_OK)
			break;
		if ((path = archive_file(r, line)) == NULL) {
			/* Deleted since, or set aside by hand. */
			log_debug("'%s' is no longer in the archive", line);
			r->stats->gone++;
			continue;
		}
		st = index_one(r, path, rest);
		free(path);
		if (st == MA_OK && r->pending >= INDEX_BATCH) {
			if ((st = index_commit(r->ix)) == MA_OK)
				st = write_offset(opath, done);
			r->pending = 0;
		}
	}
	if (st == MA_OK && ferror(f)) {
		log_err("cannot read '%s': %s", qpath, strerror(errno));
		st = MA_EIO;
	}
	if (st == MA_OK && done != off) {
		if ((st = index_commit(r->ix)) == MA_OK)
			st = write_offset(opath, done);
		r->pending = 0;
	}
out:
	if (f != NULL)
		fclose(f);
	free(line);
	free(qpath);
	free(opath);
	return st;
}

enum ma_status
index_run_queue(const struct index_run_opts *o, struct index_stats *stats)
{
	enum ma_status st;
	struct run r;

	if ((st = run_open(&r, o, stats)) == MA_OK)
		st = queue_pass(&r, NULL);
	return run_close(&r, st);
}

/* The account of an archive file, from the dedupe index. */
static const char *
source_of(struct run *r, const char *path, char **heldp)
{
	char name[256];
	struct msg *m = NULL;
	const char *src = NULL;

	*heldp = NULL;
	if (r->db == NULL) {
		char *dir = space_part_path(r->o->space_dir, SPACE_DEDUPE_DB);

		if (dir == NULL || dedupe_db_open(dir, false, &r->db) != MA_OK)
			r->db = NULL;
		free(dir);
	}
	if (r->db != NULL &&
	    maildir_base_name(path, name, sizeof name) == MA_OK &&
	    msg_open(path, 0, &m) == MA_OK) {
		src = dedupe_db_source(r->db, m->message_id, name);
		if (src != NULL)
			*heldp = strdup(src);
		msg_free(m);
	}
	return *heldp != NULL ? *heldp : SPACE_SOURCE_UNKNOWN;
}

static enum ma_status
index_path(struct run *r, const char *given)
{
	char *path = realpath(given, NULL), *held;
	size_t n = strlen(r->archive);
	enum ma_status st;

	if (path == NULL) {
		log_warn("'%s' is gone: %s", given, strerror(errno));
		r->stats->gone++;
		return MA_OK;
	}
	if (strncmp(path, r->archive, n) != 0 || path[n] != '/') {
		log_err("'%s' is not in '%s'", given, r->archive);
		free(path);
		return MA_EUSAGE;
	}
	st = index_one(r, path, source_of(r, path, &held));
	free(held);
	free(path);
	if (st == MA_OK && r->pending >= INDEX_BATCH) {
		st = index_commit(r->ix);
		r->pending = 0;
	}
	return st;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The paths given are a hint that the queue has something new; the queue
 * says what and from which account, so nothing is hashed again. A path
 * in the archive that was not in the queue and is not indexed yet (put
 * there by hand, or named by "mailarc check --repair") is indexed on its
 * own, its account looked up as "--full" does.
 */
enum ma_status
index_run_paths(const struct index_run_opts *o, const char *(*next)(void *arg),
		void *arg, struct index_stats *stats)
{
	struct names given = {0}, seen = {0};
	enum ma_status st;
	const char *p;
	struct run r;

	if ((st = run_open(&r, o, stats)) != MA_OK)
		return run_close(&r, st);
	while (st == MA_OK && (p = next(arg)) != NULL) {
		char *real = realpath(p, NULL);
		size_t n = strlen(r.archive);

		if (real == NULL) {
			log_warn("'%s' is gone: %s", p, strerror(errno));
			r.stats->gone++;
			continue;
		}
		if (strncmp(real, r.archive, n) != 0 || real[n] != '/') {
			log_err("'%s' is not in '%s'", p, r.archive);
			st = MA_EUSAGE;
		} else {
			st = names_add(&given, real);
		}
		free(real);
	}
	if (st == MA_OK)
		st = queue_pass(&r, &seen);
	if (st == MA_OK && seen.n > 0)
		qsort(seen.v, seen.n, sizeof *seen.v, name_cmp);
	for (size_t i = 0; st == MA_OK && i < given.n; i++) {
		char name[256];
		const char *key = name;
		bool have = false;

		if (maildir_base_name(given.v[i], name, sizeof name) != MA_OK)
			continue;
		if (seen.n > 0 && bsearch(&key, seen.v, seen.n, sizeof *seen.v,
					  name_cmp) != NULL)
			continue;
		if ((st = index_has_file(r.ix, given.v[i], &have)) != MA_OK ||
		    have)
			continue;
		log_info("'%s' was not queued by mailarc-dedupe: indexing it "
			 "on its own",
			 name);
		st = index_path(&r, given.v[i]);
	}
	names_free(&given);
	names_free(&seen);
	return run_close(&r, st);
}

static int
full_one(const char *path, void *arg)
{
	struct run *r = arg;

	progress_add(&r->prog, 1, 0);
	return index_path(r, path) != MA_OK;
}

static int
count_one(const char *path, void *arg)
{
	(void)path;
	((struct run *)arg)->prog.total++;
	return 0;
}

enum ma_status
index_run_full(const struct index_run_opts *o, struct index_stats *stats)
{
	enum ma_status st;
	struct run r;
	int stopped = 0;

	if ((st = run_open(&r, o, stats)) == MA_OK) {
		/* On a terminal: count first, so the line says how far. */
		if (r.prog.on)
			st = maildir_scan(r.archive, NULL, count_one, &r,
					  &stopped);
		if (st == MA_OK)
			st = maildir_scan(r.archive, NULL, full_one, &r,
					  &stopped);
		if (st == MA_OK && stopped)
			st = MA_EIO;
	}
	return run_close(&r, st);
}
