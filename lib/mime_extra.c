/*
 * Text a page shows that gmime gives no part of its own, as one text
 * part for libnotmuch to index (mime_hooks.c shows it to notmuch as the
 * multipart's last part, in the indexing process only): a digest's
 * preamble (mime.c digest_prologue() shows it), and the text inside a
 * winmail.dat child (attBody, mime_tnef.c). Without it, search did not
 * find what the page shows.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "mime_int.h"

/* Bytes of a TNEF part read for its text. */
#define EXTRA_TNEF_MAX ((gint64)64 << 20)

/* A digest's preamble, blank lines around it dropped; NULL if none. */
static char *
preamble_text(GMimeMultipart *mp)
{
	const char *pro = g_mime_multipart_get_prologue(mp);
	size_t a, n;

	if (pro == NULL || g_mime_multipart_get_count(mp) == 0 ||
	    !g_mime_content_type_is_type(
		g_mime_object_get_content_type(GMIME_OBJECT(mp)), "multipart",
		"digest"))
		return NULL;
	a = strspn(pro, " \t\r\n");
	n = strlen(pro + a);
	while (n > 0 && strchr(" \t\r\n", pro[a + n - 1]) != NULL)
		n--;
	return n > 0 ? charset_to_utf8(NULL, pro + a, n, NULL) : NULL;
}

/*
 * The decoded bytes of dw into out. Not through the data wrapper's
 * write_to_stream: in the indexing process mime_hooks.c turns its NUL
 * bytes into spaces, which would break a binary stream.
 */
static bool
decode(GMimeDataWrapper *dw, GMimeStream *out)
{
	GMimeStream *src = g_mime_data_wrapper_get_stream(dw), *f;
	GMimeContentEncoding enc = g_mime_data_wrapper_get_encoding(dw);
	ssize_t n;

	if (src == NULL || g_mime_stream_reset(src) < 0)
		return false;
	f = g_mime_stream_filter_new(src);
	if (enc == GMIME_CONTENT_ENCODING_BASE64 ||
	    enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    enc == GMIME_CONTENT_ENCODING_UUENCODE) {
		GMimeFilter *basic = g_mime_filter_basic_new(enc, FALSE);

		g_mime_stream_filter_add(GMIME_STREAM_FILTER(f), basic);
		g_object_unref(basic);
	}
	n = g_mime_stream_write_to_stream(f, out);
	g_object_unref(f);
	g_mime_stream_reset(src);
	return n >= 0;
}

/* Parts of a multipart looked at for text of its own. */
#define EXTRA_MAX_PARTS 1000

/*
 * Whether mp holds a text/plain or text/html part not marked an
 * attachment (its own, or deeper; not the parts mime_extra_text() adds,
 * which the indexing process shows notmuch as parts).
 */
static bool
has_text(GMimeMultipart *mp)
{
	GPtrArray *todo = g_ptr_array_new();
	size_t seen = 0;
	bool r = false;

	g_ptr_array_add(todo, mp);
	while (todo->len > 0 && !r && seen++ < EXTRA_MAX_PARTS) {
		GMimeObject *o = g_ptr_array_steal_index(todo, todo->len - 1);
		GMimeContentType *ct = g_mime_object_get_content_type(o);
		const char *disp = g_mime_object_get_disposition(o);

		if (GMIME_IS_MULTIPART(o)) {
			GMimeMultipart *m = GMIME_MULTIPART(o);

			for (int i = g_mime_multipart_get_count(m) - 1; i >= 0;
			     i--)
				g_ptr_array_add(
				    todo, g_mime_multipart_get_part(m, i));
			continue;
		}
		r = GMIME_IS_PART(o) &&
		    g_object_get_data(G_OBJECT(o), "mailarc-extra-part") ==
			NULL &&
		    (disp == NULL || strcasecmp(disp, "attachment") != 0) &&
		    (g_mime_content_type_is_type(ct, "text", "plain") ||
		     g_mime_content_type_is_type(ct, "text", "html"));
	}
	g_ptr_array_free(todo, TRUE);
	return r;
}

/* The text inside the first winmail.dat child of mp; NULL if none. Its
 * compressed RTF only when mp has no text of its own: Outlook writes it
 * beside a text part as a copy of that. */
