#ifndef MA_MIME_INT_H
#define MA_MIME_INT_H

/*
 * Private to the mime family (mime.c, mime_addr.c, mime_att.c,
 * mime_fname.c, mime_extra.c, mime_hooks.c, mime_report.c, mime_tnef.c,
 * mime_rtf.c, mime_uu.c, mime_yenc.c):
 * what one of its files calls in another. The rest of the tree uses mime.h.
 */
#include <gmime/gmime.h>

#include "buf.h"
#include "mime.h"

/* One line of a text: [p, p + n), without its line end. */
struct mime_line {
	const unsigned char *p;
	size_t n;
};

/*
 * mime_next_line - the line that starts at *pos in s[0..len) into *l,
 * without its LF or CRLF, and *pos moved past it; false at the end.
 */
bool mime_next_line(const unsigned char *s, size_t len, size_t *pos,
		    struct mime_line *l);

/*
 * mime_addrs_get - the mailboxes of list (groups flattened) into *ap,
 * malloc'd (free with mime_addrs_free()); list NULL gives none. MA_ENOMEM.
 */
enum ma_status mime_addrs_get(InternetAddressList *list, struct mime_addr **ap,
			      size_t *np);

/*
 * mime_source_memory - name the message in memory that mime_parse() is
 * about to parse (NULL when done), for the header fields gmime cut at a
 * NUL byte (as mime_index_source() does for a file). data is borrowed.
 */
void mime_source_memory(const void *data, size_t len);

/*
 * mime_raw_filename - the file name of obj read again from its raw
 * Content-Disposition filename= (else Content-Type name=) when that holds
 * 8-bit bytes or an ESC (mime_fname.c): decoded as charset_decode_header()
 * with fallback (the charset of the message's text, may be NULL); or,
 * when given in RFC 2231 sections (filename*0*=...), those put together
 * in the order of their numbers. malloc'd; NULL when gmime's reading
 * stands (or on no memory).
 */
char *mime_raw_filename(GMimeObject *obj, const char *fallback);

/*
 * mime_unbounded - for a multipart obj that has no boundary parameter and
 * so no parts (gmime reads its body as the prologue): that body parsed
 * again with the boundary its first "--" line gives, else as text/plain
 * (mime_unbounded.c). Owned by obj, released with it; NULL when obj has
 * a boundary, parts, a blank body, or gmime cannot read it.
 */
GMimeObject *mime_unbounded(GMimeObject *obj);

/*
 * mime_uu_extract - the files uuencoded into m's text body (not HTML)
 * taken out as attachments (mime_uu.c): each block from "begin MODE
 * NAME" to "end" that decodes cleanly becomes an attachment NAME and, in
 * the text, the line "[file NAME: attached]". Anything else is left as
 * it was. MA_ENOMEM.
 */
enum ma_status mime_uu_extract(struct mime_msg *m);

/*
 * mime_att_new - room for one more attachment of m, zeroed; it counts
 * (m->natt) only once mime_att_end() says so. NULL: out of memory.
 */
struct mime_att *mime_att_new(struct mime_msg *m);

/*
 * mime_att_name - a file name as shown: name itself when it is UTF-8,
 * else its bytes read in charset cs (NULL or UTF-8: windows-1252).
 * malloc'd; NULL on no memory.
 */
char *mime_att_name(const char *name, const char *cs);

/*
 * mime_att_end - the attachment a filled with status st: on MA_OK its
 * name made UTF-8 (mime_att_name()) and its data's hash, and it counts;
 * otherwise (or if that fails) what it holds is freed and the status
 * returned.
 */
enum ma_status mime_att_end(struct mime_msg *m, struct mime_att *a,
			    enum ma_status st);

/*
 * mime_att_file - a file found inside a part (uuencoded or yEnc in a
 * text, inside a winmail.dat) added to m as an attachment NAME (copied;
 * "" gives none), its type guessed from the name and the bytes; data's
 * bytes are taken (data is left empty). MA_ENOMEM.
 */
