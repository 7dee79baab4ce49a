/*
 * The site's search index (site/search/) and its page (search.html):
 * search in the browser with no server. docs/format.md ("The search
 * index") is the reference for the files; this is why they look so.
 *
 * One segment per month of mail, in a folder named by the month and a
 * hash of its content (search/2024-07.HASH/), so a file never changes
 * once written and hosts may cache it forever. A segment holds its
 * documents (d0.json, d1.json... SEARCH_CHUNK a file, oldest first) and
 * its terms, split into 2^b shards by a hash of the term (t0.json...),
 * b chosen so that a shard stays near SEARCH_SHARD bytes. The only file
 * that changes in place is search/index.json, the list of segments.
 *
 * A query is then a few GETs of small files: the list, one shard per
 * word in the newest segment, one document file; older segments only
 * when the newest do not fill the page. New mail lands in its month, so
 * a run rewrites that month's segment and the list, nothing else: the
 * cost of a run follows the months it touches, not the archive's size.
 *
 * A segment is rebuilt from its messages' terms: those parsed by this
 * run (search_add(), called as each message is rendered, so nothing is
 * parsed twice), the others from a cache the previous run left in
 * SPACE/state/search/YYYY-MM (the same terms, a line per message). The
 * files depend only on the messages, so a full run and any series of
 * incremental runs write the same bytes.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "log.h"
#include "path.h"
#include "render_int.h"
#include "search_int.h"
#include "space.h"

#define SEARCH_CHUNK 128	 /* documents per d*.json */
#define SEARCH_SHARD (24 * 1024) /* bytes a shard aims at */

/* A run's documents wait on disk, a file a month (dir/.fresh-YYYY-MM),
 * until their month is rebuilt: memory stays bounded by one month, not
 * the archive. */
struct search {
	char *dir;   /* SPACE/state/search */
	gint64 usec; /* spent on the index, for the log */
	/* The fresh file last appended to, kept open: a thread's messages
	 * are mostly of one month (NULL: none). */
	FILE *fresh;
	char fresh_month[8];
};

void
search_free(struct search *s)
{
	if (s == NULL)
		return;
	if (s->fresh != NULL)
		fclose(s->fresh);
	free(s->dir);
	g_free(s);
}

/* The folder of the cache, made, and swept of what a killed run left. */
static enum ma_status
search_init(struct run *r)
{
	DIR *d;
	struct dirent *de;

	if (r->search != NULL)
		return MA_OK;
	r->search = g_new0(struct search, 1);
	r->search->dir = space_part_path(r->o->space_dir, SPACE_SEARCH_CACHE);
	if (r->search->dir == NULL)
		return MA_ENOMEM;
	if (g_mkdir_with_parents(r->search->dir, 0700) != 0) {
		log_err("cannot create '%s': %s", r->search->dir,
			strerror(errno));
		return MA_EIO;
	}
	if ((d = opendir(r->search->dir)) == NULL)
		return MA_OK;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, ".fresh-", 7) == 0)
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	return MA_OK;
}

static char *
fresh_path(struct run *r, const char *month)
{
	return path_fmt("%s/.fresh-%s", r->search->dir, month);
}

/* Close the fresh file kept open, its bytes written (before a month's
 * segment reads it, and before the run moves to another month). */
static enum ma_status
fresh_close(struct run *r)
{
	struct search *s = r->search;
	enum ma_status st = MA_OK;

	if (s == NULL || s->fresh == NULL)
		return MA_OK;
	if (fclose(s->fresh) != 0) {
		log_err("cannot write '%s/.fresh-%s': %s", s->dir,
			s->fresh_month, strerror(errno));
		st = errno == ENOSPC ? MA_ETEMP : MA_EIO;
	}
	s->fresh = NULL;
	return st;
}

/* month's fresh file, open for appending. */
static enum ma_status
fresh_open(struct run *r, const char *month)
{
	struct search *s = r->search;
	enum ma_status st;
	char *p;

	if (s->fresh != NULL && strcmp(s->fresh_month, month) == 0)
		return MA_OK;
	if ((st = fresh_close(r)) != MA_OK)
		return st;
	if ((p = fresh_path(r, month)) == NULL)
		return MA_ENOMEM;
	if ((s->fresh = fopen(p, "a")) == NULL) {
		log_err("cannot write '%s': %s", p, strerror(errno));
		st = errno == ENOSPC ? MA_ETEMP : MA_EIO;
	} else {
		g_strlcpy(s->fresh_month, month, sizeof s->fresh_month);
	}
	free(p);
	return st;
}

