/*
 * The state file, SPACE/state/render.state: what the last run rendered
 * (the notmuch database uuid and revision, the bytes of tombstones
 * applied, the settings the pages show) and one line per message. Loaded
 * at the start of an incremental run, written last, after the pages are
 * durable.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "path.h"
#include "render_int.h"
#include "space.h"

static enum ma_status legacy_names(struct run *r, const char *data, size_t len);

/* What the state's header says (before its blank line). */
struct state_head {
	char *uuid; /* malloc'd; NULL: none */
	unsigned long rev;
	long off; /* -1: none */
};

/* Read the header lines of data (NUL-terminating them) into h and
 * r->settings; returns where the entries start. */
static char *
state_head_read(struct run *r, char *data, char *end, struct state_head *h)
{
	char *p = data;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			break;
		*nl = '\0';
		if (p == nl)
			return nl + 1;
		if (strncmp(p, "uuid ", 5) == 0) {
			free(h->uuid);
			h->uuid = strdup(p + 5);
		} else if (strncmp(p, "revision ", 9) == 0) {
			h->rev = strtoul(p + 9, NULL, 10);
		} else if (strncmp(p, "tombstones ", 11) == 0) {
			h->off = strtol(p + 11, NULL, 10);
		} else if (strncmp(p, "thread ", 7) == 0) {
			if (names_note(r, p + 7) != MA_OK)
				return NULL;
		} else if (strncmp(p, "settings ", 9) == 0) {
			free(r->settings);
			r->settings = strdup(p + 9);
		} else if (p == data && strcmp(p, STATE_MAGIC) != 0) {
			break;
		}
		p = nl + 1;
	}
	return p;
}

/*
 * Load the state: MA_ENOTFOUND when there is none (or it is unusable:
 * then a full run rebuilds it), MA_OK with r->rev, r->tomb_off and the
 * entries set.
 */
enum ma_status
render_state_load(struct run *r, const char *path)
{
	struct state_head h = {.off = -1};
	char *data, *p, *end;
	size_t len;
	enum ma_status st;

	st = path_file_read_all(path, STATE_MAX, &data, &len);
	if (st != MA_OK)
		return st == MA_ENOTFOUND ? MA_ENOTFOUND : st;
	end = data + len;
	if (len > strlen(STATE_MAGIC) &&
	    strncmp(data, STATE_MAGIC_STEM, strlen(STATE_MAGIC_STEM)) == 0 &&
	    (strncmp(data, STATE_MAGIC, strlen(STATE_MAGIC)) != 0 ||
	     data[strlen(STATE_MAGIC)] != '\n')) {
		log_notice("'%s' was written by another version of "
			   "mailarc-render: rendering everything",
			   path);
		st = MA_OK;
		if (strncmp(data, STATE_MAGIC_STEM "2\n",
			    strlen(STATE_MAGIC_STEM) + 2) == 0)
			st = legacy_names(r, data, len);
		free(data);
		return st == MA_OK ? MA_ENOTFOUND : st;
	}
	if ((p = state_head_read(r, data, end, &h)) == NULL) {
		free(h.uuid);
		free(data);
		return MA_ENOMEM;
	}
	if (h.uuid == NULL || h.off < 0 ||
	    strncmp(data, STATE_MAGIC, strlen(STATE_MAGIC)) != 0) {
		log_warn("'%s' is not a render state: rendering everything",
			 path);
		free(h.uuid);
		free(data);
		return MA_ENOTFOUND;
	}
	r->state_end = len;
	while (p < end && st == MA_OK) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			nl = end;
		if (state_log_mark(p, nl)) {
			st = state_log_load(r, data, (size_t)(p - data), len,
					    &h.rev, &h.off);
			break;
		}
		st = state_entry(r, p, nl, false);
		p = nl + 1;
	}
	free(data);
	if (st != MA_OK) {
		free(h.uuid);
		return st;
	}
	r->uuid = h.uuid;
	r->rev = h.rev;
	r->tomb_off = h.off;
	state_names_snapshot(r);
	return MA_OK;
}

/*
 * The settings every page shows or depends on, as one line: when they
 * change, every page must be rendered again.
 */