static char *
tnef_child_text(GMimeMultipart *mp)
{
	bool rtf = !has_text(mp);

	int count = g_mime_multipart_get_count(mp);

	for (int i = 0; i < count; i++) {
		GMimeObject *c = g_mime_multipart_get_part(mp, i);
		GMimeContentType *ct = g_mime_object_get_content_type(c);
		GMimeDataWrapper *dw;
		GMimeStream *mem;
		GByteArray *arr;
		char *text = NULL;

		const char *fn;

		if (!GMIME_IS_PART(c) ||
		    (dw = g_mime_part_get_content(GMIME_PART(c))) == NULL)
			continue;
		/* As mime_tnef.c knows one: by its type or its name. */
		fn = g_mime_part_get_filename(GMIME_PART(c));
		if (!g_mime_content_type_is_type(ct, "application",
						 "ms-tnef") &&
		    !g_mime_content_type_is_type(ct, "application",
						 "vnd.ms-tnef") &&
		    (fn == NULL || strcasecmp(fn, "winmail.dat") != 0))
			continue;
		mem = g_mime_stream_mem_new();
		if (decode(dw, mem) &&
		    g_mime_stream_length(mem) <= EXTRA_TNEF_MAX) {
			arr = g_mime_stream_mem_get_byte_array(
			    GMIME_STREAM_MEM(mem));
			text = mime_tnef_text(arr->data, arr->len, rtf);
		}
		g_object_unref(mem);
		if (text != NULL)
			return text;
	}
	return NULL;
}

/* The text of mp that gmime gives no part (malloc'd, NULL if none), and
 * the line that names it on a page. */
static char *
extra_text(GMimeMultipart *mp, const char **titlep)
{
	char *text = preamble_text(mp);

	*titlep = "Digest preamble";
	if (text == NULL) {
		text = tnef_child_text(mp);
		*titlep = "Text of winmail.dat";
	}
	return text;
}

GMimeObject *
mime_extra_text(GMimeMultipart *mp)
{
	GObject *o = G_OBJECT(mp);
	GMimeTextPart *part;
	const char *title;
	char *text;

	if (g_object_get_data(o, "mailarc-extra-done") != NULL)
		return g_object_get_data(o, "mailarc-extra");
	g_object_set_data(o, "mailarc-extra-done", o);
	text = extra_text(mp, &title);
	if (text == NULL)
		return NULL;
	part = g_mime_text_part_new_with_subtype("plain");
	g_object_set_data(G_OBJECT(part), "mailarc-extra-part", o);
	g_mime_text_part_set_text(part, text);
	free(text);
	/* mp owns it from here: it goes with the message. */
	g_object_set_data_full(o, "mailarc-extra", part, g_object_unref);
	return GMIME_OBJECT(part);
}

/* The bytes of s[0..n) that are not ASCII white space, into a new
 * string (length *outn); NULL on no memory. */
static char *
squeeze(const char *s, size_t n, size_t *outn)
{
	char *r = malloc(n + 1);
	size_t k = 0;

	if (r == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strchr(" \t\r\n\f\v", s[i]) == NULL || s[i] == '\0')
			r[k++] = s[i];
	r[k] = '\0';
	*outn = k;
	return r;
}

bool
mime_body_holds(const struct mime_msg *m, const char *text, size_t n)
{
	char *b, *t;
	size_t bn = 0, tn = 0;
	bool r = true;

	if (m->body_len == 0)
		return false;
	b = squeeze(m->body, m->body_len, &bn);
	t = squeeze(text, n, &tn);
	if (b != NULL && t != NULL)
		r = memmem(b, bn, t, tn) != NULL;
	free(b);
	free(t);
	return r;
}

enum ma_status
mime_extra_append(struct mime_msg *m, GMimeMessage *msg)
{
	GPtrArray *todo = g_ptr_array_new();
	GMimeObject *top = g_mime_message_get_mime_part(msg);
	enum ma_status st = MA_OK;
	size_t seen = 0;

	if (top != NULL)
		g_ptr_array_add(todo, top);
	/* An explicit stack, in document order; nested messages are parts
	 * of their own (GMimeMessagePart), not walked into. */
	while (todo->len > 0 && st == MA_OK && seen++ < EXTRA_MAX_PARTS) {
		GMimeObject *obj = g_ptr_array_steal_index(todo, todo->len - 1);
		GMimeMultipart *mp;
		const char *title;
		char *text;
		size_t n;

		if (!GMIME_IS_MULTIPART(obj))
			continue;
		mp = GMIME_MULTIPART(obj);
		for (int i = g_mime_multipart_get_count(mp) - 1; i >= 0; i--)
			g_ptr_array_add(todo, g_mime_multipart_get_part(mp, i));
		if ((text = extra_text(mp, &title)) == NULL)
			continue;
		n = strlen(text);
		if (!mime_body_holds(m, text, n))
			st = mime_body_append(m, title, text, n);
		free(text);
	}
	g_ptr_array_free(todo, TRUE);
	return st;
}
