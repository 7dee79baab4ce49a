/*
 * The search index's text rules, shared by the index writer (search.c)
 * and mirrored line for line by the browser's client (search.js), so
 * that a query's words become the very terms a message's words did:
 *
 *   1. The text is made valid UTF-8, case folded (g_utf8_casefold: full
 *      folding, "Straße" is "strasse"), decomposed by compatibility
 *      (NFKD: full-width "ＡＢＣ" is "abc", "ﬁ" is "fi"), stripped of
 *      combining marks but the kana voicing marks (so "Réunion" is
 *      "reunion", and "バ" stays "バ") and recomposed (NFC, which gives
 *      Hangul its syllables back).
 *   2. A word is a run of letters and digits (Unicode L and N); anything
 *      else separates words. Words over SEARCH_WORD_MAX bytes (hashes,
 *      encoded blobs) are not indexed.
 *   3. Chinese, Japanese and Korean have no spaces: a run of Han,
 *      Hiragana, Katakana or Hangul characters (and the prolonged sound
 *      mark U+30FC) gives its overlapping pairs of characters ("会議室"
 *      gives "会議", "議室"); a run of one character gives itself.
 *
 * GLib does the Unicode work, as the issue asks: no hand-written tables.
 */
#include <string.h>

#include "search_int.h"

static bool
is_cjk(gunichar c)
{
	switch (g_unichar_get_script(c)) {
	case G_UNICODE_SCRIPT_HAN:
	case G_UNICODE_SCRIPT_HIRAGANA:
	case G_UNICODE_SCRIPT_KATAKANA:
	case G_UNICODE_SCRIPT_HANGUL:
		return true;
	default:
		return c == 0x30fc;
	}
}

/*
 * Step 1 for text of ASCII characters only (no NUL), the common case:
 * folding and both normalisations leave ASCII as it is, but for case, so
 * the result is the lower case copy. NULL when s[0..n) has another byte.
 */
static char *
fold_ascii(const char *s, size_t n)
{
	char *out;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0' || (unsigned char)s[i] >= 0x80)
			return NULL;
	out = g_malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		out[i] = g_ascii_tolower(s[i]);
	out[n] = '\0';
	return out;
}

/* Step 1 for any text. */
static char *
fold_unicode(const char *s, size_t n)
{
	char *valid = g_utf8_make_valid(s, (gssize)n);
	char *fold = g_utf8_casefold(valid, -1);
	char *nfkd = g_utf8_normalize(fold, -1, G_NORMALIZE_NFKD);
	GString *out;
	char *res;

	g_free(valid);
	g_free(fold);
	if (nfkd == NULL)
		return g_strdup("");
	out = g_string_sized_new(strlen(nfkd));
	for (const char *p = nfkd; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		/* Kana keep their voicing marks: ha and ba differ. */
		if (!g_unichar_ismark(c) || c == 0x3099 || c == 0x309a)
			g_string_append_unichar(out, c);
	}
	g_free(nfkd);
	res = g_utf8_normalize(out->str, -1, G_NORMALIZE_NFC);
	g_string_free(out, TRUE);
	return res != NULL ? res : g_strdup("");
}

/* Step 1: a malloc'd (g_free) folded copy of s[0..n). */
char *
search_fold(const char *s, size_t n)
{
	char *ascii = fold_ascii(s, n);

	return ascii != NULL ? ascii : fold_unicode(s, n);
}

static void
add_term(GHashTable *set, const char *prefix, const char *w, size_t n)
{
	char *t;
	size_t pn;

	if (n == 0 || n > SEARCH_WORD_MAX)
		return;
	pn = strlen(prefix);
	t = g_malloc(pn + n + 1);
	memcpy(t, prefix, pn);
	memcpy(t + pn, w, n);
	t[pn + n] = '\0';
	if (!g_hash_table_add(set, t))
		return; /* the set freed the duplicate */
}

/* Step 3 for the run text[0..n) of cjk characters. */
static void
add_cjk(GHashTable *set, const char *prefix, const char *s, const char *end)
{
	const char *a = s, *b = g_utf8_next_char(s);

	if (b >= end) {
		add_term(set, prefix, a, (size_t)(end - a));
		return;
	}
	while (b < end) {
		const char *c = g_utf8_next_char(b);

		add_term(set, prefix, a, (size_t)(c - a));
		a = b;
		b = c;
	}
}

void
search_terms(GHashTable *set, const char *prefix, const char *s, size_t n)
{
	char *f = search_fold(s, n);
	const char *p = f, *start = NULL;
	bool cjk = false;

	for (;; p = g_utf8_next_char(p)) {
		gunichar c = *p ? g_utf8_get_char(p) : 0;
		/* ASCII is never CJK, and its letters and digits are
		 * Unicode's L and N there. */
		bool word = c != 0 && (c < 0x80 ? g_ascii_isalnum((char)c)
						: g_unichar_isalnum(c));
		bool k = c >= 0x80 && is_cjk(c);

		if (start != NULL && (!(word || k) || k != cjk)) {
			if (cjk)
				add_cjk(set, prefix, start, p);
			else
				add_term(set, prefix, start,
					 (size_t)(p - start));
			start = NULL;
		}
		if (start == NULL && (word || k)) {
			start = p;
			cjk = k;
		}
		if (c == 0)
			break;
	}
	g_free(f);
}
