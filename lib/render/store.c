/*
 * The render state on disk, version 4: a small manifest at
 * SPACE/state/render.state and the files it names in the folder beside
 * it, SPACE/state/render.state.d/:
 *
 *	m-YYYY-MM.GEN  a month's entries in the site's order, one line each:
 *		       MESSAGE-ID TAB THREAD TAB DATE TAB ATTACHMENTS TAB NAME
 *		       (ATTACHMENTS and the thread's page NAME "-" for none)
 *	i-HH.GEN       by hash of Message-ID: MESSAGE-ID TAB DATE
 *	t-HH.GEN       by hash of thread id: THREAD TAB COUNT TAB ROOT TAB
 *		       MONTHS (the thread's first Message-ID in the site's
 *		       order, and its months "YYYY/MM,...")
 *	n-HH.GEN       by hash of NAME: every thread name published, NAME TAB
 *		       ROOT TAB TARGET (names.c)
 *
 * HH is the FNV-1a hash of the key, two hex digits (STORE_BUCKETS). The
 * manifest is the header state.c reads (uuid, revision, tombstones,
 * settings) with "generation", "messages" and "threads" lines, a blank
 * line, then one line per file: KEY GEN DIGEST COUNT, the digest being
 * FNV-1a 64 of the file's bytes.
 *
 * Copy-on-write generations make a run killed at any point leave either
 * the old state or the new one: store_stage() makes every file whose
 * bytes differ from what the manifest records under the next
 * generation's name and makes them durable (before the site's commit);
 * store_save() then replaces the manifest atomically and removes the
 * files it does not name (the old generation's, or what a killed run
 * left). So an erased message's Message-ID does not outlive the run
 * that removes it.
 *
 * A save builds each file from what the run holds and writes it only if
 * its bytes changed. A run that read part of the state (store_load.c)
 * builds the months it read, merges the Message-ID and thread buckets
 * it changed into their old lines, builds the name buckets it read,
 * and carries every other file over as the manifest had it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "path.h"
#include "store_int.h"

static void store_out_free(struct store_out *o);

static void
sthread_free(void *p)
{
	struct sthread *t = p;

	if (t != NULL) {
		free(t->root);
		free(t->months);
	}
	free(t);
}

void
store_free(struct store *s)
{
	if (s == NULL)
		return;
	g_hash_table_destroy(s->files);
	g_hash_table_destroy(s->loaded);
	g_hash_table_destroy(s->threads);
	if (s->atts_was != NULL)
		g_hash_table_destroy(s->atts_was);
	if (s->atts_seen != NULL)
		g_ptr_array_free(s->atts_seen, TRUE);
	if (s->att_delta != NULL)
		g_hash_table_destroy(s->att_delta);
	if (s->att_count != NULL)
		g_hash_table_destroy(s->att_count);
	if (s->renamed != NULL)
		g_hash_table_destroy(s->renamed);
	store_out_free(s->staged);
	free(s->path);
	free(s);
}

struct store *
store_new(void)
{
	struct store *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->files = g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
	s->loaded = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	s->threads =
	    g_hash_table_new_full(g_str_hash, g_str_equal, free, sthread_free);
	return s;
}

static char *
store_dir(const char *path)
{
	return path_fmt("%s.d", path);
}

/* Whether the manifest had key and this save did not write it. */
static bool
store_unwritten(struct store_out *o, const char *key)
{
	return !g_hash_table_contains(o->files, key);
}

/*
 * An incremental run that read part of the state: the files it did not
 * rewrite stay as the manifest had them (months it did not read, the
 * buckets it did not change).
 */
