/*
 * The download of a message attached as message/rfc822: the part's bytes
 * as archived. gmime parses such a part into a GMimeMessage, and writing
 * that back gives gmime's rewrite of it (headers refolded, a broken fold
 * dropped, line ends and the end of multiparts redone), not what the
 * sender attached. The bytes are read again from the stream the message
 * was parsed from: from the blank line after the part's own header to
 * the line end before the next boundary line of a multipart around it
 * (RFC 2046 5.1.1: that line end belongs to the boundary), or to the end
 * of the stream when no multipart is around it. A message/rfc822 part
 * with a transfer encoding (base64, quoted-printable) is an opaque part
 * to gmime and is decoded as any part is (mime_part.c).
 */
#include <stdlib.h>
#include <string.h>

#include "mime_int.h"

/* The most a downloaded message holds (a message file's cap). */
#define RFC822_MAX ((size_t)1 << 30)
/* Bytes read from the stream at a time. */
#define RFC822_CHUNK 65536

/* The boundaries of the multiparts around a part, innermost first. */
struct bounds {
	const char *b[64];
	size_t len[64];
	size_t n;
};

/* Whether line p[0..n) (its line end excluded) is a boundary line of one
 * of bs: "--" BOUNDARY, then "--" or not, then only blanks. */
static bool
boundary_line(const struct bounds *bs, const unsigned char *p, size_t n)
{
	if (n < 2 || p[0] != '-' || p[1] != '-')
		return false;
	for (size_t k = 0; k < bs->n; k++) {
		size_t i = 2 + bs->len[k];

		if (n < i || memcmp(p + 2, bs->b[k], bs->len[k]) != 0)
			continue;
		if (n >= i + 2 && p[i] == '-' && p[i + 1] == '-')
			i += 2;
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

/* b cut where the boundary line at line starts, with the line end before
 * it, which belongs to the boundary. */
static void
cut_at(struct buf *b, size_t line)
{
	b->len = line;
	if (b->len > 0 && b->data[b->len - 1] == '\n')
		b->len--;
	if (b->len > 0 && b->data[b->len - 1] == '\r')
		b->len--;
	if (b->data != NULL)
		b->data[b->len] = '\0';
}

/*
 * Read src from off into b up to the end of what we look for: with
 * header set, through the blank line that ends a header (b then holds
 * the header); else up to a boundary line of bs (b holds the content,
 * the boundary's line end dropped) or the end. MA_EDATA when a header
 * has no end, MA_ETOOBIG, MA_ENOMEM.
 */
static enum ma_status
read_to(GMimeStream *src, gint64 off, bool header, const struct bounds *bs,
	struct buf *b)
{
	unsigned char *chunk = malloc(RFC822_CHUNK);
	size_t line = 0; /* where the line being read starts in b */
	enum ma_status st = MA_OK;
	ssize_t got;

	if (chunk == NULL)
		return MA_ENOMEM;
	if (g_mime_stream_seek(src, off, GMIME_STREAM_SEEK_SET) != off) {
		free(chunk);
		return MA_EDATA;
	}
	while (st == MA_OK && (got = g_mime_stream_read(src, (char *)chunk,
							RFC822_CHUNK)) > 0) {
		for (ssize_t i = 0; i < got && st == MA_OK; i++) {
			const unsigned char *p;
			size_t n;

			if ((st = buf_addc(b, (char)chunk[i])) != MA_OK ||
			    chunk[i] != '\n')
				continue;
			p = (const unsigned char *)b->data + line;
			n = b->len - line - 1;
			if (n > 0 && p[n - 1] == '\r')
				n--;
			if (header && n == 0) {
				free(chunk);
				return MA_OK;
			}
			if (!header && boundary_line(bs, p, n)) {
				cut_at(b, line);
				free(chunk);
				return MA_OK;
			}
			line = b->len;
		}
	}
	free(chunk);
	if (st != MA_OK)
		return st;
	/* The end of the stream: a header never ended, a content did (a
	 * last line without its line end is checked as the others). */
	if (header)
		return MA_EDATA;
	if (line < b->len &&
	    boundary_line(bs, (unsigned char *)b->data + line, b->len - line))
		cut_at(b, line);
	return MA_OK;
}

/* The offset where the content of message part obj starts; -1 when it
 * cannot be told. */
static gint64
content_start(GMimeObject *obj, GMimeStream *src)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	GMimeMessage *inner;
	gint64 off = -1;
	struct buf b;

	if (hl != NULL && g_mime_header_list_get_count(hl) > 0)
		off = g_mime_header_get_offset(
		    g_mime_header_list_get_header_at(hl, 0));
	if (off >= 0) {
		buf_init(&b, RFC822_MAX);
		if (read_to(src, off, true, NULL, &b) == MA_OK)
			off += (gint64)b.len;
		else
			off = -1;
		buf_release(&b);
		return off;
	}
	/* No header of its own (a digest's part): the message's first. */
	inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
	hl = inner != NULL ? g_mime_object_get_header_list(GMIME_OBJECT(inner))
			   : NULL;
	if (hl != NULL && g_mime_header_list_get_count(hl) > 0)
		return g_mime_header_get_offset(
		    g_mime_header_list_get_header_at(hl, 0));
	return -1;
}

enum ma_status
mime_rfc822_bytes(GMimeObject *obj, GMimeStream *src, unsigned char **pp,
		  size_t *np)
{
	struct bounds bs = {.n = 0};
	struct buf b;
	enum ma_status st;
	gint64 start;

	if (src == NULL || !GMIME_IS_MESSAGE_PART(obj) ||
	    g_object_get_data(G_OBJECT(obj), MIME_REPARSED_KEY) != NULL ||
	    (start = content_start(obj, src)) < 0)
		return MA_EDATA;
	for (GObject *o = g_object_get_data(G_OBJECT(obj), MIME_PARENT_KEY);
	     o != NULL && bs.n < sizeof bs.b / sizeof bs.b[0];
	     o = g_object_get_data(o, MIME_PARENT_KEY)) {
		const char *bd =
		    g_mime_multipart_get_boundary(GMIME_MULTIPART(o));

		if (bd != NULL && bd[0] != '\0') {
			bs.b[bs.n] = bd;
			bs.len[bs.n++] = strlen(bd);
		}
	}
	buf_init(&b, RFC822_MAX);
	st = read_to(src, start, false, &bs, &b);
	if (st == MA_OK) {
		*np = b.len;
		*pp = b.len > 0 ? (unsigned char *)buf_steal(&b) : malloc(1);
		if (*pp == NULL)
			st = MA_ENOMEM;
	}
	buf_release(&b);
	return st;
}
