/*
 * How many messages use each attachment (store.c has the files): the
 * state's a-HH buckets, HH the first two hex digits of the token, one
 * line a token: TOKEN TAB USERS. A run that holds the whole order writes
 * them all from its entries; one that read part of the state changes
 * only the counts of the tokens of the threads it renders and of the
 * messages it removes, so a deletion knows whether another message
 * still shows an attachment without reading every month.
 *
 * A state without them (written before they were counted, or by a run
 * that could not keep them) says nothing of it in its manifest: the
 * next deletion reads everything once (store_prefetch_tomb()), and its
 * save writes them.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_int.h"

bool
store_atts_counted(const struct run *r)
{
	return store_partial(r) && r->store->atts_counted &&
	       r->store->att_delta != NULL;
}

/* Each token of atts ("T1 T2 ...") counted sign more in delta. */
static void
tokens_add(GHashTable *delta, const char *atts, int sign)
{
	for (const char *p = atts; *p;) {
		size_t n = strcspn(p, " ");

		if (n > 0) {
			gpointer old = NULL;
			char *k = g_strndup(p, n);
			int v = sign;

			if (g_hash_table_lookup_extended(delta, k, NULL, &old))
				v += GPOINTER_TO_INT(old);
			g_hash_table_replace(delta, k, GINT_TO_POINTER(v));
		}
		p += n + (p[n] == ' ');
	}
}

/* Whether e's thread is one the run renders: its pages are made again,
 * and set its tokens again. */
static bool
entry_rendered(const struct run *r, const struct entry *e)
{
	return e->thread[0] != '\0' &&
	       g_hash_table_contains(r->threads, e->thread);
}

/* Each token of atts into the set. */
static void
tokens_note(GHashTable *set, const char *atts)
{
	for (const char *p = atts; *p;) {
		size_t n = strcspn(p, " ");

		if (n > 0)
			g_hash_table_add(set, g_strndup(p, n));
		p += n + (p[n] == ' ');
	}
}

enum ma_status
store_atts_before(struct run *r)
{
	struct store *s = r->store;

	/* A state of an older format has no store: nothing counted. */
	if (s == NULL)
		return MA_OK;
	/* A run that holds every entry: what the entries to render use
	 * now, which their pages may use no more (a version of a message
	 * erased, the message kept). store_atts_drop() looks at these. */
	if (!store_partial(r)) {
		if (s->atts_was != NULL)
			g_hash_table_destroy(s->atts_was);
		s->atts_was = g_hash_table_new_full(g_str_hash, g_str_equal,
						    g_free, NULL);
		for (guint i = 0; i < r->order->len; i++) {
			const struct entry *e = r->order->pdata[i];

			if (entry_rendered(r, e))
				tokens_note(s->atts_was, entry_atts(e));
		}
		return MA_OK;
	}
	if (!s->atts_counted || s->att_delta != NULL)
		return MA_OK;
	s->att_delta =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	s->atts_seen = g_ptr_array_new();
	/* What the entries of the threads to render use now. */
	for (guint i = 0; i < r->order->len; i++) {
		struct entry *e = r->order->pdata[i];

		if (!entry_rendered(r, e))
			continue;
		g_ptr_array_add(s->atts_seen, e);
		tokens_add(s->att_delta, entry_atts(e), -1);
	}
	for (guint i = 0; i < r->gone->len; i++)
		tokens_add(s->att_delta,
			   entry_atts((struct entry *)r->gone->pdata[i]), -1);
	return MA_OK;
}

/* The file of token tok, unless a message in used shows it. */
static enum ma_status
drop_unused(struct run *r, GHashTable *used, const char *tok)
{
	char rel[128];
	enum ma_status st;

	if (!sitename_att_token_ok(tok) || g_hash_table_contains(used, tok))
		return MA_OK;
	st = render_fmt(rel, sizeof rel, "a/%.2s/%s", tok, tok);
	return st == MA_OK ? site_remove(r->site, rel) : st;
}