static enum ma_status
store_carry(struct store_out *o)
{
	struct store *s = o->r->store;
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, s->files);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const char *key = k;
		struct sfile *f;
		char *kk;

		/* A month or name bucket read whole and not written has
		 * nothing left. */
		if (!store_unwritten(o, key) ||
		    ((key[0] == 'm' || key[0] == 'n') &&
		     g_hash_table_contains(s->loaded, key)))
			continue;
		if ((f = malloc(sizeof *f)) == NULL ||
		    (kk = strdup(key)) == NULL) {
			free(f);
			return MA_ENOMEM;
		}
		*f = *(const struct sfile *)v;
		g_hash_table_replace(o->files, kk, f);
	}
	return MA_OK;
}

/* The Message-ID bucket k's lines of what notmuch changed and of what
 * this run removed (bk: each one's bucket, changed first) into dirty. */
static enum ma_status
ids_bucket(struct store_out *o, GPtrArray *changed, const unsigned char *bk,
	   unsigned k, GHashTable *dirty)
{
	GPtrArray *gone = o->r->gone;
	struct buf id;
	enum ma_status st = MA_OK;
	char fkey[8];

	snprintf(fkey, sizeof fkey, "i-%02x", k);
	buf_init(&id, STATE_MAX);
	for (guint i = 0; i < changed->len + gone->len && st == MA_OK; i++) {
		const struct entry *e = i < changed->len
					    ? changed->pdata[i]
					    : gone->pdata[i - changed->len];

		if (bk[i] != k ||
		    (i < changed->len && entry_find(o->r, e->msgid) != e))
			continue;
		buf_reset(&id);
		if ((st = sitename_state_escape(&id, e->msgid)) != MA_OK)
			break;
		/* The messages removed this run leave their buckets. */
		dirty_add(dirty, fkey, g_strdup(buf_cstr(&id)),
			  i < changed->len
			      ? g_strdup_printf("%s\t%lld", buf_cstr(&id),
						(long long)e->date)
			      : NULL);
	}
	buf_release(&id);
	return st;
}

/*
 * The Message-ID buckets of what notmuch changed, merged, a bucket at a
 * time: the lines of every bucket at once held some 160 bytes a changed
 * message (10 MB for a step of a first render, steps.c).
 */
static enum ma_status
store_ids_merge(struct store_out *o, struct buf *b, GPtrArray *changed)
{
	GPtrArray *gone = o->r->gone;
	unsigned char *bk = malloc(changed->len + gone->len + 1);
	bool any[STORE_BUCKETS] = {false};
	enum ma_status st = MA_OK;

	if (bk == NULL)
		return MA_ENOMEM;
	for (guint i = 0; i < changed->len + gone->len; i++) {
		const struct entry *e = i < changed->len
					    ? changed->pdata[i]
					    : gone->pdata[i - changed->len];

		bk[i] = (unsigned char)store_bucket(e->msgid);
		any[bk[i]] = true;
	}
	for (unsigned k = 0; k < STORE_BUCKETS && st == MA_OK; k++) {
		GHashTable *dirty;

		if (!any[k])
			continue;
		dirty = dirty_new();
		if ((st = ids_bucket(o, changed, bk, k, dirty)) == MA_OK)
			st = dirty_write(o, b, dirty);
		else
			g_hash_table_destroy(dirty);
	}
	free(bk);
	return st;
}

/* The month files, from the order. */
static enum ma_status
store_months(struct store_out *o, struct buf *b)
{
	struct run *r = o->r;
	char cur[8] = "", key[16];
	size_t count = 0;
	enum ma_status st = MA_OK;

	for (guint i = 0; i <= r->order->len && st == MA_OK; i++) {
		const struct entry *e =
		    i < r->order->len ? r->order->pdata[i] : NULL;
		char m[8] = "";

		if (e != NULL)
			render_month_of(e->date, m);
		if (cur[0] != '\0' && strcmp(m, cur) != 0) {
			st = render_fmt(key, sizeof key, "m-%.4s-%.2s", cur,
					cur + 5);
			if (st == MA_OK)
				st = store_emit(o, key, b, count);
			count = 0;
		}
		if (e == NULL || st != MA_OK)
			break;
		memcpy(cur, m, sizeof cur);
		count++;
		st = sitename_state_escape(b, e->msgid);
		if (st == MA_OK)
			st = buf_addf(b, "\t%s\t%lld\t%s\t%s\n", e->thread,
				      (long long)e->date,
				      entry_atts(e)[0] ? entry_atts(e) : "-",
				      entry_tname(e) != NULL ? entry_tname(e)
							     : "-");
	}
	return st;
}

