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
 * the old state or the new one: a save makes every file whose bytes
 * differ from what the manifest records under the next generation's
 * name, makes them durable, then replaces the manifest atomically;
 * files the new manifest does not name (the old generation's, or what
 * a killed run left) are removed after that. So an erased message's
 * Message-ID does not outlive the run that removes it.
 *
 * A run still holds the whole order in memory (render_int.h): a save
 * builds each file from it and writes only those that changed, so what
 * an incremental run writes follows what it touched; loading reads the
 * months and names. Reading only the months a run touches is the next
 * step (docs/scaling.md).
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
#include "render_int.h"

/* Buckets of each hashed kind (i-, t-, n-). */
#define STORE_BUCKETS 256
/* Files written this many and more are made durable by one syncfs(2). */
#define STORE_SYNC_EACH 16
#define STORE_FILE_MAX	((size_t)1 << 30)

/* One file the manifest names. */
struct sfile {
	unsigned long gen;
	uint64_t digest;
	size_t count;
};

struct store {
	unsigned long gen; /* the manifest's */
	GHashTable *files; /* KEY -> struct sfile * (the manifest's) */
};

/* A save in progress. */
struct store_out {
	struct run *r;
	char *dir;
	unsigned long gen; /* the new one */
	GHashTable *files; /* KEY -> struct sfile * (the new manifest's) */
	size_t written;
	bool sync_all;
};

static uint64_t
fnv64(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

unsigned
store_bucket(const char *key)
{
	uint32_t h = 2166136261u;

	for (const char *s = key; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % STORE_BUCKETS;
}

void
store_free(struct store *s)
{
	if (s == NULL)
		return;
	g_hash_table_destroy(s->files);
	free(s);
}

static struct store *
store_new(void)
{
	struct store *s = calloc(1, sizeof *s);

	if (s != NULL)
		s->files =
		    g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
	return s;
}

/* "KEY GEN DIGEST COUNT" into s->files; other lines are skipped. */
static enum ma_status
store_file_line(struct store *s, const char *p)
{
	char key[32];
	unsigned long gen;
	uint64_t digest;
	size_t count;
	struct sfile *f;
	char *k;

	if (sscanf(p, "%31s %lu %" SCNx64 " %zu", key, &gen, &digest, &count) !=
		4 ||
	    strchr("mitn", key[0]) == NULL || key[1] != '-')
		return MA_OK;
	if ((f = malloc(sizeof *f)) == NULL || (k = strdup(key)) == NULL) {
		free(f);
		return MA_ENOMEM;
	}
	f->gen = gen;
	f->digest = digest;
	f->count = count;
	g_hash_table_replace(s->files, k, f);
	return MA_OK;
}

/* The manifest's lines after the header: the files and the generation
 * (from the header's "generation" line, which state.c skips). */
static enum ma_status
store_manifest(struct store *s, char *data, size_t len)
{
	char *p = data, *end = data + len;
	bool body = false;
	enum ma_status st = MA_OK;

	while (p < end && st == MA_OK) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			nl = end;
		*nl = '\0';
		if (p == nl)
			body = true;
		else if (!body && strncmp(p, "generation ", 11) == 0)
			s->gen = strtoul(p + 11, NULL, 10);
		else if (body)
			st = store_file_line(s, p);
		p = nl + 1;
	}
	return st;
}

static char *
store_dir(const char *path)
{
	return path_fmt("%s.d", path);
}

/* The bytes of the file KEY of generation gen, NUL-terminated. */
static enum ma_status
store_read(const char *path, const char *key, unsigned long gen, char **datap,
	   size_t *lenp)
{
	char *f = path_fmt("%s.d/%s.%lu", path, key, gen);
	enum ma_status st;

	if (f == NULL)
		return MA_ENOMEM;
	st = path_file_read_all(f, STORE_FILE_MAX, datap, lenp);
	if (st == MA_ENOTFOUND)
		log_warn("'%s' is missing: rendering everything", f);
	free(f);
	return st;
}

/* A month file's lines into the entries, in order. */
static enum ma_status
store_month_lines(struct run *r, char *data, size_t len)
{
	char *p = data, *end = data + len;
	enum ma_status st = MA_OK;

	while (p < end && st == MA_OK) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *cut = p;

		if (nl == NULL)
			nl = end;
		/* The fifth field (the thread's NAME) is not read back:
		 * names.c gives it again. */
		for (int tabs = 0; cut < nl; cut++)
			if (*cut == '\t' && ++tabs == 4)
				break;
		st = state_entry(r, p, cut, false);
		p = nl + 1;
	}
	return st;
}

