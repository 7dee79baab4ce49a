/*
 * The log of the state file: an incremental run appends what it changed
 * to SPACE/state/render.state instead of writing the whole file again,
 * so that adding a few messages costs a few lines and one fsync however
 * big the archive is. The file is then the state state.c writes (header,
 * blank line, entries in the site's order) followed by a line "@log"
 * (no tab: no entry line) and records, each a run's changes:
 *
 *	e TAB MESSAGE-ID TAB THREAD TAB DATE TAB ATTACHMENTS   entry set
 *	x TAB MESSAGE-ID                                       entry removed
 *	t TAB NAME TAB ROOT TAB TARGET                         thread name set
 *	c TAB REVISION TAB TOMBSTONES                          end of record
 *
 * Only records ended by their "c" line count: a run killed while it
 * appends leaves a tail that the next load ignores and the next append
 * cuts off (ftruncate to the last "c" line). When the log grows past a
 * quarter of the rest, or a run is full, or a thread name went, the
 * whole file is written again (atomically, state.c), without a log.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "path.h"
#include "render_int.h"

#define LOG_MARK "@log"

/* A 64-bit digest of a thread name's root and target (FNV-1a), never
 * 0. */
static uint64_t
tname_digest(const struct tname *t)
{
	uint64_t h = 14695981039346656037ull;

	for (const char *s = t->root; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	h = (h ^ 0xffu) * 1099511628211ull;
	for (const char *s = t->target; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h != 0 ? h : 1;
}

void
state_names_snapshot(struct run *r)
{
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, r->names);
	while (g_hash_table_iter_next(&it, NULL, &v))
		((struct tname *)v)->seen = tname_digest(v);
	r->names_seen = g_hash_table_size(r->names);
}

bool
state_log_mark(const char *p, const char *nl)
{
	return (size_t)(nl - p) == strlen(LOG_MARK) &&
	       memcmp(p, LOG_MARK, strlen(LOG_MARK)) == 0;
}

/* Where the committed records of the log in data[from..len) end. */
static size_t
log_committed(const char *data, size_t from, size_t len)
{
	size_t end = from;

	for (size_t p = from; p < len;) {
		const char *nl = memchr(data + p, '\n', len - p);

		if (nl == NULL)
			break;
		if (data[p] == 'c' && data[p + 1] == '\t')
			end = (size_t)(nl - data) + 1;
		p = (size_t)(nl - data) + 1;
	}
	return end;
}

/* An "x" line: the entry leaves the site. */
static enum ma_status
log_drop(struct run *r, const char *f)
{
	char *id = sitename_state_unescape(f, strlen(f));
	struct entry *e;

	if (id == NULL)
		return MA_ENOMEM;
	if ((e = g_hash_table_lookup(r->by_id, id)) != NULL) {
		g_hash_table_steal(r->by_id, e->msgid);
		g_ptr_array_add(r->dropped, e);
	}
	free(id);
	return MA_OK;
}

/* A "c" line: the revision and tombstone offset after its record. */
static void
log_commit(char *f, unsigned long *rev, long *off)
{
	char *tab = strchr(f, '\t');

	*rev = strtoul(f, NULL, 10);
	if (tab != NULL)
		*off = strtol(tab + 1, NULL, 10);
}

enum ma_status
state_log_load(struct run *r, char *data, size_t mark, size_t len,
	       unsigned long *rev, long *off)
{
	size_t end = log_committed(data, mark, len);
	enum ma_status st = MA_OK;
	char *p = data + mark;

	/* Past the "@log" line: mark points at it. */
	r->state_end = end > mark ? end : mark;
	r->log_len = end > mark ? end - mark : 0;
	if ((p = memchr(p, '\n', len - mark)) == NULL)
		return MA_OK;
	for (p++; p < data + end && st == MA_OK;) {
		char *nl = memchr(p, '\n', (size_t)(data + end - p));

		*nl = '\0';
		if (strncmp(p, "e\t", 2) == 0)
			st = state_entry(r, p + 2, nl, true);
		else if (strncmp(p, "x\t", 2) == 0)
			st = log_drop(r, p + 2);
		else if (strncmp(p, "t\t", 2) == 0)
			st = names_note(r, p + 2);
		else if (strncmp(p, "c\t", 2) == 0)
			log_commit(p + 2, rev, off);
		p = nl + 1;
	}
	return st;
}

static enum ma_status
log_entry(struct buf *b, const struct entry *e)
{
	enum ma_status st = buf_adds(b, "e\t");

	if (st == MA_OK)
		st = sitename_state_escape(b, e->msgid);
	if (st == MA_OK)
		st = buf_addf(b, "\t%s\t%lld\t%s\n", e->thread,
			      (long long)e->date, e->atts[0] ? e->atts : "-");
	return st;
}

/*
 * The entries this run may have changed: those notmuch or a tombstone
 * changed, and those of every thread rendered again (their attachment
 * lists are made there).
 */
static enum ma_status
log_entries(struct run *r, GPtrArray *changed, struct buf *b)
{
	GHashTable *ch = g_hash_table_new(g_direct_hash, g_direct_equal);
	enum ma_status st = MA_OK;

	for (guint i = 0; i < r->gone->len && st == MA_OK; i++) {
		const struct entry *e = r->gone->pdata[i];

		if ((st = buf_adds(b, "x\t")) == MA_OK &&
		    (st = sitename_state_escape(b, e->msgid)) == MA_OK)
			st = buf_addc(b, '\n');
	}
	for (guint i = 0; i < changed->len; i++)
		g_hash_table_add(ch, changed->pdata[i]);
	for (guint i = 0; i < r->order->len && st == MA_OK; i++) {
		const struct entry *e = r->order->pdata[i];

		if (g_hash_table_contains(ch, e) ||
		    g_hash_table_contains(r->threads, e->thread))
			st = log_entry(b, e);
	}
	g_hash_table_destroy(ch);
	return st;
}

/* The thread names added or changed; *gone when one was removed. */
static enum ma_status
log_names(struct run *r, struct buf *b, bool *gone)
{
	GHashTableIter it;
	gpointer k, v;
	guint kept = 0;
	enum ma_status st = MA_OK;

	g_hash_table_iter_init(&it, r->names);
	while (st == MA_OK && g_hash_table_iter_next(&it, &k, &v)) {
		const struct tname *t = v;

		if (t->seen != 0)
			kept++;
		if (t->seen != 0 && t->seen == tname_digest(t))
			continue;
		if ((st = buf_addf(b, "t\t%s\t", (const char *)k)) == MA_OK &&
		    (st = sitename_state_escape(b, t->root)) == MA_OK)
			st = buf_addf(b, "\t%s\n", t->target);
	}
	*gone = kept < r->names_seen;
	return st;
}

/* Cut the file at the last record and append b's; fsync. */
static enum ma_status
log_append(struct run *r, const char *path, const struct buf *b)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	enum ma_status st = MA_OK;

	if (fd < 0 || ftruncate(fd, (off_t)r->state_end) != 0 ||
	    lseek(fd, (off_t)r->state_end, SEEK_SET) < 0)
		st = MA_EIO;
	if (st == MA_OK)
		st = path_write_all(fd, b->data, b->len);
	if (st == MA_OK && fsync(fd) != 0)
		st = MA_EIO;
	if (st != MA_OK)
		log_err("cannot append to '%s': %s", path, strerror(errno));
	if (fd >= 0 && close(fd) != 0 && st == MA_OK) {
		log_err("cannot close '%s': %s", path, strerror(errno));
		st = MA_EIO;
	}
	return st;
}

enum ma_status
state_log_save(struct run *r, const char *path, GPtrArray *changed,
	       unsigned long rev, bool *done)
{
	struct buf b;
	bool gone = false;
	enum ma_status st;

	*done = false;
	if (r->state_end == 0)
		return MA_OK;
	buf_init(&b, STATE_MAX);
	st = r->log_len == 0 ? buf_adds(&b, LOG_MARK "\n") : MA_OK;
	if (st == MA_OK)
		st = log_entries(r, changed, &b);
	if (st == MA_OK)
		st = log_names(r, &b, &gone);
	if (st == MA_OK)
		st = buf_addf(&b, "c\t%lu\t%ld\n", rev, r->tomb_off);
	/* Compacted instead: a name went, or the log would outgrow a
	 * quarter of the state. */
	if (st == MA_OK && !gone &&
	    (r->log_len + b.len) * 4 <= r->state_end - r->log_len) {
		st = log_append(r, path, &b);
		*done = st == MA_OK;
	}
	buf_release(&b);
	return st;
}
