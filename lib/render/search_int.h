#ifndef MA_SEARCH_INT_H
#define MA_SEARCH_INT_H

/*
 * Private to lib/render/: the search index's text rules (search_text.c),
 * used by search.c. docs/format.md ("The search index") describes what
 * they produce; search.js applies the same rules to queries.
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

#endif
