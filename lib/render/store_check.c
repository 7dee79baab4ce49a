/*
 * An incremental run's step 3 (store_load.c has steps 1 and 2): the
 * thread names of the threads it renders, read from their names'
 * buckets (the lines asked for, not the whole buckets), checked to lead
 * to their own threads, with the NAMEs a deletion of a root renames
 * (store_tomb.c); what cannot be settled so reads everything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_int.h"

/* A NAME the run asks for (arg: NAME -> NAME). */
static bool
name_wanted(struct run *r, const char *name, const char *target, void *arg)
{
	(void)r;
	(void)target;
	return g_hash_table_contains(arg, name);
}

/* Whether msgid is the root of a NAME store_renames() noted. */
static bool
renamed_root(struct run *r, const char *msgid)
{
	GHashTableIter it;
	gpointer v;

	if (r->store->renamed == NULL)
		return false;
	g_hash_table_iter_init(&it, r->store->renamed);
	while (g_hash_table_iter_next(&it, NULL, &v))
		if (strcmp(v, msgid) == 0)
			return true;
	return false;
}

/* A thread rendered this run keeps its root (else *ok is false); its
 * NAME, into name ("" when it has none), is checked once the name
 * buckets are read (name_check()). */
static enum ma_status
root_check(struct run *r, struct entry *root, char name[PERMALINK_NAME_MAX],
	   bool *ok)
{
	struct sthread *rec;
	enum ma_status st;

	name[0] = '\0';
	if ((st = thread_record(r, root->thread, &rec)) != MA_OK)
		return st;
	/* A root this run removed: names.c settles its NAME
	 * (store_renames()). */
	if (rec->known && strcmp(rec->root, root->msgid) != 0 &&
	    !renamed_root(r, rec->root)) {
		*ok = false;
		return MA_OK;
	}
	if (!rec->known)
		r->store->new_threads++;
	if (entry_page_name(r, root, name) != MA_OK)
		name[0] = '\0';
	return MA_OK;
}

/* The NAME of a thread rendered this run leads to itself (or is new). */
static bool
name_check(struct run *r, const struct entry *root, const char *name)
{
	const struct tname *t = names_get(r, name);

	/* One that led to a NAME whose root this run removed is given
	 * its own again by names_publish(). */
	return t == NULL || (strcmp(tname_root(t), root->msgid) == 0 &&
			     (strcmp(tname_target(r, t), name) == 0 ||
			      (r->store->renamed != NULL &&
			       g_hash_table_contains(r->store->renamed,
						     tname_target(r, t)))));
}

/* The roots of the threads rendered this run, in the order. */
static GPtrArray *
rendered_roots(struct run *r)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *roots = g_ptr_array_new();

	for (guint i = 0; i < r->order->len; i++) {
		struct entry *e = r->order->pdata[i];

		if (!sitename_thread_ok(e->thread) ||
		    !g_hash_table_contains(r->threads, e->thread) ||
		    g_hash_table_contains(seen, e->thread))
			continue;
		g_hash_table_add(seen, e->thread);
		g_ptr_array_add(roots, e);
	}
	g_hash_table_destroy(seen);
	return roots;
}

/* How many threads this run emptied: those it renders that the state
 * knew and that have no root left. */
static enum ma_status
gone_threads(struct run *r, GPtrArray *roots)
{
	GHashTable *live = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *keys = sorted_keys(r->threads);
	enum ma_status st = MA_OK;

	r->store->gone_threads = 0;
	for (guint i = 0; i < roots->len; i++)
		g_hash_table_add(live,
				 ((struct entry *)roots->pdata[i])->thread);
	for (guint i = 0; i < keys->len && st == MA_OK; i++) {
		struct sthread *rec;

		if (g_hash_table_contains(live, keys->pdata[i]) ||
		    (st = thread_record(r, keys->pdata[i], &rec)) != MA_OK)
			continue;
		if (rec->known)
			r->store->gone_threads++;
	}
	g_ptr_array_free(keys, TRUE);
	g_hash_table_destroy(live);
	return st;
}

/* The name buckets of names (bucket key -> NAME set), each read once, in
 * key order. */
static enum ma_status
names_pick_all(struct run *r, GHashTable *buckets)
{
	GPtrArray *keys = sorted_keys(buckets);
	enum ma_status st = MA_OK;

	for (guint i = 0; i < keys->len && st == MA_OK; i++)
		st = store_names_pick(
		    r, keys->pdata[i], name_wanted,
		    g_hash_table_lookup(buckets, keys->pdata[i]));
	g_ptr_array_free(keys, TRUE);
	return st;
}

enum ma_status
store_names_check(struct run *r)
{
	GPtrArray *roots, *names;
	GHashTable *buckets;
	enum ma_status st = MA_OK;
	bool ok = true;

	if (!store_partial(r))
		return MA_OK;
	roots = rendered_roots(r);
	/* Each root's NAME (NULL: none), kept with the run's strings, as
	 * thread_names() keeps them. */
	names = g_ptr_array_new();
	buckets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					(GDestroyNotify)g_hash_table_destroy);
	r->store->new_threads = 0;
	st = store_renames(r, &ok);
	for (guint i = 0; i < roots->len && st == MA_OK && ok; i++) {
		char name[PERMALINK_NAME_MAX], key[8];
		const char *n = NULL;
		GHashTable *want;

		st = root_check(r, roots->pdata[i], name, &ok);
		if (st == MA_OK && ok && name[0] != '\0')
			n = g_string_chunk_insert_const(r->strings, name);
		g_ptr_array_add(names, (gpointer)n);
		if (n == NULL)
			continue;
		snprintf(key, sizeof key, "n-%02x", store_bucket(n));
		if ((want = g_hash_table_lookup(buckets, key)) == NULL) {
			want = g_hash_table_new(g_str_hash, g_str_equal);
			g_hash_table_insert(buckets, g_strdup(key), want);
		}
		g_hash_table_add(want, (gpointer)n);
	}
	if (st == MA_OK && ok)
		st = names_pick_all(r, buckets);
	if (st == MA_OK && ok)
		st = gone_threads(r, roots);
	for (guint i = 0; i < names->len && st == MA_OK && ok; i++)
		if (names->pdata[i] != NULL)
			ok = name_check(r, roots->pdata[i], names->pdata[i]);
	g_hash_table_destroy(buckets);
	g_ptr_array_free(roots, TRUE);
	g_ptr_array_free(names, TRUE);
	if (st == MA_OK && !ok)
		st = store_load_all(r);
	return st;
}
