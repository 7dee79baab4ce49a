/*
 * Thread names: a thread page is t/NAME.html, NAME being the permalink
 * name (permalink.h) of the thread's root message. The root is the
 * thread's first message in the site's order, by (date, Message-ID) as
 * date.c and versions.c give dates: it depends on the messages alone,
 * never on the notmuch database, so a rebuilt database gives the same
 * names.
 *
 * A thread's root changes when an earlier message joins it or threads
 * merge. The state remembers every NAME the site has published, with the
 * Message-ID it was named after; a NAME that no longer names a live
 * thread keeps a page that leads (link and meta refresh) to the thread
 * that holds that message now, or says the conversation was removed. A
 * NAME is never removed nor reused for another thread, except when its
 * message is erased (an erasure's tombstone): then nothing may name it.
 */
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "log.h"
#include "tombstone.h"
#include "render_int.h"

/* How far a chain of old names is followed to a live one. */
#define NAME_HOPS 16

/* The NAME of each thread this run renders unset. */
static void
names_unset_rendered(struct run *r)
{
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, r->threads);
	while (g_hash_table_iter_next(&it, &k, NULL))
		thread_name_set(r, k, NULL);
}

/* The NAME each entry of a thread this run renders shows now ("" for
 * none), by entry. */
static GHashTable *
names_shown(struct run *r)
{
	GHashTable *was = g_hash_table_new(g_direct_hash, g_direct_equal);

	for (guint i = 0; i < r->order->len; i++) {
		struct entry *e = r->order->pdata[i];
		const char *tn = entry_tname(e);

		if (g_hash_table_contains(r->threads, e->thread))
			g_hash_table_insert(was, e, (gpointer)(tn ? tn : ""));
	}
	return was;
}

/* The entries whose NAME is not the one they showed marked dirty. */
static void
names_mark_changed(GHashTable *was)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, was);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct entry *e = k;
		const char *tn = entry_tname(e);

		if (strcmp(tn != NULL ? tn : "", v) != 0)
			e->dirty = true;
	}
}

enum ma_status
thread_names(struct run *r)
{
	enum ma_status st = MA_OK;
	GHashTable *was = NULL;

	/* A run that read part of the state keeps the NAME it gave the
	 * threads this run does not render (store_load.c); the entries
	 * of those it renders remember theirs, for the month pages. */
	r->pages_partial = store_partial(r);
	if (r->pages_partial) {
		was = names_shown(r);
		names_unset_rendered(r);
	} else {
		thread_names_forget(r);
	}
	/* r->order is sorted: the first entry seen of a thread is its
	 * root. */
	for (guint i = 0; i < r->order->len && st == MA_OK; i++) {
		struct entry *e = r->order->pdata[i];
		char name[PERMALINK_NAME_MAX];
		const char *tn;

		/* A run that read part of the state names the threads it
		 * renders (it holds them whole); the others keep the NAME
		 * the state gave them. */
		if (store_partial(r) &&
		    !g_hash_table_contains(r->threads, e->thread))
			continue;
		e->noname = true;
		if (!sitename_thread_ok(e->thread))
			continue;
		tn = thread_name_of(r, e->thread);
		if (tn == NULL) {
			const struct tname *t;

			/* The root's page NAME: a long Message-ID is named
			 * by the real one, as its message page is. */
			if (entry_page_name(r, e, name) != MA_OK)
				continue;
			if (names_get(r, name) == NULL &&
			    (st = tname_record(r, name, e->msgid, name)) !=
				MA_OK)
				break;
			/* The record's copy, kept until the run ends
			 * (names_retire()): one copy of each NAME. */
			t = names_get(r, name);
			tn = t->name;
			thread_name_set(r, e->thread, tn);
		}
		e->noname = false;
	}
	if (was != NULL) {
		names_mark_changed(was);
		g_hash_table_destroy(was);
	}
	return st;
}

/* The live thread that holds msgid now, by what this run knows. */
static const char *
holder_of(struct run *r, const char *msgid)
{
	const struct entry *e = entry_find(r, msgid);
	const struct tomb *t;

	if (e != NULL && entry_tname(e) != NULL)
		return entry_tname(e);
	/* Removed: its thread may live on. The tombstone names the thread
	 * as it was when the message went, after any merge that came with
	 * new mail, so it goes first, as in a full run; the thread the last
	 * run knew only serves a message removed without a tombstone. */
	t = g_hash_table_lookup(r->tombs, msgid);
	for (guint i = 0; i < r->gone->len; i++) {
		e = r->gone->pdata[i];
		if (strcmp(e->msgid, msgid) != 0)
			continue;
		if (e->erased)
			return NULL;
		if (t == NULL || !sitename_thread_ok(t->thread))
			return thread_name_of(r, e->thread);
		break;
	}
	if (t != NULL && sitename_thread_ok(t->thread))
		return thread_name_of(r, t->thread);
	return NULL;
}

