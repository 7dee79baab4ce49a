/*
 * What deletion leaves behind: tombstones read into the run, messages they
 * remove from the order, the "Message removed" and "Conversation removed"
 * pages that keep their addresses, and the attachments no remaining
 * message uses.
 */
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "log.h"
#include "path.h"
#include "render_int.h"

void
tomb_free(void *p)
{
	struct tomb *t = p;

	if (t != NULL)
		free(t->when);
	free(t);
}

/*
 * Read SPACE/tombstones from byte offset from: DELETED_AT TAB MESSAGE-ID
 * TAB THREAD-ID TAB IDENTITY, a line each. Calls fn for each complete
 * line and sets *endp past the last one.
 */
enum ma_status
tombstones_read(struct run *r, long from,
		enum ma_status (*fn)(struct run *, const char *msgid,
				     const char *when, const char *thread,
				     bool fresh),
		long *endp)
{
	char *path = path_fmt("%s/tombstones", r->o->space_dir), *data;
	size_t len, pos;
	enum ma_status st;

	if (path == NULL)
		return MA_ENOMEM;
	st = file_read_all(path, STATE_MAX, &data, &len);
	free(path);
	if (st == MA_ENOTFOUND) {
		*endp = 0;
		return MA_OK;
	}
	if (st != MA_OK)
		return st;
	if ((size_t)from > len)
		from = 0; /* the file was replaced: apply it all again */
	/* All of it, every run: which threads a tombstone names decides
	 * whether an empty thread's page says "removed"; lines before from
	 * were applied by earlier runs. */
	pos = 0;
	while (pos < len && st == MA_OK) {
		char *nl = memchr(data + pos, '\n', len - pos);
		char *f[4];
		size_t nf = 0;

		if (nl == NULL)
			break; /* being written: next run */
		*nl = '\0';
		f[nf++] = data + pos;
		for (char *q = data + pos; *q && nf < 4; q++)
			if (*q == '\t') {
				*q = '\0';
				f[nf++] = q + 1;
			}
		if (nf >= 3 && f[1][0] != '\0') {
			char *id = f[1];
			size_t n = strlen(id);

			if (n >= 2 && id[0] == '<' && id[n - 1] == '>') {
				id[n - 1] = '\0';
				id++;
			}
			st = fn(r, id, f[0], f[2], pos >= (size_t)from);
		} else if (data + pos != nl) {
			log_warn("tombstones: ignoring a malformed line at "
				 "byte %zu",
				 pos);
		}
		pos = (size_t)(nl - data) + 1;
	}
	free(data);
	*endp = (long)pos;
	return st;
}

enum ma_status
tomb_note(struct run *r, const char *msgid, const char *when,
	  const char *thread, bool fresh)
{
	struct tomb *t = calloc(1, sizeof *t);
	char *k = strdup(msgid);

	if (t == NULL || k == NULL || (t->when = strdup(when)) == NULL) {
		free(k);
		tomb_free(t);
		return MA_ENOMEM;
	}
	set_thread(t->thread, strcmp(thread, "-") == 0 ? "" : thread);
	t->fresh = fresh;
	g_hash_table_replace(r->tombs, k, t);
	if (t->thread[0] != '\0')
		g_hash_table_add(r->tomb_threads, strdup(t->thread));
	return MA_OK;
}

enum ma_status
apply_tomb(struct run *r, const char *msgid, const struct tomb *t)
{
	notmuch_message_t *m = NULL;
	struct entry *e;
	char month[8];

	if (notmuch_database_find_message(r->db, msgid, &m) ==
		NOTMUCH_STATUS_SUCCESS &&
	    m != NULL) {
		notmuch_bool_t ghost = FALSE;

		/* A ghost is only a Message-ID that replies refer to. One
		 * with files is still indexed: the delete is not finished,
		 * and the message is shown until it is. */
		notmuch_message_get_flag_st(m, NOTMUCH_MESSAGE_FLAG_GHOST,
					    &ghost);
		notmuch_message_destroy(m);
		if (!ghost)
			return MA_OK;
	}
	touch_thread(r, t->thread);
	if ((e = g_hash_table_lookup(r->by_id, msgid)) == NULL)
		return MA_OK;
	g_hash_table_steal(r->by_id, msgid);
	g_ptr_array_add(r->gone, e);
	touch_thread(r, e->thread);
	render_month_of(e->date, month);
	g_hash_table_add(r->months, strdup(month));
	r->stats->removed++;
	return MA_OK;
}

