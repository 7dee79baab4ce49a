/*
 * The mime family is where gmime is used for display: this file takes a
 * message apart for its page (mime.h), mime_hooks.c fixes gmime's header
 * decoding for the whole process, mime_addr.c reads address lists; they
 * share mime_int.h. Parts are walked with an explicit stack (no recursion
 * on mail data); a message nested as message/rfc822 is one attachment,
 * named by its subject, not walked into, except that a message with no
 * text of its own is shown with the text of the messages it carries.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "charset.h"
#include "hash.h"
#include "log.h"
#include "mime.h"
#include "mime_int.h"
#include "smime.h"

/* Nesting of multiparts we follow; deeper parts are ignored. */
#define MIME_MAX_DEPTH 64
/* Parts we look at in one message. */
#define MIME_MAX_PARTS 1000
/* Attached messages whose text is shown for a message without its own. */
#define MIME_MAX_INNER 20
/* Inline text parts shown after the body (inline_texts()), at most. */
#define MIME_MAX_INLINE 16

void
mime_free(struct mime_msg *m)
{
	if (m == NULL)
		return;
	free(m->subject);
	free(m->from_text);
	mime_addrs_free(m->from, m->nfrom);
	mime_addrs_free(m->to, m->nto);
	mime_addrs_free(m->cc, m->ncc);
	free(m->body);
	for (size_t i = 0; i < m->natt; i++) {
		free(m->att[i].filename);
		free(m->att[i].type);
		free(m->att[i].cid);
		free(m->att[i].data);
	}
	free(m->att);
	free(m);
}

static char *
lower_mime_type(GMimeContentType *ct)
{
	char *t = g_mime_content_type_get_mime_type(ct), *r;

	if (t == NULL)
		return strdup("application/octet-stream");
	for (char *p = t; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	r = strdup(t);
	g_free(t);
	return r;
}

/* Bytes of a subject a nested message's file name keeps. */
#define MIME_INNER_NAME_MAX 100

/*
 * The file name of a message nested as message/rfc822 that has none of
 * its own: its subject (path separators and control bytes as '_', cut
 * at a character boundary) and ".eml"; NULL when the subject is blank.
 */
static char *
inner_filename(GMimeMessage *inner)
{
	const char *subj =
	    inner != NULL ? g_mime_message_get_subject(inner) : NULL;
	size_t n;
	char *r;

	if (subj == NULL)
		return NULL;
	subj += strspn(subj, " \t");
	n = strlen(subj);
	if (n > MIME_INNER_NAME_MAX) {
		n = MIME_INNER_NAME_MAX;
		while (n > 0 && ((unsigned char)subj[n] & 0xc0) == 0x80)
			n--;
	}
	while (n > 0 && (subj[n - 1] == ' ' || subj[n - 1] == '\t'))
		n--;
	if (n == 0 || (r = malloc(n + 5)) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)subj[i];

		r[i] = c < 0x20 || c == 0x7f || c == '/' || c == '\\' ? '_'
								      : (char)c;
	}
	memcpy(r + n, ".eml", 5);
	return r;
}

/* The message in data[0..n) (copied), with a reference the caller
 * drops; NULL when gmime cannot read one. */
static GMimeMessage *
bytes_message(const void *data, size_t n)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;

	stream = g_mime_stream_mem_new_with_buffer(data, n);
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	return msg;
}

/*
 * The name of a message attached with a transfer encoding (RFC 2046
 * 5.2.1 forbids it; bounces do it): gmime takes such a message/rfc822
 * part as an opaque part, so its decoded bytes are parsed here for
 * inner_filename(). NULL when it is no such part or has no subject.
 */
static char *
encoded_inner_filename(const struct mime_att *a)
{
	GMimeMessage *inner;
	char *r;

	if (strcmp(a->type, "message/rfc822") != 0 &&
	    strcmp(a->type, "message/global") != 0)
		return NULL;
	inner = bytes_message(a->data, a->size);
	r = inner_filename(inner);
	if (inner != NULL)
		g_object_unref(inner);
	return r;
}

/* fallback: the charset of the message's text, for a file name written
 * in raw 8-bit (mime_raw_filename()). */
