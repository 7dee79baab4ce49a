/*
 * The run: open the space's notmuch database, load the state, decide
 * between a full and an incremental run, ask notmuch what changed, apply
 * tombstones, order the entries, render what they touch, and save the
 * state. render_run() is the entry point render.h declares.
 */
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "log.h"
#include "path.h"
#include "tombstone.h"
#include "render_int.h"

void
touch_thread(struct run *r, const char *id)
{
	if (thread_id_ok(id) && !g_hash_table_contains(r->threads, id))
		g_hash_table_add(r->threads, strdup(id));
}

static void
touch_pos(struct run *r, size_t pos)
{
	if (pos < r->order->len)
		touch_thread(r, ((struct entry *)r->order->pdata[pos])->thread);
}

static enum ma_status
query_messages(struct run *r, const char *qs, GPtrArray *changed)
{
	notmuch_query_t *q = notmuch_query_create(r->db, qs);
	notmuch_messages_t *ms = NULL;
	enum ma_status st = MA_OK;

	if (q == NULL)
		return MA_ENOMEM;
	notmuch_query_set_sort(q, NOTMUCH_SORT_UNSORTED);
	if (notmuch_query_search_messages(q, &ms) != NOTMUCH_STATUS_SUCCESS) {
		log_err("notmuch: cannot query '%s'", qs);
		notmuch_query_destroy(q);
		return MA_EIO;
	}
	for (; notmuch_messages_valid(ms) && st == MA_OK;
	     notmuch_messages_move_to_next(ms)) {
		notmuch_message_t *m = notmuch_messages_get(ms);
		const char *id = notmuch_message_get_message_id(m);
		const char *th = notmuch_message_get_thread_id(m);
		struct entry *e = id != NULL && id[0] ? entry_add(r, id) : NULL;

		if (id != NULL && id[0] && e == NULL) {
			st = MA_ENOMEM;
		} else if (e != NULL) {
			/* A thread merged into another: its old page must
			 * go or be redone. */
			if (e->thread[0] != '\0' && strcmp(e->thread, th) != 0)
				touch_thread(r, e->thread);
			set_thread(e->thread, th);
			e->date = notmuch_message_get_date(m);
			if (changed != NULL) {
				g_ptr_array_add(changed, e);
				touch_thread(r, e->thread);
			}
		}
		notmuch_message_destroy(m);
	}
	notmuch_query_destroy(q);
	return st;
}

static gint
str_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys of a set of strings, sorted: runs do things in one order. */
static GPtrArray *
sorted_keys(GHashTable *h)
{
	GPtrArray *a = g_ptr_array_new();
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, h);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(a, k);
	g_ptr_array_sort(a, str_cmp);
	return a;
}

static enum ma_status
open_db(struct run *r)
{
	char *conf = path_fmt("%s/notmuch/config", r->o->space_dir);
	char *err = NULL;
	notmuch_status_t ns;

	if (conf == NULL)
		return MA_ENOMEM;
	if (!path_exists(conf)) {
		log_err("space '%s' has no notmuch database yet ('%s' is "
			"missing): run mailarc-index first",
			r->o->key, conf);
		free(conf);
		return MA_ECONFIG;
	}
	ns = notmuch_database_open_with_config(
	    NULL, NOTMUCH_DATABASE_MODE_READ_ONLY, conf, NULL, &r->db, &err);
	if (ns != NOTMUCH_STATUS_SUCCESS) {
		log_err("cannot open the notmuch database of space '%s': %s",
			r->o->key,
			err != NULL ? err : notmuch_status_to_string(ns));
		free(err);
		free(conf);
		return ns == NOTMUCH_STATUS_NO_DATABASE ? MA_ECONFIG : MA_EIO;
	}
	free(err);
	free(conf);
	return MA_OK;
}