/* A run that holds every entry and does not count the tokens: the
 * attachments of the messages it removed, and those the pages it made
 * again used before, that no message shows now. */
enum ma_status
store_atts_drop(struct run *r)
{
	GHashTable *was = r->store != NULL ? r->store->atts_was : NULL;
	GHashTable *used, *cand;
	GHashTableIter it;
	gpointer k;
	size_t at = 0;
	enum ma_status st = MA_OK;

	/* A run that read part of the state and did not count: it
	 * cannot know (a state that counts none, no removal). */
	if (store_partial(r) ||
	    (r->gone->len == 0 && (was == NULL || g_hash_table_size(was) == 0)))
		return MA_OK;
	used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	cand = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (struct entry *e; (e = entry_next(r, &at)) != NULL;)
		tokens_note(used, entry_atts(e));
	for (guint i = 0; i < r->gone->len; i++)
		tokens_note(cand,
			    entry_atts((struct entry *)r->gone->pdata[i]));
	if (was != NULL) {
		g_hash_table_iter_init(&it, was);
		while (g_hash_table_iter_next(&it, &k, NULL))
			g_hash_table_add(cand, g_strdup(k));
	}
	g_hash_table_iter_init(&it, cand);
	while (st == MA_OK && g_hash_table_iter_next(&it, &k, NULL))
		st = drop_unused(r, used, k);
	g_hash_table_destroy(cand);
	g_hash_table_destroy(used);
	return st;
}

/* The counts the bucket fkey has of the tokens of want (token -> delta)
 * plus their delta, into s->att_count; each token no message uses any
 * more loses its file. */
static enum ma_status
settle_bucket(struct run *r, const char *fkey, GPtrArray *want)
{
	struct store *s = r->store;
	GHashTable *old = g_hash_table_new(g_str_hash, g_str_equal);
	enum ma_status st;
	size_t len;
	char *data;

	if ((st = store_bucket_read(r, fkey, &data, &len)) != MA_OK) {
		g_hash_table_destroy(old);
		return st;
	}
	/* No such bucket: no counts yet. */
	for (char *p = data, *end = data != NULL ? data + len : NULL;
	     p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *tab;

		if (nl == NULL)
			nl = end;
		*nl = '\0';
		if ((tab = strchr(p, '\t')) != NULL) {
			*tab = '\0';
			g_hash_table_insert(old, p, tab + 1);
		}
		p = nl + 1;
	}
	for (guint i = 0; i < want->len && st == MA_OK; i++) {
		const char *tok = want->pdata[i], *was;
		long n =
		    GPOINTER_TO_INT(g_hash_table_lookup(s->att_delta, tok));
		char rel[128];

		if ((was = g_hash_table_lookup(old, tok)) != NULL)
			n += strtol(was, NULL, 10);
		if (n < 0)
			n = 0;
		g_hash_table_replace(s->att_count, g_strdup(tok),
				     GINT_TO_POINTER((int)n));
		if (n > 0 || !sitename_att_token_ok(tok))
			continue;
		st = render_fmt(rel, sizeof rel, "a/%.2s/%s", tok, tok);
		if (st == MA_OK)
			st = site_remove(r->site, rel);
	}
	free(data);
	g_hash_table_destroy(old);
	return st;
}

