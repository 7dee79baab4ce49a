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
 */
#include <stdint.h>
#include <stdlib.h>

#include "charset_int.h"

struct emoji {
	uint16_t sjis;
	char utf8[9]; /* a code point or a sequence (keycaps, flags) */
};

#include "charset_emoji.inc"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

unsigned
charset_sjis_vendor(const unsigned char *s, size_t n)
{
	unsigned v = SJIS_TEXT;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (!((c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc)))
			continue;
		if (i + 1 >= n)
			break;
		if (c >= 0xf0 && c <= 0xf9)
			v |= SJIS_USER;
		if (c == 0xf8)
			v |= SJIS_DOCOMO;
		else if (c == 0xf3 || c == 0xf4 || c == 0xf6)
			v |= SJIS_KDDI;
		i++; /* the trail byte */
	}
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
	if (lead == 0xf8 || (lead == 0xf9 && docomo))
		return lookup(docomo_emoji, DIM(docomo_emoji), code);
	if (lead == 0xf3 || lead == 0xf4 || lead == 0xf6 ||
	    (lead == 0xf7 && kddi))
		return lookup(kddi_emoji, DIM(kddi_emoji), code);
	return NULL;
}
