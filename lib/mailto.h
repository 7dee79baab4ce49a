#ifndef MA_MAILTO_H
#define MA_MAILTO_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "status.h"

/*
 * mailto: URLs (RFC 6068) for replying to an archived message, and the
 * header values they carry. Header values are unfolded (CR and LF
 * dropped, the white space after them kept) and then percent-encoded
 * byte by byte: every byte but the unreserved ones of RFC 3986 (letters,
 * digits, "-", ".", "_", "~") is written "%XX", so "&", "?", "#", "%",
 * "=", "+", quotes and UTF-8 text decode back exactly.
 */

/* mailto_encode - append s percent-encoded; addr: keep "@" (an address
 * in the URL's path). */
enum ma_status mailto_encode(struct buf *b, const char *s, bool addr);

/*
 * mailto_subject - "Re: " and subject unfolded, or the subject as it is
 * when it starts with "Re:" already (any case). malloc'd; NULL: no memory.
 */
char *mailto_subject(const char *subject);

/*
 * mailto_references - the Message-IDs of refs (a References header, may
 * be NULL) and then <msgid>, one space apart; at most the first and the
 * last 19 of refs are kept (RFC 5322 3.6.4 allows trimming). malloc'd;
 * NULL: no memory.
 */
char *mailto_references(const char *refs, const char *msgid);

struct mailto_reply {
	const char *const *to; /* addresses "user@host" */
	size_t nto;
	const char *cc;		 /* or NULL */
	const char *subject;	 /* the reply's, from mailto_subject() */
	const char *in_reply_to; /* "<id>" */
	const char *references;	 /* from mailto_references() */
};

/*
 * mailto_url - append "mailto:TO,TO?Cc=..&In-Reply-To=..&References=..
 * &Subject=.." (header names as RFC 6068 writes them; raw: escape it
 * for HTML). MA_ETOOBIG at b's cap.
 */
enum ma_status mailto_url(struct buf *b, const struct mailto_reply *m);

#endif
