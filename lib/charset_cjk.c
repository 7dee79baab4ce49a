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
 *     Hebrew letters are the text of those charsets. Unless the bytes
 *     are two or more frequent Big5 or Shift_JIS characters and nothing
 *     else (cjk_strong()): their trails may be ASCII, each
 *     8-bit byte alone as in Latin text ("¥x¥_" is "台北").
 *  2. Otherwise each double-byte CJK charset whose byte ranges hold every
 *     8-bit byte in pairs is scored by how many of the pairs fall in the
 *     rows of its common characters (GB2312's first level of hanzi, Big5's
 *     frequent hanzi, KS X 1001's hangul, JIS X 0208's kana and kanji);
 *     one where most pairs are common is a candidate. Candidates are
 *     tried by how many of the pairs read as the frequent characters of
 *     their language (charset_cjk_common.inc), then by score (ties:
 *     GB18030, Big5, EUC-KR, EUC-JP, Shift_JIS). Before them, KOI8-R
 *     when its reading is Cyrillic words as people write them and no
 *     CJK reading gives half its pairs as frequent characters.
 *     charset.c decodes with the first that reads it strictly.
 *  3. Else the body's reading (or windows-1252) stands.
 *
 * On the cases tried (tests/unit/charset_cjk_header_test.c): Big5,
 * GB2312, EUC-KR, EUC-JP and Shift_JIS subjects over ISO-8859-1 bodies
 * and without a body charset are read right; Latin-1 text with accents
 * ("Grüße", "ção", "l’été", "© 2024") and KOI8-R and ISO-8859-7 text keep
 * the body's reading. Byte ranges alone cannot tell GB2312 in the rows
 * of KS X 1001's hangul from Korean, Big5 of common GB2312 pairs from
 * GB2312, short EUC-JP and EUC-KR words from GB2312, nor KOI8-R text
 * whose words all have an even number of letters from GB2312: the
 * frequent characters do ("北京大会" was Korean, "ありがとう" Big5,
 * "Привет всем" GB2312). Two-character words stay ambiguous: a
 * Korean "서버" still reads as GB2312 "辑滚".
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "charset_int.h"

#include "charset_cjk_common.inc"

static bool cjk_strong(const unsigned char *s, size_t n);

/* Is text[0..len) (UTF-8, a strict single-byte reading of s[0..n)) odd
 * for its charset, or are s[0..n) strong evidence of a CJK text (rule
 * 1)? */
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
	if (cjk_strong(s, n))
		return true;
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

static int
cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* The EUC-JP pair of Shift_JIS lead a and trail b (JIS X 0208's row
 * and cell, each with its high bit set). */
static uint16_t
sjis_to_euc(unsigned a, unsigned b)
{
	unsigned j1 = a <= 0x9f ? (a - 0x70) * 2 : (a - 0xb0) * 2, j2;

	if (b < 0x9f) {
		j1--;
		j2 = b - 0x1f - (b >= 0x80);
	} else {
		j2 = b - 0x7e;
	}
	return (uint16_t)((j1 | 0x80) << 8 | ((j2 | 0x80) & 0xff));
}

/* How many pairs of s[0..n) are among the n_common frequent characters
 * of a charset (table[], sorted), reading every 8-bit byte as a lead;
 * sjis: the pairs are Shift_JIS, the table EUC-JP. */
static size_t
frequent(const unsigned char *s, size_t n, const uint16_t *table,
	 size_t n_common, bool sjis)
{
	size_t i = 0, hits = 0;

	while (i + 1 < n) {
		uint16_t code;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		code = sjis ? sjis_to_euc(s[i], s[i + 1])
			    : (uint16_t)(s[i] << 8 | s[i + 1]);
		hits += bsearch(&code, table, n_common, sizeof code, cmp_u16) !=
			NULL;
		i += 2;
	}
	return hits;
}

#define FREQ(s, n, t, j) frequent(s, n, t, sizeof t / sizeof t[0], j)

/*
 * Whether s[0..n) reads in KOI8-R as Cyrillic words as people write
 * them: every 8-bit byte a letter (C0-FF, or ё A3/Ё B3), each word in
 * lower case (C0-DF), capitalised, or all in capitals (E0-FF). A CJK
 * text's pairs seldom keep to that.
 */