enum ma_status
store_atts_settle(struct run *r)
{
	struct store *s = r->store;
	GHashTable *by = g_hash_table_new_full(
	    g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
	GPtrArray *keys;
	GHashTableIter it;
	gpointer k, v;
	enum ma_status st = MA_OK;

	if (!store_atts_counted(r)) {
		g_hash_table_destroy(by);
		return MA_OK;
	}
	/* What they use once their pages are made. */
	for (guint i = 0; i < s->atts_seen->len; i++) {
		struct entry *e = s->atts_seen->pdata[i];

		if (entry_find(r, e->msgid) == e)
			tokens_add(s->att_delta, entry_atts(e), 1);
	}
	s->att_count =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_hash_table_iter_init(&it, s->att_delta);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		char fkey[8];
		GPtrArray *a;

		if (GPOINTER_TO_INT(v) == 0 || strlen(k) < 2)
			continue;
		snprintf(fkey, sizeof fkey, "a-%.2s", (const char *)k);
		if ((a = g_hash_table_lookup(by, fkey)) == NULL) {
			a = g_ptr_array_new();
			g_hash_table_insert(by, g_strdup(fkey), a);
		}
		g_ptr_array_add(a, k);
	}
	keys = sorted_keys(by);
	for (guint i = 0; i < keys->len && st == MA_OK; i++)
		st = settle_bucket(r, keys->pdata[i],
				   g_hash_table_lookup(by, keys->pdata[i]));
	g_ptr_array_free(keys, TRUE);
	g_hash_table_destroy(by);
	return st;
}

/* A token's length: up to its space or NUL. */
static size_t
tok_len(const char *p)
{
	return strcspn(p, " ");
}

static int
tok_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t nx = tok_len(x), ny = tok_len(y);
	int c = memcmp(x, y, nx < ny ? nx : ny);

	return c != 0 ? c : (nx > ny) - (nx < ny);
}

/*
 * Every a- bucket, from the whole order: a pointer to each use of a
 * token (8 bytes a use, not a table of tokens), sorted, counted in runs.
 */
static enum ma_status
atts_all(struct store_out *o, struct buf *b)
{
	struct run *r = o->r;
	const char **p = NULL;
	size_t n = 0, cap = 0, lines = 0;
	enum ma_status st = MA_OK;
	char key[8] = "";

	for (guint i = 0; i < r->order->len; i++) {
		const struct entry *e = r->order->pdata[i];

		for (const char *q = entry_atts(e); *q;) {
			size_t l = tok_len(q);

			if (l >= 2 && n == cap) {
				size_t c = cap == 0 ? 1024 : cap * 2;
				const char **np = realloc(p, c * sizeof *p);

				if (np == NULL) {
					free(p);
					return MA_ENOMEM;
				}
				p = np;
				cap = c;
			}
			if (l >= 2)
				p[n++] = q;
			q += l + (q[l] == ' ');
		}
	}
	if (n > 0)
		qsort(p, n, sizeof *p, tok_cmp);
	for (size_t i = 0; i < n && st == MA_OK;) {
		size_t j = i + 1, l = tok_len(p[i]);
		char fkey[8];

		while (j < n && tok_cmp(&p[i], &p[j]) == 0)
			j++;
		snprintf(fkey, sizeof fkey, "a-%.2s", p[i]);
		if (key[0] != '\0' && strcmp(fkey, key) != 0) {
			st = store_emit(o, key, b, lines);
			lines = 0;
		}
		memcpy(key, fkey, sizeof key);
		if (st == MA_OK)
			st = buf_addf(b, "%.*s\t%zu\n", (int)l, p[i], j - i);
		lines++;
		i = j;
	}
	if (st == MA_OK && key[0] != '\0')
		st = store_emit(o, key, b, lines);
	free(p);
	o->atts_counted = st == MA_OK;
	return st;
}

enum ma_status
store_atts_save(struct store_out *o, struct buf *b)
{
	struct store *s = o->r->store;
	GHashTable *dirty;
	GHashTableIter it;
	gpointer k, v;

	if (!store_partial(o->r))
		return atts_all(o, b);
	/* A run that did not count them leaves the state without them. */
	if (!s->atts_counted || s->att_count == NULL)
		return MA_OK;
	dirty = dirty_new();
	g_hash_table_iter_init(&it, s->att_count);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		char fkey[8];
		int n = GPOINTER_TO_INT(v);

		snprintf(fkey, sizeof fkey, "a-%.2s", (const char *)k);
		dirty_add(dirty, fkey, g_strdup(k),
			  n > 0 ? g_strdup_printf("%s\t%d", (const char *)k, n)
				: NULL);
	}
	o->atts_counted = true;
	return dirty_write(o, b, dirty);
}