enum ma_status
removed_message_page(struct run *r, const char *msgid, const struct tomb *t)
{
	char name[PERMALINK_NAME_MAX], rel[PERMALINK_NAME_MAX + 16];
	struct buf b;
	enum ma_status st;

	if (permalink_name(msgid, name) != MA_OK)
		return MA_OK;
	buf_init(&b, 1 << 20);
	st = page_begin(r, &b, "../", "Message removed", NULL, NULL);
	if (st == MA_OK)
		st = buf_adds(&b, "<div class=\"removed\"><h1>Message removed"
				  "</h1>\n<p>This message was removed from the "
				  "archive on <time datetime=\"");
	if (st == MA_OK)
		st = html_escapes(&b, t->when);
	if (st == MA_OK)
		st = buf_adds(&b, "\">");
	if (st == MA_OK)
		st = html_escapes(&b, t->when);
	if (st == MA_OK)
		st = buf_adds(&b, "</time>. Its address stays, so that links "
				  "to it do not lead elsewhere.</p>\n<p>");
	if (st == MA_OK && thread_id_ok(t->thread))
		st = buf_addf(&b,
			      "<a href=\"../t/%s.html\">The conversation"
			      "</a> \xc2\xb7 ",
			      t->thread);
	if (st == MA_OK)
		st = buf_adds(&b, "<a href=\"../index.html\">The archive</a>"
				  "</p></div>\n");
	if (st == MA_OK)
		st = page_end(&b, "../");
	snprintf(rel, sizeof rel, "m/%s.html", name);
	if (st == MA_OK)
		st = site_put_buf(r->site, rel, &b);
	snprintf(rel, sizeof rel, "m/%s.eml", name);
	if (st == MA_OK)
		st = site_remove(r->site, rel);
	buf_release(&b);
	return st;
}

enum ma_status
removed_thread_page(struct run *r, const char *id)
{
	struct buf b;
	char rel[64];
	enum ma_status st;

	buf_init(&b, 1 << 20);
	st = page_begin(r, &b, "../", "Conversation removed", NULL, NULL);
	if (st == MA_OK)
		st = buf_adds(&b, "<div class=\"removed\"><h1>Conversation "
				  "removed</h1>\n<p>The messages of this "
				  "conversation were removed from the "
				  "archive.</p>\n<p><a href=\"../index.html\">"
				  "Back to the archive</a></p></div>\n");
	if (st == MA_OK)
		st = page_end(&b, "../");
	snprintf(rel, sizeof rel, "t/%s.html", id);
	if (st == MA_OK)
		st = site_put_buf(r->site, rel, &b);
	buf_release(&b);
	return st;
}

enum ma_status
thread_gone(struct run *r, const char *id)
{
	enum ma_status st = MA_OK;
	static const char *const exts[] = {"html", "atom", "mbox"};
	char rel[64];

	for (size_t i = 0; i < 3 && st == MA_OK; i++) {
		if (i == 0 && g_hash_table_contains(r->tomb_threads, id))
			continue;
		snprintf(rel, sizeof rel, "t/%s.%s", id, exts[i]);
		st = site_remove(r->site, rel);
	}
	if (st == MA_OK && g_hash_table_contains(r->tomb_threads, id))
		st = removed_thread_page(r, id);
	return st;
}

/* Attachments of removed messages that no other message shares. */
enum ma_status
drop_attachments(struct run *r)
{
	GHashTable *used;
	GHashTableIter it;
	gpointer k, v;
	enum ma_status st = MA_OK;

	if (r->gone->len == 0)
		return MA_OK;
	used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_hash_table_iter_init(&it, r->by_id);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct entry *e = v;
		gchar **tok = g_strsplit(e->atts, " ", -1);

		for (gchar **p = tok; *p; p++)
			if (**p)
				g_hash_table_add(used, g_strdup(*p));
		g_strfreev(tok);
	}
	for (guint i = 0; i < r->gone->len && st == MA_OK; i++) {
		struct entry *e = r->gone->pdata[i];
		gchar **tok = g_strsplit(e->atts, " ", -1);

		for (gchar **p = tok; *p && st == MA_OK; p++) {
			char rel[128];

			if (!att_token_ok(*p) ||
			    g_hash_table_contains(used, *p))
				continue;
			snprintf(rel, sizeof rel, "a/%.2s/%s", *p, *p);
			st = site_remove(r->site, rel);
		}
		g_strfreev(tok);
	}
	g_hash_table_destroy(used);
	return st;
}
