/* Private to lib/html*.c. */
#ifndef MA_HTML_INT_H
#define MA_HTML_INT_H

#include <stddef.h>

#include "buf.h"
#include "status.h"

/*
 * The bidi embeddings, overrides and isolates that a piece of mail text
 * opens and does not close (UAX #9 BD9), tracked by html_escape() so
 * that it closes them at the end of the text (html_bidi.c). Zeroed to
 * start. Nesting past UAX #9's limit of 125 is counted, not kept.
 */
#define HTML_BIDI_MAX 125

struct html_bidi {
	char open[HTML_BIDI_MAX]; /* 'e' embedding or override, 'i' isolate */
	size_t n, over;		  /* open, and pushes past the limit */
};

/* html_bidi_track - the effect of the 3-byte character at p (lead byte
 * E2) on bd; other characters leave it as it was. */
void html_bidi_track(struct html_bidi *bd, const unsigned char *p);

/* html_bidi_close - append to b the closers of what bd holds open,
 * innermost first (PDF, PDI). MA_ETOOBIG when b is full. */
enum ma_status html_bidi_close(const struct html_bidi *bd, struct buf *b);

#endif