/* The Message-ID buckets. */
static enum ma_status
store_ids(struct store_out *o, struct buf *b, GPtrArray *changed)
{
	struct run *r = o->r;
	/* Each entry's bucket, a byte each (a pointer per entry in 256
	 * arrays held 8 to 16 bytes); each bucket is then a pass over
	 * them, in the order. */
	unsigned char *bk;
	enum ma_status st = MA_OK;
	char key[8];

	if (store_partial(r))
		return store_ids_merge(o, b, changed);
	if ((bk = malloc(r->order->len + 1)) == NULL)
		return MA_ENOMEM;
	for (guint i = 0; i < r->order->len; i++)
		bk[i] = (unsigned char)store_bucket(
		    ((const struct entry *)r->order->pdata[i])->msgid);
	for (unsigned i = 0; i < STORE_BUCKETS && st == MA_OK; i++) {
		size_t n = 0;

		for (guint j = 0; j < r->order->len && st == MA_OK; j++) {
			const struct entry *e = r->order->pdata[j];

			if (bk[j] != i)
				continue;
			st = sitename_state_escape(b, e->msgid);
			if (st == MA_OK)
				st =
				    buf_addf(b, "\t%lld\n", (long long)e->date);
			n++;
		}
		if (st == MA_OK && n > 0 &&
		    (st = render_fmt(key, sizeof key, "i-%02x", i)) == MA_OK)
			st = store_emit(o, key, b, n);
	}
	free(bk);
	return st;
}

/* What a thread bucket says of one thread. */
struct tagg {
	size_t count;
	const struct entry *root;
	GString *months;
	char last[8];
};

static void
tagg_free(void *p)
{
	struct tagg *t = p;

	g_string_free(t->months, TRUE);
	free(t);
}

/* Thread id -> struct tagg of the threads rendered this run whose
 * bucket is k, from the order (ebk: each entry's thread's bucket, -1
 * for a thread not rendered); NULL: no memory. */
static GHashTable *
store_thread_aggs(struct run *r, const short *ebk, unsigned k)
{
	GHashTable *h =
	    g_hash_table_new_full(g_str_hash, g_str_equal, NULL, tagg_free);

	for (guint i = 0; i < r->order->len; i++) {
		const struct entry *e = r->order->pdata[i];
		struct tagg *t;
		char m[8];

		if (ebk[i] != (short)k)
			continue;
		if ((t = g_hash_table_lookup(h, e->thread)) == NULL) {
			if ((t = calloc(1, sizeof *t)) == NULL) {
				g_hash_table_destroy(h);
				return NULL;
			}
			t->root = e;
			t->months = g_string_new(NULL);
			g_hash_table_insert(h, (gpointer)e->thread, t);
		}
		t->count++;
		render_month_of(e->date, m);
		if (strcmp(m, t->last) != 0) {
			if (t->months->len > 0)
				g_string_append_c(t->months, ',');
			g_string_append(t->months, m);
			memcpy(t->last, m, sizeof m);
		}
	}
	return h;
}

/* One thread bucket line into b. */
static enum ma_status
thread_line(struct buf *b, const char *id, const struct tagg *t)
{
	enum ma_status st = buf_addf(b, "%s\t%zu\t", id, t->count);

	if (st == MA_OK)
		st = sitename_state_escape(b, t->root->msgid);
	if (st == MA_OK)
		st = buf_addf(b, "\t%s", t->months->str);
	return st;
}