/*
 * The file name a message/rfc822 part is given (bounces name the returned
 * message "original message.eml"): Content-Disposition's filename, else
 * Content-Type's name, as g_mime_part_get_filename() reads a part's; NULL
 * when it has none.
 */
static const char *
message_part_filename(GMimeObject *obj)
{
	const char *fn =
	    g_mime_object_get_content_disposition_parameter(obj, "filename");

	if (fn == NULL || fn[0] == '\0')
		fn = g_mime_object_get_content_type_parameter(obj, "name");
	return fn != NULL && fn[0] != '\0' ? fn : NULL;
}

/* The stream mime_from_stream() parsed the message from, while it takes
 * the message apart (mime_rfc822_bytes() reads attached messages in it). */
static GMimeStream *parse_stream;

static enum ma_status
add_attachment(struct mime_msg *m, GMimeObject *obj, const char *fallback)
{
	struct mime_att *a;
	const char *fn = NULL, *cid;
	char *again = NULL;
	enum ma_status st;

	if ((a = mime_att_new(m)) == NULL)
		return MA_ENOMEM;
	if (GMIME_IS_PART(obj))
		fn = g_mime_part_get_filename(GMIME_PART(obj));
	else if (GMIME_IS_MESSAGE_PART(obj))
		fn = message_part_filename(obj);
	if (fn != NULL && (again = mime_raw_filename(obj, fallback)) != NULL)
		fn = again;
	cid = g_mime_object_get_content_id(obj);
	a->type = lower_mime_type(g_mime_object_get_content_type(obj));
	/* gmime leaves an RFC 2231 name in a charset it does not know as
	 * its bytes: read in the text's charset. */
	a->filename =
	    fn != NULL && fn[0] != '\0' ? mime_att_name(fn, fallback) : NULL;
	if (fn == NULL && GMIME_IS_MESSAGE_PART(obj))
		a->filename = inner_filename(
		    g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj)));
	a->cid = cid != NULL ? strdup(cid) : NULL;
	if (a->type == NULL || (fn && fn[0] && !a->filename) ||
	    (cid && !a->cid))
		st = MA_ENOMEM;
	else {
		/* An attached message: its bytes as archived, when they can
		 * be told; else what gmime writes of the part. */
		st = GMIME_IS_MESSAGE_PART(obj)
			 ? mime_rfc822_bytes(obj, parse_stream, &a->data,
					     &a->size)
			 : MA_EDATA;
		if (st == MA_EDATA)
			st = mime_content_bytes(obj, &a->data, &a->size);
	}
	if (st == MA_OK && a->filename == NULL && GMIME_IS_PART(obj))
		a->filename = encoded_inner_filename(a);
	free(again);
	return mime_att_end(m, a, st);
}

/*
 * A part is an attachment when it says so (Content-Disposition:
 * attachment) or, not being text, when it carries a file name. A text
 * part with a name (name=, or inline; filename=) is still the text a
 * reader expects to see: it is the body, and is also offered as a file.
 */
static bool
is_attachment(GMimeObject *obj, bool text)
{
	const char *disp = g_mime_object_get_disposition(obj);

	if (disp != NULL && strcasecmp(disp, "attachment") == 0)
		return true;
	return !text && GMIME_IS_PART(obj) &&
	       g_mime_part_get_filename(GMIME_PART(obj)) != NULL;
}

/* A header's value, unfolded and RFC 2047 decoded; "" when absent. */
static enum ma_status
header_text(GMimeObject *obj, const char *name, char **textp)
{
	const char *raw = g_mime_object_get_header(obj, name);
	char *t = NULL;

	if (raw != NULL) {
		char *u = g_mime_utils_header_unfold(raw);

		t = u != NULL ? g_mime_utils_header_decode_text(NULL, u) : NULL;
		g_free(u);
	}
	*textp = strdup(t != NULL ? g_strstrip(t) : "");
	g_free(t);
	return *textp != NULL ? MA_OK : MA_ENOMEM;
}

static enum ma_status mime_from_stream(GMimeStream *stream, const char *what,
				       bool prefer_html, struct mime_msg **mp);

