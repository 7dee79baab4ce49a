/* The notmuch database of a space: see index.h for the layout. */
#include <errno.h>
#include <limits.h>
#include <notmuch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "index_priv.h"
#include "log.h"
#include "mime.h"
#include "path.h"
#include "permalink.h"
#include "space.h"

static char *
space_real(const char *space_dir)
{
	char *real = realpath(space_dir, NULL);

	if (real == NULL)
		log_err("cannot resolve '%s': %s", space_dir, strerror(errno));
	return real;
}

char *
index_config_path(const char *space_dir)
{
	char *real = space_real(space_dir), *p;

	if (real == NULL)
		return NULL;
	p = space_part_path(real, SPACE_NOTMUCH_CONFIG);
	free(real);
	return p;
}

/* A GLib key file value: no newline, no leading blank, no backslash
 * (it would be read as an escape), no ';' '#' at its start. */
static bool
keyfile_value_ok(const char *v)
{
	if (*v == ' ' || *v == '\t')
		return false;
	return strpbrk(v, "\n\r\\") == NULL;
}

enum ma_status
index_config_write(const char *space_dir)
{
	char *real = space_real(space_dir), *path = NULL, *old = NULL;
	enum ma_status st;
	struct buf text;
	size_t oldlen = 0;

	if (real == NULL)
		return MA_EIO;
	buf_init(&text, 64 * 1024);
	if (!keyfile_value_ok(real)) {
		log_err("space folder '%s' cannot be written in a notmuch "
			"config file",
			real);
		st = MA_ECONFIG;
		goto out;
	}
	st = buf_addf(&text,
		      "# The notmuch database of this mailarc space, written "
		      "by mailarc-index.\n"
		      "# Use it with: notmuch --config=%s/notmuch/config "
		      "search ...\n"
		      "[database]\n"
		      "path=%s/notmuch\n"
		      "mail_root=%s/archive\n"
		      "\n"
		      "[new]\n"
		      "tags=\n"
		      "ignore=\n"
		      "\n"
		      "[search]\n"
		      "exclude_tags=\n"
		      "\n"
		      "[maildir]\n"
		      "synchronize_flags=false\n",
		      real, real, real);
	if (st != MA_OK)
		goto out;
	if ((path = space_part_path(real, SPACE_NOTMUCH)) == NULL ||
	    (st = path_mkdir_p(path, 0700)) != MA_OK)
		goto out;
	free(path);
	if ((path = space_part_path(real, SPACE_NOTMUCH_CONFIG)) == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	st = path_file_read_all(path, 1 << 20, &old, &oldlen);
	if (st == MA_OK && oldlen == text.len &&
	    memcmp(old, text.data, oldlen) == 0)
		goto out;
	st = path_write_file_atomic(path, text.data, text.len, 0600);
out:
	if (path == NULL && st == MA_OK)
		st = MA_ENOMEM;
	free(old);
	free(path);
	free(real);
	buf_release(&text);
	return st;
}

const char *
index_reason(const char *text, char *buf, size_t size)
{
	size_t o = 0;

	/* notmuch's messages span lines ("...\nQuery string was: ...");
	 * a log line is one line. */
	for (const char *p = text; p != NULL && *p && o + 1 < size; p++)
		buf[o++] = (*p == '\n' || *p == '\r') ? ' ' : *p;
	while (o > 0 && buf[o - 1] == ' ')
		o--;
	buf[o] = '\0';
	return buf;
}

/* Xapian says "Unable to get write lock" when another writer holds it. */
static enum ma_status
open_status(notmuch_status_t ns, const char *msg)
{
	if (ns == NOTMUCH_STATUS_OUT_OF_MEMORY)
		return MA_ENOMEM;
	if (msg != NULL && strstr(msg, "lock") != NULL)
		return MA_ETEMP;
	return MA_EIO;
}

/*
 * A database is made under a mark (xapian.creating) removed once notmuch
 * has committed it: a run killed while notmuch creates it leaves a
 * Xapian folder that notmuch cannot open, and the mark says so. Nothing
 * was indexed into it (the queue offset has not moved): it is made again.
 */
static enum ma_status
half_made(const char *xapian)
{
	char *mark = path_fmt("%s.creating", xapian);
	enum ma_status st = MA_OK;

	if (mark == NULL)
		return MA_ENOMEM;
	if (path_exists(mark)) {
		log_notice("'%s' was left half made by an interrupted run: "
			   "making it again",
			   xapian);
		if ((st = path_rm_rf(xapian)) == MA_OK && unlink(mark) != 0 &&
		    errno != ENOENT) {
			log_err("cannot remove '%s': %s", mark,
				strerror(errno));
			st = MA_EIO;
		}
	}
	free(mark);
	return st;
}

/*
 * Beside a database about to be made, how many bytes of the space's
 * tombstones were written before it: their lines name threads by an
 * earlier database's numbers, which the render finds again
 * (lib/render/tomb_map.c). Whoever writes a tombstone holds the index
 * lock, as whoever makes the database does, so every line past them is
 * this database's.
 */
static enum ma_status
tombs_before(const char *space_dir)
{
	char *ts = space_part_path(space_dir, SPACE_TOMBSTONES);
	char *p = space_part_path(space_dir, SPACE_NOTMUCH_TOMBS);
	enum ma_status st = ts == NULL || p == NULL ? MA_ENOMEM : MA_OK;
	struct stat sb = {0};
	char line[32];
	int n;

	if (st == MA_OK && stat(ts, &sb) != 0 && errno != ENOENT) {
		log_err("cannot read '%s': %s", ts, strerror(errno));
		st = path_errno_status(errno);
	}
	n = snprintf(line, sizeof line, "%lld\n", (long long)sb.st_size);
	if (st == MA_OK)
		st = path_write_file_atomic(p, line, (size_t)n, 0644);
	free(ts);
	free(p);
	return st;
}

/* Create the database, commit it, remove the mark, open it again. */
static notmuch_status_t
create_db(struct index *ix, const char *xapian, char **msgp)
{
	char *mark = path_fmt("%s.creating", xapian);
	notmuch_status_t ns;

	if (mark == NULL)
		return NOTMUCH_STATUS_OUT_OF_MEMORY;
	if (tombs_before(ix->space_dir) != MA_OK ||
	    path_write_file_atomic(mark, "", 0, 0600) != MA_OK) {
		free(mark);
		return NOTMUCH_STATUS_FILE_ERROR;
	}
	ns = notmuch_database_create_with_config(NULL, ix->config, NULL,
						 &ix->db, msgp);
	if (ns == NOTMUCH_STATUS_SUCCESS) {
		ns = notmuch_database_close(ix->db);
		notmuch_database_destroy(ix->db);
		ix->db = NULL;
	}
	if (ns == NOTMUCH_STATUS_SUCCESS && unlink(mark) != 0)
		ns = NOTMUCH_STATUS_FILE_ERROR;
	free(mark);
	if (ns != NOTMUCH_STATUS_SUCCESS)
		return ns;
	log_info("created notmuch database for '%s'", ix->space_dir);
	return notmuch_database_open_with_config(
	    NULL, NOTMUCH_DATABASE_MODE_READ_WRITE, ix->config, NULL, &ix->db,
	    msgp);
}

static enum ma_status
db_open(struct index *ix)
{
	notmuch_database_mode_t mode = ix->mode == INDEX_WRITE
					   ? NOTMUCH_DATABASE_MODE_READ_WRITE
					   : NOTMUCH_DATABASE_MODE_READ_ONLY;
	notmuch_status_t ns;
	char *msg = NULL, *xapian, why[512];
	bool exists;

	/* Before libnotmuch parses mail with gmime. */
	if (ix->mode == INDEX_WRITE)
		mime_init_indexing();
	else
		mime_init();
	if ((xapian = space_part_path(ix->space_dir, SPACE_NOTMUCH_XAPIAN)) ==
	    NULL)
		return MA_ENOMEM;
	if (ix->mode == INDEX_WRITE) {
		enum ma_status st = half_made(xapian);

		if (st != MA_OK) {
			free(xapian);
			return st;
		}
	}
	exists = path_exists(xapian);
	if (exists || ix->mode != INDEX_WRITE)
		ns = notmuch_database_open_with_config(NULL, mode, ix->config,
						       NULL, &ix->db, &msg);
	else
		ns = NOTMUCH_STATUS_NO_DATABASE;
	if (ns == NOTMUCH_STATUS_NO_DATABASE && ix->mode == INDEX_WRITE) {
		free(msg);
		msg = NULL;
		if (ix->db != NULL) {
			notmuch_database_destroy(ix->db);
			ix->db = NULL;
		}
		ns = create_db(ix, xapian, &msg);
	}
	free(xapian);
	if (ns == NOTMUCH_STATUS_SUCCESS) {
		free(msg);
		return MA_OK;
	}
	if (ix->db != NULL) {
		notmuch_database_destroy(ix->db);
		ix->db = NULL;
	}
	if (ns == NOTMUCH_STATUS_NO_DATABASE ||
	    ns == NOTMUCH_STATUS_NO_CONFIG) {
		log_err("space '%s' has no notmuch database yet (run "
			"mailarc-index)",
			ix->space_dir);
		free(msg);
		return MA_ENOTFOUND;
	}
	log_err("cannot open notmuch database of '%s': %s", ix->space_dir,
		index_reason(msg ? msg : notmuch_status_to_string(ns), why,
			     sizeof why));
	{
		enum ma_status st = open_status(ns, msg);

		free(msg);
		return st;
	}
}

enum ma_status
index_open(const char *space_dir, enum index_mode mode, struct index **ixp)
{
	struct index *ix = calloc(1, sizeof *ix);
	enum ma_status st;

	if (ix == NULL)
		return MA_ENOMEM;
	ix->mode = mode;
	if ((ix->space_dir = space_real(space_dir)) == NULL) {
		free(ix);
		return MA_EIO;
	}
	if ((ix->config = space_part_path(ix->space_dir,
					  SPACE_NOTMUCH_CONFIG)) == NULL ||
	    (ix->mail_root = space_part_path(ix->space_dir, SPACE_ARCHIVE)) ==
		NULL) {
		st = MA_ENOMEM;
		goto fail;
	}
	if (mode == INDEX_WRITE &&
	    (st = index_config_write(ix->space_dir)) != MA_OK)
		goto fail;
	if (mode == INDEX_READ && !path_exists(ix->config)) {
		log_err("space '%s' has no notmuch database yet (run "
			"mailarc-index)",
			ix->space_dir);
		st = MA_ENOTFOUND;
		goto fail;
	}
	if ((st = db_open(ix)) != MA_OK)
		goto fail;
	*ixp = ix;
	return MA_OK;
fail:
	free(ix->config);
	free(ix->mail_root);
	free(ix->space_dir);
	free(ix);
	return st;
}

enum ma_status
index_open_notmuch(const char *space_dir, const char *key,
		   notmuch_database_t **dbp)
{
	char *conf = space_part_path(space_dir, SPACE_NOTMUCH_CONFIG);
	char *err = NULL;
	notmuch_status_t ns;

	if (conf == NULL)
		return MA_ENOMEM;
	if (!path_exists(conf)) {
		log_err("space '%s' has no notmuch database yet ('%s' is "
			"missing): run mailarc-index first",
			key, conf);
		free(conf);
		return MA_ECONFIG;
	}
	ns = notmuch_database_open_with_config(
	    NULL, NOTMUCH_DATABASE_MODE_READ_ONLY, conf, NULL, dbp, &err);
	if (ns != NOTMUCH_STATUS_SUCCESS) {
		log_err("cannot open the notmuch database of space '%s': %s",
			key, err != NULL ? err : notmuch_status_to_string(ns));
		free(err);
		free(conf);
		return ns == NOTMUCH_STATUS_NO_DATABASE ? MA_ECONFIG : MA_EIO;
	}
	free(err);
	free(conf);
	return MA_OK;
}

/* What notmuch_database_index_file() said about path, as a status. */
static enum ma_status
index_file_status(const char *path, notmuch_status_t ns)
{
	switch (ns) {
	case NOTMUCH_STATUS_SUCCESS:
	case NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID:
		return MA_OK;
	case NOTMUCH_STATUS_FILE_NOT_EMAIL:
		/* dedupe's msg_check() took it: the two disagree. */
		log_err("notmuch refuses archived '%s' as mail: it is archived "
			"but not visible (a bug: please report it)",
			path);
		return MA_EDATA;
	case NOTMUCH_STATUS_FILE_ERROR:
		if (!path_exists(path)) {
			log_info("'%s' is gone", path);
			return MA_ENOTFOUND;
		}
		log_err("cannot index '%s': %s", path,
			notmuch_status_to_string(ns));
		return MA_EIO;
	case NOTMUCH_STATUS_OUT_OF_MEMORY:
		return MA_ENOMEM;
	default:
		log_err("cannot index '%s': %s", path,
			notmuch_status_to_string(ns));
		return MA_EIO;
	}
}

/* Whether m has tag. */
static bool
has_tag(notmuch_message_t *m, const char *tag)
{
	notmuch_tags_t *ts = notmuch_message_get_tags(m);
	bool found = false;

	for (; ts != NULL && notmuch_tags_valid(ts) && !found;
	     notmuch_tags_move_to_next(ts))
		found = strcmp(notmuch_tags_get(ts), tag) == 0;
	notmuch_tags_destroy(ts);
	return found;
}

/*
 * Tag m (frozen: one write for them all). Another file of a message
 * indexed before (dup) usually has its tags already: adding one again
 * would still write the whole document anew (libnotmuch does not look),
 * which for a message of many files grows with their number; such a
 * message is written only for a tag it lacks.
 */
static enum ma_status
tag_message(notmuch_message_t *m, const char *path, const char *const *tags,
	    bool dup)
{
	enum ma_status st = MA_OK;
	notmuch_status_t ns;
	size_t i = 0;

	while (dup && tags != NULL && tags[i] != NULL && has_tag(m, tags[i]))
		i++;
	if (tags == NULL || tags[i] == NULL)
		return MA_OK;
	notmuch_message_freeze(m);
	for (; tags[i] != NULL; i++) {
		if ((ns = notmuch_message_add_tag(m, tags[i])) !=
		    NOTMUCH_STATUS_SUCCESS) {
			log_err("cannot tag '%s' with '%s': %s", path, tags[i],
				notmuch_status_to_string(ns));
			st = MA_EIO;
			break;
		}
	}
	if (st == MA_OK && notmuch_message_thaw(m) != NOTMUCH_STATUS_SUCCESS)
		st = MA_EIO;
	return st;
}

/*
 * libnotmuch writes a message's document when it indexes the file and
 * again when the tags are added (it has no way to take them in the first
 * write). Both writes go in one atomic section, so that no commit (ours,
 * notmuch's autocommit or Xapian's own flush) can hold the message
 * without its tags: the renderer would never show it. If tagging fails
 * the section stays open; closing the database then drops everything
 * since the last commit, and index_commit() refuses (ix->torn).
 */
enum ma_status
index_add(struct index *ix, const char *path, const char *const *tags,
	  char **message_id)
{
	notmuch_message_t *m = NULL;
	notmuch_status_t ns;
	enum ma_status st;

	if (ix->torn)
		return MA_EIO;
	if ((ns = notmuch_database_begin_atomic(ix->db)) !=
	    NOTMUCH_STATUS_SUCCESS) {
		log_err("cannot index '%s': %s", path,
			notmuch_status_to_string(ns));
		return MA_EIO;
	}
	mime_index_source(path);
	ns = notmuch_database_index_file(ix->db, path, NULL, &m);
	mime_index_source(NULL);
	if ((st = index_file_status(path, ns)) == MA_OK) {
		st = tag_message(m, path, tags,
				 ns == NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID);
		if (st == MA_OK && message_id != NULL &&
		    (*message_id = strdup(notmuch_message_get_message_id(m))) ==
			NULL)
			st = MA_ENOMEM;
		notmuch_message_destroy(m);
		if (st != MA_OK) {
			ix->torn = true;
			return st;
		}
		ix->changes++;
	}
	if ((ns = notmuch_database_end_atomic(ix->db)) !=
	    NOTMUCH_STATUS_SUCCESS) {
		log_err("cannot index '%s': %s", path,
			notmuch_status_to_string(ns));
		ix->torn = true;
		return MA_EIO;
	}
	return st;
}

enum ma_status
index_commit(struct index *ix)
{
	notmuch_status_t ns;

	if (ix->torn) {
		log_err("not committing the notmuch database of '%s': a "
			"message is half written (nothing since the last "
			"commit is kept)",
			ix->space_dir);
		return MA_EIO;
	}
	if (ix->changes == 0)
		return MA_OK;
	/* notmuch commits on close; outside an atomic section nothing is
	 * discarded. */
	ns = notmuch_database_close(ix->db);
	notmuch_database_destroy(ix->db);
	ix->db = NULL;
	if (ns != NOTMUCH_STATUS_SUCCESS) {
		log_err("cannot commit notmuch database of '%s': %s",
			ix->space_dir, notmuch_status_to_string(ns));
		return MA_EIO;
	}
	ix->changes = 0;
	return db_open(ix);
}

enum ma_status
index_close(struct index *ix)
{
	enum ma_status st = MA_OK;

	if (ix == NULL)
		return MA_OK;
	if (ix->db != NULL) {
		/* With a section left open (ix->torn), notmuch cancels it
		 * and Xapian drops every change since the last commit. */
		notmuch_status_t ns = notmuch_database_close(ix->db);

		if (ns != NOTMUCH_STATUS_SUCCESS) {
			log_err("cannot commit notmuch database of '%s': %s",
				ix->space_dir, notmuch_status_to_string(ns));
			st = MA_EIO;
		}
		notmuch_database_destroy(ix->db);
	}
	if (ix->torn)
		st = MA_EIO;
	free(ix->config);
	free(ix->mail_root);
	free(ix->space_dir);
	free(ix);
	return st;
}

/* Report one message to fn; its file names collected first. */
static int
report_message(notmuch_message_t *m,
	       int (*fn)(const struct index_hit *h, void *arg), void *arg,
	       enum ma_status *stp)
{
	notmuch_filenames_t *fns = notmuch_message_get_filenames(m);
	const char **files = NULL;
	size_t n = 0, cap = 0;
	struct index_hit h;
	int r;

	for (; fns && notmuch_filenames_valid(fns);
	     notmuch_filenames_move_to_next(fns)) {
		if (n == cap) {
			const char **nv =
			    array_grow(files, &cap, n, sizeof *nv, 4);

			if (nv == NULL) {
				free(files);
				*stp = MA_ENOMEM;
				return 1;
			}
			files = nv;
		}
		files[n++] = notmuch_filenames_get(fns);
	}
	h.message_id = notmuch_message_get_message_id(m);
	h.thread_id = notmuch_message_get_thread_id(m);
	h.files = files;
	h.nfiles = n;
	h.date = notmuch_message_get_date(m);
	r = fn(&h, arg);
	free(files);
	notmuch_filenames_destroy(fns);
	return r;
}

enum ma_status
index_query_create(struct index *ix, const char *query, notmuch_sort_t sort,
		   notmuch_query_t **qp)
{
	notmuch_query_t *q = NULL;
	notmuch_status_t ns;

	ns = notmuch_query_create_with_syntax(ix->db, query,
					      NOTMUCH_QUERY_SYNTAX_XAPIAN, &q);
	if (ns != NOTMUCH_STATUS_SUCCESS) {
		log_err("bad query '%s': %s", query,
			notmuch_status_to_string(ns));
		return ns == NOTMUCH_STATUS_OUT_OF_MEMORY ? MA_ENOMEM
							  : MA_EUSAGE;
	}
	notmuch_query_set_sort(q, sort);
	*qp = q;
	return MA_OK;
}

enum ma_status
index_query(struct index *ix, const char *query,
	    int (*fn)(const struct index_hit *h, void *arg), void *arg)
{
	notmuch_messages_t *ms = NULL;
	notmuch_query_t *q;
	notmuch_status_t ns;
	enum ma_status st;

	if ((st = index_query_create(ix, query, NOTMUCH_SORT_OLDEST_FIRST,
				     &q)) != MA_OK)
		return st;
	if ((ns = notmuch_query_search_messages(q, &ms)) !=
	    NOTMUCH_STATUS_SUCCESS) {
		const char *t = notmuch_database_status_string(ix->db);
		char why[512];

		log_err("bad query '%s': %s", query,
			index_reason(t ? t : notmuch_status_to_string(ns), why,
				     sizeof why));
		notmuch_query_destroy(q);
		return MA_EUSAGE;
	}
	for (; notmuch_messages_valid(ms); notmuch_messages_move_to_next(ms)) {
		notmuch_message_t *m = notmuch_messages_get(ms);
		int r = report_message(m, fn, arg, &st);

		notmuch_message_destroy(m);
		if (r != 0)
			break;
	}
	notmuch_query_destroy(q);
	return st;
}

enum ma_status
index_find(struct index *ix, const char *message_id,
	   int (*fn)(const struct index_hit *h, void *arg), void *arg)
{
	enum ma_status st;
	char *id;
	size_t n;

	/* People paste "<id>" from a header; notmuch stores it bare. */
	if (message_id[0] == '<')
		message_id++;
	if ((id = strdup(message_id)) == NULL)
		return MA_ENOMEM;
	n = strlen(id);
	if (n > 0 && id[n - 1] == '>')
		id[n - 1] = '\0';
	st = index_lookup(ix, id, fn, arg);
	free(id);
	return st;
}

enum ma_status
index_lookup(struct index *ix, const char *id,
	     int (*fn)(const struct index_hit *h, void *arg), void *arg)
{
	notmuch_message_t *m = NULL;
	notmuch_status_t ns;
	enum ma_status st = MA_OK;
	char shown[PERMALINK_LOG_MAX];

	ns = notmuch_database_find_message(ix->db, id, &m);
	if (ns != NOTMUCH_STATUS_SUCCESS) {
		permalink_log_id(id, shown);
		log_err("cannot look up <%s>: %s", shown,
			notmuch_status_to_string(ns));
		return MA_EIO;
	}
	if (m == NULL)
		return MA_ENOTFOUND;
	report_message(m, fn, arg, &st);
	notmuch_message_destroy(m);
	return st;
}

/* Whether every file notmuch holds of m is on disk. */
static bool
files_all_there(notmuch_message_t *m)
{
	notmuch_filenames_t *fs = notmuch_message_get_filenames(m);
	bool all = fs != NULL;

	for (; all && notmuch_filenames_valid(fs);
	     notmuch_filenames_move_to_next(fs))
		all = access(notmuch_filenames_get(fs), F_OK) == 0;
	notmuch_filenames_destroy(fs);
	return all;
}

/*
 * The message id that keeps other files after one of them went: indexed
 * again from those files. notmuch keeps the words and the header values
 * (subject, sender) of every file it indexed under the id, so without
 * this an erased version would still be found by its words and listed
 * by its subject.
 */
static enum ma_status
reindex_rest(struct index *ix, const char *id)
{
	notmuch_message_t *m = NULL;
	notmuch_status_t ns = notmuch_database_find_message(ix->db, id, &m);
	notmuch_indexopts_t *opts;
	char shown[PERMALINK_LOG_MAX];

	if (ns == NOTMUCH_STATUS_SUCCESS && m == NULL)
		return MA_OK;
	/* Files a run is removing one by one: the last one's removal
	 * does it, once those that stay are all there. */
	if (ns == NOTMUCH_STATUS_SUCCESS && !files_all_there(m)) {
		notmuch_message_destroy(m);
		return MA_OK;
	}
	if (ns == NOTMUCH_STATUS_SUCCESS) {
		opts = notmuch_database_get_default_indexopts(ix->db);
		ns = opts == NULL ? NOTMUCH_STATUS_OUT_OF_MEMORY
				  : notmuch_message_reindex(m, opts);
		notmuch_indexopts_destroy(opts);
		notmuch_message_destroy(m);
	}
	if (ns == NOTMUCH_STATUS_SUCCESS)
		return MA_OK;
	permalink_log_id(id, shown);
	log_err("cannot index <%s> again from the files it keeps: %s", shown,
		notmuch_status_to_string(ns));
	return MA_EIO;
}

enum ma_status
index_remove(struct index *ix, const char *path)
{
	notmuch_message_t *m = NULL;
	char *id = NULL;
	notmuch_status_t ns;
	enum ma_status st = MA_OK;

	/* Its id, for what its other files need after it (below). */
	if (notmuch_database_find_message_by_filename(ix->db, path, &m) ==
		NOTMUCH_STATUS_SUCCESS &&
	    m != NULL) {
		id = strdup(notmuch_message_get_message_id(m));
		notmuch_message_destroy(m);
		if (id == NULL)
			return MA_ENOMEM;
	}
	ns = notmuch_database_remove_message(ix->db, path);
	if (ns == NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID && id != NULL)
		st = reindex_rest(ix, id);
	free(id);
	if (ns == NOTMUCH_STATUS_SUCCESS ||
	    ns == NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID) {
		ix->changes++;
		return st;
	}
	log_err("cannot remove '%s' from the index: %s", path,
		notmuch_status_to_string(ns));
	return MA_EIO;
}

enum ma_status
index_has_file(struct index *ix, const char *path, bool *yes)
{
	notmuch_message_t *m = NULL;
	notmuch_status_t ns;

	ns = notmuch_database_find_message_by_filename(ix->db, path, &m);
	if (ns != NOTMUCH_STATUS_SUCCESS) {
		log_err("cannot look up '%s' in the index: %s", path,
			notmuch_status_to_string(ns));
		return MA_EIO;
	}
	*yes = m != NULL;
	if (m != NULL)
		notmuch_message_destroy(m);
	return MA_OK;
}

enum ma_status
index_file_thread(struct index *ix, const char *path, char *out, size_t size)
{
	notmuch_message_t *m = NULL;
	const char *t;
	bool ok;

	if (notmuch_database_find_message_by_filename(ix->db, path, &m) !=
		NOTMUCH_STATUS_SUCCESS ||
	    m == NULL)
		return MA_ENOTFOUND;
	t = notmuch_message_get_thread_id(m);
	ok = t != NULL && strlen(t) < size;
	if (ok)
		memcpy(out, t, strlen(t) + 1);
	notmuch_message_destroy(m);
	return ok ? MA_OK : MA_ENOTFOUND;
}

enum ma_status
index_count(struct index *ix, const char *query, bool files, unsigned long *np)
{
	notmuch_query_t *q;
	enum ma_status st;
	unsigned int n = 0;

	if ((st = index_query_create(ix, query, NOTMUCH_SORT_UNSORTED, &q)) !=
	    MA_OK)
		return st;
	if (!files) {
		if (notmuch_query_count_messages(q, &n) !=
		    NOTMUCH_STATUS_SUCCESS)
			st = MA_EUSAGE;
	} else {
		notmuch_messages_t *ms = NULL;

		if (notmuch_query_search_messages(q, &ms) !=
		    NOTMUCH_STATUS_SUCCESS)
			st = MA_EUSAGE;
		for (; st == MA_OK && notmuch_messages_valid(ms);
		     notmuch_messages_move_to_next(ms)) {
			notmuch_message_t *m = notmuch_messages_get(ms);

			n += (unsigned)notmuch_message_count_files(m);
			notmuch_message_destroy(m);
		}
	}
	notmuch_query_destroy(q);
	if (st == MA_OK)
		*np = n;
	else
		log_err("bad query '%s'", query);
	return st;
}
