/*
 * The machine-readable part of a report (RFC 6522) shown as text: a
 * bounce's message/delivery-status (RFC 3464) or its UTF-8 form
 * message/global-delivery-status (RFC 6533), and a read receipt's
 * message/disposition-notification (RFC 8098). Each is a block of header
 * fields a reader can read as they are ("Final-Recipient:", "Status:",
 * "Diagnostic-Code:"): which address failed and why is the point of a
 * bounce, so the page shows it under the notice, and search finds it.
 * The part stays listed as a file (its URL is unchanged). So does a
 * bounce's text/rfc822-headers (RFC 6522 3), the header of the returned
 * message: whom it was sent to and when.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "charset.h"
#include "html.h"
#include "mime_int.h"

/* Report parts shown in one message; more stay files only. */
#define MIME_MAX_REPORTS 8

/* The line shown above a report part of type obj, or NULL: not one. */
static const char *
report_title(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *disp = g_mime_object_get_disposition(obj);

	if (!GMIME_IS_PART(obj) ||
	    (disp != NULL && strcasecmp(disp, "attachment") == 0))
		return NULL;
	if (g_mime_content_type_is_type(ct, "message", "delivery-status") ||
	    g_mime_content_type_is_type(ct, "message",
					"global-delivery-status"))
		return "Delivery report";
	if (g_mime_content_type_is_type(ct, "message",
					"disposition-notification") ||
	    g_mime_content_type_is_type(ct, "message",
					"global-disposition-notification"))
		return "Disposition notification";
	/* RFC 6522 3: the returned message's header alone, as MTAs return
	 * it to keep a bounce small. */
	if (g_mime_content_type_is_type(ct, "text", "rfc822-headers"))
		return "Returned message headers";
	return NULL;
}

/* The part's decoded text (US-ASCII, or UTF-8 in the global forms; a
 * label, if any, is honoured), trailing blank lines dropped; NULL when
 * blank. MA_ENOMEM. */
static enum ma_status
report_text(GMimeObject *obj, char **textp, size_t *lenp)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(GMIME_PART(obj));
	const char *cs =
	    g_mime_object_get_content_type_parameter(obj, "charset");
	GMimeStream *mem;
	GByteArray *arr;
	char *t;
	size_t n = 0;

	*textp = NULL;
	if (dw == NULL)
		return MA_OK;
	mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(dw, mem) < 0) {
		g_object_unref(mem);
		return MA_OK; /* undecodable: the file is still listed */
	}
	arr = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	t = charset_to_utf8(cs != NULL ? cs : "utf-8", arr->data, arr->len, &n);
	g_object_unref(mem);
	if (t == NULL)
		return MA_ENOMEM;
	while (n > 0 && strchr(" \t\r\n", t[n - 1]) != NULL)
		n--;
	t[n] = '\0';
	if (n == 0) {
		free(t);
		return MA_OK;
	}
	*textp = t;
	*lenp = n;
	return MA_OK;
}

/* Append one report to b: under a title line in text, or as a <pre> of
 * escaped text after an HTML body (the sanitiser keeps <pre>). */
static enum ma_status
add_report(struct buf *b, bool html, bool first_line, const char *title,
	   const char *text, size_t len)
{
	enum ma_status st;

	if (html) {
		st = buf_addf(b, "\n<p>%s:</p>\n<pre>", title);
		if (st == MA_OK)
			st = html_escape(b, text, len);
		return st == MA_OK ? buf_adds(b, "</pre>\n") : st;
	}
	st = buf_addf(b, "%s----- %s -----\n", first_line ? "" : "\n", title);
	if (st == MA_OK)
		st = buf_add(b, text, len);
	return st == MA_OK ? buf_addc(b, '\n') : st;
}

enum ma_status
mime_body_append(struct mime_msg *m, const char *title, const char *text,
		 size_t len)
{
	struct buf b;
	bool html = m->body_html && m->body_len > 0;
	enum ma_status st;

	buf_init(&b, (size_t)-1 / 2);
	st = buf_add(&b, m->body, m->body_len);
	if (st == MA_OK && !html && b.len > 0 && b.data[b.len - 1] != '\n')
		st = buf_addc(&b, '\n');
	if (st == MA_OK)
		st = add_report(&b, html, b.len == 0, title, text, len);
	if (st != MA_OK) {
		buf_release(&b);
		return st;
	}
	free(m->body);
	m->body_len = b.len;
	m->body = buf_steal(&b);
	m->body_html = html;
	return MA_OK;
}

enum ma_status
mime_report_append(struct mime_msg *m, GMimeObject **parts, size_t nparts)
{
	struct buf b;
	size_t shown = 0;
	enum ma_status st = MA_OK;
	bool html = m->body_html && m->body_len > 0;

	buf_init(&b, (size_t)-1 / 2);
	for (size_t i = 0; i < nparts && shown < MIME_MAX_REPORTS; i++) {
		const char *title = report_title(parts[i]);
		char *text = NULL;
		size_t len = 0;

		if (title == NULL)
			continue;
		if ((st = report_text(parts[i], &text, &len)) != MA_OK)
			break;
		/* A message whose only text it is shows it already
		 * (mime.c other_text()). */
		if (text == NULL || (m->body_len > 0 &&
				     memmem(m->body, m->body_len, text, len))) {
			free(text);
			continue;
		}
		if (shown == 0 && m->body_len > 0)
			st = buf_add(&b, m->body, m->body_len);
		if (st == MA_OK && shown == 0 && !html && b.len > 0 &&
		    b.data[b.len - 1] != '\n')
			st = buf_addc(&b, '\n');
		if (st == MA_OK)
			st = add_report(&b, html, b.len == 0, title, text, len);
		free(text);
		if (st != MA_OK)
			break;
		shown++;
	}
	if (st != MA_OK || shown == 0) {
		buf_release(&b);
		return st;
	}
	free(m->body);
	m->body_len = b.len;
	m->body = buf_steal(&b);
	if (!html)
		m->body_html = false;
	return MA_OK;
}
