/*
 * Bidi controls in mail text (html_int.h): an unterminated RLO in a
 * sender's name reversed the address the page prints after it
 * ("Mallory <gro.elpmaxe@idib>"). html_escape() closes the embeddings,
 * overrides and isolates a piece of mail text leaves open, so that each
 * piece is self-contained; text without them is unchanged.
 */
#include "html_int.h"

void
html_bidi_track(struct html_bidi *bd, const unsigned char *p)
{
	unsigned cp = 0x2000 | (unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);

	if ((cp >= 0x202a && cp <= 0x202e && cp != 0x202c) ||
	    (cp >= 0x2066 && cp <= 0x2068)) {
		/* LRE, RLE, LRO, RLO; LRI, RLI, FSI */
		if (bd->n < HTML_BIDI_MAX)
			bd->open[bd->n++] = cp >= 0x2066 ? 'i' : 'e';
		else
			bd->over++;
	} else if (cp == 0x202c) {
		/* PDF: the last embedding, not past an isolate. */
		if (bd->over > 0)
			bd->over--;
		else if (bd->n > 0 && bd->open[bd->n - 1] == 'e')
			bd->n--;
	} else if (cp == 0x2069) {
		/* PDI: the last isolate and all opened after it. */
		size_t k = bd->n;

		bd->over = 0;
		while (k > 0 && bd->open[k - 1] != 'i')
			k--;
		if (k > 0)
			bd->n = k - 1;
	}
}

enum ma_status
html_bidi_close(const struct html_bidi *bd, struct buf *b)
{
	enum ma_status st = MA_OK;

	for (size_t k = bd->n; k > 0 && st == MA_OK; k--)
		st = buf_add(
		    b, bd->open[k - 1] == 'i' ? "\xe2\x81\xa9" : "\xe2\x80\xac",
		    3);
	return st;
}