static enum ma_status
render_all(struct run *r, GPtrArray *changed, bool full)
{
	enum ma_status st = MA_OK;
	GHashTableIter it;
	gpointer k, v;
	GPtrArray *keys;

	if (full) {
		notmuch_query_t *q = notmuch_query_create(r->db, "*");
		notmuch_threads_t *ts = NULL;
		GHashTable *live = g_hash_table_new(g_str_hash, g_str_equal);

		if (q == NULL)
			return MA_ENOMEM;
		notmuch_query_set_sort(q, NOTMUCH_SORT_OLDEST_FIRST);
		if (notmuch_query_search_threads(q, &ts) !=
		    NOTMUCH_STATUS_SUCCESS) {
			log_err("notmuch: cannot list the threads");
			notmuch_query_destroy(q);
			g_hash_table_destroy(live);
			return MA_EIO;
		}
		for (; notmuch_threads_valid(ts) && st == MA_OK;
		     notmuch_threads_move_to_next(ts)) {
			notmuch_thread_t *th = notmuch_threads_get(ts);

			st = render_thread(r, th);
			notmuch_thread_destroy(th);
		}
		notmuch_query_destroy(q);
		for (guint i = 0; i < r->order->len; i++)
			g_hash_table_add(
			    live, ((struct entry *)r->order->pdata[i])->thread);
		keys = sorted_keys(r->tomb_threads);
		for (guint i = 0; i < keys->len && st == MA_OK; i++)
			if (!g_hash_table_contains(live, keys->pdata[i]))
				st = removed_thread_page(r, keys->pdata[i]);
		g_ptr_array_free(keys, TRUE);
		g_hash_table_destroy(live);
	} else {
		/* The neighbours by date of what came and went show them
		 * as previous and next. */
		for (guint i = 0; i < changed->len; i++) {
			struct entry *e = changed->pdata[i];

			if (e->pos > 0)
				touch_pos(r, e->pos - 1);
			touch_pos(r, e->pos + 1);
		}
		for (guint i = 0; i < r->gone->len; i++) {
			size_t p = order_position(r, r->gone->pdata[i]);

			if (p > 0)
				touch_pos(r, p - 1);
			touch_pos(r, p);
		}
		keys = sorted_keys(r->threads);
		for (guint i = 0; i < keys->len && st == MA_OK; i++)
			st = render_thread_id(r, keys->pdata[i]);
		g_ptr_array_free(keys, TRUE);
	}
	/* Tombstone pages: all of them in a full run, the new ones else. */
	g_hash_table_iter_init(&it, r->tombs);
	while (st == MA_OK && g_hash_table_iter_next(&it, &k, &v)) {
		const struct tomb *t = v;

		if ((full || t->fresh) && !g_hash_table_contains(r->by_id, k))
			st = removed_message_page(r, k, t);
	}
	keys = sorted_keys(r->months);
	for (guint i = 0; i < keys->len && st == MA_OK; i++)
		st = month_pages(r, keys->pdata[i]);
	g_ptr_array_free(keys, TRUE);
	if (st == MA_OK)
		st = index_page(r);
	if (st == MA_OK)
		st = feed_page(r);
	if (st == MA_OK)
		st = site_put(r->site, "style.css", site_stylesheet(),
			      strlen(site_stylesheet()));
	if (st == MA_OK && !full)
		st = drop_attachments(r);
	if (st == MA_OK && full)
		st = site_gc(r->site);
	return st;
}