enum ma_status mime_att_file(struct mime_msg *m, const char *name,
			     struct buf *data);

/*
 * mime_yenc_extract - the files yEnc-encoded into the raw (not yet
 * charset-decoded) text raw[0..*np) of a text/plain part taken out as
 * attachments of m (mime_yenc.c): each block from "=ybegin ... name=NAME"
 * to "=yend" whose size (and CRC-32, when given) checks becomes an
 * attachment NAME (decoded with charset cs, may be NULL) and, in the
 * text, the line "[file NAME: attached]"; *rawp is then a new malloc'd
 * text (the old one freed). Anything else is left as it was. MA_ENOMEM.
 */
enum ma_status mime_yenc_extract(struct mime_msg *m, const char *cs,
				 unsigned char **rawp, size_t *np);

/*
 * mime_tnef_extract - the files inside each TNEF attachment of m
 * (winmail.dat) added as attachments after it, and its text (attBody)
 * as m's body when m has none (mime_tnef.c). A damaged stream gives what
 * was read whole before the damage. MA_ENOMEM.
 */
enum ma_status mime_tnef_extract(struct mime_msg *m);

/*
 * mime_tnef_text - the text (attBody, else PR_BODY, else with rtf its
 * compressed RTF: Outlook sends that beside a text part as a copy) of the
 * TNEF stream data[0..n), as UTF-8; malloc'd, NULL when it has none (or
 * on no memory).
 */
char *mime_tnef_text(const void *data, size_t n, bool rtf);

/*
 * mime_rtf_text - the text of Outlook's compressed RTF data[0..n)
 * (PR_RTF_COMPRESSED, [MS-OXRTFCP]) as UTF-8 (mime_rtf.c); malloc'd, NULL
 * when it is none, blank, or on no memory.
 */
char *mime_rtf_text(const void *data, size_t n);

/*
 * mime_extra_text - the text of multipart mp that gmime gives no part:
 * a multipart/digest's preamble, or the text inside its winmail.dat
 * child (mime_extra.c), as one text/plain part owned by mp; NULL when
 * there is none. For the indexing process (mime_hooks.c).
 */
GMimeObject *mime_extra_text(GMimeMultipart *mp);

/*
 * mime_report_append - the text of each report part of parts[0..nparts)
 * (message/delivery-status, message/disposition-notification and their
 * global forms, not marked attachments) appended to m's body under a
 * line naming it, or in a <pre> after an HTML body; a message with no
 * text gets it as its body (mime_report.c). The parts stay attachments.
 * MA_ENOMEM.
 */
enum ma_status mime_report_append(struct mime_msg *m, GMimeObject **parts,
				  size_t nparts);

/*
 * mime_body_append - text[0..len) appended to m's body under a line
 * naming it (title), or in a <pre> after an HTML body, as
 * mime_report_append() shows a report; the body of a message with none
 * (mime_report.c). MA_ENOMEM, m unchanged.
 */
enum ma_status mime_body_append(struct mime_msg *m, const char *title,
				const char *text, size_t len);

/*
 * mime_lost_text - whether the header of the message p[0..n) is followed
 * by lines that are no header field, with no field after them before the
 * blank line or the end (mime_lost.c): then *lostp is where the first of
 * them starts, *endp where the header ends (the blank line, or n), *bodyp
 * where gmime starts the body.
 */
bool mime_lost_text(const unsigned char *p, size_t n, size_t *lostp,
		    size_t *endp, size_t *bodyp);

/*
 * mime_lost_stream - stream (read from its start, and rewound) with a line
 * end put before those lines, for gmime to read them as the body; NULL
 * when there are none or it cannot be read again. The new stream holds
 * references to stream; the caller drops it.
 */
GMimeStream *mime_lost_stream(GMimeStream *stream);

