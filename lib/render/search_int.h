#ifndef MA_SEARCH_INT_H
#define MA_SEARCH_INT_H

/*
 * Private to lib/render/: the search index's text rules (search_text.c)
 * and its documents (search_doc.c), used by search.c. docs/format.md ("The
 * search index") describes what they produce; search.js applies the same rules
 * to queries.
 */
#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

/* Longest word indexed, in bytes after folding. */
#define SEARCH_WORD_MAX 40

/* search_fold - text rule 1 on s[0..n): a g_malloc'd folded copy. */
char *search_fold(const char *s, size_t n);

/*
 * search_terms - the terms of s[0..n) (rules 1 to 3), each prefixed by
 * prefix ("" for plain words, "f:" for senders...), added to set (a
 * g_str_hash set that owns its g_malloc'd keys).
 */
void search_terms(GHashTable *set, const char *prefix, const char *s, size_t n);

/* search_doc.c: one message as the index knows it; strings g_malloc'd,
 * valid UTF-8 without control characters (so without tabs or newlines). */
struct sdoc {
	gint64 date;
	/* thread: search_thread_place(), "" when there is none */
	char *name, *thread, *subject, *from, *snippet;
	char *terms; /* sorted, unique, space-separated */
};

struct run;
struct entry;
struct mime_msg;

/* sdoc_make - the document of entry e, named name (its permalink), from
 * its parsed message mm (NULL when unreadable: its headers alone). */
struct sdoc *sdoc_make(struct run *r, struct entry *e, const char *name,
		       const struct mime_msg *mm);
/* sdoc_read - as sdoc_make(), reading and parsing the message itself. */
struct sdoc *sdoc_read(struct run *r, struct entry *e, const char *name);
void sdoc_free(void *d);
/* sdoc_line - d as one line (tab-separated fields, then "\n") onto g. */
void sdoc_line(GString *g, const struct sdoc *d);
/*
 * docs_load - the documents of a file of such lines, from line first on,
 * in a table by name that owns them; empty when the file cannot be read.
 * Frees path (malloc'd; may be NULL).
 */
GHashTable *docs_load(char *path, size_t first);
/*
 * search_thread_place - where e sits in its thread's page, "HH/NAME#ANCHOR"
 * under t/ ("" when it has none), g_malloc'd. search_link.c.
 */
char *search_thread_place(const struct entry *e);
/* search_strcmp - strcmp() of two char ** (for g_ptr_array_sort). */
gint search_strcmp(gconstpointer a, gconstpointer b);

/*
 * search_cache.c: a month's documents, in date order, fall into parts of
 * search_part_size(), the last holding the rest, or, when the rest is
 * under a quarter of a part, the last full part holding it too (so that
 * a month just over a part is one segment, not one and a sliver to
 * query; a part holds 1.25 parts at most). Each part is a segment of the
 * index with its own cache, SPACE/state/search/YYYY-MM for the first,
 * YYYY-MM.K for part K. The first line of a part's cache is also its
 * line in index.json.
 */
#define SEARCH_BITS_MAX	 8 /* at most 256 shards */
#define SEARCH_CACHE_TAG "mailarc-search-cache 2"
#define SEARCH_PART	 8192 /* documents a part */
struct seg {
	char month[8]; /* "YYYY-MM" */
	unsigned part;
	char hash[17];
	unsigned n, bits;
	gint64 lo, hi;
};
/* search_part_size - SEARCH_PART, or what MAILARC_SEARCH_PART says (for
 * the tests: a month of a few hundred messages in several parts). */
size_t search_part_size(void);
/* search_parts - how many parts a month of count documents has. */
unsigned search_parts(size_t count);
/* search_part_docs - how many of them part k holds. */
unsigned search_part_docs(size_t count, unsigned k);
/* search_part_at - the part that holds the document at place at (the
 * last part when at is count, where one that left the month was). Part
 * k starts at k * search_part_size(). */
unsigned search_part_at(size_t count, size_t at);
/* search_cache_path - the cache of part of month ("YYYY-MM"), malloc'd. */
char *search_cache_path(struct run *r, const char *month, unsigned part);
/*
 * search_cache_head - the first line of that cache into *sg, when it is
 * one and names n documents; the caller asks the site for its folder.
 */
bool search_cache_head(struct run *r, const char *month, unsigned part,
		       unsigned n, struct seg *sg);

/*
 * search_cache_kept - the line of a part a run keeps; false when its
 * cache has none for n documents, or when the site lost the segment it
 * names (a folder removed by hand).
 */
bool search_cache_kept(struct run *r, const char *month, unsigned part,
		       unsigned n, struct seg *sg);
/*
 * search_cache_save - sg's cache, its line then docs, written where it
 * waits until its month is done (SPACE/state/search/.new-YYYY-MM.K);
 * search_cache_commit - the month's parts from..to put in their place.
 */
enum ma_status search_cache_save(struct run *r, const struct seg *sg,
				 GPtrArray *docs);
enum ma_status search_cache_commit(struct run *r, const char *month,
				   unsigned from, unsigned to);
/* search_cache_scratch - name is what a run leaves in the cache's folder
 * only while it runs (a fresh file, a new cache); search_cache_stale -
 * name is the cache of a part that months (month -> its number of
 * parts) does not have. */
bool search_cache_scratch(const char *name);
bool search_cache_stale(const char *name, GHashTable *months);

/*
 * The cached documents of a month's parts as it was, from part next on,
 * read a part at a time as lookups reach them. A part is rebuilt in the
 * order of its entries, and the entries a run did not change keep their
 * order, so the document asked for is in the part last read or in the
 * next one: two parts are held at most. A document found is taken out
 * (its new part owns it), so a part read may go while one is built.
 */
struct search_old {
	const char *month;
	unsigned next;
	bool end; /* no part after */
	GHashTable *prev, *cur;
};
/* search_old_find - the cached document of name, taken out of the cache
 * (the caller owns it), or NULL; search_old_free - what o holds. */
struct sdoc *search_old_find(struct run *r, struct search_old *o,
			     const char *name);
void search_old_free(struct search_old *o);

/* search_segment.c: the files of sg (named by their hash, which it
 * sets) from its documents, written into search/MONTH.HASH/ unless there
 * already. SEARCH_CHUNK documents a d*.json file. */
#define SEARCH_CHUNK 128
enum ma_status search_segment_write(struct run *r, GPtrArray *docs,
				    struct seg *sg);

#endif
