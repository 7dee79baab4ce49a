/* The dedupe stage: see dedupe.h for the rule and the crash protocol. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "dedupe.h"
#include "dedupe_db.h"
#include "dedupe_int.h"
#include "log.h"
#include "maildir.h"
#include "msg.h"
#include "path.h"
#include "space.h"
#include "tombstone.h"
#include "tsv.h"

static size_t
name_slot(const char *name)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h & (NAME_SLOTS - 1);
}

/* batch_find - the item of the batch called name, or NULL. */
static const struct item *
batch_find(const struct dedupe_run *r, const char *name)
{
	for (size_t h = name_slot(name);; h = (h + 1) & (NAME_SLOTS - 1)) {
		unsigned s = r->slot[h];

		if (s == 0)
			return NULL;
		if (strcmp(r->batch[s - 1].name, name) == 0)
			return &r->batch[s - 1];
	}
}

/* batch_note - item i of the batch can be found by its name. */
static void
batch_note(struct dedupe_run *r, size_t i)
{
	size_t h = name_slot(r->batch[i].name);

	while (r->slot[h] != 0)
		h = (h + 1) & (NAME_SLOTS - 1);
	r->slot[h] = (uint16_t)(i + 1);
}

static enum ma_status
append_sync(const char *path, const char *text, size_t len, bool sync)
{
	enum ma_status st;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0) {
		int e = errno;

		log_err("cannot open '%s': %s", path, strerror(e));
		return path_errno_status(e);
	}
	st = path_write_all(fd, text, len);
	if (st == MA_OK && sync && fsync(fd) != 0)
		st = path_errno_status(errno);
	if (st != MA_OK)
		log_err("cannot append to '%s': %s", path, strerror(errno));
	close(fd);
	return st;
}

/* Names in a journal line are Maildir base names: no tab, no newline. */
static enum ma_status
replay_pending(struct dedupe_run *r)
{
	char *text = NULL;
	size_t len = 0;
	enum ma_status st;
	struct buf out;

	st = path_file_read_all(r->pending_path, 64u << 20, &text, &len);
	if (st == MA_ENOTFOUND)
		return MA_OK;
	if (st != MA_OK)
		return st;
	buf_init(&out, 64u << 20);
	for (char *line = text, *nl; st == MA_OK && *line; line = nl + 1) {
		char *rest, *p;

		if ((nl = strchr(line, '\n')) == NULL)
			break;
		*nl = '\0';
		if ((rest = tsv_cut(line)) == NULL)
			continue;
		if ((p = path_fmt("%s/new/%s", r->archive, line)) == NULL) {
			st = MA_ENOMEM;
			break;
		}
		/* Only what reached archive/ is queued; the rest is still
		 * in incoming/ and this run archives it again. */
		if (path_exists(p))
			st = buf_addf(&out, "%s\t%s\n", line, rest);
		free(p);
	}
	if (st == MA_OK && out.len > 0)
		st = append_sync(r->queue_path, out.data, out.len, true);
	if (st == MA_OK && unlink(r->pending_path) != 0) {
		log_err("cannot remove '%s': %s", r->pending_path,
			strerror(errno));
		st = MA_EIO;
	}
	if (st == MA_OK)
		log_info("replayed an interrupted run's journal");
	buf_release(&out);
	free(text);
	return st;
}

