/*
 * Reading the state on disk (store.c has the files): a full run reads
 * the thread names; an incremental run reads only what it touches, in
 * steps run.c takes in turn:
 *
 *  1. store_prefetch(), per message notmuch changed: the month it was in
 *     (its Message-ID's bucket gives its date) and the month it goes to,
 *     each with the nearest months that hold mail (its neighbours by
 *     date may be there);
 *  2. store_widen(), once the order of what is loaded is known and the
 *     threads to render are marked: every month of those threads (their
 *     bucket lists them) with its neighbours, the newest months until
 *     they hold the home page's latest conversations and the feed's
 *     entries, and any month whose search segment has no cache;
 *  3. store_names_check() (store_check.c): the thread names of those
 *     threads (the lines of their names' buckets, not the whole
 *     buckets).
 *
 * A deletion reads the months of what it removes the same way
 * (store_tomb.c). What an incremental run cannot settle from that much
 * falls back to reading everything (store_load_all()), as every run did
 * before: a message whose date or thread changed, a thread whose root
 * changed other than by a deletion, a name that does not lead to its
 * own thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "path.h"
#include "store_int.h"

void
store_month_file(const char *month, char key[16])
{
	snprintf(key, 16, "m-%.4s-%.2s", month, month + 5);
}

/* "YYYY/MM" of a key "m-YYYY-MM". */
static void
month_of_key(const char *key, char out[8])
{
	snprintf(out, 8, "%.4s/%.2s", key + 2, key + 7);
}

/* One month line: MESSAGE-ID TAB THREAD TAB DATE TAB ATTACHMENTS TAB
 * NAME. An entry the run holds already (notmuch changed it) stays. */
static enum ma_status
month_line(struct run *r, char *p, char *nl)
{
	char *f[5], *id;
	size_t nf = 0;
	struct entry *e;

	f[nf++] = p;
	for (char *q = p; q < nl && nf < 5; q++)
		if (*q == '\t') {
			*q = '\0';
			f[nf++] = q + 1;
		}
	*nl = '\0';
	if (nf < 4)
		return MA_OK;
	if (strchr(f[0], '\\') == NULL)
		id = f[0];
	else if ((id = sitename_state_unescape(f[0], strlen(f[0]))) == NULL)
		return MA_ENOMEM;
	if (entry_find(r, id) != NULL) {
		if (id != f[0])
			free(id);
		return MA_OK;
	}
	e = entry_add(r, id);
	if (id != f[0])
		free(id);
	if (e == NULL)
		return MA_ENOMEM;
	g_ptr_array_add(r->order, e);
	entry_set_fields(r, e, f);
	/* The thread's NAME as the last run gave it: kept for a thread
	 * this run does not render (names.c). */
	e->noname = nf < 5 || strcmp(f[4], "-") == 0;
	if (!e->noname)
		thread_name_set(r, e->thread,
				g_string_chunk_insert_const(r->strings, f[4]));
	return MA_OK;
}

static enum ma_status
file_lines(struct run *r, char kind, char *data, size_t len)
{
	char *p = data, *end = data + len;
	enum ma_status st = MA_OK;

	while (p < end && st == MA_OK) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			nl = end;
		if (kind == 'm') {
			st = month_line(r, p, nl);
		} else {
			*nl = '\0';
			st = names_note(r, p);
		}
		p = nl + 1;
	}
	return st;
}

enum ma_status
store_load_file(struct run *r, const char *key)
{
	struct store *s = r->store;
	const struct sfile *f = g_hash_table_lookup(s->files, key);
	enum ma_status st;
	char *data;
	size_t len;

	if (g_hash_table_contains(s->loaded, key))
		return MA_OK;
	if ((st = f == NULL
		      ? MA_OK
		      : store_read(s->path, key, f->gen, &data, &len)) != MA_OK)
		return st;
	if (f != NULL) {
		r->state_read += len;
		if (store_fnv64(data, len) != f->digest) {
			log_warn("'%s.d/%s.%lu' does not match its manifest: "
				 "rendering everything",
				 s->path, key, f->gen);
			st = MA_ENOTFOUND;
		} else if (key[0] != 'm' ||
			   (st = entry_index_reserve(r, f->count)) == MA_OK) {
			st = file_lines(r, key[0], data, len);
		}
		free(data);
	}
	if (st == MA_ENOTFOUND)
		s->damaged = true;
	if (st == MA_OK) {
		char *k = strdup(key);

		if (k == NULL)
			return MA_ENOMEM;
		g_hash_table_add(s->loaded, k);
	}
	return st;
}

