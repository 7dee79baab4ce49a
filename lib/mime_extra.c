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

/* The text inside the first winmail.dat child of mp; NULL if none. */
static char *
tnef_child_text(GMimeMultipart *mp)
{
	int count = g_mime_multipart_get_count(mp);

	for (int i = 0; i < count; i++) {
		GMimeObject *c = g_mime_multipart_get_part(mp, i);
		GMimeContentType *ct = g_mime_object_get_content_type(c);
		GMimeDataWrapper *dw;
		GMimeStream *mem;
		GByteArray *arr;
		char *text = NULL;

		if (!GMIME_IS_PART(c) ||
		    (!g_mime_content_type_is_type(ct, "application",
						  "ms-tnef") &&
		     !g_mime_content_type_is_type(ct, "application",
						  "vnd.ms-tnef")) ||
		    (dw = g_mime_part_get_content(GMIME_PART(c))) == NULL)
			continue;
		mem = g_mime_stream_mem_new();
		if (decode(dw, mem) &&
		    g_mime_stream_length(mem) <= EXTRA_TNEF_MAX) {
			arr = g_mime_stream_mem_get_byte_array(
			    GMIME_STREAM_MEM(mem));
			text = mime_tnef_text(arr->data, arr->len);
		}
		g_object_unref(mem);
		if (text != NULL)
			return text;
	}
	return NULL;
}

GMimeObject *
mime_extra_text(GMimeMultipart *mp)
{
	GObject *o = G_OBJECT(mp);
	GMimeTextPart *part;
	char *text;

	if (g_object_get_data(o, "mailarc-extra-done") != NULL)
		return g_object_get_data(o, "mailarc-extra");
	g_object_set_data(o, "mailarc-extra-done", o);
	text = preamble_text(mp);
	if (text == NULL)
		text = tnef_child_text(mp);
	if (text == NULL)
		return NULL;
	part = g_mime_text_part_new_with_subtype("plain");
	g_mime_text_part_set_text(part, text);
	free(text);
	/* mp owns it from here: it goes with the message. */
	g_object_set_data_full(o, "mailarc-extra", part, g_object_unref);
	return GMIME_OBJECT(part);
}
