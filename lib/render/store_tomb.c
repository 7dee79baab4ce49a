/*
 * A deletion on a state read in part (store_load.c has the steps): the
 * month a fresh tombstone's message was in, found by its Message-ID's
 * bucket, as an addition finds the month of a message it changes; and,
 * when the message was its thread's root, the thread's old NAME and the
 * NAMEs that led to it, so that names.c gives them what a full run
 * gives them (the NAME leads to the thread's new root, or says the
 * conversation was removed). And the roots the state recorded of the
 * threads tombstones name, for tomb_map.c.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_int.h"

enum ma_status
store_prefetch_tomb(struct run *r, const char *key, const struct tomb *t)
{
	if (!store_partial(r))
		return MA_OK;
	/* Whether another message uses its attachments is known only
	 * from the counts: a state without them is read whole, once. */
	if (!r->store->atts_counted)
		return store_load_all(r);
	/* An erasure holds the hash of the Message-ID: its thread's
	 * months hold the message (removed.c looks there). */
	if (strncmp(key, "sha256:", 7) == 0)
		return sitename_thread_ok(t->thread) ? load_thread(r, t->thread)
						     : store_load_all(r);
	/* Not in the state: the site never showed it. */
	return load_month_of(r, key, NULL);
}

/* The entry this run removed whose Message-ID is msgid, or NULL. */
static struct entry *
gone_entry(struct run *r, const char *msgid)
{
	for (guint i = 0; i < r->gone->len; i++) {
		struct entry *e = r->gone->pdata[i];

		if (strcmp(e->msgid, msgid) == 0)
			return e;
	}
	return NULL;
}

/* Every month of a thread's record rendered again: its pages and
 * search segments link the thread by its NAME. */
static void
months_again(struct run *r, const char *months)
{
	for (const char *p = months; *p;) {
		size_t n = strcspn(p, ",");
		char month[8];

		if (n == 7) {
			memcpy(month, p, 7);
			month[7] = '\0';
			if (!g_hash_table_contains(r->months, month))
				g_hash_table_add(r->months, strdup(month));
		}
		p += n + (p[n] == ',');
	}
}

/* A line whose NAME or TARGET is a renamed NAME, not held yet. */
static bool
renamed_wanted(struct run *r, const char *name, const char *target, void *arg)
{
	GHashTable *renamed = arg;

	return target != NULL &&
	       (g_hash_table_contains(renamed, name) ||
		g_hash_table_contains(renamed, target)) &&
	       names_get(r, name) == NULL;
}

enum ma_status
store_renames(struct run *r, bool *ok)
{
	struct store *s = r->store;
	GPtrArray *keys = sorted_keys(r->threads);
	enum ma_status st = MA_OK;

	if (s->renamed == NULL)
		s->renamed =
		    g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
	for (guint i = 0; i < keys->len && st == MA_OK && *ok; i++) {
		char name[PERMALINK_NAME_MAX], *k, *v;
		struct sthread *rec;
		struct entry *e;

		if ((st = thread_record(r, keys->pdata[i], &rec)) != MA_OK ||
		    !rec->known || entry_find(r, rec->root) != NULL)
			continue;
		/* Its root went this run, by a tombstone or an erasure
		 * (then names.c retires its NAME: nothing may name an
		 * erased message, and the save drops the NAME's line). */
		e = gone_entry(r, rec->root);
		if (e == NULL || entry_page_name(r, e, name) != MA_OK) {
			*ok = false;
			break;
		}
		if ((k = strdup(name)) == NULL ||
		    (v = strdup(rec->root)) == NULL) {
			free(k);
			st = MA_ENOMEM;
			break;
		}
		g_hash_table_replace(s->renamed, k, v);
		months_again(r, rec->months);
	}
	g_ptr_array_free(keys, TRUE);
	/* The NAMEs that led to them: a name's target is a live NAME
	 * after every run, so those are the lines that name one. */
	for (unsigned i = 0; i < STORE_BUCKETS && st == MA_OK && *ok &&
			     g_hash_table_size(s->renamed) > 0;
	     i++) {
		char fkey[8];

		snprintf(fkey, sizeof fkey, "n-%02x", i);
		st = store_names_pick(r, fkey, renamed_wanted, s->renamed);
	}
	return st;
}

/* The lines of one thread bucket whose thread roots wants: its root. */
static enum ma_status
roots_of_bucket(struct run *r, unsigned b, GHashTable *roots)
{
	char fkey[8], *data;
	size_t len;
	enum ma_status st;

	snprintf(fkey, sizeof fkey, "t-%02x", b);
	if ((st = store_bucket_read(r, fkey, &data, &len)) != MA_OK ||
	    data == NULL)
		return st;
	/* THREAD TAB COUNT TAB ROOT TAB MONTHS */
	for (char *p = data, *end = data + len; p < end && st == MA_OK;) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *t1, *t2, *t3;

		if (nl == NULL)
			nl = end;
		*nl = '\0';
		t1 = strchr(p, '\t');
		t2 = t1 != NULL ? strchr(t1 + 1, '\t') : NULL;
		t3 = t2 != NULL ? strchr(t2 + 1, '\t') : NULL;
		if (t3 != NULL) {
			*t1 = '\0';
			if (g_hash_table_contains(roots, p)) {
				char *root = sitename_state_unescape(
				    t2 + 1, (size_t)(t3 - t2 - 1));

				if (root == NULL)
					st = MA_ENOMEM;
				else
					g_hash_table_insert(roots, g_strdup(p),
							    g_strdup(root));
				free(root);
			}
		}
		p = nl + 1;
	}
	free(data);
	return st;
}

enum ma_status
store_thread_roots(struct run *r, GHashTable *roots)
{
	bool want[STORE_BUCKETS] = {false};
	GHashTableIter it;
	gpointer k;
	enum ma_status st = MA_OK;

	if (r->store == NULL)
		return MA_OK;
	g_hash_table_iter_init(&it, roots);
	while (g_hash_table_iter_next(&it, &k, NULL))
		want[store_bucket(k)] = true;
	for (unsigned b = 0; b < STORE_BUCKETS && st == MA_OK; b++)
		if (want[b])
			st = roots_of_bucket(r, b, roots);
	return st;
}
