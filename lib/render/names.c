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
	const char *h;

	if (e != NULL && entry_tname(e) != NULL)
		return entry_tname(e);
	/* A root of a NAME carried over the steps: from the state. */
	if (r->carry != NULL &&
	    (h = g_hash_table_lookup(r->carry->holder, msgid)) != NULL)
		return h[0] != '\0' ? h : NULL;
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

	if (r->carry != NULL && g_hash_table_contains(r->carry->live, name))
		return true;
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

/* What NAME leads to now, its pages and its record settled (full: its
 * page written whether its target changed or not). */
static enum ma_status
name_settle(struct run *r, const char *name, bool full)
{
	struct tname *t = names_get(r, name);
	const char *to = name_target(r, name);
	enum ma_status st = MA_OK;
	bool changed;

	if (to == NULL) {
		st = name_drop_files(r, name, true);
		if (st == MA_OK)
			names_retire(r, name);
		return st;
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
		return st;
	return tname_set_target(r, t, to);
}

enum ma_status
names_publish(struct run *r, bool full)
{
	GPtrArray *keys = names_sorted(r);
	enum ma_status st = MA_OK;

	for (guint i = 0; i < keys->len && st == MA_OK; i++)
		st = name_settle(r, keys->pdata[i], full);
	g_ptr_array_free(keys, TRUE);
	return st;
}

/*
 * The NAMEs carried over a full run in steps (store_carry.c): what the
 * state the steps saved says of them, and the table of the NAMEs of the
 * name bucket the lines read last.
 */
struct carry_read {
	struct run *r;
	GHashTable *bucket; /* the NAMEs of the state's name bucket k */
	int k;		    /* -1: none read yet */
	GPtrArray *carried; /* the NAMEs no live thread has: the records' */
};

/* One line of the file of NAMEs carried: a NAME the steps did not give a
 * live thread is noted in r->names (once: the first line of a NAME is
 * the one the site published). */
static enum ma_status
carry_line(void *arg, char *line)
{
	struct carry_read *c = arg;
	size_t n = strcspn(line, "\t");
	const struct tname *t;
	enum ma_status st = MA_OK;
	bool skip;
	unsigned k;

	if (n == 0 || line[n] != '\t')
		return MA_OK;
	line[n] = '\0';
	k = store_bucket(line);
	if ((int)k != c->k) {
		g_hash_table_remove_all(c->bucket);
		c->k = (int)k;
		st = store_carry_bucket(c->r, k, c->bucket);
	}
	skip = g_hash_table_contains(c->bucket, line) ||
	       names_get(c->r, line) != NULL;
	line[n] = '\t';
	if (st != MA_OK || skip || (st = names_note(c->r, line)) != MA_OK)
		return st;
	line[n] = '\0';
	if ((t = names_get(c->r, line)) != NULL)
		g_ptr_array_add(c->carried, (gpointer)t->name);
	line[n] = '\t';
	return MA_OK;
}

/* The NAME of the live thread that holds each carried NAME's root (""
 * for none), as holder_of() finds it in one full run, for the roots the
 * run holds no named entry of: the state's month line of the root, else
 * the thread its tombstone names. */
static enum ma_status
carry_holders(struct run *r, const GPtrArray *carried, GHashTable *holder)
{
	GHashTable *ask =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	GHashTableIter it;
	gpointer k, v;
	enum ma_status st;

	for (guint i = 0; i < carried->len; i++) {
		const char *root = tname_root(names_get(r, carried->pdata[i]));
		const struct entry *e = entry_find(r, root);

		if (e == NULL || entry_tname(e) == NULL)
			g_hash_table_insert(ask, g_strdup(root), NULL);
	}
	st = store_carry_holders(r, ask);
	g_hash_table_iter_init(&it, ask);
	while (st == MA_OK && g_hash_table_iter_next(&it, &k, &v)) {
		const struct tomb *t = g_hash_table_lookup(r->tombs, k);
		char *tn =
		    v != NULL && strcmp(v, "-") != 0 ? g_strdup(v) : NULL;

		if (tn == NULL && t != NULL && sitename_thread_ok(t->thread)) {
			if (thread_name_of(r, t->thread) != NULL)
				tn = g_strdup(thread_name_of(r, t->thread));
			else
				st = store_carry_thread_name(r, t->thread, &tn);
		}
		if (tn != NULL && strcmp(tn, "-") == 0) {
			g_free(tn);
			tn = NULL;
		}
		g_hash_table_insert(holder, g_strdup(k),
				    tn != NULL ? tn : g_strdup(""));
	}
	g_hash_table_destroy(ask);
	return st;
}

/* The NAMEs the carried ones lead to that name a live thread the run
 * holds no record of (the state's name buckets have them), and every
 * holder found, into live. */
static enum ma_status
carry_live(struct run *r, const GPtrArray *carried, GHashTable *holder,
	   GHashTable *live)
{
	GHashTable *ask = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTableIter it;
	gpointer v;
	enum ma_status st;

	for (guint i = 0; i < carried->len; i++) {
		const char *to =
		    tname_target(r, names_get(r, carried->pdata[i]));

		if (strcmp(to, "-") != 0 && names_get(r, to) == NULL)
			g_hash_table_add(ask, (gpointer)to);
	}
	st = store_carry_live(r, ask, live);
	g_hash_table_iter_init(&it, holder);
	while (g_hash_table_iter_next(&it, NULL, &v))
		if (((const char *)v)[0] != '\0')
			g_hash_table_add(live, g_strdup(v));
	g_hash_table_destroy(ask);
	return st;
}

static int
carried_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

enum ma_status
names_settle_carried(struct run *r)
{
	char *path = store_carry_path(r);
	struct carry c = {0};
	struct carry_read cr = {r, NULL, -1, g_ptr_array_new()};
	enum ma_status st;

	if (path == NULL) {
		g_ptr_array_free(cr.carried, TRUE);
		return MA_ENOMEM;
	}
	cr.bucket =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	c.holder =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	c.live = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	st = store_carry_lines(path, carry_line, &cr);
	g_hash_table_destroy(cr.bucket);
	if (st == MA_OK)
		st = carry_holders(r, cr.carried, c.holder);
	if (st == MA_OK)
		st = carry_live(r, cr.carried, c.holder, c.live);
	/* In the order one full run settles every NAME in: a chain of
	 * NAMEs reads the targets set before it. */
	g_ptr_array_sort(cr.carried, carried_cmp);
	r->carry = &c;
	for (guint i = 0; i < cr.carried->len && st == MA_OK; i++)
		st = name_settle(r, cr.carried->pdata[i], true);
	r->carry = NULL;
	if (st == MA_OK && cr.carried->len > 0)
		log_info("space '%s': %u addresses of conversations that "
			 "moved or went, settled",
			 r->o->key, cr.carried->len);
	g_hash_table_destroy(c.holder);
	g_hash_table_destroy(c.live);
	g_ptr_array_free(cr.carried, TRUE);
	free(path);
	return st;
}