/* Every file of a kind ('m' or 'n'), in key order. */
static enum ma_status
load_kind(struct run *r, char kind)
{
	GPtrArray *keys = sorted_keys(r->store->files);
	enum ma_status st = MA_OK;

	for (guint i = 0; i < keys->len && st == MA_OK; i++)
		if (((const char *)keys->pdata[i])[0] == kind)
			st = store_load_file(r, keys->pdata[i]);
	g_ptr_array_free(keys, TRUE);
	return st;
}

enum ma_status
store_load(struct run *r, const char *path, char *manifest, size_t len,
	   bool entries)
{
	enum ma_status st;

	store_free(r->store);
	if ((r->store = store_new()) == NULL ||
	    (r->store->path = strdup(path)) == NULL)
		return MA_ENOMEM;
	st = store_manifest(r->store, manifest, len);
	/* An incremental run reads what it needs as it goes; a full one
	 * only the thread names, once it knows it does not go in steps
	 * (store_full_names()). */
	r->store->partial = entries;
	r->store->names_later = !entries;
	/* Thread names in the manifest's header (written by hand: a save
	 * puts them in their buckets) are merged by a run that reads
	 * everything. */
	if (st == MA_OK && entries && names_count(r) > 0)
		st = store_load_all(r);
	/* An unusable state: the next save writes every file again, under
	 * a generation none of them had. */
	if (st != MA_OK)
		g_hash_table_remove_all(r->store->files);
	return st;
}

enum ma_status
store_load_all(struct run *r)
{
	enum ma_status st;

	if (r->store == NULL || !r->store->partial)
		return MA_OK;
	r->store->partial = false;
	st = load_kind(r, 'n');
	if (st == MA_OK)
		st = load_kind(r, 'm');
	return st;
}

enum ma_status
store_go_full(struct run *r)
{
	if (r->store == NULL || !r->store->partial)
		return MA_OK;
	r->store->partial = false;
	r->store->names_later = true;
	return MA_OK;
}

/* The manifest's months, "m-YYYY-MM" keys, oldest first. */
static GPtrArray *
month_keys(struct store *s)
{
	GPtrArray *keys = sorted_keys(s->files), *m = g_ptr_array_new();

	for (guint i = 0; i < keys->len; i++)
		if (((const char *)keys->pdata[i])[0] == 'm')
			g_ptr_array_add(m, keys->pdata[i]);
	g_ptr_array_free(keys, TRUE);
	return m;
}

/* The month "YYYY/MM" and the nearest months before and after it that
 * hold mail. */
enum ma_status
load_near(struct run *r, const char *month)
{
	GPtrArray *keys = month_keys(r->store);
	char key[16];
	const char *prev = NULL, *next = NULL;
	enum ma_status st;

	store_month_file(month, key);
	for (guint i = 0; i < keys->len; i++) {
		int c = strcmp(keys->pdata[i], key);

		if (c < 0)
			prev = keys->pdata[i];
		else if (c > 0 && next == NULL)
			next = keys->pdata[i];
	}
	st = store_load_file(r, key);
	if (st == MA_OK && prev != NULL)
		st = store_load_file(r, prev);
	if (st == MA_OK && next != NULL)
		st = store_load_file(r, next);
	g_ptr_array_free(keys, TRUE);
	return st;
}

/* The fields from i on (0: the first) of the line of the bucket file
 * fkey whose first field is key, malloc'd into *outp (NULL: no such
 * line). */
enum ma_status
bucket_field(struct run *r, const char *fkey, const char *key, int i,
	     char **outp)
{
	size_t n = strlen(key), len;
	enum ma_status st;
	char *data;

	*outp = NULL;
	if ((st = store_bucket_read(r, fkey, &data, &len)) != MA_OK ||
	    data == NULL)
		return st;
	for (char *p = data, *end = data + len; p < end && *outp == NULL;) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *q = p;

		if (nl == NULL)
			nl = end;
		*nl = '\0';
		if ((size_t)(nl - p) > n && p[n] == '\t' &&
		    memcmp(p, key, n) == 0) {
			for (int k = 0; k < i && q != NULL; k++)
				q = (q = strchr(q, '\t')) != NULL ? q + 1
								  : NULL;
			if (q != NULL && (*outp = strdup(q)) == NULL)
				st = MA_ENOMEM;
		}
		p = nl + 1;
	}
	free(data);
	return st;
}

