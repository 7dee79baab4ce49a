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
#include "tomb_map.h"
#include "erased.h"

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
	struct tomb *t = calloc(1, sizeof *t), *was;
	/* Keyed as notmuch and the entries hold it (shortened when long);
	 * the page is named after the id itself. */
	char *k = permalink_notmuch_key(l->message_id);
	const char *th;

	if (t == NULL || k == NULL ||
	    (t->when = strdup(l->deleted_at)) == NULL ||
	    (t->id = strdup(l->message_id)) == NULL) {
		free(k);
		tomb_free(t);
		return MA_ENOMEM;
	}
	/* The thread as the database of now numbers it (tomb_map.c). */
	th = tomb_map_thread(r, l->off, l->thread_id);
	sitename_set_thread(t->thread, strcmp(th, "-") == 0 ? "" : th);
	/* A later line that names no thread (a copy notmuch did not hold
	 * when it was erased: a duplicate set aside, a file in incoming/,
	 * erased after the archived one) keeps the thread an earlier line
	 * named: the entries of that thread are the ones it removes. */
	was = g_hash_table_lookup(r->tombs, k);
	if (t->thread[0] == '\0' && was != NULL)
		memcpy(t->thread, was->thread, sizeof t->thread);
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

/* Whether notmuch still holds msgid as a message with files (a ghost is
 * only a Message-ID that replies refer to). */
static bool
still_indexed(struct run *r, const char *msgid)
{
	notmuch_message_t *m = NULL;
	notmuch_bool_t ghost = FALSE;

	if (notmuch_database_find_message(r->db, msgid, &m) !=
		NOTMUCH_STATUS_SUCCESS ||
	    m == NULL)
		return false;
	notmuch_message_get_flag_st(m, NOTMUCH_MESSAGE_FLAG_GHOST, &ghost);
	notmuch_message_destroy(m);
	return !ghost;
}

/* e leaves the site's order: its thread, its month and (through
 * r->gone) its neighbours are rendered again. */
static void
entry_gone(struct run *r, struct entry *e)
{
	char month[8];

	entry_forget(r, e);
	g_ptr_array_add(r->gone, e);
	touch_thread(r, e->thread);
	render_month_of(e->date, month);
	g_hash_table_add(r->months, strdup(month));
	r->stats->removed++;
}

/*
 * The messages of this run's fresh erasures, all at once (the first
 * "sha256:" tombstone applied does it). Their tombstones hold the hash of
 * the Message-ID, not the Message-ID the entries are keyed by: an entry
 * goes when the hash of its Message-ID is one of them, or (a Message-ID
 * notmuch keeps shortened hashes otherwise) when it is of a thread such a
 * tombstone names and notmuch no longer holds it. One still indexed stays
 * shown: that erasure is not finished, and r->tomb_pending makes the next
 * run apply it again.
 */
static enum ma_status
apply_erasures(struct run *r)
{
	GHashTable *hashes = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *threads = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *cand = g_ptr_array_new();
	GHashTableIter it;
	gpointer k, v;
	size_t at = 0;

	r->erasures_applied = true;
	g_hash_table_iter_init(&it, r->tombs);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const struct tomb *t = v;

		if (!t->fresh || strncmp(k, "sha256:", 7) != 0)
			continue;
		g_hash_table_add(hashes, k);
		if (t->thread[0] != '\0')
			g_hash_table_add(threads, (gpointer)t->thread);
	}
	for (struct entry *e; g_hash_table_size(hashes) > 0 &&
			      (e = entry_next(r, &at)) != NULL;) {
		char h[TOMBSTONE_HASH_LEN + 1];

		tombstone_hash_id(e->msgid, h);
		if (g_hash_table_contains(hashes, h)) {
			e->erased = true;
			g_ptr_array_add(cand, e);
		} else if (g_hash_table_contains(threads, e->thread) &&
			   !g_hash_table_contains(r->tombs, e->msgid)) {
			g_ptr_array_add(cand, e);
		}
	}
	for (guint i = 0; i < cand->len; i++) {
		struct entry *e = cand->pdata[i];

		if (!still_indexed(r, e->msgid)) {
			e->erased = true;
			entry_gone(r, e);
		} else if (e->erased) {
			e->erased = false;
			r->tomb_pending = true;
		}
	}
	g_ptr_array_free(cand, TRUE);
	/* Their messages' pages drop the versions that went (thread.c). */
	r->erased_threads = threads;
	g_hash_table_destroy(hashes);
	return MA_OK;
}