/* The thread bucket k's lines of the threads rendered this run (keys,
 * bk: each one's bucket) into dirty. */
static enum ma_status
threads_bucket(GHashTable *h, GPtrArray *keys, const unsigned char *bk,
	       unsigned k, GHashTable *dirty)
{
	struct buf line;
	enum ma_status st = MA_OK;
	char fkey[8];

	snprintf(fkey, sizeof fkey, "t-%02x", k);
	buf_init(&line, STATE_MAX);
	for (guint i = 0; i < keys->len && st == MA_OK; i++) {
		const struct tagg *t = g_hash_table_lookup(h, keys->pdata[i]);

		if (bk[i] != k)
			continue;
		/* A thread rendered with no message left: its line goes
		 * (the run holds each thread it renders whole). */
		if (t == NULL) {
			dirty_add(dirty, fkey, g_strdup(keys->pdata[i]), NULL);
			continue;
		}
		buf_reset(&line);
		if ((st = thread_line(&line, keys->pdata[i], t)) != MA_OK)
			break;
		dirty_add(dirty, fkey, g_strdup(keys->pdata[i]),
			  g_strdup(buf_cstr(&line)));
	}
	buf_release(&line);
	return st;
}

/*
 * The buckets of the threads rendered this run, merged (a run that read
 * part of the state holds those threads whole), a bucket at a time: the
 * lines and the tallies of every thread rendered at once held some 270
 * bytes a thread (7 MB for a step of a first render, steps.c). *nthreads:
 * how many of them have messages.
 */
static enum ma_status
store_threads_merge(struct store_out *o, struct buf *b, size_t *nthreads)
{
	struct run *r = o->r;
	GPtrArray *keys = sorted_keys(r->threads);
	unsigned char *bk = malloc(keys->len + 1);
	short *ebk = malloc((r->order->len + 1) * sizeof *ebk);
	bool any[STORE_BUCKETS] = {false};
	enum ma_status st = bk != NULL && ebk != NULL ? MA_OK : MA_ENOMEM;

	*nthreads = 0;
	for (guint i = 0; i < keys->len && st == MA_OK; i++) {
		bk[i] = (unsigned char)store_bucket(keys->pdata[i]);
		any[bk[i]] = true;
	}
	for (guint i = 0; i < r->order->len && st == MA_OK; i++) {
		const struct entry *e = r->order->pdata[i];

		ebk[i] = e->thread[0] != '\0' &&
				 g_hash_table_contains(r->threads, e->thread)
			     ? (short)store_bucket(e->thread)
			     : -1;
	}
	for (unsigned k = 0; k < STORE_BUCKETS && st == MA_OK; k++) {
		GHashTable *dirty, *h;

		if (!any[k])
			continue;
		if ((h = store_thread_aggs(r, ebk, k)) == NULL) {
			st = MA_ENOMEM;
			break;
		}
		*nthreads += g_hash_table_size(h);
		dirty = dirty_new();
		if ((st = threads_bucket(h, keys, bk, k, dirty)) == MA_OK)
			st = dirty_write(o, b, dirty);
		else
			g_hash_table_destroy(dirty);
		g_hash_table_destroy(h);
	}
	free(ebk);
	free(bk);
	g_ptr_array_free(keys, TRUE);
	return st;
}

/* A full save's thread buckets: the places in the order of the entries
 * with a thread (4 bytes each), sorted by their thread's bucket (a byte
 * per entry), thread id, then place. */
struct tsort {
	const struct run *r;
	const unsigned char *bk;
};

static int
tpos_cmp(const void *a, const void *b, void *arg)
{
	const struct tsort *t = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const struct entry *ex = t->r->order->pdata[x],
			   *ey = t->r->order->pdata[y];
	int c;

	if (t->bk[x] != t->bk[y])
		return t->bk[x] < t->bk[y] ? -1 : 1;
	if ((c = strcmp(ex->thread, ey->thread)) != 0)
		return c;
	return x < y ? -1 : x > y;
}

