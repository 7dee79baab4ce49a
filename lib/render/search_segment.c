/*
 * A segment's files (docs/format.md, "The search index"): its documents,
 * SEARCH_CHUNK a file (d0.json...), and its terms' postings in 2^b
 * shards (t0.json...), b chosen so that a shard stays near SEARCH_SHARD
 * bytes; the folder is named by the month and a hash of the files, so a
 * file never changes once written. search.c says which segments a run
 * writes and from which documents.
 */
#include <stdio.h>
#include <string.h>

#include "hash.h"
#include "render_int.h"
#include "search_int.h"

#define SEARCH_SHARD (24 * 1024) /* bytes a shard aims at */

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

enum ma_status
search_segment_write(struct run *r, GPtrArray *docs, struct seg *sg)
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