enum ma_status
mime_open(const char *path, bool prefer_html, struct mime_msg **mp)
{
	GMimeStream *stream;
	enum ma_status st;
	int fd;

	mime_init();
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		int e = errno;

		log_err("cannot open '%s': %s", path, strerror(e));
		return e == ENOENT ? MA_ENOTFOUND : MA_EIO;
	}
	stream = g_mime_stream_fs_new(fd); /* owns fd */
	mime_index_source(path);
	st = mime_from_stream(stream, path, prefer_html, mp);
	mime_index_source(NULL);
	g_object_unref(stream);
	return st;
}

enum ma_status
mime_parse(const void *data, size_t len, const char *what, bool prefer_html,
	   struct mime_msg **mp)
{
	GMimeStream *stream;
	GByteArray *arr;
	enum ma_status st;

	mime_init();
	/* The stream reads the caller's bytes where they are: a copy
	 * (g_mime_stream_mem_new_with_buffer()) would hold a message
	 * twice (a 54 MB one took 67 MB more). Nothing gmime made of
	 * them outlives mime_from_stream(), which drops the message. */
	arr = g_byte_array_new_take((guint8 *)data, len);
	stream = g_mime_stream_mem_new_with_byte_array(arr);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
	mime_source_memory(data, len);
	st = mime_from_stream(stream, what, prefer_html, mp);
	mime_source_memory(NULL, 0);
	g_object_unref(stream);
	(void)g_byte_array_free(arr, FALSE);
	return st;
}

/* The headers a page shows: Subject, From (parsed and as text), To, Cc. */
static enum ma_status
msg_headers(GMimeMessage *msg, struct mime_msg *m)
{
	const char *subject = g_mime_message_get_subject(msg);
	enum ma_status st = MA_OK;

	if ((m->subject = strdup(subject != NULL ? subject : "")) == NULL)
		st = MA_ENOMEM;
	if (st == MA_OK)
		st = mime_addrs_get(g_mime_message_get_from(msg), &m->from,
				    &m->nfrom);
	if (st == MA_OK)
		st = header_text(GMIME_OBJECT(msg), "From", &m->from_text);
	if (st == MA_OK)
		m->from_partial =
		    m->nfrom > 0 &&
		    !mime_addrs_cover(m->from_text, m->from, m->nfrom);
	if (st == MA_OK)
		st =
		    mime_addrs_get(g_mime_message_get_to(msg), &m->to, &m->nto);
	if (st == MA_OK)
		st =
		    mime_addrs_get(g_mime_message_get_cc(msg), &m->cc, &m->ncc);
	return st;
}

/*
 * The leaf parts of msg into parts[] (MIME_MAX_PARTS), depth-first, in
 * document order: the parts as a reader sees them. The stack holds the
 * parts still to visit (siblings included), so it grows with the message;
 * what is nested deeper than MIME_MAX_DEPTH or lies beyond MIME_MAX_PARTS
 * is counted in m->parts_hidden, not shown, and the page says so.
 */