enum ma_status
render_run(const struct render_opts *o, struct render_stats *stats)
{
	struct run r = {.o = o, .stats = stats};
	GPtrArray *changed = g_ptr_array_new();
	const char *uuid = NULL;
	char *state = path_fmt("%s/state/render.state", o->space_dir);
	unsigned long rev;
	bool full = o->full;
	enum ma_status st;
	long tomb_end = 0;

	memset(stats, 0, sizeof *stats);
	r.blocks = g_ptr_array_new();
	r.strings = g_string_chunk_new(1 << 20);
	r.by_id = g_hash_table_new(g_str_hash, g_str_equal);
	r.order = g_ptr_array_new();
	r.threads = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	r.months = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	r.tombs =
	    g_hash_table_new_full(g_str_hash, g_str_equal, free, tomb_free);
	r.tomb_threads =
	    g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	r.gone = g_ptr_array_new();
	if (state == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	if ((st = open_db(&r)) != MA_OK)
		goto out;
	rev = notmuch_database_get_revision(r.db, &uuid);
	if (!full) {
		st = render_state_load(&r, state);
		if (st == MA_ENOTFOUND) {
			full = true;
		} else if (st != MA_OK) {
			goto out;
		} else if (strcmp(r.uuid, uuid) != 0 || r.rev > rev) {
			log_notice("the notmuch database of space '%s' was "
				   "rebuilt: rendering everything",
				   o->key);
			full = true;
		} else {
			char *set = settings_line(o);

			if (set == NULL) {
				st = MA_ENOMEM;
				goto out;
			}
			if (r.settings == NULL ||
			    strcmp(set, r.settings) != 0) {
				log_notice(
				    "the settings of space '%s' changed: "
				    "rendering everything",
				    o->key);
				full = true;
			}
			free(set);
		}
		if (full) {
			g_hash_table_remove_all(r.by_id);
			r.tomb_off = 0;
		}
		st = MA_OK;
	}
	/* A site removed by hand (or never published) is rebuilt whole. */
	if (!full) {
		char *index = path_fmt("%s/index.html", o->site_dir);

		if (index == NULL) {
			st = MA_ENOMEM;
			goto out;
		}
		if (!path_exists(index)) {
			log_notice("'%s' is missing: rendering everything",
				   index);
			full = true;
			g_hash_table_remove_all(r.by_id);
			r.tomb_off = 0;
		}
		free(index);
	}
	stats->full = full;
	if ((st = tombstones_read(&r, full ? 0 : r.tomb_off, tomb_note,
				  &tomb_end)) != MA_OK)
		goto out;
	if (!full && rev == r.rev && tomb_end == r.tomb_off) {
		log_info("site of space '%s' is up to date", o->key);
		stats->messages = g_hash_table_size(r.by_id);
		goto out;
	}
	if (full) {
		st = query_messages(&r, "*", NULL);
	} else if (rev > r.rev) {
		char qs[96];

		snprintf(qs, sizeof qs, "lastmod:%lu..%lu", r.rev + 1, rev);
		st = query_messages(&r, qs, changed);
	}
	if (st != MA_OK)
		goto out;
	{
		GHashTableIter it;
		gpointer k, v;

		g_hash_table_iter_init(&it, r.tombs);
		/* A full run has no entry for a message no longer indexed;
		 * an incremental one drops those that new tombstones name.
		 * A tombstoned message still indexed is shown. */
		while (st == MA_OK && g_hash_table_iter_next(&it, &k, &v))
			if (!full && ((struct tomb *)v)->fresh)
				st = apply_tomb(&r, k, v);
		g_hash_table_iter_init(&it, r.by_id);
		while (g_hash_table_iter_next(&it, &k, &v))
			g_ptr_array_add(r.order, v);
	}
	if (st != MA_OK)
		goto out;
	g_ptr_array_sort(r.order, entry_cmp);
	for (guint i = 0; i < r.order->len; i++)
		((struct entry *)r.order->pdata[i])->pos = i;
	if ((st = site_open(o->site_dir, o->out, o->sep, &r.site)) != MA_OK)
		goto out;
	st = render_all(&r, changed, full);
	stats->files_written = site_written(r.site);
	if (st == MA_OK)
		st = site_close(r.site, true);
	else
		site_close(r.site, false);
	r.site = NULL;
	r.tomb_off = tomb_end;
	if (st == MA_OK)
		st = render_state_save(&r, state, uuid, rev);
	stats->messages = r.order->len;
out:
	if (r.db != NULL)
		notmuch_database_destroy(r.db);
	g_ptr_array_free(changed, TRUE);
	g_ptr_array_free(r.order, TRUE);
	g_ptr_array_free(r.gone, TRUE);
	g_hash_table_destroy(r.by_id);
	entries_free(&r);
	g_hash_table_destroy(r.threads);
	g_hash_table_destroy(r.months);
	g_hash_table_destroy(r.tombs);
	g_hash_table_destroy(r.tomb_threads);
	free(r.uuid);
	free(r.settings);
	free(state);
	return st;
}
