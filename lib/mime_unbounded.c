/*
 * A multipart without a boundary parameter (RFC 2046 5.1.1 requires one;
 * broken mailers and hand-written scripts leave it out): gmime reads the
 * whole body as the prologue, and the page would say the message has no
 * text. Read it again with the boundary its first "--" line gives, as
 * a reader would, or as text/plain when it has none.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mime_int.h"

/* RFC 2046 5.1.1: a boundary is 1 to 70 characters. */
#define BOUNDARY_MAX 70

/*
 * The boundary of the first line of text that starts with "--" (and is
 * not only "--"), into b (room for BOUNDARY_MAX + 1); false when none
 * or it cannot be quoted.
 */
static bool
guess_boundary(const char *text, char *b)
{
	const char *p = text;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, '\n');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);

		while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' ||
				 p[n - 1] == '\t'))
			n--;
		if (n > 2 && p[0] == '-' && p[1] == '-') {
			n -= 2;
			if (n > BOUNDARY_MAX || memchr(p + 2, '"', n) != NULL ||
			    memchr(p + 2, '\\', n) != NULL)
				return false;
			memcpy(b, p + 2, n);
			b[n] = '\0';
			return true;
		}
		p = end != NULL ? end + 1 : NULL;
	}
	return false;
}

/* text parsed as a part under the header head; NULL when gmime cannot. */
static GMimeObject *
parse_with(const char *head, const char *text)
{
	GMimeStream *s = g_mime_stream_mem_new();
	GMimeParser *parser;
	GMimeObject *obj;

	g_mime_stream_write_string(s, head);
	g_mime_stream_write_string(s, text);
	g_mime_stream_reset(s);
	parser = g_mime_parser_new_with_stream(s);
	obj = g_mime_parser_construct_part(parser, NULL);
	g_object_unref(parser);
	g_object_unref(s);
	return obj;
}

GMimeObject *
mime_unbounded(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *text, *sub;
	GMimeObject *again = NULL;
	char b[BOUNDARY_MAX + 1], head[BOUNDARY_MAX + 128];
	int n;

	if (!GMIME_IS_MULTIPART(obj))
		return NULL;
	if ((again = g_object_get_data(G_OBJECT(obj), "mailarc-unbounded")) !=
	    NULL)
		return again;
	if (g_mime_multipart_get_count(GMIME_MULTIPART(obj)) > 0 ||
	    g_mime_object_get_content_type_parameter(obj, "boundary") != NULL)
		return NULL;
	text = g_mime_multipart_get_prologue(GMIME_MULTIPART(obj));
	if (text == NULL || text[strspn(text, " \t\r\n")] == '\0')
		return NULL;
	sub = ct != NULL ? g_mime_content_type_get_media_subtype(ct) : NULL;
	if (sub == NULL ||
	    strspn(sub,
		   "abcdefghijklmnopqrstuvwxyz"
		   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != strlen(sub) ||
	    strlen(sub) > 32)
		sub = "mixed";
	if (guess_boundary(text, b)) {
		n = snprintf(head, sizeof head,
			     "Content-Type: multipart/%s; boundary=\"%s\"\n\n",
			     sub, b);
		if (n > 0 && (size_t)n < sizeof head)
			again = parse_with(head, text);
		if (again != NULL &&
		    (!GMIME_IS_MULTIPART(again) ||
		     g_mime_multipart_get_count(GMIME_MULTIPART(again)) == 0)) {
			g_object_unref(again);
			again = NULL;
		}
	}
	if (again == NULL)
		again = parse_with("Content-Type: text/plain\n\n", text);
	if (again == NULL)
		return NULL;
	/* obj owns it from here: it goes with the message. */
	g_object_set_data_full(G_OBJECT(obj), "mailarc-unbounded", again,
			       g_object_unref);
	return again;
}