/* Called for each message a run renders, after it is parsed. */
enum ma_status
search_add(struct run *r, struct tmsg *t)
{
	gint64 t0 = g_get_monotonic_time();
	enum ma_status st;
	struct sdoc *d;
	GString *g;
	char month[8];

	if ((st = search_init(r)) != MA_OK)
		return st;
	d = sdoc_make(r, t->e, t->name, t->mm);
	g = g_string_new(NULL);
	sdoc_line(g, d);
	render_month_of(t->e->date, month);
	month[4] = '-';
	if ((st = fresh_open(r, month)) == MA_OK &&
	    fwrite(g->str, 1, g->len, r->search->fresh) != g->len) {
		log_err("cannot write '%s/.fresh-%s': %s", r->search->dir,
			month, strerror(errno));
		st = errno == ENOSPC ? MA_ETEMP : MA_EIO;
	}
	g_string_free(g, TRUE);
	sdoc_free(d);
	r->search->usec += g_get_monotonic_time() - t0;
	return st;
}

/* ---- The cache: SPACE/state/search/YYYY-MM ---- */

/* The segment line of an untouched month; false when there is none,
 * or when the site lost the segment it names (a folder removed by hand). */
static bool
cache_head(struct run *r, const char *month, struct seg *sg)
{
	char *p = search_cache_path(r, month);
	FILE *f = p ? fopen(p, "r") : NULL;
	char line[256], rel[64];
	bool ok = false;

	if (f != NULL && fgets(line, sizeof line, f) != NULL)
		ok = search_seg_parse(line, month, sg);
	if (f != NULL)
		fclose(f);
	free(p);
	if (ok) {
		int n = snprintf(rel, sizeof rel, "search/%s.%s/t0.json", month,
				 sg->hash);

		ok = n > 0 && (size_t)n < sizeof rel &&
		     site_exists(r->site, rel);
	}
	return ok;
}

static enum ma_status
cache_save(struct run *r, const struct seg *sg, GPtrArray *docs)
{
	GString *g = g_string_new(NULL);
	char *dir = space_part_path(r->o->space_dir, SPACE_SEARCH_CACHE);
	char *p = search_cache_path(r, sg->month);
	GError *err = NULL;
	enum ma_status st = MA_OK;

	g_string_append_printf(
	    g, "%s\t%s\t%u\t%u\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\n",
	    SEARCH_CACHE_TAG, sg->hash, sg->n, sg->bits, sg->lo, sg->hi);
	for (guint i = 0; i < docs->len; i++)
		sdoc_line(g, docs->pdata[i]);
	if (dir == NULL || p == NULL) {
		st = MA_ENOMEM;
	} else if (g_mkdir_with_parents(dir, 0755) != 0) {
		log_err("cannot create '%s': %s", dir, strerror(errno));
		st = MA_EIO;
	} else if (!g_file_set_contents(p, g->str, (gssize)g->len, &err)) {
		log_err("cannot write '%s': %s", p, err->message);
		g_error_free(err);
		st = MA_EIO;
	}
	free(dir);
	free(p);
	g_string_free(g, TRUE);
	return st;
}

/* ---- A segment's files ---- */

static void
json_str(GString *g, const char *s)
{
	g_string_append_c(g, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			g_string_append_printf(g, "\\%c", c);
		else if (c < 0x20)
			g_string_append_printf(g, "\\u%04x", c);
		else
			g_string_append_c(g, (char)c);
	}
	g_string_append_c(g, '"');
}

/* FNV-1a over the term's UTF-8 bytes: which shard holds it. */
static unsigned
shard_of(const char *term, unsigned bits)
{
	guint32 h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)term; *p; p++)
		h = (h ^ *p) * 16777619u;
	return bits == 0 ? 0 : h >> (32 - bits);
}

struct postings {
	GHashTable *terms; /* term (g_malloc'd) -> GArray of guint32 */
	size_t bytes;	   /* their size in JSON, roughly */
};

static void
garray_free(void *p)
{
	g_array_free(p, TRUE);
}