char *
settings_line(const struct render_opts *o)
{
	struct buf b;

	buf_init(&b, 1 << 16);
	if (sitename_state_escape(&b, o->name) != MA_OK ||
	    buf_addc(&b, '|') != MA_OK ||
	    sitename_state_escape(&b, o->description) != MA_OK ||
	    buf_addf(&b, "|%d|%d|%d|%d|%s", o->prefer_html, o->remote_images,
		     (int)o->addr, o->reply_links, PERMALINK_LAYOUT) != MA_OK) {
		buf_release(&b);
		return NULL;
	}
	if ((o->base_url != NULL &&
	     (buf_addc(&b, '|') != MA_OK ||
	      sitename_state_escape(&b, o->base_url) != MA_OK))) {
		buf_release(&b);
		return NULL;
	}
	/* The addresses Reply links copy. */
	for (size_t i = 0; o->reply_links && o->reply_accounts != NULL &&
			   o->reply_accounts[i] != NULL;
	     i++)
		if (buf_addc(&b, '|') != MA_OK ||
		    sitename_state_escape(&b, o->reply_accounts[i]) != MA_OK) {
			buf_release(&b);
			return NULL;
		}
	return buf_steal(&b);
}

enum ma_status
render_state_save(struct run *r, const char *path, const char *uuid,
		  unsigned long rev, GPtrArray *changed)
{
	struct buf b;
	enum ma_status st;
	bool done = false;
	char *set;

	/* An incremental run appends its changes (state_log.c). */
	if (!r->stats->full &&
	    (st = state_log_save(r, path, changed, rev, &done)) != MA_OK)
		return st;
	if (done)
		return MA_OK;
	if ((set = settings_line(r->o)) == NULL)
		return MA_ENOMEM;
	buf_init(&b, STATE_MAX);
	st = buf_addf(&b,
		      "%s\nuuid %s\nrevision %lu\ntombstones %ld\n"
		      "settings %s\n\n",
		      STATE_MAGIC, uuid, rev, r->tomb_off, set);
	free(set);
	/* Before the blank line: the header holds the thread names. */
	if (st == MA_OK && b.len > 0) {
		b.len--;
		st = names_write(r, &b);
		if (st == MA_OK)
			st = buf_addc(&b, '\n');
	}
	for (guint i = 0; i < r->order->len && st == MA_OK; i++) {
		struct entry *e = g_ptr_array_index(r->order, i);

		if ((st = sitename_state_escape(&b, e->msgid)) == MA_OK)
			st = buf_addf(&b, "\t%s\t%lld\t%s\n", e->thread,
				      (long long)e->date,
				      e->atts[0] ? e->atts : "-");
	}
	if (st == MA_OK)
		st = path_write_file_atomic(path, b.data, b.len, 0644);
	buf_release(&b);
	return st;
}

/* The Message-ID field of an entry line from p to nl, unescaped. */
static char *
state_line_id(const char *p, const char *nl, const char **tabp)
{
	const char *tab = memchr(p, '\t', (size_t)(nl - p));

	if (tab == NULL)
		return NULL;
	*tabp = tab + 1;
	return sitename_state_unescape(p, (size_t)(tab - p));
}

/* The thread field of an entry line (after its first tab) into out. */
static void
state_line_thread(const char *f, const char *nl, char out[32])
{
	const char *tab = memchr(f, '\t', (size_t)(nl - f));
	size_t n = tab != NULL ? (size_t)(tab - f) : 0;

	if (n >= 32)
		n = 0;
	memcpy(out, f, n);
	out[n] = '\0';
}

/* The date field of an entry line (after its thread's tab). */
static long long
state_line_date(const char *f, const char *nl)
{
	const char *tab = memchr(f, '\t', (size_t)(nl - f));

	return tab != NULL ? strtoll(tab + 1, NULL, 10) : 0;
}

/*
 * Walk the entries of data[0..len) (the header skipped, the log's "e"
 * lines included, a later line winning): the thread of msgid into
 * thread, or, when thread is set, the first Message-ID of that thread by
 * (date, Message-ID) into *rootp (malloc'd).
 */