static size_t
leaf_parts(GMimeMessage *msg, GMimeObject **parts, struct mime_msg *m)
{
	GPtrArray *todo = g_ptr_array_new();
	size_t nparts = 0;

	if (g_mime_message_get_mime_part(msg) != NULL)
		g_ptr_array_add(todo, g_mime_message_get_mime_part(msg));
	while (todo->len > 0) {
		GMimeObject *obj = g_ptr_array_steal_index(todo, todo->len - 1);
		size_t level =
		    (size_t)g_object_get_data(G_OBJECT(obj), "mailarc-level");

		if (GMIME_IS_MULTIPART(obj)) {
			GMimeMultipart *multi = GMIME_MULTIPART(obj);
			int count = g_mime_multipart_get_count(multi);
			GMimeObject *c0;
			/* Parts of an alternative are one text, not several
			 * (inline_texts()). */
			gpointer alt =
			    g_object_get_data(G_OBJECT(obj), "mailarc-alt");

			if (g_mime_content_type_is_type(
				g_mime_object_get_content_type(obj),
				"multipart", "alternative"))
				alt = GINT_TO_POINTER(1);

			if (level >= MIME_MAX_DEPTH) {
				m->parts_hidden +=
				    (size_t)(count > 0 ? count : 0);
				continue;
			}
			if (count == 0 && (c0 = mime_unbounded(obj)) != NULL) {
				g_object_set_data(G_OBJECT(c0), "mailarc-level",
						  (gpointer)(level + 1));
				g_object_set_data(G_OBJECT(c0),
						  MIME_REPARSED_KEY, c0);
				g_ptr_array_add(todo, c0);
				continue;
			}
			for (int i = count - 1; i >= 0; i--) {
				GMimeObject *c =
				    g_mime_multipart_get_part(multi, i);

				g_object_set_data(G_OBJECT(c), "mailarc-level",
						  (gpointer)(level + 1));
				g_object_set_data(G_OBJECT(c), "mailarc-alt",
						  alt);
				g_object_set_data(
				    G_OBJECT(c), MIME_RESOURCE_KEY,
				    g_object_get_data(G_OBJECT(obj),
						      MIME_RESOURCE_KEY));
				g_object_set_data(G_OBJECT(c), MIME_PARENT_KEY,
						  multi);
				g_object_set_data(
				    G_OBJECT(c), MIME_REPARSED_KEY,
				    g_object_get_data(G_OBJECT(obj),
						      MIME_REPARSED_KEY));
				g_ptr_array_add(todo, c);
			}
			mime_related_root_first(obj, todo, count);
			continue;
		}
		if (nparts < MIME_MAX_PARTS)
			parts[nparts++] = obj;
		else
			m->parts_hidden++;
	}
	g_ptr_array_free(todo, TRUE);
	return nparts;
}

static enum ma_status header_text(GMimeObject *obj, const char *name,
				  char **textp);

/*
 * The text of a message nested as message/rfc822: its first text/plain
 * part that is no attachment (an HTML-only message is left to its
 * attachment). *textp is NULL when it has none. Its own nested messages
 * are not looked into.
 */
static enum ma_status
inner_text(GMimeMessage *inner, char **textp, size_t *lenp)
{
	GMimeObject **parts = malloc(MIME_MAX_PARTS * sizeof *parts);
	struct mime_msg counts = {0};
	enum ma_status st = MA_OK;
	size_t n;

	*textp = NULL;
	if (parts == NULL)
		return MA_ENOMEM;
	n = leaf_parts(inner, parts, &counts);
	for (size_t i = 0; i < n; i++) {
		if (mime_part_kind(parts[i]) != PART_PLAIN ||
		    is_attachment(parts[i], true))
			continue;
		st = GMIME_IS_TEXT_PART(parts[i])
			 ? mime_part_text(parts[i], NULL, textp, lenp)
			 : mime_part_bytes_text(parts[i], textp, lenp);
		break;
	}
	free(parts);
	return st;
}

/*
 * The text inside an S/MIME opaque-signed part (smime.h), for a message
 * with no other text: the signed entity parsed and its text taken as
 * inner_text() does. m->body stays NULL when there is none.
 */
static enum ma_status
signed_text(struct mime_msg *m, GMimeObject **parts, size_t nparts)
{
	enum ma_status st = MA_OK;

	for (size_t i = 0; i < nparts && st == MA_OK && m->body == NULL; i++) {
		GMimeContentType *ct = g_mime_object_get_content_type(parts[i]);
		const char *type;
		unsigned char *der = NULL, *inner = NULL;
		size_t n = 0, len = 0, w;
		GMimeStream *stream;
		GMimeParser *parser;
		GMimeMessage *msg;

		if (!g_mime_content_type_is_type(ct, "application",
						 "pkcs7-mime") &&
		    !g_mime_content_type_is_type(ct, "application",
						 "x-pkcs7-mime"))
			continue;
		type = g_mime_content_type_get_parameter(ct, "smime-type");
		if (type != NULL && strcasecmp(type, "signed-data") != 0)
			continue;
		if ((st = mime_content_bytes(parts[i], &der, &n)) != MA_OK)
			break;
		st = smime_signed_content(der, n, &inner, &len);
		free(der);
		if (st == MA_EDATA) {
			st = MA_OK;
			continue;
		}
		if (st != MA_OK)
			break;
		/* Signed in canonical form (RFC 8551 3.1.1): CRLF lines, read
		 * as the LF lines the rest of a page has. */
		w = 0;
		for (size_t r = 0; r < len; r++)
			if (inner[r] != '\r' || r + 1 == len ||
			    inner[r + 1] != '\n')
				inner[w++] = inner[r];
		len = w;
		stream =
		    g_mime_stream_mem_new_with_buffer((const char *)inner, len);
		parser = g_mime_parser_new_with_stream(stream);
		msg = g_mime_parser_construct_message(parser, NULL);
		g_object_unref(parser);
		g_object_unref(stream);
		free(inner);
		if (msg == NULL)
			continue;
		st = inner_text(msg, &m->body, &m->body_len);
		g_object_unref(msg);
	}
	return st;
}

