/* mailto: URLs for replies (RFC 6068); see mailto.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailto.h"

/* How many Message-IDs of the original References a reply keeps. */
#define REFS_KEEP 20

static bool
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

enum ma_status
mailto_encode(struct buf *b, const char *s, bool addr)
{
	static const char hex[] = "0123456789ABCDEF";
	enum ma_status st = MA_OK;

	for (const unsigned char *p = (const unsigned char *)s;
	     *p && st == MA_OK; p++) {
		char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};

		if (*p == '\r' || *p == '\n')
			continue; /* unfolded */
		if (unreserved(*p) || (addr && *p == '@'))
			st = buf_addc(b, (char)*p);
		else
			st = buf_add(b, e, 3);
	}
	return st;
}

/* s without CR and LF, malloc'd. */
static char *
unfold(const char *s)
{
	char *r = malloc(strlen(s) + 1), *o = r;

	if (r == NULL)
		return NULL;
	for (; *s; s++)
		if (*s != '\r' && *s != '\n')
			*o++ = *s;
	*o = '\0';
	return r;
}

char *
mailto_subject(const char *subject)
{
	char *u = unfold(subject != NULL ? subject : ""), *r;
	const char *p = u;
	size_t n;

	if (u == NULL)
		return NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "re:", 3) == 0)
		return u;
	n = strlen(p) + 5;
	/* n is what "Re: " and p take: it cannot be cut. */
	if ((r = malloc(n)) != NULL && snprintf(r, n, "Re: %s", p) < 0) {
		free(r);
		r = NULL;
	}
	free(u);
	return r;
}

/* The next "<...>" of s from *pos: its bounds, or false at the end. */
static bool
next_id(const char *s, size_t *pos, size_t *from, size_t *len)
{
	const char *lt = strchr(s + *pos, '<'), *gt;

	if (lt == NULL || (gt = strchr(lt, '>')) == NULL)
		return false;
	*from = (size_t)(lt - s);
	*len = (size_t)(gt - lt) + 1;
	*pos = *from + *len;
	return true;
}

char *
mailto_references(const char *refs, const char *msgid)
{
	struct buf b;
	size_t pos = 0, from, len, n = 0, k = 0;

	buf_init(&b, 1 << 20);
	while (refs != NULL && next_id(refs, &pos, &from, &len))
		n++;
	pos = 0;
	while (refs != NULL && next_id(refs, &pos, &from, &len)) {
		/* The first (the thread's start) and the latest ones. */
		if (k++ != 0 && n - k >= REFS_KEEP - 1)
			continue;
		if ((b.len > 0 && buf_addc(&b, ' ') != MA_OK) ||
		    buf_add(&b, refs + from, len) != MA_OK)
			goto fail;
	}
	if ((b.len > 0 && buf_addc(&b, ' ') != MA_OK) ||
	    buf_addf(&b, "<%s>", msgid) != MA_OK)
		goto fail;
	/* An id with CR or LF in it would fold the header. */
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\r' || b.data[i] == '\n')
			b.data[i] = ' ';
	return buf_steal(&b);
fail:
	buf_release(&b);
	return NULL;
}

enum ma_status
mailto_url(struct buf *b, const struct mailto_reply *m)
{
	enum ma_status st = buf_adds(b, "mailto:");
	char sep = '?';

	for (size_t i = 0; i < m->nto && st == MA_OK; i++) {
		if (i > 0)
			st = buf_addc(b, ',');
		if (st == MA_OK)
			st = mailto_encode(b, m->to[i], true);
	}
	if (st == MA_OK && m->cc != NULL && m->cc[0]) {
		st = buf_adds(b, "?Cc=");
		if (st == MA_OK)
			st = mailto_encode(b, m->cc, false);
		sep = '&';
	}
	if (st == MA_OK && m->in_reply_to != NULL) {
		st = buf_addf(b, "%cIn-Reply-To=", sep);
		if (st == MA_OK)
			st = mailto_encode(b, m->in_reply_to, false);
		sep = '&';
	}
	if (st == MA_OK && m->references != NULL) {
		st = buf_addf(b, "%cReferences=", sep);
		if (st == MA_OK)
			st = mailto_encode(b, m->references, false);
		sep = '&';
	}
	if (st == MA_OK && m->subject != NULL) {
		st = buf_addf(b, "%cSubject=", sep);
		if (st == MA_OK)
			st = mailto_encode(b, m->subject, false);
	}
	return st;
}