static enum ma_status
store_name_lines(struct run *r, char *data, size_t len)
{
	char *p = data, *end = data + len;
	enum ma_status st = MA_OK;

	while (p < end && st == MA_OK) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			nl = end;
		*nl = '\0';
		st = names_note(r, p);
		p = nl + 1;
	}
	return st;
}

/* Read every file of a kind ('m' or 'n') in key order. */
static enum ma_status
store_load_kind(struct run *r, const char *path, char kind)
{
	GPtrArray *keys = sorted_keys(r->store->files);
	enum ma_status st = MA_OK;

	for (guint i = 0; i < keys->len && st == MA_OK; i++) {
		const char *k = keys->pdata[i];
		const struct sfile *f = g_hash_table_lookup(r->store->files, k);
		char *data;
		size_t len;

		if (k[0] != kind)
			continue;
		if ((st = store_read(path, k, f->gen, &data, &len)) != MA_OK)
			break;
		r->state_read += len;
		if (fnv64(data, len) != f->digest) {
			log_warn("'%s.d/%s.%lu' does not match its manifest: "
				 "rendering everything",
				 path, k, f->gen);
			st = MA_ENOTFOUND;
		} else if (kind == 'm') {
			st = store_month_lines(r, data, len);
		} else {
			st = store_name_lines(r, data, len);
		}
		free(data);
	}
	g_ptr_array_free(keys, TRUE);
	return st;
}

enum ma_status
store_load(struct run *r, const char *path, char *manifest, size_t len,
	   bool entries)
{
	enum ma_status st;

	store_free(r->store);
	if ((r->store = store_new()) == NULL)
		return MA_ENOMEM;
	st = store_manifest(r->store, manifest, len);
	if (st == MA_OK)
		st = store_load_kind(r, path, 'n');
	if (st == MA_OK && entries)
		st = store_load_kind(r, path, 'm');
	/* An unusable state: the next save writes every file again, under
	 * a generation none of them had. */
	if (st != MA_OK)
		g_hash_table_remove_all(r->store->files);
	return st;
}

/* The line of data[0..len) whose first field is the escaped key, its
 * newline cut; NULL when none. */
static char *
store_line(char *data, size_t len, const char *key)
{
	size_t n = strlen(key);

	for (char *p = data, *end = data + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			nl = end;
		if ((size_t)(nl - p) > n && p[n] == '\t' &&
		    memcmp(p, key, n) == 0) {
			*nl = '\0';
			return p;
		}
		p = nl + 1;
	}
	return NULL;
}