/*
 * The preamble of msg's first multipart/digest that has one (its text
 * before the first boundary), without blank lines around it, as UTF-8:
 * a list digest sent without a text part of its own may carry its table
 * of contents or its notice there. Multiparts are walked with a stack,
 * not into nested messages. malloc'd; NULL when there is none (or on no
 * memory: the messages are still shown).
 */
static char *
digest_prologue(GMimeMessage *msg)
{
	GPtrArray *todo = g_ptr_array_new();
	GMimeObject *top = g_mime_message_get_mime_part(msg);
	char *r = NULL;
	size_t seen = 0;

	if (top != NULL)
		g_ptr_array_add(todo, top);
	while (todo->len > 0 && r == NULL && seen++ < MIME_MAX_PARTS) {
		GMimeObject *obj = g_ptr_array_steal_index(todo, todo->len - 1);
		GMimeMultipart *mp;
		const char *pro;
		size_t a, n;

		if (!GMIME_IS_MULTIPART(obj))
			continue;
		mp = GMIME_MULTIPART(obj);
		for (int i = g_mime_multipart_get_count(mp) - 1; i >= 0; i--)
			g_ptr_array_add(todo, g_mime_multipart_get_part(mp, i));
		/* Without parts the prologue is the whole body, read again
		 * by mime_unbounded(). */
		pro = g_mime_multipart_get_count(mp) > 0
			  ? g_mime_multipart_get_prologue(mp)
			  : NULL;
		if (pro == NULL || !g_mime_content_type_is_type(
				       g_mime_object_get_content_type(obj),
				       "multipart", "digest"))
			continue;
		a = strspn(pro, " \t\r\n");
		n = strlen(pro + a);
		while (n > 0 && strchr(" \t\r\n", pro[a + n - 1]) != NULL)
			n--;
		if (n > 0)
			r = charset_to_utf8(NULL, pro + a, n, NULL);
	}
	g_ptr_array_free(todo, TRUE);
	return r;
}

/*
 * The message a message/rfc822 (or message/global) leaf part carries,
 * with a reference the caller drops: gmime's, or for one sent with a
 * transfer encoding (an opaque part to gmime, encoded_inner_filename()),
 * its decoded bytes read as a message. NULL when it carries none.
 */
static GMimeMessage *
carried_message(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimeMessage *inner;
	unsigned char *data;
	size_t n;

	if (GMIME_IS_MESSAGE_PART(obj)) {
		inner =
		    g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		return inner != NULL ? g_object_ref(inner) : NULL;
	}
	if (!GMIME_IS_PART(obj) ||
	    (!g_mime_content_type_is_type(ct, "message", "rfc822") &&
	     !g_mime_content_type_is_type(ct, "message", "global")) ||
	    mime_content_bytes(obj, &data, &n) != MA_OK)
		return NULL;
	inner = bytes_message(data, n);
	free(data);
	return inner;
}

/*
 * The body of a message with no text of its own that carries messages
 * (forwarded as attachments, a digest): a digest's preamble
 * (digest_prologue()), then the text of each, under a line naming it,
 * its sender and subject, as mail clients show them inline. At most
 * MIME_MAX_INNER of them; they stay listed as attachments.
 */
