/*
 * Raw 8-bit header text that is Chinese, Korean or Japanese while the
 * message's body is in a single-byte charset (or names none): a Big5
 * Subject over an ISO-8859-1 body read in the body's charset gives
 * "¤¤¤å" for "中文", valid and wrong. The rule (charset.c raw_header()):
 *
 *  1. The body's single-byte reading stands when it looks like text of
 *     its charset: no run of two or more 8-bit characters that holds a
 *     symbol, no run of three or more Latin letters (Latin text has
 *     accented letters alone or in pairs: "ção"), and no symbol with an
 *     ASCII letter on both sides ("A¦n"). Runs of Cyrillic, Greek or
 *     Hebrew letters are the text of those charsets.
 *  2. Otherwise each double-byte CJK charset whose byte ranges hold every
 *     8-bit byte in pairs is scored by how many of the pairs fall in the
 *     rows of its common characters (GB2312's first level of hanzi, Big5's
 *     frequent hanzi, KS X 1001's hangul, JIS X 0208's kana and kanji);
 *     one where most pairs are common is tried first, then the others
 *     by score (ties: GB18030, Big5, EUC-KR, EUC-JP, Shift_JIS, except
 *     that a text of three or more pairs all in the hangul rows is
 *     Korean). charset.c decodes with the first that reads it strictly.
 *  3. Else the body's reading (or windows-1252) stands.
 *
 * On the cases tried (tests/unit/charset_cjk_header_test.c): Big5,
 * GB2312, EUC-KR, EUC-JP and Shift_JIS subjects over ISO-8859-1 bodies
 * and without a body charset are read right; Latin-1 text with accents
 * ("Grüße", "ção", "l’été", "© 2024") and KOI8-R and ISO-8859-7 text keep
 * the body's reading. Two pairs of charsets share byte ranges: a GB2312
 * text whose every character is in rows B0-C8 reads in EUC-KR as hangul,
 * and a Big5 text whose every character is also a common GB2312 pair
 * reads as GB2312. There the reading with more of its language's
 * frequent characters wins (charset_cjk_common.inc, counted by
 * tests/gen/cjk_common.py): a GB2312 "北京大会" was Korean, a Big5 "國家"
 * GB2312. Cyrillic KOI8-R text under a Latin-1 label whose every word
 * has an even number of letters reads as GB2312 (the label is wrong
 * either way): byte ranges cannot tell those apart.
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "charset_int.h"

#include "charset_cjk_common.inc"

/* Is text[0..len) (UTF-8, a strict single-byte reading of s[0..n)) odd
 * for its charset (rule 1)? */
bool
charset_single_byte_odd(const unsigned char *s, size_t n, const char *text,
			size_t len)
{
	size_t high = 0, chars = 0, run = 0;
	bool run_symbol = false;
	GUnicodeScript run_script = G_UNICODE_SCRIPT_COMMON;
	gunichar prev = 0;
	const char *p = text, *end = text + len;

	for (size_t i = 0; i < n; i++)
		high += s[i] >= 0x80;
	if (!g_utf8_validate(text, (gssize)len, NULL))
		return false;
	for (const char *q = text; q < end; q = g_utf8_next_char(q))
		chars += (unsigned char)*q >= 0x80;
	/* Not a single-byte reading: no judgement. */
	if (chars != high)
		return false;
	while (p < end) {
		gunichar c = g_utf8_get_char(p), next;
		const char *q = g_utf8_next_char(p);

		next = q < end ? g_utf8_get_char(q) : 0;
		if (c < 0x80) {
			run = 0;
			run_symbol = false;
		} else {
			GUnicodeType t = g_unichar_type(c);
			bool letter = g_unichar_isalpha(c);
			bool symbol = t == G_UNICODE_CURRENCY_SYMBOL ||
				      t == G_UNICODE_MODIFIER_SYMBOL ||
				      t == G_UNICODE_MATH_SYMBOL ||
				      t == G_UNICODE_OTHER_SYMBOL;

			if (run++ == 0)
				run_script = g_unichar_get_script(c);
			run_symbol = run_symbol || !letter;
			if (run >= 2 && run_symbol)
				return true;
			if (run >= 3 && run_script == G_UNICODE_SCRIPT_LATIN)
				return true;
			if (symbol && prev < 0x80 && g_ascii_isalpha(prev) &&
			    next < 0x80 && g_ascii_isalpha(next))
				return true;
		}
		prev = c;
		p = q;
	}
	return false;
}

/* A candidate: its label and how it scores a pair (lead, trail): 1 a
 * common character, 0 a valid but rarer one, -1 not valid in it. */
struct cjk {
	const char *label;
	int (*pair)(unsigned a, unsigned b);
};

static bool
in(unsigned c, unsigned lo, unsigned hi)
{
	return c >= lo && c <= hi;
}

static int
gb_pair(unsigned a, unsigned b)
{
	if (!in(a, 0x81, 0xfe) || !(in(b, 0x40, 0x7e) || in(b, 0x80, 0xfe)))
		return -1;
	/* GB2312: punctuation and full-width forms, first-level hanzi. */
	if (in(b, 0xa1, 0xfe) && (in(a, 0xa1, 0xa3) || in(a, 0xb0, 0xd7)))
		return 1;
	return 0;
}

