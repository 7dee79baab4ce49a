/*
 * Carrier emoji in Shift_JIS mail from Japanese phones. Each carrier put
 * its pictographs in the CP932 user area (lead bytes F0-F9), which iconv
 * reads as private-use characters U+E000-U+E757: DoCoMo in F8 and F9,
 * KDDI (au) in F3, F4, F6 and F7, SoftBank in F7, F9 (and FB, which CP932
 * gives to IBM kanji). Unicode's EmojiSources.txt maps each carrier's
 * codes to Unicode emoji, one to one (charset_emoji.inc, written by
 * tests/gen/emoji_table.py).
 *
 * A code is mapped only when its carrier is certain: F8 is DoCoMo's
 * alone, F3, F4 and F6 are KDDI's alone. F9 is DoCoMo's or SoftBank's,
 * F7 KDDI's or SoftBank's: such a code is read as DoCoMo's or KDDI's when
 * the same text holds codes of that carrier alone and none of the other
 * (a message is written on one phone). Anything else stays U+FFFD.
 *
 * SoftBank's codes lie in F7 and F9, shared with the other two, and in
 * FB, where CP932 has IBM kanji. A text is SoftBank's when it holds no
 * code of DoCoMo's or KDDI's leads alone, nor a user-defined character
 * (F0-F2), every F7 and F9 code in it is one of SoftBank's, and either
 * one of them is SoftBank's alone (no other carrier has it in
 * EmojiSources.txt) or the text also holds SoftBank codes of lead FB.
 * SoftBank's phones also write emoji as 7-bit "webcodes", ESC "$" and a
 * page letter, then one character an emoji, then SI: page G is Shift_JIS
 * F941 on, E F741, F F7A1, O F9A1, P FB41, Q FBA1 (the character after
 * the page counts from "!"), which nothing else writes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "charset_int.h"

struct emoji {
	uint16_t sjis;
	char utf8[9]; /* a code point or a sequence (keycaps, flags) */
};

#include "charset_emoji.inc"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

static const char *lookup(const struct emoji *t, size_t n, uint16_t code);

/* Whether code is one of SoftBank's (in), and no other carrier's. */
static bool
softbank(uint16_t code, bool *alone)
{
	if (lookup(softbank_emoji, DIM(softbank_emoji), code) == NULL)
		return false;
	*alone = lookup(docomo_emoji, DIM(docomo_emoji), code) == NULL &&
		 lookup(kddi_emoji, DIM(kddi_emoji), code) == NULL;
	return true;
}

unsigned
charset_sjis_vendor(const unsigned char *s, size_t n)
{
	unsigned v = SJIS_TEXT;
	bool sb_all = true, sb_alone = false, sb_fb = false, shared = false;
	bool user = false;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		uint16_t code;
		bool alone = false;

		if (!((c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc)))
			continue;
		if (i + 1 >= n)
			break;
		code = (uint16_t)(c << 8 | s[i + 1]);
		if (c >= 0xf0 && c <= 0xf9)
			v |= SJIS_USER;
		if (c == 0xf8)
			v |= SJIS_DOCOMO;
		else if (c == 0xf3 || c == 0xf4 || c == 0xf6)
			v |= SJIS_KDDI;
		else if (c >= 0xf0 && c <= 0xf2)
			user = true;
		else if (c == 0xf7 || c == 0xf9) {
			shared = true;
			if (!softbank(code, &alone))
				sb_all = false;
			sb_alone |= alone;
		} else if (c == 0xfb && softbank(code, &alone))
			sb_fb = true;
		i++; /* the trail byte */
	}
	if (!(v & (SJIS_DOCOMO | SJIS_KDDI)) && !user && shared && sb_all &&
	    (sb_alone || sb_fb))
		v |= SJIS_SOFTBANK;
	return v;
}

static int
cmp_emoji(const void *key, const void *elem)
{
	uint16_t k = *(const uint16_t *)key;
	uint16_t e = ((const struct emoji *)elem)->sjis;

	return k < e ? -1 : k > e;
}