enum ma_status
dedupe_run_open(const struct dedupe_opts *o, struct dedupe_run **rp)
{
	struct dedupe_run *r = calloc(1, sizeof *r);
	enum ma_status st;
	char *dbdir = NULL, *tspath = NULL;

	if (r == NULL)
		return MA_ENOMEM;
	r->o = *o;
	r->incoming = space_part_path(o->space_dir, SPACE_INCOMING);
	r->archive = space_part_path(o->space_dir, SPACE_ARCHIVE);
	r->duplicates = space_part_path(o->space_dir, SPACE_DUPLICATES);
	r->state = space_part_path(o->space_dir, SPACE_STATE);
	r->queue_path = space_part_path(o->space_dir, SPACE_INDEX_QUEUE);
	r->report_path = space_part_path(o->space_dir, SPACE_DEDUPE_REPORT);
	r->pending_path = space_part_path(o->space_dir, SPACE_DEDUPE_PENDING);
	dbdir = space_part_path(o->space_dir, SPACE_DEDUPE_DB);
	tspath = space_part_path(o->space_dir, SPACE_TOMBSTONES);
	if (r->incoming == NULL || r->archive == NULL ||
	    r->duplicates == NULL || r->state == NULL ||
	    r->queue_path == NULL || r->report_path == NULL ||
	    r->pending_path == NULL || dbdir == NULL || tspath == NULL) {
		st = MA_ENOMEM;
		goto fail;
	}
	if ((st = maildir_create(r->archive)) != MA_OK ||
	    (st = maildir_create(r->duplicates)) != MA_OK ||
	    (st = maildir_create(r->incoming)) != MA_OK)
		goto fail;
	/* Normalised copies a killed run left behind; their sources are
	 * still in incoming/. */
	maildir_clean_tmp(r->archive, 36 * 3600);
	if ((st = dedupe_db_open(dbdir, true, &r->db)) != MA_OK)
		goto fail;
	if ((st = tombstones_load(tspath, &r->ts)) != MA_OK)
		goto fail;
	if ((st = replay_pending(r)) != MA_OK)
		goto fail;
	free(dbdir);
	free(tspath);
	*rp = r;
	return MA_OK;
fail:
	free(dbdir);
	free(tspath);
	dedupe_run_close(r);
	return st;
}

static void
item_release(struct item *it)
{
	free(it->path);
	free(it->source);
	free(it->matched);
	free(it->also_source);
	free(it->message_id);
	if (it->copy != NULL && unlink(it->copy) != 0 && errno != ENOENT)
		log_warn("cannot remove '%s': %s", it->copy, strerror(errno));
	free(it->copy);
	free(it->source_left);
	memset(it, 0, sizeof *it);
}

/*
 * The source of a message: the Maildir++ folder it sits in
 * (incoming/.KEY/new/NAME), else the default.
 */
static char *
source_of(const struct dedupe_run *r, const char *path)
{
	size_t n = strlen(r->incoming);
	const char *p = path + n + 1, *slash;

	if (p[0] == '.' && (slash = strchr(p, '/')) != NULL) {
		char key[KEY_MAX + 1];
		size_t len = (size_t)(slash - p - 1);

		if (len > 0 && len <= KEY_MAX) {
			memcpy(key, p + 1, len);
			key[len] = '\0';
			if (key_valid(key))
				return strdup(key);
		}
	}
	return strdup(r->o.default_source ? r->o.default_source
					  : SPACE_SOURCE_UNKNOWN);
}

/*
 * Where the archived copy called name is (malloc'd), or NULL when it is
 * gone. Notmuch never renames (synchronize_flags is off), but an
 * administrator may have. A copy archived by this batch is still at its
 * source (or its normalised copy in archive/tmp), with the same bytes.
 */
static char *
archived_path(const struct dedupe_run *r, const char *name)
{
	const struct item *it = batch_find(r, name);
	char *p;

	if (it != NULL && it->action == ARCHIVE)
		return strdup(it->copy != NULL ? it->copy : it->path);
	p = path_fmt("%s/new/%s", r->archive, name);
	if (p != NULL && path_exists(p))
		return p;
	free(p);
	p = path_fmt("%s/cur/%s:2,", r->archive, name);
	if (p != NULL && path_exists(p))
		return p;
	free(p);
	return NULL;
}

static void
set_aside(struct item *it, const char *reason, const char *matched)
{
	it->action = SET_ASIDE;
	it->reason = reason;
	it->matched = strdup(matched ? matched : "-");
}

/*
 * Intake: write the normalised copy of it into archive/tmp and
 * let msg_check_file() judge the copy, as notmuch will read it.
 */
static enum ma_status
make_copy(struct dedupe_run *r, struct item *it, const struct msg *m)
{
	struct maildir_tmp t;
	enum ma_status st;

	if ((st = maildir_tmp_open(r->archive, &t)) != MA_OK)
		return st;
	/* Made durable with the batch (sync_copies()), before any rename. */
	st = msg_write_normalised(it->path, t.fd);
	if (st != MA_OK) {
		maildir_tmp_abort(&t);
		return st;
	}
	close(t.fd);
	it->copy = t.tmp_path;
	free(t.dir);
	free(t.name);
	if ((st = msg_check_file(it->copy, &it->verdict)) != MA_OK)
		return st;
	it->verdict = msg_verdict_name_binary(m, it->verdict);
	if (it->verdict != MSG_MAIL)
		log_warn("'%s' is not a message: %s", it->path,
			 msg_verdict_text(it->verdict));
	return MA_OK;
}