/* Field i (0: the first) of a line, up to its next tab, into out. */
static bool
store_field(const char *line, int i, char *out, size_t size)
{
	const char *p = line, *tab;
	size_t n;

	for (; i > 0 && p != NULL; i--)
		p = (p = strchr(p, '\t')) != NULL ? p + 1 : NULL;
	if (p == NULL)
		return false;
	tab = strchr(p, '\t');
	n = tab != NULL ? (size_t)(tab - p) : strlen(p);
	if (n >= size)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* The line of key in the bucket or month file fkey, field i into out. */
static enum ma_status
store_find(const char *path, struct store *s, const char *fkey, const char *key,
	   int i, char *out, size_t size)
{
	const struct sfile *f = g_hash_table_lookup(s->files, fkey);
	enum ma_status st;
	char *data, *line;
	size_t len;

	if (f == NULL)
		return MA_ENOTFOUND;
	if ((st = store_read(path, fkey, f->gen, &data, &len)) != MA_OK)
		return st;
	line = store_line(data, len, key);
	st = line != NULL && store_field(line, i, out, size) ? MA_OK
							     : MA_ENOTFOUND;
	free(data);
	return st;
}

enum ma_status
store_thread_root(const char *path, char *manifest, size_t len,
		  const char *msgid, char **rootp)
{
	struct store *s = store_new();
	struct buf id;
	char fkey[16], date[32], thread[32], month[8], root[4096];
	enum ma_status st;

	if (s == NULL)
		return MA_ENOMEM;
	buf_init(&id, STATE_MAX);
	st = store_manifest(s, manifest, len);
	if (st == MA_OK)
		st = sitename_state_escape(&id, msgid);
	if (st == MA_OK)
		st = render_fmt(fkey, sizeof fkey, "i-%02x",
				store_bucket(msgid));
	if (st == MA_OK)
		st = store_find(path, s, fkey, buf_cstr(&id), 1, date,
				sizeof date);
	if (st == MA_OK) {
		render_month_of((time_t)strtoll(date, NULL, 10), month);
		st = render_fmt(fkey, sizeof fkey, "m-%.4s-%.2s", month,
				month + 5);
	}
	if (st == MA_OK)
		st = store_find(path, s, fkey, buf_cstr(&id), 1, thread,
				sizeof thread);
	if (st == MA_OK && thread[0] == '\0')
		st = MA_ENOTFOUND;
	if (st == MA_OK)
		st = render_fmt(fkey, sizeof fkey, "t-%02x",
				store_bucket(thread));
	if (st == MA_OK)
		st = store_find(path, s, fkey, thread, 2, root, sizeof root);
	if (st == MA_OK &&
	    (*rootp = sitename_state_unescape(root, strlen(root))) == NULL)
		st = MA_ENOMEM;
	buf_release(&id);
	store_free(s);
	return st;
}

/* Write b as the file KEY of this save unless the manifest has the
 * same bytes; b is emptied. */
static enum ma_status
store_emit(struct store_out *o, const char *key, struct buf *b, size_t count)
{
	const struct sfile *old =
	    o->r->store != NULL ? g_hash_table_lookup(o->r->store->files, key)
				: NULL;
	struct sfile *f = malloc(sizeof *f);
	enum ma_status st = MA_OK;
	char *k = strdup(key), *file = NULL;
	int fd = -1;

	if (f == NULL || k == NULL) {
		free(f);
		free(k);
		return MA_ENOMEM;
	}
	f->digest = fnv64(b->data != NULL ? b->data : "", b->len);
	f->count = count;
	f->gen = o->gen;
	g_hash_table_replace(o->files, k, f);
	if (old != NULL && old->digest == f->digest && old->count == count) {
		f->gen = old->gen;
		buf_reset(b);
		return MA_OK;
	}
	if ((file = path_fmt("%s/%s.%lu", o->dir, key, o->gen)) == NULL)
		st = MA_ENOMEM;
	else if ((fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			    0644)) < 0)
		st = path_errno_status(errno);
	else if ((st = path_write_all(fd, b->data, b->len)) == MA_OK &&
		 o->written < STORE_SYNC_EACH && fsync(fd) != 0)
		st = path_errno_status(errno);
	if (fd >= 0 && close(fd) != 0 && st == MA_OK)
		st = path_errno_status(errno);
	if (st != MA_OK && file != NULL)
		log_err("cannot write '%s': %s", file, strerror(errno));
	if (++o->written > STORE_SYNC_EACH)
		o->sync_all = true;
	free(file);
	buf_reset(b);
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
				      e->atts[0] ? e->atts : "-",
				      e->tname != NULL ? e->tname : "-");
	}
	return st;
}