/* The line of the thread of the entries at p[0..n) of the order. */
static enum ma_status
tref_line(struct buf *b, const struct run *r, const uint32_t *p, size_t n)
{
	const struct entry *e0 = r->order->pdata[p[0]];
	char last[8] = "", m[8];
	enum ma_status st = buf_addf(b, "%s\t%zu\t", e0->thread, n);

	if (st == MA_OK)
		st = sitename_state_escape(b, e0->msgid);
	if (st == MA_OK)
		st = buf_addc(b, '\t');
	for (size_t i = 0; i < n && st == MA_OK; i++) {
		render_month_of(
		    ((const struct entry *)r->order->pdata[p[i]])->date, m);
		if (strcmp(m, last) == 0)
			continue;
		st = buf_addf(b, "%s%s", last[0] ? "," : "", m);
		memcpy(last, m, sizeof m);
	}
	return st == MA_OK ? buf_addc(b, '\n') : st;
}

/*
 * The thread buckets of a run that holds the whole order, from the
 * entries sorted by bucket and thread (5 bytes an entry, no record per
 * thread held); *nthreads how many threads, as the home page counts
 * them (messages without a thread are one more conversation).
 */
static enum ma_status
store_threads_all(struct store_out *o, struct buf *b, size_t *nthreads)
{
	struct run *r = o->r;
	size_t len = r->order->len, n = 0;
	uint32_t *p = malloc((len + 1) * sizeof *p);
	unsigned char *bk = malloc(len + 1);
	struct tsort ts = {r, bk};
	enum ma_status st = MA_OK;
	char key[8];

	if (p == NULL || bk == NULL || len > UINT32_MAX) {
		free(p);
		free(bk);
		return p == NULL || bk == NULL ? MA_ENOMEM : MA_ETOOBIG;
	}
	*nthreads = 0;
	for (size_t i = 0; i < len; i++) {
		const struct entry *e = r->order->pdata[i];

		if (e->thread[0] == '\0') {
			*nthreads = 1;
			continue;
		}
		bk[i] = (unsigned char)store_bucket(e->thread);
		p[n++] = (uint32_t)i;
	}
	qsort_r(p, n, sizeof *p, tpos_cmp, &ts);
	for (size_t i = 0; i < n && st == MA_OK;) {
		unsigned char cur = bk[p[i]];
		size_t lines = 0;

		while (i < n && bk[p[i]] == cur && st == MA_OK) {
			const char *th =
			    ((const struct entry *)r->order->pdata[p[i]])
				->thread;
			size_t j = i + 1;

			while (
			    j < n && bk[p[j]] == cur &&
			    strcmp(((const struct entry *)r->order->pdata[p[j]])
				       ->thread,
				   th) == 0)
				j++;
			st = tref_line(b, r, p + i, j - i);
			lines++;
			i = j;
		}
		*nthreads += lines;
		if (st == MA_OK &&
		    (st = render_fmt(key, sizeof key, "t-%02x", cur)) == MA_OK)
			st = store_emit(o, key, b, lines);
	}
	free(p);
	free(bk);
	return st;
}

/* The thread buckets; *nthreads how many threads (a run that read part
 * of the state takes the count from store_totals()). */
static enum ma_status
store_threads(struct store_out *o, struct buf *b, size_t *nthreads)
{
	if (!store_partial(o->r))
		return store_threads_all(o, b, nthreads);
	return store_threads_merge(o, b, nthreads);
}

/*
 * The name bucket fkey of a run that holds some of its names
 * (store_names_check()) or new ones (in), or that retired a NAME of it:
 * merged into the manifest's lines (names_bucket_lines()).
 */