static void
postings_build(struct postings *ps, GPtrArray *docs)
{
	/* Each document's terms cut in place in one copy (a split would
	 * allocate every term, and most are in the table already). */
	GString *cut = g_string_new(NULL);

	ps->terms =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, garray_free);
	ps->bytes = 0;
	for (guint i = 0; i < docs->len; i++) {
		const struct sdoc *d = docs->pdata[i];
		char *t, *end;

		g_string_assign(cut, d->terms);
		end = cut->str + cut->len;
		for (t = cut->str; t < end;) {
			char *sp = memchr(t, ' ', (size_t)(end - t));
			GArray *a;
			guint32 n = i;

			if (sp == NULL)
				sp = end;
			*sp = '\0';
			if (t[0] == '\0') {
				t = sp + 1;
				continue;
			}
			a = g_hash_table_lookup(ps->terms, t);
			if (a == NULL) {
				a = g_array_new(FALSE, FALSE, sizeof(guint32));
				g_hash_table_insert(ps->terms, g_strdup(t), a);
				ps->bytes += (size_t)(sp - t) + 5;
			}
			g_array_append_val(a, n);
			ps->bytes += 1 + (i < 10 ? 1 : i < 100 ? 2 : 3);
			t = sp + 1;
		}
	}
	g_string_free(cut, TRUE);
}

/* v in decimal, as "%u" writes it: a shard holds a number per posting,
 * too many for printf's parsing of a format each. */
static void
append_u32(GString *g, guint32 v)
{
	char d[10];
	size_t n = 0;

	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		g_string_append_c(g, d[--n]);
}

/* Shard sh of the postings: {"term":[first,delta,delta...],...}, from
 * its terms, sorted. */
static GString *
shard_json(struct postings *ps, GPtrArray *terms)
{
	GString *g = g_string_new("{");
	bool first = true;

	for (guint i = 0; i < terms->len; i++) {
		const char *term = terms->pdata[i];
		GArray *a;
		guint32 prev = 0;

		a = g_hash_table_lookup(ps->terms, term);
		if (!first)
			g_string_append_c(g, ',');
		first = false;
		json_str(g, term);
		g_string_append(g, ":[");
		for (guint k = 0; k < a->len; k++) {
			guint32 v = g_array_index(a, guint32, k);

			if (k)
				g_string_append_c(g, ',');
			append_u32(g, v - prev);
			prev = v;
		}
		g_string_append_c(g, ']');
	}
	g_string_append(g, "}\n");
	return g;
}

/* Documents lo..hi: [[date,"HH/name","HH/thread#anchor","subject","from",
 * "snippet"]], the page's path under m/ (name_stem()), its place under t/. */
static GString *
docs_json(GPtrArray *docs, guint lo, guint hi)
{
	GString *g = g_string_new("[");

	for (guint i = lo; i < hi; i++) {
		const struct sdoc *d = docs->pdata[i];
		char stem[PERMALINK_STEM_MAX];

		g_string_append_printf(g, "%s[%" G_GINT64_FORMAT ",",
				       i > lo ? ",\n" : "", d->date);
		json_str(g, name_stem(d->name, stem));
		g_string_append_c(g, ',');
		json_str(g, d->thread);
		g_string_append_c(g, ',');
		json_str(g, d->subject);
		g_string_append_c(g, ',');
		json_str(g, d->from);
		g_string_append_c(g, ',');
		json_str(g, d->snippet);
		g_string_append_c(g, ']');
	}
	g_string_append(g, "]\n");
	return g;
}

/*
 * The SHA-256 of a segment's files, each name (with its NUL) then its
 * bytes, in hex cut to size - 1 digits: OpenSSL's (hash.h), some six times
 * faster than GLib's on a segment's megabytes; GLib's digest, the same
 * value, only where OpenSSL fails.
 */
static void
segment_hash(GPtrArray *names, GPtrArray *files, char *out, size_t size)
{
	char hex[HASH_SHA256_HEX_LEN + 1];
	struct hash *h = hash_begin(HASH_SHA256);
	GChecksum *ck;

	for (guint i = 0; h != NULL && i < files->len; i++) {
		GString *f = files->pdata[i];

		hash_update(h, names->pdata[i], strlen(names->pdata[i]) + 1);
		hash_update(h, f->str, f->len);
	}
	if (h != NULL && hash_end(h, hex) == MA_OK) {
		g_strlcpy(out, hex, size);
		return;
	}
	ck = g_checksum_new(G_CHECKSUM_SHA256);
	for (guint i = 0; i < files->len; i++) {
		GString *f = files->pdata[i];

		g_checksum_update(ck, (const guchar *)names->pdata[i],
				  (gssize)strlen(names->pdata[i]) + 1);
		g_checksum_update(ck, (const guchar *)f->str, (gssize)f->len);
	}
	g_strlcpy(out, g_checksum_get_string(ck), size);
	g_checksum_free(ck);
}