/* The Message-ID buckets. */
static enum ma_status
store_ids(struct store_out *o, struct buf *b)
{
	struct run *r = o->r;
	GPtrArray *in[STORE_BUCKETS];
	enum ma_status st = MA_OK;
	char key[8];

	for (unsigned i = 0; i < STORE_BUCKETS; i++)
		in[i] = g_ptr_array_new();
	for (guint i = 0; i < r->order->len; i++) {
		struct entry *e = r->order->pdata[i];

		g_ptr_array_add(in[store_bucket(e->msgid)], e);
	}
	for (unsigned i = 0; i < STORE_BUCKETS; i++) {
		for (guint j = 0; j < in[i]->len && st == MA_OK; j++) {
			const struct entry *e = in[i]->pdata[j];

			st = sitename_state_escape(b, e->msgid);
			if (st == MA_OK)
				st =
				    buf_addf(b, "\t%lld\n", (long long)e->date);
		}
		if (st == MA_OK && in[i]->len > 0 &&
		    (st = render_fmt(key, sizeof key, "i-%02x", i)) == MA_OK)
			st = store_emit(o, key, b, in[i]->len);
		g_ptr_array_free(in[i], TRUE);
	}
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

/* Thread id -> struct tagg, from the order; NULL: no memory. */
static GHashTable *
store_thread_aggs(struct run *r)
{
	GHashTable *h =
	    g_hash_table_new_full(g_str_hash, g_str_equal, NULL, tagg_free);

	for (guint i = 0; i < r->order->len; i++) {
		const struct entry *e = r->order->pdata[i];
		struct tagg *t;
		char m[8];

		if (e->thread[0] == '\0')
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

/* The thread buckets; *nthreads how many threads. */
static enum ma_status
store_threads(struct store_out *o, struct buf *b, size_t *nthreads)
{
	GHashTable *h = store_thread_aggs(o->r);
	GPtrArray *keys, *in[STORE_BUCKETS];
	enum ma_status st = MA_OK;
	char key[8];

	if (h == NULL)
		return MA_ENOMEM;
	*nthreads = g_hash_table_size(h);
	keys = sorted_keys(h);
	for (unsigned i = 0; i < STORE_BUCKETS; i++)
		in[i] = g_ptr_array_new();
	for (guint i = 0; i < keys->len; i++)
		g_ptr_array_add(in[store_bucket(keys->pdata[i])],
				keys->pdata[i]);
	for (unsigned i = 0; i < STORE_BUCKETS; i++) {
		for (guint j = 0; j < in[i]->len && st == MA_OK; j++) {
			const struct tagg *t =
			    g_hash_table_lookup(h, in[i]->pdata[j]);

			st = buf_addf(b, "%s\t%zu\t",
				      (const char *)in[i]->pdata[j], t->count);
			if (st == MA_OK)
				st = sitename_state_escape(b, t->root->msgid);
			if (st == MA_OK)
				st = buf_addf(b, "\t%s\n", t->months->str);
		}
		if (st == MA_OK && in[i]->len > 0 &&
		    (st = render_fmt(key, sizeof key, "t-%02x", i)) == MA_OK)
			st = store_emit(o, key, b, in[i]->len);
		g_ptr_array_free(in[i], TRUE);
	}
	g_ptr_array_free(keys, TRUE);
	g_hash_table_destroy(h);
	return st;
}

/* The thread name buckets. */
static enum ma_status
store_names(struct store_out *o, struct buf *b)
{
	struct run *r = o->r;
	GPtrArray *keys = sorted_keys(r->names), *in[STORE_BUCKETS];
	enum ma_status st = MA_OK;
	char key[8];

	for (unsigned i = 0; i < STORE_BUCKETS; i++)
		in[i] = g_ptr_array_new();
	for (guint i = 0; i < keys->len; i++)
		g_ptr_array_add(in[store_bucket(keys->pdata[i])],
				keys->pdata[i]);
	for (unsigned i = 0; i < STORE_BUCKETS; i++) {
		for (guint j = 0; j < in[i]->len && st == MA_OK; j++) {
			const struct tname *t =
			    g_hash_table_lookup(r->names, in[i]->pdata[j]);

			st = buf_addf(b, "%s\t", t->name);
			if (st == MA_OK)
				st = sitename_state_escape(b, t->root);
			if (st == MA_OK)
				st = buf_addf(b, "\t%s\n", t->target);
		}
		if (st == MA_OK && in[i]->len > 0 &&
		    (st = render_fmt(key, sizeof key, "n-%02x", i)) == MA_OK)
			st = store_emit(o, key, b, in[i]->len);
		g_ptr_array_free(in[i], TRUE);
	}
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
	struct buf b;
	enum ma_status st;

	buf_init(&b, STATE_MAX);
	st = set == NULL ? MA_ENOMEM : MA_OK;
	if (st == MA_OK)
		st = buf_addf(&b,
			      "%s\nuuid %s\nrevision %lu\ntombstones %ld\n"
			      "settings %s\ngeneration %lu\nmessages %u\n"
			      "threads %zu\n\n",
			      STATE_MAGIC4, uuid, rev, r->tomb_off, set, o->gen,
			      r->order->len, nthreads);
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

enum ma_status
store_save(struct run *r, const char *path, const char *uuid, unsigned long rev)
{
	struct store_out o = {.r = r};
	struct buf b;
	size_t nthreads = 0;
	enum ma_status st;

	if ((o.dir = store_dir(path)) == NULL)
		return MA_ENOMEM;
	o.gen = (r->store != NULL ? r->store->gen : 0) + 1;
	o.files = g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
	buf_init(&b, STORE_FILE_MAX);
	st = path_mkdir_p(o.dir, 0755);
	if (st == MA_OK)
		st = store_months(&o, &b);
	if (st == MA_OK)
		st = store_ids(&o, &b);
	if (st == MA_OK)
		st = store_threads(&o, &b, &nthreads);
	if (st == MA_OK)
		st = store_names(&o, &b);
	buf_release(&b);
	if (st == MA_OK)
		st = store_sync(&o);
	if (st == MA_OK)
		st = store_manifest_write(&o, path, uuid, rev, nthreads);
	if (st == MA_OK)
		store_sweep(&o);
	r->state_written = o.written;
	g_hash_table_destroy(o.files);
	free(o.dir);
	return st;
}
