/*
 * Broken folds: a line among the header fields that is no field and does
 * not start with a blank, as a client that splits a long Subject or To
 * without the leading space writes it:
 *
 *   Subject: Minutes of the meeting about the budget for the
 *   second half of the year
 *   To: team@example.org
 *
 * gmime drops such a line, so its words were on no page and in no search
 * result. Here it is read as a continuation of the field above it, as
 * mutt and Thunderbird read it: the words were written as part of that
 * field, and the fields after the line are kept (reading the line as the
 * start of the body, as Python's email package does, would lose them). A
 * space is put before it, so that the words at the break do not join.
 *
 * Only lines followed by another field count: lines that no field
 * follows before the blank line are the body of a message with no blank
 * line after its header (mime_lost.c). The Message-ID is left as gmime
 * reads it, because the identity pass (msg.c) names the message by the
 * field as it is. Both the page and the indexing process go through the
 * header_added handlers (mime_hooks.c), which call mime_fold_join() on
 * each field before gmime reads it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime_int.h"

/* Bytes of a field and the lines after it read from the source: first,
 * and at most. */
#define FOLD_FIRST    4096
#define FOLD_SCAN_MAX 65536

/* The end of the line that starts at i in p[0..n) (after its LF), or
 * n when it has no LF. */
static size_t
line_end(const unsigned char *p, size_t n, size_t i)
{
	const unsigned char *e = memchr(p + i, '\n', n - i);

	return e != NULL ? (size_t)(e - p) + 1 : n;
}

/* Whether the line at p[i..e) is empty (only its line end). */
static bool
empty_line(const unsigned char *p, size_t i, size_t e)
{
	return e == i || (p[i] == '\n') ||
	       (p[i] == '\r' && i + 1 < e && p[i + 1] == '\n');
}

/*
 * Whether the line at p[i..e) is a header field as gmime's parser takes
 * one: a name of printable or 8-bit bytes other than ':' (it may be
 * empty), blanks, then ':'. A control byte, DEL or a blank inside the
 * name makes gmime drop the line.
 */
static bool
gmime_field(const unsigned char *p, size_t i, size_t e)
{
	while (i < e && p[i] > ' ' && p[i] != ':' && p[i] != 0x7f)
		i++;
	while (i < e && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i < e && p[i] == ':';
}

int
mime_fold_scan(const unsigned char *p, size_t n, size_t *endp, size_t *brokenp)
{
	size_t i = line_end(p, n, 0), end, e;

	/* The field's own continuation lines. */
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i = line_end(p, n, i);
	if (i >= n)
		return -1; /* cut by the scan's end, or the file's */
	end = i;
	/* Lines gmime drops, each with its own continuation lines, up to
	 * the next field. */
	while (i < n) {
		e = line_end(p, n, i);
		if (e == n && p[e - 1] != '\n')
			return -1;
		if (empty_line(p, i, e) || gmime_field(p, i, e))
			break;
		i = e;
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i = line_end(p, n, i);
	}
	/* Read up to a field: broken folds. Up to the blank line or the
	 * end: the body (mime_lost.c). */
	if (i >= n)
		return -1;
	if (empty_line(p, i, line_end(p, n, i)))
		return 0;
	*endp = end;
	*brokenp = i;
	return i > end;
}

enum ma_status
mime_fold_append(struct buf *out, const unsigned char *p, size_t n)
{
	enum ma_status st = MA_OK;
	size_t i = 0;

	while (i < n && st == MA_OK) {
		size_t e = line_end(p, n, i);

		if (p[i] != ' ' && p[i] != '\t')
			st = buf_addc(out, ' ');
		if (st == MA_OK)
			st = buf_add(out, (const char *)p + i, e - i);
		i = e;
	}
	return st;
}

/* Whether p[0..n) starts with the first line of raw (as far as p goes). */
static bool
same_start(const unsigned char *p, size_t n, const char *raw)
{
	size_t k = strcspn(raw, "\r\n");

	return memcmp(p, raw, k < n ? k : n) == 0;
}

/*
 * Whether the field name (its raw name) with first line raw starts
 * src[0..n) and lines gmime drops follow it: 1 with *endp and *brokenp
 * set (mime_fold_scan()), 0 not, -1 when n bytes do not tell.
 */
static int
fold_at(const unsigned char *src, size_t n, const char *name, const char *raw,
	size_t *endp, size_t *brokenp)
{
	size_t nl = strlen(name), c = nl;

	/* The same field at that offset, name and value's first line: a
	 * check that it is the source (a message parsed from memory while
	 * a file is named has other offsets). */
	while (c < n && (src[c] == ' ' || src[c] == '\t'))
		c++;
	if (c >= n || memcmp(src, name, nl) != 0 || src[c] != ':' ||
	    !same_start(src + c + 1, n - c - 1, raw))
		return 0;
	return mime_fold_scan(src, n, endp, brokenp);
}

void
mime_fold_join(GMimeHeader *h)
{
	const char *name = g_mime_header_get_raw_name(h);
	const char *raw = g_mime_header_get_raw_value(h);
	gint64 off = g_mime_header_get_offset(h);
	unsigned char first[FOLD_FIRST], *big = NULL;
	const unsigned char *src;
	size_t n, end = 0, broken = 0;
	struct buf v;
	int r;

	if (name == NULL || raw == NULL ||
	    g_ascii_strcasecmp(name, "Message-ID") == 0)
		return;
	/* Held in memory (the message, or the file's first bytes): no
	 * copy. Most fields and the line after them fit in the first
	 * FOLD_FIRST bytes. */
	if ((src = mime_source_view(off, FOLD_FIRST, &n)) == NULL) {
		n = mime_source_read(off, first, sizeof first);
		src = first;
	}
	r = fold_at(src, n, name, raw, &end, &broken);
	if (r < 0 && n == FOLD_FIRST) {
		src = mime_source_view(off, FOLD_SCAN_MAX, &n);
		if (src == NULL && (big = malloc(FOLD_SCAN_MAX)) != NULL) {
			n = mime_source_read(off, big, FOLD_SCAN_MAX);
			src = big;
		}
		if (src != NULL)
			r = fold_at(src, n, name, raw, &end, &broken);
	}
	if (r == 1) {
		buf_init(&v, FOLD_SCAN_MAX * 2);
		if (buf_adds(&v, raw) == MA_OK &&
		    mime_fold_append(&v, src + end, broken - end) == MA_OK) {
			/* gmime reads the value from raw_value (decoded
			 * when asked for): every reader after reads the
			 * field whole. */
			g_free(h->raw_value);
			h->raw_value = g_strdup(v.data);
			g_free(h->value);
			h->value = NULL;
		}
		buf_release(&v);
	}
	free(big);
}