static enum ma_status
names_merge(struct store_out *o, struct buf *b, const char *fkey, GPtrArray *in,
	    GHashTable *retired)
{
	const struct sfile *old = g_hash_table_lookup(o->r->store->files, fkey);
	GPtrArray *lines = NULL;
	char *data = NULL;
	size_t len = 0;
	enum ma_status st = MA_OK;

	if (old != NULL)
		st = store_read(o->r->store->path, fkey, old->gen, &data, &len);
	if (st == MA_OK)
		st = names_bucket_lines(o->r, data, len, in, retired, &lines);
	for (guint j = 0; st == MA_OK && j < lines->len; j++)
		st = buf_adds(b, lines->pdata[j]);
	/* A bucket whose last NAME went is no file, as in a full save. */
	if (st == MA_OK && lines->len == 0)
		g_hash_table_add(o->r->store->loaded, g_strdup(fkey));
	else if (st == MA_OK)
		st = store_emit(o, fkey, b, lines->len);
	if (lines != NULL)
		g_ptr_array_free(lines, TRUE);
	free(data);
	return st;
}

/* The thread name buckets. */
static enum ma_status
store_names(struct store_out *o, struct buf *b)
{
	struct run *r = o->r;
	GPtrArray *keys = names_sorted(r), *in[STORE_BUCKETS];
	GHashTable *retired = names_retired(r);
	bool drop[STORE_BUCKETS] = {false};
	enum ma_status st = MA_OK;
	GHashTableIter it;
	gpointer k;
	char key[8];

	for (unsigned i = 0; i < STORE_BUCKETS; i++)
		in[i] = g_ptr_array_new();
	for (guint i = 0; i < keys->len; i++)
		g_ptr_array_add(in[store_bucket(keys->pdata[i])],
				keys->pdata[i]);
	g_hash_table_iter_init(&it, retired);
	while (g_hash_table_iter_next(&it, &k, NULL))
		drop[store_bucket(k)] = true;
	for (unsigned i = 0; i < STORE_BUCKETS; i++) {
		snprintf(key, sizeof key, "n-%02x", i);
		/* A run that read part of the state rewrites only the
		 * buckets it read whole (loaded) and those it holds names
		 * of (picked, store_names_check(), or new) or retired a
		 * NAME of, merged. */
		if (store_partial(r) &&
		    !g_hash_table_contains(r->store->loaded, key)) {
			if (st == MA_OK && (in[i]->len > 0 || drop[i]))
				st = names_merge(o, b, key, in[i], retired);
			g_ptr_array_set_size(in[i], 0);
		}
		for (guint j = 0; j < in[i]->len && st == MA_OK; j++)
			st = name_line(r, b, names_get(r, in[i]->pdata[j]));
		if (st == MA_OK && in[i]->len > 0)
			st = store_emit(o, key, b, in[i]->len);
		g_ptr_array_free(in[i], TRUE);
	}
	g_hash_table_destroy(retired);
	g_ptr_array_free(keys, TRUE);
	return st;
}

/* The files written made durable, with the folder that holds them. */
static enum ma_status
store_sync(struct store_out *o)
{
	enum ma_status st = MA_OK;

	if (o->sync_all) {
		int fd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0 || syncfs(fd) != 0) {
			log_err("cannot sync '%s': %s", o->dir,
				strerror(errno));
			st = path_errno_status(errno);
		}
		if (fd >= 0)
			close(fd);
	}
	if (st == MA_OK)
		st = path_fsync_dir(o->dir);
	return st;
}