static void
not_a_message(struct item *it, enum msg_verdict v)
{
	it->verdict = v;
	set_aside(it, "not-a-message", msg_verdict_name(v));
}

/*
 * To be archived: normalised first where intake changes it, and judged
 * before the index learns it, so that a copy notmuch would refuse is set
 * aside, never archived. Duplicates never get this far: no copy is made
 * for them.
 */
static enum ma_status
intake(struct dedupe_run *r, struct item *it, const struct msg *m)
{
	enum ma_status st;

	if (m->normalise) {
		if ((st = make_copy(r, it, m)) != MA_OK)
			return st;
		if (it->verdict != MSG_MAIL) {
			not_a_message(it, it->verdict);
			return MA_OK;
		}
	}
	it->action = ARCHIVE;
	return MA_OK;
}

/* set_aside_by_rule - set it aside when a tombstone or X-No-Archive says
 * so: true then. */
static bool
set_aside_by_rule(struct dedupe_run *r, struct item *it, const struct msg *m)
{
	time_t at;

	if (tombstones_match(r->ts, m->message_id, m->identity, &at)) {
		char when[32];

		tombstone_format_time(at, when, sizeof when);
		set_aside(it,
			  tombstones_erased(r->ts, m->message_id, m->identity)
			      ? "erased"
			      : "deleted",
			  when);
		return true;
	}
	if (m->no_archive && !r->o.archive_no_archive) {
		set_aside(it, "x-no-archive", NULL);
		return true;
	}
	return false;
}

/* set_aside_duplicate - set it aside as a copy of archived e (file ap). */
static enum ma_status
set_aside_duplicate(struct item *it, const struct msg *m,
		    const struct dedupe_entry *e, const char *ap)
{
	set_aside(it, "duplicate", e->name);
	/* Named as the index and site name the archived copy: without a
	 * Message-ID, notmuch's own id. */
	if (m->synthetic) {
		char *nid = msg_notmuch_id(ap);

		if (nid != NULL) {
			free(it->message_id);
			it->message_id = nid;
		}
	}
	/* Brought by another account too (a bcc and a forward): the
	 * archived copy gets both tags. */
	if (strcmp(e->source, it->source) != 0 &&
	    (it->also_source = strdup(it->source)) == NULL)
		return MA_ENOMEM;
	return MA_OK;
}

/* Decide one message; append its index entry when it is archived. */
static enum ma_status
decide(struct dedupe_run *r, struct item *it)
{
	const struct dedupe_entry *v;
	struct msg *m = NULL;
	enum ma_status st;
	char *ap;
	size_t n;

	if ((st = msg_open(it->path, MSG_CHECK, &m)) == MA_EDATA) {
		not_a_message(it, MSG_NO_HEADER);
		return it->matched == NULL ? MA_ENOMEM : MA_OK;
	}
	if (st != MA_OK)
		return st;
	if (m->message_id != NULL &&
	    (it->message_id = strdup(m->message_id)) == NULL) {
		msg_free(m);
		return MA_ENOMEM;
	}
	if (m->verdict != MSG_MAIL) {
		not_a_message(it, m->verdict);
		goto out;
	}
	if (set_aside_by_rule(r, it, m))
		goto out;
	if ((st = dedupe_db_find(r->db, m->message_id, &v, &n)) != MA_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].identity, m->identity) != 0)
			continue;
		if (strcmp(v[i].name, it->name) == 0) {
			/* Our own entry: a run killed before the move. */
			st = intake(r, it, m);
			goto out;
		}
		if ((ap = archived_path(r, v[i].name)) != NULL) {
			st = set_aside_duplicate(it, m, &v[i], ap);
			free(ap);
			goto out;
		}
		log_info("'%s': its archived copy '%s' is gone; archiving "
			 "this one",
			 it->path, v[i].name);
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].identity, m->identity) != 0) {
			log_notice("'%s' has the Message-ID <%s> of archived "
				   "'%s' but another body: keeping both",
				   it->name, m->message_id, v[i].name);
			break;
		}
	}
	if ((st = intake(r, it, m)) == MA_OK && it->action == ARCHIVE)
		st = dedupe_db_add(r->db, m->identity, it->name, it->source,
				   m->message_id);