/* The files of a segment, named ("d0.json", "t3.json") in files. */
static void
segment_files(GPtrArray *docs, struct seg *sg, GPtrArray *names,
	      GPtrArray *files)
{
	struct postings ps;
	GPtrArray *sorted = g_ptr_array_new(), **by_shard;
	GHashTableIter it;
	gpointer k;

	postings_build(&ps, docs);
	sg->bits = 0;
	while (sg->bits < SEARCH_BITS_MAX &&
	       (ps.bytes >> sg->bits) > SEARCH_SHARD)
		sg->bits++;
	g_hash_table_iter_init(&it, ps.terms);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(sorted, k);
	g_ptr_array_sort(sorted, search_strcmp);
	for (guint lo = 0; lo < docs->len; lo += SEARCH_CHUNK) {
		guint hi = lo + SEARCH_CHUNK < docs->len ? lo + SEARCH_CHUNK
							 : docs->len;

		g_ptr_array_add(names,
				g_strdup_printf("d%u.json", lo / SEARCH_CHUNK));
		g_ptr_array_add(files, docs_json(docs, lo, hi));
	}
	/* Each term's shard, found once: the sorted terms dealt into
	 * their shards keep their order. */
	by_shard = g_new(GPtrArray *, 1u << sg->bits);
	for (unsigned sh = 0; sh < (1u << sg->bits); sh++)
		by_shard[sh] = g_ptr_array_new();
	for (guint i = 0; i < sorted->len; i++)
		g_ptr_array_add(by_shard[shard_of(sorted->pdata[i], sg->bits)],
				sorted->pdata[i]);
	for (unsigned sh = 0; sh < (1u << sg->bits); sh++) {
		g_ptr_array_add(names, g_strdup_printf("t%u.json", sh));
		g_ptr_array_add(files, shard_json(&ps, by_shard[sh]));
		g_ptr_array_free(by_shard[sh], TRUE);
	}
	g_free(by_shard);
	segment_hash(names, files, sg->hash, sizeof sg->hash);
	g_ptr_array_free(sorted, TRUE);
	g_hash_table_destroy(ps.terms);
	sg->n = docs->len;
	sg->lo = docs->len ? ((struct sdoc *)docs->pdata[0])->date : 0;
	sg->hi =
	    docs->len ? ((struct sdoc *)docs->pdata[docs->len - 1])->date : 0;
}

/* Write a segment into search/MONTH.HASH/ unless it is there already. */
static enum ma_status
segment_write(struct run *r, GPtrArray *docs, struct seg *sg)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *files = g_ptr_array_new();
	enum ma_status st = MA_OK;

	segment_files(docs, sg, names, files);
	for (guint i = 0; i < files->len; i++) {
		GString *f = files->pdata[i];
		char rel[96];
		int n = snprintf(rel, sizeof rel, "search/%s.%s/%s", sg->month,
				 sg->hash, (char *)names->pdata[i]);

		if (st == MA_OK && (n < 0 || (size_t)n >= sizeof rel))
			st = MA_ETOOBIG;
		if (st == MA_OK)
			st = site_put(r->site, rel, f->str, f->len);
		g_string_free(f, TRUE);
	}
	g_ptr_array_free(files, TRUE);
	g_ptr_array_free(names, TRUE);
	return st;
}

/* ---- The run ---- */

/* "YYYY/MM" as the renderer writes months to "YYYY-MM". */
static void
month_key(time_t t, char out[8])
{
	render_month_of(t, out);
	out[4] = '-';
}

static bool
month_touched(struct run *r, GHashTable *gone, const char *month)
{
	char slash[8];

	memcpy(slash, month, 8);
	slash[4] = '/';
	return g_hash_table_contains(r->months, slash) ||
	       g_hash_table_contains(gone, month);
}