static enum ma_status
state_scan(const char *data, size_t len, const char *msgid, char thread[32],
	   char **rootp)
{
	const char *end = data + len, *p = data, *blank;
	bool want_root = thread[0] != '\0', log = false;
	long long best = 0;
	char *root = NULL;

	blank = memmem(data, len, "\n\n", 2);
	if (blank == NULL)
		return MA_ENOTFOUND;
	for (p = blank + 2; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *f, *q = p;
		char th[32], *id;
		long long d;

		if (nl == NULL)
			nl = end;
		p = nl + 1;
		if (state_log_mark(q, nl) ||
		    (log && strncmp(q, "e\t", 2) != 0)) {
			log = true;
			continue;
		}
		if ((id = state_line_id(log ? q + 2 : q, nl, &f)) == NULL)
			continue;
		state_line_thread(f, nl, th);
		if (!want_root && strcmp(id, msgid) == 0 && th[0])
			memcpy(thread, th, sizeof th);
		if (want_root && strcmp(th, thread) == 0 &&
		    (d = state_line_date(f, nl),
		     root == NULL || d < best ||
			 (d == best && strcmp(id, root) < 0))) {
			free(root);
			root = id;
			best = d;
			continue;
		}
		free(id);
	}
	if (want_root && root != NULL)
		*rootp = root;
	return (want_root ? root != NULL : thread[0] != '\0') ? MA_OK
							      : MA_ENOTFOUND;
}

enum ma_status
render_thread_root(const char *space_dir, const char *msgid, char **rootp)
{
	char *path = space_part_path(space_dir, SPACE_RENDER_STATE);
	char thread[32] = "", *root = NULL, *data, *id;
	size_t len, n;
	enum ma_status st;

	if (path == NULL)
		return MA_ENOMEM;
	st = path_file_read_all(path, STATE_MAX, &data, &len);
	free(path);
	if (st != MA_OK)
		return st;
	/* As the index keeps it: without angle brackets. */
	n = strlen(msgid);
	if (n >= 2 && msgid[0] == '<' && msgid[n - 1] == '>')
		id = g_strndup(msgid + 1, n - 2);
	else
		id = g_strdup(msgid);
	if (len <= strlen(STATE_MAGIC) ||
	    strncmp(data, STATE_MAGIC "\n", strlen(STATE_MAGIC) + 1) != 0)
		st = MA_ENOTFOUND;
	else if ((st = state_scan(data, len, id, thread, NULL)) == MA_OK)
		st = state_scan(data, len, id, thread, &root);
	if (st == MA_OK) {
		*rootp = root;
		root = NULL;
	}
	free(root);
	g_free(id);
	free(data);
	return st;
}

/*
 * A version 2 state: its site named thread pages by notmuch thread id
 * (t/ID.html). Each such name is recorded as a thread name whose root is
 * the thread's first message there (the entries are in the site's
 * order), so that the old address becomes a notice that leads to the
 * thread's new page instead of going.
 */
static enum ma_status
legacy_names(struct run *r, const char *data, size_t len)
{
	const char *end = data + len, *p, *blank;
	enum ma_status st = MA_OK;

	if ((blank = memmem(data, len, "\n\n", 2)) == NULL)
		return MA_OK;
	for (p = blank + 2; p < end && st == MA_OK;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *f;
		char th[32], *id;

		if (nl == NULL)
			nl = end;
		if ((id = state_line_id(p, nl, &f)) != NULL) {
			state_line_thread(f, nl, th);
			if (sitename_thread_ok(th) &&
			    !g_hash_table_contains(r->names, th)) {
				struct buf b;

				buf_init(&b, 1 << 20);
				st = buf_addf(&b, "%s\t", th);
				if (st == MA_OK)
					st = sitename_state_escape(&b, id);
				if (st == MA_OK)
					st = buf_addf(&b, "\t%s", th);
				if (st == MA_OK)
					st = names_note(r, buf_cstr(&b));
				buf_release(&b);
			}
			free(id);
		}
		p = nl + 1;
	}
	return st;
}