static enum ma_status
attached_texts(struct mime_msg *m, GMimeMessage *msg, GMimeObject **parts,
	       size_t nparts)
{
	struct buf b;
	size_t shown = 0;
	char *pro = digest_prologue(msg);
	enum ma_status st = MA_OK;

	buf_init(&b, (size_t)-1 / 2);
	if (pro != NULL) {
		st = buf_adds(&b, pro);
		if (st == MA_OK)
			st = buf_addc(&b, '\n');
		free(pro);
	}
	for (size_t i = 0; i < nparts && shown < MIME_MAX_INNER && st == MA_OK;
	     i++) {
		GMimeMessage *inner;
		const char *subj;
		char *text = NULL, *from = NULL;
		size_t len = 0;

		if ((inner = carried_message(parts[i])) == NULL)
			continue;
		st = inner_text(inner, &text, &len);
		/* One with blank text is only its attachment. */
		if (st != MA_OK || text == NULL ||
		    text[strspn(text, " \t\r\n")] == '\0') {
			g_object_unref(inner);
			free(text);
			continue;
		}
		subj = g_mime_message_get_subject(inner);
		st = header_text(GMIME_OBJECT(inner), "From", &from);
		if (st == MA_OK)
			st = buf_addf(&b,
				      "%s----- Attached message -----\n"
				      "From: %s\nSubject: %s\n\n",
				      b.len > 0 ? "\n" : "", from,
				      subj != NULL ? subj : "");
		if (st == MA_OK)
			st = buf_add(&b, text, len);
		if (st == MA_OK && (len == 0 || text[len - 1] != '\n'))
			st = buf_addc(&b, '\n');
		free(text);
		free(from);
		g_object_unref(inner);
		shown++;
	}
	if (st != MA_OK) {
		buf_release(&b);
		return st;
	}
	m->body_len = b.len;
	m->body = b.data != NULL ? buf_steal(&b) : strdup("");
	return m->body != NULL ? MA_OK : MA_ENOMEM;
}

/*
 * RFC 2046 4.1.4: a text subtype we do not know is read as text/plain.
 * A message whose only text is one (an invitation that is text/calendar
 * alone, a text/x-patch, text/enriched) shows it, and it stays listed as
 * a file: the first such part that is not marked an attachment.
 */
static GMimeObject *
other_text(GMimeObject **parts, size_t nparts)
{
	for (size_t i = 0; i < nparts; i++)
		if (GMIME_IS_TEXT_PART(parts[i]) &&
		    mime_part_kind(parts[i]) == PART_OTHER &&
		    !is_attachment(parts[i], true))
			return parts[i];
	return NULL;
}

/*
 * RFC 2183 2.1: an inline part is shown with the message. Each text/plain
 * part past the body that is no attachment (a mailing list's footer, the
 * text after a picture, a second text part a mailer split the body into)
 * is shown after the body under its file name or "Inline text", unless
 * the body holds it already; it stays listed as a file, and search finds
 * it as before. The parts of a multipart/alternative are one text told
 * in several ways: the body is one of them, the others are not added. At
 * most MIME_MAX_INLINE of them. MA_ENOMEM.
 */
static enum ma_status
inline_texts(struct mime_msg *m, GMimeObject **parts, size_t nparts,
	     GMimeObject *plain, GMimeObject *html)
{
	enum ma_status st = MA_OK;
	size_t shown = 0;

	for (size_t i = 0; i < nparts && shown < MIME_MAX_INLINE && st == MA_OK;
	     i++) {
		GMimeObject *obj = parts[i];
		const char *name;
		char *text = NULL;
		size_t n = 0;

		if (obj == plain || obj == html ||
		    mime_part_kind(obj) != PART_PLAIN ||
		    is_attachment(obj, true) ||
		    g_object_get_data(G_OBJECT(obj), "mailarc-alt") != NULL)
			continue;
		st = GMIME_IS_TEXT_PART(obj)
			 ? mime_part_text(obj, NULL, &text, &n)
			 : mime_part_bytes_text(obj, &text, &n);
		if (st == MA_OK && text[strspn(text, " \t\r\n")] != '\0' &&
		    !mime_body_holds(m, text, n)) {
			name = g_mime_part_get_filename(GMIME_PART(obj));
			st = mime_body_append(m,
					      name != NULL && name[0] != '\0'
						  ? name
						  : "Inline text",
					      text, n);
			shown++;
		}
		free(text);
	}
	return st;
}