/* Rebuild one month from the entries order[lo..hi). */
static enum ma_status
month_rebuild(struct run *r, bool full, guint lo, guint hi, struct seg *sg)
{
	GPtrArray *docs = g_ptr_array_new();
	GPtrArray *own = g_ptr_array_new_with_free_func(sdoc_free);
	GHashTable *cache = NULL;
	char *fp = fresh_path(r, sg->month);
	GHashTable *fresh = docs_load(fp ? strdup(fp) : NULL, 0);
	enum ma_status st;

	for (guint i = lo; i < hi; i++) {
		struct entry *e = r->order->pdata[i];
		char name[PERMALINK_NAME_MAX];
		struct sdoc *d = NULL;

		if (entry_page_name(r, e, name) != MA_OK)
			continue;
		d = g_hash_table_lookup(fresh, name);
		if (d == NULL && !full) {
			if (cache == NULL)
				cache = docs_load(
				    search_cache_path(r, sg->month), 1);
			d = g_hash_table_lookup(cache, name);
		}
		if (d == NULL) {
			d = sdoc_read(r, e, name);
			g_ptr_array_add(own, d);
		}
		/* The thread's NAME now, whatever it was when cached. */
		g_free(d->thread);
		d->thread = search_thread_place(e);
		g_ptr_array_add(docs, d);
	}
	st = segment_write(r, docs, sg);
	if (st == MA_OK)
		st = cache_save(r, sg, docs);
	entries_unfill(r); /* what sdoc_read() filled: a month at most */
	if (cache != NULL)
		g_hash_table_destroy(cache);
	if (st == MA_OK && fp != NULL)
		unlink(fp);
	free(fp);
	g_hash_table_destroy(fresh);
	g_ptr_array_free(own, TRUE);
	g_ptr_array_free(docs, TRUE);
	return st;
}

static void
seg_json(GString *g, const struct seg *sg, bool first)
{
	g_string_append_printf(g,
			       "%s\n{\"m\":\"%s\",\"h\":\"%s\",\"n\":%u,"
			       "\"b\":%u,\"lo\":%" G_GINT64_FORMAT
			       ",\"hi\":%" G_GINT64_FORMAT "}",
			       first ? "" : ",", sg->month, sg->hash, sg->n,
			       sg->bits, sg->lo, sg->hi);
}

/* Remove what a run of ours left that the index no longer names: a
 * segment's old folder, a month's cache. keep holds "MONTH.HASH". */