out:
	msg_free(m);
	if (st == MA_OK && it->action == SET_ASIDE && it->matched == NULL)
		st = MA_ENOMEM;
	return st;
}

static void
print_path(struct dedupe_run *r, const char *path)
{
	if (r->o.out == NULL)
		return;
	fputs(path, r->o.out);
	putc(r->o.sep, r->o.out);
}

/* incoming/{new,cur} and those of each Maildir++ sub-folder. */
#define SRCDIRS_MAX 64

/* Remember the folder holding path, once; sync all when the list fills. */
static enum ma_status
note_dir(struct dedupe_run *r, char **dirs, size_t *n, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;
	char *d;

	for (size_t i = 0; i < *n; i++)
		if (strlen(dirs[i]) == len && strncmp(dirs[i], path, len) == 0)
			return MA_OK;
	if (*n == SRCDIRS_MAX) {
		/* Destinations first: a removal must never be durable
		 * before the arrival it goes with. */
		enum ma_status st0 = maildir_sync(r->archive);

		if (st0 == MA_OK)
			st0 = maildir_sync(r->duplicates);
		if (st0 != MA_OK)
			return st0;
		for (size_t i = 0; i < *n; i++) {
			enum ma_status st = path_fsync_dir(dirs[i]);

			free(dirs[i]);
			if (st != MA_OK) {
				for (size_t k = i + 1; k < *n; k++)
					free(dirs[k]);
				*n = 0;
				return st;
			}
		}
		*n = 0;
	}
	if ((d = strndup(path, len)) == NULL)
		return MA_ENOMEM;
	dirs[(*n)++] = d;
	return MA_OK;
}

/*
 * The batch's normalised copies are durable before the first rename: one
 * syncfs(2) of the space's file system for many copies (archive/ is on
 * it: the Maildirs of a space share one file system), rather than an
 * fsync per copy.
 */