/* The months around the one the state dates msgid in (its i- bucket),
 * loaded; *foundp (may be NULL): whether the state holds msgid. */
enum ma_status
load_month_of(struct run *r, const char *msgid, bool *foundp)
{
	struct buf id;
	char fkey[8], month[8], *was = NULL;
	enum ma_status st;

	if (foundp != NULL)
		*foundp = false;
	buf_init(&id, STATE_MAX);
	st = sitename_state_escape(&id, msgid);
	snprintf(fkey, sizeof fkey, "i-%02x", store_bucket(msgid));
	if (st == MA_OK)
		st = bucket_field(r, fkey, buf_cstr(&id), 1, &was);
	buf_release(&id);
	if (st == MA_OK && was != NULL) {
		render_month_of((time_t)strtoll(was, NULL, 10), month);
		st = load_near(r, month);
		if (foundp != NULL)
			*foundp = true;
	}
	free(was);
	return st;
}

enum ma_status
store_prefetch(struct run *r, const char *msgid, const char *thread,
	       time_t date)
{
	char month[8];
	const struct entry *e;
	enum ma_status st;
	bool was;

	if (!store_partial(r))
		return MA_OK;
	/* No thread: counted apart on the home page. */
	if (thread == NULL || !sitename_thread_ok(thread))
		return store_load_all(r);
	st = load_month_of(r, msgid, &was);
	if (st == MA_OK && was) {
		e = entry_find(r, msgid);
		/* A message that moved in the order or between threads:
		 * what it leaves is settled by reading everything. */
		if (st == MA_OK && (e == NULL || e->date != date ||
				    strcmp(e->thread, thread) != 0))
			st = store_load_all(r);
	} else if (st == MA_OK) {
		r->store->added++;
	}
	if (st == MA_OK && store_partial(r)) {
		render_month_of(date, month);
		st = load_near(r, month);
	}
	return st;
}

/* A thread bucket's record after its thread id: COUNT TAB ROOT TAB
 * MONTHS. */
static enum ma_status
sthread_parse(struct run *r, struct sthread *t, const char *rec)
{
	const char *t1 = strchr(rec, '\t');
	const char *t2 = t1 != NULL ? strchr(t1 + 1, '\t') : NULL;

	if (t2 == NULL) {
		r->store->damaged = true;
		return MA_ENOTFOUND;
	}
	t->known = true;
	t->root = sitename_state_unescape(t1 + 1, (size_t)(t2 - t1 - 1));
	t->months = strdup(t2 + 1);
	return t->root != NULL && t->months != NULL ? MA_OK : MA_ENOMEM;
}

enum ma_status
store_prefetch_new(struct run *r, const char *thread, const char *month)
{
	if (!store_partial(r))
		return MA_OK;
	/* No thread: counted apart on the home page. */
	if (thread == NULL || !sitename_thread_ok(thread))
		return store_load_all(r);
	r->store->added++;
	return month != NULL ? load_near(r, month) : MA_OK;
}

/* What the thread bucket says of thread (read once). */
enum ma_status
thread_record(struct run *r, const char *thread, struct sthread **tp)
{
	struct sthread *t = g_hash_table_lookup(r->store->threads, thread);
	char fkey[8], *rec = NULL, *k;
	enum ma_status st;

	if ((*tp = t) != NULL)
		return MA_OK;
	snprintf(fkey, sizeof fkey, "t-%02x", store_bucket(thread));
	if ((st = bucket_field(r, fkey, thread, 1, &rec)) != MA_OK)
		return st;
	if ((t = calloc(1, sizeof *t)) == NULL ||
	    (k = strdup(thread)) == NULL) {
		free(t);
		free(rec);
		return MA_ENOMEM;
	}
	g_hash_table_insert(r->store->threads, k, t);
	*tp = t;
	if (rec != NULL)
		st = sthread_parse(r, t, rec);
	free(rec);
	return st;
}