/*
 * The first text/plain and text/html parts are the body; every other
 * leaf part is listed as an attachment, and so is a body part that has a
 * file name. prefer_html picks HTML when both exist. A message with
 * neither shows its other text (other_text()), else the text of the
 * messages it carries.
 */
static enum ma_status
body_and_attachments(struct mime_msg *m, GMimeMessage *msg, GMimeObject **parts,
		     size_t nparts, bool prefer_html)
{
	GMimeObject *plain = NULL, *html = NULL, *body;
	const char *fallback = NULL;
	enum ma_status st = MA_OK;

	/* The charset of the first text part that names one. */
	for (size_t i = 0; i < nparts && fallback == NULL; i++)
		if (mime_part_kind(parts[i]) != PART_OTHER)
			fallback = g_mime_object_get_content_type_parameter(
			    parts[i], "charset");

	for (size_t i = 0; i < nparts && st == MA_OK; i++) {
		GMimeObject *obj = parts[i];
		enum part_kind kind = mime_part_kind(obj);
		bool att = is_attachment(obj, kind != PART_OTHER);
		bool named = GMIME_IS_PART(obj) &&
			     g_mime_part_get_filename(GMIME_PART(obj)) != NULL;

		/* A multipart/related's resource is never the body. */
		if (g_object_get_data(G_OBJECT(obj), MIME_RESOURCE_KEY))
			att = true;

		if (!att && kind == PART_PLAIN && plain == NULL) {
			plain = obj;
			if (named)
				st = add_attachment(m, obj, fallback);
			continue;
		}
		if (!att && kind == PART_HTML && html == NULL) {
			html = obj;
			if (named)
				st = add_attachment(m, obj, fallback);
			continue;
		}
		st = add_attachment(m, obj, fallback);
	}
	if (st != MA_OK)
		return st;
	body = plain;
	if (html != NULL && (prefer_html || plain == NULL))
		body = html;
	if (body == NULL)
		body = other_text(parts, nparts);
	m->has_alternative = plain != NULL && html != NULL;
	m->body_html = body != NULL && body == html;
	if (body != NULL) {
		st = GMIME_IS_TEXT_PART(body)
			 ? mime_part_text(body, m, &m->body, &m->body_len)
			 : mime_part_bytes_text(body, &m->body, &m->body_len);
		if (st == MA_OK)
			st = mime_html_visible(m, plain);
		return st == MA_OK ? inline_texts(m, parts, nparts, plain, html)
				   : st;
	}
	if ((st = signed_text(m, parts, nparts)) != MA_OK || m->body != NULL)
		return st;
	return attached_texts(m, msg, parts, nparts);
}

static enum ma_status
mime_from_stream(GMimeStream *stream, const char *what, bool prefer_html,
		 struct mime_msg **mp)
{
	GMimeObject *parts[MIME_MAX_PARTS];
	GMimeStream *lost;
	GMimeParser *parser;
	GMimeMessage *msg;
	struct mime_msg *m;
	enum ma_status st;

	/* Text after a header with no blank line is the body (mime_lost.c). */
	lost = mime_lost_stream(stream);
	parser = g_mime_parser_new_with_stream(lost != NULL ? lost : stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (msg == NULL || (m = calloc(1, sizeof *m)) == NULL) {
		if (lost != NULL)
			g_object_unref(lost);
		if (msg == NULL)
			log_err("'%s' is not a mail message", what);
		else
			g_object_unref(msg);
		return msg == NULL ? MA_EDATA : MA_ENOMEM;
	}
	st = msg_headers(msg, m);
	if (st == MA_OK) {
		size_t nparts = leaf_parts(msg, parts, m);

		parse_stream = lost != NULL ? lost : stream;
		st = body_and_attachments(m, msg, parts, nparts, prefer_html);
		parse_stream = NULL;
		if (st == MA_OK)
			st = mime_report_append(m, parts, nparts);
	}
	if (lost != NULL)
		g_object_unref(lost);
	if (st == MA_OK)
		st = mime_uu_extract(m);
	if (st == MA_OK)
		st = mime_tnef_extract(m);
	if (st == MA_OK)
		st = mime_extra_append(m, msg);
	g_object_unref(msg);
	if (st != MA_OK) {
		mime_free(m);
		return st;
	}
	*mp = m;
	return MA_OK;
}