static int
big5_pair(unsigned a, unsigned b)
{
	if (!in(a, 0xa1, 0xf9) || !(in(b, 0x40, 0x7e) || in(b, 0xa1, 0xfe)))
		return -1;
	/* Punctuation, and the 5,401 frequent hanzi. */
	return in(a, 0xa1, 0xa3) || in(a, 0xa4, 0xc6) ? 1 : 0;
}

static int
euckr_pair(unsigned a, unsigned b)
{
	if (!in(a, 0xa1, 0xfe) || !in(b, 0xa1, 0xfe))
		return -1;
	/* Punctuation, and the 2,350 hangul syllables. */
	return a == 0xa1 || in(a, 0xb0, 0xc8) ? 1 : 0;
}

static int
eucjp_pair(unsigned a, unsigned b)
{
	if (!in(a, 0xa1, 0xfe) || !in(b, 0xa1, 0xfe))
		return -1;
	/* Punctuation, kana, first-level kanji. */
	return in(a, 0xa1, 0xa5) || in(a, 0xb0, 0xcf) ? 1 : 0;
}

static int
sjis_pair(unsigned a, unsigned b)
{
	if (!(in(a, 0x81, 0x9f) || in(a, 0xe0, 0xfc)) ||
	    !(in(b, 0x40, 0x7e) || in(b, 0x80, 0xfc)))
		return -1;
	/* Punctuation, kana, first-level kanji. */
	return in(a, 0x81, 0x83) || in(a, 0x88, 0x98) ? 1 : 0;
}

static const struct cjk cjks[] = {
    {"GB18030", gb_pair},   {"BIG5", big5_pair},      {"EUC-KR", euckr_pair},
    {"EUC-JP", eucjp_pair}, {"SHIFT_JIS", sjis_pair},
};
#define NCJK (sizeof cjks / sizeof cjks[0])

/* The score of s[0..n) in c: common pairs, or -1 when a byte is left
 * out of a pair; *pairsp the pairs. */
static int
score(const struct cjk *c, const unsigned char *s, size_t n, size_t *pairsp)
{
	size_t i = 0, pairs = 0;
	int common = 0;

	while (i < n) {
		int v;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (i + 1 >= n || (v = c->pair(s[i], s[i + 1])) < 0)
			return -1;
		common += v;
		pairs++;
		i += 2;
	}
	*pairsp = pairs;
	return common;
}

/* Whether every pair of s[0..n) is in KS X 1001's hangul rows. */
static bool
all_hangul(const unsigned char *s, size_t n, size_t *pairsp)
{
	size_t i = 0, pairs = 0;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (i + 1 >= n || !in(s[i], 0xb0, 0xc8) ||
		    !in(s[i + 1], 0xa1, 0xfe))
			return false;
		pairs++;
		i += 2;
	}
	*pairsp = pairs;
	return true;
}

static int
cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* How many pairs of s[0..n) are among the n_common frequent characters
 * of a charset (table[], sorted), reading every 8-bit byte as a lead. */
static size_t
frequent(const unsigned char *s, size_t n, const uint16_t *table,
	 size_t n_common)
{
	size_t i = 0, hits = 0;

	while (i + 1 < n) {
		uint16_t code;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		code = (uint16_t)(s[i] << 8 | s[i + 1]);
		hits += bsearch(&code, table, n_common, sizeof code, cmp_u16) !=
			NULL;
		i += 2;
	}
	return hits;
}

#define FREQ(s, n, t) frequent(s, n, t, sizeof t / sizeof t[0])

size_t
charset_cjk_guess(const unsigned char *s, size_t n, const char **labels,
		  size_t max)
{
	int sc[NCJK];
	size_t k = 0, pairs[NCJK] = {0}, hangul = 0;
	bool korean = all_hangul(s, n, &hangul) && hangul >= 3;

	/* Byte ranges cannot tell a GB2312 text in the rows of KS X 1001's
	 * hangul from Korean, nor a Big5 text of pairs that are common in
	 * GB2312 from Chinese in GB2312: the characters each reading gives
	 * can. Korean reads as frequent syllables, a Chinese text as
	 * frequent hanzi; the wrong reading gives rare ones. */
	size_t ko = FREQ(s, n, ko_common), gb = FREQ(s, n, gb_common),
	       big5 = FREQ(s, n, big5_common);

	korean = korean && ko > gb && ko > big5;

	for (size_t i = 0; i < NCJK; i++) {
		sc[i] = score(&cjks[i], s, n, &pairs[i]);
		/* Most of the pairs common, or it is no candidate. */
		if (sc[i] >= 0 &&
		    (pairs[i] == 0 || (size_t)sc[i] * 2 <= pairs[i]))
			sc[i] = -1;
	}
	if (korean && sc[2] >= 0 && k < max) {
		labels[k++] = cjks[2].label;
		sc[2] = -1;
	}
	if (sc[0] >= 0 && sc[1] >= 0 && k < max && big5 > gb) {
		labels[k++] = cjks[1].label;
		sc[1] = -1;
	}
	/* Best first; on a tie the earlier in cjks[]. */
	while (k < max) {
		size_t best = NCJK;

		for (size_t i = 0; i < NCJK; i++)
			if (sc[i] >= 0 && (best == NCJK || sc[i] > sc[best]))
				best = i;
		if (best == NCJK)
			break;
		labels[k++] = cjks[best].label;
		sc[best] = -1;
	}
	return k;
}