/* An empty record of thread, held by the store (*tp). */
static enum ma_status
thread_new(struct run *r, const char *thread, struct sthread **tp)
{
	char *k = strdup(thread);

	if (k == NULL || (*tp = calloc(1, sizeof **tp)) == NULL) {
		free(k);
		return MA_ENOMEM;
	}
	g_hash_table_insert(r->store->threads, k, *tp);
	return MA_OK;
}

/* A record for each thread of want from the bucket fkey (known false
 * for one the bucket has no line of). */
static enum ma_status
threads_pick(struct run *r, const char *fkey, GHashTable *want)
{
	GHashTableIter it;
	gpointer k;
	char *data;
	size_t len;
	enum ma_status st = store_bucket_read(r, fkey, &data, &len);

	for (char *p = data, *end = data + len;
	     st == MA_OK && p != NULL && p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *tab;
		struct sthread *t;

		if (nl == NULL)
			nl = end;
		*nl = '\0';
		if ((tab = strchr(p, '\t')) != NULL) {
			*tab = '\0';
			if (g_hash_table_contains(want, p) &&
			    !g_hash_table_contains(r->store->threads, p) &&
			    (st = thread_new(r, p, &t)) == MA_OK)
				st = sthread_parse(r, t, tab + 1);
		}
		p = nl + 1;
	}
	free(data);
	g_hash_table_iter_init(&it, want);
	while (st == MA_OK && g_hash_table_iter_next(&it, &k, NULL)) {
		struct sthread *t;

		if (!g_hash_table_contains(r->store->threads, k))
			st = thread_new(r, k, &t);
	}
	return st;
}

/*
 * The records of the threads this run renders that are not read yet,
 * each bucket read once: a step of a first render (steps.c) renders
 * thousands of threads, and thread_record() reads a bucket for each.
 */
enum ma_status
store_threads_read(struct run *r)
{
	GHashTable *by =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
				  (GDestroyNotify)g_hash_table_destroy);
	GHashTableIter it;
	gpointer k;
	GPtrArray *keys;
	enum ma_status st = MA_OK;

	if (!store_partial(r)) {
		g_hash_table_destroy(by);
		return MA_OK;
	}
	g_hash_table_iter_init(&it, r->threads);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		char fkey[8];
		GHashTable *want;

		if (g_hash_table_contains(r->store->threads, k))
			continue;
		snprintf(fkey, sizeof fkey, "t-%02x", store_bucket(k));
		if ((want = g_hash_table_lookup(by, fkey)) == NULL) {
			want = g_hash_table_new(g_str_hash, g_str_equal);
			g_hash_table_insert(by, g_strdup(fkey), want);
		}
		g_hash_table_add(want, k);
	}
	keys = sorted_keys(by);
	for (guint i = 0; i < keys->len && st == MA_OK; i++)
		st = threads_pick(r, keys->pdata[i],
				  g_hash_table_lookup(by, keys->pdata[i]));
	g_ptr_array_free(keys, TRUE);
	g_hash_table_destroy(by);
	return st;
}

/* Every month of thread, each with its neighbours. */
enum ma_status
load_thread(struct run *r, const char *thread)
{
	struct sthread *t;
	enum ma_status st = thread_record(r, thread, &t);

	if (st != MA_OK || !t->known)
		return st;
	for (const char *p = t->months; *p && st == MA_OK;) {
		size_t n = strcspn(p, ",");
		char month[8];

		if (n == 7) {
			memcpy(month, p, 7);
			month[7] = '\0';
			st = load_near(r, month);
		}
		p += n + (p[n] == ',');
	}
	return st;
}

/* The loaded entries sorted, their positions set. */
void
store_sort(struct run *r)
{
	struct entry *e;

	g_ptr_array_set_size(r->order, 0);
	for (size_t at = 0; (e = entry_next(r, &at)) != NULL;)
		g_ptr_array_add(r->order, e);
	g_ptr_array_sort(r->order, entry_cmp);
	for (guint i = 0; i < r->order->len; i++)
		((struct entry *)r->order->pdata[i])->pos = i;
}

/*
 * The newest months, loaded until the newest entries hold the feed's
 * and the home page's latest conversations (twice as many as it shows:
 * some may not be listable); those conversations into need.
 */
