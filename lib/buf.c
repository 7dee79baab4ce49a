#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b, b->max);
}

void
buf_wipe_release(struct buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->cap);
	buf_release(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static enum ma_status
buf_grow(struct buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (n > b->max || b->len > b->max - n)
		return MA_ETOOBIG;
	need = b->len + n + 1;
	if (need <= b->cap)
		return MA_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		return MA_ENOMEM;
	b->data = p;
	b->cap = cap;
	return MA_OK;
}

enum ma_status
buf_add(struct buf *b, const void *p, size_t n)
{
	enum ma_status st;

	if ((st = buf_grow(b, n)) != MA_OK)
		return st;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return MA_OK;
}

enum ma_status
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

enum ma_status
buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

/*
 * Formatted straight into the room the buffer has: most calls fit, and
 * then the text is formatted once, not measured first and formatted
 * again (pages are built with thousands of these).
 */
enum ma_status
buf_addf(struct buf *b, const char *fmt, ...)
{
	size_t room = b->cap - b->len;
	enum ma_status st;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->data != NULL ? b->data + b->len : NULL,
		      b->data != NULL ? room : 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n > b->max || b->len > b->max - (size_t)n) {
		/* Nothing added: the text before stays terminated. */
		if (b->data != NULL)
			b->data[b->len] = '\0';
		return n < 0 ? MA_EIO : MA_ETOOBIG;
	}
	if ((size_t)n < room && b->data != NULL) {
		b->len += (size_t)n;
		return MA_OK;
	}
	if ((st = buf_grow(b, (size_t)n)) != MA_OK) {
		if (b->data != NULL)
			b->data[b->len] = '\0';
		return st;
	}
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return MA_OK;
}

const char *
buf_cstr(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

char *
buf_steal(struct buf *b)
{
	char *p = b->data;

	if (p == NULL && (p = strdup("")) == NULL)
		return NULL;
	buf_init(b, b->max);
	return p;
}
