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

enum ma_status
buf_addf(struct buf *b, const char *fmt, ...)
{
	enum ma_status st;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return MA_EIO;
	if ((st = buf_grow(b, (size_t)n)) != MA_OK)
		return st;
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
