/*
 * A message whose header has no blank line after it (RFC 5322 2.1
 * requires one; hand-written and broken mail leaves it out): gmime takes
 * every line up to the first blank line as header and drops the lines
 * that are no header field, so the text that follows the last field is
 * lost to the page and to search. Python's email package, mutt and
 * Thunderbird start the body there. When no header field follows such a
 * line before the blank line (or the end), the body starts at it: the
 * page parses the message with a line end put before it, and the indexing
 * process writes those lines before the top part's text. A line that is
 * no field with fields after it is a broken fold, read as part of the
 * field above it (mime_fold.c).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mime_int.h"

/* Bytes of a message's start looked at for its header; a longer header
 * is left to gmime. */
#define LOST_SCAN_MAX (1024 * 1024)

/* Whether line p[0..n) (its line end excluded) is a header field: a name
 * of printable bytes other than ':' (8-bit ones too), then ':' after
 * optional blanks (the obsolete "Subject :"). */
static bool
field_line(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] > ' ' && p[i] != ':' && p[i] != 0x7f)
		i++;
	if (i == 0)
		return false;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i < n && p[i] == ':';
}

bool
mime_lost_text(const unsigned char *p, size_t n, size_t *lostp, size_t *endp,
	       size_t *bodyp)
{
	size_t i = 0, lost = (size_t)-1;

	if (n > LOST_SCAN_MAX)
		n = LOST_SCAN_MAX;
	/* An mbox envelope line before the header is no field, and gmime
	 * reads past it. */
	if (n >= 5 && memcmp(p, "From ", 5) == 0) {
		const unsigned char *e = memchr(p, '\n', n);

		i = e != NULL ? (size_t)(e - p) + 1 : n;
	}
	while (i < n) {
		const unsigned char *e = memchr(p + i, '\n', n - i);
		size_t end = e != NULL ? (size_t)(e - p) : n, len = end - i;

		if (len > 0 && p[end - 1] == '\r')
			len--;
		if (len == 0) /* the blank line: the header ends */
			break;
		if (p[i] == ' ' || p[i] == '\t')
			; /* folded: part of the line before it */
		else if (field_line(p + i, len))
			lost = (size_t)-1;
		else if (lost == (size_t)-1)
			lost = i;
		if (e == NULL) {
			i = n;
			break;
		}
		i = end + 1;
	}
	if (i >= n && n >= LOST_SCAN_MAX)
		return false; /* the header's end was not seen */
	if (lost == (size_t)-1)
		return false;
	*lostp = lost;
	*endp = i;
	/* i is at the blank line, or the end: the body starts after it. */
	if (i < n) {
		const unsigned char *e = memchr(p + i, '\n', n - i);

		i = e != NULL ? (size_t)(e - p) + 1 : n;
	}
	*bodyp = i;
	return true;
}

/* Bytes read at a time looking for the header's end. */
#define LOST_CHUNK 8192

/* Whether p[0..n) holds a blank line (the header's end). */
static bool
has_blank_line(const unsigned char *p, size_t n)
{
	for (const unsigned char *e = memchr(p, '\n', n); e != NULL;
	     e = memchr(e + 1, '\n', n - (size_t)(e + 1 - p))) {
		size_t rest = n - (size_t)(e + 1 - p);

		if (rest > 0 && (e[1] == '\n' ||
				 (rest > 1 && e[1] == '\r' && e[2] == '\n')))
			return true;
	}
	return false;
}

/* The start of stream up to its header's end (at most LOST_SCAN_MAX
 * bytes), read from its start and rewound (malloc'd, *np bytes); NULL
 * when it cannot be read again or on no memory. */
static unsigned char *
stream_head(GMimeStream *stream, size_t *np)
{
	unsigned char *head = NULL, *t;
	size_t n = 0, cap = 0;
	ssize_t got;

	do {
		if (n == cap) {
			cap = cap == 0 ? LOST_CHUNK : cap * 2;
			if ((t = realloc(head, cap)) == NULL) {
				free(head);
				return NULL;
			}
			head = t;
		}
		got = g_mime_stream_read(stream, (char *)head + n, cap - n);
		n += got > 0 ? (size_t)got : 0;
	} while (got > 0 && n < LOST_SCAN_MAX && !has_blank_line(head, n));
	if (g_mime_stream_reset(stream) != 0) {
		free(head);
		return NULL;
	}
	*np = n;
	return head;
}

GMimeStream *
mime_lost_stream(GMimeStream *stream)
{
	size_t n = 0, lost, end, body;
	unsigned char *head = stream_head(stream, &n);
	GMimeStream *cat, *src[3];
	bool crlf;

	if (head == NULL || !mime_lost_text(head, n, &lost, &end, &body)) {
		free(head);
		return NULL;
	}
	/* The line end the lines before the lost one have. */
	crlf = lost > 1 && head[lost - 2] == '\r';
	free(head);
	src[0] = g_mime_stream_substream(stream, stream->bound_start,
					 stream->bound_start + (gint64)lost);
	src[1] = g_mime_stream_mem_new_with_buffer(crlf ? "\r\n" : "\n",
						   crlf ? 2 : 1);
	src[2] = g_mime_stream_substream(
	    stream, stream->bound_start + (gint64)lost, stream->bound_end);
	cat = g_mime_stream_cat_new();
	for (size_t i = 0; i < 3; i++) {
		g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat), src[i]);
		g_object_unref(src[i]);
	}
	return cat;
}

/* The file whose lost lines are held, for mime_lost_write(). */
static struct {
	char *path;
	unsigned char *text; /* the lost lines, NULL when none */
	size_t len, body;
} held;

ssize_t
mime_lost_write(const char *path, GMimeDataWrapper *w, GMimeStream *out)
{
	GMimeStream *s = w != NULL ? g_mime_data_wrapper_get_stream(w) : NULL;

	if (path == NULL || s == NULL)
		return 0;
	if (held.path == NULL || strcmp(held.path, path) != 0) {
		GMimeStream *f = g_mime_stream_file_open(path, "rb", NULL);
		unsigned char *head = NULL;
		size_t n = 0, lost, end;

		free(held.path);
		free(held.text);
		held.text = NULL;
		held.path = strdup(path);
		if (f != NULL)
			head = stream_head(f, &n);
		if (head != NULL &&
		    mime_lost_text(head, n, &lost, &end, &held.body) &&
		    (held.text = malloc(end - lost + 1)) != NULL) {
			memcpy(held.text, head + lost, end - lost);
			held.len = end - lost;
			/* A last line without its line end still ends. */
			if (held.len > 0 && held.text[held.len - 1] != '\n')
				held.text[held.len++] = '\n';
		}
		free(head);
		if (f != NULL)
			g_object_unref(f);
	}
	/* Only the top part's text starts where the header ends. */
	if (held.text == NULL || s->bound_start != (gint64)held.body)
		return 0;
	return g_mime_stream_write(out, (const char *)held.text, held.len);
}