enum ma_status
apply_tomb(struct run *r, const char *msgid, const struct tomb *t)
{
	struct entry *e;

	if (strncmp(msgid, "sha256:", 7) == 0) {
		touch_thread(r, t->thread);
		return r->erasures_applied ? MA_OK : apply_erasures(r);
	}
	/* One with files is still indexed: the delete is not finished, and
	 * the message is shown until it is (the next run looks again). */
	if (still_indexed(r, msgid)) {
		r->tomb_pending = true;
		return MA_OK;
	}
	touch_thread(r, t->thread);
	if ((e = entry_find(r, msgid)) != NULL)
		entry_gone(r, e);
	return MA_OK;
}

/* Whether the version whose file tag ("v-HASH16" and ".eml") is tag
 * is one of keep's (NULL: none is). */
static bool
version_kept(const struct tmsg *keep, const char *tag)
{
	for (size_t i = 1; keep != NULL && i < keep->nver; i++)
		if (strncmp(keep->alt[i - 1].vtag, tag, 18) == 0)
			return true;
	return false;
}

/*
 * The raw forms of a removed message's other versions, m/SUB/NAME=v-*.eml
 * (their names come from content that is gone: the folder is read), sub
 * its shard "HH" or "" for a site of the flat layout (legacy.c).
 * Deletion is rare; the scan is the price of not recording them.
 */
static enum ma_status
remove_versions(struct run *r, const char *sub, const char *name,
		const struct tmsg *keep)
{
	char *dir = path_fmt("%s/m/%s", r->o->site_dir, sub);
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
		char rel[sizeof de->d_name + 8];

		if (n == nl + 3 + 16 + 4 &&
		    strncmp(de->d_name, name, nl) == 0 &&
		    strncmp(de->d_name + nl, "=v-", 3) == 0 &&
		    strcmp(de->d_name + n - 4, ".eml") == 0 &&
		    !version_kept(keep, de->d_name + nl + 1)) {
			st = render_fmt(rel, sizeof rel, "m/%s%s%s", sub,
					sub[0] != '\0' ? "/" : "", de->d_name);
			if (st == MA_OK)
				st = site_remove(r->site, rel);
		}
	}
	if (d != NULL)
		closedir(d);
	return st;
}

enum ma_status
stale_versions(struct run *r, const struct tmsg *t)
{
	char stem[PERMALINK_STEM_MAX];

	/* A full run removes every file it did not write (site_gc()). */
	if (r->stats->full || r->erased_threads == NULL ||
	    !g_hash_table_contains(r->erased_threads, t->e->thread) ||
	    permalink_stem(t->name, stem) != MA_OK)
		return MA_OK;
	stem[2] = '\0';
	return remove_versions(r, stem, t->name, t);
}

/* A message's page, raw form and other versions in folder m/SUB ("" for
 * the flat layout). */
static enum ma_status
remove_files(struct run *r, const char *sub, const char *name)
{
	static const char *const exts[] = {"html", "eml"};
	char rel[PERMALINK_STEM_MAX + 16];
	enum ma_status st = MA_OK;

	for (size_t i = 0; i < 2 && st == MA_OK; i++) {
		st = render_fmt(rel, sizeof rel, "m/%s%s%s.%s", sub,
				sub[0] != '\0' ? "/" : "", name, exts[i]);
		if (st == MA_OK)
			st = site_remove(r->site, rel);
	}
	return st == MA_OK ? remove_versions(r, sub, name, NULL) : st;
}