static enum ma_status
sync_copies(const struct dedupe_run *r)
{
	bool any = false;
	int fd;

	for (size_t i = 0; i < r->n && !any; i++)
		any = r->batch[i].action == ARCHIVE && r->batch[i].copy != NULL;
	if (!any)
		return MA_OK;
	if ((fd = open(r->archive, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    syncfs(fd) != 0) {
		int e = errno;

		log_err("cannot sync '%s': %s", r->archive, strerror(e));
		if (fd >= 0)
			close(fd);
		return path_errno_status(e);
	}
	close(fd);
	return MA_OK;
}

/* Rename the normalised copy to archive/new/NAME: the name it came with. */
static enum ma_status
place_copy(struct dedupe_run *r, struct item *it, char **npp)
{
	char *dst = path_fmt("%s/new/%s", r->archive, it->name);

	if (dst == NULL)
		return MA_ENOMEM;
	if (rename(it->copy, dst) != 0) {
		int e = errno;

		log_err("cannot move '%s' to '%s': %s", it->copy, dst,
			strerror(e));
		free(dst);
		return path_errno_status(e);
	}
	*npp = dst;
	return MA_OK;
}

/* batch_records - the batch's lines for the index queue (pending) and the
 * set-aside report (report), stamped when. */
static enum ma_status
batch_records(const struct dedupe_run *r, const char *when, struct buf *pending,
	      struct buf *report)
{
	enum ma_status st = MA_OK;

	for (size_t i = 0; st == MA_OK && i < r->n; i++) {
		const struct item *it = &r->batch[i];

		if (it->action == ARCHIVE)
			st =
			    buf_addf(pending, "%s\t%s\n", it->name, it->source);
		else if (it->also_source != NULL &&
			 (st = buf_addf(pending, "%s\t%s\n", it->matched,
					it->also_source)) != MA_OK)
			break;
		if (it->action != ARCHIVE)
			st = buf_addf(report, "%s\t%s\t%s\t%s\t%s\n", when,
				      it->name, it->reason, it->matched,
				      it->message_id != NULL &&
					      strcmp(it->reason, "erased") != 0
					  ? it->message_id
					  : "-");
	}
	return st;
}

/* A message erased on request comes back from a server that still holds
 * it: it is dropped, not kept aside. */
static enum ma_status
drop_erased(struct dedupe_run *r, const struct item *it)
{
	if (unlink(it->path) != 0 && errno != ENOENT) {
		log_err("cannot remove '%s': %s", it->path, strerror(errno));
		return path_errno_status(errno);
	}
	r->stats.deleted++;
	log_notice("dropped '%s': erased on request at %s", it->name,
		   it->matched);
	return MA_OK;
}

/* count_moved - count (and log why) it was archived or set aside. */
static void
count_moved(struct dedupe_run *r, const struct item *it)
{
	if (it->action == ARCHIVE) {
		r->stats.archived++;
	} else if (strcmp(it->reason, "duplicate") == 0) {
		r->stats.duplicates++;
		log_notice("set aside '%s': duplicate of "
			   "archived '%s' (Message-ID <%s>)",
			   it->name, it->matched, it->message_id);
	} else if (strcmp(it->reason, "deleted") == 0) {
		r->stats.deleted++;
		log_notice("set aside '%s': <%s> was deleted "
			   "on purpose at %s",
			   it->name, it->message_id, it->matched);
	} else if (strcmp(it->reason, "x-no-archive") == 0) {
		r->stats.no_archive++;
		log_notice("set aside '%s': <%s> says "
			   "X-No-Archive: yes",
			   it->name, it->message_id);
	} else {
		r->stats.bad++;
		r->stats.not_mail[it->verdict]++;
		log_notice("set aside '%s': not a message (%s)", it->name,
			   msg_verdict_text(it->verdict));
	}
}

/* move_one - it to the archive or to duplicates/ (a normalised copy is
 * placed, its source removed later); it->path is then the new name. */
static enum ma_status
move_one(struct dedupe_run *r, struct item *it)
{
	const char *dst = it->action == ARCHIVE ? r->archive : r->duplicates;
	enum ma_status st;
	char *np = NULL;

	if (it->action == ARCHIVE && it->copy != NULL)
		st = place_copy(r, it, &np);
	else
		st = maildir_move(it->path, dst, false, false, &np);
	if (st != MA_OK)
		return st;
	count_moved(r, it);
	if (it->copy != NULL) {
		/* The source goes once the copy is durable. */
		it->source_left = it->path;
		free(it->copy);
		it->copy = NULL;
	} else {
		free(it->path);
	}
	it->path = np;
	return MA_OK;
}

/* sync_moved - the renames are durable: both folders, then the sources of
 * normalised copies go, then the folders they left (each synced once). */
static enum ma_status
sync_moved(struct dedupe_run *r, char **srcdirs, size_t nsrc)
{
	enum ma_status st = maildir_sync(r->archive);

	if (st == MA_OK)
		st = maildir_sync(r->duplicates);
	for (size_t i = 0; st == MA_OK && i < r->n; i++) {
		struct item *it = &r->batch[i];

		if (it->source_left != NULL && unlink(it->source_left) != 0 &&
		    errno != ENOENT) {
			log_err("cannot remove '%s': %s", it->source_left,
				strerror(errno));
			st = MA_EIO;
		}
	}
	for (size_t i = 0; st == MA_OK && i < nsrc; i++)
		st = path_fsync_dir(srcdirs[i]);
	return st;
}

/* queue_pending - the index queue learns the batch; pending goes. */
static enum ma_status
queue_pending(struct dedupe_run *r, const struct buf *pending)
{
	enum ma_status st =
	    append_sync(r->queue_path, pending->data, pending->len, true);

	if (st == MA_OK && unlink(r->pending_path) != 0) {
		log_err("cannot remove '%s': %s", r->pending_path,
			strerror(errno));
		st = MA_EIO;
	}
	return st;
}

static enum ma_status
flush(struct dedupe_run *r)
{
	struct buf pending, report;
	enum ma_status st;
	char when[32], *srcdirs[SRCDIRS_MAX];
	size_t nsrc = 0;
	bool moved_any = false;

	if (r->n == 0)
		return MA_OK;
	buf_init(&pending, 64u << 20);
	buf_init(&report, 64u << 20);
	tombstone_format_time(time(NULL), when, sizeof when);
	st = batch_records(r, when, &pending, &report);
	/* 1. The decisions are durable before anything moves. */
	if (st == MA_OK)
		st = dedupe_db_sync(r->db);
	if (st == MA_OK && report.len > 0)
		st = append_sync(r->report_path, report.data, report.len, true);
	if (st == MA_OK && pending.len > 0)
		st = path_write_file_atomic(r->pending_path, pending.data,
					    pending.len, 0600);
	if (st == MA_OK)
		st = sync_copies(r);
	/* 2. Move: rename(2) keeps each file in exactly one folder. */
	for (size_t i = 0; st == MA_OK && i < r->n; i++) {
		struct item *it = &r->batch[i];

		if ((st = note_dir(r, srcdirs, &nsrc, it->path)) != MA_OK)
			break;
		if (it->action == SET_ASIDE &&
		    strcmp(it->reason, "erased") == 0)
			st = drop_erased(r, it);
		else
			st = move_one(r, it);
		if (st == MA_OK)
			moved_any = true;
	}
	/* 3. The renames are durable, then the index queue learns them. */
	if (moved_any) {
		enum ma_status s2 = sync_moved(r, srcdirs, nsrc);

		if (st == MA_OK)
			st = s2;
	}
	if (st == MA_OK && pending.len > 0)
		st = queue_pending(r, &pending);
	if (st == MA_OK) {
		for (size_t i = 0; i < r->n; i++)
			if (r->batch[i].action == ARCHIVE)
				print_path(r, r->batch[i].path);
	}
	for (size_t i = 0; i < r->n; i++)
		item_release(&r->batch[i]);
	for (size_t i = 0; i < nsrc; i++)
		free(srcdirs[i]);
	r->n = 0;
	memset(r->slot, 0, sizeof r->slot);
	buf_release(&pending);
	buf_release(&report);
	return st;
}

enum ma_status
dedupe_run_add(struct dedupe_run *r, const char *path)
{
	size_t n = strlen(r->incoming);
	struct item *it;
	enum ma_status st;

	if (strncmp(path, r->incoming, n) != 0 || path[n] != '/' ||
	    strstr(path + n, "/../") != NULL) {
		log_err("'%s' is not in '%s'", path, r->incoming);
		return MA_EUSAGE;
	}
	it = &r->batch[r->n];
	memset(it, 0, sizeof *it);
	if (maildir_base_name(path, it->name, sizeof it->name) != MA_OK ||
	    it->name[0] == '\0' || it->name[0] == '.') {
		log_err("'%s' is not a Maildir message name", path);
		r->stats.errors++;
		return MA_OK;
	}
	/* The same message twice in one batch (a path given twice). */
	if (batch_find(r, it->name) != NULL) {
		log_debug("'%s' given twice", path);
		return MA_OK;
	}
	if ((it->path = strdup(path)) == NULL ||
	    (it->source = source_of(r, path)) == NULL) {
		item_release(it);
		return MA_ENOMEM;
	}
	st = decide(r, it);
	if (st == MA_EIO || st == MA_ENOTFOUND) {
		/* Logged by msg_open(): skip this one, go on. */
		r->stats.errors++;
		item_release(it);
		return MA_OK;
	}
	if (st != MA_OK) {
		item_release(it);
		return st;
	}
	batch_note(r, r->n);
	if (++r->n == DEDUPE_BATCH)
		return flush(r);
	return MA_OK;
}

static enum ma_status
write_last(const struct dedupe_run *r)
{
	char text[256], *p;
	const struct dedupe_stats *k = &r->stats;
	enum ma_status st;
	int n;

	n = snprintf(text, sizeof text,
		     "archived %lu\nduplicates %lu\ndeleted %lu\n"
		     "x-no-archive %lu\nnot-a-message %lu\n",
		     k->archived, k->duplicates, k->deleted, k->no_archive,
		     k->bad);
	if (n < 0 || (size_t)n >= sizeof text)
		return MA_ETOOBIG;
	if ((p = path_fmt("%s/dedupe.last", r->state)) == NULL)
		return MA_ENOMEM;
	st = path_write_file_atomic(p, text, (size_t)n, 0600);
	free(p);
	return st;
}

enum ma_status
dedupe_run_finish(struct dedupe_run *r)
{
	enum ma_status st = flush(r);

	if (st == MA_OK)
		st = dedupe_db_checkpoint(r->db);
	return st == MA_OK ? write_last(r) : st;
}

const struct dedupe_stats *
dedupe_run_stats(const struct dedupe_run *r)
{
	return &r->stats;
}

void
dedupe_run_close(struct dedupe_run *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		item_release(&r->batch[i]);
	dedupe_db_close(r->db);
	tombstones_free(r->ts);
	free(r->incoming);
	free(r->archive);
	free(r->duplicates);
	free(r->state);
	free(r->queue_path);
	free(r->report_path);
	free(r->pending_path);
	free(r);
}