/* The manifest, atomically. */
static enum ma_status
store_manifest_write(struct store_out *o, const char *path, const char *uuid,
		     unsigned long rev, size_t nthreads)
{
	struct run *r = o->r;
	GPtrArray *keys = sorted_keys(o->files);
	char *set = settings_line(r->o);
	size_t messages = r->order->len;
	struct buf b;
	enum ma_status st;

	store_totals(r, &messages, &nthreads);
	buf_init(&b, STATE_MAX);
	st = set == NULL ? MA_ENOMEM : MA_OK;
	if (st == MA_OK)
		st = buf_addf(&b,
			      "%s\nuuid %s\nrevision %lu\ntombstones %ld\n"
			      "settings %s\ngeneration %lu\nmessages %zu\n"
			      "threads %zu\n%s\n",
			      STATE_MAGIC4, uuid, rev, r->tomb_off, set, o->gen,
			      messages, nthreads,
			      o->atts_counted ? "attachments counted\n" : "");
	for (guint i = 0; i < keys->len && st == MA_OK; i++) {
		const struct sfile *f =
		    g_hash_table_lookup(o->files, keys->pdata[i]);

		st = buf_addf(&b, "%s %lu %016" PRIx64 " %zu\n",
			      (const char *)keys->pdata[i], f->gen, f->digest,
			      f->count);
	}
	free(set);
	g_ptr_array_free(keys, TRUE);
	return path_write_buf_atomic(path, &b, st, 0644);
}

/* Remove what the new manifest does not name. A failure is only
 * logged: the next save tries again. */
static void
store_sweep(struct store_out *o)
{
	DIR *d = opendir(o->dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char key[32];
		const char *dot = strrchr(de->d_name, '.');
		const struct sfile *f;
		size_t n;

		if (de->d_name[0] == '.')
			continue;
		n = dot != NULL ? (size_t)(dot - de->d_name) : 0;
		if (n > 0 && n < sizeof key) {
			memcpy(key, de->d_name, n);
			key[n] = '\0';
			f = g_hash_table_lookup(o->files, key);
			if (f != NULL && strtoul(dot + 1, NULL, 10) == f->gen)
				continue;
		}
		if (unlinkat(dirfd(d), de->d_name, 0) != 0)
			log_warn("cannot remove '%s/%s': %s", o->dir,
				 de->d_name, strerror(errno));
	}
	closedir(d);
}

static void
store_out_free(struct store_out *o)
{
	if (o == NULL)
		return;
	g_hash_table_destroy(o->files);
	free(o->dir);
	free(o);
}

enum ma_status
store_stage(struct run *r, const char *path, GPtrArray *changed)
{
	struct store_out *o;
	struct buf b;
	enum ma_status st;

	if (r->store == NULL && (r->store = store_new()) == NULL)
		return MA_ENOMEM;
	if ((o = calloc(1, sizeof *o)) == NULL)
		return MA_ENOMEM;
	store_out_free(r->store->staged);
	r->store->staged = o;
	o->r = r;
	o->gen = r->store->gen + 1;
	o->files = g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
	if ((o->dir = store_dir(path)) == NULL)
		return MA_ENOMEM;
	buf_init(&b, STORE_FILE_MAX);
	st = path_mkdir_p(o->dir, 0755);
	if (st == MA_OK)
		st = store_months(o, &b);
	if (st == MA_OK)
		st = store_ids(o, &b, changed);
	if (st == MA_OK)
		st = store_threads(o, &b, &o->nthreads);
	if (st == MA_OK)
		st = store_names(o, &b);
	if (st == MA_OK)
		st = store_atts_save(o, &b);
	if (st == MA_OK && store_partial(r))
		st = store_carry(o);
	buf_release(&b);
	if (st == MA_OK)
		st = store_sync(o);
	r->state_written = o->written;
	return st;
}

enum ma_status
store_save(struct run *r, const char *path, const char *uuid, unsigned long rev)
{
	struct store_out *o = r->store != NULL ? r->store->staged : NULL;
	enum ma_status st;

	if (o == NULL)
		return MA_EIO; /* store_stage() first */
	st = store_manifest_write(o, path, uuid, rev, o->nthreads);
	if (st == MA_OK)
		store_sweep(o);
	store_out_free(o);
	r->store->staged = NULL;
	return st;
}
