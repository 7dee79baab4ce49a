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

/* search_cache.c: the first line of a month's cache, also its line in
 * index.json. */
#define SEARCH_BITS_MAX	 8 /* at most 256 shards */
#define SEARCH_CACHE_TAG "mailarc-search-cache 2"
struct seg {
	char month[8]; /* "YYYY-MM" */
	char hash[17];
	unsigned n, bits;
	gint64 lo, hi;
};
/* search_cache_path - SPACE/state/search/MONTH ("YYYY-MM"), malloc'd. */
char *search_cache_path(struct run *r, const char *month);
/* search_seg_parse - line (a cache's first) of month into *sg; false
 * when it is not one. */
bool search_seg_parse(const char *line, const char *month, struct seg *sg);

#endif