static enum ma_status
sweep(struct run *r, GHashTable *keep, GHashTable *months)
{
	char *dir = path_fmt("%s/search", r->o->site_dir);
	char *cdir = space_part_path(r->o->space_dir, SPACE_SEARCH_CACHE);
	DIR *d;
	struct dirent *de;
	enum ma_status st = MA_OK;

	if (dir == NULL || cdir == NULL) {
		free(dir);
		free(cdir);
		return MA_ENOMEM;
	}
	if ((d = opendir(dir)) != NULL) {
		GPtrArray *gone = g_ptr_array_new_with_free_func(g_free);

		while ((de = readdir(d)) != NULL)
			if (strlen(de->d_name) == 24 && de->d_name[7] == '.' &&
			    !g_hash_table_contains(keep, de->d_name))
				g_ptr_array_add(gone, g_strdup(de->d_name));
		closedir(d);
		for (guint i = 0; i < gone->len && st == MA_OK; i++) {
			char *sub =
			    path_fmt("%s/%s", dir, (char *)gone->pdata[i]);
			DIR *sd = sub ? opendir(sub) : NULL;
			bool any = false;

			while (sd != NULL && st == MA_OK &&
			       (de = readdir(sd)) != NULL) {
				char rel[128];
				int n;

				if (de->d_name[0] == '.')
					continue;
				any = true;
				n = snprintf(rel, sizeof rel, "search/%s/%s",
					     (char *)gone->pdata[i],
					     de->d_name);
				if (n < 0 || (size_t)n >= sizeof rel)
					continue; /* not a name of ours */
				st = site_remove(r->site, rel);
			}
			if (sd != NULL)
				closedir(sd);
			/* The folder goes when the commit has removed its
			 * files (site.c removes the folders it empties); one
			 * a killed run left empty goes now. */
			if (sub != NULL && !any && st == MA_OK)
				(void)rmdir(sub);
			free(sub);
		}
		g_ptr_array_free(gone, TRUE);
	}
	if ((d = opendir(cdir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			char *p;

			bool stale = strncmp(de->d_name, ".fresh-", 7) == 0;

			if (!stale &&
			    (strlen(de->d_name) != 7 || de->d_name[4] != '-' ||
			     g_hash_table_contains(months, de->d_name)))
				continue;
			if ((p = path_fmt("%s/%s", cdir, de->d_name)) != NULL)
				unlink(p);
			free(p);
		}
		closedir(d);
	}
	free(dir);
	free(cdir);
	return st;
}

/* A month of the site, "YYYY-MM": its entries r->order[lo..hi), or none
 * held (a run that read part of the state did not need them). */
struct seg_month {
	char m[8];
	guint lo, hi;
	bool held;
};

/* The months of the site, newest first. */
static GArray *
seg_months(struct run *r)
{
	GArray *a = g_array_new(FALSE, TRUE, sizeof(struct seg_month));
	GArray *mc = store_month_counts(r);

	if (mc != NULL) {
		for (guint i = mc->len; i-- > 0;) {
			struct seg_month sm = {0};
			size_t lo, hi;

			month_range(
			    r, g_array_index(mc, struct month_count, i).month,
			    &lo, &hi);
			memcpy(sm.m,
			       g_array_index(mc, struct month_count, i).month,
			       8);
			sm.m[4] = '-';
			sm.lo = (guint)lo;
			sm.hi = (guint)hi;
			sm.held = lo < hi;
			g_array_append_val(a, sm);
		}
		g_array_free(mc, TRUE);
		return a;
	}
	for (guint hi = r->order->len; hi > 0;) {
		struct seg_month sm = {.hi = hi, .held = true};
		guint lo = hi;

		month_key(((struct entry *)r->order->pdata[hi - 1])->date,
			  sm.m);
		while (lo > 0) {
			char p[8];

			month_key(
			    ((struct entry *)r->order->pdata[lo - 1])->date, p);
			if (strcmp(p, sm.m) != 0)
				break;
			lo--;
		}
		sm.lo = lo;
		g_array_append_val(a, sm);
		hi = lo;
	}
	return a;
}

/* Every month of the site, newest first: rebuilt when touched, else as
 * its cache recorded it; then index.json, then the sweep. */
static enum ma_status
segments(struct run *r, bool full, GString *list)
{
	GHashTable *gone =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *keep =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *months =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	enum ma_status st = MA_OK;
	GArray *ms = seg_months(r);
	bool first = true;

	for (guint i = 0; i < r->gone->len; i++) {
		char m[8];

		month_key(((struct entry *)r->gone->pdata[i])->date, m);
		g_hash_table_add(gone, g_strdup(m));
	}
	for (guint i = 0; i < ms->len && st == MA_OK; i++) {
		const struct seg_month *sm =
		    &g_array_index(ms, struct seg_month, i);
		struct seg sg = {0};

		g_strlcpy(sg.month, sm->m, sizeof sg.month);
		if (!sm->held) {
			/* Not read this run: store_widen() read any month
			 * without a usable cache. */
			if (!cache_head(r, sm->m, &sg)) {
				log_err("search: no segment for %s", sm->m);
				st = MA_EIO;
			}
		} else if (full || month_touched(r, gone, sm->m) ||
			   !cache_head(r, sm->m, &sg)) {
			st = month_rebuild(r, full, sm->lo, sm->hi, &sg);
		}
		if (st == MA_OK && sg.n > 0) {
			seg_json(list, &sg, first);
			first = false;
			g_hash_table_add(
			    keep, g_strdup_printf("%s.%s", sm->m, sg.hash));
		}
		g_hash_table_add(months, g_strdup(sm->m));
	}
	g_array_free(ms, TRUE);
	if (st == MA_OK)
		st = sweep(r, keep, months);
	g_hash_table_destroy(gone);
	g_hash_table_destroy(keep);
	g_hash_table_destroy(months);
	return st;
}

enum ma_status
search_publish(struct run *r, bool full)
{
	gint64 t0 = g_get_monotonic_time();
	GString *list = g_string_new(NULL);
	size_t before = site_written(r->site);
	enum ma_status st = search_init(r);

	if (st == MA_OK)
		st = fresh_close(r);
	if (st != MA_OK) {
		g_string_free(list, TRUE);
		return st;
	}
	g_string_append_printf(list,
			       "{\"v\":1,\"chunk\":%u,\"messages\":%zu,"
			       "\"segments\":[",
			       SEARCH_CHUNK, render_messages(r));
	st = segments(r, full, list);
	g_string_append(list, "\n]}\n");
	if (st == MA_OK)
		st = site_put(r->site, "search/index.json", list->str,
			      list->len);
	g_string_free(list, TRUE);
	r->search->usec += g_get_monotonic_time() - t0;
	if (st == MA_OK)
		log_info("search index: %.3f s, %zu files written",
			 (double)r->search->usec / 1e6,
			 site_written(r->site) - before);
	if (st == MA_OK)
		st = search_page(r);
	return st;
}