enum ma_status
removed_message_page(struct run *r, const char *msgid, const struct tomb *t)
{
	const char *tn;
	char name[PERMALINK_NAME_MAX], rel[PERMALINK_STEM_MAX + 16],
	    stem[PERMALINK_STEM_MAX], tstem[PERMALINK_STEM_MAX];
	struct buf b;
	enum ma_status st;

	if (permalink_name(t->id != NULL ? t->id : msgid, name) != MA_OK ||
	    permalink_stem(name, stem) != MA_OK)
		return MA_OK;
	buf_init(&b, 1 << 20);
	st = page_begin(r, &b, "../../", "Message removed", NULL, NULL);
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
	    (tn = thread_name_of(r, t->thread)) != NULL)
		st = buf_addf(&b,
			      "<a href=\"../../t/%s.html\">The conversation"
			      "</a> \xc2\xb7 ",
			      name_stem(tn, tstem));
	if (st == MA_OK)
		st = buf_adds(&b, "<a href=\"../../index.html\">The archive"
				  "</a></p></div>\n");
	if (st == MA_OK)
		st = page_end(&b, "../../");
	if (st == MA_OK)
		st = render_fmt(rel, sizeof rel, "m/%s.html", stem);
	if (st == MA_OK)
		st = site_put_buf(r->site, rel, &b);
	if (st == MA_OK)
		st = render_fmt(rel, sizeof rel, "m/%s.eml", stem);
	if (st == MA_OK)
		st = site_remove(r->site, rel);
	if (st == MA_OK)
		st = remove_versions(r, (char[3]){stem[0], stem[1], '\0'}, name,
				     NULL);
	/* The flat layout's raw files (legacy.c): its page leads here. */
	if (st == MA_OK)
		st = render_fmt(rel, sizeof rel, "m/%s.eml", name);
	if (st == MA_OK)
		st = site_remove(r->site, rel);
	if (st == MA_OK)
		st = remove_versions(r, "", name, NULL);
	buf_release(&b);
	return st;
}

enum ma_status
removed_thread_page(struct run *r, const char *name)
{
	struct buf b;
	char rel[PERMALINK_STEM_MAX + 16], stem[PERMALINK_STEM_MAX];
	enum ma_status st;

	buf_init(&b, 1 << 20);
	st = page_begin(r, &b, "../../", "Conversation removed", NULL, NULL);
	if (st == MA_OK)
		st = buf_adds(&b, "<div class=\"removed\"><h1>Conversation "
				  "removed</h1>\n<p>The messages of this "
				  "conversation were removed from the "
				  "archive.</p>\n<p><a href=\"../../index.html"
				  "\">Back to the archive</a></p></div>\n");
	if (st == MA_OK)
		st = page_end(&b, "../../");
	if (st == MA_OK)
		st = render_fmt(rel, sizeof rel, "t/%s.html",
				name_stem(name, stem));
	if (st == MA_OK)
		st = site_put_buf(r->site, rel, &b);
	buf_release(&b);
	return st;
}

/*
 * Tombstone pages: all of them in a full run, the new ones else. A
 * message erased on request ("sha256:" tombstone, tombstone.h) gets no
 * page: its name would be its Message-ID, which the tombstone no longer
 * holds, and nothing may say it was there; its pages are removed.
 */
/* A run of a first render in steps (steps.c) whose entries do not hold
 * msgid yet: whether a later step shows it (notmuch still has it), as
 * a full run would. */
static bool
step_shows(struct run *r, const char *msgid)
{
	return r->steps != NULL && still_indexed(r, msgid);
}

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
		/* Its page links to its conversation by the name the thread
		 * has now (or not at all once it is gone), so a touched
		 * thread's removed messages are written again, as a full run
		 * writes them. */
		if ((full || t->fresh ||
		     (t->thread[0] != '\0' &&
		      g_hash_table_contains(r->threads, t->thread))) &&
		    entry_find(r, k) == NULL && !step_shows(r, k))
			st = removed_message_page(r, k, t);
	}
	/* An erased message's own files go without a trace (a full run's
	 * site_gc() removes them as files it did not write). */
	for (guint i = 0; i < r->gone->len && st == MA_OK; i++) {
		struct entry *e = r->gone->pdata[i];
		char name[PERMALINK_NAME_MAX], stem[PERMALINK_STEM_MAX];

		if (!e->erased || entry_page_name(r, e, name) != MA_OK ||
		    permalink_stem(name, stem) != MA_OK)
			continue;
		/* Its shard's files, then the flat layout's (legacy.c). */
		st = remove_files(r, (char[3]){stem[0], stem[1], '\0'}, name);
		if (st == MA_OK)
			st = remove_files(r, "", name);
	}
	return st;
}
