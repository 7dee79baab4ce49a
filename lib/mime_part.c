/*
 * A leaf part's content for mime.c: its decoded bytes, what it is to a
 * reader (plain text, HTML, other; a Content-Type that cannot be read is
 * text/plain, RFC 2045 5.2), and its text in UTF-8 in the charset it
 * names.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "mime_int.h"

/* Write obj (a part's decoded content, or a whole message) to memory. */
enum ma_status
mime_content_bytes(GMimeObject *obj, unsigned char **pp, size_t *np)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *arr;
	ssize_t w;

	if (GMIME_IS_PART(obj)) {
		GMimeDataWrapper *dw = g_mime_part_get_content(GMIME_PART(obj));

		w = dw != NULL ? g_mime_data_wrapper_write_to_stream(dw, mem)
			       : 0;
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner =
		    g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));

		w = inner != NULL ? g_mime_object_write_to_stream(
					GMIME_OBJECT(inner), NULL, mem)
				  : 0;
	} else {
		w = 0;
	}
	if (w < 0) {
		g_object_unref(mem);
		return MA_EDATA;
	}
	/* The stream's buffer becomes the caller's, trimmed to its length:
	 * a copy would hold a big attachment twice at once. (g_malloc()
	 * is malloc() since GLib 2.46: free() releases it.) */
	arr = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_object_unref(mem);
	*np = arr->len;
	*pp = g_byte_array_free(arr, FALSE);
	if (*np == 0 || *pp == NULL) {
		free(*pp);
		*pp = malloc(1);
	} else {
		unsigned char *t = realloc(*pp, *np);

		if (t != NULL)
			*pp = t;
	}
	return *pp != NULL ? MA_OK : MA_ENOMEM;
}

/* RFC 2045 5.1: a type or subtype token. */
static bool
ct_token(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 127 ||
		    strchr("()<>@,;:\\\"/[]?=", s[i]) != NULL)
			return false;
	return true;
}

/*
 * Whether the part's own Content-Type header cannot be read as
 * "type/subtype": RFC 2045 5.2 says such a part is text/plain, and so
 * is the bare "text" some mailers write (gmime takes both as
 * application/octet-stream).
 */
static bool
ct_invalid(GMimeObject *obj)
{
	const char *h = g_mime_object_get_header(obj, "Content-Type");
	const char *end, *slash;

	if (h == NULL)
		return false;
	while (*h == ' ' || *h == '\t' || *h == '\r' || *h == '\n')
		h++;
	end = h + strcspn(h, ";");
	while (end > h && strchr(" \t\r\n", end[-1]) != NULL)
		end--;
	slash = memchr(h, '/', (size_t)(end - h));
	if (slash == NULL)
		return true;
	return !ct_token(h, (size_t)(slash - h)) ||
	       !ct_token(slash + 1, (size_t)(end - slash - 1));
}

enum part_kind
mime_part_kind(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	if (!GMIME_IS_PART(obj) || GMIME_IS_MESSAGE_PART(obj))
		return PART_OTHER;
	if (g_mime_content_type_is_type(ct, "text", "plain"))
		return PART_PLAIN;
	if (g_mime_content_type_is_type(ct, "text", "html"))
		return PART_HTML;
	return ct_invalid(obj) ? PART_PLAIN : PART_OTHER;
}

/*
 * The charset a part names, or NULL. gmime drops the parameters of a
 * Content-Type it cannot read ("text; charset=koi8-r", which RFC 2045 5.2
 * reads as text/plain): they are read from the header as written then.
 * *own is what the caller frees.
 */
static const char *
part_charset(GMimeObject *obj, char **own)
{
	const char *cs =
	    g_mime_object_get_content_type_parameter(obj, "charset");
	const char *h;

	*own = NULL;
	if (cs != NULL || !ct_invalid(obj) ||
	    (h = g_mime_object_get_header(obj, "Content-Type")) == NULL)
		return cs;
	*own = mime_raw_param(h, "charset");
	return *own;
}

/* The text of a plain part gmime did not take as text (its type was
 * invalid): the decoded bytes in UTF-8, read in the charset it names
 * (else as charset.c guesses), as a text/plain part is. */
enum ma_status
mime_part_bytes_text(GMimeObject *obj, char **textp, size_t *lenp)
{
	char *own;
	const char *cs = part_charset(obj, &own);
	unsigned char *p;
	size_t n;
	enum ma_status st = mime_content_bytes(obj, &p, &n);
	char *t;

	if (st != MA_OK) {
		free(own);
		return st;
	}
	t = charset_to_utf8(cs, p, n, &n);
	free(own);
	free(p);
	if (t == NULL)
		return MA_ENOMEM;
	*textp = t;
	*lenp = n;
	return MA_OK;
}

/*
 * The chosen text of a text part, charset decoded and flowed undone.
 * files non-NULL: the files yEnc-encoded in a text/plain part are taken
 * out as its attachments (mime_yenc_extract()).
 */
enum ma_status
mime_part_text(GMimeObject *obj, struct mime_msg *files, char **textp,
	       size_t *lenp)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *format = g_mime_content_type_get_parameter(ct, "format");
	const char *delsp = g_mime_content_type_get_parameter(ct, "delsp");
	char *own;
	const char *cs = part_charset(obj, &own);
	unsigned char *raw = NULL;
	char *t, *r, *meta = NULL;
	size_t n = 0;
	enum ma_status st;

	/* The transfer encoding undone by gmime, the charset by charset.c
	 * (vendor extensions, UTF-8 under a wrong label, NUL bytes shown as
	 * U+FFFD rather than ending the text). */
	if ((st = mime_content_bytes(obj, &raw, &n)) != MA_OK) {
		free(own);
		return st;
	}
	if (files != NULL && g_mime_content_type_is_type(ct, "text", "plain") &&
	    (st = mime_yenc_extract(files, cs, &raw, &n)) != MA_OK) {
		free(own);
		free(raw);
		return st;
	}
	/* An HTML part often names its charset only in a <meta> tag. */
	if (g_mime_content_type_is_type(ct, "text", "html"))
		meta = charset_html_label(cs, raw, n);
	t = charset_to_utf8(meta != NULL ? meta : cs, raw, n, &n);
	free(own);
	free(meta);
	free(raw);
	if (t == NULL)
		return MA_ENOMEM;
	if (format != NULL && strcasecmp(format, "flowed") == 0 &&
	    g_mime_content_type_is_type(ct, "text", "plain")) {
		r = mime_unflow(
		    t, n, delsp != NULL && strcasecmp(delsp, "yes") == 0, &n);
		free(t);
	} else {
		r = t;
	}
	if (r == NULL)
		return MA_ENOMEM;
	*textp = r;
	*lenp = n;
	return MA_OK;
}

void
mime_invalid_type(GMimeObject *obj, GMimeHeader *h)
{
	const char *name = g_mime_header_get_name(h);
	const char *raw, *semi;
	GMimeContentType *ct;
	char *text;

	if (!GMIME_IS_PART(obj) || name == NULL ||
	    g_ascii_strcasecmp(name, "Content-Type") != 0 || !ct_invalid(obj) ||
	    (raw = g_mime_object_get_header(obj, "Content-Type")) == NULL ||
	    (semi = strchr(raw, ';')) == NULL ||
	    (text = g_strconcat("text/plain", semi, NULL)) == NULL)
		return;
	ct = g_mime_content_type_parse(NULL, text);
	g_free(text);
	if (ct != NULL) {
		g_mime_object_set_content_type(obj, ct);
		g_object_unref(ct);
	}
}