/*
 * mime_lost_write - in the indexing process, those lines of the file path
 * written to out when w is the content of the message's top part (which
 * starts where the header ends), so that search finds the text the page
 * shows: the bytes written, 0 when none, -1 on a write error.
 */
ssize_t mime_lost_write(const char *path, GMimeDataWrapper *w,
			GMimeStream *out);

/*
 * mime_source_read - up to max bytes of the message being parsed (the
 * file libnotmuch indexes, or the one mime_open() or mime_parse() reads)
 * from offset off into buf (mime_source.c): the bytes read, 0 when there
 * is no such source or off is outside it.
 */
size_t mime_source_read(gint64 off, unsigned char *buf, size_t max);

/*
 * mime_source_view - the bytes of the message being parsed from offset
 * off, up to max of them, without a copy: a pointer into the message in
 * memory or into the file's first bytes (read once per file), *np bytes
 * (fewer than max only where the source ends). NULL when those bytes are
 * not held (no source, or a file's range past its first 64 KiB): read
 * them with mime_source_read().
 */
const unsigned char *mime_source_view(gint64 off, size_t max, size_t *np);

/*
 * mime_source_known - whether a source is named (a file or memory).
 * mime_source_path - the file named by mime_index_source(), or NULL.
 */
bool mime_source_known(void);
const char *mime_source_path(void);

/*
 * mime_fold_scan - for the header field that starts at p[0] (n bytes of
 * the source from there): 1 when lines that gmime drops (no field, no
 * leading blank) follow it and then another field: *endp is where the
 * field ends, *brokenp where those lines end (mime_fold.c); 0 when not;
 * -1 when the n bytes end before that is known.
 */
int mime_fold_scan(const unsigned char *p, size_t n, size_t *endp,
		   size_t *brokenp);

/*
 * mime_fold_append - the lines p[0..n) appended to out as continuation
 * lines: a space put before each that starts without a blank.
 * MA_ENOMEM or MA_ETOOBIG from out.
 */
enum ma_status mime_fold_append(struct buf *out, const unsigned char *p,
				size_t n);

/*
 * mime_fold_join - called for each header h as gmime's parser adds it,
 * before gmime reads its value: the lines after it in the source that
 * gmime drops (a broken fold) become part of its raw value, as
 * continuation lines. The Message-ID is left alone (mime_fold.c).
 */
void mime_fold_join(GMimeHeader *h);

/* The keys under which leaf_parts() (mime.c) keeps a part's multipart,
 * marks the parts read from another stream (mime_unbounded()) and a
 * multipart/related's resources (mime_related_root_first()). */
#define MIME_PARENT_KEY	  "mailarc-parent"
#define MIME_REPARSED_KEY "mailarc-reparsed"
#define MIME_RESOURCE_KEY "mailarc-resource"

/*
 * mime_rfc822_bytes - the bytes of message/rfc822 part obj as they are in
 * src, the stream its message was parsed from (mime_rfc822.c): from the
 * end of the part's header to the next boundary line of the multiparts
 * around it (leaf_parts() noted them), or to the end. *pp malloc'd (*np
 * bytes). MA_EDATA when they cannot be told (the caller writes gmime's
 * form then), MA_ETOOBIG, MA_ENOMEM.
 */
enum ma_status mime_rfc822_bytes(GMimeObject *obj, GMimeStream *src,
				 unsigned char **pp, size_t *np);

/* What a leaf part is to a reader: plain text, HTML, or other. */
enum part_kind { PART_OTHER, PART_PLAIN, PART_HTML };

/*
 * mime_content_bytes - obj (a part's decoded content, or a whole
 * message) written to memory: *pp malloc'd (*np bytes). MA_EDATA when
 * gmime cannot write it, MA_ENOMEM (mime_part.c).
 */
enum ma_status mime_content_bytes(GMimeObject *obj, unsigned char **pp,
				  size_t *np);

