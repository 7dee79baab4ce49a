/*
 * What deletion leaves behind: tombstones read into the run, messages they
 * remove from the order, the "Message removed" and "Conversation removed"
 * pages that keep their addresses, and the attachments no remaining
 * message uses.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "log.h"
#include "path.h"
#include "space.h"
#include "tombstone.h"
#include "render_int.h"

void
tomb_free(void *p)
{
	struct tomb *t = p;

	if (t != NULL) {
		free(t->when);
		free(t->id);
	}
	free(t);
}

static enum ma_status
tomb_note(void *arg, const struct tombstone_line *l)
{
	struct run *r = arg;
	struct tomb *t = calloc(1, sizeof *t);
	/* Keyed as notmuch and the entries hold it (shortened when long);
	 * the page is named after the id itself. */
	char *k = permalink_notmuch_key(l->message_id);

	if (t == NULL || k == NULL ||
	    (t->when = strdup(l->deleted_at)) == NULL ||
	    (t->id = strdup(l->message_id)) == NULL) {
		free(k);
		tomb_free(t);
		return MA_ENOMEM;
	}
	sitename_set_thread(t->thread,
			    strcmp(l->thread_id, "-") == 0 ? "" : l->thread_id);
	t->fresh = l->fresh;
	g_hash_table_replace(r->tombs, k, t);
	if (t->thread[0] != '\0')
		g_hash_table_add(r->tomb_threads, strdup(t->thread));
	return MA_OK;
}

/*
 * Note every tombstone of SPACE/tombstones in r->tombs (fresh: from byte
 * offset from on) and set *endp past the last complete line. All of it,
 * every run: which threads a tombstone names decides whether an empty
 * thread's page says "removed"; lines before from were applied by
 * earlier runs.
 */
enum ma_status
tombs_read(struct run *r, long from, long *endp)
{
	char *path = space_part_path(r->o->space_dir, SPACE_TOMBSTONES);
	enum ma_status st;

	if (path == NULL)
		return MA_ENOMEM;
	st = tombstones_scan(path, from, tomb_note, r, endp);
	free(path);
	return st;
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

/*
 * The raw forms of a removed message's other versions, m/NAME=v-*.eml
 * (their names come from content that is gone: the folder is read).
 * Deletion is rare; the scan is the price of not recording them.
 */
static enum ma_status
remove_versions(struct run *r, const char *name)
{
	char *dir = path_fmt("%s/m", r->o->site_dir);
	size_t nl = strlen(name);
	enum ma_status st = MA_OK;
	struct dirent *de;
	DIR *d;

	if (dir == NULL)
		return MA_ENOMEM;
	d = opendir(dir);
	free(dir);
	while (d != NULL && st == MA_OK && (de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		char rel[sizeof de->d_name + 3];

		if (n == nl + 3 + 16 + 4 &&
		    strncmp(de->d_name, name, nl) == 0 &&
		    strncmp(de->d_name + nl, "=v-", 3) == 0 &&
		    strcmp(de->d_name + n - 4, ".eml") == 0) {
			st = render_fmt(rel, sizeof rel, "m/%s", de->d_name);
			if (st == MA_OK)
				st = site_remove(r->site, rel);
		}
	}
	if (d != NULL)
		closedir(d);
	return st;
}

enum ma_status
removed_message_page(struct run *r, const char *msgid, const struct tomb *t)
{
	const char *tn;
	char name[PERMALINK_NAME_MAX], rel[PERMALINK_NAME_MAX + 16];
	struct buf b;
	enum ma_status st;

	if (permalink_name(t->id != NULL ? t->id : msgid, name) != MA_OK)
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
	if (st == MA_OK && sitename_thread_ok(t->thread) &&
	    (tn = g_hash_table_lookup(r->tname_of, t->thread)) != NULL)
		st = buf_addf(&b,
			      "<a href=\"../t/%s.html\">The conversation"
			      "</a> \xc2\xb7 ",
			      tn);
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
	if (st == MA_OK)
		st = remove_versions(r, name);
	buf_release(&b);
	return st;
}

enum ma_status
removed_thread_page(struct run *r, const char *name)
{
	struct buf b;
	char rel[PERMALINK_NAME_MAX + 16];
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
	snprintf(rel, sizeof rel, "t/%s.html", name);
	if (st == MA_OK)
		st = site_put_buf(r->site, rel, &b);
	buf_release(&b);
	return st;
}

/*
 * Tombstone pages: all of them in a full run, the new ones else. A
 * message erased on request ("sha256:" tombstone, tombstone.h) gets no
 * page: its name would be its Message-ID, which the tombstone no longer
 * holds, and nothing may say it was there.
 */
enum ma_status
removed_message_pages(struct run *r, bool full)
{
	enum ma_status st = MA_OK;
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, r->tombs);
	while (st == MA_OK && g_hash_table_iter_next(&it, &k, &v)) {
		const struct tomb *t = v;

		if (strncmp(k, "sha256:", 7) == 0)
			continue;
		if ((full || t->fresh) && !g_hash_table_contains(r->by_id, k))
			st = removed_message_page(r, k, t);
	}
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

			if (!sitename_att_token_ok(*p) ||
			    g_hash_table_contains(used, *p))
				continue;
			st = render_fmt(rel, sizeof rel, "a/%.2s/%s", *p, *p);
			if (st == MA_OK)
				st = site_remove(r->site, rel);
		}
		g_strfreev(tok);
	}
	g_hash_table_destroy(used);
	return st;
}
