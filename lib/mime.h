#ifndef MA_MIME_H
#define MA_MIME_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

/*
 * A message taken apart for display, with gmime: headers decoded (RFC
 * 2047), the body chosen and decoded to UTF-8 from its charset, format=
 * flowed undone (RFC 3676), and the other parts as attachments with their
 * decoded content and SHA-256. A message without text of its own that
 * carries messages (message/rfc822, a digest) has their texts as its
 * body, each under a "----- Attached message -----" line with its From
 * and Subject; such a message without a file name is named SUBJECT.eml.
 * A report's status part (a bounce's message/delivery-status, a read
 * receipt's message/disposition-notification, a bounce's
 * text/rfc822-headers) is shown after the body as well as listed as a
 * file, and so is the text search finds that gmime gives no part (a
 * digest's preamble, the text inside a winmail.dat). Files uuencoded or
 * yEnc-encoded into a text body are attachments, the text saying
 * "[file NAME: attached]" in their place. An HTML body that shows a
 * reader nothing (its text all inside an <iframe> left open, a <title>,
 * a <noscript>) gives way to its text/plain alternative, else to the
 * text it hides as plain text (mime_html.c), and the page says so.
 * Everything here is owned by the mime_msg. Text may still hold invalid UTF-8
 * from a lying charset label: it reaches HTML only through html_escape(), which
 * repairs it.
 */

struct mime_addr {
	char *name; /* display name, "" if none */
	char *addr; /* "user@host", "" for an empty group */
};

struct mime_att {
	char *filename;	     /* decoded (RFC 2231 / 2047); NULL when none */
	char *type;	     /* "image/png", lower case */
	char *cid;	     /* Content-ID without <>, or NULL */
	unsigned char *data; /* decoded content */
	size_t size;
	char sha256[65]; /* hex of data */
};

struct mime_msg {
	char *subject; /* "" when none */
	struct mime_addr *from, *to, *cc;
	char *from_text;   /* the From header decoded (RFC 2047), "" if none:
			      shown when it holds no usable address */
	bool from_partial; /* from leaves out words of from_text
			      (mime_addrs_cover()): show from_text */
	size_t nfrom, nto, ncc;
	char *body; /* UTF-8 text or HTML; "" when the message has none */
	size_t body_len;
	bool body_html;	      /* body is HTML (to be sanitised) */
	bool has_alternative; /* the other of text/HTML exists too */
	bool html_blank;      /* the HTML body showed nothing: body is its
				 text/plain alternative or the text it
				 hides, as plain text (mime_html.c) */
	struct mime_att *att;
	size_t natt;
	size_t parts_hidden; /* leaf parts past the caps: neither body nor
				attachment (the raw message has them) */
};

/*
 * mime_init - set up gmime once per process (idempotent), with our own
 * decoding of Subject and address headers (charset.h) in every message
 * gmime parses in this process, libnotmuch's included.
 */
void mime_init(void);

/*
 * mime_init_indexing - mime_init(), and in addition NUL bytes in the
 * decoded content of parts written as spaces, so that libnotmuch indexes
 * the text after them, and bytes a part's charset has no character for
 * converted to U+FFFD instead of dropped, so that the words on both
 * sides stay apart. Only for a process that indexes: the content of
 * attachments written in it changes.
 */
void mime_init_indexing(void);

/*
 * mime_index_source - name the file libnotmuch is about to index (NULL
 * when done): gmime ends a header value at a raw NUL byte, so a Subject
 * holding one is read again from the file, the NUL shown as U+FFFD.
 */
void mime_index_source(const char *path);

/*
 * mime_open - parse the message file at path. prefer_html picks the HTML
 * part of a message that has both. MA_EDATA (logged, naming path) when it
 * is not a message; MA_EIO when it cannot be read. *mp is freed with
 * mime_free().
 */
enum ma_status mime_open(const char *path, bool prefer_html,
			 struct mime_msg **mp);

/* mime_parse - as mime_open(), for a message in memory (copied); what
 * names it in messages. */
enum ma_status mime_parse(const void *data, size_t len, const char *what,
			  bool prefer_html, struct mime_msg **mp);

void mime_free(struct mime_msg *m);

/*
 * mime_unflow - RFC 3676 decoding of text[0..n): soft line breaks joined
 * (quote depth respected, space-stuffing removed, DelSp honoured). Returns
 * a malloc'd NUL-terminated string (length in *outlen) or NULL on ENOMEM.
 */
char *mime_unflow(const char *text, size_t n, bool delsp, size_t *outlen);

/*
 * mime_parse_addrs - the mailboxes of an address header's decoded text
 * (as notmuch stores From), groups flattened. Free with mime_addrs_free().
 */
enum ma_status mime_parse_addrs(const char *header, struct mime_addr **ap,
				size_t *np);
void mime_addrs_free(struct mime_addr *a, size_t n);

/*
 * mime_addrs_cover - whether each word of an address header's decoded
 * text (a run of letters and digits) is in a name or an address of
 * a[0..n), the mailboxes parsed from it. Not when the parser skipped
 * words: an address it cannot read ("Jean <jean@@bad>, Marie
 * <marie@example.org>" gives Marie alone), the line a broken fold joined
 * after it, a comment. A page then shows the text as written.
 */
bool mime_addrs_cover(const char *text, const struct mime_addr *a, size_t n);

/*
 * mime_header_has_addr - *hitp is true when one of the address fields
 * From, Sender, Reply-To, To, Cc, Bcc, Delivered-To (any occurrence) of
 * the header block hdr[0..len) (the lines before the first empty line)
 * names the mailbox addr: compared without regard to ASCII case, display
 * names and comments ignored, groups flattened. MA_EDATA when gmime
 * cannot take the block as a message header (not logged).
 */
enum ma_status mime_header_has_addr(const char *hdr, size_t len,
				    const char *addr, bool *hitp);

#endif