static bool
koi8_words(const unsigned char *s, size_t n)
{
	size_t i = 0, letters = 0;

	while (i < n) {
		size_t start = i, upper = 0;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		for (; i < n && s[i] >= 0x80; i++) {
			bool up = s[i] == 0xb3 || s[i] >= 0xe0;

			if (!up && s[i] != 0xa3 && s[i] < 0xc0)
				return false;
			upper += up;
		}
		/* Lower case, capitalised, or all capitals. */
		if (upper != 0 && upper != i - start &&
		    !(upper == 1 && (s[start] == 0xb3 || s[start] >= 0xe0)))
			return false;
		letters += i - start;
	}
	return letters >= 2;
}

/*
 * Whether s[0..n) is Big5 or Shift_JIS though its windows-1252 reading
 * is not odd: both take ASCII bytes as trails, so "台北" in Big5 reads
 * as "¥x¥_" and "確認" in Shift_JIS as "Šm”F", each 8-bit character
 * alone between ASCII ones as in Latin text. The evidence is strong
 * when every 8-bit byte leads a pair and there are two pairs or more,
 * every one of them a frequent character: Latin text seldom pairs its
 * accented letters with the next byte into frequent hanzi ("Ärger" is
 * one pair, "Müller" none).
 */
static bool
cjk_strong(const unsigned char *s, size_t n)
{
	size_t pairs;

	if (score(&cjks[1], s, n, &pairs) >= 0 && pairs >= 2 &&
	    FREQ(s, n, big5_common, false) == pairs)
		return true;
	return score(&cjks[4], s, n, &pairs) >= 0 && pairs >= 2 &&
	       FREQ(s, n, ja_common, true) == pairs;
}

/* Whether candidate i goes before candidate j (charset_cjk_guess()). */
static bool
before(const size_t *hits, const size_t *pairs, const int *sc, size_t i,
       size_t j)
{
	bool si = hits[i] * 2 > pairs[i], sj = hits[j] * 2 > pairs[j];

	if (si != sj)
		return si;
	if (si && hits[i] != hits[j])
		return hits[i] > hits[j];
	return sc[i] > sc[j];
}

size_t
charset_cjk_guess(const unsigned char *s, size_t n, const char **labels,
		  size_t max)
{
	int sc[NCJK];
	size_t k = 0, pairs[NCJK] = {0}, hits[NCJK], best_hits = 0, high = 0;

	/* Byte ranges cannot tell a GB2312 text in the rows of KS X 1001's
	 * hangul from Korean, a Big5 text of pairs that are common in
	 * GB2312 from Chinese in GB2312, nor a short EUC-KR or EUC-JP
	 * word from GB2312: the characters each reading gives can. Each
	 * language's text reads as its frequent characters; a wrong
	 * reading gives rare ones. */
	hits[0] = FREQ(s, n, gb_common, false);
	hits[1] = FREQ(s, n, big5_common, false);
	hits[2] = FREQ(s, n, ko_common, false);
	hits[3] = FREQ(s, n, ja_common, false);
	hits[4] = FREQ(s, n, ja_common, true);
	for (size_t i = 0; i < n; i++)
		high += s[i] >= 0x80;
	for (size_t i = 0; i < NCJK; i++) {
		sc[i] = score(&cjks[i], s, n, &pairs[i]);
		/* Most of the pairs common, or it is no candidate. */
		if (sc[i] >= 0 &&
		    (pairs[i] == 0 || (size_t)sc[i] * 2 <= pairs[i]))
			sc[i] = -1;
		if (sc[i] >= 0 && hits[i] > best_hits)
			best_hits = hits[i];
	}
	/* KOI8-R Cyrillic under a Latin-1 label (or none) whose words have
	 * an even number of letters fits GB2312 too; unless the reading
	 * in a CJK charset gives mostly frequent characters, it is
	 * Russian. */
	if (koi8_words(s, n) && best_hits * 4 < high && k < max)
		labels[k++] = "KOI8-R";
	/* First the readings of mostly frequent characters, the most
	 * first; then the most pairs in common rows (a name's characters
	 * are seldom frequent: "李娜" is one frequent-looking pair of two
	 * in EUC-KR); on a tie the earlier in cjks[]. */
	while (k < max) {
		size_t best = NCJK;

		for (size_t i = 0; i < NCJK; i++)
			if (sc[i] >= 0 &&
			    (best == NCJK || before(hits, pairs, sc, i, best)))
				best = i;
		if (best == NCJK)
			break;
		labels[k++] = cjks[best].label;
		sc[best] = -1;
	}
	return k;
}