static const char *
lookup(const struct emoji *t, size_t n, uint16_t code)
{
	const struct emoji *e = bsearch(&code, t, n, sizeof *t, cmp_emoji);

	return e != NULL ? e->utf8 : NULL;
}

const char *
charset_emoji(uint32_t cp, unsigned vendor)
{
	bool docomo = (vendor & (SJIS_DOCOMO | SJIS_KDDI)) == SJIS_DOCOMO;
	bool kddi = (vendor & (SJIS_DOCOMO | SJIS_KDDI)) == SJIS_KDDI;
	uint32_t idx, t;
	unsigned lead;
	uint16_t code;

	if (!(vendor & SJIS_TEXT) || cp < 0xe000 || cp > 0xe757)
		return NULL;
	/* CP932's user area: 188 codes per lead byte, trail 40-7E, 80-FC. */
	idx = cp - 0xe000;
	lead = 0xf0 + idx / 188;
	t = idx % 188;
	code = (uint16_t)(lead << 8 | (0x40 + t + (t >= 0x3f)));
	if (vendor & SJIS_SOFTBANK) {
		/* Lead FB moved to F0 by charset_softbank_fb(). */
		if (lead == 0xf0)
			code = (uint16_t)(0xfb00 | (code & 0xff));
		return lead == 0xf0 || lead == 0xf7 || lead == 0xf9
			   ? lookup(softbank_emoji, DIM(softbank_emoji), code)
			   : NULL;
	}
	if (lead == 0xf8 || (lead == 0xf9 && docomo))
		return lookup(docomo_emoji, DIM(docomo_emoji), code);
	if (lead == 0xf3 || lead == 0xf4 || lead == 0xf6 ||
	    (lead == 0xf7 && kddi))
		return lookup(kddi_emoji, DIM(kddi_emoji), code);
	return NULL;
}

unsigned char *
charset_softbank_fb(const unsigned char *s, size_t n)
{
	unsigned char *r = malloc(n > 0 ? n : 1);
	bool alone;

	if (r == NULL)
		return NULL;
	memcpy(r, s, n);
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned char c = r[i];

		if (!((c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc)))
			continue;
		if (c == 0xfb &&
		    softbank((uint16_t)(c << 8 | r[i + 1]), &alone))
			r[i] = 0xf0;
		i++;
	}
	return r;
}

/* Codes in one webcode escape. */
#define WEBCODE_MAX 64

size_t
charset_webcode(const unsigned char *s, size_t n, struct buf *out,
		enum ma_status *stp)
{
	static const char pages[] = "GEFOPQ";
	static const uint16_t first[] = {0xf941, 0xf741, 0xf7a1,
					 0xf9a1, 0xfb41, 0xfba1};
	const char *page;
	const char *e[WEBCODE_MAX];
	size_t k = 0, i;

	*stp = MA_OK;
	if (n < 5 || s[0] != 0x1b || s[1] != '$' || s[2] == '\0' ||
	    (page = strchr(pages, s[2])) == NULL)
		return 0;
	for (i = 3; i < n && s[i] != 0x0f; i++) {
		uint16_t code = first[page - pages];
		unsigned idx = (unsigned)s[i] - 0x21u;

		/* The trail counts on from the first, past 7F as Shift_JIS
		 * does. */
		if (s[i] < 0x21 || s[i] > 0x7e || k == WEBCODE_MAX)
			return 0;
		code = (uint16_t)(code + idx);
		if ((code & 0xff) >= 0x7f &&
		    (first[page - pages] & 0xff) < 0x7f)
			code++;
		if ((e[k++] = lookup(softbank_emoji, DIM(softbank_emoji),
				     code)) == NULL)
			return 0;
	}
	if (i >= n || k == 0)
		return 0;
	for (size_t j = 0; j < k && *stp == MA_OK; j++)
		*stp = buf_adds(out, e[j]);
	return i + 1;
}