static enum ma_status
load_newest(struct run *r, GHashTable *need)
{
	GPtrArray *keys = month_keys(r->store);
	enum ma_status st = MA_OK;

	for (guint k = keys->len; k > 0 && st == MA_OK; k--) {
		GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
		size_t n = 0;
		char m[8], stop[8];
		bool enough;

		/* Every month from this one on is loaded: its entries and
		 * the newer ones are the newest. */
		st = store_load_file(r, keys->pdata[k - 1]);
		month_of_key(keys->pdata[k - 1], stop);
		store_sort(r);
		for (guint i = r->order->len; i-- > 0;) {
			struct entry *e = r->order->pdata[i];

			render_month_of(e->date, m);
			if (strcmp(m, stop) < 0)
				break;
			n++;
			if (sitename_thread_ok(e->thread) &&
			    g_hash_table_size(seen) < 2 * LATEST_THREADS) {
				g_hash_table_add(seen, e->thread);
				g_hash_table_add(need, strdup(e->thread));
			}
		}
		enough = n >= FEED_ENTRIES &&
			 g_hash_table_size(seen) >= 2 * LATEST_THREADS;
		g_hash_table_destroy(seen);
		if (enough || !store_partial(r))
			break;
	}
	g_ptr_array_free(keys, TRUE);
	return st;
}

enum ma_status
store_widen(struct run *r)
{
	GHashTable *need =
	    g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	GPtrArray *keys;
	enum ma_status st;

	if (!store_partial(r)) {
		g_hash_table_destroy(need);
		return MA_OK;
	}
	st = load_newest(r, need);
	keys = sorted_keys(r->threads);
	for (guint i = 0; i < keys->len; i++)
		g_hash_table_add(need, strdup(keys->pdata[i]));
	g_ptr_array_free(keys, TRUE);
	keys = sorted_keys(need);
	for (guint i = 0; i < keys->len && st == MA_OK && store_partial(r); i++)
		st = load_thread(r, keys->pdata[i]);
	g_ptr_array_free(keys, TRUE);
	g_hash_table_destroy(need);
	/* A month whose search segment has no cache is built again from
	 * its entries. */
	keys = month_keys(r->store);
	for (guint i = 0; i < keys->len && st == MA_OK && store_partial(r);
	     i++) {
		char m[8];

		const struct sfile *f =
		    g_hash_table_lookup(r->store->files, keys->pdata[i]);

		month_of_key(keys->pdata[i], m);
		if (!g_hash_table_contains(r->store->loaded, keys->pdata[i]) &&
		    (f == NULL || !search_cache_usable(r, m, f->count)))
			st = store_load_file(r, keys->pdata[i]);
	}
	g_ptr_array_free(keys, TRUE);
	return st;
}

size_t
render_messages(const struct run *r)
{
	size_t m, t;

	return store_totals(r, &m, &t) ? m : r->order->len;
}

GArray *
store_month_counts(struct run *r)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(struct month_count));
	GPtrArray *keys;

	if (!store_partial(r)) {
		g_array_free(a, TRUE);
		return NULL;
	}
	keys = month_keys(r->store);
	/* The months loaded are counted from the order (new ones too). */
	for (guint i = 0, k = 0; i <= r->order->len; i++) {
		struct month_count mc = {0};
		const struct entry *e =
		    i < r->order->len ? r->order->pdata[i] : NULL;
		char key[16];

		if (e != NULL)
			render_month_of(e->date, mc.month);
		/* Months not loaded that sort before this one. */
		for (; k < keys->len; k++) {
			const struct sfile *f;
			struct month_count old = {0};

			if (e != NULL) {
				store_month_file(mc.month, key);
				if (strcmp(keys->pdata[k], key) >= 0)
					break;
			}
			if (g_hash_table_contains(r->store->loaded,
						  keys->pdata[k]))
				continue;
			f = g_hash_table_lookup(r->store->files,
						keys->pdata[k]);
			month_of_key(keys->pdata[k], old.month);
			old.count = f->count;
			g_array_append_val(a, old);
		}
		if (e == NULL)
			break;
		if (a->len > 0 &&
		    strcmp(
			g_array_index(a, struct month_count, a->len - 1).month,
			mc.month) == 0)
			g_array_index(a, struct month_count, a->len - 1)
			    .count++;
		else {
			mc.count = 1;
			g_array_append_val(a, mc);
		}
	}
	g_ptr_array_free(keys, TRUE);
	return a;
}