/*
 * mime_part_kind - what leaf part obj is to a reader: text/plain (or a
 * Content-Type that cannot be read: RFC 2045 5.2), text/html, or other.
 */
enum part_kind mime_part_kind(GMimeObject *obj);

/*
 * mime_part_bytes_text - the text of a plain part gmime did not take as
 * text (its type was invalid): the decoded bytes in UTF-8, read in the
 * charset it names (else as charset.c guesses). *textp malloc'd (*lenp
 * bytes). MA_ENOMEM, MA_EDATA.
 */
enum ma_status mime_part_bytes_text(GMimeObject *obj, char **textp,
				    size_t *lenp);

/*
 * mime_part_text - the text of text part obj in UTF-8, charset decoded
 * and flowed undone. files non-NULL: the files yEnc-encoded in a
 * text/plain part are taken out as its attachments (mime_yenc_extract()).
 * *textp malloc'd (*lenp bytes). MA_ENOMEM, MA_EDATA.
 */
enum ma_status mime_part_text(GMimeObject *obj, struct mime_msg *files,
			      char **textp, size_t *lenp);

/*
 * mime_invalid_type - called as each header h is added to obj: a part
 * whose Content-Type cannot be read ("text; charset=koi8-r") is
 * text/plain (RFC 2045 5.2), but gmime drops its parameters, so search
 * read its text without its charset. Its type is set to text/plain with
 * the parameters as written, for the page and the index alike
 * (mime_part.c).
 */
void mime_invalid_type(GMimeObject *obj, GMimeHeader *h);

/*
 * mime_raw_param - the value of parameter name in the raw field value raw
 * (a Content-Type or Content-Disposition as written), quotes and
 * backslash escapes removed, malloc'd; NULL when absent, RFC 2231
 * encoded (name*=), or on no memory (mime_fname.c).
 */
char *mime_raw_param(const char *raw, const char *name);

/*
 * mime_body_holds - whether m's body shows text[0..n) already, white space
 * aside: Outlook's winmail.dat often holds the text/plain part's text
 * again, with other line ends or wrapping (mime_extra.c). On no memory,
 * true (nothing is to be added).
 */
bool mime_body_holds(const struct mime_msg *m, const char *text, size_t n);

/*
 * mime_extra_append - the text of each multipart of msg (not inside the
 * messages it carries) that libnotmuch is shown by mime_extra_text() (a
 * digest's preamble, the text inside a winmail.dat) appended to m's body
 * (mime_body_append()) unless the body holds it already: the page shows
 * what search finds (mime_extra.c). MA_ENOMEM.
 */
enum ma_status mime_extra_append(struct mime_msg *m, GMimeMessage *msg);

/*
 * mime_decode_end_init - from mime_init(), once: the bytes gmime's
 * decoding filter holds when a part's content ends (an unpadded base64
 * quantum, a quoted-printable "=X") are written out, not dropped
 * (mime_decode_end.c).
 */
void mime_decode_end_init(void);

/*
 * mime_related_root_first - obj is a multipart whose count children
 * leaf_parts() has just pushed on todo (the first on top): when it is a
 * multipart/related whose "start" names another child, that child goes
 * on top, to be visited first; when its root (on top now) is a text or
 * a multipart, every other child gets MIME_RESOURCE_KEY, which
 * leaf_parts() hands down to their parts: none is the body
 * (mime_related.c).
 */
void mime_related_root_first(GMimeObject *obj, GPtrArray *todo, int count);

/*
 * mime_html_visible - an HTML body of m that shows a reader nothing
 * (html_shows_text()) replaced by the text of plain, its text/plain
 * alternative (NULL if none) when that has text, else by the text the
 * HTML hides (html_hidden_text()), "" when none (mime_html.c). MA_ENOMEM.
 */
enum ma_status mime_html_visible(struct mime_msg *m, GMimeObject *plain);

#endif