static bool
name_live(struct run *r, const char *name)
{
	const struct tname *t = names_get(r, name);

	return t != NULL && holder_of(r, tname_root(t)) != NULL &&
	       strcmp(holder_of(r, tname_root(t)), name) == 0;
}

/*
 * Where NAME leads now: a live NAME (itself when it still names its
 * thread), "-" when its message and the threads it led to were removed,
 * NULL when its message was erased.
 */
static const char *
name_target(struct run *r, const char *name)
{
	for (int hop = 0; hop < NAME_HOPS; hop++) {
		const struct tname *t = names_get(r, name);
		const char *h, *to;

		if (t == NULL)
			return "-";
		if ((h = holder_of(r, tname_root(t))) != NULL)
			return h;
		if (hop == 0 && !g_hash_table_contains(r->tombs, tname_root(t)))
			return NULL;
		/* Its message is gone: where it led last time. */
		to = tname_target(r, t);
		if (strcmp(to, name) == 0 || strcmp(to, "-") == 0)
			return "-";
		if (name_live(r, to))
			return to;
		name = to;
	}
	return "-";
}

/* t/HH/NAME.html for a NAME whose thread is now t/HH/TO.html: a notice
 * with a link, and a refresh in its head (no script: the CSP allows
 * none). */
static enum ma_status
moved_thread_page(struct run *r, const char *name, const char *to)
{
	static const struct moved_notice n = {
	    "Conversation moved", "This conversation is now part of",
	    "another conversation",
	    " (an earlier message joined it, or two conversations were found "
	    "to be one)."};
	char rel[PERMALINK_STEM_MAX + 16], stem[PERMALINK_STEM_MAX],
	    tstem[PERMALINK_STEM_MAX], url[PERMALINK_STEM_MAX + 16];
	enum ma_status st;

	st = render_fmt(url, sizeof url, "../%s.html", name_stem(to, tstem));
	if (st == MA_OK)
		st = render_fmt(rel, sizeof rel, "t/%s.html",
				name_stem(name, stem));
	if (st == MA_OK)
		st = redirect_page(r, rel, "../../", &n, url);
	return st;
}

/* The feed and mbox of a NAME that no longer names a thread. */
static enum ma_status
name_drop_files(struct run *r, const char *name, bool page_too)
{
	static const char *const exts[] = {"atom", "mbox", "html"};
	char rel[PERMALINK_STEM_MAX + 16], stem[PERMALINK_STEM_MAX];
	enum ma_status st = MA_OK;

	name_stem(name, stem);
	for (size_t i = 0; i < (page_too ? 3u : 2u) && st == MA_OK; i++) {
		st = render_fmt(rel, sizeof rel, "t/%s.%s", stem, exts[i]);
		if (st == MA_OK)
			st = site_remove(r->site, rel);
		/* And the flat layout's (legacy.c). */
		if (st == MA_OK)
			st = render_fmt(rel, sizeof rel, "t/%s.%s", name,
					exts[i]);
		if (st == MA_OK)
			st = site_remove(r->site, rel);
	}
	return st;
}

enum ma_status
names_publish(struct run *r, bool full)
{
	GPtrArray *keys = names_sorted(r);
	enum ma_status st = MA_OK;

	for (guint i = 0; i < keys->len && st == MA_OK; i++) {
		const char *name = keys->pdata[i];
		struct tname *t = names_get(r, name);
		const char *to = name_target(r, name);
		bool changed;

		if (to == NULL) {
			st = name_drop_files(r, name, true);
			if (st == MA_OK)
				names_retire(r, name);
			continue;
		}
		if (strcmp(to, name) == 0) {
			changed = strcmp(tname_target(r, t), name) != 0;
		} else {
			changed = full || strcmp(tname_target(r, t), to) != 0;
			if (changed && strcmp(to, "-") == 0)
				st = removed_thread_page(r, name);
			else if (changed)
				st = moved_thread_page(r, name, to);
			if (st == MA_OK && changed)
				st = name_drop_files(r, name, false);
		}
		if (st != MA_OK || !changed)
			continue;
		st = tname_set_target(r, t, to);
	}
	g_ptr_array_free(keys, TRUE);
	return st;
}
